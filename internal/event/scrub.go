package event

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Scrubber removes what must never be stored from a URL: query (and
// fragment) parameters whose names say they hold a secret, every parameter
// whose value holds an email address, such parameters in a path segment
// (";jsessionid=..."), the user info (user name and password), and email
// addresses in the path. A GET form with a password field, a magic-link
// token or a CRM's tracking parameters would otherwise land in the event
// store, the timeline and the SFA. It applies to every stored URL and
// referrer, from every source.
//
// An address is any NormalizeEmail would read as one: names and values are
// compared without invisible characters and in their NFKC form, so a
// full-width "＠" (a Japanese input method in full-width mode), a UTF-8
// local part (山田@example.jp) and a zero-width space inside are addresses
// too, and a half-width ﾊﾟｽﾜｰﾄﾞ is パスワード.
type Scrubber struct {
	// Params are more parameter (and form field) names to remove
	// (case-insensitive, exact), besides the defaults (config file:
	// scrub_params).
	Params []string
}

// secretName matches parameter names (folded: foldText) that hold
// secrets: passwords, tokens, keys, sessions, CSRF and card data, in
// English and Japanese.
var secretName = regexp.MustCompile(`(?i)(pass(word|wd)?|pwd|token|secret|csrf|xsrf|session|sess_?id|auth|api_?key|access_?key|private_?key|card|cvc|cvv|ccv|iban|ssn|signature|jwt|credential|^sig$|^sid$|^code$|^otp$|^pin$|^key$|^cc$|^pw$|^ticket$|^mkt_tok$|^_hsenc$|^_hsmi$|` +
	`パスワード|暗証番号|認証コード|確認コード|トークン|セッション|カード番号|セキュリティコード)`)

// emailish matches an address in folded text (foldText) as net/mail reads
// one: a local part and a domain of what an atom holds (ASCII but for
// spaces, controls and "(),:;<>@[\]", and any other character but a
// space), an "@" (or "%40", an escape left in a value decoded once), and
// a top-level domain of two letters or more (in any script): "pkg@1.2.3"
// is a version, not an address. On ASCII text it is emailASCII.
var emailish = regexp.MustCompile(`(?i)[^\x00-\x20"(),:;<>@\[\\\]\x7F\p{Z}]+(@|%40)[^\x00-\x20"(),:;<>@\[\\\]\x7F\p{Z}]+\.\p{L}{2,}`)

// emailASCII is emailish for ASCII text, cheaper to run.
var emailASCII = regexp.MustCompile(`(?i)[!#-'*+\-./0-9=?A-Z^-~]+(@|%40)[!#-'*+\-./0-9=?A-Z^-~]+\.[a-z]{2,}`)

// foldText is text as the scrubber compares it: as NormalizeEmail reads an
// address, without invisible characters and in its NFKC form (full-width
// "＠" is "@"), and with the ideographic full stop "。" (and the half-width
// "｡", NFKC's "。") a ".": what a Japanese input method types for the
// period key, which IDNA (UTS #46) maps to "." as a domain's label
// separator (taro@例え。jp is taro@例え.jp). ASCII is as it is.
func foldText(s string) string {
	if isASCII(s) {
		return s
	}
	return strings.ReplaceAll(norm.NFKC.String(stripInvisible(s)), "。", ".")
}

// hasWideAt reports whether s holds an "@" or a "%" only NFKC makes one:
// full-width (U+FF20, U+FF05) or small (U+FE6B, U+FE6A), all four EF xx xx
// in UTF-8.
func hasWideAt(s string) bool {
	for {
		i := strings.IndexByte(s, 0xEF)
		if i < 0 || i+3 > len(s) {
			return false
		}
		switch s[i : i+3] {
		case "\uff20", "\uff05", "\ufe6b", "\ufe6a":
			return true
		}
		s = s[i+1:]
	}
}

// secretParts and secretNames are secretName for ASCII names, lower-cased:
// the regular expression cost most of a page view's parsing. secretParts
// is by first byte.
var (
	secretParts = partsByFirst("pass", "pwd", "token", "secret", "csrf", "xsrf", "session", "sessid", "sess_id", "auth",
		"apikey", "api_key", "accesskey", "access_key", "privatekey", "private_key", "card", "cvc", "cvv", "ccv", "iban", "ssn", "signature",
		"jwt", "credential") // a JSON Web Token, S3's X-Amz-Credential
	// ticket: a CAS login's; mkt_tok, _hsenc and _hsmi: Marketo's and
	// HubSpot's email tokens, which name the recipient.
	secretNames = []string{"sig", "sid", "code", "otp", "pin", "key", "cc", "pw", "ticket", "mkt_tok", "_hsenc", "_hsmi"}
)

func partsByFirst(parts ...string) (by [256][]string) {
	for _, p := range parts {
		by[p[0]] = append(by[p[0]], p)
	}
	return by
}

// isSecretName is secretName.MatchString(foldText(name)). Unicode case
// folding ('ſ' is an 's', 'K' a 'k') and folding are left to the regular
// expression's way.
func isSecretName(name string) bool {
	var buf [64]byte
	if len(name) > len(buf) {
		return secretName.MatchString(foldText(name))
	}
	low := buf[:len(name)]
	for i := range len(name) {
		c := name[i]
		if c >= utf8.RuneSelf {
			return secretName.MatchString(foldText(name))
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

// hasEmail is emailish.MatchString(foldText(s)): no address without an
// "@" or "%40" once folded.
func hasEmail(s string) bool {
	if isASCII(s) {
		return (strings.IndexByte(s, '@') >= 0 || strings.Contains(s, "%40")) && emailASCII.MatchString(s)
	}
	// Folded, an "@" comes of "@" or a wide one, a "%" of "%" or a wide
	// one: without any, no address, and no folding (a Japanese value).
	if strings.IndexByte(s, '@') < 0 && strings.IndexByte(s, '%') < 0 && !hasWideAt(s) {
		return false
	}
	f := foldText(s)
	return (strings.IndexByte(f, '@') >= 0 || strings.Contains(f, "%40")) && emailish.MatchString(f)
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
	// Nothing to remove without a query, a fragment, a path parameter, user
	// info or an address. An escape can spell "@" ("%40", "%EF%BC%A0"), and
	// a path, decoded once, can hold "%40" from "%2540", which the address
	// pattern matches too: any "%" takes the long way.
	if !strings.ContainsAny(raw, "?#@%;") && !hasWideAt(raw) {
		return raw
	}
	// Nor with a query alone, none of whose parameters goes: url.Parse
	// would take everything after the first "?" as the query, and its
	// URL struct was most of a page view's allocations.
	if !strings.ContainsAny(raw, "#@%") {
		if p, q, _ := strings.Cut(raw, "?"); strings.IndexByte(p, ';') < 0 && !hasWideAt(p) && !s.dropsAny(q) {
			return raw
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw // validated elsewhere; never stored when invalid
	}
	changed := false
	// User info is a user name (often an address) and a password: never
	// anything an analysis needs.
	if u.User != nil {
		u.User, changed = nil, true
	}
	if strings.IndexByte(u.EscapedPath(), ';') >= 0 || hasEmail(u.Path) {
		if p, ok := s.path(u.EscapedPath()); ok {
			u.RawPath, changed = p, true
			u.Path, _ = url.PathUnescape(p) // escaped by EscapedPath and PathEscape: valid
		}
	}
	if q, ok := s.params(u.RawQuery); ok {
		u.RawQuery, changed = q, true
	}
	// A single-page app's hash route ("#/callback?code=...", Vue Router's
	// and Angular's hash modes) has its parameters after a "?": read from
	// there, the route kept.
	route, frag := fragmentRoute(u.EscapedFragment())
	if f, ok := s.params(frag); ok && strings.Contains(u.Fragment, "=") {
		f = route + f
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

// RouteQuery is the query of u's hash route, escaped: what follows the
// first "?" of its fragment ("#/lp?utm_source=x" is "utm_source=x"), ""
// for a fragment without one or that is no route (an anchor, "#plans?x",
// as HashRoute and the rules engine tell). Attribution reads a hash
// route's campaign parameters and ad click ids there when the URL's own
// query has none.
func RouteQuery(u *url.URL) string {
	f := u.EscapedFragment()
	if _, ok := HashRoute(f); !ok {
		return ""
	}
	if route, params := fragmentRoute(f); route != "" {
		return params
	}
	return ""
}

// fragmentRoute splits an escaped fragment into a hash route up to its
// first "?" (included) and the parameters after it; a fragment without
// one is all parameters.
func fragmentRoute(f string) (route, params string) {
	if i := strings.IndexByte(f, '?'); i >= 0 {
		return f[:i+1], f[i+1:]
	}
	return "", f
}

// HashRoute is a fragment's hash route, a single-page app's page: a
// fragment starting with "/" or "!" (#/pricing, #!/pricing, as the
// collector tells a route from an in-page anchor such as #plans), up to
// its first "?" (fragmentRoute: what follows is the route's parameters).
func HashRoute(fragment string) (string, bool) {
	if !strings.HasPrefix(fragment, "/") && !strings.HasPrefix(fragment, "!") {
		return "", false
	}
	if route, _ := fragmentRoute(fragment); route != "" {
		return route[:len(route)-1], true
	}
	return fragment, true
}

// path removes from an escaped path, segment by segment, the parameters
// params would remove from a query ("/a;jsessionid=ABC/b;v=1" is
// "/a/b;v=1": Tomcat's URL rewriting keeps a session there), and replaces
// the addresses in a segment with "redacted" (the segment compared
// folded, and so kept). A segment is read decoded: an address may hold a
// "/" ("%2F"), which the whole path decoded cannot tell from a separator.
// The segments without either keep their encoding; ok reports a change.
func (s Scrubber) path(p string) (string, bool) {
	segs := strings.Split(p, "/")
	changed := false
	for i, seg := range segs {
		parts := strings.Split(seg, ";")
		kept := parts[:1]
		for _, p := range parts[1:] {
			if !s.dropPathParam(p) {
				kept = append(kept, p)
			}
		}
		d, err := url.PathUnescape(kept[0])
		if err != nil {
			d = kept[0]
		}
		if hasEmail(d) {
			// Until none is left: a replacement can join what remains
			// into a new address ("a@b.cc@d.ee").
			for i := 0; i < 8 && hasEmail(d); i++ {
				d = emailish.ReplaceAllString(foldText(d), "redacted")
			}
			kept[0] = url.PathEscape(d)
		} else if len(kept) == len(parts) {
			continue
		}
		segs[i], changed = strings.Join(kept, ";"), true
	}
	if !changed {
		return p, false
	}
	return strings.Join(segs, "/"), true
}

// dropPathParam is dropParam for a path segment's parameter: "+" is a
// plus there.
func (s Scrubber) dropPathParam(p string) bool {
	k, v, _ := strings.Cut(p, "=")
	name, err := url.PathUnescape(k)
	if err != nil {
		name = k
	}
	value, err := url.PathUnescape(v)
	if err != nil {
		value = v
	}
	return s.drop(name, value)
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

// DecodePercent is s with each %XX as the byte it encodes, but for the
// bytes keep says stay encoded (nil: none); what is no escape stays as it
// is, + as +. Unlike url.PathUnescape it never fails: one stray % ("100%")
// does not keep the rest of a text from being read. (The admin pages read
// URLs with it, erasure finds an address in one: email=ann%40acme.example.)
func DecodePercent(s string, keep func(c byte) bool) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			b.WriteByte(s[i])
			continue
		}
		if c := unhex(s[i+1])<<4 | unhex(s[i+2]); keep != nil && keep(c) {
			b.WriteString(s[i : i+3])
		} else {
			b.WriteByte(c)
		}
		i += 2
	}
	return b.String()
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
