//! SARIF 2.1.0 output (OASIS Static Analysis Results Interchange Format), for code-scanning
//! dashboards: one run per region's report, pretty JSON with a trailing newline.
//!
//! - `tool.driver.rules`: every [`Code`] (`id` = its string, both descriptions and `help.text` =
//!   [`Code::description`]), one rule per Security Hub control (`SageMaker.1`, `SageMaker.2`,
//!   `SageMaker.3`, worded by [`words::finding_detail`], with the control ID in
//!   `properties.securityHubControlId`), one per AWS Config managed rule a finding carries
//!   (`SAGEMAKER_DOMAIN_IN_VPC`, a Studio domain that is not `VpcOnly`; the rule's identifier in
//!   `properties.awsConfigRuleId`), and [`PROFILE_NOT_MET`] for a failing check that no block
//!   explains (the internet reachable under `isolated`, a service reachable only publicly). Every
//!   `ruleId` a result can carry is one of them (`tests/sarif_rules.rs`).
//! - `results`, per notebook in report order:
//!   - one per check that fails the profile: `ruleId` = the code of the block that decides it (as
//!     `reasons` name it), else [`PROFILE_NOT_MET`]; `level` `error` when the verdict is decided,
//!     `warning` when the check fails because it is undecided (`unknown`, failing unless
//!     `--allow-unknown`);
//!   - one `note` per check that passes only because `--allow-unknown` lets an undecided verdict
//!     pass;
//!   - one per Security Hub finding: `error` when the profile counts it (SageMaker.1/.2 under
//!     `isolated`), `warning` when it is reported only.
//!
//!   Passing checks produce no result. Messages are the sentences of [`words::reason`] (and, for
//!   blocks, [`words::block_detail`]).
//! - Locations: a logical location named after the notebook (`fullyQualifiedName` its ARN when the
//!   region and account are known: a notebook instance's, a Studio user profile's, space's or
//!   domain's, a network interface's or an EC2 instance's — see [`notebook_arn`]); a physical location at the declaring file and line for a
//!   planned notebook (a Terraform plan, a template), else at the notebook's ARN.
//!   `partialFingerprints["vpcreach/v1"]` = region/account/notebook/rule/check, stable across runs.
//!
//! The diagnostics about the input are `invocations[0].toolExecutionNotifications` (`descriptor.id`
//! the code, located at the resource they name). No time unless [`ReportMeta::timestamp`] is given
//! (then `invocations[0].endTimeUtc`): the same report gives the same bytes. The shared helpers here (`notebook_arn`, the judgement of one check)
//! are used by the other CI formats ([`crate::asff`], [`crate::junit`], [`crate::csv`]) too.

use serde::Serialize;
use vpcreach_core::analysis::{Block, Code, Status};
use vpcreach_core::model::{Diagnostic, Severity, SourceKind};
use vpcreach_core::report::{CheckReport, Finding, NotebookReport, Profile, Reason, Report};

use crate::meta::{self, ReportMeta};
use crate::words;

/// The SARIF schema URI written into `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The rule of a failing check that no block explains.
pub const PROFILE_NOT_MET: &str = "PROFILE_NOT_MET";

/// The description of [`PROFILE_NOT_MET`] (the result's message says which check and why).
const PROFILE_NOT_MET_TEXT: &str = "The check's verdict does not satisfy the profile (isolated: internet unreachable and every service reachable privately; nat-egress: internet only through a NAT gateway and every service reachable).";

/// The project's address for `informationUri`, when the package declares one (it is left out
/// otherwise rather than guessed).
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");

/// The Security Hub controls, with the finding each rule is worded by.
pub(crate) const CONTROLS: [(&str, Finding); 3] = [
    ("SageMaker.1", Finding::DirectInternetAccess),
    ("SageMaker.2", Finding::NoVpc),
    ("SageMaker.3", Finding::RootAccess),
];

/// The AWS Config managed rules a finding carries where no Security Hub control covers it: a
/// Studio domain whose `AppNetworkAccessType` is not `VpcOnly` is NON_COMPLIANT under
/// `sagemaker-domain-in-vpc` (identifier `SAGEMAKER_DOMAIN_IN_VPC`; AWS Config Developer Guide,
/// <https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-domain-in-vpc.html>).
pub(crate) const CONFIG_RULES: [(&str, Finding); 1] =
    [("SAGEMAKER_DOMAIN_IN_VPC", Finding::StudioDomainNotVpcOnly)];

/// Every rule a finding can carry a result to, with the finding it is worded by: the Security Hub
/// controls, then the AWS Config rules (`docs/codes.md` lists them; `tests/codes.rs` checks that
/// every code `Finding::code` can return is one of them).
pub fn finding_rules() -> Vec<(&'static str, Finding)> {
    CONTROLS.into_iter().chain(CONFIG_RULES).collect()
}

/// The documentation page of a finding's rule: a Security Hub control's or an AWS Config rule's.
pub fn finding_rule_url(f: Finding) -> String {
    match f.security_hub_control() {
        Some(control) => control_url(control),
        None => config_rule_url(f.code()),
    }
}

/// The documentation of an AWS Config managed rule: `SAGEMAKER_DOMAIN_IN_VPC` →
/// `…/sagemaker-domain-in-vpc.html`.
pub(crate) fn config_rule_url(identifier: &str) -> String {
    format!(
        "https://docs.aws.amazon.com/config/latest/developerguide/{}.html",
        identifier.to_ascii_lowercase().replace('_', "-")
    )
}

/// The documentation of a Security Hub control: `SageMaker.1` → `…#sagemaker-1`.
pub(crate) fn control_url(control: &str) -> String {
    format!(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/sagemaker-controls.html#{}",
        control.to_ascii_lowercase().replace('.', "-")
    )
}

/// The AWS partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The ARN of a source, when the region and its account are known:
/// `arn:aws:sagemaker:<region>:<account>:notebook-instance/<lowercase name>` for a notebook
/// instance (SageMaker lowercases the name in the ARN); `…:user-profile/<domain>/<profile>`,
/// `…:space/<domain>/<space>` or `…:domain/<domain>` for a Studio source (as DescribeUserProfile,
/// DescribeSpace and DescribeDomain give them); `arn:aws:ec2:…:network-interface/<eni>` and
/// `…:instance/<id>` for the sources of `--source`. `None` for a Studio source whose profile or
/// space is not known: no ARN is made up.
pub fn notebook_arn(region: Option<&str>, n: &NotebookReport) -> Option<String> {
    let region = region?;
    let account = n.account_id.as_deref()?;
    let p = partition(region);
    let studio = n.studio.as_ref();
    let resource = match n.kind {
        SourceKind::NotebookInstance => {
            format!(
                "sagemaker:{region}:{account}:notebook-instance/{}",
                n.name.to_lowercase()
            )
        }
        SourceKind::StudioUserProfile => {
            let s = studio?;
            format!(
                "sagemaker:{region}:{account}:user-profile/{}/{}",
                s.domain_id,
                s.user_profile.as_deref()?
            )
        }
        SourceKind::StudioSpace => {
            let s = studio?;
            format!(
                "sagemaker:{region}:{account}:space/{}/{}",
                s.domain_id,
                s.space.as_deref()?
            )
        }
        SourceKind::StudioDomainDefaults => {
            format!("sagemaker:{region}:{account}:domain/{}", studio?.domain_id)
        }
        SourceKind::NetworkInterface => {
            format!("ec2:{region}:{account}:network-interface/{}", n.name)
        }
        SourceKind::Ec2Instance => format!("ec2:{region}:{account}:instance/{}", n.name),
    };
    Some(format!("arn:{p}:{resource}"))
}

/// How a check fares under the profile, as the CI formats report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Passes, decided.
    Pass,
    /// Passes only because `--allow-unknown` lets its undecided part pass.
    PassUndecided,
    /// Fails, decided.
    Fail,
    /// Fails because it is undecided.
    FailUndecided,
}

pub(crate) fn outcome(c: &CheckReport) -> Outcome {
    match (c.passes, c.undecided) {
        (true, false) => Outcome::Pass,
        (true, true) => Outcome::PassUndecided,
        (false, false) => Outcome::Fail,
        (false, true) => Outcome::FailUndecided,
    }
}

/// The check a reason is about (`internet` for the internet's reasons, none for findings).
fn reason_check(r: &Reason) -> Option<&str> {
    match r {
        Reason::Unknown { check, .. }
        | Reason::NotPrivate { check, .. }
        | Reason::Partial { check, .. }
        | Reason::Unreachable { check, .. } => Some(check),
        Reason::InternetPartlyUndecided { .. }
        | Reason::InternetReachable { .. }
        | Reason::InternetNotOnlyNat { .. } => Some("internet"),
        Reason::Finding(_) => None,
    }
}

/// The block a reason names, if any.
pub(crate) fn reason_block(r: &Reason) -> Option<&Block> {
    match r {
        Reason::Unknown { why, .. } | Reason::InternetPartlyUndecided { why } => why.as_ref(),
        Reason::NotPrivate { note, .. } => note.as_ref(),
        Reason::Partial { first, .. } | Reason::Unreachable { first, .. } => first.as_ref(),
        Reason::InternetReachable { .. } | Reason::InternetNotOnlyNat { .. } => None,
        Reason::Finding(_) => None,
    }
}

/// Why a check does not simply pass: the notebook's reason for a failing check, or, for a check
/// that passes only with `--allow-unknown`, the reason it would have failed for. `None` for a
/// check that passes.
pub(crate) fn check_reason(n: &NotebookReport, c: &CheckReport) -> Option<Reason> {
    match outcome(c) {
        Outcome::Pass => None,
        Outcome::Fail | Outcome::FailUndecided => n
            .reasons
            .iter()
            .find(|r| reason_check(r) == Some(c.name.as_str()))
            .cloned(),
        Outcome::PassUndecided => {
            let why = c.verdict.unknown_because.first().cloned();
            Some(if c.verdict.status == Status::Unknown {
                Reason::Unknown {
                    check: c.name.clone(),
                    why,
                }
            } else {
                Reason::InternetPartlyUndecided { why }
            })
        }
    }
}

/// The rule (code string, or [`PROFILE_NOT_MET`]) of a check that does not simply pass.
pub(crate) fn rule_id(reason: Option<&Reason>) -> &'static str {
    reason
        .and_then(reason_block)
        .map(|b| b.code.as_str())
        .unwrap_or(PROFILE_NOT_MET)
}

/// The sentence of a reason, followed by its block's detail when the reason names only the code
/// and component (`s3: unreachable (NO_ROUTE_TO_DESTINATION at rtb-…): the route table …`).
pub(crate) fn reason_text(r: &Reason) -> String {
    let mut s = words::reason(r);
    if let Reason::Partial { first: Some(b), .. } | Reason::Unreachable { first: Some(b), .. } = r {
        s.push_str(": ");
        s.push_str(&words::block_detail(b));
    }
    s
}

/// Does the profile count this finding towards compliance?
pub fn finding_decides(profile: Profile, f: Finding) -> bool {
    profile == Profile::Isolated
        && matches!(
            f,
            Finding::DirectInternetAccess | Finding::NoVpc | Finding::StudioDomainNotVpcOnly
        )
}

/// Render one region's report as a SARIF 2.1.0 log.
pub fn render(report: &Report, m: &ReportMeta) -> String {
    render_all(std::slice::from_ref(report), m)
}

/// Render several regions' reports as one SARIF log, one run per report (what the CLI prints when
/// a snapshot covers several regions: concatenated logs would not be one JSON document).
pub fn render_all(reports: &[Report], m: &ReportMeta) -> String {
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: reports.iter().map(|r| run(r, m)).collect(),
    };
    let mut s = serde_json::to_string_pretty(&log).expect("the log always serialises");
    s.push('\n');
    s
}

// The SARIF objects, as typed structs so that keys keep one order whatever serde_json's features.

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    invocations: Vec<Invocation>,
    automation_details: AutomationDetails,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time_utc: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

/// A diagnostic about the input.
#[derive(Serialize)]
struct Notification {
    descriptor: Descriptor,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

#[derive(Serialize)]
struct AutomationDetails {
    id: String,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

fn text(s: impl Into<String>) -> Text {
    Text { text: s.into() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_configuration: Option<Configuration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties>,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    security_hub_control_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aws_config_rule_id: Option<&'static str>,
    /// GitHub code scanning's severity score (7.0–8.9: high, Security Hub's severity of the
    /// SageMaker controls).
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    region: Option<String>,
    profile: &'static str,
    notebooks: usize,
    compliant: usize,
    exit_code: i32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: Fingerprints,
    properties: ResultProperties,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "vpcreach/v1")]
    v1: String,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    check: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    passes: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_to_change: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    security_hub_control_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<SourceRegion>,
}

#[derive(Serialize, Clone)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct SourceRegion {
    start_line: u32,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    decorated_name: Option<String>,
    kind: &'static str,
}

fn rules() -> Vec<Rule> {
    let mut rules: Vec<Rule> = Code::ALL
        .iter()
        .map(|c| Rule {
            id: c.as_str(),
            short_description: text(c.description()),
            full_description: text(c.description()),
            help: text(c.description()),
            help_uri: None,
            default_configuration: None,
            properties: None,
        })
        .collect();
    for (id, f) in finding_rules() {
        let d = words::reason(&Reason::Finding(f));
        rules.push(Rule {
            id,
            short_description: text(d.clone()),
            full_description: text(d.clone()),
            help: text(d),
            help_uri: Some(finding_rule_url(f)),
            // SageMaker.3 never decides compliance; SageMaker.1/.2 and SAGEMAKER_DOMAIN_IN_VPC do
            // under `isolated`.
            default_configuration: Some(Configuration {
                level: if finding_decides(Profile::Isolated, f) {
                    "error"
                } else {
                    "warning"
                },
            }),
            properties: Some(RuleProperties {
                security_hub_control_id: f.security_hub_control(),
                aws_config_rule_id: f.security_hub_control().is_none().then_some(id),
                security_severity: "7.5",
                tags: ["security", "sagemaker"],
            }),
        });
    }
    rules.push(Rule {
        id: PROFILE_NOT_MET,
        short_description: text(PROFILE_NOT_MET_TEXT),
        full_description: text(PROFILE_NOT_MET_TEXT),
        help: text(PROFILE_NOT_MET_TEXT),
        help_uri: None,
        default_configuration: None,
        properties: None,
    });
    rules
}

/// `%`-encode what may not stand in a URI reference (a file name with spaces, `#`, `?` …).
fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(region: Option<&str>, n: &NotebookReport) -> Location {
    let arn = notebook_arn(region, n);
    let planned_file = n
        .planned
        .as_ref()
        .and_then(|p| p.file.as_ref().map(|f| (p, f)));
    let physical_location = match planned_file {
        Some((p, file)) => Some(PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_encode(file),
            },
            region: p
                .line
                .filter(|l| *l >= 1)
                .map(|start_line| SourceRegion { start_line }),
        }),
        None => arn.as_ref().map(|a| PhysicalLocation {
            artifact_location: ArtifactLocation { uri: a.clone() },
            region: None,
        }),
    };
    Location {
        physical_location,
        logical_locations: vec![LogicalLocation {
            name: n.name.clone(),
            fully_qualified_name: arn.unwrap_or_else(|| n.name.clone()),
            decorated_name: n.planned.as_ref().map(|p| p.address.clone()),
            kind: "resource",
        }],
    }
}

fn notebook_results(r: &Report, n: &NotebookReport, out: &mut Vec<SarifResult>) {
    let region = r.region.as_deref();
    let loc = location(region, n);
    let title = words::notebook_title(n, false);
    let key = format!(
        "{}/{}/{}",
        region.unwrap_or(""),
        n.account_id.as_deref().unwrap_or(""),
        n.name
    );
    for c in &n.checks.0 {
        let o = outcome(c);
        if o == Outcome::Pass {
            continue;
        }
        let reason = check_reason(n, c);
        let rule = rule_id(reason.as_ref());
        let level = match o {
            Outcome::Fail => "error",
            Outcome::FailUndecided => "warning",
            _ => "note",
        };
        let msg = match &reason {
            Some(r) => format!("{title}: {}", reason_text(r)),
            None => format!("{title}: {}: {}", c.name, meta::verdict_words(c)),
        };
        out.push(SarifResult {
            rule_id: rule,
            level,
            message: text(msg),
            locations: vec![loc.clone()],
            partial_fingerprints: Fingerprints {
                v1: format!("{key}/{rule}/{}", c.name),
            },
            properties: ResultProperties {
                check: Some(c.name.clone()),
                status: Some(c.verdict.status.as_str()),
                private: Some(c.verdict.private),
                via: meta::via(c),
                passes: Some(c.passes),
                resource_to_change: reason
                    .as_ref()
                    .and_then(reason_block)
                    .and_then(Block::resource_to_change),
                ..Default::default()
            },
        });
    }
    for f in &n.findings {
        let level = if finding_decides(r.profile, *f) {
            "error"
        } else {
            "warning"
        };
        out.push(SarifResult {
            rule_id: f.code(),
            level,
            message: text(format!("{title}: {}", words::reason(&Reason::Finding(*f)))),
            locations: vec![loc.clone()],
            partial_fingerprints: Fingerprints {
                v1: format!("{key}/{}", f.code()),
            },
            properties: ResultProperties {
                security_hub_control_id: f.security_hub_control(),
                severity: Some(f.severity()),
                ..Default::default()
            },
        });
    }
}

fn notification(d: &Diagnostic) -> Notification {
    Notification {
        descriptor: Descriptor {
            id: d.code.as_str(),
        },
        level: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        },
        message: text(d.message.clone()),
        locations: vec![Location {
            physical_location: None,
            logical_locations: vec![LogicalLocation {
                name: d.resource.clone(),
                fully_qualified_name: d.resource.clone(),
                decorated_name: None,
                kind: "resource",
            }],
        }],
    }
}

fn run(r: &Report, m: &ReportMeta) -> Run {
    let mut results = Vec::new();
    for n in &r.notebooks {
        notebook_results(r, n, &mut results);
    }
    Run {
        tool: Tool {
            driver: Driver {
                name: "vpcreach",
                information_uri: Some(INFORMATION_URI).filter(|u| !u.is_empty()),
                version: meta::VERSION,
                semantic_version: meta::VERSION,
                rules: rules(),
            },
        },
        invocations: if m.timestamp.is_some() || !r.diagnostics.is_empty() {
            vec![Invocation {
                execution_successful: true,
                end_time_utc: m.timestamp.clone(),
                tool_execution_notifications: r.diagnostics.iter().map(notification).collect(),
            }]
        } else {
            Vec::new()
        },
        automation_details: AutomationDetails {
            id: format!(
                "vpcreach/{}/{}/",
                r.region.as_deref().unwrap_or("-"),
                r.profile.as_str()
            ),
        },
        results,
        properties: RunProperties {
            region: r.region.clone(),
            profile: r.profile.as_str(),
            notebooks: r.summary.notebooks,
            compliant: r.summary.compliant,
            exit_code: r.exit_code(),
        },
    }
}
