//! An API invoker under test, driven through its adapter command against a played core.

use std::path::PathBuf;

use super::played_core::Handshake;
use super::played_core::{Observations, PlayedCore, Script};
use crate::adapter_contract::AdapterOutcome;
use crate::evidence::{Exchange, MessageEvidence, Timings, TlsEvidence};
use crate::net::HttpRequest;
use crate::net::Timeouts;
use crate::peers::core::{EnrolmentLogin, RegisterStyle};
use crate::pki::TestPki;
use crate::sut::adapter::{run_adapter, AdapterRun};

/// The invoker under test.
#[derive(Debug, Clone)]
pub struct InvokerTarget {
    /// The adapter command (run with `sh -c`).
    pub command: String,
    /// Serve an OpenCAPIF-style register with this login.
    pub enrolment: Option<EnrolmentLogin>,
    /// How the register serves it.
    pub register_style: RegisterStyle,
    /// Phase timeouts (adapter included).
    pub timeouts: Timeouts,
    /// The PKI of the played core (one per run).
    pub pki: TestPki,
    /// For reports.
    pub description: String,
    /// PIXIT: the invoker gives up on a silent core within this.
    pub gives_up_within: std::time::Duration,
}

/// What a silent scenario allows beyond `gives_up_within` (process start, scheduling): the
/// larger of 1 s and a tenth of the bound. Only an invoker still running after it fails, so no
/// verdict rests on a timer race at the bound itself.
pub fn silence_slack(bound: std::time::Duration) -> std::time::Duration {
    (bound / 10).max(std::time::Duration::from_secs(1))
}

/// How long the embedded reference invoker waits for a silent core before it gives up. Short,
/// because four `@waits` scenarios wait for it (1 s made the embedded run 1.3 s instead of
/// 0.35 s). The played core is in-process on loopback: in a release build a handshake or a
/// response takes milliseconds, and 100 ms held over 20 runs beside two kill-matrix runs and
/// beside six busy loops. A debug build (the self-tests) is ~10× slower at TLS and runs
/// beside other self-tests: there 100 ms let the reference invoker give up on a legitimate
/// register handshake, so it keeps 1 s.
pub const REFERENCE_GIVES_UP_AFTER: &str = if cfg!(debug_assertions) {
    "1s"
} else {
    "100ms"
};

/// What the embedded reference invoker declares as `gives_up_within`: its wait with room to
/// spare, as a vendor would declare it.
fn reference_declared_bound() -> std::time::Duration {
    std::time::Duration::from_secs(if cfg!(debug_assertions) { 3 } else { 1 })
}

/// How long the reference invoker waits in a pair cell, where the core is a real one, on
/// another machine perhaps, behind a proxy, busy with the other cells of the matrix (a
/// Python register took over 1 s to finish a handshake beside a parallel cell): as long as
/// an SDK waits (opencapif-sdk: 10 s). Nothing waits for it to give up there.
pub const REFERENCE_GIVES_UP_ON_A_REAL_CORE_AFTER: &str = "10s";

/// One scenario's adapter run against a played core.
#[derive(Debug, Clone)]
pub struct InvokerRun {
    /// What the played core did.
    pub script: Script,
    /// The credential given to it (when no register is served).
    pub credential: String,
    /// Whether a register served the credential instead.
    pub via_register: bool,
    /// The adapter's run.
    pub adapter: AdapterRun,
    /// What the played core observed.
    pub observations: Observations,
    /// The offboarding invocation of an offboarding scenario (None: not one, or the first
    /// invocation did not onboard, so there was nothing to offboard).
    pub offboard: Option<OffboardRun>,
}

/// The second invocation of an offboarding scenario (`CAPIF_ACTION=offboard`).
#[derive(Debug, Clone)]
pub struct OffboardRun {
    /// The adapter's run.
    pub adapter: AdapterRun,
    /// When it started, ms on the played core's clock: the sessions accepted from then on
    /// are the offboarding's.
    pub started_ms: u64,
    /// What the invoker was told it is.
    pub granted: crate::sut::Granted,
}

impl InvokerTarget {
    /// The [`reference`](Self::reference) invoker facing a real core (a pair cell): it waits
    /// as long as an SDK would ([`REFERENCE_GIVES_UP_ON_A_REAL_CORE_AFTER`]).
    pub fn facing_a_real_core(mut self) -> Self {
        self.command = self.command.replace(
            &format!("--give-up-after {REFERENCE_GIVES_UP_AFTER}"),
            &format!("--give-up-after {REFERENCE_GIVES_UP_ON_A_REAL_CORE_AFTER}"),
        );
        self.gives_up_within = std::time::Duration::from_secs(30);
        self
    }

    /// The adapter running the reference invoker of this very binary.
    pub fn reference(exe: &std::path::Path, timeouts: Timeouts, pki: TestPki) -> Self {
        let quoted = format!("'{}'", exe.display().to_string().replace('\'', "'\\''"));
        // The reference invoker enrols from the played register, so the enrolment test
        // purposes are tested out of the box too.
        let password = hex::encode(crate::pki::new_serial().to_bytes());
        crate::evidence::register_secret(&password);
        Self {
            command: format!(
                "{quoted} reference invoker --give-up-after {REFERENCE_GIVES_UP_AFTER}"
            ),
            enrolment: Some(EnrolmentLogin {
                username: "capif-conformance".into(),
                password,
            }),
            register_style: RegisterStyle::Opencapif,
            timeouts,
            pki,
            description: "embedded reference invoker".into(),
            gives_up_within: reference_declared_bound(),
        }
    }

    /// Run the adapter once against a played core following `script`.
    pub async fn run(&self, script: Script, test_purpose: &str) -> Result<InvokerRun, String> {
        self.run_rewriting(script, None, test_purpose).await
    }

    /// [`run`](Self::run), the played core answering the onboarding request with the script's
    /// 201 changed by `rewrite` (a generated answer).
    pub async fn run_rewriting(
        &self,
        script: Script,
        rewrite: Option<crate::sut::Rewrite>,
        test_purpose: &str,
    ) -> Result<InvokerRun, String> {
        let dir = tempfile::Builder::new()
            .prefix("capif-conformance-")
            .tempdir()
            .map_err(|e| format!("cannot create a scenario directory: {e}"))?;
        let ca_file = dir.path().join("ca.pem");
        let workdir: PathBuf = dir.path().join("work");
        std::fs::create_dir_all(&workdir)
            .and_then(|_| std::fs::write(&ca_file, self.pki.ca.cert_pem()))
            .map_err(|e| format!("cannot prepare the scenario directory: {e}"))?;
        let credential = self.pki.credential("api-invoker", 600);
        // A silent core is waited on for the declared bound (plus slack), not the adapter
        // timeout: the invoker must give up by itself.
        let mut timeouts = self.timeouts;
        if script.is_silent() {
            timeouts.adapter = self.gives_up_within + silence_slack(self.gives_up_within);
        }
        let core = PlayedCore::start_rewriting(
            &self.pki,
            script,
            rewrite,
            self.enrolment.as_ref().map(|l| (l, self.register_style)),
            timeouts,
        )
        .await
        .map_err(|e| format!("cannot start the harness-played core: {e}"))?;
        let (host, url) = if script.by_name {
            let name = crate::sut::CORE_DNS_NAME;
            (
                name.to_string(),
                format!("https://{name}:{}", core.addr.port()),
            )
        } else {
            ("127.0.0.1".to_string(), core.url.clone())
        };
        let env = crate::sut::adapter::OnboardingEnv {
            core_url: &url,
            host: &host,
            port: core.addr.port(),
            ca_file: &ca_file,
            credential: &credential,
            workdir: &workdir,
            test_purpose,
            register: core
                .register_url
                .as_deref()
                .zip(self.enrolment.as_ref())
                .map(|(u, l)| (u, l.username.as_str(), l.password.as_str())),
        }
        .vars();
        let adapter = run_adapter(&self.command, &env, &workdir, timeouts.adapter).await;
        let granted = core.granted().into_iter().next();
        let offboard = match (script.offboard, adapter.outcome(), granted) {
            (Some(_), AdapterOutcome::Onboarded, Some(granted)) => Some(
                self.offboard(&core, env, &workdir, dir.path(), granted, timeouts)
                    .await?,
            ),
            _ => None,
        };
        let observations = core.finish().await;
        Ok(InvokerRun {
            script,
            credential,
            via_register: self.enrolment.is_some(),
            adapter,
            observations,
            offboard,
        })
    }

    /// The second invocation of an offboarding scenario: in the same workdir (where the
    /// invoker kept its key), told its id, its resource and the certificate it was issued.
    async fn offboard(
        &self,
        core: &PlayedCore,
        env: Vec<(String, String)>,
        workdir: &std::path::Path,
        dir: &std::path::Path,
        granted: crate::sut::Granted,
        timeouts: Timeouts,
    ) -> Result<OffboardRun, String> {
        let issued = dir.join("issued-certificate.pem");
        std::fs::write(&issued, &granted.certificate_pem)
            .map_err(|e| format!("cannot write the issued certificate: {e}"))?;
        let env = crate::sut::adapter::offboarding_vars(
            env,
            &granted.api_invoker_id,
            &granted.location,
            &issued,
        );
        let started_ms = core.elapsed_ms();
        let adapter = run_adapter(&self.command, &env, workdir, timeouts.adapter).await;
        Ok(OffboardRun {
            adapter,
            started_ms,
            granted,
        })
    }
}

impl InvokerRun {
    /// The evidence of run number `n` of a scenario: one exchange per session the played core
    /// saw, and notes on the adapter (exit, duration, stderr tail with the credential masked).
    pub fn evidence(&self, n: usize) -> (Vec<Exchange>, Vec<String>) {
        let run = self;
        let mut exchanges = Vec::new();
        let mut notes = Vec::new();
        for (i, s) in run.observations.sessions.iter().enumerate() {
            let (tls, error) = match &s.handshake {
                Handshake::Completed { version, cipher } => (
                    Some(TlsEvidence {
                        version: *version,
                        cipher: cipher.clone(),
                        alpn: None,
                        chain: Vec::new(),
                    }),
                    None,
                ),
                Handshake::Failed { error } => (None, Some(format!("handshake failed: {error}"))),
                Handshake::Cleartext => (None, Some("cleartext listener: no TLS".into())),
                Handshake::Downgrade { sentinel, reply } => (
                    None,
                    Some(format!(
                        "the played core answered a TLS 1.2 ServerHello {} the downgrade sentinel; {}",
                        if *sentinel { "with" } else { "without" },
                        match reply {
                            Ok(r) => format!("the invoker {}", r.describe()),
                            Err(why) => format!("no flight was sent: {why}"),
                        }
                    )),
                ),
                Handshake::Renegotiation {
                    acknowledged,
                    reply,
                } => (
                    None,
                    Some(format!(
                        "the played core answered a TLS 1.2 ServerHello {} renegotiation_info; {}",
                        if *acknowledged {
                            "acknowledging"
                        } else {
                            "without"
                        },
                        match reply {
                            Ok(r) => format!("the invoker {}", r.describe()),
                            Err(why) => format!("no flight was sent: {why}"),
                        }
                    )),
                ),
                Handshake::Legacy { version, reply } => (
                    None,
                    Some(format!(
                        "the played core answered a {} ServerHello; the invoker {}",
                        crate::net::TlsVersion::Other(*version),
                        reply.describe()
                    )),
                ),
            };
            let request = s.requests.first().map(|r| {
                MessageEvidence::request(&HttpRequest {
                    method: r.method.clone(),
                    target: r.target.clone(),
                    headers: r.headers.clone(),
                    body: r.body.clone(),
                })
            });
            let offered = s
                .client_hello
                .as_ref()
                .map(|h| {
                    h.offered()
                        .iter()
                        .map(|v| crate::sut::version_name(*v))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_else(|| "no ClientHello".into());
            if let Some(h) = &s.client_hello {
                // The whole offer, which reasons only summarise.
                notes.push(format!(
                    "run {n}, session {}: ClientHello legacy_version {}, versions [{offered}], suites [{}], extensions [{}], groups [{}]",
                    i + 1,
                    crate::sut::version_name(h.legacy_version),
                    h.cipher_suites
                        .iter()
                        .map(|c| crate::sut::suite_name(*c))
                        .collect::<Vec<_>>()
                        .join(", "),
                    h.extensions
                        .iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join(", "),
                    h.groups
                        .iter()
                        .map(|g| format!("0x{g:04x}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            exchanges.push(Exchange {
                label: format!(
                    "run {n}, session {}: the played core {:?}/{:?}; ClientHello offers {offered}; {} request(s)",
                    i + 1,
                    run.script.presents,
                    run.script.answers,
                    s.requests.len()
                ),
                tls,
                request,
                response: None,
                error,
                session_end: s.end.clone(),
                after_harness_close: None,
                timings_ms: Timings {
                    teardown: s.end_after_ms,
                    ..Timings::default()
                },
            });
        }
        let stderr_tail = tail(&run.adapter.stderr.replace(
            &run.credential,
            &crate::evidence::mask_secret(&run.credential),
        ));
        if run.observations.unrecorded > 0 {
            notes.push(format!(
                "run {n}: {} more connections not recorded (the played core records at most {} per scenario)",
                run.observations.unrecorded,
                crate::sut::MAX_SESSIONS
            ));
        }
        notes.push(format!(
            "run {n}: {} after {} ms; {} session(s) with the played core; stderr (tail): {}",
            run.adapter.describe(),
            run.adapter.duration_ms,
            run.observations.sessions.len(),
            stderr_tail.trim()
        ));
        if let Some(off) = &run.offboard {
            notes.push(format!(
                "run {n}, offboarding invocation (CAPIF_ACTION=offboard, CAPIF_INVOKER_ID={}): {} after {} ms; stderr (tail): {}",
                off.granted.api_invoker_id,
                off.adapter.describe(),
                off.adapter.duration_ms,
                tail(&off.adapter.stderr.replace(
                    &run.credential,
                    &crate::evidence::mask_secret(&run.credential)
                ))
                .trim()
            ));
        }
        (exchanges, notes)
    }
}

/// The last 2000 bytes of `text` (on a character boundary).
fn tail(text: &str) -> String {
    let start = text.len().saturating_sub(2000);
    let start = (start..text.len())
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(text.len());
    text[start..].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_invoker_waits_like_an_sdk_only_when_facing_a_real_core() {
        let pki = TestPki::generate(&["localhost".to_string()]).unwrap();
        let exe = std::path::Path::new("/opt/capif-conformance");
        let played = InvokerTarget::reference(exe, Timeouts::default(), pki);
        assert!(played
            .command
            .ends_with(&format!("--give-up-after {REFERENCE_GIVES_UP_AFTER}")));
        let real = played.clone().facing_a_real_core();
        assert!(
            real.command.ends_with(&format!(
                "--give-up-after {REFERENCE_GIVES_UP_ON_A_REAL_CORE_AFTER}"
            )),
            "{}",
            real.command
        );
        // What it declares still covers what it does.
        let waits = crate::sut::config::parse_duration(REFERENCE_GIVES_UP_ON_A_REAL_CORE_AFTER);
        assert!(waits.is_some_and(|w| w < real.gives_up_within));
    }
}
