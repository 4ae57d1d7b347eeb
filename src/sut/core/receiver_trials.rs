//! The notification trials of a core that onboards asynchronously: whether it authenticates the
//! receiver it notifies (CCF-OK-10), and what else it sends to a destination after the first
//! notification (CCF-OK-11).

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::attempt::{Attempt, CredentialChoice, RequestBody};
use super::target::CoreTarget;
use crate::evidence::Exchange;
use crate::net::impostor_receiver::{Advertised, Contact, Impostor};
use crate::pki::{enrolment_request, Identity, InvokerKey, ServerVariant};
use crate::sut::notifications::{Notified, Received};

/// One onboarding whose notificationDestination was the impostor receiver presenting a
/// certificate the core must refuse (CCF-OK-10).
#[derive(Debug, Clone)]
pub struct ImpostorTrial {
    /// The certificate's label ("other-ca").
    pub presented: String,
    /// What is wrong with it ("from another CA").
    pub defect: String,
    /// The status the onboarding request was answered with (None: no answer).
    pub status: Option<u16>,
    /// The connections to the impostor while it presented this certificate.
    pub contacts: Vec<Contact>,
}

/// The certificates the impostor presents, in turn: each one the core must refuse.
pub const IMPOSTOR_CERTIFICATES: [ServerVariant; 3] = [
    ServerVariant::OtherCa,
    ServerVariant::WrongName,
    ServerVariant::Expired,
];

/// What the impostor trials observed.
#[derive(Debug)]
pub struct ImpostorRun {
    /// One per certificate presented, in order (fewer when one had nothing to judge).
    pub trials: Vec<ImpostorTrial>,
    /// Every connection the impostor had, until the positive control ended.
    pub all: Vec<Contact>,
    /// The positive control: a valid onboarding naming the trusted receiver.
    pub control: Option<Notified>,
    /// The declared bound (PIXIT `[core.notifications] within`).
    pub within: Duration,
    /// The onboarding exchanges, for the evidence.
    pub exchanges: Vec<Exchange>,
    /// The impostor's base URL and each certificate presented, for the evidence.
    pub notes: Vec<String>,
}

impl CoreTarget {
    /// The run's impostor receiver (started on first need).
    async fn impostor(&self) -> Result<Arc<Impostor>, String> {
        let n = self
            .notifications
            .as_ref()
            .ok_or("no [core.notifications] section")?;
        let advertised = match (&n.impostor_url, &n.url) {
            (Some(u), _) => Advertised::Exactly(u.clone()),
            (None, Some(u)) => Advertised::HostOf(u.clone()),
            (None, None) => Advertised::Listening,
        };
        self.shared
            .impostor
            .get_or_init(|| async {
                Impostor::start(n.impostor_listen, advertised)
                    .await
                    .map(Arc::new)
                    .map_err(|e| {
                        format!(
                            "[core.notifications]: cannot listen on impostor_listen = {}: {e}",
                            n.impostor_listen
                        )
                    })
            })
            .await
            .clone()
    }

    /// CCF-OK-10: onboard once per certificate the core must refuse, naming the impostor as
    /// the notificationDestination, and watch what reaches it; then onboard once naming the
    /// trusted receiver (the positive control). None without `[core.notifications]`.
    pub async fn notify_impostors(&self) -> Result<Option<ImpostorRun>, String> {
        let Some(n) = self.notifications.clone() else {
            return Ok(None);
        };
        let impostor = self.impostor().await?;
        // One scenario at a time presents certificates on the impostor.
        let _turn = self.shared.impostor_turn.lock().await;
        let mut run = ImpostorRun {
            trials: Vec::new(),
            all: Vec::new(),
            control: None,
            within: n.within,
            exchanges: Vec::new(),
            notes: vec![format!(
                "the impostor receiver: {} (PIXIT [core.notifications] impostor_url / impostor_listen)",
                impostor.base
            )],
        };
        for variant in IMPOSTOR_CERTIFICATES {
            let identity = Identity::bad_server(&n.ca, variant, &[impostor.host()])
                .map_err(|e| format!("cannot make the {} certificate: {e}", variant.word()))?;
            let mark = impostor.present(variant.word(), &identity)?;
            let destination = impostor.destination();
            let attempt = self.onboard_valid(Some(&destination)).await?;
            let label = format!(
                "a valid onboarding request naming the receiver whose certificate is {} ({destination})",
                variant.defect()
            );
            run.exchanges.push(attempt.evidence(&label));
            let status = attempt.response.as_ref().map(|r| r.status);
            let contacts = if status == Some(202) {
                impostor.contacts_since(mark, n.within).await
            } else {
                Vec::new()
            };
            let stop = status != Some(202) || contacts.is_empty();
            run.trials.push(ImpostorTrial {
                presented: variant.word().into(),
                defect: variant.defect().into(),
                status,
                contacts,
            });
            // Nothing more to learn: the core did not accept, or did not connect within the
            // bound (it would not for the next certificate either).
            if stop {
                break;
            }
        }
        let control = self.onboard_valid(None).await?;
        run.exchanges.push(
            control.evidence(
                "positive control: a valid onboarding request naming the trusted receiver",
            ),
        );
        if let Some(e) = control.notification_evidence("the positive control") {
            run.exchanges.push(e);
        }
        run.control = control.notification;
        run.all = impostor.contacts();
        run.notes.extend(
            run.all
                .iter()
                .map(|c| format!("impostor contact: {}", c.describe())),
        );
        Ok(Some(run))
    }

    /// A valid onboarding with a fresh key and identity, naming `destination` (None: the
    /// trusted receiver, whose notification is awaited).
    async fn onboard_valid(&self, destination: Option<&str>) -> Result<Attempt, String> {
        let key = InvokerKey::generate_off_thread(self.invoker_key).await;
        let who = self.identities.next();
        let mut body = enrolment_request(
            &key.public_key_field(self.invoker_key_format, &who),
            &who.information,
        );
        if let Some(d) = destination {
            body["notificationDestination"] = Value::from(d);
        }
        self.onboard(&CredentialChoice::Valid, RequestBody::Json(body))
            .await
    }

    /// CCF-OK-11: after the first notification of `attempt`, listen for the declared bound and
    /// return every POST to its destination (first first) and how many more were counted.
    /// None when no notification arrived.
    pub async fn later_notifications(
        &self,
        attempt: &Attempt,
    ) -> Option<(Vec<Received>, usize, Duration)> {
        let Some(Notified::Received(first)) = &attempt.notification else {
            return None;
        };
        let within = self.notifications.as_ref()?.within;
        let receiver = self.receiver().await.ok()??;
        tokio::time::sleep(within).await;
        let (posts, not_kept) = receiver.all_at(&first.path);
        Some((posts, not_kept, within))
    }
}
