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
use std::sync::Arc;

use crate::model::{Diagnostic, Network, Notebook, Severity};
use crate::space::{AddrSet, Packet, PacketSet, PortRange, ProtoSet, TCP, nat64};

use super::evidence::{Cause, Missing};
use super::explain;
use super::reply;
use super::resolve::{Resolution, Resolved, public_addrs, resolve, resolve_shared};
use super::walk::{Branch, Dest, End, origin, walk_notebook};
use super::{Block, Hop, Status, Step, Verdict, Via, Witness};

pub use super::reply::{CLIENT_PORTS, NAT_PORTS};

fn push_unique(v: &mut Vec<Block>, b: Block) {
    if !v.contains(&b) {
        v.push(b);
    }
}

/// Fill in each hop's rule for the witness packet (also `trace`'s hops for its one packet).
pub(crate) fn finalize<'a>(
    net: &Network,
    hops: impl IntoIterator<Item = &'a Hop>,
    p: &Packet,
) -> Vec<Hop> {
    hops.into_iter()
        .map(|h| {
            let mut h = h.clone();
            let matched = explain::matched_rule(net, &h.probe, p);
            match &mut h.step {
                Step::SgEgress { rule } | Step::SgIngress { rule } | Step::Acl { rule, .. } => {
                    *rule = matched
                }
                _ => {}
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

/// The packets the internet check asks about: every protocol and port to every public address
/// (IPv6 and NAT64 `64:ff9b::/96` too for a notebook that may have IPv6) outside the VPC's own
/// CIDRs.
pub fn internet_set(net: &Network, nb: &Notebook) -> PacketSet {
    let mut addrs = AddrSet::public_v4();
    if nb.subnet_id.is_some() && origin(net, nb).has_v6 {
        // IPv6 destinations, and the IPv4 internet through NAT64 (64:ff9b::/96).
        addrs = addrs
            .union(&AddrSet::public_v6())
            .union(&nat64::embed(&AddrSet::public_v4()));
    }
    if let Some(v) = nb.vpc_id.as_ref().and_then(|v| net.vpcs.get(v)) {
        let own = AddrSet::from_nets(v.cidrs.iter());
        addrs = addrs.difference(&own).difference(&nat64::embed(&own));
    }
    PacketSet::matching(ProtoSet::all(), &addrs, PortRange::ALL)
}

/// The internet check.
pub fn internet(net: &Network, nb: &Notebook) -> Verdict {
    let set = internet_set(net, nb);
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
        // The most ordinary packet as witness: a 64:ff9b::/96 address only when NAT64 is the way.
        let ordinary = b.set.difference(&PacketSet::matching(
            ProtoSet::all(),
            &nat64::prefix(),
            PortRange::ALL,
        ));
        let w = ordinary
            .representative()
            .or_else(|| b.set.representative())
            .expect("non-empty branch");
        let vias: BTreeSet<Via> = delivered.iter().map(|(_, v)| *v).collect();
        // Reachable, but the rest of the set may be undecided (it leaves the modelled scope, or
        // needs missing data): say so, a profile that constrains how traffic leaves needs it.
        return Verdict {
            status: Status::Reachable,
            private: false,
            via: Some(via),
            witness: Some(Witness::of(&w, None)),
            path: finalize(net, b.hops.iter(), &w),
            blocked_by: Vec::new(),
            unknown_because: unknown,
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
            path: w
                .map(|w| finalize(net, b.hops.iter(), &w))
                .unwrap_or_default(),
            blocked_by: blocked,
            unknown_because: unknown,
            vias: Vec::new(),
        };
    }
    Verdict::unreachable(blocked)
}

/// Diagnostics about the services asked for: an S3/DynamoDB check needs the service's AWS-managed
/// prefix list, and its verdicts are `unknown` without it.
pub fn service_diagnostics(net: &Network, services: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for svc in services {
        let name = net.service_name(svc);
        if let (Err(b), _) = public_addrs(net, &name) {
            // The same words the block's cause renders to (vpcreach-render's `words`), kept
            // here because model diagnostics carry their message.
            let what = match &b.cause {
                Cause::Missing(Missing::ServicePrefixList {
                    listed: Some(pl), ..
                }) => format!(
                    "the AWS-managed prefix list {name} ({pl}) is described without its entries (the service's addresses)"
                ),
                _ => format!(
                    "the AWS-managed prefix list {name} (the service's addresses) is not in PrefixLists"
                ),
            };
            out.push(Diagnostic {
                severity: Severity::Error,
                code: crate::codes::Code::MissingPrefixList,
                resource: name.clone(),
                message: format!("{what}; {svc} checks that use the public path are unknown"),
            });
        }
    }
    out
}

/// One service check.
pub fn service(net: &Network, nb: &Notebook, svc: &str) -> Verdict {
    match ask(net, nb, svc) {
        Asked::Done(v) => v,
        Asked::Connect(c) => c.connect(net, nb),
    }
}

/// A service check up to its resolution: decided already (nothing or nothing certain resolves),
/// or the connections still to judge.
pub(crate) enum Asked {
    Done(Verdict),
    Connect(Connect),
}

/// The TCP 443 connections a service check judges: to every address the service's name resolves
/// to (`res.outcome` is `Resolved::Addrs`), with the notes and caveat of that resolution. The
/// resolution is the run's shared one ([`resolve_shared`]), not a copy.
#[derive(Debug)]
pub(crate) struct Connect {
    /// The service's full name (`com.amazonaws.us-east-1.sts`).
    pub name: String,
    pub res: Arc<Resolution>,
}

impl Connect {
    pub fn connect(&self, net: &Network, nb: &Notebook) -> Verdict {
        let Resolved::Addrs(addrs) = &self.res.outcome else {
            unreachable!("a Connect holds addresses (see `ask`)")
        };
        connect_to(
            net,
            nb,
            &self.name,
            addrs,
            &self.res.notes,
            self.res.caveat.as_ref(),
        )
    }

    /// Whether the verdict of `other` is this one's, given that no VPC endpoint of the network
    /// serves either name (the caller's part, see [`names_service`]): the same addresses, notes
    /// and caveat. The walk then reads the name only to compare it with endpoints' services,
    /// which comes out the same for both, and to write it into the evidence of a drop.
    pub fn same_connections(&self, other: &Connect) -> bool {
        let (a, b) = (&*self.res, &*other.res);
        Arc::ptr_eq(&self.res, &other.res)
            || (a.outcome == b.outcome && a.notes == b.notes && a.caveat == b.caveat)
    }
}

/// Whether `v`'s evidence names the service `name` a check asked for. For a service no VPC
/// endpoint serves, the walk writes the name in two places only: traffic to the VPC's own
/// addresses that no endpoint of the service takes (`StaysLocal`), and a gateway endpoint of
/// another service (`GatewayEndpointOtherService`); a verdict without them is the same for every
/// such service with the same resolution.
pub(crate) fn names_service(v: &Verdict, name: &str) -> bool {
    fn cause(c: &Cause, name: &str) -> bool {
        match c {
            Cause::StaysLocal {
                service: Some(s), ..
            }
            | Cause::GatewayEndpointOtherService { wanted: s, .. } => s == name,
            Cause::Nat64IcmpDropped { after, .. } => cause(after, name),
            _ => false,
        }
    }
    v.blocked_by
        .iter()
        .chain(&v.unknown_because)
        .any(|b| cause(&b.cause, name))
}

/// [`service`] as far as the resolution.
pub(crate) fn ask(net: &Network, nb: &Notebook, svc: &str) -> Asked {
    let name = net.service_name(svc);
    let res = resolve_shared(net, nb, &name, false);
    match &res.outcome {
        Resolved::Addrs(_) => {}
        Resolved::Unknown(b) => {
            return Asked::Done(Verdict::unknown(vec![b.clone()], res.notes.clone()));
        }
        Resolved::Nothing(b) => {
            let dns_off = b.code == super::Code::DnsResolutionDisabled;
            let mut blocked = vec![b.clone()];
            for n in &res.notes {
                push_unique(&mut blocked, n.clone());
            }
            if dns_off {
                // Nothing resolves; a client that uses addresses directly would also meet these.
                let by_address = connect(net, nb, &name, resolve(net, nb, &name, true));
                if by_address.status == Status::Unreachable {
                    for n in by_address.blocked_by {
                        push_unique(&mut blocked, n);
                    }
                }
            }
            return Asked::Done(Verdict::unreachable(blocked));
        }
    };
    Asked::Connect(Connect { name, res })
}

/// The check for a resolution that is already known.
fn connect(net: &Network, nb: &Notebook, name: &str, res: super::resolve::Resolution) -> Verdict {
    match res.outcome {
        Resolved::Addrs(a) => connect_to(net, nb, name, &a, &res.notes, res.caveat.as_ref()),
        Resolved::Unknown(b) => Verdict::unknown(vec![b], res.notes),
        Resolved::Nothing(b) => Verdict::unreachable(vec![b]),
    }
}

/// TCP 443 connections to every address of `addrs` from every client port.
fn connect_to(
    net: &Network,
    nb: &Notebook,
    name: &str,
    addrs: &AddrSet,
    notes: &[Block],
    caveat: Option<&Block>,
) -> Verdict {
    let set = PacketSet::matching(ProtoSet::single(TCP), addrs, PortRange::single(443));
    let branches = walk_notebook(net, nb, &set, &Dest::Service(name.to_string()));

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
                let r = reply::replies(net, b);
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
    let mut status = if !unknown.is_empty() {
        Status::Unknown
    } else if works.is_empty() {
        Status::Unreachable
    } else if failed {
        Status::Partial
    } else {
        Status::Reachable
    };
    if let (Status::Partial, Some(c)) = (status, caveat) {
        // The set holds addresses only missing data could rule out: which part works is not known.
        status = Status::Unknown;
        push_unique(&mut unknown, c.clone());
    }
    if status != Status::Reachable || !private {
        // Why an endpoint was passed over is the root cause: list it first.
        let mut all = notes.to_vec();
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
            let mut path = finalize(net, b.hops.iter(), &fwd);
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
