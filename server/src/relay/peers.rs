//! Which peer addresses the relay may send to. A relay that forwards to any
//! address lets anyone who holds a credential reach the machines beside it
//! (the database, an internal web service): only public addresses are peers,
//! plus the networks an operator lists on purpose.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// The peers a relay accepts.
#[derive(Clone, Debug, Default)]
pub struct PeerPolicy {
    /// Networks accepted although reserved (a test's loopback, a hospital's
    /// own network reached through the relay on purpose).
    pub allowed: Vec<IpNet>,
}

impl PeerPolicy {
    pub fn accepts(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        self.allowed.iter().any(|net| net.contains(&ip)) || is_public(ip)
    }
}

fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Carrier-grade NAT, 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (18..20).contains(&b))
        // Reserved for future use, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local, fc00::/7, and link-local, fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_ranges_are_refused_unless_listed() {
        let none = PeerPolicy::default();
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.9",
            "192.168.1.1",
            "169.254.0.1",
            "100.64.1.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!none.accepts(refused.parse().unwrap()), "{refused}");
        }
        for accepted in ["8.8.8.8", "90.12.34.56", "2a01:cb00::1", "::ffff:90.12.34.56"] {
            assert!(none.accepts(accepted.parse().unwrap()), "{accepted}");
        }
        let loopback = PeerPolicy { allowed: vec!["127.0.0.0/8".parse().unwrap()] };
        assert!(loopback.accepts("127.0.0.1".parse().unwrap()));
        assert!(!loopback.accepts("10.1.2.3".parse().unwrap()));
    }
}
