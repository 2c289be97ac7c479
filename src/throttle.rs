//! Rate limits: how many requests of a kind one account or one client address may make, counted
//! in this instance's memory with `governor` (the generic cell rate algorithm: a burst, then an
//! even refill). Each instance counts on its own; docs/operations.md says what that means behind
//! a load balancer.
//!
//! The use cases ask [`Throttle::check`] before they do the work; an answer over the limit is
//! [`AppError::RateLimited`], which both faces give as 429 `rate_limited` with `Retry-After`.
//! The client's address is the connection's peer or, when that peer is a trusted proxy
//! (`server.trusted_proxies`), what `X-Forwarded-For` says ([`Throttle::client`]); handlers take
//! it with the extractor in `middleware::client`.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use crate::auth::AuthenticatedUser;
use crate::config::{LimitSettings, Rate};
use crate::error::AppError;

/// What is limited, and by what key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::AsRefStr)]
#[strum(serialize_all = "snake_case")]
pub enum Limit {
    /// Sign-in attempts for one account (the email address typed).
    SignInAccount,
    /// Sign-in attempts from one address.
    SignInAddress,
    /// Registrations from one address.
    Registration,
    /// Password reset requests from one address.
    PasswordResetAddress,
    /// Password reset requests for one email address.
    PasswordResetEmail,
    /// Invitation acceptances from one address.
    Invitation,
    /// Meeting requests and introductions sent by one account.
    Messages,
    /// Searches by one account, or one address when anonymous.
    Search,
    /// Exports and report downloads by one account, or one address when anonymous.
    Exports,
}

/// How many checks pass between two sweeps of keys whose allowance is whole again.
const SWEEP_EVERY: u64 = 4096;

/// Every limit's counters, keyed by account or address.
pub struct Throttle {
    sign_in_account: DefaultKeyedRateLimiter<String>,
    sign_in_address: DefaultKeyedRateLimiter<String>,
    registration: DefaultKeyedRateLimiter<String>,
    password_reset_address: DefaultKeyedRateLimiter<String>,
    password_reset_email: DefaultKeyedRateLimiter<String>,
    invitation: DefaultKeyedRateLimiter<String>,
    messages: DefaultKeyedRateLimiter<String>,
    search: DefaultKeyedRateLimiter<String>,
    exports: DefaultKeyedRateLimiter<String>,
    trusted_proxies: Vec<Network>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle").finish_non_exhaustive()
    }
}

fn quota(rate: Rate) -> Quota {
    let burst = NonZeroU32::new(rate.burst).unwrap_or(NonZeroU32::MIN);
    let per_hour = rate.per_hour.max(1);
    let period = Duration::from_secs(3600) / per_hour;
    Quota::with_period(period.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_hour(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl Throttle {
    /// The limits of `[limits]`; `trusted_proxies` as in `server.trusted_proxies` (entries that do
    /// not parse, which `Settings::validate` refuses, are left out).
    pub fn new(limits: &LimitSettings, trusted_proxies: &[String]) -> Self {
        let keyed = |rate| DefaultKeyedRateLimiter::keyed(quota(rate));
        Throttle {
            sign_in_account: keyed(limits.sign_in_account),
            sign_in_address: keyed(limits.sign_in_address),
            registration: keyed(limits.registration),
            password_reset_address: keyed(limits.password_reset_address),
            password_reset_email: keyed(limits.password_reset_email),
            invitation: keyed(limits.invitation),
            messages: keyed(limits.messages),
            search: keyed(limits.search),
            exports: keyed(limits.exports),
            trusted_proxies: trusted_proxies
                .iter()
                .filter_map(|p| Network::parse(p))
                .collect(),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    fn limiter(&self, limit: Limit) -> &DefaultKeyedRateLimiter<String> {
        match limit {
            Limit::SignInAccount => &self.sign_in_account,
            Limit::SignInAddress => &self.sign_in_address,
            Limit::Registration => &self.registration,
            Limit::PasswordResetAddress => &self.password_reset_address,
            Limit::PasswordResetEmail => &self.password_reset_email,
            Limit::Invitation => &self.invitation,
            Limit::Messages => &self.messages,
            Limit::Search => &self.search,
            Limit::Exports => &self.exports,
        }
    }

    /// Counts one request against `limit` for `key`: `RateLimited` (with the seconds until the
    /// next is taken) when the key has used its allowance.
    pub fn check(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        self.sweep_now_and_then();
        let limiter = self.limiter(limit);
        match limiter.check_key(&key.to_owned()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let retry_after = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
                // The key (an address or an account) is not logged: the limit's name is enough.
                tracing::info!(limit = limit.as_ref(), retry_after, "rate limited");
                Err(AppError::RateLimited { retry_after })
            }
        }
    }

    /// Counts one request against `limit` for the signed-in account, or else for the address.
    pub fn check_caller(
        &self,
        limit: Limit,
        user: Option<&AuthenticatedUser>,
        client: &ClientAddress,
    ) -> Result<(), AppError> {
        match user {
            Some(user) => self.check(limit, &format!("account:{}", user.id)),
            None => self.check(limit, &client.key()),
        }
    }

    /// Forgets, every [`SWEEP_EVERY`] checks, the keys whose allowance is whole again, so that
    /// the maps hold only recent callers.
    fn sweep_now_and_then(&self) {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY != SWEEP_EVERY - 1 {
            return;
        }
        for limit in [
            Limit::SignInAccount,
            Limit::SignInAddress,
            Limit::Registration,
            Limit::PasswordResetAddress,
            Limit::PasswordResetEmail,
            Limit::Invitation,
            Limit::Messages,
            Limit::Search,
            Limit::Exports,
        ] {
            let limiter = self.limiter(limit);
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }

    /// The client behind a connection from `peer` that says `forwarded_for`: the peer itself,
    /// unless it is a trusted proxy, when the rightmost entry of `X-Forwarded-For` that is not
    /// itself a trusted proxy is.
    pub fn client(&self, peer: IpAddr, forwarded_for: Option<&str>) -> ClientAddress {
        let trusted = |ip: &IpAddr| self.trusted_proxies.iter().any(|n| n.contains(*ip));
        let mut client = peer;
        if trusted(&peer)
            && let Some(list) = forwarded_for
        {
            for entry in list.rsplit(',') {
                let Ok(ip) = entry.trim().parse::<IpAddr>() else {
                    break;
                };
                client = ip;
                if !trusted(&ip) {
                    break;
                }
            }
        }
        ClientAddress(client)
    }
}

/// The address a request comes from, as the limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The key of this address: an IPv4 address itself (also when written as IPv6), an IPv6
    /// address by its /64, the block one household or office is usually given.
    pub fn key(&self) -> String {
        match self.0 {
            IpAddr::V4(v4) => format!("ip:{v4}"),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => format!("ip:{v4}"),
                None => {
                    let bits = u128::from(v6) & !((1u128 << 64) - 1);
                    format!("ip:{}/64", Ipv6Addr::from(bits))
                }
            },
        }
    }
}

/// An address or a network (`10.0.0.0/8`, `fd00::/8`), as `server.trusted_proxies` names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Option<Network> {
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().ok()?)),
            None => (text, None),
        };
        let base: IpAddr = address.trim().parse().ok()?;
        let most = if base.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(most);
        (prefix <= most).then_some(Network { base, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let mask = |bits: u32, most: u32| -> u128 {
            if bits == 0 {
                0
            } else {
                (u128::MAX << (128 - bits)) >> (128 - most)
            }
        };
        match (self.base, ip) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => {
                let m = mask(u32::from(self.prefix), 32);
                u128::from(u32::from(base)) & m == u128::from(u32::from(ip)) & m
            }
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                let m = mask(u32::from(self.prefix), 128);
                u128::from(base) & m == u128::from(ip) & m
            }
            (IpAddr::V4(_), IpAddr::V6(ip)) => ip
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(burst: u32, per_hour: u32) -> Rate {
        Rate { burst, per_hour }
    }

    fn throttle(proxies: &[&str]) -> Throttle {
        let mut limits = crate::config::Settings::defaults().limits;
        limits.sign_in_account = rate(3, 1);
        let proxies: Vec<String> = proxies.iter().map(|p| (*p).to_owned()).collect();
        Throttle::new(&limits, &proxies)
    }

    #[test]
    fn a_burst_is_taken_then_refused_with_a_wait() {
        let throttle = throttle(&[]);
        for _ in 0..3 {
            assert!(throttle.check(Limit::SignInAccount, "a@x.id").is_ok());
        }
        match throttle.check(Limit::SignInAccount, "a@x.id") {
            Err(AppError::RateLimited { retry_after }) => {
                assert!((3000..=3600).contains(&retry_after), "{retry_after}");
            }
            other => panic!("{other:?}"),
        }
        assert!(throttle.check(Limit::SignInAccount, "b@x.id").is_ok());
        assert!(throttle.check(Limit::SignInAddress, "a@x.id").is_ok());
    }

    #[test]
    fn ipv6_addresses_count_by_their_64() {
        let key = |text: &str| ClientAddress(text.parse().unwrap()).key();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), key("192.0.2.7"));
        assert_ne!(key("192.0.2.7"), key("192.0.2.8"));
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let direct = throttle(&[]);
        assert_eq!(
            direct.client(ip("10.0.0.5"), Some("198.51.100.1")).0,
            ip("10.0.0.5")
        );
        let proxied = throttle(&["10.0.0.0/8"]);
        assert_eq!(
            proxied
                .client(ip("10.0.0.5"), Some("203.0.113.9, 198.51.100.1, 10.0.0.7"))
                .0,
            ip("198.51.100.1")
        );
        assert_eq!(
            proxied.client(ip("192.0.2.1"), Some("198.51.100.1")).0,
            ip("192.0.2.1")
        );
        assert_eq!(proxied.client(ip("10.0.0.5"), None).0, ip("10.0.0.5"));
    }

    #[test]
    fn networks_parse_and_contain() {
        let net = Network::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.200.1.1".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.1.1".parse().unwrap()));
        let one = Network::parse("192.0.2.1").unwrap();
        assert!(one.contains("192.0.2.1".parse().unwrap()));
        assert!(!one.contains("192.0.2.2".parse().unwrap()));
        let v6 = Network::parse("fd00::/8").unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(
            Network::parse("0.0.0.0/0")
                .unwrap()
                .contains("1.2.3.4".parse().unwrap())
        );
        assert!(Network::parse("10.0.0.0/33").is_none());
        assert!(Network::parse("proxy.local").is_none());
    }
}
