//! The reachability engine: for each notebook, exhaustive verdicts with evidence.
//!
//! Packet *sets* are pushed from the notebook's interface through security groups, route tables,
//! network ACLs and gateways ([`walk`]); every split of the set ends in exactly one of delivered,
//! dropped (with the blocking component and rule) or undecided (with the reason). [`checks`] turns
//! those branches into the `internet` verdict and one verdict per required service, including the
//! reply path through stateless ACLs. The engine does no I/O and cannot fail: missing data becomes
//! `unknown`, never `unreachable`.

mod cache;
pub mod checks;
pub mod evidence;
pub mod explain;
pub mod filters;
pub mod memo;
pub mod reply;
pub mod resolve;
pub mod services;
#[cfg(test)]
mod tests;
pub mod trace;
pub mod walk;

use std::collections::HashSet;
use std::sync::Arc;

use serde::Serialize;

use crate::model::{Diagnostic, Network, Notebook, TargetKind};
use crate::space::Packet;

pub use crate::codes::Code;
pub use evidence::{Block, Cause, Component, Hop, RuleRef, Step};

/// The services a notebook needs by default (DESIGN §3).
pub const DEFAULT_SERVICES: &[&str] = &["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"];

/// What to check.
#[derive(Debug, Clone)]
pub struct Config {
    /// Service names as the user gave them (`s3`, `sagemaker.api`, or a full
    /// `com.amazonaws.<region>.x` name); each becomes one check.
    pub services: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            services: DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Reachable,
    Unreachable,
    Unknown,
    Partial,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Reachable => "reachable",
            Status::Unreachable => "unreachable",
            Status::Unknown => "unknown",
            Status::Partial => "partial",
        }
    }
}

/// Through what a working path leaves the notebook's VPC (or, for `unknown`, the scope-leaving
/// kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    InterfaceEndpoint,
    ServiceNetwork,
    Target(TargetKind),
}

impl Via {
    pub fn as_str(self) -> &'static str {
        match self {
            Via::InterfaceEndpoint => "interface-endpoint",
            Via::ServiceNetwork => "service-network",
            Via::Target(k) => k.as_str(),
        }
    }
    /// Working paths through these are private (they end at a VPC endpoint).
    pub fn is_endpoint(self) -> bool {
        matches!(
            self,
            Via::InterfaceEndpoint | Via::Target(TargetKind::GatewayEndpoint)
        )
    }
}

impl Serialize for Via {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The verdict of one check.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: Status,
    pub private: bool,
    pub via: Option<Via>,
    pub witness: Option<Witness>,
    pub path: Vec<Hop>,
    pub blocked_by: Vec<Block>,
    /// Why the verdict is `unknown` (empty otherwise).
    pub unknown_because: Vec<Block>,
    /// Every distinct way out that some packet of the set actually takes (sorted).
    pub vias: Vec<Via>,
}

impl Verdict {
    /// No packet of the set gets through, for the reasons in `blocked_by`.
    pub fn unreachable(blocked_by: Vec<Block>) -> Verdict {
        Verdict {
            status: Status::Unreachable,
            private: false,
            via: None,
            witness: None,
            path: Vec::new(),
            blocked_by,
            unknown_because: Vec::new(),
            vias: Vec::new(),
        }
    }

    /// Not decided, for the reasons in `unknown_because` (`blocked_by`: why endpoints were
    /// passed over, if any).
    pub fn unknown(unknown_because: Vec<Block>, blocked_by: Vec<Block>) -> Verdict {
        Verdict {
            status: Status::Unknown,
            private: false,
            via: None,
            witness: None,
            path: Vec::new(),
            blocked_by,
            unknown_because,
            vias: Vec::new(),
        }
    }
}

/// The packet that proves a reachable (or partial) verdict, or that reaches the point where an
/// unknown one leaves the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Witness {
    pub protocol: String,
    pub destination: std::net::IpAddr,
    pub port: u16,
    /// The client's source port, for service checks (whose replies depend on it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_port: Option<u16>,
}

impl Witness {
    pub fn of(p: &Packet, source_port: Option<u16>) -> Witness {
        Witness {
            protocol: p.protocol_name(),
            destination: p.destination,
            port: p.port,
            source_port,
        }
    }
}

/// All verdicts for one notebook, `internet` first, then services in the order asked.
///
/// A verdict is shared (`Arc`) between the notebooks of one placement whose evidence names
/// neither the notebook nor its address ([`memo::rebase`]): a fleet of notebooks in one subnet
/// holds one copy of each verdict, and renderers may word a shared verdict once.
#[derive(Debug, Clone)]
pub struct NotebookVerdicts {
    pub notebook: Notebook,
    pub checks: Vec<(String, std::sync::Arc<Verdict>)>,
}

/// The verdicts for every notebook, plus what the analysis found missing in the input.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub notebooks: Vec<NotebookVerdicts>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Analyse every notebook of the network.
pub fn analyze(net: &Network, cfg: &Config) -> Analysis {
    analyze_selected(net, cfg, &|_| true)
}

/// Analyse the notebooks whose name `selected` accepts.
///
/// Notebooks of one placement share their verdicts ([`memo`]): the first of each placement is
/// analysed (placements in parallel), the others get its verdicts with their own name and
/// address. The result is the same as [`analyze_each`]'s, which a test checks.
pub fn analyze_selected(net: &Network, cfg: &Config, selected: &dyn Fn(&str) -> bool) -> Analysis {
    use rayon::prelude::*;
    use std::collections::HashMap;

    let chosen: Vec<&Notebook> = net
        .notebooks
        .iter()
        .filter(|nb| selected(&nb.name))
        .collect();
    let placements = memo::Placements::new(net);
    let keys: Vec<memo::Key> = chosen
        .par_iter()
        .map(|nb| placements.key(net, nb))
        .collect();
    // The first notebook of each placement, in input order.
    let mut first_of: HashMap<&memo::Key, usize, cache::FxBuild> = HashMap::default();
    let mut firsts: Vec<usize> = Vec::new();
    let rep: Vec<usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| {
            *first_of.entry(k).or_insert_with(|| {
                firsts.push(i);
                i
            })
        })
        .collect();
    // Filter evaluations are memoised across placements for the length of this run ([`cache`]).
    let run = cache::new_run();
    let routed = routed_services(net);
    let computed: HashMap<usize, (NotebookVerdicts, Vec<bool>), cache::FxBuild> = firsts
        .par_iter()
        .map(|&i| {
            let mut v = cache::run(run, || analyze_sharing(net, chosen[i], cfg, Some(&routed)));
            let mentions = memo::mentions_source(net, &mut v);
            (i, (v, mentions))
        })
        .collect();
    rayon::broadcast(|_| cache::clear());
    cache::clear();
    let notebooks = chosen
        .par_iter()
        .enumerate()
        .map(|(i, nb)| {
            let (first, mentions) = &computed[&rep[i]];
            if rep[i] == i {
                first.clone()
            } else {
                memo::rebase(net, first, mentions, nb)
            }
        })
        .collect();
    Analysis {
        notebooks,
        diagnostics: checks::service_diagnostics(net, &cfg.services),
    }
}

/// [`analyze_selected`] without sharing verdicts between notebooks: every notebook analysed on
/// its own, one after another (the reference the shared path is tested against).
pub fn analyze_each(net: &Network, cfg: &Config, selected: &dyn Fn(&str) -> bool) -> Analysis {
    let notebooks = net
        .notebooks
        .iter()
        .filter(|nb| selected(&nb.name))
        .map(|nb| analyze_notebook(net, nb, cfg))
        .collect();
    Analysis {
        notebooks,
        diagnostics: checks::service_diagnostics(net, &cfg.services),
    }
}

/// A finished verdict: its hops' probes (what [`checks::finalize`] needed to name each hop's rule
/// for the witness) are dropped — nothing reads them afterwards, and they would tie the verdict
/// to the notebook's own address, so notebooks of one placement could not share it.
fn settle(mut v: Verdict) -> Arc<Verdict> {
    for h in &mut v.path {
        h.probe = explain::Probe::None;
    }
    Arc::new(v)
}

/// The services of the VPC endpoints some route of the network targets (gateway endpoints, by
/// full name): with the interface endpoints of a notebook's VPC, the only endpoints whose service
/// a walk compares with the service asked for ([`unserved`]).
fn routed_services(net: &Network) -> HashSet<&str, cache::FxBuild> {
    net.route_tables
        .values()
        .flat_map(|t| &t.routes)
        .filter_map(|r| net.endpoints.get(&r.target.id))
        .map(|e| e.service.as_str())
        .collect()
}

/// Whether no endpoint a walk from `nb` can meet serves `name`: no route of the network targets
/// an endpoint of it, and the VPC of the notebook's subnet (where the walk stays: `walk::Ctx`'s
/// VPC never changes) lists no interface endpoint of it. The walk then reads the name only to
/// write it into evidence ([`checks::names_service`]).
fn unserved(
    net: &Network,
    routed: &HashSet<&str, cache::FxBuild>,
    nb: &Notebook,
    name: &str,
) -> bool {
    let vpc = nb
        .subnet_id
        .as_ref()
        .and_then(|s| net.subnets.get(s))
        .map(|s| s.vpc_id.as_str());
    !routed.contains(name) && vpc.is_some_and(|v| net.interface_endpoints(v, name).next().is_none())
}

/// Analyse one notebook.
pub fn analyze_notebook(net: &Network, nb: &Notebook, cfg: &Config) -> NotebookVerdicts {
    analyze_sharing(net, nb, cfg, None)
}

/// [`analyze_notebook`]; with `routed` ([`routed_services`]), a service check shares the verdict
/// of an earlier one of this notebook when no endpoint the walk can meet serves either service
/// ([`unserved`]), both resolve
/// to the same addresses with the same notes, and the earlier verdict does not name its service
/// (typically the services a NAT gateway or nothing takes, which all resolve to the public
/// addresses of AWS). A debug build also judges the shared check and compares.
fn analyze_sharing(
    net: &Network,
    nb: &Notebook,
    cfg: &Config,
    routed: Option<&HashSet<&str, cache::FxBuild>>,
) -> NotebookVerdicts {
    // Studio sources check Studio's default list (DEFAULT_SERVICES plus what VPC-only mode needs).
    let services = services::for_source(nb.kind, &cfg.services, net.region.as_deref());
    if !nb.placement_known {
        // A list-notebook-instances summary: where the notebook is, nobody said.
        let unknown = || {
            Verdict::unknown(
                vec![Block::new(
                    Code::NotebookPlacementUnknown,
                    Component::Notebook(nb.name.clone()),
                    if nb.kind.is_studio() {
                        Cause::StudioPlacementUnknown
                    } else {
                        Cause::PlacementUnknown
                    },
                )],
                Vec::new(),
            )
        };
        let mut out = vec![("internet".to_string(), Arc::new(unknown()))];
        out.extend(services.iter().map(|s| (s.clone(), Arc::new(unknown()))));
        return NotebookVerdicts {
            notebook: nb.clone(),
            checks: out,
        };
    }
    let mut out = vec![("internet".to_string(), settle(checks::internet(net, nb)))];
    let mut shared: Vec<(checks::Connect, Arc<Verdict>)> = Vec::new();
    for s in &services {
        let v = match checks::ask(net, nb, s) {
            checks::Asked::Done(v) => settle(v),
            checks::Asked::Connect(c) => match routed {
                Some(routed) if unserved(net, routed, nb, &c.name) => {
                    if let Some((_, v)) = shared.iter().find(|(d, _)| d.same_connections(&c)) {
                        debug_assert_eq!(**v, *settle(c.connect(net, nb)), "shared {s}");
                        Arc::clone(v)
                    } else {
                        let v = c.connect(net, nb);
                        let v = (!checks::names_service(&v, &c.name), settle(v));
                        if v.0 {
                            shared.push((c, Arc::clone(&v.1)));
                        }
                        v.1
                    }
                }
                _ => settle(c.connect(net, nb)),
            },
        };
        out.push((s.clone(), v));
    }
    NotebookVerdicts {
        notebook: nb.clone(),
        checks: out,
    }
}
