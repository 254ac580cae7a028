//! Where this user's browsers keep their certificate databases: Chromium
//! on Linux reads `~/.pki/nssdb`; Firefox has one per profile, under
//! `~/.mozilla/firefox/` (or the snap's `~/snap/firefox/common/.mozilla/firefox/`),
//! listed in `profiles.ini` or recognized by their `cert9.db`.

use std::path::{Path, PathBuf};

/// Chromium's NSS database.
pub(super) fn chromium_db(home: &Path) -> PathBuf {
    home.join(".pki").join("nssdb")
}

/// The directories Firefox keeps its profiles in.
pub(super) fn firefox_roots(home: &Path) -> Vec<PathBuf> {
    vec![home.join(".mozilla/firefox"), home.join("snap/firefox/common/.mozilla/firefox")]
}

/// Every Firefox profile directory that exists, each once.
pub(super) fn firefox_profiles(home: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    let mut add = |dir: PathBuf| {
        if dir.is_dir() && !found.contains(&dir) {
            found.push(dir);
        }
    };
    for root in firefox_roots(home) {
        if let Ok(ini) = std::fs::read_to_string(root.join("profiles.ini")) {
            for dir in listed(&root, &ini) {
                add(dir);
            }
        }
        if let Ok(entries) = std::fs::read_dir(&root) {
            let mut dirs: Vec<PathBuf> =
                entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join("cert9.db").is_file()).collect();
            dirs.sort();
            for dir in dirs {
                add(dir);
            }
        }
    }
    found
}

/// The profiles a `profiles.ini` lists: `Path=` under a `[Profile…]`
/// section, relative to `root` unless `IsRelative=0`.
fn listed(root: &Path, ini: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut section: Option<(Option<String>, bool)> = None;
    let mut flush = |section: &mut Option<(Option<String>, bool)>| {
        if let Some((Some(path), relative)) = section.take() {
            out.push(if relative { root.join(path) } else { PathBuf::from(path) });
        }
    };
    for line in ini.lines().map(str::trim) {
        if line.starts_with('[') {
            flush(&mut section);
            section = line.starts_with("[Profile").then_some((None, true));
        } else if let Some((path, relative)) = section.as_mut() {
            if let Some(value) = line.strip_prefix("Path=") {
                *path = Some(value.to_owned());
            } else if let Some(value) = line.strip_prefix("IsRelative=") {
                *relative = value != "0";
            }
        }
    }
    flush(&mut section);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_ini_lists_relative_and_absolute_profiles() {
        let ini = "[Install4F96D1932A9F858E]\nDefault=abc.default-esr\n\n[Profile1]\nName=default\nIsRelative=1\n\
                   Path=abc.default-esr\n\n[Profile0]\nName=other\nIsRelative=0\nPath=/srv/ff/other\n\n[General]\nVersion=2\n";
        let root = Path::new("/home/u/.mozilla/firefox");
        assert_eq!(
            listed(root, ini),
            vec![root.join("abc.default-esr"), PathBuf::from("/srv/ff/other")],
            "the [Install…] section's Default= is not a profile"
        );
    }

    #[test]
    fn profiles_are_found_by_profiles_ini_or_by_their_database() {
        let home = tempfile::tempdir().expect("temp dir");
        let root = home.path().join(".mozilla/firefox");
        std::fs::create_dir_all(root.join("listed.default")).expect("dir");
        std::fs::create_dir_all(root.join("unlisted")).expect("dir");
        std::fs::write(root.join("unlisted/cert9.db"), b"").expect("file");
        std::fs::create_dir_all(root.join("neither")).expect("dir");
        std::fs::write(root.join("profiles.ini"), "[Profile0]\nPath=listed.default\nIsRelative=1\n").expect("ini");
        let snap = home.path().join("snap/firefox/common/.mozilla/firefox/s.default");
        std::fs::create_dir_all(&snap).expect("dir");
        std::fs::write(snap.join("cert9.db"), b"").expect("file");
        assert_eq!(firefox_profiles(home.path()), vec![root.join("listed.default"), root.join("unlisted"), snap]);
    }
}
