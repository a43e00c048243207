//! The `sarif` format: SARIF 2.1.0, which code-scanning services read. One
//! rule per code, with its help text; one result per diagnostic, with its
//! region and any related locations.

use std::io;

use serde::Serialize;
use termcolor::WriteColor;

use super::{Code, Diagnostic, Files, Reporter, Severity, Span, Summary};

/// Writes one SARIF log with one run.
#[derive(Debug, Default)]
pub struct SarifReporter;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<TextRef<'a>>,
}

#[derive(Serialize)]
struct TextRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn physical(files: &Files, span: &Span) -> PhysicalLocation {
    let start = files.position(span.file, span.range.start);
    let end = files.position(span.file, span.range.end);
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(files.name(span.file)),
        },
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
        },
    }
}

/// A URI reference for a display path: relative paths stay relative (to the
/// folder the check ran in), with forward slashes and percent-encoding.
fn uri(name: &str) -> String {
    let path = std::path::Path::new(name);
    if path.is_absolute()
        && let Ok(url) = url::Url::from_file_path(path)
    {
        return url.to_string();
    }
    let mut out = String::new();
    for byte in name.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// `unknown-id` → `UnknownId`.
fn pascal(code: Code) -> String {
    code.as_str()
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl Reporter for SarifReporter {
    fn report(
        &self,
        out: &mut dyn WriteColor,
        files: &Files,
        diagnostics: &[Diagnostic],
        _summary: &Summary,
    ) -> io::Result<()> {
        let rules = Code::ALL
            .iter()
            .map(|&code| Rule {
                id: code.as_str(),
                name: pascal(code),
                short_description: Text {
                    text: code.when().to_string(),
                },
                full_description: Text {
                    text: format!(
                        "{} Default severity: {}.",
                        code.when(),
                        code.default_severity().as_str()
                    ),
                },
                help: Text {
                    text: code.help().to_string(),
                },
                default_configuration: Configuration {
                    level: level(code.default_severity()),
                },
            })
            .collect();
        let results = diagnostics
            .iter()
            .map(|d| {
                let mut text = d.message.clone();
                if let Some(help) = &d.help {
                    text.push_str(&format!(" (help: {help})"));
                }
                SarifResult {
                    rule_id: d.code.as_str(),
                    rule_index: Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0),
                    level: level(d.severity),
                    message: Text { text },
                    locations: d
                        .span
                        .iter()
                        .map(|s| Location {
                            id: None,
                            physical_location: physical(files, s),
                            message: None,
                        })
                        .collect(),
                    related_locations: d
                        .labels
                        .iter()
                        .enumerate()
                        .map(|(i, l)| Location {
                            id: Some(i),
                            physical_location: physical(files, &l.span),
                            message: Some(TextRef { text: &l.message }),
                        })
                        .collect(),
                }
            })
            .collect();
        let log = Log {
            schema: "https://json.schemastore.org/sarif-2.1.0.json",
            version: "2.1.0",
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: "dossier",
                        version: env!("CARGO_PKG_VERSION"),
                        rules,
                    },
                },
                results,
                column_kind: "unicodeCodePoints",
            }],
        };
        // An I/O failure stays one (a reader that stopped early is told apart).
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::from)?;
        writeln!(out)
    }
}
