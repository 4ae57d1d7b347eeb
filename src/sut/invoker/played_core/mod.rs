//! The harness-played CAPIF core: a fresh TLS server per scenario whose behaviour the scenario
//! scripts (which certificate it presents, how it answers), recording everything the invoker
//! under test did: its ClientHello, the handshake outcome and any alert it sent, every HTTP
//! request, and how and when it ended the session.

mod answer;
pub mod downgrade;
pub mod legacy;
pub(crate) mod register;
mod session;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

pub use crate::net::client_hello::{parse_client_hello, suite_name, version_name, ClientHelloInfo};
pub use downgrade::{offers_tls13, DOWNGRADE_SENTINEL};
pub use legacy::LegacyReply;
pub use register::{RegisterObservation, RegisterRequest, RegisterScript, RegisterSession};
pub use session::{Handshake, ObservedRequest, SessionObservation};

impl PlayedCore {
    /// Milliseconds since the played core started (the clock of `accepted_ms`).
    pub fn elapsed_ms(&self) -> u64 {
        self.shared.started.elapsed().as_millis() as u64
    }

    /// The onboardings granted so far.
    pub fn granted(&self) -> Vec<Granted> {
        self.shared.granted.lock().expect("lock").clone()
    }
}

use crate::net::Timeouts;
use crate::peers::core::{EnrolmentLogin, RegisterStyle};
use crate::pki::{Identity, ServerVariant, TestPki};

/// Which certificate the played core presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Presents {
    /// The good server certificate under the provisioned root.
    Good,
    /// A defective certificate.
    Bad(ServerVariant),
    /// No TLS at all: the listener speaks HTTP in clear.
    Cleartext,
    /// Accepts the TCP connection and never sends a byte: the handshake never completes.
    Silent,
}

/// How the played core answers an onboarding request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Answers {
    /// Strictly, like the reference core: 201 with id and certificate for a valid request.
    Onboard,
    /// 401 with a ProblemDetails, whatever the request.
    RejectCredential,
    /// 201 whose body lacks apiInvokerId.
    CreatedWithoutId,
    /// 201 whose body lacks the certificate.
    CreatedWithoutCertificate,
    /// A 201 whose id or certificate is present but unusable.
    CreatedWith(Unusable),
    /// This success-looking status instead of 201 (200 and 202 with the full body, 204
    /// without one).
    Status(u16),
    /// Never: the request is read and no byte of an answer is sent.
    Never,
    /// 202 Accepted without a body (asynchronous onboarding, TS 29.222 §8.4.2.2.3.1), then
    /// this OnboardingNotification to the request's notificationDestination.
    Accepted(Notify),
}

/// What follows the played core's 202.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notify {
    /// `result: true` with the created invoker (id, certificate) and its resourceLocation.
    Success,
    /// `result: false`.
    Failure,
    /// No notification at all.
    Never,
    /// `result: true` with enrolment details whose id or certificate is unusable.
    SuccessWith(Unusable),
    /// First a forged `result: false` POSTed to a path on the same receiver that the invoker
    /// did not name, then the real `result: true` to its notificationDestination.
    SuccessAfterForgery,
}

impl Notify {
    /// The result this notification carries to the invoker's destination.
    pub fn result(self) -> bool {
        matches!(
            self,
            Notify::Success | Notify::SuccessWith(_) | Notify::SuccessAfterForgery
        )
    }
}

/// An OnboardingNotification the played core sent (or tried to).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentNotification {
    /// The request's notificationDestination.
    pub destination: String,
    /// Its `result`.
    pub result: bool,
    /// The apiInvokerId it notified (with `result: true`).
    pub api_invoker_id: Option<String>,
    /// The receiver's HTTP status, or why it could not be delivered.
    pub delivered: Result<u16, String>,
    /// When, ms since the played core started.
    pub sent_ms: u64,
    /// With [`Notify::SuccessAfterForgery`]: where the forged `result: false` went (a path
    /// the invoker did not name) and the receiver's answer to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forged: Option<(String, Result<u16, String>)>,
}

/// What is wrong with the id or certificate of a scripted 201.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unusable {
    /// `apiInvokerId: ""`.
    EmptyId,
    /// `apiInvokerCertificate: ""`.
    EmptyCertificate,
    /// A string that is not PEM.
    NotPem,
    /// A PEM block that is no certificate.
    Unparsable,
    /// A valid certificate for a key the invoker did not send.
    OtherKey,
    /// A certificate from a CA the invoker was not provisioned with.
    OtherCa,
    /// A certificate whose validity has ended.
    Expired,
    /// A certificate for serverAuth only: not usable for the mutual TLS it is issued for.
    WrongUsage,
}

impl Unusable {
    /// The Gherkin phrase for it ("an empty apiInvokerId", ...).
    pub fn phrase(self) -> &'static str {
        match self {
            Unusable::EmptyId => "an empty apiInvokerId",
            Unusable::EmptyCertificate => "an empty certificate",
            Unusable::NotPem => "a certificate that is not PEM",
            Unusable::Unparsable => "an unparsable certificate",
            Unusable::OtherKey => "a certificate for another key",
            Unusable::OtherCa => "a certificate from another CA",
            Unusable::Expired => "an expired certificate",
            Unusable::WrongUsage => "a certificate not for clientAuth",
        }
    }

    /// Every defect, in the order of the Gherkin phrases.
    pub const ALL: [Unusable; 8] = [
        Unusable::EmptyId,
        Unusable::EmptyCertificate,
        Unusable::NotPem,
        Unusable::Unparsable,
        Unusable::OtherKey,
        Unusable::OtherCa,
        Unusable::Expired,
        Unusable::WrongUsage,
    ];
}

impl std::str::FromStr for Unusable {
    type Err = String;
    /// The phrases of the Gherkin steps ("an empty apiInvokerId", ...).
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|u| u.phrase() == s)
            .ok_or_else(|| format!("unknown defect of a 201: {s:?}"))
    }
}

/// How the played core answers the offboarding DELETE (TS 33.122 §6.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Offboard {
    /// Strictly, like the reference core: 204 for a DELETE of a granted invoker's resource
    /// over mutual TLS with the certificate issued to it; 403 otherwise, 404 for another path.
    Strict,
    /// This error status (403, 404) whatever the request.
    Status(u16),
}

/// The script of one scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Script {
    /// The certificate presented.
    pub presents: Presents,
    /// The answer to an onboarding request.
    pub answers: Answers,
    /// Tell the invoker the core's DNS name (`localhost`) instead of its IP address, so name
    /// checking and SNI are by DNS name.
    pub by_name: bool,
    /// How the register presents itself (with `[invoker.enrolment]`).
    pub register: RegisterScript,
    /// Offboarding scenarios: the invoker is run a second time to offboard
    /// (`CAPIF_ACTION=offboard`), and the played core answers its DELETE so.
    pub offboard: Option<Offboard>,
    /// Speak only this TLS version (INV-TLS-10: each of TLS 1.2 and 1.3 "shall be
    /// supported", tested by a core that speaks only one); None: both.
    pub only_version: Option<crate::net::TlsVersion>,
    /// INV-TLS-16: answer a ClientHello offering TLS 1.3 with a hand-built TLS 1.2 flight,
    /// with the downgrade sentinel (true) or without it (false, the control).
    pub downgrade: Option<bool>,
    /// INV-TLS-21/22: speak TLS 1.3 with only these parameters.
    pub restricted: Option<Restriction>,
    /// INV-TLS-24: answer a ClientHello offering TLS 1.2 with a hand-built TLS 1.2 flight
    /// whose ServerHello acknowledges renegotiation_info (true, the control) or not (false).
    pub renegotiation_ack: Option<bool>,
}

/// A TLS 1.3 played core that offers one suite or group only, to see that the invoker
/// implements it (what a ClientHello offers says nothing of what completes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Restriction {
    /// TLS_AES_128_GCM_SHA256 with key exchange secp256r1 only, an ECDSA P-256 certificate
    /// (RFC 8446 §9.1's mandatory-to-implement suite, group and signature scheme).
    Tls13Mti,
    /// Key exchange secp384r1 only (TS 33.210 §6.2.2: "should be supported").
    Secp384r1Only,
}

impl Restriction {
    /// What the core offered, for reasons.
    pub fn phrase(self) -> &'static str {
        match self {
            Restriction::Tls13Mti => {
                "TLS 1.3 with only TLS_AES_128_GCM_SHA256 and key exchange secp256r1"
            }
            Restriction::Secp384r1Only => "TLS 1.3 with key exchange secp384r1 only",
        }
    }

    /// The provider the played core uses for it.
    pub fn provider(self) -> std::sync::Arc<rustls::crypto::CryptoProvider> {
        match self {
            Restriction::Tls13Mti => crate::net::provider_with(
                &[rustls::CipherSuite::TLS13_AES_128_GCM_SHA256],
                &[rustls::NamedGroup::secp256r1],
            ),
            Restriction::Secp384r1Only => {
                crate::net::provider_with(&[], &[rustls::NamedGroup::secp384r1])
            }
        }
    }
}

/// The DNS name the played core is addressed by with [`Script::by_name`]: it resolves to
/// loopback and is in the played core's certificate.
pub const CORE_DNS_NAME: &str = "localhost";

impl Script {
    /// What this script does wrong, for reasons: the defect of the certificate presented, or
    /// of the answer (empty for a conformant script).
    pub fn defect(&self) -> String {
        if let Presents::Bad(v) = self.presents {
            return v.defect().to_string();
        }
        match self.answers {
            Answers::CreatedWithoutId => "a 201 without apiInvokerId".into(),
            Answers::CreatedWithoutCertificate => "a 201 without the certificate".into(),
            Answers::CreatedWith(u) => format!("a 201 with {}", u.phrase()),
            Answers::Accepted(Notify::SuccessWith(u)) => {
                format!("a 202 whose OnboardingNotification carries {}", u.phrase())
            }
            Answers::Status(status) => format!("{status} instead of 201 Created"),
            _ => String::new(),
        }
    }

    /// The defect of the id or certificate the played core issues under this script (a 201
    /// with it, or a 202 whose notification carries it).
    pub fn unusable(&self) -> Option<Unusable> {
        match self.answers {
            Answers::CreatedWith(u) | Answers::Accepted(Notify::SuccessWith(u)) => Some(u),
            _ => None,
        }
    }

    /// Whether the core under this script never completes the onboarding (the invoker must
    /// give up): silent handshake, unanswered request, or a 202 never notified (also the
    /// scripted `Status(202)`: an invoker waiting for its notification is right to).
    pub fn is_silent(&self) -> bool {
        self.presents == Presents::Silent
            || matches!(
                self.answers,
                Answers::Never | Answers::Accepted(Notify::Never) | Answers::Status(202)
            )
    }
}

impl Default for Script {
    /// A conformant core: the good certificate, strict onboarding.
    fn default() -> Self {
        Script {
            presents: Presents::Good,
            answers: Answers::Onboard,
            by_name: false,
            register: RegisterScript::AsDeclared,
            offboard: None,
            only_version: None,
            restricted: None,
            renegotiation_ack: None,
            downgrade: None,
        }
    }
}

/// An onboarding the played core granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Granted {
    /// The id it assigned.
    pub api_invoker_id: String,
    /// The certificate it issued (PEM).
    pub certificate_pem: String,
    /// Its resource, as the Location of the 201 named it.
    pub location: String,
}

/// A generated answer to the onboarding request (`fuzz --sut invoker`): the 201 the script
/// gives (its certificate already chosen by [`Answers::CreatedWith`]), changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rewrite {
    /// Another status instead of 201 (a 204 carries no body).
    pub status: Option<u16>,
    /// Edits of the body, in order: a JSON pointer, and its new value (None: removed).
    pub edits: Vec<(String, Option<serde_json::Value>)>,
    /// These bytes instead of the JSON body.
    pub raw_body: Option<Vec<u8>>,
}

/// Shared state of a played core.
pub(crate) struct Shared {
    pub pki: TestPki,
    pub identity: Option<Identity>,
    pub script: Script,
    /// With a generated answer: how the 201 is changed.
    pub rewrite: Option<Rewrite>,
    pub api_root: Mutex<String>,
    pub timeouts: Timeouts,
    pub started: Instant,
    pub sessions: Mutex<Vec<SessionObservation>>,
    pub granted: Mutex<Vec<Granted>>,
    /// The notification the latest 202 owes, taken by the session once the 202 is written.
    pub pending: Mutex<Option<answer::Pending>>,
    pub notifications: Mutex<Vec<SentNotification>>,
    pub unrecorded: std::sync::atomic::AtomicUsize,
    /// Changes when the played core stops: a silent session waits for the invoker's close or
    /// for this.
    pub stopped: watch::Receiver<bool>,
}

/// A running played core (and, with enrolment, its separate register listener).
pub struct PlayedCore {
    /// `https://127.0.0.1:PORT`, the apiRoot given to the invoker.
    pub url: String,
    /// Its address.
    pub addr: SocketAddr,
    /// The register's base URL, when enrolment is served.
    pub register_url: Option<String>,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    register: Option<register::PlayedRegister>,
}

/// What the played core observed, once stopped.
#[derive(Debug, Clone, Default)]
pub struct Observations {
    /// One entry per TCP connection to the core, in order of arrival.
    pub sessions: Vec<SessionObservation>,
    /// Onboardings granted.
    pub granted: Vec<Granted>,
    /// Connections beyond [`MAX_SESSIONS`], closed at once and not recorded.
    pub unrecorded: usize,
    /// What the register saw (with `[invoker.enrolment]`).
    pub register: Option<RegisterObservation>,
    /// The OnboardingNotifications sent after a 202.
    pub notifications: Vec<SentNotification>,
}

/// Connections recorded per scenario at most: an invoker opening connections in a loop must
/// not drive the harness's memory (and the report) without bound.
pub const MAX_SESSIONS: usize = 32;

impl PlayedCore {
    /// Start a played core for `script`; it accepts credentials signed by `pki`'s enrolment key.
    /// With `enrolment`, a register of that style is started beside it.
    pub async fn start(
        pki: &TestPki,
        script: Script,
        enrolment: Option<(&EnrolmentLogin, RegisterStyle)>,
        timeouts: Timeouts,
    ) -> std::io::Result<Self> {
        Self::start_rewriting(pki, script, None, enrolment, timeouts).await
    }

    /// [`start`](Self::start), answering the onboarding request with the script's 201
    /// changed by `rewrite`.
    pub async fn start_rewriting(
        pki: &TestPki,
        script: Script,
        rewrite: Option<Rewrite>,
        enrolment: Option<(&EnrolmentLogin, RegisterStyle)>,
        timeouts: Timeouts,
    ) -> std::io::Result<Self> {
        // Under the rogue-register script the attacker's PKI replaces ours for the core's
        // certificate too: an invoker that took the rogue ca_root then trusts that core.
        let rogue = match (enrolment, script.register) {
            (Some(_), RegisterScript::RogueCa) => {
                Some(TestPki::generate(&pki.hosts).map_err(std::io::Error::other)?)
            }
            _ => None,
        };
        let presented = rogue.as_ref().unwrap_or(pki);
        let identity = match script.presents {
            Presents::Good => Some(presented.core.clone()),
            Presents::Bad(v) => {
                Some(Identity::bad_server(&pki.ca, v, &pki.hosts).map_err(std::io::Error::other)?)
            }
            Presents::Cleartext | Presents::Silent => None,
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        // The invoker is always told https://: with the cleartext script it believes it
        // talks TLS to a listener that does not.
        let url = format!("https://127.0.0.1:{}", addr.port());
        let (stop, stopped) = watch::channel(false);
        let shared = Arc::new(Shared {
            pki: pki.clone(),
            identity,
            script,
            rewrite,
            api_root: Mutex::new(format!("https://127.0.0.1:{}", addr.port())),
            timeouts,
            started: Instant::now(),
            sessions: Mutex::new(Vec::new()),
            granted: Mutex::new(Vec::new()),
            pending: Mutex::new(None),
            notifications: Mutex::new(Vec::new()),
            unrecorded: std::sync::atomic::AtomicUsize::new(0),
            stopped: stopped.clone(),
        });
        let tasks = vec![tokio::spawn(accept_loop(
            listener,
            shared.clone(),
            stopped.clone(),
        ))];
        let register = match enrolment {
            Some((login, style)) => {
                // A separate service (as in OpenCAPIF). Pre-provisioning is outside the
                // figure: only the enrolment scenarios make it misbehave.
                let tls = style == RegisterStyle::Opencapif
                    && script.register != RegisterScript::Cleartext;
                Some(
                    register::PlayedRegister::start(
                        login.clone(),
                        style,
                        script.register,
                        tls.then(|| presented.core.clone()),
                        presented.clone(),
                        stopped.clone(),
                    )
                    .await?,
                )
            }
            None => None,
        };
        Ok(Self {
            url,
            addr,
            register_url: register.as_ref().map(|r| r.url.clone()),
            shared,
            stop,
            tasks,
            register,
        })
    }

    /// Stop accepting, let open sessions finish their teardown observation, and return what
    /// was observed.
    pub async fn finish(self) -> Observations {
        let _ = self.stop.send(true);
        for t in self.tasks {
            let _ = t.await;
        }
        let register = match self.register {
            Some(r) => Some(r.finish().await),
            None => None,
        };
        let mut sessions = std::mem::take(&mut *self.shared.sessions.lock().expect("lock"));
        sessions.sort_by_key(|s| s.accepted_ms);
        Observations {
            sessions,
            granted: std::mem::take(&mut *self.shared.granted.lock().expect("lock")),
            notifications: std::mem::take(&mut *self.shared.notifications.lock().expect("lock")),
            unrecorded: self
                .shared
                .unrecorded
                .load(std::sync::atomic::Ordering::Relaxed),
            register,
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut sessions = JoinSet::new();
    let mut accepted_count = 0usize;
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                // Without it a response written in pieces waits for the invoker's delayed
                // ACK (40 ms on Linux) before its last piece leaves: every session's teardown
                // measured 40 ms longer than the invoker took.
                let _ = tcp.set_nodelay(true);
                accepted_count += 1;
                if accepted_count > MAX_SESSIONS {
                    // Counted, closed, not recorded.
                    shared.unrecorded.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    drop(tcp);
                    continue;
                }
                sessions.spawn(session::serve(tcp, shared.clone()));
            }
        }
    }
    drop(listener);
    // Each session bounds itself by the phase timeouts; this bound only guards against a bug.
    let t = shared.timeouts;
    let bound = t.handshake + t.response + t.teardown + Duration::from_secs(1);
    let drain = async {
        while let Some(Ok(obs)) = sessions.join_next().await {
            shared.sessions.lock().expect("lock").push(obs);
        }
    };
    if tokio::time::timeout(bound, drain).await.is_err() {
        sessions.abort_all();
    }
}
