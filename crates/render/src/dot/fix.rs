//! What a blocked edge of a diagram says to change: the one place where a diagram's short fix
//! hints are worded. The edge itself ends at [`Block::resource_to_change`] (the same resource
//! JSON's `resource_to_change` names); the hint says what to do there, in a few words.
//!
//! Hints are short on purpose (they label an edge); the full sentence of the block is in the
//! edge's tooltip, and proven fixes with their commands are `vpcreach analyze --fixes`.

use vpcreach_core::analysis::Block;
use vpcreach_core::analysis::evidence::{Cause, RuleRef};
use vpcreach_core::model::{EndpointKind, Network};

use super::scene::short_service;
use crate::words;

/// The short fix hint of a block, or `None` when no single setting explains it (missing data,
/// what the model does not follow, an inherent limit such as a gateway endpoint carrying TCP
/// only). `vpc` and `route_table` are the notebook's, for the gateway-endpoint hint.
pub fn hint(
    b: &Block,
    net: &Network,
    check: &str,
    vpc: Option<&str>,
    route_table: Option<&str>,
) -> Option<String> {
    b.resource_to_change()?;
    let h = match &b.cause {
        Cause::SgEgressDenied { .. } => {
            "add an egress rule (tcp 443) to the notebook's groups".into()
        }
        Cause::SgIngressDenied { groups, .. } => {
            format!(
                "add tcp 443 ingress from the notebook to {}",
                groups.join(", ")
            )
        }
        Cause::AclDenied {
            direction, rule, ..
        } => match rule {
            RuleRef::AclEntry { entry: Some(e), .. } if e.rule_number < 32767 => format!(
                "add an {} allow entry numbered below {}",
                words::dir_word(*direction),
                e.rule_number
            ),
            _ => format!("add an {} allow entry", words::dir_word(*direction)),
        },
        Cause::AclReplyDenied {
            direction,
            nat_ports,
            ..
        } => {
            let ports = if *nat_ports {
                "tcp 1024-65535"
            } else {
                "the ephemeral ports"
            };
            format!(
                "allow {} {ports} for the replies",
                words::dir_word(*direction)
            )
        }
        Cause::NoRoute { .. } => return no_route(net, check, vpc, route_table),
        Cause::StaysLocal {
            service: Some(s), ..
        } => format!("create an interface endpoint for {}", short_service(s)),
        Cause::StaysLocal { .. } => "the destination is inside the VPC".into(),
        Cause::RouteNotActive { .. } => "replace the inactive (blackhole) route".into(),
        Cause::NotAvailable { state } => format!("recreate it (state: {state})"),
        Cause::NotAttached { vpc } => format!("attach it to {vpc}"),
        Cause::NoPublicIpv4 { .. } => "route through a NAT gateway (no public IPv4)".into(),
        Cause::NoIpv6 { .. } => "give the subnet an IPv6 route out".into(),
        Cause::Ipv6Only { .. } => "route IPv4 through a NAT gateway".into(),
        Cause::RoutingLoop => "break the routing loop".into(),
        Cause::GatewayEndpointOtherService { wanted, .. } => {
            format!("add a gateway endpoint for {}", short_service(wanted))
        }
        Cause::ReplyRoute { table, .. } => format!("route the replies back in {table}"),
        Cause::DnsDisabled { .. } | Cause::VpcDnsSupportOff { .. } => {
            "turn on enableDnsSupport".into()
        }
        Cause::VpcDnsOff { .. } => "turn on enableDnsSupport and enableDnsHostnames".into(),
        Cause::EndpointNotAvailable { state, .. } => {
            format!("recreate the endpoint (state: {state})")
        }
        Cause::PrivateDnsDisabled { .. } => "turn on private DNS".into(),
        Cause::PrivateDnsInboundOnly { .. } => {
            "turn off private DNS for inbound endpoints only".into()
        }
        Cause::RecordTypeMismatch { v6, .. } => {
            if *v6 {
                "set DnsRecordIpType to dualstack or ipv6".into()
            } else {
                "set DnsRecordIpType to dualstack or ipv4".into()
            }
        }
        Cause::CustomDns { .. } => "use AmazonProvidedDNS in the DHCP options".into(),
        _ => return None,
    };
    Some(h)
}

/// No route: associate the VPC's gateway endpoint of the service with the route table, or add
/// an endpoint (a way out, for the internet). Nothing when the VPC has an interface endpoint
/// for the service: another block of the check says why it is passed over (DNS, its state).
/// Worded without the check's name, so the notes of several checks merge into one.
fn no_route(
    net: &Network,
    check: &str,
    vpc: Option<&str>,
    route_table: Option<&str>,
) -> Option<String> {
    if check == "internet" {
        return Some("add a route to a NAT gateway".into());
    }
    let service = net.service_name(check);
    let in_vpc: Vec<_> = net
        .endpoints
        .values()
        .filter(|e| e.service == service && e.vpc_id.as_deref() == vpc)
        .collect();
    if let Some(ep) = in_vpc.iter().find(|e| e.kind == EndpointKind::Gateway) {
        let what = format!(
            "associate {} gateway endpoint {}",
            short_service(&service),
            ep.id
        );
        return Some(match route_table {
            Some(t) => format!("{what} with {t}"),
            None => what,
        });
    }
    if in_vpc.is_empty() {
        Some("add a VPC endpoint for the service".into())
    } else {
        None
    }
}
