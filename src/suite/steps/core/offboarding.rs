//! Steps of features/core/offboarding.feature.

use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};
use cucumber::{then, when};

#[when("the invoker offboards again with the same certificate")]
async fn offboard_again(w: &mut SuiteWorld) -> StepResult {
    w.offboarded_precondition()?;
    let (path, me) = w.invoker_resource()?;
    let again = w
        .offboarding_attempt(
            "DELETE the offboarded invoker resource again, same certificate",
            &path,
            Some(&me),
        )
        .await?;
    // DELETE is idempotent (RFC 9110 §9.2.2) and some cores answer 2xx for an unknown id, so
    // a 2xx proves nothing: a PUT of the resource with the same certificate tells whether the
    // profile is still there (404, or the certificate refused) or not.
    let idempotent = again
        .response
        .as_ref()
        .is_some_and(|r| (200..300).contains(&r.status));
    w.on_core.other_delete = Some(again);
    // The details the 201 carried, kept when the resource was first addressed.
    if let (true, Some(details)) = (idempotent, w.on_core.details.clone()) {
        let put = w
            .core()?
            .attempt(
                "PUT",
                &path,
                None,
                Some(RequestBody::Json(
                    serde_json::to_value(&details).unwrap_or_default(),
                )),
                Some(&me),
            )
            .await;
        w.evidence.exchanges.push(
            put.evidence("PUT the offboarded invoker resource, same certificate (after a 2xx to the second DELETE)"),
        );
        w.on_core.other_put = Some(put);
    }
    Ok(())
}

#[then("the core refuses the offboarded invoker")]
async fn refuses_offboarded(w: &mut SuiteWorld) -> StepResult {
    let Some(again) = w.on_core.other_delete.take() else {
        return w.harness_error("no second DELETE was recorded");
    };
    let put = w.on_core.other_put.take();
    w.check(checks::core::offboarding::offboarded_gone(
        &again,
        put.as_ref(),
    ))
}

#[when("the invoker onboards the same key again")]
async fn onboard_same_key_again(w: &mut SuiteWorld) -> StepResult {
    w.offboarded_precondition()?;
    let (path, me) = w.invoker_resource()?;
    let body = w.valid_body().await;
    w.onboard_with(
        "the same key onboards again, after offboarding",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await?;
    let answered = w.current_response()?;
    if !(200..300).contains(&answered.status) {
        // Refused: tell a retained key (policy) from a profile never deleted (CCF-OFF-01).
        let probe = w
            .offboarding_attempt(
                "DELETE the old invoker resource (was the profile deleted?)",
                &path,
                Some(&me),
            )
            .await?;
        w.on_core.profile_survived = Some(
            probe
                .response
                .is_some_and(|r| (200..300).contains(&r.status)),
        );
    }
    Ok(())
}

#[then("the core onboards the key of the offboarded invoker")]
async fn reonboarded(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    let survived = w.on_core.profile_survived;
    w.check(checks::core::offboarding::reonboarded(&resp, survived))
}

#[when("the invoker sends the offboarding request without a client certificate")]
async fn offboard_without_certificate(w: &mut SuiteWorld) -> StepResult {
    let (path, me) = w.invoker_resource()?;
    let refused = w
        .offboarding_attempt(
            "DELETE the invoker resource without a client certificate",
            &path,
            None,
        )
        .await?;
    w.on_core.other_delete = Some(refused);
    w.on_core.presented = checks::Presented {
        by: None,
        owner: me.common_name(),
    };
    Ok(())
}

#[when("another onboarded invoker sends the offboarding request for it with its own certificate")]
async fn offboard_with_other_certificate(w: &mut SuiteWorld) -> StepResult {
    let (path, me) = w.invoker_resource()?;
    let (other_path, other) = w.second_invoker().await?;
    if other_path == path {
        return w.check(Check::blocked(
            Some("CCF-OK-06"),
            format!("the second invoker was given the same resource {path}: its DELETE there would be its own"),
        ));
    }
    let refused = w
        .offboarding_attempt(
            "DELETE the invoker resource with another invoker's issued certificate",
            &path,
            Some(&other),
        )
        .await?;
    w.on_core.other_delete = Some(refused);
    w.on_core.presented = checks::Presented {
        by: other.common_name(),
        owner: me.common_name(),
    };
    Ok(())
}

#[then("the core refused that offboarding request and deleted nothing")]
async fn refused_and_kept(w: &mut SuiteWorld) -> StepResult {
    let Some(refused) = w.on_core.other_delete.take() else {
        return w.harness_error("no offboarding request to refuse was recorded");
    };
    let control = w.on_core.response.clone();
    let presented = std::mem::take(&mut w.on_core.presented);
    w.check(checks::core::offboarding::offboarding_refused(
        &refused,
        control.as_ref(),
        &presented,
    ))
}

#[then("the core tears down the session after the offboarding response")]
async fn tears_down_after_offboarding(w: &mut SuiteWorld) -> StepResult {
    w.offboarded_precondition()?;
    let Some(judged) = w
        .on_core
        .last
        .as_ref()
        .map(checks::core::offboarding::offboarding_torn_down)
    else {
        return w.harness_error("no offboarding exchange was recorded");
    };
    w.check(judged)
}
