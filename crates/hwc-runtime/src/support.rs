//! What every generated operation builder (`crates/hwc/src/generated/`) shares: parameters kept
//! as the text that goes on the wire, filled and checked against the spec before each request,
//! then handed to progenitor's builder, and the call run within the client's limits. Plumbing
//! for generated code, not an interface to program against.

use std::str::FromStr;

use hwc_api::descriptor::{ClientValue, Operation, ParameterSchema};

pub use crate::call::{Answered, call};
use crate::config_error::ConfigError;
use crate::error::Error;
use crate::runtime::Runtime;

/// Each parameter's wire text, in spec order (`None`: not sent).
pub type Values<const N: usize> = [Option<String>; N];

/// The values of a builder made from text (the facade's `FromParameters`).
pub fn values_from<const N: usize>(
    operation: &'static Operation,
    given: &[(&str, &str)],
) -> Result<Values<N>, Error> {
    let mut values: Values<N> = std::array::from_fn(|_| None);
    for &(name, text) in given {
        let index = operation
            .parameters
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| Error::InvalidInput {
                parameter: name.to_owned(),
                value: text.to_owned(),
                allowed: format!(
                    "a parameter of {}: {}",
                    operation.id,
                    operation
                        .parameters
                        .iter()
                        .filter(|p| p.from_client.is_none())
                        .map(|p| p.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })?;
        let parameter = &operation.parameters[index];
        if parameter.from_client == Some(ClientValue::IamProject) {
            return Err(Error::InvalidInput {
                parameter: name.to_owned(),
                value: text.to_owned(),
                allowed: "nothing: the client sends its own IAM project id".into(),
            });
        }
        hwc_api::validate::check_value(parameter, text)?;
        if let Some(slot) = values.get_mut(index) {
            *slot = Some(text.to_owned());
        }
    }
    Ok(values)
}

/// The error of a call that needs the IAM project and has none: naming the credentials too
/// when they are missing as well.
async fn missing_project(runtime: &Runtime) -> Error {
    match runtime.credentials().credentials().await {
        Err(Error::Config(ConfigError::NoCredentials { looked_at })) => {
            ConfigError::NoCredentialsNorProject { looked_at }.into()
        }
        _ => ConfigError::NoProjectId.into(),
    }
}

/// The IAM project a dry run puts in a path when the client has none configured.
pub const DRY_RUN_PROJECT: &str = "IAM_PROJECT_ID";

/// The client's IAM project, looked up if need be.
async fn iam_project(runtime: &Runtime) -> Result<String, Error> {
    match runtime.project().resolve().await {
        Ok(project) => Ok(project.to_owned()),
        Err(Error::Config(ConfigError::NoProjectId)) => Err(missing_project(runtime).await),
        Err(error) => Err(error),
    }
}

/// The values to send: the builder's, with what the client fills and the page asked for, all
/// checked against the spec.
pub async fn wire(
    runtime: &Runtime,
    operation: &'static Operation,
    values: &[Option<String>],
    page: Option<(u64, u64)>,
) -> Result<Vec<Option<String>>, Error> {
    let mut wire = values.to_vec();
    // A call that carries the project in `X-Project-Id` only: resolved now, so that the
    // transport has it to send.
    // (Only with AK/SK: an IAM token is scoped to its project already and the header is not
    // sent with it.)
    let dry_run = runtime.settings().dry_run;
    if operation.iam_project_header
        && !dry_run
        && matches!(
            runtime.credentials().credentials().await,
            Ok(provided) if matches!(provided.credentials, crate::credentials::Credentials::AccessKey(_))
        )
    {
        iam_project(runtime).await?;
    }
    for (slot, parameter) in wire.iter_mut().zip(operation.parameters) {
        match parameter.from_client {
            // A dry run shows where the project goes when none is configured (looking it up
            // would need credentials).
            Some(ClientValue::IamProject) if dry_run && runtime.project().get().is_none() => {
                *slot = Some(DRY_RUN_PROJECT.to_owned());
            }
            Some(ClientValue::IamProject) => {
                *slot = Some(iam_project(runtime).await?);
            }
            None => {}
        }
        // Another spelling a user typed goes out as the listed value (the transport tries the
        // other spelling when the service refuses it).
        if let Some(value) = slot
            .as_deref()
            .and_then(|text| parameter.schema.spelled_value(text))
        {
            *slot = Some(value.to_owned());
        }
        if let (Some((offset, limit)), Some(paging)) = (page, operation.paging) {
            if parameter.name == paging.offset_parameter {
                *slot = Some(offset.to_string());
            } else if parameter.name == paging.limit_parameter {
                *slot = Some(limit.to_string());
            }
        }
        // A paging parameter the spec requires, not given to a single call: the first page, of
        // the spec's default size (else its page size, else its largest).
        if slot.is_none()
            && parameter.required
            && let Some(paging) = operation.paging
            && let ParameterSchema::Integer {
                minimum,
                maximum,
                default,
                ..
            } = parameter.schema
        {
            if parameter.name == paging.offset_parameter {
                *slot = Some(default.or(minimum).unwrap_or(0).to_string());
            } else if parameter.name == paging.limit_parameter {
                *slot = default
                    .or(paging.page_size.and_then(|size| i64::try_from(size).ok()))
                    .or(maximum)
                    .or(minimum)
                    .map(|limit| limit.to_string());
            }
        }
    }
    let pairs: Vec<(&str, &str)> = operation
        .parameters
        .iter()
        .zip(&wire)
        .filter_map(|(parameter, value)| Some((parameter.name, value.as_deref()?)))
        .collect();
    hwc_api::validate::check(operation, &pairs)?;
    Ok(wire)
}

/// A checked wire text as progenitor's type for the parameter.
pub fn parse<T: FromStr>(
    operation: &'static Operation,
    index: usize,
    text: &str,
) -> Result<T, Error> {
    text.parse().map_err(|_| {
        let parameter = operation.parameters.get(index);
        Error::InvalidInput {
            parameter: parameter.map_or("?", |p| p.name).to_owned(),
            value: text.to_owned(),
            allowed: parameter
                .map(|p| hwc_api::validate::describe(&p.schema))
                .unwrap_or_default(),
        }
    })
}

/// A checked list text ([`hwc_api::validate::list_text`]) as progenitor's values of the list.
pub fn parse_list<T: FromStr>(
    operation: &'static Operation,
    index: usize,
    text: &str,
) -> Result<Vec<T>, Error> {
    let values = hwc_api::validate::list_values(text).unwrap_or_default();
    values
        .iter()
        .map(|value| parse::<T>(operation, index, value))
        .collect()
}

/// The offset and limit a builder holds, as numbers.
pub fn paging(operation: &Operation, values: &[Option<String>]) -> (Option<u64>, Option<u64>) {
    let Some(paging) = operation.paging else {
        return (None, None);
    };
    let number = |name: &str| {
        let index = operation.parameters.iter().position(|p| p.name == name)?;
        values.get(index)?.as_deref()?.parse().ok()
    };
    (
        number(paging.offset_parameter),
        number(paging.limit_parameter),
    )
}

/// The offset a page was asked for with (0 when none was sent).
pub fn page_offset(operation: &Operation, wire: &[Option<String>]) -> u64 {
    paging(operation, wire).0.unwrap_or(0)
}

/// A response's total, whatever integer type the generated model gives it; a negative one is
/// no total.
pub fn total(value: impl Into<Total>) -> Option<u64> {
    value.into().0
}

/// A total as the paginator takes it.
pub struct Total(Option<u64>);

macro_rules! total_from {
    ($($integer:ty),+) => {$(
        impl From<$integer> for Total {
            fn from(value: $integer) -> Self {
                Total(u64::try_from(value).ok())
            }
        }
        impl From<Option<$integer>> for Total {
            fn from(value: Option<$integer>) -> Self {
                Total(value.and_then(|v| u64::try_from(v).ok()))
            }
        }
    )+};
}

total_from!(i32, i64, u32, u64);

/// Why a record could not become its model: only a serde failure can happen.
pub struct ModelError(serde_json::Error);

impl From<serde_json::Error> for ModelError {
    fn from(error: serde_json::Error) -> Self {
        Self(error)
    }
}

impl From<std::convert::Infallible> for ModelError {
    fn from(never: std::convert::Infallible) -> Self {
        match never {}
    }
}

/// The items of an answer as the facade's model: progenitor's record itself, or a model made
/// from it; a model that cannot be made is a decode error naming the item.
pub fn items<T, U>(
    operation: &'static Operation,
    status: u16,
    request_id: &Option<String>,
    items: Vec<T>,
) -> Result<Vec<U>, Error>
where
    U: TryFrom<T>,
    U::Error: Into<ModelError>,
{
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            U::try_from(item).map_err(|error| {
                let ModelError(source) = error.into();
                let items_field = operation.paging.as_ref().map_or("items", |p| p.items_field);
                Error::Decode {
                    operation: operation.id,
                    status,
                    request_id: request_id.clone(),
                    path: format!("{items_field}[{index}]"),
                    // The body decoded; the record is what its model refused.
                    excerpt: String::new(),
                    source,
                }
            })
        })
        .collect()
}

/// The body of an answer as the facade's model: progenitor's type itself, or a model made from
/// it; a model that cannot be made is a decode error.
pub fn answer<T, U>(
    operation: &'static Operation,
    status: u16,
    request_id: &Option<String>,
    body: T,
) -> Result<U, Error>
where
    U: TryFrom<T>,
    U::Error: Into<ModelError>,
{
    U::try_from(body).map_err(|error| {
        let ModelError(source) = error.into();
        Error::Decode {
            operation: operation.id,
            status,
            request_id: request_id.clone(),
            path: String::new(),
            excerpt: String::new(),
            source,
        }
    })
}
