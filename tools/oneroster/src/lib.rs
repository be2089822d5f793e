//! Loading OneRoster 1.2 CSV files into Otmetka through the vendor gRPC API,
//! the same calls and guarantees as any vendor's push: roster files map the
//! vendor's sourcedIds to platform ids, results become marks keyed by their
//! sourcedId with their dateLastModified as revision, so loading a file
//! again changes nothing and an interrupted load can simply go on.

mod client;
mod deletions;
pub mod input;
mod load;
pub mod manifest;
pub mod marks;
pub mod plan;
mod progress;
pub mod rejects;
mod retry;
pub mod roster;
mod send;
pub mod state;
pub mod table;
pub mod values;

pub use client::{Auth, ClientTls};
pub use load::{OPERATIONS_PER_MESSAGE, Options, Summary, load};
