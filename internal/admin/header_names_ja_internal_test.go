package admin

import (
	"fmt"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/csvin"
)

// TestJapaneseQuotesHeaderNames: a header's cells in a message (a recipient
// list or an offline touches list without its email column, a touches
// list missing columns) are quoted as Japanese quotes names on the
// Japanese pages, 「氏名」、「会社名」, the cells left out said as ほか N 列;
// they read "氏名", "会社名", code's quotes in a Japanese sentence. The
// English (and the API's JSON) keeps csvin.Names' quotes.
func TestJapaneseQuotesHeaderNames(t *testing.T) {
	long := make([]string, 53)
	for i := range long {
		long[i] = fmt.Sprintf("列%d", i+1)
	}
	two := csvin.Names([]string{"氏名", `会社名 "正式"`})
	for _, c := range []struct{ en, ja string }{
		{"no email column: the header has " + two + "; name one of them email or メールアドレス",
			"メールアドレスの列がありません。見出し行は「氏名」、「会社名 \"正式\"」です。いずれかの列名を email または メールアドレス にしてください。"},
		{"no email column: no row names one (email, メールアドレス ...); the first row is " + csvin.Names(long),
			"（1 行目は「列1」、「列2」、"},
		{"no email column: no row names one (email, メールアドレス ...); the first row is " + csvin.Names(long),
			"「列50」ほか 3 列）。"},
		{"header: no email column: the header has " + csvin.Names([]string{"名前"}) + "; name one of them email or メールアドレス",
			"見出し行：メールアドレスの列がありません。見出し行は「名前」です。"},
		{`line 1: two email columns, "メールアドレス" and "E-mail": keep one`,
			"1 行目：メールアドレスの列が「メールアドレス」と「E-mail」の 2 つあります。1 つにしてください。"},
	} {
		if got := (page{L: "ja"}).T(c.en); !strings.Contains(got, c.ja) {
			t.Errorf("ja %q:\n got %q\nwant %q in it", c.en, got, c.ja)
		}
		if got := (page{L: "en"}).T(c.en); got != c.en {
			t.Errorf("en %q: %q", c.en, got)
		}
	}
	for _, c := range []struct{ en, ja string }{
		{"missing columns: event (イベント名) or ?event=; the header has " + two, "見出し行は「氏名」、「会社名 \"正式\"」です。"},
		{"missing columns: event (イベント名) or ?event=; the header (row 3) has " + two, "見出し行は「氏名」、「会社名 \"正式\"」です。"},
		{"no header row: no row names an email column (looked for email, メールアドレス in all 4 rows); the first row has " + two, "1 行目は「氏名」、「会社名 \"正式\"」です。"},
		// The names looked for, a Japanese list too (offline's emailNames).
		{"no header row: no row names an email column (looked for email, メールアドレス, メール, E-mail, Email Address, 電子メール in all 4 rows); the first row has " + two,
			"メールアドレスの列名（email、メールアドレス、メール、E-mail、Email Address、電子メール）がどの行にもありません（全 4 行）。"},
	} {
		if got := (page{L: "ja"}).TouchReason(c.en); !strings.Contains(got, c.ja) {
			t.Errorf("ja %q:\n got %q\nwant %q in it", c.en, got, c.ja)
		}
		if got := (page{L: "en"}).TouchReason(c.en); got != c.en {
			t.Errorf("en %q: %q", c.en, got)
		}
	}
}
