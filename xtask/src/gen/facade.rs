//! The facade's generated layer: for each spec, `crates/hwc/src/generated/<module>.rs` with the
//! service handle (`client.hss()`), one builder per operation (required parameters as
//! arguments, a setter and a `set_*` per optional one, `send()`, `into_paginator()`), and the
//! table of operations the CLI reads. Names come from `x-hwc-facade`; types from progenitor's
//! own builders, so that the two layers cannot disagree.

use std::collections::HashMap;

use anyhow::{Context, Result, bail};
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use openapiv3::{
    OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::descriptor::{ok_body, resolve_parameter, resolve_schema, schema_by_reference};
use super::names::{OperationNames, ServiceNames};
use super::spec::Spec;

/// Progenitor's builder field types, per operation id and parameter name, with paths made
/// absolute (`hwc_api::hss::types::ImageType`).
pub type BuilderTypes = HashMap<String, HashMap<String, syn::Type>>;

/// Reads the parameter types of every operation builder in progenitor's output.
pub fn builder_types(file: &syn::File, module: &str, spec: &Spec) -> Result<BuilderTypes> {
    let builder = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .context("progenitor output has no `builder` module")?;
    let mut out = BuilderTypes::new();
    for (_, _, operation) in spec.document.operations() {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let name = id.to_upper_camel_case();
        let structure = builder
            .1
            .iter()
            .find_map(|item| match item {
                syn::Item::Struct(s) if s.ident == name => Some(s),
                _ => None,
            })
            .with_context(|| format!("progenitor made no builder `{name}` for {id}"))?;
        let mut fields = HashMap::new();
        for field in &structure.fields {
            let Some(ident) = &field.ident else { continue };
            if ident == "client" {
                continue;
            }
            let inner = value_type(&field.ty)
                .with_context(|| format!("{name}.{ident}: not `Result<T, String>`"))?;
            fields.insert(ident.to_string(), absolute(inner, module));
        }
        out.insert(id.to_owned(), fields);
    }
    Ok(out)
}

/// `T` of `Result<T, String>` or `Result<Option<T>, String>`.
fn value_type(ty: &syn::Type) -> Option<syn::Type> {
    let first_argument = |ty: &syn::Type, wrapper: &str| -> Option<syn::Type> {
        let syn::Type::Path(path) = ty else {
            return None;
        };
        let last = path.path.segments.last()?;
        if last.ident != wrapper {
            return None;
        }
        let syn::PathArguments::AngleBracketed(arguments) = &last.arguments else {
            return None;
        };
        match arguments.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner.clone()),
            _ => None,
        }
    };
    let inner = first_argument(ty, "Result")?;
    Some(first_argument(&inner, "Option").unwrap_or(inner))
}

/// `types::X` as `hwc_api::<module>::types::X`, also as the argument of a generic type
/// (`Vec<types::X>`, a list parameter).
fn absolute(mut ty: syn::Type, module: &str) -> syn::Type {
    if let syn::Type::Path(path) = &mut ty
        && let Some(last) = path.path.segments.last_mut()
        && let syn::PathArguments::AngleBracketed(arguments) = &mut last.arguments
    {
        for argument in arguments.args.iter_mut() {
            if let syn::GenericArgument::Type(inner) = argument {
                *inner = absolute(inner.clone(), module);
            }
        }
    }
    if let syn::Type::Path(path) = &ty
        && path.qself.is_none()
        && path.path.leading_colon.is_none()
        && path
            .path
            .segments
            .first()
            .is_some_and(|s| s.ident == "types")
    {
        let module = format_ident!("{module}");
        let rest = &path.path;
        return syn::parse_quote!(hwc_api::#module::#rest);
    }
    ty
}

/// What a parameter is to the facade.
enum Kind {
    /// Text: `impl Into<String>`.
    Text,
    /// A UTC instant written in this strftime form: `jiff::Timestamp`.
    Time(String),
    /// One of a list: the generated enum.
    Choice,
    /// A whole number: `u64` when the spec allows no negative value, else `i64`.
    Integer { unsigned: bool },
    /// A list of texts or of one of a list (`Vec<String>`, `Vec<` the generated enum `>`),
    /// held as a JSON array of texts and sent as the parameter repeated.
    List { choice: bool },
}

struct Param {
    index: usize,
    name: String,
    /// The builder method: the wire name in snake case, as progenitor names it (`type_` for a
    /// parameter named `type`: a Rust keyword gets an underscore).
    ident: syn::Ident,
    /// The clearing setter: `set_` and the snake-case name (`set_type`).
    setter: syn::Ident,
    kind: Kind,
    required: bool,
    from_client: bool,
    /// Progenitor's type for the value.
    generated: syn::Type,
    doc: String,
}

/// The facade module of one spec.
pub fn facade_module(spec: &Spec, types: &BuilderTypes) -> Result<String> {
    let document = &spec.document;
    let service = ServiceNames::of(document)?;
    let handle = format_ident!("{}", service.handle);
    let handle_method = format_ident!("{}", service.method);
    let service_doc = &service.doc;

    let mut methods = Vec::new();
    let mut items = Vec::new();
    let mut entries = Vec::new();
    // Generated types users name: the enums setters take, items without a hand-written model.
    let mut reexports: Vec<String> = Vec::new();
    let mut has_models = false;
    for (path, method, operation) in document.operations() {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let at = || format!("paths.{path}.{method}");
        if method != "get" {
            bail!("{}: the facade generates GET operations only", at());
        }
        let names = OperationNames::of(operation).with_context(at)?;
        let fields = types.get(id).with_context(at)?;
        let mut params = parameters(document, operation, fields).with_context(at)?;
        // The paging parameters are the paginator's to fill (and `send()` fills a required one
        // from the spec): for the builder they are optional, even where the spec requires them.
        let paging_names: Vec<&str> = ["offset", "limit"]
            .iter()
            .filter_map(|key| {
                operation
                    .extensions
                    .get("x-hwc-paging")?
                    .get(*key)?
                    .as_str()
            })
            .collect();
        for param in &mut params {
            if paging_names.contains(&param.name.as_str()) {
                param.required = false;
            }
        }
        let (method_tokens, builder_tokens, entry) =
            operation_tokens(document, spec, operation, &names, &params).with_context(at)?;
        let prefix = format!("hwc_api :: {} :: types :: ", spec.module);
        for param in params
            .iter()
            .filter(|p| matches!(p.kind, Kind::Choice | Kind::List { choice: true }))
        {
            let generated = match param.kind {
                Kind::List { .. } => list_item(&param.generated)?,
                _ => param.generated.clone(),
            };
            let path = quote!(#generated).to_string();
            if let Some(name) = path.strip_prefix(&prefix) {
                reexports.push(name.to_owned());
            }
        }
        has_models |= names.item.is_some();
        if names.item.is_none() {
            match operation.extensions.get("x-hwc-paging") {
                Some(paging) => {
                    let items_field = paging
                        .get("items")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    reexports.push(item_type(document, operation, items_field).with_context(at)?);
                }
                None => reexports.push(
                    super::descriptor::ok_body_name(operation)
                        .with_context(at)?
                        .to_upper_camel_case(),
                ),
            }
        }
        methods.push(method_tokens);
        items.push(builder_tokens);
        entries.push(entry);
    }

    reexports.sort();
    reexports.dedup();
    // A service whose operations name hand-written models (`x-hwc-facade.item`) has them in
    // `crate::models::<module>`, re-exported here beside its builders.
    let models = if has_models {
        let module = format_ident!("{}", spec.module);
        quote!(pub use crate::models::#module::*;)
    } else {
        quote!()
    };
    let module = format_ident!("{}", spec.module);
    let reexports = if reexports.is_empty() {
        quote!()
    } else {
        let names = reexports.iter().map(|name| format_ident!("{name}"));
        quote!(pub use hwc_api::#module::types::{#(#names),*};)
    };
    let module_doc = format!(
        "{}: the builders of its operations (`client.{}()`){}.",
        service.name,
        service.method,
        if has_models {
            ", and the models of their answers"
        } else {
            ", whose items are the generated types"
        }
    );
    let tokens = quote! {
        #![doc = #module_doc]

        #reexports

        #models

        #[allow(unused_imports)]
        use crate::Client;
        #[allow(unused_imports)]
        use crate::operations::{CallFromParameters, Entry, FromParameters};
        #[allow(unused_imports)]
        use hwc_runtime::Error;
        #[allow(unused_imports)]
        use hwc_runtime::plumbing::support;
        #[allow(unused_imports)]
        use hwc_runtime::{Page, Paginator};

        #[doc = #service_doc]
        #[derive(Clone, Debug)]
        pub struct #handle {
            client: Client,
        }

        impl Client {
            #[doc = #service_doc]
            pub fn #handle_method(&self) -> #handle {
                #handle { client: self.clone() }
            }
        }

        impl #handle {
            #(#methods)*
        }

        /// Every operation of the service, for tools that call them by name, such as the CLI.
        pub const OPERATIONS: &[Entry] = &[#(#entries),*];

        #(#items)*
    };
    let file: syn::File = syn::parse2(tokens).context("the facade module is not valid Rust")?;
    Ok(format!(
        "// Generated by `cargo xtask gen` from {}. Do not edit: change the spec and regenerate.\n\n{}",
        spec.relative_path,
        prettyplease::unparse(&file)
    ))
}

fn parameters(
    document: &OpenAPI,
    operation: &openapiv3::Operation,
    fields: &HashMap<String, syn::Type>,
) -> Result<Vec<Param>> {
    let mut out = Vec::new();
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let parameter = resolve_parameter(document, parameter)?;
        let data = match parameter {
            Parameter::Path { parameter_data, .. } | Parameter::Query { parameter_data, .. } => {
                parameter_data
            }
            _ => bail!("parameters[{index}]: only path and query parameters are supported"),
        };
        let name = data.name.clone();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            bail!("parameter {name}: `content` parameters are not supported");
        };
        let resolved = resolve_schema(document, schema)?;
        let kind = kind(document, resolved).with_context(|| format!("parameter {name}"))?;
        let snake = name.to_snake_case();
        let field = rust_name(&snake);
        let generated = fields
            .get(&field)
            .with_context(|| format!("progenitor's builder has no field `{field}`"))?
            .clone();
        let help = match data.extensions.get("x-hwc-help") {
            Some(Value::String(help)) => help.trim().to_owned(),
            _ => data
                .description
                .as_deref()
                .unwrap_or(&name)
                .trim()
                .to_owned(),
        };
        let constraint = constraint(resolved, &kind);
        let doc = if constraint.is_empty() {
            help
        } else {
            format!("{help}\n\n{constraint}")
        };
        out.push(Param {
            index,
            ident: syn::parse_str::<syn::Ident>(&field)
                .with_context(|| format!("parameter {name} is not a Rust name"))?,
            setter: syn::parse_str::<syn::Ident>(&format!("set_{snake}"))
                .with_context(|| format!("parameter {name} makes no setter name"))?,
            name,
            kind,
            required: data.required,
            from_client: data.extensions.contains_key("x-hwc-from-client"),
            generated,
            doc,
        });
    }
    Ok(out)
}

/// `name` as an identifier, the way progenitor (typify) makes one: a keyword, or `gen`
/// (reserved in Rust 2024), gets a trailing underscore.
fn rust_name(name: &str) -> String {
    if name == "gen" || syn::parse_str::<syn::Ident>(name).is_err() {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

fn kind(document: &OpenAPI, schema: &Schema) -> Result<Kind> {
    Ok(match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => {
            let items = array
                .items
                .as_ref()
                .context("a list parameter needs `items`")?;
            let items = match items {
                ReferenceOr::Item(item) => item.as_ref(),
                ReferenceOr::Reference { reference } => schema_by_reference(document, reference)?,
            };
            match kind(document, items)? {
                Kind::Text => Kind::List { choice: false },
                Kind::Choice => Kind::List { choice: true },
                _ => bail!("only lists of text or of enum values are supported"),
            }
        }
        SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => Kind::Choice,
        SchemaKind::Type(Type::String(_)) => {
            match schema.schema_data.extensions.get("x-hwc-time-format") {
                Some(Value::String(format)) => Kind::Time(format.clone()),
                _ => Kind::Text,
            }
        }
        SchemaKind::Type(Type::Integer(integer)) => Kind::Integer {
            unsigned: integer.minimum.is_some_and(|m| m >= 0),
        },
        _ => bail!("only string, string-enum, integer and list parameters are supported"),
    })
}

/// `T` of progenitor's `Vec<T>` for a list parameter.
fn list_item(ty: &syn::Type) -> Result<syn::Type> {
    if let syn::Type::Path(path) = ty
        && let Some(last) = path.path.segments.last()
        && last.ident == "Vec"
        && let syn::PathArguments::AngleBracketed(arguments) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = arguments.args.first()
    {
        return Ok(inner.clone());
    }
    bail!("progenitor's type of a list parameter is not `Vec<T>`")
}

/// The documented constraints, for a setter's documentation.
fn constraint(schema: &Schema, kind: &Kind) -> String {
    let default = schema
        .schema_data
        .default
        .as_ref()
        .map(|value| match value {
            Value::String(text) => format!(" The API's default is `{text}`."),
            other => format!(" The API's default is {other}."),
        })
        .unwrap_or_default();
    let rule = match (&schema.schema_kind, kind) {
        (_, Kind::Time(format)) => format!("Sent in UTC as `{format}`."),
        (SchemaKind::Type(Type::String(string)), Kind::Choice) => {
            let values: Vec<String> = string
                .enumeration
                .iter()
                .flatten()
                .map(|v| format!("`{v}`"))
                .collect();
            format!("One of {}.", values.join(", "))
        }
        (SchemaKind::Type(Type::String(string)), _) => {
            match (string.min_length.unwrap_or(0), string.max_length) {
                (0, None) => String::new(),
                (min, None) => format!("At least {min} characters."),
                (min, Some(max)) => format!("{min} to {max} characters."),
            }
        }
        (SchemaKind::Type(Type::Array(array)), _) => {
            let sent = "Sent as the parameter repeated, once per value.";
            match (array.min_items.filter(|&min| min > 0), array.max_items) {
                (Some(min), Some(max)) => format!("{min} to {max} values. {sent}"),
                (Some(min), None) => format!("At least {min} values. {sent}"),
                (None, Some(max)) => format!("At most {max} values. {sent}"),
                (None, None) => sent.to_owned(),
            }
        }
        (SchemaKind::Type(Type::Integer(integer)), _) => match (integer.minimum, integer.maximum) {
            (Some(min), Some(max)) => format!("{min} to {max}."),
            (Some(min), None) => format!("At least {min}."),
            (None, Some(max)) => format!("At most {max}."),
            (None, None) => String::new(),
        },
        _ => String::new(),
    };
    format!("{rule}{default}").trim().to_owned()
}

/// The facade's argument type of a parameter, and the expression turning `value` into text.
fn facade_type(param: &Param) -> (TokenStream, TokenStream) {
    match &param.kind {
        Kind::Text => (quote!(String), quote!(value)),
        Kind::Time(format) => (
            quote!(jiff::Timestamp),
            quote!(hwc_runtime::validate::format_time(#format, value)),
        ),
        Kind::Choice => {
            let ty = &param.generated;
            (quote!(#ty), quote!(value.to_string()))
        }
        Kind::Integer { unsigned: true } => (quote!(u64), quote!(value.to_string())),
        Kind::Integer { unsigned: false } => (quote!(i64), quote!(value.to_string())),
        Kind::List { .. } => {
            let ty = &param.generated;
            (
                quote!(#ty),
                quote!(hwc_api::validate::list_text(
                    value.iter().map(|item| item.to_string())
                )),
            )
        }
    }
}

fn operation_tokens(
    document: &OpenAPI,
    spec: &Spec,
    operation: &openapiv3::Operation,
    names: &OperationNames,
    params: &[Param],
) -> Result<(TokenStream, TokenStream, TokenStream)> {
    let id = operation.operation_id.as_deref().unwrap_or_default();
    let module = format_ident!("{}", spec.module);
    let constant = format_ident!("{}", id.to_shouty_snake_case());
    let builder = format_ident!("{}", names.builder);
    let method = format_ident!("{}", names.method);
    let generated_method = format_ident!("{}", id.to_snake_case());
    let client_of = format_ident!("{}_client", spec.module);
    let count = proc_macro2::Literal::usize_unsuffixed(params.len());
    // The method on the service handle, taking the required parameters in order.
    let arguments: Vec<&Param> = match &names.arguments {
        Some(order) => order
            .iter()
            .map(|name| {
                params
                    .iter()
                    .find(|p| &p.name == name)
                    .with_context(|| format!("x-hwc-facade.arguments: no parameter `{name}`"))
            })
            .collect::<Result<_>>()?,
        None => params
            .iter()
            .filter(|p| p.required && !p.from_client)
            .collect(),
    };
    for param in params {
        let listed = arguments.iter().any(|a| a.index == param.index);
        if param.required && !param.from_client && !listed {
            bail!(
                "x-hwc-facade.arguments: required parameter `{}` is missing",
                param.name
            );
        }
        if listed && (!param.required || param.from_client) {
            bail!(
                "x-hwc-facade.arguments: `{}` is optional or filled by the client",
                param.name
            );
        }
    }
    let argument_list = arguments.iter().map(|p| {
        let ident = &p.ident;
        match p.kind {
            Kind::Text => quote!(#ident: impl Into<String>),
            _ => {
                let (ty, _) = facade_type(p);
                quote!(#ident: #ty)
            }
        }
    });
    let argument_stores = arguments.iter().map(|p| {
        let ident = &p.ident;
        let index = proc_macro2::Literal::usize_unsuffixed(p.index);
        let (_, to_text) = facade_type(p);
        let value = match p.kind {
            Kind::Text => quote!(#ident.into()),
            _ => quote!({ let value = #ident; #to_text }),
        };
        quote!(values[#index] = Some(#value);)
    });
    let mut method_doc = names.doc.clone().unwrap_or_else(|| {
        operation
            .summary
            .clone()
            .unwrap_or_else(|| format!("`{id}`."))
    });
    method_doc = method_doc.trim().to_owned();
    let method_tokens = quote! {
        #[doc = #method_doc]
        pub fn #method(&self, #(#argument_list),*) -> #builder {
            let mut values: support::Values<#count> = std::array::from_fn(|_| None);
            #(#argument_stores)*
            #builder { client: self.client.clone(), values, options: self.client.call_defaults() }
        }
    };

    // Setters of the optional parameters.
    let setters: Vec<TokenStream> = params
        .iter()
        .filter(|p| !p.required && !p.from_client)
        .map(|p| {
            let ident = &p.ident;
            let set = &p.setter;
            let index = proc_macro2::Literal::usize_unsuffixed(p.index);
            let doc = &p.doc;
            let set_doc = format!("Sets or clears [`{0}`](Self::{0}).", p.ident);
            let (ty, to_text) = facade_type(p);
            let argument = match p.kind {
                Kind::Text => quote!(value: impl Into<String>),
                _ => quote!(value: #ty),
            };
            let converted = match p.kind {
                Kind::Text => quote!(value.into()),
                _ => quote!(value),
            };
            let store = match p.kind {
                Kind::Text => quote!(value),
                _ => quote!(value.map(|value| #to_text)),
            };
            quote! {
                #[doc = #doc]
                pub fn #ident(self, #argument) -> Self {
                    self.#set(Some(#converted))
                }

                #[doc = #set_doc]
                pub fn #set(mut self, value: Option<#ty>) -> Self {
                    self.values[#index] = #store;
                    self
                }
            }
        })
        .collect();

    // Forwarding the checked texts to progenitor's builder.
    let forwards = params
        .iter()
        .map(|p| {
            let ident = &p.ident;
            let index = proc_macro2::Literal::usize_unsuffixed(p.index);
            let ty = &p.generated;
            Ok(match p.kind {
                Kind::List { .. } => {
                    let item = list_item(ty)?;
                    quote! {
                        if let Some(text) = &wire[#index] {
                            request = request.#ident(support::parse_list::<#item>(#constant, #index, text)?);
                        }
                    }
                }
                _ => quote! {
                    if let Some(text) = &wire[#index] {
                        request = request.#ident(support::parse::<#ty>(#constant, #index, text)?);
                    }
                },
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let paging = operation.extensions.get("x-hwc-paging");
    let Some(paging) = paging else {
        let unpaged = Unpaged {
            constant: &constant,
            builder: &builder,
            count: &count,
        };
        let builder_tokens = unpaged_builder(
            document, spec, operation, names, &unpaged, &setters, &forwards,
        )?;
        let entry = quote! {
            Entry {
                operation: #constant,
                json_pages: crate::operations::json_answer::<#builder>,
            }
        };
        return Ok((method_tokens, builder_tokens, entry));
    };
    let field = |key: &str| -> Result<syn::Ident> {
        let name = paging
            .get(key)
            .and_then(Value::as_str)
            .with_context(|| format!("x-hwc-paging.{key}"))?;
        syn::parse_str(&name.to_snake_case()).with_context(|| format!("x-hwc-paging.{key}"))
    };
    let (total_field, items_field) = (field("total")?, field("items")?);
    // Where pages may repeat an item: the field that tells items apart, read off each item.
    let unique_key = match paging.get("unique-by").and_then(Value::as_str) {
        None => quote!(),
        Some(key) => {
            let key = syn::parse_str::<syn::Ident>(&rust_name(&key.to_snake_case()))
                .context("x-hwc-paging.unique-by")?;
            quote! {
                fn unique_key(item: &Self::Item) -> Option<String> {
                    item.#key.as_ref().map(::std::string::ToString::to_string)
                }
            }
        }
    };
    let item = match &names.item {
        Some(item) => {
            let item = format_ident!("{item}");
            quote!(crate::models::#module::#item)
        }
        None => {
            let generated = item_type(document, operation, &items_field.to_string())?;
            let generated = format_ident!("{generated}");
            quote!(hwc_api::#module::types::#generated)
        }
    };

    let builder_doc = builder_doc(document, id);
    let (declaration, common) = builder_shell(
        id,
        spec,
        &constant,
        &builder,
        &count,
        &builder_doc,
        &setters,
    );
    let builder_tokens = quote! {
        #declaration

        impl #builder {
            #common

            /// Sends the call: one page and the total.
            pub async fn send(&self) -> Result<Page<#item>, Error> {
                self.fetch(None).await
            }

            /// Every page or every item, as streams; see [`Paginator`].
            pub fn into_paginator(self) -> Paginator<Self> {
                Paginator::new(self)
            }

            async fn fetch(&self, paging: Option<(u64, u64)>) -> Result<Page<#item>, Error> {
                let wire = support::wire(self.client.runtime(), #constant, &self.values, paging).await?;
                let mut request = self.client.#client_of()?.#generated_method();
                #(#forwards)*
                let answered = support::call(self.client.runtime(), #constant, self.options.as_ref(), request.send()).await?;
                let body = answered.body;
                Ok(Page {
                    total: support::total(body.#total_field),
                    offset: support::page_offset(#constant, &wire),
                    items: support::items(#constant, answered.status, &answered.request_id, body.#items_field)?,
                    request_id: answered.request_id,
                })
            }
        }

        impl FromParameters for #builder {
            fn from_parameters(client: &Client, given: &[(&str, &str)]) -> Result<Self, Error> {
                Ok(Self {
                    client: client.clone(),
                    values: support::values_from(#constant, given)?,
                    options: client.call_defaults(),
                })
            }

            fn send_as_built(
                &self,
            ) -> impl std::future::Future<Output = Result<Page<#item>, Error>> + Send {
                self.fetch(None)
            }
        }

        impl hwc_runtime::PagedRequest for #builder {
            type Item = #item;

            fn operation(&self) -> &'static hwc_api::descriptor::Operation {
                #constant
            }

            fn paging(&self) -> (Option<u64>, Option<u64>) {
                support::paging(#constant, &self.values)
            }

            fn default_concurrency(&self) -> usize {
                self.client.runtime().pages_in_flight(#constant)
            }

            fn page_start(&self) -> Option<std::time::Instant> {
                self.client.runtime().page_start(#constant)
            }

            #unique_key

            fn fetch_page(
                &self,
                offset: u64,
                limit: u64,
            ) -> impl std::future::Future<Output = Result<Page<#item>, Error>> + Send {
                self.fetch(Some((offset, limit)))
            }
        }
    };
    let entry = quote! {
        Entry {
            operation: #constant,
            json_pages: crate::operations::json_pages::<#builder>,
        }
    };
    Ok((method_tokens, builder_tokens, entry))
}

/// What every builder has, paged or not: the operation's constant and the struct, and the
/// methods its `impl` starts with (the setters and `customize`).
fn builder_shell(
    id: &str,
    spec: &Spec,
    constant: &syn::Ident,
    builder: &syn::Ident,
    count: &proc_macro2::Literal,
    builder_doc: &str,
    setters: &[TokenStream],
) -> (TokenStream, TokenStream) {
    let module = format_ident!("{}", spec.module);
    let operation_doc = format!("`{id}` as the spec describes it.");
    let declaration = quote! {
        #[doc = #operation_doc]
        pub const #constant: &hwc_api::descriptor::Operation = &hwc_api::#module::spec::#constant;

        #[doc = #builder_doc]
        #[derive(Clone, Debug)]
        pub struct #builder {
            client: Client,
            /// Each parameter's text as it goes on the wire, in spec order.
            values: support::Values<#count>,
            /// What this call does differently from the client ([`Self::customize`]).
            options: Option<std::sync::Arc<hwc_runtime::CallOptions>>,
        }
    };
    let common = quote! {
        #(#setters)*

        /// This call's own timeouts, retry policy or extra headers, over the client's
        /// (every page of its paginator too); the client's pool, credentials, clock,
        /// project and flow control stay shared.
        pub fn customize(
            mut self,
            change: impl FnOnce(hwc_runtime::CallOptions) -> hwc_runtime::CallOptions,
        ) -> Self {
            let current = self.options.as_deref().cloned().unwrap_or_default();
            self.options = Some(std::sync::Arc::new(change(current)));
            self
        }
    };
    (declaration, common)
}

/// The doc comment of operation `id`'s builder, naming its path.
fn builder_doc(document: &OpenAPI, id: &str) -> String {
    let path = document
        .paths
        .iter()
        .find(|(_, item)| matches!(item, ReferenceOr::Item(i) if i.get.as_ref().is_some_and(|g| g.operation_id.as_deref() == Some(id))))
        .map(|(path, _)| path.as_str())
        .unwrap_or_default();
    format!(
        "A `{id}` call being built (`GET {path}`). Every parameter is checked against the spec before anything is sent."
    )
}

/// What an operation answering one object shares with the paged builder's tokens.
struct Unpaged<'a> {
    constant: &'a syn::Ident,
    builder: &'a syn::Ident,
    count: &'a proc_macro2::Literal,
}

/// The builder of an operation that answers one object (no `x-hwc-paging`): `send()` gives
/// the answer's body as its generated type, or as the hand-written model `x-hwc-facade.item`
/// names, made from it.
fn unpaged_builder(
    document: &OpenAPI,
    spec: &Spec,
    operation: &openapiv3::Operation,
    names: &OperationNames,
    unpaged: &Unpaged<'_>,
    setters: &[TokenStream],
    forwards: &[TokenStream],
) -> Result<TokenStream> {
    let Unpaged {
        constant,
        builder,
        count,
    } = *unpaged;
    let id = operation.operation_id.as_deref().unwrap_or_default();
    let module = format_ident!("{}", spec.module);
    let generated_method = format_ident!("{}", id.to_snake_case());
    let client_of = format_ident!("{}_client", spec.module);
    let body = format_ident!(
        "{}",
        super::descriptor::ok_body_name(operation)?.to_upper_camel_case()
    );
    let output = match &names.item {
        Some(item) => {
            let item = format_ident!("{item}");
            quote!(crate::models::#module::#item)
        }
        None => quote!(hwc_api::#module::types::#body),
    };
    let builder_doc = builder_doc(document, id);
    let (declaration, common) =
        builder_shell(id, spec, constant, builder, count, &builder_doc, setters);
    Ok(quote! {
        #declaration

        impl #builder {
            #common

            /// Sends the call: the answer.
            pub async fn send(&self) -> Result<#output, Error> {
                let wire = support::wire(self.client.runtime(), #constant, &self.values, None).await?;
                let mut request = self.client.#client_of()?.#generated_method();
                #(#forwards)*
                let answered = support::call(self.client.runtime(), #constant, self.options.as_ref(), request.send()).await?;
                support::answer(#constant, answered.status, &answered.request_id, answered.body)
            }
        }

        impl CallFromParameters for #builder {
            type Answer = #output;

            fn from_parameters(client: &Client, given: &[(&str, &str)]) -> Result<Self, Error> {
                Ok(Self {
                    client: client.clone(),
                    values: support::values_from(#constant, given)?,
                    options: client.call_defaults(),
                })
            }

            fn send_as_built(
                &self,
            ) -> impl std::future::Future<Output = Result<#output, Error>> + Send {
                self.send()
            }
        }
    })
}

/// The component name of the items of the 200 response's `items` field.
fn item_type(document: &OpenAPI, operation: &openapiv3::Operation, items: &str) -> Result<String> {
    let object = ok_body(document, operation)?;
    let array = match object.properties.get(items) {
        Some(ReferenceOr::Item(schema)) => schema.as_ref(),
        Some(ReferenceOr::Reference { reference }) => schema_by_reference(document, reference)?,
        None => bail!("`{items}` is not a field of the 200 response"),
    };
    let SchemaKind::Type(Type::Array(array)) = &array.schema_kind else {
        bail!("`{items}` is not an array");
    };
    match array.items.as_ref() {
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .map(|name| name.to_upper_camel_case())
            .with_context(|| format!("unsupported $ref {reference}")),
        _ => bail!(
            "the items of `{items}` must be a `$ref` to a component schema (its name becomes the item type), or name a hand-written model in `x-hwc-facade.item`"
        ),
    }
}
