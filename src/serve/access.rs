//! What each reader may see: the access file's order of classification
//! markings and each reader's highest one.
//!
//! ```toml
//! levels = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]   # lowest first
//! default = "OFFICIAL"          # readers not named below (optional)
//! [readers]
//! "alice@ministry" = "SECRET"   # by name (the key's comment)
//! "SHA256:Vb3…" = "OFFICIAL-SENSITIVE"   # or by key fingerprint
//! ```
//!
//! A briefing with no marking is open to every reader. A marking the file
//! does not list is treated as above every level (fail closed), and so is
//! everything marked for a reader the file does not name when it gives no
//! default. Without an access file every reader sees everything.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::auth::Reader;

/// The access file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessFile {
    levels: Vec<String>,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    readers: BTreeMap<String, String>,
}

/// The rules of an access file.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// Markings, lowest first, in upper case.
    levels: Vec<String>,
    /// The level of readers not named.
    default: Option<usize>,
    /// Reader name or fingerprint to level.
    readers: BTreeMap<String, usize>,
    /// True if there is no access file: everyone sees everything.
    open: bool,
}

/// How far one reader may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clearance {
    /// Everything (no access file).
    All,
    /// Unmarked briefings and those up to this level (index in `levels`).
    UpTo(usize),
    /// Unmarked briefings only.
    Unmarked,
}

impl Access {
    /// No access file: every reader sees every briefing.
    pub fn open() -> Self {
        Self {
            open: true,
            ..Self::default()
        }
    }

    /// Reads an access file; errors name the file, line and column.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read the access file {}: {error}", path.display()))?;
        Self::parse(&text).map_err(|error| format!("{}:{error}", path.display()))
    }

    /// Parses the text of an access file; the error starts `line:col: `.
    pub fn parse(text: &str) -> Result<Self, String> {
        let file: AccessFile = toml::from_str(text).map_err(|error| {
            let (line, col) = error
                .span()
                .map(|span| line_col(text, span.start))
                .unwrap_or((1, 1));
            format!("{line}:{col}: {}", error.message())
        })?;
        let levels: Vec<String> = file.levels.iter().map(|l| normal(l)).collect();
        if levels.is_empty() {
            return Err("1:1: `levels` must list the markings, lowest first".to_owned());
        }
        let level_of = |marking: &str, what: &str| {
            levels
                .iter()
                .position(|l| *l == normal(marking))
                .ok_or_else(|| {
                    format!(
                        "{}: {what} names `{marking}`, which is not in `levels` ({})",
                        position_of(text, marking),
                        levels.join(", ")
                    )
                })
        };
        let default = match &file.default {
            Some(marking) => Some(level_of(marking, "`default`")?),
            None => None,
        };
        let mut readers = BTreeMap::new();
        for (who, marking) in &file.readers {
            readers.insert(who.trim().to_owned(), level_of(marking, who)?);
        }
        Ok(Self {
            levels,
            default,
            readers,
            open: false,
        })
    }

    /// How far `reader` may see: by fingerprint first, then by name, then
    /// the default.
    pub fn clearance(&self, reader: &Reader) -> Clearance {
        if self.open {
            return Clearance::All;
        }
        self.readers
            .get(&reader.fingerprint)
            .or_else(|| self.readers.get(&reader.name))
            .copied()
            .or(self.default)
            .map_or(Clearance::Unmarked, Clearance::UpTo)
    }

    /// True if a reader with `clearance` may see a briefing marked
    /// `classification`.
    pub fn allows(&self, clearance: Clearance, classification: Option<&str>) -> bool {
        let Some(marking) = classification.map(normal).filter(|m| !m.is_empty()) else {
            return true;
        };
        match clearance {
            Clearance::All => true,
            Clearance::Unmarked => false,
            Clearance::UpTo(highest) => self
                .levels
                .iter()
                .position(|l| *l == marking)
                .is_some_and(|level| level <= highest),
        }
    }

    /// Markings in `markings` the file does not list (seen by nobody but
    /// readers who see everything): worth a warning at start.
    pub fn unknown<'a>(&self, markings: impl Iterator<Item = &'a str>) -> Vec<String> {
        if self.open {
            return Vec::new();
        }
        let mut unknown: Vec<String> = markings
            .map(normal)
            .filter(|m| !m.is_empty() && !self.levels.contains(m))
            .collect();
        unknown.sort();
        unknown.dedup();
        unknown
    }
}

/// Markings compare without regard to case or surrounding space.
fn normal(marking: &str) -> String {
    marking.trim().to_uppercase()
}

/// 1-based line and column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// `line:col` of the first quoted occurrence of `value`, for messages.
fn position_of(text: &str, value: &str) -> String {
    let quoted = format!("\"{value}\"");
    let (line, col) = text
        .find(&quoted)
        .map_or((1, 1), |offset| line_col(text, offset));
    format!("{line}:{col}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader(name: &str, fingerprint: &str) -> Reader {
        Reader {
            name: name.to_owned(),
            fingerprint: fingerprint.to_owned(),
            hex: String::new(),
        }
    }

    const FILE: &str = r#"
levels = ["OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET"]
default = "OFFICIAL"
[readers]
alice = "secret"
"SHA256:bob" = "OFFICIAL-SENSITIVE"
"#;

    #[test]
    fn each_reader_sees_up_to_their_level_and_unmarked_briefings() {
        let access = Access::parse(FILE).expect("parses");
        let alice = access.clearance(&reader("alice", "SHA256:a"));
        let bob = access.clearance(&reader("bob", "SHA256:bob"));
        let carol = access.clearance(&reader("carol", "SHA256:c"));
        assert!(access.allows(alice, Some("SECRET")));
        assert!(!access.allows(bob, Some("SECRET")));
        assert!(access.allows(bob, Some("official-sensitive")));
        assert!(!access.allows(carol, Some("OFFICIAL-SENSITIVE")));
        assert!(access.allows(carol, Some("OFFICIAL")));
        assert!(access.allows(carol, None));
        // A marking nobody listed is hidden, fail closed.
        assert!(!access.allows(alice, Some("TOP SECRET")));
        assert_eq!(
            access.unknown(["TOP SECRET", "SECRET"].into_iter()),
            vec!["TOP SECRET".to_owned()]
        );
    }

    #[test]
    fn without_a_default_an_unnamed_reader_sees_unmarked_only() {
        let access = Access::parse("levels = [\"OFFICIAL\"]").expect("parses");
        let stranger = access.clearance(&reader("x", "SHA256:x"));
        assert_eq!(stranger, Clearance::Unmarked);
        assert!(!access.allows(stranger, Some("OFFICIAL")));
        assert!(access.allows(stranger, None));
        let open = Access::open();
        assert!(open.allows(open.clearance(&reader("x", "y")), Some("ANYTHING")));
    }

    #[test]
    fn mistakes_are_named_with_line_and_column() {
        let error = Access::parse("levels = [\"OFFICIAL\"]\n[readers]\nbob = \"SECRET\"\n")
            .expect_err("unknown level");
        assert!(error.starts_with("3:7:"), "{error}");
        assert!(error.contains("not in `levels`"), "{error}");
        let error = Access::parse("levels = [\"A\"]\nlevel = 1\n").expect_err("unknown key");
        assert!(error.starts_with("2:1:"), "{error}");
    }
}
