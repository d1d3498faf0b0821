//! The audit report as one self-contained HTML file: the same content as the Markdown report plus
//! a header that says what was judged (account, region, profile and what it requires, required
//! services, findings by severity, snapshot files, tool version; the generation time only with
//! `--timestamp`) and a focused diagram per notebook, inlined as SVG (rendered by the system
//! Graphviz `dot`). No scripts, no external assets (a Content-Security-Policy forbids fetching
//! any), and every piece of text escaped. Without Graphviz the report is still written, saying in
//! place of each diagram that `dot` is missing and how to install it.
//!
//! Sources that would draw the same picture (one placement: subnet, security groups and every
//! path and block drawn; only their names differ, as Studio profiles and spaces in one subnet
//! often do) share one diagram: it is drawn in the first one's section and names them all, and the
//! other sections point at it. Every section keeps its own evidence table. A report that holds
//! other kinds than notebook instances says "source"/"Sources" ([`Nouns`]).
//!
//! Fit to screen and paper: the summary table puts the verdict (compliant) right after the
//! notebook and wraps its cells instead of scrolling (every column visible at 1024 px; with more
//! checks than the default, words are never cut and the table scrolls in its own box if it must,
//! see `WIDE_STYLE`); the print stylesheet lays the report out on A4 landscape pages, and a
//! diagram that one page would shrink below `MIN_PRINT_SCALE` (60 %) is printed in pieces, a page
//! each. Checked in headless Chromium by `tests/browser.rs` and `tests/browser_studio.rs`.

use std::collections::BTreeSet;
use std::fmt::Write;

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, Id, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use vpcreach_core::model::{Network, Severity, SourceKind};
use vpcreach_core::report::{CheckReport, NotebookReport, Profile, Report};

use super::dot;
use super::dot::scene::{Place, Scene};
use super::dot::style::{EdgeKind, NodeKind};
use super::graphviz;
use super::meta::{self, ReportMeta};
use super::table::Nouns;
use super::words;

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A source's name in the summary table: escaped, and free to break after each `/` and before
/// each `@` of a Studio source's name (`d-…/user/alice@subnet-…`) rather than inside a word. In a
/// wide table ([`WIDE_STYLE`]) the parts between those breaks never break themselves (not at the
/// hyphen of `subnet-…` either); the kind after the name breaks at its spaces.
fn name_cell(title: &str, wide: bool) -> String {
    if !wide {
        return escape(title).replace('/', "/<wbr>").replace('@', "<wbr>@");
    }
    let (name, kind) = title.split_once(' ').unwrap_or((title, ""));
    let mut out = String::new();
    let mut part = String::new();
    let flush = |part: &mut String, out: &mut String| {
        if !part.is_empty() {
            let _ = write!(out, "<span class=\"nw\">{}</span>", escape(part));
            part.clear();
        }
    };
    for c in name.chars() {
        if c == '@' {
            flush(&mut part, &mut out);
            out.push_str("<wbr>");
        }
        part.push(c);
        if c == '/' {
            flush(&mut part, &mut out);
            out.push_str("<wbr>");
        }
    }
    flush(&mut part, &mut out);
    if !kind.is_empty() {
        let _ = write!(out, " {}", escape(kind));
    }
    out
}

/// An HTML `id` for a notebook section.
fn anchor(name: &str) -> String {
    format!("nb-{}", dot::file_stem(name))
}

const STYLE: &str = r#"
:root { --ok: #0072B2; --bad: #D55E00; --unknown: #CC79A7; --line: #c8c8c8; --muted: #555; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px;
       line-height: 1.4; color: #1a1a1a; margin: 0 auto; padding: 1.5rem; max-width: 1600px; }
h1 { font-size: 1.6rem; margin: 0 0 .8rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
td { overflow-wrap: anywhere; }
code, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em;
            overflow-wrap: anywhere; }
table.summary { width: auto; max-width: 100%; }
table.summary > tbody { display: grid; grid-template-columns: max-content minmax(0, 1fr) max-content minmax(0, 1fr); }
table.summary tr { display: contents; }
table.summary th, table.summary td { margin: 0 -1px -1px 0; }
table.summary th { white-space: nowrap; }
.pass { color: var(--ok); font-weight: 600; }
.fail { color: var(--bad); font-weight: 700; }
.unknown { color: var(--unknown); font-weight: 700; }
#notebook-summary { table-layout: fixed; }
#notebook-summary col.name { width: 13%; }
#notebook-summary col.compliant { width: 7em; }
#notebook-summary td, #notebook-summary th { overflow-wrap: anywhere; }
#notebook-summary.many-checks { font-size: 12px; }
#notebook-summary td.compliant { white-space: nowrap; }
table.checks { table-layout: fixed; }
table.checks col.check { width: 11%; }
table.checks col.verdict { width: 12%; }
table.checks col.passes { width: 6%; }
table.checks col.via { width: 11%; }
table.checks col.witness { width: 14%; }
table.checks col.evidence { width: 46%; }
ol.path { margin: 0; padding-left: 1.4rem; }
ul.blocks { margin: 0; padding-left: 1.1rem; }
ul.blocks li.blocked::marker { content: "✘ "; color: var(--bad); }
ul.blocks li.blocked-as-required::marker { content: "✔ "; color: var(--ok); }
ul.blocks li.blocked-allowed::marker { content: "– "; color: var(--muted); }
ul.blocks li.why-unknown::marker { content: "? "; color: var(--unknown); }
section.notebook { border-top: 1px solid var(--line); margin-top: 1.5rem; }
figure.diagram { margin: .5rem 0 1rem; overflow-x: auto; border: 1px solid var(--line); padding: .5rem; }
figure.diagram svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figure.diagram.legend svg { max-width: min(100%, 900px); }
ul.fixes pre { white-space: pre-wrap; overflow-wrap: anywhere; }
figure.diagram .piece { display: none; }
figure.diagram figcaption { font-size: .85rem; color: var(--muted); }
p.no-diagram { color: var(--bad); font-style: italic; }
footer { margin-top: 2rem; font-size: .85rem; color: var(--muted); }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; }
  h1 { font-size: 15pt; margin-bottom: .4rem; }
  h2 { break-after: avoid; margin-top: 1rem; }
  table { margin-bottom: .6rem; }
  th, td { padding: .15rem .35rem; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  section.notebook { break-before: page; border: none; margin-top: 0; }
  figure.diagram { break-before: page; break-inside: avoid; overflow: visible; border: none; padding: 0; margin: 0; }
  figure.diagram .whole { min-width: 0 !important; }
  figure.diagram svg { width: 100%; max-height: 172mm; }
  figure.diagram.legend svg { max-width: 100%; max-height: 172mm; }
  figure.diagram.pieces .whole { display: none; }
  figure.diagram .piece { display: block; break-before: page; break-inside: avoid; }
  figure.diagram .piece:first-of-type { break-before: auto; }
  p.piece-caption { margin: .2rem 0 0; font-size: 8pt; color: var(--muted); }
  .pass, .fail, .unknown, ul.blocks li::marker { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Added to [`STYLE`] when the summary has more check columns than the default six (Studio
/// sources have eight): no word is cut inside (`complian t`, `unreachabl e`) — a cell breaks only
/// at spaces, a service name after its dots and a source's name at its `/` and `@` — and on a
/// screen too narrow for that the table scrolls sideways inside its box instead of the page.
/// Printed, a diagram in pieces starts after the evidence with its caption (its pieces fill their
/// pages, so a caption after them would take a page of its own).
/// Reports with the default checks do not carry it (their bytes stay as they were).
const WIDE_STYLE: &str = r#"
div.summary-scroll { overflow-x: auto; margin: .4rem 0 1rem; }
div.summary-scroll > table { margin: 0; }
#notebook-summary.many-checks { table-layout: auto; font-size: 11.5px; }
#notebook-summary.many-checks col { width: auto; }
#notebook-summary.many-checks th, #notebook-summary.many-checks td { padding: .25rem .2rem;
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
#notebook-summary.many-checks td.name { overflow-wrap: break-word; min-width: 9em; }
#notebook-summary.many-checks .way, #notebook-summary.many-checks .nw { white-space: nowrap; }
@media print {
  div.summary-scroll { overflow: visible; }
  #notebook-summary.many-checks { font-size: 8pt; }
  figure.diagram.pieces { display: flex; flex-direction: column; break-before: auto; }
  figure.diagram.pieces > figcaption { order: -1; }
}
"#;

/// More check columns than the six of a notebook instance (`internet` and the five default
/// services): the summary table is laid out by [`WIDE_STYLE`].
fn many_checks(report: &Report) -> bool {
    meta::check_names(report).len() > 6
}

/// A summary cell's text in a wide table: the mark stays with its word (a no-break space) and the
/// way out in brackets is never broken (`(gateway-` / `ep)`).
fn wide_cell(text: &str) -> String {
    let e = escape(text).replacen(' ', "\u{a0}", 1);
    match e.find('(') {
        Some(i) => {
            let j = e[i..].find(')').map_or(e.len(), |j| i + j + 1);
            format!(
                "{}<span class=\"way\">{}</span>{}",
                &e[..i],
                &e[i..j],
                &e[j..]
            )
        }
        None => e,
    }
}

fn mark_class(c: &CheckReport) -> &'static str {
    match meta::mark(c) {
        "?" => "unknown",
        "✔" => "pass",
        _ => "fail",
    }
}

/// A check's verdict as a cell shows it: its class and its text, `✔ blocked as required` for an
/// `unreachable` verdict the profile requires. `compact`: the summary table's words.
fn verdict_cell(profile: Profile, c: &CheckReport, compact: bool) -> (&'static str, String) {
    if meta::blocked_as_required(profile, c) {
        return ("pass", format!("✔ {}", words::BLOCKED_AS_REQUIRED));
    }
    let w = if compact {
        meta::summary_cell(c)
    } else {
        meta::verdict_words(c)
    };
    (mark_class(c), format!("{} {w}", meta::mark(c)))
}

fn id(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

fn opt_id(s: Option<&str>) -> String {
    s.map(id).unwrap_or_else(|| "—".into())
}

fn ids<'a>(v: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = v.into_iter().map(id).collect();
    if v.is_empty() {
        "—".into()
    } else {
        v.join(", ")
    }
}

fn evidence(out: &mut String, profile: Profile, c: &CheckReport) {
    let v = &c.verdict;
    if v.path.is_empty() && v.blocked_by.is_empty() && v.unknown_because.is_empty() {
        out.push('—');
        return;
    }
    if !v.path.is_empty() {
        out.push_str("<ol class=\"path\">");
        for h in &v.path {
            let _ = write!(
                out,
                "<li>{} {} — {}</li>",
                escape(h.at.kind()),
                id(&h.at.id()),
                escape(&words::hop_detail(h))
            );
        }
        out.push_str("</ol>");
    }
    if !v.blocked_by.is_empty() || !v.unknown_because.is_empty() {
        // A block is a fault only where the check fails: the blocks of an `unreachable` verdict the
        // profile requires are its proof, and those of another passing check are allowed.
        let blocked = if meta::blocked_as_required(profile, c) {
            "blocked-as-required"
        } else if c.passes {
            "blocked-allowed"
        } else {
            "blocked"
        };
        out.push_str("<ul class=\"blocks\">");
        for (class, list) in [
            (blocked, &v.blocked_by),
            ("why-unknown", &v.unknown_because),
        ] {
            for b in list {
                let (code, comp, detail) = meta::block(b);
                let _ = write!(
                    out,
                    "<li class=\"{class}\"><strong>{}</strong> at {}: {}</li>",
                    escape(&code),
                    id(&comp),
                    escape(&detail)
                );
            }
        }
        out.push_str("</ul>");
    }
}

/// How diagrams get into the report.
pub enum Diagrams<'a> {
    /// Render each notebook's diagram with Graphviz (the network is needed to draw it).
    Graphviz(&'a Network),
    /// No diagrams.
    None,
}

/// The ID graphviz-rust gives the legend's cluster.
fn is_legend(s: &Stmt) -> bool {
    matches!(s, Stmt::Subgraph(Subgraph { id: Id::Escaped(i), .. })
        if i == "\"cluster_legend\"" || i == "\"legend-rank\"")
}

/// The legend drawn as a cluster of sample nodes (one per kind), which wants lining up in rows;
/// the table legend (`legend-rank`) is one node and needs nothing.
fn is_cluster_legend(s: &Subgraph) -> bool {
    matches!(&s.id, Id::Escaped(i) if i == "\"cluster_legend\"")
}

/// A notebook's scene, focused so that it stays legible on a printed page: only the notebook's
/// own subnet's routes are drawn beside the proven paths and blocks (the routes of the other
/// subnets, and what only they lead to, are left out), and subnets left without anything drawn
/// are dropped. The full picture is `vpcreach diagram --notebook NAME --full`.
fn focused_scene(
    net: &Network,
    report: &Report,
    n: &NotebookReport,
    prefix: &str,
) -> Option<Scene> {
    let opts = dot::Options {
        selection: dot::Selection {
            notebooks: vec![n.name.clone()],
            ..dot::Selection::default()
        },
        full: false,
        id_prefix: prefix.to_string(),
    };
    let mut scene = dot::scene(net, report, &opts).ok()?;
    let own = n.subnet_id.as_deref();
    scene
        .edges
        .retain(|k, _| k.kind != EdgeKind::Route || Some(k.from.as_str()) == own);
    let linked: BTreeSet<String> = scene
        .edges
        .keys()
        .flat_map(|k| [k.from.clone(), k.to.clone()])
        .collect();
    // Subnets that still hold a notebook or an end of an edge (beside their routing node).
    let kept: BTreeSet<String> = scene
        .nodes
        .iter()
        .filter(|(id, n)| {
            linked.contains(*id)
                || matches!(
                    n.kind,
                    NodeKind::NotebookCompliant | NodeKind::NotebookFailing
                )
        })
        .filter_map(|(_, n)| match &n.place {
            Place::Subnet(s) => Some(s.clone()),
            _ => None,
        })
        .chain(own.map(str::to_string))
        .collect();
    scene.nodes.retain(|id, node| match &node.place {
        Place::Subnet(s) => kept.contains(s),
        _ => {
            linked.contains(id)
                || !matches!(
                    node.kind,
                    NodeKind::NatGateway
                        | NodeKind::InternetGateway
                        | NodeKind::EgressOnlyGateway
                        | NodeKind::GatewayEndpoint
                        | NodeKind::OutOfScope
                        | NodeKind::Missing
                        | NodeKind::Collapsed
                        | NodeKind::Internet
                )
        }
    });
    scene.subnets.retain(|s, _| kept.contains(s));
    scene.collapsed.clear();
    Some(scene)
}

/// A focused scene as DOT, without the legend: the report draws it once ([`legend`]).
fn focused_dot(scene: &Scene, i: usize) -> String {
    let prefix = format!("d{i}-");
    let mut g = dot::emit::Emit { prefix: &prefix }.graph(scene);
    let (Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. }) = &mut g;
    stmts.retain(|s| !is_legend(s));
    g.print(&mut PrinterContext::default()) + "\n"
}

/// The node IDs a source's focused scene gives it and its security groups.
fn own_ids(n: &NotebookReport) -> [String; 2] {
    [dot::scene::notebook_id(&n.name), format!("sg/{}", n.name)]
}

/// `scene` with the source's own nodes renamed: `notebook/NAME` → `notebook/`, `sg/NAME` → `sg/`.
fn renamed(scene: &Scene, n: &NotebookReport) -> Scene {
    let mut s = scene.clone();
    for id in own_ids(n) {
        let to = format!("{}/", id.split('/').next().unwrap_or_default());
        if let Some(node) = s.nodes.remove(&id) {
            s.nodes.insert(to.clone(), node);
        }
        s.edges = std::mem::take(&mut s.edges)
            .into_iter()
            .map(|(mut k, e)| {
                if k.from == id {
                    k.from.clone_from(&to);
                }
                if k.to == id {
                    k.to.clone_from(&to);
                }
                (k, e)
            })
            .collect();
    }
    s
}

/// What a source's diagram draws, its name and kind left out: two sources with the same picture
/// share one placement (subnet, security groups, the other source settings drawn) and every path
/// and block drawn. Anything else that differs — a label, a tooltip (witnesses, block details), an
/// edge — keeps their diagrams apart.
fn picture(scene: &Scene, n: &NotebookReport) -> String {
    let mut s = renamed(scene, n);
    s.title.clear();
    if let Some(node) = s.nodes.get_mut("notebook/") {
        // Name, then `KIND: compliant`; the compliance is the node's kind, the rest is kept.
        node.label.drain(..node.label.len().min(2));
        node.tooltip.clear();
    }
    dot::emit::Emit { prefix: "" }.print(&s)
}

/// The report's diagrams: one per distinct picture ([`picture`]), drawn in the section of the
/// first source that has it and naming every source that shares it.
struct Drawings {
    /// Per diagram: the sources (indexes into the report) it stands for, and its scene.
    groups: Vec<(Vec<usize>, Scene)>,
    /// Per source: its diagram, if it can be drawn.
    of: Vec<Option<usize>>,
}

impl Drawings {
    fn new(net: &Network, report: &Report, nouns: Nouns) -> Drawings {
        let mut groups: Vec<(Vec<usize>, Scene)> = Vec::new();
        let mut by_picture: std::collections::BTreeMap<String, usize> = Default::default();
        let mut of = Vec::with_capacity(report.notebooks.len());
        for (i, n) in report.notebooks.iter().enumerate() {
            let Some(scene) = focused_scene(net, report, n, "") else {
                of.push(None);
                continue;
            };
            let g = *by_picture.entry(picture(&scene, n)).or_insert_with(|| {
                groups.push((Vec::new(), scene));
                groups.len() - 1
            });
            groups[g].0.push(i);
            of.push(Some(g));
        }
        for (members, scene) in &mut groups {
            if members.len() > 1 {
                relabel(scene, report, members, nouns);
            }
        }
        Drawings { groups, of }
    }
}

/// A shared diagram's source node names every source it stands for (with its kind) and the
/// diagram's title says how many.
fn relabel(scene: &mut Scene, report: &Report, members: &[usize], nouns: Nouns) {
    let first = &report.notebooks[members[0]];
    let names: Vec<String> = members
        .iter()
        .map(|&i| nouns.title(&report.notebooks[i], true))
        .collect();
    let id = dot::scene::notebook_id(&first.name);
    if let Some(node) = scene.nodes.get_mut(&id) {
        let rest = node.label.split_off(node.label.len().min(2));
        let verdict = if first.compliant {
            "compliant"
        } else {
            "NOT compliant"
        };
        node.label = names.clone();
        node.label
            .push(format!("{} {}: {verdict}", names.len(), nouns.many()));
        node.label.extend(rest);
        node.tooltip = node.label.join(" ");
    }
    if let Some(rest) = scene
        .title
        .strip_prefix(&format!("vpcreach: {} · ", first.name))
    {
        scene.title = format!("vpcreach: {} {} · {rest}", names.len(), nouns.many());
    }
}

/// One legend for every diagram of the report: the node kinds they draw and every edge kind.
fn legend_dot(drawings: &Drawings, nouns: Nouns) -> Option<String> {
    if drawings.of.iter().any(Option::is_none) {
        return None;
    }
    let kinds: BTreeSet<NodeKind> = drawings
        .groups
        .iter()
        .flat_map(|(_, s)| s.nodes.values().map(|n| n.kind))
        .collect();
    // A scene of one node per kind gives its legend; only the legend is kept.
    let mut scene = Scene {
        nouns,
        ..Scene::default()
    };
    for (i, k) in kinds.into_iter().enumerate() {
        scene.node(&format!("k{i}"), k, vec![], Place::Outside);
    }
    let count = scene.nodes.len();
    let mut g = dot::emit::Emit { prefix: "legend-" }.graph(&scene);
    let (Graph::DiGraph { stmts, .. } | Graph::Graph { stmts, .. }) = &mut g;
    stmts.retain(|s| matches!(s, Stmt::GAttribute(_)) || is_legend(s));
    // The node kinds in rows of four (invisible edges line them up), not one long column.
    for s in stmts.iter_mut() {
        if let Stmt::Subgraph(sg) = s
            && is_cluster_legend(sg)
        {
            let node = |i: usize| Vertex::N(NodeId(Id::Escaped(format!("\"legend/n{i}\"")), None));
            for i in (0..count).filter(|i| i % 4 != 3 && i + 1 < count) {
                sg.stmts.push(Stmt::Edge(Edge {
                    ty: EdgeTy::Pair(node(i), node(i + 1)),
                    attributes: vec![Attribute(
                        Id::Plain("style".into()),
                        Id::Plain("invis".into()),
                    )],
                }));
            }
        }
    }
    Some(g.print(&mut PrinterContext::default()) + "\n")
}

/// The SVG of DOT text, or the sentence that says why it is missing.
fn svg_or_why(text: &str, what: &str) -> String {
    match graphviz::svg_fragment(text, what) {
        Ok(svg) => svg,
        Err(graphviz::GraphvizError::NotInstalled { program, .. }) => format!(
            "<p class=\"no-diagram\">Diagram not included: the Graphviz program <code>{}</code> \
             is not installed (or not on PATH). Install Graphviz (Debian/Ubuntu: \
             <code>apt-get install graphviz</code>; macOS: <code>brew install graphviz</code>) \
             and write the report again.</p>",
            escape(&program)
        ),
        Err(e) => format!(
            "<p class=\"no-diagram\">Diagram not included: {}.</p>",
            escape(&e.to_string())
        ),
    }
}

/// The printable area of an A4 landscape page under the print stylesheet, in points, less the
/// room a caption takes: what one printed piece of a diagram may fill.
const PAGE_PT: (f64, f64) = (780.0, 470.0);

/// The smallest scale a printed diagram is shrunk to: Graphviz draws labels at 10–14 pt, so
/// printed labels stay at 6 pt or more.
const MIN_PRINT_SCALE: f64 = 0.6;

/// The size Graphviz gave an SVG (`width="…pt" height="…pt"`).
fn svg_size(svg: &str) -> Option<(f64, f64)> {
    let head = &svg[..svg.find('>')?];
    let attr = |name: &str| -> Option<f64> {
        let at = head.find(&format!(" {name}=\""))? + name.len() + 3;
        let rest = &head[at..];
        rest[..rest.find('"')?].strip_suffix("pt")?.parse().ok()
    };
    Some((attr("width")?, attr("height")?))
}

/// How many pieces (columns, rows) a diagram of `w`×`h` points is printed in, so that no piece is
/// shrunk below [`MIN_PRINT_SCALE`] to fit its page.
fn print_pieces(w: f64, h: f64) -> (usize, usize) {
    let n = |len: f64, page: f64| ((len * MIN_PRINT_SCALE / page).ceil() as usize).max(1);
    (n(w, PAGE_PT.0), n(h, PAGE_PT.1))
}

/// The printed pieces of a diagram too big for one page: each piece a view of part of the
/// drawing (`<use>` of its graph, so nothing is drawn twice in the file), on a page of its own;
/// on screen the whole diagram is shown instead. Empty when one page holds the diagram.
fn print_pieces_html(svg: &str, graph_id: &str) -> String {
    let Some((w, h)) = svg_size(svg) else {
        return String::new();
    };
    let (cols, rows) = print_pieces(w, h);
    if cols * rows == 1 {
        return String::new();
    }
    // Neighbouring pieces overlap a little, so a label cut at one edge is whole on the other page.
    let overlap = 24.0;
    let (pw, ph) = (w / cols as f64, h / rows as f64);
    let mut out = String::new();
    for r in 0..rows {
        for c in 0..cols {
            let x0 = (c as f64 * pw - overlap).max(0.0);
            let y0 = (r as f64 * ph - overlap).max(0.0);
            let x1 = ((c + 1) as f64 * pw + overlap).min(w);
            let y1 = ((r + 1) as f64 * ph + overlap).min(h);
            let _ = write!(
                out,
                "<div class=\"piece\"><svg viewBox=\"{x0:.1} {y0:.1} {:.1} {:.1}\" width=\"{:.1}pt\" height=\"{:.1}pt\" \
                 role=\"img\" aria-label=\"part {} of {}\"><use href=\"#{}\"/></svg>\
                 <p class=\"piece-caption\">Part {} of {} (row {} of {}, column {} of {}).</p></div>",
                x1 - x0,
                y1 - y0,
                x1 - x0,
                y1 - y0,
                r * cols + c + 1,
                cols * rows,
                escape(graph_id),
                r * cols + c + 1,
                cols * rows,
                r + 1,
                rows,
                c + 1,
                cols,
            );
        }
    }
    out
}

fn diagram(out: &mut String, d: Option<&Drawings>, report: &Report, i: usize, nouns: Nouns) {
    let n = &report.notebooks[i];
    let Some((members, scene)) = d.and_then(|d| Some(&d.groups[d.of[i]?])) else {
        return;
    };
    if members[0] != i {
        // Drawn once, in the section of the first source that has this picture.
        let first = &report.notebooks[members[0]];
        let _ = write!(
            out,
            "<p class=\"same-diagram\">Diagram: the one drawn for <a href=\"#{}\">{}</a>, which \
             stands for {}. These {} share the placement it draws and every path and block in it; \
             only their names differ.</p>",
            escape(&anchor(&first.name)),
            escape(&first.name),
            member_list(report, members, nouns),
            nouns.many(),
        );
        return;
    }
    let text = focused_dot(scene, i);
    let svg = svg_or_why(&text, &format!("the diagram of {}", n.name));
    let pieces = if svg.starts_with("<svg") {
        print_pieces_html(&svg, &format!("d{i}-graph"))
    } else {
        String::new()
    };
    let min_width = svg_size(&svg)
        .map(|(w, _)| format!(" style=\"min-width: {:.0}pt\"", w * MIN_PRINT_SCALE))
        .unwrap_or_default();
    if members.len() > 1 {
        // Before the figure, on the page of the evidence (a printed diagram fills its pages).
        let _ = write!(
            out,
            "<p class=\"shared-diagram\">The diagram below stands for {}: these {} share the \
             placement it draws and every path and block in it (only their names differ), so it \
             is drawn once.</p>",
            member_list(report, members, nouns),
            nouns.many()
        );
    }
    let _ = write!(
        out,
        "<figure class=\"diagram{}\"><div class=\"whole\"{min_width}>{svg}</div>{pieces}",
        if pieces.is_empty() { "" } else { " pieces" },
    );
    let _ = write!(
        out,
        "<figcaption>The network of {} with each check's proven path; blocked checks end at the \
         blocking component. Beside them only the routes of the {}'s own subnet are drawn, \
         and the legend is drawn once, under the summary; <code>vpcreach diagram SNAPSHOT --notebook {} --full -o {}.svg</code> \
         draws every subnet and route.</figcaption></figure>",
        escape(&n.name),
        nouns.one(),
        escape(&n.name),
        escape(&dot::file_stem(&n.name))
    );
}

/// The sources of a shared diagram, each a link to its section.
fn member_list(report: &Report, members: &[usize], nouns: Nouns) -> String {
    members
        .iter()
        .map(|&i| {
            let m = &report.notebooks[i];
            format!(
                "<a href=\"#{}\">{}</a>",
                escape(&anchor(&m.name)),
                escape(&nouns.title(m, true))
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn legend(out: &mut String, d: Option<&Drawings>, nouns: Nouns) {
    let Some(d) = d else {
        return;
    };
    if !graphviz::available() {
        // Each notebook's diagram says why it is missing; one legend of nothing would not help.
        return;
    }
    let Some(text) = legend_dot(d, nouns) else {
        return;
    };
    let _ = write!(
        out,
        "<figure class=\"diagram legend\" id=\"legend\">{}<figcaption>The legend of the {}' \
         diagrams.</figcaption></figure>",
        svg_or_why(&text, "the legend of the diagrams"),
        nouns.many()
    );
}

/// Where a source is: account, VPC, subnet, security groups and the notebook settings (a notebook
/// instance's words). A Studio source first names its domain, its network access type and its
/// profile or space; a source that is not a notebook instance leaves out the settings it does not
/// report (an interface has no direct internet or root access).
fn placement(n: &NotebookReport) -> String {
    let mut s = String::from("<p>");
    if let Some(st) = &n.studio {
        let _ = write!(
            s,
            "Studio domain {}, network access type {}",
            match &st.domain_name {
                Some(name) => format!("{} ({})", id(name), id(&st.domain_id)),
                None => id(&st.domain_id),
            },
            escape(st.access.as_str().unwrap_or("not reported")),
        );
        if let Some(p) = &st.user_profile {
            let _ = write!(s, ", user profile {}", id(p));
        }
        if let Some(sp) = &st.space {
            let _ = write!(s, ", space {}", id(sp));
        }
        s.push_str("; ");
    }
    let _ = write!(
        s,
        "{} {}, VPC {}, subnet {}, security groups {}",
        if n.studio.is_some() {
            "account"
        } else {
            "Account"
        },
        opt_id(n.account_id.as_deref()),
        opt_id(n.vpc_id.as_deref()),
        opt_id(n.subnet_id.as_deref()),
        ids(n.security_group_ids.iter().map(String::as_str)),
    );
    let notebook = n.kind == SourceKind::NotebookInstance;
    for (what, v) in [
        ("direct internet access", &n.direct_internet_access),
        ("root access", &n.root_access),
    ] {
        match v {
            Some(v) => {
                let _ = write!(s, "; {what}: {}", escape(v));
            }
            None if notebook => {
                let _ = write!(s, "; {what}: not reported");
            }
            None => {}
        }
    }
    s.push_str(".</p>");
    s
}

fn notebook_section(
    out: &mut String,
    d: Option<&Drawings>,
    report: &Report,
    i: usize,
    nouns: Nouns,
) {
    let n = &report.notebooks[i];
    let _ = write!(
        out,
        "<section class=\"notebook\" id=\"{}\"><h3>{} — <span class=\"{}\">{}</span></h3>",
        escape(&anchor(&n.name)),
        escape(&nouns.title(n, false)),
        if n.compliant { "pass" } else { "fail" },
        if n.compliant {
            "✔ compliant"
        } else {
            "✘ NOT compliant"
        }
    );
    out.push_str(&placement(n));
    if !n.reasons.is_empty() {
        out.push_str("<p>Why not compliant:</p><ul class=\"reasons\">");
        for r in &n.reasons {
            let _ = write!(out, "<li>{}</li>", escape(&words::reason(r)));
        }
        out.push_str("</ul>");
    }
    // Fixes come after the reasons they answer, before the evidence they rest on.
    if !n.fixes.is_empty() {
        let _ = write!(
            out,
            "<p>Proven fixes (each applied and every {} judged again: the check passes, no verdict gets worse):</p><ul class=\"fixes\">",
            nouns.one()
        );
        for f in &n.fixes {
            let changes: Vec<String> = f.changes.iter().map(|(_, c)| escape(c)).collect();
            let _ = write!(
                out,
                "<li><code>{}</code>: {}<pre>{}</pre></li>",
                escape(&f.check),
                changes.join("; "),
                escape(&f.aws_cli.join("\n"))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str(
        "<table class=\"checks\"><colgroup><col class=\"check\"><col class=\"verdict\">\
         <col class=\"passes\"><col class=\"via\"><col class=\"witness\"><col class=\"evidence\">\
         </colgroup><thead><tr><th>check</th><th>verdict</th><th>passes</th>\
         <th>via</th><th>witness</th><th>evidence</th></tr></thead><tbody>",
    );
    for c in &n.checks.0 {
        let (class, text) = verdict_cell(report.profile, c, false);
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"verdict {class}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>",
            id(&c.name).replace('.', ".<wbr>"),
            escape(&text),
            if c.passes {
                "yes"
            } else {
                "<strong>no</strong>"
            },
            opt_id(meta::via(c)),
            c.verdict
                .witness
                .as_ref()
                .map(|w| escape(&meta::witness(w)))
                .unwrap_or_else(|| "—".into()),
        );
        evidence(out, report.profile, c);
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table>");
    if n.findings.is_empty() {
        let _ = write!(out, "<p>{}: none.</p>", nouns.findings());
    } else {
        let _ = write!(
            out,
            "<table class=\"findings\"><thead><tr><th>{}</th><th>severity</th>\
             <th>finding</th></tr></thead><tbody>",
            nouns.finding_code()
        );
        for f in &n.findings {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                id(f.code()),
                escape(f.severity()),
                escape(words::finding_detail(*f))
            );
        }
        out.push_str("</tbody></table>");
    }
    diagram(out, d, report, i, nouns);
    out.push_str("</section>\n");
}

/// The header: what was judged, against what, from what, by what.
fn header(out: &mut String, report: &Report, m: &ReportMeta, nouns: Nouns) {
    out.push_str("<header><h1>vpcreach audit report</h1><table class=\"summary\"><tbody>");
    let mut row = |k: &str, v: String| {
        let _ = write!(out, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    let accounts = meta::accounts(report);
    row(
        if accounts.len() > 1 {
            "Accounts"
        } else {
            "Account"
        },
        if accounts.is_empty() {
            "not reported".into()
        } else {
            ids(accounts)
        },
    );
    row("Region", opt_id(report.region.as_deref()));
    row(
        "Profile",
        format!(
            "{}: {}",
            id(report.profile.as_str()),
            escape(words::profile_requirement(report.profile))
        ),
    );
    row("Required services", ids(meta::required_services(report)));
    row(nouns.heading(), report.summary.notebooks.to_string());
    row(
        "Compliant",
        format!(
            "{} of {}",
            report.summary.compliant, report.summary.notebooks
        ),
    );
    let findings = meta::findings_by_severity(report);
    row(
        nouns.findings(),
        if findings.is_empty() {
            "none".into()
        } else {
            findings
                .iter()
                .map(|(sev, codes)| {
                    format!(
                        "{} {} ({})",
                        codes.values().sum::<usize>(),
                        escape(sev),
                        codes
                            .iter()
                            .map(|(c, k)| format!("{} ×{k}", id(c)))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        },
    );
    if !report.sources.is_empty() {
        row(
            "Snapshot",
            format!(
                "<a href=\"#snapshot\">{} file{}</a> (SHA-256 below)",
                report.sources.len(),
                if report.sources.len() == 1 { "" } else { "s" }
            ),
        );
    }
    if let Some(t) = &m.timestamp {
        row("Generated", escape(t));
    }
    row("Tool", format!("vpcreach {}", escape(meta::VERSION)));
    out.push_str("</tbody></table></header>\n");
}

/// The table of all notebooks: the name, then the verdict (compliant), then one column per check.
fn summary(out: &mut String, report: &Report, nouns: Nouns) {
    if report.notebooks.is_empty() {
        out.push_str("<p>No notebooks in the snapshot.</p>");
        return;
    }
    let names = meta::check_names(report);
    // More than the default checks: a smaller font, and words kept whole ([`WIDE_STYLE`]).
    let wide = many_checks(report);
    let _ = write!(
        out,
        "{}<table id=\"notebook-summary\"{}><colgroup><col class=\"name\"><col class=\"compliant\">",
        if wide {
            "<div class=\"summary-scroll\">"
        } else {
            ""
        },
        if wide { " class=\"many-checks\"" } else { "" }
    );
    for _ in &names {
        out.push_str("<col class=\"check\">");
    }
    let _ = write!(
        out,
        "</colgroup><thead><tr><th>{}</th><th>compliant</th>",
        nouns.one()
    );
    // A long service name may break after a dot when many columns share a narrow page.
    for c in &names {
        let _ = write!(out, "<th>{}</th>", escape(c).replace('.', ".<wbr>"));
    }
    out.push_str("</tr></thead><tbody>");
    for n in &report.notebooks {
        let _ = write!(
            out,
            "<tr class=\"notebook-row\" data-notebook=\"{}\"><td class=\"name\"><a href=\"#{}\">{}</a></td>\
             <td class=\"compliant {}\">{}</td>",
            escape(&n.name),
            escape(&anchor(&n.name)),
            name_cell(&nouns.title(n, true), wide),
            if n.compliant { "pass" } else { "fail" },
            if n.compliant { "✔ yes" } else { "✘ NO" }
        );
        for name in &names {
            match meta::check(n, name) {
                Some(c) => {
                    let (class, text) = verdict_cell(report.profile, c, true);
                    let text = if wide {
                        wide_cell(&text)
                    } else {
                        escape(&text)
                    };
                    let _ = write!(out, "<td class=\"verdict {class}\">{text}</td>");
                }
                // Not asked for this source (Studio sources have more services than notebooks).
                None => out.push_str("<td class=\"verdict\">–</td>"),
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    if wide {
        out.push_str("</div>");
    }
    let _ = write!(
        out,
        "<p>✔ passes the profile, ✘ fails it, ? unknown (fails unless \
         <code>--allow-unknown</code>). <em>private</em>: every working path ends at a VPC endpoint; in brackets the way out \
         (endpoint, gateway-ep, NAT, IGW, EIGW, service-net).{}</p>",
        if report
            .notebooks
            .iter()
            .flat_map(|n| &n.checks.0)
            .any(|c| meta::blocked_as_required(report.profile, c))
        {
            format!(" <em>{}</em>", escape(words::BLOCKED_AS_REQUIRED_LEGEND))
        } else {
            String::new()
        }
    );
}

/// Render the report as one HTML document.
pub fn render(report: &Report, m: &ReportMeta, d: &Diagrams) -> String {
    let mut out = String::new();
    let region = report.region.as_deref().unwrap_or("unknown region");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"vpcreach {}\">\n<title>vpcreach audit report — {}</title>\n<style>{}{}</style>\n</head>\n<body>\n",
        meta::VERSION,
        escape(region),
        STYLE,
        if many_checks(report) { WIDE_STYLE } else { "" }
    );
    let nouns = Nouns::of(report);
    header(&mut out, report, m, nouns);
    let _ = write!(
        out,
        "<main>\n<section id=\"notebooks\"><h2>{}</h2>",
        nouns.heading()
    );
    summary(&mut out, report, nouns);
    let drawings = match d {
        Diagrams::Graphviz(net) => Some(Drawings::new(net, report, nouns)),
        Diagrams::None => None,
    };
    legend(&mut out, drawings.as_ref(), nouns);
    out.push_str("</section>\n");
    for i in 0..report.notebooks.len() {
        notebook_section(&mut out, drawings.as_ref(), report, i, nouns);
    }
    out.push_str("<section id=\"diagnostics\"><h2>Diagnostics</h2>");
    if report.diagnostics.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str(
            "<table><thead><tr><th>severity</th><th>code</th><th>resource</th><th>message</th></tr></thead><tbody>",
        );
        for dg in &report.diagnostics {
            let sev = match dg.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let _ = write!(
                out,
                "<tr><td>{sev}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                id(dg.code.as_str()),
                id(&dg.resource),
                escape(&dg.message)
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n<section id=\"snapshot\"><h2>Snapshot files</h2>");
    if report.sources.is_empty() {
        out.push_str("<p>None recorded.</p>");
    } else {
        out.push_str("<table><thead><tr><th>file</th><th>SHA-256</th></tr></thead><tbody>");
        for s in &report.sources {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                id(&s.path),
                id(&s.sha256)
            );
        }
        out.push_str("</tbody></table>");
    }
    let _ = write!(
        out,
        "</section>\n</main>\n<footer>Generated by vpcreach {}{}.</footer>\n</body>\n</html>\n",
        escape(meta::VERSION),
        m.timestamp
            .as_ref()
            .map(|t| format!(" at {}", escape(t)))
            .unwrap_or_default()
    );
    out
}
