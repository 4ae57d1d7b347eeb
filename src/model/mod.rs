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

/// Path of the onboarding collection below the apiRoot (TS 29.222 §8.4.2).
pub const ONBOARDING_PATH: &str = "/api-invoker-management/v1/onboardedInvokers";
