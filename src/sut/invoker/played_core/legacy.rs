//! INV-TLS-08, tested actively: the played core answers the invoker's ClientHello with a
//! hand-built TLS 1.0 or 1.1 ServerHello, Certificate and ServerHelloDone (rustls cannot speak
//! them), and records what the invoker does next. A client that supports nothing below
//! TLS 1.2 aborts with `protocol_version`; one that takes the version goes on with its
//! ClientKeyExchange. What its ClientHello offered is no proof either way: a TLS 1.2 hello
//! without supported_versions says "1.2 at most", not "1.2 at least".

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::net::client_hello::{parse_client_hello, ClientHelloInfo};
use crate::pki::Identity;

/// What the invoker did after the legacy ServerHello flight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LegacyReply {
    /// A TLS alert (70 is protocol_version).
    Alert {
        /// 1 warning, 2 fatal.
        level: u8,
        /// The alert description.
        description: u8,
    },
    /// A handshake message: the invoker went on with the legacy version (16 is
    /// ClientKeyExchange).
    Continued {
        /// The handshake message type.
        message: u8,
    },
    /// The invoker closed the connection without an alert.
    Closed,
    /// Nothing within the handshake timeout.
    Silent,
    /// Bytes that are not a TLS record.
    NotTls,
}

impl LegacyReply {
    /// A phrase for reasons.
    pub fn describe(&self) -> String {
        match self {
            Self::Alert {
                level,
                description: 70,
            } => format!("answered with the alert protocol_version (level {level})"),
            Self::Alert { level, description } => {
                let name = match description {
                    40 => " handshake_failure",
                    47 => " illegal_parameter",
                    42 => " bad_certificate",
                    80 => " internal_error",
                    _ => "",
                };
                format!("answered with the alert {description}{name} (level {level})")
            }
            Self::Continued { message: 16 } => {
                "went on with its ClientKeyExchange: it accepted that ServerHello".into()
            }
            Self::Continued { message } => {
                format!("went on with handshake message {message}: it accepted that ServerHello")
            }
            Self::Closed => "closed the connection without an alert".into(),
            Self::Silent => "sent nothing more within the PIXIT [timeouts] handshake".into(),
            Self::NotTls => "sent bytes that are not TLS".into(),
        }
    }
}

/// Suites that exist in TLS 1.0/1.1, static RSA first (no ServerKeyExchange needed): the
/// ServerHello picks the first the invoker offered.
const LEGACY_SUITES: &[u16] = &[0x002f, 0x0035, 0x000a, 0xc013, 0xc014, 0xc009, 0xc00a];

/// The server's first flight at `version`: ServerHello (echoing the session id, no
/// extension but an empty renegotiation_info), Certificate, ServerHelloDone, in one record.
pub fn legacy_flight(version: u16, hello: &ClientHelloInfo, chain: &[Vec<u8>]) -> Vec<u8> {
    let suite = LEGACY_SUITES
        .iter()
        .copied()
        .find(|s| hello.cipher_suites.contains(s))
        .unwrap_or(0x002f);
    let mut sh = Vec::new();
    sh.extend_from_slice(&version.to_be_bytes());
    // A fixed random: the flight is a probe, never a session.
    sh.extend_from_slice(&[0x5a; 32]);
    sh.push(hello.session_id.len() as u8);
    sh.extend_from_slice(&hello.session_id);
    sh.extend_from_slice(&suite.to_be_bytes());
    sh.push(0);
    sh.extend_from_slice(&[0x00, 0x05, 0xff, 0x01, 0x00, 0x01, 0x00]);
    let mut certs = Vec::new();
    for c in chain {
        certs.extend_from_slice(&u24(c.len()));
        certs.extend_from_slice(c);
    }
    let mut cert_msg = u24(certs.len()).to_vec();
    cert_msg.extend_from_slice(&certs);
    let mut hs = Vec::new();
    for (ty, body) in [(2u8, sh), (11, cert_msg), (14, Vec::new())] {
        hs.push(ty);
        hs.extend_from_slice(&u24(body.len()));
        hs.extend_from_slice(&body);
    }
    let mut record = vec![0x16];
    record.extend_from_slice(&version.to_be_bytes());
    record.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

pub(super) fn u24(n: usize) -> [u8; 3] {
    [(n >> 16) as u8, (n >> 8) as u8, n as u8]
}

/// The invoker's reply, read from the start of `bytes` (None: incomplete).
pub fn classify_reply(bytes: &[u8]) -> Option<LegacyReply> {
    if bytes.len() < 6 {
        return None;
    }
    match bytes[0] {
        0x15 if bytes.len() >= 7 => Some(LegacyReply::Alert {
            level: bytes[5],
            description: bytes[6],
        }),
        0x16 => Some(LegacyReply::Continued { message: bytes[5] }),
        // ChangeCipherSpec without a handshake message first still goes on.
        0x14 => Some(LegacyReply::Continued { message: 20 }),
        0x15 => None,
        _ => Some(LegacyReply::NotTls),
    }
}

/// Read the ClientHello, answer it with the legacy flight at `version` and read what the
/// invoker does; everything within `deadline`. Returns the ClientHello (if one arrived) and
/// the reply (None: no ClientHello, so nothing was answered).
pub async fn probe(
    tcp: &mut TcpStream,
    identity: &Identity,
    version: u16,
    deadline: tokio::time::Instant,
) -> (Option<ClientHelloInfo>, Option<LegacyReply>) {
    let Some(hello) = read_hello(tcp, deadline).await else {
        return (None, None);
    };
    let chain: Vec<Vec<u8>> = identity.chain.iter().map(|c| c.to_vec()).collect();
    let reply = answer(tcp, &legacy_flight(version, &hello, &chain), deadline).await;
    (Some(hello), Some(reply))
}

/// The ClientHello, read until it parses (at most 16 KiB, within `deadline`).
pub async fn read_hello(
    tcp: &mut TcpStream,
    deadline: tokio::time::Instant,
) -> Option<ClientHelloInfo> {
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(h) = parse_client_hello(&seen) {
            return Some(h);
        }
        if seen.len() > 16 * 1024 {
            return None;
        }
        match tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => seen.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    }
}

/// Send a hand-built server `flight` and read what the client does next (within `deadline`).
pub async fn answer(
    tcp: &mut TcpStream,
    flight: &[u8],
    deadline: tokio::time::Instant,
) -> LegacyReply {
    if tcp.write_all(flight).await.is_err() {
        return LegacyReply::Closed;
    }
    let mut chunk = [0u8; 4096];
    let mut reply = Vec::new();
    loop {
        if let Some(r) = classify_reply(&reply) {
            return r;
        }
        match tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 && reply.len() < 1024 => reply.extend_from_slice(&chunk[..n]),
            Ok(_) => return LegacyReply::Closed,
            Err(_) => return LegacyReply::Silent,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flight_is_a_tls_1_1_server_hello_echoing_the_session() {
        let hello = ClientHelloInfo {
            legacy_version: 0x0303,
            cipher_suites: vec![0xc02b, 0x0035],
            session_id: vec![7; 32],
            ..Default::default()
        };
        let f = legacy_flight(0x0302, &hello, &[vec![1, 2, 3]]);
        assert_eq!(&f[..3], &[0x16, 0x03, 0x02]);
        assert_eq!(u16::from_be_bytes([f[3], f[4]]) as usize, f.len() - 5);
        // ServerHello: type 2, version 0x0302, random, session id echoed, suite 0x0035.
        assert_eq!(f[5], 2);
        assert_eq!(&f[9..11], &[0x03, 0x02]);
        assert_eq!(f[43], 32);
        assert_eq!(&f[44..76], &[7; 32]);
        assert_eq!(&f[76..78], &[0x00, 0x35]);
        // Certificate (11) then ServerHelloDone (14, empty) end the record.
        assert_eq!(&f[f.len() - 4..], &[14, 0, 0, 0]);
    }

    #[test]
    fn replies_are_told_apart() {
        assert_eq!(
            classify_reply(&[0x15, 3, 3, 0, 2, 2, 70]),
            Some(LegacyReply::Alert {
                level: 2,
                description: 70
            })
        );
        assert_eq!(
            classify_reply(&[0x16, 3, 2, 0, 70, 16, 0]),
            Some(LegacyReply::Continued { message: 16 })
        );
        assert_eq!(classify_reply(&[0x15, 3, 3, 0, 2, 2]), None);
        assert_eq!(classify_reply(b"GET / HTTP/1.1"), Some(LegacyReply::NotTls));
    }
}
