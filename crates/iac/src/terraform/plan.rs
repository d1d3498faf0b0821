//! The parts of `terraform show -json` output the reader uses, indexed: every resource instance
//! of the planned state (`planned_values`, recursively through `child_modules`), its action
//! (`resource_changes`), which of its values are known only after apply (`after_unknown`), and
//! what existed before (`prior_state`).
//!
//! Format: <https://developer.hashicorp.com/terraform/internals/json-format>. Unknown values are
//! absent from `planned_values` and marked `true` in `resource_changes[].change.after_unknown`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::PlanError;

/// What the plan does to one resource instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    /// `["delete","create"]` or `["create","delete"]`: a new object with a new ID.
    Replace,
    NoOp,
    /// A data source read (at plan time, or deferred to apply).
    Read,
    Delete,
}

impl Action {
    fn parse(path: &Path, at: &str, v: &Value) -> Result<Action, PlanError> {
        let Some(list) = v.as_array() else {
            return Err(PlanError::invalid(path, at, "actions is not a list"));
        };
        let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
        if names.len() != list.len() {
            return Err(PlanError::invalid(path, at, "actions holds a non-string"));
        }
        Ok(match names.as_slice() {
            ["create"] => Action::Create,
            ["update"] => Action::Update,
            ["delete", "create"] | ["create", "delete"] => Action::Replace,
            // `forget` (a `removed` block) takes the object out of Terraform's state but
            // leaves it in AWS.
            ["no-op"] | [] | ["forget"] => Action::NoOp,
            ["read"] => Action::Read,
            ["delete"] => Action::Delete,
            other => {
                return Err(PlanError::invalid(
                    path,
                    at,
                    format!("unknown actions {other:?}"),
                ));
            }
        })
    }

    /// The word `PlannedResources.Action` uses, for an action that changes something.
    pub fn planned_word(self) -> Option<&'static str> {
        match self {
            Action::Create => Some("create"),
            Action::Update => Some("update"),
            Action::Replace => Some("replace"),
            _ => None,
        }
    }

    /// Whether the instance gets a new ID on apply.
    pub fn new_object(self) -> bool {
        matches!(self, Action::Create | Action::Replace)
    }
}

/// One resource instance of the planned state (or, for `Delete`, of the prior state).
#[derive(Debug, Clone)]
pub struct Inst {
    /// The absolute address (`module.vpc.aws_subnet.private[0]`).
    pub address: String,
    /// The module instance it lives in (`""`, `module.vpc`).
    pub module: String,
    /// `managed` or `data`.
    pub data: bool,
    pub rtype: String,
    /// The resource address inside its module, without index (`aws_subnet.private`).
    pub config_address: String,
    /// The instance key, if any (`0`, `"a"`).
    pub index: Option<Value>,
    pub values: Map<String, Value>,
    /// `after_unknown` (or `Value::Null`).
    pub unknown: Value,
    pub action: Action,
    /// The values before the change (prior state or `change.before`), when there were any.
    pub before: Option<Map<String, Value>>,
}

impl Inst {
    /// Whether `attr` is known only after apply.
    pub fn is_unknown(&self, attr: &str) -> bool {
        self.unknown.get(attr).is_some_and(any_true)
    }
}

/// Whether a (nested) `after_unknown` value marks anything unknown.
pub fn any_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(a) => a.iter().any(any_true),
        Value::Object(o) => o.values().any(any_true),
        _ => false,
    }
}

/// A change: its action, `after_unknown` and `before`.
type Change = (Action, Value, Option<Map<String, Value>>);

/// The indexed plan.
#[derive(Debug, Default)]
pub struct Plan {
    /// Instances of the planned state (and the deleted ones), by address, in plan order.
    pub insts: Vec<Inst>,
    pub by_address: BTreeMap<String, usize>,
    /// `variables.<name>.value` of the root module.
    pub variables: Map<String, Value>,
    /// `configuration` (or `Null`).
    pub configuration: Value,
}

fn obj<'a>(path: &Path, at: &str, v: &'a Value) -> Result<&'a Map<String, Value>, PlanError> {
    v.as_object()
        .ok_or_else(|| PlanError::invalid(path, at, "not an object"))
}

fn arr<'a>(path: &Path, at: &str, v: &'a Value) -> Result<&'a [Value], PlanError> {
    v.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| PlanError::invalid(path, at, "not a list"))
}

fn string<'a>(path: &Path, at: &str, v: Option<&'a Value>) -> Result<&'a str, PlanError> {
    v.and_then(Value::as_str)
        .ok_or_else(|| PlanError::invalid(path, at, "missing or not a string"))
}

/// Split an instance address into (module instance, resource address without index, index).
pub fn split_address(address: &str) -> (String, String, Option<Value>) {
    let segs = crate::terraform::refs::parse_traversal(address);
    let mut module = Vec::new();
    let mut i = 0;
    let mut rendered = String::new();
    while i < segs.len() {
        match &segs[i] {
            crate::terraform::refs::Seg::Name(n) if n == "module" => {
                if let Some(crate::terraform::refs::Seg::Name(m)) = segs.get(i + 1) {
                    let mut part = format!("module.{m}");
                    i += 2;
                    if let Some(crate::terraform::refs::Seg::Index(k)) = segs.get(i) {
                        part.push_str(&format!("[{}]", crate::terraform::refs::key_text(k)));
                        i += 1;
                    }
                    module.push(part);
                    continue;
                }
                break;
            }
            _ => break,
        }
    }
    let mut index = None;
    let mut names = Vec::new();
    for s in &segs[i..] {
        match s {
            crate::terraform::refs::Seg::Name(n) => names.push(n.clone()),
            crate::terraform::refs::Seg::Index(k) => index = Some(k.clone()),
        }
    }
    // A data source's resource address is `data.<type>.<name>`; the mode is kept apart.
    if names.first().is_some_and(|n| n == "data") {
        names.remove(0);
    }
    rendered.push_str(&names.join("."));
    (module.join("."), rendered, index)
}

impl Plan {
    pub fn parse(path: &Path, root: &Value) -> Result<Plan, PlanError> {
        let top = obj(path, "(plan)", root)?;
        if let Some(fv) = top.get("format_version") {
            let fv = string(path, "format_version", Some(fv))?;
            // 0.x plans (Terraform 0.12–0.15) have the same structure.
            if !(fv.starts_with("1.") || fv.starts_with("0.") || fv == "1") {
                return Err(PlanError::invalid(
                    path,
                    "format_version",
                    format!("format {fv} is not supported (0.x and 1.x are)"),
                ));
            }
        }
        let mut plan = Plan {
            configuration: top.get("configuration").cloned().unwrap_or(Value::Null),
            ..Plan::default()
        };
        if let Some(vars) = top.get("variables") {
            for (k, v) in obj(path, "variables", vars)? {
                if let Some(val) = obj(path, &format!("variables.{k}"), v)?.get("value") {
                    plan.variables.insert(k.clone(), val.clone());
                }
            }
        }
        // Changes by address.
        let mut changes: BTreeMap<String, Change> = BTreeMap::new();
        let mut deleted: Vec<(String, bool, String, Map<String, Value>)> = Vec::new();
        if let Some(rc) = top.get("resource_changes") {
            for (i, c) in arr(path, "resource_changes", rc)?.iter().enumerate() {
                let at = format!("resource_changes[{i}]");
                let c = obj(path, &at, c)?;
                let address = string(path, &format!("{at}.address"), c.get("address"))?;
                let change = obj(
                    path,
                    &format!("{address}.change"),
                    c.get("change").unwrap_or(&Value::Null),
                )?;
                let action = Action::parse(
                    path,
                    &format!("{address}.change.actions"),
                    change.get("actions").unwrap_or(&Value::Null),
                )?;
                let before = match change.get("before") {
                    None | Some(Value::Null) => None,
                    Some(b) => Some(obj(path, &format!("{address}.change.before"), b)?.clone()),
                };
                let unknown = change.get("after_unknown").cloned().unwrap_or(Value::Null);
                if action == Action::Delete {
                    let rtype = string(path, &format!("{address}.type"), c.get("type"))?;
                    let data = c.get("mode").and_then(Value::as_str) == Some("data");
                    if let Some(b) = &before {
                        deleted.push((address.to_string(), data, rtype.to_string(), b.clone()));
                    }
                }
                changes.insert(address.to_string(), (action, unknown, before));
            }
        }
        // Prior state (values before the change, data sources read at plan time).
        let mut prior: BTreeMap<String, Inst> = BTreeMap::new();
        if let Some(ps) = top.get("prior_state") {
            let ps = obj(path, "prior_state", ps)?;
            if let Some(vals) = ps.get("values") {
                let vals = obj(path, "prior_state.values", vals)?;
                if let Some(rm) = vals.get("root_module") {
                    let mut list = Vec::new();
                    collect_module(path, "prior_state.values.root_module", rm, &mut list)?;
                    for i in list {
                        prior.insert(i.address.clone(), i);
                    }
                }
            }
        }
        // The planned state: `planned_values` of a plan, `values` of a state.
        let pv = top
            .get("planned_values")
            .map(|v| (v, "planned_values"))
            .or_else(|| top.get("values").map(|v| (v, "values")));
        let mut list = Vec::new();
        if let Some((pv, key)) = pv {
            let pv = obj(path, key, pv)?;
            if let Some(rm) = pv.get("root_module") {
                collect_module(path, &format!("{key}.root_module"), rm, &mut list)?;
            }
        }
        // Data sources read at plan time are in the prior state only.
        for (addr, p) in &prior {
            if p.data && !list.iter().any(|i: &Inst| &i.address == addr) {
                list.push(p.clone());
            }
        }
        for mut inst in list {
            let (action, unknown, before) = match changes.get(&inst.address) {
                Some((a, u, b)) => (*a, u.clone(), b.clone()),
                None if inst.data => (Action::Read, Value::Null, None),
                None => (Action::NoOp, Value::Null, None),
            };
            inst.action = action;
            inst.unknown = unknown;
            inst.before = before.or_else(|| prior.get(&inst.address).map(|p| p.values.clone()));
            // A data source whose values the planned state lacks: take them from the prior state.
            if inst.data
                && inst.values.is_empty()
                && let Some(p) = prior.get(&inst.address)
            {
                inst.values = p.values.clone();
            }
            plan.push(inst);
        }
        for (address, data, rtype, before) in deleted {
            if plan.by_address.contains_key(&address) {
                continue;
            }
            let (module, config_address, index) = split_address(&address);
            plan.push(Inst {
                address,
                module,
                data,
                rtype,
                config_address,
                index,
                values: before.clone(),
                unknown: Value::Null,
                action: Action::Delete,
                before: Some(before),
            });
        }
        Ok(plan)
    }

    fn push(&mut self, inst: Inst) {
        self.by_address
            .insert(inst.address.clone(), self.insts.len());
        self.insts.push(inst);
    }

    pub fn get(&self, address: &str) -> Option<&Inst> {
        self.by_address.get(address).map(|&i| &self.insts[i])
    }
}

/// Collect a module's resources and its child modules' (recursively).
fn collect_module(path: &Path, at: &str, m: &Value, out: &mut Vec<Inst>) -> Result<(), PlanError> {
    let m = obj(path, at, m)?;
    if let Some(rs) = m.get("resources") {
        for (i, r) in arr(path, &format!("{at}.resources"), rs)?
            .iter()
            .enumerate()
        {
            let rat = format!("{at}.resources[{i}]");
            let r = obj(path, &rat, r)?;
            let address = string(path, &format!("{rat}.address"), r.get("address"))?;
            let rtype = string(path, &format!("{address}.type"), r.get("type"))?;
            let data = match r.get("mode").and_then(Value::as_str) {
                Some("data") => true,
                Some("managed") | None => false,
                Some(other) => {
                    return Err(PlanError::invalid(
                        path,
                        format!("{address}.mode"),
                        format!("unknown mode {other}"),
                    ));
                }
            };
            let values = match r.get("values") {
                None | Some(Value::Null) => Map::new(),
                Some(v) => obj(path, &format!("{address}.values"), v)?.clone(),
            };
            let (module, config_address, index) = split_address(address);
            out.push(Inst {
                address: address.to_string(),
                module,
                data,
                rtype: rtype.to_string(),
                config_address,
                index,
                values,
                unknown: Value::Null,
                action: Action::NoOp,
                before: None,
            });
        }
    }
    if let Some(cm) = m.get("child_modules") {
        for (i, c) in arr(path, &format!("{at}.child_modules"), cm)?
            .iter()
            .enumerate()
        {
            collect_module(path, &format!("{at}.child_modules[{i}]"), c, out)?;
        }
    }
    Ok(())
}
