//! Layer 4: checks are pure functions from observed evidence to a result with a one-sentence
//! reason a vendor understands. No I/O here, so every check is unit-tested.

mod core;
mod invoker;
mod verdict;

pub use self::core::*;
pub use invoker::*;
pub use verdict::{Check, Verdict};
