//! CCF-TLS-17: does the core process an onboarding request sent as TLS 1.3 early data (0-RTT)?
//!
//! Two connections share one rustls client config with early data enabled and its session
//! store: the first (a plain `GET /`, answered however the core likes) collects the session
//! tickets; the second resumes and, when a ticket permits early data, writes the onboarding
//! POST as 0-RTT before the handshake completes. What is recorded: whether a ticket permitted
//! early data, whether the core accepted it, and its answer. rustls' blocking API makes the
//! early data explicit (`ClientConnection::early_data`); it runs on a blocking thread, every
//! socket operation bounded by the PIXIT timeouts.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::Arc;

use rustls::{ClientConfig, ClientConnection};
use rustls_pki_types::{CertificateDer, ServerName};

use crate::net::Timeouts;

/// What the two connections showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EarlyData {
    /// The second connection could send no early data: no ticket permitted it. `resumed`: it
    /// resumed a session (a ticket was issued, without early data).
    NotPermitted {
        /// Whether the second handshake resumed.
        resumed: bool,
    },
    /// A ticket permitted early data, and the core declined it (the request went nowhere).
    Declined {
        /// Bytes written as early data.
        sent: usize,
    },
    /// The core accepted the early data; its answer (the raw bytes read, capped).
    Accepted {
        /// Bytes written as early data (the rest of the request, if any, followed in 1-RTT).
        sent: usize,
        /// What the core answered.
        answer: Vec<u8>,
    },
}

/// What happened, for evidence.
pub fn describe(outcome: &EarlyData) -> String {
    match outcome {
        EarlyData::NotPermitted { resumed: true } => {
            "the session resumed, but its ticket permitted no early data".into()
        }
        EarlyData::NotPermitted { resumed: false } => {
            "no session was resumed (no usable ticket), so no early data could be sent".into()
        }
        EarlyData::Declined { sent } => {
            format!("{sent} bytes of the POST were sent as early data and the core declined them")
        }
        EarlyData::Accepted { sent, answer } => format!(
            "{sent} bytes of the POST were sent as early data, the core accepted them and answered {}",
            status_line(answer).unwrap_or_else(|| format!("{} bytes that are no HTTP status line", answer.len()))
        ),
    }
}

/// The status line of an HTTP answer.
pub fn status_line(answer: &[u8]) -> Option<String> {
    let line = answer.split(|b| *b == b'\n').next()?;
    let line = String::from_utf8_lossy(line).trim().to_string();
    line.starts_with("HTTP/").then_some(line)
}

/// The most of an answer kept.
const ANSWER_CAP: usize = 64 * 1024;

/// Run the two connections. `roots`: the provisioned root; `first`: the request of the
/// ticket-collecting connection; `request`: the onboarding POST sent as early data.
pub async fn probe(
    host: &str,
    port: u16,
    server_name: &str,
    roots: Vec<CertificateDer<'static>>,
    first: Vec<u8>,
    request: Vec<u8>,
    timeouts: Timeouts,
) -> Result<EarlyData, String> {
    let host = host.to_string();
    let name = ServerName::try_from(server_name.to_string())
        .map_err(|e| format!("not a server name: {e}"))?;
    tokio::task::spawn_blocking(move || {
        let config = crate::net::client_config(&roots, None, &[&rustls::version::TLS13])
            .map_err(|e| e.to_string())?;
        let mut config: ClientConfig = (*config).clone();
        config.enable_early_data = true;
        let config = Arc::new(config);
        // 1: a full handshake; reading the answer processes the NewSessionTickets.
        {
            let (mut conn, mut sock) = open(&host, port, &config, name.clone(), &timeouts)?;
            let mut tls = rustls::Stream::new(&mut conn, &mut sock);
            tls.write_all(&first)
                .map_err(|e| format!("first connection: {e}"))?;
            read_capped(&mut tls);
        }
        // 2: resume, with the POST as early data when a ticket permits it.
        let (mut conn, mut sock) = open(&host, port, &config, name, &timeouts)?;
        let sent = match conn.early_data() {
            Some(mut early) => {
                let n = request.len().min(early.bytes_left());
                early
                    .write_all(&request[..n])
                    .map_err(|e| format!("early data: {e}"))?;
                n
            }
            None => 0,
        };
        while conn.is_handshaking() {
            conn.complete_io(&mut sock)
                .map_err(|e| format!("second handshake: {e}"))?;
        }
        if sent == 0 {
            let resumed = conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed);
            return Ok(EarlyData::NotPermitted { resumed });
        }
        if !conn.is_early_data_accepted() {
            return Ok(EarlyData::Declined { sent });
        }
        let mut tls = rustls::Stream::new(&mut conn, &mut sock);
        tls.write_all(&request[sent..])
            .map_err(|e| format!("the rest of the request: {e}"))?;
        let answer = read_capped(&mut tls);
        Ok(EarlyData::Accepted { sent, answer })
    })
    .await
    .map_err(|e| format!("the early-data probe stopped: {e}"))?
}

/// A TCP connection with every operation bounded, and a client connection on it.
fn open(
    host: &str,
    port: u16,
    config: &Arc<ClientConfig>,
    name: ServerName<'static>,
    timeouts: &Timeouts,
) -> Result<(ClientConnection, TcpStream), String> {
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("{host}:{port}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}:{port}: no address"))?;
    let sock =
        TcpStream::connect_timeout(&addr, timeouts.connect).map_err(|e| format!("connect: {e}"))?;
    let limit = Some(timeouts.handshake.max(timeouts.response));
    sock.set_read_timeout(limit)
        .and_then(|_| sock.set_write_timeout(limit))
        .map_err(|e| e.to_string())?;
    let conn = ClientConnection::new(config.clone(), name).map_err(|e| e.to_string())?;
    Ok((conn, sock))
}

/// Read until the peer closes, the timeout or the cap; what was read.
fn read_capped(r: &mut impl Read) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    while out.len() < ANSWER_CAP {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                out.extend_from_slice(&buf[..n]);
                // One HTTP/1.1 answer with Content-Length is enough: no need to wait for a
                // keep-alive core's idle close.
                if complete_http_answer(&out) {
                    break;
                }
            }
        }
    }
    out
}

/// Whether `bytes` hold a whole HTTP/1.1 response (headers and Content-Length body).
fn complete_http_answer(bytes: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut resp = httparse::Response::new(&mut headers);
    let Ok(httparse::Status::Complete(at)) = resp.parse(bytes) else {
        return false;
    };
    let length = resp
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .and_then(|v| v.trim().parse::<usize>().ok());
    length.is_some_and(|n| bytes.len() >= at + n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_complete_with_its_body() {
        assert!(complete_http_answer(
            b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"
        ));
        assert!(!complete_http_answer(
            b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\n{}"
        ));
        assert!(!complete_http_answer(b"HTTP/1.1 201 Cre"));
    }
}
