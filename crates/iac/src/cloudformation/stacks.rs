//! Several CloudFormation stacks judged as one deployment: the exports of each stack satisfy the
//! `Fn::ImportValue` calls of the others, and `AWS::CloudFormation::Stack` resources whose
//! `TemplateURL` names a local file are read as nested stacks (their `Parameters` passed, their
//! `Outputs` given to the parent's `Fn::GetAtt Child.Outputs.Name`).
//!
//! CloudFormation semantics followed, with their documentation:
//! - An output's `Export.Name` must be unique within an account and region; `Fn::ImportValue`
//!   returns the value of the output exported under that name, and only a stack that exists
//!   exports (the exporting stack is deployed first)
//!   (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>,
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-importvalue.html>).
//!   Two given stacks exporting one name is therefore an input error that names both files.
//! - An output whose `Condition` is false is not created, so neither is its export
//!   (<https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html>).
//! - A nested stack gets its parameter values from the `Parameters` property (strings; a list is
//!   passed comma-joined), is created in the parent's account and region, and its outputs are
//!   read with `Fn::GetAtt NestedStack.Outputs.NestedStackOutputName`; CloudFormation names it
//!   `<parent>-<LogicalId>-<random suffix>`, so its `AWS::StackName` is known only after it is
//!   created
//!   (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html>,
//!   <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html>).
//!   A parameter the child does not declare makes CloudFormation refuse the stack: an error here.
//!
//! What cannot be resolved stays open, with a reason that names it: an import no given template
//! exports (or whose exported value is open), a `TemplateURL` that is an `s3`/`https` URL without
//! `--template-map URL=FILE` (its outputs are open, and its resources are not in the planned
//! state). A template that nests itself (directly or through others) is an error, not a loop.
//!
//! Synthetic IDs of a deployment of several stacks carry the stack (`subnet-cfn:network/Subnet`,
//! and for a nested stack the parent's scope and the logical ID: `subnet-cfn:Network/Subnet`),
//! so two stacks may use one logical ID.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;

use super::Stack;
use super::eval::{Ctx, V, text};
use crate::{PlanError, PlanOptions};

/// The resource type of a nested stack.
pub const STACK: &str = "AWS::CloudFormation::Stack";

/// How deep stacks may nest before the input is rejected.
const MAX_NESTING: usize = 16;

/// One export of the deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// The exported value (a string, or open with the reason).
    pub value: V,
    /// The template that declares the output.
    pub file: PathBuf,
    /// The output's logical name.
    pub output: String,
    /// The scope of the exporting stack (a stack cannot import its own export).
    pub scope: String,
    /// Which top-level template (by position) the export belongs to, itself or nested in it.
    pub top: usize,
}

/// One evaluated output.
#[derive(Debug, Clone, PartialEq)]
pub struct Out {
    pub value: V,
    /// `Export.Name`, when the output is exported.
    pub export: Option<V>,
}

/// Where a stack sits in the deployment.
#[derive(Debug, Clone, Default)]
pub struct StackEnv {
    /// The template file.
    pub path: PathBuf,
    /// `AWS::StackName` (open for a nested stack).
    pub name: Option<String>,
    /// The scope its synthetic IDs carry (empty for a lone template).
    pub scope: String,
    /// The template files of this stack and its ancestors (canonical), to refuse a loop.
    pub chain: Vec<PathBuf>,
    /// Which top-level template this stack is, or is nested in.
    pub top: usize,
    /// `--template-map URL=FILE`.
    pub template_map: Rc<BTreeMap<String, PathBuf>>,
    /// The exports of the deployment, by name.
    pub exports: Rc<BTreeMap<String, Export>>,
}

impl StackEnv {
    /// A top-level stack.
    pub fn top(
        path: &Path,
        name: &str,
        scope: &str,
        template_map: &Rc<BTreeMap<String, PathBuf>>,
        exports: &Rc<BTreeMap<String, Export>>,
    ) -> StackEnv {
        StackEnv {
            path: path.to_path_buf(),
            name: Some(name.to_string()),
            scope: scope.to_string(),
            chain: vec![canonical(path)],
            top: 0,
            template_map: template_map.clone(),
            exports: exports.clone(),
        }
    }
}

/// A nested stack, as far as it has been read.
pub enum Child {
    /// Being read (its parameters are evaluated): asking for its outputs now is a loop.
    Visiting,
    /// Not readable here: the reason (an `s3` URL without `--template-map`, an open URL).
    Open(String),
    Loaded(Box<Stack>),
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A file's stem: the default stack name.
pub fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stack".into())
}

/// `--parameter` values as parameter values of a top-level stack.
pub fn top_given(opts: &PlanOptions) -> BTreeMap<String, V> {
    opts.parameters
        .iter()
        .map(|(k, v)| (k.clone(), V::Str(v.clone())))
        .collect()
}

/// A value as CloudFormation passes it where only a string fits (a nested stack's parameter, an
/// output): a list comma-joined.
pub fn joined(v: &V) -> String {
    match v {
        V::List(l) => l.iter().map(joined).collect::<Vec<_>>().join(","),
        other => text(other).unwrap_or_default(),
    }
}

/// `Fn::ImportValue name`: `--parameter name=VALUE`, else the export of a given stack, else open.
pub fn import(ctx: &Ctx, name: &str) -> V {
    if let Some(v) = ctx.given.get(name) {
        return V::Str(v.clone());
    }
    match ctx.env.exports.get(name) {
        // CloudFormation creates an export when its stack is created, so a stack never imports
        // its own.
        Some(e) if e.file == ctx.env.path && e.scope == ctx.env.scope => V::Open(format!(
            "!ImportValue {name}: output {} of this same stack exports it, and a stack cannot import its own export",
            e.output
        )),
        Some(e) => match &e.value {
            V::Open(r) => V::Open(format!(
                "!ImportValue {name}: the value that output {} of {} exports is open ({r})",
                e.output,
                e.file.display()
            )),
            v => v.clone(),
        },
        None => V::Open(format!(
            "!ImportValue {name}: no given template exports {name} (add the exporting stack's template to the command, or give --parameter {name}=VALUE)"
        )),
    }
}

/// `Fn::GetAtt res.attr` of a nested stack: `Outputs.Name` is the child's output.
pub fn output(ctx: &mut Ctx, res: &str, attr: &str) -> Result<V, String> {
    let Some(key) = attr.strip_prefix("Outputs.") else {
        return Ok(V::Open(format!(
            "{attr} of nested stack {res} is known only after the stack is created"
        )));
    };
    load_child(ctx, res)?;
    match ctx.children.get_mut(res) {
        Some(Child::Loaded(st)) => {
            let file = st.ctx.env.path.display().to_string();
            let outs = st
                .outputs()
                .map_err(|e| format!("nested stack {res}: {e}"))?;
            match outs.get(key) {
                Some(o) => Ok(o.value.clone()),
                None => Err(format!(
                    "Fn::GetAtt {res}.{attr}: the nested stack's template {file} has no output {key} (or its Condition is false)"
                )),
            }
        }
        Some(Child::Open(r)) => Ok(V::Open(format!("{r}: its output {key} is open"))),
        Some(Child::Visiting) | None => Err(circular(res)),
    }
}

fn circular(res: &str) -> String {
    format!("nested stack {res}: its Parameters need its own outputs (a circular reference)")
}

/// Read every created nested stack of `ctx`'s template.
pub fn load_all_children(ctx: &mut Ctx) -> Result<(), String> {
    let ids: Vec<String> = ctx
        .resources
        .iter()
        .filter(|(_, r)| r.created && r.kind == STACK)
        .map(|(id, _)| id.clone())
        .collect();
    for id in ids {
        load_child(ctx, &id)?;
    }
    Ok(())
}

/// Read the nested stack `res` (once).
pub fn load_child(ctx: &mut Ctx, res: &str) -> Result<(), String> {
    match ctx.children.get(res) {
        Some(Child::Visiting) => return Err(circular(res)),
        Some(_) => return Ok(()),
        None => {}
    }
    ctx.children.insert(res.to_string(), Child::Visiting);
    match read_child(ctx, res) {
        Ok(c) => {
            ctx.children.insert(res.to_string(), c);
            ctx.child_order.push(res.to_string());
            Ok(())
        }
        Err(e) => {
            ctx.children.remove(res);
            Err(e)
        }
    }
}

/// The `--template-map` file of `url`: the entry for the URL itself, else the longest entry that
/// ends it at a `/` (`network.yaml` or `stacks/network.yaml` for
/// `https://bucket.s3.amazonaws.com/stacks/network.yaml`).
fn mapped(map: &BTreeMap<String, PathBuf>, url: &str) -> Option<PathBuf> {
    if let Some(f) = map.get(url) {
        return Some(f.clone());
    }
    map.iter()
        .filter(|(k, _)| {
            !k.is_empty()
                && url
                    .strip_suffix(k.as_str())
                    .is_some_and(|head| head.ends_with('/'))
        })
        .max_by_key(|(k, _)| k.len())
        .map(|(_, f)| f.clone())
}

fn read_child(ctx: &mut Ctx, res: &str) -> Result<Child, String> {
    let url = match ctx.prop_of(res, "TemplateURL")? {
        Some(V::Str(u)) => u,
        Some(V::Open(r)) => {
            return Ok(Child::Open(format!(
                "nested stack {res}: its TemplateURL is open ({r})"
            )));
        }
        None => return Err(format!("nested stack {res}: TemplateURL is required")),
        Some(_) => return Err(format!("nested stack {res}: TemplateURL must be a string")),
    };
    let file = if let Some(f) = mapped(&ctx.env.template_map, &url) {
        f
    } else if url.contains("://") {
        return Ok(Child::Open(format!(
            "nested stack {res}: TemplateURL {url} is not a local file (give --template-map {url}=FILE)"
        )));
    } else {
        // A relative path, as templates are written before `aws cloudformation package`
        // uploads them: relative to the parent template.
        ctx.env.path.parent().unwrap_or(Path::new("")).join(&url)
    };
    let canon = canonical(&file);
    if ctx.env.chain.contains(&canon) {
        let mut names: Vec<String> = ctx
            .env
            .chain
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        names.push(canon.display().to_string());
        return Err(format!(
            "nested stack {res}: the templates nest in a circle ({})",
            names.join(" → ")
        ));
    }
    if ctx.env.chain.len() >= MAX_NESTING {
        return Err(format!(
            "nested stack {res}: stacks nest more than {MAX_NESTING} deep"
        ));
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("nested stack {res}: cannot read {}: {e}", file.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut given = BTreeMap::new();
    for k in [
        "AWS::Region",
        "AWS::AccountId",
        "AWS::Partition",
        "AWS::URLSuffix",
    ] {
        if let Some(v) = ctx.params.get(k) {
            given.insert(k.to_string(), v.clone());
        }
    }
    match ctx.prop_of(res, "Parameters")? {
        None | Some(V::Null) => {}
        Some(V::Map(m)) => {
            for (k, v) in m {
                let v = match &v {
                    V::Open(r) => V::Open(format!("parameter {k} of nested stack {res}: {r}")),
                    other => match other.open_reason() {
                        Some(r) => V::Open(format!("parameter {k} of nested stack {res}: {r}")),
                        None => V::Str(joined(other)),
                    },
                };
                given.insert(k, v);
            }
        }
        Some(V::Open(r)) => {
            return Ok(Child::Open(format!(
                "nested stack {res}: its Parameters are open ({r})"
            )));
        }
        Some(_) => return Err(format!("nested stack {res}: Parameters must be a mapping")),
    }
    let mut chain = ctx.env.chain.clone();
    chain.push(canon);
    let scope = if ctx.env.scope.is_empty() {
        res.to_string()
    } else {
        format!("{}/{res}", ctx.env.scope)
    };
    let env = StackEnv {
        path: file.clone(),
        name: None,
        scope,
        chain,
        top: ctx.env.top,
        template_map: ctx.env.template_map.clone(),
        exports: ctx.env.exports.clone(),
    };
    let opts = PlanOptions {
        base: None,
        parameters: ctx.given.clone(),
    };
    let stack = Stack::load(&file, text, &given, &opts, env, true)
        .map_err(|e| format!("nested stack {res}: {e}"))?;
    Ok(Child::Loaded(Box::new(stack)))
}

impl Stack {
    /// The stack's outputs (those whose `Condition` is false left out), evaluated once.
    pub(crate) fn outputs(&mut self) -> Result<BTreeMap<String, Out>, PlanError> {
        if let Some(o) = &self.outputs_done {
            return Ok(o.clone());
        }
        let path = self.ctx.env.path.clone();
        let mut outs = BTreeMap::new();
        for (name, o) in self.outputs.clone() {
            let at = format!("Outputs.{name}");
            let Value::Object(o) = o else {
                return Err(PlanError::invalid(&path, at, "must be a mapping"));
            };
            let open_cond = match o.get("Condition") {
                None => None,
                Some(Value::String(c)) => {
                    match self
                        .ctx
                        .condition(c)
                        .map_err(|m| PlanError::invalid(&path, format!("{at}.Condition"), m))?
                    {
                        Some(true) => None,
                        Some(false) => continue,
                        None => Some(format!("condition {c} is open")),
                    }
                }
                Some(_) => {
                    return Err(PlanError::invalid(
                        &path,
                        format!("{at}.Condition"),
                        "must be a condition name",
                    ));
                }
            };
            let Some(raw) = o.get("Value") else {
                return Err(PlanError::invalid(&path, at, "an output needs a Value"));
            };
            let value = self
                .ctx
                .eval(raw)
                .map_err(|m| PlanError::invalid(&path, format!("{at}.Value"), m))?;
            let value = match (&value, value.open_reason()) {
                (_, Some(r)) => V::Open(r.to_string()),
                (V::Str(_) | V::Bool(_) | V::List(_), None) => V::Str(joined(&value)),
                _ => {
                    return Err(PlanError::invalid(
                        &path,
                        format!("{at}.Value"),
                        "an output's value must be a string or a list of strings",
                    ));
                }
            };
            let value = match open_cond {
                Some(r) => V::Open(format!("output {name} exists only if {r}")),
                None => value,
            };
            let export = match o.get("Export") {
                None | Some(Value::Null) => None,
                Some(Value::Object(e)) => {
                    let Some(n) = e.get("Name") else {
                        return Err(PlanError::invalid(
                            &path,
                            format!("{at}.Export"),
                            "an export needs a Name",
                        ));
                    };
                    Some(
                        match self.ctx.eval(n).map_err(|m| {
                            PlanError::invalid(&path, format!("{at}.Export.Name"), m)
                        })? {
                            V::Open(r) => V::Open(r),
                            x => V::Str(text(&x).ok_or_else(|| {
                                PlanError::invalid(
                                    &path,
                                    format!("{at}.Export.Name"),
                                    "must be a string",
                                )
                            })?),
                        },
                    )
                }
                Some(_) => {
                    return Err(PlanError::invalid(
                        &path,
                        format!("{at}.Export"),
                        "must be a mapping with a Name",
                    ));
                }
            };
            outs.insert(name, Out { value, export });
        }
        self.outputs_done = Some(outs.clone());
        Ok(outs)
    }

    /// The exports of this stack and of every stack nested in it, appended to `out`.
    pub(crate) fn exports(&mut self, out: &mut Vec<(String, Export)>) -> Result<(), PlanError> {
        let path = self.ctx.env.path.clone();
        for (name, o) in self.outputs()? {
            if let Some(V::Str(n)) = o.export {
                out.push((
                    n,
                    Export {
                        value: o.value,
                        file: path.clone(),
                        output: name,
                        scope: self.ctx.env.scope.clone(),
                        top: self.ctx.env.top,
                    },
                ));
            }
        }
        load_all_children(&mut self.ctx).map_err(|m| PlanError::invalid(&path, "Resources", m))?;
        for id in self.ctx.child_order.clone() {
            if let Some(Child::Loaded(c)) = self.ctx.children.get_mut(&id) {
                c.exports(out)?;
            }
        }
        Ok(())
    }

    /// The export names this stack and the stacks nested in it import.
    pub(crate) fn imports(&self) -> BTreeSet<String> {
        let mut all = self.ctx.imported.clone();
        for c in self.ctx.children.values() {
            if let Child::Loaded(c) = c {
                all.extend(c.imports());
            }
        }
        all
    }
}

/// One top-level template of a deployment.
#[derive(Debug, Clone)]
pub struct Template {
    pub path: PathBuf,
    pub text: String,
    /// The stack name (`--stack-name FILE=NAME`, else the file stem).
    pub name: String,
}

fn load_top(
    ts: &[Template],
    i: usize,
    opts: &PlanOptions,
    template_map: &Rc<BTreeMap<String, PathBuf>>,
    exports: &Rc<BTreeMap<String, Export>>,
) -> Result<Stack, PlanError> {
    let t = &ts[i];
    let scope = if ts.len() == 1 { "" } else { t.name.as_str() };
    let mut env = StackEnv::top(&t.path, &t.name, scope, template_map, exports);
    env.top = i;
    let text = t.text.strip_prefix('\u{feff}').unwrap_or(&t.text);
    Stack::load(&t.path, text, &top_given(opts), opts, env, false)
}

/// The exports of all stacks, checked for names declared twice.
fn collect(
    ts: &[Template],
    found: Vec<(String, Export)>,
    into: &mut BTreeMap<String, Export>,
) -> Result<(), PlanError> {
    for (n, e) in found {
        if let Some(prev) = into.get(&n) {
            let (a, b) = (&prev, &e);
            return Err(PlanError::invalid(
                &ts[e.top].path,
                format!("Outputs.{}.Export.Name", e.output),
                format!(
                    "export name {n} is declared twice: by output {} of {} and by output {} of {} (export names must be unique in a region)",
                    a.output,
                    a.file.display(),
                    b.output,
                    b.file.display()
                ),
            ));
        }
        into.insert(n, e);
    }
    Ok(())
}

/// Read the templates of one deployment with each one's imports satisfied by the others'
/// exports, in the order they are built: a stack after the stacks whose exports it imports
/// (CloudFormation creates an exporting stack first), otherwise in the order given.
pub fn load_deployment(
    ts: &[Template],
    opts: &PlanOptions,
    template_map: &BTreeMap<String, PathBuf>,
) -> Result<Vec<Stack>, PlanError> {
    for (i, t) in ts.iter().enumerate() {
        if let Some(o) = ts[..i].iter().find(|o| o.name == t.name) {
            return Err(PlanError::invalid(
                &t.path,
                "stack name",
                format!(
                    "{} is also the stack name of {}; stack names are unique in a region (give another with --stack-name {}=NAME)",
                    t.name,
                    o.path.display(),
                    t.path.display()
                ),
            ));
        }
    }
    let template_map = Rc::new(template_map.clone());
    // Export names and values may depend on other stacks' exports: read until they settle
    // (each round can only resolve what the previous one left open).
    let mut exports: BTreeMap<String, Export> = BTreeMap::new();
    for _ in 0..ts.len() + 2 {
        let known = Rc::new(exports.clone());
        let mut found = BTreeMap::new();
        for i in 0..ts.len() {
            let mut v = Vec::new();
            let read =
                load_top(ts, i, opts, &template_map, &known).and_then(|mut s| s.exports(&mut v));
            // A stack that cannot be read yet (a condition on an import still open) is read
            // again in the next round; the last read reports its error.
            if read.is_ok() {
                collect(ts, v, &mut found)?;
            }
        }
        if found == exports {
            break;
        }
        exports = found;
    }
    let known = Rc::new(exports);
    let mut stacks = Vec::new();
    let mut deps = Vec::new();
    for i in 0..ts.len() {
        let mut s = load_top(ts, i, opts, &template_map, &known)?;
        s.exports(&mut Vec::new())?;
        let d: BTreeSet<usize> = s
            .imports()
            .iter()
            .filter(|n| !opts.parameters.contains_key(*n))
            .filter_map(|n| known.get(n).map(|e| e.top))
            .filter(|&t| t != i)
            .collect();
        deps.push(d);
        stacks.push(Some(s));
    }
    // Exporters first; among the ready ones, the order given. A cycle (which CloudFormation
    // could only build in several updates) keeps the order given.
    let mut order = Vec::new();
    let mut done = BTreeSet::new();
    while order.len() < ts.len() {
        let next = (0..ts.len())
            .find(|i| !done.contains(i) && deps[*i].iter().all(|d| done.contains(d)))
            .or_else(|| (0..ts.len()).find(|i| !done.contains(i)));
        let Some(i) = next else { break };
        done.insert(i);
        order.push(i);
    }
    Ok(order.into_iter().filter_map(|i| stacks[i].take()).collect())
}
