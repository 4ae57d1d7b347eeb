//! The spec sentences the test purposes enforce, quoted once and shared by both roles.

/// TS 33.122 Annex X.1, the secure-connection decision.
pub const SECURE: &str = "\"Initially, the API Invoker attempts to establish a secure connection with the CAPIF core. If the onboarding session cannot be secured, the session is released and the onboarding flow ends.\"";
/// TS 33.210 §6.2.1.
pub const TLS_VERSIONS: &str = "\"SSL, TLS 1.0, TLS 1.1 and DTLS 1.0 shall not be supported ... TLS 1.2 and TLS 1.3 shall be supported.\"";
/// TS 33.122 Annex X.1, the rejection.
pub const REJECT: &str = "\"If the CAPIF core cannot validate the onboarding credentials, then an Onboard API Invoker response message containing an error response is returned to the API Invoker instead.\"";
/// TS 33.122 Annex X.1, the teardown.
pub const TEARDOWN: &str = "\"Following the return of an Onboard API Invoker response message (either successful or unsuccessful), the secure session is torn down and the onboarding security flow ends.\"";
/// RFC 8446 §6.1.
pub const CLOSE_NOTIFY: &str = "\"Each party MUST send a close_notify alert before closing its write side of the connection, unless it has already sent some error alert.\" (RFC 8446 §6.1)";
