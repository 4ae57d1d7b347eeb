//! The independent oracle for the harness's TLS enumeration: sslyze (PyPI, pinned in
//! `fixtures/scanners/`) scans the same core, and the accepted versions and suites must agree
//! exactly — SSL 3.0 / TLS 1.0 / TLS 1.1 accepted or not, and the set of TLS 1.2 and TLS 1.3
//! suites. The OpenCAPIF interop test runs the same comparison on both of its shapes.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use capif_conformance::net::Timeouts;
use capif_conformance::sut::tls_enumeration::{
    enumerate_tls12, enumerate_tls13, probe_legacy_versions,
};
use capif_conformance::sut::LegacyHelloOutcome;

/// Accepted, per version: the suite names (TLS 1.2, 1.3), or `["accepted"]` for a legacy
/// version (the harness proves acceptance, it does not list legacy suites).
pub type Accepted = BTreeMap<String, BTreeSet<String>>;

/// Installs (once) and runs sslyze against `sni:port{addr}`.
pub fn sslyze(sni: &str, addr: &str, port: u16) -> Accepted {
    let root = env!("CARGO_MANIFEST_DIR");
    let setup = Command::new(format!("{root}/fixtures/scanners/setup-sslyze.sh"))
        .output()
        .expect("bash runs the setup script");
    assert!(
        setup.status.success(),
        "installing sslyze failed (PyPI must be reachable): {}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("sslyze.json");
    let out = Command::new(format!("{root}/target/sslyze-venv/bin/python"))
        .args([
            "-m",
            "sslyze",
            "--sslv3",
            "--tlsv1",
            "--tlsv1_1",
            "--tlsv1_2",
            "--tlsv1_3",
        ])
        .arg(format!("--json_out={}", json.display()))
        .arg(format!("{sni}:{port}{{{addr}}}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let scan = &v["server_scan_results"][0]["scan_result"];
    let mut found = Accepted::new();
    for (key, version) in [
        ("ssl_3_0_cipher_suites", "SSL 3.0"),
        ("tls_1_0_cipher_suites", "TLS 1.0"),
        ("tls_1_1_cipher_suites", "TLS 1.1"),
        ("tls_1_2_cipher_suites", "TLS 1.2"),
        ("tls_1_3_cipher_suites", "TLS 1.3"),
    ] {
        assert_eq!(
            scan[key]["status"], "COMPLETED",
            "sslyze {key}: {}",
            scan[key]
        );
        let names: BTreeSet<String> = scan[key]["result"]["accepted_cipher_suites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["cipher_suite"]["name"].as_str().unwrap().to_string())
            .collect();
        let names = if version.starts_with("TLS 1.") && version >= "TLS 1.2" {
            names
        } else if names.is_empty() {
            BTreeSet::new()
        } else {
            BTreeSet::from(["accepted".to_string()])
        };
        found.insert(version.into(), names);
    }
    found
}

/// What the harness finds for the same core, with the same probes the test purposes use.
pub async fn harness(sni: &str, addr: &str, port: u16) -> Accepted {
    let t = Timeouts::default();
    let mut found = Accepted::new();
    for p in probe_legacy_versions(addr, port, sni, &t).await.unwrap() {
        let accepted =
            matches!(p.outcome, LegacyHelloOutcome::ServerHello { version } if version < 0x0303);
        found.insert(
            capif_conformance::sut::version_name(p.version),
            if accepted {
                BTreeSet::from(["accepted".to_string()])
            } else {
                BTreeSet::new()
            },
        );
    }
    let tls12 = enumerate_tls12(addr, port, sni, &t).await.unwrap();
    assert!(tls12.incomplete.is_empty(), "{:?}", tls12.incomplete);
    found.insert(
        "TLS 1.2".into(),
        tls12
            .accepted
            .iter()
            .map(|a| capif_conformance::sut::suite_name(a.suite))
            .collect(),
    );
    found.insert(
        "TLS 1.3".into(),
        enumerate_tls13(addr, port, sni, &t)
            .await
            .iter()
            // The registry names TLS 1.3 suites TLS13_…, sslyze TLS_….
            .map(|c| capif_conformance::sut::suite_name(*c).replacen("TLS13_", "TLS_", 1))
            .collect(),
    );
    println!(
        "harness enumeration of {sni}:{port}: {} TLS 1.2 suites in {} handshakes, {} ms",
        tls12.accepted.len(),
        tls12.handshakes,
        tls12.ms
    );
    found
}

/// Both see the same core the same way.
pub async fn assert_agree(what: &str, sni: &str, addr: &str, port: u16) {
    let ours = harness(sni, addr, port).await;
    let theirs = sslyze(sni, addr, port);
    println!("{what}: {ours:?}");
    assert_eq!(
        ours, theirs,
        "{what}: harness (left) and sslyze (right) disagree"
    );
}

#[tokio::test]
#[ignore = "needs python3 and PyPI (sslyze venv); .ci/run installs it and runs ignored tests"]
async fn the_harness_and_sslyze_agree_on_the_reference_core() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    super::support::write_pki(&pki);
    let core = super::support::CoreProcess::start(&pki, &[]);
    let port = url::Url::parse(&core.url).unwrap().port().unwrap();
    assert_agree("reference core", "localhost", "127.0.0.1", port).await;
}
