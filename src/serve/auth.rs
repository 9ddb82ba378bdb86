//! Who gets in: the public keys of the authorised-keys file, each with
//! the reader's name (the key's comment) and fingerprint.
//!
//! Only public keys are ever accepted; the SSH layer is configured to
//! offer nothing else. This module decides nothing about what a reader
//! may see (that is [`super::access`]).

use std::path::Path;

use russh::keys::ssh_key::public::KeyData;
use russh::keys::{HashAlg, PublicKey};

/// A reader: one authorised key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reader {
    /// The key's comment, else its fingerprint (sanitised).
    pub name: String,
    /// `SHA256:…`, as OpenSSH shows it.
    pub fingerprint: String,
    /// The fingerprint's digest in lower-case hex: a safe folder name.
    pub hex: String,
}

impl Reader {
    /// The reader holding `key`, named `comment`.
    pub fn for_key(key: &PublicKey, comment: &str) -> Self {
        let print = key.fingerprint(HashAlg::Sha256);
        let fingerprint = print.to_string();
        let hex = print
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let comment = crate::sanitize::line(comment.trim());
        let name = if comment.is_empty() {
            fingerprint.clone()
        } else {
            comment
        };
        Self {
            name,
            fingerprint,
            hex,
        }
    }
}

/// The line after its options field (which may quote spaces).
fn without_options(line: &str) -> &str {
    let mut quoted = false;
    for (at, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return line[at..].trim_start(),
            _ => {}
        }
    }
    line
}

/// The keys allowed in.
#[derive(Debug, Clone, Default)]
pub struct AuthorizedReaders {
    keys: Vec<(KeyData, Reader)>,
}

impl AuthorizedReaders {
    /// Reads an authorised-keys file (OpenSSH format: optional options,
    /// key type, base64, comment). A line that cannot be read is an error
    /// naming the line: a key silently ignored would lock its reader out
    /// with no clue why.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|error| {
            format!(
                "cannot read the authorised keys {}: {error}",
                path.display()
            )
        })?;
        Self::parse(&text).map_err(|(line, error)| {
            format!(
                "{}:{line}:1: not an OpenSSH public key ({error}); each line is `ssh-ed25519 AAAA… name`",
                path.display()
            )
        })
    }

    /// Parses the file's text; the error names the line (1-based).
    pub fn parse(text: &str) -> Result<Self, (usize, String)> {
        let mut keys = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            // Options before the key (`restrict,no-pty ssh-ed25519 …`)
            // mean nothing here: the server allows no more than they do.
            let key = PublicKey::from_openssh(trimmed)
                .or_else(|error| {
                    PublicKey::from_openssh(without_options(trimmed)).map_err(|_| error)
                })
                .map_err(|error| (index + 1, error.to_string()))?;
            let reader = Reader::for_key(&key, key.comment());
            keys.push((key.key_data().clone(), reader));
        }
        Ok(Self { keys })
    }

    /// The reader holding `key`, if it is allowed in.
    pub fn find(&self, key: &PublicKey) -> Option<&Reader> {
        self.keys
            .iter()
            .find(|(data, _)| data == key.key_data())
            .map(|(_, reader)| reader)
    }

    /// How many keys are allowed.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True if no key is allowed (nobody can get in).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJgkAsrEq0/ZBk5YuDF0DIq6FmaDqcjW8Q6+bbWY4Q8r alice@ministry";
    const BOB: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJd7y5caOjMidCmh9GSeLvXvJxAQsAohbjFi7UDtJukU";

    #[test]
    fn each_key_is_a_reader_named_by_its_comment() {
        let text = format!("# staff\n\n{ALICE}\nrestrict,command=\"echo a b\" {BOB}\n");
        let readers = AuthorizedReaders::parse(&text).expect("parses");
        assert_eq!(readers.len(), 2);
        let alice = PublicKey::from_openssh(ALICE).expect("key");
        let found = readers.find(&alice).expect("alice is in");
        assert_eq!(found.name, "alice@ministry");
        assert!(found.fingerprint.starts_with("SHA256:"));
        assert_eq!(found.hex.len(), 64);
        // Without a comment the fingerprint stands for the name.
        let bob = PublicKey::from_openssh(BOB).expect("key");
        let found = readers.find(&bob).expect("bob is in");
        assert_eq!(found.name, found.fingerprint);
    }

    #[test]
    fn an_unknown_key_is_not_found_and_a_bad_line_is_named() {
        let readers = AuthorizedReaders::parse(ALICE).expect("parses");
        let bob = PublicKey::from_openssh(BOB).expect("key");
        assert!(readers.find(&bob).is_none());
        let error = AuthorizedReaders::parse(&format!("{ALICE}\nssh-ed25519 garbage\n"))
            .expect_err("bad line");
        assert_eq!(error.0, 2);
    }
}
