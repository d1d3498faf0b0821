//! What `Ref` and `Fn::GetAtt` return for each resource type, as the "Return values" section of
//! its page in the AWS CloudFormation Template Reference documents
//! (`https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-<type>.html`):
//! - `AWS::EC2::VPC`: `Ref` → the VPC ID; `CidrBlock`, `DefaultNetworkAcl`, `DefaultSecurityGroup`,
//!   `Ipv6CidrBlocks`, `VpcId` (aws-resource-ec2-vpc.html).
//! - `AWS::EC2::Subnet`: `Ref` → the subnet ID; `SubnetId`, `VpcId`, `CidrBlock`,
//!   `AvailabilityZone`, `Ipv6CidrBlocks` (aws-resource-ec2-subnet.html).
//! - `AWS::EC2::SecurityGroup`: `Ref` → the group ID for a VPC security group (the name only for
//!   a group without `VpcId` in a default VPC); `GroupId`, `VpcId`
//!   (aws-resource-ec2-securitygroup.html).
//! - `AWS::EC2::EIP`: `Ref` → the Elastic IP address itself (known only after creation);
//!   `AllocationId`, `PublicIp` (aws-resource-ec2-eip.html).
//! - `AWS::EC2::RouteTable`, `InternetGateway`, `NatGateway`, `EgressOnlyInternetGateway`,
//!   `NetworkAcl`, `VPCEndpoint`, `PrefixList`, `DHCPOptions`, `TransitGateway`,
//!   `VPCPeeringConnection`, `NetworkInterface`, `VPNGateway`, `Instance`, `CarrierGateway`: `Ref`
//!   → the resource's ID (`rtb-`, `igw-`, `nat-`, `eigw-`, `acl-`, `vpce-`, `pl-`, `dopt-`, `tgw-`,
//!   `pcx-`, `eni-`, `vgw-`, `i-`, `cagw-`), and its `…Id`/`Id` attribute the same.
//! - `AWS::SageMaker::NotebookInstance`: `Ref` → the notebook's ARN; `NotebookInstanceName`
//!   (aws-resource-sagemaker-notebookinstance.html).
//!
//! Planned resources get the synthetic IDs of [`crate::common::Builder::id`]. An attribute known
//! only once the resource exists (an EIP's address, an endpoint's DNS entries, an Amazon-provided
//! IPv6 block) is [`V::Open`].

use super::eval::{Ctx, V};

/// The ID prefix AWS gives a resource type, for the types whose `Ref` is their ID.
pub fn prefix(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "AWS::EC2::VPC" => "vpc",
        "AWS::EC2::Subnet" => "subnet",
        "AWS::EC2::RouteTable" => "rtb",
        "AWS::EC2::InternetGateway" => "igw",
        "AWS::EC2::EgressOnlyInternetGateway" => "eigw",
        "AWS::EC2::NatGateway" => "nat",
        "AWS::EC2::VPCEndpoint" => "vpce",
        "AWS::EC2::SecurityGroup" => "sg",
        "AWS::EC2::NetworkAcl" => "acl",
        "AWS::EC2::PrefixList" => "pl",
        "AWS::EC2::DHCPOptions" => "dopt",
        "AWS::EC2::NetworkInterface" => "eni",
        "AWS::EC2::TransitGateway" => "tgw",
        "AWS::EC2::VPCPeeringConnection" => "pcx",
        "AWS::EC2::VPNGateway" => "vgw",
        "AWS::EC2::Instance" => "i",
        "AWS::EC2::CarrierGateway" => "cagw",
        "AWS::EC2::SubnetRouteTableAssociation" | "AWS::EC2::GatewayRouteTableAssociation" => {
            "rtbassoc"
        }
        "AWS::EC2::SubnetNetworkAclAssociation" => "aclassoc",
        "AWS::EC2::VPCCidrBlock" => "vpc-cidr-assoc",
        "AWS::EC2::SubnetCidrBlock" => "subnet-cidr-assoc",
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => "sgr",
        "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
            "tgw-attach"
        }
        _ => return None,
    })
}

/// The suffix of a VPC ID after its prefix, as `Builder::add_vpc` names the VPC's defaults.
fn vpc_suffix(id: &str) -> &str {
    id.split_once('-').map(|(_, s)| s).unwrap_or(id)
}

fn after_creation(res: &str, kind: &str, what: &str) -> V {
    V::Open(format!(
        "{what} of {res} ({kind}) is known only after the stack is created"
    ))
}

/// The notebook's name: `NotebookInstanceName`, else its logical ID.
pub fn notebook_name(ctx: &mut Ctx, res: &str) -> Result<V, String> {
    Ok(match ctx.prop_of(res, "NotebookInstanceName")? {
        Some(V::NoValue) | None => V::Str(res.to_string()),
        Some(v) => v,
    })
}

/// `Ref res`.
pub fn reference(ctx: &mut Ctx, res: &str, kind: &str) -> Result<V, String> {
    if kind == "AWS::EC2::EIP" {
        return Ok(after_creation(res, kind, "the public IP address"));
    }
    if kind == "AWS::SageMaker::NotebookInstance" {
        let name = notebook_name(ctx, res)?;
        let (V::Str(name), Some(region), Some(V::Str(account))) = (
            name,
            ctx.region(),
            ctx.params.get("AWS::AccountId").cloned(),
        ) else {
            return Ok(after_creation(res, kind, "the ARN"));
        };
        let partition = match ctx.params.get("AWS::Partition") {
            Some(V::Str(p)) => p.clone(),
            _ => "aws".into(),
        };
        return Ok(V::Str(format!(
            "arn:{partition}:sagemaker:{region}:{account}:notebook-instance/{}",
            name.to_ascii_lowercase()
        )));
    }
    if kind == "AWS::EC2::SecurityGroup" && ctx.prop_of(res, "VpcId")?.is_none() {
        // A group without VpcId is created in the default VPC, and Ref returns its name.
        return Ok(match ctx.prop_of(res, "GroupName")? {
            Some(v) => v,
            None => after_creation(res, kind, "the generated group name"),
        });
    }
    match prefix(kind) {
        Some(p) => Ok(V::Str(ctx.ids.id(p, res))),
        None => Ok(after_creation(res, kind, "the physical ID")),
    }
}

/// `Fn::GetAtt res.attr`.
pub fn get_att(ctx: &mut Ctx, res: &str, kind: &str, attr: &str) -> Result<V, String> {
    let id = |ctx: &Ctx| prefix(kind).map(|p| ctx.ids.id(p, res)).unwrap_or_default();
    let echo = |ctx: &mut Ctx, prop: &str| -> Result<V, String> {
        Ok(match ctx.prop_of(res, prop)? {
            Some(v) => v,
            None => after_creation(res, kind, attr),
        })
    };
    Ok(match (kind, attr) {
        ("AWS::EC2::VPC", "VpcId") => V::Str(id(ctx)),
        ("AWS::EC2::VPC", "CidrBlock") => echo(ctx, "CidrBlock")?,
        ("AWS::EC2::VPC", "DefaultSecurityGroup") => {
            V::Str(format!("sg-{}#default", vpc_suffix(&id(ctx))))
        }
        ("AWS::EC2::VPC", "DefaultNetworkAcl") => {
            V::Str(format!("acl-{}#default", vpc_suffix(&id(ctx))))
        }
        ("AWS::EC2::Subnet", "SubnetId") => V::Str(id(ctx)),
        ("AWS::EC2::Subnet", "VpcId" | "CidrBlock" | "AvailabilityZone") => echo(ctx, attr)?,
        ("AWS::EC2::Subnet", "Ipv6CidrBlocks") => match ctx.prop_of(res, "Ipv6CidrBlock")? {
            Some(V::Str(s)) => V::List(vec![V::Str(s)]),
            Some(V::Open(r)) => V::Open(r),
            _ => after_creation(res, kind, attr),
        },
        ("AWS::EC2::SecurityGroup", "GroupId") => V::Str(id(ctx)),
        ("AWS::EC2::SecurityGroup", "VpcId") => echo(ctx, "VpcId")?,
        ("AWS::EC2::EIP", "AllocationId") => V::Str(ctx.ids.id("eipalloc", res)),
        ("AWS::SageMaker::NotebookInstance", "NotebookInstanceName") => notebook_name(ctx, res)?,
        ("AWS::EC2::NetworkInterface", "PrimaryPrivateIpAddress") => echo(ctx, "PrivateIpAddress")?,
        (
            "AWS::EC2::RouteTable"
            | "AWS::EC2::InternetGateway"
            | "AWS::EC2::NatGateway"
            | "AWS::EC2::EgressOnlyInternetGateway"
            | "AWS::EC2::NetworkAcl"
            | "AWS::EC2::VPCEndpoint"
            | "AWS::EC2::PrefixList"
            | "AWS::EC2::DHCPOptions"
            | "AWS::EC2::TransitGateway"
            | "AWS::EC2::VPCPeeringConnection"
            | "AWS::EC2::NetworkInterface"
            | "AWS::EC2::VPNGateway"
            | "AWS::EC2::CarrierGateway"
            | "AWS::EC2::SubnetRouteTableAssociation"
            | "AWS::EC2::SubnetNetworkAclAssociation"
            | "AWS::EC2::VPCCidrBlock",
            "Id" | "RouteTableId" | "InternetGatewayId" | "NatGatewayId" | "PrefixListId"
            | "DhcpOptionsId" | "TransitGatewayId" | "VPNGatewayId" | "CarrierGatewayId"
            | "AssociationId",
        ) => V::Str(id(ctx)),
        _ => after_creation(res, kind, attr),
    })
}
