//! Unit tests of `src/sut/config.rs`.

use super::*;

fn load(text: &str) -> Result<SutConfig, ConfigError> {
    let dir = tempfile::tempdir().unwrap();
    let pki = crate::pki::TestPki::generate(&["localhost".into()]).unwrap();
    pki.write(&dir.path().join("certs")).unwrap();
    let text = text.replace("DIR", &dir.path().display().to_string());
    let path = dir.path().join("sut.toml");
    std::fs::write(&path, text).unwrap();
    SutConfig::load(&path)
}

#[test]
fn a_complete_core_section_loads() {
    let c = load(
        r#"
        [core]
        url = "https://127.0.0.1:8443"
        ca = "DIR/certs/ca.pem"
        credential = "abc"
        pki = "DIR/certs"
        [core.capabilities]
        accepts_harness_credentials = true
        teardown = "either"
        [timeouts]
        teardown = "500ms"
        "#,
    )
    .unwrap();
    let core = c.core.unwrap();
    assert_eq!(core.server_name, "127.0.0.1");
    assert_eq!(core.capabilities.teardown, TeardownPolicy::Either);
    assert!(core.harness_pki.is_some());
    assert_eq!(c.timeouts.teardown, Duration::from_millis(500));
    assert_eq!(c.timeouts.connect, Duration::from_secs(2));
}

#[test]
fn the_impostor_receiver_defaults_to_a_free_port_and_names_its_keys_when_wrong() {
    let cfg = |extra: &str| {
        format!(
            r#"
            [core]
            url = "https://127.0.0.1:8443"
            ca = "DIR/certs/ca.pem"
            credential = "abc"
            [core.capabilities]
            asynchronous_onboarding = true
            [core.notifications]
            listen = "127.0.0.1:9444"
            pki = "DIR/certs"
            {extra}
            "#
        )
    };
    let n = load(&cfg("")).unwrap().core.unwrap().notifications.unwrap();
    assert_eq!(n.impostor_listen, "127.0.0.1:0".parse().unwrap());
    assert_eq!(n.impostor_url, None);
    let n = load(&cfg(
        "impostor_listen = \"0.0.0.0:9445\"\nimpostor_url = \"https://harness.example:19445\"",
    ))
    .unwrap()
    .core
    .unwrap()
    .notifications
    .unwrap();
    assert_eq!(n.impostor_listen.port(), 9445);
    assert_eq!(n.impostor_url.unwrap().port(), Some(19445));
    let e = load(&cfg("impostor_listen = \"9445\"")).unwrap_err();
    assert_eq!(e.key, "[core.notifications].impostor_listen");
    let e = load(&cfg("impostor_url = \"http://harness.example:9445\"")).unwrap_err();
    assert_eq!(e.key, "[core.notifications].impostor_url");
    assert!(e.problem.contains("https://"), "{e:?}");
}

#[test]
fn enrolment_ca_signing_key_and_invoker_key() {
    let c = load(
        r#"
        [core]
        url = "https://127.0.0.1:8443"
        ca = "enrolment"
        credential_signing_key = "DIR/certs/enrolment-key.pem"
        invoker_key = "rsa2048"
        invoker_key_format = "spki"
        reuse_credential = false
        [core.enrolment]
        style = "opencapif"
        url = "https://127.0.0.1:8084"
        server_name = "register"
        ca = "DIR/certs/ca.pem"
        username = "u"
        password = "p"
        "#,
    )
    .unwrap();
    let core = c.core.unwrap();
    assert!(core.ca_from_enrolment && core.invoker_ca_from_enrolment);
    assert!(core.ca.is_empty());
    assert_eq!(core.signing_key.as_ref().unwrap().alg, "RS256");
    assert!(
        core.capabilities.accepts_harness_credentials,
        "a signing key lets the harness mint"
    );
    assert!(core.harness_pki.is_none());
    assert_eq!(core.invoker_key, crate::pki::KeyKind::Rsa2048);
    assert_eq!(core.invoker_key_format, crate::pki::KeyFormat::Spki);
    assert!(!core.reuse_credential);
    assert!(matches!(
        &core.credential,
        crate::sut::CredentialSource::Enrolment { server_name, .. } if server_name == "register"
    ));
}

#[test]
fn enrolment_ca_needs_a_register_and_a_register_ca() {
    let e = load(
        r#"
        [core]
        url = "https://127.0.0.1:8443"
        ca = "enrolment"
        credential = "abc"
        "#,
    )
    .unwrap_err();
    assert_eq!(e.key, "[core].ca");
    let e = load(
        r#"
        [core]
        url = "https://127.0.0.1:8443"
        ca = "enrolment"
        [core.enrolment]
        style = "opencapif"
        url = "https://127.0.0.1:8084"
        username = "u"
        password = "p"
        "#,
    )
    .unwrap_err();
    assert_eq!(e.key, "[core.enrolment].ca");
    assert!(e.fix.contains("never fetch credentials unverified"), "{e}");
    let e = load(
        r#"
        [core]
        url = "https://127.0.0.1:8443"
        ca = "DIR/certs/ca.pem"
        credential = "abc"
        credential_signing_key = "DIR/certs/enrolment-key.pem"
        credential_signing_alg = "HS256"
        "#,
    )
    .unwrap_err();
    assert_eq!(e.key, "[core].credential_signing_alg");
}

#[test]
fn a_plain_http_register_needs_the_explicit_opt_in() {
    let cfg = |extra: &str| {
        format!(
            "[core]\nurl = \"https://127.0.0.1:8443\"\nca = \"DIR/certs/ca.pem\"\n[core.enrolment]\nstyle = \"opencapif-http\"\nurl = \"http://127.0.0.1:8080\"\nusername = \"u\"\npassword = \"p\"\n{extra}"
        )
    };
    let e = load(&cfg("")).unwrap_err();
    assert_eq!(e.key, "[core.enrolment].style");
    assert!(e.fix.contains("cleartext_login = true"), "{e}");
    let c = load(&cfg("cleartext_login = true\n")).unwrap();
    let core = c.core.unwrap();
    assert!(matches!(
        core.credential,
        crate::sut::CredentialSource::EnrolmentInClear { .. }
    ));
    assert!(core.credential.warning().unwrap().contains("in clear"));
    // The opt-in does not make an https register plain, nor apply to the TLS style.
    let e = load(&cfg("cleartext_login = true\n").replace("http://", "https://")).unwrap_err();
    assert_eq!(e.key, "[core.enrolment].url");
    let e = load(
        &cfg("cleartext_login = true\n")
            .replace("opencapif-http", "opencapif")
            .replace("http://", "https://"),
    )
    .unwrap_err();
    assert_eq!(e.key, "[core.enrolment].cleartext_login");
}

#[test]
fn identity_templates_are_validated_and_kept() {
    let base = "[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n";
    let c = load(&format!("{base}invoker_information = \"vendor-{{n}}\"\ninvoker_subject_cn = \"invoker-x\"\ninvoker_subject_o = \"ACME\"\n")).unwrap();
    let id = c.core.unwrap().identity;
    assert_eq!(id.information, "vendor-{n}");
    assert_eq!(id.cn, "invoker-x");
    assert_eq!(id.o.as_deref(), Some("ACME"));
    let e = load(&format!("{base}invoker_subject_cn = \"x-{{id}}\"\n")).unwrap_err();
    assert_eq!(e.key, "[core].invoker_subject_cn");
}

#[test]
fn the_product_description_is_one_printable_line() {
    let core = "[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n";
    let c = load(&format!("{core}description = \" ACME core 4.2 \"\n")).unwrap();
    assert_eq!(c.core.unwrap().product.as_deref(), Some("ACME core 4.2"));
    for bad in ["\"\"", "\"a\\nb\"", &format!("\"{}\"", "x".repeat(201))] {
        let e = load(&format!("{core}description = {bad}\n")).unwrap_err();
        assert_eq!(e.key, "[core].description", "{bad}: {e}");
    }
    let e = load("[invoker]\ncommand = \"./a\"\ndescription = \"a\\u001b[2Jb\"\n").unwrap_err();
    assert_eq!(e.key, "[invoker].description", "{e}");
    let c = load("[invoker]\ncommand = \"./a\"\ndescription = \"SDK 2\"\n").unwrap();
    assert_eq!(c.invoker.unwrap().description.as_deref(), Some("SDK 2"));
}

#[test]
fn unknown_keys_are_named() {
    let e = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\ncolour = 1\n")
        .unwrap_err();
    assert_eq!(e.key, "colour");
    assert!(e.problem.contains("line 5"), "{e}");
}

#[test]
fn missing_ca_file_names_the_key_and_the_fix() {
    let e = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/nope.pem\"\ncredential = \"x\"\n")
        .unwrap_err();
    assert_eq!(e.key, "[core].ca");
    assert!(e.fix.contains("pki --out"), "{e}");
}

#[test]
fn unreadable_certificate_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.pem");
    std::fs::write(
        &bad,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let e = load(&format!(
        "[core]\nurl = \"https://a:1\"\nca = \"{}\"\ncredential = \"x\"\n",
        bad.display()
    ))
    .unwrap_err();
    assert_eq!(e.key, "[core].ca");
}

#[test]
fn credential_sources_are_exclusive_and_required() {
    let none = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\n").unwrap_err();
    assert_eq!(none.key, "[core].credential");
    let two = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\ncredential_command = \"echo x\"\n").unwrap_err();
    assert!(two.problem.contains("more than one"));
}

#[test]
fn cleartext_url_and_bad_durations_are_refused() {
    let e = load("[core]\nurl = \"http://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n")
        .unwrap_err();
    assert_eq!(e.key, "[core].url");
    let e = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n[timeouts]\nconnect = \"soon\"\n").unwrap_err();
    assert_eq!(e.key, "[timeouts].connect");
}

#[test]
fn timeouts_below_the_floor_are_config_errors() {
    let e = load(
        "[core]\nurl = \"https://127.0.0.1:8443\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n[timeouts]\nresponse = \"1ms\"\n",
    )
    .unwrap_err();
    assert_eq!(e.key, "[timeouts].response");
}

#[test]
fn durations() {
    assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
    assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
    assert_eq!(parse_duration("1m"), Some(Duration::from_secs(60)));
    assert_eq!(parse_duration("0s"), None);
    assert_eq!(parse_duration("5"), None);
}
