//! The notification settings page: per kind, whether a notification counts
//! in the app and how it is e-mailed; quiet hours and the digest's time;
//! for a guardian of several children, each child's differences. Each
//! section is its own form, so saving one child leaves the rest as stored.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use otmetka_platform::{Error, Result};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::settings_texts::SettingsTexts;
use crate::extract::{ApiQuery, PageForm};
use crate::notification_settings::{
    NotificationRuleView, NotificationSettingsBody, NotificationSettingsView,
    load_notification_settings, save_notification_settings,
};
use crate::people::load_me;
use crate::views::EmailMode;
use crate::web::page::{FieldErrors, PageError, Shell, Visitor, render};

const PATH: &str = "/settings/notifications";
/// Form fields of a kind, by its JSON word: `in_app.new_mark` (a
/// checkbox), `email.new_mark` (`off`, `at_once` or `digest`).
const IN_APP: &str = "in_app.";
const EMAIL: &str = "email.";
/// What the time fields show while there are no quiet hours: messaging's
/// defaults, ready for whoever turns them on.
const QUIET_DEFAULT: (&str, &str) = ("21:00", "08:00");

struct RuleRow {
    word: String,
    name: &'static str,
    in_app: bool,
    email: String,
}

/// One table of kinds: the rules for anyone, or one child's.
struct Section {
    /// Prefixes the ids of the section's fields.
    key: String,
    /// Empty for the rules for anyone.
    student_id: String,
    heading: String,
    rows: Vec<RuleRow>,
    /// The child has rules of their own.
    differs: bool,
    /// Just saved: shown open.
    open: bool,
}

struct EmailChoice {
    value: String,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "messages/notification_settings.html")]
struct SettingsPage {
    shell: Shell,
    st: &'static SettingsTexts,
    notice: &'static str,
    errors: FieldErrors,
    email_known: bool,
    email_choices: Vec<EmailChoice>,
    everyone: Section,
    children: Vec<Section>,
    quiet_off: bool,
    quiet_start: String,
    quiet_end: String,
    digest_time: String,
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    done: Option<String>,
    /// The child whose section was just saved.
    child: Option<String>,
}

/// `GET /settings/notifications`.
pub async fn show(visitor: Visitor, ApiQuery(query): ApiQuery<SettingsQuery>) -> Response {
    let work = async {
        let settings = load_notification_settings(&visitor.caller).await?;
        let st = SettingsTexts::of(visitor.lang);
        let notice = if query.done.as_deref() == Some("saved") {
            st.saved
        } else {
            ""
        };
        let errors = FieldErrors::default();
        settings_page(&visitor, settings, notice, query.child.as_deref(), errors).await
    };
    visitor.page(work).await
}

/// A kind's or a mode's JSON word (`new_mark`, `at_once`), which the
/// form's fields and values are named by.
fn word(value: impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn from_word<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).ok()
}

async fn settings_page(
    visitor: &Visitor,
    settings: NotificationSettingsView,
    notice: &'static str,
    open_child: Option<&str>,
    errors: FieldErrors,
) -> Result<SettingsPage> {
    let me = load_me(&visitor.caller).await?;
    let st = SettingsTexts::of(visitor.lang);
    let for_anyone: Vec<&NotificationRuleView> = settings
        .rules
        .iter()
        .filter(|rule| rule.student_id.is_none())
        .collect();
    let rows = |own: &[&NotificationRuleView]| -> Vec<RuleRow> {
        for_anyone
            .iter()
            .map(|anyone| {
                let rule = own
                    .iter()
                    .find(|rule| rule.kind == anyone.kind)
                    .unwrap_or(anyone);
                RuleRow {
                    word: word(rule.kind),
                    name: st.kind_name(rule.kind),
                    in_app: rule.in_app,
                    email: word(rule.email),
                }
            })
            .collect()
    };
    // One child's rules would otherwise be invisible here, so a single
    // child gets a section of its own once it has any.
    let separate =
        me.children.len() > 1 || settings.rules.iter().any(|rule| rule.student_id.is_some());
    let children = if separate {
        me.children
            .iter()
            .map(|child| {
                let own: Vec<&NotificationRuleView> = settings
                    .rules
                    .iter()
                    .filter(|rule| rule.student_id.as_deref() == Some(child.person_id.as_str()))
                    .collect();
                Section {
                    key: format!("child-{}", child.person_id),
                    student_id: child.person_id.clone(),
                    heading: format!("{} {}", st.separately_for, child.short()),
                    rows: rows(&own),
                    differs: !own.is_empty(),
                    open: open_child == Some(child.person_id.as_str()),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let everyone = Section {
        key: "all".into(),
        student_id: String::new(),
        heading: if children.is_empty() {
            st.notifications
        } else {
            st.for_all_children
        }
        .to_owned(),
        rows: rows(&[]),
        differs: false,
        open: true,
    };
    let quiet_off = settings.quiet_hours_start.is_none() && settings.quiet_hours_end.is_none();
    let (quiet_start, quiet_end) = if quiet_off {
        (QUIET_DEFAULT.0.to_owned(), QUIET_DEFAULT.1.to_owned())
    } else {
        (
            settings.quiet_hours_start.unwrap_or_default(),
            settings.quiet_hours_end.unwrap_or_default(),
        )
    };
    Ok(SettingsPage {
        shell: visitor.shell(me.name.short()),
        st,
        notice,
        errors,
        email_known: settings.email_known,
        email_choices: [EmailMode::Off, EmailMode::AtOnce, EmailMode::Digest]
            .into_iter()
            .map(|mode| EmailChoice {
                value: word(mode),
                label: st.email_name(mode),
            })
            .collect(),
        everyone,
        children,
        quiet_off,
        quiet_start,
        quiet_end,
        digest_time: settings.digest_time,
    })
}

/// The rules a section's form gives, one per kind it shows.
fn chosen_rules(
    form: &HashMap<String, String>,
    student_id: Option<&str>,
) -> Result<Vec<NotificationRuleView>> {
    let mut emails: Vec<(&str, &String)> = form
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix(EMAIL)?, value)))
        .collect();
    emails.sort();
    emails
        .into_iter()
        .map(|(kind, email)| {
            let field = format!("{EMAIL}{kind}");
            Ok(NotificationRuleView {
                student_id: student_id.map(str::to_owned),
                kind: from_word(kind)
                    .ok_or_else(|| Error::invalid(&field, "is not a kind of notification"))?,
                in_app: form.contains_key(&format!("{IN_APP}{kind}")),
                email: from_word(email)
                    .ok_or_else(|| Error::invalid(&field, "must be off, at_once or digest"))?,
            })
        })
        .collect()
}

/// The rules for anyone, quiet hours and the digest from the form; every
/// child's rules as stored.
fn for_everyone(
    form: &HashMap<String, String>,
    stored: &NotificationSettingsView,
) -> Result<NotificationSettingsBody> {
    let mut rules = chosen_rules(form, None)?;
    rules.extend(
        stored
            .rules
            .iter()
            .filter(|rule| rule.student_id.is_some())
            .cloned(),
    );
    let time = |name: &str| form.get(name).filter(|text| !text.is_empty()).cloned();
    let quiet = !form.contains_key("quiet_off");
    Ok(NotificationSettingsBody {
        rules,
        quiet_hours_start: time("quiet_hours_start").filter(|_| quiet),
        quiet_hours_end: time("quiet_hours_end").filter(|_| quiet),
        digest_time: time("digest_time"),
    })
}

/// Everything as stored but the child's rules, which become those of the
/// form that differ from the rule for anyone.
fn for_child(
    form: &HashMap<String, String>,
    stored: &NotificationSettingsView,
    student_id: &str,
) -> Result<NotificationSettingsBody> {
    let same_as_anyone = |chosen: &NotificationRuleView| {
        stored.rules.iter().any(|rule| {
            rule.student_id.is_none()
                && rule.kind == chosen.kind
                && rule.in_app == chosen.in_app
                && rule.email == chosen.email
        })
    };
    let own = chosen_rules(form, Some(student_id))?
        .into_iter()
        .filter(|rule| !same_as_anyone(rule));
    let rules = stored
        .rules
        .iter()
        .filter(|rule| rule.student_id.as_deref() != Some(student_id))
        .cloned()
        .chain(own)
        .collect();
    Ok(NotificationSettingsBody {
        rules,
        quiet_hours_start: stored.quiet_hours_start.clone(),
        quiet_hours_end: stored.quiet_hours_end.clone(),
        digest_time: Some(stored.digest_time.clone()),
    })
}

/// `POST /settings/notifications`: one section saved, back to the page
/// with «Сохранено»; refused, the page again with what was chosen and the
/// problems named.
pub async fn save(visitor: Visitor, PageForm(form): PageForm<HashMap<String, String>>) -> Response {
    let caller = &visitor.caller;
    let refused = |error| PageError::new(error, visitor.lang, &visitor.here).into_response();
    let form = match form {
        Ok(form) => form,
        Err(error) => return refused(error),
    };
    let stored = match load_notification_settings(caller).await {
        Ok(stored) => stored,
        Err(error) => return refused(error),
    };
    let child = form.get("student_id").filter(|id| !id.is_empty());
    let body = match child {
        None => for_everyone(&form, &stored),
        Some(student_id) => for_child(&form, &stored, student_id),
    };
    let body = match body {
        Ok(body) => body,
        Err(error) => return refused(error),
    };
    let error = match save_notification_settings(caller, body.clone()).await {
        Ok(_) => {
            let mut query = vec![("done", "saved")];
            query.extend(child.map(|id| ("child", id.as_str())));
            let query = serde_urlencoded::to_string(query).unwrap_or_default();
            return Redirect::to(&format!("{PATH}?{query}")).into_response();
        }
        Err(error @ Error::InvalidArgument(_)) => error,
        Err(error) => return refused(error),
    };
    let tried = NotificationSettingsView {
        rules: body.rules,
        quiet_hours_start: body.quiet_hours_start,
        quiet_hours_end: body.quiet_hours_end,
        digest_time: body.digest_time.unwrap_or_default(),
        email_known: stored.email_known,
        update_time: stored.update_time,
    };
    let errors = FieldErrors::of(&error, visitor.lang, "", "");
    let open = child.map(String::as_str);
    match settings_page(&visitor, tried, "", open, errors).await {
        Ok(page) => render(StatusCode::BAD_REQUEST, &page),
        Err(error) => refused(error),
    }
}
