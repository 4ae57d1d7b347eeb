//! The reference API invoker: speaks the adapter protocol (README "Testing your own API invoker: the adapter protocol"), verifies the core
//! against the provisioned root, onboards with a fresh key and CSR, checks the answer strictly,
//! and closes the session with close_notify after the response, success or error.

mod env;
mod flow;
mod offboard;
mod register;

pub use env::{AdapterEnv, EnvError, RegisterEnv};
pub use flow::{onboard, InvokerError, Onboarding};
pub use offboard::{offboard, KEY_FILE};
