//! JSON output: exactly the object of DESIGN §4, pretty-printed, keys in a fixed order. The JSON
//! shape lives here (the report itself is typed data): every `detail` is worded by [`words`], and
//! evidence carries, beside the words, the structured fields a tool can act on — the `rule` that
//! decided (ACL entry, security-group rule, route) and, for a block, the `resource_to_change`.

use serde::Serialize;
use vpcreach_core::analysis::evidence::{Component, RuleRef, Step};
use vpcreach_core::analysis::filters::Dir;
use vpcreach_core::analysis::{Block, Hop, Status, Verdict, Via, Witness};
use vpcreach_core::model::Diagnostic;
use vpcreach_core::report::{Profile, Report, Summary};

use crate::words;

/// How much evidence each check carries in the JSON (`--evidence`). The keys stay the same at
/// every level — what is left out is an empty list or `null` — so a consumer reads all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Evidence {
    /// Everything (DESIGN §4): witness, hop-by-hop path, every blocking and undecided reason.
    #[default]
    Full,
    /// The witness packet and the blocking and undecided reasons; no hop-by-hop `path`.
    Witness,
    /// The verdicts only (`status`, `private`, `via`, `vias`); no witness, path or reasons in the
    /// checks (each notebook's `reasons` still say why it fails).
    None,
}

/// Render the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    render_with(report, Evidence::Full)
}

/// [`render`] with the evidence cut to `evidence`.
pub fn render_with(report: &Report, evidence: Evidence) -> String {
    let mut out = Vec::new();
    write(report, evidence, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Write [`render_with`]'s bytes to `out` as they are made: notebooks are rendered in parallel,
/// a batch at a time, each on its own and indented to its place in the list, so a fleet's report
/// (gigabytes at 100,000 notebooks) is never held whole in memory.
pub fn write(
    report: &Report,
    evidence: Evidence,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    /// Notebooks per batch: enough to keep every core busy, few enough to bound the memory.
    const BATCH: usize = 2048;
    // The document without its notebooks; its empty list is where they go. The key is unique: a
    // string value holding it would have its quotes escaped.
    const EMPTY: &str = "\"notebooks\": [],";
    let shell = serde_json::to_string_pretty(&JsonReport::of(report, &[]))
        .expect("the report always serialises");
    let at = shell
        .find(EMPTY)
        .expect("the shell has an empty notebook list");
    out.write_all(&shell.as_bytes()[..at])?;
    if report.notebooks.is_empty() {
        out.write_all(EMPTY.as_bytes())?;
    } else {
        out.write_all(b"\"notebooks\": [")?;
        for (b, batch) in report.notebooks.chunks(BATCH).enumerate() {
            let parts: Vec<String> = batch
                .par_iter()
                .enumerate()
                .map(|(i, n)| {
                    let one = serde_json::to_string_pretty(&JsonNotebook::of(n, evidence))
                        .expect("a notebook always serialises");
                    let lead = if b == 0 && i == 0 {
                        "\n    "
                    } else {
                        ",\n    "
                    };
                    let mut s = String::with_capacity(one.len() + one.len() / 8 + 8);
                    s.push_str(lead);
                    s.push_str(&one.replace('\n', "\n    "));
                    s
                })
                .collect();
            for p in parts {
                out.write_all(p.as_bytes())?;
            }
        }
        out.write_all(b"\n  ],")?;
    }
    out.write_all(&shell.as_bytes()[at + EMPTY.len()..])?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct JsonReport<'a> {
    region: &'a Option<String>,
    profile: Profile,
    notebooks: &'a [JsonNotebook<'a>],
    diagnostics: &'a [Diagnostic],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct JsonNotebook<'a> {
    name: &'a str,
    /// Only for sources other than notebook instances: `studio-user-profile`, `studio-space`,
    /// `studio-domain-defaults`, `network-interface`, `ec2-instance` (a notebook instance's entry is
    /// unchanged).
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'static str>,
    /// Only for a Studio source: its domain and profile or space.
    #[serde(skip_serializing_if = "Option::is_none")]
    studio: Option<JsonStudio<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: &'a Option<String>,
    subnet_id: &'a Option<String>,
    vpc_id: &'a Option<String>,
    security_group_ids: &'a [String],
    direct_internet_access: &'a Option<String>,
    root_access: &'a Option<String>,
    /// Only for a notebook that does not exist yet: `{"address": …, "action": "create"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    planned: Option<JsonPlanned<'a>>,
    checks: ChecksMap<'a>,
    findings: Vec<JsonFinding>,
    compliant: bool,
    reasons: Vec<String>,
    /// Only with `--fixes`: proven fixes for the failing checks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<JsonFix<'a>>,
}

/// A proven fix: `proven` is always true (nothing else is offered); `rechecked` counts the checks
/// judged again to prove it.
#[derive(Serialize)]
struct JsonFix<'a> {
    check: &'a str,
    proven: bool,
    changes: Vec<JsonChange<'a>>,
    aws_cli: &'a [String],
    terraform: &'a str,
    cloudformation: &'a str,
    affected_notebooks: &'a [String],
    rechecked: usize,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    resource: &'a str,
    change: &'a str,
}

#[derive(Serialize)]
struct JsonStudio<'a> {
    domain_id: &'a str,
    domain_name: &'a Option<String>,
    app_network_access_type: Option<&'a str>,
    domain_vpc_id: &'a Option<String>,
    user_profile: &'a Option<String>,
    space: &'a Option<String>,
}

#[derive(Serialize)]
struct JsonPlanned<'a> {
    address: &'a str,
    action: &'a str,
}

/// `{"internet": {...}, "s3": {...}}` in check order (never re-sorted).
struct ChecksMap<'a>(Vec<(&'a str, JsonCheck<'a>)>);

impl Serialize for ChecksMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct JsonFinding {
    code: &'static str,
    severity: &'static str,
    detail: &'static str,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    status: Status,
    private: bool,
    via: Option<Via>,
    witness: &'a Option<Witness>,
    path: Vec<JsonHop>,
    blocked_by: Vec<JsonBlock>,
    unknown_because: Vec<JsonBlock>,
    vias: &'a [Via],
}

#[derive(Serialize)]
pub(crate) struct JsonHop {
    pub(crate) component: String,
    pub(crate) kind: &'static str,
    pub(crate) detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<JsonRule>,
}

#[derive(Serialize)]
pub(crate) struct JsonBlock {
    code: &'static str,
    component: String,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<JsonRule>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_to_change: Option<String>,
}

/// A rule as structured data: `{"type": "acl-entry", "network_acl": …, "direction": …,
/// "rule_number": 100}` (null rule number: the implicit deny), `{"type": "security-group-rule",
/// "security_group": …, "direction": …, "index": 0}` (its position among the group's rules of that
/// direction), `{"type": "route", "route_table": …, "destination": …, "target": …}`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub(crate) enum JsonRule {
    AclEntry {
        network_acl: String,
        direction: &'static str,
        rule_number: Option<i64>,
    },
    SecurityGroupRule {
        security_group: String,
        direction: &'static str,
        index: usize,
    },
    Route {
        route_table: String,
        destination: String,
        target: String,
    },
}

fn direction(d: Dir) -> &'static str {
    match d {
        Dir::Ingress => "ingress",
        Dir::Egress => "egress",
    }
}

fn rule(r: &RuleRef) -> JsonRule {
    match r {
        RuleRef::AclEntry {
            acl,
            direction: d,
            entry,
        } => JsonRule::AclEntry {
            network_acl: acl.clone(),
            direction: direction(*d),
            rule_number: entry.as_ref().map(|e| e.rule_number),
        },
        RuleRef::SgRule {
            group,
            direction: d,
            index,
            ..
        } => JsonRule::SecurityGroupRule {
            security_group: group.clone(),
            direction: direction(*d),
            index: *index,
        },
        RuleRef::Route { table, route } => JsonRule::Route {
            route_table: table.clone(),
            destination: route.dest.to_string(),
            target: route.target.id.clone(),
        },
    }
}

pub(crate) fn hop(h: &Hop) -> JsonHop {
    let r = match (&h.step, &h.at) {
        (Step::Route { route }, Component::RouteTable(t)) => Some(JsonRule::Route {
            route_table: t.clone(),
            destination: route.dest.to_string(),
            target: route.target.id.clone(),
        }),
        (Step::ReplyRoute { route, .. }, Component::RouteTable(t)) => Some(JsonRule::Route {
            route_table: t.clone(),
            destination: route.dest.to_string(),
            target: route.target.id.clone(),
        }),
        _ => h.rule().map(rule),
    };
    JsonHop {
        component: h.at.id(),
        kind: h.at.kind(),
        detail: words::hop_detail(h),
        rule: r,
    }
}

pub(crate) fn block(b: &Block) -> JsonBlock {
    JsonBlock {
        code: b.code.as_str(),
        component: b.component(),
        detail: words::block_detail(b),
        rule: b.rule().map(rule),
        resource_to_change: b.resource_to_change(),
    }
}

fn check(v: &Verdict, evidence: Evidence) -> JsonCheck<'_> {
    let reasons = |b: &[Block]| match evidence {
        Evidence::None => Vec::new(),
        Evidence::Full | Evidence::Witness => b.iter().map(block).collect(),
    };
    JsonCheck {
        status: v.status,
        private: v.private,
        via: v.via,
        witness: match evidence {
            Evidence::None => &None,
            Evidence::Full | Evidence::Witness => &v.witness,
        },
        path: match evidence {
            Evidence::Full => v.path.iter().map(hop).collect(),
            Evidence::Witness | Evidence::None => Vec::new(),
        },
        blocked_by: reasons(&v.blocked_by),
        unknown_because: reasons(&v.unknown_because),
        vias: &v.vias,
    }
}

impl<'a> JsonReport<'a> {
    fn of(r: &'a Report, notebooks: &'a [JsonNotebook<'a>]) -> Self {
        JsonReport {
            region: &r.region,
            profile: r.profile,
            notebooks,
            diagnostics: &r.diagnostics,
            summary: &r.summary,
        }
    }
}

impl<'a> JsonNotebook<'a> {
    fn of(n: &'a vpcreach_core::report::NotebookReport, evidence: Evidence) -> Self {
        JsonNotebook {
            name: &n.name,
            kind: (n.kind != vpcreach_core::model::SourceKind::NotebookInstance)
                .then(|| n.kind.as_str()),
            studio: n.studio.as_ref().map(|s| JsonStudio {
                domain_id: &s.domain_id,
                domain_name: &s.domain_name,
                app_network_access_type: s.access.as_str(),
                domain_vpc_id: &s.domain_vpc_id,
                user_profile: &s.user_profile,
                space: &s.space,
            }),
            account_id: &n.account_id,
            subnet_id: &n.subnet_id,
            vpc_id: &n.vpc_id,
            security_group_ids: &n.security_group_ids,
            direct_internet_access: &n.direct_internet_access,
            root_access: &n.root_access,
            planned: n.planned.as_ref().map(|p| JsonPlanned {
                address: &p.address,
                action: &p.action,
            }),
            checks: ChecksMap(
                n.checks
                    .0
                    .iter()
                    .map(|c| (c.name.as_str(), check(&c.verdict, evidence)))
                    .collect(),
            ),
            findings: n
                .findings
                .iter()
                .map(|f| JsonFinding {
                    code: f.code(),
                    severity: f.severity(),
                    detail: words::finding_detail(*f),
                })
                .collect(),
            compliant: n.compliant,
            reasons: n.reasons.iter().map(words::reason).collect(),
            fixes: n
                .fixes
                .iter()
                .map(|f| JsonFix {
                    check: &f.check,
                    proven: true,
                    changes: f
                        .changes
                        .iter()
                        .map(|(r, c)| JsonChange {
                            resource: r,
                            change: c,
                        })
                        .collect(),
                    aws_cli: &f.aws_cli,
                    terraform: &f.terraform,
                    cloudformation: &f.cloudformation,
                    affected_notebooks: &f.affected,
                    rechecked: f.rechecked,
                })
                .collect(),
        }
    }
}
