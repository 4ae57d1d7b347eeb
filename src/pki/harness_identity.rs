//! Who the harness says it is when it plays an API invoker (PIXIT `[core] invoker_information`,
//! `invoker_subject_cn`, `invoker_subject_o`, `invoker_subject_ou`): the free-text
//! `apiInvokerInformation` and the subject of its CSR. Each is a template with `{run}` (an id
//! of this run) and `{n}` (a counter per onboarding), so every onboarding the harness makes has
//! its own values — a core that keys files or locks on them never sees two in flight at once
//! — and the defaults carry no space and no shell or URL metacharacter, so a core that passes
//! them on unquoted still onboards (CCF-REQ-07, not the positive control, tests free text).

use std::sync::atomic::{AtomicU64, Ordering};

/// The templates, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityTemplates {
    /// `apiInvokerInformation`.
    pub information: String,
    /// The CSR subject's CN.
    pub cn: String,
    /// The CSR subject's O, if any.
    pub o: Option<String>,
    /// The CSR subject's OU, if any.
    pub ou: Option<String>,
}

/// The default `apiInvokerInformation` template.
pub const DEFAULT_INFORMATION: &str = "capif-conformance-{run}-{n}";
/// The default CN template (a role prefix some cores' front ends authorise on).
pub const DEFAULT_CN: &str = "invoker-{run}-{n}";

impl Default for IdentityTemplates {
    fn default() -> Self {
        Self {
            information: DEFAULT_INFORMATION.into(),
            cn: DEFAULT_CN.into(),
            o: None,
            ou: None,
        }
    }
}

/// The values of one onboarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarnessIdentity {
    /// `apiInvokerInformation`.
    pub information: String,
    /// CSR subject CN.
    pub cn: String,
    /// CSR subject O.
    pub o: Option<String>,
    /// CSR subject OU.
    pub ou: Option<String>,
}

impl HarnessIdentity {
    /// For evidence and reasons: what the harness chose, and the keys that change it.
    pub fn describe(&self) -> String {
        let mut subject = format!("CN={}", self.cn);
        if let Some(o) = &self.o {
            subject.push_str(&format!(", O={o}"));
        }
        if let Some(ou) = &self.ou {
            subject.push_str(&format!(", OU={ou}"));
        }
        format!(
            "apiInvokerInformation {:?}, CSR subject {subject} (PIXIT [core] invoker_information, invoker_subject_cn/_o/_ou)",
            self.information
        )
    }
}

/// Hands out identities: one per onboarding, numbered within the run.
#[derive(Debug)]
pub struct IdentityIssuer {
    templates: IdentityTemplates,
    run: String,
    next: AtomicU64,
}

impl IdentityIssuer {
    /// An issuer for one run (`{run}` is 8 random hex digits).
    pub fn new(templates: IdentityTemplates) -> Self {
        let mut bytes = [0u8; 4];
        ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
            .expect("system randomness");
        Self {
            templates,
            run: hex::encode(bytes),
            next: AtomicU64::new(1),
        }
    }

    /// The identity of the next onboarding.
    pub fn next(&self) -> HarnessIdentity {
        let n = self.next.fetch_add(1, Ordering::Relaxed).to_string();
        let fill = |t: &str| t.replace("{run}", &self.run).replace("{n}", &n);
        HarnessIdentity {
            information: fill(&self.templates.information),
            cn: fill(&self.templates.cn),
            o: self.templates.o.as_deref().map(fill),
            ou: self.templates.ou.as_deref().map(fill),
        }
    }
}

/// Why a template is unusable (None: usable): it must be non-empty and name only `{run}` and
/// `{n}`.
pub fn template_problem(t: &str) -> Option<String> {
    if t.trim().is_empty() {
        return Some("is empty".into());
    }
    let rest = t.replace("{run}", "").replace("{n}", "");
    if rest.contains('{') || rest.contains('}') {
        return Some(format!(
            "{t:?} has a placeholder other than {{run}} and {{n}}"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_onboarding_gets_its_own_values_free_of_metacharacters() {
        let issuer = IdentityIssuer::new(IdentityTemplates::default());
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let id = issuer.next();
            for v in [&id.information, &id.cn] {
                assert!(
                    v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                    "{v:?}"
                );
            }
            assert!(id.cn.starts_with("invoker-"));
            assert!(seen.insert(id.information.clone()) && seen.insert(id.cn.clone()));
        }
        // Two runs differ too.
        let other = IdentityIssuer::new(IdentityTemplates::default()).next();
        assert!(!seen.contains(&other.information));
    }

    #[test]
    fn a_verbatim_value_is_allowed_and_bad_placeholders_are_not() {
        assert_eq!(template_problem("INV-fixed"), None);
        assert_eq!(template_problem("invoker-{run}-{n}"), None);
        assert!(template_problem("x-{id}").is_some());
        assert!(template_problem(" ").is_some());
    }
}
