//! Layer 3: access to the system under test: the SUT configuration (PIXIT + PICS), an external
//! or embedded core reached by URL, and the probes that speak below HTTP (hand-built TLS
//! records, cleartext requests).

mod config;
mod core_target;
mod credential_source;
mod probes;

pub use config::{
    parse_duration, ConfigError, CoreCapabilities, CoreConfig, EnrolmentConfig, InvokerConfig,
    InvokerEnrolmentConfig, SutConfig, TeardownPolicy,
};
pub use core_target::{Attempt, CoreTarget, CredentialChoice, RequestBody};
pub use credential_source::CredentialSource;
pub use probes::{cleartext_request, legacy_client_hello, ClearOutcome, LegacyHelloOutcome};
