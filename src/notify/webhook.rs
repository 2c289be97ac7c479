//! Webhooks to partner systems: events signed per the Standard Webhooks convention, queued in the
//! outbox with the change that causes them, and sent only to addresses that pass a server-side
//! request forgery guard (no loopback, private, link-local or metadata addresses, no redirects).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use super::Notification;
use crate::db::AnyConnection;
use crate::error::AppError;
use crate::models::notification::{self as rows, OutboxRow, SubscriptionRow};

/// The event types a subscription may ask for.
pub const EVENT_TYPES: &[&str] = &[
    "project.published",
    "investor.verified",
    "meeting.requested",
    "meeting.accepted",
    "meeting.declined",
    "meeting.expired",
    "meeting.scheduled",
    "meeting.moved",
    "meeting.confirmed",
    "meeting.cancelled",
    "outcome.recorded",
];

/// The event type a notification is published as, if any.
pub fn event_type(notification: &Notification) -> Option<&'static str> {
    use Notification::*;
    Some(match notification {
        ProjectPublished(_) => "project.published",
        InvestorVerified(_) => "investor.verified",
        RequestReceived(_) | IntroductionProposed(_) => "meeting.requested",
        RequestAccepted(_) => "meeting.accepted",
        RequestDeclined(_) => "meeting.declined",
        RequestExpired(_) => "meeting.expired",
        MeetingScheduled(_) => "meeting.scheduled",
        MeetingMoved(_) => "meeting.moved",
        MeetingConfirmed(_) => "meeting.confirmed",
        RequestCancelled(_) | MeetingCancelled(_) => "meeting.cancelled",
        OutcomeRecorded(_) => "outcome.recorded",
        IntroductionAcceptedByOneSide(_)
        | RequestExpiring(_)
        | MeetingReminder(_)
        | ProjectChangesRequested(_)
        | MessageReceived(_)
        | SavedSearchMatched(_) => return None,
    })
}

/// Queues the event for every active subscription that asked for its type, in the caller's
/// transaction.
pub fn emit(conn: &mut AnyConnection, event_type: &str, data: &Value) -> Result<(), AppError> {
    for sub in rows::subscriptions(conn)? {
        let wanted: Vec<String> = serde_json::from_str(&sub.event_types).unwrap_or_default();
        if !sub.active || !wanted.iter().any(|t| t == event_type) {
            continue;
        }
        rows::insert_outbox(
            conn,
            &OutboxRow {
                // Standard Webhooks message ids read `msg_…`.
                id: format!("msg_{}", uuid::Uuid::new_v4().simple()),
                ..OutboxRow::due_now(
                    "webhook",
                    sub.id.clone(),
                    None,
                    event_type,
                    data.to_string(),
                )
            },
        )?;
    }
    Ok(())
}

/// A new signing secret: `whsec_` and 32 random bytes in base64.
pub fn new_secret() -> String {
    format!("whsec_{}", STANDARD.encode(rand::random::<[u8; 32]>()))
}

/// The `webhook-signature` value: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`
/// under the secret's key.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|e| format!("the subscription's secret is not base64: {e}"))?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// The JSON body of an event.
pub fn body(item: &OutboxRow) -> String {
    let data: Value = serde_json::from_str(&item.payload).unwrap_or(Value::Null);
    json!({
        "type": item.kind,
        "timestamp": crate::meetings::time::utc(item.created_at),
        "data": data,
    })
    .to_string()
}

/// Which destinations are allowed.
#[derive(Debug, Clone, Copy)]
pub struct Guard {
    pub https_only: bool,
    /// Tests only: lets loopback receivers through.
    pub allow_loopback: bool,
}

fn forbidden_v4(ip: Ipv4Addr, allow_loopback: bool) -> bool {
    let [a, b, c, _] = ip.octets();
    (ip.is_loopback() && !allow_loopback)
        || ip.is_unspecified()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || a >= 240
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
}

/// Whether a webhook may not be sent to this address: loopback (unless allowed), private,
/// link-local (cloud metadata included), shared, reserved, multicast and documentation ranges,
/// and IPv6 forms that carry such an IPv4 address (mapped, compatible, NAT64, 6to4).
pub fn is_forbidden(ip: IpAddr, allow_loopback: bool) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4, allow_loopback),
        IpAddr::V6(v6) => forbidden_v6(v6, allow_loopback),
    }
}

fn forbidden_v6(ip: Ipv6Addr, allow_loopback: bool) -> bool {
    let s = ip.segments();
    let embedded =
        |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return forbidden_v4(v4, allow_loopback);
    }
    if s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified() {
        // IPv4-compatible (deprecated) ::a.b.c.d
        return forbidden_v4(embedded(s[6], s[7]), allow_loopback);
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return forbidden_v4(embedded(s[6], s[7]), allow_loopback);
    }
    if s[0] == 0x2002 {
        return forbidden_v4(embedded(s[1], s[2]), allow_loopback);
    }
    (ip.is_loopback() && !allow_loopback)
        || ip.is_unspecified()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00 // unique local
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x2001 && s[1] == 0) // Teredo
        || s[..4] == [0x100, 0, 0, 0] // discard
}

/// Checks a subscription URL as written: a scheme the guard allows, a host, no credentials.
pub fn check_url(url: &str, guard: Guard) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|e| format!("not a URL: {e}"))?;
    match parsed.scheme() {
        "https" => {}
        "http" if !guard.https_only => {}
        _ => return Err("must be an https URL".into()),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("has no host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("must not carry credentials".into());
    }
    let host = parsed.host_str().unwrap_or_default();
    let literal = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>();
    if literal.is_ok_and(|ip| is_forbidden(ip, guard.allow_loopback)) {
        return Err("points at a private, loopback or otherwise internal address".into());
    }
    Ok(parsed)
}

/// Resolves the URL's host and keeps the address only when every resolved address is allowed,
/// so that a name cannot smuggle an internal address in among public ones.
fn resolve(url: &reqwest::Url, guard: Guard) -> Result<SocketAddr, String> {
    let host = url.host_str().ok_or("has no host")?;
    let port = url.port_or_known_default().ok_or("has no port")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    if addrs.is_empty() {
        return Err(format!("{host} resolves to nothing"));
    }
    if let Some(bad) = addrs
        .iter()
        .find(|a| is_forbidden(a.ip(), guard.allow_loopback))
    {
        return Err(format!(
            "{host} resolves to the internal address {}",
            bad.ip()
        ));
    }
    Ok(addrs[0])
}

/// How a delivery ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Sent {
    Delivered,
    /// The receiver answered 410 Gone: the subscription is to be disabled.
    Gone,
}

/// Sends one event to its subscription: signed, to the checked address only, without
/// following redirects.
pub fn deliver(
    sub: &SubscriptionRow,
    item: &OutboxRow,
    guard: Guard,
    timeout: Duration,
) -> Result<Sent, String> {
    let url = check_url(&sub.url, guard)?;
    let address = resolve(&url, guard)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .resolve(&host, address)
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let body = body(item);
    let timestamp = chrono::Utc::now().timestamp();
    let signature = sign(&sub.secret, &item.id, timestamp, &body)?;
    let response = client
        .post(url)
        .header("content-type", "application/json")
        .header("webhook-id", &item.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .map_err(|e| format!("{e}"))?;
    match response.status().as_u16() {
        200..=299 => Ok(Sent::Delivered),
        410 => Ok(Sent::Gone),
        status => Err(format!("the receiver answered HTTP {status}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forbidden(text: &str) -> bool {
        is_forbidden(text.parse().unwrap(), false)
    }

    #[test]
    fn internal_addresses_are_refused_in_every_form() {
        for ip in [
            "127.0.0.1",
            "127.255.0.9",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "169.254.0.1",
            "100.64.0.1",
            "100.127.255.254",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "2001:0:4136:e378::1",
            "100::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b::7f00:1",
            "2002:7f00:1::1",
            "2002:a00:1::1",
            "2002:c0a8:101::1",
        ] {
            assert!(forbidden(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "192.0.1.1",
            "198.20.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4009:80b::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(!forbidden(ip), "{ip} is public");
        }
    }

    #[test]
    fn loopback_passes_only_when_tests_allow_it() {
        for ip in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert!(!is_forbidden(ip.parse().unwrap(), true), "{ip}");
        }
        assert!(is_forbidden("10.0.0.1".parse().unwrap(), true));
    }

    #[test]
    fn urls_are_checked_before_any_lookup() {
        let strict = Guard {
            https_only: true,
            allow_loopback: false,
        };
        assert!(check_url("https://partner.example/hooks", strict).is_ok());
        for bad in [
            "http://partner.example/hooks",
            "ftp://partner.example/",
            "https://user:pw@partner.example/",
            "https://127.0.0.1/hooks",
            "https://[::ffff:169.254.169.254]/",
            "https://[fe80::1]/",
            "https://10.0.0.7:8443/x",
            "not a url",
        ] {
            assert!(check_url(bad, strict).is_err(), "{bad}");
        }
        let local = Guard {
            https_only: false,
            allow_loopback: true,
        };
        assert!(check_url("http://127.0.0.1:9000/hook", local).is_ok());
    }

    #[test]
    fn a_name_that_resolves_to_loopback_is_refused() {
        let strict = Guard {
            https_only: false,
            allow_loopback: false,
        };
        let url = check_url("http://localhost:9/hook", strict).unwrap();
        assert!(resolve(&url, strict).is_err());
    }

    #[test]
    fn signatures_follow_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let signature = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
