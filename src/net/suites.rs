//! TLS cipher suites graded by class, each class with the requirement that grades it
//! (README "TLS cipher suite classes"). A suite is classified by its IANA name (rustls
//! carries the whole registry: key exchange, cipher and mode are read from
//! `TLS_<kx>_WITH_<cipher>_<mac>`), never by its code range, and takes the worst class it
//! falls in: a DHE suite in CBC mode is graded as finite-field DH.

/// The TLS 1.2 suites RFC 9325 §4.2.1 names (TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) and its
/// ECDSA twin, for a core whose certificate is an EC key: proposed last by CCF-TLS-15.
pub const AES128_GCM_ECDHE: [u16; 2] = [0xc02b, 0xc02f];

/// How binding the texts make a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    /// MUST NOT be negotiated (or offered).
    Forbidden,
    /// SHOULD NOT be negotiated.
    Discouraged,
    /// Recommended or acceptable, or a signalling value.
    Acceptable,
}

/// The class of a cipher suite, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuiteClass {
    /// NULL encryption.
    Null,
    /// Export-grade or otherwise below 112 bits (40/56-bit ciphers, single DES).
    Below112Bits,
    /// RC4.
    Rc4,
    /// Anonymous key exchange (no authentication).
    Anonymous,
    /// 3DES (112 bits).
    TripleDes,
    /// Static RSA key transport.
    StaticRsa,
    /// Static (non-ephemeral) finite-field DH.
    StaticDh,
    /// Ephemeral finite-field DH (TLS_DHE_*).
    Ffdhe,
    /// Other key exchange without forward secrecy (static ECDH, plain PSK, Kerberos, SRP).
    NoForwardSecrecy,
    /// CBC (or another non-AEAD mode) with an otherwise good key exchange.
    Cbc,
    /// ECDHE with an AEAD cipher: the recommended TLS 1.2 suites.
    EcdheAead,
    /// A TLS 1.3 suite.
    Tls13,
    /// GREASE, a signalling value (SCSV) or a code the registry does not name.
    Signalling,
}

impl SuiteClass {
    /// The class of suite `code`.
    pub fn of(code: u16) -> SuiteClass {
        if code & 0x0f0f == 0x0a0a {
            return SuiteClass::Signalling;
        }
        let name = suite_name(code);
        if name.starts_with("TLS13_") {
            return SuiteClass::Tls13;
        }
        let Some((kx, cipher)) = name
            .strip_prefix("TLS_")
            .and_then(|n| n.split_once("_WITH_"))
        else {
            return SuiteClass::Signalling;
        };
        if cipher.starts_with("NULL") {
            SuiteClass::Null
        } else if kx.contains("EXPORT")
            || cipher.contains("_40_")
            || cipher.starts_with("DES40")
            || cipher.starts_with("DES_CBC")
        {
            SuiteClass::Below112Bits
        } else if cipher.starts_with("RC4") {
            SuiteClass::Rc4
        } else if kx.ends_with("anon") {
            SuiteClass::Anonymous
        } else if cipher.starts_with("3DES") {
            SuiteClass::TripleDes
        } else if kx == "RSA" {
            SuiteClass::StaticRsa
        } else if kx.starts_with("DH_") {
            SuiteClass::StaticDh
        } else if kx.starts_with("DHE_") {
            SuiteClass::Ffdhe
        } else if !(kx.starts_with("ECDHE_") || kx == "ECCPWD") {
            SuiteClass::NoForwardSecrecy
        } else if ["GCM", "CCM", "CHACHA20", "POLY1305"]
            .iter()
            .any(|a| cipher.contains(a))
        {
            SuiteClass::EcdheAead
        } else {
            SuiteClass::Cbc
        }
    }

    /// Its grade; `encrypt_then_mac`: the extension was offered (a client) or negotiated (a
    /// server), which lifts CBC alone (RFC 9325 §4.2).
    pub fn grade(self, encrypt_then_mac: bool) -> Grade {
        match self {
            SuiteClass::Null
            | SuiteClass::Below112Bits
            | SuiteClass::Rc4
            | SuiteClass::Anonymous => Grade::Forbidden,
            SuiteClass::Cbc if encrypt_then_mac => Grade::Acceptable,
            SuiteClass::TripleDes
            | SuiteClass::StaticRsa
            | SuiteClass::StaticDh
            | SuiteClass::Ffdhe
            | SuiteClass::NoForwardSecrecy
            | SuiteClass::Cbc => Grade::Discouraged,
            SuiteClass::EcdheAead | SuiteClass::Tls13 | SuiteClass::Signalling => Grade::Acceptable,
        }
    }

    /// A phrase for reasons.
    pub fn name(self) -> &'static str {
        match self {
            SuiteClass::Null => "NULL encryption",
            SuiteClass::Below112Bits => "export-grade or below 112 bits",
            SuiteClass::Rc4 => "RC4",
            SuiteClass::Anonymous => "anonymous key exchange",
            SuiteClass::TripleDes => "3DES",
            SuiteClass::StaticRsa => "static RSA key transport",
            SuiteClass::StaticDh => "static finite-field DH",
            SuiteClass::Ffdhe => "ephemeral finite-field DH (DHE)",
            SuiteClass::NoForwardSecrecy => "no forward secrecy (static ECDH, PSK, Kerberos, SRP)",
            SuiteClass::Cbc => "CBC mode",
            SuiteClass::EcdheAead => "ECDHE with AEAD",
            SuiteClass::Tls13 => "TLS 1.3",
            SuiteClass::Signalling => "signalling value",
        }
    }

    /// The requirement ids (`requirements.toml`) that grade the class. Where the 3GPP
    /// profile and the IETF texts disagree (DHE: allowed by TS 33.210 §6.2.3 as quoted, a
    /// MUST NOT in RFC 10015) both are cited; every such text is still secondary, so the
    /// verified RFC 9325 keyword decides (README "TLS cipher suite classes").
    pub fn requirements(self) -> &'static [&'static str] {
        match self {
            SuiteClass::Null => &["rfc9325-4.1-null"],
            SuiteClass::Below112Bits => &["rfc9325-4.1-112bit"],
            SuiteClass::Rc4 => &["rfc9325-4.1-rc4", "rfc7465-2-rc4-offer"],
            SuiteClass::Anonymous => &["rfc5246-A.5-anon"],
            SuiteClass::TripleDes => &["rfc9325-4.1-128bit"],
            SuiteClass::StaticRsa => &["rfc9325-4.1-static-rsa", "rfc10015-4-rsa"],
            SuiteClass::StaticDh => &["rfc10015-2-ffdh", "33210-6.2.3-aead-pfs"],
            SuiteClass::Ffdhe => &[
                "rfc9325-4.1-dhe",
                "rfc10015-3-ffdhe",
                "33210-6.2.3-aead-pfs",
            ],
            SuiteClass::NoForwardSecrecy => &["33210-6.2.3-aead-pfs"],
            SuiteClass::Cbc => &["rfc9325-4.2-cbc"],
            SuiteClass::EcdheAead | SuiteClass::Tls13 | SuiteClass::Signalling => &[],
        }
    }

    /// "RC4 (RFC 9325 §4.1)": the class and where its grade comes from.
    pub fn cited(self) -> String {
        let refs: Vec<String> = self
            .requirements()
            .iter()
            .filter_map(|id| crate::catalogue::requirements::get(id))
            .map(|r| r.citation())
            .collect();
        format!("{} ({})", self.name(), refs.join(", "))
    }
}

impl SuiteClass {
    /// The classes a TLS 1.2 server must not negotiate (CCF-TLS-08), worst first.
    pub const FORBIDDEN: [SuiteClass; 4] = [
        SuiteClass::Null,
        SuiteClass::Below112Bits,
        SuiteClass::Rc4,
        SuiteClass::Anonymous,
    ];
    /// The classes it should not negotiate (CCF-TLS-09).
    pub const DISCOURAGED: [SuiteClass; 6] = [
        SuiteClass::TripleDes,
        SuiteClass::StaticRsa,
        SuiteClass::StaticDh,
        SuiteClass::Ffdhe,
        SuiteClass::NoForwardSecrecy,
        SuiteClass::Cbc,
    ];

    /// Every suite of the registry in this class that a TLS 1.2 hello can offer (not the
    /// TLS 1.3 suites or signalling values), in code order.
    pub fn members(self) -> Vec<u16> {
        super::suite_registry::SUITES
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| SuiteClass::of(*c) == self)
            .collect()
    }
}

/// Whether suite `code` exists before TLS 1.2 (no AEAD, no SHA-256/384 MAC, not a TLS 1.3
/// suite or a signalling value): what a TLS 1.0/1.1 peer can negotiate.
pub fn exists_before_tls12(code: u16) -> bool {
    let name = suite_name(code);
    !matches!(
        SuiteClass::of(code),
        SuiteClass::Tls13 | SuiteClass::Signalling
    ) && !["GCM", "CCM", "CHACHA20", "_SHA256", "_SHA384"]
        .iter()
        .any(|t| name.contains(t))
}

/// Every code of the registry, in order.
pub fn registry() -> impl Iterator<Item = u16> {
    super::suite_registry::SUITES.iter().map(|(c, _)| *c)
}

/// The IANA name of cipher suite `code` (`0x1234` when the registry has none).
pub fn suite_name(code: u16) -> String {
    use super::suite_registry::SUITES;
    match SUITES.binary_search_by_key(&code, |(c, _)| *c) {
        Ok(i) => SUITES[i].1.to_string(),
        Err(_) => format!("0x{code:04x}"),
    }
}

/// The suites of `codes` in `grade`, grouped by class (worst class first), for reasons: at
/// most `per_class` names each, the rest counted.
pub fn summarise(
    codes: &[u16],
    grade: Grade,
    encrypt_then_mac: bool,
    per_class: usize,
) -> Vec<String> {
    let mut by_class: std::collections::BTreeMap<SuiteClass, Vec<u16>> = Default::default();
    for &c in codes {
        let class = SuiteClass::of(c);
        if class.grade(encrypt_then_mac) == grade {
            by_class.entry(class).or_default().push(c);
        }
    }
    by_class
        .into_iter()
        .map(|(class, cs)| {
            let mut names: Vec<String> =
                cs.iter().take(per_class).map(|c| suite_name(*c)).collect();
            if cs.len() > per_class {
                names.push(format!("and {} more", cs.len() - per_class));
            }
            format!("{}: {}", class.cited(), names.join(", "))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_are_classified_by_key_exchange_and_mode_not_code_range() {
        let cases = [
            (0x0001, SuiteClass::Null),
            (0xc010, SuiteClass::Null),
            (0x0003, SuiteClass::Below112Bits),
            (0x0009, SuiteClass::Below112Bits),
            (0x0005, SuiteClass::Rc4),
            (0xc011, SuiteClass::Rc4),
            (0x0034, SuiteClass::Anonymous),
            (0xc018, SuiteClass::Anonymous),
            (0x000a, SuiteClass::TripleDes),
            (0x002f, SuiteClass::StaticRsa),
            (0x009c, SuiteClass::StaticRsa),
            (0x0031, SuiteClass::StaticDh),
            (0x009e, SuiteClass::Ffdhe),
            // 0xccaa is DHE with ChaCha20: above 0x0100, still finite-field DH.
            (0xccaa, SuiteClass::Ffdhe),
            (0xc00e, SuiteClass::NoForwardSecrecy),
            (0x00a8, SuiteClass::NoForwardSecrecy),
            (0xc013, SuiteClass::Cbc),
            (0xc027, SuiteClass::Cbc),
            (0xc02b, SuiteClass::EcdheAead),
            (0xcca8, SuiteClass::EcdheAead),
            (0x1301, SuiteClass::Tls13),
            (0x00ff, SuiteClass::Signalling),
            (0x0a0a, SuiteClass::Signalling),
        ];
        for (code, class) in cases {
            assert_eq!(
                SuiteClass::of(code),
                class,
                "{} (0x{code:04x})",
                suite_name(code)
            );
        }
    }

    #[test]
    fn the_registry_is_sorted_and_named() {
        use super::super::suite_registry::SUITES;
        assert!(SUITES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(SUITES.len() > 350);
        assert_eq!(suite_name(0x0005), "TLS_RSA_WITH_RC4_128_SHA");
        assert_eq!(suite_name(0xfefe), "0xfefe");
    }

    #[test]
    fn every_class_probe_offers_the_whole_class_and_fits_one_record() {
        for class in SuiteClass::FORBIDDEN
            .iter()
            .chain(SuiteClass::DISCOURAGED.iter())
        {
            let m = class.members();
            assert!(!m.is_empty(), "{class:?}");
            assert!(m.len() * 2 < 16_000, "{class:?}");
            assert!(m.iter().all(|c| SuiteClass::of(*c) == *class));
        }
        // Suites the old fixed probe never offered are in their class now.
        assert!(SuiteClass::Anonymous.members().contains(&0xc018));
        assert!(SuiteClass::Ffdhe.members().contains(&0xccaa));
    }

    #[test]
    fn encrypt_then_mac_lifts_cbc_alone() {
        assert_eq!(SuiteClass::Cbc.grade(false), Grade::Discouraged);
        assert_eq!(SuiteClass::Cbc.grade(true), Grade::Acceptable);
        // DHE in CBC mode stays discouraged: its key exchange is.
        assert_eq!(SuiteClass::of(0x0033).grade(true), Grade::Discouraged);
        assert_eq!(SuiteClass::Rc4.grade(true), Grade::Forbidden);
    }

    #[test]
    fn every_graded_class_cites_known_requirements() {
        for class in [
            SuiteClass::Null,
            SuiteClass::Below112Bits,
            SuiteClass::Rc4,
            SuiteClass::Anonymous,
            SuiteClass::TripleDes,
            SuiteClass::StaticRsa,
            SuiteClass::StaticDh,
            SuiteClass::Ffdhe,
            SuiteClass::NoForwardSecrecy,
            SuiteClass::Cbc,
        ] {
            assert!(!class.requirements().is_empty());
            for id in class.requirements() {
                assert!(crate::catalogue::requirements::get(id).is_some(), "{id}");
            }
        }
    }

    #[test]
    fn summaries_name_the_class_the_clause_and_a_few_suites() {
        let s = summarise(
            &[0x0004, 0x0005, 0xc011, 0xc02b],
            Grade::Forbidden,
            false,
            2,
        );
        assert_eq!(s.len(), 1);
        assert!(
            s[0].starts_with("RC4 (RFC 9325 §4.1, RFC 7465 §2)"),
            "{s:?}"
        );
        assert!(s[0].ends_with("and 1 more"), "{s:?}");
    }
}
