//! The embedded reference core: the default system under test, so `run` works out of the box.

use crate::net::Timeouts;
use crate::peers::core::{CoreSettings, RunningCore};
use crate::pki::{TestPki, DEFAULT_HOSTS};
use crate::sut::{CoreCapabilities, CoreTarget, CredentialSource, TeardownPolicy};

/// A reference core running in this process, and the target that tests it.
pub struct EmbeddedCore {
    /// The running core (stopped when the run ends).
    pub core: RunningCore,
    /// How the suite reaches it.
    pub target: CoreTarget,
}

impl EmbeddedCore {
    /// Generate a PKI, start the reference core on 127.0.0.1:0 and describe it as a target
    /// declaring everything the reference core implements.
    pub async fn start(timeouts: Timeouts) -> std::io::Result<Self> {
        let hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect();
        let pki = TestPki::generate(&hosts).map_err(std::io::Error::other)?;
        let core = RunningCore::start(
            CoreSettings::new(pki.clone()),
            "127.0.0.1:0".parse().expect("addr"),
        )
        .await?;
        let url = url::Url::parse(&core.url).map_err(std::io::Error::other)?;
        let target = CoreTarget {
            host: "127.0.0.1".into(),
            port: core.addr.port(),
            server_name: "127.0.0.1".into(),
            url,
            trusted: vec![pki.ca.cert.clone()],
            invoker_ca: vec![pki.ca.cert.clone()],
            credential: CredentialSource::Minted(Box::new(pki.clone())),
            harness_pki: Some(pki),
            capabilities: CoreCapabilities {
                issues_certificate: true,
                issues_onboarding_secret: false,
                asynchronous_onboarding: false,
                accepts_harness_credentials: true,
                offboarding: true,
                teardown: TeardownPolicy::Core,
            },
            timeouts,
            keylog: None,
        };
        Ok(Self { core, target })
    }
}
