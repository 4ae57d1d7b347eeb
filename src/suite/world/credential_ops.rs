//! The World's operations on credentials for a core under test: forged and minted
//! credentials and the positive control they need.

use super::SuiteWorld;
use crate::pki::Minter;

impl SuiteWorld {
    /// A valid credential of the core's own issuer (what the forgeries derived from the
    /// provisioned credential start from), or a harness error.
    pub(crate) async fn provisioned_credential(&mut self) -> Result<String, String> {
        match self.core()?.valid_credential().await {
            Ok(t) => Ok(t),
            Err(e) => Err(self
                .harness_error(format!("cannot obtain a valid credential: {e}"))
                .unwrap_err()),
        }
    }

    /// What mints this run's credentials (the Given step's positive control proved the core
    /// accepts a valid minted one).
    pub(crate) async fn minter(&mut self) -> Result<Minter, String> {
        match self.core()?.minter().await {
            Ok(Some(m)) => Ok(m),
            Ok(None) => Err(self
                .harness_error(
                    "accepts_harness_credentials is set but the harness has no key to mint with",
                )
                .unwrap_err()),
            Err(e) => Err(self.harness_error(e).unwrap_err()),
        }
    }
}
