//! `cargo xtask cycles`: fails when the files of any crate import each other in a circle
//! (module A uses B uses ... A), naming the files and what each takes from the next.
//!
//! - [`modules`] reads a crate root and its module files (with `syn`) into a module tree.
//! - [`graph`] follows each path to the file defining what it names, and finds the circles.

mod graph;
mod modules;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Checks every crate root of the workspace under `root` (`crates/*` and `xtask`).
pub fn run(root: &Path) -> Result<()> {
    let mut found = Vec::new();
    let mut checked = 0;
    for crate_root in crate_roots(root)? {
        let tree = modules::Tree::read(&crate_root)?;
        let arrows = graph::arrows(&tree);
        checked += tree.modules.len();
        for circle in graph::circles(&arrows) {
            let mut text = String::new();
            for from in &circle {
                for to in &circle {
                    if let Some(names) = arrows.get(&(from.clone(), to.clone())) {
                        let names: Vec<&str> = names.iter().map(String::as_str).collect();
                        text.push_str(&format!(
                            "  {} -> {}: {}\n",
                            relative(root, from),
                            relative(root, to),
                            names.join(", ")
                        ));
                    }
                }
            }
            found.push(text);
        }
    }
    if !found.is_empty() {
        bail!(
            "{} import circle(s) between files:\n{}",
            found.len(),
            found.join("\n")
        );
    }
    println!("no import circles ({checked} modules)");
    Ok(())
}

/// `src/lib.rs`, `src/main.rs` and `src/bin/*.rs` of every workspace crate.
fn crate_roots(root: &Path) -> Result<Vec<PathBuf>> {
    let mut packages = vec![root.join("xtask")];
    for entry in std::fs::read_dir(root.join("crates"))
        .with_context(|| format!("reading {}", root.join("crates").display()))?
    {
        packages.push(entry?.path());
    }
    packages.sort();
    let mut roots = Vec::new();
    for package in packages {
        let source = package.join("src");
        for name in ["lib.rs", "main.rs"] {
            if source.join(name).is_file() {
                roots.push(source.join(name));
            }
        }
        if let Ok(entries) = std::fs::read_dir(source.join("bin")) {
            let mut bins: Vec<PathBuf> = entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|extension| extension == "rs"))
                .collect();
            bins.sort();
            roots.extend(bins);
        }
    }
    Ok(roots)
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}
