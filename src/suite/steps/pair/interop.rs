//! Steps of features/pair/interop.feature.

use crate::checks::{self, Check};
use crate::suite::world::{StepResult, SuiteWorld};
use crate::sut::PairRun;
use cucumber::{given, then, when};

#[given("an API invoker paired with a CAPIF core")]
async fn paired(w: &mut SuiteWorld) -> StepResult {
    w.begin()?;
    match w.targets.as_ref().and_then(|t| t.pair.as_ref()) {
        Some(_) => Ok(()),
        None => w.harness_error("this run has no pair of an invoker and a core"),
    }
}

async fn run_pair(w: &mut SuiteWorld, offboard: bool) -> StepResult {
    let Some(pair) = w.targets.as_ref().and_then(|t| t.pair.clone()) else {
        return w.harness_error("this run has no pair of an invoker and a core");
    };
    let id = w.tp.map(|t| t.id).unwrap_or("");
    let run = match pair.run(id, offboard).await {
        Ok(r) => r,
        Err(e) => return w.harness_error(e),
    };
    if crate::sut::processes::interrupted() {
        return w.harness_error("error: interrupted (SIGTERM/SIGINT) while the adapter ran");
    }
    let invocation = |what: &str, a: &crate::sut::AdapterRun| {
        format!(
            "{what}: {} after {} ms; last stderr line: {}",
            a.describe(),
            a.duration_ms,
            a.last_stderr_line()
        )
    };
    let mut notes = vec![invocation("onboarding", &run.onboard)];
    if let Some(id) = &run.api_invoker_id {
        notes.push(format!("reported apiInvokerId: {id}"));
    }
    if let Some(r) = &run.resource {
        notes.push(format!(
            "offboarding resource given (TS 29.222's resource URI under the apiRoot): {r}"
        ));
    }
    for (i, o) in run.offboards.iter().enumerate() {
        notes.push(invocation(&format!("offboarding {}", i + 1), o));
    }
    notes.extend(run.relay_notes());
    w.evidence.notes.extend(notes);
    w.on_pair = Some(run);
    Ok(())
}

#[when("the invoker onboards onto the core")]
async fn onboards(w: &mut SuiteWorld) -> StepResult {
    run_pair(w, false).await
}

#[when("the invoker onboards onto the core and then offboards twice")]
async fn onboards_and_offboards(w: &mut SuiteWorld) -> StepResult {
    run_pair(w, true).await
}

async fn judge(
    w: &mut SuiteWorld,
    check: impl FnOnce(&PairRun, &SuiteWorld) -> Check,
) -> StepResult {
    let Some(run) = w.on_pair.clone() else {
        return w.harness_error("no pair run to judge");
    };
    let c = check(&run, w);
    w.check(c)
}

#[then("the invoker reports success with an apiInvokerId")]
async fn reported_success(w: &mut SuiteWorld) -> StepResult {
    judge(w, |r, _| checks::pair::interop::pair_onboarded(r)).await
}

#[then("the certificate the invoker reports chains to the core's invoker CA")]
async fn certificate_chains(w: &mut SuiteWorld) -> StepResult {
    judge(w, |r, w| {
        let ca = w
            .targets
            .as_ref()
            .and_then(|t| t.pair.as_ref())
            .map(|p| p.core.invoker_ca.clone())
            .unwrap_or_default();
        checks::pair::interop::pair_certificate(r, &ca)
    })
    .await
}

#[then("the invoker reports the first offboarding as done")]
async fn first_offboarding_done(w: &mut SuiteWorld) -> StepResult {
    judge(w, |r, _| checks::pair::interop::pair_offboarded(r)).await
}

#[then("the invoker reports the second offboarding failed")]
async fn second_offboarding_refused(w: &mut SuiteWorld) -> StepResult {
    judge(w, |r, _| {
        checks::pair::interop::pair_second_offboarding_refused(r)
    })
    .await
}
