//! Steps of features/core/async_onboarding.feature.

use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};
use cucumber::{then, when};

#[then("a 202 is completed by an OnboardingNotification within the declared bound")]
async fn notified(w: &mut SuiteWorld) -> StepResult {
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no onboarding exchange was recorded");
    };
    let status = attempt.response.as_ref().map(|r| r.status);
    let judged = attempt
        .notification
        .as_ref()
        .map(checks::core::async_onboarding::onboarding_notified);
    let reason = match (status, judged) {
        (_, Some(check)) => return w.check(check),
        (Some(201), None) => {
            "the core answered 201 Created: the onboarding completed synchronously, no notification was due".to_string()
        }
        (Some(202), None) => {
            "the core answered 202, but without [core.notifications] the harness has no receiver the core can reach".to_string()
        }
        (other, None) => {
            return w.check(Check::blocked(
                Some("CCF-OK-01"),
                format!(
                    "the valid request was not accepted ({})",
                    other.map(|s| s.to_string()).unwrap_or_else(|| "no answer".into())
                ),
            ))
        }
    };
    w.not_applicable(reason)
}

#[when("valid onboarding requests name receivers whose certificates the core must refuse")]
async fn name_impostors(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    match core.notify_impostors().await {
        Ok(Some(run)) => {
            w.evidence.exchanges.extend(run.exchanges.iter().cloned());
            w.evidence.notes.extend(run.notes.iter().cloned());
            w.on_core.impostors = Some(run);
            Ok(())
        }
        Ok(None) => w.not_applicable(
            "without [core.notifications] the harness has no receiver the core can reach",
        ),
        Err(e) => w.harness_error(e),
    }
}

#[then("the core sends no notification to them and notifies the trusted receiver")]
async fn impostors_refused(w: &mut SuiteWorld) -> StepResult {
    let Some(run) = w.on_core.impostors.as_ref() else {
        return w.harness_error("the impostor trials were not recorded");
    };
    // A core that completes onboarding synchronously sends no notification to judge.
    if run.trials.first().and_then(|t| t.status) == Some(201) {
        return w.not_applicable("the core answered 201 Created: the onboarding completed synchronously, no notification was sent to put a certificate to");
    }
    let check = checks::core::async_onboarding::receiver_authenticated(
        &run.trials,
        &run.all,
        run.control.as_ref(),
        run.within,
    );
    w.check(check)
}

#[then("no later notification to its destination contradicts the first within the declared bound")]
async fn one_result(w: &mut SuiteWorld) -> StepResult {
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no onboarding exchange was recorded");
    };
    match attempt.response.as_ref().map(|r| r.status) {
        Some(202) => {}
        Some(201) => {
            return w.not_applicable("the core answered 201 Created: the onboarding completed synchronously, no notification was due");
        }
        other => {
            return w.check(Check::blocked(
                Some("CCF-OK-01"),
                format!(
                    "the valid request was not accepted ({})",
                    other
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "no answer".into())
                ),
            ))
        }
    }
    if attempt.notification.is_none() {
        return w.not_applicable("the core answered 202, but without [core.notifications] the harness has no receiver the core can reach");
    }
    let core = w.core()?;
    let later = core.later_notifications(attempt).await;
    let check = match &later {
        Some((posts, not_kept, within)) => {
            checks::core::async_onboarding::one_result(posts, *not_kept, *within)
        }
        None => {
            let why = attempt
                .notification
                .as_ref()
                .map(|n| {
                    checks::core::async_onboarding::onboarding_notified(n)
                        .reason()
                        .to_string()
                })
                .unwrap_or_default();
            Check::blocked(
                Some("CCF-OK-09"),
                format!("the 202 was not completed: {why}"),
            )
        }
    };
    for (n, r) in later
        .iter()
        .flat_map(|(posts, ..)| posts.iter().enumerate().skip(1))
    {
        w.evidence.exchanges.push(crate::evidence::Exchange {
            label: format!("notification {} to the same destination", n + 1),
            tls: None,
            request: Some(crate::evidence::MessageEvidence::request(&r.as_request())),
            response: None,
            error: None,
            session_end: None,
            after_harness_close: None,
            timings_ms: Default::default(),
        });
    }
    w.check(check)
}
