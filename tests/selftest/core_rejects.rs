//! The reference core rejects every invalid onboarding with the specified status and a
//! ProblemDetails, stores nothing, and never answers 5xx to a body.

use capif_conformance::model::{ProblemDetails, ONBOARDING_PATH, PROBLEM_JSON};
use capif_conformance::net::{HttpRequest, HttpResponse};
use capif_conformance::pki::{mint_credential, tamper_signature, Claims};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::support::*;

/// The response is `status` with a ProblemDetails whose status matches, and no onboarding.
fn assert_problem(resp: &HttpResponse, status: u16) -> ProblemDetails {
    assert_eq!(
        resp.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&resp.body)
    );
    assert_eq!(resp.media_type().as_deref(), Some(PROBLEM_JSON));
    assert!(resp.header("location").is_none());
    let pd: ProblemDetails = serde_json::from_slice(&resp.body).unwrap();
    assert_eq!(pd.status, Some(status));
    assert!(!String::from_utf8_lossy(&resp.body).contains("apiInvokerId\":\"INV"));
    pd
}

fn invalid_params(pd: &ProblemDetails) -> Vec<String> {
    pd.invalid_params
        .iter()
        .flatten()
        .map(|p| p.param.clone())
        .collect()
}

#[tokio::test]
async fn bad_credentials_get_401_and_nothing_is_stored() {
    let core = start_core().await;
    let (_, csr) = key_and_csr();
    let body = body_for(&csr);
    let good = credential();
    let other_key = rcgen::KeyPair::generate().unwrap();
    let cases: Vec<(&str, HttpRequest)> = vec![
        ("no credential", onboarding_request(None, &body)),
        (
            "tampered signature",
            onboarding_request(Some(&tamper_signature(&good)), &body),
        ),
        (
            "expired",
            onboarding_request(
                Some(&mint_credential(
                    &pki().enrolment.key,
                    &Claims::window("i", -7200, -3600),
                )),
                &body,
            ),
        ),
        (
            "signed by another key",
            onboarding_request(
                Some(&mint_credential(&other_key, &Claims::valid_for("i", 600))),
                &body,
            ),
        ),
        ("malformed", onboarding_request(Some("not.a.jwt"), &body)),
        (
            "wrong scheme",
            HttpRequest::new("POST", ONBOARDING_PATH)
                .header("Authorization", &format!("Basic {good}"))
                .json(&body),
        ),
    ];
    for (what, req) in cases {
        let (resp, _) = exchange(&core, &req).await;
        let pd = assert_problem(&resp, 401);
        assert!(pd.detail.is_some(), "{what}: no detail");
        assert!(resp.header("www-authenticate").is_some(), "{what}");
    }
    assert_eq!(core.onboarded_count(), 0);
    // Nothing was stored: the same key onboards now.
    let (resp, _) = exchange(&core, &onboarding_request(Some(&good), &body)).await;
    assert_eq!(resp.status, 201);
}

#[tokio::test]
async fn each_missing_required_field_is_named() {
    let core = start_core().await;
    let (_, csr) = key_and_csr();
    type Mutation = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "/onboardingInformation",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("onboardingInformation");
            }),
        ),
        (
            "/onboardingInformation/apiInvokerPublicKey",
            Box::new(|b| {
                b["onboardingInformation"] = json!({});
            }),
        ),
        (
            "/notificationDestination",
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("notificationDestination");
            }),
        ),
        (
            "/apiInvokerId",
            Box::new(|b| {
                b["apiInvokerId"] = json!("INV0000");
            }),
        ),
        (
            "/onboardingInformation/apiInvokerPublicKey",
            Box::new(|b| {
                b["onboardingInformation"]["apiInvokerPublicKey"] = json!("not a key");
            }),
        ),
    ];
    for (param, mutate) in cases {
        let mut body = body_for(&csr);
        mutate(&mut body);
        let (resp, _) = exchange(&core, &onboarding_request(Some(&credential()), &body)).await;
        let pd = assert_problem(&resp, 400);
        assert_eq!(invalid_params(&pd), [param]);
    }
    assert_eq!(core.onboarded_count(), 0);
    let (resp, _) = exchange(
        &core,
        &onboarding_request(Some(&credential()), &body_for(&csr)),
    )
    .await;
    assert_eq!(
        resp.status, 201,
        "after rejections the same key still onboards"
    );
}

#[tokio::test]
async fn non_json_wrong_media_type_and_oversized_bodies() {
    let core = start_core().await;
    let auth = format!("Bearer {}", credential());
    let mut not_json = HttpRequest::new("POST", ONBOARDING_PATH)
        .header("Authorization", &auth)
        .header("Content-Type", "application/json");
    not_json.body = b"{not json".to_vec();
    let (resp, _) = exchange(&core, &not_json).await;
    assert_eq!(invalid_params(&assert_problem(&resp, 400)), ["/"]);

    let mut wrong_type = HttpRequest::new("POST", ONBOARDING_PATH)
        .header("Authorization", &auth)
        .header("Content-Type", "text/plain");
    wrong_type.body = serde_json::to_vec(&body_for(&key_and_csr().1)).unwrap();
    let (resp, _) = exchange(&core, &wrong_type).await;
    assert_problem(&resp, 415);

    let mut big = body_for(&key_and_csr().1);
    big["apiInvokerInformation"] = json!("x".repeat(100 * 1024));
    let (resp, _) = exchange(&core, &onboarding_request(Some(&credential()), &big)).await;
    assert_problem(&resp, 413);
    assert_eq!(core.onboarded_count(), 0);
}

#[tokio::test]
async fn the_same_public_key_twice_is_403() {
    let core = start_core().await;
    let (_, csr) = key_and_csr();
    let req = onboarding_request(Some(&credential()), &body_for(&csr));
    assert_eq!(exchange(&core, &req).await.0.status, 201);
    let (resp, _) = exchange(&core, &req).await;
    assert_problem(&resp, 403);
    assert_eq!(core.onboarded_count(), 1);
}

#[tokio::test]
async fn other_paths_and_methods_are_404_and_405() {
    let core = start_core().await;
    let (resp, _) = exchange(&core, &HttpRequest::new("GET", "/nothing/here")).await;
    assert_problem(&resp, 404);
    let (resp, _) = exchange(&core, &HttpRequest::new("GET", ONBOARDING_PATH)).await;
    assert_problem(&resp, 405);
    assert_eq!(resp.header("allow"), Some("POST"));
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        "[ -~]{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("onboardingInformation".to_string()),
                    Just("apiInvokerPublicKey".to_string()),
                    Just("notificationDestination".to_string()),
                    Just("apiInvokerId".to_string()),
                    Just("apiList".to_string()),
                    "[a-z]{1,5}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Bodies near the valid space: a valid one with one field replaced by arbitrary JSON.
fn arb_body() -> impl Strategy<Value = Value> {
    let (_, csr) = key_and_csr();
    (
        prop_oneof![
            Just("onboardingInformation"),
            Just("notificationDestination"),
            Just("supportedFeatures"),
            Just("apiList"),
            Just("apiInvokerId"),
            Just("requestTestNotification"),
        ],
        arb_json(),
        any::<bool>(),
    )
        .prop_map(move |(field, value, replace)| {
            let mut b = body_for(&csr);
            if replace {
                b[field] = value;
                b
            } else {
                value
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_bodies_get_201_or_a_4xx_problem_never_5xx(body in arb_body()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let (status, media, pd_status) = rt.block_on(async {
            let core = start_core().await;
            let (resp, _) = exchange(&core, &onboarding_request(Some(&credential()), &body)).await;
            let pd = serde_json::from_slice::<ProblemDetails>(&resp.body).ok().and_then(|p| p.status);
            (resp.status, resp.media_type(), pd)
        });
        prop_assert!(status == 201 || (400..500).contains(&status), "status {status}");
        if status != 201 {
            prop_assert_eq!(media.as_deref(), Some(PROBLEM_JSON));
            prop_assert_eq!(pd_status, Some(status));
        }
    }
}
