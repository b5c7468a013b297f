//! The vulnerabilities found on images (HSS `ListGeneralImageVuls`), made from the handling
//! records so that the two agree: a vulnerability is listed for an image type and enterprise
//! project exactly when it has records there, as `handled` when one of them handled it and as
//! `unhandled` when one left it unfixed (so a vulnerability may be in both lists, as on the real
//! service when some images are fixed and others not).

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::hss::{DEMO_VUL_ID, HssData};
use super::values::reference_time_ms;
use super::wire_record::WireRecord;

/// What a vulnerability is, whatever image it is on.
struct Vulnerability {
    id: String,
    /// `app_vul` rather than `linux_vul`.
    application: bool,
    /// CVSS score in tenths (10 to 100).
    cvss_tenths: u8,
}

/// A vulnerability with records on one image type in one enterprise project (or all).
struct Listed {
    vul: u32,
    handled: bool,
    unhandled: bool,
    images: u32,
    newest_ms: i64,
}

/// The image vulnerabilities of the data set, indexed by (local images?, enterprise project or
/// `None` for every one).
pub struct Catalogue {
    vulnerabilities: Vec<Vulnerability>,
    listed: HashMap<(bool, Option<u8>), Vec<Listed>>,
}

/// A query of the catalogue: the required parameters and the optional filters given.
pub struct VulQuery<'a> {
    /// `linux_vul` or `app_vul`.
    pub vul_type: &'a str,
    /// `handled` or `unhandled`.
    pub handle_status: &'a str,
    /// Local images (else registry ones).
    pub local: bool,
    /// The enterprise project, `None` for all of them.
    pub enterprise_project: Option<u8>,
    /// Optional filters by parameter name (`severity_level`, `vul_id`, `vul_name`, `cve_id`,
    /// `status`, `cluster_id`).
    pub filters: &'a HashMap<String, String>,
    /// `label_list`: only vulnerabilities with one of these labels (none: any).
    pub labels: &'a [&'a str],
    /// Vulnerabilities from this index on are not handled yet, and not listed.
    pub first_unseen: u32,
}

impl Catalogue {
    /// The catalogue of `records`. What a vulnerability is (its type and score) is drawn from a
    /// stream of `rng` apart from the records', so the records stay what they were.
    pub fn of(records: &HssData, rng: &ChaCha8Rng) -> Self {
        let mut rng = rng.clone();
        rng.set_stream(0x7675_6c73);
        let vulnerabilities = records
            .vul_ids()
            .iter()
            .map(|id| {
                let demo = id == DEMO_VUL_ID;
                Vulnerability {
                    id: id.clone(),
                    application: demo || rng.random_bool(0.5),
                    cvss_tenths: if demo {
                        100
                    } else {
                        rng.random_range(10..=100)
                    },
                }
            })
            .collect();
        let mut listed: HashMap<(bool, Option<u8>), HashMap<u32, Listed>> = HashMap::new();
        let mut images: HashSet<(bool, Option<u8>, u32, u32)> = HashSet::new();
        for fact in records.facts() {
            for project in [None, Some(fact.enterprise_project)] {
                let entry = listed
                    .entry((fact.local, project))
                    .or_default()
                    .entry(fact.vul)
                    .or_insert(Listed {
                        vul: fact.vul,
                        handled: false,
                        unhandled: false,
                        images: 0,
                        newest_ms: i64::MIN,
                    });
                entry.handled |= !fact.unhandled;
                entry.unhandled |= fact.unhandled;
                entry.newest_ms = entry.newest_ms.max(fact.handle_time_ms);
                if images.insert((fact.local, project, fact.vul, fact.image)) {
                    entry.images += 1;
                }
            }
        }
        let listed = listed
            .into_iter()
            .map(|(key, by_vul)| {
                let mut list: Vec<Listed> = by_vul.into_values().collect();
                list.sort_by_key(|entry| entry.vul);
                (key, list)
            })
            .collect();
        Self {
            vulnerabilities,
            listed,
        }
    }

    /// The vulnerabilities `query` selects, in catalogue order: their number and the ones at
    /// `offset..offset + limit`.
    pub fn query(
        &self,
        query: &VulQuery<'_>,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<WireRecord>) {
        let Some(list) = self.listed.get(&(query.local, query.enterprise_project)) else {
            return (0, Vec::new());
        };
        let mut total = 0;
        let mut items = Vec::new();
        for entry in list.iter().filter(|entry| self.selects(query, entry)) {
            if total >= offset && items.len() < limit {
                items.push(self.item(entry, query.local));
            }
            total += 1;
        }
        (total, items)
    }

    /// Every (vulnerability id, local?) pair with records in `enterprise_project` (`None`: all),
    /// with the vulnerability's severity: what an enumeration of the whole catalogue must find.
    /// Vulnerabilities from index `first_unseen` on are not handled yet.
    pub fn pairs(
        &self,
        enterprise_project: Option<u8>,
        first_unseen: u32,
    ) -> Vec<(String, bool, &'static str)> {
        let mut pairs = Vec::new();
        for local in [true, false] {
            for entry in self
                .listed
                .get(&(local, enterprise_project))
                .into_iter()
                .flatten()
                .filter(|entry| entry.vul < first_unseen)
            {
                let vulnerability = &self.vulnerabilities[entry.vul as usize];
                pairs.push((
                    vulnerability.id.clone(),
                    local,
                    severity(vulnerability.cvss_tenths),
                ));
            }
        }
        pairs
    }

    fn selects(&self, query: &VulQuery<'_>, entry: &Listed) -> bool {
        let vulnerability = &self.vulnerabilities[entry.vul as usize];
        let vul_type = if vulnerability.application {
            "app_vul"
        } else {
            "linux_vul"
        };
        let status = match query.handle_status {
            "handled" => entry.handled,
            "unhandled" => entry.unhandled,
            _ => false,
        };
        let labelled = query.labels.is_empty()
            || labels(vulnerability.cvss_tenths)
                .iter()
                .any(|label| query.labels.contains(label));
        status
            && labelled
            && entry.vul < query.first_unseen
            && vul_type == query.vul_type
            && query
                .filters
                .iter()
                .all(|(name, wanted)| match name.as_str() {
                    "severity_level" => severity(vulnerability.cvss_tenths) == wanted,
                    "vul_id" | "cve_id" => vulnerability.id == *wanted,
                    "vul_name" => vul_name(vulnerability).contains(wanted.as_str()),
                    "status" => match wanted.as_str() {
                        "vul_status_unfix" => entry.unhandled,
                        "vul_status_ignored" => entry.handled,
                        _ => false,
                    },
                    // No simulated vulnerability is on a cluster.
                    "cluster_id" => false,
                    // The enterprise project chose the list; anything else is not a filter.
                    _ => true,
                })
    }

    fn item(&self, entry: &Listed, local: bool) -> WireRecord {
        let vulnerability = &self.vulnerabilities[entry.vul as usize];
        let cvss = f64::from(vulnerability.cvss_tenths) / 10.0;
        let severity = severity(vulnerability.cvss_tenths);
        // The fields in the order of the SDK's model.
        WireRecord::default()
            .with("vul_name", vul_name(vulnerability))
            .with("vul_id", vulnerability.id.as_str())
            .with(
                "type",
                if vulnerability.application {
                    "app_vul"
                } else {
                    "linux_vul"
                },
            )
            .with("image_type", if local { "local" } else { "registry" })
            .with("label_list", labels(vulnerability.cvss_tenths).to_vec())
            .with("severity_level", severity)
            .with("image_num", entry.images)
            .with(
                "cve_list",
                serde_json::json!([{"cve_id": vulnerability.id, "cvss": cvss}]),
            )
            .with("max_cvss_score", cvss)
            // The last scan found it after its newest handling, and never after the reference.
            .with(
                "scan_time",
                entry
                    .newest_ms
                    .saturating_add(3_600_000)
                    .min(reference_time_ms()),
            )
            .with(
                "description",
                format!("{} found on {} images.", vulnerability.id, entry.images),
            )
            .with(
                "url",
                format!("https://nvd.nist.gov/vuln/detail/{}", vulnerability.id),
            )
            .with("solution_detail", "Upgrade the affected package.")
            .with("cluster_num", 0)
    }
}

/// The labels of a vulnerability: critical ones allow remote code execution.
fn labels(cvss_tenths: u8) -> &'static [&'static str] {
    if severity(cvss_tenths) == "Critical" {
        &["remote_code_execution"]
    } else {
        &[]
    }
}

/// The risk level of a CVSS score in tenths, as CVSS v3 names its ranges.
fn severity(cvss_tenths: u8) -> &'static str {
    match cvss_tenths {
        90.. => "Critical",
        70..=89 => "High",
        40..=69 => "Medium",
        _ => "Low",
    }
}

fn vul_name(vulnerability: &Vulnerability) -> String {
    if vulnerability.id == DEMO_VUL_ID {
        "Apache Log4j2 remote code execution vulnerability".to_owned()
    } else if vulnerability.application {
        format!("{} in an application library", vulnerability.id)
    } else {
        format!("{} in a Linux package", vulnerability.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_listed_vulnerabilities_are_exactly_those_with_records() {
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let records = HssData::generate(3_000, Some(400), &mut rng);
        let catalogue = Catalogue::of(&records, &rng);
        let with_records: HashSet<(String, bool)> = records
            .facts()
            .map(|fact| (records.vul_ids()[fact.vul as usize].clone(), fact.local))
            .collect();
        let listed: HashSet<(String, bool)> = catalogue
            .pairs(None, u32::MAX)
            .into_iter()
            .map(|(id, local, _)| (id, local))
            .collect();
        assert_eq!(listed, with_records);
        // Some drawn ids have no record and are not listed.
        assert!(with_records.len() < 2 * records.vul_ids().len());
        // Enumerating every type and handling state finds each, some more than once.
        let filters = HashMap::new();
        let mut found = Vec::new();
        for local in [true, false] {
            for vul_type in ["linux_vul", "app_vul"] {
                for handle_status in ["handled", "unhandled"] {
                    let query = VulQuery {
                        vul_type,
                        handle_status,
                        local,
                        enterprise_project: None,
                        filters: &filters,
                        labels: &[],
                        first_unseen: u32::MAX,
                    };
                    let (total, items) = catalogue.query(&query, 0, usize::MAX);
                    assert_eq!(total, items.len());
                    for item in items {
                        let id = item.get("vul_id").and_then(|v| v.as_str()).unwrap();
                        found.push((id.to_owned(), local));
                    }
                }
            }
        }
        let distinct: HashSet<(String, bool)> = found.iter().cloned().collect();
        assert_eq!(distinct, with_records);
        assert!(
            found.len() > distinct.len(),
            "some are both handled and unhandled"
        );
    }
}
