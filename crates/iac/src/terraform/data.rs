//! Data sources: lookups, not resources. Their values read at plan time (in the planned or prior
//! state) are used as they are; one read only at apply is looked up in `--base` by its
//! arguments (`id`, `name`, `vpc_id`, `cidr_block`, `tags`, `filter` blocks), and must match
//! exactly one resource there. Without `--base` and without values it stays open.

use std::collections::BTreeMap;

use serde_json::Value;
use vpcreach_aws::snapshot::{PrefixList, Tag};

use super::Ctx;
use super::plan::Inst;

/// One resource of the base snapshot, as a data source's arguments see it.
struct Candidate {
    id: String,
    attrs: BTreeMap<&'static str, String>,
    tags: Vec<Tag>,
}

/// The ID a data source yields.
pub fn id_of(ctx: &Ctx<'_>, inst: &Inst) -> Result<String, String> {
    if !inst.is_unknown("id")
        && let Some(id) = inst.values.get("id").and_then(Value::as_str)
    {
        return Ok(id.to_string());
    }
    let Some(base) = ctx.lookup else {
        return Err(format!(
            "{} is read only at apply, and without --base it cannot be looked up",
            inst.address
        ));
    };
    let cands: Vec<Candidate> = match inst.rtype.as_str() {
        "aws_subnet" => base
            .subnets
            .iter()
            .map(|s| Candidate {
                id: s.subnet_id.clone(),
                attrs: [
                    ("id", Some(s.subnet_id.clone())),
                    ("vpc_id", Some(s.vpc_id.clone())),
                    ("cidr_block", s.cidr_block.clone()),
                    ("availability_zone", s.availability_zone.clone()),
                    ("availability_zone_id", s.availability_zone_id.clone()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
                tags: s.tags.clone(),
            })
            .collect(),
        "aws_vpc" => base
            .vpcs
            .iter()
            .map(|v| Candidate {
                id: v.vpc_id.clone(),
                attrs: [
                    ("id", Some(v.vpc_id.clone())),
                    ("cidr_block", v.cidr_block.clone()),
                    ("default", v.is_default.map(|d| d.to_string())),
                    ("dhcp_options_id", v.dhcp_options_id.clone()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
                tags: v.tags.clone(),
            })
            .collect(),
        "aws_security_group" => base
            .security_groups
            .iter()
            .map(|g| Candidate {
                id: g.group_id.clone(),
                attrs: [
                    ("id", Some(g.group_id.clone())),
                    ("name", g.group_name.clone()),
                    ("vpc_id", g.vpc_id.clone()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
                tags: g.tags.clone(),
            })
            .collect(),
        "aws_route_table" => {
            let mut out = Vec::new();
            for r in &base.route_tables {
                let subnets: Vec<String> = r
                    .associations
                    .iter()
                    .filter_map(|a| a.subnet_id.clone())
                    .collect();
                let gateways: Vec<String> = r
                    .associations
                    .iter()
                    .filter_map(|a| a.gateway_id.clone())
                    .collect();
                let mut attrs: BTreeMap<&'static str, String> = BTreeMap::new();
                attrs.insert("id", r.route_table_id.clone());
                attrs.insert("route_table_id", r.route_table_id.clone());
                attrs.insert("vpc_id", r.vpc_id.clone());
                // A subnet without an explicit association uses the main table; a lookup by
                // subnet is answered only from explicit associations (else no match).
                attrs.insert("subnet_id", subnets.join(" "));
                attrs.insert("gateway_id", gateways.join(" "));
                out.push(Candidate {
                    id: r.route_table_id.clone(),
                    attrs,
                    tags: r.tags.clone(),
                });
            }
            out
        }
        "aws_prefix_list" | "aws_ec2_managed_prefix_list" => base
            .prefix_lists
            .iter()
            .map(|p| Candidate {
                id: p.prefix_list_id.clone(),
                attrs: [
                    ("id", Some(p.prefix_list_id.clone())),
                    ("prefix_list_id", Some(p.prefix_list_id.clone())),
                    ("name", p.prefix_list_name.clone()),
                ]
                .into_iter()
                .filter_map(|(k, v)| v.map(|v| (k, v)))
                .collect(),
                tags: Vec::new(),
            })
            .collect(),
        other => {
            return Err(format!(
                "{}: data source {other} is not looked up in --base",
                inst.address
            ));
        }
    };
    let mut matching: Vec<&Candidate> = cands.iter().collect();
    let mut any_arg = false;
    for (k, v) in &inst.values {
        if inst.is_unknown(k) {
            return Err(format!(
                "{}: argument {k} is known only after apply",
                inst.address
            ));
        }
        match (k.as_str(), v) {
            (_, Value::Null) => {}
            ("tags", Value::Object(t)) => {
                for (tk, tv) in t {
                    let Some(tv) = tv.as_str() else { continue };
                    any_arg = true;
                    matching.retain(|c| c.tags.iter().any(|x| &x.key == tk && x.value == tv));
                }
            }
            ("filter", Value::Array(fs)) => {
                for f in fs {
                    let (Some(name), Some(values)) = (
                        f.get("name").and_then(Value::as_str),
                        f.get("values").and_then(Value::as_array),
                    ) else {
                        continue;
                    };
                    any_arg = true;
                    let values: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
                    let check = |c: &Candidate| -> Result<bool, String> {
                        let got: Vec<String> = if let Some(tk) = name.strip_prefix("tag:") {
                            c.tags
                                .iter()
                                .filter(|t| t.key == tk)
                                .map(|t| t.value.clone())
                                .collect()
                        } else {
                            let key = match name {
                                "vpc-id" => "vpc_id",
                                "subnet-id" | "association.subnet-id" => {
                                    if inst.rtype == "aws_route_table" {
                                        "subnet_id"
                                    } else {
                                        "id"
                                    }
                                }
                                "cidr-block"
                                | "cidr"
                                | "cidrBlock"
                                | "cidr-block-association.cidr-block" => "cidr_block",
                                "availability-zone" | "availabilityZone" => "availability_zone",
                                "group-name" | "prefix-list-name" => "name",
                                "group-id" | "prefix-list-id" | "route-table-id" => "id",
                                "isDefault" | "is-default" => "default",
                                other => {
                                    return Err(format!(
                                        "{}: filter {other} is not supported",
                                        inst.address
                                    ));
                                }
                            };
                            c.attrs
                                .get(key)
                                .map(|v| v.split(' ').map(String::from).collect())
                                .unwrap_or_default()
                        };
                        Ok(got.iter().any(|g| values.iter().any(|p| glob(p, g))))
                    };
                    let mut keep = Vec::new();
                    for c in matching {
                        if check(c)? {
                            keep.push(c);
                        }
                    }
                    matching = keep;
                }
            }
            (
                "id"
                | "name"
                | "vpc_id"
                | "cidr_block"
                | "availability_zone"
                | "availability_zone_id"
                | "route_table_id"
                | "subnet_id"
                | "gateway_id"
                | "prefix_list_id",
                Value::String(s),
            ) if !s.is_empty() => {
                any_arg = true;
                matching.retain(|c| {
                    c.attrs
                        .get(k.as_str())
                        .is_some_and(|v| v.split(' ').any(|x| x == s))
                });
            }
            ("default", Value::Bool(b)) => {
                any_arg = true;
                matching.retain(|c| c.attrs.get("default") == Some(&b.to_string()));
            }
            _ => {}
        }
    }
    if !any_arg {
        return Err(format!(
            "{}: no argument to look it up by is known",
            inst.address
        ));
    }
    match matching.as_slice() {
        [one] => {
            // A resource another plan of the deployment creates: that plan is built first.
            if let Some(f) = base
                .planned_resources
                .iter()
                .find(|p| p.id == one.id)
                .and_then(|p| p.file.clone())
            {
                ctx.used.borrow_mut().insert(f);
            }
            Ok(one.id.clone())
        }
        [] => Err(format!(
            "{}: nothing in --base matches its arguments",
            inst.address
        )),
        many => Err(format!(
            "{}: several resources in --base match its arguments ({})",
            inst.address,
            many.iter()
                .map(|c| c.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// `*` and `?` wildcards, as EC2 filters accept them.
fn glob(pattern: &str, s: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = s.chars().collect();
    let (mut i, mut j, mut star, mut mark) = (0usize, 0usize, None::<usize>, 0usize);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(st) = star {
            i = st + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    while i < p.len() && p[i] == '*' {
        i += 1;
    }
    i == p.len()
}

/// Prefix lists that data sources read at plan time (`aws_prefix_list` with `cidr_blocks`,
/// `aws_ec2_managed_prefix_list` with `entries`) and the snapshot lacks.
pub fn add_prefix_lists(ctx: &mut Ctx<'_>) {
    for inst in &ctx.plan.insts {
        if !inst.data {
            continue;
        }
        let (cidrs, owner, family) = match inst.rtype.as_str() {
            "aws_prefix_list" => (
                inst.values
                    .get("cidr_blocks")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(String::from)
                            .collect::<Vec<_>>()
                    }),
                Some("AWS".to_string()),
                None,
            ),
            "aws_ec2_managed_prefix_list" => (
                inst.values
                    .get("entries")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|e| e.get("cidr").and_then(Value::as_str))
                            .map(String::from)
                            .collect::<Vec<_>>()
                    }),
                inst.values
                    .get("owner_id")
                    .and_then(Value::as_str)
                    .map(String::from),
                inst.values
                    .get("address_family")
                    .and_then(Value::as_str)
                    .map(String::from),
            ),
            _ => continue,
        };
        let Some(id) = inst.values.get("id").and_then(Value::as_str) else {
            continue;
        };
        if inst.is_unknown("id") || inst.is_unknown("cidr_blocks") || inst.is_unknown("entries") {
            continue;
        }
        if ctx
            .b
            .snap
            .prefix_lists
            .iter()
            .any(|p| p.prefix_list_id == id)
        {
            continue;
        }
        ctx.b.snap.prefix_lists.push(PrefixList {
            prefix_list_id: id.to_string(),
            prefix_list_name: inst
                .values
                .get("name")
                .and_then(Value::as_str)
                .map(String::from),
            cidrs,
            address_family: family,
            owner_id: owner,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn filters_match_wildcards() {
        assert!(glob("private-*", "private-a"));
        assert!(glob("*", ""));
        assert!(glob("a?c", "abc"));
        assert!(!glob("private-*", "public-a"));
    }
}
