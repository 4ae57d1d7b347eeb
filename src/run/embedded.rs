//! The embedded reference core: the default system under test, so `run` works out of the box.

use crate::net::Timeouts;
use crate::peers::core::{CoreSettings, RunningCore};
use crate::peers::faults::{CoreFault, Faults};
use crate::peers::variants::{CoreVariant, Variants};
use crate::pki::{TestPki, DEFAULT_HOSTS};
use crate::sut::{
    CoreCapabilities, CoreTarget, CredentialSource, NotificationsConfig, TeardownPolicy,
};

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
        Self::start_faulty(timeouts, Faults::none()).await
    }

    /// The same with deliberate `faults` (the harness's self-test).
    pub async fn start_faulty(
        timeouts: Timeouts,
        faults: Faults<CoreFault>,
    ) -> std::io::Result<Self> {
        Self::start_with(timeouts, faults, Variants::default()).await
    }

    /// The same with `faults` and legitimate `variants` (the harness's self-test).
    pub async fn start_with(
        timeouts: Timeouts,
        faults: Faults<CoreFault>,
        variants: Variants<CoreVariant>,
    ) -> std::io::Result<Self> {
        Self::launch(timeouts, faults, variants, None).await
    }

    async fn launch(
        timeouts: Timeouts,
        faults: Faults<CoreFault>,
        variants: Variants<CoreVariant>,
        register: Option<crate::peers::core::EnrolmentLogin>,
    ) -> std::io::Result<Self> {
        let hosts: Vec<String> = DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect();
        let pki = TestPki::generate(&hosts).map_err(std::io::Error::other)?;
        let mut settings = CoreSettings::new(pki.clone());
        if !faults.0.is_empty() {
            settings.shutdown_grace = std::time::Duration::from_millis(500);
        }
        // A core answering 202 declares asynchronous onboarding: the variant, and the faults
        // of its notification.
        let asynchronous = variants.has(CoreVariant::Asynchronous) || faults.asynchronous();
        settings.faults = faults;
        settings.variants = variants;
        settings.enrolment = register.clone();
        // The receiver presents this PKI's server certificate, which the reference core
        // trusts for its callbacks; it starts only when a 202 needs it.
        let notifications = Some(NotificationsConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            url: None,
            within: std::time::Duration::from_secs(5),
            identity: pki.core.clone(),
            ca: pki.ca.clone(),
            impostor_listen: "127.0.0.1:0".parse().expect("addr"),
            impostor_url: None,
        });
        let core = RunningCore::start(settings, "127.0.0.1:0".parse().expect("addr")).await?;
        let url = url::Url::parse(&core.url).map_err(std::io::Error::other)?;
        let target = CoreTarget {
            host: "127.0.0.1".into(),
            port: core.addr.port(),
            server_name: "127.0.0.1".into(),
            url,
            api_root: None,
            trusted: vec![pki.ca.cert.clone()],
            invoker_ca: vec![pki.ca.cert.clone()],
            credential: CredentialSource::Minted(Box::new(pki.clone())),
            harness_pki: Some(pki),
            invoker_key: Default::default(),
            invoker_key_format: Default::default(),
            identities: std::sync::Arc::new(crate::pki::IdentityIssuer::new(Default::default())),
            capabilities: CoreCapabilities {
                issues_certificate: true,
                issues_onboarding_secret: false,
                asynchronous_onboarding: asynchronous,
                accepts_harness_credentials: true,
                offboarding: true,
                teardown: TeardownPolicy::Core,
            },
            timeouts,
            keylog: None,
            signing_key: None,
            reuse_credential: true,
            notifications,
            shared: Default::default(),
        };
        Ok(Self { core, target })
    }

    /// The reference core serving its OpenCAPIF-style register (`GET /getauth`, as
    /// `reference core --enrolment`) with a fresh login, and described as a core whose
    /// invokers take their credential from it: a matrix's pair cell, where the invoker is
    /// provisioned by the core, as SDKs that only fetch their credential from a register are.
    pub async fn start_with_register(timeouts: Timeouts) -> std::io::Result<Self> {
        let login = crate::peers::core::EnrolmentLogin {
            username: "capif-conformance-pair".into(),
            password: hex::encode(crate::pki::new_serial().to_bytes()),
        };
        crate::evidence::register_secret(&login.password);
        let register = Some(login.clone());
        let mut e = Self::launch(timeouts, Faults::none(), Variants::default(), register).await?;
        e.target.credential = CredentialSource::Enrolment {
            url: e.target.url.clone(),
            server_name: e.target.server_name.clone(),
            username: login.username,
            password: login.password,
            ca: e.target.trusted.clone(),
        };
        Ok(e)
    }
}
