//! The command line's grammar (clap): every command, option and value, with the help text a
//! user reads. What each command does is in the modules beside this one.

use capif_conformance::run::SutSelection;
use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "capif-conformance",
    version,
    about = "Conformance harness for CAPIF API-invoker onboarding (3GPP TS 33.122 Annex B.1, TS 29.222)"
)]
pub(super) struct Cli {
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Subcommand)]
pub(super) enum Command {
    /// Run the conformance suite and write the reports. Without --config it tests the
    /// embedded reference core and reference invoker (the out-of-the-box demo).
    Run {
        /// Which role(s) to test.
        #[arg(long, value_enum, default_value = "both")]
        sut: SutArg,
        /// SUT configuration (PIXIT + PICS), see README.md and fixtures/sut/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Cucumber tag expression, e.g. "@branch:teardown and not @severity:recommended".
        #[arg(long)]
        tags: Option<String>,
        /// Report directory: <out>/<run-id>/ and <out>/latest/.
        #[arg(long, default_value = "reports")]
        out: PathBuf,
        /// Scenarios run at once.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Append NSS key-log lines (for Wireshark) to this file.
        #[arg(long)]
        keylog: Option<PathBuf>,
        /// Expected verdicts (known deviations with reasons): exit 1 on any departure from it.
        #[arg(long)]
        baseline: Option<PathBuf>,
        /// Record this run's verdicts as a baseline file.
        #[arg(long)]
        write_baseline: Option<PathBuf>,
        /// Run only the test purposes that failed, were inconclusive or erred in an earlier run
        /// (its report.json or run directory), with the test purposes their inconclusive
        /// verdicts point at; combined with --tags when both are given.
        #[arg(long, value_name = "DIR")]
        rerun_failed: Option<PathBuf>,
        /// Run one cell of this matrix file (README "Running at scale"): its role,
        /// configuration and baseline come from the matrix, its reports go to
        /// <out>/<cell name>/.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["config", "sut", "baseline"])]
        matrix: Option<PathBuf>,
        /// The matrix cell to run, 0-based (`matrix cells` lists them); default: the
        /// Kubernetes Indexed Job's JOB_COMPLETION_INDEX.
        #[arg(long, value_name = "I", requires = "matrix")]
        cell: Option<usize>,
    },
    /// The interoperability matrix (README "Running at scale").
    Matrix {
        #[command(subcommand)]
        action: MatrixAction,
    },
    /// Merge the reports of a matrix's cells (their output directories, or directories holding
    /// them): every cell exactly once, one tool version, one matrix. Writes matrix.json,
    /// matrix.md, matrix.html and junit.xml into --out and exits with the worst cell's code.
    Merge {
        /// Cell output directories, run directories, or directories holding them.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where the merged files go (created).
        #[arg(long)]
        out: PathBuf,
        /// The matrix file: the reports must be its cells (and missing cells are named).
        #[arg(long, value_name = "FILE")]
        matrix: Option<PathBuf>,
        /// For load shards: exit 1 when the merged throughput is below this many
        /// onboardings per second.
        #[arg(long, value_name = "PER_SECOND")]
        min_rate: Option<f64>,
        /// A previous matrix.json: say what moved since it, cell by cell (the exit code stays
        /// the cells' own gates).
        #[arg(long, value_name = "FILE")]
        previous: Option<PathBuf>,
    },
    /// Load a core with N complete onboardings (fresh key, full handshake, teardown each),
    /// every response checked as in the suite and ids unique across the run. Without
    /// --config: the embedded reference core.
    Load {
        /// SUT configuration with a [core] section.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Onboarding flows to run.
        #[arg(long, default_value_t = 200)]
        sessions: usize,
        /// Flows in flight at once.
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Exit 1 when the throughput is below this many onboardings per second.
        #[arg(long, value_name = "PER_SECOND")]
        min_rate: Option<f64>,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
        /// Run only shard I (0-based) of N of the --sessions: a partition, sizes within one
        /// (README "Running at scale"); `merge` adds the shards' load.json files exactly.
        #[arg(long, value_name = "I/N")]
        shard: Option<String>,
        /// Start the sessions at this instant (RFC 3339, e.g. 2026-12-04T01:00:00Z), so that
        /// shards on several machines load the core together.
        #[arg(long, value_name = "RFC3339")]
        start_at: Option<String>,
        /// Also write the result as DIR/load.json (what `merge` reads).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Property-based robustness of a core: generated onboarding requests (mutations of the
    /// valid one), each judged against the model's class of it (CCF-FUZZ-01..05); a failing
    /// case is shrunk, each step a real request, and written as a replayable request. Without
    /// --config: the embedded reference core. README "Property-based robustness"
    Fuzz {
        /// Which role: only `core` so far.
        #[arg(long, default_value = "core")]
        sut: String,
        /// SUT configuration with a [core] section.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Cases to generate (shrink steps come on top).
        #[arg(long, default_value_t = 200)]
        cases: u32,
        /// Stop generating after this long (e.g. 60s, 5m).
        #[arg(long, default_value = "60s", value_name = "DURATION")]
        time_budget: String,
        /// The seed: the same seed gives the same cases.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// At most this many requests per second.
        #[arg(long, value_name = "PER_SECOND")]
        rate: Option<f64>,
        /// Report directory: the reports of CCF-FUZZ-01..05 (report.html, .md, .json,
        /// junit.xml), fuzz.json and each finding's finding-N.http and finding-N.curl.sh.
        #[arg(long, value_name = "DIR", default_value = "reports/fuzz")]
        out: PathBuf,
        /// Compare CCF-FUZZ-01..05 with these expected verdicts (as `run --baseline`).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Send a finding.http again (with a fresh valid credential) and judge the answer.
        #[arg(long, value_name = "FILE")]
        replay: Option<PathBuf>,
    },
    /// List the test purposes: id, severity, branch, title, spec references, applicability.
    List {
        /// Only these test purposes (e.g. INV-TD-03); each is shown with where it lives: its
        /// scenario, the step functions, the checks and the faults that prove them.
        ids: Vec<String>,
        /// Which role(s).
        #[arg(long, value_enum, default_value = "both")]
        sut: SutArg,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
    },
    /// Generate a TEST ONLY PKI bundle: CAPIF root CA, core server certificate, enrolment
    /// signer, a valid onboarding credential (credential.jwt) and manifest.json.
    Pki {
        /// Directory to write the bundle into (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Name or IP address the core certificate is valid for (repeatable;
        /// default: localhost and 127.0.0.1).
        #[arg(long = "host", value_name = "NAME_OR_IP")]
        hosts: Vec<String>,
    },
    /// Compare two runs (report.json files or run directories): verdicts that changed, test
    /// purposes added or removed, severity changes. Exit 1 when the new run regressed (a
    /// failure or error that was not there, or a pass that is no longer verified).
    Diff {
        /// The earlier run.
        old: PathBuf,
        /// The later run.
        new: PathBuf,
        /// Output format (markdown: for a pull-request comment).
        #[arg(long, value_enum, default_value = "text")]
        format: DiffFormat,
    },
    /// Print the implementation conformance statement to fill in: the ICS (the capabilities
    /// a core declares, each with the test purposes it makes applicable) and the IXIT (what the
    /// harness needs to reach and judge the system), as Markdown or as a configuration skeleton
    /// that `run --config` accepts once its FILL IN values are filled in.
    Proforma {
        /// Which role(s).
        #[arg(long, value_enum, default_value = "both")]
        sut: SutArg,
        /// markdown (to read and fill in) or toml (the configuration skeleton).
        #[arg(long, value_enum, default_value = "markdown")]
        format: ProformaFormat,
    },
    /// Print the published JSON Schema (draft 2020-12) of a file the harness writes: report
    /// (report.json), matrix (matrix.json) or load (load.json).
    Schema {
        /// report, matrix or load.
        #[arg(value_parser = ["report", "matrix", "load"])]
        name: String,
    },
    /// Run a reference peer (a strict, conformant reading of the spec).
    Reference {
        #[command(subcommand)]
        peer: Peer,
    },
}

#[derive(Subcommand)]
pub(super) enum Peer {
    /// The reference CAPIF core: prints `READY https://HOST:PORT`, serves until Ctrl-C/SIGTERM.
    Core {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: SocketAddr,
        /// PKI bundle written by `capif-conformance pki` (default: a fresh one in a
        /// temporary directory, whose path is printed on stderr).
        #[arg(long)]
        pki: Option<PathBuf>,
        /// Also issue an onboarding secret (CAPIF-2/2e security information).
        #[arg(long)]
        issue_secret: bool,
        /// Serve an OpenCAPIF-style enrolment endpoint `GET /getauth` with this HTTP Basic
        /// login, for SDKs that fetch their credential and CA root themselves.
        #[arg(long, value_name = "USER:PASSWORD")]
        enrolment: Option<String>,
        /// SELF-TEST ONLY: switch on a catalogued bug, to prove a check catches it
        /// (repeatable; `--fault help` lists them). Never use it to test a real invoker.
        #[arg(long = "fault", value_name = "NAME")]
        faults: Vec<String>,
        /// SELF-TEST ONLY: behave like another legitimate implementation (keep-alive,
        /// intermediate CA, ...), to prove no check fails it (repeatable; `--variant help`).
        #[arg(long = "variant", value_name = "NAME")]
        variants: Vec<String>,
    },
    /// The reference API invoker: onboards once using the adapter protocol's environment
    /// (CAPIF_CORE_URL, CAPIF_CA_FILE, CAPIF_ONBOARDING_CREDENTIAL, CAPIF_WORKDIR).
    /// Exit 0 onboarded (last stdout line: JSON with apiInvokerId and certificate), 1 failed.
    Invoker {
        /// SELF-TEST ONLY: switch on a catalogued bug, to prove a check catches it
        /// (repeatable; `--fault help` lists them). Never use it to test a real core.
        #[arg(long = "fault", value_name = "NAME")]
        faults: Vec<String>,
        /// SELF-TEST ONLY: behave like another legitimate implementation
        /// (repeatable; `--variant help` lists them).
        #[arg(long = "variant", value_name = "NAME")]
        variants: Vec<String>,
        /// Give up on a core that does not complete the handshake or answer within this
        /// (e.g. "1s"; default: 5 s for the handshake, 10 s for the response).
        #[arg(long = "give-up-after", value_name = "DURATION", value_parser = duration_arg)]
        give_up_after: Option<std::time::Duration>,
    },
}

pub(super) fn duration_arg(s: &str) -> Result<std::time::Duration, String> {
    capif_conformance::sut::parse_duration(s)
        .ok_or_else(|| format!("{s:?} is not a duration such as \"1s\" or \"500ms\""))
}

#[derive(Subcommand)]
pub(super) enum MatrixAction {
    /// List the cells in their stable order (index, kind, role, implementation, name), for an
    /// engine to fan out.
    Cells {
        /// The matrix file.
        #[arg(long, value_name = "FILE")]
        matrix: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "text")]
        format: FormatArg,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum SutArg {
    Core,
    Invoker,
    Both,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum FormatArg {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum ProformaFormat {
    Markdown,
    Toml,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum DiffFormat {
    Text,
    Markdown,
    Json,
}

impl From<SutArg> for SutSelection {
    fn from(s: SutArg) -> Self {
        match s {
            SutArg::Core => SutSelection::Core,
            SutArg::Invoker => SutSelection::Invoker,
            SutArg::Both => SutSelection::Both,
        }
    }
}
