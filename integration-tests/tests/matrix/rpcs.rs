//! The RPCs under test, and who may make each.

use super::*;

/// The RPCs under test.
#[derive(Debug, Clone, Copy)]
pub(super) enum Rpc {
    ListStudentMarks,
    CreateMark,
    CheckAccess,
    GetSchool,
    ListClasses,
    ListSubjects,
    ListPersons,
    ListClassStudents,
    ListClassMemberships,
    ListTeachingAssignments,
    GetStudent,
    ListGuardianships,
    /// ListGuardianships naming the student: the school's staff only.
    ListStudentGuardians,
    ListStaffRoles,
    CreateSubject,
    CreateClass,
    CreatePerson,
    EnrollStudent,
    LinkGuardian,
    SetCredentials,
    UpdatePerson,
    IssueAccessCode,
    ListAccessCodes,
    ListAuditEvents,
    /// ListAuditEvents of no school: the city's own trail.
    ListCityAuditEvents,
    ListVendorGrants,
    CreateGroup,
    ListGroups,
    UpdateSchool,
    ImportRoster,
    RotateSigningKey,
    ListClients,
    /// ListClients naming a school: its administrators choose vendors.
    ListSchoolVendors,
    LoginWithExternalIdentity,
    RegisterExternalGuardian,
    LinkExternalIdentity,
    ListSessionRevocations,
    CheckReadSchool,
    CheckManageSchedule,
    CheckClosePeriod,
    CheckTeachClass,
    CheckReadClass,
    ListStudentMemberships,
    CheckActAsFamily,
    CheckReadSchoolRecords,
    GetSchoolDirectory,
    GetMark,
    UpdateMark,
    DeleteMark,
    ListMarkRevisions,
    MarkSeen,
    CreateGradingScale,
    ListGradingScales,
    CreateWorkType,
    ListWorkTypes,
    GetJournalSettings,
    UpdateJournalSettings,
    SetAttendance,
    ListStudentAttendance,
    GetStudentWeekRecord,
    GetJournal,
    FindJournalStudents,
    GetStudentAverages,
    ComputeWhatIf,
    CreateCalculationPolicy,
    GetCalculationPolicy,
    SetFinalMark,
    ListFinalMarks,
    RequestReopen,
    DecideReopen,
    ListReopenRequests,
    ListGradebookChanges,
    ApplyVendorRecords,
    ListVendorRecords,
    ListVendorRecordKeys,
    PushRecords,
    GetReceipts,
    ListRecords,
    ListVendorChanges,
    ListReportingPeriods,
    CloseReportingPeriod,
    ListLessons,
    GetStudentWeek,
    CreateTimetableEntry,
    GenerateLessons,
    SetLessonTopic,
    CancelLesson,
    ListScheduleChanges,
    GetClass,
    ListGrantedSchools,
    ListRosterClasses,
    ListRosterGroups,
    ListRosterSubjects,
    ListRosterStudents,
    ListRosterTeachers,
    ListRosterEnrollments,
    ListRosterPeriods,
    ListRosterLessons,
    PutIdMappings,
    ListIdMappings,
    DeleteIdMappings,
    ConfirmPassword,
    ChangePassword,
    /// CheckAccess whether the caller may write to the class teacher about the student.
    CheckMessagePerson,
    CreateThread,
    GetThread,
    ListThreads,
    ArchiveThread,
    CreateThreadMessage,
    ListThreadMessages,
    MarkThreadRead,
    GetUnreadCounts,
    ListCorrespondents,
    ListFamilies,
    ListNotifications,
    MarkNotificationsRead,
    WatchNotifications,
    AcknowledgeNotifications,
    GetNotificationSettings,
    UpdateNotificationSettings,
    /// CheckAccess whether the caller may announce to 5А.
    CheckAnnounce,
    ListAudience,
    /// The contacts of the own guardian and the student.
    ListContacts,
    /// A draft to 5А.
    CreateAnnouncement,
    /// The fixture's announcement to 5А, published by its class teacher.
    GetAnnouncement,
    ListAnnouncements,
    UpdateAnnouncement,
    /// A draft of the class teacher's, made for the call.
    DeleteAnnouncement,
    MarkAnnouncementsRead,
    /// A meeting of 5А a week ahead.
    CreateParentMeeting,
    /// The fixture's meeting of 5А, planned by its class teacher.
    GetParentMeeting,
    /// The meetings of the school the caller may list.
    ListParentMeetings,
    UpdateParentMeeting,
    /// A meeting of the class teacher's, planned for the call.
    CancelParentMeeting,
    /// The invitations of the fixture's meeting.
    ListMeetingInvitations,
    /// The own guardian's invitation to the fixture's meeting.
    ReplyMeetingInvitation,
}

pub(super) const RPCS: [Rpc; 136] = [
    Rpc::ListStudentMarks,
    Rpc::CreateMark,
    Rpc::CheckAccess,
    Rpc::GetSchool,
    Rpc::ListClasses,
    Rpc::ListSubjects,
    Rpc::ListPersons,
    Rpc::ListClassStudents,
    Rpc::ListClassMemberships,
    Rpc::ListTeachingAssignments,
    Rpc::GetStudent,
    Rpc::ListGuardianships,
    Rpc::ListStudentGuardians,
    Rpc::ListStaffRoles,
    Rpc::CreateSubject,
    Rpc::CreateClass,
    Rpc::CreatePerson,
    Rpc::EnrollStudent,
    Rpc::LinkGuardian,
    Rpc::SetCredentials,
    Rpc::UpdatePerson,
    Rpc::IssueAccessCode,
    Rpc::ListAccessCodes,
    Rpc::ListAuditEvents,
    Rpc::ListCityAuditEvents,
    Rpc::ListVendorGrants,
    Rpc::CreateGroup,
    Rpc::ListGroups,
    Rpc::UpdateSchool,
    Rpc::ImportRoster,
    Rpc::RotateSigningKey,
    Rpc::ListClients,
    Rpc::ListSchoolVendors,
    Rpc::LoginWithExternalIdentity,
    Rpc::RegisterExternalGuardian,
    Rpc::LinkExternalIdentity,
    Rpc::ListSessionRevocations,
    Rpc::CheckReadSchool,
    Rpc::CheckManageSchedule,
    Rpc::CheckClosePeriod,
    Rpc::CheckTeachClass,
    Rpc::CheckReadClass,
    Rpc::ListStudentMemberships,
    Rpc::CheckActAsFamily,
    Rpc::CheckReadSchoolRecords,
    Rpc::GetSchoolDirectory,
    Rpc::GetMark,
    Rpc::UpdateMark,
    Rpc::DeleteMark,
    Rpc::ListMarkRevisions,
    Rpc::MarkSeen,
    Rpc::CreateGradingScale,
    Rpc::ListGradingScales,
    Rpc::CreateWorkType,
    Rpc::ListWorkTypes,
    Rpc::GetJournalSettings,
    Rpc::UpdateJournalSettings,
    Rpc::SetAttendance,
    Rpc::ListStudentAttendance,
    Rpc::GetStudentWeekRecord,
    Rpc::GetJournal,
    Rpc::FindJournalStudents,
    Rpc::GetStudentAverages,
    Rpc::ComputeWhatIf,
    Rpc::CreateCalculationPolicy,
    Rpc::GetCalculationPolicy,
    Rpc::SetFinalMark,
    Rpc::ListFinalMarks,
    Rpc::RequestReopen,
    Rpc::DecideReopen,
    Rpc::ListReopenRequests,
    Rpc::ListGradebookChanges,
    Rpc::ApplyVendorRecords,
    Rpc::ListVendorRecords,
    Rpc::ListVendorRecordKeys,
    Rpc::PushRecords,
    Rpc::GetReceipts,
    Rpc::ListRecords,
    Rpc::ListVendorChanges,
    Rpc::ListReportingPeriods,
    Rpc::CloseReportingPeriod,
    Rpc::ListLessons,
    Rpc::GetStudentWeek,
    Rpc::CreateTimetableEntry,
    Rpc::GenerateLessons,
    Rpc::SetLessonTopic,
    Rpc::CancelLesson,
    Rpc::ListScheduleChanges,
    Rpc::GetClass,
    Rpc::ListGrantedSchools,
    Rpc::ListRosterClasses,
    Rpc::ListRosterGroups,
    Rpc::ListRosterSubjects,
    Rpc::ListRosterStudents,
    Rpc::ListRosterTeachers,
    Rpc::ListRosterEnrollments,
    Rpc::ListRosterPeriods,
    Rpc::ListRosterLessons,
    Rpc::PutIdMappings,
    Rpc::ListIdMappings,
    Rpc::DeleteIdMappings,
    Rpc::ConfirmPassword,
    Rpc::ChangePassword,
    Rpc::CheckMessagePerson,
    Rpc::CreateThread,
    Rpc::GetThread,
    Rpc::ListThreads,
    Rpc::ArchiveThread,
    Rpc::CreateThreadMessage,
    Rpc::ListThreadMessages,
    Rpc::MarkThreadRead,
    Rpc::GetUnreadCounts,
    Rpc::ListCorrespondents,
    Rpc::ListFamilies,
    Rpc::ListNotifications,
    Rpc::MarkNotificationsRead,
    Rpc::WatchNotifications,
    Rpc::AcknowledgeNotifications,
    Rpc::GetNotificationSettings,
    Rpc::UpdateNotificationSettings,
    Rpc::CheckAnnounce,
    Rpc::ListAudience,
    Rpc::ListContacts,
    Rpc::CreateAnnouncement,
    Rpc::GetAnnouncement,
    Rpc::ListAnnouncements,
    Rpc::UpdateAnnouncement,
    Rpc::DeleteAnnouncement,
    Rpc::MarkAnnouncementsRead,
    Rpc::CreateParentMeeting,
    Rpc::GetParentMeeting,
    Rpc::ListParentMeetings,
    Rpc::UpdateParentMeeting,
    Rpc::CancelParentMeeting,
    Rpc::ListMeetingInvitations,
    Rpc::ReplyMeetingInvitation,
];

/// Who may make each call.
pub(super) fn allowed(rpc: Rpc) -> BTreeSet<Who> {
    use Who::*;
    let read_record = [
        OwnGuardian,
        Student,
        SubjectTeacher,
        ClassTeacher,
        DeputyHead,
    ];
    let read_roster = [
        SubjectTeacher,
        OtherTeacher,
        ClassTeacher,
        DeputyHead,
        SchoolAdmin,
        CityOperator,
        GrantedVendor,
    ];
    let manage = [SchoolAdmin, CityOperator];
    let set: Vec<Who> = match rpc {
        Rpc::ListStudentMarks | Rpc::CheckAccess => read_record.to_vec(),
        Rpc::CreateMark => vec![SubjectTeacher],
        Rpc::UpdateSchool | Rpc::RotateSigningKey | Rpc::ListClients | Rpc::ListCityAuditEvents => {
            vec![CityOperator]
        }
        Rpc::ImportRoster | Rpc::ListSchoolVendors => manage.to_vec(),
        Rpc::ListStudentGuardians => read_roster.to_vec(),
        // Only the gateway's own client may: no person, no vendor.
        Rpc::LoginWithExternalIdentity
        | Rpc::RegisterExternalGuardian
        | Rpc::LinkExternalIdentity
        | Rpc::ListSessionRevocations => vec![Gateway],
        // Students' families, announcements' audiences and people's
        // contacts, for messaging's client alone.
        Rpc::ListFamilies | Rpc::ListAudience | Rpc::ListContacts => vec![Notifier],
        // A class's announcements: its class teacher and the management;
        // what they wrote, also its readers in the class.
        Rpc::CheckAnnounce
        | Rpc::CreateAnnouncement
        | Rpc::UpdateAnnouncement
        | Rpc::DeleteAnnouncement => vec![ClassTeacher, DeputyHead, SchoolAdmin],
        // A class's meetings: planned and changed by its class teacher and
        // the management; read also by the guardians they invite, each
        // answering their own invitation.
        Rpc::CreateParentMeeting | Rpc::UpdateParentMeeting | Rpc::CancelParentMeeting => {
            vec![ClassTeacher, DeputyHead, SchoolAdmin]
        }
        Rpc::GetParentMeeting | Rpc::ListMeetingInvitations => vec![
            OwnGuardian,
            OtherGuardian,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
        ],
        Rpc::ReplyMeetingInvitation => vec![OwnGuardian],
        Rpc::GetAnnouncement => vec![
            OwnGuardian,
            OtherGuardian,
            Student,
            OtherStudent,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
        ],
        Rpc::GetSchool
        | Rpc::ListClasses
        | Rpc::ListSubjects
        | Rpc::ListPersons
        | Rpc::ListClassStudents
        | Rpc::ListClassMemberships
        | Rpc::ListTeachingAssignments
        | Rpc::ListGroups => read_roster.to_vec(),
        Rpc::GetStudent | Rpc::ListStudentMemberships => {
            [read_roster.as_slice(), &[Student, OwnGuardian]].concat()
        }
        Rpc::ListGuardianships => [read_roster.as_slice(), &[OwnGuardian]].concat(),
        // Of the subject teacher: themself, and who manages their school.
        Rpc::ListStaffRoles => [manage.as_slice(), &[SubjectTeacher]].concat(),
        Rpc::CreateSubject
        | Rpc::CreateClass
        | Rpc::CreatePerson
        | Rpc::EnrollStudent
        | Rpc::LinkGuardian
        | Rpc::SetCredentials
        | Rpc::UpdatePerson
        | Rpc::IssueAccessCode
        | Rpc::ListAccessCodes
        | Rpc::ListAuditEvents
        | Rpc::ListVendorGrants
        | Rpc::CreateGroup => manage.to_vec(),
        Rpc::CheckReadSchool | Rpc::GetSchoolDirectory => [
            read_roster.as_slice(),
            &[OwnGuardian, OtherGuardian, Student, OtherStudent],
        ]
        .concat(),
        Rpc::CheckReadClass => [
            read_roster.as_slice(),
            &[OwnGuardian, OtherGuardian, Student, OtherStudent],
        ]
        .concat(),
        Rpc::CheckManageSchedule => vec![SchoolAdmin, DeputyHead],
        Rpc::CheckClosePeriod => vec![DeputyHead],
        Rpc::CheckTeachClass
        | Rpc::GetJournal
        | Rpc::FindJournalStudents
        | Rpc::RequestReopen
        | Rpc::SetLessonTopic => vec![SubjectTeacher, ClassTeacher, DeputyHead],
        Rpc::GetMark
        | Rpc::ListMarkRevisions
        | Rpc::ListStudentAttendance
        | Rpc::GetStudentWeekRecord
        | Rpc::GetStudentAverages
        | Rpc::ComputeWhatIf
        | Rpc::ListFinalMarks
        | Rpc::GetStudentWeek => read_record.to_vec(),
        Rpc::UpdateMark | Rpc::DeleteMark | Rpc::SetAttendance | Rpc::SetFinalMark => {
            vec![SubjectTeacher]
        }
        Rpc::MarkSeen => vec![Student, OwnGuardian],
        // Self-service on one's own password: every person, no client.
        Rpc::ConfirmPassword | Rpc::ChangePassword => vec![
            OwnGuardian,
            OtherGuardian,
            Student,
            OtherStudent,
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
            OtherSchoolAdmin,
            CityOperator,
        ],
        Rpc::CreateGradingScale
        | Rpc::CreateWorkType
        | Rpc::UpdateJournalSettings
        | Rpc::CreateCalculationPolicy
        | Rpc::CreateTimetableEntry
        | Rpc::GenerateLessons
        | Rpc::CancelLesson => vec![SchoolAdmin, DeputyHead],
        Rpc::ListGradingScales
        | Rpc::ListWorkTypes
        | Rpc::GetJournalSettings
        | Rpc::GetCalculationPolicy
        | Rpc::ListReportingPeriods
        | Rpc::ListLessons
        | Rpc::GetClass => [
            read_roster.as_slice(),
            &[OwnGuardian, OtherGuardian, Student, OtherStudent],
        ]
        .concat(),
        Rpc::DecideReopen | Rpc::CloseReportingPeriod => vec![DeputyHead],
        // Leadership sees every request, other staff their own; clients none.
        Rpc::ListReopenRequests => vec![
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
            CityOperator,
        ],
        Rpc::ListGradebookChanges => vec![DeputyHead, CityOperator, GrantedVendor],
        Rpc::ListScheduleChanges => read_roster.to_vec(),
        Rpc::CheckActAsFamily => vec![Student, OwnGuardian],
        // A family writes to the student's teachers; staff write to staff.
        Rpc::CheckMessagePerson | Rpc::CreateThread | Rpc::ListCorrespondents => vec![
            OwnGuardian,
            Student,
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
        ],
        // The thread's participants only.
        Rpc::GetThread
        | Rpc::ArchiveThread
        | Rpc::CreateThreadMessage
        | Rpc::ListThreadMessages
        | Rpc::MarkThreadRead => vec![OwnGuardian, SubjectTeacher],
        // Every person, each about their own threads, announcements,
        // meetings, notifications and notification settings; clients have none.
        Rpc::ListThreads
        | Rpc::GetUnreadCounts
        | Rpc::ListNotifications
        | Rpc::MarkNotificationsRead
        | Rpc::WatchNotifications
        | Rpc::AcknowledgeNotifications
        | Rpc::GetNotificationSettings
        | Rpc::UpdateNotificationSettings
        | Rpc::ListAnnouncements
        | Rpc::MarkAnnouncementsRead
        | Rpc::ListParentMeetings => vec![
            OwnGuardian,
            OtherGuardian,
            Student,
            OtherStudent,
            SubjectTeacher,
            OtherTeacher,
            ClassTeacher,
            DeputyHead,
            SchoolAdmin,
            OtherSchoolAdmin,
            CityOperator,
        ],
        Rpc::CheckReadSchoolRecords => vec![DeputyHead, CityOperator, GrantedVendor],
        // The vendor API is for vendors alone; one without a grant learns
        // only that it has none.
        Rpc::ListGrantedSchools => vec![GrantedVendor, UngrantedVendor],
        Rpc::ListRosterClasses
        | Rpc::ListRosterGroups
        | Rpc::ListRosterSubjects
        | Rpc::ListRosterStudents
        | Rpc::ListRosterTeachers
        | Rpc::ListRosterEnrollments
        | Rpc::ListRosterPeriods
        | Rpc::ListRosterLessons
        | Rpc::PutIdMappings
        | Rpc::ListIdMappings
        | Rpc::DeleteIdMappings
        | Rpc::ListVendorChanges => vec![GrantedVendor],
        // Pushed marks: a vendor without the grant gets NOT_GRANTED for the
        // record, read here as absence.
        Rpc::ApplyVendorRecords
        | Rpc::ListVendorRecords
        | Rpc::ListVendorRecordKeys
        | Rpc::PushRecords
        | Rpc::GetReceipts
        | Rpc::ListRecords => vec![GrantedVendor],
    };
    set.into_iter().collect()
}
