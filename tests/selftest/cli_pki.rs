//! The binary as a user runs it: `pki`, `reference core` (READY line, SIGTERM) and
//! `reference invoker` (adapter protocol exit codes and last-line JSON).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use capif_conformance::pki::{certificate_spki, pem_to_der};

const BIN: &str = env!("CARGO_BIN_EXE_capif-conformance");

#[test]
#[ignore = "needs the openssl CLI; .ci/run installs it and runs ignored tests"]
fn pki_bundle_verifies_with_openssl() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["pki", "--out"])
        .arg(dir.path())
        .args(["--host", "capif.example", "--host", "127.0.0.1"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An independent implementation (OpenSSL) accepts the chain and the name.
    let verify = Command::new("openssl")
        .args(["verify", "-CAfile"])
        .arg(dir.path().join("ca.pem"))
        .args(["-verify_hostname", "capif.example"])
        .arg(dir.path().join("core.pem"))
        .output()
        .expect("openssl is installed (.ci/run installs it)");
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.json")).unwrap()).unwrap();
    let serials: std::collections::HashSet<_> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["serial"].as_str())
        .collect();
    assert_eq!(
        serials.len(),
        3,
        "ca, core and enrolment have distinct serials"
    );
}

#[test]
fn pki_into_an_unwritable_place_exits_2_and_says_why() {
    let out = Command::new(BIN)
        .args(["pki", "--out", "/proc/no-such-dir/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/proc/no-such-dir"));
}

struct Child(std::process::Child);
impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn reference_invoker_process_onboards_against_reference_core_process() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    assert!(Command::new(BIN)
        .args(["pki", "--out"])
        .arg(&pki)
        .status()
        .unwrap()
        .success());
    let mut core = Child(
        Command::new(BIN)
            .args(["reference", "core", "--pki"])
            .arg(&pki)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    BufReader::new(core.0.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("READY ")
        .expect("READY line first")
        .to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let credential = std::fs::read_to_string(pki.join("credential.jwt")).unwrap();
    let work = dir.path().join("work");
    let run = |credential: &str| {
        Command::new(BIN)
            .args(["reference", "invoker"])
            .env("CAPIF_CORE_URL", &url)
            .env("CAPIF_CA_FILE", pki.join("ca.pem"))
            .env("CAPIF_ONBOARDING_CREDENTIAL", credential.trim())
            .env("CAPIF_WORKDIR", &work)
            .output()
            .unwrap()
    };
    let ok = run(&credential);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stdout = String::from_utf8(ok.stdout).unwrap();
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert!(last["apiInvokerId"].as_str().unwrap().starts_with("INV"));
    let cert = pem_to_der(last["certificate"].as_str().unwrap()).unwrap();
    let key =
        rcgen::KeyPair::from_pem(&std::fs::read_to_string(work.join("invoker-key.pem")).unwrap())
            .unwrap();
    use rcgen::PublicKeyData;
    assert_eq!(
        certificate_spki(&cert).unwrap(),
        key.subject_public_key_info()
    );

    let rejected = run("eyJhbGciOiJFUzI1NiJ9.e30.AAAA");
    assert_eq!(rejected.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&rejected.stderr).contains("401"));

    // SIGTERM: graceful and bounded.
    let started = Instant::now();
    unsafe_kill_term(core.0.id());
    let status = loop {
        if let Some(s) = core.0.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "core did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
}

fn unsafe_kill_term(pid: u32) {
    let ok = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

#[test]
fn reference_invoker_without_environment_names_the_variable() {
    let out = Command::new(BIN)
        .args(["reference", "invoker"])
        .env_remove("CAPIF_CORE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CAPIF_CORE_URL"));
}

/// `list ID` takes a newcomer from the id to the Rust that judges it: every step's path:line
/// (as cucumber matches it) holds its step attribute, and every check it is judged by is a
/// function of the file it names.
#[test]
fn list_one_id_points_at_the_scenario_step_and_check() {
    let out = Command::new(BIN)
        .args(["list", "INV-TD-03"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("features/invoker/teardown.feature:"),
        "{text}"
    );
    assert!(text.contains("caught by    no-close-notify"), "{text}");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```\n{text}```")),
        "README \"What it checks\" shows another `list INV-TD-03`; paste:\n{text}"
    );
    let mut steps = 0;
    for word in text.split_whitespace() {
        let Some((path, line)) = word.split_once(".rs:") else {
            continue;
        };
        let path = root.join(format!("{path}.rs"));
        let line: usize = line.parse().unwrap();
        let src = std::fs::read_to_string(&path).unwrap();
        let at = src.lines().nth(line - 1).unwrap();
        assert!(
            ["#[given(", "#[when(", "#[then("]
                .iter()
                .any(|a| at.starts_with(a)),
            "{}:{line} is {at:?}",
            path.display()
        );
        steps += 1;
    }
    assert_eq!(steps, 4, "{text}");
    let judged: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("judged by"))
        .filter_map(|l| l.trim().split_once(' '))
        .collect();
    assert_eq!(
        judged,
        [("src/checks/invoker/teardown.rs", "invoker_close_notify")],
        "{text}"
    );
    let src = std::fs::read_to_string(root.join(judged[0].0)).unwrap();
    assert!(src.contains("pub fn invoker_close_notify("));
    let unknown = Command::new(BIN)
        .args(["list", "INV-XX-99"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no test purpose INV-XX-99"));
}
