//! The `vpcreach` command line: parse flags, resolve them into a validated configuration, run the
//! pipeline (load → convert → analyse → report → render) and map the outcome to an exit status:
//! 0 every notebook compliant, 1 some notebook not, 2 usage, input or I/O error.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use vpcreach::analysis::{self, Config, DEFAULT_SERVICES};
use vpcreach::render::{self, Format};
use vpcreach::report::{self, Judgement, Profile};
use vpcreach::{aws, model};

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

A snapshot directory holds the outputs of e.g. `aws ec2 describe-vpcs > vpcs.json`, \
`describe-subnets`, `describe-route-tables`, `describe-internet-gateways`, `describe-nat-gateways`, \
`describe-vpc-endpoints`, `describe-security-groups`, `describe-network-acls`, \
`describe-prefix-lists`, `describe-network-interfaces`, plus VpcAttributes and NotebookInstances \
(see README.md). All *.json files below a directory are read.

Exit status: 0 every notebook compliant, 1 some notebook not compliant, 2 usage/input/I/O error.")]
    Analyze(AnalyzeArgs),
}

#[derive(clap::Args, Debug)]
struct AnalyzeArgs {
    /// Snapshot files or directories (read recursively, in sorted order).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    #[command(flatten)]
    run: RunArgs,
}

/// The flags every command that produces a report shares (`analyze`, and `scan` later).
#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// What compliant means: `isolated` (no internet, every service private) or `nat-egress`
    /// (internet only through a NAT gateway, every service reachable).
    #[arg(long, value_enum, default_value_t = Profile::Isolated)]
    profile: Profile,

    /// Required services, comma-separated; replaces the default list. Short names
    /// (`sts`) or full names (`com.amazonaws.us-east-1.sts`).
    #[arg(long, value_delimiter = ',', value_name = "SVC,...",
          default_values_t = DEFAULT_SERVICES.iter().map(|s| s.to_string()))]
    require: Vec<String>,

    /// Only these notebooks (repeatable).
    #[arg(long, value_name = "NAME")]
    notebook: Vec<String>,

    /// Let `unknown` verdicts pass instead of failing the notebook.
    #[arg(long)]
    allow_unknown: bool,

    /// When to colour the table.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The validated configuration a report is produced with.
struct RunConfig {
    format: Format,
    judgement: Judgement,
    analysis: Config,
    notebooks: Vec<String>,
    color: bool,
}

impl RunConfig {
    fn resolve(a: RunArgs) -> Result<RunConfig> {
        let mut services: Vec<String> = Vec::new();
        for s in a.require {
            let s = s.trim().to_string();
            if s.is_empty() {
                continue;
            }
            if s == "internet" {
                bail!("--require: `internet` is always checked; list AWS services such as s3,sts");
            }
            if !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            {
                bail!(
                    "--require: {s:?} is not a service name (expected e.g. s3, sagemaker.api, com.amazonaws.us-east-1.sts)"
                );
            }
            if !services.contains(&s) {
                services.push(s);
            }
        }
        if services.is_empty() {
            bail!("--require: give at least one service, e.g. --require s3,sts");
        }
        let color = match a.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ok(RunConfig {
            format: a.format,
            judgement: Judgement {
                profile: a.profile,
                allow_unknown: a.allow_unknown,
            },
            analysis: Config { services },
            notebooks: a.notebook,
            color,
        })
    }
}

/// Analyse a loaded snapshot and render the report: the part every command shares.
fn report_on(loaded: aws::Loaded, cfg: &RunConfig) -> Result<(String, i32)> {
    let mut net = model::convert(&loaded.snapshot).context("the snapshot has an invalid value")?;
    if !cfg.notebooks.is_empty() {
        let known: Vec<String> = net.notebooks.iter().map(|n| n.name.clone()).collect();
        for want in &cfg.notebooks {
            if !known.contains(want) {
                bail!(
                    "--notebook {want}: no such notebook in the snapshot (it has: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                );
            }
        }
        net.notebooks.retain(|n| cfg.notebooks.contains(&n.name));
    }
    let verdicts = analysis::analyze(&net, &cfg.analysis);
    let report = report::build(&net, verdicts, cfg.judgement, loaded.sources);
    let text = match cfg.format {
        Format::Table => render::table::render(&report, render::table::Style { color: cfg.color }),
        Format::Json => render::json::render(&report),
    };
    Ok((text, report.exit_code()))
}

fn analyze(a: AnalyzeArgs) -> Result<(String, i32)> {
    let cfg = RunConfig::resolve(a.run)?;
    let loaded = aws::load_paths(&a.paths)?;
    report_on(loaded, &cfg)
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
