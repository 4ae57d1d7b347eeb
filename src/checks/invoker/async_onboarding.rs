//! Checks of asynchronous onboarding, invoker under test (TS 29.222 §8.4.2.2.3.1: "202
//! Accepted: the CAPIF core accepted the request, and the onboarding result will be
//! notified"): the played core answers 202 and then POSTs (or not) the OnboardingNotification
//! to the invoker's notificationDestination.

use crate::adapter_contract::AdapterOutcome;
use crate::checks::Check;
use crate::sut::{InvokerRun, SentNotification};

/// The notification the played core sent, or the check that explains why there is none:
/// no onboarding request (INV-REQ-01), or none sent after it.
fn sent(run: &InvokerRun) -> Result<&SentNotification, Check> {
    super::first_post(run)?;
    run.observations.notifications.first().ok_or_else(|| {
        Check::Inconclusive(format!(
            "the played core sent no notification (its 202 was not written?): {}",
            run.adapter.describe()
        ))
    })
}

/// INV-OK-05: after a 202, success is reported only once the notification arrived, and with
/// the notified apiInvokerId. An invoker that reports success although the notification
/// could not be delivered reported it before the result.
pub fn async_success(run: &InvokerRun) -> Check {
    let n = match sent(run) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let id = n.api_invoker_id.as_deref().unwrap_or("");
    let reported_id = run
        .adapter
        .report
        .as_ref()
        .and_then(|r| r.get("apiInvokerId"))
        .and_then(|v| v.as_str());
    match (&n.delivered, run.adapter.outcome()) {
        (Err(e), AdapterOutcome::Onboarded) => Check::Fail(format!(
            "after the 202 the invoker reported success although the OnboardingNotification could not be delivered to its notificationDestination {} ({e}): it reported success before the result",
            n.destination
        )),
        (Err(e), _) => Check::Inconclusive(format!(
            "the OnboardingNotification could not be delivered to the invoker's notificationDestination {} ({e}); {}: an invoker that cannot receive notifications exits 89",
            n.destination,
            run.adapter.describe()
        )),
        (Ok(status), AdapterOutcome::Onboarded) => match reported_id {
            Some(r) if r != id => Check::Fail(format!(
                "the invoker reported apiInvokerId {r}, but the notification (delivered, HTTP {status}) carried {id}"
            )),
            _ => Check::Pass(format!(
                "after the 202 the invoker received the OnboardingNotification (HTTP {status}) and then reported success{}",
                reported_id.map(|r| format!(" with apiInvokerId {r}")).unwrap_or_default()
            )),
        },
        (Ok(status), _) => Check::Fail(format!(
            "the OnboardingNotification (result true, apiInvokerId {id}) was delivered (HTTP {status}), yet the invoker did not report success: {}",
            run.adapter.describe()
        )),
    }
}

/// INV-OK-06: after a 202 and a notification with `result: false`, failure is reported.
pub fn async_failure(run: &InvokerRun) -> Check {
    let n = match sent(run) {
        Ok(n) => n,
        Err(c) => return c,
    };
    match (&n.delivered, run.adapter.outcome()) {
        (_, AdapterOutcome::Onboarded) => Check::Fail(format!(
            "the invoker reported success although the onboarding result was false ({})",
            match &n.delivered {
                Ok(s) => format!("notification delivered, HTTP {s}"),
                Err(e) => format!("and the notification was never delivered: {e}"),
            }
        )),
        (Ok(status), AdapterOutcome::Failed(code)) => Check::Pass(format!(
            "the notification said result: false (delivered, HTTP {status}); the invoker reported failure (exit {code})"
        )),
        (Err(e), _) => Check::Inconclusive(format!(
            "the notification could not be delivered to {} ({e}); {}",
            n.destination,
            run.adapter.describe()
        )),
        (Ok(_), _) => Check::Fail(format!(
            "after result: false the invoker neither reported failure nor success: {}",
            run.adapter.describe()
        )),
    }
}

/// INV-OK-07: after a 202 that is never notified, the invoker gives up within its declared
/// bound and reports failure.
pub fn async_gave_up(run: &InvokerRun, bound: std::time::Duration) -> Check {
    if let Err(c) = super::first_post(run) {
        return c;
    }
    super::give_up_verdict(run, "never notified the result of its 202", bound, "")
}

/// INV-OK-08: a notified result whose enrolment details carry an unusable id or certificate
/// is not reported as success, as INV-OK-02 judges a 201. Judged only once the notification
/// was delivered: an invoker that never received it showed nothing about what it does with
/// one (INV-OK-09 judges the receiver).
pub fn async_not_success_on_unusable(run: &InvokerRun, pki: &crate::pki::TestPki) -> Check {
    let answer = run.script.defect();
    let n = match sent(run) {
        Ok(n) => n,
        Err(c) => return c,
    };
    // Success reported is a failure whether or not the notification got through: the only
    // result there was to report was unusable (as INV-OK-06 judges a result false).
    if run.adapter.succeeded() {
        return super::onboarding_response::not_success_on_incomplete(run, &answer, pki);
    }
    match &n.delivered {
        Ok(status) => match super::onboarding_response::not_success_on_incomplete(run, &answer, pki) {
            Check::Pass(r) => Check::Pass(format!(
                "{r}; the notification was delivered (HTTP {status})"
            )),
            other => other,
        },
        Err(e) => Check::blocked(
            Some("INV-OK-09"),
            format!(
                "the OnboardingNotification ({answer}) could not be delivered to {} ({e}), so what the invoker does with it was not observed",
                n.destination
            ),
        ),
    }
}

/// Whether `host` is the loopback interface, where no network stands between the played core
/// and the invoker's receiver.
fn loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// INV-OK-09: the invoker names an `https://` notificationDestination (the notification is
/// CAPIF-1/1e traffic: TLS, TS 33.122 §6.1) and serves it. On loopback, where nothing but the
/// invoker can be in the way, a destination that refuses the notification's connection fails;
/// elsewhere an undelivered notification is inconclusive (the network may be in the way).
pub fn notification_destination_served(run: &InvokerRun) -> Check {
    let post = match super::first_post(run) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let named = serde_json::from_slice::<serde_json::Value>(&post.body)
        .ok()
        .and_then(|v| v["notificationDestination"].as_str().map(str::to_string));
    let Some(named) = named else {
        return Check::blocked(
            Some("INV-REQ-02"),
            "the onboarding request named no notificationDestination",
        );
    };
    let url = match url::Url::parse(&named) {
        Ok(u) => u,
        Err(e) => {
            return Check::Fail(format!(
                "the notificationDestination {named:?} is not an absolute URI ({e})"
            ))
        }
    };
    if url.scheme() != "https" {
        return Check::Fail(format!(
            "the notificationDestination {named:?} is not https://: the OnboardingNotification would travel without TLS (TS 33.122 §6.1: the API invoker and CAPIF core function shall establish a secure session based on TLS)"
        ));
    }
    let n = match sent(run) {
        Ok(n) => n,
        Err(c) => return c,
    };
    match &n.delivered {
        Ok(status) => Check::Pass(format!(
            "the notificationDestination {named} is https:// and the OnboardingNotification was delivered over TLS (HTTP {status})"
        )),
        Err(e) if run.adapter.succeeded() => Check::blocked(
            Some("INV-OK-05"),
            format!(
                "the OnboardingNotification could not be delivered to {named} ({e}), but the invoker had already reported success: it did not wait for the result (judged by INV-OK-05)"
            ),
        ),
        Err(e) if loopback(&url) => Check::Fail(format!(
            "the invoker named {named} on loopback but did not serve it: the OnboardingNotification could not be delivered ({e}); an invoker that cannot receive notifications exits 89"
        )),
        Err(e) => Check::Inconclusive(format!(
            "the OnboardingNotification could not be delivered to {named} ({e}); it is not on loopback, so the network may be in the way"
        )),
    }
}

/// INV-OK-11: the invoker's receiver answers the delivered OnboardingNotification with 204,
/// the one answer the API's callback defines for a notification received. Undelivered is
/// INV-OK-09's finding.
pub fn notification_answered_204(run: &InvokerRun) -> Check {
    let n = match sent(run) {
        Ok(n) => n,
        Err(c) => return c,
    };
    match &n.delivered {
        Ok(204) => Check::Pass(format!(
            "the receiver at {} answered the OnboardingNotification 204 No Content",
            n.destination
        )),
        Ok(status) => Check::Fail(format!(
            "the receiver at {} answered the OnboardingNotification HTTP {status}; the API's callback defines 204 No Content (\"the onboarding notification is successfully received\")",
            n.destination
        )),
        Err(e) => Check::blocked(
            Some("INV-OK-09"),
            format!(
                "the OnboardingNotification was not delivered to {} ({e}), so no answer to judge",
                n.destination
            ),
        ),
    }
}

/// INV-OK-10: only the core's notification at the destination the invoker named is taken:
/// a forged `result: false` POSTed first to another path of the same receiver is refused
/// (4xx) and the invoker reports the real result (success).
pub fn only_the_named_destination_notifies(run: &InvokerRun) -> Check {
    let n = match sent(run) {
        Ok(n) => n,
        Err(c) => return c,
    };
    let Some((elsewhere, forged)) = &n.forged else {
        return Check::Inconclusive(format!(
            "no forged notification was sent (the destination {} is not a URL?)",
            n.destination
        ));
    };
    match forged {
        Ok(status) if (400..500).contains(status) => {}
        Ok(status) => {
            return Check::Fail(format!(
                "a notification POSTed to {elsewhere}, a path the invoker did not name, was answered HTTP {status}, not refused with 4xx: anyone who reaches the receiver can notify a result"
            ))
        }
        Err(e) => {
            return Check::Inconclusive(format!(
                "the forged notification to {elsewhere} could not be delivered ({e}), so whether the invoker refuses it was not observed"
            ))
        }
    }
    match (&n.delivered, run.adapter.outcome()) {
        (Ok(status), AdapterOutcome::Onboarded) => Check::Pass(format!(
            "the forged result: false at {elsewhere} was refused (HTTP {}), and the invoker reported the notified success (HTTP {status})",
            forged.as_ref().map(|s| s.to_string()).unwrap_or_default()
        )),
        (Ok(status), _) => Check::Fail(format!(
            "the forged result: false at {elsewhere} was refused, yet after the real notification of success (delivered, HTTP {status}) the invoker did not report success: {}",
            run.adapter.describe()
        )),
        (Err(e), _) => Check::blocked(
            Some("INV-OK-09"),
            format!(
                "the real notification could not be delivered to {} ({e})",
                n.destination
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter_contract::AdapterExit;
    use crate::checks::invoker::test_support::{run, session};
    use crate::checks::{assert_not_pass, assert_pass};
    use crate::sut::{Answers, Notify, Script};

    fn notified(notify: Notify, delivered: Result<u16, String>, exit: AdapterExit) -> InvokerRun {
        let script = Script {
            answers: Answers::Accepted(notify),
            ..Script::default()
        };
        let mut r = run(script, exit, vec![session(1, None)]);
        r.observations.notifications.push(SentNotification {
            destination: "https://127.0.0.1:1/n".into(),
            result: notify == Notify::Success,
            api_invoker_id: (notify == Notify::Success).then(|| "INV1".to_string()),
            delivered,
            sent_ms: 5,
            forged: None,
        });
        r
    }

    #[test]
    fn the_notification_is_answered_204() {
        let code = AdapterExit::Code(0);
        assert_pass(&notification_answered_204(&notified(
            Notify::Success,
            Ok(204),
            code.clone(),
        )));
        let ok200 = notification_answered_204(&notified(Notify::Success, Ok(200), code.clone()));
        assert!(
            matches!(&ok200, Check::Fail(m) if m.contains("HTTP 200") && m.contains("204")),
            "{ok200:?}"
        );
        assert_not_pass(&notification_answered_204(&notified(
            Notify::Success,
            Ok(400),
            code.clone(),
        )));
        // Not delivered: INV-OK-09's finding, not this one's.
        assert!(matches!(
            notification_answered_204(&notified(Notify::Success, Err("refused".into()), code)),
            Check::Blocked {
                by: Some("INV-OK-09"),
                ..
            }
        ));
    }

    #[test]
    fn success_needs_the_delivered_notification_and_its_id() {
        let ok = notified(Notify::Success, Ok(204), AdapterExit::Code(0));
        assert_pass(&async_success(&ok));
        let mut other_id = ok.clone();
        other_id.adapter.report = Some(serde_json::json!({"apiInvokerId": "INV2"}));
        let c = async_success(&other_id);
        assert!(matches!(&c, Check::Fail(m) if m.contains("INV2")), "{c:?}");
        // Success although nothing could be delivered: reported before the result.
        let early = async_success(&notified(
            Notify::Success,
            Err("refused".into()),
            AdapterExit::Code(0),
        ));
        assert!(
            matches!(&early, Check::Fail(m) if m.contains("before the result")),
            "{early:?}"
        );
        // Undeliverable and failure reported: whether it would wait is not observed.
        let undelivered = async_success(&notified(
            Notify::Success,
            Err("refused".into()),
            AdapterExit::Code(1),
        ));
        assert!(
            matches!(undelivered, Check::Inconclusive(_)),
            "{undelivered:?}"
        );
        assert_not_pass(&async_success(&notified(
            Notify::Success,
            Ok(204),
            AdapterExit::Code(1),
        )));
    }

    #[test]
    fn a_notified_failure_must_be_reported_as_failure() {
        assert_pass(&async_failure(&notified(
            Notify::Failure,
            Ok(204),
            AdapterExit::Code(1),
        )));
        assert_not_pass(&async_failure(&notified(
            Notify::Failure,
            Ok(204),
            AdapterExit::Code(0),
        )));
        assert!(matches!(
            async_failure(&notified(
                Notify::Failure,
                Err("x".into()),
                AdapterExit::Code(1)
            )),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_missing_notification_must_end_in_failure_within_the_bound() {
        let bound = std::time::Duration::from_secs(3);
        let r = |exit| {
            let script = Script {
                answers: Answers::Accepted(Notify::Never),
                ..Script::default()
            };
            run(script, exit, vec![session(1, None)])
        };
        assert_pass(&async_gave_up(&r(AdapterExit::Code(1)), bound));
        assert_not_pass(&async_gave_up(&r(AdapterExit::Code(0)), bound));
        let hung = async_gave_up(&r(AdapterExit::TimedOut), bound);
        assert!(
            matches!(&hung, Check::Fail(m) if m.contains("still running")),
            "{hung:?}"
        );
    }

    fn naming(destination: &str, delivered: Result<u16, String>, exit: AdapterExit) -> InvokerRun {
        let mut r = notified(Notify::Success, delivered, exit);
        r.observations.sessions[0].requests[0].body =
            serde_json::to_vec(&serde_json::json!({"notificationDestination": destination}))
                .unwrap();
        r.observations.notifications[0].destination = destination.into();
        r
    }

    #[test]
    fn the_destination_must_be_https_and_served_where_nothing_else_can_refuse() {
        let ok = "https://127.0.0.1:9/n";
        assert_pass(&notification_destination_served(&naming(
            ok,
            Ok(204),
            AdapterExit::Code(0),
        )));
        let http = notification_destination_served(&naming(
            "http://127.0.0.1:9/n",
            Err("not https".into()),
            AdapterExit::Code(1),
        ));
        assert!(
            matches!(&http, Check::Fail(m) if m.contains("not https://")),
            "{http:?}"
        );
        let refused = notification_destination_served(&naming(
            ok,
            Err("connection refused".into()),
            AdapterExit::Code(1),
        ));
        assert!(
            matches!(&refused, Check::Fail(m) if m.contains("loopback")),
            "{refused:?}"
        );
        let remote = notification_destination_served(&naming(
            "https://invoker.example:9/n",
            Err("connection refused".into()),
            AdapterExit::Code(1),
        ));
        assert!(matches!(remote, Check::Inconclusive(_)), "{remote:?}");
        // Gone because it had already reported success: INV-OK-05's defect, not this one.
        let early = notification_destination_served(&naming(
            ok,
            Err("connection refused".into()),
            AdapterExit::Code(0),
        ));
        assert!(
            matches!(
                early,
                Check::Blocked {
                    by: Some("INV-OK-05"),
                    ..
                }
            ),
            "{early:?}"
        );
        let unnamed = notification_destination_served(&notified(
            Notify::Success,
            Ok(204),
            AdapterExit::Code(0),
        ));
        assert!(matches!(unnamed, Check::Blocked { .. }), "{unnamed:?}");
    }

    #[test]
    fn a_forged_notification_must_be_refused_and_the_real_one_taken() {
        let forged = |answer: Result<u16, String>, exit| {
            let mut r = notified(Notify::SuccessAfterForgery, Ok(204), exit);
            r.observations.notifications[0].forged = Some(("https://127.0.0.1:1/x".into(), answer));
            r
        };
        assert_pass(&only_the_named_destination_notifies(&forged(
            Ok(404),
            AdapterExit::Code(0),
        )));
        let taken = only_the_named_destination_notifies(&forged(Ok(204), AdapterExit::Code(1)));
        assert!(
            matches!(&taken, Check::Fail(m) if m.contains("HTTP 204")),
            "{taken:?}"
        );
        assert_not_pass(&only_the_named_destination_notifies(&forged(
            Ok(404),
            AdapterExit::Code(1),
        )));
        assert!(matches!(
            only_the_named_destination_notifies(&forged(Err("x".into()), AdapterExit::Code(0))),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn unusable_notified_details_are_judged_only_once_delivered() {
        let r = |delivered, exit| {
            let script = Script {
                answers: Answers::Accepted(Notify::SuccessWith(crate::sut::Unusable::OtherCa)),
                ..Script::default()
            };
            let mut r = run(script, exit, vec![session(1, None)]);
            r.observations.notifications.push(SentNotification {
                destination: "https://127.0.0.1:1/n".into(),
                result: true,
                api_invoker_id: Some("INV1".into()),
                delivered,
                sent_ms: 5,
                forged: None,
            });
            r
        };
        let pki = crate::pki::TestPki::generate(&["localhost".into()]).unwrap();
        let c =
            async_not_success_on_unusable(&r(Err("refused".into()), AdapterExit::Code(1)), &pki);
        assert!(
            matches!(&c, Check::Blocked { by: Some("INV-OK-09"), reason } if reason.contains("not observed")),
            "{c:?}"
        );
        assert_not_pass(&async_not_success_on_unusable(
            &r(Ok(204), AdapterExit::Code(0)),
            &pki,
        ));
        assert_not_pass(&async_not_success_on_unusable(
            &r(Err("refused".into()), AdapterExit::Code(0)),
            &pki,
        ));
    }
}
