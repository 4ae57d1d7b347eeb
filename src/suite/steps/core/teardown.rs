//! Steps of features/core/teardown.feature.

use super::judge;
use crate::checks::{self};
use crate::fuzz::Property;
use crate::suite::world::{StepResult, SuiteWorld};
use cucumber::then;

async fn judge_teardown(w: &mut SuiteWorld, success: bool) -> StepResult {
    w.teardown_precondition(success)?;
    let policy = w.core()?.capabilities.teardown;
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no exchange was recorded");
    };
    let Some(end) = attempt.end.clone() else {
        return w.harness_error("the session end was not observed");
    };
    let announced = attempt.announced_close();
    let after = attempt.after_harness_close.clone();
    w.check(checks::core::teardown::session_ended(
        &end,
        announced,
        after.as_ref(),
        policy,
    ))
}

#[then("the core ends the session after the success response")]
async fn ends_session_after_success(w: &mut SuiteWorld) -> StepResult {
    judge_teardown(w, true).await
}

#[then("the core ends the session after the error response")]
async fn ends_session_after_error(w: &mut SuiteWorld) -> StepResult {
    judge_teardown(w, false).await
}

#[then("the core sends close_notify before closing the connection")]
async fn close_notify(w: &mut SuiteWorld) -> StepResult {
    w.teardown_precondition(true)?;
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no exchange was recorded");
    };
    let Some(end) = attempt.end.clone() else {
        return w.harness_error("the session end was not observed");
    };
    let after = attempt.after_harness_close.clone();
    w.check(checks::core::teardown::close_notify_sent(
        &end,
        after.as_ref(),
    ))
}

#[then("the session was torn down after the answer to every generated request")]
async fn torn_down(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::TornDown)
}
