//! From decisions to resources: one [`VpcPlan`] becomes the AWS resources of that VPC (subnets,
//! route tables, gateways, endpoints, security groups, ACLs, ENIs, notebooks), and each account
//! gets its shared resources (DHCP options, a transit gateway, the AWS-managed prefix lists).
//!
//! Each VPC draws from its own random stream, so VPCs can be expanded one at a time, in any
//! order, with the same result; memory stays bounded by one VPC while writing 10⁴ of them.
//!
//! The AWS rules the layouts rely on (all in DESIGN §3): a subnet without an explicit route-table
//! association uses the main table, and one without an ACL association the default ACL
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>,
//! <https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>); a gateway endpoint is
//! used through a route whose destination is the service's prefix list
//! (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html>); an interface
//! endpoint answers the service's public name only with private DNS on and both VPC DNS
//! attributes true (<https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html>);
//! an ENI without a public IPv4 address gets no internet through an internet gateway
//! (<https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html>).

use crate::rng::Rng;
use crate::shapes::*;
use crate::{INTERFACE_SERVICES, Mistake, Org, SERVICES, SgRole, SubnetRole, VpcKind, VpcPlan};

/// The AWS-managed prefix list of S3 in us-east-1 (the ID the samples use).
pub const S3_PREFIX_LIST: &str = "pl-63a5400a";
const DYNAMODB_PREFIX_LIST: &str = "pl-02cd2c6b";
const POLICY: &str = "{\n  \"Version\": \"2008-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";
const NOISE_PORTS: [u16; 12] = [
    22, 80, 1433, 2049, 3306, 5432, 6379, 8080, 9090, 9200, 11211, 27017,
];
const EXTRA_ENDPOINTS: [&str; 6] = [
    "ecr.api",
    "ecr.dkr",
    "kms",
    "secretsmanager",
    "ssm",
    "monitoring",
];
const INSTANCE_TYPES: [&str; 6] = [
    "ml.t3.medium",
    "ml.t3.large",
    "ml.m5.xlarge",
    "ml.m5.2xlarge",
    "ml.c5.xlarge",
    "ml.g4dn.xlarge",
];
const LOCAL: u64 = 12;

/// Everything one VPC holds, ready to write.
pub struct VpcResources {
    pub vpc: Vpc,
    pub attributes: VpcAttribute,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub internet_gateways: Vec<InternetGateway>,
    pub nat_gateways: Vec<NatGateway>,
    pub endpoints: Vec<VpcEndpoint>,
    pub security_groups: Vec<SecurityGroup>,
    pub network_acls: Vec<NetworkAcl>,
    pub network_interfaces: Vec<NetworkInterface>,
    pub notebooks: Vec<NotebookInstance>,
}

/// What every account holds once.
pub struct AccountResources {
    pub dhcp_options: DhcpOptions,
    pub transit_gateway: Option<TransitGateway>,
    pub prefix_lists: Vec<PrefixList>,
    /// The account's notebooks that live in no VPC.
    pub notebooks: Vec<NotebookInstance>,
}

/// An ID scoped to a VPC: `prefix-0` and 16 hex digits, the VPC index above 12 bits of local
/// number. Unique per (prefix, VPC, local) and sorted like the VPCs.
pub fn vpc_scoped(prefix: &str, vpc: usize, local: u64) -> String {
    debug_assert!(local < 1 << LOCAL);
    format!("{prefix}-0{:016x}", ((vpc as u64) << LOCAL) | local)
}

/// An ID scoped to an account: `prefix-1…`, never equal to a VPC-scoped one.
pub fn account_scoped(prefix: &str, account: usize) -> String {
    format!("{prefix}-1{:016x}", account as u64)
}

fn ip(a: u32) -> String {
    std::net::Ipv4Addr::from(a).to_string()
}

/// `us-east-1` → `use1`, the prefix of availability-zone IDs.
fn az_id_prefix(region: &str) -> String {
    let parts: Vec<&str> = region.split('-').collect();
    let mut s = parts[0].to_string();
    for p in &parts[1..parts.len() - 1] {
        s.push_str(&p[..1]);
    }
    s.push_str(parts[parts.len() - 1]);
    s
}

/// The prefix length of every VPC's CIDR: room for the subnets as /24s.
pub fn vpc_prefix(subnets: usize) -> u32 {
    let bits = usize::BITS - (subnets.max(2) - 1).leading_zeros();
    24 - bits.min(8)
}

/// The first address of VPC `index`: distinct /`vpc_prefix` blocks of 10.0.0.0/8, reused after
/// the last (overlapping VPC ranges are common between isolated VPCs).
pub fn vpc_base(index: usize, prefix: u32) -> u32 {
    let blocks = 1u64 << (prefix - 8);
    (10 << 24) | (((index as u64 % blocks) as u32) << (32 - prefix))
}

/// One ENI to describe: its ID, subnet (index), address, `InterfaceType`, description, security
/// groups and (allocation ID, public IP) when it has an Elastic IP.
struct Eni {
    id: String,
    subnet: usize,
    addr: u32,
    kind: &'static str,
    description: String,
    groups: Vec<GroupIdentifier>,
    public: Option<(String, String)>,
}

struct Ctx<'a> {
    org: &'a Org,
    plan: &'a VpcPlan,
    owner: String,
    region: &'a str,
    vpc_id: String,
    cidr: String,
    base: u32,
    name: String,
}

impl Ctx<'_> {
    fn id(&self, prefix: &str, local: u64) -> String {
        vpc_scoped(prefix, self.plan.index, local)
    }
    fn subnet_id(&self, j: usize) -> String {
        self.id("subnet", j as u64)
    }
    fn subnet_base(&self, j: usize) -> u32 {
        self.base + ((j as u32) << 8)
    }
    fn az(&self, j: usize) -> (String, String) {
        let z = j % 3;
        (
            format!("{}{}", self.region, ['a', 'b', 'c'][z]),
            format!("{}-az{}", az_id_prefix(self.region), [1, 2, 4][z]),
        )
    }
    fn sg_id(&self, role: SgRole) -> String {
        self.id(
            "sg",
            match role {
                SgRole::NotebooksA => 2,
                SgRole::NotebooksB => 3,
                SgRole::Team(t) => 4 + t as u64,
            },
        )
    }
    fn sg_name(&self, role: SgRole) -> String {
        match role {
            SgRole::NotebooksA => format!("{}-notebooks", self.name),
            SgRole::NotebooksB => format!("{}-notebooks-gpu", self.name),
            SgRole::Team(t) => format!("{}-team-{t}", self.name),
        }
    }
    fn eni(&self, e: Eni) -> NetworkInterface {
        let Eni {
            id,
            subnet,
            addr,
            kind,
            description,
            groups,
            public,
        } = e;
        let dns = format!("ip-{}.ec2.internal", ip(addr).replace('.', "-"));
        let assoc = public.map(|(alloc, pip)| IpAssociation {
            association_id: alloc.replace("eipalloc", "eipassoc"),
            allocation_id: alloc,
            ip_owner_id: self.owner.clone(),
            public_dns_name: format!("ec2-{}.compute-1.amazonaws.com", pip.replace('.', "-")),
            public_ip: pip,
        });
        let n = u64::from_str_radix(&id[4..], 16).unwrap_or(0);
        let managed = kind != "interface";
        NetworkInterface {
            association: assoc.as_ref().map(|a| IpAssociation {
                allocation_id: a.allocation_id.clone(),
                association_id: a.association_id.clone(),
                ip_owner_id: a.ip_owner_id.clone(),
                public_dns_name: a.public_dns_name.clone(),
                public_ip: a.public_ip.clone(),
            }),
            attachment: EniAttachment {
                attachment_id: id.replace(
                    "eni-",
                    if managed {
                        "ela-attach-"
                    } else {
                        "eni-attach-"
                    },
                ),
                delete_on_termination: false,
                device_index: 1,
                instance_owner_id: if managed {
                    "amazon-aws".into()
                } else {
                    "733362402014".into()
                },
                status: "attached",
            },
            availability_zone: self.az(subnet).0,
            description,
            groups,
            interface_type: kind,
            ipv6_addresses: Vec::new(),
            mac_address: format!(
                "0e:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
                (n >> 32) & 0xff,
                (n >> 24) & 0xff,
                (n >> 16) & 0xff,
                (n >> 8) & 0xff,
                n & 0xff
            ),
            network_interface_id: id,
            owner_id: self.owner.clone(),
            private_dns_name: dns.clone(),
            private_ip_address: ip(addr),
            private_ip_addresses: vec![PrivateIpAddress {
                association: assoc,
                primary: true,
                private_dns_name: dns,
                private_ip_address: ip(addr),
            }],
            requester_id: managed.then_some("727180483921"),
            requester_managed: managed,
            source_dest_check: kind != "nat_gateway",
            status: "in-use",
            subnet_id: self.subnet_id(subnet),
            tag_set: Vec::new(),
            vpc_id: self.vpc_id.clone(),
        }
    }
}

fn cidr_perm(
    proto: &'static str,
    ports: Option<(i64, i64)>,
    cidrs: Vec<(String, Option<&str>)>,
) -> IpPermission {
    IpPermission {
        ip_protocol: proto,
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ip_ranges: cidrs
            .into_iter()
            .map(|(c, d)| IpRange {
                cidr_ip: c,
                description: d.map(str::to_string),
            })
            .collect(),
        ..Default::default()
    }
}

fn group_perm(
    proto: &'static str,
    ports: Option<(i64, i64)>,
    owner: &str,
    groups: Vec<String>,
) -> IpPermission {
    IpPermission {
        ip_protocol: proto,
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        user_id_group_pairs: groups
            .into_iter()
            .map(|g| UserIdGroupPair {
                description: None,
                user_id: owner.to_string(),
                group_id: g,
            })
            .collect(),
        ..Default::default()
    }
}

fn allow_all_egress() -> IpPermission {
    cidr_perm("-1", None, vec![("0.0.0.0/0".into(), None)])
}

/// A rule to a private range outside every generated VPC (172.16.0.0/12), on a port that is never
/// 443: it changes no verdict, but the engine has to read and evaluate it.
fn noise_egress(r: &mut Rng) -> IpPermission {
    let port = i64::from(*r.pick(&NOISE_PORTS));
    let n = r.range(1, 2);
    cidr_perm(
        "tcp",
        Some((port, port)),
        (0..n)
            .map(|_| {
                (
                    format!("172.{}.{}.0/24", 16 + r.below(16), r.below(256)),
                    Some("shared services"),
                )
            })
            .collect(),
    )
}

fn noise_ingress(r: &mut Rng, c: &Ctx, peers: &[String]) -> IpPermission {
    let port = i64::from(*r.pick(&NOISE_PORTS));
    let to = if r.chance(20) {
        port + r.range(1, 100) as i64
    } else {
        port
    };
    if !peers.is_empty() && r.chance(30) {
        let g = r.pick(peers).clone();
        group_perm("tcp", Some((port, to)), &c.owner, vec![g])
    } else {
        let n = r.range(1, 2);
        cidr_perm(
            if r.chance(85) { "tcp" } else { "udp" },
            Some((port, to)),
            (0..n)
                .map(|_| {
                    (
                        format!("10.{}.{}.0/24", r.below(256), r.below(256)),
                        if r.chance(40) { Some("office") } else { None },
                    )
                })
                .collect(),
        )
    }
}

fn acl_entry(
    egress: bool,
    number: u32,
    action: &'static str,
    proto: &'static str,
    cidr: &str,
    ports: Option<(u16, u16)>,
) -> NetworkAclEntry {
    NetworkAclEntry {
        cidr_block: cidr.into(),
        egress,
        port_range: ports.map(|(from, to)| PortRange { from, to }),
        protocol: proto,
        rule_action: action,
        rule_number: number,
    }
}

/// `n` rules before the allow-all (rule 1000) in one direction: denies to and from ranges
/// outside every generated VPC (192.168.0.0/16, 172.16.0.0/12), on ports never 443.
fn acl_noise(r: &mut Rng, egress: bool, n: usize, first: u32, out: &mut Vec<NetworkAclEntry>) {
    for i in 0..n {
        let port = *r.pick(&NOISE_PORTS);
        let cidr = if r.chance(50) {
            format!("192.168.{}.0/24", r.below(256))
        } else {
            format!("172.{}.{}.0/24", 16 + r.below(16), r.below(256))
        };
        let proto = if r.chance(80) { "6" } else { "17" };
        out.push(acl_entry(
            egress,
            first + 10 * i as u32,
            "deny",
            proto,
            &cidr,
            Some((port, port)),
        ));
    }
}

fn acl_tail(out: &mut Vec<NetworkAclEntry>) {
    for egress in [true, false] {
        out.push(acl_entry(egress, 1000, "allow", "-1", "0.0.0.0/0", None));
        out.push(acl_entry(egress, 32767, "deny", "-1", "0.0.0.0/0", None));
    }
}

/// The resources of one VPC.
pub fn expand(org: &Org, plan: &VpcPlan) -> VpcResources {
    let spec = &org.spec;
    let mut r = Rng::derive(spec.seed, 3, plan.index as u64);
    let prefix = vpc_prefix(spec.subnets_per_vpc);
    let base = vpc_base(plan.index, prefix);
    let vpc_name = format!("{}-{:05}", plan.kind.as_str(), plan.index);
    let c = Ctx {
        org,
        plan,
        owner: org.accounts[plan.account].clone(),
        region: &spec.region,
        vpc_id: vpc_scoped("vpc", plan.index, 0),
        cidr: format!("{}/{}", ip(base), prefix),
        base,
        name: vpc_name,
    };
    let kind = plan.kind;
    let mistake = plan.mistake;
    let created = format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
        1 + r.below(12),
        1 + r.below(28),
        r.below(24),
        r.below(60),
        r.below(60)
    );

    let vpc = Vpc {
        cidr_block: c.cidr.clone(),
        dhcp_options_id: account_scoped("dopt", plan.account),
        state: "available",
        vpc_id: c.vpc_id.clone(),
        owner_id: c.owner.clone(),
        instance_tenancy: "default",
        cidr_block_association_set: vec![CidrAssociation {
            association_id: c.id("vpc-cidr-assoc", 0),
            cidr_block: c.cidr.clone(),
            cidr_block_state: StateObj {
                state: "associated",
            },
        }],
        is_default: false,
        tags: name(c.name.clone()),
    };
    let attributes = VpcAttribute {
        vpc_id: c.vpc_id.clone(),
        enable_dns_support: AttrBool {
            value: mistake != Some(Mistake::DnsSupportOff),
        },
        enable_dns_hostnames: AttrBool { value: true },
    };

    // Which subnet each notebook ENI goes to, and its address there.
    let mut used = vec![0u32; plan.subnets.len()];
    let mut nb_addr = Vec::with_capacity(plan.notebooks.len());
    for &n in &plan.notebooks {
        let (_, p) = org.notebooks[n]
            .placement
            .as_ref()
            .expect("a VPC's notebook has a placement");
        let off = 20 + used[p.subnet] % 230;
        used[p.subnet] += 1;
        nb_addr.push((p.subnet, c.subnet_base(p.subnet) + off));
    }

    let subnets: Vec<Subnet> = plan
        .subnets
        .iter()
        .enumerate()
        .map(|(j, role)| {
            let (az, az_id) = c.az(j);
            let id = c.subnet_id(j);
            let role_name = match role {
                SubnetRole::Endpoints => "endpoints",
                SubnetRole::Public => "public",
                SubnetRole::Workload => "private",
            };
            Subnet {
                availability_zone: az.clone(),
                availability_zone_id: az_id,
                available_ip_address_count: 251u32.saturating_sub(used[j] + 4),
                cidr_block: format!("{}/24", ip(c.subnet_base(j))),
                default_for_az: false,
                map_public_ip_on_launch: *role == SubnetRole::Public,
                map_customer_owned_ip_on_launch: false,
                state: "available",
                subnet_arn: format!("arn:aws:ec2:{}:{}:subnet/{id}", c.region, c.owner),
                subnet_id: id,
                vpc_id: c.vpc_id.clone(),
                owner_id: c.owner.clone(),
                assign_ipv6_address_on_creation: false,
                ipv6_cidr_block_association_set: Vec::new(),
                tags: name(format!("{}-{role_name}-{}{j}", c.name, &az[az.len() - 1..])),
                enable_dns64: false,
                ipv6_native: false,
                private_dns_name_options_on_launch: HostnameOptions {
                    hostname_type: "ip-name",
                    enable_resource_name_dns_a_record: false,
                    enable_resource_name_dns_aaaa_record: false,
                },
            }
        })
        .collect();
    let of_role = |role: SubnetRole| -> Vec<usize> {
        (0..plan.subnets.len())
            .filter(|&j| plan.subnets[j] == role)
            .collect()
    };
    let publics = of_role(SubnetRole::Public);
    let workloads = of_role(SubnetRole::Workload);

    let mut network_interfaces = Vec::new();

    // Internet gateway and NAT gateways.
    let igw = matches!(kind, VpcKind::NatEgress | VpcKind::Public).then(|| c.id("igw", 0));
    let internet_gateways: Vec<InternetGateway> = igw
        .iter()
        .map(|id| InternetGateway {
            attachments: vec![GatewayAttachment {
                state: "available",
                vpc_id: c.vpc_id.clone(),
            }],
            internet_gateway_id: id.clone(),
            owner_id: c.owner.clone(),
            tags: name(format!("{}-igw", c.name)),
        })
        .collect();
    let nat_count = if kind == VpcKind::NatEgress {
        r.range(1, 2) as usize
    } else {
        0
    };
    let mut nat_gateways = Vec::new();
    for i in 0..nat_count {
        let subnet = publics[i % publics.len()];
        let eni = c.id("eni", i as u64);
        let addr = c.subnet_base(subnet) + 4 + i as u32;
        let g = ((plan.index as u32) << 1) | i as u32;
        let pip = format!(
            "44.{}.{}.{}",
            192 + ((g >> 16) & 31),
            (g >> 8) & 255,
            g & 255
        );
        let alloc = c.id("eipalloc", i as u64);
        let id = c.id("nat", i as u64);
        network_interfaces.push(c.eni(Eni {
            id: eni.clone(),
            subnet,
            addr,
            kind: "nat_gateway",
            description: format!("Interface for NAT Gateway {id}"),
            groups: Vec::new(),
            public: Some((alloc.clone(), pip.clone())),
        }));
        nat_gateways.push(NatGateway {
            create_time: created.clone(),
            nat_gateway_addresses: vec![NatGatewayAddress {
                association_id: alloc.replace("eipalloc", "eipassoc"),
                allocation_id: alloc,
                network_interface_id: eni,
                private_ip: ip(addr),
                public_ip: pip,
                is_primary: true,
                status: "succeeded",
            }],
            nat_gateway_id: id,
            state: "available",
            subnet_id: c.subnet_id(subnet),
            vpc_id: c.vpc_id.clone(),
            tags: name(format!("{}-nat-{i}", c.name)),
            connectivity_type: "public",
        });
    }

    // Endpoints: which services, in which subnets.
    let has_private_layout = matches!(kind, VpcKind::Isolated | VpcKind::TransitGateway);
    let missing = |s: usize| mistake == Some(Mistake::MissingEndpoint(s));
    let s3_gateway = match kind {
        VpcKind::Isolated | VpcKind::TransitGateway => !missing(0),
        VpcKind::NatEgress => r.chance(50),
        VpcKind::Public => false,
    };
    let mut interface: Vec<(u64, String)> = Vec::new();
    let wants_interface = has_private_layout || (kind == VpcKind::NatEgress && r.chance(30));
    if wants_interface {
        for (i, s) in INTERFACE_SERVICES.iter().enumerate() {
            if !missing(i + 1) {
                interface.push((1 + i as u64, s.to_string()));
            }
        }
        if has_private_layout {
            let extra = r.below(4) as usize;
            let start = r.below(EXTRA_ENDPOINTS.len() as u64) as usize;
            for k in 0..extra {
                interface.push((
                    5 + k as u64,
                    EXTRA_ENDPOINTS[(start + k) % EXTRA_ENDPOINTS.len()].to_string(),
                ));
            }
        }
    }
    let endpoint_subnets: Vec<usize> = if has_private_layout {
        of_role(SubnetRole::Endpoints)
    } else {
        workloads.iter().copied().take(2).collect()
    };

    // Route tables: main (local only), one private table per AZ, one public table.
    let local = |dest: &str| Route {
        destination_cidr_block: Some(dest.into()),
        gateway_id: Some("local".into()),
        origin: "CreateRouteTable",
        state: "active",
        ..Default::default()
    };
    let s3_endpoint_id = c.id("vpce", 0);
    let tgw = account_scoped("tgw", plan.account);
    let mut route_tables = Vec::new();
    let rtb = |n: u64| c.id("rtb", n);
    let assoc = |table: &str, k: u64, subnet: Option<usize>| RouteTableAssociation {
        main: subnet.is_none(),
        route_table_association_id: c.id("rtbassoc", k),
        route_table_id: table.to_string(),
        subnet_id: subnet.map(|j| c.subnet_id(j)),
        association_state: StateObj {
            state: "associated",
        },
    };
    route_tables.push(RouteTable {
        associations: vec![assoc(&rtb(0), 0, None)],
        propagating_vgws: Vec::new(),
        route_table_id: rtb(0),
        routes: vec![local(&c.cidr)],
        tags: name(format!("{}-main", c.name)),
        vpc_id: c.vpc_id.clone(),
        owner_id: c.owner.clone(),
    });
    let mut private_tables = Vec::new();
    if kind != VpcKind::Public {
        for z in 0..3usize {
            let id = rtb(1 + z as u64);
            let members: Vec<usize> = (0..plan.subnets.len())
                .filter(|&j| j % 3 == z && plan.subnets[j] != SubnetRole::Public)
                .collect();
            if members.is_empty() {
                continue;
            }
            let mut routes = vec![local(&c.cidr)];
            if s3_gateway {
                routes.push(Route {
                    destination_prefix_list_id: Some(S3_PREFIX_LIST.into()),
                    gateway_id: Some(s3_endpoint_id.clone()),
                    origin: "CreateRoute",
                    state: "active",
                    ..Default::default()
                });
            }
            match kind {
                VpcKind::NatEgress => routes.push(Route {
                    destination_cidr_block: Some("0.0.0.0/0".into()),
                    nat_gateway_id: Some(c.id("nat", (z % nat_count) as u64)),
                    origin: "CreateRoute",
                    state: "active",
                    ..Default::default()
                }),
                VpcKind::TransitGateway => {
                    for dest in ["0.0.0.0/0", "10.0.0.0/8", "172.16.0.0/12"] {
                        routes.push(Route {
                            destination_cidr_block: Some(dest.into()),
                            transit_gateway_id: Some(tgw.clone()),
                            origin: "CreateRoute",
                            state: "active",
                            ..Default::default()
                        });
                    }
                }
                _ => {}
            }
            route_tables.push(RouteTable {
                associations: members
                    .iter()
                    .map(|&j| assoc(&id, 1 + j as u64, Some(j)))
                    .collect(),
                propagating_vgws: Vec::new(),
                route_table_id: id.clone(),
                routes,
                tags: name(format!("{}-private-{}", c.name, ['a', 'b', 'c'][z])),
                vpc_id: c.vpc_id.clone(),
                owner_id: c.owner.clone(),
            });
            private_tables.push(id);
        }
    }
    if let Some(igw) = &igw {
        let id = rtb(4);
        route_tables.push(RouteTable {
            associations: publics
                .iter()
                .map(|&j| assoc(&id, 1 + j as u64, Some(j)))
                .collect(),
            propagating_vgws: Vec::new(),
            route_table_id: id.clone(),
            routes: vec![
                local(&c.cidr),
                Route {
                    destination_cidr_block: Some("0.0.0.0/0".into()),
                    gateway_id: Some(igw.clone()),
                    origin: "CreateRoute",
                    state: "active",
                    ..Default::default()
                },
            ],
            tags: name(format!("{}-public", c.name)),
            vpc_id: c.vpc_id.clone(),
            owner_id: c.owner.clone(),
        });
    }

    // Security groups, to a per-VPC budget of permission entries.
    let sg_budget = r.around(spec.sg_rules_per_vpc, 25, 10);
    let mut security_groups = Vec::new();
    let mut perms = 0usize;
    let sg = |id: String,
              group: String,
              description: String,
              ingress: Vec<IpPermission>,
              egress: Vec<IpPermission>| SecurityGroup {
        description,
        group_name: group.clone(),
        ip_permissions: ingress,
        owner_id: c.owner.clone(),
        security_group_arn: format!("arn:aws:ec2:{}:{}:security-group/{id}", c.region, c.owner),
        group_id: id,
        ip_permissions_egress: egress,
        tags: if group == "default" {
            Vec::new()
        } else {
            name(group)
        },
        vpc_id: c.vpc_id.clone(),
    };
    let default_sg = c.id("sg", 0);
    security_groups.push(sg(
        default_sg.clone(),
        "default".into(),
        "default VPC security group".into(),
        vec![group_perm("-1", None, &c.owner, vec![default_sg.clone()])],
        vec![allow_all_egress()],
    ));
    let endpoint_sg = c.id("sg", 1);
    let nb_sgs = [c.sg_id(SgRole::NotebooksA), c.sg_id(SgRole::NotebooksB)];
    if !interface.is_empty() {
        let ingress = if r.chance(70) {
            cidr_perm(
                "tcp",
                Some((443, 443)),
                vec![(c.cidr.clone(), Some("HTTPS from the VPC"))],
            )
        } else {
            group_perm("tcp", Some((443, 443)), &c.owner, nb_sgs.to_vec())
        };
        security_groups.push(sg(
            endpoint_sg.clone(),
            format!("{}-vpc-endpoints", c.name),
            "Interface endpoints: HTTPS from notebooks".into(),
            vec![ingress],
            vec![allow_all_egress()],
        ));
    }
    let hardened = kind == VpcKind::Isolated && r.chance(50);
    let peers: Vec<String> = nb_sgs.to_vec();
    for role in [
        SgRole::NotebooksA,
        SgRole::NotebooksB,
        SgRole::Team(0),
        SgRole::Team(1),
    ] {
        let mut egress = Vec::new();
        let notebooks = matches!(role, SgRole::NotebooksA | SgRole::NotebooksB);
        if notebooks {
            if mistake == Some(Mistake::SgWithout443) {
                egress.push(cidr_perm(
                    "tcp",
                    Some((22, 22)),
                    vec![(c.cidr.clone(), Some("ssh inside the VPC"))],
                ));
            } else if hardened {
                egress.push(cidr_perm(
                    "tcp",
                    Some((443, 443)),
                    vec![(c.cidr.clone(), Some("VPC endpoints"))],
                ));
                egress.push(IpPermission {
                    ip_protocol: "tcp",
                    from_port: Some(443),
                    to_port: Some(443),
                    prefix_list_ids: vec![PrefixListIdRef {
                        description: Some("S3".into()),
                        prefix_list_id: S3_PREFIX_LIST.into(),
                    }],
                    ..Default::default()
                });
            } else {
                egress.push(allow_all_egress());
            }
        }
        for _ in 0..r.range(if notebooks { 0 } else { 1 }, 3) {
            egress.push(noise_egress(&mut r));
        }
        let mut ingress = vec![group_perm("-1", None, &c.owner, vec![c.sg_id(role)])];
        for _ in 0..r.range(0, 2) {
            ingress.push(noise_ingress(&mut r, &c, &peers));
        }
        perms += ingress.len() + egress.len();
        security_groups.push(sg(
            c.sg_id(role),
            c.sg_name(role),
            match role {
                SgRole::Team(_) => "Team access to shared services".into(),
                _ => "SageMaker notebook instances".into(),
            },
            ingress,
            egress,
        ));
    }
    perms += security_groups[..security_groups.len() - 4]
        .iter()
        .map(|g| g.ip_permissions.len() + g.ip_permissions_egress.len())
        .sum::<usize>();
    let mut app = 0u64;
    while perms < sg_budget && app < 3000 {
        let n = (r.range(3, 10) as usize).min(sg_budget - perms - 1).max(1);
        let id = c.id("sg", 8 + app);
        let mut peers_here = peers.clone();
        peers_here.push(default_sg.clone());
        let ingress: Vec<IpPermission> = (0..n)
            .map(|_| noise_ingress(&mut r, &c, &peers_here))
            .collect();
        perms += ingress.len() + 1;
        security_groups.push(sg(
            id,
            format!("{}-app-{app}", c.name),
            "Application servers".into(),
            ingress,
            vec![allow_all_egress()],
        ));
        app += 1;
    }

    // Network ACLs, to a per-VPC budget of entries.
    let acl_budget = r.around(spec.acl_entries_per_vpc, 25, 8);
    let custom: Vec<(u64, &str, Vec<usize>)> = match kind {
        VpcKind::Isolated | VpcKind::TransitGateway => vec![(1, "private", workloads.clone())],
        VpcKind::NatEgress | VpcKind::Public => vec![
            (1, "private", workloads.clone()),
            (2, "public", publics.clone()),
        ],
    };
    let noise_total = acl_budget.saturating_sub(4 + 4 * custom.len());
    let mut network_acls = Vec::new();
    let acl_assoc = |acl: &str, subnets: &[usize]| -> Vec<NetworkAclAssociation> {
        subnets
            .iter()
            .map(|&j| NetworkAclAssociation {
                network_acl_association_id: c.id("aclassoc", j as u64),
                network_acl_id: acl.to_string(),
                subnet_id: c.subnet_id(j),
            })
            .collect()
    };
    let default_acl = c.id("acl", 0);
    let mut default_entries = Vec::new();
    acl_tail(&mut default_entries);
    let default_members = if has_private_layout {
        of_role(SubnetRole::Endpoints)
    } else {
        Vec::new()
    };
    network_acls.push(NetworkAcl {
        associations: acl_assoc(&default_acl, &default_members),
        entries: default_entries
            .into_iter()
            .map(|mut e| {
                e.rule_number = if e.rule_number == 1000 {
                    100
                } else {
                    e.rule_number
                };
                e
            })
            .collect(),
        is_default: true,
        network_acl_id: default_acl,
        tags: Vec::new(),
        vpc_id: c.vpc_id.clone(),
        owner_id: c.owner.clone(),
    });
    for (i, (local_id, label, members)) in custom.iter().enumerate() {
        let share = noise_total / custom.len() + usize::from(i < noise_total % custom.len());
        let mut entries = Vec::new();
        let mut out_n = share / 2;
        let in_n = share - out_n;
        if *label == "private" && mistake == Some(Mistake::AclDeny443) {
            entries.push(acl_entry(
                true,
                90,
                "deny",
                "6",
                "0.0.0.0/0",
                Some((443, 443)),
            ));
            out_n = out_n.saturating_sub(1);
        }
        acl_noise(&mut r, true, out_n, 100, &mut entries);
        acl_noise(&mut r, false, in_n, 100, &mut entries);
        acl_tail(&mut entries);
        let id = c.id("acl", *local_id);
        network_acls.push(NetworkAcl {
            associations: acl_assoc(&id, members),
            entries,
            is_default: false,
            network_acl_id: id,
            tags: name(format!("{}-{label}", c.name)),
            vpc_id: c.vpc_id.clone(),
            owner_id: c.owner.clone(),
        });
    }

    // Endpoints and their ENIs.
    let mut endpoints = Vec::new();
    if s3_gateway {
        endpoints.push(VpcEndpoint {
            vpc_endpoint_id: s3_endpoint_id.clone(),
            vpc_endpoint_type: "Gateway",
            vpc_id: c.vpc_id.clone(),
            service_name: format!("com.amazonaws.{}.s3", c.region),
            state: "available",
            policy_document: POLICY,
            route_table_ids: private_tables.clone(),
            subnet_ids: Vec::new(),
            groups: Vec::new(),
            ip_address_type: None,
            dns_options: None,
            private_dns_enabled: false,
            requester_managed: false,
            network_interface_ids: Vec::new(),
            dns_entries: Vec::new(),
            creation_timestamp: created.clone(),
            tags: name(format!("{}-s3", c.name)),
            owner_id: c.owner.clone(),
        });
    }
    for (e, service) in &interface {
        let id = c.id("vpce", *e);
        let dns_off = matches!(mistake, Some(Mistake::PrivateDnsOff(s)) if SERVICES[s] == service);
        let mut enis = Vec::new();
        for (k, &j) in endpoint_subnets.iter().enumerate() {
            let eni = c.id("eni", 16 + e * 4 + k as u64);
            network_interfaces.push(c.eni(Eni {
                id: eni.clone(),
                subnet: j,
                addr: c.subnet_base(j) + 4 + *e as u32,
                kind: "vpc_endpoint",
                description: format!("VPC Endpoint Interface {id}"),
                groups: vec![GroupIdentifier {
                    group_id: endpoint_sg.clone(),
                    group_name: format!("{}-vpc-endpoints", c.name),
                }],
                public: None,
            }));
            enis.push(eni);
        }
        let host = service.split('.').rev().collect::<Vec<_>>().join(".");
        let mut dns_entries = vec![DnsEntry {
            dns_name: format!(
                "{id}-{:08x}.{host}.{}.vpce.amazonaws.com",
                (crate::rng::mix(*e ^ plan.index as u64) & 0xffff_ffff),
                c.region
            ),
            hosted_zone_id: "Z7HUB22UULQXV",
        }];
        if !dns_off {
            dns_entries.push(DnsEntry {
                dns_name: format!("{host}.{}.amazonaws.com", c.region),
                hosted_zone_id: "Z033A3AEF6B3E1B3856C",
            });
        }
        endpoints.push(VpcEndpoint {
            vpc_endpoint_id: id,
            vpc_endpoint_type: "Interface",
            vpc_id: c.vpc_id.clone(),
            service_name: format!("com.amazonaws.{}.{service}", c.region),
            state: "available",
            policy_document: POLICY,
            route_table_ids: Vec::new(),
            subnet_ids: endpoint_subnets.iter().map(|&j| c.subnet_id(j)).collect(),
            groups: vec![GroupIdentifier {
                group_id: endpoint_sg.clone(),
                group_name: format!("{}-vpc-endpoints", c.name),
            }],
            ip_address_type: Some("ipv4"),
            dns_options: Some(DnsOptions {
                dns_record_ip_type: "ipv4",
            }),
            private_dns_enabled: !dns_off,
            requester_managed: false,
            network_interface_ids: enis,
            dns_entries,
            creation_timestamp: created.clone(),
            tags: name(format!("{}-{service}", c.name)),
            owner_id: c.owner.clone(),
        });
    }

    // Notebooks and their ENIs.
    let mut notebooks = Vec::with_capacity(plan.notebooks.len());
    for (k, &n) in plan.notebooks.iter().enumerate() {
        let nb = &org.notebooks[n];
        let (_, p) = nb
            .placement
            .as_ref()
            .expect("a VPC's notebook has a placement");
        let (subnet, addr) = nb_addr[k];
        let eni = c.id("eni", 256 + k as u64);
        let groups: Vec<GroupIdentifier> = p
            .sgs
            .iter()
            .map(|&s| GroupIdentifier {
                group_id: c.sg_id(s),
                group_name: c.sg_name(s),
            })
            .collect();
        network_interfaces.push(c.eni(Eni {
            id: eni.clone(),
            subnet,
            addr,
            kind: "interface",
            description: format!(
                "[DO NOT DELETE] ENI managed by SageMaker for Notebook Instance {}",
                nb.name
            ),
            groups,
            public: None,
        }));
        notebooks.push(notebook(
            &c.owner,
            c.region,
            &nb.name,
            &mut r,
            Some((
                c.subnet_id(subnet),
                p.sgs.iter().map(|&s| c.sg_id(s)).collect(),
                eni,
            )),
            p.direct_internet,
            nb.root_access,
        ));
    }

    let _ = c.org;
    VpcResources {
        vpc,
        attributes,
        subnets,
        route_tables,
        internet_gateways,
        nat_gateways,
        endpoints,
        security_groups,
        network_acls,
        network_interfaces,
        notebooks,
    }
}

fn notebook(
    owner: &str,
    region: &str,
    name: &str,
    r: &mut Rng,
    placement: Option<(String, Vec<String>, String)>,
    direct_internet: bool,
    root: bool,
) -> NotebookInstance {
    let (subnet_id, security_groups, eni) = match placement {
        Some((s, g, e)) => (Some(s), g, Some(e)),
        None => (None, Vec::new(), None),
    };
    let day = 1 + r.below(28);
    NotebookInstance {
        notebook_instance_arn: format!(
            "arn:aws:sagemaker:{region}:{owner}:notebook-instance/{name}"
        ),
        notebook_instance_name: name.to_string(),
        notebook_instance_status: "InService",
        url: format!(
            "{name}-{:08x}.notebook.{region}.sagemaker.aws",
            r.next_u64() & 0xffff_ffff
        ),
        instance_type: INSTANCE_TYPES[r.below(INSTANCE_TYPES.len() as u64) as usize],
        subnet_id,
        security_groups,
        role_arn: format!(
            "arn:aws:iam::{owner}:role/service-role/AmazonSageMaker-ExecutionRole-20240219T104455"
        ),
        network_interface_id: eni,
        last_modified_time: format!("2024-03-{day:02}T11:02:31.512000+00:00"),
        creation_time: format!("2024-02-{day:02}T10:58:44.103000+00:00"),
        direct_internet_access: if direct_internet {
            "Enabled"
        } else {
            "Disabled"
        },
        volume_size_in_gb: *r.pick(&[5, 5, 20, 50, 100]),
        root_access: if root { "Enabled" } else { "Disabled" },
        platform_identifier: "notebook-al2-v2",
        instance_metadata_service_configuration: ImdsConfig {
            minimum_instance_metadata_service_version: "2",
        },
    }
}

/// What account `account` holds once: its DHCP options, a transit gateway (when the mix has
/// transit-gateway VPCs), the AWS-managed prefix lists of S3 and DynamoDB with their entries, and
/// its notebooks that live in no VPC.
pub fn expand_account(org: &Org, account: usize) -> AccountResources {
    let spec = &org.spec;
    let owner = &org.accounts[account];
    let region = spec.region.as_str();
    let mut r = Rng::derive(spec.seed, 4, account as u64);
    let domain = if region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{region}.compute.internal")
    };
    let dhcp_options = DhcpOptions {
        dhcp_configurations: vec![
            DhcpConfiguration {
                key: "domain-name",
                values: vec![AttributeValue { value: domain }],
            },
            DhcpConfiguration {
                key: "domain-name-servers",
                values: vec![AttributeValue {
                    value: "AmazonProvidedDNS".into(),
                }],
            },
        ],
        dhcp_options_id: account_scoped("dopt", account),
        owner_id: owner.clone(),
        tags: Vec::new(),
    };
    let transit_gateway = (spec.mix[3] > 0).then(|| {
        let id = account_scoped("tgw", account);
        TransitGateway {
            transit_gateway_arn: format!("arn:aws:ec2:{region}:{owner}:transit-gateway/{id}"),
            transit_gateway_id: id,
            state: "available",
            owner_id: owner.clone(),
            description: "Organisation egress and inspection",
            creation_time: "2023-11-02T09:14:51+00:00",
            options: TgwOptions {
                amazon_side_asn: 64512,
                auto_accept_shared_attachments: "disable",
                default_route_table_association: "enable",
                default_route_table_propagation: "enable",
                vpn_ecmp_support: "enable",
                dns_support: "enable",
                multicast_support: "disable",
            },
            tags: name("org-egress-tgw"),
        }
    });
    let prefix_lists = vec![
        PrefixList {
            cidrs: vec![
                "54.231.0.0/17",
                "52.216.0.0/15",
                "3.5.16.0/21",
                "3.5.0.0/20",
            ],
            prefix_list_id: S3_PREFIX_LIST,
            prefix_list_name: format!("com.amazonaws.{region}.s3"),
        },
        PrefixList {
            cidrs: vec!["52.94.0.0/22", "52.119.224.0/20"],
            prefix_list_id: DYNAMODB_PREFIX_LIST,
            prefix_list_name: format!("com.amazonaws.{region}.dynamodb"),
        },
    ];
    let notebooks = org
        .notebooks
        .iter()
        .filter(|n| n.placement.is_none() && n.account == account)
        .map(|n| notebook(owner, region, &n.name, &mut r, None, true, n.root_access))
        .collect();
    AccountResources {
        dhcp_options,
        transit_gateway,
        prefix_lists,
        notebooks,
    }
}
