//! The reference core onboards a conformant invoker: 201, Location, full body, a certificate
//! that chains to the CAPIF root and binds the invoker's key.

use capif_conformance::model::{ApiInvokerEnrolmentDetails, ONBOARDING_PATH};
use capif_conformance::peers::core::CoreSettings;
use capif_conformance::peers::invoker::{onboard, AdapterEnv};
use capif_conformance::pki::{certificate_spki, pem_to_der, Identity};
use rcgen::PublicKeyData;

use crate::support::*;

#[tokio::test]
async fn onboarding_answers_201_with_location_and_a_bound_certificate() {
    let core = start_core().await;
    let (key, csr) = key_and_csr();
    let (resp, _) = exchange(
        &core,
        &onboarding_request(Some(&credential()), &body_for(&csr)),
    )
    .await;
    assert_eq!(resp.status, 201);
    assert_eq!(resp.media_type().as_deref(), Some("application/json"));
    let details: ApiInvokerEnrolmentDetails = serde_json::from_slice(&resp.body).unwrap();
    let id = details.api_invoker_id.clone().unwrap();
    assert!(id.starts_with("INV") && id.len() == 33, "{id}");
    assert_eq!(
        resp.header("location"),
        Some(format!("{}{ONBOARDING_PATH}/{id}", core.url).as_str())
    );
    assert_eq!(
        details.notification_destination,
        "https://invoker.example/notify"
    );
    assert_eq!(details.onboarding_information.api_invoker_public_key, csr);
    assert_eq!(details.supported_features.as_deref(), Some("0"));
    assert_eq!(details.onboarding_information.onboarding_secret, None);
    let cert = pem_to_der(
        details
            .onboarding_information
            .api_invoker_certificate
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        certificate_spki(&cert).unwrap(),
        key.subject_public_key_info()
    );
    let pem = details
        .onboarding_information
        .api_invoker_certificate
        .as_deref()
        .unwrap();
    capif_conformance::pki::verify_issued(
        pem,
        std::slice::from_ref(&pki().ca.cert),
        &key.subject_public_key_info(),
        rustls_pki_types::UnixTime::now(),
    )
    .unwrap();
    // CN = apiInvokerId, as OpenCAPIF does and mutual TLS later relies on.
    use x509_parser::prelude::FromDer;
    let (_, parsed) = x509_parser::certificate::X509Certificate::from_der(&cert).unwrap();
    let cn = parsed.subject().iter_common_name().next().unwrap();
    assert_eq!(cn.as_str().unwrap(), id);
    assert_eq!(core.onboarded_count(), 1);
}

#[tokio::test]
async fn a_plain_public_key_is_accepted_too_and_a_secret_issued_when_configured() {
    let mut settings = CoreSettings::new(pki().clone());
    settings.issue_secret = true;
    let core = start_core_with(settings).await;
    let key = rcgen::KeyPair::generate().unwrap();
    let (resp, _) = exchange(
        &core,
        &onboarding_request(Some(&credential()), &body_for(&key.public_key_pem())),
    )
    .await;
    assert_eq!(resp.status, 201);
    let details: ApiInvokerEnrolmentDetails = serde_json::from_slice(&resp.body).unwrap();
    let secret = details.onboarding_information.onboarding_secret.unwrap();
    assert_eq!(secret.len(), 64);
}

#[tokio::test]
async fn two_invokers_get_different_ids() {
    let core = start_core().await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (_, csr) = key_and_csr();
        let (resp, _) = exchange(
            &core,
            &onboarding_request(Some(&credential()), &body_for(&csr)),
        )
        .await;
        assert_eq!(resp.status, 201);
        ids.push(
            resp.json().unwrap()["apiInvokerId"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    assert_ne!(ids[0], ids[1]);
}

#[tokio::test]
async fn reference_invoker_onboards_against_reference_core() {
    let core = start_core().await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki().ca.cert_pem()).unwrap();
    let env = AdapterEnv {
        connect_to: None,
        register: None,
        core_url: url::Url::parse(&core.url).unwrap(),
        ca_file: ca,
        credential: credential(),
        workdir: None,
    };
    let done = onboard(&env, &timeouts(), &Default::default(), &Default::default())
        .await
        .unwrap();
    assert_eq!(
        done.location,
        format!("{}{ONBOARDING_PATH}/{}", core.url, done.api_invoker_id)
    );
    assert_eq!(core.onboarded_count(), 1);
}

#[tokio::test]
async fn the_issued_certificate_offboards_over_mutual_tls() {
    let core = start_core().await;
    let (key, csr) = key_and_csr();
    let (resp, _) = exchange(
        &core,
        &onboarding_request(Some(&credential()), &body_for(&csr)),
    )
    .await;
    let id = resp.json().unwrap()["apiInvokerId"]
        .as_str()
        .unwrap()
        .to_string();
    let cert = pem_to_der(
        resp.json().unwrap()["onboardingInformation"]["apiInvokerCertificate"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let path = format!("{ONBOARDING_PATH}/{id}");
    let delete = capif_conformance::net::HttpRequest::new("DELETE", &path);
    // Without the client certificate: refused.
    let (resp, _) = exchange(&core, &delete).await;
    assert_eq!(resp.status, 403);
    // With it: 204, and the invoker is gone.
    let me = Identity::new(vec![cert], key);
    let mut s = session_as(&core, Some(&me)).await;
    let resp = s.exchange(&delete).await.unwrap();
    assert_eq!(resp.status, 204);
    assert_eq!(core.onboarded_count(), 0);
}

#[tokio::test]
async fn enrolment_endpoint_hands_out_a_working_credential() {
    use base64::Engine;
    let mut settings = CoreSettings::new(pki().clone());
    settings.enrolment = capif_conformance::peers::core::EnrolmentLogin::parse("inv:secret");
    let core = start_core_with(settings).await;
    let basic = |user_pass: &str| {
        capif_conformance::net::HttpRequest::new("GET", "/getauth").header(
            "Authorization",
            &format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(user_pass)
            ),
        )
    };
    let (resp, _) = exchange(&core, &basic("inv:wrong")).await;
    assert_eq!(resp.status, 401);
    let (resp, _) = exchange(&core, &basic("inv:secret")).await;
    assert_eq!(resp.status, 200);
    let j = resp.json().unwrap();
    assert_eq!(j["ca_root"].as_str().unwrap(), pki().ca.cert_pem());
    assert_eq!(
        j["ccf_onboarding_url"],
        "api-invoker-management/v1/onboardedInvokers"
    );
    let token = j["access_token"].as_str().unwrap();
    let (_, csr) = key_and_csr();
    let (resp, _) = exchange(&core, &onboarding_request(Some(token), &body_for(&csr))).await;
    assert_eq!(resp.status, 201);
}
