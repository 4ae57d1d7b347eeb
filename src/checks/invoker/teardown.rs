//! Checks of the invoker's teardown (Figure B.1-1, "Tear down connection";
//! features/invoker/teardown.feature).

use super::answered_session;
use crate::checks::Check;
use crate::net::SessionEnd;
use crate::sut::{InvokerRun, SessionObservation};

/// After the response the invoker ended the session within the teardown timeout.
pub fn invoker_ended_session(run: &InvokerRun) -> Check {
    let Some(s) = answered_session(run) else {
        return Check::blocked(
            Some("INV-REQ-01"),
            format!(
                "the invoker sent no request, so no response was given ({})",
                run.adapter.describe()
            ),
        );
    };
    if s.end.is_none() && s.requests.len() > 1 {
        return Check::Fail(format!(
            "the invoker sent {} requests on the session instead of closing it",
            s.requests.len()
        ));
    }
    ended_after_response(s, "the response")
}

/// How the invoker ended session `s` after `what` (its last response): closing passes, more
/// data or an open session fails, an unobserved end is undecidable. One rule for the
/// onboarding and the offboarding teardown.
pub(super) fn ended_after_response(s: &SessionObservation, what: &str) -> Check {
    match &s.end {
        Some(SessionEnd::MoreData { bytes }) => Check::Fail(format!(
            "after {what} the invoker sent {bytes} more bytes on the session instead of closing it"
        )),
        Some(e) if e.ended() => Check::Pass(format!(
            "the invoker ended the session {} ms after {what}: {}",
            s.end_after_ms.unwrap_or(0),
            e.describe()
        )),
        Some(e) => Check::Fail(format!(
            "the invoker kept the session open after {what} (which said Connection: close) for the PIXIT [timeouts] teardown: {}",
            e.describe()
        )),
        None => Check::Inconclusive(format!(
            "the end of the session after {what} was not observed"
        )),
    }
}

/// The invoker sent close_notify before closing.
pub fn invoker_close_notify(run: &InvokerRun) -> Check {
    let Some(end) = answered_session(run).and_then(|s| s.end.as_ref()) else {
        return Check::Inconclusive("no session end was observed".into());
    };
    crate::checks::close_notify_before_close("invoker", end, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::invoker::test_support::*;
    use crate::sut::AdapterExit;
    use crate::sut::Script;

    #[test]
    fn teardown_checks_read_how_the_session_ended() {
        let ok = Script::default();
        let r = |end| run(ok, AdapterExit::Code(0), vec![answered(end)]);
        crate::checks::assert_pass(&invoker_ended_session(&r(Some(SessionEnd::CloseNotify))));
        crate::checks::assert_pass(&invoker_ended_session(&r(Some(
            SessionEnd::TcpCloseWithoutCloseNotify,
        ))));
        let more = invoker_ended_session(&r(Some(SessionEnd::MoreData { bytes: 7 })));
        assert!(
            matches!(&more, Check::Fail(m) if m.contains("7 more bytes")),
            "{more:?}"
        );
        crate::checks::assert_not_pass(&invoker_ended_session(&r(Some(SessionEnd::StillOpen))));
        // No request: nothing was answered, INV-REQ-01 explains why.
        let none = invoker_ended_session(&run(ok, AdapterExit::Code(1), vec![session(0, None)]));
        assert!(
            matches!(
                none,
                Check::Blocked {
                    by: Some("INV-REQ-01"),
                    ..
                }
            ),
            "{none:?}"
        );
        // close_notify: only an orderly close passes; no close at all is undecidable.
        crate::checks::assert_pass(&invoker_close_notify(&r(Some(SessionEnd::CloseNotify))));
        crate::checks::assert_not_pass(&invoker_close_notify(&r(Some(SessionEnd::Reset))));
        assert!(matches!(
            invoker_close_notify(&r(Some(SessionEnd::StillOpen))),
            Check::Inconclusive(_)
        ));
    }
}
