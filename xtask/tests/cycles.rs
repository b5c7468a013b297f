//! `cargo xtask cycles` on small crates written for the test: a circle between two files is
//! found and named; a table-of-contents file re-exporting its children, children using each
//! other one way, `quote!` bodies and `$crate` paths are not circles.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::path::Path;
use std::process::{Command, Output};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

fn cycles(root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["cycles", "--root"])
        .arg(root)
        .output()
        .expect("xtask runs")
}

#[test]
fn a_circle_between_two_files_is_named_with_what_each_takes() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("xtask/src/main.rs", "fn main() {}\n"),
            ("crates/demo/src/lib.rs", "mod a;\nmod b;\npub use a::A;\n"),
            (
                "crates/demo/src/a.rs",
                "use crate::b::B;\npub struct A(pub B);\npub fn make() -> u8 { 1 }\n",
            ),
            (
                "crates/demo/src/b.rs",
                "pub struct B;\nimpl B { pub fn n() -> u8 { crate::a::make() } }\n",
            ),
        ],
    );
    let output = cycles(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "a circle fails the lint");
    assert!(stderr.contains("1 import circle"), "{stderr}");
    assert!(
        stderr.contains("crates/demo/src/a.rs -> crates/demo/src/b.rs: B"),
        "{stderr}"
    );
    assert!(
        stderr.contains("crates/demo/src/b.rs -> crates/demo/src/a.rs: make"),
        "{stderr}"
    );
}

#[test]
fn a_parent_defining_what_its_children_use_is_a_circle() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            ("xtask/src/main.rs", "fn main() {}\n"),
            (
                "crates/demo/src/lib.rs",
                "mod data;\npub use data::Dataset;\n",
            ),
            (
                "crates/demo/src/data/mod.rs",
                "mod hss;\npub struct Dataset(hss::Rows);\npub fn hex() -> u8 { 0 }\n",
            ),
            (
                "crates/demo/src/data/hss.rs",
                "pub struct Rows(pub u8);\npub fn make() -> Rows { Rows(super::hex()) }\n",
            ),
        ],
    );
    let output = cycles(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("crates/demo/src/data/hss.rs -> crates/demo/src/data/mod.rs: hex"),
        "{stderr}"
    );
}

#[test]
fn re_exports_one_way_uses_quotes_and_macro_paths_are_no_circle() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        &[
            (
                "xtask/src/main.rs",
                "mod gen_code;\nfn main() { gen_code::code(); }\n",
            ),
            (
                "xtask/src/gen_code.rs",
                "pub fn code() -> String { quote::quote!(crate::main()).to_string() }\n",
            ),
            (
                "crates/demo/src/lib.rs",
                "mod error;\nmod transport;\npub use error::Error;\npub use transport::*;\n\
                 #[macro_export]\nmacro_rules! send { ($t:ident) => { $crate::transport::send($t::X) } }\n",
            ),
            ("crates/demo/src/error.rs", "pub struct Error;\n"),
            (
                "crates/demo/src/transport.rs",
                "use crate::Error;\npub fn send(_: u8) -> Result<(), Error> { Ok(()) }\n\
                 #[cfg(test)]\nmod tests { use crate::*; }\n",
            ),
        ],
    );
    let output = cycles(dir.path());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("no import circles"));
}
