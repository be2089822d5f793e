//! Dated lessons: generated from the timetable or made by hand.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{Db, Tx};
use otmetka_platform::ids::{ClassId, GroupId, LessonId, PersonId, SchoolId, SubjectId};
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db, with_tx};

use super::{
    BATCH, Change, Created, RequestKey, begin_in_school, claim_request, record_change,
    record_changes,
};
use crate::calendar::DateRange;
use crate::generate::{self, NewLessons, Plan, Planned};
use crate::model::{AcademicYearId, ChangeType, Lesson, Origin, ResourceKind};

pub(crate) const LESSON_COLUMNS: &str = "id, school_id, academic_year_id, timetable_entry_id, origin, \
     class_id, group_id, grade_level, subject_id, date, lesson_number, start_time, end_time, \
     starts_at, ends_at, teacher_id, substitute_teacher_id, substitution_reason, planned_room, \
     room_override, topic, cancelled, cancel_reason, has_marks, has_attendance, has_homework, \
     orphaned, created_at, updated_at";

/// Inserts `lessons`, many per statement.
async fn insert_lessons(tx: &mut Tx, lessons: &[Lesson]) -> Result<()> {
    for chunk in lessons.chunks(BATCH) {
        with_tx!(&mut *tx, conn => {
            let mut insert =
                sqlx::QueryBuilder::new(format!("INSERT INTO lessons ({LESSON_COLUMNS}) "));
            insert.push_values(chunk, |mut row, lesson| {
                row.push_bind(lesson.id)
                    .push_bind(lesson.school_id)
                    .push_bind(lesson.academic_year_id)
                    .push_bind(lesson.timetable_entry_id)
                    .push_bind(&lesson.origin)
                    .push_bind(lesson.class_id)
                    .push_bind(lesson.group_id)
                    .push_bind(lesson.grade_level)
                    .push_bind(lesson.subject_id)
                    .push_bind(lesson.date)
                    .push_bind(lesson.lesson_number)
                    .push_bind(&lesson.start_time)
                    .push_bind(&lesson.end_time)
                    .push_bind(lesson.starts_at)
                    .push_bind(lesson.ends_at)
                    .push_bind(lesson.teacher_id)
                    .push_bind(lesson.substitute_teacher_id)
                    .push_bind(&lesson.substitution_reason)
                    .push_bind(&lesson.planned_room)
                    .push_bind(&lesson.room_override)
                    .push_bind(&lesson.topic)
                    .push_bind(lesson.cancelled)
                    .push_bind(&lesson.cancel_reason)
                    .push_bind(lesson.has_marks)
                    .push_bind(lesson.has_attendance)
                    .push_bind(lesson.has_homework)
                    .push_bind(lesson.orphaned)
                    .push_bind(lesson.created_at)
                    .push_bind(lesson.updated_at);
            });
            insert.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Writes every changeable column of `lesson`.
async fn write_lesson(tx: &mut Tx, lesson: &Lesson) -> Result<()> {
    with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE lessons SET class_id = $3, group_id = $4, grade_level = $5, subject_id = $6,
                 lesson_number = $7, start_time = $8, end_time = $9, starts_at = $10, ends_at = $11,
                 teacher_id = $12, substitute_teacher_id = $13, substitution_reason = $14,
                 planned_room = $15, room_override = $16, topic = $17, cancelled = $18,
                 cancel_reason = $19, has_marks = $20, has_attendance = $21, has_homework = $22,
                 orphaned = $23, updated_at = $24
             WHERE school_id = $1 AND id = $2",
        )
        .bind(lesson.school_id)
        .bind(lesson.id)
        .bind(lesson.class_id)
        .bind(lesson.group_id)
        .bind(lesson.grade_level)
        .bind(lesson.subject_id)
        .bind(lesson.lesson_number)
        .bind(&lesson.start_time)
        .bind(&lesson.end_time)
        .bind(lesson.starts_at)
        .bind(lesson.ends_at)
        .bind(lesson.teacher_id)
        .bind(lesson.substitute_teacher_id)
        .bind(&lesson.substitution_reason)
        .bind(&lesson.planned_room)
        .bind(&lesson.room_override)
        .bind(&lesson.topic)
        .bind(lesson.cancelled)
        .bind(&lesson.cancel_reason)
        .bind(lesson.has_marks)
        .bind(lesson.has_attendance)
        .bind(lesson.has_homework)
        .bind(lesson.orphaned)
        .bind(lesson.updated_at)
        .execute(&mut *conn)
        .await?;
    });
    Ok(())
}

pub async fn get_lesson(db: &Db, school_id: SchoolId, id: LessonId) -> Result<Option<Lesson>> {
    let sql = format!("SELECT {LESSON_COLUMNS} FROM lessons WHERE school_id = $1 AND id = $2");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(id).fetch_optional(pool).await?),
    )
}

#[derive(Debug)]
pub struct LessonFilter {
    pub dates: DateRange,
    pub class_id: Option<ClassId>,
    pub group_id: Option<GroupId>,
    /// As planned teacher or as substitute.
    pub teacher_id: Option<PersonId>,
    pub subject_id: Option<SubjectId>,
    /// The room the lesson takes place in.
    pub room: Option<String>,
    pub orphaned_only: bool,
}

/// The page key of lesson lists: date and lesson number, then id.
pub fn lesson_key(lesson: &Lesson) -> String {
    format!("{}|{:02}\0{}", lesson.date, lesson.lesson_number, lesson.id)
}

/// Lessons by date and lesson number.
pub async fn list_lessons(
    db: &Db,
    school_id: SchoolId,
    filter: &LessonFilter,
    page: &Page,
) -> Result<Vec<Lesson>> {
    let (after_date, after_number, after_id) = match page.after_pair()? {
        Some((key, id)) => {
            let (date, number) = key.split_once('|').ok_or_else(bad_token)?;
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad_token())?;
            let number: i32 = number.parse().map_err(|_| bad_token())?;
            (Some(date), Some(number), Some(id))
        }
        None => (None, None, None),
    };
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM lessons
         WHERE school_id = $1 AND date >= $2 AND date <= $3
           AND ($4 IS NULL OR class_id = $4)
           AND ($5 IS NULL OR group_id = $5)
           AND ($6 IS NULL OR teacher_id = $6 OR substitute_teacher_id = $6)
           AND ($7 IS NULL OR subject_id = $7)
           AND ($8 IS NULL OR COALESCE(room_override, planned_room) = $8)
           AND (orphaned OR NOT $9)
           AND ($10 IS NULL OR date > $10 OR (date = $10 AND (lesson_number > $11
                OR (lesson_number = $11 AND id > $12))))
         ORDER BY date, lesson_number, id LIMIT $13"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(filter.dates.start).bind(filter.dates.end)
        .bind(filter.class_id).bind(filter.group_id).bind(filter.teacher_id)
        .bind(filter.subject_id).bind(&filter.room).bind(filter.orphaned_only)
        .bind(after_date).bind(after_number).bind(after_id).bind(page.fetch_limit())
        .fetch_all(pool).await?),
    )
}

/// Every lesson of a class (its groups' too) on `dates`, by date and number.
pub async fn class_lessons(
    db: &Db,
    school_id: SchoolId,
    class_id: ClassId,
    dates: DateRange,
) -> Result<Vec<Lesson>> {
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM lessons
         WHERE school_id = $1 AND class_id = $2 AND date >= $3 AND date <= $4
         ORDER BY date, lesson_number, id"
    );
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(class_id).bind(dates.start).bind(dates.end)
        .fetch_all(pool).await?),
    )
}

/// The class a group's lessons name, if it has any.
pub async fn class_of_group(
    db: &Db,
    school_id: SchoolId,
    group_id: GroupId,
) -> Result<Option<ClassId>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT class_id FROM lessons WHERE school_id = $1 AND group_id = $2 LIMIT 1")
        .bind(school_id).bind(group_id).fetch_optional(pool).await?))
}

pub async fn insert_lesson(
    db: &Db,
    lesson: &Lesson,
    key: Option<&RequestKey>,
    change: &Change,
) -> Result<Created> {
    let mut tx = begin_in_school(db, lesson.school_id).await?;
    let claim = claim_request(
        &mut tx,
        key,
        lesson.school_id,
        ResourceKind::Lesson,
        lesson.id,
        lesson.created_at,
    )
    .await?;
    if claim != Created::New {
        return Ok(claim);
    }
    insert_lessons(&mut tx, std::slice::from_ref(lesson)).await?;
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(Created::New)
}

/// Saves a changed lesson. The records flags are the store's own (see
/// [`set_record_flags`]): a lesson read before a flag changed cannot clear it.
pub async fn update_lesson(db: &Db, lesson: &Lesson, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, lesson.school_id).await?;
    let flags: Option<(bool, bool, bool)> = with_tx!(&mut tx, conn => sqlx::query_as(
        "SELECT has_marks, has_attendance, has_homework FROM lessons WHERE school_id = $1 AND id = $2")
        .bind(lesson.school_id).bind(lesson.id).fetch_optional(&mut *conn).await?);
    let Some((has_marks, has_attendance, has_homework)) = flags else {
        return Err(Error::not_found("lesson"));
    };
    let lesson = Lesson {
        has_marks,
        has_attendance,
        has_homework,
        ..lesson.clone()
    };
    write_lesson(&mut tx, &lesson).await?;
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a lesson unless records hang on it.
pub async fn delete_lesson(db: &Db, lesson: &Lesson, change: &Change) -> Result<()> {
    let mut tx = begin_in_school(db, lesson.school_id).await?;
    let deleted = with_tx!(&mut tx, conn => sqlx::query(
        "DELETE FROM lessons WHERE school_id = $1 AND id = $2
           AND NOT has_marks AND NOT has_attendance AND NOT has_homework")
        .bind(lesson.school_id).bind(lesson.id).execute(&mut *conn).await?.rows_affected());
    if deleted == 0 {
        return Err(Error::FailedPrecondition(
            "the lesson has marks, attendance or homework: cancel it instead".into(),
        ));
    }
    record_change(&mut tx, change).await?;
    tx.commit().await?;
    Ok(())
}

/// Which generated lessons a run looks at.
#[derive(Debug, Clone)]
pub struct GenerationScope {
    pub school_id: SchoolId,
    pub academic_year_id: AcademicYearId,
    pub dates: DateRange,
    pub class_id: Option<ClassId>,
}

/// Brings the generated lessons of `scope` in line with `desired`, in one
/// transaction with their outbox rows; with `dry_run`, only says what it
/// would do. `encode` makes the outbox row of a lesson.
pub async fn apply_generation(
    db: &Db,
    scope: &GenerationScope,
    desired: Vec<Planned>,
    context: &NewLessons,
    dry_run: bool,
    encode: impl Fn(&Lesson, ChangeType) -> Change,
) -> Result<Plan> {
    let sql = format!(
        "SELECT {LESSON_COLUMNS} FROM lessons
         WHERE school_id = $1 AND academic_year_id = $2 AND origin = $3
           AND date >= $4 AND date <= $5 AND ($6 IS NULL OR class_id = $6)"
    );
    let mut tx = begin_in_school(db, scope.school_id).await?;
    let existing: Vec<Lesson> = with_tx!(&mut tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(scope.school_id).bind(scope.academic_year_id).bind(Origin::Timetable.as_str())
        .bind(scope.dates.start).bind(scope.dates.end).bind(scope.class_id)
        .fetch_all(&mut *conn).await?);
    let plan = generate::plan(existing, desired, context);
    if dry_run || !plan.changes_anything() {
        return Ok(plan);
    }
    for lesson in &plan.remove {
        with_tx!(&mut tx, conn => {
            sqlx::query("DELETE FROM lessons WHERE school_id = $1 AND id = $2")
                .bind(lesson.school_id).bind(lesson.id).execute(&mut *conn).await?;
        });
    }
    for lesson in plan.update.iter().chain(&plan.orphan) {
        write_lesson(&mut tx, lesson).await?;
    }
    insert_lessons(&mut tx, &plan.create).await?;
    let changes: Vec<Change> = plan
        .create
        .iter()
        .map(|l| encode(l, ChangeType::Created))
        .chain(
            plan.update
                .iter()
                .chain(&plan.orphan)
                .map(|l| encode(l, ChangeType::Updated)),
        )
        .chain(plan.remove.iter().map(|l| encode(l, ChangeType::Deleted)))
        .collect();
    record_changes(&mut tx, &changes).await?;
    tx.commit().await?;
    Ok(plan)
}

/// Brings a lesson's `has_marks` / `has_attendance` in line with the
/// journal entries recorded on it ([`super::journal_entries`]), in the
/// consumer's transaction; an unchanged flag writes nothing, so replays
/// are harmless. Returns the lesson as it now is, or `None` for a lesson
/// the school does not have.
pub async fn refresh_record_flags(
    tx: &mut Tx,
    school_id: SchoolId,
    lesson_id: LessonId,
    now: DateTime<Utc>,
    encode: impl Fn(&Lesson) -> Change,
) -> Result<Option<Lesson>> {
    let sql = format!("SELECT {LESSON_COLUMNS} FROM lessons WHERE school_id = $1 AND id = $2");
    let lesson: Option<Lesson> = with_tx!(&mut *tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(school_id).bind(lesson_id).fetch_optional(&mut *conn).await?);
    let Some(lesson) = lesson else {
        return Ok(None);
    };
    let (has_marks, has_attendance) = super::journal_entries::held_on(tx, lesson_id).await?;
    let changed = Lesson {
        has_marks,
        has_attendance,
        ..lesson.clone()
    };
    if changed == lesson {
        return Ok(Some(lesson));
    }
    let changed = Lesson {
        updated_at: now,
        ..changed
    };
    write_lesson(tx, &changed).await?;
    record_change(tx, &encode(&changed)).await?;
    Ok(Some(changed))
}
