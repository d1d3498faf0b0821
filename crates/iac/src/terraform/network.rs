//! VPCs, their CIDR blocks and DHCP options, subnets, route tables, routes and their
//! associations, internet / egress-only gateways and NAT gateways.
//!
//! Terraform behaviour relied on (AWS provider documentation,
//! <https://registry.terraform.io/providers/hashicorp/aws/latest/docs>):
//! - `aws_vpc`: `enable_dns_support` defaults to true, `enable_dns_hostnames` to false
//!   (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc>).
//! - `aws_default_route_table` adopts the VPC's main route table and replaces its routes with
//!   the `route` blocks given (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/default_route_table>: "When Terraform first adopts the Default
//!   Route Table, it immediately removes all defined routes. It then proceeds to create any
//!   routes specified in the configuration."); the `local` routes stay.
//! - `aws_route_table`'s `route` blocks are authoritative when given (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/route_table>).
//! - `aws_nat_gateway`: `connectivity_type` defaults to `public` (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/nat_gateway>).

use serde_json::Value;
use vpcreach_aws::snapshot::{
    CidrAssociation, DhcpConfiguration, DhcpOptions, EgressOnlyInternetGateway, GatewayAttachment,
    InternetGateway, Ipv6CidrAssociation, NatGateway, NatGatewayAddress, Route, RouteTable,
    RouteTableAssociation, StateObj, Subnet, Vpc,
};

use super::Ctx;
use super::plan::Inst;
use crate::PlanError;
use crate::common::{Builder, upsert};

/// Build every network resource of the plan.
pub fn build(ctx: &mut Ctx<'_>) -> Result<(), PlanError> {
    for inst in ctx.of_types(&["aws_vpc"]) {
        vpc(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_vpc_ipv4_cidr_block_association"]) {
        cidr_association(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_vpc_dhcp_options"]) {
        dhcp_options(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_vpc_dhcp_options_association"]) {
        let vpc_id = ctx.required(inst, "vpc_id", "vpc")?;
        let dopt = ctx.required(inst, "dhcp_options_id", "dopt")?;
        let id = ctx.own_id(inst);
        ctx.mark(&id, inst);
        match ctx.b.snap.vpcs.iter_mut().find(|v| v.vpc_id == vpc_id) {
            Some(v) => v.dhcp_options_id = Some(dopt),
            None => missing(ctx, inst, "vpc_id", &vpc_id),
        }
    }
    for inst in ctx.of_types(&["aws_subnet"]) {
        subnet(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_route_table", "aws_default_route_table"]) {
        route_table(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_route"]) {
        route(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_route_table_association"]) {
        rt_association(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_main_route_table_association"]) {
        main_association(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_internet_gateway", "aws_egress_only_internet_gateway"]) {
        gateway(ctx, inst)?;
    }
    for inst in ctx.of_types(&["aws_internet_gateway_attachment"]) {
        let igw = ctx.required(inst, "internet_gateway_id", "igw")?;
        let vpc_id = ctx.required(inst, "vpc_id", "vpc")?;
        let id = ctx.own_id(inst);
        ctx.mark(&id, inst);
        match ctx
            .b
            .snap
            .internet_gateways
            .iter_mut()
            .find(|g| g.internet_gateway_id == igw)
        {
            Some(g) => {
                if !g.attachments.iter().any(|a| a.vpc_id == vpc_id) {
                    g.attachments.push(GatewayAttachment {
                        vpc_id,
                        state: Some("available".into()),
                    });
                }
            }
            None => missing(ctx, inst, "internet_gateway_id", &igw),
        }
    }
    for inst in ctx.of_types(&["aws_nat_gateway"]) {
        nat_gateway(ctx, inst)?;
    }
    Ok(())
}

/// Record that a reference names nothing in the planned state (unless it is already an
/// unresolved ID, recorded where it was made).
pub fn missing(ctx: &mut Ctx<'_>, inst: &Inst, field: &str, id: &str) {
    if !id.contains("-unresolved:") {
        ctx.b.unresolved(
            &inst.address,
            field,
            format!("{id} is neither in the plan nor in the base snapshot"),
        );
    }
}

fn vpc(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let present = ctx.b.snap.vpcs.iter().any(|v| v.vpc_id == id);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let Some(cidr) = ctx.scalar_plain(inst, "cidr_block")? else {
        ctx.b.unresolved(
            &inst.address,
            "cidr_block",
            "the VPC's CIDR block is known only after apply (e.g. allocated from IPAM); the VPC is left out",
        );
        return Ok(());
    };
    let mut v6 = Vec::new();
    match ctx.scalar_plain(inst, "ipv6_cidr_block")? {
        Some(c) => v6.push(Ipv6CidrAssociation {
            ipv6_cidr_block: c,
            ipv6_cidr_block_state: Some(StateObj {
                state: Some("associated".into()),
            }),
        }),
        // Requested (generated, or from IPAM) but known only after apply.
        None if inst.is_unknown("ipv6_cidr_block")
            && (inst.values.get("assign_generated_ipv6_cidr_block")
                == Some(&Value::Bool(true))
                || !ctx.computed_only(inst, "ipv6_cidr_block")
                || !ctx.computed_only(inst, "ipv6_ipam_pool_id")) =>
        {
            ctx.b.unresolved(
                &inst.address,
                "ipv6_cidr_block",
                "the VPC's IPv6 block is known only after apply; the VPC is read without IPv6",
            )
        }
        None => {}
    }
    let support = ctx.flag(inst, "enable_dns_support", true)?;
    let hostnames = ctx.flag(inst, "enable_dns_hostnames", false)?;
    let tags = tags_of(inst);
    let base_vpc = ctx.b.snap.vpcs.iter().find(|v| v.vpc_id == id).cloned();
    let new_vpc = Vpc {
        vpc_id: id.clone(),
        cidr_block: Some(cidr.clone()),
        cidr_block_association_set: vec![CidrAssociation {
            cidr_block: cidr,
            cidr_block_state: Some(StateObj {
                state: Some("associated".into()),
            }),
        }],
        ipv6_cidr_block_association_set: v6,
        state: Some("available".into()),
        tags,
        ..Vpc::default()
    };
    match base_vpc {
        Some(old) if !inst.action.new_object() => {
            // An existing VPC the base holds: its defaults and DHCP options stay.
            let mut v = new_vpc;
            v.dhcp_options_id = old.dhcp_options_id.clone();
            v.owner_id = old.owner_id.clone();
            v.is_default = old.is_default;
            for a in old.cidr_block_association_set {
                if !v
                    .cidr_block_association_set
                    .iter()
                    .any(|x| x.cidr_block == a.cidr_block)
                {
                    v.cidr_block_association_set.push(a);
                }
            }
            upsert(&mut ctx.b.snap.vpcs, v, |v| &v.vpc_id);
        }
        _ => {
            let d = ctx.b.add_vpc(new_vpc, true, false);
            // An existing VPC read from the plan alone: its defaults keep their real IDs, and
            // their content is not known unless the plan adopts them (`drop_unknown_defaults`).
            for (attr, synthetic, what) in [
                (
                    "main_route_table_id",
                    d.main_route_table.clone(),
                    "main route table",
                ),
                (
                    "default_network_acl_id",
                    d.default_acl.clone(),
                    "default network ACL",
                ),
                (
                    "default_security_group_id",
                    d.default_sg.clone(),
                    "default security group",
                ),
            ] {
                if inst.action.new_object() {
                    continue;
                }
                let mut id = synthetic.clone();
                if !inst.is_unknown(attr)
                    && let Some(real) = inst.values.get(attr).and_then(Value::as_str)
                {
                    rename(&mut ctx.b, &synthetic, real);
                    id = real.to_string();
                }
                ctx.assumed_defaults.push((inst.address.clone(), id, what));
            }
        }
    }
    // An existing VPC read from the plan alone keeps its DHCP option set: unless the plan
    // manages it, its resolver is not known (never assumed to be AmazonProvidedDNS).
    if !inst.action.new_object()
        && ctx.base.is_none()
        && let Some(dopt) = ctx.scalar_plain(inst, "dhcp_options_id")?
        && let Some(v) = ctx.b.snap.vpcs.iter_mut().find(|v| v.vpc_id == id)
    {
        v.dhcp_options_id = Some(dopt);
    }
    set_dns_exact(&mut ctx.b, &id, support, hostnames);
    ctx.built.insert(id.clone());
    ctx.mark(&id, inst);
    Ok(())
}

/// An existing VPC's main route table, default ACL and default security group exist, but a plan
/// shows their content only when it manages them (`aws_default_route_table`,
/// `aws_default_network_acl`, `aws_default_security_group` replace it whole). Without `--base`,
/// the ones it does not manage are dropped, with an `Unresolved` entry: a subnet that relies on
/// them (no explicit association) or an interface that uses the group is then `unknown`, never
/// judged on AWS's creation-time defaults, which may have been changed since.
pub fn drop_unknown_defaults(ctx: &mut Ctx<'_>) {
    for (vpc, id, what) in std::mem::take(&mut ctx.assumed_defaults) {
        let adopted = ctx
            .b
            .snap
            .planned_resources
            .iter()
            .any(|p| p.id == id && p.kind.starts_with("aws_default_"));
        if adopted {
            continue;
        }
        ctx.b.remove(&id);
        ctx.b.unresolved(
            &vpc,
            what,
            format!(
                "{id}, the existing VPC's {what}, is not managed by the plan: its content is not known (give --base)"
            ),
        );
    }
}

/// Every route table built from the plan, and every table of a VPC built from it, holds its
/// VPC's `local` routes (the builder adds them only for planned ones; an existing table read
/// from the plan alone needs them too).
pub fn local_routes(ctx: &mut Ctx<'_>) {
    let built = ctx.built.clone();
    ctx.b.rebuilt.extend(built);
}

/// Set both DNS attributes; `None` (known only after apply) leaves the attribute out, so the
/// analysis treats it as missing.
fn set_dns_exact(b: &mut Builder, vpc_id: &str, support: Option<bool>, hostnames: Option<bool>) {
    b.set_dns(vpc_id, support, hostnames);
    if let Some(a) = b
        .snap
        .vpc_attributes
        .iter_mut()
        .find(|a| a.vpc_id == vpc_id)
    {
        if support.is_none() {
            a.enable_dns_support = None;
        }
        if hostnames.is_none() {
            a.enable_dns_hostnames = None;
        }
    }
}

/// Rename one of a VPC's synthetic defaults to its real ID.
fn rename(b: &mut Builder, from: &str, to: &str) {
    let s = &mut b.snap;
    for r in &mut s.route_tables {
        if r.route_table_id == from {
            r.route_table_id = to.to_string();
            for a in &mut r.associations {
                a.route_table_id = Some(to.to_string());
            }
        }
    }
    for a in &mut s.network_acls {
        if a.network_acl_id == from {
            a.network_acl_id = to.to_string();
        }
    }
    for g in &mut s.security_groups {
        if g.group_id == from {
            g.group_id = to.to_string();
        }
        for p in g
            .ip_permissions
            .iter_mut()
            .chain(g.ip_permissions_egress.iter_mut())
        {
            for pair in &mut p.user_id_group_pairs {
                if pair.group_id.as_deref() == Some(from) {
                    pair.group_id = Some(to.to_string());
                }
            }
        }
    }
}

/// `tags` of an instance as AWS tags.
pub fn tags_of(inst: &Inst) -> Vec<vpcreach_aws::snapshot::Tag> {
    inst.values
        .get("tags")
        .and_then(Value::as_object)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| {
                    v.as_str().map(|v| vpcreach_aws::snapshot::Tag {
                        key: k.clone(),
                        value: v.to_string(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Ctx<'_> {
    /// A plain (non-reference) string value: `None` when unset or known only after apply.
    pub fn scalar_plain(&self, inst: &Inst, attr: &str) -> Result<Option<String>, PlanError> {
        if inst.is_unknown(attr) {
            return Ok(None);
        }
        match inst.values.get(attr) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(PlanError::invalid(
                self.path,
                format!("{}.{attr}", inst.address),
                "not a string",
            )),
        }
    }
}

fn cidr_association(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let vpc_id = ctx.required(inst, "vpc_id", "vpc")?;
    let id = ctx.own_id(inst);
    ctx.mark(&id, inst);
    let Some(cidr) = ctx.scalar_plain(inst, "cidr_block")? else {
        ctx.b.unresolved(
            &inst.address,
            "cidr_block",
            "the secondary CIDR block is known only after apply (e.g. from IPAM)",
        );
        return Ok(());
    };
    match ctx.b.snap.vpcs.iter_mut().find(|v| v.vpc_id == vpc_id) {
        Some(v) => {
            if !v
                .cidr_block_association_set
                .iter()
                .any(|a| a.cidr_block == cidr)
            {
                v.cidr_block_association_set.push(CidrAssociation {
                    cidr_block: cidr,
                    cidr_block_state: Some(StateObj {
                        state: Some("associated".into()),
                    }),
                });
            }
        }
        None => missing(ctx, inst, "vpc_id", &vpc_id),
    }
    Ok(())
}

fn dhcp_options(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let present = ctx
        .b
        .snap
        .dhcp_options
        .as_ref()
        .is_some_and(|d| d.iter().any(|x| x.dhcp_options_id == id));
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let mut conf = Vec::new();
    for (attr, key) in [
        ("domain_name_servers", "domain-name-servers"),
        ("domain_name", "domain-name"),
        ("ntp_servers", "ntp-servers"),
    ] {
        if inst.is_unknown(attr) {
            ctx.b
                .unresolved(&inst.address, attr, "known only after apply");
            continue;
        }
        let values: Vec<String> = match inst.values.get(attr) {
            Some(Value::String(s)) if !s.is_empty() => vec![s.clone()],
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            _ => Vec::new(),
        };
        if !values.is_empty() {
            conf.push(DhcpConfiguration {
                key: key.into(),
                values: values
                    .into_iter()
                    .map(|value| vpcreach_aws::snapshot::AttributeValue { value })
                    .collect(),
            });
        }
    }
    let sets = ctx.b.snap.dhcp_options.get_or_insert_with(Vec::new);
    upsert(
        sets,
        DhcpOptions {
            dhcp_options_id: id.clone(),
            dhcp_configurations: conf,
            tags: tags_of(inst),
            ..DhcpOptions::default()
        },
        |d| &d.dhcp_options_id,
    );
    ctx.mark(&id, inst);
    Ok(())
}

fn subnet(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let present = ctx.b.snap.subnets.iter().any(|s| s.subnet_id == id);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let vpc_id = ctx.required(inst, "vpc_id", "vpc")?;
    let cidr = ctx.scalar_plain(inst, "cidr_block")?;
    if cidr.is_none() && inst.is_unknown("cidr_block") {
        ctx.b.unresolved(
            &inst.address,
            "cidr_block",
            "the subnet's CIDR block is known only after apply; the subnet is left out",
        );
        return Ok(());
    }
    let mut v6 = Vec::new();
    match ctx.scalar_plain(inst, "ipv6_cidr_block")? {
        Some(c) => v6.push(Ipv6CidrAssociation {
            ipv6_cidr_block: c,
            ipv6_cidr_block_state: Some(StateObj {
                state: Some("associated".into()),
            }),
        }),
        // Set in the configuration but known only after apply (the provider reports an
        // unset block as unknown too, which means none).
        None if inst.is_unknown("ipv6_cidr_block")
            && !ctx.computed_only(inst, "ipv6_cidr_block") =>
        {
            // A subnet's IPv6 block comes from its VPC's: a VPC without one gives none.
            let vpc_v6_open = ctx.ids.iter().any(|(addr, id)| {
                *id == vpc_id
                    && ctx
                        .b
                        .snap
                        .unresolved
                        .iter()
                        .any(|u| &u.address == addr && u.field == "ipv6_cidr_block")
            });
            match ctx.b.snap.vpcs.iter().find(|v| v.vpc_id == vpc_id) {
                Some(v) if v.ipv6_cidr_block_association_set.is_empty() && !vpc_v6_open => {}
                Some(_) => {
                    ctx.b.unresolved(
                        &inst.address,
                        "ipv6_cidr_block",
                        "the subnet's IPv6 block is known only after apply; the subnet is left out",
                    );
                    return Ok(());
                }
                None => ctx.b.unresolved(
                    &inst.address,
                    "ipv6_cidr_block",
                    "the subnet's IPv6 block is known only after apply (its VPC is not known either)",
                ),
            }
        }
        None => {}
    }
    if !vpc_id.contains("-unresolved:") && !ctx.b.snap.vpcs.iter().any(|v| v.vpc_id == vpc_id) {
        missing(ctx, inst, "vpc_id", &vpc_id);
    }
    let s = Subnet {
        subnet_id: id.clone(),
        vpc_id,
        cidr_block: cidr,
        ipv6_cidr_block_association_set: v6,
        availability_zone: ctx.scalar_plain(inst, "availability_zone")?,
        availability_zone_id: ctx.scalar_plain(inst, "availability_zone_id")?,
        map_public_ip_on_launch: inst
            .values
            .get("map_public_ip_on_launch")
            .and_then(Value::as_bool),
        state: Some("available".into()),
        tags: tags_of(inst),
        ..Subnet::default()
    };
    upsert(&mut ctx.b.snap.subnets, s, |s| &s.subnet_id);
    ctx.mark(&id, inst);
    Ok(())
}

/// Reads one field of a route (`field`, ID `prefix`).
type FieldGetter<'f> =
    dyn FnMut(&mut Ctx<'_>, &str, &str) -> Result<Option<String>, PlanError> + 'f;

/// The route of one `route` block or `aws_route`: its destination (`None` when known only after
/// apply) and its target.
fn route_of(
    ctx: &mut Ctx<'_>,
    get: &mut FieldGetter<'_>,
    dest_names: [&str; 3],
) -> Result<Option<Route>, PlanError> {
    let mut r = Route {
        origin: Some("CreateRoute".into()),
        state: Some("active".into()),
        ..Route::default()
    };
    r.destination_cidr_block = get(ctx, dest_names[0], "cidr")?;
    r.destination_ipv6_cidr_block = get(ctx, dest_names[1], "cidr")?;
    r.destination_prefix_list_id = get(ctx, dest_names[2], "pl")?;
    let dests = [
        &r.destination_cidr_block,
        &r.destination_ipv6_cidr_block,
        &r.destination_prefix_list_id,
    ];
    if dests.iter().all(|d| d.is_none())
        || dests
            .iter()
            .any(|d| d.as_deref().is_some_and(|d| d.contains("-unresolved:")))
    {
        return Ok(None);
    }
    r.gateway_id = get(ctx, "gateway_id", "igw")?;
    r.nat_gateway_id = get(ctx, "nat_gateway_id", "nat")?;
    r.transit_gateway_id = get(ctx, "transit_gateway_id", "tgw")?;
    r.vpc_peering_connection_id = get(ctx, "vpc_peering_connection_id", "pcx")?;
    r.network_interface_id = get(ctx, "network_interface_id", "eni")?;
    r.egress_only_internet_gateway_id = get(ctx, "egress_only_gateway_id", "eigw")?;
    r.local_gateway_id = get(ctx, "local_gateway_id", "lgw")?;
    r.carrier_gateway_id = get(ctx, "carrier_gateway_id", "cagw")?;
    r.core_network_arn = get(ctx, "core_network_arn", "arn")?;
    let vpce = get(ctx, "vpc_endpoint_id", "vpce")?;
    if let Some(v) = vpce {
        // A route to a (Gateway Load Balancer) endpoint: AWS lists it as GatewayId.
        r.gateway_id = Some(v);
    }
    if let Some(i) = get(ctx, "instance_id", "i")? {
        r.instance_id = Some(i);
    }
    Ok(Some(r))
}

/// The destination key of a route (routes with the same destination replace each other).
fn dest_key(r: &Route) -> (Option<String>, Option<String>, Option<String>) {
    (
        r.destination_cidr_block.clone(),
        r.destination_ipv6_cidr_block.clone(),
        r.destination_prefix_list_id.clone(),
    )
}

/// Add (or replace) a route in a table.
pub fn put_route(rt: &mut RouteTable, r: Route) {
    let k = dest_key(&r);
    rt.routes.retain(|x| dest_key(x) != k);
    rt.routes.push(r);
}

fn route_table(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let default = inst.rtype == "aws_default_route_table";
    let id = if default {
        ctx.required(inst, "default_route_table_id", "rtb")?
    } else {
        ctx.own_id(inst)
    };
    let present = ctx
        .b
        .snap
        .route_tables
        .iter()
        .any(|r| r.route_table_id == id);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    if default && !present {
        missing(ctx, inst, "default_route_table_id", &id);
        return Ok(());
    }
    let Some(blocks) = ctx.blocks(inst, "route")? else {
        ctx.b.unresolved(
            &inst.address,
            "route",
            "the routes are known only after apply; the route table is left out",
        );
        ctx.b.remove(&id);
        return Ok(());
    };
    let mut routes = Vec::new();
    for item in &blocks {
        let mut get = |c: &mut Ctx<'_>, f: &str, p: &str| c.block_str(inst, "route", item, f, p);
        match route_of(
            ctx,
            &mut get,
            [
                "cidr_block",
                "ipv6_cidr_block",
                "destination_prefix_list_id",
            ],
        )? {
            Some(r) => routes.push(r),
            None => {
                ctx.b.unresolved(
                    &inst.address,
                    "route",
                    "a route's destination is known only after apply; the route table is left out",
                );
                ctx.b.remove(&id);
                return Ok(());
            }
        }
    }
    let old = ctx
        .b
        .snap
        .route_tables
        .iter()
        .find(|r| r.route_table_id == id)
        .cloned();
    let vpc_id = match (&old, default) {
        (Some(o), _) => o.vpc_id.clone(),
        (None, _) => ctx.required(inst, "vpc_id", "vpc")?,
    };
    let mut rt = RouteTable {
        route_table_id: id.clone(),
        vpc_id,
        tags: tags_of(inst),
        ..RouteTable::default()
    };
    if let Some(o) = old {
        rt.associations = o.associations;
        rt.owner_id = o.owner_id;
        // The `local` routes are not Terraform's to manage.
        rt.routes = o
            .routes
            .into_iter()
            .filter(|r| r.gateway_id.as_deref() == Some("local"))
            .collect();
        // A `route` attribute left unset on an existing table leaves its routes alone.
        if !default && inst.values.get("route").is_none_or(Value::is_null) {
            return Ok(());
        }
    }
    for r in routes {
        put_route(&mut rt, r);
    }
    upsert(&mut ctx.b.snap.route_tables, rt, |r| &r.route_table_id);
    ctx.built.insert(id.clone());
    ctx.mark(&id, inst);
    Ok(())
}

fn route(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let table = ctx.required(inst, "route_table_id", "rtb")?;
    let id = ctx.own_id(inst);
    ctx.mark(&id, inst);
    let mut get = |c: &mut Ctx<'_>, f: &str, p: &str| c.scalar(inst, f, p);
    let r = route_of(
        ctx,
        &mut get,
        [
            "destination_cidr_block",
            "destination_ipv6_cidr_block",
            "destination_prefix_list_id",
        ],
    )?;
    let Some(r) = r else {
        ctx.b.unresolved(
            &inst.address,
            "destination_cidr_block",
            format!(
                "the route's destination is known only after apply; route table {table} is left out"
            ),
        );
        ctx.b.remove(&table);
        return Ok(());
    };
    match ctx
        .b
        .snap
        .route_tables
        .iter_mut()
        .find(|t| t.route_table_id == table)
    {
        Some(t) => put_route(t, r),
        None => missing(ctx, inst, "route_table_id", &table),
    }
    Ok(())
}

/// Take a subnet (or gateway) out of whatever table it is explicitly associated with.
fn disassociate(ctx: &mut Ctx<'_>, subnet: Option<&str>, gateway: Option<&str>) {
    for t in &mut ctx.b.snap.route_tables {
        t.associations.retain(|a| {
            a.main == Some(true)
                || !((subnet.is_some() && a.subnet_id.as_deref() == subnet)
                    || (gateway.is_some() && a.gateway_id.as_deref() == gateway))
        });
    }
}

fn rt_association(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let table = ctx.required(inst, "route_table_id", "rtb")?;
    let subnet = ctx.scalar(inst, "subnet_id", "subnet")?;
    let gateway = ctx.scalar(inst, "gateway_id", "igw")?;
    let id = ctx.own_id(inst);
    ctx.mark(&id, inst);
    disassociate(ctx, subnet.as_deref(), gateway.as_deref());
    let assoc = RouteTableAssociation {
        main: Some(false),
        route_table_association_id: Some(id),
        route_table_id: Some(table.clone()),
        subnet_id: subnet.clone(),
        gateway_id: gateway,
        association_state: Some(StateObj {
            state: Some("associated".into()),
        }),
    };
    match ctx
        .b
        .snap
        .route_tables
        .iter_mut()
        .find(|t| t.route_table_id == table)
    {
        Some(t) => t.associations.push(assoc),
        None => {
            // The subnet's table is not known: leaving the association out would put the subnet
            // on its VPC's main table, so the subnet itself is left out (what refers to it is
            // unknown).
            missing(ctx, inst, "route_table_id", &table);
            if let Some(s) = subnet {
                ctx.b.unresolved(
                    &inst.address,
                    "subnet_id",
                    format!("{s} is associated with a route table that is not known; the subnet is left out"),
                );
                ctx.b.remove(&s);
            }
        }
    }
    Ok(())
}

fn main_association(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let vpc_id = ctx.required(inst, "vpc_id", "vpc")?;
    let table = ctx.required(inst, "route_table_id", "rtb")?;
    let id = ctx.own_id(inst);
    ctx.mark(&id, inst);
    if !ctx
        .b
        .snap
        .route_tables
        .iter()
        .any(|t| t.route_table_id == table)
    {
        missing(ctx, inst, "route_table_id", &table);
        return Ok(());
    }
    for t in &mut ctx.b.snap.route_tables {
        if t.vpc_id == vpc_id {
            t.associations.retain(|a| a.main != Some(true));
        }
        if t.route_table_id == table {
            t.associations.push(RouteTableAssociation {
                main: Some(true),
                route_table_association_id: Some(id.clone()),
                route_table_id: Some(table.clone()),
                association_state: Some(StateObj {
                    state: Some("associated".into()),
                }),
                ..RouteTableAssociation::default()
            });
        }
    }
    Ok(())
}

fn gateway(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let eigw = inst.rtype == "aws_egress_only_internet_gateway";
    let present = if eigw {
        ctx.b
            .snap
            .egress_only_internet_gateways
            .iter()
            .any(|g| g.egress_only_internet_gateway_id == id)
    } else {
        ctx.b
            .snap
            .internet_gateways
            .iter()
            .any(|g| g.internet_gateway_id == id)
    };
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let vpc_id = ctx.scalar(inst, "vpc_id", "vpc")?;
    let tags = tags_of(inst);
    if eigw {
        let vpc_id = match vpc_id {
            Some(v) => v,
            None => ctx.required(inst, "vpc_id", "vpc")?,
        };
        upsert(
            &mut ctx.b.snap.egress_only_internet_gateways,
            EgressOnlyInternetGateway {
                egress_only_internet_gateway_id: id.clone(),
                attachments: vec![GatewayAttachment {
                    vpc_id,
                    state: Some("attached".into()),
                }],
                tags,
            },
            |g| &g.egress_only_internet_gateway_id,
        );
    } else {
        // Attachments made by `aws_internet_gateway_attachment` are kept.
        let mut attachments: Vec<GatewayAttachment> = ctx
            .b
            .snap
            .internet_gateways
            .iter()
            .find(|g| g.internet_gateway_id == id)
            .map(|g| g.attachments.clone())
            .unwrap_or_default();
        if let Some(v) = vpc_id {
            attachments.retain(|a| a.vpc_id != v);
            attachments.push(GatewayAttachment {
                vpc_id: v,
                state: Some("available".into()),
            });
        } else if inst.before.as_ref().is_some_and(|b| {
            b.get("vpc_id")
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        }) {
            attachments.clear();
        }
        upsert(
            &mut ctx.b.snap.internet_gateways,
            InternetGateway {
                internet_gateway_id: id.clone(),
                attachments,
                tags,
                ..InternetGateway::default()
            },
            |g| &g.internet_gateway_id,
        );
    }
    ctx.mark(&id, inst);
    Ok(())
}

fn nat_gateway(ctx: &mut Ctx<'_>, inst: &Inst) -> Result<(), PlanError> {
    let id = ctx.own_id(inst);
    let present = ctx
        .b
        .snap
        .nat_gateways
        .iter()
        .any(|n| n.nat_gateway_id == id);
    if ctx.kept_from_base(inst, present) {
        return Ok(());
    }
    let subnet_id = ctx.required(inst, "subnet_id", "subnet")?;
    let connectivity = ctx
        .scalar_plain(inst, "connectivity_type")?
        .unwrap_or_else(|| "public".into());
    let allocation = ctx.scalar(inst, "allocation_id", "eipalloc")?;
    // The engine needs no address for a public NAT gateway (it always has an Elastic IP); the
    // Elastic IP's address is given when the plan knows it.
    let public_ip = allocation.as_ref().and_then(|a| {
        ctx.plan
            .insts
            .iter()
            .find(|i| i.rtype == "aws_eip" && ctx.ids.get(&i.address) == Some(a))
            .and_then(|i| {
                (!i.is_unknown("public_ip"))
                    .then(|| i.values.get("public_ip").and_then(Value::as_str))
                    .flatten()
                    .map(String::from)
            })
    });
    let private_ip = ctx.scalar_plain(inst, "private_ip")?;
    let mut addresses = Vec::new();
    if allocation.is_some() || public_ip.is_some() || private_ip.is_some() {
        addresses.push(NatGatewayAddress {
            allocation_id: allocation,
            public_ip,
            private_ip,
            ..NatGatewayAddress::default()
        });
    }
    let vpc_id = ctx
        .b
        .snap
        .subnets
        .iter()
        .find(|s| s.subnet_id == subnet_id)
        .map(|s| s.vpc_id.clone());
    if vpc_id.is_none() {
        missing(ctx, inst, "subnet_id", &subnet_id);
    }
    upsert(
        &mut ctx.b.snap.nat_gateways,
        NatGateway {
            nat_gateway_id: id.clone(),
            subnet_id: Some(subnet_id),
            vpc_id,
            state: Some("available".into()),
            connectivity_type: Some(connectivity),
            nat_gateway_addresses: addresses,
            tags: tags_of(inst),
        },
        |n| &n.nat_gateway_id,
    );
    ctx.mark(&id, inst);
    Ok(())
}

/// Undo in the base what a destroyed (or changed) sub-resource did; `old` holds its values
/// before the change.
pub fn unapply(ctx: &mut Ctx<'_>, old: &Inst) -> Result<(), PlanError> {
    let s = |k: &str| old.values.get(k).and_then(Value::as_str).map(String::from);
    match old.rtype.as_str() {
        "aws_route" => {
            let Some(table) = s("route_table_id") else {
                return Ok(());
            };
            let key = (
                s("destination_cidr_block").filter(|x| !x.is_empty()),
                s("destination_ipv6_cidr_block").filter(|x| !x.is_empty()),
                s("destination_prefix_list_id").filter(|x| !x.is_empty()),
            );
            if let Some(t) = ctx
                .b
                .snap
                .route_tables
                .iter_mut()
                .find(|t| t.route_table_id == table)
            {
                t.routes.retain(|r| dest_key(r) != key);
            }
        }
        "aws_route_table_association" => {
            let id = s("id");
            let (subnet, gateway, table) = (s("subnet_id"), s("gateway_id"), s("route_table_id"));
            for t in &mut ctx.b.snap.route_tables {
                t.associations.retain(|a| {
                    let by_id = id.is_some() && a.route_table_association_id == id;
                    let by_target = table.as_deref() == Some(t.route_table_id.as_str())
                        && a.main != Some(true)
                        && ((subnet.is_some() && a.subnet_id == subnet)
                            || (gateway.is_some() && a.gateway_id == gateway));
                    !(by_id || by_target)
                });
            }
        }
        "aws_internet_gateway_attachment" => {
            if let (Some(igw), Some(vpc)) = (s("internet_gateway_id"), s("vpc_id"))
                && let Some(g) = ctx
                    .b
                    .snap
                    .internet_gateways
                    .iter_mut()
                    .find(|g| g.internet_gateway_id == igw)
            {
                g.attachments.retain(|a| a.vpc_id != vpc);
            }
        }
        "aws_vpc_ipv4_cidr_block_association" => {
            if let (Some(vpc), Some(cidr)) = (s("vpc_id"), s("cidr_block"))
                && let Some(v) = ctx.b.snap.vpcs.iter_mut().find(|v| v.vpc_id == vpc)
            {
                v.cidr_block_association_set
                    .retain(|a| a.cidr_block != cidr);
            }
        }
        _ => {}
    }
    Ok(())
}
