//! One generated onboarding request: the valid base the positive control sends (a fresh key
//! and identity per case) with up to three structured mutations, and the class the model
//! expects of it. Benign values only: nothing that would harm a core misusing them (no
//! control characters, no command that does anything, no huge bodies).

use proptest::prelude::*;
use serde_json::Value;

pub use crate::net::Framing;

/// A member of APIInvokerEnrolmentDetails the mutations touch (TS 29.222 §8.4.5.2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member {
    /// `onboardingInformation` (required object).
    OnboardingInformation,
    /// `onboardingInformation.apiInvokerPublicKey` (required string).
    PublicKey,
    /// `notificationDestination` (required URI).
    NotificationDestination,
    /// `apiInvokerInformation` (optional free string).
    InvokerInformation,
    /// `supportedFeatures` (optional hex string).
    SupportedFeatures,
    /// `requestTestNotification` (optional boolean).
    RequestTestNotification,
}

impl Member {
    const ALL: [Member; 6] = [
        Member::OnboardingInformation,
        Member::PublicKey,
        Member::NotificationDestination,
        Member::InvokerInformation,
        Member::SupportedFeatures,
        Member::RequestTestNotification,
    ];

    /// Its JSON pointer.
    pub fn pointer(self) -> &'static str {
        match self {
            Member::OnboardingInformation => "/onboardingInformation",
            Member::PublicKey => "/onboardingInformation/apiInvokerPublicKey",
            Member::NotificationDestination => "/notificationDestination",
            Member::InvokerInformation => "/apiInvokerInformation",
            Member::SupportedFeatures => "/supportedFeatures",
            Member::RequestTestNotification => "/requestTestNotification",
        }
    }
}

/// A JSON type to put where another is expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`.
    Null,
    /// `true`.
    Bool,
    /// `1`.
    Number,
    /// `[]`.
    Array,
    /// `{}`.
    Object,
    /// `""`.
    EmptyString,
}

impl Kind {
    /// Every kind, in the order above.
    pub(crate) const ALL: [Kind; 6] = [
        Kind::Null,
        Kind::Bool,
        Kind::Number,
        Kind::Array,
        Kind::Object,
        Kind::EmptyString,
    ];

    pub(crate) fn value(self) -> Value {
        match self {
            Kind::Null => Value::Null,
            Kind::Bool => Value::Bool(true),
            Kind::Number => Value::from(1),
            Kind::Array => Value::Array(Vec::new()),
            Kind::Object => Value::Object(Default::default()),
            Kind::EmptyString => Value::from(""),
        }
    }
}

/// One change to the valid base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mutation {
    /// The member is absent.
    Remove(Member),
    /// The member holds another JSON type.
    Retype(Member, Kind),
    /// `text` inserted into apiInvokerInformation at character `at` (modulo its length):
    /// spaces, quotes, shell and URL metacharacters, non-ASCII.
    InsertText {
        /// Where (modulo the length).
        at: usize,
        /// What.
        text: String,
    },
    /// supportedFeatures holds this string.
    Features(String),
    /// notificationDestination holds this string.
    Destination(String),
    /// An extra member the schema does not name (APIInvokerEnrolmentDetails allows them).
    Extra(String),
    /// The request's Content-Type (None: no header).
    ContentType(Option<String>),
    /// apiInvokerPublicKey made unusable under any reading (not only the strict one): the
    /// declared key format itself is the vendor's PIXIT and never varied.
    BrokenKey(BrokenKey),
    /// The same request framed otherwise (chunked, header-name case, header order): what
    /// RFC 9112 §7.1 and RFC 9110 §5.1/§5.3 make the same request.
    Framing(Framing),
}

/// How apiInvokerPublicKey is broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokenKey {
    /// Not PEM at all.
    NotPem,
    /// The PEM cut in half (no END line).
    Truncated,
    /// The armour lines with nothing between them.
    EmptyPem,
    /// The armour around bytes that are not DER.
    NotDer,
}

/// A generated case: the mutations applied in order to the valid base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// What differs from the valid base.
    pub mutations: Vec<Mutation>,
}

/// A case applied to a base: the body and the Content-Type to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Concrete {
    /// The JSON body.
    pub body: Value,
    /// The Content-Type header (None: absent).
    pub content_type: Option<String>,
    /// How the request is framed otherwise, in order (empty: as the harness always does).
    pub framing: Vec<Framing>,
}

/// What the model expects of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// A valid request: 201 Created (202 for a core onboarding asynchronously).
    Valid,
    /// An invalid one: a 4xx ProblemDetails, for these reasons (the model's words).
    Invalid(Vec<String>),
}

impl Mutation {
    /// What kind of change it is, for telling defects apart: the member (and for a removal or
    /// a retyping, which), every broken key one kind, every destination, feature string, text
    /// insertion and extra member one kind each, and each Content-Type its own (a missing one
    /// and a mis-spelt one reach different code).
    pub fn kind(&self) -> String {
        match self {
            Mutation::Remove(m) => format!("remove {}", m.pointer()),
            Mutation::Retype(m, _) => format!("retype {}", m.pointer()),
            Mutation::InsertText { .. } => "free text".into(),
            Mutation::Features(_) => "supportedFeatures".into(),
            Mutation::Destination(_) => "notificationDestination".into(),
            Mutation::Extra(_) => "extra member".into(),
            Mutation::ContentType(ct) => format!("Content-Type {ct:?}"),
            Mutation::BrokenKey(_) => "broken apiInvokerPublicKey".into(),
            Mutation::Framing(f) => format!("framing {f:?}"),
        }
    }
}

impl Mutation {
    /// The change in words, for reasons: "notificationDestination \"not a uri\"".
    pub fn describe(&self) -> String {
        match self {
            Mutation::Remove(m) => format!("{} removed", m.pointer()),
            Mutation::Retype(m, k) => format!("{} as {}", m.pointer(), k.value()),
            Mutation::InsertText { text, .. } => {
                format!("{text:?} inserted into /apiInvokerInformation")
            }
            Mutation::Features(s) => format!("/supportedFeatures {s:?}"),
            Mutation::Destination(s) => format!("/notificationDestination {s:?}"),
            Mutation::Extra(name) => format!("extra member {name:?}"),
            Mutation::ContentType(Some(ct)) => format!("Content-Type {ct:?}"),
            Mutation::ContentType(None) => "no Content-Type".into(),
            Mutation::BrokenKey(b) => format!("apiInvokerPublicKey {b:?}"),
            Mutation::Framing(f) => describe_framing(*f),
        }
    }
}

/// A framing in words, for reasons and replay files.
pub fn describe_framing(f: Framing) -> String {
    match f {
        Framing::Chunked(n) => format!("the body chunked ({n}-byte chunks)"),
        Framing::LowerCaseNames => "header names in lower case".into(),
        Framing::UpperCaseNames => "header names in upper case".into(),
        Framing::ReversedHeaders => "the headers in reverse order".into(),
    }
}

/// One change a campaign makes to what it sends (a request's [`Mutation`], an answer's
/// [`ReplyMutation`](super::reply::ReplyMutation)): its kind, for telling defects apart, and
/// its words, for reasons.
pub trait Change {
    /// What kind of change it is.
    fn kind(&self) -> String;
    /// The change in words.
    fn describe(&self) -> String;
}

impl Change for Mutation {
    fn kind(&self) -> String {
        Mutation::kind(self)
    }
    fn describe(&self) -> String {
        Mutation::describe(self)
    }
}

/// `changes` in words, or `none` when there are none.
pub fn describe_changes<M: Change>(changes: &[M], none: &str) -> String {
    if changes.is_empty() {
        return none.into();
    }
    changes
        .iter()
        .map(Change::describe)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `changes` make every kind of change `earlier` made (so a defect `earlier` showed
/// would show here too).
pub fn covers<M: Change>(changes: &[M], earlier: &[M]) -> bool {
    earlier
        .iter()
        .all(|o| changes.iter().any(|m| m.kind() == o.kind()))
}

impl Case {
    /// Its changes in words ("the valid base" when there are none).
    pub fn describe(&self) -> String {
        describe_changes(&self.mutations, "the valid base")
    }

    /// Whether this case makes every kind of change `other` makes (so a defect `other`
    /// showed would show here too).
    pub fn covers(&self, other: &Case) -> bool {
        covers(&self.mutations, &other.mutations)
    }

    /// The base with the mutations applied.
    pub fn apply(&self, base: &Value) -> Concrete {
        let mut body = base.clone();
        let mut content_type = Some("application/json".to_string());
        let mut framing = Vec::new();
        for m in &self.mutations {
            match m {
                Mutation::Remove(member) => {
                    remove(&mut body, member.pointer());
                }
                Mutation::Retype(member, kind) => set(&mut body, member.pointer(), kind.value()),
                Mutation::InsertText { at, text } => {
                    let p = Member::InvokerInformation.pointer();
                    let chars: Vec<char> = text_at(&body, p).chars().collect();
                    let at = if chars.is_empty() {
                        0
                    } else {
                        at % (chars.len() + 1)
                    };
                    let mut new: String = chars[..at].iter().collect();
                    new.push_str(text);
                    new.extend(&chars[at..]);
                    set(&mut body, p, Value::from(new));
                }
                Mutation::Features(s) => set(
                    &mut body,
                    Member::SupportedFeatures.pointer(),
                    Value::from(s.as_str()),
                ),
                Mutation::Destination(s) => set(
                    &mut body,
                    Member::NotificationDestination.pointer(),
                    Value::from(s.as_str()),
                ),
                Mutation::Extra(name) => {
                    if let Some(o) = body.as_object_mut() {
                        o.insert(name.clone(), Value::from("capif-conformance"));
                    }
                }
                Mutation::ContentType(ct) => content_type = ct.clone(),
                // Chunked once at most (RFC 9112 §6.1: a sender MUST NOT chunk twice, so a
                // twice-chunked request is not the same request): the last chunk size wins.
                Mutation::Framing(f @ Framing::Chunked(_)) => {
                    framing.retain(|g| !matches!(g, Framing::Chunked(_)));
                    framing.push(*f)
                }
                Mutation::Framing(f) => framing.push(*f),
                Mutation::BrokenKey(how) => {
                    let p = Member::PublicKey.pointer();
                    let pem = text_at(&body, p);
                    let label = pem
                        .lines()
                        .next()
                        .and_then(|l| l.strip_prefix("-----BEGIN "))
                        .and_then(|l| l.strip_suffix("-----"))
                        .unwrap_or("CERTIFICATE REQUEST")
                        .to_string();
                    let broken = match how {
                        BrokenKey::NotPem => "capif-conformance: not a public key".to_string(),
                        BrokenKey::Truncated => pem.chars().take(pem.chars().count() / 2).collect(),
                        BrokenKey::EmptyPem => {
                            format!("-----BEGIN {label}-----\n-----END {label}-----\n")
                        }
                        BrokenKey::NotDer => format!(
                            "-----BEGIN {label}-----\nY2FwaWYtY29uZm9ybWFuY2U=\n-----END {label}-----\n"
                        ),
                    };
                    set(&mut body, p, Value::from(broken));
                }
            }
        }
        Concrete {
            body,
            content_type,
            framing,
        }
    }
}

impl Concrete {
    /// What the harness sends for it.
    pub fn request_body(&self) -> crate::sut::RequestBody {
        let bytes = serde_json::to_vec(&self.body).expect("a Value serializes");
        if self.framing.is_empty() {
            crate::sut::RequestBody::Raw {
                content_type: self.content_type.clone(),
                bytes,
            }
        } else {
            crate::sut::RequestBody::Reframed {
                content_type: self.content_type.clone(),
                bytes,
                framing: self.framing.clone(),
            }
        }
    }

    /// The class the model gives it: the onboarding decision the strict reference core takes
    /// (the media type, TS 29.222's APIInvokerEnrolmentDetails by `model::validate`, a usable
    /// public key), every problem named.
    pub fn expect(&self) -> Expect {
        let rules = crate::peers::core::decision::Rules::strict(&[]);
        let bytes = serde_json::to_vec(&self.body).expect("a Value serializes");
        match crate::peers::core::decision::check_request(
            self.content_type.as_deref(),
            &bytes,
            &rules,
        ) {
            Ok(_) => Expect::Valid,
            Err(r) if r.params.is_empty() => Expect::Invalid(vec![r.detail]),
            Err(r) => Expect::Invalid(
                r.params
                    .into_iter()
                    .map(|p| format!("{}: {}", p.param, p.reason.unwrap_or_default()))
                    .collect(),
            ),
        }
    }
}

/// The string at `pointer` ("" when absent or not a string).
fn text_at(body: &Value, pointer: &str) -> String {
    body.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn remove(body: &mut Value, pointer: &str) {
    let (parent, name) = pointer.rsplit_once('/').expect("a pointer");
    if let Some(Value::Object(o)) = body.pointer_mut(parent) {
        o.remove(name);
    }
}

fn set(body: &mut Value, pointer: &str, value: Value) {
    let (parent, name) = pointer.rsplit_once('/').expect("a pointer");
    if let Some(Value::Object(o)) = body.pointer_mut(parent) {
        o.insert(name.to_string(), value);
    }
}

/// Free text a real core has choked on: spaces, quotes, shell and URL metacharacters,
/// non-ASCII, a long run; short, so that shrinking reaches one character.
fn free_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just(" ".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just(";".to_string()),
        Just("|".to_string()),
        Just("&".to_string()),
        Just("$".to_string()),
        Just("`".to_string()),
        Just("<".to_string()),
        Just("%20".to_string()),
        Just("\\".to_string()),
        Just("é".to_string()),
        Just("✓".to_string()),
        Just("日本".to_string()),
        Just("a".repeat(1024)),
    ];
    proptest::collection::vec(piece, 1..4).prop_map(|v| v.concat())
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let member = proptest::sample::select(Member::ALL.to_vec());
    let kind = proptest::sample::select(Kind::ALL.to_vec());
    prop_oneof![
        member.clone().prop_map(Mutation::Remove),
        (member, kind).prop_map(|(m, k)| Mutation::Retype(m, k)),
        (0usize..64, free_text()).prop_map(|(at, text)| Mutation::InsertText { at, text }),
        proptest::sample::select(vec!["", "1", "0F", "ff", "g", "0x1", " 1", "١"])
            .prop_map(|s| Mutation::Features(s.to_string())),
        proptest::sample::select(vec![
            "https://api-invoker.invalid/capif/notifications?x=1",
            "http://api-invoker.invalid/cb",
            "not a uri",
            "",
            "/relative/path",
            "https://[::1]:8443/cb",
        ])
        .prop_map(|s| Mutation::Destination(s.to_string())),
        proptest::sample::select(vec!["vendorExtension", "x-capif-conformance", "ÿ"])
            .prop_map(|s| Mutation::Extra(s.to_string())),
        proptest::sample::select(vec![
            None,
            Some("application/json; charset=utf-8"),
            Some("APPLICATION/JSON"),
            Some("text/plain"),
            Some("application/problem+json"),
            Some("application/x-www-form-urlencoded"),
        ])
        .prop_map(|s| Mutation::ContentType(s.map(str::to_string))),
        proptest::sample::select(vec![
            BrokenKey::NotPem,
            BrokenKey::Truncated,
            BrokenKey::EmptyPem,
            BrokenKey::NotDer,
        ])
        .prop_map(Mutation::BrokenKey),
        proptest::sample::select(vec![
            Framing::Chunked(1),
            Framing::Chunked(7),
            Framing::Chunked(64),
            Framing::LowerCaseNames,
            Framing::UpperCaseNames,
            Framing::ReversedHeaders,
        ])
        .prop_map(Mutation::Framing),
    ]
}

/// Cases of zero to three mutations (zero: the valid base itself).
pub fn cases() -> impl Strategy<Value = Case> {
    proptest::collection::vec(mutation(), 0..4).prop_map(|mutations| Case { mutations })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Value {
        static BASE: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        BASE.get_or_init(|| {
            let who = crate::pki::IdentityIssuer::new(Default::default()).next();
            let key = crate::pki::InvokerKey::generate(crate::pki::KeyKind::P256);
            let mut b = crate::pki::enrolment_request(
                &key.public_key_field(crate::pki::KeyFormat::Csr, &who),
                &who.information,
            );
            b["apiInvokerInformation"] = Value::from("capif-conformance-1");
            b
        })
        .clone()
    }

    fn class(m: Vec<Mutation>) -> Expect {
        Case { mutations: m }.apply(&base()).expect()
    }

    #[test]
    fn the_classification_follows_the_model() {
        assert_eq!(class(vec![]), Expect::Valid);
        for valid in [
            Mutation::InsertText {
                at: 3,
                text: " \"'; |&$`<%20\\é✓日本".into(),
            },
            Mutation::Remove(Member::InvokerInformation),
            Mutation::Remove(Member::SupportedFeatures),
            Mutation::Features("0F".into()),
            Mutation::Extra("vendorExtension".into()),
            Mutation::ContentType(Some("application/json; charset=utf-8".into())),
            Mutation::ContentType(Some("APPLICATION/JSON".into())),
            Mutation::Destination("https://[::1]:8443/cb".into()),
        ] {
            assert_eq!(class(vec![valid.clone()]), Expect::Valid, "{valid:?}");
        }
        for invalid in [
            Mutation::Remove(Member::OnboardingInformation),
            Mutation::Remove(Member::PublicKey),
            Mutation::Remove(Member::NotificationDestination),
            Mutation::Retype(Member::InvokerInformation, Kind::Number),
            Mutation::Retype(Member::RequestTestNotification, Kind::EmptyString),
            Mutation::Retype(Member::OnboardingInformation, Kind::Array),
            Mutation::Features("g".into()),
            Mutation::Destination("not a uri".into()),
            Mutation::ContentType(Some("text/plain".into())),
            Mutation::ContentType(None),
            Mutation::BrokenKey(BrokenKey::NotPem),
            Mutation::BrokenKey(BrokenKey::Truncated),
            Mutation::BrokenKey(BrokenKey::EmptyPem),
            Mutation::BrokenKey(BrokenKey::NotDer),
        ] {
            assert!(
                matches!(class(vec![invalid.clone()]), Expect::Invalid(r) if !r.is_empty()),
                "{invalid:?}"
            );
        }
    }

    #[test]
    fn a_case_covers_another_by_kinds_of_change() {
        let case = |m: Vec<Mutation>| Case { mutations: m };
        let broken = case(vec![Mutation::BrokenKey(BrokenKey::NotPem)]);
        // Another way of breaking the key is the same kind; with more changes too.
        assert!(case(vec![Mutation::BrokenKey(BrokenKey::Truncated)]).covers(&broken));
        assert!(case(vec![
            Mutation::Extra("x".into()),
            Mutation::BrokenKey(BrokenKey::EmptyPem)
        ])
        .covers(&broken));
        // A missing Content-Type and a mis-spelt one are not.
        let none = case(vec![Mutation::ContentType(None)]);
        assert!(!case(vec![Mutation::ContentType(Some("APPLICATION/JSON".into()))]).covers(&none));
        // A pair is covered only by both kinds.
        let pair = case(vec![
            Mutation::ContentType(Some("APPLICATION/JSON".into())),
            Mutation::Features("g".into()),
        ]);
        assert!(case(vec![
            Mutation::Features("0x1".into()),
            Mutation::ContentType(Some("APPLICATION/JSON".into()))
        ])
        .covers(&pair));
        assert!(!case(vec![Mutation::Features("0x1".into())]).covers(&pair));
    }

    #[test]
    fn inserted_text_changes_only_the_free_text_member() {
        let c = Case {
            mutations: vec![Mutation::InsertText {
                at: 19,
                text: " ".into(),
            }],
        }
        .apply(&base());
        assert_eq!(c.body["apiInvokerInformation"], "capif-conformance-1 ");
        let mut without = c.body.clone();
        without["apiInvokerInformation"] = base()["apiInvokerInformation"].clone();
        assert_eq!(without, base());
    }
}
