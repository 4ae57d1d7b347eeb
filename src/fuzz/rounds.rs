//! The campaign loop both roles share: proptest generates cases and shrinks the first failing
//! one (each attempt a real exchange with the system under test), then a new round goes on
//! with the cases left, skipping every case that makes every kind of change an earlier
//! finding's minimal case made, so one campaign lists each defect once.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

use super::FuzzOptions;

/// Findings one campaign lists at most.
pub const MAX_FINDINGS: usize = 10;

/// A finding: the minimal failing case, what was sent for it, and what it broke.
#[derive(Debug, Clone)]
pub(crate) struct Found<C, S, P> {
    pub case: C,
    pub sent: S,
    pub property: P,
    pub reason: String,
}

/// What the rounds did.
pub(crate) struct Rounds<C, S, P> {
    pub findings: Vec<Found<C, S, P>>,
    /// Exchanges (generated cases, shrink steps and resent minimal cases).
    pub sent: u64,
    /// Generated cases sent.
    pub cases: u64,
    pub budget_exhausted: bool,
}

struct State<C, S, P> {
    sent: u64,
    cases: u64,
    shrinking: bool,
    last_failure: Option<Found<C, S, P>>,
    last_send: Option<Instant>,
}

/// Run up to `opts.cases` generated cases of `strategy` through `attempt` (one real exchange:
/// what was sent, and the property it broke with why, if it did), in rounds. `covers(case,
/// earlier)`: whether `case` makes every kind of change `earlier` made. The time budget
/// counts from `started`.
pub(crate) fn run<C, S, P>(
    opts: &FuzzOptions,
    started: Instant,
    strategy: impl Strategy<Value = C>,
    covers: impl Fn(&C, &C) -> bool,
    attempt: impl Fn(&C) -> (S, Option<(P, String)>),
) -> Rounds<C, S, P>
where
    C: Clone + PartialEq + std::fmt::Debug,
    S: Clone,
    P: Clone,
{
    let state = Mutex::new(State {
        sent: 0,
        cases: 0,
        shrinking: false,
        last_failure: None,
        last_send: None,
    });
    let mut findings: Vec<Found<C, S, P>> = Vec::new();
    let mut budget_exhausted = false;
    for round in 0..MAX_FINDINGS as u32 {
        let done = state.lock().expect("campaign state").cases;
        let left = opts
            .cases
            .saturating_sub(u32::try_from(done).unwrap_or(u32::MAX));
        if left == 0 {
            break;
        }
        let config = Config {
            cases: left,
            max_shrink_iters: opts.max_shrink_steps,
            max_shrink_time: 30_000,
            failure_persistence: None,
            // Past the time budget (or when every case is an earlier finding's) every case is
            // rejected, never counted as a pass, until proptest gives up.
            max_global_rejects: 10_000,
            ..Config::default()
        };
        let mut seed = [0u8; 32];
        seed[..8].copy_from_slice(&opts.seed.to_le_bytes());
        seed[8..12].copy_from_slice(&round.to_le_bytes());
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
        {
            let mut s = state.lock().expect("campaign state");
            s.shrinking = false;
            s.last_failure = None;
        }
        let result = runner.run(&strategy, |case| {
            {
                let mut s = state.lock().expect("campaign state");
                if !s.shrinking && started.elapsed() > opts.time_budget {
                    return Err(TestCaseError::reject("the time budget is spent"));
                }
                if findings.iter().any(|f| covers(&case, &f.case)) {
                    return Err(TestCaseError::reject("an earlier finding explains it"));
                }
                if let (Some(rate), Some(last)) = (opts.rate, s.last_send) {
                    let gap = Duration::from_secs_f64(1.0 / rate.max(0.001));
                    let since = last.elapsed();
                    if since < gap {
                        std::thread::sleep(gap - since);
                    }
                }
                s.last_send = Some(Instant::now());
            }
            let (sent, broke) = attempt(&case);
            let mut s = state.lock().expect("campaign state");
            s.sent += 1;
            if !s.shrinking {
                s.cases += 1;
            }
            match broke {
                None => Ok(()),
                Some((property, reason)) => {
                    s.shrinking = true;
                    s.last_failure = Some(Found {
                        case: case.clone(),
                        sent,
                        property,
                        reason: reason.clone(),
                    });
                    Err(TestCaseError::fail(reason))
                }
            }
        });
        let last = state.lock().expect("campaign state").last_failure.take();
        match result {
            Ok(()) => break,
            Err(TestError::Abort(_)) => {
                // Past the budget, or every case left was an earlier finding's.
                budget_exhausted = started.elapsed() > opts.time_budget;
                break;
            }
            Err(TestError::Fail(_, minimal)) => match last {
                // The last failure seen is the minimal case when shrinking ended on it.
                Some(found) if found.case == minimal => findings.push(found),
                // The minimal case was seen earlier: say its own failure, sent again.
                other => {
                    let (sent, broke) = attempt(&minimal);
                    state.lock().expect("campaign state").sent += 1;
                    let (property, reason) = match (broke, other) {
                        (Some(b), _) => b,
                        (None, Some(o)) => (
                            o.property,
                            format!("{} (did not fail again when resent)", o.reason),
                        ),
                        // Unreachable: proptest reports a failure only after one was seen.
                        (None, None) => continue,
                    };
                    findings.push(Found {
                        case: minimal,
                        sent,
                        property,
                        reason,
                    });
                }
            },
        }
    }
    let s = state.into_inner().expect("campaign state");
    Rounds {
        findings,
        sent: s.sent,
        cases: s.cases,
        budget_exhausted,
    }
}
