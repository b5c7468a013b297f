//! Reading a spec file into an `openapiv3` document, with errors that name the file and the place.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use openapiv3::OpenAPI;

/// One spec file of `spec/`, parsed, with the name of the module generated from it.
pub struct Spec {
    /// Path relative to the workspace root, as written in the generated file's header.
    pub relative_path: String,
    /// Rust module (and file) name: the file stem without its `-v<N>` suffix, `-` as `_`.
    pub module: String,
    /// The parsed document.
    pub document: OpenAPI,
}

/// Every `spec/*.yaml` under `root`, sorted by file name so that output order is stable.
pub fn load_all(root: &Path) -> Result<Vec<Spec>> {
    let dir = root.join("spec");
    let entries = std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "yaml") {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        bail!("no spec/*.yaml files under {}", root.display());
    }
    paths.iter().map(|path| load(root, path)).collect()
}

fn load(root: &Path, path: &Path) -> Result<Spec> {
    let relative_path = path
        .strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/");
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {relative_path}"))?;
    let document = parse(&text).with_context(|| format!("{relative_path} is not a valid spec"))?;
    let module = module_name(path)?;
    Ok(Spec {
        relative_path,
        module,
        document,
    })
}

/// Parses YAML into OpenAPI 3.0, reporting the JSON path and line of the first problem.
fn parse(text: &str) -> Result<OpenAPI> {
    let deserializer = serde_yaml_ng::Deserializer::from_str(text);
    let document: OpenAPI = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        anyhow::anyhow!("at `{path}`: {}", error.into_inner())
    })?;
    if !document.openapi.trim().starts_with("3.0.") {
        bail!(
            "`openapi: {}` is not supported: progenitor reads OpenAPI 3.0.x only",
            document.openapi
        );
    }
    Ok(document)
}

fn module_name(path: &Path) -> Result<String> {
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .with_context(|| format!("{} has no UTF-8 file name", path.display()))?;
    let service = match stem.rsplit_once("-v") {
        Some((service, version)) if version.chars().all(|c| c.is_ascii_digit()) => service,
        _ => stem,
    };
    let module = service.replace('-', "_");
    if module.is_empty()
        || !module
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
    {
        bail!(
            "spec file name `{stem}` does not give a Rust module name (use lower-case words joined by `-`)"
        );
    }
    Ok(module)
}
