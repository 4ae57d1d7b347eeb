//! Running an invoker adapter (README "Testing your own API invoker: the adapter protocol"): a real process per scenario, its own process
//! group, output capped, killed (with everything it forked) at the adapter timeout.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt};

/// Most output kept per stream: the first half and the last half of this (the protocol's
/// report is the *last* stdout line, so a chatty adapter must not push it out); the middle
/// is read and dropped so the adapter never blocks.
const OUTPUT_CAP: usize = 64 * 1024;

pub use crate::adapter_contract::AdapterExit;
use crate::adapter_contract::{classify, AdapterOutcome, Var, ACTION_OFFBOARD, ACTION_ONBOARD};

/// What an onboarding invocation is told: the adapter protocol's variables, written once for
/// the played core and a pair cell's real core.
#[derive(Debug, Clone)]
pub struct OnboardingEnv<'a> {
    /// `CAPIF_CORE_URL`: the apiRoot.
    pub core_url: &'a str,
    /// `CAPIF_HOST`, `CAPIF_PORT`: where to connect.
    pub host: &'a str,
    /// See `host`.
    pub port: u16,
    /// `CAPIF_CA_FILE`.
    pub ca_file: &'a Path,
    /// `CAPIF_ONBOARDING_CREDENTIAL`.
    pub credential: &'a str,
    /// `CAPIF_WORKDIR`.
    pub workdir: &'a Path,
    /// `CAPIF_TEST_PURPOSE`.
    pub test_purpose: &'a str,
    /// `CAPIF_REGISTER_URL`, `_USERNAME`, `_PASSWORD`, when a register is offered.
    pub register: Option<(&'a str, &'a str, &'a str)>,
}

impl OnboardingEnv<'_> {
    /// The variables, `CAPIF_ACTION=onboard` first.
    pub fn vars(&self) -> Vec<(String, String)> {
        let mut env: Vec<(String, String)> = vec![
            (Var::Action.name().into(), ACTION_ONBOARD.into()),
            (Var::CoreUrl.name().into(), self.core_url.into()),
            (Var::Host.name().into(), self.host.into()),
            (Var::Port.name().into(), self.port.to_string()),
            (
                Var::CaFile.name().into(),
                self.ca_file.display().to_string(),
            ),
            (Var::Credential.name().into(), self.credential.into()),
            (
                Var::Workdir.name().into(),
                self.workdir.display().to_string(),
            ),
            (Var::TestPurpose.name().into(), self.test_purpose.into()),
            // Where the harness was started: adapters resolve their own relative paths
            // against it, since they run in a fresh working directory.
            (
                Var::RunDir.name().into(),
                std::env::current_dir()
                    .map(|d| d.display().to_string())
                    .unwrap_or_default(),
            ),
        ];
        if let Some((url, user, password)) = self.register {
            env.push((Var::RegisterUrl.name().into(), url.into()));
            env.push((Var::RegisterUsername.name().into(), user.into()));
            env.push((Var::RegisterPassword.name().into(), password.into()));
        }
        env
    }
}

/// The variables of the offboarding invocation that follows an onboarding's `env`: the same,
/// with `CAPIF_ACTION=offboard`, the id, the resource and the certificate file.
pub fn offboarding_vars(
    mut env: Vec<(String, String)>,
    api_invoker_id: &str,
    resource: &str,
    certificate: &Path,
) -> Vec<(String, String)> {
    env.retain(|(k, _)| k != Var::Action.name());
    env.extend([
        (Var::Action.name().into(), ACTION_OFFBOARD.into()),
        (Var::InvokerId.name().into(), api_invoker_id.into()),
        (Var::InvokerResource.name().into(), resource.into()),
        (
            Var::InvokerCertificate.name().into(),
            certificate.display().to_string(),
        ),
    ]);
    env
}

/// One adapter run.
#[derive(Debug, Clone, Serialize)]
pub struct AdapterRun {
    /// How it ended.
    pub exit: AdapterExit,
    /// Its stdout (capped).
    pub stdout: String,
    /// Its stderr (capped).
    pub stderr: String,
    /// The last stdout line, when it is a JSON object.
    pub report: Option<serde_json::Value>,
    /// Wall time.
    pub duration_ms: u64,
}

impl AdapterRun {
    /// Whether the adapter said "onboarded" (exit 0).
    pub fn succeeded(&self) -> bool {
        self.outcome() == AdapterOutcome::Onboarded
    }

    /// What the ending means under the protocol.
    pub fn outcome(&self) -> AdapterOutcome {
        classify(&self.exit)
    }

    /// The last non-empty stderr line (the reason of an exit 89).
    pub fn last_stderr_line(&self) -> String {
        self.stderr
            .lines()
            .map(str::trim)
            .rfind(|l| !l.is_empty())
            .unwrap_or("")
            .to_string()
    }

    /// A phrase for reasons.
    pub fn describe(&self) -> String {
        match &self.exit {
            AdapterExit::Code(c) => format!("the adapter exited with {c}"),
            AdapterExit::Signal => "the adapter was killed by a signal".into(),
            AdapterExit::TimedOut => "the adapter did not finish within the adapter timeout".into(),
            AdapterExit::SpawnFailed(e) => format!("the adapter could not be started: {e}"),
        }
    }
}

/// Everything `r` yields, keeping a bounded head and tail; the dropped middle is marked.
async fn drain<R: AsyncRead + Unpin>(mut r: R) -> Vec<u8> {
    let half = OUTPUT_CAP / 2;
    let mut head = Vec::new();
    let mut tail = std::collections::VecDeque::new();
    let mut dropped = 0usize;
    let mut chunk = [0u8; 8192];
    while let Ok(n) = r.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        let mut bytes = &chunk[..n];
        let room = half.saturating_sub(head.len());
        let (h, t) = bytes.split_at(room.min(bytes.len()));
        head.extend_from_slice(h);
        bytes = t;
        tail.extend(bytes.iter().copied());
        while tail.len() > half {
            tail.pop_front();
            dropped += 1;
        }
    }
    if dropped > 0 {
        head.extend_from_slice(format!("\n[... {dropped} bytes not kept ...]\n").as_bytes());
    }
    head.extend(tail);
    head
}

fn kill_group(pid: Option<u32>) {
    if let Some(pid) = pid {
        // The group id is the adapter's own pid: it was spawned with process_group(0).
        super::processes::kill_group(pid as i32);
    }
}

/// The words of `command` when `sh -c` would do nothing but run one program named by its path
/// with them: a path first (no builtin, no PATH lookup, no assignment), then words made only of
/// characters sh leaves alone and of single-quoted text. None otherwise (variables, quotes of
/// other kinds, redirections, globs, `~`, comments, several commands): sh runs it.
///
/// Such a command is started without sh, which is the same to the adapter (its words, its
/// process group, its exit code; a missing program is `NotRunnable` either way) and saves a
/// process per scenario: ~80 in the embedded run, whose reference invoker is such a command.
pub fn direct_argv(command: &str) -> Option<Vec<String>> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:@%+,=-".contains(c);
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = command.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        q => w.push(q),
                    }
                }
            }
            c if plain(c) => word.get_or_insert_with(String::new).push(c),
            _ => return None,
        }
    }
    words.extend(word);
    let first = words.first()?;
    (first.contains('/') && !command.trim_start().split(['/', ' ']).next()?.contains('='))
        .then_some(words)
}

/// Run `command` as `sh -c` would (directly when [`direct_argv`] says sh adds nothing) in
/// `workdir` with `env` added, for at most `limit`.
pub async fn run_adapter(
    command: &str,
    env: &[(String, String)],
    workdir: &Path,
    limit: Duration,
) -> AdapterRun {
    let started = Instant::now();
    let mut program = match direct_argv(command) {
        Some(words) => {
            let mut p = tokio::process::Command::new(&words[0]);
            p.args(&words[1..]);
            p
        }
        None => {
            let mut p = tokio::process::Command::new("sh");
            p.arg("-c").arg(command);
            p
        }
    };
    let spawned = program
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            return AdapterRun {
                exit: AdapterExit::SpawnFailed(e.to_string()),
                stdout: String::new(),
                stderr: String::new(),
                report: None,
                duration_ms: 0,
            }
        }
    };
    let pid = child.id();
    // Found and ended on interruption too, while it lives.
    let _registered = pid.map(|p| super::processes::register(p as i32));
    // Registered first, then the flag read: an interruption either sees this group or is
    // seen here, so no adapter started during one outlives it.
    if super::processes::interrupted() {
        kill_group(pid);
    }
    let out = tokio::spawn(drain(child.stdout.take().expect("piped")));
    let err = tokio::spawn(drain(child.stderr.take().expect("piped")));
    let exit = match tokio::time::timeout(limit, child.wait()).await {
        Ok(Ok(status)) => match status.code() {
            Some(c) => AdapterExit::Code(c),
            None => AdapterExit::Signal,
        },
        Ok(Err(e)) => AdapterExit::SpawnFailed(e.to_string()),
        Err(_) => AdapterExit::TimedOut,
    };
    // Whatever it left behind (a forked child holding the pipes) goes too.
    kill_group(pid);
    let _ = child.wait().await;
    let grace = Duration::from_secs(1);
    let stdout = match tokio::time::timeout(grace, out).await {
        Ok(Ok(b)) => b,
        _ => Vec::new(),
    };
    let stderr = match tokio::time::timeout(grace, err).await {
        Ok(Ok(b)) => b,
        _ => Vec::new(),
    };
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let report = stdout
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v.is_object());
    AdapterRun {
        exit,
        stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        report,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(cmd: &str, limit_ms: u64) -> AdapterRun {
        let dir = tempfile::tempdir().unwrap();
        run_adapter(
            cmd,
            &[("X".into(), "42".into())],
            dir.path(),
            Duration::from_millis(limit_ms),
        )
        .await
    }

    #[test]
    fn only_commands_sh_adds_nothing_to_run_without_it() {
        let words = |c: &str| direct_argv(c);
        let v = |w: &[&str]| Some(w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            words("'/opt/my tools/capif-conformance' reference invoker --give-up-after 100ms"),
            v(&[
                "/opt/my tools/capif-conformance",
                "reference",
                "invoker",
                "--give-up-after",
                "100ms"
            ])
        );
        assert_eq!(
            words("  ./adapter.py  --x=1 ''  a'b c'd "),
            v(&["./adapter.py", "--x=1", "", "ab cd"])
        );
        for sh in [
            "adapter.py",             // PATH lookup (or a builtin): sh's to do
            "exit 3",                 // a builtin
            "A=/x /bin/run",          // an assignment
            "/bin/run $HOME",         // a variable
            "\"/bin/run\" x",         // double quotes may hold variables
            "/bin/run > out",         // a redirection
            "/bin/run; /bin/other",   // two commands
            "/bin/run *.py",          // a glob
            "/bin/run ~/x",           // a tilde
            "/bin/run # comment",     // a comment
            "/bin/run 'unterminated", // sh's error to report
            "'/it'\\''s/run'",        // a backslash
            "/bin/run\nsecond",       // a newline
            "",                       // nothing
        ] {
            assert_eq!(words(sh), None, "{sh:?} must go through sh");
        }
    }

    #[tokio::test]
    async fn a_direct_command_runs_as_sh_would_run_it() {
        // The same words, the same environment and the same exit code with or without sh.
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("a script");
        std::fs::write(&script, "#!/bin/sh\necho \"$#:$1:$X\"; exit 7\n").unwrap();
        std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let direct = format!("'{}' 'one word'", script.display());
        assert!(direct_argv(&direct).is_some());
        let via_sh = format!("{direct} # through sh");
        assert!(direct_argv(&via_sh).is_none());
        let (a, b) = (run(&direct, 5000).await, run(&via_sh, 5000).await);
        assert_eq!(
            (&a.exit, a.stdout.as_str()),
            (&AdapterExit::Code(7), "1:one word:42\n")
        );
        assert_eq!((b.exit, b.stdout), (a.exit, a.stdout));
        let missing = format!("'{}' x", dir.path().join("missing").display());
        assert!(matches!(
            classify(&run(&missing, 5000).await.exit),
            AdapterOutcome::NotRunnable(_)
        ));
    }

    #[tokio::test]
    async fn exit_codes_output_and_last_line_json() {
        let r = run(
            "echo hello; echo \"x=$X\" >&2; echo '{\"apiInvokerId\":\"INV1\"}'",
            5000,
        )
        .await;
        assert_eq!(r.exit, AdapterExit::Code(0));
        assert_eq!(r.report.as_ref().unwrap()["apiInvokerId"], "INV1");
        assert_eq!(r.last_stderr_line(), "x=42");
        let r = run("echo 'not supported here' >&2; exit 89", 5000).await;
        assert_eq!(r.exit, AdapterExit::Code(89));
        assert_eq!(r.last_stderr_line(), "not supported here");
        let r = run("echo garbage; exit 3", 5000).await;
        assert_eq!((r.exit, r.report), (AdapterExit::Code(3), None));
    }

    #[tokio::test]
    async fn a_hanging_adapter_is_killed_at_the_timeout() {
        let started = Instant::now();
        let r = run("sleep 30", 300).await;
        assert_eq!(r.exit, AdapterExit::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_forked_child_holding_the_pipes_does_not_hang_the_harness() {
        let started = Instant::now();
        let r = run("(sleep 30; echo late) & echo done", 5000).await;
        assert_eq!(r.exit, AdapterExit::Code(0));
        assert!(r.stdout.contains("done") && !r.stdout.contains("late"));
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn endless_output_is_capped() {
        let r = run("yes | head -c 10000000", 10000).await;
        assert_eq!(r.exit, AdapterExit::Code(0));
        assert!(r.stdout.len() <= OUTPUT_CAP + 64, "{}", r.stdout.len());
        assert!(r.stdout.contains("bytes not kept"));
    }

    #[tokio::test]
    async fn the_last_line_survives_a_chatty_adapter() {
        // 70 KiB of logs, then the report line: it must still be what is judged.
        let r = run(
            "head -c 71680 /dev/zero | tr '\\0' 'x'; echo; echo '{\"apiInvokerId\":\"INVlast\"}'",
            10000,
        )
        .await;
        assert_eq!(r.exit, AdapterExit::Code(0));
        assert_eq!(
            r.report.as_ref().map(|j| j["apiInvokerId"].clone()),
            Some(serde_json::json!("INVlast"))
        );
    }
}
