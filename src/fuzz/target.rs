//! A campaign as a suite target: run once, on the first scenario that asks, and shared by every
//! property scenario of the run.

use super::{Campaign, FuzzOptions};
use crate::sut::CoreTarget;
use std::sync::Arc;

/// A system under test and the one campaign that the test purposes of a `fuzz` run judge
/// together: the first of their scenarios to ask runs it (blocking proptest on a worker
/// thread), the others read it.
#[derive(Debug)]
pub struct CampaignTarget<T, C> {
    /// The system under test.
    pub sut: Arc<T>,
    /// How the campaign runs.
    pub options: FuzzOptions,
    run: fn(tokio::runtime::Handle, Arc<T>, &FuzzOptions) -> C,
    campaign: tokio::sync::OnceCell<Result<Arc<C>, String>>,
}

/// A core under a campaign of generated requests.
pub type FuzzTarget = CampaignTarget<CoreTarget, Campaign>;

impl<T: Send + Sync + 'static, C: Send + Sync + 'static> CampaignTarget<T, C> {
    /// A campaign of `options` against `sut`, run by `run` when first asked for.
    pub fn new(
        sut: T,
        options: FuzzOptions,
        run: fn(tokio::runtime::Handle, Arc<T>, &FuzzOptions) -> C,
    ) -> Self {
        Self {
            sut: Arc::new(sut),
            options,
            run,
            campaign: tokio::sync::OnceCell::new(),
        }
    }

    /// The campaign, run on first call.
    pub async fn campaign(&self) -> Result<Arc<C>, String> {
        self.campaign
            .get_or_init(|| async {
                let handle = tokio::runtime::Handle::current();
                let (sut, opts, run) = (self.sut.clone(), self.options.clone(), self.run);
                tokio::task::spawn_blocking(move || run(handle, sut, &opts))
                    .await
                    .map(Arc::new)
                    .map_err(|e| format!("the campaign stopped: {e}"))
            })
            .await
            .clone()
    }

    /// The campaign, if a scenario ran it.
    pub fn ran(&self) -> Option<Arc<C>> {
        self.campaign.get().and_then(|r| r.as_ref().ok()).cloned()
    }
}
