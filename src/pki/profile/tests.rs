//! Unit tests of `src/pki/profile.rs`.

use super::*;

#[test]
fn variant_words_round_trip() {
    for v in ServerVariant::ALL {
        assert_eq!(v.word().parse::<ServerVariant>(), Ok(v));
        assert!(!v.defect().is_empty());
    }
    assert!("fine".parse::<ServerVariant>().is_err());
}
use rustls_pki_types::{ServerName, UnixTime};
use webpki::{EndEntityCert, KeyUsage};

fn verify_server(
    ca: &Authority,
    id: &Identity,
    host: &str,
    usage: KeyUsage,
) -> Result<(), webpki::Error> {
    let anchor = webpki::anchor_from_trusted_cert(&ca.cert)
        .unwrap()
        .to_owned();
    let ee = EndEntityCert::try_from(&id.chain[0])?;
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &[anchor],
        &id.chain[1..],
        UnixTime::now(),
        usage,
        None,
        None,
    )?;
    ee.verify_is_valid_for_subject_name(&ServerName::try_from(host).unwrap())
}

fn hosts() -> Vec<String> {
    DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect()
}

#[test]
fn good_server_certificate_validates_for_every_host() {
    let ca = Authority::new_root("test root").unwrap();
    let id = ca
        .issue_identity(&CertProfile::Server { hosts: hosts() })
        .unwrap();
    for h in DEFAULT_HOSTS {
        verify_server(&ca, &id, h, KeyUsage::server_auth()).unwrap();
    }
}

#[test]
fn invoker_certificate_validates_for_client_auth_only() {
    let ca = Authority::new_root("test root").unwrap();
    let id = ca
        .issue_identity(&CertProfile::Invoker {
            api_invoker_id: "INV0123".into(),
            validity: Duration::days(1),
        })
        .unwrap();
    let anchor = webpki::anchor_from_trusted_cert(&ca.cert)
        .unwrap()
        .to_owned();
    let ee = EndEntityCert::try_from(&id.chain[0]).unwrap();
    let verify = |usage| {
        ee.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            std::slice::from_ref(&anchor),
            &[],
            UnixTime::now(),
            usage,
            None,
            None,
        )
        .map(|_| ())
    };
    verify(KeyUsage::client_auth()).unwrap();
    assert!(verify(KeyUsage::server_auth()).is_err());
}

#[test]
fn every_bad_variant_fails_for_its_intended_reason() {
    let ca = Authority::new_root("test root").unwrap();
    for variant in ServerVariant::ALL {
        let id = Identity::bad_server(&ca, variant, &hosts()).unwrap();
        let err = verify_server(&ca, &id, "localhost", KeyUsage::server_auth()).unwrap_err();
        let ok = match variant {
            ServerVariant::OtherCa | ServerVariant::SelfSigned => {
                matches!(err, webpki::Error::UnknownIssuer)
            }
            ServerVariant::Expired => matches!(err, webpki::Error::CertExpired { .. }),
            ServerVariant::NotYetValid => {
                matches!(err, webpki::Error::CertNotValidYet { .. })
            }
            ServerVariant::WrongName => matches!(err, webpki::Error::CertNotValidForName(_)),
            ServerVariant::ClientAuthOnly => {
                matches!(err, webpki::Error::RequiredEkuNotFoundContext(_))
            }
            ServerVariant::IssuedByNonCa => matches!(err, webpki::Error::EndEntityUsedAsCa),
            ServerVariant::Sha1Signed => {
                matches!(err, webpki::Error::UnsupportedSignatureAlgorithmContext(_))
            }
        };
        assert!(ok, "{variant:?} failed with {err:?}");
    }
}

#[test]
fn serial_numbers_are_unique_and_positive() {
    let a = new_serial().to_bytes();
    let b = new_serial().to_bytes();
    assert_ne!(a, b);
    assert_eq!(a.len(), 16);
    assert!(a[0] & 0x80 == 0 && a[0] != 0);
}

#[test]
fn variants_of_one_key_never_share_a_serial() {
    let ca = Authority::new_root("test root").unwrap();
    let key = KeyPair::generate().unwrap();
    let p = CertProfile::Server { hosts: hosts() };
    let a = ca.issue(&p, &key).unwrap();
    let b = ca.issue(&p, &key).unwrap();
    let serial = |c: &Certificate| {
        use x509_parser::prelude::FromDer;
        x509_parser::certificate::X509Certificate::from_der(c.der())
            .unwrap()
            .1
            .tbs_certificate
            .raw_serial()
            .to_vec()
    };
    assert_ne!(serial(&a), serial(&b));
}
