//! Conversion of an AWS [`Snapshot`] into the vendor-free [`Network`].
//!
//! Malformed values (a CIDR that does not parse, an unknown protocol) are input errors that name the
//! resource and field: the user must fix the input, because guessing could produce a false proof.
//! Missing things (a route to a NAT gateway the snapshot lacks, a subnet with no route table) are
//! not errors: they become [`Diagnostic`]s, and the analysis reports the affected verdicts as
//! `unknown`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;

use vpcreach_core::codes::Code;
use vpcreach_core::model::*;

use crate::snapshot::{self as aws, Snapshot, name_tag};
use vpcreach_core::space::{AddrSet, ICMP, ICMPV6, PortRange, ProtoSet, TCP, UDP};

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

fn parse_net(key: &'static str, id: &str, field: &str, s: &str) -> Result<IpNet, ConvertError> {
    s.trim().parse::<IpNet>().map(|n| n.trunc()).or_else(|_| {
        // A bare address is a host route.
        s.trim()
            .parse::<IpAddr>()
            .map(IpNet::from)
            .map_err(|_| bad(key, id, field, format!("\"{s}\" is not a CIDR block")))
    })
}

fn parse_ip(key: &'static str, id: &str, field: &str, s: &str) -> Result<IpAddr, ConvertError> {
    s.trim()
        .parse::<IpAddr>()
        .map_err(|_| bad(key, id, field, format!("\"{s}\" is not an IP address")))
}

fn is_active_state(s: Option<&aws::StateObj>, ok: &[&str]) -> bool {
    match s.and_then(|s| s.state.as_deref()) {
        None => true,
        Some(st) => ok.iter().any(|o| st.eq_ignore_ascii_case(o)),
    }
}

/// Convert a snapshot. `Err` only for values that cannot be interpreted at all.
pub fn convert(snap: &Snapshot) -> Result<Network, ConvertError> {
    let mut net = Network {
        region: region_of(snap)?,
        ..Network::default()
    };
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut diag = |severity, code, resource: &str, message: String| {
        diags.push(Diagnostic {
            severity,
            code,
            resource: resource.to_string(),
            message,
        })
    };

    for i in &snap.incomplete {
        // The model names datasets by what they are, not by the snapshot key they came from.
        let dataset = match i.key.as_str() {
            "VpcEndpoints" => "endpoints",
            "NetworkInterfaces" => "interfaces",
            "NotebookInstances" => "notebooks",
            other => other,
        };
        let e = net.incomplete.entry(dataset.to_string()).or_default();
        if !e.is_empty() {
            e.push_str("; ");
        }
        e.push_str(&i.reason);
        diag(
            Severity::Error,
            Code::IncompleteData,
            &i.key,
            format!(
                "{} could not be collected completely: {}; verdicts that depend on it are unknown",
                i.key, i.reason
            ),
        );
    }

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
            None => diag(
                Severity::Info,
                Code::DanglingReference,
                &a.vpc_id,
                format!("VpcAttributes name {}, which is not in Vpcs", a.vpc_id),
            ),
        }
    }

    resolve_dns_servers(snap, &mut net, &mut diag);

    // Route tables: main tables per VPC and explicit subnet associations.
    let mut explicit_rtb: BTreeMap<String, String> = BTreeMap::new();
    let mut edge_rtb: BTreeMap<String, String> = BTreeMap::new();
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
            routes.push(convert_route(snap, &rt.route_table_id, i, r)?);
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
            diag(
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
            None => diag(
                Severity::Error,
                Code::MissingRouteTable,
                &s.subnet_id,
                "no route table is associated with the subnet and the VPC's main route table is not in the snapshot".into(),
            ),
            Some(rt) if !net.route_tables.contains_key(rt) => diag(
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
            diag(
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

    // Gateways.
    for g in &snap.internet_gateways {
        net.internet_gateways.insert(
            g.internet_gateway_id.clone(),
            AttachedGateway {
                id: g.internet_gateway_id.clone(),
                name: name_tag(&g.tags),
                attachments: attachments(&g.attachments),
                edge_route_table: edge_rtb.get(&g.internet_gateway_id).cloned(),
            },
        );
    }
    for (g, rt) in &edge_rtb {
        if g.starts_with("igw-") && !net.internet_gateways.contains_key(g) {
            diag(
                Severity::Info,
                Code::DanglingReference,
                rt,
                format!(
                    "route table {rt} is associated with gateway {g}, which is not in InternetGateways"
                ),
            );
        }
    }
    for g in &snap.egress_only_internet_gateways {
        net.egress_only_gateways.insert(
            g.egress_only_internet_gateway_id.clone(),
            AttachedGateway {
                id: g.egress_only_internet_gateway_id.clone(),
                name: name_tag(&g.tags),
                attachments: attachments(&g.attachments),
                edge_route_table: None,
            },
        );
    }
    for n in &snap.nat_gateways {
        let id = &n.nat_gateway_id;
        let mut private_ips = Vec::new();
        let mut public_ips = Vec::new();
        for (i, a) in n.nat_gateway_addresses.iter().enumerate() {
            if let Some(p) = &a.private_ip {
                private_ips.push(parse_ip(
                    "NatGateways",
                    id,
                    &format!("NatGatewayAddresses[{i}].PrivateIp"),
                    p,
                )?);
            }
            if let Some(p) = &a.public_ip {
                public_ips.push(parse_ip(
                    "NatGateways",
                    id,
                    &format!("NatGatewayAddresses[{i}].PublicIp"),
                    p,
                )?);
            }
        }
        net.nat_gateways.insert(
            id.clone(),
            NatGateway {
                id: id.clone(),
                name: name_tag(&n.tags),
                vpc_id: n.vpc_id.clone(),
                subnet_id: n.subnet_id.clone(),
                state: resource_state(n.state.as_deref()),
                public: !n
                    .connectivity_type
                    .as_deref()
                    .is_some_and(|c| c.eq_ignore_ascii_case("private")),
                private_ips,
                public_ips,
            },
        );
        match &n.subnet_id {
            Some(s) if net.subnets.contains_key(s) => {}
            _ => diag(
                Severity::Error,
                Code::DanglingReference,
                id,
                format!(
                    "the NAT gateway's subnet {} is not in the snapshot",
                    n.subnet_id.as_deref().unwrap_or("(none)")
                ),
            ),
        }
    }
    for t in &snap.transit_gateways {
        net.transit_gateways.insert(
            t.transit_gateway_id.clone(),
            name_tag(&t.tags).unwrap_or_default(),
        );
    }
    for p in &snap.vpc_peering_connections {
        net.peering_connections.insert(
            p.vpc_peering_connection_id.clone(),
            p.status
                .as_ref()
                .and_then(|s| s.code.clone())
                .unwrap_or_default(),
        );
    }

    // Prefix lists.
    for p in &snap.prefix_lists {
        let cidrs = match &p.cidrs {
            None => None,
            Some(list) => {
                let mut cidrs = Vec::new();
                for (i, c) in list.iter().enumerate() {
                    cidrs.push(parse_net(
                        "PrefixLists",
                        &p.prefix_list_id,
                        &format!("Cidrs[{i}]"),
                        c,
                    )?);
                }
                Some(cidrs)
            }
        };
        net.prefix_lists.insert(
            p.prefix_list_id.clone(),
            PrefixList {
                id: p.prefix_list_id.clone(),
                name: p.prefix_list_name.clone(),
                cidrs,
                // AWS-managed lists are named after their service (`com.amazonaws.<region>.s3`).
                aws_managed: p
                    .prefix_list_name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("com.amazonaws.")),
            },
        );
    }

    // Network interfaces.
    for e in &snap.network_interfaces {
        let id = &e.network_interface_id;
        let key = "NetworkInterfaces";
        let mut private_ips = Vec::new();
        let mut public_ips = Vec::new();
        for (i, p) in e.private_ip_addresses.iter().enumerate() {
            if let Some(a) = &p.private_ip_address {
                let ip = parse_ip(
                    key,
                    id,
                    &format!("PrivateIpAddresses[{i}].PrivateIpAddress"),
                    a,
                )?;
                if !private_ips.contains(&ip) {
                    private_ips.push(ip);
                }
            }
            if let Some(pub_ip) = p.association.as_ref().and_then(|a| a.public_ip.as_ref()) {
                let ip = parse_ip(
                    key,
                    id,
                    &format!("PrivateIpAddresses[{i}].Association.PublicIp"),
                    pub_ip,
                )?;
                if !public_ips.contains(&ip) {
                    public_ips.push(ip);
                }
            }
        }
        if let Some(a) = &e.private_ip_address {
            let ip = parse_ip(key, id, "PrivateIpAddress", a)?;
            if !private_ips.contains(&ip) {
                private_ips.insert(0, ip);
            }
        }
        if let Some(pub_ip) = e.association.as_ref().and_then(|a| a.public_ip.as_ref()) {
            let ip = parse_ip(key, id, "Association.PublicIp", pub_ip)?;
            if !public_ips.contains(&ip) {
                public_ips.insert(0, ip);
            }
        }
        let mut ipv6 = Vec::new();
        for (i, a) in e.ipv6_addresses.iter().enumerate() {
            ipv6.push(parse_ip(
                key,
                id,
                &format!("Ipv6Addresses[{i}].Ipv6Address"),
                &a.ipv6_address,
            )?);
        }
        net.interfaces.insert(
            id.clone(),
            Interface {
                id: id.clone(),
                subnet_id: e.subnet_id.clone(),
                vpc_id: e.vpc_id.clone(),
                private_ips,
                public_ips,
                ipv6,
                groups: e.groups.iter().map(|g| g.group_id.clone()).collect(),
                interface_type: e.interface_type.clone(),
            },
        );
    }

    // VPC endpoints.
    for e in &snap.vpc_endpoints {
        let kind = match e.vpc_endpoint_type.as_deref().map(str::to_ascii_lowercase) {
            Some(t) if t == "gateway" => EndpointKind::Gateway,
            Some(t) if t == "interface" => EndpointKind::Interface,
            Some(t) if t == "gatewayloadbalancer" => EndpointKind::GatewayLoadBalancer,
            _ => EndpointKind::Other,
        };
        let missing: Vec<&String> = e
            .network_interface_ids
            .iter()
            .filter(|i| !net.interfaces.contains_key(*i))
            .collect();
        if kind == EndpointKind::Interface && !missing.is_empty() {
            diag(
                Severity::Info,
                Code::MissingInterface,
                &e.vpc_endpoint_id,
                format!(
                    "network interfaces {} of the endpoint are not in the snapshot; its subnets' CIDRs stand in for its addresses",
                    join(missing.iter().map(|s| s.as_str()))
                ),
            );
        }
        net.endpoints.insert(
            e.vpc_endpoint_id.clone(),
            Endpoint {
                id: e.vpc_endpoint_id.clone(),
                name: name_tag(&e.tags),
                kind,
                vpc_id: e.vpc_id.clone(),
                service: e.service_name.clone().unwrap_or_default(),
                state: resource_state(e.state.as_deref()),
                private_dns: e.private_dns_enabled == Some(true),
                route_tables: e.route_table_ids.clone(),
                subnets: e.subnet_ids.clone(),
                groups: e.groups.iter().map(|g| g.group_id.clone()).collect(),
                interfaces: e.network_interface_ids.clone(),
                record_ip_type: match e
                    .dns_options
                    .as_ref()
                    .and_then(|d| d.dns_record_ip_type.as_deref())
                    .map(str::to_ascii_lowercase)
                    .as_deref()
                {
                    None | Some("ipv4") => RecordIpType::Ipv4,
                    Some("ipv6") => RecordIpType::Ipv6,
                    Some("dualstack") => RecordIpType::Dualstack,
                    Some(other) => RecordIpType::Other(other.to_string()),
                },
                private_dns_inbound_only: e
                    .dns_options
                    .as_ref()
                    .and_then(|d| d.private_dns_only_for_inbound_resolver_endpoint)
                    == Some(true),
            },
        );
    }

    // Security groups.
    for g in &snap.security_groups {
        let mut ingress = Vec::new();
        let mut egress = Vec::new();
        for (i, p) in g.ip_permissions.iter().enumerate() {
            sg_rules(&g.group_id, &format!("IpPermissions[{i}]"), p, &mut ingress)?;
        }
        for (i, p) in g.ip_permissions_egress.iter().enumerate() {
            sg_rules(
                &g.group_id,
                &format!("IpPermissionsEgress[{i}]"),
                p,
                &mut egress,
            )?;
        }
        net.security_groups.insert(
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

    // Notebooks.
    for n in &snap.notebook_instances {
        let vpc_id = n
            .subnet_id
            .as_ref()
            .and_then(|s| net.subnets.get(s))
            .map(|s| s.vpc_id.clone());
        if let Some(s) = &n.subnet_id
            && !net.subnets.contains_key(s)
        {
            diag(
                Severity::Error,
                Code::DanglingReference,
                &n.notebook_instance_name,
                format!("the notebook's subnet {s} is not in the snapshot"),
            );
        }
        for g in &n.security_groups {
            if !net.security_groups.contains_key(g) {
                diag(
                    Severity::Error,
                    Code::DanglingReference,
                    &n.notebook_instance_name,
                    format!("the notebook's security group {g} is not in the snapshot"),
                );
            }
        }
        if n.subnet_id.is_some() {
            match &n.network_interface_id {
                Some(e) if !net.interfaces.contains_key(e) => diag(
                    Severity::Info,
                    Code::MissingInterface,
                    &n.notebook_instance_name,
                    format!(
                        "the notebook's network interface {e} is not in NetworkInterfaces; assuming no public IPv4 address and any address of its subnet"
                    ),
                ),
                None => diag(
                    Severity::Info,
                    Code::MissingInterface,
                    &n.notebook_instance_name,
                    "the notebook has no NetworkInterfaceId; assuming no public IPv4 address and any address of its subnet".into(),
                ),
                _ => {}
            }
        }
        if n.is_summary() {
            diag(
                Severity::Error,
                Code::NotebookPlacementUnknown,
                &n.notebook_instance_name,
                "only a list-notebook-instances summary describes this notebook (no subnet, security groups or direct internet access): save `aws sagemaker describe-notebook-instance` output for it; its verdicts are unknown".into(),
            );
        }
        if n.subnet_id.is_some() && n.direct_internet_access.is_none() {
            diag(
                Severity::Warning,
                Code::MissingField,
                &n.notebook_instance_name,
                "DirectInternetAccess is not reported; assumed Disabled (describe-notebook-instance always reports it: check the snapshot)".into(),
            );
        }
        net.notebooks.push(Notebook {
            name: n.notebook_instance_name.clone(),
            arn: n.notebook_instance_arn.clone(),
            account_id: n
                .notebook_instance_arn
                .as_deref()
                .and_then(crate::arn::account_of)
                .map(str::to_string),
            status: n.notebook_instance_status.clone(),
            subnet_id: n.subnet_id.clone(),
            vpc_id,
            security_groups: n.security_groups.clone(),
            interface_id: n.network_interface_id.clone(),
            direct_internet_access: toggle(n.direct_internet_access.as_deref()),
            root_access: toggle(n.root_access.as_deref()),
            placement_known: !n.is_summary(),
        });
    }
    net.notebooks.sort_by(|a, b| a.name.cmp(&b.name));

    // Dangling references from routes, SG rules and endpoints.
    for rt in net.route_tables.values() {
        for r in &rt.routes {
            if let RouteDest::PrefixList(p) = &r.dest {
                match net.prefix_lists.get(p) {
                    None => diag(
                        Severity::Error,
                        Code::MissingPrefixList,
                        &rt.id,
                        format!("a route's destination prefix list {p} is not in PrefixLists"),
                    ),
                    Some(pl) if pl.cidrs.is_none() => diag(
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
            if r.state == RouteState::Active && !target_known(&net, &r.target) {
                diag(
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
            diag(
                Severity::Error,
                Code::PrefixListEntriesUnknown,
                &g,
                format!(
                    "a rule names prefix list {p}, which is described without its entries (describe-managed-prefix-lists); save its entries with get-managed-prefix-list-entries"
                ),
            );
        } else {
            diag(
                Severity::Error,
                Code::MissingPrefixList,
                &g,
                format!("a rule names prefix list {p}, which is not in PrefixLists"),
            );
        }
    }
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
            diag(
                Severity::Warning,
                Code::MissingVpcAttributes,
                &v.id,
                "enableDnsSupport is not in VpcAttributes: whether the VPC resolves any AWS service name is not known, so every service check of its notebooks is unknown".into(),
            );
        } else if has_interface_ep && (v.dns_support.is_none() || v.dns_hostnames.is_none()) {
            diag(
                Severity::Warning,
                Code::MissingVpcAttributes,
                &v.id,
                "enableDnsSupport/enableDnsHostnames are not in VpcAttributes; interface endpoints with private DNS cannot be judged".into(),
            );
        }
    }
    if net.region.is_none() {
        diag(
            Severity::Warning,
            Code::UnknownRegion,
            "(snapshot)",
            "the region is neither given (key \"Region\") nor inferable from availability zones; service names cannot be matched".into(),
        );
    }

    net.sg_members = sg_members(&net);
    diags.extend(vpcreach_core::model::graph::ForwardingGraph::build(&net).loop_diagnostics());
    diags.sort();
    diags.dedup();
    net.diagnostics = diags;
    Ok(net)
}

fn join<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

fn attachments(a: &[aws::GatewayAttachment]) -> Vec<(String, AttachmentState)> {
    a.iter()
        .map(|x| {
            let state = match x.state.as_deref().map(str::to_ascii_lowercase).as_deref() {
                None | Some("available") | Some("attached") => AttachmentState::Attached,
                Some("attaching") => AttachmentState::Attaching,
                Some("detaching") => AttachmentState::Detaching,
                Some("detached") => AttachmentState::Detached,
                Some(other) => AttachmentState::Other(other.to_string()),
            };
            (x.vpc_id.clone(), state)
        })
        .collect()
}

/// A NAT gateway's or VPC endpoint's `State` (AWS prints `available`, `pendingAcceptance`, …;
/// case is not significant).
fn resource_state(s: Option<&str>) -> ResourceState {
    match s.map(str::to_ascii_lowercase).as_deref() {
        Some("available") => ResourceState::Available,
        Some("pending") => ResourceState::Pending,
        Some("pendingacceptance") => ResourceState::PendingAcceptance,
        Some("deleting") => ResourceState::Deleting,
        Some("deleted") => ResourceState::Deleted,
        Some("failed") => ResourceState::Failed,
        Some("rejected") => ResourceState::Rejected,
        Some("expired") => ResourceState::Expired,
        _ => ResourceState::Other(s.unwrap_or_default().to_string()),
    }
}

/// `Enabled` / `Disabled` as SageMaker reports it (case is not significant); anything else is
/// kept verbatim.
fn toggle(s: Option<&str>) -> Toggle {
    match s {
        None => Toggle::Missing,
        Some(s) if s.eq_ignore_ascii_case("enabled") => Toggle::Enabled,
        Some(s) if s.eq_ignore_ascii_case("disabled") => Toggle::Disabled,
        Some(s) => Toggle::Other(s.to_string()),
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

/// Each VPC's resolver from its DHCP option set (DESIGN §3): AmazonProvidedDNS (or the Route 53
/// Resolver's own addresses) is modelled; any other server makes what names resolve to unknown.
fn resolve_dns_servers(
    snap: &Snapshot,
    net: &mut Network,
    diag: &mut impl FnMut(Severity, Code, &str, String),
) {
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
            diag(
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
                diag(
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
                    diag(
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

fn convert_route(
    snap: &Snapshot,
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
            match snap.vpc_endpoints.iter().find(|e| &e.vpc_endpoint_id == g) {
                Some(e) => match e.vpc_endpoint_type.as_deref().map(str::to_ascii_lowercase) {
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
fn rule_ports(
    key: &'static str,
    id: &str,
    field: &str,
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
                field,
                format!("ICMP type {t} is out of range"),
            )),
            (Some(_), Some(c)) if c > 255 => Err(bad(
                key,
                id,
                field,
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
            field,
            format!("port range {f:?}..{t:?} is not valid"),
        )),
    }
}

fn parse_protocol(
    key: &'static str,
    id: &str,
    field: &str,
    s: &str,
) -> Result<ProtoSet, ConvertError> {
    ProtoSet::parse_aws(s).ok_or_else(|| bad(key, id, field, format!("\"{s}\" is not a protocol")))
}

fn sg_rules(
    gid: &str,
    at: &str,
    p: &aws::IpPermission,
    out: &mut Vec<SgRule>,
) -> Result<(), ConvertError> {
    let key = "SecurityGroups";
    let protocols = parse_protocol(key, gid, &format!("{at}.IpProtocol"), &p.ip_protocol)?;
    let ports = rule_ports(
        key,
        gid,
        &format!("{at}.FromPort"),
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
        let n = parse_net(key, gid, &format!("{at}.IpRanges[{i}].CidrIp"), &r.cidr_ip)?;
        push(SgPeer::Cidr(n));
    }
    for (i, r) in p.ipv6_ranges.iter().enumerate() {
        let n = parse_net(
            key,
            gid,
            &format!("{at}.Ipv6Ranges[{i}].CidrIpv6"),
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
                format!("{at}.UserIdGroupPairs[{i}].GroupId"),
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
    let at = format!("Entries[{i}]");
    let protocols = parse_protocol(key, acl, &format!("{at}.Protocol"), &e.protocol)?;
    let ports = if protocols == ProtoSet::single(ICMP) || protocols == ProtoSet::single(ICMPV6) {
        let tc = e.icmp_type_code.clone().unwrap_or_default();
        rule_ports(
            key,
            acl,
            &format!("{at}.IcmpTypeCode"),
            &protocols,
            tc.r#type,
            tc.code,
        )?
    } else {
        let pr = e.port_range.clone().unwrap_or_default();
        rule_ports(
            key,
            acl,
            &format!("{at}.PortRange"),
            &protocols,
            pr.from,
            pr.to,
        )?
    };
    let cidr = match (&e.cidr_block, &e.ipv6_cidr_block) {
        (Some(c), _) => parse_net(key, acl, &format!("{at}.CidrBlock"), c)?,
        (None, Some(c)) => parse_net(key, acl, &format!("{at}.Ipv6CidrBlock"), c)?,
        (None, None) => {
            return Err(bad(
                key,
                acl,
                at,
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
                format!("{at}.RuleAction"),
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

/// The private addresses that a security-group reference stands for.
fn sg_members(net: &Network) -> BTreeMap<String, AddrSet> {
    let mut m: BTreeMap<String, AddrSet> = BTreeMap::new();
    let mut add = |g: &str, a: &AddrSet| {
        let e = m.entry(g.to_string()).or_default();
        *e = e.union(a);
    };
    for i in net.interfaces.values() {
        let a = i
            .private_ips
            .iter()
            .chain(&i.ipv6)
            .fold(AddrSet::empty(), |acc, ip| acc.union(&AddrSet::single(*ip)));
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
    m
}

#[cfg(test)]
mod tests {
    use super::*;

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
