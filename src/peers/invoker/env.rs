//! The adapter protocol's environment (README "Testing your own API invoker: the adapter protocol"), as the invoker side reads it.

use std::path::PathBuf;

use crate::adapter_contract::Var;

/// Where and as whom to fetch the onboarding credential (pre-provisioning by a register).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterEnv {
    /// The register's base URL.
    pub url: url::Url,
    /// Login user.
    pub username: String,
    /// Login password.
    pub password: String,
}

/// What the harness provisioned the invoker with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterEnv {
    /// The apiRoot.
    pub core_url: url::Url,
    /// The provisioned root CA (PEM file).
    pub ca_file: PathBuf,
    /// The onboarding credential.
    pub credential: String,
    /// Where to keep the issued certificate and key, if given.
    pub workdir: Option<PathBuf>,
    /// The register to fetch the credential from, if one is served.
    pub register: Option<RegisterEnv>,
    /// Where to connect (`CAPIF_HOST`, `CAPIF_PORT`) when they name the apiRoot's server
    /// elsewhere than its URL does (a pair cell: the core's name on the port the harness
    /// reaches it at, while the apiRoot is what the core names in its Location).
    pub connect_to: Option<(String, u16)>,
}

/// A missing or unusable variable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EnvError {
    /// Not set.
    #[error("{0} is not set (the harness sets it; see the adapter protocol in README.md)")]
    Missing(&'static str),
    /// Set but unusable.
    #[error("{name} is not usable: {reason}")]
    Invalid {
        /// The variable.
        name: &'static str,
        /// Why.
        reason: String,
    },
}

impl AdapterEnv {
    /// Read the environment through `get` (std::env::var in the binary, a map in tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, EnvError> {
        let need = |name: &'static str| {
            get(name)
                .filter(|v| !v.is_empty())
                .ok_or(EnvError::Missing(name))
        };
        let raw_url = need(Var::CoreUrl.name())?;
        let core_url = url::Url::parse(&raw_url).map_err(|e| EnvError::Invalid {
            name: Var::CoreUrl.name(),
            reason: format!("{raw_url:?} is not a URL: {e}"),
        })?;
        if core_url.scheme() != "https" || core_url.host_str().is_none() {
            return Err(EnvError::Invalid {
                name: Var::CoreUrl.name(),
                reason: format!("{raw_url:?} must be https://HOST:PORT"),
            });
        }
        let register = match get(Var::RegisterUrl.name()).filter(|v| !v.is_empty()) {
            Some(raw) => Some(RegisterEnv {
                url: url::Url::parse(&raw).map_err(|e| EnvError::Invalid {
                    name: Var::RegisterUrl.name(),
                    reason: format!("{raw:?} is not a URL: {e}"),
                })?,
                username: need(Var::RegisterUsername.name())?,
                password: need(Var::RegisterPassword.name())?,
            }),
            None => None,
        };
        let connect_to = match (get(Var::Host.name()), get(Var::Port.name())) {
            (Some(h), Some(p)) if !h.is_empty() => p.parse().ok().map(|p| (h, p)),
            _ => None,
        };
        Ok(Self {
            register,
            connect_to,
            core_url,
            ca_file: PathBuf::from(need(Var::CaFile.name())?),
            credential: need(Var::Credential.name())?,
            workdir: get(Var::Workdir.name())
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        })
    }

    /// Where to open a connection for `url`: `CAPIF_HOST:CAPIF_PORT` for the apiRoot's
    /// server, else the URL's own host and port. The name verified is always the URL's.
    pub fn endpoint(&self, url: &url::Url) -> (String, u16) {
        match &self.connect_to {
            Some((h, p)) if url.host_str() == self.core_url.host_str() => (h.clone(), *p),
            _ => (
                crate::net::url_host(url),
                url.port_or_known_default().unwrap_or(443),
            ),
        }
    }

    /// Read the process environment.
    pub fn from_process() -> Result<Self, EnvError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Result<AdapterEnv, EnvError> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        AdapterEnv::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn connects_to_capif_host_and_port_for_the_api_roots_server_only() {
        let e = env(&[
            (Var::CoreUrl.name(), "https://capifcore"),
            (Var::CaFile.name(), "/ca.pem"),
            (Var::Credential.name(), "t"),
            (Var::Host.name(), "capifcore"),
            (Var::Port.name(), "9443"),
        ])
        .unwrap();
        let resource =
            url::Url::parse("https://capifcore/api-invoker-management/v1/onboardedInvokers/X")
                .unwrap();
        assert_eq!(e.endpoint(&e.core_url), ("capifcore".to_string(), 9443));
        assert_eq!(e.endpoint(&resource), ("capifcore".to_string(), 9443));
        let elsewhere = url::Url::parse("https://other.example:8443/x").unwrap();
        assert_eq!(e.endpoint(&elsewhere), ("other.example".to_string(), 8443));
        // Without CAPIF_HOST/CAPIF_PORT the URL decides.
        let plain = env(&[
            (Var::CoreUrl.name(), "https://127.0.0.1:1234"),
            (Var::CaFile.name(), "/ca.pem"),
            (Var::Credential.name(), "t"),
        ])
        .unwrap();
        assert_eq!(
            plain.endpoint(&plain.core_url),
            ("127.0.0.1".to_string(), 1234)
        );
    }

    #[test]
    fn names_the_missing_variable() {
        assert_eq!(env(&[]), Err(EnvError::Missing(Var::CoreUrl.name())));
        assert_eq!(
            env(&[(Var::CoreUrl.name(), "https://127.0.0.1:1")]),
            Err(EnvError::Missing(Var::CaFile.name()))
        );
    }

    #[test]
    fn refuses_a_cleartext_core_url() {
        let e = env(&[
            (Var::CoreUrl.name(), "http://127.0.0.1:1"),
            (Var::CaFile.name(), "ca.pem"),
            (Var::Credential.name(), "t"),
        ])
        .unwrap_err();
        assert!(
            matches!(e, EnvError::Invalid { name, .. } if name == Var::CoreUrl.name()),
            "{e}"
        );
    }
}
