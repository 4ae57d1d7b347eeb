//! Issue 29, the core side through the CLI: `fuzz` finds a reference core's request-handling
//! fault, shrinks it, writes a replayable request, and `fuzz --replay` sends it again — to the
//! faulty core (it reproduces) and to a clean one (it does not). The campaign's verdicts are
//! the test purposes CCF-FUZZ-01..03 in the reports a run writes.

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
    let run = out.join("latest");
    let http = std::fs::read_to_string(run.join("finding-1.http")).unwrap();
    assert!(http.contains("Bearer {{CREDENTIAL}}"), "{http}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(run.join("fuzz.json")).unwrap()).unwrap();
    assert_eq!(json["findings"][0]["test_purpose"], "CCF-FUZZ-03");
    assert_eq!(json["seed"], 1);
    // The report: CCF-FUZZ-03 fails naming the finding and its replay file; the two others
    // pass saying how many cases with which seed; JUnit has the failure.
    let report = super::support::read_valid(&run.join("report.json"), "report");
    let verdict = |id: &str| {
        report["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {report}"))
            .clone()
    };
    let f3 = verdict("CCF-FUZZ-03");
    assert_eq!(f3["verdict"], "fail", "{f3}");
    let reason = f3["reason_full"]
        .as_str()
        .or(f3["reason"].as_str())
        .unwrap();
    assert!(
        reason.contains("finding-1.http") && reason.contains("seed 1"),
        "{reason}"
    );
    for id in ["CCF-FUZZ-01", "CCF-FUZZ-02"] {
        let r = verdict(id);
        assert_eq!(r["verdict"], "pass", "{r}");
        assert!(r["reason"].as_str().unwrap().contains("with seed 1"), "{r}");
    }
    assert_eq!(
        report["results"].as_array().unwrap().len(),
        3,
        "only the campaign's"
    );
    let junit = std::fs::read_to_string(run.join("junit.xml")).unwrap();
    assert!(
        junit.contains("CCF-FUZZ-03") && junit.contains("<failure"),
        "{junit}"
    );
    let replay = run.join("finding-1.http");
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
