//! APIInvokerEnrolmentDetails and the types it carries (TS 29.222 §8.4.5).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// APIInvokerEnrolmentDetails: the body of the onboarding POST and of its 201 response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiInvokerEnrolmentDetails {
    /// Assigned by the core; "shall not be present in the POST", present in the response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_invoker_id: Option<String>,
    /// Public key (in practice a PEM CSR) and, in the response, the issued credentials.
    pub onboarding_information: OnboardingInformation,
    /// URI where the core sends OnboardingNotification callbacks.
    pub notification_destination: String,
    /// Ask for a test notification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_test_notification: Option<bool>,
    /// Websocket notification delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub websock_notif_config: Option<WebsockNotifConfig>,
    /// APIs the invoker is allowed to discover (an object, not an array).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_list: Option<ApiList>,
    /// Free text about the invoker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_invoker_information: Option<String>,
    /// Hex feature bitmask.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supported_features: Option<String>,
    /// Expiry of the onboarding (Rel-19).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp_time: Option<String>,
    /// Why some APIs were not granted (Rel-19).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reasons: Option<Vec<FailureReason>>,
}

/// OnboardingInformation (TS 29.222 §8.4.5.2.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnboardingInformation {
    /// The invoker's public key: a PEM PKCS#10 CSR or a PEM SubjectPublicKeyInfo.
    pub api_invoker_public_key: String,
    /// Issued by the core: the certificate for CAPIF-1/1e authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_invoker_certificate: Option<String>,
    /// Issued by the core: the secret for CAPIF-2/2e authentication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onboarding_secret: Option<String>,
    /// Rel-19 onboarding criteria, kept opaque.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onboarding_criteria: Option<Value>,
}

/// WebsockNotifConfig (TS 29.122).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebsockNotifConfig {
    /// Where the invoker may open its websocket.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub websocket_uri: Option<String>,
    /// Ask the core for a websocket URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_websocket_uri: Option<bool>,
}

/// APIList: `{serviceAPIDescriptions: [...]}`, at least one entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiList {
    /// ServiceAPIDescription objects, kept opaque: onboarding does not interpret them.
    #[serde(rename = "serviceAPIDescriptions")]
    pub service_api_descriptions: Vec<Value>,
}

/// One entry of `failureReasons` (Rel-19).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailureReason {
    /// The APIs concerned.
    pub api_name: Vec<String>,
    /// AUTHORIZATION_ISSUE, ONBOARDING_CRI_NOT_MET or UNSPECIFIED.
    pub failure_code: String,
}

/// OnboardingNotification: the callback that completes an asynchronous (202) onboarding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OnboardingNotification {
    /// Whether onboarding succeeded.
    pub result: bool,
    /// Location of the onboarded invoker resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_location: Option<String>,
    /// The enrolment details on success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_invoker_enrolment_details: Option<ApiInvokerEnrolmentDetails>,
    /// Granted APIs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_list: Option<ApiList>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn field_names_are_those_of_the_openapi_file() {
        let body = ApiInvokerEnrolmentDetails {
            api_invoker_id: Some("INV1".into()),
            onboarding_information: OnboardingInformation {
                api_invoker_public_key: "k".into(),
                api_invoker_certificate: Some("c".into()),
                onboarding_secret: None,
                onboarding_criteria: None,
            },
            notification_destination: "https://n.example/cb".into(),
            request_test_notification: Some(true),
            websock_notif_config: None,
            api_list: Some(ApiList {
                service_api_descriptions: vec![json!({"apiName": "a"})],
            }),
            api_invoker_information: None,
            supported_features: Some("0".into()),
            exp_time: None,
            failure_reasons: None,
        };
        let v = serde_json::to_value(&body).unwrap();
        assert_eq!(
            v,
            json!({
                "apiInvokerId": "INV1",
                "onboardingInformation": {"apiInvokerPublicKey": "k", "apiInvokerCertificate": "c"},
                "notificationDestination": "https://n.example/cb",
                "requestTestNotification": true,
                "apiList": {"serviceAPIDescriptions": [{"apiName": "a"}]},
                "supportedFeatures": "0"
            })
        );
        let back: ApiInvokerEnrolmentDetails = serde_json::from_value(v).unwrap();
        assert_eq!(back, body);
    }
}
