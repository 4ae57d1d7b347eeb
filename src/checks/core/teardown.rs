//! Checks of the core's teardown (Figure B.1-1, "Tear down connection";
//! features/core/teardown.feature).

use crate::checks::Check;
use crate::net::SessionEnd;
use crate::sut::TeardownPolicy;

/// After the response the session was torn down, judged by behaviour (see
/// [`crate::net::HttpsSession::observe_teardown`]): `end` is what the core did by itself,
/// `after_close` what it did after the harness's close_notify (teardown = "either").
pub fn session_ended(
    end: &SessionEnd,
    announced_close: bool,
    after_close: Option<&SessionEnd>,
    policy: TeardownPolicy,
) -> Check {
    if end.ended() {
        return Check::Pass(format!("the core ended the session: {}", end.describe()));
    }
    if let SessionEnd::MoreData { .. } = end {
        return Check::Fail(format!(
            "after the response the core sent data nobody asked for: {}",
            end.describe()
        ));
    }
    if announced_close {
        return Check::Fail(format!(
            "the core announced Connection: close but did not close the session within the PIXIT [timeouts] response (RFC 9112 §9.6: it MUST close); observed: {}",
            end.describe()
        ));
    }
    match (policy, after_close) {
        (TeardownPolicy::Either, Some(SessionEnd::MoreData { bytes })) => Check::Fail(format!(
            "after the invoker's close_notify the core still sent {bytes} bytes on the session"
        )),
        (TeardownPolicy::Either, Some(after)) => Check::Pass(format!(
            "teardown = \"either\": {}; after the invoker's close_notify the core served nothing more ({})",
            keep_alive_phrase(end),
            after.describe()
        )),
        (TeardownPolicy::Either, None) => Check::Inconclusive(
            "the harness did not close the session, so the core's teardown was not observed".into(),
        ),
        (TeardownPolicy::Core, _) => Check::Fail(format!(
            "teardown = \"core\" claims the core ends every session itself, but {}; a keep-alive core that leaves closing to the invoker is judged with teardown = \"either\"",
            keep_alive_phrase(end)
        )),
    }
}

pub(super) fn keep_alive_phrase(end: &SessionEnd) -> String {
    match end {
        SessionEnd::ServedAnotherRequest { status } => format!(
            "the core kept the session alive (a second request on it was answered HTTP {status}; a later close would come from an idle limit, not from a teardown after the response)"
        ),
        _ => "the core neither closed the session nor answered a second request on it within the PIXIT [timeouts] response".into(),
    }
}

/// The core sent close_notify before closing: judged on the core's own close, or on its
/// close after the harness's close_notify.
pub fn close_notify_sent(end: &SessionEnd, after_close: Option<&SessionEnd>) -> Check {
    crate::checks::close_notify_before_close("core", end, after_close)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::core::test_support::*;

    #[test]
    fn teardown_policies() {
        use TeardownPolicy::{Core, Either};
        let kept = SessionEnd::ServedAnotherRequest { status: 405 };
        for policy in [Core, Either] {
            crate::checks::assert_pass(&session_ended(
                &SessionEnd::CloseNotify,
                false,
                None,
                policy,
            ));
            crate::checks::assert_pass(&session_ended(&SessionEnd::Reset, true, None, policy));
            // An announced close is a MUST under both policies.
            let c = session_ended(
                &SessionEnd::StillOpen,
                true,
                Some(&SessionEnd::CloseNotify),
                policy,
            );
            assert!(!c.passed() && c.reason().contains("RFC 9112"), "{c:?}");
        }
        // Keep-alive is legitimate unless the vendor claims teardown = "core".
        let c = session_ended(&kept, false, None, Core);
        assert!(!c.passed() && c.reason().contains("HTTP 405"), "{c:?}");
        let c = session_ended(&kept, false, Some(&SessionEnd::CloseNotify), Either);
        assert!(
            c.passed() && c.reason().contains("kept the session alive"),
            "{c:?}"
        );
        assert!(!session_ended(
            &kept,
            false,
            Some(&SessionEnd::MoreData { bytes: 3 }),
            Either
        )
        .passed());
    }

    #[test]
    fn close_notify_on_either_close() {
        crate::checks::assert_pass(&close_notify_sent(&SessionEnd::CloseNotify, None));
        crate::checks::assert_not_pass(&close_notify_sent(
            &SessionEnd::TcpCloseWithoutCloseNotify,
            None,
        ));
        let kept = SessionEnd::ServedAnotherRequest { status: 404 };
        crate::checks::assert_pass(&close_notify_sent(&kept, Some(&SessionEnd::CloseNotify)));
        crate::checks::assert_not_pass(&close_notify_sent(
            &kept,
            Some(&SessionEnd::TcpCloseWithoutCloseNotify),
        ));
        assert!(matches!(
            close_notify_sent(&kept, Some(&SessionEnd::StillOpen)),
            Check::Inconclusive(_)
        ));
    }
}
