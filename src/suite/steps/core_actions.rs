//! Shared actions of the core-under-test scenarios: the SUT, the invoker's key, sending a
//! request and recording what happened.

use cucumber::given;
use rcgen::{CertificateParams, DnType, KeyPair};
use serde_json::{json, Value};

use super::skip_if_decided;
use crate::checks::Check;
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{Attempt, CredentialChoice, RequestBody};

impl SuiteWorld {
    /// The scenario's invoker CSR (PEM), generating the key on first use.
    pub fn csr(&mut self) -> String {
        if self.key.is_none() {
            let key = KeyPair::generate().expect("P-256 key generation");
            let mut p = CertificateParams::default();
            p.distinguished_name = rcgen::DistinguishedName::new();
            p.distinguished_name
                .push(DnType::CommonName, "capif-conformance harness invoker");
            let csr = p
                .serialize_request(&key)
                .and_then(|c| c.pem())
                .expect("CSR of a fresh key");
            self.key = Some((key, csr));
        }
        self.key
            .as_ref()
            .map(|(_, c)| c.clone())
            .unwrap_or_default()
    }

    /// A conformant APIInvokerEnrolmentDetails for the scenario's key.
    pub fn valid_body(&mut self) -> Value {
        json!({
            "onboardingInformation": {"apiInvokerPublicKey": self.csr()},
            "notificationDestination": "https://api-invoker.invalid/capif/notifications",
            "apiInvokerInformation": "capif-conformance harness",
            "supportedFeatures": "0",
        })
    }

    /// Send one onboarding request and record it; a broken exchange fails the scenario,
    /// an unreachable core is a harness error.
    pub async fn onboard_with(
        &mut self,
        label: &str,
        credential: CredentialChoice,
        body: RequestBody,
    ) -> StepResult {
        let core = match self.core() {
            Ok(c) => c,
            Err(e) => return self.harness_error(e),
        };
        match core.onboard(&credential, body).await {
            Ok(attempt) => self.record(label, attempt),
            Err(e) => {
                self.harness_error(format!("cannot obtain a valid onboarding credential: {e}"))
            }
        }
    }

    /// Record an attempt as evidence and make its response the current one.
    pub fn record(&mut self, label: &str, attempt: Attempt) -> StepResult {
        self.evidence.exchanges.push(attempt.evidence(label));
        if attempt.unreachable() {
            let url = self.core().map(|c| c.url.to_string()).unwrap_or_default();
            let err = attempt
                .error
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return self.harness_error(format!(
                "the core is not reachable at {url} ({err}); check [core].url and that the core is running"
            ));
        }
        let error = attempt.error.as_ref().map(|e| e.to_string());
        self.response = attempt.response.clone();
        self.last = Some(attempt);
        match error {
            Some(e) => self.check(Check::Fail(format!("{label}: {e}"))),
            None => Ok(()),
        }
    }

    /// The current response, or a harness error if none was recorded.
    pub fn current_response(&mut self) -> Result<crate::net::HttpResponse, String> {
        match self.response.clone() {
            Some(r) => Ok(r),
            None => Err(self
                .harness_error("no response was recorded before this check")
                .unwrap_err()),
        }
    }
}

#[given("a CAPIF core under test")]
async fn core_under_test(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let core = match w.core() {
        Ok(c) => c,
        Err(e) => return w.harness_error(e),
    };
    w.evidence.notes.push(format!(
        "core {} (server name {}, credential: {})",
        core.url,
        core.server_name,
        core.credential.describe()
    ));
    Ok(())
}

#[given("a fresh invoker key pair")]
async fn fresh_key(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    w.csr();
    Ok(())
}

#[cucumber::when("the invoker sends a valid onboarding request")]
async fn valid_request(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let body = w.valid_body();
    w.onboard_with(
        "valid onboarding request",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}
