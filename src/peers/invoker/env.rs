//! The adapter protocol's environment (design.md §4), as the invoker side reads it.

use std::path::PathBuf;

/// `https://HOST:PORT` of the core (the apiRoot).
pub const ENV_CORE_URL: &str = "CAPIF_CORE_URL";
/// PEM of the root CA the invoker must trust.
pub const ENV_CA_FILE: &str = "CAPIF_CA_FILE";
/// The onboarding credential to present.
pub const ENV_CREDENTIAL: &str = "CAPIF_ONBOARDING_CREDENTIAL";
/// A fresh directory for this scenario.
pub const ENV_WORKDIR: &str = "CAPIF_WORKDIR";

/// The register's URL (only with `[invoker.enrolment]`).
pub const ENV_REGISTER_URL: &str = "CAPIF_REGISTER_URL";
/// The register login's user.
pub const ENV_REGISTER_USERNAME: &str = "CAPIF_REGISTER_USERNAME";
/// The register login's password.
pub const ENV_REGISTER_PASSWORD: &str = "CAPIF_REGISTER_PASSWORD";

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
        let raw_url = need(ENV_CORE_URL)?;
        let core_url = url::Url::parse(&raw_url).map_err(|e| EnvError::Invalid {
            name: ENV_CORE_URL,
            reason: format!("{raw_url:?} is not a URL: {e}"),
        })?;
        if core_url.scheme() != "https" || core_url.host_str().is_none() {
            return Err(EnvError::Invalid {
                name: ENV_CORE_URL,
                reason: format!("{raw_url:?} must be https://HOST:PORT"),
            });
        }
        let register = match get(ENV_REGISTER_URL).filter(|v| !v.is_empty()) {
            Some(raw) => Some(RegisterEnv {
                url: url::Url::parse(&raw).map_err(|e| EnvError::Invalid {
                    name: ENV_REGISTER_URL,
                    reason: format!("{raw:?} is not a URL: {e}"),
                })?,
                username: need(ENV_REGISTER_USERNAME)?,
                password: need(ENV_REGISTER_PASSWORD)?,
            }),
            None => None,
        };
        Ok(Self {
            register,
            core_url,
            ca_file: PathBuf::from(need(ENV_CA_FILE)?),
            credential: need(ENV_CREDENTIAL)?,
            workdir: get(ENV_WORKDIR)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
        })
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
    fn names_the_missing_variable() {
        assert_eq!(env(&[]), Err(EnvError::Missing(ENV_CORE_URL)));
        assert_eq!(
            env(&[(ENV_CORE_URL, "https://127.0.0.1:1")]),
            Err(EnvError::Missing(ENV_CA_FILE))
        );
    }

    #[test]
    fn refuses_a_cleartext_core_url() {
        let e = env(&[
            (ENV_CORE_URL, "http://127.0.0.1:1"),
            (ENV_CA_FILE, "ca.pem"),
            (ENV_CREDENTIAL, "t"),
        ])
        .unwrap_err();
        assert!(
            matches!(
                e,
                EnvError::Invalid {
                    name: ENV_CORE_URL,
                    ..
                }
            ),
            "{e}"
        );
    }
}
