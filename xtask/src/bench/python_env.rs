//! The virtual environment with the official Python SDK that `cargo xtask bench` times,
//! installed from PyPI at the pinned versions on first use and reused while they stay the same.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// `target/bench-venv`, with `xtask/bench/requirements.txt` installed; returns its `python`.
pub fn ensure(root: &Path) -> anyhow::Result<PathBuf> {
    let requirements = root.join("xtask/bench/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .with_context(|| format!("cannot read {}", requirements.display()))?;
    let venv = root.join("target/bench-venv");
    // The venv's scripts name their interpreter by absolute path: a moved venv is rebuilt.
    let wanted = format!("{}\n{wanted}", venv.display());
    let marker = venv.join("installed-requirements.txt");
    let python = venv.join("bin/python");
    if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str()) && python.exists()
    {
        return Ok(python);
    }
    eprintln!(
        "installing the official Python SDK into {}...",
        venv.display()
    );
    run(Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv))
    .context("python3 -m venv (on Debian: apt-get install python3-venv)")?;
    run(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(&marker, wanted)?;
    Ok(python)
}

fn run(command: &mut Command) -> anyhow::Result<()> {
    let status = command
        .status()
        .with_context(|| format!("cannot run {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed: {status}");
    }
    Ok(())
}
