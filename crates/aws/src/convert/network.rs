//! Conversion of the network's structure: VPCs (with their DNS attributes and resolver), route
//! tables and routes, network ACLs, subnets (with their effective route table and ACL) and
//! security groups.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use ipnet::IpNet;

use vpcreach_core::codes::Code;
use vpcreach_core::model::*;

use super::{ConvertError, Diags, Field, bad, is_active_state, parse_net};
use crate::snapshot::{self as aws, Snapshot, name_tag};
use vpcreach_core::space::{ICMP, ICMPV6, PortRange, ProtoSet, TCP, UDP};

/// The route-table associations conversion needs later: explicit subnet associations and edge
/// associations (gateway → gateway route table).
pub(super) struct Associations {
    pub subnets: BTreeMap<String, String>,
    pub edges: BTreeMap<String, String>,
}

/// VPCs, their CIDR blocks and DNS attributes.
pub(super) fn vpcs(snap: &Snapshot, net: &mut Network, d: &mut Diags) -> Result<(), ConvertError> {
    // VPCs and their DNS attributes.
    for v in &snap.vpcs {
        let mut cidrs = Vec::new();
        for (i, a) in v.cidr_block_association_set.iter().enumerate() {
            if is_active_state(a.cidr_block_state.as_ref(), &["associated"]) {
                cidrs.push(parse_net(
                    "Vpcs",
                    &v.vpc_id,
                    &format!("CidrBlockAssociationSet[{i}].CidrBlock"),
                    &a.cidr_block,
                )?);
            }
        }
        if let Some(c) = &v.cidr_block {
            let n = parse_net("Vpcs", &v.vpc_id, "CidrBlock", c)?;
            if !cidrs.contains(&n) {
                cidrs.insert(0, n);
            }
        }
        for (i, a) in v.ipv6_cidr_block_association_set.iter().enumerate() {
            if is_active_state(a.ipv6_cidr_block_state.as_ref(), &["associated"]) {
                cidrs.push(parse_net(
                    "Vpcs",
                    &v.vpc_id,
                    &format!("Ipv6CidrBlockAssociationSet[{i}].Ipv6CidrBlock"),
                    &a.ipv6_cidr_block,
                )?);
            }
        }
        net.vpcs.insert(
            v.vpc_id.clone(),
            Vpc {
                id: v.vpc_id.clone(),
                name: name_tag(&v.tags),
                owner_id: v.owner_id.clone(),
                cidrs,
                ..Vpc::default()
            },
        );
    }
    for a in &snap.vpc_attributes {
        match net.vpcs.get_mut(&a.vpc_id) {
            Some(v) => {
                v.dns_support = a.enable_dns_support.map(|x| x.value);
                v.dns_hostnames = a.enable_dns_hostnames.map(|x| x.value);
            }
            None => d.push(
                Severity::Info,
                Code::DanglingReference,
                &a.vpc_id,
                format!("VpcAttributes name {}, which is not in Vpcs", a.vpc_id),
            ),
        }
    }
    Ok(())
}

/// Route tables: main tables per VPC, explicit subnet and edge associations, routes.
pub(super) fn route_tables(
    snap: &Snapshot,
    net: &mut Network,
) -> Result<Associations, ConvertError> {
    // Route tables: main tables per VPC and explicit subnet associations.
    let mut explicit_rtb: BTreeMap<String, String> = BTreeMap::new();
    let mut edge_rtb: BTreeMap<String, String> = BTreeMap::new();
    // Endpoint types by ID, once (looking each route's endpoint up in the list was quadratic).
    let endpoint_types: HashMap<&str, Option<&str>> = snap
        .vpc_endpoints
        .iter()
        .rev()
        .map(|e| (e.vpc_endpoint_id.as_str(), e.vpc_endpoint_type.as_deref()))
        .collect();
    for rt in &snap.route_tables {
        for a in &rt.associations {
            if !is_active_state(a.association_state.as_ref(), &["associated"]) {
                continue;
            }
            if a.main == Some(true) {
                if let Some(v) = net.vpcs.get_mut(&rt.vpc_id) {
                    v.main_route_table = Some(rt.route_table_id.clone());
                }
            } else if let Some(s) = &a.subnet_id {
                explicit_rtb.insert(s.clone(), rt.route_table_id.clone());
            } else if let Some(g) = &a.gateway_id {
                // An edge association: traffic entering through this gateway follows the table.
                edge_rtb.insert(g.clone(), rt.route_table_id.clone());
            }
        }
        let mut routes = Vec::new();
        for (i, r) in rt.routes.iter().enumerate() {
            routes.push(convert_route(&endpoint_types, &rt.route_table_id, i, r)?);
        }
        net.route_tables.insert(
            rt.route_table_id.clone(),
            RouteTable {
                id: rt.route_table_id.clone(),
                vpc_id: rt.vpc_id.clone(),
                name: name_tag(&rt.tags),
                routes,
            },
        );
    }
    Ok(Associations {
        subnets: explicit_rtb,
        edges: edge_rtb,
    })
}

/// Network ACLs: defaults per VPC, entries in rule order; returns explicit subnet associations.
pub(super) fn acls(
    snap: &Snapshot,
    net: &mut Network,
) -> Result<BTreeMap<String, String>, ConvertError> {
    // Network ACLs: defaults per VPC and subnet associations.
    let mut explicit_acl: BTreeMap<String, String> = BTreeMap::new();
    for a in &snap.network_acls {
        let id = &a.network_acl_id;
        for asc in &a.associations {
            if let Some(s) = &asc.subnet_id {
                explicit_acl.insert(s.clone(), id.clone());
            }
        }
        if a.is_default == Some(true)
            && let Some(v) = a.vpc_id.as_ref().and_then(|v| net.vpcs.get_mut(v))
        {
            v.default_acl = Some(id.clone());
        }
        let mut ingress = Vec::new();
        let mut egress = Vec::new();
        for (i, e) in a.entries.iter().enumerate() {
            let entry = convert_acl_entry(id, i, e)?;
            if e.egress {
                egress.push(entry);
            } else {
                ingress.push(entry);
            }
        }
        ingress.sort_by_key(|e| e.rule_number);
        egress.sort_by_key(|e| e.rule_number);
        net.acls.insert(
            id.clone(),
            Acl {
                id: id.clone(),
                vpc_id: a.vpc_id.clone(),
                is_default: a.is_default == Some(true),
                ingress,
                egress,
            },
        );
    }
    Ok(explicit_acl)
}

/// Subnets, with their effective route table (explicit, else main) and ACL (explicit, else
/// default).
pub(super) fn subnets(
    snap: &Snapshot,
    net: &mut Network,
    d: &mut Diags,
    explicit_rtb: &BTreeMap<String, String>,
    explicit_acl: &BTreeMap<String, String>,
) -> Result<(), ConvertError> {
    // Subnets, with their effective route table and ACL.
    for s in &snap.subnets {
        let mut cidrs = Vec::new();
        if let Some(c) = &s.cidr_block {
            cidrs.push(parse_net("Subnets", &s.subnet_id, "CidrBlock", c)?);
        }
        for (i, a) in s.ipv6_cidr_block_association_set.iter().enumerate() {
            if is_active_state(a.ipv6_cidr_block_state.as_ref(), &["associated"]) {
                cidrs.push(parse_net(
                    "Subnets",
                    &s.subnet_id,
                    &format!("Ipv6CidrBlockAssociationSet[{i}].Ipv6CidrBlock"),
                    &a.ipv6_cidr_block,
                )?);
            }
        }
        let vpc = net.vpcs.get(&s.vpc_id);
        if vpc.is_none() {
            d.push(
                Severity::Warning,
                Code::DanglingReference,
                &s.subnet_id,
                format!("subnet's VPC {} is not in the snapshot", s.vpc_id),
            );
        }
        let route_table = explicit_rtb
            .get(&s.subnet_id)
            .cloned()
            .or_else(|| vpc.and_then(|v| v.main_route_table.clone()));
        match &route_table {
            None => d.push(
                Severity::Error,
                Code::MissingRouteTable,
                &s.subnet_id,
                "no route table is associated with the subnet and the VPC's main route table is not in the snapshot".into(),
            ),
            Some(rt) if !net.route_tables.contains_key(rt) => d.push(
                Severity::Error,
                Code::DanglingReference,
                &s.subnet_id,
                format!("route table {rt} is not in the snapshot"),
            ),
            _ => {}
        }
        let acl = explicit_acl
            .get(&s.subnet_id)
            .cloned()
            .or_else(|| vpc.and_then(|v| v.default_acl.clone()));
        if acl.is_none() {
            d.push(
                Severity::Error,
                Code::MissingNetworkAcl,
                &s.subnet_id,
                "no network ACL is associated with the subnet and the VPC's default ACL is not in the snapshot".into(),
            );
        }
        net.subnets.insert(
            s.subnet_id.clone(),
            Subnet {
                id: s.subnet_id.clone(),
                vpc_id: s.vpc_id.clone(),
                name: name_tag(&s.tags),
                availability_zone: s.availability_zone.clone(),
                cidrs,
                route_table,
                acl,
            },
        );
    }
    Ok(())
}

/// Security groups: one rule per address source of each permission.
/// The security groups, by ID. Reads nothing else, so conversion runs it beside the rest.
pub(super) fn security_groups(
    snap: &Snapshot,
) -> Result<BTreeMap<String, SecurityGroup>, ConvertError> {
    let mut out = BTreeMap::new();
    for g in &snap.security_groups {
        let mut ingress = Vec::new();
        let mut egress = Vec::new();
        for (i, p) in g.ip_permissions.iter().enumerate() {
            sg_rules(&g.group_id, "IpPermissions", i, p, &mut ingress)?;
        }
        for (i, p) in g.ip_permissions_egress.iter().enumerate() {
            sg_rules(&g.group_id, "IpPermissionsEgress", i, p, &mut egress)?;
        }
        out.insert(
            g.group_id.clone(),
            SecurityGroup {
                id: g.group_id.clone(),
                name: g.group_name.clone(),
                vpc_id: g.vpc_id.clone(),
                ingress,
                egress,
            },
        );
    }
    Ok(out)
}

/// Each VPC's resolver from its DHCP option set (DESIGN §3): AmazonProvidedDNS (or the Route 53
/// Resolver's own addresses) is modelled; any other server makes what names resolve to unknown.
pub(super) fn resolve_dns_servers(snap: &Snapshot, net: &mut Network, d: &mut Diags) {
    let incomplete = snap
        .incomplete
        .iter()
        .find(|i| i.key == "DhcpOptions")
        .map(|i| i.reason.clone());
    let Some(sets) = snap.dhcp_options.as_ref().filter(|_| incomplete.is_none()) else {
        if let Some(why) = &incomplete {
            for v in net.vpcs.values_mut() {
                v.resolver =
                    Resolver::Unknown(format!("the DHCP options could not be collected ({why})"));
            }
            return;
        }
        if !net.vpcs.is_empty() {
            d.push(
                Severity::Info,
                Code::DhcpOptionsAssumed,
                "(snapshot)",
                "the snapshot has no DhcpOptions (describe-dhcp-options): every VPC is assumed to use AmazonProvidedDNS".into(),
            );
        }
        return;
    };
    let vpc_dhcp: BTreeMap<&str, Option<&str>> = snap
        .vpcs
        .iter()
        .map(|v| (v.vpc_id.as_str(), v.dhcp_options_id.as_deref()))
        .collect();
    for v in net.vpcs.values_mut() {
        let id = vpc_dhcp.get(v.id.as_str()).copied().flatten();
        v.resolver = match id {
            None => {
                d.push(
                    Severity::Warning,
                    Code::MissingField,
                    &v.id,
                    "the VPC has no DhcpOptionsId, so its DNS servers are not known".into(),
                );
                Resolver::Unknown(format!("{} has no DhcpOptionsId in Vpcs", v.id))
            }
            Some("default") => Resolver::Amazon { assumed: false },
            Some(id) => match sets.iter().find(|d| d.dhcp_options_id == id) {
                None => {
                    d.push(
                        Severity::Error,
                        Code::DanglingReference,
                        &v.id,
                        format!("the VPC's DHCP option set {id} is not in DhcpOptions"),
                    );
                    Resolver::Unknown(format!(
                        "{}'s DHCP option set {id} is not in DhcpOptions",
                        v.id
                    ))
                }
                Some(d) => servers(d, &v.cidrs),
            },
        };
    }
}

/// The resolver a DHCP option set names.
fn servers(d: &aws::DhcpOptions, vpc_cidrs: &[IpNet]) -> Resolver {
    let values: Vec<&str> = d
        .dhcp_configurations
        .iter()
        .filter(|c| c.key.eq_ignore_ascii_case("domain-name-servers"))
        .flat_map(|c| c.values.iter().map(|v| v.value.as_str()))
        .collect();
    // The Route 53 Resolver also answers at 169.254.169.253, fd00:ec2::253 and the VPC's primary
    // IPv4 network address plus two.
    let vpc_plus_two = vpc_cidrs.iter().find_map(|c| match c {
        IpNet::V4(n) => Some(IpAddr::V4(std::net::Ipv4Addr::from(
            u32::from(n.network()).wrapping_add(2),
        ))),
        IpNet::V6(_) => None,
    });
    let amazon = |v: &str| {
        v.eq_ignore_ascii_case("AmazonProvidedDNS")
            || v.parse::<IpAddr>().is_ok_and(|ip| {
                ip == IpAddr::from([169, 254, 169, 253])
                    || ip == "fd00:ec2::253".parse::<IpAddr>().expect("literal")
                    || Some(ip) == vpc_plus_two
            })
    };
    if !values.is_empty() && values.iter().all(|v| amazon(v)) {
        Resolver::Amazon { assumed: false }
    } else {
        Resolver::Custom(values.iter().map(|v| v.to_string()).collect())
    }
}

fn convert_route(
    endpoint_types: &HashMap<&str, Option<&str>>,
    rtb: &str,
    i: usize,
    r: &aws::Route,
) -> Result<Route, ConvertError> {
    let key = "RouteTables";
    let field = |f: &str| format!("Routes[{i}].{f}");
    let dest = if let Some(c) = &r.destination_cidr_block {
        RouteDest::Cidr(parse_net(key, rtb, &field("DestinationCidrBlock"), c)?)
    } else if let Some(c) = &r.destination_ipv6_cidr_block {
        RouteDest::Cidr(parse_net(key, rtb, &field("DestinationIpv6CidrBlock"), c)?)
    } else if let Some(p) = &r.destination_prefix_list_id {
        RouteDest::PrefixList(p.clone())
    } else {
        return Err(bad(
            key,
            rtb,
            format!("Routes[{i}]"),
            "the route has no DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId".into(),
        ));
    };
    let t = |kind, id: &String| Target {
        kind,
        id: id.clone(),
    };
    let target = if let Some(g) = &r.gateway_id {
        let kind = if g == "local" {
            TargetKind::Local
        } else if g.starts_with("igw-") {
            TargetKind::InternetGateway
        } else if g.starts_with("vgw-") {
            TargetKind::VirtualPrivateGateway
        } else if g.starts_with("vpce-") {
            match endpoint_types.get(g.as_str()) {
                Some(t) => match t.map(str::to_ascii_lowercase) {
                    Some(k) if k == "gateway" => TargetKind::GatewayEndpoint,
                    Some(k) if k == "gatewayloadbalancer" => {
                        TargetKind::GatewayLoadBalancerEndpoint
                    }
                    _ => TargetKind::VpcEndpoint,
                },
                None => TargetKind::VpcEndpoint,
            }
        } else if g.starts_with("eigw-") {
            TargetKind::EgressOnlyInternetGateway
        } else if g.starts_with("nat-") {
            TargetKind::NatGateway
        } else {
            TargetKind::Other
        };
        t(kind, g)
    } else if let Some(g) = &r.nat_gateway_id {
        t(TargetKind::NatGateway, g)
    } else if let Some(g) = &r.egress_only_internet_gateway_id {
        t(TargetKind::EgressOnlyInternetGateway, g)
    } else if let Some(g) = &r.transit_gateway_id {
        t(TargetKind::TransitGateway, g)
    } else if let Some(g) = &r.vpc_peering_connection_id {
        t(TargetKind::VpcPeering, g)
    } else if let Some(g) = &r.instance_id {
        t(TargetKind::Instance, g)
    } else if let Some(g) = &r.network_interface_id {
        t(TargetKind::NetworkInterface, g)
    } else if let Some(g) = &r.local_gateway_id {
        t(TargetKind::LocalGateway, g)
    } else if let Some(g) = &r.carrier_gateway_id {
        t(TargetKind::CarrierGateway, g)
    } else if let Some(g) = &r.core_network_arn {
        t(TargetKind::CoreNetwork, g)
    } else {
        Target {
            kind: TargetKind::Other,
            id: "(no target)".into(),
        }
    };
    let state = match r.state.as_deref().map(str::to_ascii_lowercase) {
        None => RouteState::Active,
        Some(s) if s == "active" => RouteState::Active,
        Some(s) if s == "blackhole" => RouteState::Blackhole,
        Some(s) => RouteState::Other(s),
    };
    let origin = match r.origin.as_deref() {
        Some("EnableVgwRoutePropagation") => RouteOrigin::Propagated,
        _ => RouteOrigin::Static,
    };
    Ok(Route {
        dest,
        target,
        state,
        origin,
    })
}

/// Port dimension for a rule: TCP/UDP port ranges, ICMP type/code encoded as `type<<8 | code`.
pub(super) fn rule_ports(
    key: &'static str,
    id: &str,
    field: impl Field,
    protos: &ProtoSet,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<PortRange, ConvertError> {
    let icmp = *protos == ProtoSet::single(ICMP) || *protos == ProtoSet::single(ICMPV6);
    let ported = *protos == ProtoSet::single(TCP) || *protos == ProtoSet::single(UDP);
    if icmp {
        // From = ICMP type, To = ICMP code; -1 (or absent) means all.
        let ty = from.filter(|t| *t >= 0);
        let code = to.filter(|c| *c >= 0);
        return match (ty, code) {
            (None, _) => Ok(PortRange::ALL),
            (Some(t), _) if t > 255 => Err(bad(
                key,
                id,
                field.name(),
                format!("ICMP type {t} is out of range"),
            )),
            (Some(_), Some(c)) if c > 255 => Err(bad(
                key,
                id,
                field.name(),
                format!("ICMP code {c} is out of range"),
            )),
            (Some(t), None) => Ok(PortRange::new((t as u16) << 8, ((t as u16) << 8) | 0xff)),
            (Some(t), Some(c)) => Ok(PortRange::single(((t as u16) << 8) | c as u16)),
        };
    }
    if !ported {
        return Ok(PortRange::ALL);
    }
    match (from, to) {
        (None, None) | (Some(-1), _) | (_, Some(-1)) => Ok(PortRange::ALL),
        (Some(f), Some(t)) if (0..=65535).contains(&f) && (0..=65535).contains(&t) && f <= t => {
            Ok(PortRange::new(f as u16, t as u16))
        }
        (Some(f), None) | (None, Some(f)) if (0..=65535).contains(&f) => {
            Ok(PortRange::single(f as u16))
        }
        (f, t) => Err(bad(
            key,
            id,
            field.name(),
            format!("port range {f:?}..{t:?} is not valid"),
        )),
    }
}

fn parse_protocol(
    key: &'static str,
    id: &str,
    field: impl Field,
    s: &str,
) -> Result<ProtoSet, ConvertError> {
    ProtoSet::parse_aws(s)
        .ok_or_else(|| bad(key, id, field.name(), format!("\"{s}\" is not a protocol")))
}

/// The rules of permission `n` of list `list` (`IpPermissions`, `IpPermissionsEgress`).
fn sg_rules(
    gid: &str,
    list: &str,
    n: usize,
    p: &aws::IpPermission,
    out: &mut Vec<SgRule>,
) -> Result<(), ConvertError> {
    let key = "SecurityGroups";
    let at = || format!("{list}[{n}]");
    let protocols = parse_protocol(key, gid, || format!("{}.IpProtocol", at()), &p.ip_protocol)?;
    let ports = rule_ports(
        key,
        gid,
        || format!("{}.FromPort", at()),
        &protocols,
        p.from_port,
        p.to_port,
    )?;
    let mut push = |peer: SgPeer| {
        out.push(SgRule {
            protocols,
            ports,
            peer,
        })
    };
    for (i, r) in p.ip_ranges.iter().enumerate() {
        let n = parse_net(
            key,
            gid,
            || format!("{}.IpRanges[{i}].CidrIp", at()),
            &r.cidr_ip,
        )?;
        push(SgPeer::Cidr(n));
    }
    for (i, r) in p.ipv6_ranges.iter().enumerate() {
        let n = parse_net(
            key,
            gid,
            || format!("{}.Ipv6Ranges[{i}].CidrIpv6", at()),
            &r.cidr_ipv6,
        )?;
        push(SgPeer::Cidr(n));
    }
    for r in &p.prefix_list_ids {
        push(SgPeer::PrefixList(r.prefix_list_id.clone()));
    }
    for (i, r) in p.user_id_group_pairs.iter().enumerate() {
        let g = r.group_id.clone().ok_or_else(|| {
            bad(
                key,
                gid,
                format!("{}.UserIdGroupPairs[{i}].GroupId", at()),
                "missing".into(),
            )
        })?;
        push(SgPeer::Group(g.clone()));
    }
    Ok(())
}

fn convert_acl_entry(
    acl: &str,
    i: usize,
    e: &aws::NetworkAclEntry,
) -> Result<AclEntry, ConvertError> {
    let key = "NetworkAcls";
    let at = || format!("Entries[{i}]");
    let protocols = parse_protocol(key, acl, || format!("{}.Protocol", at()), &e.protocol)?;
    let ports = if protocols == ProtoSet::single(ICMP) || protocols == ProtoSet::single(ICMPV6) {
        let tc = e.icmp_type_code.clone().unwrap_or_default();
        rule_ports(
            key,
            acl,
            || format!("{}.IcmpTypeCode", at()),
            &protocols,
            tc.r#type,
            tc.code,
        )?
    } else {
        let pr = e.port_range.clone().unwrap_or_default();
        rule_ports(
            key,
            acl,
            || format!("{}.PortRange", at()),
            &protocols,
            pr.from,
            pr.to,
        )?
    };
    let cidr = match (&e.cidr_block, &e.ipv6_cidr_block) {
        (Some(c), _) => parse_net(key, acl, || format!("{}.CidrBlock", at()), c)?,
        (None, Some(c)) => parse_net(key, acl, || format!("{}.Ipv6CidrBlock", at()), c)?,
        (None, None) => {
            return Err(bad(
                key,
                acl,
                at(),
                "the entry has neither CidrBlock nor Ipv6CidrBlock".into(),
            ));
        }
    };
    let allow = match e.rule_action.to_ascii_lowercase().as_str() {
        "allow" => true,
        "deny" => false,
        other => {
            return Err(bad(
                key,
                acl,
                format!("{}.RuleAction", at()),
                format!("\"{other}\" is neither allow nor deny"),
            ));
        }
    };
    Ok(AclEntry {
        rule_number: e.rule_number,
        protocols,
        ports,
        cidr,
        allow,
    })
}
