//! Homework through the real services, in the demo school: a teacher sets
//! it with a file, a student hands in work, the teacher marks it in
//! gradebook, and the diary week shows it all; those who may not are refused.

use chrono::{Datelike, Days, NaiveDate};
use otmetka_integration_tests::school::{sign_in, violated_fields, with_token};
use otmetka_integration_tests::{DEMO_LOGINS, Sandbox};
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::schedule::v1 as pb;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use sha2::{Digest, Sha256};
use tonic::Code;
use tonic::transport::Channel;

async fn demo_token(identity: &mut IdentityServiceClient<Channel>, name: &str) -> String {
    let demo = DEMO_LOGINS.iter().find(|d| d.login == name).unwrap();
    sign_in(identity, demo.login, demo.password).await
}

/// A new staff member of the school with a role, signed in.
async fn staff(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    school: &str,
    family: &str,
    role: identity::StaffRole,
) -> (String, String) {
    let person = identity
        .create_person(with_token(
            city,
            identity::CreatePersonRequest {
                school_id: school.into(),
                kind: identity::PersonKind::Staff.into(),
                family_name: family.into(),
                given_name: "Тест".into(),
                middle_name: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .person
        .unwrap()
        .id;
    identity
        .grant_staff_role(with_token(
            city,
            identity::GrantStaffRoleRequest {
                person_id: person.clone(),
                school_id: school.into(),
                role: role.into(),
            },
        ))
        .await
        .unwrap();
    let login_name = format!("hw-{}", uuid::Uuid::now_v7().simple());
    identity
        .set_credentials(with_token(
            city,
            identity::SetCredentialsRequest {
                person_id: person.clone(),
                login: login_name.clone(),
                password: "homework-password-1".into(),
            },
        ))
        .await
        .unwrap();
    let token = sign_in(identity, &login_name, "homework-password-1").await;
    (person, token)
}

fn file_header(
    school: &str,
    name: &str,
    content_type: &str,
    bytes: &[u8],
) -> pb::UploadAttachmentHeader {
    pb::UploadAttachmentHeader {
        school_id: school.into(),
        file_name: name.into(),
        content_type: content_type.into(),
        size_bytes: bytes.len() as i64,
        sha256: Sha256::digest(bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
        request_id: String::new(),
    }
}

async fn upload(
    schedule: &mut ScheduleServiceClient<Channel>,
    token: &str,
    header: pb::UploadAttachmentHeader,
    bytes: &[u8],
) -> Result<pb::Attachment, tonic::Status> {
    let mut messages = vec![pb::UploadAttachmentRequest {
        part: Some(pb::upload_attachment_request::Part::Header(header)),
    }];
    for chunk in bytes.chunks(7) {
        messages.push(pb::UploadAttachmentRequest {
            part: Some(pb::upload_attachment_request::Part::Chunk(chunk.to_vec())),
        });
    }
    schedule
        .upload_attachment(with_token(token, tokio_stream::iter(messages)))
        .await
        .map(|answer| answer.into_inner().attachment.unwrap())
}

async fn download(
    schedule: &mut ScheduleServiceClient<Channel>,
    token: &str,
    school: &str,
    id: &str,
) -> Result<(pb::Attachment, Vec<u8>), tonic::Status> {
    let mut stream = schedule
        .download_attachment(with_token(
            token,
            pb::DownloadAttachmentRequest {
                school_id: school.into(),
                attachment_id: id.into(),
                offset: 0,
            },
        ))
        .await?
        .into_inner();
    let mut header = None;
    let mut bytes = Vec::new();
    while let Some(message) = stream.message().await? {
        match message.part {
            Some(pb::download_attachment_response::Part::Attachment(file)) => header = Some(file),
            Some(pb::download_attachment_response::Part::Chunk(chunk)) => bytes.extend(chunk),
            None => {}
        }
    }
    Ok((header.expect("a header first"), bytes))
}

#[tokio::test]
async fn homework_files_submissions_marks_and_the_week() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let demo = sandbox.demo.clone();
    let school = demo.school_id.clone();
    let mut identity = IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let mut schedule = sandbox.schedule().await.unwrap();
    let mut marks = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
    let city = sign_in(
        &mut identity,
        otmetka_integration_tests::ADMIN_LOGIN,
        otmetka_integration_tests::ADMIN_PASSWORD,
    )
    .await;
    let teacher = demo_token(&mut identity, "teacher").await;
    let student = demo_token(&mut identity, "student").await;
    let parent = demo_token(&mut identity, "parent").await;
    let parent2 = demo_token(&mut identity, "parent2").await;
    let child = demo.student_ids[0].clone();
    let (_, deputy) = staff(
        &mut identity,
        &city,
        &school,
        "Завуч",
        identity::StaffRole::DeputyHead,
    )
    .await;

    // The demo class, its teacher and a subject; another class with its
    // own teacher of the same subject.
    let classes = identity
        .list_classes(with_token(
            &city,
            identity::ListClassesRequest {
                school_id: school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .classes;
    let class_5a = classes[0].clone();
    let teacher_id = class_5a.class_teacher_id.clone();
    let subjects = identity
        .list_subjects(with_token(
            &city,
            identity::ListSubjectsRequest {
                school_id: school.clone(),
                page_size: 100,
                page_token: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .subjects;
    let subject = subjects[0].clone();
    let class_6b = identity
        .create_class(with_token(
            &city,
            identity::CreateClassRequest {
                school_id: school.clone(),
                grade_level: 6,
                letter: "Б".into(),
                academic_year: class_5a.academic_year,
                class_teacher_id: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .class
        .unwrap()
        .id;
    let (other_teacher_id, other_teacher) = staff(
        &mut identity,
        &city,
        &school,
        "Чужой",
        identity::StaffRole::Teacher,
    )
    .await;
    identity
        .create_teaching_assignment(with_token(
            &city,
            identity::CreateTeachingAssignmentRequest {
                teacher_id: other_teacher_id.clone(),
                class_id: class_6b.clone(),
                subject_id: subject.id.clone(),
                group_id: String::new(),
            },
        ))
        .await
        .unwrap();

    // The calendar around today, and lessons by hand: gradebook accepts
    // marks for days within its edit window, not in the future.
    // The demo school keeps Moscow time, UTC+3 all year.
    let today = otmetka_integration_tests::SANDBOX_TODAY;
    let year_start = otmetka_platform::time::academic_year_start(today);
    let year = schedule
        .create_academic_year(with_token(
            &deputy,
            pb::CreateAcademicYearRequest {
                academic_year: Some(pb::AcademicYear {
                    school_id: school.clone(),
                    name: format!("{}/{}", year_start.year(), year_start.year() + 1),
                    start_date: year_start.to_string(),
                    end_date: NaiveDate::from_ymd_opt(year_start.year() + 1, 8, 31)
                        .unwrap()
                        .to_string(),
                    ..Default::default()
                }),
                request_id: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .academic_year
        .unwrap()
        .id;
    let lesson =
        |class: &str, teacher: &str, date: NaiveDate, number: i32| pb::CreateLessonRequest {
            lesson: Some(pb::Lesson {
                school_id: school.clone(),
                academic_year_id: year.clone(),
                class_id: class.into(),
                subject_id: subject.id.clone(),
                teacher_id: teacher.into(),
                date: date.to_string(),
                lesson_number: number,
                start_time: "09:00".into(),
                end_time: "09:45".into(),
                ..Default::default()
            }),
            request_id: String::new(),
        };
    let set_on = today - Days::new(1);
    let due_on = today + Days::new(2);
    let mut lessons = Vec::new();
    for request in [
        lesson(&class_5a.id, &teacher_id, today - Days::new(3), 1),
        lesson(&class_5a.id, &teacher_id, set_on, 2),
        lesson(&class_5a.id, &teacher_id, due_on, 2),
        lesson(&class_6b, &other_teacher_id, due_on, 3),
    ] {
        lessons.push(
            schedule
                .create_lesson(with_token(&deputy, request))
                .await
                .unwrap()
                .into_inner()
                .lesson
                .unwrap()
                .id,
        );
    }
    let (earlier, set_lesson, due_lesson, other_class_lesson) = (
        lessons[0].clone(),
        lessons[1].clone(),
        lessons[2].clone(),
        lessons[3].clone(),
    );

    // Files: the allow-list, the size limit, and the checksum.
    let task = "Решить задачи № 1–5 на странице 42.".as_bytes();
    let exe = b"MZ\x90\x00\x03\x00\x00\x00";
    let refused = upload(
        &mut schedule,
        &teacher,
        file_header(&school, "игра.exe", "application/x-msdownload", exe),
        exe,
    )
    .await
    .unwrap_err();
    assert_eq!(violated_fields(&refused), ["header.content_type"]);
    let disguised = upload(
        &mut schedule,
        &teacher,
        file_header(&school, "задание.pdf", "application/pdf", exe),
        exe,
    )
    .await
    .unwrap_err();
    assert_eq!(violated_fields(&disguised), ["header.content_type"]);
    let too_big = pb::UploadAttachmentHeader {
        size_bytes: 21 * 1024 * 1024,
        ..file_header(&school, "большой.txt", "text/plain", task)
    };
    let refused = upload(&mut schedule, &teacher, too_big, task)
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&refused), ["header.size_bytes"]);
    let wrong_sum = pb::UploadAttachmentHeader {
        sha256: "0".repeat(64),
        ..file_header(&school, "задание.txt", "text/plain", task)
    };
    let refused = upload(&mut schedule, &teacher, wrong_sum, task)
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&refused), ["header.sha256"]);
    let refused = upload(
        &mut schedule,
        &parent,
        file_header(&school, "задание.txt", "text/plain", task),
        task,
    )
    .await
    .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound, "guardians upload nothing");
    let file = upload(
        &mut schedule,
        &teacher,
        file_header(&school, "задание.txt", "text/plain; charset=utf-8", task),
        task,
    )
    .await
    .unwrap();
    assert_eq!(file.content_type, "text/plain");
    let unattached = download(&mut schedule, &student, &school, &file.id)
        .await
        .unwrap_err();
    assert_eq!(
        unattached.code(),
        Code::NotFound,
        "only its uploader reads it yet"
    );

    // Homework on a lesson, due on a later one, and the mistakes refused.
    let homework = |due: &str, files: Vec<String>| pb::CreateHomeworkRequest {
        homework: Some(pb::Homework {
            school_id: school.clone(),
            lesson_id: set_lesson.clone(),
            due_lesson_id: due.into(),
            text: "Задачи на дроби".into(),
            attachment_ids: files,
            submission_required: true,
            ..Default::default()
        }),
        request_id: String::new(),
    };
    for due in [&earlier, &other_class_lesson] {
        let refused = schedule
            .create_homework(with_token(&teacher, homework(due, vec![])))
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&refused), ["homework.due_lesson_id"]);
    }
    for token in [&other_teacher, &parent] {
        let refused = schedule
            .create_homework(with_token(token, homework(&due_lesson, vec![])))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    }
    let set = schedule
        .create_homework(with_token(
            &teacher,
            homework(&due_lesson, vec![file.id.clone()]),
        ))
        .await
        .unwrap()
        .into_inner()
        .homework
        .unwrap();
    assert_eq!(set.due_date, due_on.to_string());
    assert_eq!(set.attachment_ids, std::slice::from_ref(&file.id));
    for id in [&set_lesson, &due_lesson] {
        let lesson = schedule
            .get_lesson(with_token(
                &student,
                pb::GetLessonRequest {
                    school_id: school.clone(),
                    id: id.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .lesson
            .unwrap();
        assert!(lesson.has_homework, "homework keeps its lessons");
    }
    for token in [&student, &parent, &parent2] {
        let (header, bytes) = download(&mut schedule, token, &school, &file.id)
            .await
            .unwrap();
        assert_eq!(
            (header.file_name.as_str(), bytes.as_slice()),
            ("задание.txt", task)
        );
    }
    let listed = schedule
        .list_homework(with_token(
            &parent,
            pb::ListHomeworkRequest {
                school_id: school.clone(),
                student_id: child.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .homework;
    assert_eq!(listed.len(), 1);

    // The student hands in work with a file; a guardian may not.
    let answer = "Ответ: 3/4".as_bytes();
    let answer_file = upload(
        &mut schedule,
        &student,
        file_header(&school, "ответ.txt", "text/plain", answer),
        answer,
    )
    .await
    .unwrap();
    let submission = |student_id: &str, files: Vec<String>| pb::CreateSubmissionRequest {
        submission: Some(pb::Submission {
            school_id: school.clone(),
            homework_id: set.id.clone(),
            student_id: student_id.into(),
            text: "Готово".into(),
            attachment_ids: files,
            ..Default::default()
        }),
        request_id: String::new(),
    };
    let refused = schedule
        .create_submission(with_token(&parent, submission(&child, vec![])))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    let handed_in = schedule
        .create_submission(with_token(
            &student,
            submission(&child, vec![answer_file.id.clone()]),
        ))
        .await
        .unwrap()
        .into_inner()
        .submission
        .unwrap();
    assert_eq!(handed_in.status, pb::SubmissionStatus::Submitted as i32);
    let again = schedule
        .create_submission(with_token(&student, submission(&child, vec![])))
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists);
    download(&mut schedule, &parent, &school, &answer_file.id)
        .await
        .expect("the student's guardian reads the work");
    let stranger = download(&mut schedule, &parent2, &school, &answer_file.id)
        .await
        .unwrap_err();
    assert_eq!(stranger.code(), Code::NotFound, "another family does not");

    // The teacher marks it in gradebook, records attendance, links the mark.
    let mark = marks
        .create_mark(with_token(
            &teacher,
            gradebook::CreateMarkRequest {
                student_id: child.clone(),
                subject_id: subject.id.clone(),
                lesson_date: set_on.to_string(),
                lesson_id: set_lesson.clone(),
                value: "5".into(),
                comment: "Молодец".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .mark
        .unwrap();
    marks
        .set_attendance(with_token(
            &teacher,
            gradebook::SetAttendanceRequest {
                record: Some(gradebook::AttendanceRecord {
                    school_id: school.clone(),
                    student_id: child.clone(),
                    lesson_id: set_lesson.clone(),
                    subject_id: subject.id.clone(),
                    lesson_date: set_on.to_string(),
                    kind: gradebook::AttendanceKind::Late.into(),
                    late_minutes: 10,
                    reason: "Автобус".into(),
                    ..Default::default()
                }),
            },
        ))
        .await
        .unwrap();
    let mark_it = pb::MarkSubmissionRequest {
        school_id: school.clone(),
        submission_id: handed_in.id.clone(),
        mark_id: mark.id.clone(),
        comment: "Хорошо".into(),
    };
    let refused = schedule
        .mark_submission(with_token(&other_teacher, mark_it.clone()))
        .await
        .unwrap_err();
    assert!(
        matches!(refused.code(), Code::NotFound | Code::PermissionDenied),
        "{refused:?}"
    );
    for _ in 0..2 {
        let marked = schedule
            .mark_submission(with_token(&teacher, mark_it.clone()))
            .await
            .unwrap()
            .into_inner()
            .submission
            .unwrap();
        assert_eq!(marked.status, pb::SubmissionStatus::Marked as i32);
        assert_eq!(marked.mark_id, mark.id);
    }
    let locked = schedule
        .update_submission(with_token(
            &student,
            pb::UpdateSubmissionRequest {
                submission: Some(pb::Submission {
                    school_id: school.clone(),
                    id: handed_in.id.clone(),
                    text: "Исправлено".into(),
                    ..Default::default()
                }),
                update_mask: Some(prost_types::FieldMask {
                    paths: vec!["text".into()],
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(locked.code(), Code::FailedPrecondition);

    // The week: names, homework set and due, the mark and the attendance.
    let week = |date: NaiveDate| pb::GetStudentWeekRequest {
        school_id: school.clone(),
        student_id: child.clone(),
        date: date.to_string(),
    };
    let find = |week: &pb::GetStudentWeekResponse, id: &str| {
        week.days
            .iter()
            .flat_map(|day| day.lessons.iter())
            .find(|lesson| lesson.lesson_id == id)
            .cloned()
            .unwrap_or_else(|| panic!("lesson {id} in the week"))
    };
    let diary = schedule
        .get_student_week(with_token(&parent, week(set_on)))
        .await
        .unwrap()
        .into_inner();
    assert!(!diary.marks_unavailable);
    let shown = find(&diary, &set_lesson);
    assert_eq!(shown.subject_name, subject.name);
    assert_eq!(shown.teacher_name, "Иванова Мария Петровна");
    assert_eq!(shown.homework_set.len(), 1);
    assert_eq!(
        shown.homework_set[0].submission_status,
        pb::SubmissionStatus::Marked as i32
    );
    assert_eq!(shown.homework_set[0].attachments.len(), 1);
    let values: Vec<(&str, &str)> = shown
        .marks
        .iter()
        .map(|mark| (mark.value.as_str(), mark.comment.as_str()))
        .collect();
    assert_eq!(values, [("5", "Молодец")]);
    assert_eq!(shown.attendance, pb::DiaryAttendanceStatus::Late as i32);
    assert_eq!(shown.attendance_reason, "Автобус");
    let later = schedule
        .get_student_week(with_token(&student, week(due_on)))
        .await
        .unwrap()
        .into_inner();
    let due = find(&later, &due_lesson);
    assert_eq!(due.homework_due.len(), 1);
    assert_eq!(due.homework_due[0].homework_id, set.id);
    assert_eq!(due.homework_due[0].set_on_lesson_id, set_lesson);

    // Without gradebook the week still shows, and says marks are missing.
    let (listener, url) = {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        (listener, url)
    };
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let nowhere = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let files = tempfile::tempdir().unwrap();
    let shutdown = tokio_util::sync::CancellationToken::new();
    let settings = otmetka_schedule::Settings {
        database: sandbox.suite_storage().database("schedule"),
        limits: Default::default(),
        identity_url: sandbox.suite().url_of("identity").unwrap().to_owned(),
        attachments_dir: files.path().to_owned(),
        max_attachment_bytes: 1024,
        gradebook_url: nowhere,
        credentials: sandbox.suite().schedule_credentials.clone(),
        clock: sandbox.suite().clock,
    };
    let alone = tokio::spawn(otmetka_schedule::run(settings, listener, shutdown.clone()));
    let mut cut_off = ScheduleServiceClient::new(
        tonic::transport::Endpoint::from_shared(url)
            .unwrap()
            .connect_lazy(),
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let diary = loop {
        match cut_off
            .get_student_week(with_token(&parent, week(set_on)))
            .await
        {
            Ok(answer) => break answer.into_inner(),
            Err(status) => {
                assert!(std::time::Instant::now() < deadline, "{status:?}");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }
    };
    assert!(diary.marks_unavailable);
    let shown = find(&diary, &set_lesson);
    assert!(shown.marks.is_empty());
    assert_eq!(shown.homework_set.len(), 1, "the rest of the week is whole");
    shutdown.cancel();
    alone.await.unwrap().unwrap();
    sandbox.stop().await.unwrap();
}
