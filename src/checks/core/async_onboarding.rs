//! Checks of a core's asynchronous onboarding, as the harness's notification receivers saw it:
//! the 202 completed by one OnboardingNotification (CCF-OK-09), sent only to a receiver the
//! core authenticated (CCF-OK-10), and not contradicted by a later one (CCF-OK-11).

use std::time::Duration;

use serde_json::Value;

use crate::checks::Check;
use crate::net::impostor_receiver::{Contact, ContactEnd};
use crate::sut::notifications::{Notified, Received};

/// CCF-OK-09: the 202 is completed by an OnboardingNotification (TS 29.222 §8.4.2.2.3.1:
/// "the onboarding result will be notified") at this request's destination within the bound
/// the vendor declares (PIXIT `[core.notifications] within`): `result` true (the only
/// required member). `resourceLocation` and `apiInvokerEnrolmentDetails` are optional; when
/// present they are judged like a 201's Location and body by CCF-OK-02..07, and details carry
/// the apiInvokerId ("shall be present in all other HTTP requests").
pub fn onboarding_notified(notification: &crate::sut::notifications::Notified) -> Check {
    use crate::sut::notifications::Notified;
    let r = match notification {
        Notified::Missing {
            destination,
            within,
            cleartext,
        } => {
            let within = crate::net::humantime(*within);
            if let Some(first) = cleartext.first() {
                // Not "nothing arrived": the notification came, in clear, to an https:// URI.
                return Check::Fail(format!(
                    "after the 202 the OnboardingNotification came in clear: a clear-text request ({}) arrived at the TLS port of this request's https:// notificationDestination {} ms into the run and was refused, and none arrived over TLS within the PIXIT [core.notifications] within = {within} (TS 33.122 §6.1: a secure session based on TLS)",
                    first.line, first.at_ms
                ));
            }
            return Check::Fail(format!(
                "after the 202 no OnboardingNotification arrived at this request's notificationDestination {destination} within the PIXIT [core.notifications] within = {within} (TS 29.222 §8.4.2.2.3.1: the onboarding result will be notified)"
            ));
        }
        Notified::Received(r) => r,
    };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&r.body) else {
        return Check::Fail(format!(
            "the notification POSTed to {} is not JSON ({} bytes, Content-Type {:?})",
            r.path,
            r.body.len(),
            r.content_type
        ));
    };
    match v.get("result") {
        Some(serde_json::Value::Bool(true)) => {}
        Some(serde_json::Value::Bool(false)) => {
            return Check::Fail(
                "the OnboardingNotification for a valid request says result: false".into(),
            )
        }
        _ => {
            return Check::Fail(
                "the OnboardingNotification lacks result, its one required member (a boolean)"
                    .into(),
            )
        }
    }
    let details = v.get("apiInvokerEnrolmentDetails");
    let id = details
        .and_then(|d| d.get("apiInvokerId"))
        .and_then(|i| i.as_str())
        .filter(|i| !i.trim().is_empty());
    if details.is_some() && id.is_none() {
        return Check::Fail(
            "the OnboardingNotification's apiInvokerEnrolmentDetails has no apiInvokerId (TS 29.222: it \"shall be present in all other HTTP requests and responses\")".into(),
        );
    }
    let optional: Vec<String> = [
        v.get("resourceLocation")
            .and_then(|l| l.as_str())
            .map(|l| format!("resourceLocation {l}")),
        id.map(|i| format!("apiInvokerId {i}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    Check::Pass(format!(
        "the 202 was completed by an OnboardingNotification {} ms into the run at this request's destination: result true{}",
        r.at_ms,
        if optional.is_empty() {
            " (no resourceLocation or apiInvokerEnrolmentDetails: both optional, so CCF-OK-02..07 have nothing to judge)".to_string()
        } else {
            format!(", {}", optional.join(", "))
        }
    ))
}

pub use crate::sut::ImpostorTrial;

/// CCF-OK-10: the core authenticates the receiver it notifies. For the notification the core is
/// the TLS client: TS 33.122 §6.1 asks for a TLS session with server-side certificate
/// authentication, RFC 9110 §4.3.4 that the client verify the service's identity. Passes only
/// on what was seen: each bad certificate was met by a connection that ended before any request
/// (a refused handshake, or a close right after it), no request ever reached the impostor, and
/// the trusted receiver was then notified. `all` is every contact the impostor had, so a request
/// sent late (a retry after the trial moved on) still counts.
pub fn receiver_authenticated(
    trials: &[ImpostorTrial],
    all: &[Contact],
    control: Option<&Notified>,
    within: Duration,
) -> Check {
    let delivered: Vec<String> = all
        .iter()
        .filter(|c| matches!(c.end, ContactEnd::Request(_)))
        .map(Contact::describe)
        .collect();
    if !delivered.is_empty() {
        let defects: Vec<&str> = trials
            .iter()
            .filter(|t| {
                all.iter()
                    .any(|c| c.presented == t.presented && matches!(c.end, ContactEnd::Request(_)))
            })
            .map(|t| t.defect.as_str())
            .collect();
        return Check::Fail(format!(
            "the core sent its notification to a receiver whose certificate is {} (TS 33.122 §6.1: server-side certificate authentication; RFC 9110 §4.3.4: the client verifies the service's identity): {}",
            defects.join(", "),
            delivered.join("; ")
        ));
    }
    if let Some(c) = all
        .iter()
        .find(|c| matches!(c.end, ContactEnd::Cleartext(_)))
    {
        return Check::blocked(
            Some("CCF-OK-09"),
            format!(
                "the core sent the notification in clear, so no certificate was put to it ({})",
                c.describe()
            ),
        );
    }
    let within = crate::net::humantime(within);
    let mut seen = Vec::new();
    for t in trials {
        if t.status != Some(202) {
            return Check::blocked(
                Some("CCF-OK-09"),
                format!(
                    "the valid request naming the receiver whose certificate is {} was answered {}, not 202 Accepted: no notification to put a certificate to",
                    t.defect,
                    t.status.map_or("with nothing".to_string(), |s| s.to_string())
                ),
            );
        }
        let refused: Vec<&Contact> = t
            .contacts
            .iter()
            .filter(|c| {
                matches!(
                    c.end,
                    ContactEnd::Refused(_) | ContactEnd::ClosedWithoutRequest
                )
            })
            .collect();
        let Some(first) = refused.first() else {
            let what = if t.contacts.is_empty() {
                "no connection".to_string()
            } else {
                format!(
                    "only connections that stayed silent ({})",
                    t.contacts[0].describe()
                )
            };
            return Check::Inconclusive(format!(
                "after the 202, {what} reached the receiver whose certificate is {} within the PIXIT [core.notifications] within = {within}: a refusal was not observed (the core must reach [core.notifications] impostor_url)",
                t.defect
            ));
        };
        seen.push(format!("{}: {}", t.defect, first.describe()));
    }
    match control {
        Some(Notified::Received(r)) => Check::Pass(format!(
            "the core refused every receiver it must not trust and sent nothing to them ({}); then it notified the trusted receiver ({} ms into the run)",
            seen.join("; "),
            r.at_ms
        )),
        Some(missing) => Check::blocked(
            Some("CCF-OK-09"),
            format!(
                "the core refused the untrusted receivers, but did not notify the trusted one either, so a refusal cannot be told from a core that notifies nobody: {}",
                onboarding_notified(missing).reason()
            ),
        ),
        None => Check::blocked(
            Some("CCF-OK-09"),
            "the core refused the untrusted receivers, but the positive control (a notification to the trusted receiver) did not run",
        ),
    }
}

/// What a notification says, for comparing one with another: result, apiInvokerId,
/// resourceLocation and certificate (None for what it lacks).
fn outcome(r: &Received) -> Result<[Option<String>; 4], String> {
    let v: Value = serde_json::from_slice(&r.body)
        .map_err(|_| format!("not JSON ({} bytes)", r.body.len()))?;
    let text =
        |x: Option<&Value>| x.map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string));
    let details = v.get("apiInvokerEnrolmentDetails");
    Ok([
        text(v.get("result")),
        text(details.and_then(|d| d.get("apiInvokerId"))),
        text(v.get("resourceLocation")),
        text(
            details
                .and_then(|d| d.get("onboardingInformation"))
                .and_then(|o| o.get("apiInvokerCertificate")),
        ),
    ])
}

/// `s`, cut to `n` characters with an ellipsis (a certificate in a reason is noise).
fn at_most(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// CCF-OK-11: one onboarding, one result. After the first notification at this request's
/// destination the receiver keeps listening for the declared bound; a later one that says
/// something else (result, apiInvokerId, resourceLocation or certificate) contradicts it. A
/// repeat of the same result is not a contradiction (a sender that did not see the 204 may
/// retry) and is said. `not_kept` later POSTs were counted beyond the receiver's cap.
pub fn one_result(posts: &[Received], not_kept: usize, within: Duration) -> Check {
    let Some((first, later)) = posts.split_first() else {
        return Check::blocked(
            Some("CCF-OK-09"),
            "no OnboardingNotification completed the 202, so there is no first result to hold later ones against",
        );
    };
    let Ok(said) = outcome(first) else {
        return Check::blocked(Some("CCF-OK-09"), "the first notification is not JSON");
    };
    const NAMES: [&str; 4] = [
        "result",
        "apiInvokerId",
        "resourceLocation",
        "apiInvokerCertificate",
    ];
    for (n, r) in later.iter().enumerate() {
        let differs: Vec<String> = match outcome(r) {
            Err(e) => vec![format!("a body that is {e}")],
            Ok(again) => NAMES
                .iter()
                .zip(said.iter().zip(again.iter()))
                .filter(|(_, (a, b))| a != b)
                .map(|(name, (a, b))| {
                    let short = |x: &Option<String>| {
                        x.as_deref()
                            .map_or("absent".to_string(), |s| at_most(s, 60))
                    };
                    format!("{name} {} after {}", short(b), short(a))
                })
                .collect(),
        };
        if !differs.is_empty() {
            return Check::Fail(format!(
                "notification {} to this request's destination ({} ms into the run) contradicts the first ({} ms): {} — one onboarding has one result (TS 29.222 §8.4.2.2.3.1: the onboarding result will be notified)",
                n + 2,
                r.at_ms,
                first.at_ms,
                differs.join(", ")
            ));
        }
    }
    let within = crate::net::humantime(within);
    let repeats = later.len() + not_kept;
    Check::Pass(match repeats {
        0 => format!(
            "one OnboardingNotification, and no other at this request's destination for the PIXIT [core.notifications] within = {within} after it"
        ),
        _ => format!(
            "the first OnboardingNotification was repeated {repeats} time(s) with the same result, id, location and certificate within the PIXIT [core.notifications] within = {within} after it{}",
            if not_kept > 0 {
                format!(" ({not_kept} beyond the receiver's cap were counted, not compared)")
            } else {
                String::new()
            }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{assert_not_pass, assert_pass};

    #[test]
    fn a_202_must_be_completed_by_a_full_notification() {
        use crate::sut::notifications::{Cleartext, Notified, Received};
        let got = |body: &str| {
            Notified::Received(Received {
                path: "/capif-conformance/notifications/ab".into(),
                content_type: Some("application/json".into()),
                body: body.as_bytes().to_vec(),
                at_ms: 7,
            })
        };
        let full = r#"{"result":true,"resourceLocation":"https://c/api-invoker-management/v1/onboardedInvokers/INV1","apiInvokerEnrolmentDetails":{"apiInvokerId":"INV1"}}"#;
        assert_pass(&onboarding_notified(&got(full)));
        let none = onboarding_notified(&Notified::Missing {
            destination: "https://h/capif-conformance/notifications/ab".into(),
            within: std::time::Duration::from_secs(10),
            cleartext: Vec::new(),
        });
        assert!(
            matches!(&none, Check::Fail(m) if m.contains("[core.notifications] within = 10s") && m.contains("no OnboardingNotification arrived")),
            "{none:?}"
        );
        // Issue 30, item 3: a notification sent in clear is named as such, not as none.
        let clear = onboarding_notified(&Notified::Missing {
            destination: "https://h/capif-conformance/notifications/ab".into(),
            within: std::time::Duration::from_secs(10),
            cleartext: vec![Cleartext {
                line: "POST /capif-conformance/notifications/ab HTTP/1.1".into(),
                at_ms: 40,
            }],
        });
        assert!(
            matches!(&clear, Check::Fail(m) if m.contains("came in clear") && m.contains("was refused") && !m.contains("no OnboardingNotification arrived")),
            "{clear:?}"
        );
        let refused = onboarding_notified(&got(r#"{"result":false}"#));
        assert!(
            matches!(&refused, Check::Fail(m) if m.contains("result: false")),
            "{refused:?}"
        );
        // Only result is required (TS 29.222 OpenAPI): a bare notification completes the 202.
        let bare = onboarding_notified(&got(r#"{"result":true}"#));
        assert!(
            bare.passed() && bare.reason().contains("both optional"),
            "{bare:?}"
        );
        assert_not_pass(&onboarding_notified(&got(r#"{"resourceLocation":"x"}"#)));
        let no_id = onboarding_notified(&got(
            r#"{"result":true,"resourceLocation":"x","apiInvokerEnrolmentDetails":{"apiInvokerId":" "}}"#,
        ));
        assert!(
            matches!(&no_id, Check::Fail(m) if m.contains("apiInvokerId")),
            "{no_id:?}"
        );
        assert_not_pass(&onboarding_notified(&got("<html/>")));
    }

    fn contact(presented: &str, end: ContactEnd) -> Contact {
        Contact {
            presented: presented.into(),
            at_ms: 10,
            end,
        }
    }

    fn trial(presented: &str, status: u16, contacts: Vec<Contact>) -> ImpostorTrial {
        ImpostorTrial {
            presented: presented.into(),
            defect: format!("{presented} defect"),
            status: Some(status),
            contacts,
        }
    }

    fn received(body: &str, at_ms: u64) -> Received {
        Received {
            path: "/capif-conformance/notifications/ab".into(),
            content_type: Some("application/json".into()),
            body: body.as_bytes().to_vec(),
            at_ms,
        }
    }

    #[test]
    fn a_receiver_is_authenticated_only_when_refusals_were_seen_and_nothing_was_delivered() {
        let within = Duration::from_secs(10);
        let refused = |p: &str| {
            contact(
                p,
                ContactEnd::Refused("received fatal alert: UnknownCA".into()),
            )
        };
        let good = Notified::Received(received(r#"{"result":true}"#, 90));
        let trials = vec![
            trial("other-ca", 202, vec![refused("other-ca")]),
            trial(
                "wrong-name",
                202,
                vec![contact("wrong-name", ContactEnd::ClosedWithoutRequest)],
            ),
        ];
        let all: Vec<Contact> = trials.iter().flat_map(|t| t.contacts.clone()).collect();
        let ok = receiver_authenticated(&trials, &all, Some(&good), within);
        assert_pass(&ok);
        assert!(ok.reason().contains("UnknownCA"), "{ok:?}");
        // A request that reached the impostor fails, even when it came after its trial.
        let mut late = all.clone();
        late.push(contact(
            "wrong-name",
            ContactEnd::Request("POST /capif-conformance/notifications/1 HTTP/1.1".into()),
        ));
        let bad = receiver_authenticated(&trials, &late, Some(&good), within);
        assert!(
            matches!(&bad, Check::Fail(m) if m.contains("wrong-name defect") && m.contains("TS 33.122 §6.1")),
            "{bad:?}"
        );
        // Nothing observed: no connection, or a silent one, never passes.
        let silent = vec![trial("other-ca", 202, vec![])];
        let none = receiver_authenticated(&silent, &[], Some(&good), within);
        assert!(
            matches!(&none, Check::Inconclusive(m) if m.contains("no connection") && m.contains("within = 10s")),
            "{none:?}"
        );
        let hung = vec![trial(
            "other-ca",
            202,
            vec![contact("other-ca", ContactEnd::Silent)],
        )];
        assert!(matches!(
            receiver_authenticated(&hung, &hung[0].contacts, Some(&good), within),
            Check::Inconclusive(_)
        ));
        // Clear text, a 201, or no control notification: CCF-OK-09's business, not a pass.
        let clear = vec![contact(
            "other-ca",
            ContactEnd::Cleartext("POST /x HTTP/1.1".into()),
        )];
        assert!(matches!(
            receiver_authenticated(
                &[trial("other-ca", 202, clear.clone())],
                &clear,
                Some(&good),
                within
            ),
            Check::Blocked {
                by: Some("CCF-OK-09"),
                ..
            }
        ));
        assert!(matches!(
            receiver_authenticated(&[trial("other-ca", 201, vec![])], &[], Some(&good), within),
            Check::Blocked {
                by: Some("CCF-OK-09"),
                ..
            }
        ));
        let missing = Notified::Missing {
            destination: "https://h/x".into(),
            within,
            cleartext: Vec::new(),
        };
        assert_not_pass(&receiver_authenticated(
            &trials,
            &all,
            Some(&missing),
            within,
        ));
        assert_not_pass(&receiver_authenticated(&trials, &all, None, within));
    }

    #[test]
    fn a_later_notification_must_not_contradict_the_first() {
        let within = Duration::from_secs(5);
        let first = r#"{"result":true,"resourceLocation":"https://c/x/INV1","apiInvokerEnrolmentDetails":{"apiInvokerId":"INV1","onboardingInformation":{"apiInvokerCertificate":"-----BEGIN CERTIFICATE-----A"}}}"#;
        let alone = one_result(&[received(first, 1)], 0, within);
        assert!(
            alone.passed() && alone.reason().contains("no other"),
            "{alone:?}"
        );
        let repeated = one_result(&[received(first, 1), received(first, 2)], 0, within);
        assert!(
            repeated.passed() && repeated.reason().contains("repeated 1 time"),
            "{repeated:?}"
        );
        let flipped = one_result(
            &[received(first, 1), received(r#"{"result":false}"#, 3)],
            0,
            within,
        );
        assert!(
            matches!(&flipped, Check::Fail(m) if m.contains("result false after true") && m.contains("apiInvokerId absent after INV1")),
            "{flipped:?}"
        );
        let other_id = first.replace("\"INV1\"", "\"INV2\"");
        let other = one_result(&[received(first, 1), received(&other_id, 3)], 0, within);
        assert!(
            matches!(&other, Check::Fail(m) if m.contains("apiInvokerId INV2 after INV1") && !m.contains("result true")),
            "{other:?}"
        );
        assert_not_pass(&one_result(
            &[received(first, 1), received("<html>", 3)],
            0,
            within,
        ));
        assert!(matches!(
            one_result(&[], 0, within),
            Check::Blocked {
                by: Some("CCF-OK-09"),
                ..
            }
        ));
    }
}
