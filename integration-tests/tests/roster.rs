//! Bulk roster loading from OneRoster 1.2 CSV, through identity's gRPC API.

use otmetka_integration_tests::{Admin, Sandbox};
use otmetka_proto::identity::v1 as identity;

const USERS: &str = "\u{feff}sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password
u-1,active,2026-09-01T00:00:00Z,true,org-1,student,,,Алиса,Громова,Петровна,,,,,u-9,05,
u-2,active,2026-09-01T00:00:00Z,true,org-1,student,,,Борис,Дымов,,,,,,,05,
u-3,active,2026-09-01T00:00:00Z,true,org-1,teacher,,,Вера,Ершова,Ивановна,,,,,,,
u-4,active,2026-09-01T00:00:00Z,true,org-1,wizard,,,Гэндальф,Серый,,,,,,,,
u-5,active,2026-09-01T00:00:00Z,true,org-1,student,,,,Жуков,,,,,,,05,
u-6,active,2026-09-01T00:00:00Z,true,org-1,student,,,Денис,Зуев,,,not-an-address,,,,05,
u-9,active,2026-09-01T00:00:00Z,true,org-1,parent,,,Галина,Громова,,,galina@Gromovy.TEST,,,,,
";

const CLASSES: &str = "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods
c-1,active,2026-09-01T00:00:00Z,7В,07,,,homeroom,,org-1,,,,
c-2,active,2026-09-01T00:00:00Z,Алгебра 7В,07,course-1,,scheduled,,org-1,,Алгебра,,
c-3,active,2026-09-01T00:00:00Z,7Г,15,,,homeroom,,org-1,,,,
c-4,active,2026-09-01T00:00:00Z,Английский 7В гр. 1,07,course-2,,scheduled,,org-1,,Английский язык,,
c-5,active,2026-09-01T00:00:00Z,Кружок,07,,,club,,org-1,,,,
";

const ENROLLMENTS: &str = "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,beginDate,endDate
e-1,active,2026-09-01T00:00:00Z,c-1,org-1,u-1,student,false,2026-09-01,
e-2,active,2026-09-01T00:00:00Z,c-1,org-1,u-2,student,false,2026-09-01,
e-3,active,2026-09-01T00:00:00Z,c-1,org-1,u-3,teacher,true,2026-09-01,
e-4,active,2026-09-01T00:00:00Z,c-9,org-1,u-1,student,false,2026-09-01,
e-5,active,2026-09-01T00:00:00Z,c-1,org-1,u-2,student,false,01.09.2026,
e-6,active,2026-09-01T00:00:00Z,c-2,org-1,u-1,student,false,2026-09-01,
e-7,active,2026-09-01T00:00:00Z,c-2,org-1,u-2,student,false,2026-09-01,
e-8,active,2026-09-01T00:00:00Z,c-2,org-1,u-3,teacher,false,2026-09-01,
e-9,active,2026-09-01T00:00:00Z,c-4,org-1,u-1,student,false,2026-09-01,
e-10,active,2026-09-01T00:00:00Z,c-4,org-1,u-3,teacher,false,2026-09-01,
";

fn files(users: &str) -> Vec<identity::RosterFile> {
    [
        ("users.csv", users),
        ("classes.csv", CLASSES),
        ("enrollments.csv", ENROLLMENTS),
    ]
    .into_iter()
    .map(|(name, content)| identity::RosterFile {
        name: name.into(),
        content: content.as_bytes().to_vec(),
    })
    .collect()
}

async fn load(
    admin: &mut Admin,
    school_id: &str,
    files: Vec<identity::RosterFile>,
    validate_only: bool,
) -> identity::ImportRosterResponse {
    let request = admin.request(identity::ImportRosterRequest {
        school_id: school_id.into(),
        files,
        validate_only,
    });
    admin
        .identity
        .import_roster(request)
        .await
        .unwrap()
        .into_inner()
}

fn errors(report: &identity::ImportRosterResponse) -> Vec<(String, i64, String)> {
    report
        .errors
        .iter()
        .map(|e| (e.file.clone(), e.line, e.field.clone()))
        .collect()
}

#[tokio::test]
async fn a_roster_loads_good_rows_reports_bad_ones_and_reloads_to_no_change() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = sandbox.demo.school_id.clone();
    let mut admin = sandbox.admin().await.unwrap();

    // A dry run writes nothing.
    let dry = load(&mut admin, &school, files(USERS), true).await;
    let request = admin.request(identity::ListPersonsRequest {
        school_id: school.clone(),
        name_query: "громова".into(),
        ..Default::default()
    });
    assert!(
        admin
            .identity
            .list_persons(request)
            .await
            .unwrap()
            .into_inner()
            .persons
            .is_empty()
    );

    let first = load(&mut admin, &school, files(USERS), false).await;
    assert_eq!(
        errors(&first),
        errors(&dry),
        "a dry run reports what a load would"
    );
    assert_eq!(
        errors(&first),
        [
            ("users.csv".into(), 5, "role".into()),
            ("users.csv".into(), 6, "givenName".into()),
            ("users.csv".into(), 7, "email".into()),
            ("classes.csv".into(), 4, "grades".into()),
            ("classes.csv".into(), 6, "classType".into()),
            ("enrollments.csv".into(), 5, "classSourcedId".into()),
            ("enrollments.csv".into(), 6, "beginDate".into()),
        ]
    );
    // 4 people, 1 class, 2 enrollments, 1 class teacher, and from the two
    // scheduled classes: a subject for the whole class, a subject with a
    // group, and a teaching assignment for each.
    assert_eq!((first.created, first.updated), (11, 1), "{first:?}");

    // The loaded class, its students, its class teacher and the guardian link.
    let classes = admin
        .identity
        .list_classes(admin.request(identity::ListClassesRequest {
            school_id: school.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .classes;
    let class = classes
        .iter()
        .find(|c| c.grade_level == 7 && c.letter == "В")
        .expect("class 7В");
    assert!(!class.class_teacher_id.is_empty());
    let students = admin
        .identity
        .list_class_students(admin.request(identity::ListClassStudentsRequest {
            class_id: class.id.clone(),
            date: "2026-10-01".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .students;
    let mut names: Vec<&str> = students.iter().map(|s| s.family_name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Громова", "Дымов"]);
    let alisa = students
        .iter()
        .find(|s| s.family_name == "Громова")
        .unwrap();
    let guardians = admin
        .identity
        .list_persons(admin.request(identity::ListPersonsRequest {
            school_id: school.clone(),
            kind: identity::PersonKind::Guardian.into(),
            name_query: "галина".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .persons;
    assert_eq!(
        guardians[0].email, "galina@gromovy.test",
        "the roster's address, its domain lower-cased"
    );
    let links = admin
        .identity
        .list_guardianships(admin.request(identity::ListGuardianshipsRequest {
            guardian_id: guardians[0].id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .guardianships;
    assert_eq!(
        links
            .iter()
            .map(|l| l.student_id.as_str())
            .collect::<Vec<_>>(),
        [alisa.id.as_str()]
    );

    // The scheduled classes became the teacher's assignments: algebra for the
    // whole class, English for the group of the one student enrolled in it.
    let assignments = admin
        .identity
        .list_teaching_assignments(admin.request(identity::ListTeachingAssignmentsRequest {
            school_id: school.clone(),
            class_id: class.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .teaching_assignments;
    assert_eq!(assignments.len(), 2, "{assignments:?}");
    assert!(
        assignments
            .iter()
            .all(|a| a.teacher_id == class.class_teacher_id)
    );
    let groups = admin
        .identity
        .list_groups(admin.request(identity::ListGroupsRequest {
            class_id: class.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .groups;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, "Английский 7В гр. 1");
    assert_eq!(groups[0].student_ids, std::slice::from_ref(&alisa.id));
    let mut audiences: Vec<&str> = assignments.iter().map(|a| a.group_id.as_str()).collect();
    audiences.sort();
    assert_eq!(audiences, ["", groups[0].id.as_str()]);

    // The same files again: nothing changes.
    let again = load(&mut admin, &school, files(USERS), false).await;
    assert_eq!((again.created, again.updated), (0, 0), "{again:?}");
    assert_eq!(again.unchanged, first.created + first.updated);

    // A corrected name updates the person it loaded before.
    let renamed = USERS.replace(
        "u-2,active,2026-09-01T00:00:00Z,true,org-1,student,,,Борис,Дымов",
        "u-2,active,2026-09-01T00:00:00Z,true,org-1,student,,,Борис,Дымков",
    );
    let corrected = load(&mut admin, &school, files(&renamed), false).await;
    assert_eq!(
        (corrected.created, corrected.updated),
        (0, 1),
        "{corrected:?}"
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn only_the_schools_administrators_load_rosters() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let channel = tonic::transport::Endpoint::from_shared(
        sandbox.suite().url_of("identity").unwrap().to_owned(),
    )
    .unwrap()
    .connect()
    .await
    .unwrap();
    let mut identity = identity::identity_service_client::IdentityServiceClient::new(channel);
    let token = identity
        .login(identity::LoginRequest {
            login: "teacher".into(),
            password: "uchitel-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let mut request = tonic::Request::new(identity::ImportRosterRequest {
        school_id: sandbox.demo.school_id.clone(),
        files: files(USERS),
        validate_only: false,
    });
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    assert_eq!(
        identity.import_roster(request).await.unwrap_err().code(),
        tonic::Code::NotFound
    );
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn moving_a_student_keeps_the_class_history() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = sandbox.demo.school_id.clone();
    let student = sandbox.demo.student_ids[0].clone();
    let mut admin = sandbox.admin().await.unwrap();
    let old_class = admin
        .identity
        .list_classes(admin.request(identity::ListClassesRequest {
            school_id: school.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .classes
        .remove(0);
    let new_class = admin
        .identity
        .create_class(admin.request(identity::CreateClassRequest {
            school_id: school.clone(),
            grade_level: old_class.grade_level,
            letter: "Я".into(),
            academic_year: old_class.academic_year,
            class_teacher_id: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .class
        .unwrap();
    let move_day = "2026-11-02";
    admin
        .identity
        .enroll_student(admin.request(identity::EnrollStudentRequest {
            student_id: student.clone(),
            class_id: new_class.id.clone(),
            start_date: move_day.into(),
        }))
        .await
        .unwrap();

    // The guardian reads the history, a page at a time.
    let mut identity = admin.identity.clone();
    let guardian = identity
        .login(identity::LoginRequest {
            login: "parent".into(),
            password: "roditel-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let mut history = Vec::new();
    let mut page_token = String::new();
    loop {
        let mut request = tonic::Request::new(identity::ListStudentMembershipsRequest {
            student_id: student.clone(),
            page_size: 1,
            page_token,
        });
        request.metadata_mut().insert(
            "authorization",
            format!("Bearer {guardian}").parse().unwrap(),
        );
        let page = identity
            .list_student_memberships(request)
            .await
            .unwrap()
            .into_inner();
        history.extend(page.memberships);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let spans: Vec<(&str, &str)> = history
        .iter()
        .map(|m| (m.class_id.as_str(), m.end_date.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            (old_class.id.as_str(), move_day),
            (new_class.id.as_str(), "")
        ]
    );
    assert_eq!(history[1].start_date, move_day);

    // The old class lists the student before the move, not after.
    let on = |date: &str| {
        admin.request(identity::ListClassStudentsRequest {
            class_id: old_class.id.clone(),
            date: date.into(),
            ..Default::default()
        })
    };
    let before = identity
        .list_class_students(on("2026-10-15"))
        .await
        .unwrap();
    assert!(before.into_inner().students.iter().any(|s| s.id == student));
    let after = identity
        .list_class_students(on("2026-11-15"))
        .await
        .unwrap();
    assert!(!after.into_inner().students.iter().any(|s| s.id == student));

    // Another family's guardian learns nothing, not even that the student exists.
    let stranger = identity
        .login(identity::LoginRequest {
            login: "parent2".into(),
            password: "roditel2-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let mut request = tonic::Request::new(identity::ListStudentMembershipsRequest {
        student_id: student.clone(),
        ..Default::default()
    });
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {stranger}").parse().unwrap(),
    );
    let refused = identity
        .list_student_memberships(request)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::NotFound);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn families_see_the_schools_staff_names_and_subjects_only() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let admin = sandbox.admin().await.unwrap();
    let mut identity = admin.identity.clone();
    let guardian = identity
        .login(identity::LoginRequest {
            login: "parent".into(),
            password: "roditel-demo".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;
    let mut request = tonic::Request::new(identity::GetSchoolDirectoryRequest {
        school_id: sandbox.demo.school_id.clone(),
    });
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {guardian}").parse().unwrap(),
    );
    let directory = identity
        .get_school_directory(request)
        .await
        .unwrap()
        .into_inner();
    let names: Vec<&str> = directory
        .staff
        .iter()
        .map(|entry| entry.family_name.as_str())
        .collect();
    assert_eq!(
        names,
        ["Васильева", "Иванова"],
        "the deputy head and the teacher"
    );
    assert_eq!(
        directory.subjects.len(),
        sandbox.demo.subject_ids.len(),
        "{directory:?}"
    );
    // Students and guardians are not staff, so they are not listed.
    assert!(
        directory
            .staff
            .iter()
            .all(|entry| !sandbox.demo.student_ids.contains(&entry.person_id))
    );
    sandbox.stop().await.unwrap();
}
