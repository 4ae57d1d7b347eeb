//! A pair cell's systems: the invoker under test's adapter, pointed at the core under test
//! (its apiRoot, the root it is verified with, an onboarding credential from the core's own
//! credential source), run to onboard and then, where the core offboards, twice to offboard
//! (the second must be refused). The harness plays neither side: what it judges is what the
//! invoker reports, through the adapter protocol.

use crate::adapter_contract::AdapterOutcome;
use crate::net::relay::RelayedSession;
use crate::sut::adapter::{offboarding_vars, run_adapter, AdapterRun, OnboardingEnv};
use crate::sut::{CoreTarget, InvokerTarget};

/// An invoker and a core under test together.
#[derive(Debug, Clone)]
pub struct PairTarget {
    /// The invoker: its adapter command and bounds.
    pub invoker: InvokerTarget,
    /// The core: where it is, how it is verified, its credential source and PICS.
    pub core: CoreTarget,
}

/// What the invoker reported of one onboarding and, when asked, two offboardings.
#[derive(Debug, Clone)]
pub struct PairRun {
    /// The onboarding invocation.
    pub onboard: AdapterRun,
    /// The apiInvokerId it reported.
    pub api_invoker_id: Option<String>,
    /// The certificate (PEM) it reported.
    pub certificate: Option<String>,
    /// The two offboarding invocations (none when not asked for, or when it did not onboard).
    pub offboards: Vec<AdapterRun>,
    /// The invoker resource the offboardings were given (derived: TS 29.222's resource URI).
    pub resource: Option<String>,
    /// What the TCP relay between them saw (its sessions, and how many more it relayed
    /// without recording), or why the invoker could not be pointed at one.
    pub relay: Result<(Vec<RelayedSession>, usize), String>,
    /// The TCP connections each invocation opened through the relay (onboarding, then each
    /// offboarding; None without a relay).
    pub connections: Vec<Option<usize>>,
}

impl PairRun {
    /// The relay's evidence, a line per session (or why there was no relay).
    pub fn relay_notes(&self) -> Vec<String> {
        match &self.relay {
            Err(why) => vec![format!(
                "relay: not used, the invoker connected to the core directly: {why}"
            )],
            Ok((sessions, more)) => {
                let mut notes: Vec<String> = sessions
                    .iter()
                    .enumerate()
                    .map(|(i, s)| format!("relay: TCP session {}: {}", i + 1, s.describe()))
                    .collect();
                if sessions.is_empty() {
                    notes.push("relay: the invoker opened no connection to the core".into());
                }
                if *more > 0 {
                    notes.push(format!(
                        "relay: {more} more session(s) relayed, not recorded"
                    ));
                }
                notes
            }
        }
    }
}

impl PairTarget {
    /// Onboard, then (with `offboard`) offboard twice in the same workdir.
    pub async fn run(&self, test_purpose: &str, offboard: bool) -> Result<PairRun, String> {
        let dir = tempfile::Builder::new()
            .prefix("capif-conformance-pair-")
            .tempdir()
            .map_err(|e| format!("cannot create a scenario directory: {e}"))?;
        let ca_file = dir.path().join("ca.pem");
        let workdir = dir.path().join("work");
        let ca_pem: String = self
            .core
            .trusted
            .iter()
            .map(|c| crate::pki::der_to_pem("CERTIFICATE", c))
            .collect();
        std::fs::create_dir_all(&workdir)
            .and_then(|_| std::fs::write(&ca_file, ca_pem))
            .map_err(|e| format!("cannot prepare the scenario directory: {e}"))?;
        let credential = self
            .core
            .credential
            .fetch(&self.core.timeouts)
            .await
            .map_err(|e| {
                format!(
                    "cannot get an onboarding credential from the core's credential source: {e}"
                )
            })?;
        crate::evidence::register_secret(&credential);
        let (api_root, host) = self.invoker_facing();
        // An invoker that enrols itself (as OpenCAPIF's SDK does) is given the core's own
        // register and login, as its operator would provision it.
        let register = match &self.core.credential {
            crate::sut::CredentialSource::Enrolment {
                url,
                username,
                password,
                ..
            } => Some((url.as_str(), username.as_str(), password.as_str())),
            _ => None,
        };
        // The harness sits between them as a plain TCP relay where it can: the invoker still
        // connects to and verifies the core's name, on the relay's port.
        let relay =
            crate::net::relay::for_pair(&host, (self.core.host.clone(), self.core.port)).await;
        let env = OnboardingEnv {
            core_url: &api_root,
            host: &host,
            port: relay.as_ref().map_or(self.core.port, |r| r.addr.port()),
            ca_file: &ca_file,
            credential: &credential,
            workdir: &workdir,
            test_purpose,
            register,
        }
        .vars();
        let limit = self.invoker.timeouts.adapter;
        let opened = connections_so_far(&relay).await;
        let onboard = run_adapter(&self.invoker.command, &env, &workdir, limit).await;
        let mut connections = vec![since(&relay, opened).await];
        let report = onboard.report.as_ref();
        let field = |k: &str| {
            report
                .and_then(|r| r[k].as_str())
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let (api_invoker_id, certificate) = (field("apiInvokerId"), field("certificate"));
        let mut run = PairRun {
            onboard,
            api_invoker_id,
            certificate,
            offboards: Vec::new(),
            resource: None,
            relay: Err(String::new()),
            connections: Vec::new(),
        };
        let onboarded = run.onboard.outcome() == AdapterOutcome::Onboarded;
        if let (true, true, Some(id), Some(cert)) = (
            offboard,
            onboarded,
            run.api_invoker_id.clone(),
            run.certificate.clone(),
        ) {
            let issued = dir.path().join("issued-certificate.pem");
            std::fs::write(&issued, cert)
                .map_err(|e| format!("cannot write the reported certificate: {e}"))?;
            let resource = format!(
                "{api_root}/api-invoker-management/v1/onboardedInvokers/{}",
                url_segment(&id)
            );
            let env = offboarding_vars(env, &id, &resource, &issued);
            for _ in 0..2 {
                let opened = connections_so_far(&relay).await;
                let r = run_adapter(&self.invoker.command, &env, &workdir, limit).await;
                connections.push(since(&relay, opened).await);
                run.offboards.push(r);
            }
            run.resource = Some(resource);
        }
        run.connections = connections;
        run.relay = match relay {
            Ok(r) => {
                r.settle(std::time::Duration::from_millis(500)).await;
                Ok(r.sessions())
            }
            Err(why) => Err(why),
        };
        Ok(run)
    }
}

impl PairTarget {
    /// The apiRoot and host an invoker is provisioned with: the apiRoot the core names in its
    /// Location (`[core] api_root`, else the name its certificate is for on the port the
    /// harness reaches it at), and as `CAPIF_HOST` that name — on `CAPIF_PORT`, the port of
    /// `[core] url`. A real invoker verifies that name, so it must resolve to the core (as it
    /// does in a deployment; README "Running at scale").
    fn invoker_facing(&self) -> (String, String) {
        let name = self.core.server_name.clone();
        let api_root = match &self.core.api_root {
            Some(r) => r.as_str().trim_end_matches('/').to_string(),
            None => {
                let mut url = self.core.url.clone();
                let _ = url.set_host(Some(&name));
                url.as_str().trim_end_matches('/').to_string()
            }
        };
        (api_root, name)
    }
}

/// The connections the relay has accepted so far (recorded or not).
async fn connections_so_far(relay: &Result<crate::net::relay::Relay, String>) -> Option<usize> {
    let r = relay.as_ref().ok()?;
    let (recorded, more) = r.sessions();
    Some(recorded.len() + more)
}

/// The connections accepted since `before`: after a moment, so that a connection the
/// invocation opened just before it ended is accepted (and counted) by then.
async fn since(
    relay: &Result<crate::net::relay::Relay, String>,
    before: Option<usize>,
) -> Option<usize> {
    let before = before?;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    Some(connections_so_far(relay).await? - before)
}

/// `id` as one path segment (an id is the core's text: percent-encode what a segment cannot
/// hold).
fn url_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}
