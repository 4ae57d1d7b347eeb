//! The played core's answers, as scripted. Every answer says `Connection: close` (as a
//! conformant core announces the teardown) but the played core leaves closing to the invoker.

use serde_json::json;

use super::session::ObservedRequest;
use super::{Answers, Granted, Shared, Unusable};
use crate::model::{validate_enrolment_post, ProblemDetails, ONBOARDING_PATH, PROBLEM_JSON};
use crate::pki::{parse_invoker_public_key, verify_credential, CertProfile};

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

fn problem(status: u16, reason: &str, cause: &str, detail: &str) -> Vec<u8> {
    let pd = ProblemDetails::new(status, reason, detail, cause);
    // RFC 9110 §11.6.1: a 401 MUST carry a challenge (RFC 6750 §3: Bearer).
    let challenge = [(
        "WWW-Authenticate",
        "Bearer realm=\"capif-onboarding\"".to_string(),
    )];
    http(
        status,
        reason,
        PROBLEM_JSON,
        if status == 401 { &challenge } else { &[] },
        &serde_json::to_vec(&pd).expect("serializes"),
    )
}

/// The bytes of the answer to `req`.
pub fn respond(shared: &Shared, req: &ObservedRequest) -> Vec<u8> {
    let path = req.target.split('?').next().unwrap_or("");
    if !(req.method == "POST" && path.ends_with(ONBOARDING_PATH)) {
        return problem(
            404,
            "Not Found",
            "RESOURCE_NOT_FOUND",
            "the played core serves only POST onboardedInvokers",
        );
    }
    if shared.script.answers == Answers::RejectCredential {
        return problem(
            401,
            "Unauthorized",
            "INVALID_ONBOARDING_CREDENTIAL",
            "the onboarding credential is not valid (scripted rejection)",
        );
    }
    let token = req
        .header("authorization")
        .and_then(crate::model::bearer_token)
        .unwrap_or("");
    if verify_credential(token.trim(), shared.pki.enrolment_point()).is_err() {
        return problem(
            401,
            "Unauthorized",
            "INVALID_ONBOARDING_CREDENTIAL",
            "no valid Bearer onboarding credential",
        );
    }
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
        return problem(400, "Bad Request", "INVALID_JSON", "the body is not JSON");
    };
    if !validate_enrolment_post(&body).is_empty() {
        return problem(
            400,
            "Bad Request",
            "INVALID_PARAMETERS",
            "the APIInvokerEnrolmentDetails is not valid",
        );
    }
    let key_text = body["onboardingInformation"]["apiInvokerPublicKey"]
        .as_str()
        .unwrap_or("");
    let Ok(key) = parse_invoker_public_key(key_text) else {
        return problem(
            400,
            "Bad Request",
            "INVALID_PARAMETERS",
            "apiInvokerPublicKey is not a usable key",
        );
    };
    let id = format!(
        "INV{}",
        hex::encode(&crate::pki::new_serial().to_bytes()[..15])
    );
    let unusable = match shared.script.answers {
        Answers::CreatedWith(u) => Some(u),
        _ => None,
    };
    let profile = CertProfile::Invoker {
        api_invoker_id: id.clone(),
        validity: if unusable == Some(Unusable::Expired) {
            time::Duration::days(-1)
        } else {
            time::Duration::days(1)
        },
    };
    let issued = match unusable {
        Some(Unusable::OtherKey) => rcgen::KeyPair::generate()
            .map_err(|e| e.to_string())
            .and_then(|k| shared.pki.ca.issue(&profile, &k).map_err(|e| e.to_string())),
        Some(Unusable::OtherCa) => crate::pki::Authority::new_root("Not the CAPIF root")
            .map_err(|e| e.to_string())
            .and_then(|ca| ca.issue(&profile, &key).map_err(|e| e.to_string())),
        _ => shared
            .pki
            .ca
            .issue(&profile, &key)
            .map_err(|e| e.to_string()),
    };
    let Ok(cert) = issued else {
        return problem(
            500,
            "Internal Server Error",
            "ISSUANCE_FAILED",
            "harness could not issue",
        );
    };
    let mut out = body.clone();
    out["apiInvokerId"] = json!(id);
    out["onboardingInformation"]["apiInvokerCertificate"] = json!(cert.pem());
    match shared.script.answers {
        Answers::CreatedWithoutId => {
            out.as_object_mut().map(|o| o.remove("apiInvokerId"));
        }
        Answers::CreatedWithoutCertificate => {
            out["onboardingInformation"]
                .as_object_mut()
                .map(|o| o.remove("apiInvokerCertificate"));
        }
        Answers::CreatedWith(u) => {
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
                // Issued above for another key, from another CA, or already expired.
                Unusable::OtherKey | Unusable::OtherCa | Unusable::Expired => {}
            }
        }
        // Never: the session never asks for an answer (it waits for the invoker to give up).
        Answers::Status(_) | Answers::Never => {}
        Answers::Onboard | Answers::RejectCredential => {
            shared.granted.lock().expect("lock").push(Granted {
                api_invoker_id: id.clone(),
                certificate_pem: cert.pem(),
            });
        }
    }
    let root = shared.api_root.lock().expect("lock").clone();
    let location = ("Location", format!("{root}{ONBOARDING_PATH}/{id}"));
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
