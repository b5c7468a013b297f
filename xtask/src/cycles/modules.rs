//! Reads one crate root and the module files it declares into a module tree: for each module,
//! the file it lives in, its child modules, the names it defines, the names its `use`
//! declarations bring in, and every path it mentions that starts inside the crate.
//!
//! `#[cfg(test)]` items are left out: a test module may reach anywhere, and what matters is
//! how the shipped code depends on itself.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

/// Index of a module in [`Tree::modules`].
pub type ModuleId = usize;

/// A path as written, and the module it was written in.
pub struct Mention {
    /// The segments (`crate`, `super`, `self` or names), without generics.
    pub segments: Vec<String>,
}

/// One module: a file, or an inline `mod name { .. }` inside one.
pub struct Module {
    /// The file holding the module's code.
    pub file: PathBuf,
    /// The module this one is declared in (`None` for the crate root).
    pub parent: Option<ModuleId>,
    /// Child modules by name.
    pub children: BTreeMap<String, ModuleId>,
    /// Names of the items defined here (types, functions, constants, macros...).
    pub defined: BTreeSet<String>,
    /// `use a::b as c;` as `c -> [a, b]`, the path still relative to this module.
    pub imports: BTreeMap<String, Vec<String>>,
    /// `use a::b::*;` as `[a, b]`.
    pub globs: Vec<Vec<String>>,
    /// Every path mentioned outside `use` declarations.
    pub mentions: Vec<Mention>,
}

/// The modules of one crate root.
pub struct Tree {
    /// Module 0 is the root.
    pub modules: Vec<Module>,
}

impl Tree {
    /// Reads the crate whose root file is `root` (`lib.rs`, `main.rs` or a `bin/` file).
    pub fn read(root: &Path) -> Result<Tree> {
        let mut tree = Tree {
            modules: Vec::new(),
        };
        let directory = root.parent().map(Path::to_path_buf).unwrap_or_default();
        tree.read_file(root, directory, None)?;
        Ok(tree)
    }

    fn read_file(
        &mut self,
        file: &Path,
        directory: PathBuf,
        parent: Option<ModuleId>,
    ) -> Result<ModuleId> {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let parsed =
            syn::parse_file(&text).with_context(|| format!("parsing {}", file.display()))?;
        let id = self.add(file, parent);
        self.read_items(id, &parsed.items, &directory)?;
        Ok(id)
    }

    fn add(&mut self, file: &Path, parent: Option<ModuleId>) -> ModuleId {
        self.modules.push(Module {
            file: file.to_path_buf(),
            parent,
            children: BTreeMap::new(),
            defined: BTreeSet::new(),
            imports: BTreeMap::new(),
            globs: Vec::new(),
            mentions: Vec::new(),
        });
        self.modules.len() - 1
    }

    /// `directory` is where the files of this module's children are looked for.
    fn read_items(&mut self, id: ModuleId, items: &[syn::Item], directory: &Path) -> Result<()> {
        for item in items {
            if is_test_only(item) {
                continue;
            }
            match item {
                syn::Item::Mod(module) => {
                    let name = module.ident.to_string().trim_start_matches("r#").to_owned();
                    let child = match &module.content {
                        Some((_, inner)) => {
                            let file = self.modules[id].file.clone();
                            let child = self.add(&file, Some(id));
                            self.read_items(child, inner, &directory.join(&name))?;
                            child
                        }
                        None => {
                            let file = module_file(directory, &name).with_context(|| {
                                format!(
                                    "mod {name} declared in {} has no file",
                                    self.modules[id].file.display()
                                )
                            })?;
                            self.read_file(&file, directory.join(&name), Some(id))?
                        }
                    };
                    self.modules[id].children.insert(name, child);
                }
                syn::Item::Use(declaration) => {
                    let mut prefix = Vec::new();
                    self.read_use(id, &declaration.tree, &mut prefix);
                }
                other => {
                    if let Some(name) = defined_name(other) {
                        self.modules[id].defined.insert(name);
                    }
                    let mentions = &mut self.modules[id].mentions;
                    collect_paths(other.to_token_stream(), mentions);
                }
            }
        }
        Ok(())
    }

    fn read_use(&mut self, id: ModuleId, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.read_use(id, &path.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(name) => {
                let name = name.ident.to_string();
                let mut full = prefix.clone();
                let alias = if name == "self" {
                    prefix.last().cloned().unwrap_or_default()
                } else {
                    full.push(name.clone());
                    name
                };
                self.modules[id].imports.insert(alias, full);
            }
            syn::UseTree::Rename(rename) => {
                let mut full = prefix.clone();
                if rename.ident != "self" {
                    full.push(rename.ident.to_string());
                }
                self.modules[id]
                    .imports
                    .insert(rename.rename.to_string(), full);
            }
            syn::UseTree::Glob(_) => self.modules[id].globs.push(prefix.clone()),
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.read_use(id, tree, prefix);
                }
            }
        }
    }
}

/// `name.rs` or `name/mod.rs` in `directory`.
fn module_file(directory: &Path, name: &str) -> Option<PathBuf> {
    [
        directory.join(format!("{name}.rs")),
        directory.join(name).join("mod.rs"),
    ]
    .into_iter()
    .find(|candidate| candidate.is_file())
}

/// Items behind `#[cfg(test)]`.
fn is_test_only(item: &syn::Item) -> bool {
    let attributes = match item {
        syn::Item::Mod(item) => &item.attrs,
        syn::Item::Use(item) => &item.attrs,
        syn::Item::Fn(item) => &item.attrs,
        syn::Item::Impl(item) => &item.attrs,
        syn::Item::Struct(item) => &item.attrs,
        syn::Item::Enum(item) => &item.attrs,
        syn::Item::Const(item) => &item.attrs,
        syn::Item::Static(item) => &item.attrs,
        _ => return false,
    };
    attributes.iter().any(|attribute| {
        attribute.path().is_ident("cfg")
            && attribute
                .meta
                .to_token_stream()
                .to_string()
                .replace(' ', "")
                == "cfg(test)"
    })
}

fn defined_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(item) => &item.ident,
        syn::Item::Enum(item) => &item.ident,
        syn::Item::Fn(item) => &item.sig.ident,
        syn::Item::Static(item) => &item.ident,
        syn::Item::Struct(item) => &item.ident,
        syn::Item::Trait(item) => &item.ident,
        syn::Item::Type(item) => &item.ident,
        syn::Item::Union(item) => &item.ident,
        syn::Item::Macro(item) => item.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

/// Every `a::b::c` in the tokens (inside groups too), as its identifier segments. Paths that
/// start after `::` are parts of longer ones and are not collected again.
fn collect_paths(tokens: TokenStream, out: &mut Vec<Mention>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TokenTree::Group(group) => {
                collect_paths(group.stream(), out);
                index += 1;
            }
            // `quote! { crate::x }` is code for another crate, not a path of this one.
            TokenTree::Ident(ident) if is_quasi_quote(&tokens, index, ident) => index += 3,
            // `$name::x` in a macro: the path depends on what the macro is given.
            TokenTree::Ident(_) if follows_dollar(&tokens, index) => index += 1,
            TokenTree::Ident(ident) if !follows_path_separator(&tokens, index) => {
                let mut segments = vec![ident.to_string()];
                let mut next = index + 1;
                while is_path_separator(&tokens, next) {
                    match tokens.get(next + 2) {
                        Some(TokenTree::Ident(ident)) => {
                            segments.push(ident.to_string());
                            next += 3;
                        }
                        Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                            // `path::{a, b::c}` in a macro body: each member extends the path.
                            for member in split_commas(group.stream()) {
                                let mut inner = Vec::new();
                                collect_paths(member, &mut inner);
                                if let Some(first) = inner.into_iter().next() {
                                    let mut joined = segments.clone();
                                    joined.extend(first.segments);
                                    out.push(Mention { segments: joined });
                                }
                            }
                            next += 3;
                            break;
                        }
                        _ => break,
                    }
                }
                // `quote::quote! { .. }`: the path names the macro; its body is not this crate's.
                let quoted = segments
                    .last()
                    .is_some_and(|last| QUASI_QUOTES.contains(&last.as_str()))
                    && matches!(tokens.get(next), Some(TokenTree::Punct(bang)) if bang.as_char() == '!')
                    && matches!(tokens.get(next + 1), Some(TokenTree::Group(_)));
                if segments.len() > 1 {
                    out.push(Mention { segments });
                }
                index = if quoted { next + 2 } else { next };
            }
            _ => index += 1,
        }
    }
}

/// Macros whose body is code being written, not code of this crate.
const QUASI_QUOTES: [&str; 3] = ["quote", "parse_quote", "quote_spanned"];

fn is_quasi_quote(tokens: &[TokenTree], at: usize, ident: &proc_macro2::Ident) -> bool {
    QUASI_QUOTES.iter().any(|name| ident == name)
        && matches!(tokens.get(at + 1), Some(TokenTree::Punct(bang)) if bang.as_char() == '!')
        && matches!(tokens.get(at + 2), Some(TokenTree::Group(_)))
}

fn follows_dollar(tokens: &[TokenTree], at: usize) -> bool {
    at >= 1 && matches!(&tokens[at - 1], TokenTree::Punct(dollar) if dollar.as_char() == '$')
}

fn is_path_separator(tokens: &[TokenTree], at: usize) -> bool {
    matches!(
        (tokens.get(at), tokens.get(at + 1)),
        (Some(TokenTree::Punct(first)), Some(TokenTree::Punct(second)))
            if first.as_char() == ':' && first.spacing() == Spacing::Joint && second.as_char() == ':'
    )
}

fn follows_path_separator(tokens: &[TokenTree], at: usize) -> bool {
    at >= 2 && is_path_separator(tokens, at - 2)
}

fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts = vec![TokenStream::new()];
    for token in tokens {
        match &token {
            TokenTree::Punct(punct) if punct.as_char() == ',' => parts.push(TokenStream::new()),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.extend([token]);
                }
            }
        }
    }
    parts
}
