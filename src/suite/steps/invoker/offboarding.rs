//! Steps of features/invoker/offboarding.feature.

use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{InvokerRun, Offboard};
use cucumber::{given, then, when};

#[given("the harness core offboards strictly")]
async fn offboards_strictly(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.offboard = Some(Offboard::Strict);
    Ok(())
}

#[given(expr = "the harness core answers {int} to the offboarding")]
async fn offboarding_answer(w: &mut SuiteWorld, status: u16) -> StepResult {
    w.on_invoker.script.offboard = Some(Offboard::Status(status));
    Ok(())
}

#[when("the invoker onboards and then offboards")]
async fn onboards_then_offboards(w: &mut SuiteWorld) -> StepResult {
    w.run_invoker().await
}

async fn judge(w: &mut SuiteWorld, check: fn(&InvokerRun) -> Check) -> StepResult {
    let run = w.last_run()?;
    w.check(check(&run))
}

#[then("the invoker sends DELETE to the Location it was given")]
async fn to_location(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_target).await
}

#[then("the offboarding request comes over mutual TLS with the issued certificate")]
async fn mutual_tls(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_mutual_tls).await
}

#[then("the offboarding request carries no credential")]
async fn no_credential(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_without_credential).await
}

#[then("the invoker reports the offboarding as done")]
async fn reported_done(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_reported_done).await
}

#[then("the invoker reports the offboarding failed")]
async fn reported_failed(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_reported_failure).await
}

#[then("the invoker reports a definite outcome of the offboarding")]
async fn reported_outcome(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_outcome_on_404).await
}

#[then("the invoker ends the session after the offboarding response")]
async fn ended_session(w: &mut SuiteWorld) -> StepResult {
    judge(w, checks::invoker::offboarding::offboard_ended_session).await
}
