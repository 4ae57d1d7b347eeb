//! Layer 3: the reference peers, strict and conformant readings of the spec. They are real
//! servers and clients over TLS on sockets; they never import checks or reports.

pub mod core;
pub mod faults;
pub mod invoker;
pub(crate) mod lax_verifier;
pub mod variants;
