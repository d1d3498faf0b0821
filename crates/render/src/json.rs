//! JSON output: exactly the object of DESIGN §4, pretty-printed, keys in a fixed order.

use vpcreach_core::report::Report;

/// Render the report as pretty JSON with a trailing newline.
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("the report always serialises");
    s.push('\n');
    s
}
