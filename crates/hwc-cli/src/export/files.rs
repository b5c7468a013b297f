//! How exports touch the file system: temporary files under unique names beside their targets
//! (created new, so a link planted at the name is never followed), with the target's
//! permissions, fsynced before they are renamed, and the directory fsynced after.

use std::fs::{File, OpenOptions, Permissions};
use std::io::{self, Read};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The suffix of every temporary file an export makes, so that leftovers of a run killed
/// before it could remove them are recognised (and removed) by the next run.
const TEMPORARY_SUFFIX: &str = ".hwc-tmp";

/// The random characters of a temporary file's name (tempfile's default).
const RANDOM_CHARACTERS: usize = 6;

/// Permissions of a file an export creates when there is none to keep.
const PRIVATE: u32 = 0o600;

/// The directory `path` is in (`.` for a bare file name).
pub fn directory(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// `path` made absolute, its directory's links resolved (the file itself is not followed):
/// the name an export's journal records, so that a run started elsewhere reads it right. On
/// failure, the path and why.
pub fn absolute(path: &Path) -> Result<PathBuf, (PathBuf, io::Error)> {
    let name = path.file_name().ok_or_else(|| {
        (
            path.to_owned(),
            io::Error::new(io::ErrorKind::InvalidInput, "it names no file"),
        )
    })?;
    std::fs::canonicalize(directory(path))
        .map(|directory| directory.join(name))
        .map_err(|error| (path.to_owned(), error))
}

/// `path` with `.<suffix>` added to its file name, in the same directory.
pub fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{suffix}"));
    path.with_file_name(name)
}

/// The permission bits of the file at `path` (not of a link's target), or 0600 when there is
/// no file yet: a new state or export holds the account's data and is nobody else's to read.
pub fn mode_to_keep(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|metadata| metadata.is_file())
        .map_or(PRIVATE, |metadata| metadata.permissions().mode() & 0o7777)
}

/// A new, empty file beside `target` under a unique name, with permissions `mode` (the umask
/// does not narrow them). It is created with `O_CREAT | O_EXCL`, which never follows a link at
/// the name, and removed when dropped.
pub fn temporary_beside(target: &Path, mode: u32) -> io::Result<NamedTempFile> {
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let file = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(TEMPORARY_SUFFIX)
        .rand_bytes(RANDOM_CHARACTERS)
        .permissions(Permissions::from_mode(PRIVATE))
        .tempfile_in(directory(target))?;
    file.as_file()
        .set_permissions(Permissions::from_mode(mode))?;
    Ok(file)
}

/// Removes what runs killed before they could clean up left beside `target` (called with the
/// export's lock held, so no live run's temporary file is among them).
pub fn remove_leftovers(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(directory(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        // Exactly `.<name>.<6 random characters>.hwc-tmp`: not another file's temporary file
        // (`.<name>.csv.XXXXXX.hwc-tmp` belongs to `<name>.csv`).
        let random = file_name
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(TEMPORARY_SUFFIX));
        if random.is_some_and(|r| {
            r.len() == RANDOM_CHARACTERS && r.chars().all(|c| c.is_ascii_alphanumeric())
        }) {
            // Removing a link removes the link, never what it points to.
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Opens `path` without following a link at its last component (`O_NOFOLLOW`): a link planted
/// there fails with an error naming it instead of redirecting the write.
pub fn open_no_follow(path: &Path, options: &mut OpenOptions) -> io::Result<File> {
    options
        .custom_flags(nix::fcntl::OFlag::O_NOFOLLOW.bits())
        .mode(mode_to_keep(path))
        .open(path)
        .map_err(|error| match error.raw_os_error() {
            Some(code) if code == nix::errno::Errno::ELOOP as i32 => io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is a symbolic link, which hwc does not write through (give the file it points to)",
            ),
            _ => error,
        })
}

/// The text of the file at `path`, read without following a link and up to `limit` bytes;
/// `None` when there is no file.
pub fn read_small(path: &Path, limit: u64) -> io::Result<Option<String>> {
    let file = match open_no_follow(path, OpenOptions::new().read(true)) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    let mut text = String::new();
    file.take(limit.saturating_add(1))
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is over {limit} bytes"),
        ));
    }
    Ok(Some(text))
}

/// Makes a rename or removal in `directory` durable.
pub fn sync_directory(directory: &Path) -> io::Result<()> {
    File::open(directory)?.sync_all()
}

/// Writes `text` to `path` atomically: a temporary file beside it with `path`'s permissions,
/// fsynced, renamed over `path` (a link at `path` is replaced, not followed), and the
/// directory fsynced.
pub fn replace(path: &Path, text: &[u8]) -> io::Result<()> {
    let mut file = temporary_beside(path, mode_to_keep(path))?;
    io::Write::write_all(&mut file, text)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|error| error.error)?;
    sync_directory(directory(path))
}

/// Fails unless a file can be created in the directory of `path`: checked before paging, so a
/// run that could not keep what it fetched does not fetch it.
pub fn check_writable(path: &Path) -> io::Result<()> {
    temporary_beside(path, PRIVATE).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_never_follow_links_and_keep_the_targets_mode() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        std::fs::write(&target, "x\n").unwrap();
        std::fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        let file = temporary_beside(&target, mode_to_keep(&target)).unwrap();
        let mode = file.as_file().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        assert_ne!(file.path(), target);
        drop(file);

        // A link at the target's name is refused, and what it points to is untouched.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let refused = open_no_follow(&link, OpenOptions::new().append(true)).unwrap_err();
        assert!(refused.to_string().contains("symbolic link"), "{refused}");
        replace(&link, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        assert!(!std::fs::symlink_metadata(&link).unwrap().is_symlink());
    }

    #[test]
    fn leftovers_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("state.json");
        let leftover = temporary_beside(&target, PRIVATE)
            .unwrap()
            .keep()
            .unwrap()
            .1;
        let other = dir.path().join(".state.json.notes");
        std::fs::write(&other, "").unwrap();
        // The temporary file of another export, `state.json.csv`, is not this one's.
        let theirs = temporary_beside(&dir.path().join("state.json.csv"), PRIVATE)
            .unwrap()
            .keep()
            .unwrap()
            .1;
        remove_leftovers(&target);
        assert!(!leftover.exists());
        assert!(other.exists() && theirs.exists());
    }
}
