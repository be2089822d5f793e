//! Becoming a guardian with the school's access code: signing up with a
//! login and password, finishing a first sign-in at an identity provider,
//! or adding a child to an account that already exists.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use otmetka_platform::Error;
use serde::Deserialize;

use super::i18n::{Lang, texts};
use super::page::{FieldErrors, PageError, Shell, Visitor, render};
use crate::AppState;
use crate::api::{RegistrationBody, redeem, register_guardian};
use crate::client_ip::ClientIp;
use crate::extract::{ApiQuery, PageForm};
use crate::oidc::ReturnTo;
use crate::oidc::registration::{LinkBody, link};

texts! {
    /// The words of signing up.
    SignUpTexts {
        sign_up: "Регистрация родителя"
            / "Sign up as a parent",
        sign_up_intro: "Код доступа выдаёт классный руководитель или администратор школы. Он связывает вашу учётную запись с ребёнком."
            / "The class teacher or the school administrator gives you an access code. It links your account to your child.",
        provider_intro: "Вы вошли через портал впервые. Введите код доступа от школы, чтобы увидеть дневник ребёнка."
            / "This is your first sign-in through the portal. Enter the access code from the school to see your child's diary.",
        provider_names_hint: "Если поля имени пусты, возьмём имя из портала."
            / "Leave the name empty to use the one the portal gave.",
        link_child: "Добавить ребёнка"
            / "Add a child",
        link_child_intro: "Введите код доступа, который школа выдала для ещё одного ребёнка."
            / "Enter the access code the school gave you for another child.",
        access_code: "Код доступа"
            / "Access code",
        access_code_hint: "Например: K3RT4-64UQ3-4CWKM"
            / "For example: K3RT4-64UQ3-4CWKM",
        family_name: "Фамилия"
            / "Family name",
        given_name: "Имя"
            / "Given name",
        middle_name: "Отчество (если есть)"
            / "Patronymic (if any)",
        new_login: "Придумайте логин"
            / "Choose a login",
        new_password: "Придумайте пароль (не короче 10 символов)"
            / "Choose a password (at least 10 characters)",
        submit_sign_up: "Зарегистрироваться"
            / "Sign up",
        submit_link: "Добавить"
            / "Add",
        code_refused: "Код не подошёл. Проверьте его или попросите у школы новый."
            / "The code did not work. Check it, or ask the school for a new one.",
        have_account: "Уже есть учётная запись? Войти"
            / "Already have an account? Sign in",
    }
}

#[derive(Deserialize, Default)]
pub struct SignUpForm {
    #[serde(default)]
    access_code: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    middle_name: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    return_to: Option<String>,
}

/// Which of the three forms: each asks for what its way needs.
#[derive(PartialEq, Eq)]
enum Way {
    /// A new account with a login and password.
    Password,
    /// A first sign-in at an identity provider, waiting for its code.
    Provider,
    /// A signed-in guardian adding a child.
    AnotherChild,
}

#[derive(Template)]
#[template(path = "sign_up.html")]
struct SignUpPage {
    shell: Shell,
    st: &'static SignUpTexts,
    way: Way,
    action: &'static str,
    form: SignUpForm,
    errors: FieldErrors,
    return_to: String,
}

impl SignUpPage {
    fn new(shell: Shell, way: Way, form: SignUpForm, return_to: &ReturnTo) -> Self {
        let action = match way {
            Way::Password => "/sign-up",
            Way::Provider => "/sign-up/provider",
            Way::AnotherChild => "/children/link",
        };
        Self {
            st: SignUpTexts::of(shell.lang),
            shell,
            way,
            action,
            form,
            errors: FieldErrors::default(),
            return_to: return_to.as_str().to_owned(),
        }
    }

    /// The form again, with what was wrong beside each field.
    fn refused(mut self, error: Error, lang: Lang) -> Response {
        let status = match &error {
            Error::InvalidArgument(_) => StatusCode::BAD_REQUEST,
            Error::ResourceExhausted(_) | Error::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Error::NotFound(_) | Error::FailedPrecondition(_) | Error::PermissionDenied(_) => {
                StatusCode::BAD_REQUEST
            }
            Error::AlreadyExists(_) => StatusCode::CONFLICT,
            Error::Unauthenticated(_) if self.way == Way::Provider => {
                return Redirect::to("/sign-in").into_response();
            }
            _ => return PageError::new(error, lang, self.action).into_response(),
        };
        // A wrong code reads the same whatever made it wrong.
        self.errors = FieldErrors::of(&error, lang, "access_code", self.st.code_refused);
        self.form.password.clear();
        render(status, &self)
    }
}

fn return_to(state: &AppState, text: Option<&str>) -> ReturnTo {
    ReturnTo::parse(&state.settings.public_url, text).unwrap_or_else(|_| ReturnTo::home())
}

#[derive(Deserialize)]
pub struct ReturnQuery {
    return_to: Option<String>,
}

/// `GET /sign-up` and `GET /sign-up/provider`: the empty form.
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    ApiQuery(query): ApiQuery<ReturnQuery>,
) -> Response {
    let lang = Lang::of(&headers, state.settings.cookie_secure);
    let way = if uri.path() == "/sign-up/provider" {
        Way::Provider
    } else {
        Way::Password
    };
    let back = return_to(&state, query.return_to.as_deref());
    let page = SignUpPage::new(
        Shell::new(lang, uri.path()),
        way,
        SignUpForm::default(),
        &back,
    );
    render(StatusCode::OK, &page)
}

/// `POST /sign-up`: registered, linked and signed in, then the diary.
pub async fn sign_up(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    PageForm(form): PageForm<SignUpForm>,
) -> Response {
    submit(&state, &headers, peer, form, Way::Password).await
}

/// `POST /sign-up/provider`: the account met at the provider becomes a
/// guardian's and is signed in.
pub async fn provider(
    State(state): State<AppState>,
    headers: HeaderMap,
    peer: ClientIp,
    PageForm(form): PageForm<SignUpForm>,
) -> Response {
    submit(&state, &headers, peer, form, Way::Provider).await
}

/// Either way of signing up: the cookies and off to where the person was
/// going, or the form again with what was wrong.
async fn submit(
    state: &AppState,
    headers: &HeaderMap,
    peer: ClientIp,
    form: otmetka_platform::Result<SignUpForm>,
    way: Way,
) -> Response {
    let lang = Lang::of(headers, state.settings.cookie_secure);
    let path = if way == Way::Provider {
        "/sign-up/provider"
    } else {
        "/sign-up"
    };
    let shell = Shell::new(lang, path);
    let form = match form {
        Ok(form) => form,
        Err(error) => {
            return SignUpPage::new(shell, way, SignUpForm::default(), &ReturnTo::home())
                .refused(error, lang);
        }
    };
    let back = return_to(state, form.return_to.as_deref());
    let signed_up = if way == Way::Provider {
        let body = LinkBody {
            access_code: form.access_code.clone(),
            family_name: form.family_name.clone(),
            given_name: form.given_name.clone(),
            middle_name: form.middle_name.clone(),
        };
        link(state, headers, peer, body).await
    } else {
        let body = RegistrationBody {
            access_code: form.access_code.clone(),
            family_name: form.family_name.clone(),
            given_name: form.given_name.clone(),
            middle_name: form.middle_name.clone(),
            login: form.login.clone(),
            password: form.password.clone(),
        };
        register_guardian(state, headers, peer, body)
            .await
            .map(|(cookie, _)| CookieJar::new().add(cookie))
    };
    match signed_up {
        Ok(cookies) => (cookies, Redirect::to(back.as_str())).into_response(),
        Err(error) => SignUpPage::new(shell, way, form, &back).refused(error, lang),
    }
}

/// `GET /children/link`: a signed-in guardian's form for another child.
pub async fn another_child_form(visitor: Visitor) -> Response {
    let page = SignUpPage::new(
        visitor.shell(String::new()),
        Way::AnotherChild,
        SignUpForm::default(),
        &ReturnTo::home(),
    );
    render(StatusCode::OK, &page)
}

/// `POST /children/link`: linked, then that child's diary.
pub async fn another_child(
    visitor: Visitor,
    peer: ClientIp,
    PageForm(form): PageForm<SignUpForm>,
) -> Response {
    let lang = visitor.lang;
    let page = |form| {
        SignUpPage::new(
            visitor.shell(String::new()),
            Way::AnotherChild,
            form,
            &ReturnTo::home(),
        )
    };
    let form = match form {
        Ok(form) => form,
        Err(error) => return page(SignUpForm::default()).refused(error, lang),
    };
    let state = &visitor.caller.state;
    let session = &visitor.caller.session;
    match redeem(state, peer, session, form.access_code.clone()).await {
        Ok(link) => Redirect::to(&format!("/diary/{}", link.student_id)).into_response(),
        Err(error) => page(form).refused(error, lang),
    }
}
