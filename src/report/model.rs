//! The report model: what `report.json` holds (documented field by field in README.md).

use serde::Serialize;

use super::baseline::Deviation;
use crate::catalogue::{Branch, Requirement, Severity, Sut};
use crate::checks::Verdict;
use crate::evidence::Evidence;
use crate::suite::Outcome;

/// Version of the `report.json` format; bumped on incompatible change.
pub const FORMAT_VERSION: u32 = 1;

/// A whole run.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// Format version of this document.
    pub format_version: u32,
    /// `capif-conformance`.
    pub tool: String,
    /// The tool's version.
    pub tool_version: String,
    /// Unique id of the run (also its directory name).
    pub run_id: String,
    /// The exact command line.
    pub command_line: Vec<String>,
    /// Start, RFC 3339 UTC.
    pub started_at: String,
    /// Wall time of the run.
    pub duration_ms: u64,
    /// The SUT configuration file, if any (none: the embedded reference peers).
    pub config: Option<String>,
    /// The systems under test.
    pub suts: Vec<SutDescription>,
    /// Counts by verdict.
    pub summary: Summary,
    /// The specification releases the run's verdicts rest on: each document cited by a
    /// result, with the versions its texts were read in ([`specifications`]).
    pub specifications: Vec<String>,
    /// One entry per test purpose run.
    pub results: Vec<ResultEntry>,
    /// The comparison with `--baseline`, if one was given.
    pub baseline: Option<BaselineReport>,
    /// The exit code the run returns (README "Exit codes"); every headline quotes it.
    pub exit_code: i32,
    /// The matrix cell this run is (`run --matrix F --cell I`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<CellInfo>,
}

/// Which cell of which matrix a run is: what `merge` checks (same tool version, same matrix,
/// every cell exactly once) and what makes a collected report directory describe itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct CellInfo {
    /// The matrix file's `id`.
    pub matrix: String,
    /// SHA-256 of the matrix's cell list (kinds, roles, names in order).
    pub matrix_fingerprint: String,
    /// 0-based index of the cell.
    pub index: usize,
    /// How many cells the matrix has.
    pub total: usize,
    /// `conformance`.
    pub kind: String,
    /// `core` or `invoker`: the role of the implementation tested.
    pub role: String,
    /// The implementation's name in the matrix.
    pub implementation: String,
    /// `<role>-<implementation>`, also the cell's output directory.
    pub name: String,
}

impl Report {
    /// A copy with every string made safe ([`crate::untrusted::safe`]): secrets masked, only
    /// characters every output format allows. The one step between the model and every
    /// renderer.
    pub fn scrubbed(&self) -> Report {
        let mut r = self.clone();
        r.each_string(&mut |s| {
            let safe = crate::untrusted::safe(s);
            if safe != *s {
                *s = safe;
            }
        });
        r
    }

    /// Call `f` on every string of the report. A self-test checks through report.json that
    /// none is left out, so a field added later cannot bypass [`Report::scrubbed`].
    pub fn each_string(&mut self, f: &mut dyn FnMut(&mut String)) {
        for s in [
            &mut self.tool,
            &mut self.tool_version,
            &mut self.run_id,
            &mut self.started_at,
        ] {
            f(s);
        }
        self.command_line.iter_mut().for_each(&mut *f);
        self.config.iter_mut().for_each(&mut *f);
        for d in &mut self.suts {
            f(&mut d.description);
            d.product.iter_mut().for_each(&mut *f);
            d.trusted_roots.iter_mut().for_each(&mut *f);
            for (k, v) in &mut d.pics {
                f(k);
                f(v);
            }
            d.warnings.iter_mut().for_each(&mut *f);
        }
        self.specifications.iter_mut().for_each(&mut *f);
        for x in &mut self.results {
            for s in [
                &mut x.id,
                &mut x.title,
                &mut x.reason,
                &mut x.requirement,
                &mut x.severity_rule,
            ] {
                f(s);
            }
            for s in [
                &mut x.blocked_by,
                &mut x.not_configured,
                &mut x.expected,
                &mut x.reason_full,
            ] {
                s.iter_mut().for_each(&mut *f);
            }
            x.spec_refs.iter_mut().for_each(&mut *f);
            for r in &mut x.requirements {
                for s in [
                    &mut r.id,
                    &mut r.document,
                    &mut r.version,
                    &mut r.clause,
                    &mut r.text,
                    &mut r.source,
                ] {
                    f(s);
                }
                r.note.iter_mut().for_each(&mut *f);
            }
            x.evidence.each_string(f);
        }
        if let Some(c) = &mut self.cell {
            for s in [
                &mut c.matrix,
                &mut c.matrix_fingerprint,
                &mut c.kind,
                &mut c.role,
                &mut c.implementation,
                &mut c.name,
            ] {
                f(s);
            }
        }
        if let Some(b) = &mut self.baseline {
            f(&mut b.file);
            for d in &mut b.deviations {
                f(&mut d.id);
                f(&mut d.expected);
                f(&mut d.actual);
            }
        }
    }
}

/// The documents `results` cite, each with the versions its texts were read in, in document
/// order: "3GPP TS 33.122 V18 and V18.1.0".
pub fn specifications(results: &[ResultEntry]) -> Vec<String> {
    let mut docs: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for r in results.iter().flat_map(|x| &x.requirements) {
        docs.entry(&r.document).or_default().insert(&r.version);
    }
    docs.into_iter()
        .map(|(d, v)| format!("{d} {}", v.into_iter().collect::<Vec<_>>().join(" and ")))
        .collect()
}

/// The comparison of a run with a baseline.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BaselineReport {
    /// The baseline file.
    pub file: String,
    /// Departures from it (empty: the run matches).
    pub deviations: Vec<Deviation>,
}

/// One system under test, as the run saw it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SutDescription {
    /// core or invoker.
    pub role: Sut,
    /// What it is (URL, command, "embedded reference core").
    pub description: String,
    /// The product under test as the vendor names it (`[core] description`, `[invoker]
    /// description`): name and version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Certificates provisioned for it, as SHA-256 fingerprints.
    pub trusted_roots: Vec<String>,
    /// PICS as declared, `key = value`.
    pub pics: Vec<(String, String)>,
    /// What the reader must know first about how the SUT was reached (e.g. a register login
    /// sent in clear); shown at the top of every report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

impl SutDescription {
    /// The product's name (when the vendor gave one), then how the run reached it: the one
    /// line every report and the console show for this system under test.
    pub fn title(&self) -> String {
        match &self.product {
            Some(p) => format!("{p} — {}", self.description),
            None => self.description.clone(),
        }
    }
}

/// Counts by verdict.
#[derive(
    Debug, Clone, Default, Serialize, serde::Deserialize, PartialEq, Eq, schemars::JsonSchema,
)]
pub struct Summary {
    /// Test purposes run.
    pub total: usize,
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Inconclusive.
    pub inconclusive: usize,
    /// Not applicable.
    pub not_applicable: usize,
    /// Harness errors.
    pub error: usize,
    /// Failed mandatory test purposes (what gates CI).
    pub mandatory_fail: usize,
    /// Of the not-applicable ones: not tested because of the configuration (a key would have
    /// them tested), as opposed to the implementation's declared capabilities.
    pub not_configured: usize,
}

impl Summary {
    /// The summary of `results`, with the count of what the configuration left untested.
    pub fn of_results(results: &[ResultEntry]) -> Self {
        let mut s = Summary::of(results.iter().map(|r| (&r.verdict, r.severity)));
        s.not_configured = results
            .iter()
            .filter(|r| r.not_configured.is_some())
            .count();
        s
    }

    /// Nothing applicable was tested: no test purpose passed or failed.
    pub fn tested_nothing(&self) -> bool {
        self.total > 0 && self.pass == 0 && self.fail == 0
    }

    /// Count `outcomes`.
    pub fn of<'a>(outcomes: impl IntoIterator<Item = (&'a Verdict, Severity)>) -> Self {
        let mut s = Summary::default();
        for (v, sev) in outcomes {
            s.total += 1;
            match v {
                Verdict::Pass => s.pass += 1,
                Verdict::Fail => {
                    s.fail += 1;
                    if sev == Severity::Mandatory {
                        s.mandatory_fail += 1;
                    }
                }
                Verdict::Inconclusive => s.inconclusive += 1,
                Verdict::NotApplicable => s.not_applicable += 1,
                Verdict::Error => s.error += 1,
            }
        }
        s
    }
}

/// The result of one test purpose.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ResultEntry {
    /// Test purpose id.
    pub id: String,
    /// Required behaviour.
    pub title: String,
    /// Role of the SUT.
    pub sut: Sut,
    /// Branch of Figure B.1-1.
    pub branch: Branch,
    /// mandatory / recommended / informational.
    pub severity: Severity,
    /// pass / fail / inconclusive / not-applicable / error.
    pub verdict: Verdict,
    /// Why, read in one breath: at most [`REASON_MAX`] characters, the finding first; a longer
    /// reason is cut at a clause boundary and kept whole in `reason_full`.
    pub reason: String,
    /// The whole reason, when `reason` had to be cut (lists of suites, headers, cases).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_full: Option<String>,
    /// For an inconclusive result whose precondition did not hold: the test purpose whose
    /// verdict explains it (one defect, one failure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<String>,
    /// For a not-applicable verdict the configuration caused: the key that would have this
    /// test purpose tested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_configured: Option<String>,
    /// Clauses enforced, as published ("TS 33.122 §6.1").
    pub spec_refs: Vec<String>,
    /// The cited sentences with their citations, in one string (for readers of format 1).
    pub requirement: String,
    /// The requirements cited, each with document, version, clause, keyword, status and the
    /// sentence as read.
    pub requirements: Vec<Requirement>,
    /// Why the test purpose has its severity: the deciding keyword and clause, or the
    /// declared project policy ("project policy: …").
    pub severity_rule: String,
    /// Wall time.
    pub duration_ms: u64,
    /// The verdict the baseline expects, when a baseline lists this test purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What was observed.
    pub evidence: Evidence,
}

impl From<&Outcome> for ResultEntry {
    fn from(o: &Outcome) -> Self {
        let (reason, reason_full) = one_breath(&o.reason);
        Self {
            id: o.tp.id.into(),
            title: o.tp.title.into(),
            sut: o.tp.sut,
            branch: o.tp.branch,
            severity: o.tp.severity(),
            verdict: o.verdict,
            reason,
            reason_full,
            blocked_by: o.blocked_by.map(str::to_string),
            not_configured: o.not_configured.map(str::to_string),
            spec_refs: o.tp.spec_refs(),
            requirement: o.tp.requirement_text(),
            requirements: o.tp.cited().cloned().collect(),
            severity_rule: o.tp.severity_rule(),
            duration_ms: o.duration_ms,
            expected: None,
            evidence: o.evidence.clone(),
        }
    }
}

/// The longest reason a report shows where a person reads it (the verdict table, the console,
/// a JUnit message): the rest is in `reason_full` and the test purpose's detail.
pub const REASON_MAX: usize = 300;

/// What a reader reads of `reason`: itself when short; otherwise its first clauses up to
/// [`REASON_MAX`] characters (cut after "; ", ". ", ": " or ", ", else at a space) with a
/// pointer to the rest, and the whole reason beside it.
pub fn one_breath(reason: &str) -> (String, Option<String>) {
    const MORE: &str = " … (in full in the detail)";
    if reason.chars().count() <= REASON_MAX {
        return (reason.to_string(), None);
    }
    let budget = REASON_MAX - MORE.chars().count();
    let head: String = reason.chars().take(budget).collect();
    // The latest clause boundary in the second half of the budget, else the last space.
    let cut = ["; ", ". ", ": ", ", "]
        .iter()
        .filter_map(|sep| head.rfind(sep).map(|i| i + sep.len() - 1))
        .filter(|i| *i >= budget / 2)
        .max()
        .or_else(|| head.rfind(' ').filter(|i| *i >= budget / 2))
        .unwrap_or(head.len());
    let short = head[..cut].trim_end_matches([' ', ';', ',', ':']);
    (format!("{short}{MORE}"), Some(reason.to_string()))
}

/// Counts per role and branch of Figure B.1-1, in figure order, for the tables of the console
/// and the Markdown report (branches without results are left out).
pub fn branch_counts(results: &[ResultEntry]) -> Vec<(Sut, Branch, Summary)> {
    let mut rows = Vec::new();
    for sut in Sut::ALL {
        for branch in Branch::ALL {
            let s = Summary::of(
                results
                    .iter()
                    .filter(|r| r.sut == sut && r.branch == branch)
                    .map(|r| (&r.verdict, r.severity)),
            );
            if s.total > 0 {
                rows.push((sut, branch, s));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_long_reason_is_cut_at_a_clause_and_kept_whole() {
        let short = "the 401 has no WWW-Authenticate challenge";
        assert_eq!(one_breath(short), (short.to_string(), None));
        let cases: Vec<String> = (0..12)
            .map(|i| format!("case {i} was not taken as success (the adapter exited with 1)"))
            .collect();
        let long = cases.join("; ");
        let (cut, full) = one_breath(&long);
        assert_eq!(full.as_deref(), Some(long.as_str()));
        assert!(cut.chars().count() <= REASON_MAX, "{cut}");
        // Cut after a whole case, never inside one.
        assert!(
            cut.ends_with("(the adapter exited with 1) … (in full in the detail)"),
            "{cut}"
        );
    }

    proptest! {
        /// Whatever a check or a system under test puts in a reason: what a reader sees is at
        /// most REASON_MAX characters, starts as the reason does, and nothing is lost.
        #[test]
        fn what_a_reader_sees_is_short_and_nothing_is_lost(reason in "\\PC{0,900}") {
            let (cut, full) = one_breath(&reason);
            prop_assert!(cut.chars().count() <= REASON_MAX);
            match full {
                None => prop_assert_eq!(&cut, &reason),
                Some(f) => {
                    prop_assert_eq!(&f, &reason);
                    let kept = cut.trim_end_matches(" … (in full in the detail)");
                    prop_assert!(reason.starts_with(kept), "{:?} / {:?}", kept, reason);
                }
            }
        }
    }
}
