//! What a test purpose is.

use serde::Serialize;

/// The role of the system under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Sut {
    /// A CAPIF core (the harness plays the API invoker).
    Core,
    /// An API invoker (the harness plays the CAPIF core).
    Invoker,
}

impl Sut {
    /// `CCF` or `INV`.
    pub fn id_prefix(self) -> &'static str {
        match self {
            Sut::Core => "CCF",
            Sut::Invoker => "INV",
        }
    }

    /// "core" or "invoker".
    pub fn name(self) -> &'static str {
        match self {
            Sut::Core => "core",
            Sut::Invoker => "invoker",
        }
    }
}

/// The branch of Figure X.1-1 a test purpose exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// A "shall": a failure fails the run.
    Mandatory,
    /// A "should".
    Recommended,
    /// Common practice.
    Informational,
}

impl Severity {
    /// The tag value.
    pub fn tag(self) -> &'static str {
        match self {
            Severity::Mandatory => "mandatory",
            Severity::Recommended => "recommended",
            Severity::Informational => "informational",
        }
    }
}

/// A PICS item a test purpose may depend on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
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

/// One test purpose: a requirement of the SUT, checked by one Gherkin scenario.
#[derive(Debug, Clone, Serialize)]
pub struct TestPurpose {
    /// Stable id, `<SUT>-<GROUP>-<NN>`.
    pub id: &'static str,
    /// The SUT's required behaviour, as a sentence.
    pub title: &'static str,
    /// Role of the SUT.
    pub sut: Sut,
    /// Branch of Figure X.1-1.
    pub branch: Branch,
    /// How binding.
    pub severity: Severity,
    /// Clauses it enforces.
    pub spec_refs: &'static [&'static str],
    /// The sentence of the spec it enforces, quoted.
    pub requirement: &'static str,
    /// PICS applicability.
    pub applicability: Applicability,
    /// Preconditions, judged in this order before the scenario's own steps.
    pub needs: &'static [Need],
}

impl TestPurpose {
    /// This test purpose with preconditions `needs`.
    pub const fn needs(mut self, needs: &'static [Need]) -> Self {
        self.needs = needs;
        self
    }

    /// Why it has its severity: the normative source of a mandatory test purpose, or why it
    /// is only recommended or informational.
    pub fn severity_rule(&self) -> String {
        let normative: Vec<&str> = self
            .spec_refs
            .iter()
            .copied()
            .filter(|r| !r.contains("Annex"))
            .collect();
        match self.severity {
            Severity::Mandatory => format!(
                "mandatory: a normative \"shall\"/MUST in {}",
                normative.join(", ")
            ),
            Severity::Recommended if normative.is_empty() => {
                "recommended: it rests only on the informative Annex X.1 (Figure X.1-1)".into()
            }
            Severity::Recommended => format!(
                "recommended: a \"should\" or a security practice ({}), not a \"shall\"",
                normative.join(", ")
            ),
            Severity::Informational => {
                "informational: common practice, no normative requirement".into()
            }
        }
    }
}
