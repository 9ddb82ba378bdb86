//! The one rule for tests that need a service (sshd, an `ssh` client,
//! tmux): under CI (`CI=true` or `CI=1`) a missing service FAILS the test,
//! so a green CI run always means the test ran; on a developer's machine it
//! says loudly, past the test harness's capture, that it did not run.

use std::io::Write;

/// True when running under CI.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reports that a test cannot run because of `why`: a failure under CI,
/// else a note on stderr. The caller then returns without testing.
pub fn missing(why: &str) {
    assert!(!in_ci(), "{why}");
    let _ = writeln!(std::io::stderr(), "\n*** NOT RUN: {why}\n");
}
