//! Steps of features/invoker/request.feature.

use crate::checks::{self};
use crate::suite::world::{StepResult, SuiteWorld};
use cucumber::then;

#[then("the request carries the provisioned credential as Authorization: Bearer")]
async fn bearer(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let pki = w.invoker()?.pki;
    w.check(checks::invoker::request::bearer_credential(&run, &pki))
}

#[then("the invoker reports failure and no apiInvokerId")]
async fn reports_failure(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::request::reports_failure_without_id(&run))
}

#[then("the invoker sent the rejected credential at most twice")]
async fn at_most_twice(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::request::bounded_retries(&run))
}

#[then(
    regex = r"^the request is a POST of application/json to /api-invoker-management/v1/onboardedInvokers$"
)]
async fn request_target(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::request::request_target(&run))
}

#[then("the request body is a valid APIInvokerEnrolmentDetails")]
async fn request_body(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::request::request_body_valid(&run))
}
