//! CloudFormation templates read into the planned state and judged by the one engine: each test
//! reads a fixture of `tests/fixtures/plans/cloudformation/` with `vpcreach_iac::read_file`,
//! converts it with `vpcreach_aws::convert` and assesses it under the `isolated` profile, then
//! checks the verdicts AWS semantics demand.

use std::path::PathBuf;

use vpcreach_aws::Snapshot;
use vpcreach_core::analysis::{Status, Via};
use vpcreach_core::assess::{Options, assess};
use vpcreach_core::codes::Code;
use vpcreach_core::model::TargetKind;
use vpcreach_core::report::{CheckReport, Judgement, Profile, Report};
use vpcreach_iac::{PlanError, PlanOptions, read_file, read_str};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/plans/cloudformation/"
);

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(DIR).join(name)
}

fn base(name: &str) -> Snapshot {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    serde_json::from_str(&text).expect("a snapshot")
}

fn opts(params: &[(&str, &str)], base_file: Option<&str>) -> PlanOptions {
    PlanOptions {
        base: base_file.map(base),
        parameters: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
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

fn check<'a>(r: &'a Report, notebook: usize, name: &str) -> &'a CheckReport {
    r.notebooks[notebook]
        .checks
        .0
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
}

const INTERFACE_SERVICES: [&str; 4] = ["sagemaker.api", "sagemaker.runtime", "sts", "logs"];

/// The isolated design, with the region and a base snapshot that has S3's prefix list: no way
/// out (no internet gateway, no NAT, the notebook's direct internet access disabled), and every
/// service reached privately — the four interface services through their endpoints (private DNS
/// on, both DNS attributes on, the endpoints' group admits the notebook's group on 443), S3
/// through the gateway endpoint's route.
#[test]
fn isolated_template_is_compliant_with_region_and_s3_prefix_list() {
    let snap = read_file(
        &fixture("isolated.yaml"),
        &opts(
            &[("AWS::Region", "us-east-1")],
            Some("base-s3-prefix-list.json"),
        ),
    )
    .expect("read");
    // The stack name is the file stem; the notebook's name comes from !Sub.
    assert_eq!(
        snap.notebook_instances[0].notebook_instance_name,
        "isolated-notebook"
    );
    assert_eq!(snap.subnets.len(), 2);
    let cidrs: Vec<_> = snap.subnets.iter().map(|s| s.cidr_block.clone()).collect();
    assert!(cidrs.contains(&Some("10.20.0.0/24".into())));
    assert!(cidrs.contains(&Some("10.20.1.0/24".into())));
    assert!(
        snap.planned_resources
            .iter()
            .any(|p| p.address == "Vpc" && p.line == Some(10) && p.kind == "AWS::EC2::VPC")
    );
    let r = judge(&snap);
    assert_eq!(r.notebooks.len(), 1);
    let internet = check(&r, 0, "internet");
    assert_eq!(internet.verdict.status, Status::Unreachable);
    for s in INTERFACE_SERVICES {
        let c = check(&r, 0, s);
        assert_eq!(c.verdict.status, Status::Reachable, "{s}");
        assert!(c.verdict.private, "{s}");
        assert_eq!(c.verdict.via, Some(Via::InterfaceEndpoint), "{s}");
    }
    let s3 = check(&r, 0, "s3");
    assert_eq!(s3.verdict.status, Status::Reachable);
    assert!(s3.verdict.private);
    assert_eq!(
        s3.verdict.via,
        Some(Via::Target(TargetKind::GatewayEndpoint))
    );
    assert!(r.notebooks[0].compliant, "{:?}", r.notebooks[0].reasons);
}

/// Without a base snapshot the S3 prefix list's ID (region specific) is unknown: the gateway
/// endpoint's route points at a list nobody has, so S3 is unknown and the notebook not
/// compliant; the interface services are unaffected.
#[test]
fn without_the_prefix_list_s3_is_unknown() {
    let snap = read_file(
        &fixture("isolated.yaml"),
        &opts(&[("AWS::Region", "us-east-1")], None),
    )
    .expect("read");
    assert!(
        snap.unresolved
            .iter()
            .any(|u| u.address == "S3Endpoint" && u.reason.contains("com.amazonaws.us-east-1.s3"))
    );
    let r = judge(&snap);
    assert_eq!(check(&r, 0, "s3").verdict.status, Status::Unknown);
    assert_eq!(
        check(&r, 0, "sts").verdict.status,
        Status::Reachable,
        "interface endpoints do not need the prefix list"
    );
    assert_eq!(check(&r, 0, "internet").verdict.status, Status::Unreachable);
    assert!(!r.notebooks[0].compliant);
}

/// A default route to a public NAT gateway (in a public subnet whose route table leads to an
/// attached internet gateway) gives the notebook the internet: not compliant.
#[test]
fn nat_route_reaches_the_internet() {
    let snap = read_file(
        &fixture("with-nat.yaml"),
        &opts(
            &[("AWS::Region", "us-east-1")],
            Some("base-s3-prefix-list.json"),
        ),
    )
    .expect("read");
    let r = judge(&snap);
    let internet = check(&r, 0, "internet");
    assert_eq!(internet.verdict.status, Status::Reachable);
    assert_eq!(
        internet.verdict.via,
        Some(Via::Target(TargetKind::NatGateway))
    );
    assert!(!internet.verdict.private);
    assert!(!r.notebooks[0].compliant);
    // The endpoints still win for their services (private DNS resolves to them).
    assert_eq!(
        check(&r, 0, "sts").verdict.via,
        Some(Via::InterfaceEndpoint)
    );
}

/// The JSON template: `Design` chooses, through Conditions and Fn::If, between an isolated
/// route table and one whose default route is a NAT gateway. Mappings give the VPC CIDR per
/// region; CommaDelimitedList defaults give the subnets.
#[test]
fn json_template_designs_are_chosen_by_a_parameter() {
    let isolated = read_file(
        &fixture("two-designs.json"),
        &opts(&[("AWS::Region", "us-east-1")], None),
    )
    .expect("read");
    assert_eq!(isolated.vpcs[0].cidr_block.as_deref(), Some("10.30.0.0/16"));
    assert_eq!(
        isolated.subnets.len(),
        1,
        "PublicSubnet's condition is false"
    );
    assert!(isolated.nat_gateways.is_empty());
    assert_eq!(isolated.subnets[0].map_public_ip_on_launch, Some(false));
    let line = |s: &Snapshot, a: &str| {
        s.planned_resources
            .iter()
            .find(|p| p.address == a)
            .and_then(|p| p.line)
    };
    assert_eq!(line(&isolated, "Vpc"), Some(26));
    let r = judge(&isolated);
    assert_eq!(r.notebooks[0].name, "Notebook", "the logical ID stands in");
    assert_eq!(check(&r, 0, "internet").verdict.status, Status::Unreachable);
    // No endpoint and no way out: STS cannot be reached at all.
    assert_eq!(check(&r, 0, "sts").verdict.status, Status::Unreachable);

    let nat = read_file(
        &fixture("two-designs.json"),
        &opts(&[("AWS::Region", "us-east-1"), ("Design", "nat")], None),
    )
    .expect("read");
    assert_eq!(nat.subnets.len(), 2);
    assert_eq!(nat.nat_gateways.len(), 1);
    // MapPublicIpOnLaunch: !Ref AWS::NoValue removes the property (AWS's default, false).
    let r = judge(&nat);
    let internet = check(&r, 0, "internet");
    assert_eq!(internet.verdict.status, Status::Reachable);
    assert_eq!(
        internet.verdict.via,
        Some(Via::Target(TargetKind::NatGateway))
    );
    let sts = check(&r, 0, "sts");
    assert_eq!(sts.verdict.status, Status::Reachable);
    assert!(!sts.verdict.private, "through a NAT gateway, not private");

    // The other region of the mapping.
    let eu = read_file(
        &fixture("two-designs.json"),
        &opts(&[("AWS::Region", "eu-west-1")], None),
    )
    .expect("read");
    assert_eq!(eu.vpcs[0].cidr_block.as_deref(), Some("10.40.0.0/16"));
    // A value outside AllowedValues is an error naming the parameter.
    let err = read_file(
        &fixture("two-designs.json"),
        &opts(&[("AWS::Region", "us-east-1"), ("Design", "both")], None),
    )
    .unwrap_err();
    assert!(matches!(&err, PlanError::Invalid { at, .. } if at == "Parameters.Design"));
    // A region the mapping lacks is an error naming the resource and property.
    let err = read_file(
        &fixture("two-designs.json"),
        &opts(&[("AWS::Region", "ap-south-1")], None),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PlanError::Invalid { at, .. } if at == "Vpc.CidrBlock"),
        "{err}"
    );
}

/// `!ImportValue` of the subnet and security group: without values the notebook's placement is
/// open — its checks are unknown, and a PLAN_VALUE_UNRESOLVED diagnostic names the import. With
/// the exports given as parameters (and the exporting stack's network as the base snapshot),
/// the verdicts are definite: no route leaves the base VPC, so nothing is reachable.
#[test]
fn import_value_is_open_until_given() {
    let snap = read_file(
        &fixture("import-notebook.yaml"),
        &opts(&[], Some("base-network.json")),
    )
    .expect("read");
    let r = judge(&snap);
    for c in &r.notebooks[0].checks.0 {
        assert_eq!(c.verdict.status, Status::Unknown, "{}", c.name);
    }
    assert!(
        r.diagnostics
            .iter()
            .any(|d| d.code == Code::PlanValueUnresolved
                && d.resource == "Notebook"
                && d.message
                    .contains("!ImportValue NetworkStack-PrivateSubnet")),
        "{:?}",
        r.diagnostics
    );
    assert!(!r.notebooks[0].compliant);

    let given = read_file(
        &fixture("import-notebook.yaml"),
        &opts(
            &[
                ("NetworkStack-PrivateSubnet", "subnet-0b1"),
                ("NetworkStack-NotebookSG", "sg-0d1"),
            ],
            Some("base-network.json"),
        ),
    )
    .expect("read");
    assert!(given.unresolved.is_empty(), "{:?}", given.unresolved);
    let r = judge(&given);
    assert_eq!(r.notebooks[0].subnet_id.as_deref(), Some("subnet-0b1"));
    for c in &r.notebooks[0].checks.0 {
        assert_eq!(c.verdict.status, Status::Unreachable, "{}", c.name);
    }
}

/// Malformed templates are errors that name the resource and property; nothing panics.
#[test]
fn malformed_templates_name_the_resource_and_property() {
    let read = |t: &str| read_str(std::path::Path::new("t.yaml"), t, &PlanOptions::default());
    let at = |t: &str| match read(t) {
        Err(PlanError::Invalid { at, .. }) => at,
        other => panic!("expected an error, got {other:?}"),
    };
    assert_eq!(
        at(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref Nope\n"
        ),
        "Vpc.CidrBlock"
    );
    assert_eq!(
        at(
            "Resources:\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: x\n      CidrBlock: !Select [0]\n"
        ),
        "S.CidrBlock"
    );
    assert_eq!(
        at(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/33\n"
        ),
        "Vpc.CidrBlock"
    );
    assert_eq!(at("Resources:\n  A: !Bogus x\n"), "template");
    assert_eq!(at("Resources:\n  A: [unclosed\n"), "template");
    assert_eq!(at("Resources:\n  A:\n    Properties: {}\n"), "A.Type");
    assert_eq!(
        at(
            "Resources:\n  R:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: rtb-1\n      DestinationCidrBlock: 0.0.0.0/0\n"
        ),
        "R.GatewayId"
    );
    assert_eq!(
        at(
            "Conditions:\n  C: !Equals [!Ref P, x]\nParameters:\n  P: {Type: String}\nResources:\n  A:\n    Type: AWS::EC2::VPC\n    Condition: C\n    Properties: {CidrBlock: 10.0.0.0/16}\n"
        ),
        "A.Condition"
    );
    assert_eq!(
        at(
            "Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress:\n        - {IpProtocol: bogus, CidrIp: 0.0.0.0/0}\n"
        ),
        "G.SecurityGroupIngress[0].IpProtocol"
    );
    assert_eq!(
        at(
            "Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 443, ToPort: 70000, CidrIp: 0.0.0.0/0}\n"
        ),
        "G.SecurityGroupEgress[0].FromPort"
    );
    assert_eq!(
        at(
            "Resources:\n  G:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupEgress:\n        - {IpProtocol: tcp, FromPort: 443, ToPort: 443}\n"
        ),
        "G.SecurityGroupEgress[0]"
    );
    assert_eq!(
        at(
            "Resources:\n  E:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties: {NetworkAclId: acl-1, RuleNumber: 1, Protocol: 6, RuleAction: maybe, CidrBlock: 0.0.0.0/0}\n"
        ),
        "E.RuleAction"
    );
    assert_eq!(
        at("Resources:\n  Fn::ForEach::Subnets:\n    - X\n    - [a]\n    - {}\n"),
        "Fn::ForEach::Subnets"
    );
    // Odd but well-formed input never panics.
    for t in [
        "Resources: ~\n",
        "Resources: {}\n",
        "Resources:\n  A:\n    Type: AWS::SageMaker::NotebookInstance\n",
        "Resources:\n  A:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      SecurityGroupIngress: !Ref AWS::NoValue\n",
        "Resources:\n  A:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !GetAtt A.CidrBlock\n",
    ] {
        let _ = read(t);
    }
}

/// Unknown resource types are ignored; a `Ref` to them is open, not an error.
#[test]
fn unknown_types_are_ignored() {
    let t = "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n      Tags: [{Key: Name, Value: !Ref Bucket}]\n";
    let snap = read_str(std::path::Path::new("t.yaml"), t, &PlanOptions::default()).unwrap();
    assert_eq!(snap.vpcs.len(), 1);
    assert!(
        snap.vpcs[0].tags.is_empty(),
        "the open tag value is left out"
    );
}

/// Without `AWS::Region` (no parameter, no base snapshot) the endpoints' service names are open.
/// Which service an endpoint serves decides verdicts both ways (leaving the endpoint out would
/// prove services unreachable that the deployed stack reaches), so the read fails closed, naming
/// the property and the parameter to give.
#[test]
fn an_open_endpoint_service_fails_closed() {
    let err = read_file(&fixture("isolated.yaml"), &opts(&[], None)).unwrap_err();
    match &err {
        PlanError::Invalid { at, message, .. } => {
            assert!(at.ends_with("Endpoint.ServiceName"), "{at}");
            assert!(message.contains("AWS::Region"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // The base snapshot's region stands in for the parameter.
    let snap = read_file(
        &fixture("isolated.yaml"),
        &opts(&[], Some("base-s3-prefix-list.json")),
    )
    .expect("read");
    assert_eq!(
        check(&judge(&snap), 0, "sagemaker.api").verdict.via,
        Some(Via::InterfaceEndpoint)
    );
}

/// A real pair of stacks (aws-samples/secure-data-science-reference-architecture, MIT-0; see
/// SOURCES.md): a network stack with no internet gateway, three private subnets on one route
/// table, an S3 gateway endpoint on that table and interface endpoints with private DNS for SSM,
/// CloudWatch, Logs, the SageMaker API/runtime/notebook, STS and CodeCommit, all behind a group
/// that admits the SageMaker group on 443; and a notebook stack that imports subnet 1 and the
/// SageMaker group, with direct internet access disabled.
///
/// What AWS semantics demand: no packet can leave (no internet gateway, no NAT, no direct
/// access); each default service resolves (private DNS, both DNS attributes true) to its
/// endpoint, whose group admits the notebook's group on 443, and the SageMaker group keeps the
/// default allow-all egress (no SecurityGroupEgress) — so every service is reachable privately,
/// S3 through the gateway endpoint's route. `RootAccess` is absent and defaults to Enabled:
/// Security Hub's SageMaker.3, which the isolated profile does not judge as a network verdict.
#[test]
fn real_secure_data_science_stacks() {
    let network_params = [
        ("AWS::Region", "us-east-1"),
        ("ProjectName", "fraud"),
        (
            "PyPIMirrorEndpointServiceName",
            "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
        ),
    ];
    // The PyPI mirror endpoint's service comes from a parameter without a default: without it,
    // which service the endpoint serves is open, and the read fails closed naming it.
    let err = read_file(
        &fixture("real/ds_env_network.yaml"),
        &opts(&network_params[..2], Some("base-s3-prefix-list.json")),
    )
    .unwrap_err();
    assert!(
        matches!(&err, PlanError::Invalid { at, .. } if at == "SharedServicesPyPIMirrorVPCEndpoint.ServiceName"),
        "{err}"
    );
    let network = read_file(
        &fixture("real/ds_env_network.yaml"),
        &opts(&network_params, Some("base-s3-prefix-list.json")),
    )
    .expect("the network stack reads");
    assert_eq!(network.subnets.len(), 3);
    assert_eq!(network.vpc_endpoints.len(), 11);
    assert!(network.internet_gateways.is_empty());
    let subnet_a = network
        .subnets
        .iter()
        .find(|s| s.cidr_block.as_deref() == Some("10.2.1.0/24"))
        .expect("subnet A")
        .clone();
    assert_eq!(subnet_a.availability_zone.as_deref(), Some("us-east-1a"));

    let notebook_params = [
        ("AWS::Region", "us-east-1"),
        ("ProjectName", "fraud"),
        ("NotebookOwnerUsername", "alice"),
        ("NotebookOwnerEmail", "alice@example.com"),
        ("ds-subnet1-fraud-dev", subnet_a.subnet_id.as_str()),
        ("ds-sagemaker-sg-fraud-dev", "sg-cfn:SageMakerSecurityGroup"),
    ];
    let planned = read_file(
        &fixture("real/ds_notebook_v2.yaml"),
        &PlanOptions {
            base: Some(network),
            parameters: notebook_params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        },
    )
    .expect("the notebook stack reads");
    let r = judge(&planned);
    assert_eq!(r.notebooks.len(), 1);
    assert_eq!(r.notebooks[0].name, "ds-notebook-fraud-dev-alice");
    assert_eq!(r.notebooks[0].root_access.as_deref(), Some("Enabled"));
    assert_eq!(check(&r, 0, "internet").verdict.status, Status::Unreachable);
    for s in INTERFACE_SERVICES {
        let c = check(&r, 0, s);
        assert_eq!(c.verdict.status, Status::Reachable, "{s}");
        assert!(c.verdict.private, "{s}");
        assert_eq!(c.verdict.via, Some(Via::InterfaceEndpoint), "{s}");
    }
    let s3 = check(&r, 0, "s3");
    assert_eq!(s3.verdict.status, Status::Reachable);
    assert_eq!(
        s3.verdict.via,
        Some(Via::Target(TargetKind::GatewayEndpoint))
    );
    assert!(r.notebooks[0].compliant, "{:?}", r.notebooks[0].reasons);

    // The same stacks without the exports given: the notebook's placement is open.
    let open = read_file(
        &fixture("real/ds_notebook_v2.yaml"),
        &opts(&notebook_params[..4], None),
    )
    .expect("reads");
    assert!(
        open.unresolved.iter().any(
            |u| u.field == "SubnetId" && u.reason.contains("!ImportValue ds-subnet1-fraud-dev")
        )
    );
}

/// The notebook stack placed (through its imports) in the real shared-services network of the
/// same repository: public subnets whose route table sends 0.0.0.0/0 to an attached internet
/// gateway, plus an S3 endpoint whose `VpcEndpointType` is left to its default (Gateway).
///
/// What AWS semantics demand: a notebook's interface has no public IPv4 address (DESIGN §3;
/// SageMaker does not associate one), so the route to the internet gateway carries none of its
/// packets — the internet is unreachable although the subnet is "public", and so is every
/// service on the public path (the VPC has no interface endpoints). S3's prefix-list route is
/// more specific than 0.0.0.0/0 and leads to the gateway endpoint: S3 is reachable, privately.
/// With services unreachable the notebook is not compliant.
#[test]
fn real_shared_services_network_public_subnet_is_not_internet_for_a_notebook() {
    let network = read_file(
        &fixture("real/ds_shared_services_network.yaml"),
        &opts(
            &[("AWS::Region", "us-east-1"), ("StackSetName", "ds")],
            Some("base-s3-prefix-list.json"),
        ),
    )
    .expect("the network stack reads");
    assert_eq!(network.internet_gateways.len(), 1);
    assert_eq!(
        network.vpc_endpoints[0].vpc_endpoint_type.as_deref(),
        Some("Gateway")
    );
    let subnet_a = network
        .subnets
        .iter()
        .find(|s| s.cidr_block.as_deref() == Some("10.1.0.0/24"))
        .expect("subnet A")
        .subnet_id
        .clone();
    let default_sg = network
        .security_groups
        .iter()
        .find(|g| g.group_name.as_deref() == Some("default"))
        .expect("the VPC's default group")
        .group_id
        .clone();
    let planned = read_file(
        &fixture("real/ds_notebook_v2.yaml"),
        &PlanOptions {
            base: Some(network),
            parameters: [
                ("AWS::Region", "us-east-1"),
                ("ProjectName", "shared"),
                ("NotebookOwnerUsername", "bob"),
                ("NotebookOwnerEmail", "bob@example.com"),
                ("ds-subnet1-shared-dev", subnet_a.as_str()),
                ("ds-sagemaker-sg-shared-dev", default_sg.as_str()),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        },
    )
    .expect("the notebook stack reads");
    let r = judge(&planned);
    assert_eq!(check(&r, 0, "internet").verdict.status, Status::Unreachable);
    for s in INTERFACE_SERVICES {
        assert_eq!(check(&r, 0, s).verdict.status, Status::Unreachable, "{s}");
    }
    let s3 = check(&r, 0, "s3");
    assert_eq!(s3.verdict.status, Status::Reachable);
    assert!(s3.verdict.private);
    assert!(!r.notebooks[0].compliant);
}

/// No input makes the reader panic, and whatever it accepts converts: every fixture truncated at
/// many points, and with single characters replaced by YAML/JSON syntax, is read (an error is
/// fine) and, when read, converted without a malformed value.
#[test]
fn mangled_fixtures_never_panic_and_what_is_read_converts() {
    let files = [
        "isolated.yaml",
        "with-nat.yaml",
        "two-designs.json",
        "import-notebook.yaml",
        "real/ds_env_network.yaml",
        "real/ds_shared_services_network.yaml",
        "stacks/parent.yaml",
        "stacks/network.yaml",
    ];
    let o = opts(
        &[
            ("AWS::Region", "us-east-1"),
            ("ProjectName", "p"),
            ("StackSetName", "s"),
            (
                "PyPIMirrorEndpointServiceName",
                "com.amazonaws.vpce.us-east-1.vpce-svc-1",
            ),
        ],
        Some("base-s3-prefix-list.json"),
    );
    let mut read_ok = 0;
    for f in files {
        let text = std::fs::read_to_string(fixture(f)).unwrap();
        let mut variants: Vec<String> = Vec::new();
        let cuts: Vec<usize> = (0..text.len()).step_by(97).collect();
        for &c in &cuts {
            if text.is_char_boundary(c) {
                variants.push(text[..c].to_string());
            }
        }
        for (k, &c) in cuts.iter().enumerate() {
            let b = text.as_bytes()[c];
            if b.is_ascii_graphic() || b == b' ' {
                let repl = [":", "!", "[", "{", "\"", "'", "-", "&a", "*a", "0"][k % 10];
                variants.push(format!("{}{}{}", &text[..c], repl, &text[c + 1..]));
            }
        }
        for v in variants {
            // The fixture's own path: a nested stack's relative TemplateURL is read beside it.
            let name = fixture(f);
            if let Ok(snap) = read_str(&name, &v, &o) {
                read_ok += 1;
                if let Err(e) = vpcreach_aws::convert(&snap) {
                    panic!("{f}: a read template does not convert: {e}\n{v}");
                }
            }
        }
    }
    assert!(
        read_ok > 10,
        "some variants are still templates ({read_ok})"
    );
}

/// One of each resource type: the shapes written are what `describe-*` prints once the stack
/// exists.
#[test]
fn each_resource_type_writes_its_aws_shape() {
    let s = read_file(
        &fixture("all-types.yaml"),
        &opts(&[("AWS::Region", "eu-west-1")], None),
    )
    .expect("read");
    let vpc = &s.vpcs[0];
    assert_eq!(
        vpc.cidr_block_association_set.len(),
        2,
        "primary and secondary"
    );
    assert!(vpc.ipv6_cidr_block_association_set.is_empty());
    assert!(
        s.unresolved
            .iter()
            .any(|u| u.address == "Ipv6Block" && u.field == "Ipv6CidrBlock")
    );
    // The subnet whose IPv6 block depends on the VPC's Amazon-provided block is left out.
    assert!(
        s.subnets
            .iter()
            .all(|x| x.subnet_id != "subnet-cfn:DualStackSubnet")
    );
    assert!(
        s.unresolved
            .iter()
            .any(|u| u.address == "DualStackSubnetIpv6")
    );
    assert_eq!(vpc.dhcp_options_id.as_deref(), Some("dopt-cfn:Dhcp"));
    let dopt = s
        .dhcp_options
        .as_ref()
        .unwrap()
        .iter()
        .find(|d| d.dhcp_options_id == "dopt-cfn:Dhcp")
        .unwrap();
    assert_eq!(dopt.dhcp_configurations[0].values.len(), 2);
    let rt = s
        .route_tables
        .iter()
        .find(|r| r.route_table_id == "rtb-cfn:RouteTable")
        .unwrap();
    // Local routes first (primary and secondary CIDR), then the template's routes.
    assert_eq!(rt.routes[0].gateway_id.as_deref(), Some("local"));
    assert_eq!(rt.routes[1].gateway_id.as_deref(), Some("local"));
    let by_target = |f: &dyn Fn(&vpcreach_aws::snapshot::Route) -> bool| {
        rt.routes.iter().find(|r| f(r)).cloned().unwrap()
    };
    let v6 = by_target(&|r| r.egress_only_internet_gateway_id.is_some());
    assert_eq!(v6.destination_ipv6_cidr_block.as_deref(), Some("::/0"));
    let tgw = by_target(&|r| r.transit_gateway_id.is_some());
    assert_eq!(
        tgw.destination_prefix_list_id.as_deref(),
        Some("pl-cfn:CorpPrefixList")
    );
    assert_eq!(tgw.transit_gateway_id.as_deref(), Some("tgw-cfn:Tgw"));
    assert!(
        rt.routes
            .iter()
            .any(|r| r.vpc_peering_connection_id.as_deref() == Some("pcx-0123456789abcdef0"))
    );
    assert!(
        rt.associations
            .iter()
            .any(|a| a.subnet_id.as_deref() == Some("subnet-cfn:Subnet"))
    );
    let edge = s
        .route_tables
        .iter()
        .find(|r| r.route_table_id == "rtb-cfn:EdgeRouteTable")
        .unwrap();
    assert!(
        edge.associations
            .iter()
            .any(|a| a.gateway_id.as_deref() == Some("igw-cfn:Igw"))
    );
    assert!(
        edge.routes
            .iter()
            .any(|r| r.gateway_id.as_deref() == Some("vpce-0fedcba9876543210"))
    );
    assert_eq!(s.transit_gateways[0].transit_gateway_id, "tgw-cfn:Tgw");
    let pl = &s.prefix_lists[0];
    assert_eq!(pl.cidrs.as_ref().unwrap().len(), 2);
    let acl = s
        .network_acls
        .iter()
        .find(|a| a.network_acl_id == "acl-cfn:Acl")
        .unwrap();
    assert_eq!(acl.entries.len(), 3);
    let out = acl.entries.iter().find(|e| e.egress).unwrap();
    assert_eq!(
        (out.protocol.as_str(), out.port_range.as_ref().unwrap().from),
        ("6", Some(443))
    );
    let ping = acl.entries.iter().find(|e| e.rule_number == 110).unwrap();
    assert_eq!(ping.rule_action, "deny");
    assert_eq!(ping.icmp_type_code.as_ref().unwrap().r#type, Some(8));
    assert_eq!(
        acl.associations[0].subnet_id.as_deref(),
        Some("subnet-cfn:Subnet")
    );
    let sg = s
        .security_groups
        .iter()
        .find(|g| g.group_id == "sg-cfn:Sg")
        .unwrap();
    // The default allow-all egress (IPv4 and IPv6) stays; the standalone egress rule is added.
    assert_eq!(sg.ip_permissions_egress.len(), 2);
    assert_eq!(
        sg.ip_permissions_egress[0].ip_ranges[0].cidr_ip,
        "0.0.0.0/0"
    );
    assert_eq!(sg.ip_permissions_egress[0].ipv6_ranges[0].cidr_ipv6, "::/0");
    assert_eq!(
        sg.ip_permissions_egress[1].prefix_list_ids[0].prefix_list_id,
        "pl-cfn:CorpPrefixList"
    );
    assert_eq!(sg.ip_permissions[0].ip_protocol, "tcp");
    assert_eq!(sg.ip_permissions[0].ip_ranges[0].cidr_ip, "192.0.2.0/24");
    let default_sg = s
        .security_groups
        .iter()
        .find(|g| g.group_id == "sg-cfn:Vpc#default")
        .unwrap();
    assert_eq!(
        default_sg.ip_permissions.len(),
        2,
        "its own rule and the template's"
    );
    assert!(
        s.planned_resources
            .iter()
            .any(|p| p.id == "sg-cfn:Vpc#default" && p.action == "update")
    );
    assert_eq!(
        s.egress_only_internet_gateways[0].attachments[0].vpc_id,
        "vpc-cfn:Vpc"
    );
    assert_eq!(s.region.as_deref(), Some("eu-west-1"));
    // What was read converts.
    vpcreach_aws::convert(&s).expect("converts");
}
