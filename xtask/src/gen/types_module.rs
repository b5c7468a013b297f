//! Finding progenitor's `types` module in a generated file, where the extra types go and the
//! lenient readings are applied.

use anyhow::{Context, Result};

/// The items of progenitor's `types` module in `file`.
pub fn types_module(file: &mut syn::File) -> Result<&mut Vec<syn::Item>> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(module) if module.ident == "types" => module.content.as_mut(),
            _ => None,
        })
        .map(|(_, items)| items)
        .context("progenitor output has no `types` module")
}
