//! The change feed for vendors: gradebook's feed of a granted school, read
//! on the vendor's own token (gradebook asks identity whether the school
//! granted it and whether the token carries changes.read), told in the
//! vendor API's terms: who made each change, and the vendor's own record id
//! of each mark or attendance record it pushed.

use otmetka_platform::authz::SCOPE_CHANGES_READ;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::paging::{Page, bad_token, bounded_page_size, token_after};
use otmetka_platform::time::parse_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::import::v1 as pb;

use super::ImportApi;

const DEFAULT_PAGE: u32 = 100;
const MAX_PAGE: u32 = 1000;
const MARK: &str = "mark";
const ATTENDANCE: &str = "attendance";

/// What a request asks for beyond its cursor; a page token holds it, so a
/// cursor is never used with other filters.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Filters {
    marks: bool,
    attendance: bool,
    exclude_own: bool,
}

impl Filters {
    fn of(request: &pb::ListChangesRequest) -> Result<Self> {
        let mut filters = Filters {
            marks: request.entity_types.is_empty(),
            attendance: request.entity_types.is_empty(),
            exclude_own: request.exclude_own,
        };
        for entity_type in &request.entity_types {
            match pb::EntityType::try_from(*entity_type) {
                Ok(pb::EntityType::Mark) => filters.marks = true,
                Ok(pb::EntityType::Attendance) => filters.attendance = true,
                _ => {
                    return Err(Error::invalid(
                        "entity_types",
                        "the feed has marks and attendance; read the roster with the ListRoster calls",
                    ));
                }
            }
        }
        Ok(filters)
    }

    fn key(&self) -> String {
        format!(
            "{}{}{}",
            u8::from(self.marks),
            u8::from(self.attendance),
            u8::from(self.exclude_own)
        )
    }
}

/// The page token: the school, the filters and gradebook's cursor.
fn page_token(school_id: &str, filters: &Filters, cursor: &str) -> String {
    token_after(&format!("{school_id}\0{}\0{cursor}", filters.key()))
}

fn cursor_of(token: &str, school_id: &str, filters: &Filters) -> Result<String> {
    let Some(key) = Page::parse(0, token)?.after else {
        return Ok(String::new());
    };
    let mut parts = key.splitn(3, '\0');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(school), Some(held), Some(cursor))
            if school == school_id && held == filters.key() =>
        {
            Ok(cursor.to_owned())
        }
        (Some(_), Some(_), Some(_)) => Err(Error::invalid(
            "page_token",
            "was handed out for another school or other filters",
        )),
        _ => Err(bad_token()),
    }
}

fn origin(change: &gradebook::Change, vendor_id: &str) -> pb::ChangeOrigin {
    if change.written_by == vendor_id {
        pb::ChangeOrigin::ThisVendor
    } else if change.written_by_vendor {
        pb::ChangeOrigin::OtherVendor
    } else {
        pb::ChangeOrigin::Platform
    }
}

fn change_type(kind: i32) -> pb::ChangeType {
    match gradebook::ChangeKind::try_from(kind) {
        Ok(gradebook::ChangeKind::Created) => pb::ChangeType::Created,
        Ok(gradebook::ChangeKind::Updated) => pb::ChangeType::Updated,
        Ok(gradebook::ChangeKind::Deleted) => pb::ChangeType::Deleted,
        _ => pb::ChangeType::Unspecified,
    }
}

fn mark_snapshot(mark: gradebook::Mark) -> pb::MarkSnapshot {
    let scale_code = match gradebook::ScaleKind::try_from(mark.scale) {
        Ok(gradebook::ScaleKind::FivePoint) => "five_point",
        Ok(gradebook::ScaleKind::TenPoint) => "ten_point",
        Ok(gradebook::ScaleKind::HundredPoint) => "hundred_point",
        Ok(gradebook::ScaleKind::PassFail) => "pass_fail",
        Ok(gradebook::ScaleKind::Custom) => "custom",
        _ => "",
    };
    pb::MarkSnapshot {
        id: mark.id,
        school_id: mark.school_id,
        student_id: mark.student_id,
        subject_id: mark.subject_id,
        teacher_id: mark.author_id,
        kind: pb::MarkKind::Current.into(),
        lesson_id: mark.lesson_id,
        date: mark.lesson_date,
        value: mark.value,
        scale_code: scale_code.into(),
        work_type_code: String::new(),
        weight: f64::from(mark.weight),
        comment: mark.comment,
        reporting_period_id: String::new(),
    }
}

fn attendance_snapshot(record: gradebook::AttendanceRecord) -> pb::AttendanceSnapshot {
    let status = match gradebook::AttendanceKind::try_from(record.kind) {
        Ok(gradebook::AttendanceKind::Absent) => pb::AttendanceStatus::Absent,
        Ok(gradebook::AttendanceKind::Ill) => pb::AttendanceStatus::Ill,
        Ok(gradebook::AttendanceKind::Excused) => pb::AttendanceStatus::Excused,
        Ok(gradebook::AttendanceKind::Late) => pb::AttendanceStatus::Late,
        _ => pb::AttendanceStatus::Unspecified,
    };
    pb::AttendanceSnapshot {
        id: record.id,
        school_id: record.school_id,
        student_id: record.student_id,
        lesson_id: record.lesson_id,
        date: record.lesson_date,
        status: status.into(),
        late_by: (record.late_minutes > 0).then(|| prost_types::Duration {
            seconds: i64::from(record.late_minutes) * 60,
            nanos: 0,
        }),
        reason: record.reason,
        subject_id: record.subject_id,
    }
}

/// A change in the vendor API's terms, or `None` for what the feed does not
/// carry (final marks).
fn vendor_change(change: gradebook::Change, vendor_id: &str) -> Option<pb::Change> {
    let origin = origin(&change, vendor_id);
    let (entity_type, snapshot) = match change.resource {
        Some(gradebook::change::Resource::Mark(mark)) => (
            pb::EntityType::Mark,
            pb::change::Snapshot::Mark(mark_snapshot(mark)),
        ),
        Some(gradebook::change::Resource::Attendance(record)) => (
            pb::EntityType::Attendance,
            pb::change::Snapshot::Attendance(attendance_snapshot(record)),
        ),
        _ => return None,
    };
    Some(pb::Change {
        id: change.cursor,
        school_id: change.school_id,
        entity_type: entity_type.into(),
        change_type: change_type(change.kind).into(),
        origin: origin.into(),
        platform_id: change.resource_id,
        vendor_record_id: change.vendor_record_id,
        commit_time: change.create_time,
        snapshot: Some(snapshot),
    })
}

impl ImportApi {
    pub(super) async fn list_changes(
        &self,
        ctx: CallContext,
        request: pb::ListChangesRequest,
    ) -> Result<pb::ListChangesResponse> {
        if !ctx.principal.is_client() {
            return Err(Error::PermissionDenied(
                "only vendor clients read the vendors' change feed".into(),
            ));
        }
        if !ctx.principal.has_scope(SCOPE_CHANGES_READ) {
            return Err(Error::PermissionDenied(format!(
                "the token lacks the scope {SCOPE_CHANGES_READ}"
            )));
        }
        let school_id = parse_id("school_id", &request.school_id)?.to_string();
        let page_size = bounded_page_size(request.page_size, DEFAULT_PAGE, MAX_PAGE)?;
        let filters = Filters::of(&request)?;
        let cursor = cursor_of(&request.page_token, &school_id, &filters)?;
        let page = self
            .gradebook
            .clone()
            .list_changes(ctx.forward(gradebook::ListChangesRequest {
                cursor: cursor.clone(),
                page_size: page_size as i32,
                school_id: school_id.clone(),
            })?)
            .await?
            .into_inner();
        let caught_up = page.changes.len() < page_size as usize;
        let vendor_id = ctx.principal.id.to_string();
        let changes = page
            .changes
            .into_iter()
            .filter(|change| match change.resource_type.as_str() {
                MARK => filters.marks,
                ATTENDANCE => filters.attendance,
                _ => false,
            })
            .filter(|change| !(filters.exclude_own && change.written_by == vendor_id))
            .filter_map(|change| vendor_change(change, &vendor_id))
            .collect();
        Ok(pb::ListChangesResponse {
            changes,
            next_page_token: page_token(&school_id, &filters, &page.next_cursor),
            caught_up,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(entity_types: Vec<pb::EntityType>, exclude_own: bool) -> pb::ListChangesRequest {
        pb::ListChangesRequest {
            entity_types: entity_types.into_iter().map(i32::from).collect(),
            exclude_own,
            ..Default::default()
        }
    }

    #[test]
    fn a_page_token_holds_its_school_and_filters() {
        let school = uuid::Uuid::now_v7().to_string();
        let marks = Filters::of(&request(vec![pb::EntityType::Mark], false)).unwrap();
        let token = page_token(&school, &marks, "000042");
        assert_eq!(cursor_of(&token, &school, &marks).unwrap(), "000042");
        assert_eq!(cursor_of("", &school, &marks).unwrap(), "");

        let everything = Filters::of(&request(vec![], false)).unwrap();
        assert!(cursor_of(&token, &school, &everything).is_err());
        let other_school = uuid::Uuid::now_v7().to_string();
        assert!(cursor_of(&token, &other_school, &marks).is_err());
        assert!(cursor_of("not a token", &school, &marks).is_err());
    }

    #[test]
    fn the_feed_has_marks_and_attendance_only() {
        let both = Filters::of(&request(vec![], true)).unwrap();
        assert!(both.marks && both.attendance && both.exclude_own);
        assert!(Filters::of(&request(vec![pb::EntityType::Student], false)).is_err());
    }

    #[test]
    fn who_made_a_change_is_told_from_the_vendors_side() {
        let vendor = uuid::Uuid::now_v7().to_string();
        let change = |written_by: &str, by_vendor| gradebook::Change {
            written_by: written_by.into(),
            written_by_vendor: by_vendor,
            ..Default::default()
        };
        assert_eq!(
            origin(&change(&vendor, true), &vendor),
            pb::ChangeOrigin::ThisVendor
        );
        assert_eq!(
            origin(&change("someone", true), &vendor),
            pb::ChangeOrigin::OtherVendor
        );
        assert_eq!(
            origin(&change("a teacher", false), &vendor),
            pb::ChangeOrigin::Platform
        );
    }
}
