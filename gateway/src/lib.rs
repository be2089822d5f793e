//! The HTTP gateway: the only public entry for people. It signs them in,
//! keeps their sessions, and turns JSON requests into gRPC calls to the
//! services, carrying the person's token, a deadline and the trace.

mod access_codes;
mod account;
mod announcement_views;
mod announcements;
mod api;
mod attachments;
mod audit_events;
mod caller;
mod client_ip;
mod cookies;
mod correspondents;
mod credentials;
mod diary;
mod extract;
mod groups;
mod guard;
mod guardians;
mod homework;
mod journal;
mod lesson_changes;
mod lessons;
mod marks;
mod meeting_changes;
mod meeting_invitations;
mod meetings;
mod multipart;
mod notification_settings;
mod notifications;
mod observe;
mod oidc;
mod openapi;
mod people;
mod periods;
mod problem;
mod revocations;
mod roster;
mod roster_import;
mod school_journals;
mod school_names;
mod school_people;
mod schools;
mod session;
mod sign_in_limits;
mod staff;
mod submissions;
mod teaching;
mod teaching_assignments;
mod threads;
mod timetable;
mod vendor_grants;
mod vendors;
mod views;
mod web;

/// The readers of what a browser sends (cookies, JSON bodies, query
/// strings), for the fuzz targets in `fuzz/`. Not an API: it may change at
/// any time.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::cookies::{name as cookie_name, read as read_cookie};
    pub use crate::extract::{check_text, decode_json, decode_query};
    pub use crate::session::COOKIE_NAME as SESSION_COOKIE;
}

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use otmetka_platform::db::{Db, DbSettings, Migrations};
use otmetka_platform::grpc::client::lazy_channel;
use otmetka_platform::grpc::service_token::ServiceToken;
use otmetka_proto::gradebook::v1::gradebook_service_client::GradebookServiceClient;
use otmetka_proto::identity::v1::identity_service_client::IdentityServiceClient;
use otmetka_proto::messaging::v1::messaging_service_client::MessagingServiceClient;
use otmetka_proto::schedule::v1::schedule_service_client::ScheduleServiceClient;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use client_ip::TrustedProxies;
pub use oidc::{ProviderConfig, parse_providers};

pub const MIGRATIONS: Migrations = Migrations {
    postgres: &sqlx::migrate!("migrations/postgres"),
    sqlite: &sqlx::migrate!("migrations/sqlite"),
};

/// JSON requests are small; anything bigger is refused before it is read.
const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database: DbSettings,
    pub identity_url: String,
    pub gradebook_url: String,
    pub schedule_url: String,
    pub messaging_url: String,
    /// How long one call to a service may take.
    pub upstream_timeout: Duration,
    /// Mark the session cookie `Secure` (off only for plain-HTTP development).
    pub cookie_secure: bool,
    pub session_idle_timeout: Duration,
    pub session_lifetime: Duration,
    /// How long in-flight requests may finish after shutdown begins.
    pub shutdown_drain: Duration,
    /// Where people reach the gateway; OpenID Connect redirect URIs hang off it.
    pub public_url: String,
    pub oidc_providers: Vec<oidc::ProviderConfig>,
    /// How often to learn whose sessions must end.
    pub revocation_poll: Duration,
    /// Proxies in front of the gateway whose `X-Forwarded-For` is believed.
    pub trusted_proxies: client_ip::TrustedProxies,
    /// The gateway's own client credentials at identity (needed for
    /// sign-in by external identities).
    pub service_client: Option<(uuid::Uuid, otmetka_platform::config::Secret)>,
    /// Where the pages read today from (a teacher's day, the period it
    /// falls in): the services' clock, so a pinned date is one date.
    pub clock: otmetka_platform::clock::Clock,
}

#[derive(Clone)]
pub(crate) struct AppState {
    db: Db,
    identity: IdentityServiceClient<Channel>,
    gradebook: GradebookServiceClient<Channel>,
    schedule: ScheduleServiceClient<Channel>,
    messaging: MessagingServiceClient<Channel>,
    settings: std::sync::Arc<Settings>,
    /// Cancelled when shutdown begins: readiness turns false at once.
    shutdown: CancellationToken,
    oidc: std::sync::Arc<oidc::Providers>,
    service: Option<std::sync::Arc<ServiceToken>>,
    sessions: session::RecentSessions,
    people: people::KnownPeople,
    sign_in_limits: sign_in_limits::SignInLimits,
}

impl AppState {
    /// The gateway's own token for identity.
    async fn service_token(&self) -> otmetka_platform::Result<otmetka_platform::auth::BearerToken> {
        let service = self.service.as_ref().ok_or_else(|| {
            otmetka_platform::Error::Unavailable(
                "sign-in by external accounts is not configured".into(),
            )
        })?;
        service
            .get(&self.identity, self.settings.upstream_timeout)
            .await
    }
}

/// Every way in by a secret someone could guess; each handler counts its
/// attempts ([`sign_in_limits`]).
fn sign_in_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(api::create_session))
        .routes(routes!(api::register))
        .routes(routes!(api::redeem_access_code))
        .routes(routes!(oidc::registration::register))
}

/// Everything else, one `routes!` per path.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(api::current_session, api::delete_session))
        .routes(routes!(account::change_password))
        .routes(routes!(api::list_guardianships))
        .routes(routes!(people::me))
        .routes(routes!(account::list_sessions, account::end_other_sessions))
        .routes(routes!(account::end_session))
        .routes(routes!(oidc::login::providers))
        .routes(routes!(oidc::login::login))
        .routes(routes!(oidc::callback::callback))
        .routes(routes!(oidc::login::link_account))
        .routes(routes!(marks::create_mark))
        .routes(routes!(
            marks::get_mark,
            marks::update_mark,
            marks::delete_mark
        ))
        .routes(routes!(marks::list_revisions))
        .routes(routes!(marks::mark_seen))
        .routes(routes!(marks::list_student_marks))
        .routes(routes!(diary::week::student_week))
        .routes(routes!(diary::averages))
        .routes(routes!(diary::what_if))
        .routes(routes!(diary::records::final_marks))
        .routes(routes!(diary::records::attendance))
        .routes(routes!(diary::student_periods))
        .routes(routes!(diary::school_periods))
        .routes(routes!(journal::journal))
        .routes(routes!(
            journal::reopen::request_reopen,
            journal::reopen::list_reopen_requests
        ))
        .routes(routes!(journal::reopen::decide_reopen))
        .routes(routes!(journal::set_attendance))
        .routes(routes!(journal::finals::set_final_mark))
        .routes(routes!(journal::cohort::preview_cohort))
        .routes(routes!(journal::cohort::send_cohort))
        .routes(routes!(lessons::list_lessons))
        .routes(routes!(lessons::set_topic))
        .routes(routes!(roster::list_classes, roster::create_class))
        .routes(routes!(roster::list_class_students, roster::enrol_student))
        .routes(routes!(groups::list_groups, groups::create_group))
        .routes(routes!(threads::list_threads, threads::create_thread))
        .routes(routes!(threads::get_thread))
        .routes(routes!(threads::list_messages, threads::create_message))
        .routes(routes!(threads::read_thread))
        .routes(routes!(threads::archive_thread))
        .routes(routes!(threads::unread_counts))
        .routes(routes!(notifications::list_notifications))
        .routes(routes!(notifications::read_notifications))
        .routes(routes!(notifications::stream_notifications))
        .routes(routes!(
            notification_settings::get_notification_settings,
            notification_settings::update_notification_settings
        ))
        .routes(routes!(
            announcements::list_announcements,
            announcements::create_announcement
        ))
        .routes(routes!(
            announcements::get_announcement,
            announcements::update_announcement,
            announcements::delete_announcement
        ))
        .routes(routes!(announcements::read_announcements))
        .routes(routes!(meetings::list_meetings, meetings::create_meeting))
        .routes(routes!(
            meetings::get_meeting,
            meeting_changes::update_meeting
        ))
        .routes(routes!(meeting_changes::cancel_meeting))
        .routes(routes!(meeting_invitations::list_invitations))
        .routes(routes!(meeting_invitations::reply_invitation))
        .routes(routes!(correspondents::list_correspondents))
        .routes(routes!(roster_import::import_roster))
        .routes(routes!(credentials::issue_credentials))
        .routes(routes!(access_codes::issue_access_code))
        .routes(routes!(access_codes::issue_class_codes))
        .routes(routes!(access_codes::list_access_codes))
        .routes(routes!(access_codes::revoke_access_code))
        .routes(routes!(staff::list_staff, staff::create_staff_member))
        .routes(routes!(staff::grant_staff_role, staff::revoke_staff_role))
        .routes(routes!(
            teaching_assignments::list_teaching_assignments,
            teaching_assignments::create_teaching_assignment
        ))
        .routes(routes!(teaching_assignments::delete_teaching_assignment))
        .routes(routes!(
            guardians::list_student_guardians,
            guardians::link_guardian
        ))
        .routes(routes!(guardians::unlink_guardian))
        .routes(routes!(vendor_grants::list_vendor_grants))
        .routes(routes!(
            vendor_grants::grant_vendor,
            vendor_grants::revoke_vendor
        ))
        .routes(routes!(audit_events::list_audit_events))
        .routes(routes!(audit_events::list_city_audit_events))
        .routes(routes!(schools::list_schools, schools::create_school))
        .routes(routes!(schools::get_school, schools::update_school))
        .routes(routes!(vendors::list_clients, vendors::create_vendor))
        .routes(routes!(vendors::revoke_client))
        .routes(routes!(vendors::rotate_signing_key))
        .routes(routes!(teaching::my_lessons))
        .routes(routes!(teaching::my_journals))
        .routes(routes!(teaching::lesson::my_lesson))
        .routes(routes!(
            homework::create_homework,
            homework::lesson_homework
        ))
        .routes(routes!(submissions::get_homework))
        .routes(routes!(submissions::list_submissions, submissions::hand_in))
        .routes(routes!(submissions::change_submission))
        .routes(routes!(submissions::return_submission))
        .routes(routes!(submissions::mark_submission))
        .routes(routes!(attachments::upload))
        .routes(routes!(attachments::download))
        .routes(routes!(periods::list_academic_years))
        .routes(routes!(school_journals::school_journals))
        .routes(routes!(lessons::school_day))
        .routes(routes!(lesson_changes::substitute_teacher))
        .routes(routes!(lesson_changes::cancel_lesson))
        .routes(routes!(lesson_changes::restore_lesson))
        .routes(routes!(lesson_changes::change_room))
        .routes(routes!(periods::close_period))
        .routes(routes!(periods::reopen_period))
        .routes(routes!(
            timetable::bells::list_bell_schedules,
            timetable::bells::create_bell_schedule
        ))
        .routes(routes!(
            timetable::bells::update_bell_schedule,
            timetable::bells::delete_bell_schedule
        ))
        .routes(routes!(
            timetable::entries::list_timetable_entries,
            timetable::entries::create_timetable_entry
        ))
        .routes(routes!(
            timetable::entries::update_timetable_entry,
            timetable::entries::delete_timetable_entry
        ))
        .routes(routes!(
            timetable::holidays::list_holidays,
            timetable::holidays::create_holiday
        ))
        .routes(routes!(
            timetable::holidays::update_holiday,
            timetable::holidays::delete_holiday
        ))
        .routes(routes!(timetable::generation::generate_lessons))
        .routes(routes!(openapi::serve))
}

/// Every documented route, as the OpenAPI document sees them.
fn routes() -> OpenApiRouter<AppState> {
    api_routes().merge(sign_in_routes())
}

fn router(state: AppState) -> Router {
    let own_origin: std::sync::Arc<str> = guard::origin_of(&state.settings.public_url).into();
    let state_public_url = state.settings.public_url.clone();
    let cookie_secure = state.settings.cookie_secure;
    let trusted_proxies = std::sync::Arc::new(state.settings.trusted_proxies.clone());
    let (routes, _) = routes().split_for_parts();
    let mut api = routes
        .merge(web::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .with_state(state)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            cookie_secure,
            problem::http_errors_as_problems,
        ))
        .layer(axum::middleware::from_fn_with_state(
            own_origin,
            guard::refuse_cross_site,
        ));
    for (name, value) in guard::security_headers(&state_public_url) {
        api = api.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    let api = api.layer(axum::middleware::from_fn_with_state(
        trusted_proxies,
        client_ip::resolve,
    ));
    // Pages and JSON travel gzipped to browsers that ask: a phone on a
    // weak network gets the week in a few kilobytes.
    let api = api.layer(tower_http::compression::CompressionLayer::new());
    // Outermost, so that every answer (refusals included) is traced and counted.
    api.layer(axum::middleware::from_fn(observe::observe))
}

/// Ready while not shutting down and the session database answers.
async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::http::StatusCode {
    use axum::http::StatusCode;
    if state.shutdown.is_cancelled() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let answered = otmetka_platform::with_db!(&state.db, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok());
    if answered {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Serves the gateway on `listener` until `shutdown` is cancelled.
pub async fn run(
    settings: Settings,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let db = Db::open(&settings.database, MIGRATIONS).await?;
    let state = AppState {
        db: db.clone(),
        identity: IdentityServiceClient::new(lazy_channel(&settings.identity_url)?),
        gradebook: GradebookServiceClient::new(lazy_channel(&settings.gradebook_url)?),
        schedule: ScheduleServiceClient::new(lazy_channel(&settings.schedule_url)?),
        messaging: MessagingServiceClient::new(lazy_channel(&settings.messaging_url)?),
        settings: std::sync::Arc::new(settings.clone()),
        shutdown: shutdown.clone(),
        oidc: std::sync::Arc::new(oidc::Providers::new(
            settings.oidc_providers.clone(),
            &settings.public_url,
        )?),
        service: settings
            .service_client
            .clone()
            .map(|(id, secret)| std::sync::Arc::new(ServiceToken::new(id, secret))),
        sessions: session::RecentSessions::new(),
        people: people::KnownPeople::new(),
        sign_in_limits: sign_in_limits::SignInLimits::new(shutdown.clone()),
    };
    let purge = tokio::spawn(purge_sessions(db.clone(), shutdown.clone()));
    let revocations = if state.service.is_some() {
        Some(tokio::spawn(revocations::follow(
            state.clone(),
            settings.revocation_poll,
            shutdown.clone(),
        )))
    } else {
        tracing::warn!(
            "no client credentials: disabled people keep their sessions until their tokens lapse"
        );
        None
    };
    let address = listener.local_addr()?;
    tracing::info!(%address, "serving HTTP");
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown({
        let shutdown = shutdown.clone();
        async move { shutdown.cancelled().await }
    });
    let drain = settings.shutdown_drain;
    tokio::select! {
        result = server => result?,
        () = async { shutdown.cancelled().await; tokio::time::sleep(drain).await } => {
            tracing::warn!(?drain, "drain took too long; dropping the remaining requests");
        }
    }
    purge.abort();
    if let Some(revocations) = revocations {
        revocations.abort();
    }
    db.close().await;
    tracing::info!("gateway stopped");
    Ok(())
}

async fn purge_sessions(db: Db, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(Duration::from_secs(600));
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = shutdown.cancelled() => return,
        }
        match session::purge_expired(&db).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "purged expired sessions"),
            Err(error) => tracing::warn!(%error, "purging sessions failed"),
        }
    }
}
