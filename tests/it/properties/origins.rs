//! Origins: parsing never panics, its serialization is a fixed point, and a
//! list admits nothing but the exact serializations it was given.

use f1_race_results::cors::Origin;
use f1_race_results::cors::policy::Origins;
use proptest::prelude::*;

/// Strings shaped like origins, with the characters that make them tricky.
fn origin_like() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["http", "https", "HTTP", "Https", "ws", "", "file"]);
    let host = "[a-zA-Z0-9.\\-_@:\\[\\]%]{0,24}";
    let port = prop::option::of("[0-9+\\-]{0,7}");
    let tail = prop::sample::select(vec!["", "/", "?x", "#", " ", ".", "\\"]);
    (scheme, host, port, tail).prop_map(|(scheme, host, port, tail)| match port {
        Some(port) => format!("{scheme}://{host}:{port}{tail}"),
        None => format!("{scheme}://{host}{tail}"),
    })
}

/// Origins that must parse: a scheme, DNS labels or an IP, maybe a port.
fn valid_origin() -> impl Strategy<Value = String> {
    let scheme = prop::sample::select(vec!["http", "https", "HTTP", "hTtPs"]);
    let name = prop::collection::vec("[a-zA-Z0-9][a-zA-Z0-9-]{0,8}", 1..4).prop_map(|labels| labels.join("."));
    let host = prop_oneof![
        name,
        any::<[u8; 4]>().prop_map(|ip| format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3])),
        any::<[u16; 8]>().prop_map(|ip| format!("[{}]", std::net::Ipv6Addr::from(ip))),
    ];
    (scheme, host, prop::option::of(1u16..)).prop_map(|(scheme, host, port)| match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

/// A configured origin's serialization, slightly changed: the near misses.
fn mutate(serialized: &str, how: u8, extra: char) -> String {
    let mut s = serialized.to_owned();
    match how % 6 {
        0 => s.push(extra),
        1 => s.insert(0, extra),
        2 => s = s.to_ascii_uppercase(),
        3 => s.truncate(s.len().saturating_sub(1)),
        4 => s = s.replacen("://", &format!("://{extra}"), 1),
        _ => {}
    }
    s
}

proptest! {
    #[test]
    fn parsing_never_panics(raw in any::<String>(), shaped in origin_like()) {
        let _ = Origin::parse(&raw);
        let _ = Origin::parse(&shaped);
    }

    #[test]
    fn serialization_is_a_fixed_point(raw in prop_oneof![origin_like(), valid_origin()]) {
        if let Ok(origin) = Origin::parse(&raw) {
            let again = Origin::parse(origin.as_str());
            prop_assert_eq!(again.as_ref(), Ok(&origin), "{}", raw);
            prop_assert_eq!(again.map(|o| o.to_string()), Ok(origin.to_string()));
            prop_assert!(!origin.as_str().bytes().any(|b| b.is_ascii_uppercase() || b.is_ascii_whitespace()));
        }
    }

    #[test]
    fn valid_origins_parse(raw in valid_origin()) {
        prop_assert!(Origin::parse(&raw).is_ok(), "{}", raw);
    }

    #[test]
    fn a_list_admits_exactly_its_serializations(
        configured in prop::collection::vec(valid_origin(), 1..5),
        probes in prop::collection::vec((0usize..5, any::<u8>(), any::<char>()), 1..20),
        arbitrary in prop::collection::vec(prop_oneof![origin_like(), any::<String>()], 0..10),
    ) {
        let origins = Origins::list(1, &configured).expect("valid origins");
        let allowed: Vec<String> = origins.exact.iter().map(|o| o.as_str().to_owned()).collect();
        for serialized in &allowed {
            prop_assert!(origins.admits(serialized));
        }
        let near = probes.iter().map(|(i, how, extra)| mutate(&allowed[i % allowed.len()], *how, *extra));
        for candidate in near.chain(arbitrary.into_iter()).chain(configured.iter().cloned()) {
            if origins.admits(&candidate) {
                prop_assert!(allowed.contains(&candidate), "{:?} admitted, configured {:?}", candidate, allowed);
            }
        }
    }
}
