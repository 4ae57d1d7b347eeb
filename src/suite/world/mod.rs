//! The World: one per scenario. It owns the scenario's state and its typed findings, so the
//! driver can build a verdict without parsing cucumber's step errors.

use std::sync::Arc;
use std::time::Instant;

use crate::catalogue::TestPurpose;
use crate::checks::{Check, Verdict};
use crate::evidence::Evidence;
use crate::model::ApiInvokerEnrolmentDetails;
use crate::net::HttpResponse;
use crate::pki::InvokerKey;
use crate::sut::{Attempt, CoreTarget, InvokerRun, Script};

use super::driver::SuiteTargets;

mod core_ops;
mod credential_ops;
mod invoker_ops;
mod offboarding_ops;
mod response_ops;
mod teardown_ops;

/// The cucumber World of the conformance suite.
///
/// Its `Debug` is a summary (see below), not derived: cucumber's writer formats the World
/// with `{:#?}` for every failed step, whatever the writer's verbosity, and a derived `Debug`
/// of what a core sent (one line per body byte) cost ~200 bytes of memory per byte received.
#[derive(Default, cucumber::World)]
pub struct SuiteWorld {
    /// What this run tests (set by the driver's before hook).
    pub targets: Option<Arc<SuiteTargets>>,
    /// The test purpose of this scenario.
    pub tp: Option<&'static TestPurpose>,
    /// When the scenario started.
    pub started: Option<Instant>,
    /// Everything observed.
    pub evidence: Evidence,
    /// The checks made, in order.
    pub checks: Vec<Check>,
    /// A verdict fixed before any check (not applicable, or a harness error).
    pub decided: Option<(Verdict, String)>,
    /// With a not-applicable verdict that the configuration, not the implementation, caused:
    /// the configuration key that would have this test purpose tested.
    pub not_configured: Option<&'static str>,
    /// State of a scenario with the core under test (the harness plays the invoker).
    pub on_core: CoreScenario,
    /// State of a scenario with the invoker under test (the harness plays the core).
    pub on_invoker: InvokerScenario,
    /// What a pair cell's invoker reported (the harness plays neither side).
    pub on_pair: Option<crate::sut::PairRun>,
}

impl std::fmt::Debug for SuiteWorld {
    /// Sizes and ids only: what a system under test sent never passes through here.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SuiteWorld")
            .field("tp", &self.tp.map(|t| t.id))
            .field("exchanges", &self.evidence.exchanges.len())
            .field("notes", &self.evidence.notes.len())
            .field("checks", &self.checks.len())
            .field("decided", &self.decided.as_ref().map(|(v, _)| *v))
            .field("adapter_runs", &self.on_invoker.runs.len())
            .finish_non_exhaustive()
    }
}

/// What a core-under-test scenario has done and seen so far.
#[derive(Debug, Default)]
pub struct CoreScenario {
    /// The invoker key of this scenario.
    pub key: Option<InvokerKey>,
    /// The apiInvokerInformation and CSR subject that go with `key` (PIXIT templates).
    pub who: Option<crate::pki::HarnessIdentity>,
    /// The latest onboarding attempt's response.
    pub response: Option<HttpResponse>,
    /// The latest attempt as a whole (for teardown checks).
    pub last: Option<Attempt>,
    /// Parsed success body of the latest onboarding.
    pub details: Option<ApiInvokerEnrolmentDetails>,
    /// Status of a cleartext probe.
    pub cleartext_status: Option<Option<u16>>,
    /// Answers to the bodies that each lacked a required field, by field.
    pub missing_field_answers: Vec<(String, HttpResponse)>,
    /// Ids assigned to several invokers.
    pub ids: Vec<String>,
    /// How the core answered a hand-built ClientHello it should refuse (CCF-TLS-02/08/09).
    pub refusal_probe: Option<RefusalProbe>,
    /// A handshake the When step made and the Then step judges (CCF-TLS-01, -06, -07): the
    /// only version offered ("TLS 1.2"), if one was, and what was negotiated or why the
    /// handshake failed.
    pub handshake: Option<(
        Option<String>,
        Result<crate::net::TlsSummary, crate::net::TlsFailure>,
    )>,
    /// The invoker resource's path and the identity its issued certificate gives.
    pub resource: Option<(String, crate::pki::Identity)>,
    /// A DELETE that should have been refused (CCF-OFF-01, -03, -04), kept as it happened.
    pub other_delete: Option<Attempt>,
    /// Whose certificates the DELETE to be refused carried and targeted (CCF-OFF-03/-04).
    pub presented: crate::checks::Presented,
    /// After a second DELETE answered 2xx (idempotent, so no proof either way): a PUT of the
    /// offboarded resource with the same certificate (CCF-OFF-01).
    pub other_put: Option<Attempt>,
    /// After the same key was refused onboarding again: whether the old resource still
    /// answered a DELETE with 2xx (the profile was never deleted: CCF-OFF-01's finding).
    pub profile_survived: Option<bool>,
    /// Answers to credentials the core must refuse, by what was sent (CCF-CRED-19; the first
    /// is the request without a credential), and whether that was a Bearer token (CCF-CRED-20).
    pub refusals: Vec<((String, HttpResponse), bool)>,
    /// CCF-TLS-13/14: the restricted TLS 1.3 handshake.
    pub restricted: Option<Restricted>,
    /// CCF-TLS-15: the answer to the hello proposing the weaker suites first, and the suite
    /// it selected.
    pub suite_preference: Option<(crate::sut::LegacyHelloOutcome, Option<u16>)>,
    /// CCF-TLS-16: the chain the core presents, read without verification.
    pub presented_chain: Option<Result<Vec<rustls_pki_types::CertificateDer<'static>>, String>>,
    /// CCF-TLS-17: what the early-data probe showed.
    pub early_data: Option<Result<crate::sut::early_data::EarlyData, String>>,
    /// CCF-TLS-11/12: the run's TLS 1.2 enumeration.
    pub tls12: Option<crate::sut::tls_enumeration::Enumeration>,
    /// CCF-TLS-10: the handshake offering TLS 1.2 and 1.3, then the one offering only 1.3.
    pub version_preference: Option<(
        Result<crate::net::TlsSummary, crate::net::TlsFailure>,
        Result<crate::net::TlsSummary, crate::net::TlsFailure>,
    )>,
    /// The notification trials with the impostor receiver (CCF-OK-10).
    pub impostors: Option<crate::sut::ImpostorRun>,
    /// The property-based campaign CCF-FUZZ-01..05 judge (`fuzz`).
    pub campaign: Option<std::sync::Arc<crate::fuzz::Campaign>>,
}

/// A TLS 1.3 handshake offering one suite or group only (CCF-TLS-13/14).
#[derive(Debug)]
pub struct Restricted {
    /// What was offered.
    pub offer: String,
    /// The requirement it rests on, for the reason.
    pub requirement: &'static str,
    /// What came of it.
    pub outcome: Result<crate::net::TlsSummary, crate::net::TlsFailure>,
    /// After a failure: whether a TLS 1.3 handshake offering everything completes (None: not
    /// asked, the restricted one completed).
    pub any_tls13: Option<bool>,
}

/// What an invoker-under-test scenario has scripted and run so far.
#[derive(Debug, Default)]
pub struct InvokerScenario {
    /// What the played core does in this scenario (invoker under test).
    pub script: Script,
    /// The adapter runs of this scenario.
    pub runs: Vec<InvokerRun>,
    /// The property-based campaign INV-FUZZ-01..03 judge (`fuzz --sut invoker`).
    pub campaign: Option<std::sync::Arc<crate::fuzz::invoker::InvokerCampaign>>,
}

/// A hand-built ClientHello the core should refuse, and its answer: observed by a When step,
/// judged by "Then the core refuses the handshake".
#[derive(Debug, Clone)]
pub enum RefusalProbe {
    /// Each legacy version offered with every suite that exists for it.
    Legacy(Vec<crate::sut::tls_enumeration::VersionProbe>),
    /// Every TLS 1.2 suite the core accepts (enumerated), to be graded as `grade`, after the
    /// control hello with the recommended suites got `control`.
    Suites {
        /// What the enumeration found.
        found: crate::sut::tls_enumeration::Enumeration,
        /// The grade this test purpose judges.
        grade: crate::net::suites::Grade,
        /// The answer to the positive control.
        control: crate::sut::LegacyHelloOutcome,
    },
}

/// How a step ends when the scenario cannot go on: the reason, for cucumber's own report.
pub type StepResult = Result<(), String>;

impl SuiteWorld {
    /// Whether a verdict is already fixed (later steps do nothing).
    pub fn decided(&self) -> bool {
        self.decided.is_some()
    }

    /// The core under test, or a harness error if this run has none.
    pub fn core(&self) -> Result<CoreTarget, String> {
        self.targets
            .as_ref()
            .and_then(|t| t.core.clone())
            .ok_or_else(|| "this run has no core under test".to_string())
    }

    /// Fix the verdict to `error` with `reason` and stop the scenario.
    pub fn harness_error(&mut self, reason: impl Into<String>) -> StepResult {
        self.decide(Verdict::Error, reason.into())
    }

    /// Fix the verdict to not applicable with `reason` and stop the scenario.
    pub fn not_applicable(&mut self, reason: impl Into<String>) -> StepResult {
        self.decide(Verdict::NotApplicable, reason.into())
    }

    /// Fix the verdict and stop the scenario. Every step that fixes a verdict stops through
    /// here (an `Err` makes cucumber skip the scenario's remaining steps), so no step has to
    /// ask whether the scenario was decided before it.
    fn decide(&mut self, verdict: Verdict, reason: String) -> StepResult {
        self.decided = Some((verdict, reason.clone()));
        Err(reason)
    }

    /// The first step of every scenario: stops it when it is already decided (not applicable
    /// by the run's configuration, set before it started) or the run was interrupted.
    pub fn begin(&mut self) -> StepResult {
        self.stop_if_interrupted()?;
        match &self.decided {
            Some((_, reason)) => Err(reason.clone()),
            None => Ok(()),
        }
    }

    /// On an interrupted run (SIGTERM/SIGINT) the scenario ends as a harness error at its next
    /// step boundary (its beginning or its next check), never judged on a cut-short run.
    fn stop_if_interrupted(&mut self) -> StepResult {
        if self.decided.is_none() && crate::sut::processes::interrupted() {
            return self.harness_error(
                "error: interrupted (SIGTERM/SIGINT) before this test purpose finished",
            );
        }
        Ok(())
    }

    /// Record a check; a failed or blocked one stops the scenario.
    pub fn check(&mut self, c: Check) -> StepResult {
        self.stop_if_interrupted()?;
        let failed = matches!(c, Check::Fail(_) | Check::Blocked { .. });
        let reason = c.explained();
        self.checks.push(c);
        if failed {
            Err(reason)
        } else {
            Ok(())
        }
    }

    /// The test purpose whose failure explains why this scenario was not tested, if any.
    pub fn blocked_by(&self) -> Option<&'static str> {
        if self.decided.is_some() || self.checks.iter().any(|c| matches!(c, Check::Fail(_))) {
            return None;
        }
        self.checks.iter().find_map(|c| match c {
            Check::Blocked { by, .. } => *by,
            _ => None,
        })
    }

    /// The verdict and its reason, from what the scenario recorded and how cucumber ended it.
    pub fn verdict(&self, step_error: Option<&str>) -> (Verdict, String) {
        if let Some(d) = &self.decided {
            return d.clone();
        }
        if let Some(Check::Fail(r)) = self.checks.iter().find(|c| matches!(c, Check::Fail(_))) {
            return (Verdict::Fail, r.clone());
        }
        // A precondition that did not hold stops the scenario: inconclusive, never a failure.
        if let Some(b) = self
            .checks
            .iter()
            .find(|c| matches!(c, Check::Blocked { .. }))
        {
            return (Verdict::Inconclusive, b.explained());
        }
        if let Some(e) = step_error {
            return (Verdict::Error, format!("harness error: {e}"));
        }
        if let Some(Check::Inconclusive(r)) = self
            .checks
            .iter()
            .find(|c| matches!(c, Check::Inconclusive(_)))
        {
            return (Verdict::Inconclusive, r.clone());
        }
        if self.checks.is_empty() {
            return (Verdict::Error, "harness error: no check ran".into());
        }
        let reasons: Vec<&str> = self.checks.iter().map(Check::reason).collect();
        // Several cases: the count first, so a reason cut to one breath still says it all.
        let joined = reasons.join("; ");
        match reasons.len() {
            1 => (Verdict::Pass, joined),
            n => (Verdict::Pass, format!("all {n} cases passed: {joined}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_precedence() {
        let mut w = SuiteWorld::default();
        assert_eq!(
            w.verdict(None).0,
            Verdict::Error,
            "no check is never a pass"
        );
        w.checks.push(Check::Pass("a".into()));
        w.checks.push(Check::Pass("b".into()));
        assert_eq!(
            w.verdict(None),
            (Verdict::Pass, "all 2 cases passed: a; b".into())
        );
        assert_eq!(w.verdict(Some("boom")).0, Verdict::Error);
        w.checks.push(Check::Inconclusive("c".into()));
        assert_eq!(w.verdict(None).0, Verdict::Inconclusive);
        w.checks.push(Check::blocked(
            Some("CCF-TLS-01"),
            "no verified TLS session",
        ));
        assert_eq!(
            w.verdict(Some("stopped")),
            (
                Verdict::Inconclusive,
                "not tested: no verified TLS session (see CCF-TLS-01)".into()
            ),
            "a blocked precondition is inconclusive even though it stopped the scenario"
        );
        assert_eq!(w.blocked_by(), Some("CCF-TLS-01"));
        w.checks.push(Check::Fail("d".into()));
        assert_eq!(w.verdict(Some("d")), (Verdict::Fail, "d".into()));
        assert_eq!(w.blocked_by(), None, "a failure is never explained away");
        w.decided = Some((Verdict::NotApplicable, "PICS".into()));
        assert_eq!(w.verdict(None).0, Verdict::NotApplicable);
    }
}
