//! The World's operations on a core under test: the invoker key, the request body, sending
//! a request and recording what happened.

use super::{StepResult, SuiteWorld};
use crate::checks::Check;
use crate::checks::{Control, Holds};
use crate::net::Phase;
use crate::pki::{enrolment_request, InvokerKey};
use crate::sut::{Attempt, CredentialChoice, RequestBody};
use serde_json::Value;

impl SuiteWorld {
    /// The scenario's `apiInvokerPublicKey` (a CSR unless the PIXIT says otherwise),
    /// generating the key on first use.
    pub async fn public_key_field(&mut self) -> String {
        let Ok(core) = self.core() else {
            return String::new();
        };
        if self.on_core.key.is_none() {
            self.on_core.key = Some(InvokerKey::generate_off_thread(core.invoker_key).await);
            // A new key is a new invoker: its own apiInvokerInformation and CSR subject.
            let who = core.identities.next();
            self.evidence
                .notes
                .push(format!("the harness invoker: {}", who.describe()));
            self.on_core.who = Some(who);
        }
        match (&self.on_core.key, &self.on_core.who) {
            (Some(k), Some(who)) => k.public_key_field(core.invoker_key_format, who),
            _ => String::new(),
        }
    }

    /// A conformant APIInvokerEnrolmentDetails for the scenario's key.
    pub async fn valid_body(&mut self) -> Value {
        let key = self.public_key_field().await;
        let information = self
            .on_core
            .who
            .as_ref()
            .map(|w| w.information.clone())
            .unwrap_or_default();
        enrolment_request(&key, &information)
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

    /// Judge this test purpose's preconditions against the run's positive controls, in
    /// order; the first that did not hold stops the scenario as inconclusive, naming the test
    /// purpose that judges it (one defect, one failure).
    pub async fn preconditions(&mut self) -> StepResult {
        let Some(tp) = self.tp else {
            return Ok(());
        };
        let core = self.core()?;
        for &need in tp.needs {
            if need.judged_by() == Some(tp.id) {
                continue;
            }
            let control = match core.control(need).await {
                Ok(c) => Control::from_attempt(c.label, &c.attempt),
                Err(e) => return self.harness_error(format!("control onboarding: {e}")),
            };
            match control.holds(need, core.capabilities.asynchronous_onboarding) {
                Holds::Yes => {}
                Holds::NotApplicable(reason) => {
                    // A 202 whose notification the harness cannot receive: the configuration
                    // (no [core.notifications]) is why, not the core.
                    self.evidence.exchanges.push(control.exchange);
                    self.not_configured = Some(crate::suite::driver::NOTIFICATIONS_KEY);
                    return self.not_applicable(reason);
                }
                Holds::No(reason) => {
                    self.evidence.exchanges.push(control.exchange);
                    return self.check(Check::blocked(need.judged_by(), reason));
                }
                Holds::NoJudgedBy(by, reason) => {
                    self.evidence.exchanges.push(control.exchange);
                    return self.check(Check::blocked(Some(by), reason));
                }
            }
        }
        Ok(())
    }

    /// Record an attempt as evidence and make its response the current one. A broken
    /// session is judged where it belongs: no verified TLS session is CCF-TLS-01's finding,
    /// a session aborted for want of a client certificate CCF-TLS-04's.
    pub fn record(&mut self, label: &str, attempt: Attempt) -> StepResult {
        self.evidence.exchanges.push(attempt.evidence(label));
        let id = self.tp.map(|t| t.id).unwrap_or_default();
        let cert_alert = attempt
            .error
            .as_ref()
            .is_some_and(crate::net::PhaseError::certificate_required);
        if let Some(e) = attempt.error.as_ref().map(|e| (e.phase(), e.to_string())) {
            if cert_alert && id != "CCF-TLS-04" {
                return self.check(Check::blocked(
                    Some("CCF-TLS-04"),
                    format!(
                        "{label}: the core aborted the session without a client certificate: {}",
                        e.1
                    ),
                ));
            }
            if e.0 == Phase::Handshake && !cert_alert {
                return self.check(Check::blocked(
                    Some("CCF-TLS-01"),
                    format!("{label}: no verified TLS session: {}", e.1),
                ));
            }
        }
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
        // A 202 completed by its notification is judged on the result it carried.
        if let Some(n) = attempt.notification_evidence(label) {
            self.evidence.exchanges.push(n);
        }
        self.on_core.response = attempt.onboarding_result().or(attempt.response.clone());
        self.on_core.last = Some(attempt);
        match error {
            // CCF-TLS-04 judges the aborted session itself.
            Some(_) if id == "CCF-TLS-04" && cert_alert => Ok(()),
            Some(e) => self.check(Check::Fail(format!("{label}: {e}"))),
            None => Ok(()),
        }
    }

    /// The current response, or a harness error if none was recorded.
    pub fn current_response(&mut self) -> Result<crate::net::HttpResponse, String> {
        match self.on_core.response.clone() {
            Some(r) => Ok(r),
            None => Err(self
                .harness_error("no response was recorded before this check")
                .unwrap_err()),
        }
    }
}
