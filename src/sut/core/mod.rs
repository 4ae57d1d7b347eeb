//! A CAPIF core under test, reached by URL (the harness plays the API invoker): the target and
//! its onboarding attempts, where its onboarding credential comes from, the probes that speak
//! below HTTP, the TLS enumeration, early data, the key server for jku/x5u credentials and the
//! receivers a core must refuse to notify. Mirrors `peers::core`.

pub(super) mod attempt;
pub(super) mod credential_source;
pub mod early_data;
pub mod key_server;
pub(crate) mod probes;
pub(super) mod receiver_trials;
pub(super) mod target;
pub mod tls_enumeration;
