//! Every constraint of the specs, broken on the command line, exits 2 naming the parameter, and
//! nothing reaches the server. The cases come from the generated spec descriptors.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_api::descriptor::{Operation, ParameterSchema};
use hwc_sim::{Api, Simulator};
use support::{DEMO_RECORDS, hwc_with_demo_keys, run};

/// Values that break one constraint of a schema.
fn violations(schema: &ParameterSchema) -> Vec<String> {
    match *schema {
        ParameterSchema::Text {
            min_length,
            max_length,
            ..
        } => {
            let mut out = Vec::new();
            if let Some(min) = min_length.filter(|&m| m > 0) {
                out.push("x".repeat(min as usize - 1));
            }
            if let Some(max) = max_length {
                out.push("x".repeat(max as usize + 1));
            }
            out
        }
        ParameterSchema::Choice { values, .. } => vec![format!("{}-not-listed", values[0])],
        // One flag is one value of the list: what breaks a value breaks the list.
        ParameterSchema::List { items, .. } => violations(items),
        ParameterSchema::Integer { .. } => {
            let (min, max) = hwc::validate::integer_bounds(schema);
            vec![
                (i128::from(min) - 1).to_string(),
                (i128::from(max) + 1).to_string(),
                "ten".into(),
            ]
        }
    }
}

/// The command line of `operation` with parameter `name` set to `value`.
fn command_line(operation: &Operation, name: &str, value: &str) -> Option<Vec<String>> {
    let flag = |flag: &str, default: &str| -> Vec<String> {
        // `--flag=value`, so that a value starting with `-` is still a value.
        let chosen = if name.replace('_', "-") == flag {
            value
        } else {
            default
        };
        vec![format!("--{flag}={chosen}")]
    };
    let mut args: Vec<String> = Vec::new();
    if operation.id == "ListGeneralImageVulOperations" {
        args.extend(flag("project-id", "p"));
        args.extend(["hss".into(), "vul-history".into()]);
        args.extend(flag("vul-id", "CVE-2021-44228"));
        args.extend(flag("image-type", "registry"));
        match name {
            "project_id" | "vul_id" | "image_type" => {}
            other => args.extend(flag(&other.replace('_', "-"), value)),
        }
    } else {
        args.extend(["codearts-check".into(), "records".into()]);
        let project = if name == "project_id" {
            value
        } else {
            "0123456789abcdef0123456789abcdef"
        };
        let task = if name == "task_id" {
            value
        } else {
            "demo-task"
        };
        args.extend([
            format!("--codearts-project={project}"),
            format!("--task-id={task}"),
        ]);
        match name {
            "project_id" | "task_id" => {}
            // Taken as instants and always sent in the documented shape.
            "start_time" | "end_time" => return None,
            other => args.extend(flag(&other.replace('_', "-"), value)),
        }
    }
    Some(args)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_constraint_broken_on_the_command_line_exits_2_before_sending() {
    let sim = Simulator::builder().records(500).start().await.unwrap();
    let mut cases = 0;
    for operation in [
        &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS,
        &hwc_api::codearts_check::spec::CHECK_RECORD,
    ] {
        for parameter in operation.parameters {
            for value in violations(&parameter.schema) {
                let Some(args) = command_line(operation, parameter.name, &value) else {
                    continue;
                };
                let mut command = hwc_with_demo_keys();
                command.args(["--endpoint", &sim.base_url()]).args(&args);
                let output = run(command).await;
                let stderr = String::from_utf8_lossy(&output.stderr);
                let context = format!("{} {}={value:.20}", operation.id, parameter.name);
                assert_eq!(output.status.code(), Some(2), "{context}: {stderr}");
                // The spec's own message, not merely some usage error: enums are typed flags,
                // so clap lists the spec's values; numbers clap cannot read are clap's to
                // refuse; every other value reaches the spec validation.
                let spec_message = format!(
                    "invalid {} {value:?}: {}",
                    parameter.name,
                    hwc::validate::describe(&parameter.schema)
                );
                match parameter.schema {
                    ParameterSchema::Choice { values, .. } => {
                        assert!(stderr.contains("possible values:"), "{context}: {stderr}");
                        for allowed in values {
                            assert!(stderr.contains(allowed), "{context}: {allowed}: {stderr}");
                        }
                    }
                    ParameterSchema::Integer { .. } if value.parse::<i64>().is_err() => {
                        assert!(
                            stderr.contains(&format!("invalid value '{value}'")),
                            "{context}: {stderr}"
                        );
                    }
                    _ => assert!(stderr.contains(&spec_message), "{context}: {stderr}"),
                }
                cases += 1;
            }
        }
    }
    assert!(cases >= 25, "{cases}");
    assert_eq!(
        sim.requests(Api::Hss) + sim.requests(Api::CodeArtsCheck),
        0,
        "nothing was sent"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ids_that_would_leave_their_path_segment_exit_2_before_sending() {
    let sim = Simulator::builder().records(100).start().await.unwrap();
    for (flag, id) in [
        ("--task-id", ".."),
        ("--task-id", "a\\..\\..\\v5"),
        ("--task-id", "%2e%2e"),
        ("--codearts-project", "a/b"),
    ] {
        let mut args = DEMO_RECORDS;
        let at = args.iter().position(|a| *a == flag).unwrap();
        args[at + 1] = id;
        let mut command = hwc_with_demo_keys();
        command.args(["--endpoint", &sim.base_url()]).args(args);
        let output = run(command).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flag} {id:?}: {stderr}");
        let parameter = if flag == "--task-id" {
            "task_id"
        } else {
            "project_id"
        };
        assert!(
            stderr.contains(&format!("invalid {parameter}")) && stderr.contains("one path segment"),
            "{flag} {id:?}: {stderr}"
        );
    }
    assert_eq!(sim.requests(Api::CodeArtsCheck), 0, "nothing was sent");
}
