//! `fuzz --sut invoker`: the played core answers the invoker's onboarding request with
//! generated answers ([`reply`](super::reply)), each a new run of the adapter; the invoker
//! must report success for none of them and end every run within its declared bound. A
//! failing answer is shrunk (each step reruns the adapter) to the smallest change from the
//! strict 201 that still fails.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::reply::{self, Reply, ReplyClass};
use super::{rounds, FuzzOptions, Mine, Tally};
use crate::adapter_contract::AdapterOutcome;
use crate::checks::Check;
use crate::sut::{InvokerRun, InvokerTarget, Script};

/// A property an invoker's reactions to generated answers must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum InvokerProperty {
    /// INV-FUZZ-01.
    NoSuccessOnError,
    /// INV-FUZZ-02.
    OnlyValid201,
    /// INV-FUZZ-03.
    EndsWithinBound,
}

impl InvokerProperty {
    /// Its test purpose id.
    pub fn id(self) -> &'static str {
        match self {
            InvokerProperty::NoSuccessOnError => "INV-FUZZ-01",
            InvokerProperty::OnlyValid201 => "INV-FUZZ-02",
            InvokerProperty::EndsWithinBound => "INV-FUZZ-03",
        }
    }

    /// Its test purpose's title.
    pub fn title(self) -> &'static str {
        crate::catalogue::find(self.id())
            .expect("INV-FUZZ-01..03 are catalogued")
            .title
    }

    /// Every property, in catalogue order.
    pub const ALL: [InvokerProperty; 3] = [
        InvokerProperty::NoSuccessOnError,
        InvokerProperty::OnlyValid201,
        InvokerProperty::EndsWithinBound,
    ];
}

/// A finding: the smallest generated answer found that the invoker mishandled.
#[derive(Debug, Clone)]
pub struct InvokerFinding {
    /// The property broken.
    pub property: InvokerProperty,
    /// Why, for the smallest answer.
    pub reason: String,
    /// The smallest answer (its changes from the strict 201).
    pub reply: Reply,
}

/// What a campaign against an invoker did.
#[derive(Debug, Clone)]
pub struct InvokerCampaign {
    /// The seed.
    pub seed: u64,
    /// Adapter runs (generated answers and shrink steps).
    pub sent: u64,
    /// Generated answers.
    pub cases: u64,
    /// How long generating and shrinking took.
    pub elapsed: Duration,
    /// The findings, each shrunk, each a different minimal change.
    pub findings: Vec<InvokerFinding>,
    /// Whether the time budget ended generation early.
    pub budget_exhausted: bool,
    /// The runs the harness could not make (a played core that did not start, an adapter
    /// that could not run): none of them judged anything.
    pub harness_errors: Vec<String>,
    /// The positive control before it (the strict 201, once): Err when the invoker did not
    /// report that onboarding as success, and why.
    pub positive_control: Result<(), String>,
    /// Why the harness could not run the invoker at all for the positive control (an adapter
    /// that cannot start, a played core that cannot listen): a harness error, nothing judged.
    pub unrunnable: Option<String>,
}

/// What one run showed: None when it kept every property.
pub fn judge(
    reply: &Reply,
    run: &InvokerRun,
    bound: Duration,
) -> Option<(InvokerProperty, String)> {
    let said = run.adapter.describe();
    match run.adapter.outcome() {
        AdapterOutcome::Onboarded => match reply.class() {
            ReplyClass::Valid => None,
            ReplyClass::Error(status) => Some((
                InvokerProperty::NoSuccessOnError,
                format!("reported success (exit 0) for an answer with status {status}"),
            )),
            ReplyClass::NotValid201(why) => Some((
                InvokerProperty::OnlyValid201,
                format!("reported success (exit 0) for {}", why.join(", ")),
            )),
        },
        AdapterOutcome::Hung => Some((
            InvokerProperty::EndsWithinBound,
            format!(
                "still running {:.1} s after the answer (declared bound gives_up_within = {:.1} s, a PIXIT, plus slack)",
                run.adapter.duration_ms as f64 / 1000.0,
                bound.as_secs_f64()
            ),
        )),
        AdapterOutcome::Crashed => Some((
            InvokerProperty::EndsWithinBound,
            format!("crashed instead of reporting failure: {said}"),
        )),
        AdapterOutcome::Failed(_) | AdapterOutcome::Unsupported | AdapterOutcome::NotRunnable(_) => {
            None
        }
    }
}

/// Run a campaign against the invoker `target` (blocking: proptest drives it; each case is a
/// real adapter run against a played core on `handle`'s runtime).
pub fn run_campaign(
    handle: tokio::runtime::Handle,
    target: Arc<InvokerTarget>,
    opts: &FuzzOptions,
) -> InvokerCampaign {
    let started = Instant::now();
    // An invoker that hangs is waited on for its declared bound (plus slack), not the
    // adapter timeout: giving up is what INV-FUZZ-03 judges.
    let bound = target.gives_up_within;
    let mut t = (*target).clone();
    t.timeouts.adapter = bound + crate::sut::silence_slack(bound);
    let harness_errors = Mutex::new(Vec::new());
    let run_one = |reply: &Reply| -> Option<InvokerRun> {
        let (script, rewrite): (Script, _) = reply.script_and_rewrite();
        match handle.block_on(t.run_rewriting(script, rewrite, "INV-FUZZ")) {
            Ok(run) => {
                if let AdapterOutcome::NotRunnable(why) = run.adapter.outcome() {
                    harness_errors.lock().expect("campaign state").push(why);
                    return None;
                }
                Some(run)
            }
            Err(e) => {
                harness_errors.lock().expect("campaign state").push(e);
                None
            }
        }
    };
    // The positive control: an invoker that does not onboard on the strict 201 has one
    // defect (INV-OK-01's), which every generated answer would hide.
    let control = run_one(&Reply { mutations: vec![] });
    let positive_control = match &control {
        Some(run) if run.adapter.outcome() == AdapterOutcome::Onboarded => Ok(()),
        Some(run) => Err(format!(
            "the invoker did not report the strict 201 as success: {}",
            run.adapter.describe()
        )),
        None => Err(format!(
            "the harness could not run the invoker: {}",
            harness_errors
                .lock()
                .expect("campaign state")
                .last()
                .cloned()
                .unwrap_or_default()
        )),
    };
    let unrunnable = control
        .is_none()
        .then(|| positive_control.clone().err())
        .flatten();
    if positive_control.is_err() {
        return InvokerCampaign {
            seed: opts.seed,
            sent: 1,
            cases: 0,
            elapsed: started.elapsed(),
            findings: Vec::new(),
            budget_exhausted: false,
            harness_errors: harness_errors.into_inner().expect("campaign state"),
            positive_control,
            unrunnable,
        };
    }
    let rounds = rounds::run(
        opts,
        started,
        reply::replies(),
        |r: &Reply, earlier: &Reply| r.covers(earlier),
        |r: &Reply| {
            let broke = run_one(r).and_then(|run| judge(r, &run, bound));
            (r.clone(), broke)
        },
    );
    InvokerCampaign {
        seed: opts.seed,
        sent: rounds.sent + 1,
        cases: rounds.cases,
        elapsed: started.elapsed(),
        findings: rounds
            .findings
            .into_iter()
            .map(|f| InvokerFinding {
                property: f.property,
                reason: f.reason,
                reply: f.case,
            })
            .collect(),
        budget_exhausted: rounds.budget_exhausted,
        harness_errors: harness_errors.into_inner().expect("campaign state"),
        positive_control,
        unrunnable,
    }
}

/// The verdict of `property` on a finished campaign against an invoker (pure).
pub fn property_check(c: &InvokerCampaign, property: InvokerProperty) -> Check {
    if let Some(why) = &c.unrunnable {
        return Check::Inconclusive(why.clone());
    }
    if let Err(why) = &c.positive_control {
        return Check::blocked(
            Some("INV-OK-01"),
            format!("no generated answer was judged (each would repeat that defect): {why}"),
        );
    }
    // Runs the harness could not make observed nothing: when they were all there was, no
    // verdict.
    if c.cases > 0 && c.harness_errors.len() as u64 >= c.sent.saturating_sub(1) {
        return Check::Inconclusive(format!(
            "the harness could not run the invoker for any generated answer: {}",
            c.harness_errors.last().cloned().unwrap_or_default()
        ));
    }
    let mine = Mine::of(&c.findings, |f| {
        (f.property == property).then(|| {
            (
                f.reason.as_str(),
                f.reply.mutations.len(),
                f.reply.describe(),
            )
        })
    });
    Tally {
        seed: c.seed,
        cases: c.cases,
        elapsed: c.elapsed,
        budget_exhausted: c.budget_exhausted,
        findings: c.findings.len(),
    }
    .verdict(&mine, "the strict 201", false)
}

/// An invoker under a campaign of generated answers.
pub type InvokerFuzzTarget = super::CampaignTarget<InvokerTarget, InvokerCampaign>;
