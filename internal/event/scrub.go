package event

import (
	"net/url"
	"regexp"
	"strings"
)

// Scrubber removes what must never be stored from a URL: query (and
// fragment) parameters whose names say they hold a secret, every parameter
// whose value holds an email address, and email addresses in the path. A
// GET form with a password field, a magic-link token or a CRM's tracking
// parameters would otherwise land in the event store, the timeline and the
// SFA. It applies to every stored URL and referrer, from every source.
type Scrubber struct {
	// Params are more parameter names to remove (case-insensitive, exact),
	// besides the defaults (config file: scrub_params).
	Params []string
}

// secretName matches parameter names that hold secrets: passwords, tokens,
// keys, sessions, CSRF and card data.
var secretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|token|secret|csrf|xsrf|session|sess_?id|auth|api_?key|access_?key|private_?key|card|cvc|cvv|ccv|iban|ssn|signature|^sig$|^sid$|^code$|^otp$|^pin$|^key$|^cc$)`)

var emailish = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+(@|%40)[a-z0-9.\-]+\.[a-z]{2,}`)

func (s Scrubber) drop(name, value string) bool {
	if secretName.MatchString(name) || emailish.MatchString(value) {
		return true
	}
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
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // validated elsewhere; never stored when invalid
	}
	changed := false
	// Until none is left: a replacement can join what remains into a new
	// address ("a@b.cc@d.ee").
	for i := 0; i < 8 && emailish.MatchString(u.Path); i++ {
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
	} else if emailish.MatchString(u.Fragment) {
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
	if q == "" {
		return q, false
	}
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		k, v, _ := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			value = v
		}
		if s.drop(name, value) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return q, false
	}
	return strings.Join(kept, "&"), true
}
