package event

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Scrubber removes what must never be stored from a URL: query (and
// fragment) parameters whose names say they hold a secret, every parameter
// whose value holds an email address, and email addresses in the path. A
// GET form with a password field, a magic-link token or a CRM's tracking
// parameters would otherwise land in the event store, the timeline and the
// SFA. It applies to every stored URL and referrer, from every source.
type Scrubber struct {
	// Params are more parameter (and form field) names to remove
	// (case-insensitive, exact), besides the defaults (config file:
	// scrub_params).
	Params []string
}

// secretName matches parameter names that hold secrets: passwords, tokens,
// keys, sessions, CSRF and card data.
var secretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|token|secret|csrf|xsrf|session|sess_?id|auth|api_?key|access_?key|private_?key|card|cvc|cvv|ccv|iban|ssn|signature|^sig$|^sid$|^code$|^otp$|^pin$|^key$|^cc$)`)

var emailish = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+(@|%40)[a-z0-9.\-]+\.[a-z]{2,}`)

// secretParts and secretNames are secretName for ASCII names, lower-cased:
// the regular expression cost most of a page view's parsing. secretParts
// is by first byte.
var (
	secretParts = partsByFirst("pass", "pwd", "token", "secret", "csrf", "xsrf", "session", "sessid", "sess_id", "auth",
		"apikey", "api_key", "accesskey", "access_key", "privatekey", "private_key", "card", "cvc", "cvv", "ccv", "iban", "ssn", "signature")
	secretNames = []string{"sig", "sid", "code", "otp", "pin", "key", "cc"}
)

func partsByFirst(parts ...string) (by [256][]string) {
	for _, p := range parts {
		by[p[0]] = append(by[p[0]], p)
	}
	return by
}

// isSecretName is secretName.MatchString(name). Unicode case folding ('ſ'
// is an 's', 'K' a 'k') is left to the regular expression.
func isSecretName(name string) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		return secretName.MatchString(name)
	}
	low := buf[:len(name)]
	for i := range len(name) {
		c := name[i]
		if c >= utf8.RuneSelf {
			return secretName.MatchString(name)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	for i, c := range low {
		for _, p := range secretParts[c] {
			if strings.HasPrefix(string(low[i:]), p) {
				return true
			}
		}
	}
	return slices.Contains(secretNames, string(low))
}

// hasEmail is emailish.MatchString(s): no address without an "@" or "%40".
func hasEmail(s string) bool {
	return (strings.IndexByte(s, '@') >= 0 || strings.Contains(s, "%40")) && emailish.MatchString(s)
}

func (s Scrubber) drop(name, value string) bool {
	// A GET form's fields are its next page's parameters: those never
	// stored from a form (SecretField) go from URLs too.
	return isSecretName(name) || hasEmail(value) || SecretField(name) || s.named(name)
}

// named reports whether name is one of Params.
func (s Scrubber) named(name string) bool {
	for _, p := range s.Params {
		if strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// URL returns raw without the parameters and addresses Scrubber removes;
// the rest (order, encoding of what is kept) is left as sent.
func (s Scrubber) URL(raw string) string {
	// Nothing to remove without a query, a fragment or an address. An
	// escape can spell "@" ("%40"), and a path, decoded once, can hold
	// "%40" from "%2540", which the address pattern matches too: any "%"
	// takes the long way.
	if !strings.ContainsAny(raw, "?#@%") {
		return raw
	}
	// Nor with a query alone, none of whose parameters goes: url.Parse
	// would take everything after the first "?" as the query, and its
	// URL struct was most of a page view's allocations.
	if !strings.ContainsAny(raw, "#@%") {
		if _, q, _ := strings.Cut(raw, "?"); !s.dropsAny(q) {
			return raw
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // validated elsewhere; never stored when invalid
	}
	changed := false
	// Until none is left: a replacement can join what remains into a new
	// address ("a@b.cc@d.ee").
	for i := 0; i < 8 && hasEmail(u.Path); i++ {
		u.Path = emailish.ReplaceAllString(u.Path, "redacted")
		u.RawPath = ""
		changed = true
	}
	if q, ok := s.params(u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	if f, ok := s.params(u.EscapedFragment()); ok && strings.Contains(u.Fragment, "=") {
		u.Fragment, u.RawFragment, changed = "", f, true
		if d, err := url.PathUnescape(f); err == nil {
			u.Fragment = d
		}
	} else if hasEmail(u.Fragment) {
		u.Fragment, u.RawFragment, changed = "", "", true
	}
	if !changed {
		return raw
	}
	return u.String()
}

// params filters a query string, keeping the order and the encoding of what
// it keeps; ok reports a change.
func (s Scrubber) params(q string) (string, bool) {
	if !s.dropsAny(q) {
		return q, false // most often: without splitting it
	}
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		if !s.dropParam(p) {
			kept = append(kept, p)
		}
	}
	if len(kept) == len(parts) {
		return q, false
	}
	return strings.Join(kept, "&"), true
}

// dropsAny reports whether params would remove a parameter of q.
func (s Scrubber) dropsAny(q string) bool {
	for q != "" {
		var p string
		p, q, _ = strings.Cut(q, "&")
		if s.dropParam(p) {
			return true
		}
	}
	return false
}

// dropParam reports whether params removes the parameter p ("k=v").
func (s Scrubber) dropParam(p string) bool {
	k, v, _ := strings.Cut(p, "=")
	name, err := url.QueryUnescape(k)
	if err != nil {
		name = k
	}
	value, err := url.QueryUnescape(v)
	if err != nil {
		value = v
	}
	return s.drop(name, value)
}
