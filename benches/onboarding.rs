//! `cargo bench`: PKI generation, the crypto floor of one onboarding, one complete onboarding
//! over loopback TLS, and the two suites against the reference peers.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use capif_conformance::net::Timeouts;
use capif_conformance::peers::core::{CoreSettings, RunningCore};
use capif_conformance::peers::invoker::{onboard, AdapterEnv};
use capif_conformance::pki::{TestPki, DEFAULT_HOSTS};
use capif_conformance::run::EmbeddedCore;
use capif_conformance::suite::{run_suite, SuiteOptions, SuiteTargets};
use capif_conformance::sut::InvokerTarget;
use criterion::{criterion_group, criterion_main, Criterion};
use ring::agreement::{self, EphemeralPrivateKey, UnparsedPublicKey as KxPublic, X25519};
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_ASN1,
    ECDSA_P256_SHA256_ASN1_SIGNING,
};

fn hosts() -> Vec<String> {
    DEFAULT_HOSTS.iter().map(|s| s.to_string()).collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The public-key operations one onboarding needs, and nothing else: P-256 keygen (invoker
/// key); 4 ECDSA signatures (credential by the enrolment key, CSR, TLS CertificateVerify,
/// issued certificate); 5 ECDSA verifications (credential, CSR, server certificate,
/// CertificateVerify, issued certificate); X25519 key exchange on both sides.
fn crypto_floor(c: &mut Criterion) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
    let signer =
        EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    let msg = [7u8; 256];
    let sig = signer.sign(&rng, &msg).unwrap();
    let public = UnparsedPublicKey::new(
        &ECDSA_P256_SHA256_ASN1,
        signer.public_key().as_ref().to_vec(),
    );
    c.bench_function("crypto_floor/one_onboarding", |b| {
        b.iter(|| {
            let k = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
            let k = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, k.as_ref(), &rng)
                .unwrap();
            black_box(&k);
            for _ in 0..4 {
                black_box(signer.sign(&rng, &msg).unwrap());
            }
            for _ in 0..5 {
                public.verify(&msg, sig.as_ref()).unwrap();
            }
            let a = EphemeralPrivateKey::generate(&X25519, &rng).unwrap();
            let b2 = EphemeralPrivateKey::generate(&X25519, &rng).unwrap();
            let (pa, pb) = (
                a.compute_public_key().unwrap(),
                b2.compute_public_key().unwrap(),
            );
            agreement::agree_ephemeral(a, &KxPublic::new(&X25519, pb.as_ref()), |k| {
                black_box(k.len())
            })
            .unwrap();
            agreement::agree_ephemeral(b2, &KxPublic::new(&X25519, pa.as_ref()), |k| {
                black_box(k.len())
            })
            .unwrap();
        })
    });
}

fn pki_bundle(c: &mut Criterion) {
    c.bench_function("pki/generate_bundle", |b| {
        b.iter(|| black_box(TestPki::generate(&hosts()).unwrap()))
    });
}

fn one_onboarding(c: &mut Criterion) {
    let rt = runtime();
    let pki = TestPki::generate(&hosts()).unwrap();
    let core = rt
        .block_on(RunningCore::start(
            CoreSettings::new(pki.clone()),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki.ca.cert_pem()).unwrap();
    let env = AdapterEnv {
        register: None,
        connect_to: None,
        core_url: url::Url::parse(&core.url).unwrap(),
        ca_file: ca,
        credential: pki.credential("bench", 3600),
        workdir: None,
    };
    c.bench_function("onboarding/reference_invoker_to_reference_core", |b| {
        b.iter(|| {
            rt.block_on(onboard(
                &env,
                &Timeouts::default(),
                &Default::default(),
                &Default::default(),
            ))
            .unwrap()
        })
    });
    rt.block_on(core.shutdown());
}

fn suites(c: &mut Criterion) {
    let rt = runtime();
    let mut g = c.benchmark_group("suite");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    let embedded = rt
        .block_on(EmbeddedCore::start(Timeouts::default()))
        .unwrap();
    g.bench_function("core_vs_reference_core", |b| {
        b.iter(|| {
            let targets = SuiteTargets {
                core: Some(embedded.target.clone()),
                invoker: None,
                pair: None,
                ..Default::default()
            };
            rt.block_on(run_suite(targets, SuiteOptions::default()))
                .unwrap()
        })
    });
    let pki = TestPki::generate(&hosts()).unwrap();
    let target = InvokerTarget::reference(
        Path::new(env!("CARGO_BIN_EXE_capif-conformance")),
        Timeouts::default(),
        pki,
    );
    g.bench_function("invoker_vs_reference_invoker", |b| {
        b.iter(|| {
            let targets = SuiteTargets {
                core: None,
                invoker: Some(target.clone()),
                pair: None,
                ..Default::default()
            };
            rt.block_on(run_suite(targets, SuiteOptions::default()))
                .unwrap()
        })
    });
    g.finish();
    rt.block_on(embedded.core.shutdown());
}

criterion_group!(benches, crypto_floor, pki_bundle, one_onboarding, suites);
criterion_main!(benches);
