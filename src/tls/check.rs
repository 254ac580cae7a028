//! Decides whether the certificates already on disk can be reused.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{KeyPair, PublicKeyData};
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::{CertificateError, RootCertStore};
use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use time::OffsetDateTime;
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use super::constraints::Permitted;
use super::error::{io_reason, pem_reason};
use super::names::Host;
use crate::fsutil::read_optional;

/// Certificates that expire sooner than this are replaced at start-up, so a
/// lab started in the evening still works the next morning.
const RENEW_MARGIN: time::Duration = time::Duration::DAY;

/// Why an existing API (leaf) certificate is not reused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeafReason {
    /// `cert.pem` does not exist.
    Missing,
    /// `cert.pem` cannot be read, is truncated or is not a certificate.
    Unreadable(String),
    /// `key.pem` is missing, unreadable or not a key.
    KeyUnusable(String),
    /// `key.pem` belongs to another certificate.
    KeyMismatch,
    /// The certificate expired on the given date.
    Expired(String),
    /// The certificate expires on the given date, within a day.
    ExpiresSoon(String),
    /// The certificate was not issued by the current local CA.
    WrongCa,
    /// The certificate lacks this requested host name or IP address.
    MissingName(String),
    /// A TLS client trusting the local CA would reject it for this reason.
    Rejected(String),
}

impl fmt::Display for LeafReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeafReason::Missing => f.write_str("cert.pem is missing"),
            LeafReason::Unreadable(why) => write!(f, "cert.pem cannot be used ({why})"),
            LeafReason::KeyUnusable(why) => write!(f, "key.pem cannot be used ({why})"),
            LeafReason::KeyMismatch => f.write_str("key.pem does not match cert.pem"),
            LeafReason::Expired(date) => write!(f, "it expired on {date}"),
            LeafReason::ExpiresSoon(date) => write!(f, "it expires on {date}"),
            LeafReason::WrongCa => f.write_str("it is not signed by the current local CA"),
            LeafReason::MissingName(name) => write!(f, "it does not cover the name {name}"),
            LeafReason::Rejected(why) => write!(f, "TLS clients would reject it ({why})"),
        }
    }
}

/// The local CA as loaded from `ca.pem` and `ca-key.pem`.
pub(crate) struct Ca {
    /// `ca.pem` as text, which rcgen parses to sign with it.
    pub(crate) cert_pem: String,
    /// The CA's private key.
    pub(crate) key: KeyPair,
    /// When the CA expires; leaves never outlive it.
    pub(crate) not_after: OffsetDateTime,
    /// A root store holding only this CA, to check leaves like a browser.
    roots: Arc<RootCertStore>,
    /// The names it may sign for.
    pub(crate) permitted: Permitted,
}

/// Why the CA on disk cannot be used.
pub(crate) enum CaProblem {
    /// Neither CA file exists: a first start, not worth a warning.
    Absent,
    /// The CA exists but is broken; the text says how.
    Unusable(String),
}

/// Loads and validates the CA, so a broken one is replaced rather than used
/// to sign a leaf that no browser would accept.
pub(crate) fn load_ca(cert_path: &Path, key_path: &Path, now: OffsetDateTime) -> Result<Ca, CaProblem> {
    let unusable = CaProblem::Unusable;
    let cert_bytes =
        read_optional(cert_path).map_err(|e| unusable(format!("ca.pem cannot be read ({})", io_reason(&e))))?;
    let key_bytes =
        read_optional(key_path).map_err(|e| unusable(format!("ca-key.pem cannot be read ({})", io_reason(&e))))?;
    let (cert_bytes, key_bytes) = match (cert_bytes, key_bytes) {
        (None, None) => return Err(CaProblem::Absent),
        (None, Some(_)) => return Err(unusable("ca.pem is missing".into())),
        (Some(_), None) => return Err(unusable("ca-key.pem is missing".into())),
        (Some(cert), Some(key)) => (cert, key),
    };
    let der = first_certificate(&cert_bytes).map_err(|why| unusable(format!("ca.pem cannot be used ({why})")))?;
    let cert = parse_x509(&der).map_err(|why| unusable(format!("ca.pem cannot be used ({why})")))?;
    if !cert.is_ca() {
        return Err(unusable("ca.pem is not a CA certificate".into()));
    }
    let not_after = cert.validity().not_after.to_datetime();
    if not_after - now < RENEW_MARGIN {
        let verb = if not_after <= now { "expired" } else { "expires" };
        return Err(unusable(format!("the CA {verb} on {}", day(not_after))));
    }
    let key = load_key(&key_bytes).map_err(|why| unusable(format!("ca-key.pem cannot be used ({why})")))?;
    if key.subject_public_key_info() != cert.tbs_certificate.subject_pki.raw {
        return Err(unusable("ca-key.pem does not match ca.pem".into()));
    }
    let permitted = Permitted::of(&cert);
    let mut roots = RootCertStore::empty();
    roots.add(der.clone()).map_err(|e| unusable(format!("ca.pem cannot be a trust anchor ({e})")))?;
    let cert_pem = String::from_utf8(cert_bytes).map_err(|_| unusable("ca.pem is not text".into()))?;
    Ok(Ca { cert_pem, key, not_after, roots: Arc::new(roots), permitted })
}

/// Checks the leaf against everything a browser trusting `ca` would check,
/// plus the key pairing and the renewal margin, in the order that gives the
/// most useful reason first.
pub(crate) fn check_leaf(
    ca: &Ca,
    cert_path: &Path,
    key_path: &Path,
    hosts: &[Host],
    now: OffsetDateTime,
) -> Result<(), LeafReason> {
    let bytes = match read_optional(cert_path) {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Err(LeafReason::Missing),
        Err(e) => return Err(LeafReason::Unreadable(io_reason(&e))),
    };
    let der = first_certificate(&bytes).map_err(LeafReason::Unreadable)?;
    let leaf = parse_x509(&der).map_err(LeafReason::Unreadable)?;

    let key = match read_optional(key_path) {
        Ok(Some(bytes)) => load_key(&bytes).map_err(LeafReason::KeyUnusable)?,
        Ok(None) => return Err(LeafReason::KeyUnusable("it is missing".into())),
        Err(e) => return Err(LeafReason::KeyUnusable(io_reason(&e))),
    };
    if key.subject_public_key_info() != leaf.tbs_certificate.subject_pki.raw {
        return Err(LeafReason::KeyMismatch);
    }

    let not_after = leaf.validity().not_after.to_datetime();
    if not_after <= now {
        return Err(LeafReason::Expired(day(not_after)));
    }
    if not_after - now < RENEW_MARGIN {
        return Err(LeafReason::ExpiresSoon(day(not_after)));
    }

    let covered = covered_hosts(&leaf);
    if let Some(missing) = hosts.iter().find(|host| !covered.contains(host)) {
        return Err(LeafReason::MissingName(missing.to_string()));
    }

    verify_with_ca(ca, &der, hosts, now)
}

/// Runs rustls' own certificate verifier with the local CA as the only root:
/// this catches a leaf from another CA (even one with the same name) and
/// anything else a real client would refuse (wrong key usage, not yet valid).
fn verify_with_ca(ca: &Ca, der: &CertificateDer<'_>, hosts: &[Host], now: OffsetDateTime) -> Result<(), LeafReason> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(ca.roots.clone(), provider)
        .build()
        .map_err(|e| LeafReason::Rejected(e.to_string()))?;
    let Some(first) = hosts.first() else {
        return Ok(());
    };
    let server_name = ServerName::try_from(first.to_string()).map_err(|e| LeafReason::Rejected(e.to_string()))?;
    let seconds = u64::try_from(now.unix_timestamp()).unwrap_or(0);
    let now = UnixTime::since_unix_epoch(Duration::from_secs(seconds));
    match verifier.verify_server_cert(der, &[], &server_name, &[], now) {
        Ok(_) => Ok(()),
        Err(rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer | CertificateError::BadSignature)) => {
            Err(LeafReason::WrongCa)
        }
        Err(other) => Err(LeafReason::Rejected(other.to_string())),
    }
}

/// The subject alternative names of a certificate; a missing or malformed
/// extension simply covers nothing, which leads to regeneration.
fn covered_hosts(cert: &X509Certificate<'_>) -> Vec<Host> {
    let Ok(Some(san)) = cert.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some(Host::Dns(dns.to_ascii_lowercase())),
            GeneralName::IPAddress(bytes) => ip_from_bytes(bytes).map(Host::Ip),
            _ => None,
        })
        .collect()
}

fn ip_from_bytes(bytes: &[u8]) -> Option<std::net::IpAddr> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes).ok().map(Into::into),
        16 => <[u8; 16]>::try_from(bytes).ok().map(Into::into),
        _ => None,
    }
}

/// The first `CERTIFICATE` block of a PEM file. A truncated file fails here
/// (missing END line or bad base64) rather than later.
pub(crate) fn first_certificate(bytes: &[u8]) -> Result<CertificateDer<'static>, String> {
    match CertificateDer::pem_slice_iter(bytes).next() {
        Some(Ok(der)) => Ok(der),
        Some(Err(e)) => Err(pem_reason(&e, "certificate")),
        None => Err(pem_reason(&pem::Error::NoItemsFound, "certificate")),
    }
}

fn parse_x509<'a>(der: &'a CertificateDer<'_>) -> Result<X509Certificate<'a>, String> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_rest, cert)| cert)
        .map_err(|e| format!("it is not an X.509 certificate: {e}"))
}

/// Our own keys are PKCS#8 PEM, which is what rcgen (with ring) can load.
fn load_key(bytes: &[u8]) -> Result<KeyPair, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_string())?;
    KeyPair::from_pem(text).map_err(|e| format!("it is not a PKCS#8 PEM private key: {e}"))
}

/// A date as YYYY-MM-DD for log lines.
pub(crate) fn day(at: OffsetDateTime) -> String {
    let date = at.date();
    format!("{}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}
