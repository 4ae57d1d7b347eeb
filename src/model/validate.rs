//! Validation of an onboarding POST body, reporting every problem found.
//!
//! Works on `serde_json::Value` rather than the typed struct so one bad field does not hide
//! the others: a core answers 400 with one `InvalidParam` per problem.

use serde_json::{Map, Value};

use super::InvalidParam;

/// Whether `s` matches the SupportedFeatures pattern `^[A-Fa-f0-9]*$`.
pub fn is_hex_features(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Validate the body of `POST /onboardedInvokers` against TS 29.222 (APIInvokerEnrolmentDetails).
///
/// Returns an empty list when the body is acceptable; then it also deserializes into
/// [`super::ApiInvokerEnrolmentDetails`].
///
/// Long by design: one rule per attribute of TS 29.222's APIInvokerEnrolmentDetails table, in
/// its order, every problem collected (none stops the others).
pub fn validate_enrolment_post(body: &Value) -> Vec<InvalidParam> {
    let mut found = Vec::new();
    let Some(obj) = body.as_object() else {
        found.push(InvalidParam::new(
            "/",
            "the body must be a JSON object (APIInvokerEnrolmentDetails)",
        ));
        return found;
    };
    if obj.contains_key("apiInvokerId") {
        found.push(InvalidParam::new(
            "/apiInvokerId",
            "apiInvokerId is assigned by the CAPIF core and shall not be present in the POST",
        ));
    }
    match obj.get("onboardingInformation") {
        None => found.push(missing("/onboardingInformation")),
        Some(Value::Object(info)) => check_onboarding_information(info, &mut found),
        Some(_) => found.push(InvalidParam::new(
            "/onboardingInformation",
            "must be an object (OnboardingInformation)",
        )),
    }
    match obj.get("notificationDestination") {
        None => found.push(missing("/notificationDestination")),
        Some(Value::String(s)) => {
            if !is_absolute_uri(s) {
                found.push(InvalidParam::new(
                    "/notificationDestination",
                    "must be an absolute URI",
                ));
            }
        }
        Some(_) => found.push(wrong_type("/notificationDestination", "a string (URI)")),
    }
    optional_type(
        obj,
        "requestTestNotification",
        Value::is_boolean,
        "a boolean",
        &mut found,
    );
    optional_type(
        obj,
        "apiInvokerInformation",
        Value::is_string,
        "a string",
        &mut found,
    );
    optional_type(
        obj,
        "expTime",
        Value::is_string,
        "a date-time string",
        &mut found,
    );
    optional_type(
        obj,
        "failureReasons",
        Value::is_array,
        "an array",
        &mut found,
    );
    match obj.get("supportedFeatures") {
        None => {}
        Some(Value::String(s)) if is_hex_features(s) => {}
        Some(_) => found.push(InvalidParam::new(
            "/supportedFeatures",
            "must be a hexadecimal string (^[A-Fa-f0-9]*$)",
        )),
    }
    match obj.get("apiList") {
        None => {}
        Some(Value::Object(list)) => match list.get("serviceAPIDescriptions") {
            Some(Value::Array(items)) if !items.is_empty() => {}
            _ => found.push(InvalidParam::new(
                "/apiList/serviceAPIDescriptions",
                "must be an array with at least one ServiceAPIDescription",
            )),
        },
        Some(_) => found.push(wrong_type(
            "/apiList",
            "an object {serviceAPIDescriptions: [...]}",
        )),
    }
    match obj.get("websockNotifConfig") {
        None => {}
        Some(Value::Object(ws)) => {
            optional_type(ws, "websocketUri", Value::is_string, "a string", &mut found);
            optional_type(
                ws,
                "requestWebsocketUri",
                Value::is_boolean,
                "a boolean",
                &mut found,
            );
            // Pointers of the nested checks are relative; make them absolute.
            for p in found.iter_mut() {
                if p.param == "/websocketUri" || p.param == "/requestWebsocketUri" {
                    p.param = format!("/websockNotifConfig{}", p.param);
                }
            }
        }
        Some(_) => found.push(wrong_type("/websockNotifConfig", "an object")),
    }
    found
}

fn check_onboarding_information(info: &Map<String, Value>, found: &mut Vec<InvalidParam>) {
    const P: &str = "/onboardingInformation";
    match info.get("apiInvokerPublicKey") {
        None => found.push(missing(&format!("{P}/apiInvokerPublicKey"))),
        Some(Value::String(s)) if !s.trim().is_empty() => {}
        Some(Value::String(_)) => found.push(InvalidParam::new(
            format!("{P}/apiInvokerPublicKey"),
            "must not be empty",
        )),
        Some(_) => found.push(wrong_type(&format!("{P}/apiInvokerPublicKey"), "a string")),
    }
    for key in ["apiInvokerCertificate", "onboardingSecret"] {
        if let Some(v) = info.get(key) {
            if !v.is_string() {
                found.push(wrong_type(&format!("{P}/{key}"), "a string"));
            }
        }
    }
}

fn optional_type(
    obj: &Map<String, Value>,
    key: &str,
    ok: fn(&Value) -> bool,
    what: &str,
    found: &mut Vec<InvalidParam>,
) {
    if let Some(v) = obj.get(key) {
        if !ok(v) {
            found.push(wrong_type(&format!("/{key}"), what));
        }
    }
}

fn missing(pointer: &str) -> InvalidParam {
    InvalidParam::new(pointer, "required attribute is missing")
}

fn wrong_type(pointer: &str, what: &str) -> InvalidParam {
    InvalidParam::new(pointer, format!("must be {what}"))
}

/// An absolute URI: a scheme followed by ':' and something (RFC 3986), as `url` parses it.
fn is_absolute_uri(s: &str) -> bool {
    url::Url::parse(s).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ApiInvokerEnrolmentDetails;
    use proptest::prelude::*;
    use serde_json::json;

    fn valid() -> Value {
        json!({
            "onboardingInformation": {"apiInvokerPublicKey": "-----BEGIN CERTIFICATE REQUEST-----"},
            "notificationDestination": "https://invoker.example/cb",
            "supportedFeatures": "0"
        })
    }

    fn params(body: &Value) -> Vec<String> {
        validate_enrolment_post(body)
            .into_iter()
            .map(|p| p.param)
            .collect()
    }

    #[test]
    fn minimal_valid_body_passes() {
        assert!(validate_enrolment_post(&valid()).is_empty());
    }

    #[test]
    fn each_required_field_is_named_when_missing() {
        let mut b = valid();
        b.as_object_mut().unwrap().remove("onboardingInformation");
        assert_eq!(params(&b), ["/onboardingInformation"]);
        let mut b = valid();
        b["onboardingInformation"] = json!({});
        assert_eq!(params(&b), ["/onboardingInformation/apiInvokerPublicKey"]);
        let mut b = valid();
        b.as_object_mut().unwrap().remove("notificationDestination");
        assert_eq!(params(&b), ["/notificationDestination"]);
    }

    #[test]
    fn all_problems_are_reported_together() {
        let b = json!({"apiInvokerId": "INV1", "supportedFeatures": "xyz", "apiList": []});
        assert_eq!(
            params(&b),
            [
                "/apiInvokerId",
                "/onboardingInformation",
                "/notificationDestination",
                "/supportedFeatures",
                "/apiList"
            ]
        );
    }

    #[test]
    fn api_invoker_id_is_forbidden_in_the_post() {
        let mut b = valid();
        b["apiInvokerId"] = json!("INV123");
        assert_eq!(params(&b), ["/apiInvokerId"]);
    }

    #[test]
    fn notification_destination_must_be_a_uri() {
        let mut b = valid();
        b["notificationDestination"] = json!("not a uri");
        assert_eq!(params(&b), ["/notificationDestination"]);
    }

    #[test]
    fn api_list_must_be_an_object_with_descriptions() {
        let mut b = valid();
        b["apiList"] = json!({"serviceAPIDescriptions": []});
        assert_eq!(params(&b), ["/apiList/serviceAPIDescriptions"]);
        b["apiList"] = json!({"serviceAPIDescriptions": [{"apiName": "x"}]});
        assert!(params(&b).is_empty());
    }

    #[test]
    fn websocket_config_pointers_are_absolute() {
        let mut b = valid();
        b["websockNotifConfig"] = json!({"requestWebsocketUri": "yes"});
        assert_eq!(params(&b), ["/websockNotifConfig/requestWebsocketUri"]);
    }

    #[test]
    fn non_object_bodies_are_rejected() {
        for b in [json!(null), json!([1]), json!("s"), json!(3)] {
            assert_eq!(params(&b), ["/"]);
        }
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("onboardingInformation".to_string()),
                        Just("apiInvokerPublicKey".to_string()),
                        Just("notificationDestination".to_string()),
                        Just("apiList".to_string()),
                        Just("supportedFeatures".to_string()),
                        Just("websockNotifConfig".to_string()),
                        "[a-z]{1,6}"
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn arb_valid() -> impl Strategy<Value = Value> {
        (
            "[ -~]{1,40}",
            prop_oneof![
                Just("https://a.example/cb".to_string()),
                "https://[a-z]{1,10}\\.example:[1-9][0-9]{0,3}/[a-z]{0,8}",
                "urn:[a-z]{1,8}:[a-z0-9]{1,8}",
            ],
            proptest::option::of(any::<bool>()),
            proptest::option::of("[0-9A-Fa-f]{0,8}"),
            proptest::option::of(".{0,20}"),
            proptest::option::of(1usize..3),
        )
            .prop_filter("key must not be blank", |t| !t.0.trim().is_empty())
            .prop_map(|(key, dest, test, features, info, apis)| {
                let mut b = json!({
                    "onboardingInformation": {"apiInvokerPublicKey": key},
                    "notificationDestination": dest,
                });
                if let Some(t) = test {
                    b["requestTestNotification"] = json!(t);
                }
                if let Some(f) = features {
                    b["supportedFeatures"] = json!(f);
                }
                if let Some(i) = info {
                    b["apiInvokerInformation"] = json!(i);
                }
                if let Some(n) = apis {
                    b["apiList"] =
                        json!({"serviceAPIDescriptions": vec![json!({"apiName": "x"}); n]});
                }
                b
            })
    }

    proptest! {
        #[test]
        fn never_panics_and_acceptance_implies_typed_parse(body in arb_json()) {
            let found = validate_enrolment_post(&body);
            if found.is_empty() {
                prop_assert!(serde_json::from_value::<ApiInvokerEnrolmentDetails>(body).is_ok());
            }
        }

        /// The request mutations the harness sends (dropping required fields, adding an
        /// apiInvokerId) are each reported, by name, whatever else the body holds.
        #[test]
        fn every_mutation_is_named(body in arb_valid(), drop_info in any::<bool>(), drop_key in any::<bool>(), drop_dest in any::<bool>(), add_id in any::<bool>()) {
            let mut b = body;
            let mut want = Vec::new();
            if add_id { b["apiInvokerId"] = json!("INVx"); want.push("/apiInvokerId"); }
            if drop_info {
                b.as_object_mut().unwrap().remove("onboardingInformation");
                want.push("/onboardingInformation");
            } else if drop_key {
                b["onboardingInformation"].as_object_mut().unwrap().remove("apiInvokerPublicKey");
                want.push("/onboardingInformation/apiInvokerPublicKey");
            }
            if drop_dest { b.as_object_mut().unwrap().remove("notificationDestination"); want.push("/notificationDestination"); }
            let got: Vec<String> = validate_enrolment_post(&b).into_iter().map(|p| p.param).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn accepts_every_body_of_the_valid_space(body in arb_valid()) {
            prop_assert_eq!(validate_enrolment_post(&body), vec![]);
            prop_assert!(serde_json::from_value::<ApiInvokerEnrolmentDetails>(body).is_ok());
        }
    }
}
