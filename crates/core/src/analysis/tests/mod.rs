//! Unit tests of the analysis: one file per area (the three filters, the forward walk, the reply
//! path, name resolution and the two checks), all on networks built by hand with [`TestNet`].
//!
//! `TestNet` is deliberately small: every resource gets a short deterministic ID (`vpc-1`,
//! `subnet-nb`, `rtb-nb`, …), routes are active and static unless a test says otherwise, and
//! [`isolated`], [`with_nat`] and [`with_endpoint`] give the baselines most tests mutate in one
//! respect ([`dual_stack`] adds IPv6). Walks go through [`walk`], which checks the walk's central
//! invariant on every call: the branches partition the input set exactly (their union is the
//! input, and no two of them overlap). Nothing here uses `vpcreach-aws`: a dev-dependency's types
//! are another instance of this crate's in unit tests.

use std::collections::BTreeMap;
use std::net::IpAddr;

use ipnet::IpNet;

use crate::model::{
    Acl, AclEntry, AttachedGateway, AttachmentState, Endpoint, EndpointKind, Interface, NatGateway,
    Network, Notebook, PrefixList, RecordIpType, Resolver, ResourceState, Route, RouteDest,
    RouteOrigin, RouteState, RouteTable, SecurityGroup, SgPeer, SgRule, Subnet, Target, TargetKind,
    Toggle, Vpc,
};
use crate::space::{AddrSet, PacketSet, PortRange, ProtoSet, TCP};

use super::Block;
use super::walk::{Branch, Dest, End, walk_notebook};

mod checks;
mod filters;
mod reply;
mod resolve;
mod share;
mod walk;

// ---------------------------------------------------------------------------------------------
// The IDs of the baselines
// ---------------------------------------------------------------------------------------------

pub(super) const REGION: &str = "us-east-1";
pub(super) const VPC: &str = "vpc-1";
pub(super) const VPC_CIDR: &str = "10.0.0.0/16";
/// The notebook's subnet, its route table and network ACL.
pub(super) const SUB_NB: &str = "subnet-nb";
pub(super) const RTB_NB: &str = "rtb-nb";
pub(super) const ACL_NB: &str = "acl-nb";
pub(super) const SG_NB: &str = "sg-nb";
pub(super) const NB: &str = "nb";
pub(super) const ENI_NB: &str = "eni-nb";
pub(super) const NB_IP: &str = "10.0.1.10";
/// The public subnet of [`with_nat`]: its route table, ACL, internet gateway and NAT gateway.
pub(super) const SUB_PUB: &str = "subnet-pub";
pub(super) const RTB_PUB: &str = "rtb-pub";
pub(super) const ACL_PUB: &str = "acl-pub";
pub(super) const IGW: &str = "igw-1";
pub(super) const NAT: &str = "nat-1";
pub(super) const NAT_IP: &str = "10.0.0.5";
pub(super) const NAT_EIP: &str = "54.0.0.1";
/// The endpoint subnet of [`with_endpoint`], its route table, ACL, and the interface endpoint for
/// `sagemaker.api` with its security group and address.
pub(super) const SUB_EP: &str = "subnet-ep";
pub(super) const RTB_EP: &str = "rtb-ep";
pub(super) const ACL_EP: &str = "acl-ep";
pub(super) const SG_EP: &str = "sg-ep";
pub(super) const EP: &str = "vpce-api";
pub(super) const EP_IP: &str = "10.0.2.5";

/// `s3` → `com.amazonaws.us-east-1.s3`.
pub(super) fn svc(short: &str) -> String {
    format!("com.amazonaws.{REGION}.{short}")
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

pub(super) fn cidr(s: &str) -> IpNet {
    s.parse().unwrap_or_else(|e| panic!("bad CIDR {s}: {e}"))
}

pub(super) fn ip(s: &str) -> IpAddr {
    s.parse().unwrap_or_else(|e| panic!("bad address {s}: {e}"))
}

/// The addresses of the given CIDRs (a bare address is a /32 or /128).
pub(super) fn addrs(cidrs: &[&str]) -> AddrSet {
    cidrs.iter().fold(AddrSet::empty(), |a, c| {
        let n = if c.contains('/') {
            cidr(c)
        } else {
            IpNet::from(ip(c))
        };
        a.union(&AddrSet::from_net(&n))
    })
}

/// Packets of `protos` to `cidrs` on `ports`.
pub(super) fn packets(protos: &[u8], cidrs: &[&str], ports: PortRange) -> PacketSet {
    PacketSet::matching(ProtoSet::of(protos), &addrs(cidrs), ports)
}

/// TCP to `cidrs` on one port.
pub(super) fn tcp(cidrs: &[&str], port: u16) -> PacketSet {
    packets(&[TCP], cidrs, PortRange::single(port))
}

/// Every packet (any protocol and port) to `a`.
pub(super) fn any_to(a: &AddrSet) -> PacketSet {
    PacketSet::matching(ProtoSet::all(), a, PortRange::ALL)
}

#[track_caller]
pub(super) fn assert_same(actual: &PacketSet, expected: &PacketSet) {
    assert!(
        actual.same_as(expected),
        "packet sets differ\n  actual:   {}\n  expected: {}\n  missing:  {}\n  extra:    {}",
        actual.describe(),
        expected.describe(),
        expected.difference(actual).describe(),
        actual.difference(expected).describe(),
    );
}

pub(super) fn acl_entry(
    n: i64,
    allow: bool,
    protos: ProtoSet,
    net: &str,
    ports: PortRange,
) -> AclEntry {
    AclEntry {
        rule_number: n,
        protocols: protos,
        ports,
        cidr: cidr(net),
        allow,
    }
}

/// Rule `n` allowing every packet of both families (two entries, as AWS stores IPv4 and IPv6).
pub(super) fn acl_allow_all(n: i64) -> Vec<AclEntry> {
    ["0.0.0.0/0", "::/0"]
        .map(|c| acl_entry(n, true, ProtoSet::all(), c, PortRange::ALL))
        .to_vec()
}

pub(super) fn sg_rule(protos: ProtoSet, ports: PortRange, peer: SgPeer) -> SgRule {
    SgRule {
        protocols: protos,
        ports,
        peer,
    }
}

pub(super) fn sg_cidr(protos: ProtoSet, ports: PortRange, net: &str) -> SgRule {
    sg_rule(protos, ports, SgPeer::Cidr(cidr(net)))
}

pub(super) fn route(dest: &str, kind: TargetKind, target: &str) -> Route {
    Route {
        dest: if dest.starts_with("pl-") {
            RouteDest::PrefixList(dest.to_string())
        } else {
            RouteDest::Cidr(cidr(dest))
        },
        target: Target {
            kind,
            id: target.to_string(),
        },
        state: RouteState::Active,
        origin: RouteOrigin::Static,
    }
}

// ---------------------------------------------------------------------------------------------
// The builder
// ---------------------------------------------------------------------------------------------

/// A network under construction. Every method adds one resource (and the indexes the engine uses:
/// a VPC's subnets and interface endpoints, the members of each security group).
pub(super) struct TestNet {
    pub net: Network,
}

impl TestNet {
    pub fn new() -> Self {
        TestNet {
            net: Network {
                region: Some(REGION.to_string()),
                ..Network::default()
            },
        }
    }

    /// A VPC with both DNS attributes true and the Amazon resolver.
    pub fn vpc(&mut self, id: &str, cidrs: &[&str]) -> &mut Vpc {
        self.net.vpcs.insert(
            id.to_string(),
            Vpc {
                id: id.to_string(),
                cidrs: cidrs.iter().map(|c| cidr(c)).collect(),
                dns_support: Some(true),
                dns_hostnames: Some(true),
                resolver: Resolver::Amazon { assumed: false },
                ..Vpc::default()
            },
        );
        self.net.vpcs.get_mut(id).unwrap()
    }

    /// A route table with the `local` route of each of its VPC's CIDRs.
    pub fn route_table(&mut self, id: &str, vpc: &str) -> &mut RouteTable {
        let routes = self.net.vpcs[vpc]
            .cidrs
            .iter()
            .map(|c| route(&c.to_string(), TargetKind::Local, "local"))
            .collect();
        self.net.route_tables.insert(
            id.to_string(),
            RouteTable {
                id: id.to_string(),
                vpc_id: vpc.to_string(),
                name: None,
                routes,
            },
        );
        self.net.route_tables.get_mut(id).unwrap()
    }

    /// Add an active static route to `table`.
    pub fn route(&mut self, table: &str, dest: &str, kind: TargetKind, target: &str) -> &mut Route {
        let rt = self.net.route_tables.get_mut(table).unwrap();
        rt.routes.push(route(dest, kind, target));
        rt.routes.last_mut().unwrap()
    }

    /// A network ACL that allows everything both ways (rule 100).
    pub fn acl(&mut self, id: &str, vpc: &str) -> &mut Acl {
        self.net.acls.insert(
            id.to_string(),
            Acl {
                id: id.to_string(),
                vpc_id: Some(vpc.to_string()),
                is_default: false,
                ingress: acl_allow_all(100),
                egress: acl_allow_all(100),
            },
        );
        self.net.acls.get_mut(id).unwrap()
    }

    pub fn subnet(&mut self, id: &str, vpc: &str, cidrs: &[&str], rt: &str, acl: &str) {
        self.net.subnets.insert(
            id.to_string(),
            Subnet {
                id: id.to_string(),
                vpc_id: vpc.to_string(),
                cidrs: cidrs.iter().map(|c| cidr(c)).collect(),
                route_table: Some(rt.to_string()),
                acl: Some(acl.to_string()),
                ..Subnet::default()
            },
        );
        self.net
            .vpcs
            .get_mut(vpc)
            .unwrap()
            .subnets
            .push(id.to_string());
    }

    /// A security group without rules.
    pub fn sg(&mut self, id: &str) -> &mut SecurityGroup {
        self.net.security_groups.insert(
            id.to_string(),
            SecurityGroup {
                id: id.to_string(),
                vpc_id: Some(VPC.to_string()),
                ..SecurityGroup::default()
            },
        );
        self.net.security_groups.get_mut(id).unwrap()
    }

    /// A security group that lets every packet out (IPv4 and IPv6), and nothing in.
    pub fn sg_allow_all_egress(&mut self, id: &str) -> &mut SecurityGroup {
        let sg = self.sg(id);
        sg.egress = ["0.0.0.0/0", "::/0"]
            .map(|c| sg_cidr(ProtoSet::all(), PortRange::ALL, c))
            .to_vec();
        sg
    }

    /// A network interface with private addresses (IPv4 and IPv6 alike) in `subnet`, a member of
    /// `groups`.
    pub fn eni(&mut self, id: &str, subnet: &str, ips: &[&str], groups: &[&str]) -> &mut Interface {
        let all: Vec<IpAddr> = ips.iter().map(|s| ip(s)).collect();
        for g in groups {
            let m = self.net.sg_members.entry(g.to_string()).or_default();
            *m = all
                .iter()
                .fold(m.clone(), |a, i| a.union(&AddrSet::single(*i)));
        }
        self.net.interfaces.insert(
            id.to_string(),
            Interface {
                id: id.to_string(),
                subnet_id: Some(subnet.to_string()),
                vpc_id: Some(self.net.subnets[subnet].vpc_id.clone()),
                private_ips: all.iter().copied().filter(IpAddr::is_ipv4).collect(),
                ipv6: all.iter().copied().filter(IpAddr::is_ipv6).collect(),
                groups: groups.iter().map(|g| g.to_string()).collect(),
                ..Interface::default()
            },
        );
        self.net.interfaces.get_mut(id).unwrap()
    }

    /// A notebook in `subnet` with interface `eni-<name>` at `ips`, in `groups`.
    pub fn notebook(
        &mut self,
        name: &str,
        subnet: &str,
        groups: &[&str],
        ips: &[&str],
    ) -> &mut Notebook {
        let eni = format!("eni-{name}");
        self.eni(&eni, subnet, ips, groups);
        self.net.notebooks.push(Notebook {
            name: name.to_string(),
            arn: None,
            account_id: None,
            status: Some("InService".into()),
            subnet_id: Some(subnet.to_string()),
            vpc_id: Some(self.net.subnets[subnet].vpc_id.clone()),
            security_groups: groups.iter().map(|g| g.to_string()).collect(),
            interface_id: Some(eni),
            direct_internet_access: Toggle::Disabled,
            root_access: Toggle::Disabled,
            placement_known: true,
            kind: Default::default(),
            studio: None,
        });
        self.net.notebooks.last_mut().unwrap()
    }

    /// An internet gateway attached to `vpc`.
    pub fn igw(&mut self, id: &str, vpc: &str) -> &mut AttachedGateway {
        self.net.internet_gateways.insert(
            id.to_string(),
            AttachedGateway {
                id: id.to_string(),
                attachments: vec![(vpc.to_string(), AttachmentState::Attached)],
                ..AttachedGateway::default()
            },
        );
        self.net.internet_gateways.get_mut(id).unwrap()
    }

    /// An egress-only internet gateway attached to `vpc`.
    pub fn eigw(&mut self, id: &str, vpc: &str) {
        self.net.egress_only_gateways.insert(
            id.to_string(),
            AttachedGateway {
                id: id.to_string(),
                attachments: vec![(vpc.to_string(), AttachmentState::Attached)],
                ..AttachedGateway::default()
            },
        );
    }

    /// An available NAT gateway in `subnet` at `private_ip`; public when it has an Elastic IP.
    pub fn nat(
        &mut self,
        id: &str,
        subnet: &str,
        private_ip: &str,
        public_ip: Option<&str>,
    ) -> &mut NatGateway {
        self.net.nat_gateways.insert(
            id.to_string(),
            NatGateway {
                id: id.to_string(),
                name: None,
                vpc_id: Some(self.net.subnets[subnet].vpc_id.clone()),
                subnet_id: Some(subnet.to_string()),
                state: ResourceState::Available,
                public: public_ip.is_some(),
                private_ips: vec![ip(private_ip)],
                public_ips: public_ip.map(ip).into_iter().collect(),
            },
        );
        self.net.nat_gateways.get_mut(id).unwrap()
    }

    /// A prefix list named `name`; `cidrs` None: described without its entries.
    pub fn prefix_list(&mut self, id: &str, name: &str, cidrs: Option<&[&str]>, managed: bool) {
        self.net.prefix_lists.insert(
            id.to_string(),
            PrefixList {
                id: id.to_string(),
                name: Some(name.to_string()),
                cidrs: cidrs.map(|c| c.iter().map(|s| cidr(s)).collect()),
                aws_managed: managed,
            },
        );
    }

    /// An available gateway endpoint for service `short` in the notebook's VPC, with its route in
    /// each of `tables` (to prefix list `pl`).
    pub fn gateway_endpoint(&mut self, id: &str, short: &str, pl: &str, tables: &[&str]) {
        for t in tables {
            self.route(t, pl, TargetKind::GatewayEndpoint, id);
        }
        self.net.endpoints.insert(
            id.to_string(),
            Endpoint {
                id: id.to_string(),
                name: None,
                kind: EndpointKind::Gateway,
                vpc_id: Some(VPC.to_string()),
                service: svc(short),
                state: ResourceState::Available,
                private_dns: false,
                route_tables: tables.iter().map(|t| t.to_string()).collect(),
                subnets: Vec::new(),
                groups: Vec::new(),
                interfaces: Vec::new(),
                record_ip_type: RecordIpType::Ipv4,
                private_dns_inbound_only: false,
            },
        );
    }

    /// An available interface endpoint for service `short` with private DNS, one interface
    /// `eni-<id>` in `subnet` at `ips`, in `groups`.
    pub fn interface_endpoint(
        &mut self,
        id: &str,
        short: &str,
        subnet: &str,
        ips: &[&str],
        groups: &[&str],
    ) -> &mut Endpoint {
        let eni = format!("eni-{id}");
        self.eni(&eni, subnet, ips, groups);
        let vpc = self.net.subnets[subnet].vpc_id.clone();
        self.net
            .vpcs
            .get_mut(&vpc)
            .unwrap()
            .interface_endpoints
            .push(id.to_string());
        self.net.endpoints.insert(
            id.to_string(),
            Endpoint {
                id: id.to_string(),
                name: None,
                kind: EndpointKind::Interface,
                vpc_id: Some(vpc),
                service: svc(short),
                state: ResourceState::Available,
                private_dns: true,
                route_tables: Vec::new(),
                subnets: vec![subnet.to_string()],
                groups: groups.iter().map(|g| g.to_string()).collect(),
                interfaces: vec![eni],
                record_ip_type: RecordIpType::Ipv4,
                private_dns_inbound_only: false,
            },
        );
        self.net.endpoints.get_mut(id).unwrap()
    }

    /// The first notebook.
    pub fn nb(&self) -> Notebook {
        self.net.notebooks[0].clone()
    }

    pub fn vpc_mut(&mut self) -> &mut Vpc {
        self.net.vpcs.get_mut(VPC).unwrap()
    }

    pub fn acl_mut(&mut self, id: &str) -> &mut Acl {
        self.net.acls.get_mut(id).unwrap()
    }

    pub fn rt_mut(&mut self, id: &str) -> &mut RouteTable {
        self.net.route_tables.get_mut(id).unwrap()
    }

    pub fn sg_mut(&mut self, id: &str) -> &mut SecurityGroup {
        self.net.security_groups.get_mut(id).unwrap()
    }

    pub fn nb_mut(&mut self) -> &mut Notebook {
        &mut self.net.notebooks[0]
    }
}

/// The isolated baseline: VPC `10.0.0.0/16`; the notebook at `10.0.1.10` (no public address) in
/// `subnet-nb` (`10.0.1.0/24`) whose route table has the `local` route only, whose ACL allows
/// everything, and whose security group lets everything out. S3's AWS-managed prefix list
/// `pl-s3` (`52.216.0.0/15`) is described, but nothing routes to it.
pub(super) fn isolated() -> TestNet {
    let mut t = TestNet::new();
    t.vpc(VPC, &[VPC_CIDR]);
    t.route_table(RTB_NB, VPC);
    t.acl(ACL_NB, VPC);
    t.subnet(SUB_NB, VPC, &["10.0.1.0/24"], RTB_NB, ACL_NB);
    t.sg_allow_all_egress(SG_NB);
    t.notebook(NB, SUB_NB, &[SG_NB], &[NB_IP]);
    t.prefix_list("pl-s3", &svc("s3"), Some(&["52.216.0.0/15"]), true);
    t
}

/// [`isolated`] plus a public subnet `subnet-pub` (`10.0.0.0/24`, ACL allowing everything) whose
/// route table sends `0.0.0.0/0` to the attached internet gateway `igw-1`, with the public NAT
/// gateway `nat-1` (`10.0.0.5`, Elastic IP `54.0.0.1`) in it; the notebook's route table sends
/// `0.0.0.0/0` to the NAT gateway.
pub(super) fn with_nat() -> TestNet {
    let mut t = isolated();
    t.route_table(RTB_PUB, VPC);
    t.acl(ACL_PUB, VPC);
    t.subnet(SUB_PUB, VPC, &["10.0.0.0/24"], RTB_PUB, ACL_PUB);
    t.igw(IGW, VPC);
    t.route(RTB_PUB, "0.0.0.0/0", TargetKind::InternetGateway, IGW);
    t.nat(NAT, SUB_PUB, NAT_IP, Some(NAT_EIP));
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::NatGateway, NAT);
    t
}

/// [`isolated`] plus `subnet-ep` (`10.0.2.0/24`, its own route table with the local route, an
/// ACL allowing everything) holding the interface endpoint `vpce-api` for `sagemaker.api` at
/// 10.0.2.5, whose group `sg-ep` admits TCP 443 from the VPC.
pub(super) fn with_endpoint() -> TestNet {
    let mut t = isolated();
    t.route_table(RTB_EP, VPC);
    t.acl(ACL_EP, VPC);
    t.subnet(SUB_EP, VPC, &["10.0.2.0/24"], RTB_EP, ACL_EP);
    t.sg(SG_EP).ingress = vec![sg_cidr(
        ProtoSet::single(TCP),
        PortRange::single(443),
        VPC_CIDR,
    )];
    t.interface_endpoint(EP, "sagemaker.api", SUB_EP, &[EP_IP], &[SG_EP]);
    t
}

/// Give the VPC an IPv6 block (with its `local` route in every route table) and the notebook's
/// subnet a /64 of it; the notebook's interface gets `2600:1f18:0:1::10` when `eni_v6`.
pub(super) fn dual_stack(t: &mut TestNet, eni_v6: bool) {
    t.vpc_mut().cidrs.push(cidr("2600:1f18::/56"));
    for rt in t.net.route_tables.values_mut() {
        rt.routes
            .push(route("2600:1f18::/56", TargetKind::Local, "local"));
    }
    let sub = t.net.subnets.get_mut(SUB_NB).unwrap();
    sub.cidrs.push(cidr("2600:1f18:0:1::/64"));
    if eni_v6 {
        let eni = t.net.interfaces.get_mut(ENI_NB).unwrap();
        eni.ipv6 = vec![ip("2600:1f18:0:1::10")];
    }
}

// ---------------------------------------------------------------------------------------------
// Walking, and reading the branches
// ---------------------------------------------------------------------------------------------

/// Walk `set` from the first notebook towards `dest`, and check that the branches partition the
/// set: pairwise disjoint, none empty, their union the input.
#[track_caller]
pub(super) fn walk(t: &TestNet, set: &PacketSet, dest: &Dest) -> Vec<Branch> {
    let branches = walk_notebook(&t.net, &t.nb(), set, dest);
    for (i, a) in branches.iter().enumerate() {
        assert!(!a.set.is_empty(), "branch {i} ({}) is empty", fate(a));
        for (j, b) in branches.iter().enumerate().skip(i + 1) {
            assert!(
                !a.set.overlaps(&b.set),
                "branches {i} ({}) and {j} ({}) overlap on {}",
                fate(a),
                fate(b),
                a.set.intersect(&b.set).describe()
            );
        }
    }
    let union = branches
        .iter()
        .fold(PacketSet::empty(), |u, b| u.union(&b.set));
    assert!(
        union.same_as(set),
        "the branches do not cover the input: missing {}, extra {}",
        set.difference(&union).describe(),
        union.difference(set).describe()
    );
    branches
}

/// Walk towards the service `short` (`com.amazonaws.us-east-1.<short>`).
#[track_caller]
pub(super) fn walk_to(t: &TestNet, set: &PacketSet, short: &str) -> Vec<Branch> {
    walk(t, set, &Dest::Service(svc(short)))
}

/// One line per fate: `delivered via nat-gateway`, `delivered via gateway-endpoint (private)`,
/// `dropped NO_ROUTE_TO_DESTINATION at rtb-nb`, `undecided MISSING_DATA at sg-nb`.
pub(super) fn fate(b: &Branch) -> String {
    match &b.end {
        End::Delivered { via, private } => format!(
            "delivered via {}{}",
            via.as_str(),
            if *private { " (private)" } else { "" }
        ),
        End::Dropped(bl) => format!("dropped {} at {}", bl.code, bl.at.id()),
        End::Undecided { why, .. } => format!("undecided {} at {}", why.code, why.at.id()),
    }
}

/// The packets of each fate (branches with the same fate merged).
pub(super) fn fates(branches: &[Branch]) -> BTreeMap<String, PacketSet> {
    let mut out: BTreeMap<String, PacketSet> = BTreeMap::new();
    for b in branches {
        let e = out.entry(fate(b)).or_default();
        *e = e.union(&b.set);
    }
    out
}

/// The branches end in exactly these fates, with exactly these packets each.
#[track_caller]
pub(super) fn assert_fates(branches: &[Branch], expected: &[(&str, &PacketSet)]) {
    let got = fates(branches);
    let got_keys: Vec<&str> = got.keys().map(String::as_str).collect();
    let mut want_keys: Vec<&str> = expected.iter().map(|(k, _)| *k).collect();
    want_keys.sort_unstable();
    assert_eq!(got_keys, want_keys, "fates differ");
    for (k, want) in expected {
        let have = &got[*k];
        assert!(
            have.same_as(want),
            "{k}: actual {} expected {}",
            have.describe(),
            want.describe()
        );
    }
}

/// The block of the only branch whose fate is `fate`.
#[track_caller]
pub(super) fn block<'a>(branches: &'a [Branch], f: &str) -> &'a Block {
    let mut hits = branches.iter().filter(|b| fate(b) == f);
    let b = hits
        .next()
        .unwrap_or_else(|| panic!("no branch {f}; have {:?}", fates(branches).keys()));
    assert!(hits.next().is_none(), "more than one branch {f}");
    match &b.end {
        End::Dropped(bl) | End::Undecided { why: bl, .. } => bl,
        End::Delivered { .. } => panic!("{f} has no block"),
    }
}

/// The only branch whose fate is `fate`.
#[track_caller]
pub(super) fn branch<'a>(branches: &'a [Branch], f: &str) -> &'a Branch {
    let mut hits = branches.iter().filter(|b| fate(b) == f);
    let b = hits
        .next()
        .unwrap_or_else(|| panic!("no branch {f}; have {:?}", fates(branches).keys()));
    assert!(hits.next().is_none(), "more than one branch {f}");
    b
}
