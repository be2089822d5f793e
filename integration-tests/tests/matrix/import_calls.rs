//! The vendor API's calls in the matrix.

use super::*;

/// The vendor API's calls on the fixture's school.
pub(super) async fn call_import(
    f: &mut Fixture,
    rpc: Rpc,
    token: &str,
    unique: &str,
) -> Result<(), Code> {
    let school_id = f.school.clone();
    let i = &mut f.import.clone();
    let today = otmetka_integration_tests::SANDBOX_TODAY;
    match rpc {
        Rpc::ListGrantedSchools => ok(i
            .list_granted_schools(with_token(
                token,
                import::ListGrantedSchoolsRequest::default(),
            ))
            .await),
        Rpc::ListRosterClasses => ok(i
            .list_roster_classes(with_token(
                token,
                import::ListRosterClassesRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterGroups => ok(i
            .list_roster_groups(with_token(
                token,
                import::ListRosterGroupsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterSubjects => ok(i
            .list_roster_subjects(with_token(
                token,
                import::ListRosterSubjectsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterStudents => ok(i
            .list_roster_students(with_token(
                token,
                import::ListRosterStudentsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterTeachers => ok(i
            .list_roster_teachers(with_token(
                token,
                import::ListRosterTeachersRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterEnrollments => ok(i
            .list_roster_enrollments(with_token(
                token,
                import::ListRosterEnrollmentsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterPeriods => ok(i
            .list_roster_periods(with_token(
                token,
                import::ListRosterPeriodsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListRosterLessons => ok(i
            .list_roster_lessons(with_token(
                token,
                import::ListRosterLessonsRequest {
                    school_id,
                    from_date: (today - chrono::Days::new(7)).to_string(),
                    to_date: today.to_string(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::PutIdMappings => {
            let results = i
                .put_id_mappings(with_token(
                    token,
                    import::PutIdMappingsRequest {
                        school_id,
                        mappings: vec![import::IdMapping {
                            entity_type: import::EntityType::Student.into(),
                            external_id: unique.into(),
                            platform_id: f.student.clone(),
                            ..Default::default()
                        }],
                    },
                ))
                .await
                .map_err(|status| status.code())?
                .into_inner()
                .results;
            assert_eq!(
                results[0].status,
                i32::from(import::MappingStatus::Created),
                "{results:?}"
            );
            Ok(())
        }
        Rpc::ListIdMappings => ok(i
            .list_id_mappings(with_token(
                token,
                import::ListIdMappingsRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::DeleteIdMappings => ok(i
            .delete_id_mappings(with_token(
                token,
                import::DeleteIdMappingsRequest {
                    school_id,
                    entity_type: import::EntityType::Student.into(),
                    external_ids: vec![unique.into()],
                },
            ))
            .await),
        Rpc::PushRecords => {
            let request = import::PushRecordsRequest {
                operations: vec![import::RecordOperation {
                    school_id,
                    record_type: import::RecordType::Mark.into(),
                    vendor_record_id: unique.into(),
                    revision: 1,
                    action: import::RecordAction::Upsert.into(),
                    payload: Some(import::record_operation::Payload::Mark(
                        import::MarkRecord {
                            student: Some(import::EntityRef {
                                reference: Some(import::entity_ref::Reference::Id(
                                    f.student.clone(),
                                )),
                            }),
                            subject: Some(import::EntityRef {
                                reference: Some(import::entity_ref::Reference::Id(
                                    f.mathematics.clone(),
                                )),
                            }),
                            date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                            value: "4".into(),
                            ..Default::default()
                        },
                    )),
                    ..Default::default()
                }],
                ..Default::default()
            };
            let mut receipts = i
                .push_records(with_token(token, tokio_stream::iter(vec![request])))
                .await
                .map_err(|status| status.code())?
                .into_inner();
            let reply = receipts
                .message()
                .await
                .map_err(|status| status.code())?
                .expect("one answer per message");
            let receipt = &reply.receipts[0];
            if receipt.status == i32::from(import::ReceiptStatus::Accepted) {
                Ok(())
            } else {
                assert_eq!(receipt.errors[0].code, "NOT_GRANTED", "{receipt:?}");
                Err(Code::NotFound)
            }
        }
        Rpc::GetReceipts => ok(i
            .get_receipts(with_token(
                token,
                import::GetReceiptsRequest {
                    school_id,
                    keys: vec![import::RecordKey {
                        record_type: import::RecordType::Mark.into(),
                        vendor_record_id: unique.into(),
                    }],
                },
            ))
            .await),
        Rpc::ListRecords => ok(i
            .list_records(with_token(
                token,
                import::ListRecordsRequest {
                    school_id: school_id.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListVendorChanges => ok(i
            .list_changes(with_token(
                token,
                import::ListChangesRequest {
                    school_id,
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not an import call"),
    }
}
