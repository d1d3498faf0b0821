//! Pre-provisioning input: a Terraform plan (`terraform show -json` output) or a CloudFormation
//! template (JSON or YAML) read into the *planned state* — the AWS shapes a `describe-*` of the
//! network would print once the plan is applied — so that `vpcreach-aws`'s one conversion and
//! the one engine judge planned notebooks exactly like deployed ones.
//!
//! Resources that do not exist yet get synthetic IDs that keep AWS's prefix and name their origin
//! (`subnet-tf:module.vpc.aws_subnet.private[0]`, `sg-cfn:NotebookSecurityGroup`) and are listed
//! under the snapshot's `PlannedResources`. A value the input leaves open (known only after apply
//! and not resolvable through `configuration` references, an `!ImportValue`, a data source without
//! `--base`) is never guessed: it is recorded under `Unresolved` and the reference it would have
//! filled points at an ID that exists nowhere (`subnet-unresolved:data.aws_subnet.x`), so the
//! conversion reports a dangling reference and every verdict that depends on it is `unknown`.
//!
//! A resource whose own defining attribute is open (a subnet whose CIDR is known only after
//! apply) is left out of the snapshot altogether, with an `Unresolved` entry: whatever refers to
//! it dangles, and is `unknown`.

pub mod cloudformation;
pub mod common;
pub mod place;
pub mod terraform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vpcreach_aws::Snapshot;

/// What a plan is read with besides its own text.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The deployed network the plan changes (a snapshot or `scan --save` output): resources the
    /// plan names by literal ID or looks up through data sources come from here, and the planned
    /// resources are added to (or replace, or delete from) it.
    pub base: Option<Snapshot>,
    /// `--parameter K=V`: CloudFormation parameter values (and `!ImportValue` names, pseudo
    /// parameters such as `AWS::Region`); for a Terraform plan, ignored.
    pub parameters: BTreeMap<String, String>,
}

/// How the files of one `vpcreach plan` call form one deployment.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    /// `--stack-name FILE=NAME`: a CloudFormation template's stack name (`AWS::StackName`, and
    /// the scope of its synthetic IDs); otherwise the file stem.
    pub stack_names: BTreeMap<PathBuf, String>,
    /// `--template-map URL=FILE`: the local file of a nested stack's `TemplateURL`.
    pub template_map: BTreeMap<String, PathBuf>,
}

/// What kind of file a plan input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// `terraform show -json` output (an object with `format_version` and `planned_values` or
    /// `values`).
    TerraformPlan,
    /// A CloudFormation template (JSON or YAML, an object with `Resources`).
    CloudFormation,
}

/// Why a plan input could not be read. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Neither a Terraform plan nor a CloudFormation template.
    #[error(
        "{path}: neither a Terraform plan (`terraform show -json` output, with \"format_version\") nor a CloudFormation template (with \"Resources\"){found}"
    )]
    NotAPlan { path: PathBuf, found: String },
    /// The file is a plan or template but malformed; `at` names the resource and field.
    #[error("{path}: {at}: {message}")]
    Invalid {
        path: PathBuf,
        at: String,
        message: String,
    },
}

impl PlanError {
    /// A malformed-input error at `at` (a resource address and field).
    pub fn invalid(path: &Path, at: impl Into<String>, message: impl Into<String>) -> PlanError {
        PlanError::Invalid {
            path: path.to_path_buf(),
            at: at.into(),
            message: message.into(),
        }
    }
}

/// Recognise what `text` (read from `path`) is: a Terraform plan, a CloudFormation template, or
/// neither (an error naming what the file holds).
pub fn detect(path: &Path, text: &str) -> Result<InputKind, PlanError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(text).map_err(|e| PlanError::NotAPlan {
            path: path.to_path_buf(),
            found: format!(" (not valid JSON: {e})"),
        })?;
        let Some(obj) = v.as_object() else {
            return Err(PlanError::NotAPlan {
                path: path.to_path_buf(),
                found: " (the JSON is not an object)".into(),
            });
        };
        if obj.contains_key("format_version")
            && (obj.contains_key("planned_values") || obj.contains_key("values"))
        {
            return Ok(InputKind::TerraformPlan);
        }
        if obj.contains_key("Resources") {
            return Ok(InputKind::CloudFormation);
        }
        let keys: Vec<&str> = obj.keys().map(String::as_str).take(8).collect();
        return Err(PlanError::NotAPlan {
            path: path.to_path_buf(),
            found: format!("; its keys are {}", keys.join(", ")),
        });
    }
    // YAML: a CloudFormation template has a top-level `Resources:` mapping.
    if text
        .lines()
        .any(|l| l.starts_with("Resources:") || l.starts_with("\"Resources\":"))
    {
        return Ok(InputKind::CloudFormation);
    }
    Err(PlanError::NotAPlan {
        path: path.to_path_buf(),
        found: String::new(),
    })
}

/// Read one plan or template file into the planned state (merged into `opts.base` when given).
pub fn read_file(path: &Path, opts: &PlanOptions) -> Result<Snapshot, PlanError> {
    let text = std::fs::read_to_string(path).map_err(|source| PlanError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    read_str(path, &text, opts)
}

/// Read several plans and templates (`(path, text)`) into the planned state of one deployment,
/// over `opts.base`. CloudFormation templates are stacks whose exports satisfy each other's
/// `Fn::ImportValue` and whose local nested stacks are read with them (see
/// `cloudformation/stacks.rs`); they are built exporters first. Terraform plans are applied in
/// the order given, each over what the files before it planned, so a data source or
/// `terraform_remote_state` output of one plan finds what another plan creates (see
/// `terraform/mod.rs`).
pub fn read_deployment(
    files: &[(PathBuf, String)],
    opts: &PlanOptions,
    deployment: &Deployment,
) -> Result<Snapshot, PlanError> {
    let mut kinds = Vec::new();
    for (p, text) in files {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        kinds.push(detect(p, text)?);
    }
    let templates: Vec<cloudformation::stacks::Template> = files
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| **k == InputKind::CloudFormation)
        .map(|((p, text), _)| cloudformation::stacks::Template {
            path: p.clone(),
            text: text.clone(),
            name: deployment
                .stack_names
                .get(p)
                .cloned()
                .or_else(|| {
                    // `--parameter AWS::StackName` names a lone template.
                    (files.len() == 1)
                        .then(|| opts.parameters.get("AWS::StackName").cloned())
                        .flatten()
                })
                .unwrap_or_else(|| cloudformation::stacks::stem(p)),
        })
        .collect();
    let mut stacks = if templates.is_empty() {
        Vec::new()
    } else {
        cloudformation::stacks::load_deployment(&templates, opts, &deployment.template_map)?
    };
    stacks.reverse();
    // Terraform plans: with several, their synthetic IDs carry the file stem, and a first pass
    // gives every plan's outputs (for `terraform_remote_state`) and what all of them create (for
    // data sources read only at apply); the second pass reads each over the ones before it.
    let tf: Vec<&(PathBuf, String)> = files
        .iter()
        .zip(&kinds)
        .filter(|(_, k)| **k == InputKind::TerraformPlan)
        .map(|(f, _)| f)
        .collect();
    let several = tf.len() > 1;
    let scope = |p: &Path| {
        if several {
            cloudformation::stacks::stem(p)
        } else {
            String::new()
        }
    };
    let mut first = terraform::Env::default();
    let mut everything = None;
    if several {
        let mut chain = opts.base.clone();
        for (p, text) in &tf {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let o = PlanOptions {
                base: chain.clone(),
                parameters: opts.parameters.clone(),
            };
            let env = terraform::Env {
                scope: scope(p),
                ..terraform::Env::default()
            };
            let (snap, outs) = terraform::read_in(p, text, &o, &env)?;
            for (name, v) in outs {
                first.remote.entry(name).or_default().push((p.clone(), v));
            }
            chain = Some(snap);
        }
        everything = chain;
    }
    // The order plans are built in: a plan after those whose outputs or resources it uses
    // (found by reading each once more with everything known), otherwise the order given.
    let mut tf_order: Vec<usize> = (0..tf.len()).collect();
    if several {
        let mut deps = Vec::new();
        for (p, text) in &tf {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let o = PlanOptions {
                base: everything.clone(),
                parameters: opts.parameters.clone(),
            };
            let env = terraform::Env {
                scope: scope(p),
                lookup: everything.as_ref(),
                remote: first.remote.clone(),
                used: Default::default(),
            };
            // An error here is reported by the read that counts, below.
            let _ = terraform::read_in(p, text, &o, &env);
            let used = env.used.into_inner();
            let me = p.display().to_string();
            deps.push(
                tf.iter()
                    .enumerate()
                    .filter(|(_, (q, _))| {
                        let q = q.display().to_string();
                        q != me && used.contains(&q)
                    })
                    .map(|(j, _)| j)
                    .collect::<Vec<_>>(),
            );
        }
        tf_order.clear();
        while tf_order.len() < tf.len() {
            let ready = (0..tf.len())
                .find(|i| !tf_order.contains(i) && deps[*i].iter().all(|d| tf_order.contains(d)));
            let next = ready.or_else(|| (0..tf.len()).find(|i| !tf_order.contains(i)));
            let Some(i) = next else { break };
            tf_order.push(i);
        }
    }
    let mut tf_next = tf_order.into_iter();
    let mut base = opts.base.clone();
    let mut cfn_done = false;
    for kind in &kinds {
        match kind {
            InputKind::TerraformPlan => {
                let Some(i) = tf_next.next() else { continue };
                let (p, text) = tf[i];
                let text = text.strip_prefix('\u{feff}').unwrap_or(text);
                let o = PlanOptions {
                    base: base.clone(),
                    parameters: opts.parameters.clone(),
                };
                let env = terraform::Env {
                    scope: scope(p),
                    lookup: everything.as_ref(),
                    remote: first.remote.clone(),
                    used: Default::default(),
                };
                base = Some(terraform::read_in(p, text, &o, &env)?.0);
            }
            InputKind::CloudFormation if !cfn_done => {
                cfn_done = true;
                while let Some(stack) = stacks.pop() {
                    let file = stack.file().to_path_buf();
                    let mut b = common::Builder::new(base.as_ref(), "cfn", &file);
                    stack.build(&mut b)?;
                    base = Some(b.finish());
                }
            }
            InputKind::CloudFormation => {}
        }
    }
    Ok(base.unwrap_or_default())
}

/// Read `text` (from `path`, for messages and `PlannedResources.File`) into the planned state.
pub fn read_str(path: &Path, text: &str, opts: &PlanOptions) -> Result<Snapshot, PlanError> {
    // Editors on Windows save a byte-order mark; neither JSON nor YAML parsers want it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match detect(path, text)? {
        InputKind::TerraformPlan => terraform::read(path, text, opts),
        InputKind::CloudFormation => cloudformation::read(path, text, opts),
    }
}
