//! The simulator's data: generated once from a seed, then only read.

pub mod catalogue;
pub mod codearts;
pub mod defects;
pub(crate) mod fixtures;
pub mod host;
pub mod hss;
pub mod values;
pub mod wire_record;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// All data the simulator serves.
pub struct Dataset {
    /// HSS image vulnerability handling records.
    pub hss: hss::HssData,
    /// The image vulnerabilities those records are of.
    pub catalogue: catalogue::Catalogue,
    /// HSS host vulnerability handling records.
    pub host: host::HostData,
    /// CodeArts Check scan histories.
    pub codearts: codearts::CodeArtsData,
}

/// How much data to make.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// HSS image handling records.
    pub hss_records: usize,
    /// Vulnerability ids to draw for them (default: one per 2,000 records, 41 to 2,001).
    pub vulnerabilities: Option<usize>,
    /// HSS host handling records.
    pub host_records: usize,
    /// Scans of the CodeArts Check demo task.
    pub demo_scans: usize,
}

impl Dataset {
    /// The same `seed` and sizes always give the same data, whatever the day: times count back
    /// from a fixed reference instant, not from the clock. What was added later (the catalogue,
    /// host records) draws from streams of its own, so the rest stays as it was.
    pub fn generate(sizes: Sizes, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let hss = hss::HssData::generate(sizes.hss_records, sizes.vulnerabilities, &mut rng);
        let catalogue = catalogue::Catalogue::of(&hss, &rng);
        let host = host::HostData::generate(sizes.host_records, hss.vul_ids(), &rng);
        let codearts = codearts::CodeArtsData::generate(sizes.demo_scans, &mut rng);
        Self {
            hss,
            catalogue,
            host,
            codearts,
        }
    }
}
