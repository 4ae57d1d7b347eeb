//! `--config sut.toml` (README "Testing your own CAPIF core"). Unknown keys, missing files and unreadable certificates
//! are errors that name the key and the fix.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use serde::Deserialize;

use crate::net::Timeouts;

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

fn core(raw: RawCore, err: &ErrFn<'_>) -> Result<CoreConfig, ConfigError> {
    let url = url::Url::parse(&raw.url).map_err(|e| {
        err(
            "[core].url",
            format!("{:?} is not a URL: {e}", raw.url),
            "write the core's apiRoot, e.g. url = \"https://127.0.0.1:8443\"",
        )
    })?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(err(
            "[core].url",
            format!("{:?} is not an https:// URL with a host", raw.url),
            "onboarding runs over TLS: write url = \"https://HOST:PORT\"",
        ));
    }
    let api_root = match &raw.api_root {
        Some(a) => {
            let u = url::Url::parse(a).map_err(|e| {
                err(
                    "[core].api_root",
                    format!("{a:?} is not a URL: {e}"),
                    "write the apiRoot your invokers are provisioned with, e.g. api_root = \"https://capif.example\"",
                )
            })?;
            if u.scheme() != "https" || u.host_str().is_none() {
                return Err(err(
                    "[core].api_root",
                    format!("{a:?} is not an https:// URL with a host"),
                    "write api_root = \"https://HOST[:PORT]\"",
                ));
            }
            Some(u)
        }
        None => None,
    };
    let server_name = certificate_name(
        raw.server_name.clone(),
        &url,
        "[core].server_name",
        "core",
        err,
    )?;
    // "enrolment": the CA comes from the register's answer (trust on first use).
    let from_enrolment = |p: &Path| p == Path::new(ENROLMENT_CA);
    let ca_from_enrolment = from_enrolment(&raw.ca);
    let ca = if ca_from_enrolment {
        Vec::new()
    } else {
        read_certs(&raw.ca, "[core].ca", err)?
    };
    let invoker_ca_from_enrolment = match &raw.invoker_ca {
        Some(p) => from_enrolment(p),
        None => ca_from_enrolment,
    };
    let invoker_ca = match &raw.invoker_ca {
        Some(p) if !from_enrolment(p) => read_certs(p, "[core].invoker_ca", err)?,
        _ => ca.clone(),
    };
    if (ca_from_enrolment || invoker_ca_from_enrolment) && raw.enrolment.is_none() {
        return Err(err(
            "[core].ca",
            "\"enrolment\" takes the CA from the register's answer, but there is no [core.enrolment]".into(),
            "add a [core.enrolment] section, or point ca at a PEM file",
        ));
    }
    let credential = credential_source(
        raw.credential,
        raw.credential_command,
        raw.enrolment,
        &ca,
        ca_from_enrolment,
        err,
    )?;
    let signing_key = signing_key(
        raw.credential_signing_key.as_deref(),
        raw.credential_signing_alg.clone(),
        err,
    )?;
    let harness_pki = if raw.capabilities.accepts_harness_credentials && signing_key.is_none() {
        let dir = raw.pki.clone().unwrap_or_else(|| PathBuf::from("certs"));
        Some(crate::pki::TestPki::load(&dir).map_err(|e| {
            err(
                "[core].pki",
                format!("accepts_harness_credentials needs the PKI bundle the core trusts: {e}"),
                "set [core].pki to the directory written by `capif-conformance pki --out DIR`, or set accepts_harness_credentials = false",
            )
        })?)
    } else {
        None
    };
    let notifications = match raw.notifications {
        Some(n) => Some(notifications(n, raw.pki.as_deref(), err)?),
        None => None,
    };
    let mut identity = crate::pki::IdentityTemplates::default();
    for (key, value, slot) in [
        (
            "[core].invoker_information",
            &raw.invoker_information,
            &mut identity.information,
        ),
        (
            "[core].invoker_subject_cn",
            &raw.invoker_subject_cn,
            &mut identity.cn,
        ),
    ] {
        if let Some(v) = value {
            if let Some(problem) = crate::pki::template_problem(v) {
                return Err(err(
                    key,
                    problem,
                    "write a value, with {run} (this run) and {n} (each onboarding) where it must differ, e.g. \"invoker-{run}-{n}\"",
                ));
            }
            *slot = v.clone();
        }
    }
    for (key, value, slot) in [
        (
            "[core].invoker_subject_o",
            &raw.invoker_subject_o,
            &mut identity.o,
        ),
        (
            "[core].invoker_subject_ou",
            &raw.invoker_subject_ou,
            &mut identity.ou,
        ),
    ] {
        if let Some(v) = value {
            if let Some(problem) = crate::pki::template_problem(v) {
                return Err(err(
                    key,
                    problem,
                    "write a value, optionally with {run} and {n}",
                ));
            }
            *slot = Some(v.clone());
        }
    }
    let mut capabilities = raw.capabilities;
    // With the core's own key the harness can mint credentials the core accepts.
    capabilities.accepts_harness_credentials |= signing_key.is_some();
    Ok(CoreConfig {
        product: product_description(raw.description, "[core].description", err)?,
        url,
        api_root,
        server_name,
        ca,
        ca_path: raw.ca,
        credential,
        invoker_ca,
        harness_pki,
        signing_key,
        reuse_credential: raw.reuse_credential.unwrap_or(true),
        ca_from_enrolment,
        invoker_ca_from_enrolment,
        invoker_key: raw.invoker_key,
        invoker_key_format: raw.invoker_key_format,
        identity,
        capabilities,
        notifications,
    })
}

/// Validate `[core.notifications]`.
fn notifications(
    raw: RawNotifications,
    core_pki: Option<&Path>,
    err: &ErrFn<'_>,
) -> Result<NotificationsConfig, ConfigError> {
    let listen: std::net::SocketAddr = raw.listen.parse().map_err(|e| {
        err(
            "[core.notifications].listen",
            format!("{:?} is not an address and port: {e}", raw.listen),
            "write listen = \"0.0.0.0:9444\" (an address the core can reach)",
        )
    })?;
    let https = |key: &str, u: &str, fix: &str| {
        url::Url::parse(u)
            .ok()
            .filter(|p| p.scheme() == "https")
            .ok_or_else(|| err(key, format!("{u:?} is not an https:// URL"), fix))
    };
    let url = match raw.url {
        Some(u) => Some(https(
            "[core.notifications].url",
            &u,
            "write url = \"https://HOST:PORT\" as the core reaches the harness",
        )?),
        None => None,
    };
    let impostor_listen = match raw.impostor_listen {
        Some(l) => l.parse().map_err(|e| {
            err(
                "[core.notifications].impostor_listen",
                format!("{l:?} is not an address and port: {e}"),
                "write impostor_listen = \"0.0.0.0:9445\" (a port the core can reach, not listen's)",
            )
        })?,
        None => std::net::SocketAddr::new(listen.ip(), 0),
    };
    let impostor_url = match raw.impostor_url {
        Some(u) => Some(https(
            "[core.notifications].impostor_url",
            &u,
            "write impostor_url = \"https://HOST:PORT\" as the core reaches impostor_listen",
        )?),
        None => None,
    };
    let within = match raw.within {
        Some(w) => parse_duration(&w).ok_or_else(|| {
            err(
                "[core.notifications].within",
                format!("{w:?} is not a duration"),
                "write within = \"10s\"",
            )
        })?,
        None => DEFAULT_NOTIFICATION_BOUND,
    };
    let dir = raw
        .pki
        .or_else(|| core_pki.map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("certs"));
    let pki = crate::pki::TestPki::load(&dir).map_err(|e| {
        err(
            "[core.notifications].pki",
            format!("the receiver presents the server certificate of a PKI bundle: {e}"),
            "run `capif-conformance pki --out certs --host HARNESS_HOST`, make the core trust certs/ca.pem, and set pki = \"certs\"",
        )
    })?;
    Ok(NotificationsConfig {
        listen,
        url,
        within,
        identity: pki.core,
        ca: pki.ca,
        impostor_listen,
        impostor_url,
    })
}

/// Where a valid credential comes from: exactly one of `credential`, `credential_command`
/// and `[core.enrolment]`.
fn credential_source(
    credential: Option<String>,
    command: Option<String>,
    enrolment: Option<EnrolmentConfig>,
    ca: &[CertificateDer<'static>],
    ca_from_enrolment: bool,
    err: &ErrFn<'_>,
) -> Result<crate::sut::CredentialSource, ConfigError> {
    use crate::sut::CredentialSource;
    let sources = [credential.is_some(), command.is_some(), enrolment.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    let fix = "set exactly one of credential, credential_command or [core.enrolment]";
    if sources != 1 {
        return Err(err(
            "[core].credential",
            if sources == 0 {
                "no way to obtain a valid onboarding credential".into()
            } else {
                "more than one credential source is set".into()
            },
            fix,
        ));
    }
    let source = if let Some(c) = credential {
        if c.trim().is_empty() {
            return Err(err("[core].credential", "is empty".into(), fix));
        }
        crate::evidence::register_secret(c.trim());
        CredentialSource::Static(c.trim().to_string())
    } else if let Some(cmd) = command {
        CredentialSource::Command(cmd)
    } else {
        let e = enrolment.expect("counted above");
        if e.style != crate::peers::core::RegisterStyle::Opencapif {
            if !e.cleartext_login {
                return Err(err(
                    "[core.enrolment].style",
                    "\"opencapif-http\" would send the register login in clear".into(),
                    "use style = \"opencapif\" (GET /getauth with HTTP Basic over TLS), or accept the risk with cleartext_login = true (the report will say so at the top)",
                ));
            }
            let url = url::Url::parse(&e.url)
                .ok()
                .filter(|u| u.scheme() == "http" && u.host_str().is_some())
                .ok_or_else(|| {
                    err(
                        "[core.enrolment].url",
                        format!("{:?} is not an http:// URL", e.url),
                        "style = \"opencapif-http\" reaches the register over plain HTTP: write url = \"http://HOST:PORT\"",
                    )
                })?;
            if ca_from_enrolment {
                return Err(err(
                    "[core].ca",
                    "\"enrolment\" would take the core's root from a register reached in clear"
                        .into(),
                    "point ca at the core's root CA (PEM)",
                ));
            }
            crate::evidence::register_secret(&e.password);
            return Ok(CredentialSource::EnrolmentInClear {
                url,
                username: e.username,
                password: e.password,
            });
        }
        if e.cleartext_login {
            return Err(err(
                "[core.enrolment].cleartext_login",
                "applies only to style = \"opencapif-http\"".into(),
                "remove it: style = \"opencapif\" sends the login over TLS",
            ));
        }
        let register = url::Url::parse(&e.url).map_err(|x| {
            err(
                "[core.enrolment].url",
                format!("{:?} is not a URL: {x}", e.url),
                "write the register service's base URL, e.g. https://127.0.0.1:8084",
            )
        })?;
        let register_ca = match &e.ca {
            Some(p) => read_certs(p, "[core.enrolment].ca", err)?,
            None if ca_from_enrolment => {
                return Err(err(
                    "[core.enrolment].ca",
                    "with ca = \"enrolment\" the register's own certificate needs a CA to be verified against".into(),
                    "set [core.enrolment].ca to the root CA of the register's certificate (never fetch credentials unverified)",
                ))
            }
            None => ca.to_vec(),
        };
        let server_name = certificate_name(
            e.server_name.clone(),
            &register,
            "[core.enrolment].server_name",
            "register",
            err,
        )?;
        register_basic_login(&e.username, &e.password);
        CredentialSource::Enrolment {
            url: register,
            server_name,
            username: e.username,
            password: e.password,
            ca: register_ca,
        }
    };
    Ok(source)
}

/// `credential_signing_key` (and its algorithm, guessed from the PEM when not given).
fn signing_key(
    path: Option<&Path>,
    alg: Option<String>,
    err: &ErrFn<'_>,
) -> Result<Option<crate::sut::SigningKey>, ConfigError> {
    Ok(match path {
        Some(path) => {
            let pem =
                crate::fsutil::read_limited(path, crate::fsutil::MAX_INPUT_FILE).map_err(|e| {
                    err(
                        "[core].credential_signing_key",
                        format!("cannot read {}: {e}", path.display()),
                        "point it at the PEM private key the core's credential issuer signs with",
                    )
                })?;
            let alg = alg.unwrap_or_else(|| {
                if String::from_utf8_lossy(&pem).contains("EC PRIVATE KEY") {
                    "ES256".into()
                } else {
                    "RS256".into()
                }
            });
            if !crate::pki::SIGNING_ALGS.contains(&alg.as_str()) {
                return Err(err(
                    "[core].credential_signing_alg",
                    format!("{alg:?} is not supported"),
                    &format!("use one of {}", crate::pki::SIGNING_ALGS.join(", ")),
                ));
            }
            Some(crate::sut::SigningKey {
                pem,
                alg,
                path: path.to_path_buf(),
            })
        }
        None if alg.is_some() => {
            return Err(err(
                "[core].credential_signing_alg",
                "is set without credential_signing_key".into(),
                "add credential_signing_key = \"key.pem\", or remove credential_signing_alg",
            ))
        }
        None => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<SutConfig, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let pki = crate::pki::TestPki::generate(&["localhost".into()]).unwrap();
        pki.write(&dir.path().join("certs")).unwrap();
        let text = text.replace("DIR", &dir.path().display().to_string());
        let path = dir.path().join("sut.toml");
        std::fs::write(&path, text).unwrap();
        SutConfig::load(&path)
    }

    #[test]
    fn a_complete_core_section_loads() {
        let c = load(
            r#"
            [core]
            url = "https://127.0.0.1:8443"
            ca = "DIR/certs/ca.pem"
            credential = "abc"
            pki = "DIR/certs"
            [core.capabilities]
            accepts_harness_credentials = true
            teardown = "either"
            [timeouts]
            teardown = "500ms"
            "#,
        )
        .unwrap();
        let core = c.core.unwrap();
        assert_eq!(core.server_name, "127.0.0.1");
        assert_eq!(core.capabilities.teardown, TeardownPolicy::Either);
        assert!(core.harness_pki.is_some());
        assert_eq!(c.timeouts.teardown, Duration::from_millis(500));
        assert_eq!(c.timeouts.connect, Duration::from_secs(2));
    }

    #[test]
    fn the_impostor_receiver_defaults_to_a_free_port_and_names_its_keys_when_wrong() {
        let cfg = |extra: &str| {
            format!(
                r#"
                [core]
                url = "https://127.0.0.1:8443"
                ca = "DIR/certs/ca.pem"
                credential = "abc"
                [core.capabilities]
                asynchronous_onboarding = true
                [core.notifications]
                listen = "127.0.0.1:9444"
                pki = "DIR/certs"
                {extra}
                "#
            )
        };
        let n = load(&cfg("")).unwrap().core.unwrap().notifications.unwrap();
        assert_eq!(n.impostor_listen, "127.0.0.1:0".parse().unwrap());
        assert_eq!(n.impostor_url, None);
        let n = load(&cfg(
            "impostor_listen = \"0.0.0.0:9445\"\nimpostor_url = \"https://harness.example:19445\"",
        ))
        .unwrap()
        .core
        .unwrap()
        .notifications
        .unwrap();
        assert_eq!(n.impostor_listen.port(), 9445);
        assert_eq!(n.impostor_url.unwrap().port(), Some(19445));
        let e = load(&cfg("impostor_listen = \"9445\"")).unwrap_err();
        assert_eq!(e.key, "[core.notifications].impostor_listen");
        let e = load(&cfg("impostor_url = \"http://harness.example:9445\"")).unwrap_err();
        assert_eq!(e.key, "[core.notifications].impostor_url");
        assert!(e.problem.contains("https://"), "{e:?}");
    }

    #[test]
    fn enrolment_ca_signing_key_and_invoker_key() {
        let c = load(
            r#"
            [core]
            url = "https://127.0.0.1:8443"
            ca = "enrolment"
            credential_signing_key = "DIR/certs/enrolment-key.pem"
            invoker_key = "rsa2048"
            invoker_key_format = "spki"
            reuse_credential = false
            [core.enrolment]
            style = "opencapif"
            url = "https://127.0.0.1:8084"
            server_name = "register"
            ca = "DIR/certs/ca.pem"
            username = "u"
            password = "p"
            "#,
        )
        .unwrap();
        let core = c.core.unwrap();
        assert!(core.ca_from_enrolment && core.invoker_ca_from_enrolment);
        assert!(core.ca.is_empty());
        assert_eq!(core.signing_key.as_ref().unwrap().alg, "RS256");
        assert!(
            core.capabilities.accepts_harness_credentials,
            "a signing key lets the harness mint"
        );
        assert!(core.harness_pki.is_none());
        assert_eq!(core.invoker_key, crate::pki::KeyKind::Rsa2048);
        assert_eq!(core.invoker_key_format, crate::pki::KeyFormat::Spki);
        assert!(!core.reuse_credential);
        assert!(matches!(
            &core.credential,
            crate::sut::CredentialSource::Enrolment { server_name, .. } if server_name == "register"
        ));
    }

    #[test]
    fn enrolment_ca_needs_a_register_and_a_register_ca() {
        let e = load(
            r#"
            [core]
            url = "https://127.0.0.1:8443"
            ca = "enrolment"
            credential = "abc"
            "#,
        )
        .unwrap_err();
        assert_eq!(e.key, "[core].ca");
        let e = load(
            r#"
            [core]
            url = "https://127.0.0.1:8443"
            ca = "enrolment"
            [core.enrolment]
            style = "opencapif"
            url = "https://127.0.0.1:8084"
            username = "u"
            password = "p"
            "#,
        )
        .unwrap_err();
        assert_eq!(e.key, "[core.enrolment].ca");
        assert!(e.fix.contains("never fetch credentials unverified"), "{e}");
        let e = load(
            r#"
            [core]
            url = "https://127.0.0.1:8443"
            ca = "DIR/certs/ca.pem"
            credential = "abc"
            credential_signing_key = "DIR/certs/enrolment-key.pem"
            credential_signing_alg = "HS256"
            "#,
        )
        .unwrap_err();
        assert_eq!(e.key, "[core].credential_signing_alg");
    }

    #[test]
    fn a_plain_http_register_needs_the_explicit_opt_in() {
        let cfg = |extra: &str| {
            format!(
                "[core]\nurl = \"https://127.0.0.1:8443\"\nca = \"DIR/certs/ca.pem\"\n[core.enrolment]\nstyle = \"opencapif-http\"\nurl = \"http://127.0.0.1:8080\"\nusername = \"u\"\npassword = \"p\"\n{extra}"
            )
        };
        let e = load(&cfg("")).unwrap_err();
        assert_eq!(e.key, "[core.enrolment].style");
        assert!(e.fix.contains("cleartext_login = true"), "{e}");
        let c = load(&cfg("cleartext_login = true\n")).unwrap();
        let core = c.core.unwrap();
        assert!(matches!(
            core.credential,
            crate::sut::CredentialSource::EnrolmentInClear { .. }
        ));
        assert!(core.credential.warning().unwrap().contains("in clear"));
        // The opt-in does not make an https register plain, nor apply to the TLS style.
        let e = load(&cfg("cleartext_login = true\n").replace("http://", "https://")).unwrap_err();
        assert_eq!(e.key, "[core.enrolment].url");
        let e = load(
            &cfg("cleartext_login = true\n")
                .replace("opencapif-http", "opencapif")
                .replace("http://", "https://"),
        )
        .unwrap_err();
        assert_eq!(e.key, "[core.enrolment].cleartext_login");
    }

    #[test]
    fn identity_templates_are_validated_and_kept() {
        let base = "[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n";
        let c = load(&format!("{base}invoker_information = \"vendor-{{n}}\"\ninvoker_subject_cn = \"invoker-x\"\ninvoker_subject_o = \"ACME\"\n")).unwrap();
        let id = c.core.unwrap().identity;
        assert_eq!(id.information, "vendor-{n}");
        assert_eq!(id.cn, "invoker-x");
        assert_eq!(id.o.as_deref(), Some("ACME"));
        let e = load(&format!("{base}invoker_subject_cn = \"x-{{id}}\"\n")).unwrap_err();
        assert_eq!(e.key, "[core].invoker_subject_cn");
    }

    #[test]
    fn the_product_description_is_one_printable_line() {
        let core = "[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n";
        let c = load(&format!("{core}description = \" ACME core 4.2 \"\n")).unwrap();
        assert_eq!(c.core.unwrap().product.as_deref(), Some("ACME core 4.2"));
        for bad in ["\"\"", "\"a\\nb\"", &format!("\"{}\"", "x".repeat(201))] {
            let e = load(&format!("{core}description = {bad}\n")).unwrap_err();
            assert_eq!(e.key, "[core].description", "{bad}: {e}");
        }
        let e = load("[invoker]\ncommand = \"./a\"\ndescription = \"a\\u001b[2Jb\"\n").unwrap_err();
        assert_eq!(e.key, "[invoker].description", "{e}");
        let c = load("[invoker]\ncommand = \"./a\"\ndescription = \"SDK 2\"\n").unwrap();
        assert_eq!(c.invoker.unwrap().description.as_deref(), Some("SDK 2"));
    }

    #[test]
    fn unknown_keys_are_named() {
        let e = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\ncolour = 1\n")
            .unwrap_err();
        assert_eq!(e.key, "colour");
        assert!(e.problem.contains("line 5"), "{e}");
    }

    #[test]
    fn missing_ca_file_names_the_key_and_the_fix() {
        let e = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/nope.pem\"\ncredential = \"x\"\n")
            .unwrap_err();
        assert_eq!(e.key, "[core].ca");
        assert!(e.fix.contains("pki --out"), "{e}");
    }

    #[test]
    fn unreadable_certificate_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.pem");
        std::fs::write(
            &bad,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let e = load(&format!(
            "[core]\nurl = \"https://a:1\"\nca = \"{}\"\ncredential = \"x\"\n",
            bad.display()
        ))
        .unwrap_err();
        assert_eq!(e.key, "[core].ca");
    }

    #[test]
    fn credential_sources_are_exclusive_and_required() {
        let none = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\n").unwrap_err();
        assert_eq!(none.key, "[core].credential");
        let two = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\ncredential_command = \"echo x\"\n").unwrap_err();
        assert!(two.problem.contains("more than one"));
    }

    #[test]
    fn cleartext_url_and_bad_durations_are_refused() {
        let e =
            load("[core]\nurl = \"http://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n")
                .unwrap_err();
        assert_eq!(e.key, "[core].url");
        let e = load("[core]\nurl = \"https://a:1\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n[timeouts]\nconnect = \"soon\"\n").unwrap_err();
        assert_eq!(e.key, "[timeouts].connect");
    }

    #[test]
    fn timeouts_below_the_floor_are_config_errors() {
        let e = load(
            "[core]\nurl = \"https://127.0.0.1:8443\"\nca = \"DIR/certs/ca.pem\"\ncredential = \"x\"\n[timeouts]\nresponse = \"1ms\"\n",
        )
        .unwrap_err();
        assert_eq!(e.key, "[timeouts].response");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("2s"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("250ms"), Some(Duration::from_millis(250)));
        assert_eq!(parse_duration("1m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_duration("0s"), None);
        assert_eq!(parse_duration("5"), None);
    }
}
