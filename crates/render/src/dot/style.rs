//! The visual vocabulary of diagrams: node shapes, line styles, arrowheads and colours as small
//! enums, and the one table that maps each kind of node and edge to them.
//!
//! Meaning never rests on colour alone: every path kind also has its own line style (solid,
//! bold dashed, dotted, thin dashed ending in a bar), and every node kind its own shape, so a
//! diagram stays readable for colour-blind readers and in grey print. The colours are the
//! Okabe–Ito palette, chosen to stay distinguishable under the common colour-vision deficiencies.

/// Graphviz node shapes used by vpcreach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Box,
    Box3d,
    Hexagon,
    House,
    InvHouse,
    Diamond,
    Ellipse,
    Cylinder,
    Tab,
    Folder,
    Note,
    Octagon,
    Point,
    Plain,
}

impl Shape {
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::Box => "box",
            Shape::Box3d => "box3d",
            Shape::Hexagon => "hexagon",
            Shape::House => "house",
            Shape::InvHouse => "invhouse",
            Shape::Diamond => "diamond",
            Shape::Ellipse => "ellipse",
            Shape::Cylinder => "cylinder",
            Shape::Tab => "tab",
            Shape::Folder => "folder",
            Shape::Note => "note",
            Shape::Octagon => "octagon",
            Shape::Point => "point",
            Shape::Plain => "plain",
        }
    }

    /// A character that looks like the shape, for the legend's table (which cannot hold real
    /// node shapes).
    pub fn glyph(self) -> &'static str {
        match self {
            Shape::Box | Shape::Box3d | Shape::Tab | Shape::Folder | Shape::Note => "▭",
            Shape::Hexagon => "⬡",
            Shape::House => "⌂",
            Shape::InvHouse => "▽",
            Shape::Diamond => "◇",
            Shape::Ellipse => "◯",
            Shape::Cylinder => "⛁",
            Shape::Octagon => "⎔",
            Shape::Point => "•",
            Shape::Plain => " ",
        }
    }
}

/// Graphviz `style` values used by vpcreach (combined with commas).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Solid,
    Dashed,
    Dotted,
    Bold,
    Filled,
    Rounded,
    /// Small diagonal marks in the corners.
    Diagonals,
    Invisible,
}

impl Style {
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Solid => "solid",
            Style::Dashed => "dashed",
            Style::Dotted => "dotted",
            Style::Bold => "bold",
            Style::Filled => "filled",
            Style::Rounded => "rounded",
            Style::Diagonals => "diagonals",
            Style::Invisible => "invis",
        }
    }

    /// The `style` attribute value for a combination.
    pub fn join(styles: &[Style]) -> String {
        styles
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Graphviz arrowheads used by vpcreach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrow {
    Normal,
    /// A bar: the packets stop here.
    Tee,
    Empty,
    None,
}

impl Arrow {
    pub fn as_str(self) -> &'static str {
        match self {
            Arrow::Normal => "normal",
            Arrow::Tee => "tee",
            Arrow::Empty => "empty",
            Arrow::None => "none",
        }
    }
}

/// The palette: Okabe–Ito for meaning, light tints of it for fills, greys for structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// Okabe–Ito blue: private paths.
    Blue,
    /// Okabe–Ito orange: internet paths.
    Orange,
    /// Okabe–Ito vermillion: blocked.
    Vermillion,
    /// Okabe–Ito reddish purple: unknown.
    Purple,
    /// Structure (routes) and frames.
    Grey,
    DarkGrey,
    Black,
    White,
    /// Tints for fills.
    PaleBlue,
    PaleGreen,
    PaleVermillion,
    PaleOrange,
    PalePurple,
    PaleGrey,
    PaleYellow,
}

impl Colour {
    pub fn hex(self) -> &'static str {
        match self {
            Colour::Blue => "#0072B2",
            Colour::Orange => "#E69F00",
            Colour::Vermillion => "#D55E00",
            Colour::Purple => "#CC79A7",
            Colour::Grey => "#8C8C8C",
            Colour::DarkGrey => "#4D4D4D",
            Colour::Black => "#000000",
            Colour::White => "#FFFFFF",
            Colour::PaleBlue => "#DCEBF5",
            Colour::PaleGreen => "#D4EFE6",
            Colour::PaleVermillion => "#F8DCCB",
            Colour::PaleOrange => "#FBEBC8",
            Colour::PalePurple => "#F3E0EB",
            Colour::PaleGrey => "#F4F4F4",
            Colour::PaleYellow => "#FBF7D5",
        }
    }
}

/// What a node stands for; decides its shape, fill and legend entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    /// A notebook that is compliant with the profile.
    NotebookCompliant,
    /// A notebook that is not.
    NotebookFailing,
    /// A subnet's routing: its route table and network ACL (inside the subnet's cluster).
    Subnet,
    /// The security groups of a notebook, drawn only when they block.
    SecurityGroups,
    /// An interface endpoint's network interface in one subnet.
    InterfaceEndpoint,
    GatewayEndpoint,
    InternetGateway,
    EgressOnlyGateway,
    NatGateway,
    /// A route target whose forwarding the model does not follow (TGW, peering, VGW, …).
    OutOfScope,
    /// Something a route or rule names that is not in the snapshot.
    Missing,
    /// A VPC-wide setting (its DNS attributes).
    VpcSettings,
    Internet,
    Service,
    ServiceNetwork,
    /// Subnets without notebooks or proven paths, folded into one node.
    Collapsed,
    /// The AWS services checked that no edge of the diagram reaches, folded into one node.
    UnusedServices,
}

/// How a node kind looks.
pub struct NodeLook {
    pub shape: Shape,
    pub styles: &'static [Style],
    pub fill: Colour,
    pub border: Colour,
    /// Its name in the legend.
    pub legend: &'static str,
}

impl NodeKind {
    /// Its name in the legend of a diagram whose sources `nouns` names: a source node is a
    /// "notebook" among notebook instances only, else a "source" (its label says its kind).
    pub fn legend(self, nouns: crate::table::Nouns) -> &'static str {
        match self {
            NodeKind::NotebookCompliant if nouns.neutral => "source (compliant)",
            NodeKind::NotebookFailing if nouns.neutral => "source (NOT compliant)",
            k => k.look().legend,
        }
    }

    pub fn look(self) -> NodeLook {
        use Style::*;
        let (shape, styles, fill, border, legend): (Shape, &'static [Style], _, _, _) = match self {
            NodeKind::NotebookCompliant => (
                Shape::Box3d,
                &[Filled],
                Colour::PaleGreen,
                Colour::Black,
                "notebook (compliant)",
            ),
            NodeKind::NotebookFailing => (
                Shape::Box3d,
                &[Filled, Bold],
                Colour::PaleVermillion,
                Colour::Black,
                "notebook (NOT compliant)",
            ),
            NodeKind::Subnet => (
                Shape::Box,
                &[Filled, Rounded],
                Colour::White,
                Colour::DarkGrey,
                "subnet routing: route table + network ACL",
            ),
            NodeKind::SecurityGroups => (
                Shape::Octagon,
                &[Filled],
                Colour::White,
                Colour::DarkGrey,
                "security groups",
            ),
            NodeKind::InterfaceEndpoint => (
                Shape::Hexagon,
                &[Filled],
                Colour::PaleBlue,
                Colour::Blue,
                "interface endpoint (network interface)",
            ),
            NodeKind::GatewayEndpoint => (
                Shape::Hexagon,
                &[Filled, Bold],
                Colour::PaleBlue,
                Colour::Blue,
                "gateway endpoint",
            ),
            NodeKind::InternetGateway => (
                Shape::House,
                &[Filled],
                Colour::PaleOrange,
                Colour::Black,
                "internet gateway",
            ),
            NodeKind::EgressOnlyGateway => (
                Shape::InvHouse,
                &[Filled],
                Colour::PaleOrange,
                Colour::Black,
                "egress-only internet gateway",
            ),
            NodeKind::NatGateway => (
                Shape::Box,
                &[Filled, Diagonals],
                Colour::PaleOrange,
                Colour::Black,
                "NAT gateway",
            ),
            NodeKind::OutOfScope => (
                Shape::Diamond,
                &[Filled],
                Colour::PalePurple,
                Colour::Black,
                "leaves the model (TGW, peering, VGW, …)",
            ),
            NodeKind::Missing => (
                Shape::Box,
                &[Dashed],
                Colour::White,
                Colour::Vermillion,
                "not in the snapshot",
            ),
            NodeKind::VpcSettings => (
                Shape::Note,
                &[Filled],
                Colour::PaleYellow,
                Colour::DarkGrey,
                "VPC setting",
            ),
            NodeKind::Internet => (
                Shape::Ellipse,
                &[Filled, Bold],
                Colour::PaleOrange,
                Colour::Black,
                "the internet",
            ),
            NodeKind::Service => (
                Shape::Cylinder,
                &[Filled],
                Colour::PaleBlue,
                Colour::Black,
                "AWS service",
            ),
            NodeKind::ServiceNetwork => (
                Shape::Tab,
                &[Filled],
                Colour::PaleOrange,
                Colour::Black,
                "SageMaker service network",
            ),
            NodeKind::Collapsed => (
                Shape::Folder,
                &[Filled],
                Colour::PaleGrey,
                Colour::DarkGrey,
                "subnets folded away",
            ),
            NodeKind::UnusedServices => (
                Shape::Cylinder,
                &[Filled, Dashed],
                Colour::PaleGrey,
                Colour::DarkGrey,
                "AWS services no edge reaches",
            ),
        };
        NodeLook {
            shape,
            styles,
            fill,
            border,
            legend,
        }
    }
}

/// What an edge stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// A forwarding relation a route creates (subnet → target), labelled with destinations.
    Route,
    /// A proven path that ends at a VPC endpoint.
    Private,
    /// A proven path that leaves through the internet (NAT, IGW, service network).
    Internet,
    /// A path into what the model does not cover, or a verdict that is unknown.
    Unknown,
    /// Packets dropped: the edge ends at the blocking component.
    Blocked,
}

/// How an edge kind looks.
pub struct EdgeLook {
    pub styles: &'static [Style],
    pub colour: Colour,
    pub penwidth: f32,
    pub arrow: Arrow,
    pub legend: &'static str,
    /// A short line of characters that looks like the edge, for the legend's table.
    pub sample: &'static str,
}

impl EdgeKind {
    pub const ALL: [EdgeKind; 5] = [
        EdgeKind::Private,
        EdgeKind::Internet,
        EdgeKind::Unknown,
        EdgeKind::Blocked,
        EdgeKind::Route,
    ];

    pub fn look(self) -> EdgeLook {
        match self {
            EdgeKind::Route => EdgeLook {
                styles: &[Style::Solid],
                colour: Colour::Grey,
                penwidth: 1.0,
                arrow: Arrow::Empty,
                legend: "route (labelled with its destinations)",
                sample: "────▷",
            },
            EdgeKind::Private => EdgeLook {
                styles: &[Style::Solid],
                colour: Colour::Blue,
                penwidth: 2.5,
                arrow: Arrow::Normal,
                legend: "proven path, private (ends at a VPC endpoint)",
                sample: "━━━━▶",
            },
            EdgeKind::Internet => EdgeLook {
                styles: &[Style::Dashed, Style::Bold],
                colour: Colour::Orange,
                penwidth: 3.0,
                arrow: Arrow::Normal,
                legend: "proven path over the internet",
                sample: "━ ━ ━▶",
            },
            EdgeKind::Unknown => EdgeLook {
                styles: &[Style::Dotted],
                colour: Colour::Purple,
                penwidth: 2.0,
                arrow: Arrow::Normal,
                legend: "unknown: leaves the model or data missing",
                sample: "┈┈┈┈▶",
            },
            EdgeKind::Blocked => EdgeLook {
                styles: &[Style::Dashed],
                colour: Colour::Vermillion,
                penwidth: 1.5,
                arrow: Arrow::Tee,
                legend: "blocked: ends at what decides it (fix: what to change there)",
                sample: "╌╌╌╌┤",
            },
        }
    }
}
