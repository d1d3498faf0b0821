//! One change to an AWS network, as data: applied to a snapshot (so that it can be judged again,
//! and saved by `vpcreach fix`), described in a sentence, and spelled as AWS CLI commands, a
//! Terraform snippet and a CloudFormation snippet.
//!
//! The AWS behaviour each change relies on:
//! - security-group rules: `authorize-security-group-ingress/egress` add an allow rule; rules are a
//!   union, so adding one never blocks anything
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html>);
//! - `modify-vpc-attribute --enable-dns-support/--enable-dns-hostnames`, and
//!   `modify-vpc-endpoint --private-dns-enabled`, which private DNS for interface endpoints needs
//!   (<https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#private-dns>);
//! - `modify-vpc-endpoint --add-route-table-ids`: a gateway endpoint adds a route for the
//!   service's prefix list to each associated table
//!   (<https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>);
//! - `delete-route`; `create-network-acl-entry` (entries are evaluated by rule number, lowest
//!   first); `update-notebook-instance --direct-internet-access` is not possible: SageMaker
//!   decides it at creation, so the notebook must be re-created
//!   (<https://docs.aws.amazon.com/sagemaker/latest/dg/appendix-notebook-and-internet-access.html>).

use vpcreach_aws::Snapshot;
use vpcreach_aws::snapshot::{
    AclPortRange, AttrBool, IpPermission, IpRange, NetworkAclEntry, PrefixListIdRef, Route,
    UserIdGroupPair, VpcAttribute,
};

/// Who a new security-group rule admits or reaches.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    Group(String),
    PrefixList(String),
    Cidr(String),
}

/// A change to the network.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Edit {
    /// Allow TCP 443 into (`egress` false) or out of (`egress` true) `group`, from or to `peer`.
    AllowHttps {
        group: String,
        egress: bool,
        peer: Peer,
    },
    /// Turn a VPC's DNS attribute on (`hostnames` false: `enableDnsSupport`).
    EnableVpcDns { vpc: String, hostnames: bool },
    /// Turn on private DNS of an interface endpoint.
    EnablePrivateDns { endpoint: String },
    /// Associate a gateway endpoint with a route table (its prefix-list route).
    AssociateGatewayEndpoint {
        endpoint: String,
        route_table: String,
        prefix_list: String,
    },
    /// Delete a route (the default route to an internet or NAT gateway).
    DeleteRoute {
        route_table: String,
        destination: String,
    },
    /// Add allow entries for TCP `from`-`to` to or from each of `cidrs` to a network ACL, numbered
    /// from `rule_number` up, before every existing entry of that direction (one per CIDR: an
    /// entry takes a CIDR, never a prefix list).
    AllowAcl {
        acl: String,
        egress: bool,
        rule_number: i64,
        from: i64,
        to: i64,
        cidrs: Vec<String>,
    },
    /// Re-create the notebook with direct internet access disabled.
    DisableDirectInternetAccess { notebook: String },
    /// Create an interface endpoint for `service` in `subnet` with private DNS, and a security
    /// group for it that admits TCP 443 from the notebook's groups.
    CreateInterfaceEndpoint {
        vpc: String,
        service: String,
        subnet: String,
        from_groups: Vec<String>,
    },
    /// Create a gateway endpoint for `service` (S3, DynamoDB) on `route_table`.
    CreateGatewayEndpoint {
        vpc: String,
        service: String,
        route_table: String,
        prefix_list: String,
    },
    /// Re-create the notebook in `subnet` with `groups` and direct internet access disabled —
    /// the placement of `like`, a notebook that is compliant there.
    MoveNotebook {
        notebook: String,
        subnet: String,
        groups: Vec<String>,
        like: String,
    },
}

/// The IDs a created endpoint and its security group get in the fixed snapshot: one per service
/// and VPC (`vpce-fix:sts@vpc-0a…`, `sg-fix:sts-endpoint@vpc-0a…`).
pub fn created_ids(vpc: &str, service: &str) -> (String, String) {
    let short = service
        .rsplit_once(".amazonaws.")
        .map_or(service, |(_, r)| r.split_once('.').map_or(r, |(_, s)| s));
    (
        format!("vpce-fix:{short}@{vpc}"),
        format!("sg-fix:{short}-endpoint@{vpc}"),
    )
}

impl Edit {
    /// Apply the change to `snap`; false when it does not apply (the resource is not there).
    pub fn apply(&self, snap: &mut Snapshot) -> bool {
        match self {
            Edit::AllowHttps {
                group,
                egress,
                peer,
            } => {
                let Some(g) = snap
                    .security_groups
                    .iter_mut()
                    .find(|g| &g.group_id == group)
                else {
                    return false;
                };
                let mut p = IpPermission {
                    ip_protocol: "tcp".into(),
                    from_port: Some(443),
                    to_port: Some(443),
                    ..IpPermission::default()
                };
                match peer {
                    Peer::Group(id) => p.user_id_group_pairs.push(UserIdGroupPair {
                        group_id: Some(id.clone()),
                        ..UserIdGroupPair::default()
                    }),
                    Peer::PrefixList(id) => p.prefix_list_ids.push(PrefixListIdRef {
                        prefix_list_id: id.clone(),
                        description: None,
                    }),
                    Peer::Cidr(c) => p.ip_ranges.push(IpRange {
                        cidr_ip: c.clone(),
                        description: None,
                    }),
                }
                if *egress {
                    g.ip_permissions_egress.push(p);
                } else {
                    g.ip_permissions.push(p);
                }
                true
            }
            Edit::EnableVpcDns { vpc, hostnames } => {
                if !snap.vpcs.iter().any(|v| &v.vpc_id == vpc) {
                    return false;
                }
                let attrs = &mut snap.vpc_attributes;
                if !attrs.iter().any(|a| &a.vpc_id == vpc) {
                    attrs.push(VpcAttribute {
                        vpc_id: vpc.clone(),
                        ..VpcAttribute::default()
                    });
                }
                for a in attrs.iter_mut().filter(|a| &a.vpc_id == vpc) {
                    if *hostnames {
                        a.enable_dns_hostnames = Some(AttrBool { value: true });
                    } else {
                        a.enable_dns_support = Some(AttrBool { value: true });
                    }
                }
                true
            }
            Edit::EnablePrivateDns { endpoint } => {
                match snap
                    .vpc_endpoints
                    .iter_mut()
                    .find(|e| &e.vpc_endpoint_id == endpoint)
                {
                    Some(e) => {
                        e.private_dns_enabled = Some(true);
                        true
                    }
                    None => false,
                }
            }
            Edit::AssociateGatewayEndpoint {
                endpoint,
                route_table,
                prefix_list,
            } => {
                let Some(rt) = snap
                    .route_tables
                    .iter_mut()
                    .find(|r| &r.route_table_id == route_table)
                else {
                    return false;
                };
                rt.routes.push(Route {
                    destination_prefix_list_id: Some(prefix_list.clone()),
                    gateway_id: Some(endpoint.clone()),
                    origin: Some("CreateRoute".into()),
                    state: Some("active".into()),
                    ..Route::default()
                });
                if let Some(e) = snap
                    .vpc_endpoints
                    .iter_mut()
                    .find(|e| &e.vpc_endpoint_id == endpoint)
                {
                    e.route_table_ids.push(route_table.clone());
                }
                true
            }
            Edit::DeleteRoute {
                route_table,
                destination,
            } => {
                let Some(rt) = snap
                    .route_tables
                    .iter_mut()
                    .find(|r| &r.route_table_id == route_table)
                else {
                    return false;
                };
                let before = rt.routes.len();
                rt.routes
                    .retain(|r| destination_of(r).as_deref() != Some(destination));
                rt.routes.len() < before
            }
            Edit::AllowAcl {
                acl,
                egress,
                rule_number,
                from,
                to,
                cidrs,
            } => {
                let Some(a) = snap
                    .network_acls
                    .iter_mut()
                    .find(|a| &a.network_acl_id == acl)
                else {
                    return false;
                };
                for (n, cidr) in (*rule_number..).zip(cidrs) {
                    let v6 = cidr.contains(':');
                    a.entries.push(NetworkAclEntry {
                        rule_number: n,
                        egress: *egress,
                        protocol: "6".into(),
                        rule_action: "allow".into(),
                        cidr_block: (!v6).then(|| cidr.clone()),
                        ipv6_cidr_block: v6.then(|| cidr.clone()),
                        port_range: Some(AclPortRange {
                            from: Some(*from),
                            to: Some(*to),
                        }),
                        icmp_type_code: None,
                    });
                }
                true
            }
            Edit::CreateInterfaceEndpoint {
                vpc,
                service,
                subnet,
                from_groups,
            } => {
                let (ep, sg) = created_ids(vpc, service);
                let rule = |g: &String| IpPermission {
                    ip_protocol: "tcp".into(),
                    from_port: Some(443),
                    to_port: Some(443),
                    user_id_group_pairs: vec![UserIdGroupPair {
                        group_id: Some(g.clone()),
                        ..UserIdGroupPair::default()
                    }],
                    ..IpPermission::default()
                };
                // Made by an earlier fix (one endpoint per service and VPC, as private DNS
                // allows): it also serves this subnet and admits these groups.
                if let Some(e) = snap
                    .vpc_endpoints
                    .iter_mut()
                    .find(|e| e.vpc_endpoint_id == ep)
                {
                    if !e.subnet_ids.contains(subnet) {
                        e.subnet_ids.push(subnet.clone());
                    }
                    if let Some(g) = snap.security_groups.iter_mut().find(|g| g.group_id == sg) {
                        for f in from_groups {
                            let r = rule(f);
                            if !g.ip_permissions.contains(&r) {
                                g.ip_permissions.push(r);
                            }
                        }
                    }
                    return true;
                }
                snap.security_groups
                    .push(vpcreach_aws::snapshot::SecurityGroup {
                        group_id: sg.clone(),
                        group_name: Some(format!("{ep}-endpoint")),
                        vpc_id: Some(vpc.clone()),
                        ip_permissions: from_groups.iter().map(rule).collect(),
                        ..Default::default()
                    });
                snap.vpc_endpoints
                    .push(vpcreach_aws::snapshot::VpcEndpoint {
                        vpc_endpoint_id: ep,
                        vpc_endpoint_type: Some("Interface".into()),
                        vpc_id: Some(vpc.clone()),
                        service_name: Some(service.clone()),
                        state: Some("available".into()),
                        private_dns_enabled: Some(true),
                        subnet_ids: vec![subnet.clone()],
                        groups: vec![vpcreach_aws::snapshot::GroupIdentifier {
                            group_id: sg,
                            group_name: None,
                        }],
                        ..Default::default()
                    });
                true
            }
            Edit::CreateGatewayEndpoint {
                vpc,
                service,
                route_table,
                prefix_list,
            } => {
                let (ep, _) = created_ids(vpc, service);
                let Some(rt) = snap
                    .route_tables
                    .iter_mut()
                    .find(|r| &r.route_table_id == route_table)
                else {
                    return false;
                };
                rt.routes.push(Route {
                    destination_prefix_list_id: Some(prefix_list.clone()),
                    gateway_id: Some(ep.clone()),
                    origin: Some("CreateRoute".into()),
                    state: Some("active".into()),
                    ..Route::default()
                });
                // Made by an earlier fix: associate it with one more table.
                if let Some(e) = snap
                    .vpc_endpoints
                    .iter_mut()
                    .find(|e| e.vpc_endpoint_id == ep)
                {
                    e.route_table_ids.push(route_table.clone());
                    return true;
                }
                snap.vpc_endpoints
                    .push(vpcreach_aws::snapshot::VpcEndpoint {
                        vpc_endpoint_id: ep,
                        vpc_endpoint_type: Some("Gateway".into()),
                        vpc_id: Some(vpc.clone()),
                        service_name: Some(service.clone()),
                        state: Some("available".into()),
                        route_table_ids: vec![route_table.clone()],
                        ..Default::default()
                    });
                true
            }
            Edit::MoveNotebook {
                notebook,
                subnet,
                groups,
                ..
            } => match snap
                .notebook_instances
                .iter_mut()
                .find(|n| &n.notebook_instance_name == notebook)
            {
                Some(n) => {
                    n.subnet_id = Some(subnet.clone());
                    n.security_groups = groups.clone();
                    n.direct_internet_access = Some("Disabled".into());
                    n.network_interface_id = None;
                    true
                }
                None => false,
            },
            Edit::DisableDirectInternetAccess { notebook } => {
                match snap
                    .notebook_instances
                    .iter_mut()
                    .find(|n| &n.notebook_instance_name == notebook)
                {
                    Some(n) => {
                        n.direct_internet_access = Some("Disabled".into());
                        true
                    }
                    None => false,
                }
            }
        }
    }

    /// The resource the change is made to.
    pub fn resource(&self) -> &str {
        match self {
            Edit::AllowHttps { group, .. } => group,
            Edit::EnableVpcDns { vpc, .. } => vpc,
            Edit::EnablePrivateDns { endpoint } => endpoint,
            Edit::AssociateGatewayEndpoint { route_table, .. } => route_table,
            Edit::DeleteRoute { route_table, .. } => route_table,
            Edit::AllowAcl { acl, .. } => acl,
            Edit::DisableDirectInternetAccess { notebook } => notebook,
            Edit::CreateInterfaceEndpoint { subnet, .. } => subnet,
            Edit::CreateGatewayEndpoint { route_table, .. } => route_table,
            Edit::MoveNotebook { notebook, .. } => notebook,
        }
    }

    /// One sentence: what changes.
    pub fn describe(&self) -> String {
        match self {
            Edit::AllowHttps {
                group,
                egress: false,
                peer,
            } => format!(
                "add an ingress rule to {group}: tcp 443 from {}",
                peer_text(peer)
            ),
            Edit::AllowHttps {
                group,
                egress: true,
                peer,
            } => format!(
                "add an egress rule to {group}: tcp 443 to {}",
                peer_text(peer)
            ),
            Edit::EnableVpcDns { vpc, hostnames } => format!(
                "turn on {} of {vpc}",
                if *hostnames {
                    "enableDnsHostnames"
                } else {
                    "enableDnsSupport"
                }
            ),
            Edit::EnablePrivateDns { endpoint } => {
                format!("turn on private DNS of interface endpoint {endpoint}")
            }
            Edit::AssociateGatewayEndpoint {
                endpoint,
                route_table,
                ..
            } => format!("associate gateway endpoint {endpoint} with route table {route_table}"),
            Edit::DeleteRoute {
                route_table,
                destination,
            } => format!("delete the route to {destination} from route table {route_table}"),
            Edit::AllowAcl {
                acl,
                egress,
                rule_number,
                from,
                to,
                cidrs,
            } => format!(
                "add {} #{rule_number}{} to {acl}: allow tcp {from}-{to} {} {}",
                match (*egress, cidrs.len() > 1) {
                    (true, true) => "egress entries",
                    (true, false) => "an egress entry",
                    (false, true) => "ingress entries",
                    (false, false) => "an ingress entry",
                },
                if cidrs.len() > 1 {
                    format!("-#{}", *rule_number + cidrs.len() as i64 - 1)
                } else {
                    String::new()
                },
                if *egress { "to" } else { "from" },
                cidrs.join(", ")
            ),
            Edit::DisableDirectInternetAccess { notebook } => format!(
                "re-create notebook {notebook} with DirectInternetAccess Disabled (it cannot be changed in place)"
            ),
            Edit::CreateInterfaceEndpoint {
                service,
                subnet,
                from_groups,
                ..
            } => format!(
                "create an interface endpoint for {service} in {subnet} with private DNS, and a security group for it admitting tcp 443 from {}",
                from_groups.join(", ")
            ),
            Edit::CreateGatewayEndpoint {
                service,
                route_table,
                ..
            } => format!("create a gateway endpoint for {service} on route table {route_table}"),
            Edit::MoveNotebook {
                notebook,
                subnet,
                groups,
                like,
            } => format!(
                "re-create notebook {notebook} in {subnet} with security groups {} and DirectInternetAccess Disabled (the placement of {like})",
                groups.join(", ")
            ),
        }
    }

    /// The AWS CLI commands that make the change.
    pub fn aws_cli(&self) -> Vec<String> {
        match self {
            Edit::AllowHttps {
                group,
                egress,
                peer,
            } => {
                let verb = if *egress {
                    "authorize-security-group-egress"
                } else {
                    "authorize-security-group-ingress"
                };
                let peer = match peer {
                    Peer::Group(g) => format!("UserIdGroupPairs=[{{GroupId={g}}}]"),
                    Peer::PrefixList(p) => format!("PrefixListIds=[{{PrefixListId={p}}}]"),
                    Peer::Cidr(c) => format!("IpRanges=[{{CidrIp={c}}}]"),
                };
                vec![format!(
                    "aws ec2 {verb} --group-id {group} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,{peer}'"
                )]
            }
            Edit::EnableVpcDns { vpc, hostnames } => vec![format!(
                "aws ec2 modify-vpc-attribute --vpc-id {vpc} --enable-dns-{} '{{\"Value\":true}}'",
                if *hostnames { "hostnames" } else { "support" }
            )],
            Edit::EnablePrivateDns { endpoint } => vec![format!(
                "aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --private-dns-enabled"
            )],
            Edit::AssociateGatewayEndpoint {
                endpoint,
                route_table,
                ..
            } => vec![format!(
                "aws ec2 modify-vpc-endpoint --vpc-endpoint-id {endpoint} --add-route-table-ids {route_table}"
            )],
            Edit::DeleteRoute {
                route_table,
                destination,
            } => {
                let flag = if destination.starts_with("pl-") {
                    "--destination-prefix-list-id"
                } else if destination.contains(':') {
                    "--destination-ipv6-cidr-block"
                } else {
                    "--destination-cidr-block"
                };
                vec![format!(
                    "aws ec2 delete-route --route-table-id {route_table} {flag} {destination}"
                )]
            }
            Edit::AllowAcl {
                acl,
                egress,
                rule_number,
                from,
                to,
                cidrs,
            } => (*rule_number..)
                .zip(cidrs)
                .map(|(n, cidr)| {
                    let block = if cidr.contains(':') {
                        "--ipv6-cidr-block"
                    } else {
                        "--cidr-block"
                    };
                    format!(
                        "aws ec2 create-network-acl-entry --network-acl-id {acl} {} --rule-number {n} --protocol tcp --port-range From={from},To={to} {block} {cidr} --rule-action allow",
                        if *egress { "--egress" } else { "--ingress" }
                    )
                })
                .collect(),
            Edit::DisableDirectInternetAccess { notebook } => vec![
                format!("aws sagemaker stop-notebook-instance --notebook-instance-name {notebook}"),
                format!(
                    "aws sagemaker delete-notebook-instance --notebook-instance-name {notebook}"
                ),
                format!(
                    "aws sagemaker create-notebook-instance --notebook-instance-name {notebook} --direct-internet-access Disabled …(its other settings as before)"
                ),
            ],
            Edit::CreateInterfaceEndpoint {
                vpc,
                service,
                subnet,
                from_groups,
            } => {
                let mut v = vec![format!(
                    "SG=$(aws ec2 create-security-group --vpc-id {vpc} --group-name vpce-{} --description 'HTTPS from the notebooks' --query GroupId --output text)",
                    tf_name(service)
                )];
                for g in from_groups {
                    v.push(format!(
                        "aws ec2 authorize-security-group-ingress --group-id \"$SG\" --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{{GroupId={g}}}]'"
                    ));
                }
                v.push(format!(
                    "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name {service} --subnet-ids {subnet} --security-group-ids \"$SG\" --private-dns-enabled"
                ));
                v
            }
            Edit::CreateGatewayEndpoint {
                vpc,
                service,
                route_table,
                ..
            } => vec![format!(
                "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Gateway --service-name {service} --route-table-ids {route_table}"
            )],
            Edit::MoveNotebook {
                notebook,
                subnet,
                groups,
                ..
            } => vec![
                format!("aws sagemaker stop-notebook-instance --notebook-instance-name {notebook}"),
                format!(
                    "aws sagemaker delete-notebook-instance --notebook-instance-name {notebook}"
                ),
                format!(
                    "aws sagemaker create-notebook-instance --notebook-instance-name {notebook} --subnet-id {subnet} --security-group-ids {} --direct-internet-access Disabled …(its other settings as before)",
                    groups.join(" ")
                ),
            ],
        }
    }

    /// The change as Terraform (a resource to add, or the attribute to set).
    pub fn terraform(&self) -> String {
        let name = tf_name(self.resource());
        match self {
            Edit::AllowHttps {
                group,
                egress,
                peer,
            } => {
                let (kind, peer_attr) = match (egress, peer) {
                    (false, Peer::Group(g)) => {
                        ("ingress", format!("referenced_security_group_id = \"{g}\""))
                    }
                    (true, Peer::Group(g)) => {
                        ("egress", format!("referenced_security_group_id = \"{g}\""))
                    }
                    (false, Peer::PrefixList(p)) | (true, Peer::PrefixList(p)) => (
                        if *egress { "egress" } else { "ingress" },
                        format!("prefix_list_id = \"{p}\""),
                    ),
                    (_, Peer::Cidr(c)) => (
                        if *egress { "egress" } else { "ingress" },
                        format!("cidr_ipv4 = \"{c}\""),
                    ),
                };
                format!(
                    "resource \"aws_vpc_security_group_{kind}_rule\" \"{name}_https\" {{\n  security_group_id = \"{group}\"\n  ip_protocol = \"tcp\"\n  from_port = 443\n  to_port = 443\n  {peer_attr}\n}}\n"
                )
            }
            Edit::EnableVpcDns { hostnames, .. } => format!(
                "# on the aws_vpc resource of {}:\n  {} = true\n",
                self.resource(),
                if *hostnames {
                    "enable_dns_hostnames"
                } else {
                    "enable_dns_support"
                }
            ),
            Edit::EnablePrivateDns { endpoint } => {
                format!(
                    "# on the aws_vpc_endpoint resource of {endpoint}:\n  private_dns_enabled = true\n"
                )
            }
            Edit::AssociateGatewayEndpoint {
                endpoint,
                route_table,
                ..
            } => format!(
                "resource \"aws_vpc_endpoint_route_table_association\" \"{name}_{}\" {{\n  vpc_endpoint_id = \"{endpoint}\"\n  route_table_id = \"{route_table}\"\n}}\n",
                tf_name(endpoint)
            ),
            Edit::DeleteRoute {
                route_table,
                destination,
            } => format!(
                "# remove the aws_route (or the inline route block) of {route_table} with destination {destination}\n"
            ),
            Edit::AllowAcl {
                acl,
                egress,
                rule_number,
                from,
                to,
                cidrs,
            } => (*rule_number..)
                .zip(cidrs)
                .map(|(n, cidr)| {
                    format!(
                        "resource \"aws_network_acl_rule\" \"{name}_{n}\" {{\n  network_acl_id = \"{acl}\"\n  rule_number = {n}\n  egress = {egress}\n  protocol = \"tcp\"\n  rule_action = \"allow\"\n  {} = \"{cidr}\"\n  from_port = {from}\n  to_port = {to}\n}}\n",
                        if cidr.contains(':') {
                            "ipv6_cidr_block"
                        } else {
                            "cidr_block"
                        }
                    )
                })
                .collect(),
            Edit::DisableDirectInternetAccess { notebook } => format!(
                "# on the aws_sagemaker_notebook_instance resource of {notebook} (forces replacement):\n  direct_internet_access = \"Disabled\"\n"
            ),
            Edit::CreateInterfaceEndpoint {
                vpc,
                service,
                subnet,
                from_groups,
            } => {
                let n = tf_name(service);
                let mut t = format!(
                    "resource \"aws_security_group\" \"{n}\" {{\n  vpc_id = \"{vpc}\"\n  description = \"HTTPS from the notebooks\"\n}}\n"
                );
                for (i, g) in from_groups.iter().enumerate() {
                    t.push_str(&format!(
                        "resource \"aws_vpc_security_group_ingress_rule\" \"{n}_{i}\" {{\n  security_group_id = aws_security_group.{n}.id\n  ip_protocol = \"tcp\"\n  from_port = 443\n  to_port = 443\n  referenced_security_group_id = \"{g}\"\n}}\n"
                    ));
                }
                t.push_str(&format!(
                    "resource \"aws_vpc_endpoint\" \"{n}\" {{\n  vpc_id = \"{vpc}\"\n  service_name = \"{service}\"\n  vpc_endpoint_type = \"Interface\"\n  subnet_ids = [\"{subnet}\"]\n  security_group_ids = [aws_security_group.{n}.id]\n  private_dns_enabled = true\n}}\n"
                ));
                t
            }
            Edit::CreateGatewayEndpoint {
                vpc,
                service,
                route_table,
                ..
            } => format!(
                "resource \"aws_vpc_endpoint\" \"{}\" {{\n  vpc_id = \"{vpc}\"\n  service_name = \"{service}\"\n  vpc_endpoint_type = \"Gateway\"\n  route_table_ids = [\"{route_table}\"]\n}}\n",
                tf_name(service)
            ),
            Edit::MoveNotebook {
                notebook,
                subnet,
                groups,
                ..
            } => format!(
                "# on the aws_sagemaker_notebook_instance resource of {notebook} (forces replacement):\n  subnet_id = \"{subnet}\"\n  security_groups = [{}]\n  direct_internet_access = \"Disabled\"\n",
                groups
                    .iter()
                    .map(|g| format!("\"{g}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The change as CloudFormation (a resource to add, or the property to set).
    pub fn cloudformation(&self) -> String {
        let name = cfn_name(self.resource());
        match self {
            Edit::AllowHttps {
                group,
                egress,
                peer,
            } => {
                let (kind, peer_prop) = match (egress, peer) {
                    (false, Peer::Group(g)) => (
                        "SecurityGroupIngress",
                        format!("SourceSecurityGroupId: {g}"),
                    ),
                    (true, Peer::Group(g)) => (
                        "SecurityGroupEgress",
                        format!("DestinationSecurityGroupId: {g}"),
                    ),
                    (false, Peer::PrefixList(p)) => {
                        ("SecurityGroupIngress", format!("SourcePrefixListId: {p}"))
                    }
                    (true, Peer::PrefixList(p)) => (
                        "SecurityGroupEgress",
                        format!("DestinationPrefixListId: {p}"),
                    ),
                    (false, Peer::Cidr(c)) => ("SecurityGroupIngress", format!("CidrIp: {c}")),
                    (true, Peer::Cidr(c)) => ("SecurityGroupEgress", format!("CidrIp: {c}")),
                };
                format!(
                    "{name}Https:\n  Type: AWS::EC2::{kind}\n  Properties:\n    GroupId: {group}\n    IpProtocol: tcp\n    FromPort: 443\n    ToPort: 443\n    {peer_prop}\n"
                )
            }
            Edit::EnableVpcDns { hostnames, .. } => format!(
                "# on the AWS::EC2::VPC of {}:\n    {}: true\n",
                self.resource(),
                if *hostnames {
                    "EnableDnsHostnames"
                } else {
                    "EnableDnsSupport"
                }
            ),
            Edit::EnablePrivateDns { endpoint } => {
                format!(
                    "# on the AWS::EC2::VPCEndpoint of {endpoint}:\n    PrivateDnsEnabled: true\n"
                )
            }
            Edit::AssociateGatewayEndpoint {
                endpoint,
                route_table,
                ..
            } => format!(
                "# on the AWS::EC2::VPCEndpoint of {endpoint}, add to RouteTableIds:\n    - {route_table}\n"
            ),
            Edit::DeleteRoute {
                route_table,
                destination,
            } => format!(
                "# remove the AWS::EC2::Route of {route_table} with destination {destination}\n"
            ),
            Edit::AllowAcl {
                acl,
                egress,
                rule_number,
                from,
                to,
                cidrs,
            } => (*rule_number..)
                .zip(cidrs)
                .map(|(n, cidr)| {
                    format!(
                        "{name}Entry{n}:\n  Type: AWS::EC2::NetworkAclEntry\n  Properties:\n    NetworkAclId: {acl}\n    RuleNumber: {n}\n    Egress: {egress}\n    Protocol: 6\n    RuleAction: allow\n    {}: {cidr}\n    PortRange: {{From: {from}, To: {to}}}\n",
                        if cidr.contains(':') {
                            "Ipv6CidrBlock"
                        } else {
                            "CidrBlock"
                        }
                    )
                })
                .collect(),
            Edit::DisableDirectInternetAccess { notebook } => format!(
                "# on the AWS::SageMaker::NotebookInstance of {notebook} (requires replacement):\n    DirectInternetAccess: Disabled\n"
            ),
            Edit::CreateInterfaceEndpoint {
                vpc,
                service,
                subnet,
                from_groups,
            } => {
                let n = cfn_name(service);
                let mut t = format!(
                    "{n}EndpointSg:\n  Type: AWS::EC2::SecurityGroup\n  Properties:\n    GroupDescription: HTTPS from the notebooks\n    VpcId: {vpc}\n    SecurityGroupIngress:\n"
                );
                for g in from_groups {
                    t.push_str(&format!(
                        "      - {{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: {g}}}\n"
                    ));
                }
                t.push_str(&format!(
                    "{n}Endpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: {vpc}\n    ServiceName: {service}\n    VpcEndpointType: Interface\n    PrivateDnsEnabled: true\n    SubnetIds: [{subnet}]\n    SecurityGroupIds: [!Ref {n}EndpointSg]\n"
                ));
                t
            }
            Edit::CreateGatewayEndpoint {
                vpc,
                service,
                route_table,
                ..
            } => format!(
                "{}Endpoint:\n  Type: AWS::EC2::VPCEndpoint\n  Properties:\n    VpcId: {vpc}\n    ServiceName: {service}\n    VpcEndpointType: Gateway\n    RouteTableIds: [{route_table}]\n",
                cfn_name(service)
            ),
            Edit::MoveNotebook {
                notebook,
                subnet,
                groups,
                ..
            } => format!(
                "# on the AWS::SageMaker::NotebookInstance of {notebook} (requires replacement):\n    SubnetId: {subnet}\n    SecurityGroupIds: [{}]\n    DirectInternetAccess: Disabled\n",
                groups.join(", ")
            ),
        }
    }
}

fn peer_text(p: &Peer) -> String {
    match p {
        Peer::Group(g) => format!("security group {g}"),
        Peer::PrefixList(p) => format!("prefix list {p}"),
        Peer::Cidr(c) => c.clone(),
    }
}

/// A route's destination as the CLI names it.
pub fn destination_of(r: &Route) -> Option<String> {
    r.destination_cidr_block
        .clone()
        .or_else(|| r.destination_ipv6_cidr_block.clone())
        .or_else(|| r.destination_prefix_list_id.clone())
}

fn tf_name(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn cfn_name(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|s| !s.is_empty())
        .map(|s| {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
