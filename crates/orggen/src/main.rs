//! `vpcreach-orggen`: write a generated organisation as a snapshot directory and say what was
//! written (files, bytes, resource counts, VPC kinds, intended verdicts).
//!
//! ```text
//! vpcreach-orggen --vpcs 1000 [--seed 1] [--accounts 1] [--split 0] [--region us-east-1]
//!                 [--subnets 20] [--notebooks 10] [--sg-rules 85] [--acl-entries 48]
//!                 [--mix 40,30,10,20] [--mistakes 25] --out DIR
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use vpcreach_orggen::{Intent, Spec, VpcKind, generate};

const USAGE: &str = "usage: vpcreach-orggen --vpcs N [--seed S] [--accounts K] [--split N] [--region R] [--subnets N] [--notebooks N] [--sg-rules N] [--acl-entries N] [--mix I,N,P,T] [--mistakes PCT] --out DIR";

fn parse_args(args: &[String]) -> Result<(Spec, PathBuf), String> {
    let mut spec = Spec::default();
    let mut out = None;
    let mut vpcs = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = it
            .next()
            .ok_or_else(|| format!("{flag} needs a value"))?
            .as_str();
        let num = |v: &str| -> Result<usize, String> {
            v.parse()
                .map_err(|_| format!("{flag}: {v:?} is not a non-negative whole number"))
        };
        match flag.as_str() {
            "--vpcs" => vpcs = Some(num(value)?),
            "--seed" => spec.seed = num(value)? as u64,
            "--accounts" => spec.accounts = num(value)?,
            "--split" => spec.split = num(value)?,
            "--region" => spec.region = value.to_string(),
            "--subnets" => spec.subnets_per_vpc = num(value)?,
            "--notebooks" => spec.notebooks_per_vpc = num(value)?,
            "--sg-rules" => spec.sg_rules_per_vpc = num(value)?,
            "--acl-entries" => spec.acl_entries_per_vpc = num(value)?,
            "--mistakes" => spec.mistake_percent = num(value)? as u32,
            "--mix" => {
                let w: Vec<u32> = value
                    .split(',')
                    .map(|x| x.trim().parse::<u32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--mix: {value:?} is not four whole numbers"))?;
                spec.mix = w.try_into().map_err(|_| {
                    format!("--mix: {value:?} must have four weights (isolated,nat,public,tgw)")
                })?;
            }
            "--out" => out = Some(PathBuf::from(value)),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    spec.vpcs = vpcs.ok_or("--vpcs is required")?;
    let out = out.ok_or("--out is required")?;
    spec.validate().map_err(|e| e.to_string())?;
    Ok((spec, out))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, out) = match parse_args(&args) {
        Ok(x) => x,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("vpcreach-orggen: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let t0 = Instant::now();
    let org = match generate(&spec) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("vpcreach-orggen: {e}");
            return ExitCode::from(2);
        }
    };
    let written = match org.write_dir(&out) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("vpcreach-orggen: {e}");
            return ExitCode::from(2);
        }
    };
    for f in &written.files {
        println!(
            "{:>12}  {:>8} items  {}",
            f.bytes,
            f.items,
            out.join(&f.path).display()
        );
    }
    let kinds: Vec<String> = VpcKind::ALL
        .iter()
        .map(|k| {
            let n = org.vpcs.iter().filter(|v| v.kind == *k).count();
            let m = org
                .vpcs
                .iter()
                .filter(|v| v.kind == *k && v.mistake.is_some())
                .count();
            if m > 0 {
                format!("{} {n} ({m} with a mistake)", k.as_str())
            } else {
                format!("{} {n}", k.as_str())
            }
        })
        .collect();
    let compliant = org
        .notebooks
        .iter()
        .filter(|n| n.intent == Intent::Compliant)
        .count();
    println!(
        "{} files, {} bytes in {:.1?}: {} VPCs ({}), {} subnets, {} route tables, {} security groups ({} permission entries), {} network ACLs ({} entries), {} endpoints, {} NAT gateways, {} ENIs, {} notebooks ({} meant compliant under the isolated profile), {} account(s), seed {}",
        written.files.len(),
        written.bytes(),
        t0.elapsed(),
        written.vpcs,
        kinds.join(", "),
        written.subnets,
        written.route_tables,
        written.security_groups,
        written.sg_permissions,
        written.network_acls,
        written.acl_entries,
        written.endpoints,
        written.nat_gateways,
        written.network_interfaces,
        written.notebooks,
        compliant,
        spec.accounts,
        spec.seed,
    );
    ExitCode::SUCCESS
}
