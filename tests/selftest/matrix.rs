//! Issue 22: the matrix's worker and merger. A matrix of the embedded reference peers, its
//! cells run as separate processes (as a job array would), merged: the same verdicts, summary
//! and exit code as one `run`; a missing, duplicated, mixed-version or foreign cell is an
//! error naming it.

use std::path::Path;
use std::process::Command;

use super::support::{report_verdicts, BIN};

const MATRIX: &str = "id = \"selftest\"\n\
    [[core]]\nname = \"reference\"\nembedded = true\n\
    [[invoker]]\nname = \"reference\"\nembedded = true\n";

/// The per-role cells only: what one `run` of both roles does.
fn conformance_only() -> String {
    format!("{MATRIX}[cells]\npairs = false\n")
}

fn harness(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("JOB_COMPLETION_INDEX")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Run every cell of `matrix` into `out` (cell 1 through JOB_COMPLETION_INDEX, as a
/// Kubernetes Indexed Job passes it); their exit codes.
fn run_cells(matrix: &Path, out: &Path) -> Vec<i32> {
    let (a, _, e0) = harness(
        &["run", "--matrix", s(matrix), "--cell", "0", "--out", s(out)],
        &[],
    );
    assert!(a == 0, "cell 0: {e0}");
    let (b, stdout, e1) = harness(
        &["run", "--matrix", s(matrix), "--out", s(out)],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert!(
        stdout.contains("cell 1 of 2: invoker-reference"),
        "{stdout}{e1}"
    );
    vec![a, b]
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        let meta = std::fs::symlink_metadata(e.path()).unwrap();
        if meta.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(e.path()).unwrap(), &target).unwrap();
        } else if meta.is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_cell_list_is_stable_and_total() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = dir.path().join("matrix.toml");
    std::fs::write(
        &matrix,
        format!("{MATRIX}[[core]]\nname = \"second\"\nembedded = true\n"),
    )
    .unwrap();
    let list = || {
        harness(
            &[
                "matrix",
                "cells",
                "--matrix",
                s(&matrix),
                "--format",
                "json",
            ],
            &[],
        )
    };
    let (code, first, err) = list();
    assert_eq!(code, 0, "{err}");
    assert_eq!(list().1, first, "the same file lists the same cells");
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    let names = crate::support::cell_names(&doc);
    assert_eq!(
        names,
        [
            "core-reference",
            "core-second",
            "invoker-reference",
            "pair-reference+reference",
            "pair-second+reference"
        ]
    );
    assert_eq!(doc["total"], 5);
    for (i, c) in doc["cells"].as_array().unwrap().iter().enumerate() {
        assert_eq!(c["index"], i);
    }
    // A cell that does not exist, or no cell at all, is a usage error naming the fix.
    let (code, _, err) = harness(&["run", "--matrix", s(&matrix), "--cell", "5"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("5 cells (0..4)"), "{err}");
    let (code, _, err) = harness(&["run", "--matrix", s(&matrix)], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--cell"), "{err}");
    // --matrix decides the role and configuration: --sut beside it is refused.
    let (code, _, err) = harness(&["run", "--matrix", s(&matrix), "--sut", "core"], &[]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn merged_cells_equal_one_run_and_incomplete_sets_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = dir.path().join("matrix.toml");
    std::fs::write(&matrix, conformance_only()).unwrap();
    let cells = dir.path().join("cells");
    let codes = run_cells(&matrix, &cells);
    // Each cell's directory is named after it and its report says which cell it is.
    let report: serde_json::Value =
        crate::support::read_report(&cells.join("invoker-reference/latest/report.json"));
    assert_eq!(report["cell"]["index"], 1);
    assert_eq!(report["cell"]["matrix"], "selftest");
    assert!(report["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["sut"] == "invoker"));

    // One run of both roles, for comparison.
    let single = dir.path().join("single");
    let (single_code, _, err) = harness(&["run", "--out", s(&single)], &[]);
    assert!(single_code == 0 || single_code == 1, "{err}");

    let merged = dir.path().join("merged");
    let (code, stdout, err) = harness(
        &[
            "merge",
            s(&cells),
            "--out",
            s(&merged),
            "--matrix",
            s(&matrix),
        ],
        &[],
    );
    assert_eq!(code, single_code, "{stdout}{err}");
    assert_eq!(code, *codes.iter().max().unwrap());
    let m: serde_json::Value = crate::support::read_valid(&merged.join("matrix.json"), "matrix");
    let one: serde_json::Value = crate::support::read_report(&single.join("latest/report.json"));
    assert_eq!(m["summary"], one["summary"], "merged summary = one run's");
    assert_eq!(m["exit_code"], one["exit_code"]);
    let mut merged_verdicts = std::collections::BTreeMap::new();
    for c in m["cells"].as_array().unwrap() {
        for r in c["results"].as_array().unwrap() {
            let id = r["id"].as_str().unwrap().to_string();
            let v = r["verdict"].as_str().unwrap().to_string();
            assert!(
                merged_verdicts.insert(id, v).is_none(),
                "one id in one cell"
            );
        }
    }
    assert_eq!(
        merged_verdicts,
        report_verdicts(&single.join("latest/report.json"))
    );
    // Every merged file is there; the page links each cell's own report, and the link works.
    for f in ["matrix.json", "matrix.md", "matrix.html", "junit.xml"] {
        assert!(merged.join(f).is_file(), "{f}");
    }
    let html = std::fs::read_to_string(merged.join("matrix.html")).unwrap();
    for name in ["core-reference", "invoker-reference"] {
        let start = format!("href=\"../cells/{name}/");
        let at = html
            .find(&start)
            .unwrap_or_else(|| panic!("{start} in {html}"))
            + 6;
        let href = &html[at..at + html[at..].find('"').unwrap()];
        assert!(href.ends_with("/report.html"), "{href}");
        assert!(merged.join(href).is_file(), "{href} resolves");
    }
    let junit = std::fs::read_to_string(merged.join("junit.xml")).unwrap();
    let parsed = quick_junit::Report::deserialize_from_str(&junit).unwrap();
    assert_eq!(parsed.test_suites.len(), 2, "one testsuite per cell");
    assert_eq!(
        parsed.tests,
        merged_verdicts.len(),
        "one testcase per test purpose of every cell"
    );

    // Since a previous matrix: one verdict that failed then passes now (improved), one test
    // purpose it did not have (new).
    let previous = dir.path().join("previous.json");
    let mut old = m.clone();
    old["cells"][0]["results"][0]["verdict"] = "fail".into();
    let removed = old["cells"][0]["results"].as_array_mut().unwrap().remove(1);
    std::fs::write(&previous, serde_json::to_vec(&old).unwrap()).unwrap();
    let again = dir.path().join("again");
    let (code, stdout, err) = harness(
        &[
            "merge",
            s(&cells),
            "--out",
            s(&again),
            "--previous",
            s(&previous),
        ],
        &[],
    );
    assert_eq!(code, single_code, "{stdout}{err}");
    assert!(stdout.contains("since "), "{stdout}");
    let since =
        crate::support::read_valid(&again.join("matrix.json"), "matrix")["since_previous"].clone();
    let moved: Vec<(String, String)> = since["cells"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["movement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let first = m["cells"][0]["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(moved.contains(&(first, "improved".into())), "{moved:?}");
    assert!(
        moved.contains(&(removed["id"].as_str().unwrap().to_string(), "added".into())),
        "{moved:?}"
    );
    assert_eq!(
        since["cells"].as_array().unwrap().len(),
        1,
        "only the edited cell moved"
    );

    let merge_err = |dirs: &[&Path]| {
        let mut args = vec!["merge"];
        args.extend(dirs.iter().map(|d| s(d)));
        let out = dir.path().join("refused");
        args.extend(["--out", s(&out)]);
        let (code, _, err) = harness(&args, &[]);
        assert_eq!(code, 2, "{err}");
        assert!(!out.join("matrix.json").exists(), "nothing merged: {err}");
        err
    };
    // A missing cell: named, with its name when the matrix file is given.
    let err = {
        let (code, _, err) = harness(
            &[
                "merge",
                s(&cells.join("core-reference")),
                "--out",
                s(&dir.path().join("m2")),
                "--matrix",
                s(&matrix),
            ],
            &[],
        );
        assert_eq!(code, 2);
        err
    };
    assert!(err.contains("missing: 1 (invoker-reference)"), "{err}");
    // The same cell twice (a copy of its directory).
    let twice = dir.path().join("twice");
    copy_dir(&cells.join("core-reference"), &twice);
    let err = merge_err(&[&cells, &twice]);
    assert!(err.contains("cell 0 (core-reference) twice"), "{err}");
    // A cell written by another version of the tool.
    let other = dir.path().join("other-version");
    copy_dir(&cells, &other);
    let file = std::fs::canonicalize(other.join("invoker-reference/latest/report.json")).unwrap();
    let text = std::fs::read_to_string(&file).unwrap().replace(
        &format!("\"tool_version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"tool_version\": \"0.0.1-other\"",
    );
    std::fs::write(&file, text).unwrap();
    let err = merge_err(&[&other]);
    assert!(err.contains("mixed tool versions"), "{err}");
    // A cell of another matrix.
    let foreign_matrix = dir.path().join("foreign.toml");
    std::fs::write(
        &foreign_matrix,
        conformance_only().replace("selftest", "foreign"),
    )
    .unwrap();
    let foreign = dir.path().join("foreign-cells");
    let (code, _, err) = harness(
        &[
            "run",
            "--matrix",
            s(&foreign_matrix),
            "--cell",
            "1",
            "--out",
            s(&foreign),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let err = merge_err(&[&cells.join("core-reference"), &foreign]);
    assert!(err.contains("mixed matrices"), "{err}");
    // A plain run's report is no cell.
    let err = merge_err(&[&single]);
    assert!(err.contains("not a matrix cell's report"), "{err}");
}

#[test]
#[ignore = "needs chromium; .ci/run installs Debian's chromium and runs ignored tests"]
fn the_matrix_page_renders_in_chromium_with_a_link_per_cell() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = dir.path().join("matrix.toml");
    std::fs::write(&matrix, conformance_only()).unwrap();
    let cells = dir.path().join("cells");
    run_cells(&matrix, &cells);
    let merged = dir.path().join("merged");
    let (code, _, err) = harness(&["merge", s(&cells), "--out", s(&merged)], &[]);
    assert_eq!(code, 0, "{err}");
    let dom = crate::support::chromium_dom(&merged.join("matrix.html"));
    assert!(dom.contains("exit 0: every cell passed its gate"), "{dom}");
    for name in ["core-reference", "invoker-reference"] {
        assert!(
            dom.contains(&format!(">{name}</a>")),
            "{name} linked in {dom}"
        );
    }
    assert_eq!(dom.matches("<tr class=\"w-pass\">").count(), 2, "{dom}");
}

/// A pair cell run by the CLI: the reference invoker onboards onto and offboards from the
/// embedded reference core, both named by the matrix; its report holds the IOP purposes only.
#[test]
fn a_pair_cell_runs_the_invoker_against_the_core() {
    let dir = tempfile::tempdir().unwrap();
    let matrix = dir.path().join("matrix.toml");
    std::fs::write(&matrix, MATRIX).unwrap();
    let out = dir.path().join("cells");
    let (code, stdout, err) = harness(
        &[
            "run",
            "--matrix",
            s(&matrix),
            "--cell",
            "2",
            "--out",
            s(&out),
        ],
        &[],
    );
    assert_eq!(code, 0, "{stdout}{err}");
    assert!(
        stdout.contains("cell 2 of 3: pair-reference+reference (pair)"),
        "{stdout}"
    );
    let report =
        crate::support::read_report(&out.join("pair-reference+reference/latest/report.json"));
    assert_eq!(report["cell"]["kind"], "pair");
    let verdicts: Vec<(&str, &str)> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("IOP-OK-01", "pass"),
            ("IOP-OK-02", "pass"),
            ("IOP-OFF-01", "pass"),
            ("IOP-OFF-02", "pass")
        ]
    );
    let roles: Vec<&str> = report["suts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["core", "invoker"], "both systems are described");
    // The harness sat between them as a TCP relay (127.0.0.1 is loopback): the sessions of
    // the onboarding and the two offboardings, as TLS showed them in clear.
    let notes: Vec<&str> = report["results"][2]["evidence"]["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n.as_str())
        .filter(|n| n.starts_with("relay: "))
        .collect();
    assert!(
        notes.len() >= 3,
        "a session per invocation at least: {notes:?}"
    );
    for n in &notes {
        assert!(
            n.contains("the invoker offered TLS 1.3") && n.contains("the core chose TLS 1.3"),
            "{n}"
        );
    }
}
