//! The one report type every output format renders (DESIGN §4), and the profile's judgement.
//!
//! The analysis produces verdicts; this module adds what a reader needs around them — Security Hub
//! findings (SageMaker.1/.2/.3), whether each check passes the chosen profile, whether the notebook
//! is compliant and why not — so that renderers only format, never decide. Like the evidence, the
//! findings and reasons are data: `vpcreach-render` words them.

use serde::Serialize;

use crate::analysis::{Analysis, Block, Status, Verdict, Via};
use crate::model::{Diagnostic, Network, TargetKind, Toggle};

/// What "compliant" means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Internet unreachable, every service reachable privately, SageMaker.1/.2 absent.
    Isolated,
    /// Internet only through a NAT gateway (or not at all), every service reachable.
    NatEgress,
}

impl Profile {
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Isolated => "isolated",
            Profile::NatEgress => "nat-egress",
        }
    }
}

/// How to judge verdicts.
#[derive(Debug, Clone, Copy)]
pub struct Judgement {
    pub profile: Profile,
    /// Let `unknown` pass instead of failing.
    pub allow_unknown: bool,
}

/// One input file and its SHA-256, so reports can say exactly what they were computed from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
}

/// A Security Hub control finding about a notebook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finding {
    /// SageMaker.1: direct internet access is enabled.
    DirectInternetAccess,
    /// SageMaker.2: the notebook is not in a custom VPC.
    NoVpc,
    /// SageMaker.3: root access is enabled.
    RootAccess,
    /// SageMaker.3: root access is not reported (SageMaker's default is Enabled).
    RootAccessNotReported,
    /// A Studio domain's `AppNetworkAccessType` is not `VpcOnly`. No Security Hub control covers
    /// Studio domains' network access; AWS Config's managed rule `sagemaker-domain-in-vpc`
    /// (identifier `SAGEMAKER_DOMAIN_IN_VPC`) is NON_COMPLIANT exactly then, so the finding
    /// carries that rule's identifier.
    StudioDomainNotVpcOnly,
}

impl Finding {
    /// The Security Hub control ID.
    pub fn code(self) -> &'static str {
        match self {
            Finding::DirectInternetAccess => "SageMaker.1",
            Finding::NoVpc => "SageMaker.2",
            Finding::RootAccess | Finding::RootAccessNotReported => "SageMaker.3",
            Finding::StudioDomainNotVpcOnly => "SAGEMAKER_DOMAIN_IN_VPC",
        }
    }

    /// The Security Hub control it is, if it is one (the Studio finding is an AWS Config rule).
    pub fn security_hub_control(self) -> Option<&'static str> {
        match self {
            Finding::StudioDomainNotVpcOnly => None,
            f => Some(f.code()),
        }
    }

    pub fn severity(self) -> &'static str {
        "high"
    }
}

/// Why a notebook is not compliant: one per failing check or finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The check is undecided (or decided only by an undecided part); `why`: the first reason.
    Unknown { check: String, why: Option<Block> },
    /// `internet` under `nat-egress`: out through a NAT for what is decided, the rest undecided.
    InternetPartlyUndecided { why: Option<Block> },
    /// `internet` reachable under `isolated`.
    InternetReachable { via: Option<Via> },
    /// `internet` reachable other than through a NAT gateway under `nat-egress`.
    InternetNotOnlyNat { vias: Vec<Via> },
    /// A service reachable, but not privately, under `isolated` (`note`: why an endpoint was
    /// passed over, if one was).
    NotPrivate {
        check: String,
        via: Option<Via>,
        note: Option<Block>,
    },
    /// A service only partly reachable.
    Partial { check: String, first: Option<Block> },
    /// A service unreachable.
    Unreachable { check: String, first: Option<Block> },
    /// A Security Hub finding the profile does not allow (SageMaker.1/.2 under `isolated`, and a
    /// Studio domain that is not `VpcOnly`).
    Finding(Finding),
}

/// One check's verdict plus the profile's judgement of it.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub name: String,
    /// Shared between notebooks of one placement when equal (see `NotebookVerdicts`).
    pub verdict: std::sync::Arc<Verdict>,
    /// Does this verdict satisfy the profile?
    pub passes: bool,
    /// Is the judgement held up by an undecided part of the set (status `unknown`, or a
    /// reachable verdict with `unknown_because` under a profile that constrains how traffic
    /// leaves)? Such a check passes only with `--allow-unknown`.
    pub undecided: bool,
}

/// The checks of a notebook, `internet` first, then the services in the order asked.
#[derive(Debug, Clone, Default)]
pub struct Checks(pub Vec<CheckReport>);

#[derive(Debug, Clone)]
pub struct NotebookReport {
    pub name: String,
    /// What kind of source it is (a notebook instance, a Studio user profile or space, an ENI or
    /// an EC2 instance).
    pub kind: crate::model::SourceKind,
    /// For a Studio source: its domain, profile or space.
    pub studio: Option<crate::model::StudioSource>,
    pub account_id: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub security_group_ids: Vec<String>,
    pub direct_internet_access: Option<String>,
    pub root_access: Option<String>,
    /// The notebook does not exist yet: where it is planned (a plan, a template, `--place`).
    pub planned: Option<crate::model::Planned>,
    pub checks: Checks,
    pub findings: Vec<Finding>,
    pub compliant: bool,
    /// Why the notebook is not compliant (empty when compliant).
    pub reasons: Vec<Reason>,
    /// Proven fixes for its failing checks (filled only when asked for: `--fixes`).
    pub fixes: Vec<Fix>,
}

/// A change set proven to repair one failing check: applied to the snapshot and judged again, the
/// check passes and no verdict of any notebook gets worse. Made by `vpcreach-fix`, which words it
/// for the AWS tools people apply it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The check it repairs (`sts`, `internet`), or `SageMaker.1`.
    pub check: String,
    /// Each change: the resource it is made to, and what changes.
    pub changes: Vec<(String, String)>,
    pub aws_cli: Vec<String>,
    pub terraform: String,
    pub cloudformation: String,
    /// Every notebook whose verdicts change with it (the blast radius).
    pub affected: Vec<String>,
    /// How many checks were judged again to prove it.
    pub rechecked: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub notebooks: usize,
    pub compliant: usize,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub region: Option<String>,
    pub profile: Profile,
    pub notebooks: Vec<NotebookReport>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// The snapshot files the report was computed from (not part of the JSON contract).
    pub sources: Vec<SourceFile>,
    /// Some notebooks could not be read at all (failed collection): like an `unknown` verdict,
    /// that fails the run unless unknowns are allowed.
    pub unread_notebooks: Option<String>,
    allow_unknown: bool,
}

impl Report {
    /// Exit status per DESIGN §4: 0 when every notebook is compliant, else 1 — also when notebooks
    /// could not be read and unknowns are not allowed.
    pub fn exit_code(&self) -> i32 {
        let unread = self.unread_notebooks.is_some() && !self.allow_unknown;
        if self.notebooks.iter().all(|n| n.compliant) && !unread {
            0
        } else {
            1
        }
    }
}

/// Security Hub findings for a notebook (none when its placement is not known at all: a
/// `list-notebook-instances` summary says nothing either way).
pub fn findings(
    dia: &Toggle,
    root: &Toggle,
    subnet: Option<&str>,
    placement_known: bool,
) -> Vec<Finding> {
    let mut f = Vec::new();
    if !placement_known {
        return f;
    }
    if *dia == Toggle::Enabled {
        f.push(Finding::DirectInternetAccess);
    }
    if subnet.is_none() {
        f.push(Finding::NoVpc);
    }
    match root {
        Toggle::Enabled => f.push(Finding::RootAccess),
        Toggle::Missing => f.push(Finding::RootAccessNotReported),
        _ => {}
    }
    f
}

/// The findings of any source: a notebook instance's Security Hub findings ([`findings`]); for a
/// Studio source, [`Finding::StudioDomainNotVpcOnly`] when its domain is `PublicInternetOnly`
/// (not when the access type is unknown); none for a network interface or EC2 instance, to which
/// no SageMaker control applies.
pub fn source_findings(nb: &crate::model::Notebook) -> Vec<Finding> {
    use crate::model::{AppNetworkAccess, SourceKind};
    match nb.kind {
        SourceKind::NotebookInstance => findings(
            &nb.direct_internet_access,
            &nb.root_access,
            nb.subnet_id.as_deref(),
            nb.placement_known,
        ),
        SourceKind::StudioUserProfile
        | SourceKind::StudioSpace
        | SourceKind::StudioDomainDefaults => match nb.studio.as_ref().map(|s| &s.access) {
            Some(AppNetworkAccess::PublicInternetOnly) => vec![Finding::StudioDomainNotVpcOnly],
            _ => Vec::new(),
        },
        SourceKind::NetworkInterface | SourceKind::Ec2Instance => Vec::new(),
    }
}

/// How a verdict fares under the profile.
enum Judged {
    Pass,
    Fail(Reason),
    /// Decided by an undecided part: passes only with `--allow-unknown`.
    Undecided(Reason),
}

/// Does `v` (the check named `name`) satisfy the profile? (DESIGN §4; profiles judge every part
/// of the set, DESIGN §3.)
fn judge_check(j: Judgement, name: &str, v: &Verdict) -> Judged {
    let why = v.unknown_because.first().cloned();
    if v.status == Status::Unknown {
        return Judged::Undecided(Reason::Unknown {
            check: name.to_string(),
            why,
        });
    }
    let only_nat = v
        .vias
        .iter()
        .all(|x| *x == Via::Target(TargetKind::NatGateway));
    if name == "internet"
        && j.profile == Profile::NatEgress
        && v.status == Status::Reachable
        && !v.unknown_because.is_empty()
        && only_nat
    {
        // Out through a NAT for what is decided, but nothing says the undecided rest does not
        // leave some other way.
        return Judged::Undecided(Reason::InternetPartlyUndecided { why });
    }
    let first = v.blocked_by.first().cloned();
    let fail = |r: Reason| Judged::Fail(r);
    if name == "internet" {
        return match (j.profile, v.status) {
            (_, Status::Unreachable) => Judged::Pass,
            (Profile::NatEgress, Status::Reachable) if only_nat => Judged::Pass,
            (Profile::NatEgress, _) => fail(Reason::InternetNotOnlyNat {
                vias: v.vias.clone(),
            }),
            (Profile::Isolated, _) => fail(Reason::InternetReachable { via: v.via }),
        };
    }
    let check = name.to_string();
    match (j.profile, v.status) {
        (Profile::Isolated, Status::Reachable) if v.private => Judged::Pass,
        (Profile::Isolated, Status::Reachable) => fail(Reason::NotPrivate {
            check,
            via: v.via,
            note: first,
        }),
        (Profile::NatEgress, Status::Reachable) => Judged::Pass,
        (_, Status::Partial) => fail(Reason::Partial { check, first }),
        _ => fail(Reason::Unreachable { check, first }),
    }
}

/// Build the report: findings, per-check judgement, compliance, summary.
pub fn build(net: &Network, analysis: Analysis, j: Judgement, sources: Vec<SourceFile>) -> Report {
    let mut notebooks = Vec::new();
    for nv in analysis.notebooks {
        let nb = nv.notebook;
        let findings = source_findings(&nb);
        let mut reasons = Vec::new();
        let mut checks = Vec::new();
        for (name, verdict) in nv.checks {
            let (passes, undecided) = match judge_check(j, &name, &verdict) {
                Judged::Pass => (true, false),
                Judged::Fail(e) => {
                    reasons.push(e);
                    (false, false)
                }
                Judged::Undecided(e) => {
                    if !j.allow_unknown {
                        reasons.push(e);
                    }
                    (j.allow_unknown, true)
                }
            };
            checks.push(CheckReport {
                name,
                verdict,
                passes,
                undecided,
            });
        }
        if j.profile == Profile::Isolated {
            for f in &findings {
                if matches!(
                    f,
                    Finding::DirectInternetAccess
                        | Finding::NoVpc
                        | Finding::StudioDomainNotVpcOnly
                ) {
                    reasons.push(Reason::Finding(*f));
                }
            }
        }
        notebooks.push(NotebookReport {
            name: nb.name.clone(),
            kind: nb.kind,
            studio: nb.studio.clone(),
            account_id: nb.account_id.clone(),
            subnet_id: nb.subnet_id.clone(),
            vpc_id: nb.vpc_id.clone(),
            security_group_ids: nb.security_groups.clone(),
            direct_internet_access: nb.direct_internet_access.as_str().map(str::to_string),
            root_access: nb.root_access.as_str().map(str::to_string),
            planned: net.planned.get(&nb.name).cloned(),
            checks: Checks(checks),
            findings,
            compliant: reasons.is_empty(),
            reasons,
            fixes: Vec::new(),
        });
    }
    let compliant = notebooks.iter().filter(|n| n.compliant).count();
    Report {
        region: net.region.clone(),
        profile: j.profile,
        summary: Summary {
            notebooks: notebooks.len(),
            compliant,
        },
        notebooks,
        diagnostics: {
            let mut d = net.diagnostics.clone();
            d.extend(analysis.diagnostics);
            d.sort();
            d.dedup();
            d
        },
        sources,
        unread_notebooks: net.notebooks_incomplete().map(str::to_string),
        allow_unknown: j.allow_unknown,
    }
}
