//! The accept loop of the harness's servers (reference core, played register, key server):
//! one task per connection, finished ones reaped as they end, and on stop a bounded drain.

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
