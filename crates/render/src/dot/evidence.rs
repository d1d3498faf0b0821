//! The evidence drawn into a scene: each check's proven path hop by hop (coloured and styled by
//! kind: private, internet, unknown), and for each blocking component (`blocked_by`) or reason a
//! verdict is unknown (`unknown_because`) an edge from the notebook that ends at that component,
//! labelled with the code, the component and the rule.
//!
//! Renderers only format: the hops, blocks and their components come from the report as the
//! engine produced them. This module only decides which node stands for which component.

use std::net::IpAddr;

use vpcreach_core::analysis::{Block, Status};
use vpcreach_core::model::{EndpointKind, Network, TargetKind};
use vpcreach_core::report::{CheckReport, NotebookReport};

use super::scene::{
    EdgeKey, INTERNET, Place, SERVICE_NETWORK, Scene, add_service_network, add_target, eni_id,
    notebook_id,
};
use super::style::{EdgeKind, NodeKind};

/// The kind of a path of a verdict.
fn path_kind(c: &CheckReport) -> EdgeKind {
    match c.verdict.status {
        Status::Unknown => EdgeKind::Unknown,
        _ if c.verdict.private => EdgeKind::Private,
        _ => EdgeKind::Internet,
    }
}

/// The hop kinds that hand the packets to their destination (as opposed to leaving the model).
fn delivers(kind: &str) -> bool {
    matches!(
        kind,
        "internet-gateway"
            | "egress-only-internet-gateway"
            | "gateway-endpoint"
            | "interface-endpoint"
            | "service-network"
    )
}

fn target_kind(kind: &str) -> Option<TargetKind> {
    Some(match kind {
        "internet-gateway" => TargetKind::InternetGateway,
        "egress-only-internet-gateway" => TargetKind::EgressOnlyInternetGateway,
        "nat-gateway" => TargetKind::NatGateway,
        "gateway-endpoint" => TargetKind::GatewayEndpoint,
        "transit-gateway" => TargetKind::TransitGateway,
        "vpc-peering" => TargetKind::VpcPeering,
        "virtual-private-gateway" => TargetKind::VirtualPrivateGateway,
        "network-interface" => TargetKind::NetworkInterface,
        "instance" => TargetKind::Instance,
        "gateway-load-balancer-endpoint" => TargetKind::GatewayLoadBalancerEndpoint,
        "local-gateway" => TargetKind::LocalGateway,
        "carrier-gateway" => TargetKind::CarrierGateway,
        "core-network" => TargetKind::CoreNetwork,
        _ => return None,
    })
}

/// The subnet (of the endpoint's subnets) whose interface the witness went to.
fn endpoint_subnet(net: &Network, endpoint: &str, witness: Option<IpAddr>) -> Option<String> {
    let ep = net.endpoints.get(endpoint)?;
    if let Some(ip) = witness {
        for s in &ep.subnets {
            if net
                .subnets
                .get(s)
                .is_some_and(|sub| sub.cidrs.iter().any(|c| c.contains(&ip)))
            {
                return Some(s.clone());
            }
        }
    }
    let mut subnets = ep.subnets.clone();
    subnets.sort();
    subnets.into_iter().next()
}

/// The node a check's destination is drawn as.
fn destination(net: &Network, check: &str) -> String {
    if check == "internet" {
        INTERNET.to_string()
    } else {
        net.service_name(check)
    }
}

/// Draw every selected check of one notebook.
pub fn add_notebook(scene: &mut Scene, net: &Network, nb: &NotebookReport, checks: &[String]) {
    for c in &nb.checks.0 {
        if !checks.contains(&c.name) {
            continue;
        }
        add_path(scene, net, nb, c);
        for b in &c.verdict.blocked_by {
            add_block(scene, net, nb, c, b, EdgeKind::Blocked);
        }
        for b in &c.verdict.unknown_because {
            add_block(scene, net, nb, c, b, EdgeKind::Unknown);
        }
    }
}

fn add_path(scene: &mut Scene, net: &Network, nb: &NotebookReport, c: &CheckReport) {
    let v = &c.verdict;
    if v.path.is_empty() {
        return;
    }
    let mut nodes = vec![notebook_id(&nb.name)];
    let mut subnet = nb.subnet_id.clone();
    let witness = v.witness.as_ref().map(|w| w.destination);
    let mut last_kind = "";
    for h in &v.path {
        let node = match h.kind {
            "security-group" | "network-acl" => continue,
            "route-table" => match subnet.as_ref().filter(|s| scene.nodes.contains_key(*s)) {
                Some(s) => s.clone(),
                None => continue,
            },
            "interface-endpoint" => {
                match endpoint_subnet(net, &h.component, witness)
                    .map(|s| eni_id(&h.component, &s))
                    .filter(|id| scene.nodes.contains_key(id))
                {
                    Some(id) => id,
                    None => {
                        let place = nb
                            .vpc_id
                            .clone()
                            .map(Place::VpcEdge)
                            .unwrap_or(Place::Outside);
                        scene.node(
                            &h.component,
                            NodeKind::InterfaceEndpoint,
                            vec!["interface endpoint".into(), h.component.clone()],
                            place,
                        );
                        h.component.clone()
                    }
                }
            }
            "service-network" => {
                add_service_network(scene);
                SERVICE_NETWORK.to_string()
            }
            kind => {
                if let Some(k) = target_kind(kind) {
                    if !scene.nodes.contains_key(&h.component) {
                        let place = nb
                            .vpc_id
                            .clone()
                            .map(Place::VpcEdge)
                            .unwrap_or(Place::Outside);
                        add_target(scene, net, k, &h.component, place);
                    }
                    if k == TargetKind::NatGateway {
                        subnet = net
                            .nat_gateways
                            .get(&h.component)
                            .and_then(|n| n.subnet_id.clone());
                    }
                }
                if !scene.nodes.contains_key(&h.component) {
                    continue;
                }
                h.component.clone()
            }
        };
        last_kind = h.kind;
        if nodes.last() != Some(&node) {
            nodes.push(node);
        }
        if delivers(h.kind) {
            // What follows is the reply's way back (ACLs, route lookups), not drawn as a path.
            break;
        }
    }
    if delivers(last_kind) {
        let dest = destination(net, &c.name);
        if scene.nodes.contains_key(&dest) {
            nodes.push(dest);
        }
    }
    let kind = path_kind(c);
    let tip = match &v.witness {
        Some(w) => format!(
            "{}: {} {}{} {}:{}{}",
            c.name,
            v.status.as_str(),
            if v.private { "privately " } else { "" },
            v.via
                .map(|x| format!("via {}", x.as_str()))
                .unwrap_or_default(),
            w.protocol,
            w.destination,
            w.port
        ),
        None => format!("{}: {}", c.name, v.status.as_str()),
    };
    for (i, pair) in nodes.windows(2).enumerate() {
        let e = scene.edge(EdgeKey {
            from: pair[0].clone(),
            to: pair[1].clone(),
            kind,
            evidence: false,
        });
        // The check names label the edge out of the notebook; the rest of the path follows it.
        if i == 0 {
            e.items.insert(c.name.clone());
        }
        e.tooltips.insert(tip.clone());
    }
}

/// The rule a block's detail names (`#100 inbound`), if it names one.
pub fn rule_of(detail: &str) -> Option<String> {
    let i = detail.find("rule #")?;
    let num: String = detail[i + 5..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ':' && *c != ',')
        .collect();
    let dir = if detail[..i].contains("inbound") {
        " inbound"
    } else if detail[..i].contains("outbound") {
        " outbound"
    } else {
        ""
    };
    Some(format!("{num}{dir}"))
}

/// The label note of a block: the code, the component unless the node already is it, and the
/// rule when the detail names one (or the implicit deny).
fn note(b: &Block, node: &str) -> String {
    let mut s = b.code.as_str().to_string();
    if node != b.component {
        s.push(' ');
        s.push_str(&b.component);
    }
    if let Some(r) = rule_of(&b.detail) {
        s.push(' ');
        s.push_str(&r);
    } else if b.detail.contains("implicit deny") {
        s.push_str(" (implicit deny)");
    }
    s
}

/// The node standing for a blocking component, created when the diagram has none yet.
fn locate(scene: &mut Scene, net: &Network, nb: &NotebookReport, component: &str) -> String {
    let vpc = nb.vpc_id.clone();
    let edge_place = vpc.clone().map(Place::VpcEdge).unwrap_or(Place::Outside);
    // A subnet of the notebook's VPC whose route table / ACL is `component`: the notebook's own
    // first, then any other drawn one (NAT and endpoint subnets).
    let subnet_with = |scene: &Scene, pick: &dyn Fn(&vpcreach_core::model::Subnet) -> bool| {
        let own = nb
            .subnet_id
            .as_ref()
            .and_then(|s| net.subnets.get(s))
            .filter(|s| pick(s))
            .map(|s| s.id.clone());
        own.or_else(|| {
            scene
                .subnets
                .iter()
                .filter(|(_, i)| Some(&i.vpc) == vpc.as_ref())
                .filter_map(|(id, _)| net.subnets.get(id))
                .find(|s| pick(s))
                .map(|s| s.id.clone())
        })
        .filter(|s| scene.nodes.contains_key(s))
    };
    if component == nb.name {
        return notebook_id(&nb.name);
    }
    if component.starts_with("sg-") {
        let id = format!("sg/{}", nb.name);
        let place = match &nb.subnet_id {
            Some(s) if scene.subnets.contains_key(s) => Place::Subnet(s.clone()),
            _ => edge_place,
        };
        scene.node(
            &id,
            NodeKind::SecurityGroups,
            vec!["security groups".into(), component.to_string()],
            place,
        );
        return id;
    }
    if component.starts_with("rtb-")
        && let Some(s) = subnet_with(scene, &|s| s.route_table.as_deref() == Some(component))
    {
        return s;
    }
    if component.starts_with("acl-")
        && let Some(s) = subnet_with(scene, &|s| s.acl.as_deref() == Some(component))
    {
        return s;
    }
    if scene.nodes.contains_key(component) {
        return component.to_string();
    }
    if let Some(ep) = net.endpoints.get(component) {
        if ep.kind == EndpointKind::Interface {
            let mut subs: Vec<&String> = ep
                .subnets
                .iter()
                .filter(|s| scene.nodes.contains_key(&eni_id(&ep.id, s)))
                .collect();
            subs.sort();
            if let Some(s) = subs.first() {
                return eni_id(&ep.id, s);
            }
            scene.node(
                component,
                NodeKind::InterfaceEndpoint,
                vec!["interface endpoint".into(), component.to_string()],
                edge_place,
            );
            return component.to_string();
        }
        add_target(
            scene,
            net,
            TargetKind::GatewayEndpoint,
            component,
            edge_place,
        );
        return component.to_string();
    }
    if let Some(v) = net.vpcs.get(component) {
        let id = format!("{}/dns", v.id);
        let f = |b: Option<bool>| match b {
            Some(true) => "on",
            Some(false) => "OFF",
            None => "not in snapshot",
        };
        scene.node(
            &id,
            NodeKind::VpcSettings,
            vec![
                format!("{} DNS", v.id),
                format!("enableDnsSupport: {}", f(v.dns_support)),
                format!("enableDnsHostnames: {}", f(v.dns_hostnames)),
            ],
            Place::VpcEdge(v.id.clone()),
        );
        if !scene.vpcs.contains_key(&v.id)
            && let Some(n) = scene.nodes.get_mut(&id)
        {
            n.place = Place::Outside;
        }
        return id;
    }
    // A route target or subnet the diagram does not show, or a name (a service, a prefix list).
    let place = if net.subnets.contains_key(component) {
        edge_place
    } else {
        Place::Outside
    };
    scene.node(
        component,
        NodeKind::Missing,
        vec![component.to_string()],
        place,
    );
    component.to_string()
}

fn add_block(
    scene: &mut Scene,
    net: &Network,
    nb: &NotebookReport,
    c: &CheckReport,
    b: &Block,
    kind: EdgeKind,
) {
    let to = locate(scene, net, nb, &b.component);
    let text = note(b, &to);
    let e = scene.edge(EdgeKey {
        from: notebook_id(&nb.name),
        to,
        kind,
        evidence: true,
    });
    e.notes.entry(text).or_default().insert(c.name.clone());
    e.tooltips
        .insert(format!("{}: {} {}", c.name, b.code, b.detail));
}
