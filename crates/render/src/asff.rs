//! AWS Security Finding Format (ASFF) output: the input of Security Hub's `BatchImportFindings`,
//! `{"Findings": [...]}`, pretty JSON with a trailing newline.
//!
//! Per notebook, in report order: one finding per check (`internet`, then the services), then one
//! per Security Hub control SageMaker.1, .2 and .3 (`FAILED` when the report has the finding,
//! `PASSED` when it has not, `WARNING` when the notebook's placement is not known at all — a
//! `list-notebook-instances` summary).
//!
//! - `Compliance.Status`: `PASSED` for a check that passes, `FAILED` for one that fails, `WARNING`
//!   for one that is undecided (whether it fails without `--allow-unknown` or passes with it).
//!   Controls carry `Compliance.SecurityControlId`. Under `nat-egress`, SageMaker.1/.2 still fail
//!   as controls although the profile does not count them (the profile is in `ProductFields`).
//! - `Severity.Label`: `INFORMATIONAL` when passed; `MEDIUM` for `WARNING`; `HIGH` when failed (the
//!   controls' severity, and a failing network check breaks the profile just as much).
//! - `Id`: `vpcreach/<region>/<account>/<notebook>/<check or control>`, the same on every run, so
//!   a re-import updates the finding instead of adding one. `GeneratorId`: `vpcreach/<check>` or
//!   `vpcreach/<control>`.
//! - `Title`: the sentence of the reason ([`words::reason`]) or, for a pass, the verdict; at most
//!   256 characters. `Description`: the notebook, the reason, the witness and every block with its
//!   detail; at
//!   most 1024 characters (cut with `…`). `Remediation.Recommendation.Text` (at most 512): the
//!   resource to change (as JSON's `resource_to_change`) and what blocks there; for a control, its
//!   Security Hub documentation as `Url`.
//! - `Resources`: the notebook as `AwsSageMakerNotebookInstance`, `Id` its ARN; another source as
//!   `AwsEc2NetworkInterface`, `AwsEc2Instance` or (Studio) `Other`, with `Details.Other`.
//!
//! Security Hub requires an account and a region (`AwsAccountId`, `ProductArn`): a notebook whose
//! account is not known (a planned notebook, a snapshot without ARNs) or a report without a region
//! gets no finding; [`Asff::skipped`] names it so the caller can say so. `CreatedAt`/`UpdatedAt`
//! are required: the caller passes the time (RFC 3339), tests a fixed one. A `BatchImportFindings`
//! call takes at most 100 findings; splitting is the importer's business.

use serde::Serialize;
use vpcreach_core::analysis::Block;
use vpcreach_core::report::{CheckReport, Finding, NotebookReport, Reason, Report};

use crate::meta;
use crate::sarif::{self, CONTROLS, Outcome};
use crate::words;

pub const SCHEMA_VERSION: &str = "2018-10-08";
pub const TITLE_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 1024;
pub const RECOMMENDATION_MAX: usize = 512;

/// The findings of one or more reports, and the notebooks left out.
#[derive(Debug, Clone)]
pub struct Asff {
    /// `{"Findings": [...]}`, pretty, with a trailing newline.
    pub json: String,
    /// `region/notebook` of every notebook left out because its account (or the region) is not
    /// known.
    pub skipped: Vec<String>,
}

/// Render one region's report; `timestamp` (RFC 3339) is `CreatedAt` and `UpdatedAt`.
pub fn render(report: &Report, timestamp: &str) -> Asff {
    render_all(std::slice::from_ref(report), timestamp)
}

/// Render several regions' reports as one `{"Findings": [...]}` document.
pub fn render_all(reports: &[Report], timestamp: &str) -> Asff {
    let mut findings = Vec::new();
    let mut skipped = Vec::new();
    for r in reports {
        for n in &r.notebooks {
            match (r.region.as_deref(), n.account_id.as_deref()) {
                (Some(region), Some(account)) => {
                    let ctx = Ctx {
                        report: r,
                        n,
                        region,
                        account,
                        arn: sarif::notebook_arn(Some(region), n).unwrap_or_default(),
                        timestamp,
                    };
                    for c in &n.checks.0 {
                        findings.push(ctx.check(c));
                    }
                    // The notebook-instance controls apply to notebook instances only.
                    if n.kind == vpcreach_core::model::SourceKind::NotebookInstance {
                        for (control, f) in CONTROLS {
                            findings.push(ctx.control(control, f));
                        }
                    }
                }
                _ => skipped.push(format!("{}/{}", r.region.as_deref().unwrap_or("-"), n.name)),
            }
        }
    }
    let mut json = serde_json::to_string_pretty(&Document { findings })
        .expect("the findings always serialise");
    json.push('\n');
    Asff { json, skipped }
}

/// Cut `s` to at most `max` characters, ending in `…` when cut.
fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Document {
    findings: Vec<AsffFinding>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct AsffFinding {
    schema_version: &'static str,
    id: String,
    product_arn: String,
    generator_id: String,
    aws_account_id: String,
    types: Vec<&'static str>,
    created_at: String,
    updated_at: String,
    severity: Severity,
    title: String,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<Remediation>,
    product_fields: ProductFields,
    resources: Vec<Resource>,
    compliance: Compliance,
    record_state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Severity {
    label: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Remediation {
    recommendation: Recommendation,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Recommendation {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// Our own fields (string values, as ASFF requires), under the `vpcreach/` prefix.
#[derive(Serialize)]
struct ProductFields {
    #[serde(rename = "vpcreach/profile")]
    profile: &'static str,
    #[serde(rename = "vpcreach/notebook")]
    notebook: String,
    #[serde(rename = "vpcreach/check", skip_serializing_if = "Option::is_none")]
    check: Option<String>,
    #[serde(rename = "vpcreach/status", skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(rename = "vpcreach/private", skip_serializing_if = "Option::is_none")]
    private: Option<String>,
    #[serde(rename = "vpcreach/via", skip_serializing_if = "Option::is_none")]
    via: Option<&'static str>,
    #[serde(rename = "vpcreach/code", skip_serializing_if = "Option::is_none")]
    code: Option<&'static str>,
    #[serde(rename = "vpcreach/version")]
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Resource {
    #[serde(rename = "Type")]
    kind: &'static str,
    id: String,
    partition: &'static str,
    region: String,
    details: Details,
}

/// A notebook instance's type-specific details; any other source's in `Other` (ASFF has no
/// details object for a Studio profile or space, and vpcreach reads too little of an interface
/// or instance to fill theirs).
#[derive(Serialize)]
enum Details {
    #[serde(rename = "AwsSageMakerNotebookInstance")]
    Notebook(NotebookDetails),
    Other(std::collections::BTreeMap<&'static str, String>),
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NotebookDetails {
    notebook_instance_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    direct_internet_access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    root_access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    security_groups: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Compliance {
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_control_id: Option<&'static str>,
}

/// The source as an ASFF resource: a notebook instance as `AwsSageMakerNotebookInstance` with its
/// details; an interface as `AwsEc2NetworkInterface`, an instance as `AwsEc2Instance`, a Studio
/// profile, space or domain default as `Other` — each of those with `Details.Other` naming its
/// kind, name, subnet and groups.
fn resource(n: &NotebookReport, arn: String, region: &str) -> Resource {
    use vpcreach_core::model::SourceKind;
    let (kind, details) = match n.kind {
        SourceKind::NotebookInstance => (
            "AwsSageMakerNotebookInstance",
            Details::Notebook(NotebookDetails {
                notebook_instance_name: n.name.clone(),
                direct_internet_access: n.direct_internet_access.clone(),
                root_access: n.root_access.clone(),
                subnet_id: n.subnet_id.clone(),
                security_groups: n.security_group_ids.clone(),
            }),
        ),
        k => {
            let mut other = std::collections::BTreeMap::new();
            other.insert("SourceKind", k.as_str().to_string());
            other.insert("Name", cut(&n.name, OTHER_VALUE_MAX));
            if let Some(s) = &n.subnet_id {
                other.insert("SubnetId", s.clone());
            }
            if !n.security_group_ids.is_empty() {
                other.insert(
                    "SecurityGroups",
                    cut(&n.security_group_ids.join(","), OTHER_VALUE_MAX),
                );
            }
            let kind = match k {
                SourceKind::NetworkInterface => "AwsEc2NetworkInterface",
                SourceKind::Ec2Instance => "AwsEc2Instance",
                _ => "Other",
            };
            (kind, Details::Other(other))
        }
    };
    Resource {
        kind,
        id: arn,
        partition: sarif::partition(region),
        region: region.to_string(),
        details,
    }
}

/// ASFF's limit on a `Details.Other` value.
const OTHER_VALUE_MAX: usize = 1024;

const TYPE_NETWORK: &str =
    "Software and Configuration Checks/AWS Security Best Practices/Network Reachability";
const TYPE_CONTROL: &str = "Software and Configuration Checks/Industry and Regulatory Standards/AWS-Foundational-Security-Best-Practices";

/// What differs between one finding and the next.
struct Parts<'a> {
    /// The check or control, the last part of `Id`.
    what: &'a str,
    status: &'static str,
    title: String,
    description: String,
    remediation: Option<Recommendation>,
    fields: ProductFields,
    control: Option<&'static str>,
}

struct Ctx<'a> {
    report: &'a Report,
    n: &'a NotebookReport,
    region: &'a str,
    account: &'a str,
    arn: String,
    timestamp: &'a str,
}

impl Ctx<'_> {
    fn finding(&self, p: Parts<'_>) -> AsffFinding {
        let Parts {
            what,
            status,
            title,
            description,
            remediation,
            fields,
            control,
        } = p;
        let n = self.n;
        AsffFinding {
            schema_version: SCHEMA_VERSION,
            id: format!(
                "vpcreach/{}/{}/{}/{what}",
                self.region, self.account, n.name
            ),
            product_arn: format!(
                "arn:{}:securityhub:{}:{}:product/{}/default",
                sarif::partition(self.region),
                self.region,
                self.account,
                self.account
            ),
            generator_id: format!("vpcreach/{what}"),
            aws_account_id: self.account.to_string(),
            types: vec![if control.is_some() {
                TYPE_CONTROL
            } else {
                TYPE_NETWORK
            }],
            created_at: self.timestamp.to_string(),
            updated_at: self.timestamp.to_string(),
            severity: Severity {
                label: match status {
                    "PASSED" => "INFORMATIONAL",
                    "WARNING" => "MEDIUM",
                    _ => "HIGH",
                },
            },
            title: cut(&title, TITLE_MAX),
            description: cut(&description, DESCRIPTION_MAX),
            remediation: remediation.map(|mut r| {
                r.text = cut(&r.text, RECOMMENDATION_MAX);
                Remediation { recommendation: r }
            }),
            product_fields: fields,
            resources: vec![resource(n, self.arn.clone(), self.region)],
            compliance: Compliance {
                status,
                security_control_id: control,
            },
            record_state: "ACTIVE",
        }
    }

    fn fields(&self) -> ProductFields {
        ProductFields {
            profile: self.report.profile.as_str(),
            notebook: words::notebook_title(self.n, false),
            check: None,
            status: None,
            private: None,
            via: None,
            code: None,
            version: meta::VERSION,
        }
    }

    fn check(&self, c: &CheckReport) -> AsffFinding {
        let n = self.n;
        let o = sarif::outcome(c);
        let status = match o {
            Outcome::Pass => "PASSED",
            Outcome::Fail => "FAILED",
            Outcome::PassUndecided | Outcome::FailUndecided => "WARNING",
        };
        let reason = sarif::check_reason(n, c);
        let block = reason.as_ref().and_then(sarif::reason_block);
        let title = match &reason {
            Some(r) => words::reason(r),
            None => format!("{}: {}", c.name, meta::verdict_words(c)),
        };
        let mut lines = vec![format!(
            "{}: {}",
            words::notebook_title(n, false),
            match &reason {
                Some(r) => words::reason(r),
                None => format!("{}: {}", c.name, meta::verdict_words(c)),
            }
        )];
        let v = &c.verdict;
        if let Some(w) = &v.witness {
            lines.push(meta::witness(w));
        }
        for b in v.blocked_by.iter().chain(&v.unknown_because) {
            lines.push(block_line(b));
        }
        let remediation = block.and_then(|b| {
            b.resource_to_change().map(|res| Recommendation {
                text: format!("{res}: {}", words::block_detail(b)),
                url: None,
            })
        });
        let mut fields = self.fields();
        fields.check = Some(c.name.clone());
        fields.status = Some(v.status.as_str());
        fields.private = Some(v.private.to_string());
        fields.via = meta::via(c);
        fields.code = (o != Outcome::Pass).then(|| sarif::rule_id(reason.as_ref()));
        self.finding(Parts {
            what: &c.name,
            status,
            title,
            description: lines.join("\n"),
            remediation,
            fields,
            control: None,
        })
    }

    fn control(&self, control: &'static str, f: Finding) -> AsffFinding {
        let n = self.n;
        // The finding the report has for this control (SageMaker.3 has two).
        let found = n.findings.iter().find(|x| x.code() == control).copied();
        // Without a subnet the notebook has SageMaker.2, unless its placement is not known at all.
        let placement_unknown = n.subnet_id.is_none() && !n.findings.contains(&Finding::NoVpc);
        let status = match (found, placement_unknown) {
            (Some(_), _) => "FAILED",
            (None, true) => "WARNING",
            (None, false) => "PASSED",
        };
        let sentence = words::reason(&Reason::Finding(found.unwrap_or(f)));
        let title = match status {
            "FAILED" => sentence.clone(),
            _ => format!("{control}: {}", status.to_lowercase()),
        };
        let description = format!(
            "{}: {}",
            words::notebook_title(n, false),
            if status == "FAILED" {
                &sentence
            } else {
                &title
            }
        );
        let remediation = (status == "FAILED").then(|| Recommendation {
            text: format!("{}: {}", n.name, words::finding_detail(found.unwrap_or(f))),
            url: Some(sarif::control_url(control)),
        });
        self.finding(Parts {
            what: control,
            status,
            title,
            description,
            remediation,
            fields: self.fields(),
            control: Some(control),
        })
    }
}

/// `CODE at component: detail`.
fn block_line(b: &Block) -> String {
    let (code, comp, detail) = meta::block(b);
    format!("{code} at {comp}: {detail}")
}
