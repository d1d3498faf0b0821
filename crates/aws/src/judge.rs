//! Loaded snapshots to reports: the path from [`Loaded`] regions through [`convert`] to the
//! engine's one entry point, `vpcreach_core::assess`, with each report given the files it was
//! read from. The CLI's `analyze`, its tests' in-process runs and embedders share it, so they
//! cannot differ in which regions are kept, how conversion errors name their file, or which
//! sources a report lists.

use vpcreach_core::assess::{self, AssessError, Options};
use vpcreach_core::model::Network;
use vpcreach_core::report::{Report, SourceFile};

use crate::convert::{ConvertError, convert};
use crate::load::Loaded;

/// Why loaded snapshots give no reports.
#[derive(Debug, thiserror::Error)]
pub enum JudgeError {
    /// `--region`-style selection named a region the input does not hold.
    #[error("{wanted}: the snapshot holds no such region (it has: {have})")]
    NoSuchRegion { wanted: String, have: String },
    /// A malformed value, with the file it came from when known.
    #[error("{}", match .file { Some(f) => format!("{}: {}", f.display(), .error), None => format!("the snapshot has an invalid value: {}", .error) })]
    Convert {
        file: Option<std::path::PathBuf>,
        error: ConvertError,
    },
    #[error(transparent)]
    Assess(#[from] AssessError),
    /// `--source` named a network interface or instance the snapshot does not hold.
    #[error("no network interface or EC2 instance {name} in the snapshot{suggestion}")]
    NoSuchSource { name: String, suggestion: String },
}

/// The networks of every region (in input order) and a report for each region that holds
/// (selected) notebooks: `(index into networks, report)`, the report's `sources` filled in.
pub struct Judged {
    pub networks: Vec<Network>,
    pub reports: Vec<(usize, Report)>,
}

/// Keep the regions `wanted` names (all when empty); naming a region the input lacks is an error.
pub fn select_regions(regions: Vec<Loaded>, wanted: &[String]) -> Result<Vec<Loaded>, JudgeError> {
    if wanted.is_empty() {
        return Ok(regions);
    }
    let region = |l: &Loaded| l.snapshot.region.clone().unwrap_or_default();
    let have: Vec<String> = regions.iter().map(region).collect();
    if let Some(w) = wanted.iter().find(|w| !have.contains(w)) {
        return Err(JudgeError::NoSuchRegion {
            wanted: w.clone(),
            have: have.join(", "),
        });
    }
    Ok(regions
        .into_iter()
        .filter(|l| wanted.contains(&region(l)))
        .collect())
}

/// Convert one loaded snapshot; a malformed value names the file it came from.
pub fn convert_loaded(loaded: &Loaded) -> Result<Network, JudgeError> {
    convert(&loaded.snapshot).map_err(|error| JudgeError::Convert {
        file: loaded
            .file_of(error.key, &error.id)
            .map(|p| p.to_path_buf()),
        error,
    })
}

/// Convert every region (malformed values first: they are the more precise error), then judge
/// them all with [`assess::assess`].
pub fn judge(regions: &[Loaded], opts: &Options) -> Result<Judged, JudgeError> {
    judge_sources(regions, opts, &[])
}

/// [`judge`], with network interfaces and EC2 instances of the snapshot (`sources`, by ID) judged
/// as sources too, like notebooks. When `sources` is not empty, only they (and the notebooks
/// `opts` selects by name) are judged; an ID no region holds is an error with close matches.
pub fn judge_sources(
    regions: &[Loaded],
    opts: &Options,
    sources: &[String],
) -> Result<Judged, JudgeError> {
    let (networks, files) = convert_all(regions)?;
    judge_networks(networks, &files, opts, sources)
}

/// Every region converted (the first malformed value is the error), with each region's files —
/// the first half of [`judge_sources`], for a caller that frees the snapshots before judging.
pub fn convert_all(regions: &[Loaded]) -> Result<(Vec<Network>, Vec<Vec<SourceFile>>), JudgeError> {
    let networks = regions
        .iter()
        .map(convert_loaded)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((
        networks,
        regions.iter().map(|r| r.sources.clone()).collect(),
    ))
}

/// The second half of [`judge_sources`]: already converted networks (one per region, in input
/// order) judged, each report given its region's `files`. Lets a caller free the loaded
/// snapshots between conversion and analysis.
pub fn judge_networks(
    mut networks: Vec<Network>,
    files: &[Vec<SourceFile>],
    opts: &Options,
    sources: &[String],
) -> Result<Judged, JudgeError> {
    let mut opts = opts.clone();
    for id in sources {
        let mut found = false;
        for net in &mut networks {
            if net.notebooks.iter().any(|n| n.name == *id) {
                found = true;
            } else if let Some(nb) = net.workload_source(id) {
                net.notebooks.push(nb);
                net.notebooks.sort_by(|a, b| a.name.cmp(&b.name));
                found = true;
            }
        }
        if !found {
            let known: Vec<&str> = networks.iter().flat_map(|n| n.workload_ids()).collect();
            return Err(JudgeError::NoSuchSource {
                name: id.clone(),
                suggestion: vpcreach_core::analysis::services::suggestion(
                    &vpcreach_core::analysis::services::close_matches(id, &known),
                ),
            });
        }
        if !opts.notebooks.contains(id) {
            opts.notebooks.push(id.clone());
        }
    }
    let mut reports = assess::assess(&networks, &opts)?;
    for (i, report) in &mut reports {
        report.sources = files.get(*i).cloned().unwrap_or_default();
    }
    Ok(Judged { networks, reports })
}
