//! Benchmark (not a test): how long `vpcreach scan` takes on a large account, against moto in
//! server mode on 127.0.0.1. Builds 100 VPCs with 5 subnets each (500), 2 notebooks per VPC
//! (200), an S3 gateway endpoint and two interface endpoints per VPC, then times the release
//! binary scanning it (JSON output, so the analysis and rendering are included).
//!
//! `cargo bench --bench scan` (needs moto: `VPCREACH_MOTO_SERVER`, or `.ci/venv` from `.ci/run`).
//! README.md quotes the figure measured on the project's 2-core machine.

#[path = "../tests/support_moto/mod.rs"]
mod support_moto;

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use support_moto::{Builder, Moto, moto_server, runtime};

const VPCS: usize = 100;
const SUBNETS_PER_VPC: usize = 5;
const NOTEBOOKS_PER_VPC: usize = 2;

async fn build_vpc(b: &Builder, i: usize) {
    let vpc = b.vpc(&format!("10.{i}.0.0/16"), true, true).await;
    let mut subnets = Vec::new();
    for s in 0..SUBNETS_PER_VPC {
        let az = if s % 2 == 0 {
            "us-east-1a"
        } else {
            "us-east-1b"
        };
        subnets.push(b.subnet(&vpc, &format!("10.{i}.{s}.0/24"), az).await);
    }
    let nb_sg = b.security_group(&vpc, "notebooks").await;
    let ep_sg = b.security_group(&vpc, "endpoints").await;
    b.allow_https_from(&ep_sg, &nb_sg).await;
    for svc in ["sts", "logs"] {
        b.interface_endpoint(&vpc, svc, &subnets[SUBNETS_PER_VPC - 1], &ep_sg, true)
            .await;
    }
    let main = b.main_route_table(&vpc).await;
    b.s3_gateway_endpoint(&vpc, &[&main]).await;
    for (n, subnet) in subnets.iter().take(NOTEBOOKS_PER_VPC).enumerate() {
        b.notebook(&format!("nb-{i:03}-{n}"), subnet, &[&nb_sg])
            .await;
    }
}

fn main() {
    // `cargo test --benches` runs benches in test mode: building the topology is too slow for that.
    if std::env::args().any(|a| a == "--test") {
        return;
    }
    let Some(server) = moto_server("benches/scan") else {
        return;
    };
    let moto = Moto::start(&server);
    let b = Builder::new(&moto);
    let t = Instant::now();
    runtime().block_on(async {
        // Eight VPCs at a time: moto serves one request per thread.
        for chunk in (0..VPCS).collect::<Vec<_>>().chunks(8) {
            join_all(chunk.iter().map(|i| build_vpc(&b, *i))).await;
        }
    });
    eprintln!(
        "built {VPCS} VPCs, {} subnets, {} notebooks in moto in {:.1} s",
        VPCS * SUBNETS_PER_VPC,
        VPCS * NOTEBOOKS_PER_VPC,
        t.elapsed().as_secs_f64()
    );

    let dir = std::env::temp_dir().join(format!("vpcreach-bench-scan-{}", std::process::id()));
    let save = dir.join("snap.json");
    for concurrency in ["8", "32"] {
        let runs = if concurrency == "8" { 3 } else { 1 };
        let mut times: Vec<Duration> = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let o = moto.scan(&[
                "--format",
                "json",
                "--concurrency",
                concurrency,
                "--save",
                save.to_str().unwrap(),
            ]);
            times.push(t.elapsed());
            assert!(
                o.status.code() == Some(0) || o.status.code() == Some(1),
                "scan failed: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(
                o.stderr.is_empty(),
                "diagnostics: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        times.sort();
        // The same report from the saved snapshot: what of the scan is analysis, not API calls.
        let t = Instant::now();
        let analyzed = std::process::Command::new(env!("CARGO_BIN_EXE_vpcreach"))
            .args(["analyze", save.to_str().unwrap(), "--format", "json"])
            .output()
            .unwrap();
        let analysis = t.elapsed();
        assert!(analyzed.status.code().is_some_and(|c| c < 2));
        let snap = vpcreach::aws::load_paths(&[&save]).unwrap().snapshot;
        println!(
            "scan of {} VPCs / {} subnets / {} notebooks / {} VPC endpoints (moto, 127.0.0.1), --concurrency {concurrency}: median {:.2} s, min {:.2} s over {runs} run(s); `analyze` of the saved snapshot alone: {:.2} s",
            snap.vpcs.len(),
            snap.subnets.len(),
            snap.notebook_instances.len(),
            snap.vpc_endpoints.len(),
            times[times.len() / 2].as_secs_f64(),
            times[0].as_secs_f64(),
            analysis.as_secs_f64(),
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
