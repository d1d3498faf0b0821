//! Every output format, rendered from the one [`Report`](vpcreach_core::report::Report) type of
//! `vpcreach-core`. Nothing else in vpcreach formats output.

pub mod asff;
pub mod csv;
pub mod diff;
pub mod dot;
pub mod graphviz;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod meta;
pub mod sarif;
pub mod table;
pub mod trace;
pub mod words;

/// The output formats of `analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One row per notebook, a column per check, then the reasons, diagnostics and a summary.
    Table,
    /// The machine-readable report: one JSON object with stable field names (see README).
    Json,
    /// An audit report in Markdown: summary, one table of evidence per notebook, findings, diagnostics.
    Markdown,
    /// The audit report as one self-contained HTML file, with a diagram per notebook (Graphviz).
    Html,
    /// SARIF 2.1.0 for code-scanning tools (one run per region).
    Sarif,
    /// AWS Security Finding Format: Security Hub `BatchImportFindings` input.
    Asff,
    /// JUnit XML: one test case per notebook and check, for CI dashboards.
    Junit,
    /// CSV (RFC 4180): one row per notebook and check.
    Csv,
}
