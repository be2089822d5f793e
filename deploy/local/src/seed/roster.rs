//! The demo school's people, classes, groups and subjects, created as an
//! administrator creates them.

use super::*;

/// The city operator creating a school's people and classes.
pub(super) struct Roster<'a> {
    pub(super) admin: &'a Caller,
    pub(super) school_id: String,
}

impl Roster<'_> {
    pub(super) fn identity(&self) -> IdentityServiceClient<Channel> {
        self.admin.identity.clone()
    }

    pub(super) async fn person(
        &self,
        kind: identity::PersonKind,
        (family, given, middle): (&str, &str, &str),
    ) -> anyhow::Result<String> {
        let request = identity::CreatePersonRequest {
            school_id: self.school_id.clone(),
            kind: kind.into(),
            family_name: family.into(),
            given_name: given.into(),
            middle_name: middle.into(),
        };
        Ok(self
            .identity()
            .create_person(self.admin.request(request)?)
            .await?
            .into_inner()
            .person
            .context("a person")?
            .id)
    }

    pub(super) async fn staff(
        &self,
        name: (&str, &str, &str),
        role: identity::StaffRole,
    ) -> anyhow::Result<String> {
        let id = self.person(identity::PersonKind::Staff, name).await?;
        self.identity()
            .grant_staff_role(self.admin.request(identity::GrantStaffRoleRequest {
                person_id: id.clone(),
                school_id: self.school_id.clone(),
                role: role.into(),
            })?)
            .await?;
        Ok(id)
    }

    pub(super) async fn subject(&self, name: &str) -> anyhow::Result<String> {
        Ok(self
            .identity()
            .create_subject(self.admin.request(identity::CreateSubjectRequest {
                school_id: self.school_id.clone(),
                name: name.into(),
            })?)
            .await?
            .into_inner()
            .subject
            .context("a subject")?
            .id)
    }

    pub(super) async fn class(
        &self,
        letter: &str,
        class_teacher: &str,
        start: NaiveDate,
    ) -> anyhow::Result<String> {
        Ok(self
            .identity()
            .create_class(self.admin.request(identity::CreateClassRequest {
                school_id: self.school_id.clone(),
                grade_level: GRADE,
                letter: letter.into(),
                academic_year: start.year(),
                class_teacher_id: class_teacher.into(),
            })?)
            .await?
            .into_inner()
            .class
            .context("a class")?
            .id)
    }

    /// A student of `class` from `start`, with a guardian when one is named.
    pub(super) async fn student(
        &self,
        name: (&str, &str, &str),
        class: &str,
        start: NaiveDate,
    ) -> anyhow::Result<String> {
        let id = self.person(identity::PersonKind::Student, name).await?;
        self.identity()
            .enroll_student(self.admin.request(identity::EnrollStudentRequest {
                student_id: id.clone(),
                class_id: class.into(),
                start_date: start.to_string(),
            })?)
            .await?;
        Ok(id)
    }

    pub(super) async fn guardian_of(
        &self,
        name: (&str, &str, &str),
        student: &str,
    ) -> anyhow::Result<String> {
        let id = self.person(identity::PersonKind::Guardian, name).await?;
        self.identity()
            .link_guardian(self.admin.request(identity::LinkGuardianRequest {
                guardian_id: id.clone(),
                student_id: student.into(),
            })?)
            .await?;
        Ok(id)
    }

    /// Sets a person's contact e-mail, as the school's administrator does.
    pub(super) async fn set_email(&self, person: &str, email: &str) -> anyhow::Result<()> {
        let mut request = identity::UpdatePersonRequest {
            person: Some(identity::Person {
                id: person.into(),
                email: email.into(),
                ..Default::default()
            }),
            update_mask: None,
        };
        request
            .update_mask
            .get_or_insert_default()
            .paths
            .push("email".into());
        self.identity()
            .update_person(self.admin.request(request)?)
            .await?;
        Ok(())
    }

    pub(super) async fn group(
        &self,
        class: &str,
        name: &str,
        students: &[String],
    ) -> anyhow::Result<String> {
        Ok(self
            .identity()
            .create_group(self.admin.request(identity::CreateGroupRequest {
                class_id: class.into(),
                name: name.into(),
                student_ids: students.to_vec(),
            })?)
            .await?
            .into_inner()
            .group
            .context("a group")?
            .id)
    }

    pub(super) async fn assign(
        &self,
        teacher: &str,
        class: &str,
        subject: &str,
        group: &str,
    ) -> anyhow::Result<()> {
        self.identity()
            .create_teaching_assignment(self.admin.request(
                identity::CreateTeachingAssignmentRequest {
                    teacher_id: teacher.into(),
                    class_id: class.into(),
                    subject_id: subject.into(),
                    group_id: group.into(),
                },
            )?)
            .await?;
        Ok(())
    }

    /// A school-issued password that the person replaces with `password` at
    /// first sign-in, as a real person must; returns their token.
    pub(super) async fn sign_in_as(
        &self,
        person: &str,
        login_name: &str,
        password: &str,
    ) -> anyhow::Result<BearerToken> {
        let issued = format!("{password}-issued");
        self.identity()
            .set_credentials(self.admin.request(identity::SetCredentialsRequest {
                person_id: person.into(),
                login: login_name.into(),
                password: issued.clone(),
            })?)
            .await?;
        let token = login(&self.admin.identity, login_name, &issued).await?;
        let change = identity::ChangePasswordRequest {
            current_password: issued,
            new_password: password.into(),
        };
        self.identity()
            .change_password(outgoing(change, &token, None)?)
            .await?;
        login(&self.admin.identity, login_name, password).await
    }
}
