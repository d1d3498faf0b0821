//! The scene: what a diagram shows, decided before any DOT is written. Nodes with their place
//! (inside a subnet, at a VPC's edge, in the SageMaker service VPC, or outside every VPC) and
//! merged edges. Building it is pure and deterministic (sorted maps everywhere), so the DOT that
//! [`super::emit`] prints from it is stable byte for byte.
//!
//! The structure comes from the model: one cluster per VPC, availability zone and subnet, and one
//! edge per subnet per route target from [`ForwardingGraph`] — never one per security-group rule
//! pair. The evidence (proven paths, blocking components) is added by [`super::evidence`].

use std::collections::{BTreeMap, BTreeSet};

use vpcreach_core::model::graph::{ForwardingGraph, Node as FwdNode};
use vpcreach_core::model::{EndpointKind, Network, ResourceState, TargetKind};
use vpcreach_core::report::NotebookReport;

use super::style::{EdgeKind, NodeKind};

/// The ID of the one node that stands for the SageMaker service network (also the component
/// name the engine uses in paths).
pub const SERVICE_NETWORK: &str = "sagemaker-service-network";
/// The ID of the internet node.
pub const INTERNET: &str = "internet";

/// Where a node is drawn.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Inside a subnet's cluster.
    Subnet(String),
    /// Inside a VPC's cluster but outside its availability zones: gateways, endpoints, settings.
    VpcEdge(String),
    /// The AWS-managed SageMaker service VPC (notebooks without a subnet, the service network).
    ServiceVpc,
    /// Outside every VPC: the internet, AWS services, shared attachments.
    Outside,
}

#[derive(Debug, Clone)]
pub struct SceneNode {
    pub kind: NodeKind,
    /// Label lines.
    pub label: Vec<String>,
    pub tooltip: String,
    pub place: Place,
    /// The resource does not exist yet (a plan, a template, `--place`): drawn dashed.
    pub planned: bool,
}

/// The identity of an edge: edges with the same key are drawn once, their items merged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EdgeKey {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    /// An evidence edge (notebook → blocking component) rather than a route or a path hop.
    pub evidence: bool,
}

#[derive(Debug, Clone, Default)]
pub struct SceneEdge {
    /// Merged label items: destinations of a route, or the checks that take a path.
    pub items: BTreeSet<String>,
    /// Evidence edges: each note (`CODE component rule`) with the checks it applies to.
    pub notes: BTreeMap<String, BTreeSet<String>>,
    /// The subnets a route edge stands for (more than one once subnets are collapsed).
    pub sources: BTreeSet<String>,
    /// Hover text (witness packets, full details).
    pub tooltips: BTreeSet<String>,
}

/// A subnet as drawn: its cluster's label and availability zone.
#[derive(Debug, Clone)]
pub struct SubnetInfo {
    pub vpc: String,
    pub az: String,
    pub label: Vec<String>,
    /// For ordering subnets in reading order (by address).
    pub sort_key: String,
}

#[derive(Debug, Clone, Default)]
pub struct Scene {
    pub title: String,
    /// Drawn VPCs in ID order, with their cluster labels.
    pub vpcs: BTreeMap<String, Vec<String>>,
    pub subnets: BTreeMap<String, SubnetInfo>,
    pub nodes: BTreeMap<String, SceneNode>,
    pub edges: BTreeMap<EdgeKey, SceneEdge>,
    /// Per VPC, the subnets folded into its collapsed node.
    pub collapsed: BTreeMap<String, Vec<String>>,
    /// What the legend calls the sources drawn (notebooks, or sources of several kinds).
    pub nouns: crate::table::Nouns,
}

impl Scene {
    /// Add a node unless one with this ID exists (the first description wins).
    pub fn node(&mut self, id: &str, kind: NodeKind, label: Vec<String>, place: Place) {
        self.nodes.entry(id.to_string()).or_insert(SceneNode {
            kind,
            tooltip: label.join(" "),
            label,
            place,
            planned: false,
        });
    }

    /// Add (or merge into) an edge.
    pub fn edge(&mut self, key: EdgeKey) -> &mut SceneEdge {
        self.edges.entry(key).or_default()
    }

    /// Node count, the measure of a diagram's size for collapsing.
    pub fn size(&self) -> usize {
        self.nodes.len()
    }
}

/// Mark what a plan adds: nodes, subnets and VPCs whose resource is in `net.planned` get a
/// `planned: ADDRESS` line (nodes are also drawn dashed), so a reviewer sees at a glance what
/// does not exist yet.
pub fn mark_planned(scene: &mut Scene, net: &Network) {
    if net.planned.is_empty() {
        return;
    }
    let line = |id: &str| {
        net.planned
            .get(id)
            .map(|p| format!("planned: {}", p.address))
    };
    for (id, node) in &mut scene.nodes {
        // Notebooks are `notebook/NAME`; an endpoint's interface is `vpce-…@subnet-…`.
        let key = id
            .strip_prefix("notebook/")
            .unwrap_or_else(|| id.split('@').next().unwrap_or(id));
        if let Some(l) = line(key) {
            node.planned = true;
            node.tooltip = format!("{} ({l})", node.tooltip);
            node.label.push(l);
        }
    }
    for (id, info) in &mut scene.subnets {
        if let Some(l) = line(id) {
            info.label.push(l);
        }
    }
    for (id, label) in &mut scene.vpcs {
        if let Some(l) = line(id) {
            label.push(l);
        }
    }
}

/// The short name of a service (`com.amazonaws.us-east-1.s3` → `s3`).
pub fn short_service(full: &str) -> &str {
    full.strip_prefix("com.amazonaws.")
        .and_then(|rest| rest.split_once('.').map(|(_, svc)| svc))
        .unwrap_or(full)
}

/// The node ID of a notebook.
pub fn notebook_id(name: &str) -> String {
    format!("notebook/{name}")
}

/// The node ID of an interface endpoint's network interface in one subnet.
pub fn eni_id(endpoint: &str, subnet: &str) -> String {
    format!("{endpoint}@{subnet}")
}

fn with_name(id: &str, name: Option<&str>) -> String {
    match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("{id} ({n})"),
        None => id.to_string(),
    }
}

/// What a target kind is called in a node label.
fn target_word(k: TargetKind) -> &'static str {
    match k {
        TargetKind::InternetGateway => "internet gateway",
        TargetKind::EgressOnlyInternetGateway => "egress-only internet gateway",
        TargetKind::NatGateway => "NAT gateway",
        TargetKind::GatewayEndpoint => "gateway endpoint",
        TargetKind::TransitGateway => "transit gateway",
        TargetKind::VpcPeering => "VPC peering",
        TargetKind::VirtualPrivateGateway => "virtual private gateway",
        TargetKind::NetworkInterface => "network interface",
        TargetKind::Instance => "instance",
        TargetKind::GatewayLoadBalancerEndpoint => "GWLB endpoint",
        TargetKind::LocalGateway => "local gateway",
        TargetKind::CarrierGateway => "carrier gateway",
        TargetKind::CoreNetwork => "core network",
        TargetKind::VpcEndpoint => "VPC endpoint",
        TargetKind::Local | TargetKind::Other => "route target",
    }
}

/// Add the node for a route target `id` of kind `k`, as seen from `vpc`.
pub fn add_target(scene: &mut Scene, net: &Network, k: TargetKind, id: &str, place: Place) {
    let (kind, label) = match k {
        TargetKind::InternetGateway => match net.internet_gateways.get(id) {
            Some(g) => (
                NodeKind::InternetGateway,
                vec!["internet gateway".into(), with_name(id, g.name.as_deref())],
            ),
            None => missing(k, id),
        },
        TargetKind::EgressOnlyInternetGateway => match net.egress_only_gateways.get(id) {
            Some(g) => (
                NodeKind::EgressOnlyGateway,
                vec![
                    "egress-only internet gateway".into(),
                    with_name(id, g.name.as_deref()),
                ],
            ),
            None => missing(k, id),
        },
        TargetKind::NatGateway => match net.nat_gateways.get(id) {
            Some(n) => {
                let mut l = vec![
                    if n.public {
                        "NAT gateway".to_string()
                    } else {
                        "private NAT gateway".to_string()
                    },
                    with_name(id, n.name.as_deref()),
                ];
                if let Some(s) = &n.subnet_id {
                    l.push(format!("in {s}"));
                }
                if n.state != ResourceState::Available {
                    l.push(format!("state: {}", n.state));
                }
                (NodeKind::NatGateway, l)
            }
            None => missing(k, id),
        },
        TargetKind::GatewayEndpoint | TargetKind::VpcEndpoint => match net.endpoints.get(id) {
            Some(e) if e.kind == EndpointKind::Gateway => {
                let mut l = vec![
                    format!("gateway endpoint: {}", short_service(&e.service)),
                    with_name(id, e.name.as_deref()),
                ];
                if e.state != ResourceState::Available {
                    l.push(format!("state: {}", e.state));
                }
                (NodeKind::GatewayEndpoint, l)
            }
            Some(e) => (
                NodeKind::OutOfScope,
                vec![
                    format!("endpoint: {}", short_service(&e.service)),
                    with_name(id, e.name.as_deref()),
                ],
            ),
            None => missing(k, id),
        },
        k if k.leaves_scope() => {
            let name = match k {
                TargetKind::TransitGateway => net.transit_gateways.get(id),
                TargetKind::VpcPeering => net.peering_connections.get(id),
                _ => None,
            };
            (
                NodeKind::OutOfScope,
                vec![
                    target_word(k).to_string(),
                    with_name(id, name.map(String::as_str)),
                    "(not followed)".into(),
                ],
            )
        }
        _ => missing(k, id),
    };
    scene.node(id, kind, label, place);
}

fn missing(k: TargetKind, id: &str) -> (NodeKind, Vec<String>) {
    (
        NodeKind::Missing,
        vec![
            target_word(k).to_string(),
            id.to_string(),
            "(not in the snapshot)".into(),
        ],
    )
}

/// Which VPCs, notebooks and checks a diagram shows (already validated).
pub struct Chosen<'a> {
    pub vpcs: Vec<String>,
    pub notebooks: Vec<&'a NotebookReport>,
    pub checks: Vec<String>,
    /// Draw notebooks without a subnet (the SageMaker service VPC).
    pub service_vpc: bool,
}

/// The structure: VPC, AZ and subnet clusters, notebooks, endpoint interfaces, gateways, routes,
/// the internet and one node per service checked.
pub fn structure(net: &Network, chosen: &Chosen) -> Scene {
    let mut scene = Scene::default();
    if chosen.checks.iter().any(|c| c == "internet") {
        scene.node(
            INTERNET,
            NodeKind::Internet,
            vec!["Internet".into()],
            Place::Outside,
        );
    }
    for c in chosen.checks.iter().filter(|c| *c != "internet") {
        let full = net.service_name(c);
        scene.node(
            &full,
            NodeKind::Service,
            vec![format!("AWS {}", short_service(&full)), full.clone()],
            Place::Outside,
        );
    }
    let graph = ForwardingGraph::build(net);
    // Route targets used by more than one drawn VPC (a shared transit gateway) sit outside them.
    let mut target_vpcs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in graph.graph.edge_indices() {
        let (a, b) = graph.graph.edge_endpoints(e).expect("edge");
        if let (FwdNode::Subnet(s), FwdNode::Target(_, t)) = (&graph.graph[a], &graph.graph[b])
            && let Some(sub) = net.subnets.get(s)
            && chosen.vpcs.contains(&sub.vpc_id)
        {
            target_vpcs
                .entry(t.clone())
                .or_default()
                .insert(sub.vpc_id.clone());
        }
    }
    for vpc_id in &chosen.vpcs {
        let Some(vpc) = net.vpcs.get(vpc_id) else {
            continue;
        };
        let cidrs: Vec<String> = vpc.cidrs.iter().map(|c| c.to_string()).collect();
        scene.vpcs.insert(
            vpc_id.clone(),
            vec![
                format!("VPC {}", with_name(vpc_id, vpc.name.as_deref())),
                cidrs.join(", "),
            ],
        );
        for s in net.vpc_subnets(vpc_id) {
            let cidr = s
                .cidrs
                .iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let sort_key = s
                .cidrs
                .first()
                .map(|c| match c {
                    ipnet::IpNet::V4(n) => format!("4-{:010}", u32::from(n.network())),
                    ipnet::IpNet::V6(n) => format!("6-{:039}", u128::from(n.network())),
                })
                .unwrap_or_default();
            scene.subnets.insert(
                s.id.clone(),
                SubnetInfo {
                    vpc: vpc_id.clone(),
                    az: s
                        .availability_zone
                        .clone()
                        .unwrap_or_else(|| "unknown AZ".into()),
                    label: vec![with_name(&s.id, s.name.as_deref()), cidr],
                    sort_key: format!("{sort_key}-{}", s.id),
                },
            );
            let mut label = vec![format!(
                "routes: {}",
                s.route_table.as_deref().unwrap_or("(none)")
            )];
            label.push(format!("ACL: {}", s.acl.as_deref().unwrap_or("(none)")));
            scene.node(&s.id, NodeKind::Subnet, label, Place::Subnet(s.id.clone()));
        }
        for ep_id in &vpc.interface_endpoints {
            let Some(ep) = net.endpoints.get(ep_id) else {
                continue;
            };
            for s in &ep.subnets {
                if !scene.subnets.contains_key(s) {
                    continue;
                }
                let mut label = vec![
                    format!("{} endpoint", short_service(&ep.service)),
                    ep.id.clone(),
                ];
                if ep.state != ResourceState::Available {
                    label.push(format!("state: {}", ep.state));
                }
                if !ep.private_dns {
                    label.push("private DNS off".into());
                }
                scene.node(
                    &eni_id(&ep.id, s),
                    NodeKind::InterfaceEndpoint,
                    label,
                    Place::Subnet(s.clone()),
                );
            }
        }
        let edge = Place::VpcEdge(vpc_id.clone());
        for g in net.internet_gateways.values() {
            if g.attachments.iter().any(|(v, _)| v == vpc_id) {
                add_target(
                    &mut scene,
                    net,
                    TargetKind::InternetGateway,
                    &g.id,
                    edge.clone(),
                );
            }
        }
        for g in net.egress_only_gateways.values() {
            if g.attachments.iter().any(|(v, _)| v == vpc_id) {
                add_target(
                    &mut scene,
                    net,
                    TargetKind::EgressOnlyInternetGateway,
                    &g.id,
                    edge.clone(),
                );
            }
        }
        for n in net.nat_gateways.values() {
            if n.vpc_id.as_deref() == Some(vpc_id) {
                add_target(&mut scene, net, TargetKind::NatGateway, &n.id, edge.clone());
            }
        }
        for e in net.endpoints.values() {
            if e.kind == EndpointKind::Gateway && e.vpc_id.as_deref() == Some(vpc_id) {
                add_target(
                    &mut scene,
                    net,
                    TargetKind::GatewayEndpoint,
                    &e.id,
                    edge.clone(),
                );
            }
        }
    }
    // One edge per subnet per route target, labelled with the destinations.
    for e in graph.graph.edge_indices() {
        let (a, b) = graph.graph.edge_endpoints(e).expect("edge");
        match (&graph.graph[a], &graph.graph[b]) {
            (FwdNode::Subnet(s), FwdNode::Target(k, t)) => {
                let Some(info) = scene.subnets.get(s) else {
                    continue;
                };
                let place = if target_vpcs.get(t).is_some_and(|v| v.len() > 1) {
                    Place::Outside
                } else {
                    Place::VpcEdge(info.vpc.clone())
                };
                add_target(&mut scene, net, *k, t, place);
                let edge = scene.edge(EdgeKey {
                    from: s.clone(),
                    to: t.clone(),
                    kind: EdgeKind::Route,
                    evidence: false,
                });
                edge.items
                    .extend(graph.graph[e].destinations.iter().map(|d| {
                        match net.prefix_lists.get(d).and_then(|p| p.name.as_deref()) {
                            Some(n) => format!("{d} ({})", short_service(n)),
                            None => d.clone(),
                        }
                    }));
                edge.sources.insert(s.clone());
            }
            (FwdNode::Target(TargetKind::NatGateway, n), FwdNode::Subnet(s))
                if scene.subnets.contains_key(s) && scene.nodes.contains_key(n) =>
            {
                let edge = scene.edge(EdgeKey {
                    from: n.clone(),
                    to: s.clone(),
                    kind: EdgeKind::Route,
                    evidence: false,
                });
                edge.items.insert("routed in its own subnet".into());
                edge.sources.insert(s.clone());
            }
            _ => {}
        }
    }
    // Gateways lead out: internet gateways to the internet, gateway endpoints to their service.
    let outs: Vec<(String, String)> = scene
        .nodes
        .iter()
        .filter_map(|(id, n)| match n.kind {
            NodeKind::InternetGateway | NodeKind::EgressOnlyGateway
                if scene.nodes.contains_key(INTERNET) =>
            {
                Some((id.clone(), INTERNET.to_string()))
            }
            NodeKind::GatewayEndpoint => net
                .endpoints
                .get(id)
                .filter(|e| scene.nodes.contains_key(&e.service))
                .map(|e| (id.clone(), e.service.clone())),
            _ => None,
        })
        .collect();
    for (from, to) in outs {
        scene.edge(EdgeKey {
            from,
            to,
            kind: EdgeKind::Route,
            evidence: false,
        });
    }
    let nouns = crate::table::Nouns::of_kinds(chosen.notebooks.iter().map(|n| n.kind));
    for nb in &chosen.notebooks {
        let place = match (&nb.subnet_id, &nb.vpc_id) {
            (Some(s), Some(_)) if scene.subnets.contains_key(s) => Place::Subnet(s.clone()),
            (None, _) => Place::ServiceVpc,
            _ => Place::Outside,
        };
        let mut label = vec![nb.name.clone()];
        // The kind of source: notebooks as before, other sources (and notebook instances beside
        // them) named for what they are.
        let what = nouns.kind(nb.kind).unwrap_or("notebook");
        label.push(if nb.compliant {
            format!("{what}: compliant")
        } else {
            format!("{what}: NOT compliant")
        });
        if !nb.security_group_ids.is_empty() {
            label.push(nb.security_group_ids.join(", "));
        }
        let kind = if nb.compliant {
            NodeKind::NotebookCompliant
        } else {
            NodeKind::NotebookFailing
        };
        scene.node(&notebook_id(&nb.name), kind, label, place);
    }
    if chosen.service_vpc && chosen.notebooks.iter().any(|n| n.subnet_id.is_none()) {
        add_service_network(&mut scene);
    }
    scene
}

/// The SageMaker service network node.
pub fn add_service_network(scene: &mut Scene) {
    scene.node(
        SERVICE_NETWORK,
        NodeKind::ServiceNetwork,
        vec![
            "SageMaker service network".into(),
            "(AWS-managed, direct internet access)".into(),
        ],
        Place::ServiceVpc,
    );
}

/// Fold subnets that hold no notebook and no evidence into one node per VPC.
pub fn collapse(scene: &mut Scene) {
    let mut pinned: BTreeSet<String> = BTreeSet::new();
    for n in scene.nodes.values() {
        if let Place::Subnet(s) = &n.place
            && matches!(
                n.kind,
                NodeKind::NotebookCompliant | NodeKind::NotebookFailing | NodeKind::SecurityGroups
            )
        {
            pinned.insert(s.clone());
        }
    }
    for k in scene.edges.keys() {
        if k.kind == EdgeKind::Route {
            continue;
        }
        for end in [&k.from, &k.to] {
            if let Some(Place::Subnet(s)) = scene.nodes.get(end).map(|n| &n.place) {
                pinned.insert(s.clone());
            }
        }
    }
    let fold: BTreeSet<String> = scene
        .subnets
        .keys()
        .filter(|s| !pinned.contains(*s))
        .cloned()
        .collect();
    if fold.is_empty() {
        return;
    }
    // Node ID → the collapsed node that replaces it.
    let mut replaced: BTreeMap<String, String> = BTreeMap::new();
    for (id, n) in &scene.nodes {
        if let Place::Subnet(s) = &n.place
            && fold.contains(s)
        {
            let vpc = &scene.subnets[s].vpc;
            replaced.insert(id.clone(), format!("{vpc}/collapsed"));
        }
    }
    for s in &fold {
        let vpc = scene.subnets[s].vpc.clone();
        scene.collapsed.entry(vpc).or_default().push(s.clone());
    }
    scene.nodes.retain(|id, _| !replaced.contains_key(id));
    let edges = std::mem::take(&mut scene.edges);
    for (mut k, e) in edges {
        let from = replaced.get(&k.from).cloned();
        let to = replaced.get(&k.to).cloned();
        if from.is_none() && to.is_none() {
            scene.edges.insert(k, e);
            continue;
        }
        k.from = from.unwrap_or(k.from);
        k.to = to.unwrap_or(k.to);
        let merged = scene.edges.entry(k).or_default();
        merged.items.extend(e.items);
        for (note, checks) in e.notes {
            merged.notes.entry(note).or_default().extend(checks);
        }
        merged.sources.extend(e.sources);
        merged.tooltips.extend(e.tooltips);
    }
    for s in &fold {
        scene.subnets.remove(s);
    }
    let collapsed = scene.collapsed.clone();
    for (vpc, subnets) in collapsed {
        scene.node(
            &format!("{vpc}/collapsed"),
            NodeKind::Collapsed,
            vec![
                format!("{} more subnets", subnets.len()),
                "no notebook, no proven path".into(),
                "(--full draws them)".into(),
            ],
            Place::VpcEdge(vpc.clone()),
        );
        if let Some(n) = scene.nodes.get_mut(&format!("{vpc}/collapsed")) {
            n.tooltip = format!("collapsed: {}", subnets.join(", "));
        }
    }
}

/// The ID of the node that stands for the AWS services no edge reaches.
pub const UNUSED_SERVICES: &str = "aws-services-not-used";

/// Fold the service nodes that no edge of the diagram touches into one node, "AWS services (not
/// used): s3, sts, …", so checked-but-unreached services do not line the diagram's edge.
pub fn fold_unused_services(scene: &mut Scene) {
    let touched: BTreeSet<&String> = scene.edges.keys().flat_map(|k| [&k.from, &k.to]).collect();
    let unused: Vec<String> = scene
        .nodes
        .iter()
        .filter(|(id, n)| n.kind == NodeKind::Service && !touched.contains(id))
        .map(|(id, _)| id.clone())
        .collect();
    if unused.is_empty() {
        return;
    }
    for id in &unused {
        scene.nodes.remove(id);
    }
    let names: Vec<&str> = unused.iter().map(|s| short_service(s)).collect();
    let mut label = vec!["AWS services (not used):".to_string()];
    // Four names a line keeps the node about as wide as a service node.
    for chunk in names.chunks(4) {
        label.push(chunk.join(", "));
    }
    scene.node(
        UNUSED_SERVICES,
        NodeKind::UnusedServices,
        label,
        Place::Outside,
    );
    if let Some(n) = scene.nodes.get_mut(UNUSED_SERVICES) {
        n.tooltip = format!(
            "checked, but no path, block or route of this diagram reaches them: {}",
            unused.join(", ")
        );
    }
}

/// The per-notebook view, after [`collapse`]: the routes of (and into) the folded subnets are
/// dropped, and
/// with them the gateways and endpoints only those routes led to, so what is left is the
/// notebook's subnet, the components on its paths and blocks, and its subnet's own routes.
pub fn focus(scene: &mut Scene) {
    let folded: BTreeSet<String> = scene
        .collapsed
        .keys()
        .map(|vpc| format!("{vpc}/collapsed"))
        .collect();
    scene.edges.retain(|k, _| {
        !(k.kind == EdgeKind::Route && (folded.contains(&k.from) || folded.contains(&k.to)))
    });
    loop {
        let touched: BTreeSet<String> = scene
            .edges
            .keys()
            .flat_map(|k| [k.from.clone(), k.to.clone()])
            .collect();
        let idle: Vec<String> = scene
            .nodes
            .iter()
            .filter(|(id, n)| {
                !touched.contains(*id)
                    && matches!(
                        n.kind,
                        NodeKind::InternetGateway
                            | NodeKind::EgressOnlyGateway
                            | NodeKind::NatGateway
                            | NodeKind::GatewayEndpoint
                            | NodeKind::OutOfScope
                            | NodeKind::Missing
                    )
            })
            .map(|(id, _)| id.clone())
            .collect();
        // A gateway that only leads on (IGW → internet) is idle too once nothing leads to it.
        let dead_ends: Vec<EdgeKey> = scene
            .edges
            .keys()
            .filter(|k| {
                k.kind == EdgeKind::Route
                    && scene.nodes.get(&k.from).is_some_and(|n| {
                        matches!(
                            n.kind,
                            NodeKind::InternetGateway
                                | NodeKind::EgressOnlyGateway
                                | NodeKind::GatewayEndpoint
                        )
                    })
                    && !scene.edges.keys().any(|o| o.to == k.from)
            })
            .cloned()
            .collect();
        if idle.is_empty() && dead_ends.is_empty() {
            break;
        }
        for id in idle {
            scene.nodes.remove(&id);
        }
        for k in dead_ends {
            scene.edges.remove(&k);
        }
    }
}
