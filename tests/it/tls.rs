//! Integration tests for the TLS module: file handling, regeneration rules,
//! error messages, and real TLS handshakes against the generated certificates.

use std::error::Error;
use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use f1_race_results::tls::{CertPaths, CertStatus, LeafReason, TlsError, ensure_certificates, server_config};
use rcgen::{CertificateParams, ExtendedKeyUsagePurpose, Issuer, KeyPair, PKCS_ECDSA_P256_SHA256};
use rustls::{ClientConfig, ClientConnection, Connection, ServerConnection};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use time::{Duration, OffsetDateTime};

use crate::helpers::client_config_trusting;

type TestResult = Result<(), Box<dyn Error>>;

/// Log lines captured during one call: (level, message).
type LogLines = Vec<(tracing::Level, String)>;

/// A named way of damaging a file.
type Damage = (&'static str, fn(&Path) -> std::io::Result<()>);

const FILES: [&str; 4] = ["ca.pem", "ca-key.pem", "cert.pem", "key.pem"];

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|name| name.to_string()).collect()
}

fn snapshot(dir: &Path) -> Result<Vec<Vec<u8>>, Box<dyn Error>> {
    FILES.iter().map(|file| Ok(fs::read(dir.join(file))?)).collect()
}

fn parse_leaf(path: &Path) -> Result<Vec<u8>, Box<dyn Error>> {
    let der = CertificateDer::pem_file_iter(path)?.next().ok_or("no certificate")??;
    Ok(der.to_vec())
}

/// Subject alternative names of the first certificate in `path`, as
/// "DNS:name" or "IP:address".
fn sans(path: &Path) -> Result<Vec<String>, Box<dyn Error>> {
    use x509_parser::extensions::GeneralName;
    let der = parse_leaf(path)?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)?;
    let san = cert.subject_alternative_name()?.ok_or("no SAN extension")?;
    let mut out = Vec::new();
    for name in &san.value.general_names {
        out.push(match name {
            GeneralName::DNSName(dns) => format!("DNS:{dns}"),
            GeneralName::IPAddress(bytes) if bytes.len() == 4 => {
                format!("IP:{}", std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes)?))
            }
            GeneralName::IPAddress(bytes) => {
                format!("IP:{}", std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes)?))
            }
            other => format!("other:{other}"),
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- handshakes

/// Moves every pending TLS record from one side to the other.
fn transfer(from: &mut Connection, to: &mut Connection) -> Result<(), rustls::Error> {
    let mut wire = Vec::new();
    while from.wants_write() {
        if from.write_tls(&mut wire).is_err() {
            break;
        }
    }
    let mut rest = &wire[..];
    while !rest.is_empty() {
        if to.read_tls(&mut rest).is_err() {
            break;
        }
        to.process_new_packets()?;
    }
    Ok(())
}

/// Runs a complete in-memory TLS handshake for `server_name` and exchanges
/// one message each way; returns the negotiated ALPN protocol.
fn handshake(client: Arc<ClientConfig>, paths: &CertPaths, server_name: &str) -> Result<Vec<u8>, Box<dyn Error>> {
    let server_config = Arc::new(server_config(&paths.cert, &paths.key)?);
    let name = ServerName::try_from(server_name.to_string())?;
    let mut client = Connection::from(ClientConnection::new(client, name)?);
    let mut server = Connection::from(ServerConnection::new(server_config)?);
    for _ in 0..10 {
        transfer(&mut client, &mut server)?;
        transfer(&mut server, &mut client)?;
        if !client.is_handshaking() && !server.is_handshaking() {
            break;
        }
    }
    if client.is_handshaking() || server.is_handshaking() {
        return Err("handshake did not finish".into());
    }
    client.writer().write_all(b"GET / HTTP/1.1\r\n\r\n")?;
    transfer(&mut client, &mut server)?;
    let mut request = [0u8; 18];
    server.reader().read_exact(&mut request)?;
    assert_eq!(&request, b"GET / HTTP/1.1\r\n\r\n");
    Ok(client.alpn_protocol().unwrap_or_default().to_vec())
}

// -------------------------------------------------------------- log capture

/// A minimal tracing subscriber that records (level, message) of each event
/// on the current thread, to check the "one log line with the reason" rule.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<LogLines>>);

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        if let Ok(mut lines) = self.0.lock() {
            lines.push((*event.metadata().level(), message.0));
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// Runs `ensure_certificates` and returns its result with the log lines.
fn ensure_logged(dir: &Path, list: &[&str]) -> Result<(CertPaths, LogLines), Box<dyn Error>> {
    let capture = Capture::default();
    let result = tracing::subscriber::with_default(capture.clone(), || ensure_certificates(dir, &names(list)));
    let lines = capture.0.lock().map_err(|_| "poisoned")?.clone();
    Ok((result?, lines))
}

// -------------------------------------------------------------------- tests

#[test]
fn first_start_creates_four_files_then_reuses_them() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("certs");
    let (first, lines) = ensure_logged(&dir, &[])?;
    assert_eq!(first.status, CertStatus::Created);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        (first.ca_cert.clone(), first.cert.clone(), first.key.clone()),
        (dir.join("ca.pem"), dir.join("cert.pem"), dir.join("key.pem"))
    );

    // Exactly the four files: no temporary files left behind.
    let mut present: Vec<String> = fs::read_dir(&dir)?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, std::io::Error>>()?;
    present.sort();
    assert_eq!(present, ["ca-key.pem", "ca.pem", "cert.pem", "key.pem"]);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for key in ["ca-key.pem", "key.pem"] {
            assert_eq!(fs::metadata(dir.join(key))?.permissions().mode() & 0o777, 0o600, "{key}");
        }
    }

    let before = snapshot(&dir)?;
    let second = ensure_certificates(&dir, &[])?;
    assert_eq!(second.status, CertStatus::Reused);
    assert_eq!(snapshot(&dir)?, before, "reuse must not rewrite any file");
    Ok(())
}

#[test]
fn generated_certificates_have_the_promised_shape() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let paths = ensure_certificates(tmp.path(), &names(&["lab.local"]))?;

    let ca_der = parse_leaf(&paths.ca_cert)?;
    let (_, ca) = x509_parser::parse_x509_certificate(&ca_der)?;
    assert!(ca.is_ca());
    assert!(ca.subject().to_string().contains("F1 Race Results local CA"));
    assert!(ca.key_usage()?.ok_or("no key usage")?.value.key_cert_sign());
    let ca_days = (ca.validity().not_after.to_datetime() - ca.validity().not_before.to_datetime()).whole_days();
    assert!((3640..=3660).contains(&ca_days), "CA lifetime {ca_days} days");

    let leaf_der = parse_leaf(&paths.cert)?;
    let (_, leaf) = x509_parser::parse_x509_certificate(&leaf_der)?;
    assert!(!leaf.is_ca());
    assert!(leaf.extended_key_usage()?.ok_or("no EKU")?.value.server_auth);
    assert!(leaf.subject().to_string().contains("CN=lab.local"), "{}", leaf.subject());
    let lifetime = leaf.validity().not_after.to_datetime() - leaf.validity().not_before.to_datetime();
    assert!(lifetime >= Duration::days(365) && lifetime <= Duration::days(397), "leaf lifetime {lifetime}");
    assert_eq!(leaf.issuer(), ca.subject());

    let sans = sans(&paths.cert)?;
    for expected in ["DNS:lab.local", "DNS:localhost", "IP:127.0.0.1", "IP:::1"] {
        assert!(sans.iter().any(|san| san == expected), "{expected} missing from {sans:?}");
    }
    assert_eq!(sans.len(), 4, "duplicates or extras: {sans:?}");

    for key in [&paths.key, &tmp.path().join("ca-key.pem")] {
        let pair = KeyPair::from_pem(&fs::read_to_string(key)?)?;
        assert_eq!(pair.algorithm(), &PKCS_ECDSA_P256_SHA256);
    }
    Ok(())
}

#[test]
fn damaged_leaf_is_regenerated_and_ca_kept() -> TestResult {
    let damages: [Damage; 4] = [
        ("deleted", |p| fs::remove_file(p)),
        ("empty", |p| fs::write(p, b"")),
        ("truncated", |p| {
            let text = fs::read(p)?;
            fs::write(p, &text[..text.len() / 2])
        }),
        ("garbage", |p| fs::write(p, b"-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n")),
    ];
    for (what, damage) in damages {
        let tmp = tempfile::tempdir()?;
        ensure_certificates(tmp.path(), &[])?;
        let ca_before = fs::read(tmp.path().join("ca.pem"))?;
        damage(&tmp.path().join("cert.pem"))?;

        let (paths, lines) = ensure_logged(tmp.path(), &[])?;
        match &paths.status {
            CertStatus::LeafRegenerated(LeafReason::Missing) if what == "deleted" => {}
            CertStatus::LeafRegenerated(LeafReason::Unreadable(_)) if what != "deleted" => {}
            other => return Err(format!("{what}: unexpected status {other:?}").into()),
        }
        assert_eq!(lines.len(), 1, "{what}: {lines:?}");
        assert!(lines[0].1.starts_with("regenerating the API certificate: cert.pem "), "{what}: {lines:?}");
        assert_eq!(fs::read(tmp.path().join("ca.pem"))?, ca_before, "{what}: CA must be kept");
        handshake(client_config_trusting(&paths.ca_cert)?, &paths, "localhost")?;
        assert_eq!(ensure_certificates(tmp.path(), &[])?.status, CertStatus::Reused, "{what}");
    }
    Ok(())
}

#[test]
fn missing_or_foreign_leaf_key_regenerates_leaf() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let paths = ensure_certificates(tmp.path(), &[])?;
    fs::remove_file(&paths.key)?;
    let status = ensure_certificates(tmp.path(), &[])?.status;
    assert!(matches!(status, CertStatus::LeafRegenerated(LeafReason::KeyUnusable(_))), "{status:?}");

    fs::copy(tmp.path().join("ca-key.pem"), &paths.key)?;
    let status = ensure_certificates(tmp.path(), &[])?.status;
    assert_eq!(status, CertStatus::LeafRegenerated(LeafReason::KeyMismatch));
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "localhost")?;
    Ok(())
}

#[test]
fn new_names_regenerate_the_ca_only_when_its_name_constraints_do_not_cover_them() -> TestResult {
    let tmp = tempfile::tempdir()?;
    ensure_certificates(tmp.path(), &[])?;
    let ca_before = fs::read(tmp.path().join("ca.pem"))?;

    // The CA may sign only for the names it was made for: a new one needs a new CA.
    let (paths, lines) = ensure_logged(tmp.path(), &["lab.local"])?;
    let reason = "its name constraints do not cover lab.local";
    assert_eq!(paths.status, CertStatus::CaRegenerated(reason.into()));
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].1.starts_with(&format!("regenerating the local CA and the API certificate: {reason}")),
        "{lines:?}"
    );
    assert_ne!(fs::read(tmp.path().join("ca.pem"))?, ca_before);
    assert!(sans(&paths.cert)?.iter().any(|san| san == "DNS:lab.local"));
    assert_eq!(handshake(client_config_trusting(&paths.ca_cert)?, &paths, "lab.local")?, b"http/1.1");

    let paths = ensure_certificates(tmp.path(), &names(&["lab.local", "192.168.1.20"]))?;
    assert_eq!(paths.status, CertStatus::CaRegenerated("its name constraints do not cover 192.168.1.20".into()));
    // The TLS client only checks the certificate; no packet leaves memory.
    assert!(sans(&paths.cert)?.iter().any(|san| san == "IP:192.168.1.20"));
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "192.168.1.20")?;
    let ca_now = fs::read(tmp.path().join("ca.pem"))?;

    // Same names again (different case, with duplicates), or fewer: nothing to do.
    let again = ensure_certificates(tmp.path(), &names(&["LAB.local", "192.168.1.20", "localhost", "[::1]"]))?;
    assert_eq!(again.status, CertStatus::Reused);
    assert_eq!(ensure_certificates(tmp.path(), &[])?.status, CertStatus::Reused);
    assert_eq!(fs::read(tmp.path().join("ca.pem"))?, ca_now);
    Ok(())
}

/// Writes a leaf signed by the directory's own CA with the given validity.
fn write_leaf_with_validity(dir: &Path, not_before: OffsetDateTime, not_after: OffsetDateTime) -> TestResult {
    let ca_key = KeyPair::from_pem(&fs::read_to_string(dir.join("ca-key.pem"))?)?;
    let issuer = Issuer::from_ca_cert_pem(&fs::read_to_string(dir.join("ca.pem"))?, ca_key)?;
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(names(&["localhost", "127.0.0.1", "::1"]))?;
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = not_before;
    params.not_after = not_after;
    let cert = params.signed_by(&key, &issuer)?;
    fs::write(dir.join("cert.pem"), cert.pem())?;
    fs::write(dir.join("key.pem"), key.serialize_pem())?;
    Ok(())
}

#[test]
fn expired_or_expiring_leaf_is_replaced() -> TestResult {
    let tmp = tempfile::tempdir()?;
    ensure_certificates(tmp.path(), &[])?;
    let now = OffsetDateTime::now_utc();

    write_leaf_with_validity(tmp.path(), now - Duration::days(30), now - Duration::days(1))?;
    // Sanity check of the fixture: it is accepted by the CA but expired.
    assert!(server_config(&tmp.path().join("cert.pem"), &tmp.path().join("key.pem")).is_ok());
    let paths = ensure_certificates(tmp.path(), &[])?;
    assert!(matches!(paths.status, CertStatus::LeafRegenerated(LeafReason::Expired(_))), "{:?}", paths.status);
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "localhost")?;

    write_leaf_with_validity(tmp.path(), now - Duration::days(30), now + Duration::hours(2))?;
    let status = ensure_certificates(tmp.path(), &[])?.status;
    assert!(matches!(status, CertStatus::LeafRegenerated(LeafReason::ExpiresSoon(_))), "{status:?}");

    // A leaf valid for weeks more is kept, even if not made by the lab.
    write_leaf_with_validity(tmp.path(), now - Duration::days(30), now + Duration::days(30))?;
    assert_eq!(ensure_certificates(tmp.path(), &[])?.status, CertStatus::Reused);
    Ok(())
}

#[test]
fn expired_ca_is_replaced() -> TestResult {
    let tmp = tempfile::tempdir()?;
    ensure_certificates(tmp.path(), &[])?;
    let now = OffsetDateTime::now_utc();
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::default();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.not_before = now - Duration::days(400);
    params.not_after = now - Duration::days(1);
    fs::write(tmp.path().join("ca.pem"), params.self_signed(&key)?.pem())?;
    fs::write(tmp.path().join("ca-key.pem"), key.serialize_pem())?;

    let paths = ensure_certificates(tmp.path(), &[])?;
    assert!(
        matches!(&paths.status, CertStatus::CaRegenerated(reason) if reason.starts_with("the CA expired on")),
        "{:?}",
        paths.status
    );
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "localhost")?;
    Ok(())
}

#[test]
fn leaf_from_another_ca_is_replaced() -> TestResult {
    let ours = tempfile::tempdir()?;
    let theirs = tempfile::tempdir()?;
    ensure_certificates(ours.path(), &[])?;
    ensure_certificates(theirs.path(), &[])?;
    // Same CA name, same host names, valid dates: only the signature differs.
    for file in ["cert.pem", "key.pem"] {
        fs::copy(theirs.path().join(file), ours.path().join(file))?;
    }
    let paths = ensure_certificates(ours.path(), &[])?;
    assert_eq!(paths.status, CertStatus::LeafRegenerated(LeafReason::WrongCa));
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "localhost")?;
    Ok(())
}

#[test]
fn corrupt_or_mismatched_ca_makes_a_new_ca() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let first = ensure_certificates(tmp.path(), &[])?;
    let old_ca = fs::read(&first.ca_cert)?;
    fs::write(&first.ca_cert, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")?;

    let (paths, lines) = ensure_logged(tmp.path(), &[])?;
    assert!(
        matches!(&paths.status, CertStatus::CaRegenerated(reason) if reason.starts_with("ca.pem cannot be used")),
        "{:?}",
        paths.status
    );
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].0, tracing::Level::WARN);
    assert!(lines[0].1.contains("browsers must trust the new"), "{lines:?}");
    assert_ne!(fs::read(&paths.ca_cert)?, old_ca);
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "localhost")?;

    // A CA key from elsewhere does not match ca.pem.
    let other = tempfile::tempdir()?;
    ensure_certificates(other.path(), &[])?;
    fs::copy(other.path().join("ca-key.pem"), tmp.path().join("ca-key.pem"))?;
    let status = ensure_certificates(tmp.path(), &[])?.status;
    assert_eq!(status, CertStatus::CaRegenerated("ca-key.pem does not match ca.pem".into()));
    handshake(client_config_trusting(&paths.ca_cert)?, &paths, "127.0.0.1")?;
    Ok(())
}

#[test]
fn unwritable_directory_error_names_it() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, b"")?;
    let dir = file.join("certs");
    let err = ensure_certificates(&dir, &[]).err().ok_or("expected an error")?;
    assert!(matches!(err, TlsError::Write { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&format!("cannot write certificates into {}: ", dir.display())), "{message}");
    assert!(message.ends_with("(choose a writable directory with --certs-dir)"), "{message}");
    assert!(!message.contains("os error"), "{message}");
    Ok(())
}

#[test]
fn invalid_name_is_rejected_clearly() -> TestResult {
    let tmp = tempfile::tempdir()?;
    for bad in ["lab.local:3001", "", "two words"] {
        let err = ensure_certificates(tmp.path(), &names(&[bad])).err().ok_or("expected an error")?;
        assert!(matches!(err, TlsError::InvalidName { .. }), "{bad}: {err:?}");
        assert!(err.to_string().contains(&format!("{bad:?}")), "{err}");
    }
    assert!(!tmp.path().join("ca.pem").exists(), "nothing written for bad input");
    Ok(())
}

#[test]
fn handshake_succeeds_for_localhost_and_ip_with_the_lab_ca_only() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let paths = ensure_certificates(tmp.path(), &[])?;
    let client = client_config_trusting(&paths.ca_cert)?;
    for name in ["localhost", "127.0.0.1", "::1"] {
        assert_eq!(handshake(client.clone(), &paths, name)?, b"http/1.1", "{name}");
    }

    // A name the certificate does not cover fails, proving names are checked.
    let err = handshake(client, &paths, "example.com").err().ok_or("example.com must fail")?;
    assert!(err.to_string().contains("not valid for name"), "{err}");

    // A client that trusts another CA refuses the certificate.
    let other = tempfile::tempdir()?;
    let other_paths = ensure_certificates(other.path(), &[])?;
    let err = handshake(client_config_trusting(&other_paths.ca_cert)?, &paths, "localhost")
        .err()
        .ok_or("foreign CA must fail")?;
    let err = err.downcast::<rustls::Error>().map_err(|e| format!("not a TLS error: {e}"))?;
    assert!(
        matches!(
            *err,
            rustls::Error::InvalidCertificate(
                rustls::CertificateError::BadSignature | rustls::CertificateError::UnknownIssuer
            )
        ),
        "{err:?}"
    );
    Ok(())
}

#[test]
fn server_config_reports_bad_files_clearly() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let paths = ensure_certificates(tmp.path(), &[])?;

    let no_pem = tmp.path().join("my.pem");
    fs::write(&no_pem, b"hello, this is not a certificate\n")?;
    let err = server_config(&no_pem, &paths.key).err().ok_or("expected an error")?;
    assert!(matches!(err, TlsError::ReadCert { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "cannot read the certificate file {}: no PEM certificate found in it",
            no_pem.display()
        )),
        "{err}"
    );

    let missing = tmp.path().join("missing.pem");
    let err = server_config(&missing, &paths.key).err().ok_or("expected an error")?;
    assert!(err.to_string().contains("no such file or directory"), "{err}");

    let err = server_config(&paths.cert, &no_pem).err().ok_or("expected an error")?;
    assert!(
        err.to_string().starts_with(&format!(
            "cannot read the private key file {}: no PEM private key found in it",
            no_pem.display()
        )),
        "{err}"
    );

    let garbage_key = tmp.path().join("garbage-key.pem");
    fs::write(&garbage_key, b"-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n")?;
    let err = server_config(&paths.cert, &garbage_key).err().ok_or("expected an error")?;
    assert!(matches!(err, TlsError::ReadKey { .. }), "{err:?}");
    assert!(err.to_string().contains(&garbage_key.display().to_string()), "{err}");

    let err = server_config(&paths.cert, &tmp.path().join("ca-key.pem")).err().ok_or("expected an error")?;
    assert_eq!(
        err.to_string(),
        format!(
            "the key in {} does not match the certificate {} (pass the key that was created together with that certificate)",
            tmp.path().join("ca-key.pem").display(),
            paths.cert.display()
        )
    );

    // A chain (leaf followed by the CA) is accepted, as mkcert users may pass.
    let chain = tmp.path().join("chain.pem");
    fs::write(&chain, [fs::read(&paths.cert)?, fs::read(&paths.ca_cert)?].concat())?;
    let config = server_config(&chain, &paths.key)?;
    assert_eq!(config.alpn_protocols, vec![b"http/1.1".to_vec()]);
    Ok(())
}
