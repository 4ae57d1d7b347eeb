//! Hostile cores: whatever a broken or malicious system under test does, every scenario ends
//! with fail or error within its timeouts, nothing passes, nothing panics, what the harness
//! buffers is capped, and the report is still written.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use capif_conformance::checks::Verdict;
use capif_conformance::net::{server_config, ClientAuth, Timeouts, TLS_VERSIONS};
use capif_conformance::pki::TestPki;
use capif_conformance::suite::{run_suite, SuiteOptions, SuiteTargets};
use capif_conformance::sut::{CoreCapabilities, CoreTarget, CredentialSource};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::pki;

#[derive(Clone, Copy, Debug)]
enum Hostile {
    Silent,
    GarbageInsteadOfTls,
    GarbageHttp,
    EndlessBody,
    GiantContentLength,
    ResetMidResponse,
    Trickle,
    LegacyServerHello,
    CleartextCreated,
    WarnedLegacyServerHello,
    LateCleartextCreated,
    JunkThenCleartextCreated,
    ServerError500,
    CreatedToEverything,
    AcceptsWeakSuites,
    /// A 201 whose two Content-Length values differ (RFC 9112 §6.3 item 5: discarded).
    ConflictingContentLength,
    /// A 201 with both Transfer-Encoding: chunked and Content-Length.
    ChunkedWithContentLength,
    /// 201 to every request, with a body of the client's cap (1 MiB) that is not JSON: the
    /// memory bound's load (not in ALL: its 201 is a pass for CCF-OK-01).
    MaximalBody,
}

const ALL: [Hostile; 17] = [
    Hostile::Silent,
    Hostile::GarbageInsteadOfTls,
    Hostile::GarbageHttp,
    Hostile::EndlessBody,
    Hostile::GiantContentLength,
    Hostile::ResetMidResponse,
    Hostile::Trickle,
    Hostile::LegacyServerHello,
    Hostile::CleartextCreated,
    Hostile::WarnedLegacyServerHello,
    Hostile::LateCleartextCreated,
    Hostile::JunkThenCleartextCreated,
    Hostile::ServerError500,
    Hostile::CreatedToEverything,
    Hostile::AcceptsWeakSuites,
    Hostile::ConflictingContentLength,
    Hostile::ChunkedWithContentLength,
];

async fn read_request_head<S: AsyncReadExt + Unpin>(s: &mut S) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65536 {
        match s.read(&mut chunk).await {
            Ok(n) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return,
        }
    }
}

/// The weak suite (TLS_RSA_WITH_RC4_128_SHA, else TLS_RSA_WITH_AES_128_CBC_SHA) the
/// ClientHello waiting on `tcp` offers, if any (peeked, not read).
async fn weak_suite_offered(tcp: &TcpStream) -> Option<u16> {
    let mut b = [0u8; 2048];
    for _ in 0..20 {
        if let Ok(n) = tcp.peek(&mut b).await {
            if let Some(h) = capif_conformance::sut::parse_client_hello(&b[..n]) {
                return [0x0005, 0x002f]
                    .into_iter()
                    .find(|s| h.cipher_suites.contains(s));
            }
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

async fn serve(kind: Hostile, tcp: TcpStream, pki: TestPki) {
    let mut tcp = tcp;
    match kind {
        Hostile::Silent => {
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Hostile::GarbageInsteadOfTls => {
            let _ = tcp
                .write_all(b"\x00\xffHELLO this is not TLS at all\r\n")
                .await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Hostile::CleartextCreated => {
            // Serves onboarding in clear: what a core that processes cleartext requests does.
            read_request_head(&mut tcp).await;
            let _ = tcp
                .write_all(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n{\"apiInvokerId\":\"INVx\"}")
                .await;
        }
        Hostile::LateCleartextCreated | Hostile::JunkThenCleartextCreated => {
            // Serves onboarding in clear, but late (past the handshake timeout) or after
            // ~600 junk bytes: still an HTTP answer to a cleartext request.
            read_request_head(&mut tcp).await;
            if matches!(kind, Hostile::LateCleartextCreated) {
                tokio::time::sleep(Duration::from_millis(1000)).await;
            } else {
                let _ = tcp.write_all(&[0x17u8; 600]).await;
            }
            let _ = tcp
                .write_all(b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 25\r\n\r\n{\"apiInvokerId\":\"INVx\"}")
                .await;
        }
        Hostile::AcceptsWeakSuites if weak_suite_offered(&tcp).await.is_some() => {
            // A core with RC4 and static-RSA CBC still enabled: a hello offering one gets a
            // TLS 1.2 ServerHello selecting it; every other hello is served by rustls below.
            let suite = weak_suite_offered(&tcp).await.unwrap_or(0x0005);
            let mut b = [0u8; 2048];
            let _ = tcp.read(&mut b).await;
            let mut hello = vec![
                0x16, 0x03, 0x03, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x03,
            ];
            hello.extend_from_slice(&[9u8; 32]);
            hello.extend_from_slice(&[0x00]);
            hello.extend_from_slice(&suite.to_be_bytes());
            hello.push(0x00);
            let _ = tcp.write_all(&hello).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Hostile::LegacyServerHello | Hostile::WarnedLegacyServerHello => {
            // Answers any ClientHello with a TLS 1.0 ServerHello: what a core accepting
            // TLS 1.0 would do (rustls cannot, so this stands in for that bug); the warned
            // one sends a warning alert first, which is no refusal.
            let mut b = [0u8; 2048];
            let _ = tcp.read(&mut b).await;
            if matches!(kind, Hostile::WarnedLegacyServerHello) {
                let _ = tcp
                    .write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x01, 0x5a])
                    .await;
            }
            let mut hello = vec![
                0x16, 0x03, 0x01, 0x00, 0x2a, 0x02, 0x00, 0x00, 0x26, 0x03, 0x01,
            ];
            hello.extend_from_slice(&[7u8; 32]);
            hello.extend_from_slice(&[0x00, 0xc0, 0x13, 0x00]);
            let _ = tcp.write_all(&hello).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        _ => {
            let cfg = server_config(&pki.core, &ClientAuth::None, TLS_VERSIONS).unwrap();
            let Ok(mut tls) = tokio_rustls::TlsAcceptor::from(Arc::new((*cfg).clone()))
                .accept(tcp)
                .await
            else {
                return;
            };
            read_request_head(&mut tls).await;
            match kind {
                Hostile::GarbageHttp => {
                    let _ = tls.write_all(b"SPDY/9 oops\r\n\x01\x02\x03\r\n\r\n").await;
                }
                Hostile::EndlessBody => {
                    let _ = tls
                        .write_all(b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .await;
                    let chunk = format!("{:x}\r\n{}\r\n", 65536, "a".repeat(65536));
                    for _ in 0..100_000 {
                        if tls.write_all(chunk.as_bytes()).await.is_err() {
                            break;
                        }
                    }
                }
                Hostile::GiantContentLength => {
                    let _ = tls.write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 1073741824\r\n\r\n{\"apiInvokerId\":").await;
                }
                Hostile::ResetMidResponse => {
                    let _ = tls
                        .write_all(b"HTTP/1.1 201 Created\r\nContent-Length: 500\r\n\r\n{\"apiInv")
                        .await;
                    let _ = tls.flush().await;
                    let (tcp, _) = tls.into_inner();
                    let std = tcp.into_std().unwrap();
                    let sock = socket2_linger_zero(std);
                    drop(sock);
                    return;
                }
                Hostile::Trickle => {
                    for b in b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}" {
                        if tls.write_all(&[*b]).await.is_err() {
                            return;
                        }
                        let _ = tls.flush().await;
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
                Hostile::ConflictingContentLength | Hostile::ChunkedWithContentLength => {
                    // A well-formed onboarding answer in every other way: only the framing is
                    // wrong, so a harness reading the first Content-Length would judge a 201.
                    let body = r#"{"apiInvokerId":"INVx","onboardingInformation":{}}"#;
                    let framing = if matches!(kind, Hostile::ConflictingContentLength) {
                        format!(
                            "Content-Length: {}\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len(),
                            body.len() + 7
                        )
                    } else {
                        format!("Transfer-Encoding: chunked\r\nContent-Length: {}\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n", body.len(), body.len())
                    };
                    let answer = format!("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nLocation: https://127.0.0.1/api-invoker-management/v1/onboardedInvokers/INVx\r\nConnection: close\r\n{framing}");
                    let _ = tls.write_all(answer.as_bytes()).await;
                    let _ = tls.shutdown().await;
                    return;
                }
                Hostile::MaximalBody => {
                    let body = vec![b'a'; capif_conformance::net::MAX_BODY];
                    let head = format!(
                        "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(head.as_bytes()).await;
                    let _ = tls.write_all(&body).await;
                    let _ = tls.shutdown().await;
                    return;
                }
                Hostile::ServerError500
                | Hostile::CreatedToEverything
                | Hostile::AcceptsWeakSuites => {
                    // A clean session that ends properly after an answer that is not the one
                    // the teardown and state purposes are about: they must not pass on it.
                    let answer: &[u8] = if !matches!(kind, Hostile::CreatedToEverything) {
                        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/problem+json\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{\"status\":500}"
                    } else {
                        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 25\r\nConnection: close\r\n\r\n{\"apiInvokerId\":\"INVx\"}"
                    };
                    let _ = tls.write_all(answer).await;
                    let _ = tls.shutdown().await;
                    return;
                }
                _ => unreachable!(),
            }
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

/// Close with RST: SO_LINGER with a zero timeout.
fn socket2_linger_zero(s: std::net::TcpStream) -> std::net::TcpStream {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt on a valid, owned socket with a correctly sized linger struct.
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const _ as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    s
}

async fn spawn(kind: Hostile) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let pki = pki().clone();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(serve(kind, tcp, pki.clone()));
        }
    });
    (addr, task)
}

fn target(addr: SocketAddr, t: Timeouts) -> CoreTarget {
    CoreTarget {
        url: url::Url::parse(&format!("https://127.0.0.1:{}", addr.port())).unwrap(),
        api_root: None,
        host: "127.0.0.1".into(),
        port: addr.port(),
        server_name: "127.0.0.1".into(),
        trusted: vec![pki().ca.cert.clone()],
        invoker_ca: vec![pki().ca.cert.clone()],
        credential: CredentialSource::Minted(Box::new(pki().clone())),
        harness_pki: Some(pki().clone()),
        invoker_key: Default::default(),
        invoker_key_format: Default::default(),
        identities: std::sync::Arc::new(capif_conformance::pki::IdentityIssuer::new(
            Default::default(),
        )),
        capabilities: CoreCapabilities {
            accepts_harness_credentials: true,
            offboarding: true,
            ..CoreCapabilities::default()
        },
        timeouts: t,
        keylog: None,
        signing_key: None,
        reuse_credential: true,
        notifications: None,
        shared: Default::default(),
    }
}

#[tokio::test]
async fn hostile_cores_fail_within_their_timeouts_and_the_report_is_written() {
    let t = Timeouts {
        connect: Duration::from_millis(500),
        handshake: Duration::from_millis(700),
        response: Duration::from_millis(1500),
        teardown: Duration::from_millis(300),
        adapter: Duration::from_secs(5),
    };
    // A hang detector, not a performance assertion: the hostile servers hold connections for
    // 30 s, so finishing well before that proves every wait was bounded by its phase timeout.
    let bound = Duration::from_secs(20);
    let all = Instant::now();
    for kind in ALL {
        let (addr, server) = spawn(kind).await;
        let started = Instant::now();
        let outcomes = run_suite(
            SuiteTargets {
                core: Some(target(addr, t)),
                invoker: None,
                pair: None,
                ..Default::default()
            },
            SuiteOptions {
                concurrency: 32,
                ..SuiteOptions::default()
            },
        )
        .await
        .unwrap();
        let took = started.elapsed();
        server.abort();
        println!("{kind:?}: {} scenarios in {took:?}", outcomes.len());
        assert!(took < bound, "{kind:?} took {took:?}");
        let core_purposes = capif_conformance::catalogue::all()
            .filter(|tp| {
                tp.sut == capif_conformance::catalogue::Sut::Core
                    && tp.runner == capif_conformance::catalogue::Runner::Suite
            })
            .count();
        assert_eq!(outcomes.len(), core_purposes, "{kind:?}");
        // A hostile core is never conformant: at least one mandatory failure, and nothing
        // that needs an HTTP answer passes (not tested is inconclusive, never a pass).
        assert!(
            outcomes.iter().any(|o| o.verdict == Verdict::Fail
                && o.tp.severity() == capif_conformance::catalogue::Severity::Mandatory),
            "{kind:?}: no mandatory failure"
        );
        for o in &outcomes {
            let tls_done_right = matches!(
                kind,
                Hostile::ServerError500
                    | Hostile::AcceptsWeakSuites
                    | Hostile::GarbageHttp
                    | Hostile::EndlessBody
                    | Hostile::GiantContentLength
                    | Hostile::ResetMidResponse
                    | Hostile::Trickle
                    | Hostile::ConflictingContentLength
                    | Hostile::ChunkedWithContentLength
            );
            let ok = match kind {
                // A core serving onboarding in clear: TLS-03 must fail, saying so.
                Hostile::CleartextCreated
                | Hostile::LateCleartextCreated
                | Hostile::JunkThenCleartextCreated
                    if o.tp.id == "CCF-TLS-03" =>
                {
                    o.verdict == Verdict::Fail && o.reason.contains("HTTP 201")
                }
                // It accepts RC4 (and, under the same hello, everything): TLS-08/09 must fail,
                // saying which suite it selected.
                Hostile::AcceptsWeakSuites if o.tp.id == "CCF-TLS-08" => {
                    o.verdict == Verdict::Fail && o.reason.contains("RC4")
                }
                // It selects RC4 whatever was offered: every other class's enumeration stops
                // on a suite it did not offer, so nothing discouraged can pass.
                Hostile::AcceptsWeakSuites if o.tp.id == "CCF-TLS-09" => o.verdict != Verdict::Pass,
                // The legacy ServerHello is what a core accepting TLS 1.0 sends: TLS-02 must fail.
                Hostile::LegacyServerHello | Hostile::WarnedLegacyServerHello
                    if o.tp.id == "CCF-TLS-02" =>
                {
                    o.verdict == Verdict::Fail
                }
                // A core that stays silent after a TLS 1.0/1.1 hello negotiated nothing: the
                // handshake timer does not make that a finding (what it does wrong is judged
                // elsewhere: CCF-TLS-01, -03).
                _ if o.tp.id == "CCF-TLS-02" && o.reason.contains("negotiated nothing") => {
                    o.verdict == Verdict::Pass
                }
                // A core that answers 201 to everything: whatever it gets right, the teardown
                // after an error and "a rejection leaves no state" were never exercised.
                Hostile::CreatedToEverything => {
                    !matches!(o.tp.id, "CCF-TD-02" | "CCF-CRED-08" | "CCF-CRED-07")
                        || o.verdict == Verdict::Inconclusive
                }
                // These hostiles do TLS correctly (rustls): the purely TLS-level purposes may
                // pass; everything that needs an HTTP answer must not.
                _ if tls_done_right
                    && matches!(
                        o.tp.id,
                        "CCF-TLS-01"
                            | "CCF-TLS-02"
                            | "CCF-TLS-06"
                            | "CCF-TLS-07"
                            | "CCF-TLS-08"
                            | "CCF-TLS-09"
                            | "CCF-TLS-15"
                            | "CCF-TLS-16"
                            | "CCF-TLS-17"
                    ) =>
                {
                    true
                }
                _ => matches!(
                    o.verdict,
                    Verdict::Fail | Verdict::Error | Verdict::NotApplicable | Verdict::Inconclusive
                ),
            };
            assert!(ok, "{kind:?}: {} is {} ({})", o.tp.id, o.verdict, o.reason);
        }
        // An invalid framing discards the response (RFC 9112 §6.3): the onboarding test
        // purpose saw no valid response, and says which header made it invalid.
        if let Some(header) = match kind {
            Hostile::ConflictingContentLength => Some("Content-Length values differ"),
            Hostile::ChunkedWithContentLength => Some("both Transfer-Encoding"),
            _ => None,
        } {
            let ok01 = outcomes.iter().find(|o| o.tp.id == "CCF-OK-01").unwrap();
            assert!(
                ok01.verdict != Verdict::Pass && ok01.reason.contains(header),
                "{kind:?}: CCF-OK-01 is {} ({})",
                ok01.verdict,
                ok01.reason
            );
        }
        // The report of a hostile run is still written.
        let report = capif_conformance::report::Report {
            format_version: 1,
            tool: "capif-conformance".into(),
            tool_version: "test".into(),
            run_id: format!("hostile-{kind:?}"),
            command_line: vec![],
            started_at: String::new(),
            duration_ms: took.as_millis() as u64,
            config: None,
            suts: vec![],
            summary: capif_conformance::report::Summary::of(
                outcomes.iter().map(|o| (&o.verdict, o.tp.severity())),
            ),
            specifications: vec![],
            results: outcomes
                .iter()
                .map(capif_conformance::report::ResultEntry::from)
                .collect(),
            baseline: None,
            exit_code: capif_conformance::run::exit_code_for(&outcomes),
            cell: None,
        };
        let dir = tempfile::tempdir().unwrap();
        let paths = capif_conformance::report::write_reports(&report, dir.path()).unwrap();
        assert!(std::fs::metadata(paths.html()).unwrap().len() > 1000);
    }
    println!("hostile set: {:?}", all.elapsed());
}

/// The peak resident memory (KiB) of `capif-conformance run --sut core` against the hostile
/// core `kind`, read from the child's own rusage (wait4), and its wall time.
async fn peak_rss_of_a_run_against(kind: Hostile) -> (u64, Duration) {
    let (addr, server) = spawn(kind).await;
    let dir = tempfile::tempdir().unwrap();
    pki().write(&dir.path().join("certs")).unwrap();
    let config = dir.path().join("sut.toml");
    std::fs::write(
        &config,
        format!(
            "[core]\nurl = \"https://127.0.0.1:{}\"\nca = \"{d}/certs/ca.pem\"\ncredential = \"{}\"\npki = \"{d}/certs\"\n\
             [core.capabilities]\naccepts_harness_credentials = true\noffboarding = true\n\
             [timeouts]\nconnect = \"500ms\"\nhandshake = \"700ms\"\nresponse = \"1500ms\"\nteardown = \"300ms\"\n",
            addr.port(),
            pki().credential("memory-bound", 900),
            d = dir.path().display()
        ),
    )
    .unwrap();
    let started = Instant::now();
    #[allow(clippy::zombie_processes)]
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_capif-conformance"))
        .args(["run", "--sut", "core", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("reports"))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("stderr")).unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    // Reaped by wait4 below, which also reads its rusage (Child::wait would not).
    std::mem::forget(child);
    let kib = tokio::task::spawn_blocking(move || {
        let mut status = 0;
        // SAFETY: an all-zero rusage is valid; wait4 fills it for this child only (a
        // process-wide RUSAGE_CHILDREN would mix in every other test's children).
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        assert_eq!(r, pid, "wait4: {}", std::io::Error::last_os_error());
        (usage.ru_maxrss as u64, status)
    })
    .await
    .unwrap();
    server.abort();
    // The run judged the core (exit 1: not conformant), not a configuration error.
    let (kib, status) = kib;
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 1,
        "{kind:?}: status {status:#x}: {}",
        std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
    );
    (kib, started.elapsed())
}

/// Issue 28, class 3: memory proportionate to the caps. A core answering every request with
/// a body of the client's cap costs the run at most 64 MiB more than one answering with 25
/// bytes (it cost ~300 MiB when cucumber's writer formatted the World byte by byte).
#[tokio::test]
async fn a_core_sending_maximal_bodies_costs_memory_proportionate_to_the_caps() {
    let (small, small_took) = peak_rss_of_a_run_against(Hostile::CreatedToEverything).await;
    let (large, large_took) = peak_rss_of_a_run_against(Hostile::MaximalBody).await;
    println!(
        "peak RSS: {} MiB with 25-byte bodies ({small_took:?}), {} MiB with 1 MiB bodies ({large_took:?})",
        small / 1024,
        large / 1024
    );
    assert!(
        large <= small + 64 * 1024,
        "peak RSS {} MiB with maximal bodies, {} MiB without",
        large / 1024,
        small / 1024
    );
}
