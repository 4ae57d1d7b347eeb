//! Response builders: every error is a ProblemDetails in application/problem+json whose
//! `status` equals the HTTP status, and every response asks for the session to close.

use bytes::Bytes;
use http::{header, Response, StatusCode};
use http_body_util::Full;

use crate::model::{InvalidParam, ProblemDetails, PROBLEM_JSON};

/// The body type of every response of the reference core.
pub type Body = Full<Bytes>;

/// A ProblemDetails response.
pub fn problem(status: StatusCode, cause: &str, detail: impl Into<String>) -> Response<Body> {
    problem_with(status, cause, detail, Vec::new())
}

/// A ProblemDetails response naming the offending parameters.
pub fn problem_with(
    status: StatusCode,
    cause: &str,
    detail: impl Into<String>,
    invalid_params: Vec<InvalidParam>,
) -> Response<Body> {
    let mut pd = ProblemDetails::new(
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error"),
        detail,
        cause,
    );
    if !invalid_params.is_empty() {
        pd.invalid_params = Some(invalid_params);
    }
    let body = serde_json::to_vec(&pd).expect("ProblemDetails serializes");
    let mut r = base(status, PROBLEM_JSON, body);
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            header::HeaderValue::from_static("Bearer realm=\"capif-onboarding\""),
        );
    }
    r
}

/// A JSON response.
pub fn json(status: StatusCode, value: &impl serde::Serialize) -> Response<Body> {
    base(
        status,
        "application/json",
        serde_json::to_vec(value).expect("response serializes"),
    )
}

/// A response without body.
pub fn empty(status: StatusCode) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = status;
    close(&mut r);
    r
}

fn base(status: StatusCode, media: &'static str, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(media),
    );
    close(&mut r);
    r
}

/// "Following the return of an Onboard API Invoker response message (either successful or
/// unsuccessful), the secure session is torn down" (TS 33.122 Annex B.1).
fn close(r: &mut Response<Body>) {
    r.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
}
