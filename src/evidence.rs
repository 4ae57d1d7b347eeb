//! Evidence recorded for every verdict: what was sent and received, TLS parameters,
//! certificates seen, timings, how the session ended. Secrets are masked when recorded, so no
//! report can leak them.

use serde::Serialize;
use x509_parser::prelude::FromDer;

use crate::net::{HttpRequest, HttpResponse, SessionEnd, TlsSummary};

/// Largest body excerpt kept in evidence.
const BODY_EXCERPT: usize = 4096;

/// Everything observed in one scenario.
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Evidence {
    /// The exchanges, in order.
    pub exchanges: Vec<Exchange>,
    /// Other observations (probes, adapter output, PICS decisions).
    pub notes: Vec<String>,
}

/// One TLS session (or attempt at one) and what went over it.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, Serialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
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

/// How long a part of a known secret must be to be masked wherever it appears, whatever
/// separates it from the rest (a core that echoes a credential's segments joined by spaces).
pub const SECRET_FRAGMENT: usize = 16;

/// At most this many fragment windows are kept (about 10 MB); secrets registered beyond it
/// are masked as whole strings only.
const MAX_SECRET_WINDOWS: usize = 1 << 20;

/// The secrets the harness knows: credentials it was given, fetched or minted, register
/// passwords and their Basic form, key material. Registered when they become known, masked in
/// every report and console line.
#[derive(Default)]
struct KnownSecrets {
    /// Secrets masked as whole strings (shorter than [`SECRET_FRAGMENT`], or beyond the cap).
    whole: Vec<String>,
    /// The hash of every [`SECRET_FRAGMENT`]-byte window of every longer secret.
    windows: std::collections::HashSet<u64>,
}

static KNOWN_SECRETS: std::sync::RwLock<Option<KnownSecrets>> = std::sync::RwLock::new(None);

fn window_hash(bytes: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    // Fixed keys: the same window hashes alike at registration and at every scan.
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Never let `secret`, or any part of it of [`SECRET_FRAGMENT`] bytes, reach a report or the
/// console (values under 6 characters are not registered: they would mask ordinary words).
pub fn register_secret(secret: &str) {
    let secret = secret.trim();
    if secret.chars().count() < 6 {
        return;
    }
    let Ok(mut guard) = KNOWN_SECRETS.write() else {
        return;
    };
    let known = guard.get_or_insert_with(KnownSecrets::default);
    let bytes = secret.as_bytes();
    let windows = bytes.len().saturating_sub(SECRET_FRAGMENT) + 1;
    if bytes.len() < SECRET_FRAGMENT || known.windows.len() + windows > MAX_SECRET_WINDOWS {
        if !known.whole.iter().any(|k| k == secret) {
            known.whole.push(secret.to_string());
        }
        return;
    }
    for w in bytes.windows(SECRET_FRAGMENT) {
        known.windows.insert(window_hash(w));
    }
}

/// `text` with every secret masked: JWTs (any `eyJ….….…`), PEM private keys, the registered
/// secrets whole, and every part of a registered secret at least [`SECRET_FRAGMENT`] bytes
/// long wherever it stands. Applied to every string of the report model and every console
/// line, so no renderer can leak what evidence recorded.
pub fn scrub(text: &str) -> String {
    let mut out = scrub_pem_keys(text);
    out = scrub_jwts(&out);
    let Ok(guard) = KNOWN_SECRETS.read() else {
        return out;
    };
    let Some(known) = guard.as_ref() else {
        return out;
    };
    for k in &known.whole {
        if out.contains(k.as_str()) {
            out = out.replace(k.as_str(), &mask_secret(k));
        }
    }
    if known.windows.is_empty() || out.len() < SECRET_FRAGMENT {
        return out;
    }
    // Mark every byte covered by a window of a known secret, then replace each marked run
    // (widened to character boundaries) by one mask.
    let bytes = out.as_bytes();
    let mut marked = vec![false; bytes.len()];
    let mut any = false;
    for (i, w) in bytes.windows(SECRET_FRAGMENT).enumerate() {
        if known.windows.contains(&window_hash(w)) {
            marked[i..i + SECRET_FRAGMENT]
                .iter_mut()
                .for_each(|m| *m = true);
            any = true;
        }
    }
    if !any {
        return out;
    }
    // Widen each marked run's start back to a character boundary (its end is widened below).
    for i in 1..bytes.len() {
        if marked[i] && !marked[i - 1] && !out.is_char_boundary(i) {
            let mut j = i;
            while j > 0 && !out.is_char_boundary(j) {
                j -= 1;
                marked[j] = true;
            }
        }
    }
    let mut masked = String::with_capacity(out.len());
    let mut i = 0;
    while i < bytes.len() {
        if !marked[i] {
            let start = i;
            while i < bytes.len() && !marked[i] {
                i += 1;
            }
            masked.push_str(&out[start..i]);
            continue;
        }
        let mut end = i;
        while end < bytes.len() && marked[end] {
            end += 1;
        }
        while end < bytes.len() && !out.is_char_boundary(end) {
            end += 1;
        }
        masked.push_str(&format!("[secret part masked: {} bytes]", end - i));
        i = end;
    }
    masked
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
    /// Call `f` on every string of the evidence (what [`crate::report::Report::scrubbed`]
    /// makes safe).
    pub fn each_string(&mut self, f: &mut dyn FnMut(&mut String)) {
        for x in &mut self.exchanges {
            f(&mut x.label);
            if let Some(t) = &mut x.tls {
                f(&mut t.cipher);
                t.alpn.iter_mut().for_each(&mut *f);
                for c in &mut t.chain {
                    for s in [
                        &mut c.subject,
                        &mut c.issuer,
                        &mut c.not_after,
                        &mut c.sha256,
                    ] {
                        f(s);
                    }
                }
            }
            for m in [x.request.as_mut(), x.response.as_mut()]
                .into_iter()
                .flatten()
            {
                f(&mut m.start_line);
                f(&mut m.body);
                for (k, v) in &mut m.headers {
                    f(k);
                    f(v);
                }
            }
            x.error.iter_mut().for_each(&mut *f);
            for end in [x.session_end.as_mut(), x.after_harness_close.as_mut()]
                .into_iter()
                .flatten()
            {
                if let SessionEnd::TlsError { error } | SessionEnd::Other { error } = end {
                    f(error);
                }
            }
        }
        self.notes.iter_mut().for_each(f);
    }
}

/// Shorten a secret to something recognisable but useless: a JWT keeps its first 8
/// characters (`eyJhbGci…(357 chars)`: the start of its header, not secret); anything else
/// keeps only its length (`…(20 chars)`), since its start is part of the secret.
pub fn mask_secret(s: &str) -> String {
    let n = s.chars().count();
    if n > 12 && s.starts_with("eyJ") {
        let head: String = s.chars().take(8).collect();
        return format!("{head}…({n} chars)");
    }
    format!("…({n} chars)")
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
        assert!(
            masked.contains("…(20 chars)") && !masked.contains("s3cr3t"),
            "{masked}"
        );
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
