//! The JSON shapes of news and announcements: kinds, audiences, reach,
//! and the announcement itself as the API shows it.

use chrono::{DateTime, Utc};
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::timestamp;

/// News is shown in the feed; an announcement also notifies its audience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementKind {
    News,
    Announcement,
}

impl AnnouncementKind {
    fn from_proto(kind: i32) -> Self {
        match messaging::AnnouncementKind::try_from(kind) {
            Ok(messaging::AnnouncementKind::News) => Self::News,
            _ => Self::Announcement,
        }
    }

    pub(crate) fn to_proto(self) -> messaging::AnnouncementKind {
        match self {
            Self::News => messaging::AnnouncementKind::News,
            Self::Announcement => messaging::AnnouncementKind::Announcement,
        }
    }
}

/// Whom in the audience it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AudienceRole {
    Guardians,
    Students,
    /// Only with `whole_school`.
    Staff,
}

impl AudienceRole {
    fn from_proto(role: i32) -> Option<Self> {
        match messaging::AudienceRole::try_from(role).ok()? {
            messaging::AudienceRole::Guardians => Some(Self::Guardians),
            messaging::AudienceRole::Students => Some(Self::Students),
            messaging::AudienceRole::Staff => Some(Self::Staff),
            messaging::AudienceRole::Unspecified => None,
        }
    }

    fn to_proto(self) -> i32 {
        match self {
            Self::Guardians => messaging::AudienceRole::Guardians,
            Self::Students => messaging::AudienceRole::Students,
            Self::Staff => messaging::AudienceRole::Staff,
        }
        .into()
    }
}

/// Whom an announcement reaches: the whole school, or some grade levels,
/// classes and groups; and which roles in them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct AudienceView {
    #[serde(default)]
    pub whole_school: bool,
    /// 1–11.
    #[serde(default)]
    #[schema(example = json!([5]))]
    pub grade_levels: Vec<i32>,
    #[serde(default)]
    pub class_ids: Vec<String>,
    #[serde(default)]
    pub group_ids: Vec<String>,
    /// Guardians and students when empty.
    #[serde(default)]
    pub roles: Vec<AudienceRole>,
}

impl From<messaging::Audience> for AudienceView {
    fn from(audience: messaging::Audience) -> Self {
        Self {
            whole_school: audience.whole_school,
            grade_levels: audience.grade_levels,
            class_ids: audience.class_ids,
            group_ids: audience.group_ids,
            roles: audience
                .roles
                .into_iter()
                .filter_map(AudienceRole::from_proto)
                .collect(),
        }
    }
}

impl AudienceView {
    pub(crate) fn into_proto(self) -> messaging::Audience {
        messaging::Audience {
            whole_school: self.whole_school,
            grade_levels: self.grade_levels,
            class_ids: self.class_ids,
            roles: self.roles.into_iter().map(AudienceRole::to_proto).collect(),
            group_ids: self.group_ids,
        }
    }
}

/// How far a published announcement reached: for its author and the
/// school's management.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct ReachView {
    /// Families (a student with their guardians) it reached.
    pub families: i32,
    /// Families of which the student or a guardian read it.
    pub families_read: i32,
    pub staff: i32,
    pub staff_read: i32,
}

#[derive(Serialize, ToSchema)]
pub struct AnnouncementView {
    pub id: String,
    pub school_id: String,
    pub kind: AnnouncementKind,
    pub audience: AudienceView,
    #[schema(example = "Родительское собрание")]
    pub title: String,
    /// Plain text with line breaks.
    pub body: String,
    pub pinned: bool,
    /// `draft`, `published` (shown from `publish_at`) or `withdrawn`.
    #[schema(example = "published")]
    pub state: &'static str,
    pub publish_at: Option<DateTime<Utc>>,
    pub expire_at: Option<DateTime<Utc>>,
    pub author_id: String,
    /// The signed-in person has read it.
    pub read: bool,
    /// For its author and the school's management, once shown.
    pub reach: Option<ReachView>,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

fn state_name(state: i32) -> &'static str {
    match messaging::AnnouncementState::try_from(state) {
        Ok(messaging::AnnouncementState::Draft) => "draft",
        Ok(messaging::AnnouncementState::Withdrawn) => "withdrawn",
        _ => "published",
    }
}

impl From<messaging::Announcement> for AnnouncementView {
    fn from(announcement: messaging::Announcement) -> Self {
        Self {
            id: announcement.id,
            school_id: announcement.school_id,
            kind: AnnouncementKind::from_proto(announcement.kind),
            audience: announcement.audience.unwrap_or_default().into(),
            title: announcement.title,
            body: announcement.body,
            pinned: announcement.pinned,
            state: state_name(announcement.state),
            publish_at: timestamp(announcement.publish_time),
            expire_at: timestamp(announcement.expire_time),
            author_id: announcement.author_id,
            read: announcement.read,
            reach: announcement.reach.map(|reach| ReachView {
                families: reach.families,
                families_read: reach.families_read,
                staff: reach.staff,
                staff_read: reach.staff_read,
            }),
            created_at: timestamp(announcement.create_time),
            updated_at: timestamp(announcement.update_time),
        }
    }
}
