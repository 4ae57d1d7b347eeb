//! Layer 1: the TS 29.222 wire types and their validation.
//!
//! Field names are exactly those of `TS29222_CAPIF_API_Invoker_Management_API.yaml`
//! (camelCase); validation reports every problem as an `InvalidParam` (JSON pointer + reason)
//! so a core can answer 400 with all of them at once.

mod enrolment;
mod problem;
mod validate;

pub use enrolment::{
    ApiInvokerEnrolmentDetails, ApiList, FailureReason, OnboardingInformation,
    OnboardingNotification, WebsockNotifConfig,
};
pub use problem::{InvalidParam, ProblemDetails, PROBLEM_JSON};
pub use validate::{is_hex_features, validate_enrolment_post};

/// The token of an `Authorization: Bearer <token>` value (RFC 6750 §2.1); the scheme name is
/// case-insensitive (RFC 9110 §11.1). None: another scheme, or no token.
pub fn bearer_token(authorization: &str) -> Option<&str> {
    let (scheme, token) = authorization.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Path of the onboarding collection below the apiRoot (TS 29.222 §8.4.2).
pub const ONBOARDING_PATH: &str = "/api-invoker-management/v1/onboardedInvokers";

#[cfg(test)]
mod tests {
    #[test]
    fn bearer_scheme_is_case_insensitive() {
        for v in ["Bearer t", "bearer t", "BEARER  t ", " Bearer t"] {
            assert_eq!(super::bearer_token(v), Some("t"), "{v:?}");
        }
        for v in ["Basic t", "Bearer", "Bearer ", "Bearert", ""] {
            assert_eq!(super::bearer_token(v), None, "{v:?}");
        }
    }
}
