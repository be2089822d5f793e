//! Identity's calls in the matrix.

use super::*;

/// Asks identity whether the caller may take `action`: student actions on
/// the fixture's student, school actions on its school, class actions on 5А
/// in mathematics.
async fn check(f: &mut Fixture, token: &str, action: identity::Action) -> Result<(), Code> {
    let on_class = matches!(
        action,
        identity::Action::TeachClass | identity::Action::ReadClass
    );
    let request = if action == identity::Action::ActAsFamily {
        identity::CheckAccessRequest {
            action: action.into(),
            student_id: f.student.clone(),
            ..Default::default()
        }
    } else if on_class {
        identity::CheckAccessRequest {
            action: action.into(),
            class_id: f.class_5a.clone(),
            subject_id: f.mathematics.clone(),
            date: "2026-10-01".into(),
            ..Default::default()
        }
    } else {
        identity::CheckAccessRequest {
            action: action.into(),
            school_id: f.school.clone(),
            ..Default::default()
        }
    };
    ok(f.identity.check_access(with_token(token, request)).await)
}

/// Identity's calls on the fixture's school, class, student and family.
pub(super) async fn call_identity(
    f: &mut Fixture,
    rpc: Rpc,
    token: &str,
    unique: String,
    serial: usize,
) -> Result<(), Code> {
    match rpc {
        Rpc::CheckAccess => ok(f
            .identity
            .check_access(with_token(
                token,
                identity::CheckAccessRequest {
                    action: identity::Action::ReadStudentRecord.into(),
                    student_id: f.student.clone(),
                    subject_id: String::new(),
                    date: "2026-10-01".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CheckReadSchool => check(f, token, identity::Action::ReadSchool).await,
        Rpc::CheckManageSchedule => check(f, token, identity::Action::ManageSchedule).await,
        Rpc::CheckClosePeriod => check(f, token, identity::Action::ClosePeriod).await,
        Rpc::CheckTeachClass => check(f, token, identity::Action::TeachClass).await,
        Rpc::CheckReadClass => check(f, token, identity::Action::ReadClass).await,
        Rpc::CheckActAsFamily => check(f, token, identity::Action::ActAsFamily).await,
        Rpc::CheckAnnounce => ok(f
            .identity
            .check_access(with_token(
                token,
                identity::CheckAccessRequest {
                    action: identity::Action::Announce.into(),
                    class_id: f.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListAudience => ok(f
            .identity
            .list_audience(with_token(
                token,
                identity::ListAudienceRequest {
                    school_id: f.school.clone(),
                    class_ids: vec![f.class_5a.clone()],
                    include_guardians: true,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListContacts => ok(f
            .identity
            .list_contacts(with_token(
                token,
                identity::ListContactsRequest {
                    person_ids: vec![f.own_guardian.clone(), f.student.clone()],
                },
            ))
            .await),
        Rpc::ListCorrespondents => ok(f
            .identity
            .list_correspondents(with_token(
                token,
                identity::ListCorrespondentsRequest {
                    school_id: f.school.clone(),
                    student_id: f.student.clone(),
                },
            ))
            .await),
        Rpc::CheckMessagePerson => ok(f
            .identity
            .check_access(with_token(
                token,
                identity::CheckAccessRequest {
                    action: identity::Action::MessagePerson.into(),
                    school_id: f.school.clone(),
                    student_id: f.student.clone(),
                    person_id: f.class_teacher.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CheckReadSchoolRecords => check(f, token, identity::Action::ReadSchoolRecords).await,
        Rpc::GetClass => ok(f
            .identity
            .get_class(with_token(
                token,
                identity::GetClassRequest {
                    id: f.class_5a.clone(),
                },
            ))
            .await),
        Rpc::GetSchoolDirectory => ok(f
            .identity
            .get_school_directory(with_token(
                token,
                identity::GetSchoolDirectoryRequest {
                    school_id: f.school.clone(),
                },
            ))
            .await),
        Rpc::ListStudentMemberships => ok(f
            .identity
            .list_student_memberships(with_token(
                token,
                identity::ListStudentMembershipsRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetSchool => ok(f
            .identity
            .get_school(with_token(
                token,
                identity::GetSchoolRequest {
                    id: f.school.clone(),
                },
            ))
            .await),
        Rpc::ListClasses => ok(f
            .identity
            .list_classes(with_token(
                token,
                identity::ListClassesRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListSubjects => ok(f
            .identity
            .list_subjects(with_token(
                token,
                identity::ListSubjectsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListPersons => ok(f
            .identity
            .list_persons(with_token(
                token,
                identity::ListPersonsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListClassStudents => ok(f
            .identity
            .list_class_students(with_token(
                token,
                identity::ListClassStudentsRequest {
                    class_id: f.class_5a.clone(),
                    date: "2026-10-01".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListTeachingAssignments => ok(f
            .identity
            .list_teaching_assignments(with_token(
                token,
                identity::ListTeachingAssignmentsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudent => ok(f
            .identity
            .get_person(with_token(
                token,
                identity::GetPersonRequest {
                    id: f.student.clone(),
                },
            ))
            .await),
        Rpc::ListGuardianships => ok(f
            .identity
            .list_guardianships(with_token(
                token,
                identity::ListGuardianshipsRequest {
                    guardian_id: f.own_guardian.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListStudentGuardians => ok(f
            .identity
            .list_guardianships(with_token(
                token,
                identity::ListGuardianshipsRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListStaffRoles => ok(f
            .identity
            .list_staff_roles(with_token(
                token,
                identity::ListStaffRolesRequest {
                    person_id: f.subject_teacher.clone(),
                },
            ))
            .await),
        Rpc::CreateSubject => ok(f
            .identity
            .create_subject(with_token(
                token,
                identity::CreateSubjectRequest {
                    school_id: f.school.clone(),
                    name: unique,
                },
            ))
            .await),
        Rpc::CreateClass => ok(f
            .identity
            .create_class(with_token(
                token,
                identity::CreateClassRequest {
                    school_id: f.school.clone(),
                    grade_level: 7,
                    letter: format!("{serial}"),
                    academic_year: 2026,
                    class_teacher_id: String::new(),
                },
            ))
            .await),
        Rpc::CreatePerson => ok(f
            .identity
            .create_person(with_token(
                token,
                identity::CreatePersonRequest {
                    school_id: f.school.clone(),
                    kind: identity::PersonKind::Student.into(),
                    family_name: unique,
                    given_name: "Новый".into(),
                    middle_name: String::new(),
                },
            ))
            .await),
        Rpc::EnrollStudent => ok(f
            .identity
            .enroll_student(with_token(
                token,
                identity::EnrollStudentRequest {
                    student_id: f.spare_student.clone(),
                    class_id: f.class_6b.clone(),
                    start_date: "2026-09-01".into(),
                },
            ))
            .await),
        Rpc::LinkGuardian => {
            let result = f
                .identity
                .link_guardian(with_token(
                    token,
                    identity::LinkGuardianRequest {
                        guardian_id: f.other_guardian.clone(),
                        student_id: f.spare_student.clone(),
                    },
                ))
                .await;
            match result {
                // Linked by an earlier allowed caller: allowed again, nothing new.
                Err(status) if status.code() == Code::AlreadyExists => Ok(()),
                other => ok(other),
            }
        }
        Rpc::SetCredentials => ok(f
            .identity
            .set_credentials(with_token(
                token,
                identity::SetCredentialsRequest {
                    person_id: f.spare_student.clone(),
                    login: format!("spare-{serial}"),
                    password: "a long enough password".into(),
                },
            ))
            .await),
        Rpc::UpdatePerson => ok(f
            .identity
            .update_person(with_token(
                token,
                identity::UpdatePersonRequest {
                    person: Some(identity::Person {
                        id: f.spare_student.clone(),
                        family_name: unique,
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["family_name".into()],
                    }),
                },
            ))
            .await),
        Rpc::IssueAccessCode => ok(f
            .identity
            .issue_access_code(with_token(
                token,
                identity::IssueAccessCodeRequest {
                    student_id: f.student.clone(),
                },
            ))
            .await),
        Rpc::ListAccessCodes => ok(f
            .identity
            .list_access_codes(with_token(
                token,
                identity::ListAccessCodesRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListAuditEvents => ok(f
            .identity
            .list_audit_events(with_token(
                token,
                identity::ListAuditEventsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListCityAuditEvents => ok(f
            .identity
            .list_audit_events(with_token(
                token,
                identity::ListAuditEventsRequest::default(),
            ))
            .await),
        Rpc::ImportRoster => ok(f
            .identity
            .import_roster(with_token(
                token,
                identity::ImportRosterRequest {
                    school_id: f.school.clone(),
                    files: Vec::new(),
                    validate_only: true,
                },
            ))
            .await),
        Rpc::RotateSigningKey => ok(f
            .identity
            .rotate_signing_key(with_token(token, identity::RotateSigningKeyRequest {}))
            .await),
        Rpc::ListClients => ok(f
            .identity
            .list_clients(with_token(token, identity::ListClientsRequest::default()))
            .await),
        Rpc::ListSchoolVendors => ok(f
            .identity
            .list_clients(with_token(
                token,
                identity::ListClientsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::LoginWithExternalIdentity => ok(f
            .identity
            .login_with_external_identity(with_token(
                token,
                identity::LoginWithExternalIdentityRequest {
                    issuer: ISSUER.into(),
                    subject: LINKED_SUBJECT.into(),
                    email: String::new(),
                },
            ))
            .await),
        Rpc::RegisterExternalGuardian => ok(f
            .identity
            .register_external_guardian(with_token(
                token,
                identity::RegisterExternalGuardianRequest {
                    issuer: ISSUER.into(),
                    subject: "matrix-registered".into(),
                    code: f.access_code.clone(),
                    family_name: "Взломщик".into(),
                    given_name: "Вася".into(),
                    middle_name: String::new(),
                    email: String::new(),
                },
            ))
            .await),
        Rpc::LinkExternalIdentity => ok(f
            .identity
            .link_external_identity(with_token(
                token,
                identity::LinkExternalIdentityRequest {
                    issuer: ISSUER.into(),
                    subject: "matrix-newly-linked".into(),
                    person_id: f.student.clone(),
                },
            ))
            .await),
        Rpc::ListFamilies => ok(f
            .identity
            .list_families(with_token(
                token,
                identity::ListFamiliesRequest {
                    student_ids: vec![f.student.clone()],
                    subject_ids: Vec::new(),
                    school_ids: vec![f.school.clone()],
                },
            ))
            .await),
        Rpc::ListSessionRevocations => ok(f
            .identity
            .list_session_revocations(with_token(
                token,
                identity::ListSessionRevocationsRequest::default(),
            ))
            .await),
        Rpc::UpdateSchool => ok(f
            .identity
            .update_school(with_token(
                token,
                identity::UpdateSchoolRequest {
                    school: Some(identity::School {
                        id: f.school.clone(),
                        timezone: "Europe/Samara".into(),
                        ..Default::default()
                    }),
                    update_mask: Some(prost_types::FieldMask {
                        paths: vec!["timezone".into()],
                    }),
                },
            ))
            .await),
        Rpc::CreateGroup => ok(f
            .identity
            .create_group(with_token(
                token,
                identity::CreateGroupRequest {
                    class_id: f.class_5a.clone(),
                    name: unique,
                    student_ids: vec![f.student.clone()],
                },
            ))
            .await),
        Rpc::ListGroups => ok(f
            .identity
            .list_groups(with_token(
                token,
                identity::ListGroupsRequest {
                    class_id: f.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListClassMemberships => ok(f
            .identity
            .list_class_memberships(with_token(
                token,
                identity::ListClassMembershipsRequest {
                    class_id: f.class_5a.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListVendorGrants => ok(f
            .identity
            .list_vendor_grants(with_token(
                token,
                identity::ListVendorGrantsRequest {
                    school_id: f.school.clone(),
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not an identity call"),
    }
}

/// The caller's own password, which is `password`: confirmed, or changed
/// and changed back, so that the rest of the matrix signs in as before.
pub(super) async fn call_own_password(
    f: &mut Fixture,
    rpc: Rpc,
    token: &str,
    password: &str,
) -> Result<(), Code> {
    match rpc {
        Rpc::ConfirmPassword => ok(f
            .identity
            .confirm_password(with_token(
                token,
                identity::ConfirmPasswordRequest {
                    password: password.into(),
                },
            ))
            .await),
        Rpc::ChangePassword => {
            let interim = "a matrix password for a moment";
            let change = |current: &str, new: &str| identity::ChangePasswordRequest {
                current_password: current.into(),
                new_password: new.into(),
            };
            ok(f.identity
                .change_password(with_token(token, change(password, interim)))
                .await)?;
            f.identity
                .change_password(with_token(token, change(interim, password)))
                .await
                .expect("the password changes back");
            Ok(())
        }
        other => unreachable!("{other:?} is not a call on one's own password"),
    }
}
