package tag_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// tagRefused is the tag's list of refused form fields (REFUSED in
// src/tag.js), read from its source as Go: a JS \uXXXX is \x{XXXX}.
func tagRefused(tb testing.TB) *regexp.Regexp {
	tb.Helper()
	src, err := os.ReadFile("src/tag.js")
	if err != nil {
		tb.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*let REFUSED = /(.+)/i;$`).FindSubmatch(src)
	if m == nil {
		tb.Fatal("src/tag.js: no `let REFUSED = /.../i;`")
	}
	re := regexp.MustCompile(`\\u([0-9a-fA-F]{4})`).ReplaceAllString(string(m[1]), `\x{$1}`)
	return regexp.MustCompile(`(?i)` + re)
}

// refusedByTag reports whether the tag refuses a field of this name or
// label: as clean() tests a name, after a comma, so that the rules for the
// field's type (the list's start) do not apply.
func refusedByTag(re *regexp.Regexp, name string) bool { return re.MatchString("," + name) }

// fieldCorpus is names and labels forms use, secret or not, each also in
// the spellings a form builder or framework gives them.
func fieldCorpus() []string {
	var out []string
	for _, w := range fieldWords {
		for _, pre := range []string{"", "user_", "x", "new-", "My ", "ｆ"} {
			for _, suf := range []string{"", "_confirm", "2", "Number", "-no", "（確認）"} {
				out = append(out, pre+w+suf, strings.ToUpper(pre+w+suf))
			}
		}
	}
	return out
}

var fieldWords = []string{
	"password", "passwd", "pass", "pwd", "pw", "secret", "token", "csrf", "xsrf", "cvc", "cvv", "ccv", "card", "ccnum", "cc-number",
	"cc-csc", "cc-exp", "new-password", "current-password", "one-time-code", "pin", "otp", "iban", "api_key", "security_code",
	"パスワード", "暗証番号", "カード番号", "セキュリティコード", "マイナンバー", "個人番号", "口座番号", "暗号",
	"email", "name", "company", "title", "phone", "message", "authority", "session", "code", "zipcode", "account", "accept",
	"success", "occupation", "compass", "会社名", "役職", "電話番号", "お問い合わせ内容", "text-123", "Card number", "Your PIN",
}

// TestServerRefusesWhatTheTagRefuses: the collector's list of secret
// fields (event.SecretField) holds every field the tag refuses by name or
// label, so that a form sent by any other client loses at least what the
// tag would not send. The server's list is the longer (pw, PIN, one-time
// codes, My Number, bank accounts): the tag's is bounded by its size
// budget.
func TestServerRefusesWhatTheTagRefuses(t *testing.T) {
	re := tagRefused(t)
	refused, more := 0, map[string]bool{}
	for _, n := range fieldCorpus() {
		tag, server := refusedByTag(re, n), event.SecretField(n)
		if tag && !server {
			t.Errorf("the tag refuses %q, the collector would store it", n)
		}
		if tag {
			refused++
		} else if server {
			more[n] = true
		}
	}
	// Not vacuous: the tag's list was read and refuses the secrets.
	for _, n := range []string{"password", "cc-number", "パスワード", "カード番号", "暗証番号", "card_no", "csrf_token"} {
		if !refusedByTag(re, n) {
			t.Errorf("the tag's list read from src/tag.js does not refuse %q: misread?", n)
		}
	}
	for _, n := range []string{"email", "company", "会社名", "message"} {
		if refusedByTag(re, n) || event.SecretField(n) {
			t.Errorf("%q refused", n)
		}
	}
	t.Logf("%d of the corpus refused by the tag and the collector, %d by the collector alone (e.g. pw, PIN, マイナンバー, 口座番号)", refused, len(more))
}

func FuzzServerRefusesWhatTheTagRefuses(f *testing.F) {
	re := tagRefused(f)
	for _, n := range fieldWords {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n string) {
		if refusedByTag(re, n) && !event.SecretField(n) {
			t.Fatalf("the tag refuses %q, the collector would store it", n)
		}
	})
}
