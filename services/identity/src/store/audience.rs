//! The students an announcement reaches on a day, a page at a time.

use chrono::NaiveDate;
use otmetka_platform::db::{Db, placeholders};
use otmetka_platform::ids::{ClassId, GroupId, SchoolId, StudentId};
use otmetka_platform::{Result, with_db};

/// Which of a school's students: all, or those of some grade levels,
/// classes or groups.
#[derive(Debug, Clone, Default)]
pub struct StudentSelection {
    pub whole_school: bool,
    pub grade_levels: Vec<i32>,
    pub class_ids: Vec<ClassId>,
    pub group_ids: Vec<GroupId>,
}

/// A student with the class they study in on the day.
#[derive(Debug, sqlx::FromRow)]
pub struct SelectedStudent {
    pub student_id: StudentId,
    pub class_id: ClassId,
}

/// The school's students in `selection` on `date` whose accounts are not
/// disabled, in id order after `after`, at most `limit`.
pub async fn selected_students(
    db: &Db,
    school_id: SchoolId,
    date: NaiveDate,
    selection: &StudentSelection,
    after: Option<uuid::Uuid>,
    limit: i64,
) -> Result<Vec<SelectedStudent>> {
    // $1 school, $2 date, $3 after, $4 limit; the lists follow.
    let mut next = 5;
    let mut any_of = Vec::new();
    if selection.whole_school {
        any_of.push("TRUE".to_owned());
    }
    let mut list = |len: usize, condition: &dyn Fn(String) -> String| {
        if len > 0 {
            any_of.push(condition(placeholders(next, len)));
            next += len;
        }
    };
    list(selection.grade_levels.len(), &|among| {
        format!("c.grade_level IN ({among})")
    });
    list(selection.class_ids.len(), &|among| {
        format!("m.class_id IN ({among})")
    });
    list(selection.group_ids.len(), &|among| {
        format!(
            "m.student_id IN (SELECT gm.student_id FROM group_members gm
                JOIN class_groups g ON g.id = gm.group_id
                WHERE g.class_id = m.class_id AND gm.group_id IN ({among}))"
        )
    });
    if any_of.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT m.student_id, m.class_id FROM class_memberships m
         JOIN classes c ON c.id = m.class_id
         JOIN persons p ON p.id = m.student_id
         WHERE m.school_id = $1 AND m.start_date <= $2 AND (m.end_date IS NULL OR m.end_date > $2)
           AND NOT p.disabled AND ($3 IS NULL OR m.student_id > $3)
           AND ({})
         ORDER BY m.student_id LIMIT $4",
        any_of.join(" OR ")
    );
    Ok(with_db!(db, pool => {
        // Only numbered placeholders are added to the text; values are bound.
        let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(school_id)
            .bind(date)
            .bind(after)
            .bind(limit);
        for level in &selection.grade_levels {
            query = query.bind(*level);
        }
        for class_id in &selection.class_ids {
            query = query.bind(*class_id);
        }
        for group_id in &selection.group_ids {
            query = query.bind(*group_id);
        }
        query.fetch_all(pool).await?
    }))
}
