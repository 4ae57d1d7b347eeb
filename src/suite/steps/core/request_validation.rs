//! Steps of features/core/request_validation.feature.

use super::judge;
use crate::checks;
use crate::fuzz::Property;
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};
use cucumber::{then, when};

#[when(expr = "the invoker sends a valid request without {word}")]
async fn without_field(w: &mut SuiteWorld, field: String) -> StepResult {
    let mut body = w.valid_body().await;
    let removed = match field.as_str() {
        "apiInvokerPublicKey" => body["onboardingInformation"]
            .as_object_mut()
            .and_then(|o| o.remove("apiInvokerPublicKey")),
        other => body.as_object_mut().and_then(|o| o.remove(other)),
    };
    if removed.is_none() {
        return w.harness_error(format!("the valid body has no field {field} to remove"));
    }
    w.onboard_with(
        &format!("valid body without {field}"),
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await?;
    let resp = w.current_response()?;
    w.on_core.missing_field_answers.push((field, resp));
    Ok(())
}

#[then(expr = "the core answers 400 to the body without {word}")]
async fn answers_400(w: &mut SuiteWorld, field: String) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::request_validation::bad_request_for_missing(
        &resp, &field,
    ))
}

#[then("each 400 names its missing field in invalidParams")]
async fn names_in_invalid_params(w: &mut SuiteWorld) -> StepResult {
    if w.on_core.missing_field_answers.is_empty() {
        return w.harness_error("no request without a required field was recorded");
    }
    for (field, resp) in w.on_core.missing_field_answers.clone() {
        w.check(checks::core::request_validation::invalid_params_name(
            &resp, &field,
        ))?;
    }
    Ok(())
}

/// The id the harness tries to impose.
const IMPOSED_ID: &str = "INVchosen0by0the0invoker0000000";

#[when("the invoker sends a valid request that sets its own apiInvokerId")]
async fn sets_own_id(w: &mut SuiteWorld) -> StepResult {
    let mut body = w.valid_body().await;
    body["apiInvokerId"] = serde_json::json!(IMPOSED_ID);
    w.onboard_with(
        "valid body with apiInvokerId set by the invoker",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}

#[when("the invoker sends a valid request whose apiInvokerInformation is free text")]
async fn sends_free_text(w: &mut SuiteWorld) -> StepResult {
    let mut body = w.valid_body().await;
    body["apiInvokerInformation"] =
        serde_json::json!(checks::core::request_validation::free_text());
    w.onboard_with(
        "valid body with free text in apiInvokerInformation",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}

#[then("the core onboards it with the free text unchanged")]
async fn free_text_onboarded(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::request_validation::free_text_onboarded(
        &resp,
        &checks::core::request_validation::free_text(),
    ))
}

#[then("the core does not adopt the apiInvokerId")]
async fn not_adopted(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::request_validation::not_adopted(
        &resp, IMPOSED_ID,
    ))
}

#[when("the invoker sends a body that is not JSON")]
async fn not_json(w: &mut SuiteWorld) -> StepResult {
    let body = RequestBody::Raw {
        content_type: Some("application/json".into()),
        bytes: b"{\"onboardingInformation\": not json".to_vec(),
    };
    w.onboard_with(
        "non-JSON body labelled application/json",
        CredentialChoice::Valid,
        body,
    )
    .await
}

#[when(regex = r"^the invoker sends a valid body labelled text/plain$")]
async fn wrong_media_type(w: &mut SuiteWorld) -> StepResult {
    let bytes = serde_json::to_vec(&w.valid_body().await).expect("JSON");
    let body = RequestBody::Raw {
        content_type: Some("text/plain".into()),
        bytes,
    };
    w.onboard_with(
        "valid body labelled text/plain",
        CredentialChoice::Valid,
        body,
    )
    .await
}

#[then("the core rejects the request with 400 or 415")]
async fn rejects_400_or_415(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::request_validation::rejected_with(
        &resp,
        &[400, 415],
    ))
}

#[then("every generated request the model holds valid was answered as valid")]
async fn valid_answered_as_valid(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::ValidIsOnboarded)
}

#[then("every generated request the model holds invalid was refused with a 4xx ProblemDetails")]
async fn invalid_refused(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::InvalidIsRefused)
}

#[then("every generated request was answered, never with a 5xx")]
async fn never_5xx(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::AlwaysAnswersNever5xx)
}

#[then("every generated valid request framed otherwise was answered as valid")]
async fn framing_transparent(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::FramingTransparent)
}
