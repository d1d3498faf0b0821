//! `vpcreach trace` output: one flow's hops forward and back, as a table (for people), JSON (the
//! shape is documented in docs/trace.md) and a Graphviz DOT chain. The words of every hop and
//! block are [`words`]'s, so a trace says what `analyze` says; the sentences only a trace needs
//! (where a flow arrives, the last step to an interface, the service resolution) are here.

use std::fmt::Write as _;

use serde::Serialize;
use vpcreach_core::analysis::evidence::{Cause, Component, Step};
use vpcreach_core::analysis::trace::{
    Arrival, Fate, LastStep, ServiceChoice, SourceKind, Stop, To, Trace, TracePart, TraceStatus,
};
use vpcreach_core::analysis::{Block, Hop, Via};
use vpcreach_core::model::TargetKind;
use vpcreach_core::space::{ICMP, ICMPV6, Packet};

use crate::json::{self, JsonBlock, JsonHop};
use crate::words;

/// `tcp 10.0.1.5:443`, `icmp 8.8.8.8 type 8 code 0`.
fn packet_text(p: &Packet) -> String {
    p.to_string()
}

/// The sentence of a hop, with the reply from a destination interface worded as such.
pub fn hop_text(h: &Hop) -> String {
    if let Step::ReplyRoute { from, dest, route } = &h.step
        && let Component::Target(TargetKind::NetworkInterface, id) = from
    {
        return format!(
            "the reply from {id} to {}: {}",
            dest.describe(2),
            words::route_text(route)
        );
    }
    words::hop_detail(h)
}

/// The reply of forward packet `f`: `tcp from 8.8.8.8 port 80 to the source's port 32768`.
pub fn reply_text(f: &Packet, r: &Packet) -> String {
    match r.protocol {
        6 | 17 => format!(
            "{} from {} port {} to the source's port {}",
            r.protocol_name(),
            r.destination,
            f.port,
            r.port
        ),
        ICMP | ICMPV6 => format!("{} echo reply from {}", r.protocol_name(), r.destination),
        _ => format!("{} from {}", r.protocol_name(), r.destination),
    }
}

/// The sentence of the last step to an interface.
pub fn last_step_text(l: &LastStep, p: &Packet) -> String {
    match l {
        LastStep::NoInterface { address, subnet } if subnet.is_empty() => {
            format!("no subnet of the VPC holds {address}: nothing receives the packet")
        }
        LastStep::NoInterface { address, subnet } => format!(
            "no network interface in the snapshot has {address} (in {subnet}): nothing receives the packet"
        ),
        LastStep::SgIngressDenied {
            interface,
            groups,
            source,
        } => format!(
            "no ingress rule of {} (interface {interface}) admits {} from {}",
            groups.join(", "),
            packet_text(p),
            source.describe(2)
        ),
        LastStep::NatGatewayAddress { nat } => format!(
            "{} is an address of NAT gateway {nat}, which accepts no connection to itself",
            p.destination
        ),
        LastStep::ManagedInterface {
            interface,
            interface_type,
        } => format!(
            "{} is held by {interface} ({interface_type}), an AWS-managed interface whose forwarding is not in the model",
            p.destination
        ),
        LastStep::InterfacesIncomplete { why } => format!(
            "the network interfaces could not all be read ({why}): whether one holds {} is not known",
            p.destination
        ),
    }
}

fn stop_text(s: &Stop, p: &Packet) -> String {
    match s {
        // A trace to an address of the VPC that no subnet holds.
        Stop::Walk(Block {
            cause: Cause::StaysLocal {
                vpc, service: None, ..
            },
            ..
        }) => format!(
            "{} is in {vpc}'s local route but in none of its subnets: nothing receives the packet",
            p.destination
        ),
        Stop::Walk(b) => words::block_detail(b),
        Stop::Last(l) => last_step_text(l, p),
    }
}

/// Where a delivered flow arrives, in words.
pub fn arrival_text(a: &Arrival) -> String {
    match a {
        Arrival::Internet { gateway } => format!("the internet through {gateway}"),
        Arrival::ServiceNetwork => "the SageMaker service network".into(),
        Arrival::GatewayEndpoint { endpoint, service } => {
            format!("{service} through gateway endpoint {endpoint}")
        }
        Arrival::InterfaceEndpoint { endpoint, service } => {
            format!("{service} at interface endpoint {endpoint}")
        }
        Arrival::Interface { interface, subnet } => {
            format!("network interface {interface} in {subnet}")
        }
    }
}

fn arrival_kind(a: &Arrival) -> (&'static str, String) {
    match a {
        Arrival::Internet { gateway } => ("internet", gateway.clone()),
        Arrival::ServiceNetwork => ("service-network", "sagemaker-service-network".into()),
        Arrival::GatewayEndpoint { endpoint, .. } => ("gateway-endpoint", endpoint.clone()),
        Arrival::InterfaceEndpoint { endpoint, .. } => ("interface-endpoint", endpoint.clone()),
        Arrival::Interface { interface, .. } => ("network-interface", interface.clone()),
    }
}

/// How the service name resolved, and which address is traced.
pub fn service_text(s: &ServiceChoice) -> String {
    let how = if !s.endpoints.is_empty() {
        format!(
            "the private DNS of interface endpoint {}",
            s.endpoints.join(", ")
        )
    } else if let Some(pl) = &s.prefix_list {
        format!("its public addresses (AWS-managed prefix list {pl})")
    } else {
        "its public addresses (any public IPv4 address outside the AWS-managed prefix lists)".into()
    };
    format!(
        "{} resolves to {} through {how}; the trace takes {} (the set's representative)",
        s.service,
        s.addresses.describe(4),
        s.chosen
    )
}

fn source_text(t: &Trace) -> String {
    let o = &t.source.origin;
    let kind = match t.source.kind {
        SourceKind::Notebook => "notebook",
        SourceKind::Interface => "network interface",
    };
    let place = match (&o.subnet_id, &o.vpc_id) {
        (Some(s), Some(v)) => format!(" in {s} ({v})"),
        (Some(s), None) => format!(" in {s}"),
        _ => " (no subnet: the SageMaker service VPC)".into(),
    };
    let eni = match (&t.source.kind, &o.interface_id) {
        (SourceKind::Notebook, Some(i)) => format!(", interface {i}"),
        _ => String::new(),
    };
    let addrs = if t.source_addrs.is_empty() {
        String::new()
    } else {
        format!(", address {}", t.source_addrs.describe(3))
    };
    let groups = if o.security_groups.is_empty() {
        String::new()
    } else {
        format!(", security groups {}", o.security_groups.join(", "))
    };
    format!("{kind} {}{place}{eni}{addrs}{groups}", t.source.id)
}

fn flow_text(t: &Trace) -> String {
    let mut s = match t.spec.protocol {
        None => "every protocol".to_string(),
        Some(p) => vpcreach_core::space::protocol_name(p),
    };
    if let Some(proto) = t.spec.protocol {
        let port = t
            .spec
            .port
            .unwrap_or_else(|| vpcreach_core::analysis::trace::default_port(proto));
        s = match proto {
            ICMP | ICMPV6 => format!("{s} type {} code {}", port >> 8, port & 0xff),
            6 | 17 => format!("{s} port {port}"),
            _ => s,
        };
    } else if let Some(port) = t.spec.port {
        let _ = write!(s, " (tcp and udp to port {port})");
    }
    if let Some(sp) = t.source_port {
        let _ = write!(s, " from source port {sp}");
        if t.source_port_defaulted {
            s.push_str(" (the first ephemeral port; --source-port sets it)");
        }
    }
    s
}

fn fate_line(f: &Fate, p: &Packet, arrival: Option<&Arrival>, via: Option<Via>) -> String {
    match f {
        Fate::Delivered => {
            let through = match via {
                Some(v @ Via::Target(TargetKind::NatGateway)) => format!(" (via {})", v.as_str()),
                _ => String::new(),
            };
            match arrival {
                Some(a) => format!("delivered to {}{through}", arrival_text(a)),
                None => format!("delivered{through}"),
            }
        }
        Fate::Dropped(s) => format!(
            "dropped at {} [{}]: {}",
            s.component(),
            s.code(),
            stop_text(s, p)
        ),
        Fate::Unknown(s) => format!(
            "unknown at {} [{}]{}: {}",
            s.component(),
            s.code(),
            via.map(|v| format!(" (via {})", v.as_str()))
                .unwrap_or_default(),
            stop_text(s, p)
        ),
    }
}

fn hop_rows(out: &mut String, hops: &[Hop]) {
    let w = hops
        .iter()
        .map(|h| h.at.id().len())
        .max()
        .unwrap_or(0)
        .max(9);
    let k = hops
        .iter()
        .map(|h| h.at.kind().len())
        .max()
        .unwrap_or(0)
        .max(4);
    let _ = writeln!(
        out,
        "  {:>2}  {:<w$}  {:<k$}  detail",
        "#", "component", "kind"
    );
    for (i, h) in hops.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}  {:<w$}  {:<k$}  {}",
            i + 1,
            h.at.id(),
            h.at.kind(),
            hop_text(h)
        );
    }
}

/// The trace as text: the flow, then per part the forward hops and the reply's.
pub fn table(t: &Trace) -> String {
    let mut out = String::new();
    let to = match &t.to {
        To::Address(a) => a.to_string(),
        To::Service(s) => s.clone(),
    };
    let _ = writeln!(out, "trace {} → {to}: {}", t.source.id, flow_text(t));
    let _ = writeln!(out, "source: {}", source_text(t));
    if let Some(s) = &t.service {
        let _ = writeln!(out, "service: {}", service_text(s));
        for n in &s.notes {
            let _ = writeln!(
                out,
                "  passed over: {} [{}]",
                words::block_detail(n),
                n.code.as_str()
            );
        }
    }
    if let Some(f) = &t.resolution_failed {
        let p = Packet::new(6, std::net::Ipv4Addr::UNSPECIFIED.into(), 0);
        let _ = writeln!(
            out,
            "service: the name gives no address to trace — {}",
            fate_line(f, &p, None, None)
        );
    }
    for (i, part) in t.parts.iter().enumerate() {
        let _ = writeln!(out);
        if t.parts.len() > 1 || t.spec.protocol.is_none() {
            let _ = writeln!(
                out,
                "part {} of {}: {} (traced as {})",
                i + 1,
                t.parts.len(),
                part.packets.describe(),
                packet_text(&part.packet)
            );
        }
        part_table(&mut out, part);
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "result: {}", t.status.as_str());
    out
}

fn part_table(out: &mut String, part: &TracePart) {
    let _ = writeln!(
        out,
        "forward {}: {}",
        packet_text(&part.packet),
        fate_line(&part.fate, &part.packet, part.arrival.as_ref(), part.via)
    );
    hop_rows(out, &part.hops);
    match &part.reply {
        Some(r) => {
            let _ = writeln!(
                out,
                "reply {}: {}",
                reply_text(&part.packet, &r.packet),
                match &r.fate {
                    Fate::Delivered => "returns to the source".to_string(),
                    f => fate_line(f, &r.packet, None, None),
                }
            );
            if !r.hops.is_empty() {
                hop_rows(out, &r.hops);
            }
            for b in &r.nat_ports_dropped {
                let _ = writeln!(
                    out,
                    "  but for some NAT gateway ports: {} [{}]",
                    words::block_detail(b),
                    b.code.as_str()
                );
            }
        }
        None if part.fate == Fate::Delivered => {
            let _ = writeln!(out, "reply: none expected for this packet");
        }
        None => {}
    }
}

#[derive(Serialize)]
struct JsonPacket {
    protocol: String,
    destination: String,
    port: u16,
}

fn jpacket(p: &Packet) -> JsonPacket {
    JsonPacket {
        protocol: p.protocol_name(),
        destination: p.destination.to_string(),
        port: p.port,
    }
}

#[derive(Serialize)]
struct JsonStop {
    code: &'static str,
    component: String,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    block: Option<JsonBlock>,
}

fn jstop(s: &Stop, p: &Packet) -> JsonStop {
    JsonStop {
        code: s.code(),
        component: s.component(),
        detail: stop_text(s, p),
        block: match s {
            Stop::Walk(b) => Some(json::block(b)),
            Stop::Last(_) => None,
        },
    }
}

fn jhops(hops: &[Hop]) -> Vec<JsonHop> {
    hops.iter()
        .map(|h| {
            let mut j = json::hop(h);
            j.detail = hop_text(h);
            j
        })
        .collect()
}

#[derive(Serialize)]
struct JsonArrival {
    kind: &'static str,
    component: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet: Option<String>,
    detail: String,
}

fn jarrival(a: &Arrival) -> JsonArrival {
    let (kind, component) = arrival_kind(a);
    JsonArrival {
        kind,
        component,
        service: match a {
            Arrival::GatewayEndpoint { service, .. }
            | Arrival::InterfaceEndpoint { service, .. } => Some(service.clone()),
            _ => None,
        },
        subnet: match a {
            Arrival::Interface { subnet, .. } => Some(subnet.clone()),
            _ => None,
        },
        detail: arrival_text(a),
    }
}

#[derive(Serialize)]
struct JsonLeg {
    result: &'static str,
    hops: Vec<JsonHop>,
    stop: Option<JsonStop>,
}

fn jleg(f: &Fate, hops: &[Hop], p: &Packet) -> JsonLeg {
    JsonLeg {
        result: f.as_str(),
        hops: jhops(hops),
        stop: match f {
            Fate::Delivered => None,
            Fate::Dropped(s) | Fate::Unknown(s) => Some(jstop(s, p)),
        },
    }
}

#[derive(Serialize)]
struct JsonForward {
    #[serde(flatten)]
    leg: JsonLeg,
    via: Option<&'static str>,
    arrival: Option<JsonArrival>,
}

#[derive(Serialize)]
struct JsonReply {
    packet: JsonPacket,
    #[serde(flatten)]
    leg: JsonLeg,
    nat_ports_dropped: Vec<JsonBlock>,
}

#[derive(Serialize)]
struct JsonPart {
    packets: String,
    packet: JsonPacket,
    status: &'static str,
    forward: JsonForward,
    reply: Option<JsonReply>,
}

#[derive(Serialize)]
struct JsonSource {
    kind: &'static str,
    id: String,
    subnet_id: Option<String>,
    vpc_id: Option<String>,
    interface_id: Option<String>,
    security_group_ids: Vec<String>,
    addresses: Vec<String>,
}

#[derive(Serialize)]
struct JsonService {
    name: String,
    addresses: Vec<String>,
    chosen: String,
    interface_endpoints: Vec<String>,
    prefix_list: Option<String>,
    passed_over: Vec<JsonBlock>,
    detail: String,
}

#[derive(Serialize)]
struct JsonFlow {
    protocol: String,
    port: Option<u16>,
    source_port: Option<u16>,
    source_port_defaulted: bool,
}

#[derive(Serialize)]
struct JsonTrace {
    source: JsonSource,
    to: String,
    destination: Option<String>,
    flow: JsonFlow,
    service: Option<JsonService>,
    resolution: Option<JsonLeg>,
    status: &'static str,
    parts: Vec<JsonPart>,
}

/// The trace as one JSON object (docs/trace.md).
pub fn json(t: &Trace) -> String {
    let o = &t.source.origin;
    let zero = Packet::new(6, std::net::Ipv4Addr::UNSPECIFIED.into(), 0);
    let j = JsonTrace {
        source: JsonSource {
            kind: match t.source.kind {
                SourceKind::Notebook => "notebook",
                SourceKind::Interface => "network-interface",
            },
            id: t.source.id.clone(),
            subnet_id: o.subnet_id.clone(),
            vpc_id: o.vpc_id.clone(),
            interface_id: o.interface_id.clone(),
            security_group_ids: o.security_groups.clone(),
            addresses: t
                .source_addrs
                .to_nets()
                .iter()
                .map(|n| n.to_string())
                .collect(),
        },
        to: match &t.to {
            To::Address(a) => a.to_string(),
            To::Service(s) => s.clone(),
        },
        destination: match (&t.to, &t.service) {
            (To::Address(a), _) => Some(a.to_string()),
            (_, Some(s)) => Some(s.chosen.to_string()),
            _ => None,
        },
        flow: JsonFlow {
            protocol: t
                .spec
                .protocol
                .map_or_else(|| "all".to_string(), vpcreach_core::space::protocol_name),
            port: match t.spec.protocol {
                Some(_) => t.parts.first().map(|p| p.packet.port).or(t.spec.port),
                None => t.spec.port,
            },
            source_port: t.source_port,
            source_port_defaulted: t.source_port_defaulted,
        },
        service: t.service.as_ref().map(|s| JsonService {
            name: s.service.clone(),
            addresses: s
                .addresses
                .to_nets()
                .iter()
                .map(|n| n.to_string())
                .collect(),
            chosen: s.chosen.to_string(),
            interface_endpoints: s.endpoints.clone(),
            prefix_list: s.prefix_list.clone(),
            passed_over: s.notes.iter().map(json::block).collect(),
            detail: service_text(s),
        }),
        resolution: t.resolution_failed.as_ref().map(|f| jleg(f, &[], &zero)),
        status: t.status.as_str(),
        parts: t
            .parts
            .iter()
            .map(|p| JsonPart {
                packets: p.packets.describe(),
                packet: jpacket(&p.packet),
                status: p.status.as_str(),
                forward: JsonForward {
                    leg: jleg(&p.fate, &p.hops, &p.packet),
                    via: p.via.map(|v| v.as_str()),
                    arrival: p.arrival.as_ref().map(jarrival),
                },
                reply: p.reply.as_ref().map(|r| JsonReply {
                    packet: jpacket(&r.packet),
                    leg: jleg(&r.fate, &r.hops, &r.packet),
                    nat_ports_dropped: r.nat_ports_dropped.iter().map(json::block).collect(),
                }),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&j).expect("a trace serialises");
    s.push('\n');
    s
}

/// A DOT string literal.
fn q(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Colours (Okabe–Ito, as the diagrams use): delivered, dropped, unknown.
fn fate_colour(f: &Fate) -> &'static str {
    match f {
        Fate::Delivered => "#009E73",
        Fate::Dropped(_) => "#D55E00",
        Fate::Unknown(_) => "#E69F00",
    }
}

/// Wrap `s` at about `w` characters for a node label.
fn wrap(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in s.split(' ') {
        if line > 0 && line + word.len() > w {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}

/// The trace as a Graphviz chain: the source, each forward hop, the end; then the reply's hops
/// (dashed) back to the source.
pub fn dot(t: &Trace) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph trace {{");
    let _ = writeln!(out, "  rankdir=TB;");
    let _ = writeln!(
        out,
        "  graph [fontname=\"Helvetica\", fontsize=11, labelloc=t, label={}];",
        q(&format!("trace {} — {}", t.source.id, t.status.as_str()))
    );
    let _ = writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#F7F7F7\", fontname=\"Helvetica\", fontsize=10];"
    );
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=9];");
    let _ = writeln!(
        out,
        "  src [label={}, fillcolor=\"#56B4E9\"];",
        q(&wrap(&source_text(t), 40))
    );
    if let Some(f) = &t.resolution_failed {
        let zero = Packet::new(6, std::net::Ipv4Addr::UNSPECIFIED.into(), 0);
        let _ = writeln!(
            out,
            "  dns [label={}, color={}, penwidth=2];\n  src -> dns;",
            q(&wrap(&fate_line(f, &zero, None, None), 40)),
            q(fate_colour(f))
        );
    }
    for (pi, part) in t.parts.iter().enumerate() {
        let _ = writeln!(
            out,
            "  subgraph cluster_p{pi}f {{ label={}; style=dashed; color=\"#999999\";",
            q(&format!("forward {}", packet_text(&part.packet)))
        );
        let mut prev = "src".to_string();
        for (i, h) in part.hops.iter().enumerate() {
            let id = format!("p{pi}f{i}");
            let label = format!(
                "{} ({})\n{}",
                h.at.id(),
                h.at.kind(),
                wrap(&hop_text(h), 40)
            );
            let _ = writeln!(out, "  {id} [label={}];", q(&label));
            let _ = writeln!(
                out,
                "  {prev} -> {id} [label={}];",
                q(&if i == 0 {
                    packet_text(&part.packet)
                } else {
                    String::new()
                })
            );
            prev = id;
        }
        let end = format!("p{pi}end");
        let _ = writeln!(
            out,
            "  {end} [label={}, color={}, penwidth=2];",
            q(&wrap(
                &fate_line(&part.fate, &part.packet, part.arrival.as_ref(), part.via),
                40
            )),
            q(fate_colour(&part.fate))
        );
        let _ = writeln!(
            out,
            "  {prev} -> {end} [color={}];",
            q(fate_colour(&part.fate))
        );
        let _ = writeln!(out, "  }}");
        if let Some(r) = &part.reply {
            let _ = writeln!(
                out,
                "  subgraph cluster_p{pi}r {{ label={}; style=dashed; color=\"#999999\";",
                q(&format!("reply {}", reply_text(&part.packet, &r.packet)))
            );
            let mut prev = end.clone();
            for (i, h) in r.hops.iter().enumerate() {
                let id = format!("p{pi}r{i}");
                let label = format!(
                    "{} ({})\n{}",
                    h.at.id(),
                    h.at.kind(),
                    wrap(&hop_text(h), 40)
                );
                let _ = writeln!(
                    out,
                    "  {id} [label={}, style=\"rounded,dashed\"];",
                    q(&label)
                );
                let _ = writeln!(
                    out,
                    "  {prev} -> {id} [style=dashed, label={}];",
                    q(&if i == 0 {
                        format!("reply {}", reply_text(&part.packet, &r.packet))
                    } else {
                        String::new()
                    })
                );
                prev = id;
            }
            let rend = format!("p{pi}rend");
            let text = match &r.fate {
                Fate::Delivered => "the reply returns to the source".to_string(),
                f => fate_line(f, &r.packet, None, None),
            };
            let _ = writeln!(
                out,
                "  {rend} [label={}, color={}, penwidth=2, style=\"rounded,dashed,filled\"];",
                q(&wrap(&text, 40)),
                q(fate_colour(&r.fate))
            );
            let _ = writeln!(
                out,
                "  {prev} -> {rend} [style=dashed, color={}];",
                q(fate_colour(&r.fate))
            );
            let _ = writeln!(out, "  }}");
        }
    }
    let _ = writeln!(out, "}}");
    out
}

/// The exit status of a trace: 0 delivered, 1 not delivered, 3 unknown (docs/trace.md).
pub fn exit_code(t: &Trace) -> i32 {
    match t.status {
        TraceStatus::Delivered => 0,
        TraceStatus::NotDelivered => 1,
        TraceStatus::Unknown => 3,
    }
}
