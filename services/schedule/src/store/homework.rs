//! Homework: set on a lesson, due on a later one, with its files. A lesson
//! that homework is set on or due on keeps `has_homework`, so generation
//! keeps it; these writes take the school's lock, as generation does.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::{ClassId, GroupId, LessonId, PersonId, SchoolId};
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{
    Change, Created, LESSON_COLUMNS, Owner, RequestKey, attach_files, begin_in_school,
    claim_request, record_change, release_files,
};
use crate::calendar::DateRange;
use crate::model::{AttachmentId, Homework, HomeworkId, Lesson, ResourceKind};

const HOMEWORK_COLUMNS: &str = "id, school_id, lesson_id, due_lesson_id, class_id, group_id, \
     subject_id, set_date, due_date, text, submission_required, author_id, created_at, updated_at";

/// Brings `has_homework` of the lessons `ids` in line with the homework
/// that now exists; `encode` makes the outbox row of a lesson that changed.
async fn refresh_homework_flags(
    tx: &mut Tx,
    school_id: SchoolId,
    ids: [LessonId; 2],
    now: DateTime<Utc>,
    encode: &(dyn Fn(&Lesson) -> Change + Sync),
) -> Result<()> {
    let sql = format!("SELECT {LESSON_COLUMNS} FROM lessons WHERE school_id = $1 AND id = $2");
    for id in ids {
        let lesson: Option<Lesson> = with_tx!(&mut *tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(school_id).bind(id).fetch_optional(&mut *conn).await?);
        let Some(lesson) = lesson else { continue };
        let (has_homework,): (bool,) = with_tx!(&mut *tx, conn => sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM homework WHERE lesson_id = $1 OR due_lesson_id = $1)")
            .bind(id).fetch_one(&mut *conn).await?);
        if has_homework != lesson.has_homework {
            let lesson = Lesson {
                has_homework,
                updated_at: now,
                ..lesson
            };
            with_tx!(&mut *tx, conn => {
                sqlx::query(
                    "UPDATE lessons SET has_homework = $3, updated_at = $4
                     WHERE school_id = $1 AND id = $2")
                    .bind(school_id).bind(id).bind(has_homework).bind(now)
                    .execute(&mut *conn).await?;
            });
            record_change(tx, &encode(&lesson)).await?;
        }
    }
    Ok(())
}

/// What a homework write also does.
pub struct HomeworkWrite<'a> {
    /// The homework's files, when they change, and who names them.
    pub files: Option<(&'a [AttachmentId], PersonId)>,
    pub change: &'a Change,
    /// The outbox row of a lesson whose `has_homework` changed.
    pub encode_lesson: &'a (dyn Fn(&Lesson) -> Change + Sync),
}

pub async fn get_homework(
    db: &Db,
    school_id: SchoolId,
    id: HomeworkId,
) -> Result<Option<Homework>> {
    let sql = format!("SELECT {HOMEWORK_COLUMNS} FROM homework WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

pub async fn insert_homework(
    db: &Db,
    homework: &Homework,
    key: Option<&RequestKey>,
    write: HomeworkWrite<'_>,
) -> Result<Created> {
    let now = homework.updated_at;
    let school_id = homework.school_id;
    let mut tx = begin_in_school(db, school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        school_id,
        ResourceKind::Homework,
        homework.id,
        now,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    with_tx!(&mut tx, conn => {
        sqlx::query(
            "INSERT INTO homework (id, school_id, lesson_id, due_lesson_id, class_id, group_id,
                 subject_id, set_date, due_date, text, submission_required, author_id, created_at,
                 updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
            .bind(homework.id).bind(school_id).bind(homework.lesson_id)
            .bind(homework.due_lesson_id).bind(homework.class_id).bind(homework.group_id)
            .bind(homework.subject_id).bind(homework.set_date).bind(homework.due_date)
            .bind(&homework.text).bind(homework.submission_required).bind(homework.author_id)
            .bind(homework.created_at).bind(now)
            .execute(&mut *conn).await?;
    });
    if let Some((files, uploader)) = write.files {
        attach_files(
            &mut tx,
            school_id,
            Owner::Homework(homework.id),
            files,
            uploader,
            now,
            "homework.attachment_ids",
        )
        .await?;
    }
    refresh_homework_flags(
        &mut tx,
        school_id,
        [homework.lesson_id, homework.due_lesson_id],
        now,
        write.encode_lesson,
    )
    .await?;
    record_change(&mut tx, write.change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

/// Saves a changed homework; `old_due` is the lesson it was due on.
pub async fn update_homework(
    db: &Db,
    homework: &Homework,
    old_due: LessonId,
    write: HomeworkWrite<'_>,
) -> Result<()> {
    let now = homework.updated_at;
    let school_id = homework.school_id;
    let mut tx = begin_in_school(db, school_id).await?;
    let updated = with_tx!(&mut tx, conn => sqlx::query(
        "UPDATE homework SET due_lesson_id = $3, due_date = $4, text = $5,
             submission_required = $6, updated_at = $7
         WHERE school_id = $1 AND id = $2")
        .bind(school_id).bind(homework.id).bind(homework.due_lesson_id)
        .bind(homework.due_date).bind(&homework.text).bind(homework.submission_required)
        .bind(now)
        .execute(&mut *conn).await?.rows_affected());
    if updated == 0 {
        return Err(Error::not_found("homework"));
    }
    if let Some((files, uploader)) = write.files {
        attach_files(
            &mut tx,
            school_id,
            Owner::Homework(homework.id),
            files,
            uploader,
            now,
            "homework.attachment_ids",
        )
        .await?;
    }
    refresh_homework_flags(
        &mut tx,
        school_id,
        [old_due, homework.due_lesson_id],
        now,
        write.encode_lesson,
    )
    .await?;
    record_change(&mut tx, write.change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a homework nobody handed anything in for; its files are let go.
pub async fn delete_homework(
    db: &Db,
    homework: &Homework,
    now: DateTime<Utc>,
    write: HomeworkWrite<'_>,
) -> Result<()> {
    let school_id = homework.school_id;
    let mut tx = begin_in_school(db, school_id).await?;
    let (submitted,): (bool,) = with_tx!(&mut tx, conn => sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM submissions WHERE homework_id = $1)")
        .bind(homework.id).fetch_one(&mut *conn).await?);
    if submitted {
        return Err(Error::FailedPrecondition(
            "students have handed in work for this homework".into(),
        ));
    }
    release_files(&mut tx, school_id, Owner::Homework(homework.id), now).await?;
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM homework WHERE school_id = $1 AND id = $2")
            .bind(school_id).bind(homework.id).execute(&mut *conn).await?;
    });
    refresh_homework_flags(
        &mut tx,
        school_id,
        [homework.lesson_id, homework.due_lesson_id],
        now,
        write.encode_lesson,
    )
    .await?;
    record_change(&mut tx, write.change).await?;
    tx.commit().await?;
    Ok(())
}

/// Which homework a list is about.
#[derive(Debug, Clone)]
pub enum HomeworkScope {
    /// Set on or due on a lesson.
    Lesson(LessonId),
    /// A class, its groups included.
    Class(ClassId),
    Group(GroupId),
    /// A class's whole-class homework and that of some of its groups.
    Student {
        class_id: ClassId,
        group_ids: Vec<GroupId>,
    },
}

/// The page key of homework lists: due date, then id.
pub fn homework_key(homework: &Homework) -> String {
    format!("{}\0{}", homework.due_date, homework.id)
}

/// Homework by due date.
pub async fn list_homework(
    db: &Db,
    school_id: SchoolId,
    scope: &HomeworkScope,
    due: (Option<NaiveDate>, Option<NaiveDate>),
    page: &Page,
) -> Result<Vec<Homework>> {
    let after = match page.after_pair()? {
        Some((date, id)) => Some((
            NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?,
            id,
        )),
        None => None,
    };
    Ok(with_db!(db, pool => {
        let mut query = sqlx::QueryBuilder::new(format!(
            "SELECT {HOMEWORK_COLUMNS} FROM homework WHERE school_id = "));
        query.push_bind(school_id);
        match scope {
            HomeworkScope::Lesson(id) => {
                query.push(" AND (lesson_id = ").push_bind(*id)
                    .push(" OR due_lesson_id = ").push_bind(*id).push(")");
            }
            HomeworkScope::Class(id) => {
                query.push(" AND class_id = ").push_bind(*id);
            }
            HomeworkScope::Group(id) => {
                query.push(" AND group_id = ").push_bind(*id);
            }
            HomeworkScope::Student { class_id, group_ids } => {
                query.push(" AND class_id = ").push_bind(*class_id).push(" AND (group_id IS NULL");
                for group in group_ids {
                    query.push(" OR group_id = ").push_bind(*group);
                }
                query.push(")");
            }
        }
        if let Some(from) = due.0 {
            query.push(" AND due_date >= ").push_bind(from);
        }
        if let Some(to) = due.1 {
            query.push(" AND due_date <= ").push_bind(to);
        }
        if let Some((date, id)) = after {
            query.push(" AND (due_date > ").push_bind(date)
                .push(" OR (due_date = ").push_bind(date)
                .push(" AND id > ").push_bind(id).push("))");
        }
        query.push(" ORDER BY due_date, id LIMIT ").push_bind(page.fetch_limit());
        query.build_query_as().fetch_all(pool).await?
    }))
}
/// A class's homework set or due within `week`, for the diary.
pub async fn week_homework(
    db: &Db,
    school_id: SchoolId,
    class_id: ClassId,
    week: DateRange,
) -> Result<Vec<Homework>> {
    let sql = format!(
        "SELECT {HOMEWORK_COLUMNS} FROM homework
         WHERE school_id = $1 AND class_id = $2
           AND ((due_date >= $3 AND due_date <= $4) OR (set_date >= $3 AND set_date <= $4))
         ORDER BY due_date, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(class_id).bind(week.start).bind(week.end)
        .fetch_all(pool).await?),
    )
}
