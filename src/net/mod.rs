//! Layer 2: TLS configurations, phase timeouts, session observation and a connection-level
//! HTTPS client whose every byte and every close the caller sees.

mod accept;
pub mod client_hello;
mod describe;
pub mod framing;
mod https_client;
pub mod impostor_receiver;
mod keylog;
pub mod notification_receiver;
mod phase;
pub mod relay;
pub mod renegotiation_guard;
mod session_end;
mod suite_registry;
pub mod suites;
mod tls_config;

pub use accept::{
    accept_until_stopped, cleartext_request_line, spawn_https, spawn_https_noting_cleartext,
    HANDSHAKE_BOUND,
};
pub use describe::describe_response;
pub use https_client::{
    plain_http_exchange, post_json, url_host, Framing, HttpRequest, HttpResponse, HttpsSession,
    TlsSummary, MAX_BODY, MAX_HEAD,
};
pub use keylog::KeyLogFile;
pub use phase::{humantime, rustls_error, within, Phase, PhaseError, Timeouts, TlsFailure};
pub use session_end::{classify_io_error, SessionEnd};
pub use tls_config::{
    client_config, client_config_with, negotiated, provider, provider_with, server_config,
    server_config_with, ClientAuth, TlsVersion, TLS_VERSIONS,
};
