//! The seam between the generated clients and whoever sends their requests: every request a
//! generated client builds, with all its headers set, goes through a [`Transport`], which can
//! sign it, retry it and observe it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future a [`Transport`] returns: the response, or the transport error of the last attempt.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>>;

/// Sends the requests the generated clients build.
///
/// The generated code builds a complete `reqwest::Request` (path, query, headers) and hands it
/// here instead of sending it, so an implementation sees exactly what would go on the wire and
/// may change it (add a signature) or send it several times (retries).
pub trait Transport: Send + Sync + fmt::Debug {
    /// Runs once per call before anything is sent: may add headers, and refuses a request it
    /// could not send (the message becomes the generated client's `Error::Custom`).
    fn prepare(
        &self,
        request: &mut reqwest::Request,
        operation_id: &'static str,
    ) -> Result<(), String> {
        let _ = (request, operation_id);
        Ok(())
    }

    /// Sends `request` with `client` and returns the response to decode.
    ///
    /// `operation_id` is the operation's name in snake case, such as `check_record`.
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        operation_id: &'static str,
    ) -> TransportFuture<'a>;
}

/// The transport value each generated `Client` holds (progenitor's "inner type").
pub type SharedTransport = Arc<dyn Transport>;

/// Sends each request once, unchanged: no authentication, no retries.
///
/// Useful against a server that needs no signature, or to see the raw generated behaviour.
#[derive(Clone, Copy, Debug, Default)]
pub struct DirectTransport;

impl DirectTransport {
    /// This transport, ready to hand to a generated client's constructor.
    pub fn shared() -> SharedTransport {
        Arc::new(Self)
    }
}

impl Transport for DirectTransport {
    fn execute<'a>(
        &'a self,
        client: &'a reqwest::Client,
        request: reqwest::Request,
        _operation_id: &'static str,
    ) -> TransportFuture<'a> {
        Box::pin(client.execute(request))
    }
}

/// Routes each generated client's requests through its [`Transport`].
macro_rules! route_through_transport {
    ($($service:ident),+ $(,)?) => {$(
        impl progenitor_client::ClientHooks<$crate::SharedTransport> for $service::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                use progenitor_client::ClientInfo as _;
                self.inner()
                    .prepare(request, info.operation_id)
                    .map_err(progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                use progenitor_client::ClientInfo as _;
                self.inner().execute(self.client(), request, info.operation_id).await
            }
        }
    )+};
}
