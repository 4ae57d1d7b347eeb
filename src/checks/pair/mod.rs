//! Checks of a core and an invoker onboarding with each other (features/pair/).

pub(crate) mod interop;
