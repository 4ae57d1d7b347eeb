//! Evidence recorded for every verdict: what was sent and received, TLS parameters,
//! certificates seen, timings, how the session ended. Secrets are masked when recorded, so no
//! report can leak them.

use serde::Serialize;
use x509_parser::prelude::FromDer;

use crate::net::{HttpRequest, HttpResponse, SessionEnd, TlsSummary};

/// Largest body excerpt kept in evidence.
const BODY_EXCERPT: usize = 4096;

/// Everything observed in one scenario.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Evidence {
    /// The exchanges, in order.
    pub exchanges: Vec<Exchange>,
    /// Other observations (probes, adapter output, PICS decisions).
    pub notes: Vec<String>,
}

/// One TLS session (or attempt at one) and what went over it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exchange {
    /// What this exchange was for.
    pub label: String,
    /// Negotiated TLS parameters, if the handshake completed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsEvidence>,
    /// The request sent (credential masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<MessageEvidence>,
    /// The response received (secrets masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<MessageEvidence>,
    /// What failed, with its phase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How the peer ended the session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_end: Option<SessionEnd>,
    /// With teardown = "either": what the peer did after the harness sent close_notify.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_harness_close: Option<SessionEnd>,
    /// Milliseconds per phase.
    pub timings_ms: Timings,
}

/// Milliseconds spent per phase.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Timings {
    /// TCP connect + TLS handshake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handshake: Option<u64>,
    /// Request written until response complete.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<u64>,
    /// Response complete until the session ended (or the timeout).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teardown: Option<u64>,
}

/// TLS parameters and the certificate chain seen.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TlsEvidence {
    /// Protocol version.
    pub version: String,
    /// Cipher suite.
    pub cipher: String,
    /// ALPN, if negotiated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alpn: Option<String>,
    /// Certificates presented, leaf first.
    pub chain: Vec<CertInfo>,
}

/// A certificate as a person identifies it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CertInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Validity end, RFC 3339.
    pub not_after: String,
    /// SHA-256 of the DER.
    pub sha256: String,
}

/// An HTTP message, as evidence.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MessageEvidence {
    /// `POST /path` or `201`.
    pub start_line: String,
    /// Headers, secrets masked.
    pub headers: Vec<(String, String)>,
    /// Body excerpt (UTF-8 lossy), secrets masked.
    pub body: String,
}

/// Describe a certificate.
pub fn cert_info(der: &[u8]) -> CertInfo {
    let sha256 = crate::pki::sha256_fingerprint(der);
    match x509_parser::certificate::X509Certificate::from_der(der) {
        Ok((_, c)) => CertInfo {
            subject: c.subject().to_string(),
            issuer: c.issuer().to_string(),
            not_after: c
                .validity()
                .not_after
                .to_datetime()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            sha256,
        },
        Err(_) => CertInfo {
            subject: "(unparsable certificate)".into(),
            issuer: String::new(),
            not_after: String::new(),
            sha256,
        },
    }
}

impl From<&TlsSummary> for TlsEvidence {
    fn from(t: &TlsSummary) -> Self {
        Self {
            version: t.version.clone(),
            cipher: t.cipher.clone(),
            alpn: t.alpn.clone(),
            chain: t.peer_chain.iter().map(|c| cert_info(c)).collect(),
        }
    }
}

/// Shorten a secret to something recognisable but useless: `eyJhbGci…(357 chars)`.
pub fn mask_secret(s: &str) -> String {
    let n = s.chars().count();
    if n <= 12 {
        return format!("…({n} chars)");
    }
    let head: String = s.chars().take(8).collect();
    format!("{head}…({n} chars)")
}

fn mask_header(name: &str, value: &str) -> String {
    if name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("cookie") {
        match value.split_once(' ') {
            Some((scheme, secret)) => format!("{scheme} {}", mask_secret(secret)),
            None => mask_secret(value),
        }
    } else {
        value.to_string()
    }
}

/// Mask secret JSON members (onboardingSecret, access_token, private keys) in a body.
pub fn mask_body(body: &[u8]) -> String {
    if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body) {
        mask_json(&mut v);
        let text = serde_json::to_string_pretty(&v).unwrap_or_default();
        return excerpt(text.as_bytes());
    }
    excerpt(body)
}

fn mask_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                let secret = matches!(k.as_str(), "onboardingSecret" | "access_token" | "password")
                    || val.as_str().is_some_and(|s| s.contains("PRIVATE KEY"));
                match val {
                    serde_json::Value::String(s) if secret => *s = mask_secret(s),
                    _ => mask_json(val),
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(mask_json),
        _ => {}
    }
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(BODY_EXCERPT)]).into_owned();
    if bytes.len() > BODY_EXCERPT {
        format!("{text}… ({} bytes in all)", bytes.len())
    } else {
        text
    }
}

impl MessageEvidence {
    /// A request as sent.
    pub fn request(r: &HttpRequest) -> Self {
        Self {
            start_line: format!("{} {}", r.method, r.target),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), mask_header(k, v)))
                .collect(),
            body: mask_body(&r.body),
        }
    }

    /// A response as received.
    pub fn response(r: &HttpResponse) -> Self {
        Self {
            start_line: r.status.to_string(),
            headers: r
                .headers
                .iter()
                .map(|(k, v)| (k.clone(), mask_header(k, v)))
                .collect(),
            body: mask_body(&r.body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_and_secrets_never_appear_whole() {
        let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
        let req = HttpRequest::new("POST", "/x")
            .header("Authorization", &format!("Bearer {token}"))
            .json(&serde_json::json!({"a": 1}));
        let ev = MessageEvidence::request(&req);
        assert_eq!(
            ev.headers[0].1,
            format!("Bearer eyJhbGci…({} chars)", token.len())
        );
        let body = serde_json::json!({"onboardingInformation": {"onboardingSecret": "s3cr3t-s3cr3t-s3cr3t"}});
        let masked = mask_body(body.to_string().as_bytes());
        assert!(!masked.contains("s3cr3t-s3cr3t-s3cr3t"), "{masked}");
        assert!(masked.contains("s3cr3t-s…(20 chars)"));
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = vec![b'x'; BODY_EXCERPT + 10];
        assert!(mask_body(&body).ends_with(&format!("({} bytes in all)", BODY_EXCERPT + 10)));
    }
}
