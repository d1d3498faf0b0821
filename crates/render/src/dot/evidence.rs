//! The evidence drawn into a scene: each check's proven path hop by hop (coloured and styled by
//! kind: private, internet, unknown), and for each blocking component (`blocked_by`) or reason a
//! verdict is unknown (`unknown_because`) an edge from the notebook that ends at that component,
//! labelled with the code, the component and the rule.
//!
//! Renderers only format: the hops, blocks and their components come from the report as the
//! engine produced them. This module only decides which node stands for which component.

use std::collections::BTreeSet;
use std::net::IpAddr;

use vpcreach_core::analysis::evidence::{Cause, Component, RuleRef, Step};
use vpcreach_core::analysis::{Block, Status};
use vpcreach_core::model::{EndpointKind, Network, TargetKind};
use vpcreach_core::report::{CheckReport, NotebookReport};

use super::fix;
use super::scene::{
    EdgeKey, INTERNET, Place, SERVICE_NETWORK, Scene, add_service_network, add_target, eni_id,
    notebook_id, short_service,
};
use super::style::{EdgeKind, NodeKind};
use crate::words;

/// The kind of a path of a verdict.
fn path_kind(c: &CheckReport) -> EdgeKind {
    match c.verdict.status {
        Status::Unknown => EdgeKind::Unknown,
        _ if c.verdict.private => EdgeKind::Private,
        _ => EdgeKind::Internet,
    }
}

/// Whether a hop hands the packets to their destination (as opposed to leaving the model).
fn delivers(step: &Step) -> bool {
    matches!(
        step,
        Step::ToInternet
            | Step::GatewayEndpoint { .. }
            | Step::InterfaceEndpoint { .. }
            | Step::ServiceNetwork(_)
    )
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
    let mut delivered = false;
    let edge_place = || {
        nb.vpc_id
            .clone()
            .map(Place::VpcEdge)
            .unwrap_or(Place::Outside)
    };
    for h in &v.path {
        let node = match &h.at {
            Component::RouteTable(_) => {
                match subnet.as_ref().filter(|s| scene.nodes.contains_key(*s)) {
                    Some(s) => s.clone(),
                    None => continue,
                }
            }
            Component::InterfaceEndpoint(id) => {
                match endpoint_subnet(net, id, witness)
                    .map(|s| eni_id(id, &s))
                    .filter(|n| scene.nodes.contains_key(n))
                {
                    Some(n) => n,
                    None => {
                        scene.node(
                            id,
                            NodeKind::InterfaceEndpoint,
                            vec!["interface endpoint".into(), id.clone()],
                            edge_place(),
                        );
                        id.clone()
                    }
                }
            }
            Component::ServiceNetwork => {
                add_service_network(scene);
                SERVICE_NETWORK.to_string()
            }
            Component::NatGateway(id)
            | Component::GatewayEndpoint(id)
            | Component::Target(_, id) => {
                let k = match &h.at {
                    Component::NatGateway(_) => TargetKind::NatGateway,
                    Component::GatewayEndpoint(_) => TargetKind::GatewayEndpoint,
                    Component::Target(k, _) => *k,
                    _ => unreachable!("matched above"),
                };
                if !scene.nodes.contains_key(id) {
                    add_target(scene, net, k, id, edge_place());
                }
                if k == TargetKind::NatGateway {
                    subnet = net.nat_gateways.get(id).and_then(|n| n.subnet_id.clone());
                }
                if !scene.nodes.contains_key(id) {
                    continue;
                }
                id.clone()
            }
            // Security groups and ACLs filter within a hop; the rest is not drawn as a node.
            _ => continue,
        };
        if nodes.last() != Some(&node) {
            nodes.push(node);
        }
        if delivers(&h.step) {
            // What follows is the reply's way back (ACLs, route lookups), not drawn as a path.
            delivered = true;
            break;
        }
    }
    if delivered {
        let dest = destination(net, &c.name);
        if scene.nodes.contains_key(&dest) {
            nodes.push(dest);
        }
    }
    let kind = path_kind(c);
    let tip = match &v.witness {
        Some(w) => format!(
            "{}: {} {}{} {} {}",
            c.name,
            v.status.as_str(),
            if v.private { "privately " } else { "" },
            v.via
                .map(|x| format!("via {}", x.as_str()))
                .unwrap_or_default(),
            w.protocol,
            std::net::SocketAddr::new(w.destination, w.port)
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

/// The label note of a block: the code, the component unless the node already shows it (the
/// node is the component, or the groups of the endpoint that block), and the ACL entry that
/// decided (or the implicit deny).
fn note(b: &Block, node: &str) -> String {
    let mut s = b.code.as_str().to_string();
    let component = b.component();
    if node != component && !node.starts_with("endpoint-sg/") {
        s.push(' ');
        s.push_str(&component);
    }
    match b.rule() {
        Some(RuleRef::AclEntry { entry: Some(_), .. }) => {
            s.push(' ');
            s.push_str(&words::rule_label(b.rule().expect("matched")));
        }
        Some(RuleRef::AclEntry { entry: None, .. }) => s.push_str(" (implicit deny)"),
        _ => {}
    }
    s
}

/// The node standing for a blocking component, created when the diagram has none yet.
fn locate(scene: &mut Scene, net: &Network, nb: &NotebookReport, at: &Component) -> String {
    let component = &at.id();
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
    if matches!(at, Component::Notebook(n) if *n == nb.name) {
        return notebook_id(&nb.name);
    }
    if let Component::SecurityGroups(_) = at {
        let id = format!("sg/{}", nb.name);
        let place = match &nb.subnet_id {
            Some(s) if scene.subnets.contains_key(s) => Place::Subnet(s.clone()),
            _ => edge_place,
        };
        scene.node(
            &id,
            NodeKind::SecurityGroups,
            vec!["security groups".into(), component.clone()],
            place,
        );
        return id;
    }
    if let Component::RouteTable(id) = at
        && let Some(s) = subnet_with(scene, &|s| s.route_table.as_deref() == Some(id.as_str()))
    {
        return s;
    }
    if let Component::NetworkAcl(id) = at
        && let Some(s) = subnet_with(scene, &|s| s.acl.as_deref() == Some(id.as_str()))
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

/// The node a block's edge ends at: the resource whose configuration must change
/// ([`Block::resource_to_change`], as JSON's `resource_to_change`). That is the blocking
/// component itself, except for an interface endpoint whose security groups refuse the notebook:
/// the edge ends at those groups, drawn beside the endpoint's interface.
fn target(scene: &mut Scene, net: &Network, nb: &NotebookReport, b: &Block) -> String {
    let at = locate(scene, net, nb, &b.at);
    match (&b.cause, b.resource_to_change()) {
        (Cause::SgIngressDenied { endpoint, .. }, Some(groups)) => {
            // One node per set of groups: endpoints often share theirs.
            let id = format!("endpoint-sg/{groups}");
            let place = scene
                .nodes
                .get(&at)
                .map(|n| n.place.clone())
                .unwrap_or(Place::Outside);
            let service = net
                .endpoints
                .get(endpoint)
                .map(|e| short_service(&e.service).to_string())
                .unwrap_or_else(|| endpoint.clone());
            scene.node(
                &id,
                NodeKind::SecurityGroups,
                vec!["endpoint security groups".into(), groups, String::new()],
                place,
            );
            if let Some(n) = scene.nodes.get_mut(&id) {
                let mut of: BTreeSet<String> = n.label[2]
                    .strip_prefix("of the endpoints: ")
                    .map(|l| l.split(", ").map(String::from).collect())
                    .unwrap_or_default();
                of.insert(service);
                n.label[2] = format!(
                    "of the endpoints: {}",
                    of.into_iter().collect::<Vec<_>>().join(", ")
                );
                n.tooltip = n.label.join(" ");
            }
            id
        }
        _ => at,
    }
}

fn add_block(
    scene: &mut Scene,
    net: &Network,
    nb: &NotebookReport,
    c: &CheckReport,
    b: &Block,
    kind: EdgeKind,
) {
    let to = target(scene, net, nb, b);
    let mut text = note(b, &to);
    // A fix only where the verdict fails the profile: a block that keeps a notebook off the
    // internet is the point, not a fault.
    if kind == EdgeKind::Blocked && !c.passes {
        let table = nb
            .subnet_id
            .as_ref()
            .and_then(|s| net.subnets.get(s))
            .and_then(|s| s.route_table.as_deref());
        if let Some(h) = fix::hint(b, net, &c.name, nb.vpc_id.as_deref(), table) {
            text.push_str("\nfix: ");
            text.push_str(&h);
        }
    }
    let e = scene.edge(EdgeKey {
        from: notebook_id(&nb.name),
        to,
        kind,
        evidence: true,
    });
    e.notes.entry(text).or_default().insert(c.name.clone());
    e.tooltips
        .insert(format!("{}: {} {}", c.name, b.code, words::block_detail(b)));
}
