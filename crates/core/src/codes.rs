//! Every code vpcreach reports: the explanation codes of `blocked_by` and `unknown_because`, and
//! the codes of diagnostics about the input.
//!
//! One enum, one stable UPPER_SNAKE string and one description per code (cargo-deny's pattern):
//! a test snapshots the list so that no code is renamed by accident, and `docs/codes.md` documents
//! each one. Codes reuse AWS Reachability Analyzer's explanation codes where one fits.

use serde::{Serialize, Serializer};

macro_rules! codes {
    ($( $(#[$m:meta])* $v:ident = $s:literal, $d:literal; )*) => {
        /// Why a packet set was dropped, or why its fate is unknown.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[$m])* $v, )* }

        impl Code {
            /// Every code, in documentation order.
            pub const ALL: &'static [Code] = &[$(Code::$v,)*];

            /// The stable string used in JSON and docs.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$v => $s,)* }
            }

            /// One sentence on what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$v => $d,)* }
            }
        }
    };
}

codes! {
    // --- dropped (blocked_by) ---
    EniSgRulesMismatch = "ENI_SG_RULES_MISMATCH",
        "No egress rule of the notebook's security groups allows the packets.";
    EndpointSgIngressMismatch = "ENDPOINT_SG_INGRESS_MISMATCH",
        "No ingress rule of the interface endpoint's security groups admits TCP 443 from the notebook.";
    SubnetAclRestriction = "SUBNET_ACL_RESTRICTION",
        "A network ACL denies the packets where they cross a subnet boundary (first matching entry, or the implicit deny).";
    AclReturnTraffic = "ACL_RETURN_TRAFFIC",
        "The forward packets pass, but a stateless network ACL denies the replies on the way back.";
    NoRouteToDestination = "NO_ROUTE_TO_DESTINATION",
        "The route table has no route for the destination (or only the VPC-local route, which does not lead there).";
    BadStateRoute = "BAD_STATE_ROUTE",
        "The matching route is a blackhole (or in another non-active state): packets are dropped, and no shorter route is tried.";
    BadState = "BAD_STATE",
        "The gateway or endpoint the route leads to is not in the `available` state.";
    IgwNotAttached = "IGW_NOT_ATTACHED",
        "The internet or egress-only gateway the route names is not attached to this VPC.";
    IgwPublicIpAssociationForEgress = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        "The route leads to an internet gateway, but the source has no public IPv4 address, so the gateway drops IPv4 packets.";
    NoIpv6Address = "NO_IPV6_ADDRESS",
        "IPv6 packets need an IPv6 address on the source interface, which it does not have.";
    EgressOnlyIgwIpv6Only = "EGRESS_ONLY_IGW_IPV6_ONLY",
        "An egress-only internet gateway carries IPv6 only; IPv4 packets routed to it are dropped.";
    NatGatewayUnsupportedProtocol = "NAT_GATEWAY_UNSUPPORTED_PROTOCOL",
        "A NAT gateway translates only TCP, UDP and ICMP; other protocols are dropped.";
    VpceGatewayProtocolRestriction = "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
        "A gateway endpoint carries TCP only; other packets whose destination selects its route are dropped (they do not fall through to a shorter route).";
    GatewayEndpointServiceOnly = "GATEWAY_ENDPOINT_SERVICE_ONLY",
        "Packets that enter a gateway endpoint reach only that endpoint's AWS service, never the internet.";
    GatewayEndpointServiceMismatch = "GATEWAY_ENDPOINT_SERVICE_MISMATCH",
        "The packets are routed into a gateway endpoint of a different service, which carries only its own service.";
    PrivateDnsDisabled = "PRIVATE_DNS_DISABLED",
        "An interface endpoint for the service exists but has private DNS disabled, so the service's name still resolves to public addresses and the endpoint is not used.";
    VpcDnsDisabled = "VPC_DNS_DISABLED",
        "The VPC has enableDnsSupport or enableDnsHostnames off, so the interface endpoint's private DNS does not take effect and the endpoint is not used.";
    EndpointNotAvailable = "ENDPOINT_NOT_AVAILABLE",
        "An interface endpoint for the service exists but is not `available`, so it is not used.";
    RoutingLoop = "ROUTING_LOOP",
        "The route tables send the packets around a loop (through NAT gateways); they never arrive.";
    DnsResolutionDisabled = "DNS_RESOLUTION_DISABLED",
        "The VPC has enableDnsSupport off: its resolver answers no query, so no AWS service name resolves and no service can be reached by name (gateway endpoints included).";
    PrivateDnsInboundResolverOnly = "PRIVATE_DNS_INBOUND_RESOLVER_ONLY",
        "The interface endpoint's private DNS serves only queries through an inbound Resolver endpoint (PrivateDnsOnlyForInboundResolverEndpoint): clients in the VPC resolve the service's public addresses and use the gateway endpoint or the public path.";
    DnsRecordIpTypeMismatch = "DNS_RECORD_IP_TYPE_MISMATCH",
        "The interface endpoint's private DNS holds records of an address family the notebook cannot use (DnsRecordIpType ipv6 for a notebook without an IPv6 address), so the service's name gives it no address.";
    // --- undecided (unknown_because; several also name diagnostics about the input) ---
    LeavesModelledScope = "LEAVES_MODELLED_SCOPE",
        "The packets leave the modelled scope (transit gateway, peering, virtual private gateway, instance or interface target, Gateway Load Balancer endpoint, local/carrier gateway, core network); what happens next is not known.";
    DanglingReference = "DANGLING_REFERENCE",
        "A route or setting names a resource that is not in the snapshot.";
    MissingData = "MISSING_DATA",
        "The snapshot lacks data the verdict depends on (a route table, network ACL, security group or prefix list).";
    MissingVpcAttributes = "MISSING_VPC_ATTRIBUTES",
        "An interface endpoint with private DNS exists, but the VPC's enableDnsSupport/enableDnsHostnames are not in the snapshot.";
    DependsOnSourceAddress = "DEPENDS_ON_SOURCE_ADDRESS",
        "A rule matches part of the notebook's possible addresses; the snapshot does not give the notebook's address, so the outcome is not decided.";
    Nat64Untranslated = "NAT64_UNTRANSLATED",
        "IPv6 packets routed to a NAT gateway that NAT64 does not translate as modelled (destinations outside 64:ff9b::/96, ICMPv6 other than echo); what the gateway does with them is not known.";
    CustomDnsServers = "CUSTOM_DNS_SERVERS",
        "The VPC's DHCP options name DNS servers other than AmazonProvidedDNS (or none): which addresses a service's name resolves to is outside the model.";
    PrefixListEntriesUnknown = "PREFIX_LIST_ENTRIES_UNKNOWN",
        "A rule or route needs the entries of a prefix list that the snapshot describes without them (describe-managed-prefix-lists output); the packets it could claim are undecided.";
    // --- diagnostics about the input only ---
    IncompleteData = "INCOMPLETE_DATA",
        "Diagnostic: a snapshot key could not be collected completely (a failed API call recorded under `Incomplete`); verdicts that depend on it are unknown.";
    PlanValueUnresolved = "PLAN_VALUE_UNRESOLVED",
        "Diagnostic: a Terraform plan or CloudFormation template leaves a value open (known only after apply, an import, a data source without `--base`); what depends on it is unknown.";
    MissingRouteTable = "MISSING_ROUTE_TABLE",
        "Diagnostic: a subnet has no associated route table and its VPC's main route table is not in the snapshot.";
    MissingNetworkAcl = "MISSING_NETWORK_ACL",
        "Diagnostic: a subnet has no associated network ACL and its VPC's default ACL is not in the snapshot.";
    MissingInterface = "MISSING_INTERFACE",
        "Diagnostic: a network interface (a notebook's or an endpoint's) is not in NetworkInterfaces; the subnet's range stands in for its address.";
    MissingField = "MISSING_FIELD",
        "Diagnostic: a field the analysis uses is absent (e.g. DirectInternetAccess, DhcpOptionsId); what was assumed is said.";
    MissingPrefixList = "MISSING_PREFIX_LIST",
        "Diagnostic: a route, security-group rule or service check names a prefix list that is not in PrefixLists.";
    UnknownRegion = "UNKNOWN_REGION",
        "Diagnostic: the snapshot's region is neither given nor inferable, so service names cannot be matched.";
    DhcpOptionsAssumed = "DHCP_OPTIONS_ASSUMED",
        "Diagnostic (info): the snapshot has no DhcpOptions, so every VPC is assumed to use AmazonProvidedDNS.";
    NotebookPlacementUnknown = "NOTEBOOK_PLACEMENT_UNKNOWN",
        "Only a list-notebook-instances summary describes the notebook (no subnet, security groups or direct internet access), so none of its verdicts can be decided; save describe-notebook-instance output.";
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
