//! Steps of features/core/onboarding_response.feature.

use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};
use cucumber::{then, when};

#[then("the core answers 201 Created")]
async fn created(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    let core = w.core()?;
    // A core may reject what the harness chose rather than the request: say what it sent, and
    // which PIXIT keys change it, so the vendor tells the two apart in one reading.
    let check = match &w.on_core.who {
        Some(who) => checks::core::onboarding_response::created_for(
            &resp,
            core.capabilities.asynchronous_onboarding,
            &format!(
                "{}, key {:?} as {:?} (PIXIT [core] invoker_key, invoker_key_format)",
                who.describe(),
                core.invoker_key,
                core.invoker_key_format
            ),
        ),
        None => checks::core::onboarding_response::created(
            &resp,
            core.capabilities.asynchronous_onboarding,
        ),
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
    w.check(checks::core::onboarding_response::location(
        &resp,
        &core.api_root(),
        &core.server_name,
    ))
}

#[then(
    regex = r"^the response is an application/json APIInvokerEnrolmentDetails with an apiInvokerId$"
)]
async fn enrolment_details(w: &mut SuiteWorld) -> StepResult {
    w.own_created()?;
    let resp = w.current_response()?;
    match checks::core::onboarding_response::enrolment_body(&resp) {
        Ok(d) => {
            let c = checks::core::onboarding_response::has_invoker_id(&d);
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
    w.check(checks::core::onboarding_response::issued_certificate(
        &d,
        &core.invoker_ca,
        &spki,
    ))
}

#[then("the response carries an onboarding secret")]
async fn onboarding_secret(w: &mut SuiteWorld) -> StepResult {
    let d = w.created_details()?;
    w.check(checks::core::onboarding_response::onboarding_secret(&d))
}

#[then("the response carries a certificate or an onboarding secret")]
async fn security_information(w: &mut SuiteWorld) -> StepResult {
    let d = w.created_details()?;
    w.check(checks::core::onboarding_response::security_information(&d))
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
    w.check(checks::core::onboarding_response::distinct_ids(&a, &b))
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
    w.check(checks::core::onboarding_response::deleted_with_issued_certificate(&resp, &cn))
}
