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
    pub version: crate::net::TlsVersion,
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
            version: t.version,
            cipher: t.cipher.clone(),
            alpn: t.alpn.clone(),
            chain: t.peer_chain.iter().map(|c| cert_info(c)).collect(),
        }
    }
}

/// Secrets that have no recognisable shape (an opaque credential, a Basic password and its
/// base64 form): registered when they become known, scrubbed from every report and line.
static KNOWN_SECRETS: std::sync::RwLock<Vec<String>> = std::sync::RwLock::new(Vec::new());

/// Never let `secret` reach a report or the console (short values are not registered: they
/// would mask ordinary words).
pub fn register_secret(secret: &str) {
    let secret = secret.trim();
    if secret.chars().count() < 6 {
        return;
    }
    if let Ok(mut known) = KNOWN_SECRETS.write() {
        if !known.iter().any(|k| k == secret) {
            known.push(secret.to_string());
        }
    }
}

/// `text` with every secret masked: JWTs (any `eyJ….….…`), PEM private keys, and the
/// registered secrets. Applied to every string of the report model and every console line,
/// so no renderer can leak what evidence recorded.
pub fn scrub(text: &str) -> String {
    let mut out = scrub_pem_keys(text);
    out = scrub_jwts(&out);
    if let Ok(known) = KNOWN_SECRETS.read() {
        for k in known.iter() {
            if out.contains(k.as_str()) {
                out = out.replace(k.as_str(), &mask_secret(k));
            }
        }
    }
    out
}

fn scrub_pem_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("-----BEGIN ") {
        let after = &rest[i..];
        let header_end = after[11..].find("-----").map(|j| j + 11 + 5);
        let is_key = header_end.is_some_and(|e| after[..e].contains("PRIVATE KEY"));
        if !is_key {
            out.push_str(&rest[..i + 11]);
            rest = &rest[i + 11..];
            continue;
        }
        out.push_str(&rest[..i]);
        out.push_str("[private key removed]");
        // Up to the matching END line, or everything when it is cut off.
        match after.find("PRIVATE KEY-----").and_then(|_| {
            after
                .find("-----END ")
                .and_then(|e| after[e..].find("PRIVATE KEY-----").map(|k| e + k + 16))
        }) {
            Some(end) => rest = &after[end..],
            None => rest = "",
        }
    }
    out.push_str(rest);
    out
}

fn scrub_jwts(text: &str) -> String {
    let b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 3 <= bytes.len() {
        if &bytes[i..i + 3] == b"eyJ" && (i == 0 || !b64(bytes[i - 1])) {
            let mut j = i;
            let mut dots = 0;
            while j < bytes.len() && (b64(bytes[j]) || (bytes[j] == b'.' && dots < 2)) {
                if bytes[j] == b'.' {
                    dots += 1;
                }
                j += 1;
            }
            if dots == 2 {
                out.push_str(&text[copied..i]);
                out.push_str(&mask_secret(&text[i..j]));
                copied = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

impl Evidence {
    /// Every string with its secrets masked (see [`scrub`]).
    pub fn scrub(&mut self) {
        for x in &mut self.exchanges {
            x.label = scrub(&x.label);
            for m in [x.request.as_mut(), x.response.as_mut()]
                .into_iter()
                .flatten()
            {
                m.start_line = scrub(&m.start_line);
                m.body = scrub(&m.body);
                for (_, v) in &mut m.headers {
                    *v = scrub(v);
                }
            }
            if let Some(e) = &mut x.error {
                *e = scrub(e);
            }
        }
        for n in &mut self.notes {
            *n = scrub(n);
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
    fn scrub_masks_jwts_keys_and_registered_secrets() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJpbnZva2VyIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
        let key =
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----";
        register_secret("opaque-credential-42");
        let text = format!("a {jwt} b {key} c opaque-credential-42 d ?token={jwt}&x");
        let out = scrub(&text);
        assert!(
            !out.contains(jwt) && !out.contains("MIIEowIBAAKCAQEA"),
            "{out}"
        );
        assert!(!out.contains("opaque-credential-42"), "{out}");
        assert!(out.contains("[private key removed]") && out.contains("eyJhbGci…("));
        // Certificates and ordinary text stay.
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        assert_eq!(scrub(cert), cert);
        assert_eq!(scrub("eyJ not a token"), "eyJ not a token");
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = vec![b'x'; BODY_EXCERPT + 10];
        assert!(mask_body(&body).ends_with(&format!("({} bytes in all)", BODY_EXCERPT + 10)));
    }
}
