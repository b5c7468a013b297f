//! Fetching pages ahead: up to N at once, paced under the flow control, yielded in order.

use std::future::Future;

use futures::stream::{self, BoxStream, StreamExt};

use crate::error::{Error, PagingProblem};

use super::page::Page;

/// A task fetching one page, aborted when dropped: dropping the stream cancels what is in
/// flight.
pub(super) struct PageTask<T>(tokio::task::JoinHandle<Result<Page<T>, Error>>);

impl<T> Drop for PageTask<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// How fast [`prefetch`] goes, asked again at every top-up: at most `ahead()` pages fetched or
/// waiting, and each page started no earlier than `spacing()` says (a start reserved in the
/// schedule the API's pagers share), when it says.
pub(super) struct Pace<A, S> {
    pub(super) ahead: A,
    pub(super) spacing: S,
}

/// What [`prefetch`] carries from one page to the next.
pub(super) struct Prefetch<I, F, T, A, S> {
    pub(super) first_items: I,
    pub(super) queue: std::collections::VecDeque<PageTask<T>>,
    pub(super) fetch: F,
    pub(super) pace: Pace<A, S>,
    pub(super) ended: bool,
}

/// Fetches the pages starting at `first_items` in spawned tasks, as fast as `pace` allows, and
/// yields them in order. The tasks run whether or not the stream is polled, so a slow consumer
/// does not make prefetched pages time out. After an error the stream ends at once and the
/// tasks still running are aborted.
pub(super) fn prefetch<I, A, S, F, Fut, T>(
    operation: &'static str,
    first_items: I,
    pace: Pace<A, S>,
    fetch: F,
) -> BoxStream<'static, Result<Page<T>, Error>>
where
    I: Iterator<Item = u64> + Send + 'static,
    A: Fn() -> usize + Send + 'static,
    S: Fn() -> Option<std::time::Instant> + Send + 'static,
    F: Fn(u64) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Page<T>, Error>> + Send + 'static,
    T: Send + 'static,
{
    use tracing::Instrument;

    let state = Prefetch {
        first_items,
        queue: std::collections::VecDeque::new(),
        fetch,
        pace,
        ended: false,
    };
    stream::unfold(state, move |mut state| async move {
        if state.ended {
            return None;
        }
        while state.queue.len() < (state.pace.ahead)().max(1) {
            let Some(first_item) = state.first_items.next() else {
                break;
            };
            let start_at = (state.pace.spacing)().map(tokio::time::Instant::from_std);
            let page = (state.fetch)(first_item);
            let paced = async move {
                if let Some(at) = start_at {
                    tokio::time::sleep_until(at).await;
                }
                page.await
            };
            let handle = match tokio::runtime::Handle::try_current() {
                Ok(runtime) => runtime.spawn(paced.in_current_span()),
                Err(error) => {
                    let failed = Err(fetch_failed(
                        operation,
                        format!("no Tokio runtime: {error}"),
                    ));
                    state.queue.clear();
                    state.ended = true;
                    return Some((failed, state));
                }
            };
            state.queue.push_back(PageTask(handle));
        }
        let mut next = state.queue.pop_front()?;
        let result = match (&mut next.0).await {
            Ok(result) => result,
            Err(error) => Err(fetch_failed(operation, error.to_string())),
        };
        if result.is_err() {
            // Aborts every page still in flight.
            state.queue.clear();
            state.ended = true;
        }
        Some((result, state))
    })
    .boxed()
}

pub(super) fn fetch_failed(operation: &'static str, reason: String) -> Error {
    Error::Paging {
        operation,
        problem: PagingProblem::FetchFailed { reason },
    }
}
