//! A finding as files a vendor can replay: an `.http` file (`fuzz --replay` sends it again,
//! its `# framing:` lines included) and the same request as a curl command.

use super::case::{self, Concrete};
use crate::sut::CoreTarget;

/// A framing as a `.http` file names it: `chunked 7`, `lower-case-names`, ...
fn framing_token(f: case::Framing) -> String {
    match f {
        case::Framing::Chunked(n) => format!("chunked {n}"),
        case::Framing::LowerCaseNames => "lower-case-names".into(),
        case::Framing::UpperCaseNames => "upper-case-names".into(),
        case::Framing::ReversedHeaders => "reversed-headers".into(),
    }
}

fn parse_framing_token(t: &str) -> Option<case::Framing> {
    Some(match t {
        "lower-case-names" => case::Framing::LowerCaseNames,
        "upper-case-names" => case::Framing::UpperCaseNames,
        "reversed-headers" => case::Framing::ReversedHeaders,
        other => case::Framing::Chunked(other.strip_prefix("chunked ")?.parse().ok()?),
    })
}

/// Where onboarding requests go: the core's URL and the onboarding path.
pub fn onboarding_url(target: &CoreTarget) -> String {
    let mut url = target.url.clone();
    url.set_path(&target.onboarding_target());
    url.to_string()
}

/// The request of a finding as an `.http` file (the credential a placeholder): what
/// `fuzz --replay` sends again, and what an HTTP client in an editor runs.
pub fn http_file(url: &str, request: &Concrete) -> String {
    let mut out = String::new();
    for f in &request.framing {
        out.push_str(&format!("# framing: {}\n", framing_token(*f)));
    }
    out.push_str(&format!("POST {url}\n"));
    out.push_str("Authorization: Bearer {{CREDENTIAL}}\n");
    if let Some(ct) = &request.content_type {
        out.push_str(&format!("Content-Type: {ct}\n"));
    }
    out.push('\n');
    out.push_str(&serde_json::to_string_pretty(&request.body).expect("a Value serializes"));
    out.push('\n');
    out
}

/// The same request as a curl command (the credential from `$CREDENTIAL`).
pub fn curl_command(url: &str, request: &Concrete) -> String {
    let quote = |s: &str| format!("'{}'", s.replace('\'', "'\\''"));
    let mut cmd = format!(
        "curl --cacert ca.pem -H \"Authorization: Bearer $CREDENTIAL\" -X POST {}",
        quote(url)
    );
    if let Some(ct) = &request.content_type {
        cmd.push_str(&format!(" -H {}", quote(&format!("Content-Type: {ct}"))));
    }
    // curl chunks on its own terms; header case and order it approximates at best (the
    // `.http` file says what the harness sent).
    if request
        .framing
        .iter()
        .any(|f| matches!(f, case::Framing::Chunked(_)))
    {
        cmd.push_str(" -H 'Transfer-Encoding: chunked'");
    }
    cmd.push_str(&format!(
        " --data-binary {}",
        quote(&serde_json::to_string(&request.body).expect("a Value serializes"))
    ));
    cmd
}

/// Read an `.http` file written by [`http_file`]: its Content-Type and body.
pub fn parse_http_file(text: &str) -> Result<Concrete, String> {
    let (head, body) = text
        .split_once("\n\n")
        .ok_or("no blank line between the headers and the body")?;
    let mut framing = Vec::new();
    let mut lines = head.lines().skip_while(|l| l.starts_with('#'));
    for l in head.lines().take_while(|l| l.starts_with('#')) {
        if let Some(token) = l.strip_prefix("# framing: ") {
            framing.push(
                parse_framing_token(token.trim())
                    .ok_or_else(|| format!("unknown framing {token:?}"))?,
            );
        }
    }
    let first = lines.next().unwrap_or_default();
    if !first.starts_with("POST ") {
        return Err(format!(
            "the first line must be `POST <url>`, got {first:?}"
        ));
    }
    let content_type = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.trim().to_string());
    let body =
        serde_json::from_str(body.trim()).map_err(|e| format!("the body is not JSON: {e}"))?;
    Ok(Concrete {
        body,
        content_type,
        framing,
    })
}
