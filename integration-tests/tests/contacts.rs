//! Contact e-mails in identity: set by whoever may update a person, read
//! by the person and by them alone besides, and listed for the service that
//! e-mails notifications.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::school::{
    SchoolBuilder, service_client_token, violated_fields, with_token,
};
use otmetka_proto::identity::v1 as identity;
use tonic::Code;

/// A school with a class, a student and their guardian, a teacher of the
/// class and the school's administrator, each with a token.
struct World {
    sandbox: Sandbox,
    b: SchoolBuilder,
    class: String,
    student: String,
    guardian: String,
    teacher: String,
    tokens: Tokens,
}

struct Tokens {
    admin: String,
    teacher: String,
    student: String,
    guardian: String,
}

async fn world() -> World {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let mut b = SchoolBuilder::new(&sandbox, "Школа контактов")
        .await
        .unwrap();
    let admin = b
        .staff("Администратор", identity::StaffRole::SchoolAdmin)
        .await;
    let teacher = b.staff("Учитель", identity::StaffRole::Teacher).await;
    let class = b.class(5, "А", &teacher).await;
    let student = b.student_in(&class, "Ученик").await;
    let guardian = b.guardian_of(&student, "Родитель").await;
    let tokens = Tokens {
        admin: b.token_of(&admin, "c-admin").await,
        teacher: b.token_of(&teacher, "c-teacher").await,
        student: b.token_of(&student, "c-student").await,
        guardian: b.token_of(&guardian, "c-guardian").await,
    };
    World {
        sandbox,
        b,
        class,
        student,
        guardian,
        teacher,
        tokens,
    }
}

async fn update(
    w: &mut World,
    token: &str,
    person: &str,
    paths: &[&str],
    email: &str,
) -> Result<identity::Person, tonic::Status> {
    let request = identity::UpdatePersonRequest {
        person: Some(identity::Person {
            id: person.into(),
            family_name: "Родителева".into(),
            email: email.into(),
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: paths.iter().map(|path| path.to_string()).collect(),
        }),
    };
    w.b.identity
        .update_person(with_token(token, request))
        .await
        .map(|response| response.into_inner().person.expect("a person"))
}

/// The e-mail of `person` as the bearer of `token` reads it.
async fn email_read_by(w: &mut World, token: &str, person: &str) -> String {
    let request = identity::GetPersonRequest { id: person.into() };
    w.b.identity
        .get_person(with_token(token, request))
        .await
        .expect("a person the caller sees")
        .into_inner()
        .person
        .expect("a person")
        .email
}

#[tokio::test]
async fn the_school_sets_an_email_that_only_the_person_and_the_school_read() {
    let mut w = world().await;
    let admin = w.tokens.admin.clone();
    let guardian = w.guardian.clone();
    let set = update(
        &mut w,
        &admin,
        &guardian,
        &["email"],
        " Roditel@Shkola.Example ",
    )
    .await
    .unwrap();
    assert_eq!(
        set.email, "Roditel@shkola.example",
        "trimmed, domain lower-cased"
    );
    assert_eq!(set.family_name, "Родитель", "only the masked field changes");

    // The person and who may update them read it.
    let own = w.tokens.guardian.clone();
    assert_eq!(
        email_read_by(&mut w, &own, &guardian).await,
        "Roditel@shkola.example"
    );
    assert_eq!(
        email_read_by(&mut w, &admin, &guardian).await,
        "Roditel@shkola.example"
    );
    let city = w.b.city.clone();
    assert_eq!(
        email_read_by(&mut w, &city, &guardian).await,
        "Roditel@shkola.example"
    );

    // A teacher reads the roster, not the address.
    let teacher = w.tokens.teacher.clone();
    assert_eq!(email_read_by(&mut w, &teacher, &guardian).await, "");
    let listed =
        w.b.identity
            .list_persons(with_token(
                &teacher,
                identity::ListPersonsRequest {
                    school_id: w.b.school_id.clone(),
                    kind: identity::PersonKind::Guardian.into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .persons;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].email, "");
    let by_admin =
        w.b.identity
            .list_persons(with_token(
                &admin,
                identity::ListPersonsRequest {
                    school_id: w.b.school_id.clone(),
                    kind: identity::PersonKind::Guardian.into(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .persons;
    assert_eq!(by_admin[0].email, "Roditel@shkola.example");

    // A parent reads their child, not the child's address; the child does.
    let student = w.student.clone();
    update(
        &mut w,
        &admin,
        &student,
        &["email"],
        "uchenik@shkola.example",
    )
    .await
    .unwrap();
    assert_eq!(email_read_by(&mut w, &own, &student).await, "");
    let student_token = w.tokens.student.clone();
    assert_eq!(
        email_read_by(&mut w, &student_token, &student).await,
        "uchenik@shkola.example"
    );
    let class_students =
        w.b.identity
            .list_class_students(with_token(
                &teacher,
                identity::ListClassStudentsRequest {
                    class_id: w.class.clone(),
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .students;
    assert_eq!(class_students[0].id, student);
    assert_eq!(class_students[0].email, "");

    // A teacher may not set it; a change of names keeps it.
    let refused = update(&mut w, &teacher, &guardian, &["email"], "x@shkola.example").await;
    assert_eq!(refused.unwrap_err().code(), Code::NotFound);
    let renamed = update(&mut w, &admin, &guardian, &["family_name"], "")
        .await
        .unwrap();
    assert_eq!(renamed.family_name, "Родителева");
    assert_eq!(renamed.email, "Roditel@shkola.example");
    w.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn an_invalid_email_is_refused_by_its_field_and_an_empty_one_clears_it() {
    let mut w = world().await;
    let admin = w.tokens.admin.clone();
    let guardian = w.guardian.clone();
    update(
        &mut w,
        &admin,
        &guardian,
        &["email"],
        "roditel@shkola.example",
    )
    .await
    .unwrap();
    let too_long = format!("{}@shkola.example", "x".repeat(250));
    for bad in [
        "roditel at shkola.example",
        "roditel@shkola",
        "@shkola.example",
        "roditel@@shkola.example",
        "rodi tel@shkola.example",
        too_long.as_str(),
    ] {
        let refused = update(&mut w, &admin, &guardian, &["email"], bad)
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&refused), ["person.email"], "{bad}");
    }
    let own = w.tokens.guardian.clone();
    assert_eq!(
        email_read_by(&mut w, &own, &guardian).await,
        "roditel@shkola.example"
    );

    let cleared = update(&mut w, &admin, &guardian, &["email"], "")
        .await
        .unwrap();
    assert_eq!(cleared.email, "");
    assert_eq!(email_read_by(&mut w, &own, &guardian).await, "");
    w.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn the_notifying_service_lists_the_contacts_of_known_enabled_people() {
    let mut w = world().await;
    let admin = w.tokens.admin.clone();
    let guardian = w.guardian.clone();
    update(
        &mut w,
        &admin,
        &guardian,
        &["email"],
        "roditel@shkola.example",
    )
    .await
    .unwrap();
    let gone = w.b.person(identity::PersonKind::Guardian, "Выбывший").await;
    update(&mut w, &admin, &gone, &["email"], "gone@shkola.example")
        .await
        .unwrap();
    let disable = identity::UpdatePersonRequest {
        person: Some(identity::Person {
            id: gone.clone(),
            disabled: true,
            ..Default::default()
        }),
        update_mask: Some(prost_types::FieldMask {
            paths: vec!["disabled".into()],
        }),
    };
    w.b.identity
        .update_person(with_token(&admin, disable))
        .await
        .unwrap();
    let city = w.b.city.clone();
    let notifier = service_client_token(
        &mut w.b.identity,
        &city,
        "Почта",
        &otmetka_platform::authz::NOTIFIER_SCOPES,
    )
    .await;
    let unknown = uuid::Uuid::now_v7().to_string();
    let ask = |ids: Vec<String>| identity::ListContactsRequest { person_ids: ids };

    let contacts =
        w.b.identity
            .list_contacts(with_token(
                &notifier,
                ask(vec![
                    w.teacher.clone(),
                    guardian.clone(),
                    gone.clone(),
                    unknown,
                    guardian.clone(),
                ]),
            ))
            .await
            .unwrap()
            .into_inner()
            .contacts;
    let found: Vec<(&str, &str, &str)> = contacts
        .iter()
        .map(|c| {
            (
                c.person_id.as_str(),
                c.display_name.as_str(),
                c.email.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (w.teacher.as_str(), "Учитель Тест", ""),
            (guardian.as_str(), "Родитель Тест", "roditel@shkola.example"),
        ],
        "in the order asked, each once; the disabled and the unknown left out"
    );

    let too_many = vec![guardian.clone(); 501];
    let refused =
        w.b.identity
            .list_contacts(with_token(&notifier, ask(too_many)))
            .await
            .unwrap_err();
    assert_eq!(violated_fields(&refused), ["person_ids"]);
    let at_most =
        w.b.identity
            .list_contacts(with_token(&notifier, ask(vec![guardian.clone(); 500])))
            .await
            .unwrap()
            .into_inner()
            .contacts;
    assert_eq!(at_most.len(), 1);

    // People, even the school's administrator, are not the notifying service.
    for token in [&admin, &w.tokens.guardian.clone()] {
        let refused =
            w.b.identity
                .list_contacts(with_token(token, ask(vec![guardian.clone()])))
                .await
                .unwrap_err();
        assert_eq!(refused.code(), Code::PermissionDenied);
    }
    w.sandbox.stop().await.unwrap();
}

/// The demo's guardians have addresses, at a domain that reaches nobody.
#[tokio::test]
async fn the_demo_guardians_have_contact_emails() {
    let sandbox = Sandbox::start().await.expect("sandbox");
    let channel = sandbox.channel("identity").await.unwrap();
    let mut identity = identity::identity_service_client::IdentityServiceClient::new(channel);
    for (login, password, email) in [
        ("parent", "roditel-demo", "parent@demo.otmetka.test"),
        ("parent2", "roditel2-demo", "parent2@demo.otmetka.test"),
    ] {
        let signed_in = identity
            .login(identity::LoginRequest {
                login: login.into(),
                password: password.into(),
            })
            .await
            .unwrap()
            .into_inner();
        let request = identity::GetPersonRequest {
            id: signed_in.person_id,
        };
        let person = identity
            .get_person(with_token(&signed_in.access_token, request))
            .await
            .unwrap()
            .into_inner()
            .person
            .unwrap();
        assert_eq!(person.email, email, "{login}");
    }
    sandbox.stop().await.unwrap();
}
