//! The two questions asked of every notebook (DESIGN §3):
//!
//! - `internet`: can ANY packet (any protocol, port, public destination) be delivered to the
//!   internet? Forward direction only.
//! - one check per service: can a TCP 443 connection be made to EVERY address the service may
//!   resolve to, from EVERY client source port? Forward path and the reply through every stateless
//!   ACL on the way back.
//!
//! Both are computed on whole packet sets; the branches of the walk are then folded into one
//! verdict with a witness and path (reachable), `blocked_by` (unreachable / partial) or the reason
//! (unknown).

use std::collections::BTreeSet;

use crate::model::{Diagnostic, Network, Notebook, Severity};
use crate::space::{AddrSet, Family, Packet, PacketSet, PortRange, ProtoSet, TCP};

use super::explain;
use super::filters::{acl_entries, acl_eval};
use super::walk::{Branch, Dest, End, origin, walk_notebook};
use super::{Block, Code, Hop, Status, Verdict, Via, Witness};

/// Linux's default ephemeral ports (`net.ipv4.ip_local_port_range`), the notebook's source ports.
pub const CLIENT_PORTS: PortRange = PortRange {
    lo: 32768,
    hi: 60999,
};
/// The source ports a NAT gateway uses for translated connections.
pub const NAT_PORTS: PortRange = PortRange {
    lo: 1024,
    hi: 65535,
};

fn push_unique(v: &mut Vec<Block>, b: Block) {
    if !v.contains(&b) {
        v.push(b);
    }
}

/// Fill in each hop's detail for the witness packet.
fn finalize(net: &Network, hops: &[Hop], p: &Packet) -> Vec<Hop> {
    hops.iter()
        .map(|h| {
            let mut h = h.clone();
            if let Some(d) = explain::detail(net, &h.probe, p) {
                h.detail = d;
            }
            h
        })
        .collect()
}

/// How much a way out exposes, for choosing which working path to show: the most exposed first.
fn exposure(v: Via) -> u8 {
    match v {
        Via::ServiceNetwork => 0,
        Via::Target(crate::model::TargetKind::InternetGateway) => 1,
        Via::Target(crate::model::TargetKind::EgressOnlyInternetGateway) => 2,
        Via::Target(crate::model::TargetKind::NatGateway) => 3,
        _ => 4,
    }
}

/// The internet check.
pub fn internet(net: &Network, nb: &Notebook) -> Verdict {
    let mut addrs = AddrSet::public_v4();
    if nb.subnet_id.is_some() && origin(net, nb).has_v6 {
        addrs = addrs.union(&AddrSet::public_v6());
    }
    if let Some(v) = nb.vpc_id.as_ref().and_then(|v| net.vpcs.get(v)) {
        addrs = addrs.difference(&AddrSet::from_nets(v.cidrs.iter()));
    }
    let set = PacketSet::matching(ProtoSet::all(), &addrs, PortRange::ALL);
    let branches = walk_notebook(net, nb, &set, &Dest::Internet);

    let mut delivered: Vec<(&Branch, Via)> = branches
        .iter()
        .filter_map(|b| match b.end {
            End::Delivered { via, .. } => Some((b, via)),
            _ => None,
        })
        .collect();
    let mut blocked = Vec::new();
    let mut unknown = Vec::new();
    let mut unknown_branch: Option<(&Branch, Option<Via>)> = None;
    for b in &branches {
        match &b.end {
            End::Dropped(bl) => push_unique(&mut blocked, bl.clone()),
            End::Undecided { via, why } => {
                push_unique(&mut unknown, why.clone());
                if unknown_branch.is_none()
                    || (unknown_branch.unwrap().1.is_none() && via.is_some())
                {
                    unknown_branch = Some((b, *via));
                }
            }
            End::Delivered { .. } => {}
        }
    }
    if !delivered.is_empty() {
        delivered.sort_by_key(|(_, v)| exposure(*v));
        let (b, via) = delivered[0];
        let w = b.set.representative().expect("non-empty branch");
        let vias: BTreeSet<Via> = delivered.iter().map(|(_, v)| *v).collect();
        return Verdict {
            status: Status::Reachable,
            private: false,
            via: Some(via),
            witness: Some(Witness::of(&w, None)),
            path: finalize(net, &b.hops, &w),
            blocked_by: Vec::new(),
            unknown_because: Vec::new(),
            vias: vias.into_iter().collect(),
        };
    }
    if let Some((b, via)) = unknown_branch {
        let w = b.set.representative();
        return Verdict {
            status: Status::Unknown,
            private: false,
            via,
            witness: w.map(|w| Witness::of(&w, None)),
            path: w.map(|w| finalize(net, &b.hops, &w)).unwrap_or_default(),
            blocked_by: blocked,
            unknown_because: unknown,
            vias: Vec::new(),
        };
    }
    Verdict {
        status: Status::Unreachable,
        private: false,
        via: None,
        witness: None,
        path: Vec::new(),
        blocked_by: blocked,
        unknown_because: Vec::new(),
        vias: Vec::new(),
    }
}

/// The addresses a service's name resolves to, and why an endpoint was passed over.
struct Resolution {
    addrs: Result<AddrSet, Block>,
    notes: Vec<Block>,
}

/// Public addresses of a service: S3 and DynamoDB publish theirs as an AWS-managed prefix list;
/// any other service may be at any public IPv4 address outside the AWS-managed prefix lists.
fn public_addrs(net: &Network, name: &str) -> Result<AddrSet, Block> {
    let short = name.rsplit('.').next().unwrap_or(name);
    if matches!(short, "s3" | "dynamodb") {
        return net
            .prefix_lists
            .values()
            .find(|p| p.name.as_deref() == Some(name))
            .map(|p| AddrSet::from_nets(p.cidrs.iter()))
            .ok_or_else(|| Block {
                code: Code::MissingData,
                component: name.to_string(),
                detail: format!(
                    "the AWS-managed prefix list {name} (the service's addresses) is not in PrefixLists"
                ),
            });
    }
    let managed = net
        .prefix_lists
        .values()
        .filter(|p| p.aws_managed())
        .fold(AddrSet::empty(), |a, p| {
            a.union(&AddrSet::from_nets(p.cidrs.iter()))
        });
    Ok(AddrSet::public_v4().difference(&managed))
}

fn resolve(net: &Network, nb: &Notebook, name: &str) -> Resolution {
    let mut notes = Vec::new();
    let Some(vpc) = nb.vpc_id.as_ref().and_then(|v| net.vpcs.get(v)) else {
        if nb.subnet_id.is_some() {
            // In a VPC the snapshot does not describe: whether it has an interface endpoint for
            // the service (and whether its DNS lets it work) is not known.
            return Resolution {
                addrs: Err(Block {
                    code: Code::MissingData,
                    component: nb
                        .vpc_id
                        .clone()
                        .unwrap_or_else(|| nb.subnet_id.clone().unwrap_or_default()),
                    detail: format!(
                        "the notebook's VPC ({}) is not in the snapshot, so whether an interface endpoint serves {name} is not known",
                        nb.vpc_id
                            .as_deref()
                            .unwrap_or("its subnet is not described either")
                    ),
                }),
                notes,
            };
        }
        return Resolution {
            addrs: public_addrs(net, name),
            notes,
        };
    };
    if let Some(why) = net.endpoints_incomplete() {
        return Resolution {
            addrs: Err(Block {
                code: Code::MissingData,
                component: vpc.id.clone(),
                detail: format!(
                    "whether {vpc} has an interface endpoint for {name} is not known: VPC endpoints could not be collected ({why})",
                    vpc = vpc.id
                ),
            }),
            notes,
        };
    }
    let candidates: Vec<&crate::model::Endpoint> = net.interface_endpoints(&vpc.id, name).collect();
    let mut usable = AddrSet::empty();
    let mut any_usable = false;
    for ep in &candidates {
        if ep.state != "available" {
            notes.push(Block {
                code: Code::EndpointNotAvailable,
                component: ep.id.clone(),
                detail: format!(
                    "interface endpoint {} for {name} is in state {}",
                    ep.id, ep.state
                ),
            });
            continue;
        }
        if !ep.private_dns {
            notes.push(Block {
                code: Code::PrivateDnsDisabled,
                component: ep.id.clone(),
                detail: format!(
                    "interface endpoint {} has private DNS disabled: {name}'s name resolves to public addresses",
                    ep.id
                ),
            });
            continue;
        }
        match (vpc.dns_support, vpc.dns_hostnames) {
            (Some(true), Some(true)) => {
                any_usable = true;
                usable = usable.union(&net.endpoint_addresses(ep));
            }
            (Some(false), _) | (_, Some(false)) => notes.push(Block {
                code: Code::VpcDnsDisabled,
                component: vpc.id.clone(),
                detail: format!(
                    "{} has enableDnsSupport={} and enableDnsHostnames={}: the private DNS of {} does not take effect",
                    vpc.id,
                    vpc.dns_support.map_or("?".into(), |b| b.to_string()),
                    vpc.dns_hostnames.map_or("?".into(), |b| b.to_string()),
                    ep.id
                ),
            }),
            _ => {
                return Resolution {
                    addrs: Err(Block {
                        code: Code::MissingVpcAttributes,
                        component: vpc.id.clone(),
                        detail: format!(
                            "whether {} is used depends on {}'s enableDnsSupport/enableDnsHostnames, which the snapshot lacks",
                            ep.id, vpc.id
                        ),
                    }),
                    notes,
                };
            }
        }
    }
    if any_usable {
        if usable.is_empty() {
            return Resolution {
                addrs: Err(Block {
                    code: Code::MissingData,
                    component: name.to_string(),
                    detail: format!("no address is known for the interface endpoint(s) of {name}"),
                }),
                notes,
            };
        }
        return Resolution {
            addrs: Ok(usable),
            notes: Vec::new(),
        };
    }
    Resolution {
        addrs: public_addrs(net, name),
        notes,
    }
}

/// Diagnostics about the services asked for: an S3/DynamoDB check needs the service's AWS-managed
/// prefix list, and its verdicts are `unknown` without it.
pub fn service_diagnostics(net: &Network, services: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for svc in services {
        let name = net.service_name(svc);
        if let Err(b) = public_addrs(net, &name) {
            out.push(Diagnostic {
                severity: Severity::Error,
                code: "MISSING_PREFIX_LIST",
                resource: name.clone(),
                message: format!(
                    "{}; {svc} checks that use the public path are unknown",
                    b.detail
                ),
            });
        }
    }
    out
}

/// One service check.
pub fn service(net: &Network, nb: &Notebook, svc: &str) -> Verdict {
    let name = net.service_name(svc);
    let res = resolve(net, nb, &name);
    let addrs = match res.addrs {
        Ok(a) => a,
        // Traffic through the service network reaches the service wherever it is.
        Err(_) if nb.subnet_id.is_none() => AddrSet::public_v4(),
        Err(b) => return undecided_verdict(vec![b], res.notes),
    };
    // A client without an IPv6 address connects over IPv4 only: the service's IPv6 addresses
    // (an endpoint's subnets' IPv6 blocks standing in for its interfaces) are not part of the question.
    let addrs = if nb.subnet_id.is_some() && !origin(net, nb).has_v6 {
        addrs.intersect(&AddrSet::all_of(Family::V4))
    } else {
        addrs
    };
    if addrs.is_empty() {
        return undecided_verdict(
            vec![Block {
                code: Code::MissingData,
                component: name.clone(),
                detail: format!("no address of {name} is known that the notebook could connect to"),
            }],
            res.notes,
        );
    }
    let set = PacketSet::matching(ProtoSet::single(TCP), &addrs, PortRange::single(443));
    let branches = walk_notebook(net, nb, &set, &Dest::Service(name.clone()));

    let mut works: Vec<(PacketSet, &Branch, Via, bool, Vec<Hop>)> = Vec::new();
    let mut blocked: Vec<Block> = Vec::new();
    let mut unknown: Vec<Block> = Vec::new();
    let mut failed = false;
    let mut unknown_via: Option<Via> = None;
    for b in &branches {
        match &b.end {
            End::Dropped(bl) => {
                failed = true;
                push_unique(&mut blocked, bl.clone());
            }
            End::Undecided { via, why } => {
                unknown_via = unknown_via.or(*via);
                push_unique(&mut unknown, why.clone());
            }
            End::Delivered { via, private } => {
                let r = replies(net, b);
                failed |= r.failed;
                for bl in r.blocked {
                    push_unique(&mut blocked, bl);
                }
                for bl in r.unknown {
                    push_unique(&mut unknown, bl);
                }
                if !r.works.is_empty() {
                    works.push((r.works, b, *via, *private, r.hops));
                }
            }
        }
    }
    let private = !works.is_empty() && works.iter().all(|w| w.3);
    // Show the least private working path: it is the one that decides `private`.
    works.sort_by_key(|w| (w.3, exposure(w.2)));
    let status = if !unknown.is_empty() {
        Status::Unknown
    } else if works.is_empty() {
        Status::Unreachable
    } else if failed {
        Status::Partial
    } else {
        Status::Reachable
    };
    if status != Status::Reachable || !private {
        // Why an endpoint was passed over is the root cause: list it first.
        let mut all = res.notes;
        for b in blocked {
            push_unique(&mut all, b);
        }
        blocked = all;
    }
    let vias: BTreeSet<Via> = works.iter().map(|w| w.2).collect();
    let (witness, path, via) = match works.first() {
        Some((conns, b, via, _, reply_hops)) => {
            let c = conns.representative().expect("non-empty");
            let fwd = Packet {
                protocol: TCP,
                destination: c.destination,
                port: 443,
            };
            let mut path = finalize(net, &b.hops, &fwd);
            path.extend(reply_hops.iter().cloned());
            (Some(Witness::of(&fwd, Some(c.port))), path, Some(*via))
        }
        None => (None, Vec::new(), None),
    };
    Verdict {
        status,
        private,
        via: if status == Status::Unknown && via.is_none() {
            unknown_via
        } else {
            via
        },
        witness,
        path,
        blocked_by: blocked,
        unknown_because: unknown,
        vias: vias.into_iter().collect(),
    }
}

fn undecided_verdict(why: Vec<Block>, notes: Vec<Block>) -> Verdict {
    Verdict {
        status: Status::Unknown,
        private: false,
        via: None,
        witness: None,
        path: Vec::new(),
        blocked_by: notes,
        unknown_because: why,
        vias: Vec::new(),
    }
}

struct ReplyOutcome {
    /// Connections (address × client port) whose replies pass every ACL.
    works: PacketSet,
    failed: bool,
    blocked: Vec<Block>,
    unknown: Vec<Block>,
    /// Evidence hops for the first working connection.
    hops: Vec<Hop>,
}

/// The reply of each delivered connection, back through every stateless ACL the forward path
/// crossed (in reverse order). Connections are (service address, client source port); where the
/// reply's port is a NAT gateway's, every NAT port must pass for the address to fully work.
fn replies(net: &Network, b: &Branch) -> ReplyOutcome {
    let mut conns = PacketSet::matching(ProtoSet::single(TCP), &b.set.addresses(), CLIENT_PORTS);
    let mut out = ReplyOutcome {
        works: PacketSet::empty(),
        failed: false,
        blocked: Vec::new(),
        unknown: Vec::new(),
        hops: Vec::new(),
    };
    // Per reply check: the ACL, and the set that passed it (to explain the witness later).
    let mut passed: Vec<(&super::walk::ReplyCheck, PacketSet)> = Vec::new();
    for rc in b.replies.iter().rev() {
        if conns.is_empty() {
            break;
        }
        let Some(acl) = rc.acl.as_ref().and_then(|a| net.acls.get(a)) else {
            out.unknown.push(Block {
                code: Code::MissingData,
                component: rc.subnet.clone(),
                detail: format!("the network ACL of {} is not in the snapshot", rc.subnet),
            });
            return out;
        };
        let entries = acl_entries(acl, rc.dir);
        let set = if rc.nat_ports {
            PacketSet::matching(ProtoSet::single(TCP), &conns.addresses(), NAT_PORTS)
        } else {
            conns.clone()
        };
        let r = acl_eval(entries, &set, &rc.role);
        let ports = if rc.nat_ports {
            "the NAT gateway's ports"
        } else {
            "the client's ports"
        };
        for (rule, denied) in &r.denied {
            out.failed = true;
            let why = match rule {
                Some(t) => format!("{} rule {t} denies", rc.dir.word()),
                None => format!("no {} rule allows (implicit deny)", rc.dir.word()),
            };
            push_unique(
                &mut out.blocked,
                Block {
                    code: Code::AclReturnTraffic,
                    component: acl.id.clone(),
                    detail: format!(
                        "return traffic to {ports}: {why} {} in {}",
                        denied.describe(),
                        rc.subnet
                    ),
                },
            );
        }
        if !r.undecided.is_empty() {
            push_unique(
                &mut out.unknown,
                Block {
                    code: Code::DependsOnSourceAddress,
                    component: acl.id.clone(),
                    detail: format!(
                        "a {} rule of {} covers only part of the notebook's possible addresses",
                        rc.dir.word(),
                        acl.id
                    ),
                },
            );
        }
        if rc.nat_ports {
            // An address works for a connection only if every NAT port the gateway may pick is
            // let back in; otherwise it works for some connections only (partial).
            let denied_addrs = r
                .denied
                .iter()
                .fold(AddrSet::empty(), |a, (_, s)| a.union(&s.addresses()))
                .union(&r.undecided.addresses());
            let ok_addrs = r.allowed.addresses();
            let full = ok_addrs.difference(&denied_addrs);
            if !ok_addrs.difference(&full).is_empty() {
                out.failed = true;
            }
            // Keep partially working addresses as evidence of what works, flagged as failed.
            conns = conns.restrict_addrs(&ok_addrs.difference(&r.undecided.addresses()));
            passed.push((rc, r.allowed));
        } else {
            conns = r.allowed.clone();
            passed.push((rc, r.allowed));
        }
    }
    out.works = conns;
    if let Some(c) = out.works.representative() {
        for (rc, allowed) in passed {
            let probe_port = if rc.nat_ports {
                allowed
                    .restrict_addrs(&AddrSet::single(c.destination))
                    .representative()
                    .map_or(NAT_PORTS.lo, |p| p.port)
            } else {
                c.port
            };
            let p = Packet {
                protocol: TCP,
                destination: c.destination,
                port: probe_port,
            };
            let detail = net
                .acls
                .get(rc.acl.as_deref().unwrap_or_default())
                .and_then(|a| explain::acl_match(acl_entries(a, rc.dir), &p, &rc.role))
                .map(|e| {
                    format!(
                        "return traffic from {} to port {probe_port}: {} rule {} matches",
                        c.destination,
                        rc.dir.word(),
                        e.text
                    )
                })
                .unwrap_or_default();
            out.hops.push(Hop {
                component: rc.acl.clone().unwrap_or_default(),
                kind: "network-acl",
                detail,
                probe: explain::Probe::None,
            });
        }
    }
    out
}
