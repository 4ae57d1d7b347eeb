//! Steps of the invoker-under-test scenarios, one file per branch as in `features/invoker/`;
//! the steps several branches share are here.

mod async_onboarding;
mod enrolment;
mod offboarding;
mod onboarding_response;
mod request;
mod secure_connection;
mod teardown;

use crate::checks::{self};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::Answers;
use cucumber::{given, then, when};

#[given("an API invoker under test")]
async fn invoker_under_test(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
    match w.invoker() {
        Ok(t) => {
            w.evidence.notes.push(format!(
                "invoker: {} (adapter `{}`)",
                t.description, t.command
            ));
            Ok(())
        }
        Err(e) => w.harness_error(e),
    }
}

#[then("the invoker gives up within its declared bound and reports failure")]
async fn gives_up(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let bound = w.invoker()?.gives_up_within;
    w.check(checks::invoker::gave_up_on_silence(&run, bound))
}

#[given("the harness core onboards valid requests")]
async fn onboards(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.answers = Answers::Onboard;
    Ok(())
}

#[given("the harness core rejects the credential with 401")]
async fn rejects(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.answers = Answers::RejectCredential;
    Ok(())
}

#[when("the invoker onboards")]
async fn invoker_onboards(w: &mut SuiteWorld) -> StepResult {
    w.run_invoker().await
}
