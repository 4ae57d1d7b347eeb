//! What a test purpose is.

use serde::Serialize;

use super::requirements::{Requirement, Status};

/// The role of the system under test.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Sut {
    /// A CAPIF core (the harness plays the API invoker).
    Core,
    /// An API invoker (the harness plays the CAPIF core).
    Invoker,
    /// An API invoker and a CAPIF core together (a matrix's pair cell): does this invoker
    /// onboard onto, and offboard from, this core. The harness plays neither.
    Pair,
}

impl Sut {
    /// Every role, in report order.
    pub const ALL: [Sut; 3] = [Sut::Core, Sut::Invoker, Sut::Pair];

    /// `CCF`, `INV` or `IOP`.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Sut::Core => "CCF",
            Sut::Invoker => "INV",
            Sut::Pair => "IOP",
        }
    }

    /// "core", "invoker" or "pair".
    pub fn name(self) -> &'static str {
        match self {
            Sut::Core => "core",
            Sut::Invoker => "invoker",
            Sut::Pair => "pair",
        }
    }
}

/// The branch of Figure B.1-1 (TS 33.122 Annex B.1) a test purpose exercises.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Branch {
    /// "Secure connection successful?"
    SecureConnection,
    /// "Request valid?" (credential and body).
    RequestValidation,
    /// "CAPIF core provides Onboard API Invoker response".
    OnboardingResponse,
    /// "Tear down connection".
    Teardown,
    /// Pre-provisioning of the enrolment information from a register: before the figure and
    /// outside its scope (drawn apart from it).
    Enrolment,
    /// Offboarding (TS 33.122 §6.8, Figure 6.8-1): after the figure, drawn apart from it.
    Offboarding,
}

impl Branch {
    /// Every branch, in the order of the figure.
    pub const ALL: [Branch; 6] = [
        Branch::SecureConnection,
        Branch::RequestValidation,
        Branch::OnboardingResponse,
        Branch::Teardown,
        Branch::Enrolment,
        Branch::Offboarding,
    ];

    /// The tag value, e.g. `secure-connection`.
    pub fn tag(self) -> &'static str {
        match self {
            Branch::SecureConnection => "secure-connection",
            Branch::RequestValidation => "request-validation",
            Branch::OnboardingResponse => "onboarding-response",
            Branch::Teardown => "teardown",
            Branch::Enrolment => "enrolment",
            Branch::Offboarding => "offboarding",
        }
    }
}

/// How binding the requirement is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// A "shall": a failure fails the run.
    Mandatory,
    /// A "should".
    Recommended,
    /// A "may"/OPTIONAL: a finding never fails the run.
    Optional,
    /// Informative text or none: a finding never fails the run.
    Informational,
}

impl Severity {
    /// The tag value.
    pub fn tag(self) -> &'static str {
        match self {
            Severity::Mandatory => "mandatory",
            Severity::Recommended => "recommended",
            Severity::Optional => "optional",
            Severity::Informational => "informational",
        }
    }
}

/// A PICS item a test purpose may depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// The core issues an invoker certificate (CAPIF-1/1e information).
    IssuesCertificate,
    /// The core issues an onboarding secret (CAPIF-2/2e information).
    IssuesOnboardingSecret,
    /// The core trusts the harness's enrolment key, so the harness may mint credentials.
    AcceptsHarnessCredentials,
    /// The core supports offboarding (DELETE over mutual TLS).
    Offboarding,
    /// The core may answer 202 and notify the result (asynchronous onboarding).
    AsynchronousOnboarding,
}

impl Capability {
    /// The key in `[core.capabilities]`.
    pub fn key(self) -> &'static str {
        match self {
            Capability::IssuesCertificate => "issues_certificate",
            Capability::IssuesOnboardingSecret => "issues_onboarding_secret",
            Capability::AcceptsHarnessCredentials => "accepts_harness_credentials",
            Capability::Offboarding => "offboarding",
            Capability::AsynchronousOnboarding => "asynchronous_onboarding",
        }
    }
}

/// When a test purpose applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "when", content = "capability", rename_all = "snake_case")]
pub enum Applicability {
    /// Always.
    Always,
    /// Only when the SUT declares this capability.
    Requires(Capability),
    /// Only when the SUT does not declare this capability (another test purpose judges it
    /// when it does).
    Unless(Capability),
}

/// What must have held before a test purpose can judge anything. When it did not, the verdict
/// is inconclusive and names the test purpose that judges the precondition itself, so one
/// defect gives one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    /// A TLS session verified with the provisioned root and name.
    SecureSession,
    /// A valid request without a client certificate gets an onboarding answer.
    NoClientCertificate,
    /// A valid request is accepted (2xx): the positive control before judging a rejection.
    Accepted,
    /// A valid request is answered 201 Created (synchronous onboarding).
    Created,
    /// A valid credential minted by the harness is accepted (positive control for the
    /// credentials the harness forges).
    MintedCredentialAccepted,
}

impl Need {
    /// The test purpose whose own verdict judges this precondition (none: a PIXIT question).
    pub fn judged_by(self) -> Option<&'static str> {
        match self {
            Need::SecureSession => Some("CCF-TLS-01"),
            Need::NoClientCertificate => Some("CCF-TLS-04"),
            Need::Accepted | Need::Created => Some("CCF-OK-01"),
            Need::MintedCredentialAccepted => None,
        }
    }
}

/// A declared departure from the severity rule ("project policy: ..."), shown wherever the
/// severity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Policy {
    /// The severity the project gives the test purpose.
    pub severity: Severity,
    /// Why, in one sentence a vendor can argue with.
    pub why: &'static str,
}

/// One test purpose: a requirement of the SUT, checked by one Gherkin scenario.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct TestPurpose {
    /// Stable id, `<SUT>-<GROUP>-<NN>`.
    pub id: &'static str,
    /// The SUT's required behaviour, as a sentence.
    pub title: &'static str,
    /// Role of the SUT.
    pub sut: Sut,
    /// Branch of Figure B.1-1.
    pub branch: Branch,
    /// The requirement ids (`requirements.toml`) it enforces; its severity follows from them.
    pub requirements: &'static [&'static str],
    /// A declared departure from the severity rule.
    pub policy: Option<Policy>,
    /// PICS applicability.
    pub applicability: Applicability,
    /// Preconditions, judged in this order before the scenario's own steps.
    pub needs: &'static [Need],
    /// Which command runs its scenario.
    pub runner: Runner,
    /// The checks that decide its verdict, by module path under `src/`
    /// (`checks::core::credential::rejected` is `pub fn rejected` in
    /// `src/checks/core/credential.rs`): `list ID` shows them, a test proves each exists and is
    /// called by the steps of its branch.
    #[serde(skip)]
    #[schemars(skip)]
    pub judged_by: &'static [&'static str],
}

/// Which command runs a test purpose's scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Runner {
    /// `capif-conformance run`.
    Suite,
    /// `capif-conformance fuzz`: one property-based campaign judges them together (README
    /// "Property-based robustness"); `run` leaves them out, since a campaign sends hundreds
    /// of requests.
    Fuzz,
}

impl Runner {
    /// The command that runs it, for `list` and reasons.
    pub fn command(self) -> &'static str {
        match self {
            Runner::Suite => "run",
            Runner::Fuzz => "fuzz",
        }
    }
}

impl TestPurpose {
    /// This test purpose with preconditions `needs`.
    pub const fn needs(mut self, needs: &'static [Need]) -> Self {
        self.needs = needs;
        self
    }

    /// This test purpose, decided by these checks (module paths under `src/`).
    pub const fn judged_by(mut self, checks: &'static [&'static str]) -> Self {
        self.judged_by = checks;
        self
    }

    /// Where a check of [`TestPurpose::judged_by`] is: `(file under the repository, function)`.
    pub fn check_location(path: &str) -> (String, &str) {
        let (module, function) = path.rsplit_once("::").unwrap_or(("", path));
        let file = format!("src/{}", module.replace("::", "/"));
        // A module is `<path>.rs` or `<path>/mod.rs`; the checks' branch modules are files,
        // the role and fuzz modules directories.
        let file = match module.matches("::").count() {
            0 => format!("{file}/mod.rs"),
            1 if module.starts_with("checks::") => format!("{file}/mod.rs"),
            _ => format!("{file}.rs"),
        };
        (file, function)
    }

    /// This test purpose, judged by a `fuzz` campaign rather than by `run`.
    pub const fn by_fuzz(mut self) -> Self {
        self.runner = Runner::Fuzz;
        self
    }

    /// This test purpose with a declared severity policy.
    pub const fn policy(mut self, severity: Severity, why: &'static str) -> Self {
        self.policy = Some(Policy { severity, why });
        self
    }

    /// The requirements it cites, in the order cited (an unknown id is a catalogue defect the
    /// tests catch, and is skipped here).
    pub fn cited(&self) -> impl Iterator<Item = &'static Requirement> + '_ {
        self.requirements
            .iter()
            .filter_map(|id| super::requirements::get(id))
    }

    /// The severity the rule gives: the strongest of its cited requirements.
    pub fn rule_severity(&self) -> Severity {
        self.cited()
            .map(Requirement::severity)
            .min()
            .unwrap_or(Severity::Informational)
    }

    /// Its severity: the declared policy's, else the rule's.
    pub fn severity(&self) -> Severity {
        self.policy
            .map(|p| p.severity)
            .unwrap_or_else(|| self.rule_severity())
    }

    /// Where a person finds the texts: "TS 33.122 §6.1", one per cited clause.
    pub fn spec_refs(&self) -> Vec<String> {
        let mut refs: Vec<String> = Vec::new();
        for r in self.cited() {
            let c = r.citation();
            if !refs.contains(&c) {
                refs.push(c);
            }
        }
        refs
    }

    /// The cited sentences, each with its citation: `"…" (TS 33.122 §6.1)`.
    pub fn requirement_text(&self) -> String {
        self.cited()
            .map(|r| format!("\"{}\" ({})", r.text, r.citation()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Why it has its severity, naming the keyword and text that decide it, or the policy.
    pub fn severity_rule(&self) -> String {
        let rule = self.rule_severity();
        let decisive: Vec<String> = self
            .cited()
            .filter(|r| r.severity() == rule)
            .map(|r| {
                let unverified = if r.status == Status::Verified {
                    ""
                } else {
                    ", text not verified: at most recommended"
                };
                format!(
                    "{} in {} ({}{unverified})",
                    r.keyword.as_str(),
                    r.citation(),
                    r.id
                )
            })
            .collect();
        let by_rule = format!("{}: {}", rule.tag(), decisive.join("; "));
        match self.policy {
            Some(p) => format!(
                "project policy: {}, because {} (by the rule alone: {by_rule})",
                p.severity.tag(),
                p.why
            ),
            None => by_rule,
        }
    }
}
