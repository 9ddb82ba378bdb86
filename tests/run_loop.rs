//! The whole run loop in memory: scripted messages in, frames out on
//! ratatui's `TestBackend`, effects performed by an executor that only
//! records them. No pty, no terminal, no files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod common;

use std::cell::{Cell as ClockCell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use brief::app::{Done, Effect, Event};
use brief::runtime::{self, Clock, Effects, Ending, Host, Message, Next, Post, SAVE_AFTER, Source};
use ratatui::Terminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};

/// The time the scripted session happens at.
const NOW: u64 = 1_750_000_000;

/// A `TestBackend` that keeps the text of every frame flushed to it.
struct Recording {
    inner: TestBackend,
    frames: Rc<RefCell<Vec<String>>>,
}

impl Recording {
    fn text(&self) -> String {
        let buffer = self.inner.buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            for x in 0..buffer.area.width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// No terminal behind it: copies and links are not recorded.
impl brief::output::Sideband for Recording {}

impl Backend for Recording {
    type Error = <TestBackend as Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.inner.set_cursor_position(position)
    }
    fn clear(&mut self) -> Result<(), Self::Error> {
        self.inner.clear()
    }
    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.inner.clear_region(clear_type)
    }
    fn size(&self) -> Result<Size, Self::Error> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()?;
        let text = self.text();
        self.frames.borrow_mut().push(text);
        Ok(())
    }
}

/// One step of a script.
enum Step {
    /// This message arrives.
    Send(Message),
    /// The reader waits: the loop must be waiting with the save timeout,
    /// which then runs out.
    Pause,
    /// Check the last frame drawn.
    Expect(Box<dyn Fn(&str)>),
    /// This many milliseconds pass on the script's clock (the loop is not
    /// woken: nothing happens meanwhile).
    Wait(u64),
}

/// A clock the script moves on, in milliseconds since the epoch.
#[derive(Clone)]
struct ScriptClock(Rc<ClockCell<u64>>);

impl ScriptClock {
    fn new() -> Self {
        Self(Rc::new(ClockCell::new(NOW * 1000)))
    }
}

impl Clock for ScriptClock {
    fn now(&self) -> u64 {
        self.0.get() / 1000
    }
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

/// A message source that plays a script.
struct Script {
    steps: VecDeque<Step>,
    frames: Rc<RefCell<Vec<String>>>,
    waits: Vec<Option<Duration>>,
    clock: Option<ScriptClock>,
}

impl Script {
    fn new(frames: &Rc<RefCell<Vec<String>>>, steps: Vec<Step>) -> Self {
        Self {
            steps: steps.into(),
            frames: Rc::clone(frames),
            waits: Vec::new(),
            clock: None,
        }
    }

    /// The script moves `clock` on at each [`Step::Wait`].
    fn with_clock(mut self, clock: &ScriptClock) -> Self {
        self.clock = Some(clock.clone());
        self
    }

    /// Lets the time at the front of the script pass.
    fn pass_time(&mut self) {
        while let Some(Step::Wait(ms)) = self.steps.front() {
            if let Some(clock) = &self.clock {
                clock.0.set(clock.0.get() + ms);
            }
            self.steps.pop_front();
        }
    }

    /// Runs the checks at the front of the script.
    fn check(&mut self) {
        while let Some(Step::Expect(_)) = self.steps.front() {
            if let Some(Step::Expect(check)) = self.steps.pop_front() {
                let frames = self.frames.borrow();
                check(frames.last().map(String::as_str).unwrap_or(""));
            }
        }
    }
}

impl Source for Script {
    fn next(&mut self, timeout: Option<Duration>) -> Next {
        self.waits.push(timeout);
        self.check();
        self.pass_time();
        self.check();
        match self.steps.pop_front() {
            Some(Step::Send(message)) => Next::Message(message),
            Some(Step::Pause) => {
                assert_eq!(
                    timeout,
                    Some(SAVE_AFTER),
                    "after moving, the loop waits to save"
                );
                Next::Timeout
            }
            Some(Step::Expect(_) | Step::Wait(_)) | None => Next::Closed,
        }
    }

    fn try_next(&mut self) -> Option<Message> {
        // Only messages queued together are drained; a pause or a check
        // is a moment later.
        match self.steps.front() {
            Some(Step::Send(_)) => match self.steps.pop_front() {
                Some(Step::Send(message)) => Some(message),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Performs nothing: records each effect and answers as if it worked.
#[derive(Debug, Default)]
struct Recorder {
    effects: Vec<Effect>,
}

impl Effects for Recorder {
    fn perform(&mut self, effect: Effect, _post: Option<&Post>) -> Option<Done> {
        self.effects.push(effect.clone());
        match effect {
            Effect::Save { path, .. } => Some(Done::Saved {
                path,
                result: Ok(Default::default()),
            }),
            _ => None,
        }
    }
}

fn key(name: &str) -> Step {
    Step::Send(Message::Event(Event::Key(common::key(name))))
}

fn keys(names: &str) -> Vec<Step> {
    names.split_whitespace().map(key).collect()
}

fn expect(check: impl Fn(&str) + 'static) -> Step {
    Step::Expect(Box::new(check))
}

fn saves(recorder: &Recorder) -> Vec<&brief::state::Changes> {
    recorder
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Save { changes, .. } => Some(changes),
            _ => None,
        })
        .collect()
}

#[test]
fn keys_in_frames_out_and_the_position_and_note_are_saved() {
    let mut app = common::reader(100, 30);
    let frames = Rc::new(RefCell::new(Vec::new()));
    let backend = Recording {
        inner: TestBackend::new(100, 30),
        frames: Rc::clone(&frames),
    };
    let mut terminal = Terminal::new(backend).expect("test backend");
    let mut script = vec![expect(|frame| {
        assert!(frame.contains("Reading · Title"), "first frame:\n{frame}");
    })];
    script.extend(keys("j j ]"));
    script.push(expect(|frame| {
        assert!(frame.contains("Reading · Bottom line"), "after ]:\n{frame}");
    }));
    script.push(Step::Pause);
    script.extend(keys("] a"));
    script.extend("keep the €4bn figure".chars().map(|c| {
        Step::Send(Message::Event(Event::Key(
            ratatui::crossterm::event::KeyEvent::from(ratatui::crossterm::event::KeyCode::Char(c)),
        )))
    }));
    script.push(key("ctrl-s"));
    script.push(expect(|frame| {
        assert!(
            frame.contains("note on Espionage suspicion saved"),
            "after the note:\n{frame}"
        );
        // At 100 columns the outline is folded and the sidebar stays: the
        // note is shown there, under the section's facts.
        assert!(frame.contains("Your note"), "{frame}");
        assert!(frame.contains("keep the €4bn figure"), "{frame}");
    }));
    script.push(key("q"));
    let mut host = Host {
        source: Script::new(&frames, script),
        effects: Recorder::default(),
        clock: || NOW,
    };

    let ending = runtime::run(&mut terminal, &mut app, &mut host).expect("the loop runs");
    assert_eq!(ending, Ending::Quit);
    assert!(host.source.steps.is_empty(), "the whole script was played");
    // Idle, the loop never wakes by itself; it waited with a timeout only
    // while the position was unsaved.
    assert_eq!(host.source.waits.first(), Some(&None));

    let saves = saves(&host.effects);
    assert_eq!(saves.len(), 2, "{:?}", host.effects);
    let position = saves[0].position.as_ref().expect("a position");
    assert_eq!(position.part, "summary");
    let note = saves[1]
        .notes
        .values()
        .flatten()
        .next()
        .expect("the note is saved");
    assert_eq!(note.text, "keep the €4bn figure");
    assert_eq!(note.updated, NOW, "the time comes from the clock given");

    // On the way out, what is pending is saved once more.
    runtime::finish(&app, &mut host.effects, &host.clock).expect("saved");
    assert_eq!(self::saves(&host.effects).len(), 3);
}

#[test]
fn a_terminate_message_ends_with_its_exit_code_and_a_hang_up_with_129() {
    for (message, code) in [
        (Message::Terminate { exit_code: 143 }, 143),
        (Message::HangUp, 129),
    ] {
        let mut app = common::reader(80, 24);
        let frames = Rc::new(RefCell::new(Vec::new()));
        let backend = Recording {
            inner: TestBackend::new(80, 24),
            frames: Rc::clone(&frames),
        };
        let mut terminal = Terminal::new(backend).expect("test backend");
        let mut script = keys("j");
        script.push(Step::Send(message));
        let mut host = Host {
            source: Script::new(&frames, script),
            effects: Recorder::default(),
            clock: || NOW,
        };
        let ending = runtime::run(&mut terminal, &mut app, &mut host).expect("the loop runs");
        assert_eq!(ending.exit_code(), code);
    }
}

#[test]
fn a_burst_of_keys_queued_together_draws_one_frame() {
    let mut app = common::reader(80, 24);
    let frames = Rc::new(RefCell::new(Vec::new()));
    let backend = Recording {
        inner: TestBackend::new(80, 24),
        frames: Rc::clone(&frames),
    };
    let mut terminal = Terminal::new(backend).expect("test backend");
    let mut host = Host {
        source: Script::new(&frames, keys("j j j j j j j j")),
        effects: Recorder::default(),
        clock: || NOW,
    };
    runtime::run(&mut terminal, &mut app, &mut host).expect("the loop runs");
    // The first frame, then one for the whole burst.
    assert_eq!(frames.borrow().len(), 2);
}

/// Reading a briefing again never holds up the loop: the real executor
/// reads it on a worker thread, and the result arrives as an event sent
/// from there (a slow disk or a large file leaves the screen live).
#[test]
fn a_reload_runs_off_the_ui_thread_and_comes_back_as_an_event() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("copy.toml");
    std::fs::copy(common::root().join("briefings/alibaba-liege.toml"), &path).expect("copy");
    let (sender, receiver) = std::sync::mpsc::channel();
    let post: Post = {
        let sender = Mutex::new(sender);
        Arc::new(move |event| {
            let _ = sender
                .lock()
                .expect("sender")
                .send((std::thread::current().id(), event));
        })
    };
    let mut effects = runtime::LocalEffects::new(None);
    let result = effects.perform(Effect::Reload { path: path.clone() }, Some(&post));
    assert!(result.is_none(), "the reload is left to a worker");
    let (thread, event) = receiver.recv().expect("the reload's result arrives");
    assert_ne!(
        thread,
        std::thread::current().id(),
        "read on another thread"
    );
    match event {
        Event::Done(Done::Reloaded {
            path: reloaded,
            briefing,
        }) => {
            assert_eq!(reloaded, path);
            assert!(briefing.is_ok(), "{briefing:?}");
        }
        other => panic!("not a reload result: {other:?}"),
    }
}

/// Plays `script` on the Liège briefing at 80x24 with a clock the script
/// moves on; returns the saves asked for, the one on the way out last.
fn play_timed(script: Vec<Step>) -> Vec<brief::state::Changes> {
    let mut app = common::reader(80, 24);
    let frames = Rc::new(RefCell::new(Vec::new()));
    let backend = Recording {
        inner: TestBackend::new(80, 24),
        frames: Rc::clone(&frames),
    };
    let mut terminal = Terminal::new(backend).expect("test backend");
    let clock = ScriptClock::new();
    let mut host = Host {
        source: Script::new(&frames, script).with_clock(&clock),
        effects: Recorder::default(),
        clock,
    };
    let ending = runtime::run(&mut terminal, &mut app, &mut host).expect("the loop runs");
    assert_eq!(ending, Ending::Quit);
    assert!(host.source.steps.is_empty(), "the whole script was played");
    runtime::finish(&app, &mut host.effects, &host.clock).expect("saved");
    saves(&host.effects).into_iter().cloned().collect()
}

/// Every id marked read in any of `saves`.
fn read_ids(saves: &[brief::state::Changes]) -> Vec<String> {
    let mut ids: Vec<String> = saves.iter().flat_map(|c| c.read.keys().cloned()).collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn jumping_to_a_section_and_quitting_at_once_reads_nothing() {
    let saves = play_timed(vec![key("5"), Step::Wait(200), key("q")]);
    assert!(!saves.is_empty(), "the exit save is asked for");
    assert_eq!(read_ids(&saves), Vec::<String>::new());
}

#[test]
fn paging_through_at_a_glance_reads_nothing() {
    let mut script = vec![key("g")];
    for _ in 0..30 {
        script.push(Step::Wait(300));
        script.push(key("space"));
    }
    script.push(key("q"));
    assert_eq!(read_ids(&play_timed(script)), Vec::<String>::new());
}

#[test]
fn a_section_on_screen_long_enough_is_read() {
    // A minute on each page of section 5, then on to the sources.
    let mut script = vec![key("5")];
    for _ in 0..4 {
        script.push(Step::Wait(60_000));
        script.push(key("space"));
    }
    script.push(key("q"));
    let read = read_ids(&play_timed(script));
    assert!(read.contains(&"tariff-dispute".to_owned()), "{read:?}");
    assert!(!read.contains(&"espionage".to_owned()), "{read:?}");
}
