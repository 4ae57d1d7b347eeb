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

fn progress(o: &Outcome) {
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
async fn run_then(mut plan: RunPlan, then: impl FnOnce(&RunResult) -> Option<i32>) -> i32 {
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
async fn core_under_test(
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

/// What `load` was asked for.
pub struct LoadArgs {
    /// The SUT configuration (None: the embedded reference core).
    pub config: Option<std::path::PathBuf>,
    /// Sessions in all (of every shard together).
    pub sessions: usize,
    /// In flight at once (per shard).
    pub concurrency: usize,
    /// Exit 1 below this rate.
    pub min_rate: Option<f64>,
    /// JSON on stdout.
    pub json: bool,
    /// Only this shard of the sessions.
    pub shard: Option<capif_conformance::load::Shard>,
    /// Start at this instant.
    pub start_at: Option<time::OffsetDateTime>,
    /// Write DIR/load.json.
    pub out: Option<std::path::PathBuf>,
}

/// `load`: run the flows, print the figures, gate on failures and the rate.
///
/// Long by design: the console output of a load run, line by line.
pub async fn load(args: LoadArgs) -> i32 {
    use capif_conformance::load::{run_load, ShardInfo};
    use std::io::IsTerminal;

    let LoadArgs {
        config,
        sessions: total,
        concurrency,
        min_rate,
        json,
        shard,
        start_at,
        out,
    } = args;
    if total == 0 {
        eprintln!("error: --sessions must be at least 1");
        return exit_codes::USAGE_OR_HARNESS;
    }
    let range = shard.map(|s| s.range(total)).unwrap_or(0..total);
    let sessions = range.len();
    if sessions == 0 {
        eprintln!(
            "error: --shard {}/{} of --sessions {total} runs no session; give at least as many sessions as shards",
            shard.map(|s| s.index).unwrap_or(0),
            shard.map(|s| s.count).unwrap_or(1)
        );
        return exit_codes::USAGE_OR_HARNESS;
    }
    if let Some(out) = &out {
        if let Err(e) = capif_conformance::report::check_writable(out) {
            eprintln!(
                "error: --out {}: {e}; choose a writable directory",
                out.display()
            );
            return exit_codes::USAGE_OR_HARNESS;
        }
    }
    let (target, embedded) = match core_under_test(config.as_deref(), "load").await {
        Ok(t) => t,
        Err(code) => return code,
    };
    let tty = std::io::stderr().is_terminal() && !json;
    let progress = move |n: usize, total: usize| {
        if tty && (n % 10 == 0 || n == total) {
            let width = 30;
            let filled = n * width / total;
            eprint!(
                "\r  [{}{}] {n}/{total}",
                "#".repeat(filled),
                ".".repeat(width - filled)
            );
            if n == total {
                eprintln!();
            }
        }
    };
    if !json {
        let part = shard
            .map(|s| {
                format!(
                    " (shard {}/{}: sessions {}..{} of {total})",
                    s.index, s.count, range.start, range.end
                )
            })
            .unwrap_or_default();
        say!(
            "load: {sessions} onboarding flows{part}, {concurrency} at once, against {}",
            target.url
        );
    }
    if let Some(at) = start_at {
        let wait = at - time::OffsetDateTime::now_utc();
        if wait.is_positive() {
            tokio::time::sleep(wait.unsigned_abs()).await;
        } else if wait < -time::Duration::seconds(1) {
            eprintln!(
                "warning: --start-at was {:.1} s ago; starting now (the shards did not start together)",
                -wait.as_seconds_f64()
            );
        }
    }
    let mut report = run_load(&target, sessions, concurrency, Some(&progress)).await;
    report.shard = shard.map(|s| ShardInfo {
        shard: s,
        first_session: range.start,
        sessions_total: total,
    });
    if let Some(e) = embedded {
        e.core.shutdown().await;
    }
    if let Some(out) = &out {
        if let Err(e) = write_load(&report, out) {
            eprintln!(
                "error: cannot write {}: {e}",
                out.join("load.json").display()
            );
            return exit_codes::USAGE_OR_HARNESS;
        }
    }
    print_load(&report, min_rate, json);
    load_exit_code(&report, min_rate)
}

/// The gate of a load run or of merged shards: 1 on any failure or below `min_rate`.
fn load_exit_code(report: &capif_conformance::load::LoadReport, min_rate: Option<f64>) -> i32 {
    let failed = report.failures.values().any(|n| *n > 0);
    let below = min_rate.is_some_and(|r| report.sessions_per_second < r);
    if failed || below {
        exit_codes::FAILED
    } else {
        exit_codes::OK
    }
}

/// `DIR/load.json`, written atomically.
fn write_load(
    report: &capif_conformance::load::LoadReport,
    out: &std::path::Path,
) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    let mut json = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    json.push(b'\n');
    capif_conformance::fsutil::write_atomic(
        &out.join("load.json"),
        &json,
        capif_conformance::fsutil::FileMode::Public,
    )
}

/// `merge` of load shards: read every load.json, merge, write DIR/load.json, print, gate.
pub fn merge_load(
    files: &[std::path::PathBuf],
    out: &std::path::Path,
    min_rate: Option<f64>,
) -> i32 {
    let mut shards = Vec::new();
    for f in files {
        let parsed = capif_conformance::fsutil::read_limited(f, 256 << 20)
            .map_err(|e| e.to_string())
            .and_then(|b| serde_json::from_slice(&b).map_err(|e| e.to_string()));
        match parsed {
            Ok(r) => shards.push(r),
            Err(e) => {
                eprintln!("error: merge: {}: not a load.json ({e})", f.display());
                return exit_codes::USAGE_OR_HARNESS;
            }
        }
    }
    let merged = match capif_conformance::load::shard::merge(&shards) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: merge: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    if let Err(e) = write_load(&merged, out) {
        eprintln!(
            "error: cannot write {}: {e}",
            out.join("load.json").display()
        );
        return exit_codes::USAGE_OR_HARNESS;
    }
    say!(
        "merged {} load shards into {}",
        shards.len(),
        out.join("load.json").display()
    );
    print_load(&merged, min_rate, false);
    load_exit_code(&merged, min_rate)
}

/// The figures of a load run or of merged shards.
fn print_load(report: &capif_conformance::load::LoadReport, min_rate: Option<f64>, json: bool) {
    let failed: usize = report.failures.values().sum();
    let below = min_rate.is_some_and(|r| report.sessions_per_second < r);
    if json {
        let mut v = serde_json::to_value(report).unwrap_or_default();
        v["min_rate"] = serde_json::json!(min_rate);
        v["passed"] = serde_json::json!(load_exit_code(report, min_rate) == exit_codes::OK);
        say!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        say!(
            "{} sessions in {} ms: {:.1} onboardings/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
            report.sessions, report.elapsed_ms, report.sessions_per_second,
            report.latency_ms.p50, report.latency_ms.p95, report.latency_ms.p99, report.latency_ms.max
        );
        say!("{} succeeded, {failed} failed", report.succeeded);
        for (kind, n) in &report.failures {
            say!(
                "  {n:>6} {kind}: {}",
                report.examples.get(kind).map(String::as_str).unwrap_or("")
            );
        }
        if below {
            say!(
                "throughput below --min-rate {:.1}/s",
                min_rate.unwrap_or(0.0)
            );
        }
    }
}

/// What `fuzz` was asked for.
pub struct FuzzArgs {
    /// A core or an invoker.
    pub sut: SutSelection,
    /// The SUT configuration (None: the embedded reference core or invoker).
    pub config: Option<std::path::PathBuf>,
    /// How the campaign runs.
    pub options: capif_conformance::fuzz::FuzzOptions,
    /// Where the reports, fuzz.json and the findings' replay files go.
    pub out: std::path::PathBuf,
    /// Expected verdicts of CCF-FUZZ-01..05 to compare with.
    pub baseline: Option<std::path::PathBuf>,
    /// Send this `.http` file again instead of a campaign.
    pub replay: Option<std::path::PathBuf>,
}

/// `fuzz`: a campaign of generated onboarding requests against a core, judged as the test
/// purposes CCF-FUZZ-01..05 in the reports a run writes (same exit codes, same baseline), each
/// finding shrunk and written as a replayable request; or, with `--replay`, one finding sent
/// again (exit 1 when it reproduces, 0 when not).
pub async fn fuzz(args: FuzzArgs) -> i32 {
    if let Some(file) = &args.replay {
        return replay(args.config.as_deref(), file).await;
    }
    let opts = args.options.clone();
    let (what, ids) = match args.sut {
        SutSelection::Invoker => (
            "answers to the invoker's onboarding request",
            "INV-FUZZ-01..03",
        ),
        _ => ("onboarding requests", "CCF-FUZZ-01..05"),
    };
    say!(
        "fuzz: up to {} generated {what} (seed {}, budget {:?}); {ids} judge them",
        opts.cases,
        opts.seed,
        opts.time_budget
    );
    let plan = RunPlan {
        sut: args.sut,
        config: args.config,
        tags: None,
        out: args.out,
        concurrency: 3,
        keylog: None,
        baseline: args.baseline,
        write_baseline: None,
        command_line: std::env::args().collect(),
        on_outcome: None,
        cell: None,
        pair: None,
        fuzz: Some(opts),
    };
    run_then(plan, |result| {
        if let Some(c) = &result.invoker_campaign {
            print_invoker_campaign(c);
            return write_invoker_campaign(c, &result.paths.run_dir).err();
        }
        let campaign = result.campaign.as_ref()?;
        let url = result
            .report
            .suts
            .first()
            .map(|s| s.description.clone())
            .unwrap_or_default();
        print_campaign(campaign, &url);
        // Beside the reports of this run (DIR/<run-id>/, DIR/latest).
        write_campaign(campaign, &result.paths.run_dir).err()
    })
    .await
}

/// What a campaign did, on the console (the verdicts follow in the run's summary).
fn print_campaign(campaign: &capif_conformance::fuzz::Campaign, core: &str) {
    use capif_conformance::fuzz;
    say!("core: {}", untrusted_line(core));
    if let Err((_, why)) = &campaign.positive_control {
        say!(
            "the valid base was not onboarded, so no generated case was judged (each would repeat it): {}",
            untrusted_line(why)
        );
        return;
    }
    let rate = campaign.sent as f64 / campaign.elapsed.as_secs_f64().max(0.001);
    say!(
        "{} case(s) and {} shrink step(s) sent in {:.1} s ({rate:.0} requests/s){}",
        campaign.cases,
        campaign.sent - campaign.cases,
        campaign.elapsed.as_secs_f64(),
        if campaign.budget_exhausted {
            "; the time budget ended generation early"
        } else if !campaign.findings.is_empty() {
            "; each failing case was shrunk, then generation went on without what it explained"
        } else {
            ""
        }
    );
    for (n, f) in campaign.findings.iter().enumerate() {
        say!(
            "FINDING {} {} ({}; {}): {}",
            n + 1,
            f.property.id(),
            f.property.title(),
            f.property.requirements().join(", "),
            untrusted_line(&f.reason)
        );
        say!(
            "  shrunk to {} change(s) from the valid base: {}",
            f.case.mutations.len(),
            untrusted_line(&f.case.describe())
        );
        say!(
            "  replay: {}",
            fuzz::curl_command(&campaign.url, &f.request)
        );
    }
    if let Err(why) = &campaign.still_healthy {
        say!(
            "the core no longer onboards a valid request after the campaign: {}",
            untrusted_line(why)
        );
    }
    match &campaign.offboarded {
        None => say!(
            "{} invoker(s) onboarded by the campaign stay onboarded: the core declares no offboarding ([core.capabilities] offboarding = false)",
            campaign.onboarded.len()
        ),
        Some((done, not)) => {
            say!(
                "{done} of the {} invoker(s) the campaign onboarded offboarded again",
                campaign.onboarded.len()
            );
            for why in not.iter().take(10) {
                say!("  not offboarded: {}", untrusted_line(why));
            }
        }
    }
}

/// fuzz.json and each finding's finding-N.http and finding-N.curl.sh, next to the reports;
/// Err: the exit code of a write that failed (said on stderr).
fn write_campaign(
    campaign: &capif_conformance::fuzz::Campaign,
    out: &std::path::Path,
) -> Result<(), i32> {
    use capif_conformance::fuzz;
    let json = serde_json::json!({
        "seed": campaign.seed,
        "cases": campaign.cases,
        "sent": campaign.sent,
        "elapsed_ms": campaign.elapsed.as_millis() as u64,
        "budget_exhausted": campaign.budget_exhausted,
        "findings": campaign.findings.iter().enumerate().map(|(n, f)| serde_json::json!({
            "test_purpose": f.property.id(),
            "property": f.property.title(),
            "requirements": f.property.requirements(),
            "reason": f.reason,
            "mutations": f.case.describe(),
            "replay": format!("finding-{}.http", n + 1),
        })).collect::<Vec<_>>(),
        "still_healthy": campaign.still_healthy.as_ref().err(),
        "onboarded": campaign.onboarded,
        "offboarded": campaign.offboarded.as_ref().map(|(n, _)| n),
        "not_offboarded": campaign.offboarded.as_ref().map(|(_, not)| not),
    });
    // The core's text is scrubbed of secrets like every report string.
    let mut files = vec![(
        "fuzz.json".to_string(),
        capif_conformance::evidence::scrub(&serde_json::to_string_pretty(&json).expect("JSON")),
    )];
    for (n, f) in campaign.findings.iter().enumerate() {
        files.push((
            format!("finding-{}.http", n + 1),
            fuzz::http_file(&campaign.url, &f.request),
        ));
        files.push((
            format!("finding-{}.curl.sh", n + 1),
            format!(
                "#!/bin/sh\n{}\n",
                fuzz::curl_command(&campaign.url, &f.request)
            ),
        ));
    }
    for (name, text) in files {
        let path = out.join(&name);
        if let Err(e) = capif_conformance::fsutil::write_atomic(
            &path,
            text.as_bytes(),
            capif_conformance::fsutil::FileMode::Public,
        ) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return Err(exit_codes::USAGE_OR_HARNESS);
        }
    }
    say!("written: {}", out.join("fuzz.json").display());
    Ok(())
}

/// What a campaign against an invoker did, on the console.
fn print_invoker_campaign(c: &capif_conformance::fuzz::invoker::InvokerCampaign) {
    if let Err(why) = &c.positive_control {
        say!(
            "the invoker did not onboard on the strict 201, so no generated answer was judged: {}",
            untrusted_line(why)
        );
        return;
    }
    say!(
        "{} generated answer(s) and {} shrink step(s), each an adapter run, in {:.1} s{}",
        c.cases,
        c.sent.saturating_sub(c.cases + 1),
        c.elapsed.as_secs_f64(),
        if c.budget_exhausted {
            "; the time budget ended generation early"
        } else {
            ""
        }
    );
    for (n, f) in c.findings.iter().enumerate() {
        say!(
            "FINDING {} {} ({}): {}",
            n + 1,
            f.property.id(),
            f.property.title(),
            untrusted_line(&f.reason)
        );
        say!(
            "  shrunk to {} change(s) from the strict 201: {} (rerun: the same --seed {})",
            f.reply.mutations.len(),
            f.reply.describe(),
            c.seed
        );
    }
    for why in c.harness_errors.iter().take(3) {
        say!(
            "  a run the harness could not make: {}",
            untrusted_line(why)
        );
    }
}

/// fuzz.json of a campaign against an invoker, next to the reports.
fn write_invoker_campaign(
    c: &capif_conformance::fuzz::invoker::InvokerCampaign,
    out: &std::path::Path,
) -> Result<(), i32> {
    let json = serde_json::json!({
        "seed": c.seed,
        "cases": c.cases,
        "sent": c.sent,
        "elapsed_ms": c.elapsed.as_millis() as u64,
        "budget_exhausted": c.budget_exhausted,
        "findings": c.findings.iter().map(|f| serde_json::json!({
            "test_purpose": f.property.id(),
            "property": f.property.title(),
            "reason": f.reason,
            "answer": f.reply.describe(),
        })).collect::<Vec<_>>(),
        "harness_errors": c.harness_errors,
    });
    let path = out.join("fuzz.json");
    capif_conformance::fsutil::write_atomic(
        &path,
        capif_conformance::evidence::scrub(&serde_json::to_string_pretty(&json).expect("JSON"))
            .as_bytes(),
        capif_conformance::fsutil::FileMode::Public,
    )
    .map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        exit_codes::USAGE_OR_HARNESS
    })?;
    say!("written: {}", path.display());
    Ok(())
}

/// `fuzz --replay FILE`: the request sent again with a fresh valid credential, and judged.
async fn replay(config: Option<&std::path::Path>, file: &std::path::Path) -> i32 {
    use capif_conformance::fuzz;
    let (target, embedded) = match core_under_test(config, "fuzz").await {
        Ok(t) => t,
        Err(code) => return code,
    };
    let url = fuzz::onboarding_url(&target);
    let request = match std::fs::read_to_string(file)
        .map_err(|e| e.to_string())
        .and_then(|t| fuzz::parse_http_file(&t))
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --replay {}: {e}", file.display());
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let expect = request.expect();
    say!(
        "replaying {} against {url} (the model: {expect:?})",
        file.display()
    );
    let attempt = target
        .onboard(
            &capif_conformance::sut::CredentialChoice::Valid,
            request.request_body(),
        )
        .await;
    let code = match attempt {
        Err(e) => {
            eprintln!("error: cannot obtain a valid onboarding credential: {e}");
            exit_codes::USAGE_OR_HARNESS
        }
        Ok(a) => match fuzz::judge_request(
            &request,
            &expect,
            a.response.as_ref(),
            a.error.map(|e| e.to_string()),
            &target,
            None,
        ) {
            None => {
                say!("the answer keeps every property: the finding does not reproduce");
                exit_codes::OK
            }
            Some((p, why)) => {
                say!("{} ({}): {}", p.id(), p.title(), untrusted_line(&why));
                exit_codes::FAILED
            }
        },
    };
    if let Some(e) = embedded {
        e.core.shutdown().await;
    }
    code
}

/// A core's text on one console line, its control characters shown, never obeyed.
fn untrusted_line(s: &str) -> String {
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
