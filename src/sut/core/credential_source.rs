//! Where the harness gets a valid onboarding credential for a core under test.

use base64::Engine;
use rustls_pki_types::{CertificateDer, ServerName};

use crate::net::{client_config, HttpRequest, HttpsSession, Timeouts, TLS_VERSIONS};
use crate::pki::TestPki;

/// How to obtain a valid credential (one per scenario).
#[derive(Debug, Clone)]
pub enum CredentialSource {
    /// A fixed credential from the config.
    Static(String),
    /// A command that prints a fresh credential on stdout (last line).
    Command(String),
    /// An OpenCAPIF register: `GET {url}/getauth` with HTTP Basic → `access_token`.
    Enrolment {
        /// Base URL of the register.
        url: url::Url,
        /// The name the register's certificate must match.
        server_name: String,
        /// Basic user.
        username: String,
        /// Basic password.
        password: String,
        /// Roots for the register's certificate.
        ca: Vec<CertificateDer<'static>>,
    },
    /// An OpenCAPIF-era register over plain HTTP (`POST /getauth` with a JSON login, after a
    /// `POST /register` when the user is unknown), only with `cleartext_login = true`: the
    /// login travels in clear, and the report says so at the top.
    EnrolmentInClear {
        /// Base URL of the register (`http://`).
        url: url::Url,
        /// The user.
        username: String,
        /// The password.
        password: String,
    },
    /// Minted by the harness with the enrolment key of this PKI (the embedded core).
    Minted(Box<TestPki>),
}

impl CredentialSource {
    /// A short description for reports (never the secret itself).
    pub fn describe(&self) -> String {
        match self {
            CredentialSource::Static(_) => "static credential from the configuration".into(),
            CredentialSource::Command(c) => format!("credential_command `{c}`"),
            CredentialSource::Enrolment { url, username, .. } => {
                format!("OpenCAPIF register {url} (user {username})")
            }
            CredentialSource::EnrolmentInClear { url, username, .. } => format!(
                "OpenCAPIF-era register {url} over plain HTTP (user {username}; the login travels in clear)"
            ),
            CredentialSource::Minted(_) => "minted by the harness (test PKI enrolment key)".into(),
        }
    }

    /// What the report must say at the top about how the credential was obtained (None:
    /// nothing).
    pub fn warning(&self) -> Option<String> {
        match self {
            CredentialSource::EnrolmentInClear { url, username, .. } => Some(format!(
                "the enrolment login of user {username} travelled in clear to the register at {url} ([core.enrolment] style = \"opencapif-http\", cleartext_login = true): anyone on that path can read it"
            )),
            _ => None,
        }
    }

    /// A fresh valid credential.
    pub async fn fetch(&self, timeouts: &Timeouts) -> Result<String, String> {
        match self {
            CredentialSource::Static(s) => Ok(s.clone()),
            CredentialSource::Minted(pki) => Ok(pki.credential("capif-conformance-invoker", 600)),
            CredentialSource::Command(cmd) => run_command(cmd, timeouts).await,
            CredentialSource::Enrolment { .. } => self.getauth(timeouts).await.map(|a| a.token),
            CredentialSource::EnrolmentInClear {
                url,
                username,
                password,
            } => getauth_in_clear(url, username, password, timeouts).await,
        }
    }
}

/// `POST {url}/getauth` with a JSON login over plain HTTP; when the user is unknown, `POST
/// {url}/register` first (the OpenCAPIF-era register), then once more.
async fn getauth_in_clear(
    url: &url::Url,
    username: &str,
    password: &str,
    timeouts: &Timeouts,
) -> Result<String, String> {
    let host = crate::net::url_host(url);
    let port = url.port_or_known_default().unwrap_or(80);
    let base = url.path().trim_end_matches('/').to_string();
    let login = serde_json::json!({"username": username, "password": password});
    let post = |path: &str, body: &serde_json::Value| {
        HttpRequest::new("POST", &format!("{base}{path}")).json(body)
    };
    let getauth_request = post("/getauth", &login);
    let getauth =
        || crate::net::plain_http_exchange(&host, port, &getauth_request, timeouts.response);
    let (mut status, mut body) = getauth()
        .await
        .map_err(|e| format!("register {url}: {e}"))?;
    if status != 200 {
        let mut registration = login.clone();
        registration["role"] = "invoker".into();
        registration["description"] = "capif-conformance".into();
        registration["cn"] = username.into();
        let (s, _) = crate::net::plain_http_exchange(
            &host,
            port,
            &post("/register", &registration),
            timeouts.response,
        )
        .await
        .map_err(|e| format!("register {url}/register: {e}"))?;
        if !(200..300).contains(&s) && s != 409 {
            return Err(format!("register {url}/getauth answered {status} and /register {s}; check [core.enrolment] username and password"));
        }
        (status, body) = getauth()
            .await
            .map_err(|e| format!("register {url}: {e}"))?;
    }
    if status != 200 {
        return Err(format!("register {url}/getauth answered {status}; check [core.enrolment] username and password"));
    }
    let v: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| format!("register {url}/getauth: not JSON: {e}"))?;
    let token = v["access_token"]
        .as_str()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("register {url}/getauth: no access_token"))?
        .to_string();
    crate::evidence::register_secret(&token);
    Ok(token)
}

/// Run `credential_command` like an adapter: its own process group (killed with everything
/// it forked at the adapter timeout), stdout and stderr read concurrently with bounded
/// buffers, so neither a chatty stderr nor a background child can block the run.
async fn run_command(cmd: &str, timeouts: &Timeouts) -> Result<String, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("no working directory: {e}"))?;
    let run = crate::sut::adapter::run_adapter(cmd, &[], &cwd, timeouts.adapter).await;
    match &run.exit {
        crate::sut::adapter::AdapterExit::Code(0) => {}
        crate::sut::adapter::AdapterExit::TimedOut => {
            return Err(format!(
                "credential_command `{cmd}` did not finish within the adapter timeout (its process group was killed)"
            ))
        }
        _ => {
            return Err(format!(
                "credential_command `{cmd}` failed: {}; stderr: {}",
                run.describe(),
                run.last_stderr_line()
            ))
        }
    }
    run.stdout
        .lines()
        .map(str::trim)
        .rfind(|l| !l.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("credential_command `{cmd}` printed nothing"))
}

/// What an OpenCAPIF register answers to `GET /getauth`.
#[derive(Debug, Clone)]
pub struct GetAuth {
    /// `access_token`: the onboarding credential.
    pub token: String,
    /// `ca_root`: the CA the register hands out (PEM), if any.
    pub ca_root: Option<String>,
}

impl CredentialSource {
    /// `GET {url}/getauth` with HTTP Basic (only for [`CredentialSource::Enrolment`]).
    pub async fn getauth(&self, timeouts: &Timeouts) -> Result<GetAuth, String> {
        let CredentialSource::Enrolment {
            url,
            server_name,
            username,
            password,
            ca,
        } = self
        else {
            return Err("the credential does not come from an enrolment register".into());
        };
        let host = crate::net::url_host(url);
        let port = url.port_or_known_default().unwrap_or(443);
        let name = ServerName::try_from(server_name.clone()).map_err(|e| e.to_string())?;
        let cfg = client_config(ca, None, TLS_VERSIONS).map_err(|e| e.to_string())?;
        // A timeout says what to change; any other failure speaks for itself.
        let failed = |e: crate::net::PhaseError| {
            let hint = if matches!(e, crate::net::PhaseError::Timeout { .. }) {
                " (the register is slow: raise [timeouts] handshake/response, or lower --concurrency)"
            } else {
                ""
            };
            format!("enrolment register {url}: {e}{hint}")
        };
        let mut s = HttpsSession::connect(&host, port, name, cfg, timeouts)
            .await
            .map_err(failed)?;
        let path = format!("{}/getauth", url.path().trim_end_matches('/'));
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        let resp = s
            .exchange(
                &HttpRequest::new("GET", &path).header("Authorization", &format!("Basic {basic}")),
            )
            .await
            .map_err(failed)?;
        s.close().await;
        if resp.status != 200 {
            return Err(format!(
                "enrolment register {url}/getauth answered {}; check [core.enrolment] username and password",
                resp.status
            ));
        }
        let json = resp.json().unwrap_or_default();
        let token = json["access_token"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("enrolment register {url}/getauth returned no access_token"))?;
        Ok(GetAuth {
            token,
            ca_root: json["ca_root"].as_str().map(str::to_string),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peers::core::{EnrolmentLogin, RegisterStyle};
    use crate::sut::invoker::played_core::register::PlayedRegister;

    /// With the explicit opt-in the harness fetches its credential from an OpenCAPIF-era
    /// register over plain HTTP (POST /getauth with a JSON login), and says so.
    #[tokio::test]
    async fn a_plain_http_register_is_used_only_as_declared_and_said_out_loud() {
        let pki = TestPki::generate(&["localhost".to_string()]).unwrap();
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        let login = EnrolmentLogin {
            username: "inv".into(),
            password: "secret-pw".into(),
        };
        let register = PlayedRegister::start(
            login,
            RegisterStyle::OpencapifHttp,
            crate::sut::RegisterScript::AsDeclared,
            None,
            pki,
            stopped,
        )
        .await
        .unwrap();
        let source = CredentialSource::EnrolmentInClear {
            url: url::Url::parse(&register.url).unwrap(),
            username: "inv".into(),
            password: "secret-pw".into(),
        };
        let token = source.fetch(&Timeouts::default()).await.unwrap();
        assert_eq!(token.split('.').count(), 3, "{token}");
        let warning = source.warning().unwrap();
        assert!(warning.contains("in clear") && warning.contains("inv"));
        assert!(!warning.contains("secret-pw"));
        // A wrong password is a clear error, not a token.
        let wrong = CredentialSource::EnrolmentInClear {
            url: url::Url::parse(&register.url).unwrap(),
            username: "inv".into(),
            password: "nope".into(),
        };
        assert!(wrong.fetch(&Timeouts::default()).await.is_err());
    }
}
