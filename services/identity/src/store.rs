//! Every query identity runs, written once for both backends.

use chrono::{DateTime, NaiveDate, Utc};
use otmetka_platform::db::{BeginWrite, Db};
use otmetka_platform::paging::{Page, bad_token};
use otmetka_platform::{Error, Result, with_db};
use uuid::Uuid;

use crate::model::{
    Class, Credential, Group, Guardianship, Membership, Person, PersonKind, School, Subject,
    TeachingAssignment,
};
use crate::tokens::StoredKey;

/// Turns a unique violation into "`what` already exists".
fn exists(what: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |error| match Error::from(error) {
        Error::AlreadyExists(_) => Error::AlreadyExists(what.into()),
        other => other,
    }
}

/// `LIKE` pattern for a substring, with the wildcards in it escaped.
fn contains_pattern(query: &str) -> String {
    let escaped = query
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

pub async fn insert_school(db: &Db, school: &School) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO schools (id, name, search_name, timezone, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(school.id).bind(&school.name).bind(school.name.to_lowercase()).bind(&school.timezone)
        .bind(school.created_at)
        .execute(pool).await.map_err(exists("school with this name"))?; });
    Ok(())
}

pub async fn get_school(db: &Db, id: Uuid) -> Result<Option<School>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT id, name, timezone, created_at FROM schools WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

/// Schools by id; `member` limits them to those where the person holds a staff role.
pub async fn list_schools(
    db: &Db,
    page: &Page,
    name_query: &str,
    member: Option<Uuid>,
) -> Result<Vec<School>> {
    let after = page.after_id()?;
    let pattern = contains_pattern(name_query);
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, name, timezone, created_at FROM schools
         WHERE ($1 IS NULL OR id > $1)
           AND search_name LIKE $2 ESCAPE '\\'
           AND ($3 IS NULL OR id IN (SELECT school_id FROM staff_roles WHERE person_id = $3))
         ORDER BY id LIMIT $4")
        .bind(after).bind(&pattern).bind(member).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

pub async fn insert_person(db: &Db, person: &Person) -> Result<()> {
    let search = Person::search_name(&person.family_name, &person.given_name, &person.middle_name);
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO persons (id, school_id, kind, family_name, given_name, middle_name, search_name, disabled, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(person.id).bind(person.school_id).bind(&person.kind).bind(&person.family_name)
        .bind(&person.given_name).bind(&person.middle_name).bind(&search).bind(person.disabled)
        .bind(person.created_at)
        .execute(pool).await?; });
    Ok(())
}

const PERSON_COLUMNS: &str =
    "id, school_id, kind, family_name, given_name, middle_name, disabled, created_at";

pub async fn get_person(db: &Db, id: Uuid) -> Result<Option<Person>> {
    let sql = format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1");
    Ok(
        with_db!(db, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(id).fetch_optional(pool).await?),
    )
}

/// People of a school in name order; the page key is "search_name\0id".
pub async fn list_persons(
    db: &Db,
    school_id: Uuid,
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

pub async fn is_city_operator(db: &Db, person_id: Uuid) -> Result<bool> {
    let found: Option<Uuid> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM city_operators WHERE person_id = $1")
        .bind(person_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

pub async fn staff_roles(db: &Db, person_id: Uuid, school_id: Uuid) -> Result<Vec<String>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT role FROM staff_roles WHERE person_id = $1 AND school_id = $2 ORDER BY role")
        .bind(person_id).bind(school_id).fetch_all(pool).await?))
}

pub async fn grant_staff_role(db: &Db, person_id: Uuid, school_id: Uuid, role: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO staff_roles (school_id, person_id, role) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING")
        .bind(school_id).bind(person_id).bind(role).execute(pool).await?; });
    Ok(())
}

pub async fn revoke_staff_role(
    db: &Db,
    person_id: Uuid,
    school_id: Uuid,
    role: &str,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "DELETE FROM staff_roles WHERE school_id = $1 AND person_id = $2 AND role = $3")
        .bind(school_id).bind(person_id).bind(role).execute(pool).await?; });
    Ok(())
}

pub async fn insert_class(db: &Db, class: &Class) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO classes (id, school_id, grade_level, letter, academic_year, class_teacher_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(class.id).bind(class.school_id).bind(class.grade_level).bind(&class.letter)
        .bind(class.academic_year).bind(class.class_teacher_id).bind(class.created_at)
        .execute(pool).await.map_err(exists("class with this grade and letter"))?; });
    Ok(())
}

pub async fn get_class(db: &Db, id: Uuid) -> Result<Option<Class>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT * FROM classes WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list_classes(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<Class>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM classes WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// A school's active staff (anyone with a role there), by name.
pub async fn school_staff(db: &Db, school_id: Uuid) -> Result<Vec<Person>> {
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

/// Every subject of a school, by name.
pub async fn school_subjects(db: &Db, school_id: Uuid) -> Result<Vec<Subject>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM subjects WHERE school_id = $1 ORDER BY name, id")
        .bind(school_id).fetch_all(pool).await?))
}

pub async fn insert_subject(db: &Db, subject: &Subject) -> Result<()> {
    with_db!(db, pool => { sqlx::query("INSERT INTO subjects (id, school_id, name) VALUES ($1, $2, $3)")
        .bind(subject.id).bind(subject.school_id).bind(&subject.name)
        .execute(pool).await.map_err(exists("subject with this name"))?; });
    Ok(())
}

pub async fn get_subject(db: &Db, id: Uuid) -> Result<Option<Subject>> {
    Ok(
        with_db!(db, pool => sqlx::query_as("SELECT * FROM subjects WHERE id = $1")
        .bind(id).fetch_optional(pool).await?),
    )
}

pub async fn list_subjects(db: &Db, school_id: Uuid, page: &Page) -> Result<Vec<Subject>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM subjects WHERE school_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(school_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

/// Moves a student into a class from `start`: a membership open at `start`
/// ends there, so history is kept and memberships never overlap.
/// Starts a membership (ending or replacing what it overlaps); returns its id.
pub async fn enroll(db: &Db, membership: &Membership) -> Result<Uuid> {
    let id = Uuid::now_v7();
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "UPDATE class_memberships SET end_date = $2
             WHERE student_id = $1 AND start_date < $2 AND (end_date IS NULL OR end_date > $2)")
            .bind(membership.student_id).bind(membership.start_date)
            .execute(&mut *tx).await?;
        sqlx::query(
            "DELETE FROM class_memberships WHERE student_id = $1 AND start_date >= $2")
            .bind(membership.student_id).bind(membership.start_date)
            .execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO class_memberships (id, school_id, student_id, class_id, start_date, end_date)
             VALUES ($1, $2, $3, $4, $5, NULL)")
            .bind(id).bind(membership.school_id).bind(membership.student_id)
            .bind(membership.class_id).bind(membership.start_date)
            .execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(id)
}

pub async fn membership_on(
    db: &Db,
    student_id: Uuid,
    date: NaiveDate,
) -> Result<Option<Membership>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT student_id, class_id, school_id, start_date, end_date FROM class_memberships
         WHERE student_id = $1 AND start_date <= $2 AND (end_date IS NULL OR end_date > $2)")
        .bind(student_id).bind(date).fetch_optional(pool).await?))
}

#[derive(sqlx::FromRow)]
pub struct MembershipRow {
    pub id: Uuid,
    #[sqlx(flatten)]
    pub membership: Membership,
}

/// A student's memberships in start order, a page at a time.
pub async fn memberships_of(db: &Db, student_id: Uuid, page: &Page) -> Result<Vec<MembershipRow>> {
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
pub async fn class_memberships(db: &Db, class_id: Uuid, page: &Page) -> Result<Vec<MembershipRow>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, student_id, class_id, school_id, start_date, end_date FROM class_memberships
         WHERE class_id = $1 AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3")
        .bind(class_id).bind(after).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

pub async fn class_students(
    db: &Db,
    class_id: Uuid,
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

pub async fn link_guardian(db: &Db, link: &Guardianship) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO guardianships (guardian_id, student_id, school_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(link.guardian_id).bind(link.student_id).bind(link.school_id).bind(link.created_at)
        .execute(pool).await.map_err(exists("guardianship"))?; });
    Ok(())
}

pub async fn unlink_guardian(db: &Db, guardian_id: Uuid, student_id: Uuid) -> Result<bool> {
    let result = with_db!(db, pool => sqlx::query(
        "DELETE FROM guardianships WHERE guardian_id = $1 AND student_id = $2")
        .bind(guardian_id).bind(student_id).execute(pool).await?.rows_affected());
    Ok(result > 0)
}

pub async fn is_guardian(db: &Db, guardian_id: Uuid, student_id: Uuid) -> Result<bool> {
    let found: Option<Uuid> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT guardian_id FROM guardianships WHERE guardian_id = $1 AND student_id = $2")
        .bind(guardian_id).bind(student_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

pub async fn guardianships_of(
    db: &Db,
    guardian_id: Uuid,
    page: &Page,
) -> Result<Vec<Guardianship>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT * FROM guardianships WHERE guardian_id = $1 AND ($2 IS NULL OR student_id > $2)
         ORDER BY student_id LIMIT $3")
        .bind(guardian_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?))
}

pub async fn insert_assignment(db: &Db, assignment: &TeachingAssignment) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO teaching_assignments (id, school_id, teacher_id, class_id, subject_id, group_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(assignment.id).bind(assignment.school_id).bind(assignment.teacher_id)
        .bind(assignment.class_id).bind(assignment.subject_id).bind(assignment.group_id).bind(Utc::now())
        .execute(pool).await.map_err(exists("teaching assignment"))?; });
    Ok(())
}

pub async fn get_assignment(db: &Db, id: Uuid) -> Result<Option<TeachingAssignment>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, teacher_id, class_id, subject_id, group_id FROM teaching_assignments WHERE id = $1")
        .bind(id).fetch_optional(pool).await?))
}

pub async fn delete_assignment(db: &Db, id: Uuid) -> Result<()> {
    with_db!(db, pool => { sqlx::query("DELETE FROM teaching_assignments WHERE id = $1")
        .bind(id).execute(pool).await?; });
    Ok(())
}

pub async fn list_assignments(
    db: &Db,
    school_id: Uuid,
    class_id: Option<Uuid>,
    teacher_id: Option<Uuid>,
    page: &Page,
) -> Result<Vec<TeachingAssignment>> {
    let after = page.after_id()?;
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, teacher_id, class_id, subject_id, group_id FROM teaching_assignments
         WHERE school_id = $1 AND ($2 IS NULL OR class_id = $2) AND ($3 IS NULL OR teacher_id = $3)
           AND ($4 IS NULL OR id > $4)
         ORDER BY id LIMIT $5")
        .bind(school_id).bind(class_id).bind(teacher_id).bind(after).bind(page.fetch_limit())
        .fetch_all(pool).await?))
}

/// Subjects the teacher teaches to this student in their class: the whole
/// class, or a group the student is in.
pub async fn taught_subjects(
    db: &Db,
    teacher_id: Uuid,
    class_id: Uuid,
    student_id: Uuid,
) -> Result<Vec<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT subject_id FROM teaching_assignments
         WHERE teacher_id = $1 AND class_id = $2
           AND (group_id IS NULL OR group_id IN (SELECT group_id FROM group_members WHERE student_id = $3))")
        .bind(teacher_id).bind(class_id).bind(student_id).fetch_all(pool).await?))
}

/// Subjects the teacher teaches to a class, or to one group of it: a
/// whole-class assignment covers its groups too.
pub async fn subjects_taught_in_class(
    db: &Db,
    teacher_id: Uuid,
    class_id: Uuid,
    group_id: Option<Uuid>,
) -> Result<Vec<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT subject_id FROM teaching_assignments
         WHERE teacher_id = $1 AND class_id = $2 AND (group_id IS NULL OR group_id = $3)")
        .bind(teacher_id).bind(class_id).bind(group_id).fetch_all(pool).await?))
}

/// The person studies at the school, or is a guardian of one of its students.
pub async fn is_school_member(db: &Db, person_id: Uuid, school_id: Uuid) -> Result<bool> {
    let found: Option<i32> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT 1 FROM persons WHERE id = $1 AND school_id = $2 AND kind = 'student'
         UNION ALL
         SELECT 1 FROM guardianships WHERE guardian_id = $1 AND school_id = $2
         LIMIT 1")
        .bind(person_id).bind(school_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

/// The person studies in the class (and the group, when given) on `date`,
/// or is a guardian of a student who does.
pub async fn is_class_member(
    db: &Db,
    person_id: Uuid,
    class_id: Uuid,
    group_id: Option<Uuid>,
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

/// The groups of the class that the student belongs to.
pub async fn student_groups(db: &Db, student_id: Uuid, class_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT m.group_id FROM group_members m JOIN class_groups g ON g.id = m.group_id
         WHERE m.student_id = $1 AND g.class_id = $2 ORDER BY m.group_id")
        .bind(student_id).bind(class_id).fetch_all(pool).await?))
}

pub async fn find_subject(db: &Db, school_id: Uuid, name: &str) -> Result<Option<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM subjects WHERE school_id = $1 AND name = $2")
        .bind(school_id).bind(name).fetch_optional(pool).await?))
}

pub async fn find_group(db: &Db, class_id: Uuid, name: &str) -> Result<Option<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM class_groups WHERE class_id = $1 AND name = $2")
        .bind(class_id).bind(name).fetch_optional(pool).await?))
}

pub async fn group_students(db: &Db, group_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT student_id FROM group_members WHERE group_id = $1 ORDER BY student_id")
        .bind(group_id).fetch_all(pool).await?))
}

pub async fn add_group_students(db: &Db, group_id: Uuid, student_ids: &[Uuid]) -> Result<()> {
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for student_id in student_ids {
            sqlx::query("INSERT INTO group_members (group_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(group_id).bind(student_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Every student of the class on `date`, in id order.
pub async fn class_student_ids(db: &Db, class_id: Uuid, date: NaiveDate) -> Result<Vec<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT student_id FROM class_memberships
         WHERE class_id = $1 AND start_date <= $2 AND (end_date IS NULL OR end_date > $2)
         ORDER BY student_id")
        .bind(class_id).bind(date).fetch_all(pool).await?))
}

pub async fn has_assignment(db: &Db, assignment: &TeachingAssignment) -> Result<bool> {
    let found: Option<Uuid> = with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM teaching_assignments
         WHERE teacher_id = $1 AND class_id = $2 AND subject_id = $3
           AND (group_id = $4 OR (group_id IS NULL AND $4 IS NULL))")
        .bind(assignment.teacher_id).bind(assignment.class_id).bind(assignment.subject_id)
        .bind(assignment.group_id).fetch_optional(pool).await?);
    Ok(found.is_some())
}

/// Creates a group with its students, together.
pub async fn insert_group(db: &Db, group: &Group) -> Result<()> {
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("INSERT INTO class_groups (id, school_id, class_id, name, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(group.id).bind(group.school_id).bind(group.class_id).bind(&group.name).bind(Utc::now())
            .execute(&mut *tx).await.map_err(exists("group with this name"))?;
        for student_id in &group.student_ids {
            sqlx::query("INSERT INTO group_members (group_id, student_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(group.id).bind(student_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct GroupRow {
    id: Uuid,
    school_id: Uuid,
    class_id: Uuid,
    name: String,
}

/// A class's groups with their students, in id order.
pub async fn list_groups(db: &Db, class_id: Uuid, page: &Page) -> Result<Vec<Group>> {
    let after = page.after_id()?;
    let rows: Vec<GroupRow> = with_db!(db, pool => sqlx::query_as(
        "SELECT id, school_id, class_id, name FROM class_groups WHERE class_id = $1 AND ($2 IS NULL OR id > $2)
         ORDER BY id LIMIT $3")
        .bind(class_id).bind(after).bind(page.fetch_limit()).fetch_all(pool).await?);
    let members: Vec<(Uuid, Uuid)> = with_db!(db, pool => sqlx::query_as(
        "SELECT m.group_id, m.student_id FROM group_members m JOIN class_groups g ON g.id = m.group_id
         WHERE g.class_id = $1 ORDER BY m.student_id")
        .bind(class_id).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|row| Group {
            student_ids: members
                .iter()
                .filter(|(group, _)| *group == row.id)
                .map(|(_, student)| *student)
                .collect(),
            id: row.id,
            school_id: row.school_id,
            class_id: row.class_id,
            name: row.name,
        })
        .collect())
}

pub async fn group_class(db: &Db, group_id: Uuid) -> Result<Option<Uuid>> {
    Ok(
        with_db!(db, pool => sqlx::query_scalar("SELECT class_id FROM class_groups WHERE id = $1")
        .bind(group_id).fetch_optional(pool).await?),
    )
}

pub async fn set_credentials(
    db: &Db,
    person_id: Uuid,
    login: &str,
    password_hash: &str,
    must_change: bool,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO credentials (person_id, login, password_hash, must_change, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (person_id) DO UPDATE SET login = excluded.login,
             password_hash = excluded.password_hash, must_change = excluded.must_change,
             updated_at = excluded.updated_at")
        .bind(person_id).bind(login).bind(password_hash).bind(must_change).bind(Utc::now())
        .execute(pool).await.map_err(exists("login"))?; });
    Ok(())
}

pub async fn credential_by_login(db: &Db, login: &str) -> Result<Option<Credential>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT person_id, password_hash, must_change FROM credentials WHERE login = $1")
        .bind(login).fetch_optional(pool).await?))
}

/// Creates the configured city operator with their credentials, once.
pub async fn create_city_operator(
    db: &Db,
    person: &Person,
    login: &str,
    password_hash: &str,
) -> Result<()> {
    let search = Person::search_name(&person.family_name, &person.given_name, &person.middle_name);
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO persons (id, school_id, kind, family_name, given_name, middle_name, search_name, disabled, created_at)
             VALUES ($1, NULL, 'staff', $2, $3, '', $4, $5, $6)")
            .bind(person.id).bind(&person.family_name).bind(&person.given_name).bind(&search)
            .bind(false).bind(person.created_at)
            .execute(&mut *tx).await?;
        sqlx::query("INSERT INTO city_operators (person_id) VALUES ($1)")
            .bind(person.id).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO credentials (person_id, login, password_hash, must_change, updated_at)
             VALUES ($1, $2, $3, $4, $5)")
            .bind(person.id).bind(login).bind(password_hash).bind(false).bind(person.created_at)
            .execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(())
}

pub async fn signing_keys(db: &Db) -> Result<Vec<StoredKey>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT kid, private_key, public_key, created_at, activates_at FROM signing_keys
         WHERE retired_at IS NULL ORDER BY created_at, kid")
        .fetch_all(pool).await?))
}

pub async fn insert_signing_key(db: &Db, key: &StoredKey) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO signing_keys (kid, private_key, public_key, created_at, activates_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&key.kid).bind(&key.private_key).bind(&key.public_key).bind(key.created_at).bind(key.activates_at)
        .execute(pool).await?; });
    Ok(())
}

pub async fn insert_refresh_token(
    db: &Db,
    hash: &[u8],
    person_id: Uuid,
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, person_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash).bind(person_id).bind(now).bind(expires).execute(pool).await?; });
    Ok(())
}

/// The person holding a live refresh token, if it is live.
pub async fn refresh_token_owner(db: &Db, hash: &[u8], now: DateTime<Utc>) -> Result<Option<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM refresh_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2")
        .bind(hash).bind(now).fetch_optional(pool).await?))
}

pub async fn revoke_refresh_token(db: &Db, hash: &[u8], now: DateTime<Utc>) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(hash).bind(now).execute(pool).await?; });
    Ok(())
}

pub async fn credential_of(db: &Db, person_id: Uuid) -> Result<Option<Credential>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT person_id, password_hash, must_change FROM credentials WHERE person_id = $1")
        .bind(person_id).fetch_optional(pool).await?))
}

/// Replaces a person's password with one they chose themselves.
pub async fn change_password(db: &Db, person_id: Uuid, password_hash: &str) -> Result<()> {
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
) -> Result<Option<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT person_id FROM external_identities WHERE issuer = $1 AND subject = $2")
        .bind(issuer).bind(subject).fetch_optional(pool).await?))
}

/// Changes a person's names and whether they are disabled. Disabling revokes
/// their refresh tokens and records a session revocation, in one transaction.
pub async fn update_person(db: &Db, person: &Person, newly_disabled: bool) -> Result<()> {
    let search = Person::search_name(&person.family_name, &person.given_name, &person.middle_name);
    let now = Utc::now();
    with_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "UPDATE persons SET family_name = $2, given_name = $3, middle_name = $4, search_name = $5, disabled = $6
             WHERE id = $1")
            .bind(person.id).bind(&person.family_name).bind(&person.given_name).bind(&person.middle_name)
            .bind(&search).bind(person.disabled)
            .execute(&mut *tx).await?;
        if newly_disabled {
            sqlx::query("UPDATE refresh_tokens SET revoked_at = $2 WHERE person_id = $1 AND revoked_at IS NULL")
                .bind(person.id).bind(now).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO session_revocations (id, person_id, created_at) VALUES ($1, $2, $3)")
                .bind(Uuid::now_v7()).bind(person.id).bind(now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SessionRevocation {
    pub id: Uuid,
    pub person_id: Uuid,
    pub created_at: DateTime<Utc>,
}

pub async fn session_revocations(
    db: &Db,
    after: Option<Uuid>,
    since: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<SessionRevocation>> {
    Ok(with_db!(db, pool => sqlx::query_as(
        "SELECT id, person_id, created_at FROM session_revocations
         WHERE ($1 IS NULL OR id > $1) AND created_at > $2 ORDER BY id LIMIT $3")
        .bind(after).bind(since).bind(limit).fetch_all(pool).await?))
}

/// Retires keys older than the newest active one once every token they
/// signed has expired: `grace` after that key took over.
pub async fn retire_superseded_keys(
    db: &Db,
    now: DateTime<Utc>,
    grace: chrono::Duration,
) -> Result<u64> {
    let keys = signing_keys(db).await?;
    let Some(newest_active) = keys
        .iter()
        .filter(|key| key.activation() <= now)
        .max_by_key(|key| key.activation())
    else {
        return Ok(0);
    };
    if newest_active.activation() + grace > now {
        return Ok(0);
    }
    let mut retired = 0;
    for key in keys
        .iter()
        .filter(|key| key.activation() < newest_active.activation())
    {
        retired += with_db!(db, pool => sqlx::query(
            "UPDATE signing_keys SET retired_at = $2 WHERE kid = $1 AND retired_at IS NULL")
            .bind(&key.kid).bind(now).execute(pool).await?.rows_affected());
    }
    Ok(retired)
}

pub async fn roster_sources(
    db: &Db,
    school_id: Uuid,
) -> Result<std::collections::HashMap<(String, String), Uuid>> {
    let rows: Vec<(String, String, Uuid)> = with_db!(db, pool => sqlx::query_as(
        "SELECT kind, source_id, platform_id FROM roster_sources WHERE school_id = $1")
        .bind(school_id).fetch_all(pool).await?);
    Ok(rows
        .into_iter()
        .map(|(kind, source, id)| ((kind, source), id))
        .collect())
}

pub async fn remember_roster_source(
    db: &Db,
    school_id: Uuid,
    kind: &str,
    source_id: &str,
    platform_id: Uuid,
) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "INSERT INTO roster_sources (school_id, kind, source_id, platform_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (school_id, kind, source_id) DO UPDATE SET platform_id = excluded.platform_id")
        .bind(school_id).bind(kind).bind(source_id).bind(platform_id).execute(pool).await?; });
    Ok(())
}

pub async fn find_class(
    db: &Db,
    school_id: Uuid,
    academic_year: i32,
    grade_level: i32,
    letter: &str,
) -> Result<Option<Uuid>> {
    Ok(with_db!(db, pool => sqlx::query_scalar(
        "SELECT id FROM classes WHERE school_id = $1 AND academic_year = $2 AND grade_level = $3 AND letter = $4")
        .bind(school_id).bind(academic_year).bind(grade_level).bind(letter).fetch_optional(pool).await?))
}

pub async fn rename_class(db: &Db, id: Uuid, grade_level: i32, letter: &str) -> Result<()> {
    with_db!(db, pool => { sqlx::query("UPDATE classes SET grade_level = $2, letter = $3 WHERE id = $1")
        .bind(id).bind(grade_level).bind(letter).execute(pool).await?; });
    Ok(())
}

pub async fn set_class_teacher(db: &Db, class_id: Uuid, teacher_id: Uuid) -> Result<()> {
    with_db!(db, pool => { sqlx::query("UPDATE classes SET class_teacher_id = $2 WHERE id = $1")
        .bind(class_id).bind(teacher_id).execute(pool).await?; });
    Ok(())
}

pub async fn link_external_identity(
    db: &Db,
    issuer: &str,
    subject: &str,
    person_id: Uuid,
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

pub async fn update_school(db: &Db, school: &School) -> Result<()> {
    with_db!(db, pool => { sqlx::query(
        "UPDATE schools SET name = $2, search_name = $3, timezone = $4 WHERE id = $1")
        .bind(school.id).bind(&school.name).bind(school.name.to_lowercase()).bind(&school.timezone)
        .execute(pool).await.map_err(exists("school with this name"))?; });
    Ok(())
}
