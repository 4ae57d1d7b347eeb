//! Checks of the invoker's secure connection (Figure B.1-1, "Secure connection successful?";
//! features/invoker/secure_connection.feature): certificates it must refuse, its ClientHellos.

use super::never_connected;
use super::reported_failure;
use crate::checks::Check;
use crate::sut::{Handshake, InvokerRun, Presents};

/// Against a bad certificate: no application data on the session, failure reported. An
/// invoker that verifies the certificate after the handshake (urllib3 1.x, OkHttp's hostname
/// check, Node.js) completes the handshake and then closes without sending anything: the
/// session is released and no request is sent, which is what Figure B.1-1 asks.
pub fn refused_bad_certificate(run: &InvokerRun, defect: &str) -> Check {
    let sessions = &run.observations.sessions;
    if sessions.is_empty() {
        return never_connected(run, "whether it checks the certificate cannot be told");
    }
    if let Some(s) = sessions.iter().find(|s| !s.requests.is_empty()) {
        let r = &s.requests[0];
        return Check::Fail(format!(
            "the invoker accepted a core certificate {defect} and sent {} {}{}",
            r.method,
            r.target,
            if r.header("authorization").is_some() {
                " with its credential"
            } else {
                ""
            }
        ));
    }
    if let Some(s) = sessions.iter().find(|s| s.app_bytes > 0) {
        return Check::Fail(format!(
            "the invoker sent {} bytes of application data over a session with a core certificate {defect}",
            s.app_bytes
        ));
    }
    if run.adapter.succeeded() {
        return Check::Fail(format!(
            "the invoker reported success although it refused the core certificate {defect}"
        ));
    }
    // Connecting and closing without a ClientHello is no refusal of a certificate it never saw.
    if sessions.iter().all(|s| s.client_hello.is_none()) {
        return Check::Inconclusive(format!(
            "the invoker opened {} connection(s) but never sent a ClientHello, so whether it checks the certificate cannot be told ({})",
            sessions.len(),
            run.adapter.describe()
        ));
    }
    if !reported_failure(run) {
        return Check::Fail(format!(
            "the invoker did not report failure after refusing the certificate: {}",
            run.adapter.describe()
        ));
    }
    let aborted = sessions.iter().find_map(|s| match &s.handshake {
        Handshake::Failed { error } => Some(error.clone()),
        _ => None,
    });
    match aborted {
        Some(how) => Check::Pass(format!(
            "the invoker aborted the handshake ({how}), sent nothing and reported failure"
        )),
        None => {
            let how = sessions
                .iter()
                .find_map(|s| s.closed_before_request.as_ref())
                .map(|e| e.describe())
                .unwrap_or_else(|| "without a request".into());
            Check::Pass(format!(
                "the invoker completed the handshake, then closed ({how}) without sending any application data and reported failure: it refused the certificate after the handshake"
            ))
        }
    }
}

/// What the played core saw that is a violation whatever the invoker then reports (an exit
/// 89 "not supported" never hides it): application data on a session with a bad
/// certificate, the credential in clear, a ClientHello offering less than TLS 1.2.
pub fn observed_violation(run: &InvokerRun) -> Option<String> {
    let sessions = &run.observations.sessions;
    if matches!(run.script.presents, Presents::Bad(_)) {
        if let Some(s) = sessions
            .iter()
            .find(|s| !s.requests.is_empty() || s.app_bytes > 0)
        {
            return Some(format!(
                "the invoker sent {} over a session whose certificate it should have refused",
                match s.requests.first() {
                    Some(r) => format!("{} {}", r.method, r.target),
                    None => format!("{} bytes of application data", s.app_bytes),
                }
            ));
        }
    }
    if run.script.presents == Presents::Cleartext && credential_sent_in_clear(run) {
        return Some(CREDENTIAL_IN_CLEAR.into());
    }
    match refuses_legacy_version(run) {
        Check::Fail(r) => Some(r),
        _ => None,
    }
}

const CREDENTIAL_IN_CLEAR: &str = "the invoker sent its onboarding credential in clear";

/// Whether a listener that answers in clear received the credential (or any Authorization).
fn credential_sent_in_clear(run: &InvokerRun) -> bool {
    run.observations.sessions.iter().any(|s| {
        let text = String::from_utf8_lossy(&s.cleartext_received);
        text.contains(&run.credential) || text.to_ascii_lowercase().contains("authorization:")
    })
}

/// Against a cleartext listener: the credential never went over the wire, failure reported.
pub fn no_credential_in_clear(run: &InvokerRun) -> Check {
    let sessions = &run.observations.sessions;
    if sessions.is_empty() {
        return Check::Inconclusive(format!(
            "the invoker never connected ({})",
            run.adapter.describe()
        ));
    }
    if credential_sent_in_clear(run) {
        return Check::Fail(CREDENTIAL_IN_CLEAR.into());
    }
    Check::expect(
        reported_failure(run),
        "the invoker sent no credential in clear and reported failure",
        format!(
            "the invoker did not report failure: {}",
            run.adapter.describe()
        ),
    )
}

/// INV-TLS-17: against a listener that answers in clear, nothing the invoker sent in clear asks
/// for an upgrade to TLS within HTTP/1.1 (an `Upgrade` header naming TLS, RFC 2817), which
/// TS 33.210 §6.2.1 forbids a client. Judged on every byte the listener received.
pub fn no_upgrade_in_clear(run: &InvokerRun) -> Check {
    let sessions = &run.observations.sessions;
    if sessions.is_empty() {
        return Check::Inconclusive(format!(
            "the invoker never connected ({})",
            run.adapter.describe()
        ));
    }
    let upgrade = sessions.iter().find_map(|s| {
        let text = String::from_utf8_lossy(&s.cleartext_received);
        let asks = text.lines().any(|l| {
            l.split_once(':').is_some_and(|(k, v)| {
                k.trim().eq_ignore_ascii_case("upgrade") && v.to_ascii_lowercase().contains("tls")
            })
        });
        asks.then(|| text.lines().next().unwrap_or_default().to_string())
    });
    match upgrade {
        Some(line) => Check::Fail(format!(
            "the invoker asked for an upgrade to TLS in clear ({line}, with Upgrade: TLS): TS 33.210 §6.2.1, the client shall not establish a connection upgraded to TLS within HTTP/1.1 (RFC 2817)"
        )),
        None => Check::Pass(format!(
            "the listener answered in clear on {} connection(s) and no request for an upgrade to TLS came",
            sessions.len()
        )),
    }
}

/// The first ClientHello the played core saw.
fn first_hello(run: &InvokerRun) -> Option<&crate::sut::ClientHelloInfo> {
    run.observations
        .sessions
        .iter()
        .find_map(|s| s.client_hello.as_ref())
}

/// What the invoker did after the TLS 1.2 flight with (`true`) or without the sentinel.
fn downgrade_reply(
    runs: &[InvokerRun],
    sentinel: bool,
) -> Option<Result<crate::sut::LegacyReply, String>> {
    runs.iter()
        .flat_map(|r| r.observations.sessions.iter())
        .find_map(|s| match &s.handshake {
            crate::sut::Handshake::Downgrade {
                sentinel: with,
                reply,
            } if *with == sentinel => Some(reply.clone()),
            _ => None,
        })
}

/// How a pair of hand-built TLS 1.2 flights is judged: one with a defect the invoker must
/// refuse with a given alert, one without it (the control, which it must go on with).
struct FlightPair {
    /// The defect, as a reason starts: "with the downgrade sentinel in a TLS 1.2 ServerHello".
    defect: &'static str,
    /// The control, as a reason goes on: "without it".
    control: &'static str,
    /// The control, named alone: "no sentinel".
    control_name: &'static str,
    /// What was answered, for the failure of going on.
    went_on: &'static str,
    /// The rule a continuation breaks, quoted in that failure.
    rule: &'static str,
    /// The clause, for an abort with another alert.
    clause: &'static str,
    /// The alert the text asks for: its code, and its name in reasons.
    alert: (u8, &'static str),
}

/// Judge `defect` and `control` (what the invoker did after each flight) as `p` says: going on
/// after the defect fails at once; an abort counts only once the control went on, and passes
/// with the alert the text names.
fn judge_flight_pair(
    defect: Option<Result<crate::sut::LegacyReply, String>>,
    control: Option<Result<crate::sut::LegacyReply, String>>,
    p: &FlightPair,
) -> Check {
    use crate::sut::LegacyReply;
    let with = match defect {
        None => {
            return Check::Inconclusive(
                "no ClientHello reached the played core, so no TLS 1.2 flight was answered".into(),
            )
        }
        Some(Err(why)) => {
            return Check::Inconclusive(format!("no TLS 1.2 flight could be answered: {why}"))
        }
        Some(Ok(r)) => r,
    };
    if let LegacyReply::Continued { .. } = with {
        return Check::Fail(format!(
            "{}, the invoker {} ({})",
            p.went_on,
            with.describe(),
            p.rule
        ));
    }
    let control = match control {
        Some(Ok(r)) => r,
        Some(Err(why)) => {
            return Check::Inconclusive(format!(
                "the control flight ({}) was not sent: {why}",
                p.control_name
            ))
        }
        None => {
            return Check::Inconclusive(format!(
                "the control run ({}) reached no played core",
                p.control_name
            ))
        }
    };
    if !matches!(control, LegacyReply::Continued { .. }) {
        return Check::Inconclusive(format!(
            "{} the invoker {}, but {} it {} too: it refuses this hand-built TLS 1.2 flight for another reason, so the defect's effect cannot be told",
            p.defect,
            with.describe(),
            p.control,
            control.describe()
        ));
    }
    match with {
        LegacyReply::Alert {
            level: 2,
            description,
        } if description == p.alert.0 => Check::Pass(format!(
            "{} the invoker aborted with {}; {}, the same flight, it {}",
            p.defect,
            p.alert.1,
            p.control,
            control.describe()
        )),
        LegacyReply::Alert { .. } | LegacyReply::Closed => Check::Fail(format!(
            "{} the invoker {} ({}, it {}): it aborted, but {} says with {}",
            p.defect,
            with.describe(),
            p.control,
            control.describe(),
            p.clause,
            p.alert.1
        )),
        other => Check::Inconclusive(format!(
            "{} the invoker {}; {}, it {}",
            p.defect,
            other.describe(),
            p.control,
            control.describe()
        )),
    }
}

/// INV-TLS-16: having offered TLS 1.3, the invoker aborts with illegal_parameter on a TLS 1.2
/// ServerHello whose random ends with the downgrade sentinel (RFC 8446 §4.1.3), and goes on
/// (ClientKeyExchange) with the same flight without it: the control shows the flight was
/// acceptable, so the abort is the sentinel's.
pub fn detects_downgrade(runs: &[InvokerRun]) -> Check {
    judge_flight_pair(
        downgrade_reply(runs, true),
        downgrade_reply(runs, false),
        &FlightPair {
            defect: "with the downgrade sentinel in a TLS 1.2 ServerHello",
            control: "without it",
            control_name: "no sentinel",
            went_on: "offered TLS 1.3, answered a TLS 1.2 ServerHello whose random ends with the downgrade sentinel (44 4F 57 4E 47 52 44 01)",
            rule: "RFC 8446 §4.1.3: a TLS 1.3 client MUST check the last 8 bytes and abort with illegal_parameter",
            clause: "RFC 8446 §4.1.3",
            alert: (47, "illegal_parameter"),
        },
    )
}

/// What the invoker did after the TLS 1.2 flight whose ServerHello acknowledged
/// renegotiation_info (`true`) or not.
fn renegotiation_reply(
    runs: &[InvokerRun],
    acknowledged: bool,
) -> Option<Result<crate::sut::LegacyReply, String>> {
    runs.iter()
        .flat_map(|r| r.observations.sessions.iter())
        .find_map(|s| match &s.handshake {
            crate::sut::Handshake::Renegotiation {
                acknowledged: with,
                reply,
            } if *with == acknowledged => Some(reply.clone()),
            _ => None,
        })
}

/// INV-TLS-24: offered TLS 1.2, the invoker aborts with a fatal handshake_failure alert on a
/// TLS 1.2 ServerHello that does not acknowledge renegotiation_info (RFC 9325 §3.5), and goes
/// on with the same flight acknowledging it (the control). An invoker offering no TLS 1.2 is
/// not applicable (the step says so).
pub fn aborts_without_renegotiation_ack(runs: &[InvokerRun]) -> Check {
    judge_flight_pair(
        renegotiation_reply(runs, false),
        renegotiation_reply(runs, true),
        &FlightPair {
            defect: "without renegotiation_info in the TLS 1.2 ServerHello",
            control: "with it",
            control_name: "acknowledging renegotiation_info",
            went_on: "answered a TLS 1.2 ServerHello without renegotiation_info",
            rule: "RFC 9325 §3.5: if the server does not acknowledge the extension, the client MUST generate a fatal handshake_failure alert",
            clause: "RFC 9325 §3.5",
            alert: (40, "a fatal handshake_failure"),
        },
    )
}

/// INV-TLS-08: the invoker negotiates nothing below TLS 1.2. An explicit offer decides (a
/// supported_versions below TLS 1.2, or a ClientHello whose highest version is below it), as
/// does a hello with no suite that exists below TLS 1.2; otherwise the played core answered
/// a TLS 1.1 ServerHello flight and the invoker must abort with protocol_version. A TLS 1.2
/// hello without supported_versions says "1.2 at most", not "1.0 too": only the answer tells.
pub fn refuses_legacy_version(run: &InvokerRun) -> Check {
    let Some(hello) = first_hello(run) else {
        return Check::Inconclusive("no ClientHello was observed".into());
    };
    if let Some(listed) = &hello.supported_versions {
        let legacy: Vec<String> = listed
            .iter()
            .filter(|v| **v < 0x0303 && *v & 0x0f0f != 0x0a0a)
            .map(|v| crate::sut::version_name(*v))
            .collect();
        if !legacy.is_empty() {
            return Check::Fail(format!(
                "the ClientHello's supported_versions offers {}",
                legacy.join(", ")
            ));
        }
    } else if hello.legacy_version < 0x0303 {
        return Check::Fail(format!(
            "the ClientHello offers at most {} (legacy_version, no supported_versions)",
            crate::sut::version_name(hello.legacy_version)
        ));
    }
    let reply = run
        .observations
        .sessions
        .iter()
        .find_map(|s| match &s.handshake {
            crate::sut::Handshake::Legacy { version, reply } => Some((*version, reply.clone())),
            _ => None,
        });
    let usable_below_1_2 = hello
        .cipher_suites
        .iter()
        .any(|c| crate::net::suites::exists_before_tls12(*c));
    let Some((version, reply)) = reply else {
        return Check::Inconclusive(
            "the played core did not answer with a legacy ServerHello, so whether the invoker would take one cannot be told".into(),
        );
    };
    let shown = crate::sut::version_name(version);
    use crate::sut::LegacyReply;
    match reply {
        LegacyReply::Alert {
            description: 70, ..
        } => Check::Pass(format!(
            "answered with a {shown} ServerHello, the invoker aborted with protocol_version"
        )),
        LegacyReply::Continued { .. } => Check::Fail(format!(
            "answered with a {shown} ServerHello, the invoker {}",
            reply.describe()
        )),
        _ if !usable_below_1_2 => Check::Pass(format!(
            "every suite the ClientHello offers exists only from TLS 1.2 on, so nothing below TLS 1.2 can be negotiated (answered with a {shown} ServerHello, the invoker {})",
            reply.describe()
        )),
        other => Check::Inconclusive(format!(
            "answered with a {shown} ServerHello, the invoker {}: that does not say it refused the version (protocol_version would)",
            other.describe()
        )),
    }
}

/// Addressed by a DNS name, the invoker names the core in SNI (RFC 6066 §3).
pub fn sends_sni(run: &InvokerRun, name: &str) -> Check {
    let Some(hello) = first_hello(run) else {
        return Check::Inconclusive("no ClientHello was observed".into());
    };
    match hello.server_name.as_deref() {
        Some(n) if n.eq_ignore_ascii_case(name) => {
            Check::Pass(format!("the ClientHello names {n} in server_name (SNI)"))
        }
        Some(n) => Check::Fail(format!(
            "addressed as {name}, the ClientHello names {n:?} in server_name"
        )),
        None => Check::Fail(format!(
            "addressed as {name}, the ClientHello carries no server_name (SNI)"
        )),
    }
}

/// INV-TLS-10: "TLS 1.2 [...] shall be supported. TLS 1.3 [...] shall be supported", tested
/// actively: each run met a played core speaking only one version, and the invoker must
/// complete a handshake with each. What it offers in one ClientHello says nothing of what it
/// supports (a TLS 1.2 hello without supported_versions may still be a TLS 1.3-capable
/// client's, and vice versa).
pub fn onboards_with_each_version(runs: &[InvokerRun]) -> Check {
    use crate::sut::Handshake;
    let mut passed = Vec::new();
    for run in runs {
        let Some(version) = run.script.only_version else {
            continue;
        };
        let handshakes: Vec<&Handshake> = run
            .observations
            .sessions
            .iter()
            .map(|s| &s.handshake)
            .collect();
        if let Some(v) = handshakes.iter().find_map(|h| match h {
            Handshake::Completed { version: v, cipher } if *v == version => {
                Some(format!("{v} with {cipher}"))
            }
            _ => None,
        }) {
            passed.push(v);
            continue;
        }
        let failure = handshakes.iter().find_map(|h| match h {
            Handshake::Failed { error } => Some(error.clone()),
            _ => None,
        });
        return match failure {
            Some(e) => Check::Fail(format!(
                "with a core that speaks only {version} the invoker completed no handshake ({e}): {version} shall be supported (TS 33.210 §6.2.1); {}",
                run.adapter.describe()
            )),
            None => Check::Inconclusive(format!(
                "the invoker opened no TLS session to the core that speaks only {version}: {}",
                run.adapter.describe()
            )),
        };
    }
    if passed.len() < 2 {
        return Check::Inconclusive(format!(
            "only {} of the two single-version cores were met",
            passed.len()
        ));
    }
    Check::Pass(format!(
        "the invoker completed a handshake with a core speaking only TLS 1.2 ({}) and with one speaking only TLS 1.3 ({})",
        passed[0], passed[1]
    ))
}

/// INV-TLS-11 (`grade` Forbidden) / INV-TLS-12 (`grade` Discouraged): the ClientHello
/// offers no suite of a class the texts grade so (`crate::net::suites`). A suite offered is a
/// suite the core may select. CBC counts only without encrypt_then_mac offered (RFC 9325
/// §4.2); a forbidden suite is INV-TLS-11's alone (one defect, one failure). The full offer
/// is in the evidence.
pub fn client_hello_suites(run: &InvokerRun, grade: crate::net::suites::Grade) -> Check {
    use crate::net::suites::{summarise, Grade};
    let Some(hello) = first_hello(run) else {
        return Check::Inconclusive("no ClientHello was observed".into());
    };
    let etm = hello.extensions.contains(&ENCRYPT_THEN_MAC);
    let classes = summarise(&hello.cipher_suites, grade, etm, 3);
    let (what, keyword) = match grade {
        Grade::Forbidden => ("forbidden", "MUST NOT"),
        _ => ("discouraged", "SHOULD NOT"),
    };
    let etm_note = if etm {
        "; encrypt_then_mac offered, so CBC alone is not discouraged"
    } else {
        ""
    };
    Check::expect(
        classes.is_empty(),
        format!(
            "the ClientHello offers no {what} suite ({} suites offered{etm_note}; see evidence)",
            hello.cipher_suites.len()
        ),
        format!(
            "the ClientHello offers {what} suites ({keyword}): {}{etm_note}; see evidence",
            classes.join("; ")
        ),
    )
}

/// INV-TLS-21 / INV-TLS-22: with a played core speaking TLS 1.3 with only `restriction`'s
/// parameters, the invoker completes a handshake (it implements them; an offer proves
/// nothing). An invoker that offers no TLS 1.3 at all is INV-TLS-10's finding.
pub fn completes_restricted(runs: &[InvokerRun], restriction: crate::sut::Restriction) -> Check {
    use crate::sut::Handshake;
    let Some(run) = runs
        .iter()
        .find(|r| r.script.restricted == Some(restriction))
    else {
        return Check::Inconclusive(format!(
            "no run met a core speaking {}",
            restriction.phrase()
        ));
    };
    let sessions = &run.observations.sessions;
    if let Some((version, cipher)) = sessions.iter().find_map(|s| match &s.handshake {
        Handshake::Completed { version, cipher } => Some((version, cipher)),
        _ => None,
    }) {
        return Check::Pass(format!(
            "with a core speaking {} the invoker completed a handshake ({version} with {cipher})",
            restriction.phrase()
        ));
    }
    if sessions
        .iter()
        .filter_map(|s| s.client_hello.as_ref())
        .any(|h| !crate::sut::offers_tls13(h))
    {
        return Check::blocked(
            Some("INV-TLS-10"),
            "the invoker's ClientHello offers no TLS 1.3, so no TLS 1.3 parameter can be judged",
        );
    }
    match sessions.iter().find_map(|s| match &s.handshake {
        Handshake::Failed { error } => Some(error.clone()),
        _ => None,
    }) {
        Some(e) => Check::Fail(format!(
            "with a core speaking {} the invoker completed no handshake ({e}); {}",
            restriction.phrase(),
            run.adapter.describe()
        )),
        None => Check::Inconclusive(format!(
            "the invoker opened no TLS session to the core speaking {}: {}",
            restriction.phrase(),
            run.adapter.describe()
        )),
    }
}

/// INV-TLS-23: every ClientHello that offers TLS 1.3 carries what RFC 8446 §9.2 requires of
/// it: signature_algorithms and supported_groups unless it offers a pre_shared_key, and
/// key_share exactly when supported_groups. `hellos` are those offering TLS 1.3.
pub fn tls13_hello_extensions(hellos: &[&crate::sut::ClientHelloInfo]) -> Check {
    const SIGNATURE_ALGORITHMS: u16 = 13;
    const SUPPORTED_GROUPS: u16 = 10;
    const KEY_SHARE: u16 = 51;
    const PRE_SHARED_KEY: u16 = 41;
    if hellos.is_empty() {
        return Check::Inconclusive("no ClientHello offering TLS 1.3 was observed".into());
    }
    let mut lacks = Vec::new();
    for h in hellos {
        let has = |t: u16| h.extensions.contains(&t);
        if !has(PRE_SHARED_KEY) {
            if !has(SIGNATURE_ALGORITHMS) {
                lacks.push("signature_algorithms (no pre_shared_key offered)");
            }
            if !has(SUPPORTED_GROUPS) {
                lacks.push("supported_groups (no pre_shared_key offered)");
            }
        }
        if has(SUPPORTED_GROUPS) != has(KEY_SHARE) {
            lacks.push(if has(KEY_SHARE) {
                "supported_groups beside its key_share"
            } else {
                "key_share beside its supported_groups"
            });
        }
    }
    lacks.sort();
    lacks.dedup();
    Check::expect(
        lacks.is_empty(),
        format!(
            "every one of the {} ClientHello(s) offering TLS 1.3 carries signature_algorithms, supported_groups and key_share",
            hellos.len()
        ),
        format!(
            "a ClientHello offering TLS 1.3 lacks {} (RFC 8446 §9.2: MUST)",
            lacks.join(", ")
        ),
    )
}

/// How a ClientHello signals renegotiation_info (RFC 5746 §3.3: the empty extension or the
/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV suite value), if it does.
pub fn renegotiation_signal(hello: &crate::sut::ClientHelloInfo) -> Option<&'static str> {
    if hello.extensions.contains(&0xff01) {
        Some("the renegotiation_info extension")
    } else if hello.cipher_suites.contains(&0x00ff) {
        Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")
    } else {
        None
    }
}

/// Whether a ClientHello offers extended_master_secret (RFC 7627).
pub fn ems_signal(hello: &crate::sut::ClientHelloInfo) -> Option<&'static str> {
    hello
        .extensions
        .contains(&0x0017)
        .then_some("the extended_master_secret extension")
}

/// INV-TLS-19 (renegotiation_info) / INV-TLS-20 (extended_master_secret): every ClientHello
/// that offers TLS 1.2 carries `what` (RFC 9325 §3.5), as `signal` reads it. `hellos` are the
/// run's ClientHellos that offer TLS 1.2 (a TLS 1.3-only invoker is not applicable: the step
/// says so before this is asked).
pub fn tls12_hellos_signal(
    hellos: &[&crate::sut::ClientHelloInfo],
    what: &str,
    signal: fn(&crate::sut::ClientHelloInfo) -> Option<&'static str>,
) -> Check {
    if hellos.is_empty() {
        return Check::Inconclusive("no ClientHello offering TLS 1.2 was observed".into());
    }
    let missing = hellos.iter().filter(|h| signal(h).is_none()).count();
    if missing > 0 {
        return Check::Fail(format!(
            "{missing} of {} ClientHello(s) offering TLS 1.2 carry no {what} (RFC 9325 §3.5: TLS 1.2 clients MUST); see evidence",
            hellos.len()
        ));
    }
    let mut how: Vec<&str> = hellos.iter().filter_map(|h| signal(h)).collect();
    how.sort();
    how.dedup();
    Check::Pass(format!(
        "every one of the {} ClientHello(s) offering TLS 1.2 carries {}",
        hellos.len(),
        how.join(" or ")
    ))
}

/// The encrypt_then_mac extension (RFC 7366).
const ENCRYPT_THEN_MAC: u16 = 22;

#[cfg(test)]
mod tests {
    use super::*;
    #[allow(unused_imports)]
    use crate::checks::invoker::test_support::*;
    use crate::sut::AdapterExit;
    use crate::sut::Script;

    #[test]
    fn a_tls13_client_hello_must_carry_the_extensions_9_2_requires() {
        let full = crate::sut::parse_client_hello(&crate::sut::tls13_client_hello_bytes_omitting(
            "capif.example",
            &[],
        ))
        .unwrap();
        assert!(crate::sut::offers_tls13(&full));
        crate::checks::assert_pass(&tls13_hello_extensions(&[&full]));
        let no_sa = crate::sut::parse_client_hello(&crate::sut::tls13_client_hello_bytes_omitting(
            "capif.example",
            &[13],
        ))
        .unwrap();
        let c = tls13_hello_extensions(&[&full, &no_sa]);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("signature_algorithms")),
            "{c:?}"
        );
        let no_ks = crate::sut::parse_client_hello(&crate::sut::tls13_client_hello_bytes_omitting(
            "capif.example",
            &[51],
        ))
        .unwrap();
        let c = tls13_hello_extensions(&[&no_ks]);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("key_share")),
            "{c:?}"
        );
        assert!(matches!(
            tls13_hello_extensions(&[]),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn every_tls12_client_hello_must_signal_renegotiation_info_and_ems() {
        let hello = |suites: &[u16], omit: &[u16]| {
            crate::sut::parse_client_hello(&crate::sut::client_hello_bytes_omitting(
                "capif.example",
                0x0303,
                suites,
                omit,
            ))
            .expect("a ClientHello")
        };
        let scsv = hello(&[0xc02f, 0x00ff], &[0xff01, 0x0017]);
        let ext = hello(&[0xc02f], &[]);
        let bare = hello(&[0xc02f], &[0xff01, 0x0017]);
        let c = tls12_hellos_signal(&[&scsv, &ext], "renegotiation_info", renegotiation_signal);
        assert!(
            matches!(&c, Check::Pass(m) if m.contains("SCSV") && m.contains("extension")),
            "{c:?}"
        );
        let c = tls12_hellos_signal(&[&ext, &bare], "renegotiation_info", renegotiation_signal);
        assert!(
            matches!(&c, Check::Fail(m) if m.starts_with("1 of 2")),
            "{c:?}"
        );
        // The SCSV is no extended_master_secret.
        assert!(matches!(
            tls12_hellos_signal(&[&scsv], "extended_master_secret", ems_signal),
            Check::Fail(_)
        ));
        crate::checks::assert_pass(&tls12_hellos_signal(
            &[&ext],
            "extended_master_secret",
            ems_signal,
        ));
        // Nothing observed: never a pass.
        assert!(matches!(
            tls12_hellos_signal(&[], "extended_master_secret", ems_signal),
            Check::Inconclusive(_)
        ));
    }

    /// A TLS 1.3-only client is a client that supports TLS 1.3 and not TLS 1.2: it fails on
    /// the core that speaks only TLS 1.2 — judged by the handshake, not by its ClientHello.
    #[test]
    fn each_version_is_tested_against_a_core_that_speaks_only_it() {
        use crate::net::TlsVersion;
        let with = |only, handshake| {
            let mut s = session(1, None);
            s.handshake = handshake;
            run(
                Script {
                    only_version: Some(only),
                    ..Script::default()
                },
                AdapterExit::Code(0),
                vec![s],
            )
        };
        let done = |v| Handshake::Completed {
            version: v,
            cipher: "X".into(),
        };
        let both = [
            with(TlsVersion::Tls12, done(TlsVersion::Tls12)),
            with(TlsVersion::Tls13, done(TlsVersion::Tls13)),
        ];
        crate::checks::assert_pass(&onboards_with_each_version(&both));
        let tls13_only = [
            with(
                TlsVersion::Tls12,
                Handshake::Failed {
                    error: "received fatal alert: ProtocolVersion".into(),
                },
            ),
            with(TlsVersion::Tls13, done(TlsVersion::Tls13)),
        ];
        let c = onboards_with_each_version(&tls13_only);
        assert!(!c.passed() && c.reason().contains("only TLS 1.2"), "{c:?}");
        // One core met, or none: nothing to conclude.
        assert!(matches!(
            onboards_with_each_version(&both[..1]),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_bad_certificate_must_be_refused_before_any_data() {
        let bad = Script {
            presents: Presents::Bad(crate::pki::ServerVariant::Expired),
            ..Script::default()
        };
        let hello = crate::sut::parse_client_hello(&crate::sut::client_hello_bytes(
            "localhost",
            0x0303,
            &[0x1301],
        ));
        let mut refused = session(0, None);
        refused.client_hello = hello.clone();
        refused.handshake = Handshake::Failed {
            error: "received fatal alert: BadCertificate".into(),
        };
        let c =
            refused_bad_certificate(&run(bad, AdapterExit::Code(1), vec![refused.clone()]), "x");
        assert!(
            matches!(&c, Check::Pass(m) if m.contains("BadCertificate")),
            "{c:?}"
        );
        // Refusing but claiming success, or sending the request, fails.
        crate::checks::assert_not_pass(&refused_bad_certificate(
            &run(bad, AdapterExit::Code(0), vec![refused.clone()]),
            "x",
        ));
        let mut accepted = session(1, None);
        accepted.client_hello = hello;
        let c = refused_bad_certificate(&run(bad, AdapterExit::Code(1), vec![accepted]), "expired");
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("accepted a core certificate expired")),
            "{c:?}"
        );
        // No ClientHello at all: whether it checks certificates cannot be told.
        let silent = session(0, None);
        assert!(matches!(
            refused_bad_certificate(&run(bad, AdapterExit::Code(1), vec![silent]), "x"),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn an_upgrade_to_tls_in_clear_fails() {
        let mut upgrade = session(0, None);
        upgrade.cleartext_received =
            b"OPTIONS * HTTP/1.1\r\nHost: h\r\nupgrade:  TLS/1.2\r\nConnection: Upgrade\r\n\r\n"
                .to_vec();
        let c = no_upgrade_in_clear(&run(Script::default(), AdapterExit::Code(1), vec![upgrade]));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("OPTIONS * HTTP/1.1") && m.contains("§6.2.1")),
            "{c:?}"
        );
        // A ClientHello, or a request without Upgrade: TLS, is not one.
        let mut hello = session(0, None);
        hello.cleartext_received = vec![0x16, 0x03, 0x01, 0x00];
        let mut websocket = session(0, None);
        websocket.cleartext_received = b"GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n".to_vec();
        crate::checks::assert_pass(&no_upgrade_in_clear(&run(
            Script::default(),
            AdapterExit::Code(1),
            vec![hello, websocket],
        )));
        assert!(matches!(
            no_upgrade_in_clear(&run(Script::default(), AdapterExit::Code(1), vec![])),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_missing_renegotiation_ack_must_be_refused_with_handshake_failure() {
        use crate::sut::LegacyReply;
        let answered = |acknowledged: bool, reply: LegacyReply| {
            let mut s = session(0, None);
            s.handshake = Handshake::Renegotiation {
                acknowledged,
                reply: Ok(reply),
            };
            run(Script::default(), AdapterExit::Code(1), vec![s])
        };
        let failure = LegacyReply::Alert {
            level: 2,
            description: 40,
        };
        let went_on = LegacyReply::Continued { message: 16 };
        let pair = |without: LegacyReply, with: LegacyReply| {
            vec![answered(false, without), answered(true, with)]
        };
        crate::checks::assert_pass(&aborts_without_renegotiation_ack(&pair(
            failure.clone(),
            went_on.clone(),
        )));
        let took = aborts_without_renegotiation_ack(&pair(went_on.clone(), went_on.clone()));
        assert!(
            matches!(&took, Check::Fail(m) if m.contains("§3.5")),
            "{took:?}"
        );
        // Another alert: it aborted, but not as the text says.
        let other = LegacyReply::Alert {
            level: 2,
            description: 80,
        };
        assert!(matches!(
            aborts_without_renegotiation_ack(&pair(other, went_on.clone())),
            Check::Fail(m) if m.contains("handshake_failure")
        ));
        // The control refused too: the flight, not the missing acknowledgement, was refused.
        assert!(matches!(
            aborts_without_renegotiation_ack(&pair(failure.clone(), failure)),
            Check::Inconclusive(_)
        ));
        assert!(matches!(
            aborts_without_renegotiation_ack(&[]),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_downgrade_is_detected_only_when_the_control_went_on() {
        use crate::sut::LegacyReply;
        let answered = |sentinel: bool, reply: LegacyReply| {
            let mut s = session(0, None);
            s.handshake = Handshake::Downgrade {
                sentinel,
                reply: Ok(reply),
            };
            run(Script::default(), AdapterExit::Code(1), vec![s])
        };
        let illegal = LegacyReply::Alert {
            level: 2,
            description: 47,
        };
        let went_on = LegacyReply::Continued { message: 16 };
        let pair = |with: LegacyReply, without: LegacyReply| {
            vec![answered(true, with), answered(false, without)]
        };
        crate::checks::assert_pass(&detects_downgrade(&pair(illegal.clone(), went_on.clone())));
        // Taking the sentinel fails whatever the control did.
        let took = detects_downgrade(&pair(went_on.clone(), went_on.clone()));
        assert!(
            matches!(&took, Check::Fail(m) if m.contains("§4.1.3") && m.contains("ClientKeyExchange")),
            "{took:?}"
        );
        // The control refused too: the flight, not the sentinel, was refused.
        assert!(matches!(
            detects_downgrade(&pair(illegal.clone(), illegal.clone())),
            Check::Inconclusive(_)
        ));
        // Aborted, but not with illegal_parameter (the control went on).
        let wrong = LegacyReply::Alert {
            level: 2,
            description: 40,
        };
        let c = detects_downgrade(&pair(wrong, went_on.clone()));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("illegal_parameter")),
            "{c:?}"
        );
        // No control run, or no flight: nothing to judge.
        crate::checks::assert_not_pass(&detects_downgrade(&[answered(true, illegal)]));
        assert!(matches!(detects_downgrade(&[]), Check::Inconclusive(_)));
    }

    #[test]
    fn client_hello_checks_read_the_first_hello() {
        let ok = Script::default();
        let r = |s| run(ok, AdapterExit::Code(0), vec![s]);
        let modern = r(hello(
            Some(vec![0x0a0a, 0x0304, 0x0303]),
            Some("core.test"),
            &[0x1301, 0xc02b],
        ));
        crate::checks::assert_pass(&client_hello_suites(
            &modern,
            crate::net::suites::Grade::Discouraged,
        ));
        crate::checks::assert_pass(&sends_sni(&modern, "CORE.test"));
        let legacy = r(hello(None, None, &[0xc02b]));
        let c = sends_sni(&legacy, "core.test");
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("no server_name")),
            "{c:?}"
        );
        let wrong = sends_sni(&r(hello(None, Some("other.test"), &[])), "core.test");
        assert!(
            matches!(&wrong, Check::Fail(m) if m.contains("other.test")),
            "{wrong:?}"
        );
        // RC4 (0x0005) is forbidden, and INV-TLS-11's alone; static RSA (0x002f) only
        // discouraged.
        use crate::net::suites::Grade;
        let rc4 = r(hello(Some(vec![0x0303]), None, &[0xc02b, 0x0005]));
        crate::checks::assert_not_pass(&client_hello_suites(&rc4, Grade::Forbidden));
        crate::checks::assert_pass(&client_hello_suites(&rc4, Grade::Discouraged));
        let cbc = r(hello(Some(vec![0x0303]), None, &[0xc02b, 0x002f]));
        crate::checks::assert_pass(&client_hello_suites(&cbc, Grade::Forbidden));
        let c = client_hello_suites(&cbc, Grade::Discouraged);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("SHOULD NOT") && m.contains("static RSA")),
            "{c:?}"
        );
        // An OpenSSL-style hello: ECDHE-CBC with encrypt_then_mac offered is not discouraged.
        let mut openssl = hello(Some(vec![0x0304, 0x0303]), None, &[0x1302, 0xc02c, 0xc013]);
        openssl.client_hello.as_mut().unwrap().extensions = vec![22, 23, 0xff01];
        crate::checks::assert_pass(&client_hello_suites(&r(openssl), Grade::Discouraged));
        // Never a ClientHello: nothing to judge.
        let none = r(session(0, None));
        for c in [
            refuses_legacy_version(&none),
            client_hello_suites(&none, Grade::Forbidden),
            sends_sni(&none, "core.test"),
        ] {
            assert!(matches!(c, Check::Inconclusive(_)), "{c:?}");
        }
    }

    /// A TLS 1.2 ClientHello without supported_versions is judged by what the invoker does
    /// with a TLS 1.1 ServerHello, never read as offering TLS 1.0/1.1.
    #[test]
    fn a_legacy_version_is_refused_when_answered_not_when_guessed() {
        use crate::sut::LegacyReply;
        let answered = |suites: &[u16], legacy_version: u16, reply: LegacyReply| {
            let mut s = hello(None, None, suites);
            s.client_hello.as_mut().unwrap().legacy_version = legacy_version;
            s.handshake = Handshake::Legacy {
                version: 0x0302,
                reply,
            };
            run(Script::default(), AdapterExit::Code(1), vec![s])
        };
        let refused = LegacyReply::Alert {
            level: 2,
            description: 70,
        };
        // An OpenSSL-style TLS 1.2 client (CBC-SHA suites usable in TLS 1.1) that refuses.
        let tls12_only = answered(&[0xc02b, 0xc013, 0x002f], 0x0303, refused.clone());
        crate::checks::assert_pass(&refuses_legacy_version(&tls12_only));
        let took_it = answered(
            &[0xc02b, 0x002f],
            0x0303,
            LegacyReply::Continued { message: 16 },
        );
        let c = refuses_legacy_version(&took_it);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("TLS 1.1")),
            "{c:?}"
        );
        // Another alert after the flight tells nothing about the version...
        let other = LegacyReply::Alert {
            level: 2,
            description: 40,
        };
        assert!(matches!(
            refuses_legacy_version(&answered(&[0xc02b, 0x002f], 0x0303, other.clone())),
            Check::Inconclusive(_)
        ));
        // ...unless no suite it offers exists below TLS 1.2.
        crate::checks::assert_pass(&refuses_legacy_version(&answered(
            &[0xc02b, 0x1301],
            0x0303,
            other,
        )));
        // A hello whose highest version is TLS 1.1, or that lists TLS 1.0, offers it.
        crate::checks::assert_not_pass(&refuses_legacy_version(&answered(
            &[0x002f],
            0x0302,
            refused.clone(),
        )));
        let mut listed = hello(Some(vec![0x0304, 0x0303, 0x0301]), None, &[0x1301]);
        listed.handshake = Handshake::Legacy {
            version: 0x0302,
            reply: refused,
        };
        crate::checks::assert_not_pass(&refuses_legacy_version(&run(
            Script::default(),
            AdapterExit::Code(1),
            vec![listed],
        )));
    }
}
