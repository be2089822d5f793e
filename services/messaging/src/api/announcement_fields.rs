//! Reading an announcement's fields from a request, each refusal noted
//! under its field: for a new announcement all of them, for a change those
//! its mask names.

use chrono::{DateTime, Utc};
use otmetka_platform::error::Violations;
use otmetka_platform::text::TextRule;
use otmetka_proto::messaging::v1 as pb;

use super::input::ids_of;
pub(super) use super::input::time_of;
use crate::model::{
    Announcement, AnnouncementKind, AnnouncementState, Audience, AudienceRole, Listed,
};

pub const TITLE: TextRule = TextRule::line(200).required();
pub const BODY: TextRule = TextRule::text(20_000).required();
/// Classes or groups one announcement names.
const MAX_UNITS: usize = 100;

pub(super) fn kind_of(kind: i32, violations: &mut Violations) -> AnnouncementKind {
    match pb::AnnouncementKind::try_from(kind) {
        Ok(pb::AnnouncementKind::News) => AnnouncementKind::News,
        Ok(pb::AnnouncementKind::Announcement) => AnnouncementKind::Announcement,
        _ => {
            violations.add("announcement.kind", "must be NEWS or ANNOUNCEMENT");
            AnnouncementKind::News
        }
    }
}

pub(super) fn audience_of(
    audience: Option<&pb::Audience>,
    violations: &mut Violations,
) -> Audience {
    let Some(audience) = audience else {
        violations.add("announcement.audience", "is required");
        return Audience::default();
    };
    let mut parsed = Audience {
        whole_school: audience.whole_school,
        ..Audience::default()
    };
    for (index, level) in audience.grade_levels.iter().enumerate() {
        if (1..=11).contains(level) {
            parsed.grade_levels.0.push(*level);
        } else {
            violations.add(
                format!("announcement.audience.grade_levels[{index}]"),
                "must be a grade level, 1–11",
            );
        }
    }
    parsed.grade_levels.0.sort_unstable();
    parsed.grade_levels.0.dedup();
    parsed.class_ids = ids_of(
        "announcement.audience.class_ids",
        &audience.class_ids,
        MAX_UNITS,
        violations,
    );
    parsed.group_ids = ids_of(
        "announcement.audience.group_ids",
        &audience.group_ids,
        MAX_UNITS,
        violations,
    );
    for (index, role) in audience.roles.iter().enumerate() {
        let role = match pb::AudienceRole::try_from(*role) {
            Ok(pb::AudienceRole::Guardians) => AudienceRole::Guardians,
            Ok(pb::AudienceRole::Students) => AudienceRole::Students,
            Ok(pb::AudienceRole::Staff) => AudienceRole::Staff,
            _ => {
                violations.add(
                    format!("announcement.audience.roles[{index}]"),
                    "must be GUARDIANS, STUDENTS or STAFF",
                );
                continue;
            }
        };
        parsed.roles.0.push(role);
    }
    if parsed.roles.0.is_empty() {
        parsed.roles = Listed(vec![AudienceRole::Guardians, AudienceRole::Students]);
    }
    parsed.roles.0.sort_unstable();
    parsed.roles.0.dedup();
    let narrowed = !parsed.grade_levels.0.is_empty()
        || !parsed.class_ids.0.is_empty()
        || !parsed.group_ids.0.is_empty();
    if parsed.whole_school == narrowed {
        violations.add(
            "announcement.audience",
            "set whole_school, or name grade levels, classes or groups (not both)",
        );
    }
    if parsed.reaches(AudienceRole::Staff) && !parsed.whole_school {
        violations.add(
            "announcement.audience.roles",
            "staff are reached only by a whole-school announcement",
        );
    }
    parsed
}

/// The state a writer may set: a draft, or published (now or at its time).
pub(super) fn state_of(state: i32, violations: &mut Violations) -> AnnouncementState {
    match pb::AnnouncementState::try_from(state) {
        Ok(pb::AnnouncementState::Draft) => AnnouncementState::Draft,
        Ok(pb::AnnouncementState::Published) => AnnouncementState::Published,
        _ => {
            violations.add(
                "announcement.state",
                "must be DRAFT or PUBLISHED (DeleteAnnouncement withdraws)",
            );
            AnnouncementState::Draft
        }
    }
}

/// An expiry must follow the time it is shown from.
pub(super) fn check_expiry(
    announcement: &Announcement,
    now: DateTime<Utc>,
    violations: &mut Violations,
) {
    let from = announcement.publish_at.unwrap_or(now);
    if announcement.expire_at.is_some_and(|expire| expire <= from) {
        violations.add(
            "announcement.expire_time",
            "must be after the time it is published",
        );
    }
}
