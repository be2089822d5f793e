//! Guardians' one-time access codes (`access_codes`), spent together with
//! the guardianship they create.

use chrono::{DateTime, Utc};
use otmetka_platform::db::{BeginWrite, Db};
use otmetka_platform::ids::{PersonId, SchoolId};
use otmetka_platform::paging::Page;
use otmetka_platform::{Error, Result, with_db};

use crate::access_codes::{AccessCode, SignIn};
use crate::model::AccessCodeId;

const COLUMNS: &str = "id, school_id, student_id, issued_by, created_at, expires_at, redeemed_at, redeemed_by, revoked_at";

pub async fn insert(db: &Db, code: &AccessCode, code_hash: &[u8]) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO access_codes (id, school_id, student_id, code_hash, issued_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(code.id).bind(code.school_id).bind(code.student_id).bind(code_hash)
        .bind(code.issued_by).bind(code.created_at).bind(code.expires_at)
        .execute(pool).await?; });
    Ok(())
}

pub async fn get(db: &Db, id: AccessCodeId) -> Result<Option<AccessCode>> {
    let sql = format!("SELECT {COLUMNS} FROM access_codes WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list(db: &Db, school_id: SchoolId, page: &Page) -> Result<Vec<AccessCode>> {
    let after = page.after_id()?;
    let sql = format!(
        "SELECT {COLUMNS} FROM access_codes WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

pub async fn revoke(db: &Db, id: AccessCodeId, now: DateTime<Utc>) -> Result<bool> {
    let changed = with_db!(db, pool => sqlx::query(
        "UPDATE access_codes SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL AND redeemed_at IS NULL")
        .bind(id).bind(now).execute(pool).await?.rows_affected());
    Ok(changed == 1)
}

/// Spends the live code with `code_hash` for `guardian_id` and links them to
/// its student, in one transaction: a code links once, even under races.
/// Returns the spent code, or `None` if no live code has this hash.
pub async fn redeem(
    db: &Db,
    code_hash: &[u8],
    guardian_id: PersonId,
    now: DateTime<Utc>,
) -> Result<Option<AccessCode>> {
    let select = format!(
        "SELECT {COLUMNS} FROM access_codes
         WHERE code_hash = $1 AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
    );
    let spent = with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let code: Option<AccessCode> = sqlx::query_as(sqlx::AssertSqlSafe(select))
            .bind(code_hash).bind(now).fetch_optional(&mut *tx).await?;
        match code {
            None => None,
            Some(code) => {
                let claimed = sqlx::query(
                    "UPDATE access_codes SET redeemed_at = $2, redeemed_by = $3 WHERE id = $1 AND redeemed_at IS NULL")
                    .bind(code.id).bind(now).bind(guardian_id).execute(&mut *tx).await?.rows_affected();
                if claimed != 1 {
                    None
                } else {
                    sqlx::query(
                        "INSERT INTO guardianships (guardian_id, student_id, school_id, created_at)
                         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                        .bind(guardian_id).bind(code.student_id).bind(code.school_id).bind(now)
                        .execute(&mut *tx).await?;
                    tx.commit().await?;
                    Some(code)
                }
            }
        }
    });
    Ok(spent)
}

/// Spends the live code with `code_hash` on a new guardian: the person,
/// how they sign in, and the link are created together or not at all.
pub async fn register_guardian(
    db: &Db,
    code_hash: &[u8],
    guardian: &crate::model::Person,
    sign_in: SignIn<'_>,
    now: DateTime<Utc>,
) -> Result<Option<AccessCode>> {
    let select = format!(
        "SELECT {COLUMNS} FROM access_codes
         WHERE code_hash = $1 AND redeemed_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
    );
    let search = crate::model::Person::search_name(
        &guardian.family_name,
        &guardian.given_name,
        &guardian.middle_name,
    );
    let registered = with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let code: Option<AccessCode> = sqlx::query_as(sqlx::AssertSqlSafe(select))
            .bind(code_hash).bind(now).fetch_optional(&mut *tx).await?;
        match code {
            None => None,
            Some(code) => {
                sqlx::query(
                    "INSERT INTO persons (id, school_id, kind, family_name, given_name, middle_name, search_name, disabled, created_at, email)
                     VALUES ($1, $2, 'guardian', $3, $4, $5, $6, $7, $8, $9)")
                    .bind(guardian.id).bind(code.school_id).bind(&guardian.family_name).bind(&guardian.given_name)
                    .bind(&guardian.middle_name).bind(&search).bind(false).bind(now).bind(&guardian.email)
                    .execute(&mut *tx).await?;
                match sign_in {
                    SignIn::Credentials { login, password_hash } => sqlx::query(
                        "INSERT INTO credentials (person_id, login, password_hash, must_change, updated_at)
                         VALUES ($1, $2, $3, $4, $5)")
                        .bind(guardian.id).bind(login).bind(password_hash).bind(false).bind(now)
                        .execute(&mut *tx).await
                        .map_err(|error| match Error::from(error) {
                            Error::AlreadyExists(_) => Error::invalid("login", "is taken"),
                            other => other,
                        })?,
                    SignIn::External { issuer, subject } => sqlx::query(
                        "INSERT INTO external_identities (issuer, subject, person_id, created_at) VALUES ($1, $2, $3, $4)")
                        .bind(issuer).bind(subject).bind(guardian.id).bind(now)
                        .execute(&mut *tx).await
                        .map_err(|error| match Error::from(error) {
                            Error::AlreadyExists(_) => Error::FailedPrecondition("this external account is already linked".into()),
                            other => other,
                        })?,
                };
                sqlx::query("UPDATE access_codes SET redeemed_at = $2, redeemed_by = $3 WHERE id = $1")
                    .bind(code.id).bind(now).bind(guardian.id).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO guardianships (guardian_id, student_id, school_id, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(guardian.id).bind(code.student_id).bind(code.school_id).bind(now)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                Some(code)
            }
        }
    });
    Ok(registered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access_codes::{generate, hash};

    #[tokio::test]
    async fn expired_revoked_and_spent_codes_link_nobody() {
        use crate::model::{Person, School};
        let db = crate::test_db().await;
        let now = Utc::now();
        let school = School {
            id: SchoolId::generate(),
            name: "Школа".into(),
            timezone: "Europe/Moscow".into(),
            created_at: now,
        };
        crate::store::insert_school(&db, &school).await.unwrap();
        let person = |kind: &str| Person {
            id: PersonId::generate(),
            school_id: Some(school.id),
            kind: kind.into(),
            family_name: "Иванов".into(),
            given_name: "Иван".into(),
            middle_name: String::new(),
            disabled: false,
            created_at: now,
            email: None,
        };
        let (student, guardian, admin) = (person("student"), person("guardian"), person("staff"));
        for p in [&student, &guardian, &admin] {
            crate::store::insert_person(&db, p).await.unwrap();
        }
        let issue = |expires_in: chrono::Duration| AccessCode {
            id: AccessCodeId::generate(),
            school_id: school.id,
            student_id: student.as_student(),
            issued_by: admin.id,
            created_at: now,
            expires_at: now + expires_in,
            redeemed_at: None,
            redeemed_by: None,
            revoked_at: None,
        };

        let expiring = issue(chrono::Duration::days(14));
        let typed = generate();
        insert(&db, &expiring, &hash(&typed)).await.unwrap();
        let after_expiry = now + chrono::Duration::days(14) + chrono::Duration::seconds(1);
        assert!(
            redeem(&db, &hash(&typed), guardian.id, after_expiry)
                .await
                .unwrap()
                .is_none()
        );

        let revoked = issue(chrono::Duration::days(14));
        let typed = generate();
        insert(&db, &revoked, &hash(&typed)).await.unwrap();
        assert!(revoke(&db, revoked.id, now).await.unwrap());
        assert!(
            redeem(&db, &hash(&typed), guardian.id, now)
                .await
                .unwrap()
                .is_none()
        );

        let good = issue(chrono::Duration::days(14));
        let typed = generate();
        insert(&db, &good, &hash(&typed)).await.unwrap();
        assert!(
            redeem(&db, &hash(&typed), guardian.id, now)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            redeem(&db, &hash(&typed), guardian.id, now)
                .await
                .unwrap()
                .is_none(),
            "spent once"
        );
        assert!(
            !revoke(&db, good.id, now).await.unwrap(),
            "a spent code cannot be revoked"
        );
        assert!(
            crate::store::is_guardian(&db, guardian.id, student.as_student())
                .await
                .unwrap()
        );
    }
}
