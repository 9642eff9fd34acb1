package event

// The scrubber and ParseUTM written plainly, without their hand-written
// matchers and shortcuts, as the oracle of TestScrubSameAsRegexp and
// FuzzScrubSame: the regular expressions, run on every name and value
// folded, say what the matchers must answer.

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// plainParseUTM reads utm_* parameters from a URL; anything unparsable gives none.
func plainParseUTM(raw string) UTM {
	u, err := url.Parse(raw)
	if err != nil {
		return UTM{}
	}
	clip := func(s string) string {
		var b strings.Builder
		for _, r := range strings.ToValidUTF8(s, "\ufffd") {
			switch {
			case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r < 0xa0, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			case b.Len()+len(string(r)) > 256:
				return b.String()
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	of := func(q url.Values) UTM {
		return UTM{
			Source:   clip(q.Get("utm_source")),
			Medium:   clip(q.Get("utm_medium")),
			Campaign: clip(q.Get("utm_campaign")),
			Term:     clip(q.Get("utm_term")),
			Content:  clip(q.Get("utm_content")),
		}
	}
	m := of(u.Query())
	// None there: the hash route's (a fragment starting "/" or "!"), after
	// the fragment's first "?".
	if f := u.EscapedFragment(); m == (UTM{}) && strings.Contains(f, "?") && (strings.HasPrefix(f, "/") || strings.HasPrefix(f, "!")) {
		q, _ := url.ParseQuery(f[strings.Index(f, "?")+1:])
		m = of(q)
	}
	return m
}

// plainFold is foldText for any text: without format characters and the
// other default-ignorable ones, NFKC, the ideographic full stop a ".".
func plainFold(s string) string {
	return strings.ReplaceAll(norm.NFKC.String(strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) {
			return -1
		}
		return r
	}, s)), "\u3002", ".")
}

// plainSecretName matches parameter names that hold secrets: passwords,
// tokens, keys, sessions, CSRF and card data, in English and Japanese.
var plainSecretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|token|secret|csrf|xsrf|session|sess_?id|auth|api_?key|access_?key|private_?key|card|cvc|cvv|ccv|iban|ssn|signature|^sig$|^sid$|^code$|^otp$|^pin$|^key$|^cc$|^pw$|` +
	`パスワード|暗証番号|認証コード|確認コード|トークン|セッション|カード番号|セキュリティコード)`)

var plainEmailish = regexp.MustCompile(`(?i)[^\x00-\x20"(),:;<>@\[\\\]\x7F\p{Z}]+(@|%40)[^\x00-\x20"(),:;<>@\[\\\]\x7F\p{Z}]+\.\p{L}{2,}`)

func plainIsSecret(name string) bool { return plainSecretName.MatchString(plainFold(name)) }

func plainHasEmail(s string) bool { return plainEmailish.MatchString(plainFold(s)) }

func plainDrop(s Scrubber, name, value string) bool {
	// SecretField: a GET form's fields never stored from a form go from URLs too.
	if plainIsSecret(name) || plainHasEmail(value) || SecretField(name) {
		return true
	}
	for _, p := range s.Params {
		if strings.EqualFold(p, name) {
			return true
		}
	}
	return false
}

// plainScrubURL is Scrubber.URL.
func plainScrubURL(s Scrubber, raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // validated elsewhere; never stored when invalid
	}
	changed := false
	if u.User != nil {
		u.User, changed = nil, true
	}
	// The path segment by segment, each without the parameters that go
	// and with its addresses replaced, decoded.
	segs := strings.Split(u.EscapedPath(), "/")
	pathChanged := false
	for i, seg := range segs {
		parts := strings.Split(seg, ";")
		kept := parts[:1]
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(p, "=")
			name, err := url.PathUnescape(k)
			if err != nil {
				name = k
			}
			value, err := url.PathUnescape(v)
			if err != nil {
				value = v
			}
			if !plainDrop(s, name, value) {
				kept = append(kept, p)
			}
		}
		d, err := url.PathUnescape(kept[0])
		if err != nil {
			d = kept[0]
		}
		found := false
		for i := 0; i < 8 && plainHasEmail(d); i++ {
			d, found = plainEmailish.ReplaceAllString(plainFold(d), "redacted"), true
		}
		if found {
			kept[0] = url.PathEscape(d)
		}
		if found || len(kept) < len(parts) {
			segs[i], pathChanged = strings.Join(kept, ";"), true
		}
	}
	if pathChanged {
		u.RawPath = strings.Join(segs, "/")
		u.Path, _ = url.PathUnescape(u.RawPath)
		changed = true
	}
	if q, ok := plainScrubParams(s, u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	route, frag := "", u.EscapedFragment()
	if i := strings.Index(frag, "?"); i >= 0 {
		route, frag = frag[:i+1], frag[i+1:]
	}
	if f, ok := plainScrubParams(s, frag); ok && strings.Contains(u.Fragment, "=") {
		f = route + f
		u.Fragment, u.RawFragment, changed = "", f, true
		if d, err := url.PathUnescape(f); err == nil {
			u.Fragment = d
		}
	} else if plainHasEmail(u.Fragment) {
		u.Fragment, u.RawFragment, changed = "", "", true
	}
	if !changed {
		return raw
	}
	return u.String()
}

// plainScrubParams filters a query string, keeping the order and the
// encoding of what it keeps; ok reports a change.
func plainScrubParams(s Scrubber, q string) (string, bool) {
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
		if plainDrop(s, name, value) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return q, false
	}
	return strings.Join(kept, "&"), true
}
