//! The configuration scenarios of `test-data/`, written as data: an environment and files (no
//! real environment, no real files, no sleeps), and what resolution gives.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Tests state their expectations by panicking.

use std::collections::BTreeMap;

use hwc_config::regions::{Overrides, lookup};
use hwc_config::{Sources, Wanted, resolve};
use hwc_runtime::Service;
use serde::Deserialize;

#[derive(Deserialize)]
struct Inputs {
    #[serde(default)]
    env: BTreeMap<String, String>,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

impl Inputs {
    fn sources(&self) -> Sources {
        Sources::from_data(self.env.clone(), self.files.clone())
    }
}

fn read<T: for<'de> Deserialize<'de>>(name: &str) -> Vec<T> {
    let path = format!("{}/test-data/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_yaml_ng::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[derive(Deserialize)]
struct RegionScenario {
    name: String,
    #[serde(flatten)]
    inputs: Inputs,
    lookups: Vec<Lookup>,
}

#[derive(Deserialize)]
struct Lookup {
    service: String,
    region: String,
    expect: Expected,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Expected {
    Endpoints(Vec<String>),
    Error { error: String },
    None(String),
}

#[test]
fn region_scenarios() {
    let scenarios: Vec<RegionScenario> = read("regions.yaml");
    assert!(scenarios.len() >= 5);
    for scenario in scenarios {
        let overrides = Overrides::from_sources(&scenario.inputs.sources());
        for Lookup {
            service,
            region,
            expect,
        } in &scenario.lookups
        {
            let service: Service = service.parse().unwrap();
            let got = lookup(service, region, &overrides);
            let at = format!("{}: {service} in {region}", scenario.name);
            match expect {
                Expected::Endpoints(urls) => assert_eq!(&got.unwrap().unwrap(), urls, "{at}"),
                Expected::None(none) => {
                    assert_eq!(none, "none", "{at}");
                    assert_eq!(got.unwrap(), None, "{at}");
                }
                Expected::Error { error } => {
                    let message = got.unwrap_err().to_string();
                    assert!(message.contains(error.as_str()), "{at}: {message}");
                }
            }
        }
    }
}

#[derive(Deserialize)]
struct ChainScenario {
    name: String,
    #[serde(flatten)]
    inputs: Inputs,
    source: Option<String>,
    error: Option<String>,
    project: Option<String>,
}

#[test]
fn chain_scenarios() {
    let scenarios: Vec<ChainScenario> = read("chain.yaml");
    assert!(scenarios.len() >= 10);
    for scenario in scenarios {
        let wanted = Wanted {
            region: Some("cn-north-4".into()),
            ..Wanted::default()
        };
        let at = &scenario.name;
        match (
            resolve(&wanted, &scenario.inputs.sources()),
            &scenario.error,
        ) {
            (Ok(resolved), None) => {
                if let Some(source) = &scenario.source {
                    let described = resolved.provider.describe();
                    assert!(described.contains(source.as_str()), "{at}: {described}");
                }
                if let Some(project) = &scenario.project {
                    assert_eq!(
                        resolved.project_id.as_deref(),
                        Some(project.as_str()),
                        "{at}"
                    );
                }
            }
            (Err(error), Some(expected)) => {
                let message = error.to_string();
                assert!(message.contains(expected.as_str()), "{at}: {message}");
            }
            (Ok(resolved), Some(expected)) => {
                panic!("{at}: expected an error with {expected:?}, got {resolved:?}")
            }
            (Err(error), None) => panic!("{at}: {error}"),
        }
    }
}
