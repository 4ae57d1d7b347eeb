//! capif-conformance: a conformance and interoperability test harness for the CAPIF
//! API-invoker onboarding security flow (3GPP TS 33.122 Annex B.1, Figure B.1-1; TS 29.222).
//!
//! Layers, bottom up (README "Layout"): [`model`] (TS 29.222 types and validation) and
//! [`adapter_contract`] (the invoker adapter protocol), [`pki`] and [`net`] (certificates,
//! credentials, TLS and HTTP with observation), [`peers`] (the reference core and invoker, the
//! one onboarding decision in [`peers::core::decision`]), [`sut`] (the systems under test: core
//! target, probes, played core, adapter runner), [`checks`] (pure verdicts from observations),
//! [`suite`] (cucumber World and steps), [`report`], [`run`], [`matrix`] (cells and their exact
//! merge), [`schemas`] (the published JSON Schemas) and the CLI. No module imports from a layer
//! above it: the full order is `layout::LAYERS`, and its test walks every `crate::` path.

pub mod adapter_contract;
pub mod catalogue;
pub mod checks;
pub mod evidence;
pub mod exit_codes;
pub mod fsutil;
pub mod fuzz;
#[cfg(test)]
mod layout;
pub mod load;
pub mod matrix;
pub mod model;
pub mod net;
pub mod peers;
pub mod pki;
#[cfg(test)]
mod readme_blocks;
pub mod report;
pub mod run;
pub mod schemas;
pub mod suite;
pub mod sut;
pub mod untrusted;
