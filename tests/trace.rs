//! `vpcreach trace`: one concrete flow, forward and reply, every hop with its rule.
//!
//! (a) Hand-picked flows of the bundled samples: the table output is snapshotted (insta), the JSON
//!     is parsed back and its structure asserted (hops, rules, the stop, the reply), and the
//!     binary's exit status is checked (0 delivered, 1 not delivered, 2 input error, 3 unknown).
//! (b) A property: on random networks (`support/gen.rs`), random flows (protocol, destination,
//!     port, source port) are traced, and the trace agrees with the engine's sets —
//!     - any flow: the walk delivers the trace's packet ⇔ the packet lies in the set the same walk
//!       delivers when it is run on a whole pool of addresses × every protocol and port;
//!     - a flow to the internet check's set: the trace arrives on the internet (or the service
//!       network) ⇔ the packet lies in the internet check's delivered set;
//!     - a TCP 443 flow from a client port to an address a service resolves to: the trace is
//!       delivered (forward and reply) ⇔ the connection lies in the service check's set of
//!       working connections; and the check's `reachable` / `unreachable` verdict agrees with the
//!       trace `vpcreach trace --to SERVICE` makes.
//! (c) The flows Batfish's own tests assert on its 20 AWS snapshots (tests/fixtures/batfish/README.md),
//!     from the instance's primary ENI (mapped here from the raw `Reservations` JSON), with the
//!     outcome Batfish states — or, where the flow leaves our model (transit gateway, peering,
//!     VPN gateway, a load balancer's node), `unknown` naming the component where it leaves.
//!
//! `TRACE_CASES` sets the number of random networks (default 200).

#[path = "support/gen.rs"]
mod netgen;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use serde_json::Value;
use vpcreach::analysis::Status;
use vpcreach::analysis::checks;
use vpcreach::analysis::resolve::{Resolved, resolve};
use vpcreach::analysis::trace::{
    self as tr, Arrival, Fate, FlowSpec, Stop, To, Trace, TraceStatus,
};
use vpcreach::analysis::walk::Dest;
use vpcreach::model::Network;
use vpcreach::space::{AddrSet, Packet, PacketSet, PortRange, ProtoSet};

// ------------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------------

/// Every region of the snapshot at `path`, converted.
fn networks(path: &Path) -> Vec<Network> {
    vpcreach::aws::load_regions(&[path])
        .unwrap_or_else(|e| panic!("loading {}: {e}", path.display()))
        .iter()
        .map(|l| {
            vpcreach::aws::judge::convert_loaded(l)
                .unwrap_or_else(|e| panic!("converting {}: {e}", path.display()))
        })
        .collect()
}

fn protocol(p: &str) -> Option<u8> {
    match p {
        "tcp" => Some(6),
        "udp" => Some(17),
        "icmp" => Some(1),
        "all" => None,
        n => Some(n.parse().expect("a protocol number")),
    }
}

/// Trace in-process, in the region whose network holds `from` (as the CLI picks it).
fn trace_in(path: &Path, from: &str, to: &str, proto: &str, port: Option<u16>) -> (Network, Trace) {
    for net in networks(path) {
        let Ok(src) = tr::find_source(&net, from) else {
            continue;
        };
        let to = match to.parse::<IpAddr>() {
            Ok(a) => To::Address(a),
            Err(_) => To::Service(to.to_string()),
        };
        let spec = FlowSpec {
            protocol: protocol(proto),
            port,
            source_port: None,
        };
        let t = tr::trace(&net, &src, &to, spec);
        return (net, t);
    }
    panic!("{from} is in no region of {}", path.display())
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
}

/// Run the binary: exit status and stdout.
fn cli(args: &[&str]) -> (i32, String, String) {
    let o = bin().args(args).output().expect("running vpcreach");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

// ------------------------------------------------------------------------------------------------
// (a) The samples
// ------------------------------------------------------------------------------------------------

/// What a flow of a sample must show.
struct SampleFlow {
    name: &'static str,
    sample: &'static str,
    from: &'static str,
    to: &'static str,
    args: &'static [&'static str],
    exit: i32,
    status: &'static str,
    /// `delivered`: the arrival's kind; otherwise the stop's code.
    end: &'static str,
    /// The arrival's component, or the stop's.
    component: &'static str,
    /// The reply's result (`None`: no reply traced).
    reply: Option<&'static str>,
    /// Kinds that must appear among the forward hops, in this order.
    hop_kinds: &'static [&'static str],
}

const SAMPLE_FLOWS: &[SampleFlow] = &[
    SampleFlow {
        name: "isolated_sts",
        sample: "isolated",
        from: "nb-isolated",
        to: "sts",
        args: &[],
        exit: 0,
        status: "delivered",
        end: "interface-endpoint",
        component: "vpce-06eb1b3c8bfa2bb4d",
        reply: Some("delivered"),
        hop_kinds: &[
            "security-group",
            "route-table",
            "network-acl",
            "network-acl",
            "security-group",
            "interface-endpoint",
        ],
    },
    SampleFlow {
        name: "isolated_internet",
        sample: "isolated",
        from: "nb-isolated",
        to: "8.8.8.8",
        args: &["--port", "80"],
        exit: 1,
        status: "not-delivered",
        end: "NO_ROUTE_TO_DESTINATION",
        component: "rtb-011680e8fbd635d73",
        reply: None,
        hop_kinds: &["security-group"],
    },
    SampleFlow {
        name: "nat_egress_http",
        sample: "nat-egress",
        from: "nb-nat-egress",
        to: "8.8.8.8",
        args: &["--port", "80", "--source-port", "40000"],
        exit: 0,
        status: "delivered",
        end: "internet",
        component: "igw-05a828cd92dbc1c14",
        reply: Some("delivered"),
        hop_kinds: &[
            "security-group",
            "route-table",
            "network-acl",
            "network-acl",
            "nat-gateway",
            "route-table",
            "network-acl",
            "internet-gateway",
        ],
    },
    SampleFlow {
        name: "nat_return_udp",
        sample: "acl-traps",
        from: "nb-nat-return-partial",
        to: "8.8.8.8",
        args: &["--protocol", "udp", "--port", "53"],
        exit: 1,
        status: "not-delivered",
        end: "internet",
        component: "igw-0051b86c6d0482678",
        reply: Some("dropped"),
        hop_kinds: &["nat-gateway", "internet-gateway"],
    },
    SampleFlow {
        name: "endpoint_sg_no_ingress",
        sample: "endpoint-mistakes",
        from: "nb-endpoint-sg-no-ingress",
        to: "sts",
        args: &[],
        exit: 1,
        status: "not-delivered",
        end: "ENDPOINT_SG_INGRESS_MISMATCH",
        component: "",
        reply: None,
        hop_kinds: &["security-group", "route-table"],
    },
    SampleFlow {
        name: "public_no_ip",
        sample: "public-subnet",
        from: "nb-public-no-ip",
        to: "1.1.1.1",
        args: &["--protocol", "icmp"],
        exit: 1,
        status: "not-delivered",
        end: "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        component: "",
        reply: None,
        hop_kinds: &["security-group", "route-table"],
    },
    SampleFlow {
        name: "large_peering",
        sample: "large",
        from: "nb-analytics-lab",
        to: "10.40.1.10",
        args: &["--port", "5432"],
        exit: 3,
        status: "unknown",
        end: "LEAVES_MODELLED_SCOPE",
        component: "pcx-0f6ae46a5dd0a6337",
        reply: None,
        hop_kinds: &[
            "security-group",
            "route-table",
            "network-acl",
            "vpc-peering",
        ],
    },
    SampleFlow {
        name: "no_vpc_s3",
        sample: "direct-internet",
        from: "nb-no-vpc",
        to: "s3",
        args: &[],
        exit: 0,
        status: "delivered",
        end: "service-network",
        component: "sagemaker-service-network",
        reply: Some("delivered"),
        hop_kinds: &["service-network"],
    },
];

#[test]
fn sample_flows() {
    for f in SAMPLE_FLOWS {
        let path = format!("samples/{}", f.sample);
        let mut args = vec!["trace", path.as_str(), "--from", f.from, "--to", f.to];
        args.extend_from_slice(f.args);
        let (code, table, err) = cli(&args);
        assert_eq!(
            code, f.exit,
            "{}: exit {code}, stderr {err}\n{table}",
            f.name
        );
        insta::assert_snapshot!(format!("trace_{}", f.name), table);

        let mut jargs = args.clone();
        jargs.extend_from_slice(&["--format", "json"]);
        let (code, json, err) = cli(&jargs);
        assert_eq!(code, f.exit, "{}: json exit, stderr {err}", f.name);
        let j: Value = serde_json::from_str(&json).expect("trace JSON parses");
        assert_eq!(j["status"], f.status, "{}: {json}", f.name);
        assert_eq!(j["source"]["id"], f.from);
        let parts = j["parts"].as_array().expect("parts");
        assert_eq!(parts.len(), 1, "{}: one concrete packet, one part", f.name);
        let p = &parts[0];
        let fwd = &p["forward"];
        let hops = fwd["hops"].as_array().expect("hops");
        let kinds: Vec<&str> = hops.iter().map(|h| h["kind"].as_str().unwrap()).collect();
        let mut at = 0;
        for k in f.hop_kinds {
            let found = kinds[at..].iter().position(|x| x == k);
            assert!(
                found.is_some(),
                "{}: hop kind {k} missing after #{at} in {kinds:?}",
                f.name
            );
            at += found.unwrap() + 1;
        }
        for h in hops {
            assert!(!h["detail"].as_str().unwrap().is_empty());
            // Every security-group and ACL hop names the rule that passed this packet.
            if matches!(h["kind"].as_str(), Some("security-group" | "network-acl")) {
                assert!(h["rule"].is_object(), "{}: hop without rule: {h}", f.name);
            }
        }
        if f.status == "delivered" || f.reply.is_some() {
            assert_eq!(fwd["result"], "delivered");
            assert_eq!(fwd["arrival"]["kind"], f.end, "{}", f.name);
            assert_eq!(fwd["arrival"]["component"], f.component, "{}", f.name);
        } else {
            assert_ne!(fwd["result"], "delivered");
            assert_eq!(fwd["stop"]["code"], f.end, "{}: {json}", f.name);
            if !f.component.is_empty() {
                assert_eq!(fwd["stop"]["component"], f.component, "{}", f.name);
            }
        }
        match f.reply {
            None => assert!(p["reply"].is_null(), "{}", f.name),
            Some(r) => {
                assert_eq!(p["reply"]["result"], r, "{}: {json}", f.name);
                if r == "delivered" {
                    assert!(p["reply"]["stop"].is_null());
                } else {
                    assert!(p["reply"]["stop"]["code"].is_string());
                }
            }
        }
        if f.to.parse::<IpAddr>().is_err() {
            let svc = &j["service"];
            assert!(svc["name"].as_str().unwrap().ends_with(f.to), "{}", f.name);
            let chosen = svc["chosen"].as_str().unwrap();
            assert_eq!(j["destination"], chosen);
            assert_eq!(p["packet"]["destination"], chosen);
        }
    }
}

#[test]
fn service_lists_every_address_and_the_one_taken() {
    let (_, t) = trace_in(
        Path::new("samples/isolated"),
        "nb-isolated",
        "sts",
        "tcp",
        None,
    );
    let s = t.service.as_ref().expect("resolved");
    assert!(s.addresses.contains(s.chosen));
    assert!(s.addresses.to_nets().len() >= 2, "two endpoint interfaces");
    assert_eq!(s.endpoints, vec!["vpce-06eb1b3c8bfa2bb4d".to_string()]);
    assert_eq!(t.source_port, Some(tr::DEFAULT_SOURCE_PORT));
    assert!(t.source_port_defaulted);
}

#[test]
fn from_an_interface_id() {
    // The notebook's own interface traces like the notebook.
    let (_, a) = trace_in(
        Path::new("samples/nat-egress"),
        "nb-nat-egress",
        "8.8.8.8",
        "tcp",
        Some(80),
    );
    let eni = a.source.origin.interface_id.clone().expect("described ENI");
    let (_, b) = trace_in(
        Path::new("samples/nat-egress"),
        &eni,
        "8.8.8.8",
        "tcp",
        Some(80),
    );
    assert_eq!(a.status, b.status);
    assert_eq!(a.parts[0].hops, b.parts[0].hops);
}

#[test]
fn every_protocol_gives_one_part_per_fate() {
    // The NAT gateway translates TCP, UDP and ICMP only.
    let (_, t) = trace_in(
        Path::new("samples/nat-egress"),
        "nb-nat-egress",
        "8.8.8.8",
        "all",
        None,
    );
    assert!(t.parts.len() >= 2, "{:?}", t.parts.len());
    assert_eq!(t.status, TraceStatus::Delivered);
    assert!(t.parts.iter().any(|p| matches!(
        &p.fate,
        Fate::Dropped(Stop::Walk(b)) if b.code.as_str() == "NAT_GATEWAY_UNSUPPORTED_PROTOCOL"
    )));
    let all = t
        .parts
        .iter()
        .fold(PacketSet::empty(), |a, p| a.union(&p.packets));
    let want = PacketSet::matching(
        ProtoSet::all(),
        &AddrSet::single("8.8.8.8".parse().unwrap()),
        PortRange::ALL,
    );
    assert!(all.same_as(&want), "the parts cover the flow exactly");
}

#[test]
fn input_errors_exit_2() {
    for args in [
        &[
            "trace",
            "samples/isolated",
            "--from",
            "nb-nope",
            "--to",
            "8.8.8.8",
        ][..],
        &[
            "trace",
            "samples/isolated",
            "--from",
            "i-0123",
            "--to",
            "8.8.8.8",
        ],
        &[
            "trace",
            "samples/isolated",
            "--from",
            "nb-isolated",
            "--to",
            "not-a-service!",
        ],
        &[
            "trace",
            "samples/isolated",
            "--from",
            "nb-isolated",
            "--to",
            "8.8.8.8",
            "--protocol",
            "gre",
        ],
        &[
            "trace",
            "samples/isolated",
            "--from",
            "nb-isolated",
            "--to",
            "8.8.8.8",
            "--protocol",
            "icmp",
            "--source-port",
            "5",
        ],
        &[
            "trace",
            "samples/isolated",
            "--from",
            "nb-isolated",
            "--to",
            "8.8.8.8",
            "--protocol",
            "47",
            "--port",
            "5",
        ],
        &[
            "trace",
            "tests/fixtures/batfish/test-multi-account",
            "--from",
            "nb-x",
            "--to",
            "8.8.8.8",
        ],
    ] {
        let (code, out, err) = cli(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(out.is_empty());
    }
    let (_, _, err) = cli(&[
        "trace",
        "samples/isolated",
        "--from",
        "i-0123",
        "--to",
        "8.8.8.8",
    ]);
    assert!(err.contains("eni-"), "{err}");
}

#[test]
fn unknown_exits_3_and_dot_draws_the_chain() {
    let (code, out, err) = cli(&[
        "trace",
        "tests/fixtures/batfish/test-transit-gateway",
        "--from",
        "nb-a",
        "--to",
        "192.168.1.106",
        "--format",
        "dot",
    ]);
    assert_eq!(code, 3, "{err}");
    let g = graphviz_rust::parse(&out).expect("the DOT parses");
    let text = graphviz_rust::printer::DotPrinter::print(
        &g,
        &mut graphviz_rust::printer::PrinterContext::default(),
    );
    assert!(text.contains("tgw-044be4464fcc69aff"));
    assert!(out.contains("src ->"), "{out}");
    // Render it when Graphviz is installed (as the diagram tests do).
    let have_dot = Command::new("dot").arg("-V").output().is_ok();
    if !have_dot {
        assert!(
            std::env::var("VPCREACH_FULL_TESTS").is_err(),
            "VPCREACH_FULL_TESTS=1 but Graphviz `dot` is missing"
        );
        eprintln!("SKIPPED: rendering the trace DOT (Graphviz `dot` not found)");
        return;
    }
    let mut child = Command::new("dot")
        .arg("-Tpng")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dot");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(out.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(o.stdout.starts_with(b"\x89PNG"));
}

// ------------------------------------------------------------------------------------------------
// (b) The property: traces agree with the engine's sets
// ------------------------------------------------------------------------------------------------

fn cases() -> u32 {
    std::env::var("TRACE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

const PROTOS: [u8; 6] = [6, 17, 1, 58, 47, 0];
const PORTS: [u16; 7] = [0, 22, 80, 443, 1024, 32768, 65535];
/// ICMP types (`type << 8`): echo request/reply, unreachable; ICMPv6 echo request.
const ICMP_TYPES: [u16; 4] = [0x0800, 0, 0x0300, 0x8000];
const CLIENT_PORTS: [u16; 4] = [32768, 40000, 50123, 60999];
const ANY_PORTS: [u16; 4] = [1024, 32767, 61000, 65535];

/// Addresses worth tracing to: the generator's pool, every subnet's and endpoint's addresses,
/// and the S3 list's first address.
fn pool(net: &Network) -> Vec<IpAddr> {
    let mut v: Vec<IpAddr> = netgen::INTERESTING_V4
        .iter()
        .chain(&netgen::INTERESTING_V6)
        .filter_map(|a| a.parse().ok())
        .collect();
    for s in net.subnets.values() {
        for c in &s.cidrs {
            let set = AddrSet::from_net(c);
            v.extend(set.first());
            if let IpAddr::V4(a) = c.network() {
                v.push(IpAddr::V4((u32::from(a) + 10).into()));
            }
        }
    }
    for i in net.interfaces.values() {
        v.extend(i.private_ips.iter().chain(&i.ipv6).copied());
    }
    for g in net.nat_gateways.values() {
        v.extend(g.private_ips.iter().copied());
    }
    for p in net.prefix_lists.values() {
        if let Some(c) = p.cidrs.as_ref().and_then(|c| c.first()) {
            v.extend(AddrSet::from_net(c).first());
        }
    }
    v.sort();
    v.dedup();
    v
}

/// How often each kind of outcome came up (the property must not hold vacuously).
#[derive(Default, Debug)]
struct Stats {
    walk_delivered: usize,
    walk_not_delivered: usize,
    internet_in: usize,
    internet_out: usize,
    to_interface: usize,
    service_works: usize,
    service_fails: usize,
    reply_dropped: usize,
}

fn check_network(net: &Network, picks: &[u32], st: &mut Stats) -> Result<(), String> {
    let mut k = 0usize;
    let mut pick = |n: usize| -> usize {
        let v = picks.get(k).copied().unwrap_or(0) as usize;
        k += 1;
        if n == 0 { 0 } else { v % n }
    };
    let addrs = pool(net);
    let pool_set = addrs
        .iter()
        .fold(AddrSet::empty(), |a, ip| a.union(&AddrSet::single(*ip)));
    for nb in net.notebooks.iter().filter(|n| n.placement_known) {
        let src = tr::find_source(net, &nb.name).map_err(|e| e.to_string())?;
        // The engine on whole sets, once per notebook.
        let every = PacketSet::matching(ProtoSet::all(), &pool_set, PortRange::ALL);
        let anywhere = tr::delivered(net, nb, &every, &Dest::Anywhere);
        let internet_set = checks::internet_set(net, nb);
        let internet = tr::delivered(net, nb, &internet_set, &Dest::Internet);
        for _ in 0..6 {
            let addr = addrs[pick(addrs.len())];
            let proto = PROTOS[pick(PROTOS.len())];
            let port = match proto {
                1 | 58 => ICMP_TYPES[pick(ICMP_TYPES.len())],
                6 | 17 => PORTS[pick(PORTS.len())],
                _ => 0,
            };
            let sport = CLIENT_PORTS
                .iter()
                .chain(&ANY_PORTS)
                .copied()
                .nth(pick(8))
                .unwrap();
            let spec = FlowSpec {
                protocol: Some(proto),
                port: Some(port),
                source_port: Some(sport),
            };
            let p = Packet::new(proto, addr, port);
            if !PacketSet::universe().contains(&p) {
                continue;
            }
            let t = tr::trace(net, &src, &To::Address(addr), spec);
            if t.parts.len() != 1 {
                return Err(format!(
                    "{}: {p}: {} parts for one packet",
                    nb.name,
                    t.parts.len()
                ));
            }
            let part = &t.parts[0];
            if part.walk_delivered != anywhere.contains(&p) {
                return Err(format!(
                    "{}: {p}: the trace's walk delivered={} but the set walk says {}",
                    nb.name,
                    part.walk_delivered,
                    anywhere.contains(&p)
                ));
            }
            if part.walk_delivered {
                st.walk_delivered += 1;
            } else {
                st.walk_not_delivered += 1;
            }
            if matches!(part.arrival, Some(Arrival::Interface { .. })) {
                st.to_interface += 1;
            }
            if part
                .reply
                .as_ref()
                .is_some_and(|r| r.fate != Fate::Delivered)
            {
                st.reply_dropped += 1;
            }
            if internet_set.contains(&p) {
                let out = part.fate == Fate::Delivered
                    && matches!(
                        part.arrival,
                        Some(Arrival::Internet { .. } | Arrival::ServiceNetwork)
                    );
                if out {
                    st.internet_out += 1;
                } else {
                    st.internet_in += 1;
                }
                if out != internet.contains(&p) {
                    return Err(format!(
                        "{}: {p}: trace reaches the internet={out}, internet check's delivered set has it={}: {:?}",
                        nb.name,
                        internet.contains(&p),
                        part.fate
                    ));
                }
            }
        }
        for svc in ["s3", "sts", "sagemaker.api"] {
            let name = net.service_name(svc);
            let verdict = checks::service(net, nb, svc);
            let whole = tr::trace(
                net,
                &src,
                &To::Service(svc.into()),
                FlowSpec {
                    protocol: Some(6),
                    port: Some(443),
                    source_port: None,
                },
            );
            match verdict.status {
                Status::Reachable if whole.status != TraceStatus::Delivered => {
                    return Err(format!(
                        "{}: {svc} reachable but trace {:?}",
                        nb.name, whole.status
                    ));
                }
                Status::Unreachable if whole.status != TraceStatus::NotDelivered => {
                    return Err(format!(
                        "{}: {svc} unreachable but trace {:?}",
                        nb.name, whole.status
                    ));
                }
                _ => {}
            }
            let Some(works) = tr::service_connections(net, nb, svc) else {
                if whole.resolution_failed.is_none() {
                    return Err(format!(
                        "{}: {svc} resolves to nothing, the trace went on",
                        nb.name
                    ));
                }
                continue;
            };
            let Resolved::Addrs(sa) = resolve(net, nb, &name, false).outcome else {
                unreachable!("service_connections resolved it");
            };
            let mut cands: Vec<IpAddr> = sa.first().into_iter().collect();
            cands.extend(addrs.iter().filter(|a| sa.contains(**a)).copied());
            if let Some(s) = &whole.service {
                cands.push(s.chosen);
            }
            for _ in 0..3 {
                let a = cands[pick(cands.len())];
                let sport = CLIENT_PORTS[pick(CLIENT_PORTS.len())];
                let spec = FlowSpec {
                    protocol: Some(6),
                    port: Some(443),
                    source_port: Some(sport),
                };
                let parts = tr::trace_parts(net, nb, a, &Dest::Service(name.clone()), spec);
                let ok = parts.len() == 1 && parts[0].status == TraceStatus::Delivered;
                let conn = Packet::new(6, a, sport);
                if ok {
                    st.service_works += 1;
                } else {
                    st.service_fails += 1;
                }
                if ok != works.contains(&conn) {
                    return Err(format!(
                        "{}: {svc} {a}:443 from port {sport}: trace delivered={ok}, check's working connections have it={}: {:?}",
                        nb.name,
                        works.contains(&conn),
                        parts
                            .iter()
                            .map(|p| (&p.fate, p.reply.as_ref().map(|r| &r.fate)))
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 5_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn trace_agrees_with_the_engine(
        tape in prop::collection::vec(any::<u32>(), 0..400),
        picks in prop::collection::vec(any::<u32>(), 64),
    ) {
        let snap = netgen::snapshot(&mut netgen::Tape::new(&tape));
        let net = vpcreach::aws::convert::convert(&snap).expect("generated snapshots convert");
        if let Err(msg) = check_network(&net, &picks, &mut Stats::default()) {
            let json = vpcreach::aws::save::to_json(&snap);
            prop_assert!(false, "{msg}\nsnapshot:\n{json}");
        }
    }
}

/// The random networks and flows reach every kind of outcome the property compares.
#[test]
fn property_covers_every_outcome() {
    // SplitMix64 tapes: deterministic.
    let mut x: u64 = 0x7472_6163_6500_0001;
    let mut next = || {
        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) as u32
    };
    let mut st = Stats::default();
    for _ in 0..150 {
        let tape: Vec<u32> = (0..400).map(|_| next()).collect();
        let picks: Vec<u32> = (0..64).map(|_| next()).collect();
        let snap = netgen::snapshot(&mut netgen::Tape::new(&tape));
        let net = vpcreach::aws::convert::convert(&snap).expect("generated snapshots convert");
        check_network(&net, &picks, &mut st).unwrap_or_else(|m| panic!("{m}"));
    }
    eprintln!("{st:?}");
    for (what, n) in [
        ("walk delivered", st.walk_delivered),
        ("walk not delivered", st.walk_not_delivered),
        ("internet reached", st.internet_out),
        ("internet not reached", st.internet_in),
        ("delivered to an interface", st.to_interface),
        ("service connection works", st.service_works),
        ("service connection fails", st.service_fails),
        ("reply dropped or unknown", st.reply_dropped),
    ] {
        assert!(n >= 3, "only {n} flows with outcome '{what}': {st:?}");
    }
}

// ------------------------------------------------------------------------------------------------
// (c) Batfish's flows
// ------------------------------------------------------------------------------------------------

/// The outcome a Batfish flow must have as a trace.
#[derive(Debug)]
enum Want {
    /// Delivered (forward and reply) to an arrival of this kind at this component.
    Delivered(&'static str, &'static str),
    /// Dropped with this code at this component.
    Dropped(&'static str, &'static str),
    /// Unknown (the flow leaves the model) with this code at this component.
    Unknown(&'static str, &'static str),
    /// Unknown for missing data (code, component) on the way to the edge of the model (a route
    /// to this component is on the path).
    UnknownBefore(&'static str, &'static str, &'static str),
}

struct BatfishFlow {
    snapshot: &'static str,
    /// The instance Batfish starts from (traced from its primary ENI).
    instance: &'static str,
    to: &'static str,
    proto: &'static str,
    port: Option<u16>,
    want: Want,
    /// What Batfish reports, where it differs from ours (beyond the model).
    batfish: &'static str,
}

const LEAVES: &str = "LEAVES_MODELLED_SCOPE";

#[rustfmt::skip]
const BATFISH_FLOWS: &[BatfishFlow] = &[
    // AwsConfigurationVpcEndpointGatewayTest
    BatfishFlow { snapshot: "test-vpc-endpoint-gateway", instance: "i-01c6c0647fdccc89e", to: "52.216.237.77", proto: "tcp", port: Some(443), want: Want::Delivered("gateway-endpoint", "vpce-0b7357542bb7b83ec"), batfish: "" },
    BatfishFlow { snapshot: "test-vpc-endpoint-gateway", instance: "i-0464d440ca0ee9e34", to: "52.216.237.77", proto: "tcp", port: Some(443), want: Want::Delivered("gateway-endpoint", "vpce-0b7357542bb7b83ec"), batfish: "" },
    BatfishFlow { snapshot: "test-vpc-endpoint-gateway", instance: "i-01c6c0647fdccc89e", to: "54.222.57.1", proto: "tcp", port: Some(443), want: Want::Dropped("NO_ROUTE_TO_DESTINATION", "rtb-04f71fc2caa8d94cf"), batfish: "" },
    BatfishFlow { snapshot: "test-vpc-endpoint-gateway", instance: "i-0464d440ca0ee9e34", to: "54.222.57.1", proto: "tcp", port: Some(443), want: Want::Delivered("internet", "igw-0c8afe4471084ccba"), batfish: "" },
    // AwsConfigurationVpcEndpointInterfaceTest
    BatfishFlow { snapshot: "test-vpc-endpoint-interface", instance: "i-0a0fbd0cfa774970f", to: "10.1.101.97", proto: "tcp", port: Some(443), want: Want::Delivered("interface-endpoint", "vpce-083c683a6be29b889"), batfish: "" },
    BatfishFlow { snapshot: "test-vpc-endpoint-interface", instance: "i-0eb6eb395a0d09117", to: "10.1.101.97", proto: "tcp", port: Some(443), want: Want::Delivered("interface-endpoint", "vpce-083c683a6be29b889"), batfish: "" },
    // AwsConfigurationNatGatewayTest (the flows from the internet have no interface to start from)
    BatfishFlow { snapshot: "test-nat-gateway", instance: "i-0a128d26e59be60f3", to: "8.8.8.8", proto: "tcp", port: Some(80), want: Want::Delivered("internet", "igw-071753b9c23d8a9b2"), batfish: "" },
    BatfishFlow { snapshot: "test-nat-gateway", instance: "i-0a128d26e59be60f3", to: "8.8.8.8", proto: "107", port: None, want: Want::Dropped("NAT_GATEWAY_UNSUPPORTED_PROTOCOL", "nat-07ab4846da51f4612"), batfish: "" },
    BatfishFlow { snapshot: "test-nat-gateway", instance: "i-0b31b509174d7f5de", to: "10.1.250.210", proto: "tcp", port: Some(80), want: Want::Dropped("NAT_GATEWAY_OWN_ADDRESS", "nat-07ab4846da51f4612"), batfish: "" },
    // AwsConfigurationPublicPrivateSubnetTest
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-094a9e5b545a4fde4", to: "8.8.8.8", proto: "tcp", port: Some(80), want: Want::Delivered("internet", "igw-0eac198308206c358"), batfish: "" },
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-094a9e5b545a4fde4", to: "19.168.0.0", proto: "tcp", port: Some(80), want: Want::Delivered("internet", "igw-0eac198308206c358"), batfish: "" },
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-099cf38911942421c", to: "8.8.8.8", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "vgw-070087240d6fa2989"), batfish: "NO_ROUTE at the VGW" },
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-099cf38911942421c", to: "19.168.0.0", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "vgw-070087240d6fa2989"), batfish: "EXITS_NETWORK at the VGW" },
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-099cf38911942421c", to: "13.58.55.60", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "vgw-070087240d6fa2989"), batfish: "NO_ROUTE at the VGW" },
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-094a9e5b545a4fde4", to: "10.0.1.204", proto: "tcp", port: Some(80), want: Want::Dropped("ENI_SG_RULES_MISMATCH", "sg-063f2bb51713c3236"), batfish: "" },
    BatfishFlow { snapshot: "test-public-private-subnet", instance: "i-099cf38911942421c", to: "10.0.0.47", proto: "tcp", port: Some(80), want: Want::Dropped("ENI_SG_RULES_MISMATCH", "sg-0662342465612f419"), batfish: "" },
    // AwsConfigurationPublicSubnetTest
    BatfishFlow { snapshot: "test-public-subnet", instance: "i-06669a407b2ef3ae5", to: "8.8.8.8", proto: "tcp", port: Some(80), want: Want::Delivered("internet", "igw-0a409e562d251f766"), batfish: "" },
    // AwsConfigurationSubnetTest
    BatfishFlow { snapshot: "test-subnet", instance: "i-08ef86e76fceabd8d", to: "10.10.1.44", proto: "tcp", port: Some(80), want: Want::Dropped("ENI_SG_RULES_MISMATCH", "sg-02566e413c0030c70"), batfish: "" },
    BatfishFlow { snapshot: "test-subnet", instance: "i-08ef86e76fceabd8d", to: "10.10.0.1", proto: "tcp", port: Some(80), want: Want::Dropped("NO_ROUTE_TO_DESTINATION", "rtb-07243bb4843d61c35"), batfish: "NULL_ROUTED in the VPC" },
    // AwsConfigurationTransitGatewayTest / …MultiTableTest
    BatfishFlow { snapshot: "test-transit-gateway", instance: "i-06ba034d88c84ef07", to: "192.168.1.106", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-044be4464fcc69aff"), batfish: "DENIED_IN at B" },
    BatfishFlow { snapshot: "test-transit-gateway", instance: "i-0b14080af811fda3d", to: "10.10.10.157", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-044be4464fcc69aff"), batfish: "DENIED_IN at A" },
    BatfishFlow { snapshot: "test-transit-gateway", instance: "i-075e846ed41670385", to: "192.168.1.106", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-044be4464fcc69aff"), batfish: "NULL_ROUTED (no TGW attachment in A2's zone)" },
    BatfishFlow { snapshot: "test-transit-gateway", instance: "i-0b14080af811fda3d", to: "10.10.20.154", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-044be4464fcc69aff"), batfish: "DENIED_IN at A2" },
    BatfishFlow { snapshot: "test-transit-gateway-multi-table", instance: "i-06ba034d88c84ef07", to: "192.168.1.106", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-044be4464fcc69aff"), batfish: "DENIED_IN at B" },
    BatfishFlow { snapshot: "test-transit-gateway-multi-table", instance: "i-0b14080af811fda3d", to: "10.10.10.157", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-044be4464fcc69aff"), batfish: "DENIED_IN at A" },
    // AwsConfigurationTransitGatewayAsymmetricPathsTest
    BatfishFlow { snapshot: "test-transit-gateway-asymmetric-paths", instance: "i-04bbbcaefdd1937f9", to: "10.2.1.100", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-01e19888e3ba041ac"), batfish: "DENIED_IN at fish" },
    BatfishFlow { snapshot: "test-transit-gateway-asymmetric-paths", instance: "i-0973ce90749865a7f", to: "10.1.1.100", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-0a33c739a4f8978a8"), batfish: "DENIED_IN at bat" },
    // AwsConfigurationTransitGatewayMultiAccountTest
    BatfishFlow { snapshot: "test-transit-gateway-multi-account", instance: "i-0bdf35d561be3d962", to: "10.2.1.183", proto: "tcp", port: Some(22), want: Want::UnknownBefore("MISSING_DATA", "subnet-", "tgw-0efdeab79e9a8e490"), batfish: "ACCEPTED (the snapshot has no NetworkAcls: the subnet's ACL is unknown)" },
    BatfishFlow { snapshot: "test-transit-gateway-multi-account", instance: "i-03df168b3f73cc262", to: "10.1.1.100", proto: "tcp", port: Some(22), want: Want::UnknownBefore("MISSING_DATA", "subnet-", "tgw-0efdeab79e9a8e490"), batfish: "ACCEPTED (the snapshot has no NetworkAcls: the subnet's ACL is unknown)" },
    // AwsConfigurationTransitGatewayPeeringTest
    BatfishFlow { snapshot: "test-transit-gateway-peering", instance: "i-08f3abb6471637c66", to: "192.168.1.100", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-0e20010ebf43d07a2"), batfish: "NO_ROUTE at tgw-bat" },
    BatfishFlow { snapshot: "test-transit-gateway-peering", instance: "i-05e25e43074216229", to: "192.168.1.100", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-0e20010ebf43d07a2"), batfish: "DENIED_IN at fish" },
    BatfishFlow { snapshot: "test-transit-gateway-peering", instance: "i-0afb0a59f6bf36397", to: "10.10.1.100", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-03201f1960ddb0c25"), batfish: "NO_ROUTE at tgw-fish" },
    BatfishFlow { snapshot: "test-transit-gateway-peering", instance: "i-0afb0a59f6bf36397", to: "10.20.1.100", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-03201f1960ddb0c25"), batfish: "NO_ROUTE at tgw-bat" },
    // AwsConfigurationVpcPeeringTest
    BatfishFlow { snapshot: "test-vpc-peering", instance: "i-06ba034d88c84ef07", to: "192.168.1.106", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "pcx-"), batfish: "DENIED_IN at B" },
    BatfishFlow { snapshot: "test-vpc-peering", instance: "i-0b14080af811fda3d", to: "10.10.10.157", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "pcx-"), batfish: "DENIED_IN at A" },
    BatfishFlow { snapshot: "test-vpc-peering", instance: "i-06ba034d88c84ef07", to: "192.168.100.1", proto: "tcp", port: Some(22), want: Want::Dropped("NO_ROUTE_TO_DESTINATION", "rtb-0891861fffaea6d52"), batfish: "" },
    BatfishFlow { snapshot: "test-vpc-peering", instance: "i-0b14080af811fda3d", to: "10.10.100.1", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "pcx-"), batfish: "NULL_ROUTED in VPC A" },
    // AwsConfigurationVpcPeeringCrossAccountTest
    BatfishFlow { snapshot: "test-vpc-peering-multi-account", instance: "i-07ae69cc808e8804e", to: "10.2.1.252", proto: "tcp", port: Some(22), want: Want::UnknownBefore("MISSING_DATA", "subnet-", "pcx-0040f7640e10191f4"), batfish: "ACCEPTED (the snapshot has no NetworkAcls: the subnet's ACL is unknown)" },
    BatfishFlow { snapshot: "test-vpc-peering-multi-account", instance: "i-066ce0b1efbb5602c", to: "10.1.1.100", proto: "tcp", port: Some(22), want: Want::UnknownBefore("MISSING_DATA", "subnet-", "pcx-0040f7640e10191f4"), batfish: "ACCEPTED (the snapshot has no NetworkAcls: the subnet's ACL is unknown)" },
    // AwsConfigurationVpnGatewayTest
    BatfishFlow { snapshot: "test-vpn-gateway", instance: "i-099cf38911942421c", to: "8.8.8.8", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "vgw-0c09bd7fadac961bf"), batfish: "NO_ROUTE at the on-prem router" },
    BatfishFlow { snapshot: "test-vpn-gateway", instance: "i-099cf38911942421c", to: "18.217.248.9", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "vgw-0c09bd7fadac961bf"), batfish: "NO_ROUTE at the on-prem router" },
    // AwsConfigurationDirectConnectTest / …PrivateVifTest
    BatfishFlow { snapshot: "test-direct-connect-gateway", instance: "i-dx01", to: "10.10.0.1", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "tgw-dx01"), batfish: "ACCEPTED at the on-prem router" },
    BatfishFlow { snapshot: "test-direct-connect-private-vif", instance: "i-priv01", to: "10.20.0.1", proto: "tcp", port: Some(22), want: Want::Unknown(LEAVES, "vgw-priv01"), batfish: "ACCEPTED at onprem-high" },
    // AwsConfigurationLoadBalancerTest: the NLB's nodes (their forwarding to targets is not modelled)
    BatfishFlow { snapshot: "test-load-balancer", instance: "i-0c8ce8bbdd98cc4e8", to: "10.1.1.237", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "eni-01f261dccaba46564"), batfish: "ACCEPTED at test20 through the NLB" },
    BatfishFlow { snapshot: "test-load-balancer", instance: "i-0c8ce8bbdd98cc4e8", to: "10.1.20.123", proto: "tcp", port: Some(80), want: Want::Unknown(LEAVES, "eni-0c82d6f7254ae6695"), batfish: "ACCEPTED at test20 through the NLB" },
];

/// Every `Reservations.json` below `dir`.
fn reservation_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            reservation_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "Reservations.json") {
            out.push(p);
        }
    }
}

/// The primary ENI (device index 0) of `instance`, from the snapshot's raw `Reservations`.
fn primary_eni(snapshot: &Path, instance: &str) -> String {
    let mut files = Vec::new();
    reservation_files(snapshot, &mut files);
    for f in files {
        let j: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for r in j["Reservations"].as_array().into_iter().flatten() {
            for i in r["Instances"].as_array().into_iter().flatten() {
                if i["InstanceId"] != instance {
                    continue;
                }
                for n in i["NetworkInterfaces"].as_array().into_iter().flatten() {
                    if n["Attachment"]["DeviceIndex"] == 0 {
                        return n["NetworkInterfaceId"].as_str().unwrap().to_string();
                    }
                }
            }
        }
    }
    panic!("no primary ENI for {instance} in {}", snapshot.display())
}

#[test]
fn batfish_flows() {
    let mut failures = Vec::new();
    for f in BATFISH_FLOWS {
        let dir = Path::new("tests/fixtures/batfish").join(f.snapshot);
        let eni = primary_eni(&dir, f.instance);
        let (_, t) = trace_in(&dir, &eni, f.to, f.proto, f.port);
        let what = format!(
            "{} {} ({eni}) → {} {}{}",
            f.snapshot,
            f.instance,
            f.to,
            f.proto,
            f.port.map(|p| format!("/{p}")).unwrap_or_default()
        );
        assert_eq!(t.parts.len(), 1, "{what}");
        let p = &t.parts[0];
        let ok = match (&f.want, &p.fate) {
            (Want::Delivered(kind, at), Fate::Delivered) => {
                let (k, c) = match p.arrival.as_ref().expect("a delivered part arrives") {
                    Arrival::Internet { gateway } => ("internet", gateway.as_str()),
                    Arrival::GatewayEndpoint { endpoint, .. } => {
                        ("gateway-endpoint", endpoint.as_str())
                    }
                    Arrival::InterfaceEndpoint { endpoint, .. } => {
                        ("interface-endpoint", endpoint.as_str())
                    }
                    Arrival::Interface { interface, .. } => {
                        ("network-interface", interface.as_str())
                    }
                    Arrival::ServiceNetwork => ("service-network", ""),
                };
                // Batfish asserts both directions: the reply must come back too.
                k == *kind
                    && c == *at
                    && t.status == TraceStatus::Delivered
                    && p.reply.as_ref().is_some_and(|r| r.fate == Fate::Delivered)
            }
            (Want::Dropped(code, at), Fate::Dropped(s))
            | (Want::Unknown(code, at), Fate::Unknown(s))
            | (Want::UnknownBefore(code, at, _), Fate::Unknown(s)) => {
                s.code() == *code && s.component().starts_with(at)
            }
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{what}: want {:?} ({}), got {:?} arrival {:?} reply {:?}",
                f.want,
                f.batfish,
                p.fate,
                p.arrival,
                p.reply.as_ref().map(|r| &r.fate)
            ));
        }
        // Where the flow leaves the model, the trace's last hop is the component it leaves by.
        if let Want::Unknown(LEAVES, at) = f.want
            && at.starts_with(['t', 'p', 'v'])
        {
            let last = p.hops.last().expect("hops before the scope's edge");
            if !last.at.id().starts_with(at) {
                failures.push(format!("{what}: last hop {:?}", last.at));
            }
        }
        // Where data is missing before the edge, the route to the edge is on the path.
        if let Want::UnknownBefore(_, _, edge) = f.want {
            let routed = p.hops.iter().any(|h| {
                matches!(&h.step, vpcreach::analysis::Step::Route { route } if route.target.id == edge)
            });
            if !routed {
                failures.push(format!("{what}: no route to {edge} in {:?}", p.hops));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn batfish_same_subnet_flows_cross_no_acl() {
    // AwsConfigurationSubnetTest / …VpcEndpointInterfaceTest: two ENIs of one subnet bypass the
    // subnet's ACL (DESIGN §3).
    for (snap, inst, to) in [
        ("test-subnet", "i-08ef86e76fceabd8d", "10.10.1.44"),
        (
            "test-vpc-endpoint-interface",
            "i-0a0fbd0cfa774970f",
            "10.1.101.97",
        ),
    ] {
        let dir = Path::new("tests/fixtures/batfish").join(snap);
        let eni = primary_eni(&dir, inst);
        let (_, t) = trace_in(&dir, &eni, to, "tcp", Some(443));
        assert!(
            t.parts[0].hops.iter().all(|h| h.at.kind() != "network-acl"),
            "{snap}: {:?}",
            t.parts[0].hops
        );
    }
    // An address of the subnet that no interface has: nothing receives it (Batfish's
    // NEIGHBOR_UNREACHABLE).
    let dir = Path::new("tests/fixtures/batfish/test-subnet");
    let eni = primary_eni(dir, "i-08ef86e76fceabd8d");
    let (_, t) = trace_in(dir, &eni, "10.10.1.45", "tcp", Some(22));
    assert!(
        matches!(&t.parts[0].fate, Fate::Dropped(s) if s.code() == "NO_INTERFACE_AT_ADDRESS"),
        "{:?}",
        t.parts[0].fate
    );
    // The other subnet's flow crosses both ACLs (out of its subnet, into the endpoint's).
    let dir = Path::new("tests/fixtures/batfish/test-vpc-endpoint-interface");
    let eni = primary_eni(dir, "i-0eb6eb395a0d09117");
    let (_, t) = trace_in(dir, &eni, "10.1.101.97", "tcp", Some(443));
    let acls = t.parts[0]
        .hops
        .iter()
        .filter(|h| h.at.kind() == "network-acl")
        .count();
    assert_eq!(acls, 2);
}

#[test]
fn batfish_nat_hop_names_the_public_address() {
    let dir = Path::new("tests/fixtures/batfish/test-nat-gateway");
    let eni = primary_eni(dir, "i-0a128d26e59be60f3");
    let (_, t) = trace_in(dir, &eni, "8.8.8.8", "tcp", Some(80));
    let nat = t.parts[0]
        .hops
        .iter()
        .find(|h| h.at.id() == "nat-07ab4846da51f4612")
        .expect("the NAT hop");
    let text = vpcreach::render::trace::hop_text(nat);
    assert!(text.contains("3.135.127.225"), "{text}");
    assert_eq!(t.parts[0].via.map(|v| v.as_str()), Some("nat-gateway"));
}

#[test]
fn readme_example_is_current() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("$ vpcreach trace samples/nat-egress --from nb-nat-egress --to 8.8.8.8 --port 80\n")
        .expect("the README's trace example");
    let body = &readme[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let shown = &body[..body.find("```").unwrap()];
    let (code, out, err) = cli(&[
        "trace",
        "samples/nat-egress",
        "--from",
        "nb-nat-egress",
        "--to",
        "8.8.8.8",
        "--port",
        "80",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        shown, out,
        "README.md's trace example is not what the command prints"
    );
}

#[test]
fn a_service_without_an_address_says_why() {
    // No VpcAttributes in the snapshot: whether the VPC resolves the name at all is unknown.
    let (code, out, err) = cli(&[
        "trace",
        "tests/fixtures/batfish/test-subnet",
        "--from",
        "nb-host-228",
        "--to",
        "sts",
        "--format",
        "json",
    ]);
    assert_eq!(code, 3, "{err}");
    let j: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["status"], "unknown");
    assert_eq!(j["resolution"]["result"], "unknown");
    assert_eq!(j["resolution"]["stop"]["code"], "MISSING_VPC_ATTRIBUTES");
    assert!(j["parts"].as_array().unwrap().is_empty());
    assert!(j["service"].is_null());
    assert!(j["destination"].is_null());
}
