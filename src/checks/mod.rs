//! Layer 4: checks are pure functions from observed evidence to a result with a one-sentence
//! reason a vendor understands. No I/O here, so every check is unit-tested.

mod core;
mod invoker;
mod verdict;

pub use self::core::*;
pub use invoker::*;
pub use verdict::{Check, Verdict};

/// Test helper: `c` passes, or the test fails showing why it did not.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_pass(c: &Check) {
    assert!(c.passed(), "expected a pass, got {c:?}");
}

/// Test helper: `c` does not pass, or the test fails showing the pass's reason.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_not_pass(c: &Check) {
    assert!(!c.passed(), "expected no pass, got {c:?}");
}
