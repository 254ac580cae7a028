//! The baseline's command line, parsed by hand (no clap: the ceiling
//! compiles little). Every flag takes one value; `--origin` and
//! `--header` may repeat.

use std::path::PathBuf;

use http::{HeaderName, HeaderValue};

/// What to serve and how.
#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) cert: PathBuf,
    pub(crate) key: PathBuf,
    /// The body of `/cors/results`, served as is from memory.
    pub(crate) fragment: PathBuf,
    /// Origins the `CorsLayer` allows (the page origin's names).
    pub(crate) origins: Vec<HeaderValue>,
    /// Response headers of `/cors/results` besides CORS (`name=value`).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

pub(crate) const USAGE: &str = "usage: f1-baseline --cert PEM --key PEM --fragment FILE \
     --origin ORIGIN... [--header NAME=VALUE...]";

impl Args {
    pub(crate) fn parse(mut raw: impl Iterator<Item = String>) -> Result<Self, String> {
        let (mut cert, mut key, mut fragment) = (None, None, None);
        let (mut origins, mut headers) = (Vec::new(), Vec::new());
        while let Some(flag) = raw.next() {
            let value = raw.next().ok_or_else(|| format!("{flag} needs a value; {USAGE}"))?;
            match flag.as_str() {
                "--cert" => cert = Some(PathBuf::from(value)),
                "--key" => key = Some(PathBuf::from(value)),
                "--fragment" => fragment = Some(PathBuf::from(value)),
                "--origin" => origins
                    .push(HeaderValue::from_str(&value).map_err(|_| "--origin: not a valid header value".to_owned())?),
                "--header" => headers.push(header(&value)?),
                _ => return Err(format!("unknown flag {flag:?}; {USAGE}")),
            }
        }
        let need = |v: Option<PathBuf>, flag: &str| v.ok_or_else(|| format!("{flag} is required; {USAGE}"));
        if origins.is_empty() {
            return Err(format!("at least one --origin is required; {USAGE}"));
        }
        Ok(Self {
            cert: need(cert, "--cert")?,
            key: need(key, "--key")?,
            fragment: need(fragment, "--fragment")?,
            origins,
            headers,
        })
    }
}

fn header(raw: &str) -> Result<(HeaderName, HeaderValue), String> {
    let bad = || "--header: expected NAME=VALUE with a valid header name and value".to_owned();
    let (name, value) = raw.split_once('=').ok_or_else(bad)?;
    Ok((HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?, HeaderValue::from_str(value).map_err(|_| bad())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn flags_are_read_and_repeat() {
        let args = parse(&[
            "--cert",
            "c.pem",
            "--key",
            "k.pem",
            "--fragment",
            "f.html",
            "--origin",
            "http://localhost:1",
            "--origin",
            "http://127.0.0.1:1",
            "--header",
            "x-race-lap=3",
        ])
        .expect("valid");
        assert_eq!(args.cert, PathBuf::from("c.pem"));
        assert_eq!(args.origins.len(), 2);
        assert_eq!(args.headers[0].0.as_str(), "x-race-lap");
        assert_eq!(args.headers[0].1, "3");
    }

    #[test]
    fn bad_command_lines_are_sentences() {
        let base = ["--cert", "c", "--key", "k", "--fragment", "f"];
        assert!(parse(&base).expect_err("no origin").contains("--origin is required"));
        assert!(parse(&["--cert"]).expect_err("no value").contains("--cert needs a value"));
        assert!(parse(&["--port", "1"]).expect_err("unknown").contains("unknown flag"));
        let with = |extra: &[&str]| parse(&[&base[..], &["--origin", "http://a"], extra].concat());
        assert!(with(&["--header", "novalue"]).is_err());
        assert!(with(&["--header", "bad name=1"]).is_err());
        assert!(with(&["--header", "x=a\nb"]).is_err());
        assert!(with(&[]).is_ok());
    }
}
