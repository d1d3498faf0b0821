//! The intrinsic-function evaluator: a template value (already in long form, see `parse.rs`) to
//! the value CloudFormation would pass to the resource provider — or [`V::Open`] where the value
//! is known only after the stack is created (an EIP's public IP), comes from outside the template
//! (`Fn::ImportValue` without `--parameter`, a parameter with neither value nor default, an SSM
//! parameter), or depends on such a value. `Open` propagates: a `Fn::Join` with one open part is
//! open, a `Fn::If` on an open condition is open. A malformed call (wrong arity, a `Ref` to a
//! name the template does not declare, a `Fn::Select` index out of range) is an error.
//!
//! Semantics follow the AWS CloudFormation Template Reference, "Intrinsic function reference"
//! (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference.html>);
//! `Ref`/`Fn::GetAtt` of each resource type follow each type's "Return values" section
//! (`attrs.rs`).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::{Map, Value};

use super::attrs;
use super::stacks::{self, Child, StackEnv};
use crate::common::Builder;

/// An evaluated value. Numbers are kept as their text (CloudFormation passes `443` and `"443"`
/// alike to providers).
#[derive(Debug, Clone, PartialEq)]
pub enum V {
    Null,
    Bool(bool),
    Str(String),
    List(Vec<V>),
    Map(BTreeMap<String, V>),
    /// Not known before the stack exists, or given from outside: the reason.
    Open(String),
    /// `Ref: AWS::NoValue`: the property is removed.
    NoValue,
}

impl V {
    /// The first open reason inside this value, if any.
    pub fn open_reason(&self) -> Option<&str> {
        match self {
            V::Open(r) => Some(r),
            V::List(l) => l.iter().find_map(V::open_reason),
            V::Map(m) => m.values().find_map(V::open_reason),
            _ => None,
        }
    }
}

/// What a resource declaration holds, for `Ref`/`Fn::GetAtt` of it.
#[derive(Debug, Clone)]
pub struct ResInfo {
    pub kind: String,
    pub props: Value,
    /// Whether the resource is created (its `Condition` holds).
    pub created: bool,
}

/// The evaluation context: parameters (with pseudo parameters), mappings, conditions and the
/// template's resources.
pub struct Ctx {
    pub params: BTreeMap<String, V>,
    pub mappings: Map<String, Value>,
    pub conditions: Map<String, Value>,
    cond_cache: BTreeMap<String, Option<bool>>,
    cond_visiting: BTreeSet<String>,
    pub resources: BTreeMap<String, ResInfo>,
    attr_visiting: BTreeSet<String>,
    /// `--parameter` values, also used for `Fn::ImportValue` names.
    pub given: BTreeMap<String, String>,
    /// Synthetic IDs (`Builder::id`).
    pub ids: Builder,
    depth: usize,
    /// Where this stack sits in the deployment: its file, name, scope, ancestors, the exports of
    /// the other stacks and the `--template-map` (`stacks.rs`).
    pub env: StackEnv,
    /// The export names this stack's `Fn::ImportValue` calls asked for.
    pub imported: BTreeSet<String>,
    /// Nested stacks (`AWS::CloudFormation::Stack`) read so far, by logical ID.
    pub children: BTreeMap<String, Child>,
    /// The nested stacks in the order their reading finished (one a sibling's outputs feed is
    /// read before it): the order they are built in.
    pub child_order: Vec<String>,
}

/// How deep intrinsic calls may nest before the input is rejected.
const MAX_DEPTH: usize = 100;

const FUNCTIONS: &[&str] = &[
    "Ref",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Select",
    "Fn::GetAZs",
    "Fn::Join",
    "Fn::Split",
    "Fn::If",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Fn::FindInMap",
    "Fn::Cidr",
    "Fn::ImportValue",
    "Fn::Base64",
    "Fn::Transform",
    "Fn::Length",
    "Fn::ToJsonString",
    "Fn::ForEach",
];

fn num_text(n: &serde_json::Number) -> String {
    n.to_string()
}

/// A scalar as text (`443`, `"443"`, `true`), or `None` for a list, map or open value.
pub fn text(v: &V) -> Option<String> {
    match v {
        V::Str(s) => Some(s.clone()),
        V::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Ctx {
    pub fn new(ids: Builder) -> Ctx {
        Ctx {
            params: BTreeMap::new(),
            mappings: Map::new(),
            conditions: Map::new(),
            cond_cache: BTreeMap::new(),
            cond_visiting: BTreeSet::new(),
            resources: BTreeMap::new(),
            attr_visiting: BTreeSet::new(),
            given: BTreeMap::new(),
            ids,
            depth: 0,
            env: StackEnv::default(),
            imported: BTreeSet::new(),
            children: BTreeMap::new(),
            child_order: Vec::new(),
        }
    }

    /// The region (`AWS::Region`), if known.
    pub fn region(&self) -> Option<String> {
        match self.params.get("AWS::Region") {
            Some(V::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// Evaluate a template value.
    pub fn eval(&mut self, v: &Value) -> Result<V, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return Err("intrinsic functions nest too deeply".into());
        }
        let r = self.eval_inner(v);
        self.depth -= 1;
        r
    }

    fn eval_inner(&mut self, v: &Value) -> Result<V, String> {
        Ok(match v {
            Value::Null => V::Null,
            Value::Bool(b) => V::Bool(*b),
            Value::Number(n) => V::Str(num_text(n)),
            Value::String(s) => V::Str(s.clone()),
            Value::Array(a) => {
                let mut out = Vec::with_capacity(a.len());
                for x in a {
                    match self.eval(x)? {
                        V::NoValue => {}
                        y => out.push(y),
                    }
                }
                V::List(out)
            }
            Value::Object(m) => {
                if m.len() == 1 {
                    let (k, arg) = m.iter().next().expect("one entry");
                    if FUNCTIONS.contains(&k.as_str()) {
                        return self.call(k, arg);
                    }
                }
                let mut out = BTreeMap::new();
                for (k, x) in m {
                    match self.eval(x)? {
                        V::NoValue => {}
                        y => {
                            out.insert(k.clone(), y);
                        }
                    }
                }
                V::Map(out)
            }
        })
    }

    fn args<'a>(
        &self,
        f: &str,
        arg: &'a Value,
        n: std::ops::RangeInclusive<usize>,
    ) -> Result<&'a [Value], String> {
        match arg {
            Value::Array(a) if n.contains(&a.len()) => Ok(a),
            Value::Array(a) => Err(format!(
                "{f} takes {} arguments, not {}",
                if n.start() == n.end() {
                    n.start().to_string()
                } else {
                    format!("{} to {}", n.start(), n.end())
                },
                a.len()
            )),
            _ => Err(format!("{f} takes a list of arguments")),
        }
    }

    /// A string argument (`Open` passes through as `Err(Ok(reason))`).
    fn str_arg(
        &mut self,
        f: &str,
        what: &str,
        v: &Value,
    ) -> Result<Result<String, String>, String> {
        match self.eval(v)? {
            V::Open(r) => Ok(Err(r)),
            x => match text(&x) {
                Some(s) => Ok(Ok(s)),
                None => Err(format!("{f}: the {what} must be a string")),
            },
        }
    }

    fn call(&mut self, f: &str, arg: &Value) -> Result<V, String> {
        match f {
            "Ref" => {
                let Value::String(name) = arg else {
                    return Err("Ref takes a logical ID or parameter name".into());
                };
                self.reference(name)
            }
            "Fn::GetAtt" => {
                let (res, attr) = match arg {
                    Value::String(s) => match s.split_once('.') {
                        Some((a, b)) => (a.to_string(), b.to_string()),
                        None => {
                            return Err(format!("Fn::GetAtt \"{s}\" must be LogicalId.Attribute"));
                        }
                    },
                    Value::Array(a) if a.len() == 2 => {
                        let Value::String(r) = &a[0] else {
                            return Err("Fn::GetAtt: the logical ID must be a string".into());
                        };
                        let attr = match self.str_arg(f, "attribute name", &a[1])? {
                            Ok(s) => s,
                            Err(r) => return Ok(V::Open(r)),
                        };
                        (r.clone(), attr)
                    }
                    _ => {
                        return Err(
                            "Fn::GetAtt takes [LogicalId, Attribute] or \"LogicalId.Attribute\""
                                .into(),
                        );
                    }
                };
                self.get_att(&res, &attr)
            }
            "Fn::Sub" => self.sub(arg),
            "Fn::Select" => {
                let a = self.args(f, arg, 2..=2)?;
                let idx = match self.str_arg(f, "index", &a[0])? {
                    Ok(s) => s,
                    Err(r) => return Ok(V::Open(r)),
                };
                let i: usize = idx
                    .trim()
                    .parse()
                    .map_err(|_| format!("Fn::Select: index \"{idx}\" is not a number"))?;
                match self.eval(&a[1])? {
                    V::Open(r) => Ok(V::Open(r)),
                    V::List(l) => l.get(i).cloned().ok_or_else(|| {
                        format!(
                            "Fn::Select: index {i} is out of range (the list has {})",
                            l.len()
                        )
                    }),
                    _ => Err("Fn::Select: the second argument must be a list".into()),
                }
            }
            "Fn::GetAZs" => {
                let region = match self.eval(arg)? {
                    V::Open(r) => return Ok(V::Open(r)),
                    V::Str(s) if s.is_empty() => match self.params.get("AWS::Region") {
                        Some(V::Str(r)) => r.clone(),
                        Some(V::Open(r)) => return Ok(V::Open(r.clone())),
                        _ => return Ok(V::Open("AWS::Region is not given".into())),
                    },
                    V::Str(s) => s,
                    V::Null => match self.params.get("AWS::Region") {
                        Some(V::Str(r)) => r.clone(),
                        Some(V::Open(r)) => return Ok(V::Open(r.clone())),
                        _ => return Ok(V::Open("AWS::Region is not given".into())),
                    },
                    _ => return Err("Fn::GetAZs takes a region name".into()),
                };
                // Which zones a region has is not in the template: availability zones do not
                // affect reachability in this model, so the region's first six letters stand in
                // (every region has at least three; a template selecting past the zones the
                // region really has would fail in AWS and is accepted here).
                Ok(V::List(
                    ['a', 'b', 'c', 'd', 'e', 'f']
                        .iter()
                        .map(|c| V::Str(format!("{region}{c}")))
                        .collect(),
                ))
            }
            "Fn::Join" => {
                let a = self.args(f, arg, 2..=2)?;
                let delim = match self.str_arg(f, "delimiter", &a[0])? {
                    Ok(s) => s,
                    Err(r) => return Ok(V::Open(r)),
                };
                match self.eval(&a[1])? {
                    V::Open(r) => Ok(V::Open(r)),
                    V::List(l) => {
                        let mut parts = Vec::new();
                        for x in l {
                            match x {
                                V::Open(r) => return Ok(V::Open(r)),
                                V::NoValue => {}
                                x => parts
                                    .push(text(&x).ok_or("Fn::Join: the list must hold strings")?),
                            }
                        }
                        Ok(V::Str(parts.join(&delim)))
                    }
                    _ => Err("Fn::Join: the second argument must be a list".into()),
                }
            }
            "Fn::Split" => {
                let a = self.args(f, arg, 2..=2)?;
                let delim = match self.str_arg(f, "delimiter", &a[0])? {
                    Ok(s) => s,
                    Err(r) => return Ok(V::Open(r)),
                };
                if delim.is_empty() {
                    return Err("Fn::Split: the delimiter is empty".into());
                }
                let s = match self.str_arg(f, "source string", &a[1])? {
                    Ok(s) => s,
                    Err(r) => return Ok(V::Open(r)),
                };
                Ok(V::List(
                    s.split(delim.as_str())
                        .map(|p| V::Str(p.to_string()))
                        .collect(),
                ))
            }
            "Fn::If" => {
                let a = self.args(f, arg, 3..=3)?;
                let Value::String(c) = &a[0] else {
                    return Err("Fn::If: the first argument must be a condition name".into());
                };
                match self.condition(c)? {
                    Some(true) => self.eval(&a[1]),
                    Some(false) => self.eval(&a[2]),
                    None => Ok(V::Open(self.condition_open_reason(c))),
                }
            }
            "Fn::Equals" => {
                let a = self.args(f, arg, 2..=2)?;
                let x = self.eval(&a[0])?;
                let y = self.eval(&a[1])?;
                if let Some(r) = x.open_reason().or(y.open_reason()) {
                    return Ok(V::Open(r.to_string()));
                }
                Ok(V::Bool(match (text(&x), text(&y)) {
                    (Some(p), Some(q)) => p == q,
                    _ => x == y,
                }))
            }
            "Fn::And" | "Fn::Or" => {
                let a = self.args(f, arg, 2..=10)?;
                let and = f == "Fn::And";
                let mut open = None;
                for x in a {
                    match self.cond_value(x)? {
                        Ok(b) if b != and => return Ok(V::Bool(b)),
                        Ok(_) => {}
                        Err(r) => open = Some(r),
                    }
                }
                Ok(match open {
                    Some(r) => V::Open(r),
                    None => V::Bool(and),
                })
            }
            "Fn::Not" => {
                let a = self.args(f, arg, 1..=1)?;
                Ok(match self.cond_value(&a[0])? {
                    Ok(b) => V::Bool(!b),
                    Err(r) => V::Open(r),
                })
            }
            "Fn::FindInMap" => {
                let a = self.args(f, arg, 3..=4)?;
                let mut keys = Vec::new();
                for (x, what) in
                    a.iter()
                        .take(3)
                        .zip(["map name", "top-level key", "second-level key"])
                {
                    match self.str_arg(f, what, x)? {
                        Ok(s) => keys.push(s),
                        Err(r) => return Ok(V::Open(r)),
                    }
                }
                let found = self
                    .mappings
                    .get(&keys[0])
                    .ok_or_else(|| format!("Fn::FindInMap: no mapping named {}", keys[0]))?
                    .get(&keys[1])
                    .and_then(|m| m.get(&keys[2]))
                    .cloned();
                match found {
                    Some(v) => self.eval(&v),
                    None => match a.get(3) {
                        // AWS::LanguageExtensions: [map, k1, k2, {DefaultValue: …}].
                        Some(Value::Object(d)) if d.contains_key("DefaultValue") => {
                            self.eval(&d["DefaultValue"])
                        }
                        _ => Err(format!(
                            "Fn::FindInMap: mapping {} has no {}.{}",
                            keys[0], keys[1], keys[2]
                        )),
                    },
                }
            }
            "Fn::Cidr" => {
                let a = self.args(f, arg, 3..=3)?;
                let mut s = Vec::new();
                for (x, what) in a.iter().zip(["ipBlock", "count", "cidrBits"]) {
                    match self.str_arg(f, what, x)? {
                        Ok(v) => s.push(v),
                        Err(r) => return Ok(V::Open(r)),
                    }
                }
                let count: u32 = s[1]
                    .trim()
                    .parse()
                    .map_err(|_| format!("Fn::Cidr: count \"{}\" is not a number", s[1]))?;
                let bits: u8 = s[2]
                    .trim()
                    .parse()
                    .map_err(|_| format!("Fn::Cidr: cidrBits \"{}\" is not a number", s[2]))?;
                cidr(&s[0], count, bits).map(|l| V::List(l.into_iter().map(V::Str).collect()))
            }
            "Fn::ImportValue" => {
                let name = match self.str_arg(f, "export name", arg)? {
                    Ok(s) => s,
                    Err(r) => return Ok(V::Open(r)),
                };
                self.imported.insert(name.clone());
                Ok(stacks::import(self, &name))
            }
            "Fn::Base64" => Ok(match self.str_arg(f, "value", arg)? {
                Ok(s) => V::Str(base64(s.as_bytes())),
                Err(r) => V::Open(r),
            }),
            "Fn::Length" => Ok(match self.eval(arg)? {
                V::List(l) => V::Str(l.len().to_string()),
                V::Open(r) => V::Open(r),
                _ => return Err("Fn::Length takes a list".into()),
            }),
            "Fn::ToJsonString" => Ok(match self.eval(arg)? {
                V::Open(r) => V::Open(r),
                x => match x.open_reason() {
                    Some(r) => V::Open(r.to_string()),
                    None => V::Str(to_json(&x).to_string()),
                },
            }),
            "Fn::Transform" => Ok(V::Open(
                "Fn::Transform runs a macro when the stack is created".into(),
            )),
            _ => Err(format!("{f} is not supported here")),
        }
    }

    /// A condition operand: `{"Condition": name}` or a value that evaluates to a boolean.
    /// `Ok(Err(reason))` when it is open.
    fn cond_value(&mut self, v: &Value) -> Result<Result<bool, String>, String> {
        if let Value::Object(m) = v
            && m.len() == 1
            && let Some(Value::String(c)) = m.get("Condition")
        {
            return Ok(match self.condition(c)? {
                Some(b) => Ok(b),
                None => Err(self.condition_open_reason(c)),
            });
        }
        match self.eval(v)? {
            V::Bool(b) => Ok(Ok(b)),
            V::Str(s) if s == "true" => Ok(Ok(true)),
            V::Str(s) if s == "false" => Ok(Ok(false)),
            V::Open(r) => Ok(Err(r)),
            _ => Err("a condition must evaluate to true or false".into()),
        }
    }

    fn condition_open_reason(&mut self, c: &str) -> String {
        let body = self.conditions.get(c).cloned().unwrap_or(Value::Null);
        match self.cond_value(&body) {
            Ok(Err(r)) => format!("condition {c} depends on {r}"),
            _ => format!("condition {c} is open"),
        }
    }

    /// A named condition: `Some(value)`, or `None` when it depends on an open value.
    pub fn condition(&mut self, name: &str) -> Result<Option<bool>, String> {
        if let Some(c) = self.cond_cache.get(name) {
            return Ok(*c);
        }
        let Some(body) = self.conditions.get(name).cloned() else {
            return Err(format!("no condition named {name} in Conditions"));
        };
        if !self.cond_visiting.insert(name.to_string()) {
            return Err(format!("condition {name} refers to itself"));
        }
        let r = self.cond_value(&body);
        self.cond_visiting.remove(name);
        let r = r.map_err(|e| format!("condition {name}: {e}"))?.ok();
        self.cond_cache.insert(name.to_string(), r);
        Ok(r)
    }

    /// `Ref name`: a parameter (pseudo parameters included) or a resource.
    pub fn reference(&mut self, name: &str) -> Result<V, String> {
        if name == "AWS::NoValue" {
            return Ok(V::NoValue);
        }
        if let Some(v) = self.params.get(name) {
            return Ok(v.clone());
        }
        if name.starts_with("AWS::") {
            return Err(format!("Ref {name}: not a pseudo parameter"));
        }
        let Some(r) = self.resources.get(name) else {
            return Err(format!(
                "Ref {name}: no parameter or resource with this name"
            ));
        };
        if !r.created {
            return Err(format!(
                "Ref {name}: the resource is not created (its Condition is false)"
            ));
        }
        let kind = r.kind.clone();
        attrs::reference(self, name, &kind)
    }

    /// `Fn::GetAtt res.attr`.
    pub fn get_att(&mut self, res: &str, attr: &str) -> Result<V, String> {
        let Some(r) = self.resources.get(res) else {
            return Err(format!("Fn::GetAtt {res}.{attr}: no resource named {res}"));
        };
        if !r.created {
            return Err(format!(
                "Fn::GetAtt {res}.{attr}: the resource is not created (its Condition is false)"
            ));
        }
        let kind = r.kind.clone();
        if kind == stacks::STACK {
            return stacks::output(self, res, attr);
        }
        attrs::get_att(self, res, &kind, attr)
    }

    /// One property of another resource, evaluated (for attributes that echo a property, such as
    /// `VPC.CidrBlock`). `None` when the property is absent.
    pub fn prop_of(&mut self, res: &str, prop: &str) -> Result<Option<V>, String> {
        let Some(raw) = self
            .resources
            .get(res)
            .and_then(|r| r.props.get(prop))
            .cloned()
        else {
            return Ok(None);
        };
        let key = format!("{res}.{prop}");
        if !self.attr_visiting.insert(key.clone()) {
            return Err(format!("circular reference through {key}"));
        }
        let v = self.eval(&raw);
        self.attr_visiting.remove(&key);
        v.map(Some)
    }

    fn sub(&mut self, arg: &Value) -> Result<V, String> {
        let (tmpl, vars) = match arg {
            Value::String(s) => (s.clone(), BTreeMap::new()),
            Value::Array(a) if a.len() == 2 => {
                let Value::String(s) = &a[0] else {
                    return Err("Fn::Sub: the first argument must be a string".into());
                };
                let Value::Object(m) = &a[1] else {
                    return Err("Fn::Sub: the second argument must be a map of variables".into());
                };
                let mut vars = BTreeMap::new();
                for (k, v) in m {
                    vars.insert(k.clone(), self.eval(v)?);
                }
                (s.clone(), vars)
            }
            _ => return Err("Fn::Sub takes a string or [string, {variables}]".into()),
        };
        let mut out = String::new();
        let mut rest = tmpl.as_str();
        let mut open = None;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let Some(j) = after.find('}') else {
                return Err(format!("Fn::Sub: unterminated ${{ in \"{tmpl}\""));
            };
            let name = &after[..j];
            rest = &after[j + 1..];
            if let Some(lit) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(lit);
                out.push('}');
                continue;
            }
            let name = name.trim();
            let v = if let Some(v) = vars.get(name) {
                v.clone()
            } else if self.params.contains_key(name) || name == "AWS::NoValue" {
                self.reference(name)?
            } else if let Some((r, a)) = name.split_once('.')
                && self.resources.contains_key(r)
            {
                self.get_att(r, a)?
            } else {
                self.reference(name)?
            };
            match v {
                V::Open(r) => open = Some(r),
                x => out.push_str(
                    &text(&x).ok_or_else(|| format!("Fn::Sub: ${{{name}}} is not a string"))?,
                ),
            }
        }
        out.push_str(rest);
        Ok(match open {
            Some(r) => V::Open(r),
            None => V::Str(out),
        })
    }
}

/// `Fn::Cidr [block, count, cidrBits]` as AWS computes it: `count` consecutive blocks of
/// `cidrBits` host bits (mask = 32 − cidrBits, or 128 − cidrBits for IPv6), from the network
/// address of `block` on (the documented example: `["192.168.0.0/24", 6, 5]` → `192.168.0.0/27`
/// … `192.168.0.160/27`).
pub fn cidr(block: &str, count: u32, bits: u8) -> Result<Vec<String>, String> {
    let net: IpNet = block
        .trim()
        .parse()
        .map_err(|_| format!("Fn::Cidr: \"{block}\" is not a CIDR block"))?;
    if !(1..=256).contains(&count) {
        return Err(format!("Fn::Cidr: count {count} is not between 1 and 256"));
    }
    let max = net.max_prefix_len();
    if bits == 0 || bits > max - net.prefix_len() {
        return Err(format!(
            "Fn::Cidr: cidrBits {bits} does not fit in {net} (at most {})",
            max - net.prefix_len()
        ));
    }
    let prefix = max - bits;
    let subnets: Vec<IpNet> = net
        .trunc()
        .subnets(prefix)
        .map_err(|e| format!("Fn::Cidr: {e}"))?
        .take(count as usize)
        .collect();
    if subnets.len() < count as usize {
        return Err(format!(
            "Fn::Cidr: {net} holds only {} blocks of /{prefix}, not {count}",
            subnets.len()
        ));
    }
    Ok(subnets
        .iter()
        .map(|n| match n.network() {
            IpAddr::V4(_) | IpAddr::V6(_) => n.to_string(),
        })
        .collect())
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn to_json(v: &V) -> Value {
    match v {
        V::Null | V::NoValue | V::Open(_) => Value::Null,
        V::Bool(b) => Value::Bool(*b),
        V::Str(s) => Value::String(s.clone()),
        V::List(l) => Value::Array(l.iter().map(to_json).collect()),
        V::Map(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    fn ctx() -> Ctx {
        let mut c = Ctx::new(Builder::new(None, "cfn", Path::new("t.yaml")));
        c.params
            .insert("AWS::Region".into(), V::Str("us-east-1".into()));
        c.params.insert("Env".into(), V::Str("prod".into()));
        c.params.insert(
            "Nets".into(),
            V::List(vec![V::Str("a".into()), V::Str("b".into())]),
        );
        c.params
            .insert("Open".into(), V::Open("parameter Open has no value".into()));
        c.resources.insert(
            "Vpc".into(),
            ResInfo {
                kind: "AWS::EC2::VPC".into(),
                props: json!({"CidrBlock": "10.0.0.0/16"}),
                created: true,
            },
        );
        c.mappings = json!({"M": {"prod": {"Cidr": "10.1.0.0/16"}}})
            .as_object()
            .cloned()
            .unwrap();
        c.conditions = json!({
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
            "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["a", "a"]}]},
            "Either": {"Fn::Or": [{"Condition": "NotProd"}, {"Condition": "IsProd"}]},
            "Unknown": {"Fn::Equals": [{"Ref": "Open"}, "x"]},
            "Loop": {"Condition": "Loop"}
        })
        .as_object()
        .cloned()
        .unwrap();
        c
    }

    fn s(x: &str) -> V {
        V::Str(x.into())
    }

    #[test]
    fn cidr_matches_the_documented_example() {
        assert_eq!(
            cidr("192.168.0.0/24", 6, 5).unwrap(),
            [
                "192.168.0.0/27",
                "192.168.0.32/27",
                "192.168.0.64/27",
                "192.168.0.96/27",
                "192.168.0.128/27",
                "192.168.0.160/27"
            ]
        );
        assert_eq!(
            cidr("2001:db8:1234:1a00::/56", 2, 64).unwrap(),
            ["2001:db8:1234:1a00::/64", "2001:db8:1234:1a01::/64"]
        );
        assert!(
            cidr("10.0.0.0/24", 9, 5)
                .unwrap_err()
                .contains("holds only 8")
        );
        assert!(cidr("10.0.0.0/24", 0, 5).is_err());
        assert!(cidr("10.0.0.0/24", 1, 9).is_err());
        assert!(cidr("nope", 1, 1).is_err());
    }

    #[test]
    fn each_function_evaluates() {
        let mut c = ctx();
        let e = |c: &mut Ctx, v: Value| c.eval(&v).unwrap();
        assert_eq!(e(&mut c, json!({"Ref": "Env"})), s("prod"));
        assert_eq!(e(&mut c, json!({"Ref": "Vpc"})), s("vpc-cfn:Vpc"));
        assert_eq!(
            e(&mut c, json!({"Fn::GetAtt": "Vpc.CidrBlock"})),
            s("10.0.0.0/16")
        );
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"]})
            ),
            s("sg-cfn:Vpc#default")
        );
        assert_eq!(
            e(&mut c, json!({"Fn::Select": ["1", {"Ref": "Nets"}]})),
            s("b")
        );
        assert_eq!(
            e(&mut c, json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})),
            s("us-east-1a")
        );
        assert_eq!(
            e(&mut c, json!({"Fn::Join": ["-", ["a", {"Ref": "Env"}, 3]]})),
            s("a-prod-3")
        );
        assert_eq!(
            e(&mut c, json!({"Fn::Split": [",", "x,y"]})),
            V::List(vec![s("x"), s("y")])
        );
        assert_eq!(e(&mut c, json!({"Fn::If": ["IsProd", "p", "d"]})), s("p"));
        assert_eq!(e(&mut c, json!({"Fn::If": ["NotProd", "p", "d"]})), s("d"));
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::If": ["NotProd", "p", {"Ref": "AWS::NoValue"}]})
            ),
            V::NoValue
        );
        assert_eq!(
            e(
                &mut c,
                json!({"A": {"Fn::If": ["NotProd", "p", {"Ref": "AWS::NoValue"}]}, "B": 1})
            ),
            V::Map([("B".to_string(), s("1"))].into())
        );
        assert_eq!(c.condition("Both").unwrap(), Some(true));
        assert_eq!(c.condition("Either").unwrap(), Some(true));
        assert_eq!(c.condition("Unknown").unwrap(), None);
        assert!(c.condition("Loop").unwrap_err().contains("itself"));
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::FindInMap": ["M", {"Ref": "Env"}, "Cidr"]})
            ),
            s("10.1.0.0/16")
        );
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::FindInMap": ["M", "dev", "Cidr", {"DefaultValue": "d"}]})
            ),
            s("d")
        );
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::Select": [2, {"Fn::Cidr": [{"Fn::GetAtt": "Vpc.CidrBlock"}, 4, 8]}]})
            ),
            s("10.0.2.0/24")
        );
        assert_eq!(e(&mut c, json!({"Fn::Base64": "hi!"})), s("aGkh"));
        assert_eq!(e(&mut c, json!({"Fn::Base64": "a"})), s("YQ=="));
        assert_eq!(e(&mut c, json!({"Fn::Length": [1, 2, 3]})), s("3"));
        assert_eq!(
            e(&mut c, json!({"Fn::Equals": [443, "443"]})),
            V::Bool(true)
        );
    }

    #[test]
    fn sub_forms() {
        let mut c = ctx();
        let e = |c: &mut Ctx, v: Value| c.eval(&v).unwrap();
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"})
            ),
            s("com.amazonaws.us-east-1.s3")
        );
        assert_eq!(
            e(&mut c, json!({"Fn::Sub": "${Vpc.CidrBlock} in ${Vpc}"})),
            s("10.0.0.0/16 in vpc-cfn:Vpc")
        );
        assert_eq!(
            e(&mut c, json!({"Fn::Sub": "${!Literal}-${Env}"})),
            s("${Literal}-prod")
        );
        assert_eq!(
            e(
                &mut c,
                json!({"Fn::Sub": ["${x}.${AWS::Region}", {"x": {"Ref": "Env"}}]})
            ),
            s("prod.us-east-1")
        );
        assert!(matches!(
            e(&mut c, json!({"Fn::Sub": "${Open}-x"})),
            V::Open(_)
        ));
        assert!(c.eval(&json!({"Fn::Sub": "${Nope}"})).is_err());
        assert!(c.eval(&json!({"Fn::Sub": "${Env"})).is_err());
    }

    #[test]
    fn open_values_propagate_and_import_value_uses_parameters() {
        let mut c = ctx();
        let v = c
            .eval(&json!({"Fn::Join": ["", ["a", {"Fn::ImportValue": "Net-Subnet"}]]}))
            .unwrap();
        assert!(matches!(&v, V::Open(r) if r.contains("!ImportValue Net-Subnet")));
        c.given.insert("Net-Subnet".into(), "subnet-123".into());
        assert_eq!(
            c.eval(&json!({"Fn::ImportValue": "Net-Subnet"})).unwrap(),
            s("subnet-123")
        );
        let v = c.eval(&json!({"Fn::If": ["Unknown", "a", "b"]})).unwrap();
        assert!(
            matches!(&v, V::Open(r) if r.contains("Unknown") && r.contains("Open has no value"))
        );
        assert!(matches!(
            c.eval(&json!({"Fn::Select": [0, {"Ref": "Open"}]}))
                .unwrap(),
            V::Open(_)
        ));
    }

    #[test]
    fn malformed_calls_are_errors() {
        let mut c = ctx();
        for bad in [
            json!({"Ref": "Missing"}),
            json!({"Ref": ["x"]}),
            json!({"Fn::GetAtt": "NoDot"}),
            json!({"Fn::GetAtt": "Missing.Attr"}),
            json!({"Fn::Select": [5, ["a"]]}),
            json!({"Fn::Select": [0]}),
            json!({"Fn::Join": ["-"]}),
            json!({"Fn::If": ["Missing", 1, 2]}),
            json!({"Fn::If": ["IsProd", 1]}),
            json!({"Fn::Equals": [1]}),
            json!({"Fn::And": [{"Condition": "IsProd"}]}),
            json!({"Fn::Not": [true, false]}),
            json!({"Fn::FindInMap": ["M", "dev", "Cidr"]}),
            json!({"Fn::FindInMap": ["Nope", "dev", "Cidr"]}),
            json!({"Fn::Cidr": ["10.0.0.0/16", "x", 8]}),
            json!({"Fn::Split": ["", "a"]}),
            json!({"Ref": "AWS::Bogus"}),
        ] {
            assert!(c.eval(&bad).is_err(), "{bad} should be an error");
        }
        // Deep nesting is an error, not a stack overflow.
        let mut deep = json!("x");
        for _ in 0..150 {
            deep = json!({"Fn::Base64": deep});
        }
        assert!(c.eval(&deep).unwrap_err().contains("deeply"));
    }
}
