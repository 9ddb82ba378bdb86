//! `brief serve`: the briefing library over SSH, for readers who have a
//! key but no shell account.
//!
//! The server owns the listening socket, the shared library and its
//! watcher, the limits and the shutdown; each connection is a
//! [`handler::Connection`], and each reading session runs the same app as
//! the local reader on a thread of its own ([`session`]). Nothing here
//! reads the server's own terminal: every byte a reader types arrives over
//! the SSH channel.
//!
//! Modules: [`config`] (command line, host key), [`auth`] (who gets in),
//! [`access`] (who sees what), [`audit`] (the audit log), [`limits`]
//! (how many sessions), [`screen`] (frames out, bounded), [`session`]
//! (one reader), [`handler`] (the SSH side), [`library`] (the shared
//! briefings). The client's bytes become key events in [`crate::input`].

pub mod access;
pub mod audit;
pub mod auth;
pub mod config;
pub mod handler;
pub mod library;
pub mod limits;
pub mod screen;
pub mod session;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use russh::{MethodKind, MethodSet};

use crate::diagnostic::Diagnostic;
use crate::keymap::Keymap;

pub use config::ServeArgs;

use access::Access;
use audit::AuditLog;
use auth::AuthorizedReaders;
use library::SharedLibrary;
use limits::Limits;
use session::{Control, SessionInput};

/// How long a connection may take to authenticate.
const LOGIN_GRACE: Duration = Duration::from_secs(60);

/// How long a stopping server waits for sessions to save and say goodbye
/// (the process is gone well within 2 s of the signal).
const STOP_GRACE: Duration = Duration::from_millis(1200);

/// Connections beyond the session limit allowed to be logging in at once.
const SPARE_CONNECTIONS: usize = 32;

/// A running session as the server reaches it: its input and its flags.
type Running = (SyncSender<SessionInput>, Arc<Control>);

/// What every connection and session shares.
pub struct Shared {
    /// The briefings.
    pub library: SharedLibrary,
    /// Keys allowed in.
    pub readers: AuthorizedReaders,
    /// Who sees what.
    pub access: Access,
    /// The audit log.
    pub audit: AuditLog,
    /// Session limits.
    pub limits: Arc<Limits>,
    /// Keys in force for every reader.
    pub keymap: Keymap,
    /// Problems in the server's keymap file.
    pub keymap_errors: Vec<Diagnostic>,
    /// Readers' state folders are made under this.
    pub state_dir: PathBuf,
    /// A session without a key press this long ends (zero: never).
    pub idle_timeout: Duration,
    /// ASCII drawing for everyone.
    pub ascii: bool,
    /// No colour for anyone.
    pub no_color: bool,
    /// Output tasks still writing to a channel.
    pub writers: AtomicUsize,
    sessions: Mutex<HashMap<u64, Running>>,
    next_id: AtomicU64,
    connections: AtomicUsize,
}

impl Shared {
    /// Records a running session so it hears of library changes and of
    /// the server stopping; returns its number.
    pub fn register(&self, input: SyncSender<SessionInput>, control: Arc<Control>) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, (input, control));
        id
    }

    /// Forgets a session that ended.
    pub fn unregister(&self, id: u64) {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&id);
    }

    fn session_count(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }

    fn broadcast(&self, input: impl Fn() -> SessionInput) {
        for (sender, _) in self
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            let _ = sender.try_send(input());
        }
    }

    fn stop_all(&self) {
        for (sender, control) in self
            .sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            control.stop.store(true, Ordering::SeqCst);
            let _ = sender.try_send(SessionInput::Wake);
        }
    }
}

/// Runs `brief serve` until SIGTERM or SIGINT. Problems before it listens
/// go to stderr with status 2 (a file the operator must fix) or 1.
pub fn run(args: &ServeArgs, ascii: bool, no_color: bool) -> ExitCode {
    match prepare(args, ascii, no_color) {
        Ok((shared, config, listen)) => serve(shared, config, &listen),
        Err((message, code)) => {
            eprintln!("brief serve: {message}");
            ExitCode::from(code)
        }
    }
}

type Prepared = (Arc<Shared>, Arc<russh::server::Config>, String);

fn prepare(args: &ServeArgs, ascii: bool, no_color: bool) -> Result<Prepared, (String, u8)> {
    let host_key = config::host_key(&args.host_key).map_err(|m| (m, 1))?;
    if host_key.created {
        println!(
            "brief serve: made a new host key {} ({})",
            args.host_key.display(),
            host_key.fingerprint()
        );
    }
    println!(
        "brief serve: host key fingerprint {}",
        host_key.fingerprint()
    );
    let readers = AuthorizedReaders::load(&args.authorized_keys).map_err(|m| (m, 2))?;
    if readers.is_empty() {
        eprintln!(
            "brief serve: warning: {} lists no keys; nobody can get in",
            args.authorized_keys.display()
        );
    }
    let access = match &args.access {
        Some(path) => Access::load(path).map_err(|m| (m, 2))?,
        None => Access::open(),
    };
    let audit = match &args.audit_log {
        Some(path) => AuditLog::open(path).map_err(|m| (m, 1))?,
        None => AuditLog::none(),
    };
    let path = args
        .path
        .clone()
        .unwrap_or_else(|| PathBuf::from("briefings"));
    let library = SharedLibrary::open(&path).map_err(|error| {
        (
            format!(
                "cannot read the briefings in {}: {error}",
                crate::loader::display_name(&path)
            ),
            1,
        )
    })?;
    let all = library.all();
    let unknown = access.unknown(
        all.iter()
            .filter_map(|e| e.briefing.as_ref().ok())
            .filter_map(|b| b.classification.as_deref()),
    );
    if !unknown.is_empty() {
        eprintln!(
            "brief serve: warning: the access file does not list {}; briefings so marked are hidden from every reader",
            unknown.join(", ")
        );
    }
    let state_dir = match &args.state_dir {
        Some(dir) => dir.clone(),
        None => crate::state::Store::from_env()
            .map(|store| store.dir().join("serve"))
            .ok_or_else(|| {
                (
                    "no state folder: give --state-dir DIR (neither XDG_STATE_HOME nor HOME is set)"
                        .to_owned(),
                    2,
                )
            })?,
    };
    let (keymap, keymap_errors) = Keymap::load(args.keymap.as_deref());
    for error in &keymap_errors {
        eprintln!("brief serve: keymap: {error}");
    }
    let mut config = russh::server::Config {
        methods: MethodSet::from(&[MethodKind::PublicKey][..]),
        keys: vec![host_key.key],
        max_auth_attempts: 6,
        auth_rejection_time: Duration::from_millis(300),
        auth_rejection_time_initial: Some(Duration::ZERO),
        // Sessions end on their own idle timeout; a dead link is found by
        // keepalives (three unanswered, 30 s apart).
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        // Frames are small and interactive: send them at once.
        nodelay: true,
        ..russh::server::Config::default()
    };
    config.server_id =
        russh::SshId::Standard(format!("SSH-2.0-brief_{}", env!("CARGO_PKG_VERSION")));
    println!(
        "brief serve: {} briefing{} from {}, {} key{} allowed, state in {}",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        library.title,
        readers.len(),
        if readers.len() == 1 { "" } else { "s" },
        state_dir.display()
    );
    let shared = Arc::new(Shared {
        library,
        readers,
        access,
        audit,
        limits: Limits::new(args.max_sessions.max(1), args.max_sessions_per_key.max(1)),
        keymap,
        keymap_errors,
        state_dir,
        idle_timeout: args.idle_timeout,
        ascii,
        no_color,
        writers: AtomicUsize::new(0),
        sessions: Mutex::new(HashMap::new()),
        next_id: AtomicU64::new(1),
        connections: AtomicUsize::new(0),
    });
    Ok((shared, Arc::new(config), args.listen.clone()))
}

fn serve(shared: Arc<Shared>, config: Arc<russh::server::Config>, listen: &str) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("brief-serve")
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("brief serve: cannot start: {error}");
            return ExitCode::from(1);
        }
    };
    // One watcher for the whole library: a changed file is parsed once,
    // then every session hears of it.
    let watched = Arc::clone(&shared);
    let _ = crate::watch::watch(&shared.library.folder, move |name| {
        if watched.library.reload(name) {
            watched.broadcast(|| SessionInput::LibraryChanged(name.to_os_string()));
        }
        true
    });
    let code = runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(listen).await {
            Ok(listener) => listener,
            Err(error) => {
                eprintln!("brief serve: cannot listen on {listen}: {error}");
                return ExitCode::from(1);
            }
        };
        let address = listener
            .local_addr()
            .map_or_else(|_| listen.to_owned(), |a| a.to_string());
        println!("brief serve: listening on {address}");
        let stop = stop_signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    if let Ok((socket, peer)) = accepted {
                        accept(&shared, &config, socket, peer);
                    }
                }
                () = &mut stop => break,
            }
        }
        drop(listener);
        println!("brief serve: stopping");
        shared.stop_all();
        // Each session saves, says goodbye and closes; wait for that, not
        // for ever.
        let deadline = Instant::now() + STOP_GRACE;
        while (shared.session_count() > 0 || shared.writers.load(Ordering::SeqCst) > 0)
            && Instant::now() < deadline
        {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        // Let the last packets reach the sockets.
        tokio::time::sleep(Duration::from_millis(50)).await;
        ExitCode::SUCCESS
    });
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

/// Serves one TCP connection.
fn accept(
    shared: &Arc<Shared>,
    config: &Arc<russh::server::Config>,
    socket: tokio::net::TcpStream,
    peer: SocketAddr,
) {
    let limit = shared.limits_total() + SPARE_CONNECTIONS;
    if shared.connections.load(Ordering::SeqCst) >= limit {
        // Dropped unanswered: the server is full of connections.
        return;
    }
    shared.connections.fetch_add(1, Ordering::SeqCst);
    let shared = Arc::clone(shared);
    let config = Arc::clone(config);
    tokio::spawn(async move {
        let handler = handler::Connection::new(Arc::clone(&shared), Some(peer));
        let authenticated = Arc::clone(&handler.authenticated);
        if let Ok(running) = russh::server::run_stream(config, socket, handler).await {
            let handle = running.handle();
            let grace = tokio::spawn(async move {
                tokio::time::sleep(LOGIN_GRACE).await;
                if !authenticated.load(Ordering::SeqCst) {
                    let _ = handle
                        .disconnect(
                            russh::Disconnect::ByApplication,
                            "authentication took too long".to_owned(),
                            String::new(),
                        )
                        .await;
                }
            });
            let _ = running.await;
            grace.abort();
        }
        shared.connections.fetch_sub(1, Ordering::SeqCst);
    });
}

impl Shared {
    fn limits_total(&self) -> usize {
        self.limits.total()
    }
}

/// Resolves on SIGTERM or SIGINT (ctrl-c where there are no signals).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
