//! Why a command stopped early: one type every command returns, which `main` turns into a
//! message and an exit code (see `report`).

use std::time::Duration;

/// Why a command stopped early.
pub enum Failure {
    /// The library refused or the API failed.
    Hwc(hwc::Error),
    /// Writing to standard output failed (a closed pipe is not reported).
    Io(std::io::Error),
    /// The in-process simulator of `--sim` or `demo` could not start.
    #[cfg(feature = "sim")]
    Simulator(std::io::Error),
    /// A file could not be written.
    Write {
        /// The file.
        target: std::path::PathBuf,
        /// Why.
        message: String,
    },
    /// Ctrl-C, SIGTERM or SIGHUP.
    Interrupted,
    /// Another run holds the lock of an export's file.
    Locked {
        /// The lock file.
        lock: std::path::PathBuf,
        /// The pid of the run holding it, when the file names one.
        holder: Option<u32>,
        /// How long this run waited for it (`--wait-lock`).
        waited: Option<Duration>,
    },
    /// `gate` judged the scan and it failed (the verdict is printed).
    GateFailed,
    /// `hwc config` found something not working (it printed what).
    ChecksFailed,
    /// A file given on the command line is not what it should be (exit 2, like other usage
    /// errors).
    Usage(String),
}

impl Failure {
    /// A usage error about the file at `path`.
    pub fn usage(path: &std::path::Path, problem: &str) -> Self {
        Failure::Usage(format!("{}: {problem}", path.display()))
    }
}

impl From<hwc::Error> for Failure {
    fn from(error: hwc::Error) -> Self {
        Failure::Hwc(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Io(error)
    }
}
