//! Layer 3: access to the system under test, by role as in `peers`: `core/` (a core reached by
//! URL, its attempts, the probes that speak below HTTP), `invoker/` (the adapter run against a
//! played core), `pair.rs`; shared: the SUT configuration (PIXIT + PICS), the adapter runner,
//! process groups and the proforma.

mod adapter;
mod config;
mod core;
mod invoker;
mod pair;
pub mod processes;
pub mod proforma;

pub use self::core::attempt::{Attempt, ControlAttempt, CredentialChoice, RequestBody};
pub use self::core::credential_source::CredentialSource;
pub use self::core::probes::{
    abandoned_handshake, cleartext_request, client_hello_bytes, client_hello_bytes_omitting,
    legacy_client_hello, legacy_client_hello_bytes, presented_chain, server_hello_suite,
    suites_probe, tls13_client_hello_bytes_omitting, ClearOutcome, LegacyHelloOutcome,
};
pub use self::core::receiver_trials::{ImpostorRun, ImpostorTrial, IMPOSTOR_CERTIFICATES};
pub use self::core::target::{CoreTarget, RunShared, SigningKey};
pub use self::core::{early_data, key_server, tls_enumeration};
/// The notification receiver, where a 202's OnboardingNotification arrives.
pub use crate::net::notification_receiver as notifications;
pub use adapter::{run_adapter, AdapterExit, AdapterRun};
pub(crate) use config::read_toml;
pub use config::{
    parse_duration, ConfigError, CoreCapabilities, CoreConfig, EnrolmentConfig, InvokerConfig,
    InvokerEnrolmentConfig, NotificationsConfig, SutConfig, TeardownPolicy,
    DEFAULT_NOTIFICATION_BOUND,
};
pub use invoker::played_core::{
    offers_tls13, parse_client_hello, suite_name, version_name, Answers, ClientHelloInfo, Granted,
    Handshake, LegacyReply, Notify, Observations, ObservedRequest, Offboard, PlayedCore, Presents,
    RegisterObservation, RegisterRequest, RegisterScript, RegisterSession, Restriction, Rewrite,
    Script, SentNotification, SessionObservation, Unusable, CORE_DNS_NAME, DOWNGRADE_SENTINEL,
    MAX_SESSIONS,
};
pub use invoker::target::{
    silence_slack, InvokerRun, InvokerTarget, OffboardRun, REFERENCE_GIVES_UP_AFTER,
};
pub use pair::{PairRun, PairTarget};
