//! How the files of `cors` may depend on each other, checked on their text:
//! no import cycle between them, and no HTTP types outside the two files
//! that meet `http` (`layer.rs`, `to_http.rs`), so the core stays pure.

use std::collections::BTreeMap;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cors");

/// Each module of `cors` (by file name) and the sibling modules its `use super::...` lines name.
fn imports() -> BTreeMap<String, Vec<String>> {
    let mut graph = BTreeMap::new();
    for entry in std::fs::read_dir(DIR).expect("src/cors is readable").flatten() {
        let path = entry.path();
        let Some(name) =
            path.file_stem().and_then(|s| s.to_str()).filter(|_| path.extension().is_some_and(|e| e == "rs"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path).expect("a readable source file");
        let used = text
            .lines()
            .filter_map(|line| line.trim_start().trim_start_matches("pub ").strip_prefix("use super::"))
            .filter_map(|rest| rest.split([':', ';']).next())
            .map(str::to_owned)
            .collect();
        graph.insert(name.to_owned(), used);
    }
    graph
}

/// A cycle through `node`, if the graph has one reachable from it.
fn cycle_from(graph: &BTreeMap<String, Vec<String>>, node: &str, path: &mut Vec<String>) -> Option<Vec<String>> {
    if let Some(start) = path.iter().position(|n| n == node) {
        return Some(path[start..].iter().cloned().chain([node.to_owned()]).collect());
    }
    path.push(node.to_owned());
    for next in graph.get(node).into_iter().flatten() {
        if let Some(cycle) = cycle_from(graph, next, path) {
            return Some(cycle);
        }
    }
    path.pop();
    None
}

#[test]
fn the_cors_modules_import_each_other_without_a_cycle() {
    let graph = imports();
    assert!(graph.len() > 10 && graph["decide"].contains(&"policy".to_owned()), "the graph was read: {graph:?}");
    for node in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, node, &mut Vec::new()) {
            panic!("an import cycle: {}", cycle.join(" -> "));
        }
    }
}

#[test]
fn only_the_layer_and_its_conversion_name_http_types() {
    // This file names them to look for them.
    for (name, _) in imports().into_iter().filter(|(name, _)| name != "layering") {
        let text = std::fs::read_to_string(format!("{DIR}/{name}.rs")).expect("a readable source file");
        let http = text.contains("axum") || text.contains("http::");
        assert_eq!(http, ["layer", "to_http"].contains(&name.as_str()), "{name}.rs names HTTP types: {http}");
    }
}
