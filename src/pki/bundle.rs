//! The test PKI bundle that `capif-conformance pki --out DIR` writes (README "Test PKI"), and
//! loading it back for `reference core --pki DIR`.

use std::path::Path;

use rcgen::KeyPair;
use serde::Serialize;
use x509_parser::prelude::FromDer;

use super::profile::{Authority, CertProfile, Identity, PkiError};
use super::{credential, sha256_fingerprint};
use crate::fsutil::{write_atomic, FileMode};

/// Files of a bundle, in the order they are written.
pub const BUNDLE_FILES: &[&str] = &[
    "ca.pem",
    "ca-key.pem",
    "core.pem",
    "core-key.pem",
    "enrolment.pem",
    "enrolment-key.pem",
    "credential.jwt",
    "manifest.json",
];

/// Lifetime of the `credential.jwt` in a bundle: 24 h.
const BUNDLE_CREDENTIAL_SECS: i64 = 24 * 3600;

/// A complete test PKI: the CAPIF root, the core's server identity and the enrolment signer.
#[derive(Clone, Debug)]
pub struct TestPki {
    /// The CAPIF root CA.
    pub ca: Authority,
    /// The core's server certificate and key.
    pub core: Identity,
    /// The enrolment signer's certificate and key (signs onboarding credentials).
    pub enrolment: Identity,
    /// The names the core certificate is valid for.
    pub hosts: Vec<String>,
}

/// `manifest.json`: what each file of the bundle is.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Always "TEST ONLY": these keys protect nothing.
    pub warning: &'static str,
    /// One entry per file.
    pub files: Vec<ManifestEntry>,
}

/// One file of the bundle.
#[derive(Debug, Clone, Serialize)]
pub struct ManifestEntry {
    /// File name inside the bundle directory.
    pub file: String,
    /// What it is for.
    pub role: String,
    /// Subject DN (certificates) or `sub` (credential).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// subjectAltNames (certificates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<String>,
    /// Start of validity, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    /// End of validity, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
    /// Serial number, hex (certificates).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// SHA-256 of the DER (certificates) or of the file (keys, credential).
    pub sha256: String,
}

impl TestPki {
    /// Generate a fresh PKI whose core certificate is valid for `hosts`.
    pub fn generate(hosts: &[String]) -> Result<Self, PkiError> {
        let ca = Authority::new_root("CAPIF Root CA (capif-conformance TEST ONLY)")?;
        let core = ca.issue_identity(&CertProfile::Server {
            hosts: hosts.to_vec(),
        })?;
        let enrolment = ca.issue_identity(&CertProfile::Enrolment)?;
        Ok(Self {
            ca,
            core,
            enrolment,
            hosts: hosts.to_vec(),
        })
    }

    /// A valid onboarding credential for `sub`, valid for `lifetime_secs`.
    pub fn credential(&self, sub: &str, lifetime_secs: i64) -> String {
        credential::mint_credential(
            &self.enrolment.key,
            &credential::Claims::valid_for(sub, lifetime_secs),
        )
    }

    /// The enrolment key's uncompressed EC point: what a core verifies credentials with.
    pub fn enrolment_point(&self) -> &[u8] {
        self.enrolment.key.public_key_raw()
    }

    /// Write the bundle into `dir` (created if needed); private keys get mode 0600.
    ///
    /// Long by design: one file per role, in the manifest's order.
    pub fn write(&self, dir: &Path) -> Result<Manifest, PkiError> {
        std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
        let credential = self.credential("api-invoker", BUNDLE_CREDENTIAL_SECS);
        let mut files = Vec::new();
        let mut put = |name: &str, bytes: &[u8], mode: FileMode, entry: ManifestEntry| {
            let path = dir.join(name);
            write_atomic(&path, bytes, mode).map_err(|e| file_err(&path, e))?;
            files.push(entry);
            Ok::<(), PkiError>(())
        };
        let ca_pem = self.ca.cert_pem();
        put(
            "ca.pem",
            ca_pem.as_bytes(),
            FileMode::Public,
            cert_entry("ca.pem", "CAPIF root CA", &self.ca.cert),
        )?;
        put(
            "ca-key.pem",
            self.ca.key_pem().as_bytes(),
            FileMode::Private,
            key_entry("ca-key.pem", "CAPIF root CA private key", self.ca.key_pem()),
        )?;
        put(
            "core.pem",
            self.core.chain_pem().as_bytes(),
            FileMode::Public,
            cert_entry(
                "core.pem",
                "CAPIF core server certificate",
                &self.core.chain[0],
            ),
        )?;
        let core_key = self.core.key.serialize_pem();
        put(
            "core-key.pem",
            core_key.as_bytes(),
            FileMode::Private,
            key_entry("core-key.pem", "CAPIF core server private key", &core_key),
        )?;
        put(
            "enrolment.pem",
            self.enrolment.cert_pem().as_bytes(),
            FileMode::Public,
            cert_entry(
                "enrolment.pem",
                "onboarding credential signer certificate",
                &self.enrolment.chain[0],
            ),
        )?;
        let enrol_key = self.enrolment.key.serialize_pem();
        put(
            "enrolment-key.pem",
            enrol_key.as_bytes(),
            FileMode::Private,
            key_entry(
                "enrolment-key.pem",
                "onboarding credential signer private key",
                &enrol_key,
            ),
        )?;
        let mut cred_entry = key_entry(
            "credential.jwt",
            "valid onboarding credential (ES256 JWT, 24 h)",
            &credential,
        );
        cred_entry.subject = Some("api-invoker".into());
        put(
            "credential.jwt",
            format!("{credential}\n").as_bytes(),
            FileMode::Private,
            cred_entry,
        )?;
        let manifest = Manifest {
            warning: "TEST ONLY: generated by capif-conformance; these keys protect nothing",
            files,
        };
        let json = serde_json::to_vec_pretty(&manifest).expect("manifest serializes");
        let path = dir.join("manifest.json");
        write_atomic(&path, &json, FileMode::Public).map_err(|e| file_err(&path, e))?;
        Ok(manifest)
    }

    /// Load a bundle written by [`TestPki::write`].
    pub fn load(dir: &Path) -> Result<Self, PkiError> {
        let read = |name: &str| -> Result<String, PkiError> {
            let path = dir.join(name);
            crate::fsutil::read_text(&path).map_err(|e| file_err(&path, e))
        };
        let invalid = |name: &str, reason: String| PkiError::Invalid {
            path: dir.join(name).display().to_string(),
            reason,
        };
        let ca = Authority::from_pem(&read("ca.pem")?, &read("ca-key.pem")?).map_err(|e| {
            invalid(
                "ca.pem",
                format!("not a usable CA certificate and key: {e}"),
            )
        })?;
        let identity = |cert: &str, key: &str| -> Result<Identity, PkiError> {
            use rustls_pki_types::pem::PemObject;
            let chain = rustls_pki_types::CertificateDer::pem_slice_iter(read(cert)?.as_bytes())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| invalid(cert, format!("not PEM certificates: {e}")))?;
            if chain.is_empty() {
                return Err(invalid(cert, "no certificate in the file".into()));
            }
            let key = KeyPair::from_pem(&read(key)?)
                .map_err(|e| invalid(key, format!("not a PEM private key: {e}")))?;
            Ok(Identity::new(chain, key))
        };
        let core = identity("core.pem", "core-key.pem")?;
        let enrolment = identity("enrolment.pem", "enrolment-key.pem")?;
        let hosts = sans_of(&core.chain[0]);
        Ok(Self {
            ca,
            core,
            enrolment,
            hosts,
        })
    }
}

fn file_err(path: &Path, source: std::io::Error) -> PkiError {
    PkiError::File {
        path: path.display().to_string(),
        source,
    }
}

fn rfc3339(t: x509_parser::time::ASN1Time) -> String {
    t.to_datetime()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn sans_of(der: &[u8]) -> Vec<String> {
    let Ok((_, cert)) = x509_parser::certificate::X509Certificate::from_der(der) else {
        return Vec::new();
    };
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|n| match n {
            x509_parser::extensions::GeneralName::DNSName(d) => Some(d.to_string()),
            x509_parser::extensions::GeneralName::IPAddress(b) => match b.len() {
                4 => Some(std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*b).ok()?).to_string()),
                16 => Some(std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*b).ok()?).to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn cert_entry(file: &str, role: &str, der: &[u8]) -> ManifestEntry {
    let parsed = x509_parser::certificate::X509Certificate::from_der(der)
        .map(|(_, c)| c)
        .ok();
    ManifestEntry {
        file: file.into(),
        role: role.into(),
        subject: parsed.as_ref().map(|c| c.subject().to_string()),
        sans: sans_of(der),
        not_before: parsed.as_ref().map(|c| rfc3339(c.validity().not_before)),
        not_after: parsed.as_ref().map(|c| rfc3339(c.validity().not_after)),
        serial: parsed.as_ref().map(|c| c.raw_serial_as_string()),
        sha256: sha256_fingerprint(der),
    }
}

fn key_entry(file: &str, role: &str, content: &str) -> ManifestEntry {
    ManifestEntry {
        file: file.into(),
        role: role.into(),
        subject: None,
        sans: Vec::new(),
        not_before: None,
        not_after: None,
        serial: None,
        sha256: sha256_fingerprint(content.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pki::profile::der_to_pem;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn bundle_round_trips_and_keys_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let hosts = vec!["capif.example".to_string(), "127.0.0.1".to_string()];
        let pki = TestPki::generate(&hosts).unwrap();
        let manifest = pki.write(dir.path()).unwrap();
        assert_eq!(manifest.files.len(), BUNDLE_FILES.len() - 1);
        for name in BUNDLE_FILES {
            let meta = std::fs::metadata(dir.path().join(name)).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            if name.contains("key") || name.ends_with(".jwt") {
                assert_eq!(mode, 0o600, "{name}");
            } else {
                assert_eq!(mode & 0o077, 0o044, "{name} readable by others");
            }
        }
        let core = manifest
            .files
            .iter()
            .find(|f| f.file == "core.pem")
            .unwrap();
        assert_eq!(core.sans, hosts);
        let loaded = TestPki::load(dir.path()).unwrap();
        assert_eq!(loaded.ca.cert, pki.ca.cert);
        assert_eq!(loaded.core.chain, pki.core.chain);
        assert_eq!(loaded.hosts, hosts);
        let token = std::fs::read_to_string(dir.path().join("credential.jwt")).unwrap();
        let claims = credential::verify_credential(token.trim(), loaded.enrolment_point()).unwrap();
        assert_eq!(claims.sub, "api-invoker");
        // A loaded CA still issues certificates that chain to the written root.
        let issued = loaded
            .ca
            .issue_identity(&CertProfile::Server {
                hosts: vec!["x.example".into()],
            })
            .unwrap();
        let anchor = webpki::anchor_from_trusted_cert(&pki.ca.cert).unwrap();
        webpki::EndEntityCert::try_from(&issued.chain[0])
            .unwrap()
            .verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                &[anchor],
                &[],
                rustls_pki_types::UnixTime::now(),
                webpki::KeyUsage::server_auth(),
                None,
                None,
            )
            .unwrap();
    }

    #[test]
    fn loading_a_missing_bundle_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let err = TestPki::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("ca.pem"), "{err}");
    }

    #[test]
    fn pem_helper_matches_rcgen() {
        let pki = TestPki::generate(&["localhost".into()]).unwrap();
        assert_eq!(der_to_pem("CERTIFICATE", &pki.ca.cert), pki.ca.cert_pem());
    }
}
