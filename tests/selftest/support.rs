//! Shared fixtures: a PKI generated once per test binary, reference cores on port 0, a
//! scripted TLS server that records what a client did.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use capif_conformance::model::ONBOARDING_PATH;
use capif_conformance::net::{
    client_config, server_config, ClientAuth, HttpRequest, HttpResponse, HttpsSession, SessionEnd,
    Timeouts, TLS_VERSIONS,
};
use capif_conformance::peers::core::{CoreSettings, RunningCore};
use capif_conformance::pki::{Identity, TestPki};
use rcgen::KeyPair;
use rustls_pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One PKI for the whole test binary (key generation is the slow part).
pub fn pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(|| {
        TestPki::generate(&["localhost".into(), "127.0.0.1".into()]).expect("test PKI")
    })
}

/// Short timeouts: everything is on loopback.
pub fn timeouts() -> Timeouts {
    Timeouts {
        connect: Duration::from_secs(2),
        handshake: Duration::from_secs(2),
        response: Duration::from_secs(5),
        teardown: Duration::from_secs(2),
        adapter: Duration::from_secs(20),
    }
}

/// How many test purposes a run (not a fuzz campaign) judges for an invoker under test.
pub fn invoker_purposes() -> usize {
    capif_conformance::catalogue::all()
        .filter(|tp| {
            tp.sut == capif_conformance::catalogue::Sut::Invoker
                && tp.runner == capif_conformance::catalogue::Runner::Suite
        })
        .count()
}

/// The suite's test purposes for the invoker `target`.
pub async fn run_invoker_suite(
    target: capif_conformance::sut::InvokerTarget,
) -> Vec<capif_conformance::suite::Outcome> {
    run_invoker_suite_tagged(target, None).await
}

/// The invoker test purposes matching `tags` (all when None) for `target`.
pub async fn run_invoker_suite_tagged(
    target: capif_conformance::sut::InvokerTarget,
    tags: Option<&str>,
) -> Vec<capif_conformance::suite::Outcome> {
    capif_conformance::suite::run_suite(
        capif_conformance::suite::SuiteTargets {
            core: None,
            invoker: Some(target),
            pair: None,
            ..Default::default()
        },
        capif_conformance::suite::SuiteOptions {
            tags: tags.map(str::to_string),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// The suite's test purposes for the core `target`, those matching `tags` if given.
pub async fn run_core_suite(
    target: capif_conformance::sut::CoreTarget,
    tags: Option<&str>,
) -> Vec<capif_conformance::suite::Outcome> {
    capif_conformance::suite::run_suite(
        capif_conformance::suite::SuiteTargets {
            core: Some(target),
            invoker: None,
            pair: None,
            ..Default::default()
        },
        capif_conformance::suite::SuiteOptions {
            tags: tags.map(str::to_string),
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

/// A reference core with default settings on 127.0.0.1:0.
pub async fn start_core() -> RunningCore {
    start_core_with(CoreSettings::new(pki().clone())).await
}

/// A reference core with `settings` on 127.0.0.1:0.
pub async fn start_core_with(settings: CoreSettings) -> RunningCore {
    RunningCore::start(settings, "127.0.0.1:0".parse().unwrap())
        .await
        .expect("core starts")
}

/// A TLS session to `core` trusting the test root, without a client certificate.
pub async fn session(core: &RunningCore) -> HttpsSession {
    session_as(core, None).await
}

/// A TLS session to `core`, optionally presenting `client`.
pub async fn session_as(core: &RunningCore, client: Option<&Identity>) -> HttpsSession {
    let cfg = client_config(&[pki().ca.cert.clone()], client, TLS_VERSIONS).unwrap();
    HttpsSession::connect(
        "127.0.0.1",
        core.addr.port(),
        ServerName::try_from("127.0.0.1").unwrap(),
        cfg,
        &timeouts(),
    )
    .await
    .expect("TLS session to the reference core")
}

/// A fresh key and its PEM CSR (the harness's one request builder).
pub fn key_and_csr() -> (KeyPair, String) {
    let key = capif_conformance::pki::InvokerKey::generate(capif_conformance::pki::KeyKind::P256);
    let csr = key.csr(&capif_conformance::pki::IdentityIssuer::new(Default::default()).next());
    (key.pair, csr)
}

/// A conformant onboarding body for `csr` (the harness's builder, with a notification
/// destination of its own so the tests can tell it is echoed).
pub fn body_for(csr: &str) -> serde_json::Value {
    let mut body = capif_conformance::pki::enrolment_request(csr, "capif-conformance-selftest");
    body["notificationDestination"] = "https://invoker.example/notify".into();
    body
}

/// POST `body` with `credential` to the onboarding resource.
pub fn onboarding_request(credential: Option<&str>, body: &serde_json::Value) -> HttpRequest {
    let mut r = HttpRequest::new("POST", ONBOARDING_PATH).json(body);
    if let Some(c) = credential {
        r.headers
            .push(("Authorization".into(), format!("Bearer {c}")));
    }
    r
}

/// A valid credential from the test PKI.
pub fn credential() -> String {
    pki().credential("test-invoker", 600)
}

/// Send one request on a fresh session; return the response and how the core ended the session.
pub async fn exchange(core: &RunningCore, req: &HttpRequest) -> (HttpResponse, SessionEnd) {
    let mut s = session(core).await;
    let resp = s.exchange(req).await.expect("a response");
    let end = s.await_peer_close().await;
    (resp, end)
}

/// What a scripted server saw a client do.
#[derive(Debug, Default, Clone)]
pub struct Recorded {
    /// Whether the TLS handshake completed.
    pub handshake_ok: bool,
    /// Application bytes the client sent.
    pub request: Vec<u8>,
    /// How the client ended the session after our response (None: no response was sent).
    pub end: Option<SessionEnd>,
}

/// A one-connection TLS server presenting `identity`; once a full request head arrives it
/// answers `response` and does NOT close, so the client's own teardown is observed.
pub async fn scripted_server(
    identity: Identity,
    response: impl Into<String>,
) -> (SocketAddr, tokio::task::JoinHandle<Recorded>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let response: String = response.into();
    let cfg = server_config(&identity, &ClientAuth::None, TLS_VERSIONS).unwrap();
    let task = tokio::spawn(async move {
        let mut rec = Recorded::default();
        let Ok(Ok((tcp, _))) =
            tokio::time::timeout(Duration::from_secs(10), listener.accept()).await
        else {
            return rec;
        };
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new((*cfg).clone()));
        let Ok(Ok(mut tls)) =
            tokio::time::timeout(Duration::from_secs(5), acceptor.accept(tcp)).await
        else {
            return rec;
        };
        rec.handshake_ok = true;
        let mut buf = [0u8; 8192];
        loop {
            match tokio::time::timeout(Duration::from_secs(5), tls.read(&mut buf)).await {
                Ok(Ok(n)) if n > 0 => {
                    rec.request.extend_from_slice(&buf[..n]);
                    if complete_request(&rec.request) {
                        break;
                    }
                }
                _ => return rec,
            }
        }
        tls.write_all(response.as_bytes()).await.unwrap();
        tls.flush().await.unwrap();
        rec.end = Some(SessionEnd::observe(&mut tls, Duration::from_secs(3)).await);
        rec
    });
    (addr, task)
}

fn complete_request(buf: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut req = httparse::Request::new(&mut headers);
    let Ok(httparse::Status::Complete(head)) = req.parse(buf) else {
        return false;
    };
    let len = req
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| {
            std::str::from_utf8(h.value)
                .ok()?
                .trim()
                .parse::<usize>()
                .ok()
        })
        .unwrap_or(0);
    buf.len() >= head + len
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_capif-conformance");

/// `capif-conformance pki --out dir`.
pub fn write_pki(dir: &std::path::Path) {
    let out = std::process::Command::new(BIN)
        .args(["pki", "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A `capif-conformance reference core` process, killed when dropped.
pub struct CoreProcess {
    /// The child.
    pub child: std::process::Child,
    /// The URL from its READY line.
    pub url: String,
}

impl CoreProcess {
    /// Start it with the bundle in `pki` and `extra` arguments; wait for the READY line.
    pub fn start(pki: &std::path::Path, extra: &[&str]) -> Self {
        use std::io::BufRead;
        let mut child = std::process::Command::new(BIN)
            .args(["reference", "core", "--pki"])
            .arg(pki)
            .args(extra)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("READY ")
            .unwrap_or_else(|| panic!("READY line first, got {line:?}"))
            .to_string();
        Self { child, url }
    }
}

impl Drop for CoreProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The JSON file at `path`, after checking it against the published schema `name` (report,
/// matrix or load; `capif_conformance::schemas`): every file a self-test reads back through
/// here is proven to be what the schema promises.
pub fn read_valid(path: &std::path::Path, name: &str) -> serde_json::Value {
    let j: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
    let schema = capif_conformance::schemas::find(name).expect("a published schema");
    let validator = jsonschema::validator_for(&schema.json()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&j)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{} does not follow {}: {errors:?}",
        path.display(),
        schema.path()
    );
    j
}

/// A reference core process with a fresh bundle in `dir/pki`, and `dir/sut.toml` testing it
/// with the bundle's credential (a `credential_command`) and nothing else declared.
pub fn core_process_and_config(dir: &std::path::Path) -> (CoreProcess, std::path::PathBuf) {
    let pki = dir.join("pki");
    write_pki(&pki);
    let core = CoreProcess::start(&pki, &[]);
    let config = core_config(&dir.join("sut.toml"), &core, &pki);
    (core, config)
}

/// A SUT configuration at `path` for the reference core process `core` started with the
/// bundle in `pki` (its root, its credential); `path` again.
pub fn core_config(
    path: &std::path::Path,
    core: &CoreProcess,
    pki: &std::path::Path,
) -> std::path::PathBuf {
    std::fs::write(
        path,
        format!(
            "[core]\nurl = \"{}\"\nca = \"{p}/ca.pem\"\ncredential_command = \"cat {p}/credential.jwt\"\n",
            core.url,
            p = pki.display()
        ),
    )
    .unwrap();
    path.to_path_buf()
}

/// The DOM headless Chromium renders of the file at `path` (`--dump-dom`).
pub fn chromium_dom(path: &std::path::Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", path.display()))
        .output()
        .expect("chromium is installed (.ci/run installs Debian's chromium)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The `name` of every cell of a `matrix cells --format json` document or a matrix.json, in
/// order.
pub fn cell_names(doc: &serde_json::Value) -> Vec<&str> {
    doc["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect()
}

/// `report.json` at `path`, checked against its schema.
pub fn read_report(path: &std::path::Path) -> serde_json::Value {
    read_valid(path, "report")
}

/// id → verdict of a `report.json` (checked against its schema).
pub fn report_verdicts(path: &std::path::Path) -> std::collections::BTreeMap<String, String> {
    let j = read_report(path);
    j["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A reference core process and a config for it that provisions a root that did NOT sign the
/// core's certificate: every check that relies on the secure connection must bite.
pub fn core_with_wrong_root(dir: &std::path::Path) -> (CoreProcess, std::path::PathBuf) {
    let (pki, other) = (dir.join("pki"), dir.join("other"));
    write_pki(&pki);
    write_pki(&other);
    let core = CoreProcess::start(&pki, &[]);
    let config = dir.join("wrong-root.toml");
    std::fs::write(
        &config,
        format!(
            "[core]\nurl = \"{}\"\nca = \"{}/ca.pem\"\ncredential = \"x\"\n",
            core.url,
            other.display()
        ),
    )
    .unwrap();
    (core, config)
}
