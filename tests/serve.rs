//! `brief serve` with the real OpenSSH client on 127.0.0.1: who gets in,
//! what is refused, what each reader sees, and how sessions end.
//!
//! The server listens on a free port it picks itself (`--listen
//! 127.0.0.1:0`) and says which; clients run in a pseudo-terminal as a
//! person's would. Waits are for conditions, with timeouts. Without an
//! `ssh` client the tests say so and pass on a developer's machine, and
//! fail under `CI=true`, where the client is installed.
//!
//! Unix only: the pseudo-terminal harness and the OpenSSH client are.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

mod harness;
mod service;

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use harness::{PATIENCE, Spawn, brief, liege, poll_until, proc_stat};

/// The title of the briefing only readers cleared for SECRET may see.
const SECRET_TITLE: &str = "Annex on Cainiao data flows";

/// True if the `ssh` client is here; under CI its absence is a failure.
fn have_ssh() -> bool {
    let found = Command::new("ssh")
        .arg("-V")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        service::missing("no ssh client on PATH: install openssh-client");
    }
    found
}

/// A running `brief serve` with its keys, library and files.
struct Server {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Server {
    /// Starts a server on a library of two briefings, one OFFICIAL and
    /// one SECRET; alice may read SECRET, bob only OFFICIAL; `extra`
    /// arguments are added.
    fn start(extra: &[&str]) -> Server {
        Server::start_with(extra, &[])
    }

    /// As [`Server::start`], with environment variables for the server.
    fn start_with(extra: &[&str], env: &[(&str, &str)]) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let library = dir.path().join("library");
        std::fs::create_dir(&library).expect("library");
        let official = std::fs::read_to_string(liege()).expect("the Liège briefing");
        std::fs::write(library.join("liege.toml"), &official).expect("write");
        let secret = official
            .replacen(
                "title = \"Alibaba's Liège hub under Belgian watch\"",
                &format!("title = \"{SECRET_TITLE}\""),
                1,
            )
            .replacen(
                "classification = \"OFFICIAL\"",
                "classification = \"SECRET\"",
                1,
            );
        assert!(secret.contains(SECRET_TITLE) && secret.contains("\"SECRET\""));
        std::fs::write(library.join("annex.toml"), secret).expect("write");
        let mut authorized = String::new();
        for name in ["alice", "bob", "stranger"] {
            let key = dir.path().join(name);
            let made = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
                .arg(&key)
                .stdin(Stdio::piped())
                .status()
                .expect("ssh-keygen");
            assert!(made.success());
            if name != "stranger" {
                let public = std::fs::read_to_string(key.with_extension("pub")).expect("pub");
                authorized.push_str(&public);
            }
        }
        std::fs::write(dir.path().join("authorized_keys"), authorized).expect("write");
        std::fs::write(
            dir.path().join("access.toml"),
            "levels = [\"OFFICIAL\", \"SECRET\"]\n[readers]\nalice = \"SECRET\"\nbob = \"OFFICIAL\"\n",
        )
        .expect("write");
        let path = |name: &str| dir.path().join(name).display().to_string();
        let mut args = vec![
            "serve".to_owned(),
            library.display().to_string(),
            "--listen".to_owned(),
            "127.0.0.1:0".to_owned(),
            "--host-key".to_owned(),
            path("host_key"),
            "--authorized-keys".to_owned(),
            path("authorized_keys"),
            "--access".to_owned(),
            path("access.toml"),
            "--audit-log".to_owned(),
            path("audit.jsonl"),
            "--state-dir".to_owned(),
            path("state"),
        ];
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let mut child = Command::new(brief())
            .args(&args)
            .env("XDG_CONFIG_HOME", dir.path().join("no-config"))
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start brief serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut port = None;
        let mut said = String::new();
        for line in lines.by_ref() {
            let line = line.expect("a line from the server");
            said.push_str(&line);
            said.push('\n');
            if let Some(address) = line.strip_prefix("brief serve: listening on ") {
                port = address.rsplit(':').next().and_then(|p| p.parse().ok());
                break;
            }
        }
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let port = port.unwrap_or_else(|| panic!("the server did not listen:\n{said}"));
        assert!(said.contains("host key fingerprint SHA256:"), "{said}");
        Server { child, port, dir }
    }

    fn key(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The arguments for `ssh` as `name`, with `options` before the host.
    fn ssh_args(&self, name: &str, options: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = [
            "-F",
            "none",
            "-p",
            &self.port.to_string(),
            "-i",
            &self.key(name).display().to_string(),
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            &format!(
                "UserKnownHostsFile={}",
                self.dir.path().join("known_hosts").display()
            ),
            "-o",
            "BatchMode=yes",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "SendEnv=LANG",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        args.extend(options.iter().map(|s| (*s).to_owned()));
        args.push(format!("{name}@127.0.0.1"));
        args
    }

    /// `ssh` as `name` in a terminal of its own, reading.
    fn reader(&self, name: &str, options: &[&str], command: &[&str]) -> harness::Session {
        let mut args = self.ssh_args(name, options);
        args.extend(command.iter().map(|s| (*s).to_owned()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Spawn::program("ssh", &args).start()
    }

    /// `ssh` as `name` without a terminal: status, stdout, stderr.
    fn run(&self, name: &str, options: &[&str], command: &[&str]) -> (Option<i32>, String, String) {
        let mut args = self.ssh_args(name, options);
        args.extend(command.iter().map(|s| (*s).to_owned()));
        let mut child = Command::new("ssh")
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ssh");
        drop(child.stdin.take());
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            assert!(Instant::now() < deadline, "ssh did not end");
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut out = String::new();
        let mut err = String::new();
        let _ = child.stdout.take().expect("out").read_to_string(&mut out);
        let _ = child.stderr.take().expect("err").read_to_string(&mut err);
        (status.code(), out, err)
    }

    /// The audit log's lines so far.
    fn audit(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("audit.jsonl")).unwrap_or_default()
    }

    /// Every state file of every reader.
    fn state_files(&self) -> Vec<PathBuf> {
        let mut files = Vec::new();
        let Ok(readers) = std::fs::read_dir(self.dir.path().join("state")) else {
            return files;
        };
        for reader in readers.flatten() {
            for file in std::fs::read_dir(reader.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                if file.path().extension().is_some_and(|e| e == "toml") {
                    files.push(file.path());
                }
            }
        }
        files
    }

    fn pid(&self) -> i32 {
        i32::try_from(self.child.id()).expect("pid")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until the library screen lists `title`.
fn wait_library(session: &mut harness::Session, title: &str) {
    let title = title.to_owned();
    session.wait_for("the library", PATIENCE, move |s| {
        s.alternate_screen() && s.contents().contains("Briefings") && s.contents().contains(&title)
    });
}

/// Waits until a briefing is open: the reading pane and the status line.
fn wait_reading(session: &mut harness::Session) {
    session.wait_for("the reading pane", PATIENCE, |s| {
        s.contents().contains("Reading") && last_row(s).contains("help")
    });
}

/// The last row of the screen.
fn last_row(screen: &vt100::Screen) -> String {
    let (rows, columns) = screen.size();
    screen
        .rows(0, columns.get())
        .nth(usize::from(rows.get()) - 1)
        .unwrap_or_default()
}

#[test]
fn an_authorised_key_reads_and_a_window_change_resizes() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let mut alice = server.reader("alice", &["-t"], &[]);
    wait_library(&mut alice, "Alibaba's Liège hub");
    // Cleared for SECRET, alice sees both.
    assert!(alice.screen().contents().contains(SECRET_TITLE));
    // The newest first, then by title: the OFFICIAL one is selected.
    alice.send(b"\r");
    wait_reading(&mut alice);
    // A window change reaches the server, which draws at the new size:
    // the status line moves to the new last row.
    alice.resize(60, 18);
    alice.wait_for("a frame at 60x18", PATIENCE, |s| {
        last_row(s).contains("quit") && s.contents().contains("Liège")
    });
    alice.send(b"q");
    let exit = alice.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(0), "ssh's status after quitting");
    alice.assert_restored();
    let audit = server.audit();
    assert!(audit.contains("\"briefing_opened\""), "{audit}");
    assert!(audit.contains("liege.toml"), "{audit}");
}

#[test]
fn unknown_keys_and_passwords_are_refused() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let (status, out, err) = server.run("stranger", &["-T"], &[]);
    assert_eq!(status, Some(255), "{err}");
    assert!(err.contains("Permission denied (publickey)"), "{err}");
    assert!(out.is_empty());
    let (status, _, err) = server.run(
        "alice",
        &[
            "-T",
            "-o",
            "PubkeyAuthentication=no",
            "-o",
            "PreferredAuthentications=password,keyboard-interactive",
        ],
        &[],
    );
    assert_eq!(status, Some(255), "{err}");
    assert!(err.contains("Permission denied (publickey)"), "{err}");
    assert!(server.audit().contains("unknown key SHA256:"));
}

#[test]
fn commands_subsystems_and_shells_without_a_terminal_run_nothing() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let (status, out, err) = server.run("alice", &[], &["cat", "/etc/passwd"]);
    assert_eq!(status, Some(1), "{err}");
    assert!(!out.contains("root:"), "{out}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    assert!(err.contains("is not run"), "{err}");
    let (status, out, _) = server.run("alice", &["-s"], &["sftp"]);
    assert_ne!(status, Some(0));
    assert!(out.is_empty());
    let (status, _, err) = server.run("alice", &["-T"], &[]);
    assert_eq!(status, Some(1), "{err}");
    assert!(err.contains("ssh -t"), "{err}");
    assert!(server.audit().contains("\"refused\""));
}

#[test]
fn a_briefing_above_a_readers_level_is_absent_and_refused_by_name() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let mut bob = server.reader("bob", &["-t"], &[]);
    wait_library(&mut bob, "Alibaba's Liège hub");
    bob.wait_for("the count", PATIENCE, |s| {
        last_row(s).contains("1 briefing")
    });
    assert!(!bob.screen().contents().contains(SECRET_TITLE));
    // Searching for it finds nothing either.
    bob.send(b"/Annex");
    bob.wait_for("the filter", PATIENCE, |s| s.contents().contains("Annex"));
    assert!(!bob.screen().contents().contains(SECRET_TITLE));
    drop(bob);
    // By name: the same answer as for a briefing that does not exist.
    let mut by_name = server.reader("bob", &["-tt"], &["annex"]);
    let exit = by_name.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(1));
    assert!(
        !by_name.screen().contents().contains(SECRET_TITLE),
        "{}",
        by_name.screen().contents()
    );
    assert!(by_name.screen().contents().contains("is not run"));
    // Alice, cleared for it, opens it by name.
    let mut alice = server.reader("alice", &["-tt"], &["annex"]);
    alice.wait_for("the annex", PATIENCE, |s| {
        s.contents().contains(SECRET_TITLE)
    });
}

#[test]
fn a_dropped_link_ends_its_session_at_once_with_the_place_saved() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let mut alice = server.reader("alice", &["-t"], &[]);
    wait_library(&mut alice, "Alibaba's Liège hub");
    alice.send(b"\r");
    wait_reading(&mut alice);
    // Section 3: a place worth keeping.
    alice.send(b"3");
    alice.wait_for("section 3", PATIENCE, |s| last_row(s).contains("3/5"));
    let ssh_pid = alice.pid;
    // SAFETY: kill with the pid of the ssh client this test started.
    assert_eq!(unsafe { libc::kill(ssh_pid, libc::SIGKILL) }, 0);
    let killed = Instant::now();
    assert!(
        poll_until(Duration::from_secs(1), || server
            .audit()
            .contains("link dropped")),
        "the session did not end within a second of the link going: {}",
        server.audit()
    );
    let ended = killed.elapsed();
    let files = server.state_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let state = std::fs::read_to_string(&files[0]).expect("state");
    assert!(
        !state.contains("part = \"front\""),
        "place not saved:\n{state}"
    );
    assert!(ended < Duration::from_secs(1));
}

#[test]
fn sigterm_saves_says_so_and_stops_within_two_seconds() {
    if !have_ssh() {
        return;
    }
    let mut server = Server::start(&[]);
    let mut alice = server.reader("alice", &["-t"], &[]);
    wait_library(&mut alice, "Alibaba's Liège hub");
    // SAFETY: kill with the pid of the server this test started.
    assert_eq!(unsafe { libc::kill(server.pid(), libc::SIGTERM) }, 0);
    let sent = Instant::now();
    let mut status = None;
    assert!(
        poll_until(Duration::from_secs(2), || {
            status = server.child.try_wait().ok().flatten();
            status.is_some()
        }),
        "the server was still running 2 s after SIGTERM"
    );
    assert!(sent.elapsed() < Duration::from_secs(2));
    let exit = alice.wait_exit(PATIENCE);
    assert!(
        String::from_utf8_lossy(alice.bytes()).contains("the server is stopping"),
        "{}",
        alice.screen().contents()
    );
    assert!(exit.code.is_some());
    alice.assert_restored();
}

#[test]
fn forty_idle_readers_cost_almost_nothing() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&["--max-sessions-per-key", "50"]);
    let mut readers: Vec<harness::Session> = (0..40)
        .map(|_| server.reader("alice", &["-t"], &[]))
        .collect();
    for reader in &mut readers {
        wait_library(reader, "Alibaba's Liège hub");
    }
    let before = proc_stat(server.pid()).expect("server stat").1;
    // The measurement window itself: five seconds of nobody typing.
    std::thread::sleep(Duration::from_secs(5));
    let after = proc_stat(server.pid()).expect("server stat").1;
    let used = after.saturating_sub(before);
    assert!(
        used < Duration::from_millis(100),
        "40 idle readers cost {used:?} of CPU in 5 s"
    );
    assert!(server.audit().matches("session_start").count() >= 40);
}

/// A panic in one session ends that session only, its terminal given
/// back; the server and the other sessions go on.
#[cfg(feature = "test-hooks")]
#[test]
fn a_panic_ends_one_session_and_the_server_goes_on() {
    if !have_ssh() {
        return;
    }
    let mut server = Server::start_with(&[], &[("BRIEF_TEST_PANIC", "serve")]);
    let mut first = server.reader("alice", &["-t"], &[]);
    let mut second = server.reader("alice", &["-t"], &[]);
    wait_library(&mut first, "Alibaba's Liège hub");
    wait_library(&mut second, "Alibaba's Liège hub");
    first.send(b"!");
    let exit = first.wait_exit(PATIENCE);
    assert_eq!(exit.code, Some(1));
    first.assert_restored();
    assert!(
        String::from_utf8_lossy(first.bytes()).contains("this session failed"),
        "{}",
        first.screen().contents()
    );
    assert!(
        server.child.try_wait().expect("wait").is_none(),
        "the server died"
    );
    second.send(b"\r");
    wait_reading(&mut second);
    second.send(b"q");
    assert_eq!(second.wait_exit(PATIENCE).code, Some(0));
}

#[test]
fn export_is_off_over_ssh_and_writes_nothing_on_the_server() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let mut bob = server.reader("bob", &["-t"], &[]);
    wait_library(&mut bob, "Alibaba's Liège hub");
    bob.send(b"\r");
    wait_reading(&mut bob);
    bob.send(b"E");
    bob.wait_for("the export message", PATIENCE, |s| {
        last_row(s).contains("no export over SSH")
    });
    // Whole at 80 columns: what to do instead is not cut off.
    let said = last_row(bob.screen());
    assert!(!said.contains('…'), "{said}");
    // No dialog took the keys: q still quits.
    bob.send(b"q");
    assert_eq!(bob.wait_exit(PATIENCE).code, Some(0));
    // Nothing but state under the server's folders: no brief anywhere.
    let mut found = Vec::new();
    let mut folders = vec![server.dir.path().to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.to_string_lossy().contains("-brief") {
                found.push(path);
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_copy_reaches_the_readers_own_terminal() {
    if !have_ssh() {
        return;
    }
    let server = Server::start(&[]);
    let mut bob = server.reader("bob", &["-t"], &[]);
    wait_library(&mut bob, "Alibaba's Liège hub");
    bob.send(b"\r");
    wait_reading(&mut bob);
    bob.send(b"2y");
    bob.wait_text("Copied section 2");
    // OSC 52 through the SSH channel, carrying the section's plain text:
    // "2  " heading first, base64 "MiAg".
    let copy = format!("\x1b]52;c;{}", brief::clipboard::base64(b"2  "));
    assert!(
        bob.bytes()
            .windows(copy.len())
            .any(|w| w == copy.as_bytes()),
        "no copy in the session's output"
    );
    bob.send(b"q");
    assert_eq!(bob.wait_exit(PATIENCE).code, Some(0));
}
