//! The instructor lab over real HTTP: switching, access, registry, events.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::helpers::{Req, TestApp};

fn page_origin(app: &TestApp) -> String {
    format!("http://localhost:{}", app.running.page_port())
}

/// A lab form POST as the lab page's own form would send it.
fn change(app: &TestApp, path: &str, fields: &str) -> Req {
    change_from(app, path, fields, &page_origin(app), "same-origin")
}

/// The same form POST, sent by a page of `origin` (`fetch_site` as a browser would say).
fn change_from(app: &TestApp, path: &str, fields: &str, origin: &str, fetch_site: &str) -> Req {
    let csrf = app.running.state().lab.secrets.csrf.clone();
    Req::post(path, "application/x-www-form-urlencoded", &format!("csrf={csrf}&{fields}"))
        .header("origin", origin)
        .header("sec-fetch-site", fetch_site)
}

async fn allow_origin(app: &TestApp, origin: &str) -> Option<String> {
    let reply = app.api(Req::get("/cors/results").origin(origin)).await;
    reply.header("access-control-allow-origin").map(str::to_owned)
}

#[tokio::test]
async fn a_switch_takes_effect_on_the_next_request() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    assert_eq!(allow_origin(&app, &origin).await.as_deref(), Some(origin.as_str()));
    let reply = app.page(change(&app, "/lab/scenario", "name=cors-off")).await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    assert_eq!(allow_origin(&app, &origin).await, None);
    let lab = app.page(Req::get("/lab")).await;
    assert!(lab.body.contains("data-scenario=\"cors-off\""));
    app.page(change(&app, "/lab/scenario", "name=default")).await;
    assert_eq!(allow_origin(&app, &origin).await.as_deref(), Some(origin.as_str()));
}

#[tokio::test]
async fn concurrent_requests_during_switches_each_see_one_whole_setup() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let lab = app.running.state().lab.clone();
    let switcher = tokio::spawn(async move {
        for i in 0..400 {
            lab.apply(if i % 2 == 0 { "wildcard-with-credentials" } else { "default" }).expect("known");
            tokio::task::yield_now().await;
        }
    });
    let mut seen = std::collections::BTreeSet::new();
    let mut clients = Vec::new();
    for _ in 0..4 {
        clients.push(async {
            let mut answers = Vec::new();
            for _ in 0..40 {
                let reply = app.api(Req::get("/cors/results").origin(&origin)).await;
                let h = |n: &str| reply.header(n).unwrap_or("-").to_owned();
                answers.push((h("access-control-allow-origin"), h("access-control-allow-credentials"), h("vary")));
            }
            answers
        });
    }
    for answers in futures_util::future::join_all(clients).await {
        seen.extend(answers);
    }
    switcher.await.expect("switcher");
    let default = (origin.clone(), "-".to_owned(), "Origin".to_owned());
    let wildcard = ("*".to_owned(), "true".to_owned(), "-".to_owned());
    for answer in &seen {
        assert!(*answer == default || *answer == wildcard, "a mix of two setups: {answer:?}");
    }
}

#[tokio::test]
async fn forged_or_foreign_changes_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let origin = page_origin(&app);
    let plain = |body: &str| Req::post("/lab/scenario", "application/x-www-form-urlencoded", body);
    let cases = [
        ("no CSRF token", plain("name=cors-off")),
        ("wrong CSRF token", plain("csrf=nope&name=cors-off")),
        ("from another site", change_from(&app, "/lab/scenario", "name=cors-off", &origin, "cross-site")),
        ("another Origin", change_from(&app, "/lab/scenario", "name=cors-off", "http://evil.example", "same-origin")),
        // Refused before the lab sees it, by the Host check (see hosts.rs).
        ("a rebound Host", change(&app, "/lab/scenario", "name=cors-off").header("host", "evil.example:3000")),
    ];
    for (what, req) in cases {
        let reply = app.page(req).await;
        let expected = if what == "a rebound Host" { 421 } else { 403 };
        assert_eq!(reply.status, expected, "{what}: {}", reply.body);
        assert_eq!(app.running.state().lab.current().scenario, "default", "{what} changed the scenario");
    }
    assert_eq!(allow_origin(&app, &origin).await.as_deref(), Some(origin.as_str()));
}

#[tokio::test]
async fn with_token_always_the_instructor_token_is_required() {
    let app = TestApp::spawn_with(|c| c.lab_token_always = true).await;
    let token = app.running.lab_token().to_owned();
    let denied = app.page(change(&app, "/lab/scenario", "name=cors-off")).await;
    assert_eq!(denied.status, 403);
    assert!(denied.body.contains("only the instructor"), "{}", denied.body);
    let wrong = app.page(change(&app, "/lab/scenario", "name=cors-off&token=0000")).await;
    assert_eq!(wrong.status, 403);
    assert_eq!(app.running.state().lab.current().scenario, "default");

    let ok = app.page(change(&app, "/lab/scenario", &format!("name=cors-off&token={token}"))).await;
    assert_eq!(ok.status, 303);
    assert_eq!(app.running.state().lab.current().scenario, "cors-off");

    let bad_link = app.page(Req::get("/lab?token=0000")).await;
    assert_eq!(bad_link.status, 403);
    let link = app.page(Req::get(&format!("/lab?token={token}"))).await;
    assert_eq!(link.status, 303);
    let cookie = link.header("set-cookie").expect("the token cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().expect("pair");
    let with_cookie = app.page(change(&app, "/lab/scenario", "name=default").header("cookie", pair)).await;
    assert_eq!(with_cookie.status, 303);
    let viewer = app.page(Req::get("/lab")).await;
    assert!(!viewer.body.contains("id=\"controls\""), "no controls without the token");
    assert!(!viewer.body.contains(&app.running.state().lab.secrets.csrf), "no CSRF token for viewers");
}

#[tokio::test]
async fn registered_origins_are_admitted_at_once_and_survive_a_restart() {
    let app = TestApp::spawn().await;
    let partner = "https://partner.example";
    assert_eq!(allow_origin(&app, partner).await, None);
    let reply = app.page(change(&app, "/lab/registry", "origin=HTTPS%3A%2F%2FPartner.Example%3A443")).await;
    assert_eq!(reply.status, 303);
    assert_eq!(allow_origin(&app, partner).await.as_deref(), Some(partner));
    let bad = app.page(change(&app, "/lab/registry", "origin=%3Cscript%3Ealert(1)%3C%2Fscript%3E")).await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Not registered: an origin starts with http:// or https://"));
    assert!(!bad.body.contains("<script>alert"), "never echoed");

    let saved = std::fs::read_to_string(app.certs.path().join("data/registry.txt")).expect("saved");
    assert!(saved.lines().any(|l| l == partner), "{saved}");
    let certs = app.stop().await;
    let again = TestApp::spawn_in(certs, |_| {}).await;
    assert_eq!(allow_origin(&again, partner).await.as_deref(), Some(partner), "kept across a restart");
    let removed = again.page(change(&again, "/lab/registry/remove", "origin=https%3A%2F%2Fpartner.example")).await;
    assert_eq!(removed.status, 303);
    assert_eq!(allow_origin(&again, partner).await, None);
}

#[tokio::test]
async fn starting_in_a_scenario_and_unknown_names() {
    let app = TestApp::spawn_with(|c| c.scenario = Some("duplicate-allow-origin".into())).await;
    let reply = app.api(Req::get("/cors/results").origin(&page_origin(&app))).await;
    assert_eq!(reply.headers.get_all("access-control-allow-origin").iter().count(), 2);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = f1_race_results::config::Config::for_tests(dir.path());
    config.scenario = Some("nope".into());
    let err = f1_race_results::app::Application::build(config).await.err().expect("refused");
    assert!(err.to_string().contains("unknown scenario \"nope\"") && err.to_string().contains("--scenario"), "{err}");
}

/// A raw `GET /events` to the page origin, under its real name and port.
fn events_request(app: &TestApp) -> String {
    format!("GET /events HTTP/1.1\r\nHost: localhost:{}\r\n\r\n", app.running.page_port())
}

/// Reads server-sent events until one whose data contains `needle`.
async fn read_event(lines: &mut tokio::io::Lines<BufReader<TcpStream>>, needle: &str) -> String {
    loop {
        let line = tokio::time::timeout(Duration::from_secs(1), lines.next_line())
            .await
            .expect("an event within a second")
            .expect("readable")
            .expect("the stream stays open");
        if line.starts_with("data:") && line.contains(needle) {
            return line;
        }
    }
}

#[tokio::test]
async fn open_pages_hear_of_every_switch_within_a_second() {
    let app = TestApp::spawn().await;
    let mut stream = TcpStream::connect(("127.0.0.1", app.running.page_port())).await.expect("connect");
    stream
        .write_all(
            format!(
                "GET /events HTTP/1.1\r\nHost: localhost:{}\r\nAccept: text/event-stream\r\n\r\n",
                app.running.page_port()
            )
            .as_bytes(),
        )
        .await
        .expect("send");
    let mut lines = BufReader::new(stream).lines();
    let first = read_event(&mut lines, "\"name\":\"default\"").await;
    assert!(first.contains("The correct policy"), "{first}");
    app.running.state().lab.apply("expose-missing").expect("known");
    let next = read_event(&mut lines, "\"name\":\"expose-missing\"").await;
    assert!(next.contains("X-Total-Count not exposed"), "{next}");
}

#[tokio::test]
async fn event_streams_are_capped_per_client() {
    let app = TestApp::spawn().await;
    let mut open = Vec::new();
    for _ in 0..f1_race_results::lab::events::MAX_STREAMS_PER_CLIENT {
        let mut s = TcpStream::connect(("127.0.0.1", app.running.page_port())).await.expect("connect");
        s.write_all(events_request(&app).as_bytes()).await.expect("send");
        let mut lines = BufReader::new(s).lines();
        read_event(&mut lines, "default").await;
        open.push(lines);
    }
    let reply = app.page(Req::get("/events")).await;
    assert_eq!(reply.status, 429);
    assert!(reply.body.contains("too many open event streams"));
    drop(open);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut s = TcpStream::connect(("127.0.0.1", app.running.page_port())).await.expect("connect");
    s.write_all(events_request(&app).as_bytes()).await.expect("send");
    read_event(&mut BufReader::new(s).lines(), "default").await;
}

/// A registry form POST for `origin`.
fn register(app: &TestApp, origin: &str) -> Req {
    change(app, "/lab/registry", &format!("origin={}", origin.replace(':', "%3A").replace('/', "%2F")))
}

#[tokio::test]
async fn a_registration_that_cannot_be_saved_is_said_to_be_in_force_but_not_saved() {
    let certs = tempfile::tempdir().expect("temp dir");
    // A directory where the save's temporary file goes makes the save fail.
    let blocker = certs.path().join("data").join(format!(".registry.txt.{}.tmp", std::process::id()));
    std::fs::create_dir_all(blocker.join("x")).expect("blocker");
    let app = TestApp::spawn_in(certs, |_| {}).await;
    let partner = "https://partner.example";
    let reply = app.page(register(&app, partner)).await;
    assert_eq!(reply.status, 500);
    assert!(reply.body.contains("Registered and in force, but not saved"), "{}", reply.body);
    assert!(!reply.body.contains("Not registered"), "{}", reply.body);
    assert_eq!(allow_origin(&app, partner).await.as_deref(), Some(partner), "admitted all the same");
}

#[tokio::test]
async fn a_registry_file_that_failed_to_load_is_never_overwritten() {
    let certs = tempfile::tempdir().expect("temp dir");
    let data = certs.path().join("data");
    std::fs::create_dir_all(&data).expect("data dir");
    // More than any registry file may be: not loaded, so not to be replaced.
    let kept = format!("https://kept.example\n{}\n", "#".repeat(2 << 20));
    std::fs::write(data.join("registry.txt"), &kept).expect("write");
    let app = TestApp::spawn_in(certs, |_| {}).await;
    let page = app.page(Req::get("/lab")).await;
    assert!(page.body.contains("Registry changes are not saved"), "the lab says so before any change");
    let reply = app.page(register(&app, "https://new.example")).await;
    assert_eq!(reply.status, 500);
    assert!(
        reply.body.contains("in force, but not saved") && reply.body.contains("never overwrites it"),
        "{}",
        reply.body
    );
    let after = std::fs::read_to_string(data.join("registry.txt")).expect("still there");
    assert!(after == kept, "the file is untouched");
}

#[tokio::test]
async fn the_registry_is_capped_with_a_clear_refusal() {
    let app = TestApp::spawn().await;
    let lab = &app.running.state().lab;
    for i in 0..f1_race_results::cors::registry::MAX_REGISTERED {
        lab.register(&format!("https://o{i}.example")).expect("room");
    }
    let reply = app.page(register(&app, "https://one-too-many.example")).await;
    assert_eq!(reply.status, 422);
    assert!(reply.body.contains("Not registered: the registry already holds 100 origins"), "{}", reply.body);
    assert_eq!(allow_origin(&app, "https://one-too-many.example").await, None);
}
