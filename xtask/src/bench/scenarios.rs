//! Runs the scenarios asked for, one after another, and writes their tables.

use std::path::Path;

use super::setup::{Options, Setup};
use super::{all_vuls, loopback, measure, python_env, realistic};

/// Runs the benchmark and prints the tables (also written to `target/bench/e2e.md`).
pub fn run(root: &Path, options: &Options) -> anyhow::Result<()> {
    measure::release_build(root, &["hwc-sim", "hwc-cli", "hwc-bench"])?;
    let python = python_env::ensure(root)?;
    let scratch = root.join("target/bench");
    std::fs::create_dir_all(&scratch)?;
    let cx = Setup {
        root,
        release: root.join("target/release"),
        python,
        scratch: scratch.clone(),
    };
    let mut report = String::new();
    if options.loopback {
        report.push_str(&loopback::loopback(&cx, options)?);
    }
    if options.realistic {
        report.push_str(&realistic::realistic(&cx, options)?);
    }
    if options.fan_out_seconds > 0 {
        report.push_str(&realistic::fan_out(&cx, options)?);
    }
    if options.all_vuls > 0 {
        report.push_str(&all_vuls::all_vuls(&cx, options)?);
    }
    println!("{report}");
    std::fs::write(scratch.join("e2e.md"), &report)?;
    eprintln!("written to {}", scratch.join("e2e.md").display());
    Ok(())
}
