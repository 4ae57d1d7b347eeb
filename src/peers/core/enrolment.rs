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

    fn matches(&self, headers: &HeaderMap) -> bool {
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
    respond::json(
        StatusCode::OK,
        &json!({
            "access_token": pki.credential(&login.username, GETAUTH_TOKEN_SECS),
            "ca_root": pki.ca.cert_pem(),
            "ccf_onboarding_url": ONBOARDING_PATH.trim_start_matches('/'),
            "ccf_discover_url": "service-apis/v1/allServiceAPIs?api-invoker-id=",
            "ccf_api_onboarding_url": "api-provider-management/v1/registrations",
            "ccf_publish_url": "published-apis/v1/<apfId>/service-apis",
            "ccf_security_url": "capif-security/v1/trustedInvokers/<apiInvokerId>",
            "message": "Token and CA root returned successfully (capif-conformance reference core)",
        }),
    )
}
