//! The forwarding graph of a [`Network`] (petgraph): one node per subnet and per route target, one
//! edge per subnet per route target (labelled with the destinations), and an edge from each NAT
//! gateway into its own subnet, where its translated traffic is routed again.
//!
//! The analysis walks the model itself (it needs packet sets per route); this graph answers
//! topology questions — routing loops through NAT gateways, and (for diagrams) which forwarding
//! relations exist — without duplicating route semantics.

use std::collections::BTreeMap;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use super::{Diagnostic, Network, RouteState, Severity, TargetKind};

/// A node: a subnet or a route target (`kind`, `id`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Node {
    Subnet(String),
    Target(TargetKind, String),
}

/// Destinations (CIDRs or prefix lists) a subnet sends to one target.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edge {
    pub destinations: Vec<String>,
}

pub struct ForwardingGraph {
    pub graph: DiGraph<Node, Edge>,
    pub index: BTreeMap<Node, NodeIndex>,
}

impl ForwardingGraph {
    /// Build the graph; deterministic (subnets and routes in ID / table order).
    pub fn build(net: &Network) -> ForwardingGraph {
        let mut g = ForwardingGraph {
            graph: DiGraph::new(),
            index: BTreeMap::new(),
        };
        for s in net.subnets.values() {
            let from = g.node(Node::Subnet(s.id.clone()));
            let Some(rt) = s.route_table.as_ref().and_then(|r| net.route_tables.get(r)) else {
                continue;
            };
            for r in &rt.routes {
                if r.state != RouteState::Active || r.target.kind == TargetKind::Local {
                    continue;
                }
                let to = g.node(Node::Target(r.target.kind, r.target.id.clone()));
                let dest = r.dest.to_string();
                match g.graph.find_edge(from, to) {
                    Some(e) => g.graph[e].destinations.push(dest),
                    None => {
                        g.graph.add_edge(
                            from,
                            to,
                            Edge {
                                destinations: vec![dest],
                            },
                        );
                    }
                }
            }
        }
        for n in net.nat_gateways.values() {
            if let Some(s) = n
                .subnet_id
                .as_ref()
                .filter(|s| net.subnets.contains_key(*s))
            {
                let from = g.node(Node::Target(TargetKind::NatGateway, n.id.clone()));
                let to = g.node(Node::Subnet(s.clone()));
                g.graph.add_edge(from, to, Edge::default());
            }
        }
        g
    }

    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    /// Routing loops: strongly connected components with more than one node (subnet → NAT →
    /// subnet → …). Traffic entering one circles until its TTL runs out.
    pub fn loops(&self) -> Vec<Vec<Node>> {
        let mut out: Vec<Vec<Node>> = tarjan_scc(&self.graph)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                let mut v: Vec<Node> = c.into_iter().map(|i| self.graph[i].clone()).collect();
                v.sort();
                v
            })
            .collect();
        out.sort();
        out
    }

    /// One warning per routing loop.
    pub fn loop_diagnostics(&self) -> Vec<Diagnostic> {
        self.loops()
            .into_iter()
            .map(|c| {
                let names: Vec<String> = c
                    .iter()
                    .map(|n| match n {
                        Node::Subnet(s) => s.clone(),
                        Node::Target(_, id) => id.clone(),
                    })
                    .collect();
                Diagnostic {
                    severity: Severity::Warning,
                    code: crate::codes::Code::RoutingLoop,
                    resource: names[0].clone(),
                    message: format!("routes form a loop: {}", names.join(" → ")),
                }
            })
            .collect()
    }
}
