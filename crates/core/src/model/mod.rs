//! The vendor-independent network model: VPCs, subnets, route tables with typed targets, security
//! groups, network ACLs, gateways, VPC endpoints, interfaces and notebooks.
//!
//! It is built once from an AWS snapshot by [`convert`]; every later stage sees only this model.
//! References are resolved during conversion: a subnet knows its effective route table and ACL
//! (explicit association, else the VPC's main table / default ACL). Whatever could not be resolved
//! is left as `None` (or a dangling ID) and reported as a [`Diagnostic`]; the analysis turns such
//! gaps into `unknown` verdicts, never into `unreachable`.

pub mod graph;

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;
use serde::Serialize;

use crate::space::{AddrSet, PortRange, ProtoSet};

/// A whole network, plus what conversion had to say about it.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// The AWS region (`us-east-1`), from the snapshot or inferred; service names use it.
    pub region: Option<String>,
    pub vpcs: BTreeMap<String, Vpc>,
    pub subnets: BTreeMap<String, Subnet>,
    pub route_tables: BTreeMap<String, RouteTable>,
    pub acls: BTreeMap<String, Acl>,
    pub security_groups: BTreeMap<String, SecurityGroup>,
    pub internet_gateways: BTreeMap<String, AttachedGateway>,
    pub egress_only_gateways: BTreeMap<String, AttachedGateway>,
    pub nat_gateways: BTreeMap<String, NatGateway>,
    pub endpoints: BTreeMap<String, Endpoint>,
    pub interfaces: BTreeMap<String, Interface>,
    pub prefix_lists: BTreeMap<String, PrefixList>,
    /// IDs of transit gateways and peering connections the snapshot describes (for naming only:
    /// both leave the modelled scope).
    pub transit_gateways: BTreeMap<String, String>,
    pub peering_connections: BTreeMap<String, String>,
    /// Private addresses of the members of each security group (interfaces, endpoints, notebooks).
    pub sg_members: BTreeMap<String, AddrSet>,
    pub notebooks: Vec<Notebook>,
    /// EC2 instances (judged only when asked for as sources), by ID.
    pub instances: BTreeMap<String, Instance>,
    /// Datasets known to be incomplete (failed collection), with the reason: `endpoints`,
    /// `interfaces`, or another dataset's name. Ask through `endpoints_incomplete()` etc.
    pub incomplete: BTreeMap<String, String>,
    /// Resources that do not exist yet or will change (a plan, a template, `--place`), by ID.
    pub planned: BTreeMap<String, Planned>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a planned resource is declared and what the plan does to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Planned {
    /// A Terraform address, a CloudFormation logical ID, `--place NAME`.
    pub address: String,
    /// `create`, `update` or `replace`.
    pub action: String,
    /// The plan or template file that declares it, and the line when the format has lines.
    pub file: Option<String>,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Default)]
pub struct Vpc {
    pub id: String,
    pub name: Option<String>,
    pub owner_id: Option<String>,
    /// Associated IPv4 and IPv6 CIDR blocks.
    pub cidrs: Vec<IpNet>,
    /// `enableDnsSupport` / `enableDnsHostnames`; `None` when the snapshot does not say.
    pub dns_support: Option<bool>,
    pub dns_hostnames: Option<bool>,
    pub main_route_table: Option<String>,
    pub default_acl: Option<String>,
    /// Who answers the VPC's DNS queries (from its DHCP option set).
    pub resolver: Resolver,
    /// IDs of the VPC's subnets and interface endpoints (indexes, so that per-notebook work does
    /// not scan the whole organisation).
    pub subnets: Vec<String>,
    pub interface_endpoints: Vec<String>,
}

/// The DNS resolver a VPC's DHCP options give its instances (DESIGN §3: DNS decides the
/// address set of a service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolver {
    /// AmazonProvidedDNS (the Route 53 Resolver); `assumed` when the snapshot has no DHCP
    /// options at all.
    Amazon { assumed: bool },
    /// Other DNS servers (or none): what names resolve to is outside the model.
    Custom(Vec<String>),
    /// The VPC's DHCP options are not known, and why.
    Unknown(String),
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver::Amazon { assumed: true }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    pub name: Option<String>,
    pub availability_zone: Option<String>,
    pub cidrs: Vec<IpNet>,
    /// The effective route table (explicit association, else the VPC's main table).
    pub route_table: Option<String>,
    /// The effective network ACL (explicit association, else the VPC's default ACL).
    pub acl: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    pub name: Option<String>,
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteDest {
    Cidr(IpNet),
    PrefixList(String),
}

impl std::fmt::Display for RouteDest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteDest::Cidr(n) => write!(f, "{n}"),
            RouteDest::PrefixList(p) => f.write_str(p),
        }
    }
}

/// How a route came to be: the tie-break between equal prefixes depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteOrigin {
    Static,
    Propagated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteState {
    Active,
    Blackhole,
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub dest: RouteDest,
    pub target: Target,
    pub state: RouteState,
    pub origin: RouteOrigin,
}

/// What kind of thing a route (or a path) points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    /// A `vpce-` whose endpoint type is `Gateway`.
    GatewayEndpoint,
    /// A `vpce-` the snapshot does not describe (gateway or GWLB is not known).
    VpcEndpoint,
    GatewayLoadBalancerEndpoint,
    TransitGateway,
    VpcPeering,
    VirtualPrivateGateway,
    NetworkInterface,
    Instance,
    LocalGateway,
    CarrierGateway,
    CoreNetwork,
    /// A target field we do not recognise.
    Other,
}

impl TargetKind {
    /// The stable kebab-case name used in JSON (`via`) and evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Local => "local",
            TargetKind::InternetGateway => "internet-gateway",
            TargetKind::EgressOnlyInternetGateway => "egress-only-internet-gateway",
            TargetKind::NatGateway => "nat-gateway",
            TargetKind::GatewayEndpoint => "gateway-endpoint",
            TargetKind::VpcEndpoint => "vpc-endpoint",
            TargetKind::GatewayLoadBalancerEndpoint => "gateway-load-balancer-endpoint",
            TargetKind::TransitGateway => "transit-gateway",
            TargetKind::VpcPeering => "vpc-peering",
            TargetKind::VirtualPrivateGateway => "virtual-private-gateway",
            TargetKind::NetworkInterface => "network-interface",
            TargetKind::Instance => "instance",
            TargetKind::LocalGateway => "local-gateway",
            TargetKind::CarrierGateway => "carrier-gateway",
            TargetKind::CoreNetwork => "core-network",
            TargetKind::Other => "other",
        }
    }

    /// Targets whose forwarding the model does not follow: traffic reaching them is `unknown`.
    pub fn leaves_scope(self) -> bool {
        matches!(
            self,
            TargetKind::GatewayLoadBalancerEndpoint
                | TargetKind::TransitGateway
                | TargetKind::VpcPeering
                | TargetKind::VirtualPrivateGateway
                | TargetKind::NetworkInterface
                | TargetKind::Instance
                | TargetKind::LocalGateway
                | TargetKind::CarrierGateway
                | TargetKind::CoreNetwork
                | TargetKind::Other
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    /// The component ID (`igw-…`, `nat-…`, `local`, an ARN for core networks).
    pub id: String,
}

/// A security group rule, one per address source of an AWS permission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgRule {
    pub protocols: ProtoSet,
    pub ports: PortRange,
    pub peer: SgPeer,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SgPeer {
    Cidr(IpNet),
    PrefixList(String),
    Group(String),
}

#[derive(Debug, Clone, Default)]
pub struct SecurityGroup {
    pub id: String,
    pub name: Option<String>,
    pub vpc_id: Option<String>,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AclEntry {
    pub rule_number: i64,
    pub protocols: ProtoSet,
    pub ports: PortRange,
    pub cidr: IpNet,
    pub allow: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Acl {
    pub id: String,
    pub vpc_id: Option<String>,
    pub is_default: bool,
    /// Sorted by ascending rule number (first match wins); no implicit entry is stored.
    pub ingress: Vec<AclEntry>,
    pub egress: Vec<AclEntry>,
}

/// The lifecycle state of a NAT gateway or VPC endpoint. Only `Available` forwards traffic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceState {
    Available,
    Pending,
    PendingAcceptance,
    Deleting,
    Deleted,
    Failed,
    Rejected,
    Expired,
    /// A state the model does not know (kept verbatim), or none given.
    Other(String),
}

impl ResourceState {
    /// The state in lower case (`pendingacceptance`, as evidence has always printed it; AWS's
    /// own spelling varies between APIs).
    pub fn as_str(&self) -> &str {
        match self {
            ResourceState::Available => "available",
            ResourceState::Pending => "pending",
            ResourceState::PendingAcceptance => "pendingacceptance",
            ResourceState::Deleting => "deleting",
            ResourceState::Deleted => "deleted",
            ResourceState::Failed => "failed",
            ResourceState::Rejected => "rejected",
            ResourceState::Expired => "expired",
            ResourceState::Other(s) if s.is_empty() => "(none)",
            ResourceState::Other(s) => s,
        }
    }
}

impl Default for ResourceState {
    fn default() -> Self {
        ResourceState::Other(String::new())
    }
}

impl std::fmt::Display for ResourceState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state of a gateway's attachment to a VPC. Only `Attached` forwards traffic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AttachmentState {
    /// `available` (internet gateways) or `attached` (egress-only gateways, and when not given).
    Attached,
    Attaching,
    Detaching,
    Detached,
    Other(String),
}

/// An internet gateway or egress-only internet gateway.
#[derive(Debug, Clone, Default)]
pub struct AttachedGateway {
    pub id: String,
    pub name: Option<String>,
    /// `(vpc, state)` for each attachment.
    pub attachments: Vec<(String, AttachmentState)>,
    /// The gateway route table (edge association) that routes traffic entering the VPC through
    /// this gateway; `None` means the VPC's local routing delivers it.
    pub edge_route_table: Option<String>,
}

impl AttachedGateway {
    /// Attached to `vpc`.
    pub fn attached_to(&self, vpc: &str) -> bool {
        self.attachments
            .iter()
            .any(|(v, s)| v == vpc && *s == AttachmentState::Attached)
    }
}

#[derive(Debug, Clone, Default)]
pub struct NatGateway {
    pub id: String,
    pub name: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub state: ResourceState,
    /// `ConnectivityType` public (the default) or private.
    pub public: bool,
    pub private_ips: Vec<IpAddr>,
    pub public_ips: Vec<IpAddr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    Gateway,
    Interface,
    GatewayLoadBalancer,
    Other,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub name: Option<String>,
    pub kind: EndpointKind,
    pub vpc_id: Option<String>,
    /// `com.amazonaws.us-east-1.s3`.
    pub service: String,
    pub state: ResourceState,
    pub private_dns: bool,
    pub route_tables: Vec<String>,
    pub subnets: Vec<String>,
    pub groups: Vec<String>,
    pub interfaces: Vec<String>,
    /// Which address families the endpoint's private DNS records hold (`DnsRecordIpType`).
    pub record_ip_type: RecordIpType,
    /// `PrivateDnsOnlyForInboundResolverEndpoint`: clients inside the VPC do not resolve the
    /// service's name to this endpoint.
    pub private_dns_inbound_only: bool,
}

/// `DnsRecordIpType` of an interface endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordIpType {
    /// A records only (also when the snapshot does not say).
    Ipv4,
    /// AAAA records only.
    Ipv6,
    /// A and AAAA records.
    Dualstack,
    /// `service-defined` or a value we do not know: which records exist is not decided here.
    Other(String),
}

impl RecordIpType {
    /// Does a client of family `v6` (false: IPv4) find records of its family?
    pub fn serves(&self, v6: bool) -> Option<bool> {
        match self {
            RecordIpType::Ipv4 => Some(!v6),
            RecordIpType::Ipv6 => Some(v6),
            RecordIpType::Dualstack => Some(true),
            RecordIpType::Other(_) => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Interface {
    pub id: String,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    pub private_ips: Vec<IpAddr>,
    pub public_ips: Vec<IpAddr>,
    pub ipv6: Vec<IpAddr>,
    pub groups: Vec<String>,
    pub interface_type: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct PrefixList {
    pub id: String,
    pub name: Option<String>,
    /// The entries; `None` when the list is known to exist but its entries were not given
    /// (`describe-managed-prefix-lists` output): never the same as an empty list.
    pub cidrs: Option<Vec<IpNet>>,
    /// An AWS-managed list of an AWS service's public addresses (S3, DynamoDB, …).
    pub aws_managed: bool,
}

/// `Enabled` / `Disabled` as SageMaker reports it; anything else is kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Toggle {
    Enabled,
    Disabled,
    Missing,
    Other(String),
}

impl Toggle {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Toggle::Enabled => Some("Enabled"),
            Toggle::Disabled => Some("Disabled"),
            Toggle::Missing => None,
            Toggle::Other(s) => Some(s),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Notebook {
    pub name: String,
    pub arn: Option<String>,
    /// The AWS account the notebook is in (from its ARN), when known.
    pub account_id: Option<String>,
    pub status: Option<String>,
    pub subnet_id: Option<String>,
    /// The subnet's VPC, when the subnet is in the snapshot.
    pub vpc_id: Option<String>,
    pub security_groups: Vec<String>,
    pub interface_id: Option<String>,
    pub direct_internet_access: Toggle,
    pub root_access: Toggle,
    /// Whether the snapshot describes the notebook's placement at all: a `list-notebook-instances`
    /// summary does not (no subnet, security groups or direct internet access), and every verdict
    /// of such a notebook is `unknown`.
    pub placement_known: bool,
    /// What kind of workload this source is: a notebook instance, a SageMaker Studio user profile
    /// or space, or any network interface / EC2 instance asked for with `--source`.
    pub kind: SourceKind,
    /// For a Studio source: its domain, profile or space, and the domain's network access type.
    pub studio: Option<StudioSource>,
}

/// The kind of a judged source. Every kind is judged by the same checks; the kind decides the
/// Security Hub findings, the default service list and how reports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum SourceKind {
    /// A SageMaker notebook instance (`describe-notebook-instance`).
    #[default]
    NotebookInstance,
    /// A SageMaker Studio user profile (its apps, in one of the domain's subnets).
    StudioUserProfile,
    /// A SageMaker Studio space (shared, or private to its owner's profile).
    StudioSpace,
    /// A Studio domain without user profiles or spaces: what its default user settings give.
    StudioDomainDefaults,
    /// A network interface (`--source eni-…`).
    NetworkInterface,
    /// An EC2 instance, through its primary network interface (`--source i-…`).
    Ec2Instance,
}

impl SourceKind {
    /// The stable string reports carry (`notebook-instance`, `studio-user-profile`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::NotebookInstance => "notebook-instance",
            SourceKind::StudioUserProfile => "studio-user-profile",
            SourceKind::StudioSpace => "studio-space",
            SourceKind::StudioDomainDefaults => "studio-domain-defaults",
            SourceKind::NetworkInterface => "network-interface",
            SourceKind::Ec2Instance => "ec2-instance",
        }
    }

    /// A SageMaker Studio source (its default service list is Studio's).
    pub fn is_studio(self) -> bool {
        matches!(
            self,
            SourceKind::StudioUserProfile
                | SourceKind::StudioSpace
                | SourceKind::StudioDomainDefaults
        )
    }
}

/// A Studio domain's `AppNetworkAccessType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppNetworkAccess {
    /// `VpcOnly`: all Studio traffic goes through the domain's VPC and subnets.
    VpcOnly,
    /// `PublicInternetOnly` (AWS's default): non-EFS traffic goes through a VPC managed by
    /// SageMaker, which allows direct internet access.
    PublicInternetOnly,
    /// Not reported (a `list-domains` summary) or a value the model does not know.
    Unknown(Option<String>),
}

impl AppNetworkAccess {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AppNetworkAccess::VpcOnly => Some("VpcOnly"),
            AppNetworkAccess::PublicInternetOnly => Some("PublicInternetOnly"),
            AppNetworkAccess::Unknown(v) => v.as_deref(),
        }
    }
}

/// Who a Studio source is: the domain, and the user profile or space (none for the domain's
/// defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioSource {
    pub domain_id: String,
    pub domain_name: Option<String>,
    pub access: AppNetworkAccess,
    /// The domain's VPC (also for `PublicInternetOnly`, whose EFS traffic uses it).
    pub domain_vpc_id: Option<String>,
    pub user_profile: Option<String>,
    pub space: Option<String>,
}

/// An EC2 instance (`describe-instances` `Reservations[].Instances[]`), judged through its primary
/// network interface when asked for with `--source`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Instance {
    pub id: String,
    /// The primary network interface (device index 0), when the output lists it.
    pub primary_interface: Option<String>,
    pub subnet_id: Option<String>,
    pub vpc_id: Option<String>,
    /// The primary interface's security groups (else the instance's).
    pub groups: Vec<String>,
    pub account_id: Option<String>,
}

/// How bad a diagnostic is: `error` means some verdicts could not be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Something conversion (or analysis) wants the user to know about the input. Diagnostics are
/// ordered by severity, then by the code's *string* (alphabetically, as reports list them), then
/// resource and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: crate::codes::Code,
    /// The resource the problem is about (`rtb-…`).
    pub resource: String,
    pub message: String,
}

impl Diagnostic {
    fn sort_key(&self) -> (Severity, &'static str, &str, &str) {
        (
            self.severity,
            self.code.as_str(),
            &self.resource,
            &self.message,
        )
    }
}

impl Ord for Diagnostic {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for Diagnostic {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Network {
    /// The entries of prefix list `id` as an address set: `None` when the list is not in the
    /// snapshot or its entries were not given.
    pub fn prefix_list_addrs(&self, id: &str) -> Option<AddrSet> {
        self.prefix_lists
            .get(id)
            .and_then(|p| p.cidrs.as_ref())
            .map(|c| AddrSet::from_nets(c.iter()))
    }

    /// Why the list of VPC endpoints is incomplete (failed collection), if it is.
    pub fn endpoints_incomplete(&self) -> Option<&str> {
        self.incomplete.get("endpoints").map(String::as_str)
    }

    /// Why the list of notebooks is incomplete (a failed ListNotebookInstances or
    /// DescribeNotebookInstance), if it is: notebooks may be missing from the network.
    pub fn notebooks_incomplete(&self) -> Option<&str> {
        self.incomplete.get("notebooks").map(String::as_str)
    }

    /// Why the list of network interfaces is incomplete (failed collection), if it is.
    pub fn interfaces_incomplete(&self) -> Option<&str> {
        self.incomplete.get("interfaces").map(String::as_str)
    }

    /// The full AWS service name for `svc` (`s3` → `com.amazonaws.us-east-1.s3`); a name that is
    /// already qualified is kept.
    pub fn service_name(&self, svc: &str) -> String {
        if svc.starts_with("com.amazonaws.")
            || svc.starts_with("aws.")
            || svc.contains(".amazonaws.")
        {
            svc.to_string()
        } else {
            format!(
                "com.amazonaws.{}.{}",
                self.region.as_deref().unwrap_or("unknown-region"),
                svc
            )
        }
    }

    /// A network interface or EC2 instance of the snapshot as a source judged like a notebook
    /// (`--source`): its subnet, security groups and interface. `None` when the snapshot has
    /// neither an interface nor an instance of that ID.
    pub fn workload_source(&self, id: &str) -> Option<Notebook> {
        let source = |kind, subnet_id: Option<String>, vpc_id, groups, interface_id, account_id| {
            Notebook {
                name: id.to_string(),
                arn: None,
                account_id,
                status: None,
                vpc_id: subnet_id
                    .as_ref()
                    .and_then(|s| self.subnets.get(s))
                    .map(|s| s.vpc_id.clone())
                    .or(vpc_id),
                subnet_id,
                security_groups: groups,
                interface_id,
                // Not a notebook instance: no SageMaker setting applies, and traffic leaves
                // through the interface only.
                direct_internet_access: Toggle::Disabled,
                root_access: Toggle::Missing,
                placement_known: true,
                kind,
                studio: None,
            }
        };
        if let Some(i) = self.interfaces.get(id) {
            return Some(source(
                SourceKind::NetworkInterface,
                i.subnet_id.clone(),
                i.vpc_id.clone(),
                i.groups.clone(),
                Some(i.id.clone()),
                None,
            ));
        }
        let i = self.instances.get(id)?;
        let eni = i
            .primary_interface
            .as_ref()
            .and_then(|e| self.interfaces.get(e));
        Some(source(
            SourceKind::Ec2Instance,
            eni.and_then(|e| e.subnet_id.clone())
                .or_else(|| i.subnet_id.clone()),
            eni.and_then(|e| e.vpc_id.clone())
                .or_else(|| i.vpc_id.clone()),
            match eni {
                Some(e) if !e.groups.is_empty() => e.groups.clone(),
                _ => i.groups.clone(),
            },
            i.primary_interface.clone(),
            i.account_id.clone(),
        ))
    }

    /// The IDs `workload_source` accepts (interfaces and instances), sorted.
    pub fn workload_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .interfaces
            .keys()
            .chain(self.instances.keys())
            .map(String::as_str)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The subnets of `vpc`.
    pub fn vpc_subnets<'a>(&'a self, vpc: &str) -> impl Iterator<Item = &'a Subnet> + 'a {
        self.vpcs
            .get(vpc)
            .map(|v| v.subnets.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|s| self.subnets.get(s))
    }

    /// The interface endpoints of `vpc` for the service `name` (full name), whatever their state.
    pub fn interface_endpoints<'a>(
        &'a self,
        vpc: &str,
        name: &'a str,
    ) -> impl Iterator<Item = &'a Endpoint> + 'a {
        self.vpcs
            .get(vpc)
            .map(|v| v.interface_endpoints.as_slice())
            .unwrap_or_default()
            .iter()
            .filter_map(|e| self.endpoints.get(e))
            .filter(move |e| e.service == name)
    }

    /// Addresses of a VPC endpoint's network interfaces (IPv4 and IPv6). An interface present in
    /// the snapshot gives exactly its own addresses; only for interfaces absent from the snapshot
    /// do the CIDRs of the endpoint's subnets that no present interface accounts for stand in
    /// (DESIGN §3).
    pub fn endpoint_addresses(&self, ep: &Endpoint) -> AddrSet {
        let present: Vec<&Interface> = ep
            .interfaces
            .iter()
            .filter_map(|i| self.interfaces.get(i))
            .collect();
        let mut addrs = present
            .iter()
            .flat_map(|i| i.private_ips.iter().chain(&i.ipv6))
            .fold(AddrSet::empty(), |acc, ip| acc.union(&AddrSet::single(*ip)));
        if ep.interfaces.is_empty() || present.len() < ep.interfaces.len() {
            let covered: Vec<&str> = present
                .iter()
                .filter_map(|i| i.subnet_id.as_deref())
                .collect();
            let nets: Vec<IpNet> = ep
                .subnets
                .iter()
                .filter(|s| !covered.contains(&s.as_str()))
                .filter_map(|s| self.subnets.get(s))
                .flat_map(|s| s.cidrs.iter().copied())
                .collect();
            addrs = addrs.union(&AddrSet::from_nets(nets.iter()));
        }
        addrs
    }
}

/// The notebook ENI's private addresses, or its subnet's CIDRs when the ENI is not described.
pub fn notebook_private_addrs(net: &Network, n: &Notebook) -> AddrSet {
    if let Some(i) = n.interface_id.as_ref().and_then(|i| net.interfaces.get(i)) {
        return i
            .private_ips
            .iter()
            .chain(&i.ipv6)
            .fold(AddrSet::empty(), |acc, ip| acc.union(&AddrSet::single(*ip)));
    }
    n.subnet_id
        .as_ref()
        .and_then(|s| net.subnets.get(s))
        .map(|s| AddrSet::from_nets(s.cidrs.iter()))
        .unwrap_or_default()
}
