//! The words of every piece of evidence, finding and reason: the one place where the typed
//! evidence of `vpcreach-core` becomes sentences, shared by every format (JSON `detail`, table,
//! Markdown, HTML, diagram tooltips), so they all say the same thing.

use vpcreach_core::analysis::evidence::{
    Cause, Component, Missing, ReplyOf, RuleRef, ServiceNetworkReason, SgGap, SgGapWhy, Step,
};
use vpcreach_core::analysis::filters::Dir;
use vpcreach_core::analysis::{Block, Hop};
use vpcreach_core::model::{AclEntry, RecordIpType, Route, RouteState, SgPeer, SgRule};
use vpcreach_core::report::{Finding, NotebookReport, Profile, Reason};
use vpcreach_core::space::{ICMP, ICMPV6, PortRange, ProtoSet, TCP, UDP};

/// `inbound` / `outbound`.
pub fn dir_word(d: Dir) -> &'static str {
    match d {
        Dir::Ingress => "inbound",
        Dir::Egress => "outbound",
    }
}

fn proto_name(p: &ProtoSet) -> String {
    if *p == ProtoSet::all() {
        return "all traffic".into();
    }
    match p.first() {
        Some(TCP) => "tcp".into(),
        Some(UDP) => "udp".into(),
        Some(ICMP) => "icmp".into(),
        Some(ICMPV6) => "icmpv6".into(),
        Some(n) => format!("protocol {n}"),
        None => "nothing".into(),
    }
}

/// `tcp 443`, `udp 1024-65535`, `icmp type 8`, `all traffic`.
pub fn ports_text(protos: &ProtoSet, p: &PortRange) -> String {
    let name = proto_name(protos);
    if *p == PortRange::ALL {
        return name;
    }
    let icmp = *protos == ProtoSet::single(ICMP) || *protos == ProtoSet::single(ICMPV6);
    if icmp {
        let t = p.lo >> 8;
        if p.lo == p.hi {
            format!("{name} type {t} code {}", p.lo & 0xff)
        } else {
            format!("{name} type {t}")
        }
    } else if p.lo == p.hi {
        format!("{name} {}", p.lo)
    } else {
        format!("{name} {}-{}", p.lo, p.hi)
    }
}

/// `tcp 443 to pl-63a5400a` (egress) / `tcp 443 from sg-…` (ingress).
pub fn sg_rule_text(r: &SgRule, d: Dir) -> String {
    let peer = match &r.peer {
        SgPeer::Cidr(n) => n.to_string(),
        SgPeer::PrefixList(p) | SgPeer::Group(p) => p.clone(),
    };
    let dir = match d {
        Dir::Egress => "to",
        Dir::Ingress => "from",
    };
    format!("{} {dir} {peer}", ports_text(&r.protocols, &r.ports))
}

/// `#100 allow tcp 443 from 0.0.0.0/0` (`#*` for the default entry 32767).
pub fn acl_entry_text(e: &AclEntry, d: Dir) -> String {
    let num = if e.rule_number == 32767 {
        "*".to_string()
    } else {
        e.rule_number.to_string()
    };
    let dir = match d {
        Dir::Egress => "to",
        Dir::Ingress => "from",
    };
    format!(
        "#{num} {} {} {dir} {}",
        if e.allow { "allow" } else { "deny" },
        ports_text(&e.protocols, &e.ports),
        e.cidr
    )
}

/// `route 0.0.0.0/0 → nat-…`.
pub fn route_text(r: &Route) -> String {
    format!("route {} → {}", r.dest, r.target.id)
}

/// The text of a referenced rule, as evidence names it.
pub fn rule_text(r: &RuleRef) -> String {
    match r {
        RuleRef::SgRule {
            direction, rule, ..
        } => sg_rule_text(rule, *direction),
        RuleRef::AclEntry {
            direction,
            entry: Some(e),
            ..
        } => acl_entry_text(e, *direction),
        RuleRef::AclEntry { entry: None, .. } => "(implicit deny)".into(),
        RuleRef::Route { route, .. } => route_text(route),
    }
}

/// A short label for a rule in a diagram note: `#100 inbound`, `#* outbound (implicit deny)`,
/// `route 0.0.0.0/0`.
pub fn rule_label(r: &RuleRef) -> String {
    match r {
        RuleRef::AclEntry {
            direction,
            entry: Some(e),
            ..
        } => format!(
            "#{} {}",
            if e.rule_number == 32767 {
                "*".to_string()
            } else {
                e.rule_number.to_string()
            },
            dir_word(*direction)
        ),
        RuleRef::AclEntry {
            direction,
            entry: None,
            ..
        } => format!("{} (implicit deny)", dir_word(*direction)),
        RuleRef::SgRule {
            group,
            direction,
            index,
            ..
        } => format!("{group} {} rule {}", dir_word(*direction), index + 1),
        RuleRef::Route { route, .. } => format!("route {}", route.dest),
    }
}

/// What sends a reply: `the reply from vpce-…` / `the reply entering through igw-…`.
fn reply_from(r: &ReplyOf) -> String {
    match &r.from {
        Component::Target(_, id) => format!("the reply entering through {id}"),
        other => format!("the reply from {}", other.id()),
    }
}

/// The sentence of one hop.
pub fn hop_detail(h: &Hop) -> String {
    let id = h.at.id();
    match &h.step {
        Step::SgEgress {
            rule: Some(RuleRef::SgRule {
                group,
                direction,
                rule,
                ..
            }),
        } => format!("egress rule of {group} allows {}", sg_rule_text(rule, *direction)),
        Step::SgEgress { .. } => "egress rules allow the packets".into(),
        Step::SgEgressMaybe => {
            "egress may be allowed (a rule's prefix list is not fully in the snapshot)".into()
        }
        Step::SgIngress {
            rule: Some(RuleRef::SgRule {
                group,
                direction,
                rule,
                ..
            }),
        } => format!("ingress rule of {group} allows {}", sg_rule_text(rule, *direction)),
        Step::SgIngress { .. } => "ingress rules admit the notebook".into(),
        Step::Route { route } => route_text(route),
        Step::Acl {
            direction,
            rule: Some(r),
            ..
        } => format!("{} rule {} matches", dir_word(*direction), rule_text(r)),
        Step::Acl {
            subnet, direction, ..
        } => format!("{} rules of {subnet} allow the packets", dir_word(*direction)),
        Step::Nat {
            public: true,
            public_ip,
            subnet,
        } => format!(
            "translates the source to {}, then routes in {subnet}",
            public_ip.map_or_else(|| "its address".to_string(), |ip| ip.to_string())
        ),
        Step::Nat { subnet, .. } => format!(
            "private NAT: translates the source to its private address, then routes in {subnet}"
        ),
        Step::Nat64 => "NAT64: translates 64:ff9b::/96 to the embedded IPv4 address".into(),
        Step::InterfaceEndpoint { service, subnet } => {
            format!("interface endpoint for {service} in {subnet}")
        }
        Step::GatewayEndpoint { service } => format!("gateway endpoint for {service}"),
        Step::ToInternet => "forwards to the internet".into(),
        Step::LeavesScope => "leaves the modelled scope".into(),
        Step::ServiceNetwork(ServiceNetworkReason::NoSubnet) => "the notebook has no subnet: it runs in the SageMaker service VPC, whose traffic goes out through the service network".into(),
        Step::ServiceNetwork(ServiceNetworkReason::StudioPublicInternet) => "the Studio domain's network access type is PublicInternetOnly: all non-EFS traffic goes through a VPC managed by SageMaker, which allows direct internet access, whatever the domain's own VPC holds".into(),
        Step::ServiceNetwork(ServiceNetworkReason::DirectInternetAccess) => "direct internet access is enabled: traffic to anything outside the VPC's CIDRs leaves through the SageMaker service network, not the notebook's subnet".into(),
        Step::ReplyRoute { from, dest, route } => format!(
            "{} to {}: {}",
            reply_from(&ReplyOf {
                from: from.clone(),
                dest: dest.clone()
            }),
            dest.describe(2),
            route_text(route)
        ),
        Step::ReplyAcl {
            source,
            port,
            direction,
            rule: Some(r),
        } => format!(
            "return traffic from {source} to port {port}: {} rule {} matches",
            dir_word(*direction),
            rule_text(r)
        ),
        Step::ReplyAcl { .. } => format!("return traffic passes {id}"),
    }
}

fn missing_text(m: &Missing, at: &Component) -> String {
    let id = at.id();
    match m {
        Missing::Subnet {
            subnet,
            notebooks: true,
        } => format!("the notebook's subnet {subnet} is not in the snapshot"),
        Missing::Subnet { subnet, .. } => format!("subnet {subnet} is not in the snapshot"),
        Missing::RouteTable { subnet, table } => format!(
            "the route table of subnet {subnet} ({}) is not in the snapshot",
            table.as_deref().unwrap_or("no association, no main table")
        ),
        Missing::Acl { subnet, acl } => format!(
            "the network ACL of subnet {subnet} ({}) is not in the snapshot",
            acl.as_deref().unwrap_or("no association, no default ACL")
        ),
        Missing::SecurityGroup(g) => format!("security group {g} is not in the snapshot"),
        Missing::PrefixList { id, listed: true } => {
            format!("prefix list {id} is described without its entries")
        }
        Missing::PrefixList { id, .. } => format!("prefix list {id} is not in the snapshot"),
        Missing::NoSecurityGroups => "the notebook lists no security groups".into(),
        Missing::NatSubnet(nat) => format!("the subnet of {nat} is not in the snapshot"),
        Missing::EndpointOutsideSubnets { vpc } => {
            format!("addresses of endpoint {id} lie in no subnet of {vpc}")
        }
        Missing::EndpointAddresses => {
            format!("no address is known for the interface endpoint(s) of {id}")
        }
        Missing::ServicePrefixList {
            service,
            listed: Some(pl),
        } => format!(
            "the AWS-managed prefix list {service} ({pl}) is described without its entries (the service's addresses)"
        ),
        Missing::ServicePrefixList { service, .. } => format!(
            "the AWS-managed prefix list {service} (the service's addresses) is not in PrefixLists"
        ),
        Missing::ServiceAddresses => {
            format!("no address of {id} is known that the notebook could connect to")
        }
        Missing::NotebookVpc { vpc } => format!(
            "the notebook's VPC ({}) is not in the snapshot, so how service names resolve there is not known",
            vpc.as_deref()
                .unwrap_or("its subnet is not described either")
        ),
        Missing::DnsSupport { vpc, service } => format!(
            "whether {vpc} resolves {service} at all depends on its enableDnsSupport, which the snapshot lacks (VpcAttributes)"
        ),
        Missing::DnsHostnames { vpc, endpoint } => format!(
            "whether {endpoint} is used depends on {vpc}'s enableDnsHostnames, which the snapshot lacks"
        ),
        Missing::Collection { what, why } => match what {
            vpcreach_core::analysis::evidence::Dataset::Endpoints => format!(
                "whether {id} has an interface endpoint for the service is not known: VPC endpoints could not be collected ({why})"
            ),
            vpcreach_core::analysis::evidence::Dataset::Interfaces => {
                format!("network interfaces could not be collected ({why})")
            }
        },
        Missing::DhcpOptions { why } => format!("which DNS servers {id} uses is not known: {why}"),
    }
}

fn gap_text(g: &SgGap) -> String {
    let rule = g
        .rule
        .as_ref()
        .map(|r| sg_rule_text(r, g.direction))
        .unwrap_or_default();
    match &g.why {
        SgGapWhy::GroupMissing => format!("security group {} is not in the snapshot", g.group),
        SgGapWhy::PrefixList { id, listed } => format!(
            "{} rule \"{rule}\" needs {}",
            g.group,
            missing_text(
                &Missing::PrefixList {
                    id: id.clone(),
                    listed: *listed
                },
                &Component::PrefixList(id.clone())
            )
        ),
        SgGapWhy::PartOfSource => format!(
            "{} rule \"{rule}\" covers only part of the notebook's possible addresses",
            g.group
        ),
    }
}

/// The sentence of a block (why packets are dropped, or why their fate is undecided).
pub fn block_detail(b: &Block) -> String {
    cause_text(&b.cause, &b.at)
}

fn cause_text(c: &Cause, at: &Component) -> String {
    let id = at.id();
    match c {
        Cause::SgEgressDenied { packets } => {
            format!("no egress rule of {id} allows {}", packets.0.describe())
        }
        Cause::SgIngressDenied {
            endpoint,
            groups,
            packets,
            source,
        } => format!(
            "no ingress rule of {} (endpoint {endpoint}) admits {} from the notebook ({})",
            if groups.is_empty() {
                "(no security groups)".to_string()
            } else {
                groups.join(", ")
            },
            packets.0.describe(),
            source.describe(2)
        ),
        Cause::SgUndecided { gaps } => gaps.iter().map(gap_text).collect::<Vec<_>>().join("; "),
        Cause::AclDenied {
            direction,
            rule,
            packets,
            ..
        } => match rule {
            RuleRef::AclEntry { entry: Some(_), .. } => format!(
                "{} rule {} denies {}",
                dir_word(*direction),
                rule_text(rule),
                packets.0.describe()
            ),
            _ => format!(
                "no {} rule allows {} (implicit deny)",
                dir_word(*direction),
                packets.0.describe()
            ),
        },
        Cause::AclReplyDenied {
            subnet,
            direction,
            rule,
            packets,
            nat_ports,
        } => {
            let why = match rule {
                RuleRef::AclEntry { entry: Some(_), .. } => {
                    format!("{} rule {} denies", dir_word(*direction), rule_text(rule))
                }
                _ => format!("no {} rule allows (implicit deny)", dir_word(*direction)),
            };
            format!(
                "return traffic to {}: {why} {} in {subnet}",
                if *nat_ports {
                    "the NAT gateway's ports"
                } else {
                    "the client's ports"
                },
                packets.0.describe()
            )
        }
        Cause::AclPartialSource {
            direction,
            source,
            reply: false,
        } => format!(
            "an {} rule of {id} covers only part of the source's possible addresses ({})",
            dir_word(*direction),
            source.describe(4)
        ),
        Cause::AclPartialSource { direction, .. } => format!(
            "a {} rule of {id} covers only part of the notebook's possible addresses",
            dir_word(*direction)
        ),
        Cause::NoRoute { subnet, packets } => format!(
            "route table {id} (subnet {subnet}) has no route for {}",
            packets.0.describe()
        ),
        Cause::StaysLocal {
            vpc,
            packets,
            service,
        } => format!(
            "{} stays inside {vpc} (local route): it is not {}",
            packets.0.describe(),
            service.as_deref().unwrap_or("the internet")
        ),
        Cause::RouteNotActive { route, state } => match state {
            RouteState::Blackhole => format!(
                "{} is a blackhole (its target no longer exists)",
                rule_text(route)
            ),
            RouteState::Other(s) => format!("{} is in state {s}", rule_text(route)),
            RouteState::Active => format!("{} is active", rule_text(route)),
        },
        Cause::ContestedRoutes { lists } => format!(
            "route table {id} has a route to {}; it may claim these packets",
            lists
                .iter()
                .map(|m| missing_text(m, at))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Cause::LeavesScope { kind } => format!(
            "the packets leave the modelled scope through {} {id}; what lies beyond is not in the model",
            kind.as_str()
        ),
        Cause::Dangling => format!("an active route leads to {id}, which is not in the snapshot"),
        Cause::NotAvailable { state } => format!("{id} is in state {state}"),
        Cause::NotAttached { vpc } => format!("{id} is not attached to {vpc}"),
        Cause::NoPublicIpv4 { source, packets } => format!(
            "the source ({}) has no public IPv4 address, so {id} drops {}",
            source.describe(2),
            packets.0.describe()
        ),
        Cause::PublicIpUnknown { why } => format!(
            "the notebook's network interface could not be collected ({why}), so a public IPv4 address cannot be ruled out"
        ),
        Cause::NoIpv6 { packets } => format!(
            "the source has no IPv6 address; dropped: {}",
            packets.0.describe()
        ),
        Cause::Ipv6Only { packets } => {
            format!("{id} carries IPv6 only; dropped: {}", packets.0.describe())
        }
        Cause::NatProtocol { packets } => format!(
            "{id} translates only TCP, UDP and ICMP; dropped: {}",
            packets.0.describe()
        ),
        Cause::Nat64Untranslated {
            packets,
            icmp: false,
        } => format!(
            "{id} translates IPv6 only to 64:ff9b::/96 (NAT64, TCP, UDP and ICMPv6 echo); what it does with these is not modelled: {}",
            packets.0.describe()
        ),
        Cause::Nat64Untranslated { packets, .. } => format!(
            "{id} may translate these ICMPv6 messages to ICMP (RFC 7915) or drop them; which is not modelled: {}",
            packets.0.describe()
        ),
        Cause::Nat64IcmpDropped { nat, after } => format!(
            "whatever {nat} makes of them (RFC 7915 drops or translates them to ICMP), no ICMP gets further: {}",
            cause_text(after, at)
        ),
        Cause::RoutingLoop => format!("the packets return to {id}: routing loop"),
        Cause::GatewayEndpointTcpOnly { packets } => format!(
            "gateway endpoint {id} carries TCP only; dropped: {}",
            packets.0.describe()
        ),
        Cause::GatewayEndpointServiceOnly { service, packets } => format!(
            "{} enters gateway endpoint {id}, which reaches only {service}, not the internet",
            packets.0.describe()
        ),
        Cause::GatewayEndpointOtherService { service, wanted } => {
            format!("{id} is a gateway endpoint for {service}, not {wanted}")
        }
        Cause::ReplyRoute {
            reply,
            table,
            route: Some(r),
        } if r.state != RouteState::Active => format!(
            "{} to {} matches {} in {table}, which is {}: the reply is dropped",
            reply_from(reply),
            reply.dest.describe(2),
            route_text(r),
            match &r.state {
                RouteState::Other(s) => s.as_str(),
                _ => "a blackhole",
            }
        ),
        Cause::ReplyRoute {
            reply,
            table,
            route: Some(r),
        } => format!(
            "{} to {} matches {} in {table} (middlebox routing): it goes to {} {}, which the model does not follow",
            reply_from(reply),
            reply.dest.describe(2),
            route_text(r),
            r.target.kind.as_str(),
            r.target.id
        ),
        Cause::ReplyRoute {
            reply,
            table,
            route: None,
        } => format!(
            "{} to {} has no route in {table}",
            reply_from(reply),
            reply.dest.describe(2)
        ),
        Cause::ReplyRouteSplit { reply, dropped } => format!(
            "{} is dropped in {id} for some of the possible addresses ({}) and carried for others",
            reply_from(reply),
            dropped.describe(2)
        ),
        Cause::ReplyRouteContested { reply, route } => format!(
            "{} to {} may be claimed by {} of {id}, whose prefix list is not fully in the snapshot",
            reply_from(reply),
            reply.dest.describe(2),
            route_text(route)
        ),
        Cause::ReplyRouteTableMissing { reply, table } => format!(
            "{} is routed by {id}'s route table ({}), which is not in the snapshot",
            reply_from(reply),
            table.as_deref().unwrap_or("none")
        ),
        Cause::Missing(m) => missing_text(m, at),
        Cause::DnsDisabled { service } => format!(
            "{id} has enableDnsSupport=false: the VPC's resolver answers no query, so {service} does not resolve and cannot be reached by name"
        ),
        Cause::VpcDnsSupportOff { endpoint } => format!(
            "{id} has enableDnsSupport=false: the private DNS of {endpoint} does not take effect"
        ),
        Cause::VpcDnsOff {
            endpoint,
            support,
            hostnames,
        } => {
            let b = |x: &Option<bool>| x.map_or("?".to_string(), |v| v.to_string());
            format!(
                "{id} has enableDnsSupport={} and enableDnsHostnames={}: the private DNS of {endpoint} does not take effect",
                b(support),
                b(hostnames)
            )
        }
        Cause::EndpointNotAvailable { service, state } => {
            format!("interface endpoint {id} for {service} is in state {state}")
        }
        Cause::PrivateDnsDisabled { service } => format!(
            "interface endpoint {id} has private DNS disabled: {service}'s name resolves to public addresses"
        ),
        Cause::PrivateDnsInboundOnly { service, vpc } => format!(
            "interface endpoint {id} serves its private DNS only to inbound Resolver endpoints (PrivateDnsOnlyForInboundResolverEndpoint): clients in {vpc} resolve {service} to its public addresses"
        ),
        Cause::RecordTypeNotModelled { record } => format!(
            "interface endpoint {id} has DnsRecordIpType {}: which records its private DNS holds is not modelled",
            match record {
                RecordIpType::Other(s) => s.as_str(),
                RecordIpType::Ipv4 => "ipv4",
                RecordIpType::Ipv6 => "ipv6",
                RecordIpType::Dualstack => "dualstack",
            }
        ),
        Cause::RecordTypeMismatch { service, v6 } => format!(
            "interface endpoint {id}'s private DNS holds {} records only, and the notebook has no address of that family: {service} gives it no address",
            if *v6 { "IPv6 (AAAA)" } else { "IPv4 (A)" }
        ),
        Cause::CustomDns { servers, service } if servers.is_empty() => format!(
            "the DHCP options of {id} name no DNS server: what {service} resolves to (if anything) is outside the model"
        ),
        Cause::CustomDns { servers, service } => format!(
            "the DHCP options of {id} name DNS servers {}: what {service} resolves to through them is outside the model",
            servers.join(", ")
        ),
        Cause::ManagedListInexact { list_name, service } => format!(
            "the AWS-managed prefix list {} ({id}) is described without its entries, so which public addresses belong to {service} rather than to it is not exact",
            list_name.as_deref().unwrap_or_default()
        ),
        Cause::PlacementUnknown => format!(
            "only a list-notebook-instances summary describes {id}: its subnet, security groups and direct internet access are not known (save describe-notebook-instance output)"
        ),
        Cause::StudioPlacementUnknown => format!(
            "where the Studio source {id} runs, or with which security groups, is not known (a list summary, or a contradiction in the snapshot: see the diagnostics; save describe-domain / describe-user-profile / describe-space output)"
        ),
    }
}

/// What a check whose verdict is `unreachable` is called when the profile requires exactly that
/// (the `internet` check under `isolated`): a pass, not a failure.
pub const BLOCKED_AS_REQUIRED: &str = "blocked as required";

/// What a profile asks of every notebook, in one phrase (the audit reports' header).
pub fn profile_requirement(p: Profile) -> &'static str {
    match p {
        Profile::Isolated => {
            "the internet unreachable, every required service reachable privately (through a VPC endpoint), no direct internet access (SageMaker.1), in a custom VPC (SageMaker.2)"
        }
        Profile::NatEgress => {
            "the internet reachable only through a NAT gateway (or not at all), every required service reachable"
        }
    }
}

/// The legend of a block that is a pass: what "blocked as required" means.
pub const BLOCKED_AS_REQUIRED_LEGEND: &str = "blocked as required: the profile requires the internet to be unreachable, and the analysis proves that no packet gets out; the blocks listed are the proof, not faults.";

/// A notebook's name as reports head it: `nb-x`, or `nb-x (planned: aws_sagemaker_notebook_instance.x)`
/// for a notebook that does not exist yet (`short`: only `(planned)`, for the table).
pub fn notebook_title(n: &NotebookReport, short: bool) -> String {
    match (&n.planned, short) {
        (None, _) => match kind_label(n.kind) {
            Some(k) => format!("{} ({k})", n.name),
            None => n.name.clone(),
        },
        (Some(_), true) => format!("{} (planned)", n.name),
        (Some(p), false) => format!("{} (planned: {})", n.name, p.address),
    }
}

/// What kind of source a report entry is, in words; `None` for a notebook instance (the default,
/// named as before).
pub fn kind_label(k: vpcreach_core::model::SourceKind) -> Option<&'static str> {
    use vpcreach_core::model::SourceKind as K;
    match k {
        K::NotebookInstance => None,
        K::StudioUserProfile => Some("Studio user profile"),
        K::StudioSpace => Some("Studio space"),
        K::StudioDomainDefaults => Some("Studio domain defaults"),
        K::NetworkInterface => Some("network interface"),
        K::Ec2Instance => Some("EC2 instance"),
    }
}

/// The detail of a Security Hub finding.
pub fn finding_detail(f: Finding) -> &'static str {
    match f {
        Finding::DirectInternetAccess => "direct internet access is enabled",
        Finding::NoVpc => {
            "the notebook is not in a custom VPC (no subnet): it runs in the SageMaker service VPC"
        }
        Finding::RootAccess => "root access is enabled",
        Finding::RootAccessNotReported => {
            "root access is not reported; SageMaker's default is Enabled"
        }
        Finding::StudioDomainNotVpcOnly => {
            "the Studio domain's network access type is PublicInternetOnly, not VpcOnly (AWS Config rule sagemaker-domain-in-vpc)"
        }
    }
}

/// Why a notebook is not compliant, one sentence.
pub fn reason(r: &Reason) -> String {
    let code_detail = |b: &Option<Block>| {
        b.as_ref()
            .map(|b| format!("{}: {}", b.code, block_detail(b)))
    };
    let at = |b: &Option<Block>| {
        b.as_ref()
            .map(|b| format!(" ({} at {})", b.code, b.component()))
            .unwrap_or_default()
    };
    match r {
        Reason::Unknown { check, why } => format!(
            "{check}: unknown ({})",
            code_detail(why).unwrap_or_else(|| "undecided".into())
        ),
        Reason::InternetPartlyUndecided { why } => format!(
            "internet: reachable through a NAT gateway, but part of the traffic is undecided ({})",
            code_detail(why).unwrap_or_else(|| "undecided".into())
        ),
        Reason::InternetReachable { via } => format!(
            "internet: reachable via {}",
            via.map(|v| v.as_str()).unwrap_or("?")
        ),
        Reason::InternetNotOnlyNat { vias } => format!(
            "internet: reachable other than through a NAT gateway (via {})",
            vias.iter()
                .map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Reason::NotPrivate { check, via, note } => format!(
            "{check}: reachable but not privately (via {}){}",
            via.map(|v| v.as_str()).unwrap_or("?"),
            code_detail(note)
                .map(|s| format!("; {s}"))
                .unwrap_or_default()
        ),
        Reason::Partial { check, first } => format!("{check}: only partly reachable{}", at(first)),
        Reason::Unreachable { check, first } => format!("{check}: unreachable{}", at(first)),
        Reason::Finding(f) => format!("{}: {}", f.code(), finding_detail(*f)),
    }
}
