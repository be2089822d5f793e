//! People of the roster and the guardian links between them.

use otmetka_platform::ids::{PersonId, StudentId};
use otmetka_platform::text::{TextRule, quote};

use crate::fields::{MAX_PERSON_NAME_CHARS, contact_email};
use chrono::Utc;
use otmetka_platform::Result;

use super::parse::{UserRow, person_kind};
use super::{Loader, Outcome, Report, USERS};
use crate::model::{Guardianship, Person, PersonKind};
use crate::store;

impl Loader<'_> {
    pub(super) async fn user(
        &mut self,
        line: u64,
        row: &UserRow,
        report: &mut Report,
    ) -> Result<()> {
        if row.status == "tobedeleted" {
            return Ok(());
        }
        if row.sourced_id.is_empty() {
            report.refuse(USERS, line, "sourcedId", "is required");
            return Ok(());
        }
        let Some((kind, staff_role)) = person_kind(&row.role) else {
            report.refuse(
                USERS,
                line,
                "role",
                format!("{} is not a role this roster knows", quote(&row.role)),
            );
            return Ok(());
        };
        for (field, value) in [
            ("familyName", &row.family_name),
            ("givenName", &row.given_name),
        ] {
            if let Err(problem) = TextRule::line(MAX_PERSON_NAME_CHARS).required().read(value) {
                report.refuse(USERS, line, field, problem.to_string());
                return Ok(());
            }
        }
        let email = match contact_email(&row.email) {
            Ok(email) => email,
            Err(problem) => {
                report.refuse(USERS, line, "email", problem);
                return Ok(());
            }
        };
        let outcome = match self.known("user", &row.sourced_id) {
            Some(id) => {
                let Some(mut person) = store::get_person(self.db, id).await? else {
                    report.refuse(
                        USERS,
                        line,
                        "sourcedId",
                        "names a person that no longer exists",
                    );
                    return Ok(());
                };
                if person.kind() != Some(kind) {
                    report.refuse(USERS, line, "role", "differs from the role loaded before");
                    return Ok(());
                }
                let same = person.family_name == row.family_name
                    && person.given_name == row.given_name
                    && person.middle_name == row.middle_name
                    && (email.is_none() || person.email == email);
                if same {
                    Outcome::Unchanged
                } else {
                    person.family_name.clone_from(&row.family_name);
                    person.given_name.clone_from(&row.given_name);
                    person.middle_name.clone_from(&row.middle_name);
                    if email.is_some() {
                        person.email = email;
                    }
                    if !self.dry_run {
                        store::update_person(self.db, &person, false).await?;
                    }
                    Outcome::Updated
                }
            }
            None => {
                let person = Person {
                    id: PersonId::generate(),
                    school_id: Some(self.school_id),
                    kind: kind.as_str().into(),
                    family_name: row.family_name.clone(),
                    given_name: row.given_name.clone(),
                    middle_name: row.middle_name.clone(),
                    disabled: false,
                    created_at: Utc::now(),
                    email,
                };
                if !self.dry_run {
                    store::insert_person(self.db, &person).await?;
                    if let Some(role) = staff_role {
                        store::grant_staff_role(self.db, person.id, self.school_id, role.as_str())
                            .await?;
                    }
                }
                self.remember("user", &row.sourced_id, person.id).await?;
                Outcome::Created
            }
        };
        report.count(outcome);
        Ok(())
    }

    /// Guardian links from `agentSourcedIds`, in whichever direction the file gives them.
    pub(super) async fn agents(
        &mut self,
        line: u64,
        row: &UserRow,
        report: &mut Report,
    ) -> Result<()> {
        let Some(me) = self.known::<PersonId>("user", &row.sourced_id) else {
            return Ok(());
        };
        for agent in row
            .agent_sourced_ids
            .split(',')
            .map(str::trim)
            .filter(|agent| !agent.is_empty())
        {
            let Some(other) = self.known::<PersonId>("user", agent) else {
                report.refuse(
                    USERS,
                    line,
                    "agentSourcedIds",
                    format!("{} is not a user of this roster", quote(agent)),
                );
                continue;
            };
            let (guardian, student) = match row.role.as_str() {
                "student" => (other, me),
                _ => (me, other),
            };
            let kinds = (
                store::get_person(self.db, guardian)
                    .await?
                    .and_then(|p| p.kind()),
                store::get_person(self.db, student)
                    .await?
                    .and_then(|p| p.kind()),
            );
            if !self.dry_run && kinds != (Some(PersonKind::Guardian), Some(PersonKind::Student)) {
                report.refuse(
                    USERS,
                    line,
                    "agentSourcedIds",
                    format!("{} must link a guardian and a student", quote(agent)),
                );
                continue;
            }
            // Outside a dry run (which goes no further) the kinds were checked above.
            let student = StudentId(student.uuid());
            if self.dry_run || store::is_guardian(self.db, guardian, student).await? {
                continue;
            }
            let link = Guardianship {
                guardian_id: guardian,
                student_id: student,
                school_id: self.school_id,
                created_at: Utc::now(),
            };
            store::link_guardian(self.db, &link).await?;
        }
        Ok(())
    }
}
