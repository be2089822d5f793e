//! An OpenID Connect provider double that speaks the real protocol over
//! HTTP: discovery, JWKS, an authorization endpoint that signs in whoever
//! the test says and redirects back with a code, and a token endpoint that
//! checks the client, the redirect URI, the single-use code and the PKCE
//! verifier before issuing an EdDSA-signed ID token. Tests can make it
//! misbehave in each way a relying party must notice.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Ways the provider can lie in its ID token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    None,
    WrongIssuer,
    WrongAudience,
    WrongNonce,
    Expired,
    AlgNone,
    /// Signed by a key that is not in the provider's JWKS.
    ForeignKey,
}

struct Key {
    kid: String,
    encoding: EncodingKey,
    public: [u8; 32],
}

impl Key {
    fn generate() -> Self {
        let mut seed = [0u8; 32];
        rand::rng().fill_bytes(&mut seed);
        let signing = SigningKey::from_bytes(&seed);
        let der = signing.to_pkcs8_der().expect("encodable key");
        Self {
            kid: URL_SAFE_NO_PAD.encode(&seed[..8]),
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            public: signing.verifying_key().to_bytes(),
        }
    }
}

struct Grant {
    redirect_uri: String,
    nonce: String,
    challenge: String,
    subject: String,
}

struct Inner {
    issuer: String,
    client_id: String,
    client_secret: String,
    redirect_uris: Vec<String>,
    user: Option<(String, String, String)>,
    codes: HashMap<String, Grant>,
    tamper: Tamper,
    announce_issuer: bool,
    /// Names only at UserInfo, as node-oidc-provider gives them in the
    /// code flow; the ID token carries none.
    names_only_at_userinfo: bool,
    /// The `email` and `email_verified` claims of the ID token, if any.
    email: Option<(String, bool)>,
    /// Access tokens handed out, with the subject each is for.
    access_tokens: HashMap<String, String>,
    key: Key,
    foreign_key: Key,
}

/// A running provider double.
#[derive(Clone)]
pub struct ProviderDouble {
    pub issuer: String,
    inner: Arc<Mutex<Inner>>,
}

impl ProviderDouble {
    /// Starts on an ephemeral loopback port; the server lives as long as the test.
    pub async fn start(client_id: &str, client_secret: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let issuer = format!("http://{}", listener.local_addr().expect("address"));
        let inner = Arc::new(Mutex::new(Inner {
            issuer: issuer.clone(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            redirect_uris: Vec::new(),
            user: None,
            codes: HashMap::new(),
            tamper: Tamper::None,
            announce_issuer: false,
            names_only_at_userinfo: false,
            email: None,
            access_tokens: HashMap::new(),
            key: Key::generate(),
            foreign_key: Key::generate(),
        }));
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/jwks", get(jwks))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/logout", get(logout))
            .route("/userinfo", get(userinfo))
            .with_state(inner.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { issuer, inner }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().expect("not poisoned"))
    }

    /// Registers an exact redirect URI of the client.
    pub fn register_redirect_uri(&self, uri: &str) {
        self.with(|inner| inner.redirect_uris.push(uri.into()));
    }

    /// Who signs in at the next authorization request.
    pub fn sign_in_as(&self, subject: &str, family_name: &str, given_name: &str) {
        self.with(|inner| {
            inner.user = Some((subject.into(), family_name.into(), given_name.into()))
        });
    }

    /// The e-mail the next ID tokens claim, and whether the provider
    /// vouches for it (`email_verified`); `None` claims none.
    pub fn claim_email(&self, email: Option<(&str, bool)>) {
        self.with(|inner| {
            inner.email = email.map(|(address, verified)| (address.into(), verified))
        });
    }

    pub fn tamper(&self, tamper: Tamper) {
        self.with(|inner| inner.tamper = tamper);
    }

    /// Add `iss` to authorization responses (RFC 9207).
    /// Puts the names only behind the UserInfo endpoint.
    pub fn names_only_at_userinfo(&self, on: bool) {
        self.with(|inner| inner.names_only_at_userinfo = on);
    }

    pub fn announce_issuer(&self, on: bool) {
        self.with(|inner| inner.announce_issuer = on);
    }

    /// Replaces the signing key (the old one leaves the JWKS).
    pub fn rotate_key(&self) {
        self.with(|inner| inner.key = Key::generate());
    }
}

type Shared = State<Arc<Mutex<Inner>>>;

async fn discovery(State(inner): Shared) -> Json<serde_json::Value> {
    let issuer = inner.lock().expect("not poisoned").issuer.clone();
    Json(serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["EdDSA"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "end_session_endpoint": format!("{issuer}/logout"),
        "userinfo_endpoint": format!("{issuer}/userinfo"),
    }))
}

async fn jwks(State(inner): Shared) -> Json<serde_json::Value> {
    let inner = inner.lock().expect("not poisoned");
    Json(serde_json::json!({ "keys": [{
        "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
        "kid": inner.key.kid, "x": URL_SAFE_NO_PAD.encode(inner.key.public),
    }]}))
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    nonce: String,
    code_challenge: String,
    code_challenge_method: String,
}

async fn authorize(State(inner): Shared, Query(query): Query<AuthorizeQuery>) -> Response {
    let mut inner = inner.lock().expect("not poisoned");
    let known_client =
        query.client_id == inner.client_id && inner.redirect_uris.contains(&query.redirect_uri);
    if !known_client || query.response_type != "code" || query.code_challenge_method != "S256" {
        return (StatusCode::BAD_REQUEST, "invalid_request").into_response();
    }
    let Some((subject, _, _)) = inner.user.clone() else {
        return (StatusCode::UNAUTHORIZED, "nobody signed in").into_response();
    };
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let code = URL_SAFE_NO_PAD.encode(bytes);
    inner.codes.insert(
        code.clone(),
        Grant {
            redirect_uri: query.redirect_uri.clone(),
            nonce: query.nonce,
            challenge: query.code_challenge,
            subject,
        },
    );
    let mut to = url::Url::parse(&query.redirect_uri).expect("a registered URI");
    to.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &query.state);
    if inner.announce_issuer {
        to.query_pairs_mut().append_pair("iss", &inner.issuer);
    }
    Redirect::to(to.as_str()).into_response()
}

#[derive(Deserialize)]
struct LogoutQuery {
    id_token_hint: String,
    post_logout_redirect_uri: String,
}

/// RP-initiated logout: the hint must be a token this provider issued.
async fn logout(State(inner): Shared, Query(query): Query<LogoutQuery>) -> Response {
    let issuer = inner.lock().expect("not poisoned").issuer.clone();
    let payload = query
        .id_token_hint
        .split('.')
        .nth(1)
        .and_then(|part| URL_SAFE_NO_PAD.decode(part).ok());
    let claims: Option<serde_json::Value> =
        payload.and_then(|bytes| serde_json::from_slice(&bytes).ok());
    if claims.is_none_or(|claims| claims["iss"] != issuer.as_str()) {
        return (StatusCode::BAD_REQUEST, "invalid id_token_hint").into_response();
    }
    Redirect::to(&query.post_logout_redirect_uri).into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let encoded = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |text: &str| {
        url::form_urlencoded::parse(format!("x={text}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

async fn token(State(inner): Shared, headers: HeaderMap, Form(form): Form<TokenForm>) -> Response {
    let error = |what: &str| {
        (
            StatusCode::BAD_REQUEST,
            Json(serde_json::json!({ "error": what })),
        )
            .into_response()
    };
    let mut inner = inner.lock().expect("not poisoned");
    if basic_auth(&headers) != Some((inner.client_id.clone(), inner.client_secret.clone())) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(serde_json::json!({ "error": "invalid_client" })),
        )
            .into_response();
    }
    if form.grant_type != "authorization_code" {
        return error("unsupported_grant_type");
    }
    // Single use: a replayed code finds nothing.
    let Some(grant) = inner.codes.remove(&form.code) else {
        return error("invalid_grant");
    };
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(form.code_verifier.as_bytes()));
    if grant.redirect_uri != form.redirect_uri || grant.challenge != challenge {
        return error("invalid_grant");
    }
    let (_, family, given) = inner.user.clone().unwrap_or_default();
    let now = chrono::Utc::now().timestamp();
    let mut claims = serde_json::json!({
        "iss": inner.issuer, "sub": grant.subject, "aud": inner.client_id,
        "iat": now, "exp": now + 300, "nonce": grant.nonce,
    });
    if !inner.names_only_at_userinfo {
        claims["family_name"] = family.into();
        claims["given_name"] = given.into();
    }
    if let Some((email, verified)) = inner.email.clone() {
        claims["email"] = email.into();
        claims["email_verified"] = verified.into();
    }
    let access_token = format!("access-{}", form.code);
    inner
        .access_tokens
        .insert(access_token.clone(), grant.subject.clone());
    match inner.tamper {
        Tamper::WrongIssuer => claims["iss"] = "https://impostor.example".into(),
        Tamper::WrongAudience => claims["aud"] = "someone-else".into(),
        Tamper::WrongNonce => claims["nonce"] = "not-the-nonce".into(),
        Tamper::Expired => {
            claims["iat"] = (now - 3600).into();
            claims["exp"] = (now - 1800).into();
        }
        Tamper::None | Tamper::AlgNone | Tamper::ForeignKey => {}
    }
    let id_token = match inner.tamper {
        Tamper::AlgNone => format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        ),
        tamper => {
            let key = if tamper == Tamper::ForeignKey {
                &inner.foreign_key
            } else {
                &inner.key
            };
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(key.kid.clone());
            jsonwebtoken::encode(&header, &claims, &key.encoding).expect("signable")
        }
    };
    Json(serde_json::json!({
        "access_token": access_token, "token_type": "Bearer",
        "expires_in": 300, "id_token": id_token,
    }))
    .into_response()
}

/// The signed-in user's profile, for the bearer of an access token this
/// provider handed out.
async fn userinfo(State(inner): Shared, headers: HeaderMap) -> Response {
    let inner = inner.lock().expect("not poisoned");
    let bearer = headers
        .get("authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(subject) = bearer.and_then(|token| inner.access_tokens.get(token)) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let (_, family, given) = inner.user.clone().unwrap_or_default();
    Json(serde_json::json!({ "sub": subject, "family_name": family, "given_name": given }))
        .into_response()
}
