//! Steps of the teardown branch (core under test).

use cucumber::then;

use super::skip_if_decided;
use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};

impl SuiteWorld {
    /// The exchange a teardown test purpose is about happened as intended: a success (2xx)
    /// or a rejection (4xx). Otherwise there is no teardown after that response to judge, and
    /// the test purpose that judges the answer itself is named.
    fn teardown_precondition(&mut self, success: bool) -> StepResult {
        let resp = self.current_response()?;
        let (ok, by, what) = if success {
            (
                (200..300).contains(&resp.status),
                "CCF-OK-01",
                "a success response",
            )
        } else {
            (
                (400..500).contains(&resp.status),
                "CCF-CRED-01",
                "an error response to a request without a credential",
            )
        };
        if ok {
            return Ok(());
        }
        self.check(Check::blocked(
            Some(by),
            format!(
                "the teardown after {what} cannot be judged: the answer was {}",
                checks::describe(&resp)
            ),
        ))
    }
}

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
    w.check(checks::session_ended(
        &end,
        announced,
        after.as_ref(),
        policy,
    ))
}

#[then("the core ends the session after the success response")]
async fn ends_session_after_success(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    judge_teardown(w, true).await
}

#[then("the core ends the session after the error response")]
async fn ends_session_after_error(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    judge_teardown(w, false).await
}

#[then("the core sends close_notify before closing the connection")]
async fn close_notify(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
    w.teardown_precondition(true)?;
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no exchange was recorded");
    };
    let Some(end) = attempt.end.clone() else {
        return w.harness_error("the session end was not observed");
    };
    let after = attempt.after_harness_close.clone();
    w.check(checks::close_notify_sent(&end, after.as_ref()))
}
