//! The reference CAPIF core: serves `POST {apiRoot}/api-invoker-management/v1/onboardedInvokers`
//! over TLS 1.2/1.3 and tears the session down after every response (Figure B.1-1).

pub mod decision;
mod enrolment;
mod hello_rewriter;
mod key_fetch;
mod notify;
mod onboarding;
mod registry;
mod respond;
mod server;

pub use enrolment::{
    getauth_answer, registration_answer, EnrolmentLogin, RegisterStyle, GETAUTH_PATH,
};
pub use registry::{Onboarded, Registry};
pub use server::{CoreSettings, RunningCore};
