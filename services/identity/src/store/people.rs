//! People: names kept with a lowercase search form, and the city operator created at start.

use chrono::Utc;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Result, with_db, with_tx};

use super::contains_pattern;
use crate::model::{Person, PersonKind, SessionRevocationId};

pub async fn insert_person(db: &Db, person: &Person) -> Result<()> {
    let search = Person::search_name(&person.family_name, &person.given_name, &person.middle_name);
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO persons (id, school_id, kind, family_name, given_name, middle_name, search_name, disabled, created_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(person.id).bind(person.school_id).bind(&person.kind).bind(&person.family_name)
        .bind(&person.given_name).bind(&person.middle_name).bind(&search).bind(person.disabled)
        .bind(person.created_at).bind(&person.email)
        .execute(pool).await?; });
    Ok(())
}

pub(super) const PERSON_COLUMNS: &str =
    "id, school_id, kind, family_name, given_name, middle_name, disabled, created_at, email";

pub async fn get_person(db: &Db, id: PersonId) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// People of a school in name order; the page key is "search_name\0id".
pub async fn list_persons(
    db: &Db,
    school_id: SchoolId,
    kind: Option<PersonKind>,
    name_query: &str,
    page: &Page,
) -> Result<Vec<(String, Person)>> {
    let (after_name, after_id) = match page.after_pair()? {
        Some((name, id)) => (Some(name.to_owned()), Some(id)),
        None => (None, None),
    };
    let pattern = contains_pattern(name_query);
    let sql = format!(
        "SELECT search_name, {PERSON_COLUMNS} FROM persons
         WHERE school_id = $1
           AND ($2 IS NULL OR kind = $2)
           AND search_name LIKE $3 ESCAPE '\\'
           AND ($4 IS NULL OR search_name > $4 OR (search_name = $4 AND id > $5))
         ORDER BY search_name, id LIMIT $6"
    );
    #[derive(sqlx::FromRow)]
    struct Row {
        search_name: String,
        #[sqlx(flatten)]
        person: Person,
    }
    let rows: Vec<Row> = with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(kind.map(PersonKind::as_str)).bind(&pattern)
        .bind(after_name).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|row| (row.search_name, row.person))
        .collect())
}

/// Changes a person's names, contact e-mail and whether they are disabled.
/// Disabling revokes their refresh tokens and records a session revocation,
/// in one transaction.
pub async fn update_person(db: &Db, person: &Person, newly_disabled: bool) -> Result<()> {
    let search = Person::search_name(&person.family_name, &person.given_name, &person.middle_name);
    let now = Utc::now();
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE persons SET family_name = $2, given_name = $3, middle_name = $4, search_name = $5, disabled = $6,
                email = $7
             WHERE id = $1")
            .bind(person.id).bind(&person.family_name).bind(&person.given_name).bind(&person.middle_name)
            .bind(&search).bind(person.disabled).bind(&person.email)
            .execute(&mut *conn).await?;
        if newly_disabled {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
                .bind(person.id).bind(now).execute(&mut *conn).await?;
            sqlx::query("INSERT INTO session_revocations (id, person_id, created_at) VALUES ($1, $2, $3)")
                .bind(SessionRevocationId::generate()).bind(person.id).bind(now).execute(&mut *conn).await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

/// Sets a person's contact e-mail alone, as a sign-in learns it: whatever
/// else changes meanwhile stays changed.
pub async fn set_person_email(db: &Db, id: PersonId, email: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query("UPDATE persons SET email = $2 WHERE id = $1")
        .bind(id).bind(email).execute(pool).await?; });
    Ok(())
}

/// A school's active staff (anyone with a role there), by name.
pub async fn school_staff(db: &Db, school_id: SchoolId) -> Result<Vec<Person>> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM persons
         WHERE disabled = $2 AND id IN (SELECT person_id FROM staff_roles WHERE school_id = $1)
         ORDER BY search_name, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(false).fetch_all(pool).await?),
    )
}

pub async fn is_city_operator(db: &Db, person_id: PersonId) -> Result<bool> {
    let found: Option<PersonId> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM city_operators WHERE person_id = $1")
        .bind(person_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

/// Creates the configured city operator with their credentials, once.
pub async fn create_city_operator(
    db: &Db,
    person: &Person,
    login: &str,
    password_hash: &str,
) -> Result<()> {
    let search = Person::search_name(&person.family_name, &person.given_name, &person.middle_name);
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO persons (id, school_id, kind, family_name, given_name, middle_name, search_name, disabled, created_at)
             VALUES ($1, NULL, 'staff', $2, $3, '', $4, $5, $6)")
            .bind(person.id).bind(&person.family_name).bind(&person.given_name).bind(&search)
            .bind(false).bind(person.created_at)
            .execute(&mut *conn).await?;
        sqlx::query("INSERT INTO city_operators (person_id) VALUES ($1)")
            .bind(person.id).execute(&mut *conn).await?;
        sqlx::query(
            "INSERT INTO credentials (person_id, login, password_hash, must_change, updated_at)
             VALUES ($1, $2, $3, $4, $5)")
            .bind(person.id).bind(login).bind(password_hash).bind(false).bind(person.created_at)
            .execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(())
}
