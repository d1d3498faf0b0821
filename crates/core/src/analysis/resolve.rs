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

use crate::model::{Network, Notebook, Resolver, ResourceState};
use crate::space::{AddrSet, Family};

use super::evidence::{Cause, Component, Dataset, Missing};
use super::walk::origin;
use super::{Block, Code};

/// What the name resolves to.
#[derive(Debug, Clone)]
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
    let Some(vpc) = nb.vpc_id.as_ref().and_then(|v| net.vpcs.get(v)) else {
        if nb.subnet_id.is_some() {
            // In a VPC the snapshot does not describe: whether it has an interface endpoint for
            // the service (and whether its DNS lets it work) is not known.
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
        // The SageMaker service network resolves the public name; it reaches the service wherever
        // it is.
        let (addrs, caveat) = public_addrs(net, name);
        return Resolution {
            outcome: Resolved::Addrs(addrs.unwrap_or_else(|_| AddrSet::public_v4())),
            notes: Vec::new(),
            caveat,
        };
    };
    let candidates: Vec<&crate::model::Endpoint> = net.interface_endpoints(&vpc.id, name).collect();
    // DNS resolution itself: the VPC's resolver must answer, and be the one the model knows.
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
            return Resolution::plain(
                Resolved::Nothing(block(
                    Code::DnsResolutionDisabled,
                    Component::Vpc(vpc.id.clone()),
                    Cause::DnsDisabled {
                        service: name.to_string(),
                    },
                )),
                notes,
            );
        }
        None => {
            return Resolution::plain(
                Resolved::Unknown(block(
                    Code::MissingVpcAttributes,
                    Component::Vpc(vpc.id.clone()),
                    Cause::Missing(Missing::DnsSupport {
                        vpc: vpc.id.clone(),
                        service: name.to_string(),
                    }),
                )),
                Vec::new(),
            );
        }
        Some(true) => {}
    }
    match &vpc.resolver {
        Resolver::Amazon { .. } => {}
        Resolver::Custom(servers) => {
            return Resolution::plain(
                Resolved::Unknown(block(
                    Code::CustomDnsServers,
                    Component::Vpc(vpc.id.clone()),
                    Cause::CustomDns {
                        servers: servers.clone(),
                        service: name.to_string(),
                    },
                )),
                Vec::new(),
            );
        }
        Resolver::Unknown(why) => {
            return Resolution::plain(
                Resolved::Unknown(block(
                    Code::MissingData,
                    Component::Vpc(vpc.id.clone()),
                    Cause::Missing(Missing::DhcpOptions { why: why.clone() }),
                )),
                Vec::new(),
            );
        }
    }
    if let Some(why) = net.endpoints_incomplete() {
        return Resolution::plain(
            Resolved::Unknown(block(
                Code::MissingData,
                Component::Vpc(vpc.id.clone()),
                Cause::Missing(Missing::Collection {
                    what: Dataset::Endpoints,
                    why: why.to_string(),
                }),
            )),
            Vec::new(),
        );
    }
    let has_v6 = origin(net, nb).has_v6;
    let mut notes = Vec::new();
    let mut usable = AddrSet::empty();
    let mut any_usable = false;
    let mut mismatch: Option<Block> = None;
    for ep in &candidates {
        if ep.state != ResourceState::Available {
            notes.push(block(
                Code::EndpointNotAvailable,
                Component::InterfaceEndpoint(ep.id.clone()),
                Cause::EndpointNotAvailable {
                    service: name.to_string(),
                    state: ep.state.clone(),
                },
            ));
            continue;
        }
        if !ep.private_dns {
            notes.push(block(
                Code::PrivateDnsDisabled,
                Component::InterfaceEndpoint(ep.id.clone()),
                Cause::PrivateDnsDisabled {
                    service: name.to_string(),
                },
            ));
            continue;
        }
        if ep.private_dns_inbound_only {
            notes.push(block(
                Code::PrivateDnsInboundResolverOnly,
                Component::InterfaceEndpoint(ep.id.clone()),
                Cause::PrivateDnsInboundOnly {
                    service: name.to_string(),
                    vpc: vpc.id.clone(),
                },
            ));
            continue;
        }
        match vpc.dns_hostnames {
            Some(true) if vpc.dns_support == Some(true) => {}
            Some(_) => {
                notes.push(block(
                    Code::VpcDnsDisabled,
                    Component::Vpc(vpc.id.clone()),
                    Cause::VpcDnsOff {
                        endpoint: ep.id.clone(),
                        support: vpc.dns_support,
                        hostnames: vpc.dns_hostnames,
                    },
                ));
                continue;
            }
            None => {
                return Resolution::plain(
                    Resolved::Unknown(block(
                        Code::MissingVpcAttributes,
                        Component::Vpc(vpc.id.clone()),
                        Cause::Missing(Missing::DnsHostnames {
                            vpc: vpc.id.clone(),
                            endpoint: ep.id.clone(),
                        }),
                    )),
                    notes,
                );
            }
        }
        let (Some(v4), Some(v6)) = (
            ep.record_ip_type.serves(false),
            ep.record_ip_type.serves(true),
        ) else {
            return Resolution::plain(
                Resolved::Unknown(block(
                    Code::MissingData,
                    Component::InterfaceEndpoint(ep.id.clone()),
                    Cause::RecordTypeNotModelled {
                        record: ep.record_ip_type.clone(),
                    },
                )),
                notes,
            );
        };
        any_usable = true;
        let all = net.endpoint_addresses(ep);
        let mut got = AddrSet::empty();
        if v4 {
            got = got.union(&all.intersect(&AddrSet::all_of(Family::V4)));
        }
        if v6 && has_v6 {
            got = got.union(&all.intersect(&AddrSet::all_of(Family::V6)));
        }
        if got.is_empty() && !all.is_empty() {
            mismatch.get_or_insert_with(|| {
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
        usable = usable.union(&got);
    }
    if any_usable {
        return Resolution::plain(
            match (usable.is_empty(), mismatch) {
                (false, _) => Resolved::Addrs(usable),
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
