//! Runs the embedded features with cucumber and turns every finished scenario into an
//! [`Outcome`]. Our CLI owns the arguments (cucumber's own CLI is not parsed) and cucumber's
//! console output is discarded: the outcomes are the one stream every report consumes.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Instant;

use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::tag::Ext as _;
use cucumber::{event, World as _, WriterExt as _};
use futures::FutureExt as _;
use serde::Serialize;

use super::features::{parse_features, Preparsed};
use super::world::SuiteWorld;
use crate::catalogue::{self, Applicability, Sut, TestPurpose};
use crate::checks::Verdict;
use crate::evidence::Evidence;
use crate::sut::{CoreTarget, InvokerTarget};

/// What a run tests.
#[derive(Debug, Default)]
pub struct SuiteTargets {
    /// The core under test (the harness plays the invoker).
    pub core: Option<CoreTarget>,
    /// The invoker under test (the harness plays the core).
    pub invoker: Option<InvokerTarget>,
    /// An invoker and a core under test together (a matrix's pair cell).
    pub pair: Option<crate::sut::PairTarget>,
    /// A core under a property-based campaign (`fuzz`): only the test purposes run by
    /// [`Runner::Fuzz`](catalogue::Runner::Fuzz) run, and only then.
    pub fuzz: Option<Arc<crate::fuzz::FuzzTarget>>,
    /// An invoker under a property-based campaign (`fuzz --sut invoker`), likewise.
    pub fuzz_invoker: Option<Arc<crate::fuzz::invoker::InvokerFuzzTarget>>,
}

impl SuiteTargets {
    /// Whether this run tests `tp`: it has a SUT of its role, and runs it the way `tp` is run.
    pub fn runs(&self, tp: &TestPurpose) -> bool {
        match tp.runner {
            catalogue::Runner::Fuzz => match tp.sut {
                Sut::Core => self.fuzz.is_some(),
                Sut::Invoker => self.fuzz_invoker.is_some(),
                Sut::Pair => false,
            },
            catalogue::Runner::Suite => self.has(tp.sut),
        }
    }

    /// Whether this run has a SUT of role `sut`.
    pub fn has(&self, sut: Sut) -> bool {
        match sut {
            Sut::Core => self.core.is_some(),
            Sut::Invoker => self.invoker.is_some(),
            Sut::Pair => self.pair.is_some(),
        }
    }

    /// Why `tp` does not apply to this SUT, if it does not (PICS), and, when the configuration
    /// rather than the implementation is why, the key that would have it tested.
    pub fn not_applicable(&self, tp: &TestPurpose) -> Option<(String, Option<&'static str>)> {
        let (cap, wanted) = match tp.applicability {
            Applicability::Always => return None,
            Applicability::Requires(cap) => (cap, true),
            Applicability::Unless(cap) => (cap, false),
        };
        // A pair's core declares the capabilities of its pair cell.
        let core = match tp.sut {
            Sut::Pair => &self.pair.as_ref()?.core,
            _ => self.core.as_ref()?,
        };
        let caps = &core.capabilities;
        let declared = match cap {
            catalogue::Capability::IssuesCertificate => caps.issues_certificate,
            catalogue::Capability::IssuesOnboardingSecret => caps.issues_onboarding_secret,
            catalogue::Capability::AcceptsHarnessCredentials => caps.accepts_harness_credentials,
            catalogue::Capability::Offboarding => caps.offboarding,
            catalogue::Capability::AsynchronousOnboarding => caps.asynchronous_onboarding,
        };
        (declared != wanted).then(|| match cap {
            // Not a capability of the core: what the harness was given to mint with.
            catalogue::Capability::AcceptsHarnessCredentials => (
                format!(
                    "not tested because of the configuration: [core.capabilities].{} = false and no [core].credential_signing_key, so the harness cannot mint credentials this core accepts",
                    cap.key()
                ),
                Some(MINTING_KEY),
            ),
            _ => (
                format!("PICS: [core.capabilities].{} = {declared}", cap.key()),
                None,
            ),
        })
    }
}

/// The configuration that lets the harness mint credentials a core accepts.
pub const MINTING_KEY: &str =
    "[core] credential_signing_key (or accepts_harness_credentials = true with [core] pki)";

/// The configuration that lets the harness receive the OnboardingNotification of a 202.
pub const NOTIFICATIONS_KEY: &str = "[core.notifications]";

/// A callback receiving each outcome as its scenario finishes.
pub type OutcomeSink = Box<dyn Fn(&Outcome)>;

/// Options of one suite run.
pub struct SuiteOptions {
    /// Tag expression (cucumber syntax, e.g. `@branch:teardown and not @CCF-TD-03`).
    pub tags: Option<String>,
    /// Scenarios run at once.
    pub concurrency: usize,
    /// Called as each scenario finishes (console progress).
    pub on_outcome: Option<OutcomeSink>,
}

impl Default for SuiteOptions {
    fn default() -> Self {
        Self {
            tags: None,
            concurrency: 16,
            on_outcome: None,
        }
    }
}

/// The result of one test purpose.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The test purpose.
    pub tp: &'static TestPurpose,
    /// Its verdict.
    pub verdict: Verdict,
    /// One sentence: why.
    pub reason: String,
    /// For an inconclusive verdict whose precondition did not hold: the test purpose whose
    /// verdict explains it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<&'static str>,
    /// For a not-applicable verdict the configuration caused (not the implementation's
    /// declared capabilities): the key that would have it tested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_configured: Option<&'static str>,
    /// Wall time of the scenario.
    pub duration_ms: u64,
    /// What was observed.
    pub evidence: Evidence,
}

/// A run that could not start.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    /// The tag expression does not parse.
    #[error("--tags {expr:?} is not a tag expression: {reason} (example: \"@branch:teardown and not @severity:recommended\")")]
    Tags {
        /// The expression.
        expr: String,
        /// The parser's message.
        reason: String,
    },
    /// An embedded feature does not parse (a build defect).
    #[error("embedded feature file: {0}")]
    Features(String),
}

/// The scenarios tagged `@waits` (they wait for the SUT's own give-up bound) first, and the
/// features holding them first, so their wait overlaps the rest of the run instead of
/// trailing it. Outcomes are reported in catalogue order whatever the order run.
fn waiting_first(mut features: Vec<cucumber::gherkin::Feature>) -> Vec<cucumber::gherkin::Feature> {
    let waits = |sc: &cucumber::gherkin::Scenario| sc.tags.iter().any(|t| t == "waits");
    for f in &mut features {
        f.scenarios.sort_by_key(|sc| !waits(sc));
    }
    features.sort_by_key(|f| !f.scenarios.iter().any(waits));
    features
}

/// Run the suite against `targets`; outcomes come back in catalogue order.
///
/// Long by design: the cucumber runner's configuration (parser, selection, concurrency,
/// hooks, writer) in the order cucumber builds it, then the outcomes in catalogue order.
pub async fn run_suite(
    targets: SuiteTargets,
    opts: SuiteOptions,
) -> Result<Vec<Outcome>, SuiteError> {
    let filter = match &opts.tags {
        Some(expr) => {
            // The parser recurses on nesting: a hostile expression must be a usage error,
            // not a stack overflow.
            if tag_nesting(expr) > MAX_TAG_NESTING || expr.len() > 4096 {
                return Err(SuiteError::Tags {
                    expr: expr.chars().take(80).collect(),
                    reason: format!(
                        "nested deeper than {MAX_TAG_NESTING} levels or longer than 4096 characters"
                    ),
                });
            }
            Some(expr.parse::<TagOperation>().map_err(|e| SuiteError::Tags {
                expr: expr.clone(),
                reason: e.to_string(),
            })?)
        }
        None => None,
    };
    let features = waiting_first(parse_features().map_err(SuiteError::Features)?);
    let targets = Arc::new(targets);
    let outcomes = Rc::new(RefCell::new(Vec::<Outcome>::new()));
    let on_outcome = Rc::new(opts.on_outcome);

    let before_targets = targets.clone();
    let after_outcomes = outcomes.clone();
    let after_notify = on_outcome.clone();
    let filter_targets = targets.clone();

    SuiteWorld::cucumber::<&str>()
        .with_parser(Preparsed(features))
        .with_writer(
            cucumber::writer::Basic::raw(std::io::sink(), cucumber::writer::Coloring::Never, 0)
                .fail_on_skipped()
                .normalized(),
        )
        .max_concurrent_scenarios(opts.concurrency.max(1))
        .before(move |_, _, scenario, world| {
            let targets = before_targets.clone();
            async move {
                world.started = Some(Instant::now());
                world.tp = purpose_of(scenario);
                if let Some(tp) = world.tp {
                    if let Some((reason, key)) = targets.not_applicable(tp) {
                        world.decided = Some((Verdict::NotApplicable, reason));
                        world.not_configured = key;
                    }
                }
                world.targets = Some(targets);
            }
            .boxed_local()
        })
        .after(move |_, _, scenario, finished, world| {
            let outcomes = after_outcomes.clone();
            let notify = after_notify.clone();
            let tp = purpose_of(scenario);
            let step_error = match finished {
                event::ScenarioFinished::StepFailed(_, _, e) => Some(e.to_string()),
                event::ScenarioFinished::StepSkipped => {
                    Some("a step has no implementation in this harness version".to_string())
                }
                event::ScenarioFinished::BeforeHookFailed(_) => Some("before hook failed".into()),
                event::ScenarioFinished::StepPassed => None,
            };
            let outcome = tp.map(|tp| match world {
                Some(w) => {
                    let (verdict, reason) = w.verdict(step_error.as_deref());
                    Outcome {
                        tp,
                        verdict,
                        reason,
                        blocked_by: w.blocked_by(),
                        not_configured: (verdict == Verdict::NotApplicable)
                            .then_some(w.not_configured)
                            .flatten(),
                        duration_ms: w
                            .started
                            .map(|s| s.elapsed().as_millis() as u64)
                            .unwrap_or(0),
                        evidence: std::mem::take(&mut w.evidence),
                    }
                }
                None => Outcome {
                    tp,
                    verdict: Verdict::Error,
                    reason: format!("harness error: {}", step_error.unwrap_or_default()),
                    blocked_by: None,
                    not_configured: None,
                    duration_ms: 0,
                    evidence: Evidence::default(),
                },
            });
            async move {
                if let Some(o) = outcome {
                    if let Some(f) = notify.as_ref() {
                        f(&o);
                    }
                    outcomes.borrow_mut().push(o);
                }
            }
            .boxed_local()
        })
        .with_default_cli()
        .filter_run((), move |feature, _, scenario| {
            let Some(tp) = purpose_of(scenario) else {
                return false;
            };
            if !filter_targets.runs(tp) {
                return false;
            }
            match &filter {
                Some(op) => op.eval(scenario.tags.iter().chain(feature.tags.iter())),
                None => true,
            }
        })
        .await;

    let mut out = std::mem::take(&mut *outcomes.borrow_mut());
    let order: Vec<&str> = catalogue::all().map(|tp| tp.id).collect();
    out.sort_by_key(|o| order.iter().position(|id| *id == o.tp.id));
    Ok(out)
}

/// Deepest nesting of a tag expression: open parentheses plus `not`s in a row.
const MAX_TAG_NESTING: usize = 32;

fn tag_nesting(expr: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut nots = 0usize;
    for token in expr
        .replace('(', " ( ")
        .replace(')', " ) ")
        .split_whitespace()
    {
        match token {
            "(" => depth += 1,
            ")" => depth = depth.saturating_sub(1),
            "not" => nots += 1,
            _ => nots = 0,
        }
        deepest = deepest.max(depth + nots);
    }
    deepest
}

fn purpose_of(scenario: &cucumber::gherkin::Scenario) -> Option<&'static TestPurpose> {
    scenario.tags.iter().find_map(|t| catalogue::find(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_scenarios_and_their_features_run_first() {
        let features = waiting_first(parse_features().unwrap());
        let first = &features[0];
        assert!(
            first.scenarios[0].tags.iter().any(|t| t == "waits"),
            "{:?}",
            first.path
        );
        // Every @waits scenario precedes every other one of its feature.
        for f in &features {
            let flags: Vec<bool> = f
                .scenarios
                .iter()
                .map(|s| s.tags.iter().any(|t| t == "waits"))
                .collect();
            assert!(
                flags.windows(2).all(|w| w[0] || !w[1]),
                "{:?}: {flags:?}",
                f.path
            );
        }
        // Nothing is lost by the reordering.
        let n =
            |fs: &[cucumber::gherkin::Feature]| fs.iter().map(|f| f.scenarios.len()).sum::<usize>();
        assert_eq!(n(&features), n(&parse_features().unwrap()));
    }
}
