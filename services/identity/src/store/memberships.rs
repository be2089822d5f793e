//! Class memberships: which class a student is in on a date. They never
//! overlap, and the history stays.

use chrono::NaiveDate;
use otmetka_platform::db::Db;
use otmetka_platform::ids::{ClassId, GroupId, PersonId, StudentId};
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Result, with_db, with_tx};

use super::people::PERSON_COLUMNS;
use crate::model::{Membership, MembershipId, Person};

/// Moves a student into a class from the membership's start: one open then
/// ends there and any starting later is replaced, so history is kept and
/// memberships never overlap. Returns the new membership's id.
pub async fn enroll(db: &Db, membership: &Membership) -> Result<MembershipId> {
    let id = MembershipId::generate();
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "UPDATE class_memberships SET end_date = $2
             WHERE student_id = $1 AND start_date < $2 AND (end_date IS NULL OR end_date > $2)")
            .bind(membership.student_id).bind(membership.start_date)
            .execute(&mut *conn).await?;
        sqlx::query(
            "DELETE FROM class_memberships WHERE student_id = $1 AND start_date >= $2")
            .bind(membership.student_id).bind(membership.start_date)
            .execute(&mut *conn).await?;
        sqlx::query(
            "INSERT INTO class_memberships (id, school_id, student_id, class_id, start_date, end_date)
             VALUES ($1, $2, $3, $4, $5, NULL)")
            .bind(id).bind(membership.school_id).bind(membership.student_id)
            .bind(membership.class_id).bind(membership.start_date)
            .execute(&mut *conn).await?;
    });
    tx.commit().await?;
    Ok(id)
}

pub async fn membership_on(
    db: &Db,
    student_id: StudentId,
    date: NaiveDate,
) -> Result<Option<Membership>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT student_id, class_id, school_id, start_date, end_date FROM class_memberships
         WHERE student_id = $1 AND start_date <= $2 AND (end_date IS NULL OR end_date > $2)")
        .bind(student_id).bind(date).fetch_optional(pool).await?))
}

#[derive(sqlx::FromRow)]
pub struct MembershipRow {
    pub id: MembershipId,
    #[sqlx(flatten)]
    pub membership: Membership,
}

/// A student's memberships in start order, a page at a time.
pub async fn memberships_of(
    db: &Db,
    student_id: StudentId,
    page: &Page,
) -> Result<Vec<MembershipRow>> {
    let (after_start, after_id) = match page.after_pair()? {
        Some((start, id)) => (
            Some(NaiveDate::parse_from_str(start, "%Y-%m-%d").map_err(|_| bad_token())?),
            Some(id),
        ),
        None => (None, None),
    };
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, student_id, class_id, school_id, start_date, end_date FROM class_memberships
         WHERE student_id = $1 AND ($2 IS NULL OR start_date > $2 OR (start_date = $2 AND id > $3))
         ORDER BY start_date, id LIMIT $4")
        .bind(student_id).bind(after_start).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

/// A class's memberships in id order, a page at a time.
pub async fn class_memberships(
    db: &Db,
    class_id: ClassId,
    page: &Page,
) -> Result<Vec<MembershipRow>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, student_id, class_id, school_id, start_date, end_date FROM class_memberships
         WHERE class_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(class_id).bind(after).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

pub async fn class_students(
    db: &Db,
    class_id: ClassId,
    date: NaiveDate,
    page: &Page,
) -> Result<Vec<Person>> {
    let after = page.after_id()?;
    let sql = format!(
        "SELECT {PERSON_COLUMNS} FROM persons WHERE id IN (
            SELECT student_id FROM class_memberships
            WHERE class_id = $1 AND start_date <= $2 AND (end_date IS NULL OR end_date > $2))
         AND ($3 IS NULL OR id > $3) ORDER BY id LIMIT $4"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(class_id).bind(date).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?),
    )
}

/// Every student of the class on `date`, in id order.
pub async fn class_student_ids(
    db: &Db,
    class_id: ClassId,
    date: NaiveDate,
) -> Result<Vec<StudentId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT student_id FROM class_memberships
         WHERE class_id = $1 AND start_date <= $2 AND (end_date IS NULL OR end_date > $2)
         ORDER BY student_id")
        .bind(class_id).bind(date).fetch_all(pool).await?))
}

/// The person studies in the class (and the group, when given) on `date`,
/// or is a guardian of a student who does.
pub async fn is_class_member(
    db: &Db,
    person_id: PersonId,
    class_id: ClassId,
    group_id: Option<GroupId>,
    date: NaiveDate,
) -> Result<bool> {
    let found: Option<i32> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT 1 FROM class_memberships m
         WHERE m.class_id = $2 AND m.start_date <= $4 AND (m.end_date IS NULL OR m.end_date > $4)
           AND (m.student_id = $1
                OR m.student_id IN (SELECT student_id FROM guardianships WHERE guardian_id = $1))
           AND ($3 IS NULL OR m.student_id IN (SELECT student_id FROM group_members WHERE group_id = $3))
         LIMIT 1")
        .bind(person_id).bind(class_id).bind(group_id).bind(date)
        .fetch_optional(pool).await?);
    Ok(found.is_some())
}
