//! Positive controls: before a test purpose judges a rejection (or anything after a success),
//! the run proves once that the core accepts a valid request from the harness. Every
//! scenario checks its preconditions ([`Need`]) against these shared controls; one that did
//! not hold makes the scenario inconclusive, naming the test purpose that judges it, so one
//! defect gives one failure.

use crate::catalogue::Need;
use crate::evidence::Exchange;
use crate::net::{describe_response as describe, HttpResponse, Phase};

use crate::sut::Attempt;

/// What one control onboarding observed.
#[derive(Debug, Clone)]
pub struct Control {
    /// Why no verified TLS session was had, if it was not.
    pub insecure: Option<String>,
    /// Why the core seems to demand a client certificate, if it does.
    pub client_certificate: Option<String>,
    /// The status of the answer to the valid request.
    pub status: Option<u16>,
    /// The answer, as reasons name it.
    pub answer: String,
    /// The exchange, shown in the evidence of every scenario it blocks.
    pub exchange: Exchange,
    /// After a 202 with a receiver: whether a usable OnboardingNotification completed it
    /// (Err: CCF-OK-09's reason why not). None: no notification was awaited.
    pub notified: Option<Result<(), String>>,
}

/// Whether a precondition held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holds {
    /// It held.
    Yes,
    /// It did not; why (with what was observed).
    No(String),
    /// The test purpose does not apply to what the core did (a declared 202).
    NotApplicable(String),
    /// It did not, and this test purpose (not the need's usual judge) says why.
    NoJudgedBy(&'static str, String),
}

impl Control {
    /// Judge a control attempt.
    pub fn from_attempt(label: &str, attempt: &Attempt) -> Self {
        let error = attempt.error.as_ref().map(|e| (e.phase(), e.to_string()));
        let cert_alert = attempt
            .error
            .as_ref()
            .is_some_and(crate::net::PhaseError::certificate_required);
        let insecure = match &error {
            Some((Phase::Handshake, e)) if !cert_alert => {
                Some(format!("no verified TLS session with the core: {e}"))
            }
            _ => None,
        };
        let client_certificate = if cert_alert {
            error.as_ref().map(|(_, e)| {
                format!("the core aborted the session without a client certificate: {e}")
            })
        } else {
            attempt
                .response
                .as_ref()
                .filter(|r| demands_client_certificate(r))
                .map(|r| format!("the core demands a client certificate: {}", describe(r)))
        };
        let answer = match (&attempt.response, &error) {
            (Some(r), _) => describe(r),
            (None, Some((_, e))) => format!("no answer ({e})"),
            (None, None) => "no answer".into(),
        };
        Self {
            insecure,
            client_certificate,
            status: attempt.response.as_ref().map(|r| r.status),
            answer,
            exchange: attempt.evidence(label),
            notified: attempt.notification.as_ref().map(|n| {
                match super::core::async_onboarding::onboarding_notified(n) {
                    super::Check::Pass(_) => Ok(()),
                    other => Err(other.reason().to_string()),
                }
            }),
        }
    }

    /// Whether `need` held in this control (`asynchronous`: the core declared 202).
    pub fn holds(&self, need: Need, asynchronous: bool) -> Holds {
        if let Some(why) = &self.insecure {
            return Holds::No(why.clone());
        }
        if need == Need::SecureSession {
            return Holds::Yes;
        }
        if let Some(why) = &self.client_certificate {
            return Holds::No(why.clone());
        }
        let accepted = self.status.is_some_and(|s| (200..300).contains(&s));
        match need {
            Need::SecureSession | Need::NoClientCertificate => Holds::Yes,
            Need::Accepted | Need::MintedCredentialAccepted if accepted => Holds::Yes,
            Need::Accepted => Holds::No(format!(
                "the core did not accept a valid onboarding request from the harness (control: {})",
                self.answer
            )),
            Need::MintedCredentialAccepted => Holds::No(format!(
                "the core does not accept credentials the harness can mint (a valid minted credential got: {})",
                self.answer
            )),
            Need::Created if self.status == Some(201) => Holds::Yes,
            Need::Created if asynchronous && self.status == Some(202) => match &self.notified {
                Some(Ok(())) => Holds::Yes,
                Some(Err(why)) => Holds::NoJudgedBy(
                    "CCF-OK-09",
                    format!("the 202 to a valid request was not completed by a usable OnboardingNotification: {why}"),
                ),
                None => Holds::NotApplicable(
                    "the core answered 202 Accepted (asynchronous onboarding, declared): the result arrives in an OnboardingNotification, and without [core.notifications] the harness has no receiver the core can reach, so the onboarding result is not judged".into(),
                ),
            },
            Need::Created => Holds::No(format!(
                "the core did not answer a valid onboarding request with 201 Created (control: {})",
                self.answer
            )),
        }
    }
}

/// Whether an answer to a valid request says a client certificate is missing: nginx's
/// `ssl_verify_client on` answers 400 "No required SSL certificate was sent", others 401/403
/// or nginx's 495/496.
pub fn demands_client_certificate(resp: &HttpResponse) -> bool {
    if !matches!(resp.status, 400 | 401 | 403 | 495 | 496) {
        return false;
    }
    if matches!(resp.status, 495 | 496) {
        return true;
    }
    let text = String::from_utf8_lossy(&resp.body).to_ascii_lowercase();
    let certificate = text.contains("certificate") || text.contains("certifcate");
    certificate
        && ["ssl", "client", "required", "not present", "no required"]
            .iter()
            .any(|w| text.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: body.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn nginx_client_certificate_400_is_recognised() {
        let nginx = resp(
            400,
            "<html><center><h1>400 Bad Request</h1></center><center>No required SSL certificate was sent</center></html>",
        );
        assert!(demands_client_certificate(&nginx));
        assert!(demands_client_certificate(&resp(496, "")));
        // A connexion 400 about the body, or a credential 401, is not about certificates.
        assert!(!demands_client_certificate(&resp(
            400,
            r#"{"detail":"'notificationDestination' is a required property"}"#
        )));
        assert!(!demands_client_certificate(&resp(
            401,
            r#"{"msg":"Missing Authorization Header"}"#
        )));
        assert!(!demands_client_certificate(&resp(
            201,
            "certificate required"
        )));
    }

    fn control(status: u16, notified: Option<Result<(), String>>) -> Control {
        Control {
            insecure: None,
            client_certificate: None,
            status: Some(status),
            answer: format!("{status}"),
            exchange: Exchange {
                label: "control".into(),
                tls: None,
                request: None,
                response: None,
                error: None,
                session_end: None,
                after_harness_close: None,
                timings_ms: Default::default(),
            },
            notified,
        }
    }

    #[test]
    fn a_202_counts_as_created_only_once_its_notification_completed_it() {
        assert_eq!(
            control(202, Some(Ok(()))).holds(Need::Created, true),
            Holds::Yes
        );
        assert!(matches!(
            control(202, Some(Err("none within 5s".into()))).holds(Need::Created, true),
            Holds::NoJudgedBy("CCF-OK-09", r) if r.contains("none within 5s")
        ));
        // No receiver: the result is not observed, so not judged (never a pass).
        assert!(matches!(
            control(202, None).holds(Need::Created, true),
            Holds::NotApplicable(r) if r.contains("[core.notifications]")
        ));
        // Undeclared, a 202 is no 201.
        assert!(matches!(
            control(202, Some(Ok(()))).holds(Need::Created, false),
            Holds::No(_)
        ));
        assert_eq!(control(201, None).holds(Need::Created, true), Holds::Yes);
    }
}
