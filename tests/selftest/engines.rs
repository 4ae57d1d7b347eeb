//! Issue 22, engines for real: a single-node Slurm cluster (munged, slurmctld, slurmd with a
//! configuration in a temporary directory, stopped by PID) runs a matrix as a job array, one
//! cell per array task, and a dependent job merges it. Needs Debian's slurm-wlm and munge,
//! which .ci/run installs; plain `cargo test` skips it with that reason.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::support::BIN;

/// Held while a cluster runs: its daemons listen on fixed ports (16817, 16818), and two
/// self-tests start one (this one and the OpenCAPIF 2 × 2 matrix).
static ONE_CLUSTER_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The daemons of a throwaway cluster, killed when dropped.
pub struct Cluster {
    // Dropped after the daemons (fields drop in order): the next cluster may start then.
    daemons: Vec<Child>,
    dir: tempfile::TempDir,
    _turn: std::sync::MutexGuard<'static, ()>,
}

/// Whether this machine has the Slurm and munge daemons (.ci/run installs them).
pub fn available() -> bool {
    [
        "/usr/sbin/slurmctld",
        "/usr/sbin/slurmd",
        "/usr/sbin/munged",
    ]
    .iter()
    .all(|p| Path::new(p).exists())
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

    pub fn start() -> Self {
        // A test that failed while holding the lock poisoned it; the ports are free again.
        let turn = ONE_CLUSTER_AT_A_TIME
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
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
            _turn: turn,
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
    pub fn slurm(&self, cmd: &str, args: &[&str]) -> Result<String, String> {
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

    /// `sbatch --parsable --chdir workdir args...`: the job id.
    pub fn submit(&self, workdir: &Path, args: &[&str]) -> String {
        let mut all = vec!["--parsable", "--chdir", workdir.to_str().unwrap()];
        all.extend(args);
        self.slurm("sbatch", &all)
            .unwrap_or_else(|e| panic!("sbatch {args:?}: {e}"))
            .trim()
            .to_string()
    }

    /// The README's recipe: `script` (a shell script run with the array task id as
    /// `$SLURM_ARRAY_TASK_ID`) as a job array of `cells` tasks writing `cell-<i>.log`, then
    /// `merge` (a command line) as a job depending on all of them (afterany: a failed cell
    /// is merge's to report) writing `merge.log`, waited for up to `within`. The merge log, or
    /// why the merge job failed with every log.
    pub fn array_then_merge(
        &self,
        workdir: &Path,
        cells: usize,
        script: &str,
        merge: &str,
        within: Duration,
    ) -> Result<String, String> {
        std::fs::write(workdir.join("cell.sh"), script).unwrap();
        let array = self.submit(
            workdir,
            &[
                &format!("--array=0-{}", cells - 1),
                "--output=cell-%a.log",
                "cell.sh",
            ],
        );
        let merge = self.submit(
            workdir,
            &[
                &format!("--dependency=afterany:{array}"),
                "--output=merge.log",
                "--wrap",
                merge,
            ],
        );
        wait_within(
            || {
                self.slurm("squeue", &["-h"])
                    .is_ok_and(|q| q.trim().is_empty())
            },
            "the array and the merge job to finish",
            within,
        );
        let log = std::fs::read_to_string(workdir.join("merge.log")).unwrap_or_default();
        let state = self
            .slurm("scontrol", &["show", "job", &merge])
            .unwrap_or_default();
        if state.contains("ExitCode=0:0") {
            return Ok(log);
        }
        let cell_logs: Vec<String> = (0..cells)
            .map(|i| {
                let f = workdir.join(format!("cell-{i}.log"));
                format!(
                    "cell-{i}.log:\n{}",
                    std::fs::read_to_string(f).unwrap_or_default()
                )
            })
            .collect();
        Err(format!(
            "merge job: {state}\n{log}\n{}",
            cell_logs.join("\n")
        ))
    }
}

pub fn wait_for(ready: impl FnMut() -> bool, what: &str) {
    wait_within(ready, what, Duration::from_secs(30))
}

fn wait_within(mut ready: impl FnMut() -> bool, what: &str, within: Duration) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < within, "{what} within {within:?}");
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
    let log = cluster
        .array_then_merge(
            w,
            3,
            &cell,
            &format!("'{BIN}' merge cells --out merged --matrix matrix.toml"),
            Duration::from_secs(30),
        )
        .unwrap_or_else(|e| panic!("{e}"));
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

/// Removes the images a test built, however it ends.
struct Images(Vec<String>);

impl Drop for Images {
    fn drop(&mut self) {
        let _ = Command::new("docker")
            .arg("rmi")
            .arg("-f")
            .args(&self.0)
            .output();
    }
}

fn docker(args: &[&str]) -> std::process::Output {
    Command::new("docker")
        .args(args)
        // The classic builder: Debian's daemon has no BuildKit front end for a newer client.
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("the docker client runs")
}

/// The container image (`Dockerfile`) builds and runs the Kubernetes example's Indexed Job as
/// written: one container per completion index with the example's own args and
/// examples/matrix.toml mounted where its ConfigMap goes, then the merge Job's container. With
/// no registry, the base is imported (`docker import`) from this machine's /bin/sh and the
/// libraries the binary links: the Dockerfile's `BASE` build argument.
#[test]
#[ignore = "needs a Docker daemon (Debian's docker.io), which .ci/run installs and starts"]
fn the_container_image_runs_the_kubernetes_example_as_an_indexed_job_would() {
    let info = docker(&["info", "--format", "{{.ServerVersion}}"]);
    assert!(
        info.status.success(),
        "no Docker daemon (DOCKER_HOST={:?}): {}",
        std::env::var("DOCKER_HOST"),
        String::from_utf8_lossy(&info.stderr)
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let tag = format!("capif-conformance-selftest-{}", std::process::id());
    let base = format!("{tag}-base");
    let _images = Images(vec![tag.clone(), base.clone()]);
    // The base: /bin/sh, and what it and the binary load.
    let rootfs = w.join("rootfs");
    let ldd = Command::new("ldd")
        .arg(BIN)
        .arg("/bin/sh")
        .output()
        .unwrap();
    let mut files: Vec<String> = String::from_utf8_lossy(&ldd.stdout)
        .split_whitespace()
        // Not the "file:" headers ldd prints for each of several files.
        .filter(|f| f.starts_with('/') && !f.ends_with(':'))
        .map(str::to_string)
        .collect();
    files.push("/bin/sh".into());
    for f in &files {
        let to = rootfs.join(f.trim_start_matches('/'));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f, &to).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
    std::fs::create_dir_all(rootfs.join("tmp")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(rootfs.join("tmp"), std::fs::Permissions::from_mode(0o1777)).unwrap();
    let tar = w.join("base.tar");
    let packed = Command::new("tar")
        .arg("-C")
        .arg(&rootfs)
        .arg("-cf")
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap();
    assert!(packed.success());
    let imported = docker(&["import", tar.to_str().unwrap(), &base]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    // The build context is the binary alone, as the Dockerfile's comment says.
    let context = w.join("context");
    std::fs::create_dir_all(&context).unwrap();
    std::fs::copy(BIN, context.join("capif-conformance")).unwrap();
    let built = docker(&[
        "build",
        "--build-arg",
        &format!("BASE={base}"),
        "-t",
        &tag,
        "-f",
        root.join("Dockerfile").to_str().unwrap(),
        context.to_str().unwrap(),
    ]);
    assert!(
        built.status.success(),
        "{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    // The example's args, checked against the manifest so the two cannot drift apart.
    let manifest =
        std::fs::read_to_string(root.join("examples/kubernetes/matrix-job.yaml")).unwrap();
    let cell_args = [
        "run",
        "--matrix",
        "/matrix/matrix.toml",
        "--out",
        "/results/cells",
    ];
    let merge_args = [
        "merge",
        "/results/cells",
        "--out",
        "/results/merged",
        "--matrix",
        "/matrix/matrix.toml",
    ];
    for args in [&cell_args[..], &merge_args[..]] {
        let line = format!("args: [\"{}\"]", args.join("\", \""));
        assert!(manifest.contains(&line), "the manifest has {line}");
    }
    let matrix_dir = w.join("matrix");
    std::fs::create_dir_all(&matrix_dir).unwrap();
    std::fs::copy(
        root.join("examples/matrix.toml"),
        matrix_dir.join("matrix.toml"),
    )
    .unwrap();
    let results = w.join("results");
    std::fs::create_dir_all(&results).unwrap();
    let mounts = [
        format!("{}:/matrix:ro", matrix_dir.display()),
        format!("{}:/results", results.display()),
    ];
    let run = |env: &[String], args: &[&str]| {
        let mut all = vec!["run", "--rm", "--network", "none"];
        for m in &mounts {
            all.extend(["-v", m]);
        }
        for e in env {
            all.extend(["-e", e]);
        }
        all.push(&tag);
        all.extend(args);
        docker(&all)
    };
    for index in 0..3 {
        let o = run(&[format!("JOB_COMPLETION_INDEX={index}")], &cell_args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "completion index {index}:\n{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let o = run(&[], &merge_args);
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(0),
        "merge:\n{said}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(said.contains("3 cells merged"), "{said}");
    let m: serde_json::Value =
        crate::support::read_valid(&results.join("merged/matrix.json"), "matrix");
    assert_eq!(
        crate::support::cell_names(&m),
        [
            "core-reference",
            "invoker-reference",
            "pair-reference+reference"
        ]
    );
    // Adapter commands are shell commands: the image has a shell.
    let sh = docker(&[
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "/bin/sh",
        &tag,
        "-c",
        "echo adapters run",
    ]);
    assert_eq!(String::from_utf8_lossy(&sh.stdout).trim(), "adapters run");
}
