//! brief over a real SSH link: read and quit through `ssh -tt`, the local
//! terminal restored; then the link dropped mid-read, and the remote brief
//! must be gone within 2 s (no process left spinning on a dead terminal).
//!
//! Needs an sshd on 127.0.0.1 that lets root in with a key: `.ci/run`
//! starts one and sets `BRIEF_SSH_PORT` and `BRIEF_SSH_KEY`. Without them
//! the test says so and passes, so `cargo test` works on a dev box.

mod harness;

use std::time::{Duration, Instant};

use harness::{PATIENCE, Spawn, brief, liege, poll_until, processes_with_argv};

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
    let (Ok(port), Ok(key)) = (
        std::env::var("BRIEF_SSH_PORT"),
        std::env::var("BRIEF_SSH_KEY"),
    ) else {
        eprintln!(
            "skipped: no test sshd (BRIEF_SSH_PORT and BRIEF_SSH_KEY are set by .ci/run, which starts one)"
        );
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
    let gone = poll_until(Duration::from_secs(2), || {
        processes_with_argv(&remote).is_empty()
    });
    eprintln!(
        "remote brief {pids:?} gone {:?} after the ssh client was killed",
        dropped.elapsed()
    );
    assert!(
        gone,
        "the remote brief {pids:?} outlived the SSH link by 2 s"
    );
    let _ = std::fs::remove_file(&copy);
}
