//! The one shape of every RPC method: read the caller, run the handler on
//! the plain message, map its answer or error once.
//!
//! ```ignore
//! async fn get_mark(&self, request: Request<pb::GetMarkRequest>) -> Reply<pb::GetMarkResponse> {
//!     handle(request, |ctx, message| self.get_mark(ctx, message)).await
//! }
//! ```

use std::future::Future;

use tonic::{Request, Response, Status};

use super::CallContext;
use crate::error::Result;

/// What a tonic method returns.
pub type Reply<T> = std::result::Result<Response<T>, Status>;

/// Runs `handler` with the verified caller of `request` and its message.
pub async fn handle<M, R, F, Fut>(request: Request<M>, handler: F) -> Reply<R>
where
    F: FnOnce(CallContext, M) -> Fut,
    Fut: Future<Output = Result<R>>,
{
    let ctx = CallContext::of(&request)?;
    let answer = handler(ctx, request.into_inner()).await?;
    Ok(Response::new(answer))
}
