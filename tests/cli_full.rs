//! `--help` and `--version` written to a full device: the failure is said
//! and the exit is non-zero, as for every other output brief writes.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::process::{Command, Stdio};

#[test]
fn help_and_version_to_dev_full_fail_with_a_message() {
    for flag in ["--help", "--version"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let out = Command::new(env!("CARGO_BIN_EXE_brief"))
            .arg(flag)
            .stdout(Stdio::from(full))
            .stderr(Stdio::piped())
            .output()
            .expect("run brief");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(0), "{flag}: {stderr}");
        assert!(out.status.code().is_some(), "{flag}: killed");
        assert!(stderr.starts_with("brief: "), "{flag}: {stderr:?}");
    }
}
