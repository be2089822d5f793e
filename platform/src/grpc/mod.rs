//! gRPC plumbing shared by every service: the server bootstrap, the layers
//! every request passes, the per-call context and outgoing calls.

pub mod access;
pub mod auth_layer;
pub mod client;
pub mod context;
pub mod dispatch;
pub mod observe;
pub mod server;
pub mod service_token;

pub use context::{CallContext, Deadline};
pub use dispatch::{Reply, handle};
pub use server::{FeedServices, ServeOptions, serve};
