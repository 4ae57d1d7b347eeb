//! A response as a reason names it: status, media type and what an error body says, cut to
//! one line and made inert (what a system under test sends is untrusted).

use super::https_client::HttpResponse;

/// "201 application/json with apiInvokerId INV12ab…", "400 application/problem+json
/// (detail \"…\", no invalidParams)" — how a response is named in reasons, so a reader
/// needs no other file to see what was received.
pub fn describe_response(resp: &HttpResponse) -> String {
    let mut s = format!("{}", resp.status);
    match resp.media_type() {
        Some(m) => s.push_str(&format!(" {m}")),
        None => s.push_str(" (no Content-Type)"),
    }
    let json = resp.json();
    if let Some(id) = json
        .as_ref()
        .and_then(|j| j["apiInvokerId"].as_str().map(str::to_string))
    {
        let short: String = id.chars().take(12).collect();
        s.push_str(&format!(
            " with apiInvokerId {short}{}",
            if id.chars().count() > 12 { "…" } else { "" }
        ));
    }
    if resp.status >= 400 {
        s.push_str(&describe_error_body(resp));
    }
    if resp.header("location").is_some() {
        s.push_str(" and a Location header");
    }
    s
}

/// The members of an error body a reader needs: title, detail, cause, status,
/// invalidParams (or `msg`, or the first bytes of a body that is not JSON).
fn describe_error_body(resp: &HttpResponse) -> String {
    let clip = |v: &str| {
        let short: String = v.chars().take(120).collect();
        if v.chars().count() > 120 {
            format!("{short}…")
        } else {
            short
        }
    };
    let Some(j) = resp.json().filter(|j| j.is_object()) else {
        if resp.body.is_empty() {
            return ", empty body".into();
        }
        let text = String::from_utf8_lossy(&resp.body);
        return format!(", body {:?}", clip(text.trim()));
    };
    let mut parts = Vec::new();
    for member in ["title", "detail", "cause", "msg"] {
        if let Some(v) = j[member].as_str() {
            parts.push(format!("{member} {:?}", clip(v)));
        }
    }
    if let Some(st) = j["status"].as_u64() {
        parts.push(format!("status {st}"));
    }
    match j["invalidParams"].as_array() {
        Some(ps) => parts.push(format!(
            "invalidParams [{}]",
            ps.iter()
                .filter_map(|p| {
                    let param = p["param"].as_str()?;
                    Some(match p["reason"].as_str() {
                        Some(r) => format!("{param}: {}", clip(r)),
                        None => param.to_string(),
                    })
                })
                .collect::<Vec<_>>()
                .join(", ")
        )),
        None => parts.push("no invalidParams".into()),
    }
    format!(" ({})", parts.join(", "))
}
