//! Checks of the core's secure connection (Figure B.1-1, "Secure connection successful?";
//! features/core/secure_connection.feature): certificate, versions, suites, clear text, early data.

use crate::checks::Check;
use crate::net::describe_response as describe;
use crate::net::{HttpResponse, TlsSummary};
use crate::sut::LegacyHelloOutcome;

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
        (Some(r), _) if crate::checks::demands_client_certificate(r) => Check::Fail(format!(
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

#[cfg(test)]
mod tests;
