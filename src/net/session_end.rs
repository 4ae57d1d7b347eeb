//! How a TLS session ended, as seen from one side: the teardown branch of Figure B.1-1.

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt};

/// How the peer ended the session after the response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SessionEnd {
    /// TLS close_notify received, then EOF: the orderly teardown.
    CloseNotify,
    /// TCP closed (FIN) without a close_notify.
    TcpCloseWithoutCloseNotify,
    /// TCP reset.
    Reset,
    /// The peer sent more application data instead of closing.
    MoreData {
        /// How many bytes arrived.
        bytes: usize,
    },
    /// The peer sent a TLS alert or broke the protocol.
    TlsError {
        /// The rustls error.
        error: String,
    },
    /// Nothing happened within the timeout: the session was left open.
    StillOpen,
    /// The session stayed usable: the core answered a second request on it (HTTP keep-alive),
    /// so it was not torn down after the response.
    ServedAnotherRequest {
        /// The status of the second (harmless) request.
        status: u16,
    },
    /// Some other I/O failure.
    Other {
        /// The error.
        error: String,
    },
}

impl SessionEnd {
    /// Whether the peer ended the session (in any way) rather than leaving it open.
    pub fn ended(&self) -> bool {
        !matches!(
            self,
            SessionEnd::StillOpen
                | SessionEnd::MoreData { .. }
                | SessionEnd::ServedAnotherRequest { .. }
        )
    }

    /// A phrase for verdict reasons.
    pub fn describe(&self) -> String {
        match self {
            SessionEnd::CloseNotify => "close_notify then EOF".into(),
            SessionEnd::TcpCloseWithoutCloseNotify => "TCP close without close_notify".into(),
            SessionEnd::Reset => "TCP reset".into(),
            SessionEnd::MoreData { bytes } => format!("{bytes} more bytes instead of a close"),
            SessionEnd::TlsError { error } => format!("TLS error: {error}"),
            SessionEnd::StillOpen => "session still open".into(),
            SessionEnd::ServedAnotherRequest { status } => format!(
                "the session stayed usable: a second request on it was answered HTTP {status}"
            ),
            SessionEnd::Other { error } => format!("I/O error: {error}"),
        }
    }

    /// Wait up to `limit` for the peer to end the session on `stream` (a TLS stream whose
    /// response has been read completely) and say how it ended.
    pub async fn observe<S: AsyncRead + Unpin>(stream: &mut S, limit: std::time::Duration) -> Self {
        let mut buf = [0u8; 4096];
        match tokio::time::timeout(limit, stream.read(&mut buf)).await {
            Err(_) => SessionEnd::StillOpen,
            // tokio-rustls yields EOF only after a close_notify; a bare FIN is UnexpectedEof.
            Ok(Ok(0)) => SessionEnd::CloseNotify,
            Ok(Ok(n)) => SessionEnd::MoreData { bytes: n },
            Ok(Err(e)) => classify_io_error(&e),
        }
    }
}

/// Map an I/O error from a TLS stream to what the peer did.
pub fn classify_io_error(e: &std::io::Error) -> SessionEnd {
    if let Some(tls) = super::phase::rustls_error(e) {
        return SessionEnd::TlsError {
            error: tls.to_string(),
        };
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => SessionEnd::TcpCloseWithoutCloseNotify,
        // A write that fails with EPIPE met a connection the peer had already closed.
        std::io::ErrorKind::ConnectionReset
        | std::io::ErrorKind::ConnectionAborted
        | std::io::ErrorKind::BrokenPipe => SessionEnd::Reset,
        _ => SessionEnd::Other {
            error: e.to_string(),
        },
    }
}
