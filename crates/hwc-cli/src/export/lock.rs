//! One writer at a time: an exclusive `flock` on a lock file beside each file an export writes,
//! held for the whole run (the kernel releases it when the process ends, however it ends). The
//! file keeps the pid of the run holding it, so that the next one can name it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::files;
use crate::exit::Failure;

/// How often a run waiting for a lock (`--wait-lock`) tries again.
const RETRY_EVERY: Duration = Duration::from_millis(50);

/// A lock held until dropped.
pub struct Lock {
    _file: File,
}

/// The lock file guarding `path`: `<path>.lock`.
pub fn lock_file_of(path: &Path) -> PathBuf {
    files::sibling(path, "lock")
}

/// Takes the lock guarding `path`; when another run holds it, waits up to `wait` (not at all
/// when `None`), then fails naming the lock and the other run's pid.
pub async fn acquire(path: &Path, wait: Option<Duration>) -> Result<Lock, Failure> {
    let lock = lock_file_of(path);
    let cannot = |error: std::io::Error| Failure::Write {
        target: lock.clone(),
        message: error.to_string(),
    };
    let mut file = files::open_no_follow(
        &lock,
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false),
    )
    .map_err(cannot)?;
    let deadline = wait.map(|wait| tokio::time::Instant::now() + wait);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                if deadline.is_none_or(|deadline| tokio::time::Instant::now() >= deadline) {
                    return Err(Failure::Locked {
                        lock,
                        holder: holder(&mut file),
                        waited: wait,
                    });
                }
                tokio::time::sleep(RETRY_EVERY).await;
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(cannot(error)),
        }
    }
    let pid = std::process::id();
    file.set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "{pid}"))
        .map_err(cannot)?;
    Ok(Lock { _file: file })
}

/// The pid the lock file names, if it names one.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_run_is_refused_naming_the_first_and_may_wait_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        let first = acquire(&state, None)
            .await
            .unwrap_or_else(|_| panic!("first"));
        match acquire(&state, None).await {
            Err(Failure::Locked { lock, holder, .. }) => {
                assert_eq!(lock, dir.path().join("state.json.lock"));
                assert_eq!(holder, Some(std::process::id()));
            }
            _ => panic!("the second run must be refused"),
        }
        let waiting = tokio::spawn({
            let state = state.clone();
            async move { acquire(&state, Some(Duration::from_secs(10))).await.is_ok() }
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(first);
        assert!(
            waiting.await.unwrap(),
            "it gets the lock once the first lets go"
        );
    }
}
