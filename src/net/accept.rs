//! The accept loop of the harness's servers (reference core, played register, key server,
//! notification receiver): one task per connection, finished ones reaped as they end, and on
//! stop a bounded drain.

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Sessions one of the harness's servers serves at once; a connection beyond them is closed at
/// once, unread. No legitimate peer comes near it (the load mode runs 16 at a time); a system
/// under test that opens connections without end costs a bounded number of tasks.
pub const MAX_OPEN_SESSIONS: usize = 256;

/// Accept on `listener` until `stopped` changes, running `handle` for each connection (at most
/// [`MAX_OPEN_SESSIONS`] at once); then give the open ones `grace` to finish and abort the
/// rest.
pub async fn accept_until_stopped<F, Fut>(
    listener: TcpListener,
    mut stopped: watch::Receiver<bool>,
    grace: Duration,
    mut handle: F,
) where
    F: FnMut(TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                // Small writes leave at once, not after the peer's delayed ACK (40 ms).
                let _ = tcp.set_nodelay(true);
                if sessions.len() >= MAX_OPEN_SESSIONS {
                    // Reap what has finished first: only live sessions count.
                    while sessions.try_join_next().is_some() {}
                }
                if sessions.len() >= MAX_OPEN_SESSIONS {
                    drop(tcp);
                    continue;
                }
                sessions.spawn(handle(tcp));
            }
            // Reap finished sessions so the set does not grow without bound.
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
    drop(listener);
    let drain = async { while sessions.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, drain).await.is_err() {
        sessions.abort_all();
    }
}

/// The harness's tiny HTTPS servers (the key server, the notification receiver): accept until
/// `stopped`, give each connection `HANDSHAKE_BOUND` for TLS, then serve HTTP/1.1 requests with
/// `handle`. The accept loop is [`accept_until_stopped`] with no grace (nothing to finish).
pub fn spawn_https<F, Fut>(
    listener: TcpListener,
    stopped: watch::Receiver<bool>,
    tls: tokio_rustls::TlsAcceptor,
    handle: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(hyper::Request<hyper::body::Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = http::Response<http_body_util::Full<bytes::Bytes>>> + Send + 'static,
{
    spawn_https_noting_cleartext(listener, stopped, tls, |_| {}, handle)
}

/// [`spawn_https`], and a connection that opens with a clear-text HTTP request instead of a
/// TLS ClientHello is refused (closed unanswered) after `on_cleartext` is given its request
/// line: the notification receiver says a notification came in clear, not that none came.
pub fn spawn_https_noting_cleartext<C, F, Fut>(
    listener: TcpListener,
    stopped: watch::Receiver<bool>,
    tls: tokio_rustls::TlsAcceptor,
    on_cleartext: C,
    handle: F,
) -> tokio::task::JoinHandle<()>
where
    C: Fn(String) + Clone + Send + Sync + 'static,
    F: Fn(hyper::Request<hyper::body::Incoming>) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = http::Response<http_body_util::Full<bytes::Bytes>>> + Send + 'static,
{
    tokio::spawn(accept_until_stopped(
        listener,
        stopped,
        Duration::ZERO,
        move |tcp| {
            let (tls, handle, on_cleartext) = (tls.clone(), handle.clone(), on_cleartext.clone());
            async move {
                if let Some(line) = cleartext_request_line(&tcp).await {
                    on_cleartext(line);
                    return;
                }
                let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE_BOUND, tls.accept(tcp)).await
                else {
                    return;
                };
                let service = hyper::service::service_fn(move |req| {
                    let handle = handle.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            }
        },
    ))
}

/// How long a connection to the harness's servers has for its TLS handshake.
pub const HANDSHAKE_BOUND: Duration = Duration::from_secs(5);

/// Bytes of a clear-text request line kept (the rest of the request is never read).
const MAX_LINE: usize = 512;

/// When the peer's first bytes are not a TLS record but an HTTP request (a method token then
/// a space), its request line, as far as it arrived within [`HANDSHAKE_BOUND`] (bytes are only
/// peeked: nothing is consumed, the connection is then dropped by the caller). None when the
/// connection starts like TLS, closes, or stays silent.
pub async fn cleartext_request_line(tcp: &TcpStream) -> Option<String> {
    let mut buf = [0u8; MAX_LINE];
    let peek = async {
        loop {
            let n = tcp.peek(&mut buf).await.ok()?;
            if n == 0 {
                return None;
            }
            // A TLS record starts with its content type (0x16 for a handshake): never a letter.
            if !buf[0].is_ascii_uppercase() {
                return None;
            }
            if let Some(end) = buf[..n].iter().position(|&b| b == b'\n') {
                return Some(buf[..end].to_vec());
            }
            if n == buf.len() {
                return Some(buf.to_vec());
            }
            // More of the line is on its way: wait for it (peek returns at once otherwise).
            tcp.readable().await.ok()?;
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let line = tokio::time::timeout(HANDSHAKE_BOUND, peek).await.ok()??;
    let line = String::from_utf8_lossy(&line).trim_end().to_string();
    // "METHOD SP": a token of letters, then a space.
    let method = line.split(' ').next().unwrap_or_default();
    (line.len() > method.len() && method.bytes().all(|b| b.is_ascii_uppercase())).then_some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 28's class, for every server of the harness at once: a peer that opens connections
    /// and holds them gets at most MAX_OPEN_SESSIONS served; the rest are closed unread.
    #[tokio::test]
    async fn connections_beyond_the_cap_are_closed_at_once() {
        use tokio::io::AsyncReadExt;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = watch::channel(false);
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = served.clone();
        let server = tokio::spawn(accept_until_stopped(
            listener,
            stopped,
            Duration::ZERO,
            move |tcp| {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move {
                    // Hold the connection, as a stalled session would.
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    drop(tcp);
                }
            },
        ));
        let extra = 20;
        let mut held = Vec::new();
        for _ in 0..MAX_OPEN_SESSIONS + extra {
            held.push(TcpStream::connect(addr).await.unwrap());
        }
        // The ones beyond the cap see EOF at once; the others stay open.
        let reads = held.iter_mut().map(|s| async move {
            let mut b = [0u8; 1];
            matches!(
                tokio::time::timeout(Duration::from_millis(300), s.read(&mut b)).await,
                Ok(Ok(0))
            )
        });
        let closed = futures::future::join_all(reads)
            .await
            .into_iter()
            .filter(|c| *c)
            .count();
        assert_eq!(closed, extra);
        assert_eq!(
            served.load(std::sync::atomic::Ordering::SeqCst),
            MAX_OPEN_SESSIONS
        );
        let _ = stop.send(true);
        let _ = server.await;
    }
}
