package admin

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestJapaneseCoversTouchReasons walks the reasons package offline gives
// for a row not imported (fail's formats, RowError's reasons, ParseDate's
// errors) and for a list refused whole (FileError's): each, with sample
// values, reads in Japanese on the offline touches page, no English word
// left but the values'. A new reason there fails here until
// jaTouchReasons (or jaMessage) words it.
func TestJapaneseCoversTouchReasons(t *testing.T) {
	// Sample values for each format, as the source writes it.
	samples := map[string][]any{
		"%d fields, the header has %d":           {5, 4},
		"%s %q: write はい or いいえ (yes or no)":     {"出席しましたか", "たぶん"},
		"%q is not an email address":             {"yamada@"},
		"no event name":                          nil,
		"the event name is longer than %d bytes": {200},
		"%v":                                     nil, // ParseDate's errors, walked below
		"date %s is in the future":               {"2026-12-30"},
		"channel %q: %s":                         {"展示", "one of exhibition (展示会), seminar (セミナー), webinar (ウェビナー), business-card (名刺交換)"},
		"same email, event and date as line %d, one touch, but other columns: %s; the row is not imported (line %d's are the person's)": {2, `氏名 "佐藤" (line 2: "山田"), 会社名 "B社" (line 2: "A社")`, 2},
		"this person asked to be forgotten":                                           nil,
		"this person withdrew consent":                                                nil,
		"date %q is before 2000":                                                      {"0202/1/5"},
		"date %q: %s is a %s (%s), not %s: check the date":                            {"2026/11/6(木)", "2026-11-06", "Friday", "金", "木"},
		"date %q: write YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, 2026年1月5日 or Jan 5, 2026": {"来週"},
		"%q: no zone is %s:%02d from UTC":                                             {"2026-11-06 10:00 +19:00", "+19", 0},
		"%q: write a time with its zone as 2026-11-06T13:58:00Z, 2026/11/06 13:58 UTC, 2026/11/06 13:58 +09:00 or Nov 06, 2026 01:58 PM GMT+9": {"2026/11/06 25:00 JST"},
		"line %d: %v": {3, `bare " in non-quoted-field`},
		"no header row: no row names an email column (looked for %s in all %d rows); the first row has %s":                     {"email, メールアドレス, メール, E-mail, Email Address, 電子メール", 4, `"氏名", "会社名"`},
		"missing columns: %s; the header%s has %s":                                                                             {"event (イベント名) or ?event=, date (日付) or ?date=, channel (exhibition/展示会, seminar/セミナー, webinar/ウェビナー, business-card/名刺交換) or ?channel=", "", `"メールアドレス", "氏名"`},
		"more than %d rows, the most one import stores within a request's time: split the file into lists of %d rows or fewer": {2000, 2000},
		"the CSV is empty": nil,
	}
	// The values (and the channels' names the Japanese gives beside
	// theirs) may stay as they are.
	kept := map[string]bool{"exhibition": true, "seminar": true, "webinar": true, "business-card": true, "UTC": true, "JST": true, "CSV": true, "T": true, "Z": true,
		"email": true, "E-mail": true, "Email": true, "Address": true}
	p := page{L: "ja"}
	check := func(format string, args []any) {
		t.Helper()
		en := format
		if args != nil {
			en = fmt.Sprintf(format, args...)
		}
		j := p.TouchReason(en)
		ok := map[string]bool{}
		for _, a := range args {
			for _, w := range asciiWord.FindAllString(fmt.Sprint(a), -1) {
				ok[w] = true
			}
		}
		var left []string
		for _, w := range asciiWord.FindAllString(j, -1) {
			if !kept[w] && !ok[w] {
				left = append(left, w)
			}
		}
		if j == en || len(left) > 0 || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("no Japanese for %q: %q (English left: %q)", en, j, left)
			return
		}
		if (page{L: "en"}).TouchReason(en) != en {
			t.Errorf("the English page changed %q", en)
		}
		t.Logf("%s\n\t-> %s", en, j)
	}
	file := filepath.Join(repo.Root(t), "internal", "offline", "offline.go")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	see := func(e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		format := literal(t, lit)
		if strings.HasPrefix(format, "line %d: %w") || strings.HasPrefix(format, "offline: ") || strings.HasPrefix(format, " (the report's") {
			return // the store's failures (a 500), errWithdrawn (never shown), a part of missing columns' date
		}
		found++
		args, ok := samples[format]
		if !ok {
			t.Errorf("%s: a reason with no sample here: %q", fset.Position(lit.Pos()), format)
			return
		}
		if format != "%v" {
			check(format, args)
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "fail" && len(n.Args) > 0 {
				see(n.Args[0])
			}
			if (isSel(n.Fun, "Errorf") || isSel(n.Fun, "New")) && len(n.Args) > 0 {
				see(n.Args[0])
			}
		case *ast.KeyValueExpr:
			if k, ok := n.Key.(*ast.Ident); ok && (k.Name == "Reason" || k.Name == "Msg") {
				if c, ok := n.Value.(*ast.CallExpr); ok && isSel(c.Fun, "Sprintf") {
					see(c.Args[0])
				} else {
					see(n.Value)
				}
			}
		}
		return true
	})
	if found < 18 {
		t.Errorf("found %d reasons in %s: is the walk right?", found, file)
	}
	// The page's own refusal, and the inner parts of a reason.
	check("Choose one CSV file of offline touches.", nil)
	check("missing columns: %s; the header%s has %s", []any{"date (日付) or ?date= (the report's 実際の開始時間 \"あした\": date \"あした\": write YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, 2026年1月5日 or Jan 5, 2026)", " (row 15)", `"メールアドレス"`})
}

// TestJapaneseTouchReasonsKeepTheirValues: a reason's values are put back
// where the Japanese says them (a weekday's name was read as a template
// variable, $3曜日, and left out), a cell's value quoted 「」 as Japanese
// quotes (it read "x@", code's quotes).
func TestJapaneseTouchReasonsKeepTheirValues(t *testing.T) {
	p := page{L: "ja"}
	for en, want := range map[string]string{
		`date "2026/11/6(木)": 2026-11-06 is a Friday (金), not 木: check the date`: `日付「2026/11/6(木)」：2026-11-06 は 金曜日で、木 ではありません。日付を確認してください。`,
		`"x@" is not an email address`:      `「x@」はメールアドレスではありません。`,
		`this person asked to be forgotten`: `この人はデータの削除を依頼済みのため、取り込みません。`,
		// Japanese quotes a value 「」, what the English escaped and a page
		// cannot show as it is staying escaped.
		`channel "展 \"示\"": one of exhibition (展示会), seminar (セミナー), webinar (ウェビナー), business-card (名刺交換)`: `接点の種類「展 "示"」は使えません。展示会、セミナー、ウェビナー、名刺交換（exhibition、seminar、webinar、business-card）のいずれかにしてください。`,
		`"a\tb\u202e\xff@" is not an email address`: `「a\tb\u202e\xff@」はメールアドレスではありません。`,
		`出欠 "たぶん": write はい or いいえ (yes or no)`:     `出欠 が「たぶん」です。はい か いいえ と書いてください。`,
		`same email, event and date as line 2, one touch, but other columns: 会社名 "B社" (line 2: "A社"), 氏名 "佐藤 \"花子\"" (line 2: "山田"); the row is not imported (line 2's are the person's)`: `2 行目とメールアドレス・イベント名・日付が同じ（同じ接点）ですが、ほかの列が違います：会社名「B社」（2 行目は「A社」）、氏名「佐藤 "花子"」（2 行目は「山田」）。この行は取り込みません（本人の情報は 2 行目のものです）。`,
	} {
		if j := p.TouchReason(en); j != want {
			t.Errorf("%q:\n\t%s\nwant\t%s", en, j, want)
		}
	}
}
