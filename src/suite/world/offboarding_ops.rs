//! The World's operations for offboarding a core under test (TS 33.122 §6.8): addressing the
//! invoker resource with the issued certificate, and DELETEs whose answer a Then step judges.

use super::{StepResult, SuiteWorld};
use crate::checks::{self, Check};
use crate::net::Phase;
use crate::pki::{pem_certificates, verify_issued, Identity};
use crate::sut::Attempt;

impl SuiteWorld {
    /// The path of the invoker resource the latest 201 created and the identity the issued
    /// certificate gives (the whole bundle the core issued, leaf and intermediates, as an
    /// invoker would present it). Each precondition is another test purpose's finding:
    /// Location (CCF-OK-02), the certificate (CCF-OK-04). Remembered for later DELETEs.
    pub fn invoker_resource(&mut self) -> Result<(String, Identity), String> {
        if let Some(known) = self.on_core.resource.clone() {
            return Ok(known);
        }
        let d = self.created_details()?;
        let resp = self.current_response()?;
        let core = self.core()?;
        // Each precondition is another test purpose's finding: Location (CCF-OK-02), the
        // certificate (CCF-OK-04). A Location with the right path under a wrong authority is
        // CCF-OK-02's failure; the resource is still {apiRoot}/…/{id}, so the DELETE goes there.
        let path = match checks::core::onboarding_response::location(
            &resp,
            &core.api_root(),
            &core.server_name,
        ) {
            Check::Pass(_) => resp
                .header("location")
                .and_then(|l| core.url.join(l.trim()).ok())
                .map(|u| u.path().to_string()),
            other => {
                let path = resp
                    .header("location")
                    .and_then(|l| url::Url::parse(l.trim()).ok())
                    .map(|u| u.path().to_string())
                    .filter(|p| p.starts_with(&format!("{}/", core.onboarding_target())));
                if path.is_some() {
                    self.evidence.notes.push(format!(
                        "{} (CCF-OK-02); the DELETE goes to that path at the apiRoot {}",
                        other.reason(),
                        core.api_root()
                    ));
                }
                path
            }
        };
        let Some(path) = path else {
            return Err(self
                .check(Check::blocked(
                    Some("CCF-OK-02"),
                    "no usable Location: the invoker resource cannot be addressed",
                ))
                .unwrap_err());
        };
        let pem = d
            .onboarding_information
            .api_invoker_certificate
            .clone()
            .unwrap_or_default();
        if let Err(e) = verify_issued(
            &pem,
            &core.invoker_ca,
            &self.sent_spki(),
            rustls_pki_types::UnixTime::now(),
        ) {
            return Err(self
                .check(Check::blocked(Some("CCF-OK-04"), e.to_string()))
                .unwrap_err());
        }
        let Some(key) = self.on_core.key.as_ref() else {
            return Err(self.harness_error("no invoker key").unwrap_err());
        };
        // Present the whole bundle the core issued (leaf and intermediates), as an invoker would.
        let chain = pem_certificates(&pem)
            .into_iter()
            .filter(|c| !core.invoker_ca.contains(c))
            .collect();
        let me = Identity::new(chain, key.pair_copy());

        self.on_core.resource = Some((path.clone(), me.clone()));
        Ok((path, me))
    }

    /// A DELETE of `path` presenting `identity` (none: no client certificate), kept as it
    /// happened (a refused handshake is an answer here, not a broken session) with its
    /// evidence. Only an unreachable core is a harness error.
    pub async fn offboarding_attempt(
        &mut self,
        label: &str,
        path: &str,
        identity: Option<&Identity>,
    ) -> Result<Attempt, String> {
        let core = self.core()?;
        let attempt = core.attempt("DELETE", path, None, None, identity).await;
        self.evidence.exchanges.push(attempt.evidence(label));
        if attempt.unreachable()
            || attempt
                .error
                .as_ref()
                .is_some_and(|e| e.phase() == Phase::Connect)
        {
            let err = attempt
                .error
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default();
            return Err(self
                .harness_error(format!("the core is not reachable at {} ({err})", core.url))
                .unwrap_err());
        }
        Ok(attempt)
    }

    /// The offboarding DELETE with the issued certificate was answered 204: otherwise what
    /// comes after it is not tested, and CCF-OK-07 (which judges that answer) is named.
    pub fn offboarded_precondition(&mut self) -> StepResult {
        let resp = self.current_response()?;
        if resp.status == 204 {
            return Ok(());
        }
        self.check(Check::blocked(
            Some("CCF-OK-07"),
            format!(
                "the offboarding DELETE with the issued certificate was answered {}, not 204",
                checks::describe(&resp)
            ),
        ))
    }

    /// Onboard a second invoker with a fresh key and return its resource path and the
    /// identity its certificate gives, leaving the first invoker's key, response and resource
    /// as they were.
    pub async fn second_invoker(&mut self) -> Result<(String, Identity), String> {
        let first = (
            self.on_core.key.take(),
            self.on_core.who.take(),
            self.on_core.response.take(),
            self.on_core.last.take(),
            self.on_core.details.take(),
            self.on_core.resource.take(),
        );
        let body = self.valid_body().await;
        let outcome = match self
            .onboard_with(
                "a second invoker onboards with another key",
                crate::sut::CredentialChoice::Valid,
                crate::sut::RequestBody::Json(body),
            )
            .await
        {
            Ok(()) => self.invoker_resource(),
            Err(e) => Err(e),
        };
        (
            self.on_core.key,
            self.on_core.who,
            self.on_core.response,
            self.on_core.last,
            self.on_core.details,
            self.on_core.resource,
        ) = first;
        outcome
    }
}
