//! One run of an incremental export, from the lock to the commit.
//!
//! The commit order, each step durable (fsync) before the next begins:
//! 1. the run's records are complete in a temporary file beside the target;
//! 2. a journal beside the target (`TARGET.pending`, under the target's lock) says how long the
//!    target is and will be, and which state file gets which state;
//! 3. the records are appended to the target;
//! 4. the state is replaced;
//! 5. the journal is removed.
//!
//! A run killed at any point leaves a journal or nothing. The next run, holding the lock, reads
//! the journal before anything else: a target as long as the journal's end means the append
//! completed, and the journal's state is saved (the run is completed); a target between the
//! journal's start and end was cut off mid-append and is cut back to the start (the state never
//! moved, so those records come again); anything else means the target changed outside hwc,
//! and the run stops instead of guessing.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tempfile::NamedTempFile;

use super::files;
use super::lock::{self, Lock};
use super::state::{ExportState, Query};
use crate::exit::Failure;

/// Test hook: with `HWC_TEST_KILL_AT=<step>` the process kills itself with SIGKILL when the
/// commit reaches that step, exactly as a crash or `kill -9` would (the crash tests run every
/// step). The steps: `output-written`, `journal-saved`, `half-appended`, `appended`,
/// `state-saved`.
const KILL_AT: &str = "HWC_TEST_KILL_AT";

/// What a run promised before appending: enough for the next run to complete it or undo it.
/// Paths are absolute, so that a run started elsewhere reads them right.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    /// The file appended to.
    target: PathBuf,
    /// Its length before the append.
    from: u64,
    /// Its length once the append is complete.
    to: u64,
    /// The state file, and what to save in it once the append is complete.
    state: Option<(PathBuf, ExportState)>,
    /// What the state file held when the run began: a state another run moved on since (a
    /// `--state` run to stdout or to another target) is not put back.
    #[serde(default)]
    state_before: Option<ExportState>,
}

/// An export in progress: the locks of its files, taken for the whole run, and what earlier
/// runs exported.
pub struct Export {
    state: Option<PathBuf>,
    append: Option<PathBuf>,
    known: ExportState,
    _locks: Vec<Lock>,
}

impl Export {
    /// Takes the locks of `state` and `append` (waiting up to `wait_lock` for another run),
    /// completes or undoes what a run killed while committing left, loads the state (refused
    /// when it belongs to another query than `query`), and checks that both files can be
    /// written, all before a request is sent.
    pub async fn begin(
        state: Option<&Path>,
        append: Option<&Path>,
        query: &Query,
        wait_lock: Option<Duration>,
    ) -> Result<Self, Failure> {
        let mut locks = Vec::new();
        for path in state.iter().chain(append.iter()) {
            locks.push(lock::acquire(path, wait_lock).await?);
            files::remove_leftovers(path);
        }
        let state = state
            .map(files::absolute)
            .transpose()
            .map_err(|(path, error)| cannot(&path, error))?;
        let append = append
            .map(files::absolute)
            .transpose()
            .map_err(|(path, error)| cannot(&path, error))?;
        if let Some(target) = &append {
            files::remove_leftovers(&journal_of(target));
            recover(target, state.as_deref()).await?;
        }
        let (state, append) = (state.as_deref(), append.as_deref());
        let mut known = match state {
            Some(path) => ExportState::load(path)?,
            None => ExportState::default(),
        };
        if let Some(path) = state {
            known.check_query(path, query)?;
            files::check_writable(path).map_err(|error| cannot(path, error))?;
        }
        if let Some(target) = append {
            files::check_writable(target).map_err(|error| cannot(target, error))?;
            let length = open_target(target)?
                .metadata()
                .map_err(|error| cannot(target, error))?
                .len();
            match known.target_length {
                Some(recorded) if length < recorded => tracing::info!(
                    target = %target.display(), length, recorded,
                    "the export file is shorter than the last run left it (rotated?); appending to it as it is"
                ),
                Some(recorded) if length > recorded => tracing::warn!(
                    target = %target.display(), length, recorded,
                    "something other than hwc wrote to the export file since the last run"
                ),
                _ => {}
            }
        }
        Ok(Self {
            state: state.map(Path::to_owned),
            append: append.map(Path::to_owned),
            known,
            _locks: locks,
        })
    }

    /// What earlier runs exported.
    pub fn known(&self) -> &ExportState {
        &self.known
    }

    /// A new file beside the `--append` target for this run's records, with the target's
    /// permissions; removed unless the run commits.
    pub fn output(&self) -> Result<Option<NamedTempFile>, Failure> {
        let Some(target) = &self.append else {
            return Ok(None);
        };
        files::temporary_beside(target, files::mode_to_keep(target))
            .map(Some)
            .map_err(|error| cannot(target, error))
    }

    /// Commits a complete run: appends `output` to the target (leaving out its first line, a
    /// CSV header, when `header` and the target has lines already) and saves `next` as the
    /// state, in the order the module documentation gives.
    pub fn commit(
        self,
        next: ExportState,
        output: Option<NamedTempFile>,
        header: bool,
    ) -> Result<(), Failure> {
        let (Some(target), Some(output)) = (&self.append, output) else {
            if let Some(path) = &self.state {
                save_state(path, &next)?;
            }
            return Ok(());
        };
        output
            .as_file()
            .sync_all()
            .map_err(|error| cannot(output.path(), error))?;
        step("output-written");
        let mut to = open_target(target)?;
        // A TARGET created by this run must survive a power loss as well as the state saying
        // its records were exported.
        files::sync_directory(files::directory(target)).map_err(|error| cannot(target, error))?;
        let from = to.metadata().map_err(|error| cannot(target, error))?.len();
        let mut records =
            io::BufReader::new(output.reopen().map_err(|e| cannot(output.path(), e))?);
        let mut skipped = 0;
        if header && from > 0 {
            let mut line = String::new();
            skipped = records
                .read_line(&mut line)
                .map_err(|error| cannot(output.path(), error))?;
        }
        let length = output
            .as_file()
            .metadata()
            .map_err(|error| cannot(output.path(), error))?
            .len()
            .saturating_sub(skipped as u64);
        let end = from.saturating_add(length);
        let mut next = next;
        next.target_length = Some(end);
        let journal_path = journal_of(target);
        let journal = Journal {
            target: target.clone(),
            from,
            to: end,
            state: self.state.clone().map(|path| (path, next)),
            state_before: self.state.is_some().then(|| self.known.clone()),
        };
        let text = serde_json::to_vec_pretty(&journal).map_err(io::Error::other);
        text.and_then(|text| files::replace(&journal_path, &text))
            .map_err(|error| cannot(&journal_path, error))?;
        step("journal-saved");
        if let Err(error) = append(&mut records, &mut to, length) {
            // All or nothing: cut back to where the append began, and forget the promise.
            let undone = to.set_len(from).and_then(|()| to.sync_all());
            if undone.is_ok() {
                let _ = std::fs::remove_file(&journal_path);
            }
            return Err(cannot(target, error));
        }
        step("appended");
        if let Some((path, state)) = &journal.state {
            save_state(path, state)?;
        }
        step("state-saved");
        std::fs::remove_file(&journal_path)
            .and_then(|()| files::sync_directory(files::directory(&journal_path)))
            .map_err(|error| cannot(&journal_path, error))?;
        Ok(())
    }
}

/// Where the journal of a run appending to `target` lives: beside it, under its lock.
fn journal_of(target: &Path) -> PathBuf {
    files::sibling(target, "pending")
}

/// Completes or undoes the commit a killed run left in the journal of `target` (whose lock this
/// run holds); see the module documentation. A journal whose state is another file than this
/// run's `state` is completed under that file's lock too.
async fn recover(target: &Path, state: Option<&Path>) -> Result<(), Failure> {
    let journal = journal_of(target);
    let text = match files::read_small(&journal, 256 * 1024 * 1024) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(()),
        Err(error) => return Err(cannot(&journal, error)),
    };
    let promised: Journal = serde_json::from_str(&text)
        .map_err(|error| Failure::usage(&journal, &format!("not an hwc journal: {error}")))?;
    if promised.target != target {
        return Err(Failure::Write {
            target: journal.clone(),
            message: format!(
                "it is the journal of {}, not of {}: remove it after checking both",
                promised.target.display(),
                target.display()
            ),
        });
    }
    let length = match std::fs::symlink_metadata(target) {
        Ok(metadata) => metadata.len(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => 0,
        Err(error) => return Err(cannot(target, error)),
    };
    if length == promised.to {
        if let Some((path, saved)) = &promised.state {
            // Another state file than this run's is written under its own lock, taken without
            // waiting: this run holds TARGET's lock, which the run holding that one may be
            // waiting for.
            let _other = match state {
                Some(own) if own == path => None,
                _ => Some(lock::acquire(path, None).await?),
            };
            let current = ExportState::load(path)?;
            if promised
                .state_before
                .as_ref()
                .is_none_or(|before| *before == current)
            {
                save_state(path, saved)?;
            } else {
                tracing::warn!(
                    state = %path.display(),
                    "the state moved on since the killed run began; it is kept as it is"
                );
            }
        }
        tracing::warn!(
            target = %target.display(),
            "a run was killed after appending its records; its state is now saved"
        );
    } else if (promised.from..promised.to).contains(&length) {
        let file = files::open_no_follow(target, OpenOptions::new().write(true))
            .map_err(|error| cannot(target, error))?;
        file.set_len(promised.from)
            .and_then(|()| file.sync_all())
            .map_err(|error| cannot(target, error))?;
        tracing::warn!(
            target = %target.display(),
            from = promised.from,
            "a run was killed while appending; its partial records are cut off and come again"
        );
    } else {
        return Err(Failure::Write {
            target: target.to_owned(),
            message: format!(
                "a run was killed while appending to it, from byte {} to byte {}, and it is {length} bytes now: it changed outside hwc. Check it, then remove {} to go on",
                promised.from,
                promised.to,
                journal.display()
            ),
        });
    }
    std::fs::remove_file(&journal)
        .and_then(|()| files::sync_directory(files::directory(&journal)))
        .map_err(|error| cannot(&journal, error))
}

/// The `--append` target, opened for appending without following a link; created 0600.
fn open_target(target: &Path) -> Result<File, Failure> {
    files::open_no_follow(target, OpenOptions::new().append(true).create(true))
        .map_err(|error| cannot(target, error))
}

/// Appends `length` bytes of `records` to `to` and makes them durable.
fn append(records: &mut impl Read, to: &mut File, length: u64) -> io::Result<()> {
    if std::env::var_os(KILL_AT).is_some_and(|at| at == "half-appended") {
        io::copy(&mut records.take(length / 2), to)?;
        to.sync_all()?;
        step("half-appended");
    }
    io::copy(records, to)?;
    to.flush()?;
    to.sync_all()
}

/// Saves `state` to `path` atomically and durably.
fn save_state(path: &Path, state: &ExportState) -> Result<(), Failure> {
    files::replace(path, state.to_text().as_bytes()).map_err(|error| cannot(path, error))
}

/// The failure to write `path`.
fn cannot(path: &Path, error: io::Error) -> Failure {
    Failure::Write {
        target: path.to_owned(),
        message: error.to_string(),
    }
}

/// Kills the process when the crash tests asked for it at `name` (see [`KILL_AT`]).
fn step(name: &str) {
    if std::env::var_os(KILL_AT).is_some_and(|at| at == name) {
        let _ = nix::sys::signal::raise(nix::sys::signal::Signal::SIGKILL);
    }
}
