//! Proven remediation. For every check a profile fails (and the SageMaker.1 finding under
//! `isolated`), candidate changes are drawn from the notebook's own placement — the endpoint's and
//! the notebook's security groups, the VPC's DNS attributes, the endpoint's private DNS, the
//! gateway endpoint's route tables, the subnet's network ACL and routes, the notebook's direct
//! internet access (see [`edit::Edit`]). Each candidate (alone, then in pairs when no single
//! change is enough) is applied to a copy of the snapshot and the **whole snapshot is judged
//! again** by the one engine: it is offered only if the target check then passes and no verdict of
//! any notebook gets worse (`vpcreach_core::diff` finds no regression). So a fix is a proof, not
//! advice: `proven` is the re-run, and `rechecked` says how many checks it covered.
//!
//! Fixes are ranked by size (number of changes), then by blast radius (notebooks whose verdicts
//! change at all), then by the change's own order (deterministic).

pub mod edit;

use std::collections::{BTreeMap, BTreeSet};

use vpcreach_aws::Snapshot;
use vpcreach_core::analysis::services;
use vpcreach_core::assess::{self, Options};
use vpcreach_core::diff::{self, Verdicts};
use vpcreach_core::model::{EndpointKind, Network, TargetKind};
use vpcreach_core::report::{Finding, Profile, Report};

pub use edit::{Edit, Peer};

/// The most fixes offered per failing check.
pub const PER_CHECK: usize = 3;

/// What a fix repairs: a check, or the SageMaker.1 finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Check(String),
    DirectInternetAccess,
    /// SageMaker.2: the notebook is in no VPC of the customer's.
    NoVpc,
}

impl Target {
    /// The check's name, or `SageMaker.1`.
    pub fn name(&self) -> &str {
        match self {
            Target::Check(c) => c,
            Target::DirectInternetAccess => "SageMaker.1",
            Target::NoVpc => "SageMaker.2",
        }
    }
}

/// A change set proven to repair `target` of `notebook` without making any verdict worse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenFix {
    pub notebook: String,
    pub target: Target,
    pub edits: Vec<Edit>,
    /// Every notebook whose verdicts change with it (the blast radius), sorted.
    pub affected: Vec<String>,
    /// How many checks (of every notebook) were judged again to prove it.
    pub rechecked: usize,
}

/// Why fixes could not be searched.
#[derive(Debug)]
pub enum FixError {
    Convert(vpcreach_aws::ConvertError),
    Assess(assess::AssessError),
}

impl std::fmt::Display for FixError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FixError::Convert(e) => write!(f, "{e}"),
            FixError::Assess(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FixError {}

/// One snapshot judged: its network and its report.
fn judge(snap: &Snapshot, opts: &Options) -> Result<(Network, Option<Report>), FixError> {
    let net = vpcreach_aws::convert(snap).map_err(FixError::Convert)?;
    let report = match assess::assess(std::slice::from_ref(&net), opts) {
        Ok(mut r) => r.pop().map(|(_, r)| r),
        Err(assess::AssessError::NoNotebooks { .. }) => None,
        Err(e) => return Err(FixError::Assess(e)),
    };
    Ok((net, report))
}

fn passes(report: &Report, notebook: &str, target: &Target) -> bool {
    let Some(n) = report.notebooks.iter().find(|n| n.name == notebook) else {
        return false;
    };
    match target {
        Target::Check(c) => n.checks.0.iter().any(|x| &x.name == c && x.passes),
        Target::DirectInternetAccess => !n.findings.contains(&Finding::DirectInternetAccess),
        Target::NoVpc => !n.findings.contains(&Finding::NoVpc),
    }
}

/// Every proven fix for every failing check of the notebooks `only` names (all when empty), in
/// notebook order, then target order, then rank. `snap` is one region's snapshot.
pub fn fixes(snap: &Snapshot, opts: &Options, only: &[String]) -> Result<Vec<ProvenFix>, FixError> {
    let (net, Some(report)) = judge(snap, opts)? else {
        return Ok(Vec::new());
    };
    let mut search = Search {
        snap,
        opts,
        net: &net,
        report: &report,
        before: Verdicts::from(&report),
        checks: report.notebooks.iter().map(|n| n.checks.0.len()).sum(),
        tried: BTreeMap::new(),
        firsts_of: BTreeMap::new(),
    };
    let mut out = Vec::new();
    // Notebooks in no VPC last: they may take the placement of one whose fixes are known.
    let mut order: Vec<&vpcreach_core::report::NotebookReport> = report.notebooks.iter().collect();
    order.sort_by_key(|n| n.subnet_id.is_none());
    for n in order {
        if n.compliant
            || (!only.is_empty() && !only.iter().any(|o| o.eq_ignore_ascii_case(&n.name)))
        {
            continue;
        }
        let mut targets: Vec<Target> = n
            .checks
            .0
            .iter()
            .filter(|c| !c.passes)
            .map(|c| Target::Check(c.name.clone()))
            .collect();
        if report.profile == Profile::Isolated
            && n.findings.contains(&Finding::DirectInternetAccess)
        {
            targets.push(Target::DirectInternetAccess);
        }
        if report.profile == Profile::Isolated && n.findings.contains(&Finding::NoVpc) {
            targets.push(Target::NoVpc);
        }
        // Services first: the internet (and SageMaker.1) can often be closed only once the
        // services have a private way (the third stage builds on their fixes).
        targets.sort_by_key(|t| {
            matches!(t, Target::DirectInternetAccess | Target::NoVpc) || t.name() == "internet"
        });
        let mut firsts: Vec<Edit> = Vec::new();
        let mut open = Vec::new();
        let mut found_all: Vec<Vec<ProvenFix>> = Vec::new();
        for target in &targets {
            let found = search.target(&n.name, target, &firsts);
            search.note_first(&n.name, &found);
            add_firsts(&mut firsts, &found);
            if found.is_empty() {
                open.push(found_all.len());
            }
            found_all.push(found);
        }
        // A second pass for what found nothing: on top of every fix found since.
        for i in open {
            let found = search.target(&n.name, &targets[i], &firsts);
            search.note_first(&n.name, &found);
            add_firsts(&mut firsts, &found);
            found_all[i] = found;
        }
        out.extend(found_all.into_iter().flatten());
    }
    Ok(out)
}

fn add_firsts(firsts: &mut Vec<Edit>, found: &[ProvenFix]) {
    if let Some(f) = found.first() {
        for e in &f.edits {
            if !firsts.contains(e) {
                firsts.push(e.clone());
            }
        }
    }
}

/// The search's state: the snapshot, its judgement, and every change set already proven or
/// refuted (sets recur across checks and notebooks).
struct Search<'a> {
    snap: &'a Snapshot,
    opts: &'a Options,
    net: &'a Network,
    report: &'a Report,
    before: Verdicts,
    checks: usize,
    tried: BTreeMap<Vec<Edit>, Option<(Report, Vec<String>)>>,
    /// Per notebook, the changes of the first fix of each of its checks (for hosting a notebook
    /// in no VPC).
    firsts_of: BTreeMap<String, Vec<Edit>>,
}

impl Search<'_> {
    fn note_first(&mut self, notebook: &str, found: &[ProvenFix]) {
        let v = self.firsts_of.entry(notebook.to_string()).or_default();
        add_firsts(v, found);
    }

    /// The last resort's change sets: re-create `notebook` where a compliant notebook lives; for
    /// a notebook in no VPC also where any notebook lives, together with the changes that notebook's
    /// own fixes make to the network (never those made to that notebook itself).
    fn move_sets(&self, notebook: &str) -> Vec<Vec<Edit>> {
        let mut sets: Vec<Vec<Edit>> = moves(self.report, self.net, notebook)
            .into_iter()
            .map(|m| vec![m])
            .collect();
        let no_vpc = self
            .net
            .notebooks
            .iter()
            .any(|n| n.name == notebook && n.subnet_id.is_none());
        if no_vpc {
            for h in self.report.notebooks.iter().filter(|h| !h.compliant) {
                let (Some(subnet), Some(fixes)) = (&h.subnet_id, self.firsts_of.get(&h.name))
                else {
                    continue;
                };
                let mut set: Vec<Edit> = fixes
                    .iter()
                    .filter(|e| e.resource() != h.name)
                    .cloned()
                    .collect();
                set.push(Edit::MoveNotebook {
                    notebook: notebook.to_string(),
                    subnet: subnet.clone(),
                    groups: h.security_group_ids.clone(),
                    like: h.name.clone(),
                });
                sets.push(set);
            }
        }
        sets.truncate(6);
        sets
    }

    /// The best fixes of `target` of `notebook`, best first: 1, each change alone; 2, pairs;
    /// 3, each change on top of `firsts` (the first fix of the notebook's other checks);
    /// 4, the last resort, re-creating the notebook where a compliant one lives.
    fn target(&mut self, notebook: &str, target: &Target, firsts: &[Edit]) -> Vec<ProvenFix> {
        let cands = candidates(self.snap, self.net, notebook, target);
        let mut found: Vec<ProvenFix> = Vec::new();
        for stage in 1..=4 {
            let sets = if stage == 4 {
                self.move_sets(notebook)
            } else {
                change_sets(stage, &cands, firsts)
            };
            for set in &sets {
                let (snap, opts, before) = (self.snap, self.opts, &self.before);
                let result = self
                    .tried
                    .entry(set.clone())
                    .or_insert_with(|| prove(snap, set, opts, before));
                if let Some((after, affected)) = result
                    && passes(after, notebook, target)
                {
                    found.push(ProvenFix {
                        notebook: notebook.to_string(),
                        target: target.clone(),
                        edits: set.clone(),
                        affected: affected.clone(),
                        rechecked: self.checks,
                    });
                }
            }
            if !found.is_empty() {
                break;
            }
        }
        found.sort_by(|a, b| {
            (a.edits.len(), a.affected.len(), &a.edits).cmp(&(
                b.edits.len(),
                b.affected.len(),
                &b.edits,
            ))
        });
        found.truncate(PER_CHECK);
        found
    }
}

impl ProvenFix {
    /// The fix as the report carries it.
    pub fn to_report(&self) -> vpcreach_core::report::Fix {
        vpcreach_core::report::Fix {
            check: self.target.name().to_string(),
            changes: self
                .edits
                .iter()
                .map(|e| (e.resource().to_string(), e.describe()))
                .collect(),
            aws_cli: self.edits.iter().flat_map(Edit::aws_cli).collect(),
            terraform: self.edits.iter().map(Edit::terraform).collect(),
            cloudformation: self.edits.iter().map(Edit::cloudformation).collect(),
            affected: self.affected.clone(),
            rechecked: self.rechecked,
        }
    }
}

/// Put each notebook's fixes into `report` (the report of the same snapshot and options).
pub fn attach(report: &mut Report, fixes: &[ProvenFix]) {
    for n in &mut report.notebooks {
        n.fixes = fixes
            .iter()
            .filter(|f| f.notebook == n.name)
            .map(ProvenFix::to_report)
            .collect();
    }
}

/// The change sets of a search stage: 1, each candidate alone; 2, pairs of candidates (a bounded
/// search); 3, each candidate on top of the first fix of every other failing check of the
/// notebook (`firsts`).
fn change_sets(stage: u8, cands: &[Edit], firsts: &[Edit]) -> Vec<Vec<Edit>> {
    match stage {
        1 => cands.iter().map(|e| vec![e.clone()]).collect(),
        2 => {
            let c: Vec<&Edit> = cands.iter().take(16).collect();
            let mut v = Vec::new();
            for i in 0..c.len() {
                for j in i + 1..c.len() {
                    v.push(vec![c[i].clone(), c[j].clone()]);
                }
            }
            v
        }
        _ if firsts.is_empty() => Vec::new(),
        // The other checks' fixes may be enough on their own.
        _ => std::iter::once(firsts.to_vec())
            .chain(cands.iter().filter(|e| !firsts.contains(e)).map(|e| {
                let mut v = firsts.to_vec();
                v.push(e.clone());
                v
            }))
            .collect(),
    }
}

/// Apply `set` to a copy of `snap` and judge everything again: the report and the notebooks
/// whose verdicts change, or `None` when a change does not apply or some verdict gets worse.
fn prove(
    snap: &Snapshot,
    set: &[Edit],
    opts: &Options,
    before: &Verdicts,
) -> Option<(Report, Vec<String>)> {
    let mut s = snap.clone();
    if !set.iter().all(|e| e.apply(&mut s)) {
        return None;
    }
    let (_, Some(after)) = judge(&s, opts).ok()? else {
        return None;
    };
    let d = diff::diff(before, &Verdicts::from(&after));
    if d.has_regression() {
        return None;
    }
    let affected: BTreeSet<String> = d
        .notebooks
        .iter()
        .filter(|x| x.regressions() + x.improvements() > 0 || x.compliance_changed())
        .map(|x| x.name.clone())
        .collect();
    Some((after, affected.into_iter().collect()))
}

/// Apply fixes one after another, each kept only if the snapshot with it still has no verdict
/// worse than the original's nor than the one before it: fixes proven one at a time can interact
/// (two notebooks sharing a route table), so the whole is proven again. Returns the fixed
/// snapshot and, for each fix, whether it was kept.
pub fn apply_proven(
    snap: &Snapshot,
    fixes: &[&ProvenFix],
    opts: &Options,
) -> Result<(Snapshot, Vec<bool>), FixError> {
    let (_, Some(first)) = judge(snap, opts)? else {
        return Ok((snap.clone(), vec![false; fixes.len()]));
    };
    let original = Verdicts::from(&first);
    let mut current = snap.clone();
    let mut now = original.clone();
    let mut kept = Vec::new();
    for f in fixes {
        let mut next = current.clone();
        if !f.edits.iter().all(|e| e.apply(&mut next)) {
            kept.push(false);
            continue;
        }
        let ok = match judge(&next, opts)? {
            (_, Some(after)) => {
                let v = Verdicts::from(&after);
                let fine = !diff::diff(&original, &v).has_regression()
                    && !diff::diff(&now, &v).has_regression();
                if fine {
                    current = next;
                    now = v;
                }
                fine
            }
            (_, None) => false,
        };
        kept.push(ok);
    }
    Ok((current, kept))
}

/// Apply fixes to a copy of the snapshot, unchecked (see [`apply_proven`]). Edits shared by
/// several fixes are applied once.
pub fn apply(snap: &Snapshot, fixes: &[&ProvenFix]) -> Snapshot {
    let mut s = snap.clone();
    let mut done = BTreeSet::new();
    for f in fixes {
        for e in &f.edits {
            if done.insert(e.clone()) {
                e.apply(&mut s);
            }
        }
    }
    s
}

/// Re-creating the notebook where a compliant notebook lives, with that notebook's security
/// groups: in the notebook's own VPC — a VPC is a boundary a fix does not cross — or, for a
/// notebook in no VPC of the customer's (SageMaker.2), in any VPC. At most three placements.
fn moves(report: &Report, net: &Network, notebook: &str) -> Vec<Edit> {
    let vpc_of = |n: &str| {
        net.notebooks
            .iter()
            .find(|x| x.name == n)
            .and_then(|x| x.vpc_id.clone())
    };
    let own_vpc = vpc_of(notebook);
    let own_subnet = net
        .notebooks
        .iter()
        .find(|x| x.name == notebook)
        .and_then(|x| x.subnet_id.clone());
    let mut homes: Vec<(bool, String, Vec<String>, String)> = report
        .notebooks
        .iter()
        .filter(|h| h.compliant && h.name != notebook)
        .filter(|h| own_vpc.is_none() || vpc_of(&h.name) == own_vpc)
        .filter_map(|h| {
            let subnet = h.subnet_id.clone()?;
            (Some(&subnet) != own_subnet.as_ref()).then(|| {
                (
                    vpc_of(&h.name) != own_vpc,
                    subnet,
                    h.security_group_ids.clone(),
                    h.name.clone(),
                )
            })
        })
        .collect();
    homes.sort();
    homes.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);
    homes
        .into_iter()
        .take(3)
        .map(|(_, subnet, groups, like)| Edit::MoveNotebook {
            notebook: notebook.to_string(),
            subnet,
            groups,
            like,
        })
        .collect()
}

/// The changes worth trying for `target` of `notebook`, from its placement.
fn candidates(snap: &Snapshot, net: &Network, notebook: &str, target: &Target) -> Vec<Edit> {
    let mut out = BTreeSet::new();
    let Some(nb) = net.notebooks.iter().find(|n| n.name == notebook) else {
        return Vec::new();
    };
    match target {
        Target::DirectInternetAccess => {
            out.insert(Edit::DisableDirectInternetAccess {
                notebook: notebook.to_string(),
            });
            return out.into_iter().collect();
        }
        Target::NoVpc => return Vec::new(),
        Target::Check(_) => {}
    }
    let subnet = nb.subnet_id.as_ref().and_then(|s| net.subnets.get(s));
    let Target::Check(check) = target else {
        unreachable!("handled above")
    };
    if check == "internet" {
        if nb.direct_internet_access.as_str() == Some("Enabled") {
            out.insert(Edit::DisableDirectInternetAccess {
                notebook: notebook.to_string(),
            });
        }
        if let Some(rt) = subnet
            .and_then(|s| s.route_table.as_ref())
            .and_then(|t| net.route_tables.get(t))
        {
            for r in &rt.routes {
                if !matches!(
                    r.target.kind,
                    TargetKind::Local | TargetKind::GatewayEndpoint
                ) {
                    out.insert(Edit::DeleteRoute {
                        route_table: rt.id.clone(),
                        destination: r.dest.to_string(),
                    });
                }
            }
        }
        return out.into_iter().collect();
    }
    // Direct internet access sends every service's public traffic out the service network.
    if nb.direct_internet_access.as_str() == Some("Enabled") {
        out.insert(Edit::DisableDirectInternetAccess {
            notebook: notebook.to_string(),
        });
    }
    let Some(subnet) = subnet else {
        return out.into_iter().collect();
    };
    let Some(vpc) = net.vpcs.get(&subnet.vpc_id) else {
        return Vec::new();
    };
    let Ok(service) = services::canonical(check, net.region.as_deref()) else {
        return Vec::new();
    };
    // Short names (`sts`) are the region's service.
    let service = match (&net.region, service.starts_with("com.amazonaws.")) {
        (_, true) => service,
        (Some(r), false) => format!("com.amazonaws.{r}.{service}"),
        (None, false) => return out.into_iter().collect(),
    };
    if vpc.dns_support != Some(true) {
        out.insert(Edit::EnableVpcDns {
            vpc: vpc.id.clone(),
            hostnames: false,
        });
    }
    if vpc.dns_hostnames != Some(true) {
        out.insert(Edit::EnableVpcDns {
            vpc: vpc.id.clone(),
            hostnames: true,
        });
    }
    let gateway_service = service.ends_with(".s3") || service.ends_with(".dynamodb");
    let has = |kind: EndpointKind| {
        net.endpoints.values().any(|e| {
            e.vpc_id.as_deref() == Some(vpc.id.as_str()) && e.service == service && e.kind == kind
        })
    };
    if gateway_service {
        let pl = snap
            .prefix_lists
            .iter()
            .find(|p| p.prefix_list_name.as_deref() == Some(service.as_str()))
            .map(|p| p.prefix_list_id.clone());
        if let (Some(rt), Some(pl), false) = (&subnet.route_table, pl, has(EndpointKind::Gateway)) {
            out.insert(Edit::CreateGatewayEndpoint {
                vpc: vpc.id.clone(),
                service: service.clone(),
                route_table: rt.clone(),
                prefix_list: pl,
            });
        }
    } else if !has(EndpointKind::Interface) && !nb.security_groups.is_empty() {
        out.insert(Edit::CreateInterfaceEndpoint {
            vpc: vpc.id.clone(),
            service: service.clone(),
            subnet: subnet.id.clone(),
            from_groups: nb.security_groups.clone(),
        });
        let (_, sg) = edit::created_ids(&vpc.id, &service);
        for h in &nb.security_groups {
            out.insert(Edit::AllowHttps {
                group: h.clone(),
                egress: true,
                peer: Peer::Group(sg.clone()),
            });
        }
    }
    let endpoint_acls = endpoint_candidates(snap, net, nb, subnet, &service, &mut out);
    // Network ACLs: HTTPS out and its replies in on the notebook's subnet; HTTPS in and the
    // replies out on each endpoint subnet. Numbered before every entry of their direction.
    let cidr = vpc
        .cidrs
        .iter()
        .map(|c| c.to_string())
        .find(|c| !c.contains(':'));
    let public = if service.ends_with(".s3") || service.ends_with(".dynamodb") {
        Some("0.0.0.0/0".to_string())
    } else {
        cidr.clone()
    };
    if let (Some(acl), Some(dest)) = (&subnet.acl, &public) {
        acl_pair(net, acl, std::slice::from_ref(dest), true, &mut out);
        // For S3 and DynamoDB: the AWS-managed prefix list's CIDRs one by one, which admits the
        // service without opening everything else.
        if gateway_service
            && let Some(cidrs) = snap
                .prefix_lists
                .iter()
                .find(|p| p.prefix_list_name.as_deref() == Some(service.as_str()))
                .and_then(|p| p.cidrs.clone())
                .filter(|c| !c.is_empty() && c.len() <= 50)
        {
            acl_pair(net, acl, &cidrs, true, &mut out);
        }
    }
    if let Some(c) = &cidr {
        for acl in endpoint_acls {
            acl_pair(net, &acl, std::slice::from_ref(c), false, &mut out);
        }
    }
    out.into_iter().collect()
}

/// The changes to the VPC's existing endpoints for `service` (private DNS, their security groups
/// and the notebook's, gateway-endpoint associations); returns the network ACLs of the interface
/// endpoints' other subnets.
fn endpoint_candidates(
    snap: &Snapshot,
    net: &Network,
    nb: &vpcreach_core::model::Notebook,
    subnet: &vpcreach_core::model::Subnet,
    service: &str,
    out: &mut BTreeSet<Edit>,
) -> BTreeSet<String> {
    let mut endpoint_acls = BTreeSet::new();
    for ep in net.endpoints.values() {
        if ep.vpc_id.as_deref() != Some(subnet.vpc_id.as_str()) || ep.service != service {
            continue;
        }
        match ep.kind {
            EndpointKind::Interface => {
                if !ep.private_dns {
                    out.insert(Edit::EnablePrivateDns {
                        endpoint: ep.id.clone(),
                    });
                }
                for g in &ep.groups {
                    for h in &nb.security_groups {
                        out.insert(Edit::AllowHttps {
                            group: g.clone(),
                            egress: false,
                            peer: Peer::Group(h.clone()),
                        });
                        out.insert(Edit::AllowHttps {
                            group: h.clone(),
                            egress: true,
                            peer: Peer::Group(g.clone()),
                        });
                    }
                }
                for s in &ep.subnets {
                    if let Some(a) = net.subnets.get(s).and_then(|s| s.acl.clone())
                        && s != &subnet.id
                    {
                        endpoint_acls.insert(a);
                    }
                }
            }
            EndpointKind::Gateway => {
                let pl = snap
                    .prefix_lists
                    .iter()
                    .find(|p| p.prefix_list_name.as_deref() == Some(service))
                    .map(|p| p.prefix_list_id.clone());
                if let (Some(rt), Some(pl)) = (&subnet.route_table, pl) {
                    if !ep.route_tables.contains(rt) {
                        out.insert(Edit::AssociateGatewayEndpoint {
                            endpoint: ep.id.clone(),
                            route_table: rt.clone(),
                            prefix_list: pl.clone(),
                        });
                    }
                    for h in &nb.security_groups {
                        out.insert(Edit::AllowHttps {
                            group: h.clone(),
                            egress: true,
                            peer: Peer::PrefixList(pl.clone()),
                        });
                    }
                }
            }
            _ => {}
        }
    }
    endpoint_acls
}

/// `client` side: egress 443 to `cidr` and ingress 1024-65535 from it; server side: ingress 443
/// from `cidr` and egress 1024-65535 to it.
fn acl_pair(net: &Network, acl: &str, cidrs: &[String], client: bool, out: &mut BTreeSet<Edit>) {
    let Some(a) = net.acls.get(acl) else {
        return;
    };
    let n = cidrs.len() as i64;
    for egress in [true, false] {
        let entries = if egress { &a.egress } else { &a.ingress };
        let first = entries.iter().map(|e| e.rule_number).min().unwrap_or(32767);
        if n == 0 || first - n < 1 {
            continue;
        }
        let https = egress == client;
        out.insert(Edit::AllowAcl {
            acl: acl.to_string(),
            egress,
            rule_number: first - n,
            from: if https { 443 } else { 1024 },
            to: if https { 443 } else { 65535 },
            cidrs: cidrs.to_vec(),
        });
    }
}
