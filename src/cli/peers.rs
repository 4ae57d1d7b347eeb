//! The reference peers and the test PKI as commands: `pki`, `reference-core`,
//! `reference-invoker`, with their faults and variants.

use capif_conformance::adapter_contract::{Var, ACTION_OFFBOARD};
use capif_conformance::exit_codes;
use capif_conformance::net::Timeouts;
use capif_conformance::peers::core::{CoreSettings, EnrolmentLogin, RunningCore};
use capif_conformance::peers::faults::{CoreFault, Faults, InvokerFault};
use capif_conformance::peers::invoker::{offboard, onboard, AdapterEnv};
use capif_conformance::peers::variants::{CoreVariant, InvokerVariant, VariantSpec, Variants};
use capif_conformance::pki::{TestPki, DEFAULT_HOSTS};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Parse `--fault` / `--variant` names (`kind`); `help` prints each entry with `describe`.
pub(super) fn parse_named<F: Ord + Copy>(
    kind: &str,
    names: &[String],
    parse: fn(&str) -> Option<F>,
    all: Vec<&'static str>,
    describe: impl Fn(F) -> String,
) -> Result<Vec<F>, i32> {
    let mut out = Vec::new();
    for n in names {
        if n == "help" {
            for name in &all {
                say!("{}", describe(parse(name).expect("listed")));
            }
            return Err(exit_codes::OK);
        }
        match parse(n) {
            Some(f) => out.push(f),
            None => {
                eprintln!(
                    "error: unknown {kind} {n:?}; known {kind}s: {}",
                    all.join(", ")
                );
                return Err(exit_codes::USAGE_OR_HARNESS);
            }
        }
    }
    if !out.is_empty() {
        eprintln!(
            "WARNING: running with {kind}s ({}): self-test only",
            names.join(", ")
        );
    }
    Ok(out)
}

/// Parse `--fault` names; `help` lists the catalogue.
pub(super) fn parse_faults<F: Ord + Copy>(
    names: &[String],
    parse: fn(&str) -> Option<F>,
    all: Vec<&'static str>,
    spec: fn(F) -> capif_conformance::peers::faults::FaultSpec,
) -> Result<Faults<F>, i32> {
    parse_named("fault", names, parse, all, |f| {
        let s = spec(f);
        format!(
            "{:<32} {} ({}); caught by {}",
            s.name,
            s.bug,
            s.breaks,
            s.catches.join(", ")
        )
    })
    .map(|fs| Faults::of(&fs))
}

/// Parse `--variant` names; `help` lists the catalogue.
pub(super) fn parse_variants<V: Ord + Copy>(
    names: &[String],
    parse: fn(&str) -> Option<V>,
    all: Vec<&'static str>,
    spec: fn(V) -> VariantSpec,
) -> Result<Variants<V>, i32> {
    parse_named("variant", names, parse, all, |v| {
        let s = spec(v);
        format!(
            "{:<26} {} (as {}; allowed by {})",
            s.name, s.behaviour, s.seen_in, s.allowed_by
        )
    })
    .map(|vs| Variants::of(&vs))
}

pub(super) fn default_hosts(hosts: Vec<String>) -> Vec<String> {
    if hosts.is_empty() {
        DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect()
    } else {
        hosts
    }
}

/// Why `--host` value `h` cannot name a server certificate, if it cannot.
pub(super) fn bad_host(h: &str) -> Option<&'static str> {
    if h.is_empty() {
        return Some("it is empty");
    }
    if h.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains spaces or control characters");
    }
    let looks_ipv4 = h.chars().all(|c| c.is_ascii_digit() || c == '.');
    if looks_ipv4 && h.parse::<std::net::Ipv4Addr>().is_err() {
        return Some("it looks like an IPv4 address but is not one");
    }
    if h.contains(':') && h.parse::<std::net::Ipv6Addr>().is_err() {
        return Some("it looks like an IPv6 address but is not one");
    }
    if h.parse::<std::net::IpAddr>().is_err()
        && rustls_pki_types::ServerName::try_from(h.to_string()).is_err()
    {
        return Some("it is not a DNS name");
    }
    None
}

pub(super) fn pki(out: PathBuf, hosts: Vec<String>) -> i32 {
    if let Some((h, why)) = hosts.iter().find_map(|h| bad_host(h).map(|w| (h, w))) {
        eprintln!("error: --host {h:?}: {why}; give a DNS name (capif.example) or an IP address (127.0.0.1)");
        return exit_codes::USAGE_OR_HARNESS;
    }
    let hosts = default_hosts(hosts);
    let result = TestPki::generate(&hosts).and_then(|p| p.write(&out));
    match result {
        Ok(manifest) => {
            for f in &manifest.files {
                say!("{:<18} {}", f.file, f.role);
            }
            say!(
                "wrote the TEST ONLY PKI bundle to {} (core certificate for {})",
                out.display(),
                hosts.join(", ")
            );
            exit_codes::OK
        }
        Err(e) => {
            eprintln!("error: {e}\nhint: check that --out names a writable directory");
            exit_codes::USAGE_OR_HARNESS
        }
    }
}

pub(super) async fn reference_core(
    listen: SocketAddr,
    pki_dir: Option<PathBuf>,
    issue_secret: bool,
    enrolment: Option<String>,
    faults: Faults<CoreFault>,
    variants: Variants<CoreVariant>,
) -> i32 {
    let enrolment = match enrolment.map(|s| EnrolmentLogin::parse(&s).ok_or(s)) {
        None => None,
        Some(Ok(l)) => Some(l),
        Some(Err(s)) => {
            eprintln!("error: --enrolment {s:?} must be USER:PASSWORD");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let (pki, written_to) = match pki_dir {
        Some(dir) => match TestPki::load(&dir) {
            Ok(p) => (p, None),
            Err(e) => {
                eprintln!(
                    "error: {e}\nhint: create the bundle with `capif-conformance pki --out {}`",
                    dir.display()
                );
                return exit_codes::USAGE_OR_HARNESS;
            }
        },
        None => {
            let hosts = default_hosts(Vec::new());
            let dir =
                std::env::temp_dir().join(format!("capif-conformance-core-{}", std::process::id()));
            match TestPki::generate(&hosts).and_then(|p| p.write(&dir).map(|_| p)) {
                Ok(p) => (p, Some(dir)),
                Err(e) => {
                    eprintln!("error: cannot generate a PKI: {e}");
                    return exit_codes::USAGE_OR_HARNESS;
                }
            }
        }
    };
    let mut settings = CoreSettings::new(pki);
    settings.issue_secret = issue_secret;
    settings.enrolment = enrolment;
    settings.faults = faults;
    settings.variants = variants;
    let core = match RunningCore::start(settings, listen).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {listen}: {e}\nhint: choose another --listen address"
            );
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    // The first stdout line is the contract scripts wait for.
    say!("READY {}", core.url);
    if let Some(dir) = written_to {
        eprintln!(
            "PKI bundle (CA root, credential.jwt) in {} — TEST ONLY",
            dir.display()
        );
    }
    wait_for_stop_signal().await;
    eprintln!("stopping: finishing open sessions (bounded)");
    core.shutdown().await;
    exit_codes::OK
}

pub(super) async fn wait_for_stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

pub(super) async fn reference_invoker(
    faults: Faults<InvokerFault>,
    variants: Variants<InvokerVariant>,
    give_up_after: Option<std::time::Duration>,
) -> i32 {
    let env = match AdapterEnv::from_process() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let mut timeouts = Timeouts::default();
    if let Some(d) = give_up_after {
        timeouts.handshake = d;
        timeouts.response = d;
    }
    let action = std::env::var(Var::Action.name()).unwrap_or_default();
    if action == ACTION_OFFBOARD {
        return match offboard(&env, &timeouts, &faults).await {
            Ok(()) => {
                eprintln!("offboarded");
                capif_conformance::adapter_contract::EXIT_ONBOARDED
            }
            Err(e) => {
                // The core's answer on the report line, so a harness that cannot see it
                // (a pair cell) knows the core refused, not the invoker before asking.
                if let capif_conformance::peers::invoker::InvokerError::Rejected {
                    status, ..
                } = &e
                {
                    say!(
                        "{}",
                        serde_json::json!({ capif_conformance::adapter_contract::REPORT_CORE_STATUS: status })
                    );
                }
                eprintln!("offboarding failed: {e}");
                capif_conformance::adapter_contract::EXIT_FAILED
            }
        };
    }
    match onboard(&env, &timeouts, &faults, &variants).await {
        Ok(done) => {
            if let Some(dir) = &env.workdir {
                // Keep what was issued for later steps (e.g. mutual TLS); failure to save is
                // reported but does not undo the onboarding.
                let save = std::fs::create_dir_all(dir)
                    .and_then(|_| {
                        std::fs::write(dir.join("invoker-cert.pem"), &done.certificate_pem)
                    })
                    .and_then(|_| {
                        capif_conformance::fsutil::write_atomic(
                            &dir.join(capif_conformance::peers::invoker::KEY_FILE),
                            done.key.serialize_pem().as_bytes(),
                            capif_conformance::fsutil::FileMode::Private,
                        )
                    });
                if let Err(e) = save {
                    eprintln!(
                        "warning: could not save the issued certificate in {}: {e}",
                        dir.display()
                    );
                }
            }
            eprintln!("onboarded as {} ({})", done.api_invoker_id, done.location);
            say!(
                "{}",
                serde_json::json!({"apiInvokerId": done.api_invoker_id, "certificate": done.certificate_pem})
            );
            capif_conformance::adapter_contract::EXIT_ONBOARDED
        }
        Err(e) => {
            eprintln!("onboarding failed: {e}");
            capif_conformance::adapter_contract::EXIT_FAILED
        }
    }
}
