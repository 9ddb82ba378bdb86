//! The command line of `brief serve` and what it is turned into: the
//! options, idle-timeout durations, and the server's host key (loaded, or
//! made on first start and written where only its owner can read it).
//!
//! Parsing and files only; nothing here listens or serves.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use russh::keys::ssh_key::rand_core::OsRng;
use russh::keys::{Algorithm, HashAlg, PrivateKey};

/// `brief serve`: the arguments as clap reads them.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The folder of briefings to serve [default: ./briefings]
    pub path: Option<PathBuf>,

    /// Address and port to listen on, e.g. 0.0.0.0:2222
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: String,

    /// The server's private host key (OpenSSH format); made (ed25519,
    /// mode 0600) if it does not exist
    #[arg(long, value_name = "FILE")]
    pub host_key: PathBuf,

    /// Public keys allowed in, one a line in OpenSSH format; each key's
    /// comment is the reader's name
    #[arg(long, value_name = "FILE")]
    pub authorized_keys: PathBuf,

    /// TOML file giving the order of classification markings and the
    /// highest each reader may see (default: everyone sees everything)
    #[arg(long, value_name = "FILE")]
    pub access: Option<PathBuf>,

    /// Append one JSON line per event (session start and end, briefing
    /// opened, refusals) to this file
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,

    /// Most reading sessions at once, all readers together
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub max_sessions: usize,

    /// Most reading sessions at once for one key
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_sessions_per_key: usize,

    /// End a session after this long without a key press (e.g. 30m, 2h,
    /// 90s; 0 never)
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub idle_timeout: Duration,

    /// Where readers' places, marks and notes are kept, one folder per key
    /// [default: the state folder, e.g. ~/.local/state/brief/serve]
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// Keymap file overriding the default keys, for every reader
    #[arg(long, value_name = "PATH")]
    pub keymap: Option<PathBuf>,
}

/// Reads `30m`, `2h`, `90s`, `45` (seconds) or `0` (never).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write e.g. 30m, 2h, 90s or 0"))?;
    let seconds = match unit {
        "" | "s" => number,
        "m" | "min" => number.saturating_mul(60),
        "h" => number.saturating_mul(3600),
        _ => {
            return Err(format!(
                "unknown unit `{unit}` in `{text}`: use s, m or h (e.g. 30m)"
            ));
        }
    };
    Ok(Duration::from_secs(seconds))
}

/// The host key, and whether it was made just now.
pub struct HostKey {
    /// The private key.
    pub key: PrivateKey,
    /// True if the file did not exist and was written now.
    pub created: bool,
}

impl HostKey {
    /// The SHA256 fingerprint as OpenSSH shows it (`SHA256:…`).
    pub fn fingerprint(&self) -> String {
        self.key
            .public_key()
            .fingerprint(HashAlg::Sha256)
            .to_string()
    }
}

/// Loads the host key at `path`, or makes an ed25519 key there if there
/// is no file (written readable by its owner only).
pub fn host_key(path: &Path) -> Result<HostKey, String> {
    match fs::metadata(path) {
        Ok(_) => russh::keys::load_secret_key(path, None)
            .map(|key| HostKey {
                key,
                created: false,
            })
            .map_err(|error| {
                format!(
                    "cannot read the host key {}: {error} (give an unencrypted OpenSSH private key, or a path that does not exist to make one)",
                    path.display()
                )
            }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            let key = PrivateKey::random(&mut OsRng, Algorithm::Ed25519)
                .map_err(|error| format!("cannot make a host key: {error}"))?;
            let text = key
                .to_openssh(russh::keys::ssh_key::LineEnding::LF)
                .map_err(|error| format!("cannot encode the host key: {error}"))?;
            write_private(path, text.as_bytes()).map_err(|error| {
                format!("cannot write the host key {}: {error}", path.display())
            })?;
            Ok(HostKey { key, created: true })
        }
        Err(error) => Err(format!(
            "cannot read the host key {}: {error}",
            path.display()
        )),
    }
}

/// Writes a new file that only its owner can read; never replaces one.
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("45"), Ok(Duration::from_secs(45)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("5d").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn a_missing_host_key_is_made_private_and_then_reused() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("host_key");
        let made = host_key(&path).expect("made");
        assert!(made.created);
        assert!(made.fingerprint().starts_with("SHA256:"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = host_key(&path).expect("loaded");
        assert!(!again.created);
        assert_eq!(again.fingerprint(), made.fingerprint());
    }
}
