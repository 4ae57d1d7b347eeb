//! Steps of the property-based campaigns (`capif-conformance fuzz`): one campaign of
//! generated onboarding requests to a core, or of generated answers to an invoker, judged
//! once per property.

use cucumber::{given, then};

use crate::fuzz::invoker::InvokerProperty;
use crate::fuzz::{self, Property};
use crate::suite::world::{StepResult, SuiteWorld};

#[given("a property-based campaign of generated onboarding requests against the core under test")]
async fn campaign(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
    let Some(target) = w.targets.as_ref().and_then(|t| t.fuzz.clone()) else {
        return w
            .harness_error("this run has no fuzz campaign (run it with `capif-conformance fuzz`)");
    };
    let c = match target.campaign().await {
        Ok(c) => c,
        Err(e) => return w.harness_error(e),
    };
    w.evidence.notes.push(format!(
        "campaign against {}: seed {}, {} generated case(s) and {} shrink step(s) in {:.1} s, {} finding(s)",
        fuzz::onboarding_url(&target.sut),
        c.seed,
        c.cases,
        c.sent - c.cases,
        c.elapsed.as_secs_f64(),
        c.findings.len()
    ));
    w.on_core.campaign = Some(c);
    Ok(())
}

/// Judge `property` on the scenario's campaign; its findings go into the evidence.
fn judge(w: &mut SuiteWorld, property: Property) -> StepResult {
    let Some(c) = w.on_core.campaign.clone() else {
        return w.harness_error("no campaign ran in this scenario");
    };
    for (n, f) in c.findings.iter().enumerate() {
        if f.property == property {
            w.evidence.notes.push(format!(
                "finding {} (finding-{}.http): {} — {}",
                n + 1,
                n + 1,
                f.case.describe(),
                f.reason
            ));
        }
    }
    w.check(fuzz::property_check(&c, property))
}

#[then("every generated request the model holds valid was answered as valid")]
async fn valid_answered_as_valid(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::ValidIsOnboarded)
}

#[then("every generated request the model holds invalid was refused with a 4xx ProblemDetails")]
async fn invalid_refused(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::InvalidIsRefused)
}

#[then("every generated request was answered, never with a 5xx")]
async fn never_5xx(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::AlwaysAnswersNever5xx)
}

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

#[then("every generated valid request framed otherwise was answered as valid")]
async fn framing_transparent(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::FramingTransparent)
}

#[then("the session was torn down after the answer to every generated request")]
async fn torn_down(w: &mut SuiteWorld) -> StepResult {
    judge(w, Property::TornDown)
}
