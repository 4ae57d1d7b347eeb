//! Issue 29, the core side through the CLI: `fuzz` finds a reference core's request-handling
//! fault, shrinks it, writes a replayable request, and `fuzz --replay` sends it again — to the
//! faulty core (it reproduces) and to a clean one (it does not).

use std::process::Command;

use super::support::{write_pki, CoreProcess, BIN};

fn config_for(
    dir: &std::path::Path,
    name: &str,
    core: &CoreProcess,
    pki: &std::path::Path,
) -> std::path::PathBuf {
    super::support::core_config(&dir.join(name), core, pki)
}

fn fuzz(args: &[&str]) -> (i32, String) {
    let o = Command::new(BIN).arg("fuzz").args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr),
    )
}

#[test]
fn a_500_on_a_space_is_found_shrunk_written_and_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let pki = dir.path().join("pki");
    write_pki(&pki);
    let faulty = CoreProcess::start(&pki, &["--fault", "free-text-500"]);
    let clean = CoreProcess::start(&pki, &[]);
    let faulty_cfg = config_for(dir.path(), "faulty.toml", &faulty, &pki);
    let clean_cfg = config_for(dir.path(), "clean.toml", &clean, &pki);
    let out = dir.path().join("fuzz");
    let (code, said) = fuzz(&[
        "--config",
        faulty_cfg.to_str().unwrap(),
        "--seed",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("FINDING 1 CCF-FUZZ-03"), "{said}");
    assert!(said.contains("shrunk to 1 change(s)"), "{said}");
    let http = std::fs::read_to_string(out.join("finding-1.http")).unwrap();
    assert!(http.contains("Bearer {{CREDENTIAL}}"), "{http}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("fuzz.json")).unwrap()).unwrap();
    assert_eq!(json["findings"][0]["test_purpose"], "CCF-FUZZ-03");
    assert_eq!(json["seed"], 1);
    let replay = out.join("finding-1.http");
    let (code, said) = fuzz(&[
        "--config",
        faulty_cfg.to_str().unwrap(),
        "--replay",
        replay.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "the finding reproduces on the faulty core: {said}");
    let (code, said) = fuzz(&[
        "--config",
        clean_cfg.to_str().unwrap(),
        "--replay",
        replay.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "and not on a clean one: {said}");
    assert!(said.contains("does not reproduce"), "{said}");
}

#[test]
fn bad_options_are_named() {
    let (code, said) = fuzz(&["--time-budget", "soon"]);
    assert_eq!(code, 2);
    assert!(said.contains("--time-budget"), "{said}");
    let (code, said) = fuzz(&["--sut", "invoker"]);
    assert_eq!(code, 2);
    assert!(said.contains("not built yet"), "{said}");
}
