//! An OpenCAPIF-style enrolment ("register") endpoint, so real SDKs that fetch their onboarding
//! credential and CA root themselves run unmodified: `GET /getauth` with HTTP Basic.

use base64::Engine;
use http::{HeaderMap, StatusCode};
use serde_json::json;

use super::respond::{self, Body};
use crate::model::ONBOARDING_PATH;
use crate::pki::TestPki;

/// Path of the enrolment endpoint.
pub const GETAUTH_PATH: &str = "/getauth";

/// Lifetime of a credential handed out by `/getauth` (OpenCAPIF uses 15 minutes).
const GETAUTH_TOKEN_SECS: i64 = 15 * 60;

/// How a register serves enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
pub enum RegisterStyle {
    /// `GET /getauth` with HTTP Basic over TLS (OpenCAPIF from release 1.0).
    #[default]
    #[serde(rename = "opencapif")]
    Opencapif,
    /// `POST /register` and `POST /getauth` with the login in a JSON body, over plain HTTP
    /// (OpenCAPIF before release 1.0, the evolved5g SDK).
    #[serde(rename = "opencapif-http")]
    OpencapifHttp,
}

/// The HTTP Basic login the enrolment endpoint accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentLogin {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
}

impl EnrolmentLogin {
    /// Parse `USER:PASSWORD`.
    pub fn parse(s: &str) -> Option<Self> {
        let (u, p) = s.split_once(':')?;
        (!u.is_empty()).then(|| Self {
            username: u.into(),
            password: p.into(),
        })
    }

    /// Whether a JSON body (the OpenCAPIF-era `POST /register` and `POST /getauth`) names
    /// this login.
    pub fn matches_json(&self, body: &[u8]) -> bool {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return false;
        };
        v["username"] == self.username.as_str() && v["password"] == self.password.as_str()
    }

    /// Whether `headers` carry this login as HTTP Basic.
    pub fn matches(&self, headers: &HeaderMap) -> bool {
        let Some(v) = headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        else {
            return false;
        };
        let Some(b64) = v.strip_prefix("Basic ") else {
            return false;
        };
        let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
            return false;
        };
        raw == format!("{}:{}", self.username, self.password).as_bytes()
    }
}

/// Answer `GET /getauth`: a fresh credential, the CA root and where to onboard.
pub fn getauth(login: &EnrolmentLogin, pki: &TestPki, headers: &HeaderMap) -> http::Response<Body> {
    if !login.matches(headers) {
        return respond::problem(
            StatusCode::UNAUTHORIZED,
            "INVALID_ENROLMENT_LOGIN",
            "HTTP Basic credentials for the enrolment endpoint are missing or wrong",
        );
    }
    respond::json(StatusCode::OK, &getauth_answer(pki, &login.username))
}

/// What `/getauth` answers: a fresh credential signed by `pki`'s enrolment key, `pki`'s root
/// as `ca_root`, and where to onboard (OpenCAPIF's field names).
pub fn getauth_answer(pki: &TestPki, username: &str) -> serde_json::Value {
    json!({
            "access_token": pki.credential(username, GETAUTH_TOKEN_SECS),
            "ca_root": pki.ca.cert_pem(),
            "ccf_onboarding_url": ONBOARDING_PATH.trim_start_matches('/'),
            "ccf_discover_url": "service-apis/v1/allServiceAPIs?api-invoker-id=",
            "ccf_api_onboarding_url": "api-provider-management/v1/registrations",
            "ccf_publish_url": "published-apis/v1/<apfId>/service-apis",
            "ccf_security_url": "capif-security/v1/trustedInvokers/<apiInvokerId>",
            "message": "Token and CA root returned successfully (capif-conformance reference core)",
    })
}

/// What the OpenCAPIF-era `POST /register` answers (evolved5g SDK: it reads `id`,
/// `ccf_onboarding_url` and `ccf_discover_url`).
pub fn registration_answer(username: &str) -> serde_json::Value {
    json!({
        "id": format!("user-{}", hex::encode(username.as_bytes())),
        "ccf_onboarding_url": ONBOARDING_PATH.trim_start_matches('/'),
        "ccf_discover_url": "service-apis/v1/allServiceAPIs?api-invoker-id=",
        "message": "Invoker registered successfully (capif-conformance played register)",
    })
}
