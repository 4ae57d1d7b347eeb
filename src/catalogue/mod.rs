//! Layer 1: the test purpose catalogue (README "How verdicts are decided"). Ids are stable: CI baselines and
//! customers' reports refer to them.

mod core_purposes;
mod invoker_purposes;
mod pair_purposes;
pub mod requirements;
mod types;

pub use requirements::{Keyword, Requirement, Status};
pub use types::{
    Applicability, Branch, Capability, Need, Policy, Runner, Severity, Sut, TestPurpose,
};

/// Every test purpose, core-under-test first, then invoker, then pair, in a stable order.
pub fn all() -> impl Iterator<Item = &'static TestPurpose> {
    core_purposes::CORE
        .iter()
        .chain(invoker_purposes::INVOKER.iter())
        .chain(pair_purposes::PAIR.iter())
}

/// The README's severity table (between `<!-- severity-table -->` markers): every test
/// purpose with its severity, the requirements it cites (keyword, and "secondary" for a text
/// not read verbatim) and, where it departs from the rule, the declared policy. Generated
/// here so the README cannot drift (a test compares them).
pub fn severity_table() -> String {
    let mut t =
        String::from("| id | severity | requirements cited (keyword) | by |\n|---|---|---|---|\n");
    for tp in all() {
        let reqs: Vec<String> = tp
            .cited()
            .map(|r| {
                let status = match r.status {
                    Status::Verified => "",
                    Status::Secondary => ", secondary",
                    Status::Unretrieved => ", unretrieved",
                };
                format!("{} ({}{status})", r.id, r.keyword.as_str())
            })
            .collect();
        let by = match tp.policy {
            Some(p) => format!("project policy: {}", p.why),
            None => "the rule".into(),
        };
        t.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            tp.id,
            tp.severity().tag(),
            reqs.join(", "),
            by
        ));
    }
    t
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
                ["TLS", "CRED", "REQ", "OK", "TD", "ENR", "OFF", "FUZZ"].contains(&parts[1]),
                "{}",
                tp.id
            );
            assert!(parts[2].len() == 2 && parts[2].bytes().all(|b| b.is_ascii_digit()));
            assert!(
                !tp.spec_refs().is_empty() && !tp.requirement_text().is_empty(),
                "{}",
                tp.id
            );
        }
    }

    #[test]
    fn every_test_purpose_cites_known_requirements() {
        for tp in all() {
            assert!(
                !tp.requirements.is_empty(),
                "{} cites no requirement",
                tp.id
            );
            for id in tp.requirements {
                assert!(
                    requirements::get(id).is_some(),
                    "{} cites {id}, which is not in src/catalogue/requirements.toml",
                    tp.id
                );
            }
        }
    }

    #[test]
    fn a_policy_is_a_real_departure_with_a_reason() {
        for tp in all() {
            if let Some(p) = tp.policy {
                assert_ne!(
                    p.severity,
                    tp.rule_severity(),
                    "{}: the policy gives what the rule gives; drop it",
                    tp.id
                );
                assert!(p.why.len() > 40, "{}: say why", tp.id);
                assert!(tp.severity_rule().starts_with("project policy: "));
            } else {
                assert!(!tp.severity_rule().starts_with("project policy"));
            }
        }
    }

    #[test]
    fn a_mandatory_test_purpose_rests_on_a_verified_shall_or_a_declared_policy() {
        for tp in all().filter(|tp| tp.severity() == Severity::Mandatory) {
            let verified_shall = tp
                .cited()
                .any(|r| r.status == Status::Verified && r.severity() == Severity::Mandatory);
            assert!(
                verified_shall || tp.policy.is_some(),
                "{} is mandatory without a verified shall/MUST or a policy",
                tp.id
            );
        }
    }

    /// The README's severity table is the catalogue's. `UPDATE_README=1 cargo test --lib
    /// readme_severity` rewrites it.
    #[test]
    fn readme_severity_table_matches_the_catalogue() {
        crate::readme_blocks::generated_block(
            "severity-table",
            &severity_table(),
            "cargo test --lib readme_severity",
        );
    }

    /// The count a vendor reads first is the real one.
    #[test]
    fn readme_counts_the_test_purposes_there_are() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
        let readme = std::fs::read_to_string(&path).unwrap();
        let at = readme
            .find("## What it checks\n\n")
            .expect("a What it checks section");
        let line = readme[at..].lines().nth(2).unwrap_or_default();
        assert!(
            line.starts_with(&format!("{} test purposes ", all().count())),
            "README.md says {line:?}; the catalogue has {}",
            all().count()
        );
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
