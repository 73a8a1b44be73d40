//! Webhook targets: which URLs an organisation may register and which addresses a delivery may
//! reach. By default only public addresses: loopback, private, link-local (cloud metadata at
//! 169.254.169.254), shared, multicast and unspecified addresses are refused, unless the operator
//! allows a network for internal receivers (`webhook_allowed_networks`). A URL naming a host is
//! checked again on each address it resolves to when it is delivered to (DNS rebinding). An
//! IPv6 address that carries an IPv4 address (mapped, compatible, NAT64, 6to4) is judged by the
//! IPv4 address; translation prefixes that hide where the packets go (local-use NAT64, Teredo)
//! and the other special-purpose blocks are refused.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

    /// Whether a delivery may connect to `ip`: an address the operator allowed, or a public
    /// one. An IPv6 address that carries an IPv4 address at a fixed place (IPv4-mapped
    /// `::ffff:0:0/96`, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) is
    /// judged by the IPv4 address it carries, since that is where the packets end up.
    pub fn allows(&self, ip: IpAddr) -> bool {
        if self.allowed.iter().any(|net| net.contains(&ip)) {
            return true;
        }
        match ip {
            IpAddr::V4(v4) => self.allows_v4(v4),
            IpAddr::V6(v6) => match carried_ipv4(v6) {
                Some(v4) => self.allows_v4(v4),
                None => is_public_v6(v6),
            },
        }
    }

    fn allows_v4(&self, v4: Ipv4Addr) -> bool {
        is_public_v4(v4) || self.allowed.iter().any(|net| net.contains(&IpAddr::V4(v4)))
    }
}

/// The IPv4 address an IPv6 address stands for, where the prefix fixes its place.
fn carried_ipv4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = v6.segments();
    let low = Ipv4Addr::from((u32::from(s[6]) << 16) | u32::from(s[7]));
    if let Some(mapped) = v6.to_ipv4_mapped() {
        return Some(mapped);
    }
    if v6.is_loopback() || v6.is_unspecified() {
        return None;
    }
    match s {
        // IPv4-compatible (deprecated): ::a.b.c.d.
        [0, 0, 0, 0, 0, 0, _, _] => Some(low),
        // IPv4-translated (SIIT, RFC 2765): ::ffff:0:a.b.c.d.
        [0, 0, 0, 0, 0xffff, 0, _, _] => Some(low),
        // NAT64, the well-known prefix (RFC 6052): 64:ff9b::a.b.c.d.
        [0x0064, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        // 6to4 (RFC 3056): 2002:aabb:ccdd::/48.
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo))),
        _ => None,
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, c, _] = v4.octets();
    !(v4.is_loopback()
        || v4.is_private()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast (deprecated)
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240)
}

/// An IPv6 address that carries no IPv4 address: refused when it is not globally reachable or
/// its packets go somewhere its digits do not say.
fn is_public_v6(v6: Ipv6Addr) -> bool {
    let s = v6.segments();
    let first = s[0];
    !(v6.is_loopback()
        || v6.is_unspecified()
        || v6.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || s[..4] == [0x0100, 0, 0, 0] // discard-only, 100::/64
        || s[..4] == [0x0100, 0, 0, 1] // dummy prefix, 100:0:0:1::/64
        // NAT64 beyond the well-known /96, local-use 64:ff9b:1::/48 among it: a translator
        // of the operator's, the IPv4 address at a place only it knows.
        || (first == 0x0064 && s[1] == 0xff9b)
        // IETF protocol assignments, 2001::/23: Teredo 2001::/32 (through a relay, the
        // client's address hidden), benchmarking, ORCHID.
        || (first == 0x2001 && s[1] < 0x0200)
        || (first == 0x2001 && s[1] == 0x0db8) // documentation
        || (first == 0x3fff && s[1] < 0x1000) // documentation, 3fff::/20
        || first == 0x5f00) // SRv6 segment identifiers
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

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    /// Each translation prefix, carrying the metadata address, a private one and a public one:
    /// only the public one passes, and only where the prefix says where the packets go.
    #[test]
    fn ipv6_translation_prefixes_are_judged_by_the_ipv4_address_they_carry() {
        let strict = TargetPolicy::default();
        for (prefix, bad, good) in [
            ("NAT64", "64:ff9b::169.254.169.254", "64:ff9b::8.8.8.8"),
            ("NAT64 (hex)", "64:ff9b::a00:1", "64:ff9b::808:808"),
            ("6to4", "2002:a9fe:a9fe::1", "2002:808:808::1"),
            ("6to4 private", "2002:c0a8:0001::1", "2002:808:808:1::1"),
            ("IPv4-compatible", "::169.254.169.254", "::8.8.8.8"),
            ("IPv4-compatible loopback", "::127.0.0.1", "::1.1.1.1"),
            ("IPv4-mapped", "::ffff:10.0.0.1", "::ffff:8.8.8.8"),
            (
                "IPv4-translated",
                "::ffff:0:169.254.169.254",
                "::ffff:0:8.8.8.8",
            ),
        ] {
            assert!(!strict.allows(ip(bad)), "{prefix}: {bad}");
            assert!(strict.allows(ip(good)), "{prefix}: {good}");
        }
    }

    #[test]
    fn translation_prefixes_that_hide_the_destination_are_refused() {
        let strict = TargetPolicy::default();
        for bad in [
            // Local-use NAT64: the embedding depends on the operator's prefix length.
            "64:ff9b:1::a9fe:a9fe",
            "64:ff9b:1:a9fe:a9:fe00::",
            "64:ff9b:1::808:808",
            // Teredo: server 65.54.227.120, client (obfuscated) 169.254.169.254 and 8.8.8.8.
            "2001:0:4136:e378:8000:63bf:5601:5601",
            "2001:0:4136:e378:8000:63bf:f7f7:f7f7",
            // Discard-only and the dummy prefix.
            "100::1",
            "100::a9fe:a9fe",
            "100:0:0:1::1",
            // The rest of 2001::/23, site-local, documentation, SRv6.
            "2001:2::1",
            "2001:10::1",
            "fec0::1",
            "3fff::1",
            "5f00::1",
            "::",
            "::1",
        ] {
            assert!(!strict.allows(ip(bad)), "{bad}");
        }
        for good in [
            "2606:4700::1111",
            "2a00:1450:4001:80b::200e",
            "2001:4860::8888",
        ] {
            assert!(strict.allows(ip(good)), "{good}");
        }
    }

    #[test]
    fn translated_urls_are_refused_at_configuration_and_allowed_networks_still_apply() {
        let strict = TargetPolicy::default();
        for bad in [
            "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
            "http://[64:ff9b:1::a00:1]/x",
            "http://[2002:a9fe:a9fe::]/x",
            "http://[::a9fe:a9fe]/x",
            "http://[2001:0:4136:e378:8000:63bf:5601:5601]/x",
            "http://[100::1]/x",
        ] {
            assert!(validate_url(bad, &strict).is_err(), "{bad}");
        }
        assert!(validate_url("http://[64:ff9b::808:808]/x", &strict).is_ok());
        // An internal network the operator allows is reachable through NAT64 and 6to4 too;
        // metadata still is not.
        let internal = TargetPolicy::parse(&["10.0.0.0/8".into()]).unwrap();
        assert!(internal.allows(ip("64:ff9b::10.1.2.3")));
        assert!(internal.allows(ip("2002:a01:203::1")));
        assert!(!internal.allows(ip("64:ff9b::169.254.169.254")));
        // An operator may allow an IPv6 block outright.
        let teredo = TargetPolicy::parse(&["2001::/32".into()]).unwrap();
        assert!(teredo.allows(ip("2001:0:4136:e378:8000:63bf:f7f7:f7f7")));
    }
}
