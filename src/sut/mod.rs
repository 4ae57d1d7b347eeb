//! Layer 3: access to the system under test: the SUT configuration (PIXIT + PICS), an external
//! or embedded core reached by URL, and the probes that speak below HTTP (hand-built TLS
//! records, cleartext requests).

mod adapter;
mod attempt;
mod config;
mod core_target;
mod credential_source;
pub mod early_data;
mod invoker_target;
pub mod key_server;
mod pair;
mod played_core;
pub(crate) mod probes;
pub mod processes;
pub mod proforma;
mod receiver_trials;
pub mod tls_enumeration;

/// The notification receiver, where a 202's OnboardingNotification arrives.
pub use crate::net::notification_receiver as notifications;
pub use adapter::{run_adapter, AdapterExit, AdapterRun};
pub use attempt::{Attempt, ControlAttempt, CredentialChoice, RequestBody};
pub(crate) use config::read_toml;
pub use config::{
    parse_duration, ConfigError, CoreCapabilities, CoreConfig, EnrolmentConfig, InvokerConfig,
    InvokerEnrolmentConfig, NotificationsConfig, SutConfig, TeardownPolicy,
    DEFAULT_NOTIFICATION_BOUND,
};
pub use core_target::{CoreTarget, RunShared, SigningKey};
pub use credential_source::CredentialSource;
pub use invoker_target::{
    silence_slack, InvokerRun, InvokerTarget, OffboardRun, REFERENCE_GIVES_UP_AFTER,
};
pub use pair::{PairRun, PairTarget};
pub use played_core::{
    offers_tls13, parse_client_hello, suite_name, version_name, Answers, ClientHelloInfo, Granted,
    Handshake, LegacyReply, Notify, Observations, ObservedRequest, Offboard, PlayedCore, Presents,
    RegisterObservation, RegisterRequest, RegisterScript, RegisterSession, Restriction, Rewrite,
    Script, SentNotification, SessionObservation, Unusable, CORE_DNS_NAME, DOWNGRADE_SENTINEL,
    MAX_SESSIONS,
};
pub use probes::{
    abandoned_handshake, cleartext_request, client_hello_bytes, client_hello_bytes_omitting,
    legacy_client_hello, legacy_client_hello_bytes, presented_chain, server_hello_suite,
    suites_probe, tls13_client_hello_bytes_omitting, ClearOutcome, LegacyHelloOutcome,
};
pub use receiver_trials::{ImpostorRun, ImpostorTrial, IMPOSTOR_CERTIFICATES};
