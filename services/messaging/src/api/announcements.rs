//! News and announcements: writing, scheduling and withdrawing them (the
//! school's management for any audience, a class teacher for their class),
//! reading what reached the caller, read marks and how far they reached.

use chrono::{DateTime, Utc};
use otmetka_platform::error::Violations;
use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{ClassId, PersonId, SchoolId};
use otmetka_platform::paging::{Page, bad_token, bounded_page_size};
use otmetka_platform::time::optional_id;
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;

use super::announcement_fields::{
    BODY, TITLE, audience_of, check_expiry, kind_of, state_of, time_of,
};
use super::{MessagingApi, convert};
use crate::model::{Announcement, AnnouncementId, AnnouncementKind, AnnouncementState, Audience};
use crate::store;
use crate::store::announcements::{AnnouncementFilter, Shelf, ShelfKey};

const MAX_MARKED: usize = 500;
const DEFAULT_ANNOUNCEMENTS: u32 = 20;
const MAX_ANNOUNCEMENTS: u32 = 100;
const UPDATABLE: [&str; 8] = [
    "kind",
    "audience",
    "title",
    "body",
    "pinned",
    "state",
    "publish_time",
    "expire_time",
];
/// What cannot change once publication has begun: who was reached and
/// how they were told.
const FIXED_ONCE_PUBLISHED: [&str; 3] = ["kind", "audience", "publish_time"];

impl MessagingApi {
    /// Refuses unless the caller may announce to every part of `audience`
    /// in the school: its management for the school or grade levels, also
    /// the class teacher for a class or one of its groups.
    async fn require_announcer(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        audience: &Audience,
    ) -> Result<()> {
        let identity = &self.identity;
        if (audience.whole_school || !audience.grade_levels.0.is_empty())
            && identity.announces_in(ctx, school_id, None, None).await? != Some(school_id)
        {
            return Err(Error::not_found("school"));
        }
        self.require_classes(ctx, school_id, "audience.class_ids", &audience.class_ids.0)
            .await?;
        for (index, group_id) in audience.group_ids.0.iter().enumerate() {
            if identity
                .announces_in(ctx, school_id, None, Some(*group_id))
                .await?
                != Some(school_id)
            {
                return Err(Error::not_found(format!(
                    "group (audience.group_ids[{index}])"
                )));
            }
        }
        Ok(())
    }

    /// An announcement the caller wrote or manages, or "not found".
    async fn editable(
        &self,
        ctx: &CallContext,
        school_id: SchoolId,
        id: AnnouncementId,
    ) -> Result<Announcement> {
        let caller = PersonId(ctx.person_id()?);
        let announcement = store::announcements::get(&self.db, school_id, id)
            .await?
            .ok_or_else(|| Error::not_found("announcement"))?;
        if announcement.author_id == caller || self.manages_school(ctx, school_id).await? {
            Ok(announcement)
        } else {
            Err(Error::not_found("announcement"))
        }
    }

    /// The announcement as its author or manager sees it: with its reach
    /// once it is shown.
    async fn as_editor(&self, announcement: Announcement, read: bool) -> Result<pb::Announcement> {
        let reach = if shown(&announcement, self.clock.now()) {
            Some(store::announcements::reach(&self.db, announcement.id).await?)
        } else {
            None
        };
        Ok(convert::announcement(announcement, read, reach))
    }
}

/// Published and its time has come (expired or not).
fn shown(announcement: &Announcement, now: DateTime<Utc>) -> bool {
    announcement.state == AnnouncementState::Published
        && announcement.publish_at.is_some_and(|at| at <= now)
}

/// Whether readers see it now.
fn on_show(announcement: &Announcement, now: DateTime<Utc>) -> bool {
    shown(announcement, now) && announcement.expire_at.is_none_or(|at| at > now)
}

pub async fn create_announcement(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::CreateAnnouncementRequest,
) -> Result<pb::CreateAnnouncementResponse> {
    let caller = PersonId(ctx.person_id()?);
    let input = request
        .announcement
        .ok_or_else(|| Error::invalid("announcement", "is required"))?;
    let school_id = SchoolId::parse("announcement.school_id", &input.school_id)?;
    let request_id = optional_id("request_id", &request.request_id)?;
    let mut violations = Violations::new();
    let title = TITLE.check("announcement.title", &input.title, &mut violations);
    let body = BODY.check("announcement.body", &input.body, &mut violations);
    let kind = kind_of(input.kind, &mut violations);
    let audience = audience_of(input.audience.as_ref(), &mut violations);
    let state = state_of(input.state, &mut violations);
    let publish_time = time_of(
        "announcement.publish_time",
        input.publish_time.as_ref(),
        &mut violations,
    );
    let expire_at = time_of(
        "announcement.expire_time",
        input.expire_time.as_ref(),
        &mut violations,
    );
    let now = api.clock.now();
    let announcement = Announcement {
        id: AnnouncementId::generate(),
        school_id,
        kind,
        audience,
        title: title.to_owned(),
        body: body.to_owned(),
        pinned: input.pinned,
        state,
        publish_at: match state {
            AnnouncementState::Published => Some(publish_time.unwrap_or(now)),
            _ => publish_time,
        },
        expire_at,
        author_id: caller,
        created_at: now,
        updated_at: now,
        reach_cursor: None,
        reached_at: None,
    };
    check_expiry(&announcement, now, &mut violations);
    violations.into_result()?;
    api.require_announcer(&ctx, school_id, &announcement.audience)
        .await?;
    let written = store::announcements::insert(&api.db, &announcement, request_id).await?;
    if announcement.state == AnnouncementState::Published {
        api.published.notify_one();
    }
    let stored = store::announcements::get(&api.db, school_id, written.into_inner())
        .await?
        .ok_or_else(|| Error::not_found("announcement"))?;
    Ok(pb::CreateAnnouncementResponse {
        announcement: Some(api.as_editor(stored, false).await?),
    })
}

pub async fn get_announcement(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::GetAnnouncementRequest,
) -> Result<pb::GetAnnouncementResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = AnnouncementId::parse("id", &request.id)?;
    let not_found = || Error::not_found("announcement");
    let announcement = store::announcements::get(&api.db, school_id, id)
        .await?
        .ok_or_else(not_found)?;
    let reached = store::announcements::reached(&api.db, id, caller).await?;
    let read = matches!(reached, Some(Some(_)));
    if announcement.author_id == caller || api.manages_school(&ctx, school_id).await? {
        return Ok(pb::GetAnnouncementResponse {
            announcement: Some(api.as_editor(announcement, read).await?),
        });
    }
    if reached.is_none() || !on_show(&announcement, api.clock.now()) {
        return Err(not_found());
    }
    Ok(pb::GetAnnouncementResponse {
        announcement: Some(convert::announcement(announcement, read, None)),
    })
}

pub async fn list_announcements(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::ListAnnouncementsRequest,
) -> Result<pb::ListAnnouncementsResponse> {
    let caller = PersonId(ctx.person_id()?);
    let school_id = SchoolId::parse_optional("school_id", &request.school_id)?;
    let class_id = ClassId::parse_optional("class_id", &request.class_id)?;
    let kind = match pb::AnnouncementKind::try_from(request.kind) {
        Ok(pb::AnnouncementKind::Unspecified) => None,
        Ok(pb::AnnouncementKind::News) => Some(AnnouncementKind::News),
        Ok(pb::AnnouncementKind::Announcement) => Some(AnnouncementKind::Announcement),
        Err(_) => return Err(Error::invalid("kind", "must be NEWS or ANNOUNCEMENT")),
    };
    let size = bounded_page_size(request.page_size, DEFAULT_ANNOUNCEMENTS, MAX_ANNOUNCEMENTS)?;
    let page = Page {
        size,
        ..Page::parse(0, &request.page_token)?
    };
    let after = page
        .after_pair()?
        .map(|(value, id)| {
            let (pinned, shown_at) = value.split_once('|')?;
            Some(ShelfKey {
                pinned: pinned == "1",
                shown_at: DateTime::parse_from_rfc3339(shown_at).ok()?.to_utc(),
                id,
            })
        })
        .map(|key| key.ok_or_else(bad_token))
        .transpose()?;
    let now = api.clock.now();
    let shelf = match school_id {
        _ if !request.include_unpublished => Shelf::Received { now },
        Some(school_id) if api.manages_school(&ctx, school_id).await? => Shelf::School,
        _ => Shelf::Authored,
    };
    let filter = AnnouncementFilter {
        shelf,
        school_id,
        class_id,
        kind,
        unread_only: request.unread_only,
    };
    let mut rows =
        store::announcements::list(&api.db, caller, &filter, after, page.fetch_limit()).await?;
    let next_page_token = page.finish(&mut rows, |row| {
        let a = &row.announcement;
        format!(
            "{}|{}\0{}",
            u8::from(a.pinned),
            a.publish_at.unwrap_or(a.created_at).to_rfc3339(),
            a.id
        )
    });
    let mut announcements = Vec::with_capacity(rows.len());
    for row in rows {
        let read = row.read_at.is_some();
        announcements.push(match filter.shelf {
            Shelf::Received { .. } => convert::announcement(row.announcement, read, None),
            Shelf::Authored | Shelf::School => api.as_editor(row.announcement, read).await?,
        });
    }
    Ok(pb::ListAnnouncementsResponse {
        announcements,
        next_page_token,
    })
}

pub async fn update_announcement(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::UpdateAnnouncementRequest,
) -> Result<pb::UpdateAnnouncementResponse> {
    let changes = request
        .announcement
        .ok_or_else(|| Error::invalid("announcement", "is required"))?;
    let school_id = SchoolId::parse("announcement.school_id", &changes.school_id)?;
    let id = AnnouncementId::parse("announcement.id", &changes.id)?;
    let paths = request
        .update_mask
        .map(|mask| mask.paths)
        .unwrap_or_default();
    let mut violations = Violations::new();
    if paths.is_empty() {
        violations.add(
            "update_mask",
            format!("name the fields to change: {}", UPDATABLE.join(", ")),
        );
    }
    let mut announcement = api.editable(&ctx, school_id, id).await?;
    if announcement.state == AnnouncementState::Withdrawn {
        return Err(Error::FailedPrecondition(
            "the announcement was withdrawn".into(),
        ));
    }
    let now = api.clock.now();
    let begun = shown(&announcement, now)
        || announcement.reach_cursor.is_some()
        || announcement.reached_at.is_some();
    for path in &paths {
        match path.as_str() {
            "kind" => announcement.kind = kind_of(changes.kind, &mut violations),
            "audience" => {
                announcement.audience = audience_of(changes.audience.as_ref(), &mut violations);
            }
            "title" => {
                announcement.title = TITLE
                    .check("announcement.title", &changes.title, &mut violations)
                    .to_owned();
            }
            "body" => {
                announcement.body = BODY
                    .check("announcement.body", &changes.body, &mut violations)
                    .to_owned();
            }
            "pinned" => announcement.pinned = changes.pinned,
            "state" => announcement.state = state_of(changes.state, &mut violations),
            "publish_time" => {
                announcement.publish_at = time_of(
                    "announcement.publish_time",
                    changes.publish_time.as_ref(),
                    &mut violations,
                );
            }
            "expire_time" => {
                announcement.expire_at = time_of(
                    "announcement.expire_time",
                    changes.expire_time.as_ref(),
                    &mut violations,
                );
            }
            other => violations.add(
                "update_mask",
                format!(
                    "{other:?} cannot be changed; allowed: {}",
                    UPDATABLE.join(", ")
                ),
            ),
        }
    }
    if begun {
        let mut fixed: Vec<&str> = paths
            .iter()
            .map(String::as_str)
            .filter(|path| FIXED_ONCE_PUBLISHED.contains(path))
            .collect();
        if announcement.state != AnnouncementState::Published {
            fixed.push("state");
        }
        if !fixed.is_empty() {
            return Err(Error::FailedPrecondition(format!(
                "the announcement is published: {} can no longer change",
                fixed.join(", ")
            )));
        }
    }
    if announcement.state == AnnouncementState::Published && announcement.publish_at.is_none() {
        announcement.publish_at = Some(now);
    }
    check_expiry(&announcement, now, &mut violations);
    violations.into_result()?;
    if paths.iter().any(|path| path == "audience") {
        api.require_announcer(&ctx, school_id, &announcement.audience)
            .await?;
    }
    announcement.updated_at = now;
    if !store::announcements::update(&api.db, &announcement, !begun).await? {
        return Err(Error::FailedPrecondition(
            "the announcement changed meanwhile: it was published or withdrawn".into(),
        ));
    }
    if announcement.state == AnnouncementState::Published {
        api.published.notify_one();
    }
    let stored = store::announcements::get(&api.db, school_id, id)
        .await?
        .ok_or_else(|| Error::not_found("announcement"))?;
    Ok(pb::UpdateAnnouncementResponse {
        announcement: Some(api.as_editor(stored, false).await?),
    })
}

pub async fn delete_announcement(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::DeleteAnnouncementRequest,
) -> Result<pb::DeleteAnnouncementResponse> {
    let school_id = SchoolId::parse("school_id", &request.school_id)?;
    let id = AnnouncementId::parse("id", &request.id)?;
    let announcement = api.editable(&ctx, school_id, id).await?;
    if announcement.state != AnnouncementState::Withdrawn {
        store::announcements::withdraw(&api.db, school_id, id, api.clock.now()).await?;
    }
    Ok(pb::DeleteAnnouncementResponse {})
}

pub async fn mark_announcements_read(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::MarkAnnouncementsReadRequest,
) -> Result<pb::MarkAnnouncementsReadResponse> {
    let caller = PersonId(ctx.person_id()?);
    SchoolId::parse("school_id", &request.school_id)?;
    if request.announcement_ids.is_empty() {
        return Err(Error::invalid("announcement_ids", "name at least one"));
    }
    if request.announcement_ids.len() > MAX_MARKED {
        return Err(Error::invalid(
            "announcement_ids",
            format!("names at most {MAX_MARKED}"),
        ));
    }
    let ids = request
        .announcement_ids
        .iter()
        .enumerate()
        .map(|(index, id)| AnnouncementId::parse(&format!("announcement_ids[{index}]"), id))
        .collect::<Result<Vec<_>>>()?;
    // Only what reached the caller is marked: other ids change nothing.
    store::announcements::mark_read(&api.db, caller, &ids, api.clock.now()).await?;
    Ok(pb::MarkAnnouncementsReadResponse {})
}
