//! The client's own cost per request: signing, decoding a page into the public models (against
//! `serde_json::Value` of the same bytes as the baseline, in the same run), and building a
//! request with its validation.
//!
//!     cargo bench -p hwc --bench hot_paths

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)] // A benchmark, not library code.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hwc::hss::{HandleRecord, ImageType, VulStatus};
use hwc::{SecretString, Signer};
use hwc_api::codearts_check::types as codearts;
use hwc_api::hss::types as hss;
use serde_json::Value;

/// A 200-record HSS page and a 1000-record CodeArts page, as the simulator sends them.
fn pages() -> (Vec<u8>, Vec<u8>) {
    let data = hwc_sim::data::Dataset::generate(
        hwc_sim::data::Sizes {
            hss_records: 100_000,
            vulnerabilities: None,
            host_records: 100,
            demo_scans: 2_000,
        },
        1,
    );
    let filters = hwc_sim::data::hss::Filters(
        [(
            "enterprise_project_id".to_owned(),
            "all_granted_eps".to_owned(),
        )]
        .into(),
    );
    let page = data
        .hss
        .query(hwc_sim::DEMO_VUL_ID, false, &filters, 0, 200, 0);
    let hss =
        serde_json::to_vec(&serde_json::json!({"total_num": page.total, "data_list": page.items}))
            .unwrap();
    let scans = data.codearts.query(
        hwc_sim::DEMO_PROJECT,
        hwc_sim::DEMO_TASK,
        None,
        None,
        0,
        1_000,
    );
    let codearts =
        serde_json::to_vec(&serde_json::json!({"total": scans.total, "data": scans.items}))
            .unwrap();
    (hss, codearts)
}

fn request() -> reqwest::Request {
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        "https://hss.cn-north-4.myhuaweicloud.com/v5/0123456789abcdef0123456789abcdef/image/vulnerability/handle-history?vul_id=CVE-2021-44228&image_type=registry&limit=200&offset=4000&enterprise_project_id=all_granted_eps"
            .parse()
            .unwrap(),
    );
    request
        .headers_mut()
        .insert("accept", "application/json".parse().unwrap());
    request.headers_mut().insert(
        "x-project-id",
        "0123456789abcdef0123456789abcdef".parse().unwrap(),
    );
    request
}

fn signing(c: &mut Criterion) {
    let signer = Signer::new(
        "HPUAEXAMPLEAK0000001",
        SecretString::from("hwc-bench-secret-key-0000000000000000001"),
    )
    .unwrap();
    let now = jiff::Timestamp::now();
    c.bench_function("sign one HSS request", |b| {
        b.iter_batched(
            request,
            |mut r| signer.sign(black_box(&mut r), now).unwrap(),
            BatchSize::SmallInput,
        )
    });
    // Every algorithm of the official SDKs, the key derived beforehand (once per credentials).
    let mut group = c.benchmark_group("sign one HSS request with");
    for algorithm in hwc::SigningAlgorithm::ALL {
        let scheme = hwc::signing::Scheme {
            algorithm,
            region: Some("cn-north-4".to_owned()),
            service: "hss".to_owned(),
        };
        signer.sign_with(&mut request(), now, &scheme).unwrap();
        group.bench_function(algorithm.name(), |b| {
            b.iter_batched(
                request,
                |mut r| signer.sign_with(black_box(&mut r), now, &scheme).unwrap(),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

fn decoding(c: &mut Criterion) {
    let (hss_page, codearts_page) = pages();
    let mut group = c.benchmark_group("decode HSS page of 200");
    group.throughput(Throughput::Bytes(hss_page.len() as u64));
    group.bench_function("serde_json::Value (baseline)", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&hss_page)).unwrap())
    });
    group.bench_function("public models", |b| {
        b.iter(|| {
            let page: hss::ListGeneralImageVulOperationsResponse =
                serde_json::from_slice(black_box(&hss_page)).unwrap();
            page.data_list
                .into_iter()
                .map(HandleRecord::from)
                .collect::<Vec<_>>()
        })
    });
    group.finish();

    let mut group = c.benchmark_group("decode CodeArts page of 1000");
    group.throughput(Throughput::Bytes(codearts_page.len() as u64));
    group.bench_function("serde_json::Value (baseline)", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&codearts_page)).unwrap())
    });
    group.bench_function("public models", |b| {
        b.iter(|| {
            let page: codearts::CheckRecordResponse =
                serde_json::from_slice(black_box(&codearts_page)).unwrap();
            page.data
                .into_iter()
                .map(hwc::codearts_check::CheckRecord::from)
                .collect::<Vec<_>>()
        })
    });
    group.finish();
}

fn building(c: &mut Criterion) {
    let client = hwc::Client::builder()
        .ignore_environment()
        .endpoint_for_all("https://hss.example.com")
        .credentials(hwc::Credentials::access_key("AK", "SK").unwrap())
        .project_id("0123456789abcdef0123456789abcdef")
        .build()
        .unwrap();
    c.bench_function("build and validate an HSS request", |b| {
        b.iter(|| {
            let request = client
                .hss()
                .image_vul_handle_history(black_box("CVE-2021-44228"), ImageType::Registry)
                .status(VulStatus::VulStatusIgnored)
                .enterprise_project_id("all_granted_eps")
                .limit(200)
                .offset(4_000);
            let pairs = [
                ("project_id", "0123456789abcdef0123456789abcdef"),
                ("vul_id", "CVE-2021-44228"),
                ("image_type", "registry"),
                ("status", "vul_status_ignored"),
                ("enterprise_project_id", "all_granted_eps"),
                ("limit", "200"),
                ("offset", "4000"),
            ];
            hwc::validate::check(hwc::hss::OPERATION, black_box(&pairs)).unwrap();
            request
        })
    });
}

criterion_group!(benches, signing, decoding, building);
criterion_main!(benches);
