//! Loading a briefing file: bytes → text → validated [`Briefing`].
//!
//! The loader reads at most [`MAX_FILE_SIZE`] bytes of a regular file
//! ([`crate::fsio`]), insists on UTF-8, parses TOML with its spans kept
//! (toml's `DeTable`, the same parser serde uses) and walks the tree
//! against the format-1 schema
//! (`briefing`, with the generic checks in `toml_checks`). It does not
//! stop at the first problem: every finding becomes a [`Diagnostic`] with
//! line and column, so an analyst fixes a file in one pass. A `.md` file
//! is a briefing too ([`markdown_file`]): its front matter and fenced TOML
//! blocks go through the same checks, placed in the `.md` file.

mod briefing;
mod chunks;
pub mod markdown_file;
pub mod markdown_out;
mod toml_checks;
mod yaml_front;

use std::path::Path;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, LineIndex, Severity};
use crate::model::Briefing;
use crate::sanitize::{self, Findings};

pub use briefing::slug;
pub(crate) use toml_checks::{suggest, type_name};

/// Files larger than this are refused before they are read.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// Why a briefing could not be loaded. Every variant carries diagnostics
/// ready to print.
#[derive(Debug, thiserror::Error)]
#[error("{}", .diagnostics.first().map(ToString::to_string).unwrap_or_default())]
pub struct LoadError {
    /// All problems found, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

/// The name a path is shown by in messages: as given, sanitised.
pub fn display_name(path: &Path) -> String {
    sanitize::line(&path.to_string_lossy())
}

/// Reads and validates the briefing at `path`.
pub fn load_path(path: &Path) -> Result<Briefing, LoadError> {
    let name = display_name(path);
    let bytes = read_file(path, &name)?;
    let source = decode_utf8(bytes, &name)?;
    load_str(&name, &source)
}

/// From this many bytes of TOML, [`load_path_lazy`] leaves the section
/// bodies' Markdown unparsed until they are shown. Parsing every body of a
/// 10 MB briefing costs about 70 ms and 14 MB before the first screen;
/// below a mebibyte it costs a few milliseconds, and parsing at open keeps
/// the notices about Markdown left out of a body (raw HTML and the like),
/// which a deferred body cannot know until it is parsed.
pub const DEFER_BODIES_FROM: usize = 1024 * 1024;

/// Reads and validates the briefing at `path` for reading on screen: as
/// [`load_path`], except that a TOML file of [`DEFER_BODIES_FROM`] bytes or
/// more keeps its section bodies as text, parsed when asked for
/// ([`crate::model::Body::blocks`]). Every other check is made; what is
/// not known is whether a body's Markdown had anything left out, so the
/// briefing carries no notice about that.
pub fn load_path_lazy(path: &Path) -> Result<Briefing, LoadError> {
    let name = display_name(path);
    let bytes = read_file(path, &name)?;
    let source = decode_utf8(bytes, &name)?;
    if source.len() < DEFER_BODIES_FROM || is_markdown_name(&name) {
        return load_str(&name, &source);
    }
    briefing::load_toml_deferred(&name, &Arc::new(source))
}

/// Reads and validates the briefing at `path` for `brief check`: the
/// same briefing and notices as [`load_path`], but a TOML file's bodies are
/// dropped as soon as they are parsed (and kept as text), so checking a
/// large file holds the text and one batch of bodies, not every body's
/// blocks.
pub fn check_path(path: &Path) -> Result<Briefing, LoadError> {
    let name = display_name(path);
    let bytes = read_file(path, &name)?;
    let source = decode_utf8(bytes, &name)?;
    if is_markdown_name(&name) {
        return load_str(&name, &source);
    }
    briefing::check_toml_deferred(&name, &Arc::new(source))
}

/// [`load_str`] with the section bodies of a TOML briefing kept as text
/// (whatever its size), parsed when asked for. A Markdown briefing is
/// loaded as by [`load_str`].
pub fn load_str_lazy(name: &str, source: &Arc<String>) -> Result<Briefing, LoadError> {
    if is_markdown_name(name) {
        load_str(name, source)
    } else {
        briefing::load_toml_deferred(name, source)
    }
}

/// Reads a briefing file within [`MAX_FILE_SIZE`], or says plainly why not.
/// [`crate::fsio`] opens it as what it is: a FIFO, device or socket is
/// refused at once instead of blocking the reader.
fn read_file(path: &Path, name: &str) -> Result<Vec<u8>, LoadError> {
    use crate::fsio::{Kind, ReadError};
    crate::fsio::read_regular(path, MAX_FILE_SIZE).map_err(|error| {
        let (message, hint) = match error {
            ReadError::NotFound => (
                "there is no such file".to_owned(),
                Some("check the path".to_owned()),
            ),
            ReadError::PermissionDenied => (
                "cannot read the file: permission denied".to_owned(),
                Some("check the file's permissions".to_owned()),
            ),
            ReadError::NotRegular(Kind::Folder) => (
                "is a folder, not a briefing file".to_owned(),
                Some("give a .toml or .md file, or open the folder as a library".to_owned()),
            ),
            ReadError::NotRegular(kind) => (
                format!("is {kind}, not a briefing file"),
                Some("give a regular .toml or .md file".to_owned()),
            ),
            ReadError::TooLarge { size, .. } => (
                format!(
                    "the file is {}, over the {} MiB limit for a briefing",
                    crate::fsio::human_size(size),
                    MAX_FILE_SIZE / (1024 * 1024)
                ),
                Some("split it into several briefings".to_owned()),
            ),
            // The OS's own words ("No such file or directory (os error 2)")
            // are kept only for the rare errors that have no plainer name.
            ReadError::Io(error) => (format!("cannot read the file: {error}"), None),
        };
        LoadError {
            diagnostics: vec![Diagnostic::whole_file(name, Severity::Error, message, hint)],
        }
    })
}

/// Turns bytes into text, or says where the first non-UTF-8 byte is.
fn decode_utf8(bytes: Vec<u8>, name: &str) -> Result<String, LoadError> {
    String::from_utf8(bytes).map_err(|error| {
        let valid_up_to = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        // The bytes before `valid_up_to` are valid, so the position is the
        // same in the lossy text, whose line shows the bad byte as `�`.
        let lossy = String::from_utf8_lossy(&bytes);
        let index = LineIndex::new(&lossy);
        let (line, column) = index.position(valid_up_to);
        let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
        LoadError {
            diagnostics: vec![Diagnostic {
                file: name.to_owned(),
                line,
                column,
                severity: Severity::Error,
                message: format!("the file is not valid UTF-8 (byte 0x{byte:02X})"),
                hint: Some("save it as UTF-8 in your editor".to_owned()),
                snippet: Some(index.line_text(line)),
                width: 1,
            }],
        }
    })
}

/// Validates briefing text; `name` is used in diagnostics and says which
/// form it is in: a name ending in `.md` is read as Markdown, any other as
/// format-1 TOML.
pub fn load_str(name: &str, source: &str) -> Result<Briefing, LoadError> {
    if is_markdown_name(name) {
        markdown_file::load_markdown(name, source).map(|(briefing, _)| briefing)
    } else {
        briefing::load_toml(name, source)
    }
}

/// The Markdown of a briefing's bottom line and section bodies as the file
/// has it, before it became blocks: what a Markdown copy of the briefing is
/// written from, so nothing is lost in turning blocks back into text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawText {
    /// The bottom line.
    pub summary: String,
    /// Each section's body, in order.
    pub bodies: Vec<String>,
}

/// [`load_str`], with the raw text of the bottom line and bodies.
pub fn load_str_with_text(name: &str, source: &str) -> Result<(Briefing, RawText), LoadError> {
    if is_markdown_name(name) {
        return markdown_file::load_markdown(name, source);
    }
    let briefing = briefing::load_toml(name, source)?;
    Ok((briefing, briefing::raw_text(source)))
}

/// [`load_path`], with the raw text of the bottom line and bodies.
pub fn load_path_with_text(path: &Path) -> Result<(Briefing, RawText), LoadError> {
    let name = display_name(path);
    let bytes = read_file(path, &name)?;
    let source = decode_utf8(bytes, &name)?;
    load_str_with_text(&name, &source)
}

/// True for a file name that is read as Markdown (`.md`, `.markdown`).
fn is_markdown_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// True for a path a library or `brief check DIR` treats as a briefing:
/// a `.toml` or `.md` file name (the file itself is checked when read).
pub fn is_briefing_path(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        e.eq_ignore_ascii_case("toml")
            || e.eq_ignore_ascii_case("md")
            || e.eq_ignore_ascii_case("markdown")
    })
}

/// What the reader is told about text that had to be made safe.
pub(super) fn notices(findings: Findings) -> Vec<String> {
    let mut notices = Vec::new();
    if findings.bidi {
        notices.push(
            "this briefing contains bidirectional control characters; they are shown as [RLO]-style marks and do not reorder the text".to_owned(),
        );
    }
    if findings.controls {
        notices.push(
            "this briefing contains control characters; they are shown as visible symbols such as ␛".to_owned(),
        );
    }
    if findings.invisible {
        notices.push(
            "this briefing contains invisible characters; they are shown as marks such as [ZWSP]"
                .to_owned(),
        );
    }
    notices.extend(crate::markdown::notices(findings));
    notices
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const MINIMAL: &str = "title = \"T\"\nsummary = \"The *point*.\"\n[[sections]]\ntitle = \"Only\"\nbody = \"Some **bold** text.\"\n";
    const MINIMAL_MD: &str = "# T\n\nThe *point*.\n\n## Only\n\nSome **bold** text.\n";

    fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    fn message(result: Result<Briefing, LoadError>) -> String {
        match result {
            Ok(_) => panic!("loaded"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn the_size_limit_is_64_mib() {
        assert_eq!(MAX_FILE_SIZE, 64 << 20);
    }

    #[test]
    fn a_file_on_disk_loads_as_toml_or_markdown_by_its_name() {
        let dir = tempfile::tempdir().expect("temp");
        let toml = load_path(&file(&dir, "b.toml", MINIMAL.as_bytes())).expect("toml");
        assert_eq!((toml.title.as_str(), toml.sections.len()), ("T", 1));
        let md = load_path(&file(&dir, "b.md", MINIMAL_MD.as_bytes())).expect("md");
        assert_eq!(md.title, "T");
        assert_eq!(md.sections[0].title, "Only");
    }

    #[test]
    fn a_file_that_cannot_be_read_says_why() {
        let dir = tempfile::tempdir().expect("temp");
        let missing = message(load_path(&dir.path().join("none.toml")));
        assert!(
            missing.ends_with("there is no such file — check the path"),
            "{missing}"
        );
        let folder = message(load_path(dir.path()));
        assert!(
            folder.contains("is a folder, not a briefing file"),
            "{folder}"
        );
        let bad = message(load_path(&file(
            &dir,
            "bad.toml",
            b"title = \"T\"\n# \xff\n",
        )));
        assert!(
            bad.contains(
                "bad.toml:2:3: error: the file is not valid UTF-8 (byte 0xFF) — save it as UTF-8"
            ),
            "{bad}"
        );
        assert!(load_path_with_text(&dir.path().join("none.toml")).is_err());
        assert!(load_path_with_text(&file(&dir, "bad2.toml", b"\xfe")).is_err());
    }

    #[test]
    fn the_raw_text_is_the_markdown_as_written() {
        let want = RawText {
            summary: "The *point*.".to_owned(),
            bodies: vec!["Some **bold** text.".to_owned()],
        };
        let (briefing, raw) = load_str_with_text("b.toml", MINIMAL).expect("toml");
        assert_eq!(briefing.title, "T");
        assert_eq!(raw, want);
        let dir = tempfile::tempdir().expect("temp");
        let (_, raw) =
            load_path_with_text(&file(&dir, "b.toml", MINIMAL.as_bytes())).expect("file");
        assert_eq!(raw, want);
        let (md, raw) = load_str_with_text("b.md", MINIMAL_MD).expect("md");
        assert_eq!(md.sections[0].title, "Only");
        assert_eq!(raw.bodies.len(), 1);
        assert!(raw.bodies[0].contains("Some **bold** text."), "{raw:?}");
        // A TOML file whose keys are not text gives empty text, never a panic.
        let odd = briefing::raw_text("summary = 3\nsections = [1, 2]\n");
        assert_eq!(
            odd,
            RawText {
                summary: String::new(),
                bodies: vec![String::new(); 2]
            }
        );
        assert_eq!(
            briefing::raw_text("sections = 3\n").bodies,
            Vec::<String>::new()
        );
    }

    #[test]
    fn markdown_is_known_by_its_extension_in_any_case() {
        for name in ["a.md", "A.MD", "x.markdown", "dir/y.Markdown"] {
            assert!(is_markdown_name(name), "{name}");
        }
        for name in ["a.toml", "md", "a.mdx", "notes.md.toml"] {
            assert!(!is_markdown_name(name), "{name}");
        }
        for name in ["a.toml", "B.TOML", "c.md", "d.MARKDOWN", "e.Md"] {
            assert!(is_briefing_path(Path::new(name)), "{name}");
        }
        for name in ["a.txt", "toml", "md", ".toml", "a.toml.bak", "a"] {
            assert!(!is_briefing_path(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn each_kind_of_unsafe_text_has_its_notice() {
        assert_eq!(notices(Findings::default()), Vec::<String>::new());
        let one = |findings: Findings, words: &str| {
            let said = notices(findings);
            assert_eq!(said.len(), 1, "{said:?}");
            assert!(said[0].contains(words), "{said:?}");
        };
        one(
            Findings {
                bidi: true,
                ..Findings::default()
            },
            "bidirectional control characters",
        );
        one(
            Findings {
                controls: true,
                ..Findings::default()
            },
            "contains control characters",
        );
        one(
            Findings {
                invisible: true,
                ..Findings::default()
            },
            "invisible characters",
        );
        let all = notices(Findings {
            bidi: true,
            controls: true,
            invisible: true,
            ..Findings::default()
        });
        assert_eq!(all.len(), 3);
    }
    /// The lazily loaded briefing of `source` equals the eager one, section
    /// by section, and its bodies were really left unparsed.
    fn same_lazily(source: &str) -> Briefing {
        let eager = load_str("b.toml", source)
            .unwrap_or_else(|e| panic!("{source:?}: {:?}", e.diagnostics));
        let lazy = load_str_lazy("b.toml", &Arc::new(source.to_owned())).expect("lazy");
        assert_eq!(eager.sections.len(), lazy.sections.len());
        for (e, l) in eager.sections.iter().zip(&lazy.sections) {
            assert!(l.body.is_deferred(), "{source:?}");
            assert!(!e.body.is_deferred());
            assert_eq!(e.body.blocks(), l.body.blocks(), "{source:?}");
            assert_eq!(e.body.is_empty(), l.body.is_empty(), "{source:?}");
            assert_eq!(e, l);
        }
        let Briefing {
            notices, sections, ..
        } = &eager;
        assert_eq!(
            (&lazy.title, &lazy.summary, &lazy.sources, &lazy.facts),
            (&eager.title, &eager.summary, &eager.sources, &eager.facts)
        );
        assert_eq!(sections.len(), lazy.sections.len());
        // A deferred body's findings are not known at open, so a notice
        // may be missing, but none is given that loading eagerly does not.
        for notice in &lazy.notices {
            assert!(notices.contains(notice), "{notice}");
        }
        lazy
    }

    fn with_body(body: &str) -> String {
        format!(
            "title = \"T\"\n[[sections]]\ntitle = \"S\"\nbody = {body}\n[[sections]]\ntitle = \"After\"\nbody = 'x'\n"
        )
    }

    #[test]
    fn a_deferred_body_gives_the_blocks_of_every_string_form() {
        let forms = [
            r#""Plain **bold** and *em*.""#,
            r#""Tab\there, \"quoted\", back\\slash, \u00e9t\u00e9 \U0001F600.""#,
            r#""Line one\n\n- item\n- item two\r\n""#,
            "'Literal \\n stays, \"double\" and **bold**.'",
            "'''\nMulti-line literal with ''two'' quotes\n\n# Heading\n'''",
            "\"\"\"\nMulti-line basic\nwith \\\"\"\" inside and \\u0041\n\n> quote\n\"\"\"",
            "\"\"\"\nThe line ends here \\\n      and goes on; \\t tab.\n\"\"\"",
            "\"Has ''' inside a basic string\"",
            "\"\"\"Has ''' and '''' inside\"\"\"",
            "'''Has \"\"\" inside a literal'''",
            "\"\"",
            "''",
            "\"\"\"\n\"\"\"",
        ];
        for form in forms {
            same_lazily(&with_body(form));
        }
        // The escapes really are decoded, not shown as written.
        let lazy = same_lazily(&with_body(r#""caf\u00e9 \"x\"""#));
        assert_eq!(
            crate::model::plain_text(match &lazy.sections[0].body.blocks()[0] {
                crate::model::Block::Paragraph(inlines) => inlines,
                other => panic!("{other:?}"),
            }),
            "café \"x\""
        );
    }

    #[test]
    fn a_deferred_body_of_an_inline_section_gives_the_same_blocks() {
        // Not split into pieces (the head holds `sections`): the whole
        // file's tree gives the places.
        same_lazily("title = \"T\"\nsections = [{ title = \"S\", body = \"x *y*\\n\\n- z\" }]\n");
        same_lazily(
            "title = \"T\"\n[[sections]]\ntitle = \"S\"\nfacts = [{ label = \"l\", value = \"v\" }]\nbody = '''\n# H\n'''\n",
        );
    }

    #[test]
    fn a_deferred_body_in_a_crlf_file_gives_the_same_blocks() {
        let source = with_body("\"\"\"\nOne \\\n  two\n\n- a\n- b\n\"\"\"").replace('\n', "\r\n");
        same_lazily(&source);
        let literal = with_body("'''\nOne\n\n## Two\n'''").replace('\n', "\r\n");
        same_lazily(&literal);
    }

    #[test]
    fn a_deferred_body_is_sanitised_as_an_eager_one() {
        // A bidi override, an escape sequence and raw HTML: the same
        // blocks, but no notices, which only parsing the body would give.
        let source = with_body(r#""a\u202eb \u001b[31mred <b>bold</b>""#);
        let lazy = same_lazily(&source);
        assert_eq!(lazy.notices, Vec::<String>::new());
        assert_eq!(load_str("b.toml", &source).expect("eager").notices.len(), 3);
    }

    #[test]
    fn a_large_generated_briefing_loads_lazily_to_the_same_sections() {
        let spec = crate::testdata::Spec::new(300_000, 60);
        let text = crate::testdata::generate(&spec);
        let lazy = same_lazily(&text);
        assert_eq!(lazy.sections.len(), 60);
    }

    #[test]
    fn a_deferred_body_can_be_changed_in_place() {
        let mut lazy =
            load_str_lazy("b.toml", &Arc::new(with_body("\"one\\n\\ntwo\""))).expect("lazy");
        let body = &mut lazy.sections[0].body;
        assert!(body.is_deferred());
        body.blocks_mut().pop();
        assert!(!body.is_deferred());
        assert_eq!(body.blocks().len(), 1);
        assert!(!body.is_empty());
    }

    #[test]
    fn a_body_that_is_no_string_is_an_error_either_way() {
        let source = with_body("3");
        let eager = load_str("b.toml", &source).map(|_| ()).unwrap_err();
        let lazy = load_str_lazy("b.toml", &Arc::new(source))
            .map(|_| ())
            .unwrap_err();
        assert_eq!(eager.diagnostics, lazy.diagnostics);
        assert!(
            eager.diagnostics[0]
                .message
                .contains("`body` in section 1 must be a string")
        );
    }

    #[test]
    fn only_a_large_toml_file_is_loaded_lazily() {
        let dir = tempfile::tempdir().expect("temp");
        let small =
            load_path_lazy(&file(&dir, "s.toml", with_body("'x'").as_bytes())).expect("small");
        assert!(!small.sections[0].body.is_deferred());
        let text =
            crate::testdata::generate(&crate::testdata::Spec::new(DEFER_BODIES_FROM + 1000, 40));
        assert!(text.len() >= DEFER_BODIES_FROM);
        let large = load_path_lazy(&file(&dir, "l.toml", text.as_bytes())).expect("large");
        assert!(large.sections.iter().all(|s| s.body.is_deferred()));
        assert_eq!(large, load_str("l.toml", &text).expect("eager"));
    }

    #[test]
    fn a_check_gives_what_an_eager_load_gives_with_the_bodies_as_text() {
        let dir = tempfile::tempdir().expect("temp");
        let html = with_body(r#""a\u202eb <b>bold</b>""#);
        let generated = crate::testdata::generate(&crate::testdata::Spec::new(200_000, 30));
        let mut paths = vec![
            file(&dir, "html.toml", html.as_bytes()),
            file(&dir, "gen.toml", generated.as_bytes()),
            file(&dir, "b.md", MINIMAL_MD.as_bytes()),
        ];
        for folder in ["tests/fixtures/valid", "tests/fixtures/invalid"] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
            for entry in std::fs::read_dir(dir).expect("fixtures") {
                paths.push(entry.expect("entry").path());
            }
        }
        let mut deferred = 0;
        for path in &paths {
            match (load_path(path), check_path(path)) {
                (Ok(eager), Ok(checked)) => {
                    assert_eq!(eager.notices, checked.notices, "{path:?}");
                    assert_eq!(eager, checked, "{path:?}");
                    if checked.sections.iter().all(|s| s.body.is_deferred()) {
                        deferred += 1;
                    }
                }
                (Err(eager), Err(checked)) => {
                    assert_eq!(eager.diagnostics, checked.diagnostics, "{path:?}");
                }
                (eager, checked) => panic!("{path:?}: {eager:?} / {checked:?}"),
            }
        }
        // The HTML body's notices are all there.
        let html = check_path(&paths[0]).expect("html");
        assert_eq!(html.notices.len(), 2, "{:?}", html.notices);
        assert!(
            html.notices[1].contains("contains HTML"),
            "{:?}",
            html.notices
        );
        assert!(deferred >= 3, "{deferred}");
    }
}
