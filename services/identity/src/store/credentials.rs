//! Logins and passwords a school issues, and external accounts linked to people.

use chrono::Utc;
use otmetka_platform::db::Db;
use otmetka_platform::ids::PersonId;
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::exists;
use crate::model::{Credential, SessionRevocationId};

/// Issues a login and password. One that replaces an earlier password (a
/// reset, as after a lost or leaked one) also revokes the person's refresh
/// tokens and records a session revocation, in the same transaction: whoever
/// signed in with the old password is signed out everywhere.
pub async fn set_credentials(
    db: &Db,
    person_id: PersonId,
    login: &str,
    password_hash: &str,
    must_change: bool,
) -> Result<()> {
    let now = Utc::now();
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        let replaced: Option<PersonId> = sqlx::query_scalar(
            "SELECT person_id FROM credentials WHERE person_id = $1")
            .bind(person_id).fetch_optional(&mut *conn).await?;
        sqlx::query(
            "INSERT INTO credentials (person_id, login, password_hash, must_change, updated_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (person_id) DO UPDATE SET login = excluded.login,
                 password_hash = excluded.password_hash, must_change = excluded.must_change,
                 updated_at = excluded.updated_at")
            .bind(person_id).bind(login).bind(password_hash).bind(must_change).bind(now)
            .execute(&mut *conn).await.map_err(exists("login"))?;
        if replaced.is_some() {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
                .bind(person_id).bind(now).execute(&mut *conn).await?;
            sqlx::query("INSERT INTO session_revocations (id, person_id, created_at) VALUES ($1, $2, $3)")
                .bind(SessionRevocationId::generate()).bind(person_id).bind(now).execute(&mut *conn).await?;
        }
    });
    tx.commit().await?;
    Ok(())
}

pub async fn credential_by_login(db: &Db, login: &str) -> Result<Option<Credential>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT person_id, password_hash, must_change FROM credentials WHERE login = $1")
        .bind(login).fetch_optional(pool).await?))
}

pub async fn credential_of(db: &Db, person_id: PersonId) -> Result<Option<Credential>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT person_id, password_hash, must_change FROM credentials WHERE person_id = $1")
        .bind(person_id).fetch_optional(pool).await?))
}

/// Replaces a person's password with one they chose themselves.
pub async fn change_password(db: &Db, person_id: PersonId, password_hash: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE credentials SET password_hash = $2, must_change = $3, updated_at = $4 WHERE person_id = $1")
        .bind(person_id).bind(password_hash).bind(false).bind(Utc::now())
        .execute(pool).await?; });
    Ok(())
}

pub async fn person_of_external_identity(
    db: &Db,
    issuer: &str,
    subject: &str,
) -> Result<Option<PersonId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM external_identities WHERE issuer = $1 AND subject = $2")
        .bind(issuer).bind(subject).fetch_optional(pool).await?))
}

pub async fn link_external_identity(
    db: &Db,
    issuer: &str,
    subject: &str,
    person_id: PersonId,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO external_identities (issuer, subject, person_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(issuer).bind(subject).bind(person_id).bind(Utc::now())
        .execute(pool).await
        .map_err(|error| match Error::from(error) {
            Error::AlreadyExists(_) => Error::FailedPrecondition("this external account is already linked".into()),
            other => other,
        })?; });
    Ok(())
}
