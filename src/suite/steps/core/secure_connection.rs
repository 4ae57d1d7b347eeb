//! Steps of features/core/secure_connection.feature.

use crate::checks;
use crate::evidence::TlsEvidence;
use crate::net::Phase;
use crate::suite::world::{RefusalProbe, StepResult, SuiteWorld};
use crate::sut::tls_enumeration::probe_legacy_versions;
use crate::sut::{
    abandoned_handshake, cleartext_request, suites_probe, CredentialChoice, RequestBody,
};
use cucumber::{then, when};

/// Evidence of a handshake alone (no request on it).
fn handshake_exchange(label: &str, tls: &crate::net::TlsSummary) -> crate::evidence::Exchange {
    crate::evidence::Exchange {
        label: label.into(),
        tls: Some(TlsEvidence::from(tls)),
        request: None,
        response: None,
        error: None,
        session_end: None,
        after_harness_close: None,
        timings_ms: crate::evidence::Timings {
            handshake: Some(tls.handshake_ms),
            ..Default::default()
        },
    }
}

#[when("the invoker connects with the provisioned root CA and the core's name")]
async fn connect(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    match core.connect(None).await {
        Ok(session) => {
            let tls = session.tls.clone();
            w.evidence
                .exchanges
                .push(handshake_exchange("TLS handshake", &tls));
            session.close().await;
            w.on_core.handshake = Some((None, Ok(tls)));
            Ok(())
        }
        Err(e) if e.phase() == Phase::Connect => w.harness_error(format!(
            "the core is not reachable at {} ({e}); check [core].url",
            core.url
        )),
        Err(e) => {
            w.on_core.handshake = Some((None, Err((&e).into())));
            Ok(())
        }
    }
}

#[then("the secure connection uses TLS 1.2 or TLS 1.3")]
async fn uses_modern_tls(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    let Some((_, outcome)) = w.on_core.handshake.take() else {
        return w.harness_error("no handshake was observed");
    };
    // The handshake itself verified chain and name.
    w.check(checks::core::secure_connection::secure_connection(
        &outcome,
        &core.server_name,
    ))
}

#[when("the invoker offers only TLS 1.0 and TLS 1.1")]
async fn legacy_hello(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    match probe_legacy_versions(&core.host, core.port, &core.server_name, &core.timeouts).await {
        Ok(probes) => {
            for p in &probes {
                w.evidence.notes.push(format!(
                    "ClientHello offering only {} with every suite that exists for it ({} suites) answered with: {}{}",
                    crate::sut::version_name(p.version),
                    p.offered,
                    p.outcome.describe(),
                    p.selected
                        .map(|c| format!(", selecting {}", crate::sut::suite_name(c)))
                        .unwrap_or_default()
                ));
            }
            w.on_core.refusal_probe = Some(RefusalProbe::Legacy(probes));
            Ok(())
        }
        Err(e) => w.harness_error(format!("the core is not reachable at {}: {e}", core.url)),
    }
}

#[then("the core refuses the handshake")]
async fn refuses_handshake(w: &mut SuiteWorld) -> StepResult {
    match w.on_core.refusal_probe.take() {
        Some(RefusalProbe::Legacy(probes)) => w.check(
            checks::core::secure_connection::legacy_versions_refused(&probes),
        ),
        Some(RefusalProbe::Suites {
            found,
            grade,
            control,
        }) => w.check(checks::core::secure_connection::enumerated_suites_refused(
            &found, grade, &control,
        )),
        None => w.harness_error("no hand-built ClientHello was sent"),
    }
}

/// The RFC 9325 recommended suites: the positive control of the hand-built hello.
const RECOMMENDED_SUITES: &[u16] = &[0xc02b, 0xc02f, 0xc02c, 0xc030];

#[when(regex = r"^the invoker offers only cipher suites RFC 9325 (forbids|discourages)$")]
async fn offers_only_bad_suites(w: &mut SuiteWorld, grade: String) -> StepResult {
    use crate::net::suites::Grade;
    let core = w.core()?;
    let grade = if grade == "forbids" {
        Grade::Forbidden
    } else {
        Grade::Discouraged
    };
    let control = match suites_probe(
        &core.host,
        core.port,
        &core.server_name,
        RECOMMENDED_SUITES,
        &core.timeouts,
    )
    .await
    {
        Ok((c, _)) => c,
        Err(e) => {
            return w.harness_error(format!("the core is not reachable at {}: {e}", core.url))
        }
    };
    w.evidence.notes.push(format!(
        "TLS 1.2 ClientHello with the recommended suites [{}] answered with: {}",
        names(RECOMMENDED_SUITES),
        control.describe()
    ));
    // Enumerated once per run, every class offered whole (shared with the other grade).
    let found = match core.tls12_enumeration().await {
        Ok(f) => f,
        Err(e) => {
            return w.harness_error(format!("the core is not reachable at {}: {e}", core.url))
        }
    };
    w.evidence.notes.push(format!(
        "TLS 1.2 suites the core accepts, enumerated one class at a time in {} handshakes ({} ms), encrypt_then_mac offered: [{}]",
        found.handshakes,
        found.ms,
        found
            .accepted
            .iter()
            .map(|a| format!(
                "{} ({}{})",
                crate::sut::suite_name(a.suite),
                a.class.name(),
                if a.encrypt_then_mac { ", encrypt_then_mac negotiated" } else { "" }
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    w.on_core.refusal_probe = Some(RefusalProbe::Suites {
        found,
        grade,
        control,
    });
    Ok(())
}

fn names(suites: &[u16]) -> String {
    suites
        .iter()
        .map(|c| crate::sut::suite_name(*c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The raw bytes of a valid onboarding POST (a fresh key, a valid credential), closing the
/// connection after the answer: what CCF-TLS-03 sends in clear and CCF-TLS-17 as early data.
async fn raw_onboarding_request(w: &mut SuiteWorld) -> Result<Vec<u8>, String> {
    let core = w.core()?;
    let auth = core
        .authorization(&CredentialChoice::Valid)
        .await
        .map_err(|e| format!("cannot obtain a valid credential: {e}"))?
        .unwrap_or_default();
    let body = serde_json::to_vec(&w.valid_body().await).expect("JSON");
    let mut req = format!(
        "POST {} HTTP/1.1\r\nHost: {}:{}\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        core.onboarding_target(),
        core.host,
        core.port,
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(&body);
    Ok(req)
}

#[when("the invoker sends the onboarding request in clear to the core's port")]
async fn cleartext(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    let req = match raw_onboarding_request(w).await {
        Ok(r) => r,
        Err(e) => return w.harness_error(e),
    };
    match cleartext_request(&core.host, core.port, &req, &core.timeouts).await {
        Ok(out) => {
            w.evidence.notes.push(format!(
                "onboarding request in clear answered with: {}",
                match out.status {
                    Some(s) => format!("HTTP {s}"),
                    None if out.reply.is_empty() => "nothing (closed)".into(),
                    None => format!("non-HTTP bytes ({} bytes)", out.reply.len()),
                }
            ));
            // Judged by "Then the cleartext request was not processed": a 2xx here is the
            // finding whatever happens over TLS next.
            w.on_core.cleartext_status = Some(out.status);
            Ok(())
        }
        Err(e) => w.harness_error(format!("the core is not reachable at {}: {e}", core.url)),
    }
}

#[when("the invoker onboards the same key over TLS")]
async fn same_key_over_tls(w: &mut SuiteWorld) -> StepResult {
    // A 2xx in clear is already the finding; a TLS attempt could only add a second,
    // unrelated one (a core that does not speak TLS there would block the verdict).
    if w.on_core
        .cleartext_status
        .flatten()
        .is_some_and(|s| (200..300).contains(&s))
    {
        return Ok(());
    }
    let body = w.valid_body().await;
    w.onboard_with(
        "the same key over TLS, after the cleartext attempt",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}

#[then("the cleartext request was not processed")]
async fn cleartext_not_processed(w: &mut SuiteWorld) -> StepResult {
    let Some(status) = w.on_core.cleartext_status else {
        return w.harness_error("no cleartext attempt was recorded");
    };
    let later = w.on_core.response.clone();
    w.check(checks::core::secure_connection::cleartext_not_processed(
        status,
        later.as_ref(),
    ))
}

#[when("the invoker sends a valid onboarding request without a client certificate")]
async fn no_client_cert(w: &mut SuiteWorld) -> StepResult {
    let body = w.valid_body().await;
    w.onboard_with(
        "valid onboarding request, no client certificate",
        CredentialChoice::Valid,
        RequestBody::Json(body),
    )
    .await
}

#[then("the core answers without requiring a client certificate")]
async fn answers_without_client_cert(w: &mut SuiteWorld) -> StepResult {
    let Some(attempt) = w.on_core.last.as_ref() else {
        return w.harness_error("no exchange was recorded");
    };
    let error = attempt.error.as_ref().map(crate::net::TlsFailure::from);
    let resp = attempt.response.clone();
    w.check(
        checks::core::secure_connection::no_client_certificate_required(
            resp.as_ref(),
            error.as_ref(),
        ),
    )
}

#[then("the core still onboards")]
async fn still_onboards(w: &mut SuiteWorld) -> StepResult {
    let resp = w.current_response()?;
    w.check(checks::core::secure_connection::still_accepted(&resp))
}

#[when("the invoker abandons a handshake after its ClientHello")]
async fn abandon_handshake(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    let cfg = match core.client_config(None) {
        Ok(c) => c,
        Err(e) => return w.harness_error(e.to_string()),
    };
    match abandoned_handshake(
        &core.host,
        core.port,
        &core.server_name,
        cfg,
        &core.timeouts,
    )
    .await
    {
        Ok(note) => w.evidence.notes.push(note),
        Err(e) => return w.harness_error(e),
    }
    Ok(())
}

#[when(regex = r"^the invoker connects offering only (TLS 1\.2|TLS 1\.3)$")]
async fn connect_offering_only(w: &mut SuiteWorld, version: String) -> StepResult {
    let core = w.core()?;
    let v: &'static rustls::SupportedProtocolVersion = if version == "TLS 1.2" {
        &rustls::version::TLS12
    } else {
        &rustls::version::TLS13
    };
    match core.connect_offering(&[v]).await {
        Ok(session) => {
            let tls = session.tls.clone();
            w.evidence.exchanges.push(handshake_exchange(
                &format!("TLS handshake offering only {version}"),
                &tls,
            ));
            session.close().await;
            if version == "TLS 1.3" {
                // Reported, not judged: which TLS 1.3 suites the core accepts, each alone.
                let accepted = crate::sut::tls_enumeration::enumerate_tls13(
                    &core.host,
                    core.port,
                    &core.server_name,
                    &core.timeouts,
                )
                .await;
                w.evidence.notes.push(format!(
                    "TLS 1.3 suites the core accepts, each offered alone: [{}]",
                    accepted
                        .iter()
                        .map(|c| crate::sut::suite_name(*c))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            w.on_core.handshake = Some((Some(version), Ok(tls)));
            Ok(())
        }
        Err(e) if e.phase() == Phase::Connect => w.harness_error(format!(
            "the core is not reachable at {} ({e}); check [core].url",
            core.url
        )),
        Err(e) => {
            w.on_core.handshake = Some((Some(version), Err((&e).into())));
            Ok(())
        }
    }
}

#[then(regex = r"^the handshake completes$")]
async fn handshake_completes(w: &mut SuiteWorld) -> StepResult {
    let Some((Some(version), outcome)) = w.on_core.handshake.take() else {
        return w.harness_error("no single-version handshake was observed");
    };
    w.check(checks::core::secure_connection::handshake_with_only(
        &version, &outcome,
    ))
}

#[when("the invoker connects offering TLS 1.2 and TLS 1.3, and then only TLS 1.3")]
async fn connect_offering_both(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    let mut outcomes = Vec::new();
    for (label, versions) in [
        (
            "TLS handshake offering TLS 1.2 and TLS 1.3",
            crate::net::TLS_VERSIONS,
        ),
        (
            "TLS handshake offering only TLS 1.3",
            &[&rustls::version::TLS13][..],
        ),
    ] {
        match core.connect_offering(versions).await {
            Ok(session) => {
                let tls = session.tls.clone();
                w.evidence.exchanges.push(handshake_exchange(label, &tls));
                session.close().await;
                outcomes.push(Ok(tls));
            }
            Err(e) if e.phase() == Phase::Connect => {
                return w.harness_error(format!(
                    "the core is not reachable at {} ({e}); check [core].url",
                    core.url
                ))
            }
            Err(e) => outcomes.push(Err((&e).into())),
        }
    }
    let only13 = outcomes.pop().expect("two handshakes");
    let both = outcomes.pop().expect("two handshakes");
    w.on_core.version_preference = Some((both, only13));
    Ok(())
}

#[then("the core negotiated TLS 1.3 when both were offered")]
async fn negotiated_tls13(w: &mut SuiteWorld) -> StepResult {
    let Some((both, only13)) = w.on_core.version_preference.take() else {
        return w.harness_error("the two handshakes were not recorded");
    };
    w.check(checks::core::secure_connection::prefers_tls13(
        &both, &only13,
    ))
}

#[when("the invoker offers TLS 1.2 suites one class at a time")]
async fn enumerate_tls12(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    match core.tls12_enumeration().await {
        Ok(found) => {
            w.evidence.notes.push(format!(
                "TLS 1.2 ServerHellos of the enumeration ({} handshakes), what each acknowledged: [{}]",
                found.handshakes,
                found
                    .accepted
                    .iter()
                    .map(|a| format!(
                        "{}: renegotiation_info {}, extended_master_secret {}",
                        crate::sut::suite_name(a.suite),
                        if a.renegotiation_info { "yes" } else { "no" },
                        if a.extended_master_secret { "yes" } else { "no" }
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
            w.on_core.tls12 = Some(found);
            Ok(())
        }
        Err(e) => w.harness_error(format!("the core is not reachable at {}: {e}", core.url)),
    }
}

#[then("every TLS 1.2 ServerHello acknowledges renegotiation_info")]
async fn acknowledges_renegotiation_info(w: &mut SuiteWorld) -> StepResult {
    let Some(found) = w.on_core.tls12.as_ref() else {
        return w.harness_error("the TLS 1.2 enumeration was not recorded");
    };
    let check = checks::core::secure_connection::tls12_extension_acknowledged(
        found,
        "renegotiation_info",
        |a| a.renegotiation_info,
    );
    w.check(check)
}

#[then("every TLS 1.2 ServerHello negotiates extended_master_secret")]
async fn negotiates_extended_master_secret(w: &mut SuiteWorld) -> StepResult {
    let Some(found) = w.on_core.tls12.as_ref() else {
        return w.harness_error("the TLS 1.2 enumeration was not recorded");
    };
    let check = checks::core::secure_connection::tls12_extension_acknowledged(
        found,
        "extended_master_secret",
        |a| a.extended_master_secret,
    );
    w.check(check)
}

/// Connect offering only TLS 1.3 with `suites` and `groups`; the outcome for the Then step.
async fn connect_restricted(
    w: &mut SuiteWorld,
    offer: &str,
    suites: &[rustls::CipherSuite],
    groups: &[rustls::NamedGroup],
    requirement: &'static str,
) -> StepResult {
    let core = w.core()?;
    let provider = crate::net::provider_with(suites, groups);
    let (outcome, any_tls13) = match core
        .connect_offering_with(provider, &[&rustls::version::TLS13])
        .await
    {
        Ok(session) => {
            let tls = session.tls.clone();
            w.evidence.exchanges.push(handshake_exchange(
                &format!("TLS handshake offering {offer}"),
                &tls,
            ));
            session.close().await;
            (Ok(tls), None)
        }
        Err(e) if e.phase() == Phase::Connect => {
            return w.harness_error(format!(
                "the core is not reachable at {} ({e}); check [core].url",
                core.url
            ))
        }
        Err(e) => {
            // Refused: does the core speak TLS 1.3 at all (CCF-TLS-07 judges that)?
            let any = match core.connect_offering(&[&rustls::version::TLS13]).await {
                Ok(session) => {
                    session.close().await;
                    true
                }
                Err(_) => false,
            };
            w.evidence.notes.push(format!(
                "offered {offer}, the handshake failed ({e}); a TLS 1.3 handshake offering every suite and group {}",
                if any { "completes" } else { "fails too" }
            ));
            (Err((&e).into()), Some(any))
        }
    };
    w.on_core.restricted = Some(crate::suite::world::Restricted {
        offer: offer.to_string(),
        requirement,
        outcome,
        any_tls13,
    });
    Ok(())
}

#[when("the invoker connects offering only TLS 1.3 with TLS_AES_128_GCM_SHA256 and secp256r1")]
async fn connect_mti(w: &mut SuiteWorld) -> StepResult {
    connect_restricted(
        w,
        "only TLS 1.3 with TLS_AES_128_GCM_SHA256 and key exchange secp256r1",
        &[rustls::CipherSuite::TLS13_AES_128_GCM_SHA256],
        &[rustls::NamedGroup::secp256r1],
        "RFC 8446 §9.1, made binding by TS 33.210 §6.2.2: MUST implement TLS_AES_128_GCM_SHA256 and key exchange with secp256r1",
    )
    .await
}

#[when("the invoker connects offering only TLS 1.3 with key exchange secp384r1")]
async fn connect_p384(w: &mut SuiteWorld) -> StepResult {
    connect_restricted(
        w,
        "only TLS 1.3 with key exchange secp384r1",
        &[],
        &[rustls::NamedGroup::secp384r1],
        "TS 33.210 §6.2.2: key exchange with secp384r1 should be supported",
    )
    .await
}

#[then("that handshake completes")]
async fn restricted_completes(w: &mut SuiteWorld) -> StepResult {
    let Some(r) = w.on_core.restricted.take() else {
        return w.harness_error("no restricted handshake was observed");
    };
    let check = if r.any_tls13 == Some(false) {
        // Not this test purpose's finding: a core without TLS 1.3 is CCF-TLS-07's.
        crate::checks::Check::blocked(
            Some("CCF-TLS-07"),
            format!(
                "offered {}, the handshake failed, and a TLS 1.3 handshake offering every suite and group fails too",
                r.offer
            ),
        )
    } else {
        checks::core::secure_connection::handshake_with_offer(&r.offer, &r.outcome, r.requirement)
    };
    w.check(check)
}

#[when("the invoker proposes every discouraged TLS 1.2 suite first and the AES-128-GCM ECDHE suites last")]
async fn proposes_weaker_first(w: &mut SuiteWorld) -> StepResult {
    use crate::net::suites::SuiteClass;
    let core = w.core()?;
    let offer: Vec<u16> = SuiteClass::DISCOURAGED
        .iter()
        .flat_map(|c| c.members())
        .chain(checks::AES128_GCM_ECDHE)
        .collect();
    match suites_probe(
        &core.host,
        core.port,
        &core.server_name,
        &offer,
        &core.timeouts,
    )
    .await
    {
        Ok(answer) => {
            w.evidence.notes.push(format!(
                "TLS 1.2 ClientHello proposing {} discouraged suites, then {}: answered with {}{}",
                offer.len() - checks::AES128_GCM_ECDHE.len(),
                names(&checks::AES128_GCM_ECDHE),
                answer.0.describe(),
                answer
                    .1
                    .map(|s| format!(", selecting {}", crate::sut::suite_name(s)))
                    .unwrap_or_default()
            ));
            w.on_core.suite_preference = Some(answer);
            Ok(())
        }
        Err(e) => w.harness_error(format!("the core is not reachable at {}: {e}", core.url)),
    }
}

#[then("the core selected an AES-128-GCM ECDHE suite")]
async fn selected_aes128_gcm_ecdhe(w: &mut SuiteWorld) -> StepResult {
    let (Some(answer), Some(found)) = (
        w.on_core.suite_preference.as_ref(),
        w.on_core.tls12.as_ref(),
    ) else {
        return w.harness_error(
            "the suite-preference hello or the TLS 1.2 enumeration was not recorded",
        );
    };
    let check = checks::core::secure_connection::prefers_aes128_gcm_ecdhe(answer, found);
    w.check(check)
}

#[when("the invoker reads the certificates the core presents, verifying nothing")]
async fn reads_presented_chain(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    let chain =
        crate::sut::presented_chain(&core.host, core.port, &core.server_name, &core.timeouts).await;
    if let Ok(chain) = &chain {
        w.evidence.notes.push(format!(
            "certificates the core presents, leaf first: [{}]",
            chain
                .iter()
                .map(|c| {
                    let i = crate::evidence::cert_info(c);
                    format!(
                        "{} (issuer {}; {})",
                        i.subject,
                        i.issuer,
                        crate::pki::describe_strength(c)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    w.on_core.presented_chain = Some(chain);
    Ok(())
}

#[then("no certificate has a short key or a SHA-1 or MD5 signature")]
async fn strong_certificates(w: &mut SuiteWorld) -> StepResult {
    let Some(chain) = w.on_core.presented_chain.as_ref() else {
        return w.harness_error("the presented chain was not recorded");
    };
    let check = checks::core::secure_connection::certificate_strength(chain);
    w.check(check)
}

#[when("the invoker resumes a session and sends the onboarding request as TLS 1.3 early data")]
async fn early_data(w: &mut SuiteWorld) -> StepResult {
    let core = w.core()?;
    let req = match raw_onboarding_request(w).await {
        Ok(r) => r,
        Err(e) => return w.harness_error(e),
    };
    let first = format!(
        "GET / HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\n\r\n",
        core.host, core.port
    )
    .into_bytes();
    let outcome = crate::sut::early_data::probe(
        &core.host,
        core.port,
        &core.server_name,
        core.trusted.clone(),
        first,
        req,
        core.timeouts,
    )
    .await;
    w.evidence.notes.push(format!(
        "two TLS 1.3 connections sharing one session store, the second resuming with early data enabled: {}",
        match &outcome {
            Ok(o) => crate::sut::early_data::describe(o),
            Err(e) => format!("not completed: {e}"),
        }
    ));
    w.on_core.early_data = Some(outcome);
    Ok(())
}

#[then("the core did not process the request sent as early data")]
async fn early_data_not_processed(w: &mut SuiteWorld) -> StepResult {
    let Some(outcome) = w.on_core.early_data.as_ref() else {
        return w.harness_error("the early-data probe was not recorded");
    };
    let check = checks::core::secure_connection::early_data_not_processed(outcome);
    w.check(check)
}
