//! Several CloudFormation stacks read as one deployment (`vpcreach_iac::read_deployment`):
//! exports satisfy imports across templates, nested stacks are read from local files, and the
//! planned state is judged by the one engine under the `isolated` profile. Fixtures are in
//! `tests/fixtures/plans/cloudformation/stacks/` (written for these tests) and
//! `tests/fixtures/plans/cloudformation/real/multi/` (real templates, see SOURCES.md).

use std::collections::BTreeMap;
use std::path::PathBuf;

use vpcreach_aws::Snapshot;
use vpcreach_core::analysis::{Status, Via};
use vpcreach_core::assess::{Options, assess};
use vpcreach_core::model::TargetKind;
use vpcreach_core::report::{CheckReport, Judgement, Profile, Report};
use vpcreach_iac::{Deployment, PlanError, PlanOptions, read_deployment};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/plans/cloudformation/"
);

const INTERFACE_SERVICES: [&str; 4] = ["sagemaker.api", "sagemaker.runtime", "sts", "logs"];

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(DIR).join(name)
}

fn base(name: &str) -> Snapshot {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    serde_json::from_str(&text).expect("a snapshot")
}

/// One `vpcreach plan` call: files (under the fixture directory), `--parameter`s, `--base`,
/// `--stack-name`s and `--template-map` entries.
struct Call<'a> {
    files: &'a [&'a str],
    params: &'a [(&'a str, &'a str)],
    base: Option<&'a str>,
    names: &'a [(&'a str, &'a str)],
    map: &'a [(&'a str, &'a str)],
}

impl<'a> Call<'a> {
    fn new(files: &'a [&'a str]) -> Call<'a> {
        Call {
            files,
            params: &[("AWS::Region", "us-east-1")],
            base: Some("base-s3-prefix-list.json"),
            names: &[],
            map: &[],
        }
    }

    fn read(&self) -> Result<Snapshot, PlanError> {
        let files: Vec<(PathBuf, String)> = self
            .files
            .iter()
            .map(|f| {
                let p = fixture(f);
                let t = std::fs::read_to_string(&p).expect("fixture");
                (p, t)
            })
            .collect();
        let opts = PlanOptions {
            base: self.base.map(base),
            parameters: self
                .params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let d = Deployment {
            stack_names: self
                .names
                .iter()
                .map(|(f, n)| (fixture(f), n.to_string()))
                .collect(),
            template_map: self
                .map
                .iter()
                .map(|(u, f)| (u.to_string(), fixture(f)))
                .collect::<BTreeMap<_, _>>(),
        };
        read_deployment(&files, &opts, &d)
    }
}

fn judge(snap: &Snapshot) -> Report {
    let net = vpcreach_aws::convert(snap).expect("the planned state converts");
    let options = Options {
        services: vpcreach_core::analysis::DEFAULT_SERVICES
            .iter()
            .map(|s| s.to_string())
            .collect(),
        notebooks: vec![],
        judgement: Judgement {
            profile: Profile::Isolated,
            allow_unknown: false,
        },
    };
    let mut reports = assess(&[net], &options).expect("assessed");
    assert_eq!(reports.len(), 1);
    reports.remove(0).1
}

fn check<'a>(r: &'a Report, name: &str) -> &'a CheckReport {
    assert_eq!(r.notebooks.len(), 1);
    r.notebooks[0]
        .checks
        .0
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
}

/// The isolated design's verdicts: nothing leaves, every service is reached privately (the four
/// interface services through endpoints with private DNS, S3 through the gateway endpoint).
fn assert_isolated_and_compliant(r: &Report) {
    assert_eq!(check(r, "internet").verdict.status, Status::Unreachable);
    for s in INTERFACE_SERVICES {
        let c = check(r, s);
        assert_eq!(c.verdict.status, Status::Reachable, "{s}");
        assert!(c.verdict.private, "{s}");
        assert_eq!(c.verdict.via, Some(Via::InterfaceEndpoint), "{s}");
    }
    let s3 = check(r, "s3");
    assert_eq!(s3.verdict.status, Status::Reachable);
    assert_eq!(
        s3.verdict.via,
        Some(Via::Target(TargetKind::GatewayEndpoint))
    );
    assert!(r.notebooks[0].compliant, "{:?}", r.notebooks[0].reasons);
}

fn assert_all_unknown(r: &Report) {
    for c in &r.notebooks[0].checks.0 {
        assert_eq!(c.verdict.status, Status::Unknown, "{}", c.name);
    }
    assert!(!r.notebooks[0].compliant);
}

fn unresolved_mentions(snap: &Snapshot, text: &str) -> bool {
    snap.unresolved.iter().any(|u| u.reason.contains(text))
}

/// A network stack that exports its notebook subnet and security group, and a notebook stack
/// that imports them (`!ImportValue !Sub "${NetworkStackName}-PrivateSubnet"`, the network
/// stack's name being its file stem). Judged together — in either order, since CloudFormation
/// creates the exporting stack first — the notebook sits in the network's private subnet: no
/// internet gateway, no NAT and direct internet access disabled leave no way out, and every
/// service is reached privately. The notebook stack alone can only be `unknown`, naming the
/// imports it needs.
#[test]
fn exports_satisfy_imports_across_two_stacks() {
    for files in [
        ["stacks/network.yaml", "stacks/notebook.yaml"],
        ["stacks/notebook.yaml", "stacks/network.yaml"],
    ] {
        let snap = Call::new(&files).read().expect("read");
        assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
        // Two stacks: synthetic IDs carry the stack name.
        assert_eq!(
            snap.notebook_instances[0].subnet_id.as_deref(),
            Some("subnet-cfn:network/PrivateSubnetA")
        );
        assert_eq!(
            snap.notebook_instances[0].notebook_instance_name,
            "notebook-nb"
        );
        let subnet = snap
            .planned_resources
            .iter()
            .find(|p| p.id == "subnet-cfn:network/PrivateSubnetA")
            .expect("planned");
        assert!(subnet.file.as_deref().unwrap().ends_with("network.yaml"));
        assert_isolated_and_compliant(&judge(&snap));
    }

    let alone = Call::new(&["stacks/notebook.yaml"]).read().expect("read");
    assert!(unresolved_mentions(
        &alone,
        "!ImportValue network-PrivateSubnet"
    ));
    assert!(unresolved_mentions(
        &alone,
        "!ImportValue network-NotebookSG"
    ));
    assert_all_unknown(&judge(&alone));
}

/// An import whose export no given template declares stays open, and the reason names the
/// export: the notebook stack pointed at a network stack that is not part of the call.
#[test]
fn an_import_no_template_exports_is_unknown_naming_the_export() {
    let snap = Call {
        params: &[
            ("AWS::Region", "us-east-1"),
            ("NetworkStackName", "elsewhere"),
        ],
        ..Call::new(&["stacks/network.yaml", "stacks/notebook.yaml"])
    }
    .read()
    .expect("read");
    assert!(unresolved_mentions(
        &snap,
        "!ImportValue elsewhere-PrivateSubnet: no given template exports elsewhere-PrivateSubnet"
    ));
    assert_all_unknown(&judge(&snap));
}

/// Export names must be unique in a region: two templates exporting `shared-vpc-id` is an input
/// error that names both files.
#[test]
fn one_export_name_in_two_templates_is_an_error_naming_both() {
    let err = Call::new(&["stacks/export-a.yaml", "stacks/export-b.yaml"])
        .read()
        .unwrap_err()
        .to_string();
    assert!(err.contains("shared-vpc-id"), "{err}");
    assert!(err.contains("export-a.yaml"), "{err}");
    assert!(err.contains("export-b.yaml"), "{err}");
}

/// `!Sub "${AWS::StackName}-PrivateSubnet"` under `--stack-name network.yaml=prod-net` exports
/// `prod-net-PrivateSubnet`: the notebook stack finds it once told the network stack's name, and
/// not under the default name.
#[test]
fn stack_name_flag_names_the_exports() {
    let names = [("stacks/network.yaml", "prod-net")];
    let default = Call {
        names: &names,
        ..Call::new(&["stacks/network.yaml", "stacks/notebook.yaml"])
    }
    .read()
    .expect("read");
    assert!(unresolved_mentions(
        &default,
        "!ImportValue network-PrivateSubnet"
    ));
    assert_all_unknown(&judge(&default));

    let snap = Call {
        names: &names,
        params: &[
            ("AWS::Region", "us-east-1"),
            ("NetworkStackName", "prod-net"),
        ],
        ..Call::new(&["stacks/network.yaml", "stacks/notebook.yaml"])
    }
    .read()
    .expect("read");
    assert_eq!(
        snap.notebook_instances[0].subnet_id.as_deref(),
        Some("subnet-cfn:prod-net/PrivateSubnetA")
    );
    assert_isolated_and_compliant(&judge(&snap));
}

/// An output whose `Condition` is false is not created, and neither is its export. A third
/// stack routes the network's private route table to the NAT gateway the network exports only
/// with `Egress=nat`:
/// - without it, the route's target is an import nothing exports: the internet check is
///   `unknown`, naming the export (where the route leads cannot be known);
/// - with it, the NAT gateway sits in a public subnet whose default route is an attached
///   internet gateway: the notebook's packets reach the internet through the NAT (AWS NAT gateway
///   semantics), so the deployment is not compliant — a verdict no single template gives.
#[test]
fn an_output_whose_condition_is_false_is_not_exported() {
    let files = [
        "stacks/network.yaml",
        "stacks/notebook.yaml",
        "stacks/nat-route.yaml",
    ];
    let snap = Call::new(&files).read().expect("read");
    assert!(unresolved_mentions(
        &snap,
        "no given template exports network-NatGateway"
    ));
    let r = judge(&snap);
    assert_eq!(check(&r, "internet").verdict.status, Status::Unknown);
    assert!(!r.notebooks[0].compliant);

    let snap = Call {
        params: &[("AWS::Region", "us-east-1"), ("Egress", "nat")],
        ..Call::new(&files)
    }
    .read()
    .expect("read");
    assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
    let r = judge(&snap);
    let internet = check(&r, "internet");
    assert_eq!(internet.verdict.status, Status::Reachable);
    assert_eq!(
        internet.verdict.via,
        Some(Via::Target(TargetKind::NatGateway))
    );
    assert!(!r.notebooks[0].compliant);
}

/// A parent stack with two nested stacks from local files: the network and a notebook whose
/// `AWS::EC2::Subnet::Id` / `SecurityGroup::Id` parameters are `!GetAtt Network.Outputs.…`. The
/// nested network gets the parent's `VpcCidr`; the notebook lands in its private subnet, and
/// the verdicts are those of the isolated design.
#[test]
fn nested_stacks_from_local_files_are_one_deployment() {
    let snap = Call::new(&["stacks/parent.yaml"]).read().expect("read");
    assert!(snap.unresolved.is_empty(), "{:?}", snap.unresolved);
    assert_eq!(
        snap.notebook_instances[0].subnet_id.as_deref(),
        Some("subnet-cfn:Network/PrivateSubnetA")
    );
    assert_eq!(snap.vpcs[0].cidr_block.as_deref(), Some("10.30.0.0/16"));
    let nb = snap
        .planned_resources
        .iter()
        .find(|p| p.kind == "AWS::SageMaker::NotebookInstance")
        .expect("planned");
    assert!(
        nb.file
            .as_deref()
            .unwrap()
            .ends_with("notebook-params.yaml")
    );
    assert_isolated_and_compliant(&judge(&snap));
}

/// A nested stack whose `TemplateURL` is an S3 URL is read only through `--template-map`:
/// without it its outputs are open (the reason names the URL) and the notebook is `unknown`;
/// with it, the verdicts are the local parent's.
#[test]
fn an_s3_template_url_needs_the_template_map() {
    let url = "https://example-bucket.s3.us-east-1.amazonaws.com/stacks/network.yaml";
    let snap = Call::new(&["stacks/parent-s3.yaml"]).read().expect("read");
    assert!(unresolved_mentions(&snap, url));
    assert!(unresolved_mentions(&snap, "--template-map"));
    assert_all_unknown(&judge(&snap));

    // The map's key is the URL, or its last path segments.
    for key in [url, "stacks/network.yaml", "network.yaml"] {
        let map = [(key, "stacks/network.yaml")];
        let snap = Call {
            map: &map,
            ..Call::new(&["stacks/parent-s3.yaml"])
        }
        .read()
        .expect("read");
        assert!(snap.unresolved.is_empty(), "{key}: {:?}", snap.unresolved);
        assert_isolated_and_compliant(&judge(&snap));
    }
    // A key that is not a whole trailing segment does not match.
    let map = [("work.yaml", "stacks/network.yaml")];
    let snap = Call {
        map: &map,
        ..Call::new(&["stacks/parent-s3.yaml"])
    }
    .read()
    .expect("read");
    assert!(unresolved_mentions(&snap, url));
}

/// A stack cannot import its own export (CloudFormation creates exports once the stack exists):
/// the import stays open, and the notebook is `unknown`.
#[test]
fn a_stack_does_not_import_its_own_export() {
    let snap = Call::new(&["stacks/self-import.yaml"])
        .read()
        .expect("read");
    assert!(unresolved_mentions(&snap, "cannot import its own export"));
    assert_all_unknown(&judge(&snap));
}

/// Templates that nest each other in a circle, and nested stacks whose parameters need each
/// other's outputs, are errors — never a loop.
#[test]
fn circular_nesting_is_an_error() {
    let err = Call::new(&["stacks/loop-a.yaml"])
        .read()
        .unwrap_err()
        .to_string();
    assert!(err.contains("nest in a circle"), "{err}");
    assert!(
        err.contains("loop-a.yaml") && err.contains("loop-b.yaml"),
        "{err}"
    );
    let err = Call::new(&["stacks/sibling-loop.yaml"])
        .read()
        .unwrap_err()
        .to_string();
    assert!(err.contains("circular reference"), "{err}");
}

/// `AWS::SSM::Parameter::Value<AWS::EC2::Subnet::Id>`: CloudFormation reads the value from
/// Parameter Store at deploy time (the Default is the parameter's name), so without
/// `--parameter` the placement is open; with the values (IDs of `--base`), it is definite. The
/// base network has no endpoint and no route out: nothing is reachable.
#[test]
fn ssm_parameter_types_are_open_until_given() {
    let snap = Call::new(&["stacks/notebook-ssm.yaml"])
        .read()
        .expect("read");
    assert!(unresolved_mentions(&snap, "SSM Parameter Store"));
    assert_all_unknown(&judge(&snap));

    let snap = Call {
        params: &[
            ("AWS::Region", "us-east-1"),
            ("Subnet", "subnet-0b1"),
            ("SecurityGroup", "sg-0d1"),
        ],
        base: Some("base-network.json"),
        ..Call::new(&["stacks/notebook-ssm.yaml"])
    }
    .read()
    .expect("read");
    let r = judge(&snap);
    for c in &r.notebooks[0].checks.0 {
        assert_eq!(c.verdict.status, Status::Unreachable, "{}", c.name);
    }
}

/// `AWS::EC2::Subnet::Id` and `SecurityGroup::Id` parameters: an ID that exists in `--base`
/// resolves to that subnet (the base VPC has only its `local` route: nothing is reachable); one
/// that is not there dangles, and the verdicts are `unknown`.
#[test]
fn ec2_id_parameters_resolve_in_the_base_or_stay_unknown() {
    let read = |subnet: &str| {
        Call {
            params: &[
                ("AWS::Region", "us-east-1"),
                ("Subnet", subnet),
                ("SecurityGroup", "sg-0d1"),
            ],
            base: Some("base-network.json"),
            ..Call::new(&["stacks/notebook-params.yaml"])
        }
        .read()
        .expect("read")
    };
    let r = judge(&read("subnet-0b1"));
    assert_eq!(r.notebooks[0].subnet_id.as_deref(), Some("subnet-0b1"));
    for c in &r.notebooks[0].checks.0 {
        assert_eq!(c.verdict.status, Status::Unreachable, "{}", c.name);
    }
    assert_all_unknown(&judge(&read("subnet-0notinbase")));
}

const SDS: &str = "real/multi/secure-data-science/";

fn sds(files: &[&str]) -> Vec<String> {
    files.iter().map(|f| format!("{SDS}{f}")).collect()
}

/// The parameters the real stacks need and no template gives: the project, the notebook's
/// owner, and the PyPI mirror's endpoint service (an `AWS::EC2::VPCEndpointService` of the
/// shared-services stacks, whose ID exists only once they are deployed).
const SDS_PARAMS: [(&str, &str); 5] = [
    ("AWS::Region", "us-east-1"),
    ("ProjectName", "fraud"),
    ("NotebookOwnerUsername", "alice"),
    ("NotebookOwnerEmail", "alice@example.com"),
    (
        "srv-endsrv-pypimirror-DSSharedServices",
        "vpce-svc-0123456789abcdef0",
    ),
];

fn assert_real_sds_compliant(snap: &Snapshot) {
    let r = judge(snap);
    assert_eq!(r.notebooks[0].name, "ds-notebook-fraud-dev-alice");
    assert_isolated_and_compliant(&r);
}

/// The secure data science reference architecture (aws-samples), export/import: the
/// environment's network stack (`ds_env_network.yaml`) exports its three private subnets and the
/// SageMaker security group as `ds-subnet<N>-<project>-<env>` / `ds-sagemaker-sg-<project>-<env>`;
/// the notebook product (`ds_notebook_v2.yaml`) imports subnet 1 and the group.
///
/// What AWS semantics demand of the deployment as a whole: the subnets' route table holds only
/// the `local` route and the S3 gateway endpoint's prefix-list route, the notebook's direct
/// internet access is `Disabled` — no packet reaches the internet. The VPC enables DNS support
/// and hostnames, and the SageMaker API/runtime, STS and CloudWatch Logs interface endpoints
/// have private DNS and a group that admits the SageMaker group on 443, whose egress is the
/// default allow-all: those services resolve to the endpoints and are reached privately; S3
/// through the gateway endpoint. Compliant. The notebook template alone: `unknown`.
#[test]
fn real_secure_data_science_network_and_notebook_stacks() {
    let files = sds(&["ds_env_network.yaml", "ds_notebook_v2.yaml"]);
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let mut params = SDS_PARAMS.to_vec();
    // The network stack read on its own takes the endpoint service name as a parameter
    // (ds_environment.yaml builds it from the import).
    params.push((
        "PyPIMirrorEndpointServiceName",
        "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
    ));
    let snap = Call {
        params: &params,
        ..Call::new(&files)
    }
    .read()
    .expect("read");
    assert_eq!(
        snap.notebook_instances[0].subnet_id.as_deref(),
        Some("subnet-cfn:ds_env_network/PrivateSubnetA")
    );
    assert_real_sds_compliant(&snap);

    let alone = Call {
        params: &params,
        ..Call::new(&files[1..])
    }
    .read()
    .expect("read");
    assert!(unresolved_mentions(
        &alone,
        "!ImportValue ds-subnet1-fraud-dev"
    ));
    assert_all_unknown(&judge(&alone));
}

/// The same architecture as its authors deploy it: the parent `ds_environment.yaml` nests the
/// network (relative `TemplateURL: ds_env_network.yaml`, its parameters passed down, the PyPI
/// service name built with `!Sub` from an import) with four other stacks (IAM, KMS, S3, Service
/// Catalog — not network resources), and the nested network's exports satisfy the notebook
/// stack's imports. The verdicts are those of the network and notebook stacks above:
/// compliant. With the administration stack (`ds_administration.yaml`, which nests the shared
/// services) in the call, the import of the PyPI endpoint service finds its export, whose value
/// exists only once deployed: without `--parameter` for it, the read fails closed naming the
/// endpoint's service (it decides which service the endpoint serves).
#[test]
fn real_secure_data_science_nested_environment_and_notebook() {
    let files = sds(&["ds_environment.yaml", "ds_notebook_v2.yaml"]);
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    let snap = Call {
        params: &SDS_PARAMS,
        ..Call::new(&files)
    }
    .read()
    .expect("read");
    assert_eq!(
        snap.notebook_instances[0].subnet_id.as_deref(),
        Some("subnet-cfn:ds_environment/DSEnvironmentNetwork/PrivateSubnetA")
    );
    assert_real_sds_compliant(&snap);

    let all = sds(&[
        "ds_administration.yaml",
        "ds_environment.yaml",
        "ds_notebook_v2.yaml",
    ]);
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    let snap = Call {
        params: &SDS_PARAMS,
        ..Call::new(&all)
    }
    .read()
    .expect("read");
    assert_real_sds_compliant(&snap);
    let err = Call {
        params: &SDS_PARAMS[..4],
        ..Call::new(&all)
    }
    .read()
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("SharedServicesPyPIMirrorVPCEndpoint.ServiceName")
            && err.contains("srv-endsrv-pypimirror-DSSharedServices"),
        "{err}"
    );
}

/// Terraform: the plans of two workspaces planned before either is applied — a network
/// workspace (the isolated network, with root outputs) and a notebook workspace that finds the
/// network through data sources read at apply (`aws_subnet` by a `tag:Name` filter,
/// `aws_security_group` by name) or through `terraform_remote_state` outputs. In one call, in
/// either order, the lookups and outputs resolve to what the network plan creates, and the
/// notebook gets the isolated design's verdicts; the notebook plan alone is `unknown`, naming
/// what it could not find.
#[test]
fn terraform_workspaces_are_one_deployment() {
    for nb in [
        "../terraform/workspaces/notebook-data.json",
        "../terraform/workspaces/notebook-remote-state.json",
    ] {
        for files in [
            ["../terraform/workspaces/network.json", nb],
            [nb, "../terraform/workspaces/network.json"],
        ] {
            let snap = Call::new(&files).read().expect("read");
            assert!(snap.unresolved.is_empty(), "{nb}: {:?}", snap.unresolved);
            // Several plans: synthetic IDs carry the plan's file stem.
            assert_eq!(
                snap.notebook_instances[0].subnet_id.as_deref(),
                Some("subnet-tf:network/aws_subnet.private"),
                "{nb}"
            );
            assert_isolated_and_compliant(&judge(&snap));
        }
        let alone = Call::new(&[nb]).read().expect("read");
        assert!(!alone.unresolved.is_empty(), "{nb}");
        assert_all_unknown(&judge(&alone));
    }
    let alone = Call::new(&["../terraform/workspaces/notebook-remote-state.json"])
        .read()
        .expect("read");
    assert!(unresolved_mentions(
        &alone,
        "data.terraform_remote_state.network.outputs.private_subnet_id: no given plan has an output private_subnet_id"
    ));
}
