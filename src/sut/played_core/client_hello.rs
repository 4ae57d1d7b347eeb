//! Reading the invoker's ClientHello from the raw bytes it sent: which versions it offers.

use serde::Serialize;

/// What a ClientHello offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

/// How RFC 9325 (BCP 195) grades an offered cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteGrade {
    /// MUST NOT be negotiated (§4.1): NULL, anonymous, export, RC4, single DES.
    Forbidden(&'static str),
    /// SHOULD NOT be negotiated (§4.2): 3DES, static RSA key exchange, CBC.
    Discouraged(&'static str),
    /// Acceptable (AEAD with forward secrecy, the TLS 1.3 suites) or a signalling value.
    Acceptable,
}

/// IANA names of the legacy suites the harness offers or meets that rustls leaves unnamed.
const LEGACY_NAMES: &[(u16, &str)] = &[
    (0x0002, "TLS_RSA_WITH_NULL_SHA"),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5"),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5"),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA"),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA"),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA"),
    (0x000a, "TLS_RSA_WITH_3DES_EDE_CBC_SHA"),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA"),
    (0x002f, "TLS_RSA_WITH_AES_128_CBC_SHA"),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA"),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA"),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA"),
    (0x003b, "TLS_RSA_WITH_NULL_SHA256"),
    (0x003c, "TLS_RSA_WITH_AES_128_CBC_SHA256"),
    (0x006c, "TLS_DH_anon_WITH_AES_128_CBC_SHA256"),
    (0x009c, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009d, "TLS_RSA_WITH_AES_256_GCM_SHA384"),
    (0x009e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
    (0x009f, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"),
    (0xc006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA"),
    (0xc007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA"),
    (0xc010, "TLS_ECDHE_RSA_WITH_NULL_SHA"),
    (0xc011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA"),
];

/// The IANA name of cipher suite `code` (rustls knows the modern registry; the legacy names
/// the harness uses are listed here).
pub fn suite_name(code: u16) -> String {
    if let Some((_, n)) = LEGACY_NAMES.iter().find(|(c, _)| *c == code) {
        return (*n).to_string();
    }
    format!("{:?}", rustls::CipherSuite::from(code))
}

/// Suites RFC 9325 §4.1 forbids, by code (rustls names only the suites it could use, so the
/// legacy ones are listed here): NULL, anonymous, export, RC4, single DES.
const FORBIDDEN: &[(&str, &[u16])] = &[
    (
        "NULL encryption",
        &[
            0x0001, 0x0002, 0x002c, 0x002d, 0x002e, 0x003b, 0x00b0, 0x00b1, 0x00b4, 0x00b5, 0x00b8,
            0x00b9, 0xc001, 0xc006, 0xc00b, 0xc010, 0xc015, 0xc039, 0xc03a, 0xc03b,
        ],
    ),
    (
        "export-grade",
        &[
            0x0003, 0x0006, 0x0008, 0x000b, 0x000e, 0x0011, 0x0014, 0x0017, 0x0019, 0x0026, 0x0027,
            0x0028, 0x0029, 0x002a, 0x002b, 0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065,
        ],
    ),
    (
        "anonymous key exchange",
        &[
            0x0018, 0x001a, 0x001b, 0x0034, 0x003a, 0x0046, 0x006c, 0x006d, 0x0089, 0x009b, 0x00a6,
            0x00a7, 0x00bf, 0x00c5, 0xc016, 0xc017, 0xc018, 0xc019, 0xc046, 0xc047, 0xc05a, 0xc05b,
            0xc084, 0xc085,
        ],
    ),
    (
        "RC4",
        &[
            0x0004, 0x0005, 0x0020, 0x0024, 0x008a, 0x008e, 0x0092, 0xc002, 0xc007, 0xc00c, 0xc011,
            0xc033,
        ],
    ),
    (
        "single DES",
        &[0x0009, 0x000c, 0x000f, 0x0012, 0x0015, 0x001e, 0x0022],
    ),
];

/// 3DES suites (RFC 9325 §4.2: SHOULD NOT).
const TRIPLE_DES: &[u16] = &[
    0x000a, 0x000d, 0x0010, 0x0013, 0x0016, 0x001f, 0x0023, 0x008b, 0x008f, 0x0093, 0xc003, 0xc008,
    0xc00d, 0xc012, 0xc01a, 0xc01b, 0xc01c, 0xc034,
];

/// Grade one offered cipher suite.
pub fn grade_suite(code: u16) -> SuiteGrade {
    let name = suite_name(code);
    if code & 0x0f0f == 0x0a0a || name.ends_with("_SCSV") || name.starts_with("TLS13_") {
        return SuiteGrade::Acceptable;
    }
    if let Some((why, _)) = FORBIDDEN.iter().find(|(_, codes)| codes.contains(&code)) {
        return SuiteGrade::Forbidden(why);
    }
    if TRIPLE_DES.contains(&code) {
        return SuiteGrade::Discouraged("3DES");
    }
    if name.contains("_CBC_") {
        return SuiteGrade::Discouraged("CBC mode");
    }
    // Everything else below 0x0100 is static RSA, static or ephemeral finite-field DH, or
    // CBC (RFC 9325 §4.1: SHOULD NOT).
    if code < 0x0100 {
        return SuiteGrade::Discouraged("a legacy suite (static RSA, finite-field DH or CBC)");
    }
    SuiteGrade::Acceptable
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

/// Parse the first TLS record(s) of `bytes` as a ClientHello.
pub fn parse_client_hello(bytes: &[u8]) -> Option<ClientHelloInfo> {
    // Reassemble handshake bytes from consecutive handshake records.
    let mut hs = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 5 && rest[0] == 0x16 {
        let len = u16::from_be_bytes([rest[3], rest[4]]) as usize;
        let end = (5 + len).min(rest.len());
        hs.extend_from_slice(&rest[5..end]);
        rest = &rest[end..];
    }
    let mut r = Reader(&hs);
    if r.u8()? != 1 {
        return None;
    }
    let body_len = r.u24()? as usize;
    let mut r = Reader(r.take(body_len.min(r.0.len()))?);
    let legacy_version = r.u16()?;
    r.take(32)?;
    let sid = r.u8()? as usize;
    r.take(sid)?;
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
    };
    let Some(ext_len) = r.u16() else {
        return Some(info);
    };
    let mut ext = Reader(r.take(ext_len as usize)?);
    while let (Some(ty), Some(len)) = (ext.u16(), ext.u16()) {
        let mut data = Reader(ext.take(len as usize)?);
        match ty {
            0x002b => {
                let n = data.u8()? as usize / 2;
                info.supported_versions = Some((0..n).filter_map(|_| data.u16()).collect());
            }
            0x000a => {
                let n = data.u16()? as usize / 2;
                info.groups = (0..n).filter_map(|_| data.u16()).collect();
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
        assert!(info
            .cipher_suites
            .iter()
            .all(|c| grade_suite(*c) == SuiteGrade::Acceptable));
    }

    #[test]
    fn suites_are_graded_as_rfc_9325_does() {
        assert_eq!(grade_suite(0x0005), SuiteGrade::Forbidden("RC4"));
        assert_eq!(
            grade_suite(0x0002),
            SuiteGrade::Forbidden("NULL encryption")
        );
        assert_eq!(
            grade_suite(0x0034),
            SuiteGrade::Forbidden("anonymous key exchange")
        );
        assert_eq!(grade_suite(0x0008), SuiteGrade::Forbidden("export-grade"));
        assert_eq!(grade_suite(0x0009), SuiteGrade::Forbidden("single DES"));
        assert_eq!(grade_suite(0x000a), SuiteGrade::Discouraged("3DES"));
        assert!(
            matches!(grade_suite(0x009c), SuiteGrade::Discouraged(_)),
            "TLS_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(grade_suite(0xc027), SuiteGrade::Discouraged("CBC mode"));
        assert_eq!(grade_suite(0xc02f), SuiteGrade::Acceptable);
        assert_eq!(grade_suite(0x1301), SuiteGrade::Acceptable);
        assert_eq!(grade_suite(0x00ff), SuiteGrade::Acceptable);
    }

    #[test]
    fn parses_the_legacy_hello_of_the_probe() {
        let bytes = crate::sut::probes::legacy_client_hello_bytes("capif.example");
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
