//! Issue 22, engines for real: a single-node Slurm cluster (munged, slurmctld, slurmd with a
//! configuration in a temporary directory, stopped by PID) runs a matrix as a job array, one
//! cell per array task, and a dependent job merges it. Needs Debian's slurm-wlm and munge,
//! which .ci/run installs; plain `cargo test` skips it with that reason.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::support::BIN;

/// The daemons of a throwaway cluster, killed when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    daemons: Vec<Child>,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for d in &mut self.daemons {
            let _ = d.kill();
            let _ = d.wait();
        }
    }
}

impl Cluster {
    fn conf(&self) -> PathBuf {
        self.dir.path().join("slurm.conf")
    }

    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for sub in ["munge", "state", "spool", "log"] {
            std::fs::create_dir_all(d.join(sub)).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(d.join("munge"), std::fs::Permissions::from_mode(0o700)).unwrap();
        let mut key = vec![0u8; 1024];
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(&mut key))
            .unwrap();
        std::fs::write(d.join("munge/munge.key"), key).unwrap();
        std::fs::set_permissions(
            d.join("munge/munge.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        let socket = d.join("munge/munge.socket");
        let munged = Command::new("/usr/sbin/munged")
            .args(["-F", "-f"])
            .arg(format!("--socket={}", socket.display()))
            .arg(format!(
                "--key-file={}",
                d.join("munge/munge.key").display()
            ))
            .arg(format!("--log-file={}", d.join("log/munged.log").display()))
            .arg(format!(
                "--pid-file={}",
                d.join("munge/munged.pid").display()
            ))
            .arg(format!("--seed-file={}", d.join("munge/seed").display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("munged (Debian package munge)");
        let mut cluster = Cluster {
            dir,
            daemons: vec![munged],
        };
        wait_for(|| socket.exists(), "munged's socket");
        let host = String::from_utf8(Command::new("hostname").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        let d = cluster.dir.path();
        std::fs::write(
            cluster.conf(),
            format!(
                "ClusterName=capif\nSlurmctldHost={host}\nSlurmctldPort=16817\nSlurmdPort=16818\n\
                 SlurmUser=root\nSlurmdUser=root\nAuthType=auth/munge\nCredType=cred/munge\n\
                 AuthInfo=socket={sock}\nStateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n\
                 SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
                 SlurmctldLogFile={d}/log/slurmctld.log\nSlurmdLogFile={d}/log/slurmd.log\n\
                 ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n\
                 JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n\
                 JobCompType=jobcomp/none\nMpiDefault=none\nSchedulerType=sched/backfill\n\
                 SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\nReturnToService=2\n\
                 NodeName={host} CPUs=2 State=UNKNOWN\n\
                 PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n",
                sock = socket.display(),
                d = d.display()
            ),
        )
        .unwrap();
        for daemon in ["/usr/sbin/slurmctld", "/usr/sbin/slurmd"] {
            let child = Command::new(daemon)
                .arg("-D")
                .arg("-f")
                .arg(cluster.conf())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("slurmctld and slurmd (Debian package slurm-wlm)");
            cluster.daemons.push(child);
        }
        wait_for(
            || {
                cluster
                    .slurm("sinfo", &["-h", "-o", "%T"])
                    .is_ok_and(|s| s.contains("idle"))
            },
            "an idle Slurm node",
        );
        cluster
    }

    /// Run a Slurm client command against this cluster; its stdout.
    fn slurm(&self, cmd: &str, args: &[&str]) -> Result<String, String> {
        let out = Command::new(cmd)
            .args(args)
            .env("SLURM_CONF", self.conf())
            .output()
            .map_err(|e| e.to_string())?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn submit(&self, workdir: &Path, args: &[&str]) -> String {
        let mut all = vec!["--parsable", "--chdir", workdir.to_str().unwrap()];
        all.extend(args);
        self.slurm("sbatch", &all)
            .unwrap_or_else(|e| panic!("sbatch {args:?}: {e}"))
            .trim()
            .to_string()
    }
}

fn wait_for(mut ready: impl FnMut() -> bool, what: &str) {
    let started = Instant::now();
    while !ready() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{what} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs Debian's slurm-wlm and munge, which .ci/run installs"]
fn a_slurm_job_array_runs_the_matrix_and_a_dependent_job_merges_it() {
    let cluster = Cluster::start();
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    std::fs::write(
        w.join("matrix.toml"),
        "id = \"slurm\"\n[[core]]\nname = \"reference\"\nembedded = true\n\
         [[invoker]]\nname = \"reference\"\nembedded = true\n",
    )
    .unwrap();
    // The README's one-line mapping: the array task id is the cell.
    let cell = format!(
        "#!/bin/sh\nexec '{BIN}' run --matrix matrix.toml --cell \"$SLURM_ARRAY_TASK_ID\" --out cells\n"
    );
    std::fs::write(w.join("cell.sh"), cell).unwrap();
    let array = cluster.submit(w, &["--array=0-2", "--output=cell-%a.log", "cell.sh"]);
    let merge = cluster.submit(
        w,
        &[
            &format!("--dependency=afterany:{array}"),
            "--output=merge.log",
            "--wrap",
            &format!("'{BIN}' merge cells --out merged --matrix matrix.toml"),
        ],
    );
    wait_for(
        || {
            cluster
                .slurm("squeue", &["-h"])
                .is_ok_and(|q| q.trim().is_empty())
        },
        "the array and the merge job to finish",
    );
    let log = std::fs::read_to_string(w.join("merge.log")).unwrap_or_default();
    let state = cluster
        .slurm("scontrol", &["show", "job", &merge])
        .unwrap_or_default();
    assert!(
        state.contains("ExitCode=0:0"),
        "merge job: {state}\n{log}\ncells: {:?} {:?}",
        std::fs::read_to_string(w.join("cell-0.log")),
        std::fs::read_to_string(w.join("cell-1.log"))
    );
    let m: serde_json::Value = crate::support::read_valid(&w.join("merged/matrix.json"), "matrix");
    let names = crate::support::cell_names(&m);
    assert_eq!(
        names,
        [
            "core-reference",
            "invoker-reference",
            "pair-reference+reference"
        ]
    );
    assert_eq!(m["exit_code"], 0);
    assert!(log.contains("3 cells merged"), "{log}");
}

#[test]
#[ignore = "needs check-jsonschema from PyPI (fixtures/schemas/setup-check-jsonschema.sh, run by .ci/run)"]
fn the_actions_example_is_a_valid_workflow_and_the_kubernetes_example_an_indexed_job() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let venv = root.join("target/check-jsonschema-venv/bin");
    let validate = |file: &Path| {
        Command::new(venv.join("check-jsonschema"))
            .args(["--builtin-schema", "vendor.github-workflows"])
            .arg(file)
            .output()
            .expect("check-jsonschema (fixtures/schemas/setup-check-jsonschema.sh)")
    };
    let workflow = root.join("examples/github-actions/matrix.yml");
    let out = validate(&workflow);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The validator bites: a misspelt key is refused.
    let text = std::fs::read_to_string(&workflow).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yml");
    std::fs::write(&broken, text.replace("runs-on:", "runs_on:")).unwrap();
    assert!(!validate(&broken).status.success());
    // What makes it a matrix run: every cell reports, the cell is the matrix value, the merge
    // runs whatever the cells did.
    for needle in [
        "fail-fast: false",
        "--cell ${{ matrix.cell }}",
        "needs: cell\n    if: always()",
        "merge collected --out merged --matrix matrix.toml",
    ] {
        assert!(text.contains(needle), "{needle}");
    }
    // The Kubernetes manifest parses (ruamel.yaml, from the same venv) and is an Indexed Job
    // whose pods take their cell from JOB_COMPLETION_INDEX (no --cell).
    let manifest = root.join("examples/kubernetes/matrix-job.yaml");
    let parsed = Command::new(venv.join("python"))
        .args([
            "-c",
            "import sys, ruamel.yaml; docs = list(ruamel.yaml.YAML(typ='safe').load_all(open(sys.argv[1]))); \
             jobs = [d for d in docs if d['kind'] == 'Job']; \
             cells = [j for j in jobs if j['spec'].get('completionMode') == 'Indexed']; \
             assert len(cells) == 1, cells; \
             args = cells[0]['spec']['template']['spec']['containers'][0]['args']; \
             assert '--matrix' in args and '--cell' not in args, args; \
             assert cells[0]['spec']['completions'] == 3; \
             print(len(docs))",
        ])
        .arg(&manifest)
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&parsed.stdout).trim(), "4");
}
