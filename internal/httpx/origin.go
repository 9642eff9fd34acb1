package httpx

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
)

// OriginHeader is the header the outermost trusted proxy, a CDN in front of
// an API anyone can also call directly (CloudFront in front of API
// Gateway's execute-api address), adds to every request it forwards, with
// BATON_ORIGIN_SECRET as its value: a request without it did not come
// through that proxy, so the entry that proxy would have appended to
// X-Forwarded-For is the client's own and is not believed.
const OriginHeader = "X-Baton-Origin-Secret"

// OriginSecret is BATON_ORIGIN_SECRET, and while it is being changed
// BATON_ORIGIN_SECRET_PREVIOUS, kept as their SHA-256 sums: compared in
// constant time whatever the length sent, and printing a configuration
// never shows them. The zero value is no secret.
type OriginSecret struct{ sums [][sha256.Size]byte }

// NewOriginSecret keeps v ("": no secret) and, accepted beside it, the
// values it replaces (CloudFront's edges send the old value for minutes
// after a stack update changes it).
func NewOriginSecret(v string, previous ...string) OriginSecret {
	if v == "" {
		return OriginSecret{}
	}
	s := OriginSecret{sums: [][sha256.Size]byte{sha256.Sum256([]byte(v))}}
	for _, p := range previous {
		if p != "" {
			s.sums = append(s.sums, sha256.Sum256([]byte(p)))
		}
	}
	return s
}

// IsSet reports whether there is a secret.
func (s OriginSecret) IsSet() bool { return len(s.sums) > 0 }

func (s OriginSecret) String() string {
	switch len(s.sums) {
	case 0:
		return "none"
	case 1:
		return "[secret]"
	}
	return "[secret, and the previous one]"
}

// matches reports whether v is the secret or a previous one. Every sum is
// compared, so the time taken says nothing of which matched.
func (s OriginSecret) matches(v string) bool {
	if len(s.sums) == 0 || v == "" {
		return false
	}
	sum := sha256.Sum256([]byte(v))
	ok := 0
	for _, want := range s.sums {
		ok |= subtle.ConstantTimeCompare(sum[:], want[:])
	}
	return ok == 1
}

type originKey struct{}

// TakeOrigin moves OriginHeader out of the request's headers into its
// context, where only ClientIP, IsHTTPS and RequireOrigin compare it with
// the configured secret: no handler, log line or stored event sees the
// secret. Every way
// a request comes in calls it first (lambdahttp.Request, the local stack's
// server).
func TakeOrigin(r *http.Request) *http.Request {
	vs := r.Header.Values(OriginHeader)
	if len(vs) == 0 {
		return r
	}
	r.Header.Del(OriginHeader)
	if len(vs) > 1 {
		return r // the proxy sets one value: two are not its
	}
	return r.WithContext(context.WithValue(r.Context(), originKey{}, vs[0]))
}

// TakeOriginHandler is TakeOrigin before h.
func TakeOriginHandler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, TakeOrigin(r))
	})
}

// hops is how many proxies p trusts to have appended to X-Forwarded-For
// for r: Hops, or one fewer when p has an origin secret and r did not
// bring it (TakeOrigin), i.e. r reached the next proxy (API Gateway)
// directly, past the one that adds the secret.
func (p Proxies) hops(r *http.Request) int {
	if p.Hops == 0 || !p.Origin.IsSet() {
		return p.Hops
	}
	v, _ := r.Context().Value(originKey{}).(string)
	if p.Origin.matches(v) {
		return p.Hops
	}
	return p.Hops - 1
}

// OriginRequired is the refusal RequireOrigin answers, in English and
// Japanese: whoever reads it (a developer whose backend posts to /v1, an
// operator) learns where to send instead.
const OriginRequired = "this API is reachable only through the site's domain (the CloudFront distribution in front of it), not at its own address: send to https://<your Baton domain> / この API にはサイトのドメイン（前段の CloudFront）経由でのみアクセスできます。API 自体のアドレスではなく https://<Baton のドメイン> に送信してください"

// RequireOrigin answers 403 (OriginRequired) to every request that did not
// bring s in OriginHeader (TakeOrigin moved it to the context), whatever
// its route: a request without it came past the CDN, and with it past the
// CDN's WAF rate rule (BATON_REQUIRE_ORIGIN). GET and HEAD of
// base+"/healthz" stay open, as health checks may probe the origin itself.
// With no secret (s not set) it is h.
func RequireOrigin(s OriginSecret, base string, h http.Handler) http.Handler {
	if !s.IsSet() {
		return h
	}
	health := base + "/healthz"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := r.Context().Value(originKey{}).(string)
		if s.matches(v) || (r.Method == http.MethodGet || r.Method == http.MethodHead) && r.URL.Path == health {
			h.ServeHTTP(w, r)
			return
		}
		Error(w, http.StatusForbidden, OriginRequired)
	})
}
