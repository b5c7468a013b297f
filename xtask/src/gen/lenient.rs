//! Lenient answers: what the official SDK decodes, the generated types decode too.
//!
//! A spec whose `info` has `x-hwc-lenient-responses: true` has every schema reachable from a
//! 2xx answer read leniently, field by field, whatever operation it belongs to (one added later
//! included): an integer field takes a JSON integer, an integral float within range, or a string
//! holding either; `null` is taken in every field (an array then is empty, anything else absent).
//! What still fails: a string that is not a number, a fraction or a number out of the field's
//! range in an integer field, and any other kind of value there. Progenitor's output is edited
//! after the fact: each field of those structs gets a `deserialize_with` naming one of the two
//! readers of `hwc_api::lenient` (hand-written, tested there).

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use quote::quote;

/// The `info` extension that turns leniency on for a whole spec.
const LENIENT_RESPONSES: &str = "x-hwc-lenient-responses";

/// The component schemas answers are read with, when the spec asks for leniency.
pub fn response_components(document: &OpenAPI) -> Result<BTreeSet<String>> {
    match document.info.extensions.get(LENIENT_RESPONSES) {
        None => return Ok(BTreeSet::new()),
        Some(serde_json::Value::Bool(true)) => {}
        Some(_) => bail!("info.{LENIENT_RESPONSES} must be `true`"),
    }
    let mut found = BTreeSet::new();
    let mut pending: Vec<String> = Vec::new();
    for (_, item) in document.paths.iter() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        for (_, operation) in item.iter() {
            for (status, response) in &operation.responses.responses {
                if !status.to_string().starts_with('2') {
                    continue;
                }
                let response = match response {
                    ReferenceOr::Item(response) => Some(response),
                    ReferenceOr::Reference { reference } => reference
                        .strip_prefix("#/components/responses/")
                        .and_then(|name| document.components.as_ref()?.responses.get(name))
                        .and_then(ReferenceOr::as_item),
                };
                for media in response.iter().flat_map(|r| r.content.values()) {
                    if let Some(schema) = &media.schema {
                        references(schema, &mut pending);
                    }
                }
            }
        }
    }
    let schemas = document
        .components
        .as_ref()
        .map(|components| &components.schemas);
    while let Some(name) = pending.pop() {
        if !found.insert(name.clone()) {
            continue;
        }
        let schema = schemas
            .and_then(|schemas| schemas.get(&name))
            .with_context(|| format!("components.schemas.{name} is referenced but missing"))?;
        references(schema, &mut pending);
    }
    Ok(found)
}

/// Pushes the component names `schema` refers to, however deep.
fn references(schema: &ReferenceOr<Schema>, out: &mut Vec<String>) {
    let schema = match schema {
        ReferenceOr::Reference { reference } => {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                out.push(name.to_owned());
            }
            return;
        }
        ReferenceOr::Item(schema) => schema,
    };
    let boxed = |schema: &ReferenceOr<Box<Schema>>| match schema {
        ReferenceOr::Reference { reference } => ReferenceOr::Reference {
            reference: reference.clone(),
        },
        ReferenceOr::Item(schema) => ReferenceOr::Item((**schema).clone()),
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            for property in object.properties.values() {
                references(&boxed(property), out);
            }
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &array.items {
                references(&boxed(items), out);
            }
        }
        SchemaKind::AllOf { all_of: list }
        | SchemaKind::AnyOf { any_of: list }
        | SchemaKind::OneOf { one_of: list } => {
            for schema in list {
                references(schema, out);
            }
        }
        _ => {}
    }
}

/// Gives every field of the structs named in `components` (in the `types` module of `file`) its
/// lenient reading, and adds the helpers they call.
pub fn apply(file: &mut syn::File, components: &BTreeSet<String>) -> Result<()> {
    if components.is_empty() {
        return Ok(());
    }
    for item in super::types_module::types_module(file)? {
        let syn::Item::Struct(structure) = item else {
            continue;
        };
        if !components.contains(&structure.ident.to_string()) {
            continue;
        }
        for field in &mut structure.fields {
            let Some(reading) = reading(&field.ty) else {
                continue;
            };
            // `default` as a word of a serde attribute (not inside a longer name).
            let has_default = field.attrs.iter().any(|attr| {
                attr.path().is_ident("serde")
                    && quote!(#attr)
                        .to_string()
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|word| word == "default")
            });
            let helper = reading.helper();
            let attr: syn::Attribute = if has_default {
                syn::parse_quote!(#[serde(deserialize_with = #helper)])
            } else {
                syn::parse_quote!(#[serde(default, deserialize_with = #helper)])
            };
            field.attrs.push(attr);
        }
    }
    Ok(())
}

/// How a field is read leniently, where serde's own reading is not lenient enough (an
/// `Option` of anything but an integer already takes `null` as none).
enum Reading {
    /// `Option<integer>`: integers, integral floats and numeric strings; null is none.
    Integer,
    /// `Vec<_>`: null is empty.
    List,
}

impl Reading {
    /// The function of `hwc_api::lenient` the field is read with.
    fn helper(&self) -> &'static str {
        match self {
            Reading::Integer => "crate::lenient::integer",
            Reading::List => "crate::lenient::null_as_empty",
        }
    }
}

/// The reading of a field of type `ty`, or `None` when serde's own is lenient enough.
fn reading(ty: &syn::Type) -> Option<Reading> {
    let (outer, inner) = generic(ty)?;
    match outer.as_str() {
        "Vec" => Some(Reading::List),
        "Option" => match inner.and_then(last_segment).as_deref() {
            Some("i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64") => {
                Some(Reading::Integer)
            }
            _ => None,
        },
        _ => None,
    }
}

/// The last path segment of `ty` and its first generic argument, if any.
fn generic(ty: &syn::Type) -> Option<(String, Option<&syn::Type>)> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let argument = match &segment.arguments {
        syn::PathArguments::AngleBracketed(arguments) => {
            arguments.args.iter().find_map(|argument| match argument {
                syn::GenericArgument::Type(ty) => Some(ty),
                _ => None,
            })
        }
        _ => None,
    };
    Some((segment.ident.to_string(), argument))
}

fn last_segment(ty: &syn::Type) -> Option<String> {
    generic(ty).map(|(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(lenient: &str) -> OpenAPI {
        let yaml = format!(
            r##"
openapi: 3.0.3
info: {{title: t, version: v1{lenient}}}
paths:
  /things:
    get:
      operationId: ListThings
      parameters:
        - {{name: kind, in: query, schema: {{$ref: '#/components/schemas/Kind'}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Page'}}
        '400':
          description: bad
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/ErrorBody'}}
components:
  schemas:
    Kind: {{type: string, enum: [a, b]}}
    Page:
      type: object
      properties:
        total: {{type: integer, format: int64}}
        items: {{type: array, items: {{$ref: '#/components/schemas/Thing'}}}}
    Thing:
      type: object
      properties:
        size: {{type: integer}}
        part: {{allOf: [{{$ref: '#/components/schemas/Part'}}]}}
    Part: {{type: object, properties: {{n: {{type: integer}}}}}}
    ErrorBody: {{type: object, properties: {{code: {{type: string}}}}}}
"##
        );
        serde_yaml_ng::from_str(&yaml).unwrap()
    }

    #[test]
    fn every_schema_of_a_2xx_answer_and_nothing_else_is_lenient() {
        let found = response_components(&document(", x-hwc-lenient-responses: true")).unwrap();
        let names: Vec<&str> = found.iter().map(String::as_str).collect();
        assert_eq!(names, ["Page", "Part", "Thing"]);
        assert!(response_components(&document("")).unwrap().is_empty());
        assert!(response_components(&document(", x-hwc-lenient-responses: 1")).is_err());
    }
}
