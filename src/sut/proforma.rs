//! The implementation conformance statement a vendor fills in, the ETSI way: the ICS (which
//! optional capabilities the implementation declares: `[core.capabilities]`) and the IXIT (the
//! extra information the harness needs to reach and judge it: addresses, credentials, bounds).
//! `capif-conformance proforma` prints it as Markdown (each key with its meaning, its default and
//! the test purposes it makes applicable or decides) or as a TOML skeleton that `run --config`
//! accepts once the values marked FILL IN are filled in. Each key is written here once; the
//! test purposes a capability makes applicable come from the catalogue.

use crate::catalogue::{Applicability, Capability, Sut};

/// One IXIT key: where it goes, what it means, its skeleton line, what it decides.
struct Ixit {
    /// The TOML section.
    section: &'static str,
    /// The key.
    key: &'static str,
    /// What it is.
    meaning: &'static str,
    /// Its line in the skeleton (commented out when optional).
    line: &'static str,
    /// The test purposes whose verdict it decides or unlocks ("" for none in particular).
    decides: &'static str,
}

/// `decides` of a key that unlocks what accepts_harness_credentials does (the list is the
/// catalogue's).
const MINTED: &str = "the test purposes of accepts_harness_credentials";

const CORE_IXIT: &[Ixit] = &[
    Ixit { section: "core", key: "description", meaning: "the product under test, as you name it (name and version), shown in every report", line: "description = \"FILL IN: product name and version\"", decides: "" },
    Ixit { section: "core", key: "url", meaning: "where the harness reaches the core's onboarding API (https://host:port)", line: "url = \"https://FILL-IN.example:8443\"", decides: "every core test purpose" },
    Ixit { section: "core", key: "ca", meaning: "the root your invokers are provisioned with (PEM); the core's certificate must chain to it for its name", line: "ca = \"FILL-IN/ca.pem\"", decides: "CCF-TLS-01, and every test purpose that needs a verified session" },
    Ixit { section: "core", key: "server_name", meaning: "the name the core's certificate is checked for (default: url's host)", line: "# server_name = \"capif.example\"", decides: "CCF-TLS-01" },
    Ixit { section: "core", key: "api_root", meaning: "the apiRoot your invokers are provisioned with, when the harness reaches the core elsewhere (a mapped port, a front end's name); default: url", line: "# api_root = \"https://capif.example\"", decides: "CCF-OK-02" },
    Ixit { section: "core", key: "credential_command", meaning: "prints a fresh onboarding credential (last stdout line); or credential = \"...\" (static), or a [core.enrolment] register", line: "credential_command = \"FILL IN: ./get-token.sh\"", decides: "every test purpose that sends a valid request" },
    Ixit { section: "core", key: "credential_signing_key", meaning: "the core's own token-signing key (PEM): the harness mints expired, foreign-key and altered credentials with the provisioned claims", line: "# credential_signing_key = \"token.key\"", decides: MINTED },
    Ixit { section: "core", key: "invoker_key", meaning: "the key type of the harness invoker: p256, p384, rsa2048, ed25519", line: "invoker_key = \"p256\"", decides: "CCF-OK-01 when the core refuses the key type (the reason names this key)" },
    Ixit { section: "core", key: "invoker_key_format", meaning: "apiInvokerPublicKey as a PEM CSR (csr) or a bare SPKI (spki)", line: "invoker_key_format = \"csr\"", decides: "CCF-OK-01 likewise" },
    Ixit { section: "core", key: "invoker_information", meaning: "apiInvokerInformation of each harness invoker ({run}: this run, {n}: each onboarding; every use distinct)", line: "invoker_information = \"capif-conformance-{run}-{n}\"", decides: "" },
    Ixit { section: "core", key: "invoker_subject_cn", meaning: "the CSR subject's CN of each harness invoker (templates as above)", line: "invoker_subject_cn = \"invoker-{run}-{n}\"", decides: "CCF-OK-07, CCF-OFF-* when the core authorises by CN" },
    Ixit { section: "core.notifications", key: "listen", meaning: "with asynchronous_onboarding: where the harness receives the OnboardingNotification (HTTPS)", line: "# listen = \"0.0.0.0:9444\"", decides: "CCF-OK-09..11, and CCF-OK-02..07 on a core that answers 202" },
    Ixit { section: "core.notifications", key: "url", meaning: "the base the core is told for the receiver (default: https:// and listen)", line: "# url = \"https://harness.example:9444\"", decides: "" },
    Ixit { section: "core.notifications", key: "within", meaning: "the bound between a 202 and its notification", line: "# within = \"10s\"", decides: "CCF-OK-09 (arrived within it), CCF-OK-10, CCF-OK-11" },
    Ixit { section: "core.notifications", key: "pki", meaning: "the bundle whose server certificate the receiver presents (the core must trust its ca.pem)", line: "# pki = \"certs\"", decides: "" },
    Ixit { section: "core.notifications", key: "impostor_listen", meaning: "the receiver that presents certificates the core must refuse (default: listen's address, a free port)", line: "# impostor_listen = \"0.0.0.0:9445\"", decides: "CCF-OK-10" },
    Ixit { section: "core.notifications", key: "impostor_url", meaning: "the base the core is told for it (default: url's host with its port)", line: "# impostor_url = \"https://harness.example:9445\"", decides: "CCF-OK-10" },
];

const INVOKER_IXIT: &[Ixit] = &[
    Ixit { section: "invoker", key: "description", meaning: "the product under test, as you name it (name and version), shown in every report", line: "description = \"FILL IN: product name and version\"", decides: "" },
    Ixit { section: "invoker", key: "command", meaning: "the adapter command run once per scenario (README: the adapter protocol); exit 89 declares a scenario unsupported", line: "command = \"FILL IN: python3 my_adapter.py\"", decides: "every invoker test purpose" },
    Ixit { section: "invoker", key: "gives_up_within", meaning: "the bound within which the invoker gives up on a core that never answers", line: "gives_up_within = \"30s\"", decides: "INV-TLS-15, INV-OK-04, INV-OK-07" },
    Ixit { section: "invoker.enrolment", key: "style", meaning: "serve an enrolment register to the invoker: opencapif (GET /getauth over TLS)", line: "# style = \"opencapif\"", decides: "INV-ENR-01, INV-ENR-02" },
];

const TIMEOUTS: &[Ixit] = &[
    Ixit { section: "timeouts", key: "connect", meaning: "TCP connect", line: "connect = \"2s\"", decides: "" },
    Ixit { section: "timeouts", key: "handshake", meaning: "TLS handshake; also how long a core may stay silent after a hello it will not negotiate", line: "handshake = \"5s\"", decides: "CCF-TLS-02/08/09, INV-TLS-08" },
    Ixit { section: "timeouts", key: "response", meaning: "HTTP response; also how soon a core that announced Connection: close must close", line: "response = \"10s\"", decides: "CCF-TD-01/02" },
    Ixit { section: "timeouts", key: "teardown", meaning: "how soon an invoker must close after a response saying Connection: close", line: "teardown = \"2s\"", decides: "INV-TD-01/02, INV-OFF-07" },
    Ixit { section: "timeouts", key: "adapter", meaning: "one adapter run, end to end", line: "adapter = \"60s\"", decides: "" },
];

impl Capability {
    /// Every capability a core may declare, in `[core.capabilities]` order.
    pub const ALL: [Capability; 5] = [
        Capability::IssuesCertificate,
        Capability::IssuesOnboardingSecret,
        Capability::AsynchronousOnboarding,
        Capability::AcceptsHarnessCredentials,
        Capability::Offboarding,
    ];
}

/// The test purposes applicable when `c` is declared (`true`) or not (`false`).
fn applicable(c: Capability, declared: bool) -> Vec<&'static str> {
    crate::catalogue::all()
        .filter(|tp| match tp.applicability {
            Applicability::Requires(x) => x == c && declared,
            Applicability::Unless(x) => x == c && !declared,
            Applicability::Always => false,
        })
        .map(|tp| tp.id)
        .collect()
}

/// What a capability means, its default answer.
fn capability_row(c: Capability) -> (&'static str, bool) {
    let d = super::CoreCapabilities::default();
    match c {
        Capability::IssuesCertificate => ("the core issues an invoker certificate (CAPIF-1/1e security information)", d.issues_certificate),
        Capability::IssuesOnboardingSecret => ("the core issues an onboarding secret (CAPIF-2/2e)", d.issues_onboarding_secret),
        Capability::AsynchronousOnboarding => ("the core may answer 202 Accepted and notify the result (needs [core.notifications])", d.asynchronous_onboarding),
        Capability::AcceptsHarnessCredentials => ("the core trusts the enrolment key of the harness's PKI bundle, so the harness may mint credentials (implied by credential_signing_key)", d.accepts_harness_credentials),
        Capability::Offboarding => ("the core supports DELETE of the invoker resource over mutual TLS (TS 33.122 §6.8)", d.offboarding),
    }
}

fn wants(sut: Option<Sut>, role: Sut) -> bool {
    sut.is_none_or(|s| s == role)
}

/// The statement as Markdown, for `sut` (None: both roles).
pub fn markdown(sut: Option<Sut>) -> String {
    let mut out = String::from("# capif-conformance: implementation conformance statement (ICS) and extra information (IXIT)\n\nFill in the \"your answer\" column, then write the answers into the configuration (`capif-conformance proforma --format toml` prints a skeleton that `run --config` accepts). Every report lists the ICS answers it was run with.\n\n");
    if wants(sut, Sut::Core) {
        out.push_str("## ICS, CAPIF core: `[core.capabilities]`\n\n| key | meaning | default | your answer | applicable when true | applicable when false |\n|---|---|---|---|---|---|\n");
        for c in Capability::ALL {
            let (meaning, default) = capability_row(c);
            let list = |v: Vec<&str>| {
                if v.is_empty() {
                    "—".to_string()
                } else {
                    v.join(", ")
                }
            };
            out.push_str(&format!(
                "| `{}` | {meaning} | {default} | | {} | {} |\n",
                c.key(),
                list(applicable(c, true)),
                list(applicable(c, false))
            ));
        }
        out.push_str("| `teardown` | who must end the session after a response: \"either\" (the core, or the invoker's close is honoured) or \"core\" (the core itself) | either | | CCF-TD-01/02 judged against it | |\n\n");
        out.push_str(&ixit_table("IXIT, CAPIF core", CORE_IXIT));
    }
    if wants(sut, Sut::Invoker) {
        out.push_str("## ICS, API invoker\n\nAn invoker declares what it does not support per scenario: its adapter exits 89 (README: the adapter protocol), and the test purpose is not applicable, with the reason.\n\n");
        out.push_str(&ixit_table("IXIT, API invoker", INVOKER_IXIT));
    }
    out.push_str(&ixit_table("IXIT, both roles: bounds", TIMEOUTS));
    out
}

fn ixit_table(title: &str, rows: &[Ixit]) -> String {
    let mut out = format!("## {title}\n\n| key | meaning | default or example | your value | decides |\n|---|---|---|---|---|\n");
    for r in rows {
        let example = r.line.trim_start_matches("# ");
        let value = example.split_once(" = ").map_or(example, |(_, v)| v);
        out.push_str(&format!(
            "| `[{}] {}` | {} | `{}` | | {} |\n",
            r.section,
            r.key,
            r.meaning,
            value,
            match r.decides {
                "" => "—".to_string(),
                MINTED => applicable(Capability::AcceptsHarnessCredentials, true).join(", "),
                other => other.to_string(),
            }
        ));
    }
    out.push('\n');
    out
}

/// The statement as a configuration skeleton for `sut` (None: both roles): every ICS answer at
/// its default, every required IXIT value marked FILL IN, the optional ones commented out.
pub fn toml(sut: Option<Sut>) -> String {
    let mut out = String::from("# capif-conformance: implementation conformance statement (ICS) and extra information (IXIT).\n# Replace every FILL IN; `capif-conformance proforma --format markdown` explains each key.\n");
    let mut section = "";
    let mut emit = |out: &mut String, rows: &[&Ixit]| {
        for r in rows {
            if r.section != section {
                section = r.section;
                // A section whose keys are all optional stays commented out: an empty one
                // would lack its required keys.
                let optional = rows
                    .iter()
                    .filter(|x| x.section == section)
                    .all(|x| x.line.starts_with('#'));
                let hash = if optional { "# " } else { "" };
                out.push_str(&format!("\n{hash}[{section}]\n"));
            }
            out.push_str(&format!("{:<50} # {}\n", r.line, r.meaning));
        }
    };
    if wants(sut, Sut::Core) {
        let (core, sections): (Vec<&Ixit>, Vec<&Ixit>) =
            CORE_IXIT.iter().partition(|r| r.section == "core");
        emit(&mut out, &core);
        out.push_str(
            "\n[core.capabilities]                                # ICS: what the core declares\n",
        );
        for c in Capability::ALL {
            let (meaning, default) = capability_row(c);
            out.push_str(&format!(
                "{:<50} # {meaning}\n",
                format!("{} = {default}", c.key())
            ));
        }
        out.push_str(&format!(
            "{:<50} # \"either\" or \"core\"\n",
            "teardown = \"either\""
        ));
        emit(&mut out, &sections);
    }
    if wants(sut, Sut::Invoker) {
        emit(&mut out, &INVOKER_IXIT.iter().collect::<Vec<_>>());
    }
    emit(&mut out, &TIMEOUTS.iter().collect::<Vec<_>>());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The skeleton is a configuration `run --config` accepts once FILL IN is filled in, and
    /// says exactly the defaults a configuration without those keys has.
    #[test]
    fn the_skeleton_round_trips_through_the_configuration_parser() {
        let dir = tempfile::tempdir().unwrap();
        let pki = crate::pki::TestPki::generate(&["localhost".into()]).unwrap();
        pki.write(&dir.path().join("certs")).unwrap();
        let filled = toml(None)
            .replace("https://FILL-IN.example:8443", "https://127.0.0.1:8443")
            .replace(
                "FILL-IN/ca.pem",
                &dir.path().join("certs/ca.pem").display().to_string(),
            )
            .replace("FILL IN: ./get-token.sh", "echo token")
            .replace("FILL IN: python3 my_adapter.py", "true")
            .replace("FILL IN: product name and version", "ACME CAPIF 1.0");
        // No value is left to fill in (comments may still say how).
        assert!(
            filled
                .lines()
                .all(|l| !l.split('#').next().unwrap_or_default().contains("FILL")),
            "{filled}"
        );
        let path = dir.path().join("sut.toml");
        std::fs::write(&path, &filled).unwrap();
        let c = super::super::SutConfig::load(&path).unwrap_or_else(|e| panic!("{e}\n{filled}"));
        let core = c.core.unwrap();
        assert_eq!(core.capabilities, super::super::CoreCapabilities::default());
        assert_eq!(core.product.as_deref(), Some("ACME CAPIF 1.0"));
        assert_eq!(c.timeouts, crate::net::Timeouts::default());
        assert_eq!(c.invoker.unwrap().command, "true");
    }

    #[test]
    fn every_capability_lists_the_test_purposes_it_makes_applicable() {
        let md = markdown(Some(Sut::Core));
        for c in Capability::ALL {
            let row = md
                .lines()
                .find(|l| l.starts_with(&format!("| `{}` |", c.key())))
                .unwrap_or_else(|| panic!("{} has no row", c.key()));
            for id in applicable(c, true)
                .iter()
                .chain(applicable(c, false).iter())
            {
                assert!(row.contains(id), "{}: {id} missing", c.key());
            }
        }
        assert!(md.contains("CCF-OK-09") && md.contains("`[core.notifications] impostor_listen`"));
        assert!(!markdown(Some(Sut::Invoker)).contains("[core.capabilities]"));
    }
}
