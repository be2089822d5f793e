//! A school's classes and the students in them, as its administrators keep
//! them: listing and creating classes, listing a class's students and
//! enrolling a new one.

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use otmetka_platform::{Error, Result};
use otmetka_proto::identity::v1 as identity;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::caller::{Caller, Params, path_id, required};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::people::PersonName;

/// How many pages of a school's list a page reads at most: 5 000 rows are
/// more classes or codes than any school has.
pub const MAX_PAGES: usize = 10;

/// A class of a school.
#[derive(Serialize, ToSchema, Clone)]
pub struct ClassView {
    pub id: String,
    pub school_id: String,
    /// "5А": the grade and the letter, as a school names it.
    pub name: String,
    pub grade_level: i32,
    pub letter: String,
    /// The academic year's first calendar year: 2026 for 2026/2027.
    pub academic_year: i32,
    /// Empty when the class has no class teacher.
    pub class_teacher_id: String,
}

impl From<identity::Class> for ClassView {
    fn from(class: identity::Class) -> Self {
        Self {
            name: format!("{}{}", class.grade_level, class.letter),
            id: class.id,
            school_id: class.school_id,
            grade_level: class.grade_level,
            letter: class.letter,
            academic_year: class.academic_year,
            class_teacher_id: class.class_teacher_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ClassesView {
    /// The latest academic year first, then by grade and letter.
    pub classes: Vec<ClassView>,
}

/// `GET /api/v1/schools/{school_id}/classes`: every class of the school.
/// Its staff, city operators, granted vendors.
#[utoipa::path(get, path = "/api/v1/schools/{school_id}/classes", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    responses((status = 200, description = "The classes", body = ClassesView)))]
pub async fn list_classes(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let classes = load_classes(&caller, &school_id).await?;
            Ok(Json(ClassesView { classes }))
        })
        .await
}

pub async fn load_classes(caller: &Caller, school_id: &str) -> Result<Vec<ClassView>> {
    let school_id = path_id("school", school_id)?;
    let mut classes = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListClassesRequest {
            school_id: school_id.clone(),
            page_size: 500,
            page_token,
        };
        let reply = caller
            .identity()
            .list_classes(caller.request(message)?)
            .await?
            .into_inner();
        classes.extend(reply.classes.into_iter().map(ClassView::from));
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    classes.sort_by(|a, b| {
        let key = |c: &ClassView| {
            (
                std::cmp::Reverse(c.academic_year),
                c.grade_level,
                c.letter.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    Ok(classes)
}

#[derive(Deserialize, ToSchema)]
pub struct NewClassBody {
    #[schema(minimum = 1, maximum = 11)]
    pub grade_level: i32,
    /// "А".
    #[schema(max_length = 8)]
    pub letter: String,
    /// The academic year's first calendar year: 2026 for 2026/2027.
    #[schema(minimum = 2000, maximum = 2100)]
    pub academic_year: i32,
    /// A teacher of the school.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub class_teacher_id: Option<String>,
}

/// `POST /api/v1/schools/{school_id}/classes`: a new class. The school's
/// administrators, city operators.
#[utoipa::path(post, path = "/api/v1/schools/{school_id}/classes", tag = "roster",
    params(("school_id" = String, Path, format = Uuid, description = "The school")),
    request_body = NewClassBody,
    responses(
        (status = 201, description = "The class", body = ClassView),
        (status = 409, description = "The school already has that class that year", body = crate::problem::Body, content_type = "application/problem+json"),
    ))]
pub async fn create_class(
    caller: Caller,
    ApiPath(school_id): ApiPath<String>,
    ApiJson(body): ApiJson<NewClassBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let class = add_class(&caller, &school_id, body).await?;
            Ok((StatusCode::CREATED, Json(class)))
        })
        .await
}

pub async fn add_class(caller: &Caller, school_id: &str, body: NewClassBody) -> Result<ClassView> {
    let school_id = path_id("school", school_id)?;
    let mut params = Params::new();
    params.optional_number("grade_level", Some(body.grade_level), 1..=11);
    params.optional_number("academic_year", Some(body.academic_year), 2000..=2100);
    let class_teacher_id = params.optional_id("class_teacher_id", body.class_teacher_id.as_deref());
    params.finish()?;
    let message = identity::CreateClassRequest {
        school_id,
        grade_level: body.grade_level,
        letter: body.letter,
        academic_year: body.academic_year,
        class_teacher_id,
    };
    let reply = caller
        .identity()
        .create_class(caller.request(message)?)
        .await?;
    Ok(required(reply.into_inner().class, "class")?.into())
}

/// A class with its students on a day.
#[derive(Serialize, ToSchema)]
pub struct ClassStudentsView {
    pub class: ClassView,
    /// By family name.
    pub students: Vec<PersonName>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassStudentsQuery {
    /// The school-local day; today when absent.
    #[param(format = Date)]
    date: Option<String>,
}

/// `GET /api/v1/classes/{class_id}/students`: the class and who studies in
/// it on the day. The school's staff, city operators, granted vendors.
#[utoipa::path(get, path = "/api/v1/classes/{class_id}/students", tag = "roster",
    params(("class_id" = String, Path, format = Uuid, description = "The class"), ClassStudentsQuery),
    responses((status = 200, description = "The class and its students", body = ClassStudentsView)))]
pub async fn list_class_students(
    caller: Caller,
    ApiPath(class_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<ClassStudentsQuery>,
) -> impl IntoResponse {
    caller
        .answer(async {
            load_class_students(&caller, &class_id, query.date.as_deref())
                .await
                .map(Json)
        })
        .await
}

pub async fn load_class_students(
    caller: &Caller,
    class_id: &str,
    date: Option<&str>,
) -> Result<ClassStudentsView> {
    let class_id = path_id("class", class_id)?;
    let mut params = Params::new();
    let date = params.optional_date("date", date);
    params.finish()?;
    let class = class(caller, &class_id).await?;
    let mut students = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListClassStudentsRequest {
            class_id: class_id.clone(),
            date: date.clone(),
            page_size: 500,
            page_token,
        };
        let reply = caller
            .identity()
            .list_class_students(caller.request(message)?)
            .await?
            .into_inner();
        students.extend(reply.students.into_iter().map(PersonName::from));
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    students.sort_by(|a, b| {
        (&a.family_name, &a.given_name, &a.middle_name).cmp(&(
            &b.family_name,
            &b.given_name,
            &b.middle_name,
        ))
    });
    Ok(ClassStudentsView { class, students })
}

pub async fn class(caller: &Caller, class_id: &str) -> Result<ClassView> {
    let message = identity::GetClassRequest {
        id: class_id.to_owned(),
    };
    let class = caller
        .identity()
        .get_class(caller.request(message)?)
        .await?
        .into_inner()
        .class
        .ok_or_else(|| Error::not_found("class"))?;
    Ok(class.into())
}

/// The class's groups (a language subgroup and the like), by name.
pub async fn load_groups(caller: &Caller, class_id: &str) -> Result<Vec<identity::Group>> {
    let mut groups = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let message = identity::ListGroupsRequest {
            class_id: class_id.to_owned(),
            page_size: 500,
            page_token,
        };
        let reply = caller
            .identity()
            .list_groups(caller.request(message)?)
            .await?
            .into_inner();
        groups.extend(reply.groups);
        if reply.next_page_token.is_empty() {
            break;
        }
        page_token = reply.next_page_token;
    }
    groups.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    Ok(groups)
}

#[derive(Deserialize, ToSchema)]
pub struct NewStudentBody {
    #[schema(max_length = 100)]
    pub family_name: String,
    #[schema(max_length = 100)]
    pub given_name: String,
    /// Patronymic (отчество), if any.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub middle_name: String,
    /// The first school-local day in the class.
    #[schema(format = Date)]
    pub start_date: String,
}

/// `POST /api/v1/classes/{class_id}/students`: registers a new student of
/// the class's school and enrols them from `start_date`. The school's
/// administrators, city operators.
#[utoipa::path(post, path = "/api/v1/classes/{class_id}/students", tag = "roster",
    params(("class_id" = String, Path, format = Uuid, description = "The class")),
    request_body = NewStudentBody,
    responses((status = 201, description = "The student", body = PersonName)))]
pub async fn enrol_student(
    caller: Caller,
    ApiPath(class_id): ApiPath<String>,
    ApiJson(body): ApiJson<NewStudentBody>,
) -> impl IntoResponse {
    caller
        .answer(async {
            let student = add_student(&caller, &class_id, body).await?;
            Ok((StatusCode::CREATED, Json(student)))
        })
        .await
}

pub async fn add_student(
    caller: &Caller,
    class_id: &str,
    body: NewStudentBody,
) -> Result<PersonName> {
    let class_id = path_id("class", class_id)?;
    let mut params = Params::new();
    let start_date = params.date("start_date", Some(&body.start_date));
    params.finish()?;
    let class = class(caller, &class_id).await?;
    let message = identity::CreatePersonRequest {
        school_id: class.school_id,
        kind: identity::PersonKind::Student.into(),
        family_name: body.family_name,
        given_name: body.given_name,
        middle_name: body.middle_name,
    };
    let person = caller
        .identity()
        .create_person(caller.request(message)?)
        .await?;
    let person = required(person.into_inner().person, "person")?;
    let message = identity::EnrollStudentRequest {
        student_id: person.id.clone(),
        class_id,
        start_date,
    };
    caller
        .identity()
        .enroll_student(caller.request(message)?)
        .await?;
    Ok(person.into())
}
