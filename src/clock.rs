//! The current time, as unix seconds. One place so every timestamp is taken the same way.

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// "24 Nov 2026 14:05" in the computer's local time, for screens and reports.
pub fn format_local(unix: i64) -> String {
    use chrono::{Local, TimeZone};
    match Local.timestamp_opt(unix, 0).single() {
        Some(t) => t.format("%-d %b %Y %H:%M").to_string(),
        None => "unknown time".to_string(),
    }
}
