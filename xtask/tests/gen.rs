//! `cargo xtask gen` and `--check`, run as the real binary on a copy of the repository's specs
//! and generated files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Every generated folder, each holding `mod.rs` and one file per spec.
const GENERATED_DIRS: [&str; 2] = ["crates/hwc-api/src/generated", "crates/hwc/src/generated"];
const GENERATED: [&str; 3] = ["hss.rs", "codearts_check.rs", "mod.rs"];

/// A scratch workspace holding the specs and the checked-in generated files.
fn scratch_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec_dir = dir.path().join("spec");
    std::fs::create_dir_all(&spec_dir).expect("spec dir");
    for entry in std::fs::read_dir(repo_root().join("spec")).expect("spec/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            std::fs::copy(&path, spec_dir.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    for generated in GENERATED_DIRS {
        let out_dir = dir.path().join(generated);
        std::fs::create_dir_all(&out_dir).expect("out dir");
        for file in GENERATED {
            std::fs::copy(repo_root().join(generated).join(file), out_dir.join(file))
                .expect("copy generated");
        }
    }
    dir
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .arg("--root")
        .arg(root)
        .output()
        .expect("xtask runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn edit(path: &Path, from: &str, to: &str) {
    let original = std::fs::read_to_string(path).expect("read");
    assert!(original.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, original.replacen(from, to, 1)).expect("write");
}

#[test]
fn check_passes_on_the_checked_in_files() {
    let dir = scratch_copy();
    let out = xtask(dir.path(), &["gen", "--check"]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stdout).contains("crates/hwc-api/src/generated/hss.rs is up to date"));
}

#[test]
fn check_fails_with_a_diff_after_a_hand_edit() {
    let dir = scratch_copy();
    let file = dir.path().join("crates/hwc-api/src/generated/hss.rs");
    edit(
        &file,
        "pub fn is_known(&self) -> bool {",
        "pub fn is_known(&self) -> bool { // tweak",
    );
    let out = xtask(dir.path(), &["gen", "--check"]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("--- a/crates/hwc-api/src/generated/hss.rs (checked in)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+++ b/crates/hwc-api/src/generated/hss.rs (from spec/hss-v5.yaml)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-        pub fn is_known(&self) -> bool { // tweak"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+        pub fn is_known(&self) -> bool {"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("crates/hwc-api/src/generated/hss.rs")
            && stderr.contains("cargo xtask gen"),
        "{stderr}"
    );
    // The untouched service is still reported clean.
    assert!(stdout.contains("codearts_check.rs is up to date"));
}

#[test]
fn check_fails_after_a_spec_change_until_regenerated() {
    let dir = scratch_copy();
    let spec = dir.path().join("spec/codearts-check-v2.yaml");
    edit(
        &spec,
        "description: Task ID",
        "description: Task ID, as shown in the task URL",
    );
    let out = xtask(dir.path(), &["gen", "--check"]);
    assert!(!out.status.success());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("+- `task_id`: Task ID, as shown in the task URL"),
        "{stdout}"
    );

    let regenerate = xtask(dir.path(), &["gen"]);
    assert!(regenerate.status.success(), "{}", text(&regenerate.stderr));
    assert!(
        text(&regenerate.stdout).contains("wrote crates/hwc-api/src/generated/codearts_check.rs")
    );
    let again = xtask(dir.path(), &["gen", "--check"]);
    assert!(again.status.success(), "{}", text(&again.stdout));
}

#[test]
fn generation_is_byte_for_byte_deterministic() {
    let first = scratch_copy();
    let second = scratch_copy();
    for dir in [&first, &second] {
        for generated in GENERATED_DIRS {
            std::fs::remove_dir_all(dir.path().join(generated)).expect("remove");
        }
        let out = xtask(dir.path(), &["gen"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    for generated in GENERATED_DIRS {
        for file in GENERATED {
            let path = format!("{generated}/{file}");
            let a = std::fs::read(first.path().join(&path)).expect("a");
            let b = std::fs::read(second.path().join(&path)).expect("b");
            let checked_in = std::fs::read(repo_root().join(&path)).expect("c");
            assert!(a == b, "{path} differs between two runs");
            assert!(a == checked_in, "{path} differs from the checked-in copy");
            assert!(
                text(&a).starts_with("// Generated by `cargo xtask gen` from spec/"),
                "{path} lacks its header"
            );
        }
    }
}

/// Breaks a copy of the HSS spec and returns what `gen --check` printed on stderr.
fn error_for(from: &str, to: &str) -> String {
    let dir = scratch_copy();
    edit(&dir.path().join("spec/hss-v5.yaml"), from, to);
    let out = xtask(dir.path(), &["gen", "--check"]);
    assert!(!out.status.success(), "a broken spec must fail");
    let stderr = text(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "a panic instead of an error: {stderr}"
    );
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(
        stderr.contains("spec/hss-v5.yaml"),
        "the file is not named: {stderr}"
    );
    stderr
}

#[test]
fn a_broken_spec_is_a_readable_error_naming_file_and_place() {
    let yaml = error_for("openapi: 3.0.3\ninfo:", "openapi: 3.0.3\ninfo: [\n");
    assert!(yaml.contains("line"), "{yaml}");

    let wrong_type = error_for("            minimum: 10\n", "            minimum: ten\n");
    assert!(wrong_type.contains("paths"), "{wrong_type}");

    let version = error_for("openapi: 3.0.3", "openapi: 3.1.0");
    assert!(
        version.contains("3.1.0") && version.contains("3.0"),
        "{version}"
    );

    let no_operation_id = error_for("      operationId: ListGeneralImageVulOperations\n", "");
    assert!(no_operation_id.contains("operationId"), "{no_operation_id}");

    let bad_open_enum = error_for(
        "      x-extensible-enum:\n        - vul_status_unfix",
        "      x-extensible-enum:\n        - 5",
    );
    assert!(
        bad_open_enum.contains("ReportedVulStatus"),
        "{bad_open_enum}"
    );

    let dangling = error_for(
        "$ref: '#/components/schemas/ImageType'",
        "$ref: '#/components/schemas/NoSuchType'",
    );
    assert!(
        dangling.contains("NoSuchType") && dangling.contains("/parameters/"),
        "{dangling}"
    );

    // Found only by progenitor: a response body that is not an object where one is needed.
    let progenitor = error_for(
        "      operationId: ListGeneralImageVulOperations\n",
        "      operationId: ListGeneralImageVulOperations\n      requestBody:\n        content:\n          application/json: {}\n",
    );
    assert!(progenitor.contains("progenitor"), "{progenitor}");
}

/// Every parameter of every spec operation is reachable from the facade's generated builder:
/// an argument of the service method, filled by the client (`x-hwc-from-client`), or a setter
/// with its `set_*` twin. (The CLI's flags are checked against the server in
/// `crates/hwc-cli/tests/reachability.rs`.)
#[test]
fn every_spec_parameter_is_reachable_from_the_facade_builder() {
    let mut checked = 0;
    for entry in std::fs::read_dir(repo_root().join("spec")).expect("spec/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let spec: serde_json::Value =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&path).expect("spec")).expect("yaml");
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let module = stem
            .rsplit_once("-v")
            .map_or(stem.as_str(), |(m, _)| m)
            .replace('-', "_");
        let facade = std::fs::read_to_string(
            repo_root().join(format!("crates/hwc/src/generated/{module}.rs")),
        )
        .expect("facade module");
        // Signatures as prettyplease wraps them or not.
        let facade: String = facade.split_whitespace().collect();
        for (route, item) in spec["paths"].as_object().expect("paths") {
            let operation = &item["get"];
            let method = operation["x-hwc-facade"]["method"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| {
                    heck::ToSnakeCase::to_snake_case(operation["operationId"].as_str().unwrap())
                });
            let signature_start = facade
                .find(&format!("pubfn{method}("))
                .unwrap_or_else(|| panic!("{route}: no method {method}"));
            let signature = &facade
                [signature_start..facade[signature_start..].find(')').unwrap() + signature_start];
            for parameter in operation["parameters"].as_array().expect("parameters") {
                let name = parameter["name"].as_str().unwrap();
                let reachable = parameter.get("x-hwc-from-client").is_some()
                    || signature.contains(&format!("{name}:"))
                    || (facade.contains(&format!("pubfn{name}(self,"))
                        && facade.contains(&format!("pubfn set_{name}(mutself,").replace(' ', "")));
                assert!(reachable, "{route} {name}: not reachable from {method}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}
