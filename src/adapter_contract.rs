//! The invoker adapter protocol, written once (README "Testing your own API invoker: the adapter
//! protocol"): the environment the harness gives an adapter, and what the adapter's ending means. The
//! runner (`sut`), the steps and checks, and the reference invoker (`peers`) all read it here;
//! the rustls bogo shim's single contract module is the model.

use serde::Serialize;

/// An environment variable of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    /// `https://HOST:PORT` of the played core (the apiRoot).
    CoreUrl,
    /// Its host (`127.0.0.1`, or `localhost` when addressed by DNS name).
    Host,
    /// Its port.
    Port,
    /// PEM of the root CA the invoker must trust.
    CaFile,
    /// The onboarding credential to present.
    Credential,
    /// A fresh working directory for this scenario.
    Workdir,
    /// The test purpose id (for logs only).
    TestPurpose,
    /// Where the harness was started.
    RunDir,
    /// The register's base URL (only with `[invoker.enrolment]`).
    RegisterUrl,
    /// The register login's user.
    RegisterUsername,
    /// The register login's password.
    RegisterPassword,
    /// What to do: `onboard` (the first invocation, and what its absence means) or
    /// `offboard` (the second invocation of an offboarding scenario, in the same workdir).
    Action,
    /// With `offboard`: the apiInvokerId the played core assigned.
    InvokerId,
    /// With `offboard`: the invoker resource, as the Location of the 201 named it.
    InvokerResource,
    /// With `offboard`: a file with the certificate bundle the played core issued (PEM), for
    /// the invoker's mutual TLS with the key it kept from the first invocation.
    InvokerCertificate,
}

impl Var {
    /// Every variable, in the README's order.
    pub const ALL: [Var; 15] = [
        Var::CoreUrl,
        Var::Host,
        Var::Port,
        Var::CaFile,
        Var::Credential,
        Var::Workdir,
        Var::TestPurpose,
        Var::RunDir,
        Var::RegisterUrl,
        Var::RegisterUsername,
        Var::RegisterPassword,
        Var::Action,
        Var::InvokerId,
        Var::InvokerResource,
        Var::InvokerCertificate,
    ];

    /// The variable's name.
    pub const fn name(self) -> &'static str {
        match self {
            Var::CoreUrl => "CAPIF_CORE_URL",
            Var::Host => "CAPIF_HOST",
            Var::Port => "CAPIF_PORT",
            Var::CaFile => "CAPIF_CA_FILE",
            Var::Credential => "CAPIF_ONBOARDING_CREDENTIAL",
            Var::Workdir => "CAPIF_WORKDIR",
            Var::TestPurpose => "CAPIF_TEST_PURPOSE",
            Var::RunDir => "CAPIF_RUN_DIR",
            Var::RegisterUrl => "CAPIF_REGISTER_URL",
            Var::RegisterUsername => "CAPIF_REGISTER_USERNAME",
            Var::RegisterPassword => "CAPIF_REGISTER_PASSWORD",
            Var::Action => "CAPIF_ACTION",
            Var::InvokerId => "CAPIF_INVOKER_ID",
            Var::InvokerResource => "CAPIF_INVOKER_RESOURCE",
            Var::InvokerCertificate => "CAPIF_INVOKER_CERTIFICATE",
        }
    }
}

/// `CAPIF_ACTION` of the first invocation.
pub const ACTION_ONBOARD: &str = "onboard";
/// `CAPIF_ACTION` of the offboarding invocation: exit 0 = offboarded, 1–125 = offboarding
/// failed, 89 = the invoker cannot offboard (not applicable).
pub const ACTION_OFFBOARD: &str = "offboard";

/// Report-line key of an offboarding invocation: the HTTP status the core answered its DELETE
/// with (`{"coreStatus": 404}`), optional. A pair cell judges a refused second offboarding
/// only from it: an invoker may fail before asking the core (opencapif-sdk does, having
/// deleted its information after the first offboarding, TS 33.122 §6.8 step 5).
pub const REPORT_CORE_STATUS: &str = "coreStatus";

/// Exit status: onboarded (the last stdout line may carry `{"apiInvokerId", "certificate"}`).
pub const EXIT_ONBOARDED: i32 = 0;
/// Exit status the reference invoker uses for "onboarding failed" (any of 1–125 means it).
pub const EXIT_FAILED: i32 = 1;
/// Exit status: the invoker does not support what this scenario needs (not applicable; the
/// last stderr line says why).
pub const EXIT_UNSUPPORTED: i32 = 89;

/// How an adapter process ended, as the runner saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum AdapterExit {
    /// Exited with this status.
    Code(i32),
    /// Killed by a signal (not by the harness).
    Signal,
    /// Still running at the adapter timeout; the harness killed its process group.
    TimedOut,
    /// Could not be started.
    SpawnFailed(String),
}

/// What an adapter's ending means under the protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdapterOutcome {
    /// Exit 0: the invoker reports it onboarded.
    Onboarded,
    /// Exit 1–125 (not 89): the invoker reports onboarding failed.
    Failed(i32),
    /// Exit 89: the scenario is not applicable to this invoker.
    Unsupported,
    /// The adapter could not run: not started, or sh's 126 (not executable) / 127 (not
    /// found). A harness configuration error, never the invoker's failure.
    NotRunnable(String),
    /// Crashed (a signal, or a status above 127 as sh reports one).
    Crashed,
    /// Still running at its timeout.
    Hung,
}

/// The meaning of `exit`.
pub fn classify(exit: &AdapterExit) -> AdapterOutcome {
    match exit {
        AdapterExit::Code(EXIT_ONBOARDED) => AdapterOutcome::Onboarded,
        AdapterExit::Code(EXIT_UNSUPPORTED) => AdapterOutcome::Unsupported,
        AdapterExit::Code(126) => {
            AdapterOutcome::NotRunnable("not executable (sh exited 126)".into())
        }
        AdapterExit::Code(127) => {
            AdapterOutcome::NotRunnable("command not found (sh exited 127)".into())
        }
        AdapterExit::Code(c) if (1..=125).contains(c) => AdapterOutcome::Failed(*c),
        AdapterExit::Code(_) | AdapterExit::Signal => AdapterOutcome::Crashed,
        AdapterExit::TimedOut => AdapterOutcome::Hung,
        AdapterExit::SpawnFailed(e) => AdapterOutcome::NotRunnable(e.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_exit_has_one_meaning() {
        use AdapterOutcome as O;
        let cases = [
            (AdapterExit::Code(0), O::Onboarded),
            (AdapterExit::Code(1), O::Failed(1)),
            (AdapterExit::Code(125), O::Failed(125)),
            (AdapterExit::Code(89), O::Unsupported),
            (AdapterExit::Code(139), O::Crashed),
            (AdapterExit::Code(-1), O::Crashed),
            (AdapterExit::Signal, O::Crashed),
            (AdapterExit::TimedOut, O::Hung),
        ];
        for (exit, want) in cases {
            assert_eq!(classify(&exit), want, "{exit:?}");
        }
        for exit in [
            AdapterExit::Code(126),
            AdapterExit::Code(127),
            AdapterExit::SpawnFailed("no sh".into()),
        ] {
            assert!(matches!(classify(&exit), O::NotRunnable(_)), "{exit:?}");
        }
    }

    #[test]
    fn names_are_the_documented_ones_and_distinct() {
        let names: std::collections::BTreeSet<_> = Var::ALL.iter().map(|v| v.name()).collect();
        assert_eq!(names.len(), Var::ALL.len());
        let readme = include_str!("../README.md");
        for v in Var::ALL {
            assert!(v.name().starts_with("CAPIF_"));
            assert!(readme.contains(v.name()), "{} is not documented", v.name());
        }
    }
}
