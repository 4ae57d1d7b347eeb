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
mod tests;
