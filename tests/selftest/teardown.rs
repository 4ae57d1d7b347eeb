//! "Following the return of an Onboard API Invoker response message (either successful or
//! unsuccessful), the secure session is torn down": observed on the socket, on both sides.

use capif_conformance::net::SessionEnd;
use capif_conformance::peers::invoker::{onboard, AdapterEnv};

use crate::support::*;

#[tokio::test]
async fn the_core_sends_close_notify_after_success_and_after_error() {
    let core = start_core().await;
    let (_, csr) = key_and_csr();
    let (resp, end) = exchange(
        &core,
        &onboarding_request(Some(&credential()), &body_for(&csr)),
    )
    .await;
    assert_eq!(resp.status, 201);
    assert_eq!(resp.header("connection"), Some("close"));
    assert_eq!(end, SessionEnd::CloseNotify);
    let (resp, end) = exchange(&core, &onboarding_request(None, &body_for(&csr))).await;
    assert_eq!(resp.status, 401);
    assert_eq!(end, SessionEnd::CloseNotify);
}

/// A 201 that is well-formed but lacks apiInvokerId and the certificate.
fn created_without_close() -> String {
    let body = r#"{"onboardingInformation":{"apiInvokerPublicKey":"k"},"notificationDestination":"https://n.example/"}"#;
    format!(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\
         Location: https://127.0.0.1/api-invoker-management/v1/onboardedInvokers/INV1\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}
const UNAUTHORIZED_WITHOUT_CLOSE: &str = "HTTP/1.1 401 Unauthorized\r\n\
    Content-Type: application/problem+json\r\nContent-Length: 14\r\n\r\n{\"status\":401}";

async fn invoker_against(response: String) -> (Result<(), String>, Recorded) {
    let (addr, server) = scripted_server(pki().core.clone(), response).await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki().ca.cert_pem()).unwrap();
    let env = AdapterEnv {
        connect_to: None,
        register: None,
        core_url: url::Url::parse(&format!("https://127.0.0.1:{}", addr.port())).unwrap(),
        ca_file: ca,
        credential: credential(),
        workdir: None,
    };
    let result = onboard(&env, &timeouts(), &Default::default(), &Default::default())
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    (result, server.await.unwrap())
}

#[tokio::test]
async fn the_invoker_sends_close_notify_after_an_error_response() {
    let (result, rec) = invoker_against(UNAUTHORIZED_WITHOUT_CLOSE.into()).await;
    let err = result.unwrap_err();
    assert!(err.contains("HTTP 401"), "{err}");
    assert_eq!(rec.end, Some(SessionEnd::CloseNotify));
}

#[tokio::test]
async fn the_invoker_sends_close_notify_after_a_success_response_and_checks_it() {
    // The scripted 201 lacks apiInvokerId: the invoker closes properly AND reports failure.
    let (result, rec) = invoker_against(created_without_close()).await;
    let err = result.unwrap_err();
    assert!(err.contains("apiInvokerId"), "{err}");
    assert_eq!(rec.end, Some(SessionEnd::CloseNotify));
    let request = String::from_utf8_lossy(&rec.request);
    assert!(request.starts_with("POST /api-invoker-management/v1/onboardedInvokers HTTP/1.1\r\n"));
    assert!(request.contains(&format!(
        "Authorization: Bearer {}",
        credential().split('.').next().unwrap()
    )));
}
