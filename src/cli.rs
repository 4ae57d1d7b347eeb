//! Command line (README "Command line" and "Exit codes"). The library knows nothing of clap; this file only parses
//! arguments, calls the library, prints, and chooses the exit code.

use std::path::PathBuf;

use clap::Parser;

use capif_conformance::exit_codes;
use capif_conformance::peers::faults::{CoreFault, InvokerFault};
use capif_conformance::peers::variants::{CoreVariant, InvokerVariant};
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

mod args;
mod console;
mod fuzz;
mod load;
mod matrix;
mod peers;

use args::{Cli, Command, FormatArg, MatrixAction, Peer, ProformaFormat, SutArg};
use matrix::{diff, matrix_cell, matrix_cells, merge};
use peers::{parse_faults, parse_variants, pki, reference_core, reference_invoker};

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
            load::load(load::LoadArgs {
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
            fuzz::fuzz(fuzz::FuzzArgs {
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
