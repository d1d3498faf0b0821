//! Which addresses a service's name resolves to for one notebook (DESIGN §3: "DNS decides the
//! address set of a service").
//!
//! In order: a notebook without a subnet resolves through the SageMaker service network (the
//! public addresses). Otherwise its VPC's resolver decides: `enableDnsSupport` false resolves
//! nothing (every service is unreachable, gateway endpoints included); a missing attribute, custom
//! DNS servers or unknown DHCP options leave the answer undecided. With the Amazon resolver, an
//! interface endpoint for the service is used when it is `available`, has private DNS, does not
//! limit that DNS to inbound Resolver endpoints, and the VPC has `enableDnsHostnames`; its records
//! hold the families its `DnsRecordIpType` says, and the notebook uses those of its own families.
//! Otherwise the name resolves to the service's public addresses.

use std::sync::Arc;

use crate::model::{Endpoint, Network, Notebook, Resolver, ResourceState, Vpc};
use crate::space::{AddrSet, Family};

use super::evidence::{Cause, Component, Dataset, Missing};
use super::walk::origin;
use super::{Block, Code};

/// What the name resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// These addresses (never empty).
    Addrs(AddrSet),
    /// No address the notebook can use: every connection by name fails.
    Nothing(Block),
    /// Which addresses is not decided.
    Unknown(Block),
}

/// The resolution, why interface endpoints were passed over, and a doubt about the address set
/// that only matters if the verdict would be `partial`.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub outcome: Resolved,
    pub notes: Vec<Block>,
    /// The set is a superset of the true one by addresses that only missing data could tell
    /// (AWS-managed prefix lists without entries): a verdict that splits the set is undecided.
    pub caveat: Option<Block>,
}

impl Resolution {
    fn plain(outcome: Resolved, notes: Vec<Block>) -> Self {
        Resolution {
            outcome,
            notes,
            caveat: None,
        }
    }
}

fn block(code: Code, at: Component, cause: Cause) -> Block {
    Block::new(code, at, cause)
}

/// Public addresses of a service: S3 and DynamoDB publish theirs as an AWS-managed prefix list;
/// any other service may be at any public IPv4 address outside the AWS-managed prefix lists.
/// The second value is set when some AWS-managed list lacks its entries (so the subtraction is
/// not exact).
pub fn public_addrs(net: &Network, name: &str) -> (Result<AddrSet, Block>, Option<Block>) {
    let short = name.rsplit('.').next().unwrap_or(name);
    if matches!(short, "s3" | "dynamodb") {
        let list = net
            .prefix_lists
            .values()
            .find(|p| p.name.as_deref() == Some(name));
        return match list {
            Some(p) => match &p.cidrs {
                Some(c) => (Ok(AddrSet::from_nets(c.iter())), None),
                None => (
                    Err(block(
                        Code::PrefixListEntriesUnknown,
                        Component::PrefixList(p.id.clone()),
                        Cause::Missing(Missing::ServicePrefixList {
                            service: name.to_string(),
                            listed: Some(p.id.clone()),
                        }),
                    )),
                    None,
                ),
            },
            None => (
                Err(block(
                    Code::MissingData,
                    Component::Service(name.to_string()),
                    Cause::Missing(Missing::ServicePrefixList {
                        service: name.to_string(),
                        listed: None,
                    }),
                )),
                None,
            ),
        };
    }
    let mut managed = AddrSet::empty();
    let mut caveat = None;
    for p in net.prefix_lists.values().filter(|p| p.aws_managed) {
        match &p.cidrs {
            Some(c) => managed = managed.union(&AddrSet::from_nets(c.iter())),
            None => {
                caveat.get_or_insert_with(|| {
                    block(
                        Code::PrefixListEntriesUnknown,
                        Component::PrefixList(p.id.clone()),
                        Cause::ManagedListInexact {
                            list_name: p.name.clone(),
                            service: name.to_string(),
                        },
                    )
                });
            }
        }
    }
    (Ok(AddrSet::public_v4().difference(&managed)), caveat)
}

/// Resolve the service `name` (full name) for `nb`. With `assume_dns`, as if the VPC's resolver
/// answered even where `enableDnsSupport` is false (to show what else would block a client that
/// uses addresses rather than names).
pub fn resolve(net: &Network, nb: &Notebook, name: &str, assume_dns: bool) -> Resolution {
    Arc::unwrap_or_clone(resolve_shared(net, nb, name, assume_dns))
}

/// [`resolve`], as the run's shared copy (within an analysis run, the memo's own; no copy made).
pub fn resolve_shared(
    net: &Network,
    nb: &Notebook,
    name: &str,
    assume_dns: bool,
) -> Arc<Resolution> {
    let Some(vpc) = nb.vpc_id.as_ref().and_then(|v| net.vpcs.get(v)) else {
        return Arc::new(outside_vpc(net, nb, name));
    };
    // Within the VPC nothing else of the notebook counts: one resolution per VPC, name, DNS
    // assumption and IPv6 source, kept for the length of an analysis run.
    let has_v6 = origin(net, nb).has_v6;
    super::cache::resolution(&vpc.id, name, assume_dns, has_v6, || {
        resolve_in_vpc(net, vpc, name, assume_dns, has_v6)
    })
}

/// [`resolve`] for a notebook in `vpc` whose source has IPv6 when `has_v6`.
fn resolve_in_vpc(
    net: &Network,
    vpc: &Vpc,
    name: &str,
    assume_dns: bool,
    has_v6: bool,
) -> Resolution {
    let candidates: Vec<&Endpoint> = net.interface_endpoints(&vpc.id, name).collect();
    if let Some(silent) = resolver_silent(net, vpc, &candidates, name, assume_dns) {
        return silent;
    }
    let found = match endpoint_records(net, vpc, &candidates, name, has_v6) {
        Ok(found) => found,
        Err(undecided) => return *undecided,
    };
    if found.any_usable {
        return Resolution::plain(
            match (found.usable.is_empty(), found.mismatch) {
                (false, _) => Resolved::Addrs(found.usable),
                (true, Some(b)) => Resolved::Nothing(b),
                (true, None) => Resolved::Unknown(block(
                    Code::MissingData,
                    Component::Service(name.to_string()),
                    Cause::Missing(Missing::EndpointAddresses),
                )),
            },
            Vec::new(),
        );
    }
    public_resolution(net, name, has_v6, found.notes)
}

/// A notebook outside any described VPC: without a subnet it resolves through the SageMaker
/// service network (the public name, which reaches the service wherever it is); in a VPC the
/// snapshot does not describe, whether an interface endpoint serves the name is not known.
fn outside_vpc(net: &Network, nb: &Notebook, name: &str) -> Resolution {
    if nb.subnet_id.is_some() {
        return Resolution::plain(
            Resolved::Unknown(block(
                Code::MissingData,
                match &nb.vpc_id {
                    Some(v) => Component::Vpc(v.clone()),
                    None => Component::Subnet(nb.subnet_id.clone().unwrap_or_default()),
                },
                Cause::Missing(Missing::NotebookVpc {
                    vpc: nb.vpc_id.clone(),
                }),
            )),
            Vec::new(),
        );
    }
    let (addrs, caveat) = public_addrs(net, name);
    Resolution {
        outcome: Resolved::Addrs(addrs.unwrap_or_else(|_| AddrSet::public_v4())),
        notes: Vec::new(),
        caveat,
    }
}

/// The resolution when the VPC's resolver does not answer as the model knows it: DNS support off
/// (nothing resolves; `assume_dns` looks past that), the attribute or the DHCP options unknown,
/// custom DNS servers, or the endpoint list incompletely collected. `None`: the Amazon resolver
/// answers.
fn resolver_silent(
    net: &Network,
    vpc: &Vpc,
    candidates: &[&Endpoint],
    name: &str,
    assume_dns: bool,
) -> Option<Resolution> {
    let unknown = |code, cause| {
        Some(Resolution::plain(
            Resolved::Unknown(block(code, Component::Vpc(vpc.id.clone()), cause)),
            Vec::new(),
        ))
    };
    match vpc.dns_support {
        Some(false) if assume_dns => {}
        Some(false) => {
            let notes = candidates
                .iter()
                .map(|ep| {
                    block(
                        Code::VpcDnsDisabled,
                        Component::Vpc(vpc.id.clone()),
                        Cause::VpcDnsSupportOff {
                            endpoint: ep.id.clone(),
                        },
                    )
                })
                .collect();
            return Some(Resolution::plain(
                Resolved::Nothing(block(
                    Code::DnsResolutionDisabled,
                    Component::Vpc(vpc.id.clone()),
                    Cause::DnsDisabled {
                        service: name.to_string(),
                    },
                )),
                notes,
            ));
        }
        None => {
            return unknown(
                Code::MissingVpcAttributes,
                Cause::Missing(Missing::DnsSupport {
                    vpc: vpc.id.clone(),
                    service: name.to_string(),
                }),
            );
        }
        Some(true) => {}
    }
    match &vpc.resolver {
        Resolver::Amazon { .. } => {}
        Resolver::Custom(servers) => {
            return unknown(
                Code::CustomDnsServers,
                Cause::CustomDns {
                    servers: servers.clone(),
                    service: name.to_string(),
                },
            );
        }
        Resolver::Unknown(why) => {
            return unknown(
                Code::MissingData,
                Cause::Missing(Missing::DhcpOptions { why: why.clone() }),
            );
        }
    }
    net.endpoints_incomplete().and_then(|why| {
        unknown(
            Code::MissingData,
            Cause::Missing(Missing::Collection {
                what: Dataset::Endpoints,
                why: why.to_string(),
            }),
        )
    })
}

/// What the interface endpoints for a name contribute: the addresses of those whose private DNS
/// the notebook uses, why the others were passed over, and a record-family mismatch.
struct EndpointRecords {
    /// Some endpoint's private DNS is in effect (the name resolves to endpoint records only).
    any_usable: bool,
    usable: AddrSet,
    notes: Vec<Block>,
    mismatch: Option<Block>,
}

/// Walk the candidate endpoints in order. `Err`: the answer is undecided (a missing
/// `enableDnsHostnames`, a record type the model does not know), with the notes so far.
fn endpoint_records(
    net: &Network,
    vpc: &Vpc,
    candidates: &[&Endpoint],
    name: &str,
    has_v6: bool,
) -> Result<EndpointRecords, Box<Resolution>> {
    let mut found = EndpointRecords {
        any_usable: false,
        usable: AddrSet::empty(),
        notes: Vec::new(),
        mismatch: None,
    };
    for ep in candidates {
        match endpoint_use(vpc, ep, name) {
            Use::Used => {}
            Use::PassedOver(note) => {
                found.notes.push(note);
                continue;
            }
            Use::Undecided(why) => {
                return Err(Box::new(Resolution::plain(
                    Resolved::Unknown(why),
                    found.notes,
                )));
            }
        }
        let (Some(v4), Some(v6)) = (
            ep.record_ip_type.serves(false),
            ep.record_ip_type.serves(true),
        ) else {
            return Err(Box::new(Resolution::plain(
                Resolved::Unknown(block(
                    Code::MissingData,
                    Component::InterfaceEndpoint(ep.id.clone()),
                    Cause::RecordTypeNotModelled {
                        record: ep.record_ip_type.clone(),
                    },
                )),
                found.notes,
            )));
        };
        found.any_usable = true;
        let all = net.endpoint_addresses(ep);
        let mut got = AddrSet::empty();
        if v4 {
            got = got.union(&all.intersect(&AddrSet::all_of(Family::V4)));
        }
        if v6 && has_v6 {
            got = got.union(&all.intersect(&AddrSet::all_of(Family::V6)));
        }
        if got.is_empty() && !all.is_empty() {
            found.mismatch.get_or_insert_with(|| {
                block(
                    Code::DnsRecordIpTypeMismatch,
                    Component::InterfaceEndpoint(ep.id.clone()),
                    Cause::RecordTypeMismatch {
                        service: name.to_string(),
                        v6,
                    },
                )
            });
        }
        found.usable = found.usable.union(&got);
    }
    Ok(found)
}

/// Whether the notebook's resolver uses endpoint `ep`'s private DNS.
enum Use {
    Used,
    /// Not available, private DNS off or only for inbound Resolver endpoints, or the VPC's DNS
    /// attributes switch it off.
    PassedOver(Block),
    /// A missing `enableDnsHostnames` leaves it undecided.
    Undecided(Block),
}

fn endpoint_use(vpc: &Vpc, ep: &Endpoint, name: &str) -> Use {
    let at = || Component::InterfaceEndpoint(ep.id.clone());
    if ep.state != ResourceState::Available {
        return Use::PassedOver(block(
            Code::EndpointNotAvailable,
            at(),
            Cause::EndpointNotAvailable {
                service: name.to_string(),
                state: ep.state.clone(),
            },
        ));
    }
    if !ep.private_dns {
        return Use::PassedOver(block(
            Code::PrivateDnsDisabled,
            at(),
            Cause::PrivateDnsDisabled {
                service: name.to_string(),
            },
        ));
    }
    if ep.private_dns_inbound_only {
        return Use::PassedOver(block(
            Code::PrivateDnsInboundResolverOnly,
            at(),
            Cause::PrivateDnsInboundOnly {
                service: name.to_string(),
                vpc: vpc.id.clone(),
            },
        ));
    }
    match vpc.dns_hostnames {
        Some(true) if vpc.dns_support == Some(true) => Use::Used,
        Some(_) => Use::PassedOver(block(
            Code::VpcDnsDisabled,
            Component::Vpc(vpc.id.clone()),
            Cause::VpcDnsOff {
                endpoint: ep.id.clone(),
                support: vpc.dns_support,
                hostnames: vpc.dns_hostnames,
            },
        )),
        None => Use::Undecided(block(
            Code::MissingVpcAttributes,
            Component::Vpc(vpc.id.clone()),
            Cause::Missing(Missing::DnsHostnames {
                vpc: vpc.id.clone(),
                endpoint: ep.id.clone(),
            }),
        )),
    }
}

/// No endpoint's private DNS in effect: the name resolves to the service's public addresses, of
/// the notebook's families.
fn public_resolution(net: &Network, name: &str, has_v6: bool, notes: Vec<Block>) -> Resolution {
    let (addrs, caveat) = public_addrs(net, name);
    let outcome = match addrs {
        Ok(a) => {
            let a = if has_v6 {
                a
            } else {
                a.intersect(&AddrSet::all_of(Family::V4))
            };
            if a.is_empty() {
                Resolved::Unknown(block(
                    Code::MissingData,
                    Component::Service(name.to_string()),
                    Cause::Missing(Missing::ServiceAddresses),
                ))
            } else {
                Resolved::Addrs(a)
            }
        }
        Err(b) => Resolved::Unknown(b),
    };
    Resolution {
        outcome,
        notes,
        caveat,
    }
}
