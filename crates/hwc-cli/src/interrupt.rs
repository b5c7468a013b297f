//! What stops a run between pages as Ctrl-C does: SIGINT, and SIGTERM and SIGHUP, which cron,
//! systemd and a closed terminal send, so that every way of being asked to stop cleans up.

/// Resolves when the process is asked to stop (SIGINT, SIGTERM or SIGHUP); never when the
/// signals cannot be watched.
pub async fn requested() {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        SignalKind::interrupt(),
        SignalKind::terminate(),
        SignalKind::hangup(),
    ];
    let mut watched: Vec<_> = kinds
        .into_iter()
        .filter_map(|kind| signal(kind).ok())
        .collect();
    if watched.is_empty() {
        return std::future::pending().await;
    }
    let any = watched.iter_mut().map(|signal| Box::pin(signal.recv()));
    futures::future::select_all(any).await;
}
