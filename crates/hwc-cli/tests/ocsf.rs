//! `-o ocsf`: every HSS handling record, image or host, as an OCSF 1.8.0 Vulnerability Finding
//! event that the OCSF schema itself accepts (its JSON Schema, compiled from the OCSF project's
//! schema repository: `tests/data/ocsf/`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

mod support;

use hwc_sim::Simulator;
use serde_json::Value;
use support::{hwc_with_demo_keys, run};

fn validator() -> jsonschema::Validator {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/ocsf/vulnerability_finding-1.8.0.schema.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

/// The events `hwc -o ocsf args` prints against `sim`.
async fn events(sim: &Simulator, args: &[&str]) -> Vec<Value> {
    let mut command = hwc_with_demo_keys();
    command
        .env("HUAWEICLOUD_SDK_PROJECT_ID", "p")
        .args(["--endpoint", &sim.base_url(), "-o", "ocsf"])
        .args(args);
    let output = run(command).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// Every event is valid against the schema, and says what the record says.
fn check(events: &[Value], time_field: &str) {
    let validator = validator();
    assert!(!events.is_empty());
    for event in events {
        let errors: Vec<String> = validator
            .iter_errors(event)
            .map(|error| format!("{} at {}", error, error.instance_path))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{event:#}");
        assert_eq!(event["class_uid"], 2002);
        let activity = event["activity_id"].as_i64().unwrap();
        assert_eq!(event["type_uid"].as_i64().unwrap(), 200_200 + activity);
        assert_eq!(event["cloud"]["provider"], "Huawei Cloud");
        assert_eq!(event["cloud"]["project_uid"], "p");
        let raw = &event["unmapped"];
        assert_eq!(event["actor"]["user"]["name"], raw["user_name"]);
        let time = match &raw[time_field] {
            Value::Number(ms) => ms.as_i64().unwrap(),
            Value::String(ms) => ms.parse().unwrap(),
            other => panic!("{other}"),
        };
        assert_eq!(event["time"], time);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn image_and_host_records_are_valid_vulnerability_findings() {
    let sim = Simulator::builder()
        .records(2_000)
        .vulnerabilities(60)
        .host_records(300)
        .start()
        .await
        .unwrap();
    let all = events(
        &sim,
        &[
            "hss",
            "vul-history",
            "--all-vuls",
            "--enterprise-project-id",
            "all_granted_eps",
        ],
    )
    .await;
    assert_eq!(all.len(), 2_000, "every record once");
    check(&all, "handle_time_ms");
    // The vulnerability's risk level is the event's severity.
    assert!(
        all.iter()
            .all(|event| event["severity_id"].as_i64() != Some(0))
    );
    // Every handling decision of the simulator maps to a status.
    let statuses: std::collections::BTreeSet<i64> = all
        .iter()
        .map(|event| event["status_id"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [1, 3, 4].into());

    let one = events(
        &sim,
        &[
            "hss",
            "vul-history",
            "--vul-id",
            hwc_sim::DEMO_VUL_ID,
            "--image-type",
            "local",
            "--all",
        ],
    )
    .await;
    check(&one, "handle_time_ms");
    assert!(one.iter().all(|event| {
        event["vulnerabilities"][0]["cve"]["uid"] == hwc_sim::DEMO_VUL_ID
            && event["resources"][0]["labels"][0] == "local"
    }));

    let host = events(
        &sim,
        &[
            "hss",
            "host-vul-history",
            "--enterprise-project-id",
            "0",
            "--all",
        ],
    )
    .await;
    assert_eq!(host.len(), 300);
    check(&host, "handle_time");
    assert!(
        host.iter()
            .all(|event| event["resources"][0]["type"] == "Host")
    );
}

#[test]
fn the_schema_refuses_what_ocsf_does_not_allow() {
    let validator = validator();
    let valid = serde_json::json!({
        "activity_id": 2, "category_uid": 2, "class_uid": 2002, "type_uid": 200202,
        "severity_id": 3, "time": 1_793_096_232_766_i64,
        "cloud": {"provider": "Huawei Cloud", "region": "cn-north-4"},
        "finding_info": {"uid": "f", "title": "t"},
        "metadata": {"version": "1.8.0", "product": {"name": "Host Security Service"}},
        "vulnerabilities": [{"cve": {"uid": "CVE-2021-44228"}}],
    });
    assert!(
        validator.is_valid(&valid),
        "{:?}",
        validator.validate(&valid)
    );
    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("no cloud", |event| {
            event.as_object_mut().unwrap().remove("cloud");
        }),
        ("an activity OCSF does not list", |event| {
            event["activity_id"] = 7.into()
        }),
        ("another class", |event| event["class_uid"] = 2001.into()),
        ("a field OCSF does not define", |event| {
            event["handle_type"] = "ignore".into()
        }),
        ("both a CVE and an advisory", |event| {
            event["vulnerabilities"][0]["advisory"] = serde_json::json!({"uid": "USN-1"})
        }),
    ];
    for (what, mutate) in mutations {
        let mut event = valid.clone();
        mutate(&mut event);
        assert!(!validator.is_valid(&event), "{what} was accepted");
    }
}
