//! Writing a snapshot back to disk in exactly DESIGN §2's format, so that `vpcreach scan --save`
//! output can be analysed offline later with `vpcreach analyze` and gives the same report.
//!
//! Two forms: a directory with one file per key, named and shaped like the AWS CLI's own output
//! (`vpcs.json` = `{"Vpcs": [...]}`, `route-tables.json`, …, plus `vpc-attributes.json`,
//! `notebook-instances.json`, `region.json` and `incomplete.json`), or one file holding every key
//! when the path ends in `.json`. Files are written to a hidden temporary name and renamed, so an
//! interrupted save never leaves a half-written file that `analyze` would read. This module needs no
//! SDK: it only serialises the `Snapshot` type the loader reads.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value};

use super::snapshot::Snapshot;

/// Why a snapshot could not be saved. Every variant names the path.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: the directory already holds other JSON files ({others}) that `vpcreach analyze` would read together with the saved snapshot; save into an empty or new directory"
    )]
    ForeignFiles { path: PathBuf, others: String },
    #[error("{path}: exists and is not a directory; give a directory, or a path ending in .json")]
    NotDirectory { path: PathBuf },
}

/// The file name of a snapshot key in the directory form: `VpcAttributes` → `vpc-attributes.json`,
/// as the samples and the README's `aws … > name.json` recipe name them.
pub fn file_name(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out.push_str(".json");
    out
}

/// Where the snapshot of `region` goes when one scan saves several regions: a `<region>/`
/// subdirectory of a directory path, or `name-<region>.json` beside a file path. With a single
/// region the path is used as given.
pub fn region_path(path: &Path, region: &str, several: bool) -> PathBuf {
    if !several {
        return path.to_path_buf();
    }
    if is_file_form(path) {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        path.with_file_name(format!("{stem}-{region}.json"))
    } else {
        path.join(region)
    }
}

/// Does `path` name the one-file form (it ends in `.json`)?
pub fn is_file_form(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The whole snapshot as one JSON object, indented like the AWS CLI's output.
pub fn to_json(snap: &Snapshot) -> String {
    let mut v = to_map(snap);
    // Always present, so an older save's `Incomplete` list can never survive a newer, complete one.
    v.entry("Incomplete")
        .or_insert_with(|| Value::Array(vec![]));
    pretty(&Value::Object(v))
}

/// Save `snap` at `path`: one file when `path` ends in `.json`, else a directory (created if
/// needed) with one file per key. Returns the files written, in sorted order.
pub fn save(snap: &Snapshot, path: &Path) -> Result<Vec<PathBuf>, SaveError> {
    if is_file_form(path) {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|source| SaveError::Io {
                path: dir.into(),
                source,
            })?;
        }
        write_atomic(path, &to_json(snap))?;
        return Ok(vec![path.to_path_buf()]);
    }
    if path.exists() && !path.is_dir() {
        return Err(SaveError::NotDirectory { path: path.into() });
    }
    let mut files: Vec<(String, String)> = Vec::new();
    let mut map = to_map(snap);
    map.entry("Incomplete")
        .or_insert_with(|| Value::Array(vec![]));
    for (key, value) in map {
        let mut one = Map::new();
        one.insert(key.clone(), value);
        files.push((file_name(&key), pretty(&Value::Object(one))));
    }
    files.sort();
    if path.is_dir() {
        let mut others = Vec::new();
        foreign_json(path, path, &files, &mut others).map_err(|source| SaveError::Io {
            path: path.into(),
            source,
        })?;
        if !others.is_empty() {
            others.sort();
            return Err(SaveError::ForeignFiles {
                path: path.into(),
                others: others.join(", "),
            });
        }
    }
    fs::create_dir_all(path).map_err(|source| SaveError::Io {
        path: path.into(),
        source,
    })?;
    let mut written = Vec::new();
    for (name, text) in &files {
        let p = path.join(name);
        write_atomic(&p, text)?;
        written.push(p);
    }
    Ok(written)
}

fn to_map(snap: &Snapshot) -> Map<String, Value> {
    match serde_json::to_value(snap) {
        Ok(Value::Object(m)) => m,
        // `Snapshot` is a struct of plain data: it always serialises to an object.
        _ => unreachable!("a Snapshot serialises to a JSON object"),
    }
}

/// Four-space indentation and a final newline, as `aws … --output json` prints.
fn pretty(v: &Value) -> String {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    v.serialize(&mut ser)
        .expect("serialising a JSON value to memory cannot fail");
    buf.push(b'\n');
    String::from_utf8(buf).expect("serde_json writes UTF-8")
}

/// `*.json` files below `dir` (recursively, as the loader reads them; hidden entries skipped, as
/// the loader skips them) other than the ones this save writes at its top level.
fn foreign_json(
    root: &Path,
    dir: &Path,
    ours: &[(String, String)],
    out: &mut Vec<String>,
) -> std::io::Result<()> {
    for e in fs::read_dir(dir)? {
        let p = e?.path();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            foreign_json(root, &p, ours, out)?;
        } else if p.extension().and_then(|x| x.to_str()) == Some("json")
            && !(dir == root && ours.iter().any(|(n, _)| *n == name))
        {
            out.push(p.strip_prefix(root).unwrap_or(&p).display().to_string());
        }
    }
    Ok(())
}

fn write_atomic(path: &Path, text: &str) -> Result<(), SaveError> {
    let io = |source| SaveError::Io {
        path: path.into(),
        source,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = fs::File::create(&tmp).map_err(io)?;
    f.write_all(text.as_bytes()).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load_paths;
    use crate::snapshot::{AttrBool, Incomplete, Vpc, VpcAttribute};

    fn sample() -> Snapshot {
        Snapshot {
            region: Some("eu-west-1".into()),
            vpcs: vec![Vpc {
                vpc_id: "vpc-1".into(),
                cidr_block: Some("10.0.0.0/16".into()),
                ..Vpc::default()
            }],
            vpc_attributes: vec![VpcAttribute {
                vpc_id: "vpc-1".into(),
                enable_dns_support: Some(AttrBool { value: true }),
                enable_dns_hostnames: Some(AttrBool { value: false }),
            }],
            incomplete: vec![Incomplete {
                key: "VpcEndpoints".into(),
                reason: "DescribeVpcEndpoints in eu-west-1: AccessDenied".into(),
            }],
            ..Snapshot::default()
        }
    }

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("vpcreach-save-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn file_names_follow_the_cli_recipe() {
        assert_eq!(file_name("Vpcs"), "vpcs.json");
        assert_eq!(file_name("VpcAttributes"), "vpc-attributes.json");
        assert_eq!(
            file_name("EgressOnlyInternetGateways"),
            "egress-only-internet-gateways.json"
        );
        assert_eq!(file_name("Region"), "region.json");
    }

    #[test]
    fn both_forms_load_back_to_the_same_snapshot() {
        let s = sample();
        let dir = tmp("dir");
        let written = save(&s, &dir).unwrap();
        assert!(written.iter().any(|p| p.ends_with("vpcs.json")));
        assert!(written.iter().any(|p| p.ends_with("incomplete.json")));
        assert_eq!(load_paths(&[&dir]).unwrap().snapshot, s);
        let file_dir = tmp("file");
        let file = file_dir.join("one").join("snap.json");
        save(&s, &file).unwrap();
        assert_eq!(load_paths(&[&file]).unwrap().snapshot, s);
        let _ = fs::remove_dir_all(&file_dir);
        // Saving again over our own files is fine, and a complete snapshot clears `Incomplete`.
        let complete = Snapshot {
            incomplete: vec![],
            ..s
        };
        save(&complete, &dir).unwrap();
        assert_eq!(load_paths(&[&dir]).unwrap().snapshot, complete);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn other_json_in_the_directory_is_refused() {
        let dir = tmp("foreign");
        fs::create_dir_all(dir.join("old")).unwrap();
        fs::write(dir.join("old").join("x.json"), "{}").unwrap();
        fs::write(dir.join("notes.txt"), "hi").unwrap();
        let e = save(&sample(), &dir).unwrap_err().to_string();
        assert!(
            e.contains("x.json") && e.contains("empty or new directory"),
            "{e}"
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn several_regions_get_their_own_paths() {
        let p = Path::new("out/snap.json");
        assert_eq!(region_path(p, "us-east-1", false), p);
        assert_eq!(
            region_path(p, "us-east-1", true),
            Path::new("out/snap-us-east-1.json")
        );
        assert_eq!(
            region_path(Path::new("out"), "us-east-1", true),
            Path::new("out/us-east-1")
        );
    }
}
