package admin

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/recipientcsv"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestJapaneseRunTimeMessages: the messages servers build at run time
// that the pages show (refusals, a recipient list's problems as Mint
// reports them, a link registry's refusals) read in Japanese, with what
// they quote kept.
func TestJapaneseRunTimeMessages(t *testing.T) {
	var msgs []string
	for _, csv := range []string{"", "name,company\r\nx,y\r\n", "email\r\n\"a@b.example\r\n"} {
		_, err := recipientcsv.Mint(strings.NewReader(csv), &bytes.Buffer{}, func(recipientcsv.Row) (string, error) { return "t", nil })
		if err == nil {
			t.Fatalf("Mint took %q", csv)
		}
		msgs = append(msgs, "The list could not be read: "+err.Error())
	}
	res, err := recipientcsv.Mint(strings.NewReader("email,name\r\nnot-an-email,x\r\na@b.example,x,extra\r\n,y\r\n"), &bytes.Buffer{}, func(recipientcsv.Row) (string, error) { return "t", nil })
	if err != nil || len(res.Errors) < 3 {
		t.Fatalf("row errors: %+v %v", res, err)
	}
	for _, e := range res.Errors {
		msgs = append(msgs, e.Reason)
	}
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "l.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	r := &links.Registry{T: tb}
	for _, urls := range [][]string{{"ftp://x.example/"}, {"https://user:pw@x.example/"}, nil} {
		_, err := r.Add(t.Context(), "nov-news", urls, false)
		if !errors.Is(err, links.ErrInvalid) {
			t.Fatalf("links took %v: %v", urls, err)
		}
		msgs = append(msgs, strings.TrimPrefix(err.Error(), "links: invalid: "))
	}
	msgs = append(msgs, "this token lacks the write scope", "missing or wrong bearer token",
		"missing or wrong CSRF token (X-CSRF-Token header or csrf form field)", "cross-origin request refused (Origin https://evil.example)",
		"No such campaign: dec-news", "period must be day, week or month", "from must be a date (2026-11-01) or RFC 3339 time",
		"scoring is off: no rules file is loaded (set BATON_RULES to the rules file, e.g. infra/rules.yaml)")
	p := page{L: "ja"}
	for _, m := range msgs {
		j := p.T(m)
		if j == m || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("no Japanese for %q: %q", m, j)
			continue
		}
		t.Logf("%s\n\t-> %s", m, j)
	}
	if j := p.T("this token lacks the write scope"); !strings.Contains(j, "write") {
		t.Errorf("the scope is lost: %s", j)
	}
	for en, want := range map[string]string{"matrix cell warm x A": "マトリクス：行動帯 warm × グレード A", "behaviour 42 >= 40": "行動スコア 42 ≥ 40",
		"grade B": "グレード B", "sales: rejected": "営業：rejected", "scoring": "スコアリング"} {
		if j := p.T(en); j != want {
			t.Errorf("%q in Japanese: %q, want %q", en, j, want)
		}
	}
	for en, want := range map[string]string{
		"behaviour >= 40, grade A or B":     "行動スコア ≥ 40、グレード A・B",
		"grade A or B or C, BANT 3 of 4":    "グレード A・B・C、BANT 4 項目中 3 以上",
		"matrix hot x A/B/C, warm x A":      "マトリクス hot × A/B/C、warm × A",
		"behaviour >= 12.5, matrix hot x A": "行動スコア ≥ 12.5、マトリクス hot × A",
	} {
		if j := p.Def(en); j != want {
			t.Errorf("definition %q in Japanese: %q, want %q", en, j, want)
		}
	}
	if j := p.T("No such campaign: dec-news"); !strings.Contains(j, "dec-news") {
		t.Errorf("the campaign is lost: %s", j)
	}
}
