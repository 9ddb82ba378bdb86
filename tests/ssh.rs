//! brief over a real SSH link: read and quit through `ssh -tt`, the local
//! terminal restored; then the link dropped mid-read, and the remote brief
//! must end by itself (no process left spinning on a dead terminal).
//!
//! Needs an sshd on 127.0.0.1 that lets root in with a key, and an `ssh`
//! client: `.ci/run` starts one and sets `BRIEF_SSH_PORT` and
//! `BRIEF_SSH_KEY`. Under `CI=true` a missing sshd or client FAILS the
//! test, so a green CI run always means it ran. Elsewhere (a dev box) it
//! says loudly that it did not run, and passes.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;
mod service;

use std::time::Instant;

use harness::{PATIENCE, Spawn, brief, liege, poll_until, processes_with_argv};

/// The test sshd's port and client key. Without them, or without an `ssh`
/// client: a failure under `CI=true`, else a loud note and `None`.
fn test_sshd() -> Option<(String, String)> {
    let port = std::env::var("BRIEF_SSH_PORT").ok();
    let key = std::env::var("BRIEF_SSH_KEY").ok();
    let client = std::process::Command::new("ssh")
        .arg("-V")
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok_and(|output| output.status.success());
    let missing = match (&port, &key, client) {
        (None, _, _) => "BRIEF_SSH_PORT is not set",
        (_, None, _) => "BRIEF_SSH_KEY is not set",
        (_, Some(key), _) if !std::path::Path::new(key).is_file() => "BRIEF_SSH_KEY names no file",
        (_, _, false) => "no ssh client on PATH",
        (Some(port), Some(key), true) => return Some((port.clone(), key.clone())),
    };
    let why = format!(
        "the SSH test cannot run: {missing} (.ci/run starts a test sshd on 127.0.0.1 and sets BRIEF_SSH_PORT and BRIEF_SSH_KEY)"
    );
    service::missing(&why);
    None
}

/// `ssh -tt` to the test sshd, running `command` there.
fn ssh(port: &str, key: &str, command: &[&str]) -> Spawn {
    let mut args = vec![
        "-F",
        "/dev/null",
        "-tt",
        "-p",
        port,
        "-i",
        key,
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        "root@127.0.0.1",
    ];
    args.extend_from_slice(command);
    Spawn::program("ssh", &args)
}

#[test]
fn over_ssh_quit_restores_and_a_dropped_link_ends_brief() {
    let Some((port, key)) = test_sshd() else {
        return;
    };
    // A copy under a name of its own, so the remote brief is found by its
    // exact command line and no other test's brief is mistaken for it.
    let copy = std::env::temp_dir().join(format!("brief-ssh-{}.toml", std::process::id()));
    std::fs::copy(liege(), &copy).expect("copy the briefing");
    let copy = copy.display().to_string();
    let remote = [brief(), copy.as_str()];

    // Read, search, quit: the local terminal is as it was.
    let mut session = ssh(&port, &key, &remote).start();
    session.wait_reader();
    session.send(b"jj");
    session.send(b"/watch\r");
    session.wait_text("match");
    session.send(b"Gq");
    let exit = session.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0), "brief's status through ssh");
    session.assert_restored();

    // Drop the link mid-read: the remote brief must not outlive it.
    let mut session = ssh(&port, &key, &remote).start();
    session.wait_reader();
    session.send(b"j");
    let mut pids = Vec::new();
    assert!(
        poll_until(PATIENCE, || {
            pids = processes_with_argv(&remote);
            pids.len() == 1
        }),
        "the remote brief was not found: {pids:?}"
    );
    let dropped = Instant::now();
    session.signal(libc::SIGKILL);
    let gone = poll_until(PATIENCE, || processes_with_argv(&remote).is_empty());
    eprintln!(
        "remote brief {pids:?} gone {:?} after the ssh client was killed",
        dropped.elapsed()
    );
    assert!(gone, "the remote brief {pids:?} outlived the SSH link");
    let _ = std::fs::remove_file(&copy);
}
