//! `merge DIR... --out DIR`: the cells' `report.json` files, collected by whatever engine ran
//! them, made into one matrix result — exactly: every cell of the matrix present once (a
//! missing cell is an error, never a smaller table; a cell twice is an error, never a
//! double count), one tool version, one matrix. The merged summary is the sum of the cells'
//! and the exit code the worst of theirs, each decided by its own gate and baseline, so a
//! matrix of per-role cells gives the verdicts, summary and exit code one `run` gives.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::spec::Matrix;
use crate::exit_codes;
use crate::report::{CellInfo, Summary, FORMAT_VERSION};

/// `matrix.json`'s format version; bumped on incompatible change.
pub const MATRIX_FORMAT_VERSION: u32 = 1;

/// One test purpose of one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CellResult {
    /// Test purpose id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// mandatory / recommended / optional / informational.
    pub severity: String,
    /// pass / fail / inconclusive / not-applicable / error.
    pub verdict: String,
    /// Why.
    pub reason: String,
    /// The verdict the cell's baseline expected, when it had one for this test purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
}

/// What merge reads of a cell's report.json.
#[derive(Debug, Clone, Deserialize)]
struct CellReportFile {
    format_version: u32,
    tool_version: String,
    run_id: String,
    summary: Summary,
    results: Vec<CellResult>,
    exit_code: i32,
    cell: Option<CellInfo>,
}

/// One merged cell.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CellRow {
    /// The cell as its report records it.
    #[serde(flatten)]
    pub info: CellInfo,
    /// The run id of the cell's run.
    pub run_id: String,
    /// The report the cell came from, as found.
    pub report: String,
    /// The cell's exit code (its own gate, with its baseline).
    pub exit_code: i32,
    /// The cell's counts.
    pub summary: Summary,
    /// The worst verdict of the cell, what colours its box: fail (a mandatory test purpose),
    /// advisory (only others failed), error, inconclusive, pass, not-applicable.
    pub worst: String,
    /// Its results, in its report's order.
    pub results: Vec<CellResult>,
}

/// `matrix.json`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MatrixResult {
    /// [`MATRIX_FORMAT_VERSION`].
    pub format_version: u32,
    /// `capif-conformance`.
    pub tool: String,
    /// The version every cell was run with.
    pub tool_version: String,
    /// The matrix id.
    pub matrix: String,
    /// The matrix's cell-list fingerprint.
    pub matrix_fingerprint: String,
    /// Every cell, by index.
    pub cells: Vec<CellRow>,
    /// The sum of the cells' summaries.
    pub summary: Summary,
    /// The worst of the cells' exit codes (README "Running at scale").
    pub exit_code: i32,
    /// With `merge --previous`: what moved since that matrix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_previous: Option<SincePrevious>,
}

/// What moved since a previous `matrix.json`, cell by cell (cells matched by name).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SincePrevious {
    /// The previous matrix.json.
    pub previous: String,
    /// Cells only in this matrix.
    pub cells_added: Vec<String>,
    /// Cells only in the previous one.
    pub cells_removed: Vec<String>,
    /// Cells whose results moved, with what moved (regressions first), as `diff` says it.
    pub cells: Vec<CellChanges>,
}

/// The changes of one cell.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CellChanges {
    /// The cell's name.
    pub cell: String,
    /// What moved.
    pub changes: Vec<crate::report::diff::Change>,
}

impl SincePrevious {
    /// How many test purposes regressed.
    pub fn regressions(&self) -> usize {
        self.cells
            .iter()
            .flat_map(|c| &c.changes)
            .filter(|c| c.movement == crate::report::diff::Movement::Regressed)
            .count()
    }
}

/// The results of every cell of a matrix.json, by cell name, as `diff` compares them.
fn cell_results(
    path: &Path,
    cells: &[serde_json::Value],
) -> BTreeMap<String, crate::report::diff::RunResults> {
    use crate::report::diff::{Row, RunResults};
    let text = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    cells
        .iter()
        .map(|c| {
            let results = c["results"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    (
                        text(r, "id"),
                        Row {
                            title: text(r, "title"),
                            severity: text(r, "severity"),
                            verdict: text(r, "verdict"),
                            reason: text(r, "reason"),
                        },
                    )
                })
                .collect();
            (
                text(c, "name"),
                RunResults {
                    path: path.to_path_buf(),
                    results,
                },
            )
        })
        .collect()
}

/// What moved between the `previous` matrix.json and `now`.
pub fn since(previous: &Path, now: &MatrixResult) -> Result<SincePrevious, MergeError> {
    let shown = previous.display().to_string();
    let bytes = crate::fsutil::read_limited(previous, 256 << 20)
        .map_err(|e| MergeError(format!("--previous {shown}: {e}")))?;
    let old: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| MergeError(format!("--previous {shown}: not JSON: {e}")))?;
    let Some(old_cells) = old["cells"].as_array() else {
        return Err(MergeError(format!(
            "--previous {shown}: no \"cells\": not a matrix.json"
        )));
    };
    let old = cell_results(previous, old_cells);
    let now_json = serde_json::to_value(&now.cells).map_err(|e| MergeError(e.to_string()))?;
    let new = cell_results(
        previous,
        now_json.as_array().map(Vec::as_slice).unwrap_or(&[]),
    );
    let mut cells = Vec::new();
    for (name, n) in &new {
        if let Some(o) = old.get(name) {
            let d = crate::report::diff::diff(o, n);
            if !d.changes.is_empty() {
                cells.push(CellChanges {
                    cell: name.clone(),
                    changes: d.changes,
                });
            }
        }
    }
    Ok(SincePrevious {
        previous: shown,
        cells_added: new
            .keys()
            .filter(|k| !old.contains_key(*k))
            .cloned()
            .collect(),
        cells_removed: old
            .keys()
            .filter(|k| !new.contains_key(*k))
            .cloned()
            .collect(),
        cells,
    })
}

/// Why the reports cannot be merged: each names the report(s) and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("merge: {0}")]
pub struct MergeError(pub String);

/// The files named `name` under `dirs` (see [`files_under`]), each once.
pub fn found(dirs: &[PathBuf], name: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for d in dirs {
        files_under(d, name, 0, &mut files);
    }
    // The same file reached twice (a link, or a directory given twice) is one file.
    let mut seen = std::collections::BTreeSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    files
}

/// The files named `name` (report.json, load.json) under `dir`: `dir/NAME`, else
/// `dir/latest/NAME` (a cell's output directory: only its latest run), else those of its
/// subdirectories, two levels deep (a directory of collected artefacts).
fn files_under(dir: &Path, name: &str, depth: usize, found: &mut Vec<PathBuf>) {
    if dir.join(name).is_file() {
        found.push(dir.join(name));
    } else if dir.join("latest").join(name).is_file() {
        found.push(dir.join("latest").join(name));
    } else if depth < 2 {
        let mut children: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        children.sort();
        for c in children {
            files_under(&c, name, depth + 1, found);
        }
    }
}

/// The worst verdict of `results`, in the order a reader should see it: a mandatory failure
/// (`fail`) before a failure of recommended, optional or informational test purposes only
/// (`advisory`), so a cell is not red for a recommendation alone.
fn worst(results: &[CellResult]) -> String {
    let has = |v: &str| results.iter().any(|r| r.verdict == v);
    if results
        .iter()
        .any(|r| r.verdict == "fail" && r.severity == "mandatory")
    {
        return "fail".into();
    }
    if has("fail") {
        return "advisory".into();
    }
    ["error", "inconclusive", "pass"]
        .into_iter()
        .find(|v| has(v))
        .unwrap_or("not-applicable")
        .to_string()
}

/// The matrix's exit code from its cells': a mandatory failure or baseline deviation (1)
/// before a harness error (2), an interrupted cell (5), a cell that tested nothing (3).
fn worst_exit_code(codes: impl IntoIterator<Item = i32>) -> i32 {
    let precedence = [
        exit_codes::FAILED,
        exit_codes::USAGE_OR_HARNESS,
        exit_codes::INTERRUPTED,
        exit_codes::NOTHING_TESTED,
        exit_codes::NOTHING_SELECTED,
    ];
    let codes: Vec<i32> = codes.into_iter().collect();
    precedence
        .into_iter()
        .find(|p| codes.contains(p))
        .or_else(|| codes.iter().copied().find(|c| *c != exit_codes::OK))
        .unwrap_or(exit_codes::OK)
}

fn add(total: &mut Summary, s: &Summary) {
    total.total += s.total;
    total.pass += s.pass;
    total.fail += s.fail;
    total.inconclusive += s.inconclusive;
    total.not_applicable += s.not_applicable;
    total.error += s.error;
    total.mandatory_fail += s.mandatory_fail;
    total.not_configured += s.not_configured;
}

/// Merge the cell reports found under `dirs`; with `matrix`, they must be its cells.
pub fn merge(dirs: &[PathBuf], matrix: Option<&Matrix>) -> Result<MatrixResult, MergeError> {
    for d in dirs {
        if found(std::slice::from_ref(d), "report.json").is_empty() {
            return Err(MergeError(format!(
                "{}: no report.json found (give the cells' output directories, or a directory holding them)",
                d.display()
            )));
        }
    }
    let files = found(dirs, "report.json");
    let mut cells: BTreeMap<usize, CellRow> = BTreeMap::new();
    let mut first: Option<(PathBuf, String, CellInfo)> = None;
    for file in files {
        let shown = file.display().to_string();
        let bytes = crate::fsutil::read_limited(&file, 64 << 20)
            .map_err(|e| MergeError(format!("{shown}: {e}")))?;
        let r: CellReportFile = serde_json::from_slice(&bytes).map_err(|e| {
            MergeError(format!(
                "{shown}: not a capif-conformance report.json ({e})"
            ))
        })?;
        if r.format_version != FORMAT_VERSION {
            return Err(MergeError(format!(
                "{shown}: report format {} (this merge reads format {FORMAT_VERSION}); merge with the version that wrote it",
                r.format_version
            )));
        }
        let Some(info) = r.cell.clone() else {
            return Err(MergeError(format!(
                "{shown}: not a matrix cell's report (no \"cell\"); run cells with `run --matrix F --cell I`"
            )));
        };
        match &first {
            None => first = Some((file.clone(), r.tool_version.clone(), info.clone())),
            Some((f0, v0, i0)) => {
                if *v0 != r.tool_version {
                    return Err(MergeError(format!(
                        "mixed tool versions: {} was written by {v0}, {shown} by {}; run every cell with one version",
                        f0.display(),
                        r.tool_version
                    )));
                }
                if (&i0.matrix, &i0.matrix_fingerprint, i0.total)
                    != (&info.matrix, &info.matrix_fingerprint, info.total)
                {
                    return Err(MergeError(format!(
                        "mixed matrices: {} is a cell of matrix {:?} ({} cells, fingerprint {}), {shown} of {:?} ({} cells, fingerprint {}); merge one matrix's cells",
                        f0.display(),
                        i0.matrix,
                        i0.total,
                        &i0.matrix_fingerprint[..12.min(i0.matrix_fingerprint.len())],
                        info.matrix,
                        info.total,
                        &info.matrix_fingerprint[..12.min(info.matrix_fingerprint.len())],
                    )));
                }
            }
        }
        if let Some(m) = matrix {
            if (m.id.as_str(), m.fingerprint())
                != (info.matrix.as_str(), info.matrix_fingerprint.clone())
            {
                return Err(MergeError(format!(
                    "{shown} is a cell of matrix {:?} ({} cells, fingerprint {}), not of {} (id {:?}, {} cells, fingerprint {}); the matrix file changed since the cell ran, or the cell belongs to another: rerun the cells with this file",
                    info.matrix,
                    info.total,
                    &info.matrix_fingerprint[..12.min(info.matrix_fingerprint.len())],
                    m.file.display(),
                    m.id,
                    m.cells().len(),
                    &m.fingerprint()[..12],
                )));
            }
        }
        if info.index >= info.total {
            return Err(MergeError(format!(
                "{shown}: cell index {} outside the matrix's {} cells",
                info.index, info.total
            )));
        }
        if let Some(other) = cells.get(&info.index) {
            return Err(MergeError(format!(
                "cell {} ({}) twice: {} and {shown}; keep one run of each cell",
                info.index, info.name, other.report
            )));
        }
        cells.insert(
            info.index,
            CellRow {
                worst: worst(&r.results),
                info,
                run_id: r.run_id,
                report: shown,
                exit_code: r.exit_code,
                summary: r.summary,
                results: r.results,
            },
        );
    }
    let (_, tool_version, info) = first.expect("at least one report was found");
    let names: Vec<String> = matrix
        .map(|m| m.cells().into_iter().map(|c| c.name).collect())
        .unwrap_or_default();
    let missing: Vec<String> = (0..info.total)
        .filter(|i| !cells.contains_key(i))
        .map(|i| match names.get(i) {
            Some(n) => format!("{i} ({n})"),
            None => i.to_string(),
        })
        .collect();
    if !missing.is_empty() {
        return Err(MergeError(format!(
            "matrix {:?} has {} cells; missing: {} — a cell that did not report is a failure of the matrix, never a smaller table; rerun it or collect its output",
            info.matrix,
            info.total,
            missing.join(", ")
        )));
    }
    let mut summary = Summary::default();
    for c in cells.values() {
        add(&mut summary, &c.summary);
    }
    let exit_code = worst_exit_code(cells.values().map(|c| c.exit_code));
    Ok(MatrixResult {
        format_version: MATRIX_FORMAT_VERSION,
        tool: "capif-conformance".into(),
        tool_version,
        matrix: info.matrix,
        matrix_fingerprint: info.matrix_fingerprint,
        cells: cells.into_values().collect(),
        summary,
        exit_code,
        since_previous: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_exit_code_follows_the_gate_precedence() {
        assert_eq!(worst_exit_code([0, 0]), 0);
        assert_eq!(worst_exit_code([0, 3]), 3);
        assert_eq!(worst_exit_code([3, 2, 0]), 2);
        assert_eq!(worst_exit_code([2, 1]), 1);
        assert_eq!(worst_exit_code([5, 3]), 5);
        assert_eq!(worst_exit_code([]), 0);
    }

    #[test]
    fn the_worst_verdict_colours_the_cell() {
        let r = |v: &str| CellResult {
            id: "X".into(),
            title: String::new(),
            severity: "mandatory".into(),
            verdict: v.into(),
            reason: String::new(),
            expected: None,
        };
        assert_eq!(worst(&[r("pass"), r("fail"), r("error")]), "fail");
        let mut recommended = r("fail");
        recommended.severity = "recommended".into();
        assert_eq!(worst(&[r("pass"), recommended.clone()]), "advisory");
        assert_eq!(worst(&[recommended, r("error")]), "advisory");
        assert_eq!(worst(&[r("pass"), r("inconclusive")]), "inconclusive");
        assert_eq!(worst(&[r("not-applicable"), r("pass")]), "pass");
    }
}
