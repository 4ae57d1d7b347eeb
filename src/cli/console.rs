//! Console output of `run` and `list`: a line per scenario as it finishes, a summary table,
//! the path of the report. Only the binary prints.

use capif_conformance::catalogue::{self, Applicability};
use capif_conformance::checks::Verdict;
use capif_conformance::exit_codes;
use capif_conformance::report::branch_counts;
use capif_conformance::run::{execute, RunPlan, RunResult, SutSelection};
use capif_conformance::suite::Outcome;

fn verdict_label(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "PASS",
        Verdict::Fail => "FAIL",
        Verdict::Inconclusive => "INCONCLUSIVE",
        Verdict::NotApplicable => "N/A",
        Verdict::Error => "ERROR",
    }
}

/// SUT-controlled text made safe for a terminal: secrets masked, control characters (ESC,
/// BEL, line breaks: they could rewrite the screen or split a result) escaped so they stay
/// visible, and what no output may carry (bidirectional overrides, noncharacters) replaced
/// ([`capif_conformance::untrusted`]).
fn inert(s: &str) -> String {
    let escaped: String = capif_conformance::evidence::scrub(s)
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    capif_conformance::untrusted::printable(&escaped).into_owned()
}

fn shorten(s: &str, n: usize) -> String {
    let s = inert(s);
    if s.chars().count() <= n {
        s
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

pub(super) fn progress(o: &Outcome) {
    say!(
        "  {:<12} {:<12} {:>5} ms  {}",
        verdict_label(o.verdict),
        o.tp.id,
        o.duration_ms,
        shorten(&o.reason, 110)
    );
}

/// `run`: execute the plan, print progress and a summary, return the exit code.
///
/// Long by design: the console output of a run, line by line.
pub async fn run(plan: RunPlan) -> i32 {
    run_then(plan, |_| None).await
}

/// [`run`], with `then` called on the finished run before its summary is printed (`fuzz`
/// prints its findings and writes their replay files there); a code it returns ends the
/// command with that code.
pub(super) async fn run_then(
    mut plan: RunPlan,
    then: impl FnOnce(&RunResult) -> Option<i32>,
) -> i32 {
    use capif_conformance::sut::processes;
    plan.on_outcome = Some(Box::new(progress));
    say!("capif-conformance {}: running…", env!("CARGO_PKG_VERSION"));
    processes::become_subreaper();
    // CI runners and `timeout` send SIGTERM: end every process the run started, let the
    // scenarios finish as `error: interrupted`, and write the report of what finished.
    let watcher = tokio::spawn(async {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        eprintln!("interrupted: ending the processes the run started, writing the report of what finished");
        processes::interrupt();
    });
    let executed = execute(plan).await;
    watcher.abort();
    // Whatever an adapter left behind (even detached with setsid) ends with the run.
    processes::end_everything();
    let result = match executed {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return e.exit_code();
        }
    };
    if let Some(code) = then(&result) {
        return code;
    }
    // The lines above came in completion order and cut; here every non-pass again, in
    // catalogue order (core first) and in full.
    let not_passed: Vec<_> = result
        .report
        .results
        .iter()
        .filter(|x| x.verdict != Verdict::Pass)
        .collect();
    if !not_passed.is_empty() {
        say!();
        say!("Every test purpose that did not pass, in catalogue order:");
        for x in &not_passed {
            say!(
                "  {:<12} {:<12} {:<13} {}",
                verdict_label(x.verdict),
                x.id,
                x.severity.tag(),
                inert(&x.reason)
            );
        }
    }
    say!();
    for sut in &result.report.suts {
        say!("SUT ({}): {}", sut.role.name(), inert(&sut.title()));
        for w in &sut.warnings {
            say!("WARNING: {}", inert(w));
        }
    }
    say!();
    say!(
        "  {:<8} {:<20} {:>5} {:>5} {:>6} {:>5} {:>6}",
        "SUT",
        "branch",
        "pass",
        "fail",
        "incon",
        "n/a",
        "error"
    );
    for (sut, branch, c) in branch_counts(&result.report.results) {
        say!(
            "  {:<8} {:<20} {:>5} {:>5} {:>6} {:>5} {:>6}",
            sut.name(),
            branch.tag(),
            c.pass,
            c.fail,
            c.inconclusive,
            c.not_applicable,
            c.error
        );
    }
    let s = &result.report.summary;
    say!();
    say!(
        "{} test purposes: {} pass, {} fail ({} mandatory), {} inconclusive, {} not applicable{}, {} error — {} ms",
        s.total,
        s.pass,
        s.fail,
        s.mandatory_fail,
        s.inconclusive,
        s.not_applicable,
        if s.not_configured > 0 {
            format!(" ({} of them not tested because of the configuration)", s.not_configured)
        } else {
            String::new()
        },
        s.error,
        result.report.duration_ms
    );
    let head = capif_conformance::report::headline(&result.report);
    say!("{}", inert(&head.verdict));
    if let Some(n) = &head.not_configured {
        say!("{}", inert(n));
    }
    if let Some(b) = &head.baseline {
        say!("{}", inert(b));
        for d in result.report.baseline.iter().flat_map(|b| &b.deviations) {
            say!("  {}", inert(&d.describe()));
        }
    }
    say!("report: {}", result.paths.html().display());
    // Only the demo gets the hint: a matrix cell names its systems in the matrix file, and a
    // campaign was asked for by name.
    if result.report.config.is_none() && result.report.cell.is_none() && result.campaign.is_none() {
        say!(
            "This tested the embedded reference peers. Next: `capif-conformance run --sut core --config my-core.toml` (README \"Testing your own CAPIF core\") or `--sut invoker` with an adapter."
        );
    }
    if processes::interrupted() {
        say!("exit {}: the run was interrupted", exit_codes::INTERRUPTED);
        return exit_codes::INTERRUPTED;
    }
    // The closing line quotes the code the process returns (the report's, decided once).
    say!("{}", head.exit);
    result.exit_code
}

/// `list`: the catalogue.
pub fn list(ids: &[String], sut: SutSelection, json: bool) -> i32 {
    if let Some(unknown) = ids.iter().find(|id| catalogue::find(id).is_none()) {
        eprintln!("error: no test purpose {unknown}; `capif-conformance list` shows them all");
        return exit_codes::USAGE_OR_HARNESS;
    }
    let tps: Vec<_> = catalogue::all()
        .filter(|tp| sut.includes(tp.sut))
        .filter(|tp| ids.is_empty() || ids.iter().any(|id| id.eq_ignore_ascii_case(tp.id)))
        .collect();
    if json {
        let listed: Vec<serde_json::Value> = tps.iter().map(|tp| listed(tp)).collect();
        match serde_json::to_string_pretty(&listed) {
            Ok(s) => say!("{s}"),
            Err(e) => {
                eprintln!("error: {e}");
                return exit_codes::USAGE_OR_HARNESS;
            }
        }
        return exit_codes::OK;
    }
    for tp in tps {
        let applies = match tp.applicability {
            Applicability::Always => String::new(),
            Applicability::Requires(c) => format!("  [when {}]", c.key()),
            Applicability::Unless(c) => format!("  [unless {}]", c.key()),
        };
        say!(
            "{:<12} {:<13} {:<20} {}{}\n{:<12} {}",
            tp.id,
            tp.severity().tag(),
            tp.branch.tag(),
            tp.title,
            applies,
            "",
            tp.spec_refs().join(", ")
        );
        if !ids.is_empty() {
            print_whereabouts(tp);
        }
    }
    exit_codes::OK
}

/// Where a test purpose lives, for `list ID`: the sentence it judges, its scenario, each
/// step with its function and checks, and the faults that prove the checks bite.
fn print_whereabouts(tp: &catalogue::TestPurpose) {
    let v = listed(tp);
    let text = |k: &str| v[k].as_str().unwrap_or("").to_string();
    for r in tp.cited() {
        say!(
            "{:<12} requirement  {} {} ({}, {} {}): \"{}\"",
            "",
            r.id,
            r.citation(),
            r.version,
            r.keyword.as_str(),
            match r.status {
                catalogue::Status::Verified => "verified",
                catalogue::Status::Secondary => "secondary",
                catalogue::Status::Unretrieved => "unretrieved",
            },
            r.text
        );
    }
    say!("{:<12} severity     {}", "", text("severity_rule"));
    say!("{:<12} scenario     {}", "", text("scenario"));
    for step in capif_conformance::suite::scenario_steps(tp.id) {
        say!(
            "{:<12} step         {:<60} {}",
            "",
            step.step,
            step.defined_at.as_deref().unwrap_or("(no step definition)")
        );
    }
    for path in tp.judged_by {
        let (file, function) = catalogue::TestPurpose::check_location(path);
        say!("{:<12} judged by    {file} {function}", "");
    }
    let faults: Vec<&str> = v["caught_by_faults"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f.as_str()).collect())
        .unwrap_or_default();
    say!(
        "{:<12} caught by    {}",
        "",
        if faults.is_empty() {
            "(no catalogued fault)".to_string()
        } else {
            faults.join(", ")
        }
    );
}

/// A test purpose as `list --format json` shows it: the catalogue entry, why it has its
/// severity, what it needs and which test purpose judges that, where its scenario is, and
/// which catalogued faults prove its check bites.
fn listed(tp: &catalogue::TestPurpose) -> serde_json::Value {
    use capif_conformance::peers::faults::{CoreFault, InvokerFault};
    let mut v = serde_json::to_value(tp).unwrap_or_default();
    let faults: Vec<&str> = CoreFault::ALL
        .iter()
        .map(|f| f.spec())
        .chain(InvokerFault::ALL.iter().map(|f| f.spec()))
        .filter(|s| s.catches.contains(&tp.id))
        .map(|s| s.name)
        .collect();
    v["severity"] = tp.severity().tag().into();
    v["severity_rule"] = tp.severity_rule().into();
    v["spec_refs"] = tp.spec_refs().into();
    v["requirement"] = tp.requirement_text().into();
    v["cited"] = serde_json::to_value(tp.cited().collect::<Vec<_>>()).unwrap_or_default();
    v["preconditions"] = tp
        .needs
        .iter()
        .map(|n| serde_json::json!({"need": n, "judged_by": n.judged_by()}))
        .collect::<Vec<_>>()
        .into();
    v["scenario"] = capif_conformance::suite::scenario_location(tp.id).into();
    // Each step with the function that runs it (as cucumber matches it), and the checks that
    // decide the verdict (from the catalogue).
    v["steps"] =
        serde_json::to_value(capif_conformance::suite::scenario_steps(tp.id)).unwrap_or_default();
    v["judged_by"] = tp
        .judged_by
        .iter()
        .map(|path| {
            let (file, function) = catalogue::TestPurpose::check_location(path);
            serde_json::json!({"check": path, "file": file, "function": function})
        })
        .collect::<Vec<_>>()
        .into();
    v["caught_by_faults"] = faults.into();
    v
}

/// The core `load` and `fuzz` drive: the `[core]` of `config`, or the embedded reference core
/// (returned to be kept running). Err: the exit code, the error printed.
pub(super) async fn core_under_test(
    config: Option<&std::path::Path>,
    command: &str,
) -> Result<
    (
        capif_conformance::sut::CoreTarget,
        Option<capif_conformance::run::EmbeddedCore>,
    ),
    i32,
> {
    use capif_conformance::run::EmbeddedCore;
    use capif_conformance::sut::{CoreTarget, SutConfig};
    match config {
        Some(path) => match SutConfig::load(path) {
            Ok(cfg) => match &cfg.core {
                Some(core) => match CoreTarget::configured(core, cfg.timeouts).await {
                    Ok((t, note)) => {
                        if let Some(n) = note {
                            eprintln!("warning: {n}");
                        }
                        Ok((t, None))
                    }
                    Err(e) => {
                        eprintln!("error: {e}");
                        Err(exit_codes::USAGE_OR_HARNESS)
                    }
                },
                None => {
                    eprintln!(
                        "error: {} has no [core] section; {command} tests a CAPIF core",
                        path.display()
                    );
                    Err(exit_codes::USAGE_OR_HARNESS)
                }
            },
            Err(e) => {
                eprintln!("error: {e}");
                Err(exit_codes::USAGE_OR_HARNESS)
            }
        },
        None => match EmbeddedCore::start(Default::default()).await {
            Ok(e) => Ok((e.target.clone(), Some(e))),
            Err(e) => {
                eprintln!("error: cannot start the embedded reference core: {e}");
                Err(exit_codes::USAGE_OR_HARNESS)
            }
        },
    }
}

/// A core's text on one console line, its control characters shown, never obeyed.
pub(super) fn untrusted_line(s: &str) -> String {
    capif_conformance::untrusted::printable(s).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_never_reach_the_terminal() {
        let out = shorten("INV\u{1b}[2J\u{7}x\u{202e}y\u{fffe}\n", 100);
        assert!(!out.chars().any(char::is_control), "{out:?}");
        assert!(
            out.chars().all(capif_conformance::untrusted::allowed),
            "{out:?}"
        );
        assert!(out.contains("\\u{1b}") && out.contains("\\n"), "{out:?}");
    }
}
