//! An API invoker under test, driven through its adapter command (the harness plays the CAPIF
//! core): the target that runs the adapter against a played core, and the played core and
//! register themselves. Mirrors `peers::invoker`.

pub(super) mod played_core;
pub(super) mod target;
