//! Reading a CloudFormation template (JSON, or YAML with short-form tags) into the planned state:
//! parameters, pseudo parameters, mappings and conditions are evaluated, every intrinsic function
//! is computed as CloudFormation computes it, and each network resource becomes the AWS shape a
//! `describe-*` call would print once the stack exists.
//!
//! - `parse.rs`: text → one JSON tree (short forms → long forms) and each resource's line.
//! - `eval.rs`: the intrinsic functions, with `V::Open` for what is known only after the
//!   stack exists or comes from outside it; `attrs.rs`: `Ref`/`Fn::GetAtt` per resource type.
//! - `props.rs`: reading one resource's evaluated properties; `resources.rs`: each resource type
//!   into the snapshot.
//!
//! Parameters: `--parameter K=V`, else the parameter's `Default`; a parameter with neither leaves
//! what depends on it open (`Unresolved`). `CommaDelimitedList` and `List<…>` values are split on
//! commas; an `AWS::SSM::Parameter::Value<…>` parameter is resolved by CloudFormation at deploy
//! time, so without `--parameter` it is open. Pseudo parameters: `AWS::Region` (parameter, else
//! the base snapshot's region, else open), `AWS::AccountId` (parameter, else open),
//! `AWS::StackName` (parameter, else the file stem), `AWS::Partition` and `AWS::URLSuffix` (from the
//! region: `aws`/`amazonaws.com`, China and GovCloud alike), `AWS::NoValue`, `AWS::StackId` (open)
//! and `AWS::NotificationARNs` (empty). `Fn::GetAZs` gives the region's zones `a` to `f`: which
//! zones a region has is not in the template, and availability zones do not affect reachability
//! in this model (a zone name only tells the conversion the region). `Fn::Transform` (a macro) is
//! open. A resource whose `Condition` is false is not created; one
//! whose condition depends on an open parameter is an error that names the parameter to give
//! (whether the resource exists cannot be left open in the snapshot).
//!
//! An open value is recorded under `Unresolved` and the reference it fills dangles (an ID that
//! exists nowhere), so what depends on it is `unknown` — where a dangling reference can stand for
//! it: a notebook's subnet or security groups, a route's target, a security-group rule's peer, a
//! VPC's or subnet's CIDR (the resource is left out). Where it cannot — a route's destination or
//! route table, an endpoint's service, type, private DNS or route tables, a route-table or ACL
//! association, an internet gateway attachment, a security-group rule's protocol or ports, an ACL
//! entry, a notebook's `DirectInternetAccess` — leaving the value out would prove something the
//! deployed stack may contradict, so the read fails closed with an error naming the property.

mod attrs;
mod eval;
pub(crate) mod parse;
mod props;
mod resources;
pub(crate) mod stacks;

pub use eval::cidr;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use vpcreach_aws::Snapshot;

use self::eval::{Ctx, ResInfo, V};
use self::props::Props;
use self::stacks::{Child, StackEnv};
use crate::common::Builder;
use crate::{PlanError, PlanOptions};

/// Read `text` (from `path`) into the planned state: one stack (with the nested stacks its
/// `AWS::CloudFormation::Stack` resources name by a local `TemplateURL`), named by
/// `--parameter AWS::StackName`, else the file stem.
pub fn read(path: &Path, text: &str, opts: &PlanOptions) -> Result<Snapshot, PlanError> {
    let name = opts
        .parameters
        .get("AWS::StackName")
        .cloned()
        .unwrap_or_else(|| stacks::stem(path));
    let env = StackEnv::top(path, &name, "", &Default::default(), &Default::default());
    let stack = Stack::load(path, text, &stacks::top_given(opts), opts, env, false)?;
    let mut b = Builder::new(opts.base.as_ref(), "cfn", path);
    stack.build(&mut b)?;
    Ok(b.finish())
}

/// One template read as far as it can be without building anything: parameters, conditions
/// and resource declarations evaluated into its context, ready to give its outputs and exports
/// (`stacks.rs`) or to be built into a snapshot.
pub struct Stack {
    pub(crate) ctx: Ctx,
    lines: BTreeMap<String, u32>,
    outputs: Map<String, Value>,
    outputs_done: Option<BTreeMap<String, stacks::Out>>,
}

impl Stack {
    /// The template file.
    pub fn file(&self) -> &Path {
        &self.ctx.env.path
    }

    /// Parse `text` (the template at `env.path`) and evaluate its parameters (`given`: values
    /// by name, pseudo parameters included; `nested`: a nested stack, whose parent may pass only
    /// declared parameters), declarations and resource conditions.
    pub(crate) fn load(
        path: &Path,
        text: &str,
        given: &BTreeMap<String, V>,
        opts: &PlanOptions,
        env: StackEnv,
        nested: bool,
    ) -> Result<Stack, PlanError> {
        let parsed = parse::parse(text).map_err(|m| PlanError::invalid(path, "template", m))?;
        let Value::Object(root) = parsed.root else {
            return Err(PlanError::invalid(
                path,
                "template",
                "the template is not a mapping",
            ));
        };
        let section = |name: &str| -> Result<Map<String, Value>, PlanError> {
            match root.get(name) {
                None | Some(Value::Null) => Ok(Map::new()),
                Some(Value::Object(m)) => Ok(m.clone()),
                Some(_) => Err(PlanError::invalid(path, name, "must be a mapping")),
            }
        };
        let resources = section("Resources")?;
        let mut ids = Builder::new(None, "cfn", path);
        ids.set_origin(path, &env.scope);
        let mut ctx = Ctx::new(ids);
        ctx.mappings = section("Mappings")?;
        ctx.conditions = section("Conditions")?;
        ctx.given = opts.parameters.clone();
        ctx.env = env;
        let declared = section("Parameters")?;
        if nested {
            // CloudFormation refuses a nested stack given a parameter its template does not declare.
            for k in given.keys() {
                if !k.starts_with("AWS::") && !declared.contains_key(k) {
                    return Err(PlanError::invalid(
                        path,
                        format!("Parameters.{k}"),
                        "the parent stack passes this parameter but the template does not declare it",
                    ));
                }
            }
        }
        parameters(&mut ctx, &declared, path, given, opts)?;

        // Declarations first (for Ref and Fn::GetAtt), then conditions.
        let mut conditions = BTreeMap::new();
        for (id, r) in &resources {
            if id.starts_with("Fn::ForEach") {
                return Err(PlanError::invalid(
                    path,
                    id,
                    "Fn::ForEach (the AWS::LanguageExtensions transform) is not supported: read the processed template instead (aws cloudformation get-template --template-stage Processed)",
                ));
            }
            let Value::Object(r) = r else {
                return Err(PlanError::invalid(path, id, "a resource must be a mapping"));
            };
            let Some(Value::String(kind)) = r.get("Type") else {
                return Err(PlanError::invalid(
                    path,
                    format!("{id}.Type"),
                    "a resource needs a Type",
                ));
            };
            let props = match r.get("Properties") {
                None | Some(Value::Null) => Value::Object(Map::new()),
                Some(p @ Value::Object(_)) => p.clone(),
                Some(_) => {
                    return Err(PlanError::invalid(
                        path,
                        format!("{id}.Properties"),
                        "must be a mapping",
                    ));
                }
            };
            match r.get("Condition") {
                None => {}
                Some(Value::String(c)) => {
                    conditions.insert(id.clone(), c.clone());
                }
                Some(_) => {
                    return Err(PlanError::invalid(
                        path,
                        format!("{id}.Condition"),
                        "must be a condition name",
                    ));
                }
            }
            ctx.resources.insert(
                id.clone(),
                ResInfo {
                    kind: kind.clone(),
                    props,
                    created: true,
                },
            );
        }
        for (id, c) in &conditions {
            let at = format!("{id}.Condition");
            match ctx
                .condition(c)
                .map_err(|m| PlanError::invalid(path, &at, m))?
            {
                Some(true) => {}
                Some(false) => {
                    if let Some(r) = ctx.resources.get_mut(id) {
                        r.created = false;
                    }
                }
                None => {
                    let kind = ctx.resources.get(id).map(|r| r.kind.clone());
                    if let Some(kind) = kind
                        && !resources::known(&kind)
                        && kind != stacks::STACK
                    {
                        // A resource this reader does not model changes no verdict whether it
                        // exists or not; what refers to it is open anyway (attrs.rs).
                        continue;
                    }
                    let _ = ctx.condition(c);
                    let body = ctx.conditions.get(c).cloned().unwrap_or(Value::Null);
                    let why = match ctx.eval(&body) {
                        Ok(v) => v.open_reason().map(str::to_string).unwrap_or_default(),
                        Err(e) => e,
                    };
                    return Err(PlanError::invalid(
                        path,
                        at,
                        format!(
                            "whether the resource is created depends on condition {c}, which is open ({why}); give the parameter it needs with --parameter"
                        ),
                    ));
                }
            }
        }
        Ok(Stack {
            ctx,
            lines: parsed.lines,
            outputs: section("Outputs")?,
            outputs_done: None,
        })
    }

    /// Build this stack into `b`: its nested stacks first (in the order they were read), then
    /// its own resources by type order, each type in logical-ID order.
    pub(crate) fn build(mut self, b: &mut Builder) -> Result<(), PlanError> {
        let path = self.ctx.env.path.clone();
        stacks::load_all_children(&mut self.ctx)
            .map_err(|m| PlanError::invalid(&path, "Resources", m))?;
        for id in std::mem::take(&mut self.ctx.child_order) {
            if let Some(Child::Loaded(child)) = self.ctx.children.remove(&id) {
                child.build(b)?;
            }
        }
        b.set_origin(&path, &self.ctx.env.scope);
        if b.snap.region.is_none()
            && let Some(r) = self.ctx.region()
        {
            b.snap.region = Some(r);
        }
        let ctx = &mut self.ctx;
        let ids: Vec<(String, String)> = ctx
            .resources
            .iter()
            .filter(|(_, r)| r.created && resources::known(&r.kind))
            .map(|(id, r)| (id.clone(), r.kind.clone()))
            .collect();
        for kind in resources::ORDER {
            for (id, _) in ids.iter().filter(|(_, k)| k == kind) {
                let raw = match &ctx.resources[id].props {
                    Value::Object(m) => m.clone(),
                    _ => Map::new(),
                };
                let mut map = BTreeMap::new();
                for (k, v) in &raw {
                    match ctx
                        .eval(v)
                        .map_err(|m| PlanError::invalid(&path, format!("{id}.{k}"), m))?
                    {
                        V::NoValue => {}
                        x => {
                            map.insert(k.clone(), x);
                        }
                    }
                }
                let p = Props {
                    id,
                    kind,
                    line: self.lines.get(id).copied(),
                    path: &path,
                    map,
                };
                resources::build(b, ctx, &p)?;
            }
        }
        Ok(())
    }
}

/// Declared parameters (with the values `given`: `--parameter` for a top-level stack, the
/// parent's `Parameters` for a nested one) and pseudo parameters into `ctx.params`.
fn parameters(
    ctx: &mut Ctx,
    declared: &Map<String, Value>,
    path: &Path,
    given: &BTreeMap<String, V>,
    opts: &PlanOptions,
) -> Result<(), PlanError> {
    let region = match given.get("AWS::Region") {
        Some(r) => r.clone(),
        None => match opts.base.as_ref().and_then(|b| b.region.clone()) {
            Some(r) => V::Str(r),
            None => V::Open(
                "AWS::Region is not given (use --parameter AWS::Region=REGION, or a --base snapshot with a Region)".into(),
            ),
        },
    };
    let (partition, suffix) = match &region {
        V::Str(r) if r.starts_with("cn-") => ("aws-cn", "amazonaws.com.cn"),
        V::Str(r) if r.starts_with("us-gov-") => ("aws-us-gov", "amazonaws.com"),
        _ => ("aws", "amazonaws.com"),
    };
    let or = |k: &str, d: V| given.get(k).cloned().unwrap_or(d);
    let pseudo = [
        ("AWS::Region", region.clone()),
        (
            "AWS::AccountId",
            or(
                "AWS::AccountId",
                V::Open("AWS::AccountId is not given (use --parameter AWS::AccountId=ID)".into()),
            ),
        ),
        (
            "AWS::StackName",
            match &ctx.env.name {
                Some(n) => V::Str(n.clone()),
                None => V::Open(format!(
                    "AWS::StackName of nested stack {} is generated by CloudFormation (<parent>-<LogicalId>-<random>) when it is created",
                    ctx.env.scope
                )),
            },
        ),
        (
            "AWS::StackId",
            or(
                "AWS::StackId",
                V::Open("AWS::StackId is known only after the stack is created".into()),
            ),
        ),
        (
            "AWS::Partition",
            or("AWS::Partition", V::Str(partition.into())),
        ),
        (
            "AWS::URLSuffix",
            or("AWS::URLSuffix", V::Str(suffix.into())),
        ),
        ("AWS::NotificationARNs", V::List(Vec::new())),
    ];
    for (k, v) in pseudo {
        ctx.params.insert(k.to_string(), v);
    }
    for (name, decl) in declared {
        let at = format!("Parameters.{name}");
        let Value::Object(decl) = decl else {
            return Err(PlanError::invalid(path, at, "must be a mapping"));
        };
        let kind = match decl.get("Type") {
            Some(Value::String(t)) => t.clone(),
            _ => return Err(PlanError::invalid(path, at, "a parameter needs a Type")),
        };
        let default = match decl.get("Default") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::Bool(b)) => Some(b.to_string()),
            Some(Value::Array(a)) => Some(
                a.iter()
                    .map(|x| match x {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            Some(_) => {
                return Err(PlanError::invalid(
                    path,
                    format!("{at}.Default"),
                    "must be a string",
                ));
            }
        };
        let ssm = kind.starts_with("AWS::SSM::Parameter::Value<");
        let value = match given.get(name) {
            Some(V::Open(r)) => {
                ctx.params.insert(name.clone(), V::Open(r.clone()));
                continue;
            }
            Some(v) => Some(stacks::joined(v)),
            // An SSM parameter's Default is the name of the SSM parameter, not its value.
            None if ssm => None,
            None => default,
        };
        let Some(value) = value else {
            let why = if ssm {
                format!(
                    "parameter {name} is read from SSM Parameter Store at deploy time (give --parameter {name}=VALUE)"
                )
            } else {
                format!(
                    "parameter {name} has no value and no Default (give --parameter {name}=VALUE)"
                )
            };
            ctx.params.insert(name.clone(), V::Open(why));
            continue;
        };
        if let Some(Value::Array(allowed)) = decl.get("AllowedValues") {
            let ok = allowed.iter().any(|a| match a {
                Value::String(s) => *s == value,
                Value::Number(n) => value == n.to_string(),
                // YAML `true` is the string "true" to CloudFormation.
                Value::Bool(b) => value == b.to_string(),
                _ => false,
            });
            if !ok {
                return Err(PlanError::invalid(
                    path,
                    at,
                    format!("\"{value}\" is not one of its AllowedValues"),
                ));
            }
        }
        let inner = kind
            .strip_prefix("AWS::SSM::Parameter::Value<")
            .and_then(|k| k.strip_suffix('>'))
            .unwrap_or(&kind);
        let list = inner == "CommaDelimitedList" || inner.starts_with("List<");
        let v = if list {
            V::List(
                value
                    .split(',')
                    .map(|s| V::Str(s.trim().to_string()))
                    .collect(),
            )
        } else {
            V::Str(value)
        };
        ctx.params.insert(name.clone(), v);
    }
    Ok(())
}
