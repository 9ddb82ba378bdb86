//! Tests of the keymap: notation, files, layering, errors.

use super::*;
use crate::diagnostic::Severity;
use ratatui::crossterm::event::{KeyCode as TermCode, KeyEvent, KeyModifiers};
use std::collections::HashSet;
use std::ffi::OsString;
use std::path::PathBuf;

fn key(text: &str) -> Key {
    Key::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn overrides(source: &str) -> (Keymap, Vec<String>) {
    let (keymap, diagnostics) = Keymap::with_overrides("k.toml", source);
    assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
    (
        keymap,
        diagnostics.iter().map(ToString::to_string).collect(),
    )
}

fn names(keys: &[Key]) -> Vec<String> {
    keys.iter().map(ToString::to_string).collect()
}

#[test]
fn notation_round_trips_in_canonical_form() {
    let cases = [
        ("j", "j"),
        ("G", "G"),
        ("shift-g", "G"),
        ("Shift-G", "G"),
        ("?", "?"),
        ("[", "["),
        ("1", "1"),
        ("-", "-"),
        ("ctrl--", "ctrl--"),
        ("ä", "ä"),
        ("shift-ä", "Ä"),
        ("中", "中"),
        (" ", "space"),
        ("Space", "space"),
        ("ctrl-d", "ctrl-d"),
        ("Ctrl-D", "ctrl-d"),
        ("ctrl-shift-d", "ctrl-d"),
        ("alt-G", "alt-G"),
        ("alt-ctrl-x", "ctrl-alt-x"),
        ("shift-tab", "shift-tab"),
        ("PageDown", "pagedown"),
        ("shift-up", "shift-up"),
        ("F12", "f12"),
        ("esc", "esc"),
    ];
    for (input, canonical) in cases {
        let parsed = key(input);
        assert_eq!(parsed.to_string(), canonical, "{input}");
        assert_eq!(key(canonical), parsed, "{input} round trip");
    }
    assert_eq!(key("G"), key("shift-g"));
    assert_ne!(key("G"), key("g"));
}

#[test]
fn bad_key_names_say_what_to_write() {
    let error = |text: &str| Key::parse(text).expect_err(text);
    assert_eq!(
        error("pgdown"),
        "unknown key name `pgdown` — did you mean `pagedown`?"
    );
    assert!(error("ctrl-pgdn").ends_with("did you mean `ctrl-pagedown`?"));
    assert!(error("escape").ends_with("did you mean `esc`?"));
    assert!(error("ctl-d").ends_with("did you mean `ctrl-d`?"));
    assert!(error("C-d").ends_with("did you mean `ctrl-d`?"));
    assert!(error("<C-u>").ends_with("did you mean `ctrl-u`?"));
    assert!(error("^D").ends_with("did you mean `ctrl-d`?"));
    assert!(error("super-x").contains("terminals do not pass that modifier"));
    assert!(error("f13").starts_with("unknown key name `f13`"));
    assert!(error("ab").starts_with("unknown key name `ab`"));
    assert!(error("ctrl-").starts_with("unknown key name `ctrl-`"));
    assert!(error("").starts_with("the key name is empty"));
    // Guessing stays cheap however the name is built.
    let nested = format!("{}x{}", "<".repeat(5000), ">".repeat(5000));
    assert!(error(&nested).starts_with("unknown key name"));
    assert!(error(&"c-".repeat(5000)).starts_with("unknown key name"));
    assert!(error(&"c-".repeat(19)).starts_with("unknown key name"));
    assert!(error("shift-1").contains("shift- only goes with letters"));
    assert!(error("shift-space").contains("bind `space`"));
    assert_eq!(
        error("\u{1b}"),
        "`␛` is a control character, not a key name — write `esc`"
    );
    assert!(error("\u{202E}").contains("is not a character a key types"));
    assert!(error("\u{301}").contains("is not a character a key types"));
    // Each control character a key sends is named after its key.
    for (control, name) in [
        ("\t", "tab"),
        ("\n", "enter"),
        ("\r", "enter"),
        ("\u{8}", "backspace"),
        ("\u{7f}", "backspace"),
    ] {
        assert!(
            error(control).ends_with(&format!("not a key name — write `{name}`")),
            "{control:?}: {}",
            error(control)
        );
    }
    assert!(error("\u{1}").ends_with("write the key's name, such as `esc` or `ctrl-x`"));
    // A lower-case letter with no capital, and a title-case letter, have no
    // shifted form to bind.
    assert!(error("shift-ª").contains("shift- only goes with letters"));
    assert!(error("shift-ǅ").contains("shift- only goes with letters"));
}

#[test]
fn terminal_events_match_the_notation() {
    let event = |code, modifiers| Key::from_event(&KeyEvent::new(code, modifiers));
    let none = KeyModifiers::NONE;
    let shift = KeyModifiers::SHIFT;
    let ctrl = KeyModifiers::CONTROL;
    // Terminals differ on whether shift is reported with an upper-case letter.
    assert_eq!(event(TermCode::Char('G'), shift), key("G"));
    assert_eq!(event(TermCode::Char('G'), none), key("G"));
    assert_ne!(event(TermCode::Char('g'), none), key("G"));
    assert_eq!(event(TermCode::BackTab, shift), key("shift-tab"));
    assert_eq!(event(TermCode::BackTab, none), key("shift-tab"));
    assert_eq!(event(TermCode::Tab, shift), key("shift-tab"));
    assert_eq!(event(TermCode::Tab, none), key("tab"));
    assert_eq!(event(TermCode::Char('d'), ctrl), key("ctrl-d"));
    assert_eq!(event(TermCode::Char('D'), ctrl | shift), key("ctrl-d"));
    assert_eq!(event(TermCode::Char(' '), none), key("space"));
    assert_eq!(event(TermCode::Char('?'), shift), key("?"));
    assert_eq!(event(TermCode::PageDown, none), key("pagedown"));
    assert_eq!(event(TermCode::F(5), none), key("f5"));
    assert_eq!(
        event(TermCode::Char('x'), ctrl | KeyModifiers::ALT),
        key("ctrl-alt-x")
    );
    // With super held it is not plain `d`, and nothing can bind it.
    let super_d = event(TermCode::Char('d'), KeyModifiers::SUPER);
    assert_ne!(super_d, key("d"));
    assert_eq!(super_d.code, Code::Other);
    assert_eq!(event(TermCode::CapsLock, none).code, Code::Other);
    // Hyper and meta, alone or with others, are like super.
    for held in [
        KeyModifiers::HYPER,
        KeyModifiers::META,
        KeyModifiers::SUPER | KeyModifiers::META,
        KeyModifiers::HYPER | ctrl,
    ] {
        assert_eq!(
            event(TermCode::Char('d'), held).code,
            Code::Other,
            "{held:?}"
        );
    }
}

#[test]
fn every_named_terminal_key_has_its_name() {
    let none = KeyModifiers::NONE;
    let named = [
        (TermCode::Enter, "enter"),
        (TermCode::Esc, "esc"),
        (TermCode::Tab, "tab"),
        (TermCode::Backspace, "backspace"),
        (TermCode::Delete, "delete"),
        (TermCode::Insert, "insert"),
        (TermCode::Home, "home"),
        (TermCode::End, "end"),
        (TermCode::PageUp, "pageup"),
        (TermCode::PageDown, "pagedown"),
        (TermCode::Up, "up"),
        (TermCode::Down, "down"),
        (TermCode::Left, "left"),
        (TermCode::Right, "right"),
        (TermCode::F(12), "f12"),
    ];
    for (code, name) in named {
        assert_eq!(
            Key::from_event(&KeyEvent::new(code, none)),
            key(name),
            "{name}"
        );
        assert_eq!(
            Key::from_event(&KeyEvent::new(code, KeyModifiers::CONTROL)),
            key(&format!("ctrl-{name}")),
            "ctrl-{name}"
        );
    }
}

#[test]
fn a_keymap_named_on_the_command_line_is_the_one_used() {
    let named = PathBuf::from("/somewhere/my-keys.toml");
    assert_eq!(user_keymap_path(Some(&named)), Some(named));
}

#[test]
fn default_keymap_is_valid_and_complete() {
    let (keymap, diagnostics, _) = build(&Keymap::empty(), DEFAULT_NAME, DEFAULT_SOURCE);
    assert_eq!(diagnostics, Vec::new());
    for context in Context::ALL {
        let mut seen = HashSet::new();
        for (action, keys) in keymap.bindings(context) {
            assert!(!keys.is_empty(), "`{action}` has no key in [{context}]");
            for k in keys {
                assert!(seen.insert(*k), "{k} bound twice in [{context}]");
                assert_eq!(keymap.resolve(context, k), Some(action));
            }
        }
    }
    // Nothing is bound outside the contexts an action allows.
    let allowed: usize = Context::ALL
        .iter()
        .map(|c| keymap.bindings(*c).map(|(_, k)| k.len()).sum::<usize>())
        .sum();
    assert_eq!(keymap.binding_count(), allowed);
}

#[test]
fn default_keys_follow_less_and_vim() {
    let keymap = Keymap::defaults();
    let global = |text: &str| keymap.resolve(Context::Global, &key(text));
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Quit)),
        ["q", "ctrl-c"]
    );
    assert_eq!(
        names(keymap.keys(Context::Global, Action::PageDown)),
        ["space", "pagedown", "ctrl-f"]
    );
    assert_eq!(global("G"), Some(Action::Bottom));
    assert_eq!(global("g"), Some(Action::Top));
    assert_eq!(global("N"), Some(Action::PrevMatch));
    assert_eq!(global("5"), Some(Action::Section5));
    assert_eq!(global("shift-tab"), Some(Action::FocusPrev));
    assert_eq!(
        keymap.resolve(Context::Reader, &key("ctrl-e")),
        Some(Action::ScrollDown)
    );
    assert_eq!(
        keymap.resolve(Context::Library, &key("ctrl-p")),
        Some(Action::SelectPrev)
    );
    assert_eq!(
        keymap.resolve(Context::Search, &key("esc")),
        Some(Action::Close)
    );
}

#[test]
fn default_file_describes_every_entry() {
    // The comment above each binding is the action's description, so the
    // file a user copies from says what the help overlay says.
    let lines: Vec<&str> = DEFAULT_SOURCE.lines().collect();
    let mut entries = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some((name, _)) = line.split_once(" = ").filter(|_| !line.starts_with('#')) else {
            continue;
        };
        let action = Action::from_name(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            lines[i - 1],
            format!("# {}", action.description()),
            "{name}"
        );
        entries += 1;
    }
    let expected: usize = Action::ALL.iter().map(|a| a.contexts().len()).sum();
    assert_eq!(entries, expected);
}

#[test]
fn overriding_one_action_keeps_the_others() {
    let (keymap, errors) = overrides("[reader]\nscroll_down = \"e\"\n");
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(
        keymap.resolve(Context::Reader, &key("e")),
        Some(Action::ScrollDown)
    );
    // Naming an action replaces its keys.
    assert_eq!(keymap.resolve(Context::Reader, &key("j")), None);
    assert_eq!(
        names(keymap.keys(Context::Reader, Action::ScrollUp)),
        ["k", "up", "ctrl-y"]
    );
    assert_eq!(
        names(keymap.keys(Context::Facts, Action::ScrollDown)),
        ["j", "down"]
    );
    assert_eq!(
        keymap.resolve(Context::Global, &key("q")),
        Some(Action::Quit)
    );
}

#[test]
fn a_user_key_is_taken_from_the_default_action_quietly() {
    let (keymap, errors) = overrides("[reader]\nscroll_up = [\"j\", \"k\"]\n");
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(
        keymap.resolve(Context::Reader, &key("j")),
        Some(Action::ScrollUp)
    );
    assert_eq!(
        names(keymap.keys(Context::Reader, Action::ScrollDown)),
        ["down", "ctrl-e"]
    );
    // Only in that context.
    assert_eq!(
        keymap.resolve(Context::Facts, &key("j")),
        Some(Action::ScrollDown)
    );
}

#[test]
fn empty_list_unbinds() {
    let (keymap, errors) = overrides("[global]\npage_down = []\n");
    assert_eq!(errors, Vec::<String>::new());
    assert!(keymap.keys(Context::Global, Action::PageDown).is_empty());
    assert_eq!(keymap.resolve(Context::Global, &key("space")), None);
    assert!(
        keymap
            .bindings(Context::Global)
            .any(|(a, k)| a == Action::PageDown && k.is_empty())
    );
}

#[test]
fn context_bindings_win_over_global_except_search_has_no_fallback() {
    let (keymap, errors) = overrides("[reader]\nscroll_down = \"g\"\n");
    assert_eq!(errors, Vec::<String>::new());
    let g = key("g");
    assert_eq!(
        keymap.resolve_with_global(Context::Reader, &g),
        Some(Action::ScrollDown)
    );
    assert_eq!(
        keymap.resolve_with_global(Context::Outline, &g),
        Some(Action::Top)
    );
    assert_eq!(keymap.resolve(Context::Outline, &g), None);
    assert_eq!(keymap.resolve_with_global(Context::Search, &key("q")), None);
    assert_eq!(
        keymap.resolve_with_global(Context::Search, &key("esc")),
        Some(Action::Close)
    );
}

#[test]
fn unknown_context_table() {
    let (keymap, errors) = overrides("[reaer]\nscroll_down = \"x\"\n");
    assert_eq!(
        errors,
        ["k.toml:1:2: error: unknown context table `[reaer]` — did you mean `[reader]`?"]
    );
    assert_eq!(keymap.resolve(Context::Reader, &key("x")), None);
}

#[test]
fn binding_outside_a_table() {
    let (_, errors) = overrides("quit = \"x\"\n");
    assert_eq!(
        errors,
        ["k.toml:1:1: error: `quit` is outside any context table — put it under [global]"]
    );
}

#[test]
fn unknown_action() {
    let (_, errors) = overrides("[reader]\nscrol_down = \"x\"\n");
    assert_eq!(
        errors,
        [
            "k.toml:2:1: error: unknown action `scrol_down` in [reader] — did you mean `scroll_down`?"
        ]
    );
}

#[test]
fn an_action_of_one_context_names_that_table() {
    let (_, errors) = overrides("[reader]\nquit = \"x\"\n");
    assert_eq!(
        errors,
        [
            "k.toml:2:1: error: `quit` cannot be bound in [reader]; it belongs in [global] — move it to [global]"
        ]
    );
}

#[test]
fn action_in_the_wrong_context() {
    let (_, errors) = overrides("[reader]\nopen = \"o\"\n");
    assert_eq!(
        errors,
        [
            "k.toml:2:1: error: `open` cannot be bound in [reader]; it belongs in [outline], [library] — move it to one of those tables"
        ]
    );
}

#[test]
fn unknown_key_name_keeps_the_default_keys() {
    let (keymap, errors) = overrides("[global]\npage_down = [\"space\", \"pgdown\"]\n");
    assert_eq!(
        errors,
        ["k.toml:2:23: error: unknown key name `pgdown` — did you mean `pagedown`?"]
    );
    assert_eq!(
        names(keymap.keys(Context::Global, Action::PageDown)),
        ["space", "pagedown", "ctrl-f"]
    );
}

#[test]
fn wrong_value_types() {
    let (keymap, errors) = overrides("[global]\nquit = 3\ntop = [\"gg\", 1]\n[reader]\n");
    assert_eq!(
        errors,
        [
            "k.toml:2:8: error: `quit` in [global] must be a key name or a list of key names, not an integer — write `quit = \"x\"` or `quit = [\"x\", \"ctrl-x\"]`",
            "k.toml:3:8: error: unknown key name `gg` — write one character, or one of enter, esc, tab, backspace, delete, insert, home, end, pageup, pagedown, up, down, left, right, space, f1–f12, with ctrl-, alt- or shift- in front if needed",
            "k.toml:3:14: error: each key of `top` in [global] must be a string, not an integer — put the key name in quotes, such as \"1\"",
        ]
    );
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Top)),
        ["g", "home"]
    );
    // A value of the wrong type is not an empty list: quit keeps its keys.
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Quit)),
        ["q", "ctrl-c"]
    );
    let (_, errors) = overrides("reader = 1\n");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].starts_with(
            "k.toml:1:10: error: [reader] must be a table of bindings, not an integer"
        )
    );
}

#[test]
fn a_key_bound_twice_in_the_users_file() {
    let (keymap, errors) =
        overrides("[reader]\nscroll_down = \"x\"\nscroll_up = [\"up\", \"x\"]\n");
    assert_eq!(
        errors,
        [
            "k.toml:3:20: error: `x` is bound twice in [reader]: line 2 binds it to `scroll_down` — remove it from one of them; until then `scroll_up` keeps its default keys"
        ]
    );
    assert_eq!(
        keymap.resolve(Context::Reader, &key("x")),
        Some(Action::ScrollDown)
    );
    assert_eq!(
        names(keymap.keys(Context::Reader, Action::ScrollUp)),
        ["k", "up", "ctrl-y"]
    );
    // The same key twice in one list, spelt two ways.
    let (_, errors) = overrides("[global]\nbottom = [\"G\", \"shift-g\"]\n");
    assert_eq!(
        errors,
        [
            "k.toml:2:16: error: `shift-g` is listed twice for `bottom` in [global] — remove one of them"
        ]
    );
    // The same key in two contexts is no conflict.
    let (_, errors) = overrides("[reader]\nscroll_down = \"x\"\n[facts]\nscroll_down = \"x\"\n");
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn quit_and_help_cannot_be_unbound() {
    let (keymap, errors) = overrides("[global]\nquit = []\nhelp = []\n");
    assert_eq!(
        errors,
        [
            "k.toml:2:8: error: `quit` cannot be left without a key — it keeps its default keys (`q`, `ctrl-c`) so brief can always be left; bind it to other keys instead",
            "k.toml:3:8: error: `help` cannot be left without a key — it keeps its default keys (`?`) so brief can always be explained; bind it to other keys instead",
        ]
    );
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Quit)),
        ["q", "ctrl-c"]
    );
    assert_eq!(names(keymap.keys(Context::Global, Action::Help)), ["?"]);
}

#[test]
fn quit_keeps_its_last_key_when_another_action_takes_them() {
    let (keymap, errors) = overrides("[global]\nsearch = [\"q\", \"ctrl-c\", \"/\"]\n");
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].starts_with(
        "k.toml:2:11: error: `q` would leave `quit` with no key, so it stays bound to `quit`, not `search`"
    ));
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Quit)),
        ["q", "ctrl-c"]
    );
    assert_eq!(
        keymap.resolve(Context::Global, &key("q")),
        Some(Action::Quit)
    );
    assert_eq!(names(keymap.keys(Context::Global, Action::Search)), ["/"]);
    // Taking one of two is fine: quit still has a key.
    let (keymap, errors) = overrides("[global]\nsearch = \"q\"\n");
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Quit)),
        ["ctrl-c"]
    );
}

#[test]
fn every_error_is_reported_and_the_rest_applies() {
    let (keymap, errors) = overrides(
        "[global]\nquit = \"Q\"\ntop = \"pgup\"\n[reader]\nscroll_down = \"e\"\nopen = \"o\"\n[nope]\n",
    );
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert_eq!(
        keymap.resolve(Context::Global, &key("Q")),
        Some(Action::Quit)
    );
    assert_eq!(
        keymap.resolve(Context::Reader, &key("e")),
        Some(Action::ScrollDown)
    );
    assert_eq!(
        names(keymap.keys(Context::Global, Action::Top)),
        ["g", "home"]
    );
}

#[test]
fn a_syntax_error_keeps_the_defaults_whole() {
    let (keymap, errors) = overrides("[reader]\nscroll_down = \"e\"\n[global\n");
    assert!(!errors.is_empty());
    assert!(errors[0].contains("error: TOML syntax:"), "{errors:?}");
    assert_eq!(
        keymap.resolve(Context::Reader, &key("j")),
        Some(Action::ScrollDown)
    );
    assert_eq!(keymap.resolve(Context::Reader, &key("e")), None);
}

#[test]
fn quoted_text_is_sanitised() {
    let (_, errors) = overrides("[reader]\n\"a\\u001b]0;x\\u0007\" = \"j\"\n");
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("`a␛]0;x␇`"), "{errors:?}");
    assert!(!errors[0].contains('\u{1b}'));
}

#[test]
fn user_file_lookup_order() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| OsString::from(v))
        }
    };
    let explicit = Path::new("my.toml");
    assert_eq!(
        user_keymap_path_with(Some(explicit), env(&[("XDG_CONFIG_HOME", "/x")])),
        Some(PathBuf::from("my.toml"))
    );
    assert_eq!(
        user_keymap_path_with(None, env(&[("XDG_CONFIG_HOME", "/x"), ("HOME", "/h")])),
        Some(PathBuf::from("/x/brief/keymap.toml"))
    );
    assert_eq!(
        user_keymap_path_with(None, env(&[("XDG_CONFIG_HOME", ""), ("HOME", "/h")])),
        Some(PathBuf::from("/h/.config/brief/keymap.toml"))
    );
    assert_eq!(
        user_keymap_path_with(None, env(&[("XDG_CONFIG_HOME", "rel"), ("HOME", "/h")])),
        Some(PathBuf::from("/h/.config/brief/keymap.toml"))
    );
    assert_eq!(user_keymap_path_with(None, env(&[("HOME", "")])), None);
    assert_eq!(user_keymap_path_with(None, env(&[])), None);
}

/// A scratch folder of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("brief-keymap-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn loading_reads_the_file_in_force() {
    let scratch = Scratch::new("load");
    let dir = scratch.0.clone();
    let xdg = dir.clone().into_os_string();
    let env = move |name: &str| (name == "XDG_CONFIG_HOME").then(|| xdg.clone());
    // Nothing in the usual place: the defaults, silently.
    let (keymap, diagnostics) = load_with_env(None, &env);
    assert!(diagnostics.is_empty());
    assert_eq!(
        keymap.resolve(Context::Global, &key("q")),
        Some(Action::Quit)
    );
    // A file in the usual place applies.
    std::fs::create_dir_all(dir.join("brief")).expect("folder");
    std::fs::write(dir.join("brief/keymap.toml"), "[global]\nquit = \"x\"\n").expect("write");
    let (keymap, diagnostics) = load_with_env(None, &env);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        keymap.resolve(Context::Global, &key("x")),
        Some(Action::Quit)
    );
    // A --keymap file that is not there is worth a word.
    let missing = dir.join("missing.toml");
    let (keymap, diagnostics) = load_with_env(Some(&missing), &env);
    assert_eq!(diagnostics.len(), 1);
    let text = diagnostics[0].to_string();
    assert!(
        text.contains("missing.toml: error: cannot read the keymap"),
        "{text}"
    );
    assert_eq!(
        keymap.resolve(Context::Global, &key("q")),
        Some(Action::Quit)
    );
    // So is one that is not UTF-8, with where.
    let latin1 = dir.join("latin1.toml");
    std::fs::write(&latin1, b"[global]\nquit = \"\xe9\"\n").expect("write");
    let (_, diagnostics) = load_with_env(Some(&latin1), &env);
    assert_eq!((diagnostics[0].line, diagnostics[0].column), (2, 9));
}

#[test]
fn check_file_counts_bindings() {
    let scratch = Scratch::new("check");
    let path = scratch.0.join("k.toml");
    std::fs::write(&path, "[reader]\nscroll_down = [\"e\", \"ctrl-n\"]\n").expect("write");
    let report = inspect_file(&path);
    assert_eq!(report.diagnostics, Vec::new());
    assert_eq!(report.bindings, 2);
    std::fs::write(&path, "[reader]\nscroll_down = \"pgdown\"\n").expect("write");
    assert_eq!(check_file(&path).len(), 1);
}

#[test]
fn a_keymap_that_is_not_a_regular_file_or_too_large_is_named_for_it() {
    let scratch = Scratch::new("kinds");
    let env = |_: &str| None::<OsString>;
    // Over the cap: refused with its size, the defaults kept.
    let huge = scratch.0.join("huge.toml");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(MAX_KEYMAP_SIZE + 1).expect("sparse");
    let (keymap, diagnostics) = load_with_env(Some(&huge), env);
    let text = diagnostics[0].to_string();
    assert!(
        text.contains("the keymap is 1.0 MiB, over the 1024 KiB limit"),
        "{text}"
    );
    assert!(text.contains("only the entries that differ"), "{text}");
    assert_eq!(
        keymap.resolve(Context::Global, &key("q")),
        Some(Action::Quit)
    );
    // Exactly at the cap is read (and is not a valid keymap, but not for
    // its size).
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(MAX_KEYMAP_SIZE).expect("sparse");
    let (_, diagnostics) = load_with_env(Some(&huge), env);
    assert!(
        !diagnostics[0].to_string().contains("limit"),
        "{}",
        diagnostics[0]
    );
    // A folder.
    let (_, diagnostics) = load_with_env(Some(&scratch.0), env);
    let text = diagnostics[0].to_string();
    assert!(
        text.contains("error: is a folder, not a keymap file — give the path of a keymap.toml"),
        "{text}"
    );
    // A folder in the usual place is worth a word too: only a missing file
    // is not.
    std::fs::create_dir_all(scratch.0.join("brief/keymap.toml")).expect("folder");
    let usual = |name: &str| (name == "XDG_CONFIG_HOME").then(|| scratch.0.clone().into());
    let (_, diagnostics) = load_with_env(None, usual);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
}

#[cfg(all(unix, not(target_vendor = "apple")))]
#[test]
fn a_fifo_keymap_is_refused_without_blocking() {
    use rustix::fs::{CWD, FileType, Mode, mknodat};
    let scratch = Scratch::new("fifo");
    let fifo = scratch.0.join("keymap.toml");
    mknodat(CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o600), 0).expect("mkfifo");
    let (keymap, diagnostics) = load_with_env(Some(&fifo), |_: &str| None::<OsString>);
    let text = diagnostics[0].to_string();
    assert!(
        text.contains("error: is a named pipe (FIFO), not a keymap file"),
        "{text}"
    );
    assert_eq!(
        keymap.resolve(Context::Global, &key("q")),
        Some(Action::Quit)
    );
}

#[test]
fn the_first_key_of_each_action_is_named_as_the_keys_are() {
    let (keymap, errors) = overrides("[global]\nhelp = [\"f1\", \"?\"]\nnext_section = []\n");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(keymap.first_name(Context::Global, Action::Help), Some("f1"));
    assert_eq!(
        keymap.first_name(Context::Global, Action::NextSection),
        None
    );
    for keymap in [Keymap::defaults(), keymap] {
        for context in Context::ALL {
            for action in Action::ALL {
                let first = keymap.keys(context, *action).first().map(Key::to_string);
                assert_eq!(
                    keymap.first_name(context, *action),
                    first.as_deref(),
                    "{context:?} {action:?}"
                );
            }
        }
    }
}
