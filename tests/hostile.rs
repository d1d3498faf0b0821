//! Hostile input (issue 11): generated snapshots that are huge, deep or loop, run through the CLI
//! binary with a watchdog. Each must end with a verdict (exit 0/1 and a JSON report in which
//! every notebook has a status for every check) or a clear error (exit 2 naming the file and the
//! reason) — never a hang, a crash or unbounded memory. Nothing big is committed: every input is
//! built here from `samples/nat-egress` and written to a temporary directory.
//!
//! Debug builds (CI) run scaled-down sizes. The issue's full sizes — 10⁶ security-group rules, a
//! prefix list of 10⁵ entries, a 100 MB file, 10⁴ referenced groups — run with
//! `VPCREACH_HOSTILE_FULL=1 cargo test --release --no-default-features --test hostile`. JSON nested
//! 10⁵ deep and the routing loops run at full size in both. The watchdog (kill, then fail with
//! "hang") and the memory bound (peak RSS of the child, read from /proc) are limits, not timing
//! assertions: they fail only on a run that would never end or would exhaust the machine.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

/// The sample the inputs are built from, and the IDs in it they extend.
const BASE: &str = "samples/nat-egress";
const VPC: &str = "vpc-0b90e4b9932d81dcd";
const PUBLIC_SUBNET: &str = "subnet-08e25f131d49fd440";
const PUBLIC_RTB: &str = "rtb-0563dd233ca19e5d5";
const PRIVATE_RTB: &str = "rtb-02d62f05d01749b36";
const NAT: &str = "nat-05fbf302a1872147c";
const NOTEBOOK_SG: &str = "sg-0d4e5d3a3001482d3";
const ACL: &str = "acl-0723314ee7aeec7b3";

/// Kill the child after this long: a run that takes longer is a hang.
const WATCHDOG: Duration = Duration::from_secs(if cfg!(debug_assertions) { 300 } else { 600 });
/// Peak resident memory allowed to one run (the machine has 24 GiB).
const MAX_RSS_KIB: u64 = 4 * 1024 * 1024;

fn full() -> bool {
    std::env::var("VPCREACH_HOSTILE_FULL").is_ok_and(|v| v == "1")
}

/// `full` with `VPCREACH_HOSTILE_FULL=1`, else `small`.
fn size(full_size: usize, small: usize) -> usize {
    if full() { full_size } else { small }
}

/// `samples/nat-egress` merged into one object (lists under one key concatenated).
fn base() -> Map<String, Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(BASE);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Map::new();
    for f in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for (k, v) in v.as_object().unwrap() {
            match (out.get_mut(k), v) {
                (Some(Value::Array(a)), Value::Array(b)) => a.extend(b.iter().cloned()),
                _ => {
                    out.insert(k.clone(), v.clone());
                }
            }
        }
    }
    out
}

fn list<'a>(snap: &'a mut Map<String, Value>, key: &str) -> &'a mut Vec<Value> {
    snap.entry(key)
        .or_insert_with(|| json!([]))
        .as_array_mut()
        .unwrap()
}

/// A field that holds a list, as the list.
fn arr(v: &mut Value) -> &mut Vec<Value> {
    v.as_array_mut().expect("a list")
}

/// The element of `key` whose `id_field` is `id`.
fn find<'a>(
    snap: &'a mut Map<String, Value>,
    key: &str,
    id_field: &str,
    id: &str,
) -> &'a mut Value {
    list(snap, key)
        .iter_mut()
        .find(|v| v[id_field] == id)
        .unwrap_or_else(|| panic!("{BASE} has no {key} {id}"))
}

/// The snapshot as text, each `"@@NAME@@"` placeholder string replaced by generated JSON text
/// (so the giant parts are written straight out, never held as `serde_json::Value`s).
fn render(snap: &Map<String, Value>, parts: &[(&str, String)]) -> String {
    let mut text = serde_json::to_string(snap).unwrap();
    for (name, part) in parts {
        let hole = format!("\"@@{name}@@\"");
        assert!(text.contains(&hole), "no placeholder {name}");
        text = text.replacen(&hole, part, 1);
    }
    text
}

/// What one run ended with.
struct Outcome {
    code: i32,
    stdout: String,
    stderr: String,
    peak_rss_kib: u64,
    elapsed: Duration,
}

/// The peak resident set (VmHWM) of a running process, in KiB.
fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Run `vpcreach analyze FILE --format json` on `text` written to a temporary directory, with the
/// watchdog; output goes to files so that a large report cannot block the child on a full pipe.
fn analyze(name: &str, text: &str) -> Outcome {
    let dir = std::env::temp_dir().join(format!("vpcreach-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join(format!("{name}.json"));
    std::fs::write(&input, text).unwrap();
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", input.to_str().unwrap(), "--format", "json"])
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("run vpcreach");
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&dir);
            panic!("{name}: hang: vpcreach still running after {WATCHDOG:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let read = |p: &Path| {
        let mut s = String::new();
        std::fs::File::open(p)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    let out = Outcome {
        code: status
            .code()
            .unwrap_or_else(|| panic!("{name}: killed by {status}")),
        stdout: read(&out_path),
        stderr: read(&err_path),
        peak_rss_kib: peak,
        elapsed,
    };
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "{name}: {} MB input, exit {}, {:.1} s, peak RSS {} MiB",
        text.len() / 1_000_000,
        out.code,
        out.elapsed.as_secs_f64(),
        out.peak_rss_kib / 1024
    );
    assert!(
        out.peak_rss_kib < MAX_RSS_KIB,
        "{name}: peak RSS {} MiB over the bound",
        out.peak_rss_kib / 1024
    );
    out
}

/// A verdict: exit 0/1 and a JSON report in which every notebook has a status for every check.
/// Returns the report.
fn assert_verdict(name: &str, o: &Outcome) -> Value {
    assert!(
        matches!(o.code, 0 | 1),
        "{name}: expected a verdict, got exit {}: {}",
        o.code,
        o.stderr
    );
    let report: Value = serde_json::from_str(&o.stdout)
        .unwrap_or_else(|e| panic!("{name}: the report is not JSON ({e})"));
    let notebooks = report["notebooks"].as_array().expect("notebooks");
    assert!(!notebooks.is_empty(), "{name}: no notebook judged");
    for n in notebooks {
        let checks = n["checks"].as_object().expect("checks");
        assert!(checks.contains_key("internet"), "{name}: no internet check");
        for (check, c) in checks {
            let status = c["status"].as_str().unwrap_or_default();
            assert!(
                ["reachable", "unreachable", "partial", "unknown"].contains(&status),
                "{name}: {check}: status {status:?}"
            );
        }
        let compliant = n["compliant"].as_bool().expect("compliant");
        assert_eq!(
            o.code == 0,
            compliant,
            "{name}: exit status and verdict differ"
        );
    }
    report
}

/// A clear error: exit 2, one message naming the file and containing `why`.
fn assert_error(name: &str, o: &Outcome, why: &str) {
    assert_eq!(o.code, 2, "{name}: expected exit 2, stderr: {}", o.stderr);
    assert!(o.stdout.is_empty(), "{name}: output besides the error");
    assert!(
        o.stderr.contains(&format!("{name}.json")),
        "{name}: the error does not name the file: {}",
        o.stderr
    );
    assert!(
        o.stderr.contains(why),
        "{name}: no {why:?} in: {}",
        o.stderr
    );
    assert!(
        o.stderr.len() < 4096,
        "{name}: an error of {} bytes",
        o.stderr.len()
    );
}

/// The status of `check` for the first notebook.
fn status(report: &Value, check: &str) -> String {
    report["notebooks"][0]["checks"][check]["status"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A distinct public /32 for every `i` (first octet 11–74: public unicast, no special range).
fn ip(i: usize) -> String {
    format!("{}.{}.{}.1", 11 + (i >> 16) % 64, (i >> 8) & 255, i & 255)
}

#[test]
fn a_million_security_group_rules() {
    let n = size(1_000_000, 20_000);
    let per = 1_000.min(n);
    let mut snap = base();
    find(&mut snap, "SecurityGroups", "GroupId", NOTEBOOK_SG)["IpPermissionsEgress"] =
        json!("@@RULES@@");
    find(&mut snap, "SecurityGroups", "GroupId", NOTEBOOK_SG)["IpPermissions"] = json!("@@IN@@");
    // n/per permissions of `per` ranges each, every one a distinct destination and port, so that
    // nothing folds them together before the analysis: n rules in all (half in each direction).
    let rules = |dir: usize, n: usize| {
        let mut s = String::from("[");
        for p in 0..n / per {
            if p > 0 {
                s.push(',');
            }
            let port = 1 + (p + dir * 30_000) % 65_535;
            let _ = write!(
                s,
                r#"{{"IpProtocol":"tcp","FromPort":{port},"ToPort":{port},"IpRanges":["#
            );
            for r in 0..per {
                if r > 0 {
                    s.push(',');
                }
                let _ = write!(s, r#"{{"CidrIp":"{}/32"}}"#, ip(p * per + r));
            }
            s.push_str(r#"],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}"#);
        }
        s.push(']');
        s
    };
    let text = render(
        &snap,
        &[("RULES", rules(0, n / 2)), ("IN", rules(1, n / 2))],
    );
    let o = analyze("rules", &text);
    let report = assert_verdict("rules", &o);
    // Port 443 to the internet is not among the rules, but other TCP ports to public /32s are:
    // internet egress through the NAT gateway is possible.
    assert_eq!(status(&report, "internet"), "reachable");
}

#[test]
fn a_prefix_list_of_a_hundred_thousand_entries_in_a_route_and_a_rule() {
    let n = size(100_000, 100_000);
    let mut snap = base();
    list(&mut snap, "PrefixLists").push(json!({
        "PrefixListId": "pl-0hostile0000000",
        "PrefixListName": "hostile-giant",
        "Cidrs": "@@CIDRS@@",
    }));
    arr(&mut find(&mut snap, "RouteTables", "RouteTableId", PRIVATE_RTB)["Routes"]).push(json!({
        "DestinationPrefixListId": "pl-0hostile0000000",
        "NatGatewayId": NAT,
        "Origin": "CreateRoute",
        "State": "active",
    }));
    find(&mut snap, "SecurityGroups", "GroupId", NOTEBOOK_SG)["IpPermissionsEgress"] = json!([{
        "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [], "Ipv6Ranges": [],
        "PrefixListIds": [{"PrefixListId": "pl-0hostile0000000"}], "UserIdGroupPairs": [],
    }]);
    let mut cidrs = String::from("[");
    for i in 0..n {
        if i > 0 {
            cidrs.push(',');
        }
        // /32s and /24s mixed, all distinct and public.
        if i % 2 == 0 {
            let _ = write!(cidrs, r#""{}/32""#, ip(i));
        } else {
            let _ = write!(
                cidrs,
                r#""{}.{}.{}.0/24""#,
                20 + i / 65_536,
                (i >> 8) & 255,
                i & 255
            );
        }
    }
    cidrs.push(']');
    let o = analyze("prefix-list", &render(&snap, &[("CIDRS", cidrs)]));
    let report = assert_verdict("prefix-list", &o);
    // HTTPS to the list's addresses only, through the NAT gateway: the internet is reachable.
    assert_eq!(status(&report, "internet"), "reachable");
}

/// One ENI of the 100 MB file: a realistic shape, with the tags AWS allows (ignored by vpcreach,
/// but read and skipped by the loader).
fn eni(i: usize, subnet: &str, ip: &str, sg: &str) -> String {
    let tag = "x".repeat(200);
    format!(
        r#"{{"NetworkInterfaceId":"eni-h{i:016x}","SubnetId":"{subnet}","VpcId":"{VPC}","InterfaceType":"interface","Description":"hostile {i}","PrivateIpAddress":"{ip}","PrivateIpAddresses":[{{"Primary":true,"PrivateIpAddress":"{ip}"}}],"Ipv6Addresses":[],"Groups":[{{"GroupId":"{sg}","GroupName":"g"}}],"Status":"in-use","TagSet":[{{"Key":"a","Value":"{tag}"}},{{"Key":"b","Value":"{tag}"}},{{"Key":"c","Value":"{tag}"}},{{"Key":"d","Value":"{tag}"}},{{"Key":"e","Value":"{tag}"}}]}}"#
    )
}

/// `count` subnets `10.30.(16+k).0/24` of the sample's VPC, associated with its ACL; their IDs.
fn add_subnets(snap: &mut Map<String, Value>, count: usize) -> Vec<String> {
    let template = find(snap, "Subnets", "SubnetId", PUBLIC_SUBNET).clone();
    let mut ids = Vec::new();
    for k in 0..count {
        let id = format!("subnet-h{k:016x}");
        let mut s = template.clone();
        s["SubnetId"] = json!(id);
        s["CidrBlock"] = json!(format!("10.30.{}.0/24", 16 + k));
        s["MapPublicIpOnLaunch"] = json!(false);
        list(snap, "Subnets").push(s);
        arr(&mut find(snap, "NetworkAcls", "NetworkAclId", ACL)["Associations"]).push(json!({
            "NetworkAclAssociationId": format!("aclassoc-h{k:016x}"),
            "NetworkAclId": ACL,
            "SubnetId": id,
        }));
        ids.push(id);
    }
    ids
}

#[test]
fn a_hundred_megabyte_file() {
    let target = size(100_000_000, 5_000_000);
    let mut snap = base();
    let subnets = add_subnets(&mut snap, 200);
    list(&mut snap, "NetworkInterfaces").push(json!("@@ENIS@@"));
    let mut enis = String::new();
    let mut i = 0;
    while enis.len() < target {
        if i > 0 {
            enis.push(',');
        }
        let (subnet, host) = (i / 250, 4 + i % 250);
        let ip = format!("10.30.{}.{host}", 16 + subnet % 200);
        // Past 200 × 250 addresses the same addresses repeat in more ENIs; a real VPC cannot have
        // that, so a clear error is as good as a verdict here.
        enis.push_str(&eni(i, &subnets[subnet % 200], &ip, NOTEBOOK_SG));
        i += 1;
    }
    let text = render(&snap, &[("ENIS", enis)]);
    assert!(text.len() >= target);
    let o = analyze("big", &text);
    if o.code == 2 {
        assert_error("big", &o, "eni-h");
    } else {
        assert_verdict("big", &o);
    }
}

#[test]
fn json_nested_a_hundred_thousand_deep() {
    let depth = 100_000;
    // Deep lists where a list of VPCs belongs, and deep objects inside a field vpcreach ignores.
    let lists = format!(r#"{{"Vpcs":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
    let o = analyze("deep-lists", &lists);
    assert_error("deep-lists", &o, "recursion limit exceeded");
    let objects = format!(
        r#"{{"Vpcs":[{{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16","Tags":{}1{}}}]}}"#,
        r#"{"a":"#.repeat(depth),
        "}".repeat(depth)
    );
    let o = analyze("deep-objects", &objects);
    assert_error("deep-objects", &o, "recursion limit exceeded");
    // Just under serde_json's limit of 128 is fine for the parser; vpcreach then names the field.
    let shallow = format!(
        r#"{{"Vpcs":[{{"VpcId":"vpc-1","CidrBlock":{}"10.0.0.0/16"{}}}]}}"#,
        "[".repeat(100),
        "]".repeat(100)
    );
    let o = analyze("deep-field", &shallow);
    assert_error("deep-field", &o, "CidrBlock");
}

/// A VPC of the peering chain: one subnet with a NAT gateway, a main route table sending
/// everything to `next_pcx`, an allow-all ACL.
fn chain_vpc(snap: &mut Map<String, Value>, i: usize, next_pcx: &str) {
    let vpc = format!("vpc-h{i:016x}");
    let subnet = format!("subnet-c{i:016x}");
    let cidr = format!("10.{}.0.0/16", 100 + i);
    list(snap, "Vpcs").push(json!({"VpcId": vpc, "CidrBlock": cidr, "State": "available"}));
    list(snap, "VpcAttributes").push(json!({
        "VpcId": vpc, "EnableDnsHostnames": {"Value": true}, "EnableDnsSupport": {"Value": true},
    }));
    list(snap, "Subnets").push(json!({
        "SubnetId": subnet, "VpcId": vpc, "CidrBlock": format!("10.{}.0.0/24", 100 + i),
        "AvailabilityZone": "us-east-1a", "State": "available", "MapPublicIpOnLaunch": false,
    }));
    let nat = format!("nat-h{i:016x}");
    list(snap, "NatGateways").push(json!({
        "NatGatewayId": nat, "SubnetId": subnet, "VpcId": vpc, "State": "available",
        "ConnectivityType": "public",
        "NatGatewayAddresses": [{"PrivateIp": format!("10.{}.0.5", 100 + i),
            "PublicIp": format!("198.51.100.{}", i % 250), "IsPrimary": true}],
    }));
    list(snap, "RouteTables").push(json!({
        "RouteTableId": format!("rtb-h{i:016x}"), "VpcId": vpc,
        "Associations": [{"Main": true, "RouteTableId": format!("rtb-h{i:016x}"),
            "AssociationState": {"State": "associated"}}],
        "Routes": [
            {"DestinationCidrBlock": cidr, "GatewayId": "local", "State": "active"},
            {"DestinationCidrBlock": "0.0.0.0/0", "VpcPeeringConnectionId": next_pcx,
                "State": "active"},
            // A route to the NAT gateway for the previous VPC's range: NAT → peering → NAT …
            {"DestinationCidrBlock": format!("10.{}.0.0/16", 99 + i.max(1)),
                "NatGatewayId": nat, "State": "active"},
        ],
    }));
    list(snap, "NetworkAcls").push(json!({
        "NetworkAclId": format!("acl-h{i:016x}"), "VpcId": vpc, "IsDefault": true,
        "Associations": [{"NetworkAclId": format!("acl-h{i:016x}"), "SubnetId": subnet}],
        "Entries": [
            {"CidrBlock": "0.0.0.0/0", "Egress": true, "Protocol": "-1", "RuleAction": "allow",
                "RuleNumber": 100},
            {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "-1", "RuleAction": "allow",
                "RuleNumber": 100},
        ],
    }));
}

fn peering(id: &str, a: (&str, &str), b: (&str, &str)) -> Value {
    json!({
        "VpcPeeringConnectionId": id,
        "Status": {"Code": "active"},
        "RequesterVpcInfo": {"VpcId": a.0, "CidrBlock": a.1, "OwnerId": "111122223333"},
        "AccepterVpcInfo": {"VpcId": b.0, "CidrBlock": b.1, "OwnerId": "111122223333"},
    })
}

#[test]
fn route_loops_across_nat_gateways_and_peerings() {
    for vpcs in [2, 50] {
        let mut snap = base();
        // The sample's public subnet (where its NAT gateway lives) sends the internet into the
        // chain instead of its internet gateway; the chain's last VPC peers back to the first.
        let pcx = |i: usize| format!("pcx-h{i:016x}");
        for r in arr(&mut find(&mut snap, "RouteTables", "RouteTableId", PUBLIC_RTB)["Routes"]) {
            if r["DestinationCidrBlock"] == "0.0.0.0/0" {
                *r = json!({"DestinationCidrBlock": "0.0.0.0/0", "VpcPeeringConnectionId": pcx(0),
                    "State": "active"});
            }
        }
        for i in 0..vpcs {
            chain_vpc(&mut snap, i, &pcx(i + 1));
        }
        let vpc = |i: usize| format!("vpc-h{i:016x}");
        let cidr = |i: usize| format!("10.{}.0.0/16", 100 + i);
        list(&mut snap, "VpcPeeringConnections").push(peering(
            &pcx(0),
            (VPC, "10.30.0.0/16"),
            (&vpc(0), &cidr(0)),
        ));
        for i in 0..vpcs - 1 {
            let p = peering(
                &pcx(i + 1),
                (&vpc(i), &cidr(i)),
                (&vpc(i + 1), &cidr(i + 1)),
            );
            list(&mut snap, "VpcPeeringConnections").push(p);
        }
        // The last VPC's peering goes back to the sample's VPC: a cycle of peerings.
        let back = peering(
            &pcx(vpcs),
            (&vpc(vpcs - 1), &cidr(vpcs - 1)),
            (VPC, "10.30.0.0/16"),
        );
        list(&mut snap, "VpcPeeringConnections").push(back);
        let name = format!("loop-{vpcs}");
        let o = analyze(&name, &render(&snap, &[]));
        let report = assert_verdict(&name, &o);
        // Peering is not transitive and carries no traffic to the internet (AWS: "VPC peering
        // limitations", no edge-to-edge routing), so no route in the loop reaches it.
        assert_ne!(status(&report, "internet"), "reachable", "{name}");
    }
}

#[test]
fn a_group_referencing_ten_thousand_groups() {
    let n = size(10_000, 1_000);
    let mut snap = base();
    let subnets = add_subnets(&mut snap, n.div_ceil(250));
    let mut groups = String::new();
    let mut pairs = String::new();
    let mut enis = String::new();
    for i in 0..n {
        let sg = format!("sg-h{i:016x}");
        if i > 0 {
            groups.push(',');
            pairs.push(',');
            enis.push(',');
        }
        // Each referenced group lets the notebook's group in on its own port and sends
        // everything back out.
        let port = 1 + i % 65_535;
        let _ = write!(
            groups,
            r#"{{"GroupId":"{sg}","GroupName":"g{i}","VpcId":"{VPC}","IpPermissions":[{{"IpProtocol":"tcp","FromPort":{port},"ToPort":{port},"IpRanges":[],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[{{"GroupId":"{NOTEBOOK_SG}"}}]}}],"IpPermissionsEgress":[{{"IpProtocol":"-1","IpRanges":[{{"CidrIp":"0.0.0.0/0"}}],"Ipv6Ranges":[],"PrefixListIds":[],"UserIdGroupPairs":[]}}]}}"#
        );
        let _ = write!(pairs, r#"{{"GroupId":"{sg}","UserId":"111122223333"}}"#);
        let ip = format!("10.30.{}.{}", 16 + i / 250, 4 + i % 250);
        enis.push_str(&eni(i, &subnets[i / 250], &ip, &sg));
    }
    list(&mut snap, "SecurityGroups").push(json!("@@GROUPS@@"));
    list(&mut snap, "NetworkInterfaces").push(json!("@@ENIS@@"));
    find(&mut snap, "SecurityGroups", "GroupId", NOTEBOOK_SG)["IpPermissionsEgress"] = json!([{
        "IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
        "UserIdGroupPairs": "@@PAIRS@@",
    }]);
    let text = render(
        &snap,
        &[
            ("GROUPS", groups),
            ("ENIS", enis),
            ("PAIRS", format!("[{pairs}]")),
        ],
    );
    let o = analyze("sg-refs", &text);
    let report = assert_verdict("sg-refs", &o);
    // The notebook may send only to members of the referenced groups: private addresses, so
    // nothing reaches the internet.
    assert_eq!(status(&report, "internet"), "unreachable");
}
