//! The `[core]` section of a SUT configuration, read from its raw TOML form: the core's
//! address and PIXITs, its notifications, where its onboarding credential comes from and the
//! key that signs harness-minted credentials. Every error names the key and the fix.

use super::{
    certificate_name, parse_duration, product_description, read_certs, register_basic_login,
    ConfigError, CoreConfig, EnrolmentConfig, ErrFn, NotificationsConfig, RawCore,
    RawNotifications, DEFAULT_NOTIFICATION_BOUND, ENROLMENT_CA,
};
use rustls_pki_types::CertificateDer;
use std::path::{Path, PathBuf};

pub(super) fn core(raw: RawCore, err: &ErrFn<'_>) -> Result<CoreConfig, ConfigError> {
    let url = url::Url::parse(&raw.url).map_err(|e| {
        err(
            "[core].url",
            format!("{:?} is not a URL: {e}", raw.url),
            "write the core's apiRoot, e.g. url = \"https://127.0.0.1:8443\"",
        )
    })?;
    if url.scheme() != "https" || url.host_str().is_none() {
        return Err(err(
            "[core].url",
            format!("{:?} is not an https:// URL with a host", raw.url),
            "onboarding runs over TLS: write url = \"https://HOST:PORT\"",
        ));
    }
    let api_root = match &raw.api_root {
        Some(a) => {
            let u = url::Url::parse(a).map_err(|e| {
                err(
                    "[core].api_root",
                    format!("{a:?} is not a URL: {e}"),
                    "write the apiRoot your invokers are provisioned with, e.g. api_root = \"https://capif.example\"",
                )
            })?;
            if u.scheme() != "https" || u.host_str().is_none() {
                return Err(err(
                    "[core].api_root",
                    format!("{a:?} is not an https:// URL with a host"),
                    "write api_root = \"https://HOST[:PORT]\"",
                ));
            }
            Some(u)
        }
        None => None,
    };
    let server_name = certificate_name(
        raw.server_name.clone(),
        &url,
        "[core].server_name",
        "core",
        err,
    )?;
    // "enrolment": the CA comes from the register's answer (trust on first use).
    let from_enrolment = |p: &Path| p == Path::new(ENROLMENT_CA);
    let ca_from_enrolment = from_enrolment(&raw.ca);
    let ca = if ca_from_enrolment {
        Vec::new()
    } else {
        read_certs(&raw.ca, "[core].ca", err)?
    };
    let invoker_ca_from_enrolment = match &raw.invoker_ca {
        Some(p) => from_enrolment(p),
        None => ca_from_enrolment,
    };
    let invoker_ca = match &raw.invoker_ca {
        Some(p) if !from_enrolment(p) => read_certs(p, "[core].invoker_ca", err)?,
        _ => ca.clone(),
    };
    if (ca_from_enrolment || invoker_ca_from_enrolment) && raw.enrolment.is_none() {
        return Err(err(
            "[core].ca",
            "\"enrolment\" takes the CA from the register's answer, but there is no [core.enrolment]".into(),
            "add a [core.enrolment] section, or point ca at a PEM file",
        ));
    }
    let credential = credential_source(
        raw.credential,
        raw.credential_command,
        raw.enrolment,
        &ca,
        ca_from_enrolment,
        err,
    )?;
    let signing_key = signing_key(
        raw.credential_signing_key.as_deref(),
        raw.credential_signing_alg.clone(),
        err,
    )?;
    let harness_pki = if raw.capabilities.accepts_harness_credentials && signing_key.is_none() {
        let dir = raw.pki.clone().unwrap_or_else(|| PathBuf::from("certs"));
        Some(crate::pki::TestPki::load(&dir).map_err(|e| {
            err(
                "[core].pki",
                format!("accepts_harness_credentials needs the PKI bundle the core trusts: {e}"),
                "set [core].pki to the directory written by `capif-conformance pki --out DIR`, or set accepts_harness_credentials = false",
            )
        })?)
    } else {
        None
    };
    let notifications = match raw.notifications {
        Some(n) => Some(notifications(n, raw.pki.as_deref(), err)?),
        None => None,
    };
    let mut identity = crate::pki::IdentityTemplates::default();
    for (key, value, slot) in [
        (
            "[core].invoker_information",
            &raw.invoker_information,
            &mut identity.information,
        ),
        (
            "[core].invoker_subject_cn",
            &raw.invoker_subject_cn,
            &mut identity.cn,
        ),
    ] {
        if let Some(v) = value {
            if let Some(problem) = crate::pki::template_problem(v) {
                return Err(err(
                    key,
                    problem,
                    "write a value, with {run} (this run) and {n} (each onboarding) where it must differ, e.g. \"invoker-{run}-{n}\"",
                ));
            }
            *slot = v.clone();
        }
    }
    for (key, value, slot) in [
        (
            "[core].invoker_subject_o",
            &raw.invoker_subject_o,
            &mut identity.o,
        ),
        (
            "[core].invoker_subject_ou",
            &raw.invoker_subject_ou,
            &mut identity.ou,
        ),
    ] {
        if let Some(v) = value {
            if let Some(problem) = crate::pki::template_problem(v) {
                return Err(err(
                    key,
                    problem,
                    "write a value, optionally with {run} and {n}",
                ));
            }
            *slot = Some(v.clone());
        }
    }
    let mut capabilities = raw.capabilities;
    // With the core's own key the harness can mint credentials the core accepts.
    capabilities.accepts_harness_credentials |= signing_key.is_some();
    Ok(CoreConfig {
        product: product_description(raw.description, "[core].description", err)?,
        url,
        api_root,
        server_name,
        ca,
        ca_path: raw.ca,
        credential,
        invoker_ca,
        harness_pki,
        signing_key,
        reuse_credential: raw.reuse_credential.unwrap_or(true),
        ca_from_enrolment,
        invoker_ca_from_enrolment,
        invoker_key: raw.invoker_key,
        invoker_key_format: raw.invoker_key_format,
        identity,
        capabilities,
        notifications,
    })
}

/// Validate `[core.notifications]`.
fn notifications(
    raw: RawNotifications,
    core_pki: Option<&Path>,
    err: &ErrFn<'_>,
) -> Result<NotificationsConfig, ConfigError> {
    let listen: std::net::SocketAddr = raw.listen.parse().map_err(|e| {
        err(
            "[core.notifications].listen",
            format!("{:?} is not an address and port: {e}", raw.listen),
            "write listen = \"0.0.0.0:9444\" (an address the core can reach)",
        )
    })?;
    let https = |key: &str, u: &str, fix: &str| {
        url::Url::parse(u)
            .ok()
            .filter(|p| p.scheme() == "https")
            .ok_or_else(|| err(key, format!("{u:?} is not an https:// URL"), fix))
    };
    let url = match raw.url {
        Some(u) => Some(https(
            "[core.notifications].url",
            &u,
            "write url = \"https://HOST:PORT\" as the core reaches the harness",
        )?),
        None => None,
    };
    let impostor_listen = match raw.impostor_listen {
        Some(l) => l.parse().map_err(|e| {
            err(
                "[core.notifications].impostor_listen",
                format!("{l:?} is not an address and port: {e}"),
                "write impostor_listen = \"0.0.0.0:9445\" (a port the core can reach, not listen's)",
            )
        })?,
        None => std::net::SocketAddr::new(listen.ip(), 0),
    };
    let impostor_url = match raw.impostor_url {
        Some(u) => Some(https(
            "[core.notifications].impostor_url",
            &u,
            "write impostor_url = \"https://HOST:PORT\" as the core reaches impostor_listen",
        )?),
        None => None,
    };
    let within = match raw.within {
        Some(w) => parse_duration(&w).ok_or_else(|| {
            err(
                "[core.notifications].within",
                format!("{w:?} is not a duration"),
                "write within = \"10s\"",
            )
        })?,
        None => DEFAULT_NOTIFICATION_BOUND,
    };
    let dir = raw
        .pki
        .or_else(|| core_pki.map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("certs"));
    let pki = crate::pki::TestPki::load(&dir).map_err(|e| {
        err(
            "[core.notifications].pki",
            format!("the receiver presents the server certificate of a PKI bundle: {e}"),
            "run `capif-conformance pki --out certs --host HARNESS_HOST`, make the core trust certs/ca.pem, and set pki = \"certs\"",
        )
    })?;
    Ok(NotificationsConfig {
        listen,
        url,
        within,
        identity: pki.core,
        ca: pki.ca,
        impostor_listen,
        impostor_url,
    })
}

/// Where a valid credential comes from: exactly one of `credential`, `credential_command`
/// and `[core.enrolment]`.
fn credential_source(
    credential: Option<String>,
    command: Option<String>,
    enrolment: Option<EnrolmentConfig>,
    ca: &[CertificateDer<'static>],
    ca_from_enrolment: bool,
    err: &ErrFn<'_>,
) -> Result<crate::sut::CredentialSource, ConfigError> {
    use crate::sut::CredentialSource;
    let sources = [credential.is_some(), command.is_some(), enrolment.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    let fix = "set exactly one of credential, credential_command or [core.enrolment]";
    if sources != 1 {
        return Err(err(
            "[core].credential",
            if sources == 0 {
                "no way to obtain a valid onboarding credential".into()
            } else {
                "more than one credential source is set".into()
            },
            fix,
        ));
    }
    let source = if let Some(c) = credential {
        if c.trim().is_empty() {
            return Err(err("[core].credential", "is empty".into(), fix));
        }
        crate::evidence::register_secret(c.trim());
        CredentialSource::Static(c.trim().to_string())
    } else if let Some(cmd) = command {
        CredentialSource::Command(cmd)
    } else {
        let e = enrolment.expect("counted above");
        if e.style != crate::peers::core::RegisterStyle::Opencapif {
            if !e.cleartext_login {
                return Err(err(
                    "[core.enrolment].style",
                    "\"opencapif-http\" would send the register login in clear".into(),
                    "use style = \"opencapif\" (GET /getauth with HTTP Basic over TLS), or accept the risk with cleartext_login = true (the report will say so at the top)",
                ));
            }
            let url = url::Url::parse(&e.url)
                .ok()
                .filter(|u| u.scheme() == "http" && u.host_str().is_some())
                .ok_or_else(|| {
                    err(
                        "[core.enrolment].url",
                        format!("{:?} is not an http:// URL", e.url),
                        "style = \"opencapif-http\" reaches the register over plain HTTP: write url = \"http://HOST:PORT\"",
                    )
                })?;
            if ca_from_enrolment {
                return Err(err(
                    "[core].ca",
                    "\"enrolment\" would take the core's root from a register reached in clear"
                        .into(),
                    "point ca at the core's root CA (PEM)",
                ));
            }
            crate::evidence::register_secret(&e.password);
            return Ok(CredentialSource::EnrolmentInClear {
                url,
                username: e.username,
                password: e.password,
            });
        }
        if e.cleartext_login {
            return Err(err(
                "[core.enrolment].cleartext_login",
                "applies only to style = \"opencapif-http\"".into(),
                "remove it: style = \"opencapif\" sends the login over TLS",
            ));
        }
        let register = url::Url::parse(&e.url).map_err(|x| {
            err(
                "[core.enrolment].url",
                format!("{:?} is not a URL: {x}", e.url),
                "write the register service's base URL, e.g. https://127.0.0.1:8084",
            )
        })?;
        let register_ca = match &e.ca {
            Some(p) => read_certs(p, "[core.enrolment].ca", err)?,
            None if ca_from_enrolment => {
                return Err(err(
                    "[core.enrolment].ca",
                    "with ca = \"enrolment\" the register's own certificate needs a CA to be verified against".into(),
                    "set [core.enrolment].ca to the root CA of the register's certificate (never fetch credentials unverified)",
                ))
            }
            None => ca.to_vec(),
        };
        let server_name = certificate_name(
            e.server_name.clone(),
            &register,
            "[core.enrolment].server_name",
            "register",
            err,
        )?;
        register_basic_login(&e.username, &e.password);
        CredentialSource::Enrolment {
            url: register,
            server_name,
            username: e.username,
            password: e.password,
            ca: register_ca,
        }
    };
    Ok(source)
}

/// `credential_signing_key` (and its algorithm, guessed from the PEM when not given).
fn signing_key(
    path: Option<&Path>,
    alg: Option<String>,
    err: &ErrFn<'_>,
) -> Result<Option<crate::sut::SigningKey>, ConfigError> {
    Ok(match path {
        Some(path) => {
            let pem =
                crate::fsutil::read_limited(path, crate::fsutil::MAX_INPUT_FILE).map_err(|e| {
                    err(
                        "[core].credential_signing_key",
                        format!("cannot read {}: {e}", path.display()),
                        "point it at the PEM private key the core's credential issuer signs with",
                    )
                })?;
            let alg = alg.unwrap_or_else(|| {
                if String::from_utf8_lossy(&pem).contains("EC PRIVATE KEY") {
                    "ES256".into()
                } else {
                    "RS256".into()
                }
            });
            if !crate::pki::SIGNING_ALGS.contains(&alg.as_str()) {
                return Err(err(
                    "[core].credential_signing_alg",
                    format!("{alg:?} is not supported"),
                    &format!("use one of {}", crate::pki::SIGNING_ALGS.join(", ")),
                ));
            }
            Some(crate::sut::SigningKey {
                pem,
                alg,
                path: path.to_path_buf(),
            })
        }
        None if alg.is_some() => {
            return Err(err(
                "[core].credential_signing_alg",
                "is set without credential_signing_key".into(),
                "add credential_signing_key = \"key.pem\", or remove credential_signing_alg",
            ))
        }
        None => None,
    })
}
