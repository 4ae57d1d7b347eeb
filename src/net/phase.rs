//! Every network wait runs under a named phase timeout, so a silent peer yields "timed out
//! in phase X after Ns" instead of a hang.

use std::future::Future;
use std::time::Duration;

/// The phases of one onboarding session, as named in evidence and verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// TCP connect.
    Connect,
    /// TLS handshake.
    Handshake,
    /// Writing the request.
    Request,
    /// Waiting for and reading the response.
    Response,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::Connect => "connect",
            Phase::Handshake => "handshake",
            Phase::Request => "request",
            Phase::Response => "response",
        })
    }
}

/// Per-phase time limits (README "Testing your own CAPIF core" `[timeouts]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect.
    pub connect: Duration,
    /// TLS handshake.
    pub handshake: Duration,
    /// From request sent to response complete.
    pub response: Duration,
    /// From response complete to session end.
    pub teardown: Duration,
    /// Whole adapter run.
    pub adapter: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(2),
            handshake: Duration::from_secs(5),
            response: Duration::from_secs(10),
            teardown: Duration::from_secs(2),
            adapter: Duration::from_secs(60),
        }
    }
}

/// A failed phase: it timed out or its I/O failed.
#[derive(Debug, thiserror::Error)]
pub enum PhaseError {
    /// The phase did not complete in time.
    #[error("{phase} timed out after {}", humantime(*.limit))]
    Timeout {
        /// Which phase.
        phase: Phase,
        /// Its limit.
        limit: Duration,
    },
    /// The phase's I/O failed.
    #[error("{phase} failed: {source}")]
    Io {
        /// Which phase.
        phase: Phase,
        /// The error (for TLS, a `rustls::Error` inside).
        source: std::io::Error,
    },
    /// The peer sent something that is not what the protocol allows.
    #[error("{phase}: {reason}")]
    Protocol {
        /// Which phase.
        phase: Phase,
        /// What was wrong.
        reason: String,
    },
}

/// Why a TLS session could not be had, as checks judge it: the message, and whether the peer
/// aborted for want of a client certificate (TLS 1.3's certificate_required alert), read from
/// the typed rustls error, never from the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFailure {
    /// What happened, for reasons and evidence.
    pub message: String,
    /// The peer sent certificate_required.
    pub certificate_required: bool,
    /// The peer's certificate was refused for a signature algorithm or key the verifier does
    /// not accept (SHA-1, a small RSA key): key and signature strength judge it, not the chain.
    pub weak_algorithm: bool,
}

impl TlsFailure {
    /// A failure that is not a certificate_required abort.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            certificate_required: false,
            weak_algorithm: false,
        }
    }
}

impl From<&PhaseError> for TlsFailure {
    fn from(e: &PhaseError) -> Self {
        Self {
            message: e.to_string(),
            certificate_required: e.certificate_required(),
            weak_algorithm: e.weak_algorithm(),
        }
    }
}

impl std::fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl PhaseError {
    /// Whether the peer aborted with the certificate_required alert (a server that wants a
    /// client certificate), in whichever phase it arrived.
    pub fn certificate_required(&self) -> bool {
        matches!(
            self,
            PhaseError::Io { source, .. } if matches!(
                rustls_error(source),
                Some(rustls::Error::AlertReceived(rustls::AlertDescription::CertificateRequired))
            )
        )
    }

    /// Whether our verifier refused the peer's certificate for its signature algorithm or key
    /// (webpki supports no SHA-1 or MD5 signature and no RSA key under 2048 bits).
    pub fn weak_algorithm(&self) -> bool {
        use rustls::CertificateError as E;
        let PhaseError::Io { source, .. } = self else {
            return false;
        };
        #[allow(deprecated)]
        let weak = matches!(
            rustls_error(source),
            Some(rustls::Error::InvalidCertificate(
                E::UnsupportedSignatureAlgorithm
                    | E::UnsupportedSignatureAlgorithmContext { .. }
                    | E::UnsupportedSignatureAlgorithmForPublicKeyContext { .. }
            ))
        );
        weak
    }

    /// The phase that failed.
    pub fn phase(&self) -> Phase {
        match self {
            PhaseError::Timeout { phase, .. }
            | PhaseError::Io { phase, .. }
            | PhaseError::Protocol { phase, .. } => *phase,
        }
    }
}

/// The rustls error behind an I/O failure, if any (tokio-rustls hides it in `io::Error`).
pub fn rustls_error(e: &std::io::Error) -> Option<&rustls::Error> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// Run `fut` as `phase` with `limit`; an I/O error is attributed to the phase.
pub async fn within<T>(
    phase: Phase,
    limit: Duration,
    fut: impl Future<Output = std::io::Result<T>>,
) -> Result<T, PhaseError> {
    match tokio::time::timeout(limit, fut).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(source)) => Err(PhaseError::Io { phase, source }),
        Err(_) => Err(PhaseError::Timeout { phase, limit }),
    }
}

/// "2s", "500ms": how durations are written in configs and messages.
pub fn humantime(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_required_is_read_from_the_typed_error_not_the_text() {
        let io = |e: rustls::Error| PhaseError::Io {
            phase: Phase::Response,
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        };
        let required = io(rustls::Error::AlertReceived(
            rustls::AlertDescription::CertificateRequired,
        ));
        assert!(required.certificate_required());
        assert!(TlsFailure::from(&required).certificate_required);
        assert!(!io(rustls::Error::AlertReceived(
            rustls::AlertDescription::HandshakeFailure
        ))
        .certificate_required());
        // The word in a message is not the alert.
        let said = PhaseError::Protocol {
            phase: Phase::Handshake,
            reason: "the peer said CertificateRequired".into(),
        };
        assert!(!said.certificate_required());
    }

    #[tokio::test]
    async fn a_silent_phase_names_itself() {
        let err = within(Phase::Handshake, Duration::from_millis(20), async {
            std::future::pending::<std::io::Result<()>>().await
        })
        .await
        .unwrap_err();
        assert_eq!(err.phase(), Phase::Handshake);
        assert_eq!(err.to_string(), "handshake timed out after 20ms");
    }

    #[tokio::test]
    async fn io_errors_are_attributed_to_the_phase() {
        let err = within(Phase::Connect, Duration::from_secs(1), async {
            Err::<(), _>(std::io::Error::from(std::io::ErrorKind::ConnectionRefused))
        })
        .await
        .unwrap_err();
        assert!(err.to_string().starts_with("connect failed:"), "{err}");
    }
}
