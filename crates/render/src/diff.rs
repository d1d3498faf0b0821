//! The verdict diff (`vpcreach diff OLD NEW`) as text: reading a saved JSON report back into the
//! comparable view, and rendering a [`Diff`] as a table, JSON or Markdown (a GitHub PR comment).
//!
//! Reading lives here because the JSON shape does ([`crate::json`] writes it): [`parse_report_json`]
//! accepts one report object, several concatenated (what `analyze --format json` prints for
//! several regions), or a JSON array of them, and refuses anything else — a snapshot, a plan,
//! other JSON — with an error naming what is missing (fail closed). [`looks_like_report`] tells a
//! saved report from other input without failing.
//!
//! A command line runs, per side: `looks_like_report(text)` → [`parse_report_json`]; otherwise
//! load, convert and judge the snapshot / plan / template as `analyze` does, then
//! `Verdicts::from_reports(reports)` and `mark_planned(network)` for each network. Then
//! `vpcreach_core::diff::diff(&old, &new)`, one of [`render_table`] / [`render_json`] /
//! [`render_markdown`] (or [`render`] with a [`crate::Format`]), and `Diff::exit_code()` (1 on a
//! regression, else 0).
//!
//! # The JSON diff
//!
//! [`render_json`] prints one object with these stable fields:
//!
//! ```json
//! {
//!   "regressions": 2,
//!   "improvements": 1,
//!   "unchanged": 3,
//!   "profile_changes": [{"region": "us-east-1", "old": "isolated", "new": "nat-egress"}],
//!   "incomplete": [{"region": "eu-west-1", "old": null, "new": "…", "kind": "regression"}],
//!   "notebooks": [
//!     {
//!       "region": "us-east-1",
//!       "name": "nb-analytics",
//!       "account_id": "111122223333",
//!       "change": "changed",
//!       "kind": "regression",
//!       "compliant": {"old": true, "new": false, "kind": "regression"},
//!       "planned": {"old": null, "new": null},
//!       "checks": [
//!         {"name": "internet", "kind": "regression",
//!          "old": {"status": "unreachable", "private": false, "via": null},
//!          "new": {"status": "reachable", "private": false, "via": "internet-gateway"}}
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! - `regressions` / `improvements`: regressed (improved) checks, notebooks whose compliance
//!   regressed (improved) and regions whose list of notebooks became incomplete (complete);
//!   `unchanged`: notebooks whose verdicts did not change.
//! - `profile_changes`: regions judged under another profile on the new side;
//!   `incomplete`: regions whose list of notebooks is incomplete (failed collection) on either
//!   side, `old` / `new` saying why (null: complete).
//! - `notebooks`: every notebook of either side (unchanged ones too), by region, name, account.
//!   `region` is null when the report names none; `account_id` is omitted when unknown.
//! - `change`: `added` | `removed` | `changed` | `unchanged`; `kind` (the notebook's, a check's,
//!   the compliance's): `regression` | `improvement` | `neutral` (the rules:
//!   [`vpcreach_core::diff`]).
//! - `compliant.old` / `.new`: null where the notebook is absent; `planned.old` / `.new`: the
//!   plan's action (`create`, `update`, `replace`), null for a notebook that exists.
//! - `checks`: only the checks that differ, in report order (`internet` first); `old` / `new` is
//!   null where the check is absent; `status`, `private`, `via` as in the report.

use std::fmt::{self, Write};

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use vpcreach_core::analysis::{Code, Status};
use vpcreach_core::diff::{
    CheckDiff, CheckState, CheckVerdict, Diff, Kind, NotebookDiff, NotebookVerdict, RegionVerdicts,
    Verdicts,
};

use crate::markdown::escape;

// -------------------------------------------------------------------------------------------
// Reading a saved JSON report
// -------------------------------------------------------------------------------------------

/// Why a text is not a saved JSON report.
#[derive(Debug, thiserror::Error)]
pub enum ReportJsonError {
    #[error(
        "no JSON report in the input (expected the output of `vpcreach analyze --format json`)"
    )]
    Empty,
    #[error(
        "report {index}: not a vpcreach JSON report (the output of `vpcreach analyze --format json`): {source}"
    )]
    Json {
        /// 1-based position of the report in the input.
        index: usize,
        source: serde_json::Error,
    },
    #[error("report {index}: {what}")]
    Invalid { index: usize, what: String },
}

/// A field that must be present but may be null.
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)
}

#[derive(Deserialize)]
#[serde(expecting = "a vpcreach report object (region, profile, notebooks, summary)")]
struct SavedReport {
    #[serde(deserialize_with = "nullable")]
    region: Option<String>,
    profile: String,
    notebooks: Vec<SavedNotebook>,
    diagnostics: Vec<SavedDiagnostic>,
    summary: SavedSummary,
}

#[derive(Deserialize)]
struct SavedDiagnostic {
    code: String,
    resource: String,
    message: String,
}

#[derive(Deserialize)]
struct SavedSummary {
    notebooks: usize,
    #[allow(dead_code)]
    compliant: usize,
}

#[derive(Deserialize)]
#[serde(expecting = "a notebook object (name, checks, compliant)")]
struct SavedNotebook {
    name: String,
    #[serde(default)]
    account_id: Option<String>,
    checks: SavedChecks,
    compliant: bool,
    /// Not written by `analyze` today; accepted as the plan's action or `{"action": …}`.
    #[serde(default)]
    planned: Option<SavedPlanned>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SavedPlanned {
    Action(String),
    Object { action: String },
}

#[derive(Deserialize)]
#[serde(expecting = "a check object (status, private, via)")]
struct SavedCheck {
    status: String,
    private: bool,
    #[serde(deserialize_with = "nullable")]
    via: Option<String>,
}

/// The checks object in document order (a map would sort it).
struct SavedChecks(Vec<(String, SavedCheck)>);

impl<'de> Deserialize<'de> for SavedChecks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SavedChecks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of checks (\"internet\", then one per service)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<SavedChecks, A::Error> {
                let mut out: Vec<(String, SavedCheck)> = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, SavedCheck>()? {
                    if out.iter().any(|(n, _)| *n == k) {
                        return Err(de::Error::custom(format!("check `{k}` appears twice")));
                    }
                    out.push((k, v));
                }
                Ok(SavedChecks(out))
            }
        }
        d.deserialize_map(V)
    }
}

fn parse_status(s: &str) -> Option<Status> {
    [
        Status::Reachable,
        Status::Unreachable,
        Status::Unknown,
        Status::Partial,
    ]
    .into_iter()
    .find(|x| x.as_str() == s)
}

fn convert(index: usize, r: SavedReport) -> Result<RegionVerdicts, ReportJsonError> {
    let invalid = |what: String| ReportJsonError::Invalid { index, what };
    if !["isolated", "nat-egress"].contains(&r.profile.as_str()) {
        return Err(invalid(format!(
            "unknown profile `{}` (expected `isolated` or `nat-egress`)",
            r.profile
        )));
    }
    if r.summary.notebooks != r.notebooks.len() {
        return Err(invalid(format!(
            "the summary counts {} notebook(s) but the report lists {} (truncated or edited?)",
            r.summary.notebooks,
            r.notebooks.len()
        )));
    }
    let mut notebooks = Vec::new();
    for n in r.notebooks {
        if !n.checks.0.iter().any(|(k, _)| k == "internet") {
            return Err(invalid(format!(
                "notebook `{}` has no `internet` check",
                n.name
            )));
        }
        let mut checks = Vec::new();
        for (name, c) in n.checks.0 {
            let status = parse_status(&c.status).ok_or_else(|| {
                invalid(format!(
                    "notebook `{}`, check `{name}`: unknown status `{}` (expected reachable, unreachable, unknown or partial)",
                    n.name, c.status
                ))
            })?;
            checks.push(CheckVerdict {
                name,
                state: CheckState {
                    status,
                    private: c.private,
                    via: c.via,
                },
            });
        }
        notebooks.push(NotebookVerdict {
            name: n.name,
            account_id: n.account_id,
            compliant: n.compliant,
            planned: n.planned.map(|p| match p {
                SavedPlanned::Action(a) | SavedPlanned::Object { action: a } => a,
            }),
            checks,
        });
    }
    // A failed collection of the notebooks is a diagnostic on the snapshot key they come from.
    let notebooks_incomplete = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::IncompleteData.as_str() && d.resource == "NotebookInstances")
        .map(|d| d.message.clone());
    Ok(RegionVerdicts {
        region: r.region,
        profile: r.profile,
        notebooks,
        notebooks_incomplete,
    })
}

/// Read a saved JSON report (`vpcreach analyze --format json`): one object, several concatenated
/// (one per region), or an array of them.
pub fn parse_report_json(text: &str) -> Result<Verdicts, ReportJsonError> {
    let trimmed = text.trim_start();
    let saved: Vec<SavedReport> = if trimmed.starts_with('[') {
        serde_json::from_str(trimmed)
            .map_err(|source| ReportJsonError::Json { index: 1, source })?
    } else {
        let mut out = Vec::new();
        for (i, r) in serde_json::Deserializer::from_str(text)
            .into_iter::<SavedReport>()
            .enumerate()
        {
            out.push(r.map_err(|source| ReportJsonError::Json {
                index: i + 1,
                source,
            })?);
        }
        out
    };
    if saved.is_empty() {
        return Err(ReportJsonError::Empty);
    }
    let regions = saved
        .into_iter()
        .enumerate()
        .map(|(i, r)| convert(i + 1, r))
        .collect::<Result<_, _>>()?;
    Ok(Verdicts { regions })
}

/// Is `text` a saved JSON report (rather than a snapshot, a plan or a template)? True when its
/// first JSON value (or the first element of an array) is an object with the report's
/// `profile`, `notebooks` and `summary` keys; [`parse_report_json`] still validates the rest.
pub fn looks_like_report(text: &str) -> bool {
    let Some(Ok(first)) = serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .next()
    else {
        return false;
    };
    let obj = match &first {
        serde_json::Value::Array(a) => a.first(),
        v => Some(v),
    };
    obj.and_then(|o| o.as_object()).is_some_and(|o| {
        ["profile", "notebooks", "summary"]
            .iter()
            .all(|k| o.contains_key(*k))
    })
}

// -------------------------------------------------------------------------------------------
// Words shared by the formats
// -------------------------------------------------------------------------------------------

/// `reachable, private via interface-endpoint`, `unreachable`, `unknown via transit-gateway`;
/// `—` when absent.
pub fn state_words(s: Option<&CheckState>) -> String {
    let Some(s) = s else { return "—".into() };
    let mut w = s.status.as_str().to_string();
    if s.private && matches!(s.status, Status::Reachable | Status::Partial) {
        w.push_str(", private");
    }
    if let Some(v) = s.via.as_deref().filter(|_| s.status != Status::Unreachable) {
        let _ = write!(w, " via {v}");
    }
    w
}

fn yes_no(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => "yes",
        Some(false) => "no",
        None => "—",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `2 regressions, 1 improvement, 3 unchanged notebooks`.
pub fn summary_line(d: &Diff) -> String {
    format!(
        "{}, {}, {}",
        plural(d.regressions(), "regression", "regressions"),
        plural(d.improvements(), "improvement", "improvements"),
        plural(d.unchanged(), "unchanged notebook", "unchanged notebooks")
    )
}

/// One row of the table and Markdown renderings.
struct Row<'a> {
    nb: &'a NotebookDiff,
    check: &'a str,
    old: String,
    new: String,
    kind: Kind,
}

/// The rows: per changed or added notebook its changed checks then its compliance (when it
/// changed); a removed notebook is one row (its compliance). Unchanged notebooks have none.
fn rows(d: &Diff) -> Vec<Row<'_>> {
    use vpcreach_core::diff::Change;
    let mut out = Vec::new();
    for nb in &d.notebooks {
        if nb.change != Change::Removed {
            for c in &nb.checks {
                out.push(check_row(nb, c));
            }
        }
        if nb.compliance_changed() {
            out.push(Row {
                nb,
                check: "compliant",
                old: yes_no(nb.compliant_old).into(),
                new: yes_no(nb.compliant_new).into(),
                kind: nb.compliant_kind,
            });
        }
    }
    out
}

fn check_row<'a>(nb: &'a NotebookDiff, c: &'a CheckDiff) -> Row<'a> {
    Row {
        nb,
        check: &c.name,
        old: state_words(c.old.as_ref()),
        new: state_words(c.new.as_ref()),
        kind: c.kind,
    }
}

/// The notebook's label: its name, then (as a suffix) the account when the name is ambiguous,
/// what happened to it and the plan's action.
fn label(d: &Diff, nb: &NotebookDiff) -> (String, String) {
    use vpcreach_core::diff::Change;
    let mut s = String::new();
    let ambiguous = d
        .notebooks
        .iter()
        .filter(|o| o.region == nb.region && o.name == nb.name)
        .count()
        > 1;
    if let Some(a) = nb.account_id.as_deref().filter(|_| ambiguous) {
        let _ = write!(s, " [account {a}]");
    }
    match nb.change {
        Change::Added => s.push_str(" [added]"),
        Change::Removed => s.push_str(" [removed]"),
        _ => {}
    }
    let side = |p: &Option<String>| p.clone().unwrap_or_else(|| "exists".into());
    let planned = match nb.change {
        Change::Added => nb.planned_new.clone(),
        Change::Removed => nb.planned_old.clone(),
        _ if nb.planned_old == nb.planned_new => nb.planned_new.clone(),
        _ => Some(format!(
            "{} → {}",
            side(&nb.planned_old),
            side(&nb.planned_new)
        )),
    };
    if let Some(p) = planned {
        let _ = write!(s, " [planned: {p}]");
    }
    (nb.name.clone(), s)
}

fn region_words(r: &Option<String>) -> &str {
    r.as_deref().unwrap_or("—")
}

/// The unchanged notebooks: name, the rest of their label, region.
fn unchanged_names(d: &Diff) -> Vec<(String, String, Option<&str>)> {
    d.notebooks
        .iter()
        .filter(|n| n.change == vpcreach_core::diff::Change::Unchanged)
        .map(|n| {
            let (name, suffix) = label(d, n);
            (name, suffix, n.region.as_deref())
        })
        .collect()
}

fn in_region(r: Option<&str>) -> String {
    r.map(|r| format!(" ({r})")).unwrap_or_default()
}

/// Notes on the regions: incomplete lists of notebooks, then profile changes; each with its
/// judgement.
fn region_notes(d: &Diff) -> Vec<(String, Kind)> {
    let mut out: Vec<(String, Kind)> = d
        .incomplete
        .iter()
        .map(|i| {
            let r = i
                .region
                .as_deref()
                .map(|r| format!(" of {r}"))
                .unwrap_or_default();
            let text = match (&i.old, &i.new) {
                (None, Some(why)) => format!(
                    "The list of notebooks{r} became incomplete: {why}. A notebook that seems removed may only be unread."
                ),
                (Some(why), None) => {
                    format!("The list of notebooks{r} is complete again (it was not: {why}).")
                }
                (_, Some(why)) => format!("The list of notebooks{r} is still incomplete: {why}."),
                (_, None) => String::new(),
            };
            (text, i.kind)
        })
        .collect();
    out.extend(d.profile_changes.iter().map(|p| {
        (
            format!(
                "The profile changed{}: {} → {}; the verdicts are judged differently.",
                p.region
                    .as_deref()
                    .map(|r| format!(" in {r}"))
                    .unwrap_or_default(),
                p.old,
                p.new
            ),
            Kind::Neutral,
        )
    }));
    out
}

// -------------------------------------------------------------------------------------------
// Table
// -------------------------------------------------------------------------------------------

/// The plain-text table: one row per changed check (and per change of compliance), aligned
/// columns, then the unchanged notebooks, any profile change, and the summary line.
pub fn render_table(d: &Diff) -> String {
    let mut out = String::new();
    let rows = rows(d);
    if rows.is_empty() {
        out.push_str("No verdict changed.\n");
    } else {
        let mut table: Vec<[String; 6]> = vec![[
            "REGION".into(),
            "NOTEBOOK".into(),
            "CHECK".into(),
            "OLD".into(),
            "NEW".into(),
            "CHANGE".into(),
        ]];
        for r in &rows {
            table.push([
                region_words(&r.nb.region).into(),
                {
                    let (name, suffix) = label(d, r.nb);
                    name + &suffix
                },
                r.check.into(),
                r.old.clone(),
                r.new.clone(),
                match r.kind {
                    Kind::Regression => "REGRESSION".into(),
                    k => k.as_str().into(),
                },
            ]);
        }
        let mut widths = [0usize; 6];
        for row in &table {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        for row in &table {
            let line: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            let _ = writeln!(out, "{}", line.join("  ").trim_end());
        }
    }
    let unchanged = unchanged_names(d);
    let notes = region_notes(d);
    if !unchanged.is_empty() || !notes.is_empty() {
        out.push('\n');
    }
    if !unchanged.is_empty() {
        let list: Vec<String> = unchanged
            .iter()
            .map(|(n, suffix, r)| format!("{n}{suffix}{}", in_region(*r)))
            .collect();
        let _ = writeln!(out, "Unchanged: {}.", list.join(", "));
    }
    for (n, k) in notes {
        match k {
            Kind::Regression => {
                let _ = writeln!(out, "{n} REGRESSION");
            }
            _ => {
                let _ = writeln!(out, "{n}");
            }
        }
    }
    let _ = writeln!(out, "\n{}.", summary_line(d));
    out
}

// -------------------------------------------------------------------------------------------
// Markdown
// -------------------------------------------------------------------------------------------

/// An identifier as code, when it is safe in a code span; escaped text otherwise.
fn code(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
    {
        format!("`{s}`")
    } else {
        escape(s)
    }
}

/// The marker the Markdown starts with, so a CI job can find and update its earlier comment.
pub const MARKDOWN_MARKER: &str = "<!-- vpcreach-diff -->";

/// Markdown for a GitHub PR comment: a marker comment, a heading with the verdict
/// (`❌ 2 regressions` / `✅ no regression`), the summary line, a table of the changed checks
/// only, the unchanged notebooks in one line, and any profile change.
pub fn render_markdown(d: &Diff) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{MARKDOWN_MARKER}");
    let heading = match d.regressions() {
        0 => "✅ no regression".to_string(),
        n => format!("❌ {}", plural(n, "regression", "regressions")),
    };
    let _ = writeln!(out, "## vpcreach diff: {heading}\n");
    let _ = writeln!(out, "{}.\n", summary_line(d));
    let rows = rows(d);
    if rows.is_empty() {
        out.push_str("No verdict changed.\n");
    } else {
        out.push_str("| Region | Notebook | Check | Old | New | Change |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for r in &rows {
            let kind = match r.kind {
                Kind::Regression => "❌ regression",
                Kind::Improvement => "✅ improvement",
                Kind::Neutral => "neutral",
            };
            let new = if r.kind == Kind::Regression {
                format!("**{}**", escape(&r.new))
            } else {
                escape(&r.new)
            };
            let (name, suffix) = label(d, r.nb);
            let _ = writeln!(
                out,
                "| {} | {}{} | {} | {} | {} | {} |",
                r.nb.region.as_deref().map(code).unwrap_or("—".into()),
                code(&name),
                escape(&suffix),
                code(r.check),
                escape(&r.old),
                new,
                kind
            );
        }
    }
    let unchanged = unchanged_names(d);
    if !unchanged.is_empty() {
        let list: Vec<String> = unchanged
            .iter()
            .map(|(n, suffix, r)| {
                format!("{}{}", code(n), escape(&(suffix.clone() + &in_region(*r))))
            })
            .collect();
        let _ = writeln!(
            out,
            "\n{} unchanged: {}.",
            plural(unchanged.len(), "notebook", "notebooks"),
            list.join(", ")
        );
    }
    for (n, k) in region_notes(d) {
        let mark = match k {
            Kind::Regression => "❌",
            Kind::Improvement => "✅",
            Kind::Neutral => "⚠️",
        };
        let _ = writeln!(out, "\n{mark} {}", escape(&n));
    }
    out
}

// -------------------------------------------------------------------------------------------
// JSON
// -------------------------------------------------------------------------------------------

#[derive(Serialize)]
struct JsonDiff<'a> {
    regressions: usize,
    improvements: usize,
    unchanged: usize,
    profile_changes: Vec<JsonProfileChange<'a>>,
    incomplete: Vec<JsonIncomplete<'a>>,
    notebooks: Vec<JsonNotebook<'a>>,
}

#[derive(Serialize)]
struct JsonIncomplete<'a> {
    region: &'a Option<String>,
    old: &'a Option<String>,
    new: &'a Option<String>,
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonProfileChange<'a> {
    region: &'a Option<String>,
    old: &'a str,
    new: &'a str,
}

#[derive(Serialize)]
struct JsonNotebook<'a> {
    region: &'a Option<String>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: &'a Option<String>,
    change: &'static str,
    kind: &'static str,
    compliant: JsonCompliant,
    planned: JsonPlanned<'a>,
    checks: Vec<JsonCheck<'a>>,
}

#[derive(Serialize)]
struct JsonCompliant {
    old: Option<bool>,
    new: Option<bool>,
    kind: &'static str,
}

#[derive(Serialize)]
struct JsonPlanned<'a> {
    old: &'a Option<String>,
    new: &'a Option<String>,
}

#[derive(Serialize)]
struct JsonCheck<'a> {
    name: &'a str,
    kind: &'static str,
    old: Option<JsonState<'a>>,
    new: Option<JsonState<'a>>,
}

#[derive(Serialize)]
struct JsonState<'a> {
    status: Status,
    private: bool,
    via: &'a Option<String>,
}

fn json_state(s: &Option<CheckState>) -> Option<JsonState<'_>> {
    s.as_ref().map(|s| JsonState {
        status: s.status,
        private: s.private,
        via: &s.via,
    })
}

/// The diff as pretty JSON with a trailing newline (fields: the module documentation).
pub fn render_json(d: &Diff) -> String {
    let j = JsonDiff {
        regressions: d.regressions(),
        improvements: d.improvements(),
        unchanged: d.unchanged(),
        profile_changes: d
            .profile_changes
            .iter()
            .map(|p| JsonProfileChange {
                region: &p.region,
                old: &p.old,
                new: &p.new,
            })
            .collect(),
        incomplete: d
            .incomplete
            .iter()
            .map(|i| JsonIncomplete {
                region: &i.region,
                old: &i.old,
                new: &i.new,
                kind: i.kind.as_str(),
            })
            .collect(),
        notebooks: d
            .notebooks
            .iter()
            .map(|n| JsonNotebook {
                region: &n.region,
                name: &n.name,
                account_id: &n.account_id,
                change: n.change.as_str(),
                kind: n.kind().as_str(),
                compliant: JsonCompliant {
                    old: n.compliant_old,
                    new: n.compliant_new,
                    kind: n.compliant_kind.as_str(),
                },
                planned: JsonPlanned {
                    old: &n.planned_old,
                    new: &n.planned_new,
                },
                checks: n
                    .checks
                    .iter()
                    .map(|c| JsonCheck {
                        name: &c.name,
                        kind: c.kind.as_str(),
                        old: json_state(&c.old),
                        new: json_state(&c.new),
                    })
                    .collect(),
            })
            .collect(),
    };
    let mut s = serde_json::to_string_pretty(&j).expect("the diff always serialises");
    s.push('\n');
    s
}

/// Render in one of the formats `diff` supports (table, JSON, Markdown); `None` for HTML.
pub fn render(d: &Diff, format: crate::Format) -> Option<String> {
    match format {
        crate::Format::Table => Some(render_table(d)),
        crate::Format::Json => Some(render_json(d)),
        crate::Format::Markdown => Some(render_markdown(d)),
        crate::Format::Html
        | crate::Format::Sarif
        | crate::Format::Asff
        | crate::Format::Junit
        | crate::Format::Csv => None,
    }
}
