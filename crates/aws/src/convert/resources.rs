//! Conversion of the resources traffic meets or starts from: gateways, NAT gateways, prefix
//! lists, network interfaces, VPC endpoints and notebooks — and the states AWS prints for them,
//! mapped once here.

use std::collections::BTreeMap;

use vpcreach_core::codes::Code;
use vpcreach_core::model::*;

use super::{ConvertError, Diags, parse_ip, parse_net};
use crate::snapshot::{self as aws, Snapshot, name_tag};

/// Internet, egress-only and transit gateways and peering connections (named only).
pub(super) fn gateways(
    snap: &Snapshot,
    net: &mut Network,
    d: &mut Diags,
    edge_rtb: &BTreeMap<String, String>,
) {
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
    for (g, rt) in edge_rtb {
        if g.starts_with("igw-") && !net.internet_gateways.contains_key(g) {
            d.push(
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
}

/// NAT gateways, their addresses and state.
pub(super) fn nat_gateways(
    snap: &Snapshot,
    net: &mut Network,
    d: &mut Diags,
) -> Result<(), ConvertError> {
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
            _ => d.push(
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
    Ok(())
}

/// Prefix lists (entries `None` when not given).
pub(super) fn prefix_lists(snap: &Snapshot, net: &mut Network) -> Result<(), ConvertError> {
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
    Ok(())
}

/// Network interfaces and their private, public and IPv6 addresses.
pub(super) fn interfaces(snap: &Snapshot, net: &mut Network) -> Result<(), ConvertError> {
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
    Ok(())
}

/// VPC endpoints, with their DNS options.
pub(super) fn endpoints(snap: &Snapshot, net: &mut Network, d: &mut Diags) {
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
            d.push(
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
}

/// Notebooks, sorted by name; a list summary has no known placement.
pub(super) fn notebooks(snap: &Snapshot, net: &mut Network, d: &mut Diags) {
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
            d.push(
                Severity::Error,
                Code::DanglingReference,
                &n.notebook_instance_name,
                format!("the notebook's subnet {s} is not in the snapshot"),
            );
        }
        for g in &n.security_groups {
            if !net.security_groups.contains_key(g) {
                d.push(
                    Severity::Error,
                    Code::DanglingReference,
                    &n.notebook_instance_name,
                    format!("the notebook's security group {g} is not in the snapshot"),
                );
            }
        }
        if n.subnet_id.is_some() {
            match &n.network_interface_id {
                Some(e) if !net.interfaces.contains_key(e) => d.push(
                    Severity::Info,
                    Code::MissingInterface,
                    &n.notebook_instance_name,
                    format!(
                        "the notebook's network interface {e} is not in NetworkInterfaces; assuming no public IPv4 address and any address of its subnet"
                    ),
                ),
                None => d.push(
                    Severity::Info,
                    Code::MissingInterface,
                    &n.notebook_instance_name,
                    "the notebook has no NetworkInterfaceId; assuming no public IPv4 address and any address of its subnet".into(),
                ),
                _ => {}
            }
        }
        if n.is_summary() {
            d.push(
                Severity::Error,
                Code::NotebookPlacementUnknown,
                &n.notebook_instance_name,
                "only a list-notebook-instances summary describes this notebook (no subnet, security groups or direct internet access): save `aws sagemaker describe-notebook-instance` output for it; its verdicts are unknown".into(),
            );
        }
        if n.subnet_id.is_some() && n.direct_internet_access.is_none() {
            d.push(
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
            kind: SourceKind::NotebookInstance,
            studio: None,
        });
    }
    net.notebooks.sort_by(|a, b| a.name.cmp(&b.name));
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
        _ => ResourceState::Other(s.unwrap_or_default().to_ascii_lowercase()),
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

fn join<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}
