//! Shared harness of the fuzz targets: turning fuzzer bytes into snapshot files, and running the
//! whole load → convert → assess → render path with checks on what comes out (not only "no
//! panic": every JSON renderer must print valid JSON, and a reloaded save must equal the snapshot).
//!
//! Input without a NUL byte is one file (`input.json`, read with `load_one`). Input with NUL bytes
//! is several files, NUL-separated: each piece is `PATH\nJSON` when its first line looks like a
//! relative path ending in `.json` (so region folders such as `us-east-1/vpcs.json` are exercised),
//! else `fN.json`; they are written to a private directory and read with `load_regions`, as the CLI
//! reads a directory.

use std::path::{Path, PathBuf};

use vpcreach_aws::{Loaded, LoadError};
use vpcreach_core::assess::Options;
use vpcreach_render as render;

/// Where the multi-file mode writes its pieces: one directory per fuzzing process.
fn scratch() -> PathBuf {
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    base.join(format!("vpcreach-fuzz-{}", std::process::id()))
}

/// A piece's relative path, when its first line is a plausible one (no `..`, no absolute path).
fn piece_path(line: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(line).ok()?;
    let ok = s.len() <= 80
        && s.ends_with(".json")
        && !s.starts_with('/')
        && s.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
        && s
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./".contains(&b));
    ok.then(|| s.to_string())
}

/// Load the fuzzer's bytes as one file or as several (see the module doc).
pub fn load_input(data: &[u8]) -> Result<Vec<Loaded>, LoadError> {
    if !data.contains(&0) {
        let text = String::from_utf8_lossy(data);
        return vpcreach_aws::load_one(Path::new("input.json"), &text).map(|l| vec![l]);
    }
    let dir = scratch();
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    for (i, piece) in data.split(|b| *b == 0).take(16).enumerate() {
        let (name, body) = match piece.iter().position(|b| *b == b'\n') {
            Some(nl) => match piece_path(&piece[..nl]) {
                Some(p) => (p, &piece[nl + 1..]),
                None => (format!("f{i}.json"), piece),
            },
            None => (format!("f{i}.json"), piece),
        };
        let path = dir.join(&name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("scratch subdirectory");
        }
        // Two pieces with one name: the later wins, as a second save over a file would.
        std::fs::write(&path, body).expect("scratch file");
    }
    let out = vpcreach_aws::load_regions(&[&dir]);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// Check what a successful load gives: the snapshot saved as one file loads back unchanged.
pub fn check_loaded(loaded: &Loaded) {
    let text = vpcreach_aws::save::to_json(&loaded.snapshot);
    match vpcreach_aws::load_str(Path::new("resaved.json"), &text) {
        Ok(again) => assert_eq!(
            again, loaded.snapshot,
            "a saved snapshot loads back different"
        ),
        // A snapshot with nothing in it saves as `{}`, which is (rightly) not recognised.
        Err(LoadError::NothingRecognised { .. }) => {}
        Err(e) => panic!("a saved snapshot does not load back: {e}\n{text}"),
    }
}

fn assert_json(what: &str, text: &str) {
    if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
        panic!("the {what} renderer printed invalid JSON ({e}):\n{text}");
    }
}

/// Convert, assess with the default options and render with every renderer that takes a report
/// (Graphviz itself is never run: HTML without diagrams, DOT as text).
pub fn pipeline(regions: &[Loaded]) {
    let judged = match vpcreach_aws::judge(regions, &Options::default()) {
        Ok(j) => j,
        Err(e) => {
            // Errors must say something.
            assert!(!e.to_string().trim().is_empty(), "an empty error: {e:?}");
            return;
        }
    };
    let meta = render::meta::ReportMeta::default();
    let reports: Vec<_> = judged.reports.iter().map(|(_, r)| r.clone()).collect();
    for (i, report) in &judged.reports {
        let net = &judged.networks[*i];
        assert!(matches!(report.exit_code(), 0 | 1));
        let _ = render::table::render(report, render::table::Style { color: false });
        assert_json("json", &render::json::render(report));
        let _ = render::markdown::render(report, &meta);
        let _ = render::html::render(report, &meta, &render::html::Diagrams::None);
        let _ = render::dot::render(net, report, &render::dot::Options::default());
        let _ = render::dot::per_notebook_and_vpc(net, report, false);
    }
    assert_json("sarif", &render::sarif::render_all(&reports, &meta));
    let _ = render::junit::render_all(&reports, &meta);
    let _ = render::csv::render_all(&reports);
    assert_json(
        "asff",
        &render::asff::render_all(&reports, "2026-01-01T00:00:00Z").json,
    );
}

/// The snapshots the structure-aware target mutates: every sample, merged into one object each
/// (written by `fuzz/seed.py`).
pub const BASES: &[&str] = &[
    include_str!("../seeds/acl-traps.json"),
    include_str!("../seeds/direct-internet.json"),
    include_str!("../seeds/endpoint-mistakes.json"),
    include_str!("../seeds/isolated.json"),
    include_str!("../seeds/large.json"),
    include_str!("../seeds/nat-egress.json"),
    include_str!("../seeds/public-subnet.json"),
];

/// Values that matter to the analysis: wildcards, edges of ranges, malformed CIDRs, states.
const INTERESTING: &[&str] = &[
    r#""0.0.0.0/0""#, r#""::/0""#, r#""10.0.0.0/8""#, r#""10.0.0.0/33""#, r#""10.0.0.1/24""#,
    r#""255.255.255.255/32""#, r#""0.0.0.0/32""#, r#""fe80::/10""#, r#""2600:1f18::/56""#,
    r#""not-a-cidr""#, r#""""#, r#""-1""#, r#""tcp""#, r#""udp""#, r#""icmp""#, r#""icmpv6""#,
    r#""6""#, r#""17""#, r#""58""#, "0", "1", "-1", "22", "53", "443", "65535", "65536",
    "4294967296", "-2147483649", "1e309", "true", "false", "null", "[]", "{}", r#""allow""#,
    r#""deny""#, r#""available""#, r#""pending""#, r#""deleted""#, r#""failed""#,
    r#""blackhole""#, r#""active""#, r#""Enabled""#, r#""Disabled""#, r#""InService""#,
    r#""us-east-1""#, r#""eu-west-1""#, r#""com.amazonaws.us-east-1.s3""#,
    r#""com.amazonaws.us-east-1.sagemaker.api""#, r#""Interface""#, r#""Gateway""#,
    r#""GatewayLoadBalancer""#, r#""private""#, r#""public""#, r#""egress""#, r#""ingress""#,
    r#""CreateRoute""#, r#""EnableVgwRoutePropagation""#, r#""Direct internet access""#,
];

fn scalars(v: &serde_json::Value, out: &mut Vec<serde_json::Value>) {
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| scalars(x, out)),
        serde_json::Value::Object(m) => m.values().for_each(|x| scalars(x, out)),
        s => out.push(s.clone()),
    }
}

/// The `k`-th node (pre-order, modulo the node count) as a mutable reference.
fn nth(v: &mut serde_json::Value, k: &mut usize) -> Option<*mut serde_json::Value> {
    if *k == 0 {
        return Some(v as *mut _);
    }
    *k -= 1;
    match v {
        serde_json::Value::Array(a) => a.iter_mut().find_map(|x| nth(x, k)),
        serde_json::Value::Object(m) => m.values_mut().find_map(|x| nth(x, k)),
        _ => None,
    }
}

fn count(v: &serde_json::Value) -> usize {
    1 + match v {
        serde_json::Value::Array(a) => a.iter().map(count).sum(),
        serde_json::Value::Object(m) => m.values().map(count).sum(),
        _ => 0,
    }
}

/// Structure-aware input: the first byte picks a sample, then each 4-byte group is one edit of a
/// node chosen by index (replace by a value of the sample — so references cross — or an
/// interesting value, delete from its list, duplicate in its list, swap with another node). The
/// result is always valid JSON in the snapshot's shape, so the fuzzer spends its time in
/// conversion and analysis rather than in the JSON parser.
pub fn mutate(data: &[u8]) -> String {
    let Some((&first, ops)) = data.split_first() else {
        return String::new();
    };
    let mut root: serde_json::Value =
        serde_json::from_str(BASES[first as usize % BASES.len()]).expect("seed is JSON");
    let mut pool = Vec::new();
    scalars(&root, &mut pool);
    for op in ops.chunks_exact(4).take(64) {
        let n = count(&root);
        let idx = u16::from_le_bytes([op[1], op[2]]) as usize % n;
        let val = op[3] as usize;
        let mut k = idx;
        let Some(node) = nth(&mut root, &mut k) else {
            continue;
        };
        // SAFETY: `node` points into `root`, which is not otherwise borrowed until the next loop.
        let node = unsafe { &mut *node };
        match op[0] % 6 {
            0 | 1 => {
                *node = pool[(val * 7919 + idx) % pool.len()].clone();
            }
            2 => {
                *node = serde_json::from_str(INTERESTING[val % INTERESTING.len()])
                    .expect("interesting values are JSON");
            }
            3 => {
                if let serde_json::Value::Array(a) = node
                    && !a.is_empty()
                {
                    let len = a.len();
                    a.remove(val % len);
                }
            }
            4 => {
                if let serde_json::Value::Array(a) = node
                    && !a.is_empty()
                    && a.len() < 256
                {
                    let x = a[val % a.len()].clone();
                    a.push(x);
                }
            }
            _ => {
                if let serde_json::Value::Object(m) = node
                    && !m.is_empty()
                {
                    let key = m.keys().nth(val % m.len()).cloned().expect("in range");
                    m.remove(&key);
                }
            }
        }
    }
    serde_json::to_string(&root).expect("a value serialises")
}
