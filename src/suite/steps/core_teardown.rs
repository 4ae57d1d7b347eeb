//! Steps of the teardown branch (core under test).

use cucumber::then;

use super::skip_if_decided;
use crate::checks;
use crate::suite::world::{StepResult, SuiteWorld};

#[then("the core ends the session after the response within the teardown timeout")]
async fn ends_session(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let policy = w.core()?.capabilities.teardown;
    let Some(attempt) = w.last.as_ref() else {
        return w.harness_error("no exchange was recorded");
    };
    let Some(end) = attempt.end.clone() else {
        return w.harness_error("the session end was not observed");
    };
    let after = attempt.after_harness_close.clone();
    w.check(checks::session_ended(&end, after.as_ref(), policy))
}

#[then("the core sends close_notify before closing the connection")]
async fn close_notify(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    let Some(end) = w.last.as_ref().and_then(|a| a.end.clone()) else {
        return w.harness_error("the session end was not observed");
    };
    w.check(checks::close_notify_sent(&end))
}
