//! X.509 name constraints on the local CA: it may vouch only for the names
//! the app serves (`localhost`, 127.0.0.1, ::1 and `--host`), so a browser
//! that trusts it can be fooled by no certificate for any other site, even
//! if `ca-key.pem` leaks.
//!
//! Browsers and rustls/webpki honour the permitted subtrees: a leaf for
//! `bank.example` signed by this CA fails verification. A DNS constraint
//! also admits the names below it (`localhost` admits `api.localhost`), as
//! RFC 5280 says; an IP constraint is the single address (/32, /128).

use std::net::IpAddr;

use rcgen::{CidrSubnet, GeneralSubtree, NameConstraints};
use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::GeneralName;

use super::names::Host;

/// The constraints a new CA gets: exactly `hosts`.
pub(crate) fn for_hosts(hosts: &[Host]) -> NameConstraints {
    let permitted_subtrees = hosts
        .iter()
        .map(|host| match host {
            Host::Dns(name) => GeneralSubtree::DnsName(name.clone()),
            Host::Ip(IpAddr::V4(ip)) => GeneralSubtree::IpAddress(CidrSubnet::V4(ip.octets(), [0xff; 4])),
            Host::Ip(IpAddr::V6(ip)) => GeneralSubtree::IpAddress(CidrSubnet::V6(ip.octets(), [0xff; 16])),
        })
        .collect();
    NameConstraints { permitted_subtrees, excluded_subtrees: Vec::new() }
}

/// What an existing CA may sign for, as read from its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Permitted {
    /// No name constraints at all (a CA made before they were added):
    /// it could vouch for any site.
    Anything,
    /// DNS subtrees and IP (address, mask) pairs.
    Only { dns: Vec<String>, ips: Vec<(Vec<u8>, Vec<u8>)> },
}

impl Permitted {
    /// Reads the CA's permitted subtrees; a malformed extension permits
    /// nothing, so the CA is replaced rather than trusted blindly.
    pub(crate) fn of(cert: &X509Certificate<'_>) -> Self {
        let nothing = Self::Only { dns: Vec::new(), ips: Vec::new() };
        let constraints = match cert.name_constraints() {
            Ok(None) => return Self::Anything,
            Ok(Some(ext)) => ext.value,
            Err(_) => return nothing,
        };
        let (mut dns, mut ips) = (Vec::new(), Vec::new());
        for subtree in constraints.permitted_subtrees.iter().flatten() {
            match &subtree.base {
                GeneralName::DNSName(name) => dns.push(name.to_ascii_lowercase()),
                GeneralName::IPAddress(bytes) if bytes.len() == 8 || bytes.len() == 32 => {
                    let (address, mask) = bytes.split_at(bytes.len() / 2);
                    ips.push((address.to_vec(), mask.to_vec()));
                }
                _ => {}
            }
        }
        Self::Only { dns, ips }
    }

    /// Why a CA with these constraints must be replaced to serve `hosts`,
    /// or `None` when it may sign for all of them.
    pub(crate) fn uncovered(&self, hosts: &[Host]) -> Option<String> {
        let Self::Only { dns, ips } = self else {
            return Some("it has no name constraints, so it could vouch for any site".to_owned());
        };
        let covers = |host: &Host| match host {
            Host::Dns(name) => {
                dns.iter().any(|c| name == c || name.strip_suffix(c.as_str()).is_some_and(|s| s.ends_with('.')))
            }
            Host::Ip(ip) => {
                let octets = match ip {
                    IpAddr::V4(v4) => v4.octets().to_vec(),
                    IpAddr::V6(v6) => v6.octets().to_vec(),
                };
                ips.iter().any(|(address, mask)| {
                    address.len() == octets.len()
                        && octets.iter().zip(address).zip(mask).all(|((o, a), m)| o & m == a & m)
                })
            }
        };
        let missing = hosts.iter().find(|host| !covers(host))?;
        Some(format!("its name constraints do not cover {missing}"))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::ServerCertVerifier;
    use rustls::{CertificateError, RootCertStore};
    use rustls_pki_types::{ServerName, UnixTime};
    use time::OffsetDateTime;

    use super::super::check::{self, first_certificate};
    use super::super::{CA_CERT_FILE, CA_KEY_FILE, CertStatus, ensure_certificates, issue, names};

    /// Verifies `leaf_pem` for `name` the way rustls/webpki does, trusting only `ca_pem`.
    fn verify(ca_pem: &str, leaf_pem: &str, name: &str) -> Result<(), rustls::Error> {
        let mut roots = RootCertStore::empty();
        roots.add(first_certificate(ca_pem.as_bytes()).expect("ca")).expect("root");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().expect("verifier");
        let leaf = first_certificate(leaf_pem.as_bytes()).expect("leaf");
        let name = ServerName::try_from(name.to_owned()).expect("name");
        verifier.verify_server_cert(&leaf, &[], &name, &[], UnixTime::now()).map(|_| ())
    }

    #[test]
    fn the_ca_signs_for_the_apps_names_only() {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = ensure_certificates(dir.path(), &["lab.local".to_owned()]).expect("certificates");
        let ca_pem = std::fs::read_to_string(&paths.ca_cert).expect("ca");
        let own = std::fs::read_to_string(&paths.cert).expect("leaf");
        for name in ["lab.local", "localhost", "127.0.0.1", "::1"] {
            verify(&ca_pem, &own, name).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        // A leaf for another site, signed with the very CA key: refused.
        let now = OffsetDateTime::now_utc();
        let Ok(ca) = check::load_ca(&paths.ca_cert, &dir.path().join(CA_KEY_FILE), now) else { panic!("the CA loads") };
        let bank = names::hosts(&["bank.example".to_owned()]).expect("hosts");
        let Ok(forged) = issue::new_leaf(&ca.cert_pem, &ca.key, ca.not_after, &bank[..1], now) else {
            panic!("issued")
        };
        let err = verify(&ca_pem, &forged.cert_pem, "bank.example").expect_err("outside the constraints");
        assert!(
            matches!(&err, rustls::Error::InvalidCertificate(CertificateError::Other(e)) if e.to_string().contains("NameConstraint"))
                || format!("{err:?}").contains("NameConstraint"),
            "{err:?}"
        );
        // Under a permitted name it is fine (the refusal is the constraint, not the leaf).
        let sub = names::hosts(&["api.lab.local".to_owned()]).expect("hosts");
        let Ok(below) = issue::new_leaf(&ca.cert_pem, &ca.key, ca.not_after, &sub[..1], now) else { panic!("issued") };
        verify(&ca_pem, &below.cert_pem, "api.lab.local").expect("below a permitted name");
    }

    #[test]
    fn a_new_host_replaces_the_ca_only_when_its_constraints_do_not_cover_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ca_path = dir.path().join(CA_CERT_FILE);
        ensure_certificates(dir.path(), &["lab.local".to_owned()]).expect("first");
        let first = std::fs::read(&ca_path).expect("ca");
        // Fewer names (no --host): still covered, the CA stays.
        let again = ensure_certificates(dir.path(), &[]).expect("again");
        assert!(!matches!(again.status, CertStatus::CaRegenerated(_)), "{:?}", again.status);
        assert_eq!(std::fs::read(&ca_path).expect("ca"), first);
        // A name it may not sign for: a new CA, and the reason says so.
        let other = ensure_certificates(dir.path(), &["192.168.1.20".to_owned()]).expect("other");
        match other.status {
            CertStatus::CaRegenerated(reason) => assert!(reason.contains("do not cover 192.168.1.20"), "{reason}"),
            status => panic!("{status:?}"),
        }
        assert_ne!(std::fs::read(&ca_path).expect("ca"), first);
    }

    #[test]
    fn coverage_follows_rfc_5280_subtrees() {
        let hosts = names::hosts(&["lab.local".to_owned(), "10.0.0.7".to_owned()]).expect("hosts");
        let ca = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("key");
        let mut params = rcgen::CertificateParams::default();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.name_constraints = Some(super::for_hosts(&hosts));
        let der = params.self_signed(&ca).expect("ca").der().clone();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).expect("x509");
        let permitted = super::Permitted::of(&cert);
        let check = |name: &str| permitted.uncovered(&names::hosts(&[name.to_owned()]).expect("host")[..1]);
        for ok in ["lab.local", "LAB.local", "api.lab.local", "localhost", "127.0.0.1", "::1", "10.0.0.7"] {
            assert_eq!(check(ok), None, "{ok}");
        }
        for no in ["evillab.local", "local", "10.0.0.8", "::2", "bank.example"] {
            assert!(check(no).is_some(), "{no}");
        }
        params.name_constraints = None;
        let der = params.self_signed(&ca).expect("ca").der().clone();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).expect("x509");
        assert!(super::Permitted::of(&cert).uncovered(&hosts).is_some_and(|r| r.contains("no name constraints")));
    }
}
