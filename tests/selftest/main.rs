//! The self-test of the harness: one integration-test binary, real TLS on loopback sockets.

mod support;

mod cli_pki;
mod core_rejects;
mod core_serves;
mod core_suite;
mod engines;
mod fuzz;
mod hostile;
mod hostile_inputs;
mod invoker_refuses;
mod invoker_suite;
mod kill_matrix;
mod legitimacy;
mod load;
mod matrix;
mod opencapif;
mod pair;
mod reports;
mod scanner;
mod teardown;
mod verdict_truth;
