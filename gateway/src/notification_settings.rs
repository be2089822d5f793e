//! A person's notification settings: for each kind (and, for a guardian,
//! each child) whether a notification counts in the app and how it is
//! e-mailed, the quiet hours and the time of the day's digest. Messaging
//! keeps them and serves only the caller's own, so no route names a
//! person. Pages and these routes share every function below.

use axum::Json;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_proto::messaging::v1 as messaging;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::caller::{Caller, Params, required, timestamp, unwrapped};
use crate::extract::ApiJson;
use crate::views::{EmailMode, NotificationKind};

/// What the person wants of one kind of notification, about one child or
/// about anyone. Nothing else may ride along: up to 500 of them must fit
/// in a body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationRuleView {
    /// The child the rule is for; `null` for every notification of the
    /// kind that no rule of its own child covers (and those about no child).
    #[schema(format = Uuid)]
    pub student_id: Option<String>,
    pub kind: NotificationKind,
    /// Whether it counts as unread in the app (the badge, the live
    /// alerts); when false it is still listed, already read.
    pub in_app: bool,
    pub email: EmailMode,
}

/// The settings as stored.
#[derive(Serialize, ToSchema)]
pub struct NotificationSettingsView {
    /// For each of the nine kinds the rule for anyone (the default, in the
    /// app and not e-mailed, where none was chosen), then the rules chosen
    /// for particular children.
    pub rules: Vec<NotificationRuleView>,
    /// Start of the quiet hours, "HH:MM" in the school's time: an e-mail due
    /// inside them waits for their end. `null` together with the end when
    /// there are none.
    #[schema(example = "21:00")]
    pub quiet_hours_start: Option<String>,
    /// End of the quiet hours; may be earlier than the start (overnight).
    #[schema(example = "08:00")]
    pub quiet_hours_end: Option<String>,
    /// When the day's digest is e-mailed, "HH:MM" in the school's time.
    #[schema(example = "19:00")]
    pub digest_time: String,
    /// Whether the school (or the city portal) gave an e-mail address for
    /// the person; without one nothing is e-mailed, whatever the rules say.
    pub email_known: bool,
    /// When the person last changed them; `null` while they follow the defaults.
    pub update_time: Option<DateTime<Utc>>,
}

/// Everything the person chooses; what is left out takes its default.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NotificationSettingsBody {
    /// At most one rule per child and kind; a kind without a rule for
    /// anyone is in the app and not e-mailed.
    #[serde(default)]
    #[schema(max_items = 500)]
    pub rules: Vec<NotificationRuleView>,
    /// "HH:MM"; `null` (or absent) together with the end for no quiet hours.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "21:00")]
    pub quiet_hours_start: Option<String>,
    /// "HH:MM", different from the start.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "08:00")]
    pub quiet_hours_end: Option<String>,
    /// "HH:MM"; 19:00 when absent.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$", example = "19:00")]
    pub digest_time: Option<String>,
}

impl NotificationRuleView {
    fn from_proto(rule: messaging::NotificationRule) -> Option<Self> {
        Some(Self {
            student_id: Some(rule.student_id).filter(|id| !id.is_empty()),
            kind: NotificationKind::from_proto(rule.kind)?,
            in_app: rule.in_app,
            email: EmailMode::from_proto(rule.email).unwrap_or(EmailMode::Off),
        })
    }
}

impl From<messaging::NotificationSettings> for NotificationSettingsView {
    fn from(settings: messaging::NotificationSettings) -> Self {
        let time = |text: String| Some(text).filter(|text| !text.is_empty());
        Self {
            rules: settings
                .rules
                .into_iter()
                .filter_map(NotificationRuleView::from_proto)
                .collect(),
            quiet_hours_start: time(settings.quiet_hours_start),
            quiet_hours_end: time(settings.quiet_hours_end),
            digest_time: settings.digest_time,
            email_known: settings.email_known,
            update_time: timestamp(settings.update_time),
        }
    }
}

/// `GET /api/v1/notification-settings`: the signed-in person's settings.
#[utoipa::path(get, path = "/api/v1/notification-settings", tag = "messages",
    responses((status = 200, description = "The settings", body = NotificationSettingsView)))]
pub async fn get_notification_settings(caller: Caller) -> impl IntoResponse {
    caller
        .answer(async { load_notification_settings(&caller).await.map(Json) })
        .await
}

pub async fn load_notification_settings(caller: &Caller) -> Result<NotificationSettingsView> {
    let reply = caller
        .messaging()
        .get_notification_settings(
            caller.request(messaging::GetNotificationSettingsRequest::default())?,
        )
        .await?
        .into_inner();
    Ok(required(reply.settings, "settings")?.into())
}

/// `PUT /api/v1/notification-settings`: replaces the signed-in person's
/// settings; notifications from then on follow them.
#[utoipa::path(put, path = "/api/v1/notification-settings", tag = "messages",
    request_body = NotificationSettingsBody,
    responses((status = 200, description = "The settings as stored", body = NotificationSettingsView)))]
pub async fn update_notification_settings(
    caller: Caller,
    ApiJson(body): ApiJson<NotificationSettingsBody>,
) -> impl IntoResponse {
    caller
        .answer(async { save_notification_settings(&caller, body).await.map(Json) })
        .await
}

pub async fn save_notification_settings(
    caller: &Caller,
    body: NotificationSettingsBody,
) -> Result<NotificationSettingsView> {
    let mut params = Params::new();
    // Messaging would take other spellings of an id; the API documents one.
    let rules = body
        .rules
        .into_iter()
        .enumerate()
        .map(|(index, rule)| messaging::NotificationRule {
            student_id: params.optional_id(
                &format!("rules[{index}].student_id"),
                rule.student_id.as_deref(),
            ),
            kind: rule.kind.to_proto(),
            in_app: rule.in_app,
            email: rule.email.to_proto(),
        })
        .collect();
    // Messaging reads an empty time as none; here none is `null`, so an
    // empty string is a time that is not one.
    for (name, time) in [
        ("quiet_hours_start", &body.quiet_hours_start),
        ("quiet_hours_end", &body.quiet_hours_end),
        ("digest_time", &body.digest_time),
    ] {
        if time.as_deref() == Some("") {
            params.refuse(name, "must be HH:MM");
        }
    }
    params.finish()?;
    let settings = messaging::NotificationSettings {
        rules,
        quiet_hours_start: body.quiet_hours_start.unwrap_or_default(),
        quiet_hours_end: body.quiet_hours_end.unwrap_or_default(),
        digest_time: body.digest_time.unwrap_or_default(),
        ..Default::default()
    };
    let reply = caller
        .messaging()
        .update_notification_settings(caller.request(
            messaging::UpdateNotificationSettingsRequest {
                settings: Some(settings),
            },
        )?)
        .await
        .map_err(|status| unwrapped(status.into(), "settings"))?
        .into_inner();
    Ok(required(reply.settings, "settings")?.into())
}
