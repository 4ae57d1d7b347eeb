//! The World's reading of a core's onboarding response: the parsed 201 body and the key it
//! should bind.

use super::{StepResult, SuiteWorld};
use crate::checks::{self, Check};
use crate::model::ApiInvokerEnrolmentDetails;

impl SuiteWorld {
    /// This scenario's own valid request was answered 201 (the run's control was, so
    /// another answer here is not this test purpose's finding but CCF-OK-01's).
    pub(crate) fn own_created(&mut self) -> StepResult {
        let resp = self.current_response()?;
        if resp.status == 201 {
            return Ok(());
        }
        // A 202 counts once its OnboardingNotification completed it; CCF-OK-09 judges one
        // that did not.
        if let Some(last) = self.on_core.last.as_ref().filter(|_| resp.status == 202) {
            if last.onboarding_result().is_some() {
                return Ok(());
            }
            if let Some(n) = &last.notification {
                let why = checks::core::async_onboarding::onboarding_notified(n)
                    .reason()
                    .to_string();
                return self.check(Check::blocked(
                    Some("CCF-OK-09"),
                    format!("the 202 of this scenario was not completed: {why}"),
                ));
            }
        }
        self.check(Check::blocked(
            Some("CCF-OK-01"),
            format!(
                "the valid request of this scenario was answered {}",
                checks::describe(&resp)
            ),
        ))
    }

    /// The 201's body as APIInvokerEnrolmentDetails; a body that is not one is CCF-OK-03's
    /// finding, so here it blocks.
    pub(crate) fn created_details(&mut self) -> Result<ApiInvokerEnrolmentDetails, String> {
        self.own_created()?;
        let resp = self.current_response()?;
        match checks::core::onboarding_response::enrolment_body(&resp) {
            Ok(d) => {
                self.on_core.details = Some(d.clone());
                Ok(d)
            }
            Err(c) => Err(self
                .check(Check::blocked(Some("CCF-OK-03"), c.reason().to_string()))
                .unwrap_err()),
        }
    }

    /// The DER SubjectPublicKeyInfo of this scenario's key.
    pub(crate) fn sent_spki(&self) -> Vec<u8> {
        self.on_core
            .key
            .as_ref()
            .map(|k| k.spki())
            .unwrap_or_default()
    }
}
