//! Sign-in through OpenID Connect providers, driven through the gateway
//! against provider doubles that speak the protocol over HTTP.

use otmetka_integration_tests::Sandbox;
use otmetka_integration_tests::oidc_provider::{ProviderDouble, Tamper};
use otmetka_integration_tests::school::{PERSON_PASSWORD, sign_in, with_token};
use otmetka_local::Storage;
use otmetka_proto::identity::v1 as identity;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;

const CLIENT_ID: &str = "otmetka-city";
const CLIENT_SECRET: &str = "provider-issued-secret";

struct World {
    sandbox: Sandbox,
    mos: ProviderDouble,
    esia: ProviderDouble,
}

async fn world() -> World {
    let mos = ProviderDouble::start(CLIENT_ID, CLIENT_SECRET).await;
    let esia = ProviderDouble::start(CLIENT_ID, CLIENT_SECRET).await;
    let providers = json!([
        { "id": "mos", "title": "mos.ru", "issuer": mos.issuer, "client_id": CLIENT_ID,
          "client_secret": CLIENT_SECRET, "algorithms": ["EdDSA"] },
        { "id": "esia", "title": "Госуслуги", "issuer": esia.issuer, "client_id": CLIENT_ID,
          "client_secret": CLIENT_SECRET, "algorithms": ["EdDSA"] },
    ]);
    let providers = otmetka_gateway::parse_providers(&providers.to_string()).unwrap();
    let options = otmetka_integration_tests::Options {
        oidc_providers: providers,
        ..Default::default()
    };
    let sandbox = Sandbox::start_with(options).await.expect("sandbox");
    mos.register_redirect_uri(&format!("{}/api/v1/oidc/mos/callback", sandbox.gateway()));
    esia.register_redirect_uri(&format!("{}/api/v1/oidc/esia/callback", sandbox.gateway()));
    World { sandbox, mos, esia }
}

fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    assert!(
        response.status().is_redirection(),
        "expected a redirect, got {}",
        response.status()
    );
    response.headers()["location"].to_str().unwrap().to_owned()
}

/// Follows the flow up to the provider's redirect back: the callback URL.
async fn callback_url(world: &World, browser: &reqwest::Client, provider: &str) -> String {
    let start = browser
        .get(format!(
            "{}/api/v1/oidc/{provider}/login?return_to=/diary",
            world.sandbox.gateway()
        ))
        .send()
        .await
        .unwrap();
    let authorize = location(&start);
    assert!(
        authorize.contains("code_challenge_method=S256") && authorize.contains("nonce="),
        "{authorize}"
    );
    let back = browser.get(authorize).send().await.unwrap();
    location(&back)
}

async fn signed_in(world: &World, browser: &reqwest::Client) -> Option<String> {
    let response = browser
        .get(format!("{}/api/v1/session", world.sandbox.gateway()))
        .send()
        .await
        .unwrap();
    if response.status() != StatusCode::OK {
        return None;
    }
    let session: Value = response.json().await.unwrap();
    session["person_id"].as_str().map(str::to_owned)
}

/// A provider that shares names only through UserInfo (as certified
/// providers do in the code flow) still registers the guardian by name;
/// one that shares them nowhere leaves them for the person to type.
#[tokio::test]
async fn names_come_from_userinfo_when_the_id_token_has_none() {
    let world = world().await;
    let mut admin = world.sandbox.admin().await.unwrap();
    let mut code_for = async |student: &str| {
        admin
            .identity
            .issue_access_code(admin.request(identity::IssueAccessCodeRequest {
                student_id: student.to_owned(),
            }))
            .await
            .unwrap()
            .into_inner()
            .code
    };
    let first_code = code_for(&world.sandbox.demo.student_ids[1]).await;
    let second_code = code_for(&world.sandbox.demo.student_ids[2]).await;
    // Registers with the code alone; the person's names as identity keeps
    // them, or the refused fields.
    let register = async |provider: &str, code: &str| -> Result<(Value, Value), Value> {
        let browser = new_browser();
        let callback = callback_url(&world, &browser, provider).await;
        let response = browser.get(callback).send().await.unwrap();
        assert_eq!(location(&response), "/diary?oidc=access_code_required");
        let registered = browser
            .post(format!(
                "{}/api/v1/oidc/registrations",
                world.sandbox.gateway()
            ))
            .json(&json!({ "access_code": code }))
            .send()
            .await
            .unwrap();
        if registered.status() != StatusCode::CREATED {
            let problem: Value = registered.json().await.unwrap();
            return Err(problem["errors"].clone());
        }
        let me: Value = browser
            .get(format!("{}/api/v1/me", world.sandbox.gateway()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Ok((me["family_name"].clone(), me["given_name"].clone()))
    };

    world.mos.sign_in_as("mos-userinfo-1", "Фролова", "Дарья");
    world.mos.names_only_at_userinfo(true);
    assert_eq!(
        register("mos", &first_code).await,
        Ok((json!("Фролова"), json!("Дарья")))
    );

    // A provider with no names anywhere: the person must type them.
    world.esia.sign_in_as("esia-nameless-1", "", "");
    world.esia.names_only_at_userinfo(true);
    let refused = register("esia", &second_code).await.unwrap_err();
    let fields: Vec<&str> = refused
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|error| error["field"].as_str())
        .collect();
    assert!(fields.contains(&"family_name"), "{refused}");
    world.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_first_external_sign_in_asks_for_the_access_code_then_signs_in_directly() {
    let world = world().await;
    let child = world.sandbox.demo.student_ids[3].clone();
    world.mos.sign_in_as("mos-user-1", "Новикова", "Ольга");

    let listed: Value = new_browser()
        .get(format!("{}/api/v1/oidc/providers", world.sandbox.gateway()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["providers"][1]["title"], "Госуслуги");

    let first = new_browser();
    let callback = callback_url(&world, &first, "mos").await;
    let response = first.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/diary?oidc=access_code_required");
    assert_eq!(
        signed_in(&world, &first).await,
        None,
        "no session before the code"
    );

    let mut admin = world.sandbox.admin().await.unwrap();
    let code = admin
        .identity
        .issue_access_code(admin.request(identity::IssueAccessCodeRequest {
            student_id: child.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .code;
    let register = |code: &str| {
        first
            .post(format!(
                "{}/api/v1/oidc/registrations",
                world.sandbox.gateway()
            ))
            .json(&json!({ "access_code": code }))
            .send()
    };
    let wrong = register("AAAAA-AAAAA-AAAAA").await.unwrap();
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    let problem: Value = wrong.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "access_code");
    assert_eq!(register(&code).await.unwrap().status(), StatusCode::CREATED);
    let person = signed_in(&world, &first).await.expect("signed in");
    let marks = first
        .get(format!(
            "{}/api/v1/students/{child}/marks",
            world.sandbox.gateway()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(marks.status(), StatusCode::OK);

    // Next time the provider alone is enough, on any browser.
    let later = new_browser();
    let callback = callback_url(&world, &later, "mos").await;
    let response = later.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/diary");
    assert_eq!(signed_in(&world, &later).await, Some(person.clone()));

    // Signing out also signs out at the provider (RP-initiated logout).
    let signed_out = later
        .delete(format!("{}/api/v1/session", world.sandbox.gateway()))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), StatusCode::OK);
    let body: Value = signed_out.json().await.unwrap();
    let logout = body["provider_logout_url"]
        .as_str()
        .expect("a provider logout URL")
        .to_owned();
    assert!(
        logout.starts_with(&format!("{}/logout?", world.mos.issuer)),
        "{logout}"
    );
    let at_provider = later.get(&logout).send().await.unwrap();
    assert_eq!(
        location(&at_provider),
        format!("{}/", world.sandbox.gateway())
    );
    assert_eq!(signed_in(&world, &later).await, None);

    // The same subject at another provider is another person.
    world.esia.sign_in_as("mos-user-1", "Новикова", "Ольга");
    let elsewhere = new_browser();
    let callback = callback_url(&world, &elsewhere, "esia").await;
    let response = elsewhere.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/diary?oidc=access_code_required");
    world.sandbox.stop().await.unwrap();
}

/// A token of `person`, signed in with a password the school gives them
/// for the purpose: how they read themselves over gRPC.
async fn token_of(world: &World, person: &str, login: &str) -> String {
    let mut admin = world.sandbox.admin().await.unwrap();
    admin
        .identity
        .set_credentials(admin.request(identity::SetCredentialsRequest {
            person_id: person.into(),
            login: login.into(),
            password: PERSON_PASSWORD.into(),
        }))
        .await
        .unwrap();
    sign_in(&mut admin.identity, login, PERSON_PASSWORD).await
}

/// The contact e-mail of `person` as the bearer of `token` reads it.
async fn email_read_by(world: &World, token: &str, person: &str) -> String {
    let channel = world.sandbox.channel("identity").await.unwrap();
    identity::identity_service_client::IdentityServiceClient::new(channel)
        .get_person(with_token(
            token,
            identity::GetPersonRequest { id: person.into() },
        ))
        .await
        .unwrap()
        .into_inner()
        .person
        .unwrap()
        .email
}

/// An e-mail the provider vouches for (`email_verified`) becomes the
/// person's contact e-mail when they register and whenever they sign in
/// again; one it does not vouch for, or one that is no address, changes
/// nothing and stops no one signing in.
#[tokio::test]
async fn a_verified_email_becomes_the_contact_email_and_an_unverified_one_does_not() {
    let world = world().await;
    let mut admin = world.sandbox.admin().await.unwrap();
    let code = admin
        .identity
        .issue_access_code(admin.request(identity::IssueAccessCodeRequest {
            student_id: world.sandbox.demo.student_ids[4].clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .code;
    world.mos.sign_in_as("mos-mail-1", "Фролова", "Дарья");
    world.mos.claim_email(Some(("Frolova@Mail.Example", true)));
    let browser = new_browser();
    let callback = callback_url(&world, &browser, "mos").await;
    let response = browser.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/diary?oidc=access_code_required");
    let registered = browser
        .post(format!(
            "{}/api/v1/oidc/registrations",
            world.sandbox.gateway()
        ))
        .json(&json!({ "access_code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let person = signed_in(&world, &browser).await.expect("signed in");
    let own = token_of(&world, &person, "frolova-mail").await;
    assert_eq!(
        email_read_by(&world, &own, &person).await,
        "Frolova@mail.example"
    );

    // Signs in again, the provider claiming `email` this time.
    let sign_in_claiming = async |email: Option<(&str, bool)>| {
        world.mos.claim_email(email);
        let again = new_browser();
        let callback = callback_url(&world, &again, "mos").await;
        let response = again.get(callback).send().await.unwrap();
        assert_eq!(location(&response), "/diary");
        assert_eq!(signed_in(&world, &again).await.as_ref(), Some(&person));
    };
    sign_in_claiming(Some(("someone.else@mail.example", false))).await;
    sign_in_claiming(None).await;
    sign_in_claiming(Some(("not an address", true))).await;
    assert_eq!(
        email_read_by(&world, &own, &person).await,
        "Frolova@mail.example",
        "neither an unverified nor an invalid claim replaces it"
    );
    sign_in_claiming(Some(("d.frolova@post.example", true))).await;
    assert_eq!(
        email_read_by(&world, &own, &person).await,
        "d.frolova@post.example",
        "a newly verified address replaces the old one"
    );

    // Registered with an address the provider does not vouch for: none kept.
    let second = admin
        .identity
        .issue_access_code(admin.request(identity::IssueAccessCodeRequest {
            student_id: world.sandbox.demo.student_ids[3].clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .code;
    world.esia.sign_in_as("esia-mail-2", "Зайцева", "Ольга");
    world
        .esia
        .claim_email(Some(("zaytseva@mail.example", false)));
    let browser = new_browser();
    let callback = callback_url(&world, &browser, "esia").await;
    browser.get(callback).send().await.unwrap();
    let registered = browser
        .post(format!(
            "{}/api/v1/oidc/registrations",
            world.sandbox.gateway()
        ))
        .json(&json!({ "access_code": second }))
        .send()
        .await
        .unwrap();
    assert_eq!(registered.status(), StatusCode::CREATED);
    let unverified = signed_in(&world, &browser).await.expect("signed in");
    let own = token_of(&world, &unverified, "zaytseva-mail").await;
    assert_eq!(email_read_by(&world, &own, &unverified).await, "");
    world.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn tampered_id_tokens_are_rejected() {
    let world = world().await;
    world.mos.sign_in_as("mos-user-2", "Орлов", "Пётр");
    for tamper in [
        Tamper::WrongIssuer,
        Tamper::WrongAudience,
        Tamper::WrongNonce,
        Tamper::Expired,
        Tamper::AlgNone,
        Tamper::ForeignKey,
    ] {
        world.mos.tamper(tamper);
        let browser = new_browser();
        let callback = callback_url(&world, &browser, "mos").await;
        let response = browser.get(callback).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{tamper:?}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(
            problem["errors"][0]["field"], "id_token",
            "{tamper:?}: {problem}"
        );
        assert_eq!(signed_in(&world, &browser).await, None, "{tamper:?}");
    }
    // The provider rotating its key is not tampering: the gateway re-reads keys.
    world.mos.tamper(Tamper::None);
    world.mos.rotate_key();
    let browser = new_browser();
    let callback = callback_url(&world, &browser, "mos").await;
    let response = browser.get(callback).send().await.unwrap();
    assert!(
        response.status().is_redirection(),
        "after a key rotation: {}",
        response.status()
    );
    world.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn state_and_code_are_bound_to_the_browser_and_spent_once() {
    let world = world().await;
    world.mos.sign_in_as("mos-user-3", "Белова", "Ирина");

    // Only a path of this site is returned to: a tab, a line break or a
    // second slash would take the browser elsewhere after sign-in.
    for hostile in [
        "%2F%09%2Fevil.example",
        "/%0D%0A/x",
        "//evil.example",
        "https://evil.example",
    ] {
        let refused = new_browser()
            .get(format!(
                "{}/api/v1/oidc/mos/login?return_to={hostile}",
                world.sandbox.gateway()
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::BAD_REQUEST, "{hostile}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "return_to", "{hostile}");
    }
    let kept = new_browser()
        .get(format!(
            "{}/api/v1/oidc/mos/login?return_to=/diary%3Fweek%3D3",
            world.sandbox.gateway()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);

    // A callback delivered to another browser (login CSRF) is refused.
    let victim = new_browser();
    let attacker = new_browser();
    let attackers_callback = callback_url(&world, &attacker, "mos").await;
    let _ = callback_url(&world, &victim, "mos").await;
    assert_eq!(
        victim
            .get(&attackers_callback)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );

    // A forged state is refused.
    let browser_a = new_browser();
    let callback = callback_url(&world, &browser_a, "mos").await;
    let forged = callback.replace("state=", "state=x");
    assert_eq!(
        browser_a.get(&forged).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );

    // Replaying a completed callback: the state is spent.
    let browser_b = new_browser();
    let callback = callback_url(&world, &browser_b, "mos").await;
    assert!(
        browser_b
            .get(&callback)
            .send()
            .await
            .unwrap()
            .status()
            .is_redirection()
    );
    assert_eq!(
        browser_b.get(&callback).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );

    // Replaying a spent code inside a fresh flow: the provider refuses it.
    let spent_code = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == "code")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    let fresh = callback_url(&world, &browser_b, "mos").await;
    let mut replayed = url::Url::parse(&fresh).unwrap();
    let pairs: Vec<(String, String)> = replayed
        .query_pairs()
        .map(|(key, value)| {
            let value = if key == "code" {
                spent_code.clone()
            } else {
                value.into_owned()
            };
            (key.into_owned(), value)
        })
        .collect();
    replayed.query_pairs_mut().clear().extend_pairs(pairs);
    let response = browser_b.get(replayed.as_str()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "code");
    world.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_response_from_one_provider_cannot_complete_another() {
    let world = world().await;
    world.esia.sign_in_as("esia-user", "Зайцев", "Илья");
    world.esia.announce_issuer(true);

    // Mix-up: the browser went to esia; its answer is sent to mos's callback.
    let browser = new_browser();
    let esia_callback = callback_url(&world, &browser, "esia").await;
    assert!(esia_callback.contains("iss="));
    let to_mos = esia_callback.replace("/api/v1/oidc/esia/callback", "/api/v1/oidc/mos/callback");
    assert_eq!(
        browser.get(&to_mos).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(signed_in(&world, &browser).await, None);

    // Redirect URI variants are not callbacks; unknown providers do not exist.
    let browser = new_browser();
    let callback = callback_url(&world, &browser, "esia").await;
    for variant in [
        callback.replace("/callback?", "/callback/?"),
        callback.replace("/api/v1/oidc/esia/callback", "/api/v1/oidc/esia/callback2"),
        callback.replace("/api/v1/oidc/esia/callback", "/api/v1/oidc/nobody/callback"),
    ] {
        let status = browser.get(&variant).send().await.unwrap().status();
        assert!(
            status == StatusCode::NOT_FOUND || status == StatusCode::BAD_REQUEST,
            "{variant}: {status}"
        );
    }
    assert_eq!(signed_in(&world, &browser).await, None);
    // The genuine callback still works once.
    assert!(
        browser
            .get(&callback)
            .send()
            .await
            .unwrap()
            .status()
            .is_redirection()
    );
    world.sandbox.stop().await.unwrap();
}

#[tokio::test]
async fn a_signed_in_teacher_links_an_external_account_and_signs_in_with_it() {
    let world = world().await;
    world.mos.sign_in_as("mos-teacher", "Иванова", "Мария");
    // Signed in with school credentials, in a browser that does not follow redirects.
    let browser = new_browser();
    let response = browser
        .post(format!("{}/api/v1/session", world.sandbox.gateway()))
        .json(&json!({ "login": "teacher", "password": "uchitel-demo" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let teacher = signed_in(&world, &browser).await.expect("signed in");

    // Linking needs a session; a stranger's browser cannot start it.
    let anonymous = new_browser()
        .get(format!("{}/api/v1/oidc/mos/link", world.sandbox.gateway()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let start = browser
        .get(format!(
            "{}/api/v1/oidc/mos/link?return_to=/settings",
            world.sandbox.gateway()
        ))
        .send()
        .await
        .unwrap();
    let back = browser.get(location(&start)).send().await.unwrap();
    let done = browser.get(location(&back)).send().await.unwrap();
    assert_eq!(location(&done), "/settings?oidc=linked");

    // From now on mos.ru alone signs the teacher in.
    let elsewhere = new_browser();
    let callback = callback_url(&world, &elsewhere, "mos").await;
    let response = elsewhere.get(callback).send().await.unwrap();
    assert_eq!(location(&response), "/diary");
    assert_eq!(signed_in(&world, &elsewhere).await, Some(teacher));

    // The same external account cannot be linked to a second person.
    let parent = new_browser();
    parent
        .post(format!("{}/api/v1/session", world.sandbox.gateway()))
        .json(&json!({ "login": "parent", "password": "roditel-demo" }))
        .send()
        .await
        .unwrap();
    let start = parent
        .get(format!("{}/api/v1/oidc/mos/link", world.sandbox.gateway()))
        .send()
        .await
        .unwrap();
    let back = parent.get(location(&start)).send().await.unwrap();
    let refused = parent.get(location(&back)).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    world.sandbox.stop().await.unwrap();
}

/// Moves the start of every session in the gateway's store `by` into the
/// past, as if everyone had signed in that much earlier.
async fn sign_ins_long_ago(sandbox: &Sandbox, by: chrono::Duration) {
    let at = chrono::Utc::now() - by;
    match sandbox.suite_storage() {
        Storage::Postgres(url) => {
            let mut connection = sqlx::PgConnection::connect(url.expose()).await.unwrap();
            sqlx::query("UPDATE gateway.sessions SET created_at = $1")
                .bind(at)
                .execute(&mut connection)
                .await
                .unwrap();
            connection.close().await.unwrap();
        }
        Storage::Sqlite(folder) => {
            let options =
                sqlx::sqlite::SqliteConnectOptions::new().filename(folder.join("gateway.db"));
            let mut connection = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            sqlx::query("UPDATE sessions SET created_at = $1")
                .bind(at)
                .execute(&mut connection)
                .await
                .unwrap();
            connection.close().await.unwrap();
        }
    }
    // The gateway trusts a session it read for 2 s.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
}

/// A new way to sign in is added only right after signing in: whoever
/// takes over an older session cannot plant their own account in it.
#[tokio::test]
async fn linking_an_account_needs_a_recent_sign_in() {
    let world = world().await;
    world.mos.sign_in_as("mos-intruder", "Чужой", "Человек");
    let browser = new_browser();
    let sign_in = || {
        browser
            .post(format!("{}/api/v1/session", world.sandbox.gateway()))
            .json(&json!({ "login": "teacher", "password": "uchitel-demo" }))
            .send()
    };
    assert_eq!(sign_in().await.unwrap().status(), StatusCode::CREATED);
    sign_ins_long_ago(&world.sandbox, chrono::Duration::minutes(11)).await;
    assert!(
        signed_in(&world, &browser).await.is_some(),
        "still signed in"
    );

    let link = || {
        browser
            .get(format!("{}/api/v1/oidc/mos/link", world.sandbox.gateway()))
            .send()
    };
    let refused = link().await.unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        refused.headers()["content-type"],
        "application/problem+json"
    );

    // Signing in again opens the way.
    assert_eq!(sign_in().await.unwrap().status(), StatusCode::CREATED);
    let start = link().await.unwrap();
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    world.sandbox.stop().await.unwrap();
}
