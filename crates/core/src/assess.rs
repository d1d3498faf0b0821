//! The one entry point: judge the notebooks of one or several regions' networks under a profile.
//!
//! Everything the answer depends on happens here, so that the command line, the benchmarks, the
//! tests and an embedder get the same answer: validating the services asked for (case-folded,
//! full names only of the network's region), selecting notebooks (case-insensitive, across
//! regions), the analysis, the Security Hub findings, the profile's judgement and the exit rule
//! (notebooks that could not be read fail the run unless unknowns are allowed). Input without any
//! notebook is an error, never an empty pass.
//!
//! ```
//! use vpcreach_core::assess::{Options, assess};
//! use vpcreach_core::report::{Judgement, Profile};
//!
//! // A snapshot as the AWS CLI prints it (here: one file holding every key).
//! let text = include_str!("../../../tests/fixtures/scenarios/baseline_isolated.json");
//! let snapshot = vpcreach_aws::load_str("snapshot.json".as_ref(), text).unwrap();
//! let network = vpcreach_aws::convert(&snapshot).unwrap();
//! let options = Options {
//!     judgement: Judgement { profile: Profile::Isolated, allow_unknown: false },
//!     ..Options::default()
//! };
//! let reports = assess(&[network], &options).unwrap();
//! let (_, report) = &reports[0];
//! assert_eq!(report.summary.compliant, report.summary.notebooks);
//! assert_eq!(report.exit_code(), 0);
//! ```

use crate::analysis::services::{self, ServiceNameError};
use crate::analysis::{self, Config, DEFAULT_SERVICES};
use crate::model::Network;
use crate::report::{self, Judgement, Profile, Report};

/// What to judge, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The services to check besides `internet`, as a user gives them (`s3`, `SageMaker.API`,
    /// `com.amazonaws.us-east-1.sts`); default DESIGN §3's five.
    pub services: Vec<String>,
    /// Only these notebooks (matched case-insensitively, in any region); empty: every notebook.
    pub notebooks: Vec<String>,
    pub judgement: Judgement,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            services: DEFAULT_SERVICES.iter().map(|s| s.to_string()).collect(),
            notebooks: Vec::new(),
            judgement: Judgement {
                profile: Profile::Isolated,
                allow_unknown: false,
            },
        }
    }
}

/// Why nothing could be judged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessError {
    #[error("{0}")]
    Service(#[from] ServiceNameError),
    #[error("no service to check: name at least one, e.g. s3,sts")]
    NoService,
    #[error("no such notebook: {name}{suggestion}{known}")]
    Notebook {
        name: String,
        suggestion: String,
        known: String,
    },
    /// No notebook in any of the networks (and why, when their list could not be read).
    #[error("no notebook instance in the input{}", .unread.as_ref().map(|w| format!(" (the notebooks could not be read: {w})")).unwrap_or_default())]
    NoNotebooks { unread: Option<String> },
}

/// The services of `opts`, checked region-independently (before any network is read): unknown
/// short names and malformed names are refused.
pub fn validate_services(opts: &Options) -> Result<Vec<String>, AssessError> {
    canonical_services(opts, None)
}

fn canonical_services(opts: &Options, region: Option<&str>) -> Result<Vec<String>, AssessError> {
    let mut out: Vec<String> = Vec::new();
    for s in &opts.services {
        if s.trim().is_empty() {
            continue;
        }
        let c = services::canonical(s, region)?;
        if !out.contains(&c) {
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(AssessError::NoService);
    }
    Ok(out)
}

/// The notebook names `wanted` selects among `known` (case-insensitive), or the error for the
/// first that selects none.
pub fn select_notebooks(wanted: &[String], known: &[&str]) -> Result<Vec<String>, AssessError> {
    let mut out = Vec::new();
    for w in wanted {
        let hits: Vec<&str> = known
            .iter()
            .copied()
            .filter(|k| k.eq_ignore_ascii_case(w))
            .collect();
        if hits.is_empty() {
            return Err(AssessError::Notebook {
                name: w.clone(),
                suggestion: services::suggestion(&services::close_matches(
                    &w.to_ascii_lowercase(),
                    known,
                )),
                known: if known.len() <= 20 {
                    format!(
                        " (the input has: {})",
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    )
                } else {
                    String::new()
                },
            });
        }
        out.extend(hits.into_iter().map(str::to_string));
    }
    Ok(out)
}

/// Judge every selected notebook of every network (one per region): a report, with the index of
/// its network, for each network that holds any, in the given order. A network without selected
/// notebooks gives no report; no notebook at all is [`AssessError::NoNotebooks`].
pub fn assess(networks: &[Network], opts: &Options) -> Result<Vec<(usize, Report)>, AssessError> {
    validate_services(opts)?;
    if networks.iter().all(|n| n.notebooks.is_empty()) {
        return Err(AssessError::NoNotebooks {
            unread: networks
                .iter()
                .find_map(|n| n.notebooks_incomplete().map(str::to_string)),
        });
    }
    let names: Vec<&str> = networks
        .iter()
        .flat_map(|n| n.notebooks.iter().map(|nb| nb.name.as_str()))
        .collect();
    let chosen = select_notebooks(&opts.notebooks, &names)?;
    let mut out = Vec::new();
    for (i, net) in networks.iter().enumerate() {
        let selected = |name: &str| opts.notebooks.is_empty() || chosen.iter().any(|c| c == name);
        if !net.notebooks.iter().any(|n| selected(&n.name)) {
            continue;
        }
        let cfg = Config {
            services: canonical_services(opts, net.region.as_deref())?,
        };
        let a = analysis::analyze_selected(net, &cfg, &selected);
        out.push((i, report::build(net, a, opts.judgement, Vec::new())));
    }
    Ok(out)
}
