//! The `capif-conformance` binary: parse the command line, run, map the outcome to an exit
//! code (see `capif_conformance::exit_codes`).

mod cli;

fn main() {
    std::process::exit(cli::main());
}
