//! The push stream: who may open one, how many a vendor keeps open, and
//! how much each message may carry, from the vendor's rate and quota.

use std::time::Instant;

use otmetka_platform::grpc::{CallContext, Deadline};
use otmetka_platform::{Error, Result};
use otmetka_proto::import::v1 as pb;
use tokio_stream::wrappers::ReceiverStream;
use tonic::codegen::BoxStream;
use tonic::{Status, Streaming};
use tracing::Instrument;

use super::MAX_OPERATIONS;
use crate::api::ImportApi;

/// Messages answered ahead of the vendor reading them.
const RECEIPTS_AHEAD: usize = 2;

impl ImportApi {
    /// Opens the vendor's stream of receipts for its stream of messages.
    pub(in crate::api) async fn open_push(
        &self,
        ctx: CallContext,
        mut incoming: Streaming<pb::PushRecordsRequest>,
    ) -> Result<BoxStream<pb::PushRecordsResponse>> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients push records".into(),
            ));
        }
        let permit = self.limiter.open_stream(ctx.principal.id)?;
        let (sender, receiver) = tokio::sync::mpsc::channel(RECEIPTS_AHEAD);
        let api = self.clone();
        // Messages are answered in order, one at a time: a vendor resending
        // from its last receipt then knows exactly what was applied.
        tokio::spawn(
            async move {
                let _permit = permit;
                for carried in 0.. {
                    let message = match incoming.message().await {
                        Ok(Some(message)) => message,
                        Ok(None) => break,
                        Err(status) => {
                            let _ = sender.send(Err(status)).await;
                            break;
                        }
                    };
                    let ctx = CallContext {
                        deadline: Some(Deadline(Instant::now() + api.message_timeout)),
                        ..ctx.clone()
                    };
                    let answer = api
                        .answer_message(&ctx, carried, message)
                        .await
                        .map_err(Status::from);
                    let failed = answer.is_err();
                    if sender.send(answer).await.is_err() || failed {
                        break;
                    }
                }
            }
            .instrument(tracing::Span::current()),
        );
        Ok(Box::pin(ReceiverStream::new(receiver)))
    }

    /// Answers one message of the stream, the stream having carried
    /// `carried` before it, once its size and the vendor's rate allow it.
    async fn answer_message(
        &self,
        ctx: &CallContext,
        carried: u64,
        request: pb::PushRecordsRequest,
    ) -> Result<pb::PushRecordsResponse> {
        if !(1..=MAX_OPERATIONS).contains(&request.operations.len()) {
            return Err(Error::invalid(
                "operations",
                format!("must hold 1–{MAX_OPERATIONS} operations"),
            ));
        }
        self.limiter.check_stream_length(carried)?;
        self.limiter
            .take(&self.db, ctx.principal.id, request.operations.len())
            .await?;
        self.push_batch(ctx, request).await
    }
}
