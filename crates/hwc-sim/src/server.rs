//! The accept loop: HTTP/1.1 connections served by the router, each with a switch that closes
//! it without a response (the dropped-connection fault), and graceful shutdown.

use std::sync::Arc;

use axum::{Extension, Router};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

/// Serves `router` on `listener` until `shutdown` turns true; then lets open requests finish.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = shutdown.changed() => break,
        };
        let (stream, _) = match accepted {
            Ok(connection) => connection,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let kill = Arc::new(Notify::new());
        let service = TowerToHyperService::new(
            router
                .clone()
                .layer(Extension(ConnectionKill(Arc::clone(&kill)))),
        );
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                // Dropping the connection closes the socket, answering nothing.
                _ = kill.notified() => {}
                _ = shutdown.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
    }
}

/// Closes the current connection without a response when notified.
#[derive(Clone)]
pub(crate) struct ConnectionKill(pub Arc<Notify>);
