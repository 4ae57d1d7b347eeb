//! Unit tests of `src/checks/core/secure_connection.rs`.

use super::*;
#[allow(unused_imports)]
use crate::checks::core::test_support::*;
use crate::model::PROBLEM_JSON;

#[test]
fn every_tls12_server_hello_must_acknowledge_what_was_offered() {
    use crate::sut::tls_enumeration::{AcceptedSuite, Enumeration};
    let suite = |s: u16, ri: bool| AcceptedSuite {
        suite: s,
        class: crate::net::suites::SuiteClass::of(s),
        encrypt_then_mac: false,
        renegotiation_info: ri,
        extended_master_secret: true,
    };
    let found = |suites: Vec<AcceptedSuite>| Enumeration {
        accepted: suites,
        ..Default::default()
    };
    let ri = |a: &AcceptedSuite| a.renegotiation_info;
    crate::checks::assert_pass(&tls12_extension_acknowledged(
        &found(vec![suite(0xc02b, true), suite(0xc02f, true)]),
        "renegotiation_info",
        ri,
    ));
    let c = tls12_extension_acknowledged(
        &found(vec![suite(0xc02b, true), suite(0xc02f, false)]),
        "renegotiation_info",
        ri,
    );
    assert!(
        matches!(&c, Check::Fail(m) if m.starts_with("1 of 2") && m.contains("ECDHE_RSA")),
        "{c:?}"
    );
    assert!(matches!(
        tls12_extension_acknowledged(&found(vec![]), "renegotiation_info", ri),
        Check::Blocked {
            by: Some("CCF-TLS-06"),
            ..
        }
    ));
}

#[test]
fn a_restricted_handshake_must_complete() {
    let tls = TlsSummary {
        version: crate::net::TlsVersion::Tls13,
        cipher: "TLS13_AES_128_GCM_SHA256".into(),
        alpn: None,
        peer_chain: Vec::new(),
        handshake_ms: 1,
    };
    crate::checks::assert_pass(&handshake_with_offer("x", &Ok(tls), "req"));
    let c = handshake_with_offer(
        "only TLS 1.3 with key exchange secp384r1",
        &Err(alert(rustls::AlertDescription::HandshakeFailure)),
        "TS 33.210 §6.2.2",
    );
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("secp384r1") && m.contains("HandshakeFailure") && m.contains("TS 33.210")),
        "{c:?}"
    );
    assert!(matches!(
        handshake_with_offer(
            "x",
            &Err(alert(rustls::AlertDescription::CertificateRequired)),
            "r"
        ),
        Check::Blocked {
            by: Some("CCF-TLS-04"),
            ..
        }
    ));
}

#[test]
fn proposed_last_the_aes128_gcm_ecdhe_suite_must_still_be_chosen() {
    use crate::net::suites::SuiteClass;
    use crate::sut::tls_enumeration::{AcceptedSuite, Enumeration};
    let accepted = |s: u16| AcceptedSuite {
        suite: s,
        class: SuiteClass::of(s),
        encrypt_then_mac: false,
        renegotiation_info: true,
        extended_master_secret: true,
    };
    let found = |suites: &[u16]| Enumeration {
        accepted: suites.iter().map(|s| accepted(*s)).collect(),
        ..Default::default()
    };
    let hello = LegacyHelloOutcome::ServerHello { version: 0x0303 };
    // Static RSA AES-128-CBC-SHA (0x002f) is accepted alone, and chosen when first: fail.
    let lax = found(&[0x002f, 0xc02f]);
    let c = prefers_aes128_gcm_ecdhe(&(hello.clone(), Some(0x002f)), &lax);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("TLS_RSA_WITH_AES_128_CBC_SHA") && m.contains("4.2.1")),
        "{c:?}"
    );
    // The AEAD suite chosen by a core that also accepts weaker ones: a shown preference.
    let c = prefers_aes128_gcm_ecdhe(&(hello.clone(), Some(0xc02f)), &lax);
    assert!(
        matches!(&c, Check::Pass(m) if m.contains("accepts 1 of the weaker")),
        "{c:?}"
    );
    // By a core that accepts no weaker suite: a pass that says so.
    let strict = found(&[0xc02b, 0xc02c]);
    let c = prefers_aes128_gcm_ecdhe(&(hello.clone(), Some(0xc02b)), &strict);
    assert!(
        matches!(&c, Check::Pass(m) if m.contains("refusing them")),
        "{c:?}"
    );
    // A refusal shows no preference: never a pass.
    let alert = LegacyHelloOutcome::Alert {
        level: 2,
        description: 40,
    };
    assert!(matches!(
        prefers_aes128_gcm_ecdhe(&(alert.clone(), None), &strict),
        Check::Inconclusive(_)
    ));
    assert!(matches!(
        prefers_aes128_gcm_ecdhe(&(alert, None), &found(&[0xc030])),
        Check::Blocked { by: None, .. }
    ));
    // A suite that was not proposed: inconclusive.
    assert!(matches!(
        prefers_aes128_gcm_ecdhe(&(hello, Some(0x1301)), &strict),
        Check::Inconclusive(_)
    ));
}

#[test]
fn a_weak_core_certificate_fails_strength_and_defers_the_chain_verdict() {
    use crate::pki::{Authority, Identity, ServerVariant};
    let ca = Authority::new_root("strength root").unwrap();
    let hosts = vec!["capif.example".to_string()];
    let good = ca
        .issue_identity(&crate::pki::CertProfile::Server {
            hosts: hosts.clone(),
        })
        .unwrap();
    crate::checks::assert_pass(&certificate_strength(&Ok(good.chain)));
    let bad = Identity::bad_server(&ca, ServerVariant::Sha1Signed, &hosts).unwrap();
    let c = certificate_strength(&Ok(bad.chain));
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("ecdsa-with-SHA1") && m.contains("capif.example")),
        "{c:?}"
    );
    // Nothing seen: never a pass.
    assert!(matches!(
        certificate_strength(&Ok(vec![])),
        Check::Inconclusive(_)
    ));
    assert!(matches!(
        certificate_strength(&Err("refused".into())),
        Check::Inconclusive(_)
    ));
    // CCF-TLS-01 leaves a refusal for the algorithm to CCF-TLS-16, and fails the others.
    let weak = tls_failure(rustls::Error::InvalidCertificate(
        rustls::CertificateError::UnsupportedSignatureAlgorithmContext {
            signature_algorithm_id: vec![],
            supported_algorithms: vec![],
        },
    ));
    assert!(matches!(
        secure_connection(&Err(weak), "capif.example"),
        Check::Blocked {
            by: Some("CCF-TLS-16"),
            ..
        }
    ));
    let unknown = tls_failure(rustls::Error::InvalidCertificate(
        rustls::CertificateError::UnknownIssuer,
    ));
    assert!(matches!(
        secure_connection(&Err(unknown), "capif.example"),
        Check::Fail(_)
    ));
}

#[test]
fn an_onboarding_sent_as_early_data_must_not_be_processed() {
    use crate::sut::early_data::EarlyData;
    let accepted = |answer: &str| {
        early_data_not_processed(&Ok(EarlyData::Accepted {
            sent: 300,
            answer: answer.as_bytes().to_vec(),
        }))
    };
    assert!(matches!(
        accepted("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
        Check::Fail(m) if m.contains("201 Created") && m.contains("0-RTT")
    ));
    crate::checks::assert_pass(&accepted("HTTP/1.1 425 Too Early\r\n\r\n"));
    assert!(matches!(
        accepted("HTTP/1.1 400 Bad Request\r\n\r\n"),
        Check::Inconclusive(_)
    ));
    assert!(matches!(accepted(""), Check::Inconclusive(_)));
    crate::checks::assert_pass(&early_data_not_processed(&Ok(EarlyData::Declined {
        sent: 3,
    })));
    let c = early_data_not_processed(&Ok(EarlyData::NotPermitted { resumed: true }));
    assert!(
        matches!(&c, Check::Pass(m) if m.contains("permit no early data")),
        "{c:?}"
    );
    assert!(matches!(
        early_data_not_processed(&Err("refused".into())),
        Check::Inconclusive(_)
    ));
}

#[test]
fn a_core_speaking_tls13_must_prefer_it() {
    let tls = |version| TlsSummary {
        version,
        cipher: "X".into(),
        alpn: None,
        peer_chain: Vec::new(),
        handshake_ms: 1,
    };
    use crate::net::TlsVersion::{Tls12, Tls13};
    crate::checks::assert_pass(&prefers_tls13(&Ok(tls(Tls13)), &Ok(tls(Tls13))));
    let downgraded = prefers_tls13(&Ok(tls(Tls12)), &Ok(tls(Tls13)));
    assert!(
        matches!(&downgraded, Check::Fail(m) if m.contains("§3.1.1")),
        "{downgraded:?}"
    );
    // A core without TLS 1.3 has nothing to prefer: CCF-TLS-07 judges that.
    assert!(matches!(
        prefers_tls13(
            &Ok(tls(Tls12)),
            &Err(alert(rustls::AlertDescription::ProtocolVersion))
        ),
        Check::Blocked {
            by: Some("CCF-TLS-07"),
            ..
        }
    ));
    assert!(matches!(
        prefers_tls13(
            &Err(tls_failure(rustls::Error::InvalidCertificate(
                rustls::CertificateError::UnknownIssuer
            ))),
            &Err(tls_failure(rustls::Error::General("x".into())))
        ),
        Check::Blocked {
            by: Some("CCF-TLS-01"),
            ..
        }
    ));
}

#[test]
fn a_single_version_handshake_must_complete() {
    let tls = TlsSummary {
        version: crate::net::TlsVersion::Tls12,
        cipher: "TLS13_AES_128_GCM_SHA256".into(),
        alpn: None,
        peer_chain: Vec::new(),
        handshake_ms: 3,
    };
    crate::checks::assert_pass(&handshake_with_only("TLS 1.2", &Ok(tls.clone())));
    crate::checks::assert_pass(&secure_connection(&Ok(tls), "core.test"));
    let untrusted = secure_connection(
        &Err(tls_failure(rustls::Error::InvalidCertificate(
            rustls::CertificateError::UnknownIssuer,
        ))),
        "core.test",
    );
    assert!(
        matches!(untrusted, Check::Fail(ref r) if r.contains("UnknownIssuer")),
        "{untrusted:?}"
    );
    let refused = handshake_with_only(
        "TLS 1.3",
        &Err(alert(rustls::AlertDescription::ProtocolVersion)),
    );
    assert!(
        matches!(refused, Check::Fail(ref r) if r.contains("TLS 1.3 shall be supported")),
        "{refused:?}"
    );
    let blocked = handshake_with_only(
        "TLS 1.2",
        &Err(alert(rustls::AlertDescription::CertificateRequired)),
    );
    assert!(
        matches!(
            blocked,
            Check::Blocked {
                by: Some("CCF-TLS-04"),
                ..
            }
        ),
        "{blocked:?}"
    );
}

#[test]
fn legacy_versions_are_judged_on_the_whole_offer() {
    let alert = |d| LegacyHelloOutcome::Alert {
        level: 2,
        description: d,
    };
    crate::checks::assert_pass(&legacy_versions_refused(&versions(&[
        (0x0300, alert(40), None),
        (0x0301, alert(70), None),
        (0x0302, LegacyHelloOutcome::Closed, None),
    ])));
    // A core that speaks TLS 1.0 only with a suite the old fixed probe never offered:
    // the whole-registry offer finds it.
    let c = legacy_versions_refused(&versions(&[
        (0x0300, alert(70), None),
        (
            0x0301,
            LegacyHelloOutcome::ServerHello { version: 0x0301 },
            Some(0x0039),
        ),
        (0x0302, alert(70), None),
    ]));
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("TLS 1.0") && m.contains("TLS_DHE_RSA_WITH_AES_256_CBC_SHA")),
        "{c:?}"
    );
    // Answered at TLS 1.2 is a refusal of the legacy version; non-TLS bytes prove nothing.
    crate::checks::assert_pass(&legacy_versions_refused(&versions(&[(
        0x0302,
        LegacyHelloOutcome::ServerHello { version: 0x0303 },
        None,
    )])));
    assert!(matches!(
        legacy_versions_refused(&versions(&[(
            0x0301,
            LegacyHelloOutcome::NotTls {
                first_bytes: "48545450".into()
            },
            None
        )])),
        Check::Inconclusive(_)
    ));
}

/// A core that stays silent after a hello it will not negotiate negotiated nothing: the
/// harness's handshake timer does not turn that into a finding.
#[test]
fn a_silent_core_negotiated_nothing() {
    let silent = legacy_versions_refused(&versions(&[(0x0301, LegacyHelloOutcome::Silent, None)]));
    crate::checks::assert_pass(&silent);
    assert!(silent.reason().contains("[timeouts] handshake"));
}

#[test]
fn every_accepted_suite_is_graded_by_its_class() {
    use crate::net::suites::{Grade, SuiteClass};
    use crate::sut::tls_enumeration::{AcceptedSuite, Enumeration};
    let control = LegacyHelloOutcome::ServerHello { version: 0x0303 };
    let accepted = |suites: &[(u16, bool)]| Enumeration {
        accepted: suites
            .iter()
            .map(|(s, etm)| AcceptedSuite {
                suite: *s,
                class: SuiteClass::of(*s),
                encrypt_then_mac: *etm,
                renegotiation_info: true,
                extended_master_secret: true,
            })
            .collect(),
        handshakes: suites.len() + 11,
        ..Default::default()
    };
    let good = accepted(&[(0xc02b, false), (0xc02f, false)]);
    crate::checks::assert_pass(&enumerated_suites_refused(
        &good,
        Grade::Forbidden,
        &control,
    ));
    crate::checks::assert_pass(&enumerated_suites_refused(
        &good,
        Grade::Discouraged,
        &control,
    ));
    // One anonymous suite outside any fixed list: forbidden, named with its clause.
    let anon = accepted(&[(0xc02b, false), (0xc018, false)]);
    let c = enumerated_suites_refused(&anon, Grade::Forbidden, &control);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("1 forbidden") && m.contains("RFC 5246 App. A.5") && m.contains("TLS_ECDH_anon_WITH_AES_128_CBC_SHA")),
        "{c:?}"
    );
    // Static RSA and DHE (0xccaa: above 0x0100) are discouraged; CBC only without EtM.
    let weak = accepted(&[(0x009c, false), (0xccaa, false), (0xc013, true)]);
    let c = enumerated_suites_refused(&weak, Grade::Discouraged, &control);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("2 discouraged") && m.contains("static RSA") && m.contains("DHE") && !m.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")),
        "{c:?}"
    );
    // A silent control proves nothing; an unfinished enumeration passes nothing.
    assert!(
        !enumerated_suites_refused(&good, Grade::Forbidden, &LegacyHelloOutcome::Silent).passed()
    );
    let mut unfinished = good.clone();
    unfinished
        .incomplete
        .push("RC4: bytes that are not TLS".into());
    assert!(matches!(
        enumerated_suites_refused(&unfinished, Grade::Forbidden, &control),
        Check::Inconclusive(_)
    ));
}

#[test]
fn cleartext() {
    crate::checks::assert_not_pass(&cleartext_not_processed(Some(201), None));
    let created = resp(201, "application/json", "{}", None);
    crate::checks::assert_pass(&cleartext_not_processed(Some(400), Some(&created)));
    assert!(matches!(
        cleartext_not_processed(Some(400), None),
        Check::Inconclusive(_)
    ));
    let dup = resp(403, PROBLEM_JSON, "{}", None);
    crate::checks::assert_not_pass(&cleartext_not_processed(None, Some(&dup)));
    let ok = resp(201, "application/json", "{}", None);
    crate::checks::assert_pass(&cleartext_not_processed(None, Some(&ok)));
    // A later 500 proves nothing either way.
    let err = resp(500, PROBLEM_JSON, "{}", None);
    assert!(matches!(
        cleartext_not_processed(None, Some(&err)),
        Check::Blocked { .. }
    ));
}

#[test]
fn client_certificate_demands() {
    let ok = resp(201, "application/json", "{}", None);
    crate::checks::assert_pass(&no_client_certificate_required(Some(&ok), None));
    let nginx = resp(
        400,
        "text/html",
        "<center>No required SSL certificate was sent</center>",
        None,
    );
    crate::checks::assert_not_pass(&no_client_certificate_required(Some(&nginx), None));
    assert!(!no_client_certificate_required(
        None,
        Some(&alert(rustls::AlertDescription::CertificateRequired))
    )
    .passed());
    let other = resp(401, PROBLEM_JSON, r#"{"detail":"bad token"}"#, None);
    assert_eq!(
        no_client_certificate_required(Some(&other), None),
        Check::blocked(
            Some("CCF-OK-01"),
            "the valid request was not accepted, for a reason other than a client certificate: 401 application/problem+json (detail \"bad token\", no invalidParams)"
        )
    );
}
