package admin

import (
	"go/ast"
	"go/token"
	"html"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestJapaneseDeliveryFailures: a delivery's failure reads in Japanese,
// the SFA's own words kept as they are, word for word; English pages show
// it unchanged but for its connectors, named for people.
func TestJapaneseDeliveryFailures(t *testing.T) {
	p := page{L: "ja"}
	named := strings.NewReplacer("salesforce: ", "Salesforce: ", "hubspot: ", "HubSpot: ", "webhook: ", "Webhook receiver: ")
	for en, want := range map[string]string{
		"salesforce: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName] (LastName)": "Salesforce が拒否しました（400 REQUIRED_FIELD_MISSING）：Required fields are missing: [LastName] (LastName)",
		"hubspot: 503: Service Unavailable":         "HubSpot 側でエラーが発生しました（503）：Service Unavailable",
		"kintone: 429 GAIA_TM12: 同時リクエスト数の上限に達しました": "kintone の API 利用上限に達しました（429 GAIA_TM12）：同時リクエスト数の上限に達しました",
		"webhook: 500": "Webhook の送信先側でエラーが発生しました（500）",
		"kintone: 520 CB_NO02: 権限がありません。":                                                                                  "kintone が拒否しました（520 CB_NO02）：権限がありません。",
		"kintone: 520: <html>unknown error</html>":                                                                         "kintone 側でエラーが発生しました（520）：<html>unknown error</html>",
		`salesforce: 0: Post "https://x.example/services/oauth2/token": dial tcp 127.0.0.1:1: connect: connection refused`: `Salesforce に接続できませんでした（接続を拒否されました）：Post "https://x.example/services/oauth2/token": dial tcp 127.0.0.1:1: connect: connection refused`,
		"salesforce: 0 JWT: private key is not PEM":                                                                        "Salesforce（0 JWT）：秘密鍵が PEM 形式ではありません",
		`hubspot: 302 REDIRECT: answered with a redirect to "https://sfa.example/" instead of doing the request; redirects are never followed (check the configured URL)`: `HubSpot（302 REDIRECT）："https://sfa.example/" へのリダイレクトで応答し、要求を処理しませんでした。リダイレクトには従いません（設定した URL を確認してください）`,
		"salesforce: gave up after 5 attempts: salesforce: 503: unavailable":                                                                                              "Salesforce：5 回試みましたが届かず、断念しました。Salesforce 側でエラーが発生しました（503）：unavailable",
		"salesforce: gave up after 48 hours of a spent API allocation: salesforce: 403 REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.":                             "Salesforce：API 利用上限に達したまま 48 時間が過ぎたため、断念しました。Salesforce の API 利用上限に達しました（403 REQUEST_LIMIT_EXCEEDED）：TotalRequests Limit exceeded.",
		"kintone: gave up after 10 attempts: kintone: 520 GAIA_ZZ99: 一時的に処理できません。":                                                                                        "kintone：10 回試みましたが届かず、断念しました。kintone が拒否しました（520 GAIA_ZZ99）：一時的に処理できません。",
		"hubspot: 0: keeping the company's values: hubspot: 400 VALIDATION_ERROR: bad":                                                                                    "HubSpot：会社の既存の値を残す処理に失敗しました：HubSpot が拒否しました（400 VALIDATION_ERROR）：bad",
		"salesforce: 400 INVALID_FIELD: No such column 'Foo__c'; hubspot: 401 INVALID_AUTHENTICATION: expired":                                                            "Salesforce が拒否しました（400 INVALID_FIELD）：No such column 'Foo__c'／HubSpot が拒否しました（401 INVALID_AUTHENTICATION）：expired",
		"build lead: table: throttled":     "SFA に渡すリードを組み立てられません：table: throttled",
		"pending forget: table: throttled": "配信中に削除された人を SFA から消す依頼の記録を読み書きできません：table: throttled",
		"hubspot: 0: internal error (panic): runtime error: index out of range [3] with length 3": "HubSpot：Baton の内部エラー（panic）。この配信は再送されません。修正後にデッドレターから再送してください：runtime error: index out of range [3] with length 3",
		"kintone: 403 CB_NO02: finding the person's record: 権限がありません。":                            "kintone（403 CB_NO02）：本人のレコードを検索できません：権限がありません。",
		"kintone: 520 GAIA_DA02: deleting the person's record: ロックに失敗しました。":                       "kintone（520 GAIA_DA02）：本人のレコードを削除できません：ロックに失敗しました。",
		"kintone: 403 CB_NO02: reading the record's 対応状況: 権限がありません。":                              "kintone（403 CB_NO02）：レコードの 対応状況 を読み込めません：権限がありません。",
		"something new": "配信に失敗しました：something new",
	} {
		if j := p.Delivery(en); j != want {
			t.Errorf("%q in Japanese:\n\t%s\nwant\t%s", en, j, want)
		}
		if e := (page{L: "en"}).Delivery(en); e != named.Replace(en) {
			t.Errorf("English page changed %q: %q, want %q", en, e, named.Replace(en))
		}
	}
}

// TestJapaneseCoversDeliveryErrors walks the failures a delivery can
// record, as the source words them: every push.Error the connectors
// (internal/crm) build, the worker's giving up, push's reasons for a dead
// letter and deadletter's. Each, with sample values, reads in Japanese with
// no English word left but the SFA's answer (its code and message, a
// network error), kept as it is. A new English message there fails here
// until jaSFAMessages has its Japanese.
func TestJapaneseCoversDeliveryErrors(t *testing.T) {
	root := repo.Root(t)
	p := page{L: "ja"}
	kept := map[string]bool{}
	for _, j := range jaTemplates(jaSFAMessages) {
		for _, w := range asciiWord.FindAllString(j, -1) {
			kept[w] = true
		}
	}
	for _, n := range connectorNames {
		for _, w := range asciiWord.FindAllString(n.ja, -1) {
			kept[w] = true
		}
	}
	for _, w := range []string{"Webhook", "JWT", "API"} {
		kept[w] = true
	}
	// What an SFA or Go may say: kept verbatim.
	const sfaSays = `Required fields are missing: [LastName]`
	const goSays = `Post "https://x.example/k/v1/records.json": dial tcp 127.0.0.1:1: connect: connection refused`
	check := func(where, en string, values ...string) {
		t.Helper()
		j := p.Delivery(en)
		ok := map[string]bool{}
		for _, v := range append(values, sfaSays, goSays, "INVALID_FIELD", "REDIRECT", "asn1: structure error", "https://sfa.example/") {
			for _, w := range asciiWord.FindAllString(v, -1) {
				ok[w] = true
			}
		}
		var left []string
		for _, w := range asciiWord.FindAllString(strings.NewReplacer(sfaSays, "", goSays, "").Replace(j), -1) {
			if !kept[w] && !ok[w] {
				left = append(left, w)
			}
		}
		if len(left) > 0 || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("%s: no Japanese for %q: %q (English left: %q)", where, en, j, left)
			return
		}
		t.Logf("%s\n\t-> %s", en, j)
	}
	// A message as the source builds it: a literal, a literal and what it
	// wraps, a format; what is not Baton's own is the SFA's or Go's.
	// A value beside a literal: an id or number of Baton's, or what the
	// SFA or Go said (an error's text, a body, an SFA's message).
	value := func(e ast.Expr, wrapped string) string {
		switch e := e.(type) {
		case *ast.CallExpr:
			if isSel(e.Fun, "Itoa") {
				return "123"
			}
			return wrapped
		case *ast.SelectorExpr:
			if e.Sel.Name == "Message" {
				return wrapped
			}
		}
		return "123"
	}
	var message func(e ast.Expr, wrapped string) (string, bool)
	message = func(e ast.Expr, wrapped string) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			if e.Kind == token.STRING {
				return literal(t, e), true
			}
		case *ast.BinaryExpr:
			x, ok := message(e.X, wrapped)
			y, oky := message(e.Y, wrapped)
			if !ok && !oky {
				return "", false
			}
			if !ok {
				x = value(e.X, wrapped)
			}
			if !oky {
				y = value(e.Y, wrapped)
			}
			return x + y, true
		case *ast.CallExpr:
			if sel, ok := e.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Sprintf" || sel.Sel.Name == "Errorf" || sel.Sel.Name == "New") && len(e.Args) > 0 {
				if lit, ok := e.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					return strings.NewReplacer("%q", `"https://sfa.example/"`, "%d", "5", "%v", wrapped, "%s", wrapped).Replace(literal(t, lit)), true
				}
			}
		}
		return "", false
	}
	samples := func(e ast.Expr, lits []string, other string) []string {
		if e == nil {
			return lits
		}
		if lit, ok := e.(*ast.BasicLit); ok {
			if lit.Kind == token.STRING {
				return []string{literal(t, lit)}
			}
			return []string{lit.Value}
		}
		return []string{other}
	}
	errs := 0
	files := append(goFiles(t, filepath.Join(root, "internal", "crm")), goFiles(t, filepath.Join(root, "internal", "push"))...)
	for _, f := range files {
		walkGo(t, f, func(fn string, n ast.Node) {
			switch n := n.(type) {
			case *ast.CompositeLit:
				if !isSel(n.Type, "Error") && !(isIdent(n.Type, "Error") && strings.Contains(f, "/push/")) {
					return
				}
				fields := map[string]ast.Expr{}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok {
							fields[k.Name] = kv.Value
						}
					}
				}
				if _, ok := fields["Connector"]; !ok {
					return
				}
				errs++
				msgs := []string{sfaSays}
				if fields["Status"] == nil {
					msgs = []string{goSays} // no answer: Go's error
				}
				if m, ok := message(fields["Message"], msgs[0]); ok {
					msgs = []string{m}
				} else if fields["Message"] == nil {
					msgs = []string{""}
				}
				if lit, ok := fields["Code"].(*ast.BasicLit); ok && literal(t, lit) == "JWT" { // the JWT's errors
					msgs = append(msgs, jwtErrors(t, root)...)
				}
				conns := samples(fields["Connector"], nil, "kintone")
				statuses := samples(fields["Status"], []string{"0"}, "")
				if statuses[0] == "" {
					statuses = []string{"400", "401", "429", "503"}
				}
				codes := samples(fields["Code"], []string{""}, "INVALID_FIELD")
				for _, c := range conns {
					for _, s := range statuses {
						for _, code := range codes {
							for _, m := range msgs {
								st := 0
								for _, d := range s {
									st = st*10 + int(d-'0')
								}
								check(filepath.Base(f)+" "+fn, (&push.Error{Connector: c, Status: st, Code: code, Message: m}).Error(), code)
							}
						}
					}
				}
			case *ast.AssignStmt: // e.Message = "...: " + body; d.LastError = fmt.Sprintf(...)
				sel, ok := n.Lhs[0].(*ast.SelectorExpr)
				if !ok || len(n.Rhs) != 1 {
					return
				}
				switch sel.Sel.Name {
				case "Message":
					if m, ok := message(n.Rhs[0], sfaSays); ok && n.Tok == token.ASSIGN {
						errs++
						check(filepath.Base(f)+" "+fn, (&push.Error{Connector: "salesforce", Status: 300, Code: "MULTIPLE_CHOICES", Message: m}).Error(), "MULTIPLE_CHOICES")
					}
				case "LastError":
					if m, ok := message(n.Rhs[0], "salesforce: 503: unavailable"); ok {
						errs++
						m = strings.Replace(m, "salesforce: 503: unavailable", "salesforce", 1) // the connector's name comes first
						check(filepath.Base(f)+" "+fn, m, "unavailable")
					}
				}
			case *ast.KeyValueExpr: // Result{Reason: "build lead: " + err.Error()}
				if isIdent(n.Key, "Reason") {
					if m, ok := message(n.Value, "table: throttled"); ok {
						errs++
						check(filepath.Base(f)+" "+fn, m, "table", "throttled")
					}
				}
			}
		})
	}
	if errs < 30 {
		t.Errorf("found %d delivery failures: is the walk right?", errs)
	}
	// deadletter's reason for a push message SQS moved.
	found := false
	walkGo(t, filepath.Join(root, "internal", "deadletter", "deadletter.go"), func(fn string, n ast.Node) {
		if as, ok := n.(*ast.AssignStmt); ok && fn == "view" {
			if sel, ok := as.Lhs[0].(*ast.SelectorExpr); ok && sel.Sel.Name == "LastError" {
				if lit, ok := as.Rhs[0].(*ast.BasicLit); ok {
					found = true
					check("deadletter", literal(t, lit))
				}
			}
		}
	})
	if !found {
		t.Error("found no dead letter reason in deadletter.view: is the walk right?")
	}
}

// jwtErrors are the Salesforce JWT bearer flow's own errors (its jwt
// function), which a push.Error carries as its message.
func jwtErrors(t *testing.T, root string) []string {
	var out []string
	walkGo(t, filepath.Join(root, "internal", "crm", "salesforce.go"), func(fn string, n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if !ok || fn != "jwt" {
			return
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "New" || sel.Sel.Name == "Errorf") {
			out = append(out, strings.ReplaceAll(literal(t, call.Args[0]), "%v", "asn1: structure error"))
		}
	})
	if len(out) < 3 {
		t.Errorf("found %d JWT errors: is the walk right?", len(out))
	}
	return out
}

// TestMQLsPageSaysDeliveryFailures: the MQL list's hand-off chips and dead
// letters give the failure in the page's language, the SFA's words kept,
// the connector named as its maker spells it.
func TestMQLsPageSaysDeliveryFailures(t *testing.T) {
	const reason = "salesforce: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]"
	v := mqlsView{
		Rows: []mqlRow{{M: qualify.MQL{ID: "p_1-c1", Person: "p_1"}, Deliveries: []push.Delivery{{Connector: "salesforce", Status: push.StatusDead, LastError: reason}}}},
		Dead: []deadRow{{M: queue.Message{ID: "p_1-c1", LastError: reason, State: "dead"}}},
	}
	for l, want := range map[string]string{
		"ja": "Salesforce が拒否しました（400 REQUIRED_FIELD_MISSING）：Required fields are missing: [LastName]",
		"en": "Salesforce: 400 REQUIRED_FIELD_MISSING: Required fields are missing: [LastName]",
	} {
		chip := map[string]string{"ja": ">Salesforce：断念<", "en": ">Salesforce: dead<"}[l] // the connector as its maker spells it
		var b strings.Builder
		if err := pages["mqls"].ExecuteTemplate(&b, "layout", page{L: l, Loc: time.UTC, Data: v}); err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(html.UnescapeString(b.String()), want); got != 2 { // the chip's title, the dead letter's reason
			t.Errorf("%s page: %d times %q, want 2:\n%s", l, got, want, b.String())
		}
		if !strings.Contains(b.String(), chip) {
			t.Errorf("%s page lacks the chip %q:\n%s", l, chip, b.String())
		}
	}
}

// TestJapaneseScoreFailure: deadletter's reason for a stream batch the
// score function gave up on reads in Japanese, its arrival times in the
// page's zone; the samples hold every piece of deadletter's wording, so a
// new one fails here.
func TestJapaneseScoreFailure(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	p := page{L: "ja", Loc: tokyo}
	samples := map[string]string{
		"score: stream batch failed (RetryAttemptsExhausted, Unhandled) after 3 invocations: 100 records 4900..5000 of shard shardId-0001, arrived 2026-11-24T01:00:00Z..2026-11-24T01:05:00Z; replay it while the stream holds its records (24 hours), or rescore the people concerned (POST /admin/rescore)": "スコアリングがストリームのバッチを処理できませんでした（RetryAttemptsExhausted、Unhandled）。呼び出し 3 回。シャード shardId-0001 の 100 件（4900〜5000）、到着 2026年11月24日 10:00〜2026年11月24日 10:05。ストリームが記録を保持している間（24 時間）に再送するか、関係する人をスコアし直してください（POST /admin/rescore）",
		"score: stream batch failed; replay it while the stream holds its records (24 hours), or rescore the people concerned (POST /admin/rescore)":                                                                                                                                                           "スコアリングがストリームのバッチを処理できませんでした。ストリームが記録を保持している間（24 時間）に再送するか、関係する人をスコアし直してください（POST /admin/rescore）",
		"score: a stream batch failed (unreadable failure record)": "スコアリングがストリームのバッチを処理できませんでした（失敗の記録を読み取れません）",
	}
	var all strings.Builder
	for en, want := range samples {
		all.WriteString(en)
		if j := p.Delivery(en); j != want {
			t.Errorf("%q in Japanese:\n\t%s\nwant\t%s", en, j, want)
		}
	}
	pieces := 0
	walkGo(t, filepath.Join(repo.Root(t), "internal", "deadletter", "deadletter.go"), func(fn string, n ast.Node) {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && fn == "scoreFailureReason" && !strings.HasPrefix(lit.Value, "`") {
			for _, piece := range fmtVerb.Split(literal(t, lit), -1) {
				pieces++
				if !strings.Contains(all.String(), piece) {
					t.Errorf("deadletter words a score failure with %q: give a sample here and its Japanese", piece)
				}
			}
		}
	})
	if pieces < 8 {
		t.Errorf("found %d pieces of scoreFailureReason: is the walk right?", pieces)
	}
}

// TestJapaneseKintoneSteps: what kintone's connector was doing when it
// failed (the answer's "doing", which the walk above cannot see: passed
// to its answer function, not a push.Error literal) reads in Japanese.
func TestJapaneseKintoneSteps(t *testing.T) {
	p := page{L: "ja"}
	for en, want := range map[string]string{
		"kintone: 520 GAIA_ZZ98: commenting on record 7: このアプリではコメント機能が無効になっています。": "レコード 7 にコメントを書き込めません：このアプリではコメント機能が無効になっています。",
		"kintone: 503 GAIA_UN03: reading record 7's comments: メンテナンス中です。":          "レコード 7 のコメントを読み込めません：メンテナンス中です。",
		"kintone: 403 CB_NO02: finding the lead's record: 権限がありません。":               "リードのレコードを検索できません：権限がありません。",
	} {
		if got := p.Delivery(en); !strings.Contains(got, want) {
			t.Errorf("%q -> %q, want it to say %q", en, got, want)
		}
	}
}
