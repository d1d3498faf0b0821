//! Conversion of an AWS [`Snapshot`] into the vendor-free [`Network`].
//!
//! Malformed values (a CIDR that does not parse, an unknown protocol) are input errors that name the
//! resource and field: the user must fix the input, because guessing could produce a false proof.
//! Missing things (a route to a NAT gateway the snapshot lacks, a subnet with no route table) are
//! not errors: they become [`Diagnostic`]s, and the analysis reports the affected verdicts as
//! `unknown`.
//!
//! One function per resource kind (`network.rs`: VPCs, route tables, ACLs, subnets, security
//! groups; `resources.rs`: gateways, NAT gateways, prefix lists, interfaces, endpoints, notebooks),
//! each testable alone; [`convert`] runs them in dependency order.

mod network;
mod resources;
mod studio;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;

use vpcreach_core::codes::Code;
use vpcreach_core::model::*;
use vpcreach_core::space::{AddrRange, AddrSet};

use crate::snapshot::{self as aws, Snapshot};

/// A value in the snapshot that cannot mean anything: the resource and field are named.
#[derive(Debug, thiserror::Error)]
#[error("{key} {id}: field \"{field}\": {message}")]
pub struct ConvertError {
    pub key: &'static str,
    pub id: String,
    pub field: String,
    pub message: String,
}

fn bad(key: &'static str, id: &str, field: impl Into<String>, message: String) -> ConvertError {
    ConvertError {
        key,
        id: id.to_string(),
        field: field.into(),
        message,
    }
}

/// A field's name in an error message, or what builds it: hot loops pass a closure, so that the
/// name is formatted only when a value is wrong.
pub(super) trait Field {
    fn name(self) -> String;
}

impl Field for &str {
    fn name(self) -> String {
        self.to_string()
    }
}

impl Field for &String {
    fn name(self) -> String {
        self.clone()
    }
}

impl<F: FnOnce() -> String> Field for F {
    fn name(self) -> String {
        self()
    }
}

fn parse_net(
    key: &'static str,
    id: &str,
    field: impl Field,
    s: &str,
) -> Result<IpNet, ConvertError> {
    s.trim().parse::<IpNet>().map(|n| n.trunc()).or_else(|_| {
        // A bare address is a host route.
        s.trim().parse::<IpAddr>().map(IpNet::from).map_err(|_| {
            bad(
                key,
                id,
                field.name(),
                format!("\"{s}\" is not a CIDR block"),
            )
        })
    })
}

fn parse_ip(
    key: &'static str,
    id: &str,
    field: impl Field,
    s: &str,
) -> Result<IpAddr, ConvertError> {
    s.trim().parse::<IpAddr>().map_err(|_| {
        bad(
            key,
            id,
            field.name(),
            format!("\"{s}\" is not an IP address"),
        )
    })
}

fn is_active_state(s: Option<&aws::StateObj>, ok: &[&str]) -> bool {
    match s.and_then(|s| s.state.as_deref()) {
        None => true,
        Some(st) => ok.iter().any(|o| st.eq_ignore_ascii_case(o)),
    }
}

/// Convert a snapshot. `Err` only for values that cannot be interpreted at all.
/// The diagnostics conversion collects.
#[derive(Default)]
pub(crate) struct Diags(Vec<Diagnostic>);

impl Diags {
    fn push(&mut self, severity: Severity, code: Code, resource: &str, message: String) {
        self.0.push(Diagnostic {
            severity,
            code,
            resource: resource.to_string(),
            message,
        })
    }
}

/// Convert a snapshot. `Err` only for values that cannot be interpreted at all.
pub fn convert(snap: &Snapshot) -> Result<Network, ConvertError> {
    let mut net = Network {
        region: region_of(snap)?,
        ..Network::default()
    };
    let net_ = &mut net;
    let mut d = Diags::default();
    // Security groups read nothing else and nothing before them reads them: they are converted
    // beside the rest. Their error, if any, counts only after every earlier step's (the order of
    // a conversion one step after another).
    let (groups, rest) = rayon::join(
        || network::security_groups(snap),
        || -> Result<(), ConvertError> {
            incomplete(snap, net_, &mut d);
            planned(snap, net_, &mut d);
            network::vpcs(snap, net_, &mut d)?;
            network::resolve_dns_servers(snap, net_, &mut d);
            let assoc = network::route_tables(snap, net_)?;
            let explicit_acl = network::acls(snap, net_)?;
            network::subnets(snap, net_, &mut d, &assoc.subnets, &explicit_acl)?;
            resources::gateways(snap, net_, &mut d, &assoc.edges);
            resources::nat_gateways(snap, net_, &mut d)?;
            resources::prefix_lists(snap, net_)?;
            resources::interfaces(snap, net_)?;
            studio::instances(snap, net_)?;
            resources::endpoints(snap, net_, &mut d);
            Ok(())
        },
    );
    rest?;
    net_.security_groups = groups?;
    resources::notebooks(snap, net_, &mut d);
    studio::studio(snap, net_, &mut d);
    references(net_, &mut d);
    indexes(net_, &mut d);
    net.sg_members = sg_members(&net);
    let mut diags = d.0;
    diags.extend(vpcreach_core::model::graph::ForwardingGraph::build(&net).loop_diagnostics());
    diags.sort();
    diags.dedup();
    net.diagnostics = diags;
    Ok(net)
}

/// What a plan adds (`PlannedResources`) and leaves open (`Unresolved`).
fn planned(snap: &Snapshot, net: &mut Network, d: &mut Diags) {
    for p in &snap.planned_resources {
        net.planned.insert(
            p.id.clone(),
            vpcreach_core::model::Planned {
                address: p.address.clone(),
                action: p.action.clone(),
                file: p.file.clone(),
                line: p.line,
            },
        );
    }
    for u in &snap.unresolved {
        d.push(
            Severity::Error,
            Code::PlanValueUnresolved,
            &u.address,
            format!("{} is left open: {}", u.field, u.reason),
        );
    }
}

/// Datasets a failed collection left incomplete (`Incomplete`).
fn incomplete(snap: &Snapshot, net: &mut Network, d: &mut Diags) {
    for i in &snap.incomplete {
        // The model names datasets by what they are, not by the snapshot key they came from.
        let dataset = match i.key.as_str() {
            "VpcEndpoints" => "endpoints",
            "NetworkInterfaces" => "interfaces",
            // Studio sources are judged like notebooks: a domain, profile or space list that could
            // not be read leaves sources unread, which fails the run unless unknowns are allowed.
            "NotebookInstances" | "Domains" | "UserProfiles" | "Spaces" => "notebooks",
            other => other,
        };
        let e = net.incomplete.entry(dataset.to_string()).or_default();
        if !e.is_empty() {
            e.push_str("; ");
        }
        e.push_str(&i.reason);
        d.push(
            Severity::Error,
            Code::IncompleteData,
            &i.key,
            format!(
                "{} could not be collected completely: {}; verdicts that depend on it are unknown",
                i.key, i.reason
            ),
        );
    }
}

/// Diagnostics for references the snapshot cannot resolve: routes to missing targets or prefix
/// lists, security-group rules naming missing prefix lists.
fn references(net: &mut Network, d: &mut Diags) {
    // Dangling references from routes, SG rules and endpoints.
    for rt in net.route_tables.values() {
        for r in &rt.routes {
            if let RouteDest::PrefixList(p) = &r.dest {
                match net.prefix_lists.get(p) {
                    None => d.push(
                        Severity::Error,
                        Code::MissingPrefixList,
                        &rt.id,
                        format!("a route's destination prefix list {p} is not in PrefixLists"),
                    ),
                    Some(pl) if pl.cidrs.is_none() => d.push(
                        Severity::Error,
                        Code::PrefixListEntriesUnknown,
                        &rt.id,
                        format!(
                            "a route's destination prefix list {p} is described without its entries (describe-managed-prefix-lists); save its entries with get-managed-prefix-list-entries"
                        ),
                    ),
                    Some(_) => {}
                }
            }
            if r.state == RouteState::Active && !target_known(net, &r.target) {
                d.push(
                    Severity::Error,
                    Code::DanglingReference,
                    &rt.id,
                    format!(
                        "route {} → {} is active but {} is not in the snapshot",
                        r.dest, r.target.id, r.target.id
                    ),
                );
            }
        }
    }
    let mut missing_pl: BTreeSet<(String, String, bool)> = BTreeSet::new();
    for g in net.security_groups.values() {
        for r in g.ingress.iter().chain(&g.egress) {
            if let SgPeer::PrefixList(p) = &r.peer {
                match net.prefix_lists.get(p) {
                    None => {
                        missing_pl.insert((g.id.clone(), p.clone(), false));
                    }
                    Some(pl) if pl.cidrs.is_none() => {
                        missing_pl.insert((g.id.clone(), p.clone(), true));
                    }
                    Some(_) => {}
                }
            }
        }
    }
    for (g, p, listed) in missing_pl {
        if listed {
            d.push(
                Severity::Error,
                Code::PrefixListEntriesUnknown,
                &g,
                format!(
                    "a rule names prefix list {p}, which is described without its entries (describe-managed-prefix-lists); save its entries with get-managed-prefix-list-entries"
                ),
            );
        } else {
            d.push(
                Severity::Error,
                Code::MissingPrefixList,
                &g,
                format!("a rule names prefix list {p}, which is not in PrefixLists"),
            );
        }
    }
}

/// Per-VPC indexes (subnets, interface endpoints) and the DNS-attribute and region diagnostics.
fn indexes(net: &mut Network, d: &mut Diags) {
    for s in net.subnets.values() {
        if let Some(v) = net.vpcs.get_mut(&s.vpc_id) {
            v.subnets.push(s.id.clone());
        }
    }
    for e in net.endpoints.values() {
        if e.kind == EndpointKind::Interface
            && let Some(v) = e.vpc_id.as_ref().and_then(|v| net.vpcs.get_mut(v))
        {
            v.interface_endpoints.push(e.id.clone());
        }
    }
    let notebook_vpcs: BTreeSet<&str> = net
        .notebooks
        .iter()
        .filter_map(|n| n.vpc_id.as_deref())
        .collect();
    for v in net.vpcs.values() {
        let has_interface_ep = !v.interface_endpoints.is_empty();
        if v.dns_support.is_none() && notebook_vpcs.contains(v.id.as_str()) {
            d.push(
                Severity::Warning,
                Code::MissingVpcAttributes,
                &v.id,
                "enableDnsSupport is not in VpcAttributes: whether the VPC resolves any AWS service name is not known, so every service check of its notebooks is unknown".into(),
            );
        } else if has_interface_ep && (v.dns_support.is_none() || v.dns_hostnames.is_none()) {
            d.push(
                Severity::Warning,
                Code::MissingVpcAttributes,
                &v.id,
                "enableDnsSupport/enableDnsHostnames are not in VpcAttributes; interface endpoints with private DNS cannot be judged".into(),
            );
        }
    }
    if net.region.is_none() {
        d.push(
            Severity::Warning,
            Code::UnknownRegion,
            "(snapshot)",
            "the region is neither given (key \"Region\") nor inferable from availability zones; service names cannot be matched".into(),
        );
    }
}

fn target_known(net: &Network, t: &Target) -> bool {
    match t.kind {
        TargetKind::Local => true,
        TargetKind::InternetGateway => net.internet_gateways.contains_key(&t.id),
        TargetKind::EgressOnlyInternetGateway => net.egress_only_gateways.contains_key(&t.id),
        TargetKind::NatGateway => net.nat_gateways.contains_key(&t.id),
        TargetKind::GatewayEndpoint | TargetKind::GatewayLoadBalancerEndpoint => {
            net.endpoints.contains_key(&t.id)
        }
        TargetKind::VpcEndpoint => false,
        // Out-of-scope targets are unknown whether or not they are described.
        _ => true,
    }
}

/// The snapshot's region: its `Region`, else inferred from availability zones, endpoint service
/// names or notebook ARNs. A snapshot whose availability zones lie in another region, or in
/// several, is an error: it must be analysed per region (DESIGN §2), never as one.
fn region_of(snap: &Snapshot) -> Result<Option<String>, ConvertError> {
    let mut from_az: Option<(String, &str)> = None;
    for s in &snap.subnets {
        let Some(r) = s.availability_zone.as_deref().and_then(region_of_az) else {
            continue;
        };
        let expected = snap
            .region
            .clone()
            .map(|g| (g, "the snapshot's Region"))
            .or_else(|| from_az.clone());
        match expected {
            Some((e, by)) if e != r => {
                return Err(bad(
                    "Subnets",
                    &s.subnet_id,
                    "AvailabilityZone",
                    format!(
                        "{} is in region {r}, but {by} is {e}: the snapshot spans several regions; put each region's files into a folder named after the region (e.g. {r}/), so that each is analysed on its own",
                        s.availability_zone.as_deref().unwrap_or_default()
                    ),
                ));
            }
            Some(_) => {}
            None => from_az = Some((r, "the availability zone of an earlier subnet")),
        }
    }
    if snap.region.is_some() {
        return Ok(snap.region.clone());
    }
    Ok(from_az
        .map(|(r, _)| r)
        .or_else(|| {
            snap.vpc_endpoints.iter().find_map(|e| {
                let s = e.service_name.as_deref()?;
                let rest = s.strip_prefix("com.amazonaws.")?;
                rest.split('.').next().map(str::to_string)
            })
        })
        .or_else(|| {
            snap.notebook_instances.iter().find_map(|n| {
                let arn = n.notebook_instance_arn.as_deref()?;
                arn.split(':')
                    .nth(3)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string)
            })
        }))
}

/// `us-east-1a` → `us-east-1`; `us-west-2-lax-1a` → `us-west-2`.
fn region_of_az(az: &str) -> Option<String> {
    let parts: Vec<&str> = az.split('-').collect();
    // The region ends at the first part that starts with a digit (e.g. "1a" or "2").
    let idx = parts
        .iter()
        .position(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    if idx < 1 {
        return None;
    }
    let num: String = parts[idx]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let mut out: Vec<&str> = parts[..idx].to_vec();
    out.push(&num);
    Some(out.join("-"))
}

/// The private addresses that a security-group reference stands for.
fn sg_members(net: &Network) -> BTreeMap<String, AddrSet> {
    // Ranges per group first, one union at the end: adding members one by one to a growing set
    // was quadratic in the group's size (a group on 10⁴ interfaces).
    let mut m: BTreeMap<String, Vec<AddrRange>> = BTreeMap::new();
    let mut add = |g: &str, a: &AddrSet| {
        m.entry(g.to_string())
            .or_default()
            .extend(a.ranges().iter().copied());
    };
    for i in net.interfaces.values() {
        let a = AddrSet::from_ranges(
            i.private_ips
                .iter()
                .chain(&i.ipv6)
                .map(|ip| AddrRange::single(*ip)),
        );
        for g in &i.groups {
            add(g, &a);
        }
    }
    for e in net.endpoints.values() {
        if e.kind == EndpointKind::Interface {
            let a = net.endpoint_addresses(e);
            for g in &e.groups {
                add(g, &a);
            }
        }
    }
    for n in &net.notebooks {
        let a = notebook_private_addrs(net, n);
        for g in &n.security_groups {
            add(g, &a);
        }
    }
    m.into_iter()
        .map(|(g, r)| (g, AddrSet::from_ranges(r)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::network::rule_ports;
    use super::*;
    use vpcreach_core::space::{ICMP, PortRange, ProtoSet, TCP};

    /// A snapshot from JSON in AWS CLI shapes.
    fn snap(json: &str) -> Snapshot {
        crate::load_str(std::path::Path::new("t.json"), json).unwrap()
    }

    #[test]
    fn route_tables_give_main_explicit_and_edge_associations() {
        let s = snap(
            r#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}],
                "RouteTables":[{"RouteTableId":"rtb-main","VpcId":"vpc-1","Associations":[{"Main":true}],
                                 "Routes":[{"DestinationCidrBlock":"10.0.0.0/16","GatewayId":"local","State":"active"}]},
                                {"RouteTableId":"rtb-a","VpcId":"vpc-1","Associations":[{"Main":false,"SubnetId":"subnet-a"},{"Main":false,"GatewayId":"igw-1"}],
                                 "Routes":[{"DestinationCidrBlock":"10.0.1.0/24","NetworkInterfaceId":"eni-fw","State":"active"}]}]}"#,
        );
        let mut net = Network::default();
        let mut d = Diags::default();
        network::vpcs(&s, &mut net, &mut d).unwrap();
        let a = network::route_tables(&s, &mut net).unwrap();
        assert_eq!(
            net.vpcs["vpc-1"].main_route_table.as_deref(),
            Some("rtb-main")
        );
        assert_eq!(a.subnets["subnet-a"], "rtb-a");
        assert_eq!(a.edges["igw-1"], "rtb-a");
        assert_eq!(
            net.route_tables["rtb-a"].routes[0].target.kind,
            TargetKind::NetworkInterface
        );
    }

    #[test]
    fn subnets_fall_back_to_the_main_table_and_say_when_there_is_none() {
        let s = snap(
            r#"{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}],
                "Subnets":[{"SubnetId":"subnet-a","VpcId":"vpc-1","CidrBlock":"10.0.1.0/24"}]}"#,
        );
        let mut net = Network::default();
        let mut d = Diags::default();
        network::vpcs(&s, &mut net, &mut d).unwrap();
        network::subnets(&s, &mut net, &mut d, &BTreeMap::new(), &BTreeMap::new()).unwrap();
        assert_eq!(net.subnets["subnet-a"].route_table, None);
        let codes: Vec<Code> = d.0.iter().map(|x| x.code).collect();
        assert!(codes.contains(&Code::MissingRouteTable), "{codes:?}");
        assert!(codes.contains(&Code::MissingNetworkAcl), "{codes:?}");
    }

    #[test]
    fn notebooks_endpoints_and_gateways_map_aws_states_once() {
        let s = snap(
            r#"{"NotebookInstances":[{"NotebookInstanceName":"nb-summary","NotebookInstanceStatus":"InService"},
                                      {"NotebookInstanceName":"nb","SubnetId":"subnet-a","SecurityGroups":["sg-1"],"DirectInternetAccess":"ENABLED","RootAccess":"Disabled",
                                       "NotebookInstanceArn":"arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb"}],
                "VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Interface","VpcId":"vpc-1","ServiceName":"com.amazonaws.us-east-1.sts",
                                 "State":"pendingAcceptance","PrivateDnsEnabled":true,"DnsOptions":{"DnsRecordIpType":"dualstack","PrivateDnsOnlyForInboundResolverEndpoint":true}}],
                "EgressOnlyInternetGateways":[{"EgressOnlyInternetGatewayId":"eigw-1","Attachments":[{"VpcId":"vpc-1","State":"detached"}]}]}"#,
        );
        let mut net = Network::default();
        let mut d = Diags::default();
        resources::notebooks(&s, &mut net, &mut d);
        resources::endpoints(&s, &mut net, &mut d);
        resources::gateways(&s, &mut net, &mut d, &BTreeMap::new());
        let nb: Vec<&Notebook> = net.notebooks.iter().collect();
        assert_eq!(nb[0].name, "nb");
        assert_eq!(nb[0].direct_internet_access, Toggle::Enabled);
        assert_eq!(nb[0].account_id.as_deref(), Some("111122223333"));
        assert!(!nb[1].placement_known);
        let ep = &net.endpoints["vpce-1"];
        assert_eq!(ep.state, ResourceState::PendingAcceptance);
        assert_eq!(ep.record_ip_type, RecordIpType::Dualstack);
        assert!(ep.private_dns_inbound_only);
        assert!(!net.egress_only_gateways["eigw-1"].attached_to("vpc-1"));
    }

    #[test]
    fn region_from_az() {
        assert_eq!(region_of_az("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(
            region_of_az("us-west-2-lax-1a").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(
            region_of_az("eu-central-1c").as_deref(),
            Some("eu-central-1")
        );
        assert_eq!(region_of_az("garbage"), None);
    }

    #[test]
    fn icmp_ports_encode_type_and_code() {
        let icmp = ProtoSet::single(ICMP);
        let r = rule_ports("k", "i", "f", &icmp, Some(8), Some(-1)).unwrap();
        assert_eq!((r.lo, r.hi), (8 << 8, (8 << 8) | 255));
        let r = rule_ports("k", "i", "f", &icmp, Some(3), Some(4)).unwrap();
        assert_eq!((r.lo, r.hi), ((3 << 8) | 4, (3 << 8) | 4));
        assert_eq!(
            rule_ports("k", "i", "f", &icmp, Some(-1), Some(-1)).unwrap(),
            PortRange::ALL
        );
        assert!(rule_ports("k", "i", "f", &ProtoSet::single(TCP), Some(70000), Some(1)).is_err());
    }
}
