//! Running moto in server mode (a real implementation of the EC2 and SageMaker APIs) on
//! 127.0.0.1, and building topologies in it through the AWS SDK with dummy credentials — never
//! real AWS. Used by `tests/scan_moto.rs` and `benches/scan.rs`.
//!
//! moto is found through `VPCREACH_MOTO_SERVER` (the path of `moto_server`; `.ci/run` installs it
//! into `.ci/venv` and sets it), else at `.ci/venv/bin/moto_server`. Without it the tests skip
//! loudly, unless `VPCREACH_FULL_TESTS=1`, when they fail.
#![allow(dead_code)]

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ec2::types::{
    AttributeBooleanValue, DomainType, Filter, IpPermission, NewDhcpConfiguration, UserIdGroupPair,
    VpcEndpointType,
};
use aws_sdk_sagemaker::types::{DirectInternetAccess, InstanceType, RootAccess};

/// The dummy credentials every request to moto is signed with.
pub const KEY_ID: &str = "testing";
pub const SECRET: &str = "testing";
pub const REGION: &str = "us-east-1";

/// `moto_server`, or why the calling test is skipped (it panics under `VPCREACH_FULL_TESTS=1`).
pub fn moto_server(test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("VPCREACH_MOTO_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/venv/bin/moto_server")
        });
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "{test}: moto_server not found at {} (set VPCREACH_MOTO_SERVER, or run the moto block of .ci/run)",
        path.display()
    );
    if std::env::var("VPCREACH_FULL_TESTS").as_deref() == Ok("1") {
        panic!("{msg}");
    }
    // Straight to the process's stderr: libtest captures `eprintln!` of passing tests.
    let _ = writeln!(std::io::stderr(), "SKIPPED: {msg}");
    None
}

/// Whether moto (its own `/moto-api/data.json`, which no other server here has) answers on
/// `port`.
fn is_moto(port: u16) -> bool {
    use std::io::Read;
    let Ok(mut c) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = c.set_read_timeout(Some(Duration::from_secs(5)));
    let req = "GET /moto-api/data.json HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if c.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    c.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

/// A moto server on a free port of 127.0.0.1, stopped when dropped.
pub struct Moto {
    child: Child,
    pub url: String,
}

impl Moto {
    pub fn start(server: &PathBuf) -> Moto {
        // A port is chosen by binding port 0 and releasing it; a parallel test's server may take
        // it before moto binds it, so a start is only trusted once *moto* answers on it.
        for _ in 0..5 {
            if let Some(moto) = Self::try_start(server) {
                return moto;
            }
        }
        panic!("moto_server could not be started on a free port of 127.0.0.1 (5 attempts)");
    }

    fn try_start(server: &PathBuf) -> Option<Moto> {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", server.display()));
        let mut moto = Moto {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if moto.child.try_wait().ok().flatten().is_some() {
                // moto exited: the port was taken.
                return None;
            }
            if is_moto(port) {
                return Some(moto);
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on port {port} within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// SDK clients for this server.
    pub fn clients(&self) -> (aws_sdk_ec2::Client, aws_sdk_sagemaker::Client) {
        let creds = Credentials::new(KEY_ID, SECRET, None, None, "vpcreach-tests");
        let ec2 = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .endpoint_url(&self.url)
            .credentials_provider(creds.clone())
            .build();
        let sm = aws_sdk_sagemaker::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_sdk_sagemaker::config::Region::new(REGION))
            .endpoint_url(&self.url)
            .credentials_provider(creds)
            .build();
        (
            aws_sdk_ec2::Client::from_conf(ec2),
            aws_sdk_sagemaker::Client::from_conf(sm),
        )
    }

    /// SDK clients for this server in `region`, signed with these credentials (an IAM user's
    /// key, or an assumed role's session: moto then acts in that role's account).
    pub fn clients_as(
        &self,
        creds: &Creds,
        region: &str,
    ) -> (aws_sdk_ec2::Client, aws_sdk_sagemaker::Client) {
        let c = Credentials::new(
            &creds.key,
            &creds.secret,
            creds.token.clone(),
            None,
            "vpcreach-tests",
        );
        let ec2 = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .endpoint_url(&self.url)
            .credentials_provider(c.clone())
            .build();
        let sm = aws_sdk_sagemaker::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(aws_sdk_sagemaker::config::Region::new(region.to_string()))
            .endpoint_url(&self.url)
            .credentials_provider(c)
            .build();
        (
            aws_sdk_ec2::Client::from_conf(ec2),
            aws_sdk_sagemaker::Client::from_conf(sm),
        )
    }

    /// Run `vpcreach ARGS` against this server (`--endpoint-url` is not added) with these
    /// credentials and no other AWS configuration.
    pub fn vpcreach_as(&self, creds: &Creds, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vpcreach"));
        c.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                c.env_remove(k);
            }
        }
        c.env("AWS_ACCESS_KEY_ID", &creds.key)
            .env("AWS_SECRET_ACCESS_KEY", &creds.secret)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/vpcreach-test/config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/vpcreach-test/credentials",
            );
        if let Some(t) = &creds.token {
            c.env("AWS_SESSION_TOKEN", t);
        }
        c.output().unwrap()
    }

    /// Run `vpcreach scan --endpoint-url <this server> --region us-east-1 ARGS`.
    pub fn scan(&self, args: &[&str]) -> Output {
        let mut c = Command::new(env!("CARGO_BIN_EXE_vpcreach"));
        c.current_dir(env!("CARGO_MANIFEST_DIR")).args([
            "scan",
            "--endpoint-url",
            &self.url,
            "--region",
            REGION,
        ]);
        c.args(args);
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") {
                c.env_remove(k);
            }
        }
        c.env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/nonexistent/vpcreach-test/config")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/vpcreach-test/credentials",
            );
        c.output().unwrap()
    }
}

/// Credentials to sign requests to moto with.
#[derive(Debug, Clone)]
pub struct Creds {
    pub key: String,
    pub secret: String,
    pub token: Option<String>,
}

impl Creds {
    /// moto's dummy credentials (its default account, 123456789012).
    pub fn testing() -> Creds {
        Creds {
            key: KEY_ID.into(),
            secret: SECRET.into(),
            token: None,
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A tokio runtime for the topology builders.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Builds topologies through the API, as a person with the console or the CLI would.
pub struct Builder {
    pub ec2: aws_sdk_ec2::Client,
    pub sm: aws_sdk_sagemaker::Client,
}

impl Builder {
    pub fn new(moto: &Moto) -> Builder {
        let (ec2, sm) = moto.clients();
        Builder { ec2, sm }
    }

    /// A builder acting in another account (its credentials) or region.
    pub fn as_account(moto: &Moto, creds: &Creds, region: &str) -> Builder {
        let (ec2, sm) = moto.clients_as(creds, region);
        Builder { ec2, sm }
    }

    /// A VPC with the two DNS attributes set as given, using a DHCP option set of
    /// AmazonProvidedDNS.
    ///
    /// moto deviation: a new VPC has no DHCP option set in moto (`DhcpOptionsId` `default`); on
    /// AWS it gets the region's default set (`domain-name-servers` AmazonProvidedDNS,
    /// `domain-name` ec2.internal in us-east-1). Creating and associating that set here gives the
    /// VPC what AWS would.
    pub async fn vpc(&self, cidr: &str, dns_support: bool, dns_hostnames: bool) -> String {
        let v = self.bare_vpc(cidr, dns_support, dns_hostnames).await;
        self.dhcp_options(&v, &["AmazonProvidedDNS"]).await;
        v
    }

    /// Create a DHCP option set with these `domain-name-servers` and associate it with `vpc`;
    /// returns its ID.
    pub async fn dhcp_options(&self, vpc: &str, servers: &[&str]) -> String {
        let cfg = |k: &str, v: &[&str]| {
            NewDhcpConfiguration::builder()
                .key(k)
                .set_values(Some(v.iter().map(|s| s.to_string()).collect()))
                .build()
        };
        let d = self
            .ec2
            .create_dhcp_options()
            .dhcp_configurations(cfg("domain-name-servers", servers))
            .dhcp_configurations(cfg("domain-name", &["ec2.internal"]))
            .send()
            .await
            .unwrap()
            .dhcp_options
            .unwrap()
            .dhcp_options_id
            .unwrap();
        self.ec2
            .associate_dhcp_options()
            .dhcp_options_id(&d)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
        d
    }

    /// A VPC with the two DNS attributes set as given and no DHCP option set yet.
    pub async fn bare_vpc(&self, cidr: &str, dns_support: bool, dns_hostnames: bool) -> String {
        let v = self
            .ec2
            .create_vpc()
            .cidr_block(cidr)
            .send()
            .await
            .unwrap()
            .vpc
            .unwrap()
            .vpc_id
            .unwrap();
        let b = |x: bool| AttributeBooleanValue::builder().value(x).build();
        self.ec2
            .modify_vpc_attribute()
            .vpc_id(&v)
            .enable_dns_support(b(dns_support))
            .send()
            .await
            .unwrap();
        self.ec2
            .modify_vpc_attribute()
            .vpc_id(&v)
            .enable_dns_hostnames(b(dns_hostnames))
            .send()
            .await
            .unwrap();
        v
    }

    pub async fn subnet(&self, vpc: &str, cidr: &str, az: &str) -> String {
        self.ec2
            .create_subnet()
            .vpc_id(vpc)
            .cidr_block(cidr)
            .availability_zone(az)
            .send()
            .await
            .unwrap()
            .subnet
            .unwrap()
            .subnet_id
            .unwrap()
    }

    /// A new route table associated with `subnets`.
    pub async fn route_table(&self, vpc: &str, subnets: &[&str]) -> String {
        let rt = self
            .ec2
            .create_route_table()
            .vpc_id(vpc)
            .send()
            .await
            .unwrap()
            .route_table
            .unwrap()
            .route_table_id
            .unwrap();
        for s in subnets {
            self.ec2
                .associate_route_table()
                .route_table_id(&rt)
                .subnet_id(*s)
                .send()
                .await
                .unwrap();
        }
        rt
    }

    /// The VPC's main route table.
    pub async fn main_route_table(&self, vpc: &str) -> String {
        let f = |n: &str, v: &str| Filter::builder().name(n).values(v).build();
        self.ec2
            .describe_route_tables()
            .filters(f("vpc-id", vpc))
            .filters(f("association.main", "true"))
            .send()
            .await
            .unwrap()
            .route_tables
            .unwrap()
            .remove(0)
            .route_table_id
            .unwrap()
    }

    pub async fn security_group(&self, vpc: &str, name: &str) -> String {
        self.ec2
            .create_security_group()
            .vpc_id(vpc)
            .group_name(name)
            .description(name)
            .send()
            .await
            .unwrap()
            .group_id
            .unwrap()
    }

    /// Allow TCP 443 into `sg` from members of `from`.
    pub async fn allow_https_from(&self, sg: &str, from: &str) {
        self.ec2
            .authorize_security_group_ingress()
            .group_id(sg)
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .user_id_group_pairs(UserIdGroupPair::builder().group_id(from).build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    /// An interface endpoint for `com.amazonaws.us-east-1.<service>`.
    ///
    /// moto deviation: it gives the endpoint's network interface an address outside the
    /// endpoint's subnet (random in 10.0.0.0/8) and the VPC's default security group. On AWS the
    /// address is in the subnet. Deleting that interface makes vpcreach fall back to the subnet's
    /// CIDR as the endpoint's addresses (DESIGN §3), which is what AWS's own address lies in, so
    /// every assertion below holds on AWS too. (The endpoint's own `Groups` are what vpcreach
    /// judges, and moto reports those correctly.)
    pub async fn interface_endpoint(
        &self,
        vpc: &str,
        service: &str,
        subnet: &str,
        sg: &str,
        private_dns: bool,
    ) -> String {
        let ep = self
            .ec2
            .create_vpc_endpoint()
            .vpc_id(vpc)
            .vpc_endpoint_type(VpcEndpointType::Interface)
            .service_name(format!("com.amazonaws.{REGION}.{service}"))
            .subnet_ids(subnet)
            .security_group_ids(sg)
            .private_dns_enabled(private_dns)
            .send()
            .await
            .unwrap()
            .vpc_endpoint
            .unwrap();
        for eni in ep.network_interface_ids.unwrap_or_default() {
            self.ec2
                .delete_network_interface()
                .network_interface_id(eni)
                .send()
                .await
                .unwrap();
        }
        ep.vpc_endpoint_id.unwrap()
    }

    /// An S3 gateway endpoint on `route_tables` (moto adds the prefix-list route as AWS does;
    /// the AWS-managed prefix list's ID is random per moto start, so nothing depends on it).
    pub async fn s3_gateway_endpoint(&self, vpc: &str, route_tables: &[&str]) -> String {
        let mut req = self
            .ec2
            .create_vpc_endpoint()
            .vpc_id(vpc)
            .vpc_endpoint_type(VpcEndpointType::Gateway)
            .service_name(format!("com.amazonaws.{REGION}.s3"));
        for rt in route_tables {
            req = req.route_table_ids(*rt);
        }
        req.send()
            .await
            .unwrap()
            .vpc_endpoint
            .unwrap()
            .vpc_endpoint_id
            .unwrap()
    }

    /// An internet gateway attached to `vpc`, and a public subnet routing 0.0.0.0/0 to it.
    pub async fn internet_gateway(&self, vpc: &str, public_subnet: &str) -> String {
        let igw = self
            .ec2
            .create_internet_gateway()
            .send()
            .await
            .unwrap()
            .internet_gateway
            .unwrap()
            .internet_gateway_id
            .unwrap();
        self.ec2
            .attach_internet_gateway()
            .internet_gateway_id(&igw)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
        let rt = self.route_table(vpc, &[public_subnet]).await;
        self.ec2
            .create_route()
            .route_table_id(&rt)
            .destination_cidr_block("0.0.0.0/0")
            .gateway_id(&igw)
            .send()
            .await
            .unwrap();
        igw
    }

    /// A public NAT gateway (with an Elastic IP) in `subnet`.
    pub async fn nat_gateway(&self, subnet: &str) -> String {
        let alloc = self
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .send()
            .await
            .unwrap()
            .allocation_id
            .unwrap();
        self.ec2
            .create_nat_gateway()
            .subnet_id(subnet)
            .allocation_id(alloc)
            .send()
            .await
            .unwrap()
            .nat_gateway
            .unwrap()
            .nat_gateway_id
            .unwrap()
    }

    pub async fn route_to_nat(&self, route_table: &str, nat: &str) {
        self.ec2
            .create_route()
            .route_table_id(route_table)
            .destination_cidr_block("0.0.0.0/0")
            .nat_gateway_id(nat)
            .send()
            .await
            .unwrap();
    }

    /// A notebook in `subnet` with direct internet access and root access disabled.
    ///
    /// moto deviation: `DescribeNotebookInstance` omits `RootAccess` unless it was set at
    /// creation (AWS reports it always, defaulting to Enabled), so it is always set here; and it
    /// never reports a `NetworkInterfaceId` (vpcreach then assumes no public IPv4 address and any
    /// address of the subnet, and says so in an info diagnostic).
    pub async fn notebook(&self, name: &str, subnet: &str, sgs: &[&str]) {
        let mut req = self
            .sm
            .create_notebook_instance()
            .notebook_instance_name(name)
            .instance_type(InstanceType::MlT3Medium)
            .role_arn("arn:aws:iam::123456789012:role/service-role/SageMakerExecution")
            .subnet_id(subnet)
            .direct_internet_access(DirectInternetAccess::Disabled)
            .root_access(RootAccess::Disabled);
        for sg in sgs {
            req = req.security_group_ids(*sg);
        }
        req.send().await.unwrap();
    }
}

/// The services of the default profile that go through interface endpoints.
pub const INTERFACE_SERVICES: &[&str] = &["sagemaker.api", "sagemaker.runtime", "sts", "logs"];
