//! Shared actions of the core-under-test scenarios: the SUT, the invoker's key, sending a
//! request and recording what happened.

use cucumber::given;

use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{CredentialChoice, RequestBody};

#[given("a CAPIF core under test")]
async fn core_under_test(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
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
    w.preconditions().await
}

#[given("a fresh invoker key pair")]
async fn fresh_key(w: &mut SuiteWorld) -> StepResult {
    w.public_key_field().await;
    Ok(())
}

#[cucumber::when("the invoker sends a valid onboarding request")]
async fn valid_request(w: &mut SuiteWorld) -> StepResult {
    let body = w.valid_body().await;
    w.onboard_with(
        "valid onboarding request",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}
