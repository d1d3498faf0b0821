//! Terraform plans read into the planned state and judged by the one engine: hand-built plans in
//! `tests/fixtures/plans/terraform/` (written by its `make_fixtures.py`), small plans built here
//! per resource kind, and the verdicts AWS semantics demand for each.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vpcreach_aws::Snapshot;
use vpcreach_core::analysis::{Status, Via};
use vpcreach_core::codes::Code;
use vpcreach_core::model::TargetKind;
use vpcreach_core::report::{CheckReport, NotebookReport, Report};
use vpcreach_iac::{PlanError, PlanOptions};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/plans/terraform/"
);

fn fixture(name: &str) -> PathBuf {
    Path::new(DIR).join(name)
}

fn base(name: &str) -> Snapshot {
    let text = std::fs::read_to_string(fixture(name)).expect("base snapshot");
    serde_json::from_str(&text).expect("base snapshot parses")
}

fn read(plan: &str, base_name: Option<&str>) -> Snapshot {
    let opts = PlanOptions {
        base: base_name.map(base),
        ..PlanOptions::default()
    };
    vpcreach_iac::read_file(&fixture(plan), &opts).expect("plan reads")
}

fn judge(snap: &Snapshot) -> Report {
    let net = vpcreach_aws::convert(snap).expect("planned state converts");
    let opts = vpcreach_core::assess::Options {
        services: vpcreach_core::analysis::DEFAULT_SERVICES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        notebooks: vec![],
        judgement: vpcreach_core::report::Judgement {
            profile: vpcreach_core::report::Profile::Isolated,
            allow_unknown: false,
        },
    };
    let mut reports = vpcreach_core::assess::assess(&[net], &opts).expect("assess");
    assert_eq!(reports.len(), 1);
    reports.remove(0).1
}

fn notebook<'a>(r: &'a Report, name: &str) -> &'a NotebookReport {
    r.notebooks
        .iter()
        .find(|n| n.name == name)
        .unwrap_or_else(|| panic!("no notebook {name} in {:?}", names(r)))
}

fn names(r: &Report) -> Vec<&str> {
    r.notebooks.iter().map(|n| n.name.as_str()).collect()
}

fn check<'a>(nb: &'a NotebookReport, name: &str) -> &'a CheckReport {
    nb.checks
        .0
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name} for {}", nb.name))
}

fn status(nb: &NotebookReport, name: &str) -> Status {
    check(nb, name).verdict.status
}

const INTERFACE_SERVICES: [&str; 4] = ["sagemaker.api", "sagemaker.runtime", "sts", "logs"];

#[test]
fn isolated_design_is_compliant_with_the_s3_prefix_list_from_base() {
    let snap = read("isolated.json", Some("base-s3-prefix-list.json"));
    assert_eq!(snap.region.as_deref(), Some("us-east-1"));
    assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
    let r = judge(&snap);
    let nb = notebook(&r, "planned-nb");
    assert_eq!(
        nb.subnet_id.as_deref(),
        Some("subnet-tf:aws_subnet.private")
    );
    assert_eq!(nb.vpc_id.as_deref(), Some("vpc-tf:aws_vpc.main"));
    assert_eq!(status(nb, "internet"), Status::Unreachable);
    for svc in INTERFACE_SERVICES {
        let c = check(nb, svc);
        assert_eq!(c.verdict.status, Status::Reachable, "{svc}");
        assert!(c.verdict.private, "{svc}");
        assert_eq!(c.verdict.via, Some(Via::InterfaceEndpoint), "{svc}");
    }
    let s3 = check(nb, "s3");
    assert_eq!(s3.verdict.status, Status::Reachable);
    assert!(s3.verdict.private);
    assert_eq!(
        s3.verdict.via,
        Some(Via::Target(TargetKind::GatewayEndpoint))
    );
    assert!(nb.compliant, "{:?}", nb.reasons);
    // The planned resources name their plan addresses.
    assert!(
        snap.planned_resources
            .iter()
            .any(|p| p.id == "vpce-tf:aws_vpc_endpoint.interface[\"sts\"]"
                && p.address == "aws_vpc_endpoint.interface[\"sts\"]"
                && p.action == "create")
    );
}

#[test]
fn isolated_design_without_base_leaves_s3_unknown() {
    let snap = read("isolated.json", None);
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "aws_vpc_endpoint.s3" && u.field == "route_table_ids"),
        "{:?}",
        snap.unresolved
    );
    let r = judge(&snap);
    let nb = notebook(&r, "planned-nb");
    assert_eq!(status(nb, "s3"), Status::Unknown);
    assert_eq!(status(nb, "internet"), Status::Unreachable);
    for svc in INTERFACE_SERVICES {
        assert_eq!(status(nb, svc), Status::Reachable, "{svc}");
    }
    assert!(!nb.compliant);
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code == Code::PlanValueUnresolved && d.resource == "aws_vpc_endpoint.s3")
    );
}

#[test]
fn a_nat_route_in_the_notebook_table_fails_isolated() {
    let snap = read("isolated-plus-nat.json", Some("base-s3-prefix-list.json"));
    assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
    let r = judge(&snap);
    let nb = notebook(&r, "planned-nb");
    let internet = check(nb, "internet");
    assert_eq!(internet.verdict.status, Status::Reachable);
    assert_eq!(
        internet.verdict.via,
        Some(Via::Target(TargetKind::NatGateway))
    );
    assert!(!internet.verdict.private);
    assert!(!nb.compliant);
    // The endpoints still serve their services privately.
    assert_eq!(status(nb, "sts"), Status::Reachable);
    let nat = &snap.nat_gateways[0];
    assert_eq!(nat.nat_gateway_id, "nat-tf:aws_nat_gateway.nat");
    assert_eq!(
        nat.subnet_id.as_deref(),
        Some("subnet-tf:aws_subnet.public")
    );
    assert_eq!(
        nat.nat_gateway_addresses[0].allocation_id.as_deref(),
        Some("eipalloc-tf:aws_eip.nat")
    );
}

#[test]
fn base_notebooks_by_literal_id_and_data_sources() {
    let snap = read("base-literal-and-data.json", Some("base-deployed.json"));
    assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
    let r = judge(&snap);
    for name in ["literal-nb", "lookup-nb", "exposed-nb"] {
        let nb = notebook(&r, name);
        assert_eq!(nb.subnet_id.as_deref(), Some("subnet-0priv"), "{name}");
        assert_eq!(nb.vpc_id.as_deref(), Some("vpc-0base"), "{name}");
        assert_eq!(nb.security_group_ids, vec!["sg-0nb".to_string()], "{name}");
        // The deployed private table routes 0.0.0.0/0 to a NAT gateway.
        let internet = check(nb, "internet");
        assert_eq!(internet.verdict.status, Status::Reachable, "{name}");
        assert_eq!(
            internet.verdict.via,
            Some(Via::Target(TargetKind::NatGateway)),
            "{name}"
        );
        assert_eq!(status(nb, "sts"), Status::Reachable, "{name}");
        assert!(!check(nb, "sts").verdict.private, "{name}");
        assert!(!nb.compliant, "{name}");
    }
    assert!(
        snap.planned_resources
            .iter()
            .any(|p| p.id == "literal-nb" && p.kind == "aws_sagemaker_notebook_instance")
    );
}

#[test]
fn a_data_source_read_at_apply_without_base_is_unresolved() {
    let snap = read("base-literal-and-data.json", None);
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "aws_sagemaker_notebook_instance.literal"
                && u.field == "security_groups"
                && u.reason.contains("data.aws_security_group.nb")),
        "{:?}",
        snap.unresolved
    );
    // The literal subnet ID is named too: without --base it exists nowhere.
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "aws_sagemaker_notebook_instance.literal"
                && u.field == "subnet_id"
                && u.reason.contains("subnet-0priv"))
    );
    let nb = snap
        .notebook_instances
        .iter()
        .find(|n| n.notebook_instance_name == "literal-nb")
        .unwrap();
    assert_eq!(nb.security_groups.len(), 1);
    assert!(nb.security_groups[0].starts_with("sg-unresolved:"));
}

#[test]
fn deleting_the_nat_route_isolates_the_deployed_notebook() {
    let before = judge(&base("base-deployed.json"));
    assert_eq!(
        status(notebook(&before, "exposed-nb"), "internet"),
        Status::Reachable
    );
    let snap = read("delete-nat-route.json", Some("base-deployed.json"));
    let rt = snap
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-0priv")
        .unwrap();
    assert_eq!(rt.routes.len(), 1, "only the local route is left");
    let r = judge(&snap);
    let nb = notebook(&r, "exposed-nb");
    assert_eq!(status(nb, "internet"), Status::Unreachable);
    // Without a NAT gateway or endpoints no service is reachable either.
    assert_eq!(status(nb, "sts"), Status::Unreachable);
}

#[test]
fn an_unresolved_reference_makes_the_dependent_checks_unknown() {
    let snap = read("unresolved-local.json", Some("base-s3-prefix-list.json"));
    let u = snap
        .unresolved
        .iter()
        .find(|u| u.address == "aws_sagemaker_notebook_instance.nb")
        .expect("the notebook's subnet is unresolved");
    assert_eq!(u.field, "subnet_id");
    assert!(u.reason.contains("local.notebook_subnet"), "{}", u.reason);
    let r = judge(&snap);
    let nb = notebook(&r, "planned-nb");
    for c in &nb.checks.0 {
        assert_eq!(c.verdict.status, Status::Unknown, "{}", c.name);
    }
    assert!(!nb.compliant);
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code == Code::PlanValueUnresolved
                && d.resource == "aws_sagemaker_notebook_instance.nb")
    );
}

#[test]
fn community_vpc_module_addresses_resolve_through_outputs_and_indexes() {
    let snap = read(
        "community-vpc-module.json",
        Some("base-s3-prefix-list.json"),
    );
    assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
    let nb = &snap.notebook_instances[0];
    assert_eq!(
        nb.subnet_id.as_deref(),
        Some("subnet-tf:module.vpc.aws_subnet.private[1]")
    );
    assert_eq!(nb.security_groups, vec!["sg-tf:aws_security_group.nb"]);
    // Both private subnets use the single private table (count.index resolved per instance).
    let private = snap
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-tf:module.vpc.aws_route_table.private[0]")
        .unwrap();
    let subnets: Vec<&str> = private
        .associations
        .iter()
        .filter_map(|a| a.subnet_id.as_deref())
        .collect();
    assert_eq!(
        subnets,
        [
            "subnet-tf:module.vpc.aws_subnet.private[0]",
            "subnet-tf:module.vpc.aws_subnet.private[1]"
        ]
    );
    // The adopted default security group lost its rules.
    let sg = snap
        .security_groups
        .iter()
        .find(|g| g.group_id == "sg-tf:module.vpc.aws_vpc.this[0]#default")
        .unwrap();
    assert!(sg.ip_permissions.is_empty() && sg.ip_permissions_egress.is_empty());
    let r = judge(&snap);
    let nb = notebook(&r, "module-nb");
    let internet = check(nb, "internet");
    assert_eq!(internet.verdict.status, Status::Reachable);
    assert_eq!(
        internet.verdict.via,
        Some(Via::Target(TargetKind::NatGateway))
    );
    assert_eq!(status(nb, "s3"), Status::Reachable);
    assert!(!check(nb, "s3").verdict.private);
    assert!(!nb.compliant);
}

// ---------------------------------------------------------------------------------------------
// Small plans per resource kind, built here.

/// A plan with these managed resources (address, values, after_unknown, expressions), all
/// created, in region us-east-1.
fn plan(resources: &[(&str, Value, Value, Value)]) -> Value {
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    let mut config = Vec::new();
    for (address, values, unknown, exprs) in resources {
        let (rtype, rest) = address.split_once('.').unwrap();
        let name = rest.split('[').next().unwrap();
        planned.push(
            json!({"address": address, "mode": "managed", "type": rtype, "name": name,
            "values": values}),
        );
        changes.push(
            json!({"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": ["create"], "before": null, "after": values,
            "after_unknown": unknown}}),
        );
        let caddr = format!("{rtype}.{name}");
        if !config
            .iter()
            .any(|c: &Value| c["address"] == caddr.as_str())
        {
            config.push(
                json!({"address": caddr, "mode": "managed", "type": rtype, "name": name,
                "expressions": exprs}),
            );
        }
    }
    json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "us-east-1"}}}},
            "root_module": {"resources": config}
        }
    })
}

fn r(s: &str) -> Value {
    // `aws_x.y.id` → its references as Terraform lists them.
    let mut out = vec![s.to_string()];
    if let Some((head, _)) = s.rsplit_once('.')
        && head.contains('.')
    {
        out.push(head.to_string());
    }
    json!({ "references": out })
}

fn read_value(v: &Value, base: Option<Snapshot>) -> Result<Snapshot, PlanError> {
    vpcreach_iac::read_str(
        Path::new("plan.json"),
        &v.to_string(),
        &PlanOptions {
            base,
            ..PlanOptions::default()
        },
    )
}

fn vpc() -> (&'static str, Value, Value, Value) {
    (
        "aws_vpc.v",
        json!({"cidr_block": "10.0.0.0/16"}),
        json!({"id": true, "default_route_table_id": true, "default_network_acl_id": true,
               "default_security_group_id": true, "main_route_table_id": true}),
        json!({}),
    )
}

fn subnet(name: &str, cidr: &str) -> (String, Value, Value, Value) {
    (
        format!("aws_subnet.{name}"),
        json!({"cidr_block": cidr}),
        json!({"id": true, "vpc_id": true}),
        json!({"vpc_id": r("aws_vpc.v.id")}),
    )
}

fn build(resources: Vec<(String, Value, Value, Value)>) -> Snapshot {
    let mut all = vec![{
        let (a, b, c, d) = vpc();
        (a.to_string(), b, c, d)
    }];
    all.extend(resources);
    let refs: Vec<(&str, Value, Value, Value)> = all
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.clone(), c.clone(), d.clone()))
        .collect();
    read_value(&plan(&refs), None).expect("plan reads")
}

fn res(
    address: &str,
    values: Value,
    unknown: Value,
    exprs: Value,
) -> (String, Value, Value, Value) {
    (address.to_string(), values, unknown, exprs)
}

#[test]
fn kind_aws_vpc_defaults_and_ipv6() {
    let s = build(vec![res(
        "aws_vpc.w",
        json!({"cidr_block": "10.9.0.0/16", "enable_dns_hostnames": true,
               "assign_generated_ipv6_cidr_block": true}),
        json!({"id": true, "ipv6_cidr_block": true}),
        json!({}),
    )]);
    let v = s
        .vpcs
        .iter()
        .find(|v| v.vpc_id == "vpc-tf:aws_vpc.v")
        .unwrap();
    assert_eq!(v.cidr_block.as_deref(), Some("10.0.0.0/16"));
    let a = s
        .vpc_attributes
        .iter()
        .find(|a| a.vpc_id == "vpc-tf:aws_vpc.v")
        .unwrap();
    assert!(a.enable_dns_support.unwrap().value, "default true");
    assert!(!a.enable_dns_hostnames.unwrap().value, "default false");
    let w = s
        .vpc_attributes
        .iter()
        .find(|a| a.vpc_id == "vpc-tf:aws_vpc.w")
        .unwrap();
    assert!(w.enable_dns_hostnames.unwrap().value);
    // The generated IPv6 block is known only after apply: recorded, never guessed.
    assert!(
        s.unresolved
            .iter()
            .any(|u| u.address == "aws_vpc.w" && u.field == "ipv6_cidr_block")
    );
    // AWS's defaults come with each VPC.
    assert!(
        s.route_tables
            .iter()
            .any(|t| t.route_table_id == "rtb-tf:aws_vpc.v#main")
    );
    assert!(
        s.network_acls
            .iter()
            .any(|a| a.network_acl_id == "acl-tf:aws_vpc.v#default")
    );
}

#[test]
fn kind_cidr_association_and_subnet() {
    let s = build(vec![
        res(
            "aws_vpc_ipv4_cidr_block_association.extra",
            json!({"cidr_block": "100.64.0.0/16"}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        subnet("a", "100.64.1.0/24"),
        res(
            "aws_subnet.ipam",
            json!({}),
            json!({"id": true, "vpc_id": true, "cidr_block": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
    ]);
    let v = &s.vpcs[0];
    assert!(
        v.cidr_block_association_set
            .iter()
            .any(|a| a.cidr_block == "100.64.0.0/16")
    );
    let a = s
        .subnets
        .iter()
        .find(|x| x.subnet_id == "subnet-tf:aws_subnet.a")
        .unwrap();
    assert_eq!(a.vpc_id, "vpc-tf:aws_vpc.v");
    assert_eq!(a.cidr_block.as_deref(), Some("100.64.1.0/24"));
    // A subnet whose CIDR is known only after apply is left out.
    assert!(
        !s.subnets
            .iter()
            .any(|x| x.subnet_id == "subnet-tf:aws_subnet.ipam")
    );
    assert!(
        s.unresolved
            .iter()
            .any(|u| u.address == "aws_subnet.ipam" && u.field == "cidr_block")
    );
    // Local routes cover the secondary block too.
    let main = &s.route_tables[0];
    assert!(
        main.routes.iter().any(
            |r| r.destination_cidr_block.as_deref() == Some("100.64.0.0/16")
                && r.gateway_id.as_deref() == Some("local")
        )
    );
}

fn route_block(fields: Value) -> Value {
    let mut b = json!({"cidr_block": "", "ipv6_cidr_block": "", "destination_prefix_list_id": "",
        "gateway_id": "", "nat_gateway_id": "", "transit_gateway_id": "",
        "vpc_peering_connection_id": "", "network_interface_id": "", "egress_only_gateway_id": "",
        "vpc_endpoint_id": "", "core_network_arn": "", "local_gateway_id": "", "carrier_gateway_id": ""});
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[test]
fn kind_route_table_inline_routes_route_and_associations() {
    let s = build(vec![
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_internet_gateway.igw",
            json!({}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        res(
            "aws_egress_only_internet_gateway.eigw",
            json!({}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        res(
            "aws_route_table.t",
            json!({"route": [
                route_block(json!({"cidr_block": "0.0.0.0/0"})),
                route_block(json!({"cidr_block": "192.168.0.0/16", "transit_gateway_id": "tgw-0123"})),
                route_block(json!({"cidr_block": "172.16.0.0/12", "vpc_peering_connection_id": "pcx-1"})),
                route_block(json!({"cidr_block": "172.32.0.0/16", "network_interface_id": "eni-1"})),
                route_block(json!({"cidr_block": "172.33.0.0/16", "core_network_arn": "arn:aws:networkmanager::1:core-network/x"})),
                route_block(json!({"cidr_block": "172.34.0.0/16", "local_gateway_id": "lgw-1"})),
                route_block(json!({"cidr_block": "172.35.0.0/16", "carrier_gateway_id": "cagw-1"})),
                route_block(json!({"destination_prefix_list_id": "pl-1", "vpc_endpoint_id": "vpce-1"})),
                route_block(json!({"ipv6_cidr_block": "::/0"}))
            ]}),
            json!({"id": true, "vpc_id": true,
                   "route": [{"gateway_id": true}, {}, {}, {}, {}, {}, {}, {}, {"egress_only_gateway_id": true}]}),
            json!({"vpc_id": r("aws_vpc.v.id"), "route": [
                {"cidr_block": {"constant_value": "0.0.0.0/0"}, "gateway_id": r("aws_internet_gateway.igw.id")},
                {"ipv6_cidr_block": {"constant_value": "::/0"},
                 "egress_only_gateway_id": r("aws_egress_only_internet_gateway.eigw.id")}
            ]}),
        ),
        res(
            "aws_route.nat",
            json!({"destination_cidr_block": "10.99.0.0/16", "nat_gateway_id": "nat-0literal"}),
            json!({"id": true, "route_table_id": true}),
            json!({"route_table_id": r("aws_route_table.t.id")}),
        ),
        res(
            "aws_route_table_association.a",
            json!({}),
            json!({"id": true, "subnet_id": true, "route_table_id": true}),
            json!({"subnet_id": r("aws_subnet.a.id"), "route_table_id": r("aws_route_table.t.id")}),
        ),
        res(
            "aws_route_table_association.edge",
            json!({}),
            json!({"id": true, "gateway_id": true, "route_table_id": true}),
            json!({"gateway_id": r("aws_internet_gateway.igw.id"), "route_table_id": r("aws_route_table.t.id")}),
        ),
        res(
            "aws_main_route_table_association.m",
            json!({}),
            json!({"id": true, "vpc_id": true, "route_table_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id"), "route_table_id": r("aws_route_table.t.id")}),
        ),
    ]);
    let t = s
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-tf:aws_route_table.t")
        .unwrap();
    let by = |dest: &str| {
        t.routes
            .iter()
            .find(|r| {
                r.destination_cidr_block.as_deref() == Some(dest)
                    || r.destination_ipv6_cidr_block.as_deref() == Some(dest)
                    || r.destination_prefix_list_id.as_deref() == Some(dest)
            })
            .unwrap_or_else(|| panic!("no route to {dest}: {:?}", t.routes))
    };
    assert_eq!(by("10.0.0.0/16").gateway_id.as_deref(), Some("local"));
    assert_eq!(
        by("0.0.0.0/0").gateway_id.as_deref(),
        Some("igw-tf:aws_internet_gateway.igw")
    );
    assert_eq!(
        by("::/0").egress_only_internet_gateway_id.as_deref(),
        Some("eigw-tf:aws_egress_only_internet_gateway.eigw")
    );
    assert_eq!(
        by("192.168.0.0/16").transit_gateway_id.as_deref(),
        Some("tgw-0123")
    );
    assert_eq!(
        by("172.16.0.0/12").vpc_peering_connection_id.as_deref(),
        Some("pcx-1")
    );
    assert_eq!(
        by("172.32.0.0/16").network_interface_id.as_deref(),
        Some("eni-1")
    );
    assert!(by("172.33.0.0/16").core_network_arn.is_some());
    assert_eq!(
        by("172.34.0.0/16").local_gateway_id.as_deref(),
        Some("lgw-1")
    );
    assert_eq!(
        by("172.35.0.0/16").carrier_gateway_id.as_deref(),
        Some("cagw-1")
    );
    assert_eq!(by("pl-1").gateway_id.as_deref(), Some("vpce-1"));
    assert_eq!(
        by("10.99.0.0/16").nat_gateway_id.as_deref(),
        Some("nat-0literal")
    );
    assert!(
        t.associations
            .iter()
            .any(|a| a.subnet_id.as_deref() == Some("subnet-tf:aws_subnet.a"))
    );
    assert!(
        t.associations
            .iter()
            .any(|a| a.gateway_id.as_deref() == Some("igw-tf:aws_internet_gateway.igw"))
    );
    assert!(t.associations.iter().any(|a| a.main == Some(true)));
    let old_main = s
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-tf:aws_vpc.v#main")
        .unwrap();
    assert!(!old_main.associations.iter().any(|a| a.main == Some(true)));
    let igw = &s.internet_gateways[0];
    assert_eq!(igw.attachments[0].vpc_id, "vpc-tf:aws_vpc.v");
    let eigw = &s.egress_only_internet_gateways[0];
    assert_eq!(eigw.attachments[0].vpc_id, "vpc-tf:aws_vpc.v");
    assert!(s.unresolved.is_empty(), "{:?}", s.unresolved);
}

#[test]
fn kind_default_route_table_replaces_the_main_routes() {
    let s = build(vec![
        res(
            "aws_internet_gateway.igw",
            json!({}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        res(
            "aws_default_route_table.d",
            json!({"route": [route_block(json!({"cidr_block": "0.0.0.0/0"}))]}),
            json!({"id": true, "default_route_table_id": true, "route": [{"gateway_id": true}]}),
            json!({"default_route_table_id": r("aws_vpc.v.default_route_table_id"),
                   "route": [{"cidr_block": {"constant_value": "0.0.0.0/0"},
                              "gateway_id": r("aws_internet_gateway.igw.id")}]}),
        ),
        res(
            "aws_internet_gateway_attachment.x",
            json!({"internet_gateway_id": "igw-0other", "vpc_id": "vpc-0other"}),
            json!({"id": true}),
            json!({}),
        ),
    ]);
    let main = s
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-tf:aws_vpc.v#main")
        .unwrap();
    assert_eq!(main.routes.len(), 2, "{:?}", main.routes);
    assert!(
        main.routes
            .iter()
            .any(|r| r.gateway_id.as_deref() == Some("igw-tf:aws_internet_gateway.igw"))
    );
    assert!(main.associations.iter().any(|a| a.main == Some(true)));
    // An attachment to a gateway that exists nowhere is recorded.
    assert!(
        s.unresolved
            .iter()
            .any(|u| u.address == "aws_internet_gateway_attachment.x")
    );
}

#[test]
fn kind_nat_gateway_and_eip() {
    let s = build(vec![
        subnet("pub", "10.0.0.0/24"),
        res(
            "aws_eip.e",
            json!({"domain": "vpc", "public_ip": "3.3.3.3"}),
            json!({"id": true, "allocation_id": true}),
            json!({}),
        ),
        res(
            "aws_nat_gateway.public",
            json!({}),
            json!({"id": true, "subnet_id": true, "allocation_id": true}),
            json!({"subnet_id": r("aws_subnet.pub.id"), "allocation_id": r("aws_eip.e.id")}),
        ),
        res(
            "aws_nat_gateway.private",
            json!({"connectivity_type": "private"}),
            json!({"id": true, "subnet_id": true}),
            json!({"subnet_id": r("aws_subnet.pub.id")}),
        ),
    ]);
    let public = s
        .nat_gateways
        .iter()
        .find(|n| n.nat_gateway_id == "nat-tf:aws_nat_gateway.public")
        .unwrap();
    assert_eq!(
        public.connectivity_type.as_deref(),
        Some("public"),
        "default public"
    );
    assert_eq!(public.vpc_id.as_deref(), Some("vpc-tf:aws_vpc.v"));
    assert_eq!(public.state.as_deref(), Some("available"));
    assert_eq!(
        public.nat_gateway_addresses[0].public_ip.as_deref(),
        Some("3.3.3.3")
    );
    let private = s
        .nat_gateways
        .iter()
        .find(|n| n.nat_gateway_id == "nat-tf:aws_nat_gateway.private")
        .unwrap();
    assert_eq!(private.connectivity_type.as_deref(), Some("private"));
}

fn sg_rule(fields: Value) -> Value {
    let mut b = json!({"cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [],
        "security_groups": [], "self": false, "description": ""});
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[test]
fn kind_security_groups_and_rules() {
    let s = build(vec![
        res(
            "aws_security_group.a",
            json!({"name": "a", "ingress": [
                sg_rule(json!({"protocol": "tcp", "from_port": 443, "to_port": 443, "self": true})),
                sg_rule(json!({"protocol": "6", "from_port": 22, "to_port": 22,
                               "cidr_blocks": ["10.0.0.0/8"], "ipv6_cidr_blocks": ["fd00::/8"],
                               "prefix_list_ids": ["pl-1"], "security_groups": ["sg-0other"]}))
            ]}),
            json!({"id": true, "vpc_id": true, "egress": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        res(
            "aws_security_group.b",
            json!({"name": "b", "ingress": [],
                   "egress": [sg_rule(json!({"protocol": "-1", "from_port": 0, "to_port": 0,
                                             "cidr_blocks": ["0.0.0.0/0"]}))]}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id"), "egress": {"constant_value": []}}),
        ),
        res(
            "aws_security_group_rule.r",
            json!({"type": "egress", "protocol": "tcp", "from_port": 443, "to_port": 443,
                   "cidr_blocks": ["10.0.0.0/16"]}),
            json!({"id": true, "security_group_id": true, "source_security_group_id": true}),
            json!({"security_group_id": r("aws_security_group.a.id"),
                   "source_security_group_id": r("aws_security_group.b.id")}),
        ),
        res(
            "aws_vpc_security_group_egress_rule.e",
            json!({"ip_protocol": "-1", "prefix_list_id": "pl-2"}),
            json!({"id": true, "security_group_id": true}),
            json!({"security_group_id": r("aws_security_group.b.id")}),
        ),
        res(
            "aws_vpc_security_group_ingress_rule.i",
            json!({"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.0.0.0/16"}),
            json!({"id": true, "security_group_id": true, "referenced_security_group_id": true}),
            json!({"security_group_id": r("aws_security_group.b.id"),
                   "referenced_security_group_id": r("aws_security_group.a.id")}),
        ),
        res(
            "aws_default_security_group.d",
            json!({"ingress": [], "egress": []}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
    ]);
    let g = |id: &str| s.security_groups.iter().find(|g| g.group_id == id).unwrap();
    let a = g("sg-tf:aws_security_group.a");
    assert_eq!(a.vpc_id.as_deref(), Some("vpc-tf:aws_vpc.v"));
    assert_eq!(a.ip_permissions.len(), 2);
    let selfref = &a.ip_permissions[0];
    assert_eq!(selfref.ip_protocol, "tcp");
    assert_eq!((selfref.from_port, selfref.to_port), (Some(443), Some(443)));
    assert_eq!(
        selfref.user_id_group_pairs[0].group_id.as_deref(),
        Some("sg-tf:aws_security_group.a")
    );
    let ssh = &a.ip_permissions[1];
    assert_eq!(ssh.ip_protocol, "tcp");
    assert_eq!(ssh.ip_ranges[0].cidr_ip, "10.0.0.0/8");
    assert_eq!(ssh.ipv6_ranges[0].cidr_ipv6, "fd00::/8");
    assert_eq!(ssh.prefix_list_ids[0].prefix_list_id, "pl-1");
    // sg-0other is neither planned nor in a base: the addresses it stands for are unknown (a
    // prefix list that exists nowhere), never "no member at all".
    assert!(ssh.user_id_group_pairs.is_empty());
    assert_eq!(
        ssh.prefix_list_ids[1].prefix_list_id,
        "pl-unresolved:peer sg-0other"
    );
    // No egress block: Terraform removed AWS's allow-all; only the separate rule is there.
    assert_eq!(a.ip_permissions_egress.len(), 1);
    let e = &a.ip_permissions_egress[0];
    assert_eq!(e.ip_ranges[0].cidr_ip, "10.0.0.0/16");
    assert_eq!(
        e.user_id_group_pairs[0].group_id.as_deref(),
        Some("sg-tf:aws_security_group.b")
    );
    let b = g("sg-tf:aws_security_group.b");
    assert_eq!(b.ip_permissions_egress.len(), 2);
    assert_eq!(b.ip_permissions_egress[0].ip_protocol, "-1");
    assert_eq!(b.ip_permissions_egress[0].from_port, None);
    assert_eq!(
        b.ip_permissions_egress[1].prefix_list_ids[0].prefix_list_id,
        "pl-2"
    );
    assert_eq!(
        b.ip_permissions[0].user_id_group_pairs[0]
            .group_id
            .as_deref(),
        Some("sg-tf:aws_security_group.a")
    );
    assert_eq!(b.ip_permissions[0].ip_ranges[0].cidr_ip, "10.0.0.0/16");
    let d = g("sg-tf:aws_vpc.v#default");
    assert!(d.ip_permissions.is_empty() && d.ip_permissions_egress.is_empty());
    // The one thing left open: the literal sg-0other.
    assert_eq!(s.unresolved.len(), 1, "{:?}", s.unresolved);
    assert!(s.unresolved[0].reason.contains("sg-0other"));
}

fn acl_block(fields: Value) -> Value {
    let mut b = json!({"cidr_block": "", "ipv6_cidr_block": "", "icmp_code": 0, "icmp_type": 0,
        "from_port": 0, "to_port": 0});
    for (k, v) in fields.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[test]
fn kind_network_acls_rules_and_associations() {
    let s = build(vec![
        subnet("a", "10.0.1.0/24"),
        subnet("b", "10.0.2.0/24"),
        res(
            "aws_network_acl.n",
            json!({
                "ingress": [acl_block(json!({"protocol": "tcp", "rule_no": 100, "action": "allow",
                                             "cidr_block": "10.0.0.0/16", "from_port": 443, "to_port": 443}))],
                "egress": [acl_block(json!({"protocol": "icmp", "rule_no": 110, "action": "deny",
                                            "cidr_block": "0.0.0.0/0", "icmp_type": 8, "icmp_code": -1}))]
            }),
            json!({"id": true, "vpc_id": true, "subnet_ids": true}),
            json!({"vpc_id": r("aws_vpc.v.id"), "subnet_ids": r("aws_subnet.a.id")}),
        ),
        res(
            "aws_network_acl_rule.r",
            json!({"rule_number": 200, "egress": true, "protocol": "-1", "rule_action": "allow",
                   "cidr_block": "0.0.0.0/0"}),
            json!({"id": true, "network_acl_id": true}),
            json!({"network_acl_id": r("aws_network_acl.n.id")}),
        ),
        res(
            "aws_network_acl_association.b",
            json!({}),
            json!({"id": true, "network_acl_id": true, "subnet_id": true}),
            json!({"network_acl_id": r("aws_network_acl.n.id"), "subnet_id": r("aws_subnet.b.id")}),
        ),
        res(
            "aws_default_network_acl.d",
            json!({"ingress": [], "egress": []}),
            json!({"id": true, "default_network_acl_id": true}),
            json!({"default_network_acl_id": r("aws_vpc.v.default_network_acl_id")}),
        ),
    ]);
    let n = s
        .network_acls
        .iter()
        .find(|a| a.network_acl_id == "acl-tf:aws_network_acl.n")
        .unwrap();
    let tcp = n.entries.iter().find(|e| e.rule_number == 100).unwrap();
    assert!(!tcp.egress);
    assert_eq!(tcp.protocol, "6");
    assert_eq!(tcp.rule_action, "allow");
    assert_eq!(tcp.port_range.as_ref().unwrap().from, Some(443));
    let icmp = n.entries.iter().find(|e| e.rule_number == 110).unwrap();
    assert!(icmp.egress);
    assert_eq!(icmp.protocol, "1");
    assert_eq!(icmp.icmp_type_code.as_ref().unwrap().r#type, Some(8));
    let all = n.entries.iter().find(|e| e.rule_number == 200).unwrap();
    assert!(all.egress && all.protocol == "-1");
    let subnets: Vec<&str> = n
        .associations
        .iter()
        .filter_map(|a| a.subnet_id.as_deref())
        .collect();
    assert_eq!(
        subnets,
        ["subnet-tf:aws_subnet.a", "subnet-tf:aws_subnet.b"]
    );
    let d = s
        .network_acls
        .iter()
        .find(|a| a.network_acl_id == "acl-tf:aws_vpc.v#default")
        .unwrap();
    assert!(
        d.entries.is_empty(),
        "the default ACL's entries are replaced"
    );
    assert!(s.unresolved.is_empty(), "{:?}", s.unresolved);
}

#[test]
fn kind_prefix_lists_and_dhcp_options() {
    let s = build(vec![
        res(
            "aws_ec2_managed_prefix_list.p",
            json!({"name": "corp", "address_family": "IPv4", "max_entries": 5,
                   "entry": [{"cidr": "192.0.2.0/24", "description": "a"}]}),
            json!({"id": true}),
            json!({}),
        ),
        res(
            "aws_ec2_managed_prefix_list_entry.e",
            json!({"cidr": "198.51.100.0/24"}),
            json!({"id": true, "prefix_list_id": true}),
            json!({"prefix_list_id": r("aws_ec2_managed_prefix_list.p.id")}),
        ),
        res(
            "aws_vpc_dhcp_options.o",
            json!({"domain_name_servers": ["10.0.0.2", "10.0.0.3"], "domain_name": "corp.example"}),
            json!({"id": true}),
            json!({}),
        ),
        res(
            "aws_vpc_dhcp_options_association.a",
            json!({}),
            json!({"id": true, "vpc_id": true, "dhcp_options_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id"), "dhcp_options_id": r("aws_vpc_dhcp_options.o.id")}),
        ),
    ]);
    let p = &s.prefix_lists[0];
    assert_eq!(p.prefix_list_id, "pl-tf:aws_ec2_managed_prefix_list.p");
    assert_eq!(p.prefix_list_name.as_deref(), Some("corp"));
    assert_eq!(
        p.cidrs.as_deref(),
        Some(&["192.0.2.0/24".to_string(), "198.51.100.0/24".to_string()][..])
    );
    let o = s
        .dhcp_options
        .as_ref()
        .unwrap()
        .iter()
        .find(|d| d.dhcp_options_id == "dopt-tf:aws_vpc_dhcp_options.o")
        .unwrap();
    assert_eq!(o.dhcp_configurations[0].key, "domain-name-servers");
    assert_eq!(o.dhcp_configurations[0].values.len(), 2);
    assert_eq!(
        s.vpcs[0].dhcp_options_id.as_deref(),
        Some("dopt-tf:aws_vpc_dhcp_options.o")
    );
}

#[test]
fn kind_vpc_endpoints_and_associations() {
    let base: Snapshot = serde_json::from_value(json!({
        "Region": "us-east-1",
        "PrefixLists": [{"PrefixListId": "pl-s3", "PrefixListName": "com.amazonaws.us-east-1.s3",
                         "Cidrs": ["52.216.0.0/15"]}]
    }))
    .unwrap();
    let mut resources = vec![
        vpc(),
        (
            "aws_subnet.a",
            json!({"cidr_block": "10.0.1.0/24"}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        (
            "aws_route_table.t",
            json!({"route": []}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        (
            "aws_security_group.e",
            json!({"name": "e", "ingress": [], "egress": []}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
    ];
    resources.extend([
        (
            "aws_vpc_endpoint.s3",
            json!({"service_name": "com.amazonaws.us-east-1.s3"}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        (
            "aws_vpc_endpoint.sts",
            json!({"service_name": "com.amazonaws.us-east-1.sts", "vpc_endpoint_type": "Interface",
                   "dns_options": [{"dns_record_ip_type": "ipv4",
                                    "private_dns_only_for_inbound_resolver_endpoint": false}]}),
            json!({"id": true, "vpc_id": true, "subnet_ids": true}),
            json!({"vpc_id": r("aws_vpc.v.id"), "subnet_ids": r("aws_subnet.a.id")}),
        ),
        (
            "aws_vpc_endpoint_route_table_association.s3",
            json!({}),
            json!({"id": true, "vpc_endpoint_id": true, "route_table_id": true}),
            json!({"vpc_endpoint_id": r("aws_vpc_endpoint.s3.id"),
                   "route_table_id": r("aws_route_table.t.id")}),
        ),
        (
            "aws_vpc_endpoint_subnet_association.sts",
            json!({"subnet_id": "subnet-0extra"}),
            json!({"id": true, "vpc_endpoint_id": true}),
            json!({"vpc_endpoint_id": r("aws_vpc_endpoint.sts.id")}),
        ),
        (
            "aws_vpc_endpoint_security_group_association.sts",
            json!({"replace_default_association": true}),
            json!({"id": true, "vpc_endpoint_id": true, "security_group_id": true}),
            json!({"vpc_endpoint_id": r("aws_vpc_endpoint.sts.id"),
                   "security_group_id": r("aws_security_group.e.id")}),
        ),
    ]);
    let s = read_value(&plan(&resources), Some(base)).expect("plan reads");
    let e = |id: &str| {
        s.vpc_endpoints
            .iter()
            .find(|e| e.vpc_endpoint_id == id)
            .unwrap()
    };
    let s3 = e("vpce-tf:aws_vpc_endpoint.s3");
    assert_eq!(
        s3.vpc_endpoint_type.as_deref(),
        Some("Gateway"),
        "default Gateway"
    );
    assert_eq!(s3.route_table_ids, vec!["rtb-tf:aws_route_table.t"]);
    let t = s
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-tf:aws_route_table.t")
        .unwrap();
    let pl = t
        .routes
        .iter()
        .find(|r| r.destination_prefix_list_id.as_deref() == Some("pl-s3"))
        .expect("the gateway endpoint's route");
    assert_eq!(
        pl.gateway_id.as_deref(),
        Some("vpce-tf:aws_vpc_endpoint.s3")
    );
    let sts = e("vpce-tf:aws_vpc_endpoint.sts");
    assert_eq!(sts.private_dns_enabled, Some(false), "Terraform's default");
    assert_eq!(sts.state.as_deref(), Some("available"));
    assert_eq!(
        sts.subnet_ids,
        vec!["subnet-tf:aws_subnet.a", "subnet-0extra"]
    );
    let groups: Vec<&str> = sts.groups.iter().map(|g| g.group_id.as_str()).collect();
    assert_eq!(
        groups,
        ["sg-tf:aws_security_group.e"],
        "the default group replaced"
    );
    let dns = sts.dns_options.as_ref().unwrap();
    assert_eq!(dns.dns_record_ip_type.as_deref(), Some("ipv4"));
    assert_eq!(s.region.as_deref(), Some("us-east-1"));
}

#[test]
fn kind_notebook_defaults() {
    let s = build(vec![
        subnet("a", "10.0.1.0/24"),
        res(
            "aws_sagemaker_notebook_instance.n",
            json!({"name": "nb", "instance_type": "ml.t3.medium", "security_groups": ["sg-0lit"]}),
            json!({"id": true, "subnet_id": true, "arn": true}),
            json!({"subnet_id": r("aws_subnet.a.id")}),
        ),
    ]);
    let nb = &s.notebook_instances[0];
    assert_eq!(nb.notebook_instance_name, "nb");
    assert_eq!(nb.subnet_id.as_deref(), Some("subnet-tf:aws_subnet.a"));
    assert_eq!(nb.security_groups, vec!["sg-0lit"]);
    assert_eq!(nb.direct_internet_access.as_deref(), Some("Enabled"));
    assert_eq!(nb.root_access.as_deref(), Some("Enabled"));
    assert_eq!(nb.network_interface_id, None);
    assert!(
        s.planned_resources
            .iter()
            .any(|p| p.id == "nb" && p.address == "aws_sagemaker_notebook_instance.n")
    );
}

#[test]
fn count_references_resolve_by_index_only_when_unambiguous() {
    let mut resources: Vec<(String, Value, Value, Value)> = Vec::new();
    for i in 0..2 {
        resources.push(res(
            &format!("aws_subnet.s[{i}]"),
            json!({"cidr_block": format!("10.0.{i}.0/24")}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ));
    }
    for i in 0..2 {
        resources.push(res(
            &format!("aws_route_table.t[{i}]"),
            json!({"route": []}),
            json!({"id": true, "vpc_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ));
        resources.push(res(
            &format!("aws_route_table_association.a[{i}]"),
            json!({}),
            json!({"id": true, "subnet_id": true, "route_table_id": true}),
            json!({"subnet_id": {"references": ["aws_subnet.s", "count.index"]},
                   "route_table_id": {"references": ["aws_route_table.t", "count.index"]}}),
        ));
    }
    // A splat from a for_each instance (no `each.*` in the expression): every subnet.
    resources.push(res(
        "aws_vpc_endpoint.e[\"sts\"]",
        json!({"service_name": "com.amazonaws.us-east-1.sts", "vpc_endpoint_type": "Interface",
               "security_group_ids": ["sg-0x"]}),
        json!({"id": true, "vpc_id": true, "subnet_ids": true}),
        json!({"vpc_id": r("aws_vpc.v.id"), "subnet_ids": {"references": ["aws_subnet.s"]}}),
    ));
    // One notebook with an unindexed reference to two subnets: ambiguous.
    resources.push(res(
        "aws_sagemaker_notebook_instance.n",
        json!({"name": "nb"}),
        json!({"id": true, "subnet_id": true}),
        json!({"subnet_id": {"references": ["aws_subnet.s"]}}),
    ));
    let s = build(resources);
    for i in 0..2 {
        let t = s
            .route_tables
            .iter()
            .find(|t| t.route_table_id == format!("rtb-tf:aws_route_table.t[{i}]"))
            .unwrap();
        assert_eq!(
            t.associations[0].subnet_id.as_deref(),
            Some(format!("subnet-tf:aws_subnet.s[{i}]").as_str())
        );
    }
    assert_eq!(
        s.vpc_endpoints[0].subnet_ids,
        vec!["subnet-tf:aws_subnet.s[0]", "subnet-tf:aws_subnet.s[1]"]
    );
    let nb = &s.notebook_instances[0];
    assert!(
        nb.subnet_id
            .as_deref()
            .unwrap()
            .starts_with("subnet-unresolved:")
    );
    assert!(
        s.unresolved
            .iter()
            .any(|u| u.address == "aws_sagemaker_notebook_instance.n"
                && u.field == "subnet_id"
                && u.reason.contains("not decidable"))
    );
}

#[test]
fn malformed_plans_are_errors_never_panics() {
    let cases = [
        json!({"format_version": "1.2", "planned_values": []}),
        json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": {}}}}),
        json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [3]}}}),
        json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": 1}]}}}),
        json!({"format_version": "2.0", "planned_values": {}}),
        json!({"format_version": "1.2", "planned_values": {}, "resource_changes": [{"address": "a.b", "change": {"actions": "create"}}]}),
        json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
            {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "values": {"cidr_block": 5}}]}}}),
        json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
            {"address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group",
             "values": {"ingress": [{"protocol": []}], "egress": []}}]}}}),
    ];
    for (i, c) in cases.iter().enumerate() {
        match read_value(c, None) {
            Err(PlanError::Invalid { at, .. }) => assert!(!at.is_empty(), "case {i}"),
            other => panic!("case {i}: {other:?}"),
        }
    }
    // Arbitrary garbage in value positions never panics.
    for v in [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({"a": [1, {"b": null}]}),
    ] {
        for key in ["values", "after_unknown", "expressions"] {
            let p = json!({"format_version": "1.2",
                "planned_values": {"root_module": {"resources": [
                    {"address": "aws_subnet.s", "mode": "managed", "type": "aws_subnet",
                     "values": if key == "values" { v.clone() } else { json!({"cidr_block": "10.0.0.0/24"}) }}]}},
                "resource_changes": [{"address": "aws_subnet.s", "type": "aws_subnet",
                    "change": {"actions": ["create"], "after_unknown": if key == "after_unknown" { v.clone() } else { json!({"vpc_id": true}) }}}],
                "configuration": {"root_module": {"resources": [{"address": "aws_subnet.s",
                    "expressions": if key == "expressions" { v.clone() } else { json!({}) }}]}}});
            let _ = read_value(&p, None);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Real plans written by others (`real/SOURCES.md`), with a notebook placed in them as a what-if.

fn place(snap: &mut Snapshot, subnet: &str, groups: &[&str]) {
    snap.notebook_instances
        .push(vpcreach_aws::snapshot::NotebookInstance {
            notebook_instance_name: "placed".into(),
            subnet_id: Some(subnet.into()),
            security_groups: groups.iter().map(|g| g.to_string()).collect(),
            direct_internet_access: Some("Disabled".into()),
            root_access: Some("Disabled".into()),
            ..Default::default()
        });
}

#[test]
fn real_community_vpc_module_plan() {
    let mut snap = read("real/terraform-compliance-issue-158-vpc-module.json", None);
    assert_eq!(snap.region.as_deref(), Some("eu-west-1"));
    let cidr = |id: &str| {
        snap.subnets
            .iter()
            .find(|s| s.subnet_id == id)
            .and_then(|s| s.cidr_block.clone())
    };
    assert_eq!(
        cidr("subnet-tf:module.vpc.aws_subnet.private[2]").as_deref(),
        Some("10.0.3.0/24")
    );
    assert_eq!(
        cidr("subnet-tf:module.vpc.aws_subnet.public[0]").as_deref(),
        Some("10.0.101.0/24")
    );
    // count.index references resolve per instance: NAT i in public subnet i, private table i
    // routes to NAT i and serves private subnet i.
    for i in 0..3 {
        let nat = snap
            .nat_gateways
            .iter()
            .find(|n| n.nat_gateway_id == format!("nat-tf:module.vpc.aws_nat_gateway.this[{i}]"))
            .unwrap();
        assert_eq!(
            nat.subnet_id.as_deref(),
            Some(format!("subnet-tf:module.vpc.aws_subnet.public[{i}]").as_str())
        );
        let rt = snap
            .route_tables
            .iter()
            .find(|t| t.route_table_id == format!("rtb-tf:module.vpc.aws_route_table.private[{i}]"))
            .unwrap();
        assert!(
            rt.routes
                .iter()
                .any(|r| r.destination_cidr_block.as_deref() == Some("0.0.0.0/0")
                    && r.nat_gateway_id.as_deref()
                        == Some(format!("nat-tf:module.vpc.aws_nat_gateway.this[{i}]").as_str()))
        );
        assert_eq!(
            rt.associations[0].subnet_id.as_deref(),
            Some(format!("subnet-tf:module.vpc.aws_subnet.private[{i}]").as_str())
        );
    }
    // The module names its VPC through `local.vpc_id`: left open, never guessed.
    let u = snap
        .unresolved
        .iter()
        .find(|u| u.address == "module.vpc.aws_subnet.private[0]" && u.field == "vpc_id")
        .expect("the subnet's VPC is unresolved");
    assert!(u.reason.contains("local.vpc_id"), "{}", u.reason);
    place(
        &mut snap,
        "subnet-tf:module.vpc.aws_subnet.private[0]",
        &["sg-tf:module.vpc.aws_vpc.this[0]#default"],
    );
    let r = judge(&snap);
    let nb = notebook(&r, "placed");
    // AWS would route it through NAT 0; without its VPC the reader cannot prove it, and must
    // not call it isolated.
    assert_ne!(status(nb, "internet"), Status::Unreachable);
    assert!(!nb.compliant);
}

#[test]
fn real_security_group_plan() {
    let mut snap = read("real/terraform-compliance-pull-330-sg.json", None);
    let g = snap
        .security_groups
        .iter()
        .find(|g| g.group_id == "sg-tf:aws_security_group.allow_all_egress")
        .unwrap();
    assert_eq!(g.vpc_id.as_deref(), Some("vpc-tf:aws_vpc.pass"));
    assert!(g.ip_permissions.is_empty(), "no ingress configured");
    assert_eq!(g.ip_permissions_egress.len(), 1);
    assert_eq!(g.ip_permissions_egress[0].from_port, Some(443));
    let s = &snap.subnets[0];
    assert_eq!(s.subnet_id, "subnet-tf:aws_subnet.test");
    assert_eq!(s.vpc_id, "vpc-tf:aws_vpc.pass");
    // Terraform 0.12's provider computed enable_dns_hostnames: left open.
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "aws_vpc.pass" && u.field == "enable_dns_hostnames")
    );
    // The rule names a group that exists nowhere.
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "aws_security_group_rule.allow_all")
    );
    place(
        &mut snap,
        "subnet-tf:aws_subnet.test",
        &["sg-tf:aws_security_group.allow_all_egress"],
    );
    let r = judge(&snap);
    let nb = notebook(&r, "placed");
    // The subnet uses the VPC's main table, which has only its local route.
    assert_eq!(status(nb, "internet"), Status::Unreachable);
    assert!(!nb.compliant);
}

/// A plan against `base-deployed.json` changing existing resources.
fn change(address: &str, action: &str, before: Value, after: Value, unknown: Value) -> Value {
    let (rtype, rest) = address.split_once('.').unwrap();
    let mut res = json!({"address": address, "mode": "managed", "type": rtype, "name": rest,
        "change": {"actions": [action], "before": before, "after": after, "after_unknown": unknown}});
    if action == "replace" {
        res["change"]["actions"] = json!(["delete", "create"]);
    }
    res
}

#[test]
fn updating_a_deployed_security_group_replaces_its_rules() {
    let before = json!({"id": "sg-0nb", "name": "notebook-sg", "vpc_id": "vpc-0base", "ingress": [],
        "egress": [sg_rule(json!({"protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}))]});
    let mut after = before.clone();
    after["egress"] = json!([sg_rule(
        json!({"protocol": "tcp", "from_port": 443, "to_port": 443,
        "cidr_blocks": ["10.1.0.0/16"]})
    )]);
    let p = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_security_group.nb", "mode": "managed", "type": "aws_security_group",
             "name": "nb", "values": after.clone()}]}},
        "resource_changes": [change("aws_security_group.nb", "update", before.clone(), after, json!({}))],
        "prior_state": {"values": {"root_module": {"resources": [
            {"address": "aws_security_group.nb", "mode": "managed", "type": "aws_security_group",
             "name": "nb", "values": before}]}}}
    });
    let snap = read_value(&p, Some(base("base-deployed.json"))).expect("plan reads");
    let g = snap
        .security_groups
        .iter()
        .find(|g| g.group_id == "sg-0nb")
        .unwrap();
    assert_eq!(g.ip_permissions_egress.len(), 1);
    assert_eq!(
        g.ip_permissions_egress[0].ip_ranges[0].cidr_ip,
        "10.1.0.0/16"
    );
    assert!(
        snap.planned_resources
            .iter()
            .any(|p| p.id == "sg-0nb" && p.action == "update")
    );
    let r = judge(&snap);
    let nb = notebook(&r, "exposed-nb");
    // The NAT route is still there, but the security group lets nothing out to the internet.
    assert_eq!(status(nb, "internet"), Status::Unreachable);
}

#[test]
fn destroying_and_replacing_deployed_resources() {
    // The notebook is destroyed; the private subnet is replaced by a new one.
    let nb_before = json!({"id": "exposed-nb", "name": "exposed-nb", "subnet_id": "subnet-0priv"});
    let sn_before =
        json!({"id": "subnet-0priv", "vpc_id": "vpc-0base", "cidr_block": "10.1.1.0/24"});
    let sn_after = json!({"vpc_id": "vpc-0base", "cidr_block": "10.1.2.0/24"});
    let p = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            {"address": "aws_subnet.priv", "mode": "managed", "type": "aws_subnet", "name": "priv",
             "values": sn_after.clone()},
            {"address": "aws_sagemaker_notebook_instance.keep", "mode": "managed",
             "type": "aws_sagemaker_notebook_instance", "name": "keep",
             "values": {"name": "keep", "subnet_id": "subnet-0pub", "security_groups": ["sg-0nb"],
                        "direct_internet_access": "Disabled", "root_access": "Disabled"}}]}},
        "resource_changes": [
            change("aws_sagemaker_notebook_instance.nb", "delete", nb_before, Value::Null, json!({})),
            change("aws_subnet.priv", "replace", sn_before, sn_after, json!({"id": true}))
        ]
    });
    let snap = read_value(&p, Some(base("base-deployed.json"))).expect("plan reads");
    assert!(
        !snap
            .notebook_instances
            .iter()
            .any(|n| n.notebook_instance_name == "exposed-nb")
    );
    assert!(!snap.subnets.iter().any(|s| s.subnet_id == "subnet-0priv"));
    let new = snap
        .subnets
        .iter()
        .find(|s| s.subnet_id == "subnet-tf:aws_subnet.priv")
        .unwrap();
    assert_eq!(new.cidr_block.as_deref(), Some("10.1.2.0/24"));
    assert!(
        snap.planned_resources
            .iter()
            .any(|p| p.id == "subnet-tf:aws_subnet.priv" && p.action == "replace")
    );
    let r = judge(&snap);
    assert_eq!(names(&r), ["keep"]);
    // In the public subnet without a public address: the IGW route gives no IPv4 internet.
    assert_eq!(
        status(notebook(&r, "keep"), "internet"),
        Status::Unreachable
    );
}

#[test]
fn region_from_a_variable_and_prefix_list_of_an_endpoint() {
    let mut p = plan(&[
        vpc(),
        (
            "aws_vpc_endpoint.s3",
            json!({"service_name": "com.amazonaws.eu-west-1.s3"}),
            json!({"id": true, "vpc_id": true, "prefix_list_id": true}),
            json!({"vpc_id": r("aws_vpc.v.id")}),
        ),
        (
            "aws_security_group.g",
            json!({"name": "g", "ingress": [],
                   "egress": [sg_rule(json!({"protocol": "tcp", "from_port": 443, "to_port": 443}))]}),
            json!({"id": true, "vpc_id": true, "egress": [{"prefix_list_ids": true}]}),
            json!({"vpc_id": r("aws_vpc.v.id"),
                   "egress": [{"protocol": {"constant_value": "tcp"},
                               "prefix_list_ids": r("aws_vpc_endpoint.s3.prefix_list_id")}]}),
        ),
    ]);
    p["configuration"]["provider_config"]["aws"]["expressions"]["region"] =
        json!({"references": ["var.region"]});
    p["variables"] = json!({"region": {"value": "eu-west-1"}});
    let base: Snapshot = serde_json::from_value(json!({
        "PrefixLists": [{"PrefixListId": "pl-6da54004", "PrefixListName": "com.amazonaws.eu-west-1.s3",
                         "Cidrs": ["52.218.0.0/17"]}]
    }))
    .unwrap();
    let snap = read_value(&p, Some(base)).expect("plan reads");
    assert_eq!(snap.region.as_deref(), Some("eu-west-1"));
    let g = &snap
        .security_groups
        .iter()
        .find(|g| g.group_id == "sg-tf:aws_security_group.g")
        .unwrap();
    assert_eq!(
        g.ip_permissions_egress[0].prefix_list_ids[0].prefix_list_id,
        "pl-6da54004"
    );
    // Without the base, the reference is left open.
    let snap = read_value(&p, None).expect("plan reads");
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "aws_security_group.g" && u.field == "egress.prefix_list_ids")
    );
}

/// Every value of a fixture replaced in turn by a value of another type: an error or a
/// snapshot, never a panic (and a snapshot always converts or fails cleanly).
#[test]
fn every_value_replaced_never_panics() {
    for name in ["isolated-plus-nat.json", "community-vpc-module.json"] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let root: Value = serde_json::from_str(&text).unwrap();
        mutate_each(&root);
    }
}

fn mutate_each(root: &Value) {
    fn paths(v: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(at.clone());
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    at.push(k.clone());
                    paths(x, at, out);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    at.push(i.to_string());
                    paths(x, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut all = Vec::new();
    paths(root, &mut Vec::new(), &mut all);
    let replacements = [
        json!(null),
        json!(7),
        json!("sg-x"),
        json!([]),
        json!({"a": true}),
    ];
    let mut n = 0;
    for (i, p) in all.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        let mut v = root.clone();
        let mut cur = &mut v;
        for k in p {
            cur = match cur {
                Value::Object(o) => o.get_mut(k).unwrap(),
                Value::Array(a) => &mut a[k.parse::<usize>().unwrap()],
                _ => unreachable!(),
            };
        }
        *cur = replacements[i % replacements.len()].clone();
        if let Ok(s) = read_value(&v, None) {
            let _ = vpcreach_aws::convert(&s);
        }
        n += 1;
    }
    assert!(n > 500, "{n} mutations");
}

#[test]
fn existing_resources_read_from_the_plan_alone() {
    let vpc = json!({"id": "vpc-0ex", "cidr_block": "10.5.0.0/16", "enable_dns_support": true,
        "enable_dns_hostnames": true, "main_route_table_id": "rtb-0exmain",
        "default_route_table_id": "rtb-0exmain", "default_network_acl_id": "acl-0ex",
        "default_security_group_id": "sg-0exdef", "dhcp_options_id": "dopt-0ex"});
    let subnet = json!({"id": "subnet-0ex", "vpc_id": "vpc-0ex", "cidr_block": "10.5.1.0/24"});
    let nb = json!({"name": "nb", "subnet_id": "subnet-0ex", "security_groups": ["sg-0exdef"],
        "direct_internet_access": "Disabled", "root_access": "Disabled"});
    let res = |a: &str, t: &str, v: &Value| {
        json!({"address": a, "mode": "managed", "type": t, "name": a.split('.').nth(1).unwrap(),
               "values": v})
    };
    let p = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            res("aws_vpc.v", "aws_vpc", &vpc),
            res("aws_subnet.s", "aws_subnet", &subnet),
            res("aws_sagemaker_notebook_instance.n", "aws_sagemaker_notebook_instance", &nb)]}},
        "resource_changes": [
            change("aws_vpc.v", "no-op", vpc.clone(), vpc.clone(), json!({})),
            change("aws_subnet.s", "no-op", subnet.clone(), subnet.clone(), json!({})),
            change("aws_sagemaker_notebook_instance.n", "create", Value::Null, nb.clone(),
                   json!({"id": true}))
        ]
    });
    let snap = read_value(&p, None).expect("plan reads");
    // The existing VPC's main route table, default ACL and default security group are not in
    // the plan: their content may have changed since AWS created them, so they are left out,
    // each with an Unresolved entry — never judged on creation-time defaults.
    for id in ["rtb-0exmain", "acl-0ex", "sg-0exdef"] {
        assert!(
            !snap.route_tables.iter().any(|t| t.route_table_id == id)
                && !snap.network_acls.iter().any(|a| a.network_acl_id == id)
                && !snap.security_groups.iter().any(|g| g.group_id == id),
            "{id} is assumed"
        );
        assert!(
            snap.unresolved
                .iter()
                .any(|u| u.address == "aws_vpc.v" && u.reason.contains(id)),
            "{id}: {:?}",
            snap.unresolved
        );
    }
    // Only the notebook is planned.
    assert_eq!(snap.planned_resources.len(), 1);
    // The existing VPC's DHCP option set is not in the plan: its resolver is not assumed.
    assert_eq!(snap.vpcs[0].dhcp_options_id.as_deref(), Some("dopt-0ex"));
    let r = judge(&snap);
    let nb = notebook(&r, "nb");
    // The subnet uses the main route table, whose routes are unknown: so is the internet.
    assert_eq!(status(nb, "internet"), Status::Unknown);
    assert_eq!(status(nb, "sts"), Status::Unknown);
}

#[test]
fn an_existing_vpcs_defaults_adopted_by_the_plan_are_known() {
    let vpc = json!({"id": "vpc-0ad", "cidr_block": "10.6.0.0/16", "enable_dns_support": true,
        "enable_dns_hostnames": true, "main_route_table_id": "rtb-0admain",
        "default_route_table_id": "rtb-0admain", "default_network_acl_id": "acl-0ad",
        "default_security_group_id": "sg-0addef", "dhcp_options_id": "dopt-0ad"});
    let drt = json!({"id": "rtb-0admain", "default_route_table_id": "rtb-0admain",
        "vpc_id": "vpc-0ad", "route": []});
    let res = |a: &str, t: &str, v: &Value| {
        json!({"address": a, "mode": "managed", "type": t, "name": a.split('.').nth(1).unwrap(),
               "values": v})
    };
    let p = json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": [
            res("aws_vpc.v", "aws_vpc", &vpc),
            res("aws_default_route_table.d", "aws_default_route_table", &drt)]}},
        "resource_changes": [
            change("aws_vpc.v", "no-op", vpc.clone(), vpc.clone(), json!({})),
            change("aws_default_route_table.d", "update", drt.clone(), drt.clone(), json!({}))
        ]
    });
    let snap = read_value(&p, None).expect("plan reads");
    let main = snap
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-0admain")
        .expect("the adopted main table is kept");
    assert!(main.associations.iter().any(|a| a.main == Some(true)));
    assert_eq!(
        main.routes.len(),
        1,
        "only its local route: the plan empties it"
    );
    // The defaults the plan does not adopt are left out.
    assert!(
        !snap
            .network_acls
            .iter()
            .any(|a| a.network_acl_id == "acl-0ad")
    );
    assert!(
        !snap
            .security_groups
            .iter()
            .any(|g| g.group_id == "sg-0addef")
    );
}

#[test]
fn data_sources_from_plan_values_or_base() {
    let data = |a: &str, values: Value, unknown: Value, action: &str| {
        let (_, rest) = a.split_once('.').unwrap();
        let (t, n) = rest.split_once('.').unwrap();
        (
            json!({"address": a, "mode": "data", "type": t, "name": n, "values": values}),
            json!({"address": a, "mode": "data", "type": t, "name": n,
                   "change": {"actions": [action], "before": null, "after": values,
                              "after_unknown": unknown}}),
        )
    };
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    for (p, c) in [
        // Read at apply: looked up in --base.
        data(
            "data.aws_vpc.by_tag",
            json!({"tags": {"Name": "ml"}}),
            json!({"id": true, "cidr_block": true}),
            "read",
        ),
        data(
            "data.aws_route_table.of_subnet",
            json!({"subnet_id": "subnet-0priv"}),
            json!({"id": true, "routes": true}),
            "read",
        ),
        data(
            "data.aws_subnet.ambiguous",
            json!({"vpc_id": "vpc-0base"}),
            json!({"id": true}),
            "read",
        ),
        data(
            "data.aws_subnet.by_filter",
            json!({"filter": [{"name": "tag:Name", "values": ["pub*"]}]}),
            json!({"id": true}),
            "read",
        ),
    ] {
        planned.push(p);
        changes.push(c);
    }
    // Read at plan time: its values are used (and the prefix list joins the snapshot).
    planned.push(json!({"address": "data.aws_prefix_list.s3", "mode": "data",
        "type": "aws_prefix_list", "name": "s3",
        "values": {"id": "pl-0dyn", "name": "com.amazonaws.us-east-1.dynamodb",
                   "cidr_blocks": ["52.94.0.0/22"]}}));
    let refs = |attrs: &[(&str, &str)]| {
        let mut e = serde_json::Map::new();
        for (k, t) in attrs {
            e.insert(k.to_string(), json!({"references": [t]}));
        }
        Value::Object(e)
    };
    let managed = [
        (
            "aws_internet_gateway.igw",
            json!({}),
            json!({"id": true}),
            json!({}),
        ),
        (
            "aws_internet_gateway_attachment.a",
            json!({}),
            json!({"id": true, "vpc_id": true, "internet_gateway_id": true}),
            refs(&[
                ("vpc_id", "data.aws_vpc.by_tag.id"),
                ("internet_gateway_id", "aws_internet_gateway.igw.id"),
            ]),
        ),
        (
            "aws_route.r",
            json!({"destination_prefix_list_id": "pl-0dyn", "gateway_id": "vpce-0dyn"}),
            json!({"id": true, "route_table_id": true}),
            refs(&[("route_table_id", "data.aws_route_table.of_subnet.id")]),
        ),
        (
            "aws_vpc_endpoint.sts",
            json!({"service_name": "com.amazonaws.us-east-1.sts", "vpc_endpoint_type": "Interface"}),
            json!({"id": true, "vpc_id": true, "subnet_ids": true}),
            refs(&[
                ("vpc_id", "data.aws_vpc.by_tag.id"),
                ("subnet_ids", "data.aws_subnet.by_filter.id"),
            ]),
        ),
        (
            "aws_sagemaker_notebook_instance.n",
            json!({"name": "n", "security_groups": ["sg-0nb"]}),
            json!({"id": true, "subnet_id": true}),
            refs(&[("subnet_id", "data.aws_subnet.ambiguous.id")]),
        ),
    ];
    let mut p = plan(
        &managed
            .iter()
            .map(|(a, b, c, d)| (*a, b.clone(), c.clone(), d.clone()))
            .collect::<Vec<_>>(),
    );
    p["planned_values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .extend(planned);
    p["resource_changes"]
        .as_array_mut()
        .unwrap()
        .extend(changes);
    let mut b = base("base-deployed.json");
    b.vpcs[0].tags = vec![vpcreach_aws::snapshot::Tag {
        key: "Name".into(),
        value: "ml".into(),
    }];
    let snap = read_value(&p, Some(b)).expect("plan reads");
    let igw = snap
        .internet_gateways
        .iter()
        .find(|g| g.internet_gateway_id == "igw-tf:aws_internet_gateway.igw")
        .unwrap();
    assert_eq!(igw.attachments[0].vpc_id, "vpc-0base");
    let rt = snap
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-0priv")
        .unwrap();
    assert!(
        rt.routes
            .iter()
            .any(|r| r.destination_prefix_list_id.as_deref() == Some("pl-0dyn"))
    );
    assert!(
        snap.prefix_lists
            .iter()
            .any(|p| p.prefix_list_id == "pl-0dyn"
                && p.cidrs.as_deref() == Some(&["52.94.0.0/22".to_string()][..]))
    );
    let sts = snap
        .vpc_endpoints
        .iter()
        .find(|e| e.vpc_endpoint_id == "vpce-tf:aws_vpc_endpoint.sts")
        .unwrap();
    assert_eq!(sts.subnet_ids, vec!["subnet-0pub"]);
    // No security group given: the VPC's default group.
    assert_eq!(sts.groups[0].group_id, "sg-0default");
    // Two subnets of vpc-0base match: never a guess.
    let u = snap
        .unresolved
        .iter()
        .find(|u| u.address == "aws_sagemaker_notebook_instance.n")
        .unwrap();
    assert!(u.reason.contains("several"), "{}", u.reason);
    assert!(
        snap.notebook_instances
            .iter()
            .find(|n| n.notebook_instance_name == "n")
            .unwrap()
            .subnet_id
            .as_deref()
            .unwrap()
            .starts_with("subnet-unresolved:")
    );
}

#[test]
fn a_state_is_read_as_existing_resources() {
    // `terraform show -json` of a state: `values`, no changes.
    let p = json!({
        "format_version": "1.0",
        "values": {"root_module": {"resources": [
            {"address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
             "values": {"id": "vpc-0st", "cidr_block": "10.7.0.0/16", "main_route_table_id": "rtb-0st"}},
            {"address": "aws_route_table.t", "mode": "managed", "type": "aws_route_table", "name": "t",
             "values": {"id": "rtb-0t", "vpc_id": "vpc-0st",
                        "route": [route_block(json!({"cidr_block": "0.0.0.0/0", "nat_gateway_id": "nat-0x"}))]}}
        ]}}
    });
    let snap = read_value(&p, None).expect("state reads");
    assert!(snap.planned_resources.is_empty());
    let t = snap
        .route_tables
        .iter()
        .find(|t| t.route_table_id == "rtb-0t")
        .unwrap();
    assert_eq!(t.routes[0].gateway_id.as_deref(), Some("local"));
    assert_eq!(t.routes[1].nat_gateway_id.as_deref(), Some("nat-0x"));
    // The VPC's main table is not managed: its content is not known.
    assert!(
        !snap
            .route_tables
            .iter()
            .any(|t| t.route_table_id == "rtb-0st")
    );
}
