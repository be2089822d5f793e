//! The invited families of a meeting as its organizer reads them: those
//! coming, those not, those unsure and those silent, each guardian by name
//! beside the child the invitation concerns, with their comment, in the
//! order of the class list.

use std::collections::HashMap;

use futures_util::{StreamExt, TryStreamExt, stream};
use otmetka_platform::{Error, Result};

use super::meeting_texts::MeetingTexts;
use crate::caller::Caller;
use crate::correspondents::{CorrespondentsQuery, load_correspondents};
use crate::meeting_invitations::{InvitationView, Reply};
use crate::views::PersonKind;
use crate::web::i18n::Lang;

/// Students whose families are named at once: a class's worth in a few
/// rounds without flooding identity.
const NAMED_AT_ONCE: usize = 8;

pub(super) struct FamilyRow {
    pub student: String,
    pub guardian: String,
    pub comment: String,
    pub replied_at: String,
}

/// The families that gave one answer.
pub(super) struct FamilyGroup {
    /// "Придут"
    pub heading: &'static str,
    /// The answer as a class name: `accepted`, `declined`, `tentative`, `none`.
    pub tone: &'static str,
    pub families: Vec<FamilyRow>,
}

/// Everyone in the families of `student_ids`, by person id: identity names
/// the student and their guardians for whoever may write to them (the
/// class teacher, the school's management). A student who has left the
/// school is not named.
async fn family_names(
    caller: &Caller,
    school_id: &str,
    student_ids: Vec<String>,
) -> Result<HashMap<String, String>> {
    let families: Vec<Vec<(String, String)>> = stream::iter(student_ids)
        .map(|student_id| async move {
            let query = CorrespondentsQuery {
                school_id: Some(school_id.to_owned()),
                student_id: Some(student_id),
            };
            match load_correspondents(caller, &query).await {
                Ok(found) => Ok(found
                    .correspondents
                    .into_iter()
                    .filter(|person| person.kind != PersonKind::Staff)
                    .map(|person| (person.person_id, person.display_name))
                    .collect()),
                Err(Error::NotFound(_)) => Ok(Vec::new()),
                Err(error) => Err(error),
            }
        })
        .buffer_unordered(NAMED_AT_ONCE)
        .try_collect()
        .await?;
    Ok(families.into_iter().flatten().collect())
}

/// The groups with families in them, those coming first.
pub(super) async fn family_groups(
    caller: &Caller,
    lang: Lang,
    zone: chrono_tz::Tz,
    school_id: &str,
    invitations: Vec<InvitationView>,
) -> Result<Vec<FamilyGroup>> {
    let mut students: Vec<String> = invitations.iter().map(|i| i.student_id.clone()).collect();
    students.sort_unstable();
    students.dedup();
    let names = family_names(caller, school_id, students).await?;
    let name = |id: &str| names.get(id).cloned().unwrap_or_else(|| "—".to_owned());
    let at = MeetingTexts::of(lang);
    let mut groups = [
        (Some(Reply::Accepted), at.accepted, "accepted"),
        (Some(Reply::Declined), at.declined, "declined"),
        (Some(Reply::Tentative), at.unsure, "tentative"),
        (None, at.no_reply, "none"),
    ]
    .map(|(reply, heading, tone)| {
        (
            reply,
            FamilyGroup {
                heading,
                tone,
                families: Vec::new(),
            },
        )
    });
    for invitation in invitations {
        let row = FamilyRow {
            student: name(&invitation.student_id),
            guardian: name(&invitation.guardian_id),
            replied_at: invitation
                .replied_at
                .map(|at| lang.date_time(at, zone))
                .unwrap_or_default(),
            comment: invitation.comment,
        };
        if let Some((_, group)) = groups
            .iter_mut()
            .find(|(reply, _)| *reply == invitation.reply)
        {
            group.families.push(row);
        }
    }
    Ok(groups
        .into_iter()
        .map(|(_, mut group)| {
            group
                .families
                .sort_by(|a, b| (&a.student, &a.guardian).cmp(&(&b.student, &b.guardian)));
            group
        })
        .filter(|group| !group.families.is_empty())
        .collect())
}
