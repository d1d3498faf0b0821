//! Reading a Terraform plan (`terraform show -json` output, format 1.x) into the planned state.
//!
//! - `plan`: the plan's JSON indexed — the instances of `planned_values` (every module, every
//!   `count`/`for_each` instance), their actions from `resource_changes`, what is known only after
//!   apply, and the prior state.
//! - `refs`: values known only after apply, resolved through `configuration` references (across
//!   module outputs and variables) to the IDs the referenced resources will have.
//! - `data`: data sources, from the values read at plan time or looked up in `--base`.
//! - `network`, `filters`, `services`: one builder per resource kind, into the AWS shapes.
//!
//! A planned resource gets the ID `Builder::id(prefix, address)`; one that exists keeps its ID.
//! A value that cannot be resolved is never guessed: it is recorded with `Builder::unresolved` and
//! an ID that exists nowhere takes its place, so whatever depends on it is `unknown`.

mod data;
mod filters;
mod network;
mod plan;
mod refs;
mod services;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};
use vpcreach_aws::Snapshot;

use crate::common::Builder;
use crate::{PlanError, PlanOptions};

use plan::{Action, Inst, Plan};
use refs::Want;

/// Read `text` (from `path`) into the planned state.
pub fn read(path: &Path, text: &str, opts: &PlanOptions) -> Result<Snapshot, PlanError> {
    read_in(path, text, opts, &Env::default()).map(|(s, _)| s)
}

/// The root-module outputs of the plans of one deployment, by output name: which plan, and the
/// IDs (or why they are open) — what a `terraform_remote_state` data source of another plan reads.
pub type RemoteOutputs = BTreeMap<String, Vec<(std::path::PathBuf, Result<Vec<String>, String>)>>;

/// Where a plan sits in a deployment of several plans.
#[derive(Debug, Default)]
pub struct Env<'a> {
    /// The scope of its synthetic IDs (the file stem when several plans are read together).
    pub scope: String,
    /// Where data sources read only at apply are looked up (the base with what every plan of
    /// the deployment creates); `None`: `--base`.
    pub lookup: Option<&'a Snapshot>,
    /// The other plans' outputs.
    pub remote: RemoteOutputs,
    /// The files (as `PlannedResources.File` names them) of the other plans whose outputs or
    /// planned resources this plan used: they are built before it.
    pub used: std::cell::RefCell<BTreeSet<String>>,
}

/// Read `text` (from `path`) into the planned state, in a deployment of several plans; also
/// returns the plan's root-module outputs (IDs or why they are open).
#[allow(clippy::type_complexity)]
pub fn read_in(
    path: &Path,
    text: &str,
    opts: &PlanOptions,
    env: &Env<'_>,
) -> Result<(Snapshot, BTreeMap<String, Result<Vec<String>, String>>), PlanError> {
    let root: Value = serde_json::from_str(text)
        .map_err(|e| PlanError::invalid(path, "(plan)", format!("not valid JSON: {e}")))?;
    let plan = Plan::parse(path, &root)?;
    let mut b = Builder::new(opts.base.as_ref(), "tf", path);
    b.set_origin(path, &env.scope);
    let mut ctx = Ctx {
        path,
        plan: &plan,
        base: opts.base.as_ref(),
        lookup: env.lookup.or(opts.base.as_ref()),
        remote: &env.remote,
        used: &env.used,
        b,
        ids: BTreeMap::new(),
        built: BTreeSet::new(),
        assumed_defaults: Vec::new(),
    };
    ctx.assign_ids();
    ctx.adopt_default_ids();
    ctx.set_region();
    ctx.apply_deletions()?;
    data::add_prefix_lists(&mut ctx);
    network::build(&mut ctx)?;
    filters::build(&mut ctx)?;
    services::build(&mut ctx)?;
    network::drop_unknown_defaults(&mut ctx);
    network::local_routes(&mut ctx);
    let outputs = ctx.outputs(&root);
    Ok((ctx.b.finish(), outputs))
}

/// One element of a nested-block attribute and its `after_unknown` part.
pub type Block = (Map<String, Value>, Value);

/// The reader's state: the plan, the base snapshot, the planned state under construction and
/// the ID of every instance.
pub struct Ctx<'a> {
    pub path: &'a Path,
    pub plan: &'a Plan,
    pub base: Option<&'a Snapshot>,
    /// Where data sources read only at apply are looked up (see [`Env::lookup`]).
    pub lookup: Option<&'a Snapshot>,
    /// The outputs of the other plans of the deployment (`terraform_remote_state`).
    pub remote: &'a RemoteOutputs,
    /// See [`Env::used`].
    pub used: &'a std::cell::RefCell<BTreeSet<String>>,
    pub b: Builder,
    /// Managed instance address → the ID it has in the planned state.
    pub ids: BTreeMap<String, String>,
    /// VPCs and route tables built from the plan (rather than kept from the base).
    pub built: BTreeSet<String>,
    /// The main route table, default ACL and default security group of an existing VPC read
    /// from the plan alone (no `--base`): (VPC address, ID, what). Their content is not in the
    /// plan unless an `aws_default_*` resource adopts them; otherwise they are dropped.
    pub assumed_defaults: Vec<(String, String, &'static str)>,
}

impl Ctx<'_> {
    /// The root module's outputs: the planned value when it is known, else the IDs its
    /// expression names (resolved like any reference), else why it is open.
    fn outputs(&self, root: &Value) -> BTreeMap<String, Result<Vec<String>, String>> {
        let mut out = BTreeMap::new();
        let Some(decl) = self
            .plan
            .configuration
            .get("root_module")
            .and_then(|m| m.get("outputs"))
            .and_then(Value::as_object)
        else {
            return out;
        };
        for (name, o) in decl {
            let planned = root
                .get("planned_values")
                .and_then(|p| p.get("outputs"))
                .and_then(|p| p.get(name))
                .and_then(|p| p.get("value"))
                .filter(|v| !v.is_null());
            let unknown = root
                .get("output_changes")
                .and_then(|c| c.get(name))
                .and_then(|c| c.get("after_unknown"))
                .is_some_and(plan::any_true);
            let v = match (planned, unknown) {
                (Some(v), false) => Ok(refs::strings_of(v)),
                _ => match o.get("expression") {
                    Some(e) => self.resolve_expr("", None, e, Want::Many, None, 0),
                    None => Err(format!("output {name} has no expression")),
                },
            };
            out.insert(name.clone(), v.map_err(|e| format!("output {name}: {e}")));
        }
        out
    }
}

/// The AWS ID prefix of a resource type's ID (`None`: the type has no ID of its own in a
/// snapshot).
pub fn prefix_of(rtype: &str) -> Option<&'static str> {
    Some(match rtype {
        "aws_vpc" => "vpc",
        "aws_subnet" => "subnet",
        "aws_route_table" | "aws_default_route_table" => "rtb",
        "aws_internet_gateway" => "igw",
        "aws_egress_only_internet_gateway" => "eigw",
        "aws_nat_gateway" => "nat",
        "aws_eip" => "eipalloc",
        "aws_vpc_endpoint" => "vpce",
        "aws_security_group" | "aws_default_security_group" => "sg",
        "aws_network_acl" | "aws_default_network_acl" => "acl",
        "aws_ec2_managed_prefix_list" => "pl",
        "aws_vpc_dhcp_options" | "aws_default_vpc_dhcp_options" => "dopt",
        "aws_route_table_association" => "rtbassoc",
        "aws_network_acl_association" => "aclassoc",
        _ => return None,
    })
}

/// The ID of what AWS creates with a VPC (`kind` `rtb`, `acl` or `sg`), as
/// [`Builder::add_vpc`] names it for a planned VPC.
pub fn vpc_default_id(vpc_id: &str, kind: &str) -> String {
    let suffix = vpc_id.split_once('-').map(|(_, s)| s).unwrap_or(vpc_id);
    match kind {
        "rtb" => format!("rtb-{suffix}#main"),
        "acl" => format!("acl-{suffix}#default"),
        _ => format!("sg-{suffix}#default"),
    }
}

impl<'a> Ctx<'a> {
    /// Every managed instance's ID: the one it has when it exists and keeps it, else a
    /// synthetic one. `aws_default_*` resources take the ID of what they adopt (resolved later).
    fn assign_ids(&mut self) {
        for inst in &self.plan.insts {
            if inst.data || inst.action == Action::Delete {
                continue;
            }
            if inst.rtype == "aws_sagemaker_notebook_instance" {
                if let Some(n) = inst.values.get("name").and_then(Value::as_str) {
                    self.ids.insert(inst.address.clone(), n.to_string());
                }
                continue;
            }
            let known = inst
                .values
                .get("id")
                .and_then(Value::as_str)
                .filter(|_| !inst.action.new_object() && !inst.is_unknown("id"));
            let id = match (known, prefix_of(&inst.rtype)) {
                (Some(k), _) => k.to_string(),
                (None, Some(p)) => self.b.id(p, &inst.address),
                (None, None) => self.b.id("r", &inst.address),
            };
            self.ids.insert(inst.address.clone(), id);
        }
    }

    /// `aws_default_route_table`, `aws_default_network_acl` and `aws_default_security_group`
    /// adopt what AWS created with their VPC: their ID is that resource's.
    fn adopt_default_ids(&mut self) {
        let mut found = Vec::new();
        for inst in &self.plan.insts {
            if inst.data || inst.action == Action::Delete {
                continue;
            }
            let known = !inst.is_unknown("id")
                && !inst.action.new_object()
                && inst.values.get("id").and_then(Value::as_str).is_some();
            if known {
                continue;
            }
            let got = match inst.rtype.as_str() {
                "aws_default_route_table" => {
                    self.attr_of(inst, "default_route_table_id", Want::One, Some("rtb"), 0)
                }
                "aws_default_network_acl" => {
                    self.attr_of(inst, "default_network_acl_id", Want::One, Some("acl"), 0)
                }
                "aws_default_security_group" => self
                    .attr_of(inst, "vpc_id", Want::One, Some("vpc"), 0)
                    .map(|v| {
                        v.iter()
                            .map(|vpc| {
                                self.base
                                    .and_then(|b| {
                                        b.security_groups.iter().find(|g| {
                                            g.vpc_id.as_deref() == Some(vpc.as_str())
                                                && g.group_name.as_deref() == Some("default")
                                        })
                                    })
                                    .map(|g| g.group_id.clone())
                                    .unwrap_or_else(|| vpc_default_id(vpc, "sg"))
                            })
                            .collect()
                    }),
                _ => continue,
            };
            if let Ok(v) = got
                && v.len() == 1
            {
                found.push((inst.address.clone(), v[0].clone()));
            }
        }
        for (a, id) in found {
            self.ids.insert(a, id);
        }
    }

    /// The snapshot's region: the AWS provider's `region` (constant, or a variable), else the
    /// base's, else from a planned endpoint's service name.
    fn set_region(&mut self) {
        let provider = self
            .plan
            .configuration
            .get("provider_config")
            .and_then(Value::as_object)
            .and_then(|p| {
                p.get("aws").or_else(|| {
                    p.values()
                        .find(|v| v.get("name").and_then(Value::as_str) == Some("aws"))
                })
            });
        let expr = provider
            .and_then(|p| p.get("expressions"))
            .and_then(|e| e.get("region"));
        let from_provider = expr.and_then(|e| {
            self.resolve_expr("", None, e, Want::One, None, 0)
                .ok()
                .and_then(|v| v.into_iter().next())
        });
        if let Some(r) = from_provider {
            self.b.snap.region = Some(r);
            return;
        }
        if self.b.snap.region.is_some() {
            return;
        }
        for inst in &self.plan.insts {
            if inst.rtype == "aws_vpc_endpoint"
                && let Some(s) = inst.values.get("service_name").and_then(Value::as_str)
                && let Some(rest) = s.strip_prefix("com.amazonaws.")
                && let Some((region, _)) = rest.split_once('.')
            {
                self.b.snap.region = Some(region.to_string());
                return;
            }
        }
    }

    /// The ID of an instance (its planned ID, or a data source's value).
    pub fn id_of(&self, inst: &Inst) -> Result<Vec<String>, String> {
        if inst.data {
            return data::id_of(self, inst).map(|s| vec![s]);
        }
        match self.ids.get(&inst.address) {
            Some(id) => Ok(vec![id.clone()]),
            None => Err(format!("{} has no ID in the plan", inst.address)),
        }
    }

    /// The ID of a managed instance (assigned to all of them).
    pub fn own_id(&self, inst: &Inst) -> String {
        self.ids
            .get(&inst.address)
            .cloned()
            .unwrap_or_else(|| self.b.id("r", &inst.address))
    }

    /// Mark an instance planned, if the plan changes it.
    pub fn mark(&mut self, id: &str, inst: &Inst) {
        if let Some(w) = inst.action.planned_word() {
            self.b.mark_planned(id, &inst.address, &inst.rtype, w, None);
        }
    }

    /// Whether an existing resource is kept as the base snapshot has it (the plan does not
    /// change it and the base holds it).
    pub fn kept_from_base(&self, inst: &Inst, present: bool) -> bool {
        inst.action == Action::NoOp && self.base.is_some() && present
    }

    fn invalid(&self, at: String, message: impl Into<String>) -> PlanError {
        PlanError::invalid(self.path, at, message)
    }

    /// A string attribute; `None` when unset. Known only after apply: resolved through the
    /// configuration; failing that, recorded as unresolved and replaced by an ID that exists
    /// nowhere (`prefix` is the AWS prefix of that ID).
    pub fn scalar(
        &mut self,
        inst: &Inst,
        attr: &str,
        prefix: &str,
    ) -> Result<Option<String>, PlanError> {
        if !inst.is_unknown(attr) {
            return match inst.values.get(attr) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(self.invalid(format!("{}.{attr}", inst.address), "not a string")),
            };
        }
        if self.computed_only(inst, attr) {
            return Ok(None);
        }
        let r = self.attr_expr(inst, attr, Want::One, Some(prefix));
        Ok(Some(self.settle_one(inst, attr, prefix, r)))
    }

    /// An attribute known only after apply that the configuration does not set: the provider
    /// computes it (a route's `instance_id`, an endpoint's `route_table_ids`), so the plan sets
    /// nothing there.
    pub fn computed_only(&self, inst: &Inst, attr: &str) -> bool {
        self.config_resource(inst).is_some_and(|r| {
            r.get("expressions")
                .and_then(Value::as_object)
                .is_some_and(|e| !e.contains_key(attr))
        })
    }

    /// Like [`Ctx::scalar`], but an unset value is left open too.
    pub fn required(&mut self, inst: &Inst, attr: &str, prefix: &str) -> Result<String, PlanError> {
        match self.scalar(inst, attr, prefix)? {
            Some(s) => Ok(s),
            None => {
                self.b
                    .unresolved(&inst.address, attr, "not set in the plan");
                Ok(Builder::unresolved_id(
                    prefix,
                    &format!("{}.{attr}", inst.address),
                ))
            }
        }
    }

    fn settle_one(
        &mut self,
        inst: &Inst,
        attr: &str,
        prefix: &str,
        r: Result<Vec<String>, String>,
    ) -> String {
        match r {
            Ok(v) if v.len() == 1 => v.into_iter().next().unwrap_or_default(),
            Ok(_) => {
                self.b.unresolved(
                    &inst.address,
                    attr,
                    "known only after apply, and its expression names nothing in the plan",
                );
                Builder::unresolved_id(prefix, &format!("{}.{attr}", inst.address))
            }
            Err(reason) => {
                self.b.unresolved(
                    &inst.address,
                    attr,
                    format!("known only after apply: {reason}"),
                );
                Builder::unresolved_id(prefix, &format!("{}.{attr}", inst.address))
            }
        }
    }

    fn attr_expr(
        &self,
        inst: &Inst,
        attr: &str,
        want: Want,
        prefix: Option<&str>,
    ) -> Result<Vec<String>, String> {
        let Some(expr) = self.expr_of(inst, attr) else {
            return Err(format!(
                "{}.{attr} has no expression in the plan's configuration",
                inst.address
            ));
        };
        self.resolve_expr(&inst.module, refs::referrer(inst), expr, want, prefix, 0)
    }

    /// A list-of-strings attribute (`[]` when unset), resolved like [`Ctx::scalar`].
    pub fn list(
        &mut self,
        inst: &Inst,
        attr: &str,
        prefix: &str,
    ) -> Result<Vec<String>, PlanError> {
        let known = match inst.values.get(attr) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => {
                let mut out = Vec::new();
                for v in a {
                    match v {
                        Value::String(s) => out.push(s.clone()),
                        Value::Null => {}
                        _ => {
                            return Err(self.invalid(
                                format!("{}.{attr}", inst.address),
                                "a list element is not a string",
                            ));
                        }
                    }
                }
                out
            }
            Some(_) => {
                return Err(self.invalid(format!("{}.{attr}", inst.address), "not a list"));
            }
        };
        if !inst.is_unknown(attr) || self.computed_only(inst, attr) {
            return Ok(known);
        }
        let mut out = known;
        match self.attr_expr(inst, attr, Want::Many, Some(prefix)) {
            Ok(v) => {
                for s in v {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
            }
            Err(reason) => {
                self.b.unresolved(
                    &inst.address,
                    attr,
                    format!("known only after apply: {reason}"),
                );
                out.push(Builder::unresolved_id(
                    prefix,
                    &format!("{}.{attr}", inst.address),
                ));
            }
        }
        Ok(out)
    }

    /// A boolean attribute with its default.
    pub fn flag(
        &mut self,
        inst: &Inst,
        attr: &str,
        default: bool,
    ) -> Result<Option<bool>, PlanError> {
        if inst.is_unknown(attr) {
            self.b
                .unresolved(&inst.address, attr, "known only after apply");
            return Ok(None);
        }
        match inst.values.get(attr) {
            None | Some(Value::Null) => Ok(Some(default)),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.invalid(format!("{}.{attr}", inst.address), "not a boolean")),
        }
    }

    /// A number attribute (`None` when unset).
    pub fn number(
        &self,
        inst: &Inst,
        at: &str,
        v: Option<&Value>,
    ) -> Result<Option<i64>, PlanError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.invalid(format!("{}.{at}", inst.address), "not an integer")),
            Some(Value::String(s)) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| self.invalid(format!("{}.{at}", inst.address), "not an integer")),
            Some(_) => Err(self.invalid(format!("{}.{at}", inst.address), "not a number")),
        }
    }

    /// The elements of a nested-block attribute (`route`, `ingress`, `entry`), each with its
    /// `after_unknown` part. `None` when the whole attribute is known only after apply.
    pub fn blocks(&self, inst: &Inst, attr: &str) -> Result<Option<Vec<Block>>, PlanError> {
        let unk = inst.unknown.get(attr).cloned().unwrap_or(Value::Null);
        if unk == Value::Bool(true) {
            // Optional and computed: a resource whose configuration has no such blocks has
            // none (rules and routes then come from separate resources).
            if self
                .config_resource(inst)
                .is_some_and(|r| r.get("expressions").and_then(|e| e.get(attr)).is_none())
            {
                return Ok(Some(Vec::new()));
            }
            return Ok(None);
        }
        let items = match inst.values.get(attr) {
            None | Some(Value::Null) => return Ok(Some(Vec::new())),
            Some(Value::Array(a)) => a,
            Some(_) => {
                return Err(
                    self.invalid(format!("{}.{attr}", inst.address), "not a list of blocks")
                );
            }
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            let Some(o) = it.as_object() else {
                return Err(self.invalid(format!("{}.{attr}[{i}]", inst.address), "not an object"));
            };
            let u = unk.get(i).cloned().unwrap_or(Value::Null);
            out.push((o.clone(), u));
        }
        Ok(Some(out))
    }

    /// A string field of a nested block; known only after apply → resolved through the
    /// configuration block whose constant fields match this one's.
    pub fn block_str(
        &mut self,
        inst: &Inst,
        attr: &str,
        item: &(Map<String, Value>, Value),
        field: &str,
        prefix: &str,
    ) -> Result<Option<String>, PlanError> {
        let (o, u) = item;
        if !u.get(field).is_some_and(plan::any_true) {
            return match o.get(field) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => {
                    Err(self.invalid(format!("{}.{attr}.{field}", inst.address), "not a string"))
                }
            };
        }
        let r = self.block_expr(inst, attr, o, field, Want::One, prefix);
        Ok(Some(self.settle_one(
            inst,
            &format!("{attr}.{field}"),
            prefix,
            r,
        )))
    }

    /// A list field of a nested block (`security_groups`, `cidr_blocks`), resolved likewise.
    pub fn block_list(
        &mut self,
        inst: &Inst,
        attr: &str,
        item: &(Map<String, Value>, Value),
        field: &str,
        prefix: &str,
    ) -> Result<Vec<String>, PlanError> {
        let (o, u) = item;
        let known: Vec<String> = match o.get(field) {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            Some(_) => {
                return Err(self.invalid(format!("{}.{attr}.{field}", inst.address), "not a list"));
            }
        };
        if !u.get(field).is_some_and(plan::any_true) {
            return Ok(known);
        }
        let mut out = known;
        match self.block_expr(inst, attr, o, field, Want::Many, prefix) {
            Ok(v) => {
                for s in v {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
            }
            Err(reason) => {
                let f = format!("{attr}.{field}");
                self.b.unresolved(
                    &inst.address,
                    &f,
                    format!("known only after apply: {reason}"),
                );
                out.push(Builder::unresolved_id(
                    prefix,
                    &format!("{}.{f}", inst.address),
                ));
            }
        }
        Ok(out)
    }

    fn block_expr(
        &self,
        inst: &Inst,
        attr: &str,
        item: &Map<String, Value>,
        field: &str,
        want: Want,
        prefix: &str,
    ) -> Result<Vec<String>, String> {
        // An attribute written as blocks (`route`, `ingress` of the AWS provider) has one
        // expression listing the references of all its blocks.
        if let Some(e) = self.expr_of(inst, attr)
            && e.is_object()
        {
            return self.resolve_expr(&inst.module, refs::referrer(inst), e, want, Some(prefix), 0);
        }
        let Some(blocks) = self.expr_of(inst, attr).and_then(Value::as_array) else {
            return Err(format!(
                "{}.{attr} has no blocks in the plan's configuration (dynamic blocks are not listed there)",
                inst.address
            ));
        };
        // The configuration blocks this element may come from: every constant field agrees.
        let candidates: Vec<&Value> = blocks
            .iter()
            .filter(|blk| {
                blk.as_object().is_some_and(|b| {
                    b.iter().all(|(k, e)| match e.get("constant_value") {
                        Some(c) => item.get(k).is_none_or(|v| v == c || v.is_null()),
                        None => true,
                    }) && b.contains_key(field)
                })
            })
            .collect();
        match candidates.as_slice() {
            [one] => self.resolve_expr(
                &inst.module,
                refs::referrer(inst),
                &one[field],
                want,
                Some(prefix),
                0,
            ),
            [] => Err(format!(
                "no {attr} block of the configuration matches this one"
            )),
            _ => Err(format!(
                "several {attr} blocks of the configuration match this one"
            )),
        }
    }

    /// Remove from the base what the plan destroys (or replaces with a new object).
    fn apply_deletions(&mut self) -> Result<(), PlanError> {
        let plan = self.plan;
        for inst in &plan.insts {
            if inst.data {
                continue;
            }
            let gone = match inst.action {
                Action::Delete | Action::Replace | Action::Update => inst.before.as_ref(),
                _ => None,
            };
            let Some(before) = gone else { continue };
            let old = Inst {
                values: before.clone(),
                unknown: Value::Null,
                ..inst.clone()
            };
            if inst.action != Action::Update
                && prefix_of(&inst.rtype).is_some()
                && let Some(id) = before.get("id").and_then(Value::as_str)
            {
                self.b.remove(id);
            }
            // A notebook is known by its name.
            if inst.action == Action::Delete
                && inst.rtype == "aws_sagemaker_notebook_instance"
                && let Some(name) = before.get("name").and_then(Value::as_str)
            {
                self.b.remove(name);
            }
            network::unapply(self, &old)?;
            filters::unapply(self, &old)?;
            services::unapply(self, &old)?;
        }
        Ok(())
    }

    /// The managed instances of the given types that are in the planned state.
    pub fn of_types(&self, types: &[&str]) -> Vec<&'a Inst> {
        self.plan
            .insts
            .iter()
            .filter(|i| !i.data && i.action != Action::Delete && types.contains(&i.rtype.as_str()))
            .collect()
    }
}
