//! Values known only after apply, resolved through the plan's `configuration`: each expression
//! lists the objects it `references` (`aws_subnet.private[0].id`, `module.vpc.private_subnets`,
//! `var.subnet_id`), relative to the module it is written in. A reference is followed to the
//! instance it names (with `count`/`for_each`, an unindexed reference is resolved only when it is
//! unambiguous: the resource has one instance, or the referring instance's own index names one of
//! as many instances), through module outputs and module variables, to the ID that instance will
//! have. Locals are not in the JSON configuration: a reference through one is left open.

use serde_json::{Map, Value};

use super::Ctx;
use super::plan::Inst;

/// One step of a traversal: `.name` or `[key]`.
#[derive(Debug, Clone, PartialEq)]
pub enum Seg {
    Name(String),
    Index(Value),
}

/// Parse `module.vpc.aws_subnet.private["a.b"].id` into its steps. Never fails: malformed text
/// gives whatever steps could be read.
pub fn parse_traversal(s: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    let b: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut name = String::new();
    while i < b.len() {
        match b[i] {
            '.' => {
                if !name.is_empty() {
                    out.push(Seg::Name(std::mem::take(&mut name)));
                }
                i += 1;
            }
            '[' => {
                if !name.is_empty() {
                    out.push(Seg::Name(std::mem::take(&mut name)));
                }
                i += 1;
                if i < b.len() && b[i] == '"' {
                    i += 1;
                    let mut key = String::new();
                    while i < b.len() && b[i] != '"' {
                        if b[i] == '\\' && i + 1 < b.len() {
                            i += 1;
                        }
                        key.push(b[i]);
                        i += 1;
                    }
                    i += 1; // closing quote
                    while i < b.len() && b[i] != ']' {
                        i += 1;
                    }
                    out.push(Seg::Index(Value::String(key)));
                } else {
                    let mut key = String::new();
                    while i < b.len() && b[i] != ']' {
                        key.push(b[i]);
                        i += 1;
                    }
                    let key = key.trim();
                    out.push(Seg::Index(match key.parse::<i64>() {
                        Ok(n) => Value::from(n),
                        Err(_) => Value::String(key.to_string()),
                    }));
                }
                i += 1; // closing bracket
            }
            c => {
                name.push(c);
                i += 1;
            }
        }
    }
    if !name.is_empty() {
        out.push(Seg::Name(name));
    }
    out
}

/// An instance key as an address prints it: `0`, `"a"`.
pub fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// The instance an expression is written for: its key and its resource address in its module
/// (for same-index resolution), or `None` (module outputs and arguments).
pub type Referrer<'a> = Option<(&'a Value, &'a str)>;

/// The referrer of an instance's own expressions.
pub fn referrer(inst: &Inst) -> Referrer<'_> {
    inst.index
        .as_ref()
        .map(|k| (k, inst.config_address.as_str()))
}

/// What a resolution is for: one value (a scalar attribute) or all values (a list attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    One,
    Many,
}

const MAX_DEPTH: usize = 24;

/// Strings of a known value: a string, or a list of strings (other values are not IDs).
pub fn strings_of(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings_of).collect(),
        _ => Vec::new(),
    }
}

impl Ctx<'_> {
    /// The configuration object of a module instance's module (`root_module`, or
    /// `module_calls.<name>.module` down the path; instance keys are ignored).
    pub fn config_module(&self, module: &str) -> Option<&Value> {
        let mut m = self.plan.configuration.get("root_module")?;
        if module.is_empty() {
            return Some(m);
        }
        let segs = parse_traversal(module);
        let mut i = 0;
        while i < segs.len() {
            match (&segs[i], segs.get(i + 1)) {
                (Seg::Name(k), Some(Seg::Name(name))) if k == "module" => {
                    m = m.get("module_calls")?.get(name)?.get("module")?;
                    i += 2;
                }
                (Seg::Index(_), _) => i += 1,
                _ => return None,
            }
        }
        Some(m)
    }

    /// The configuration of the resource an instance belongs to.
    pub fn config_resource(&self, inst: &Inst) -> Option<&Map<String, Value>> {
        let m = self.config_module(&inst.module)?;
        let want = if inst.data {
            format!("data.{}", inst.config_address)
        } else {
            inst.config_address.clone()
        };
        m.get("resources")?
            .as_array()?
            .iter()
            .filter_map(Value::as_object)
            .find(|r| {
                r.get("address").and_then(Value::as_str) == Some(&want)
                    || r.get("address").and_then(Value::as_str) == Some(&inst.config_address)
            })
    }

    /// The configuration expression of `attr` of an instance.
    pub fn expr_of(&self, inst: &Inst, attr: &str) -> Option<&Value> {
        self.config_resource(inst)?.get("expressions")?.get(attr)
    }

    /// Resolve an expression (`{"constant_value": …}` or `{"references": […]}`) written in
    /// `module`, for an instance with key `index`.
    pub fn resolve_expr(
        &self,
        module: &str,
        from: Referrer<'_>,
        expr: &Value,
        want: Want,
        prefix: Option<&str>,
        depth: usize,
    ) -> Result<Vec<String>, String> {
        if depth > MAX_DEPTH {
            return Err("references nest too deeply".into());
        }
        if let Some(c) = expr.get("constant_value") {
            return Ok(strings_of(c));
        }
        let Some(refs) = expr.get("references").and_then(Value::as_array) else {
            return Err("the configuration has no expression for it".into());
        };
        let refs: Vec<&str> = refs.iter().filter_map(Value::as_str).collect();
        self.resolve_refs(module, from, &refs, want, prefix, depth)
    }

    fn resolve_refs(
        &self,
        module: &str,
        from: Referrer<'_>,
        refs: &[&str],
        want: Want,
        prefix: Option<&str>,
        depth: usize,
    ) -> Result<Vec<String>, String> {
        // Only an expression that uses the instance's own key (`count.index`, `each.*`) can
        // mean "the same index"; without one, an unindexed reference means every instance.
        let keyed = refs
            .iter()
            .any(|r| r.starts_with("count.index") || r.starts_with("each."));
        let from = if keyed { from } else { None };
        // Group the references by the object they name; keep the most specific of each.
        let mut groups: Vec<(String, Vec<Seg>)> = Vec::new();
        for r in refs {
            let segs = parse_traversal(r);
            let head = match segs.first() {
                Some(Seg::Name(h)) => h.as_str(),
                _ => continue,
            };
            let key = match head {
                "count" | "each" | "path" | "terraform" | "self" => continue,
                "var" | "local" => match segs.get(1) {
                    Some(Seg::Name(n)) => format!("{head}.{n}"),
                    _ => continue,
                },
                "module" => match (segs.get(1), segs.get(2), segs.get(3)) {
                    (Some(Seg::Name(m)), Some(Seg::Name(o)), _) => format!("module.{m}.{o}"),
                    (Some(Seg::Name(m)), Some(Seg::Index(_)), Some(Seg::Name(o))) => {
                        format!("module.{m}.{o}")
                    }
                    (Some(Seg::Name(m)), _, _) => format!("module.{m}"),
                    _ => continue,
                },
                "data" => match (segs.get(1), segs.get(2)) {
                    (Some(Seg::Name(t)), Some(Seg::Name(n))) => format!("data.{t}.{n}"),
                    _ => continue,
                },
                _ => match segs.get(1) {
                    Some(Seg::Name(n)) => format!("{head}.{n}"),
                    _ => continue,
                },
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, best)) if segs.len() > best.len() => *best = segs,
                Some(_) => {}
                None => groups.push((key, segs)),
            }
        }
        // `module.x` alone is only the module call when one of its outputs is named too.
        let outputs: Vec<String> = groups
            .iter()
            .filter(|(k, _)| k.starts_with("module.") && k.matches('.').count() == 2)
            .map(|(k, _)| {
                k.rsplit_once('.')
                    .map(|(m, _)| m.to_string())
                    .unwrap_or_default()
            })
            .collect();
        groups.retain(|(k, _)| !outputs.contains(k));
        if groups.is_empty() {
            return Err("the expression references nothing that names a resource".into());
        }
        let mut out: Vec<String> = Vec::new();
        for (key, segs) in &groups {
            let got = self.resolve_one(module, from, key, segs, want, prefix, depth)?;
            for g in got {
                if !out.contains(&g) {
                    out.push(g);
                }
            }
        }
        if want == Want::One && out.len() > 1 {
            return Err(format!(
                "the expression may be any of {} (not decidable from the plan)",
                out.join(", ")
            ));
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn resolve_one(
        &self,
        module: &str,
        from: Referrer<'_>,
        key: &str,
        segs: &[Seg],
        want: Want,
        prefix: Option<&str>,
        depth: usize,
    ) -> Result<Vec<String>, String> {
        let head = match segs.first() {
            Some(Seg::Name(h)) => h.as_str(),
            _ => return Err(format!("{key} cannot be resolved")),
        };
        match head {
            "local" => Err(format!(
                "{key} is a local value, which the plan's JSON configuration does not hold"
            )),
            "var" => {
                let Some(Seg::Name(name)) = segs.get(1) else {
                    return Err(format!("{key} cannot be resolved"));
                };
                if module.is_empty() {
                    let mut v = self.plan.variables.get(name);
                    for s in &segs[2..] {
                        v = match s {
                            Seg::Index(Value::Number(n)) => {
                                v.and_then(|x| x.get(n.as_u64().unwrap_or(u64::MAX) as usize))
                            }
                            Seg::Index(Value::String(k)) | Seg::Name(k) => v.and_then(|x| x.get(k)),
                            _ => None,
                        };
                    }
                    return match v {
                        Some(v) => Ok(strings_of(v)),
                        None => Err(format!("variable {name} has no such value in the plan")),
                    };
                }
                if segs.len() > 2 {
                    return Err(format!("{key}: parts of module variables are not resolved"));
                }
                // A module variable: the module call's argument, in the parent module.
                let (parent, call) = split_module(module);
                let Some(expr) = self
                    .config_module(&parent)
                    .and_then(|m| m.get("module_calls"))
                    .and_then(|c| c.get(&call))
                    .and_then(|c| c.get("expressions"))
                    .and_then(|e| e.get(name))
                else {
                    // Not set by the caller: the variable's default, if the module declares one.
                    let default = self
                        .config_module(module)
                        .and_then(|m| m.get("variables"))
                        .and_then(|v| v.get(name))
                        .and_then(|v| v.get("default"));
                    return match default {
                        Some(d) => Ok(strings_of(d)),
                        None => Err(format!("{module}: variable {name} is not set")),
                    };
                };
                self.resolve_expr(&parent, None, expr, want, prefix, depth + 1)
            }
            "module" => {
                let (Some(Seg::Name(m)), rest) = (segs.get(1), &segs[2..]) else {
                    return Err(format!("{key} cannot be resolved"));
                };
                let (child, rest) = match rest.first() {
                    Some(Seg::Index(k)) => (
                        join_module(module, &format!("module.{m}[{}]", key_text(k))),
                        &rest[1..],
                    ),
                    _ => (join_module(module, &format!("module.{m}")), rest),
                };
                let Some(Seg::Name(output)) = rest.first() else {
                    return Err(format!("{key}: a whole module is not a value"));
                };
                // `module.vpc.private_subnets[0]`: one element of a list output.
                let element = match rest.get(1) {
                    Some(Seg::Index(Value::Number(n))) => n.as_u64(),
                    Some(_) => {
                        return Err(format!(
                            "{key}: only list elements of an output are resolved"
                        ));
                    }
                    None => None,
                };
                let Some(expr) = self
                    .config_module(&child)
                    .and_then(|c| c.get("outputs"))
                    .and_then(|o| o.get(output))
                    .and_then(|o| o.get("expression"))
                else {
                    return Err(format!(
                        "{child} has no output {output} in the configuration"
                    ));
                };
                let mut child = child;
                if !self
                    .plan
                    .insts
                    .iter()
                    .any(|i| i.module == child || i.module.starts_with(&format!("{child}.")))
                {
                    // A module with `count`/`for_each`: unambiguous only with one instance.
                    let mut keyed: Vec<String> = self
                        .plan
                        .insts
                        .iter()
                        .filter(|i| i.module.starts_with(&format!("{child}[")))
                        .filter_map(|i| {
                            let rest = &i.module[child.len()..];
                            rest.find(']').map(|e| format!("{child}{}", &rest[..=e]))
                        })
                        .collect();
                    keyed.sort();
                    keyed.dedup();
                    match keyed.as_slice() {
                        [] => {}
                        [one] => child = one.clone(),
                        _ => {
                            return Err(format!(
                                "{child} has several instances; which one is meant is not decidable"
                            ));
                        }
                    }
                }
                let got = match element {
                    None => self.resolve_expr(&child, None, expr, want, prefix, depth + 1),
                    Some(n) => self
                        .resolve_expr(&child, None, expr, Want::Many, prefix, depth + 1)
                        .and_then(|all| {
                            all.get(n as usize)
                                .cloned()
                                .map(|v| vec![v])
                                .ok_or_else(|| {
                                    format!("the output has {} elements, not {}", all.len(), n + 1)
                                })
                        }),
                };
                got.map_err(|e| format!("{child}.{output}: {e}"))
            }
            _ => {
                let (data, rest) = if head == "data" {
                    (true, &segs[1..])
                } else {
                    (false, segs)
                };
                let (Some(Seg::Name(t)), Some(Seg::Name(n))) = (rest.first(), rest.get(1)) else {
                    return Err(format!("{key} cannot be resolved"));
                };
                let config_address = format!("{t}.{n}");
                let mut rest = &rest[2..];
                let mut idx = None;
                if let Some(Seg::Index(k)) = rest.first() {
                    idx = Some(k.clone());
                    rest = &rest[1..];
                }
                if data && t == "terraform_remote_state" {
                    return self.remote_output(module, n, rest);
                }
                let attr = match rest.first() {
                    Some(Seg::Name(a)) => a.clone(),
                    _ => "id".to_string(),
                };
                let insts: Vec<&Inst> = self
                    .plan
                    .insts
                    .iter()
                    .filter(|i| {
                        i.module == module
                            && i.data == data
                            && i.config_address == config_address
                            && i.action != super::plan::Action::Delete
                    })
                    .collect();
                let chosen: Vec<&Inst> = match &idx {
                    Some(k) => insts
                        .iter()
                        .copied()
                        .filter(|i| i.index.as_ref() == Some(k))
                        .collect(),
                    None if insts.len() == 1 => insts.clone(),
                    None if want == Want::Many && from.is_none() => insts.clone(),
                    None if insts.is_empty() => Vec::new(),
                    None => {
                        // `element(aws_x.y[*].id, count.index)`: the same index, when both
                        // sides have as many instances.
                        let same = from.and_then(|(k, _)| {
                            insts.iter().copied().find(|i| i.index.as_ref() == Some(k))
                        });
                        let siblings = self.siblings(module, from);
                        match same {
                            Some(s) if siblings == Some(insts.len()) => vec![s],
                            _ => {
                                return Err(format!(
                                    "{key} has {} instances; which one is meant is not decidable",
                                    insts.len()
                                ));
                            }
                        }
                    }
                };
                if chosen.is_empty() {
                    // A resource whose `count` is 0 has no instances; one the configuration
                    // does not declare is a reference the plan cannot answer.
                    let declared = self
                        .config_module(module)
                        .and_then(|m| m.get("resources"))
                        .and_then(Value::as_array)
                        .is_some_and(|rs| {
                            rs.iter().any(|r| {
                                r.get("address").and_then(Value::as_str)
                                    == Some(if data { key } else { config_address.as_str() })
                            })
                        });
                    if want == Want::Many && idx.is_none() && declared {
                        return Ok(Vec::new());
                    }
                    return Err(format!(
                        "{}{key}{} is not in the plan",
                        if module.is_empty() {
                            String::new()
                        } else {
                            format!("{module}.")
                        },
                        idx.as_ref()
                            .map(|k| format!("[{}]", key_text(k)))
                            .unwrap_or_default()
                    ));
                }
                let mut chosen = chosen;
                chosen.sort_by(|a, b| index_order(a.index.as_ref(), b.index.as_ref()));
                let mut out = Vec::new();
                for i in chosen {
                    // A resource of another kind (the other branch of a conditional, another
                    // block's target) is not what this field holds.
                    if attr == "id"
                        && let (Some(p), Some(q)) = (prefix, super::prefix_of(&i.rtype))
                        && !compatible(p, q)
                    {
                        continue;
                    }
                    out.extend(self.attr_of(i, &attr, want, prefix, depth + 1)?);
                }
                Ok(out)
            }
        }
    }

    /// `data.terraform_remote_state.<n>.outputs.<output>[i]`: the output of another plan of
    /// the deployment (the one plan given that has an output of this name; several are told
    /// apart by the data source's `config` naming the plan's file or directory), else the value
    /// read at plan time, else open.
    fn remote_output(&self, module: &str, n: &str, rest: &[Seg]) -> Result<Vec<String>, String> {
        let what = format!("data.terraform_remote_state.{n}");
        let (Some(Seg::Name(o)), Some(Seg::Name(output))) = (rest.first(), rest.get(1)) else {
            return Err(format!("{what}: only its outputs name resources"));
        };
        if o != "outputs" {
            return Err(format!("{what}.{o} names no resource"));
        }
        let element = match rest.get(2) {
            Some(Seg::Index(Value::Number(k))) => k.as_u64(),
            _ => None,
        };
        let pick = |all: Vec<String>| -> Result<Vec<String>, String> {
            match element {
                None => Ok(all),
                Some(k) => all.get(k as usize).map(|v| vec![v.clone()]).ok_or_else(|| {
                    format!(
                        "{what}.outputs.{output} has {} elements, not {}",
                        all.len(),
                        k + 1
                    )
                }),
            }
        };
        let inst = self.plan.insts.iter().find(|i| {
            i.module == module
                && i.data
                && i.config_address == format!("terraform_remote_state.{n}")
        });
        let mut cands: Vec<&(std::path::PathBuf, Result<Vec<String>, String>)> = self
            .remote
            .get(output)
            .map(|v| v.iter().filter(|(p, _)| p != self.path).collect())
            .unwrap_or_default();
        if cands.len() > 1 {
            // The backend's settings (`path`, `key`, `workspace`…) name the workspace it reads.
            let config: Vec<String> = inst
                .and_then(|i| self.expr_of(i, "config"))
                .and_then(|e| e.get("constant_value"))
                .map(strings_of)
                .unwrap_or_default();
            let named = |p: &std::path::Path| {
                let names = [
                    p.file_stem().map(|s| s.to_string_lossy().into_owned()),
                    p.parent()
                        .and_then(|d| d.file_name())
                        .map(|s| s.to_string_lossy().into_owned()),
                ];
                names
                    .iter()
                    .flatten()
                    .any(|n| config.iter().any(|c| c.contains(n.as_str())))
            };
            cands.retain(|(p, _)| named(p));
        }
        if let [(p, _)] = cands.as_slice() {
            // The plan that gives the output is built first.
            self.used.borrow_mut().insert(p.display().to_string());
        }
        match cands.as_slice() {
            [(_, Ok(ids))] => pick(ids.clone()),
            [(p, Err(e))] => Err(format!(
                "{what}.outputs.{output} (the output of {}) is open: {e}",
                p.display()
            )),
            [] => {
                if let Some(i) = inst
                    && !i.is_unknown("outputs")
                    && let Some(v) = i.values.get("outputs").and_then(|o| o.get(output))
                    && !v.is_null()
                {
                    return pick(strings_of(v));
                }
                Err(format!(
                    "{what}.outputs.{output}: no given plan has an output {output} (give the plan of the workspace it reads)"
                ))
            }
            _ => Err(format!(
                "{what}.outputs.{output}: several given plans have an output {output} and its config names none of them"
            )),
        }
    }

    /// How many instances the resource of the referring instance has (for same-index
    /// resolution): the instances in `module` whose config address is the referrer's.
    fn siblings(&self, module: &str, from: Referrer<'_>) -> Option<usize> {
        let (_, ca) = from?;
        Some(
            self.plan
                .insts
                .iter()
                .filter(|i| {
                    i.module == module
                        && i.config_address == ca
                        && !i.data
                        && i.action != super::plan::Action::Delete
                })
                .count(),
        )
    }

    /// The value of `attr` of another instance: known in the plan, its (planned) ID, what AWS
    /// creates with a VPC, or — known only after apply — its own expression, resolved.
    pub fn attr_of(
        &self,
        inst: &Inst,
        attr: &str,
        want: Want,
        prefix: Option<&str>,
        depth: usize,
    ) -> Result<Vec<String>, String> {
        if depth > MAX_DEPTH {
            return Err("references nest too deeply".into());
        }
        if attr == "id" || (inst.rtype == "aws_eip" && attr == "allocation_id") {
            return self.id_of(inst);
        }
        if !inst.is_unknown(attr)
            && let Some(v) = inst.values.get(attr)
            && !v.is_null()
        {
            return Ok(strings_of(v));
        }
        if inst.rtype == "aws_vpc_endpoint" && attr == "prefix_list_id" {
            let service = inst.values.get("service_name").and_then(Value::as_str);
            return self
                .b
                .snap
                .prefix_lists
                .iter()
                .find(|p| p.prefix_list_name.as_deref() == service && service.is_some())
                .map(|p| vec![p.prefix_list_id.clone()])
                .ok_or_else(|| {
                    format!(
                        "{}.prefix_list_id: the prefix list of {} is not known without --base",
                        inst.address,
                        service.unwrap_or("its service")
                    )
                });
        }
        if inst.rtype == "aws_vpc"
            && let Some(d) = vpc_default_attr(attr)
        {
            let vpc = self.id_of(inst)?;
            return Ok(vpc.iter().map(|v| super::vpc_default_id(v, d)).collect());
        }
        let Some(expr) = self.expr_of(inst, attr) else {
            return Err(format!("{}.{attr} is known only after apply", inst.address));
        };
        self.resolve_expr(&inst.module, referrer(inst), expr, want, prefix, depth + 1)
            .map_err(|e| format!("{}.{attr}: {e}", inst.address))
    }
}

/// Whether a field that holds IDs of kind `want` may name a resource whose IDs are `got`
/// (`gateway_id` names internet, virtual private and endpoint gateways alike).
fn compatible(want: &str, got: &str) -> bool {
    want == got || (want == "igw" && matches!(got, "vpce" | "vgw"))
}

/// Which of AWS's per-VPC defaults an attribute of `aws_vpc` names.
pub fn vpc_default_attr(attr: &str) -> Option<&'static str> {
    match attr {
        "default_route_table_id" | "main_route_table_id" => Some("rtb"),
        "default_network_acl_id" => Some("acl"),
        "default_security_group_id" => Some("sg"),
        _ => None,
    }
}

/// Instances in key order (numbers numerically, strings as `for_each` orders them).
fn index_order(a: Option<&Value>, b: Option<&Value>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            x.as_i64().unwrap_or(0).cmp(&y.as_i64().unwrap_or(0))
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        _ => std::cmp::Ordering::Equal,
    }
}

/// `module.a.module.b` → (`module.a`, `b`).
fn split_module(module: &str) -> (String, String) {
    let segs = parse_traversal(module);
    let mut last = String::new();
    let mut cut = 0;
    for (i, s) in segs.iter().enumerate() {
        if let (Seg::Name(k), Some(Seg::Name(n))) = (s, segs.get(i + 1))
            && k == "module"
        {
            last = n.clone();
            cut = i;
        }
    }
    let parent = render(&segs[..cut]);
    (parent, last)
}

fn render(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Name(n) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(n);
            }
            Seg::Index(k) => s.push_str(&format!("[{}]", key_text(k))),
        }
    }
    s
}

fn join_module(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversals_parse_with_keys_holding_dots() {
        assert_eq!(
            parse_traversal("module.vpc.aws_subnet.private[\"10.0.1.0/24\"].id"),
            vec![
                Seg::Name("module".into()),
                Seg::Name("vpc".into()),
                Seg::Name("aws_subnet".into()),
                Seg::Name("private".into()),
                Seg::Index(Value::String("10.0.1.0/24".into())),
                Seg::Name("id".into()),
            ]
        );
        assert_eq!(
            parse_traversal("aws_x.y[3]"),
            vec![
                Seg::Name("aws_x".into()),
                Seg::Name("y".into()),
                Seg::Index(Value::from(3))
            ]
        );
        // Malformed text never panics.
        for s in ["[", "a[\"", "]]..[", "\"", "a[1"] {
            let _ = parse_traversal(s);
        }
        assert_eq!(
            split_module("module.a[\"x\"].module.b"),
            ("module.a[\"x\"]".to_string(), "b".to_string())
        );
    }
}
