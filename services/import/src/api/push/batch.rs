//! One message of the stream: its operations drafted, refused where the
//! token lacks their scope, resolved, and sent to gradebook school by
//! school. Gradebook asks identity whether the school granted the vendor
//! each record it decides, so import asks only when it refuses a record
//! itself (an id it cannot resolve): then a vendor without the grant reads
//! NOT_GRANTED for it, as gradebook answers for the others.

use std::collections::{BTreeMap, HashMap};

use otmetka_platform::Result;
use otmetka_platform::authz::{SCOPE_ATTENDANCE_WRITE, SCOPE_MARKS_WRITE};
use otmetka_platform::grpc::CallContext;
use otmetka_platform::refusal::RecordRefusal;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::import::v1 as pb;
use otmetka_proto::schedule::v1 as schedule;
use uuid::Uuid;

use super::draft::{Draft, Slot, TimetablePlace, draft, fill};
use super::receipts::receipt_of;
use super::{not_granted, record_error, write_scope};
use crate::api::ImportApi;
use crate::resolver::{self, Reference};

impl ImportApi {
    /// Answers one message of the stream, its size and the vendor's rate
    /// already taken: one receipt per operation, in order.
    pub(super) async fn push_batch(
        &self,
        ctx: &CallContext,
        request: pb::PushRecordsRequest,
    ) -> Result<pb::PushRecordsResponse> {
        let vendor_id = ctx.principal.id;
        let mut answers: Vec<Option<Result<_, pb::RecordError>>> =
            vec![None; request.operations.len()];
        let mut schools: BTreeMap<Uuid, Vec<(usize, Draft)>> = BTreeMap::new();
        for (index, operation) in request.operations.iter().enumerate() {
            match draft(operation) {
                Ok(draft) => schools
                    .entry(draft.school_id)
                    .or_default()
                    .push((index, draft)),
                Err(error) => answers[index] = Some(Err(error)),
            }
        }
        for (school_id, drafts) in schools {
            let (drafts, refused): (Vec<_>, Vec<_>) = drafts
                .into_iter()
                .partition(|(_, draft)| ctx.principal.has_scope(write_scope(draft.record_type())));
            for (index, draft) in refused {
                answers[index] = Some(Err(not_granted(draft.record_type())));
            }
            if drafts.is_empty() {
                continue;
            }
            let references: Vec<Reference> = drafts
                .iter()
                .flat_map(|(_, draft)| draft.references.iter().map(|(_, r)| r.clone()))
                .collect();
            let mut resolved = resolver::resolve(&self.db, vendor_id, school_id, &references)
                .await?
                .into_iter();
            let mut indices = Vec::new();
            let mut records = Vec::new();
            let mut unresolved_records = Vec::new();
            let mut timetable = Timetable::default();
            for (index, mut draft) in drafts {
                let mut unresolved = None;
                let slots: Vec<Slot> = draft.references.iter().map(|(slot, _)| *slot).collect();
                for slot in slots {
                    match resolved.next().expect("one answer per reference") {
                        Ok(id) => fill(&mut draft, slot, id),
                        Err(missing) => {
                            unresolved.get_or_insert_with(|| {
                                record_error(missing.refusal(), slot.field(), missing.message())
                            });
                        }
                    }
                }
                if let (None, Some(place)) = (&unresolved, draft.place.take()) {
                    match self
                        .lesson_at(ctx, school_id, &place, &mut timetable)
                        .await?
                    {
                        Some(lesson_id) => fill(&mut draft, place.lesson, lesson_id),
                        None => {
                            unresolved = Some(record_error(
                                RecordRefusal::UnresolvedReference,
                                &place.field(),
                                format!(
                                    "no lesson {} on {} in the timetable of that class or group",
                                    place.lesson_number, place.date
                                ),
                            ));
                        }
                    }
                }
                match unresolved {
                    Some(error) => unresolved_records.push((index, draft.record_type(), error)),
                    None => {
                        indices.push(index);
                        records.push(draft.record);
                    }
                }
            }
            if !unresolved_records.is_empty() && !self.school_granted(ctx, school_id).await? {
                // What the vendor mapped, and the school's timetable, are
                // none of its business without the grant: every record of
                // the school is NOT_GRANTED, as gradebook would answer.
                for (index, record_type, _) in unresolved_records {
                    answers[index] = Some(Err(not_granted(record_type)));
                }
                for (index, record) in indices.into_iter().zip(records) {
                    answers[index] = Some(Err(not_granted(record.record_type())));
                }
                continue;
            }
            for (index, _, error) in unresolved_records {
                answers[index] = Some(Err(error));
            }
            if records.is_empty() {
                continue;
            }
            let results = self
                .gradebook
                .clone()
                .apply_vendor_records(ctx.forward(gradebook::ApplyVendorRecordsRequest {
                    school_id: school_id.to_string(),
                    records,
                    dry_run: request.dry_run,
                    max_deletion_share: self.limiter.limits().max_deletion_share,
                    deletion_allowance: self.limiter.limits().deletion_allowance,
                    confirm_deletions: request.confirm_deletions,
                })?)
                .await?
                .into_inner()
                .results;
            for (index, result) in indices.into_iter().zip(results) {
                answers[index] = Some(Ok(result));
            }
        }
        let receipts = request
            .operations
            .iter()
            .zip(answers)
            .map(|(operation, answer)| {
                receipt_of(
                    operation,
                    answer.unwrap_or_else(|| {
                        Err(record_error(
                            RecordRefusal::Internal,
                            "",
                            "no answer from the journal",
                        ))
                    }),
                )
            })
            .collect();
        Ok(pb::PushRecordsResponse { receipts })
    }

    /// The lesson at a place in the timetable (read with the vendor's own
    /// token), if there is one and it is not cancelled.
    async fn lesson_at(
        &self,
        ctx: &CallContext,
        school_id: Uuid,
        place: &TimetablePlace,
        timetable: &mut Timetable,
    ) -> Result<Option<Uuid>> {
        let day = (place.class_id.clone(), place.date.clone());
        if !timetable.days.contains_key(&day) {
            let mut lessons = Vec::new();
            let mut page_token = String::new();
            loop {
                let page = self
                    .schedule
                    .clone()
                    .list_lessons(ctx.forward(schedule::ListLessonsRequest {
                        school_id: school_id.to_string(),
                        from_date: place.date.clone(),
                        to_date: place.date.clone(),
                        class_id: place.class_id.clone(),
                        page_size: 500,
                        page_token,
                        ..Default::default()
                    })?)
                    .await;
                let page = match page {
                    Ok(page) => page.into_inner(),
                    // A class of another school, or one the vendor may not
                    // read: no lesson there.
                    Err(status)
                        if matches!(
                            status.code(),
                            tonic::Code::NotFound | tonic::Code::InvalidArgument
                        ) =>
                    {
                        break;
                    }
                    Err(status) => return Err(status.into()),
                };
                lessons.extend(page.lessons);
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
            timetable.days.insert(day.clone(), lessons);
        }
        Ok(timetable.days[&day]
            .iter()
            .find(|lesson| {
                lesson.lesson_number == place.lesson_number
                    && (place.group_id.is_empty() || lesson.group_id == place.group_id)
                    && lesson.status != i32::from(schedule::LessonStatus::Cancelled)
            })
            .and_then(|lesson| Uuid::parse_str(&lesson.id).ok()))
    }

    /// The school granted the vendor access (among the vendor's own grants,
    /// which identity lists to it alone) and its token may write something.
    /// Asked only where import answers without gradebook, which asks
    /// identity itself.
    pub(super) async fn school_granted(&self, ctx: &CallContext, school_id: Uuid) -> Result<bool> {
        if ![SCOPE_MARKS_WRITE, SCOPE_ATTENDANCE_WRITE]
            .iter()
            .any(|scope| ctx.principal.has_scope(scope))
        {
            return Ok(false);
        }
        let school_id = school_id.to_string();
        let mut page_token = String::new();
        loop {
            let reply = self
                .identity
                .clone()
                .list_vendor_grants(ctx.forward(identity::ListVendorGrantsRequest {
                    school_id: String::new(),
                    page_size: 0,
                    page_token,
                })?)
                .await?
                .into_inner();
            if reply
                .grants
                .iter()
                .any(|grant| grant.school.as_ref().is_some_and(|s| s.id == school_id))
            {
                return Ok(true);
            }
            if reply.next_page_token.is_empty() {
                return Ok(false);
            }
            page_token = reply.next_page_token;
        }
    }
}

/// The lessons of a school on a day, read from schedule once per message:
/// each class's, and the whole school's for lessons named by group.
#[derive(Default)]
struct Timetable {
    days: HashMap<(String, String), Vec<schedule::Lesson>>,
}
