//! One onboarding attempt against a core under test, as the harness observed it: which
//! credential and body it sent, the session, the answer, the teardown and (after a 202) the
//! notification.

use crate::evidence::{Exchange, MessageEvidence, Timings, TlsEvidence};
use crate::net::{HttpRequest, HttpResponse, Phase, PhaseError, SessionEnd, TlsSummary};
use crate::sut::notifications::Notified;
use serde_json::Value;

/// Which Authorization header to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialChoice {
    /// `Bearer <a fresh valid credential>`.
    Valid,
    /// No Authorization header.
    Absent,
    /// `Bearer <this token>`.
    Bearer(String),
    /// This exact header value.
    Header(String),
}

/// The request body to send.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    /// JSON with `Content-Type: application/json`.
    Json(Value),
    /// Raw bytes with this content type (None: no Content-Type header).
    Raw {
        /// The Content-Type header.
        content_type: Option<String>,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// [`Raw`](Self::Raw), the request then framed otherwise (`fuzz`).
    Reframed {
        /// The Content-Type header.
        content_type: Option<String>,
        /// The bytes.
        bytes: Vec<u8>,
        /// Applied in order to the finished request.
        framing: Vec<crate::net::Framing>,
    },
}

/// A positive control's onboarding, made once per run and shared by every scenario that
/// needs it; `checks::Control` judges it.
#[derive(Debug, Clone)]
pub struct ControlAttempt {
    /// What the evidence calls it.
    pub label: &'static str,
    /// What was observed.
    pub attempt: std::sync::Arc<Attempt>,
}

/// One onboarding attempt: a session, one request, the response, the teardown.
#[derive(Debug)]
pub struct Attempt {
    /// TLS parameters, when the handshake completed.
    pub tls: Option<TlsSummary>,
    /// The request as sent.
    pub request: Option<HttpRequest>,
    /// The response, when one arrived.
    pub response: Option<HttpResponse>,
    /// The failure, when the attempt broke.
    pub error: Option<PhaseError>,
    /// How the core ended the session after the response.
    pub end: Option<SessionEnd>,
    /// With teardown "either", what the core did after the harness's close_notify.
    pub after_harness_close: Option<SessionEnd>,
    /// Per-phase timings.
    pub timings: Timings,
    /// After a 202 with a notification receiver: the OnboardingNotification, or its absence.
    pub notification: Option<Notified>,
}

impl Attempt {
    /// The onboarding result a 202 was completed with, shaped as the 201 it stands for: the
    /// notification's `apiInvokerEnrolmentDetails` as the body, its `resourceLocation` as
    /// Location, status 202 kept (so no check takes it for a 201). None without a usable
    /// successful notification (CCF-OK-09 judges that).
    pub fn onboarding_result(&self) -> Option<HttpResponse> {
        let Some(Notified::Received(r)) = &self.notification else {
            return None;
        };
        let v: Value = serde_json::from_slice(&r.body).ok()?;
        if v.get("result") != Some(&Value::Bool(true)) {
            return None;
        }
        let details = v.get("apiInvokerEnrolmentDetails")?;
        let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        if let Some(l) = v.get("resourceLocation").and_then(Value::as_str) {
            headers.push(("Location".into(), l.to_string()));
        }
        Some(HttpResponse {
            status: 202,
            headers,
            body: serde_json::to_vec(details).ok()?.into(),
        })
    }

    /// The notification as evidence (None when no 202 awaited one).
    pub fn notification_evidence(&self, label: &str) -> Option<Exchange> {
        let n = self.notification.as_ref()?;
        let (request, error) = match n {
            Notified::Received(r) => (Some(MessageEvidence::request(&r.as_request())), None),
            Notified::Missing {
                destination,
                within,
                cleartext,
            } => (
                None,
                Some(format!(
                    "no OnboardingNotification arrived over TLS at {destination} within {}{}",
                    crate::net::humantime(*within),
                    cleartext
                        .iter()
                        .map(|c| format!("; refused at +{} ms, in clear: {}", c.at_ms, c.line))
                        .collect::<String>()
                )),
            ),
        };
        Some(Exchange {
            label: format!("OnboardingNotification completing the 202 of: {label}"),
            tls: None,
            request,
            response: None,
            error,
            session_end: None,
            after_harness_close: None,
            timings_ms: Timings::default(),
        })
    }

    /// Evidence for the report.
    pub fn evidence(&self, label: &str) -> Exchange {
        Exchange {
            label: label.to_string(),
            tls: self.tls.as_ref().map(TlsEvidence::from),
            request: self.request.as_ref().map(MessageEvidence::request),
            response: self.response.as_ref().map(MessageEvidence::response),
            error: self.error.as_ref().map(|e| e.to_string()),
            session_end: self.end.clone(),
            after_harness_close: self.after_harness_close.clone(),
            timings_ms: self.timings.clone(),
        }
    }

    /// Whether the response announced `Connection: close`.
    pub fn announced_close(&self) -> bool {
        self.response
            .as_ref()
            .is_some_and(HttpResponse::announces_close)
    }

    /// Whether the core could not be reached at all (a harness-side problem, not a verdict).
    pub fn unreachable(&self) -> bool {
        matches!(&self.error, Some(e) if e.phase() == Phase::Connect)
    }
}
