//! "If the onboarding session cannot be secured, the session is released and the onboarding
//! flow ends": the reference invoker sends nothing to a core with a bad certificate.

use capif_conformance::peers::invoker::{onboard, AdapterEnv, InvokerError};
use capif_conformance::pki::{Identity, ServerVariant, DEFAULT_HOSTS};

use crate::support::*;

#[tokio::test]
async fn no_request_reaches_a_core_with_any_bad_certificate() {
    let hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki().ca.cert_pem()).unwrap();
    for variant in ServerVariant::ALL {
        let identity = Identity::bad_server(&pki().ca, variant, &hosts).unwrap();
        let (addr, server) = scripted_server(identity, "HTTP/1.1 500 X\r\n\r\n").await;
        let env = AdapterEnv {
            connect_to: None,
            register: None,
            core_url: url::Url::parse(&format!("https://localhost:{}", addr.port())).unwrap(),
            ca_file: ca.clone(),
            credential: credential(),
            workdir: None,
        };
        let err = onboard(&env, &timeouts(), &Default::default(), &Default::default())
            .await
            .unwrap_err();
        assert!(
            matches!(err, InvokerError::SecureConnection(_)),
            "{variant:?}: {err}"
        );
        let rec = server.await.unwrap();
        assert!(!rec.handshake_ok, "{variant:?}: handshake completed");
        assert!(
            rec.request.is_empty(),
            "{variant:?}: the invoker sent a request"
        );
    }
}

#[tokio::test]
async fn a_good_certificate_is_accepted_by_the_same_path() {
    // Control for the test above: the same scripted server with the good identity does get
    // the request, so the refusals are due to the certificates.
    let (addr, server) = scripted_server(
        pki().core.clone(),
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n",
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki().ca.cert_pem()).unwrap();
    let env = AdapterEnv {
        connect_to: None,
        register: None,
        core_url: url::Url::parse(&format!("https://localhost:{}", addr.port())).unwrap(),
        ca_file: ca,
        credential: credential(),
        workdir: None,
    };
    let err = onboard(&env, &timeouts(), &Default::default(), &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(err, InvokerError::Rejected { status: 401, .. }),
        "{err}"
    );
    let rec = server.await.unwrap();
    assert!(rec.handshake_ok);
    assert!(!rec.request.is_empty());
}
