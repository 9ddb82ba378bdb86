//! Load test of `brief serve`: many SSH readers typing at once.
//!
//! Starts `brief serve` (the release binary unless `BRIEF` names another)
//! on 127.0.0.1 with a fresh key, connects SESSIONS clients through
//! russh's client, each with an 80x24 pty; each opens the first briefing
//! and then types `j` and `k` at a steady pace, waiting for the frame that
//! answers each key. Reports key-to-frame latency (median, p99, max), the
//! server's CPU time while typing, and its memory per session.
//!
//! ```text
//! cargo build --release && cargo run --release --example serve_load -- [SESSIONS] [KEYS] [INTERVAL_MS]
//! ```
//!
//! Only loopback traffic; the run is bounded by SESSIONS × KEYS and stops
//! by itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: a failed step is a failed test

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use russh::ChannelMsg;
use russh::keys::ssh_key::rand_core::OsRng;
use russh::keys::{Algorithm, PrivateKey, PrivateKeyWithHashAlg};

struct Client;

impl russh::client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        _key: &russh::keys::PublicKey,
    ) -> Result<bool, Self::Error> {
        // The server was started by this program a moment ago.
        Ok(true)
    }
}

/// Resident memory of `pid` in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of `pid`.
fn cpu(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rfind(')').map_or("", |i| &stat[i + 2..]);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // /proc is Linux's; elsewhere the figures read as zero.
    #[cfg(unix)]
    // SAFETY: sysconf with a valid name.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    #[cfg(not(unix))]
    let hz = 100.0;
    Duration::from_secs_f64((ticks(11) + ticks(12)) / hz)
}

/// One reader: connect, open the first briefing, type `keys` keys.
async fn reader(
    port: u16,
    key: Arc<PrivateKey>,
    keys: usize,
    interval: Duration,
    start_typing: Arc<tokio::sync::Barrier>,
) -> Result<Vec<Duration>, String> {
    let config = Arc::new(russh::client::Config::default());
    let mut session = russh::client::connect(config, ("127.0.0.1", port), Client)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let auth = session
        .authenticate_publickey("load", PrivateKeyWithHashAlg::new(key, None))
        .await
        .map_err(|e| format!("auth: {e}"))?;
    if !auth.success() {
        return Err("key refused".to_owned());
    }
    let mut channel = session
        .channel_open_session()
        .await
        .map_err(|e| format!("channel: {e}"))?;
    channel
        .request_pty(false, "xterm-256color", 80, 24, 0, 0, &[])
        .await
        .map_err(|e| format!("pty: {e}"))?;
    channel
        .request_shell(false)
        .await
        .map_err(|e| format!("shell: {e}"))?;
    // The library's first frame, then open the first briefing.
    wait_frame(&mut channel, Duration::from_secs(30)).await?;
    channel
        .data(&b"\r"[..])
        .await
        .map_err(|e| format!("send: {e}"))?;
    wait_frame(&mut channel, Duration::from_secs(30)).await?;
    start_typing.wait().await;
    let mut latencies = Vec::with_capacity(keys);
    let mut next = Instant::now();
    for i in 0..keys {
        next += interval;
        // Down twenty-five lines, up twenty-five, and again.
        let key: &[u8] = if (i / 25) % 2 == 0 { b"j" } else { b"k" };
        let sent = Instant::now();
        channel.data(key).await.map_err(|e| format!("send: {e}"))?;
        wait_frame(&mut channel, Duration::from_secs(10)).await?;
        latencies.push(sent.elapsed());
        tokio::time::sleep_until(next.into()).await;
    }
    channel
        .data(&b"q"[..])
        .await
        .map_err(|e| format!("send: {e}"))?;
    Ok(latencies)
}

/// Waits for output, then takes what follows within a few milliseconds
/// (one frame may come in more than one packet).
async fn wait_frame(
    channel: &mut russh::Channel<russh::client::Msg>,
    timeout: Duration,
) -> Result<(), String> {
    let first = tokio::time::timeout(timeout, async {
        loop {
            match channel.wait().await {
                Some(ChannelMsg::Data { .. }) => return Ok(()),
                Some(_) => {}
                None => return Err("channel closed".to_owned()),
            }
        }
    })
    .await
    .map_err(|_| "no frame within the timeout".to_owned())?;
    first?;
    while let Ok(Some(_)) = tokio::time::timeout(Duration::from_millis(2), channel.wait()).await {}
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let sessions: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100);
    let keys: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50);
    let interval = Duration::from_millis(args.next().and_then(|a| a.parse().ok()).unwrap_or(100));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let binary = std::env::var_os("BRIEF")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/brief"));

    let dir = tempfile::tempdir()?;
    let key = PrivateKey::random(&mut OsRng, Algorithm::Ed25519)?;
    let public = key.public_key().to_openssh()?;
    std::fs::write(
        dir.path().join("authorized_keys"),
        format!("{public} load\n"),
    )?;
    let mut server = Command::new(&binary)
        .arg("serve")
        .arg(root.join("briefings"))
        .args(["--listen", "127.0.0.1:0", "--host-key"])
        .arg(dir.path().join("host_key"))
        .arg("--authorized-keys")
        .arg(dir.path().join("authorized_keys"))
        .arg("--state-dir")
        .arg(dir.path().join("state"))
        .args(["--max-sessions", &(sessions + 10).to_string()])
        .args(["--max-sessions-per-key", &(sessions + 10).to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let pid = server.id();
    let stdout = server.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line?;
        if let Some(address) = line.strip_prefix("brief serve: listening on ") {
            port = address
                .rsplit(':')
                .next()
                .and_then(|p| p.parse::<u16>().ok());
            break;
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let port = port.ok_or("the server did not start")?;
    let rss_idle = rss_kib(pid);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let key = Arc::new(key);
    let barrier = Arc::new(tokio::sync::Barrier::new(sessions + 1));
    let connected = Instant::now();
    let (results, typing_cpu, typing_time, rss_busy) = runtime.block_on(async {
        let tasks: Vec<_> = (0..sessions)
            .map(|_| {
                tokio::spawn(reader(
                    port,
                    Arc::clone(&key),
                    keys,
                    interval,
                    Arc::clone(&barrier),
                ))
            })
            .collect();
        barrier.wait().await;
        let rss_busy = rss_kib(pid);
        let cpu_before = cpu(pid);
        let started = Instant::now();
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await);
        }
        (results, cpu(pid) - cpu_before, started.elapsed(), rss_busy)
    });
    let setup = connected.elapsed() - typing_time;
    let _ = server.kill();
    let _ = server.wait();

    let mut latencies: Vec<Duration> = Vec::new();
    let mut failed = 0;
    for result in results {
        match result {
            Ok(Ok(mut l)) => latencies.append(&mut l),
            Ok(Err(error)) => {
                failed += 1;
                eprintln!("a session failed: {error}");
            }
            Err(error) => {
                failed += 1;
                eprintln!("a session panicked: {error}");
            }
        }
    }
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("sessions: {sessions} ({failed} failed), keys each: {keys}, one every {interval:?}");
    println!(
        "connect and open, all sessions: {:.1} s",
        setup.as_secs_f64()
    );
    println!(
        "key to frame: median {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} keys)",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
        latencies.len()
    );
    println!(
        "server CPU while typing: {:.2} s in {:.1} s ({:.0}% of one core)",
        typing_cpu.as_secs_f64(),
        typing_time.as_secs_f64(),
        100.0 * typing_cpu.as_secs_f64() / typing_time.as_secs_f64().max(0.001)
    );
    println!(
        "server memory: {:.1} MiB idle, {:.1} MiB with {sessions} sessions: {:.0} KiB per session",
        rss_idle as f64 / 1024.0,
        rss_busy as f64 / 1024.0,
        rss_busy.saturating_sub(rss_idle) as f64 / sessions.max(1) as f64
    );
    Ok(())
}
