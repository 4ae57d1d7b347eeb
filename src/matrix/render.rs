//! The merged matrix's files: `matrix.json` (the model), `matrix.md` (for a pull request or a
//! job summary), `matrix.html` (one self-contained table, a click opens a cell's own report)
//! and `junit.xml` (one testsuite per cell). Every string passes [`crate::untrusted::safe`]
//! first: the cells' reports are files anyone could have edited.

use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite};

use super::merge::{CellRow, MatrixResult};
use crate::fsutil::{write_atomic, FileMode};
use crate::report::html_escape as esc;
use crate::report::md_text;
use crate::untrusted::safe;

/// `result` with every string made safe.
fn scrubbed(result: &MatrixResult) -> MatrixResult {
    let mut r = result.clone();
    for s in [
        &mut r.tool_version,
        &mut r.matrix,
        &mut r.matrix_fingerprint,
    ] {
        *s = safe(s);
    }
    for c in &mut r.cells {
        for s in [
            &mut c.info.matrix,
            &mut c.info.matrix_fingerprint,
            &mut c.info.kind,
            &mut c.info.role,
            &mut c.info.implementation,
            &mut c.info.name,
            &mut c.run_id,
            &mut c.report,
            &mut c.worst,
        ] {
            *s = safe(s);
        }
        for x in &mut c.results {
            for s in [
                &mut x.id,
                &mut x.title,
                &mut x.severity,
                &mut x.verdict,
                &mut x.reason,
            ] {
                *s = safe(s);
            }
            if let Some(e) = &mut x.expected {
                *e = safe(e);
            }
        }
    }
    if let Some(p) = &mut r.since_previous {
        p.previous = safe(&p.previous);
        for n in p.cells_added.iter_mut().chain(p.cells_removed.iter_mut()) {
            *n = safe(n);
        }
        for c in &mut p.cells {
            c.cell = safe(&c.cell);
            for ch in &mut c.changes {
                ch.id = safe(&ch.id);
                for row in [&mut ch.old, &mut ch.new].into_iter().flatten() {
                    for s in [
                        &mut row.title,
                        &mut row.severity,
                        &mut row.verdict,
                        &mut row.reason,
                    ] {
                        *s = safe(s);
                    }
                }
            }
        }
    }
    r
}

/// What the exit code means, for the headlines.
fn exit_meaning(code: i32) -> &'static str {
    match code {
        0 => "every cell passed its gate",
        1 => "a cell has a mandatory failure or departs from its baseline",
        2 => "a cell could not decide something (harness error)",
        3 => "a cell tested nothing applicable",
        5 => "a cell was interrupted",
        _ => "see the cells",
    }
}

fn counts(c: &CellRow) -> String {
    let s = &c.summary;
    format!(
        "{} pass, {} fail ({} mandatory), {} inconclusive, {} n/a, {} error",
        s.pass, s.fail, s.mandatory_fail, s.inconclusive, s.not_applicable, s.error
    )
}

/// `matrix.md`.
pub fn render_markdown(r: &MatrixResult) -> String {
    let mut md = format!(
        "# Matrix {}: exit {} ({})\n\n{} cells, capif-conformance {}; {} test purposes: {} pass, {} fail ({} mandatory), {} inconclusive, {} not applicable, {} error.\n\n",
        md_text(&r.matrix),
        r.exit_code,
        exit_meaning(r.exit_code),
        r.cells.len(),
        md_text(&r.tool_version),
        r.summary.total,
        r.summary.pass,
        r.summary.fail,
        r.summary.mandatory_fail,
        r.summary.inconclusive,
        r.summary.not_applicable,
        r.summary.error
    );
    md.push_str("| # | cell | kind | worst | counts | exit |\n|---|---|---|---|---|---|\n");
    for c in &r.cells {
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            c.info.index,
            md_text(&c.info.name),
            md_text(&c.info.kind),
            md_text(&c.worst),
            counts(c),
            c.exit_code
        ));
    }
    if let Some(p) = &r.since_previous {
        md.push_str(&format!(
            "\n## Since the previous matrix ({})\n\n{} regression(s); cells added: {}; cells removed: {}.\n\n",
            md_text(&p.previous),
            p.regressions(),
            if p.cells_added.is_empty() { "none".to_string() } else { md_text(&p.cells_added.join(", ")) },
            if p.cells_removed.is_empty() { "none".to_string() } else { md_text(&p.cells_removed.join(", ")) },
        ));
        for c in &p.cells {
            for ch in &c.changes {
                let v = |r: &Option<crate::report::diff::Row>| {
                    r.as_ref()
                        .map(|r| r.verdict.clone())
                        .unwrap_or_else(|| "—".into())
                };
                md.push_str(&format!(
                    "- {}: {} {} → {} ({})\n",
                    md_text(&c.cell),
                    md_text(&ch.id),
                    md_text(&v(&ch.old)),
                    md_text(&v(&ch.new)),
                    serde_json::to_value(ch.movement)
                        .ok()
                        .and_then(|m| m.as_str().map(str::to_string))
                        .unwrap_or_default()
                ));
            }
        }
    }
    for c in &r.cells {
        let not_passed: Vec<_> = c.results.iter().filter(|x| x.verdict != "pass").collect();
        if not_passed.is_empty() {
            continue;
        }
        md.push_str(&format!(
            "\n## {}: what did not pass\n\n",
            md_text(&c.info.name)
        ));
        for x in not_passed {
            let expected = match &x.expected {
                Some(e) if *e == x.verdict => " (expected by its baseline)",
                _ => "",
            };
            md.push_str(&format!(
                "- **{}** {} ({}){}: {}\n",
                md_text(&x.verdict),
                md_text(&x.id),
                md_text(&x.severity),
                expected,
                md_text(&x.reason)
            ));
        }
    }
    md
}

/// `to` relative to the directory `from` (both made absolute first), for links that survive
/// moving the whole tree.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, to) = (abs(from), abs(to));
    let f: Vec<Component> = from.components().collect();
    let t: Vec<Component> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..f.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c.as_os_str());
    }
    out
}

const CSS: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2430;padding:0 1rem}\
table{border-collapse:collapse;width:100%;table-layout:fixed}th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;overflow-wrap:anywhere}\
th{background:#f3f5f7}td.cell a{font-weight:600}\
tr.w-fail td.w{background:#ffebe9;color:#b42318}tr.w-error td.w,tr.w-inconclusive td.w{background:#fff8c5;color:#9a6700}\
tr.w-advisory td.w{background:#fff1e5;color:#bc4c00}tr.w-pass td.w{background:#dafbe1;color:#116329}tr.w-not-applicable td.w{background:#f6f8fa}\
table#pairs{width:auto;table-layout:auto;margin-bottom:1.5rem}table#pairs td{text-align:center;min-width:8rem}\
td.g-fail{background:#ffebe9;color:#b42318}td.g-error,td.g-inconclusive{background:#fff8c5;color:#9a6700}\
td.g-advisory{background:#fff1e5;color:#bc4c00}td.g-pass{background:#dafbe1;color:#116329}td.g-not-applicable{background:#f6f8fa}\
.banner{padding:.8rem 1rem;border-radius:6px;font-weight:600;margin:1rem 0}.ok{background:#dafbe1}.bad{background:#ffebe9}";

/// The pair cells as the interop view: a row per core, a column per invoker (in the order the
/// cells name them), each box coloured by its worst verdict and linking its report; empty
/// without pair cells. A box no cell fills says so.
fn pair_grid(r: &MatrixResult, out: &Path) -> String {
    let pairs: Vec<(&str, &str, &CellRow)> = r
        .cells
        .iter()
        .filter(|c| c.info.kind == "pair")
        .filter_map(|c| {
            let (core, invoker) = c.info.implementation.split_once('+')?;
            Some((core, invoker, c))
        })
        .collect();
    if pairs.is_empty() {
        return String::new();
    }
    let mut cores: Vec<&str> = Vec::new();
    let mut invokers: Vec<&str> = Vec::new();
    for (core, invoker, _) in &pairs {
        if !cores.contains(core) {
            cores.push(core);
        }
        if !invokers.contains(invoker) {
            invokers.push(invoker);
        }
    }
    let mut html = String::from(
        "<h2>Pairs: each core with each invoker</h2>\n<table id=\"pairs\"><tr><th>core \\ invoker</th>",
    );
    for invoker in &invokers {
        html.push_str(&format!("<th>{}</th>", esc(invoker)));
    }
    html.push_str("</tr>\n");
    for core in &cores {
        html.push_str(&format!("<tr><th>{}</th>", esc(core)));
        for invoker in &invokers {
            match pairs.iter().find(|(c, i, _)| c == core && i == invoker) {
                Some((_, _, cell)) => {
                    let report = Path::new(&cell.report).with_file_name("report.html");
                    html.push_str(&format!(
                        "<td class=\"g g-{w}\"><a href=\"{href}\" title=\"{name}\">{w}</a><br><small>{pass}/{total} pass</small></td>",
                        w = esc(&cell.worst),
                        href = esc(&relative(out, &report).display().to_string()),
                        name = esc(&cell.info.name),
                        pass = cell.summary.pass,
                        total = cell.summary.total,
                    ));
                }
                None => html.push_str("<td class=\"g\">not in the matrix</td>"),
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    html
}

/// `matrix.html`; `out` is where it is written (links to the cells' reports are relative).
pub fn render_html(r: &MatrixResult, out: &Path) -> String {
    let mut rows = String::new();
    for c in &r.cells {
        let html_report = Path::new(&c.report).with_file_name("report.html");
        let link = relative(out, &html_report);
        rows.push_str(&format!(
            "<tr class=\"w-{w}\"><td>{i}</td><td class=\"cell\"><a href=\"{href}\">{name}</a></td><td>{kind}</td><td class=\"w\">{w}</td><td>{counts}</td><td>{exit}</td></tr>\n",
            w = esc(&c.worst),
            i = c.info.index,
            href = esc(&link.display().to_string()),
            name = esc(&c.info.name),
            kind = esc(&c.info.kind),
            counts = esc(&counts(c)),
            exit = c.exit_code
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Matrix {id}: exit {code}</title><style>{CSS}</style></head><body>\n\
<h1>Matrix <code>{id}</code></h1>\n<div class=\"banner {tone}\">exit {code}: {meaning}</div>\n\
<p>{n} cells, capif-conformance {version}; {total} test purposes: {pass} pass, {fail} fail ({mfail} mandatory), {inc} inconclusive, {na} not applicable, {err} error. A cell is coloured by its worst verdict (advisory: only recommended, optional or informational test purposes failed); its exit code is its own gate, with its baseline.</p>\n\
{grid}<h2>Every cell</h2>\n<table id=\"cells\"><colgroup><col style=\"width:3rem\"><col style=\"width:16rem\"><col style=\"width:8rem\"><col style=\"width:8rem\"><col><col style=\"width:4rem\"></colgroup>\n\
<tr><th>#</th><th>cell</th><th>kind</th><th>worst</th><th>counts</th><th>exit</th></tr>\n{rows}</table>\n</body></html>\n",
        grid = pair_grid(r, out),
        id = esc(&r.matrix),
        code = r.exit_code,
        tone = if r.exit_code == 0 { "ok" } else { "bad" },
        meaning = exit_meaning(r.exit_code),
        n = r.cells.len(),
        version = esc(&r.tool_version),
        total = r.summary.total,
        pass = r.summary.pass,
        fail = r.summary.fail,
        mfail = r.summary.mandatory_fail,
        inc = r.summary.inconclusive,
        na = r.summary.not_applicable,
        err = r.summary.error,
    )
}

/// `junit.xml`: one testsuite per cell, one testcase per test purpose; statuses as in a run's
/// own JUnit (a non-pass its baseline expects is skipped, so JUnit agrees with the exit code).
pub fn render_junit(r: &MatrixResult) -> String {
    let mut report = quick_junit::Report::new(format!("capif-conformance matrix {}", r.matrix));
    for c in &r.cells {
        let mut suite = TestSuite::new(c.info.name.as_str());
        suite.add_property(Property::new("cell", c.info.index.to_string()));
        suite.add_property(Property::new("role", c.info.role.as_str()));
        suite.add_property(Property::new(
            "implementation",
            c.info.implementation.as_str(),
        ));
        for x in &c.results {
            let expected = x.verdict != "pass" && x.expected.as_deref() == Some(&x.verdict);
            let status = match x.verdict.as_str() {
                _ if expected => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(format!("expected by baseline: {}: {}", x.verdict, x.reason))
                        .set_type("expected-by-baseline");
                    s
                }
                "pass" => TestCaseStatus::success(),
                "fail" => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(x.reason.as_str())
                        .set_type(x.severity.as_str());
                    s
                }
                "error" => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                    s.set_message(x.reason.as_str()).set_type("harness-error");
                    s
                }
                other => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(format!("{other}: {}", x.reason))
                        .set_type(other);
                    s
                }
            };
            let mut case = TestCase::new(x.id.as_str(), status);
            case.set_classname(format!("capif-conformance.{}", c.info.name));
            case.set_time(Duration::ZERO);
            case.add_property(Property::new("title", x.title.as_str()));
            case.add_property(Property::new("severity", x.severity.as_str()));
            case.add_property(Property::new("verdict", x.verdict.as_str()));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    report.to_string().unwrap_or_default()
}

/// Write every matrix file into `out` (created), each atomically. The paths written.
pub fn write_matrix(result: &MatrixResult, out: &Path) -> std::io::Result<Vec<PathBuf>> {
    let r = scrubbed(result);
    std::fs::create_dir_all(out)?;
    let mut json = serde_json::to_vec_pretty(&r).map_err(std::io::Error::other)?;
    json.push(b'\n');
    let files = [
        ("matrix.json", json),
        ("matrix.md", render_markdown(&r).into_bytes()),
        ("matrix.html", render_html(&r, out).into_bytes()),
        ("junit.xml", render_junit(&r).into_bytes()),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = out.join(name);
        write_atomic(&path, &bytes, FileMode::Public)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrix::{CellResult, CellRow, MatrixResult};
    use crate::report::{CellInfo, Summary};

    /// A merged matrix whose cell reports were edited by someone hostile: markup, control
    /// characters, U+FFFE and a credential in the strings.
    fn hostile() -> MatrixResult {
        let evil = "<script>alert(1)</script>\u{1b}[31m\u{fffe} eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln | ![x](http://e/x.png) @team";
        let info = CellInfo {
            matrix: "m".into(),
            matrix_fingerprint: "f".into(),
            index: 0,
            total: 1,
            kind: "conformance".into(),
            role: "core".into(),
            implementation: evil.into(),
            name: evil.into(),
        };
        MatrixResult {
            format_version: 1,
            tool: "capif-conformance".into(),
            tool_version: "0".into(),
            matrix: "m".into(),
            matrix_fingerprint: "f".into(),
            cells: vec![CellRow {
                info,
                run_id: evil.into(),
                report: "/x/report.json".into(),
                exit_code: 1,
                summary: Summary::default(),
                worst: "fail".into(),
                results: vec![CellResult {
                    id: "CCF-TLS-01".into(),
                    title: evil.into(),
                    severity: "mandatory".into(),
                    verdict: "fail".into(),
                    reason: evil.into(),
                    expected: None,
                }],
            }],
            summary: Summary::default(),
            exit_code: 1,
            since_previous: None,
        }
    }

    #[test]
    fn what_a_cell_report_carries_never_becomes_markup_escapes_or_a_secret() {
        let r = scrubbed(&hostile());
        let html = render_html(&r, Path::new("/x"));
        assert!(!html.contains("<script>"), "{html}");
        let md = render_markdown(&r);
        assert!(
            !md.contains("<script>") && !md.contains("![x]") && !md.contains(" @team"),
            "{md}"
        );
        let junit = render_junit(&r);
        for out in [&html, &md, &junit] {
            assert!(
                !out.contains('\u{1b}') && !out.contains('\u{fffe}'),
                "{out}"
            );
            assert!(
                !out.contains("eyJzdWIiOiJ4In0.c2ln"),
                "a credential leaked: {out}"
            );
        }
        quick_junit::Report::deserialize_from_str(&junit).expect("the JUnit stays XML");
    }

    #[test]
    fn pair_cells_are_a_grid_of_cores_by_invokers() {
        let mut r = hostile();
        r.cells.clear();
        for (i, (core, invoker, worst)) in [
            ("ref", "sdk", "inconclusive"),
            ("ref", "ref", "pass"),
            ("ocf", "ref", "fail"),
        ]
        .into_iter()
        .enumerate()
        {
            let mut c = hostile().cells.remove(0);
            c.info.kind = "pair".into();
            c.info.index = i;
            c.info.implementation = format!("{core}+{invoker}");
            c.info.name = format!("pair-{core}+{invoker}");
            c.report = format!("/x/cells/pair-{core}+{invoker}/latest/report.json");
            c.worst = worst.into();
            r.cells.push(c);
        }
        let html = render_html(&r, Path::new("/x/merged"));
        let grid =
            &html[html.find("<table id=\"pairs\">").unwrap()..html.find("<h2>Every cell").unwrap()];
        // Columns in the order the cells name the invokers; a row per core.
        assert!(
            grid.contains("<th>core \\ invoker</th><th>sdk</th><th>ref</th></tr>"),
            "{grid}"
        );
        let rows: Vec<&str> = grid.split("\n<tr><th>").skip(1).collect();
        assert_eq!(rows.len(), 2, "{grid}");
        assert!(rows[0].starts_with("ref</th><td class=\"g g-inconclusive\"><a href=\"../cells/pair-ref+sdk/latest/report.html\""), "{}", rows[0]);
        assert!(rows[0].contains("<td class=\"g g-pass\">"), "{}", rows[0]);
        assert!(
            rows[1].starts_with(
                "ocf</th><td class=\"g\">not in the matrix</td><td class=\"g g-fail\">"
            ),
            "{}",
            rows[1]
        );
        // No pair cells, no grid.
        assert!(!render_html(&hostile(), Path::new("/x")).contains("id=\"pairs\""));
    }

    #[test]
    fn links_are_relative_to_the_matrix_page() {
        assert_eq!(
            relative(
                Path::new("/a/merged"),
                Path::new("/a/cells/core-x/latest/report.html")
            ),
            PathBuf::from("../cells/core-x/latest/report.html")
        );
        assert_eq!(
            relative(Path::new("/a"), Path::new("/a/c/report.html")),
            PathBuf::from("c/report.html")
        );
    }
}
