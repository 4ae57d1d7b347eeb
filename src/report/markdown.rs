//! `report.md`: a summary table per role and branch, then each finding with requirement,
//! expected, observed and evidence: fit for a pull-request comment.

use crate::checks::Verdict;

use super::model::{branch_counts, Report, ResultEntry};

/// Text the SUT controls (reasons, bodies, ids), made inert for a pull-request comment: no
/// raw HTML (`</details>`), no images, links, emphasis or @mentions, one line.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '!' | '|'
            | '@' | '~' | '=' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// SUT text inside a code span: no backticks, one line.
fn md_code(s: &str) -> String {
    s.chars()
        .map(|c| if c == '`' || c.is_control() { '\'' } else { c })
        .collect()
}

fn cell(s: &str) -> String {
    md_text(s)
}

fn evidence_lines(r: &ResultEntry) -> Vec<String> {
    let mut out = Vec::new();
    for x in &r.evidence.exchanges {
        let mut parts = vec![md_text(&x.label)];
        if let Some(t) = &x.tls {
            parts.push(format!("{} {}", t.version, t.cipher));
        }
        if let Some(q) = &x.request {
            parts.push(format!("sent `{}`", md_code(&q.start_line)));
        }
        if let Some(p) = &x.response {
            parts.push(format!("got `{}`", md_code(&p.start_line)));
        }
        if let Some(e) = &x.error {
            parts.push(format!("error: {}", md_text(e)));
        }
        if let Some(e) = &x.session_end {
            parts.push(format!("session end: {}", md_text(&e.describe())));
        }
        out.push(parts.join("; "));
    }
    out.extend(
        r.evidence
            .notes
            .iter()
            .map(|n| md_text(n.lines().next().unwrap_or(""))),
    );
    out
}

/// Render the Markdown report.
///
/// Long by design: the document top to bottom (verdict line, run table, branch table, the
/// failures first, then every test purpose), one `push` per line of output.
pub fn render_markdown(r: &Report) -> String {
    let s = &r.summary;
    let mut m = String::new();
    m.push_str("## CAPIF onboarding conformance (TS 33.122 Figure B.1-1)\n\n");
    let head = super::headline(r);
    let headline = format!("**{}**", md_text(&head.verdict));
    m.push_str(&format!(
        "{headline} — {} test purposes: {} pass, {} fail, {} inconclusive, {} not applicable, {} error.\n\n",
        s.total, s.pass, s.fail, s.inconclusive, s.not_applicable, s.error
    ));
    if let Some(b) = &head.baseline {
        m.push_str(&format!("{}\n\n", md_text(b)));
    }
    if let Some(n) = &head.not_configured {
        m.push_str(&format!("> {}\n\n", md_text(n)));
    }
    m.push_str(&format!("`{}`\n\n", head.exit));
    for w in r.suts.iter().flat_map(|s| &s.warnings) {
        m.push_str(&format!("> **Warning**: {}\n\n", md_text(w)));
    }
    m.push_str(&format!(
        "`{}` {} · run `{}` · started {} · {} ms\n\n",
        r.tool, r.tool_version, r.run_id, r.started_at, r.duration_ms
    ));
    for sut in &r.suts {
        m.push_str(&format!(
            "- SUT ({}): {}\n",
            sut.role.name(),
            cell(&sut.title())
        ));
    }
    if !r.specifications.is_empty() {
        m.push_str(&format!(
            "- Specifications: {}\n",
            md_text(&r.specifications.join(" · "))
        ));
    }
    m.push('\n');
    if let Some(b) = &r.baseline {
        for d in &b.deviations {
            m.push_str(&format!("- :warning: {}\n", d.describe()));
        }
        if !b.deviations.is_empty() {
            m.push('\n');
        }
    }
    m.push_str("| SUT | branch | pass | fail | inconclusive | n/a | error |\n|---|---|---:|---:|---:|---:|---:|\n");
    for (sut, branch, c) in branch_counts(&r.results) {
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            sut.name(),
            branch.tag(),
            c.pass,
            c.fail,
            c.inconclusive,
            c.not_applicable,
            c.error
        ));
    }
    let findings: Vec<&ResultEntry> = r
        .results
        .iter()
        .filter(|x| !matches!(x.verdict, Verdict::Pass | Verdict::NotApplicable))
        .collect();
    m.push_str("\n### Findings\n\n");
    if findings.is_empty() {
        m.push_str("None: every applicable test purpose passed.\n");
    }
    for x in findings {
        m.push_str(&format!(
            "#### {} — {} ({}, {})\n\n- **Requirement** ({}): {}\n- **Severity**: {}\n- **Expected**: {}\n- **Observed**: {}\n",
            x.id,
            x.verdict,
            x.severity.tag(),
            x.branch.tag(),
            x.spec_refs.join(", "),
            md_text(&x.requirement),
            md_text(&x.severity_rule),
            x.title,
            md_text(&x.reason)
        ));
        if let Some(e) = &x.expected {
            m.push_str(&format!("- **Baseline expects**: {e}\n"));
        }
        let ev = evidence_lines(x);
        if !ev.is_empty() {
            m.push_str("- **Evidence**:\n");
            for l in ev {
                m.push_str(&format!("  - {l}\n"));
            }
        }
        m.push('\n');
    }
    m.push_str("\n<details><summary>All results</summary>\n\n| id | verdict | severity | reason |\n|---|---|---|---|\n");
    for x in &r.results {
        m.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            x.id,
            x.verdict,
            x.severity.tag(),
            cell(&x.reason)
        ));
    }
    m.push_str("\n</details>\n");
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sut_text_is_inert_in_a_pull_request_comment() {
        let hostile = "</details><img src=x> ![p](http://evil.example/x.png) [click](http://evil.example) @octocat *bold* `code`\nline2";
        let out = md_text(hostile);
        for raw in [
            "</details>",
            "<img",
            "![",
            "](",
            " @octocat",
            "*bold*",
            "`code`",
            "\n",
        ] {
            assert!(!out.contains(raw), "{raw:?} survived in {out:?}");
        }
        assert!(out.contains("&lt;/details&gt;") && out.contains("\\@octocat"));
        assert_eq!(md_code("a`b\u{1b}c"), "a'b'c");
    }
}
