//! Rust types for the spec components that typify cannot express: open enums and lenient strings.
//!
//! A component with `x-extensible-enum: [..]` becomes an enum with one variant per listed value
//! plus `Unknown(String)`, which keeps any other value verbatim. A component with
//! `x-hwc-lenient-string: true` becomes `LenientString`-like text that also accepts numbers,
//! booleans and objects (kept as compact JSON). Both are emitted into the generated `types`
//! module, and progenitor is told to use them in place of the components (`with_replacement`).

use anyhow::{Context, Result, bail};
use heck::ToUpperCamelCase;
use openapiv3::{OpenAPI, ReferenceOr, Schema};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// Marks a component as an open enum and lists its known values (Zalando's convention).
const OPEN_ENUM_EXTENSION: &str = "x-extensible-enum";
/// Marks a component as text that may arrive as another JSON value.
const LENIENT_STRING_EXTENSION: &str = "x-hwc-lenient-string";

/// A component the generator replaces with a hand-shaped type.
pub struct ExtraType {
    /// Component name, which is also the Rust type name.
    pub name: String,
    /// The type's definition, to be placed in the generated `types` module.
    pub tokens: TokenStream,
}

/// Finds the components marked with one of the extensions above and builds their types.
pub fn collect(document: &OpenAPI) -> Result<Vec<ExtraType>> {
    let Some(components) = &document.components else {
        return Ok(Vec::new());
    };
    let mut extra = Vec::new();
    for (name, schema) in &components.schemas {
        let ReferenceOr::Item(schema) = schema else {
            continue;
        };
        let context = || format!("components.schemas.{name}");
        if let Some(values) = schema.schema_data.extensions.get(OPEN_ENUM_EXTENSION) {
            let values = string_list(values).with_context(context)?;
            let tokens = open_enum(name, description(schema), &values).with_context(context)?;
            extra.push(ExtraType {
                name: name.clone(),
                tokens,
            });
        } else if let Some(flag) = schema.schema_data.extensions.get(LENIENT_STRING_EXTENSION) {
            if flag != &Value::Bool(true) {
                bail!("{}: `{LENIENT_STRING_EXTENSION}` must be `true`", context());
            }
            extra.push(ExtraType {
                name: name.clone(),
                tokens: lenient_string(name, description(schema)),
            });
        }
    }
    Ok(extra)
}

/// The helper both kinds of type deserialize through; emitted once per file when needed.
pub fn lenient_text_helper() -> TokenStream {
    quote! {
        /// Reads a JSON value meant to be text: a string as-is, anything else as compact JSON
        /// (straight from the parser, see `crate::lenient::text`).
        fn lenient_text<'de, D>(deserializer: D) -> ::std::result::Result<::std::string::String, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::lenient::text(deserializer)
        }
    }
}

fn string_list(values: &Value) -> Result<Vec<String>> {
    let list = values
        .as_array()
        .with_context(|| format!("`{OPEN_ENUM_EXTENSION}` must be a list of strings"))?;
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for value in list {
        let text = value
            .as_str()
            .with_context(|| format!("`{OPEN_ENUM_EXTENSION}` holds {value}, not a string"))?;
        if out.iter().any(|seen| seen == text) {
            bail!("`{OPEN_ENUM_EXTENSION}` lists `{text}` twice");
        }
        out.push(text.to_owned());
    }
    if out.is_empty() {
        bail!("`{OPEN_ENUM_EXTENSION}` is empty");
    }
    Ok(out)
}

fn description(schema: &Schema) -> String {
    schema
        .schema_data
        .description
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn open_enum(name: &str, description: String, values: &[String]) -> Result<TokenStream> {
    let ident = format_ident!("{name}");
    let mut variants = Vec::with_capacity(values.len());
    for value in values {
        let variant = value.to_upper_camel_case();
        if variant.is_empty()
            || variant == "Unknown"
            || variants.iter().any(|v: &syn::Ident| v == &variant)
        {
            bail!("`{value}` does not give a distinct Rust variant name");
        }
        variants.push(
            syn::parse_str::<syn::Ident>(&variant)
                .with_context(|| format!("`{value}` does not give a Rust variant name"))?,
        );
    }
    let value_docs = values.iter().map(|value| format!("`{value}`"));
    Ok(quote! {
        #[doc = #description]
        ///
        /// Open: a value the spec does not list decodes to `Unknown` with its raw text, and
        /// encodes back to that same text.
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #ident {
            #(
                #[doc = #value_docs]
                #variants,
            )*
            /// A value the spec does not list, kept verbatim.
            Unknown(::std::string::String),
        }

        impl #ident {
            /// The values the spec lists, in its order.
            pub const KNOWN: &'static [&'static str] = &[#(#values),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::Unknown(raw) => raw.as_str(),
                }
            }

            /// Whether the value is one the spec lists.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#values => Self::#variants,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                lenient_text(deserializer).map(Self::from)
            }
        }
    })
}

fn lenient_string(name: &str, description: String) -> TokenStream {
    let ident = format_ident!("{name}");
    quote! {
        #[doc = #description]
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct #ident(::std::string::String);

        impl #ident {
            /// The text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The text, without copying it.
            pub fn into_string(self) -> ::std::string::String {
                self.0
            }
        }

        impl ::std::ops::Deref for #ident {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::AsRef<str> for #ident {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                Self(value)
            }
        }

        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl ::std::convert::From<#ident> for ::std::string::String {
            fn from(value: #ident) -> Self {
                value.0
            }
        }

        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self(value.to_owned()))
            }
        }

        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::serde::Serialize for #ident {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                lenient_text(deserializer).map(Self)
            }
        }
    }
}
