//! A loopback HTTP stub of the EC2 (query/XML), SageMaker (JSON 1.1) and STS (AssumeRole) APIs,
//! serving a snapshot (e.g. a bundled sample) the way AWS would: paginated with `NextToken`,
//! honouring the `vpc-id` filters, per region (read from the request's SigV4 credential scope)
//! and per account (read from the access key, which the stub's own AssumeRole hands out). Faults
//! can be injected per operation (access denied, throttled once, throttled always) and per
//! resource (access denied for one prefix list's entries, or for one notebook's description).
//!
//! It lets `vpcreach scan` run against recorded-style answers without moto and without any
//! network but 127.0.0.1, so pagination and error paths are tested on every `cargo test`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use serde_json::{Map, Value, json};

/// An injected failure for one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Every call answers 403 `UnauthorizedOperation` (EC2) / `AccessDeniedException` (SageMaker).
    Deny,
    /// The first call answers a throttling error; the retry succeeds.
    ThrottleOnce,
    /// Every call answers a throttling error.
    ThrottleAlways,
}

/// What the stub serves.
#[derive(Clone)]
pub struct Config {
    /// Snapshot JSON (PascalCase keys) per account ID; the default credentials are the first.
    pub accounts: Vec<(String, Map<String, Value>)>,
    /// The region the accounts' resources are in.
    pub region: String,
    /// More regions with resources (of the default credentials' account); every region that is
    /// neither this nor `region` is empty.
    pub other_regions: BTreeMap<String, Map<String, Value>>,
    /// Items per page.
    pub page_size: usize,
    /// Answer `DescribePrefixLists` without `Cidrs` (as moto does), so the entries must come from
    /// `GetManagedPrefixListEntries`.
    pub prefix_lists_without_cidrs: bool,
    pub faults: BTreeMap<String, Fault>,
    /// Resources whose per-resource call is denied: a prefix-list ID (`GetManagedPrefixListEntries`)
    /// or a notebook name (`DescribeNotebookInstance`).
    pub denied_resources: BTreeSet<String>,
}

impl Config {
    /// Serve one snapshot directory (or file) for the default credentials in us-east-1.
    pub fn sample(path: &str) -> Config {
        Config {
            accounts: vec![("111122223333".into(), load(path))],
            region: "us-east-1".into(),
            other_regions: BTreeMap::new(),
            page_size: 2,
            prefix_lists_without_cidrs: false,
            faults: BTreeMap::new(),
            denied_resources: BTreeSet::new(),
        }
    }

    pub fn fault(mut self, action: &str, f: Fault) -> Config {
        self.faults.insert(action.to_string(), f);
        self
    }

    /// Deny the per-resource call about this prefix-list ID or notebook name.
    pub fn deny_resource(mut self, id: &str) -> Config {
        self.denied_resources.insert(id.to_string());
        self
    }
}

/// A snapshot as the stub serves it: loaded by vpcreach's own loader, so it holds exactly the
/// fields vpcreach keeps.
pub fn load(path: &str) -> Map<String, Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let snap = vpcreach::aws::load_paths(&[root.join(path)])
        .unwrap()
        .snapshot;
    match serde_json::to_value(snap).unwrap() {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

/// What the stub saw.
#[derive(Debug, Default)]
pub struct Seen {
    /// Calls per action (retries included).
    pub calls: BTreeMap<String, usize>,
    /// Filter names per action.
    pub filters: BTreeMap<String, BTreeSet<String>>,
    /// Every header and body received, to check that no secret is ever sent back.
    pub authorizations: Vec<String>,
}

pub struct Stub {
    pub url: String,
    pub seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl Stub {
    pub fn start(cfg: Config) -> Stub {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let cfg = Arc::new(cfg);
        let (seen2, stop2) = (seen.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (cfg, seen) = (cfg.clone(), seen2.clone());
                thread::spawn(move || {
                    let _ = serve(conn, &cfg, &seen);
                });
            }
        });
        Stub {
            url: format!("http://127.0.0.1:{port}"),
            seen,
            stop,
            port,
        }
    }

    pub fn calls(&self, action: &str) -> usize {
        self.seen
            .lock()
            .unwrap()
            .calls
            .get(action)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A secret access key that must never appear in any output.
pub const SECRET: &str = "stub-secret-Zq7wX9vT2kLm";

/// Run `vpcreach ARGS` with dummy credentials and no access to any real AWS configuration.
pub fn vpcreach(args: &[&str]) -> Output {
    vpcreach_env(
        args,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDSTUBDEFAULT"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ],
    )
}

pub fn vpcreach_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vpcreach"));
    c.current_dir(env!("CARGO_MANIFEST_DIR")).args(args);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    c.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/vpcreach-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/vpcreach-test/credentials",
        )
        // Keep retries quick: the SDK's standard mode backs off up to 20 s otherwise.
        .env("AWS_MAX_ATTEMPTS", "3");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn serve(mut conn: TcpStream, cfg: &Config, seen: &Mutex<Seen>) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    let mut line = String::new();
    reader.read_line(&mut line)?; // request line
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let body = String::from_utf8_lossy(&body).into_owned();
    let auth = headers.get("authorization").cloned().unwrap_or_default();
    // `Credential=AKID/20260101/us-east-1/ec2/aws4_request`
    let scope: Vec<&str> = auth
        .split("Credential=")
        .nth(1)
        .unwrap_or("")
        .split(',')
        .next()
        .unwrap_or("")
        .split('/')
        .collect();
    let key_id = scope.first().copied().unwrap_or("");
    let region = scope.get(2).copied().unwrap_or("");
    seen.lock().unwrap().authorizations.push(format!(
        "{}\n{}",
        headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        body
    ));
    let snap = account_snapshot(cfg, key_id, region);
    let (status, ctype, text) = match headers.get("x-amz-target") {
        Some(target) => {
            let action = target.rsplit('.').next().unwrap_or("").to_string();
            let req: Value = serde_json::from_str(&body).unwrap_or(json!({}));
            match fault(cfg, seen, &action) {
                Some(Fault::Deny) => (
                    400,
                    "application/x-amz-json-1.1",
                    json!({"__type": "AccessDeniedException", "Message": format!("User is not authorized to perform: sagemaker:{action}")}).to_string(),
                ),
                Some(_) => (
                    400,
                    "application/x-amz-json-1.1",
                    json!({"__type": "ThrottlingException", "message": "Rate exceeded"}).to_string(),
                ),
                None => sagemaker(&action, &req, &snap, cfg),
            }
        }
        None => {
            let form = parse_form(&body);
            let action = form.get("Action").cloned().unwrap_or_default();
            match fault(cfg, seen, &action) {
                Some(Fault::Deny) => (
                    403,
                    "text/xml",
                    ec2_error(
                        "UnauthorizedOperation",
                        "You are not authorized to perform this operation.",
                    ),
                ),
                Some(_) => (
                    503,
                    "text/xml",
                    ec2_error("RequestLimitExceeded", "Request limit exceeded."),
                ),
                None if action == "AssumeRole" => assume_role(&form, cfg),
                None if action == "GetManagedPrefixListEntries"
                    && form
                        .get("PrefixListId")
                        .is_some_and(|id| cfg.denied_resources.contains(id)) =>
                {
                    (
                        403,
                        "text/xml",
                        ec2_error(
                            "UnauthorizedOperation",
                            "You are not authorized to perform this operation.",
                        ),
                    )
                }
                None => ec2(&action, &form, &snap, cfg, seen),
            }
        }
    };
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        _ => "Service Unavailable",
    };
    write!(
        conn,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nx-amzn-RequestId: stub\r\nConnection: close\r\n\r\n{text}",
        text.len()
    )?;
    conn.flush()
}

/// The snapshot the caller may see: the account its access key belongs to, in the region the
/// request is signed for.
fn account_snapshot(cfg: &Config, key_id: &str, region: &str) -> Map<String, Value> {
    if region != cfg.region {
        return cfg.other_regions.get(region).cloned().unwrap_or_default();
    }
    let account = cfg
        .accounts
        .iter()
        .find(|(id, _)| key_id == format!("ASIASTUB{id}"))
        .or_else(|| cfg.accounts.first());
    account.map(|(_, s)| s.clone()).unwrap_or_default()
}

fn fault(cfg: &Config, seen: &Mutex<Seen>, action: &str) -> Option<Fault> {
    let mut s = seen.lock().unwrap();
    let n = s.calls.entry(action.to_string()).or_insert(0);
    *n += 1;
    match cfg.faults.get(action) {
        Some(Fault::ThrottleOnce) if *n > 1 => None,
        f => f.copied(),
    }
}

fn parse_form(body: &str) -> BTreeMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(h, 16).unwrap_or(b'?'));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn ec2_error(code: &str, message: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>stub</RequestID></Response>"#
    )
}

fn assume_role(form: &BTreeMap<String, String>, cfg: &Config) -> (u16, &'static str, String) {
    let arn = form.get("RoleArn").cloned().unwrap_or_default();
    let account = arn.split(':').nth(4).unwrap_or("").to_string();
    if !cfg.accounts.iter().any(|(id, _)| *id == account) {
        return (
            403,
            "text/xml",
            r#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not allowed to assume the role</Message></Error><RequestId>stub</RequestId></ErrorResponse>"#.to_string(),
        );
    }
    (
        200,
        "text/xml",
        format!(
            r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIASTUB{account}</AccessKeyId><SecretAccessKey>{SECRET}-assumed</SecretAccessKey><SessionToken>stub-session-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROASTUB:vpcreach-scan</AssumedRoleId><Arn>arn:aws:sts::{account}:assumed-role/scan/vpcreach-scan</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></AssumeRoleResponse>"#
        ),
    )
}

fn items(snap: &Map<String, Value>, key: &str) -> Vec<Value> {
    snap.get(key)
        .and_then(|v| v.as_array())
        .cloned()
        .unwrap_or_default()
}

/// The EC2 query API's filters `Filter.N.Name` / `Filter.N.Value.M`.
fn filters(form: &BTreeMap<String, String>) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for n in 1.. {
        let Some(name) = form.get(&format!("Filter.{n}.Name")) else {
            break;
        };
        let values = (1..)
            .map_while(|m| form.get(&format!("Filter.{n}.Value.{m}")).cloned())
            .collect();
        out.push((name.clone(), values));
    }
    out
}

fn matches(item: &Value, name: &str, values: &[String]) -> bool {
    let has = |v: &Value| v.as_str().is_some_and(|s| values.iter().any(|x| x == s));
    match name {
        "vpc-id" => has(&item["VpcId"]),
        "dhcp-options-id" => has(&item["DhcpOptionsId"]),
        "attachment.vpc-id" => item["Attachments"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| has(&a["VpcId"]))),
        other => panic!("the stub does not know the filter {other}"),
    }
}

fn ec2(
    action: &str,
    form: &BTreeMap<String, String>,
    snap: &Map<String, Value>,
    cfg: &Config,
    seen: &Mutex<Seen>,
) -> (u16, &'static str, String) {
    let fs = filters(form);
    seen.lock()
        .unwrap()
        .filters
        .entry(action.to_string())
        .or_default()
        .extend(fs.iter().map(|(n, _)| n.clone()));
    let (list, set): (Vec<Value>, &str) = match action {
        "DescribeVpcAttribute" => {
            let vpc = form.get("VpcId").cloned().unwrap_or_default();
            let attr = form.get("Attribute").cloned().unwrap_or_default();
            let key = if attr == "enableDnsSupport" {
                "EnableDnsSupport"
            } else {
                "EnableDnsHostnames"
            };
            let value = items(snap, "VpcAttributes")
                .into_iter()
                .find(|a| a["VpcId"] == vpc.as_str())
                .and_then(|a| a[key]["Value"].as_bool());
            let inner = value
                .map(|v| format!("<{attr}><value>{v}</value></{attr}>"))
                .unwrap_or_default();
            return (
                200,
                "text/xml",
                format!(
                    r#"<DescribeVpcAttributeResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>stub</requestId><vpcId>{vpc}</vpcId>{inner}</DescribeVpcAttributeResponse>"#
                ),
            );
        }
        "DescribeVpcs" => (items(snap, "Vpcs"), "vpcSet"),
        "DescribeDhcpOptions" => (items(snap, "DhcpOptions"), "dhcpOptionsSet"),
        "DescribeSubnets" => (items(snap, "Subnets"), "subnetSet"),
        "DescribeRouteTables" => (items(snap, "RouteTables"), "routeTableSet"),
        "DescribeInternetGateways" => (items(snap, "InternetGateways"), "internetGatewaySet"),
        "DescribeEgressOnlyInternetGateways" => (
            items(snap, "EgressOnlyInternetGateways"),
            "egressOnlyInternetGatewaySet",
        ),
        "DescribeNatGateways" => (items(snap, "NatGateways"), "natGatewaySet"),
        "DescribeVpcEndpoints" => (items(snap, "VpcEndpoints"), "vpcEndpointSet"),
        "DescribeSecurityGroups" => (items(snap, "SecurityGroups"), "securityGroupInfo"),
        "DescribeNetworkAcls" => (
            items(snap, "NetworkAcls")
                .into_iter()
                .map(|mut a| {
                    // The one field whose XML name is not its JSON name in lower camel case.
                    if let Some(d) = a.as_object_mut().and_then(|o| o.remove("IsDefault")) {
                        a["Default"] = d;
                    }
                    a
                })
                .collect(),
            "networkAclSet",
        ),
        "DescribePrefixLists" => (
            items(snap, "PrefixLists")
                .into_iter()
                .map(|mut p| {
                    if cfg.prefix_lists_without_cidrs {
                        p.as_object_mut().unwrap().remove("Cidrs");
                    }
                    p
                })
                .collect(),
            "prefixListSet",
        ),
        "DescribeManagedPrefixLists" => (
            items(snap, "PrefixLists")
                .into_iter()
                .map(|p| {
                    let name = p["PrefixListName"].as_str().unwrap_or("");
                    json!({
                        "PrefixListId": p["PrefixListId"],
                        "PrefixListName": name,
                        "AddressFamily": "IPv4",
                        "State": "create-complete",
                        "OwnerId": if name.starts_with("com.amazonaws.") { "AWS" } else { "111122223333" },
                    })
                })
                .collect(),
            "prefixListSet",
        ),
        "GetManagedPrefixListEntries" => {
            let id = form.get("PrefixListId").cloned().unwrap_or_default();
            let entries = items(snap, "PrefixLists")
                .into_iter()
                .find(|p| p["PrefixListId"] == id.as_str())
                .and_then(|p| p["Cidrs"].as_array().cloned())
                .unwrap_or_default()
                .into_iter()
                .map(|c| json!({"Cidr": c}))
                .collect();
            (entries, "entrySet")
        }
        "DescribeNetworkInterfaces" => (items(snap, "NetworkInterfaces"), "networkInterfaceSet"),
        "DescribeVpcPeeringConnections" => (
            items(snap, "VpcPeeringConnections"),
            "vpcPeeringConnectionSet",
        ),
        "DescribeTransitGateways" => (items(snap, "TransitGateways"), "transitGatewaySet"),
        other => panic!("the stub does not serve {other}"),
    };
    let list: Vec<Value> = list
        .into_iter()
        .filter(|i| fs.iter().all(|(n, v)| matches(i, n, v)))
        .collect();
    let start: usize = form
        .get("NextToken")
        .and_then(|t| t.strip_prefix("page-"))
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let end = (start + cfg.page_size).min(list.len());
    let mut xml = format!(
        r#"<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>stub</requestId><{set}>"#
    );
    for item in &list[start.min(end)..end] {
        to_xml("item", item, &mut xml);
    }
    xml.push_str(&format!("</{set}>"));
    if end < list.len() {
        xml.push_str(&format!("<nextToken>page-{end}</nextToken>"));
    }
    xml.push_str(&format!("</{action}Response>"));
    (200, "text/xml", xml)
}

/// The XML element name EC2 uses for a field of the CLI's JSON.
fn xml_name(key: &str) -> String {
    match key {
        "Tags" => "tagSet".into(),
        "Associations" => "associationSet".into(),
        "Routes" => "routeSet".into(),
        "Attachments" => "attachmentSet".into(),
        "NatGatewayAddresses" => "natGatewayAddressSet".into(),
        "RouteTableIds" => "routeTableIdSet".into(),
        "SubnetIds" => "subnetIdSet".into(),
        "Groups" => "groupSet".into(),
        "NetworkInterfaceIds" => "networkInterfaceIdSet".into(),
        "UserIdGroupPairs" => "groups".into(),
        "Entries" => "entrySet".into(),
        "Cidrs" => "cidrSet".into(),
        "DhcpConfigurations" => "dhcpConfigurationSet".into(),
        "Values" => "valueSet".into(),
        "PrivateIpAddresses" => "privateIpAddressesSet".into(),
        "Ipv6Addresses" => "ipv6AddressesSet".into(),
        "Default" => "default".into(),
        k => {
            let mut c = k.chars();
            match c.next() {
                Some(f) => f.to_ascii_lowercase().to_string() + c.as_str(),
                None => String::new(),
            }
        }
    }
}

fn to_xml(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Null => {}
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                to_xml(&xml_name(k), v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(a) => {
            out.push_str(&format!("<{name}>"));
            for v in a {
                to_xml("item", v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn sagemaker(
    action: &str,
    req: &Value,
    snap: &Map<String, Value>,
    cfg: &Config,
) -> (u16, &'static str, String) {
    let page_size = cfg.page_size;
    let nbs = items(snap, "NotebookInstances");
    let ok = |v: Value| (200, "application/x-amz-json-1.1", v.to_string());
    match action {
        "ListNotebookInstances" => {
            let start: usize = req["NextToken"]
                .as_str()
                .and_then(|t| t.strip_prefix("page-"))
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let end = (start + page_size).min(nbs.len());
            let page: Vec<Value> = nbs[start.min(end)..end]
                .iter()
                .map(|n| {
                    // What ListNotebookInstances prints of each: no placement at all.
                    let mut summary = Map::new();
                    for k in [
                        "NotebookInstanceName",
                        "NotebookInstanceArn",
                        "NotebookInstanceStatus",
                        "InstanceType",
                    ] {
                        if let Some(v) = n.get(k).filter(|v| !v.is_null()) {
                            summary.insert(k.to_string(), v.clone());
                        }
                    }
                    Value::Object(summary)
                })
                .collect();
            let mut out = json!({"NotebookInstances": page});
            if end < nbs.len() {
                out["NextToken"] = json!(format!("page-{end}"));
            }
            ok(out)
        }
        "DescribeNotebookInstance" => {
            let name = req["NotebookInstanceName"].as_str().unwrap_or("");
            if cfg.denied_resources.contains(name) {
                return (
                    400,
                    "application/x-amz-json-1.1",
                    json!({"__type": "AccessDeniedException", "Message": format!("User is not authorized to perform: sagemaker:DescribeNotebookInstance on {name}")}).to_string(),
                );
            }
            match nbs.into_iter().find(|n| n["NotebookInstanceName"] == name) {
                Some(n) => ok(n),
                None => (
                    400,
                    "application/x-amz-json-1.1",
                    json!({"__type": "ValidationException", "Message": "RecordNotFound"})
                        .to_string(),
                ),
            }
        }
        // SageMaker Studio: one page each, from the snapshot's Domains / UserProfiles / Spaces.
        "ListDomains" => {
            let page: Vec<Value> = items(snap, "Domains")
                .iter()
                .map(|d| json!({"DomainId": d["DomainId"], "DomainArn": d["DomainArn"], "DomainName": d["DomainName"], "Status": d["Status"]}))
                .collect();
            ok(json!({ "Domains": page }))
        }
        "DescribeDomain" | "DescribeUserProfile" | "DescribeSpace" => {
            let (key, name_key) = match action {
                "DescribeDomain" => ("Domains", "DomainId"),
                "DescribeUserProfile" => ("UserProfiles", "UserProfileName"),
                _ => ("Spaces", "SpaceName"),
            };
            let found = items(snap, key)
                .into_iter()
                .find(|x| x["DomainId"] == req["DomainId"] && x[name_key] == req[name_key]);
            match found {
                Some(x) => ok(x),
                None => (
                    400,
                    "application/x-amz-json-1.1",
                    json!({"__type": "ResourceNotFound", "Message": "not found"}).to_string(),
                ),
            }
        }
        "ListUserProfiles" | "ListSpaces" => {
            let (key, fields) = if action == "ListUserProfiles" {
                ("UserProfiles", ["DomainId", "UserProfileName", "Status"])
            } else {
                ("Spaces", ["DomainId", "SpaceName", "Status"])
            };
            let page: Vec<Value> = items(snap, key)
                .iter()
                .filter(|x| x["DomainId"] == req["DomainIdEquals"])
                .map(|x| {
                    Value::Object(
                        fields
                            .iter()
                            .filter_map(|f| x.get(*f).map(|v| (f.to_string(), v.clone())))
                            .collect(),
                    )
                })
                .collect();
            ok(json!({ key: page }))
        }
        other => panic!("the stub does not serve sagemaker {other}"),
    }
}
