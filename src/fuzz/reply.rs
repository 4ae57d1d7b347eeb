//! Generated answers to an invoker's onboarding request (`fuzz --sut invoker`): the strict 201
//! the played core would send, changed by up to three mutations, and what the model says an
//! invoker must make of each. Every mutation breaks the answer (nothing generated is a valid
//! 201), so each case asks one question: does the invoker report success for it anyway?

use super::case::Kind;
use crate::sut::{Rewrite, Script, Unusable};
use proptest::prelude::*;

/// A member of the 201's APIInvokerEnrolmentDetails an invoker needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMember {
    /// `apiInvokerId`.
    ApiInvokerId,
    /// `onboardingInformation` (the certificate is inside).
    OnboardingInformation,
    /// `onboardingInformation.apiInvokerCertificate`.
    Certificate,
}

impl ReplyMember {
    /// Its JSON pointer.
    pub fn pointer(self) -> &'static str {
        match self {
            ReplyMember::ApiInvokerId => "/apiInvokerId",
            ReplyMember::OnboardingInformation => "/onboardingInformation",
            ReplyMember::Certificate => "/onboardingInformation/apiInvokerCertificate",
        }
    }

    const ALL: [ReplyMember; 3] = [
        ReplyMember::ApiInvokerId,
        ReplyMember::OnboardingInformation,
        ReplyMember::Certificate,
    ];
}

/// A body that is not JSON at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Garbage {
    /// No bytes.
    Empty,
    /// An HTML page.
    Html,
    /// The JSON cut in half.
    Truncated,
}

/// One change to the strict 201.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyMutation {
    /// Another status: a success-looking one (200, 204) or an error (4xx, 5xx).
    Status(u16),
    /// The member is absent.
    Remove(ReplyMember),
    /// The member holds another JSON type.
    Retype(ReplyMember, Kind),
    /// The id or certificate is unusable (empty, not PEM, unparsable, for another key, from
    /// another CA, expired): what the played core's scripts issue.
    Unusable(Unusable),
    /// The body is not JSON.
    Body(Garbage),
}

impl ReplyMutation {
    /// What kind of change it is, for telling defects apart: an error status one kind, a
    /// success-looking one another, each removed or retyped member, each unusable defect,
    /// any garbage body.
    pub fn kind(&self) -> String {
        match self {
            ReplyMutation::Status(s) if *s >= 400 => "error status".into(),
            ReplyMutation::Status(_) => "success-looking status".into(),
            ReplyMutation::Remove(m) => format!("remove {}", m.pointer()),
            ReplyMutation::Retype(m, _) => format!("retype {}", m.pointer()),
            ReplyMutation::Unusable(u) => format!("{u:?}"),
            ReplyMutation::Body(_) => "garbage body".into(),
        }
    }

    /// The change in words.
    pub fn describe(&self) -> String {
        match self {
            ReplyMutation::Status(s) => format!("status {s} instead of 201"),
            ReplyMutation::Remove(m) => format!("{} removed", m.pointer()),
            ReplyMutation::Retype(m, k) => format!("{} as {}", m.pointer(), k.value()),
            ReplyMutation::Unusable(u) => u.phrase().to_string(),
            ReplyMutation::Body(g) => format!("a body that is not JSON ({g:?})"),
        }
    }
}

/// A generated answer: the mutations applied in order to the strict 201.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// What differs from the strict 201.
    pub mutations: Vec<ReplyMutation>,
}

/// What the model says of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyClass {
    /// The strict 201: success.
    Valid,
    /// An error status: never success.
    Error(u16),
    /// No valid 201 (another success-looking status, or a 201 whose id or certificate is
    /// missing, of another type or unusable): not success, for these reasons.
    NotValid201(Vec<String>),
}

impl Reply {
    /// The status it is sent with.
    pub fn status(&self) -> u16 {
        self.mutations
            .iter()
            .rev()
            .find_map(|m| match m {
                ReplyMutation::Status(s) => Some(*s),
                _ => None,
            })
            .unwrap_or(201)
    }

    /// What the model says of it.
    pub fn class(&self) -> ReplyClass {
        let status = self.status();
        if status >= 400 {
            return ReplyClass::Error(status);
        }
        let reasons: Vec<String> = self.mutations.iter().map(ReplyMutation::describe).collect();
        if reasons.is_empty() {
            ReplyClass::Valid
        } else {
            ReplyClass::NotValid201(reasons)
        }
    }

    /// The played core's script and rewrite that send it.
    pub fn script_and_rewrite(&self) -> (Script, Option<Rewrite>) {
        let mut script = Script::default();
        if self.mutations.is_empty() {
            return (script, None);
        }
        let mut rw = Rewrite::default();
        for m in &self.mutations {
            match m {
                ReplyMutation::Status(s) => rw.status = Some(*s),
                ReplyMutation::Remove(member) => rw.edits.push((member.pointer().into(), None)),
                ReplyMutation::Retype(member, kind) => {
                    rw.edits.push((member.pointer().into(), Some(kind.value())))
                }
                ReplyMutation::Unusable(u) => script.answers = crate::sut::Answers::CreatedWith(*u),
                ReplyMutation::Body(g) => {
                    rw.raw_body = Some(match g {
                        Garbage::Empty => Vec::new(),
                        Garbage::Html => b"<html><body>Created</body></html>".to_vec(),
                        Garbage::Truncated => br#"{"apiInvokerId": "INV"#.to_vec(),
                    })
                }
            }
        }
        (script, Some(rw))
    }

    /// Its changes in words ("the strict 201" when there are none).
    pub fn describe(&self) -> String {
        super::case::describe_changes(&self.mutations, "the strict 201")
    }

    /// Whether this reply makes every kind of change `other` makes.
    pub fn covers(&self, other: &Reply) -> bool {
        super::case::covers(&self.mutations, &other.mutations)
    }
}

impl super::case::Change for ReplyMutation {
    fn kind(&self) -> String {
        ReplyMutation::kind(self)
    }
    fn describe(&self) -> String {
        ReplyMutation::describe(self)
    }
}

fn mutation() -> impl Strategy<Value = ReplyMutation> {
    let member = proptest::sample::select(ReplyMember::ALL.to_vec());
    // An empty string is the played core's own "empty id/certificate" (Unusable).
    let kind = proptest::sample::select(
        Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::EmptyString)
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        proptest::sample::select(vec![200u16, 204, 400, 401, 403, 404, 500, 503])
            .prop_map(ReplyMutation::Status),
        member.clone().prop_map(ReplyMutation::Remove),
        (member, kind).prop_map(|(m, k)| ReplyMutation::Retype(m, k)),
        proptest::sample::select(Unusable::ALL.to_vec()).prop_map(ReplyMutation::Unusable),
        proptest::sample::select(vec![Garbage::Empty, Garbage::Html, Garbage::Truncated])
            .prop_map(ReplyMutation::Body),
    ]
}

/// Generated replies: one to three mutations (never none: the strict 201 is the positive
/// control, sent once before the campaign).
pub fn replies() -> impl Strategy<Value = Reply> {
    proptest::collection::vec(mutation(), 1..4).prop_map(|mutations| Reply { mutations })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_generated_reply_is_classified_as_no_valid_201() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        for _ in 0..500 {
            let r = replies().new_tree(&mut runner).unwrap().current();
            match r.class() {
                ReplyClass::Valid => panic!("{r:?} is generated and valid"),
                ReplyClass::Error(s) => assert!(s >= 400 && r.status() == s),
                ReplyClass::NotValid201(why) => assert_eq!(why.len(), r.mutations.len()),
            }
        }
    }

    #[test]
    fn classes_follow_the_status_and_the_changes() {
        let r = |m: Vec<ReplyMutation>| Reply { mutations: m };
        assert_eq!(r(vec![]).class(), ReplyClass::Valid);
        assert_eq!(
            r(vec![
                ReplyMutation::Status(500),
                ReplyMutation::Remove(ReplyMember::ApiInvokerId)
            ])
            .class(),
            ReplyClass::Error(500)
        );
        // The last status wins, as the played core sends it.
        assert_eq!(
            r(vec![ReplyMutation::Status(401), ReplyMutation::Status(204)]).status(),
            204
        );
        assert!(matches!(
            r(vec![ReplyMutation::Status(200)]).class(),
            ReplyClass::NotValid201(ref why) if why[0] == "status 200 instead of 201"
        ));
    }

    #[test]
    fn a_reply_becomes_the_script_and_rewrite_that_send_it() {
        let reply = Reply {
            mutations: vec![
                ReplyMutation::Unusable(Unusable::OtherCa),
                ReplyMutation::Retype(ReplyMember::ApiInvokerId, Kind::Number),
                ReplyMutation::Status(200),
            ],
        };
        let (script, rw) = reply.script_and_rewrite();
        assert_eq!(
            script.answers,
            crate::sut::Answers::CreatedWith(Unusable::OtherCa)
        );
        let rw = rw.unwrap();
        assert_eq!(rw.status, Some(200));
        assert_eq!(
            rw.edits,
            vec![("/apiInvokerId".to_string(), Some(Kind::Number.value()))]
        );
        assert_eq!(Reply { mutations: vec![] }.script_and_rewrite().1, None);
    }

    #[test]
    fn covers_compares_kinds_of_change() {
        let a = Reply {
            mutations: vec![ReplyMutation::Status(401)],
        };
        let b = Reply {
            mutations: vec![
                ReplyMutation::Status(500),
                ReplyMutation::Body(Garbage::Html),
            ],
        };
        assert!(b.covers(&a), "any error status is the same kind");
        assert!(!a.covers(&b));
    }
}
