//! Verdicts (README "How verdicts are decided") and the result of one check.

use serde::Serialize;

/// The verdict of a test purpose.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The SUT did what the requirement says.
    Pass,
    /// The SUT did not.
    Fail,
    /// The harness could not observe enough to decide.
    Inconclusive,
    /// PICS says the feature is absent.
    NotApplicable,
    /// The harness itself failed.
    Error,
}

impl Verdict {
    /// The name used in reports and baselines.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
            Verdict::NotApplicable => "not-applicable",
            Verdict::Error => "error",
        }
    }

    /// Parse a name written by [`Verdict::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        [
            Verdict::Pass,
            Verdict::Fail,
            Verdict::Inconclusive,
            Verdict::NotApplicable,
            Verdict::Error,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "result", content = "reason", rename_all = "kebab-case")]
pub enum Check {
    /// Satisfied; what was seen.
    Pass(String),
    /// Violated; expected vs observed.
    Fail(String),
    /// Could not be decided; why.
    Inconclusive(String),
    /// Not tested because a precondition did not hold (verdict: inconclusive). `by` names the
    /// test purpose whose own verdict explains it, when one does: one defect, one failure.
    Blocked {
        /// The root-cause test purpose, e.g. `CCF-TLS-01`.
        by: Option<&'static str>,
        /// What did not hold, with what was observed.
        reason: String,
    },
}

impl Check {
    /// Pass if `ok`, else fail with `reason`.
    pub fn expect(ok: bool, pass: impl Into<String>, fail: impl Into<String>) -> Self {
        if ok {
            Check::Pass(pass.into())
        } else {
            Check::Fail(fail.into())
        }
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        matches!(self, Check::Pass(_))
    }

    /// Not tested because `reason` did not hold; `by` is the test purpose that judges it.
    pub fn blocked(by: Option<&'static str>, reason: impl Into<String>) -> Self {
        Check::Blocked {
            by,
            reason: reason.into(),
        }
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        match self {
            Check::Pass(r) | Check::Fail(r) | Check::Inconclusive(r) => r,
            Check::Blocked { reason, .. } => reason,
        }
    }

    /// The reason as a reader sees it: a blocked check says which test purpose explains it.
    pub fn explained(&self) -> String {
        match self {
            Check::Blocked {
                by: Some(by),
                reason,
            } => {
                format!("not tested: {reason} (see {by})")
            }
            Check::Blocked { by: None, reason } => format!("not tested: {reason}"),
            other => other.reason().to_string(),
        }
    }
}
