//! Every parameter of every operation in `spec/` is a flag of its command, and what the flag
//! says reaches the server: the commands are built from the same descriptors the specs generate,
//! so an operation or parameter added to a spec is on the command line with no change here.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc::descriptor::{Operation, Parameter, ParameterSchema};
use hwc_sim::{Api, Simulator};
use support::{hwc_with_demo_keys, run};

/// A value the spec allows, as typed on the command line.
fn sample(parameter: &Parameter) -> String {
    // A task the simulator has (the task operations answer 400 for one it does not know).
    if parameter.name == "task_id" {
        return hwc_sim::DEMO_TASK.to_owned();
    }
    sample_of(&parameter.schema)
}

fn sample_of(schema: &ParameterSchema) -> String {
    match *schema {
        ParameterSchema::Choice { values, .. } => values[values.len() - 1].to_owned(),
        // One value of the list, the flag given once.
        ParameterSchema::List { items, .. } => sample_of(items),
        ParameterSchema::Integer { .. } => {
            let (min, max) = hwc::validate::integer_bounds(schema);
            min.max(1).min(max).to_string()
        }
        ParameterSchema::Text {
            time_format: Some(_),
            ..
        } => "2020-09-25T12:05:00Z".to_owned(),
        // The spec's patterned parameters are lists of digits (CodeArts Check's filters).
        ParameterSchema::Text {
            pattern: Some(_), ..
        } => "0".to_owned(),
        ParameterSchema::Text { min_length, .. } => {
            "x".repeat(usize::try_from(min_length.unwrap_or(1).max(1)).unwrap())
        }
    }
}

fn api_of(operation: &Operation) -> Api {
    if hwc_api::hss::spec::SERVICE
        .operations
        .iter()
        .any(|o| o.id == operation.id)
    {
        Api::Hss
    } else {
        Api::CodeArtsCheck
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_spec_parameter_is_a_flag_that_reaches_the_server() {
    let sim = Simulator::builder().records(50).start().await.unwrap();
    let mut checked = 0;
    for service in hwc::Service::ALL {
        let spec = service.descriptor();
        for operation in spec.operations {
            let mut args: Vec<String> = vec![
                "--endpoint".into(),
                sim.base_url(),
                "--project-id".into(),
                "0123456789abcdef0123456789abcdef".into(),
                spec.cli.into(),
                operation.cli.into(),
            ];
            let mut expected = Vec::new();
            for parameter in operation.parameters {
                if parameter.from_client.is_some() {
                    continue;
                }
                args.push(format!("--{}={}", parameter.cli_flag, sample(parameter)));
                expected.push(parameter.name);
            }
            let mut command = hwc_with_demo_keys();
            command.args(&args).args(["--output", "json"]);
            let output = run(command).await;
            let context = format!("{} {}", operation.id, args.join(" "));
            assert!(
                output.status.success(),
                "{context}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let received = sim.last_request(api_of(operation)).expect("a request");
            for name in expected {
                let sent = received.path_parameters.contains_key(name)
                    || received.query.iter().any(|(n, _)| n == name);
                assert!(sent, "{context}: {name} was not sent: {received:?}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 18, "{checked} parameters");
}
