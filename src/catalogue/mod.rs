//! Layer 1: the test purpose catalogue (README "How verdicts are decided"). Ids are stable: CI baselines and
//! customers' reports refer to them.

mod core_purposes;
mod invoker_purposes;
mod quotes;
mod types;

pub use types::{Applicability, Branch, Capability, Need, Severity, Sut, TestPurpose};

/// Every test purpose, core-under-test first, in a stable order.
pub fn all() -> impl Iterator<Item = &'static TestPurpose> {
    core_purposes::CORE
        .iter()
        .chain(invoker_purposes::INVOKER.iter())
}

/// The test purpose with `id`.
pub fn find(id: &str) -> Option<&'static TestPurpose> {
    all().find(|tp| tp.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for tp in all() {
            assert!(seen.insert(tp.id), "duplicate {}", tp.id);
            let parts: Vec<&str> = tp.id.split('-').collect();
            assert_eq!(parts.len(), 3, "{}", tp.id);
            assert_eq!(parts[0], tp.sut.id_prefix(), "{}", tp.id);
            assert!(
                ["TLS", "CRED", "REQ", "OK", "TD", "ENR", "OFF"].contains(&parts[1]),
                "{}",
                tp.id
            );
            assert!(parts[2].len() == 2 && parts[2].bytes().all(|b| b.is_ascii_digit()));
            assert!(
                !tp.spec_refs.is_empty() && !tp.requirement.is_empty(),
                "{}",
                tp.id
            );
        }
    }

    #[test]
    fn mandatory_needs_a_normative_source() {
        for tp in all().filter(|tp| tp.severity == Severity::Mandatory) {
            assert!(
                tp.spec_refs.iter().any(|r| !r.contains("Annex")),
                "{} is mandatory but cites only the informative annex",
                tp.id
            );
        }
    }

    #[test]
    fn preconditions_point_at_other_purposes_that_exist() {
        for tp in all() {
            for need in tp.needs {
                if let Some(root) = need.judged_by() {
                    assert_ne!(root, tp.id, "{} needs what it judges itself", tp.id);
                    assert!(
                        find(root).is_some(),
                        "{}: {root} is not in the catalogue",
                        tp.id
                    );
                }
            }
        }
    }
}
