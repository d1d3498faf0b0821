//! Evidence as data: what a verdict's path passed ([`Hop`]) and what blocked or undecided it
//! ([`Block`]), as typed references to the network's components and rules, with the packets and
//! addresses concerned. No sentence is made here: `vpcreach-render` words every piece of evidence
//! for every format, so rewording a message never changes what a diagram or a fix reads.

use std::net::IpAddr;

use crate::model::{
    AclEntry, RecordIpType, ResourceState, Route, RouteDest, RouteState, SgRule, TargetKind,
};
use crate::space::{AddrSet, PacketSet};

use super::Code;
use super::explain::Probe;
use super::filters::Dir;

/// A packet set inside evidence: equal when the sets are (whatever their cubes).
#[derive(Debug, Clone, Default)]
pub struct Packets(pub PacketSet);

impl PartialEq for Packets {
    fn eq(&self, o: &Self) -> bool {
        self.0.same_as(&o.0)
    }
}
impl Eq for Packets {}

impl From<PacketSet> for Packets {
    fn from(p: PacketSet) -> Self {
        Packets(p)
    }
}

/// What a hop or block is about: a typed reference to one component of the network.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    Notebook(String),
    /// Security groups judged together (a union of allow rules).
    SecurityGroups(Vec<String>),
    RouteTable(String),
    NetworkAcl(String),
    Subnet(String),
    Vpc(String),
    InterfaceEndpoint(String),
    GatewayEndpoint(String),
    NatGateway(String),
    /// Any other route target (internet gateways, transit gateways, interfaces, …).
    Target(TargetKind, String),
    PrefixList(String),
    /// An AWS service, by full name (`com.amazonaws.us-east-1.s3`).
    Service(String),
    ServiceNetwork,
}

impl Component {
    /// The AWS ID (or name) of the component, as `component` shows it.
    pub fn id(&self) -> String {
        match self {
            Component::Notebook(s)
            | Component::RouteTable(s)
            | Component::NetworkAcl(s)
            | Component::Subnet(s)
            | Component::Vpc(s)
            | Component::InterfaceEndpoint(s)
            | Component::GatewayEndpoint(s)
            | Component::NatGateway(s)
            | Component::Target(_, s)
            | Component::PrefixList(s)
            | Component::Service(s) => s.clone(),
            Component::SecurityGroups(g) => g.join(", "),
            Component::ServiceNetwork => "sagemaker-service-network".into(),
        }
    }

    /// The stable kebab-case kind (`security-group`, `route-table`, `internet-gateway`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            Component::Notebook(_) => "notebook",
            Component::SecurityGroups(_) => "security-group",
            Component::RouteTable(_) => "route-table",
            Component::NetworkAcl(_) => "network-acl",
            Component::Subnet(_) => "subnet",
            Component::Vpc(_) => "vpc",
            Component::InterfaceEndpoint(_) => "interface-endpoint",
            Component::GatewayEndpoint(_) => "gateway-endpoint",
            Component::NatGateway(_) => "nat-gateway",
            Component::Target(k, _) => k.as_str(),
            Component::PrefixList(_) => "prefix-list",
            Component::Service(_) => "service",
            Component::ServiceNetwork => "service-network",
        }
    }

    /// A target component of a route of `kind`.
    pub fn target(kind: TargetKind, id: &str) -> Component {
        match kind {
            TargetKind::NatGateway => Component::NatGateway(id.into()),
            TargetKind::GatewayEndpoint => Component::GatewayEndpoint(id.into()),
            k => Component::Target(k, id.into()),
        }
    }
}

/// The rule within a component that decided, as a reference a fix or a diagram can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleRef {
    /// Rule `index` of `group`'s rules in `direction` (the order the snapshot lists them).
    SgRule {
        group: String,
        direction: Dir,
        index: usize,
        rule: SgRule,
    },
    /// An entry of a network ACL; `entry` None is the implicit deny after the last entry.
    AclEntry {
        acl: String,
        direction: Dir,
        entry: Option<AclEntry>,
    },
    /// A route of a route table.
    Route { table: String, route: Route },
}

/// Where traffic leaves through the SageMaker service network, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceNetworkReason {
    /// The notebook has no subnet: it runs in the SageMaker service VPC.
    NoSubnet,
    /// Direct internet access: everything outside the VPC's CIDRs.
    DirectInternetAccess,
    /// A Studio domain with `PublicInternetOnly` access: all non-EFS traffic goes through a VPC
    /// managed by SageMaker.
    StudioPublicInternet,
}

/// What a hop of a path did to the packets (and, once a witness is chosen, the rule that passed
/// it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The notebook's security groups let the packets out (`rule`: the one that passes the
    /// witness).
    SgEgress { rule: Option<RuleRef> },
    /// Egress may be allowed: a rule needs a prefix list's entries the snapshot lacks.
    SgEgressMaybe,
    /// An endpoint's security groups admit the notebook.
    SgIngress { rule: Option<RuleRef> },
    /// A route table sends the packets along `route`.
    Route { route: Route },
    /// A network ACL lets the packets cross the boundary of `subnet`.
    Acl {
        subnet: String,
        direction: Dir,
        rule: Option<RuleRef>,
    },
    /// A NAT gateway translates the source (to `public_ip`, or its private address) and routes
    /// the packets again in `subnet`.
    Nat {
        public: bool,
        public_ip: Option<IpAddr>,
        subnet: String,
    },
    /// NAT64: `64:ff9b::/96` continues as the embedded IPv4 address.
    Nat64,
    /// The packets reach an interface endpoint's interface in `subnet`.
    InterfaceEndpoint { service: String, subnet: String },
    /// The packets enter a gateway endpoint of `service`.
    GatewayEndpoint { service: String },
    /// An internet or egress-only gateway forwards the packets to the internet.
    ToInternet,
    /// The packets leave the modelled scope here.
    LeavesScope,
    /// The packets leave through the SageMaker service network.
    ServiceNetwork(ServiceNetworkReason),
    /// The reply of a connection is routed `local` by `route` (where it leaves `from`).
    ReplyRoute {
        from: Component,
        dest: AddrSet,
        route: Route,
    },
    /// The reply from `source` to `port` passes a network ACL.
    ReplyAcl {
        source: IpAddr,
        port: u16,
        direction: Dir,
        rule: Option<RuleRef>,
    },
}

/// One hop of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub at: Component,
    pub step: Step,
    pub(crate) probe: Probe,
}

impl Hop {
    pub(crate) fn new(at: Component, step: Step, probe: Probe) -> Hop {
        Hop { at, step, probe }
    }

    /// The rule this hop names, if any.
    pub fn rule(&self) -> Option<&RuleRef> {
        match &self.step {
            Step::SgEgress { rule } | Step::SgIngress { rule } | Step::Acl { rule, .. } => {
                rule.as_ref()
            }
            Step::ReplyAcl { rule, .. } => rule.as_ref(),
            _ => None,
        }
    }
}

/// Which reply a reply step is about: leaving an endpoint's or NAT gateway's interface, or
/// entering through an internet gateway's gateway route table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyOf {
    pub from: Component,
    pub dest: AddrSet,
}

/// What a missing piece of data is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// A subnet (the notebook's, or one the walk reaches).
    Subnet { subnet: String, notebooks: bool },
    /// A subnet's route table (`table`: the one named, or none associated and no main table).
    RouteTable {
        subnet: String,
        table: Option<String>,
    },
    /// A subnet's network ACL.
    Acl { subnet: String, acl: Option<String> },
    /// A security group.
    SecurityGroup(String),
    /// A prefix list, or its entries (`listed`: the list is described without entries).
    PrefixList { id: String, listed: bool },
    /// The notebook lists no security groups.
    NoSecurityGroups,
    /// The subnet of a NAT gateway.
    NatSubnet(String),
    /// The addresses of an interface endpoint lie in no subnet of the VPC.
    EndpointOutsideSubnets { vpc: String },
    /// No address is known for the interface endpoints of a service.
    EndpointAddresses,
    /// The AWS-managed prefix list of a service (its public addresses).
    ServicePrefixList {
        service: String,
        listed: Option<String>,
    },
    /// No address of the service is known that the notebook could connect to.
    ServiceAddresses,
    /// The notebook's VPC (its subnet is described, the VPC is not).
    NotebookVpc { vpc: Option<String> },
    /// A VPC's enableDnsSupport, on which whether it resolves `service` at all depends.
    DnsSupport { vpc: String, service: String },
    /// A VPC's enableDnsHostnames, on which whether interface `endpoint`'s private DNS is used
    /// depends.
    DnsHostnames { vpc: String, endpoint: String },
    /// A dataset that could not be collected completely, and why.
    Collection { what: Dataset, why: String },
    /// Which DNS servers a VPC uses (its DHCP options are not known), and why.
    DhcpOptions { why: String },
}

/// A dataset of the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Endpoints,
    Interfaces,
}

/// Why packets were dropped, or why their fate is undecided: the data a sentence is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// No egress rule of the notebook's security groups allows the packets.
    SgEgressDenied { packets: Packets },
    /// No ingress rule of an endpoint's security groups admits the packets from `source`.
    SgIngressDenied {
        endpoint: String,
        groups: Vec<String>,
        packets: Packets,
        source: AddrSet,
    },
    /// Security-group rules that cannot be decided: each rule and why.
    SgUndecided { gaps: Vec<SgGap> },
    /// A network ACL denies the packets (the entry, or the implicit deny, is the block's rule).
    AclDenied {
        subnet: String,
        direction: Dir,
        rule: RuleRef,
        packets: Packets,
    },
    /// A network ACL denies replies (to the client's or a NAT gateway's ports).
    AclReplyDenied {
        subnet: String,
        direction: Dir,
        rule: RuleRef,
        packets: Packets,
        nat_ports: bool,
    },
    /// A network ACL entry covers only part of the source's possible addresses.
    AclPartialSource {
        direction: Dir,
        source: AddrSet,
        reply: bool,
    },
    /// The route table has no route for the packets.
    NoRoute { subnet: String, packets: Packets },
    /// The packets stay inside the VPC (local route), which is not their destination.
    StaysLocal {
        vpc: String,
        packets: Packets,
        service: Option<String>,
    },
    /// The matching route is not active (a blackhole, or another state).
    RouteNotActive { route: RuleRef, state: RouteState },
    /// Routes to prefix lists the snapshot lacks (or lacks the entries of) may claim the
    /// packets.
    ContestedRoutes { lists: Vec<Missing> },
    /// The packets leave the modelled scope through this target.
    LeavesScope { kind: TargetKind },
    /// An active route leads to a target the snapshot does not describe.
    Dangling,
    /// A gateway or endpoint is not `available`.
    NotAvailable { state: ResourceState },
    /// An internet or egress-only gateway is not attached to the VPC.
    NotAttached { vpc: String },
    /// The source has no public IPv4 address, so the internet gateway drops IPv4 packets.
    NoPublicIpv4 { source: AddrSet, packets: Packets },
    /// Whether the notebook has a public IPv4 address is not known (its interface could not be
    /// collected).
    PublicIpUnknown { why: String },
    /// IPv6 packets from a source without an IPv6 address.
    NoIpv6 { packets: Packets },
    /// IPv4 packets routed to an egress-only gateway.
    Ipv6Only { packets: Packets },
    /// Protocols a NAT gateway does not translate.
    NatProtocol { packets: Packets },
    /// IPv6 packets a NAT gateway does not translate as modelled.
    Nat64Untranslated { packets: Packets, icmp: bool },
    /// ICMPv6 other than echo through NAT64: whatever NAT gateway `nat` makes of it, no ICMP
    /// gets further (`after`: why, at the block's component).
    Nat64IcmpDropped { nat: String, after: Box<Cause> },
    /// The packets return to a NAT gateway they already passed.
    RoutingLoop,
    /// A gateway endpoint carries TCP only.
    GatewayEndpointTcpOnly { packets: Packets },
    /// A gateway endpoint reaches only its service, never the internet.
    GatewayEndpointServiceOnly { service: String, packets: Packets },
    /// A gateway endpoint of another service.
    GatewayEndpointOtherService { service: String, wanted: String },
    /// A reply is routed elsewhere than `local` by `table`: to a middlebox, into a blackhole, or
    /// nowhere (`route` None).
    ReplyRoute {
        reply: ReplyOf,
        table: String,
        route: Option<Route>,
    },
    /// A reply route decides differently for the possible addresses of the notebook.
    ReplyRouteSplit { reply: ReplyOf, dropped: AddrSet },
    /// A route to an undescribed prefix list may claim a reply.
    ReplyRouteContested { reply: ReplyOf, route: Route },
    /// A reply is routed by a route table the snapshot lacks.
    ReplyRouteTableMissing {
        reply: ReplyOf,
        table: Option<String>,
    },
    /// Data the verdict needs is missing.
    Missing(Missing),
    /// The VPC answers no DNS query (enableDnsSupport false).
    DnsDisabled { service: String },
    /// An interface endpoint is passed over because its VPC answers no DNS query at all
    /// (enableDnsSupport false).
    VpcDnsSupportOff { endpoint: String },
    /// An interface endpoint is passed over: its VPC's DNS attributes (enableDnsSupport and
    /// enableDnsHostnames must both be true) switch its private DNS off.
    VpcDnsOff {
        endpoint: String,
        support: Option<bool>,
        hostnames: Option<bool>,
    },
    /// An interface endpoint exists but is not available.
    EndpointNotAvailable {
        service: String,
        state: ResourceState,
    },
    /// An interface endpoint has private DNS disabled.
    PrivateDnsDisabled { service: String },
    /// An interface endpoint's private DNS serves inbound Resolver endpoints only.
    PrivateDnsInboundOnly { service: String, vpc: String },
    /// An interface endpoint's DnsRecordIpType is not modelled.
    RecordTypeNotModelled { record: RecordIpType },
    /// An interface endpoint's records are of a family the notebook cannot use.
    RecordTypeMismatch { service: String, v6: bool },
    /// The VPC's DHCP options name other DNS servers (or none).
    CustomDns {
        servers: Vec<String>,
        service: String,
    },
    /// An AWS-managed prefix list without entries makes a service's public addresses inexact.
    ManagedListInexact {
        list_name: Option<String>,
        service: String,
    },
    /// Only a list-notebook-instances summary describes the notebook.
    PlacementUnknown,
    /// A Studio source's placement is not known: its domain, profile or space is described only
    /// by a list summary, or the snapshot contradicts itself (a diagnostic says which).
    StudioPlacementUnknown,
}

/// One security-group rule that cannot be decided, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SgGap {
    pub group: String,
    pub direction: Dir,
    pub rule: Option<SgRule>,
    /// `None`: the group itself is missing.
    pub why: SgGapWhy,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SgGapWhy {
    /// The group is not in the snapshot.
    GroupMissing,
    /// The rule names a prefix list that is missing or described without entries.
    PrefixList { id: String, listed: bool },
    /// The rule covers only part of the notebook's possible addresses.
    PartOfSource,
}

/// A blocking (or undeciding) component: the code, the component and the typed cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub code: Code,
    pub at: Component,
    pub cause: Cause,
}

impl Block {
    pub fn new(code: Code, at: Component, cause: Cause) -> Block {
        Block { code, at, cause }
    }

    /// The AWS ID of the component.
    pub fn component(&self) -> String {
        self.at.id()
    }

    /// The rule that decided, when one did (an ACL entry or the implicit deny, a route).
    pub fn rule(&self) -> Option<&RuleRef> {
        match &self.cause {
            Cause::AclDenied { rule, .. }
            | Cause::AclReplyDenied { rule, .. }
            | Cause::RouteNotActive { route: rule, .. } => Some(rule),
            _ => None,
        }
    }

    /// The resource whose configuration decides this block: changing it is what a fix does.
    /// `None` for causes that no single resource's setting explains (missing data, scope).
    pub fn resource_to_change(&self) -> Option<String> {
        match &self.cause {
            Cause::Missing(_)
            | Cause::LeavesScope { .. }
            | Cause::Dangling
            | Cause::PublicIpUnknown { .. }
            | Cause::ContestedRoutes { .. }
            | Cause::ReplyRouteContested { .. }
            | Cause::ReplyRouteTableMissing { .. }
            | Cause::AclPartialSource { .. }
            | Cause::ReplyRouteSplit { .. }
            | Cause::SgUndecided { .. }
            | Cause::Nat64Untranslated { .. }
            | Cause::RecordTypeNotModelled { .. }
            | Cause::PlacementUnknown
            | Cause::StudioPlacementUnknown => None,
            Cause::SgIngressDenied { groups, .. } => Some(groups.join(", ")),
            _ => Some(self.at.id()),
        }
    }
}

/// A route as a reference (for `RuleRef::Route`).
pub fn route_ref(table: &str, route: &Route) -> RuleRef {
    RuleRef::Route {
        table: table.to_string(),
        route: route.clone(),
    }
}

/// The destination of a route, as text-free data: its CIDR or prefix list.
pub fn route_dest(route: &Route) -> &RouteDest {
    &route.dest
}
