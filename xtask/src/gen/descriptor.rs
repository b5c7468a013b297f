//! The `spec` module of each generated file: the service, its regional endpoints, and each
//! operation's parameters, constraints and paging, as `hwc_api::descriptor` values.
//!
//! This is how validation, paging and region tables elsewhere read the spec instead of repeating
//! it. Only what those can express is accepted; anything else is an error naming the place.

use anyhow::{Context, Result, bail};
use heck::{ToKebabCase, ToShoutySnakeCase};
use openapiv3::{
    IntegerType, ObjectType, OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    Schema, SchemaKind, StringType, Type,
};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::names::{OperationNames, ServiceNames};

const SDK_SERVICE_EXTENSION: &str = "x-hwc-sdk-service";
const SDK_SERVICE_LEGACY_EXTENSION: &str = "x-hwc-sdk-service-legacy";
const PAGING_EXTENSION: &str = "x-hwc-paging";
const TIME_FORMAT_EXTENSION: &str = "x-hwc-time-format";
/// Other spellings of enum values: `{value: other spelling}` (see `ParameterSchema::Choice`).
const SPELLINGS_EXTENSION: &str = "x-hwc-spellings";
const HELP_EXTENSION: &str = "x-hwc-help";
const CLI_FLAG_EXTENSION: &str = "x-hwc-cli-flag";
const FROM_CLIENT_EXTENSION: &str = "x-hwc-from-client";
/// An operation whose path has no IAM project but whose call needs it, in `X-Project-Id`.
const IAM_PROJECT_EXTENSION: &str = "x-hwc-iam-project";

/// The `pub mod spec { .. }` item for one spec.
pub fn spec_module(document: &OpenAPI, module: &str) -> Result<TokenStream> {
    let sdk_name = document
        .info
        .extensions
        .get(SDK_SERVICE_EXTENSION)
        .and_then(Value::as_str)
        .with_context(|| {
            format!("info.{SDK_SERVICE_EXTENSION} (the official SDKs' service name) is missing")
        })?;
    let legacy_sdk_names = match document.info.extensions.get(SDK_SERVICE_LEGACY_EXTENSION) {
        None => Vec::new(),
        Some(names) => names
            .as_array()
            .and_then(|names| names.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .with_context(|| {
                format!("info.{SDK_SERVICE_LEGACY_EXTENSION} must be a list of names")
            })?,
    };
    let version = &document.info.version;
    let endpoints = endpoints(document)?;
    let service_names = ServiceNames::of(document)?;
    let (service_cli, service_doc) = (&service_names.cli, &service_names.doc);
    let display_name = &service_names.name;

    let mut operation_items = Vec::new();
    let mut operation_idents = Vec::new();
    for (path, method, operation) in document.operations() {
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let ident = format_ident!("{}", id.to_shouty_snake_case());
        let tokens = operation_tokens(document, path, method, operation)
            .with_context(|| format!("paths.{path}.{method}"))?;
        let doc = format!("`{id}`: `{} {path}`.", method.to_uppercase());
        operation_items.push(quote! {
            #[doc = #doc]
            pub const #ident: Operation = #tokens;
        });
        operation_idents.push(ident);
    }
    let regions = endpoints.iter().map(|(region, _)| region);
    let urls = endpoints.iter().map(|(_, url)| url);
    Ok(quote! {
        /// What `spec/` says about this service, as data: endpoints, parameters, constraints
        /// and paging. Validation and paging read it from here.
        pub mod spec {
            #[allow(unused_imports)]
            use crate::descriptor::{ClientValue, Endpoint, Location, OffsetUnit, Operation, Paging, Parameter, ParameterSchema, Service};

            /// The service, its regional endpoints and its operations.
            pub const SERVICE: Service = Service {
                module: #module,
                display_name: #display_name,
                sdk_name: #sdk_name,
                legacy_sdk_names: &[#(#legacy_sdk_names),*],
                version: #version,
                endpoints: &[#(Endpoint { region: #regions, url: #urls }),*],
                operations: &[#(&#operation_idents),*],
                cli: #service_cli,
                doc: #service_doc,
            };

            #(#operation_items)*
        }
    })
}

fn endpoints(document: &OpenAPI) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (index, server) in document.servers.iter().enumerate() {
        let context = || format!("servers[{index}]");
        let variables = server.variables.as_ref();
        let regions = match variables.and_then(|v| v.get("region")) {
            Some(region) if !region.enumeration.is_empty() => region.enumeration.clone(),
            Some(_) => bail!("{}: the `region` variable must list its values", context()),
            None => bail!("{}: the url must have a `{{region}}` variable", context()),
        };
        if variables.is_some_and(|v| v.len() != 1) {
            bail!("{}: only the `region` variable is supported", context());
        }
        for region in regions {
            out.push((region.clone(), server.url.replace("{region}", &region)));
        }
    }
    if out.is_empty() {
        bail!("servers: no regional endpoint is listed");
    }
    Ok(out)
}

fn operation_tokens(
    document: &OpenAPI,
    path: &str,
    method: &str,
    operation: &Operation,
) -> Result<TokenStream> {
    let id = operation.operation_id.as_deref().unwrap_or_default();
    let method = method.to_uppercase();
    let mut parameters = Vec::new();
    let mut names = Vec::new();
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let parameter = resolve_parameter(document, parameter)
            .with_context(|| format!("parameters[{index}]"))?;
        // A list goes as the parameter repeated (`style: form`, `explode: true`, the
        // defaults), as both official SDKs send lists and as progenitor writes them.
        if let Parameter::Query {
            parameter_data,
            style,
            ..
        } = parameter
            && (!matches!(style, openapiv3::QueryStyle::Form)
                || parameter_data.explode == Some(false))
        {
            bail!(
                "parameter {}: only `style: form` with `explode: true` (the parameter repeated) is supported",
                parameter_data.name
            );
        }
        let (location, data) = match parameter {
            Parameter::Path { parameter_data, .. } => (quote!(Location::Path), parameter_data),
            Parameter::Query { parameter_data, .. } => (quote!(Location::Query), parameter_data),
            _ => bail!(
                "parameters[{index}]: only path and query parameters are supported (authentication is a security scheme)"
            ),
        };
        let name = &data.name;
        let required = data.required;
        let help = match data.extensions.get(HELP_EXTENSION) {
            Some(Value::String(help)) => help.trim().to_owned(),
            Some(other) => bail!("parameter {name}: {HELP_EXTENSION} {other} is not text"),
            None => first_sentence(data.description.as_deref().unwrap_or(name)),
        };
        let cli_flag = match data.extensions.get(CLI_FLAG_EXTENSION) {
            Some(Value::String(flag)) if is_flag_name(flag) => flag.clone(),
            Some(other) => bail!(
                "parameter {name}: {CLI_FLAG_EXTENSION} {other} is not a flag name (lower-case words joined by `-`)"
            ),
            None => name.to_kebab_case(),
        };
        let from_client = match data.extensions.get(FROM_CLIENT_EXTENSION) {
            None => quote!(None),
            Some(Value::String(value)) if value == "iam-project" => {
                quote!(Some(ClientValue::IamProject))
            }
            Some(other) => {
                bail!(
                    "parameter {name}: {FROM_CLIENT_EXTENSION} {other}: the one known value is `iam-project`"
                )
            }
        };
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            bail!("parameter {name}: `content` parameters are not supported");
        };
        let schema =
            resolve_schema(document, schema).with_context(|| format!("parameter {name}"))?;
        let schema =
            parameter_schema(document, schema).with_context(|| format!("parameter {name}"))?;
        parameters.push(quote! {
            Parameter {
                name: #name, location: #location, required: #required, schema: #schema,
                help: #help, cli_flag: #cli_flag, from_client: #from_client
            }
        });
        names.push(name.clone());
    }
    let paging = match operation.extensions.get(PAGING_EXTENSION) {
        None => quote!(None),
        Some(paging) => paging_tokens(document, operation, paging, &names)
            .with_context(|| PAGING_EXTENSION.to_owned())?,
    };
    let names = OperationNames::of(operation)?;
    let doc = names
        .doc
        .clone()
        .unwrap_or_else(|| operation.summary.clone().unwrap_or_else(|| id.to_owned()));
    let doc = doc.trim();
    let cli = &names.cli;
    let example = option(ok_example(operation)?);
    let iam_project_header = match operation.extensions.get(IAM_PROJECT_EXTENSION) {
        None => false,
        Some(Value::String(value)) if value == "header" => true,
        Some(other) => bail!(
            "{IAM_PROJECT_EXTENSION}: {other}: the one known value is `header` (the IAM project in `X-Project-Id`)"
        ),
    };
    let answer_fields: Vec<&String> = ok_body(document, operation)?.properties.keys().collect();
    Ok(quote! {
        Operation {
            id: #id,
            method: #method,
            path: #path,
            parameters: &[#(#parameters),*],
            paging: #paging,
            iam_project_header: #iam_project_header,
            answer_fields: &[#(#answer_fields),*],
            doc: #doc,
            cli: #cli,
            example: #example,
        }
    })
}

/// The first sentence of a description, after a leading `Definition:` (the HSS pages' style).
fn first_sentence(description: &str) -> String {
    let text = description.trim();
    let text = text.strip_prefix("Definition:").unwrap_or(text).trim();
    let end = text.find(". ").map_or(text.len(), |at| at + 1);
    text[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_flag_name(flag: &str) -> bool {
    !flag.is_empty()
        && !flag.starts_with('-')
        && flag
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The example of the 200 answer, as compact JSON, when the spec gives one.
fn ok_example(operation: &Operation) -> Result<Option<String>> {
    let Some(ReferenceOr::Item(ok)) = operation
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
    else {
        return Ok(None);
    };
    let Some(example) = ok
        .content
        .get("application/json")
        .and_then(|media| media.example.as_ref())
    else {
        return Ok(None);
    };
    Ok(Some(
        serde_json::to_string(example).context("the 200 example")?,
    ))
}

pub fn resolve_parameter<'a>(
    document: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
) -> Result<&'a Parameter> {
    match parameter {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/parameters/")
                .with_context(|| format!("unsupported $ref {reference}"))?;
            let found = document
                .components
                .as_ref()
                .and_then(|c| c.parameters.get(name))
                .with_context(|| format!("$ref {reference} names nothing"))?;
            resolve_parameter(document, found)
        }
    }
}

pub fn resolve_schema<'a>(
    document: &'a OpenAPI,
    schema: &'a ReferenceOr<Schema>,
) -> Result<&'a Schema> {
    match schema {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => schema_by_reference(document, reference),
    }
}

/// The schema a `#/components/schemas/..` reference names, references followed.
pub fn schema_by_reference<'a>(document: &'a OpenAPI, reference: &str) -> Result<&'a Schema> {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .with_context(|| format!("unsupported $ref {reference}"))?;
    let found = document
        .components
        .as_ref()
        .and_then(|c| c.schemas.get(name))
        .with_context(|| format!("$ref {reference} names nothing"))?;
    resolve_schema(document, found)
}

/// The `x-hwc-spellings` of an enum: pairs of a listed value and another spelling of it, which
/// must not be listed itself.
fn spellings<'a>(schema: &'a Schema, values: &[&str]) -> Result<Vec<(&'a str, &'a str)>> {
    let Some(found) = schema.schema_data.extensions.get(SPELLINGS_EXTENSION) else {
        return Ok(Vec::new());
    };
    let map = found
        .as_object()
        .with_context(|| format!("{SPELLINGS_EXTENSION} must map values to other spellings"))?;
    let mut pairs = Vec::new();
    for (value, other) in map {
        let other = other
            .as_str()
            .with_context(|| format!("{SPELLINGS_EXTENSION}.{value} must be text"))?;
        if !values.contains(&value.as_str()) {
            bail!("{SPELLINGS_EXTENSION}: {value:?} is not a value of the enum");
        }
        if values.contains(&other) {
            bail!("{SPELLINGS_EXTENSION}: {other:?} is a value of the enum itself");
        }
        pairs.push((value.as_str(), other));
    }
    Ok(pairs)
}

fn parameter_schema(document: &OpenAPI, schema: &Schema) -> Result<TokenStream> {
    let default = schema.schema_data.default.as_ref();
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => {
            let items = array
                .items
                .as_ref()
                .context("a list parameter needs `items`")?;
            let items = match items {
                ReferenceOr::Item(item) => item.as_ref(),
                ReferenceOr::Reference { reference } => schema_by_reference(document, reference)?,
            };
            if matches!(items.schema_kind, SchemaKind::Type(Type::Array(_))) {
                bail!("a list of lists is not supported");
            }
            if default.is_some() {
                bail!("`default` is not supported on list parameters");
            }
            let items = parameter_schema(document, items).context("its items")?;
            let min_items = option(array.min_items.map(|n| n as u64));
            let max_items = option(array.max_items.map(|n| n as u64));
            Ok(quote!(ParameterSchema::List {
                items: &#items,
                min_items: #min_items,
                max_items: #max_items,
            }))
        }
        SchemaKind::Type(Type::String(StringType {
            enumeration,
            min_length,
            max_length,
            pattern,
            ..
        })) => {
            if pattern.is_some() && !enumeration.is_empty() {
                bail!("`pattern` and `enum` together are not supported");
            }
            if let Some(pattern) = pattern
                && regress::Regex::new(pattern).is_err()
            {
                bail!("`pattern: {pattern}` is not an ECMA-262 regular expression");
            }
            if !enumeration.is_empty() {
                let values: Vec<&str> = enumeration.iter().flatten().map(String::as_str).collect();
                let spellings = spellings(schema, &values)?;
                let (spelled, others): (Vec<&str>, Vec<&str>) = spellings.into_iter().unzip();
                return Ok(quote!(ParameterSchema::Choice {
                    values: &[#(#values),*],
                    spellings: &[#((#spelled, #others)),*],
                }));
            }
            let min_length = option(min_length.map(|n| n as u64));
            let max_length = option(max_length.map(|n| n as u64));
            let default = match default {
                None => quote!(None),
                Some(Value::String(text)) => quote!(Some(#text)),
                Some(other) => bail!("default {other} of a string parameter is not a string"),
            };
            let time_format = match schema.schema_data.extensions.get(TIME_FORMAT_EXTENSION) {
                None => quote!(None),
                Some(Value::String(format)) if format.contains('%') => quote!(Some(#format)),
                Some(other) => bail!("{TIME_FORMAT_EXTENSION} {other} is not a strftime format"),
            };
            let pattern = option(pattern.clone());
            Ok(quote!(ParameterSchema::Text {
                min_length: #min_length,
                max_length: #max_length,
                pattern: #pattern,
                default: #default,
                time_format: #time_format
            }))
        }
        SchemaKind::Type(Type::Integer(IntegerType {
            format,
            minimum,
            maximum,
            exclusive_minimum,
            exclusive_maximum,
            enumeration,
            multiple_of,
            ..
        })) => {
            if *exclusive_minimum
                || *exclusive_maximum
                || !enumeration.is_empty()
                || multiple_of.is_some()
            {
                bail!(
                    "only `minimum`, `maximum` and `default` are supported on integer parameters"
                );
            }
            let default = match default {
                None => quote!(None),
                Some(value) => {
                    let number = value
                        .as_i64()
                        .with_context(|| format!("default {value} is not an integer"))?;
                    quote!(Some(#number))
                }
            };
            let bits: u32 = match format {
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => 32,
                openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64)
                | openapiv3::VariantOrUnknownOrEmpty::Empty => 64,
                openapiv3::VariantOrUnknownOrEmpty::Unknown(other) => {
                    bail!("integer format {other:?} is not supported (int32 or int64)")
                }
            };
            let minimum = option(*minimum);
            let maximum = option(*maximum);
            Ok(quote!(ParameterSchema::Integer {
                bits: #bits, minimum: #minimum, maximum: #maximum, default: #default
            }))
        }
        _ => bail!("only string, string-enum, integer and list parameters are supported"),
    }
}

fn option<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(value) => quote!(Some(#value)),
        None => quote!(None),
    }
}

fn paging_tokens(
    document: &OpenAPI,
    operation: &Operation,
    paging: &Value,
    parameters: &[String],
) -> Result<TokenStream> {
    let field = |key: &str| -> Result<String> {
        paging
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .with_context(|| format!("`{key}` must name a field"))
    };
    let (offset, limit, total, items) = (
        field("offset")?,
        field("limit")?,
        field("total")?,
        field("items")?,
    );
    for name in [&offset, &limit] {
        if !parameters.contains(name) {
            bail!("`{name}` is not a parameter of the operation");
        }
    }
    let offset_unit = match field("offset-unit")?.as_str() {
        "record" => quote!(OffsetUnit::Record),
        "page" => quote!(OffsetUnit::Page),
        other => bail!(
            "`offset-unit: {other}`: use `record` (index of the first record) or `page` (a page number)"
        ),
    };
    let page_size = match paging.get("page-size") {
        None => quote!(None),
        Some(size) => match size.as_u64() {
            Some(size) if size > 0 => quote!(Some(#size)),
            _ => bail!("`page-size: {size}` must be a positive integer"),
        },
    };
    let object = ok_body(document, operation)?;
    for name in [&total, &items] {
        if !object.properties.contains_key(name) {
            bail!("`{name}` is not a field of the 200 response");
        }
    }
    let item_fields = item_fields(document, &object.properties[&items])
        .with_context(|| format!("the items of `{items}`"))?;
    let unique_by = match paging.get("unique-by") {
        None => quote!(None),
        Some(Value::String(key)) if item_fields.contains(key) => quote!(Some(#key)),
        Some(other) => bail!("`unique-by: {other}` must name a field of the items"),
    };
    Ok(quote! {
        Some(Paging {
            offset_parameter: #offset,
            offset_unit: #offset_unit,
            limit_parameter: #limit,
            page_size: #page_size,
            total_field: #total,
            items_field: #items,
            item_fields: &[#(#item_fields),*],
            unique_by: #unique_by,
        })
    })
}

/// The component name of the 200 answer's schema (`ShowTaskDetailResponse`).
pub fn ok_body_name(operation: &Operation) -> Result<String> {
    let Some(ReferenceOr::Item(ok)) = operation
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
    else {
        bail!("a written-out 200 response is needed");
    };
    match ok
        .content
        .get("application/json")
        .and_then(|media| media.schema.as_ref())
    {
        Some(ReferenceOr::Reference { reference }) => reference
            .strip_prefix("#/components/schemas/")
            .map(str::to_owned)
            .with_context(|| format!("unsupported $ref {reference}")),
        _ => bail!("the 200 response's schema must be a `$ref` to a component schema"),
    }
}

/// The JSON object schema of the 200 answer, written out (not a `$ref` response).
pub fn ok_body<'a>(document: &'a OpenAPI, operation: &'a Operation) -> Result<&'a ObjectType> {
    let ok = operation
        .responses
        .responses
        .get(&openapiv3::StatusCode::Code(200))
        .context("a 200 response is needed")?;
    let ReferenceOr::Item(ok) = ok else {
        bail!("the 200 response must be written out, not a $ref");
    };
    let body = ok
        .content
        .get("application/json")
        .and_then(|media| media.schema.as_ref())
        .context("the 200 response has no JSON schema")?;
    let body = resolve_schema(document, body)?;
    let SchemaKind::Type(Type::Object(object)) = &body.schema_kind else {
        bail!("the 200 response body is not an object");
    };
    Ok(object)
}

/// The property names of the items of an array property, in spec order.
fn item_fields(document: &OpenAPI, array: &ReferenceOr<Box<Schema>>) -> Result<Vec<String>> {
    let array = match array {
        ReferenceOr::Item(schema) => schema.as_ref(),
        ReferenceOr::Reference { reference } => schema_by_reference(document, reference)?,
    };
    let SchemaKind::Type(Type::Array(array)) = &array.schema_kind else {
        bail!("not an array");
    };
    let item = array.items.as_ref().context("an array without `items`")?;
    let item = match item {
        ReferenceOr::Item(schema) => schema.as_ref(),
        ReferenceOr::Reference { reference } => schema_by_reference(document, reference)?,
    };
    let SchemaKind::Type(Type::Object(object)) = &item.schema_kind else {
        bail!("the items are not objects");
    };
    Ok(object.properties.keys().cloned().collect())
}
