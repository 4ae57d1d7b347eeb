//! Command line (README "Command line" and "Exit codes"). The library knows nothing of clap; this file only parses
//! arguments, calls the library, prints, and chooses the exit code.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use capif_conformance::adapter_contract::{Var, ACTION_OFFBOARD};
use capif_conformance::exit_codes;
use capif_conformance::net::Timeouts;
use capif_conformance::peers::core::{CoreSettings, EnrolmentLogin, RunningCore};
use capif_conformance::peers::faults::{CoreFault, Faults, InvokerFault};
use capif_conformance::peers::invoker::{offboard, onboard, AdapterEnv};
use capif_conformance::peers::variants::{CoreVariant, InvokerVariant, VariantSpec, Variants};
use capif_conformance::pki::{TestPki, DEFAULT_HOSTS};
use capif_conformance::run::{RunPlan, SutSelection};

/// `println!` for the console: a stdout closed by its reader (`capif-conformance list |
/// head`) ends the output, not the command. std's `println!` panics there (Rust ignores
/// SIGPIPE, so the write fails with EPIPE); a run goes on to write its reports and return its
/// exit code.
macro_rules! say {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout());
    }};
    ($($arg:tt)+) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)+);
    }};
}

/// `print!` likewise.
macro_rules! say_raw {
    ($($arg:tt)+) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($arg)+);
    }};
}

mod console;

#[derive(Parser)]
#[command(
    name = "capif-conformance",
    version,
    about = "Conformance harness for CAPIF API-invoker onboarding (3GPP TS 33.122 Annex B.1, TS 29.222)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
enum Peer {
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

fn duration_arg(s: &str) -> Result<std::time::Duration, String> {
    capif_conformance::sut::parse_duration(s)
        .ok_or_else(|| format!("{s:?} is not a duration such as \"1s\" or \"500ms\""))
}

#[derive(Subcommand)]
enum MatrixAction {
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
enum SutArg {
    Core,
    Invoker,
    Both,
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

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    Text,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ProformaFormat {
    Markdown,
    Toml,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Markdown,
    Json,
}

/// `diff OLD NEW`: print the comparison; exit 1 on a regression, 2 on unreadable input.
fn diff(old: PathBuf, new: PathBuf, format: DiffFormat) -> i32 {
    use capif_conformance::report::diff;
    let (old, new) = match (diff::load(&old), diff::load(&new)) {
        (Ok(o), Ok(n)) => (o, n),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let d = diff::diff(&old, &new);
    match format {
        DiffFormat::Text => say_raw!("{}", d.text()),
        DiffFormat::Markdown => say_raw!("{}", d.markdown()),
        DiffFormat::Json => say!(
            "{}",
            serde_json::to_string_pretty(&d).expect("a diff serializes")
        ),
    }
    if d.regressed() {
        exit_codes::FAILED
    } else {
        exit_codes::OK
    }
}

/// What `run --matrix F [--cell I]` runs: the cell's role, configuration, baseline, output
/// directory (named after the cell) and its record for the report.
type CellPlan = (
    SutSelection,
    Option<PathBuf>,
    Option<PathBuf>,
    PathBuf,
    Option<capif_conformance::report::CellInfo>,
    Option<capif_conformance::run::PairConfigs>,
);

fn matrix_cell(
    file: &std::path::Path,
    cell: Option<usize>,
    out: &std::path::Path,
) -> Result<CellPlan, String> {
    use capif_conformance::catalogue::Sut;
    use capif_conformance::matrix::{cell_index, Matrix};
    let m = Matrix::load(file).map_err(|e| e.to_string())?;
    let cells = m.cells();
    let c = &cells[cell_index(cell, cells.len())?];
    say!(
        "matrix {}: cell {} of {}: {} ({})",
        m.id,
        c.index,
        cells.len(),
        c.name,
        c.kind
    );
    let (sut, pair) = match c.role {
        Sut::Core => (SutSelection::Core, None),
        Sut::Invoker => (SutSelection::Invoker, None),
        Sut::Pair => (
            SutSelection::Pair,
            Some(capif_conformance::run::PairConfigs {
                core: c.config.clone(),
                invoker: c.invoker_config.clone(),
            }),
        ),
    };
    let config = if pair.is_some() {
        None
    } else {
        c.config.clone()
    };
    Ok((
        sut,
        config,
        c.baseline.clone(),
        out.join(&c.name),
        Some(m.cell_info(c)),
        pair,
    ))
}

/// `matrix cells`: the cell list, one per line or as JSON.
fn matrix_cells(file: &std::path::Path, json: bool) -> i32 {
    let m = match capif_conformance::matrix::Matrix::load(file) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let cells = m.cells();
    if json {
        let doc = serde_json::json!({
            "matrix": m.id,
            "matrix_fingerprint": m.fingerprint(),
            "total": cells.len(),
            "cells": cells,
        });
        say!(
            "{}",
            serde_json::to_string_pretty(&doc).expect("cells serialize")
        );
    } else {
        for c in &cells {
            say!("{:>3}  {:<12} {}", c.index, c.kind, c.name);
        }
    }
    exit_codes::OK
}

/// `merge DIR... --out DIR`: write the merged files, print the headline, exit with the worst
/// cell's code (2 when the reports cannot be merged).
fn merge(
    dirs: &[PathBuf],
    out: &std::path::Path,
    matrix: Option<&std::path::Path>,
    min_rate: Option<f64>,
    previous: Option<&std::path::Path>,
) -> i32 {
    use capif_conformance::matrix::{merge, since, write_matrix, Matrix};
    let loads = capif_conformance::matrix::found(dirs, "load.json");
    if !loads.is_empty() {
        if !capif_conformance::matrix::found(dirs, "report.json").is_empty() || matrix.is_some() {
            eprintln!("error: merge: these directories hold both load shards (load.json) and matrix cells (report.json); merge each kind on its own");
            return exit_codes::USAGE_OR_HARNESS;
        }
        return console::merge_load(&loads, out, min_rate);
    }
    let m = match matrix.map(Matrix::load).transpose() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let mut merged = match merge(dirs, m.as_ref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    if let Some(p) = previous {
        match since(p, &merged) {
            Ok(s) => merged.since_previous = Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return exit_codes::USAGE_OR_HARNESS;
            }
        }
    }
    if let Err(e) = write_matrix(&merged, out) {
        eprintln!(
            "error: cannot write the merged files into {}: {e} (choose a writable --out)",
            out.display()
        );
        return exit_codes::USAGE_OR_HARNESS;
    }
    for c in &merged.cells {
        say!(
            "{:>3}  {:<32} worst {:<14} exit {}",
            c.info.index,
            c.info.name,
            c.worst,
            c.exit_code
        );
    }
    if let Some(p) = &merged.since_previous {
        say!(
            "since {}: {} regression(s), {} cell(s) with changes, {} added, {} removed",
            p.previous,
            p.regressions(),
            p.cells.len(),
            p.cells_added.len(),
            p.cells_removed.len()
        );
    }
    say!(
        "matrix {}: {} cells merged into {}; exit {}",
        merged.matrix,
        merged.cells.len(),
        out.join("matrix.html").display(),
        merged.exit_code
    );
    merged.exit_code
}

/// Parse, run, and return the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    exit_codes::OK
                }
                _ => exit_codes::USAGE_OR_HARNESS,
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    runtime.block_on(run(cli))
}

/// Dispatch the parsed command line. Long by design: one arm per subcommand, each only
/// turning options into a call of the library.
async fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Run {
            sut,
            config,
            tags,
            out,
            concurrency,
            keylog,
            baseline,
            write_baseline,
            rerun_failed,
            matrix,
            cell,
        } => {
            quiet_step_panics();
            let (sut, config, baseline, out, cell, pair) = match matrix {
                None => (sut.into(), config, baseline, out, None, None),
                Some(file) => match matrix_cell(&file, cell, &out) {
                    Ok(c) => c,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return exit_codes::USAGE_OR_HARNESS;
                    }
                },
            };
            let tags = match rerun_failed {
                None => tags,
                Some(dir) => match capif_conformance::report::diff::rerun_tags(&dir) {
                    Ok(Some(again)) => Some(match tags {
                        Some(t) => format!("({t}) and ({again})"),
                        None => again,
                    }),
                    Ok(None) => {
                        eprintln!(
                            "nothing to rerun: no test purpose failed, was inconclusive or erred in {}",
                            dir.display()
                        );
                        return exit_codes::NOTHING_SELECTED;
                    }
                    Err(e) => {
                        eprintln!("error: --rerun-failed: {e}");
                        return exit_codes::USAGE_OR_HARNESS;
                    }
                },
            };
            console::run(RunPlan {
                sut,
                config,
                tags,
                out,
                concurrency,
                keylog,
                baseline,
                write_baseline,
                command_line: std::env::args().collect(),
                on_outcome: None,
                cell,
                pair,
                fuzz: None,
            })
            .await
        }
        Command::Matrix {
            action: MatrixAction::Cells { matrix, format },
        } => matrix_cells(&matrix, matches!(format, FormatArg::Json)),
        Command::Merge {
            dirs,
            out,
            matrix,
            min_rate,
            previous,
        } => merge(
            &dirs,
            &out,
            matrix.as_deref(),
            min_rate,
            previous.as_deref(),
        ),
        Command::Load {
            config,
            sessions,
            concurrency,
            min_rate,
            format,
            shard,
            start_at,
            out,
        } => {
            let shard = match shard.as_deref().map(capif_conformance::load::Shard::parse) {
                None => None,
                Some(Ok(s)) => Some(s),
                Some(Err(e)) => {
                    eprintln!("error: {e}");
                    return exit_codes::USAGE_OR_HARNESS;
                }
            };
            let start_at = match start_at.as_deref().map(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
            }) {
                None => None,
                Some(Ok(t)) => Some(t),
                Some(Err(e)) => {
                    eprintln!("error: --start-at {:?}: {e}; give an RFC 3339 instant such as 2026-12-04T01:00:00Z", start_at.unwrap_or_default());
                    return exit_codes::USAGE_OR_HARNESS;
                }
            };
            console::load(console::LoadArgs {
                config,
                sessions,
                concurrency,
                min_rate,
                json: matches!(format, FormatArg::Json),
                shard,
                start_at,
                out,
            })
            .await
        }
        Command::Fuzz {
            sut,
            config,
            cases,
            time_budget,
            seed,
            rate,
            out,
            baseline,
            replay,
        } => {
            let sut = match sut.as_str() {
                "core" => SutSelection::Core,
                "invoker" => SutSelection::Invoker,
                other => {
                    eprintln!("error: --sut {other:?}: fuzz tests a core (--sut core) or an invoker (--sut invoker)");
                    return exit_codes::USAGE_OR_HARNESS;
                }
            };
            if replay.is_some() && sut == SutSelection::Invoker {
                eprintln!("error: --replay sends a core's finding-N.http again; an invoker's finding is rerun with the campaign's --seed");
                return exit_codes::USAGE_OR_HARNESS;
            }
            let Some(time_budget) = capif_conformance::sut::parse_duration(&time_budget) else {
                eprintln!(
                    "error: --time-budget {time_budget:?}: give a duration such as 60s or 5m"
                );
                return exit_codes::USAGE_OR_HARNESS;
            };
            if rate.is_some_and(|r| r.is_nan() || r <= 0.0) {
                eprintln!("error: --rate must be a positive number of requests per second");
                return exit_codes::USAGE_OR_HARNESS;
            }
            console::fuzz(console::FuzzArgs {
                sut,
                config,
                options: capif_conformance::fuzz::FuzzOptions {
                    cases,
                    seed,
                    time_budget,
                    rate,
                    ..Default::default()
                },
                out,
                baseline,
                replay,
            })
            .await
        }
        Command::List { ids, sut, format } => {
            console::list(&ids, sut.into(), matches!(format, FormatArg::Json))
        }
        Command::Pki { out, hosts } => pki(out, hosts),
        Command::Schema { name } => match capif_conformance::schemas::find(&name) {
            Some(p) => {
                say!(
                    "{}",
                    serde_json::to_string_pretty(&p.json()).expect("a schema serializes")
                );
                exit_codes::OK
            }
            None => exit_codes::USAGE_OR_HARNESS,
        },
        Command::Diff { old, new, format } => diff(old, new, format),
        Command::Proforma { sut, format } => {
            use capif_conformance::catalogue::Sut;
            let role = match sut {
                SutArg::Core => Some(Sut::Core),
                SutArg::Invoker => Some(Sut::Invoker),
                SutArg::Both => None,
            };
            match format {
                ProformaFormat::Markdown => {
                    say_raw!("{}", capif_conformance::sut::proforma::markdown(role))
                }
                ProformaFormat::Toml => {
                    say_raw!("{}", capif_conformance::sut::proforma::toml(role))
                }
            }
            exit_codes::OK
        }
        Command::Reference {
            peer:
                Peer::Core {
                    listen,
                    pki,
                    issue_secret,
                    enrolment,
                    faults,
                    variants,
                },
        } => {
            let f = parse_faults::<CoreFault>(&faults, CoreFault::parse, CoreFault::names(), |f| {
                f.spec()
            });
            let v = parse_variants(&variants, CoreVariant::parse, CoreVariant::names(), |v| {
                v.spec()
            });
            match (f, v) {
                (Ok(f), Ok(v)) => reference_core(listen, pki, issue_secret, enrolment, f, v).await,
                (Err(code), _) | (_, Err(code)) => code,
            }
        }
        Command::Reference {
            peer:
                Peer::Invoker {
                    faults,
                    variants,
                    give_up_after,
                },
        } => {
            let f = parse_faults::<InvokerFault>(
                &faults,
                InvokerFault::parse,
                InvokerFault::names(),
                |f| f.spec(),
            );
            let v = parse_variants(
                &variants,
                InvokerVariant::parse,
                InvokerVariant::names(),
                |v| v.spec(),
            );
            match (f, v) {
                (Ok(f), Ok(v)) => reference_invoker(f, v, give_up_after).await,
                (Err(code), _) | (_, Err(code)) => code,
            }
        }
    }
}

/// cucumber reports a failed step as a caught panic; the verdict already carries its message,
/// so the default hook would only print a backtrace per failing check. Set
/// CAPIF_CONFORMANCE_DEBUG=1 to see them anyway.
fn quiet_step_panics() {
    if std::env::var_os("CAPIF_CONFORMANCE_DEBUG").is_none() {
        std::panic::set_hook(Box::new(|_| {}));
    }
}

/// Parse `--fault` / `--variant` names (`kind`); `help` prints each entry with `describe`.
fn parse_named<F: Ord + Copy>(
    kind: &str,
    names: &[String],
    parse: fn(&str) -> Option<F>,
    all: Vec<&'static str>,
    describe: impl Fn(F) -> String,
) -> Result<Vec<F>, i32> {
    let mut out = Vec::new();
    for n in names {
        if n == "help" {
            for name in &all {
                say!("{}", describe(parse(name).expect("listed")));
            }
            return Err(exit_codes::OK);
        }
        match parse(n) {
            Some(f) => out.push(f),
            None => {
                eprintln!(
                    "error: unknown {kind} {n:?}; known {kind}s: {}",
                    all.join(", ")
                );
                return Err(exit_codes::USAGE_OR_HARNESS);
            }
        }
    }
    if !out.is_empty() {
        eprintln!(
            "WARNING: running with {kind}s ({}): self-test only",
            names.join(", ")
        );
    }
    Ok(out)
}

/// Parse `--fault` names; `help` lists the catalogue.
fn parse_faults<F: Ord + Copy>(
    names: &[String],
    parse: fn(&str) -> Option<F>,
    all: Vec<&'static str>,
    spec: fn(F) -> capif_conformance::peers::faults::FaultSpec,
) -> Result<Faults<F>, i32> {
    parse_named("fault", names, parse, all, |f| {
        let s = spec(f);
        format!(
            "{:<32} {} ({}); caught by {}",
            s.name,
            s.bug,
            s.breaks,
            s.catches.join(", ")
        )
    })
    .map(|fs| Faults::of(&fs))
}

/// Parse `--variant` names; `help` lists the catalogue.
fn parse_variants<V: Ord + Copy>(
    names: &[String],
    parse: fn(&str) -> Option<V>,
    all: Vec<&'static str>,
    spec: fn(V) -> VariantSpec,
) -> Result<Variants<V>, i32> {
    parse_named("variant", names, parse, all, |v| {
        let s = spec(v);
        format!(
            "{:<26} {} (as {}; allowed by {})",
            s.name, s.behaviour, s.seen_in, s.allowed_by
        )
    })
    .map(|vs| Variants::of(&vs))
}

fn default_hosts(hosts: Vec<String>) -> Vec<String> {
    if hosts.is_empty() {
        DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect()
    } else {
        hosts
    }
}

/// Why `--host` value `h` cannot name a server certificate, if it cannot.
fn bad_host(h: &str) -> Option<&'static str> {
    if h.is_empty() {
        return Some("it is empty");
    }
    if h.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("it contains spaces or control characters");
    }
    let looks_ipv4 = h.chars().all(|c| c.is_ascii_digit() || c == '.');
    if looks_ipv4 && h.parse::<std::net::Ipv4Addr>().is_err() {
        return Some("it looks like an IPv4 address but is not one");
    }
    if h.contains(':') && h.parse::<std::net::Ipv6Addr>().is_err() {
        return Some("it looks like an IPv6 address but is not one");
    }
    if h.parse::<std::net::IpAddr>().is_err()
        && rustls_pki_types::ServerName::try_from(h.to_string()).is_err()
    {
        return Some("it is not a DNS name");
    }
    None
}

fn pki(out: PathBuf, hosts: Vec<String>) -> i32 {
    if let Some((h, why)) = hosts.iter().find_map(|h| bad_host(h).map(|w| (h, w))) {
        eprintln!("error: --host {h:?}: {why}; give a DNS name (capif.example) or an IP address (127.0.0.1)");
        return exit_codes::USAGE_OR_HARNESS;
    }
    let hosts = default_hosts(hosts);
    let result = TestPki::generate(&hosts).and_then(|p| p.write(&out));
    match result {
        Ok(manifest) => {
            for f in &manifest.files {
                say!("{:<18} {}", f.file, f.role);
            }
            say!(
                "wrote the TEST ONLY PKI bundle to {} (core certificate for {})",
                out.display(),
                hosts.join(", ")
            );
            exit_codes::OK
        }
        Err(e) => {
            eprintln!("error: {e}\nhint: check that --out names a writable directory");
            exit_codes::USAGE_OR_HARNESS
        }
    }
}

async fn reference_core(
    listen: SocketAddr,
    pki_dir: Option<PathBuf>,
    issue_secret: bool,
    enrolment: Option<String>,
    faults: Faults<CoreFault>,
    variants: Variants<CoreVariant>,
) -> i32 {
    let enrolment = match enrolment.map(|s| EnrolmentLogin::parse(&s).ok_or(s)) {
        None => None,
        Some(Ok(l)) => Some(l),
        Some(Err(s)) => {
            eprintln!("error: --enrolment {s:?} must be USER:PASSWORD");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let (pki, written_to) = match pki_dir {
        Some(dir) => match TestPki::load(&dir) {
            Ok(p) => (p, None),
            Err(e) => {
                eprintln!(
                    "error: {e}\nhint: create the bundle with `capif-conformance pki --out {}`",
                    dir.display()
                );
                return exit_codes::USAGE_OR_HARNESS;
            }
        },
        None => {
            let hosts = default_hosts(Vec::new());
            let dir =
                std::env::temp_dir().join(format!("capif-conformance-core-{}", std::process::id()));
            match TestPki::generate(&hosts).and_then(|p| p.write(&dir).map(|_| p)) {
                Ok(p) => (p, Some(dir)),
                Err(e) => {
                    eprintln!("error: cannot generate a PKI: {e}");
                    return exit_codes::USAGE_OR_HARNESS;
                }
            }
        }
    };
    let mut settings = CoreSettings::new(pki);
    settings.issue_secret = issue_secret;
    settings.enrolment = enrolment;
    settings.faults = faults;
    settings.variants = variants;
    let core = match RunningCore::start(settings, listen).await {
        Ok(c) => c,
        Err(e) => {
            eprintln!(
                "error: cannot listen on {listen}: {e}\nhint: choose another --listen address"
            );
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    // The first stdout line is the contract scripts wait for.
    say!("READY {}", core.url);
    if let Some(dir) = written_to {
        eprintln!(
            "PKI bundle (CA root, credential.jwt) in {} — TEST ONLY",
            dir.display()
        );
    }
    wait_for_stop_signal().await;
    eprintln!("stopping: finishing open sessions (bounded)");
    core.shutdown().await;
    exit_codes::OK
}

async fn wait_for_stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

async fn reference_invoker(
    faults: Faults<InvokerFault>,
    variants: Variants<InvokerVariant>,
    give_up_after: Option<std::time::Duration>,
) -> i32 {
    let env = match AdapterEnv::from_process() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: {e}");
            return exit_codes::USAGE_OR_HARNESS;
        }
    };
    let mut timeouts = Timeouts::default();
    if let Some(d) = give_up_after {
        timeouts.handshake = d;
        timeouts.response = d;
    }
    let action = std::env::var(Var::Action.name()).unwrap_or_default();
    if action == ACTION_OFFBOARD {
        return match offboard(&env, &timeouts, &faults).await {
            Ok(()) => {
                eprintln!("offboarded");
                capif_conformance::adapter_contract::EXIT_ONBOARDED
            }
            Err(e) => {
                // The core's answer on the report line, so a harness that cannot see it
                // (a pair cell) knows the core refused, not the invoker before asking.
                if let capif_conformance::peers::invoker::InvokerError::Rejected {
                    status, ..
                } = &e
                {
                    say!(
                        "{}",
                        serde_json::json!({ capif_conformance::adapter_contract::REPORT_CORE_STATUS: status })
                    );
                }
                eprintln!("offboarding failed: {e}");
                capif_conformance::adapter_contract::EXIT_FAILED
            }
        };
    }
    match onboard(&env, &timeouts, &faults, &variants).await {
        Ok(done) => {
            if let Some(dir) = &env.workdir {
                // Keep what was issued for later steps (e.g. mutual TLS); failure to save is
                // reported but does not undo the onboarding.
                let save = std::fs::create_dir_all(dir)
                    .and_then(|_| {
                        std::fs::write(dir.join("invoker-cert.pem"), &done.certificate_pem)
                    })
                    .and_then(|_| {
                        capif_conformance::fsutil::write_atomic(
                            &dir.join(capif_conformance::peers::invoker::KEY_FILE),
                            done.key.serialize_pem().as_bytes(),
                            capif_conformance::fsutil::FileMode::Private,
                        )
                    });
                if let Err(e) = save {
                    eprintln!(
                        "warning: could not save the issued certificate in {}: {e}",
                        dir.display()
                    );
                }
            }
            eprintln!("onboarded as {} ({})", done.api_invoker_id, done.location);
            say!(
                "{}",
                serde_json::json!({"apiInvokerId": done.api_invoker_id, "certificate": done.certificate_pem})
            );
            capif_conformance::adapter_contract::EXIT_ONBOARDED
        }
        Err(e) => {
            eprintln!("onboarding failed: {e}");
            capif_conformance::adapter_contract::EXIT_FAILED
        }
    }
}
