//! Probes below HTTPS: a hand-built ClientHello offering only TLS 1.0/1.1 (rustls cannot send
//! one), and an HTTP request in clear to the TLS port.

use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::net::{within, Phase, PhaseError, Timeouts};

/// What a server answered to a ClientHello offering only TLS 1.0 and 1.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum LegacyHelloOutcome {
    /// A ServerHello: the server negotiated `version` (0x0301 = TLS 1.0, 0x0302 = TLS 1.1).
    ServerHello {
        /// The negotiated legacy_version.
        version: u16,
    },
    /// A TLS alert record.
    Alert {
        /// 1 warning, 2 fatal.
        level: u8,
        /// e.g. 70 protocol_version, 40 handshake_failure.
        description: u8,
    },
    /// The server closed the connection.
    Closed,
    /// Something that is not a TLS record.
    NotTls {
        /// The first bytes, hex.
        first_bytes: String,
    },
    /// Nothing within the handshake timeout.
    Silent,
}

impl LegacyHelloOutcome {
    /// A phrase for verdict reasons.
    pub fn describe(&self) -> String {
        match self {
            Self::ServerHello { version } => format!("ServerHello with version 0x{version:04x}"),
            Self::Alert { level, description } => {
                format!("TLS alert (level {level}, description {description})")
            }
            Self::Closed => "connection closed".into(),
            Self::NotTls { first_bytes } => format!("non-TLS bytes {first_bytes}"),
            Self::Silent => "no answer".into(),
        }
    }
}

/// A TLS 1.1 ClientHello (record version 0x0301) offering only TLS 1.0/1.1 cipher suites,
/// without a supported_versions extension, so a server cannot pick TLS 1.2 or 1.3.
pub fn legacy_client_hello_bytes(server_name: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&[0x03, 0x02]); // client_version TLS 1.1
    body.extend((0..32u8).map(|i| i.wrapping_mul(37).wrapping_add(11))); // random
    body.push(0); // session_id
    let suites: [u16; 6] = [0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035];
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
    let mut ext = Vec::new();
    if !server_name.is_empty() && server_name.parse::<std::net::IpAddr>().is_err() {
        let name = server_name.as_bytes();
        let mut sni = Vec::new();
        sni.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes());
        sni.push(0);
        sni.extend_from_slice(&(name.len() as u16).to_be_bytes());
        sni.extend_from_slice(name);
        push_ext(&mut ext, 0x0000, &sni);
    }
    push_ext(&mut ext, 0x000a, &[0x00, 0x04, 0x00, 0x17, 0x00, 0x1d]); // groups
    push_ext(&mut ext, 0x000b, &[0x01, 0x00]); // ec_point_formats
    push_ext(&mut ext, 0xff01, &[0x00]); // renegotiation_info
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![0x01];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut rec = vec![0x16, 0x03, 0x01];
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

fn push_ext(out: &mut Vec<u8>, ty: u16, data: &[u8]) {
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
}

/// Classify the first bytes a server sent back to the legacy ClientHello.
pub fn classify_legacy_reply(bytes: &[u8]) -> LegacyHelloOutcome {
    match bytes {
        [] => LegacyHelloOutcome::Closed,
        [0x15, _, _, _, _, level, description, ..] => LegacyHelloOutcome::Alert {
            level: *level,
            description: *description,
        },
        // record header (5) + handshake type 2 + length (3) + server_version (2)
        [0x16, _, _, _, _, 0x02, _, _, _, hi, lo, ..] => LegacyHelloOutcome::ServerHello {
            version: u16::from_be_bytes([*hi, *lo]),
        },
        other => LegacyHelloOutcome::NotTls {
            first_bytes: hex::encode(&other[..other.len().min(16)]),
        },
    }
}

/// Send the legacy ClientHello and report the server's first answer.
pub async fn legacy_client_hello(
    host: &str,
    port: u16,
    server_name: &str,
    timeouts: &Timeouts,
) -> Result<LegacyHelloOutcome, PhaseError> {
    let mut tcp = within(
        Phase::Connect,
        timeouts.connect,
        TcpStream::connect((host, port)),
    )
    .await?;
    tcp.write_all(&legacy_client_hello_bytes(server_name))
        .await
        .map_err(|source| PhaseError::Io {
            phase: Phase::Handshake,
            source,
        })?;
    let mut buf = Vec::new();
    let read = read_at_least(&mut tcp, &mut buf, 11, timeouts.handshake).await;
    Ok(match read {
        ReadEnd::Timeout if buf.is_empty() => LegacyHelloOutcome::Silent,
        ReadEnd::Reset if buf.is_empty() => LegacyHelloOutcome::Closed,
        _ => classify_legacy_reply(&buf),
    })
}

/// What a TLS port did with an HTTP request in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClearOutcome {
    /// The HTTP status, if the reply was an HTTP response.
    pub status: Option<u16>,
    /// The first bytes of the reply (lossy text, at most 512 bytes).
    pub reply: String,
}

enum ReadEnd {
    Enough,
    Eof,
    Reset,
    Timeout,
}

async fn read_at_least(
    tcp: &mut TcpStream,
    buf: &mut Vec<u8>,
    want: usize,
    limit: Duration,
) -> ReadEnd {
    let deadline = tokio::time::Instant::now() + limit;
    let mut chunk = [0u8; 2048];
    while buf.len() < want {
        match tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
            Err(_) => return ReadEnd::Timeout,
            Ok(Ok(0)) => return ReadEnd::Eof,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(_)) => return ReadEnd::Reset,
        }
    }
    ReadEnd::Enough
}

/// Send `request` (a complete HTTP/1.1 request) in clear to the TLS port; report the reply.
pub async fn cleartext_request(
    host: &str,
    port: u16,
    request: &[u8],
    timeouts: &Timeouts,
) -> Result<ClearOutcome, PhaseError> {
    let mut tcp = within(
        Phase::Connect,
        timeouts.connect,
        TcpStream::connect((host, port)),
    )
    .await?;
    let _ = tcp.write_all(request).await;
    let mut buf = Vec::new();
    // A TLS port answers cleartext at once (alert, close or a 400): the handshake limit, not
    // the response limit, bounds the wait, so a silent core costs one short timeout here.
    read_at_least(&mut tcp, &mut buf, 512, timeouts.handshake).await;
    buf.truncate(512);
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut resp = httparse::Response::new(&mut headers);
    let status = match resp.parse(&buf) {
        Ok(_) => resp.code,
        Err(_) => None,
    };
    Ok(ClearOutcome {
        status,
        reply: String::from_utf8_lossy(&buf).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_is_a_well_formed_record() {
        let b = legacy_client_hello_bytes("capif.example");
        assert_eq!(&b[..3], &[0x16, 0x03, 0x01]);
        let rec_len = u16::from_be_bytes([b[3], b[4]]) as usize;
        assert_eq!(rec_len, b.len() - 5);
        assert_eq!(b[5], 0x01);
        let hs_len = u32::from_be_bytes([0, b[6], b[7], b[8]]) as usize;
        assert_eq!(hs_len, b.len() - 9);
        assert_eq!(&b[9..11], &[0x03, 0x02]);
    }

    #[test]
    fn replies_are_classified() {
        assert_eq!(
            classify_legacy_reply(&[0x15, 3, 3, 0, 2, 2, 70]),
            LegacyHelloOutcome::Alert {
                level: 2,
                description: 70
            }
        );
        assert_eq!(
            classify_legacy_reply(&[0x16, 3, 2, 0, 50, 2, 0, 0, 46, 3, 2, 9]),
            LegacyHelloOutcome::ServerHello { version: 0x0302 }
        );
        assert_eq!(classify_legacy_reply(&[]), LegacyHelloOutcome::Closed);
        assert!(matches!(
            classify_legacy_reply(b"HTTP/1.1 400"),
            LegacyHelloOutcome::NotTls { .. }
        ));
    }
}
