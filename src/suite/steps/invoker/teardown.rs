//! Steps of features/invoker/teardown.feature.

use crate::checks::{self};
use crate::suite::world::{StepResult, SuiteWorld};
use cucumber::then;

#[then("the invoker ends the session after the response and sends nothing more")]
async fn ends_session(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::teardown::invoker_ended_session(&run))
}

#[then("the invoker sends close_notify before closing the connection")]
async fn close_notify(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::teardown::invoker_close_notify(&run))
}
