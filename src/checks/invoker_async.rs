//! Checks of asynchronous onboarding, invoker under test (TS 29.222 §8.4.2.2.3.1: "202
//! Accepted: the CAPIF core accepted the request, and the onboarding result will be
//! notified"): the played core answers 202 and then POSTs (or not) the OnboardingNotification
//! to the invoker's notificationDestination.

use super::Check;
use crate::adapter_contract::AdapterOutcome;
use crate::sut::{InvokerRun, SentNotification};

/// The notification the played core sent, or the check that explains why there is none:
/// no onboarding request (INV-REQ-01), or none sent after it.
fn sent(run: &InvokerRun) -> Result<&SentNotification, Check> {
    super::invoker::first_post(run)?;
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
    if let Err(c) = super::invoker::first_post(run) {
        return c;
    }
    super::invoker::give_up_verdict(run, "never notified the result of its 202", bound, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapter_contract::AdapterExit;
    use crate::checks::invoker::tests::{run, session};
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
        });
        r
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
}
