//! Graphviz diagrams of the network and the proof: a cluster per VPC, availability zone and
//! subnet; notebooks and endpoint interfaces inside their subnets; gateways and endpoints at the
//! VPC's edge; the internet and each AWS service checked outside. Edges are the forwarding
//! relations routes create (one per subnet per route target), and each check's proven path is
//! drawn over them hop by hop, with the blocking components marked.
//!
//! Three steps: [`scene`] decides what is drawn (and collapses idle subnets of big diagrams, or
//! everything off one selected notebook's paths and blocks: its own view; services no edge
//! reaches fold into one node), [`evidence`] adds the paths and blocks from the report (a block's
//! edge ends at the resource to change, labelled with a short fix worded in [`fix`]), [`emit`]
//! prints DOT through graphviz-rust's typed model, with the legend as one table of the kinds
//! drawn. Running Graphviz itself is [`super::graphviz`]'s job.

pub mod emit;
mod evidence;
pub mod fix;
pub mod scene;
pub mod style;

use vpcreach_core::model::Network;
use vpcreach_core::report::Report;

use scene::{Chosen, Scene};

/// A diagram with more nodes than this collapses the subnets that hold no notebook and carry no
/// proven path into one node per VPC (unless [`Options::full`]). About 60 nodes is what stays
/// legible on one screen at 100–200 % zoom.
pub const MAX_NODES: usize = 60;

/// What to draw; empty lists mean "all" (VPCs: those of the chosen notebooks, else all).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub notebooks: Vec<String>,
    pub checks: Vec<String>,
    pub vpcs: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub selection: Selection,
    /// Never collapse subnets (neither past [`MAX_NODES`] nor in the per-notebook view that one
    /// selected notebook gets).
    pub full: bool,
    /// Prefix of every SVG element ID (several diagrams inline in one HTML page).
    pub id_prefix: String,
}

/// A selection that names something the snapshot or report does not have.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SelectionError {
    #[error("no such notebook in the snapshot: {name} (it has: {known})")]
    UnknownNotebook { name: String, known: String },
    #[error("no such VPC in the snapshot: {id} (it has: {known})")]
    UnknownVpc { id: String, known: String },
    #[error("not a check of this report: {name} (checks: {known})")]
    UnknownCheck { name: String, known: String },
}

fn known(v: impl Iterator<Item = String>) -> String {
    let v: Vec<String> = v.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

fn choose<'a>(
    net: &Network,
    report: &'a Report,
    sel: &Selection,
) -> Result<Chosen<'a>, SelectionError> {
    for n in &sel.notebooks {
        if !report.notebooks.iter().any(|r| &r.name == n) {
            return Err(SelectionError::UnknownNotebook {
                name: n.clone(),
                known: known(report.notebooks.iter().map(|r| r.name.clone())),
            });
        }
    }
    for v in &sel.vpcs {
        if !net.vpcs.contains_key(v) {
            return Err(SelectionError::UnknownVpc {
                id: v.clone(),
                known: known(net.vpcs.keys().cloned()),
            });
        }
    }
    let mut all_checks: Vec<String> = crate::meta::check_names(report)
        .into_iter()
        .map(str::to_string)
        .collect();
    if all_checks.is_empty() {
        all_checks.push("internet".to_string());
    }
    for c in &sel.checks {
        if !all_checks.contains(c) {
            return Err(SelectionError::UnknownCheck {
                name: c.clone(),
                known: all_checks.join(", "),
            });
        }
    }
    let checks = if sel.checks.is_empty() {
        all_checks
    } else {
        all_checks
            .into_iter()
            .filter(|c| sel.checks.contains(c))
            .collect()
    };
    let picked: Vec<_> = report
        .notebooks
        .iter()
        .filter(|n| sel.notebooks.is_empty() || sel.notebooks.contains(&n.name))
        .collect();
    let vpcs: Vec<String> = if !sel.vpcs.is_empty() {
        let mut v = sel.vpcs.clone();
        v.sort();
        v.dedup();
        v
    } else if !sel.notebooks.is_empty() {
        let mut v: Vec<String> = picked
            .iter()
            .filter_map(|n| n.vpc_id.clone())
            .filter(|v| net.vpcs.contains_key(v))
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        net.vpcs.keys().cloned().collect()
    };
    let service_vpc = sel.vpcs.is_empty();
    let notebooks = picked
        .into_iter()
        .filter(|n| match &n.vpc_id {
            Some(v) => vpcs.contains(v),
            None => service_vpc,
        })
        .collect();
    Ok(Chosen {
        vpcs,
        notebooks,
        checks,
        service_vpc,
    })
}

fn title(report: &Report, chosen: &Chosen) -> String {
    let names: Vec<&str> = chosen.notebooks.iter().map(|n| n.name.as_str()).collect();
    let who = match names.len() {
        0 => "no notebooks".to_string(),
        1..=3 => names.join(", "),
        n => format!("{n} {}", nouns_of(chosen).many()),
    };
    format!(
        "vpcreach: {who} · checks: {} · profile {}{}",
        chosen.checks.join(", "),
        report.profile.as_str(),
        report
            .region
            .as_deref()
            .map(|r| format!(" · {r}"))
            .unwrap_or_default()
    )
}

/// The scene for a selection: structure, evidence, and collapsing when it is too big.
pub fn scene(net: &Network, report: &Report, opts: &Options) -> Result<Scene, SelectionError> {
    let chosen = choose(net, report, &opts.selection)?;
    let mut s = scene::structure(net, &chosen);
    s.nouns = nouns_of(&chosen);
    for nb in &chosen.notebooks {
        evidence::add_notebook(&mut s, net, nb, &chosen.checks);
    }
    scene::mark_planned(&mut s, net);
    s.title = title(report, &chosen);
    // One notebook selected: its own view (its subnet, what its paths and blocks touch), the
    // rest folded. Otherwise fold only when the diagram is too big to read.
    let one_notebook = opts.selection.notebooks.len() == 1 && chosen.notebooks.len() == 1;
    if !opts.full && (one_notebook || s.size() > MAX_NODES) {
        scene::collapse(&mut s);
        if one_notebook {
            scene::focus(&mut s);
        }
    }
    scene::fold_unused_services(&mut s);
    Ok(s)
}

/// What a diagram calls its sources: notebooks when it draws notebook instances only.
fn nouns_of(chosen: &Chosen) -> crate::table::Nouns {
    crate::table::Nouns::of_kinds(chosen.notebooks.iter().map(|n| n.kind))
}

/// Render one diagram as DOT text.
pub fn render(net: &Network, report: &Report, opts: &Options) -> Result<String, SelectionError> {
    let s = scene(net, report, opts)?;
    Ok(emit::Emit {
        prefix: &opts.id_prefix,
    }
    .print(&s))
}

/// One diagram file of `analyze --dot DIR`.
#[derive(Debug, Clone)]
pub struct DiagramFile {
    /// A safe file name (`notebook-nb-analytics.dot`, `vpc-vpc-0a1b….dot`).
    pub file_name: String,
    pub dot: String,
}

/// A file-name-safe form of an ID or name: ASCII letters, digits, `.`, `-` and `_`; anything
/// else becomes `_`, and a leading dot is replaced so no hidden file is written.
pub fn file_stem(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with('.') || out.is_empty() {
        out.insert(0, '_');
    }
    out
}

/// One diagram per notebook (all its checks) and one overview per VPC (all its notebooks).
pub fn per_notebook_and_vpc(net: &Network, report: &Report, full: bool) -> Vec<DiagramFile> {
    let mut out = Vec::new();
    for nb in &report.notebooks {
        let opts = Options {
            selection: Selection {
                notebooks: vec![nb.name.clone()],
                ..Selection::default()
            },
            full,
            id_prefix: String::new(),
        };
        if let Ok(dot) = render(net, report, &opts) {
            out.push(DiagramFile {
                file_name: format!("notebook-{}.dot", file_stem(&nb.name)),
                dot,
            });
        }
    }
    for vpc in net.vpcs.keys() {
        let opts = Options {
            selection: Selection {
                vpcs: vec![vpc.clone()],
                ..Selection::default()
            },
            full,
            id_prefix: String::new(),
        };
        if let Ok(dot) = render(net, report, &opts) {
            out.push(DiagramFile {
                file_name: format!("vpc-{}.dot", file_stem(vpc)),
                dot,
            });
        }
    }
    out
}
