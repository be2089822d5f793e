//! Reopening a locked journal: a teacher asks, the deputy head (or the
//! director) approves or refuses; both steps are kept with who, when and why.

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PeriodId, PersonId, SchoolId, SubjectId};
use otmetka_platform::paging::Page;
use otmetka_platform::time::parse_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as pb;
use otmetka_proto::identity::v1 as identity;

use super::{GradebookApi, REASON, reason};
use crate::convert;
use crate::model::{ReopenRequest, ReopenRequestId, ReopenState};
use crate::store;

impl GradebookApi {
    pub(super) async fn request_reopen(
        &self,
        ctx: CallContext,
        request: pb::RequestReopenRequest,
    ) -> Result<pb::RequestReopenResponse> {
        let class_id = ClassId::parse("class_id", &request.class_id)?;
        let subject_id = SubjectId::parse("subject_id", &request.subject_id)?;
        let period_id = PeriodId::parse("reporting_period_id", &request.reporting_period_id)?;
        let reason = reason("reason", &request.reason)?;
        let school_id = self
            .class(
                &ctx,
                identity::Action::TeachClass,
                class_id,
                None,
                Some(subject_id),
            )
            .await?;
        // The period must be the school's (and visible to the teacher).
        self.calendar.period(school_id, period_id).await?;
        let reopen = ReopenRequest {
            id: ReopenRequestId::generate(),
            school_id,
            class_id,
            subject_id,
            reporting_period_id: period_id,
            requester_id: PersonId(ctx.person_id()?),
            reason,
            state: ReopenState::Pending,
            decider_id: None,
            decision_comment: String::new(),
            created_at: self.clock.now(),
            decided_at: None,
        };
        store::insert_reopen_request(&self.db, &reopen).await?;
        tracing::info!(request_id = %reopen.id, %class_id, %subject_id, "journal reopen requested");
        Ok(pb::RequestReopenResponse {
            reopen_request: Some(convert::reopen_request(reopen)),
        })
    }

    pub(super) async fn decide_reopen(
        &self,
        ctx: CallContext,
        request: pb::DecideReopenRequest,
    ) -> Result<pb::DecideReopenResponse> {
        let id = ReopenRequestId::parse("id", &request.id)?;
        REASON.parse("comment", &request.comment)?;
        let not_found = || Error::not_found("reopen request");
        let mut reopen = store::get_reopen_request(&self.db, id)
            .await?
            .ok_or_else(not_found)?;
        self.school(&ctx, identity::Action::ClosePeriod, reopen.school_id.uuid())
            .await
            .map_err(|_| not_found())?;
        let state = if request.approve {
            ReopenState::Approved
        } else {
            ReopenState::Refused
        };
        reopen.state = state;
        reopen.decider_id = Some(PersonId(ctx.person_id()?));
        reopen.decision_comment = request.comment.trim().to_owned();
        reopen.decided_at = Some(self.clock.now());
        if !store::decide_reopen_request(&self.db, &reopen).await? {
            return Err(Error::FailedPrecondition(
                "the request was decided already".into(),
            ));
        }
        tracing::info!(request_id = %id, state = state.as_str(), "journal reopen decided");
        Ok(pb::DecideReopenResponse {
            reopen_request: Some(convert::reopen_request(reopen)),
        })
    }

    /// The school's leadership sees every request; a teacher their own.
    pub(super) async fn list_reopen_requests(
        &self,
        ctx: CallContext,
        request: pb::ListReopenRequestsRequest,
    ) -> Result<pb::ListReopenRequestsResponse> {
        let school_id = parse_id("school_id", &request.school_id)?;
        let page = Page::parse(request.page_size, &request.page_token)?;
        let requester = match self
            .school(&ctx, identity::Action::ClosePeriod, school_id)
            .await
        {
            Ok(()) => None,
            Err(Error::NotFound(_)) => {
                self.school(&ctx, identity::Action::ReadRoster, school_id)
                    .await?;
                Some(PersonId(ctx.person_id()?))
            }
            Err(other) => return Err(other),
        };
        let mut requests =
            store::list_reopen_requests(&self.db, SchoolId(school_id), requester, &page).await?;
        let next_page_token = page.finish(&mut requests, |r| r.id.to_string());
        Ok(pb::ListReopenRequestsResponse {
            reopen_requests: requests.into_iter().map(convert::reopen_request).collect(),
            next_page_token,
        })
    }
}
