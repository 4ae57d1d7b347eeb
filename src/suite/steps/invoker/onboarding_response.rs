//! Steps of features/invoker/onboarding_response.feature.

use crate::checks::{self};
use crate::fuzz::invoker::InvokerProperty;
use crate::fuzz::{self};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::{Answers, Unusable};
use cucumber::{given, then};

// The invoker side (`fuzz --sut invoker`).

#[given("a property-based campaign of generated answers to the invoker under test")]
async fn invoker_campaign(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
    let Some(target) = w.targets.as_ref().and_then(|t| t.fuzz_invoker.clone()) else {
        return w.harness_error(
            "this run has no invoker fuzz campaign (run it with `capif-conformance fuzz --sut invoker`)",
        );
    };
    let c = match target.campaign().await {
        Ok(c) => c,
        Err(e) => return w.harness_error(e),
    };
    w.evidence.notes.push(format!(
        "campaign against {}: seed {}, {} generated answer(s) and {} shrink step(s) in {:.1} s, {} finding(s){}",
        target.sut.description,
        c.seed,
        c.cases,
        c.sent.saturating_sub(c.cases + 1),
        c.elapsed.as_secs_f64(),
        c.findings.len(),
        match c.harness_errors.len() {
            0 => String::new(),
            n => format!("; {n} run(s) the harness could not make"),
        }
    ));
    // An adapter the harness cannot run is a harness error, as in `run`, never the invoker's.
    if let Some(why) = &c.unrunnable {
        return w.harness_error(why.clone());
    }
    w.on_invoker.campaign = Some(c);
    Ok(())
}

/// Judge `property` on the scenario's invoker campaign; its findings go into the evidence.
fn judge_invoker(w: &mut SuiteWorld, property: InvokerProperty) -> StepResult {
    let Some(c) = w.on_invoker.campaign.clone() else {
        return w.harness_error("no campaign ran in this scenario");
    };
    for (n, f) in c.findings.iter().enumerate() {
        if f.property == property {
            w.evidence.notes.push(format!(
                "finding {}: {} — {}",
                n + 1,
                f.reply.describe(),
                f.reason
            ));
        }
    }
    w.check(fuzz::invoker::property_check(&c, property))
}

#[then("the invoker reported success for no generated answer with an error status")]
async fn no_success_on_error(w: &mut SuiteWorld) -> StepResult {
    judge_invoker(w, InvokerProperty::NoSuccessOnError)
}

#[then("the invoker reported success for no generated answer that is not a valid 201")]
async fn only_valid_201(w: &mut SuiteWorld) -> StepResult {
    judge_invoker(w, InvokerProperty::OnlyValid201)
}

#[then("the invoker ended every run within its declared bound, without crashing")]
async fn ends_within_bound(w: &mut SuiteWorld) -> StepResult {
    judge_invoker(w, InvokerProperty::EndsWithinBound)
}

#[given("the harness core never answers the onboarding request")]
async fn silent_response(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.answers = Answers::Never;
    Ok(())
}

#[given("the harness core answers 201 without apiInvokerId")]
async fn without_id(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.answers = Answers::CreatedWithoutId;
    Ok(())
}

#[given("the harness core answers 201 without a certificate")]
async fn without_cert(w: &mut SuiteWorld) -> StepResult {
    w.on_invoker.script.answers = Answers::CreatedWithoutCertificate;
    Ok(())
}

#[given(
    regex = r"^the harness core answers 201 with (an empty apiInvokerId|an empty certificate|a certificate that is not PEM|an unparsable certificate|a certificate for another key|a certificate from another CA|an expired certificate)$"
)]
async fn created_with(w: &mut SuiteWorld, defect: String) -> StepResult {
    match defect.parse::<Unusable>() {
        Ok(u) => {
            w.on_invoker.script.answers = Answers::CreatedWith(u);
            Ok(())
        }
        Err(e) => w.harness_error(e),
    }
}

#[given(expr = "the harness core answers {int} to a valid request")]
async fn answers_status(w: &mut SuiteWorld, status: u16) -> StepResult {
    w.on_invoker.script.answers = Answers::Status(status);
    Ok(())
}

#[then("the invoker reports success with the assigned apiInvokerId")]
async fn reports_success(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let pki = w.invoker()?.pki;
    w.check(checks::invoker::onboarding_response::reports_success(
        &run, &pki,
    ))
}

#[then("the invoker does not report success")]
async fn not_success(w: &mut SuiteWorld) -> StepResult {
    let run = w.last_run()?;
    let answer = run.script.defect();
    let pki = w.invoker()?.pki;
    w.check(checks::invoker::onboarding_response::not_success_on_incomplete(&run, &answer, &pki))
}
