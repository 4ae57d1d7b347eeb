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
    client_hello_bytes(
        server_name,
        0x0302,
        &[0xc013, 0xc014, 0xc009, 0xc00a, 0x002f, 0x0035],
    )
}

/// A hand-built ClientHello with `client_version` and exactly `suites`, without a
/// supported_versions extension (what rustls will never send: legacy versions, forbidden
/// suites).
pub fn client_hello_bytes(server_name: &str, client_version: u16, suites: &[u16]) -> Vec<u8> {
    client_hello_bytes_for(server_name, client_version, suites, false)
}

/// [`client_hello_bytes`], optionally offering encrypt_then_mac (RFC 7366); an SSL 3.0 hello
/// goes in an SSL 3.0 record.
pub fn client_hello_bytes_for(
    server_name: &str,
    client_version: u16,
    suites: &[u16],
    encrypt_then_mac: bool,
) -> Vec<u8> {
    hello_bytes(server_name, client_version, suites, encrypt_then_mac, &[])
}

/// [`client_hello_bytes`] without the extensions `omit` names: a client that does not signal
/// renegotiation_info (0xff01) or extended_master_secret (0x0017), for the self-tests of the
/// checks that judge an invoker's ClientHello.
pub fn client_hello_bytes_omitting(
    server_name: &str,
    client_version: u16,
    suites: &[u16],
    omit: &[u16],
) -> Vec<u8> {
    hello_bytes(server_name, client_version, suites, false, omit)
}

/// A TLS 1.3 ClientHello (supported_versions 1.3 and 1.2, an x25519 key_share, the TLS 1.3
/// suites and ECDHE AEAD ones) without the extensions `omit` names: for the self-tests of the
/// check that judges what RFC 8446 §9.2 requires of an invoker's hello.
pub fn tls13_client_hello_bytes_omitting(server_name: &str, omit: &[u16]) -> Vec<u8> {
    let mut extra = Vec::new();
    push_ext(&mut extra, 0x002b, &[0x04, 0x03, 0x04, 0x03, 0x03]); // supported_versions
    let mut share = vec![0x00, 0x24, 0x00, 0x1d, 0x00, 0x20];
    share.extend((0..32u8).map(|i| i.wrapping_mul(7).wrapping_add(1)));
    push_ext(&mut extra, 0x0033, &share); // key_share: x25519
    let mut omit = omit.to_vec();
    // key_share and supported_versions are added here, after the builder's extensions.
    let drop_ks = omit.contains(&0x0033);
    omit.retain(|t| *t != 0x0033);
    if drop_ks {
        extra.truncate(4 + 5);
    }
    hello_bytes_with(
        server_name,
        0x0303,
        &[0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f],
        false,
        &omit,
        &extra,
    )
}

fn hello_bytes(
    server_name: &str,
    client_version: u16,
    suites: &[u16],
    encrypt_then_mac: bool,
    omit: &[u16],
) -> Vec<u8> {
    hello_bytes_with(
        server_name,
        client_version,
        suites,
        encrypt_then_mac,
        omit,
        &[],
    )
}

/// The hand-built ClientHello, `extra` (whole extensions) appended after the usual ones.
fn hello_bytes_with(
    server_name: &str,
    client_version: u16,
    suites: &[u16],
    encrypt_then_mac: bool,
    omit: &[u16],
    extra: &[u8],
) -> Vec<u8> {
    let push_ext = |ext: &mut Vec<u8>, ty: u16, data: &[u8]| {
        if !omit.contains(&ty) {
            push_ext(ext, ty, data)
        }
    };
    let mut body = Vec::new();
    body.extend_from_slice(&client_version.to_be_bytes());
    body.extend((0..32u8).map(|i| i.wrapping_mul(37).wrapping_add(11))); // random
    body.push(0); // session_id
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
    if client_version >= 0x0303 {
        // signature_algorithms: without it a TLS 1.2 server assumes SHA-1 and may refuse for
        // that reason alone, which would look like refusing the suites.
        let schemes: [u16; 6] = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501];
        let mut sa = ((schemes.len() * 2) as u16).to_be_bytes().to_vec();
        for s in schemes {
            sa.extend_from_slice(&s.to_be_bytes());
        }
        push_ext(&mut ext, 0x000d, &sa);
    }
    push_ext(&mut ext, 0x000b, &[0x01, 0x00]); // ec_point_formats
    push_ext(&mut ext, 0xff01, &[0x00]); // renegotiation_info (RFC 5746: the extension form)
    if client_version >= 0x0301 {
        push_ext(&mut ext, 0x0017, &[]); // extended_master_secret (RFC 7627)
    }
    if encrypt_then_mac {
        push_ext(&mut ext, 0x0016, &[]);
    }
    ext.extend_from_slice(extra);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);
    let mut hs = vec![0x01];
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let record_version: u16 = if client_version <= 0x0300 {
        0x0300
    } else {
        0x0301
    };
    let mut rec = vec![0x16];
    rec.extend_from_slice(&record_version.to_be_bytes());
    rec.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    rec.extend_from_slice(&hs);
    rec
}

fn push_ext(out: &mut Vec<u8>, ty: u16, data: &[u8]) {
    out.extend_from_slice(&ty.to_be_bytes());
    out.extend_from_slice(&(data.len() as u16).to_be_bytes());
    out.extend_from_slice(data);
}

/// Classify what a server sent back to the legacy ClientHello, record by record: a warning
/// alert is not a refusal (a server may warn and then answer with a TLS 1.0 ServerHello), so
/// warnings are skipped and the first fatal alert or ServerHello decides. None: only complete
/// warning alerts so far (read more).
fn classify_records(bytes: &[u8]) -> Option<LegacyHelloOutcome> {
    let mut rest = bytes;
    loop {
        match rest {
            [] => return None,
            [0x15, _, _, _, _, 1, _, tail @ ..] => {
                // A warning alert record of the usual 2-byte length; look past it.
                let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
                rest = if len == 2 {
                    tail
                } else {
                    return Some(not_tls(bytes));
                };
            }
            [0x15, _, _, _, _, level, description, ..] => {
                return Some(LegacyHelloOutcome::Alert {
                    level: *level,
                    description: *description,
                })
            }
            // record header (5) + handshake type 2 + length (3) + server_version (2)
            [0x16, _, _, _, _, 0x02, _, _, _, hi, lo, ..] => {
                return Some(LegacyHelloOutcome::ServerHello {
                    version: u16::from_be_bytes([*hi, *lo]),
                })
            }
            [0x15 | 0x16, ..] if rest.len() < 11 => return None,
            _ => return Some(not_tls(bytes)),
        }
    }
}

fn not_tls(bytes: &[u8]) -> LegacyHelloOutcome {
    LegacyHelloOutcome::NotTls {
        first_bytes: hex::encode(&bytes[..bytes.len().min(16)]),
    }
}

/// Classify everything a server sent back to the legacy ClientHello before it closed or the
/// wait ended. Only warning alerts and then a close is a close (a refusal).
pub fn classify_legacy_reply(bytes: &[u8]) -> LegacyHelloOutcome {
    match classify_records(bytes) {
        Some(o) => o,
        None if bytes.is_empty() || bytes.starts_with(&[0x15]) => LegacyHelloOutcome::Closed,
        None => not_tls(bytes),
    }
}

/// Start a real handshake (a rustls ClientHello for `server_name`) and walk away once the
/// core has answered: what an invoker that gives up mid-handshake leaves behind. Returns what
/// ended the wait, for evidence.
pub async fn abandoned_handshake(
    host: &str,
    port: u16,
    server_name: &str,
    config: std::sync::Arc<rustls::ClientConfig>,
    timeouts: &Timeouts,
) -> Result<String, String> {
    let name = rustls_pki_types::ServerName::try_from(server_name.to_string())
        .map_err(|e| e.to_string())?;
    let mut conn = rustls::ClientConnection::new(config, name).map_err(|e| e.to_string())?;
    let mut hello = Vec::new();
    conn.write_tls(&mut hello).map_err(|e| e.to_string())?;
    let connect = TcpStream::connect((host, port));
    let mut tcp = match tokio::time::timeout(timeouts.connect, connect).await {
        Ok(Ok(t)) => t,
        _ => return Err(format!("the core is not reachable at {host}:{port}")),
    };
    let _ = tcp.write_all(&hello).await;
    let mut buf = [0u8; 64];
    let answered = tokio::time::timeout(timeouts.handshake, tcp.read(&mut buf)).await;
    drop(tcp);
    Ok(format!(
        "sent a ClientHello ({} bytes) and closed the TCP connection after {}",
        hello.len(),
        match answered {
            Ok(Ok(n)) if n > 0 => "the core's first handshake bytes",
            Ok(_) => "the core closed",
            Err(_) => "the handshake timeout",
        }
    ))
}

/// Send the legacy ClientHello and report the server's first answer.
pub async fn legacy_client_hello(
    host: &str,
    port: u16,
    server_name: &str,
    timeouts: &Timeouts,
) -> Result<LegacyHelloOutcome, PhaseError> {
    hello_probe(
        host,
        port,
        &legacy_client_hello_bytes(server_name),
        timeouts,
    )
    .await
    .map(|(outcome, _)| outcome)
}

/// Send a TLS 1.2 ClientHello offering only `suites` and report the answer, with the suite
/// a ServerHello selected (RFC 9325 grades what a server agrees to negotiate).
pub async fn suites_probe(
    host: &str,
    port: u16,
    server_name: &str,
    suites: &[u16],
    timeouts: &Timeouts,
) -> Result<(LegacyHelloOutcome, Option<u16>), PhaseError> {
    let hello = client_hello_bytes(server_name, 0x0303, suites);
    let (outcome, bytes) = hello_probe(host, port, &hello, timeouts).await?;
    Ok((outcome, server_hello_suite(&bytes)))
}

/// The certificate chain the server presents, read through a handshake that verifies nothing
/// (so a chain a strict verifier refuses is still read; nothing is sent after it).
pub async fn presented_chain(
    host: &str,
    port: u16,
    server_name: &str,
    timeouts: &Timeouts,
) -> Result<Vec<rustls_pki_types::CertificateDer<'static>>, String> {
    match unverified_handshake(
        host,
        port,
        server_name,
        crate::net::provider(),
        crate::net::TLS_VERSIONS,
        timeouts,
    )
    .await
    {
        Ok(Ok(tls)) => Ok(tls
            .get_ref()
            .1
            .peer_certificates()
            .map(|c| c.iter().map(|d| d.clone().into_owned()).collect())
            .unwrap_or_default()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e),
    }
}

/// A TLS handshake that verifies nothing, with `provider` and `versions`, within the connect
/// and handshake timeouts (Err: the timeout; Ok(Err): the handshake failed).
pub(super) async fn unverified_handshake(
    host: &str,
    port: u16,
    server_name: &str,
    provider: std::sync::Arc<rustls::crypto::CryptoProvider>,
    versions: &[&'static rustls::SupportedProtocolVersion],
    timeouts: &Timeouts,
) -> Result<std::io::Result<tokio_rustls::client::TlsStream<tokio::net::TcpStream>>, String> {
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(crate::peers::lax_verifier::LaxVerifier::anything())
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from(server_name.to_string())
        .map_err(|e| format!("not a server name: {e}"))?;
    let connect = async {
        let tcp = tokio::net::TcpStream::connect((host, port)).await?;
        tokio_rustls::TlsConnector::from(std::sync::Arc::new(config))
            .connect(name, tcp)
            .await
    };
    tokio::time::timeout(timeouts.connect + timeouts.handshake, connect)
        .await
        .map_err(|_| {
            format!(
                "no handshake within {}",
                crate::net::humantime(timeouts.connect + timeouts.handshake)
            )
        })
}

/// The cipher suite a ServerHello at the start of `bytes` selected (after any warnings).
pub fn server_hello_suite(bytes: &[u8]) -> Option<u16> {
    let start = bytes
        .windows(6)
        .position(|w| w[0] == 0x16 && w[5] == 0x02)?;
    let b = &bytes[start..];
    // record (5) + type (1) + length (3) + version (2) + random (32) + session id
    let sid = *b.get(43)? as usize;
    let at = 44 + sid;
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// The extension types of a ServerHello at the start of `bytes` (after any warnings).
pub fn server_hello_extensions(bytes: &[u8]) -> Vec<u16> {
    crate::net::client_hello::server_hello_extensions(bytes)
}

/// Send `hello` and report the server's first decisive answer (and the bytes read).
pub(super) async fn hello_probe(
    host: &str,
    port: u16,
    hello: &[u8],
    timeouts: &Timeouts,
) -> Result<(LegacyHelloOutcome, Vec<u8>), PhaseError> {
    let mut tcp = within(
        Phase::Connect,
        timeouts.connect,
        TcpStream::connect((host, port)),
    )
    .await?;
    tcp.write_all(hello)
        .await
        .map_err(|source| PhaseError::Io {
            phase: Phase::Handshake,
            source,
        })?;
    // Read until a fatal alert or a ServerHello decides, the server closes, or the
    // handshake timeout: warnings alone decide nothing.
    let deadline = tokio::time::Instant::now() + timeouts.handshake;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 2048];
    loop {
        if let Some(decided) = classify_records(&buf) {
            // A ServerHello decides; read on briefly for its suite if it was cut short.
            if matches!(decided, LegacyHelloOutcome::ServerHello { .. })
                && server_hello_suite(&buf).is_none()
            {
                if let Ok(Ok(n)) = tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
                    buf.extend_from_slice(&chunk[..n]);
                }
            }
            return Ok((decided, buf));
        }
        if buf.len() > 16 * 1024 {
            return Ok((not_tls(&buf), buf));
        }
        match tokio::time::timeout_at(deadline, tcp.read(&mut chunk)).await {
            // Nothing, or warnings then nothing: the server neither refused nor answered.
            Err(_) => return Ok((LegacyHelloOutcome::Silent, buf)),
            Ok(Ok(0)) | Ok(Err(_)) => return Ok((classify_legacy_reply(&buf), buf)),
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
        }
    }
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

/// Most of a cleartext reply read.
const CLEAR_REPLY_CAP: usize = 64 * 1024;

/// The status of the first HTTP/1.x status line anywhere in `bytes`.
pub fn http_status_anywhere(bytes: &[u8]) -> Option<u16> {
    let mut from = 0;
    while let Some(i) = bytes[from..].windows(7).position(|w| w == b"HTTP/1.") {
        let at = from + i;
        let line = &bytes[at..bytes.len().min(at + 16)];
        // "HTTP/1.x NNN"
        if line.len() >= 12 && line[8] == b' ' && line[9..12].iter().all(u8::is_ascii_digit) {
            let code = std::str::from_utf8(&line[9..12]).ok()?.parse().ok()?;
            return Some(code);
        }
        from = at + 1;
    }
    None
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
    // Read what comes back until the server closes, for at most the response timeout and
    // CLEAR_REPLY_CAP bytes: a core that answers in clear late, or after junk, still answered.
    read_at_least(&mut tcp, &mut buf, CLEAR_REPLY_CAP, timeouts.response).await;
    buf.truncate(CLEAR_REPLY_CAP);
    let status = http_status_anywhere(&buf);
    let shown = &buf[..buf.len().min(512)];
    Ok(ClearOutcome {
        status,
        reply: String::from_utf8_lossy(shown).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_selected_suite_is_read_from_a_server_hello() {
        let mut hello = vec![
            0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x03,
        ];
        hello.extend_from_slice(&[7u8; 32]);
        hello.extend_from_slice(&[0x00, 0x00, 0x05, 0x00]);
        assert_eq!(server_hello_suite(&hello), Some(0x0005));
        let mut warned = vec![0x15, 3, 3, 0, 2, 1, 112];
        warned.extend_from_slice(&hello);
        assert_eq!(server_hello_suite(&warned), Some(0x0005));
        assert_eq!(server_hello_suite(&hello[..40]), None);
    }

    #[test]
    fn status_lines_are_found_anywhere() {
        assert_eq!(http_status_anywhere(b"HTTP/1.1 201 Created\r\n"), Some(201));
        let mut junk = vec![0u8; 600];
        junk.extend_from_slice(b"HTTP/1.0 200 OK\r\n\r\n");
        assert_eq!(http_status_anywhere(&junk), Some(200));
        assert_eq!(http_status_anywhere(b"HTTP/1.1 abc"), None);
        assert_eq!(http_status_anywhere(&[0x15, 3, 3, 0, 2, 2, 70]), None);
    }

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
        // A warning alert is not a refusal: what follows decides.
        let mut warned = vec![0x15, 3, 1, 0, 2, 1, 112];
        warned.extend_from_slice(&[0x16, 3, 1, 0, 50, 2, 0, 0, 46, 3, 1, 9]);
        assert_eq!(
            classify_legacy_reply(&warned),
            LegacyHelloOutcome::ServerHello { version: 0x0301 }
        );
        assert_eq!(
            classify_records(&warned[..7]),
            None,
            "undecided after a warning"
        );
        assert_eq!(
            classify_legacy_reply(&warned[..7]),
            LegacyHelloOutcome::Closed,
            "a warning and then a close is a close"
        );
        assert!(matches!(
            classify_legacy_reply(b"HTTP/1.1 400"),
            LegacyHelloOutcome::NotTls { .. }
        ));
    }
}
