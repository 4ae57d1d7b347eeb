//! `load`: a small run against the reference core is clean; a core that repeats ids is caught.

use std::process::Command;

use crate::support::{write_pki, CoreProcess, BIN};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn a_small_load_against_the_reference_core_is_clean() {
    let out = Command::new(BIN)
        .args([
            "load",
            "--sessions",
            "40",
            "--concurrency",
            "8",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j = json(&out);
    assert_eq!(j["sessions"], 40);
    assert_eq!(j["succeeded"], 40);
    assert_eq!(j["failures"], serde_json::json!({}));
    assert!(j["sessions_per_second"].as_f64().unwrap() > 0.0);
    assert!(j["latency_ms"]["p50"].as_f64().unwrap() <= j["latency_ms"]["max"].as_f64().unwrap());
    assert_eq!(j["passed"], true);
}

#[test]
fn an_impossible_rate_threshold_exits_1() {
    let out = Command::new(BIN)
        .args([
            "load",
            "--sessions",
            "5",
            "--min-rate",
            "1000000000",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["passed"], false);
}

#[test]
fn a_core_that_repeats_ids_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    write_pki(&pki);
    let core = CoreProcess::start(&pki, &["--fault", "duplicate-ids"]);
    let url = core.url.clone();
    let config = dir.path().join("sut.toml");
    std::fs::write(
        &config,
        format!("[core]\nurl = \"{url}\"\nca = \"{p}/ca.pem\"\ncredential_command = \"cat {p}/credential.jwt\"\n", p = pki.display()),
    )
    .unwrap();
    let out = Command::new(BIN)
        .args([
            "load",
            "--sessions",
            "10",
            "--concurrency",
            "4",
            "--format",
            "json",
            "--config",
        ])
        .arg(&config)
        .output()
        .unwrap();
    drop(core);
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["failures"]["duplicate-id"], 9, "{j}");
    assert_eq!(j["duplicate_ids"]["INV000000000000000000000000000000"], 10);
    assert_eq!(j["succeeded"], 1);
}
