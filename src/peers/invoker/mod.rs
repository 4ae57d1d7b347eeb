//! The reference API invoker: speaks the adapter protocol (design.md §4), verifies the core
//! against the provisioned root, onboards with a fresh key and CSR, checks the answer strictly,
//! and closes the session with close_notify after the response, success or error.

mod env;
mod flow;
mod register;

pub use env::{
    AdapterEnv, EnvError, RegisterEnv, ENV_CA_FILE, ENV_CORE_URL, ENV_CREDENTIAL,
    ENV_REGISTER_PASSWORD, ENV_REGISTER_URL, ENV_REGISTER_USERNAME, ENV_WORKDIR,
};
pub use flow::{onboard, InvokerError, Onboarding};
