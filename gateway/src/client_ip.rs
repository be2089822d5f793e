//! Where a request came from. Behind an ingress or load balancer the TCP peer
//! is the proxy, so the address is taken from `X-Forwarded-For` — but only
//! when the peer is a proxy the gateway was told to trust, and only up to the
//! first hop that is not one: anything further left was written by the
//! client and may be forged. Rate limits, sessions and the audit trail all
//! use this one answer.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses or networks
    /// ("10.0.0.0/8, 192.168.1.7").
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{item:?} is not an IP address or network"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client's address: the peer, unless it is a trusted proxy; then the
    /// nearest untrusted hop of the forwarded chain (the farthest one when
    /// every hop is trusted).
    pub fn client_of(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops = forwarded_for
            .iter()
            .rev()
            .flat_map(|header| header.rsplit(','))
            .map(str::trim);
        for hop in hops {
            let Ok(address) = hop.parse::<IpAddr>() else {
                // A garbled hop ends what can be believed.
                break;
            };
            client = address.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The request's client address, set by [`resolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientIp(pub IpAddr);

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Middleware: works out the client address once, for every layer and
/// handler after it.
pub async fn resolve(
    State(proxies): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |info| info.0.ip());
    let forwarded: Vec<&str> = request
        .headers()
        .get_all(FORWARDED_FOR)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect();
    let client = ClientIp(proxies.client_of(peer, &forwarded));
    request.extensions_mut().insert(client);
    next.run(request).await
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(of(&parts.extensions))
    }
}

/// The resolved client address of a request (unspecified if the middleware
/// did not run, which the router never allows).
pub fn of(extensions: &axum::http::Extensions) -> ClientIp {
    extensions
        .get::<ClientIp>()
        .copied()
        .unwrap_or(ClientIp(IpAddr::from([0, 0, 0, 0])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(
            proxies.client_of(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_of(ip("10.0.0.1"), &["198.51.100.1"]),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_trusted_proxy_hands_over_to_the_nearest_untrusted_hop() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7").unwrap();
        // The client forged the leftmost entry; the ingress appended the real one.
        assert_eq!(
            proxies.client_of(ip("10.1.2.3"), &["1.2.3.4, 198.51.100.7"]),
            ip("198.51.100.7")
        );
        // Two trusted proxies in a row, the chain split over two headers.
        assert_eq!(
            proxies.client_of(ip("10.1.2.3"), &["198.51.100.7", "192.168.1.7"]),
            ip("198.51.100.7")
        );
        // Nothing forwarded: the proxy itself.
        assert_eq!(proxies.client_of(ip("10.1.2.3"), &[]), ip("10.1.2.3"));
        // Garbage stops the walk at the last believable hop.
        assert_eq!(
            proxies.client_of(ip("10.1.2.3"), &["198.51.100.7, nonsense, 10.9.9.9"]),
            ip("10.9.9.9")
        );
        // IPv4 seen through an IPv6 socket is still IPv4.
        assert_eq!(
            proxies.client_of(ip("::ffff:10.1.2.3"), &["198.51.100.7"]),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn bad_proxy_lists_name_the_entry() {
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
        let error = TrustedProxies::parse("10.0.0.0/8, proxy.local").unwrap_err();
        assert!(error.contains("proxy.local"), "{error}");
    }
}
