//! The table of every operation, for tools that call them by name with parameters as text (the
//! CLI builds a command for each): [`Entry`], and [`FromParameters`], which every generated
//! builder implements.

use futures::stream::{self, BoxStream};
use futures::{StreamExt, TryStreamExt};
use hwc_api::descriptor::Operation;
use hwc_runtime::{Error, Page, PagedRequest, Paginator};
use serde::Serialize;

use crate::Client;

/// An operation a tool can call by name, its parameters given as text.
#[derive(Debug)]
pub struct Entry {
    /// The operation as the spec describes it.
    pub operation: &'static Operation,
    /// Pages of the call with these parameters (wire name, text), items as JSON: one page, or
    /// with `all` every page from the `offset` given (the `limit` given is the page size).
    /// Parameters are checked against the spec first, so nothing is sent when one is wrong.
    pub json_pages: JsonCall,
}

/// How [`Entry::json_pages`] is called: the client, the parameters as text, and `all`.
pub type JsonCall = fn(&Client, &[(&str, &str)], bool) -> Result<JsonPages, Error>;

/// A stream of pages of JSON items; see [`Entry::json_pages`].
pub type JsonPages = BoxStream<'static, Result<Page<serde_json::Value>, Error>>;

/// An operation builder made from parameters as text, as a command line has them.
pub trait FromParameters: PagedRequest {
    /// The builder with these parameters (wire name, text), each checked against the spec; an
    /// unknown name, or one the client fills itself, is refused.
    fn from_parameters(client: &Client, given: &[(&str, &str)]) -> Result<Self, Error>;

    /// Sends the call as built: its `send()`.
    fn send_as_built(
        &self,
    ) -> impl std::future::Future<Output = Result<Page<Self::Item>, Error>> + Send;
}

/// An operation builder answering one object (no paging), made from parameters as text.
pub trait CallFromParameters: Sized + Send + Sync + 'static {
    /// What the call answers.
    type Answer: Serialize + Send;

    /// The builder with these parameters (wire name, text), each checked against the spec; an
    /// unknown name, or one the client fills itself, is refused.
    fn from_parameters(client: &Client, given: &[(&str, &str)]) -> Result<Self, Error>;

    /// Sends the call as built: its `send()`.
    fn send_as_built(
        &self,
    ) -> impl std::future::Future<Output = Result<Self::Answer, Error>> + Send;
}

/// [`Entry::json_pages`] of builder `R`, whose operation answers one object: one page holding
/// it (`all` changes nothing).
pub(crate) fn json_answer<R: CallFromParameters>(
    client: &Client,
    given: &[(&str, &str)],
    _all: bool,
) -> Result<JsonPages, Error> {
    let request = R::from_parameters(client, given)?;
    Ok(stream::once(async move {
        let answer = request.send_as_built().await?;
        Ok(Page {
            total: Some(1),
            offset: 0,
            request_id: None,
            items: vec![to_json(&answer)],
        })
    })
    .boxed())
}

/// [`Entry::json_pages`] of builder `R`.
pub(crate) fn json_pages<R>(
    client: &Client,
    given: &[(&str, &str)],
    all: bool,
) -> Result<JsonPages, Error>
where
    R: FromParameters,
    R::Item: Serialize,
{
    let request = R::from_parameters(client, given)?;
    let pages = if all {
        Paginator::new(request).pages()
    } else {
        stream::once(async move { request.send_as_built().await }).boxed()
    };
    Ok(pages
        .map_ok(|page| Page {
            total: page.total,
            offset: page.offset,
            request_id: page.request_id,
            items: page.items.iter().map(to_json).collect(),
        })
        .boxed())
}

fn to_json(item: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(item).unwrap_or_else(|error| serde_json::Value::String(error.to_string()))
}
