//! What a handler knows about the call it serves, and how it calls onwards
//! on the same caller's behalf within the same deadline.

use std::time::{Duration, Instant};

use crate::auth::{BearerToken, Principal};
use crate::error::{Error, Result};

/// When the current request must be answered; set by the observe layer from
/// the client's `grpc-timeout` and the server's own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline(pub Instant);

impl Deadline {
    pub fn remaining(&self) -> Duration {
        self.0.saturating_duration_since(Instant::now())
    }
}

/// Metadata naming the end user's network address, set by the gateway.
pub const CLIENT_ADDRESS_HEADER: &str = "x-otmetka-client-address";

/// The verified caller of a request, their token, the request's deadline and
/// where the end user is.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub principal: Principal,
    pub token: BearerToken,
    pub deadline: Option<Deadline>,
    pub client_address: String,
}

/// The end user's address: as the gateway reported it, else the peer's.
/// Only audit records use it; it decides nothing.
pub fn client_address<T>(request: &tonic::Request<T>) -> String {
    request
        .metadata()
        .get(CLIENT_ADDRESS_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            request
                .remote_addr()
                .map(|address| address.ip().to_string())
        })
        .unwrap_or_default()
}

impl CallContext {
    /// The caller of an authenticated request. The auth layer has already
    /// refused requests without a valid token; this only reads its result.
    pub fn of<T>(request: &tonic::Request<T>) -> Result<Self> {
        let extensions = request.extensions();
        let principal = extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| Error::Unauthenticated("access token required".into()))?;
        let token = extensions
            .get::<BearerToken>()
            .cloned()
            .ok_or_else(|| Error::Unauthenticated("access token required".into()))?;
        Ok(Self {
            principal,
            token,
            deadline: extensions.get::<Deadline>().copied(),
            client_address: client_address(request),
        })
    }

    /// The caller's person id; machine clients are refused.
    pub fn person_id(&self) -> Result<uuid::Uuid> {
        if self.principal.is_client() {
            return Err(Error::PermissionDenied("only people may do this".into()));
        }
        Ok(self.principal.id)
    }

    /// A request to another service on this caller's behalf.
    pub fn forward<T>(&self, message: T) -> Result<tonic::Request<T>> {
        let mut request = outgoing(message, &self.token, self.deadline)?;
        set_client_address(&mut request, &self.client_address);
        Ok(request)
    }
}

/// Tells the called service where the end user is.
pub fn set_client_address<T>(request: &mut tonic::Request<T>, address: &str) {
    if let Ok(value) = address.parse() {
        request.metadata_mut().insert(CLIENT_ADDRESS_HEADER, value);
    }
}

/// A request carrying `token`, the remaining deadline and the current trace context.
pub fn outgoing<T>(
    message: T,
    token: &BearerToken,
    deadline: Option<Deadline>,
) -> Result<tonic::Request<T>> {
    let mut request = tonic::Request::new(message);
    if let Some(deadline) = deadline {
        let remaining = deadline.remaining();
        if remaining.is_zero() {
            return Err(Error::DeadlineExceeded);
        }
        request.set_timeout(remaining);
    }
    let value = format!("Bearer {}", token.0)
        .parse()
        .map_err(|_| Error::Unauthenticated("malformed access token".into()))?;
    request.metadata_mut().insert("authorization", value);
    crate::telemetry::inject_current_context(request.metadata_mut());
    Ok(request)
}
