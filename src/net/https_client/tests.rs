//! Unit tests of `src/net/https_client.rs`.

use super::*;

#[test]
fn request_bytes_carry_host_and_length() {
    let r = HttpRequest::new("POST", "/x")
        .header("Authorization", "Bearer t")
        .json(&serde_json::json!({"a": 1}));
    let text = String::from_utf8(r.to_bytes("127.0.0.1:8443")).unwrap();
    assert_eq!(
        text,
        "POST /x HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nAuthorization: Bearer t\r\n\
         Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
    );
}

#[test]
fn media_type_ignores_parameters_and_case() {
    let r = HttpResponse {
        status: 400,
        headers: vec![(
            "Content-Type".into(),
            "Application/Problem+JSON; charset=utf-8".into(),
        )],
        body: Default::default(),
    };
    assert_eq!(r.media_type().as_deref(), Some("application/problem+json"));
}
