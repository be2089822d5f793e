//! People's notification settings: their rules and their hours.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use otmetka_platform::db::{Db, Tx, placeholders};
use otmetka_platform::ids::{PersonId, StudentId};
use otmetka_platform::{Result, with_db, with_tx};
use uuid::Uuid;

use crate::model::NotificationKind;
use crate::preferences::{EmailMode, Hours, Rule, Settings, format_time_of_day, parse_time_of_day};

#[derive(sqlx::FromRow)]
struct RuleRow {
    person_id: PersonId,
    student_id: Uuid,
    kind: String,
    in_app: bool,
    email: String,
}

impl RuleRow {
    /// A rule of a kind or mode this build no longer knows is left out:
    /// the default stands in for it.
    fn rule(&self) -> Option<Rule> {
        Some(Rule {
            student_id: (!self.student_id.is_nil()).then_some(StudentId(self.student_id)),
            kind: NotificationKind::parse(&self.kind)?,
            in_app: self.in_app,
            email: EmailMode::parse(&self.email)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct HoursRow {
    person_id: PersonId,
    quiet_start: Option<String>,
    quiet_end: Option<String>,
    digest_at: String,
    updated_at: DateTime<Utc>,
}

impl HoursRow {
    fn hours(&self) -> Hours {
        let time = |text: &Option<String>| text.as_deref().and_then(parse_time_of_day);
        Hours {
            quiet: time(&self.quiet_start).zip(time(&self.quiet_end)),
            digest_at: parse_time_of_day(&self.digest_at).unwrap_or(Hours::default().digest_at),
        }
    }
}

/// A person's settings; the defaults where they chose nothing.
pub async fn get(db: &Db, person_id: PersonId) -> Result<Settings> {
    let (rules, hours): (Vec<RuleRow>, Option<HoursRow>) = with_db!(db, pool => (
        sqlx::query_as(
            "SELECT person_id, student_id, kind, in_app, email FROM notification_rules
             WHERE person_id = $1 ORDER BY kind, student_id")
            .bind(person_id).fetch_all(pool).await?,
        sqlx::query_as(
            "SELECT person_id, quiet_start, quiet_end, digest_at, updated_at
             FROM notification_preferences WHERE person_id = $1")
            .bind(person_id).fetch_optional(pool).await?,
    ));
    Ok(Settings {
        person_id,
        rules: rules.iter().filter_map(RuleRow::rule).collect(),
        hours: hours.as_ref().map(HoursRow::hours).unwrap_or_default(),
        updated_at: hours.map(|row| row.updated_at),
    })
}

/// Replaces a person's settings.
pub async fn replace(db: &Db, settings: &Settings, now: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin_write().await?;
    let quiet_start = settings
        .hours
        .quiet
        .map(|(start, _)| format_time_of_day(start));
    let quiet_end = settings.hours.quiet.map(|(_, end)| format_time_of_day(end));
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM notification_rules WHERE person_id = $1")
            .bind(settings.person_id).execute(&mut *conn).await?;
        for rule in &settings.rules {
            sqlx::query(
                "INSERT INTO notification_rules (person_id, student_id, kind, in_app, email)
                 VALUES ($1, $2, $3, $4, $5)")
                .bind(settings.person_id)
                .bind(rule.student_id.map_or(Uuid::nil(), |id| id.0))
                .bind(rule.kind.as_str()).bind(rule.in_app).bind(rule.email.as_str())
                .execute(&mut *conn).await?;
        }
        sqlx::query(
            "INSERT INTO notification_preferences
                 (person_id, quiet_start, quiet_end, digest_at, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (person_id) DO UPDATE SET quiet_start = excluded.quiet_start,
                 quiet_end = excluded.quiet_end, digest_at = excluded.digest_at,
                 updated_at = excluded.updated_at")
            .bind(settings.person_id).bind(quiet_start).bind(quiet_end)
            .bind(format_time_of_day(settings.hours.digest_at)).bind(now)
            .execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(())
}

/// The rules of `people` who chose any, read in `tx` so that notifications
/// stored in it follow the settings of that moment.
pub async fn rules_of(tx: &mut Tx, people: &[PersonId]) -> Result<HashMap<PersonId, Vec<Rule>>> {
    let mut rules: HashMap<PersonId, Vec<Rule>> = HashMap::new();
    // Bounded well below either backend's limit on bound values.
    for chunk in people.chunks(1000) {
        let sql = format!(
            "SELECT person_id, student_id, kind, in_app, email FROM notification_rules
             WHERE person_id IN ({})",
            placeholders(1, chunk.len())
        );
        let rows: Vec<RuleRow> = with_tx!(tx, conn => {
            // Only numbered placeholders are added to the text; values are bound.
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for person in chunk {
                query = query.bind(person);
            }
            query.fetch_all(&mut *conn).await?
        });
        for row in rows {
            if let Some(rule) = row.rule() {
                rules.entry(row.person_id).or_default().push(rule);
            }
        }
    }
    Ok(rules)
}

/// The hours of `people`; the defaults for those who chose none.
pub async fn hours_of(db: &Db, people: &[PersonId]) -> Result<HashMap<PersonId, Hours>> {
    let mut hours: HashMap<PersonId, Hours> = people
        .iter()
        .map(|&person| (person, Hours::default()))
        .collect();
    for chunk in people.chunks(1000) {
        let sql = format!(
            "SELECT person_id, quiet_start, quiet_end, digest_at, updated_at
             FROM notification_preferences WHERE person_id IN ({})",
            placeholders(1, chunk.len())
        );
        let rows: Vec<HoursRow> = with_db!(db, pool => {
            // Only numbered placeholders are added to the text; values are bound.
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for person in chunk {
                query = query.bind(person);
            }
            query.fetch_all(pool).await?
        });
        for row in rows {
            hours.insert(row.person_id, row.hours());
        }
    }
    Ok(hours)
}
