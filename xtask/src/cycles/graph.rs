//! Turns a module tree into file-to-file import arrows and finds the circles among them.
//!
//! A path is followed to the file that *defines* what it names: `crate::Error`, re-exported
//! by `lib.rs` from `error.rs`, is an arrow to `error.rs`, not to `lib.rs`. A table-of-contents
//! file that re-exports its children is then never part of a circle merely for doing so.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::modules::{ModuleId, Tree};

/// Arrows between files, each with the names that make it.
pub type Arrows = BTreeMap<(PathBuf, PathBuf), BTreeSet<String>>;

/// Where a path leads: a module, or an item defined in one.
enum Target {
    Module(ModuleId),
    Item(ModuleId),
}

impl Target {
    fn module(&self) -> ModuleId {
        match self {
            Target::Module(id) | Target::Item(id) => *id,
        }
    }
}

/// Following `use` chains gives up after this many steps (a `use` loop is a compile error, but
/// the lint must not spin on code that does not build).
const MAX_STEPS: usize = 64;

/// The file-to-file arrows of one crate root.
pub fn arrows(tree: &Tree) -> Arrows {
    let mut arrows = Arrows::new();
    for (id, module) in tree.modules.iter().enumerate() {
        let mut add = |target: Option<Target>, name: &str| {
            if let Some(target) = target {
                let to = tree.modules[target.module()].file.clone();
                if to != module.file {
                    arrows
                        .entry((module.file.clone(), to))
                        .or_default()
                        .insert(name.to_string());
                }
            }
        };
        for (alias, path) in &module.imports {
            add(resolve(tree, id, path, 0), alias);
        }
        for path in &module.globs {
            add(resolve(tree, id, path, 0), "*");
        }
        for mention in &module.mentions {
            let Some(first) = mention.segments.first() else {
                continue;
            };
            let local = matches!(first.as_str(), "crate" | "super" | "self")
                || module.children.contains_key(first)
                || module.imports.contains_key(first);
            if local {
                let name = mention.segments.last().cloned().unwrap_or_default();
                add(resolve(tree, id, &mention.segments, 0), &name);
            }
        }
    }
    arrows
}

/// Follows `path`, written in module `from`, to what it names; `None` for paths outside the
/// crate.
fn resolve(tree: &Tree, from: ModuleId, path: &[String], steps: usize) -> Option<Target> {
    if steps > MAX_STEPS {
        return None;
    }
    let (first, rest) = path.split_first()?;
    let start = match first.as_str() {
        "crate" => 0,
        "self" => from,
        "super" => tree.modules[from].parent?,
        _ => {
            let module = &tree.modules[from];
            if module.children.contains_key(first) {
                return descend(tree, from, path, steps);
            }
            let imported = module.imports.get(first)?;
            let mut joined = imported.clone();
            joined.extend(rest.iter().cloned());
            return resolve(tree, from, &joined, steps + 1);
        }
    };
    if rest.first().map(String::as_str) == Some("super") {
        return resolve(tree, start, rest, steps + 1);
    }
    descend(tree, start, rest, steps)
}

/// Follows `path` downwards from module `at`.
fn descend(tree: &Tree, at: ModuleId, path: &[String], steps: usize) -> Option<Target> {
    let Some((name, rest)) = path.split_first() else {
        return Some(Target::Module(at));
    };
    let module = &tree.modules[at];
    if let Some(&child) = module.children.get(name) {
        return descend(tree, child, rest, steps);
    }
    if module.defined.contains(name) {
        return Some(Target::Item(at));
    }
    if let Some(imported) = module.imports.get(name) {
        let mut joined = imported.clone();
        joined.extend(rest.iter().cloned());
        return resolve(tree, at, &joined, steps + 1);
    }
    for glob in &module.globs {
        if let Some(Target::Module(source)) = resolve(tree, at, glob, steps + 1) {
            let holder = &tree.modules[source];
            if holder.children.contains_key(name)
                || holder.defined.contains(name)
                || holder.imports.contains_key(name)
            {
                return descend(tree, source, path, steps + 1);
            }
        }
    }
    // Not found (an enum variant, a macro-made item): the module is the best answer.
    Some(Target::Item(at))
}

/// The circles: groups of two or more files each reachable from every other (Tarjan's
/// strongly connected components), each sorted, in a stable order.
pub fn circles(arrows: &Arrows) -> Vec<Vec<PathBuf>> {
    let mut files = BTreeSet::new();
    for (from, to) in arrows.keys() {
        files.insert(from.clone());
        files.insert(to.clone());
    }
    let files: Vec<PathBuf> = files.into_iter().collect();
    let index_of: BTreeMap<&PathBuf, usize> =
        files.iter().enumerate().map(|(i, f)| (f, i)).collect();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (from, to) in arrows.keys() {
        next[index_of[from]].push(index_of[to]);
    }
    let mut search = Tarjan {
        next: &next,
        index: vec![None; files.len()],
        low: vec![0; files.len()],
        on_stack: vec![false; files.len()],
        stack: Vec::new(),
        counter: 0,
        found: Vec::new(),
    };
    for node in 0..files.len() {
        if search.index[node].is_none() {
            search.visit(node);
        }
    }
    let mut circles: Vec<Vec<PathBuf>> = search
        .found
        .into_iter()
        .filter(|group| group.len() > 1)
        .map(|group| {
            let mut group: Vec<PathBuf> = group.into_iter().map(|i| files[i].clone()).collect();
            group.sort();
            group
        })
        .collect();
    circles.sort();
    circles
}

struct Tarjan<'a> {
    next: &'a [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, node: usize) {
        self.index[node] = Some(self.counter);
        self.low[node] = self.counter;
        self.counter += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        for &successor in &self.next[node] {
            match self.index[successor] {
                None => {
                    self.visit(successor);
                    self.low[node] = self.low[node].min(self.low[successor]);
                }
                Some(index) if self.on_stack[successor] => {
                    self.low[node] = self.low[node].min(index);
                }
                Some(_) => {}
            }
        }
        if Some(self.low[node]) == self.index[node] {
            let mut group = Vec::new();
            while let Some(member) = self.stack.pop() {
                self.on_stack[member] = false;
                group.push(member);
                if member == node {
                    break;
                }
            }
            self.found.push(group);
        }
    }
}
