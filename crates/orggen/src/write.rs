//! Writing an [`Org`] as a snapshot directory (or into memory): one file per snapshot key, each
//! `{"Key": [ … ]}` indented with four spaces as the AWS CLI prints it, elements streamed one VPC
//! at a time so that 10⁴ VPCs never sit in memory at once.
//!
//! Layout: with one account, a flat folder holding `region.json`; with several, Batfish's
//! `aws_configs/accounts/<id>/<region>/` (the folder names the region, DESIGN §2). With
//! [`Spec::split`](crate::Spec::split) > 0, each key is cut into `<stem>-0001.json`, … of at most
//! that many elements, as people save paginated output.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::ser::Formatter;

use crate::Org;
use crate::expand::{AccountResources, VpcResources, expand, expand_account};

/// One file written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileWritten {
    /// Relative to the output directory, `/`-separated.
    pub path: String,
    pub key: &'static str,
    pub items: usize,
    pub bytes: u64,
}

/// What was written: the files and the resources in them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub files: Vec<FileWritten>,
    pub vpcs: usize,
    pub subnets: usize,
    pub route_tables: usize,
    pub security_groups: usize,
    /// `IpPermissions` + `IpPermissionsEgress` entries over all security groups.
    pub sg_permissions: usize,
    pub network_acls: usize,
    pub acl_entries: usize,
    pub endpoints: usize,
    pub nat_gateways: usize,
    pub network_interfaces: usize,
    pub notebooks: usize,
}

impl Written {
    pub fn bytes(&self) -> u64 {
        self.files.iter().map(|f| f.bytes).sum()
    }
}

/// An I/O failure, naming the path.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// serde_json's pretty printing with four spaces, starting `level` indents deep (elements of a
/// top-level list sit two levels deep).
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"    ")?;
        }
        Ok(())
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Where files go.
enum Sink<'a> {
    Dir(&'a Path),
    Memory(&'a mut BTreeMap<String, Vec<u8>>),
}

const FLUSH_AT: usize = 1 << 20;

struct Open {
    rel: String,
    buf: Vec<u8>,
    file: Option<(PathBuf, File)>,
    items: usize,
    bytes: u64,
}

/// One key's file (or files, when split) under one folder.
struct KeyWriter {
    key: &'static str,
    stem: &'static str,
    folder: String,
    split: usize,
    chunk: usize,
    open: Option<Open>,
    done: Vec<FileWritten>,
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_path_buf(),
        source,
    }
}

impl KeyWriter {
    fn new(key: &'static str, stem: &'static str, folder: &str, split: usize) -> KeyWriter {
        KeyWriter {
            key,
            stem,
            folder: folder.to_string(),
            split,
            chunk: 0,
            open: None,
            done: Vec::new(),
        }
    }

    fn start(&mut self, sink: &mut Sink) -> Result<(), WriteError> {
        self.chunk += 1;
        let name = if self.split == 0 {
            format!("{}.json", self.stem)
        } else {
            format!("{}-{:04}.json", self.stem, self.chunk)
        };
        let rel = format!("{}{name}", self.folder);
        let file = match sink {
            Sink::Dir(dir) => {
                let path = dir.join(&rel);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(io_err(parent))?;
                }
                let f = File::create(&path).map_err(io_err(&path))?;
                Some((path, f))
            }
            Sink::Memory(_) => None,
        };
        let mut buf = Vec::with_capacity(if file.is_some() {
            FLUSH_AT + (64 << 10)
        } else {
            4096
        });
        write!(buf, "{{\n    \"{}\": [", self.key).expect("writing to memory");
        self.open = Some(Open {
            rel,
            buf,
            file,
            items: 0,
            bytes: 0,
        });
        Ok(())
    }

    fn push<T: Serialize>(&mut self, sink: &mut Sink, item: &T) -> Result<(), WriteError> {
        if self
            .open
            .as_ref()
            .is_some_and(|o| self.split > 0 && o.items >= self.split)
        {
            self.close(sink)?;
        }
        if self.open.is_none() {
            self.start(sink)?;
        }
        let o = self.open.as_mut().expect("opened above");
        o.buf.extend_from_slice(if o.items == 0 {
            b"\n        "
        } else {
            b",\n        "
        });
        let mut ser = serde_json::Serializer::with_formatter(
            &mut o.buf,
            Indented {
                level: 2,
                has_value: false,
            },
        );
        item.serialize(&mut ser)
            .expect("the shapes serialise to memory");
        o.items += 1;
        if o.buf.len() >= FLUSH_AT
            && let Some((path, f)) = &mut o.file
        {
            f.write_all(&o.buf).map_err(io_err(path))?;
            o.bytes += o.buf.len() as u64;
            o.buf.clear();
        }
        Ok(())
    }

    fn close(&mut self, sink: &mut Sink) -> Result<(), WriteError> {
        let Some(mut o) = self.open.take() else {
            return Ok(());
        };
        o.buf.extend_from_slice(if o.items == 0 {
            b"]\n}\n"
        } else {
            b"\n    ]\n}\n"
        });
        o.bytes += o.buf.len() as u64;
        match (sink, &mut o.file) {
            (_, Some((path, f))) => {
                f.write_all(&o.buf).map_err(io_err(path))?;
            }
            (Sink::Memory(map), None) => {
                map.insert(o.rel.clone(), std::mem::take(&mut o.buf));
            }
            (Sink::Dir(_), None) => unreachable!("a file is opened for every chunk in a directory"),
        }
        self.done.push(FileWritten {
            path: o.rel,
            key: self.key,
            items: o.items,
            bytes: o.bytes,
        });
        Ok(())
    }

    fn finish(mut self, sink: &mut Sink) -> Result<Vec<FileWritten>, WriteError> {
        if self.open.is_none() && self.chunk == 0 {
            self.start(sink)?;
        }
        self.close(sink)?;
        Ok(self.done)
    }
}

/// The key files of one folder (one account's region).
struct Folder {
    vpcs: KeyWriter,
    attributes: KeyWriter,
    subnets: KeyWriter,
    route_tables: KeyWriter,
    igws: KeyWriter,
    nats: KeyWriter,
    endpoints: KeyWriter,
    sgs: KeyWriter,
    acls: KeyWriter,
    prefix_lists: KeyWriter,
    enis: KeyWriter,
    dhcp: KeyWriter,
    tgws: KeyWriter,
    notebooks: KeyWriter,
}

impl Folder {
    fn new(folder: &str, split: usize) -> Folder {
        let k = |key, stem| KeyWriter::new(key, stem, folder, split);
        Folder {
            vpcs: k("Vpcs", "vpcs"),
            attributes: k("VpcAttributes", "vpc-attributes"),
            subnets: k("Subnets", "subnets"),
            route_tables: k("RouteTables", "route-tables"),
            igws: k("InternetGateways", "internet-gateways"),
            nats: k("NatGateways", "nat-gateways"),
            endpoints: k("VpcEndpoints", "vpc-endpoints"),
            sgs: k("SecurityGroups", "security-groups"),
            acls: k("NetworkAcls", "network-acls"),
            prefix_lists: k("PrefixLists", "prefix-lists"),
            enis: k("NetworkInterfaces", "network-interfaces"),
            dhcp: k("DhcpOptions", "dhcp-options"),
            tgws: k("TransitGateways", "transit-gateways"),
            notebooks: k("NotebookInstances", "notebook-instances"),
        }
    }

    fn account(&mut self, s: &mut Sink, a: &AccountResources) -> Result<(), WriteError> {
        self.dhcp.push(s, &a.dhcp_options)?;
        if let Some(t) = &a.transit_gateway {
            self.tgws.push(s, t)?;
        }
        for p in &a.prefix_lists {
            self.prefix_lists.push(s, p)?;
        }
        for n in &a.notebooks {
            self.notebooks.push(s, n)?;
        }
        Ok(())
    }

    fn vpc(&mut self, s: &mut Sink, v: &VpcResources, w: &mut Written) -> Result<(), WriteError> {
        fn all<T: Serialize>(
            kw: &mut KeyWriter,
            s: &mut Sink,
            items: &[T],
        ) -> Result<(), WriteError> {
            items.iter().try_for_each(|i| kw.push(s, i))
        }
        self.vpcs.push(s, &v.vpc)?;
        self.attributes.push(s, &v.attributes)?;
        all(&mut self.subnets, s, &v.subnets)?;
        all(&mut self.route_tables, s, &v.route_tables)?;
        all(&mut self.igws, s, &v.internet_gateways)?;
        all(&mut self.nats, s, &v.nat_gateways)?;
        all(&mut self.endpoints, s, &v.endpoints)?;
        all(&mut self.sgs, s, &v.security_groups)?;
        all(&mut self.acls, s, &v.network_acls)?;
        all(&mut self.enis, s, &v.network_interfaces)?;
        all(&mut self.notebooks, s, &v.notebooks)?;
        w.vpcs += 1;
        w.subnets += v.subnets.len();
        w.route_tables += v.route_tables.len();
        w.security_groups += v.security_groups.len();
        w.sg_permissions += v
            .security_groups
            .iter()
            .map(|g| g.ip_permissions.len() + g.ip_permissions_egress.len())
            .sum::<usize>();
        w.network_acls += v.network_acls.len();
        w.acl_entries += v
            .network_acls
            .iter()
            .map(|a| a.entries.len())
            .sum::<usize>();
        w.endpoints += v.endpoints.len();
        w.nat_gateways += v.nat_gateways.len();
        w.network_interfaces += v.network_interfaces.len();
        w.notebooks += v.notebooks.len();
        Ok(())
    }

    fn finish(self, s: &mut Sink) -> Result<Vec<FileWritten>, WriteError> {
        let mut out = Vec::new();
        for kw in [
            self.vpcs,
            self.attributes,
            self.subnets,
            self.route_tables,
            self.igws,
            self.nats,
            self.endpoints,
            self.sgs,
            self.acls,
            self.prefix_lists,
            self.enis,
            self.dhcp,
            self.tgws,
            self.notebooks,
        ] {
            out.extend(kw.finish(s)?);
        }
        Ok(out)
    }
}

impl Org {
    /// The folder (relative, ending in `/`, empty for the flat layout) of account `a`'s files.
    pub fn folder_of(&self, a: usize) -> String {
        if self.spec.accounts == 1 {
            String::new()
        } else {
            format!(
                "aws_configs/accounts/{}/{}/",
                self.accounts[a], self.spec.region
            )
        }
    }

    fn write_to(&self, sink: &mut Sink) -> Result<Written, WriteError> {
        let mut w = Written::default();
        for a in 0..self.spec.accounts {
            let mut f = Folder::new(&self.folder_of(a), self.spec.split);
            let shared = expand_account(self, a);
            for plan in self.vpcs.iter().filter(|p| p.account == a) {
                f.vpc(sink, &expand(self, plan), &mut w)?;
            }
            f.account(sink, &shared)?;
            w.notebooks += shared.notebooks.len();
            w.files.extend(f.finish(sink)?);
        }
        if self.spec.accounts == 1 {
            let text = format!("{{\n    \"Region\": \"{}\"\n}}\n", self.spec.region);
            match sink {
                Sink::Dir(dir) => {
                    let path = dir.join("region.json");
                    fs::write(&path, &text).map_err(io_err(&path))?;
                }
                Sink::Memory(map) => {
                    map.insert("region.json".into(), text.clone().into_bytes());
                }
            }
            w.files.push(FileWritten {
                path: "region.json".into(),
                key: "Region",
                items: 1,
                bytes: text.len() as u64,
            });
        }
        Ok(w)
    }

    /// Write the snapshot under `dir` (created if missing; existing files of the same names are
    /// replaced, others left alone).
    pub fn write_dir(&self, dir: &Path) -> Result<Written, WriteError> {
        fs::create_dir_all(dir).map_err(io_err(dir))?;
        self.write_to(&mut Sink::Dir(dir))
    }

    /// Every file of the snapshot in memory, by relative path (small organisations: tests).
    pub fn render_files(&self) -> Result<BTreeMap<String, Vec<u8>>, WriteError> {
        let mut map = BTreeMap::new();
        self.write_to(&mut Sink::Memory(&mut map))?;
        Ok(map)
    }
}
