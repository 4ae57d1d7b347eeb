//! `--config sut.toml` (README "Testing your own CAPIF core"). Unknown keys, missing files and unreadable certificates
//! are errors that name the key and the fix.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use serde::Deserialize;

use crate::net::Timeouts;

mod sections;
use sections::core;

/// A configuration problem: which key, what is wrong, how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {key}: {problem}\n  fix: {fix}")]
pub struct ConfigError {
    /// The config file.
    pub file: String,
    /// The key, e.g. `[core].ca`.
    pub key: String,
    /// What is wrong.
    pub problem: String,
    /// What to do.
    pub fix: String,
}

/// Who must end the session after the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TeardownPolicy {
    /// The stricter claim: the core itself ends every session after its response.
    Core,
    /// The default: either side may end the session. The core passes when it closes after
    /// the response, or keeps the session alive (HTTP/1.1's default, RFC 9112 §9.3) and,
    /// after the invoker's close_notify, serves nothing more. Figure B.1-1's "tear down
    /// connection" is informative and names no actor, so this is the reading a vendor can
    /// call fair; a `Connection: close` the core announced obliges it to close either way.
    #[default]
    Either,
}

/// PICS of a core.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoreCapabilities {
    /// Issues an invoker certificate.
    pub issues_certificate: bool,
    /// Issues an onboarding secret.
    pub issues_onboarding_secret: bool,
    /// May answer 202.
    pub asynchronous_onboarding: bool,
    /// Trusts the enrolment key of the harness's PKI bundle.
    pub accepts_harness_credentials: bool,
    /// Supports DELETE of the invoker resource over mutual TLS.
    pub offboarding: bool,
    /// Who ends the session.
    pub teardown: TeardownPolicy,
}

impl Default for CoreCapabilities {
    fn default() -> Self {
        Self {
            issues_certificate: true,
            issues_onboarding_secret: false,
            asynchronous_onboarding: false,
            accepts_harness_credentials: false,
            offboarding: false,
            teardown: TeardownPolicy::Either,
        }
    }
}

/// `[core.enrolment]`: fetch the credential (and CA) from an OpenCAPIF register.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentConfig {
    /// Only "opencapif" (GET /getauth with HTTP Basic over TLS): the harness never sends a
    /// register login in clear.
    pub style: crate::peers::core::RegisterStyle,
    /// Base URL of the register service.
    pub url: String,
    /// Basic user.
    pub username: String,
    /// Basic password.
    pub password: String,
    /// Verify the register's certificate against this CA (default: `[core].ca`).
    #[serde(default)]
    pub ca: Option<PathBuf>,
    /// The name the register's certificate must match (default: the host of `url`).
    #[serde(default)]
    pub server_name: Option<String>,
    /// With style = "opencapif-http": the explicit opt-in to sending the register login in
    /// clear (the report says at the top that it did).
    #[serde(default)]
    pub cleartext_login: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCore {
    description: Option<String>,
    url: String,
    api_root: Option<String>,
    server_name: Option<String>,
    ca: PathBuf,
    credential: Option<String>,
    credential_command: Option<String>,
    enrolment: Option<EnrolmentConfig>,
    invoker_ca: Option<PathBuf>,
    pki: Option<PathBuf>,
    credential_signing_key: Option<PathBuf>,
    credential_signing_alg: Option<String>,
    reuse_credential: Option<bool>,
    #[serde(default)]
    invoker_key: crate::pki::KeyKind,
    #[serde(default)]
    invoker_key_format: crate::pki::KeyFormat,
    invoker_information: Option<String>,
    invoker_subject_cn: Option<String>,
    invoker_subject_o: Option<String>,
    invoker_subject_ou: Option<String>,
    #[serde(default)]
    capabilities: CoreCapabilities,
    notifications: Option<RawNotifications>,
}

/// `[core.notifications]` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotifications {
    listen: String,
    url: Option<String>,
    within: Option<String>,
    pki: Option<PathBuf>,
    impostor_listen: Option<String>,
    impostor_url: Option<String>,
}

/// `[core.notifications]`: where the harness receives the OnboardingNotification of an
/// asynchronous onboarding (PIXIT: the core must reach it and trust its certificate).
#[derive(Debug, Clone)]
pub struct NotificationsConfig {
    /// Where the receiver listens.
    pub listen: std::net::SocketAddr,
    /// The base URL the core is told (default `https://` and `listen`).
    pub url: Option<url::Url>,
    /// The declared bound between the 202 and the notification.
    pub within: Duration,
    /// The receiver's certificate and key (the PKI bundle's server certificate: the core
    /// trusts that bundle's CA).
    pub identity: crate::pki::Identity,
    /// The bundle's CA, which issues the certificates the impostor receiver presents (expired,
    /// for another name) beside one from another CA (CCF-OK-10).
    pub ca: crate::pki::Authority,
    /// Where the impostor receiver listens (default: `listen`'s address, a free port).
    pub impostor_listen: std::net::SocketAddr,
    /// The base URL the core is told for it, exactly (default: `url`'s host with the
    /// impostor's port, or `https://` and its listening address).
    pub impostor_url: Option<url::Url>,
}

/// The default of `[core.notifications] within`.
pub const DEFAULT_NOTIFICATION_BOUND: Duration = Duration::from_secs(10);

/// `[invoker.enrolment]`: serve a register endpoint to the invoker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvokerEnrolmentConfig {
    /// "opencapif" (GET /getauth over TLS) or "opencapif-http" (POST /register and POST
    /// /getauth over plain HTTP).
    pub style: crate::peers::core::RegisterStyle,
    /// Basic user the endpoint accepts.
    pub username: String,
    /// Basic password.
    pub password: String,
}

/// `[invoker]`: the invoker under test, driven through an adapter command.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvokerConfig {
    /// The product under test, as the vendor names it (name and version), shown in every
    /// report.
    pub description: Option<String>,
    /// Shell command run once per scenario.
    pub command: String,
    /// Serve an enrolment endpoint.
    pub enrolment: Option<InvokerEnrolmentConfig>,
    /// PIXIT: the invoker gives up on a core that never answers within this (default 30 s).
    pub gives_up_within: Option<String>,
}

/// The default of `[invoker] gives_up_within`.
pub const DEFAULT_GIVES_UP_WITHIN: Duration = Duration::from_secs(30);

impl InvokerConfig {
    /// `gives_up_within`, validated when the configuration was loaded.
    pub fn gives_up_within(&self) -> Duration {
        self.gives_up_within
            .as_deref()
            .and_then(parse_duration)
            .unwrap_or(DEFAULT_GIVES_UP_WITHIN)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeouts {
    connect: Option<String>,
    handshake: Option<String>,
    response: Option<String>,
    teardown: Option<String>,
    adapter: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    core: Option<RawCore>,
    invoker: Option<InvokerConfig>,
    #[serde(default)]
    timeouts: RawTimeouts,
}

/// A validated `[core]` section.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// The product under test, as the vendor names it (name and version), shown in every
    /// report.
    pub product: Option<String>,
    /// Where the harness connects: the apiRoot, unless `api_root` says otherwise.
    pub url: url::Url,
    /// PIXIT: the apiRoot the core's invokers are provisioned with, when the harness reaches
    /// the core elsewhere (a mapped port, a front end's name). `Location` is judged against it.
    pub api_root: Option<url::Url>,
    /// Name the core's certificate must match.
    pub server_name: String,
    /// Root(s) of the core's server certificate (the provisioned enrolment information).
    pub ca: Vec<CertificateDer<'static>>,
    /// Where the CA was read from.
    pub ca_path: PathBuf,
    /// How to get a valid credential.
    pub credential: crate::sut::CredentialSource,
    /// CA expected to sign issued invoker certificates.
    pub invoker_ca: Vec<CertificateDer<'static>>,
    /// The PKI bundle whose enrolment key the core trusts (with accepts_harness_credentials).
    pub harness_pki: Option<crate::pki::TestPki>,
    /// The core's own token key, to mint expired and foreign-key credentials with.
    pub signing_key: Option<crate::sut::SigningKey>,
    /// Reuse a fetched credential while it is valid.
    pub reuse_credential: bool,
    /// `ca = "enrolment"`: take the core's root from the register's answer (`ca_root`).
    pub ca_from_enrolment: bool,
    /// `invoker_ca = "enrolment"`: the same for the CA of issued invoker certificates.
    pub invoker_ca_from_enrolment: bool,
    /// The key the harness generates as the invoker (PIXIT).
    pub invoker_key: crate::pki::KeyKind,
    /// How it carries the key in `apiInvokerPublicKey` (PIXIT).
    pub invoker_key_format: crate::pki::KeyFormat,
    /// Who the harness says it is: apiInvokerInformation and CSR subject templates (PIXIT).
    pub identity: crate::pki::IdentityTemplates,
    /// PICS.
    pub capabilities: CoreCapabilities,
    /// PIXIT: the notification receiver (asynchronous onboarding).
    pub notifications: Option<NotificationsConfig>,
}

/// A validated configuration.
#[derive(Debug, Clone)]
pub struct SutConfig {
    /// The core under test, if any.
    pub core: Option<CoreConfig>,
    /// The invoker under test, if any.
    pub invoker: Option<InvokerConfig>,
    /// Phase timeouts.
    pub timeouts: Timeouts,
    /// The file it came from.
    pub file: PathBuf,
}

/// Parse "2s", "500ms", "1m".
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit() && c != '.')?);
    let n: f64 = num.parse().ok()?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    (secs > 0.0 && secs < 86_400.0).then(|| Duration::from_secs_f64(secs))
}

impl ConfigError {
    /// A maker of errors in `path`: key, problem, fix.
    pub fn reporter(path: &Path) -> impl Fn(&str, String, &str) -> ConfigError {
        let file = path.display().to_string();
        move |key: &str, problem: String, fix: &str| ConfigError {
            file: file.clone(),
            key: key.to_string(),
            problem,
            fix: fix.to_string(),
        }
    }
}

/// The TOML file at `path` as `T`. An unreadable file is reported under `option` (the
/// command-line option that named it) with `read_fix`; a syntax error or an unknown key under
/// that key, with its line and `fix`.
pub(crate) fn read_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    option: &str,
    read_fix: &str,
    fix: &str,
) -> Result<T, ConfigError> {
    let err = ConfigError::reporter(path);
    let text = crate::fsutil::read_text(path)
        .map_err(|e| err(option, format!("cannot read the file: {e}"), read_fix))?;
    toml::from_str(&text).map_err(|e| {
        let msg = e.message().to_string();
        let key = msg
            .split('`')
            .nth(1)
            .map(|k| k.to_string())
            .unwrap_or_else(|| "(syntax)".into());
        let line = e
            .span()
            .map(|s| text[..s.start].matches('\n').count() + 1)
            .unwrap_or(0);
        err(&key, format!("{msg} (line {line})"), fix)
    })
}

impl SutConfig {
    /// Read and validate `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let err = ConfigError::reporter(path);
        let raw: RawConfig = read_toml(
            path,
            "--config",
            "pass the path of an existing SUT configuration (see fixtures/sut/ for examples)",
            "correct or remove this key; README.md lists every key of the SUT configuration",
        )?;
        let timeouts = timeouts(&raw.timeouts, &err)?;
        let core = raw.core.map(|c| core(c, &err)).transpose()?;
        if core.is_none() && raw.invoker.is_none() {
            return Err(err(
                "[core] / [invoker]",
                "the configuration describes no system under test".into(),
                "add a [core] section (a CAPIF core to test) or an [invoker] section (an API invoker to test)",
            ));
        }
        if let Some(inv) = &raw.invoker {
            if inv.command.trim().is_empty() {
                return Err(err(
                    "[invoker].command",
                    "is empty".into(),
                    "set the command that runs the invoker adapter (see README: adapter protocol)",
                ));
            }
            if let Some(v) = &inv.gives_up_within {
                if parse_duration(v).is_none_or(|d| d < MIN_TIMEOUT) {
                    return Err(err(
                        "[invoker].gives_up_within",
                        format!("{v:?} is not a duration of at least 10 ms"),
                        "write the bound your invoker gives up within, such as \"30s\" (the default)",
                    ));
                }
            }
            if let Some(e) = &inv.enrolment {
                register_basic_login(&e.username, &e.password);
            }
            product_description(inv.description.clone(), "[invoker].description", &err)?;
        }
        Ok(Self {
            core,
            invoker: raw.invoker,
            timeouts,
            file: path.to_path_buf(),
        })
    }
}

type ErrFn<'a> = dyn Fn(&str, String, &str) -> ConfigError + 'a;

/// An HTTP Basic login never reaches a report: the password, and the header's base64 form.
fn register_basic_login(username: &str, password: &str) {
    use base64::Engine;
    crate::evidence::register_secret(password);
    crate::evidence::register_secret(
        &base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}")),
    );
}

/// The shortest phase timeout accepted.
pub const MIN_TIMEOUT: Duration = Duration::from_millis(10);

/// Most distinct certificates accepted from one CA file.
const MAX_CA_CERTS: usize = 64;

/// The value of `ca` / `invoker_ca` that takes the CA from the register's answer.
pub const ENROLMENT_CA: &str = "enrolment";

fn timeouts(raw: &RawTimeouts, err: &ErrFn<'_>) -> Result<Timeouts, ConfigError> {
    let mut t = Timeouts::default();
    for (key, value, slot) in [
        ("connect", &raw.connect, &mut t.connect),
        ("handshake", &raw.handshake, &mut t.handshake),
        ("response", &raw.response, &mut t.response),
        ("teardown", &raw.teardown, &mut t.teardown),
        ("adapter", &raw.adapter, &mut t.adapter),
    ] {
        if let Some(v) = value {
            *slot = parse_duration(v).ok_or_else(|| {
                err(
                    &format!("[timeouts].{key}"),
                    format!("{v:?} is not a duration"),
                    "write a positive duration such as \"2s\" or \"500ms\"",
                )
            })?;
            // Below this the harness's own scheduling decides, not the SUT: such a timeout
            // would turn into SUT failures.
            if *slot < MIN_TIMEOUT {
                return Err(err(
                    &format!("[timeouts].{key}"),
                    format!("{v:?} is below the {} ms floor", MIN_TIMEOUT.as_millis()),
                    "use at least \"10ms\" (loopback); real networks want seconds",
                ));
            }
        }
    }
    Ok(t)
}

fn read_certs(
    path: &Path,
    key: &str,
    err: &ErrFn<'_>,
) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    use rustls_pki_types::pem::PemObject;
    let bytes = crate::fsutil::read_limited(path, crate::fsutil::MAX_INPUT_FILE).map_err(|e| {
        err(
            key,
            format!("cannot read {}: {e}", path.display()),
            "point it at a PEM file of the root CA (capif-conformance pki --out certs writes certs/ca.pem)",
        )
    })?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| {
            err(
                key,
                format!("{} is not PEM: {e}", path.display()),
                "use a PEM file with one or more -----BEGIN CERTIFICATE----- blocks",
            )
        })?;
    if certs.is_empty() {
        return Err(err(
            key,
            format!("{} holds no certificate", path.display()),
            "use a PEM file with one or more -----BEGIN CERTIFICATE----- blocks",
        ));
    }
    // Duplicates add nothing (and a bundle of 100k copies would flood every report).
    let mut unique: Vec<CertificateDer<'static>> = Vec::new();
    for c in certs {
        if !unique.contains(&c) {
            unique.push(c);
        }
    }
    let certs = unique;
    if certs.len() > MAX_CA_CERTS {
        return Err(err(
            key,
            format!(
                "{} holds {} distinct certificates, more than {MAX_CA_CERTS}",
                path.display(),
                certs.len()
            ),
            "provision only the root (and intermediate) CA certificates of the core",
        ));
    }
    for c in &certs {
        webpki::anchor_from_trusted_cert(c).map_err(|e| {
            err(
                key,
                format!("{} holds an unreadable certificate: {e:?}", path.display()),
                "regenerate or re-export the CA certificate",
            )
        })?;
    }
    Ok(certs)
}

/// The longest `description` a report shows.
const MAX_DESCRIPTION: usize = 200;

/// `[core] description` / `[invoker] description`: one line of printable text, since every
/// report header shows it.
fn product_description(
    value: Option<String>,
    key: &str,
    err: &ErrFn<'_>,
) -> Result<Option<String>, ConfigError> {
    let Some(v) = value else { return Ok(None) };
    let v = v.trim().to_string();
    if v.is_empty() || v.chars().count() > MAX_DESCRIPTION || v.chars().any(char::is_control) {
        return Err(err(
            key,
            format!("{v:?} is not one line of 1 to {MAX_DESCRIPTION} printable characters"),
            "name the product and its version in one line, e.g. \"ACME CAPIF core 4.2.1 (build 812)\"",
        ));
    }
    Ok(Some(v))
}

/// `configured`, or the host of `url`: a name a certificate can be checked against.
fn certificate_name(
    configured: Option<String>,
    url: &url::Url,
    key: &str,
    whose: &str,
    err: &ErrFn<'_>,
) -> Result<String, ConfigError> {
    let name = configured.unwrap_or_else(|| crate::net::url_host(url));
    if rustls_pki_types::ServerName::try_from(name.clone()).is_err() {
        return Err(err(
            key,
            format!("{name:?} is not a DNS name or IP address"),
            &format!("set server_name to the name in the {whose}'s certificate"),
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests;
