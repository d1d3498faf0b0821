//! The `vpcreach` command line: parse flags, resolve them into a validated configuration, run the
//! pipeline (load → convert → analyse → report → render) and map the outcome to an exit status:
//! 0 every notebook compliant, 1 some notebook not, 2 usage, input or I/O error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use vpcreach::analysis::{self, DEFAULT_SERVICES, services};
use vpcreach::assess::{self, AssessError, Options};
use vpcreach::render::{self, Format};
use vpcreach::report::{self, Judgement, Profile};

use vpcreach::{aws, iac, model};

#[global_allocator]
static ALLOCATOR: vpcreach::alloc::Allocator = vpcreach::alloc::Allocator;

#[derive(Parser, Debug)]
#[command(
    name = "vpcreach",
    version,
    about = "Prove whether SageMaker notebooks can reach the internet and their AWS services privately",
    long_about = "vpcreach reads an AWS network (a snapshot of `aws ec2 describe-*` and \
`aws sagemaker describe-notebook-instance` JSON) and proves, for every notebook, over every \
destination address, port and protocol, whether its traffic can reach the internet and whether each \
required AWS service is reachable privately. Every verdict comes with evidence: a witness packet and \
hop-by-hop path, the blocking component and rule, or the reason it is unknown."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse a snapshot (files or directories of AWS CLI JSON) and judge every notebook.
    #[command(after_help = "\
Examples:
  vpcreach analyze samples/isolated
  vpcreach analyze samples/nat-egress --profile nat-egress --format json
  vpcreach analyze snap/ --require s3,sts,ecr.api --notebook nb-analytics
  vpcreach analyze aws_configs/ --region eu-west-1

A snapshot directory holds the outputs of e.g. `aws ec2 describe-vpcs > vpcs.json`, \
`describe-subnets`, `describe-route-tables`, `describe-internet-gateways`, `describe-nat-gateways`, \
`describe-vpc-endpoints`, `describe-security-groups`, `describe-network-acls`, \
`describe-prefix-lists`, `describe-network-interfaces`, `describe-dhcp-options`, plus the VPCs' \
`describe-vpc-attribute` outputs and `aws sagemaker describe-notebook-instance` outputs (see \
README.md). All *.json files below a directory are read; folders named after a region \
(us-east-1/, Batfish's aws_configs/accounts/<id>/<region>/) hold that region's files, and each \
region is judged on its own, one report after another.

Input that is not AWS CLI output (a Terraform plan, a CloudFormation template, camelCase JSON, an \
empty object) and a snapshot without any notebook are errors, never an empty pass.

Exit status: 0 every notebook compliant, 1 some notebook not compliant, 2 usage/input/I/O error. \
--fail-on unknown also fails on unknown verdicts; --exit-zero (--fail-on none) never fails on a \
verdict.")]
    Analyze(AnalyzeArgs),

    /// Scan live AWS accounts (read-only API calls), then analyse and judge every notebook.
    #[cfg(feature = "aws")]
    #[command(after_help = "\
Examples:
  vpcreach scan --region us-east-1
  vpcreach scan --region us-east-1 --region eu-west-1 --format json --save snap/
  vpcreach scan --aws-profile audit --assume-role arn:aws:iam::111122223333:role/VpcreachScan \\
                --assume-role arn:aws:iam::444455556666:role/VpcreachScan
  vpcreach scan --endpoint-url http://127.0.0.1:5000 --region us-east-1 --vpc vpc-0a1b2c3d
  vpcreach scan --organization --role-name VpcreachScan --region us-east-1,eu-west-1 --save out/
  vpcreach scan --accounts 111122223333,444455556666 --role-name VpcreachScan --save out/0
  vpcreach analyze out/*                 # the shards of several `scan --accounts … --save` jobs

Credentials, region and endpoint are found as the AWS CLI finds them (environment, AWS_PROFILE, \
~/.aws/config and credentials, SSO, instance or container roles; AWS_ENDPOINT_URL). The calls needed \
are listed in docs/iam-policy.json. A call that fails is reported on stderr and the verdicts that \
need its data are `unknown`. Several regions give one report per region, in the order given; the \
exit status is the worst of them.

--organization scans every ACTIVE account of the AWS Organization (run it in the management account \
or a delegated administrator), --accounts those accounts only (no Organizations call), each through \
the role --role-name (default OrganizationAccountAccessRole; a read-only role is better, see \
README.md); the caller's own account is read with its own credentials. An account that cannot be \
read is named on stderr and in every report, its notebooks count as unread (exit 1), and the others \
are judged. --save then writes DIR/accounts/<id>/<region>/, which `analyze` reads back.

Exit status: 0 every notebook compliant, 1 some notebook not compliant (or some could not be read), \
2 usage/credentials/I/O error.")]
    Scan(ScanArgs),

    /// Judge notebooks before they exist: Terraform plans and CloudFormation templates, read
    /// into the planned state (over a deployed snapshot with --base) and judged like `analyze`.
    #[command(after_help = "\
Examples:
  terraform show -json plan.out > plan.json
  vpcreach plan plan.json --base snapshot/
  vpcreach plan notebook.yaml --parameter AWS::Region=us-east-1 --parameter VpcCidr=10.20.0.0/16
  vpcreach plan plan.json --base snapshot/ --save planned/ && vpcreach diagram planned/ -o planned.svg
  vpcreach plan network.json --place 'nb:subnet=subnet-tf:module.vpc.aws_subnet.private[0],sg=sg-tf:aws_security_group.nb'
  vpcreach plan network.yaml notebook.yaml --stack-name network.yaml=ds-net --region eu-west-1
  vpcreach plan parent.yaml --template-map https://bucket.s3.amazonaws.com/net.yaml=net.yaml
  vpcreach plan network-workspace.json notebook-workspace.json

Several files are one deployment. CloudFormation: the Outputs one template exports (Export.Name, \
!Sub names with ${AWS::StackName} from --stack-name or the file stem) satisfy !ImportValue in the \
others, which are built after it; AWS::CloudFormation::Stack resources are read from their \
TemplateURL (a relative path, or --template-map) with their Parameters, and !GetAtt \
Child.Outputs.X resolves. Two templates exporting one name is an input error. Terraform: a data \
source read at apply or a terraform_remote_state output of one plan finds what another plans (that \
plan is applied first); with several plans, IDs carry the file stem (subnet-tf:network/aws_subnet.a).

New resources get IDs made from their address (subnet-tf:module.vpc.aws_subnet.private[0], \
sg-cfn:NotebookSG; with several stacks, sg-cfn:STACK/NotebookSG). Values known only after apply are followed through the plan's references; \
what stays open (an !ImportValue no given template exports, an s3 TemplateURL without \
--template-map, a data source without --base, an attribute computed by AWS) is \
never guessed: the verdicts that depend on it are `unknown`, with a PLAN_VALUE_UNRESOLVED \
diagnostic naming the resource and attribute. The S3 prefix list's addresses come only from \
--base (a scan): without it, S3 through a gateway endpoint is `unknown`.

Exit status: 0 every planned notebook compliant, 1 some notebook not, 2 usage/input/I/O error \
(including a file that is neither a plan nor a template).")]
    Plan(PlanArgs),

    /// Compare two states — snapshots, plans, templates or saved JSON reports — per notebook and
    /// check, and fail on a regression.
    #[command(after_help = "\
Examples:
  vpcreach diff snapshot-monday/ snapshot-today/
  vpcreach diff snapshot/ plan.json --base snapshot/ --format markdown > comment.md
  vpcreach analyze snap/ --format json > before.json; …; vpcreach diff before.json snap/

A regression: the internet became reachable (or undecided); a service that was reachable privately \
became public, partial, unreachable or unknown (or a reachable one partial, unreachable or \
unknown); a compliant notebook became non-compliant; a new notebook is non-compliant. Removed \
notebooks are listed, never a regression. Snapshots, plans and templates are judged with the \
flags given here; a saved report keeps the verdicts it was saved with.

Exit status: 0 no regression, 1 some regression, 2 usage/input/I/O error.")]
    Diff(DiffArgs),

    /// Apply the best proven fix of every failing check and write the fixed snapshot, so that
    /// `analyze` on it shows the notebooks compliant — then print that report.
    #[command(after_help = "\
Examples:
  vpcreach fix samples/endpoint-mistakes --out fixed/
  vpcreach fix samples/nat-egress --notebook nb-nat-egress --out fixed/ && vpcreach analyze fixed/

Each fix was applied to the snapshot and everything judged again before it is offered: its check \
passes and no verdict of any notebook gets worse (`analyze --fixes` lists them with AWS CLI, \
Terraform and CloudFormation spellings). New resources get IDs such as vpce-fix:sts and \
sg-fix:sts-endpoint.

Exit status: 0 every notebook of the fixed snapshot compliant, 1 some notebook still not (a check \
no change of the network repairs, e.g. missing data), 2 usage/input/I/O error.")]
    Fix(FixArgs),

    /// Draw the network and the proof as a Graphviz diagram: clusters per VPC, AZ and subnet,
    /// route edges, and each check's proven path or blocking component.
    #[command(after_help = "\
Examples:
  vpcreach diagram samples/isolated -o isolated.svg
  vpcreach diagram samples/acl-traps --notebook nb-nat-return-blocked --check internet,s3 -o acl.png
  vpcreach diagram samples/large --vpc vpc-0a40c1d2e3f4a5b60 --full -o prod.dot

The output format follows the file name: .dot writes DOT text (needs nothing); .svg, .png and .pdf \
run the Graphviz program `dot` (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz).
Diagrams with more than 60 nodes fold the subnets that hold no notebook and carry no proven path \
into one node per VPC; --full draws every subnet.

Exit status: 0 diagram written, 2 usage/input/I/O error (including a missing `dot`).")]
    Diagram(DiagramArgs),

    /// Trace one concrete flow from a notebook or network interface to an address or an AWS
    /// service: forward and reply, every hop with the rule that passed or dropped it.
    #[command(after_help = "\
Examples:
  vpcreach trace samples/nat-egress --from nb-nat-egress --to 8.8.8.8 --port 80
  vpcreach trace samples/isolated --from nb-isolated --to sts
  vpcreach trace snap/ --from eni-0a1b2c3d --to 10.1.101.97 --protocol tcp --port 443 --source-port 40000
  vpcreach trace snap/ --from nb-analytics --to s3 --format dot | dot -Tpng > trace.png

The trace is the engine's own walk restricted to one packet, so it agrees with `analyze`. --to \
SERVICE resolves the name for the source as the service checks do (interface endpoint private \
DNS, else the public addresses) and traces one of its addresses (listed, the first taken). A flow \
that reaches a transit gateway, peering connection, VPN gateway, … ends `unknown` naming it. The \
JSON shape is in docs/trace.md.

Exit status: 0 delivered (and its reply returns), 1 not delivered, 2 usage/input/I/O error, 3 unknown \
(beyond the model, or data missing).")]
    Trace(TraceArgs),
}

#[derive(clap::Args, Debug)]
struct TraceArgs {
    /// Snapshot files or directories (read recursively, in sorted order).
    #[arg(required = true, value_name = "SNAPSHOT")]
    paths: Vec<PathBuf>,

    /// The source: a notebook name, or a network interface ID (eni-…) of NetworkInterfaces.
    #[arg(long, value_name = "SOURCE")]
    from: String,

    /// The destination: an IP address, or an AWS service (s3, sts, com.amazonaws.<region>.logs).
    #[arg(long, value_name = "IP|SERVICE")]
    to: String,

    /// tcp, udp, icmp, icmpv6, all (every protocol: one part per fate), or a protocol number.
    #[arg(long, default_value = "tcp", value_name = "PROTOCOL")]
    protocol: String,

    /// The destination port (tcp/udp; default 443), or the ICMP type (default 8, echo request).
    #[arg(long, value_name = "N")]
    port: Option<u16>,

    /// The source port (tcp/udp; default 32768, the first Linux ephemeral port).
    #[arg(long, value_name = "N")]
    source_port: Option<u16>,

    /// The region, when the snapshot holds several (default: the one the source is in).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TraceFormat::Table)]
    format: TraceFormat,
}

/// `trace --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum TraceFormat {
    /// The hops forward and back in aligned columns, then the result.
    Table,
    /// One JSON object (docs/trace.md).
    Json,
    /// The hop chain as a Graphviz digraph (`dot -Tpng`).
    Dot,
}

/// `--protocol`: a name, `all` (`-1`), or a number 0–255.
fn trace_protocol(s: &str) -> Result<Option<u8>> {
    use vpcreach::space::{ICMP, ICMPV6, TCP, UDP};
    Ok(Some(match s.trim().to_ascii_lowercase().as_str() {
        "all" | "-1" => return Ok(None),
        "tcp" => TCP,
        "udp" => UDP,
        "icmp" => ICMP,
        "icmpv6" => ICMPV6,
        n => n.parse::<u8>().map_err(|_| {
            anyhow::anyhow!(
                "--protocol: '{s}' is not tcp, udp, icmp, icmpv6, all or a protocol number 0-255"
            )
        })?,
    }))
}

/// `vpcreach trace`.
fn trace(a: TraceArgs) -> Result<(String, i32)> {
    use vpcreach::analysis::trace::{self as tr, FlowSpec, To};
    use vpcreach::space::{ICMP, ICMPV6, TCP, UDP};
    let protocol = trace_protocol(&a.protocol)?;
    let ported = matches!(protocol, Some(TCP | UDP));
    let port = match (protocol, a.port) {
        (Some(ICMP | ICMPV6), Some(t)) if t > 255 => {
            bail!("--port: for ICMP it is the message type, 0-255 (got {t})")
        }
        (Some(ICMP | ICMPV6), Some(t)) => Some(t << 8),
        (Some(p), Some(_)) if !ported && p != ICMP && p != ICMPV6 => bail!(
            "--port: protocol {} has no ports",
            vpcreach::space::protocol_name(p)
        ),
        (_, p) => p,
    };
    if a.source_port.is_some() && !ported {
        bail!("--source-port: only tcp and udp have source ports");
    }
    let spec = FlowSpec {
        protocol,
        port,
        source_port: a.source_port,
    };
    let mut regions = aws::load_regions(&a.paths)?;
    if let Some(r) = &a.region {
        regions = pick_regions(regions, std::slice::from_ref(r))?;
    }
    let mut nets = Vec::new();
    for l in &regions {
        nets.push(convert(l)?);
    }
    // The region whose network holds the source (one is enough; several must be chosen).
    let found: Vec<(usize, Result<tr::TraceSource, tr::SourceError>)> = nets
        .iter()
        .map(|n| tr::find_source(n, &a.from))
        .enumerate()
        .collect();
    let hits: Vec<usize> = found
        .iter()
        .filter(|(_, r)| !matches!(r, Err(tr::SourceError::NotFound { .. })))
        .map(|(i, _)| *i)
        .collect();
    let i = match hits.as_slice() {
        [i] => *i,
        [] => match found.into_iter().next() {
            Some((_, Err(e))) => bail!("--from: {e}"),
            _ => bail!("--from: no network in the snapshot"),
        },
        _ => bail!(
            "--from: {} is in several regions ({}); choose one with --region",
            a.from,
            hits.iter()
                .map(|i| nets[*i].region.clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let net = &nets[i];
    let src = tr::find_source(net, &a.from).map_err(|e| anyhow::anyhow!("--from: {e}"))?;
    let to = match a.to.trim().parse::<std::net::IpAddr>() {
        Ok(ip) => To::Address(ip),
        Err(_) => To::Service(
            services::canonical(&a.to, net.region.as_deref())
                .map_err(|e| anyhow::anyhow!("--to: {e}"))?,
        ),
    };
    let t = tr::trace(net, &src, &to, spec);
    let text = match a.format {
        TraceFormat::Table => render::trace::table(&t),
        TraceFormat::Json => render::trace::json(&t),
        TraceFormat::Dot => render::trace::dot(&t),
    };
    Ok((text, render::trace::exit_code(&t)))
}

#[derive(clap::Args, Debug)]
struct DiagramArgs {
    /// Snapshot files or directories (read recursively, in sorted order).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// The region to draw, when the snapshot holds several.
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// Output file: `.dot` (DOT text), or `.svg`, `.png`, `.pdf` (rendered with Graphviz `dot`);
    /// `-` prints DOT text on standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE", required = true)]
    output: PathBuf,

    /// Draw only these notebooks (repeatable or comma-separated); default: every notebook.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    notebook: Vec<String>,

    /// Draw only these checks (repeatable or comma-separated: internet, s3, sts, …); default: all.
    #[arg(long, value_delimiter = ',', value_name = "CHECK")]
    check: Vec<String>,

    /// Draw only these VPCs (repeatable); default: the chosen notebooks' VPCs, else every VPC.
    #[arg(long, value_name = "ID")]
    vpc: Vec<String>,

    /// Draw every subnet: never fold idle subnets into one node, however big the diagram.
    #[arg(long)]
    full: bool,

    /// The profile notebooks are judged by (it colours them compliant or not).
    #[arg(long, value_enum, default_value_t = ProfileArg::Isolated)]
    profile: ProfileArg,

    /// Let `unknown` verdicts pass instead of failing the notebook.
    #[arg(long)]
    allow_unknown: bool,
}

#[derive(clap::Args, Debug)]
struct AnalyzeArgs {
    /// Snapshot files or directories (read recursively, in sorted order). Folders named after a
    /// region (`us-east-1/`) hold that region's files; each region gets its own report. `-`
    /// reads one JSON document from standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Only these regions of a snapshot that holds several (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "REGION")]
    region: Vec<String>,

    /// Only the notebooks in these VPCs (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    vpc: Vec<String>,

    #[command(flatten)]
    place: PlaceArgs,

    /// Also judge this network interface or EC2 instance of the snapshot like a notebook
    /// (`eni-…`, or `i-…` from `describe-instances` output, through its primary interface);
    /// repeatable or comma-separated. With it, only the sources named (and `--notebook`s) are
    /// judged.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    source: Vec<String>,

    #[command(flatten)]
    run: RunArgs,
}

/// Notebooks that do not exist yet (`analyze`, `plan`).
#[derive(clap::Args, Debug, Default)]
struct PlaceArgs {
    /// Judge a notebook that does not exist yet, as `create-notebook-instance` would create it:
    /// `NAME:subnet=subnet-…,sg=sg-…[,sg=…][,direct-internet-access=Disabled][,root-access=Disabled]`
    /// (repeatable). Unset toggles are AWS's defaults (Enabled); its address is any address of
    /// the subnet.
    #[arg(long, value_name = "SPEC")]
    place: Vec<String>,

    /// Planned notebooks from a file of `create-notebook-instance` inputs (`NotebookInstanceName`,
    /// `SubnetId`, `SecurityGroupIds`, `DirectInternetAccess`, `RootAccess`): one object, a list,
    /// or `{"NotebookInstances": [...]}`, JSON or YAML (repeatable).
    #[arg(long, value_name = "FILE")]
    place_file: Vec<PathBuf>,
}

impl PlaceArgs {
    fn placements(&self) -> Result<Vec<iac::place::Placement>> {
        let mut out = Vec::new();
        for spec in &self.place {
            out.push(iac::place::Placement::parse(spec)?);
        }
        for f in &self.place_file {
            let text =
                std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
            out.extend(iac::place::parse_file(f, &text)?);
        }
        Ok(out)
    }
}

#[derive(clap::Args, Debug)]
struct PlanArgs {
    /// Terraform plans (`terraform show -json plan.out > plan.json`) or CloudFormation templates
    /// (JSON or YAML). Several files are one deployment (exports, nested stacks, remote state).
    #[arg(required = true, value_name = "PLAN")]
    paths: Vec<PathBuf>,

    #[command(flatten)]
    input: PlanInputArgs,

    #[command(flatten)]
    place: PlaceArgs,

    /// Also write the resolved planned state as a snapshot (directory, or one file ending in
    /// .json): `vpcreach analyze` and `vpcreach diagram` read it, and it lists what was planned
    /// (PlannedResources) and what was left open (Unresolved).
    #[arg(long, value_name = "PATH")]
    save: Option<PathBuf>,

    #[command(flatten)]
    run: RunArgs,
}

/// The flags every command that produces a report shares (`analyze`, `scan`, `plan`).
#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Output format (`--output` is accepted too, as the AWS CLI spells it).
    #[arg(long, visible_alias = "output", value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    out: Option<PathBuf>,

    /// How much evidence each check carries in `--format json`: `full` (the witness packet, the
    /// hop-by-hop path and every blocking or undecided reason; the default), `witness` (no
    /// hop-by-hop path: well under half the size), `none` (the verdicts only). The keys stay the
    /// same at every level; what is left out is an empty list or null.
    #[arg(long, value_enum, default_value_t = EvidenceArg::Full)]
    evidence: EvidenceArg,

    /// What compliant means: `isolated` (no internet, every service private) or `nat-egress`
    /// (internet only through a NAT gateway, every service reachable).
    #[arg(long, value_enum, default_value_t = ProfileArg::Isolated)]
    profile: ProfileArg,

    /// Required services, comma-separated; replaces the default list (s3, sagemaker.api,
    /// sagemaker.runtime, sts, logs), or adds to it when every name starts with `+`
    /// (`--require +kms,+ecr.api`). Short names (`sts`) or full names
    /// (`com.amazonaws.us-east-1.sts`).
    #[arg(long, value_delimiter = ',', value_name = "SVC,...",
          default_values_t = DEFAULT_SERVICES.iter().map(|s| s.to_string()))]
    require: Vec<String>,

    /// Only these notebooks (repeatable or comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    notebook: Vec<String>,

    /// Let `unknown` verdicts pass instead of failing the notebook.
    #[arg(long)]
    allow_unknown: bool,

    /// When the exit status is 1: `noncompliant` (some notebook fails the profile; the
    /// default), `unknown` (also when any verdict is unknown, even with --allow-unknown), or
    /// `none` (never: a report step in a `set -e` script; the gate is another step).
    #[arg(long, value_enum, default_value_t = FailOn::Noncompliant)]
    fail_on: FailOn,

    /// Same as --fail-on none.
    #[arg(long, conflicts_with = "fail_on")]
    exit_zero: bool,

    /// When to colour the table.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,

    /// Same as --color never.
    #[arg(long, conflicts_with = "color")]
    no_color: bool,

    /// No notes and progress on standard error (errors are still reported).
    #[arg(short = 'q', long)]
    quiet: bool,

    /// Also search proven fixes for every failing check: each candidate change is applied to the
    /// snapshot and everything is judged again; a fix is offered only if the check then passes
    /// and no verdict of any notebook gets worse (JSON `fixes`, a table section).
    #[arg(long)]
    fixes: bool,

    /// Also write Graphviz diagrams (DOT text) into DIR: one per notebook, one overview per VPC.
    #[arg(long, value_name = "DIR")]
    dot: Option<PathBuf>,

    /// Put the generation time into Markdown and HTML reports (without it, the same snapshot
    /// gives the same bytes). ASFF findings always carry the time (Security Hub requires it).
    #[arg(long)]
    timestamp: bool,
}

/// `--fail-on`: what makes the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Some notebook is not compliant with the profile.
    Noncompliant,
    /// Some notebook is not compliant, or some verdict is unknown.
    Unknown,
    /// Never (exit 0 unless the input cannot be read).
    None,
}

/// `--profile`: what compliant means (the library's [`Profile`], spelled for the command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ProfileArg {
    /// Internet unreachable, every service reachable privately, SageMaker.1/.2 absent.
    Isolated,
    /// Internet only through a NAT gateway (or not at all), every service reachable.
    NatEgress,
}

impl From<ProfileArg> for Profile {
    fn from(p: ProfileArg) -> Profile {
        match p {
            ProfileArg::Isolated => Profile::Isolated,
            ProfileArg::NatEgress => Profile::NatEgress,
        }
    }
}

/// `--format`: the report's output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FormatArg {
    /// One row per notebook, a column per check, then the reasons, diagnostics and a summary.
    Table,
    /// The machine-readable report: one JSON object with stable field names (see README).
    Json,
    /// An audit report in Markdown: summary, one table of evidence per notebook, findings, diagnostics.
    Markdown,
    /// The audit report as one self-contained HTML file, with a diagram per notebook (Graphviz).
    Html,
    /// SARIF 2.1.0 (code scanning): a rule per code, results located at the notebook's ARN, or
    /// at the file and line of a planned notebook.
    Sarif,
    /// AWS Security Finding Format (`aws securityhub batch-import-findings --findings file://…`).
    Asff,
    /// JUnit XML: a test case per notebook and check.
    Junit,
    /// CSV: a row per notebook and check.
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Asff => Format::Asff,
            FormatArg::Junit => Format::Junit,
            FormatArg::Csv => Format::Csv,
        }
    }
}

/// `--evidence`: how much evidence the JSON report carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EvidenceArg {
    /// Witness, hop-by-hop path and every reason.
    Full,
    /// The witness and the reasons, without the hop-by-hop path.
    Witness,
    /// The verdicts only.
    None,
}

impl From<EvidenceArg> for render::json::Evidence {
    fn from(e: EvidenceArg) -> Self {
        match e {
            EvidenceArg::Full => Self::Full,
            EvidenceArg::Witness => Self::Witness,
            EvidenceArg::None => Self::None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The validated configuration a report is produced with: the engine's options plus how to
/// render and where to.
struct RunConfig {
    format: Format,
    options: Options,
    color: bool,
    dot_dir: Option<PathBuf>,
    timestamp: bool,
    out: Option<PathBuf>,
    fail_on: FailOn,
    quiet: bool,
    fixes: bool,
    /// `--source`: network interfaces and EC2 instances judged like notebooks.
    sources: Vec<String>,
    evidence: render::json::Evidence,
}

/// `--require`: the list as given, or the default list plus every `+name`.
fn required_services(given: Vec<String>) -> Result<Vec<String>> {
    let adds = given.iter().filter(|s| s.trim().starts_with('+')).count();
    if adds == 0 {
        return Ok(given);
    }
    if adds != given.len() {
        bail!(
            "--require {}: either give the whole list (s3,sts) or add to the default one (+kms,+ecr.api), not both",
            given.join(",")
        );
    }
    let mut out: Vec<String> = DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect();
    for s in given {
        let s = s.trim().trim_start_matches('+').to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(out)
}

impl RunConfig {
    fn resolve(a: RunArgs) -> Result<RunConfig> {
        let options = Options {
            services: required_services(a.require)?,
            notebooks: a.notebook,
            judgement: Judgement {
                profile: a.profile.into(),
                allow_unknown: a.allow_unknown,
            },
        };
        // Region-independent checks now; the region of a full name once the snapshot is read.
        assess::validate_services(&options).map_err(|e| anyhow::anyhow!("--require: {e}"))?;
        if a.evidence != EvidenceArg::Full && a.format != FormatArg::Json {
            bail!(
                "--evidence {}: only the JSON report can leave evidence out; add --format json",
                a.evidence
                    .to_possible_value()
                    .map(|v| v.get_name().to_string())
                    .unwrap_or_default()
            );
        }
        let color = match (a.color, a.no_color) {
            (_, true) | (ColorChoice::Never, _) => false,
            (ColorChoice::Always, _) => true,
            (ColorChoice::Auto, _) => {
                a.out.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(RunConfig {
            format: a.format.into(),
            options,
            color,
            dot_dir: a.dot,
            timestamp: a.timestamp,
            out: a.out,
            fail_on: if a.exit_zero { FailOn::None } else { a.fail_on },
            quiet: a.quiet,
            fixes: a.fixes,
            sources: Vec::new(),
            evidence: a.evidence.into(),
        })
    }

    /// The exit status of the reports under `--fail-on`.
    fn exit_code(&self, reports: &[report::Report]) -> i32 {
        let noncompliant = reports.iter().map(|r| r.exit_code()).max().unwrap_or(0);
        match self.fail_on {
            FailOn::None => 0,
            FailOn::Noncompliant => noncompliant,
            FailOn::Unknown => {
                let unknown = reports.iter().any(|r| {
                    r.unread_notebooks.is_some()
                        || r.notebooks
                            .iter()
                            .any(|n| n.checks.0.iter().any(|c| c.undecided))
                });
                noncompliant.max(i32::from(unknown))
            }
        }
    }

    /// Print the report text, or write it to `--out`.
    fn emit(&self, text: String) -> Result<String> {
        match &self.out {
            None => Ok(text),
            Some(p) => {
                std::fs::write(p, text).with_context(|| format!("writing {}", p.display()))?;
                Ok(String::new())
            }
        }
    }
}

/// Convert a loaded snapshot; a malformed value names the file it came from.
fn convert(loaded: &aws::Loaded) -> Result<model::Network> {
    let judged = aws::judge::convert_loaded(loaded);
    judged.map_err(|e| anyhow::anyhow!("{e}"))
}

/// The message for input without any notebook: what the input does hold, and how to add them.
fn no_notebooks(regions: &[aws::Loaded], e: &AssessError) -> anyhow::Error {
    let keys: std::collections::BTreeSet<&str> = regions
        .iter()
        .flat_map(|l| l.keys.iter().map(String::as_str))
        .collect();
    let found = if keys.is_empty() {
        String::new()
    } else {
        format!(
            "; the input holds {}",
            keys.iter()
                .map(|k| format!("\"{k}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match e {
        AssessError::NoNotebooks { unread: Some(why) } => {
            anyhow::anyhow!("no notebook instance could be read ({why}){found}: nothing to judge")
        }
        _ => anyhow::anyhow!(
            "no notebook instance in the snapshot{found}: nothing to judge. Add the output of `aws sagemaker describe-notebook-instance` for each notebook (key \"NotebookInstances\", see README)"
        ),
    }
}

/// Judge every region (the one engine entry point) and render one report per region that holds
/// (selected) notebooks, in region order; the exit status is the worst. Malformed values come
/// first (they are the more precise error); no notebook in any region is an input error (exit 2).
fn report_regions(regions: Vec<aws::Loaded>, cfg: &RunConfig) -> Result<(String, i32)> {
    report_regions_timed(regions, cfg, Timings::start())
}

/// Convert every region, then — unless `--fixes` needs them to search changes — free the loaded
/// snapshots before judging: a large organisation's typed snapshot is as big as its model, the two
/// need not be held together, and the analysis reuses the snapshot's memory (freed beside the
/// analysis, it was not there in time, and the analysis touched ~130 MB of fresh pages on the
/// 1,000-VPC organisation instead of ~60). The `convert` phase of `VPCREACH_TIMINGS` includes it.
fn judge_freeing(
    regions: &mut [aws::Loaded],
    cfg: &RunConfig,
    timings: &mut Timings,
) -> std::result::Result<aws::Judged, aws::JudgeError> {
    let (networks, files) = aws::judge::convert_all(regions)?;
    if !cfg.fixes {
        for r in regions.iter_mut() {
            std::mem::take(&mut r.snapshot).free();
        }
    }
    timings.lap("convert");
    aws::judge::judge_networks(networks, &files, &cfg.options, &cfg.sources)
}

fn report_regions_timed(
    mut regions: Vec<aws::Loaded>,
    cfg: &RunConfig,
    mut timings: Timings,
) -> Result<(String, i32)> {
    let aws::Judged {
        networks: nets,
        mut reports,
    } = match judge_freeing(&mut regions, cfg, &mut timings) {
        Ok(j) => j,
        Err(aws::JudgeError::Assess(e @ AssessError::NoNotebooks { .. })) => {
            return Err(no_notebooks(&regions, &e));
        }
        Err(aws::JudgeError::Assess(e @ AssessError::Notebook { .. })) => bail!("--notebook: {e}"),
        Err(aws::JudgeError::Assess(e)) => bail!("--require: {e}"),
        Err(e @ aws::JudgeError::NoSuchSource { .. }) => bail!("--source: {e}"),
        Err(e) => bail!("{e}"),
    };
    timings.lap("analyse");
    if cfg.fixes {
        for (i, report) in &mut reports {
            let found =
                vpcreach::fix::fixes(&regions[*i].snapshot, &cfg.options, &cfg.options.notebooks)
                    .map_err(|e| anyhow::anyhow!("searching fixes: {e}"))?;
            vpcreach::fix::attach(report, &found);
        }
    }
    // A region without a report whose list of notebooks could not be read (an account that
    // could not be read, a failed ListNotebookInstances) must not pass for an empty one.
    let mut unread_elsewhere = false;
    if cfg.options.notebooks.is_empty() && cfg.sources.is_empty() {
        for (i, net) in nets.iter().enumerate() {
            if reports.iter().any(|(j, _)| *j == i) {
                continue;
            }
            let region = net.region.as_deref().unwrap_or("the snapshot");
            match net.notebooks_incomplete() {
                Some(why) => {
                    unread_elsewhere = true;
                    eprintln!(
                        "warning: {region}: no notebook instance could be read ({why}); no report for it, and it fails the run as an unknown verdict would"
                    );
                }
                None if !cfg.quiet => {
                    eprintln!("note: {region} holds no notebook instance; no report for it")
                }
                None => {}
            }
        }
    }
    let meta = render::meta::ReportMeta {
        timestamp: cfg
            .timestamp
            .then(|| render::meta::rfc3339(std::time::SystemTime::now())),
    };
    let (order, only): (Vec<usize>, Vec<report::Report>) = reports.into_iter().unzip();
    let mut code = cfg.exit_code(&only);
    if unread_elsewhere {
        let fails = match cfg.fail_on {
            FailOn::None => false,
            FailOn::Unknown => true,
            FailOn::Noncompliant => !cfg.options.judgement.allow_unknown,
        };
        if fails {
            code = code.max(1);
        }
    }
    // Formats that are one document for every region.
    let whole = match cfg.format {
        Format::Sarif => Some(render::sarif::render_all(&only, &meta)),
        Format::Junit => Some(render::junit::render_all(&only, &meta)),
        Format::Csv => Some(render::csv::render_all(&only)),
        Format::Asff => {
            let now = render::meta::rfc3339(std::time::SystemTime::now());
            let a = render::asff::render_all(&only, &now);
            if !a.skipped.is_empty() {
                eprintln!(
                    "warning: no ASFF finding for {} (account or region not known; Security Hub needs both)",
                    a.skipped.join(", ")
                );
            }
            Some(a.json)
        }
        _ => None,
    };
    let text = match whole {
        Some(text) => {
            for (i, report) in order.iter().zip(&only) {
                write_dot(report, &nets[*i], cfg)?;
            }
            text
        }
        None if cfg.format == Format::Json => {
            // Streamed as it is rendered: a fleet's JSON (gigabytes) is never held whole.
            let stdout = std::io::stdout();
            let mut sink: Box<dyn Write> = match &cfg.out {
                Some(p) => Box::new(std::io::BufWriter::with_capacity(
                    1 << 20,
                    std::fs::File::create(p).with_context(|| format!("writing {}", p.display()))?,
                )),
                None => Box::new(std::io::BufWriter::with_capacity(1 << 20, stdout.lock())),
            };
            let place = cfg
                .out
                .as_ref()
                .map_or("output".to_string(), |p| p.display().to_string());
            for (k, (i, report)) in order.iter().zip(&only).enumerate() {
                write_dot(report, &nets[*i], cfg)?;
                if k > 0 {
                    sink.write_all(b"\n")
                        .with_context(|| format!("writing {place}"))?;
                }
                render::json::write(report, cfg.evidence, &mut sink)
                    .with_context(|| format!("writing {place}"))?;
            }
            sink.flush().with_context(|| format!("writing {place}"))?;
            timings.lap("render");
            std::mem::forget((regions, nets, only));
            return Ok((String::new(), code));
        }
        None => {
            let mut text = String::new();
            for (i, report) in order.iter().zip(&only) {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&render_report(report, &nets[*i], cfg, &meta)?);
            }
            text
        }
    };
    timings.lap("render");
    let out = cfg.emit(text)?;
    // The process ends right after printing: freeing a large organisation's snapshot, model
    // and reports piece by piece would only cost time.
    std::mem::forget((regions, nets, only));
    Ok((out, code))
}

/// `VPCREACH_TIMINGS=1`: how long each phase took, on standard error (for benchmarks and
/// performance reports; never part of any output format).
struct Timings {
    on: bool,
    last: std::time::Instant,
}

impl Timings {
    fn start() -> Timings {
        Timings {
            on: std::env::var_os("VPCREACH_TIMINGS").is_some_and(|v| v != "0"),
            last: std::time::Instant::now(),
        }
    }

    fn lap(&mut self, what: &str) {
        let now = std::time::Instant::now();
        if self.on {
            // Resident memory now and at its peak so far (Linux; blank elsewhere). The peak is
            // this process's own: a parent's `wait4` maximum also counts the parent's memory,
            // which Linux carries across `exec`.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |k: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(k).map(|v| v.trim().to_string()))
                    .unwrap_or_default()
            };
            eprintln!(
                "timing: {what:<8} {:>9.3} s  rss {}  peak {}",
                (now - self.last).as_secs_f64(),
                field("VmRSS:"),
                field("VmHWM:")
            );
        }
        self.last = now;
    }
}

/// `--dot DIR`: one diagram per notebook and one overview per VPC.
fn write_dot(report: &report::Report, net: &model::Network, cfg: &RunConfig) -> Result<()> {
    if let Some(dir) = &cfg.dot_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        for f in render::dot::per_notebook_and_vpc(net, report, false) {
            let path = dir.join(&f.file_name);
            std::fs::write(&path, f.dot).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}

/// Render one region's report in a per-region format (and its diagrams with `--dot`).
fn render_report(
    report: &report::Report,
    net: &model::Network,
    cfg: &RunConfig,
    meta: &render::meta::ReportMeta,
) -> Result<String> {
    write_dot(report, net, cfg)?;
    Ok(match cfg.format {
        Format::Table => render::table::render(report, render::table::Style { color: cfg.color }),
        Format::Json => render::json::render_with(report, cfg.evidence),
        Format::Markdown => render::markdown::render(report, meta),
        Format::Html => render::html::render(report, meta, &render::html::Diagrams::Graphviz(net)),
        Format::Sarif | Format::Asff | Format::Junit | Format::Csv => {
            unreachable!("whole-document formats are rendered for all regions at once")
        }
    })
}

/// Keep the regions `wanted` names (all when empty); a region the snapshot lacks is an error.
fn pick_regions(regions: Vec<aws::Loaded>, wanted: &[String]) -> Result<Vec<aws::Loaded>> {
    aws::select_regions(regions, wanted).map_err(|e| anyhow::anyhow!("--region {e}"))
}

fn analyze(a: AnalyzeArgs) -> Result<(String, i32)> {
    let mut cfg = RunConfig::resolve(a.run)?;
    cfg.sources = a.source;
    let placements = a.place.placements()?;
    let mut timings = Timings::start();
    let mut regions = pick_regions(load_inputs(&a.paths)?, &a.region)?;
    timings.lap("load");
    if !a.vpc.is_empty() {
        keep_vpcs(&mut regions, &a.vpc)?;
    }
    iac::place::place(&mut regions, &placements)?;
    report_regions_timed(regions, &cfg, timings)
}

/// The snapshot files and directories of `paths`, or one JSON document from standard input (`-`).
fn load_inputs(paths: &[PathBuf]) -> Result<Vec<aws::Loaded>> {
    let stdin = Path::new("-");
    if !paths.iter().any(|p| p == stdin) {
        return Ok(aws::load_regions(paths)?);
    }
    if paths.len() > 1 {
        bail!("`-` (standard input) cannot be combined with other paths");
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
        .context("reading standard input")?;
    let origin = Path::new("(standard input)");
    let mut loaded = aws::load_one(origin, &text)?;
    loaded.sources = vec![aws::load::source_of(origin, text.as_bytes())];
    Ok(vec![loaded])
}

/// `--vpc`: keep only the notebooks whose subnet is in one of these VPCs; a VPC the snapshot does
/// not hold is an error.
fn keep_vpcs(regions: &mut [aws::Loaded], vpcs: &[String]) -> Result<()> {
    let have: std::collections::BTreeSet<&str> = regions
        .iter()
        .flat_map(|l| l.snapshot.vpcs.iter().map(|v| v.vpc_id.as_str()))
        .collect();
    if let Some(v) = vpcs.iter().find(|v| !have.contains(v.as_str())) {
        bail!(
            "--vpc {v}: no such VPC in the snapshot (it has: {})",
            have.iter().copied().collect::<Vec<_>>().join(", ")
        );
    }
    for l in regions {
        let subnets: std::collections::BTreeMap<String, String> = l
            .snapshot
            .subnets
            .iter()
            .map(|s| (s.subnet_id.clone(), s.vpc_id.clone()))
            .collect();
        l.snapshot.notebook_instances.retain(|n| {
            n.subnet_id
                .as_ref()
                .and_then(|s| subnets.get(s))
                .is_some_and(|v| vpcs.contains(v))
        });
    }
    Ok(())
}

/// The flags that say how plans and templates are read (`plan`, and `diff` sides that are plans).
#[derive(clap::Args, Debug, Default)]
struct PlanInputArgs {
    /// The deployed network the plan changes: a snapshot or `scan --save` output (files or
    /// directories; one region). Literal IDs and data sources of the plan are looked up in it.
    #[arg(long, value_name = "SNAPSHOT")]
    base: Vec<PathBuf>,

    /// A CloudFormation parameter value, an `!ImportValue` name's value or a pseudo parameter
    /// (`AWS::Region=eu-west-1`), as KEY=VALUE (repeatable).
    #[arg(long = "parameter", value_name = "KEY=VALUE")]
    parameters: Vec<String>,

    /// The region, when neither the plan nor --base says (same as --parameter AWS::Region=…).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// A CloudFormation template's stack name, as FILE=NAME (repeatable; default: the file
    /// stem): `AWS::StackName` in its `!Sub` export names, and the scope of its synthetic IDs.
    #[arg(long = "stack-name", value_name = "FILE=NAME")]
    stack_names: Vec<String>,

    /// The local file of a nested stack's TemplateURL (an s3/https URL), as URL=FILE
    /// (repeatable); URL may also be the URL's last path segments (`stacks/network.yaml`). A
    /// relative TemplateURL is read relative to its parent template.
    #[arg(long = "template-map", value_name = "URL=FILE")]
    template_map: Vec<String>,
}

/// Read plans and templates (applied in order, over `--base`) into the planned state, loaded back
/// exactly as `analyze` would load its save; the report's sources are the base and plan files.
fn read_plans(
    paths: &[PathBuf],
    a: &PlanInputArgs,
    placements: &[iac::place::Placement],
) -> Result<(aws::Snapshot, aws::Loaded)> {
    let mut opts = iac::PlanOptions::default();
    for kv in &a.parameters {
        let (k, v) = kv
            .split_once('=')
            .with_context(|| format!("--parameter {kv}: expected KEY=VALUE"))?;
        opts.parameters.insert(k.trim().to_string(), v.to_string());
    }
    if let Some(r) = &a.region {
        opts.parameters.insert("AWS::Region".into(), r.clone());
    }
    let mut sources = Vec::new();
    if !a.base.is_empty() {
        let base = aws::load_paths(&a.base).map_err(|e| anyhow::anyhow!("--base: {e}"))?;
        sources.extend(base.sources);
        opts.base = Some(base.snapshot);
    }
    let mut files = Vec::new();
    for p in paths {
        let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", p.display()))?;
        sources.push(aws::load::source_of(p, text.as_bytes()));
        files.push((p.clone(), text));
    }
    let mut deployment = iac::Deployment::default();
    for kv in &a.stack_names {
        let (f, n) = kv
            .rsplit_once('=')
            .with_context(|| format!("--stack-name {kv}: expected FILE=NAME"))?;
        let f = PathBuf::from(f);
        if !paths.contains(&f) {
            bail!(
                "--stack-name {kv}: {} is not one of the files given",
                f.display()
            );
        }
        deployment.stack_names.insert(f, n.to_string());
    }
    for kv in &a.template_map {
        // A URL holds no `=` before its path in practice; the file is what follows the last `=`.
        let (u, f) = kv
            .rsplit_once('=')
            .with_context(|| format!("--template-map {kv}: expected URL=FILE"))?;
        deployment
            .template_map
            .insert(u.to_string(), PathBuf::from(f));
    }
    // The files form one deployment: exports satisfy imports across templates, nested stacks
    // are read, plans apply in order.
    let snap = (!files.is_empty())
        .then(|| iac::read_deployment(&files, &opts, &deployment))
        .transpose()?;
    let mut snap = snap.context("no plan or template given")?;
    if snap.region.is_none() {
        snap.region = a.region.clone();
    }
    if !placements.is_empty() {
        // Subnets and groups the plan creates are named by their synthetic IDs
        // (`subnet-tf:aws_subnet.private[0]`).
        let mut one = [aws::Loaded {
            snapshot: snap,
            ..aws::Loaded::default()
        }];
        iac::place::place(&mut one, placements)?;
        let [l] = one;
        snap = l.snapshot;
    }
    let names = paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if snap.notebook_instances.is_empty() {
        bail!(
            "{names}: no SageMaker notebook instance is planned (aws_sagemaker_notebook_instance, AWS::SageMaker::NotebookInstance){}: nothing to judge. Add the notebook to the plan, or judge a placement with `vpcreach analyze SNAPSHOT --place NAME:subnet=…,sg=…`",
            if a.base.is_empty() {
                ""
            } else {
                " and --base holds none"
            }
        );
    }
    let mut loaded = aws::load_one(Path::new(&names), &aws::save::to_json(&snap))?;
    loaded.sources = sources;
    Ok((snap, loaded))
}

/// `vpcreach plan`: read plans and templates into the planned state (over `--base`), optionally
/// save it, and report on it exactly as `analyze` would report on the saved snapshot.
fn plan(a: PlanArgs) -> Result<(String, i32)> {
    let cfg = RunConfig::resolve(a.run)?;
    let (snap, loaded) = read_plans(&a.paths, &a.input, &a.place.placements()?)?;
    if let Some(p) = &a.save {
        aws::save::save(&snap, p)?;
    }
    report_regions(vec![loaded], &cfg)
}

/// One side of `vpcreach diff`: a saved JSON report as it is, or a snapshot, plan or template
/// judged now with the run's options.
fn diff_side(path: &Path, a: &DiffArgs, options: &Options) -> Result<vpcreach::diff::Verdicts> {
    if path.is_file() {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let text = String::from_utf8_lossy(&bytes);
        if render::diff::looks_like_report(&text) {
            let v = render::diff::parse_report_json(&text)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            // `analyze` never saves a report without notebooks (it exits 2): a gate must not
            // pass on one.
            if v.notebooks().next().is_none() {
                bail!(
                    "{}: the saved report holds no notebook: nothing to compare",
                    path.display()
                );
            }
            return Ok(v);
        }
        if iac::detect(path, &text).is_ok() {
            let (_, loaded) = read_plans(&[path.to_path_buf()], &a.input, &[])?;
            return judge_verdicts(vec![loaded], options);
        }
    }
    judge_verdicts(aws::load_regions(&[path])?, options)
}

fn judge_verdicts(
    regions: Vec<aws::Loaded>,
    options: &Options,
) -> Result<vpcreach::diff::Verdicts> {
    let judged = match aws::judge(&regions, options) {
        Ok(j) => j,
        Err(aws::JudgeError::Assess(e @ AssessError::NoNotebooks { .. })) => {
            return Err(no_notebooks(&regions, &e));
        }
        Err(e) => bail!("{e}"),
    };
    Ok(vpcreach::diff::Verdicts::from_reports(
        judged.reports.iter().map(|(_, r)| r),
    ))
}

/// `vpcreach diff`: judge (or read) both sides and say, per notebook and check, what changed.
fn diff(a: DiffArgs) -> Result<(String, i32)> {
    let options = Options {
        services: a.require.clone(),
        notebooks: Vec::new(),
        judgement: Judgement {
            profile: a.profile.into(),
            allow_unknown: a.allow_unknown,
        },
    };
    assess::validate_services(&options).map_err(|e| anyhow::anyhow!("--require: {e}"))?;
    let old = diff_side(&a.old, &a, &options)?;
    let new = diff_side(&a.new, &a, &options)?;
    let d = vpcreach::diff::diff(&old, &new);
    let text = match a.format {
        DiffFormat::Table => render::diff::render_table(&d),
        DiffFormat::Json => render::diff::render_json(&d),
        DiffFormat::Markdown => render::diff::render_markdown(&d),
    };
    Ok((text, d.exit_code()))
}

/// `vpcreach fix`: the best proven fix of every failing check, applied and saved; then the
/// report of the saved snapshot, read back as `analyze` reads it.
fn fix(a: FixArgs) -> Result<(String, i32)> {
    let options = Options {
        services: required_services(a.require)?,
        notebooks: a.notebook,
        judgement: Judgement {
            profile: a.profile.into(),
            allow_unknown: a.allow_unknown,
        },
    };
    assess::validate_services(&options).map_err(|e| anyhow::anyhow!("--require: {e}"))?;
    let mut regions = aws::load_regions(&a.paths)?;
    let loaded = match (&a.region, regions.len()) {
        (Some(r), _) => pick_regions(regions, std::slice::from_ref(r))?
            .pop()
            .expect("pick_regions keeps the region it checked"),
        (None, 1) => regions.pop().expect("one region"),
        (None, _) => bail!("the snapshot holds several regions; fix one with --region"),
    };
    if !options.notebooks.is_empty() {
        let names: Vec<&str> = loaded
            .snapshot
            .notebook_instances
            .iter()
            .map(|n| n.notebook_instance_name.as_str())
            .collect();
        assess::select_notebooks(&options.notebooks, &names)
            .map_err(|e| anyhow::anyhow!("--notebook: {e}"))?;
    }
    let found = vpcreach::fix::fixes(&loaded.snapshot, &options, &options.notebooks)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // The best fix of each (notebook, check): the first of its group.
    let mut chosen: Vec<&vpcreach::fix::ProvenFix> = Vec::new();
    for f in &found {
        if !chosen
            .iter()
            .any(|c| c.notebook == f.notebook && c.target == f.target)
        {
            chosen.push(f);
        }
    }
    let (fixed, kept) = vpcreach::fix::apply_proven(&loaded.snapshot, &chosen, &options)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    aws::save::save(&fixed, &a.out)?;
    let mut text = String::new();
    let mut applied = std::collections::BTreeSet::new();
    for (f, kept) in chosen.iter().zip(kept) {
        if !kept {
            text.push_str(&format!(
                "skipped: the fix of {} for {} (together with the fixes before it, a verdict would get worse)\n",
                f.target.name(),
                f.notebook
            ));
            continue;
        }
        for e in &f.edits {
            if applied.insert(e.describe()) {
                text.push_str(&format!("applied: {}\n", e.describe()));
            }
        }
    }
    if applied.is_empty() {
        text.push_str("no proven fix to apply\n");
    }
    text.push_str(&format!(
        "fixed snapshot written to {}\n\n",
        a.out.display()
    ));
    let cfg = RunConfig {
        format: Format::Table,
        options,
        color: false,
        dot_dir: None,
        timestamp: false,
        out: None,
        fail_on: FailOn::Noncompliant,
        quiet: true,
        fixes: false,
        sources: Vec::new(),
        evidence: render::json::Evidence::Full,
    };
    let (report, code) = report_regions(aws::load_regions(&[&a.out])?, &cfg)?;
    text.push_str(&report);
    Ok((text, code))
}

/// `vpcreach diagram`: analyse, then draw the chosen notebooks, checks and VPCs into one file.
fn diagram(a: DiagramArgs) -> Result<(String, i32)> {
    let to_stdout = a.output == Path::new("-");
    let format = if to_stdout {
        render::graphviz::OutputFormat::Dot
    } else {
        render::graphviz::OutputFormat::from_path(&a.output)?
    };
    let mut services: Vec<String> = DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect();
    let mut checks = Vec::new();
    for c in &a.check {
        let c = c.trim().to_ascii_lowercase();
        if c == "internet" {
            checks.push(c);
            continue;
        }
        let s = services::canonical(&c, None).map_err(|e| anyhow::anyhow!("--check: {e}"))?;
        if !services.contains(&s) {
            services.push(s.clone());
        }
        checks.push(s);
    }
    let mut regions = aws::load_regions(&a.paths)?;
    let loaded = match (&a.region, regions.len()) {
        (Some(r), _) => pick_regions(regions, std::slice::from_ref(r))?
            .pop()
            .expect("pick_regions keeps the region it checked"),
        (None, 1) => regions.pop().expect("one region"),
        (None, _) => bail!(
            "the snapshot holds several regions ({}); draw one with --region",
            regions
                .iter()
                .map(|l| l.snapshot.region.clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let net = convert(&loaded)?;
    let names: Vec<&str> = net.notebooks.iter().map(|n| n.name.as_str()).collect();
    let notebooks = assess::select_notebooks(&a.notebook, &names)
        .map_err(|e| anyhow::anyhow!("--notebook: {e}"))?;
    let options = Options {
        services,
        notebooks: Vec::new(),
        judgement: Judgement {
            profile: a.profile.into(),
            allow_unknown: a.allow_unknown,
        },
    };
    // A diagram may show a network without notebooks; otherwise it draws what `analyze` judges.
    let mut report = match assess::assess(std::slice::from_ref(&net), &options) {
        Ok(mut r) => r
            .pop()
            .map(|(_, r)| r)
            .expect("a network with notebooks gives a report"),
        Err(AssessError::NoNotebooks { .. }) => report::build(
            &net,
            analysis::analyze(
                &net,
                &analysis::Config {
                    services: Vec::new(),
                },
            ),
            options.judgement,
            Vec::new(),
        ),
        Err(e) => bail!("--check: {e}"),
    };
    report.sources = loaded.sources;
    let opts = render::dot::Options {
        selection: render::dot::Selection {
            notebooks,
            checks,
            vpcs: a.vpc,
        },
        full: a.full,
        id_prefix: String::new(),
    };
    // The engine's selection errors name the value; the flag that gave it is the CLI's to say.
    let text = render::dot::render(&net, &report, &opts).map_err(|e| {
        use render::dot::SelectionError as E;
        match e {
            E::UnknownNotebook { name, known } => anyhow::anyhow!(
                "--notebook {name}: no such notebook in the snapshot (it has: {known})"
            ),
            E::UnknownVpc { id, known } => {
                anyhow::anyhow!("--vpc {id}: no such VPC in the snapshot (it has: {known})")
            }
            E::UnknownCheck { name, known } => {
                anyhow::anyhow!("--check {name}: not a check of this report (checks: {known})")
            }
        }
    })?;
    if to_stdout {
        return Ok((text, 0));
    }
    let what = a.output.display().to_string();
    let bytes = match format {
        render::graphviz::OutputFormat::Dot => text.into_bytes(),
        f => render::graphviz::run(&text, f, &what)?,
    };
    std::fs::write(&a.output, bytes).with_context(|| format!("writing {what}"))?;
    Ok((String::new(), 0))
}

#[derive(clap::Args, Debug)]
struct FixArgs {
    /// Snapshot files or directories (one region; --region picks one of several).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// The region to fix, when the snapshot holds several.
    #[arg(long, value_name = "REGION")]
    region: Option<String>,

    /// Where to write the fixed snapshot: a directory, or one file ending in .json.
    #[arg(long, value_name = "PATH", required = true)]
    out: PathBuf,

    /// Only these notebooks (repeatable or comma-separated); default: every notebook.
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    notebook: Vec<String>,

    /// The profile the fixes must satisfy.
    #[arg(long, value_enum, default_value_t = ProfileArg::Isolated)]
    profile: ProfileArg,

    /// Required services (as for `analyze`).
    #[arg(long, value_delimiter = ',', value_name = "SVC,...",
          default_values_t = DEFAULT_SERVICES.iter().map(|s| s.to_string()))]
    require: Vec<String>,

    /// Let `unknown` verdicts pass instead of failing the notebook.
    #[arg(long)]
    allow_unknown: bool,
}

#[derive(clap::Args, Debug)]
struct DiffArgs {
    /// The state before: a snapshot (file or directory), a plan, a template, or a saved
    /// `--format json` report.
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The state after, in any of the same forms.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    #[command(flatten)]
    input: PlanInputArgs,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    format: DiffFormat,

    /// The profile both sides are judged by (as for `analyze`).
    #[arg(long, value_enum, default_value_t = ProfileArg::Isolated)]
    profile: ProfileArg,

    /// Required services, comma-separated (as for `analyze`).
    #[arg(long, value_delimiter = ',', value_name = "SVC,...",
          default_values_t = DEFAULT_SERVICES.iter().map(|s| s.to_string()))]
    require: Vec<String>,

    /// Let `unknown` verdicts pass instead of failing the notebook.
    #[arg(long)]
    allow_unknown: bool,
}

/// `diff --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DiffFormat {
    /// Changed checks in aligned columns, then a summary line.
    Table,
    /// The diff as one JSON object (see `vpcreach_render::diff`).
    Json,
    /// A Markdown summary fit for a pull-request comment.
    Markdown,
}

/// The flags of `vpcreach scan` (the analysis flags are the shared `RunArgs`).
#[cfg(feature = "aws")]
#[derive(clap::Args, Debug)]
struct ScanArgs {
    /// Region to scan (repeatable or comma-separated). Default: the AWS CLI's (AWS_REGION, or the
    /// profile's `region`).
    #[arg(long, value_delimiter = ',', value_name = "REGION")]
    region: Vec<String>,

    /// Named profile of the AWS config files (default: AWS_PROFILE, else `default`). Not to be
    /// confused with `--profile`, the compliance profile.
    #[arg(long, value_name = "NAME")]
    aws_profile: Option<String>,

    /// Send every API call to this endpoint (default: AWS_ENDPOINT_URL and the per-service
    /// variables, else AWS itself).
    #[arg(long, value_name = "URL")]
    endpoint_url: Option<String>,

    /// Only these VPCs and the notebooks in them (repeatable).
    #[arg(long, value_name = "ID")]
    vpc: Vec<String>,

    /// Also save the collected snapshot for `vpcreach analyze`: a directory of per-command files,
    /// or one file when PATH ends in .json. Several regions: PATH/REGION/ or PATH-REGION.json.
    #[arg(long, value_name = "PATH")]
    save: Option<PathBuf>,

    /// Scan the account of this IAM role through STS AssumeRole (repeatable: one per account);
    /// the accounts are merged per region.
    #[arg(long, value_name = "ARN", conflicts_with_all = ["organization", "accounts"])]
    assume_role: Vec<String>,

    /// Scan every ACTIVE account of the caller's AWS Organization (organizations:ListAccounts:
    /// run it in the management account or a delegated administrator), each through the role
    /// --role-name; the caller's own account with its own credentials. Accounts in any other
    /// state are listed on stderr as skipped.
    #[arg(long)]
    organization: bool,

    /// Only these accounts (12-digit IDs, comma-separated or repeatable). With --organization, a
    /// subset of its accounts; without it, exactly these, through --role-name, with no
    /// Organizations call at all (the sharded form: one job per group of accounts).
    #[arg(long, value_delimiter = ',', value_name = "ID,...")]
    accounts: Vec<String>,

    /// The IAM role assumed in each account of --organization / --accounts (a path is allowed:
    /// audit/VpcreachScan). Default: OrganizationAccountAccessRole, the role Organizations
    /// creates in the accounts it creates; a read-only role (docs/iam-policy.json) is better.
    #[arg(long, value_name = "NAME")]
    role_name: Option<String>,

    /// API calls in flight at once, across all regions and accounts.
    #[arg(long = "max-concurrency", visible_alias = "concurrency", value_name = "N",
          default_value_t = aws::collect::DEFAULT_CONCURRENCY,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    concurrency: usize,

    /// API calls in flight at once in one account (across its regions).
    #[arg(long, value_name = "N", default_value_t = aws::collect::DEFAULT_ACCOUNT_CONCURRENCY,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    account_concurrency: usize,

    /// Attempts per API call (the first included) under the adaptive retry mode, which also
    /// slows down when AWS throttles.
    #[arg(long, value_name = "N", default_value_t = aws::collect::DEFAULT_MAX_ATTEMPTS,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    max_attempts: u32,

    #[command(flatten)]
    run: RunArgs,
}

/// `vpcreach scan`: collect each region, optionally save it, and report on it exactly as
/// `analyze` would report on the saved snapshot.
#[cfg(feature = "aws")]
fn scan(a: ScanArgs) -> Result<(String, i32)> {
    let cfg = RunConfig::resolve(a.run)?;
    if a.role_name.is_some() && !a.organization && a.accounts.is_empty() {
        bail!(
            "--role-name is the role assumed in each account of --organization or --accounts; give one of them"
        );
    }
    let opts = aws::collect::ScanOptions {
        regions: a.region,
        aws_profile: a.aws_profile,
        endpoint_url: a.endpoint_url,
        vpcs: a.vpc,
        assume_roles: a.assume_role,
        organization: a.organization,
        accounts: a.accounts,
        role_name: a.role_name,
        concurrency: a.concurrency,
        account_concurrency: a.account_concurrency,
        max_attempts: a.max_attempts,
        progress: !cfg.quiet && std::io::stderr().is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let scanned = runtime.block_on(aws::collect::scan_accounts(&opts))?;
    if let (true, Some(p)) = (opts.per_account(), &a.save) {
        save_accounts(p, &scanned.accounts)?;
        // Report on exactly what `vpcreach analyze` reads back from the saved tree.
        return report_regions(aws::load_regions(&[p])?, &cfg);
    }
    let several = scanned.regions.len() > 1;
    let mut loaded = Vec::new();
    for r in scanned.regions {
        if let Some(p) = &a.save {
            let path = aws::save::region_path(p, &r.region, several);
            aws::save::save(&r.snapshot, &path)?;
        }
        // Analyse exactly what a save holds, read back the way `analyze` reads it.
        let origin = PathBuf::from(format!("scan of {}", r.region));
        loaded.push(aws::load_one(&origin, &aws::save::to_json(&r.snapshot))?);
    }
    report_regions(loaded, &cfg)
}

/// `scan --organization/--accounts --save DIR`: one tree per account and region,
/// `DIR/accounts/<id>/<region>/` (Batfish's `aws_configs` layout, which `analyze` reads, merging
/// the accounts of each region). JSON files elsewhere under DIR would be read together with the
/// scan: refused, as `--save` refuses them for one region.
#[cfg(feature = "aws")]
fn save_accounts(dir: &Path, accounts: &[aws::collect::AccountSnapshot]) -> Result<()> {
    if aws::save::is_file_form(dir) {
        bail!(
            "--save {}: a scan of several accounts saves a directory (accounts/<id>/<region>/), not one .json file",
            dir.display()
        );
    }
    let place =
        |s: &aws::collect::AccountSnapshot| dir.join("accounts").join(&s.account).join(&s.region);
    let targets: std::collections::BTreeSet<PathBuf> = accounts.iter().map(place).collect();
    fn walk(d: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for e in std::fs::read_dir(d)? {
            let p = e?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
            {
                out.push(p);
            }
        }
        Ok(())
    }
    if dir.is_dir() {
        let mut found = Vec::new();
        walk(dir, &mut found).with_context(|| format!("reading {}", dir.display()))?;
        found.sort();
        let stray: Vec<String> = found
            .iter()
            .filter(|f| !f.parent().is_some_and(|p| targets.contains(p)))
            .take(3)
            .map(|f| f.display().to_string())
            .collect();
        if !stray.is_empty() {
            bail!(
                "--save {}: the directory already holds other JSON files ({}) that `vpcreach analyze` would read together with this scan; save into an empty or new directory",
                dir.display(),
                stray.join(", ")
            );
        }
    }
    for s in accounts {
        aws::save::save(&s.snapshot, &place(s))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Analyze(a) => analyze(a),
        #[cfg(feature = "aws")]
        Command::Scan(a) => scan(a),
        Command::Diagram(a) => diagram(a),
        Command::Plan(a) => plan(a),
        Command::Diff(a) => diff(a),
        Command::Fix(a) => fix(a),
        Command::Trace(a) => trace(a),
    };
    match result {
        Ok((text, code)) => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                // A closed pipe (`vpcreach … | head`) is not an error.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    eprintln!("error: writing output: {e}");
                    return ExitCode::from(2);
                }
            }
            ExitCode::from(code as u8)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
