//! Earlier runs read back from their `report.json`: two runs compared (`capif-conformance diff
//! OLD NEW`: which verdicts changed, which test purposes are new or gone, which changed
//! severity, whether the new run regressed; the view a CI gate and a vendor's release notes
//! need), and the selection of `run --rerun-failed DIR`.
//!
//! A regression is a test purpose that fails or errs now and did not before (a new one that
//! fails included), or one that passed and is now inconclusive: no longer verified is not
//! "still fine". An improvement is a failure or error that now passes. Anything else that
//! moved is listed as changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// One test purpose's result as a report.json holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// Its title.
    pub title: String,
    /// mandatory / recommended / optional / informational.
    pub severity: String,
    /// pass / fail / inconclusive / not-applicable / error.
    pub verdict: String,
    /// Its reason.
    pub reason: String,
}

/// The results of one run, by test purpose id.
#[derive(Debug, Clone)]
pub struct RunResults {
    /// Where they were read from.
    pub path: PathBuf,
    /// id → result.
    pub results: BTreeMap<String, Row>,
}

/// How a test purpose moved between the runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Movement {
    /// Fails or errs now and did not before, or passed and is no longer verified.
    Regressed,
    /// Failed or erred before and passes now.
    Improved,
    /// Its verdict changed otherwise.
    Changed,
    /// Only in the new run.
    Added,
    /// Only in the old run.
    Removed,
    /// Same verdict, another severity.
    SeverityChanged,
}

impl Movement {
    fn word(self) -> &'static str {
        match self {
            Movement::Regressed => "regressed",
            Movement::Improved => "improved",
            Movement::Changed => "changed",
            Movement::Added => "new",
            Movement::Removed => "removed",
            Movement::SeverityChanged => "severity changed",
        }
    }
}

/// One line of the comparison.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Change {
    /// Test purpose id.
    pub id: String,
    /// How it moved.
    pub movement: Movement,
    /// Its result in the old run.
    pub old: Option<Row>,
    /// Its result in the new run.
    pub new: Option<Row>,
}

/// The comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    /// The old report.
    pub old: PathBuf,
    /// The new report.
    pub new: PathBuf,
    /// What moved, regressions first, then by id.
    pub changes: Vec<Change>,
    /// Test purposes in both runs with the same verdict and severity.
    pub unchanged: usize,
}

/// The results array of the report at `path` (a report.json, or a run directory holding one,
/// such as `reports/latest`), and the file it came from.
fn read_results(path: &Path) -> Result<(PathBuf, Vec<serde_json::Value>), String> {
    let file = if path.is_dir() {
        path.join("report.json")
    } else {
        path.to_path_buf()
    };
    let text = crate::fsutil::read_text(&file).map_err(|e| {
        format!(
            "{}: {e} (give a report.json or a run directory)",
            file.display()
        )
    })?;
    let mut json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", file.display()))?;
    match json["results"].take() {
        serde_json::Value::Array(results) => Ok((file, results)),
        _ => Err(format!(
            "{}: no \"results\" array: not a capif-conformance report.json",
            file.display()
        )),
    }
}

/// Read the run at `path` (see [`read_results`]).
pub fn load(path: &Path) -> Result<RunResults, String> {
    let (file, results) = read_results(path)?;
    let text_of =
        |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    let mut out = BTreeMap::new();
    for r in &results {
        let Some(id) = r["id"].as_str() else {
            return Err(format!("{}: a result without an id", file.display()));
        };
        out.insert(
            id.to_string(),
            Row {
                title: text_of(r, "title"),
                severity: text_of(r, "severity"),
                verdict: text_of(r, "verdict"),
                reason: text_of(r, "reason"),
            },
        );
    }
    Ok(RunResults {
        path: file,
        results: out,
    })
}

/// `run --rerun-failed DIR`: the tag expression selecting the test purposes of that run that
/// failed, were inconclusive or erred, and those their inconclusive verdicts point at (the
/// root cause is run again with them). None: nothing to rerun.
pub fn rerun_tags(path: &Path) -> Result<Option<String>, String> {
    let (_, results) = read_results(path)?;
    let mut ids = std::collections::BTreeSet::new();
    for r in &results {
        if matches!(
            r["verdict"].as_str(),
            Some("fail" | "inconclusive" | "error")
        ) {
            ids.extend(r["id"].as_str());
            ids.extend(r["blocked_by"].as_str());
        }
    }
    // Only ids this harness knows: a report is input, and a tag is code for the parser.
    let known: Vec<String> = ids
        .into_iter()
        .filter(|id| crate::catalogue::find(id).is_some())
        .map(|id| format!("@{id}"))
        .collect();
    Ok((!known.is_empty()).then(|| known.join(" or ")))
}

/// How a verdict moved from `old` to `new` (None: it did not).
fn movement(old: &str, new: &str) -> Option<Movement> {
    let bad = |v: &str| matches!(v, "fail" | "error");
    if old == new {
        return None;
    }
    Some(
        if bad(new) && !bad(old) || (old == "pass" && new == "inconclusive") {
            Movement::Regressed
        } else if bad(old) && new == "pass" {
            Movement::Improved
        } else {
            Movement::Changed
        },
    )
}

/// Compare two runs.
pub fn diff(old: &RunResults, new: &RunResults) -> Diff {
    let mut changes = Vec::new();
    let mut unchanged = 0;
    let ids: std::collections::BTreeSet<&String> =
        old.results.keys().chain(new.results.keys()).collect();
    for id in ids {
        let (o, n) = (old.results.get(id), new.results.get(id));
        let moved = match (o, n) {
            (None, Some(n)) => Some(if matches!(n.verdict.as_str(), "fail" | "error") {
                Movement::Regressed
            } else {
                Movement::Added
            }),
            (Some(_), None) => Some(Movement::Removed),
            (Some(o), Some(n)) => movement(&o.verdict, &n.verdict)
                .or((o.severity != n.severity).then_some(Movement::SeverityChanged)),
            (None, None) => None,
        };
        match moved {
            Some(movement) => changes.push(Change {
                id: id.clone(),
                movement,
                old: o.cloned(),
                new: n.cloned(),
            }),
            None => unchanged += 1,
        }
    }
    changes.sort_by(|a, b| (a.movement, &a.id).cmp(&(b.movement, &b.id)));
    Diff {
        old: old.path.clone(),
        new: new.path.clone(),
        changes,
        unchanged,
    }
}

impl Diff {
    /// Whether the new run regressed (the exit code says so).
    pub fn regressed(&self) -> bool {
        self.changes
            .iter()
            .any(|c| c.movement == Movement::Regressed)
    }

    fn counts(&self) -> String {
        let mut by: BTreeMap<Movement, usize> = BTreeMap::new();
        for c in &self.changes {
            *by.entry(c.movement).or_default() += 1;
        }
        let mut parts: Vec<String> = by
            .iter()
            .map(|(m, n)| format!("{n} {}", m.word()))
            .collect();
        parts.push(format!("{} unchanged", self.unchanged));
        parts.join(", ")
    }

    fn verdicts(c: &Change) -> (String, String) {
        let show = |r: &Option<Row>| {
            r.as_ref()
                .map(|r| format!("{} ({})", r.verdict, r.severity))
                .unwrap_or_else(|| "—".into())
        };
        (show(&c.old), show(&c.new))
    }

    /// Plain text, one line per change.
    pub fn text(&self) -> String {
        let mut out = format!(
            "{}\n  old: {}\n  new: {}\n{}\n",
            if self.regressed() {
                "REGRESSED"
            } else {
                "no regression"
            },
            self.old.display(),
            self.new.display(),
            self.counts()
        );
        for c in &self.changes {
            let (o, n) = Self::verdicts(c);
            let row = c.new.as_ref().or(c.old.as_ref());
            out.push_str(&format!(
                "  {:<17} {:<12} {o} -> {n}  {}\n",
                c.movement.word(),
                c.id,
                row.map(|r| crate::untrusted::safe(&r.title))
                    .unwrap_or_default()
            ));
        }
        out
    }

    /// Markdown for a pull-request comment: the outcome, the counts, a table of changes with
    /// the new reason.
    pub fn markdown(&self) -> String {
        let cell = |s: &str| {
            crate::untrusted::safe(s)
                .replace('|', "\\|")
                .replace('\n', " ")
        };
        let mut out = format!(
            "### {} \n\n{}\n\n",
            if self.regressed() {
                "❌ Conformance regressed"
            } else {
                "✅ No conformance regression"
            },
            self.counts()
        );
        if self.changes.is_empty() {
            return out;
        }
        out.push_str(
            "| change | test purpose | before | now | reason now |\n|---|---|---|---|---|\n",
        );
        for c in &self.changes {
            let (o, n) = Self::verdicts(c);
            let row = c.new.as_ref().or(c.old.as_ref());
            out.push_str(&format!(
                "| {} | **{}** {} | {o} | {n} | {} |\n",
                c.movement.word(),
                cell(&c.id),
                row.map(|r| cell(&r.title)).unwrap_or_default(),
                c.new.as_ref().map(|r| cell(&r.reason)).unwrap_or_default()
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rows: &[(&str, &str, &str)]) -> RunResults {
        RunResults {
            path: PathBuf::from("r/report.json"),
            results: rows
                .iter()
                .map(|(id, verdict, severity)| {
                    (
                        id.to_string(),
                        Row {
                            title: format!("title of {id}"),
                            severity: severity.to_string(),
                            verdict: verdict.to_string(),
                            reason: format!("{id} is {verdict}"),
                        },
                    )
                })
                .collect(),
        }
    }

    #[test]
    fn movements_are_classified_and_regressions_decide() {
        let old = run(&[
            ("A", "pass", "mandatory"),
            ("B", "fail", "mandatory"),
            ("C", "pass", "mandatory"),
            ("D", "not-applicable", "optional"),
            ("E", "pass", "recommended"),
            ("F", "pass", "mandatory"),
            ("G", "fail", "mandatory"),
        ]);
        let new = run(&[
            ("A", "fail", "mandatory"),
            ("B", "pass", "mandatory"),
            ("C", "inconclusive", "mandatory"),
            ("D", "pass", "optional"),
            ("E", "pass", "mandatory"),
            ("G", "inconclusive", "mandatory"),
            ("H", "pass", "mandatory"),
            ("I", "fail", "recommended"),
        ]);
        let d = diff(&old, &new);
        let of = |id: &str| d.changes.iter().find(|c| c.id == id).map(|c| c.movement);
        assert_eq!(of("A"), Some(Movement::Regressed));
        assert_eq!(of("B"), Some(Movement::Improved));
        assert_eq!(of("C"), Some(Movement::Regressed), "no longer verified");
        assert_eq!(of("D"), Some(Movement::Changed));
        assert_eq!(of("E"), Some(Movement::SeverityChanged));
        assert_eq!(of("F"), Some(Movement::Removed));
        assert_eq!(of("G"), Some(Movement::Changed));
        assert_eq!(of("H"), Some(Movement::Added));
        assert_eq!(
            of("I"),
            Some(Movement::Regressed),
            "a new test purpose that fails"
        );
        assert_eq!(d.unchanged, 0);
        assert!(d.regressed());
        // Regressions first.
        assert_eq!(d.changes[0].movement, Movement::Regressed);
        let md = d.markdown();
        assert!(md.starts_with("### ❌ Conformance regressed"), "{md}");
        assert!(md.contains("| regressed | **A** title of A | pass (mandatory) | fail (mandatory) | A is fail |"), "{md}");
        assert!(d.text().starts_with("REGRESSED"));
        // The same run against itself: nothing moved.
        let same = diff(&new, &new);
        assert!(!same.regressed() && same.changes.is_empty() && same.unchanged == 8);
        assert!(same.markdown().contains("No conformance regression"));
    }

    #[test]
    fn a_rerun_selects_what_did_not_pass_and_what_it_points_at() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("report.json");
        let report = serde_json::json!({"results": [
            {"id": "CCF-TLS-01", "verdict": "fail"},
            {"id": "CCF-OK-02", "verdict": "inconclusive", "blocked_by": "CCF-OK-01"},
            {"id": "CCF-OK-03", "verdict": "pass"},
            {"id": "CCF-OK-05", "verdict": "not-applicable"},
            {"id": "INV-TD-01", "verdict": "error"},
            {"id": "NOT-AN-ID) or (@x", "verdict": "fail"},
        ]});
        std::fs::write(&f, report.to_string()).unwrap();
        assert_eq!(
            rerun_tags(dir.path()).unwrap().as_deref(),
            Some("@CCF-OK-01 or @CCF-OK-02 or @CCF-TLS-01 or @INV-TD-01")
        );
        std::fs::write(
            &f,
            r#"{"results": [{"id": "CCF-TLS-01", "verdict": "pass"}]}"#,
        )
        .unwrap();
        assert_eq!(rerun_tags(&f).unwrap(), None);
    }

    #[test]
    fn a_file_that_is_not_a_report_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.json");
        std::fs::write(&f, "{\"format\": 1}").unwrap();
        let e = load(&f).unwrap_err();
        assert!(e.contains("not a capif-conformance report.json"), "{e}");
        let e = load(&dir.path().join("nope")).unwrap_err();
        assert!(e.contains("report.json"), "{e}");
    }
}
