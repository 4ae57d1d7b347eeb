//! The played core's answers, as scripted. Every answer says `Connection: close` (as a
//! conformant core announces the teardown) but the played core leaves closing to the invoker.

use serde_json::json;

use super::session::ObservedRequest;
use super::{Answers, Granted, Notify, Offboard, SentNotification, Shared, Unusable};
use crate::model::{ONBOARDING_PATH, PROBLEM_JSON};
use crate::peers::core::decision::{
    check_credential, check_request, created_details, new_invoker_id, random_hex, Rejection, Rules,
};
use crate::pki::CertProfile;

fn http(status: u16, reason: &str, media: &str, extra: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("HTTP/1.1 {status} {reason}\r\nContent-Type: {media}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A rejection as ProblemDetails (`application/problem+json`); a 401 carries a challenge
/// (RFC 9110 §11.6.1, RFC 6750 §3).
fn problem(r: &Rejection) -> Vec<u8> {
    let pd = r.problem_details();
    let challenge = [(
        "WWW-Authenticate",
        "Bearer realm=\"capif-onboarding\"".to_string(),
    )];
    http(
        r.status,
        pd.title.as_deref().unwrap_or("Error"),
        PROBLEM_JSON,
        if r.status == 401 { &challenge } else { &[] },
        &serde_json::to_vec(&pd).expect("serializes"),
    )
}

/// The bytes of the answer to `req`: the onboarding decision shared with the reference core
/// ([`crate::peers::core::decision`]), then the scenario's script applied to a 201.
///
/// Long by design: every scripted answer of the played core in one match, so a scenario's
/// answer can be read in one place.
pub fn respond(shared: &Shared, req: &ObservedRequest, client_cert: Option<&[u8]>) -> Vec<u8> {
    let path = req.target.split('?').next().unwrap_or("");
    if let (Some(offboard), "DELETE") = (shared.script.offboard, req.method.as_str()) {
        return offboarding(shared, offboard, path, client_cert);
    }
    if !(req.method == "POST" && path.ends_with(ONBOARDING_PATH)) {
        return problem(&Rejection::new(
            404,
            "RESOURCE_NOT_FOUND",
            "the played core serves only POST onboardedInvokers",
        ));
    }
    if shared.script.answers == Answers::RejectCredential {
        return problem(&Rejection::unauthorized(
            "the onboarding credential is not valid (scripted rejection)",
        ));
    }
    let rules = Rules::strict(shared.pki.enrolment_point());
    let decided = check_credential(req.header("authorization"), &rules, None)
        .and_then(|()| check_request(req.header("content-type"), &req.body, &rules));
    let validated = match decided {
        Ok(v) => v,
        Err(r) => return problem(&r),
    };
    let key = &validated.key;
    let id = new_invoker_id();
    let unusable = shared.script.unusable();
    let profile = match unusable {
        Some(Unusable::WrongUsage) => CertProfile::InvokerServerAuthOnly {
            api_invoker_id: id.clone(),
        },
        _ => CertProfile::Invoker {
            api_invoker_id: id.clone(),
            validity: if unusable == Some(Unusable::Expired) {
                time::Duration::days(-1)
            } else {
                time::Duration::days(1)
            },
        },
    };
    let issued = match unusable {
        Some(Unusable::OtherKey) => rcgen::KeyPair::generate()
            .map_err(|e| e.to_string())
            .and_then(|k| shared.pki.ca.issue(&profile, &k).map_err(|e| e.to_string())),
        Some(Unusable::OtherCa) => crate::pki::Authority::new_root("Not the CAPIF root")
            .map_err(|e| e.to_string())
            .and_then(|ca| ca.issue(&profile, key).map_err(|e| e.to_string())),
        _ => shared
            .pki
            .ca
            .issue(&profile, key)
            .map_err(|e| e.to_string()),
    };
    let Ok(cert) = issued else {
        return problem(&Rejection::new(
            500,
            "ISSUANCE_FAILED",
            "harness could not issue",
        ));
    };
    let created = created_details(validated.details, &id, Some(cert.pem()), None);
    let mut out = serde_json::to_value(&created).expect("serializes");
    match shared.script.answers {
        Answers::CreatedWithoutId => {
            out.as_object_mut().map(|o| o.remove("apiInvokerId"));
        }
        Answers::CreatedWithoutCertificate => {
            out["onboardingInformation"]
                .as_object_mut()
                .map(|o| o.remove("apiInvokerCertificate"));
        }
        Answers::CreatedWith(u) | Answers::Accepted(Notify::SuccessWith(u)) => {
            let cert_field = &mut out["onboardingInformation"]["apiInvokerCertificate"];
            match u {
                Unusable::EmptyId => out["apiInvokerId"] = json!(""),
                Unusable::EmptyCertificate => *cert_field = json!(""),
                Unusable::NotPem => *cert_field = json!("this is not a certificate"),
                Unusable::Unparsable => {
                    *cert_field = json!(
                        "-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
                    )
                }
                // Issued above for another key, from another CA, already expired, or for
                // serverAuth only.
                Unusable::OtherKey
                | Unusable::OtherCa
                | Unusable::Expired
                | Unusable::WrongUsage => {}
            }
        }
        // Never: the session never asks for an answer (it waits for the invoker to give up).
        Answers::Status(_) | Answers::Never | Answers::Accepted(_) => {}
        Answers::Onboard | Answers::RejectCredential => {}
    }
    let root = shared.api_root.lock().expect("lock").clone();
    // In the offboarding scenarios the resource's onboardingId is not the apiInvokerId
    // (TS 29.222 names the resource {onboardingId}; nothing makes them equal), so only an
    // invoker that DELETEs the Location it was given finds its resource.
    let onboarding_id = if shared.script.offboard.is_some() {
        format!("ONB{}", random_hex(15))
    } else {
        id.clone()
    };
    let location = (
        "Location",
        format!("{root}{ONBOARDING_PATH}/{onboarding_id}"),
    );
    if matches!(
        shared.script.answers,
        Answers::Onboard | Answers::Accepted(Notify::Success | Notify::SuccessAfterForgery)
    ) {
        shared.granted.lock().expect("lock").push(Granted {
            api_invoker_id: id.clone(),
            certificate_pem: cert.pem(),
            location: location.1.clone(),
        });
    }
    if let Answers::Accepted(notify) = shared.script.answers {
        let destination = serde_json::from_slice::<serde_json::Value>(&req.body)
            .ok()
            .and_then(|v| v["notificationDestination"].as_str().map(str::to_string))
            .unwrap_or_default();
        let notification = match notify {
            Notify::Success | Notify::SuccessWith(_) | Notify::SuccessAfterForgery => Some(json!({
                "result": true,
                "resourceLocation": location.1,
                "apiInvokerEnrolmentDetails": out,
            })),
            Notify::Failure => Some(json!({"result": false})),
            Notify::Never => None,
        };
        *shared.pending.lock().expect("lock") = notification.map(|body| Pending {
            destination,
            api_invoker_id: notify.result().then(|| {
                out["apiInvokerId"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_default()
            }),
            body,
            forge_first: notify == Notify::SuccessAfterForgery,
        });
        return http(202, "Accepted", "application/json", &[], b"");
    }
    if let Some(rw) = &shared.rewrite {
        return rewritten(rw, out, location);
    }
    let body = serde_json::to_vec(&out).expect("serializes");
    match shared.script.answers {
        Answers::Status(204) => http(204, "No Content", "application/json", &[], b""),
        Answers::Status(status) => http(
            status,
            if status == 202 { "Accepted" } else { "OK" },
            "application/json",
            &[location],
            &body,
        ),
        _ => http(201, "Created", "application/json", &[location], &body),
    }
}

/// The 201 `out` (with its `location`) changed by a generated [`Rewrite`].
fn rewritten(rw: &super::Rewrite, mut out: serde_json::Value, location: (&str, String)) -> Vec<u8> {
    for (pointer, value) in &rw.edits {
        let (parent, last) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        let Some(obj) = out.pointer_mut(parent).and_then(|p| p.as_object_mut()) else {
            continue;
        };
        match value {
            Some(v) => obj.insert(last.to_string(), v.clone()),
            None => obj.remove(last),
        };
    }
    let status = rw.status.unwrap_or(201);
    let body = match (&rw.raw_body, status) {
        (_, 204) => Vec::new(),
        (Some(raw), _) => raw.clone(),
        (None, _) => serde_json::to_vec(&out).expect("serializes"),
    };
    let reason = match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    http(status, reason, "application/json", &[location], &body)
}

/// The status line's code of an answer the played core wrote.
pub fn status_of(response: &[u8]) -> Option<u16> {
    std::str::from_utf8(response.get(9..12)?).ok()?.parse().ok()
}

/// The answer to a DELETE (TS 33.122 §6.8): strictly, 204 only for the resource of an
/// invoker this core onboarded, over mutual TLS with the certificate issued to it.
fn offboarding(
    shared: &Shared,
    offboard: Offboard,
    path: &str,
    client_cert: Option<&[u8]>,
) -> Vec<u8> {
    if let Offboard::Status(status) = offboard {
        return problem(&Rejection::new(
            status,
            "SCRIPTED_OFFBOARDING_ERROR",
            "the offboarding is refused (scripted)",
        ));
    }
    let granted = shared.granted.lock().expect("lock").clone();
    let Some(g) = granted
        .iter()
        .find(|g| url::Url::parse(&g.location).is_ok_and(|u| u.path() == path))
    else {
        return problem(&Rejection::new(
            404,
            "INVOKER_NOT_FOUND",
            "no onboarded API invoker at this path",
        ));
    };
    let issued = crate::pki::pem_certificates(&g.certificate_pem);
    match client_cert {
        Some(c) if issued.first().is_some_and(|i| i.as_ref() == c) => {
            http(204, "No Content", "application/json", &[], b"")
        }
        Some(_) => problem(&Rejection::new(
            403,
            "WRONG_CLIENT_CERTIFICATE",
            "the client certificate is not the one issued to this API invoker",
        )),
        None => problem(&Rejection::new(
            403,
            "CLIENT_CERTIFICATE_REQUIRED",
            "offboarding requires mutual TLS with the certificate issued at onboarding",
        )),
    }
}

/// The OnboardingNotification a 202 owes, sent once the 202 is written.
#[derive(Debug, Clone)]
pub struct Pending {
    destination: String,
    api_invoker_id: Option<String>,
    body: serde_json::Value,
    /// POST a forged `result: false` to another path of the same receiver first.
    forge_first: bool,
}

/// A path on the invoker's receiver that it did not name: the destination's own path with a
/// sibling segment, so only a receiver that checks the path tells the two apart.
fn forged_destination(destination: &str) -> Option<String> {
    let mut url = url::Url::parse(destination).ok()?;
    let path = url.path().trim_end_matches('/').to_string();
    let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
    url.set_path(&format!(
        "{parent}/capif-conformance-not-your-destination-{}",
        random_hex(8)
    ));
    url.set_query(None);
    Some(url.to_string())
}

/// POST the notification a 202 owes to the invoker's notificationDestination and record
/// how that went. The played core is not under test here: it does not authenticate the
/// invoker's receiver (any certificate), it only delivers, within the response timeout.
pub async fn deliver(shared: &Shared, pending: Pending) {
    let forged = match pending
        .forge_first
        .then(|| forged_destination(&pending.destination))
        .flatten()
    {
        Some(elsewhere) => {
            let answer = tokio::time::timeout(
                shared.timeouts.response,
                post(&elsewhere, &json!({"result": false}), &shared.timeouts),
            )
            .await
            .unwrap_or_else(|_| {
                Err("the receiver did not answer within the response timeout".into())
            });
            Some((elsewhere, answer))
        }
        None => None,
    };
    let sent_ms = shared.started.elapsed().as_millis() as u64;
    let delivered = tokio::time::timeout(
        shared.timeouts.response,
        post(&pending.destination, &pending.body, &shared.timeouts),
    )
    .await
    .unwrap_or_else(|_| Err("the receiver did not answer within the response timeout".into()));
    shared
        .notifications
        .lock()
        .expect("lock")
        .push(SentNotification {
            destination: pending.destination,
            result: pending.api_invoker_id.is_some(),
            api_invoker_id: pending.api_invoker_id,
            delivered,
            sent_ms,
            forged,
        });
}

async fn post(
    destination: &str,
    body: &serde_json::Value,
    timeouts: &crate::net::Timeouts,
) -> Result<u16, String> {
    let mut config = (*crate::net::client_config(&[], None, crate::net::TLS_VERSIONS)
        .map_err(|e| e.to_string())?)
    .clone();
    config
        .dangerous()
        .set_certificate_verifier(crate::peers::lax_verifier::LaxVerifier::anything());
    crate::net::post_json(destination, body, std::sync::Arc::new(config), timeouts).await
}
