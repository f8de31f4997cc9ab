//! `keyholder check`: the Overview's health check for scripts. Exit status 0 when there are no
//! warnings, 1 when there are.

use super::Failure;
use crate::service::Session;
use crate::service::health::{Finding, Severity};

pub fn run(session: &Session, json: bool) -> Result<(), Failure> {
    let findings = session.health_check()?;
    if json {
        say!("{}", to_json(&findings));
    } else {
        print_text(&findings)?;
    }
    let warnings = findings.iter().filter(|f| f.is_warning()).count();
    if warnings == 0 {
        Ok(())
    } else {
        Err(Failure {
            status: 1,
            message: format!(
                "{} to look at.",
                crate::model::names::count(warnings, "warning", "warnings")
            ),
        })
    }
}

fn to_json(findings: &[Finding]) -> serde_json::Value {
    serde_json::json!({
        "format_version": 1,
        "warnings": findings.iter().filter(|f| f.is_warning()).count(),
        "findings": findings.iter().map(|f| serde_json::json!({
            "check": f.check.key(),
            "severity": f.severity.key(),
            "title": f.title,
            "explanation": f.explanation,
            "items": f.items.iter().map(|i| i.name.clone()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

fn print_text(findings: &[Finding]) -> Result<(), Failure> {
    for f in findings {
        let mark = match f.severity {
            Severity::Warning => "WARNING",
            Severity::Information => "info   ",
        };
        say!("{mark}  {}", f.title);
        say!("         {}", f.explanation);
        for item in &f.items {
            say!("         - {}", item.name);
        }
    }
    Ok(())
}
