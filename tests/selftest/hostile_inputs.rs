//! Hostile or broken inputs get a clear error and lose nothing: special files, huge nesting,
//! bad names, unwritable output, concurrent runs into one `--out`.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use super::support::invoker_purposes;

const BIN: &str = env!("CARGO_BIN_EXE_capif-conformance");

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mkfifo(path: &std::path::Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo only creates a file system node from a valid C string.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

#[test]
fn deeply_nested_tags_are_a_usage_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let expr = format!("{}@CCF-TLS-01{}", "(".repeat(50_000), ")".repeat(50_000));
    let out = dir.path().join("r");
    let (code, _, err) = run(&[
        "run",
        "--sut",
        "core",
        "--tags",
        &expr,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("nested deeper"), "{err}");
    let nots = format!("{}@CCF-TLS-01", "not ".repeat(10_000));
    let (code, _, err) = run(&[
        "run",
        "--sut",
        "core",
        "--tags",
        &nots,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(2), "{err}");
}

#[test]
fn special_files_as_config_or_keylog_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let out = dir.path().join("r");
    for config in [fifo.to_str().unwrap(), "/dev/zero"] {
        let (code, _, err) = run(&["run", "--config", config, "--out", out.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{config}: {err}");
        assert!(err.contains("not a regular file"), "{config}: {err}");
    }
    for keylog in [fifo.to_str().unwrap(), "/dev/full"] {
        let (code, _, err) = run(&[
            "run",
            "--sut",
            "core",
            "--tags",
            "@CCF-TLS-01",
            "--keylog",
            keylog,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(2), "{keylog}: {err}");
        assert!(err.contains("--keylog"), "{keylog}: {err}");
    }
}

#[test]
fn an_existing_keylog_file_is_made_private() {
    let dir = tempfile::tempdir().unwrap();
    let keylog = dir.path().join("keys.log");
    std::fs::write(&keylog, "").unwrap();
    std::fs::set_permissions(&keylog, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = dir.path().join("r");
    let (code, _, err) = run(&[
        "run",
        "--sut",
        "core",
        "--tags",
        "@CCF-TLS-01",
        "--keylog",
        keylog.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    let mode = std::fs::metadata(&keylog).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_to_string(&keylog)
        .unwrap()
        .contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
}

#[test]
fn bad_pki_host_names_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for host in ["", "two words", "bell\u{7}", "999.1.1.1", "1::2::3"] {
        let (code, _, err) = run(&["pki", "--out", dir.path().to_str().unwrap(), "--host", host]);
        assert_eq!(code, Some(2), "{host:?}: {err}");
        assert!(err.contains("--host"), "{host:?}: {err}");
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn an_unwritable_out_is_refused_before_the_suite_runs() {
    let (code, stdout, err) = run(&["run", "--out", "/proc/capif-conformance-not-here"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("--out"), "{err}");
    assert!(!stdout.contains("PASS"), "no scenario ran: {stdout}");
}

#[test]
fn concurrent_runs_into_one_out_leave_a_consistent_latest() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(BIN)
                .args(["run", "--sut", "core", "--tags", "@CCF-TLS-01", "--out"])
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let latest = out.join("latest");
    assert!(latest.is_symlink());
    let json: serde_json::Value = crate::support::read_report(&latest.join("report.json"));
    let run_id = json["run_id"].as_str().unwrap();
    // Every file of latest/ belongs to the same run.
    let html = std::fs::read_to_string(latest.join("report.html")).unwrap();
    let md = std::fs::read_to_string(latest.join("report.md")).unwrap();
    assert!(html.contains(run_id) && md.contains(run_id), "{run_id}");
    assert_eq!(
        std::fs::read_link(&latest).unwrap().to_str().unwrap(),
        run_id
    );
}

fn processes_with(marker: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| {
            let pid = e.ok()?.file_name().to_str()?.parse::<u32>().ok()?;
            let cmd = std::fs::read(format!("/proc/{pid}/cmdline")).ok()?;
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let zombie = state.rsplit(')').next()?.trim_start().starts_with('Z');
            (cmd.contains(marker) && !zombie).then(|| format!("{pid}: {cmd}"))
        })
        .collect()
}

#[test]
fn sigterm_ends_every_adapter_writes_the_report_and_exits_5() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sut.toml");
    // Each adapter detaches a grandchild with setsid (escaping its process group) and sleeps.
    std::fs::write(
        &config,
        "[invoker]\ncommand = \"setsid sleep 41.3 & sleep 41.3\"\n[timeouts]\nadapter = \"60s\"\n",
    )
    .unwrap();
    let out = dir.path().join("r");
    let mut child = Command::new(BIN)
        .args(["run", "--sut", "invoker", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the adapters run, then terminate the harness as a CI runner would.
    let started = std::time::Instant::now();
    while processes_with("sleep 41.3").len() < 4 && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        !processes_with("sleep 41.3").is_empty(),
        "the adapters started"
    );
    // SAFETY: kill only sends SIGTERM to the child we spawned.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        // A hang detector: the adapter timeout is 60 s.
        assert!(started.elapsed().as_secs() < 45, "the harness did not stop");
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(
        status.code(),
        Some(capif_conformance::exit_codes::INTERRUPTED)
    );
    let report: serde_json::Value = crate::support::read_report(&out.join("latest/report.json"));
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), invoker_purposes());
    assert!(results
        .iter()
        .all(|r| r["verdict"] == "error" && r["reason"].as_str().unwrap().contains("interrupted")));
    // Nothing left running, the setsid'd grandchildren included.
    let mut left = processes_with("sleep 41.3");
    for _ in 0..40 {
        if left.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        left = processes_with("sleep 41.3");
    }
    assert!(left.is_empty(), "left running: {left:?}");
}

/// Issue 28, class 6: an adapter that detaches (setsid) a chain re-forking itself every few
/// milliseconds cannot outrun the run's cleanup. The chain writes a heartbeat file each
/// generation; after the harness exits the heartbeat must stand still (a `ps` snapshot would
/// miss such a chain, which is why it is judged by its heartbeat).
#[test]
fn a_detached_reforking_chain_does_not_outlive_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let (chain, heartbeat, stop) = (
        dir.path().join("chain.sh"),
        dir.path().join("heartbeat"),
        dir.path().join("stop"),
    );
    // Each generation: stop if told, beat, fork the next generation, exit (~1 ms each). The
    // beat is renamed into place, so a generation killed while writing leaves the last beat
    // readable (a truncated file read as "the chain never ran").
    // Perl because Debian always has it (perl-base is essential) and it forks without an
    // exec, as fast as such a chain gets.
    std::fs::write(
        &chain,
        "exec perl -e 'my $n = 0; while (1) { exit 0 if -e $ARGV[1]; open(my $f, \">\", \"$ARGV[0].tmp\") or exit 1; print $f $$, \" \", ++$n; close $f; rename(\"$ARGV[0].tmp\", $ARGV[0]); select(undef, undef, undef, 0.001); exit 0 if fork() }' \"$1\" \"$2\"\n",
    )
    .unwrap();
    let config = dir.path().join("sut.toml");
    std::fs::write(
        &config,
        format!(
            // The adapter ends only once the chain beats (within its 60 s adapter bound): a
            // fixed sleep let a loaded machine end the adapter's group before `setsid` ran.
            "[invoker]\ncommand = \"setsid sh {c} {h} {s} & while [ ! -s {h} ]; do sleep 0.02; done; exit 89\"\n[timeouts]\nadapter = \"60s\"\n",
            c = chain.display(),
            h = heartbeat.display(),
            s = stop.display()
        ),
    )
    .unwrap();
    let status = Command::new(BIN)
        .args([
            "run",
            "--sut",
            "invoker",
            "--tags",
            "@INV-OK-01",
            "--config",
        ])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("r"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    let beat = || std::fs::read_to_string(&heartbeat).unwrap_or_default();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after_exit = beat();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let later = beat();
    // Whatever the verdict, end a surviving chain so a failure here leaves nothing behind.
    std::fs::write(&stop, "").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        status.code().is_some(),
        "the harness ended by itself: {status}"
    );
    assert!(
        !after_exit.is_empty(),
        "the chain ran (it wrote a heartbeat)"
    );
    assert_eq!(
        after_exit, later,
        "the chain was still beating 1.5 s after the run ended"
    );
}

/// A reader that closes the pipe early (`capif-conformance list | head -1`) ends the output,
/// not the command: no panic, the command's own exit code. std's println! would panic on the
/// EPIPE (exit 101 and a backtrace on the vendor's terminal).
#[test]
fn a_closed_stdout_is_no_panic() {
    use std::process::{Command, Stdio};
    for args in [&["list"][..], &["list", "--format", "json"][..]] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before a byte is read.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
