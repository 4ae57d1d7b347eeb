//! Checks of a CAPIF core's behaviour.

use rustls_pki_types::{CertificateDer, UnixTime};

use super::Check;
use crate::model::{ApiInvokerEnrolmentDetails, ProblemDetails, ONBOARDING_PATH, PROBLEM_JSON};
use crate::net::{HttpResponse, SessionEnd, TlsSummary};
use crate::pki::verify_issued;
use crate::sut::{LegacyHelloOutcome, TeardownPolicy};

pub use crate::net::describe_response as describe;

/// The negotiated version is TLS 1.2 or 1.3 (the chain and name were verified by the handshake).
pub fn tls_version_allowed(tls: &TlsSummary, server_name: &str) -> Check {
    Check::expect(
        tls.version.allowed(),
        format!(
            "{} with {}; the certificate chains to the provisioned root and is valid for {server_name}",
            tls.version, tls.cipher
        ),
        format!("expected TLS 1.2 or 1.3, negotiated {}", tls.version),
    )
}

/// The secure connection with the provisioned root and the core's name was established, over
/// TLS 1.2 or 1.3 ([`tls_version_allowed`]).
pub fn secure_connection(
    outcome: &Result<TlsSummary, crate::net::TlsFailure>,
    server_name: &str,
) -> Check {
    match outcome {
        Ok(tls) => tls_version_allowed(tls, server_name),
        // One defect, one failure: a chain refused only for its algorithm is CCF-TLS-16's.
        Err(e) if e.weak_algorithm => Check::blocked(
            Some("CCF-TLS-16"),
            format!(
                "the harness refused the core's certificate for its signature algorithm or key ({e}); CCF-TLS-16 judges key and signature strength"
            ),
        ),
        Err(e) => Check::Fail(format!(
            "the secure connection could not be established with the provisioned root and name {server_name}: {e}"
        )),
    }
}

/// CCF-TLS-16: no certificate the core presents (read through a handshake that verifies
/// nothing, so a chain the strict verifier refuses is judged too) has an RSA key under 2048
/// bits, an EC key under 224 bits or a SHA-1/MD5 signature (RFC 9325 §4.5; see
/// [`crate::pki::weaknesses`]).
pub fn certificate_strength(
    chain: &Result<Vec<rustls_pki_types::CertificateDer<'static>>, String>,
) -> Check {
    let chain = match chain {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => return Check::Inconclusive("the core presented no certificate".into()),
        Err(e) => {
            return Check::Inconclusive(format!(
                "no handshake with the core completed, so no certificate was seen: {e}"
            ))
        }
    };
    let weak = crate::pki::weaknesses(chain);
    if weak.is_empty() {
        return Check::Pass(format!(
            "none of the {} certificate(s) the core presents has an RSA key under 2048 bits, an EC key under 224 bits or a SHA-1/MD5 signature",
            chain.len()
        ));
    }
    Check::Fail(format!(
        "{} (RFC 9325 §4.5: RSA of at least 2048 bits, no curve under 224 bits, SHA-1 or MD5 MUST NOT be used)",
        weak.iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join("; ")
    ))
}

/// CCF-TLS-17: an onboarding POST sent as TLS 1.3 early data is not processed (RFC 9325
/// §3.10: "applications MUST avoid this feature unless an explicit specification exists";
/// RFC 8446 App. E.5: no profile, no 0-RTT; none exists for CAPIF). A core whose tickets
/// permit no early data, or that declines it, passes (that is observed); one that accepted it
/// fails on a 2xx and passes on 425 Too Early (RFC 8470); any other answer is inconclusive.
pub fn early_data_not_processed(
    outcome: &Result<crate::sut::early_data::EarlyData, String>,
) -> Check {
    use crate::sut::early_data::{status_line, EarlyData};
    match outcome {
        Err(e) => Check::Inconclusive(format!("the early-data probe did not complete: {e}")),
        Ok(EarlyData::NotPermitted { resumed }) => Check::Pass(format!(
            "no onboarding request can reach the core as 0-RTT: {}",
            if *resumed {
                "its session tickets permit no early data"
            } else {
                "it issued no ticket a TLS 1.3 client could resume with"
            }
        )),
        Ok(EarlyData::Declined { sent }) => Check::Pass(format!(
            "a ticket permitted early data, but the core declined the {sent} bytes of the onboarding POST sent as 0-RTT"
        )),
        Ok(EarlyData::Accepted { answer, .. }) => {
            let line = status_line(answer);
            let status = line
                .as_deref()
                .and_then(|l| l.split(' ').nth(1))
                .and_then(|c| c.parse::<u16>().ok());
            let line = line.unwrap_or_else(|| "no HTTP answer".into());
            match status {
                Some(s) if (200..300).contains(&s) => Check::Fail(format!(
                    "the core accepted the onboarding POST as TLS 1.3 early data (0-RTT, replayable) and answered {line} (RFC 9325 §3.10, RFC 8446 App. E.5: no 0-RTT without a profile, and CAPIF has none)"
                )),
                Some(425) => Check::Pass(format!(
                    "the core accepted the early data but answered {line} (RFC 8470): the request was not processed"
                )),
                _ => Check::Inconclusive(format!(
                    "the core accepted the onboarding POST as early data and answered {line}: whether it processed it is not shown"
                )),
            }
        }
    }
}

/// A client offering only `version` (TLS 1.2 or 1.3, both "shall be supported") completes a
/// handshake. A handshake aborted for want of a client certificate is CCF-TLS-04's finding.
pub fn handshake_with_only(
    version: &str,
    outcome: &Result<TlsSummary, crate::net::TlsFailure>,
) -> Check {
    handshake_with_offer(
        &format!("only {version}"),
        outcome,
        &format!("TS 33.210 §6.2.1: {version} shall be supported"),
    )
}

/// CCF-TLS-11 and -12: every TLS 1.2 ServerHello of the enumeration acknowledged what every
/// hand-built hello offered: renegotiation_info (RFC 9325 §3.5: "TLS 1.2 clients and servers
/// MUST implement the renegotiation_info extension", RFC 5746) or extended_master_secret
/// (RFC 9325 §3.5, RFC 7627). `what` names it, `acked` reads it off an accepted suite. A core
/// that accepted no TLS 1.2 hello at all is CCF-TLS-06's finding.
pub fn tls12_extension_acknowledged(
    found: &crate::sut::tls_enumeration::Enumeration,
    what: &str,
    acked: fn(&crate::sut::tls_enumeration::AcceptedSuite) -> bool,
) -> Check {
    if found.accepted.is_empty() {
        return Check::blocked(
            Some("CCF-TLS-06"),
            "no hand-built TLS 1.2 hello was answered with a ServerHello, so there is no acknowledgement to judge",
        );
    }
    let name = |a: &crate::sut::tls_enumeration::AcceptedSuite| crate::sut::suite_name(a.suite);
    let missing: Vec<String> = found
        .accepted
        .iter()
        .filter(|a| !acked(a))
        .map(name)
        .collect();
    if missing.is_empty() {
        return Check::Pass(format!(
            "every one of the {} TLS 1.2 ServerHellos acknowledged {what}",
            found.accepted.len()
        ));
    }
    Check::Fail(format!(
        "{} of {} TLS 1.2 ServerHellos did not acknowledge {what}, offered in the ClientHello (RFC 9325 §3.5), e.g. with {}",
        missing.len(),
        found.accepted.len(),
        missing.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
    ))
}

/// CCF-TLS-13/14: a client offering only `offer` (one TLS 1.3 suite and group, or one group)
/// completes a handshake; `requirement` says which text asks for it. A core that wants a
/// client certificate is CCF-TLS-04's finding.
pub fn handshake_with_offer(
    offer: &str,
    outcome: &Result<TlsSummary, crate::net::TlsFailure>,
    requirement: &str,
) -> Check {
    match outcome {
        Ok(tls) => Check::Pass(format!(
            "offered {offer}, the handshake completed ({} with {})",
            tls.version, tls.cipher
        )),
        Err(e) if e.certificate_required => Check::blocked(
            Some("CCF-TLS-04"),
            format!("the handshake was aborted for want of a client certificate: {e}"),
        ),
        Err(e) => Check::Fail(format!(
            "offered {offer}, the core did not complete a handshake: {e} ({requirement})"
        )),
    }
}

pub use crate::net::suites::AES128_GCM_ECDHE;

/// CCF-TLS-15: proposed every discouraged TLS 1.2 suite first and the AES-128-GCM ECDHE suites
/// last, the core selects one of the latter (RFC 9325 §4.2.1: "Servers MUST prefer this cipher
/// suite over weaker cipher suites whenever it is proposed, even if it is not the first
/// proposal."). `answer` is that hello's outcome and selected suite; `found` is the run's TLS
/// 1.2 enumeration, which tells whether a pass shows a preference (the core accepts weaker
/// suites alone, yet chose the AEAD one) or only a refusal of the weaker ones.
pub fn prefers_aes128_gcm_ecdhe(
    answer: &(LegacyHelloOutcome, Option<u16>),
    found: &crate::sut::tls_enumeration::Enumeration,
) -> Check {
    use crate::net::suites::{suite_name, SuiteClass};
    let supported: Vec<u16> = found
        .accepted
        .iter()
        .map(|a| a.suite)
        .filter(|s| AES128_GCM_ECDHE.contains(s))
        .collect();
    let weaker_accepted = found
        .accepted
        .iter()
        .filter(|a| SuiteClass::DISCOURAGED.contains(&a.class))
        .count();
    match answer {
        (LegacyHelloOutcome::ServerHello { .. }, Some(s)) if AES128_GCM_ECDHE.contains(s) => {
            Check::Pass(if weaker_accepted > 0 {
                format!(
                    "proposed last, after every discouraged suite, {} was selected; the core accepts {weaker_accepted} of the weaker suites when offered alone (enumeration), so this is its preference",
                    suite_name(*s)
                )
            } else {
                format!(
                    "proposed last, after every discouraged suite, {} was selected; the core accepts none of the weaker suites alone, so it met the preference by refusing them",
                    suite_name(*s)
                )
            })
        }
        (LegacyHelloOutcome::ServerHello { .. }, Some(s))
            if SuiteClass::DISCOURAGED.contains(&SuiteClass::of(*s)) =>
        {
            Check::Fail(format!(
                "the core selected {} ({}) though TLS_ECDHE_*_AES_128_GCM_SHA256 was proposed too, last; RFC 9325 §4.2.1: servers MUST prefer it over weaker suites even when it is not the first proposal",
                suite_name(*s),
                SuiteClass::of(*s).name()
            ))
        }
        (LegacyHelloOutcome::ServerHello { .. }, s) => Check::Inconclusive(format!(
            "the ServerHello selected {}, which was not proposed",
            s.map(suite_name).unwrap_or_else(|| "no readable suite".into())
        )),
        (refusal, _) if supported.is_empty() => Check::blocked(
            None,
            format!(
                "the core accepts neither TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 nor TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 over TLS 1.2 (enumeration), so there is no preference to judge; the hello proposing them last was answered with: {}",
                refusal.describe()
            ),
        ),
        (refusal, _) => Check::Inconclusive(format!(
            "the core accepts {} alone but answered the hello proposing it after the weaker suites with: {}; no suite was negotiated, so no preference was shown",
            suite_name(supported[0]),
            refusal.describe()
        )),
    }
}

/// CCF-TLS-10: offered TLS 1.2 and TLS 1.3, a core that implements TLS 1.3 negotiates it
/// (RFC 9325 §3.1.1: "if implemented, MUST prefer to negotiate TLS 1.3"). Whether it
/// implements TLS 1.3 is told by a handshake offering only TLS 1.3 (`only13`); one that does
/// not is CCF-TLS-07's finding, not this one's.
pub fn prefers_tls13(
    both: &Result<TlsSummary, crate::net::TlsFailure>,
    only13: &Result<TlsSummary, crate::net::TlsFailure>,
) -> Check {
    let both = match both {
        Ok(tls) => tls,
        Err(e) if e.certificate_required => {
            return Check::blocked(
                Some("CCF-TLS-04"),
                format!("the handshake was aborted for want of a client certificate: {e}"),
            )
        }
        Err(e) => {
            return Check::blocked(
                Some("CCF-TLS-01"),
                format!(
                    "a client offering TLS 1.2 and TLS 1.3 could not complete a handshake: {e}"
                ),
            )
        }
    };
    if both.version == crate::net::TlsVersion::Tls13 {
        return Check::Pass(format!(
            "offered TLS 1.2 and TLS 1.3, the core negotiated TLS 1.3 ({})",
            both.cipher
        ));
    }
    match only13 {
        Ok(tls) if tls.version == crate::net::TlsVersion::Tls13 => Check::Fail(format!(
            "offered TLS 1.2 and TLS 1.3, the core negotiated {} ({}), though it completes a TLS 1.3 handshake with a client offering only TLS 1.3 (RFC 9325 §3.1.1: if implemented, TLS 1.3 MUST be preferred)",
            both.version, both.cipher
        )),
        Ok(tls) => Check::Inconclusive(format!(
            "offered only TLS 1.3, the handshake reported {}: whether the core speaks TLS 1.3 is unclear",
            tls.version
        )),
        Err(e) => Check::blocked(
            Some("CCF-TLS-07"),
            format!(
                "the core negotiated {} when offered both, and a client offering only TLS 1.3 could not complete a handshake ({e}): it does not speak TLS 1.3, so there is no preference to judge",
                both.version
            ),
        ),
    }
}

/// CCF-TLS-02: SSL 3.0, TLS 1.0 and TLS 1.1, each offered with every registry suite that
/// exists for it, are refused: a protocol_version alert, a close, a ServerHello negotiating
/// TLS 1.2 or later, a handshake_failure to the full offer (no suite of the version at all),
/// or silence (nothing negotiated, within the PIXIT `[timeouts] handshake`). A ServerHello at
/// the legacy version fails; bytes that are not TLS prove nothing.
pub fn legacy_versions_refused(probes: &[crate::sut::tls_enumeration::VersionProbe]) -> Check {
    let name = |v: u16| crate::sut::version_name(v);
    let mut refused = Vec::new();
    let mut accepted = Vec::new();
    let mut unclear = Vec::new();
    for p in probes {
        let offer = format!("{} ({} suites offered)", name(p.version), p.offered);
        match &p.outcome {
            LegacyHelloOutcome::ServerHello { version } if *version < 0x0303 => {
                accepted.push(format!(
                    "{offer}: a ServerHello at {} selecting {}",
                    name(*version),
                    p.selected
                        .map(crate::net::suites::suite_name)
                        .unwrap_or_else(|| "a suite".into())
                ))
            }
            LegacyHelloOutcome::ServerHello { version } => {
                refused.push(format!("{offer}: answered at {}", name(*version)))
            }
            LegacyHelloOutcome::NotTls { first_bytes } => {
                unclear.push(format!("{offer}: bytes that are not TLS ({first_bytes})"))
            }
            LegacyHelloOutcome::Silent => refused.push(format!(
                "{offer}: negotiated nothing (silent within the PIXIT [timeouts] handshake)"
            )),
            o => refused.push(format!("{offer}: {}", o.describe())),
        }
    }
    if !accepted.is_empty() {
        return Check::Fail(format!(
            "the core negotiates a version TS 33.210 §6.2.1 says shall not be supported: {}",
            accepted.join("; ")
        ));
    }
    if !unclear.is_empty() {
        return Check::Inconclusive(format!(
            "whether the core refuses every legacy version cannot be told: {}",
            unclear.join("; ")
        ));
    }
    Check::Pass(format!(
        "every legacy version refused: {}",
        refused.join("; ")
    ))
}

/// CCF-TLS-08 (`grade` Forbidden) / CCF-TLS-09 (Discouraged): of every TLS 1.2 suite the core
/// accepts (enumerated, each class offered whole), none is of a class the texts grade so
/// (CBC counts only when encrypt_then_mac, offered, was not negotiated). Judged once
/// `control`, a hand-built hello with the recommended AEAD suites, got a ServerHello. The
/// reason names the count and the worst classes; the full list is in the evidence.
pub fn enumerated_suites_refused(
    found: &crate::sut::tls_enumeration::Enumeration,
    grade: crate::net::suites::Grade,
    control: &LegacyHelloOutcome,
) -> Check {
    use crate::net::suites::Grade;
    if !matches!(control, LegacyHelloOutcome::ServerHello { .. }) {
        return Check::blocked(
            None,
            format!(
                "the core refused even the recommended AEAD suites from the harness's hand-built ClientHello ({}), so a refusal proves nothing",
                control.describe()
            ),
        );
    }
    let bad: Vec<&crate::sut::tls_enumeration::AcceptedSuite> = found
        .accepted
        .iter()
        .filter(|a| a.class.grade(a.encrypt_then_mac) == grade)
        .collect();
    let (what, keyword) = match grade {
        Grade::Forbidden => ("forbidden", "MUST NOT"),
        _ => ("discouraged", "SHOULD NOT"),
    };
    if !bad.is_empty() {
        let mut classes: Vec<crate::net::suites::SuiteClass> =
            bad.iter().map(|a| a.class).collect();
        classes.sort();
        classes.dedup();
        let named: Vec<String> = classes
            .iter()
            .map(|c| {
                let of_class: Vec<String> = bad
                    .iter()
                    .filter(|a| a.class == *c)
                    .map(|a| crate::net::suites::suite_name(a.suite))
                    .collect();
                let more = of_class.len().saturating_sub(2);
                format!(
                    "{}: {}{}",
                    c.cited(),
                    of_class.into_iter().take(2).collect::<Vec<_>>().join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        return Check::Fail(format!(
            "the core accepts {} {what} TLS 1.2 suite(s) ({keyword}; a CBC suite counts only without encrypt_then_mac negotiated): {}; see evidence",
            bad.len(),
            named.join("; ")
        ));
    }
    if !found.incomplete.is_empty() {
        return Check::Inconclusive(format!(
            "no {what} suite was accepted, but the enumeration did not finish: {}",
            found.incomplete.join("; ")
        ));
    }
    Check::Pass(format!(
        "no {what} TLS 1.2 suite is accepted ({} suites accepted in all, found in {} handshakes; see evidence)",
        found.accepted.len(),
        found.handshakes
    ))
}

/// An onboarding request sent in clear was not processed: no 2xx, and the key onboards later.
pub fn cleartext_not_processed(
    status: Option<u16>,
    later_onboarding: Option<&HttpResponse>,
) -> Check {
    if let Some(s) = status.filter(|s| (200..300).contains(s)) {
        return Check::Fail(format!(
            "expected no processing, the cleartext request got HTTP {s}"
        ));
    }
    let seen = match status {
        Some(s) => format!("the cleartext request got HTTP {s}"),
        None => "the cleartext request got no HTTP answer".into(),
    };
    match later_onboarding {
        Some(r) if matches!(r.status, 403 | 409) => Check::Fail(format!(
            "the key of the cleartext request was stored: onboarding it over TLS afterwards got {}",
            describe(r)
        )),
        Some(r) if (200..300).contains(&r.status) => {
            Check::Pass(format!("{seen} and created nothing (the key onboarded over TLS afterwards)"))
        }
        Some(r) => Check::blocked(
            Some("CCF-OK-01"),
            format!("{seen}, but whether it created anything cannot be told: onboarding the key over TLS afterwards got {}", describe(r)),
        ),
        None => Check::Inconclusive(format!("{seen}; the key was not onboarded over TLS afterwards")),
    }
}

/// The key of a request that was rejected onboards afterwards: the rejection stored nothing.
pub fn same_key_onboards(resp: &HttpResponse) -> Check {
    if (200..300).contains(&resp.status) {
        return Check::Pass(format!(
            "the same key onboarded afterwards: {}",
            describe(resp)
        ));
    }
    if matches!(resp.status, 403 | 409) {
        return Check::Fail(format!(
            "the rejected request left state: onboarding the same key afterwards got {}",
            describe(resp)
        ));
    }
    Check::blocked(
        Some("CCF-OK-01"),
        format!(
            "the valid request for the same key was answered {}",
            describe(resp)
        ),
    )
}

/// A valid request is still accepted (2xx) after what the scenario did before.
pub fn still_accepted(resp: &HttpResponse) -> Check {
    Check::expect(
        (200..300).contains(&resp.status),
        format!("the core still onboards: {}", describe(resp)),
        format!(
            "a valid request afterwards was not accepted: {}",
            describe(resp)
        ),
    )
}

/// A valid request without a client certificate gets a normal onboarding answer (2xx); a
/// core that aborts the session with certificate_required, or answers that a certificate is
/// missing (nginx `ssl_verify_client on`: 400 "No required SSL certificate was sent"), fails.
pub fn no_client_certificate_required(
    resp: Option<&HttpResponse>,
    error: Option<&crate::net::TlsFailure>,
) -> Check {
    if let Some(e) = error.filter(|e| e.certificate_required) {
        return Check::Fail(format!(
            "the core aborted the session because the invoker presented no client certificate: {e}"
        ));
    }
    match (resp, error) {
        (Some(r), _) if super::demands_client_certificate(r) => Check::Fail(format!(
            "the core demands a client certificate for onboarding: {}",
            describe(r)
        )),
        (Some(r), _) if (200..300).contains(&r.status) => Check::Pass(format!(
            "a valid request without a client certificate got {}",
            describe(r)
        )),
        (Some(r), _) => Check::blocked(
            Some("CCF-OK-01"),
            format!(
                "the valid request was not accepted, for a reason other than a client certificate: {}",
                describe(r)
            ),
        ),
        (None, Some(e)) => Check::Fail(format!(
            "a valid request without a client certificate got no answer: {e}"
        )),
        (None, None) => Check::Inconclusive("no answer was recorded".into()),
    }
}

/// Rejected: a 4xx without apiInvokerId, Location or certificate.
pub fn rejected(resp: &HttpResponse) -> Check {
    let body = resp.json();
    let leaked = body.as_ref().is_some_and(|j| {
        j.get("apiInvokerId").is_some()
            || j.pointer("/onboardingInformation/apiInvokerCertificate")
                .is_some()
    });
    if !(400..500).contains(&resp.status) {
        return Check::Fail(format!("expected a 4xx rejection, got {}", describe(resp)));
    }
    if leaked || resp.header("location").is_some() {
        return Check::Fail(format!(
            "the rejection carries onboarding results: {}",
            describe(resp)
        ));
    }
    Check::Pass(format!("rejected with {}", describe(resp)))
}

/// A 401 carries a `WWW-Authenticate` challenge (RFC 9110 §11.6.1: a server generating a 401
/// MUST send one; RFC 6750 §3 gives the Bearer form). Another status has no 401 to judge.
pub fn www_authenticate(resp: &HttpResponse) -> Check {
    if resp.status != 401 {
        return Check::Inconclusive(format!(
            "the request without a credential was answered {}, not 401, so there is no 401 to judge",
            describe(resp)
        ));
    }
    match resp.header("www-authenticate") {
        Some(v) if !v.trim().is_empty() => Check::Pass(format!("401 with WWW-Authenticate: {v}")),
        _ => Check::Fail(format!(
            "the 401 has no WWW-Authenticate challenge (RFC 9110 §11.6.1: a server generating a 401 MUST send one): {}",
            describe(resp)
        )),
    }
}

/// CCF-CRED-19: every 401 to a presented credential carries a WWW-Authenticate challenge
/// (RFC 9110 §11.6.1 binds every 401; RFC 6750 §3 names a request whose token does not enable
/// access). `missing` is the answer to the request without a credential: when that 401 lacks
/// the challenge too, the defect is CCF-CRED-10's, judged there once. Answers other than 401
/// are not judged (which 4xx a core uses is not ours to say).
pub fn www_authenticate_on_every_401(
    missing: &HttpResponse,
    presented: &[(String, HttpResponse)],
) -> Check {
    let challenges = |r: &HttpResponse| {
        r.header("www-authenticate")
            .is_some_and(|v| !v.trim().is_empty())
    };
    let judged: Vec<&(String, HttpResponse)> =
        presented.iter().filter(|(_, r)| r.status == 401).collect();
    let lacking: Vec<&str> = judged
        .iter()
        .filter(|(_, r)| !challenges(r))
        .map(|(label, _)| label.as_str())
        .collect();
    if lacking.is_empty() {
        return if judged.is_empty() {
            Check::Inconclusive(format!(
                "no presented credential was answered 401 ({}), so there is no 401 to judge",
                presented
                    .iter()
                    .map(|(label, r)| format!("{label}: {}", r.status))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else {
            Check::Pass(format!(
                "each 401 carries WWW-Authenticate: {}",
                judged
                    .iter()
                    .map(|(label, r)| format!(
                        "{label}: {}",
                        r.header("www-authenticate").unwrap_or_default()
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        };
    }
    if missing.status == 401 && !challenges(missing) {
        return Check::blocked(
            Some("CCF-CRED-10"),
            "no 401 of this core carries WWW-Authenticate, not even the one for a missing credential",
        );
    }
    Check::Fail(format!(
        "the 401 to {} has no WWW-Authenticate challenge (RFC 9110 §11.6.1: a server generating a 401 MUST send one, whatever the credential was){}",
        lacking.join(", "),
        if missing.status == 401 {
            " though the 401 to the request without a credential has one"
        } else {
            ""
        }
    ))
}

/// The names of the auth-params of a challenge (`Bearer realm="x", error="invalid_token"` →
/// realm, error), read as RFC 9110 §11.2 writes them: a quoted-string value (with its
/// backslash escapes) is skipped whole, so a comma or an `error=` inside one is not a param.
fn auth_param_names(challenge: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = challenge.trim_start().chars().peekable();
    // The auth-scheme, up to the first space.
    while chars.next_if(|c| *c != ' ').is_some() {}
    loop {
        while chars
            .next_if(|c| *c == ' ' || *c == ',' || *c == '\t')
            .is_some()
        {}
        let name: String =
            std::iter::from_fn(|| chars.next_if(|c| !matches!(c, '=' | ',' | ' ' | '\t')))
                .collect();
        if name.is_empty() && chars.peek().is_none() {
            return names;
        }
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        if chars.next_if_eq(&'=').is_none() {
            // token68 or a stray token: not an auth-param.
            continue;
        }
        names.push(name);
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        if chars.next_if_eq(&'"').is_some() {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => break,
                    _ => {}
                }
            }
        } else {
            while chars.next_if(|c| *c != ',').is_some() {}
        }
    }
}

/// CCF-CRED-20: every 401 to a presented Bearer token names the error in its challenge (RFC
/// 6750 §3.1: the resource server SHOULD include the "error" attribute). A 401 without any
/// challenge is CCF-CRED-10's or -19's finding; other answers are not judged.
pub fn error_attribute_on_every_401(
    missing: &HttpResponse,
    bearer: &[(String, HttpResponse)],
) -> Check {
    let challenge = |r: &HttpResponse| r.header("www-authenticate").map(str::to_string);
    let judged: Vec<&(String, HttpResponse)> =
        bearer.iter().filter(|(_, r)| r.status == 401).collect();
    if judged.is_empty() {
        return Check::Inconclusive(
            "no presented Bearer token was answered 401, so there is no challenge to judge".into(),
        );
    }
    if judged
        .iter()
        .any(|(_, r)| challenge(r).is_none_or(|c| c.trim().is_empty()))
    {
        let root = if missing.status == 401 && challenge(missing).is_none() {
            "CCF-CRED-10"
        } else {
            "CCF-CRED-19"
        };
        return Check::blocked(
            Some(root),
            "a 401 to a presented token carries no WWW-Authenticate challenge at all",
        );
    }
    let names_error = |c: &str| {
        auth_param_names(c)
            .iter()
            .any(|n| n.eq_ignore_ascii_case("error"))
    };
    let lacking: Vec<String> = judged
        .iter()
        .filter(|(_, r)| !challenge(r).is_some_and(|c| names_error(&c)))
        .map(|(label, r)| format!("{label}: {}", challenge(r).unwrap_or_default()))
        .collect();
    if lacking.is_empty() {
        Check::Pass(format!(
            "each 401 to a presented Bearer token names the error: {}",
            judged
                .iter()
                .map(|(label, r)| format!("{label}: {}", challenge(r).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    } else {
        Check::Fail(format!(
            "the challenge to a presented Bearer token does not name the error (RFC 6750 §3.1: SHOULD include the \"error\" attribute, e.g. error=\"invalid_token\"): {}",
            lacking.join("; ")
        ))
    }
}

/// Rejected with one of `statuses`.
pub fn rejected_with(resp: &HttpResponse, statuses: &[u16]) -> Check {
    match rejected(resp) {
        Check::Pass(_) if !statuses.contains(&resp.status) => Check::Fail(format!(
            "expected {}, got {}",
            statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            describe(resp)
        )),
        other => other,
    }
}

/// The error is a ProblemDetails in application/problem+json; its `status`, when present,
/// matches the HTTP status. TS 29.122's ProblemDetails has no required member, so a missing
/// `status` or `invalidParams` is not a failure.
pub fn problem_details(resp: &HttpResponse) -> Check {
    let media = resp
        .media_type()
        .unwrap_or_else(|| "no Content-Type".into());
    if media != PROBLEM_JSON {
        return Check::Fail(format!("expected {PROBLEM_JSON}, got {}", describe(resp)));
    }
    let is_object = resp.json().is_some_and(|j| j.is_object());
    let Some(pd) = serde_json::from_slice::<ProblemDetails>(&resp.body)
        .ok()
        .filter(|_| is_object)
    else {
        return Check::Fail(format!(
            "the error body is not a ProblemDetails object: {}",
            describe(resp)
        ));
    };
    match pd.status {
        Some(s) if s != resp.status => Check::Fail(format!(
            "ProblemDetails.status is {s} but the HTTP status is {}",
            resp.status
        )),
        Some(_) => Check::Pass(format!("ProblemDetails: {}", describe(resp))),
        None => Check::Pass(format!(
            "ProblemDetails without the optional status member: {}",
            describe(resp)
        )),
    }
}

/// A request lacking required `field` is rejected with 400 and no onboarding result (the
/// mandatory part: TS 29.222's POST answers 400 to a body that violates the schema). Whether
/// the answer names the field is reported, and judged by [`invalid_params_name`].
pub fn bad_request_for_missing(resp: &HttpResponse, field: &str) -> Check {
    if let c @ Check::Fail(_) = rejected(resp) {
        return c;
    }
    if resp.status != 400 {
        return Check::Fail(format!(
            "expected 400 Bad Request for a body without {field}, got {}",
            describe(resp)
        ));
    }
    let named = if names_in_invalid_params(resp, field) {
        "named in invalidParams"
    } else if String::from_utf8_lossy(&resp.body).contains(field) {
        "named in the body but not in invalidParams"
    } else {
        "not named"
    };
    Check::Pass(format!("{} — {field} {named}", describe(resp)))
}

fn names_in_invalid_params(resp: &HttpResponse, field: &str) -> bool {
    serde_json::from_slice::<ProblemDetails>(&resp.body)
        .ok()
        .and_then(|p| p.invalid_params)
        .unwrap_or_default()
        .iter()
        .any(|p| p.param.contains(field))
}

/// The 400 names the missing `field` in `invalidParams` (recommended: TS 29.122 makes
/// invalidParams optional, but it is what lets an invoker fix its request).
pub fn invalid_params_name(resp: &HttpResponse, field: &str) -> Check {
    if resp.status != 400 {
        return Check::Inconclusive(format!(
            "the body without {field} was not answered 400 ({}), see CCF-REQ-01..03",
            describe(resp)
        ));
    }
    Check::expect(
        names_in_invalid_params(resp, field),
        format!("{field}: {}", describe(resp)),
        format!(
            "expected invalidParams naming {field}, got {}",
            describe(resp)
        ),
    )
}

/// The apiInvokerId the invoker sent was not adopted.
/// The free text CCF-REQ-07 sends as apiInvokerInformation: spaces, both quotes, `$`, `;`,
/// `&`, `|`, `*`, `%`, `#`, `?`, `/` and non-ASCII, about 600 characters. Benign: nothing in it
/// would do harm if a core handed it to a shell (no redirection, no command but `echo`).
pub fn free_text() -> String {
    let piece = "capif conformance \"double\" 'single' $HOME ; echo benign & true | cat * %20 #frag ?q=1 /path ünïcödé 日本語 ✓ — ";
    piece.repeat(6)
}

/// CCF-REQ-07: a valid request with free text in apiInvokerInformation is onboarded like any
/// other, and the value comes back unchanged when the response carries it.
pub fn free_text_onboarded(resp: &HttpResponse, sent: &str) -> Check {
    if !(200..300).contains(&resp.status) {
        return Check::Fail(format!(
            "a valid request whose apiInvokerInformation is free text ({} characters with spaces, quotes, $ ; & | and non-ASCII) was answered {}: apiInvokerInformation is a free string",
            sent.chars().count(),
            describe(resp)
        ));
    }
    match resp
        .json()
        .as_ref()
        .and_then(|j| j.get("apiInvokerInformation").cloned())
    {
        Some(serde_json::Value::String(v)) if v == sent => Check::Pass(format!(
            "onboarded ({}) with the free text echoed unchanged",
            resp.status
        )),
        Some(other) => Check::Fail(format!(
            "onboarded ({}), but apiInvokerInformation came back changed: {} characters, starting {:?}",
            resp.status,
            other.as_str().map(|s| s.chars().count()).unwrap_or(0),
            other.to_string().chars().take(60).collect::<String>()
        )),
        None => Check::Pass(format!(
            "onboarded ({}); the response does not carry apiInvokerInformation (optional), so there was nothing to compare",
            resp.status
        )),
    }
}

pub fn not_adopted(resp: &HttpResponse, sent: &str) -> Check {
    if (400..500).contains(&resp.status) {
        return Check::Pass(format!("the request was rejected with {}", resp.status));
    }
    let assigned = resp
        .json()
        .and_then(|j| j["apiInvokerId"].as_str().map(str::to_string));
    let location = resp.header("location").unwrap_or_default();
    if assigned.as_deref() == Some(sent) || location.ends_with(&format!("/{sent}")) {
        return Check::Fail(format!(
            "the core adopted the apiInvokerId {sent} chosen by the invoker"
        ));
    }
    Check::expect(
        (200..300).contains(&resp.status),
        format!("the core assigned its own id ({})", describe(resp)),
        format!(
            "expected a 4xx or a success with the core's own id, got {}",
            describe(resp)
        ),
    )
}

/// 201 Created (or 202 when asynchronous onboarding is declared).
pub fn created(resp: &HttpResponse, asynchronous: bool) -> Check {
    Check::expect(
        resp.status == 201 || (asynchronous && resp.status == 202),
        format!("{} for a valid request", resp.status),
        format!(
            "expected 201 Created{}, got {}",
            if asynchronous { " or 202 Accepted" } else { "" },
            describe(resp)
        ),
    )
}

/// CCF-OK-01 with what the harness chose to send (`chosen`: its key, key format and names).
/// A refusal of the content (400, 403, 409, 422) may be a refusal of those choices rather than
/// of the request, so only then does the reason name them and the PIXIT keys that change them;
/// a 5xx or a wrong success code would not change with them, so it says nothing of them.
pub fn created_for(resp: &HttpResponse, asynchronous: bool, chosen: &str) -> Check {
    match created(resp, asynchronous) {
        Check::Fail(r) if matches!(resp.status, 400 | 403 | 409 | 422) => Check::Fail(format!(
            "{r}; if the core refused what the harness chose, change it: the harness sent {chosen}"
        )),
        c => c,
    }
}

/// CCF-OK-07's 204 to the DELETE with the issued certificate. A core that authorises by
/// certificate name refuses (401, 403) a CN it does not expect: only then does the reason name
/// the CN and the PIXIT that chose the CSR's subject.
pub fn deleted_with_issued_certificate(resp: &HttpResponse, cn: &str) -> Check {
    let hint = if matches!(resp.status, 401 | 403) {
        format!(" (the certificate's CN={cn}; the CSR's subject comes from the PIXIT [core] invoker_subject_cn)")
    } else {
        String::new()
    };
    Check::expect(
        resp.status == 204,
        "204 No Content: the issued certificate authenticated the invoker",
        format!(
            "expected 204 No Content, got {} to the DELETE with the issued certificate{hint}",
            describe(resp)
        ),
    )
}

/// Location is `{apiRoot}/api-invoker-management/v1/onboardedInvokers/{onboardingId}`: the
/// scheme, host and port of the apiRoot (the host as configured or as the certificate's
/// `server_name`), no query or fragment. A relative reference is resolved against the request
/// URI (RFC 9110 §10.2.2) and passes with a note.
pub fn location(resp: &HttpResponse, api_root: &str, server_name: &str) -> Check {
    let Some(loc) = resp.header("location").map(str::trim) else {
        return Check::Fail(format!(
            "expected a Location header, got {}",
            describe(resp)
        ));
    };
    let Ok(root) = url::Url::parse(api_root) else {
        return Check::Inconclusive(format!("the apiRoot {api_root:?} is not a URL"));
    };
    let root_path = root.path().trim_end_matches('/');
    let request_uri = root
        .join(&format!("{root_path}{ONBOARDING_PATH}"))
        .unwrap_or_else(|_| root.clone());
    let (url, relative) = match url::Url::parse(loc) {
        Ok(u) => (u, false),
        Err(url::ParseError::RelativeUrlWithoutBase) => match request_uri.join(loc) {
            Ok(u) => (u, true),
            Err(e) => return Check::Fail(format!("Location {loc:?} is not a URI reference: {e}")),
        },
        Err(e) => return Check::Fail(format!("Location {loc:?} is not a URI: {e}")),
    };
    let host_ok = url.host_str().is_some_and(|h| {
        let h = h.trim_start_matches('[').trim_end_matches(']');
        Some(h)
            == root
                .host_str()
                .map(|r| r.trim_start_matches('[').trim_end_matches(']'))
            || h.eq_ignore_ascii_case(server_name)
    });
    if url.scheme() != root.scheme()
        || !host_ok
        || url.port_or_known_default() != root.port_or_known_default()
    {
        // Naming the PIXIT helps only when the harness may reach the core elsewhere than where
        // its invokers do; a Location on another scheme is wrong wherever it is reached.
        let hint = if url.scheme() == root.scheme() {
            format!(
                "; if the core's invokers are provisioned with {}://{} as apiRoot (the harness reaches it through a mapped port or another name), declare that as the PIXIT [core] api_root",
                url.scheme(),
                url.host_str().unwrap_or_default(),
            ) + &url.port().map(|p| format!(":{p}")).unwrap_or_default()
        } else {
            String::new()
        };
        return Check::Fail(format!(
            "Location {loc:?} is not under the apiRoot {api_root}: scheme, host and port must be the apiRoot's (host {} or {server_name}, port {}){hint}",
            root.host_str().unwrap_or_default(),
            root.port_or_known_default().unwrap_or(443)
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Check::Fail(format!(
            "Location {loc:?} carries a query or fragment: it is not the resource URI"
        ));
    }
    let prefix = format!("{root_path}{ONBOARDING_PATH}/");
    let id = url.path().strip_prefix(&prefix).unwrap_or("");
    if id.is_empty() || id.contains('/') {
        return Check::Fail(format!(
            "Location {loc:?} is not {{apiRoot}}{ONBOARDING_PATH}/{{onboardingId}}"
        ));
    }
    Check::Pass(if relative {
        format!("Location {loc} (a relative reference; resolves to {url})")
    } else {
        format!("Location {loc}")
    })
}

/// The body is an application/json APIInvokerEnrolmentDetails (the id is judged apart, by
/// [`has_invoker_id`], so a missing id fails CCF-OK-03 only).
pub fn enrolment_body(resp: &HttpResponse) -> Result<ApiInvokerEnrolmentDetails, Check> {
    if resp.media_type().as_deref() != Some("application/json") {
        return Err(Check::Fail(format!(
            "expected application/json, got {}",
            describe(resp)
        )));
    }
    serde_json::from_slice(&resp.body).map_err(|e| {
        Check::Fail(format!(
            "the body is not an APIInvokerEnrolmentDetails: {e}"
        ))
    })
}

/// The APIInvokerEnrolmentDetails carries a non-empty apiInvokerId.
pub fn has_invoker_id(details: &ApiInvokerEnrolmentDetails) -> Check {
    match details.api_invoker_id.as_deref() {
        Some(id) if !id.trim().is_empty() => {
            Check::Pass(format!("APIInvokerEnrolmentDetails with apiInvokerId {id}"))
        }
        _ => Check::Fail("the APIInvokerEnrolmentDetails has no apiInvokerId".into()),
    }
}

/// The body is an application/json APIInvokerEnrolmentDetails with a non-empty apiInvokerId.
pub fn enrolment_details(resp: &HttpResponse) -> Result<ApiInvokerEnrolmentDetails, Check> {
    let details = enrolment_body(resp)?;
    match has_invoker_id(&details) {
        Check::Pass(_) => Ok(details),
        other => Err(other),
    }
}

/// The issued certificate: X.509 (a bundle is fine: the chain is built from every certificate
/// in it), chains to `invoker_ca`, valid now for clientAuth, key identifiers linked as
/// RFC 5280 requires, binds `sent_spki` (the DER SubjectPublicKeyInfo the harness sent).
pub fn issued_certificate(
    details: &ApiInvokerEnrolmentDetails,
    invoker_ca: &[CertificateDer<'_>],
    sent_spki: &[u8],
) -> Check {
    let Some(pem) = details
        .onboarding_information
        .api_invoker_certificate
        .as_deref()
    else {
        return Check::Fail(
            "no onboardingInformation.apiInvokerCertificate in the response".into(),
        );
    };
    match verify_issued(pem, invoker_ca, sent_spki, UnixTime::now()) {
        Ok(issued) => {
            let mut reason = format!(
                "certificate {} chains to the invoker CA, is valid for clientAuth and binds the invoker's key",
                crate::evidence::cert_info(issued.leaf()).subject
            );
            for n in &issued.notes {
                reason.push_str(&format!("; {n}"));
            }
            Check::Pass(reason)
        }
        Err(e) => Check::Fail(e.to_string()),
    }
}

/// Some CAPIF-1/1e security information came back: a certificate or a secret.
pub fn security_information(details: &ApiInvokerEnrolmentDetails) -> Check {
    let info = &details.onboarding_information;
    let cert = info
        .api_invoker_certificate
        .as_deref()
        .is_some_and(|c| !c.trim().is_empty());
    let secret = info
        .onboarding_secret
        .as_deref()
        .is_some_and(|s| !s.is_empty());
    Check::expect(
        cert || secret,
        match (cert, secret) {
            (true, true) => "an apiInvokerCertificate and an onboardingSecret",
            (true, false) => "an apiInvokerCertificate",
            _ => "an onboardingSecret",
        },
        "the 201 carries neither an apiInvokerCertificate nor an onboardingSecret: the invoker gets no CAPIF-1/1e security information",
    )
}

/// An onboarding secret is present.
pub fn onboarding_secret(details: &ApiInvokerEnrolmentDetails) -> Check {
    Check::expect(
        details
            .onboarding_information
            .onboarding_secret
            .as_deref()
            .is_some_and(|s| !s.is_empty()),
        "onboardingSecret present",
        "expected onboardingInformation.onboardingSecret, the response has none",
    )
}

/// Two onboardings got different ids.
pub fn distinct_ids(a: &str, b: &str) -> Check {
    Check::expect(
        a != b,
        format!("{a} and {b} differ"),
        format!("both invokers got apiInvokerId {a}"),
    )
}

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
    super::close_notify_before_close("core", end, after_close)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the typed rustls error gives for `message`: a certificate_required abort when the
    /// message is rustls' wording of that alert.
    fn tls_failure(message: &str) -> crate::net::TlsFailure {
        crate::net::TlsFailure {
            message: message.into(),
            certificate_required: message.ends_with("CertificateRequired"),
            weak_algorithm: message.contains("UnsupportedSignatureAlgorithm"),
        }
    }

    fn resp(status: u16, media: &str, body: &str, location: Option<&str>) -> HttpResponse {
        let mut headers = vec![("Content-Type".to_string(), media.to_string())];
        if let Some(l) = location {
            headers.push(("Location".into(), l.into()));
        }
        HttpResponse {
            status,
            headers,
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn auth_params_are_read_outside_quoted_values() {
        assert_eq!(
            auth_param_names(r#"Bearer realm="capif", error="invalid_token""#),
            ["realm", "error"]
        );
        // A comma and "error=" inside a quoted value, an escaped quote: one param only.
        assert_eq!(
            auth_param_names(r#"Bearer realm="a, error=\"b\", c""#),
            ["realm"]
        );
        assert_eq!(
            auth_param_names("Bearer error=invalid_token , realm=x"),
            ["error", "realm"]
        );
        assert!(auth_param_names("Bearer").is_empty());
        // A token68 reads as a param of its own name: never "error" unless it says so.
        assert_eq!(auth_param_names("Bearer abc123=="), ["abc123"]);
    }

    #[test]
    fn a_presented_token_s_401_names_the_error() {
        let challenged = |v: &str| {
            let mut r = resp(401, "application/problem+json", "{}", None);
            r.headers.push(("WWW-Authenticate".into(), v.into()));
            r
        };
        let bare = resp(401, "application/problem+json", "{}", None);
        let bearer = |rs: Vec<HttpResponse>| -> Vec<(String, HttpResponse)> {
            rs.into_iter()
                .enumerate()
                .map(|(i, r)| (format!("token {i}"), r))
                .collect()
        };
        let named = challenged("Bearer realm=\"x\", error=\"invalid_token\"");
        super::super::assert_pass(&error_attribute_on_every_401(
            &named,
            &bearer(vec![named.clone()]),
        ));
        // "error" inside the realm's value is not the attribute.
        let realm_only = challenged("Bearer realm=\"error\"");
        let c = error_attribute_on_every_401(&named, &bearer(vec![named.clone(), realm_only]));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("token 1") && !m.contains("token 0:")),
            "{c:?}"
        );
        // No challenge at all: CCF-CRED-10's or -19's finding.
        assert!(matches!(
            error_attribute_on_every_401(&bare, &bearer(vec![bare.clone()])),
            Check::Blocked {
                by: Some("CCF-CRED-10"),
                ..
            }
        ));
        assert!(matches!(
            error_attribute_on_every_401(&named, &bearer(vec![bare.clone()])),
            Check::Blocked {
                by: Some("CCF-CRED-19"),
                ..
            }
        ));
        assert!(matches!(
            error_attribute_on_every_401(
                &named,
                &bearer(vec![resp(422, "application/json", "{}", None)])
            ),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn every_401_must_challenge_and_a_core_that_never_does_is_cred_10s_finding() {
        let with = |status: u16| {
            let mut r = resp(status, "application/problem+json", "{}", None);
            r.headers
                .push(("WWW-Authenticate".into(), "Bearer realm=\"x\"".into()));
            r
        };
        let without = |status: u16| resp(status, "application/problem+json", "{}", None);
        let presented = |answers: Vec<HttpResponse>| -> Vec<(String, HttpResponse)> {
            answers
                .into_iter()
                .enumerate()
                .map(|(i, r)| (format!("credential {i}"), r))
                .collect()
        };
        let ok =
            www_authenticate_on_every_401(&with(401), &presented(vec![with(401), without(403)]));
        assert!(
            ok.passed() && ok.reason().contains("credential 0"),
            "{ok:?}"
        );
        let one =
            www_authenticate_on_every_401(&with(401), &presented(vec![with(401), without(401)]));
        assert!(
            matches!(&one, Check::Fail(m) if m.contains("credential 1") && !m.contains("credential 0") && m.contains("§11.6.1")),
            "{one:?}"
        );
        // Never a challenge: CCF-CRED-10's defect, one failure.
        assert!(matches!(
            www_authenticate_on_every_401(&without(401), &presented(vec![without(401)])),
            Check::Blocked {
                by: Some("CCF-CRED-10"),
                ..
            }
        ));
        // A missing credential answered 400 does not excuse a 401 without a challenge.
        super::super::assert_not_pass(&www_authenticate_on_every_401(
            &without(400),
            &presented(vec![without(401)]),
        ));
        // No 401 at all: nothing judged, nothing passed.
        assert!(matches!(
            www_authenticate_on_every_401(&with(401), &presented(vec![without(403), without(400)])),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn every_tls12_server_hello_must_acknowledge_what_was_offered() {
        use crate::sut::tls_enumeration::{AcceptedSuite, Enumeration};
        let suite = |s: u16, ri: bool| AcceptedSuite {
            suite: s,
            class: crate::net::suites::SuiteClass::of(s),
            encrypt_then_mac: false,
            renegotiation_info: ri,
            extended_master_secret: true,
        };
        let found = |suites: Vec<AcceptedSuite>| Enumeration {
            accepted: suites,
            ..Default::default()
        };
        let ri = |a: &AcceptedSuite| a.renegotiation_info;
        super::super::assert_pass(&tls12_extension_acknowledged(
            &found(vec![suite(0xc02b, true), suite(0xc02f, true)]),
            "renegotiation_info",
            ri,
        ));
        let c = tls12_extension_acknowledged(
            &found(vec![suite(0xc02b, true), suite(0xc02f, false)]),
            "renegotiation_info",
            ri,
        );
        assert!(
            matches!(&c, Check::Fail(m) if m.starts_with("1 of 2") && m.contains("ECDHE_RSA")),
            "{c:?}"
        );
        assert!(matches!(
            tls12_extension_acknowledged(&found(vec![]), "renegotiation_info", ri),
            Check::Blocked {
                by: Some("CCF-TLS-06"),
                ..
            }
        ));
    }

    #[test]
    fn a_restricted_handshake_must_complete() {
        let tls = TlsSummary {
            version: crate::net::TlsVersion::Tls13,
            cipher: "TLS13_AES_128_GCM_SHA256".into(),
            alpn: None,
            peer_chain: Vec::new(),
            handshake_ms: 1,
        };
        super::super::assert_pass(&handshake_with_offer("x", &Ok(tls), "req"));
        let c = handshake_with_offer(
            "only TLS 1.3 with key exchange secp384r1",
            &Err(tls_failure("received fatal alert: HandshakeFailure")),
            "TS 33.210 §6.2.2",
        );
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("secp384r1") && m.contains("HandshakeFailure") && m.contains("TS 33.210")),
            "{c:?}"
        );
        assert!(matches!(
            handshake_with_offer("x", &Err(tls_failure("CertificateRequired")), "r"),
            Check::Blocked {
                by: Some("CCF-TLS-04"),
                ..
            }
        ));
    }

    #[test]
    fn proposed_last_the_aes128_gcm_ecdhe_suite_must_still_be_chosen() {
        use crate::net::suites::SuiteClass;
        use crate::sut::tls_enumeration::{AcceptedSuite, Enumeration};
        let accepted = |s: u16| AcceptedSuite {
            suite: s,
            class: SuiteClass::of(s),
            encrypt_then_mac: false,
            renegotiation_info: true,
            extended_master_secret: true,
        };
        let found = |suites: &[u16]| Enumeration {
            accepted: suites.iter().map(|s| accepted(*s)).collect(),
            ..Default::default()
        };
        let hello = LegacyHelloOutcome::ServerHello { version: 0x0303 };
        // Static RSA AES-128-CBC-SHA (0x002f) is accepted alone, and chosen when first: fail.
        let lax = found(&[0x002f, 0xc02f]);
        let c = prefers_aes128_gcm_ecdhe(&(hello.clone(), Some(0x002f)), &lax);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("TLS_RSA_WITH_AES_128_CBC_SHA") && m.contains("4.2.1")),
            "{c:?}"
        );
        // The AEAD suite chosen by a core that also accepts weaker ones: a shown preference.
        let c = prefers_aes128_gcm_ecdhe(&(hello.clone(), Some(0xc02f)), &lax);
        assert!(
            matches!(&c, Check::Pass(m) if m.contains("accepts 1 of the weaker")),
            "{c:?}"
        );
        // By a core that accepts no weaker suite: a pass that says so.
        let strict = found(&[0xc02b, 0xc02c]);
        let c = prefers_aes128_gcm_ecdhe(&(hello.clone(), Some(0xc02b)), &strict);
        assert!(
            matches!(&c, Check::Pass(m) if m.contains("refusing them")),
            "{c:?}"
        );
        // A refusal shows no preference: never a pass.
        let alert = LegacyHelloOutcome::Alert {
            level: 2,
            description: 40,
        };
        assert!(matches!(
            prefers_aes128_gcm_ecdhe(&(alert.clone(), None), &strict),
            Check::Inconclusive(_)
        ));
        assert!(matches!(
            prefers_aes128_gcm_ecdhe(&(alert, None), &found(&[0xc030])),
            Check::Blocked { by: None, .. }
        ));
        // A suite that was not proposed: inconclusive.
        assert!(matches!(
            prefers_aes128_gcm_ecdhe(&(hello, Some(0x1301)), &strict),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_weak_core_certificate_fails_strength_and_defers_the_chain_verdict() {
        use crate::pki::{Authority, Identity, ServerVariant};
        let ca = Authority::new_root("strength root").unwrap();
        let hosts = vec!["capif.example".to_string()];
        let good = ca
            .issue_identity(&crate::pki::CertProfile::Server {
                hosts: hosts.clone(),
            })
            .unwrap();
        super::super::assert_pass(&certificate_strength(&Ok(good.chain)));
        let bad = Identity::bad_server(&ca, ServerVariant::Sha1Signed, &hosts).unwrap();
        let c = certificate_strength(&Ok(bad.chain));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("ecdsa-with-SHA1") && m.contains("capif.example")),
            "{c:?}"
        );
        // Nothing seen: never a pass.
        assert!(matches!(
            certificate_strength(&Ok(vec![])),
            Check::Inconclusive(_)
        ));
        assert!(matches!(
            certificate_strength(&Err("refused".into())),
            Check::Inconclusive(_)
        ));
        // CCF-TLS-01 leaves a refusal for the algorithm to CCF-TLS-16, and fails the others.
        let weak = tls_failure("invalid peer certificate: UnsupportedSignatureAlgorithmContext");
        assert!(matches!(
            secure_connection(&Err(weak), "capif.example"),
            Check::Blocked {
                by: Some("CCF-TLS-16"),
                ..
            }
        ));
        let unknown = tls_failure("invalid peer certificate: UnknownIssuer");
        assert!(matches!(
            secure_connection(&Err(unknown), "capif.example"),
            Check::Fail(_)
        ));
    }

    #[test]
    fn an_onboarding_sent_as_early_data_must_not_be_processed() {
        use crate::sut::early_data::EarlyData;
        let accepted = |answer: &str| {
            early_data_not_processed(&Ok(EarlyData::Accepted {
                sent: 300,
                answer: answer.as_bytes().to_vec(),
            }))
        };
        assert!(matches!(
            accepted("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"),
            Check::Fail(m) if m.contains("201 Created") && m.contains("0-RTT")
        ));
        super::super::assert_pass(&accepted("HTTP/1.1 425 Too Early\r\n\r\n"));
        assert!(matches!(
            accepted("HTTP/1.1 400 Bad Request\r\n\r\n"),
            Check::Inconclusive(_)
        ));
        assert!(matches!(accepted(""), Check::Inconclusive(_)));
        super::super::assert_pass(&early_data_not_processed(&Ok(EarlyData::Declined {
            sent: 3,
        })));
        let c = early_data_not_processed(&Ok(EarlyData::NotPermitted { resumed: true }));
        assert!(
            matches!(&c, Check::Pass(m) if m.contains("permit no early data")),
            "{c:?}"
        );
        assert!(matches!(
            early_data_not_processed(&Err("refused".into())),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn a_core_speaking_tls13_must_prefer_it() {
        let tls = |version| TlsSummary {
            version,
            cipher: "X".into(),
            alpn: None,
            peer_chain: Vec::new(),
            handshake_ms: 1,
        };
        use crate::net::TlsVersion::{Tls12, Tls13};
        super::super::assert_pass(&prefers_tls13(&Ok(tls(Tls13)), &Ok(tls(Tls13))));
        let downgraded = prefers_tls13(&Ok(tls(Tls12)), &Ok(tls(Tls13)));
        assert!(
            matches!(&downgraded, Check::Fail(m) if m.contains("§3.1.1")),
            "{downgraded:?}"
        );
        // A core without TLS 1.3 has nothing to prefer: CCF-TLS-07 judges that.
        assert!(matches!(
            prefers_tls13(&Ok(tls(Tls12)), &Err(tls_failure("protocol_version"))),
            Check::Blocked {
                by: Some("CCF-TLS-07"),
                ..
            }
        ));
        assert!(matches!(
            prefers_tls13(&Err(tls_failure("UnknownIssuer")), &Err(tls_failure("x"))),
            Check::Blocked {
                by: Some("CCF-TLS-01"),
                ..
            }
        ));
    }

    #[test]
    fn a_single_version_handshake_must_complete() {
        let tls = TlsSummary {
            version: crate::net::TlsVersion::Tls12,
            cipher: "TLS13_AES_128_GCM_SHA256".into(),
            alpn: None,
            peer_chain: Vec::new(),
            handshake_ms: 3,
        };
        super::super::assert_pass(&handshake_with_only("TLS 1.2", &Ok(tls.clone())));
        super::super::assert_pass(&secure_connection(&Ok(tls), "core.test"));
        let untrusted = secure_connection(
            &Err(tls_failure("invalid peer certificate: UnknownIssuer")),
            "core.test",
        );
        assert!(
            matches!(untrusted, Check::Fail(ref r) if r.contains("UnknownIssuer")),
            "{untrusted:?}"
        );
        let refused = handshake_with_only(
            "TLS 1.3",
            &Err(tls_failure("received fatal alert: ProtocolVersion")),
        );
        assert!(
            matches!(refused, Check::Fail(ref r) if r.contains("TLS 1.3 shall be supported")),
            "{refused:?}"
        );
        let blocked = handshake_with_only(
            "TLS 1.2",
            &Err(tls_failure("received fatal alert: CertificateRequired")),
        );
        assert!(
            matches!(
                blocked,
                Check::Blocked {
                    by: Some("CCF-TLS-04"),
                    ..
                }
            ),
            "{blocked:?}"
        );
    }

    #[test]
    fn rejection_must_be_4xx_without_results() {
        super::super::assert_pass(&rejected(&resp(
            401,
            PROBLEM_JSON,
            r#"{"status":401}"#,
            None,
        )));
        let ok = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INV1234567890abcdef"}"#,
            Some("https://x/y"),
        );
        let c = rejected(&ok);
        assert_eq!(
            c,
            Check::Fail("expected a 4xx rejection, got 201 application/json with apiInvokerId INV123456789… and a Location header".into())
        );
        super::super::assert_not_pass(&rejected(&resp(
            400,
            PROBLEM_JSON,
            r#"{"apiInvokerId":"INV1"}"#,
            None,
        )));
        super::super::assert_not_pass(&rejected(&resp(500, PROBLEM_JSON, "{}", None)));
    }

    #[test]
    fn problem_details_status_must_match() {
        super::super::assert_pass(&problem_details(&resp(
            401,
            PROBLEM_JSON,
            r#"{"status":401}"#,
            None,
        )));
        super::super::assert_not_pass(&problem_details(&resp(
            401,
            PROBLEM_JSON,
            r#"{"status":400}"#,
            None,
        )));
        super::super::assert_not_pass(&problem_details(&resp(
            401,
            "application/json",
            r#"{"status":401}"#,
            None,
        )));
        super::super::assert_not_pass(&problem_details(&resp(
            401,
            "text/html",
            "<h1>no</h1>",
            None,
        )));
    }

    #[test]
    fn missing_field_400_is_mandatory_naming_is_recommended() {
        // connexion's answer: ProblemDetails whose detail names the field, no invalidParams.
        let connexion = resp(
            400,
            PROBLEM_JSON,
            r#"{"detail":"'notificationDestination' is a required property","status":400,"title":"Bad Request","type":"about:blank"}"#,
            None,
        );
        let c = bad_request_for_missing(&connexion, "notificationDestination");
        assert!(c.passed(), "{c:?}");
        assert!(
            c.reason().contains("required property") && c.reason().contains("no invalidParams"),
            "the reason shows what was received: {c:?}"
        );
        super::super::assert_not_pass(&invalid_params_name(&connexion, "notificationDestination"));
        let b = r#"{"status":400,"invalidParams":[{"param":"/notificationDestination"}]}"#;
        let strict = resp(400, PROBLEM_JSON, b, None);
        super::super::assert_pass(&invalid_params_name(&strict, "notificationDestination"));
        super::super::assert_not_pass(&invalid_params_name(&strict, "onboardingInformation"));
        super::super::assert_not_pass(&bad_request_for_missing(
            &resp(422, PROBLEM_JSON, b, None),
            "x",
        ));
        super::super::assert_not_pass(&bad_request_for_missing(
            &resp(201, "application/json", "{}", None),
            "x",
        ));
    }

    #[test]
    fn problem_details_members_are_optional() {
        let c = problem_details(&resp(400, PROBLEM_JSON, r#"{"title":"Bad Request"}"#, None));
        assert!(
            c.passed() && c.reason().contains("optional status"),
            "{c:?}"
        );
        super::super::assert_not_pass(&problem_details(&resp(400, PROBLEM_JSON, "[]", None)));
        let msg = problem_details(&resp(
            401,
            "application/json",
            r#"{"msg":"Missing Authorization Header"}"#,
            None,
        ));
        assert!(
            !msg.passed() && msg.reason().contains("Missing Authorization Header"),
            "{msg:?}"
        );
    }

    #[test]
    fn location_shape() {
        let root = "https://127.0.0.1:8443";
        let loc =
            |l: Option<&str>| location(&resp(201, "application/json", "{}", l), root, "capifcore");
        let good = format!("{root}{ONBOARDING_PATH}/INV1");
        super::super::assert_pass(&loc(Some(&good)));
        assert!(loc(Some(&format!(
            "https://capifcore:8443{ONBOARDING_PATH}/INV1"
        )))
        .passed());
        super::super::assert_not_pass(&loc(None));
        assert!(!loc(Some(&format!(
            "{root}/api-invoker-management/v1/other/INV1"
        )))
        .passed());
        // A relative reference resolving to the resource passes with a note (RFC 9110 §10.2.2).
        let rel = loc(Some(&format!("{ONBOARDING_PATH}/INV1")));
        assert!(rel.passed() && rel.reason().contains("relative"), "{rel:?}");
        let rel = loc(Some("onboardedInvokers/INV1"));
        assert!(rel.passed(), "{rel:?}");
        super::super::assert_not_pass(&loc(Some("/relative")));
        // Another authority, scheme or port is not the created resource.
        for other in [
            format!("https://core.example{ONBOARDING_PATH}/INV1"),
            format!("https://capifcore{ONBOARDING_PATH}/INV1"),
            format!("http://127.0.0.1:8443{ONBOARDING_PATH}/INV1"),
            format!("http://attacker.example{ONBOARDING_PATH}/INV1?x#f"),
            format!("{root}{ONBOARDING_PATH}/INV1?x=1"),
            format!("{root}{ONBOARDING_PATH}/INV1#f"),
        ] {
            super::super::assert_not_pass(&loc(Some(&other)));
        }
    }

    /// A core reached through a mapped port names the apiRoot its invokers know: with that
    /// declared as the PIXIT [core] api_root it passes; without, the reason names the PIXIT.
    #[test]
    fn a_mapped_port_core_is_judged_against_its_declared_api_root() {
        let external = format!("https://capifcore{ONBOARDING_PATH}/INV1");
        let r = resp(201, "application/json", "{}", Some(&external));
        super::super::assert_pass(&location(&r, "https://capifcore", "capifcore"));
        let reached = location(&r, "https://127.0.0.1:8443", "capifcore");
        assert!(
            !reached.passed() && reached.reason().contains("[core] api_root"),
            "{reached:?}"
        );
        // The hint is not given where the PIXIT cannot help (another scheme).
        let http = resp(
            201,
            "application/json",
            "{}",
            Some(&external.replace("https", "http")),
        );
        assert!(!location(&http, "https://capifcore", "capifcore")
            .reason()
            .contains("api_root"));
    }

    /// Issue 27, point 7: a reason names configuration only when changing that configuration
    /// would change the verdict. Each row is a check whose failure may name a key, fed once
    /// where the key would help (it is named, and the changed configuration passes) and once
    /// where it would not (it is not named).
    #[test]
    fn reasons_name_configuration_only_when_it_would_change_the_verdict() {
        let chosen = "apiInvokerInformation \"x\", key Ec as Pem (PIXIT [core] invoker_key)";
        let plain = |status| resp(status, "application/problem+json", "{}", None);
        // CCF-OK-01: a refusal of the content may be a refusal of the harness's choices (the
        // rsa-only legitimacy variant passes with invoker_key = "rsa2048"); a 500 is not.
        for status in [400, 403, 409, 422] {
            let c = created_for(&plain(status), false, chosen);
            assert!(
                !c.passed() && c.reason().contains("PIXIT [core] invoker_key"),
                "{status}: {c:?}"
            );
        }
        for status in [500, 503, 200, 302, 404] {
            let c = created_for(&plain(status), false, chosen);
            assert!(
                !c.passed() && !c.reason().contains("PIXIT"),
                "{status}: {c:?}"
            );
        }
        // CCF-OK-07: a core authorising by name refuses with 401/403 (fault
        // authorise-by-cn-prefix passes with another invoker_subject_cn); a 404 or 500 would
        // not change with the CN.
        for status in [401, 403] {
            let c = deleted_with_issued_certificate(&plain(status), "capif-conformance-3");
            assert!(
                !c.passed()
                    && c.reason().contains("invoker_subject_cn")
                    && c.reason().contains("CN=capif-conformance-3"),
                "{c:?}"
            );
        }
        for status in [404, 500, 200] {
            let c = deleted_with_issued_certificate(&plain(status), "capif-conformance-3");
            assert!(
                !c.passed() && !c.reason().contains("invoker_subject_cn"),
                "{status}: {c:?}"
            );
        }
        super::super::assert_pass(&deleted_with_issued_certificate(&plain(204), "x"));
        // CCF-TD-01/02: teardown = "core" names teardown = "either" for a keep-alive core, and
        // with it declared the same behaviour passes once the invoker's close was served.
        let kept = SessionEnd::ServedAnotherRequest { status: 404 };
        let strict = session_ended(&kept, false, None, TeardownPolicy::Core);
        assert!(
            strict.reason().contains("teardown = \"either\""),
            "{strict:?}"
        );
        super::super::assert_pass(&session_ended(
            &kept,
            false,
            Some(&SessionEnd::CloseNotify),
            TeardownPolicy::Either,
        ));
        // Data nobody asked for fails whatever is declared, and names no declaration.
        for policy in [TeardownPolicy::Core, TeardownPolicy::Either] {
            let c = session_ended(&SessionEnd::MoreData { bytes: 9 }, false, None, policy);
            assert!(!c.passed() && !c.reason().contains("teardown ="), "{c:?}");
        }
        // CCF-OK-02's [core] api_root: a_mapped_port_core_is_judged_against_its_declared_api_root.
    }

    #[test]
    fn free_text_must_be_onboarded_and_echoed_unchanged() {
        let sent = free_text();
        assert!(sent.contains(' ') && sent.contains('"') && sent.contains('$') && !sent.is_ascii());
        assert!(!sent.contains('>') && !sent.contains('<') && !sent.contains('`'));
        let echoed = serde_json::json!({"apiInvokerInformation": sent}).to_string();
        super::super::assert_pass(&free_text_onboarded(
            &resp(201, "application/json", &echoed, None),
            &sent,
        ));
        super::super::assert_pass(&free_text_onboarded(
            &resp(201, "application/json", "{}", None),
            &sent,
        ));
        let c = free_text_onboarded(&resp(500, PROBLEM_JSON, "{}", None), &sent);
        assert!(!c.passed() && c.reason().contains("500"), "{c:?}");
        let changed = serde_json::json!({"apiInvokerInformation": sent.trim()}).to_string();
        super::super::assert_not_pass(&free_text_onboarded(
            &resp(201, "application/json", &changed, None),
            &sent,
        ));
    }

    #[test]
    fn adopted_ids_fail() {
        let adopted = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INVmine"}"#,
            None,
        );
        super::super::assert_not_pass(&not_adopted(&adopted, "INVmine"));
        let own = resp(
            201,
            "application/json",
            r#"{"apiInvokerId":"INVcore"}"#,
            None,
        );
        super::super::assert_pass(&not_adopted(&own, "INVmine"));
        super::super::assert_pass(&not_adopted(
            &resp(400, PROBLEM_JSON, "{}", None),
            "INVmine",
        ));
    }

    #[test]
    fn teardown_policies() {
        use TeardownPolicy::{Core, Either};
        let kept = SessionEnd::ServedAnotherRequest { status: 405 };
        for policy in [Core, Either] {
            super::super::assert_pass(&session_ended(
                &SessionEnd::CloseNotify,
                false,
                None,
                policy,
            ));
            super::super::assert_pass(&session_ended(&SessionEnd::Reset, true, None, policy));
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
        super::super::assert_pass(&close_notify_sent(&SessionEnd::CloseNotify, None));
        super::super::assert_not_pass(&close_notify_sent(
            &SessionEnd::TcpCloseWithoutCloseNotify,
            None,
        ));
        let kept = SessionEnd::ServedAnotherRequest { status: 404 };
        super::super::assert_pass(&close_notify_sent(&kept, Some(&SessionEnd::CloseNotify)));
        super::super::assert_not_pass(&close_notify_sent(
            &kept,
            Some(&SessionEnd::TcpCloseWithoutCloseNotify),
        ));
        assert!(matches!(
            close_notify_sent(&kept, Some(&SessionEnd::StillOpen)),
            Check::Inconclusive(_)
        ));
    }

    fn versions(
        answers: &[(u16, LegacyHelloOutcome, Option<u16>)],
    ) -> Vec<crate::sut::tls_enumeration::VersionProbe> {
        answers
            .iter()
            .map(|(v, o, s)| crate::sut::tls_enumeration::VersionProbe {
                version: *v,
                offered: 170,
                outcome: o.clone(),
                selected: *s,
            })
            .collect()
    }

    #[test]
    fn legacy_versions_are_judged_on_the_whole_offer() {
        let alert = |d| LegacyHelloOutcome::Alert {
            level: 2,
            description: d,
        };
        super::super::assert_pass(&legacy_versions_refused(&versions(&[
            (0x0300, alert(40), None),
            (0x0301, alert(70), None),
            (0x0302, LegacyHelloOutcome::Closed, None),
        ])));
        // A core that speaks TLS 1.0 only with a suite the old fixed probe never offered:
        // the whole-registry offer finds it.
        let c = legacy_versions_refused(&versions(&[
            (0x0300, alert(70), None),
            (
                0x0301,
                LegacyHelloOutcome::ServerHello { version: 0x0301 },
                Some(0x0039),
            ),
            (0x0302, alert(70), None),
        ]));
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("TLS 1.0") && m.contains("TLS_DHE_RSA_WITH_AES_256_CBC_SHA")),
            "{c:?}"
        );
        // Answered at TLS 1.2 is a refusal of the legacy version; non-TLS bytes prove nothing.
        super::super::assert_pass(&legacy_versions_refused(&versions(&[(
            0x0302,
            LegacyHelloOutcome::ServerHello { version: 0x0303 },
            None,
        )])));
        assert!(matches!(
            legacy_versions_refused(&versions(&[(
                0x0301,
                LegacyHelloOutcome::NotTls {
                    first_bytes: "48545450".into()
                },
                None
            )])),
            Check::Inconclusive(_)
        ));
    }

    /// A core that stays silent after a hello it will not negotiate negotiated nothing: the
    /// harness's handshake timer does not turn that into a finding.
    #[test]
    fn a_silent_core_negotiated_nothing() {
        let silent =
            legacy_versions_refused(&versions(&[(0x0301, LegacyHelloOutcome::Silent, None)]));
        super::super::assert_pass(&silent);
        assert!(silent.reason().contains("[timeouts] handshake"));
    }

    #[test]
    fn every_accepted_suite_is_graded_by_its_class() {
        use crate::net::suites::{Grade, SuiteClass};
        use crate::sut::tls_enumeration::{AcceptedSuite, Enumeration};
        let control = LegacyHelloOutcome::ServerHello { version: 0x0303 };
        let accepted = |suites: &[(u16, bool)]| Enumeration {
            accepted: suites
                .iter()
                .map(|(s, etm)| AcceptedSuite {
                    suite: *s,
                    class: SuiteClass::of(*s),
                    encrypt_then_mac: *etm,
                    renegotiation_info: true,
                    extended_master_secret: true,
                })
                .collect(),
            handshakes: suites.len() + 11,
            ..Default::default()
        };
        let good = accepted(&[(0xc02b, false), (0xc02f, false)]);
        super::super::assert_pass(&enumerated_suites_refused(
            &good,
            Grade::Forbidden,
            &control,
        ));
        super::super::assert_pass(&enumerated_suites_refused(
            &good,
            Grade::Discouraged,
            &control,
        ));
        // One anonymous suite outside any fixed list: forbidden, named with its clause.
        let anon = accepted(&[(0xc02b, false), (0xc018, false)]);
        let c = enumerated_suites_refused(&anon, Grade::Forbidden, &control);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("1 forbidden") && m.contains("RFC 5246 App. A.5") && m.contains("TLS_ECDH_anon_WITH_AES_128_CBC_SHA")),
            "{c:?}"
        );
        // Static RSA and DHE (0xccaa: above 0x0100) are discouraged; CBC only without EtM.
        let weak = accepted(&[(0x009c, false), (0xccaa, false), (0xc013, true)]);
        let c = enumerated_suites_refused(&weak, Grade::Discouraged, &control);
        assert!(
            matches!(&c, Check::Fail(m) if m.contains("2 discouraged") && m.contains("static RSA") && m.contains("DHE") && !m.contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")),
            "{c:?}"
        );
        // A silent control proves nothing; an unfinished enumeration passes nothing.
        assert!(
            !enumerated_suites_refused(&good, Grade::Forbidden, &LegacyHelloOutcome::Silent)
                .passed()
        );
        let mut unfinished = good.clone();
        unfinished
            .incomplete
            .push("RC4: bytes that are not TLS".into());
        assert!(matches!(
            enumerated_suites_refused(&unfinished, Grade::Forbidden, &control),
            Check::Inconclusive(_)
        ));
    }

    #[test]
    fn cleartext() {
        super::super::assert_not_pass(&cleartext_not_processed(Some(201), None));
        let created = resp(201, "application/json", "{}", None);
        super::super::assert_pass(&cleartext_not_processed(Some(400), Some(&created)));
        assert!(matches!(
            cleartext_not_processed(Some(400), None),
            Check::Inconclusive(_)
        ));
        let dup = resp(403, PROBLEM_JSON, "{}", None);
        super::super::assert_not_pass(&cleartext_not_processed(None, Some(&dup)));
        let ok = resp(201, "application/json", "{}", None);
        super::super::assert_pass(&cleartext_not_processed(None, Some(&ok)));
        // A later 500 proves nothing either way.
        let err = resp(500, PROBLEM_JSON, "{}", None);
        assert!(matches!(
            cleartext_not_processed(None, Some(&err)),
            Check::Blocked { .. }
        ));
    }

    #[test]
    fn client_certificate_demands() {
        let ok = resp(201, "application/json", "{}", None);
        super::super::assert_pass(&no_client_certificate_required(Some(&ok), None));
        let nginx = resp(
            400,
            "text/html",
            "<center>No required SSL certificate was sent</center>",
            None,
        );
        super::super::assert_not_pass(&no_client_certificate_required(Some(&nginx), None));
        assert!(!no_client_certificate_required(
            None,
            Some(&tls_failure(
                "response failed: received fatal alert: CertificateRequired"
            ))
        )
        .passed());
        let other = resp(401, PROBLEM_JSON, r#"{"detail":"bad token"}"#, None);
        assert_eq!(
            no_client_certificate_required(Some(&other), None),
            Check::blocked(
                Some("CCF-OK-01"),
                "the valid request was not accepted, for a reason other than a client certificate: 401 application/problem+json (detail \"bad token\", no invalidParams)"
            )
        );
    }
}
