//! `report.html`: one self-contained file (inline CSS and SVG, no script, no external asset)
//! a person reads and a vendor hands to a customer.

use crate::catalogue::{Branch, Sut};
use crate::checks::Verdict;
use crate::evidence::{Exchange, MessageEvidence};

use super::figure::flow_svg;
use super::model::{Report, ResultEntry};

/// HTML-escape text.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = r#"
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;color:#1d2430;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
#verdicts td:nth-child(-n+4){white-space:nowrap;overflow-wrap:normal}
th{background:#f3f5f7}.v{font-weight:600;white-space:nowrap}
.v-pass{color:#116329}.v-fail{color:#b42318}.v-inconclusive,.v-error{color:#9a6700}.v-not-applicable{color:#57606a}
.banner{padding:.8rem 1rem;border-radius:6px;font-weight:600;margin:1rem 0}.banner.ok{background:#dafbe1}.banner.bad{background:#ffebe9}.banner.warn{background:#fff8c5}.banner .sub{font-weight:400;font-size:.9em;margin-top:.3rem}
.figs{display:flex;flex-wrap:wrap;gap:1.5rem}.fig{flex:1 1 460px}.fig h3{margin:.2rem 0}
svg.flow{max-width:100%;height:auto}.node{stroke:#57606a;stroke-width:1.5}.node.plain,.node.terminal{fill:#fff}.node.terminal{fill:#eaeef2}
.node.pass{fill:#dafbe1;stroke:#1a7f37}.node.fail{fill:#ffebe9;stroke:#cf222e;stroke-width:2.5}.node.warn{fill:#fff8c5;stroke:#9a6700}.node.advisory{fill:#fff1e5;stroke:#bc4c00;stroke-width:2}.node.none{fill:#f6f8fa;stroke-dasharray:4 3}
.label{font-size:11.5px;text-anchor:middle;fill:#1d2430}.badge{font-size:11px;font-weight:700;text-anchor:middle;fill:#1d2430}.yn{font-size:12px;font-weight:700;fill:#57606a}
.edge{fill:none;stroke:#57606a;stroke-width:1.4}.edge.apart,.node.apart{stroke-dasharray:6 3}.head{fill:#57606a}
details{border:1px solid #d0d7de;border-radius:6px;margin:.5rem 0;padding:.4rem .7rem}summary{cursor:pointer}details.msg{border:none;padding:0;margin:.3rem 0}details.msg>summary{color:#57606a}
pre{background:#f6f8fa;padding:.5rem;overflow-x:auto;white-space:pre-wrap;word-break:break-all;font-size:12px}
.meta td:first-child{width:14rem;color:#57606a}.muted{color:#57606a}
#findings-table{table-layout:fixed;width:100%}#findings-table th:nth-child(1){width:8.5rem}#findings-table th:nth-child(2){width:7.5rem}#findings-table th:nth-child(3){width:7.5rem}#findings-table td{overflow-wrap:anywhere}#findings-table td:nth-child(-n+3){overflow-wrap:normal;white-space:nowrap}
@media print{body{margin:0;max-width:none}details{break-inside:avoid}summary{list-style:none}pre{white-space:pre-wrap}details.tp:not([data-verdict="pass"])::details-content{content-visibility:visible;display:block}}
"#;

fn verdict_cell(v: Verdict) -> String {
    format!("<span class=\"v v-{}\">{}</span>", v.as_str(), v.as_str())
}

fn message(label: &str, m: &MessageEvidence) -> String {
    let mut text = m.start_line.clone();
    for (k, v) in &m.headers {
        text.push_str(&format!("\n{k}: {v}"));
    }
    if !m.body.is_empty() {
        text.push_str(&format!("\n\n{}", m.body));
    }
    // Folded: the start line says what it was; headers and body (certificates, bodies of
    // KiB) open on demand, so a failing test purpose's page stays a page.
    format!(
        "<details class=\"msg\"><summary>{label}: <code>{}</code> ({} lines)</summary><pre>{}</pre></details>",
        esc(&m.start_line),
        text.lines().count(),
        esc(&text)
    )
}

/// A note of the evidence: shown whole when short, folded under its first line when long.
fn note(n: &str) -> String {
    const SHOWN: usize = 400;
    if n.chars().count() <= SHOWN {
        return format!("<pre>{}</pre>", esc(n));
    }
    let first: String = n
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(160)
        .collect();
    format!(
        "<details class=\"msg\"><summary>{} …</summary><pre>{}</pre></details>",
        esc(&first),
        esc(n)
    )
}

fn exchange(x: &Exchange) -> String {
    let mut h = format!("<h4>{}</h4><table class=\"meta\">", esc(&x.label));
    if let Some(t) = &x.tls {
        h.push_str(&format!(
            "<tr><td>TLS</td><td>{} {}{}</td></tr>",
            esc(&t.version.to_string()),
            esc(&t.cipher),
            t.alpn
                .as_ref()
                .map(|a| format!(" (ALPN {})", esc(a)))
                .unwrap_or_default()
        ));
        for (i, c) in t.chain.iter().enumerate() {
            h.push_str(&format!(
                "<tr><td>certificate {i}</td><td>{}<br><span class=\"muted\">issuer {} · until {} · SHA-256 {}</span></td></tr>",
                esc(&c.subject), esc(&c.issuer), esc(&c.not_after), esc(&c.sha256)
            ));
        }
    }
    if let Some(e) = &x.error {
        h.push_str(&format!("<tr><td>error</td><td>{}</td></tr>", esc(e)));
    }
    if let Some(e) = &x.session_end {
        h.push_str(&format!(
            "<tr><td>session end</td><td>{}</td></tr>",
            esc(&e.describe())
        ));
    }
    if let Some(e) = &x.after_harness_close {
        h.push_str(&format!(
            "<tr><td>after the harness closed</td><td>{}</td></tr>",
            esc(&e.describe())
        ));
    }
    let t = &x.timings_ms;
    let timing: Vec<String> = [
        ("handshake", t.handshake),
        ("response", t.response),
        ("teardown", t.teardown),
    ]
    .iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k} {v} ms")))
    .collect();
    if !timing.is_empty() {
        h.push_str(&format!(
            "<tr><td>timings</td><td>{}</td></tr>",
            timing.join(" · ")
        ));
    }
    h.push_str("</table>");
    if let Some(r) = &x.request {
        h.push_str(&message("request (credential masked)", r));
    }
    if let Some(r) = &x.response {
        h.push_str(&message("response (secrets masked)", r));
    }
    h
}

/// The findings first: every fail, error and inconclusive, mandatory first, each linking to
/// its evidence (what a reader of a forwarded report needs before the figure and the table).
fn findings(r: &Report) -> String {
    let mut found: Vec<&ResultEntry> = r
        .results
        .iter()
        .filter(|x| {
            matches!(
                x.verdict,
                Verdict::Fail | Verdict::Error | Verdict::Inconclusive
            )
        })
        .collect();
    found.sort_by_key(|x| (x.verdict != Verdict::Fail, x.severity));
    let mut h = String::from("<h2 id=\"findings\">Findings</h2>\n");
    if found.is_empty() {
        h.push_str(
            "<p>None: no test purpose failed, was inconclusive or met a harness error.</p>\n",
        );
        return h;
    }
    h.push_str("<table id=\"findings-table\"><tr><th>id</th><th>verdict</th><th>severity</th><th>finding</th></tr>\n");
    for x in found {
        h.push_str(&format!(
            "<tr><td><a href=\"#{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}<br><span class=\"muted\">{}</span></td></tr>\n",
            verdict_cell(x.verdict),
            x.severity.tag(),
            esc(&x.title),
            esc(&x.reason),
            id = esc(&x.id),
        ));
    }
    h.push_str("</table>\n");
    h
}

fn result_section(r: &ResultEntry) -> String {
    // Every non-pass opens, so a printed report carries its evidence; passes stay one line.
    let open = if matches!(
        r.verdict,
        Verdict::Fail | Verdict::Error | Verdict::Inconclusive
    ) {
        " open"
    } else {
        ""
    };
    let mut h = format!(
        "<details id=\"{id}\" class=\"tp\" data-verdict=\"{v}\"{open}><summary><b>{id}</b> {verdict} — {title}</summary>",
        id = esc(&r.id),
        v = r.verdict.as_str(),
        verdict = verdict_cell(r.verdict),
        title = esc(&r.title)
    );
    let requirements: String = r
        .requirements
        .iter()
        .map(|q| {
            format!(
                "<div class=\"req\"><b>{}</b> {} ({}, {}{}): &quot;{}&quot;</div>",
                esc(&q.citation()),
                esc(&q.id),
                esc(&q.version),
                esc(q.keyword.as_str()),
                if q.status == crate::catalogue::Status::Verified {
                    ""
                } else {
                    ", text not verified"
                },
                esc(&q.text)
            )
        })
        .collect();
    h.push_str(&format!(
        "<table class=\"meta\"><tr><td>verdict</td><td>{} — {}</td></tr><tr><td>requirements</td><td>{}</td></tr><tr><td>branch · severity</td><td>{} · {}<br><span class=\"muted\">{}</span></td></tr><tr><td>duration</td><td>{} ms</td></tr>{}</table>",
        verdict_cell(r.verdict),
        esc(r.reason_full.as_deref().unwrap_or(&r.reason)),
        requirements,
        r.branch.tag(),
        r.severity.tag(),
        esc(&r.severity_rule),
        r.duration_ms,
        r.expected.as_ref().map(|e| format!("<tr><td>baseline expects</td><td>{}</td></tr>", esc(e))).unwrap_or_default()
    ));
    for n in &r.evidence.notes {
        h.push_str(&note(n));
    }
    for x in &r.evidence.exchanges {
        h.push_str(&exchange(x));
    }
    h.push_str("</details>\n");
    h
}

/// Render the whole report.
///
/// Long by design: the page top to bottom (head and style, banner, run table, figures,
/// verdict table, one section per test purpose), each piece a helper; splitting the sequence
/// further would only scatter the page's order.
pub fn render_html(r: &Report) -> String {
    let s = &r.summary;
    let head = super::headline(r);
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
    h.push_str(&format!(
        "<title>CAPIF onboarding conformance report {}</title><style>{CSS}</style></head><body>\n",
        esc(&r.run_id)
    ));
    h.push_str("<h1>CAPIF API-invoker onboarding: conformance report</h1>\n");
    h.push_str("<p class=\"muted\">3GPP TS 33.122 Annex B.1, Figure B.1-1 (the contribution that introduced it called it Annex X, Figure X.1-1); TS 29.222 V20.1.0; TLS per TS 33.122 §6.1 → TS 33.310 Annex E → TS 33.210 §6.2 — generated by capif-conformance</p>\n");
    // The conformance verdict first, whatever a baseline says; then the baseline and the
    // exit code (README "Exit codes").
    h.push_str(&format!(
        "<div class=\"banner {}\" id=\"verdict\">{}<div class=\"sub\">{}{}</div></div>\n",
        head.tone.class(),
        esc(&head.verdict),
        head.baseline
            .as_ref()
            .map(|b| format!("{} · ", esc(b)))
            .unwrap_or_default(),
        esc(&head.exit)
    ));
    if let Some(n) = &head.not_configured {
        h.push_str(&format!(
            "<div class=\"banner warn\" id=\"not-configured\">{}</div>\n",
            esc(n)
        ));
    }
    for w in r.suts.iter().flat_map(|s| &s.warnings) {
        h.push_str(&format!(
            "<div class=\"banner warn\" id=\"warning\">WARNING: {}</div>\n",
            esc(w)
        ));
    }
    h.push_str("<table class=\"meta\" id=\"header\">");
    for (k, v) in [
        ("tool", format!("{} {}", r.tool, r.tool_version)),
        ("run", r.run_id.clone()),
        ("started", r.started_at.clone()),
        ("duration", format!("{} ms", r.duration_ms)),
        ("command", r.command_line.join(" ")),
        (
            "configuration",
            r.config
                .clone()
                .unwrap_or_else(|| "none (embedded reference peers)".into()),
        ),
        ("specifications", r.specifications.join(" · ")),
    ] {
        h.push_str(&format!("<tr><td>{k}</td><td>{}</td></tr>", esc(&v)));
    }
    if let Some(c) = &r.cell {
        h.push_str(&format!(
            "<tr><td>matrix cell</td><td>{}</td></tr>",
            esc(&format!(
                "{} ({}), cell {} of {} of matrix {}",
                c.name, c.kind, c.index, c.total, c.matrix
            ))
        ));
    }
    for sut in &r.suts {
        let pics: Vec<String> = sut.pics.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        h.push_str(&format!(
            "<tr><td>SUT ({})</td><td>{}<br><span class=\"muted\">roots (SHA-256): {}<br>PICS: {}</span></td></tr>",
            sut.role.name(),
            esc(&sut.title()),
            esc(&sut.trusted_roots.join(", ")),
            esc(&if pics.is_empty() { "—".to_string() } else { pics.join(", ") })
        ));
    }
    h.push_str(&format!(
        "<tr><td>results</td><td>{} test purposes: {} pass, {} fail ({} mandatory), {} inconclusive, {} not applicable, {} error</td></tr></table>\n",
        s.total, s.pass, s.fail, s.mandatory_fail, s.inconclusive, s.not_applicable, s.error
    ));
    if let Some(b) = &r.baseline {
        if !b.deviations.is_empty() {
            h.push_str("<h2>Deviations from the baseline</h2><ul>");
            for d in &b.deviations {
                h.push_str(&format!("<li>{}</li>", esc(&d.describe())));
            }
            h.push_str("</ul>\n");
        }
    }
    h.push_str(&findings(r));
    h.push_str("<h2>Figure B.1-1, coloured by verdict</h2><div class=\"figs\">\n");
    for sut in Sut::ALL {
        if r.results.iter().any(|x| x.sut == sut) {
            h.push_str(&format!(
                "<div class=\"fig\"><h3>{} under test</h3>{}</div>\n",
                match sut {
                    Sut::Core => "CAPIF core",
                    Sut::Invoker => "API invoker",
                    Sut::Pair => "API invoker and CAPIF core together",
                },
                flow_svg(&r.results, sut)
            ));
        }
    }
    h.push_str("</div><p class=\"muted\">Green: every test purpose of the branch passed. Red: at least one failed. Amber: inconclusive or harness error. Dashed: not tested.</p>\n");
    h.push_str("<h2>Verdicts</h2><table id=\"verdicts\"><tr><th>id</th><th>verdict</th><th>severity</th><th>branch</th><th>title</th><th>reason</th></tr>\n");
    for x in &r.results {
        h.push_str(&format!(
            "<tr><td><a href=\"#{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            verdict_cell(x.verdict),
            x.severity.tag(),
            x.branch.tag(),
            esc(&x.title),
            esc(&x.reason),
            id = esc(&x.id)
        ));
    }
    h.push_str("</table>\n<h2>Test purposes and evidence</h2>\n");
    for sut in Sut::ALL {
        for branch in Branch::ALL {
            for x in r
                .results
                .iter()
                .filter(|x| x.sut == sut && x.branch == branch)
            {
                h.push_str(&result_section(x));
            }
        }
    }
    h.push_str("<p class=\"muted\">Secrets are masked: credentials are shortened, private keys never written. TEST certificates only.</p>\n</body></html>\n");
    h
}
