//! One resource's evaluated properties, read field by field: each reader says whether the field
//! is absent, known, or open (and records an open one under `Unresolved`), and a value of the
//! wrong type is a [`PlanError`] naming `<LogicalId>.<Property>`.

use std::collections::BTreeMap;
use std::path::Path;

use ipnet::IpNet;
use vpcreach_aws::snapshot::Tag;

use super::eval::{V, text};
use crate::PlanError;
use crate::common::Builder;

/// A field's state.
#[derive(Debug, Clone, PartialEq)]
pub enum F<T> {
    Absent,
    Known(T),
    Open(String),
}

/// A resource's evaluated properties.
pub struct Props<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub line: Option<u32>,
    pub path: &'a Path,
    pub map: BTreeMap<String, V>,
}

impl Props<'_> {
    pub fn err(&self, prop: &str, msg: impl Into<String>) -> PlanError {
        PlanError::invalid(self.path, format!("{}.{prop}", self.id), msg)
    }

    pub fn has(&self, prop: &str) -> bool {
        self.map.contains_key(prop)
    }

    /// A string-like scalar.
    pub fn str(&self, prop: &str) -> Result<F<String>, PlanError> {
        scalar(self.map.get(prop), || self.err(prop, "must be a string"))
    }

    /// A boolean (`true`, `"true"`), with its default when absent.
    pub fn bool(&self, prop: &str, default: bool) -> Result<F<bool>, PlanError> {
        Ok(match self.str(prop)? {
            F::Absent => F::Known(default),
            F::Open(r) => F::Open(r),
            F::Known(s) => match s.to_ascii_lowercase().as_str() {
                "true" => F::Known(true),
                "false" => F::Known(false),
                _ => return Err(self.err(prop, format!("\"{s}\" is not true or false"))),
            },
        })
    }

    /// An integer.
    pub fn int(&self, prop: &str) -> Result<F<i64>, PlanError> {
        int_of(self.map.get(prop), || self.err(prop, "must be an integer"))
    }

    /// A CIDR block (validated; kept as written).
    pub fn cidr(&self, prop: &str) -> Result<F<String>, PlanError> {
        Ok(match self.str(prop)? {
            F::Known(s) => {
                check_cidr(&s).map_err(|m| self.err(prop, m))?;
                F::Known(s)
            }
            other => other,
        })
    }

    /// A reference to another resource's ID: `None` when absent; an open value is recorded and
    /// replaced by an ID that exists nowhere (`<prefix>-unresolved:<LogicalId>.<Property>`).
    pub fn id_ref(
        &self,
        b: &mut Builder,
        prop: &str,
        prefix: &str,
    ) -> Result<Option<String>, PlanError> {
        Ok(match self.str(prop)? {
            F::Absent => None,
            F::Known(s) => Some(s),
            F::Open(r) => {
                b.unresolved(self.id, prop, r);
                Some(Builder::unresolved_id(
                    prefix,
                    &format!("{}.{prop}", self.id),
                ))
            }
        })
    }

    /// The error for a field whose value is open but decides verdicts in a way no dangling
    /// reference can stand for (a route's destination, an endpoint's service): fail closed.
    pub fn open_err(&self, prop: &str, reason: &str) -> PlanError {
        self.err(
            prop,
            format!(
                "is open ({reason}); the verdicts depend on it and it cannot be left open: give the value it needs with --parameter"
            ),
        )
    }

    /// A reference that must be known (see [`Props::open_err`]).
    pub fn id_strict(&self, prop: &str) -> Result<Option<String>, PlanError> {
        match self.str(prop)? {
            F::Absent => Ok(None),
            F::Known(s) => Ok(Some(s)),
            F::Open(r) => Err(self.open_err(prop, &r)),
        }
    }

    /// A list of IDs that must be known.
    pub fn ids_strict(&self, prop: &str) -> Result<Vec<String>, PlanError> {
        match self.map.get(prop) {
            None | Some(V::Null) => Ok(Vec::new()),
            Some(V::Open(r)) => Err(self.open_err(prop, r)),
            Some(V::List(l)) => l
                .iter()
                .map(|x| match x {
                    V::Open(r) => Err(self.open_err(prop, r)),
                    x => text(x).ok_or_else(|| self.err(prop, "must be a list of IDs")),
                })
                .collect(),
            Some(V::Str(s)) => Ok(vec![s.clone()]),
            Some(_) => Err(self.err(prop, "must be a list of IDs")),
        }
    }

    /// A list of IDs (each element may be open, or the whole list).
    pub fn id_list(
        &self,
        b: &mut Builder,
        prop: &str,
        prefix: &str,
    ) -> Result<Vec<String>, PlanError> {
        let unresolved = |b: &mut Builder, r: &str, i: Option<usize>| {
            b.unresolved(self.id, prop, r.to_string());
            let at = match i {
                Some(i) => format!("{}.{prop}[{i}]", self.id),
                None => format!("{}.{prop}", self.id),
            };
            Builder::unresolved_id(prefix, &at)
        };
        Ok(match self.map.get(prop) {
            None | Some(V::Null) => Vec::new(),
            Some(V::Open(r)) => vec![unresolved(b, r, None)],
            Some(V::List(l)) => {
                let mut out = Vec::new();
                for (i, x) in l.iter().enumerate() {
                    match x {
                        V::Open(r) => out.push(unresolved(b, r, Some(i))),
                        x => out
                            .push(text(x).ok_or_else(|| self.err(prop, "must be a list of IDs"))?),
                    }
                }
                out
            }
            Some(V::Str(s)) => vec![s.clone()],
            Some(_) => return Err(self.err(prop, "must be a list of IDs")),
        })
    }

    /// A list of maps (`SecurityGroupIngress`, `Entries`).
    pub fn maps(&self, prop: &str) -> Result<F<Vec<BTreeMap<String, V>>>, PlanError> {
        Ok(match self.map.get(prop) {
            None | Some(V::Null) => F::Absent,
            Some(V::Open(r)) => F::Open(r.clone()),
            Some(V::List(l)) => {
                let mut out = Vec::new();
                for x in l {
                    match x {
                        V::Map(m) => out.push(m.clone()),
                        V::Open(r) => return Ok(F::Open(r.clone())),
                        _ => return Err(self.err(prop, "must be a list of objects")),
                    }
                }
                F::Known(out)
            }
            Some(_) => return Err(self.err(prop, "must be a list of objects")),
        })
    }

    /// `Tags` as AWS prints them (open values left out).
    pub fn tags(&self) -> Vec<Tag> {
        let Some(V::List(l)) = self.map.get("Tags") else {
            return Vec::new();
        };
        l.iter()
            .filter_map(|t| match t {
                V::Map(m) => Some(Tag {
                    key: m.get("Key").and_then(text)?,
                    value: m.get("Value").and_then(text)?,
                }),
                _ => None,
            })
            .collect()
    }
}

/// A scalar from an evaluated value.
pub fn scalar(v: Option<&V>, bad: impl Fn() -> PlanError) -> Result<F<String>, PlanError> {
    Ok(match v {
        None | Some(V::Null) | Some(V::NoValue) => F::Absent,
        Some(V::Open(r)) => F::Open(r.clone()),
        Some(x) => F::Known(text(x).ok_or_else(bad)?),
    })
}

/// An integer from an evaluated value.
pub fn int_of(v: Option<&V>, bad: impl Fn() -> PlanError) -> Result<F<i64>, PlanError> {
    Ok(match scalar(v, &bad)? {
        F::Known(s) => F::Known(s.trim().parse().map_err(|_| bad())?),
        F::Absent => F::Absent,
        F::Open(r) => F::Open(r),
    })
}

/// Whether `s` is a CIDR block.
pub fn check_cidr(s: &str) -> Result<(), String> {
    s.trim()
        .parse::<IpNet>()
        .map(|_| ())
        .map_err(|_| format!("\"{s}\" is not a CIDR block"))
}
