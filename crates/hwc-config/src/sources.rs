//! Where configuration is read from: the environment and the file system, as one value. The
//! process's own by default; tests give data instead (a map of variables, a map of files), so
//! every scenario runs without touching the real environment and in any order.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Looks a variable up.
type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Files by path, for [`Sources::from_data`].
type FileMap = Arc<BTreeMap<PathBuf, String>>;

/// The inputs of configuration: environment variables and files.
#[derive(Clone)]
pub struct Sources {
    env: EnvLookup,
    files: Option<FileMap>,
}

impl fmt::Debug for Sources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Variables hold secrets: none is shown.
        f.debug_struct("Sources")
            .field(
                "files",
                &self
                    .files
                    .as_ref()
                    .map(|files| files.keys().collect::<Vec<_>>()),
            )
            .finish_non_exhaustive()
    }
}

impl Default for Sources {
    fn default() -> Self {
        Self::real()
    }
}

impl Sources {
    /// The process's environment and file system.
    pub fn real() -> Self {
        Self {
            env: Arc::new(|name| std::env::var(name).ok()),
            files: None,
        }
    }

    /// The real file system, and no environment at all (for a builder told to ignore it).
    pub fn without_environment(self) -> Self {
        Self {
            env: Arc::new(|_| None),
            ..self
        }
    }

    /// These variables and these files, and nothing else: for tests and scenarios.
    pub fn from_data<K, V, P, T>(
        env: impl IntoIterator<Item = (K, V)>,
        files: impl IntoIterator<Item = (P, T)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
        P: Into<PathBuf>,
        T: Into<String>,
    {
        let env: BTreeMap<String, String> =
            env.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        let files = files
            .into_iter()
            .map(|(path, text)| (path.into(), text.into()))
            .collect();
        Self {
            env: Arc::new(move |name| env.get(name).cloned()),
            files: Some(Arc::new(files)),
        }
    }

    /// The variable's value, as set (possibly empty).
    pub fn var(&self, name: &str) -> Option<String> {
        (self.env)(name)
    }

    /// The variable's value when set to something other than blanks.
    pub fn non_blank(&self, name: &str) -> Option<String> {
        self.var(name).filter(|value| !value.trim().is_empty())
    }

    /// `$HOME`, where `~/.huaweicloud` is.
    pub fn home(&self) -> Option<PathBuf> {
        self.var("HOME")
            .filter(|home| !home.is_empty())
            .map(PathBuf::from)
    }

    /// Whether a file is there.
    pub fn exists(&self, path: &Path) -> bool {
        match &self.files {
            Some(files) => files.contains_key(path),
            None => path.exists(),
        }
    }

    /// A file's text.
    pub fn read(&self, path: &Path) -> io::Result<String> {
        match &self.files {
            Some(files) => files.get(path).cloned().ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} is not there", path.display()),
                )
            }),
            None => std::fs::read_to_string(path),
        }
    }
}
