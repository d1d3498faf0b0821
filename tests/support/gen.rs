//! Random AWS network snapshots for the differential test.
//!
//! Networks are built in the AWS shapes (`vpcreach::aws::snapshot`), so conversion is exercised
//! too. They are small but rich: one or two VPCs (10.0.0.0/16, 10.1.0.0/16, sometimes with an IPv6
//! /56), one to four /24 subnets, route tables with random routes (the default route, public
//! prefixes around a small pool of interesting addresses, prefix-list routes, VPC-internal more
//! specific routes) to random targets (local, attached or detached internet gateways, public and
//! private NAT gateways in every state, gateway endpoints, egress-only gateways, transit gateways,
//! peering, VGWs with propagated routes, ENIs, dangling IDs, blackholes), random network ACLs and
//! security groups, interface endpoints for `sts`, `sagemaker.api` and `s3` in random states, notebooks
//! with and without a described interface, public IP, IPv6, direct internet access or a subnet.
//!
//! And the edges of the model (issue 7): prefix lists described without entries (the AWS-managed
//! S3 list too) named by routes and security-group rules; DHCP option sets (AmazonProvidedDNS, the
//! resolver's link-local or VPC+2 address, custom servers, none; the `DhcpOptions` key missing, a
//! VPC without `DhcpOptionsId`, a dangling set ID); `enableDnsSupport`/`enableDnsHostnames` true,
//! false or missing; endpoint `DnsOptions` (record type, inbound-Resolver-only private DNS);
//! endpoint interfaces described or not, with IPv6 addresses; more-specific-than-local routes
//! (to appliance ENIs, Gateway Load Balancer endpoints, blackholes) that catch replies; gateway
//! route tables edge-associated with an internet gateway; `64:ff9b::/96` routes to NAT gateways;
//! and notebooks known only from a `list-notebook-instances` summary.
//!
//! Every random choice is read from a [`Tape`] of `u32`s that proptest generates and shrinks: a
//! `0` (or the end of the tape) always means the simplest option, so shrinking the tape shrinks the
//! network.

#![allow(dead_code)]

use vpcreach::aws::snapshot::*;

pub const REGION: &str = "us-east-1";
pub const S3_PL: &str = "pl-63a5400a";
pub const DDB_PL: &str = "pl-02cd2c6b";
pub const CUSTOM_PL: &str = "pl-0c0ffee0";
pub const MISSING_PL: &str = "pl-0deadbee";
/// A customer-managed list described without its entries (describe-managed-prefix-lists).
pub const NOENTRY_PL: &str = "pl-0e0e0e0e";
/// The NAT64 well-known prefix.
pub const NAT64_PREFIX: &str = "64:ff9b::/96";

const S3_PL_CIDRS: [&str; 4] = [
    "52.216.0.0/15",
    "3.5.0.0/19",
    "54.231.0.0/16",
    "16.182.0.0/15",
];
const DDB_PL_CIDRS: [&str; 2] = ["52.94.0.0/22", "3.218.180.0/22"];
const CUSTOM_PL_CIDRS: [&str; 3] = ["8.8.8.0/24", "1.1.1.0/24", "52.216.0.0/16"];

/// Public addresses worth probing whatever the network.
pub const INTERESTING_V4: [&str; 16] = [
    "8.8.8.8",
    "8.8.8.0",
    "1.1.1.1",
    "52.216.4.1",
    "52.217.255.255",
    "3.5.0.1",
    "3.5.16.1",
    "54.231.0.5",
    "16.182.0.1",
    "52.94.0.1",
    "3.218.180.1",
    "172.217.0.1",
    "9.9.9.9",
    "128.0.0.1",
    "127.255.255.255",
    "223.255.255.254",
];
pub const INTERESTING_V6: [&str; 5] = [
    "2001:4860:4860::8888",
    "2600:1f18::1",
    "2a00:1450::1",
    "2600::1",
    "2c0f::1",
];

const V4_ROUTE_DESTS: [&str; 13] = [
    "0.0.0.0/0",
    "8.8.8.0/24",
    "8.0.0.0/8",
    "52.216.0.0/15",
    "52.0.0.0/8",
    "3.5.0.0/20",
    "3.0.0.0/8",
    "54.231.0.0/16",
    "1.1.1.0/24",
    "128.0.0.0/1",
    "0.0.0.0/1",
    "8.8.8.8/32",
    "52.94.0.0/22",
];
const V6_ROUTE_DESTS: [&str; 5] = [
    "::/0",
    "2600::/12",
    "2001:4860::/32",
    "2000::/3",
    NAT64_PREFIX,
];
const PUBLIC_RULE_CIDRS: [&str; 7] = [
    "0.0.0.0/0",
    "52.216.0.0/15",
    "8.8.8.0/24",
    "3.5.0.0/20",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "54.231.0.0/16",
];
const PORT_RANGES: [(i64, i64); 10] = [
    (0, 65535),
    (443, 443),
    (1024, 65535),
    (32768, 60999),
    (22, 22),
    (0, 1023),
    (80, 443),
    (50000, 65535),
    (1024, 32767),
    (443, 1024),
];
const ICMP_TYPE_CODES: [(i64, i64); 6] = [(-1, -1), (8, 0), (8, -1), (0, 0), (3, 4), (11, -1)];

/// A tape of random choices; reading past its end gives 0 (the simplest choice).
pub struct Tape<'a> {
    data: &'a [u32],
    pos: usize,
}

impl<'a> Tape<'a> {
    pub fn new(data: &'a [u32]) -> Self {
        Tape { data, pos: 0 }
    }

    fn draw(&mut self) -> u32 {
        let v = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        v
    }

    /// A number in `0..n` (0 when `n` is 0 or 1).
    pub fn below(&mut self, n: usize) -> usize {
        let v = self.draw() as usize;
        if n <= 1 { 0 } else { v % n }
    }

    pub fn pick<'b, T>(&mut self, xs: &'b [T]) -> &'b T {
        &xs[self.below(xs.len())]
    }

    /// True with probability `pct`%; a 0 draw says false.
    pub fn chance(&mut self, pct: u32) -> bool {
        self.draw() % 100 >= 100 - pct.min(100)
    }

    /// An index chosen with the given weights; a 0 draw gives index 0.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.draw() % total.max(1);
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

struct SubPlan {
    id: String,
    vpc: usize,
    /// Third octet: the subnet is 10.<vpc>.<k>.0/24.
    k: u8,
    v6: bool,
}

struct VpcPlan {
    idx: usize,
    id: String,
    v6: bool,
    subnets: Vec<usize>,
    sgs: Vec<String>,
    nats: Vec<String>,
    igw: Option<String>,
    eigw: Option<String>,
    gw_endpoint: Option<String>,
    /// A Gateway Load Balancer endpoint (middlebox routing target).
    gwlb: Option<String>,
}

fn vpc_cidr(v: usize) -> String {
    format!("10.{v}.0.0/16")
}
fn vpc_v6(v: usize) -> String {
    format!("2600:1f18:{v}::/56")
}
fn subnet_cidr(v: usize, k: u8) -> String {
    format!("10.{v}.{k}.0/24")
}
fn subnet_v6(v: usize, k: u8) -> String {
    format!("2600:1f18:{v}:{k}::/64")
}

fn tag(name: &str) -> Vec<Tag> {
    vec![Tag {
        key: "Name".into(),
        value: name.into(),
    }]
}

/// Build one random snapshot.
pub fn snapshot(t: &mut Tape) -> Snapshot {
    let mut s = Snapshot {
        region: Some(REGION.into()),
        ..Snapshot::default()
    };

    // Prefix lists; each may be described without its entries (describe-managed-prefix-lists).
    if !t.chance(4) {
        let n = 2 + t.below(2);
        let mut cidrs: Vec<String> = Vec::new();
        for _ in 0..n {
            let c = t.pick(&S3_PL_CIDRS).to_string();
            if !cidrs.contains(&c) {
                cidrs.push(c);
            }
        }
        s.prefix_lists.push(PrefixList {
            prefix_list_id: S3_PL.into(),
            prefix_list_name: Some(format!("com.amazonaws.{REGION}.s3")),
            cidrs: (!t.chance(8)).then_some(cidrs),
            ..PrefixList::default()
        });
    }
    if t.chance(30) {
        s.prefix_lists.push(PrefixList {
            prefix_list_id: DDB_PL.into(),
            prefix_list_name: Some(format!("com.amazonaws.{REGION}.dynamodb")),
            cidrs: (!t.chance(25)).then(|| DDB_PL_CIDRS.iter().map(|c| c.to_string()).collect()),
            ..PrefixList::default()
        });
    }
    if !t.chance(15) {
        let n = 1 + t.below(3);
        s.prefix_lists.push(PrefixList {
            prefix_list_id: CUSTOM_PL.into(),
            prefix_list_name: Some("corp-allowed".into()),
            cidrs: (!t.chance(8))
                .then(|| CUSTOM_PL_CIDRS[..n].iter().map(|c| c.to_string()).collect()),
            ..PrefixList::default()
        });
    }
    if t.chance(30) {
        s.prefix_lists.push(PrefixList {
            prefix_list_id: NOENTRY_PL.into(),
            prefix_list_name: Some("corp-managed".into()),
            cidrs: None,
            ..PrefixList::default()
        });
    }
    // DHCP option sets: the key missing altogether (AmazonProvidedDNS assumed), or given.
    if t.chance(35) {
        s.dhcp_options = Some(Vec::new());
    }

    // VPCs and subnets.
    let n_vpcs = if t.chance(30) { 2 } else { 1 };
    let mut vpcs: Vec<VpcPlan> = (0..n_vpcs)
        .map(|v| VpcPlan {
            idx: v,
            id: format!("vpc-0{v}"),
            v6: t.chance(35),
            subnets: Vec::new(),
            sgs: Vec::new(),
            nats: Vec::new(),
            igw: None,
            eigw: None,
            gw_endpoint: None,
            gwlb: None,
        })
        .collect();
    let n_subnets = 1 + t.below(4);
    let mut subnets: Vec<SubPlan> = Vec::new();
    for i in 0..n_subnets {
        let v = if i == 0 { 0 } else { t.below(n_vpcs) };
        let k = vpcs[v].subnets.len() as u8 + 1;
        let v6 = vpcs[v].v6 && !t.chance(30);
        vpcs[v].subnets.push(subnets.len());
        subnets.push(SubPlan {
            id: format!("subnet-0{v}{k}"),
            vpc: v,
            k,
            v6,
        });
    }
    for sp in &subnets {
        s.subnets.push(Subnet {
            subnet_id: sp.id.clone(),
            vpc_id: vpcs[sp.vpc].id.clone(),
            cidr_block: Some(subnet_cidr(sp.vpc, sp.k)),
            ipv6_cidr_block_association_set: if sp.v6 {
                vec![Ipv6CidrAssociation {
                    ipv6_cidr_block: subnet_v6(sp.vpc, sp.k),
                    ipv6_cidr_block_state: Some(StateObj {
                        state: Some("associated".into()),
                    }),
                }]
            } else {
                Vec::new()
            },
            availability_zone: Some(format!("{REGION}a")),
            state: Some("available".into()),
            ..Subnet::default()
        });
    }

    for vi in 0..n_vpcs {
        gen_vpc(t, &mut s, &mut vpcs, vi, &subnets);
    }

    // Notebooks.
    let n_nb = 1 + t.below(2);
    for i in 0..n_nb {
        gen_notebook(t, &mut s, &vpcs, &subnets, i);
    }
    s
}

fn gen_vpc(t: &mut Tape, s: &mut Snapshot, vpcs: &mut [VpcPlan], vi: usize, subnets: &[SubPlan]) {
    let n_vpcs = vpcs.len();
    let v6 = vpcs[vi].v6;
    let vpc_id = vpcs[vi].id.clone();
    s.vpcs.push(Vpc {
        vpc_id: vpc_id.clone(),
        cidr_block: Some(vpc_cidr(vi)),
        ipv6_cidr_block_association_set: if v6 {
            vec![Ipv6CidrAssociation {
                ipv6_cidr_block: vpc_v6(vi),
                ipv6_cidr_block_state: Some(StateObj {
                    state: Some("associated".into()),
                }),
            }]
        } else {
            Vec::new()
        },
        state: Some("available".into()),
        tags: tag(&format!("vpc {vi}")),
        ..Vpc::default()
    });
    // DHCP options: the VPC's own set, "default", no DhcpOptionsId, or a dangling set ID.
    if let Some(sets) = s.dhcp_options.as_mut() {
        let vpc = s.vpcs.last_mut().expect("just pushed");
        match t.weighted(&[75, 13, 6, 6]) {
            0 => {
                let id = format!("dopt-0{vi}");
                let servers: Vec<String> = match t.weighted(&[60, 10, 8, 8, 6, 4, 4]) {
                    0 => vec!["AmazonProvidedDNS".into()],
                    1 => vec!["169.254.169.253".into()],
                    // The VPC's network address plus two is the Route 53 Resolver too.
                    2 => vec![format!("10.{vi}.0.2")],
                    3 => vec![format!("10.{vi}.0.53")],
                    4 => vec!["AmazonProvidedDNS".into(), "8.8.8.8".into()],
                    5 => vec!["8.8.8.8".into(), "8.8.4.4".into()],
                    _ => Vec::new(),
                };
                let mut conf = vec![DhcpConfiguration {
                    key: "domain-name".into(),
                    values: vec![AttributeValue {
                        value: "ec2.internal".into(),
                    }],
                }];
                if !servers.is_empty() {
                    conf.push(DhcpConfiguration {
                        key: "domain-name-servers".into(),
                        values: servers
                            .into_iter()
                            .map(|value| AttributeValue { value })
                            .collect(),
                    });
                }
                sets.push(DhcpOptions {
                    dhcp_options_id: id.clone(),
                    dhcp_configurations: conf,
                    ..DhcpOptions::default()
                });
                vpc.dhcp_options_id = Some(id);
            }
            1 => vpc.dhcp_options_id = Some("default".into()),
            2 => {}
            _ => vpc.dhcp_options_id = Some("dopt-0gone".into()),
        }
    }
    let attr = |b: bool| Some(AttrBool { value: b });
    match t.weighted(&[70, 4, 10, 6, 4, 4, 2]) {
        0 => s.vpc_attributes.push(VpcAttribute {
            vpc_id: vpc_id.clone(),
            enable_dns_support: attr(true),
            enable_dns_hostnames: attr(true),
        }),
        1 => {}
        2 => s.vpc_attributes.push(VpcAttribute {
            vpc_id: vpc_id.clone(),
            enable_dns_support: attr(true),
            enable_dns_hostnames: attr(false),
        }),
        3 => s.vpc_attributes.push(VpcAttribute {
            vpc_id: vpc_id.clone(),
            enable_dns_support: attr(false),
            enable_dns_hostnames: attr(true),
        }),
        4 => s.vpc_attributes.push(VpcAttribute {
            vpc_id: vpc_id.clone(),
            enable_dns_support: attr(true),
            enable_dns_hostnames: None,
        }),
        6 => s.vpc_attributes.push(VpcAttribute {
            vpc_id: vpc_id.clone(),
            enable_dns_support: None,
            enable_dns_hostnames: attr(true),
        }),
        _ => s.vpc_attributes.push(VpcAttribute {
            vpc_id: vpc_id.clone(),
            enable_dns_support: attr(false),
            enable_dns_hostnames: attr(false),
        }),
    }
    let my_subnets: Vec<&SubPlan> = vpcs[vi].subnets.iter().map(|i| &subnets[*i]).collect();

    // Internet gateway: attached here, none, detached, attached elsewhere, or referenced only.
    let igw_id = format!("igw-0{vi}");
    match t.weighted(&[65, 15, 10, 5, 5]) {
        0 => {
            s.internet_gateways.push(InternetGateway {
                internet_gateway_id: igw_id.clone(),
                attachments: vec![GatewayAttachment {
                    vpc_id: vpc_id.clone(),
                    state: Some("available".into()),
                }],
                ..InternetGateway::default()
            });
            vpcs[vi].igw = Some(igw_id);
        }
        1 => {}
        2 => {
            s.internet_gateways.push(InternetGateway {
                internet_gateway_id: igw_id.clone(),
                ..InternetGateway::default()
            });
            vpcs[vi].igw = Some(igw_id);
        }
        3 => {
            s.internet_gateways.push(InternetGateway {
                internet_gateway_id: igw_id.clone(),
                attachments: vec![GatewayAttachment {
                    vpc_id: format!("vpc-0{}", (vi + 1) % 2),
                    state: Some("available".into()),
                }],
                ..InternetGateway::default()
            });
            vpcs[vi].igw = Some(igw_id);
        }
        _ => vpcs[vi].igw = Some(igw_id),
    }
    if v6 && t.chance(75) {
        let id = format!("eigw-0{vi}");
        s.egress_only_internet_gateways
            .push(EgressOnlyInternetGateway {
                egress_only_internet_gateway_id: id.clone(),
                attachments: if t.chance(15) {
                    Vec::new()
                } else {
                    vec![GatewayAttachment {
                        vpc_id: vpc_id.clone(),
                        state: Some("attached".into()),
                    }]
                },
                ..EgressOnlyInternetGateway::default()
            });
        vpcs[vi].eigw = Some(id);
    }

    // A "structured" VPC has the usual layout under its random extras: a public route table
    // (0.0.0.0/0 → internet gateway) for the first subnet, where a NAT gateway lives, and a
    // private one (0.0.0.0/0 → that NAT gateway) for the others; its security groups and ACLs
    // are more often open (so that traffic gets as far as the gateways).
    let structured = my_subnets.len() >= 2 && t.chance(45);

    // Security groups.
    let n_sgs = 2 + t.below(2);
    vpcs[vi].sgs = (0..n_sgs).map(|i| format!("sg-0{vi}{i}")).collect();
    for i in 0..n_sgs {
        let gid = vpcs[vi].sgs[i].clone();
        let egress = sg_egress(t, vi, v6, &vpcs[vi].sgs, structured);
        let ingress = sg_ingress(t, vi, &vpcs[vi].sgs);
        s.security_groups.push(SecurityGroup {
            group_id: gid.clone(),
            group_name: Some(gid),
            vpc_id: Some(vpc_id.clone()),
            ip_permissions: ingress,
            ip_permissions_egress: egress,
            ..SecurityGroup::default()
        });
    }

    // NAT gateways.
    let n_nats = if structured {
        1 + t.weighted(&[80, 20])
    } else {
        t.weighted(&[40, 45, 15])
    };
    for i in 0..n_nats {
        let id = format!("nat-0{vi}{i}");
        let (subnet_id, k) = if structured && i == 0 {
            (my_subnets[0].id.clone(), my_subnets[0].k)
        } else if t.chance(2) || my_subnets.is_empty() {
            ("subnet-0gone".to_string(), 9)
        } else {
            let sp = t.pick(&my_subnets);
            (sp.id.clone(), sp.k)
        };
        let public = !t.chance(20);
        let state = ["available", "pending", "failed", "deleted"][t.weighted(&[75, 10, 10, 5])];
        let addresses = if t.chance(10) {
            Vec::new()
        } else {
            vec![NatGatewayAddress {
                allocation_id: public.then(|| format!("eipalloc-0{vi}{i}")),
                network_interface_id: Some(format!("eni-0nat{vi}{i}")),
                private_ip: Some(format!("10.{vi}.{k}.{}", 5 + i)),
                public_ip: public.then(|| format!("54.200.{vi}.{i}")),
            }]
        };
        s.nat_gateways.push(NatGateway {
            nat_gateway_id: id.clone(),
            subnet_id: Some(subnet_id),
            vpc_id: Some(vpc_id.clone()),
            state: Some(state.into()),
            connectivity_type: Some(if public { "public" } else { "private" }.into()),
            nat_gateway_addresses: addresses,
            ..NatGateway::default()
        });
        vpcs[vi].nats.push(id);
    }

    // Gateway endpoint (S3, sometimes DynamoDB).
    if t.chance(40) {
        let id = format!("vpce-0{vi}0g");
        let svc = if t.chance(15) { "dynamodb" } else { "s3" };
        s.vpc_endpoints.push(VpcEndpoint {
            vpc_endpoint_id: id.clone(),
            vpc_endpoint_type: Some("Gateway".into()),
            vpc_id: Some(vpc_id.clone()),
            service_name: Some(format!("com.amazonaws.{REGION}.{svc}")),
            state: Some(if t.chance(15) { "pending" } else { "available" }.into()),
            ..VpcEndpoint::default()
        });
        vpcs[vi].gw_endpoint = Some(id);
    }
    // A Gateway Load Balancer endpoint (an inspection appliance's front).
    if t.chance(30) {
        let id = format!("vpce-0{vi}0b");
        s.vpc_endpoints.push(VpcEndpoint {
            vpc_endpoint_id: id.clone(),
            vpc_endpoint_type: Some("GatewayLoadBalancer".into()),
            vpc_id: Some(vpc_id.clone()),
            service_name: Some("com.amazonaws.vpce.us-east-1.vpce-svc-0inspect".into()),
            state: Some("available".into()),
            subnet_ids: my_subnets
                .first()
                .map(|x| x.id.clone())
                .into_iter()
                .collect(),
            ..VpcEndpoint::default()
        });
        vpcs[vi].gwlb = Some(id);
    }

    // Interface endpoints.
    for (ei, (svc, pct)) in [("sts", 50), ("sagemaker.api", 50), ("s3", 15)]
        .into_iter()
        .enumerate()
    {
        if !t.chance(pct) || my_subnets.is_empty() {
            continue;
        }
        let id = format!("vpce-0{vi}{ei}i");
        let state = ["available", "pending", "rejected", "deleted"][t.weighted(&[75, 10, 10, 5])];
        let private_dns = !t.chance(20);
        let n = 1 + t.below(2);
        let mut eps: Vec<&SubPlan> = Vec::new();
        for _ in 0..n {
            let sp = *t.pick(&my_subnets);
            if !eps.iter().any(|x| x.id == sp.id) {
                eps.push(sp);
            }
        }
        let mut groups: Vec<String> = Vec::new();
        for _ in 0..1 + t.below(2) {
            let g = t.pick(&vpcs[vi].sgs).clone();
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        if t.chance(2) {
            groups.push("sg-0gone".into());
        }
        let mut enis = Vec::new();
        // Every interface described (the usual), none, or some.
        let described = t.weighted(&[80, 10, 10]);
        for sp in &eps {
            let eni = format!("eni-0e{vi}{ei}{}", sp.k);
            if described == 0 || (described == 2 && t.chance(50)) {
                let ipv6 = sp.v6 && t.chance(45);
                s.network_interfaces.push(NetworkInterface {
                    network_interface_id: eni.clone(),
                    subnet_id: Some(sp.id.clone()),
                    vpc_id: Some(vpc_id.clone()),
                    interface_type: Some("vpc_endpoint".into()),
                    private_ip_address: Some(format!("10.{vi}.{}.{}", sp.k, 100 + 10 * ei)),
                    ipv6_addresses: if ipv6 {
                        vec![Ipv6Address {
                            ipv6_address: format!("2600:1f18:{vi}:{}::e{ei}", sp.k),
                        }]
                    } else {
                        Vec::new()
                    },
                    groups: groups
                        .iter()
                        .map(|g| GroupIdentifier {
                            group_id: g.clone(),
                            group_name: None,
                        })
                        .collect(),
                    ..NetworkInterface::default()
                });
            }
            enis.push(eni);
        }
        if t.chance(4) {
            // The endpoint lists no interfaces: its subnets' ranges stand in.
            enis.clear();
        }
        // DnsOptions: absent (A records), or a record type and the inbound-Resolver-only flag.
        let record = [
            None,
            Some("ipv4"),
            Some("dualstack"),
            Some("ipv6"),
            Some("service-defined"),
            None,
        ][t.weighted(&[55, 12, 12, 8, 5, 8])];
        let inbound = [None, Some(false), Some(true)][t.weighted(&[75, 10, 15])];
        let dns_options =
            (record.is_some() || inbound.is_some() || t.chance(30)).then(|| DnsOptions {
                dns_record_ip_type: record.map(str::to_string),
                private_dns_only_for_inbound_resolver_endpoint: inbound,
            });
        s.vpc_endpoints.push(VpcEndpoint {
            vpc_endpoint_id: id,
            vpc_endpoint_type: Some("Interface".into()),
            vpc_id: Some(vpc_id.clone()),
            service_name: Some(format!("com.amazonaws.{REGION}.{svc}")),
            state: Some(state.into()),
            private_dns_enabled: Some(private_dns),
            subnet_ids: eps.iter().map(|x| x.id.clone()).collect(),
            groups: groups
                .iter()
                .map(|g| GroupIdentifier {
                    group_id: g.clone(),
                    group_name: None,
                })
                .collect(),
            network_interface_ids: enis,
            dns_options,
            ..VpcEndpoint::default()
        });
    }

    // Route tables.
    let n_rt = if structured {
        2 + t.below(2)
    } else {
        1 + t.below(3)
    };
    let rt_ids: Vec<String> = (0..n_rt).map(|i| format!("rtb-0{vi}{i}")).collect();
    let has_main = !t.chance(4);
    let mut assoc: Vec<Vec<RouteTableAssociation>> = vec![Vec::new(); n_rt];
    if has_main {
        assoc[0].push(RouteTableAssociation {
            main: Some(true),
            route_table_id: Some(rt_ids[0].clone()),
            ..RouteTableAssociation::default()
        });
    }
    for (si, sp) in my_subnets.iter().enumerate() {
        let table = if structured && t.chance(85) {
            Some(usize::from(si > 0))
        } else if t.chance(50) {
            Some(t.below(n_rt))
        } else {
            None
        };
        if let Some(r) = table {
            assoc[r].push(RouteTableAssociation {
                main: Some(false),
                route_table_id: Some(rt_ids[r].clone()),
                subnet_id: Some(sp.id.clone()),
                ..RouteTableAssociation::default()
            });
        }
    }
    for (ri, rid) in rt_ids.iter().enumerate() {
        let mut routes = vec![Route {
            destination_cidr_block: Some(vpc_cidr(vi)),
            gateway_id: Some("local".into()),
            origin: Some("CreateRouteTable".into()),
            state: Some("active".into()),
            ..Route::default()
        }];
        if v6 {
            routes.push(Route {
                destination_ipv6_cidr_block: Some(vpc_v6(vi)),
                gateway_id: Some("local".into()),
                origin: Some("CreateRouteTable".into()),
                state: Some("active".into()),
                ..Route::default()
            });
        }
        let n_routes = t.weighted(&[10, 25, 25, 20, 10, 10]);
        let mut seen: Vec<(String, bool)> = Vec::new();
        if structured && ri < 2 {
            let vp = &vpcs[vi];
            let default = |v4: bool| Route {
                destination_cidr_block: v4.then(|| "0.0.0.0/0".to_string()),
                destination_ipv6_cidr_block: (!v4).then(|| "::/0".to_string()),
                origin: Some("CreateRoute".into()),
                state: Some("active".into()),
                ..Route::default()
            };
            let igw = vp.igw.clone().unwrap_or_else(|| format!("igw-0{vi}"));
            let mut r4 = default(true);
            if ri == 0 {
                r4.gateway_id = Some(igw.clone());
            } else {
                r4.nat_gateway_id = Some(vp.nats[0].clone());
            }
            routes.push(r4);
            seen.push(("0.0.0.0/0".into(), false));
            if v6 {
                let mut r6 = default(false);
                if ri == 0 {
                    r6.gateway_id = Some(igw);
                } else if let Some(e) = &vp.eigw {
                    r6.egress_only_internet_gateway_id = Some(e.clone());
                } else {
                    r6.gateway_id = Some(igw);
                }
                routes.push(r6);
                seen.push(("::/0".into(), false));
                if ri == 1 && t.chance(70) {
                    // NAT64 through the NAT gateway.
                    let mut r = default(false);
                    r.destination_ipv6_cidr_block = Some(NAT64_PREFIX.into());
                    r.nat_gateway_id = Some(vp.nats[0].clone());
                    routes.push(r);
                    seen.push((NAT64_PREFIX.into(), false));
                }
            }
        }
        for _ in 0..n_routes {
            if let Some(r) = gen_route(t, &vpcs[vi], n_vpcs, &mut seen) {
                if r.destination_prefix_list_id.is_some()
                    && r.gateway_id
                        .as_deref()
                        .is_some_and(|g| g.starts_with("vpce-"))
                    && let Some(ep) = s
                        .vpc_endpoints
                        .iter_mut()
                        .find(|e| Some(&e.vpc_endpoint_id) == r.gateway_id.as_ref())
                    && !ep.route_table_ids.contains(rid)
                {
                    ep.route_table_ids.push(rid.clone());
                }
                routes.push(r);
            }
        }
        s.route_tables.push(RouteTable {
            route_table_id: rid.clone(),
            vpc_id: vpc_id.clone(),
            associations: std::mem::take(&mut assoc[ri]),
            routes,
            ..RouteTable::default()
        });
    }
    // Middlebox routing of replies: the table of a subnet where an interface endpoint or a NAT
    // gateway lives gets a route more specific than `local` for a subnet (where notebooks live),
    // to an appliance ENI, a Gateway Load Balancer endpoint, or a blackhole.
    if t.chance(30) {
        let mut hosts: Vec<String> = s
            .vpc_endpoints
            .iter()
            .filter(|e| e.vpc_id.as_deref() == Some(vpc_id.as_str()))
            .filter(|e| e.vpc_endpoint_type.as_deref() == Some("Interface"))
            .flat_map(|e| e.subnet_ids.iter().cloned())
            .collect();
        hosts.extend(
            s.nat_gateways
                .iter()
                .filter(|n| vpcs[vi].nats.contains(&n.nat_gateway_id))
                .filter_map(|n| n.subnet_id.clone()),
        );
        hosts.retain(|h| my_subnets.iter().any(|sp| &sp.id == h));
        if !hosts.is_empty() {
            let host = t.pick(&hosts).clone();
            let table = s
                .route_tables
                .iter()
                .position(|rt| {
                    rt.vpc_id == vpc_id
                        && rt
                            .associations
                            .iter()
                            .any(|a| a.subnet_id.as_deref() == Some(host.as_str()))
                })
                .or_else(|| {
                    s.route_tables.iter().position(|rt| {
                        rt.vpc_id == vpc_id && rt.associations.iter().any(|a| a.main == Some(true))
                    })
                });
            let sp = *t.pick(&my_subnets);
            let (v4, v6) = match t.weighted(&[50, 25, 25]) {
                1 => (Some(format!("10.{vi}.{}.0/25", sp.k)), None),
                2 if sp.v6 => (None, Some(subnet_v6(vi, sp.k))),
                _ => (Some(subnet_cidr(vi, sp.k)), None),
            };
            let mut r = Route {
                destination_cidr_block: v4,
                destination_ipv6_cidr_block: v6,
                origin: Some("CreateRoute".into()),
                state: Some("active".into()),
                ..Route::default()
            };
            match t.weighted(&[35, 30, 35]) {
                1 if vpcs[vi].gwlb.is_some() => r.gateway_id = vpcs[vi].gwlb.clone(),
                2 => {
                    r.network_interface_id = Some("eni-0gone".into());
                    r.state = Some("blackhole".into());
                }
                _ => r.network_interface_id = Some("eni-0appliance".into()),
            }
            if let Some(i) = table {
                let rt = &mut s.route_tables[i];
                let dup = rt.routes.iter().any(|x| {
                    x.destination_cidr_block.is_some()
                        && x.destination_cidr_block == r.destination_cidr_block
                        || x.destination_ipv6_cidr_block.is_some()
                            && x.destination_ipv6_cidr_block == r.destination_ipv6_cidr_block
                });
                if !dup {
                    rt.routes.push(r);
                }
            }
        }
    }
    // A gateway route table (edge association) for the internet gateway.
    if let Some(igw) = vpcs[vi].igw.clone()
        && !my_subnets.is_empty()
        && t.chance(20)
    {
        let rt = edge_table(t, &vpcs[vi], &my_subnets, &igw);
        s.route_tables.push(rt);
    }

    // Network ACLs.
    let n_acl = 1 + t.below(2);
    let acl_ids: Vec<String> = (0..n_acl).map(|i| format!("acl-0{vi}{i}")).collect();
    let has_default = !t.chance(4);
    let mut acl_assoc: Vec<Vec<NetworkAclAssociation>> = vec![Vec::new(); n_acl];
    for sp in &my_subnets {
        if t.chance(50) || !has_default {
            if !has_default && t.chance(20) {
                continue;
            }
            let a = t.below(n_acl);
            acl_assoc[a].push(NetworkAclAssociation {
                network_acl_association_id: None,
                network_acl_id: Some(acl_ids[a].clone()),
                subnet_id: Some(sp.id.clone()),
            });
        }
    }
    for (ai, aid) in acl_ids.iter().enumerate() {
        let mut entries = acl_entries(t, vi, v6, false, structured);
        entries.extend(acl_entries(t, vi, v6, true, structured));
        s.network_acls.push(NetworkAcl {
            network_acl_id: aid.clone(),
            vpc_id: Some(vpc_id.clone()),
            is_default: Some(has_default && ai == 0),
            associations: std::mem::take(&mut acl_assoc[ai]),
            entries,
            ..NetworkAcl::default()
        });
    }
}

fn gen_route(
    t: &mut Tape,
    vpc: &VpcPlan,
    n_vpcs: usize,
    seen: &mut Vec<(String, bool)>,
) -> Option<Route> {
    let vi = vpc.idx;
    let mut r = Route {
        origin: Some("CreateRoute".into()),
        state: Some("active".into()),
        ..Route::default()
    };
    // Destination.
    let (dest, kind) = match t.weighted(&[52, 15, 15, 18]) {
        0 => (t.pick(&V4_ROUTE_DESTS).to_string(), 0),
        1 => {
            if n_vpcs > 1 && t.chance(30) {
                (vpc_cidr(1 - vi), 0)
            } else if vpc.v6 && t.chance(25) {
                // More specific than the IPv6 local route: a subnet's /64.
                (subnet_v6(vi, 1 + t.below(2) as u8), 1)
            } else {
                // More specific than the local route: subnets (where notebooks live) or a
                // block of them.
                let c = [
                    format!("10.{vi}.2.0/24"),
                    format!("10.{vi}.1.0/24"),
                    format!("10.{vi}.1.0/25"),
                    format!("10.{vi}.0.0/20"),
                    format!("10.{vi}.3.0/24"),
                ];
                (c[t.weighted(&[25, 25, 20, 10, 20])].clone(), 0)
            }
        }
        2 if vpc.v6 => (
            V6_ROUTE_DESTS[t.weighted(&[25, 15, 15, 15, 30])].to_string(),
            1,
        ),
        2 => (t.pick(&V4_ROUTE_DESTS).to_string(), 0),
        _ => {
            let pl =
                [S3_PL, CUSTOM_PL, DDB_PL, MISSING_PL, NOENTRY_PL][t.weighted(&[68, 15, 10, 3, 4])];
            (pl.to_string(), 2)
        }
    };
    // Target.
    let mut propagated = false;
    let mut blackhole = false;
    let igw = |blackhole: &mut bool| match &vpc.igw {
        Some(g) => (g.clone(), "gw"),
        None => {
            // A route to a deleted gateway lingers as a blackhole.
            *blackhole = true;
            (format!("igw-0{vi}gone"), "gw")
        }
    };
    let target: (String, &str) = if kind == 2
        && vpc.gw_endpoint.is_some()
        && (dest == S3_PL || dest == DDB_PL)
        && !t.chance(25)
    {
        (vpc.gw_endpoint.clone().unwrap(), "gw")
    } else if dest == NAT64_PREFIX && !t.chance(30) {
        // NAT64: to a NAT gateway (public or private) of the VPC.
        match vpc.nats.is_empty() {
            false => (t.pick(&vpc.nats).clone(), "nat"),
            true => ("nat-0dead".into(), "nat"),
        }
    } else {
        match t.weighted(&[30, 30, 1, 8, 3, 2, 4, 2, 5]) {
            1 if !vpc.nats.is_empty() => (t.pick(&vpc.nats).clone(), "nat"),
            0 | 1 => igw(&mut blackhole),
            2 => ("nat-0dead".into(), "nat"),
            3 => match &vpc.eigw {
                Some(e) => (e.clone(), "eigw"),
                None if t.chance(20) => ("eigw-0dead".into(), "eigw"),
                None => igw(&mut blackhole),
            },
            4 => ("tgw-01".into(), "tgw"),
            5 => ("pcx-01".into(), "pcx"),
            6 => {
                propagated = t.chance(50);
                ("vgw-01".into(), "gw")
            }
            7 => ("eni-0appliance".into(), "eni"),
            _ => match &vpc.gw_endpoint {
                Some(e) if kind == 2 => (e.clone(), "gw"),
                _ => ("tgw-01".into(), "tgw"),
            },
        }
    };
    // AWS accepts routes for VPC-internal prefixes (more specific than `local`, or another VPC's
    // block) only to middleboxes and inter-VPC targets, never to internet gateways: an appliance
    // ENI, a Gateway Load Balancer endpoint, or one whose appliance is gone (a blackhole).
    let internal = dest.starts_with("10.") || dest.starts_with("2600:1f18:");
    let target = if internal && matches!(target.1, "gw" | "eigw") && target.0 != "vgw-01" {
        match t.weighted(&[45, 40, 15]) {
            1 if vpc.gwlb.is_some() => (vpc.gwlb.clone().unwrap(), "gw"),
            2 => {
                blackhole = true;
                ("eni-0gone".to_string(), "eni")
            }
            _ => ("eni-0appliance".to_string(), "eni"),
        }
    } else {
        target
    };
    if seen.contains(&(dest.clone(), propagated)) {
        return None;
    }
    seen.push((dest.clone(), propagated));
    match kind {
        0 => r.destination_cidr_block = Some(dest),
        1 => r.destination_ipv6_cidr_block = Some(dest),
        _ => r.destination_prefix_list_id = Some(dest),
    }
    match target.1 {
        "gw" => r.gateway_id = Some(target.0),
        "nat" => r.nat_gateway_id = Some(target.0),
        "eigw" => r.egress_only_internet_gateway_id = Some(target.0),
        "tgw" => r.transit_gateway_id = Some(target.0),
        "pcx" => r.vpc_peering_connection_id = Some(target.0),
        _ => r.network_interface_id = Some(target.0),
    }
    if propagated {
        r.origin = Some("EnableVgwRoutePropagation".into());
    }
    if blackhole || t.chance(8) {
        r.state = Some("blackhole".into());
    }
    Some(r)
}

/// A gateway route table edge-associated with the internet gateway `igw`: the VPC's local
/// routes, and routes for subnet ranges to local, an appliance ENI, a Gateway Load Balancer
/// endpoint or a blackhole (ingress routing).
fn edge_table(t: &mut Tape, vpc: &VpcPlan, subnets: &[&SubPlan], igw: &str) -> RouteTable {
    let vi = vpc.idx;
    let mut routes = vec![Route {
        destination_cidr_block: Some(vpc_cidr(vi)),
        gateway_id: Some("local".into()),
        origin: Some("CreateRouteTable".into()),
        state: Some("active".into()),
        ..Route::default()
    }];
    if vpc.v6 {
        routes.push(Route {
            destination_ipv6_cidr_block: Some(vpc_v6(vi)),
            gateway_id: Some("local".into()),
            origin: Some("CreateRouteTable".into()),
            state: Some("active".into()),
            ..Route::default()
        });
    }
    let mut seen: Vec<String> = Vec::new();
    for _ in 0..t.below(4) {
        let sp = t.pick(subnets);
        let v6 = sp.v6 && t.chance(30);
        let dest = if v6 {
            subnet_v6(vi, sp.k)
        } else {
            subnet_cidr(vi, sp.k)
        };
        if seen.contains(&dest) {
            continue;
        }
        seen.push(dest.clone());
        let mut r = Route {
            origin: Some("CreateRoute".into()),
            state: Some("active".into()),
            ..Route::default()
        };
        if v6 {
            r.destination_ipv6_cidr_block = Some(dest);
        } else {
            r.destination_cidr_block = Some(dest);
        }
        match t.weighted(&[30, 25, 25, 20]) {
            0 => r.gateway_id = Some("local".into()),
            1 => r.network_interface_id = Some("eni-0appliance".into()),
            2 => match &vpc.gwlb {
                Some(g) => r.gateway_id = Some(g.clone()),
                None => r.network_interface_id = Some("eni-0appliance".into()),
            },
            _ => {
                r.network_interface_id = Some("eni-0gone".into());
                r.state = Some("blackhole".into());
            }
        }
        routes.push(r);
    }
    RouteTable {
        route_table_id: format!("rtb-0{vi}e"),
        vpc_id: vpc.id.clone(),
        associations: vec![RouteTableAssociation {
            main: Some(false),
            route_table_id: Some(format!("rtb-0{vi}e")),
            gateway_id: Some(igw.to_string()),
            ..RouteTableAssociation::default()
        }],
        routes,
        ..RouteTable::default()
    }
}

fn rule_cidr(t: &mut Tape, vi: usize, v6: bool) -> (Option<String>, Option<String>) {
    if v6 && t.chance(12) {
        let c = *t.pick(&["::/0", "2600::/12", "2001:4860::/32"]);
        return (None, Some(c.to_string()));
    }
    let c = match t.weighted(&[35, 35, 30]) {
        0 => "0.0.0.0/0".to_string(),
        1 => t.pick(&PUBLIC_RULE_CIDRS).to_string(),
        _ => {
            let local = [
                format!("10.{vi}.0.0/16"),
                format!("10.{vi}.1.0/24"),
                format!("10.{vi}.1.0/25"),
                format!("10.{vi}.1.128/25"),
                format!("10.{vi}.2.0/24"),
                "10.0.0.0/8".to_string(),
                vpc_cidr(1 - vi.min(1)),
            ];
            t.pick(&local).clone()
        }
    };
    (Some(c), None)
}

fn acl_entries(
    t: &mut Tape,
    vi: usize,
    v6: bool,
    egress: bool,
    open: bool,
) -> Vec<NetworkAclEntry> {
    let mut out = Vec::new();
    let allow_all = |n: i64, cidr: Option<String>, v6c: Option<String>| NetworkAclEntry {
        rule_number: n,
        egress,
        protocol: "-1".into(),
        rule_action: "allow".into(),
        cidr_block: cidr,
        ipv6_cidr_block: v6c,
        ..NetworkAclEntry::default()
    };
    if !t.chance(if open { 25 } else { 45 }) {
        out.push(allow_all(100, Some("0.0.0.0/0".into()), None));
        if v6 {
            out.push(allow_all(101, None, Some("::/0".into())));
        }
    } else {
        let n = 1 + t.below(5);
        let mut used: Vec<i64> = Vec::new();
        for _ in 0..n {
            let rule_number = 10 * (1 + t.below(20) as i64);
            if used.contains(&rule_number) {
                continue;
            }
            used.push(rule_number);
            let protocol = ["-1", "6", "17", "1", "47"][t.weighted(&[35, 35, 15, 10, 5])];
            let (cidr_block, ipv6_cidr_block) = rule_cidr(t, vi, v6);
            let mut e = NetworkAclEntry {
                rule_number,
                egress,
                protocol: protocol.into(),
                rule_action: if t.chance(35) { "deny" } else { "allow" }.into(),
                cidr_block,
                ipv6_cidr_block,
                ..NetworkAclEntry::default()
            };
            match protocol {
                "6" | "17" => {
                    let (from, to) = *t.pick(&PORT_RANGES);
                    e.port_range = Some(AclPortRange {
                        from: Some(from),
                        to: Some(to),
                    });
                }
                "1" => {
                    let (ty, code) = *t.pick(&ICMP_TYPE_CODES);
                    e.icmp_type_code = Some(IcmpTypeCode {
                        r#type: Some(ty),
                        code: Some(code),
                    });
                }
                _ => {}
            }
            out.push(e);
        }
    }
    if !t.chance(10) {
        let deny = |cidr: Option<String>, v6c: Option<String>| NetworkAclEntry {
            rule_number: 32767,
            egress,
            protocol: "-1".into(),
            rule_action: "deny".into(),
            cidr_block: cidr,
            ipv6_cidr_block: v6c,
            ..NetworkAclEntry::default()
        };
        out.push(deny(Some("0.0.0.0/0".into()), None));
        if v6 {
            out.push(deny(None, Some("::/0".into())));
        }
    }
    out
}

fn perm(protocol: &str, ports: Option<(i64, i64)>) -> IpPermission {
    IpPermission {
        ip_protocol: protocol.into(),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        ..IpPermission::default()
    }
}

fn random_traffic(t: &mut Tape, tcp443: bool) -> IpPermission {
    let protocol = ["tcp", "-1", "udp", "icmp", "47"][t.weighted(&[50, 15, 15, 12, 8])];
    match protocol {
        "tcp" if tcp443 && t.chance(60) => perm("tcp", Some((443, 443))),
        "tcp" | "udp" => perm(protocol, Some(*t.pick(&PORT_RANGES))),
        "icmp" => perm("icmp", Some(*t.pick(&ICMP_TYPE_CODES))),
        _ => perm(protocol, None),
    }
}

fn sg_egress(t: &mut Tape, vi: usize, v6: bool, sgs: &[String], open: bool) -> Vec<IpPermission> {
    if !t.chance(if open { 30 } else { 50 }) {
        let mut p = perm("-1", None);
        p.ip_ranges.push(IpRange {
            cidr_ip: "0.0.0.0/0".into(),
            description: None,
        });
        if v6 {
            p.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: "::/0".into(),
                description: None,
            });
        }
        return vec![p];
    }
    let n = t.below(4);
    let mut out = Vec::new();
    for _ in 0..n {
        let mut p = random_traffic(t, true);
        match t.weighted(&[50, 10, 20, 20]) {
            0 => {
                let (c, _) = rule_cidr(t, vi, false);
                p.ip_ranges.push(IpRange {
                    cidr_ip: c.unwrap_or_else(|| "0.0.0.0/0".into()),
                    description: None,
                });
                if v6 && t.chance(35) {
                    // The same permission for IPv6 (the console's "anywhere" adds both).
                    p.ipv6_ranges.push(Ipv6Range {
                        cidr_ipv6: "::/0".into(),
                        description: None,
                    });
                }
            }
            1 => p.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: ["::/0", NAT64_PREFIX, "2600::/12"][t.weighted(&[60, 25, 15])].into(),
                description: None,
            }),
            2 => p.prefix_list_ids.push(PrefixListIdRef {
                prefix_list_id: [S3_PL, CUSTOM_PL, MISSING_PL, NOENTRY_PL]
                    [t.weighted(&[65, 25, 5, 5])]
                .into(),
                description: None,
            }),
            _ => p.user_id_group_pairs.push(UserIdGroupPair {
                group_id: Some(t.pick(sgs).clone()),
                ..UserIdGroupPair::default()
            }),
        }
        out.push(p);
    }
    out
}

fn sg_ingress(t: &mut Tape, vi: usize, sgs: &[String]) -> Vec<IpPermission> {
    if t.chance(15) {
        let mut p = perm("-1", None);
        p.ip_ranges.push(IpRange {
            cidr_ip: "0.0.0.0/0".into(),
            description: None,
        });
        return vec![p];
    }
    let n = t.below(4);
    let mut out = Vec::new();
    for _ in 0..n {
        let mut p = if t.chance(50) {
            random_traffic(t, true)
        } else {
            perm("tcp", Some((443, 443)))
        };
        match t.weighted(&[45, 35, 10, 10]) {
            0 => {
                let c = [
                    vpc_cidr(vi),
                    format!("10.{vi}.1.0/24"),
                    format!("10.{vi}.1.0/25"),
                    format!("10.{vi}.2.0/24"),
                    "0.0.0.0/0".to_string(),
                    "10.0.0.0/8".to_string(),
                ];
                p.ip_ranges.push(IpRange {
                    cidr_ip: t.pick(&c).clone(),
                    description: None,
                });
            }
            1 => p.user_id_group_pairs.push(UserIdGroupPair {
                group_id: Some(t.pick(sgs).clone()),
                ..UserIdGroupPair::default()
            }),
            2 => p.prefix_list_ids.push(PrefixListIdRef {
                prefix_list_id: [CUSTOM_PL, MISSING_PL, NOENTRY_PL][t.weighted(&[84, 8, 8])].into(),
                description: None,
            }),
            _ => p.ipv6_ranges.push(Ipv6Range {
                cidr_ipv6: "::/0".into(),
                description: None,
            }),
        }
        out.push(p);
    }
    out
}

fn gen_notebook(t: &mut Tape, s: &mut Snapshot, vpcs: &[VpcPlan], subnets: &[SubPlan], i: usize) {
    let name = format!("nb-{i}");
    let dia = if t.chance(15) { "Enabled" } else { "Disabled" };
    let mut nb = NotebookInstance {
        notebook_instance_name: name.clone(),
        notebook_instance_arn: Some(format!(
            "arn:aws:sagemaker:{REGION}:111122223333:notebook-instance/{name}"
        )),
        notebook_instance_status: Some("InService".into()),
        direct_internet_access: Some(dia.into()),
        root_access: Some("Disabled".into()),
        ..NotebookInstance::default()
    };
    match t.weighted(&[92, 4, 2, 2]) {
        0 => {
            let sp = t.pick(subnets);
            let vpc = &vpcs[sp.vpc];
            nb.subnet_id = Some(sp.id.clone());
            for _ in 0..1 + t.below(2) {
                let g = t.pick(&vpc.sgs).clone();
                if !nb.security_groups.contains(&g) {
                    nb.security_groups.push(g);
                }
            }
            if t.chance(2) {
                nb.security_groups.push("sg-0gone".into());
            }
            let eni = format!("eni-0nb{i}");
            match t.weighted(&[80, 10, 10]) {
                0 => {
                    let v = sp.vpc;
                    let k = sp.k;
                    let mut ips = vec![PrivateIpAddress {
                        private_ip_address: Some(format!("10.{v}.{k}.{}", 10 + i)),
                        primary: Some(true),
                        association: None,
                    }];
                    if t.chance(15) {
                        ips.push(PrivateIpAddress {
                            private_ip_address: Some(format!("10.{v}.{k}.{}", 200 + i)),
                            primary: Some(false),
                            association: None,
                        });
                    }
                    let public = t.chance(30);
                    let ipv6 = sp.v6 && t.chance(75);
                    s.network_interfaces.push(NetworkInterface {
                        network_interface_id: eni.clone(),
                        subnet_id: Some(sp.id.clone()),
                        vpc_id: Some(vpc.id.clone()),
                        interface_type: Some("interface".into()),
                        private_ip_address: Some(format!("10.{v}.{k}.{}", 10 + i)),
                        private_ip_addresses: ips,
                        association: public.then(|| IpAssociation {
                            public_ip: Some(format!("3.80.{v}.{}", 10 + i)),
                        }),
                        ipv6_addresses: if ipv6 {
                            vec![Ipv6Address {
                                ipv6_address: format!("2600:1f18:{v}:{k}::a{i}"),
                            }]
                        } else {
                            Vec::new()
                        },
                        groups: nb
                            .security_groups
                            .iter()
                            .map(|g| GroupIdentifier {
                                group_id: g.clone(),
                                group_name: None,
                            })
                            .collect(),
                        ..NetworkInterface::default()
                    });
                    nb.network_interface_id = Some(eni);
                }
                1 => nb.network_interface_id = Some(eni),
                _ => {}
            }
        }
        1 => {}
        2 => {
            nb.subnet_id = Some("subnet-0gone".into());
            nb.security_groups.push(vpcs[0].sgs[0].clone());
        }
        _ => {
            // A list-notebook-instances summary: name, ARN and status only.
            nb.direct_internet_access = None;
            nb.root_access = None;
        }
    }
    s.notebook_instances.push(nb);
}
