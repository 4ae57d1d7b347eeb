//! Checks of the invoker's enrolment (pre-provisioning from a register, before the figure;
//! features/invoker/enrolment.feature).

use super::onboarding_posts;
use crate::checks::Check;
use crate::peers::core::RegisterStyle;
use crate::sut::{Handshake, InvokerRun, RegisterObservation, RegisterRequest, RegisterSession};

/// The register's observation, or why the enrolment cannot be judged.
fn register_contacted(run: &InvokerRun) -> Result<&RegisterObservation, Check> {
    let Some(reg) = &run.observations.register else {
        return Err(Check::Inconclusive(
            "no register was served in this run".into(),
        ));
    };
    if reg.sessions.is_empty() {
        return Err(Check::Inconclusive(format!(
            "the invoker never contacted the register ({}), so how it enrols cannot be told",
            run.adapter.describe()
        )));
    }
    Ok(reg)
}

/// `METHOD PATH` of each login request, joined.
fn login_requests<'a>(logins: impl Iterator<Item = &'a RegisterRequest>) -> String {
    logins
        .map(|r| format!("{} {}", r.method, r.path))
        .collect::<Vec<_>>()
        .join(", ")
}

/// INV-ENR-01: against a register presenting a certificate from a rogue CA, no login leaves
/// the invoker. When one did, the evidence follows the attacker's chain as far as the invoker
/// went: the rogue credential and ca_root it was handed, then the core presenting a
/// certificate from that rogue CA and what the invoker sent it.
pub fn register_authenticated(run: &InvokerRun) -> Check {
    let reg = match register_contacted(run) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let sent: Vec<(&RegisterSession, &RegisterRequest)> = reg.logins().collect();
    let logins: Vec<&RegisterRequest> = sent.iter().map(|(_, r)| *r).collect();
    let in_clear = sent.iter().any(|(s, _)| !s.tls);
    if logins.is_empty() {
        let refusals: Vec<&str> = reg
            .sessions
            .iter()
            .filter_map(|s| s.handshake_error.as_deref())
            .collect();
        return Check::Pass(if refusals.is_empty() {
            format!(
                "no register login was sent ({} connection(s), no request carried it)",
                reg.sessions.len()
            )
        } else {
            format!(
                "the invoker refused the rogue register's certificate ({}); no login was sent",
                refusals.join("; ")
            )
        });
    }
    let mut chain = vec![format!(
        "the invoker sent its register login ({}{}) to a register presenting a certificate from a CA it was not provisioned with",
        login_requests(logins.iter().copied()),
        if in_clear {
            ", in clear after the handshake failed"
        } else {
            ""
        }
    )];
    if logins.iter().any(|r| r.answered_credential) {
        chain.push("was handed a credential and the rogue CA as ca_root".into());
    }
    let sessions = &run.observations.sessions;
    if let Some(post) = onboarding_posts(run).into_iter().next() {
        chain.push(format!(
            "then sent {} {}{} to a core presenting a certificate from that rogue CA",
            post.method,
            post.target,
            if post.header("authorization").is_some() {
                " with its Bearer credential"
            } else {
                ""
            }
        ));
    } else if sessions
        .iter()
        .any(|s| matches!(s.handshake, Handshake::Completed { .. }))
    {
        chain.push("then completed a TLS handshake with a core presenting a certificate from that rogue CA".into());
    }
    if run.adapter.succeeded() {
        chain.push("and reported success".into());
    }
    Check::Fail(chain.join("; "))
}

/// INV-ENR-02: no register login over a connection without TLS (a plain-HTTP listener behind
/// an `https://` URL, or an `opencapif-http` register).
pub fn no_register_login_in_clear(run: &InvokerRun) -> Check {
    let reg = match register_contacted(run) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let clear: Vec<&RegisterRequest> = reg
        .logins()
        .filter(|(s, _)| !s.tls)
        .map(|(_, r)| r)
        .collect();
    if clear.is_empty() {
        return Check::Pass(format!(
            "no register login was sent in clear ({} connection(s) to a register speaking plain HTTP{})",
            reg.sessions.len(),
            if reg.style == RegisterStyle::OpencapifHttp {
                " by declaration"
            } else {
                " behind an https:// URL"
            }
        ));
    }
    let answered = clear.iter().any(|r| r.answered_credential);
    Check::Fail(format!(
        "the invoker sent its register login in clear ({}){}",
        login_requests(clear.iter().copied()),
        if answered {
            "; anyone on the path now has the login, and the credential and CA root it was answered"
        } else {
            "; anyone on the path now has the login"
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::invoker::test_support::*;
    use crate::sut::AdapterExit;
    use crate::sut::Script;

    #[test]
    fn enrolment_checks_follow_the_attackers_chain() {
        let rogue = Script {
            register: crate::sut::RegisterScript::RogueCa,
            ..Script::default()
        };
        let mut refused = run(rogue, AdapterExit::Code(1), vec![]);
        refused.observations.register = register(vec![login(
            true,
            Some("received fatal alert: UnknownCA"),
            false,
        )]);
        let c = register_authenticated(&refused);
        assert!(
            matches!(&c, Check::Pass(r) if r.contains("UnknownCA")),
            "{c:?}"
        );
        // Login sent, rogue root taken, Bearer sent to the rogue core: every link is named.
        let mut taken = run(rogue, AdapterExit::Code(0), vec![session(1, None)]);
        taken.observations.sessions[0].requests[0]
            .headers
            .push(("Authorization".into(), "Bearer x".into()));
        taken.observations.register = register(vec![login(true, None, true)]);
        let c = register_authenticated(&taken);
        assert!(
            matches!(&c, Check::Fail(r) if r.contains("register login")
                && r.contains("rogue CA as ca_root")
                && r.contains("with its Bearer credential")
                && r.contains("reported success")),
            "{c:?}"
        );
        // No register contact, or no register at all: undecidable.
        let mut silent = run(rogue, AdapterExit::Code(1), vec![]);
        silent.observations.register = register(vec![]);
        assert!(matches!(
            register_authenticated(&silent),
            Check::Inconclusive(_)
        ));
        let none = run(rogue, AdapterExit::Code(1), vec![]);
        assert!(matches!(
            register_authenticated(&none),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_login_in_clear_fails_and_a_tls_login_does_not() {
        let mut clear = run(Script::default(), AdapterExit::Code(1), vec![]);
        clear.observations.register = register(vec![login(false, None, true)]);
        let c = no_register_login_in_clear(&clear);
        assert!(
            matches!(&c, Check::Fail(r) if r.contains("in clear")),
            "{c:?}"
        );
        // Over TLS the same login is no finding; a clear listener that got no login passes.
        clear.observations.register = register(vec![login(true, None, true)]);
        crate::checks::assert_pass(&no_register_login_in_clear(&clear));
        clear.observations.register = register(vec![login(false, Some("not TLS"), false)]);
        crate::checks::assert_pass(&no_register_login_in_clear(&clear));
    }
}
