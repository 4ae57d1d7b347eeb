//! Steps of features/invoker/async_onboarding.feature.

use crate::checks::{self};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{Answers, Notify, Unusable};
use cucumber::{given, then};

#[given(
    regex = r"^the harness core answers 202 and (then notifies success|then notifies failure|never notifies)$"
)]
async fn accepts(w: &mut SuiteWorld, then: String) -> StepResult {
    let notify = match then.as_str() {
        "then notifies success" => Notify::Success,
        "then notifies failure" => Notify::Failure,
        _ => Notify::Never,
    };
    w.on_invoker.script.answers = Answers::Accepted(notify);
    Ok(())
}

#[given(
    regex = r"^the harness core answers 202 and then notifies success with (an empty apiInvokerId|an empty certificate|a certificate that is not PEM|an unparsable certificate|a certificate for another key|a certificate from another CA|an expired certificate)$"
)]
async fn accepts_unusable(w: &mut SuiteWorld, defect: String) -> StepResult {
    match defect.parse::<Unusable>() {
        Ok(u) => {
            w.on_invoker.script.answers = Answers::Accepted(Notify::SuccessWith(u));
            Ok(())
        }
        Err(e) => w.harness_error(e),
    }
}

#[given("the harness core answers 202, posts a forged failure to another path of the invoker's receiver, then notifies success")]
async fn accepts_after_forgery(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.answers = Answers::Accepted(Notify::SuccessAfterForgery);
    Ok(())
}

#[then("the invoker does not report the notified result as success")]
async fn async_unusable(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let pki = w.invoker()?.pki;
    w.check(checks::invoker::async_onboarding::async_not_success_on_unusable(&run, &pki))
}

#[then("the invoker's notificationDestination is an https URI it serves")]
async fn destination_served(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::async_onboarding::notification_destination_served(&run))
}

#[then("the invoker's receiver answered the notification with 204 No Content")]
async fn notification_answered(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::async_onboarding::notification_answered_204(&run))
}

#[then("the invoker refuses the forged notification and reports the notified success")]
async fn forged_refused(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::async_onboarding::only_the_named_destination_notifies(&run))
}

#[then("the invoker reports success once the notification arrived")]
async fn async_success(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::async_onboarding::async_success(&run))
}

#[then("the invoker reports the notified failure")]
async fn async_failure(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    w.check(checks::invoker::async_onboarding::async_failure(&run))
}

#[then("the invoker gives up on the missing notification within its declared bound")]
async fn async_gave_up(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let bound = w.invoker()?.gives_up_within;
    w.check(checks::invoker::async_onboarding::async_gave_up(
        &run, bound,
    ))
}
