//! The verdict diff (`vpcreach diff OLD NEW`): what changed between two runs, per notebook and
//! check, and whether any change is a regression.
//!
//! Both sides are first reduced to a comparable [`Verdicts`] view — per (region, notebook): whether
//! it is compliant, whether it is planned, and per check its [`Status`], `private` flag and `via`
//! (as its stable string). A view is built from in-process [`Report`]s ([`Verdicts::from_reports`],
//! `From<&Report>`) or from a saved JSON report (`vpcreach_render::diff::parse_report_json`: the
//! JSON shape belongs to the renderer, and this crate parses no JSON text). [`diff`] then pairs
//! notebooks by (region, name) — by account too when a name occurs in several accounts; a side
//! that names no region meets the other side's region when it has exactly one — and classifies
//! every change ([`Kind`]):
//!
//! - **`internet`** is ranked unreachable < unknown < reachable (`partial`, which the engine
//!   never gives `internet`, ranks as reachable): a move up (non-reachable → reachable, or
//!   unreachable → unknown: losing certainty fails a gate too) is a regression, a move down an
//!   improvement.
//! - **a service** is ranked reachable-and-private < reachable-not-private < partial / unreachable
//!   / unknown: a move up is a regression (private → not private, partial, unreachable or
//!   unknown; reachable → partial, unreachable or unknown), a move down an improvement; moves
//!   among partial / unreachable / unknown, and a change of `via` alone, are neutral.
//! - **a check that appears** (a new notebook, or a service newly asked for) is compared against
//!   "absent", which ranks lowest: it is a regression exactly when it appears with a worse
//!   status than the best one. A check that disappears is neutral.
//! - **`compliant`**: yes → no is a regression, no → yes an improvement; a notebook that appears
//!   non-compliant is a regression, one that appears compliant is neutral; a removed notebook is
//!   neutral.
//!
//! Ordering is deterministic: regions by name (none first), notebooks by name then account, checks
//! in report order (`internet` first; checks only the old side has come after the new side's).

use crate::analysis::Status;
use crate::model::Network;
use crate::report::Report;

/// One check's verdict, as far as the diff compares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckState {
    pub status: Status,
    pub private: bool,
    /// The stable string of the way out (`nat-gateway`, `interface-endpoint`, …), if any.
    pub via: Option<String>,
}

/// One check of a notebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckVerdict {
    /// `internet`, or the service as asked (`s3`, `sagemaker.api`, …).
    pub name: String,
    pub state: CheckState,
}

/// One notebook's verdicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotebookVerdict {
    pub name: String,
    pub account_id: Option<String>,
    pub compliant: bool,
    /// The plan's action when the notebook does not exist yet or will change (`create`,
    /// `update`, `replace`); `None` for a notebook that exists as described.
    pub planned: Option<String>,
    /// `internet` first, then the services in the order asked.
    pub checks: Vec<CheckVerdict>,
}

/// The verdicts of one region's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionVerdicts {
    pub region: Option<String>,
    /// The profile the report was judged under (`isolated`, `nat-egress`).
    pub profile: String,
    pub notebooks: Vec<NotebookVerdict>,
    /// Why the list of notebooks is incomplete (failed collection), if it is: notebooks may be
    /// missing from `notebooks` although they exist.
    pub notebooks_incomplete: Option<String>,
}

/// The comparable view of one run: every region's verdicts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdicts {
    pub regions: Vec<RegionVerdicts>,
}

impl From<&Report> for RegionVerdicts {
    fn from(r: &Report) -> Self {
        RegionVerdicts {
            region: r.region.clone(),
            profile: r.profile.as_str().to_string(),
            notebooks: r
                .notebooks
                .iter()
                .map(|n| NotebookVerdict {
                    name: n.name.clone(),
                    account_id: n.account_id.clone(),
                    compliant: n.compliant,
                    planned: n.planned.as_ref().map(|p| p.action.clone()),
                    checks: n
                        .checks
                        .0
                        .iter()
                        .map(|c| CheckVerdict {
                            name: c.name.clone(),
                            state: CheckState {
                                status: c.verdict.status,
                                private: c.verdict.private,
                                via: c.verdict.via.map(|v| v.as_str().to_string()),
                            },
                        })
                        .collect(),
                })
                .collect(),
            notebooks_incomplete: r.unread_notebooks.clone(),
        }
    }
}

impl From<&Report> for Verdicts {
    fn from(r: &Report) -> Self {
        Verdicts {
            regions: vec![RegionVerdicts::from(r)],
        }
    }
}

impl Verdicts {
    /// The view of several regions' reports (what `assess` returns, one report per region).
    pub fn from_reports<'a>(reports: impl IntoIterator<Item = &'a Report>) -> Verdicts {
        Verdicts {
            regions: reports.into_iter().map(RegionVerdicts::from).collect(),
        }
    }

    /// Mark the notebooks `net` plans (a plan's or template's network: `Network::planned` holds
    /// the notebook under its name) with the plan's action. Only the regions named like `net`.
    /// (A report built from `net` already carries this; the view of a report built elsewhere
    /// may not.)
    pub fn mark_planned(&mut self, net: &Network) {
        for r in self.regions.iter_mut().filter(|r| r.region == net.region) {
            for n in &mut r.notebooks {
                if let Some(p) = net.planned.get(&n.name) {
                    n.planned = Some(p.action.clone());
                }
            }
        }
    }

    /// Every notebook with its region, in view order.
    pub fn notebooks(&self) -> impl Iterator<Item = (&Option<String>, &NotebookVerdict)> {
        self.regions
            .iter()
            .flat_map(|r| r.notebooks.iter().map(move |n| (&r.region, n)))
    }
}

/// How a change is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Regression,
    Improvement,
    Neutral,
}

impl Kind {
    /// `regression`, `improvement`, `neutral`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Regression => "regression",
            Kind::Improvement => "improvement",
            Kind::Neutral => "neutral",
        }
    }
}

/// What happened to a notebook between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Only the new side has it.
    Added,
    /// Only the old side has it.
    Removed,
    /// Some check or its compliance differs.
    Changed,
    /// Same verdicts (the plan's action may still differ).
    Unchanged,
}

impl Change {
    /// `added`, `removed`, `changed`, `unchanged`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
            Change::Unchanged => "unchanged",
        }
    }
}

/// One check that differs (absent on one side counts as a difference).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckDiff {
    pub name: String,
    pub old: Option<CheckState>,
    pub new: Option<CheckState>,
    pub kind: Kind,
}

/// One notebook of either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotebookDiff {
    pub region: Option<String>,
    pub name: String,
    pub account_id: Option<String>,
    pub change: Change,
    /// `compliant` on each side (`None`: the notebook is absent there).
    pub compliant_old: Option<bool>,
    pub compliant_new: Option<bool>,
    /// How the change of `compliant` is judged (neutral when it did not change).
    pub compliant_kind: Kind,
    /// The plan's action on each side (`None`: exists as described, or absent).
    pub planned_old: Option<String>,
    pub planned_new: Option<String>,
    /// Only the checks that differ, in report order.
    pub checks: Vec<CheckDiff>,
}

impl NotebookDiff {
    /// Did `compliant` change (including appearing or disappearing)?
    pub fn compliance_changed(&self) -> bool {
        self.compliant_old != self.compliant_new
    }

    /// Regressions of this notebook: its checks, plus its compliance.
    pub fn regressions(&self) -> usize {
        self.count(Kind::Regression)
    }

    pub fn improvements(&self) -> usize {
        self.count(Kind::Improvement)
    }

    fn count(&self, k: Kind) -> usize {
        self.checks.iter().filter(|c| c.kind == k).count() + usize::from(self.compliant_kind == k)
    }

    /// The notebook's overall judgement: a regression if anything regressed, else an improvement
    /// if anything improved, else neutral.
    pub fn kind(&self) -> Kind {
        if self.regressions() > 0 {
            Kind::Regression
        } else if self.improvements() > 0 {
            Kind::Improvement
        } else {
            Kind::Neutral
        }
    }
}

/// A profile that differs between the two sides for a region (its verdicts are then judged
/// differently, which a reader should know).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileChange {
    pub region: Option<String>,
    pub old: String,
    pub new: String,
}

/// A region whose list of notebooks is incomplete (failed collection) on one side at least.
/// Becoming incomplete is a regression (a notebook that seems removed may only be unread: the
/// report fails its gate for it too), becoming complete an improvement, staying incomplete
/// neutral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteChange {
    pub region: Option<String>,
    /// Why the list is incomplete on each side (`None`: complete, or the region is absent).
    pub old: Option<String>,
    pub new: Option<String>,
    pub kind: Kind,
}

/// The diff of two views.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diff {
    /// Every notebook of either side, unchanged ones included.
    pub notebooks: Vec<NotebookDiff>,
    pub profile_changes: Vec<ProfileChange>,
    pub incomplete: Vec<IncompleteChange>,
}

impl Diff {
    /// Does any change regress? (`vpcreach diff` exits 1 then.)
    pub fn has_regression(&self) -> bool {
        self.regressions() > 0
    }

    /// The number of regressions: every regressed check, every notebook whose compliance
    /// regressed (each one row of the renderings), and every region whose list of notebooks
    /// became incomplete.
    pub fn regressions(&self) -> usize {
        self.count(Kind::Regression)
    }

    /// The number of improvements, counted like [`Diff::regressions`].
    pub fn improvements(&self) -> usize {
        self.count(Kind::Improvement)
    }

    fn count(&self, k: Kind) -> usize {
        self.notebooks.iter().map(|n| n.count(k)).sum::<usize>()
            + self.incomplete.iter().filter(|i| i.kind == k).count()
    }

    /// The notebooks whose verdicts did not change.
    pub fn unchanged(&self) -> usize {
        self.notebooks
            .iter()
            .filter(|n| n.change == Change::Unchanged)
            .count()
    }

    /// Exit status of `vpcreach diff`: 1 on a regression, else 0.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.has_regression())
    }
}

/// How bad a check's state is, for the rules of the module docs (absent ranks 0).
fn rank(check: &str, s: Option<&CheckState>) -> u8 {
    let Some(s) = s else { return 0 };
    if check == "internet" {
        match s.status {
            Status::Unreachable => 0,
            Status::Unknown => 1,
            Status::Reachable | Status::Partial => 2,
        }
    } else {
        match s.status {
            Status::Reachable if s.private => 0,
            Status::Reachable => 1,
            Status::Partial | Status::Unreachable | Status::Unknown => 2,
        }
    }
}

/// How the change of check `name` from `old` to `new` is judged.
pub fn classify_check(name: &str, old: Option<&CheckState>, new: Option<&CheckState>) -> Kind {
    if new.is_none() {
        // A check that is no longer made says nothing about the network.
        return Kind::Neutral;
    }
    let (a, b) = (rank(name, old), rank(name, new));
    match b.cmp(&a) {
        std::cmp::Ordering::Greater => Kind::Regression,
        std::cmp::Ordering::Less => Kind::Improvement,
        std::cmp::Ordering::Equal => Kind::Neutral,
    }
}

/// How the change of `compliant` is judged (`None`: the notebook is absent on that side).
pub fn classify_compliance(old: Option<bool>, new: Option<bool>) -> Kind {
    match (old, new) {
        (Some(true), Some(false)) | (None, Some(false)) => Kind::Regression,
        (Some(false), Some(true)) => Kind::Improvement,
        _ => Kind::Neutral,
    }
}

/// The checks of two sides of one notebook that differ, in report order.
fn diff_checks(old: &[CheckVerdict], new: &[CheckVerdict]) -> Vec<CheckDiff> {
    let mut names: Vec<&str> = new.iter().map(|c| c.name.as_str()).collect();
    for c in old {
        if !names.contains(&c.name.as_str()) {
            names.push(&c.name);
        }
    }
    let find = |side: &'_ [CheckVerdict], n: &str| -> Option<CheckState> {
        side.iter().find(|c| c.name == n).map(|c| c.state.clone())
    };
    names
        .into_iter()
        .filter_map(|n| {
            let (o, w) = (find(old, n), find(new, n));
            (o != w).then(|| CheckDiff {
                name: n.to_string(),
                kind: classify_check(n, o.as_ref(), w.as_ref()),
                old: o,
                new: w,
            })
        })
        .collect()
}

fn notebook_diff(
    region: &Option<String>,
    old: Option<&NotebookVerdict>,
    new: Option<&NotebookVerdict>,
) -> NotebookDiff {
    let any = new.or(old).expect("one side has the notebook");
    let checks = diff_checks(
        old.map(|n| n.checks.as_slice()).unwrap_or_default(),
        new.map(|n| n.checks.as_slice()).unwrap_or_default(),
    );
    let (co, cn) = (old.map(|n| n.compliant), new.map(|n| n.compliant));
    let change = match (old, new) {
        (None, _) => Change::Added,
        (_, None) => Change::Removed,
        _ if checks.is_empty() && co == cn => Change::Unchanged,
        _ => Change::Changed,
    };
    NotebookDiff {
        region: region.clone(),
        name: any.name.clone(),
        account_id: new
            .and_then(|n| n.account_id.clone())
            .or_else(|| old.and_then(|n| n.account_id.clone())),
        change,
        compliant_old: co,
        compliant_new: cn,
        compliant_kind: classify_compliance(co, cn),
        planned_old: old.and_then(|n| n.planned.clone()),
        planned_new: new.and_then(|n| n.planned.clone()),
        checks,
    }
}

/// Pair the notebooks of one region: by name, and among notebooks of the same name first by
/// account, then in order.
fn pair<'a>(
    old: &[&'a NotebookVerdict],
    new: &[&'a NotebookVerdict],
) -> Vec<(Option<&'a NotebookVerdict>, Option<&'a NotebookVerdict>)> {
    let mut used_old = vec![false; old.len()];
    let mut used_new = vec![false; new.len()];
    let mut out = Vec::new();
    // Same name and account.
    for (j, n) in new.iter().enumerate() {
        if let Some(i) = (0..old.len())
            .find(|&i| !used_old[i] && old[i].name == n.name && old[i].account_id == n.account_id)
        {
            used_old[i] = true;
            used_new[j] = true;
            out.push((Some(old[i]), Some(*n)));
        }
    }
    // Same name (one side does not say the account, or it moved).
    for (j, n) in new.iter().enumerate() {
        if used_new[j] {
            continue;
        }
        if let Some(i) = (0..old.len()).find(|&i| !used_old[i] && old[i].name == n.name) {
            used_old[i] = true;
            used_new[j] = true;
            out.push((Some(old[i]), Some(*n)));
        }
    }
    for (j, n) in new.iter().enumerate() {
        if !used_new[j] {
            out.push((None, Some(*n)));
        }
    }
    for (i, o) in old.iter().enumerate() {
        if !used_old[i] {
            out.push((Some(*o), None));
        }
    }
    out
}

/// The notebooks of `v` in `region` (a region's reports may come in several parts).
fn in_region<'a>(v: &'a Verdicts, region: &Option<String>) -> Vec<&'a NotebookVerdict> {
    v.regions
        .iter()
        .filter(|r| &r.region == region)
        .flat_map(|r| &r.notebooks)
        .collect()
}

/// `v` with its region-less reports placed in `other`'s region when `v` names no region at all
/// and `other` names exactly one (a template that says no region against a snapshot of one).
fn name_regionless(v: &Verdicts, other: &Verdicts) -> Verdicts {
    let mut v = v.clone();
    let mut theirs: Vec<&Option<String>> = other.regions.iter().map(|r| &r.region).collect();
    theirs.sort();
    theirs.dedup();
    if let [Some(r)] = theirs.as_slice()
        && v.regions.iter().all(|x| x.region.is_none())
    {
        for x in &mut v.regions {
            x.region = Some(r.clone());
        }
    }
    v
}

/// What changed from `old` to `new`. A side that names no region is compared with the other
/// side's region when that side has exactly one.
pub fn diff(old: &Verdicts, new: &Verdicts) -> Diff {
    let (old, new) = (&name_regionless(old, new), &name_regionless(new, old));
    let mut regions: Vec<&Option<String>> = old
        .regions
        .iter()
        .chain(&new.regions)
        .map(|r| &r.region)
        .collect();
    regions.sort();
    regions.dedup();
    let mut out = Diff::default();
    for region in regions {
        let profile = |v: &'_ Verdicts| -> Option<String> {
            v.regions
                .iter()
                .find(|r| &r.region == region)
                .map(|r| r.profile.clone())
        };
        let incomplete = |v: &'_ Verdicts| -> Option<String> {
            let why: Vec<&str> = v
                .regions
                .iter()
                .filter(|r| &r.region == region)
                .filter_map(|r| r.notebooks_incomplete.as_deref())
                .collect();
            (!why.is_empty()).then(|| why.join("; "))
        };
        let (io, inew) = (incomplete(old), incomplete(new));
        if io.is_some() || inew.is_some() {
            out.incomplete.push(IncompleteChange {
                region: region.clone(),
                kind: match (&io, &inew) {
                    (None, Some(_)) => Kind::Regression,
                    (Some(_), None) => Kind::Improvement,
                    _ => Kind::Neutral,
                },
                old: io,
                new: inew,
            });
        }
        if let (Some(o), Some(n)) = (profile(old), profile(new))
            && o != n
        {
            out.profile_changes.push(ProfileChange {
                region: region.clone(),
                old: o,
                new: n,
            });
        }
        let (o, n) = (in_region(old, region), in_region(new, region));
        let mut nbs: Vec<NotebookDiff> = pair(&o, &n)
            .into_iter()
            .map(|(a, b)| notebook_diff(region, a, b))
            .collect();
        nbs.sort_by(|a, b| (&a.name, &a.account_id).cmp(&(&b.name, &b.account_id)));
        out.notebooks.extend(nbs);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(status: Status, private: bool, via: Option<&str>) -> Option<CheckState> {
        Some(CheckState {
            status,
            private,
            via: via.map(str::to_string),
        })
    }
    fn private() -> Option<CheckState> {
        st(Status::Reachable, true, Some("interface-endpoint"))
    }
    fn public() -> Option<CheckState> {
        st(Status::Reachable, false, Some("nat-gateway"))
    }
    fn reach() -> Option<CheckState> {
        st(Status::Reachable, false, Some("internet-gateway"))
    }
    fn unreach() -> Option<CheckState> {
        st(Status::Unreachable, false, None)
    }
    fn unknown() -> Option<CheckState> {
        st(Status::Unknown, false, Some("transit-gateway"))
    }
    fn partial() -> Option<CheckState> {
        st(Status::Partial, false, Some("nat-gateway"))
    }
    fn k(name: &str, a: Option<CheckState>, b: Option<CheckState>) -> Kind {
        classify_check(name, a.as_ref(), b.as_ref())
    }
    use Kind::*;

    #[test]
    fn internet_becoming_reachable_regresses() {
        assert_eq!(k("internet", unreach(), reach()), Regression);
        assert_eq!(k("internet", unknown(), reach()), Regression);
        assert_eq!(k("internet", None, reach()), Regression);
        assert_eq!(k("internet", unreach(), partial()), Regression);
    }

    #[test]
    fn internet_losing_certainty_regresses() {
        assert_eq!(k("internet", unreach(), unknown()), Regression);
        assert_eq!(k("internet", None, unknown()), Regression);
    }

    #[test]
    fn internet_improvements_are_the_reverse() {
        assert_eq!(k("internet", reach(), unreach()), Improvement);
        assert_eq!(k("internet", unknown(), unreach()), Improvement);
        assert_eq!(k("internet", reach(), unknown()), Improvement);
    }

    #[test]
    fn internet_neutral_changes() {
        // Another way out: compliance (nat-egress) decides, not the check.
        assert_eq!(
            k(
                "internet",
                st(Status::Reachable, false, Some("nat-gateway")),
                reach()
            ),
            Neutral
        );
        assert_eq!(k("internet", None, unreach()), Neutral);
        assert_eq!(k("internet", reach(), None), Neutral);
    }

    #[test]
    fn private_service_losing_privacy_or_reach_regresses() {
        for to in [public(), partial(), unreach(), unknown()] {
            assert_eq!(k("s3", private(), to.clone()), Regression, "{to:?}");
        }
    }

    #[test]
    fn public_service_losing_reach_regresses() {
        for to in [partial(), unreach(), unknown()] {
            assert_eq!(k("sts", public(), to.clone()), Regression, "{to:?}");
        }
    }

    #[test]
    fn service_improvements_are_the_reverse() {
        for from in [public(), partial(), unreach(), unknown()] {
            assert_eq!(k("s3", from.clone(), private()), Improvement, "{from:?}");
        }
        for from in [partial(), unreach(), unknown()] {
            assert_eq!(k("s3", from.clone(), public()), Improvement, "{from:?}");
        }
    }

    #[test]
    fn service_neutral_changes() {
        // Among failing statuses, and a change of the way out alone.
        assert_eq!(k("s3", unreach(), unknown()), Neutral);
        assert_eq!(k("s3", partial(), unreach()), Neutral);
        assert_eq!(k("s3", unknown(), partial()), Neutral);
        assert_eq!(
            k(
                "s3",
                private(),
                st(Status::Reachable, true, Some("gateway-endpoint"))
            ),
            Neutral
        );
        assert_eq!(k("s3", private(), None), Neutral);
        assert_eq!(k("s3", unreach(), None), Neutral);
    }

    #[test]
    fn new_service_check_is_judged_against_absent() {
        assert_eq!(k("logs", None, private()), Neutral);
        for to in [public(), partial(), unreach(), unknown()] {
            assert_eq!(k("logs", None, to.clone()), Regression, "{to:?}");
        }
    }

    #[test]
    fn compliance_rules() {
        assert_eq!(classify_compliance(Some(true), Some(false)), Regression);
        assert_eq!(classify_compliance(Some(false), Some(true)), Improvement);
        assert_eq!(classify_compliance(None, Some(false)), Regression);
        assert_eq!(classify_compliance(None, Some(true)), Neutral);
        assert_eq!(classify_compliance(Some(false), None), Neutral);
        assert_eq!(classify_compliance(Some(true), None), Neutral);
        assert_eq!(classify_compliance(Some(true), Some(true)), Neutral);
        assert_eq!(classify_compliance(Some(false), Some(false)), Neutral);
    }

    fn nb(name: &str, compliant: bool, checks: &[(&str, Option<CheckState>)]) -> NotebookVerdict {
        NotebookVerdict {
            name: name.into(),
            account_id: None,
            compliant,
            planned: None,
            checks: checks
                .iter()
                .map(|(n, s)| CheckVerdict {
                    name: n.to_string(),
                    state: s.clone().unwrap(),
                })
                .collect(),
        }
    }
    fn view(region: &str, nbs: Vec<NotebookVerdict>) -> Verdicts {
        Verdicts {
            regions: vec![RegionVerdicts {
                region: Some(region.into()),
                profile: "isolated".into(),
                notebooks: nbs,
                notebooks_incomplete: None,
            }],
        }
    }

    #[test]
    fn added_removed_changed_unchanged() {
        let ok = || nb("a", true, &[("internet", unreach()), ("s3", private())]);
        let old = view(
            "us-east-1",
            vec![
                ok(),
                nb("b", true, &[("internet", unreach())]),
                nb("gone", false, &[("internet", reach())]),
            ],
        );
        let new = view(
            "us-east-1",
            vec![
                nb("new", false, &[("internet", reach())]),
                nb("b", false, &[("internet", reach())]),
                ok(),
            ],
        );
        let d = diff(&old, &new);
        let names: Vec<(&str, Change)> = d
            .notebooks
            .iter()
            .map(|n| (n.name.as_str(), n.change))
            .collect();
        assert_eq!(
            names,
            [
                ("a", Change::Unchanged),
                ("b", Change::Changed),
                ("gone", Change::Removed),
                ("new", Change::Added),
            ]
        );
        // b: internet + compliance; new: internet + compliance.
        assert_eq!(d.regressions(), 4);
        assert_eq!(d.improvements(), 0);
        assert_eq!(d.unchanged(), 1);
        assert!(d.has_regression());
        assert_eq!(d.exit_code(), 1);
        let gone = &d.notebooks[2];
        assert_eq!(gone.kind(), Neutral);
        assert_eq!(gone.checks.len(), 1);
        assert_eq!(gone.checks[0].new, None);
    }

    #[test]
    fn only_improvements_exit_zero() {
        let old = view("eu-west-1", vec![nb("a", false, &[("internet", reach())])]);
        let new = view("eu-west-1", vec![nb("a", true, &[("internet", unreach())])]);
        let d = diff(&old, &new);
        assert!(!d.has_regression());
        assert_eq!(d.improvements(), 2);
        assert_eq!(d.exit_code(), 0);
        assert_eq!(d.notebooks[0].kind(), Improvement);
    }

    #[test]
    fn identical_views_have_no_change() {
        let v = view(
            "eu-west-1",
            vec![nb("a", true, &[("internet", unreach()), ("s3", private())])],
        );
        let d = diff(&v, &v);
        assert_eq!(d.unchanged(), 1);
        assert_eq!(d.regressions() + d.improvements(), 0);
        assert!(d.notebooks[0].checks.is_empty());
    }

    #[test]
    fn regions_sorted_and_checks_in_report_order() {
        let mut old = view("us-east-1", vec![nb("z", true, &[("internet", unreach())])]);
        old.regions.push(RegionVerdicts {
            region: Some("eu-west-1".into()),
            profile: "isolated".into(),
            notebooks: vec![nb(
                "y",
                true,
                &[
                    ("internet", unreach()),
                    ("s3", private()),
                    ("sts", private()),
                ],
            )],
            notebooks_incomplete: None,
        });
        let new = Verdicts {
            regions: vec![
                RegionVerdicts {
                    region: Some("us-east-1".into()),
                    profile: "nat-egress".into(),
                    notebooks: vec![nb("z", true, &[("internet", public())])],
                    notebooks_incomplete: None,
                },
                RegionVerdicts {
                    region: Some("eu-west-1".into()),
                    profile: "isolated".into(),
                    notebooks: vec![nb(
                        "y",
                        true,
                        &[
                            ("internet", unknown()),
                            ("logs", unreach()),
                            ("s3", public()),
                        ],
                    )],
                    notebooks_incomplete: None,
                },
            ],
        };
        let d = diff(&old, &new);
        let order: Vec<_> = d
            .notebooks
            .iter()
            .map(|n| (n.region.clone().unwrap(), n.name.clone()))
            .collect();
        assert_eq!(
            order,
            [
                ("eu-west-1".to_string(), "y".to_string()),
                ("us-east-1".into(), "z".into())
            ]
        );
        let checks: Vec<_> = d.notebooks[0]
            .checks
            .iter()
            .map(|c| (c.name.as_str(), c.kind))
            .collect();
        assert_eq!(
            checks,
            [
                ("internet", Regression),
                ("logs", Regression),
                ("s3", Regression),
                ("sts", Neutral)
            ]
        );
        assert_eq!(
            d.profile_changes,
            [ProfileChange {
                region: Some("us-east-1".into()),
                old: "isolated".into(),
                new: "nat-egress".into()
            }]
        );
    }

    #[test]
    fn same_name_in_two_accounts_pairs_by_account() {
        let with = |acct: &str, c: bool, s: Option<CheckState>| NotebookVerdict {
            account_id: Some(acct.into()),
            ..nb("nb", c, &[("internet", s)])
        };
        let old = view(
            "us-east-1",
            vec![with("111", true, unreach()), with("222", false, reach())],
        );
        let new = view(
            "us-east-1",
            vec![with("222", false, reach()), with("111", false, reach())],
        );
        let d = diff(&old, &new);
        assert_eq!(d.notebooks.len(), 2);
        assert_eq!(d.notebooks[0].account_id.as_deref(), Some("111"));
        assert_eq!(d.notebooks[0].change, Change::Changed);
        assert_eq!(d.notebooks[1].change, Change::Unchanged);
    }

    #[test]
    fn an_incomplete_notebook_list_is_a_regression() {
        let complete = view("us-east-1", vec![nb("a", true, &[("internet", unreach())])]);
        let mut unread = view("us-east-1", vec![]);
        unread.regions[0].notebooks_incomplete = Some("AccessDenied".into());
        // The notebook seems removed (neutral), but the list that lost it is incomplete.
        let d = diff(&complete, &unread);
        assert_eq!(d.notebooks[0].change, Change::Removed);
        assert_eq!(d.notebooks[0].kind(), Neutral);
        assert_eq!(d.incomplete[0].kind, Regression);
        assert_eq!(d.incomplete[0].new.as_deref(), Some("AccessDenied"));
        assert!(d.has_regression());
        let d = diff(&unread, &complete);
        assert_eq!(d.incomplete[0].kind, Improvement);
        assert!(!d.has_regression());
        let d = diff(&unread, &unread);
        assert_eq!(d.incomplete[0].kind, Neutral);
        assert!(!d.has_regression());
    }

    #[test]
    fn a_side_without_region_meets_the_only_region_of_the_other() {
        let a = || nb("a", true, &[("internet", unreach())]);
        let mut regionless = view("x", vec![a()]);
        regionless.regions[0].region = None;
        let east = view("us-east-1", vec![a()]);
        for d in [diff(&regionless, &east), diff(&east, &regionless)] {
            assert_eq!(d.notebooks.len(), 1);
            assert_eq!(d.notebooks[0].change, Change::Unchanged);
            assert_eq!(d.notebooks[0].region.as_deref(), Some("us-east-1"));
        }
        // Two regions on the other side: no guess.
        let mut two = east.clone();
        two.regions.push(RegionVerdicts {
            region: Some("eu-west-1".into()),
            ..east.regions[0].clone()
        });
        let d = diff(&regionless, &two);
        assert_eq!(d.notebooks.len(), 3);
        assert_eq!(d.notebooks[0].region, None);
        assert_eq!(d.notebooks[0].change, Change::Removed);
    }

    #[test]
    fn a_plan_becoming_real_is_not_a_verdict_change() {
        let mut planned = nb("a", true, &[("internet", unreach())]);
        planned.planned = Some("create".into());
        let old = view("us-east-1", vec![planned]);
        let new = view("us-east-1", vec![nb("a", true, &[("internet", unreach())])]);
        let d = diff(&old, &new);
        assert_eq!(d.notebooks[0].change, Change::Unchanged);
        assert_eq!(d.notebooks[0].planned_old.as_deref(), Some("create"));
    }
}
