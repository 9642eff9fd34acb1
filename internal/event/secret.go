package event

import (
	"bytes"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The one list of form-field names that hold secrets: the collector drops
// such fields from every event it parses (dropSecrets), identity never
// makes them attributes, whatever the source (tag, Segment API, CSV), and
// a URL loses such parameters (a GET form puts its fields there). The
// tag's own list (tag/src/tag.js REFUSED) must stay within it: tag
// TestServerRefusesWhatTheTagRefuses.
var (
	// secretWords: a name holding one, lower-cased, names a secret.
	secretWords = []string{
		"pass", "pwd", "secret", "token", "csrf", "xsrf", "cvc", "cvv", "ccv", "card", "ccnum", "iban",
		// Anti-bot answers (g-recaptcha-response, h-captcha-response):
		// one-use tokens, new on every send, so a form sent twice
		// differed and scored twice (rulebook's resubmit check compares
		// the fields). Turnstile's and nonces are phrases and tokens
		// below: nonCertified and a product_turnstile are no secrets.
		"captcha",
		// Credentials a form may carry (an API's sign-up, a partner
		// portal): an Authorization header's value, a session, a JWT.
		"credential", "bearer", "authorization",
		"パスワ", "暗証", "暗号", "カード", "セキュリティコード", "セキュリティーコード", "マイナンバー", "個人番号",
		"口座番号", "秘密", "合言葉", "認証コード", "確認コード", "ワンタイム",
	}
	// secretPhrases: the same, once the name has lost its separators
	// (security_code, one-time-code, api-key). Only phrases long enough
	// not to appear across the words of an innocent name.
	secretPhrases = []string{
		"securitycode", "onetimecode", "pincode", "mynumber", "apikey", "accesskey", "privatekey",
		"bankaccount", "routingnumber", "cfturnstile", "wpnonce",
		"verificationcode", "mfacode", "recoverycode", "backupcode", "twofactor",
	}
	// secretTokens: a word of the name (a run of letters; userPw is user
	// and Pw) that is one of these: pw, pw2, user_pw, PIN, cc-number.
	secretTokens = []string{"pw", "pin", "otp", "cc", "ccn", "csc", "ssn", "cvn", "nonce", "jwt", "mfa", "totp"}
)

// SecretField reports whether a form field (or a query parameter, or a
// label) of this name holds a secret: a password, a card's number or code,
// a PIN, a one-time code, a token, a CAPTCHA's answer or a form's nonce,
// a bank account or a My Number (the
// names the tag refuses and more, English, autocomplete tokens such as
// cc-number and new-password, and Japanese: パスワード, 暗証番号,
// カード番号, セキュリティコード, マイナンバー, 個人番号, 口座番号).
// Full-width and half-width forms are read as one (NFKC).
func SecretField(name string) bool {
	if secretTokenIn(name) {
		return true
	}
	var buf [128]byte
	low, ascii := buf[:0], true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		low = append(low, c)
	}
	if ascii {
		return secretLower(low)
	}
	// The name as sent, then its NFKC form (ｐａｓｓ, ﾊﾟｽﾜｰﾄﾞ, ＰＷ):
	// composing can join a word's last letter with the mark after it
	// (card and U+030C is carď), and the tag reads it as sent.
	if secretLower([]byte(strings.ToLower(name))) {
		return true
	}
	n := norm.NFKC.String(name)
	return n != name && (secretTokenIn(n) || secretLower([]byte(strings.ToLower(n))))
}

// secretWordsBy and secretPhrasesBy are the lists by first byte: a
// name's check looks at each of its bytes once, not for each word.
var secretWordsBy, secretPhrasesBy = byFirst(secretWords), byFirst(secretPhrases)

func byFirst(ss []string) (by [256][][]byte) {
	for _, s := range ss {
		by[s[0]] = append(by[s[0]], []byte(s))
	}
	return by
}

func holds(s []byte, by *[256][][]byte) bool {
	for i, c := range s {
		for _, w := range by[c] {
			if bytes.HasPrefix(s[i:], w) {
				return true
			}
		}
	}
	return false
}

// secretLower reports whether a lower-cased name holds a secretWord, or,
// without its separators, a secretPhrase.
func secretLower(low []byte) bool {
	if holds(low, &secretWordsBy) {
		return true
	}
	var buf [128]byte
	sq := buf[:0]
	for _, c := range low {
		switch c {
		case ' ', '-', '_', '.':
		default:
			sq = append(sq, c)
		}
	}
	return holds(sq, &secretPhrasesBy)
}

// secretTokenIn reports whether a word of name is a secretToken. Words
// are runs of ASCII letters, split before a capital that follows a small
// letter (userPw), so name is read as sent, not lower-cased; a run is also
// read whole, whatever its case (cC-number, pIN: the tag's \bcc- is /i).
func secretTokenIn(name string) bool {
	start, run := -1, -1
	for i := 0; i <= len(name); i++ {
		letter, upper := false, false
		if i < len(name) {
			c := name[i]
			upper = 'A' <= c && c <= 'Z'
			letter = upper || 'a' <= c && c <= 'z'
		}
		camel := upper && start >= 0 && 'a' <= name[i-1] && name[i-1] <= 'z'
		if start >= 0 && (!letter || camel) {
			if secretToken(name[start:i]) {
				return true
			}
			start = -1
		}
		if run >= 0 && !letter {
			if secretToken(name[run:i]) {
				return true
			}
			run = -1
		}
		if letter && start < 0 {
			start = i
		}
		if letter && run < 0 {
			run = i
		}
	}
	return false
}

// secretToken reports whether w, ASCII letters, is a secretToken.
func secretToken(w string) bool {
	n := len(w)
	if n < 2 || n > 5 {
		return false
	}
	var low [5]byte
	for j := range n {
		low[j] = w[j] | 0x20 // lower-case: all letters
	}
	return secretTokenSet[string(low[:n])]
}

var secretTokenSet = func() map[string]bool {
	m := map[string]bool{}
	for _, t := range secretTokens {
		m[t] = true
	}
	return m
}()

// CardNumber reports whether a value is a payment card's number: 13 to 19
// digits, alone or in groups split by single spaces or hyphens (full-width
// ones too), passing the Luhn check. A number starting with 0 is not one
// (no card's is; a Japanese phone number's is), nor one after "+".
func CardNumber(v string) bool {
	if digitRun(v) < 13 {
		return false
	}
	s := strings.TrimSpace(cardForm(v))
	if s == "" || s[0] < '1' || s[0] > '9' {
		return false
	}
	var digits [cardMax]byte
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
			if n == cardMax {
				return false
			}
			digits[n] = c
			n++
		case (c == ' ' || c == '-') && isDigit(s[i-1]) && i+1 < len(s) && isDigit(s[i+1]):
		default:
			return false
		}
	}
	return n >= 13 && luhn(digits[:n])
}

// RedactCards replaces each card number (as CardNumber reads one: whole
// groups, not after "+", ".", "," or a digit) within a free text ("カード
// 4111 1111 1111 1111 で") with "[card number]"; ok reports a change. A
// text changed is its NFKC form. A value that is an email address as a
// whole (NormalizeEmail reads it) is no text: it stays as it is.
func RedactCards(v string) (string, bool) {
	if digitRun(v) < 13 {
		return v, false
	}
	if _, err := NormalizeEmail(v); err == nil {
		// An email address as a whole is no text holding a card number:
		// its digits are the address's (a member number, a date and a
		// sequence), and redacting them made another address that
		// identifies nobody, so a form naming it was acknowledged and
		// made no person. (A card number alone is CardNumber's: it has
		// no '@'.)
		return v, false
	}
	s := cardForm(v)
	var b strings.Builder
	last := 0
	for k := 0; k < len(s); k++ {
		if s[k] < '1' || s[k] > '9' || k > 0 && (isDigit(s[k-1]) || strings.IndexByte("+.,", s[k-1]) >= 0) {
			continue
		}
		if j, ok := cardAt(s, k); ok {
			b.WriteString(s[last:k])
			b.WriteString("[card number]")
			last, k = j, j-1
		}
	}
	if last == 0 {
		return v, false
	}
	b.WriteString(s[last:])
	return b.String(), true
}

// cardForm is v with full-width digits, spaces and the cardDashes people type
// between a number's groups in their ASCII forms.
func cardForm(v string) string {
	if isASCII(v) {
		return v
	}
	s := norm.NFKC.String(v)
	if strings.IndexFunc(s, isDash) < 0 {
		return s
	}
	// Only between digits: ー is also a vowel's length (カード).
	var b strings.Builder
	for i, r := range s {
		if isDash(r) && i > 0 && isDigit(s[i-1]) && i+utf8.RuneLen(r) < len(s) && isDigit(s[i+utf8.RuneLen(r)]) {
			r = '-'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isDash: hyphens, dashes, the minus sign and the long vowel mark
// (ー, ｰ), which Japanese input methods give for "-".
func isDash(r rune) bool {
	return r >= 0x2010 && r <= 0x2015 || r == 0x2212 || r == 0x30fc || r == 0xff70
}

const cardMax = 19

// cardAt reads the digit groups from k (a digit), each split from the next
// by one space or hyphen, and reports the end of the first run of whole
// groups from k that holds 13 to 19 digits and passes the Luhn check.
func cardAt(s string, k int) (end int, ok bool) {
	var digits [cardMax]byte
	n, j := 0, k
	for {
		for ; j < len(s) && isDigit(s[j]); j++ {
			if n == cardMax {
				return 0, false
			}
			digits[n] = s[j]
			n++
		}
		if n >= 13 && luhn(digits[:n]) {
			return j, true
		}
		if j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s[j+1]) {
			j++
			continue
		}
		return 0, false
	}
}

func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		x := int(d[i] - '0')
		if double {
			if x *= 2; x > 9 {
				x -= 9
			}
		}
		sum += x
		double = !double
	}
	return sum%10 == 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// digitRun is at least the most digits in a row s holds, spaces and
// dashes between them, once NFKC-normalised (cardForm): values with fewer
// than a card's are passed over without normalising them. Kana, kanji and
// hangul are no digits in any form; any other rune beyond ASCII might be
// (０, ¹, ⑳), as up to three.
func digitRun(s string) int {
	run, most := 0, 0
	for _, r := range s {
		switch {
		case '0' <= r && r <= '9':
			run++
		case r == ' ' || r == '-' || r == 0x30fc:
		case r < utf8.RuneSelf, 0x3040 <= r && r < 0x30ff, 0x3400 <= r && r <= 0x9fff, 0xac00 <= r && r <= 0xd7a3:
			run = 0
		default:
			run += 3
		}
		most = max(most, run)
	}
	return most
}

// dropSecrets removes from an event what is never stored, from every
// source: a form's fields whose name (SecretField, or one of the site's
// scrub_params) or label says they hold a secret, or whose value is a card
// number, with their labels; card numbers within the other fields' text;
// and the same of traits, at any depth. The tag sends none of these, but
// any client of /e or the Segment API can.
func dropSecrets(ev *Event, sc Scrubber) {
	if f, ok := ev.Properties["fields"].(map[string]any); ok {
		labels, _ := ev.Properties["labels"].(map[string]any)
		for k, v := range f {
			label, _ := labels[k].(string)
			if secretEntry(k, v) || sc.named(k) || label != "" && SecretField(label) {
				delete(f, k)
				delete(labels, k)
			} else if s, ok := v.(string); ok {
				if r, ok := RedactCards(s); ok {
					f[k] = r
				}
			}
		}
		for k := range labels {
			if _, ok := f[k]; !ok && (SecretField(k) || sc.named(k)) {
				delete(labels, k)
			}
		}
	}
	if len(ev.Traits) > 0 {
		dropSecretsIn(ev.Traits, sc)
	}
}

// DropSecrets is what parsing drops, for an event stored before the rule:
// the event log reads none of its secrets back (timelines, replays, the
// SFA), though its item keeps them until it expires.
func DropSecrets(ev *Event) { dropSecrets(ev, Scrubber{}) }

// secretEntry reports whether a field or trait goes: by its name, or its
// value a card number.
func secretEntry(k string, v any) bool {
	if SecretField(k) {
		return true
	}
	switch x := v.(type) {
	case string:
		return CardNumber(x)
	case float64:
		return cardNumeral(x)
	}
	return false
}

// cardNumeral is CardNumber for a JSON number: past 2^53 its digits are
// no longer the ones sent, and no business figure is that large, so it
// is taken for one.
func cardNumeral(x float64) bool {
	if x < 1e12 || x >= 1e19 || x != math.Trunc(x) {
		return false
	}
	return x >= 1<<53 || CardNumber(strconv.FormatFloat(x, 'f', -1, 64))
}

func dropSecretsIn(m map[string]any, sc Scrubber) {
	for k, v := range m {
		if secretEntry(k, v) || sc.named(k) {
			delete(m, k)
			continue
		}
		m[k] = redactValue(v, sc)
	}
}

// redactValue is v with card numbers gone from its text, objects and
// arrays (an array's card number becomes "[card number]": its indexes
// stay).
func redactValue(v any, sc Scrubber) any {
	switch x := v.(type) {
	case string:
		if r, ok := RedactCards(x); ok {
			return r
		}
	case map[string]any:
		dropSecretsIn(x, sc)
	case []any:
		for i, e := range x {
			if s, ok := e.(string); ok && CardNumber(s) {
				x[i] = "[card number]"
			} else if f, ok := e.(float64); ok && cardNumeral(f) {
				x[i] = "[card number]"
			} else {
				x[i] = redactValue(e, sc)
			}
		}
	}
	return v
}
