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

pub use eval::cidr;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};
use vpcreach_aws::Snapshot;

use self::eval::{Ctx, ResInfo, V};
use self::props::Props;
use crate::common::Builder;
use crate::{PlanError, PlanOptions};

/// Read `text` (from `path`) into the planned state.
pub fn read(path: &Path, text: &str, opts: &PlanOptions) -> Result<Snapshot, PlanError> {
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
    let mut b = Builder::new(opts.base.as_ref(), "cfn", path);
    let mut ctx = Ctx::new(Builder::new(None, "cfn", path));
    ctx.mappings = section("Mappings")?;
    ctx.conditions = section("Conditions")?;
    ctx.given = opts.parameters.clone();
    parameters(&mut ctx, &section("Parameters")?, path, opts)?;
    if b.snap.region.is_none()
        && let Some(r) = ctx.region()
    {
        b.snap.region = Some(r);
    }

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

    // Build by type order, each type in logical-ID order.
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
                    .map_err(|m| PlanError::invalid(path, format!("{id}.{k}"), m))?
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
                line: parsed.lines.get(id).copied(),
                path,
                map,
            };
            resources::build(&mut b, &mut ctx, &p)?;
        }
    }
    Ok(b.finish())
}

/// Declared parameters (with `--parameter` values) and pseudo parameters into `ctx.params`.
fn parameters(
    ctx: &mut Ctx,
    declared: &Map<String, Value>,
    path: &Path,
    opts: &PlanOptions,
) -> Result<(), PlanError> {
    let given = &opts.parameters;
    let region = match given.get("AWS::Region") {
        Some(r) => V::Str(r.clone()),
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
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "stack".into());
    let pseudo = [
        ("AWS::Region", region.clone()),
        (
            "AWS::AccountId",
            given.get("AWS::AccountId").map_or_else(
                || {
                    V::Open(
                        "AWS::AccountId is not given (use --parameter AWS::AccountId=ID)".into(),
                    )
                },
                |a| V::Str(a.clone()),
            ),
        ),
        (
            "AWS::StackName",
            V::Str(given.get("AWS::StackName").cloned().unwrap_or(stem)),
        ),
        (
            "AWS::StackId",
            given.get("AWS::StackId").map_or_else(
                || V::Open("AWS::StackId is known only after the stack is created".into()),
                |a| V::Str(a.clone()),
            ),
        ),
        (
            "AWS::Partition",
            V::Str(
                given
                    .get("AWS::Partition")
                    .cloned()
                    .unwrap_or(partition.into()),
            ),
        ),
        (
            "AWS::URLSuffix",
            V::Str(
                given
                    .get("AWS::URLSuffix")
                    .cloned()
                    .unwrap_or(suffix.into()),
            ),
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
            Some(v) => Some(v.clone()),
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
