//! The vendor API of import: the roster pull of granted schools, page by
//! page, with the vendor's own ids, and the id mappings behind them.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{
    SchoolBuilder, Term, vendor_client, violated_fields, with_token,
};
use otmetka_proto::common::v1::RecordRefusal;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::import::v1 as import;
use otmetka_proto::import::v1::import_service_client::ImportServiceClient;
use tonic::Code;
use tonic::transport::Channel;

/// A vendor client with `scopes`, granted `school` if given: its id and token.
async fn vendor(
    identity: &mut IdentityServiceClient<Channel>,
    city: &str,
    scopes: &[&str],
    school: Option<&str>,
) -> (String, String) {
    let client = vendor_client(identity, city, "Другой журнал", scopes, school).await;
    (client.id, client.token)
}

/// Every item of a roster list, `size` at a time, and how many pages it took.
macro_rules! every_page {
    ($import:expr, $token:expr, $method:ident, $request:expr, $items:ident) => {{
        let mut items = Vec::new();
        let mut pages = 0;
        let mut page_token = String::new();
        loop {
            let mut request = $request.clone();
            request.page_token = page_token;
            let reply = $import
                .$method(with_token($token, request))
                .await
                .unwrap()
                .into_inner();
            pages += 1;
            items.extend(reply.$items);
            if reply.next_page_token.is_empty() {
                break;
            }
            page_token = reply.next_page_token;
        }
        (items, pages)
    }};
}

struct Fixture {
    sandbox: Sandbox,
    builder: SchoolBuilder,
    import: ImportServiceClient<Channel>,
    class_5a: String,
    class_6b: String,
    students: Vec<String>,
    teacher: String,
    /// Daily English lessons of 5А around today, in a quarter.
    term: Term,
}

async fn fixture() -> Fixture {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut b = SchoolBuilder::new(&sandbox, "Школа для вендоров")
        .await
        .unwrap();
    let teacher = b.staff("Учитель", identity::StaffRole::Teacher).await;
    let class_5a = b.class(5, "А", &teacher).await;
    let class_6b = b.class(6, "Б", "").await;
    let mut students = Vec::new();
    for (class, family) in [
        (&class_5a, "Алексеев"),
        (&class_5a, "Борисов"),
        (&class_5a, "Васильев"),
        (&class_6b, "Григорьев"),
        (&class_6b, "Дмитриев"),
    ] {
        students.push(b.student_in(class, family).await);
    }
    let english = b.subject("Английский язык").await;
    b.subject("Математика").await;
    b.subject("История").await;
    b.teach(&teacher, &class_5a, &english).await;
    b.identity
        .create_group(with_token(
            &b.city,
            identity::CreateGroupRequest {
                class_id: class_5a.clone(),
                name: "Английский 1".into(),
                student_ids: students[..2].to_vec(),
            },
        ))
        .await
        .unwrap();
    let admin = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let manager = b.token_of(&admin, "import-school-admin").await;
    let term = b
        .term(&manager, &class_5a, &english, &teacher)
        .await
        .unwrap();
    let import = ImportServiceClient::new(sandbox.channel("import").await.unwrap());
    Fixture {
        term,
        sandbox,
        builder: b,
        import,
        class_5a,
        class_6b,
        students,
        teacher,
    }
}

#[tokio::test]
async fn a_granted_vendor_pulls_the_roster_page_by_page_with_its_own_ids() {
    let Fixture {
        sandbox,
        mut builder,
        mut import,
        class_5a,
        class_6b,
        students,
        teacher,
        term,
    } = fixture().await;
    let school = builder.school_id.clone();
    let city = builder.city.clone();
    let (_, token) = vendor(
        &mut builder.identity,
        &city,
        &["roster.read", "marks.write"],
        Some(&school),
    )
    .await;

    let granted = import
        .list_granted_schools(with_token(
            &token,
            import::ListGrantedSchoolsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner()
        .schools;
    assert_eq!(granted.len(), 1);
    assert_eq!(granted[0].school_id, school);
    assert_eq!(granted[0].name, "Школа для вендоров");
    assert_eq!(granted[0].time_zone, "Europe/Moscow");
    assert!(granted[0].grant_time.is_some());
    assert_eq!(
        granted[0].scopes,
        [
            i32::from(import::GrantScope::RosterRead),
            i32::from(import::GrantScope::MarksWrite)
        ]
    );

    let (classes, pages) = every_page!(
        import,
        &token,
        list_roster_classes,
        import::ListRosterClassesRequest {
            school_id: school.clone(),
            page_size: 1,
            ..Default::default()
        },
        classes
    );
    let mut names: Vec<_> = classes.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["5А", "6Б"]);
    assert!(pages >= 2);
    let five_a = classes.iter().find(|c| c.id == class_5a).unwrap();
    assert_eq!(five_a.class_teacher_id, teacher);
    assert_eq!(five_a.school_id, school);

    // Students run across classes, two at a time, each once, with their class.
    let (pulled, pages) = every_page!(
        import,
        &token,
        list_roster_students,
        import::ListRosterStudentsRequest {
            school_id: school.clone(),
            page_size: 2,
            ..Default::default()
        },
        students
    );
    assert_eq!(pages, 3);
    let mut ids: Vec<_> = pulled.iter().map(|s| s.id.clone()).collect();
    ids.sort();
    let mut expected = students.clone();
    expected.sort();
    assert_eq!(ids, expected);
    for student in &pulled {
        let class = if students[..3].contains(&student.id) {
            &class_5a
        } else {
            &class_6b
        };
        assert_eq!(&student.class_id, class, "{}", student.family_name);
        assert!(student.external_id.is_empty());
    }
    let (of_6b, _) = every_page!(
        import,
        &token,
        list_roster_students,
        import::ListRosterStudentsRequest {
            school_id: school.clone(),
            class_id: class_6b.clone(),
            page_size: 1,
            ..Default::default()
        },
        students
    );
    assert_eq!(of_6b.len(), 2);

    let (groups, _) = every_page!(
        import,
        &token,
        list_roster_groups,
        import::ListRosterGroupsRequest {
            school_id: school.clone(),
            page_size: 1,
            ..Default::default()
        },
        groups
    );
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].class_ids, std::slice::from_ref(&class_5a));
    let (subjects, pages) = every_page!(
        import,
        &token,
        list_roster_subjects,
        import::ListRosterSubjectsRequest {
            school_id: school.clone(),
            page_size: 2,
            ..Default::default()
        },
        subjects
    );
    assert_eq!((subjects.len(), pages), (3, 2));
    let (teachers, _) = every_page!(
        import,
        &token,
        list_roster_teachers,
        import::ListRosterTeachersRequest {
            school_id: school.clone(),
            page_size: 1,
            ..Default::default()
        },
        teachers
    );
    assert!(teachers.iter().any(|t| t.id == teacher));
    let (enrollments, _) = every_page!(
        import,
        &token,
        list_roster_enrollments,
        import::ListRosterEnrollmentsRequest {
            school_id: school.clone(),
            page_size: 1,
            ..Default::default()
        },
        enrollments
    );
    // The teacher's assignment first, then every student's membership.
    assert_eq!(enrollments.len(), 1 + students.len());
    assert_eq!(enrollments[0].person_id, teacher);
    assert_eq!(enrollments[0].class_id, class_5a);
    assert_eq!(
        enrollments[0].role,
        i32::from(import::EnrollmentRole::Teacher)
    );
    let mut enrolled: Vec<_> = enrollments[1..]
        .iter()
        .map(|e| {
            assert_eq!(e.role, i32::from(import::EnrollmentRole::Student));
            assert!(!e.start_date.is_empty() && e.end_date.is_empty());
            e.person_id.clone()
        })
        .collect();
    enrolled.sort();
    assert_eq!(enrolled, expected);
    let (of_6b, _) = every_page!(
        import,
        &token,
        list_roster_enrollments,
        import::ListRosterEnrollmentsRequest {
            school_id: school.clone(),
            class_id: class_6b.clone(),
            role: import::EnrollmentRole::Student.into(),
            page_size: 1,
            ..Default::default()
        },
        enrollments
    );
    assert_eq!(of_6b.len(), 2);
    assert!(of_6b.iter().all(|e| e.class_id == class_6b));

    // The calendar: periods and lessons, from schedule.
    let periods = import
        .list_roster_periods(with_token(
            &token,
            import::ListRosterPeriodsRequest {
                school_id: school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .periods;
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0].id, term.period.id);
    assert_eq!(periods[0].academic_year_id, term.academic_year_id);
    assert_eq!(periods[0].kind, i32::from(import::PeriodKind::Quarter));
    assert!(!periods[0].closed);
    let (lessons, pages) = every_page!(
        import,
        &token,
        list_roster_lessons,
        import::ListRosterLessonsRequest {
            school_id: school.clone(),
            from_date: term.period.start_date.clone(),
            to_date: term.period.end_date.clone(),
            page_size: 7,
            ..Default::default()
        },
        lessons
    );
    assert_eq!(lessons.len(), term.lessons.len());
    assert!(pages > 1);
    assert!(
        lessons
            .iter()
            .zip(&term.lessons)
            .all(|(pulled, lesson)| pulled.id == lesson.id
                && pulled.class_id == class_5a
                && pulled.teacher_id == teacher)
    );
    let too_long = import
        .list_roster_lessons(with_token(
            &token,
            import::ListRosterLessonsRequest {
                school_id: school.clone(),
                from_date: "2026-09-01".into(),
                to_date: "2027-05-31".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(too_long.code(), Code::InvalidArgument);

    // Mappings: one result per mapping, a bad one failing alone.
    let mapping = |kind: import::EntityType, external: &str, platform: &str| import::IdMapping {
        entity_type: kind.into(),
        external_id: external.into(),
        platform_id: platform.into(),
        ..Default::default()
    };
    let put = |mappings: Vec<import::IdMapping>| import::PutIdMappingsRequest {
        school_id: school.clone(),
        mappings,
    };
    let results = import
        .put_id_mappings(with_token(
            &token,
            put(vec![
                mapping(import::EntityType::Student, "STU-1", &students[0]),
                mapping(import::EntityType::Class, "5A", &class_5a),
                // A class is not a student.
                mapping(import::EntityType::Student, "STU-X", &class_5a),
                mapping(import::EntityType::Mark, "M-1", &students[0]),
                mapping(import::EntityType::Student, "STU-1", &students[1]),
                mapping(import::EntityType::School, "SCH", &school),
                mapping(import::EntityType::Lesson, "L-1", &term.lessons[0].id),
                mapping(import::EntityType::ReportingPeriod, "Q2", &term.period.id),
                // A lesson id is no period.
                mapping(
                    import::EntityType::ReportingPeriod,
                    "Q3",
                    &term.lessons[1].id,
                ),
                mapping(import::EntityType::Enrollment, "E-1", &enrollments[1].id),
            ]),
        ))
        .await
        .unwrap()
        .into_inner()
        .results;
    let outcome: Vec<_> = results
        .iter()
        .map(|r| {
            (
                import::MappingStatus::try_from(r.status).unwrap(),
                r.error.as_ref().map(|e| e.code.as_str()).unwrap_or(""),
            )
        })
        .collect();
    use import::MappingStatus::{Created, Rejected, Unchanged, Updated};
    assert_eq!(
        outcome,
        [
            (Created, ""),
            (Created, ""),
            (Rejected, "platform_id_not_found"),
            (Rejected, "entity_type_read_only"),
            (Rejected, "duplicate_in_request"),
            (Created, ""),
            (Created, ""),
            (Created, ""),
            (Rejected, "platform_id_not_found"),
            (Created, ""),
        ]
    );
    assert_eq!(
        results[2].error.as_ref().unwrap().field,
        "mappings[2].platform_id"
    );

    // The roster now carries the vendor's ids.
    let pulled = import
        .list_roster_students(with_token(
            &token,
            import::ListRosterStudentsRequest {
                school_id: school.clone(),
                class_id: class_5a.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .students;
    let first = pulled.iter().find(|s| s.id == students[0]).unwrap();
    assert_eq!(first.external_id, "STU-1");
    let granted = import
        .list_granted_schools(with_token(
            &token,
            import::ListGrantedSchoolsRequest::default(),
        ))
        .await
        .unwrap()
        .into_inner()
        .schools;
    assert_eq!(granted[0].external_id, "SCH");
    let first_lesson = import
        .list_roster_lessons(with_token(
            &token,
            import::ListRosterLessonsRequest {
                school_id: school.clone(),
                from_date: term.lessons[0].date.clone(),
                to_date: term.lessons[0].date.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .lessons;
    assert_eq!(first_lesson[0].external_id, "L-1");

    // Again is unchanged; the external id moved to another student is an
    // update; that student's platform id mapped again drops "STU-1".
    let again = import
        .put_id_mappings(with_token(
            &token,
            put(vec![
                mapping(import::EntityType::Class, "5A", &class_5a),
                mapping(import::EntityType::Student, "STU-1", &students[1]),
                mapping(import::EntityType::Student, "STU-2", &students[1]),
            ]),
        ))
        .await
        .unwrap()
        .into_inner()
        .results;
    let statuses: Vec<_> = again
        .iter()
        .map(|r| import::MappingStatus::try_from(r.status).unwrap())
        .collect();
    assert_eq!(statuses, [Unchanged, Updated, Rejected]);
    let listed = import
        .list_id_mappings(with_token(
            &token,
            import::ListIdMappingsRequest {
                school_id: school.clone(),
                entity_type: import::EntityType::Student.into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .mappings;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0].external_id.as_str(),
            listed[0].platform_id.as_str()
        ),
        ("STU-1", students[1].as_str())
    );
    let (all, pages) = every_page!(
        import,
        &token,
        list_id_mappings,
        import::ListIdMappingsRequest {
            school_id: school.clone(),
            page_size: 1,
            ..Default::default()
        },
        mappings
    );
    assert_eq!((all.len(), pages), (6, 6));
    let deleted = import
        .delete_id_mappings(with_token(
            &token,
            import::DeleteIdMappingsRequest {
                school_id: school.clone(),
                entity_type: import::EntityType::Student.into(),
                external_ids: vec!["STU-1".into(), "never-mapped".into()],
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .deleted_count;
    assert_eq!(deleted, 1);

    // Bad input names its field.
    let bad = import
        .list_roster_classes(with_token(
            &token,
            import::ListRosterClassesRequest {
                school_id: "5А".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), ["school_id"]);
    let bad = import
        .put_id_mappings(with_token(&token, put(vec![])))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), ["mappings"]);
    let bad = import
        .list_id_mappings(with_token(
            &token,
            import::ListIdMappingsRequest {
                school_id: school.clone(),
                entity_type: import::EntityType::Attendance.into(),
                platform_ids: vec!["STU-1".into()],
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), ["entity_type", "platform_ids"]);
    sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn only_granted_vendors_with_the_scope_get_anything() {
    let Fixture {
        sandbox,
        mut builder,
        mut import,
        students,
        ..
    } = fixture().await;
    let school = builder.school_id.clone();
    let city = builder.city.clone();
    let classes = |token: &str| {
        with_token(
            token,
            import::ListRosterClassesRequest {
                school_id: school.clone(),
                ..Default::default()
            },
        )
    };
    let granted_count = async |import: &mut ImportServiceClient<Channel>, token: &str| {
        import
            .list_granted_schools(with_token(
                token,
                import::ListGrantedSchoolsRequest::default(),
            ))
            .await
            .map(|reply| reply.into_inner().schools.len())
            .map_err(|status| status.code())
    };

    // Not granted: the school is as good as absent, and nothing is listed.
    let (_, stranger) = vendor(&mut builder.identity, &city, &["roster.read"], None).await;
    let refused = import
        .list_roster_classes(classes(&stranger))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    assert_eq!(granted_count(&mut import, &stranger).await, Ok(0));
    let put = import
        .put_id_mappings(with_token(
            &stranger,
            import::PutIdMappingsRequest {
                school_id: school.clone(),
                mappings: vec![import::IdMapping {
                    entity_type: import::EntityType::Student.into(),
                    external_id: "S".into(),
                    platform_id: students[0].clone(),
                    ..Default::default()
                }],
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(put.code(), Code::NotFound);

    // Granted, but its token may not read rosters.
    let (_, writer) = vendor(
        &mut builder.identity,
        &city,
        &["marks.write"],
        Some(&school),
    )
    .await;
    let refused = import
        .list_roster_classes(classes(&writer))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);

    // People are not vendors, not even the city operator.
    let teacher = builder.staff("Человек", identity::StaffRole::Teacher).await;
    let person = builder.token_of(&teacher, "import-person").await;
    for token in [&person, &city] {
        let refused = import
            .list_roster_classes(classes(token))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied);
        assert_eq!(
            granted_count(&mut import, token).await,
            Err(Code::PermissionDenied)
        );
    }

    // Withdrawing the grant takes effect on the next call.
    let (client_id, token) = vendor(
        &mut builder.identity,
        &city,
        &["roster.read"],
        Some(&school),
    )
    .await;
    assert!(import.list_roster_classes(classes(&token)).await.is_ok());
    assert_eq!(granted_count(&mut import, &token).await, Ok(1));
    builder
        .identity
        .revoke_vendor_access(with_token(
            &city,
            identity::RevokeVendorAccessRequest {
                school_id: school.clone(),
                client_id,
            },
        ))
        .await
        .unwrap();
    let refused = import
        .list_roster_classes(classes(&token))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    let refused = import
        .list_id_mappings(with_token(
            &token,
            import::ListIdMappingsRequest {
                school_id: school.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    assert_eq!(granted_count(&mut import, &token).await, Ok(0));
    sandbox.stop().await.unwrap();
}

/// Pushes one message of `operations` as `token`: its receipts.
async fn push(
    import: &mut ImportServiceClient<Channel>,
    token: &str,
    operations: Vec<import::RecordOperation>,
) -> Vec<import::Receipt> {
    let message = import::PushRecordsRequest {
        operations,
        ..Default::default()
    };
    let mut stream = import
        .push_records(with_token(token, tokio_stream::iter([message])))
        .await
        .unwrap()
        .into_inner();
    let receipts = stream.message().await.unwrap().expect("an answer").receipts;
    assert!(stream.message().await.unwrap().is_none());
    receipts
}

/// The refusal of a rejected receipt, both ways: the enum and the string
/// older clients read (and the field at fault).
fn refusal_of(receipt: &import::Receipt) -> (RecordRefusal, &str, &str) {
    assert_eq!(
        receipt.status(),
        import::ReceiptStatus::Rejected,
        "{receipt:?}"
    );
    let error = &receipt.errors[0];
    (error.refusal(), error.code.as_str(), error.field.as_str())
}

#[tokio::test]
async fn pushed_records_are_refused_with_the_refusal_named_both_ways_and_only_without_a_grant() {
    let Fixture {
        sandbox,
        mut builder,
        mut import,
        students,
        term,
        ..
    } = fixture().await;
    let school = builder.school_id.clone();
    let city = builder.city.clone();
    let lesson = term.lesson_on_or_before(otmetka_integration_tests::SANDBOX_TODAY);
    let scopes = ["roster.read", "marks.write"];
    let (_, granted) = vendor(&mut builder.identity, &city, &scopes, Some(&school)).await;
    let (_, stranger) = vendor(&mut builder.identity, &city, &scopes, None).await;
    import
        .put_id_mappings(with_token(
            &granted,
            import::PutIdMappingsRequest {
                school_id: school.clone(),
                mappings: vec![import::IdMapping {
                    entity_type: import::EntityType::Student.into(),
                    external_id: "S0".into(),
                    platform_id: students[0].clone(),
                    ..Default::default()
                }],
            },
        ))
        .await
        .unwrap();
    let mark =
        |key: &str, student: import::entity_ref::Reference, value: &str| import::RecordOperation {
            school_id: school.clone(),
            record_type: import::RecordType::Mark.into(),
            vendor_record_id: key.into(),
            revision: 1,
            action: import::RecordAction::Upsert.into(),
            payload: Some(import::record_operation::Payload::Mark(
                import::MarkRecord {
                    student: Some(import::EntityRef {
                        reference: Some(student),
                    }),
                    subject: Some(import::EntityRef {
                        reference: Some(import::entity_ref::Reference::Id(
                            lesson.subject_id.clone(),
                        )),
                    }),
                    date: lesson.date.clone(),
                    value: value.into(),
                    ..Default::default()
                },
            )),
            ..Default::default()
        };
    let external = |id: &str| import::entity_ref::Reference::ExternalId(id.into());
    let by_id = import::entity_ref::Reference::Id(students[1].clone());
    let operations = vec![
        mark("m-mapped", external("S0"), "5"),
        mark("m-by-id", by_id, "4"),
        mark("m-off-scale", external("S0"), "9"),
        mark("m-unmapped", external("nobody"), "5"),
    ];

    // Granted: each record is decided on its own, refusals named both ways.
    let receipts = push(&mut import, &granted, operations.clone()).await;
    assert_eq!(receipts[0].status(), import::ReceiptStatus::Accepted);
    assert_eq!(receipts[1].status(), import::ReceiptStatus::Accepted);
    assert_eq!(
        refusal_of(&receipts[2]),
        (RecordRefusal::OutOfScale, "OUT_OF_SCALE", "mark.value")
    );
    assert_eq!(
        refusal_of(&receipts[3]),
        (
            RecordRefusal::UnresolvedReference,
            "UNRESOLVED_REFERENCE",
            "mark.student"
        )
    );

    // Not granted: the same message is NOT_GRANTED throughout, in the same
    // words, whichever service refused the record.
    let receipts = push(&mut import, &stranger, operations).await;
    let refused: Vec<_> = receipts.iter().map(|r| r.errors.clone()).collect();
    for (receipt, errors) in receipts.iter().zip(&refused) {
        assert_eq!(
            refusal_of(receipt),
            (RecordRefusal::NotGranted, "NOT_GRANTED", "")
        );
        assert_eq!(errors, &refused[0]);
    }

    // Records that name only platform ids go to gradebook, which refuses
    // them alike.
    let receipts = push(
        &mut import,
        &stranger,
        vec![mark(
            "m-by-id",
            import::entity_ref::Reference::Id(students[1].clone()),
            "4",
        )],
    )
    .await;
    assert_eq!(
        refusal_of(&receipts[0]),
        (RecordRefusal::NotGranted, "NOT_GRANTED", "")
    );
    assert_eq!(receipts[0].errors, refused[0]);

    // The receipts read back: the granted vendor's, and a stranger's
    // school as good as absent.
    let keys = |ids: &[&str]| import::GetReceiptsRequest {
        school_id: school.clone(),
        keys: ids
            .iter()
            .map(|id| import::RecordKey {
                record_type: import::RecordType::Mark.into(),
                vendor_record_id: (*id).into(),
            })
            .collect(),
    };
    let stored = import
        .get_receipts(with_token(&granted, keys(&["m-mapped", "m-unmapped"])))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stored.receipts.len(), 1);
    assert_eq!(stored.receipts[0].vendor_record_id, "m-mapped");
    assert_eq!(stored.not_found.len(), 1);
    let refused = import
        .get_receipts(with_token(&stranger, keys(&["m-mapped"])))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::NotFound);
    sandbox.stop().await.unwrap();
}
