//! The onboarded invokers, kept in memory.

use std::collections::HashMap;

/// One onboarded invoker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onboarded {
    /// The apiInvokerId (also the onboardingId of its resource).
    pub api_invoker_id: String,
    /// DER SubjectPublicKeyInfo of its key.
    pub spki_der: Vec<u8>,
    /// The certificate issued to it (DER).
    pub certificate_der: Vec<u8>,
}

/// Onboarded invokers by id and by public key.
#[derive(Debug, Default)]
pub struct Registry {
    by_id: HashMap<String, Onboarded>,
    by_key: HashMap<Vec<u8>, String>,
}

impl Registry {
    /// The invoker already onboarded with this key, if any.
    pub fn id_for_key(&self, spki_der: &[u8]) -> Option<&str> {
        self.by_key.get(spki_der).map(String::as_str)
    }

    /// Whether `id` is taken.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Store a newly onboarded invoker.
    pub fn insert(&mut self, entry: Onboarded) {
        self.by_key
            .insert(entry.spki_der.clone(), entry.api_invoker_id.clone());
        self.by_id.insert(entry.api_invoker_id.clone(), entry);
    }

    /// Look an invoker up.
    pub fn get(&self, id: &str) -> Option<&Onboarded> {
        self.by_id.get(id)
    }

    /// Offboard an invoker.
    pub fn remove(&mut self, id: &str) -> Option<Onboarded> {
        let e = self.by_id.remove(id)?;
        self.by_key.remove(&e.spki_der);
        Some(e)
    }

    /// Offboard an invoker but keep its key registered, so the key cannot onboard again
    /// (the `offboard-keeps-key` fault; a retaining operator policy looks the same).
    pub fn remove_keeping_key(&mut self, id: &str) -> Option<Onboarded> {
        self.by_id.remove(id)
    }

    /// Whether `certificate_der` was issued to any onboarded invoker.
    pub fn issued(&self, certificate_der: &[u8]) -> bool {
        self.by_id
            .values()
            .any(|e| e.certificate_der == certificate_der)
    }

    /// How many invokers are onboarded.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}
