//! Values the documentation spells two ways (`x-hwc-spellings`, such as HSS's `image_type`
//! `local` and `local_image`). Nobody outside Huawei can tell which the service takes, so the
//! client is right either way: it sends the listed value; when the service answers 400 naming
//! the parameter, it sends the same request once with the other spelling, and the spelling that
//! worked is kept for the client's life (said at info). A 400 about anything else is not
//! retried.

use std::collections::HashMap;
use std::sync::Mutex;

use hwc_api::descriptor::{Location, Operation, Parameter};
use reqwest::Request;

/// The spellings a client learned, shared by its transports and clones.
#[derive(Debug, Default)]
pub(crate) struct Spellings {
    /// (operation, parameter, listed value) -> the spelling the service took.
    learned: Mutex<HashMap<(&'static str, &'static str, &'static str), &'static str>>,
}

/// What to learn when a request sent with another spelling works.
pub(crate) struct Respelled {
    key: (&'static str, &'static str, &'static str),
    spelling: &'static str,
}

impl Spellings {
    /// Writes the spellings learned for `operation` into `request`'s query.
    pub(crate) fn apply(&self, operation: &'static Operation, request: &mut Request) {
        let Ok(learned) = self.learned.lock() else {
            return;
        };
        for (parameter, sent) in spelled_parameters(operation, request) {
            let Some(value) = listed(parameter, &sent) else {
                continue;
            };
            if let Some(spelling) = learned.get(&(operation.id, parameter.name, value)) {
                set_query_value(request, parameter.name, spelling);
            }
        }
    }

    /// The request again with the other spelling of the parameter a 400 `message` names, when
    /// that parameter has one; `None` otherwise (nothing to try).
    pub(crate) fn respell(
        &self,
        operation: &'static Operation,
        request: &Request,
        message: &str,
    ) -> Option<(Request, Respelled)> {
        let (parameter, sent) = spelled_parameters(operation, request)
            .into_iter()
            .find(|(parameter, _)| message.contains(parameter.name))?;
        let value = listed(parameter, &sent)?;
        let spelling = if sent == value {
            parameter.schema.other_spelling(value)?
        } else {
            value
        };
        let mut respelled = request.try_clone()?;
        set_query_value(&mut respelled, parameter.name, spelling);
        Some((
            respelled,
            Respelled {
                key: (operation.id, parameter.name, value),
                spelling,
            },
        ))
    }

    /// Keeps the spelling that worked.
    pub(crate) fn learn(&self, respelled: &Respelled) {
        let (operation, parameter, value) = respelled.key;
        tracing::info!(
            operation,
            parameter,
            value,
            spelling = respelled.spelling,
            "the service refused one spelling of a value and took the other; using it from now on"
        );
        if let Ok(mut learned) = self.learned.lock() {
            learned.insert(respelled.key, respelled.spelling);
        }
    }
}

/// The operation of the specs the generated client calls `id`: its operation id in snake case
/// (`list_general_image_vul_operations` for `ListGeneralImageVulOperations`).
pub(crate) fn operation(id: &str) -> Option<&'static Operation> {
    // Compared as they are, without allocating.
    fn plain(text: &str) -> impl Iterator<Item = u8> + '_ {
        text.bytes()
            .filter(|b| *b != b'_')
            .map(|b| b.to_ascii_lowercase())
    }
    crate::Service::ALL
        .into_iter()
        .flat_map(|service| service.descriptor().operations.iter().copied())
        .find(|operation| plain(operation.id).eq(plain(id)))
}

/// The query parameters of `operation` that have other spellings, with the text `request`
/// carries for each.
fn spelled_parameters(
    operation: &'static Operation,
    request: &Request,
) -> Vec<(&'static Parameter, String)> {
    operation
        .parameters
        .iter()
        .filter(|parameter| parameter.location == Location::Query)
        .filter(|parameter| {
            matches!(parameter.schema, hwc_api::descriptor::ParameterSchema::Choice { spellings, .. } if !spellings.is_empty())
        })
        .filter_map(|parameter| {
            let sent = request
                .url()
                .query_pairs()
                .find(|(name, _)| name == parameter.name)?
                .1
                .into_owned();
            Some((parameter, sent))
        })
        .collect()
}

/// The listed value `sent` is, or is another spelling of.
fn listed(parameter: &Parameter, sent: &str) -> Option<&'static str> {
    match parameter.schema {
        hwc_api::descriptor::ParameterSchema::Choice { values, .. } => values
            .iter()
            .find(|value| **value == sent)
            .copied()
            .or_else(|| parameter.schema.spelled_value(sent)),
        _ => None,
    }
}

/// Replaces the value of query parameter `name` in `request`.
fn set_query_value(request: &mut Request, name: &str, value: &str) {
    let pairs: Vec<(String, String)> = request
        .url()
        .query_pairs()
        .map(|(key, current)| {
            let current = if key == name {
                value.to_owned()
            } else {
                current.into_owned()
            };
            (key.into_owned(), current)
        })
        .collect();
    request
        .url_mut()
        .query_pairs_mut()
        .clear()
        .extend_pairs(pairs);
}
