//! HSS handling records: generated from a seed, stored compactly (values interned in pools), and
//! served from indexes so that a page costs the same at offset 0 and at offset 1,000,000.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::values::{hex_id, reference_time_ms};
use super::wire_record::WireRecord;

/// The vulnerability every data set features (at least 10% of the records, both image types).
pub const DEMO_VUL_ID: &str = "CVE-2021-44228";
/// The enterprise project a request without `enterprise_project_id` sees.
pub const DEFAULT_ENTERPRISE_PROJECT: &str = "0";
/// The `enterprise_project_id` value that selects every enterprise project.
pub const ALL_ENTERPRISE_PROJECTS: &str = "all_granted_eps";

const IMAGE_NAMES: [&str; 20] = [
    "nginx",
    "redis",
    "mysql",
    "postgres",
    "alpine",
    "ubuntu",
    "busybox",
    "node",
    "python",
    "openjdk",
    "golang",
    "httpd",
    "tomcat",
    "mongo",
    "elasticsearch",
    "kafka",
    "zookeeper",
    "rabbitmq",
    "grafana",
    "prometheus",
];
const IMAGE_TAGS: [&str; 10] = [
    "latest",
    "1.25",
    "1.25.3-alpine",
    "7.2",
    "8.0.36",
    "16-bookworm",
    "3.19",
    "22.04",
    "v2.48.1",
    "11-jre",
];
const USERS: [&str; 8] = [
    "scc_hss_g00840938_01",
    "devops_li",
    "sec_wang",
    "ops_zhang",
    "audit_chen",
    "sre_liu",
    "platform_zhao",
    "secops_huang",
];
const APPS: [(&str, &str, &str); 10] = [
    ("log4j-core", "2.14.1", "/app/lib/log4j-core-2.14.1.jar"),
    (
        "log4j-core",
        "2.12.1",
        "/opt/service/lib/log4j-core-2.12.1.jar",
    ),
    ("async-http-client", "1.7.17", "/usr/local/bin/mysqld"),
    (
        "openssl",
        "1.1.1k",
        "/usr/lib/x86_64-linux-gnu/libssl.so.1.1",
    ),
    ("glibc", "2.31", "/lib/x86_64-linux-gnu/libc.so.6"),
    (
        "spring-core",
        "5.3.17",
        "/app/BOOT-INF/lib/spring-core-5.3.17.jar",
    ),
    (
        "jackson-databind",
        "2.9.10",
        "/app/lib/jackson-databind-2.9.10.jar",
    ),
    ("curl", "7.68.0", "/usr/bin/curl"),
    ("zlib", "1.2.11", "/lib/x86_64-linux-gnu/libz.so.1"),
    (
        "netty-codec",
        "4.1.42",
        "/app/lib/netty-codec-4.1.42.Final.jar",
    ),
];
const REMARKS: [&str; 6] = [
    "accepted risk: internal only",
    "false positive",
    "fixed in the next release",
    "waiting for the vendor patch",
    "One application vulnerability has been fixed.",
    "",
];

/// Handling types: the documented three plus `manual_repair`, which the real API also sends.
const HANDLE_TYPES: [&str; 4] = ["ignore", "not_ignore", "add_to_whitelist", "manual_repair"];
/// Statuses: the documented two plus `vul_status_fixed`, which the real API also sends.
const STATUSES: [&str; 3] = ["vul_status_unfix", "vul_status_ignored", "vul_status_fixed"];

/// Optional fields a record may lack, as bits of [`Record::missing`].
mod missing {
    pub(super) const APP_PATH: u8 = 1;
    pub(super) const REMARK: u8 = 2;
    pub(super) const AGENT_ID: u8 = 4;
    pub(super) const IMAGE_VERSION: u8 = 8;
}

/// One image of the pool.
struct Image {
    local: bool,
    id: String,
    /// The real API has sent `image_id` as a JSON number; these ids are all digits and go out as
    /// numbers.
    numeric_id: bool,
    name: String,
    version: &'static str,
    digest: String,
    agent_id: String,
}

/// One handling record, with every text interned.
struct Record {
    vul: u32,
    image: u32,
    enterprise_project: u8,
    user: u8,
    app: u8,
    remark: u8,
    handle_type: u8,
    missing: u8,
    handle_time_ms: i64,
}

/// The filters of a query: the spec's optional query parameters a request gave (paging aside),
/// by name. Each keeps the records whose response field of the same name matches: exactly for
/// enums and ids, by containing the text for names and other text (as the real service does).
#[derive(Clone, Debug, Default, Hash, PartialEq, Eq)]
pub struct Filters(pub BTreeMap<String, String>);

/// The parameter choosing the enterprise project, which the data set indexes rather than filters.
const ENTERPRISE_PROJECT: &str = "enterprise_project_id";

/// Identifies a cached result: the required parameters and the filters.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct QueryKey {
    vul: u32,
    local: bool,
    filters: Filters,
}

/// How many filtered results stay cached; paging through one query needs only the one.
const CACHE_ENTRIES: usize = 64;

/// The generated HSS data set.
pub struct HssData {
    vul_ids: Vec<String>,
    vul_index: HashMap<String, u32>,
    images: Vec<Image>,
    enterprise_projects: Vec<String>,
    records: Vec<Record>,
    /// Record ids per (vulnerability, local image?, enterprise project or `None` for all),
    /// newest first.
    index: HashMap<(u32, bool, Option<u8>), Vec<u32>>,
    cache: Mutex<HashMap<QueryKey, Arc<Vec<u32>>>>,
    /// Records a test gave for (vulnerability, local image?), newest first: served in place of
    /// generated ones (see `SimulatorBuilder::hss_records`).
    fixtures: HashMap<(String, bool), Vec<WireRecord>>,
}

/// A page of results: the ids to show and the total.
pub struct Page {
    /// Results matching the query, on all pages.
    pub total: usize,
    /// The results of this page.
    pub items: Vec<WireRecord>,
}

impl HssData {
    /// Generates `count` records from `rng`: about 12% are [`DEMO_VUL_ID`] (both image types),
    /// and a share of them carries what the real API sends beyond its tables.
    ///
    /// `vulnerabilities` ids are drawn (by default one per 2,000 records, 41 to 2,001); those
    /// no record picks are not in the data set, as a vulnerability nobody handled has no history.
    pub fn generate(count: usize, vulnerabilities: Option<usize>, rng: &mut ChaCha8Rng) -> Self {
        let mut vul_ids = vec![DEMO_VUL_ID.to_owned()];
        let other_vuls = vulnerabilities
            .map(|wanted| wanted.saturating_sub(1).clamp(1, 100_000))
            .unwrap_or((count / 2_000).clamp(40, 2_000));
        let mut drawn: std::collections::HashSet<String> = vul_ids.iter().cloned().collect();
        while vul_ids.len() <= other_vuls {
            let id = format!(
                "CVE-{}-{}",
                rng.random_range(2015..=2025),
                rng.random_range(1_000..50_000)
            );
            if drawn.insert(id.clone()) {
                vul_ids.push(id);
            }
        }
        let vul_index = vul_ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as u32))
            .collect();

        let image_count = (count / 400).clamp(40, 5_000);
        let images: Vec<Image> = (0..image_count)
            .map(|index| {
                // The first two are one of each type, so that both types always exist.
                let local = if index < 2 {
                    index == 0
                } else {
                    rng.random_bool(0.5)
                };
                let numeric_id = !local && rng.random_bool(0.1);
                let id = if numeric_id {
                    rng.random_range(100_000u64..10_000_000).to_string()
                } else {
                    hex_id(rng, 12)
                };
                let base = *IMAGE_NAMES.choose(rng).unwrap_or(&"nginx");
                let name = if local {
                    base.to_owned()
                } else {
                    format!("swr.cn-north-4.myhuaweicloud.com/team-{}/{base}", index % 7)
                };
                Image {
                    local,
                    id,
                    numeric_id,
                    name,
                    version: IMAGE_TAGS.choose(rng).copied().unwrap_or("latest"),
                    digest: format!("sha256:{}", hex_id(rng, 64)),
                    agent_id: if local {
                        hex_id(rng, 64)
                    } else {
                        String::new()
                    },
                }
            })
            .collect();
        let enterprise_projects = vec![
            DEFAULT_ENTERPRISE_PROJECT.to_owned(),
            uuid_like(rng),
            uuid_like(rng),
        ];

        let now = reference_time_ms();
        let three_years_ms = 3 * 365 * 24 * 3_600 * 1_000;
        let mut records = Vec::with_capacity(count);
        for index in 0..count {
            // Exactly every eighth record is the demo vulnerability (12.5%), alternating types.
            let demo = index % 8 == 0;
            let vul = if demo {
                0
            } else {
                rng.random_range(1..vul_ids.len()) as u32
            };
            let image = if demo {
                // Alternate local and registry images for the demo vulnerability.
                let want_local = (index / 8) % 2 == 0;
                pick_image(&images, rng, Some(want_local))
            } else {
                pick_image(&images, rng, None)
            };
            let handle_type = match rng.random_range(0..100) {
                0..45 => 0,
                45..65 => 1,
                65..95 => 2,
                _ => 3,
            };
            let app = if vul == 0 {
                rng.random_range(0..2)
            } else {
                rng.random_range(2..APPS.len()) as u8
            };
            let mut missing = 0;
            for (bit, share) in [
                (missing::APP_PATH, 0.05),
                (missing::REMARK, 0.05),
                (missing::AGENT_ID, 0.03),
                (missing::IMAGE_VERSION, 0.02),
            ] {
                if rng.random_bool(share) {
                    missing |= bit;
                }
            }
            records.push(Record {
                vul,
                image,
                enterprise_project: match rng.random_range(0..10) {
                    0..8 => 0,
                    8 => 1,
                    _ => 2,
                },
                user: rng.random_range(0..USERS.len()) as u8,
                app,
                remark: rng.random_range(0..REMARKS.len()) as u8,
                handle_type,
                missing,
                handle_time_ms: now - rng.random_range(0..three_years_ms),
            });
        }

        let mut index: HashMap<(u32, bool, Option<u8>), Vec<u32>> = HashMap::new();
        for (id, record) in records.iter().enumerate() {
            let local = images[record.image as usize].local;
            index
                .entry((record.vul, local, None))
                .or_default()
                .push(id as u32);
            index
                .entry((record.vul, local, Some(record.enterprise_project)))
                .or_default()
                .push(id as u32);
        }
        for ids in index.values_mut() {
            ids.sort_by_key(|&id| (std::cmp::Reverse(records[id as usize].handle_time_ms), id));
        }
        Self {
            vul_ids,
            vul_index,
            images,
            enterprise_projects,
            records,
            index,
            cache: Mutex::new(HashMap::new()),
            fixtures: HashMap::new(),
        }
    }

    /// Serves `records` (in the order given; sorted newest first) as the whole history of
    /// `vul_id` on local (`local`) or registry images, in the default enterprise project.
    pub fn set_fixture(&mut self, vul_id: &str, local: bool, mut records: Vec<WireRecord>) {
        let time = |record: &WireRecord| record.get("handle_time").and_then(|t| t.as_i64());
        // Stable: records of one time keep the order given.
        records.sort_by_key(|record| std::cmp::Reverse(time(record)));
        self.fixtures.insert((vul_id.to_owned(), local), records);
    }

    fn query_fixture(
        &self,
        records: &[WireRecord],
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Page {
        let in_project = matches!(
            self.enterprise_project(filters.0.get(ENTERPRISE_PROJECT).map(String::as_str)),
            Some(None | Some(0))
        );
        let matching: Vec<&WireRecord> = records
            .iter()
            .filter(|record| in_project && filters.admit(record))
            .collect();
        Page {
            total: matching.len(),
            items: matching
                .into_iter()
                .skip(offset)
                .take(limit)
                .cloned()
                .collect(),
        }
    }

    /// The enterprise project an `enterprise_project_id` selects: `Some(None)` for all of them
    /// (`all_granted_eps`), the default one when none is given, `None` for one that does not
    /// exist.
    pub(crate) fn enterprise_project(&self, wanted: Option<&str>) -> Option<Option<u8>> {
        match wanted {
            None => Some(Some(0)),
            Some(ALL_ENTERPRISE_PROJECTS) => Some(None),
            Some(wanted) => self
                .enterprise_projects
                .iter()
                .position(|p| p == wanted)
                .map(|position| Some(position as u8)),
        }
    }

    /// The enterprise projects records belong to (`0` is the default one).
    pub fn enterprise_projects(&self) -> &[String] {
        &self.enterprise_projects
    }

    /// The page at `offset`/`limit` of the records of `vul_id` on images of the given type that
    /// pass `filters`, newest first. Without optional filters this is a slice of an index; with
    /// them the matching ids are computed once and cached, so later pages are slices too.
    ///
    /// `added` records handled after the data set was made come first in every non-empty
    /// result, as newly handled records would: they shift every later record by `added`.
    pub fn query(
        &self,
        vul_id: &str,
        local: bool,
        filters: &Filters,
        offset: usize,
        limit: usize,
        added: usize,
    ) -> Page {
        if let Some(records) = self.fixtures.get(&(vul_id.to_owned(), local)) {
            return self.query_fixture(records, filters, offset, limit);
        }
        let Some(&vul) = self.vul_index.get(vul_id) else {
            return Page {
                total: 0,
                items: Vec::new(),
            };
        };
        let Some(project) =
            self.enterprise_project(filters.0.get(ENTERPRISE_PROJECT).map(String::as_str))
        else {
            return Page {
                total: 0,
                items: Vec::new(),
            };
        };
        let empty = Vec::new();
        let base = self.index.get(&(vul, local, project)).unwrap_or(&empty);
        let matching: Arc<Vec<u32>>;
        let ids: &[u32] = if filters.has_no_record_filter() {
            base
        } else {
            let key = QueryKey {
                vul,
                local,
                filters: filters.clone(),
            };
            matching = self.matching(&key, base);
            &matching
        };
        let added = if ids.is_empty() { 0 } else { added };
        let items = (offset..offset.saturating_add(limit).min(ids.len() + added))
            .map(|index| match index.checked_sub(added) {
                Some(existing) => self.item(ids[existing]),
                None => self.added_item(ids[0], added - index),
            })
            .collect();
        Page {
            total: ids.len() + added,
            items,
        }
    }

    /// The `number`th record added after the data set was made: like the newest one, handled
    /// `number` seconds after it.
    fn added_item(&self, newest: u32, number: usize) -> WireRecord {
        let record = &self.records[newest as usize];
        let mut item = self.item(newest);
        item.set("handle_time", record.handle_time_ms + number as i64 * 1_000);
        item.set("remark", "added while paging");
        item
    }

    fn matching(&self, key: &QueryKey, base: &[u32]) -> Arc<Vec<u32>> {
        if let Some(found) = self
            .cache
            .lock()
            .ok()
            .and_then(|cache| cache.get(key).cloned())
        {
            return found;
        }
        let ids: Vec<u32> = base
            .iter()
            .copied()
            .filter(|&id| self.passes(id, &key.filters))
            .collect();
        let ids = Arc::new(ids);
        if let Ok(mut cache) = self.cache.lock() {
            if cache.len() >= CACHE_ENTRIES {
                cache.clear();
            }
            cache.insert(key.clone(), Arc::clone(&ids));
        }
        ids
    }

    fn passes(&self, id: u32, filters: &Filters) -> bool {
        filters.admit(&self.item(id))
    }

    fn status(&self, record: &Record) -> &'static str {
        match HANDLE_TYPES[record.handle_type as usize] {
            "not_ignore" => STATUSES[0],
            "manual_repair" => STATUSES[2],
            _ => STATUSES[1],
        }
    }

    fn item(&self, id: u32) -> WireRecord {
        let record = &self.records[id as usize];
        let image = &self.images[record.image as usize];
        let app = APPS[record.app as usize];
        let has = |bit: u8| record.missing & bit == 0;
        // A share of registry images has a numeric id, sent as a JSON number as the real API does.
        let image_id = match image.id.parse::<u64>() {
            Ok(number) if image.numeric_id => serde_json::Value::from(number),
            _ => serde_json::Value::from(image.id.as_str()),
        };
        // The fields in the order of the API page's example.
        WireRecord::default()
            .with("image_id", image_id)
            .with("image_name", image.name.as_str())
            .with("image_digest", image.digest.as_str())
            .with_some(
                "image_version",
                has(missing::IMAGE_VERSION).then_some(image.version),
            )
            .with_some(
                "agent_id",
                (has(missing::AGENT_ID) && image.local).then_some(image.agent_id.as_str()),
            )
            .with("user_name", USERS[record.user as usize])
            .with("handle_time", record.handle_time_ms)
            .with("handle_type", HANDLE_TYPES[record.handle_type as usize])
            .with("status", self.status(record))
            .with("app_name", app.0)
            .with("app_version", app.1)
            .with_some("app_path", has(missing::APP_PATH).then_some(app.2))
            .with_some(
                "remark",
                has(missing::REMARK).then_some(REMARKS[record.remark as usize]),
            )
    }

    /// The index of `vul_id` among [`vul_ids`](Self::vul_ids).
    pub fn vul_position(&self, vul_id: &str) -> Option<u32> {
        self.vul_index.get(vul_id).copied()
    }

    /// The vulnerability ids drawn, the demo one first (some may have no record).
    pub fn vul_ids(&self) -> &[String] {
        &self.vul_ids
    }

    /// What the vulnerability catalogue is made of: for each record its vulnerability (an index
    /// of [`vul_ids`](Self::vul_ids)), image, whether the image is local, enterprise project
    /// (an index of [`enterprise_projects`](Self::enterprise_projects)), whether it leaves the
    /// vulnerability unhandled (status `vul_status_unfix`) and its handling time.
    pub(crate) fn facts(&self) -> impl Iterator<Item = RecordFacts> + '_ {
        self.records.iter().map(|record| RecordFacts {
            vul: record.vul,
            image: record.image,
            local: self.images[record.image as usize].local,
            enterprise_project: record.enterprise_project,
            unhandled: self.status(record) == STATUSES[0],
            handle_time_ms: record.handle_time_ms,
        })
    }
}

/// One record as the vulnerability catalogue sees it ([`HssData::facts`]).
pub(crate) struct RecordFacts {
    pub(crate) vul: u32,
    pub(crate) image: u32,
    pub(crate) local: bool,
    pub(crate) enterprise_project: u8,
    pub(crate) unhandled: bool,
    pub(crate) handle_time_ms: i64,
}

impl Filters {
    /// Whether `item` passes every record filter.
    pub(crate) fn admit(&self, item: &WireRecord) -> bool {
        let filters = self;
        let operation = &hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS;
        filters
            .0
            .iter()
            .filter(|(name, _)| *name != ENTERPRISE_PROJECT)
            .all(|(name, wanted)| {
                let value = match item.get(name) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(text)) => text.clone(),
                    Some(other) => other.to_string(),
                };
                let exact = name.ends_with("_id")
                    || operation.parameter(name).is_some_and(|p| {
                        matches!(
                            p.schema,
                            hwc_api::descriptor::ParameterSchema::Choice { .. }
                        )
                    });
                if exact {
                    value == *wanted
                } else {
                    value.contains(wanted.as_str())
                }
            })
    }

    /// Whether only the enterprise project narrows the result, so an index answers it directly.
    fn has_no_record_filter(&self) -> bool {
        self.0.keys().all(|name| name == ENTERPRISE_PROJECT)
    }
}

fn pick_image(images: &[Image], rng: &mut ChaCha8Rng, local: Option<bool>) -> u32 {
    loop {
        let index = rng.random_range(0..images.len());
        if local.is_none_or(|want| images[index].local == want) {
            return index as u32;
        }
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
    fn records_carry_the_spec_item_fields_and_only_those() {
        let spec = hwc_api::hss::spec::LIST_GENERAL_IMAGE_VUL_OPERATIONS
            .paging
            .as_ref()
            .map(|paging| paging.item_fields)
            .unwrap_or_default();
        let data = HssData::generate(2_000, None, &mut ChaCha8Rng::seed_from_u64(7));
        let mut seen = std::collections::BTreeSet::new();
        for id in 0..data.records.len() as u32 {
            for name in data.item(id).names() {
                assert!(
                    spec.contains(&name),
                    "{name} is not an item field of the spec"
                );
                seen.insert(name);
            }
        }
        let mut all: Vec<_> = spec.to_vec();
        all.sort_unstable();
        assert_eq!(
            seen.into_iter().collect::<Vec<_>>(),
            all,
            "every field is sent by some record"
        );
    }
}
