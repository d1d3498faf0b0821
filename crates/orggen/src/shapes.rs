//! The JSON shapes the generator writes: what the AWS CLI prints for `aws ec2 describe-*` and
//! `aws sagemaker describe-notebook-instance`, with the fields in the CLI's order, including the
//! fields vpcreach ignores (ARNs, MAC addresses, DNS names, timestamps), so that the bytes a
//! loader has to read are as many as in a real account's folder.
//!
//! Serialise-only and separate from `vpcreach-aws`'s input shapes on purpose: the generator must
//! not depend on the code it produces input for.

use serde::Serialize;

#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn name(v: impl Into<String>) -> Vec<Tag> {
    vec![Tag {
        key: "Name".into(),
        value: v.into(),
    }]
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateObj {
    pub state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Vpc {
    pub cidr_block: String,
    pub dhcp_options_id: String,
    pub state: &'static str,
    pub vpc_id: String,
    pub owner_id: String,
    pub instance_tenancy: &'static str,
    pub cidr_block_association_set: Vec<CidrAssociation>,
    pub is_default: bool,
    pub tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CidrAssociation {
    pub association_id: String,
    pub cidr_block: String,
    pub cidr_block_state: StateObj,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttrBool {
    pub value: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcAttribute {
    pub vpc_id: String,
    pub enable_dns_support: AttrBool,
    pub enable_dns_hostnames: AttrBool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DhcpOptions {
    pub dhcp_configurations: Vec<DhcpConfiguration>,
    pub dhcp_options_id: String,
    pub owner_id: String,
    pub tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DhcpConfiguration {
    pub key: &'static str,
    pub values: Vec<AttributeValue>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeValue {
    pub value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostnameOptions {
    pub hostname_type: &'static str,
    pub enable_resource_name_dns_a_record: bool,
    #[serde(rename = "EnableResourceNameDnsAAAARecord")]
    pub enable_resource_name_dns_aaaa_record: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub available_ip_address_count: u32,
    pub cidr_block: String,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub map_customer_owned_ip_on_launch: bool,
    pub state: &'static str,
    pub subnet_id: String,
    pub vpc_id: String,
    pub owner_id: String,
    pub assign_ipv6_address_on_creation: bool,
    pub ipv6_cidr_block_association_set: Vec<()>,
    pub tags: Vec<Tag>,
    pub subnet_arn: String,
    pub enable_dns64: bool,
    pub ipv6_native: bool,
    pub private_dns_name_options_on_launch: HostnameOptions,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    pub associations: Vec<RouteTableAssociation>,
    pub propagating_vgws: Vec<()>,
    pub route_table_id: String,
    pub routes: Vec<Route>,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
    pub owner_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTableAssociation {
    pub main: bool,
    pub route_table_association_id: String,
    pub route_table_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    pub association_state: StateObj,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_gateway_id: Option<String>,
    pub origin: &'static str,
    pub state: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GatewayAttachment {
    pub state: &'static str,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGateway {
    pub attachments: Vec<GatewayAttachment>,
    pub internet_gateway_id: String,
    pub owner_id: String,
    pub tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    pub create_time: String,
    pub nat_gateway_addresses: Vec<NatGatewayAddress>,
    pub nat_gateway_id: String,
    pub state: &'static str,
    pub subnet_id: String,
    pub vpc_id: String,
    pub tags: Vec<Tag>,
    pub connectivity_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGatewayAddress {
    pub allocation_id: String,
    pub network_interface_id: String,
    pub private_ip: String,
    pub public_ip: String,
    pub association_id: String,
    pub is_primary: bool,
    pub status: &'static str,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "PascalCase")]
pub struct GroupIdentifier {
    pub group_id: String,
    pub group_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DnsOptions {
    pub dns_record_ip_type: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DnsEntry {
    pub dns_name: String,
    pub hosted_zone_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    pub vpc_endpoint_type: &'static str,
    pub vpc_id: String,
    pub service_name: String,
    pub state: &'static str,
    pub policy_document: &'static str,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub groups: Vec<GroupIdentifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_options: Option<DnsOptions>,
    pub private_dns_enabled: bool,
    pub requester_managed: bool,
    pub network_interface_ids: Vec<String>,
    pub dns_entries: Vec<DnsEntry>,
    pub creation_timestamp: String,
    pub tags: Vec<Tag>,
    pub owner_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    pub description: String,
    pub group_name: String,
    pub ip_permissions: Vec<IpPermission>,
    pub owner_id: String,
    pub group_id: String,
    pub ip_permissions_egress: Vec<IpPermission>,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
    pub security_group_arn: String,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct IpPermission {
    pub ip_protocol: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
    pub ip_ranges: Vec<IpRange>,
    pub ipv6_ranges: Vec<()>,
    pub prefix_list_ids: Vec<PrefixListIdRef>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserIdGroupPair {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub user_id: String,
    pub group_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpRange {
    pub cidr_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixListIdRef {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub prefix_list_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAcl {
    pub associations: Vec<NetworkAclAssociation>,
    pub entries: Vec<NetworkAclEntry>,
    pub is_default: bool,
    pub network_acl_id: String,
    pub tags: Vec<Tag>,
    pub vpc_id: String,
    pub owner_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclAssociation {
    pub network_acl_association_id: String,
    pub network_acl_id: String,
    pub subnet_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkAclEntry {
    pub cidr_block: String,
    pub egress: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
    pub protocol: &'static str,
    pub rule_action: &'static str,
    pub rule_number: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrefixList {
    pub cidrs: Vec<&'static str>,
    pub prefix_list_id: &'static str,
    pub prefix_list_name: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpAssociation {
    pub allocation_id: String,
    pub association_id: String,
    pub ip_owner_id: String,
    pub public_dns_name: String,
    pub public_ip: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EniAttachment {
    pub attachment_id: String,
    pub delete_on_termination: bool,
    pub device_index: u32,
    pub instance_owner_id: String,
    pub status: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PrivateIpAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<IpAssociation>,
    pub primary: bool,
    pub private_dns_name: String,
    pub private_ip_address: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<IpAssociation>,
    pub attachment: EniAttachment,
    pub availability_zone: String,
    pub description: String,
    pub groups: Vec<GroupIdentifier>,
    pub interface_type: &'static str,
    pub ipv6_addresses: Vec<()>,
    pub mac_address: String,
    pub network_interface_id: String,
    pub owner_id: String,
    pub private_dns_name: String,
    pub private_ip_address: String,
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<&'static str>,
    pub requester_managed: bool,
    pub source_dest_check: bool,
    pub status: &'static str,
    pub subnet_id: String,
    pub tag_set: Vec<Tag>,
    pub vpc_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransitGateway {
    pub transit_gateway_id: String,
    pub transit_gateway_arn: String,
    pub state: &'static str,
    pub owner_id: String,
    pub description: &'static str,
    pub creation_time: &'static str,
    pub options: TgwOptions,
    pub tags: Vec<Tag>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TgwOptions {
    pub amazon_side_asn: u32,
    pub auto_accept_shared_attachments: &'static str,
    pub default_route_table_association: &'static str,
    pub default_route_table_propagation: &'static str,
    pub vpn_ecmp_support: &'static str,
    pub dns_support: &'static str,
    pub multicast_support: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImdsConfig {
    pub minimum_instance_metadata_service_version: &'static str,
}

/// One `aws sagemaker describe-notebook-instance` output.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotebookInstance {
    pub notebook_instance_arn: String,
    pub notebook_instance_name: String,
    pub notebook_instance_status: &'static str,
    pub url: String,
    pub instance_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    pub security_groups: Vec<String>,
    pub role_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    pub last_modified_time: String,
    pub creation_time: String,
    pub direct_internet_access: &'static str,
    #[serde(rename = "VolumeSizeInGB")]
    pub volume_size_in_gb: u32,
    pub root_access: &'static str,
    pub platform_identifier: &'static str,
    pub instance_metadata_service_configuration: ImdsConfig,
}
