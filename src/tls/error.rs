//! The one error type of the TLS module.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong while preparing certificates or a TLS
/// configuration.
///
/// Each message is one sentence that names the file or directory involved
/// and says how to fix it, because learners read it on the terminal when the
/// lab refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificates directory could not be created or written to.
    #[error(
        "cannot write certificates into {}: {} (choose a writable directory with --certs-dir)",
        .dir.display(),
        io_reason(.source)
    )]
    Write {
        /// The certificates directory.
        dir: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },

    /// The certificates directory can be written by other users, who could
    /// replace the CA browsers trust (Unix).
    #[error(
        "the certificates directory {} is writable by other users (mode {mode:04o}): run chmod go-w on it, or choose another --certs-dir",
        .dir.display()
    )]
    SharedDir {
        /// The certificates directory.
        dir: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// A learner's own private key that other users can read or write (Unix).
    #[error(
        "the private key file {} can be read or written by other users (mode {mode:04o}): run chmod 600 on it, or pass another --key",
        .path.display()
    )]
    KeyExposed {
        /// The key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },

    /// A name given for the API certificate is neither a host name nor an IP
    /// address.
    #[error(
        "cannot put {name:?} into the API certificate: it is not a valid host name or IP address (pass names such as lab.local or 192.168.1.20)"
    )]
    InvalidName {
        /// The name as given.
        name: String,
    },

    /// Key or certificate generation failed inside the crypto library
    /// (not expected on a working system).
    #[error("cannot generate the {what}: {reason} (this is a bug in the lab, please report it)")]
    Generate {
        /// What was being generated, e.g. "local CA".
        what: &'static str,
        /// The crypto library's explanation.
        reason: String,
    },

    /// A certificate file could not be read or holds no usable certificate.
    #[error(
        "cannot read the certificate file {}: {reason} (--cert expects a PEM file starting with -----BEGIN CERTIFICATE-----)",
        .path.display()
    )]
    ReadCert {
        /// The certificate file.
        path: PathBuf,
        /// Why it is unusable.
        reason: String,
    },

    /// A private key file could not be read or holds no usable key.
    #[error(
        "cannot read the private key file {}: {reason} (--key expects an unencrypted PEM key in PKCS#8, SEC1 or RSA form)",
        .path.display()
    )]
    ReadKey {
        /// The key file.
        path: PathBuf,
        /// Why it is unusable.
        reason: String,
    },

    /// The private key belongs to a different certificate.
    #[error(
        "the key in {} does not match the certificate {} (pass the key that was created together with that certificate)",
        .key.display(),
        .cert.display()
    )]
    KeyMismatch {
        /// The key file.
        key: PathBuf,
        /// The certificate file.
        cert: PathBuf,
    },

    /// rustls refused the certificate and key for another reason.
    #[error(
        "cannot build the TLS configuration from {} and {}: {reason} (check that both files belong together)",
        .cert.display(),
        .key.display()
    )]
    Config {
        /// The certificate file.
        cert: PathBuf,
        /// The key file.
        key: PathBuf,
        /// rustls' explanation.
        reason: String,
    },
}

/// Turns "Permission denied (os error 13)" into "permission denied" so it
/// reads well in the middle of a sentence.
pub(crate) fn io_reason(err: &io::Error) -> String {
    let text = err.to_string();
    let text = match text.find(" (os error") {
        Some(end) => &text[..end],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Explains a PEM parsing failure in words: rustls-pki-types' own messages
/// print byte arrays. `what` is the kind of item looked for, e.g.
/// "certificate".
pub(crate) fn pem_reason(err: &rustls_pki_types::pem::Error, what: &str) -> String {
    use rustls_pki_types::pem::Error;
    match err {
        Error::NoItemsFound => format!("no PEM {what} found in it"),
        Error::MissingSectionEnd { .. } => "it is truncated, a -----END line is missing".into(),
        Error::IllegalSectionStart { .. } => "it has a malformed -----BEGIN line".into(),
        Error::Base64Decode(_) => "its base64 content is damaged".into(),
        Error::Io(e) => io_reason(e),
        other => format!("it is not valid PEM: {other}"),
    }
}
