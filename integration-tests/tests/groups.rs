//! Groups within a class: a teacher assigned to one group teaches only its students.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::with_token;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::identity::v1 as identity;
use tonic::Code;

#[tokio::test]
async fn a_group_teacher_teaches_only_the_group() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let school = sandbox.demo.school_id.clone();
    let students = sandbox.demo.student_ids.clone();
    let mut admin = sandbox.admin().await.unwrap();
    let class = admin
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

    // Someone not in the class cannot be put in its group.
    let outsider = admin
        .identity
        .create_person(admin.request(identity::CreatePersonRequest {
            school_id: school.clone(),
            kind: identity::PersonKind::Student.into(),
            family_name: "Посторонний".into(),
            given_name: "Пётр".into(),
            middle_name: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .person
        .unwrap()
        .id;
    let refused = admin
        .identity
        .create_group(admin.request(identity::CreateGroupRequest {
            class_id: class.id.clone(),
            name: "Английский 1".into(),
            student_ids: vec![students[0].clone(), outsider],
        }))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::InvalidArgument);

    let group = admin
        .identity
        .create_group(admin.request(identity::CreateGroupRequest {
            class_id: class.id.clone(),
            name: "Английский 1".into(),
            student_ids: vec![students[0].clone(), students[1].clone()],
        }))
        .await
        .unwrap()
        .into_inner()
        .group
        .unwrap();
    let english = admin
        .identity
        .create_subject(admin.request(identity::CreateSubjectRequest {
            school_id: school.clone(),
            name: "Английский язык".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .subject
        .unwrap()
        .id;
    let teacher = admin
        .identity
        .create_person(admin.request(identity::CreatePersonRequest {
            school_id: school.clone(),
            kind: identity::PersonKind::Staff.into(),
            family_name: "Смит".into(),
            given_name: "Джейн".into(),
            middle_name: String::new(),
        }))
        .await
        .unwrap()
        .into_inner()
        .person
        .unwrap()
        .id;
    admin
        .identity
        .grant_staff_role(admin.request(identity::GrantStaffRoleRequest {
            person_id: teacher.clone(),
            school_id: school.clone(),
            role: identity::StaffRole::Teacher.into(),
        }))
        .await
        .unwrap();
    admin
        .identity
        .create_teaching_assignment(admin.request(identity::CreateTeachingAssignmentRequest {
            teacher_id: teacher.clone(),
            class_id: class.id.clone(),
            subject_id: english.clone(),
            group_id: group.id.clone(),
        }))
        .await
        .unwrap();
    admin
        .identity
        .set_credentials(admin.request(identity::SetCredentialsRequest {
            person_id: teacher,
            login: "smith".into(),
            password: "english-teacher-1".into(),
        }))
        .await
        .unwrap();
    let token = admin
        .identity
        .login(identity::LoginRequest {
            login: "smith".into(),
            password: "english-teacher-1".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .access_token;

    let channel = tonic::transport::Endpoint::from_shared(
        sandbox.suite().url_of("gradebook").unwrap().to_owned(),
    )
    .unwrap()
    .connect()
    .await
    .unwrap();
    let mut marks = gradebook::gradebook_service_client::GradebookServiceClient::new(channel);
    let mark_for = |student: &str| gradebook::CreateMarkRequest {
        student_id: student.into(),
        subject_id: english.clone(),
        lesson_date: "2026-11-20".into(),
        value: "5".into(),
        ..Default::default()
    };
    assert!(
        marks
            .create_mark(with_token(&token, mark_for(&students[0])))
            .await
            .is_ok()
    );
    let outside = marks
        .create_mark(with_token(&token, mark_for(&students[3])))
        .await
        .unwrap_err();
    assert_eq!(
        outside.code(),
        Code::NotFound,
        "not in the group: as if absent"
    );
    let read = marks
        .list_student_marks(with_token(
            &token,
            gradebook::ListStudentMarksRequest {
                student_id: students[3].clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(read.code(), Code::NotFound);

    // The group, as its teacher sees it.
    let groups = admin
        .identity
        .list_groups(with_token(
            &token,
            identity::ListGroupsRequest {
                class_id: class.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .groups;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].student_ids.len(), 2);
    sandbox.stop().await.unwrap();
}
