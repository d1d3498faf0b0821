//! The one report type every output format renders (DESIGN §4), and the profile's judgement.
//!
//! The analysis produces verdicts; this module adds what a reader needs around them — Security Hub
//! findings (SageMaker.1/.2/.3), whether each check passes the chosen profile, and whether the
//! notebook is compliant — so that renderers only format, never decide.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::analysis::{Analysis, Status, Verdict, Via};
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

/// A Security Hub control finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: &'static str,
    pub detail: String,
}

/// One check's verdict plus the profile's judgement of it.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub name: String,
    pub verdict: Verdict,
    /// Does this verdict satisfy the profile?
    pub passes: bool,
    /// Is the judgement held up by an undecided part of the set (status `unknown`, or a
    /// reachable verdict with `unknown_because` under a profile that constrains how traffic
    /// leaves)? Such a check passes only with `--allow-unknown`.
    pub undecided: bool,
}

/// Serialises as the JSON object `{"internet": {...}, "s3": {...}}` in check order.
#[derive(Debug, Clone, Default)]
pub struct Checks(pub Vec<CheckReport>);

impl Serialize for Checks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for c in &self.0 {
            m.serialize_entry(&c.name, &c.verdict)?;
        }
        m.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NotebookReport {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub security_group_ids: Vec<String>,
    pub direct_internet_access: Option<String>,
    pub root_access: Option<String>,
    pub checks: Checks,
    pub findings: Vec<Finding>,
    pub compliant: bool,
    /// Why the notebook is not compliant, one sentence each (empty when compliant).
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub notebooks: usize,
    pub compliant: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub region: Option<String>,
    pub profile: Profile,
    pub notebooks: Vec<NotebookReport>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// The snapshot files the report was computed from (not part of the JSON contract).
    #[serde(skip)]
    pub sources: Vec<SourceFile>,
    /// Some notebooks could not be read at all (failed collection): like an `unknown` verdict,
    /// that fails the run unless unknowns are allowed.
    #[serde(skip)]
    pub unread_notebooks: Option<String>,
    #[serde(skip)]
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
        f.push(Finding {
            code: "SageMaker.1",
            severity: "high",
            detail: "direct internet access is enabled".into(),
        });
    }
    if subnet.is_none() {
        f.push(Finding {
            code: "SageMaker.2",
            severity: "high",
            detail: "the notebook is not in a custom VPC (no subnet): it runs in the SageMaker service VPC".into(),
        });
    }
    match root {
        Toggle::Enabled => f.push(Finding {
            code: "SageMaker.3",
            severity: "high",
            detail: "root access is enabled".into(),
        }),
        Toggle::Missing => f.push(Finding {
            code: "SageMaker.3",
            severity: "high",
            detail: "root access is not reported; SageMaker's default is Enabled".into(),
        }),
        _ => {}
    }
    f
}

/// How a verdict fares under the profile.
enum Judged {
    Pass,
    Fail(String),
    /// Decided by an undecided part: passes only with `--allow-unknown`.
    Undecided(String),
}

/// Does `v` (the check named `name`) satisfy the profile? (DESIGN §4; profiles judge every part
/// of the set, DESIGN §3.)
fn judge_check(j: Judgement, name: &str, v: &Verdict) -> Judged {
    let why_unknown = || {
        v.unknown_because
            .first()
            .map(|b| format!("{}: {}", b.code, b.detail))
            .unwrap_or_else(|| "undecided".into())
    };
    if v.status == Status::Unknown {
        return Judged::Undecided(format!("{name}: unknown ({})", why_unknown()));
    }
    if name == "internet"
        && j.profile == Profile::NatEgress
        && v.status == Status::Reachable
        && !v.unknown_because.is_empty()
        && v.vias
            .iter()
            .all(|x| *x == Via::Target(TargetKind::NatGateway))
    {
        // Out through a NAT for what is decided, but nothing says the undecided rest does not
        // leave some other way.
        return Judged::Undecided(format!(
            "internet: reachable through a NAT gateway, but part of the traffic is undecided ({})",
            why_unknown()
        ));
    }
    match judge_decided(j, name, v) {
        Ok(()) => Judged::Pass,
        Err(e) => Judged::Fail(e),
    }
}

/// The profile's judgement of a verdict with no undecided part that matters.
fn judge_decided(j: Judgement, name: &str, v: &Verdict) -> Result<(), String> {
    let via = v.via.map(|v| v.as_str()).unwrap_or("?");
    let first_block = || {
        v.blocked_by
            .first()
            .map(|b| format!(" ({} at {})", b.code, b.component))
            .unwrap_or_default()
    };
    if name == "internet" {
        return match (j.profile, v.status) {
            (_, Status::Unreachable) => Ok(()),
            (Profile::NatEgress, Status::Reachable)
                if v.vias
                    .iter()
                    .all(|x| *x == Via::Target(TargetKind::NatGateway)) =>
            {
                Ok(())
            }
            (Profile::NatEgress, _) => Err(format!(
                "internet: reachable other than through a NAT gateway (via {})",
                v.vias
                    .iter()
                    .map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            (Profile::Isolated, _) => Err(format!("internet: reachable via {via}")),
        };
    }
    match (j.profile, v.status) {
        (Profile::Isolated, Status::Reachable) if v.private => Ok(()),
        (Profile::Isolated, Status::Reachable) => Err(format!(
            "{name}: reachable but not privately (via {via}){}",
            {
                v.blocked_by
                    .first()
                    .map(|b| format!("; {}: {}", b.code, b.detail))
                    .unwrap_or_default()
            }
        )),
        (Profile::NatEgress, Status::Reachable) => Ok(()),
        (_, Status::Partial) => Err(format!("{name}: only partly reachable{}", first_block())),
        _ => Err(format!("{name}: unreachable{}", first_block())),
    }
}

/// Build the report: findings, per-check judgement, compliance, summary.
pub fn build(net: &Network, analysis: Analysis, j: Judgement, sources: Vec<SourceFile>) -> Report {
    let mut notebooks = Vec::new();
    for nv in analysis.notebooks {
        let nb = nv.notebook;
        let findings = findings(
            &nb.direct_internet_access,
            &nb.root_access,
            nb.subnet_id.as_deref(),
            nb.placement_known,
        );
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
                if matches!(f.code, "SageMaker.1" | "SageMaker.2") {
                    reasons.push(format!("{}: {}", f.code, f.detail));
                }
            }
        }
        notebooks.push(NotebookReport {
            name: nb.name.clone(),
            account_id: nb.account_id.clone(),
            subnet_id: nb.subnet_id.clone(),
            vpc_id: nb.vpc_id.clone(),
            security_group_ids: nb.security_groups.clone(),
            direct_internet_access: nb.direct_internet_access.as_str().map(str::to_string),
            root_access: nb.root_access.as_str().map(str::to_string),
            checks: Checks(checks),
            findings,
            compliant: reasons.is_empty(),
            reasons,
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
