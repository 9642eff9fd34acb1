package event

// The scrubber and ParseUTM as they were before their hand-written
// matchers, kept as the oracle of TestScrubSameAsRegexp and FuzzScrubSame:
// the regular expressions say what the matchers must answer.

import (
	"net/url"
	"regexp"
	"strings"
)

// oldParseUTM reads utm_* parameters from a URL; anything unparsable gives none.
func oldParseUTM(raw string) UTM {
	u, err := url.Parse(raw)
	if err != nil {
		return UTM{}
	}
	q := u.Query()
	clip := func(s string) string {
		if len(s) > 256 {
			return s[:256]
		}
		return s
	}
	return UTM{
		Source:   clip(q.Get("utm_source")),
		Medium:   clip(q.Get("utm_medium")),
		Campaign: clip(q.Get("utm_campaign")),
		Term:     clip(q.Get("utm_term")),
		Content:  clip(q.Get("utm_content")),
	}
}

// secretName matches parameter names that hold secrets: passwords, tokens,
// keys, sessions, CSRF and card data.
var oldSecretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|token|secret|csrf|xsrf|session|sess_?id|auth|api_?key|access_?key|private_?key|card|cvc|cvv|ccv|iban|ssn|signature|^sig$|^sid$|^code$|^otp$|^pin$|^key$|^cc$)`)

var oldEmailish = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+(@|%40)[a-z0-9.\-]+\.[a-z]{2,}`)

func oldDrop(s Scrubber, name, value string) bool {
	// SecretField was added to the rule after the matchers were written.
	if oldSecretName.MatchString(name) || oldEmailish.MatchString(value) || SecretField(name) {
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
func oldScrubURL(s Scrubber, raw string) string {
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
	for i := 0; i < 8 && oldEmailish.MatchString(u.Path); i++ {
		u.Path = oldEmailish.ReplaceAllString(u.Path, "redacted")
		u.RawPath = ""
		changed = true
	}
	if q, ok := oldScrubParams(s, u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	if f, ok := oldScrubParams(s, u.EscapedFragment()); ok && strings.Contains(u.Fragment, "=") {
		u.Fragment, u.RawFragment, changed = "", f, true
		if d, err := url.PathUnescape(f); err == nil {
			u.Fragment = d
		}
	} else if oldEmailish.MatchString(u.Fragment) {
		u.Fragment, u.RawFragment, changed = "", "", true
	}
	if !changed {
		return raw
	}
	return u.String()
}

// params filters a query string, keeping the order and the encoding of what
// it keeps; ok reports a change.
func oldScrubParams(s Scrubber, q string) (string, bool) {
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
		if oldDrop(s, name, value) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return q, false
	}
	return strings.Join(kept, "&"), true
}
