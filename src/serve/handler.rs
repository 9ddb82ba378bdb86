//! The SSH side of one connection: who the client is, what it asks for,
//! and what it is refused.
//!
//! Only public-key authentication is offered; passwords and
//! keyboard-interactive are refused, and the SSH layer bounds the number
//! of attempts. A session channel with a pty and a shell request becomes a
//! reading session (an `exec` with a pty may name a briefing to open);
//! everything else — a shell without a pty, any other command,
//! subsystems, port, agent and X11 forwarding — is refused, a command
//! with one line on its stderr and exit status 1.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, mpsc};

use russh::keys::PublicKey;
use russh::server::{Auth, Msg, Session};
use russh::{Channel, ChannelId, CryptoVec, Pty};

use super::Shared;
use super::audit::{Event as Audit, Record};
use super::auth::Reader;
use super::screen::{Next, Outbox};
use super::session::{self, Control, SessionInput, SessionSpec};

/// Inputs waiting for a session's thread before more are dropped (a
/// client typing faster than the session can draw, for a long time).
const INPUT_QUEUE: usize = 256;

/// Environment variables a client may pass to its session: locale and
/// colour preferences only.
const ACCEPTED_ENV: [&str; 6] = [
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "NO_COLOR",
    "COLORTERM",
    "TERM",
];

/// One SSH connection.
pub struct Connection {
    shared: Arc<Shared>,
    peer: Option<SocketAddr>,
    reader: Option<Reader>,
    channels: HashMap<ChannelId, Slot>,
    /// Set once a key is accepted (the pre-authentication timer reads it).
    pub authenticated: Arc<AtomicBool>,
}

/// What one channel has asked for so far.
#[derive(Default)]
struct Slot {
    channel: Option<Channel<Msg>>,
    pty: Option<(String, u16, u16)>,
    env: Vec<(String, String)>,
    live: Option<Live>,
}

/// A running reading session, seen from the connection.
struct Live {
    input: SyncSender<SessionInput>,
    control: Arc<Control>,
}

impl Live {
    fn hang_up(&self) {
        self.control.hang_up.store(true, Ordering::SeqCst);
        let _ = self.input.try_send(SessionInput::Wake);
    }
}

impl Connection {
    /// A connection from `peer`.
    pub fn new(shared: Arc<Shared>, peer: Option<SocketAddr>) -> Self {
        Self {
            shared,
            peer,
            reader: None,
            channels: HashMap::new(),
            authenticated: Arc::new(AtomicBool::new(false)),
        }
    }

    fn audit(&self, event: Audit, detail: &str) {
        self.shared.audit.record(
            event,
            &Record {
                reader: self.reader.as_ref().map(|r| r.name.as_str()),
                fingerprint: self.reader.as_ref().map(|r| r.fingerprint.as_str()),
                peer: self.peer.map(|p| p.to_string()),
                detail: Some(detail),
            },
        );
    }

    /// Accepts a command channel only to say no: one line on its stderr,
    /// exit status 1, closed.
    fn refuse(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
        line: &str,
    ) -> Result<(), russh::Error> {
        self.audit(Audit::Refused, line.trim_start_matches("brief serve: "));
        session.channel_success(channel)?;
        let mut text = line.to_owned();
        text.push_str("\r\n");
        session.extended_data(channel, 1, CryptoVec::from(text.into_bytes()))?;
        session.exit_status_request(channel, 1)?;
        session.eof(channel)?;
        session.close(channel)
    }

    /// Starts a reading session on `channel`.
    fn start(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
        open: Option<std::path::PathBuf>,
    ) -> Result<(), russh::Error> {
        let Some(reader) = self.reader.clone() else {
            return session.channel_failure(channel);
        };
        let permit = match self.shared.limits.acquire(&reader.hex) {
            Ok(permit) => permit,
            Err(full) => return self.refuse(channel, session, &full.message()),
        };
        let Some(slot) = self.channels.get_mut(&channel) else {
            return session.channel_failure(channel);
        };
        let (Some((term, width, height)), Some(ssh_channel)) =
            (slot.pty.clone(), slot.channel.take())
        else {
            return session.channel_failure(channel);
        };
        let spec = SessionSpec {
            clearance: self.shared.access.clearance(&reader),
            reader,
            size: (width, height),
            term,
            env: slot.env.clone(),
            open,
            peer: self.peer.map(|p| p.to_string()),
        };
        let (input, inputs) = mpsc::sync_channel(INPUT_QUEUE);
        let control = Arc::new(Control::default());
        let outbox = Arc::new(Outbox::new());
        let id = self.shared.register(input.clone(), Arc::clone(&control));
        slot.live = Some(Live {
            input,
            control: Arc::clone(&control),
        });
        let thread_shared = Arc::clone(&self.shared);
        let thread_outbox = Arc::clone(&outbox);
        let poster = slot
            .live
            .as_ref()
            .map(|live| live.input.clone())
            .ok_or(russh::Error::Inconsistent)?;
        let spawned = std::thread::Builder::new()
            .name(format!("session {id}"))
            .spawn(move || {
                session::run(
                    &thread_shared,
                    &spec,
                    inputs,
                    poster,
                    &control,
                    &thread_outbox,
                );
                thread_shared.unregister(id);
                drop(permit);
            });
        if spawned.is_err() {
            self.shared.unregister(id);
            return self.refuse(
                channel,
                session,
                "brief serve: the server cannot start a session now; try again in a while",
            );
        }
        let writers = Arc::clone(&self.shared);
        writers.writers.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(async move {
            // The read half is not needed: input arrives through the
            // handler. Dropped, it makes russh skip queueing for it.
            let (_, writer) = ssh_channel.split();
            loop {
                match outbox.next().await {
                    Next::Bytes(bytes) => {
                        // Waits for the client's window: this is where a
                        // slow client holds the session's output back.
                        if writer.data(&bytes[..]).await.is_err() {
                            break;
                        }
                    }
                    Next::Closed(status) => {
                        let _ = writer.exit_status(status).await;
                        let _ = writer.eof().await;
                        let _ = writer.close().await;
                        break;
                    }
                }
            }
            // A session still drawing must not wait for room that will
            // never come.
            outbox.writer_gone();
            writers.writers.fetch_sub(1, Ordering::SeqCst);
        });
        session.channel_success(channel)
    }
}

impl Drop for Connection {
    /// The link is gone (or closed): every session on it ends now.
    fn drop(&mut self) {
        for slot in self.channels.values() {
            if let Some(live) = &slot.live {
                live.hang_up();
            }
        }
    }
}

impl russh::server::Handler for Connection {
    type Error = russh::Error;

    async fn auth_password(&mut self, _user: &str, _password: &str) -> Result<Auth, Self::Error> {
        self.audit(Audit::Refused, "password authentication");
        Ok(Auth::reject())
    }

    async fn auth_keyboard_interactive<'a>(
        &'a mut self,
        _user: &str,
        _submethods: &str,
        _response: Option<russh::server::Response<'a>>,
    ) -> Result<Auth, Self::Error> {
        self.audit(Audit::Refused, "keyboard-interactive authentication");
        Ok(Auth::reject())
    }

    async fn auth_publickey_offered(
        &mut self,
        _user: &str,
        key: &PublicKey,
    ) -> Result<Auth, Self::Error> {
        if self.shared.readers.find(key).is_some() {
            return Ok(Auth::Accept);
        }
        let print = key.fingerprint(russh::keys::HashAlg::Sha256).to_string();
        self.audit(Audit::Refused, &format!("unknown key {print}"));
        Ok(Auth::reject())
    }

    async fn auth_publickey(&mut self, _user: &str, key: &PublicKey) -> Result<Auth, Self::Error> {
        // Called once the client proved it holds the private key.
        match self.shared.readers.find(key) {
            Some(reader) => {
                self.reader = Some(reader.clone());
                self.authenticated.store(true, Ordering::SeqCst);
                Ok(Auth::Accept)
            }
            None => Ok(Auth::reject()),
        }
    }

    async fn channel_open_session(
        &mut self,
        channel: Channel<Msg>,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        if self.reader.is_none() {
            return Ok(false);
        }
        self.channels.insert(
            channel.id(),
            Slot {
                channel: Some(channel),
                ..Slot::default()
            },
        );
        Ok(true)
    }

    async fn channel_close(
        &mut self,
        channel: ChannelId,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(live) = self.channels.remove(&channel).and_then(|slot| slot.live) {
            live.hang_up();
        }
        Ok(())
    }

    async fn pty_request(
        &mut self,
        channel: ChannelId,
        term: &str,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _modes: &[(Pty, u32)],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(slot) if slot.live.is_none() => {
                let term = crate::sanitize::line(term).chars().take(64).collect();
                slot.pty = Some((term, clamp(col_width), clamp(row_height)));
                session.channel_success(channel)
            }
            _ => session.channel_failure(channel),
        }
    }

    async fn env_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        value: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        match self.channels.get_mut(&channel) {
            Some(slot) if ACCEPTED_ENV.contains(&name) && slot.env.len() < 16 => {
                let value = value.chars().take(128).collect();
                slot.env.push((name.to_owned(), value));
                session.channel_success(channel)
            }
            _ => session.channel_failure(channel),
        }
    }

    async fn shell_request(
        &mut self,
        channel: ChannelId,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let has_pty = self
            .channels
            .get(&channel)
            .is_some_and(|slot| slot.pty.is_some() && slot.live.is_none());
        if !has_pty {
            return self.refuse(
                channel,
                session,
                "brief serve: no terminal was requested; connect with `ssh -t` to read briefings",
            );
        }
        self.start(channel, session, None)
    }

    async fn exec_request(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        let command = String::from_utf8_lossy(data).trim().to_owned();
        let shown: String = crate::sanitize::line(&command).chars().take(60).collect();
        let has_pty = self
            .channels
            .get(&channel)
            .is_some_and(|slot| slot.pty.is_some() && slot.live.is_none());
        let found = self.reader.as_ref().and_then(|reader| {
            let clearance = self.shared.access.clearance(reader);
            self.shared
                .library
                .find(&self.shared.access, clearance, &command)
        });
        match found {
            Some(entry) if has_pty => {
                let path = entry.path.clone();
                self.start(channel, session, Some(path))
            }
            Some(_) => self.refuse(
                channel,
                session,
                "brief serve: no terminal was requested; use `ssh -t` to read a briefing",
            ),
            None => self.refuse(
                channel,
                session,
                &format!(
                    "brief serve: `{shown}` is not run: this server only shows briefings (`ssh -t HOST NAME` opens the briefing NAME)"
                ),
            ),
        }
    }

    async fn subsystem_request(
        &mut self,
        channel: ChannelId,
        name: &str,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.audit(
            Audit::Refused,
            &format!("subsystem {}", crate::sanitize::line(name)),
        );
        session.channel_failure(channel)
    }

    async fn x11_request(
        &mut self,
        channel: ChannelId,
        _single_connection: bool,
        _x11_auth_protocol: &str,
        _x11_auth_cookie: &str,
        _x11_screen_number: u32,
        session: &mut Session,
    ) -> Result<(), Self::Error> {
        self.audit(Audit::Refused, "X11 forwarding");
        session.channel_failure(channel)
    }

    async fn agent_request(
        &mut self,
        _channel: ChannelId,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        Ok(false)
    }

    async fn channel_open_direct_tcpip(
        &mut self,
        _channel: Channel<Msg>,
        _host_to_connect: &str,
        _port_to_connect: u32,
        _originator_address: &str,
        _originator_port: u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.audit(Audit::Refused, "port forwarding");
        Ok(false)
    }

    async fn tcpip_forward(
        &mut self,
        _address: &str,
        _port: &mut u32,
        _session: &mut Session,
    ) -> Result<bool, Self::Error> {
        self.audit(Audit::Refused, "remote port forwarding");
        Ok(false)
    }

    async fn window_change_request(
        &mut self,
        channel: ChannelId,
        col_width: u32,
        row_height: u32,
        _pix_width: u32,
        _pix_height: u32,
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(live) = self.channels.get(&channel).and_then(|s| s.live.as_ref()) {
            let _ = live
                .input
                .try_send(SessionInput::Resize(clamp(col_width), clamp(row_height)));
        }
        Ok(())
    }

    async fn data(
        &mut self,
        channel: ChannelId,
        data: &[u8],
        _session: &mut Session,
    ) -> Result<(), Self::Error> {
        if let Some(live) = self.channels.get(&channel).and_then(|s| s.live.as_ref()) {
            match live.input.try_send(SessionInput::Data(data.to_vec())) {
                // A session that far behind loses keys rather than let
                // a client grow the server's memory.
                Ok(()) | Err(TrySendError::Full(_)) => {}
                Err(TrySendError::Disconnected(_)) => {}
            }
        }
        Ok(())
    }
}

/// A size from the client, within what a screen can be.
fn clamp(value: u32) -> u16 {
    u16::try_from(value.clamp(1, 1000)).unwrap_or(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_size_from_the_client_is_kept_within_what_a_screen_can_be() {
        assert_eq!(clamp(0), 1);
        assert_eq!(clamp(1), 1);
        assert_eq!(clamp(80), 80);
        assert_eq!(clamp(1000), 1000);
        assert_eq!(clamp(1001), 1000);
        assert_eq!(clamp(u32::MAX), 1000);
    }
}
