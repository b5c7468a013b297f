//! `hwc-sim`: run the simulator of HSS and CodeArts Check on a local port.

#![forbid(unsafe_code)]

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::process::ExitCode;

use clap::Parser;
use hwc_sim::{
    Api, DEMO_AK, DEMO_PROJECT, DEMO_SK, DEMO_TASK, DEMO_TOKEN, DEMO_VUL_ID, Fault, Simulator,
};
use tracing_subscriber::EnvFilter;

/// A local simulator of Huawei Cloud HSS and CodeArts Check behind their API gateway.
///
/// Without credential flags it accepts the demo AK/SK and token it prints.
#[derive(Parser)]
#[command(name = "hwc-sim", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// HSS handling records to generate (12.5% are CVE-2021-44228).
    #[arg(long, default_value_t = hwc_sim::DEFAULT_RECORDS)]
    records: usize,
    /// Vulnerability ids the HSS records are drawn over (default: one per 2,000 records, 41
    /// to 2,001).
    #[arg(long)]
    vulnerabilities: Option<usize>,
    /// HSS host vulnerability handling records (default: a tenth of --records, at least 100).
    #[arg(long)]
    host_records: Option<usize>,
    /// Scans in the demo task's history (default: max(2000, records / 50)).
    #[arg(long)]
    check_records: Option<usize>,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Accepted access key (repeatable; paired in order with --sk).
    #[arg(long)]
    ak: Vec<String>,
    /// Accepted secret key (repeatable; paired in order with --ak).
    #[arg(long)]
    sk: Vec<String>,
    /// Accepted IAM token (repeatable).
    #[arg(long)]
    token: Vec<String>,
    /// Share of requests (0 to 1) that get a random fault from --fault-kinds.
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Faults to draw from at --fault-rate, comma-separated: 429, 429-retry-after=N, 500, 502,
    /// 503, 504, busy, slow=2s, drop, truncate, malformed, html, redirect, clock-skew.
    #[arg(long, value_delimiter = ',', default_value = "429,500,503")]
    fault_kinds: Vec<Fault>,
    /// Seed of the random faults.
    #[arg(long, default_value_t = 0)]
    fault_seed: u64,
    /// Faults for the next requests to one API, e.g. `hss:503,503,429` (repeatable).
    #[arg(long, value_name = "API:FAULT,..")]
    fault_script: Vec<String>,
    /// Seconds the server's clock runs ahead of (or, negative, behind) the real one.
    #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
    clock_offset_secs: i64,
    /// Turn off locking an AK after 5 failed authentications.
    #[arg(long)]
    no_lockout: bool,
    /// What CodeArts Check's offset counts: page0 (page numbers from 0, as documented today),
    /// page1 (page numbers from 1; 0 is the first page too) or record (a record index, as
    /// documented in 2024).
    #[arg(long, default_value_t = hwc_sim::CodeArtsPaging::Page0, value_name = "page0|page1|record")]
    codearts_paging: hwc_sim::CodeArtsPaging,
    /// CodeArts Check's issue pages repeat some of their issues, as its 2026 page says they may
    /// (exactly `limit` once duplicates by defect_id are removed).
    #[arg(long)]
    codearts_defect_repeats: bool,
    /// Accept only AK/SK signatures of these algorithms (comma-separated: hmac-sha256,
    /// hmac-sm3, ecdsa-p256-sha256, sm2-sm3, v11-hmac-sha256) [default: all of them].
    #[arg(long, value_delimiter = ',', value_name = "ALGORITHM,..")]
    signing_algorithms: Vec<hwc_signing::SigningAlgorithm>,
    /// CodeArts Check spells its gate verdict (is_access) "1"/"0" rather than "true"/"false".
    #[arg(long)]
    codearts_verdict_one_zero: bool,
    /// Which end of a result both APIs answer first: newest (what the services are seen to
    /// do) or oldest (their pages promise neither).
    #[arg(long, default_value_t = hwc_sim::Order::Newest, value_name = "newest|oldest")]
    order: hwc_sim::Order,
    /// Which spelling of local images HSS's image_type takes: local (what the official SDKs
    /// send), local_image (the English API page) or both; the other is answered with 400.
    #[arg(long, default_value_t = hwc_sim::LocalImageValue::Local, value_name = "local|local_image|both")]
    hss_local_image_value: hwc_sim::LocalImageValue,
    /// Latency added to every answer, as a region's round trip: 40ms, or 40ms±5ms (40ms+-5ms).
    #[arg(long, value_name = "LATENCY")]
    latency: Option<hwc_sim::Latency>,
    /// The gateway's flow control: at most N requests a second per API and credential (a token
    /// bucket), 429 APIGW.0308 without Retry-After beyond, such as 200/s.
    #[arg(long, value_name = "N/s")]
    rate_limit: Option<hwc_sim::RateLimit>,
    /// Also serve the ECS metadata service on the same address (point HWC_METADATA_ENDPOINT at
    /// it): temporary AK/SK and security tokens that the gateway accepts until they expire.
    #[arg(long)]
    metadata: bool,
    /// The metadata service issues no session token (its PUT answers 404), as older ones.
    #[arg(long, requires = "metadata")]
    metadata_without_token: bool,
    /// Also serve IAM on the same address (point HUAWEICLOUD_SDK_IAM_ENDPOINT at it): the
    /// projects of --iam-project, and federated identity with --idp.
    #[arg(long)]
    iam: bool,
    /// A project IAM lists, as ID:NAME (a region's project is named after the region).
    #[arg(long, value_name = "ID:NAME", requires = "iam")]
    iam_project: Vec<String>,
    /// The identity provider IAM accepts, as IDP_ID:ID_TOKEN.
    #[arg(long, value_name = "IDP_ID:ID_TOKEN", requires = "iam")]
    idp: Option<String>,
    /// How long temporary credentials live, in seconds.
    #[arg(long, default_value_t = 6 * 3600, value_name = "SECONDS")]
    credential_lifetime: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("hwc-sim: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    if args.ak.len() != args.sk.len() {
        anyhow::bail!(
            "give as many --sk as --ak ({} and {})",
            args.sk.len(),
            args.ak.len()
        );
    }
    let mut builder = Simulator::builder()
        .listen(args.listen)
        .records(args.records)
        .seed(args.seed)
        .random_faults(args.fault_rate, args.fault_kinds, args.fault_seed)
        .clock_offset(jiff::SignedDuration::from_secs(args.clock_offset_secs))
        .codearts_paging(args.codearts_paging)
        .defect_repeats(args.codearts_defect_repeats)
        .signing_algorithms(args.signing_algorithms.clone())
        .verdict_spelling(if args.codearts_verdict_one_zero {
            hwc_sim::VerdictSpelling::OneZero
        } else {
            hwc_sim::VerdictSpelling::TrueFalse
        })
        .order(args.order)
        .local_image_value(args.hss_local_image_value)
        .latency(args.latency.unwrap_or_default())
        .rate_limit(args.rate_limit);
    if let Some(vulnerabilities) = args.vulnerabilities {
        builder = builder.vulnerabilities(vulnerabilities);
    }
    if let Some(records) = args.host_records {
        builder = builder.host_records(records);
    }
    if let Some(scans) = args.check_records {
        builder = builder.check_records(scans);
    }
    for (ak, sk) in args.ak.iter().zip(&args.sk) {
        builder = builder.access_key(ak, sk);
    }
    for token in &args.token {
        builder = builder.token(token);
    }
    if args.no_lockout {
        builder = builder.lockout(None);
    }
    if args.iam {
        let pair = |text: &String, flag: &str| {
            text.split_once(':')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .ok_or_else(|| anyhow::anyhow!("{flag} {text:?}: expected A:B"))
        };
        builder = builder.iam(hwc_sim::IamService {
            projects: args
                .iam_project
                .iter()
                .map(|p| pair(p, "--iam-project"))
                .collect::<anyhow::Result<_>>()?,
            identity_provider: args.idp.as_ref().map(|p| pair(p, "--idp")).transpose()?,
            credential_lifetime: std::time::Duration::from_secs(args.credential_lifetime),
        });
    }
    if args.metadata {
        builder = builder.metadata_service(hwc_sim::MetadataService {
            session_tokens: !args.metadata_without_token,
            credential_lifetime: std::time::Duration::from_secs(args.credential_lifetime),
        });
    }
    for script in &args.fault_script {
        let (api, faults) = script
            .split_once(':')
            .ok_or_else(|| anyhow::anyhow!("--fault-script {script:?}: expected API:FAULT,.."))?;
        let api: Api = api.parse().map_err(anyhow::Error::msg)?;
        for fault in faults.split(',') {
            builder = builder.script(api, fault.parse().map_err(anyhow::Error::msg)?);
        }
    }
    println!(
        "generating {} HSS records (seed {})...",
        args.records, args.seed
    );
    let sim = builder.start().await?;
    let url = sim.base_url();
    println!("hwc-sim listening on {url}");
    println!();
    for (ak, sk, _) in &sim.credentials().access_keys {
        let note = if ak == DEMO_AK && sk == DEMO_SK {
            " (demo)"
        } else {
            ""
        };
        println!("  AK/SK{note}: HUAWEICLOUD_SDK_AK={ak} HUAWEICLOUD_SDK_SK={sk}");
    }
    for token in &sim.credentials().tokens {
        let note = if token == DEMO_TOKEN { " (demo)" } else { "" };
        println!("  IAM token{note}: X-Auth-Token: {token}");
    }
    println!();
    println!("Try:");
    println!(
        "  curl -H 'X-Auth-Token: {}' '{url}/v5/my-project/image/vulnerability/handle-history?vul_id={DEMO_VUL_ID}&image_type=registry&limit=10'",
        sim.credentials().tokens[0]
    );
    println!(
        "  curl -H 'X-Auth-Token: {}' '{url}/v2/{DEMO_PROJECT}/tasks/{DEMO_TASK}/checkrecord?limit=5'",
        sim.credentials().tokens[0]
    );
    println!();
    println!("Ctrl-C stops it.");
    tokio::signal::ctrl_c().await?;
    println!("stopping...");
    sim.shutdown().await;
    Ok(())
}
