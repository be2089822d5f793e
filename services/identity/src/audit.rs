//! The audit trail: security events and staff reads of students' data, who
//! did what to what, when and from where. School administrators read their
//! school's trail. Its queries are `store::audit`.

use chrono::{DateTime, Utc};
use otmetka_platform::Result;
use otmetka_platform::db::Db;
use otmetka_platform::ids::SchoolId;
use uuid::Uuid;

use crate::model::AuditEventId;
use crate::store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    Login,
    LoginFailed,
    PasswordChanged,
    CredentialsIssued,
    AccessCodeIssued,
    AccessCodeRevoked,
    AccessCodeRedeemed,
    AccessCodeFailed,
    GuardianLinked,
    GuardianUnlinked,
    StaffRoleGranted,
    StaffRoleRevoked,
    StudentRecordRead,
    ClientCreated,
    ClientRevoked,
    SchoolCreated,
    SchoolUpdated,
    SigningKeyRotated,
    VendorGranted,
    VendorRevoked,
    PersonDisabled,
    RosterImported,
    ExternalIdentityLinked,
    SessionEnded,
}

impl AuditKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::Login => "login",
            AuditKind::LoginFailed => "login.failed",
            AuditKind::PasswordChanged => "password.changed",
            AuditKind::CredentialsIssued => "credentials.issued",
            AuditKind::AccessCodeIssued => "access_code.issued",
            AuditKind::AccessCodeRevoked => "access_code.revoked",
            AuditKind::AccessCodeRedeemed => "access_code.redeemed",
            AuditKind::AccessCodeFailed => "access_code.failed",
            AuditKind::GuardianLinked => "guardian.linked",
            AuditKind::GuardianUnlinked => "guardian.unlinked",
            AuditKind::StaffRoleGranted => "staff_role.granted",
            AuditKind::StaffRoleRevoked => "staff_role.revoked",
            AuditKind::StudentRecordRead => "student_record.read",
            AuditKind::ClientCreated => "client.created",
            AuditKind::ClientRevoked => "client.revoked",
            AuditKind::SchoolCreated => "school.created",
            AuditKind::SchoolUpdated => "school.updated",
            AuditKind::SigningKeyRotated => "signing_key.rotated",
            AuditKind::VendorGranted => "vendor.granted",
            AuditKind::VendorRevoked => "vendor.revoked",
            AuditKind::PersonDisabled => "person.disabled",
            AuditKind::RosterImported => "roster.imported",
            AuditKind::ExternalIdentityLinked => "external_identity.linked",
            AuditKind::SessionEnded => "session.ended",
        }
    }
}

/// One thing that happened, to be recorded.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub kind: AuditKind,
    pub school_id: Option<SchoolId>,
    /// Any principal: a person, or a vendor client.
    pub actor_id: Option<Uuid>,
    /// Whatever the event is about: a person, a class, a client, a code.
    pub object_id: Option<Uuid>,
    pub source_address: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredAuditEvent {
    pub id: AuditEventId,
    pub school_id: Option<SchoolId>,
    pub actor_id: Option<Uuid>,
    pub kind: String,
    pub object_id: Option<Uuid>,
    pub source_address: String,
    pub created_at: DateTime<Utc>,
}

/// Records `event`. Auditing is part of the action: if it cannot be
/// recorded, the caller fails rather than act unrecorded.
pub async fn record(db: &Db, event: AuditEvent) -> Result<()> {
    tracing::info!(
        kind = event.kind.as_str(),
        school_id = ?event.school_id,
        actor_id = ?event.actor_id,
        object_id = ?event.object_id,
        source = %event.source_address,
        "audit"
    );
    store::audit::insert(db, &event, AuditEventId::generate(), Utc::now()).await
}
