//! ProblemDetails and InvalidParam (TS 29.122 §5.2.6).

use serde::{Deserialize, Serialize};

/// Media type every CAPIF error body must carry.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// ProblemDetails: every field optional, as in TS 29.122.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProblemDetails {
    /// URI reference identifying the problem type.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub problem_type: Option<String>,
    /// Short summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The HTTP status code; must match the response's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Human-readable explanation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// URI of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Machine-readable cause.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// The offending parameters (at least one when present).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invalid_params: Option<Vec<InvalidParam>>,
    /// Negotiated features.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_features: Option<String>,
}

/// One offending parameter: a JSON pointer into the body, or a header name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidParam {
    /// JSON pointer (`/onboardingInformation/apiInvokerPublicKey`) or header name.
    pub param: String,
    /// Why it is invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl InvalidParam {
    /// A finding for `param` with a reason.
    pub fn new(param: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            param: param.into(),
            reason: Some(reason.into()),
        }
    }
}

impl ProblemDetails {
    /// A ProblemDetails with status, title, detail and cause set.
    pub fn new(status: u16, title: &str, detail: impl Into<String>, cause: &str) -> Self {
        Self {
            status: Some(status),
            title: Some(title.to_string()),
            detail: Some(detail.into()),
            cause: Some(cause.to_string()),
            ..Self::default()
        }
    }
}
