//! Console output of `run` and `list`: a line per scenario as it finishes, a summary table,
//! the path of the report. Only the binary prints.

use capif_conformance::catalogue::{self, Applicability, Branch, Sut};
use capif_conformance::checks::Verdict;
use capif_conformance::exit_codes;
use capif_conformance::run::{execute, RunPlan, SutSelection};
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

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

fn progress(o: &Outcome) {
    println!(
        "  {:<12} {:<12} {:>5} ms  {}",
        verdict_label(o.verdict),
        o.tp.id,
        o.duration_ms,
        shorten(&o.reason, 110)
    );
}

/// `run`: execute the plan, print progress and a summary, return the exit code.
pub async fn run(mut plan: RunPlan) -> i32 {
    plan.on_outcome = Some(Box::new(progress));
    println!("capif-conformance {}: running…", env!("CARGO_PKG_VERSION"));
    let result = match execute(plan).await {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return e.exit_code();
        }
    };
    for sut in &result.report.suts {
        println!("SUT ({}): {}", sut.role.name(), sut.description);
    }
    println!();
    println!(
        "  {:<8} {:<20} {:>5} {:>5} {:>6} {:>5} {:>6}",
        "SUT", "branch", "pass", "fail", "incon", "n/a", "error"
    );
    for sut in [Sut::Core, Sut::Invoker] {
        for branch in Branch::ALL {
            let rows: Vec<&Outcome> = result
                .outcomes
                .iter()
                .filter(|o| o.tp.sut == sut && o.tp.branch == branch)
                .collect();
            if rows.is_empty() {
                continue;
            }
            let n = |v: Verdict| rows.iter().filter(|o| o.verdict == v).count();
            println!(
                "  {:<8} {:<20} {:>5} {:>5} {:>6} {:>5} {:>6}",
                sut.name(),
                branch.tag(),
                n(Verdict::Pass),
                n(Verdict::Fail),
                n(Verdict::Inconclusive),
                n(Verdict::NotApplicable),
                n(Verdict::Error)
            );
        }
    }
    let s = &result.report.summary;
    println!();
    println!(
        "{} test purposes: {} pass, {} fail ({} mandatory), {} inconclusive, {} not applicable, {} error — {} ms",
        s.total, s.pass, s.fail, s.mandatory_fail, s.inconclusive, s.not_applicable, s.error, result.report.duration_ms
    );
    if let Some(b) = &result.report.baseline {
        if b.deviations.is_empty() {
            println!("baseline {}: the results match", b.file);
        } else {
            println!("baseline {}: {} deviation(s)", b.file, b.deviations.len());
            for d in &b.deviations {
                println!("  {}", d.describe());
            }
        }
    }
    println!("report: {}", result.paths.html().display());
    result.exit_code
}

/// `list`: the catalogue.
pub fn list(sut: SutSelection, json: bool) -> i32 {
    let tps: Vec<_> = catalogue::all().filter(|tp| sut.includes(tp.sut)).collect();
    if json {
        match serde_json::to_string_pretty(&tps) {
            Ok(s) => println!("{s}"),
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
        };
        println!(
            "{:<12} {:<13} {:<20} {}{}\n{:<12} {}",
            tp.id,
            tp.severity.tag(),
            tp.branch.tag(),
            tp.title,
            applies,
            "",
            tp.spec_refs.join(", ")
        );
    }
    exit_codes::OK
}
