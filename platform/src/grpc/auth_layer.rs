//! Deny by default: every gRPC method needs a valid access token, except
//! health, reflection and the methods a service names as public.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures_util::future::BoxFuture;

use crate::auth::{BearerToken, TokenVerifier};

/// Infrastructure that probes and tools reach without a token.
const ALWAYS_PUBLIC_PREFIXES: [&str; 2] = ["/grpc.health.v1.", "/grpc.reflection."];

#[derive(Clone)]
pub struct AuthLayer {
    verifier: TokenVerifier,
    public_methods: &'static [&'static str],
}

impl AuthLayer {
    /// `public_methods` are full paths such as `/otmetka.identity.v1.IdentityService/Login`.
    pub fn new(verifier: TokenVerifier, public_methods: &'static [&'static str]) -> Self {
        Self {
            verifier,
            public_methods,
        }
    }

    fn is_public(&self, path: &str) -> bool {
        self.public_methods.contains(&path)
            || ALWAYS_PUBLIC_PREFIXES
                .iter()
                .any(|prefix| path.starts_with(prefix))
    }
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = Authenticate<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Authenticate {
            inner,
            layer: Arc::new(self.clone()),
        }
    }
}

#[derive(Clone)]
pub struct Authenticate<S> {
    inner: S,
    layer: Arc<AuthLayer>,
}

impl<S, B, RB> tower::Service<http::Request<B>> for Authenticate<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<RB>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    RB: Default,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        // The clone is fresh and not ready; swap so the ready one serves this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            if layer.is_public(request.uri().path()) {
                return inner.call(request).await;
            }
            let token = request
                .headers()
                .get(http::header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|token| !token.is_empty())
                .map(Arc::<str>::from);
            let Some(token) = token else {
                return Ok(tonic::Status::unauthenticated("access token required").into_http());
            };
            match layer.verifier.verify(&token).await {
                Ok(principal) => {
                    request.extensions_mut().insert(principal);
                    request.extensions_mut().insert(BearerToken(token));
                    inner.call(request).await
                }
                Err(error) => Ok(tonic::Status::from(error).into_http()),
            }
        })
    }
}
