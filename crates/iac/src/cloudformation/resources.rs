//! Each network resource type of a template into the AWS shapes of the planned state.
//!
//! AWS behaviour relied on (AWS CloudFormation Template Reference, each type's page):
//! - `AWS::EC2::VPC`: `EnableDnsSupport` defaults to true, `EnableDnsHostnames` to false
//!   (aws-resource-ec2-vpc.html; <https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support>).
//! - `AWS::EC2::SecurityGroup`: "When you create a security group, if you do not add egress
//!   rules, we add egress rules that allow all outbound IPv4 and IPv6 traffic. Otherwise, we do
//!   not add them." (aws-resource-ec2-securitygroup.html). Egress rules added by a separate
//!   `AWS::EC2::SecurityGroupEgress` are authorised after creation, so they do not remove that
//!   default rule.
//! - `AWS::EC2::VPCEndpoint`: `VpcEndpointType` defaults to `Gateway`; `PrivateDnsEnabled`
//!   defaults to false in CloudFormation (unlike the console) (aws-resource-ec2-vpcendpoint.html);
//!   an interface endpoint created without security groups gets the VPC's default security group
//!   (<https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>). A
//!   gateway endpoint adds to each of its route tables a route whose destination is the
//!   service's AWS-managed prefix list and whose target is the endpoint
//!   (<https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>).
//! - `AWS::EC2::NatGateway`: `ConnectivityType` defaults to `public`.
//! - `AWS::EC2::NetworkAclEntry`: `Egress` defaults to false; a new network ACL has no entries
//!   besides the implicit deny (<https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html>).
//! - `AWS::SageMaker::NotebookInstance`: `DirectInternetAccess` and `RootAccess` default to
//!   `Enabled` (aws-resource-sagemaker-notebookinstance.html; CreateNotebookInstance API).
//!   Without `NotebookInstanceName` CloudFormation generates a name; the logical ID stands in.

use std::collections::BTreeMap;

use vpcreach_aws::snapshot::{
    AclPortRange, AttributeValue, CidrAssociation, DhcpConfiguration, DhcpOptions, DnsOptions,
    EgressOnlyInternetGateway, GatewayAttachment, GroupIdentifier, IcmpTypeCode, InternetGateway,
    IpPermission, IpRange, Ipv6CidrAssociation, Ipv6Range, NatGateway, NatGatewayAddress,
    NetworkAcl, NetworkAclAssociation, NetworkAclEntry, NetworkInterface, NotebookInstance,
    PeeringStatus, PeeringVpcInfo, PrefixList, PrefixListIdRef, PrivateIpAddress, Route,
    RouteTable, RouteTableAssociation, SecurityGroup, StateObj, Subnet, TransitGateway,
    UserIdGroupPair, Vpc, VpcEndpoint, VpcPeeringConnection,
};

use super::attrs;
use super::eval::{Ctx, V, text};
use super::props::{F, Props, check_cidr, int_of, scalar};
use crate::PlanError;
use crate::common::{Builder, upsert};

/// The order resource types are built in: what others refer to first.
pub const ORDER: &[&str] = &[
    "AWS::EC2::VPC",
    "AWS::EC2::VPCCidrBlock",
    "AWS::EC2::DHCPOptions",
    "AWS::EC2::VPCDHCPOptionsAssociation",
    "AWS::EC2::Subnet",
    "AWS::EC2::SubnetCidrBlock",
    "AWS::EC2::RouteTable",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::EgressOnlyInternetGateway",
    "AWS::EC2::TransitGateway",
    "AWS::EC2::VPCPeeringConnection",
    "AWS::EC2::NatGateway",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::PrefixList",
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::GatewayRouteTableAssociation",
    "AWS::EC2::NetworkAcl",
    "AWS::EC2::NetworkAclEntry",
    "AWS::EC2::SubnetNetworkAclAssociation",
    "AWS::SageMaker::NotebookInstance",
];

/// Mark a resource the template changes but does not create (a base route table that gains a
/// route) as updated, unless it is already planned.
fn touch(b: &mut Builder, id: &str, p: &Props) {
    if !b.snap.planned_resources.iter().any(|x| x.id == id) {
        b.mark_planned(id, p.id, p.kind, "update", p.line);
    }
}

fn create(b: &mut Builder, id: &str, p: &Props) {
    b.mark_planned(id, p.id, p.kind, "create", p.line);
}

fn not_found(b: &mut Builder, p: &Props, prop: &str, what: &str, id: &str) {
    if !id.contains("-unresolved:") {
        b.unresolved(
            p.id,
            prop,
            format!("{what} {id} is neither in the template nor in the base snapshot"),
        );
    }
}

/// Build one resource into `b`.
pub fn build(b: &mut Builder, ctx: &mut Ctx, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    match p.kind {
        "AWS::EC2::VPC" => build_vpc(b, p)?,
        "AWS::EC2::VPCCidrBlock" => build_vpc_cidr_block(b, p)?,
        "AWS::EC2::DHCPOptions" => build_dhcp_options(b, p)?,
        "AWS::EC2::VPCDHCPOptionsAssociation" => build_vpc_dhcp_options_association(b, p)?,
        "AWS::EC2::Subnet" => build_subnet(b, p)?,
        "AWS::EC2::SubnetCidrBlock" => build_subnet_cidr_block(b, p)?,
        "AWS::EC2::RouteTable" => {
            let vpc = p
                .id_ref(b, "VpcId", "vpc")?
                .ok_or_else(|| p.err("VpcId", "is required"))?;
            let id = own(b, "rtb");
            create(b, &id, p);
            upsert(
                &mut b.snap.route_tables,
                RouteTable {
                    route_table_id: id,
                    vpc_id: vpc,
                    tags: p.tags(),
                    ..RouteTable::default()
                },
                |r| &r.route_table_id,
            );
        }
        "AWS::EC2::InternetGateway" => {
            let id = own(b, "igw");
            create(b, &id, p);
            upsert(
                &mut b.snap.internet_gateways,
                InternetGateway {
                    internet_gateway_id: id,
                    tags: p.tags(),
                    ..InternetGateway::default()
                },
                |g| &g.internet_gateway_id,
            );
        }
        "AWS::EC2::VPCGatewayAttachment" => {
            let vpc = p
                .id_ref(b, "VpcId", "vpc")?
                .ok_or_else(|| p.err("VpcId", "is required"))?;
            // A VPN gateway attachment needs nothing: routes to a `vgw-` leave the modelled scope.
            if let Some(igw) = p.id_strict("InternetGatewayId")? {
                match b
                    .snap
                    .internet_gateways
                    .iter_mut()
                    .find(|g| g.internet_gateway_id == igw)
                {
                    Some(g) => {
                        g.attachments.retain(|a| a.vpc_id != vpc);
                        g.attachments.push(GatewayAttachment {
                            vpc_id: vpc,
                            state: Some("available".into()),
                        });
                        touch(b, &igw, p);
                    }
                    None => not_found(b, p, "InternetGatewayId", "internet gateway", &igw),
                }
            }
        }
        "AWS::EC2::EgressOnlyInternetGateway" => {
            let vpc = p
                .id_ref(b, "VpcId", "vpc")?
                .ok_or_else(|| p.err("VpcId", "is required"))?;
            let id = own(b, "eigw");
            create(b, &id, p);
            upsert(
                &mut b.snap.egress_only_internet_gateways,
                EgressOnlyInternetGateway {
                    egress_only_internet_gateway_id: id,
                    attachments: vec![GatewayAttachment {
                        vpc_id: vpc,
                        state: Some("attached".into()),
                    }],
                    tags: p.tags(),
                },
                |g| &g.egress_only_internet_gateway_id,
            );
        }
        "AWS::EC2::TransitGateway" => {
            let id = own(b, "tgw");
            create(b, &id, p);
            upsert(
                &mut b.snap.transit_gateways,
                TransitGateway {
                    transit_gateway_id: id,
                    state: Some("available".into()),
                    tags: p.tags(),
                    ..TransitGateway::default()
                },
                |t| &t.transit_gateway_id,
            );
        }
        "AWS::EC2::VPCPeeringConnection" => {
            let id = own(b, "pcx");
            let vpc = p.id_ref(b, "VpcId", "vpc")?;
            let peer = p.id_ref(b, "PeerVpcId", "vpc")?;
            create(b, &id, p);
            upsert(
                &mut b.snap.vpc_peering_connections,
                VpcPeeringConnection {
                    vpc_peering_connection_id: id,
                    status: Some(PeeringStatus {
                        code: Some("active".into()),
                    }),
                    requester_vpc_info: Some(PeeringVpcInfo {
                        vpc_id: vpc,
                        ..PeeringVpcInfo::default()
                    }),
                    accepter_vpc_info: Some(PeeringVpcInfo {
                        vpc_id: peer,
                        ..PeeringVpcInfo::default()
                    }),
                },
                |x| &x.vpc_peering_connection_id,
            );
        }
        "AWS::EC2::NatGateway" => build_nat_gateway(b, p)?,
        "AWS::EC2::SecurityGroup" => build_security_group(b, p)?,
        "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress" => {
            build_security_group_ingress(b, p)?
        }
        "AWS::EC2::NetworkInterface" => build_network_interface(b, p)?,
        "AWS::EC2::PrefixList" => build_prefix_list(b, p)?,
        "AWS::EC2::VPCEndpoint" => endpoint(b, p)?,
        "AWS::EC2::Route" => route(b, p)?,
        "AWS::EC2::SubnetRouteTableAssociation" | "AWS::EC2::GatewayRouteTableAssociation" => {
            build_subnet_route_table_association(b, p)?
        }
        "AWS::EC2::NetworkAcl" => {
            let vpc = p
                .id_ref(b, "VpcId", "vpc")?
                .ok_or_else(|| p.err("VpcId", "is required"))?;
            let id = own(b, "acl");
            create(b, &id, p);
            upsert(
                &mut b.snap.network_acls,
                NetworkAcl {
                    network_acl_id: id,
                    vpc_id: Some(vpc),
                    is_default: Some(false),
                    tags: p.tags(),
                    ..NetworkAcl::default()
                },
                |a| &a.network_acl_id,
            );
        }
        "AWS::EC2::NetworkAclEntry" => acl_entry(b, p)?,
        "AWS::EC2::SubnetNetworkAclAssociation" => build_subnet_network_acl_association(b, p)?,
        "AWS::SageMaker::NotebookInstance" => notebook(b, ctx, p)?,
        _ => {}
    }
    Ok(())
}

/// `AWS::EC2::VPC` into the planned state.
fn build_vpc(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let cidr = match p.cidr("CidrBlock")? {
        F::Known(c) => c,
        F::Open(r) => {
            b.unresolved(p.id, "CidrBlock", r);
            return Ok(());
        }
        F::Absent => {
            b.unresolved(
                p.id,
                "CidrBlock",
                "allocated from an IPAM pool when the stack is created",
            );
            return Ok(());
        }
    };
    let id = own(b, "vpc");
    create(b, &id, p);
    let support = p.bool("EnableDnsSupport", true)?;
    let hostnames = p.bool("EnableDnsHostnames", false)?;
    b.add_vpc(
        Vpc {
            vpc_id: id.clone(),
            cidr_block: Some(cidr.clone()),
            cidr_block_association_set: vec![CidrAssociation {
                cidr_block: cidr,
                cidr_block_state: Some(StateObj {
                    state: Some("associated".into()),
                }),
            }],
            is_default: Some(false),
            tags: p.tags(),
            ..Vpc::default()
        },
        matches!(support, F::Known(true)),
        matches!(hostnames, F::Known(true)),
    );
    // An open DNS attribute is left out: the verdicts that need it are unknown.
    for (prop, f) in [
        ("EnableDnsSupport", &support),
        ("EnableDnsHostnames", &hostnames),
    ] {
        if let F::Open(r) = f {
            b.unresolved(p.id, prop, r.clone());
            if let Some(a) = b.snap.vpc_attributes.iter_mut().find(|a| a.vpc_id == id) {
                if prop == "EnableDnsSupport" {
                    a.enable_dns_support = None;
                } else {
                    a.enable_dns_hostnames = None;
                }
            }
        }
    }
    Ok(())
}

/// `AWS::EC2::VPCCidrBlock` into the planned state.
fn build_vpc_cidr_block(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let Some(vpc) = p.id_ref(b, "VpcId", "vpc")? else {
        return Err(p.err("VpcId", "is required"));
    };
    let Some(v) = b.snap.vpcs.iter_mut().find(|v| v.vpc_id == vpc) else {
        not_found(b, p, "VpcId", "VPC", &vpc);
        return Ok(());
    };
    let v_id = v.vpc_id.clone();
    match (p.cidr("CidrBlock")?, p.cidr("Ipv6CidrBlock")?) {
        (F::Known(c), _) => v.cidr_block_association_set.push(CidrAssociation {
            cidr_block: c,
            cidr_block_state: Some(StateObj {
                state: Some("associated".into()),
            }),
        }),
        (_, F::Known(c)) => v.ipv6_cidr_block_association_set.push(Ipv6CidrAssociation {
            ipv6_cidr_block: c,
            ipv6_cidr_block_state: Some(StateObj {
                state: Some("associated".into()),
            }),
        }),
        (F::Open(r), _) | (_, F::Open(r)) => {
            b.unresolved(p.id, "CidrBlock", r);
            return Ok(());
        }
        (F::Absent, F::Absent) => {
            b.unresolved(
                p.id,
                "Ipv6CidrBlock",
                "the block AWS (or an IPAM pool) allocates is known only after the stack is created",
            );
            return Ok(());
        }
    }
    touch(b, &v_id, p);
    Ok(())
}

/// `AWS::EC2::DHCPOptions` into the planned state.
fn build_dhcp_options(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let id = own(b, "dopt");
    let mut conf = Vec::new();
    for (prop, key) in [
        ("DomainNameServers", "domain-name-servers"),
        ("DomainName", "domain-name"),
        ("NtpServers", "ntp-servers"),
    ] {
        let values: Vec<String> = match p.map.get(prop) {
            None => continue,
            Some(V::Open(r)) => {
                b.unresolved(p.id, prop, r.clone());
                vec![Builder::unresolved_id("dns", &format!("{}.{prop}", p.id))]
            }
            Some(V::List(l)) => l
                .iter()
                .map(|x| {
                    text(x).unwrap_or_else(|| {
                        Builder::unresolved_id("dns", &format!("{}.{prop}", p.id))
                    })
                })
                .collect(),
            Some(x) => vec![text(x).ok_or_else(|| p.err(prop, "must be a list"))?],
        };
        conf.push(DhcpConfiguration {
            key: key.into(),
            values: values
                .into_iter()
                .map(|value| AttributeValue { value })
                .collect(),
        });
    }
    create(b, &id, p);
    let sets = b.snap.dhcp_options.get_or_insert_with(Vec::new);
    upsert(
        sets,
        DhcpOptions {
            dhcp_options_id: id,
            dhcp_configurations: conf,
            tags: p.tags(),
            ..DhcpOptions::default()
        },
        |d| &d.dhcp_options_id,
    );
    Ok(())
}

/// `AWS::EC2::VPCDHCPOptionsAssociation` into the planned state.
fn build_vpc_dhcp_options_association(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let vpc = p.id_ref(b, "VpcId", "vpc")?.unwrap_or_default();
    let mut dopt = p
        .id_ref(b, "DhcpOptionsId", "dopt")?
        .ok_or_else(|| p.err("DhcpOptionsId", "is required"))?;
    if dopt == "default" {
        dopt = "dopt-default#AmazonProvidedDNS".into();
        let sets = b.snap.dhcp_options.get_or_insert_with(Vec::new);
        if !sets.iter().any(|d| d.dhcp_options_id == dopt) {
            sets.push(DhcpOptions {
                dhcp_options_id: dopt.clone(),
                dhcp_configurations: vec![DhcpConfiguration {
                    key: "domain-name-servers".into(),
                    values: vec![AttributeValue {
                        value: "AmazonProvidedDNS".into(),
                    }],
                }],
                ..DhcpOptions::default()
            });
        }
    }
    match b.snap.vpcs.iter_mut().find(|v| v.vpc_id == vpc) {
        Some(v) => {
            v.dhcp_options_id = Some(dopt);
            touch(b, &vpc, p);
        }
        None => not_found(b, p, "VpcId", "VPC", &vpc),
    }
    Ok(())
}

/// `AWS::EC2::Subnet` into the planned state.
fn build_subnet(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let vpc = p
        .id_ref(b, "VpcId", "vpc")?
        .ok_or_else(|| p.err("VpcId", "is required"))?;
    let ipv6_native = matches!(p.bool("Ipv6Native", false)?, F::Known(true));
    let cidr = match p.cidr("CidrBlock")? {
        F::Known(c) => Some(c),
        F::Open(r) => {
            b.unresolved(p.id, "CidrBlock", r);
            return Ok(());
        }
        F::Absent if ipv6_native => None,
        F::Absent => {
            b.unresolved(
                p.id,
                "CidrBlock",
                "allocated from an IPAM pool when the stack is created",
            );
            return Ok(());
        }
    };
    let ipv6 = match p.cidr("Ipv6CidrBlock")? {
        F::Known(c) => vec![Ipv6CidrAssociation {
            ipv6_cidr_block: c,
            ipv6_cidr_block_state: Some(StateObj {
                state: Some("associated".into()),
            }),
        }],
        F::Open(r) => {
            // The subnet's IPv6 range decides what its instances can send: without it
            // the subnet is left out, and whatever is placed in it is unknown.
            b.unresolved(p.id, "Ipv6CidrBlock", r);
            return Ok(());
        }
        F::Absent => Vec::new(),
    };
    let az = match p.str("AvailabilityZone")? {
        F::Known(s) => Some(s),
        _ => None,
    };
    let id = own(b, "subnet");
    create(b, &id, p);
    upsert(
        &mut b.snap.subnets,
        Subnet {
            subnet_id: id,
            vpc_id: vpc,
            cidr_block: cidr,
            ipv6_cidr_block_association_set: ipv6,
            availability_zone: az,
            map_public_ip_on_launch: match p.bool("MapPublicIpOnLaunch", false)? {
                F::Known(v) => Some(v),
                _ => None,
            },
            state: Some("available".into()),
            tags: p.tags(),
            ..Subnet::default()
        },
        |s| &s.subnet_id,
    );
    Ok(())
}

/// `AWS::EC2::SubnetCidrBlock` into the planned state.
fn build_subnet_cidr_block(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let subnet = p
        .id_ref(b, "SubnetId", "subnet")?
        .ok_or_else(|| p.err("SubnetId", "is required"))?;
    let block = match p.cidr("Ipv6CidrBlock")? {
        F::Known(c) => c,
        F::Open(r) => {
            // The subnet's IPv6 range is open: the subnet is taken out, so whatever is
            // placed in it is unknown rather than judged IPv4-only.
            b.unresolved(p.id, "Ipv6CidrBlock", r);
            b.remove(&subnet);
            return Ok(());
        }
        F::Absent => {
            b.unresolved(
                p.id,
                "Ipv6CidrBlock",
                "allocated from an IPAM pool when the stack is created",
            );
            b.remove(&subnet);
            return Ok(());
        }
    };
    match b.snap.subnets.iter_mut().find(|s| s.subnet_id == subnet) {
        Some(s) => {
            s.ipv6_cidr_block_association_set.push(Ipv6CidrAssociation {
                ipv6_cidr_block: block,
                ipv6_cidr_block_state: Some(StateObj {
                    state: Some("associated".into()),
                }),
            });
            touch(b, &subnet, p);
        }
        None => not_found(b, p, "SubnetId", "subnet", &subnet),
    }
    Ok(())
}

/// `AWS::EC2::NatGateway` into the planned state.
fn build_nat_gateway(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let subnet = p
        .id_ref(b, "SubnetId", "subnet")?
        .ok_or_else(|| p.err("SubnetId", "is required"))?;
    let connectivity = match p.str("ConnectivityType")? {
        F::Known(c) => c,
        F::Absent => "public".into(),
        F::Open(r) => {
            b.unresolved(p.id, "ConnectivityType", r);
            // Unknown connectivity: the NAT is left out, so routes to it dangle.
            return Ok(());
        }
    };
    let allocation = p.id_ref(b, "AllocationId", "eipalloc")?;
    let private_ip = match p.str("PrivateIpAddress")? {
        F::Known(s) => Some(s),
        _ => None,
    };
    let vpc = b
        .snap
        .subnets
        .iter()
        .find(|s| s.subnet_id == subnet)
        .map(|s| s.vpc_id.clone());
    let id = own(b, "nat");
    create(b, &id, p);
    upsert(
        &mut b.snap.nat_gateways,
        NatGateway {
            nat_gateway_id: id,
            subnet_id: Some(subnet),
            vpc_id: vpc,
            state: Some("available".into()),
            connectivity_type: Some(connectivity),
            nat_gateway_addresses: vec![NatGatewayAddress {
                allocation_id: allocation,
                private_ip,
                ..NatGatewayAddress::default()
            }],
            tags: p.tags(),
        },
        |n| &n.nat_gateway_id,
    );
    Ok(())
}

/// `AWS::EC2::SecurityGroup` into the planned state.
fn build_security_group(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let vpc = match p.id_ref(b, "VpcId", "vpc")? {
        Some(v) => Some(v),
        None => b
            .snap
            .vpcs
            .iter()
            .find(|v| v.is_default == Some(true))
            .map(|v| v.vpc_id.clone()),
    };
    let id = own(b, "sg");
    let name = match p.str("GroupName")? {
        F::Known(n) => Some(n),
        _ => Some(p.id.to_string()),
    };
    let ingress = rules(b, p, "SecurityGroupIngress", false)?;
    let egress = match p.maps("SecurityGroupEgress")? {
        // No egress rules given (absent or an empty list): EC2's default rule stays.
        F::Absent => vec![allow_all_egress()],
        F::Known(l) if l.is_empty() => vec![allow_all_egress()],
        _ => rules(b, p, "SecurityGroupEgress", true)?,
    };
    create(b, &id, p);
    upsert(
        &mut b.snap.security_groups,
        SecurityGroup {
            group_id: id,
            group_name: name,
            vpc_id: vpc,
            ip_permissions: ingress,
            ip_permissions_egress: egress,
            tags: p.tags(),
        },
        |g| &g.group_id,
    );
    Ok(())
}

/// `AWS::EC2::SecurityGroupIngress` and `AWS::EC2::SecurityGroupEgress` into the planned state.
fn build_security_group_ingress(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let egress = p.kind == "AWS::EC2::SecurityGroupEgress";
    let group = match p.id_ref(b, "GroupId", "sg")? {
        Some(g) => g,
        None => match p.str("GroupName")? {
            F::Known(n) => match b
                .snap
                .security_groups
                .iter()
                .find(|g| g.group_name.as_deref() == Some(&n))
            {
                Some(g) => g.group_id.clone(),
                None => {
                    not_found(b, p, "GroupName", "security group", &n);
                    return Ok(());
                }
            },
            F::Open(r) => {
                b.unresolved(p.id, "GroupName", r);
                return Ok(());
            }
            F::Absent => return Err(p.err("GroupId", "GroupId or GroupName is required")),
        },
    };
    let Some(perm) = rule(b, p, "", &p.map, egress)? else {
        return Ok(());
    };
    match b
        .snap
        .security_groups
        .iter_mut()
        .find(|g| g.group_id == group)
    {
        Some(g) => {
            if egress {
                g.ip_permissions_egress.push(perm);
            } else {
                g.ip_permissions.push(perm);
            }
            touch(b, &group, p);
        }
        None => not_found(b, p, "GroupId", "security group", &group),
    }
    Ok(())
}

/// `AWS::EC2::NetworkInterface` into the planned state.
fn build_network_interface(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let subnet = p.id_ref(b, "SubnetId", "subnet")?;
    let groups = p.id_list(b, "GroupSet", "sg")?;
    let vpc = subnet.as_ref().and_then(|s| {
        b.snap
            .subnets
            .iter()
            .find(|x| &x.subnet_id == s)
            .map(|x| x.vpc_id.clone())
    });
    let ip = match p.str("PrivateIpAddress")? {
        F::Known(s) => Some(s),
        _ => None,
    };
    let id = own(b, "eni");
    create(b, &id, p);
    upsert(
        &mut b.snap.network_interfaces,
        NetworkInterface {
            network_interface_id: id,
            subnet_id: subnet,
            vpc_id: vpc,
            interface_type: Some("interface".into()),
            private_ip_address: ip.clone(),
            private_ip_addresses: ip
                .map(|a| PrivateIpAddress {
                    private_ip_address: Some(a),
                    primary: Some(true),
                    association: None,
                })
                .into_iter()
                .collect(),
            groups: groups
                .into_iter()
                .map(|g| GroupIdentifier {
                    group_id: g,
                    group_name: None,
                })
                .collect(),
            status: Some("in-use".into()),
            ..NetworkInterface::default()
        },
        |e| &e.network_interface_id,
    );
    Ok(())
}

/// `AWS::EC2::PrefixList` into the planned state.
fn build_prefix_list(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let id = own(b, "pl");
    let name = match p.str("PrefixListName")? {
        F::Known(n) => Some(n),
        _ => None,
    };
    let cidrs = match p.maps("Entries")? {
        F::Absent => Some(Vec::new()),
        F::Open(r) => {
            b.unresolved(p.id, "Entries", r);
            None
        }
        F::Known(list) => {
            let mut out = Some(Vec::new());
            for e in list {
                match scalar(e.get("Cidr"), || p.err("Entries", "Cidr must be a string"))? {
                    F::Known(c) => {
                        check_cidr(&c).map_err(|m| p.err("Entries", m))?;
                        if let Some(o) = out.as_mut() {
                            o.push(c);
                        }
                    }
                    F::Open(r) => {
                        b.unresolved(p.id, "Entries", r);
                        out = None;
                    }
                    F::Absent => return Err(p.err("Entries", "an entry has no Cidr")),
                }
            }
            out
        }
    };
    create(b, &id, p);
    upsert(
        &mut b.snap.prefix_lists,
        PrefixList {
            prefix_list_id: id,
            prefix_list_name: name,
            cidrs,
            address_family: match p.str("AddressFamily")? {
                F::Known(a) => Some(a),
                _ => None,
            },
            owner_id: None,
        },
        |x| &x.prefix_list_id,
    );
    Ok(())
}

/// `AWS::EC2::SubnetRouteTableAssociation` and `AWS::EC2::GatewayRouteTableAssociation` into the planned state.
fn build_subnet_route_table_association(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let rtb = p
        .id_strict("RouteTableId")?
        .ok_or_else(|| p.err("RouteTableId", "is required"))?;
    let gateway = p.kind == "AWS::EC2::GatewayRouteTableAssociation";
    let (prop, target) = if gateway {
        ("GatewayId", p.id_strict("GatewayId")?)
    } else {
        ("SubnetId", p.id_strict("SubnetId")?)
    };
    let target = target.ok_or_else(|| p.err(prop, "is required"))?;
    if !b.snap.route_tables.iter().any(|r| r.route_table_id == rtb) {
        not_found(b, p, "RouteTableId", "route table", &rtb);
        return Ok(());
    }
    // A subnet (or gateway) has one explicit association: it moves.
    for r in &mut b.snap.route_tables {
        r.associations.retain(|a| {
            a.main == Some(true)
                || if gateway {
                    a.gateway_id.as_deref() != Some(&target)
                } else {
                    a.subnet_id.as_deref() != Some(&target)
                }
        });
    }
    let assoc = own(b, "rtbassoc");
    let rt = b
        .snap
        .route_tables
        .iter_mut()
        .find(|r| r.route_table_id == rtb)
        .expect("checked above");
    rt.associations.push(RouteTableAssociation {
        main: Some(false),
        route_table_association_id: Some(assoc),
        route_table_id: Some(rtb.clone()),
        subnet_id: (!gateway).then(|| target.clone()),
        gateway_id: gateway.then(|| target.clone()),
        association_state: Some(StateObj {
            state: Some("associated".into()),
        }),
    });
    touch(b, &rtb, p);
    Ok(())
}

/// `AWS::EC2::SubnetNetworkAclAssociation` into the planned state.
fn build_subnet_network_acl_association(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let own = |b: &Builder, prefix: &str| b.id(prefix, p.id);
    let acl = p
        .id_strict("NetworkAclId")?
        .ok_or_else(|| p.err("NetworkAclId", "is required"))?;
    let subnet = p
        .id_strict("SubnetId")?
        .ok_or_else(|| p.err("SubnetId", "is required"))?;
    if !b.snap.network_acls.iter().any(|a| a.network_acl_id == acl) {
        not_found(b, p, "NetworkAclId", "network ACL", &acl);
        return Ok(());
    }
    for a in &mut b.snap.network_acls {
        a.associations
            .retain(|x| x.subnet_id.as_deref() != Some(&subnet));
    }
    let assoc = own(b, "aclassoc");
    let a = b
        .snap
        .network_acls
        .iter_mut()
        .find(|a| a.network_acl_id == acl)
        .expect("checked above");
    a.associations.push(NetworkAclAssociation {
        network_acl_association_id: Some(assoc),
        network_acl_id: Some(acl.clone()),
        subnet_id: Some(subnet),
    });
    touch(b, &acl, p);
    Ok(())
}

/// The rule EC2 adds to a new security group without egress rules: all IPv4 and IPv6.
fn allow_all_egress() -> IpPermission {
    IpPermission {
        ip_protocol: "-1".into(),
        ip_ranges: vec![IpRange {
            cidr_ip: "0.0.0.0/0".into(),
            description: None,
        }],
        ipv6_ranges: vec![Ipv6Range {
            cidr_ipv6: "::/0".into(),
            description: None,
        }],
        ..IpPermission::default()
    }
}

fn rules(
    b: &mut Builder,
    p: &Props,
    prop: &str,
    egress: bool,
) -> Result<Vec<IpPermission>, PlanError> {
    Ok(match p.maps(prop)? {
        F::Absent => Vec::new(),
        F::Open(r) => {
            // Rules that cannot be read: an unresolved prefix list stands for their peers, so
            // whatever the rules would decide is unknown.
            b.unresolved(p.id, prop, r);
            vec![IpPermission {
                ip_protocol: "-1".into(),
                prefix_list_ids: vec![PrefixListIdRef {
                    prefix_list_id: Builder::unresolved_id("pl", &format!("{}.{prop}", p.id)),
                    description: None,
                }],
                ..IpPermission::default()
            }]
        }
        F::Known(list) => {
            let mut out = Vec::new();
            for (i, m) in list.iter().enumerate() {
                if let Some(r) = rule(b, p, &format!("{prop}[{i}]."), m, egress)? {
                    out.push(r);
                }
            }
            out
        }
    })
}

/// AWS prints the protocol names of TCP, UDP, ICMP and ICMPv6, other protocols by number.
/// `None` for anything that is neither a name EC2 accepts nor a protocol number.
fn protocol_name(s: &str) -> Option<String> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "6" | "tcp" => "tcp".into(),
        "17" | "udp" => "udp".into(),
        "1" | "icmp" => "icmp".into(),
        "58" | "icmpv6" => "icmpv6".into(),
        "-1" | "all" => "-1".into(),
        other => other.parse::<u8>().ok()?.to_string(),
    })
}

/// One security-group rule (inline, or a standalone ingress/egress resource's properties).
fn rule(
    b: &mut Builder,
    p: &Props,
    at: &str,
    m: &BTreeMap<String, V>,
    egress: bool,
) -> Result<Option<IpPermission>, PlanError> {
    let field = |f: &str| format!("{at}{f}");
    let bad = |f: &str, what: &str| p.err(&field(f), what.to_string());
    let proto = match scalar(m.get("IpProtocol"), || {
        bad("IpProtocol", "must be a string")
    })? {
        F::Known(s) => protocol_name(&s)
            .ok_or_else(|| bad("IpProtocol", &format!("\"{s}\" is not a protocol")))?,
        F::Absent => return Err(bad("IpProtocol", "is required")),
        F::Open(r) => return Err(p.open_err(&field("IpProtocol"), &r)),
    };
    let port = |f: &str| -> Result<Option<i64>, PlanError> {
        Ok(match int_of(m.get(f), || bad(f, "must be an integer"))? {
            F::Known(n) => Some(n),
            F::Absent => None,
            F::Open(r) => return Err(p.open_err(&field(f), &r)),
        })
    };
    let from = port("FromPort")?;
    let to = port("ToPort")?;
    check_ports(
        proto == "icmp" || proto == "icmpv6",
        proto == "tcp" || proto == "udp",
        from,
        to,
    )
    .map_err(|m| bad("FromPort", &m))?;
    let mut perm = IpPermission {
        ip_protocol: proto.clone(),
        from_port: if proto == "-1" { None } else { from },
        to_port: if proto == "-1" { None } else { to },
        ..IpPermission::default()
    };
    let (pl, sg) = if egress {
        ("DestinationPrefixListId", "DestinationSecurityGroupId")
    } else {
        ("SourcePrefixListId", "SourceSecurityGroupId")
    };
    let mut any = false;
    let unresolved_pl = |b: &mut Builder, f: &str, r: String| {
        b.unresolved(p.id, &field(f), r);
        PrefixListIdRef {
            prefix_list_id: Builder::unresolved_id("pl", &format!("{}.{}", p.id, field(f))),
            description: None,
        }
    };
    let desc = m.get("Description").and_then(text);
    match scalar(m.get("CidrIp"), || bad("CidrIp", "must be a string"))? {
        F::Known(c) => {
            check_cidr(&c).map_err(|e| bad("CidrIp", &e))?;
            perm.ip_ranges.push(IpRange {
                cidr_ip: c,
                description: desc.clone(),
            });
            any = true;
        }
        F::Open(r) => {
            perm.prefix_list_ids.push(unresolved_pl(b, "CidrIp", r));
            any = true;
        }
        F::Absent => {}
    }
    match scalar(m.get("CidrIpv6"), || bad("CidrIpv6", "must be a string"))? {
        F::Known(c) => {
            check_cidr(&c).map_err(|e| bad("CidrIpv6", &e))?;
            perm.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: c,
                description: desc.clone(),
            });
            any = true;
        }
        F::Open(r) => {
            perm.prefix_list_ids.push(unresolved_pl(b, "CidrIpv6", r));
            any = true;
        }
        F::Absent => {}
    }
    match scalar(m.get(pl), || bad(pl, "must be a string"))? {
        F::Known(id) => {
            perm.prefix_list_ids.push(PrefixListIdRef {
                prefix_list_id: id,
                description: desc.clone(),
            });
            any = true;
        }
        F::Open(r) => {
            perm.prefix_list_ids.push(unresolved_pl(b, pl, r));
            any = true;
        }
        F::Absent => {}
    }
    let group = match scalar(m.get(sg), || bad(sg, "must be a string"))? {
        F::Known(id) => Some(id),
        F::Open(r) => {
            b.unresolved(p.id, &field(sg), r);
            Some(Builder::unresolved_id(
                "sg",
                &format!("{}.{}", p.id, field(sg)),
            ))
        }
        F::Absent => {
            // A source group named by name (default VPC only).
            match scalar(m.get("SourceSecurityGroupName"), || {
                bad("SourceSecurityGroupName", "must be a string")
            })? {
                F::Known(n) if !egress => {
                    match b
                        .snap
                        .security_groups
                        .iter()
                        .find(|g| g.group_name.as_deref() == Some(&n))
                    {
                        Some(g) => Some(g.group_id.clone()),
                        None => {
                            not_found(
                                b,
                                p,
                                &field("SourceSecurityGroupName"),
                                "security group",
                                &n,
                            );
                            Some(Builder::unresolved_id("sg", &n))
                        }
                    }
                }
                _ => None,
            }
        }
    };
    if let Some(g) = group {
        perm.user_id_group_pairs.push(UserIdGroupPair {
            group_id: Some(g),
            description: desc,
            ..UserIdGroupPair::default()
        });
        any = true;
    }
    if !any {
        return Err(p.err(
            at.trim_end_matches('.'),
            "the rule names no CIDR, prefix list or security group",
        ));
    }
    Ok(Some(perm))
}

fn endpoint(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let vpc = p
        .id_ref(b, "VpcId", "vpc")?
        .ok_or_else(|| p.err("VpcId", "is required"))?;
    let service = match p.str("ServiceName")? {
        F::Known(s) => s,
        F::Open(r) => return Err(p.open_err("ServiceName", &r)),
        F::Absent => {
            // A Resource or ServiceNetwork endpoint: no AWS service name, nothing to judge.
            return Ok(());
        }
    };
    let kind = match p.str("VpcEndpointType")? {
        F::Known(k) => k,
        F::Absent => "Gateway".into(),
        F::Open(r) => return Err(p.open_err("VpcEndpointType", &r)),
    };
    let private_dns = match p.bool("PrivateDnsEnabled", false)? {
        F::Known(v) => Some(v),
        F::Open(r) => return Err(p.open_err("PrivateDnsEnabled", &r)),
        F::Absent => Some(false),
    };
    let id = b.id("vpce", p.id);
    let subnets = p.id_list(b, "SubnetIds", "subnet")?;
    let mut groups = p.id_list(b, "SecurityGroupIds", "sg")?;
    let interface = kind.eq_ignore_ascii_case("interface");
    if interface && groups.is_empty() {
        groups.push(default_sg(b, &vpc));
    }
    let route_tables = p.ids_strict("RouteTableIds")?;
    let dns_options = match p.map.get("DnsOptions") {
        Some(V::Map(m)) => Some(DnsOptions {
            dns_record_ip_type: m.get("DnsRecordIpType").and_then(text),
            private_dns_only_for_inbound_resolver_endpoint: m
                .get("PrivateDnsOnlyForInboundResolverEndpoint")
                .and_then(text)
                .map(|s| s == "OnlyInboundResolver"),
        }),
        _ => None,
    };
    create(b, &id, p);
    if kind.eq_ignore_ascii_case("gateway") && !route_tables.is_empty() {
        // The gateway endpoint's routes: destination the service's prefix list, known only
        // from a base snapshot (its ID is region specific).
        let pl = b
            .snap
            .prefix_lists
            .iter()
            .find(|l| l.prefix_list_name.as_deref() == Some(&service))
            .map(|l| l.prefix_list_id.clone());
        let pl = match pl {
            Some(pl) => pl,
            None => {
                b.unresolved(
                    p.id,
                    "RouteTableIds",
                    format!(
                        "the ID of the AWS-managed prefix list {service} is region specific: give a --base snapshot whose PrefixLists has it (aws ec2 describe-prefix-lists)"
                    ),
                );
                Builder::unresolved_id("pl", &service)
            }
        };
        for rtb in &route_tables {
            match b
                .snap
                .route_tables
                .iter_mut()
                .find(|r| &r.route_table_id == rtb)
            {
                Some(rt) => {
                    rt.routes
                        .retain(|r| r.destination_prefix_list_id.as_deref() != Some(&pl));
                    rt.routes.push(Route {
                        destination_prefix_list_id: Some(pl.clone()),
                        gateway_id: Some(id.clone()),
                        origin: Some("CreateRoute".into()),
                        state: Some("active".into()),
                        ..Route::default()
                    });
                    touch(b, rtb, p);
                }
                None => not_found(b, p, "RouteTableIds", "route table", rtb),
            }
        }
    }
    upsert(
        &mut b.snap.vpc_endpoints,
        VpcEndpoint {
            vpc_endpoint_id: id,
            vpc_endpoint_type: Some(kind),
            vpc_id: Some(vpc),
            service_name: Some(service),
            state: Some("available".into()),
            private_dns_enabled: private_dns,
            route_table_ids: route_tables,
            subnet_ids: subnets,
            groups: groups
                .into_iter()
                .map(|g| GroupIdentifier {
                    group_id: g,
                    group_name: None,
                })
                .collect(),
            network_interface_ids: Vec::new(),
            dns_options,
            tags: p.tags(),
        },
        |e| &e.vpc_endpoint_id,
    );
    Ok(())
}

/// The default security group of a VPC (planned or from the base snapshot).
fn default_sg(b: &Builder, vpc: &str) -> String {
    b.snap
        .security_groups
        .iter()
        .find(|g| g.vpc_id.as_deref() == Some(vpc) && g.group_name.as_deref() == Some("default"))
        .map(|g| g.group_id.clone())
        .unwrap_or_else(|| Builder::unresolved_id("sg", &format!("{vpc}#default")))
}

fn route(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let rtb = p
        .id_strict("RouteTableId")?
        .ok_or_else(|| p.err("RouteTableId", "is required"))?;
    let mut r = Route {
        origin: Some("CreateRoute".into()),
        state: Some("active".into()),
        ..Route::default()
    };
    let mut dest = 0;
    for prop in [
        "DestinationCidrBlock",
        "DestinationIpv6CidrBlock",
        "DestinationPrefixListId",
    ] {
        let v = if prop == "DestinationPrefixListId" {
            p.str(prop)?
        } else {
            p.cidr(prop)?
        };
        match v {
            F::Absent => continue,
            F::Open(reason) => return Err(p.open_err(prop, &reason)),
            F::Known(s) => {
                dest += 1;
                match prop {
                    "DestinationCidrBlock" => r.destination_cidr_block = Some(s),
                    "DestinationIpv6CidrBlock" => r.destination_ipv6_cidr_block = Some(s),
                    _ => r.destination_prefix_list_id = Some(s),
                }
            }
        }
    }
    if dest != 1 {
        return Err(p.err(
            "DestinationCidrBlock",
            "a route needs exactly one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId",
        ));
    }
    let mut targets = 0;
    for (prop, prefix) in [
        ("GatewayId", "gw"),
        ("VpcEndpointId", "vpce"),
        ("NatGatewayId", "nat"),
        ("TransitGatewayId", "tgw"),
        ("VpcPeeringConnectionId", "pcx"),
        ("NetworkInterfaceId", "eni"),
        ("InstanceId", "i"),
        ("EgressOnlyInternetGatewayId", "eigw"),
        ("LocalGatewayId", "lgw"),
        ("CarrierGatewayId", "cagw"),
        ("CoreNetworkArn", "core-network"),
    ] {
        let Some(t) = p.id_ref(b, prop, prefix)? else {
            continue;
        };
        targets += 1;
        match prop {
            // describe-route-tables prints an endpoint target as GatewayId.
            "GatewayId" | "VpcEndpointId" => r.gateway_id = Some(t),
            "NatGatewayId" => r.nat_gateway_id = Some(t),
            "TransitGatewayId" => r.transit_gateway_id = Some(t),
            "VpcPeeringConnectionId" => r.vpc_peering_connection_id = Some(t),
            "NetworkInterfaceId" => r.network_interface_id = Some(t),
            "InstanceId" => r.instance_id = Some(t),
            "EgressOnlyInternetGatewayId" => r.egress_only_internet_gateway_id = Some(t),
            "LocalGatewayId" => r.local_gateway_id = Some(t),
            "CarrierGatewayId" => r.carrier_gateway_id = Some(t),
            _ => r.core_network_arn = Some(t),
        }
    }
    if targets != 1 {
        return Err(p.err("GatewayId", "a route needs exactly one target"));
    }
    match b
        .snap
        .route_tables
        .iter_mut()
        .find(|t| t.route_table_id == rtb)
    {
        Some(rt) => {
            rt.routes.retain(|x| {
                x.destination_cidr_block != r.destination_cidr_block
                    || x.destination_ipv6_cidr_block != r.destination_ipv6_cidr_block
                    || x.destination_prefix_list_id != r.destination_prefix_list_id
            });
            rt.routes.push(r);
            touch(b, &rtb, p);
        }
        None => not_found(b, p, "RouteTableId", "route table", &rtb),
    }
    Ok(())
}

/// Whether a rule's port range (or ICMP type and code) is one EC2 accepts, so that the planned
/// state always converts: ports 0–65535 (or -1, all) with from ≤ to; ICMP type and code 0–255
/// (or -1).
fn check_ports(icmp: bool, ported: bool, from: Option<i64>, to: Option<i64>) -> Result<(), String> {
    let within = |v: Option<i64>, max: i64| v.is_none_or(|v| v == -1 || (0..=max).contains(&v));
    if icmp {
        if !within(from, 255) || !within(to, 255) {
            return Err(format!("ICMP type/code {from:?}/{to:?} is out of range"));
        }
    } else if ported {
        let ok = within(from, 65535)
            && within(to, 65535)
            && match (from, to) {
                (Some(f), Some(t)) if f >= 0 && t >= 0 => f <= t,
                _ => true,
            };
        if !ok {
            return Err(format!("port range {from:?}..{to:?} is not valid"));
        }
    }
    Ok(())
}

/// AWS prints an ACL entry's protocol by number (`None`: not a protocol).
fn acl_protocol(s: &str) -> Option<String> {
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        "all" | "-1" => "-1".into(),
        other => other.parse::<u8>().ok()?.to_string(),
    })
}

fn acl_entry(b: &mut Builder, p: &Props) -> Result<(), PlanError> {
    let acl = p
        .id_strict("NetworkAclId")?
        .ok_or_else(|| p.err("NetworkAclId", "is required"))?;
    let open = |_: &mut Builder, prop: &str, r: String| -> Result<(), PlanError> {
        Err(p.open_err(prop, &r))
    };
    let number = match p.int("RuleNumber")? {
        F::Known(n) => n,
        F::Absent => return Err(p.err("RuleNumber", "is required")),
        F::Open(r) => return open(b, "RuleNumber", r),
    };
    let protocol = match p.str("Protocol")? {
        F::Known(s) => acl_protocol(&s)
            .ok_or_else(|| p.err("Protocol", format!("\"{s}\" is not a protocol number")))?,
        F::Absent => return Err(p.err("Protocol", "is required")),
        F::Open(r) => return open(b, "Protocol", r),
    };
    let action = match p.str("RuleAction")? {
        F::Known(s) if s.eq_ignore_ascii_case("allow") || s.eq_ignore_ascii_case("deny") => {
            s.to_ascii_lowercase()
        }
        F::Known(s) => return Err(p.err("RuleAction", format!("\"{s}\" is not allow or deny"))),
        F::Absent => return Err(p.err("RuleAction", "is required")),
        F::Open(r) => return open(b, "RuleAction", r),
    };
    let egress = match p.bool("Egress", false)? {
        F::Known(e) => e,
        F::Open(r) => return open(b, "Egress", r),
        F::Absent => false,
    };
    let mut e = NetworkAclEntry {
        rule_number: number,
        egress,
        protocol,
        rule_action: action,
        ..NetworkAclEntry::default()
    };
    match (p.cidr("CidrBlock")?, p.cidr("Ipv6CidrBlock")?) {
        (F::Known(c), _) => e.cidr_block = Some(c),
        (_, F::Known(c)) => e.ipv6_cidr_block = Some(c),
        (F::Open(r), _) | (_, F::Open(r)) => return open(b, "CidrBlock", r),
        (F::Absent, F::Absent) => {
            return Err(p.err("CidrBlock", "CidrBlock or Ipv6CidrBlock is required"));
        }
    }
    let sub_int = |m: Option<&V>, prop: &str, key: &str| -> Result<F<i64>, PlanError> {
        match m {
            Some(V::Map(m)) => int_of(m.get(key), || {
                p.err(&format!("{prop}.{key}"), "must be an integer")
            }),
            Some(V::Open(r)) => Ok(F::Open(r.clone())),
            None => Ok(F::Absent),
            Some(_) => Err(p.err(prop, "must be an object")),
        }
    };
    let known = |f: F<i64>, _: &mut Builder, prop: &str| -> Result<Option<i64>, PlanError> {
        match f {
            F::Known(n) => Ok(Some(n)),
            F::Absent => Ok(None),
            F::Open(r) => Err(p.open_err(prop, &r)),
        }
    };
    if p.has("PortRange") {
        let pr = p.map.get("PortRange");
        let from = known(sub_int(pr, "PortRange", "From")?, b, "PortRange.From")?;
        let to = known(sub_int(pr, "PortRange", "To")?, b, "PortRange.To")?;
        if e.protocol == "6" || e.protocol == "17" {
            check_ports(false, true, from, to).map_err(|m| p.err("PortRange", m))?;
        }
        e.port_range = Some(AclPortRange { from, to });
    }
    if p.has("Icmp") {
        let ic = p.map.get("Icmp");
        let code = known(sub_int(ic, "Icmp", "Code")?, b, "Icmp.Code")?;
        let ty = known(sub_int(ic, "Icmp", "Type")?, b, "Icmp.Type")?;
        check_ports(true, false, ty, code).map_err(|m| p.err("Icmp", m))?;
        e.icmp_type_code = Some(IcmpTypeCode { r#type: ty, code });
    }
    match b
        .snap
        .network_acls
        .iter_mut()
        .find(|a| a.network_acl_id == acl)
    {
        Some(a) => {
            a.entries
                .retain(|x| !(x.rule_number == e.rule_number && x.egress == e.egress));
            a.entries.push(e);
            touch(b, &acl, p);
        }
        None => not_found(b, p, "NetworkAclId", "network ACL", &acl),
    }
    Ok(())
}

fn notebook(b: &mut Builder, ctx: &mut Ctx, p: &Props) -> Result<(), PlanError> {
    let name = match p.str("NotebookInstanceName")? {
        F::Known(n) => n,
        F::Absent => p.id.to_string(),
        F::Open(r) => {
            b.unresolved(p.id, "NotebookInstanceName", r);
            p.id.to_string()
        }
    };
    let subnet = p.id_ref(b, "SubnetId", "subnet")?;
    let mut groups = p.id_list(b, "SecurityGroupIds", "sg")?;
    if groups.is_empty()
        && let Some(s) = &subnet
    {
        // Without SecurityGroupIds, SageMaker places the notebook's interface in the VPC's
        // default security group.
        let vpc = b
            .snap
            .subnets
            .iter()
            .find(|x| &x.subnet_id == s)
            .map(|x| x.vpc_id.clone());
        groups.push(match vpc {
            Some(v) => default_sg(b, &v),
            None => Builder::unresolved_id("sg", &format!("{}.SecurityGroupIds", p.id)),
        });
    }
    let toggle = |b: &mut Builder, prop: &str| -> Result<Option<String>, PlanError> {
        Ok(match p.str(prop)? {
            F::Known(s) => Some(s),
            F::Absent => Some("Enabled".into()),
            F::Open(r) => {
                // Unknown: left out, so the verdicts that depend on it are not guessed.
                b.unresolved(p.id, prop, r);
                None
            }
        })
    };
    let direct = match p.str("DirectInternetAccess")? {
        F::Open(r) => return Err(p.open_err("DirectInternetAccess", &r)),
        _ => toggle(b, "DirectInternetAccess")?,
    };
    let root = toggle(b, "RootAccess")?;
    let arn =
        match attrs::reference(ctx, p.id, p.kind).map_err(|m| p.err("NotebookInstanceName", m))? {
            V::Str(a) => Some(a),
            _ => None,
        };
    let nb = NotebookInstance {
        notebook_instance_name: name.clone(),
        notebook_instance_arn: arn,
        notebook_instance_status: Some("InService".into()),
        instance_type: match p.str("InstanceType")? {
            F::Known(t) => Some(t),
            _ => None,
        },
        subnet_id: subnet,
        security_groups: groups,
        network_interface_id: None,
        direct_internet_access: direct,
        root_access: root,
        platform_identifier: match p.str("PlatformIdentifier")? {
            F::Known(t) => Some(t),
            _ => None,
        },
    };
    create(b, &name, p);
    upsert(&mut b.snap.notebook_instances, nb, |n| {
        &n.notebook_instance_name
    });
    Ok(())
}

/// Whether a resource type is one this reader builds (others are ignored: they do not shape the
/// network, or — like transit gateway attachments — only matter through routes to them, which
/// already leave the modelled scope).
pub fn known(kind: &str) -> bool {
    ORDER.contains(&kind)
}
