//! Reading a ClientHello from the raw bytes a client sent: which versions, suites, groups and
//! extensions it offers (the played core reads the invoker's; the reference core's
//! prefer-tls12 fault reads the harness's).

use serde::Serialize;

/// The last 8 bytes of a TLS 1.3 server's ServerHello.random when it negotiates TLS 1.2
/// (RFC 8446 §4.1.3): a client that offered TLS 1.3 must abort when it sees them.
pub const DOWNGRADE_SENTINEL: [u8; 8] = *b"DOWNGRD\x01";

/// What a ClientHello offered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ClientHelloInfo {
    /// legacy_version of the ClientHello body.
    pub legacy_version: u16,
    /// The supported_versions extension, if present.
    pub supported_versions: Option<Vec<u16>>,
    /// The SNI host name, if present.
    pub server_name: Option<String>,
    /// The cipher suites offered, in order (GREASE and signalling values included).
    pub cipher_suites: Vec<u16>,
    /// The supported_groups extension, if present.
    pub groups: Vec<u16>,
    /// The legacy_session_id (echoed by a ServerHello).
    #[serde(skip)]
    pub session_id: Vec<u8>,
    /// Every extension type offered, in order (encrypt_then_mac is 22,
    /// extended_master_secret 23, renegotiation_info 0xff01).
    pub extensions: Vec<u16>,
    /// The signature_algorithms extension, if present.
    pub signature_algorithms: Vec<u16>,
    /// The client random (a hand-built ServerKeyExchange signs over it).
    #[serde(skip)]
    pub random: Vec<u8>,
}

/// The IANA name of cipher suite `code`.
pub fn suite_name(code: u16) -> String {
    crate::net::suites::suite_name(code)
}

/// Human name of a protocol version.
pub fn version_name(v: u16) -> String {
    match v {
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        v if v & 0x0f0f == 0x0a0a => format!("GREASE 0x{v:04x}"),
        v => format!("0x{v:04x}"),
    }
}

impl ClientHelloInfo {
    /// Versions offered: supported_versions when present (GREASE removed), else legacy_version
    /// and everything below it down to TLS 1.0 (a pre-1.3 client accepts any version up to it).
    pub fn offered(&self) -> Vec<u16> {
        match &self.supported_versions {
            Some(v) => v.iter().copied().filter(|v| v & 0x0f0f != 0x0a0a).collect(),
            None => (0x0301..=self.legacy_version.max(0x0301)).collect(),
        }
    }
}

/// The handshake bytes of the consecutive handshake records at the start of `records` (the
/// last one as far as it is there).
pub fn handshake_bytes(records: &[u8]) -> Vec<u8> {
    let mut hs = Vec::new();
    let mut rest = records;
    while rest.len() >= 5 && rest[0] == 0x16 {
        let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
        let end = (5 + len).min(rest.len());
        hs.extend_from_slice(&rest[5..end]);
        rest = &rest[end..];
    }
    hs
}

/// Parse the first TLS record(s) of `bytes` as a ClientHello.
pub fn parse_client_hello(bytes: &[u8]) -> Option<ClientHelloInfo> {
    let hs = handshake_bytes(bytes);
    let mut r = Reader(&hs);
    if r.u8()? != 1 {
        return None;
    }
    let body_len = r.u24()? as usize;
    let mut r = Reader(r.take(body_len.min(r.0.len()))?);
    let legacy_version = r.u16()?;
    let random = r.take(32)?.to_vec();
    let sid = r.u8()? as usize;
    let session_id = r.take(sid)?.to_vec();
    let suites_len = r.u16()? as usize;
    let mut suites = Reader(r.take(suites_len)?);
    let cipher_suites: Vec<u16> = (0..suites_len / 2).filter_map(|_| suites.u16()).collect();
    let comp = r.u8()? as usize;
    r.take(comp)?;
    let mut info = ClientHelloInfo {
        legacy_version,
        supported_versions: None,
        server_name: None,
        cipher_suites,
        groups: Vec::new(),
        session_id,
        extensions: Vec::new(),
        signature_algorithms: Vec::new(),
        random,
    };
    let Some(ext_len) = r.u16() else {
        return Some(info);
    };
    let mut ext = Reader(r.take(ext_len as usize)?);
    while let (Some(ty), Some(len)) = (ext.u16(), ext.u16()) {
        let mut data = Reader(ext.take(len as usize)?);
        info.extensions.push(ty);
        match ty {
            0x002b => {
                let n = data.u8()? as usize / 2;
                info.supported_versions = Some((0..n).filter_map(|_| data.u16()).collect());
            }
            0x000a => {
                let n = data.u16()? as usize / 2;
                info.groups = (0..n).filter_map(|_| data.u16()).collect();
            }
            0x000d => {
                let n = data.u16()? as usize / 2;
                info.signature_algorithms = (0..n).filter_map(|_| data.u16()).collect();
            }
            0x0000 => {
                data.u16()?;
                if data.u8()? == 0 {
                    let n = data.u16()? as usize;
                    info.server_name = Some(String::from_utf8_lossy(data.take(n)?).into_owned());
                }
            }
            _ => {}
        }
    }
    Some(info)
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (a, b) = self.0.split_at(n);
        self.0 = b;
        Some(a)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    fn u24(&mut self) -> Option<u32> {
        self.take(3)
            .map(|b| u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }
}

/// The extension types of a ServerHello at the start of `bytes` (after any warnings).
pub fn server_hello_extensions(bytes: &[u8]) -> Vec<u16> {
    let Some(start) = bytes.windows(6).position(|w| w[0] == 0x16 && w[5] == 0x02) else {
        return Vec::new();
    };
    let b = &bytes[start..];
    // record (5) + type (1) + length (3) + version (2) + random (32) + session id + suite (2)
    // + compression (1) + extensions length (2)
    let Some(&sid) = b.get(43) else {
        return Vec::new();
    };
    let mut at = 44 + sid as usize + 3;
    let Some(len) = b
        .get(at..at + 2)
        .map(|l| u16::from_be_bytes([l[0], l[1]]) as usize)
    else {
        return Vec::new();
    };
    at += 2;
    let end = (at + len).min(b.len());
    let mut types = Vec::new();
    while at + 4 <= end {
        types.push(u16::from_be_bytes([b[at], b[at + 1]]));
        at += 4 + u16::from_be_bytes([b[at + 2], b[at + 3]]) as usize;
    }
    types
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_rustls_client_hello() {
        let pki = crate::pki::TestPki::generate(&["localhost".into()]).unwrap();
        let cfg = crate::net::client_config(
            std::slice::from_ref(&pki.ca.cert),
            None,
            crate::net::TLS_VERSIONS,
        )
        .unwrap();
        let mut conn = rustls::ClientConnection::new(cfg, "localhost".try_into().unwrap()).unwrap();
        let mut bytes = Vec::new();
        conn.write_tls(&mut bytes).unwrap();
        let info = parse_client_hello(&bytes).unwrap();
        assert_eq!(info.legacy_version, 0x0303);
        assert_eq!(info.server_name.as_deref(), Some("localhost"));
        let mut offered = info.offered();
        offered.sort();
        assert_eq!(offered, vec![0x0303, 0x0304]);
        assert!(!info.groups.is_empty());
        // rustls offers nothing RFC 9325 forbids or discourages.
        assert!(info.cipher_suites.iter().all(|c| {
            crate::net::suites::SuiteClass::of(*c).grade(false)
                == crate::net::suites::Grade::Acceptable
        }));
    }

    #[test]
    fn parses_the_legacy_hello_of_the_probe() {
        let bytes = crate::sut::legacy_client_hello_bytes("capif.example");
        let info = parse_client_hello(&bytes).unwrap();
        assert_eq!(info.legacy_version, 0x0302);
        assert_eq!(info.supported_versions, None);
        assert_eq!(info.offered(), vec![0x0301, 0x0302]);
        assert_eq!(info.server_name.as_deref(), Some("capif.example"));
    }

    #[test]
    fn garbage_is_not_a_client_hello() {
        assert_eq!(parse_client_hello(b"GET / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(parse_client_hello(&[0x16, 3, 1, 0, 1, 1]), None);
    }
}
