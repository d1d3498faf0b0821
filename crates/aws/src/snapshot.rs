//! The AWS shapes of a snapshot: exactly the JSON the AWS CLI prints for the `describe-*` calls
//! listed in DESIGN §2, plus our three keys (`VpcAttributes`, `NotebookInstances`, `Region`).
//!
//! Only the fields the analysis needs are kept; every other field is ignored on input. This is the
//! one place that knows AWS field names: `model::convert` turns these shapes into the vendor-free
//! model. Live collection (feature `aws`) fills the same types, so a saved scan is a snapshot.

use serde::{Deserialize, Serialize};

/// Everything one snapshot holds, keyed as the AWS CLI keys its output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Snapshot {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub vpcs: Vec<Vpc>,
    pub vpc_attributes: Vec<VpcAttribute>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub egress_only_internet_gateways: Vec<EgressOnlyInternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub prefix_lists: Vec<PrefixList>,
    /// `describe-dhcp-options` output. `None` when the snapshot has no `DhcpOptions` key at all
    /// (then every VPC is assumed to use AmazonProvidedDNS); `Some(empty)` when the key was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp_options: Option<Vec<DhcpOptions>>,
    pub network_interfaces: Vec<NetworkInterface>,
    pub vpc_peering_connections: Vec<VpcPeeringConnection>,
    pub transit_gateways: Vec<TransitGateway>,
    pub notebook_instances: Vec<NotebookInstance>,
    /// Our key for SageMaker Studio: a list of `aws sagemaker describe-domain` outputs (a
    /// `list-domains` summary, without network fields, is recognised as one whose placement is
    /// unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    /// A list of `aws sagemaker describe-user-profile` outputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub user_profiles: Vec<UserProfile>,
    /// A list of `aws sagemaker describe-space` outputs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<Space>,
    /// `aws ec2 describe-instances` output: instances, judged only when asked for (`--source`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reservations: Vec<Reservation>,
    /// Our own key: parts of the snapshot that could not be collected completely (a live scan's
    /// failed calls). Verdicts that depend on them are `unknown`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<Incomplete>,
    /// Our own key, written by `vpcreach plan` and `--place`: the resources of this snapshot that
    /// do not exist yet (or will change), with the plan address they come from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub planned_resources: Vec<PlannedResource>,
    /// Our own key, written by `vpcreach plan`: values a plan or template leaves open (known only
    /// after apply, an `!ImportValue`, a data source without `--base`). What depends on them is
    /// `unknown`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unresolved: Vec<Unresolved>,
}

impl Snapshot {
    /// Free the snapshot on two threads: its largest parts (security groups and network ACLs) on
    /// one, the rest on the other. A large organisation's typed snapshot is as big as its model
    /// and is made of millions of small blocks; freeing it before the analysis, rather than
    /// beside it, gives those blocks back to the analysis instead of making it touch fresh memory.
    pub fn free(self) {
        let mut rest = self;
        let big = (
            std::mem::take(&mut rest.security_groups),
            std::mem::take(&mut rest.network_acls),
        );
        rayon::join(move || drop(big), move || drop(rest));
    }
}

/// A resource a plan, template or `--place` adds or changes, by the ID it has in the snapshot.
/// New resources get synthetic IDs that keep AWS's prefix and name their origin:
/// `subnet-tf:module.vpc.aws_subnet.private[0]`, `sg-cfn:NotebookSecurityGroup`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PlannedResource {
    /// The resource's ID in this snapshot (a notebook's name for notebooks).
    pub id: String,
    /// Where it is declared: a Terraform address, a CloudFormation logical ID, `--place NAME`.
    pub address: String,
    /// The declaring type: `aws_subnet`, `AWS::EC2::Subnet`, `notebook`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// `create`, `update` or `replace`.
    pub action: String,
    /// The plan or template file, and the line of the declaration when the format has lines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
}

/// A value a plan or template leaves open, and the resource that needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Unresolved {
    /// The resource address (`aws_route.nat[0]`, `NotebookInstance`).
    pub address: String,
    /// The attribute left open (`nat_gateway_id`, `SubnetId`).
    pub field: String,
    /// Why (`known only after apply: aws_nat_gateway.x is not in the plan`, `!ImportValue Net-SubnetA`).
    pub reason: String,
}

/// A snapshot key whose data is known to be missing or partial, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Incomplete {
    /// The snapshot key (`VpcEndpoints`, `NetworkInterfaces`, …).
    pub key: String,
    /// What failed, e.g. `DescribeVpcEndpoints in us-east-1: AccessDenied`.
    pub reason: String,
}

/// A `{"Key": …, "Value": …}` tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// The `Name` tag of a tag list, if any.
pub fn name_tag(tags: &[Tag]) -> Option<String> {
    tags.iter()
        .find(|t| t.key == "Name")
        .map(|t| t.value.clone())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StateObj {
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cidr_block_association_set: Vec<CidrAssociation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrAssociation>,
    pub state: Option<String>,
    pub owner_id: Option<String>,
    pub is_default: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dhcp_options_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// One DHCP option set as `describe-dhcp-options` prints it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DhcpOptions {
    pub dhcp_options_id: String,
    pub dhcp_configurations: Vec<DhcpConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// `{"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DhcpConfiguration {
    pub key: String,
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AttributeValue {
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct CidrAssociation {
    pub cidr_block: String,
    pub cidr_block_state: Option<StateObj>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipv6CidrAssociation {
    pub ipv6_cidr_block: String,
    pub ipv6_cidr_block_state: Option<StateObj>,
}

/// `{"Value": true}` as `describe-vpc-attribute` prints it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttrBool {
    pub value: bool,
}

/// The merged outputs of `describe-vpc-attribute` for one VPC (one entry per call is fine too).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VpcAttribute {
    pub vpc_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<AttrBool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<AttrBool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: String,
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_block_association_set: Vec<Ipv6CidrAssociation>,
    pub availability_zone: Option<String>,
    pub availability_zone_id: Option<String>,
    pub map_public_ip_on_launch: Option<bool>,
    pub state: Option<String>,
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RouteTable {
    pub route_table_id: String,
    pub vpc_id: String,
    pub associations: Vec<RouteTableAssociation>,
    pub routes: Vec<Route>,
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RouteTableAssociation {
    pub main: Option<bool>,
    pub route_table_association_id: Option<String>,
    pub route_table_id: Option<String>,
    pub subnet_id: Option<String>,
    pub gateway_id: Option<String>,
    pub association_state: Option<StateObj>,
}

/// One route as `describe-route-tables` prints it: one destination field and one target field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Route {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_ipv6_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_prefix_list_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transit_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub egress_only_internet_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier_gateway_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core_network_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GatewayAttachment {
    pub vpc_id: String,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InternetGateway {
    pub internet_gateway_id: String,
    pub attachments: Vec<GatewayAttachment>,
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EgressOnlyInternetGateway {
    pub egress_only_internet_gateway_id: String,
    pub attachments: Vec<GatewayAttachment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NatGateway {
    pub nat_gateway_id: String,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub state: Option<String>,
    pub connectivity_type: Option<String>,
    pub nat_gateway_addresses: Vec<NatGatewayAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NatGatewayAddress {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GroupIdentifier {
    pub group_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VpcEndpoint {
    pub vpc_endpoint_id: String,
    pub vpc_endpoint_type: Option<String>,
    pub vpc_id: Option<String>,
    pub service_name: Option<String>,
    pub state: Option<String>,
    pub private_dns_enabled: Option<bool>,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub groups: Vec<GroupIdentifier>,
    pub network_interface_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_options: Option<DnsOptions>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// An interface endpoint's `DnsOptions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct DnsOptions {
    /// `ipv4` | `dualstack` | `ipv6` | `service-defined`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_record_ip_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_dns_only_for_inbound_resolver_endpoint: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: Option<String>,
    pub vpc_id: Option<String>,
    pub ip_permissions: Vec<IpPermission>,
    pub ip_permissions_egress: Vec<IpPermission>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpPermission {
    pub ip_protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    pub ip_ranges: Vec<IpRange>,
    pub ipv6_ranges: Vec<Ipv6Range>,
    pub prefix_list_ids: Vec<PrefixListIdRef>,
    pub user_id_group_pairs: Vec<UserIdGroupPair>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpRange {
    pub cidr_ip: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipv6Range {
    pub cidr_ipv6: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PrefixListIdRef {
    pub prefix_list_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UserIdGroupPair {
    pub group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub vpc_id: Option<String>,
    pub is_default: Option<bool>,
    pub associations: Vec<NetworkAclAssociation>,
    pub entries: Vec<NetworkAclEntry>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkAclAssociation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_acl_association_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_acl_id: Option<String>,
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkAclEntry {
    pub rule_number: i64,
    pub egress: bool,
    pub protocol: String,
    pub rule_action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port_range: Option<AclPortRange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icmp_type_code: Option<IcmpTypeCode>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclPortRange {
    pub from: Option<i64>,
    pub to: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IcmpTypeCode {
    pub r#type: Option<i64>,
    pub code: Option<i64>,
}

/// An entry of `describe-prefix-lists` (with `Cidrs`) or of `describe-managed-prefix-lists`
/// (without: the list exists but its entries are unknown until given, DESIGN §2). Live collection
/// folds customer-managed lists' entries into `Cidrs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PrefixList {
    pub prefix_list_id: String,
    pub prefix_list_name: Option<String>,
    /// `None`: the entries were not given (never the same as an empty list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidrs: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

/// One entry of `get-managed-prefix-list-entries` output (`{"Entries": [...]}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PrefixListEntry {
    pub cidr: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkInterface {
    pub network_interface_id: String,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub interface_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub private_ip_address: Option<String>,
    pub private_ip_addresses: Vec<PrivateIpAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<IpAssociation>,
    pub ipv6_addresses: Vec<Ipv6Address>,
    pub groups: Vec<GroupIdentifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PrivateIpAddress {
    pub private_ip_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association: Option<IpAssociation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpAssociation {
    pub public_ip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipv6Address {
    pub ipv6_address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VpcPeeringConnection {
    pub vpc_peering_connection_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PeeringStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepter_vpc_info: Option<PeeringVpcInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requester_vpc_info: Option<PeeringVpcInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PeeringStatus {
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PeeringVpcInfo {
    pub vpc_id: Option<String>,
    pub cidr_block: Option<String>,
    pub owner_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct TransitGateway {
    pub transit_gateway_id: String,
    pub state: Option<String>,
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

/// One `aws sagemaker describe-notebook-instance` output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NotebookInstance {
    pub notebook_instance_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notebook_instance_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notebook_instance_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    pub security_groups: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_internet_access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_access: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform_identifier: Option<String>,
}

impl NotebookInstance {
    /// A `list-notebook-instances` summary rather than a `describe-notebook-instance` output: it
    /// says nothing of the notebook's placement (no subnet, security groups, direct internet
    /// access or root access), so its verdicts cannot be decided.
    pub fn is_summary(&self) -> bool {
        self.subnet_id.is_none()
            && self.security_groups.is_empty()
            && self.direct_internet_access.is_none()
            && self.root_access.is_none()
            && self.network_interface_id.is_none()
    }
}

/// The `SecurityGroups` of a Studio settings object (`DefaultUserSettings`, `UserSettings`,
/// `DefaultSpaceSettings`, `SpaceSettings`); every other setting is ignored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct StudioSettings {
    /// `None` when the settings do not name security groups at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_groups: Option<Vec<String>>,
}

/// One `aws sagemaker describe-domain` output (or a `list-domains` summary of one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Domain {
    pub domain_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `VpcOnly` or `PublicInternetOnly` (AWS's default when the domain was created without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_network_access_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_user_settings: Option<StudioSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_space_settings: Option<StudioSettings>,
}

impl Domain {
    /// A `list-domains` summary rather than a `describe-domain` output: it says nothing of the
    /// domain's network (no access type, VPC, subnets or security groups).
    pub fn is_summary(&self) -> bool {
        self.app_network_access_type.is_none()
            && self.vpc_id.is_none()
            && self.subnet_ids.is_empty()
            && self.default_user_settings.is_none()
            && self.default_space_settings.is_none()
    }
}

/// One `aws sagemaker describe-user-profile` output (or a `list-user-profiles` summary).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct UserProfile {
    pub domain_id: String,
    pub user_profile_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_profile_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_settings: Option<StudioSettings>,
}

impl UserProfile {
    /// A `list-user-profiles` summary: no ARN and no settings, so the profile's own security
    /// groups are not known.
    pub fn is_summary(&self) -> bool {
        self.user_profile_arn.is_none() && self.user_settings.is_none()
    }
}

/// One `aws sagemaker describe-space` output (or a `list-spaces` summary).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Space {
    pub domain_id: String,
    pub space_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_settings: Option<StudioSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ownership_settings: Option<SpaceOwnership>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub space_sharing_settings: Option<SpaceSharing>,
}

impl Space {
    /// A `list-spaces` summary (no ARN): which settings apply is known only from its sharing
    /// type, which summaries also carry; treated as described when it has one.
    pub fn is_summary(&self) -> bool {
        self.space_arn.is_none() && self.space_sharing_settings.is_none()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SpaceOwnership {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_user_profile_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SpaceSharing {
    /// `Private` or `Shared`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sharing_type: Option<String>,
}

/// One reservation of `aws ec2 describe-instances` output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Reservation {
    pub reservation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    pub instances: Vec<Instance>,
}

/// One EC2 instance: its primary subnet and security groups, and its network interfaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Instance {
    pub instance_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<GroupIdentifier>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub network_interfaces: Vec<InstanceNetworkInterface>,
}

/// An instance's network interface: the `describe-network-interfaces` fields plus its attachment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceNetworkInterface {
    #[serde(flatten)]
    pub interface: NetworkInterface,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<InstanceAttachment>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceAttachment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_index: Option<i64>,
}
