package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
)

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

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// Allow takes a token for key, reporting whether one was available and, if
// not, how long until one is.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	now := time.Now()
	if l.now != nil {
		now = l.now()
	}
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
			secs := int(wait/time.Second) + 1
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			Error(w, http.StatusTooManyRequests, "rate limit exceeded, retry later")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ClientIP is the client's address: the connection's peer, or with
// trustProxy the first X-Forwarded-For entry (set by the load balancer or
// CloudFront in front of Baton). The zero Addr when unknown.
func ClientIP(r *http.Request, trustProxy bool) netip.Addr {
	if trustProxy {
		first, _, _ := strings.Cut(r.Header.Get("X-Forwarded-For"), ",")
		if ip, err := netip.ParseAddr(strings.TrimSpace(first)); err == nil {
			return ip.Unmap()
		}
	}
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
