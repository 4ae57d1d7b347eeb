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

/// Issue 22: three `load --shard i/3` processes against one reference core, started together
/// with --start-at, merged: the counts of one load of the same total, every id distinct across
/// the shards, throughput over the union of their windows; a missing shard is refused.
#[test]
fn three_shards_merge_into_the_load_they_partition() {
    let dir = tempfile::tempdir().unwrap();
    let (_core, config) = crate::support::core_process_and_config(dir.path());
    let start = (time::OffsetDateTime::now_utc() + time::Duration::seconds(2))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let shards: Vec<_> = (0..3)
        .map(|i| {
            Command::new(BIN)
                .args(["load", "--sessions", "31", "--concurrency", "4", "--config"])
                .arg(&config)
                .args(["--shard", &format!("{i}/3"), "--start-at", &start, "--out"])
                .arg(dir.path().join(format!("shards/s{i}")))
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut s in shards {
        assert_eq!(s.wait().unwrap().code(), Some(0));
    }
    let shard_json = |i: usize| -> serde_json::Value {
        crate::support::read_valid(&dir.path().join(format!("shards/s{i}/load.json")), "load")
    };
    // A partition: 11 + 10 + 10 sessions, consecutive.
    let sizes: Vec<u64> = (0..3)
        .map(|i| shard_json(i)["sessions"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [11, 10, 10]);
    assert_eq!(shard_json(2)["shard"]["first_session"], 21);
    let merged = dir.path().join("merged");
    let out = Command::new(BIN)
        .arg("merge")
        .arg(dir.path().join("shards"))
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: serde_json::Value = crate::support::read_valid(&merged.join("load.json"), "load");
    assert_eq!(m["sessions"], 31);
    assert_eq!(m["succeeded"], 31);
    assert_eq!(m["shards_merged"], 3);
    assert_eq!(m["failures"], serde_json::json!({}));
    let ids: std::collections::BTreeSet<&str> = m["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 31, "every id distinct across the shards");
    let window = m["ended_unix_ms"].as_u64().unwrap() - m["started_unix_ms"].as_u64().unwrap();
    assert_eq!(m["elapsed_ms"].as_u64().unwrap(), window);
    let lat = &m["latency_ms"];
    assert!(lat["p50"].as_f64().unwrap() <= lat["p99"].as_f64().unwrap());
    assert!(lat["p99"].as_f64().unwrap() <= lat["max"].as_f64().unwrap());
    // A shard that did not report: the merge names it and writes nothing.
    std::fs::remove_dir_all(dir.path().join("shards/s1")).unwrap();
    let out = Command::new(BIN)
        .arg("merge")
        .arg(dir.path().join("shards"))
        .arg("--out")
        .arg(dir.path().join("refused"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing shard(s) 1/3"));
    assert!(!dir.path().join("refused/load.json").exists());
}
