//! The gRPC face of import: who the vendor is, then the roster pull
//! (`roster`, and `calendar` for periods and lessons), the id mappings
//! (`mappings`), the push of marks and attendance (`push`), the listing of
//! stored record keys (`records`) and the change feed (`changes`). RPCs not
//! built yet answer UNIMPLEMENTED from the
//! generated stubs.

mod calendar;
mod changes;
mod enrollments;
mod existing;
mod mappings;
pub(crate) mod push;
mod records;
mod roster;
mod service;
mod walk;

use std::time::Duration;

use otmetka_platform::authz::SCOPE_ROSTER_READ;
use otmetka_platform::clock::Clock;
use otmetka_platform::db::Db;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::limits::{Limiter, PushLimits};
use crate::store::Scope;

/// Import reads every roster fact from identity and schedule on the
/// vendor's own token rather than with a service token of its own: their
/// policy then decides each call exactly as for any other caller (grant,
/// scope, revoked client), a withdrawn grant takes effect on the next call,
/// and import holds no right that a bug could lend to the wrong vendor.
/// Pushed marks go to gradebook on the same token, for the same reasons.
#[derive(Clone)]
pub struct ImportApi {
    db: Db,
    identity: IdentityServiceClient<Channel>,
    schedule: ScheduleServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
    /// How long answering one pushed message may take (the server's limit
    /// for a request): a stream lives longer than any one request.
    message_timeout: Duration,
    limiter: Limiter,
    clock: Clock,
}

impl ImportApi {
    pub fn new(
        db: Db,
        identity: IdentityServiceClient<Channel>,
        schedule: ScheduleServiceClient<Channel>,
        gradebook: GradebookServiceClient<Channel>,
        message_timeout: Duration,
        push_limits: PushLimits,
        clock: Clock,
    ) -> Self {
        Self {
            db,
            identity,
            schedule,
            gradebook,
            message_timeout,
            limiter: Limiter::new(push_limits, push::MAX_OPERATIONS as u32),
            clock,
        }
    }
}

/// The calling vendor, if its token may read rosters. People are refused
/// outright: this API is for vendors' systems only. Whether a school granted
/// the vendor is asked per school, of identity.
fn roster_reader(ctx: &CallContext) -> Result<Uuid> {
    if !ctx.principal.is_client() {
        return Err(Error::PermissionDenied(
            "only vendor clients use the import API".into(),
        ));
    }
    if !ctx.principal.has_scope(SCOPE_ROSTER_READ) {
        return Err(Error::PermissionDenied(format!(
            "the token lacks the scope {SCOPE_ROSTER_READ}"
        )));
    }
    Ok(ctx.principal.id)
}

/// The vendor and school of a request about one school.
fn scope(ctx: &CallContext, school_id: &str) -> Result<Scope> {
    let vendor_id = roster_reader(ctx)?;
    let school_id = otmetka_platform::time::parse_id("school_id", school_id)?;
    Ok(Scope {
        vendor_id,
        school_id,
    })
}
