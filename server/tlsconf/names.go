package tlsconf

import (
	"crypto/sha256"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
)

// MachineNames returns the names a self-signed certificate must carry so
// that a phone or a browser can reach this server by any of them: every
// address of this machine (link-local ones excepted: they cannot be named
// in a certificate usefully), its host name (and host.local, as mDNS
// announces it), localhost, and the hosts of addr and publicURL. It is
// called again from time to time: a new address re-issues the certificate.
func MachineNames(addr, publicURL string) func() []string {
	return func() []string {
		names := []string{"localhost", "127.0.0.1", "::1"}
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok && !n.IP.IsLinkLocalUnicast() && !n.IP.IsLinkLocalMulticast() {
					names = append(names, n.IP.String())
				}
			}
		}
		if h, err := os.Hostname(); err == nil && h != "" {
			h = strings.ToLower(h)
			names = append(names, h)
			if !strings.Contains(h, ".") {
				names = append(names, h+".local")
			}
		}
		if host, _, err := net.SplitHostPort(addr); err == nil && host != "" {
			if ip := net.ParseIP(host); ip == nil || !ip.IsUnspecified() {
				names = append(names, canonical(host))
			}
		}
		if u, err := url.Parse(publicURL); err == nil && u.Hostname() != "" {
			names = append(names, canonical(u.Hostname()))
		}
		slices.Sort(names)
		return slices.Compact(names)
	}
}

// canonical writes an address as net.IP.String does, a name in lower case.
func canonical(host string) string {
	if ip := net.ParseIP(host); ip != nil {
		return ip.String()
	}
	return strings.ToLower(host)
}

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }
