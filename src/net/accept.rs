//! The accept loop of the harness's servers (reference core, played register, key server,
//! notification receiver): one task per connection, finished ones reaped as they end, and on
//! stop a bounded drain.

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Accept on `listener` until `stopped` changes, running `handle` for each connection; then
/// give the open ones `grace` to finish and abort the rest.
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
    const HANDSHAKE_BOUND: Duration = Duration::from_secs(5);
    tokio::spawn(accept_until_stopped(
        listener,
        stopped,
        Duration::ZERO,
        move |tcp| {
            let (tls, handle) = (tls.clone(), handle.clone());
            async move {
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
