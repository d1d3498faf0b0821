//! Security groups and their rules, network ACLs, their entries and associations, and managed
//! prefix lists.
//!
//! Terraform behaviour relied on (AWS provider documentation,
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs>):
//! - `aws_security_group`: "By default, AWS creates an ALLOW ALL egress rule when creating a new
//!   Security Group inside of a VPC. When creating a new Security Group inside a VPC, Terraform
//!   will remove this default rule" (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/security_group>): a managed group without
//!   `egress` has no egress rule (unless separate rule resources add some).
//! - `aws_default_security_group` and `aws_default_network_acl` adopt the VPC's defaults and
//!   replace all their rules/entries with those configured (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_security_group>,
//!   <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_network_acl>).
//! - `aws_security_group_rule` `type` is `ingress` or `egress`; `aws_network_acl_rule` `egress`
//!   defaults to false (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/network_acl_rule>).

use serde_json::{Map, Value};
use vpcreach_aws::snapshot::{
    AclPortRange, IcmpTypeCode, IpPermission, IpRange, Ipv6Range, NetworkAcl,
    NetworkAclAssociation, NetworkAclEntry, PrefixList, PrefixListIdRef, SecurityGroup,
    UserIdGroupPair,
};

use super::Ctx;
use super::network::{missing, tags_of};
use super::plan::Inst;
use crate::PlanError;
use crate::common::upsert;

pub fn build(ctx: &mut Ctx<'_>) -> Result<(), PlanError> {
    for inst in ctx.of_types(&["aws_ec2_managed_prefix_list"]) {
        prefix_list(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_ec2_managed_prefix_list_entry"]) {
        let pl = ctx.required(inst, "prefix_list_id", "pl")?;
        let id = ctx.own_id(inst);
        ctx.mark(&id, inst);
        let Some(cidr) = ctx.scalar_plain(inst, "cidr")? else {
            ctx.b
                .unresolved(&inst.address, "cidr", "known only after apply");
            if let Some(p) = ctx
                .b
                .snap
                .prefix_lists
                .iter_mut()
                .find(|p| p.prefix_list_id == pl)
            {
                p.cidrs = None;
            }
            continue;
        };
        match ctx
            .b
            .snap
            .prefix_lists
            .iter_mut()
            .find(|p| p.prefix_list_id == pl)
        {
            Some(p) => {
                if let Some(c) = &mut p.cidrs
                    && !c.contains(&cidr)
                {
                    c.push(cidr);
                }
            }
            None => missing(ctx, inst, "prefix_list_id", &pl),
        }
    }
    for inst in ctx.of_types(&["aws_security_group", "aws_default_security_group"]) {
        security_group(ctx, inst)?;
    }
    for inst in ctx.of_types(&[
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ]) {
        sg_rule(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_network_acl", "aws_default_network_acl"]) {
        network_acl(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_network_acl_rule"]) {
        let acl = ctx.required(inst, "network_acl_id", "acl")?;
        let id = ctx.own_id(inst);
        ctx.mark(&id, inst);
        let Some(e) = acl_entry(ctx, inst, &inst.values.clone(), None)? else {
            ctx.b.remove(&acl);
            continue;
        };
        match ctx
            .b
            .snap
            .network_acls
            .iter_mut()
            .find(|a| a.network_acl_id == acl)
        {
            Some(a) => {
                a.entries
                    .retain(|x| !(x.rule_number == e.rule_number && x.egress == e.egress));
                a.entries.push(e);
            }
            None => missing(ctx, inst, "network_acl_id", &acl),
        }
    }
    for inst in ctx.of_types(&["aws_network_acl_association"]) {
        let acl = ctx.required(inst, "network_acl_id", "acl")?;
        let subnet = ctx.required(inst, "subnet_id", "subnet")?;
        let id = ctx.own_id(inst);
        ctx.mark(&id, inst);
        associate_acl(ctx, inst, &acl, &subnet, Some(id));
    }
    Ok(())
}

fn prefix_list(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let present = ctx
        .b
        .snap
        .prefix_lists
        .iter()
        .any(|p| p.prefix_list_id == id);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let cidrs = match ctx.blocks(inst, "entry")? {
        Some(items) => {
            let mut out = Vec::new();
            let mut open = false;
            for item in &items {
                match ctx.block_str(inst, "entry", item, "cidr", "cidr")? {
                    Some(c) if !c.contains("-unresolved:") => out.push(c),
                    Some(_) => open = true,
                    None => {}
                }
            }
            (!open).then_some(out)
        }
        None => {
            ctx.b.unresolved(
                &inst.address,
                "entry",
                "the entries are known only after apply",
            );
            None
        }
    };
    let pl = PrefixList {
        prefix_list_id: id.clone(),
        prefix_list_name: ctx.scalar_plain(inst, "name")?,
        cidrs,
        address_family: ctx.scalar_plain(inst, "address_family")?,
        owner_id: None,
    };
    upsert(&mut ctx.b.snap.prefix_lists, pl, |p| &p.prefix_list_id);
    ctx.mark(&id, inst);
    Ok(())
}

/// The ID of the default security group of a VPC in the planned state.
fn default_sg_of(ctx: &Ctx<'_>, vpc_id: &str) -> Option<String> {
    ctx.b
        .snap
        .security_groups
        .iter()
        .find(|g| g.vpc_id.as_deref() == Some(vpc_id) && g.group_name.as_deref() == Some("default"))
        .map(|g| g.group_id.clone())
}

fn security_group(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let default = inst.rtype == "aws_default_security_group";
    let vpc_id = ctx.scalar(inst, "vpc_id", "vpc")?;
    let id = if default {
        let known = ctx.ids.get(&inst.address).cloned();
        match known.filter(|k| !k.contains("-tf:aws_default_security_group")) {
            Some(k) => k,
            None => match vpc_id.as_deref().and_then(|v| default_sg_of(ctx, v)) {
                Some(k) => k,
                None => {
                    ctx.b.unresolved(
                        &inst.address,
                        "vpc_id",
                        "the VPC whose default security group this adopts is not known",
                    );
                    return Ok(());
                }
            },
        }
    } else {
        ctx.own_id(inst)
    };
    let old = ctx
        .b
        .snap
        .security_groups
        .iter()
        .find(|g| g.group_id == id)
        .cloned();
    if ctx.kept_from_base(inst, old.is_some()) {
        return Ok(());
    }
    let mut perms = [Vec::new(), Vec::new()];
    for (k, attr) in ["ingress", "egress"].into_iter().enumerate() {
        let Some(items) = ctx.blocks(inst, attr)? else {
            ctx.b.unresolved(
                &inst.address,
                attr,
                "the rules are known only after apply; the security group is left out",
            );
            ctx.b.remove(&id);
            return Ok(());
        };
        for item in &items {
            let p = inline_rule(ctx, inst, attr, item, &id)?;
            if !perms[k].contains(&p) {
                perms[k].push(p);
            }
        }
    }
    let [ingress, egress] = perms;
    let name = if default {
        Some("default".to_string())
    } else {
        ctx.scalar_plain(inst, "name")?
    };
    let g = SecurityGroup {
        group_id: id.clone(),
        group_name: name.or(old.as_ref().and_then(|o| o.group_name.clone())),
        vpc_id: vpc_id.or(old.as_ref().and_then(|o| o.vpc_id.clone())),
        ip_permissions: ingress,
        ip_permissions_egress: egress,
        tags: tags_of(inst),
    };
    if let Some(v) = &g.vpc_id
        && !v.contains("-unresolved:")
        && !ctx.b.snap.vpcs.iter().any(|x| &x.vpc_id == v)
    {
        missing(ctx, inst, "vpc_id", &v.clone());
    }
    upsert(&mut ctx.b.snap.security_groups, g, |g| &g.group_id);
    ctx.mark(&id, inst);
    Ok(())
}

/// Protocol as AWS prints it in a security group rule.
fn sg_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.into(),
    }
}

/// A permission with no addresses yet.
fn permission(
    ctx: &Ctx<'_>,
    inst: &Inst,
    at: &str,
    values: &Map<String, Value>,
    proto_key: &str,
) -> Result<IpPermission, PlanError> {
    let proto = match values.get(proto_key) {
        Some(Value::String(s)) => sg_protocol(s),
        Some(Value::Number(n)) => sg_protocol(&n.to_string()),
        _ => {
            return Err(PlanError::invalid(
                ctx.path,
                format!("{}.{at}{proto_key}", inst.address),
                "missing or not a protocol",
            ));
        }
    };
    let all = proto == "-1";
    let from = ctx.number(inst, &format!("{at}from_port"), values.get("from_port"))?;
    let to = ctx.number(inst, &format!("{at}to_port"), values.get("to_port"))?;
    Ok(IpPermission {
        ip_protocol: proto,
        from_port: if all { None } else { from },
        to_port: if all { None } else { to },
        ..IpPermission::default()
    })
}

fn add_sources(
    p: &mut IpPermission,
    v4: Vec<String>,
    v6: Vec<String>,
    pls: Vec<String>,
    groups: Vec<String>,
) {
    for c in v4 {
        p.ip_ranges.push(IpRange {
            cidr_ip: c,
            description: None,
        });
    }
    for c in v6 {
        p.ipv6_ranges.push(Ipv6Range {
            cidr_ipv6: c,
            description: None,
        });
    }
    for c in pls {
        p.prefix_list_ids.push(PrefixListIdRef {
            prefix_list_id: c,
            description: None,
        });
    }
    for g in groups {
        if !p
            .user_id_group_pairs
            .iter()
            .any(|x| x.group_id.as_deref() == Some(&g))
        {
            p.user_id_group_pairs.push(UserIdGroupPair {
                group_id: Some(g),
                ..UserIdGroupPair::default()
            });
        }
    }
}

fn inline_rule(
    ctx: &mut Ctx<'_>,
    inst: &Inst,
    attr: &str,
    item: &(Map<String, Value>, Value),
    own: &str,
) -> Result<IpPermission, PlanError> {
    let mut p = permission(ctx, inst, &format!("{attr}."), &item.0, "protocol")?;
    let v4 = ctx.block_list(inst, attr, item, "cidr_blocks", "cidr")?;
    let v6 = ctx.block_list(inst, attr, item, "ipv6_cidr_blocks", "cidr")?;
    let pls = ctx.block_list(inst, attr, item, "prefix_list_ids", "pl")?;
    let mut groups = ctx.block_list(inst, attr, item, "security_groups", "sg")?;
    if item.0.get("self").and_then(Value::as_bool) == Some(true) {
        groups.push(own.to_string());
    }
    add_sources(&mut p, v4, v6, pls, groups);
    Ok(p)
}

/// A separate rule resource as (egress, security group, permission).
fn rule_of(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(bool, String, IpPermission), PlanError> {
    let sg = ctx.required(inst, "security_group_id", "sg")?;
    match inst.rtype.as_str() {
        "aws_security_group_rule" => {
            let egress = match inst.values.get("type").and_then(Value::as_str) {
                Some("egress") => true,
                Some("ingress") => false,
                _ => {
                    return Err(PlanError::invalid(
                        ctx.path,
                        format!("{}.type", inst.address),
                        "not ingress or egress",
                    ));
                }
            };
            let mut p = permission(ctx, inst, "", &inst.values, "protocol")?;
            let v4 = ctx.list(inst, "cidr_blocks", "cidr")?;
            let v6 = ctx.list(inst, "ipv6_cidr_blocks", "cidr")?;
            let pls = ctx.list(inst, "prefix_list_ids", "pl")?;
            let mut groups: Vec<String> = ctx
                .scalar(inst, "source_security_group_id", "sg")?
                .into_iter()
                .collect();
            if inst.values.get("self").and_then(Value::as_bool) == Some(true) {
                groups.push(sg.clone());
            }
            add_sources(&mut p, v4, v6, pls, groups);
            Ok((egress, sg, p))
        }
        _ => {
            let egress = inst.rtype == "aws_vpc_security_group_egress_rule";
            let mut p = permission(ctx, inst, "", &inst.values, "ip_protocol")?;
            let v4 = ctx.scalar(inst, "cidr_ipv4", "cidr")?.into_iter().collect();
            let v6 = ctx.scalar(inst, "cidr_ipv6", "cidr")?.into_iter().collect();
            let pls = ctx
                .scalar(inst, "prefix_list_id", "pl")?
                .into_iter()
                .collect();
            let groups = ctx
                .scalar(inst, "referenced_security_group_id", "sg")?
                .into_iter()
                .collect();
            add_sources(&mut p, v4, v6, pls, groups);
            Ok((egress, sg, p))
        }
    }
}

fn sg_rule(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let (egress, sg, p) = rule_of(ctx, inst)?;
    let id = ctx.own_id(inst);
    ctx.mark(&id, inst);
    match ctx
        .b
        .snap
        .security_groups
        .iter_mut()
        .find(|g| g.group_id == sg)
    {
        Some(g) => {
            let list = if egress {
                &mut g.ip_permissions_egress
            } else {
                &mut g.ip_permissions
            };
            if !list.contains(&p) {
                list.push(p);
            }
        }
        None => missing(ctx, inst, "security_group_id", &sg),
    }
    Ok(())
}

/// Remove a permission's sources from a list of permissions (AWS groups the sources of equal
/// protocol and ports in one permission).
fn subtract(list: &mut Vec<IpPermission>, p: &IpPermission) {
    for q in list.iter_mut() {
        if q.ip_protocol != p.ip_protocol || q.from_port != p.from_port || q.to_port != p.to_port {
            continue;
        }
        q.ip_ranges
            .retain(|r| !p.ip_ranges.iter().any(|x| x.cidr_ip == r.cidr_ip));
        q.ipv6_ranges
            .retain(|r| !p.ipv6_ranges.iter().any(|x| x.cidr_ipv6 == r.cidr_ipv6));
        q.prefix_list_ids.retain(|r| {
            !p.prefix_list_ids
                .iter()
                .any(|x| x.prefix_list_id == r.prefix_list_id)
        });
        q.user_id_group_pairs.retain(|r| {
            !p.user_id_group_pairs
                .iter()
                .any(|x| x.group_id == r.group_id)
        });
    }
    list.retain(|q| {
        !(q.ip_ranges.is_empty()
            && q.ipv6_ranges.is_empty()
            && q.prefix_list_ids.is_empty()
            && q.user_id_group_pairs.is_empty())
    });
}

/// ACL protocol as AWS prints it (a number, `-1` for all).
fn acl_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        other => other.into(),
    }
}

/// One ACL entry from an inline block (`egress` given) or an `aws_network_acl_rule`.
fn acl_entry(
    ctx: &mut Ctx<'_>,
    inst: &Inst,
    v: &Map<String, Value>,
    egress: Option<bool>,
) -> Result<Option<NetworkAclEntry>, PlanError> {
    let inline = egress.is_some();
    let at = |f: &str| {
        if inline {
            format!(
                "{}.{}.{f}",
                inst.address,
                if egress == Some(true) {
                    "egress"
                } else {
                    "ingress"
                }
            )
        } else {
            format!("{}.{f}", inst.address)
        }
    };
    let num = |k: &str| -> Result<Option<i64>, PlanError> {
        match v.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| PlanError::invalid(ctx.path, at(k), "not an integer")),
            Some(Value::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| PlanError::invalid(ctx.path, at(k), "not an integer")),
            Some(_) => Err(PlanError::invalid(ctx.path, at(k), "not a number")),
        }
    };
    let rule_number = num(if inline { "rule_no" } else { "rule_number" })?
        .ok_or_else(|| PlanError::invalid(ctx.path, at("rule_number"), "missing"))?;
    let action_key = if inline { "action" } else { "rule_action" };
    let action = v
        .get(action_key)
        .and_then(Value::as_str)
        .ok_or_else(|| PlanError::invalid(ctx.path, at(action_key), "missing or not a string"))?
        .to_ascii_lowercase();
    let protocol = match v.get("protocol") {
        Some(Value::String(s)) => acl_protocol(s),
        Some(Value::Number(n)) => acl_protocol(&n.to_string()),
        _ => {
            return Err(PlanError::invalid(
                ctx.path,
                at("protocol"),
                "missing or not a protocol",
            ));
        }
    };
    let egress = match egress {
        Some(e) => e,
        None => v.get("egress").and_then(Value::as_bool).unwrap_or(false),
    };
    let text = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(String::from)
    };
    let (from, to) = (num("from_port")?, num("to_port")?);
    let mut e = NetworkAclEntry {
        rule_number,
        egress,
        protocol: protocol.clone(),
        rule_action: action,
        cidr_block: text("cidr_block"),
        ipv6_cidr_block: text("ipv6_cidr_block"),
        ..NetworkAclEntry::default()
    };
    match protocol.as_str() {
        "6" | "17" => e.port_range = Some(AclPortRange { from, to }),
        "1" | "58" => {
            e.icmp_type_code = Some(IcmpTypeCode {
                r#type: num("icmp_type")?,
                code: num("icmp_code")?,
            })
        }
        _ => {}
    }
    if e.cidr_block.is_none() && e.ipv6_cidr_block.is_none() {
        ctx.b.unresolved(
            &inst.address,
            "cidr_block",
            format!(
                "rule {rule_number}'s address range is known only after apply; the network ACL is left out"
            ),
        );
        return Ok(None);
    }
    Ok(Some(e))
}

/// Associate a subnet with an ACL (taking it from any other); if the ACL is not known, the
/// subnet is left out (it would otherwise fall back to its VPC's default ACL).
fn associate_acl(ctx: &mut Ctx<'_>, inst: &Inst, acl: &str, subnet: &str, id: Option<String>) {
    if !ctx
        .b
        .snap
        .network_acls
        .iter()
        .any(|a| a.network_acl_id == acl)
    {
        missing(ctx, inst, "network_acl_id", acl);
        ctx.b.unresolved(
            &inst.address,
            "subnet_id",
            format!("{subnet} is associated with a network ACL that is not known; the subnet is left out"),
        );
        ctx.b.remove(subnet);
        return;
    }
    for a in &mut ctx.b.snap.network_acls {
        a.associations
            .retain(|x| x.subnet_id.as_deref() != Some(subnet));
        if a.network_acl_id == acl {
            a.associations.push(NetworkAclAssociation {
                network_acl_association_id: id.clone(),
                network_acl_id: Some(acl.to_string()),
                subnet_id: Some(subnet.to_string()),
            });
        }
    }
}

fn network_acl(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let default = inst.rtype == "aws_default_network_acl";
    let id = if default {
        ctx.required(inst, "default_network_acl_id", "acl")?
    } else {
        ctx.own_id(inst)
    };
    let old = ctx
        .b
        .snap
        .network_acls
        .iter()
        .find(|a| a.network_acl_id == id)
        .cloned();
    if ctx.kept_from_base(inst, old.is_some()) {
        return Ok(());
    }
    if default && old.is_none() {
        missing(ctx, inst, "default_network_acl_id", &id);
        return Ok(());
    }
    let mut entries = Vec::new();
    for (attr, egress) in [("ingress", false), ("egress", true)] {
        let Some(items) = ctx.blocks(inst, attr)? else {
            ctx.b.unresolved(
                &inst.address,
                attr,
                "the entries are known only after apply; the network ACL is left out",
            );
            ctx.b.remove(&id);
            return Ok(());
        };
        for (o, u) in &items {
            if crate::terraform::plan::any_true(u) {
                ctx.b.unresolved(
                    &inst.address,
                    attr,
                    "an entry is known only after apply; the network ACL is left out",
                );
                ctx.b.remove(&id);
                return Ok(());
            }
            match acl_entry(ctx, inst, o, Some(egress))? {
                Some(e) => entries.push(e),
                None => {
                    ctx.b.remove(&id);
                    return Ok(());
                }
            }
        }
    }
    let vpc_id = match &old {
        Some(o) => o.vpc_id.clone(),
        None => Some(ctx.required(inst, "vpc_id", "vpc")?),
    };
    let a = NetworkAcl {
        network_acl_id: id.clone(),
        vpc_id,
        is_default: Some(default || old.as_ref().and_then(|o| o.is_default) == Some(true)),
        associations: old.map(|o| o.associations).unwrap_or_default(),
        entries,
        tags: tags_of(inst),
    };
    upsert(&mut ctx.b.snap.network_acls, a, |a| &a.network_acl_id);
    let configured = inst.values.contains_key("subnet_ids") || inst.is_unknown("subnet_ids");
    if configured {
        let subnets = ctx.list(inst, "subnet_ids", "subnet")?;
        // The attribute is authoritative: subnets no longer listed go back to the default ACL.
        if !default
            && let Some(a) = ctx
                .b
                .snap
                .network_acls
                .iter_mut()
                .find(|a| a.network_acl_id == id)
        {
            a.associations
                .retain(|x| x.subnet_id.as_ref().is_some_and(|s| subnets.contains(s)));
        }
        for s in subnets {
            let assoc = ctx.b.id("aclassoc", &format!("{}:{s}", inst.address));
            associate_acl(ctx, inst, &id, &s, Some(assoc));
        }
    }
    ctx.mark(&id, inst);
    Ok(())
}

/// Undo what a destroyed (or changed) rule or association did.
pub fn unapply(ctx: &mut Ctx<'_>, old: &Inst) -> Result<(), PlanError> {
    let s = |k: &str| old.values.get(k).and_then(Value::as_str).map(String::from);
    match old.rtype.as_str() {
        "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => {
            // The old values are all known (they were applied).
            let mut tmp = super::Ctx {
                path: ctx.path,
                plan: ctx.plan,
                base: ctx.base,
                lookup: ctx.lookup,
                remote: ctx.remote,
                used: ctx.used,
                b: crate::common::Builder::new(None, "tf", ctx.path),
                ids: ctx.ids.clone(),
                built: Default::default(),
                assumed_defaults: Vec::new(),
            };
            let Ok((egress, sg, p)) = rule_of(&mut tmp, old) else {
                return Ok(());
            };
            if let Some(g) = ctx
                .b
                .snap
                .security_groups
                .iter_mut()
                .find(|g| g.group_id == sg)
            {
                subtract(
                    if egress {
                        &mut g.ip_permissions_egress
                    } else {
                        &mut g.ip_permissions
                    },
                    &p,
                );
            }
        }
        "aws_network_acl_rule" => {
            if let Some(acl) = s("network_acl_id")
                && let Some(n) = old.values.get("rule_number").and_then(Value::as_i64)
            {
                let egress = old
                    .values
                    .get("egress")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if let Some(a) = ctx
                    .b
                    .snap
                    .network_acls
                    .iter_mut()
                    .find(|a| a.network_acl_id == acl)
                {
                    a.entries
                        .retain(|e| !(e.rule_number == n && e.egress == egress));
                }
            }
        }
        "aws_network_acl_association" => {
            if let (Some(acl), Some(subnet)) = (s("network_acl_id"), s("subnet_id")) {
                for a in &mut ctx.b.snap.network_acls {
                    if a.network_acl_id == acl {
                        a.associations
                            .retain(|x| x.subnet_id.as_deref() != Some(subnet.as_str()));
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}
