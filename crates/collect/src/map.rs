//! SDK types → snapshot types: one pure function per shape, giving exactly the values the AWS CLI
//! would print for the same API answer (enums through `.as_str()`, which is the wire string, so an
//! enum value newer than the SDK still comes through verbatim).
//!
//! Only the fields `snapshot.rs` keeps are copied; everything the CLI would print and we do not use
//! is dropped here, as the loader drops it from CLI JSON.

use aws_sdk_ec2::types as ec2;
use aws_sdk_sagemaker::operation::describe_notebook_instance::DescribeNotebookInstanceOutput;
use aws_sdk_sagemaker::types::NotebookInstanceSummary;

use vpcreach_aws::snapshot as s;

fn tags(t: Option<Vec<ec2::Tag>>) -> Vec<s::Tag> {
    t.unwrap_or_default()
        .into_iter()
        .map(|t| s::Tag {
            key: t.key.unwrap_or_default(),
            value: t.value.unwrap_or_default(),
        })
        .collect()
}

fn state<T: AsRefStr>(v: Option<T>) -> Option<String> {
    v.map(|v| v.as_ref_str().to_string())
}

/// The SDK's enums all have `as_str()`; this lets one helper take any of them.
trait AsRefStr {
    fn as_ref_str(&self) -> &str;
}

macro_rules! as_ref_str {
    ($($t:ty),* $(,)?) => {$(
        impl AsRefStr for $t {
            fn as_ref_str(&self) -> &str {
                self.as_str()
            }
        }
    )*};
}

as_ref_str!(
    ec2::VpcState,
    ec2::VpcCidrBlockStateCode,
    ec2::SubnetState,
    ec2::SubnetCidrBlockStateCode,
    ec2::RouteTableAssociationStateCode,
    ec2::RouteOrigin,
    ec2::RouteState,
    ec2::AttachmentStatus,
    ec2::NatGatewayState,
    ec2::ConnectivityType,
    ec2::VpcEndpointType,
    ec2::DnsRecordIpType,
    ec2::State,
    ec2::RuleAction,
    ec2::NetworkInterfaceType,
    ec2::NetworkInterfaceStatus,
    ec2::VpcPeeringConnectionStateReasonCode,
    ec2::TransitGatewayState,
    aws_sdk_sagemaker::types::NotebookInstanceStatus,
    aws_sdk_sagemaker::types::InstanceType,
    aws_sdk_sagemaker::types::DirectInternetAccess,
    aws_sdk_sagemaker::types::RootAccess,
);

pub fn vpc(v: ec2::Vpc) -> s::Vpc {
    s::Vpc {
        vpc_id: v.vpc_id.unwrap_or_default(),
        cidr_block: v.cidr_block,
        cidr_block_association_set: v
            .cidr_block_association_set
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::CidrAssociation {
                cidr_block: a.cidr_block.unwrap_or_default(),
                cidr_block_state: a.cidr_block_state.map(|st| s::StateObj {
                    state: state(st.state),
                }),
            })
            .collect(),
        ipv6_cidr_block_association_set: v
            .ipv6_cidr_block_association_set
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::Ipv6CidrAssociation {
                ipv6_cidr_block: a.ipv6_cidr_block.unwrap_or_default(),
                ipv6_cidr_block_state: a.ipv6_cidr_block_state.map(|st| s::StateObj {
                    state: state(st.state),
                }),
            })
            .collect(),
        state: state(v.state),
        owner_id: v.owner_id,
        is_default: v.is_default,
        dhcp_options_id: v.dhcp_options_id,
        tags: tags(v.tags),
    }
}

/// One DHCP option set, as `aws ec2 describe-dhcp-options` prints it (`DhcpConfigurations`:
/// `Key` and `Values[].Value`, in the order the API gave them).
pub fn dhcp_options(v: ec2::DhcpOptions) -> s::DhcpOptions {
    s::DhcpOptions {
        dhcp_options_id: v.dhcp_options_id.unwrap_or_default(),
        dhcp_configurations: v
            .dhcp_configurations
            .unwrap_or_default()
            .into_iter()
            .map(|c| s::DhcpConfiguration {
                key: c.key.unwrap_or_default(),
                values: c
                    .values
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| s::AttributeValue {
                        value: a.value.unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect(),
        owner_id: v.owner_id,
        tags: tags(v.tags),
    }
}

/// One VPC's two DNS attributes, from the two `DescribeVpcAttribute` answers (`None` when that
/// call failed: the attribute is then missing, never guessed).
pub fn vpc_attribute(
    vpc_id: &str,
    support: Option<Option<ec2::AttributeBooleanValue>>,
    hostnames: Option<Option<ec2::AttributeBooleanValue>>,
) -> s::VpcAttribute {
    let b = |a: Option<Option<ec2::AttributeBooleanValue>>| {
        a.flatten()
            .and_then(|a| a.value)
            .map(|value| s::AttrBool { value })
    };
    s::VpcAttribute {
        vpc_id: vpc_id.to_string(),
        enable_dns_support: b(support),
        enable_dns_hostnames: b(hostnames),
    }
}

pub fn subnet(v: ec2::Subnet) -> s::Subnet {
    s::Subnet {
        subnet_id: v.subnet_id.unwrap_or_default(),
        vpc_id: v.vpc_id.unwrap_or_default(),
        cidr_block: v.cidr_block,
        ipv6_cidr_block_association_set: v
            .ipv6_cidr_block_association_set
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::Ipv6CidrAssociation {
                ipv6_cidr_block: a.ipv6_cidr_block.unwrap_or_default(),
                ipv6_cidr_block_state: a.ipv6_cidr_block_state.map(|st| s::StateObj {
                    state: state(st.state),
                }),
            })
            .collect(),
        availability_zone: v.availability_zone,
        availability_zone_id: v.availability_zone_id,
        map_public_ip_on_launch: v.map_public_ip_on_launch,
        state: state(v.state),
        owner_id: v.owner_id,
        tags: tags(v.tags),
    }
}

pub fn route_table(v: ec2::RouteTable) -> s::RouteTable {
    s::RouteTable {
        route_table_id: v.route_table_id.unwrap_or_default(),
        vpc_id: v.vpc_id.unwrap_or_default(),
        associations: v
            .associations
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::RouteTableAssociation {
                main: a.main,
                route_table_association_id: a.route_table_association_id,
                route_table_id: a.route_table_id,
                subnet_id: a.subnet_id,
                gateway_id: a.gateway_id,
                association_state: a.association_state.map(|st| s::StateObj {
                    state: state(st.state),
                }),
            })
            .collect(),
        routes: v
            .routes
            .unwrap_or_default()
            .into_iter()
            .map(route)
            .collect(),
        owner_id: v.owner_id,
        tags: tags(v.tags),
    }
}

fn route(r: ec2::Route) -> s::Route {
    s::Route {
        destination_cidr_block: r.destination_cidr_block,
        destination_ipv6_cidr_block: r.destination_ipv6_cidr_block,
        destination_prefix_list_id: r.destination_prefix_list_id,
        gateway_id: r.gateway_id,
        nat_gateway_id: r.nat_gateway_id,
        transit_gateway_id: r.transit_gateway_id,
        vpc_peering_connection_id: r.vpc_peering_connection_id,
        network_interface_id: r.network_interface_id,
        instance_id: r.instance_id,
        egress_only_internet_gateway_id: r.egress_only_internet_gateway_id,
        local_gateway_id: r.local_gateway_id,
        carrier_gateway_id: r.carrier_gateway_id,
        core_network_arn: r.core_network_arn,
        origin: state(r.origin),
        state: state(r.state),
    }
}

fn attachments(a: Option<Vec<ec2::InternetGatewayAttachment>>) -> Vec<s::GatewayAttachment> {
    a.unwrap_or_default()
        .into_iter()
        .map(|a| s::GatewayAttachment {
            vpc_id: a.vpc_id.unwrap_or_default(),
            state: state(a.state),
        })
        .collect()
}

pub fn internet_gateway(v: ec2::InternetGateway) -> s::InternetGateway {
    s::InternetGateway {
        internet_gateway_id: v.internet_gateway_id.unwrap_or_default(),
        attachments: attachments(v.attachments),
        owner_id: v.owner_id,
        tags: tags(v.tags),
    }
}

pub fn egress_only_internet_gateway(
    v: ec2::EgressOnlyInternetGateway,
) -> s::EgressOnlyInternetGateway {
    s::EgressOnlyInternetGateway {
        egress_only_internet_gateway_id: v.egress_only_internet_gateway_id.unwrap_or_default(),
        attachments: attachments(v.attachments),
        tags: tags(v.tags),
    }
}

pub fn nat_gateway(v: ec2::NatGateway) -> s::NatGateway {
    s::NatGateway {
        nat_gateway_id: v.nat_gateway_id.unwrap_or_default(),
        subnet_id: v.subnet_id,
        vpc_id: v.vpc_id,
        state: state(v.state),
        connectivity_type: state(v.connectivity_type),
        nat_gateway_addresses: v
            .nat_gateway_addresses
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::NatGatewayAddress {
                allocation_id: a.allocation_id,
                network_interface_id: a.network_interface_id,
                private_ip: a.private_ip,
                public_ip: a.public_ip,
            })
            .collect(),
        tags: tags(v.tags),
    }
}

pub fn vpc_endpoint(v: ec2::VpcEndpoint) -> s::VpcEndpoint {
    s::VpcEndpoint {
        vpc_endpoint_id: v.vpc_endpoint_id.unwrap_or_default(),
        vpc_endpoint_type: state(v.vpc_endpoint_type),
        vpc_id: v.vpc_id,
        service_name: v.service_name,
        state: state(v.state),
        private_dns_enabled: v.private_dns_enabled,
        route_table_ids: v.route_table_ids.unwrap_or_default(),
        subnet_ids: v.subnet_ids.unwrap_or_default(),
        groups: v
            .groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| s::GroupIdentifier {
                group_id: g.group_id.unwrap_or_default(),
                group_name: g.group_name,
            })
            .collect(),
        network_interface_ids: v.network_interface_ids.unwrap_or_default(),
        dns_options: v.dns_options.map(|d| s::DnsOptions {
            dns_record_ip_type: state(d.dns_record_ip_type),
            private_dns_only_for_inbound_resolver_endpoint: d
                .private_dns_only_for_inbound_resolver_endpoint,
        }),
        tags: tags(v.tags),
    }
}

pub fn security_group(v: ec2::SecurityGroup) -> s::SecurityGroup {
    let perms = |p: Option<Vec<ec2::IpPermission>>| {
        p.unwrap_or_default()
            .into_iter()
            .map(ip_permission)
            .collect()
    };
    s::SecurityGroup {
        group_id: v.group_id.unwrap_or_default(),
        group_name: v.group_name,
        vpc_id: v.vpc_id,
        ip_permissions: perms(v.ip_permissions),
        ip_permissions_egress: perms(v.ip_permissions_egress),
        tags: tags(v.tags),
    }
}

fn ip_permission(p: ec2::IpPermission) -> s::IpPermission {
    s::IpPermission {
        ip_protocol: p.ip_protocol.unwrap_or_default(),
        from_port: p.from_port.map(i64::from),
        to_port: p.to_port.map(i64::from),
        ip_ranges: p
            .ip_ranges
            .unwrap_or_default()
            .into_iter()
            .map(|r| s::IpRange {
                cidr_ip: r.cidr_ip.unwrap_or_default(),
                description: r.description,
            })
            .collect(),
        ipv6_ranges: p
            .ipv6_ranges
            .unwrap_or_default()
            .into_iter()
            .map(|r| s::Ipv6Range {
                cidr_ipv6: r.cidr_ipv6.unwrap_or_default(),
                description: r.description,
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids
            .unwrap_or_default()
            .into_iter()
            .map(|r| s::PrefixListIdRef {
                prefix_list_id: r.prefix_list_id.unwrap_or_default(),
                description: r.description,
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs
            .unwrap_or_default()
            .into_iter()
            .map(|g| s::UserIdGroupPair {
                group_id: g.group_id,
                user_id: g.user_id,
                vpc_id: g.vpc_id,
                vpc_peering_connection_id: g.vpc_peering_connection_id,
                description: g.description,
            })
            .collect(),
    }
}

pub fn network_acl(v: ec2::NetworkAcl) -> s::NetworkAcl {
    s::NetworkAcl {
        network_acl_id: v.network_acl_id.unwrap_or_default(),
        vpc_id: v.vpc_id,
        is_default: v.is_default,
        associations: v
            .associations
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::NetworkAclAssociation {
                network_acl_association_id: a.network_acl_association_id,
                network_acl_id: a.network_acl_id,
                subnet_id: a.subnet_id,
            })
            .collect(),
        entries: v
            .entries
            .unwrap_or_default()
            .into_iter()
            .map(|e| s::NetworkAclEntry {
                rule_number: e.rule_number.map(i64::from).unwrap_or_default(),
                egress: e.egress.unwrap_or_default(),
                protocol: e.protocol.unwrap_or_default(),
                rule_action: state(e.rule_action).unwrap_or_default(),
                cidr_block: e.cidr_block,
                ipv6_cidr_block: e.ipv6_cidr_block,
                port_range: e.port_range.map(|p| s::AclPortRange {
                    from: p.from.map(i64::from),
                    to: p.to.map(i64::from),
                }),
                icmp_type_code: e.icmp_type_code.map(|i| s::IcmpTypeCode {
                    r#type: i.r#type.map(i64::from),
                    code: i.code.map(i64::from),
                }),
            })
            .collect(),
        tags: tags(v.tags),
    }
}

/// An entry of `DescribePrefixLists` (AWS-managed lists, with their `Cidrs`).
pub fn prefix_list(v: ec2::PrefixList) -> s::PrefixList {
    s::PrefixList {
        prefix_list_id: v.prefix_list_id.unwrap_or_default(),
        prefix_list_name: v.prefix_list_name,
        cidrs: v.cidrs,
        address_family: None,
        owner_id: None,
    }
}

/// A managed prefix list and its entries (`GetManagedPrefixListEntries`), folded into the shape
/// `DescribePrefixLists` prints. `None` entries (the call failed): the list exists but its
/// entries are unknown, never empty (DESIGN §2).
pub fn managed_prefix_list(
    v: &ec2::ManagedPrefixList,
    entries: Option<Vec<ec2::PrefixListEntry>>,
) -> s::PrefixList {
    s::PrefixList {
        prefix_list_id: v.prefix_list_id.clone().unwrap_or_default(),
        prefix_list_name: v.prefix_list_name.clone(),
        cidrs: entries.map(|e| e.into_iter().filter_map(|e| e.cidr).collect()),
        address_family: v.address_family.clone(),
        owner_id: v.owner_id.clone(),
    }
}

pub fn network_interface(v: ec2::NetworkInterface) -> s::NetworkInterface {
    let assoc = |a: Option<ec2::NetworkInterfaceAssociation>| {
        a.map(|a| s::IpAssociation {
            public_ip: a.public_ip,
        })
    };
    s::NetworkInterface {
        network_interface_id: v.network_interface_id.unwrap_or_default(),
        subnet_id: v.subnet_id,
        vpc_id: v.vpc_id,
        interface_type: state(v.interface_type),
        description: v.description,
        private_ip_address: v.private_ip_address,
        private_ip_addresses: v
            .private_ip_addresses
            .unwrap_or_default()
            .into_iter()
            .map(|p| s::PrivateIpAddress {
                private_ip_address: p.private_ip_address,
                primary: p.primary,
                association: assoc(p.association),
            })
            .collect(),
        association: assoc(v.association),
        ipv6_addresses: v
            .ipv6_addresses
            .unwrap_or_default()
            .into_iter()
            .map(|a| s::Ipv6Address {
                ipv6_address: a.ipv6_address.unwrap_or_default(),
            })
            .collect(),
        groups: v
            .groups
            .unwrap_or_default()
            .into_iter()
            .map(|g| s::GroupIdentifier {
                group_id: g.group_id.unwrap_or_default(),
                group_name: g.group_name,
            })
            .collect(),
        status: state(v.status),
    }
}

pub fn vpc_peering_connection(v: ec2::VpcPeeringConnection) -> s::VpcPeeringConnection {
    let info = |i: Option<ec2::VpcPeeringConnectionVpcInfo>| {
        i.map(|i| s::PeeringVpcInfo {
            vpc_id: i.vpc_id,
            cidr_block: i.cidr_block,
            owner_id: i.owner_id,
        })
    };
    s::VpcPeeringConnection {
        vpc_peering_connection_id: v.vpc_peering_connection_id.unwrap_or_default(),
        status: v.status.map(|st| s::PeeringStatus {
            code: state(st.code),
        }),
        accepter_vpc_info: info(v.accepter_vpc_info),
        requester_vpc_info: info(v.requester_vpc_info),
    }
}

pub fn transit_gateway(v: ec2::TransitGateway) -> s::TransitGateway {
    s::TransitGateway {
        transit_gateway_id: v.transit_gateway_id.unwrap_or_default(),
        state: state(v.state),
        owner_id: v.owner_id,
        tags: tags(v.tags),
    }
}

pub fn notebook_instance(v: DescribeNotebookInstanceOutput) -> s::NotebookInstance {
    s::NotebookInstance {
        notebook_instance_name: v.notebook_instance_name.unwrap_or_default(),
        notebook_instance_arn: v.notebook_instance_arn,
        notebook_instance_status: state(v.notebook_instance_status),
        instance_type: state(v.instance_type),
        subnet_id: v.subnet_id,
        security_groups: v.security_groups.unwrap_or_default(),
        network_interface_id: v.network_interface_id,
        direct_internet_access: state(v.direct_internet_access),
        root_access: state(v.root_access),
        platform_identifier: v.platform_identifier,
    }
}

/// A `ListNotebookInstances` summary, kept when `DescribeNotebookInstance` failed for that
/// notebook: name, ARN, status and instance type, and no placement at all — the shape
/// `list-notebook-instances` prints, which the engine judges `unknown`
/// (`NOTEBOOK_PLACEMENT_UNKNOWN`), never "no VPC".
pub fn notebook_summary(v: NotebookInstanceSummary) -> s::NotebookInstance {
    s::NotebookInstance {
        notebook_instance_name: v.notebook_instance_name.unwrap_or_default(),
        notebook_instance_arn: v.notebook_instance_arn,
        notebook_instance_status: state(v.notebook_instance_status),
        instance_type: state(v.instance_type),
        ..s::NotebookInstance::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_are_the_wire_strings() {
        // A value the SDK does not know (or knows under another spelling) comes through verbatim.
        let e = ec2::VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-1")
            .state(ec2::State::from("available"))
            .vpc_endpoint_type(ec2::VpcEndpointType::Interface)
            .build();
        let m = vpc_endpoint(e);
        assert_eq!(m.state.as_deref(), Some("available"));
        assert_eq!(m.vpc_endpoint_type.as_deref(), Some("Interface"));
        let r = route(
            ec2::Route::builder()
                .state(ec2::RouteState::Blackhole)
                .origin(ec2::RouteOrigin::CreateRoute)
                .build(),
        );
        assert_eq!(r.state.as_deref(), Some("blackhole"));
        assert_eq!(r.origin.as_deref(), Some("CreateRoute"));
    }

    #[test]
    fn dhcp_options_keep_keys_and_values_as_the_cli_prints_them() {
        let d = dhcp_options(
            ec2::DhcpOptions::builder()
                .dhcp_options_id("dopt-1")
                .owner_id("111122223333")
                .dhcp_configurations(
                    ec2::DhcpConfiguration::builder()
                        .key("domain-name-servers")
                        .values(ec2::AttributeValue::builder().value("10.0.0.2").build())
                        .values(
                            ec2::AttributeValue::builder()
                                .value("AmazonProvidedDNS")
                                .build(),
                        )
                        .build(),
                )
                .build(),
        );
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({
                "DhcpOptionsId": "dopt-1",
                "DhcpConfigurations": [{"Key": "domain-name-servers",
                    "Values": [{"Value": "10.0.0.2"}, {"Value": "AmazonProvidedDNS"}]}],
                "OwnerId": "111122223333",
            })
        );
    }

    #[test]
    fn a_notebook_summary_says_nothing_of_placement() {
        let n = notebook_summary(
            NotebookInstanceSummary::builder()
                .notebook_instance_name("nb")
                .notebook_instance_arn(
                    "arn:aws:sagemaker:us-east-1:111122223333:notebook-instance/nb",
                )
                .notebook_instance_status(
                    aws_sdk_sagemaker::types::NotebookInstanceStatus::InService,
                )
                .instance_type(aws_sdk_sagemaker::types::InstanceType::MlT3Medium)
                .build(),
        );
        assert!(n.is_summary());
        assert_eq!(n.notebook_instance_status.as_deref(), Some("InService"));
        assert_eq!(n.instance_type.as_deref(), Some("ml.t3.medium"));
    }

    #[test]
    fn a_missing_dns_attribute_stays_missing() {
        let a = vpc_attribute(
            "vpc-1",
            Some(Some(
                ec2::AttributeBooleanValue::builder().value(true).build(),
            )),
            None,
        );
        assert_eq!(a.enable_dns_support.map(|b| b.value), Some(true));
        assert!(a.enable_dns_hostnames.is_none());
    }
}
