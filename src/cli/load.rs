//! The `load` command: onboarding throughput against a core, its report, and the exact merge of
//! several workers' reports.

use super::console::core_under_test;
use capif_conformance::exit_codes;

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
pub(super) fn load_exit_code(
    report: &capif_conformance::load::LoadReport,
    min_rate: Option<f64>,
) -> i32 {
    let failed = report.failures.values().any(|n| *n > 0);
    let below = min_rate.is_some_and(|r| report.sessions_per_second < r);
    if failed || below {
        exit_codes::FAILED
    } else {
        exit_codes::OK
    }
}

/// `DIR/load.json`, written atomically.
pub(super) fn write_load(
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
pub(super) fn print_load(
    report: &capif_conformance::load::LoadReport,
    min_rate: Option<f64>,
    json: bool,
) {
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
