//! A template's text (JSON or YAML) as one JSON tree, with the line of every resource.
//!
//! YAML short-form tags become the long form they abbreviate while the tree is built (`!Ref X` →
//! `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": "A.B"}`, `!Sub …` → `{"Fn::Sub": …}`), so the
//! evaluator sees one syntax whatever the file's format.
//!
//! Why `yaml-rust2`: `serde_yaml` is deprecated and archived (RUSTSEC advisory-db issue #2132),
//! `serde_yml` is unsound and archived (RUSTSEC-2025-0067/0068), and the serde-based forks
//! (`serde_norway`, `serde_yaml_ng`) turn an unknown tag into an enum variant only when
//! deserialising into a typed value, and expose no line numbers. `yaml-rust2` is maintained (by
//! the saphyr organisation), pure safe Rust, YAML 1.2 compliant, and its event parser hands over
//! every node's tag (`!Ref`) and position (`Marker::line`) — exactly what a template reader needs.
//! Its parser keeps its own stack (no recursion), and the tree is built here with an explicit stack
//! too, so deeply nested input cannot overflow ours; aliases are expanded under a node budget (a
//! "billion laughs" document is an error, not an out-of-memory).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::TScalarStyle;

/// The most nodes a template may expand to (aliases included).
const NODE_BUDGET: usize = 2_000_000;
/// How deep collections may nest (serde_json's own parser stops at 128).
const MAX_NESTING: usize = 128;

/// A template read into a tree.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub root: Value,
    /// The line (1-based) where each resource's logical ID is declared.
    pub lines: BTreeMap<String, u32>,
}

/// The long-form name of each short-form tag CloudFormation defines.
fn function_of_tag(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "Select" => "Fn::Select",
        "GetAZs" => "Fn::GetAZs",
        "Join" => "Fn::Join",
        "Split" => "Fn::Split",
        "If" => "Fn::If",
        "Equals" => "Fn::Equals",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "Not" => "Fn::Not",
        "FindInMap" => "Fn::FindInMap",
        "Cidr" => "Fn::Cidr",
        "ImportValue" => "Fn::ImportValue",
        "Base64" => "Fn::Base64",
        "Transform" => "Fn::Transform",
        "Length" => "Fn::Length",
        "ToJsonString" => "Fn::ToJsonString",
        "ForEach" => "Fn::ForEach",
        _ => return None,
    })
}

/// Parse a template. `Err` carries a message with the line where YAML parsing failed.
pub fn parse(text: &str) -> Result<Parsed, String> {
    if text.trim_start().starts_with('{') {
        return parse_json(text);
    }
    parse_yaml(text)
}

fn parse_json(text: &str) -> Result<Parsed, String> {
    let root: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let mut lines = BTreeMap::new();
    if let Some(res) = root.get("Resources").and_then(Value::as_object) {
        // serde_json keeps no positions: find each `"LogicalId":` after the `"Resources"` key.
        let start = text.find("\"Resources\"").unwrap_or(0);
        for id in res.keys() {
            let needle = format!("\"{id}\"");
            let mut from = start;
            while let Some(off) = text[from..].find(&needle) {
                let at = from + off;
                let rest = text[at + needle.len()..].trim_start();
                if rest.starts_with(':') {
                    let line = text[..at].bytes().filter(|b| *b == b'\n').count() + 1;
                    lines.insert(id.clone(), u32::try_from(line).unwrap_or(u32::MAX));
                    break;
                }
                from = at + needle.len();
            }
        }
    }
    Ok(Parsed { root, lines })
}

enum Frame {
    Seq {
        items: Vec<Value>,
        tag: Option<Tag>,
        anchor: usize,
    },
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        tag: Option<Tag>,
        anchor: usize,
        /// This mapping is the template's `Resources`.
        resources: bool,
    },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    lines: BTreeMap<String, u32>,
    nodes: usize,
    root: Option<Value>,
}

fn size(v: &Value) -> usize {
    match v {
        Value::Array(a) => 1 + a.iter().map(size).sum::<usize>(),
        Value::Object(o) => 1 + o.values().map(size).sum::<usize>(),
        _ => 1,
    }
}

impl Builder {
    /// A finished node: store its anchor and hand it to the enclosing collection.
    fn complete(&mut self, v: Value, anchor: usize, line: usize) -> Result<(), String> {
        self.nodes += 1;
        if self.nodes > NODE_BUDGET {
            return Err("the document expands to too many nodes (alias bomb?)".into());
        }
        if anchor > 0 {
            self.anchors.insert(anchor, v.clone());
        }
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(v);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(v),
            Some(Frame::Map {
                map,
                key,
                resources,
                ..
            }) => match key.take() {
                None => {
                    let k = match v {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => return Err(format!("line {line}: a mapping key must be a scalar")),
                    };
                    if *resources {
                        self.lines
                            .entry(k.clone())
                            .or_insert(u32::try_from(line).unwrap_or(u32::MAX));
                    }
                    *key = Some(k);
                }
                Some(k) => {
                    map.insert(k, v);
                }
            },
        }
        Ok(())
    }

    /// Whether a collection starting now is the top-level `Resources` mapping.
    fn starting_resources(&self) -> bool {
        matches!(self.stack.as_slice(), [Frame::Map { key: Some(k), .. }] if k == "Resources")
    }
}

/// Apply a node's tag: a CloudFormation short form becomes `{"Fn::X": value}`; YAML's own
/// `!!str` etc. are honoured; any other tag is an error.
fn apply_tag(tag: Option<Tag>, v: Value, line: usize) -> Result<Value, String> {
    let Some(t) = tag else { return Ok(v) };
    if t.handle == "!" {
        let Some(f) = function_of_tag(&t.suffix) else {
            return Err(format!(
                "line {line}: unknown tag !{} (not a CloudFormation intrinsic function)",
                t.suffix
            ));
        };
        let mut m = Map::new();
        m.insert(f.to_string(), v);
        return Ok(Value::Object(m));
    }
    if t.handle == "tag:yaml.org,2002:" || t.handle == "!!" {
        return Ok(v);
    }
    Err(format!("line {line}: unknown tag {}{}", t.handle, t.suffix))
}

/// A plain scalar's value under YAML's core schema (and the 1.1 booleans CloudFormation accepts).
fn plain_scalar(s: String) -> Value {
    match s.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::Number(i.into());
    }
    if s.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && s.bytes().any(|b| b.is_ascii_digit())
        && let Ok(f) = s.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s)
}

/// How many quoted scalars a template may need re-indented (see [`parse_yaml`]).
const MAX_REINDENTS: usize = 64;

/// Parse YAML. CloudFormation's parser accepts a multi-line quoted scalar whose continuation lines
/// are not indented past the enclosing block (a JSON policy in single quotes whose closing `}'`
/// sits under its key — as aws-samples templates do); YAML 1.2 and `yaml-rust2` do not. Leading
/// white space of a quoted scalar's continuation lines is not part of its value, so such lines
/// are indented one column past the key and the text is parsed again: the value and every line
/// number are unchanged.
fn parse_yaml(text: &str) -> Result<Parsed, String> {
    let mut fixed: Option<String> = None;
    for _ in 0..MAX_REINDENTS {
        let t = fixed.as_deref().unwrap_or(text);
        match parse_yaml_strict(t) {
            Err(Strict::QuotedIndent(at, msg)) => match reindent_quoted(t, at) {
                Some(f) => fixed = Some(f),
                None => return Err(msg),
            },
            Err(Strict::Other(msg)) => return Err(msg),
            Ok(p) => return Ok(p),
        }
    }
    Err("not valid YAML: too many quoted scalars with invalid indentation".into())
}

/// Indent the continuation lines of the quoted scalar that starts at char index `at` one column
/// past the line it starts on. `None` when `at` is not a quote or the scalar does not end.
fn reindent_quoted(text: &str, at: usize) -> Option<String> {
    let (start, quote) = text.char_indices().nth(at)?;
    if quote != '\'' && quote != '"' {
        return None;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let base = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    // The closing quote: `''` escapes a single quote, `\` escapes in double quotes.
    let bytes = text.as_bytes();
    let mut i = start + 1;
    let end = loop {
        let c = *bytes.get(i)?;
        if quote == '"' && c == b'\\' {
            i += 2;
            continue;
        }
        if c == quote as u8 {
            if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            break i;
        }
        i += 1;
    };
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start]);
    let mut first = true;
    for line in text[start..end].split_inclusive('\n') {
        if !first {
            let indent = line.len() - line.trim_start_matches(' ').len();
            if indent <= base && !line.trim().is_empty() {
                out.push_str(&" ".repeat(base + 1 - indent));
            }
        }
        first = false;
        out.push_str(line);
    }
    out.push_str(&text[end..]);
    Some(out)
}

enum Strict {
    /// A quoted scalar's continuation line is not indented enough: where the scalar starts (a
    /// char index) and the message.
    QuotedIndent(usize, String),
    Other(String),
}

impl From<String> for Strict {
    fn from(s: String) -> Strict {
        Strict::Other(s)
    }
}

fn parse_yaml_strict(text: &str) -> Result<Parsed, Strict> {
    let mut parser = Parser::new_from_str(text);
    let mut b = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        lines: BTreeMap::new(),
        nodes: 0,
        root: None,
    };
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| {
            let msg = format!("not valid YAML: {e}");
            if e.info() == "invalid indentation in quoted scalar" {
                Strict::QuotedIndent(e.marker().index(), msg)
            } else {
                Strict::Other(msg)
            }
        })?;
        let line = mark.line();
        match ev {
            Event::StreamEnd => break,
            Event::DocumentEnd => {
                if b.root.is_some() {
                    break;
                }
            }
            Event::Nothing | Event::StreamStart | Event::DocumentStart => {}
            Event::Alias(id) => {
                let v = b
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| format!("line {line}: alias to an unknown anchor"))?;
                b.nodes += size(&v);
                b.complete(v, 0, line)?;
            }
            Event::Scalar(s, style, anchor, tag) => {
                let forced_str = tag
                    .as_ref()
                    .is_some_and(|t| t.handle != "!" && t.suffix == "str");
                let v = if style == TScalarStyle::Plain && !forced_str {
                    plain_scalar(s)
                } else {
                    Value::String(s)
                };
                let v = apply_tag(tag, v, line)?;
                b.complete(v, anchor, line)?;
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if b.stack.len() >= MAX_NESTING => {
                return Err(format!("line {line}: collections nest too deeply").into());
            }
            Event::SequenceStart(anchor, tag) => b.stack.push(Frame::Seq {
                items: Vec::new(),
                tag,
                anchor,
            }),
            Event::MappingStart(anchor, tag) => {
                let resources = b.starting_resources();
                b.stack.push(Frame::Map {
                    map: Map::new(),
                    key: None,
                    tag,
                    anchor,
                    resources,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (v, tag, anchor) = match b.stack.pop() {
                    Some(Frame::Seq { items, tag, anchor }) => (Value::Array(items), tag, anchor),
                    Some(Frame::Map {
                        map, tag, anchor, ..
                    }) => (Value::Object(map), tag, anchor),
                    None => return Err(format!("line {line}: unbalanced collection").into()),
                };
                let v = apply_tag(tag, v, line)?;
                b.complete(v, anchor, line)?;
            }
        }
    }
    let root = b.root.unwrap_or(Value::Null);
    Ok(Parsed {
        root,
        lines: b.lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms_and_lines_are_kept() {
        let p = parse(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref Cidr\n  Sg:\n    Type: X\n    Properties:\n      A: !GetAtt Vpc.CidrBlock\n      B: !Sub [\"${x}\", {x: 1}]\n      C: !!str 443\n      D: 443\n",
        )
        .unwrap();
        assert_eq!(p.lines["Vpc"], 2);
        assert_eq!(p.lines["Sg"], 6);
        let r = &p.root["Resources"];
        assert_eq!(r["Vpc"]["Properties"]["CidrBlock"]["Ref"], "Cidr");
        assert_eq!(r["Sg"]["Properties"]["A"]["Fn::GetAtt"], "Vpc.CidrBlock");
        assert_eq!(r["Sg"]["Properties"]["B"]["Fn::Sub"][1]["x"], 1);
        assert_eq!(r["Sg"]["Properties"]["C"], "443");
        assert_eq!(r["Sg"]["Properties"]["D"], 443);
    }

    #[test]
    fn unknown_tags_bad_yaml_and_alias_bombs_are_errors() {
        assert!(
            parse("Resources:\n  A: !Bogus x\n")
                .unwrap_err()
                .contains("!Bogus")
        );
        assert!(parse("Resources: [a\n").is_err());
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='j' {
            bomb.push_str(&format!(
                "{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = c;
        }
        bomb.push_str("Resources: {}\n");
        assert!(parse(&bomb).unwrap_err().contains("too many"));
    }

    #[test]
    fn quoted_scalars_under_their_key_are_accepted_as_cloudformation_does() {
        let t = "Resources:\n  E:\n    Properties:\n      Policy: '{\n        \"a\": \"it''s\",\n        \"b\": 1\n      }'\n      D: \"x\n    y\"\n  F:\n    Type: T\n";
        let p = parse(t).unwrap();
        let props = &p.root["Resources"]["E"]["Properties"];
        assert_eq!(props["Policy"], "{ \"a\": \"it's\", \"b\": 1 }");
        assert_eq!(props["D"], "x y");
        assert_eq!(p.lines["F"], 10, "line numbers are unchanged");
        assert!(parse("A: 'never closed\n").is_err());
    }

    #[test]
    fn json_lines_are_found_after_resources() {
        let p = parse(
            "{\n \"Resources\": {\n  \"Vpc\": {\"Type\": \"AWS::EC2::VPC\"},\n  \"Sub\": {}\n }\n}",
        )
        .unwrap();
        assert_eq!(p.lines["Vpc"], 3);
        assert_eq!(p.lines["Sub"], 4);
    }
}
