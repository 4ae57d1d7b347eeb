//! Reports and exit codes through the real binary: the HTML rendered by headless Chromium,
//! baselines that match, an unexpected failure, an expected failure that no longer happens.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{core_with_wrong_root, BIN};

fn run(args: &[&str], out: &Path) -> Output {
    Command::new(BIN)
        .arg("run")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
#[ignore = "needs chromium; .ci/run installs Debian's chromium and runs ignored tests"]
fn the_html_report_renders_in_chromium_with_the_figure_and_every_test_purpose() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let html = dir.path().join("latest/report.html");
    assert!(
        text(&o).contains("report.html"),
        "the console names the HTML report"
    );
    let dom = crate::support::chromium_dom(&html);
    assert!(
        dom.contains("<svg")
            && dom.contains("data-sut=\"core\"")
            && dom.contains("data-sut=\"invoker\"")
    );
    assert!(dom.contains("Secure connection") && dom.contains("Tear down connection"));
    // The embedded run tests both roles; the pair purposes belong to a matrix's pair cells,
    // the campaign's to `fuzz`.
    for tp in capif_conformance::catalogue::all().filter(|tp| {
        tp.sut != capif_conformance::catalogue::Sut::Pair
            && tp.runner == capif_conformance::catalogue::Runner::Suite
    }) {
        assert!(
            dom.contains(&format!("id=\"{}\"", tp.id)),
            "{} missing from the rendered DOM",
            tp.id
        );
    }
    assert!(dom.contains("Conformant"), "the banner states the outcome");
}

#[test]
fn every_report_format_is_written_for_the_run_and_latest() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["--sut", "core", "--tags", "@branch:teardown"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    for name in ["report.json", "junit.xml", "report.md", "report.html"] {
        assert!(dir.path().join("latest").join(name).is_file(), "{name}");
    }
    let runs: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(runs.len(), 2, "<run-id>/ and latest/: {runs:?}");
    let junit = std::fs::read_to_string(dir.path().join("latest/junit.xml")).unwrap();
    let parsed = quick_junit::Report::deserialize_from_str(&junit).unwrap();
    assert_eq!(parsed.tests, 3);
    let json: serde_json::Value =
        crate::support::read_report(&dir.path().join("latest/report.json"));
    assert_eq!(json["format_version"], 1);
    assert_eq!(json["summary"]["pass"], 3);
    // No temporary files are left behind.
    for e in std::fs::read_dir(dir.path().join("latest")).unwrap() {
        assert!(!e.unwrap().file_name().to_string_lossy().contains(".tmp"));
    }
}

#[test]
fn baselines_gate_on_change() {
    let dir = tempfile::tempdir().unwrap();
    let b = dir.path().join("baseline.json");
    // Record, then compare: matches, exit 0.
    let o = run(
        &["--sut", "core", "--write-baseline", b.to_str().unwrap()],
        &dir.path().join("r1"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let recorded: serde_json::Value = serde_json::from_slice(&std::fs::read(&b).unwrap()).unwrap();
    assert_eq!(
        recorded["expected"]["CCF-OK-05"]["verdict"],
        "not-applicable"
    );
    let o = run(
        &["--sut", "core", "--baseline", b.to_str().unwrap()],
        &dir.path().join("r2"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("the results match"));

    // An expected failure that no longer happens: exit 1, named.
    let stale = dir.path().join("stale.json");
    std::fs::write(
        &stale,
        r#"{"format_version":1,"expected":{"CCF-TD-03":{"verdict":"fail","reason":"the core used to send a bare FIN"}}}"#,
    )
    .unwrap();
    let o = run(
        &["--sut", "core", "--baseline", stale.to_str().unwrap()],
        &dir.path().join("r3"),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("CCF-TD-03: expected fail no longer happens"),
        "{}",
        text(&o)
    );
    let md = std::fs::read_to_string(dir.path().join("r3/latest/report.md")).unwrap();
    assert!(md.contains("no longer happens"));

    // A bad baseline is a usage error.
    std::fs::write(
        &stale,
        r#"{"format_version":1,"expected":{"NOPE-1":{"verdict":"fail","reason":"x"}}}"#,
    )
    .unwrap();
    let o = run(
        &["--sut", "core", "--baseline", stale.to_str().unwrap()],
        &dir.path().join("r4"),
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn an_unexpected_failure_against_a_baseline_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let (core, config) = core_with_wrong_root(dir.path());
    let baseline = dir.path().join("b.json");
    std::fs::write(&baseline, r#"{"format_version":1,"expected":{}}"#).unwrap();
    let o = run(
        &[
            "--sut",
            "core",
            "--tags",
            "@CCF-TLS-01",
            "--config",
            config.to_str().unwrap(),
            "--baseline",
            baseline.to_str().unwrap(),
        ],
        &dir.path().join("r"),
    );
    drop(core);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("CCF-TLS-01: unexpected fail"),
        "{}",
        text(&o)
    );
}

#[test]
fn keylog_writes_nss_key_log_lines() {
    let dir = tempfile::tempdir().unwrap();
    let keylog = dir.path().join("keys.log");
    let o = run(
        &[
            "--sut",
            "core",
            "--tags",
            "@CCF-TLS-01",
            "--keylog",
            keylog.to_str().unwrap(),
        ],
        &dir.path().join("r"),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let log = std::fs::read_to_string(&keylog).unwrap();
    // TLS 1.3 secrets, one line each: LABEL <client_random hex> <secret hex>.
    let line = log
        .lines()
        .find(|l| l.starts_with("CLIENT_TRAFFIC_SECRET_0 "))
        .expect("a TLS 1.3 secret");
    let parts: Vec<&str> = line.split(' ').collect();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[1].len(), 64);
}

/// `diff OLD NEW` through the binary: a run against a core whose certificate does not chain to
/// the provisioned root, after a run against the reference core, regressed (exit 1, CCF-TLS-01
/// listed as regressed, in text and Markdown); the other way round it improved (exit 0).
#[test]
fn diff_names_a_regression_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let tags = "@CCF-TLS-01 or @CCF-TLS-05";
    let good = run(&["--sut", "core", "--tags", tags], &dir.path().join("good"));
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    let (_core, config) = core_with_wrong_root(dir.path());
    let bad = run(
        &[
            "--sut",
            "core",
            "--tags",
            tags,
            "--config",
            config.to_str().unwrap(),
        ],
        &dir.path().join("bad"),
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let diff = |old: &str, new: &str, format: &str| {
        Command::new(BIN)
            .args(["diff", "--format", format])
            .arg(dir.path().join(old).join("latest"))
            .arg(dir.path().join(new).join("latest/report.json"))
            .output()
            .unwrap()
    };
    let worse = diff("good", "bad", "text");
    assert_eq!(worse.status.code(), Some(1), "{}", text(&worse));
    let out = text(&worse);
    assert!(out.starts_with("REGRESSED"), "{out}");
    assert!(
        out.lines().any(|l| l.contains("regressed")
            && l.contains("CCF-TLS-01")
            && l.contains("pass (mandatory) -> fail (mandatory)")),
        "{out}"
    );
    let md = text(&diff("good", "bad", "markdown"));
    assert!(md.contains("| regressed | **CCF-TLS-01**"), "{md}");
    let better = diff("bad", "good", "text");
    assert_eq!(better.status.code(), Some(0), "{}", text(&better));
    assert!(text(&better).contains("improved"), "{}", text(&better));
    // --rerun-failed runs exactly what did not pass, and what it pointed at.
    let bad_run = crate::support::report_verdicts(&dir.path().join("bad/latest/report.json"));
    let again = run(
        &[
            "--sut",
            "core",
            "--config",
            config.to_str().unwrap(),
            "--rerun-failed",
            dir.path().join("bad/latest").to_str().unwrap(),
        ],
        &dir.path().join("again"),
    );
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    let rerun = crate::support::report_verdicts(&dir.path().join("again/latest/report.json"));
    let not_passed: Vec<&String> = bad_run
        .iter()
        .filter(|(_, v)| *v != "pass")
        .map(|(id, _)| id)
        .collect();
    assert!(!not_passed.is_empty());
    assert_eq!(
        rerun.keys().collect::<Vec<_>>(),
        not_passed,
        "{}",
        text(&again)
    );
    let nothing = run(
        &[
            "--sut",
            "core",
            "--rerun-failed",
            dir.path().join("good/latest").to_str().unwrap(),
        ],
        &dir.path().join("none"),
    );
    assert_eq!(nothing.status.code(), Some(4), "{}", text(&nothing));
    let unreadable = Command::new(BIN)
        .args(["diff"])
        .arg(dir.path().join("nothing-here"))
        .arg(dir.path().join("good/latest"))
        .output()
        .unwrap();
    assert_eq!(unreadable.status.code(), Some(2));
}

/// The proforma's TOML skeleton, with its FILL IN values filled in for a reference core process,
/// is a configuration `run --config` runs, and the report lists the ICS answers it was run with.
#[test]
fn the_proforma_round_trips_through_run_config() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    crate::support::write_pki(&pki);
    let core = crate::support::CoreProcess::start(&pki, &[]);
    let skeleton = Command::new(BIN)
        .args(["proforma", "--sut", "core", "--format", "toml"])
        .output()
        .unwrap();
    assert_eq!(skeleton.status.code(), Some(0));
    let filled = String::from_utf8(skeleton.stdout)
        .unwrap()
        .replace("https://FILL-IN.example:8443", &core.url)
        .replace("FILL-IN/ca.pem", &pki.join("ca.pem").display().to_string())
        .replace(
            "FILL IN: ./get-token.sh",
            &format!("cat {}", pki.join("credential.jwt").display()),
        )
        .replace(
            "FILL IN: product name and version",
            "reference core, from the proforma",
        );
    let config = dir.path().join("ics.toml");
    std::fs::write(&config, &filled).unwrap();
    let o = run(
        &[
            "--sut",
            "core",
            "--tags",
            "@CCF-TLS-01 or @CCF-OK-01",
            "--config",
            config.to_str().unwrap(),
        ],
        &dir.path().join("r"),
    );
    assert_eq!(o.status.code(), Some(0), "{}\n{filled}", text(&o));
    let report: serde_json::Value =
        crate::support::read_report(&dir.path().join("r/latest/report.json"));
    let pics = report["suts"][0]["pics"].to_string();
    assert!(
        pics.contains("issues_certificate") && pics.contains("teardown"),
        "{pics}"
    );
    assert!(report["suts"][0]["product"]
        .to_string()
        .contains("from the proforma"));
}
