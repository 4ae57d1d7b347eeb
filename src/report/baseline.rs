//! Baselines: the verdicts a team expects (known deviations, each with a reason), so CI gates
//! on change rather than on a known gap. `--baseline FILE` compares, `--write-baseline FILE`
//! records the current run.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::checks::Verdict;
use crate::fsutil::{write_atomic, FileMode};

/// Current baseline format.
pub const BASELINE_FORMAT: u32 = 1;

/// One expected verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The verdict expected (`fail`, `inconclusive`, `not-applicable`, `error`).
    pub verdict: String,
    /// Why this deviation is known and accepted.
    pub reason: String,
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always 1.
    pub format_version: u32,
    /// What this baseline is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Test purposes whose expected verdict is not `pass`; every other one is expected to pass.
    pub expected: BTreeMap<String, Expected>,
}

/// How a result departs from the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DeviationKind {
    /// It fails and the baseline does not expect that.
    UnexpectedFailure,
    /// The baseline expects a failure that no longer happens (update the baseline).
    FixedSinceBaseline,
    /// Another verdict than the one expected.
    Changed,
}

/// One departure from the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Deviation {
    /// Test purpose id.
    pub id: String,
    /// What the baseline expects.
    pub expected: String,
    /// What happened.
    pub actual: String,
    /// Which kind.
    pub kind: DeviationKind,
}

impl Deviation {
    /// A sentence for the console and reports.
    pub fn describe(&self) -> String {
        match self.kind {
            DeviationKind::UnexpectedFailure => format!(
                "{}: unexpected {} (baseline expects {})",
                self.id, self.actual, self.expected
            ),
            DeviationKind::FixedSinceBaseline => format!(
                "{}: expected {} no longer happens, it is now {} (update the baseline)",
                self.id, self.expected, self.actual
            ),
            DeviationKind::Changed => format!(
                "{}: {} instead of the expected {}",
                self.id, self.actual, self.expected
            ),
        }
    }
}

/// A baseline that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("baseline {path}: {problem}\n  fix: {fix}")]
pub struct BaselineError {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub problem: String,
    /// What to do.
    pub fix: String,
}

impl Baseline {
    /// Read and check a baseline file.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let err = |problem: String, fix: &str| BaselineError {
            path: path.display().to_string(),
            problem,
            fix: fix.into(),
        };
        let bytes =
            crate::fsutil::read_limited(path, crate::fsutil::MAX_INPUT_FILE).map_err(|e| {
                err(
                    e.to_string(),
                    "pass an existing file, or create one with --write-baseline",
                )
            })?;
        let b: Baseline = serde_json::from_slice(&bytes).map_err(|e| {
            err(
                format!("not a baseline: {e}"),
                "see README.md (Baselines) for the format",
            )
        })?;
        if b.format_version != BASELINE_FORMAT {
            return Err(err(
                format!("format_version {} is not supported", b.format_version),
                "regenerate it with --write-baseline",
            ));
        }
        for (id, e) in &b.expected {
            if crate::catalogue::find(id).is_none() {
                return Err(err(
                    format!("{id} is not a test purpose id"),
                    "check the id with `capif-conformance list`",
                ));
            }
            if Verdict::parse(&e.verdict).is_none() {
                return Err(err(
                    format!("{id}: {:?} is not a verdict", e.verdict),
                    "use pass, fail, inconclusive, not-applicable or error",
                ));
            }
            if e.reason.trim().is_empty() {
                return Err(err(
                    format!("{id}: every expected deviation needs a reason"),
                    "write why it is accepted",
                ));
            }
        }
        Ok(b)
    }

    /// The baseline that expects exactly `results` (id, verdict, reason).
    pub fn from_results<'a>(
        results: impl IntoIterator<Item = (&'a str, Verdict, &'a str)>,
    ) -> Self {
        let expected = results
            .into_iter()
            .filter(|(_, v, _)| !matches!(v, Verdict::Pass))
            .map(|(id, v, reason)| {
                (
                    id.to_string(),
                    Expected {
                        verdict: v.as_str().into(),
                        reason: format!("recorded from a run: {reason}"),
                    },
                )
            })
            .collect();
        Self {
            format_version: BASELINE_FORMAT,
            description: Some(
                "written by capif-conformance --write-baseline; review every reason".into(),
            ),
            expected,
        }
    }

    /// Write it (atomically).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        json.push(b'\n');
        write_atomic(path, &json, FileMode::Public)
    }

    /// The verdict expected for `id`.
    pub fn expected(&self, id: &str) -> Verdict {
        self.expected
            .get(id)
            .and_then(|e| Verdict::parse(&e.verdict))
            .unwrap_or(Verdict::Pass)
    }

    /// Every departure of `results` (id, verdict) from this baseline.
    pub fn compare<'a>(
        &self,
        results: impl IntoIterator<Item = (&'a str, Verdict)>,
    ) -> Vec<Deviation> {
        let mut out = Vec::new();
        for (id, actual) in results {
            let expected = self.expected(id);
            // Not applicable is never a deviation from an expected pass: PICS decides it.
            if actual == expected || (expected == Verdict::Pass && actual == Verdict::NotApplicable)
            {
                continue;
            }
            let kind = match (expected, actual) {
                (_, Verdict::Fail) => DeviationKind::UnexpectedFailure,
                (Verdict::Fail, Verdict::Pass) => DeviationKind::FixedSinceBaseline,
                _ => DeviationKind::Changed,
            };
            out.push(Deviation {
                id: id.to_string(),
                expected: expected.as_str().into(),
                actual: actual.as_str().into(),
                kind,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Baseline {
        Baseline::from_results([
            ("INV-TD-03", Verdict::Fail, "no close_notify"),
            ("INV-TD-01", Verdict::Pass, "ok"),
        ])
    }

    #[test]
    fn matching_results_have_no_deviation() {
        let b = baseline();
        assert_eq!(b.expected.len(), 1);
        assert!(b
            .compare([
                ("INV-TD-03", Verdict::Fail),
                ("INV-TD-01", Verdict::Pass),
                ("INV-OK-01", Verdict::NotApplicable)
            ])
            .is_empty());
    }

    #[test]
    fn unexpected_failures_and_fixed_failures_are_deviations() {
        let d = baseline().compare([("INV-TD-03", Verdict::Pass), ("INV-TD-01", Verdict::Fail)]);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].kind, DeviationKind::FixedSinceBaseline);
        assert_eq!(d[1].kind, DeviationKind::UnexpectedFailure);
        assert!(d[0].describe().contains("no longer happens"));
    }

    #[test]
    fn load_refuses_unknown_ids_and_missing_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("b.json");
        std::fs::write(
            &p,
            r#"{"format_version":1,"expected":{"NOPE-1":{"verdict":"fail","reason":"r"}}}"#,
        )
        .unwrap();
        assert!(Baseline::load(&p)
            .unwrap_err()
            .to_string()
            .contains("NOPE-1"));
        std::fs::write(
            &p,
            r#"{"format_version":1,"expected":{"CCF-TD-03":{"verdict":"fail","reason":" "}}}"#,
        )
        .unwrap();
        assert!(Baseline::load(&p)
            .unwrap_err()
            .to_string()
            .contains("reason"));
        baseline().save(&p).unwrap();
        assert_eq!(Baseline::load(&p).unwrap(), baseline());
    }
}
