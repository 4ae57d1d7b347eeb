//! A CAPIF core under test, reached by URL: the harness acting as the API invoker.

use std::sync::Arc;
use std::time::Instant;

use rustls::{ClientConfig, KeyLog};
use rustls_pki_types::{CertificateDer, ServerName};
use serde_json::Value;

use super::attempt::{Attempt, ControlAttempt, CredentialChoice, RequestBody};
use super::credential_source::CredentialSource;
use crate::catalogue::Need;
use crate::evidence::Timings;
use crate::model::ONBOARDING_PATH;
use crate::net::{
    client_config, HttpRequest, HttpsSession, Phase, PhaseError, Timeouts, TLS_VERSIONS,
};
use crate::pki::{
    enrolment_request, jwt_claims, Identity, InvokerKey, KeyFormat, KeyKind, Minter, TestPki,
    NOTIFICATION_DESTINATION,
};
use crate::sut::config::{CoreCapabilities, CoreConfig, NotificationsConfig, TeardownPolicy};
use crate::sut::notifications::{Notified, Receiver};

/// The core under test and how to talk to it.
#[derive(Clone)]
pub struct CoreTarget {
    /// Where the harness connects (`[core] url`).
    pub url: url::Url,
    /// PIXIT `[core] api_root`: the apiRoot the core's invokers are provisioned with, when it
    /// differs from `url` (a mapped port, a front end's name); `Location` is judged against it.
    pub api_root: Option<url::Url>,
    /// Host to connect to.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Name the certificate must match.
    pub server_name: String,
    /// The provisioned roots of the core's server certificate.
    pub trusted: Vec<CertificateDer<'static>>,
    /// CA expected to sign issued invoker certificates.
    pub invoker_ca: Vec<CertificateDer<'static>>,
    /// Where valid credentials come from.
    pub credential: CredentialSource,
    /// The PKI whose enrolment key the core trusts, when it does.
    pub harness_pki: Option<TestPki>,
    /// The key the harness generates as the invoker (PIXIT).
    pub invoker_key: KeyKind,
    /// How `apiInvokerPublicKey` carries it (PIXIT).
    pub invoker_key_format: KeyFormat,
    /// Who the harness says it is, one identity per onboarding (PIXIT templates).
    pub identities: Arc<crate::pki::IdentityIssuer>,
    /// PICS.
    pub capabilities: CoreCapabilities,
    /// Phase timeouts.
    pub timeouts: Timeouts,
    /// NSS key log for Wireshark.
    pub keylog: Option<Arc<dyn KeyLog>>,
    /// The core's own token key (`credential_signing_key`), to mint credentials with.
    pub signing_key: Option<SigningKey>,
    /// Reuse a fetched credential while it is valid (`reuse_credential`, default true).
    pub reuse_credential: bool,
    /// PIXIT: where the harness receives OnboardingNotifications (asynchronous onboarding).
    pub notifications: Option<NotificationsConfig>,
    /// What every scenario of the run shares: the controls, the minter, the credential.
    pub shared: Arc<RunShared>,
}

/// `credential_signing_key` and its algorithm.
#[derive(Debug, Clone)]
pub struct SigningKey {
    /// The PEM private key.
    pub pem: Vec<u8>,
    /// RS256, PS256 or ES256.
    pub alg: String,
    /// Where it was read from.
    pub path: std::path::PathBuf,
}

/// State one run's scenarios share with each other (made once, on first use).
#[derive(Debug, Default)]
pub struct RunShared {
    /// The positive control with a valid credential from the credential source.
    control: tokio::sync::OnceCell<ControlAttempt>,
    /// The positive control with a valid credential minted by the harness.
    minted_control: tokio::sync::OnceCell<ControlAttempt>,
    /// What mints credentials (None: the harness cannot).
    minter: tokio::sync::OnceCell<Option<Minter>>,
    /// The last valid credential fetched, and its `exp` (None: not a JWT with `exp`).
    credential: tokio::sync::Mutex<Option<(String, Option<i64>)>>,
    /// The TLS 1.2 suites the core accepts, enumerated once per run (CCF-TLS-08/09).
    tls12: tokio::sync::OnceCell<Result<super::tls_enumeration::Enumeration, String>>,
    /// The notification receiver, started on first need.
    receiver: tokio::sync::OnceCell<Result<Arc<Receiver>, String>>,
    /// The impostor receiver (CCF-OK-10), started on first need.
    pub(super) impostor:
        tokio::sync::OnceCell<Result<Arc<crate::net::impostor_receiver::Impostor>, String>>,
    /// Held while a scenario presents certificates on the impostor.
    pub(super) impostor_turn: tokio::sync::Mutex<()>,
}

/// A fetched credential is reused until this many seconds before its `exp`.
const CREDENTIAL_MARGIN_SECS: i64 = 60;

impl std::fmt::Debug for CoreTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreTarget")
            .field("url", &self.url.as_str())
            .finish_non_exhaustive()
    }
}

impl CoreTarget {
    /// A target from a validated `[core]` section.
    pub fn from_config(c: &CoreConfig, timeouts: Timeouts) -> Self {
        let host = crate::net::url_host(&c.url);
        Self {
            port: c.url.port_or_known_default().unwrap_or(443),
            host,
            url: c.url.clone(),
            api_root: c.api_root.clone(),
            server_name: c.server_name.clone(),
            trusted: c.ca.clone(),
            invoker_ca: c.invoker_ca.clone(),
            credential: c.credential.clone(),
            harness_pki: c.harness_pki.clone(),
            invoker_key: c.invoker_key,
            invoker_key_format: c.invoker_key_format,
            identities: Arc::new(crate::pki::IdentityIssuer::new(c.identity.clone())),
            capabilities: c.capabilities.clone(),
            timeouts,
            keylog: None,
            signing_key: c.signing_key.clone(),
            reuse_credential: c.reuse_credential,
            notifications: c.notifications.clone(),
            shared: Default::default(),
        }
    }

    /// Every TLS 1.2 suite the core accepts, enumerated once per run and shared by the test
    /// purposes that judge them.
    pub async fn tls12_enumeration(&self) -> Result<super::tls_enumeration::Enumeration, String> {
        self.shared
            .tls12
            .get_or_init(|| async {
                super::tls_enumeration::enumerate_tls12(
                    &self.host,
                    self.port,
                    &self.server_name,
                    &self.timeouts,
                )
                .await
                .map_err(|e| e.to_string())
            })
            .await
            .clone()
    }

    /// `{apiRoot}` without a trailing slash: the PIXIT `api_root`, else `url`.
    pub fn api_root(&self) -> String {
        self.api_root
            .as_ref()
            .unwrap_or(&self.url)
            .as_str()
            .trim_end_matches('/')
            .to_string()
    }

    /// The request target of the onboarding collection.
    pub fn onboarding_target(&self) -> String {
        format!("{}{ONBOARDING_PATH}", self.url.path().trim_end_matches('/'))
    }

    /// The client config an invoker uses: the provisioned roots, TLS 1.2/1.3, optional
    /// client certificate.
    /// Fails when `client` is inconsistent (an issued certificate for another key).
    pub fn client_config(
        &self,
        client: Option<&Identity>,
    ) -> Result<Arc<ClientConfig>, rustls::Error> {
        let cfg = client_config(&self.trusted, client, TLS_VERSIONS)?;
        Ok(match &self.keylog {
            Some(k) => {
                let mut c = (*cfg).clone();
                c.key_log = k.clone();
                Arc::new(c)
            }
            None => cfg,
        })
    }

    /// Open a TLS session to the core offering only `versions` (no client certificate).
    pub async fn connect_offering(
        &self,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> Result<HttpsSession, PhaseError> {
        self.connect_offering_with(crate::net::provider(), versions)
            .await
    }

    /// Open a TLS session offering only `versions` and what the provider `p` holds (cipher
    /// suites, key-exchange groups): the mandatory-to-implement handshakes.
    pub async fn connect_offering_with(
        &self,
        p: std::sync::Arc<rustls::crypto::CryptoProvider>,
        versions: &[&'static rustls::SupportedProtocolVersion],
    ) -> Result<HttpsSession, PhaseError> {
        let name =
            ServerName::try_from(self.server_name.clone()).map_err(|e| PhaseError::Protocol {
                phase: Phase::Connect,
                reason: format!("server name {:?}: {e}", self.server_name),
            })?;
        let config =
            crate::net::client_config_with(p, &self.trusted, None, versions).map_err(|e| {
                PhaseError::Protocol {
                    phase: Phase::Handshake,
                    reason: e.to_string(),
                }
            })?;
        HttpsSession::connect(&self.host, self.port, name, config, &self.timeouts).await
    }

    /// Open a TLS session to the core.
    pub async fn connect(&self, client: Option<&Identity>) -> Result<HttpsSession, PhaseError> {
        let name =
            ServerName::try_from(self.server_name.clone()).map_err(|e| PhaseError::Protocol {
                phase: Phase::Connect,
                reason: format!("server name {:?}: {e}", self.server_name),
            })?;
        let config = self
            .client_config(client)
            .map_err(|e| PhaseError::Protocol {
                phase: Phase::Handshake,
                reason: format!(
                    "the client certificate cannot be used with the invoker's key: {e}"
                ),
            })?;
        HttpsSession::connect(&self.host, self.port, name, config, &self.timeouts).await
    }

    /// The Authorization header value for `choice` (fetching a fresh credential if needed).
    pub async fn authorization(&self, choice: &CredentialChoice) -> Result<Option<String>, String> {
        Ok(match choice {
            CredentialChoice::Absent => None,
            CredentialChoice::Valid => Some(format!("Bearer {}", self.valid_credential().await?)),
            CredentialChoice::Bearer(t) => Some(format!("Bearer {t}")),
            CredentialChoice::Header(h) => Some(h.clone()),
        })
    }

    /// One complete session: connect, send `method target` with `authorization` and `body`,
    /// read the response, observe the teardown. `client` presents a certificate (mutual TLS).
    pub async fn attempt(
        &self,
        method: &str,
        target: &str,
        authorization: Option<String>,
        body: Option<RequestBody>,
        client: Option<&Identity>,
    ) -> Attempt {
        let mut request = HttpRequest::new(method, target)
            .header("Accept", "application/json, application/problem+json");
        if let Some(a) = authorization {
            request.headers.push(("Authorization".into(), a));
        }
        match body {
            Some(RequestBody::Json(v)) => request = request.json(&v),
            Some(RequestBody::Raw {
                content_type,
                bytes,
            }) => {
                if let Some(ct) = content_type {
                    request.headers.push(("Content-Type".into(), ct));
                }
                request.body = bytes;
            }
            Some(RequestBody::Reframed {
                content_type,
                bytes,
                framing,
            }) => {
                if let Some(ct) = content_type {
                    request.headers.push(("Content-Type".into(), ct));
                }
                request.body = bytes;
                for f in framing {
                    f.apply(&mut request);
                }
            }
            None => {}
        }
        let mut attempt = Attempt {
            tls: None,
            request: None,
            response: None,
            error: None,
            end: None,
            after_harness_close: None,
            timings: Timings::default(),
            notification: None,
        };
        let started = Instant::now();
        let mut session = match self.connect(client).await {
            Ok(s) => s,
            Err(e) => {
                attempt.error = Some(e);
                return attempt;
            }
        };
        attempt.timings.handshake = Some(started.elapsed().as_millis() as u64);
        attempt.tls = Some(session.tls.clone());
        let sent = Instant::now();
        let result = session.exchange(&request).await;
        attempt.request = Some(request);
        attempt.timings.response = Some(sent.elapsed().as_millis() as u64);
        match result {
            Ok(r) => attempt.response = Some(r),
            Err(e) => {
                attempt.error = Some(e);
                session.close().await;
                return attempt;
            }
        }
        let waited = Instant::now();
        let end = session
            .observe_teardown(attempt.announced_close(), &self.teardown_probe())
            .await;
        attempt.timings.teardown = Some(waited.elapsed().as_millis() as u64);
        if !end.ended() && self.capabilities.teardown == TeardownPolicy::Either {
            // The invoker may end the session: send close_notify and see that the core
            // serves nothing more on it.
            attempt.after_harness_close = Some(session.close_and_observe().await);
        } else {
            session.close().await;
        }
        attempt.end = Some(end);
        attempt
    }

    /// The harmless second request that tells a session kept alive from one torn down: a
    /// GET of the onboarding collection (TS 29.222 defines no GET there, so it changes
    /// nothing and carries no credential).
    fn teardown_probe(&self) -> HttpRequest {
        HttpRequest::new("GET", &self.onboarding_target())
            .header("Accept", "application/json, application/problem+json")
    }

    /// A valid credential from the credential source, reused while it is valid (a real
    /// register serialises token requests: one fetch per scenario made a slow core slower
    /// and, at high concurrency, timed out). Fetches are serialised by the lock.
    pub async fn valid_credential(&self) -> Result<String, String> {
        let mut cached = self.shared.credential.lock().await;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        if self.reuse_credential {
            if let Some((token, exp)) = cached.as_ref() {
                if exp.is_none_or(|e| now < e - CREDENTIAL_MARGIN_SECS) {
                    return Ok(token.clone());
                }
            }
        }
        let token = self.credential.fetch(&self.timeouts).await?;
        // A credential goes into a header: CR/LF in it would inject headers (and smuggle a
        // second request), so a source that produces one is refused.
        if token.bytes().any(|b| b.is_ascii_control()) {
            return Err(format!(
                "the credential from {} contains control characters (CR/LF would inject HTTP headers); it is not sent",
                self.credential.describe()
            ));
        }
        crate::evidence::register_secret(&token);
        let exp = jwt_claims(&token).and_then(|c| c.get("exp").and_then(|e| e.as_i64()));
        *cached = Some((token.clone(), exp));
        Ok(token)
    }

    /// The core a configuration describes, ready to be reached: [`Self::from_config`], then
    /// its roots from the register where it says `ca = "enrolment"` (what was adopted is the
    /// second value, for the report). Every command that talks to a configured core starts
    /// here (`run`, `load`, `fuzz`), so none forgets the trust on first use.
    pub async fn configured(
        core: &CoreConfig,
        timeouts: Timeouts,
    ) -> Result<(Self, Option<String>), String> {
        let mut t = Self::from_config(core, timeouts);
        if !(core.ca_from_enrolment || core.invoker_ca_from_enrolment) {
            return Ok((t, None));
        }
        let note = t
            .trust_enrolment_ca(core.ca_from_enrolment, core.invoker_ca_from_enrolment)
            .await
            .map_err(|e| format!("[core] ca = \"enrolment\": {e}"))?;
        Ok((t, Some(note)))
    }

    /// `ca = "enrolment"` / `invoker_ca = "enrolment"`: fetch the register's answer once and
    /// trust its `ca_root` (trust on first use: the register's own certificate was verified
    /// against `[core.enrolment].ca`). Its credential is kept for reuse. Returns what was
    /// adopted, for the report.
    pub async fn trust_enrolment_ca(
        &mut self,
        for_core: bool,
        for_invoker: bool,
    ) -> Result<String, String> {
        let answer = self.credential.getauth(&self.timeouts).await?;
        let pem = answer.ca_root.clone().ok_or_else(|| {
            "the register's /getauth answer has no ca_root: set [core].ca to a PEM file instead of \"enrolment\"".to_string()
        })?;
        let certs = crate::pki::pem_certificates(&pem);
        if certs.is_empty() {
            return Err("the register's ca_root holds no PEM certificate".into());
        }
        if for_core {
            self.trusted = certs.clone();
        }
        if for_invoker {
            self.invoker_ca = certs.clone();
        }
        let exp = jwt_claims(&answer.token).and_then(|c| c.get("exp").and_then(|e| e.as_i64()));
        *self.shared.credential.lock().await = Some((answer.token, exp));
        Ok(format!(
            "{} taken from the register's /getauth ca_root ({} certificate(s), SHA-256 {}): trust on first use",
            match (for_core, for_invoker) {
                (true, true) => "the core's root CA and the invoker CA",
                (true, false) => "the core's root CA",
                _ => "the invoker CA",
            },
            certs.len(),
            certs
                .iter()
                .map(|c| crate::pki::sha256_fingerprint(c))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    }

    /// What mints credentials the core accepts: the test PKI's enrolment key, or the core's
    /// own key with the provisioned credential's claims. None: the harness cannot mint.
    pub async fn minter(&self) -> Result<Option<Minter>, String> {
        self.shared
            .minter
            .get_or_try_init(|| async {
                if let Some(pki) = &self.harness_pki {
                    return Ok(Some(Minter::harness(pki)));
                }
                let Some(key) = &self.signing_key else {
                    return Ok(None);
                };
                let provisioned = self.valid_credential().await?;
                Minter::from_pem(&key.pem, &key.alg, &provisioned)
                    .map(Some)
                    .map_err(|e| format!("credential_signing_key {}: {e}", key.path.display()))
            })
            .await
            .cloned()
    }

    /// The control for `need`: a valid onboarding with a fresh key, made once per run (the
    /// minted one only for [`Need::MintedCredentialAccepted`]).
    pub async fn control(&self, need: Need) -> Result<ControlAttempt, String> {
        let (cell, label, credential) = if need == Need::MintedCredentialAccepted {
            let Some(minter) = self.minter().await? else {
                return Err("no key to mint credentials with".into());
            };
            (
                &self.shared.minted_control,
                "control: a valid onboarding request with a credential minted by the harness",
                CredentialChoice::Bearer(minter.mint(0, 600)),
            )
        } else {
            (
                &self.shared.control,
                "control: a valid onboarding request",
                CredentialChoice::Valid,
            )
        };
        cell.get_or_try_init(|| async {
            let key = InvokerKey::generate_off_thread(self.invoker_key).await;
            let who = self.identities.next();
            let body = enrolment_request(
                &key.public_key_field(self.invoker_key_format, &who),
                &who.information,
            );
            let attempt = self.onboard(&credential, RequestBody::Json(body)).await?;
            if attempt.unreachable() {
                return Err(format!(
                    "the core is not reachable at {} ({}); check [core].url and that the core is running",
                    self.url,
                    attempt.error.as_ref().map(|e| e.to_string()).unwrap_or_default()
                ));
            }
            Ok(ControlAttempt {
                label,
                attempt: std::sync::Arc::new(attempt),
            })
        })
        .await
        .cloned()
    }

    /// An onboarding POST with `credential` and `body`.
    pub async fn onboard(
        &self,
        credential: &CredentialChoice,
        body: RequestBody,
    ) -> Result<Attempt, String> {
        let auth = self.authorization(credential).await?;
        let mut body = body;
        // With a receiver, the harness's own destination becomes one of this request's.
        let receiver = self.receiver().await?;
        let destination = match (&receiver, &mut body) {
            (Some(r), RequestBody::Json(v))
                if v.get("notificationDestination")
                    == Some(&Value::from(NOTIFICATION_DESTINATION)) =>
            {
                let d = r.destination();
                v["notificationDestination"] = Value::from(d.clone());
                Some(d)
            }
            _ => None,
        };
        let mut attempt = self
            .attempt("POST", &self.onboarding_target(), auth, Some(body), None)
            .await;
        let accepted = attempt.response.as_ref().is_some_and(|r| r.status == 202);
        if let (Some(r), Some(destination), true) = (receiver, destination, accepted) {
            let within = self
                .notifications
                .as_ref()
                .map(|n| n.within)
                .unwrap_or_default();
            attempt.notification = Some(match r.wait_for(&destination, within).await {
                Some(got) => Notified::Received(got),
                None => Notified::Missing {
                    cleartext: r.cleartext_for(&destination),
                    destination,
                    within,
                },
            });
        }
        Ok(attempt)
    }

    /// The run's notification receiver, when the core declares asynchronous onboarding and
    /// `[core.notifications]` is configured (started on first need).
    pub(super) async fn receiver(&self) -> Result<Option<Arc<Receiver>>, String> {
        let Some(n) = self
            .notifications
            .as_ref()
            .filter(|_| self.capabilities.asynchronous_onboarding)
        else {
            return Ok(None);
        };
        self.shared
            .receiver
            .get_or_init(|| async {
                Receiver::start(&n.identity, n.listen, n.url.as_ref())
                    .await
                    .map(Arc::new)
                    .map_err(|e| {
                        format!("[core.notifications]: cannot listen on {}: {e}", n.listen)
                    })
            })
            .await
            .clone()
            .map(Some)
    }
}
