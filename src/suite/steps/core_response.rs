//! Steps of the onboarding-response branch (core under test).

use cucumber::{then, when};

use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};

#[then("the core answers 201 Created")]
async fn created(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    let core = w.core()?;
    // A core may reject what the harness chose rather than the request: say what it sent, and
    // which PIXIT keys change it, so the vendor tells the two apart in one reading.
    let check = match &w.on_core.who {
        Some(who) => checks::created_for(
            &resp,
            core.capabilities.asynchronous_onboarding,
            &format!(
                "{}, key {:?} as {:?} (PIXIT [core] invoker_key, invoker_key_format)",
                who.describe(),
                core.invoker_key,
                core.invoker_key_format
            ),
        ),
        None => checks::created(&resp, core.capabilities.asynchronous_onboarding),
    };
    w.check(check)
}

#[then(
    regex = r"^the Location header is \{apiRoot\}/api-invoker-management/v1/onboardedInvokers/\{onboardingId\}$"
)]
async fn location(w: &mut SuiteWorld) -> StepResult {
    w.own_created()?;
    let resp = w.current_response()?;
    let core = w.core()?;
    w.check(checks::location(&resp, &core.api_root(), &core.server_name))
}

#[then(
    regex = r"^the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId$"
)]
async fn enrolment_details(w: &mut SuiteWorld) -> StepResult {
    w.own_created()?;
    let resp = w.current_response()?;
    match checks::enrolment_body(&resp) {
        Ok(d) => {
            let c = checks::has_invoker_id(&d);
            w.on_core.details = Some(d);
            w.check(c)
        }
        Err(c) => w.check(c),
    }
}

#[then("the issued certificate chains to the invoker CA, is valid for clientAuth and binds the invoker's key")]
async fn issued_certificate(w: &mut SuiteWorld) -> StepResult {
    let d = w.created_details()?;
    let core = w.core()?;
    let spki = w.sent_spki();
    w.check(checks::issued_certificate(&d, &core.invoker_ca, &spki))
}

#[then("the response carries an onboarding secret")]
async fn onboarding_secret(w: &mut SuiteWorld) -> StepResult {
    let d = w.created_details()?;
    w.check(checks::onboarding_secret(&d))
}

#[then("the response carries a certificate or an onboarding secret")]
async fn security_information(w: &mut SuiteWorld) -> StepResult {
    let d = w.created_details()?;
    w.check(checks::security_information(&d))
}

#[when("two invokers with different keys onboard")]
async fn two_invokers(w: &mut SuiteWorld) -> StepResult {
    for n in 1..=2 {
        w.on_core.key = None;
        let body = w.valid_body().await;
        w.onboard_with(
            &format!("invoker {n}"),
            CredentialChoice::Valid,
            RequestBody::Json(body),
        )
        .await?;
        let d = w.created_details()?;
        match d.api_invoker_id.filter(|id| !id.trim().is_empty()) {
            Some(id) => w.on_core.ids.push(id),
            None => {
                return w.check(Check::blocked(
                    Some("CCF-OK-03"),
                    format!("invoker {n} got no apiInvokerId"),
                ))
            }
        }
    }
    Ok(())
}

#[then("their apiInvokerIds differ")]
async fn ids_differ(w: &mut SuiteWorld) -> StepResult {
    if w.on_core.ids.len() != 2 {
        return w.harness_error("two onboardings were not recorded");
    }
    let (a, b) = (w.on_core.ids[0].clone(), w.on_core.ids[1].clone());
    w.check(checks::distinct_ids(&a, &b))
}

#[when("the invoker offboards over mutual TLS with the issued certificate")]
async fn offboard(w: &mut SuiteWorld) -> StepResult {
    let (path, me) = w.invoker_resource()?;
    let core = w.core()?;
    let attempt = core.attempt("DELETE", &path, None, None, Some(&me)).await;
    w.record("DELETE the invoker resource over mutual TLS", attempt)
}

#[then("the core answers 204 No Content")]
async fn no_content(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    let cn = w
        .on_core
        .resource
        .as_ref()
        .and_then(|(_, me)| me.common_name())
        .unwrap_or_else(|| "(none)".into());
    w.check(checks::deleted_with_issued_certificate(&resp, &cn))
}

#[then("a 202 is completed by an OnboardingNotification within the declared bound")]
async fn notified(w: &mut SuiteWorld) -> StepResult {
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no onboarding exchange was recorded");
    };
    let status = attempt.response.as_ref().map(|r| r.status);
    let judged = attempt
        .notification
        .as_ref()
        .map(checks::onboarding_notified);
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
    let check =
        checks::receiver_authenticated(&run.trials, &run.all, run.control.as_ref(), run.within);
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
        Some((posts, not_kept, within)) => checks::one_result(posts, *not_kept, *within),
        None => {
            let why = attempt
                .notification
                .as_ref()
                .map(|n| checks::onboarding_notified(n).reason().to_string())
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
