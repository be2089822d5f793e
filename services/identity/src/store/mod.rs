//! Every query identity runs, written once for both backends, one file per
//! resource. Storage errors become domain errors here: a unique violation
//! names what already exists.

use otmetka_platform::Error;

pub mod access_codes;
mod assignments;
pub mod attempts;
mod audience;
pub mod audit;
mod classes;
pub mod clients;
mod credentials;
mod families;
mod groups;
mod guardians;
mod keys;
mod memberships;
mod people;
mod roster;
mod schools;
mod sessions;
mod staff;
mod subjects;

pub use assignments::*;
pub use audience::*;
pub use classes::*;
pub use credentials::*;
pub use families::*;
pub use groups::*;
pub use guardians::*;
pub use keys::*;
pub use memberships::*;
pub use people::*;
pub use roster::*;
pub use schools::*;
pub use sessions::*;
pub use staff::*;
pub use subjects::*;

/// Turns a unique violation into "`what` already exists".
fn exists(what: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |error| match Error::from(error) {
        Error::AlreadyExists(_) => Error::AlreadyExists(what.into()),
        other => other,
    }
}

/// `LIKE` pattern for a substring, with the wildcards in it escaped.
fn contains_pattern(query: &str) -> String {
    let escaped = query
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}
