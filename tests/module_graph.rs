//! The shape of `src/`: no module imports another in a circle (the graph of `crate::`,
//! `super::` and `self::` paths between its files has no cycle, between top-level modules
//! (`parse`, `archive`, …) or between files), and no file is over 600 lines (a file that long
//! holds more than one job; session 28 found `parse/text.rs` at 610 with CI green).
//!
//! Why a test rather than a tool: the maintained one, `cargo-modules` (`dependencies
//! --acyclic`), needs rustc 1.98 from its 0.28 release on (we build with 1.95), and its 0.27
//! release compiles rust-analyzer's crates: a `cargo install` of it on our shared 2-core machine
//! (one job, low priority) had not finished after an hour, a cost every CI run on a fresh
//! machine would pay before checking anything. This reads the paths the way the
//! team's `modgraph.py` hook does, which is enough for a crate that names its imports:
//! - a path counts for the deepest module it names that is a file of `src/`;
//! - a file's use of its own ancestors (`super::Entry` from `archive/facets.rs`) is how Rust
//!   modules share a parent's items, so it is not an edge between files (it still is between
//!   top-level modules when it crosses one);
//! - `#[cfg(test)] mod tests { … }` at the end of a file may reach anywhere and is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use regex::Regex;

type Module = Vec<String>;
type Graph = BTreeMap<Module, BTreeSet<Module>>;

/// Every `.rs` file under `dir`, by module path (`archive/mod.rs` is `["archive"]`).
fn read_tree(dir: &Path) -> BTreeMap<Module, String> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(dir).unwrap().with_extension("");
                let mut module: Module = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    module.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    module.pop();
                }
                files.insert(module, std::fs::read_to_string(&path).unwrap());
            }
        }
    }
    files
}

/// The deepest module of `modules` that `segments` name, read from `base`.
fn resolve(modules: &BTreeSet<Module>, base: &[String], segments: &[&str]) -> Module {
    let mut path: Module = base.to_vec();
    for s in segments {
        match *s {
            "super" => {
                path.pop();
            }
            "self" => {}
            s => path.push(s.to_owned()),
        }
    }
    while !path.is_empty() && !modules.contains(&path) {
        path.pop();
    }
    path
}

/// Each module's imports of other modules.
fn edges(files: &BTreeMap<Module, String>) -> Graph {
    let modules: BTreeSet<Module> = files.keys().cloned().collect();
    let comment = Regex::new(r"//[^\n]*").unwrap();
    let tests = Regex::new(r"(?s)#\[cfg\(test\)\]\s*mod tests\s*\{.*").unwrap();
    let group =
        Regex::new(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^}]*)\}").unwrap();
    let path = Regex::new(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)").unwrap();
    let mut graph = Graph::new();
    for (module, text) in files {
        let code = comment.replace_all(text, "");
        let code = tests.replace(&code, "");
        let mut add = |root: &str, rest: &str, item: &str| {
            let base: &[String] = if root == "crate" { &[] } else { module };
            let mut segments: Vec<&str> = Vec::new();
            if root != "crate" {
                segments.push(root);
            }
            segments.extend(rest.split("::").filter(|s| !s.is_empty()));
            let item = item.split(" as ").next().unwrap_or("");
            segments.extend(
                item.split("::")
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "*"),
            );
            let target = resolve(&modules, base, &segments);
            if !target.is_empty() && &target != module {
                graph.entry(module.clone()).or_default().insert(target);
            }
        };
        for c in group.captures_iter(&code) {
            for item in c[3].split(',') {
                add(&c[1], &c[2], item.trim());
            }
        }
        for c in path.captures_iter(&code) {
            add(&c[1], &c[2], "");
        }
    }
    graph
}

/// The strongly connected components of more than one node (Tarjan's algorithm).
fn cycles(graph: &Graph) -> Vec<Vec<Module>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    let nodes: BTreeSet<&Module> = graph.keys().chain(graph.values().flatten()).collect();
    for v in nodes {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The cycles between top-level modules, then between files, as `a <-> b` lines.
fn find_cycles(files: &BTreeMap<Module, String>) -> Vec<String> {
    let graph = edges(files);
    let is_ancestor = |a: &Module, b: &Module| a.starts_with(b) || b.starts_with(a);
    let between_files: Graph = graph
        .iter()
        .map(|(a, bs)| {
            (
                a.clone(),
                bs.iter().filter(|b| !is_ancestor(a, b)).cloned().collect(),
            )
        })
        .collect();
    let mut top = Graph::new();
    for (a, bs) in &graph {
        for b in bs {
            if let (Some(x), Some(y)) = (a.first(), b.first())
                && x != y
            {
                top.entry(vec![x.clone()])
                    .or_default()
                    .insert(vec![y.clone()]);
            }
        }
    }
    let show = |kind: &str, c: Vec<Module>| {
        let names: Vec<String> = c.iter().map(|m| m.join("/")).collect();
        format!("{kind} cycle: {}", names.join(" <-> "))
    };
    let mut out: Vec<String> = cycles(&top)
        .into_iter()
        .map(|c| show("top-level", c))
        .collect();
    out.extend(cycles(&between_files).into_iter().map(|c| show("file", c)));
    out
}

#[test]
fn src_has_no_module_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = read_tree(&src);
    assert!(
        files.len() > 20,
        "read {} files of {}",
        files.len(),
        src.display()
    );
    let found = find_cycles(&files);
    assert!(
        found.is_empty(),
        "modules that import each other:\n{}",
        found.join("\n")
    );
}

/// The most lines a file of `src/` may hold, its tests included.
const MOST_LINES: usize = 600;

#[test]
fn no_file_of_src_is_over_600_lines() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = read_tree(&src);
    assert!(files.len() > 20, "read {} files", files.len());
    let long: Vec<String> = files
        .iter()
        .filter(|(_, text)| text.lines().count() > MOST_LINES)
        .map(|(module, text)| format!("{}: {} lines", module.join("/"), text.lines().count()))
        .collect();
    assert!(
        long.is_empty(),
        "files over {MOST_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// The checker itself finds what it is for: a tree made up to hold each kind of cycle.
#[test]
fn the_check_finds_cycles_and_lets_a_parent_be_used() {
    let tree = |files: &[(&str, &str)]| -> BTreeMap<Module, String> {
        files
            .iter()
            .map(|(m, text)| (m.split('/').map(String::from).collect(), text.to_string()))
            .collect()
    };
    // `a` and `b` at the top, through a grouped import and a plain path.
    let found = find_cycles(&tree(&[
        ("a", "use crate::b::{Thing, other::More};"),
        ("b", "pub fn f() { crate::a::g() }"),
        ("b/other", ""),
    ]));
    assert_eq!(found, ["top-level cycle: a <-> b", "file cycle: a <-> b"]);
    // Two files of one folder, through `super::`; the folder's own items are not a cycle.
    let found = find_cycles(&tree(&[
        ("x", "mod one; mod two; pub struct Shared;"),
        ("x/one", "use super::two::T; use super::Shared;"),
        ("x/two", "use super::one::U; // use crate::y;"),
        ("y", "#[cfg(test)]\nmod tests { use crate::x::one::U; }"),
    ]));
    assert_eq!(found, ["file cycle: x/one <-> x/two"]);
    let found = find_cycles(&tree(&[
        ("x", "mod one; pub struct Shared;"),
        ("x/one", "use super::Shared;"),
    ]));
    assert!(found.is_empty(), "{found:?}");
}
