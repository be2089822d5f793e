//! Where a consumer reads changes from: another service's feed over gRPC,
//! with the consuming service's own token.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use otmetka_proto::common::v1 as pb;
use otmetka_proto::common::v1::change_feed_service_client::ChangeFeedServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use tonic::transport::Channel;

use crate::error::Result;
use crate::grpc::context::outgoing;
use crate::grpc::service_token::ServiceToken;

/// A page of a feed.
#[derive(Debug, Clone, Default)]
pub struct FeedPage {
    /// Oldest first.
    pub changes: Vec<pb::ChangeEnvelope>,
    /// Every change committed before the read was handed out, here or
    /// before (see `ReadChangesResponse.caught_up`).
    pub caught_up: bool,
}

/// A feed to read pages of changes from.
pub trait ChangeSource: Send + Sync + 'static {
    /// Up to `limit` changes after `cursor`.
    fn read(&self, cursor: &str, limit: u32) -> impl Future<Output = Result<FeedPage>> + Send;
}

/// Another service's `ChangeFeedService`.
#[derive(Debug, Clone)]
pub struct RemoteFeed {
    feed: ChangeFeedServiceClient<Channel>,
    identity: IdentityServiceClient<Channel>,
    token: Arc<ServiceToken>,
    timeout: Duration,
}

impl RemoteFeed {
    /// Reads the feed of the service at `feed`, signing in at `identity`
    /// with `token`'s credentials; each call may take `timeout`.
    pub fn new(
        feed: Channel,
        identity: IdentityServiceClient<Channel>,
        token: Arc<ServiceToken>,
        timeout: Duration,
    ) -> Self {
        Self {
            feed: ChangeFeedServiceClient::new(feed),
            identity,
            token,
            timeout,
        }
    }
}

impl ChangeSource for RemoteFeed {
    async fn read(&self, cursor: &str, limit: u32) -> Result<FeedPage> {
        let token = self.token.get(&self.identity, self.timeout).await?;
        let deadline = crate::grpc::Deadline(std::time::Instant::now() + self.timeout);
        let request = outgoing(
            pb::ReadChangesRequest {
                cursor: cursor.to_owned(),
                page_size: i32::try_from(limit).unwrap_or(i32::MAX),
            },
            &token,
            Some(deadline),
        )?;
        let response = self.feed.clone().read_changes(request).await?.into_inner();
        Ok(FeedPage {
            changes: response.changes,
            caught_up: response.caught_up,
        })
    }
}
