//! Steps of the property-based campaign (`capif-conformance fuzz`, core under test): one
//! campaign of generated onboarding requests, judged once per property.

use cucumber::{given, then};

use super::skip_if_decided;
use crate::fuzz::{self, Property};
use crate::suite::world::{StepResult, SuiteWorld};

#[given("a property-based campaign of generated onboarding requests against the core under test")]
async fn campaign(w: &mut SuiteWorld) -> StepResult {
    skip_if_decided!(w);
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
        fuzz::onboarding_url(&target.core),
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
    skip_if_decided!(w);
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
