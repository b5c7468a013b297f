//! The `x-hwc-facade` extension: the names users see for a service and its operations in the
//! facade crate and on the command line. They live in the spec, not in Rust, so that adding an
//! operation is a spec change only.

use anyhow::{Context, Result, bail};
use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, Operation};
use serde::Deserialize;

const FACADE_EXTENSION: &str = "x-hwc-facade";

/// `info.x-hwc-facade`: the service handle.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceNames {
    /// Type of the handle, such as `Hss`; also the service's variant of `hwc::Service`.
    pub handle: String,
    /// The service's name for people, such as `CodeArts Check`.
    pub name: String,
    /// Method of `hwc::Client` returning it, such as `hss`.
    pub method: String,
    /// Command grouping the service's operations on the command line.
    pub cli: String,
    /// One line for people.
    pub doc: String,
}

impl ServiceNames {
    /// The names of the spec's service; the extension is required.
    pub fn of(document: &OpenAPI) -> Result<Self> {
        let value = document
            .info
            .extensions
            .get(FACADE_EXTENSION)
            .with_context(|| format!("info.{FACADE_EXTENSION} (the facade's names) is missing"))?;
        let names: Self = serde_json::from_value(value.clone())
            .with_context(|| format!("info.{FACADE_EXTENSION}"))?;
        check_identifier(&names.method, "method")?;
        if names.handle.to_upper_camel_case() != names.handle {
            bail!(
                "info.{FACADE_EXTENSION}.handle {:?} is not UpperCamelCase",
                names.handle
            );
        }
        Ok(names)
    }
}

/// An operation's `x-hwc-facade`, with the defaults filled in.
#[derive(Debug)]
pub struct OperationNames {
    /// Method of the service handle, such as `image_vul_handle_history`.
    pub method: String,
    /// The builder type it returns: the method in UpperCamelCase.
    pub builder: String,
    /// Required parameters the method takes, in order (`None`: every required parameter the
    /// client does not fill, in spec order); every other parameter has a setter.
    pub arguments: Option<Vec<String>>,
    /// A hand-written model of the facade's service module that items are converted into
    /// (`From` the generated item type); `None` to give the generated type itself.
    pub item: Option<String>,
    /// The command on the command line.
    pub cli: String,
    /// Documentation of the method, when the spec's summary is not enough.
    pub doc: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Written {
    method: Option<String>,
    arguments: Option<Vec<String>>,
    item: Option<String>,
    cli: Option<String>,
    doc: Option<String>,
}

impl OperationNames {
    /// The names of `operation`. Without the extension: the method is the `operationId` in
    /// snake case, every required parameter is an argument in spec order, items keep the
    /// generated type, and the command is the method in kebab case.
    pub fn of(operation: &Operation) -> Result<Self> {
        let written: Written = match operation.extensions.get(FACADE_EXTENSION) {
            None => Written::default(),
            Some(value) => serde_json::from_value(value.clone())
                .with_context(|| FACADE_EXTENSION.to_owned())?,
        };
        let id = operation.operation_id.as_deref().unwrap_or_default();
        let method = written.method.unwrap_or_else(|| id.to_snake_case());
        check_identifier(&method, "method")?;
        let cli = written.cli.unwrap_or_else(|| method.to_kebab_case());
        Ok(Self {
            builder: method.to_upper_camel_case(),
            method,
            arguments: written.arguments,
            item: written.item,
            cli,
            doc: written.doc,
        })
    }
}

fn check_identifier(name: &str, key: &str) -> Result<()> {
    let fine = name.to_snake_case() == name
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && syn::parse_str::<syn::Ident>(name).is_ok();
    if !fine {
        bail!("{FACADE_EXTENSION}.{key} {name:?} is not a snake_case Rust name");
    }
    Ok(())
}
