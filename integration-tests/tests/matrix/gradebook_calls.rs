//! Gradebook's calls in the matrix.

use super::*;

/// The journal's calls on 5А's mathematics in the fixture's term.
pub(super) async fn call_gradebook(
    f: &mut Fixture,
    rpc: Rpc,
    token: &str,
    unique: &str,
) -> Result<(), Code> {
    let period = f.term.period.id.clone();
    let school = f.school.clone();
    let g = &mut f.gradebook.clone();
    match rpc {
        Rpc::ListStudentMarks => ok(g
            .list_student_marks(with_token(
                token,
                gradebook::ListStudentMarksRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CreateMark => ok(g
            .create_mark(with_token(
                token,
                gradebook::CreateMarkRequest {
                    student_id: f.student.clone(),
                    subject_id: f.mathematics.clone(),
                    // Today: inside the journal's edit window.
                    lesson_date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                    value: "4".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetMark => ok(g
            .get_mark(with_token(
                token,
                gradebook::GetMarkRequest { id: f.mark.clone() },
            ))
            .await),
        Rpc::UpdateMark => ok(g
            .update_mark(with_token(
                token,
                gradebook::UpdateMarkRequest {
                    id: f.mark.clone(),
                    value: "5".into(),
                    reason: "Пересмотр".into(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::DeleteMark => {
            let id = f.fresh_mark().await;
            ok(g.delete_mark(with_token(
                token,
                gradebook::DeleteMarkRequest {
                    id,
                    reason: "Ошибка".into(),
                },
            ))
            .await)
        }
        Rpc::ListMarkRevisions => ok(g
            .list_mark_revisions(with_token(
                token,
                gradebook::ListMarkRevisionsRequest {
                    mark_id: f.mark.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::MarkSeen => ok(g
            .mark_seen(with_token(
                token,
                gradebook::MarkSeenRequest {
                    mark_id: f.mark.clone(),
                },
            ))
            .await),
        Rpc::CreateGradingScale => ok(g
            .create_grading_scale(with_token(
                token,
                gradebook::CreateGradingScaleRequest {
                    grading_scale: Some(gradebook::GradingScale {
                        school_id: school,
                        // A subject of its own, so that every allowed call can create one.
                        subject_id: uuid::Uuid::now_v7().to_string(),
                        kind: gradebook::ScaleKind::TenPoint.into(),
                        name: unique.into(),
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::ListGradingScales => ok(g
            .list_grading_scales(with_token(
                token,
                gradebook::ListGradingScalesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::CreateWorkType => ok(g
            .create_work_type(with_token(
                token,
                gradebook::CreateWorkTypeRequest {
                    work_type: Some(gradebook::WorkType {
                        school_id: school,
                        name: unique.into(),
                        weight: 2,
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::ListWorkTypes => ok(g
            .list_work_types(with_token(
                token,
                gradebook::ListWorkTypesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetJournalSettings => ok(g
            .get_journal_settings(with_token(
                token,
                gradebook::GetJournalSettingsRequest { school_id: school },
            ))
            .await),
        Rpc::UpdateJournalSettings => ok(g
            .update_journal_settings(with_token(
                token,
                gradebook::UpdateJournalSettingsRequest {
                    settings: Some(gradebook::JournalSettings {
                        school_id: school,
                        edit_window_days: 14,
                        vendors_override_teachers: false,
                    }),
                },
            ))
            .await),
        Rpc::SetAttendance => ok(g
            .set_attendance(with_token(
                token,
                gradebook::SetAttendanceRequest {
                    record: Some(gradebook::AttendanceRecord {
                        student_id: f.student.clone(),
                        lesson_id: f.lesson.id.clone(),
                        subject_id: f.mathematics.clone(),
                        lesson_date: f.lesson.date.clone(),
                        kind: gradebook::AttendanceKind::Ill.into(),
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::ListStudentAttendance => ok(g
            .list_student_attendance(with_token(
                token,
                gradebook::ListStudentAttendanceRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudentWeekRecord => ok(g
            .get_student_week_record(with_token(
                token,
                gradebook::GetStudentWeekRecordRequest {
                    student_id: f.student.clone(),
                    date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                },
            ))
            .await),
        Rpc::GetJournal => ok(g
            .get_journal(with_token(
                token,
                gradebook::GetJournalRequest {
                    class_id: f.class_5a.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::FindJournalStudents => ok(g
            .find_journal_students(with_token(
                token,
                gradebook::FindJournalStudentsRequest {
                    class_id: f.class_5a.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    absences_at_least: Some(1),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::GetStudentAverages => ok(g
            .get_student_averages(with_token(
                token,
                gradebook::GetStudentAveragesRequest {
                    student_id: f.student.clone(),
                    reporting_period_id: period,
                },
            ))
            .await),
        Rpc::ComputeWhatIf => ok(g
            .compute_what_if(with_token(
                token,
                gradebook::ComputeWhatIfRequest {
                    student_id: f.student.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    target_mark: "5".into(),
                },
            ))
            .await),
        Rpc::CreateCalculationPolicy => ok(g
            .create_calculation_policy(with_token(
                token,
                gradebook::CreateCalculationPolicyRequest {
                    policy: Some(gradebook::CalculationPolicy {
                        school_id: school,
                        thresholds: vec![
                            gradebook::Threshold {
                                mark: "5".into(),
                                min_average: 4.5,
                            },
                            gradebook::Threshold {
                                mark: "2".into(),
                                min_average: 0.0,
                            },
                        ],
                        rounding: "half_up_2".into(),
                        ..Default::default()
                    }),
                },
            ))
            .await),
        Rpc::GetCalculationPolicy => ok(g
            .get_calculation_policy(with_token(
                token,
                gradebook::GetCalculationPolicyRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::SetFinalMark => ok(g
            .set_final_mark(with_token(
                token,
                gradebook::SetFinalMarkRequest {
                    student_id: f.student.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    value: "4".into(),
                    reason: String::new(),
                },
            ))
            .await),
        Rpc::ListFinalMarks => ok(g
            .list_final_marks(with_token(
                token,
                gradebook::ListFinalMarksRequest {
                    student_id: f.student.clone(),
                    ..Default::default()
                },
            ))
            .await),
        Rpc::RequestReopen => ok(g
            .request_reopen(with_token(
                token,
                gradebook::RequestReopenRequest {
                    class_id: f.class_5a.clone(),
                    subject_id: f.mathematics.clone(),
                    reporting_period_id: period,
                    reason: "Исправить".into(),
                },
            ))
            .await),
        Rpc::DecideReopen => {
            let id = f.fresh_reopen_request().await;
            ok(g.decide_reopen(with_token(
                token,
                gradebook::DecideReopenRequest {
                    id,
                    approve: false,
                    comment: String::new(),
                },
            ))
            .await)
        }
        Rpc::ListReopenRequests => ok(g
            .list_reopen_requests(with_token(
                token,
                gradebook::ListReopenRequestsRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListGradebookChanges => ok(g
            .list_changes(with_token(
                token,
                gradebook::ListChangesRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ApplyVendorRecords => {
            let results = g
                .apply_vendor_records(with_token(
                    token,
                    gradebook::ApplyVendorRecordsRequest {
                        school_id: school,
                        records: vec![gradebook::VendorRecord {
                            vendor_record_id: unique.into(),
                            revision: 1,
                            record_type: gradebook::VendorRecordType::Mark.into(),
                            mark: Some(gradebook::VendorMark {
                                student_id: f.student.clone(),
                                subject_id: f.mathematics.clone(),
                                lesson_date: otmetka_integration_tests::SANDBOX_TODAY.to_string(),
                                value: "4".into(),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }],
                        ..Default::default()
                    },
                ))
                .await
                .map_err(|status| status.code())?
                .into_inner()
                .results;
            match gradebook::VendorRecordOutcome::try_from(results[0].outcome) {
                Ok(gradebook::VendorRecordOutcome::Accepted) => Ok(()),
                _ => {
                    assert_eq!(results[0].error_code, "NOT_GRANTED", "{results:?}");
                    Err(Code::NotFound)
                }
            }
        }
        Rpc::ListVendorRecords => ok(g
            .list_vendor_records(with_token(
                token,
                gradebook::ListVendorRecordsRequest {
                    school_id: school,
                    vendor_record_ids: vec![unique.into()],
                    ..Default::default()
                },
            ))
            .await),
        Rpc::ListVendorRecordKeys => ok(g
            .list_vendor_record_keys(with_token(
                token,
                gradebook::ListVendorRecordKeysRequest {
                    school_id: school,
                    ..Default::default()
                },
            ))
            .await),
        other => unreachable!("{other:?} is not a gradebook call"),
    }
}
