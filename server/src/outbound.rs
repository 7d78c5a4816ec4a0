//! Where the server may send requests for others (webhooks): public addresses only, unless
//! the operator's allowlist (`webhooks.allow_hosts`) names the host. A company's staff must
//! not make the server reach loopback, private, link-local or other internal addresses
//! (cloud metadata at 169.254.169.254, a database on 127.0.0.1). The name is resolved once,
//! the addresses checked, and the connection made to those very addresses (no second lookup
//! an attacker's DNS could answer differently).

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};

use thiserror::Error;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};

/// Why a target is refused. Deliberately coarse: the delivery log is read by the company.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TargetError {
    #[error("the URL is not http or https with a host")]
    NotHttp,
    #[error("the host does not resolve")]
    Unresolvable,
    #[error(
        "the host is an internal address (loopback, private, link-local or reserved); an operator can allow it (webhooks.allow_hosts)"
    )]
    NotPublic,
}

/// Whether `ip` is on the public internet (not loopback, private, link-local, shared
/// (CGNAT), documentation, benchmarking, multicast, reserved or unspecified; IPv4 inside
/// IPv6 judged as IPv4).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) carries an IPv4 address.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_v4(Ipv4Addr::from((u32::from(s[6]) << 16) | u32::from(s[7])));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link-local
                || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || s[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible, ::/96
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // shared address space 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240) // reserved
}

/// Resolves the URL's host and checks every address; the addresses to connect to.
pub fn check_target(
    url: &url::Url,
    allow_hosts: &[String],
) -> Result<Vec<SocketAddr>, TargetError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(TargetError::NotHttp);
    }
    let host = url.host_str().ok_or(TargetError::NotHttp)?;
    let port = url.port_or_known_default().ok_or(TargetError::NotHttp)?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (bare, port)
            .to_socket_addrs()
            .map_err(|_| TargetError::Unresolvable)?
            .collect(),
    };
    if addrs.is_empty() {
        return Err(TargetError::Unresolvable);
    }
    let allowed = allow_hosts.iter().any(|a| a.eq_ignore_ascii_case(bare));
    if !allowed && addrs.iter().any(|a| !is_public(a.ip())) {
        return Err(TargetError::NotPublic);
    }
    Ok(addrs)
}

/// A resolver that answers the addresses checked before, whatever the name.
#[derive(Debug)]
pub struct PinnedResolver(pub Vec<SocketAddr>);

impl Resolver for PinnedResolver {
    fn resolve(
        &self,
        _uri: &ureq::http::Uri,
        _config: &ureq::config::Config,
        _timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        for a in self.0.iter().take(16) {
            out.push(*a);
        }
        if out.is_empty() {
            return Err(ureq::Error::HostNotFound);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn targets() {
        let check = |u: &str, allow: &[&str]| {
            let allow: Vec<String> = allow.iter().map(|s| (*s).to_owned()).collect();
            check_target(&url::Url::parse(u).unwrap(), &allow)
        };
        assert_eq!(
            check("http://127.0.0.1:9/h", &[]),
            Err(TargetError::NotPublic)
        );
        assert_eq!(
            check("http://localhost:9/h", &[]),
            Err(TargetError::NotPublic)
        );
        assert_eq!(check("http://[::1]:9/h", &[]), Err(TargetError::NotPublic));
        assert_eq!(
            check("http://169.254.169.254/latest/meta-data", &[]),
            Err(TargetError::NotPublic)
        );
        assert_eq!(check("ftp://8.8.8.8/", &[]), Err(TargetError::NotHttp));
        assert!(check("http://127.0.0.1:9/h", &["127.0.0.1"]).is_ok());
        assert_eq!(
            check("https://8.8.8.8/hook", &[]).unwrap(),
            vec!["8.8.8.8:443".parse().unwrap()]
        );
    }
}
