//! The precondition of the core teardown test purposes.

use super::{StepResult, SuiteWorld};
use crate::checks::{self, Check};

impl SuiteWorld {
    /// The exchange a teardown test purpose is about happened as intended: a success (2xx)
    /// or a rejection (4xx). Otherwise there is no teardown after that response to judge, and
    /// the test purpose that judges the answer itself is named.
    pub(crate) fn teardown_precondition(&mut self, success: bool) -> StepResult {
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
