//! Messaging's queries, one text for both backends.

pub mod announcements;
pub mod class_news;
pub mod deliveries;
pub mod invitations;
pub mod meetings;
pub mod messages;
pub mod news;
pub mod notifications;
pub mod settings;
pub mod threads;

/// Whether a write made something new or found what an earlier request
/// with the same idempotency key made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written<T> {
    New(T),
    Earlier(T),
}

impl<T> Written<T> {
    pub fn into_inner(self) -> T {
        match self {
            Written::New(value) | Written::Earlier(value) => value,
        }
    }
}
