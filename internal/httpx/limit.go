package httpx

import (
	"fmt"
	"github.com/baton-hq/baton/internal/clock"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

// LimitPerClient bounds the requests one client (by key) has in flight:
// past max it is answered 429 at once, so a client trickling slow bodies
// holds at most max of the process's slots and cannot starve the others.
func LimitPerClient(max int, key func(*http.Request) string, h http.Handler) http.Handler {
	if max <= 0 {
		return h
	}
	var mu sync.Mutex
	busy := map[string]int{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := key(r)
		mu.Lock()
		if busy[k] >= max {
			mu.Unlock()
			w.Header().Set("Retry-After", "1")
			Error(w, http.StatusTooManyRequests, "too many requests in flight from this client")
			return
		}
		busy[k]++
		mu.Unlock()
		defer func() {
			mu.Lock()
			if busy[k]--; busy[k] == 0 {
				delete(busy, k) // the map holds only clients with requests in flight
			}
			mu.Unlock()
		}()
		h.ServeHTTP(w, r)
	})
}

// Limit bounds the requests in flight: past max, a request is answered 503
// with Retry-After at once instead of queueing without bound. Back-pressure
// the client can act on beats unbounded memory.
func Limit(max int, h http.Handler) http.Handler {
	if max <= 0 {
		return h
	}
	sem := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			h.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			Error(w, http.StatusServiceUnavailable, "server busy, retry later")
		}
	})
}

// RateLimiter is a per-key token bucket (per client address on the local
// stack; on AWS the equivalent is a WAF rate rule and reserved concurrency).
type RateLimiter struct {
	Rate  float64 // tokens per second
	Burst float64
	// Refused, when set, is told of each request Middleware refuses (the
	// admin routes' go to the audit trail).
	Refused func(*http.Request)

	// Now is the clock buckets refill by (nil: the wall clock); the local
	// stack hands its own, so that tests on a manual clock are not raced
	// by a slow machine's refills.
	Now func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// Allow takes a token for key, reporting whether one was available and, if
// not, how long until one is.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	now := clock.Or(l.Now)()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if now.Sub(l.swept) > time.Minute { // forget idle clients so memory stays bounded
		for k, b := range l.buckets {
			if now.Sub(b.last) > time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.Burst, last: now}
		l.buckets[key] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * l.Rate
	if b.tokens > l.Burst {
		b.tokens = l.Burst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
}

// Middleware answers 429 with Retry-After to a client over its rate.
func (l *RateLimiter) Middleware(key func(*http.Request) string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.Allow(key(r)); !ok {
			if l.Refused != nil {
				l.Refused(r)
			}
			secs := int(wait/time.Second) + 1
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			Error(w, http.StatusTooManyRequests, "rate limit exceeded, retry later")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// Proxies says which proxies in front of Baton are trusted to report the
// client's address in X-Forwarded-For (BATON_TRUST_PROXY). The zero value
// trusts none: the connection's peer is the client.
type Proxies struct {
	Hops  int            // this many proxies append to X-Forwarded-For
	CIDRs []netip.Prefix // or: proxies at these addresses
	// Origin (BATON_ORIGIN_SECRET, with Hops): the outermost of the Hops
	// proxies proves a request came through it with OriginHeader; a
	// request without it is read through Hops-1 proxies.
	Origin OriginSecret
}

// ParseProxies reads BATON_TRUST_PROXY: empty or false (none), true (one
// proxy), a number of proxies, or a comma-separated list of proxy addresses
// and CIDRs.
func ParseProxies(v string) (Proxies, error) {
	v = strings.TrimSpace(v)
	switch v {
	case "", "false", "0":
		return Proxies{}, nil
	case "true":
		return Proxies{Hops: 1}, nil
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 || n > 10 {
			return Proxies{}, fmt.Errorf("%d proxies: want 0 to 10", n)
		}
		return Proxies{Hops: n}, nil
	}
	var p Proxies
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if pre, err := netip.ParsePrefix(f); err == nil {
			p.CIDRs = append(p.CIDRs, pre.Masked())
			continue
		}
		ip, err := netip.ParseAddr(f)
		if err != nil {
			return Proxies{}, fmt.Errorf("%q is neither a number of proxies nor an address or CIDR", f)
		}
		p.CIDRs = append(p.CIDRs, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
	}
	return p, nil
}

func (p Proxies) trusted(ip netip.Addr) bool {
	for _, c := range p.CIDRs {
		if c.Contains(ip) {
			return true
		}
	}
	return false
}

// ClientIP is the client's address, the one function that rate limits,
// stored (truncated) addresses and scanner-network checks all use. It reads
// X-Forwarded-For from the right, where trusted proxies appended what they
// saw, so entries a client wrote itself (on the left) never count: with
// Hops n, the n-th entry from the right; with CIDRs, the right-most entry
// that is not a trusted proxy, and only when the peer itself is one. A
// chain shorter than promised (a request that bypassed the proxies) gives
// the peer. With an Origin secret, a request that did not bring it
// bypassed the outermost proxy: one proxy fewer is trusted. The zero Addr
// when unknown.
func ClientIP(r *http.Request, p Proxies) netip.Addr {
	peer := peerAddr(r)
	hops := p.hops(r)
	if hops == 0 && len(p.CIDRs) == 0 {
		return peer
	}
	chain := forwardedFor(r)
	if hops > 0 {
		if len(chain) < hops {
			return peer
		}
		ip, err := netip.ParseAddr(chain[len(chain)-hops])
		if err != nil {
			return peer
		}
		return ip.Unmap()
	}
	if !p.trusted(peer) {
		return peer
	}
	for i := len(chain) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(chain[i])
		if err != nil {
			return peer
		}
		if ip = ip.Unmap(); !p.trusted(ip) {
			return ip
		}
	}
	return peer
}

func peerAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

// ClientKey is what the per-client limits count a client address as: an
// IPv4 address itself, an IPv6 address its /64. An IPv6 client holds a
// whole /64 (privacy addresses change by themselves, and a host can use
// any of 2^64), so keyed by the full address each new one had a bucket
// of its own.
func ClientKey(ip netip.Addr) string {
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
