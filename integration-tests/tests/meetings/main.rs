//! Parent meetings over real gRPC: who may plan one for which class
//! (identity's policy), the invitations reaching exactly the guardians of
//! its classes or named students, once each with one notification,
//! replies counted for the organizer, changes and cancellation told once,
//! the reminder the day before (not to who declined), and the field named
//! in every refusal.

use std::time::Duration;

use chrono::Days;
use otmetka_integration_tests::school::{
    PERSON_PASSWORD, SchoolBuilder, sign_in, violated_fields, with_token,
};
use otmetka_integration_tests::{Options, SANDBOX_TODAY, Sandbox};
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use prost_types::{FieldMask, Timestamp};
use tonic::Code;
use tonic::transport::Channel;

mod calls;
mod changes;
mod invitations;
mod reminders;
mod validation;

use calls::totals;

/// How long inviting may take before a test gives up; it takes well under
/// a second while the suite runs.
const PATIENCE: Duration = Duration::from_secs(30);

/// `hour`:00 UTC, `days` after the sandbox's day (whose clock starts at
/// noon UTC); the school keeps Yekaterinburg time, five hours ahead.
fn at(days: u64, hour: u32) -> Timestamp {
    let time = (SANDBOX_TODAY + Days::new(days))
        .and_hms_opt(hour, 0, 0)
        .expect("a time")
        .and_utc();
    Timestamp {
        seconds: time.timestamp(),
        nanos: 0,
    }
}

struct Person {
    id: String,
    login: &'static str,
    token: String,
}

/// Classes 5А and 6Б with their class teachers, a deputy head; in 5А a
/// student with two guardians and a second student with one; in 6Б a
/// student with one guardian.
struct School {
    messaging: MessagingServiceClient<Channel>,
    id: String,
    class_5a: String,
    class_6b: String,
    teacher_5a: Person,
    teacher_6b: Person,
    deputy_head: Person,
    student: Person,
    mother: Person,
    father: Person,
    neighbour: Person,
    neighbour_mother: Person,
    stranger: Person,
    stranger_mother: Person,
}

impl School {
    async fn new(sandbox: &Sandbox) -> Self {
        let mut b = SchoolBuilder::new(sandbox, "Школа собраний")
            .await
            .expect("a school");
        let id = b.school_id.clone();
        // Not Moscow, which is also where a school of no known timezone is.
        let yekaterinburg = identity::UpdateSchoolRequest {
            school: Some(identity::School {
                id: id.clone(),
                timezone: "Asia/Yekaterinburg".into(),
                ..Default::default()
            }),
            update_mask: Some(FieldMask {
                paths: vec!["timezone".into()],
            }),
        };
        b.identity
            .update_school(with_token(&b.city, yekaterinburg))
            .await
            .expect("the school's timezone");
        let teacher_5a = b.staff("Классная", identity::StaffRole::Teacher).await;
        let teacher_6b = b.staff("Другая", identity::StaffRole::Teacher).await;
        let deputy_head = b.staff("Завуч", identity::StaffRole::DeputyHead).await;
        let class_5a = b.class(5, "А", &teacher_5a).await;
        let class_6b = b.class(6, "Б", &teacher_6b).await;
        let student = b.student_in(&class_5a, "Ученик").await;
        let mother = b.guardian_of(&student, "Мама").await;
        let father = b.guardian_of(&student, "Папа").await;
        let neighbour = b.student_in(&class_5a, "Соседов").await;
        let neighbour_mother = b.guardian_of(&neighbour, "Соседова").await;
        let stranger = b.student_in(&class_6b, "Чужой").await;
        let stranger_mother = b.guardian_of(&stranger, "Чужая").await;
        let mut people = Vec::new();
        for (person, login) in [
            (teacher_5a, "mtg-teacher-5a"),
            (teacher_6b, "mtg-teacher-6b"),
            (deputy_head, "mtg-deputy"),
            (student, "mtg-student"),
            (mother, "mtg-mother"),
            (father, "mtg-father"),
            (neighbour, "mtg-neighbour"),
            (neighbour_mother, "mtg-neighbour-mother"),
            (stranger, "mtg-stranger"),
            (stranger_mother, "mtg-stranger-mother"),
        ] {
            let token = b.token_of(&person, login).await;
            people.push(Person {
                id: person,
                login,
                token,
            });
        }
        let mut people = people.into_iter();
        let mut next = || people.next().expect("a person");
        Self {
            messaging: MessagingServiceClient::new(
                sandbox.channel("messaging").await.expect("a channel"),
            ),
            id,
            class_5a,
            class_6b,
            teacher_5a: next(),
            teacher_6b: next(),
            deputy_head: next(),
            student: next(),
            mother: next(),
            father: next(),
            neighbour: next(),
            neighbour_mother: next(),
            stranger: next(),
            stranger_mother: next(),
        }
    }

    /// After a restart: a new channel, and everyone signed in afresh.
    async fn reconnect(&mut self, sandbox: &Sandbox) {
        self.messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
        let mut identity = identity::identity_service_client::IdentityServiceClient::new(
            sandbox.channel("identity").await.unwrap(),
        );
        for person in [
            &mut self.teacher_5a,
            &mut self.mother,
            &mut self.father,
            &mut self.neighbour_mother,
        ] {
            person.token = sign_in(&mut identity, person.login, PERSON_PASSWORD).await;
        }
    }

    /// A meeting of `class_ids` starting at `start`, in room 12.
    fn draft(&self, class_ids: &[&str], start: Timestamp) -> pb::ParentMeeting {
        pb::ParentMeeting {
            school_id: self.id.clone(),
            class_ids: class_ids.iter().map(|id| (*id).to_owned()).collect(),
            title: "Итоги четверти".into(),
            description: "Оценки, экскурсия, дежурства.".into(),
            start_time: Some(start),
            location: "Кабинет 12".into(),
            ..Default::default()
        }
    }
}
