//! Unit tests of `src/checks/invoker/secure_connection.rs`.

use super::*;
#[allow(unused_imports)]
use crate::checks::invoker::test_support::*;
use crate::sut::AdapterExit;
use crate::sut::Script;

#[test]
fn a_tls13_client_hello_must_carry_the_extensions_9_2_requires() {
    let full = crate::sut::parse_client_hello(&crate::sut::tls13_client_hello_bytes_omitting(
        "capif.example",
        &[],
    ))
    .unwrap();
    assert!(crate::sut::offers_tls13(&full));
    crate::checks::assert_pass(&tls13_hello_extensions(&[&full]));
    let no_sa = crate::sut::parse_client_hello(&crate::sut::tls13_client_hello_bytes_omitting(
        "capif.example",
        &[13],
    ))
    .unwrap();
    let c = tls13_hello_extensions(&[&full, &no_sa]);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("signature_algorithms")),
        "{c:?}"
    );
    let no_ks = crate::sut::parse_client_hello(&crate::sut::tls13_client_hello_bytes_omitting(
        "capif.example",
        &[51],
    ))
    .unwrap();
    let c = tls13_hello_extensions(&[&no_ks]);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("key_share")),
        "{c:?}"
    );
    assert!(matches!(
        tls13_hello_extensions(&[]),
        Check::Inconclusive(_)
    ));
}

#[test]
fn every_tls12_client_hello_must_signal_renegotiation_info_and_ems() {
    let hello = |suites: &[u16], omit: &[u16]| {
        crate::sut::parse_client_hello(&crate::sut::client_hello_bytes_omitting(
            "capif.example",
            0x0303,
            suites,
            omit,
        ))
        .expect("a ClientHello")
    };
    let scsv = hello(&[0xc02f, 0x00ff], &[0xff01, 0x0017]);
    let ext = hello(&[0xc02f], &[]);
    let bare = hello(&[0xc02f], &[0xff01, 0x0017]);
    let c = tls12_hellos_signal(&[&scsv, &ext], "renegotiation_info", renegotiation_signal);
    assert!(
        matches!(&c, Check::Pass(m) if m.contains("SCSV") && m.contains("extension")),
        "{c:?}"
    );
    let c = tls12_hellos_signal(&[&ext, &bare], "renegotiation_info", renegotiation_signal);
    assert!(
        matches!(&c, Check::Fail(m) if m.starts_with("1 of 2")),
        "{c:?}"
    );
    // The SCSV is no extended_master_secret.
    assert!(matches!(
        tls12_hellos_signal(&[&scsv], "extended_master_secret", ems_signal),
        Check::Fail(_)
    ));
    crate::checks::assert_pass(&tls12_hellos_signal(
        &[&ext],
        "extended_master_secret",
        ems_signal,
    ));
    // Nothing observed: never a pass.
    assert!(matches!(
        tls12_hellos_signal(&[], "extended_master_secret", ems_signal),
        Check::Inconclusive(_)
    ));
}

/// A TLS 1.3-only client is a client that supports TLS 1.3 and not TLS 1.2: it fails on
/// the core that speaks only TLS 1.2 — judged by the handshake, not by its ClientHello.
#[test]
fn each_version_is_tested_against_a_core_that_speaks_only_it() {
    use crate::net::TlsVersion;
    let with = |only, handshake| {
        let mut s = session(1, None);
        s.handshake = handshake;
        run(
            Script {
                only_version: Some(only),
                ..Script::default()
            },
            AdapterExit::Code(0),
            vec![s],
        )
    };
    let done = |v| Handshake::Completed {
        version: v,
        cipher: "X".into(),
    };
    let both = [
        with(TlsVersion::Tls12, done(TlsVersion::Tls12)),
        with(TlsVersion::Tls13, done(TlsVersion::Tls13)),
    ];
    crate::checks::assert_pass(&onboards_with_each_version(&both));
    let tls13_only = [
        with(
            TlsVersion::Tls12,
            Handshake::Failed {
                error: "received fatal alert: ProtocolVersion".into(),
            },
        ),
        with(TlsVersion::Tls13, done(TlsVersion::Tls13)),
    ];
    let c = onboards_with_each_version(&tls13_only);
    assert!(!c.passed() && c.reason().contains("only TLS 1.2"), "{c:?}");
    // One core met, or none: nothing to conclude.
    assert!(matches!(
        onboards_with_each_version(&both[..1]),
        Check::Inconclusive(_)
    ));
}

#[test]
fn a_bad_certificate_must_be_refused_before_any_data() {
    let bad = Script {
        presents: Presents::Bad(crate::pki::ServerVariant::Expired),
        ..Script::default()
    };
    let hello = crate::sut::parse_client_hello(&crate::sut::client_hello_bytes(
        "localhost",
        0x0303,
        &[0x1301],
    ));
    let mut refused = session(0, None);
    refused.client_hello = hello.clone();
    refused.handshake = Handshake::Failed {
        error: "received fatal alert: BadCertificate".into(),
    };
    let c = refused_bad_certificate(&run(bad, AdapterExit::Code(1), vec![refused.clone()]), "x");
    assert!(
        matches!(&c, Check::Pass(m) if m.contains("BadCertificate")),
        "{c:?}"
    );
    // Refusing but claiming success, or sending the request, fails.
    crate::checks::assert_not_pass(&refused_bad_certificate(
        &run(bad, AdapterExit::Code(0), vec![refused.clone()]),
        "x",
    ));
    let mut accepted = session(1, None);
    accepted.client_hello = hello;
    let c = refused_bad_certificate(&run(bad, AdapterExit::Code(1), vec![accepted]), "expired");
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("accepted a core certificate expired")),
        "{c:?}"
    );
    // No ClientHello at all: whether it checks certificates cannot be told.
    let silent = session(0, None);
    assert!(matches!(
        refused_bad_certificate(&run(bad, AdapterExit::Code(1), vec![silent]), "x"),
        Check::Inconclusive(_)
    ));
}

#[test]
fn an_upgrade_to_tls_in_clear_fails() {
    let mut upgrade = session(0, None);
    upgrade.cleartext_received =
        b"OPTIONS * HTTP/1.1\r\nHost: h\r\nupgrade:  TLS/1.2\r\nConnection: Upgrade\r\n\r\n"
            .to_vec();
    let c = no_upgrade_in_clear(&run(Script::default(), AdapterExit::Code(1), vec![upgrade]));
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("OPTIONS * HTTP/1.1") && m.contains("§6.2.1")),
        "{c:?}"
    );
    // A ClientHello, or a request without Upgrade: TLS, is not one.
    let mut hello = session(0, None);
    hello.cleartext_received = vec![0x16, 0x03, 0x01, 0x00];
    let mut websocket = session(0, None);
    websocket.cleartext_received = b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n".to_vec();
    crate::checks::assert_pass(&no_upgrade_in_clear(&run(
        Script::default(),
        AdapterExit::Code(1),
        vec![hello, websocket],
    )));
    assert!(matches!(
        no_upgrade_in_clear(&run(Script::default(), AdapterExit::Code(1), vec![])),
        Check::Inconclusive(_)
    ));
}

#[test]
fn a_missing_renegotiation_ack_must_be_refused_with_handshake_failure() {
    use crate::sut::LegacyReply;
    let answered = |acknowledged: bool, reply: LegacyReply| {
        let mut s = session(0, None);
        s.handshake = Handshake::Renegotiation {
            acknowledged,
            reply: Ok(reply),
        };
        run(Script::default(), AdapterExit::Code(1), vec![s])
    };
    let failure = LegacyReply::Alert {
        level: 2,
        description: 40,
    };
    let went_on = LegacyReply::Continued { message: 16 };
    let pair = |without: LegacyReply, with: LegacyReply| {
        vec![answered(false, without), answered(true, with)]
    };
    crate::checks::assert_pass(&aborts_without_renegotiation_ack(&pair(
        failure.clone(),
        went_on.clone(),
    )));
    let took = aborts_without_renegotiation_ack(&pair(went_on.clone(), went_on.clone()));
    assert!(
        matches!(&took, Check::Fail(m) if m.contains("§3.5")),
        "{took:?}"
    );
    // Another alert: it aborted, but not as the text says.
    let other = LegacyReply::Alert {
        level: 2,
        description: 80,
    };
    assert!(matches!(
        aborts_without_renegotiation_ack(&pair(other, went_on.clone())),
        Check::Fail(m) if m.contains("handshake_failure")
    ));
    // The control refused too: the flight, not the missing acknowledgement, was refused.
    assert!(matches!(
        aborts_without_renegotiation_ack(&pair(failure.clone(), failure)),
        Check::Inconclusive(_)
    ));
    assert!(matches!(
        aborts_without_renegotiation_ack(&[]),
        Check::Inconclusive(_)
    ));
}

#[test]
fn a_downgrade_is_detected_only_when_the_control_went_on() {
    use crate::sut::LegacyReply;
    let answered = |sentinel: bool, reply: LegacyReply| {
        let mut s = session(0, None);
        s.handshake = Handshake::Downgrade {
            sentinel,
            reply: Ok(reply),
        };
        run(Script::default(), AdapterExit::Code(1), vec![s])
    };
    let illegal = LegacyReply::Alert {
        level: 2,
        description: 47,
    };
    let went_on = LegacyReply::Continued { message: 16 };
    let pair = |with: LegacyReply, without: LegacyReply| {
        vec![answered(true, with), answered(false, without)]
    };
    crate::checks::assert_pass(&detects_downgrade(&pair(illegal.clone(), went_on.clone())));
    // Taking the sentinel fails whatever the control did.
    let took = detects_downgrade(&pair(went_on.clone(), went_on.clone()));
    assert!(
        matches!(&took, Check::Fail(m) if m.contains("§4.1.3") && m.contains("ClientKeyExchange")),
        "{took:?}"
    );
    // The control refused too: the flight, not the sentinel, was refused.
    assert!(matches!(
        detects_downgrade(&pair(illegal.clone(), illegal.clone())),
        Check::Inconclusive(_)
    ));
    // Aborted, but not with illegal_parameter (the control went on).
    let wrong = LegacyReply::Alert {
        level: 2,
        description: 40,
    };
    let c = detects_downgrade(&pair(wrong, went_on.clone()));
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("illegal_parameter")),
        "{c:?}"
    );
    // No control run, or no flight: nothing to judge.
    crate::checks::assert_not_pass(&detects_downgrade(&[answered(true, illegal)]));
    assert!(matches!(detects_downgrade(&[]), Check::Inconclusive(_)));
}

#[test]
fn client_hello_checks_read_the_first_hello() {
    let ok = Script::default();
    let r = |s| run(ok, AdapterExit::Code(0), vec![s]);
    let modern = r(hello(
        Some(vec![0x0a0a, 0x0304, 0x0303]),
        Some("core.test"),
        &[0x1301, 0xc02b],
    ));
    crate::checks::assert_pass(&client_hello_suites(
        &modern,
        crate::net::suites::Grade::Discouraged,
    ));
    crate::checks::assert_pass(&sends_sni(&modern, "CORE.test"));
    let legacy = r(hello(None, None, &[0xc02b]));
    let c = sends_sni(&legacy, "core.test");
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("no server_name")),
        "{c:?}"
    );
    let wrong = sends_sni(&r(hello(None, Some("other.test"), &[])), "core.test");
    assert!(
        matches!(&wrong, Check::Fail(m) if m.contains("other.test")),
        "{wrong:?}"
    );
    // RC4 (0x0005) is forbidden, and INV-TLS-11's alone; static RSA (0x002f) only
    // discouraged.
    use crate::net::suites::Grade;
    let rc4 = r(hello(Some(vec![0x0303]), None, &[0xc02b, 0x0005]));
    crate::checks::assert_not_pass(&client_hello_suites(&rc4, Grade::Forbidden));
    crate::checks::assert_pass(&client_hello_suites(&rc4, Grade::Discouraged));
    let cbc = r(hello(Some(vec![0x0303]), None, &[0xc02b, 0x002f]));
    crate::checks::assert_pass(&client_hello_suites(&cbc, Grade::Forbidden));
    let c = client_hello_suites(&cbc, Grade::Discouraged);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("SHOULD NOT") && m.contains("static RSA")),
        "{c:?}"
    );
    // An OpenSSL-style hello: ECDHE-CBC with encrypt_then_mac offered is not discouraged.
    let mut openssl = hello(Some(vec![0x0304, 0x0303]), None, &[0x1302, 0xc02c, 0xc013]);
    openssl.client_hello.as_mut().unwrap().extensions = vec![22, 23, 0xff01];
    crate::checks::assert_pass(&client_hello_suites(&r(openssl), Grade::Discouraged));
    // Never a ClientHello: nothing to judge.
    let none = r(session(0, None));
    for c in [
        refuses_legacy_version(&none),
        client_hello_suites(&none, Grade::Forbidden),
        sends_sni(&none, "core.test"),
    ] {
        assert!(matches!(c, Check::Inconclusive(_)), "{c:?}");
    }
}

/// A TLS 1.2 ClientHello without supported_versions is judged by what the invoker does
/// with a TLS 1.1 ServerHello, never read as offering TLS 1.0/1.1.
#[test]
fn a_legacy_version_is_refused_when_answered_not_when_guessed() {
    use crate::sut::LegacyReply;
    let answered = |suites: &[u16], legacy_version: u16, reply: LegacyReply| {
        let mut s = hello(None, None, suites);
        s.client_hello.as_mut().unwrap().legacy_version = legacy_version;
        s.handshake = Handshake::Legacy {
            version: 0x0302,
            reply,
        };
        run(Script::default(), AdapterExit::Code(1), vec![s])
    };
    let refused = LegacyReply::Alert {
        level: 2,
        description: 70,
    };
    // An OpenSSL-style TLS 1.2 client (CBC-SHA suites usable in TLS 1.1) that refuses.
    let tls12_only = answered(&[0xc02b, 0xc013, 0x002f], 0x0303, refused.clone());
    crate::checks::assert_pass(&refuses_legacy_version(&tls12_only));
    let took_it = answered(
        &[0xc02b, 0x002f],
        0x0303,
        LegacyReply::Continued { message: 16 },
    );
    let c = refuses_legacy_version(&took_it);
    assert!(
        matches!(&c, Check::Fail(m) if m.contains("TLS 1.1")),
        "{c:?}"
    );
    // Another alert after the flight tells nothing about the version...
    let other = LegacyReply::Alert {
        level: 2,
        description: 40,
    };
    assert!(matches!(
        refuses_legacy_version(&answered(&[0xc02b, 0x002f], 0x0303, other.clone())),
        Check::Inconclusive(_)
    ));
    // ...unless no suite it offers exists below TLS 1.2.
    crate::checks::assert_pass(&refuses_legacy_version(&answered(
        &[0xc02b, 0x1301],
        0x0303,
        other,
    )));
    // A hello whose highest version is TLS 1.1, or that lists TLS 1.0, offers it.
    crate::checks::assert_not_pass(&refuses_legacy_version(&answered(
        &[0x002f],
        0x0302,
        refused.clone(),
    )));
    let mut listed = hello(Some(vec![0x0304, 0x0303, 0x0301]), None, &[0x1301]);
    listed.handshake = Handshake::Legacy {
        version: 0x0302,
        reply: refused,
    };
    crate::checks::assert_not_pass(&refuses_legacy_version(&run(
        Script::default(),
        AdapterExit::Code(1),
        vec![listed],
    )));
}
