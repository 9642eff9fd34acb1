package httpx

import (
	"context"
	"net/http"
	"net/netip"
	"strings"
)

type httpsKey struct{}

// MarkHTTPS tells IsHTTPS that the platform in front of Baton terminated TLS
// (API Gateway, a Lambda Function URL: https only). It is a context value,
// not a header, so a client cannot set it.
func MarkHTTPS(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), httpsKey{}, true))
}

// IsHTTPS reports whether the client reached Baton over https: the
// connection is TLS, the platform said so (MarkHTTPS), or a trusted proxy
// said so in X-Forwarded-Proto. The header counts only when the request
// came through the proxies BATON_TRUST_PROXY trusts, by ClientIP's rule
// (see forwardedHops); from anyone else it is the client's own say and is
// ignored, so a plain-http client cannot get Secure cookies or https links.
//
// Its value is read like X-Forwarded-For: entries are taken from the right,
// where trusted proxies wrote. Most proxies set the header (docs/proxy's
// nginx and Apache snippets, an AWS ALB): one value, the nearest proxy's. Through n trusted
// proxies that append instead, the entry n from the right is what the
// outermost one saw, the client's scheme; fewer entries than proxies means
// some proxy replaced the header, so the left-most entry is a proxy's too.
// Either way an entry a client wrote itself is never read, as long as each
// trusted proxy sets or appends the header rather than passing it on.
func IsHTTPS(r *http.Request, p Proxies) bool {
	if r.TLS != nil {
		return true
	}
	if v, _ := r.Context().Value(httpsKey{}).(bool); v {
		return true
	}
	n := forwardedHops(r, p)
	if n == 0 {
		return false
	}
	var protos []string
	for _, h := range r.Header.Values("X-Forwarded-Proto") {
		for _, e := range strings.Split(h, ",") {
			protos = append(protos, strings.TrimSpace(e))
		}
	}
	if len(protos) == 0 {
		return false
	}
	return strings.EqualFold(protos[max(0, len(protos)-n)], "https")
}

// forwardedHops is how many trusted proxies the request came through, by
// the rule ClientIP reads X-Forwarded-For with: 0 when none is trusted or
// the request did not come through them. With Hops n, n when the chain has
// n entries (shorter: the request bypassed the proxies); with CIDRs, 0
// unless the peer is a trusted proxy, then 1 plus the trusted proxies at
// the right of the chain (an entry a client forged on the left is followed
// by the address of the client, which is not trusted, so it never counts).
func forwardedHops(r *http.Request, p Proxies) int {
	hops := p.hops(r) // one fewer without the Origin secret
	if hops == 0 && len(p.CIDRs) == 0 {
		return 0
	}
	chain := forwardedFor(r)
	if hops > 0 {
		if len(chain) < hops {
			return 0
		}
		return hops
	}
	if !p.trusted(peerAddr(r)) {
		return 0
	}
	n := 1
	for i := len(chain) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(chain[i])
		if err != nil || !p.trusted(ip.Unmap()) {
			break
		}
		n++
	}
	return n
}

// forwardedFor is the X-Forwarded-For chain, left to right, over all the
// header's lines.
func forwardedFor(r *http.Request) []string {
	var chain []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		for _, e := range strings.Split(h, ",") {
			chain = append(chain, strings.TrimSpace(e))
		}
	}
	return chain
}
