//! HSS host vulnerability handling records (`ListVulHandleHistory`): generated from a seed,
//! each with its own unique `id`, served newest first unless `sort_dir=asc` asks otherwise.

use std::collections::HashMap;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::values::{hex_id, reference_time_ms};
use super::wire_record::WireRecord;

const HOSTS: usize = 64;
const USERS: [&str; 5] = [
    "hss_admin",
    "ops_zhang",
    "sec_wang",
    "sre_liu",
    "secops_huang",
];
const TYPES: [&str; 4] = ["linux_vul", "windows_vul", "web_cms", "app_vul"];
/// The statuses a handling decision leaves, as the request's `status` list names them.
const STATUSES: [&str; 5] = [
    "vul_status_fixed",
    "vul_status_ignored",
    "vul_status_failed",
    "vul_status_reboot",
    "vul_status_unfix",
];
const ASSET_VALUES: [&str; 3] = ["important", "common", "test"];
const GROUPS: [&str; 3] = ["web", "db", "batch"];
const APPS: [(&str, &str, &str); 4] = [
    (
        "openssl",
        "1.1.1k",
        "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
    ),
    ("python3.10", "3.10.12", "/usr/bin/python3.10"),
    ("log4j-core", "2.14.1", "/app/lib/log4j-core-2.14.1.jar"),
    ("curl", "7.68.0", "/usr/bin/curl"),
];

struct Host {
    id: String,
    name: String,
    private_ip: String,
    public_ip: Option<String>,
    asset_value: u8,
    group: u8,
}

struct HostRecord {
    id: String,
    host: u16,
    user: u8,
    vul: u32,
    vul_type: u8,
    status: u8,
    app: u8,
    handle_time_ms: i64,
}

/// The host handling records, newest first.
pub struct HostData {
    hosts: Vec<Host>,
    vul_ids: Vec<String>,
    /// Newest first (by handling time, then id).
    records: Vec<HostRecord>,
}

impl HostData {
    /// `count` records of the vulnerabilities `vul_ids`, on 64 hosts, drawn from a stream of
    /// `rng` apart from the image records' so that those stay what they were.
    pub fn generate(count: usize, vul_ids: &[String], rng: &ChaCha8Rng) -> Self {
        let mut rng = rng.clone();
        rng.set_stream(0x686f_7374);
        let hosts = (0..HOSTS)
            .map(|index| Host {
                id: uuid_like(&mut rng),
                name: format!("ecs-{}-{index:02}", GROUPS[index % GROUPS.len()]),
                private_ip: format!("192.168.{}.{}", index / 250, index % 250 + 2),
                public_ip: (index % 4 == 0).then(|| format!("203.0.113.{}", index + 1)),
                asset_value: (index % ASSET_VALUES.len()) as u8,
                group: (index % GROUPS.len()) as u8,
            })
            .collect();
        let vul_ids: Vec<String> = if vul_ids.is_empty() {
            vec!["CVE-2021-44228".to_owned()]
        } else {
            vul_ids.to_vec()
        };
        let three_years_ms = 3 * 365 * 24 * 3_600 * 1_000;
        let mut records: Vec<HostRecord> = (0..count)
            .map(|_| HostRecord {
                id: uuid_like(&mut rng),
                host: rng.random_range(0..HOSTS) as u16,
                user: rng.random_range(0..USERS.len()) as u8,
                vul: rng.random_range(0..vul_ids.len()) as u32,
                vul_type: rng.random_range(0..TYPES.len()) as u8,
                status: rng.random_range(0..STATUSES.len()) as u8,
                app: rng.random_range(0..APPS.len()) as u8,
                handle_time_ms: reference_time_ms() - rng.random_range(0..three_years_ms),
            })
            .collect();
        records.sort_by(|a, b| {
            b.handle_time_ms
                .cmp(&a.handle_time_ms)
                .then_with(|| a.id.cmp(&b.id))
        });
        Self {
            hosts,
            vul_ids,
            records,
        }
    }

    /// The records passing `filters` (the request's optional parameters by name) whose status
    /// is one of `statuses` (any when none is given), oldest first
    /// when `ascending`: their number and those at `offset..offset + limit`. `added` records
    /// handled after the data set was made come first (newest first) or last (ascending).
    pub fn query(
        &self,
        filters: &HashMap<String, String>,
        statuses: &[&str],
        ascending: bool,
        offset: usize,
        limit: usize,
        added: usize,
    ) -> (usize, Vec<WireRecord>) {
        // Without filters every record matches: no list of them is made.
        let filtered = !filters.is_empty() || !statuses.is_empty();
        let matching: Option<Vec<usize>> = filtered.then(|| {
            (0..self.records.len())
                .filter(|&index| {
                    let record = &self.records[index];
                    self.passes(record, filters)
                        && (statuses.is_empty()
                            || statuses.contains(&STATUSES[record.status as usize]))
                })
                .collect()
        });
        let matched = matching.as_ref().map_or(self.records.len(), Vec::len);
        let record = |index: usize| {
            let index = matching.as_ref().map_or(index, |matching| matching[index]);
            &self.records[index]
        };
        let added = if matched == 0 || filtered { 0 } else { added };
        let total = matched + added;
        // Position `n` of the newest-first result: the added records, then the data set's.
        let newest_first = |position: usize| match position.checked_sub(added) {
            Some(existing) => self.item(record(existing), None),
            None => self.item(record(0), Some(added - position)),
        };
        let items = (offset..offset.saturating_add(limit).min(total))
            .map(|position| {
                if ascending {
                    newest_first(total - 1 - position)
                } else {
                    newest_first(position)
                }
            })
            .collect();
        (total, items)
    }

    fn passes(&self, record: &HostRecord, filters: &HashMap<String, String>) -> bool {
        let host = &self.hosts[record.host as usize];
        filters.iter().all(|(name, wanted)| match name.as_str() {
            "vul_id" => self.vul_ids[record.vul as usize] == *wanted,
            "vul_type" => TYPES[record.vul_type as usize] == wanted,
            "asset_value" => ASSET_VALUES[host.asset_value as usize] == wanted,
            "group_name" => GROUPS[host.group as usize] == wanted,
            "host_name" => host.name.contains(wanted.as_str()),
            "host_ip" => host.private_ip == *wanted || host.public_ip.as_ref() == Some(wanted),
            "private_ip" => host.private_ip == *wanted,
            "public_ip" => host.public_ip.as_ref() == Some(wanted),
            // No simulated host is a cluster node.
            "cluster_id" => false,
            // Sorting and the enterprise project are not filters.
            _ => true,
        })
    }

    /// One record as the API sends it; `added: Some(n)` makes the `n`th record handled after
    /// the data set was made, like `record` but `n` seconds newer and with an id of its own.
    fn item(&self, record: &HostRecord, added: Option<usize>) -> WireRecord {
        let host = &self.hosts[record.host as usize];
        let app = APPS[record.app as usize];
        let vul_id = self.vul_ids[record.vul as usize].as_str();
        let status = STATUSES[record.status as usize];
        let (id, handle_time_ms) = match added {
            None => (record.id.clone(), record.handle_time_ms),
            Some(number) => (
                format!("{}-added-{number}", record.id),
                record.handle_time_ms + number as i64 * 1_000,
            ),
        };
        // `handle_time` is text in the SDK's model: milliseconds as digits.
        WireRecord::default()
            .with("id", id)
            .with("user_name", USERS[record.user as usize])
            .with("type", TYPES[record.vul_type as usize])
            .with("host_id", host.id.as_str())
            .with("host_name", host.name.as_str())
            .with("public_ip", host.public_ip.clone().unwrap_or_default())
            .with("private_ip", host.private_ip.as_str())
            .with("handle_time", handle_time_ms.to_string())
            .with("status", status)
            .with(
                "failed_reason",
                if status == "vul_status_failed" {
                    "The package repository could not be reached."
                } else {
                    ""
                },
            )
            .with("description", "")
            .with("vul_id", vul_id)
            .with("vul_name", format!("{vul_id} on a host"))
            .with("asset_value", ASSET_VALUES[host.asset_value as usize])
            .with(
                "cve_list",
                serde_json::json!([{"cve_id": vul_id, "cvss": 7.5, "vul_id": vul_id}]),
            )
            .with("app_name", app.0)
            .with("app_path", app.2)
            .with("app_version", app.1)
            .with(
                "handle_type",
                match status {
                    "vul_status_ignored" => "ignore",
                    "vul_status_unfix" => "not_ignore",
                    _ => "immediate_repair",
                },
            )
            .with("cluster_id", "")
            .with("container_name", "")
            .with("container_id", "")
    }
}

fn uuid_like(rng: &mut ChaCha8Rng) -> String {
    let hex = hex_id(rng, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn records_have_unique_ids_and_only_the_spec_item_fields() {
        let spec = hwc_api::hss::spec::LIST_VUL_HANDLE_HISTORY
            .paging
            .map(|paging| paging.item_fields)
            .unwrap_or_default();
        let data = HostData::generate(500, &[], &ChaCha8Rng::seed_from_u64(3));
        let (total, items) = data.query(&HashMap::new(), &[], false, 0, 1_000, 2);
        assert_eq!(total, 502);
        let ids: std::collections::HashSet<String> = items
            .iter()
            .map(|item| item.get("id").unwrap().as_str().unwrap().to_owned())
            .collect();
        assert_eq!(ids.len(), 502);
        for item in &items {
            for name in item.names() {
                assert!(spec.contains(&name), "{name} is not an item field");
            }
        }
        let (_, ascending) = data.query(&HashMap::new(), &[], true, 0, 1_000, 2);
        let (failed, _) = data.query(&HashMap::new(), &["vul_status_failed"], false, 0, 0, 0);
        let (either, _) = data.query(
            &HashMap::new(),
            &["vul_status_failed", "vul_status_fixed"],
            false,
            0,
            0,
            0,
        );
        assert!(
            failed > 0 && either > failed && either < 500,
            "{failed} {either}"
        );
        let reversed: Vec<_> = items.into_iter().rev().collect();
        assert_eq!(ascending, reversed);
    }
}
