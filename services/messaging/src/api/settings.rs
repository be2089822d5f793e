//! A person's notification settings: read and replaced by that person only.

use std::collections::HashSet;

use otmetka_platform::grpc::CallContext;
use otmetka_platform::ids::{PersonId, StudentId};
use otmetka_platform::time::to_timestamp;
use otmetka_platform::{Error, Result};
use otmetka_proto::messaging::v1 as pb;

use super::MessagingApi;
use super::convert::notification_kind;
use super::notifications::{contract_kind, recipient};
use crate::model::NotificationKind;
use crate::preferences::{
    EmailMode, Hours, Rule, Settings, format_time_of_day, parse_time_of_day, route,
};
use crate::store;

/// One rule per child and kind, for every kind there is: enough for any family.
const MAX_RULES: usize = 500;

/// Every kind a person may choose for, in the contract's order.
const KINDS: [NotificationKind; 9] = [
    NotificationKind::NewMark,
    NotificationKind::MarkChanged,
    NotificationKind::NewHomework,
    NotificationKind::Announcement,
    NotificationKind::NewMessage,
    NotificationKind::Meeting,
    NotificationKind::LessonChange,
    NotificationKind::Attendance,
    NotificationKind::FinalMark,
];

pub async fn get_notification_settings(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::GetNotificationSettingsRequest,
) -> Result<pb::GetNotificationSettingsResponse> {
    let person_id = recipient(&ctx, &request.person_id)?;
    let settings = store::settings::get(&api.db, person_id).await?;
    let email_known = email_known(api, person_id).await?;
    Ok(pb::GetNotificationSettingsResponse {
        settings: Some(to_contract(&settings, email_known)),
    })
}

pub async fn update_notification_settings(
    api: &MessagingApi,
    ctx: CallContext,
    request: pb::UpdateNotificationSettingsRequest,
) -> Result<pb::UpdateNotificationSettingsResponse> {
    let given = request
        .settings
        .ok_or_else(|| Error::invalid("settings", "is required"))?;
    let person_id = recipient(&ctx, &given.person_id)?;
    let settings = Settings {
        person_id,
        rules: rules(&given.rules)?,
        hours: hours(&given)?,
        updated_at: None,
    };
    store::settings::replace(&api.db, &settings, chrono::Utc::now()).await?;
    let stored = store::settings::get(&api.db, person_id).await?;
    let email_known = email_known(api, person_id).await?;
    Ok(pb::UpdateNotificationSettingsResponse {
        settings: Some(to_contract(&stored, email_known)),
    })
}

/// Whether identity holds an address to e-mail the person at.
async fn email_known(api: &MessagingApi, person_id: PersonId) -> Result<bool> {
    let contacts = api.directory.contacts(&[person_id]).await?;
    Ok(contacts
        .get(&person_id)
        .is_some_and(|contact| contact.email.is_some()))
}

fn rules(given: &[pb::NotificationRule]) -> Result<Vec<Rule>> {
    if given.len() > MAX_RULES {
        return Err(Error::invalid(
            "settings.rules",
            format!("holds at most {MAX_RULES} rules"),
        ));
    }
    let mut seen = HashSet::new();
    given
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let field = |name: &str| format!("settings.rules[{index}].{name}");
            let student_id = if rule.student_id.is_empty() {
                None
            } else {
                Some(StudentId::parse(&field("student_id"), &rule.student_id)?)
            };
            let kind = pb::NotificationKind::try_from(rule.kind)
                .ok()
                .and_then(contract_kind)
                .ok_or_else(|| Error::invalid(field("kind"), "must be a notification kind"))?;
            let email = match pb::EmailMode::try_from(rule.email) {
                Ok(pb::EmailMode::Off) => EmailMode::Off,
                Ok(pb::EmailMode::AtOnce) => EmailMode::AtOnce,
                Ok(pb::EmailMode::Digest) => EmailMode::Digest,
                _ => {
                    return Err(Error::invalid(
                        field("email"),
                        "must be EMAIL_MODE_OFF, EMAIL_MODE_AT_ONCE or EMAIL_MODE_DIGEST",
                    ));
                }
            };
            if !seen.insert((student_id, kind)) {
                return Err(Error::invalid(
                    format!("settings.rules[{index}]"),
                    "repeats an earlier rule's child and kind",
                ));
            }
            Ok(Rule {
                student_id,
                kind,
                in_app: rule.in_app,
                email,
            })
        })
        .collect()
}

fn hours(given: &pb::NotificationSettings) -> Result<Hours> {
    let time = |field: &str, text: &str| {
        parse_time_of_day(text)
            .ok_or_else(|| Error::invalid(format!("settings.{field}"), "must be HH:MM"))
    };
    let quiet = match (
        given.quiet_hours_start.as_str(),
        given.quiet_hours_end.as_str(),
    ) {
        ("", "") => None,
        (start, end) => {
            let (start, end) = (
                time("quiet_hours_start", start)?,
                time("quiet_hours_end", end)?,
            );
            if start == end {
                return Err(Error::invalid(
                    "settings.quiet_hours_end",
                    "must differ from the start; leave both empty for no quiet hours",
                ));
            }
            Some((start, end))
        }
    };
    let digest_at = if given.digest_time.is_empty() {
        Hours::default().digest_at
    } else {
        time("digest_time", &given.digest_time)?
    };
    Ok(Hours { quiet, digest_at })
}

/// The settings as the contract shows them: for every kind the rule for
/// anyone (the default where none was chosen), then the children's rules.
fn to_contract(settings: &Settings, email_known: bool) -> pb::NotificationSettings {
    let rule = |rule: Rule| pb::NotificationRule {
        student_id: rule.student_id.map(|id| id.to_string()).unwrap_or_default(),
        kind: notification_kind(rule.kind).into(),
        in_app: rule.in_app,
        email: match rule.email {
            EmailMode::Off => pb::EmailMode::Off,
            EmailMode::AtOnce => pb::EmailMode::AtOnce,
            EmailMode::Digest => pb::EmailMode::Digest,
        }
        .into(),
    };
    let for_anyone = KINDS.into_iter().map(|kind| {
        let routing = route(&settings.rules, kind, None);
        rule(Rule {
            student_id: None,
            kind,
            in_app: routing.in_app,
            email: routing.email,
        })
    });
    let for_children = settings
        .rules
        .iter()
        .filter(|chosen| chosen.student_id.is_some())
        .map(|&chosen| rule(chosen));
    let (quiet_start, quiet_end) = settings
        .hours
        .quiet
        .map(|(start, end)| (format_time_of_day(start), format_time_of_day(end)))
        .unwrap_or_default();
    pb::NotificationSettings {
        person_id: settings.person_id.to_string(),
        rules: for_anyone.chain(for_children).collect(),
        quiet_hours_start: quiet_start,
        quiet_hours_end: quiet_end,
        digest_time: format_time_of_day(settings.hours.digest_at),
        email_known,
        update_time: settings.updated_at.map(to_timestamp),
    }
}
