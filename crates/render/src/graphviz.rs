//! Running the system Graphviz `dot` program: the one place vpcreach starts another program.
//!
//! DOT text needs nothing; SVG, PNG and PDF need `dot` on the `PATH` (or the program named by the
//! environment variable `VPCREACH_DOT`). When it is missing the error says so and how to install
//! it, instead of failing obscurely.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The environment variable that names the Graphviz program to run instead of `dot`.
pub const DOT_ENV: &str = "VPCREACH_DOT";

/// What a diagram file's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Dot,
    Svg,
    Png,
    Pdf,
}

impl OutputFormat {
    /// From a file name's extension (case-insensitive).
    pub fn from_path(p: &Path) -> Result<OutputFormat, GraphvizError> {
        let ext = p
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| e.to_ascii_lowercase())
            .unwrap_or_default();
        Ok(match ext.as_str() {
            "dot" | "gv" => OutputFormat::Dot,
            "svg" => OutputFormat::Svg,
            "png" => OutputFormat::Png,
            "pdf" => OutputFormat::Pdf,
            _ => {
                return Err(GraphvizError::UnknownExtension {
                    path: p.display().to_string(),
                });
            }
        })
    }

    fn flag(self) -> &'static str {
        match self {
            OutputFormat::Dot => "-Tdot",
            OutputFormat::Svg => "-Tsvg",
            OutputFormat::Png => "-Tpng",
            OutputFormat::Pdf => "-Tpdf",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum GraphvizError {
    #[error(
        "{path}: unknown diagram format; use a file name ending in .dot (DOT text), .svg, .png or .pdf (rendered with Graphviz)"
    )]
    UnknownExtension { path: String },
    #[error(
        "rendering {what} needs the Graphviz program `{program}`, which is not installed (or not on PATH). \
Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`), \
or write DOT text instead with `-o FILE.dot`"
    )]
    NotInstalled { program: String, what: String },
    #[error("Graphviz `{program}` failed ({status}): {stderr}")]
    Failed {
        program: String,
        status: String,
        stderr: String,
    },
    #[error("running Graphviz `{program}`: {source}")]
    Io {
        program: String,
        source: std::io::Error,
    },
}

/// The program to run: `$VPCREACH_DOT`, else `dot`.
pub fn program() -> String {
    std::env::var(DOT_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "dot".to_string())
}

/// Is Graphviz available?
pub fn available() -> bool {
    Command::new(program())
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Render DOT text with Graphviz. `what` names the output in the error message.
pub fn run(dot: &str, format: OutputFormat, what: &str) -> Result<Vec<u8>, GraphvizError> {
    let program = program();
    let child = Command::new(&program)
        .arg(format.flag())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(GraphvizError::NotInstalled {
                program,
                what: what.to_string(),
            });
        }
        Err(source) => return Err(GraphvizError::Io { program, source }),
    };
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Write from another thread: Graphviz may fill its stdout pipe before it has read all input.
    let input = dot.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|source| GraphvizError::Io {
            program: program.clone(),
            source,
        })?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(GraphvizError::Failed {
            program,
            status: out.status.to_string(),
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// An SVG for inlining into HTML: Graphviz's output without its XML prolog, doctype and comments.
pub fn svg_fragment(dot: &str, what: &str) -> Result<String, GraphvizError> {
    let bytes = run(dot, OutputFormat::Svg, what)?;
    let svg = String::from_utf8_lossy(&bytes);
    let start = svg.find("<svg").unwrap_or(0);
    let mut out = String::new();
    let mut rest = &svg[start..];
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        match rest[i..].find("-->") {
            Some(j) => rest = &rest[i + j + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    Ok(out.trim().to_string())
}
