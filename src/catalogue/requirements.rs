//! The requirement texts a test purpose may cite (README "How verdicts are decided"): the
//! project's copy of `shared/normative/requirements.toml` — every shared entry unchanged, plus
//! the entries this project added, each with its source — embedded in the binary.
//!
//! A test purpose's severity is derived here, once: the strongest keyword among its cited
//! requirements (SHALL/MUST/REQUIRED → mandatory, SHOULD/RECOMMENDED → recommended,
//! MAY/OPTIONAL → optional, informative/none → informational), where a text that was not read
//! verbatim (`secondary`, `unretrieved`) gives at most recommended.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::types::Severity;

/// The file, as committed next to this module.
pub const FILE: &str = include_str!("requirements.toml");

/// The normative keyword of a requirement text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
pub enum Keyword {
    #[serde(rename = "SHALL")]
    Shall,
    #[serde(rename = "SHALL NOT")]
    ShallNot,
    #[serde(rename = "MUST")]
    Must,
    #[serde(rename = "MUST NOT")]
    MustNot,
    #[serde(rename = "REQUIRED")]
    Required,
    #[serde(rename = "SHOULD")]
    Should,
    #[serde(rename = "SHOULD NOT")]
    ShouldNot,
    #[serde(rename = "RECOMMENDED")]
    Recommended,
    #[serde(rename = "MAY")]
    May,
    #[serde(rename = "OPTIONAL")]
    Optional,
    /// An informative annex or note.
    #[serde(rename = "informative")]
    Informative,
    /// Descriptive text without a keyword.
    #[serde(rename = "none")]
    None,
}

impl Keyword {
    /// The severity this keyword gives a test purpose (before the status cap).
    pub fn severity(self) -> Severity {
        match self {
            Keyword::Shall
            | Keyword::ShallNot
            | Keyword::Must
            | Keyword::MustNot
            | Keyword::Required => Severity::Mandatory,
            Keyword::Should | Keyword::ShouldNot | Keyword::Recommended => Severity::Recommended,
            Keyword::May | Keyword::Optional => Severity::Optional,
            Keyword::Informative | Keyword::None => Severity::Informational,
        }
    }

    /// As written in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Shall => "SHALL",
            Keyword::ShallNot => "SHALL NOT",
            Keyword::Must => "MUST",
            Keyword::MustNot => "MUST NOT",
            Keyword::Required => "REQUIRED",
            Keyword::Should => "SHOULD",
            Keyword::ShouldNot => "SHOULD NOT",
            Keyword::Recommended => "RECOMMENDED",
            Keyword::May => "MAY",
            Keyword::Optional => "OPTIONAL",
            Keyword::Informative => "informative",
            Keyword::None => "none",
        }
    }
}

/// Whether the text was read verbatim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Read verbatim from the document (the source says where).
    Verified,
    /// Only quoted elsewhere, or recalled: gives at most recommended.
    Secondary,
    /// Not found; the text says what is believed to be there.
    Unretrieved,
}

/// One normative sentence.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable id, e.g. `33122-6.1-tls`.
    pub id: String,
    /// e.g. "3GPP TS 33.122".
    pub document: String,
    /// The pinned version the text was read in.
    pub version: String,
    /// Clause, e.g. "6.1" or "B.1".
    pub clause: String,
    /// Its keyword.
    pub keyword: Keyword,
    /// The sentence (verbatim when verified).
    pub text: String,
    /// Whether it was read verbatim.
    pub status: Status,
    /// Where it was read.
    pub source: String,
    /// How it applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Requirement {
    /// The severity this text can carry: its keyword's, at most recommended unless verified.
    pub fn severity(&self) -> Severity {
        let s = self.keyword.severity();
        if self.status == Status::Verified {
            s
        } else {
            s.max(Severity::Recommended)
        }
    }

    /// "TS 33.122 §6.1", "RFC 8446 §6.1", "TS 33.122 Annex B.1": how a person finds it.
    pub fn citation(&self) -> String {
        let doc = self
            .document
            .trim_start_matches("3GPP ")
            .split(" (")
            .next()
            .unwrap_or(&self.document);
        let clause = self.clause.split(" / ").next().unwrap_or(&self.clause);
        // "B.1", "A.5": an annex (3GPP) or appendix (RFC); "CommonData …" is a name.
        let annex = clause.starts_with(|c: char| c.is_ascii_uppercase())
            && clause.chars().nth(1).is_none_or(|c| c == '.');
        if annex && !doc.starts_with("RFC") {
            format!("{doc} Annex {clause}")
        } else if annex {
            format!("{doc} App. {clause}")
        } else if clause.starts_with(|c: char| c.is_ascii_digit()) {
            format!("{doc} §{clause}")
        } else {
            format!("{doc} {clause}")
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    requirement: Vec<Requirement>,
}

/// Parse a requirements file.
pub fn parse(text: &str) -> Result<Vec<Requirement>, String> {
    toml::from_str::<File>(text)
        .map(|f| f.requirement)
        .map_err(|e| e.to_string())
}

/// Every requirement of the project's copy, in file order.
pub fn all() -> &'static [Requirement] {
    static ALL: OnceLock<Vec<Requirement>> = OnceLock::new();
    // The file is part of the binary; a parse error is a build defect the tests catch.
    ALL.get_or_init(|| parse(FILE).expect("src/catalogue/requirements.toml parses"))
}

/// The requirement with `id`.
pub fn get(id: &str) -> Option<&'static Requirement> {
    all().iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_parses_and_ids_are_unique() {
        let all = parse(FILE).unwrap();
        assert!(all.len() >= 75);
        let mut seen = std::collections::HashSet::new();
        for r in &all {
            assert!(seen.insert(&r.id), "duplicate {}", r.id);
            assert!(
                !r.text.trim().is_empty() && !r.source.trim().is_empty(),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn a_secondary_text_gives_at_most_recommended() {
        let r = get("33122-6.1-token-validated").unwrap();
        assert_eq!(r.keyword, Keyword::Shall);
        assert_eq!(r.severity(), Severity::Recommended);
        assert_eq!(
            get("33122-6.1-tls").unwrap().severity(),
            Severity::Mandatory
        );
        assert_eq!(
            get("33122-6.8-step3-retain").unwrap().severity(),
            Severity::Optional
        );
        assert_eq!(
            get("33122-B.1-teardown").unwrap().severity(),
            Severity::Informational
        );
    }

    #[test]
    fn citations_read_as_published() {
        assert_eq!(
            get("33122-B.1-teardown").unwrap().citation(),
            "TS 33.122 Annex B.1"
        );
        assert_eq!(get("33122-6.1-tls").unwrap().citation(), "TS 33.122 §6.1");
        assert_eq!(
            get("rfc5246-A.5-anon").unwrap().citation(),
            "RFC 5246 App. A.5"
        );
        assert_eq!(get("rfc9325-4.1-rc4").unwrap().citation(), "RFC 9325 §4.1");
        assert_eq!(
            get("29222-openapi-201").unwrap().citation(),
            "TS 29.222 §8.4.2.2.3.1"
        );
        assert_eq!(
            get("29122-openapi-invalid-params").unwrap().citation(),
            "TS 29.122 CommonData ProblemDetails"
        );
    }

    /// Every entry of the shared file appears in the project's copy unchanged
    /// (shared/normative/README.md). The shared file sits beside the repository.
    #[test]
    #[ignore = "needs ../shared/normative/requirements.toml beside the repository; .ci/run runs ignored tests"]
    fn every_shared_entry_is_in_the_project_copy_unchanged() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/normative/requirements.toml");
        let shared = parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let ours = parse(FILE).unwrap();
        for s in &shared {
            let o = ours
                .iter()
                .find(|o| o.id == s.id)
                .unwrap_or_else(|| panic!("{} missing from the project copy", s.id));
            assert_eq!(o, s, "{} differs from the shared file", s.id);
        }
    }
}
