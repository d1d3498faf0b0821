//! Benchmark (not a test): how long `analyze` takes on a synthetic organisation made of N copies of
//! the bundled samples (each copy with its own IDs), from loading through rendering JSON.
//!
//! `cargo bench --bench analyze` prints one line per size; `VPCREACH_BENCH_COPIES=50,200` changes the
//! sizes. Figures are printed, never asserted: speed targets live here, not in tests.

// The allocator the CLI uses, so in-process phases measure what `vpcreach analyze` does.
#[global_allocator]
static ALLOCATOR: vpcreach::alloc::Allocator = vpcreach::alloc::Allocator;

use std::path::Path;
use std::time::Instant;

use serde_json::{Map, Value};

const SAMPLES: &[&str] = &[
    "isolated",
    "nat-egress",
    "public-subnet",
    "direct-internet",
    "endpoint-mistakes",
    "acl-traps",
];
const PREFIXES: &[&str] = &[
    "vpc", "subnet", "rtb", "acl", "sg", "eni", "vpce", "igw", "eigw", "nat", "nb",
];

/// One JSON object holding `copies` renamed copies of every sample.
fn organisation(copies: usize) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut texts = Vec::new();
    for s in SAMPLES {
        let mut files: Vec<_> = std::fs::read_dir(root.join(s))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for f in files {
            texts.push(std::fs::read_to_string(f).unwrap());
        }
    }
    let mut merged: Map<String, Value> = Map::new();
    for i in 0..copies {
        for t in &texts {
            let mut t = t.clone();
            for p in PREFIXES {
                t = t.replace(&format!("\"{p}-"), &format!("\"{p}-c{i}"));
            }
            let v: Value = serde_json::from_str(&t).unwrap();
            for (k, v) in v.as_object().unwrap() {
                match (merged.get_mut(k), v) {
                    (Some(Value::Array(a)), Value::Array(b)) => a.extend(b.iter().cloned()),
                    (None, v) => {
                        merged.insert(k.clone(), v.clone());
                    }
                    _ => {}
                }
            }
        }
    }
    serde_json::to_string(&Value::Object(merged)).unwrap()
}

fn main() {
    let sizes: Vec<usize> = std::env::var("VPCREACH_BENCH_COPIES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10, 50, 100]);
    println!("copies  vpcs  subnets  notebooks  load+convert  assess  per-notebook  render-json");
    for n in sizes {
        let text = organisation(n);
        let t0 = Instant::now();
        let snap = vpcreach::aws::load_str(Path::new("bench.json"), &text).unwrap();
        let net = vpcreach::aws::convert(&snap).unwrap();
        let t1 = Instant::now();
        // The one engine entry point the CLI uses.
        let mut reports = vpcreach::assess::assess(
            std::slice::from_ref(&net),
            &vpcreach::assess::Options::default(),
        )
        .unwrap();
        let (_, report) = reports.pop().unwrap();
        let t2 = Instant::now();
        let json = vpcreach::render::json::render(&report);
        let t3 = Instant::now();
        let nbs = net.notebooks.len().max(1);
        println!(
            "{n:>6}  {:>4}  {:>7}  {:>9}  {:>10.1?}  {:>7.1?}  {:>12.2?}  {:>9.1?}  ({} bytes)",
            net.vpcs.len(),
            net.subnets.len(),
            net.notebooks.len(),
            t1 - t0,
            t2 - t1,
            (t2 - t1) / nbs as u32,
            t3 - t2,
            json.len()
        );
    }
}
