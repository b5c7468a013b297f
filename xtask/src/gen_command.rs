//! `cargo xtask gen [--check]`: write the generated modules, or compare them with what is checked in.

use std::path::Path;

use anyhow::{Context, Result, bail};
use similar::TextDiff;

use crate::generate::service_module;
use crate::spec;

/// Where the generated modules live, relative to the workspace root.
const OUTPUT_DIR: &str = "crates/hwc-api/src";

/// Generates every service module; writes them, or with `check` reports any that differ.
pub fn run(root: &Path, check: bool) -> Result<()> {
    let specs = spec::load_all(root)?;
    let mut stale = Vec::new();
    for spec in &specs {
        let generated = service_module(spec)?;
        let relative = format!("{OUTPUT_DIR}/{}.rs", spec.module);
        let path = root.join(&relative);
        let current = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
            Err(error) => return Err(error).with_context(|| format!("reading {relative}")),
        };
        if current.as_deref() == Some(generated.as_str()) {
            println!("{relative} is up to date ({})", spec.relative_path);
            continue;
        }
        if check {
            let old = current.unwrap_or_default();
            let diff = TextDiff::from_lines(&old, &generated);
            print!(
                "{}",
                diff.unified_diff().context_radius(3).header(
                    &format!("a/{relative} (checked in)"),
                    &format!("b/{relative} (from {})", spec.relative_path)
                )
            );
            stale.push(relative);
        } else {
            std::fs::write(&path, &generated).with_context(|| format!("writing {relative}"))?;
            println!("wrote {relative} from {}", spec.relative_path);
        }
    }
    if !stale.is_empty() {
        bail!(
            "{} differ from what spec/ generates: {} (run `cargo xtask gen`; never edit generated files)",
            if stale.len() == 1 {
                "this file does"
            } else {
                "these files"
            },
            stale.join(", ")
        );
    }
    Ok(())
}
