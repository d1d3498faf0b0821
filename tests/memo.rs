//! Shared verdicts (issue 11): the engine's memoised path — notebooks of one placement share the
//! verdicts of the first, with their own name and address put in — must give exactly what
//! analysing every notebook on its own gives.
//!
//! Compared: the whole `Analysis` (`Debug`, so every hop, probe, block and address) and the
//! rendered JSON report, on every sample, every scenario fixture, every Batfish snapshot, and
//! random networks of `support/gen.rs` to which *twins* are added: notebooks in the same subnet
//! with the same security groups but their own interface, at addresses the network's rules single
//! out (the first, last and middle address of every CIDR the network mentions, so a `/32` ACL
//! entry or security-group rule for one twin separates it from the other). `MEMO_CASES` sets the
//! number of random networks (default 500).

#[path = "support/gen.rs"]
mod netgen;

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use ipnet::IpNet;
use proptest::prelude::*;
use vpcreach::analysis::{Analysis, Config, analyze_each, analyze_selected};
use vpcreach::aws::snapshot::{NetworkInterface, PrivateIpAddress, Snapshot};
use vpcreach::model::Network;

fn config() -> Config {
    Config {
        services: ["s3", "sts", "sagemaker.api", "logs"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    }
}

/// Both paths agree on `net`, to the last address of the last hop.
fn assert_same(net: &Network, what: &str) {
    let cfg = config();
    let shared: Analysis = analyze_selected(net, &cfg, &|_| true);
    let each: Analysis = analyze_each(net, &cfg, &|_| true);
    assert_eq!(shared.notebooks.len(), each.notebooks.len(), "{what}");
    for (a, b) in shared.notebooks.iter().zip(&each.notebooks) {
        assert_eq!(
            format!("{a:#?}"),
            format!("{b:#?}"),
            "{what}: notebook {} differs between the shared and the per-notebook path",
            b.notebook.name
        );
    }
}

fn dirs_with_json(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            dirs_with_json(&p, out);
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
}

/// Every region of every input that loads as a snapshot with notebooks.
fn networks_of(path: &Path) -> Vec<Network> {
    let Ok(regions) = vpcreach::aws::load_regions(&[path]) else {
        return Vec::new();
    };
    regions
        .iter()
        .filter_map(|l| vpcreach::aws::convert(&l.snapshot).ok())
        .filter(|n| !n.notebooks.is_empty())
        .collect()
}

#[test]
fn samples_and_fixtures_agree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root.join("samples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    let mut files = Vec::new();
    dirs_with_json(&root.join("tests/fixtures"), &mut files);
    inputs.extend(files);
    let batfish = root.join("../shared/peers/batfish-aws");
    if let Ok(rd) = std::fs::read_dir(&batfish) {
        inputs.extend(rd.map(|e| e.unwrap().path()).filter(|p| p.is_dir()));
    }
    inputs.sort();
    let mut judged = 0;
    for input in &inputs {
        for net in networks_of(input) {
            assert_same(&net, &input.display().to_string());
            judged += net.notebooks.len();
        }
    }
    assert!(judged > 50, "only {judged} notebooks compared");
}

/// A copy of notebook `i` with its own interface at `ip`, same subnet and groups.
fn add_twin(s: &mut Snapshot, i: usize, ip: IpAddr, n: usize) {
    let nb = s.notebook_instances[i].clone();
    let Some(eni_id) = nb.network_interface_id.clone() else {
        return;
    };
    let Some(eni) = s
        .network_interfaces
        .iter()
        .find(|e| e.network_interface_id == eni_id)
        .cloned()
    else {
        return;
    };
    let new_id = format!("{eni_id}t{n}");
    let mut twin_eni: NetworkInterface = eni;
    twin_eni.network_interface_id = new_id.clone();
    match ip {
        IpAddr::V4(_) => {
            twin_eni.private_ip_address = Some(ip.to_string());
            twin_eni.private_ip_addresses = vec![PrivateIpAddress {
                private_ip_address: Some(ip.to_string()),
                primary: Some(true),
                association: None,
            }];
            twin_eni.association = None;
        }
        IpAddr::V6(_) => return,
    }
    let mut twin = nb;
    twin.notebook_instance_name = format!("{}-twin{n}", twin.notebook_instance_name);
    twin.notebook_instance_arn = twin.notebook_instance_arn.map(|a| format!("{a}-twin{n}"));
    twin.network_interface_id = Some(new_id);
    s.network_interfaces.push(twin_eni);
    s.notebook_instances.push(twin);
}

/// IPv4 addresses the network's CIDRs single out, inside `subnet`.
fn interesting_in(net: &Network, subnet: &str) -> Vec<IpAddr> {
    let Some(sub) = net.subnets.get(subnet) else {
        return Vec::new();
    };
    let mut nets: Vec<IpNet> = Vec::new();
    for rt in net.route_tables.values() {
        for r in &rt.routes {
            if let vpcreach::model::RouteDest::Cidr(n) = &r.dest {
                nets.push(*n);
            }
        }
    }
    for a in net.acls.values() {
        nets.extend(a.ingress.iter().chain(&a.egress).map(|e| e.cidr));
    }
    for g in net.security_groups.values() {
        for r in g.ingress.iter().chain(&g.egress) {
            if let vpcreach::model::SgPeer::Cidr(n) = &r.peer {
                nets.push(*n);
            }
        }
    }
    for p in net.prefix_lists.values() {
        nets.extend(p.cidrs.iter().flatten().copied());
    }
    let mut out = Vec::new();
    for n in nets {
        if let IpNet::V4(n) = n {
            let lo = u32::from(n.network());
            let hi = u32::from(n.broadcast());
            for x in [lo, lo.saturating_add(1), lo + (hi - lo) / 2, hi] {
                let ip = IpAddr::V4(x.into());
                if sub.cidrs.iter().any(|c| c.contains(&ip)) {
                    out.push(ip);
                }
            }
        }
    }
    // And two ordinary addresses of the subnet.
    for c in &sub.cidrs {
        if let IpNet::V4(c) = c {
            let lo = u32::from(c.network());
            out.push(IpAddr::V4((lo + 7).into()));
            out.push(IpAddr::V4((lo + 9).into()));
        }
    }
    out.sort();
    out.dedup();
    out
}

fn with_twins(mut s: Snapshot) -> Snapshot {
    let Ok(net) = vpcreach::aws::convert(&s) else {
        return s;
    };
    let mut n = 0;
    for i in 0..s.notebook_instances.len() {
        let Some(subnet) = s.notebook_instances[i].subnet_id.clone() else {
            continue;
        };
        for ip in interesting_in(&net, &subnet).into_iter().take(6) {
            add_twin(&mut s, i, ip, n);
            n += 1;
        }
    }
    s
}

fn cases() -> u32 {
    std::env::var("MEMO_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_networks_with_twins_agree(tape in proptest::collection::vec(any::<u32>(), 0..400)) {
        let mut t = netgen::Tape::new(&tape);
        let snap = with_twins(netgen::snapshot(&mut t));
        if let Ok(net) = vpcreach::aws::convert(&snap) {
            let twins = net.notebooks.iter().filter(|n| n.name.contains("-twin")).count();
            let cfg = config();
            let shared = analyze_selected(&net, &cfg, &|_| true);
            let each = analyze_each(&net, &cfg, &|_| true);
            for (a, b) in shared.notebooks.iter().zip(&each.notebooks) {
                prop_assert_eq!(
                    format!("{a:#?}"),
                    format!("{b:#?}"),
                    "notebook {} ({} twins) differs; snapshot: {}",
                    &b.notebook.name,
                    twins,
                    serde_json::to_string(&snap).unwrap_or_default()
                );
            }
        }
    }
}
