//! VPC endpoints (and their route-table, subnet and security-group associations) and SageMaker
//! notebook instances.
//!
//! Terraform behaviour relied on (AWS provider documentation,
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs>):
//! - `aws_vpc_endpoint`: `vpc_endpoint_type` defaults to `Gateway`; `private_dns_enabled`
//!   defaults to false; without `security_group_ids` the VPC's default security group is
//!   associated (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint>). A Gateway endpoint adds to each table of
//!   `route_table_ids` a route whose destination is the service's prefix list and whose target
//!   is the endpoint (<https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>);
//!   that prefix list's ID is region specific, so it comes from the base snapshot's
//!   `PrefixLists` (or a data source read at plan time), else it is left open. An Interface
//!   endpoint created without security groups gets the VPC's default security group
//!   (<https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>).
//! - `aws_sagemaker_notebook_instance`: `direct_internet_access` and `root_access` default to
//!   `Enabled` (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/sagemaker_notebook_instance>). A notebook has no network interface
//!   in a plan; the engine then assumes any address of its subnet.

use serde_json::Value;
use vpcreach_aws::snapshot::{DnsOptions, GroupIdentifier, NotebookInstance, Route, VpcEndpoint};

use super::Ctx;
use super::network::{missing, put_route, tags_of};
use super::plan::Inst;
use crate::PlanError;
use crate::common::{Builder, upsert};

pub fn build(ctx: &mut Ctx<'_>) -> Result<(), PlanError> {
    for inst in ctx.of_types(&["aws_vpc_endpoint"]) {
        endpoint(ctx, inst)?;
    }
    for inst in ctx.of_types(&[
        "aws_vpc_endpoint_route_table_association",
        "aws_vpc_endpoint_subnet_association",
        "aws_vpc_endpoint_security_group_association",
    ]) {
        endpoint_association(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_sagemaker_notebook_instance"]) {
        notebook(ctx, inst)?;
    }
    Ok(())
}

/// The prefix list of a gateway endpoint's service (by name, as AWS names it), or an ID that
/// exists nowhere with an `Unresolved` entry.
fn service_prefix_list(ctx: &mut Ctx<'_>, inst: &Inst, service: &str) -> String {
    if let Some(p) = ctx
        .b
        .snap
        .prefix_lists
        .iter()
        .find(|p| p.prefix_list_name.as_deref() == Some(service))
    {
        return p.prefix_list_id.clone();
    }
    ctx.b.unresolved(
        &inst.address,
        "route_table_ids",
        format!(
            "the prefix list of {service} (region specific) is not known: give --base with its PrefixLists"
        ),
    );
    Builder::unresolved_id("pl", service)
}

/// Add a gateway endpoint's route to a table.
fn add_endpoint_route(ctx: &mut Ctx<'_>, inst: &Inst, table: &str, pl: &str, vpce: &str) {
    match ctx
        .b
        .snap
        .route_tables
        .iter_mut()
        .find(|t| t.route_table_id == table)
    {
        Some(t) => put_route(
            t,
            Route {
                destination_prefix_list_id: Some(pl.to_string()),
                gateway_id: Some(vpce.to_string()),
                origin: Some("CreateRoute".into()),
                state: Some("active".into()),
                ..Route::default()
            },
        ),
        None => missing(ctx, inst, "route_table_ids", table),
    }
}

fn endpoint(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let present = ctx
        .b
        .snap
        .vpc_endpoints
        .iter()
        .any(|e| e.vpc_endpoint_id == id);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let vpc_id = ctx.required(inst, "vpc_id", "vpc")?;
    let Some(service) = ctx.scalar_plain(inst, "service_name")? else {
        ctx.b.unresolved(
            &inst.address,
            "service_name",
            "the endpoint's service is known only after apply; the endpoint is left out",
        );
        return Ok(());
    };
    let kind = ctx
        .scalar_plain(inst, "vpc_endpoint_type")?
        .unwrap_or_else(|| "Gateway".into());
    let mut e = VpcEndpoint {
        vpc_endpoint_id: id.clone(),
        vpc_endpoint_type: Some(kind.clone()),
        vpc_id: Some(vpc_id.clone()),
        service_name: Some(service.clone()),
        state: Some("available".into()),
        tags: tags_of(inst),
        ..VpcEndpoint::default()
    };
    if kind.eq_ignore_ascii_case("gateway") {
        let tables = ctx.list(inst, "route_table_ids", "rtb")?;
        if !tables.is_empty() {
            let pl = service_prefix_list(ctx, inst, &service);
            // Routes of the endpoint's old tables go (a changed list is authoritative).
            for t in &mut ctx.b.snap.route_tables {
                t.routes
                    .retain(|r| r.gateway_id.as_deref() != Some(id.as_str()));
            }
            for t in &tables {
                add_endpoint_route(ctx, inst, t, &pl, &id);
            }
        }
        e.route_table_ids = tables;
    } else {
        e.subnet_ids = ctx.list(inst, "subnet_ids", "subnet")?;
        let mut groups = ctx.list(inst, "security_group_ids", "sg")?;
        if groups.is_empty() && kind.eq_ignore_ascii_case("interface") {
            match ctx
                .b
                .snap
                .security_groups
                .iter()
                .find(|g| {
                    g.vpc_id.as_deref() == Some(vpc_id.as_str())
                        && g.group_name.as_deref() == Some("default")
                })
                .map(|g| g.group_id.clone())
            {
                Some(g) => groups.push(g),
                None => {
                    ctx.b.unresolved(
                        &inst.address,
                        "security_group_ids",
                        "none given, so the VPC's default security group applies, and it is not known",
                    );
                    groups.push(Builder::unresolved_id(
                        "sg",
                        &format!("{}.security_group_ids", inst.address),
                    ));
                }
            }
        }
        e.groups = groups
            .into_iter()
            .map(|g| GroupIdentifier {
                group_id: g,
                group_name: None,
            })
            .collect();
        e.private_dns_enabled = ctx.flag(inst, "private_dns_enabled", false)?;
        if let Some(items) = ctx.blocks(inst, "dns_options")?
            && let Some((o, _)) = items.first()
        {
            e.dns_options = Some(DnsOptions {
                dns_record_ip_type: o
                    .get("dns_record_ip_type")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(String::from),
                private_dns_only_for_inbound_resolver_endpoint: o
                    .get("private_dns_only_for_inbound_resolver_endpoint")
                    .and_then(Value::as_bool),
            });
        }
    }
    upsert(&mut ctx.b.snap.vpc_endpoints, e, |e| &e.vpc_endpoint_id);
    ctx.mark(&id, inst);
    Ok(())
}

fn endpoint_association(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let vpce = ctx.required(inst, "vpc_endpoint_id", "vpce")?;
    let id = ctx.own_id(inst);
    ctx.mark(&id, inst);
    let Some(i) = ctx
        .b
        .snap
        .vpc_endpoints
        .iter()
        .position(|e| e.vpc_endpoint_id == vpce)
    else {
        missing(ctx, inst, "vpc_endpoint_id", &vpce);
        return Ok(());
    };
    match inst.rtype.as_str() {
        "aws_vpc_endpoint_route_table_association" => {
            let table = ctx.required(inst, "route_table_id", "rtb")?;
            let service = ctx.b.snap.vpc_endpoints[i]
                .service_name
                .clone()
                .unwrap_or_default();
            let e = &mut ctx.b.snap.vpc_endpoints[i];
            if !e.route_table_ids.contains(&table) {
                e.route_table_ids.push(table.clone());
            }
            let pl = service_prefix_list(ctx, inst, &service);
            add_endpoint_route(ctx, inst, &table, &pl, &vpce);
        }
        "aws_vpc_endpoint_subnet_association" => {
            let subnet = ctx.required(inst, "subnet_id", "subnet")?;
            let e = &mut ctx.b.snap.vpc_endpoints[i];
            if !e.subnet_ids.contains(&subnet) {
                e.subnet_ids.push(subnet);
            }
        }
        _ => {
            let sg = ctx.required(inst, "security_group_id", "sg")?;
            let replace = inst
                .values
                .get("replace_default_association")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let vpc = ctx.b.snap.vpc_endpoints[i].vpc_id.clone();
            let default_sg = ctx
                .b
                .snap
                .security_groups
                .iter()
                .find(|g| g.vpc_id == vpc && g.group_name.as_deref() == Some("default"))
                .map(|g| g.group_id.clone());
            let e = &mut ctx.b.snap.vpc_endpoints[i];
            if replace {
                e.groups
                    .retain(|g| Some(&g.group_id) != default_sg.as_ref());
            }
            if !e.groups.iter().any(|g| g.group_id == sg) {
                e.groups.push(GroupIdentifier {
                    group_id: sg,
                    group_name: None,
                });
            }
        }
    }
    Ok(())
}

fn notebook(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let Some(name) = ctx.scalar_plain(inst, "name")? else {
        return Err(PlanError::invalid(
            ctx.path,
            format!("{}.name", inst.address),
            "a notebook instance needs a name known before apply",
        ));
    };
    let present = ctx
        .b
        .snap
        .notebook_instances
        .iter()
        .any(|n| n.notebook_instance_name == name);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let subnet_id = ctx.scalar(inst, "subnet_id", "subnet")?;
    let security_groups = ctx.list(inst, "security_groups", "sg")?;
    let direct = ctx
        .scalar_plain(inst, "direct_internet_access")?
        .unwrap_or_else(|| "Enabled".into());
    let root = ctx
        .scalar_plain(inst, "root_access")?
        .unwrap_or_else(|| "Enabled".into());
    // Literal IDs the planned state does not hold (no --base, or not in it): named, so the
    // dangling placement is explained.
    if let Some(sn) = &subnet_id
        && !ctx.b.snap.subnets.iter().any(|x| &x.subnet_id == sn)
    {
        missing(ctx, inst, "subnet_id", &sn.clone());
    }
    for g in &security_groups {
        if !ctx.b.snap.security_groups.iter().any(|x| &x.group_id == g) {
            missing(ctx, inst, "security_groups", g);
        }
    }
    let nb = NotebookInstance {
        notebook_instance_name: name.clone(),
        notebook_instance_arn: (!inst.action.new_object())
            .then(|| ctx.scalar_plain(inst, "arn").ok().flatten())
            .flatten(),
        instance_type: ctx.scalar_plain(inst, "instance_type")?,
        subnet_id,
        security_groups,
        direct_internet_access: Some(direct),
        root_access: Some(root),
        platform_identifier: ctx.scalar_plain(inst, "platform_identifier")?,
        ..NotebookInstance::default()
    };
    upsert(&mut ctx.b.snap.notebook_instances, nb, |n| {
        &n.notebook_instance_name
    });
    ctx.mark(&name, inst);
    Ok(())
}

/// Undo what a destroyed (or changed) endpoint association did.
pub fn unapply(ctx: &mut Ctx<'_>, old: &Inst) -> Result<(), PlanError> {
    let s = |k: &str| old.values.get(k).and_then(Value::as_str).map(String::from);
    let Some(vpce) = s("vpc_endpoint_id") else {
        return Ok(());
    };
    match old.rtype.as_str() {
        "aws_vpc_endpoint_route_table_association" => {
            let Some(table) = s("route_table_id") else {
                return Ok(());
            };
            if let Some(e) = ctx
                .b
                .snap
                .vpc_endpoints
                .iter_mut()
                .find(|e| e.vpc_endpoint_id == vpce)
            {
                e.route_table_ids.retain(|t| *t != table);
            }
            if let Some(t) = ctx
                .b
                .snap
                .route_tables
                .iter_mut()
                .find(|t| t.route_table_id == table)
            {
                t.routes
                    .retain(|r| r.gateway_id.as_deref() != Some(vpce.as_str()));
            }
        }
        "aws_vpc_endpoint_subnet_association" => {
            if let (Some(subnet), Some(e)) = (
                s("subnet_id"),
                ctx.b
                    .snap
                    .vpc_endpoints
                    .iter_mut()
                    .find(|e| e.vpc_endpoint_id == vpce),
            ) {
                e.subnet_ids.retain(|x| *x != subnet);
            }
        }
        "aws_vpc_endpoint_security_group_association" => {
            if let (Some(sg), Some(e)) = (
                s("security_group_id"),
                ctx.b
                    .snap
                    .vpc_endpoints
                    .iter_mut()
                    .find(|e| e.vpc_endpoint_id == vpce),
            ) {
                e.groups.retain(|g| g.group_id != sg);
            }
        }
        _ => {}
    }
    Ok(())
}
