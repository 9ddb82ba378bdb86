//! Tests that need the test-only instrumentation of the `test-hooks`
//! feature (`cargo test --features test-hooks`): a panic injected on the
//! main thread or another (the hang-up watcher) restores the terminal with
//! the message readable on the normal screen and ends brief; the exit hook
//! runs exactly once on every ending.
#![cfg(all(unix, feature = "test-hooks"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;

use std::path::PathBuf;

use harness::{PATIENCE, Session, Spawn, liege};

/// A fresh file for the exit hook to count its runs in.
fn exit_log(name: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("brief-exit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

fn exit_hook_runs(path: &PathBuf) -> usize {
    std::fs::read_to_string(path)
        .map(|log| log.lines().count())
        .unwrap_or(0)
}

fn panic_restores(place: &str) {
    let log = exit_log(&format!("panic-{place}"));
    let mut session = Spawn::brief(&[&liege()])
        .env("BRIEF_TEST_PANIC", place)
        .env("BRIEF_TEST_EXIT_LOG", &log)
        .start();
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(101), "a panic ends with status 101");
    session.assert_restored();
    let screen = session.screen().contents();
    assert!(
        screen.contains(&format!("a panic injected in the {place} thread")),
        "the panic message is not on the normal screen:\n{screen}"
    );
    // The model may be half-updated after a panic: nothing is saved.
    assert_eq!(exit_hook_runs(&log), 0);
}

#[test]
fn a_panic_on_the_main_thread_restores_the_terminal() {
    panic_restores("main");
}

/// A thread other than the main one (which reads the input itself) must
/// end the process: the main thread would otherwise wait for a message
/// that thread was to send.
#[test]
fn a_panic_on_another_thread_restores_the_terminal_and_ends() {
    panic_restores("hangup");
}

/// Starts brief with an exit log, lets `end` end it, and checks the exit
/// hook ran exactly once.
fn exit_hook_runs_once(name: &str, end: impl FnOnce(&mut Session)) {
    let log = exit_log(name);
    let mut session = Spawn::brief(&[&liege()])
        .env("BRIEF_TEST_EXIT_LOG", &log)
        .start();
    session.wait_reader();
    end(&mut session);
    session.wait_exit(PATIENCE);
    assert_eq!(exit_hook_runs(&log), 1, "exit hook runs after {name}");
    let _ = std::fs::remove_file(&log);
}

#[test]
fn the_exit_hook_runs_once_on_quit() {
    exit_hook_runs_once("quit", |s| s.send(b"q"));
}

#[test]
fn the_exit_hook_runs_once_on_sigterm() {
    exit_hook_runs_once("sigterm", |s| s.signal(libc::SIGTERM));
}

#[test]
fn the_exit_hook_runs_once_on_sighup() {
    exit_hook_runs_once("sighup", |s| s.signal(libc::SIGHUP));
}

#[test]
fn the_exit_hook_runs_once_when_the_terminal_closes() {
    exit_hook_runs_once("hangup", Session::close_terminal);
}
