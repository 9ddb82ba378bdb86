//! The audit log: one JSON object a line, appended, for whoever must
//! answer "who read what, when".
//!
//! It records sessions starting and ending, briefings opened and attempts
//! refused, with the reader's name and key fingerprint. It never records
//! what a reader typed, and never the text of a note.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A reading session began.
    SessionStart,
    /// A reading session ended (the detail says how).
    SessionEnd,
    /// A briefing was opened (the detail is its file name).
    Opened,
    /// Something was refused: a key, a password, a command, a limit.
    Refused,
}

impl Event {
    fn name(self) -> &'static str {
        match self {
            Event::SessionStart => "session_start",
            Event::SessionEnd => "session_end",
            Event::Opened => "briefing_opened",
            Event::Refused => "refused",
        }
    }
}

/// One record's facts.
#[derive(Debug, Clone, Default)]
pub struct Record<'a> {
    /// The reader's name, if known.
    pub reader: Option<&'a str>,
    /// The key's fingerprint, if known.
    pub fingerprint: Option<&'a str>,
    /// The client's address.
    pub peer: Option<String>,
    /// What was opened or refused, or how a session ended.
    pub detail: Option<&'a str>,
}

/// The log, or nothing when none was asked for.
#[derive(Debug, Default)]
pub struct AuditLog {
    file: Option<Mutex<File>>,
}

impl AuditLog {
    /// No log.
    pub fn none() -> Self {
        Self { file: None }
    }

    /// Appends to `path`, creating it.
    pub fn open(path: &Path) -> Result<Self, String> {
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(path)
            .map_err(|error| format!("cannot open the audit log {}: {error}", path.display()))?;
        Ok(Self {
            file: Some(Mutex::new(file)),
        })
    }

    /// Appends one line. A failed write is reported on stderr and never
    /// ends a session: the reader is not at fault.
    pub fn record(&self, event: Event, record: &Record<'_>) {
        let Some(file) = &self.file else {
            return;
        };
        let line = format_line(SystemTime::now(), event, record);
        let mut file = file.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(error) = file.write_all(line.as_bytes()) {
            eprintln!("brief serve: cannot write the audit log: {error}");
        }
    }
}

/// The JSON line for one event, with its newline.
fn format_line(time: SystemTime, event: Event, record: &Record<'_>) -> String {
    let mut object = Map::new();
    object.insert("time".to_owned(), json!(rfc3339(time)));
    object.insert("event".to_owned(), json!(event.name()));
    let mut put = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            object.insert(key.to_owned(), Value::String(value.to_owned()));
        }
    };
    put("reader", record.reader);
    put("fingerprint", record.fingerprint);
    put("peer", record.peer.as_deref());
    put("detail", record.detail);
    let mut line = Value::Object(object).to_string();
    line.push('\n');
    line
}

/// `2026-01-31T12:34:56Z`: UTC, to the second.
fn rfc3339(time: SystemTime) -> String {
    let seconds = time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = i64::try_from(seconds / 86_400).unwrap_or(0);
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Year, month, day of a day count since 1970-01-01 (Howard Hinnant's
/// algorithm, exact for the proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_line_is_one_json_object_with_the_facts() {
        let time = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let line = format_line(
            time,
            Event::Opened,
            &Record {
                reader: Some("alice \"a\""),
                fingerprint: Some("SHA256:x"),
                peer: Some("127.0.0.1:5000".to_owned()),
                detail: Some("liege.toml"),
            },
        );
        assert!(line.ends_with('\n'));
        assert_eq!(line.matches('\n').count(), 1);
        let value: Value = serde_json::from_str(&line).expect("json");
        assert_eq!(value["time"], "2023-11-14T22:13:20Z");
        assert_eq!(value["event"], "briefing_opened");
        assert_eq!(value["reader"], "alice \"a\"");
        assert_eq!(value["detail"], "liege.toml");
    }

    #[test]
    fn dates_are_right_across_leap_years() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }
}
