//! Webhook targets: which URLs an organisation may register and which addresses a delivery may
//! reach. By default only public addresses: loopback, private, link-local (cloud metadata at
//! 169.254.169.254), shared, multicast and unspecified addresses are refused, unless the operator
//! allows a network for internal receivers (`webhook_allowed_networks`). A URL naming a host is
//! checked again on each address it resolves to when it is delivered to (DNS rebinding).

use std::net::IpAddr;

use ipnet::IpNet;

/// The longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// The operator's exceptions to the public-address rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    pub allowed: Vec<IpNet>,
}

impl TargetPolicy {
    /// Parses the configured CIDRs (`10.0.0.0/8`, `127.0.0.1/32`, `::1/128`).
    pub fn parse(networks: &[String]) -> Result<Self, String> {
        let allowed = networks
            .iter()
            .map(|n| {
                n.trim()
                    .parse::<IpNet>()
                    .map_err(|_| format!("not a network in CIDR form: {n:?}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(TargetPolicy { allowed })
    }

    /// Whether a delivery may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        is_public(ip) || self.allowed.iter().any(|net| net.contains(&ip))
    }
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
                || (a == 198 && (b == 18 || b == 19)) // benchmarking
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)) // documentation
        }
    }
}

/// The organisation's webhook URL: absolute http(s) with a host, no credentials, no control
/// characters, at most [`MAX_URL_LEN`] long, and an IP literal only where `policy` allows it.
/// The error is the sentence clients see.
pub fn validate_url(raw: &str, policy: &TargetPolicy) -> Result<String, String> {
    const SHAPE: &str = "url must be an absolute http(s) URL.";
    let raw = raw.trim();
    if raw.len() > MAX_URL_LEN {
        return Err(format!("url must be at most {MAX_URL_LEN} characters."));
    }
    if raw.chars().any(char::is_control) {
        return Err("url must not contain control characters.".into());
    }
    // The URL parser forgives `http:///x` (reading it as `http://x/`): insist on a host right
    // after the scheme, as written.
    let after_scheme = raw
        .split_once("://")
        .map(|(_, rest)| rest)
        .ok_or_else(|| SHAPE.to_string())?;
    if after_scheme.is_empty() || after_scheme.starts_with(['/', '\\']) {
        return Err(SHAPE.into());
    }
    let url = url::Url::parse(raw).map_err(|_| SHAPE.to_string())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SHAPE.into());
    }
    let Some(host) = url.host() else {
        return Err(SHAPE.into());
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err("url must not carry a user name or password.".into());
    }
    let literal = match host {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(domain) if domain.eq_ignore_ascii_case("localhost") => {
            Some(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
        }
        url::Host::Domain(_) => None,
    };
    if let Some(ip) = literal
        && !policy.allows(ip)
    {
        return Err(
            "url must point to a public address (loopback, private and link-local addresses are refused)."
                .into(),
        );
    }
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_internal_targets_unless_allowed() {
        let strict = TargetPolicy::default();
        for bad in [
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://10.1.2.3/x",
            "http://192.168.0.1/x",
            "http://[::1]/x",
            "http://[fe80::1]/x",
            "http://0.0.0.0/x",
            "http://[::ffff:127.0.0.1]/x",
            "http://user:pw@example.com/x",
            "http:///x",
            "http://example.com/a\r\nX-Injected: 1",
            "ftp://example.com/x",
        ] {
            assert!(validate_url(bad, &strict).is_err(), "{bad}");
        }
        assert!(
            validate_url(
                &format!("https://example.com/{}", "a".repeat(3000)),
                &strict
            )
            .is_err()
        );
        assert_eq!(
            validate_url("https://hooks.example.com/in", &strict).unwrap(),
            "https://hooks.example.com/in"
        );
        assert!(validate_url("http://8.8.8.8/x", &strict).is_ok());
        let internal = TargetPolicy::parse(&["127.0.0.0/8".into(), "10.0.0.0/8".into()]).unwrap();
        assert!(validate_url("http://127.0.0.1:9000/hook", &internal).is_ok());
        assert!(validate_url("http://10.1.2.3/x", &internal).is_ok());
        assert!(validate_url("http://169.254.169.254/x", &internal).is_err());
        assert!(TargetPolicy::parse(&["nope".into()]).is_err());
    }
}
