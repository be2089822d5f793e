//! Notifications by e-mail, through a real SMTP server (aiosmtpd) the test
//! starts: a mark reaches a guardian who chose e-mail once, under a
//! Message-ID of its notification; a person without an address is
//! skipped and one who chose nothing gets nothing; quiet hours hold a
//! letter until the morning; a digest gathers the day in one letter at
//! its time; a refused send is retried and recorded. And the settings
//! themselves: each person's own, defaults first, wrong ones named.

use std::time::Duration;

use chrono::{Days, NaiveTime};
use otmetka_integration_tests::mail_server::MailServer;
use otmetka_integration_tests::school::{EnglishClass, violated_fields, with_token};
use otmetka_integration_tests::{Options, SANDBOX_TODAY, Sandbox};
use otmetka_local::MailSettings;
use otmetka_proto::gradebook::v1 as gradebook;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1 as identity;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use tonic::Code;
use tonic::transport::Channel;

/// How long a test waits for the mailer before it gives up; it acts in
/// well under a second while the suite runs.
const PATIENCE: Duration = Duration::from_secs(30);

fn mail_to(smtp_url: String) -> MailSettings {
    MailSettings {
        smtp_url,
        from: "Отметка <noreply@otmetka.test>".into(),
        site_url: "https://dnevnik.test".into(),
        first_retry: Duration::from_millis(500),
    }
}

/// A person of the test school with their messaging client.
struct Person {
    messaging: MessagingServiceClient<Channel>,
    token: String,
    id: String,
}

impl Person {
    async fn choose(
        &self,
        kind: pb::NotificationKind,
        in_app: bool,
        email: pb::EmailMode,
        quiet: (&str, &str),
    ) -> Result<pb::NotificationSettings, tonic::Status> {
        let settings = pb::NotificationSettings {
            rules: vec![pb::NotificationRule {
                kind: kind.into(),
                in_app,
                email: email.into(),
                ..Default::default()
            }],
            quiet_hours_start: quiet.0.into(),
            quiet_hours_end: quiet.1.into(),
            digest_time: "19:00".into(),
            ..Default::default()
        };
        self.update(settings).await
    }

    async fn update(
        &self,
        settings: pb::NotificationSettings,
    ) -> Result<pb::NotificationSettings, tonic::Status> {
        let request = pb::UpdateNotificationSettingsRequest {
            settings: Some(settings),
        };
        Ok(self
            .messaging
            .clone()
            .update_notification_settings(with_token(&self.token, request))
            .await?
            .into_inner()
            .settings
            .expect("settings"))
    }

    async fn settings_of(
        &self,
        person_id: &str,
    ) -> Result<pb::NotificationSettings, tonic::Status> {
        let request = pb::GetNotificationSettingsRequest {
            person_id: person_id.into(),
        };
        Ok(self
            .messaging
            .clone()
            .get_notification_settings(with_token(&self.token, request))
            .await?
            .into_inner()
            .settings
            .expect("settings"))
    }

    async fn notifications(&self) -> Vec<pb::Notification> {
        let request = pb::ListNotificationsRequest {
            page_size: 100,
            ..Default::default()
        };
        self.messaging
            .clone()
            .list_notifications(with_token(&self.token, request))
            .await
            .expect("one's own notifications")
            .into_inner()
            .notifications
    }

    /// The person's notifications once `ready` holds for them.
    async fn await_notifications(
        &self,
        ready: impl Fn(&[pb::Notification]) -> bool,
    ) -> Vec<pb::Notification> {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let found = self.notifications().await;
            if ready(&found) || tokio::time::Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn email_of(notification: &pb::Notification) -> Option<&pb::Delivery> {
    notification
        .deliveries
        .iter()
        .find(|d| d.channel() == pb::DeliveryChannel::Email)
}

fn in_app_of(notification: &pb::Notification) -> &pb::Delivery {
    notification
        .deliveries
        .iter()
        .find(|d| d.channel() == pb::DeliveryChannel::InApp)
        .expect("every notification is in the app")
}

/// The school's administrator gives `person` a contact e-mail.
async fn give_address(sandbox: &Sandbox, manager: &str, person: &str, email: &str) {
    let mut identity = IdentityServiceClient::new(sandbox.channel("identity").await.unwrap());
    let request = identity::UpdatePersonRequest {
        person: Some(identity::Person {
            id: person.into(),
            email: email.into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["email".into()],
        }),
    };
    identity
        .update_person(with_token(manager, request))
        .await
        .expect("the administrator records the address");
}

/// A class whose first student has a mother (with an address) and a
/// father (without one), signed in.
struct Family {
    class: EnglishClass,
    child: Person,
    mother: Person,
    father: Person,
}

impl Family {
    /// The teacher gives the child a mark of `value` in English on the
    /// lesson of the sandbox's day.
    async fn mark(&self, sandbox: &Sandbox, value: &str) -> gradebook::Mark {
        let lesson = self.class.term.lesson_on_or_before(SANDBOX_TODAY);
        let mut journal = GradebookServiceClient::new(sandbox.channel("gradebook").await.unwrap());
        let request = gradebook::CreateMarkRequest {
            student_id: self.child.id.clone(),
            subject_id: self.class.english.clone(),
            lesson_id: lesson.id.clone(),
            lesson_date: lesson.date.clone(),
            value: value.into(),
            ..Default::default()
        };
        journal
            .create_mark(with_token(&self.class.teacher_token, request))
            .await
            .expect("a mark")
            .into_inner()
            .mark
            .expect("the mark")
    }
}

async fn family(sandbox: &Sandbox, logins: &str) -> Family {
    let mut class = EnglishClass::new(sandbox, "Школа писем", logins)
        .await
        .expect("a class");
    let child = class.students[0].clone();
    let mother = class.builder.guardian_of(&child, "Алексеева").await;
    let father = class.builder.guardian_of(&child, "Алексеев").await;
    give_address(sandbox, &class.manager, &mother, "Mother@Family.TEST").await;
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let mut person = async |id: &String, login: String| Person {
        messaging: messaging.clone(),
        token: class.builder.token_of(id, &login).await,
        id: id.clone(),
    };
    let child = person(&child, format!("{logins}-child")).await;
    let mother = person(&mother, format!("{logins}-mother")).await;
    let father = person(&father, format!("{logins}-father")).await;
    Family {
        class,
        child,
        mother,
        father,
    }
}

#[tokio::test]
async fn a_mark_reaches_the_guardian_who_chose_email_once() {
    let mail = MailServer::start().await.expect("an SMTP server");
    let sandbox = Sandbox::start_with(Options {
        mail: Some(mail_to(mail.smtp_url())),
        ..Options::default()
    })
    .await
    .expect("sandbox");
    let family = family(&sandbox, "mail-once").await;
    let no_quiet = ("", "");
    use pb::EmailMode::AtOnce;
    use pb::NotificationKind::NewMark;
    family
        .mother
        .choose(NewMark, true, AtOnce, no_quiet)
        .await
        .unwrap();
    // The father wants mail too, but the school has no address of his.
    family
        .father
        .choose(NewMark, true, AtOnce, no_quiet)
        .await
        .unwrap();
    // The child keeps marks out of the app's unread count.
    family
        .child
        .choose(NewMark, false, pb::EmailMode::Off, no_quiet)
        .await
        .unwrap();

    let five = family.mark(&sandbox, "5").await;
    let letters = mail.wait_for(1).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:#?}");
    let letter = &letters[0];
    assert_eq!(
        letter.to, "Mother@family.test",
        "the domain is kept lower-cased"
    );
    assert_eq!(letter.subject, "Новая оценка 5 — Английский язык");
    assert!(
        letter
            .text
            .contains("Открыть в «Отметке»: https://dnevnik.test/notifications"),
        "{}",
        letter.text
    );
    assert!(
        letter
            .html
            .contains("https://dnevnik.test/settings/notifications"),
        "{}",
        letter.html
    );
    let told = family
        .mother
        .await_notifications(|found| {
            found.first().and_then(email_of).map(|d| d.state()) == Some(pb::DeliveryState::Sent)
        })
        .await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].resource_id, five.id);
    assert_eq!(
        letter.message_id,
        format!("<notification.{}@otmetka.test>", told[0].id),
        "the letter is named by its notification"
    );
    let sent = email_of(&told[0]).unwrap();
    assert_eq!(sent.attempt_count, 1);
    assert!(sent.deliver_time.is_some());

    let fathers = family
        .father
        .await_notifications(|found| {
            found.first().and_then(email_of).map(|d| d.state()) == Some(pb::DeliveryState::Skipped)
        })
        .await;
    let skipped = email_of(&fathers[0]).expect("his e-mail was queued");
    assert_eq!(skipped.state(), pb::DeliveryState::Skipped);
    assert_eq!(skipped.last_error, "no contact e-mail");
    assert_eq!(skipped.attempt_count, 0, "nothing was handed to the server");

    let childs = family.child.notifications().await;
    assert_eq!(childs.len(), 1, "muted is still listed");
    assert!(childs[0].read_time.is_some(), "muted is read already");
    assert_eq!(in_app_of(&childs[0]).state(), pb::DeliveryState::Skipped);
    assert_eq!(email_of(&childs[0]), None, "the child chose no e-mail");
    let shown = in_app_of(&told[0]);
    assert_eq!(shown.state(), pb::DeliveryState::Delivered);

    // A second mark makes a second letter; the first is not repeated.
    family.mark(&sandbox, "4").await;
    let letters = mail.wait_for(2).await.unwrap();
    assert_eq!(letters.len(), 2, "{letters:#?}");
    assert_eq!(letters[1].subject, "Новая оценка 4 — Английский язык");
    assert_ne!(letters[0].message_id, letters[1].message_id);
    sandbox.stop().await.unwrap();
    mail.stop().await.unwrap();
}

#[tokio::test]
async fn quiet_hours_hold_a_letter_until_the_morning() {
    let mail = MailServer::start().await.expect("an SMTP server");
    // 22:00 in Moscow, where the school is.
    let evening = Options {
        mail: Some(mail_to(mail.smtp_url())),
        time_of_day: NaiveTime::from_hms_opt(19, 0, 0),
        ..Options::default()
    };
    let sandbox = Sandbox::start_with(evening.clone()).await.expect("sandbox");
    let family = family(&sandbox, "mail-quiet").await;
    family
        .mother
        .choose(
            pb::NotificationKind::NewMark,
            true,
            pb::EmailMode::AtOnce,
            ("21:00", "08:00"),
        )
        .await
        .unwrap();
    family.mark(&sandbox, "5").await;
    let tomorrow = SANDBOX_TODAY + Days::new(1);
    let eight_in_moscow = tomorrow.and_hms_opt(5, 0, 0).unwrap().and_utc();
    let planned = family
        .mother
        .await_notifications(|found| {
            found
                .first()
                .and_then(email_of)
                .and_then(|d| d.next_attempt_time)
                .is_some_and(|due| due.seconds == eight_in_moscow.timestamp())
        })
        .await;
    let waiting = email_of(&planned[0]).expect("the e-mail is queued");
    assert_eq!(waiting.state(), pb::DeliveryState::Pending);
    assert_eq!(
        waiting.next_attempt_time.map(|due| due.seconds),
        Some(eight_in_moscow.timestamp()),
        "held until 08:00 school time"
    );
    assert_eq!(waiting.attempt_count, 0);
    assert!(mail.received().unwrap().is_empty(), "nothing at night");

    // 08:01 in Moscow the next day.
    let morning = Options {
        today: Some(tomorrow),
        time_of_day: NaiveTime::from_hms_opt(5, 1, 0),
        ..evening
    };
    let sandbox = sandbox.restart_with(morning).await.expect("a restart");
    let letters = mail.wait_for(1).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:#?}");
    assert_eq!(letters[0].subject, "Новая оценка 5 — Английский язык");
    sandbox.stop().await.unwrap();
    mail.stop().await.unwrap();
}

#[tokio::test]
async fn a_digest_gathers_the_day_in_one_letter_at_its_time() {
    let mail = MailServer::start().await.expect("an SMTP server");
    // 15:00 in Moscow.
    let afternoon = Options {
        mail: Some(mail_to(mail.smtp_url())),
        ..Options::default()
    };
    let sandbox = Sandbox::start_with(afternoon.clone())
        .await
        .expect("sandbox");
    let family = family(&sandbox, "mail-digest").await;
    family
        .mother
        .choose(
            pb::NotificationKind::NewMark,
            true,
            pb::EmailMode::Digest,
            ("", ""),
        )
        .await
        .unwrap();
    family.mark(&sandbox, "5").await;
    family.mark(&sandbox, "3").await;
    let seven_in_moscow = SANDBOX_TODAY.and_hms_opt(16, 0, 0).unwrap().and_utc();
    let planned = family
        .mother
        .await_notifications(|found| {
            found.len() == 2
                && found.iter().all(|n| {
                    email_of(n)
                        .and_then(|d| d.next_attempt_time)
                        .is_some_and(|due| due.seconds == seven_in_moscow.timestamp())
                })
        })
        .await;
    assert_eq!(planned.len(), 2, "both wait for 19:00: {planned:#?}");
    assert!(mail.received().unwrap().is_empty(), "nothing before 19:00");

    // 19:01 in Moscow.
    let evening = Options {
        time_of_day: NaiveTime::from_hms_opt(16, 1, 0),
        ..afternoon
    };
    let sandbox = sandbox.restart_with(evening).await.expect("a restart");
    let letters = mail.wait_for(1).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:#?}");
    let digest = &letters[0];
    assert!(
        digest.subject.starts_with("Сводка «Отметки» за ")
            && digest.subject.ends_with(": 2 уведомления"),
        "{}",
        digest.subject
    );
    assert!(
        digest.message_id.starts_with("<digest."),
        "{}",
        digest.message_id
    );
    for title in [
        "Новая оценка 5 — Английский язык",
        "Новая оценка 3 — Английский язык",
    ] {
        assert!(digest.text.contains(title), "{}", digest.text);
        assert!(digest.html.contains(title), "{}", digest.html);
    }
    let messaging = MessagingServiceClient::new(sandbox.channel("messaging").await.unwrap());
    let mother = Person {
        messaging,
        ..family.mother
    };
    let sent = mother
        .await_notifications(|found| {
            found
                .iter()
                .all(|n| email_of(n).map(|d| d.state()) == Some(pb::DeliveryState::Sent))
        })
        .await;
    assert!(
        sent.iter()
            .all(|n| email_of(n).map(|d| d.state()) == Some(pb::DeliveryState::Sent)),
        "{sent:#?}"
    );
    // Nothing more comes: the digest went once.
    assert_eq!(mail.received().unwrap().len(), 1);
    sandbox.stop().await.unwrap();
    mail.stop().await.unwrap();
}

#[tokio::test]
async fn a_refused_send_is_retried_and_recorded() {
    // A port nothing listens on yet: the first attempts are refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sandbox = Sandbox::start_with(Options {
        mail: Some(mail_to(format!("smtp://127.0.0.1:{port}"))),
        ..Options::default()
    })
    .await
    .expect("sandbox");
    let family = family(&sandbox, "mail-retry").await;
    family
        .mother
        .choose(
            pb::NotificationKind::NewMark,
            true,
            pb::EmailMode::AtOnce,
            ("", ""),
        )
        .await
        .unwrap();
    family.mark(&sandbox, "5").await;
    let refused = family
        .mother
        .await_notifications(|found| {
            found
                .first()
                .and_then(email_of)
                .is_some_and(|d| d.attempt_count >= 1)
        })
        .await;
    let waiting = email_of(&refused[0]).expect("the e-mail is queued");
    assert_eq!(waiting.state(), pb::DeliveryState::Pending, "{waiting:#?}");
    assert!(!waiting.last_error.is_empty(), "the refusal is recorded");
    assert!(waiting.next_attempt_time.is_some());

    let mail = MailServer::start_on(port)
        .await
        .expect("the server comes up");
    let letters = mail.wait_for(1).await.unwrap();
    assert_eq!(letters.len(), 1, "{letters:#?}");
    let sent = family
        .mother
        .await_notifications(|found| {
            found.first().and_then(email_of).map(|d| d.state()) == Some(pb::DeliveryState::Sent)
        })
        .await;
    let sent = email_of(&sent[0]).unwrap();
    assert_eq!(sent.state(), pb::DeliveryState::Sent);
    assert!(sent.attempt_count >= 2, "{sent:#?}");
    assert_eq!(
        letters[0].message_id,
        format!("<notification.{}@otmetka.test>", refused[0].id)
    );
    sandbox.stop().await.unwrap();
    mail.stop().await.unwrap();
}

#[tokio::test]
async fn settings_are_each_persons_own_with_defaults_and_named_errors() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let family = family(&sandbox, "mail-settings").await;
    let defaults = family.father.settings_of("").await.unwrap();
    assert_eq!(defaults.person_id, family.father.id);
    assert_eq!(defaults.rules.len(), 9, "one rule per kind: {defaults:#?}");
    assert!(
        defaults
            .rules
            .iter()
            .all(|r| r.in_app && r.email() == pb::EmailMode::Off && r.student_id.is_empty()),
        "in the app, no e-mail until asked for: {defaults:#?}"
    );
    assert_eq!(
        (
            defaults.quiet_hours_start.as_str(),
            defaults.quiet_hours_end.as_str(),
            defaults.digest_time.as_str()
        ),
        ("21:00", "08:00", "19:00")
    );
    assert!(!defaults.email_known, "the father has no address");
    assert!(defaults.update_time.is_none());
    assert!(family.mother.settings_of("").await.unwrap().email_known);

    // Nobody reads another's settings; each reads their own.
    let refused = family
        .father
        .settings_of(&family.mother.id)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert!(family.mother.settings_of(&family.mother.id).await.is_ok());
    let foreign = pb::NotificationSettings {
        person_id: family.mother.id.clone(),
        ..Default::default()
    };
    let refused = family.father.update(foreign.clone()).await.unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied);
    assert!(family.mother.update(foreign).await.is_ok());

    // A child's own rule stands beside the rule for anyone.
    let chosen = family
        .mother
        .update(pb::NotificationSettings {
            rules: vec![
                pb::NotificationRule {
                    kind: pb::NotificationKind::Attendance.into(),
                    in_app: true,
                    email: pb::EmailMode::AtOnce.into(),
                    ..Default::default()
                },
                pb::NotificationRule {
                    student_id: family.child.id.clone(),
                    kind: pb::NotificationKind::NewMark.into(),
                    in_app: false,
                    email: pb::EmailMode::Digest.into(),
                },
            ],
            quiet_hours_start: "22:30".into(),
            quiet_hours_end: "07:00".into(),
            digest_time: "20:15".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(chosen.rules.len(), 10, "nine for anyone, one for the child");
    let childs = chosen.rules.last().unwrap();
    assert_eq!(childs.student_id, family.child.id);
    assert_eq!(childs.email(), pb::EmailMode::Digest);
    let attendance = chosen
        .rules
        .iter()
        .find(|r| r.kind() == pb::NotificationKind::Attendance)
        .unwrap();
    assert_eq!(attendance.email(), pb::EmailMode::AtOnce);
    assert_eq!(chosen.digest_time, "20:15");
    assert!(chosen.update_time.is_some());
    assert_eq!(family.mother.settings_of("").await.unwrap(), chosen);

    // Wrong settings are named and change nothing.
    let wrong = |edit: fn(&mut pb::NotificationSettings)| {
        let mut settings = chosen.clone();
        edit(&mut settings);
        settings
    };
    let cases: [(pb::NotificationSettings, &str); 5] = [
        (
            wrong(|s| s.quiet_hours_start = "25:00".into()),
            "settings.quiet_hours_start",
        ),
        (
            wrong(|s| s.quiet_hours_end = String::new()),
            "settings.quiet_hours_end",
        ),
        (
            wrong(|s| s.digest_time = "7:00".into()),
            "settings.digest_time",
        ),
        (
            wrong(|s| s.rules[0].email = pb::EmailMode::Unspecified.into()),
            "settings.rules[0].email",
        ),
        (
            wrong(|s| s.rules[1].kind = s.rules[0].kind),
            "settings.rules[1]",
        ),
    ];
    for (settings, field) in cases {
        let refused = family.mother.update(settings).await.unwrap_err();
        assert_eq!(refused.code(), Code::InvalidArgument, "{field}");
        assert_eq!(violated_fields(&refused), [field]);
    }
    assert_eq!(family.mother.settings_of("").await.unwrap(), chosen);
    sandbox.stop().await.unwrap();
}
