//! Scene → DOT, through graphviz-rust's typed graph model (`dot_structures`) and its printer:
//! clusters per VPC, availability zone and subnet, the VPC-edge gateways, the outside world, a
//! legend, then the edges. Every ID and label goes through [`quoted`], so names from the snapshot
//! can never break the DOT syntax.

use std::collections::{BTreeMap, BTreeSet};

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::scene::{Place, Scene, SceneEdge, SceneNode};
use super::style::{Colour, EdgeKind, NodeKind, Shape, Style};

/// Most destinations shown on one route edge; the rest are counted.
const MAX_DESTINATIONS: usize = 3;
/// Most blocking notes on one evidence edge; the rest are in its tooltip.
const MAX_NOTES: usize = 4;
const FONT: &str = "Helvetica";
/// The node ID of the legend.
pub const LEGEND: &str = "legend";
/// Entries per row of the legend's table.
const LEGEND_COLUMNS: usize = 3;

/// A quoted DOT string. Backslashes and quotes are escaped, so Graphviz's label escapes
/// (`\N`, `\l`, …) can only come from [`lines`].
fn quoted(s: &str) -> Id {
    Id::Escaped(format!(
        "\"{}\"",
        s.replace('\\', "\\\\").replace('"', "\\\"")
    ))
}

/// A multi-line label: each line escaped, joined with DOT's `\n`.
fn lines<S: AsRef<str>>(ls: &[S]) -> Id {
    let escaped: Vec<String> = ls
        .iter()
        .map(|l| l.as_ref().replace('\\', "\\\\").replace('"', "\\\""))
        .collect();
    Id::Escaped(format!("\"{}\"", escaped.join("\\n")))
}

/// Text for an HTML-like label: `&`, `<`, `>` and `"` escaped.
fn html_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An edge label on a white ground (an HTML-like label), so the lines it sits on, or crosses,
/// never run through its text.
fn boxed<S: AsRef<str>>(ls: &[S]) -> Id {
    // A line of its own for each `\n` in an item (a block's note and its fix).
    let rows: Vec<String> = ls
        .iter()
        .flat_map(|l| l.as_ref().split('\n').map(html_text).collect::<Vec<_>>())
        .collect();
    Id::Html(format!(
        "<<table border=\"0\" cellborder=\"0\" cellspacing=\"0\" cellpadding=\"1\" bgcolor=\"{}\"><tr><td>{}</td></tr></table>>",
        Colour::White.hex(),
        rows.join("<br/>")
    ))
}

fn plain(s: &str) -> Id {
    Id::Plain(s.to_string())
}

fn attr(k: &str, v: Id) -> Attribute {
    Attribute(plain(k), v)
}

fn num(v: f32) -> Id {
    plain(&format!("{v}"))
}

/// Prefix every element ID (SVG `id`) with this, so several diagrams can share one HTML page.
pub struct Emit<'a> {
    pub prefix: &'a str,
}

impl Emit<'_> {
    fn el_id(&self, id: &str) -> Attribute {
        attr("id", quoted(&format!("{}{}", self.prefix, id)))
    }

    fn node(&self, id: &str, n: &SceneNode) -> Stmt {
        let (kind, label, tooltip) = (n.kind, &n.label, &n.tooltip);
        let look = kind.look();
        let mut styles = look.styles.to_vec();
        if n.planned {
            styles.retain(|s| !matches!(s, Style::Solid | Style::Dotted));
            styles.push(Style::Dashed);
        }
        Stmt::Node(Node::new(
            NodeId(quoted(id), None),
            vec![
                self.el_id(id),
                attr("label", lines(label)),
                attr("shape", plain(look.shape.as_str())),
                attr("style", quoted(&Style::join(&styles))),
                attr("fillcolor", quoted(look.fill.hex())),
                attr("color", quoted(look.border.hex())),
                attr("tooltip", quoted(tooltip)),
            ],
        ))
    }

    fn edge(&self, n: usize, from: &str, to: &str, kind: EdgeKind, e: &SceneEdge) -> Stmt {
        let look = kind.look();
        let mut label: Vec<String> = Vec::new();
        match kind {
            EdgeKind::Route => {
                let items: Vec<&String> = e.items.iter().collect();
                for d in items.iter().take(MAX_DESTINATIONS) {
                    label.push((*d).clone());
                }
                if items.len() > MAX_DESTINATIONS {
                    label.push(format!("+{} more", items.len() - MAX_DESTINATIONS));
                }
                if e.sources.len() > 1 {
                    label.push(format!("(from {} subnets)", e.sources.len()));
                }
            }
            _ => {
                if !e.items.is_empty() {
                    label.push(e.items.iter().cloned().collect::<Vec<_>>().join(", "));
                }
                for (i, (note, checks)) in e.notes.iter().enumerate() {
                    if i == MAX_NOTES {
                        label.push(format!(
                            "+{} more (hover for all)",
                            e.notes.len() - MAX_NOTES
                        ));
                        break;
                    }
                    let checks: Vec<&str> = checks.iter().map(String::as_str).collect();
                    label.push(format!("{}: {note}", checks.join(", ")));
                }
            }
        }
        let mut attrs = vec![
            self.el_id(&format!("e{n}")),
            attr("style", quoted(&Style::join(look.styles))),
            attr("color", quoted(look.colour.hex())),
            attr("fontcolor", quoted(look.colour.hex())),
            attr("penwidth", num(look.penwidth)),
            attr("arrowhead", plain(look.arrow.as_str())),
        ];
        if kind == EdgeKind::Route {
            attrs[3] = attr("fontcolor", quoted(Colour::DarkGrey.hex()));
        }
        if !label.is_empty() {
            attrs.push(attr("label", boxed(&label)));
        }
        if !e.tooltips.is_empty() {
            let t: Vec<String> = e.tooltips.iter().cloned().collect();
            attrs.push(attr("tooltip", quoted(&t.join("; "))));
        }
        Stmt::Edge(Edge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(quoted(from), None)),
                Vertex::N(NodeId(quoted(to), None)),
            ),
            attributes: attrs,
        })
    }

    fn cluster(&self, id: &str, label: &[String], look: ClusterLook, stmts: Vec<Stmt>) -> Stmt {
        let mut all = vec![
            Stmt::Attribute(self.el_id(id)),
            Stmt::Attribute(attr("label", lines(label))),
            Stmt::Attribute(attr("style", quoted(&Style::join(look.styles)))),
            Stmt::Attribute(attr("fillcolor", quoted(look.fill.hex()))),
            Stmt::Attribute(attr("color", quoted(look.border.hex()))),
            Stmt::Attribute(attr("fontsize", num(look.fontsize))),
            Stmt::Attribute(attr("labeljust", plain("l"))),
        ];
        all.extend(stmts);
        Stmt::Subgraph(Subgraph {
            id: quoted(&format!("cluster_{id}")),
            stmts: all,
        })
    }

    fn node_stmts(&self, scene: &Scene, pick: impl Fn(&Place) -> bool) -> Vec<Stmt> {
        scene
            .nodes
            .iter()
            .filter(|(_, n)| pick(&n.place))
            .map(|(id, n)| self.node(id, n))
            .collect()
    }

    /// The legend: one node whose label is a table of the node and edge kinds this diagram
    /// shows (a swatch or sample line and its meaning each), placed at the last rank (the right
    /// edge of a left-to-right diagram) so it never stretches a column of the layout.
    fn legend(&self, scene: &Scene) -> Vec<Stmt> {
        let nodes: BTreeSet<NodeKind> = scene.nodes.values().map(|n| n.kind).collect();
        let edges: BTreeSet<EdgeKind> = scene.edges.keys().map(|k| k.kind).collect();
        let mut items: Vec<String> = Vec::new();
        for k in &nodes {
            let look = k.look();
            items.push(format!(
                "<td bgcolor=\"{}\" color=\"{}\" border=\"1\" width=\"26\"><font color=\"{}\">{}</font></td><td align=\"left\">{}</td>",
                look.fill.hex(),
                look.border.hex(),
                look.border.hex(),
                look.shape.glyph(),
                html_text(k.legend(scene.nouns))
            ));
        }
        for k in EdgeKind::ALL.iter().filter(|k| edges.contains(k)) {
            let look = k.look();
            items.push(format!(
                "<td><font color=\"{}\">{}</font></td><td align=\"left\">{}</td>",
                look.colour.hex(),
                look.sample,
                html_text(look.legend)
            ));
        }
        // Rows of LEGEND_COLUMNS entries: wider than tall, like the diagram.
        let mut rows = vec![format!(
            "<tr><td colspan=\"{}\" align=\"left\"><b>Legend</b></td></tr>",
            2 * LEGEND_COLUMNS
        )];
        for chunk in items.chunks(LEGEND_COLUMNS) {
            let mut row = chunk.concat();
            for _ in chunk.len()..LEGEND_COLUMNS {
                row.push_str("<td></td><td></td>");
            }
            rows.push(format!("<tr>{row}</tr>"));
        }
        let label = Id::Html(format!(
            "<<table border=\"1\" cellborder=\"0\" cellspacing=\"3\" cellpadding=\"2\" bgcolor=\"{}\" color=\"{}\">{}</table>>",
            Colour::White.hex(),
            Colour::Grey.hex(),
            rows.concat()
        ));
        let node = Stmt::Node(Node::new(
            NodeId(quoted(LEGEND), None),
            vec![
                self.el_id(LEGEND),
                attr("label", label),
                attr("shape", plain(Shape::Plain.as_str())),
                attr("fontsize", num(10.0)),
                attr(
                    "tooltip",
                    quoted("what the shapes and lines of this diagram mean"),
                ),
            ],
        ));
        vec![Stmt::Subgraph(Subgraph {
            id: quoted("legend-rank"),
            stmts: vec![Stmt::Attribute(attr("rank", plain("sink"))), node],
        })]
    }

    /// The whole graph.
    pub fn graph(&self, scene: &Scene) -> Graph {
        let mut stmts = vec![
            Stmt::GAttribute(GraphAttributes::Graph(vec![
                self.el_id("graph"),
                attr("label", lines(std::slice::from_ref(&scene.title))),
                attr("labelloc", plain("t")),
                attr("labeljust", plain("l")),
                attr("fontname", quoted(FONT)),
                attr("fontsize", num(16.0)),
                attr("rankdir", plain("LR")),
                attr("nodesep", num(0.25)),
                attr("ranksep", num(0.7)),
                attr("pad", num(0.3)),
            ])),
            Stmt::GAttribute(GraphAttributes::Node(vec![
                attr("fontname", quoted(FONT)),
                attr("fontsize", num(11.0)),
                attr("margin", quoted("0.12,0.06")),
            ])),
            Stmt::GAttribute(GraphAttributes::Edge(vec![
                attr("fontname", quoted(FONT)),
                attr("fontsize", num(10.0)),
            ])),
        ];
        for (vpc, vpc_label) in &scene.vpcs {
            let mut by_az: BTreeMap<&str, Vec<(&str, &String)>> = BTreeMap::new();
            for (id, info) in &scene.subnets {
                if &info.vpc == vpc {
                    by_az
                        .entry(info.az.as_str())
                        .or_default()
                        .push((info.sort_key.as_str(), id));
                }
            }
            let mut inner = Vec::new();
            for (az, mut subnets) in by_az {
                subnets.sort();
                let mut az_stmts = Vec::new();
                for (_, s) in subnets {
                    let mut members = self.node_stmts(scene, |p| *p == Place::Subnet(s.clone()));
                    // Keep a subnet's routing node next to its endpoint interfaces, so the
                    // subnet's cluster does not stretch across the whole diagram.
                    for (id, n) in &scene.nodes {
                        if n.kind == NodeKind::InterfaceEndpoint
                            && n.place == Place::Subnet(s.clone())
                            && scene.nodes.contains_key(s)
                        {
                            members.push(invisible_edge(s, id));
                        }
                    }
                    az_stmts.push(self.cluster(
                        s,
                        &scene.subnets[s].label,
                        ClusterLook {
                            styles: &[Style::Filled, Style::Rounded],
                            fill: Colour::PaleGrey,
                            border: Colour::Grey,
                            fontsize: 11.0,
                        },
                        members,
                    ));
                }
                inner.push(self.cluster(
                    &format!("{vpc}/{az}"),
                    &[format!("availability zone {az}")],
                    ClusterLook {
                        styles: &[Style::Dashed, Style::Rounded],
                        fill: Colour::White,
                        border: Colour::Grey,
                        fontsize: 12.0,
                    },
                    az_stmts,
                ));
            }
            inner.extend(self.node_stmts(scene, |p| *p == Place::VpcEdge(vpc.clone())));
            stmts.push(self.cluster(
                vpc,
                vpc_label,
                ClusterLook {
                    styles: &[Style::Filled, Style::Rounded, Style::Bold],
                    fill: Colour::White,
                    border: Colour::DarkGrey,
                    fontsize: 14.0,
                },
                inner,
            ));
        }
        let service_vpc = self.node_stmts(scene, |p| *p == Place::ServiceVpc);
        if !service_vpc.is_empty() {
            stmts.push(self.cluster(
                "sagemaker-service-vpc",
                &["SageMaker service VPC (AWS-managed)".to_string()],
                ClusterLook {
                    styles: &[Style::Filled, Style::Rounded, Style::Dashed],
                    fill: Colour::PaleYellow,
                    border: Colour::DarkGrey,
                    fontsize: 14.0,
                },
                service_vpc,
            ));
        }
        stmts.extend(self.node_stmts(scene, |p| *p == Place::Outside));
        stmts.extend(self.legend(scene));
        for (n, (k, e)) in scene.edges.iter().enumerate() {
            stmts.push(self.edge(n, &k.from, &k.to, k.kind, e));
        }
        Graph::DiGraph {
            id: quoted("vpcreach"),
            strict: false,
            stmts,
        }
    }

    /// The DOT text.
    pub fn print(&self, scene: &Scene) -> String {
        let mut ctx = PrinterContext::default();
        let mut s = self.graph(scene).print(&mut ctx);
        s.push('\n');
        s
    }
}

struct ClusterLook {
    styles: &'static [Style],
    fill: Colour,
    border: Colour,
    fontsize: f32,
}

fn invisible_edge(a: &str, b: &str) -> Stmt {
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(
            Vertex::N(NodeId(quoted(a), None)),
            Vertex::N(NodeId(quoted(b), None)),
        ),
        attributes: vec![attr("style", quoted(Style::Invisible.as_str()))],
    })
}
