package admin

import (
	"bytes"
	"errors"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/encoding/japanese"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/recipientcsv"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestJapaneseRunTimeMessages: the messages servers build at run time
// that the pages show (refusals, a recipient list's problems as Mint
// reports them, a link registry's refusals) read in Japanese, with what
// they quote kept.
func TestJapaneseRunTimeMessages(t *testing.T) {
	var msgs []string
	for _, csv := range []string{"", "name,company\r\nx,y\r\n", "email\r\n\"a@b.example\r\n", "メールアドレス\t氏名\r\na@b.example\t山田\r\n", "email;name\r\na@b.example;x\r\n", "メールアドレス,氏名\r\n"} {
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
		"grade B": "グレード B", "sales: rejected": "営業：差し戻し", "recycled after lost": "失注のためナーチャリングに戻す", "sales: sql": "営業：SQL", "scoring": "スコアリング"} {
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

// TestJapaneseAccountAndRulesMessages: an MQA's reasons, the accounts
// forms' refusals and a candidate rules file's errors, word for word.
func TestJapaneseAccountAndRulesMessages(t *testing.T) {
	p := page{L: "ja"}
	for en, want := range map[string]string{
		// account.judge's reasons.
		"2 people active within 14 days (at least 2)":                                      "14 日以内に 2 人が活動（2 人以上）",
		"3 people active within 0.5 days (at least 3)":                                     "0.5 日以内に 3 人が活動（3 人以上）",
		"roles present: decision_maker":                                                    "揃っている役割：決裁者",
		"roles present: decision_maker, manager, practitioner":                             "揃っている役割：決裁者、管理職、担当者",
		"buying group: decision_maker 1, manager 2":                                        "購買グループ：決裁者 1 人、管理職 2 人",
		"buying group: practitioner 12":                                                    "購買グループ：担当者 12 人",
		"account score 116":                                                                "アカウントスコア 116",
		"role:decision_maker":                                                              "決裁者",
		"an account cannot be merged into itself":                                          "アカウントを同じアカウントに統合することはできません。",
		"account a0123456789abcdef was merged into a1111111111111111: merge into that one": "アカウント a0123456789abcdef は a1111111111111111 に統合済みです。統合先のアカウントに統合してください。",
		"account a0123456789abcdef was already merged into a1111111111111111":              "アカウント a0123456789abcdef はすでに a1111111111111111 に統合されています。",
		"account a0123456789abcdef was merged into a1111111111111111":                      "アカウント a0123456789abcdef は a1111111111111111 に統合済みです。",
		"too many grouping keys to merge at once":                                          "名寄せキーが多すぎるため、一度に統合できません。",
		"people: give the ids of the people to move":                                       "移す人を選んでください。",
		"people: at most 500 at once":                                                      "一度に移せるのは 500 人までです。",
		"people: a split leaves at least one person behind":                                "全員は移せません。少なくとも 1 人を元のアカウントに残してください。",
		"people: p_1234 is not in account a0123456789abcdef":                               "人物 p_1234 はアカウント a0123456789abcdef にいません。",
		// rulebook.ParseError.
		"candidate.yaml:1: (file): empty rules file":                                                          "candidate.yaml が空です。",
		"candidate.yaml:7: mql[0].grades: unknown grade \"E\" (A-D)":                                          "candidate.yaml の 7 行目（mql[0].grades）：グレード \"E\" はありません（A〜D）。",
		"candidate.yaml:4: mql: required: at least one condition":                                             "candidate.yaml の 4 行目（mql）：必須の項目です。条件を 1 つ以上定義してください。",
		"candidate.yaml:3: decay.half_life: bad duration \"3x\" (e.g. 30d, 72h)":                              "candidate.yaml の 3 行目（decay.half_life）：期間 \"3x\" を読み取れません（例：30d、72h）。",
		"candidate.yaml:12: mqa.require_roles: unknown role \"boss\" (decision_maker, manager, practitioner)": "candidate.yaml の 12 行目（mqa.require_roles）：役割 \"boss\" はありません（decision_maker, manager, practitioner）。",
		"candidate.yaml:9: behaviour[1].url: bad pattern: error parsing regexp: missing closing ): `(abc`":    "candidate.yaml の 9 行目（behaviour[1].url）：パターンが正しくありません：正規表現を読み取れません（「)」が閉じられていません）：`(abc`。",
		"candidate.yaml:2: (file): yaml: line 2: did not find expected key":                                   "candidate.yaml の 2 行目：YAML の書式が正しくありません。キーがあるはずの位置にありません（インデントを確認してください）。",
		"candidate.yaml:0: (file): yaml: found unexpected end of stream":                                      "candidate.yaml：YAML の書式が正しくありません。ファイルが途中で終わっています（引用符や括弧の閉じ忘れを確認してください）。",
	} {
		if j := p.T(en); j != want {
			t.Errorf("%q in Japanese:\n\t%s\nwant\t%s", en, j, want)
		}
	}
}

// TestJapaneseCoversProducers walks the English the workspace can show
// from other packages, as their source words it: every reason
// account.judge gives an MQA, every fact of an MQL, every account.Error the merge and split
// forms can meet, every message of a rules file's ParseError (rulebook,
// lab), and yaml's and regexp's commonest errors inside one. Each, with
// sample values, reads in Japanese with no English word left but the
// values and the names of rules-file keys. A new English text there fails
// here until it has its Japanese.
func TestJapaneseCoversProducers(t *testing.T) {
	root := repo.Root(t)
	p := page{L: "ja"}
	kept := map[string]bool{} // ASCII words the Japanese keeps on purpose
	for _, tab := range [][]string{jaTemplates(jaPatterns), jatext.Templates()} {
		for _, j := range tab {
			for _, w := range asciiWord.FindAllString(j, -1) {
				kept[w] = true
			}
		}
	}
	check := func(en string, values ...string) {
		t.Helper()
		j := p.T(en)
		ok := map[string]bool{}
		for _, v := range values {
			for _, w := range asciiWord.FindAllString(v, -1) {
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
		t.Logf("%s\n\t-> %s", en, j)
	}
	badRE := func(expr string) string {
		_, err := regexp.Compile(expr)
		if err == nil {
			t.Fatalf("regexp took %q", expr)
		}
		return err.Error()
	}
	// Sample values for the verbs of a format; %v is an error.
	fill := func(format string) (string, []string) {
		var vals []string
		out := fmtVerb.ReplaceAllStringFunc(format, func(v string) string {
			var s string
			switch v[len(v)-1] {
			case 'd':
				s = "3"
			case 'g', 'f':
				s = "14"
			case 'q':
				s = `"x1"`
			case 's':
				s = "a0123456789abcdef" // an id, a key, a list
			case 'v':
				s = badRE("(abc")
				if format == "%v" {
					s = `bad duration "3x" (e.g. 30d, 72h)`
				}
			default:
				t.Fatalf("verb %s in %q: give it a sample", v, format)
			}
			vals = append(vals, s)
			return s
		})
		return out, vals
	}

	// account.judge's reasons: what it appends to reasons.
	reasons := 0
	joined := map[string]string{"roles present: ": "decision_maker, manager, practitioner", "buying group: ": "decision_maker 1, manager 2, practitioner 3"}
	walkGo(t, filepath.Join(root, "internal", "account", "mqa.go"), func(fn string, n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if fn != "judge" || !ok || !isIdent(call.Fun, "append") || len(call.Args) < 2 || !isIdent(call.Args[0], "reasons") {
			if cl, ok := n.(*ast.CompositeLit); ok && fn == "judge" {
				if at, ok := cl.Type.(*ast.ArrayType); ok && isIdent(at.Elt, "string") {
					call = &ast.CallExpr{Args: append([]ast.Expr{nil}, cl.Elts...)}
				} else {
					return
				}
			} else {
				return
			}
		}
		for _, arg := range call.Args[1:] {
			reasons++
			switch a := arg.(type) {
			case *ast.CallExpr: // fmt.Sprintf("...", ...)
				en, _ := fill(literal(t, a.Args[0]))
				check(en) // the values are numbers: no English word may stay
			case *ast.BinaryExpr: // "prefix: " + strings.Join(...)
				prefix := literal(t, a.X)
				sample, ok := joined[prefix]
				if !ok {
					t.Errorf("a new MQA reason %q...: give it a sample here and its Japanese in jatext", prefix)
					continue
				}
				check(prefix + sample)
			default:
				t.Errorf("an MQA reason of a new shape: %T", arg)
			}
		}
	})
	if reasons < 4 {
		t.Errorf("found %d MQA reasons in account.judge: is the walk right?", reasons)
	}

	// An MQL's facts, as the rules engine's conditions give them.
	facts := 0
	walkGo(t, filepath.Join(root, "internal", "rulebook", "engine.go"), func(fn string, n ast.Node) {
		call, ok := n.(*ast.CallExpr)
		if !ok || !isIdent(call.Fun, "append") || len(call.Args) != 2 || !isIdent(call.Args[0], "facts") {
			return
		}
		facts++
		switch a := call.Args[1].(type) {
		case *ast.CallExpr: // fmt.Sprintf
			format := literal(t, a.Args[0])
			list := "A" // a grade, a band
			if strings.Contains(format, "BANT") {
				list = "budget, authority, need, timeframe"
			}
			check(strings.NewReplacer("%g", "42", "%d", "3", "%s", list).Replace(format), "A")
		case *ast.BinaryExpr: // "grade " + v.Grade
			check(literal(t, a.X)+"A", "A")
		default:
			t.Errorf("an MQL fact of a new shape: %T", a)
		}
	})
	if facts < 4 {
		t.Errorf("found %d MQL facts: is the walk right?", facts)
	}

	// account.Error: the merge and split refusals.
	refusals := 0
	for _, f := range goFiles(t, filepath.Join(root, "internal", "account")) {
		walkGo(t, f, func(_ string, n ast.Node) {
			cl, ok := n.(*ast.CompositeLit)
			if !ok || !isIdent(cl.Type, "Error") || len(cl.Elts) != 1 {
				return
			}
			refusals++
			switch e := cl.Elts[0].(type) {
			case *ast.BasicLit:
				check(literal(t, e))
			case *ast.CallExpr:
				en, vals := fill(literal(t, e.Args[0]))
				check(en, vals...)
			default:
				t.Errorf("an account.Error of a new shape: %T", e)
			}
		})
	}
	if refusals < 9 {
		t.Errorf("found %d account.Errors: is the walk right?", refusals)
	}

	// A rules file's errors as the lab page shows them.
	parseErr := func(msg string) string {
		return (&rulebook.ParseError{File: "candidate.yaml", Line: 7, Field: "behaviour[0].points", Msg: msg}).Error()
	}
	msgs := 0
	files := append(goFiles(t, filepath.Join(root, "internal", "rulebook")), filepath.Join(root, "internal", "lab", "lab.go"))
	for _, f := range files {
		walkGo(t, f, func(fn string, n ast.Node) {
			switch n := n.(type) {
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				switch {
				case ok && (sel.Sel.Name == "fail" || sel.Sel.Name == "warn") && len(n.Args) >= 3: // p.fail(node, field, format, ...), p.warn
					msgs++
					en, vals := fill(literal(t, n.Args[2]))
					check(parseErr(en), append(vals, "candidate.yaml", "behaviour[0].points")...)
				case ok && sel.Sel.Name == "Errorf" && fn == "parseDuration":
					msgs++
					en, vals := fill(literal(t, n.Args[0]))
					check(parseErr(en), append(vals, "candidate.yaml", "behaviour[0].points")...)
				}
			case *ast.CompositeLit:
				if !isIdent(n.Type, "ParseError") && !isSel(n.Type, "ParseError") {
					return
				}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Msg") {
						if _, lit := kv.Value.(*ast.BasicLit); lit {
							msgs++
							check((&rulebook.ParseError{File: "candidate.yaml", Line: 1, Field: "(file)", Msg: literal(t, kv.Value)}).Error(), "candidate.yaml")
						}
					}
				}
			}
		})
	}
	if msgs < 30 {
		t.Errorf("found %d rules file messages: is the walk right?", msgs)
	}
	// yaml's, as rulebook.Parse reports them, and regexp's in a bad pattern.
	for _, y := range []string{"a: b: c", "a:\n  - b\n c: d", "a: [1, 2", "a: {b: 1", "a: \"x", "\ta: 1", "- a\nb: c", "a: *x",
		"a:\n b: 1\n  c: 2", "mql: [", "a: b\n- c", "a:\n\t- b",
		// rarer: an escape in double quotes (a regexp's \d), a bad hex escape, a doubled %YAML, a tag, latin-1 bytes
		`url: "\d+"`, `a: "\xZZ"`, "%YAML 1.1\n%YAML 1.1\n---\na: 1", "a: !<x", "name: caf\xe9", "a: &x\n  b: *y", "a: |0\n b"} {
		_, err := rulebook.Parse("candidate.yaml", []byte(y))
		if err == nil {
			t.Fatalf("rulebook took %q", y)
		}
		check(err.Error(), "candidate.yaml", y) // the file's own words may be quoted
	}
	for _, expr := range []string{"(", "[a", "a**", `\`, "x{2,1}", "(?P<>a)", "(?z)", "[z-a]", `\8`, ")", "*", "[[:foo:]]"} {
		msg := badRE(expr)
		check(parseErr("bad pattern: "+msg), "candidate.yaml", "behaviour[0].points", strings.TrimPrefix(msg[strings.LastIndex(msg, ": "):], ": "))
	}
	// Every problem yaml.v3's reader, scanner and parser can report, and
	// the decoder's that a yaml.Node can meet, as "yaml: line n: ...", and
	// every error code of regexp/syntax in a bad pattern: a rare one too
	// reads in Japanese.
	problems := yamlProblems(t)
	if len(problems) < 40 {
		t.Errorf("found %d yaml problems: is the walk right?", len(problems))
	}
	for _, pr := range problems {
		check(parseErr("yaml: line 3: "+pr), "candidate.yaml", "behaviour[0].points", "x1")
	}
	codes := regexpCodes(t)
	if len(codes) < 15 {
		t.Errorf("found %d regexp error codes: is the walk right?", len(codes))
	}
	for _, code := range codes {
		msg := (&syntax.Error{Code: syntax.ErrorCode(code), Expr: "a(b"}).Error()
		check(parseErr("bad pattern: "+msg), "candidate.yaml", "behaviour[0].points", "a(b")
	}
}

// yamlProblems are the problems yaml.v3 (as this module requires it) can
// report parsing a document into a yaml.Node, read from its source: the
// reader's, scanner's and parser's, and the decoder's about anchors and
// aliases (the others are about decoding into Go values, which rulebook
// does not). Formats get a sample ("x1").
func yamlProblems(t *testing.T) []string {
	t.Helper()
	pkg, err := build.Import("gopkg.in/yaml.v3", repo.Root(t), build.FindOnly)
	if err != nil {
		t.Fatal(err)
	}
	arg := map[string]int{"yaml_parser_set_reader_error": 1, "yaml_parser_set_scanner_error": 3, "yaml_parser_set_scanner_tag_error": 3,
		"yaml_parser_set_parser_error": 1, "yaml_parser_set_parser_error_context": 3}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, f := range []string{"readerc.go", "scannerc.go", "parserc.go", "decode.go"} {
		walkGo(t, filepath.Join(pkg.Dir, f), func(fn string, n ast.Node) {
			if as, ok := n.(*ast.AssignStmt); ok && fn == "fail" && f == "decode.go" { // msg = "unknown problem ..."
				if lit, ok := as.Rhs[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					add(literal(t, lit))
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return
			}
			if i, ok := arg[id.Name]; ok && i < len(call.Args) && strings.HasPrefix(fn, "yaml_") {
				if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					add(literal(t, lit))
				}
			}
			if id.Name == "failf" && f == "decode.go" {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if format := literal(t, lit); strings.Contains(format, "anchor") || strings.Contains(format, "alias") || strings.Contains(format, "end of stream") {
						add(strings.ReplaceAll(format, "%s", "x1"))
					}
				}
			}
		})
	}
	return out
}

// regexpCodes are regexp/syntax's ErrorCode constants, read from its
// source.
func regexpCodes(t *testing.T) []string {
	t.Helper()
	pkg, err := build.Import("regexp/syntax", "", build.FindOnly)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	walkGo(t, filepath.Join(pkg.Dir, "parse.go"), func(fn string, n ast.Node) {
		if vs, ok := n.(*ast.ValueSpec); ok && fn == "" && isIdent(vs.Type, "ErrorCode") && len(vs.Values) == 1 {
			out = append(out, literal(t, vs.Values[0]))
		}
	})
	return out
}

var (
	asciiWord = regexp.MustCompile(`[A-Za-z][A-Za-z_-]*`)
	fmtVerb   = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z]`)
)

func jaTemplates[T any](tab []T) []string {
	var out []string
	for _, r := range tab {
		out = append(out, reflect.ValueOf(r).FieldByName("ja").String())
	}
	return out
}

func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if !strings.HasSuffix(f, "_test.go") {
			out = append(out, f)
		}
	}
	return out
}

// walkGo calls visit with every node of a Go file and the name of the
// function it is in ("" outside one).
func walkGo(t *testing.T, file string, visit func(fn string, n ast.Node)) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		fn := ""
		if fd, ok := d.(*ast.FuncDecl); ok {
			fn = fd.Name.Name
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if n != nil {
				visit(fn, n)
			}
			return true
		})
	}
}

func literal(t *testing.T, e ast.Expr) string {
	t.Helper()
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		t.Fatalf("not a string literal: %#v", e)
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isSel(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == name
}

// TestJapaneseSalesReasons: sales' reasons on the report and lab pages
// name the stage in Japanese and keep sales' own words.
func TestJapaneseSalesReasons(t *testing.T) {
	why := map[string]int{"rejected: no budget": 2, "lost: 時期尚早": 1}
	ja, en := page{L: "ja"}, page{L: "en"}
	if got, want := ja.Why(why), "差し戻し：no budget ×2／失注：時期尚早"; got != want {
		t.Errorf("Japanese: %q, want %q", got, want)
	}
	if got, want := en.Why(why), "rejected: no budget x2; lost: 時期尚早"; got != want {
		t.Errorf("English: %q, want %q", got, want)
	}
	hist := []string{"2026-11-03 sal", "2026-11-05 rejected: 予算なし"}
	if got, want := ja.History(hist), "2026年11月3日 SAL（営業受入）／2026年11月5日 差し戻し：予算なし"; got != want {
		t.Errorf("Japanese history: %q, want %q", got, want)
	}
	if got, want := en.History(hist), "3 Nov 2026 SAL (accepted); 5 Nov 2026 rejected: 予算なし"; got != want {
		t.Errorf("English history: %q, want %q", got, want)
	}
}

// TestJapanesePersonAndReportWords: channels, why an event is a
// scanner's, why a person cannot or not yet qualify, in Japanese; channels
// in English by name too (they said their code, "business-card"); names
// nobody can know (a rules file's channel, a scanner vendor) kept.
func TestJapanesePersonAndReportWords(t *testing.T) {
	jp, eng := page{L: "ja"}, page{L: "en"}
	workday := calendar.Calendar{Business: true, Start: 9 * time.Hour, End: 18 * time.Hour}
	for _, c := range []struct {
		got, want string
	}{
		{jp.Channel("direct"), "ダイレクト"}, {jp.Channel("business-card"), "名刺交換"}, {jp.Channel("(all)"), "（全体）"},
		{jp.Channel("trade-fair-2026"), "trade-fair-2026"}, {eng.Channel("direct"), "Direct"}, {eng.Channel("business-card"), "Business card exchange"}, {eng.Channel("(all)"), "(all)"},
		{eng.Channel("trade-fair-2026"), "trade-fair-2026"},
		{jp.Flag("apple-mpp"), "Apple MPP"}, {jp.Flag("clicked-seconds-after-send"), "配信直後のクリック"}, {jp.Flag("scanner:Proofpoint"), "Proofpoint"},
		{jp.Flag("scanner-client:Mimecast"), "スキャナと判定済みのクライアント（Mimecast）"}, {eng.Flag("apple-mpp"), "apple-mpp"},
		{jp.T("competitor domain rival.example"), "競合他社のドメイン（rival.example）"},
		{jp.T("recycle"), "ナーチャリングに戻す"}, // a reset's rule (rulebook.Engine.Recycle)
		{jp.F("halves every %s", jp.Days(30*24*time.Hour)), "30 日ごとに半減"}, {jp.F("halves every %s", jp.Days(36*time.Hour)), "36 時間ごとに半減"},
		{eng.F("halves every %s", eng.Days(36*time.Hour)), "halves every 36 hours"},
		// The dashboard's follow-up heading says the SLA as the calendar words it.
		{jp.F("Follow-up (SLA %s)", jp.T(workday.Describe(24*time.Hour))), "フォロー状況（SLA 営業時間で 24 時間）"},
		{jp.T(workday.Describe(9 * time.Hour)), "1 営業日"}, {jp.T(workday.Describe(27 * time.Hour)), "3 営業日"},
		{jp.T(workday.Describe(90 * time.Minute)), "営業時間で 1h30m"},
		{jp.T(calendar.Calendar{}.Describe(24 * time.Hour)), "24 時間"}, {jp.T(calendar.Calendar{}.Describe(72 * time.Hour)), "3 日"},
		{eng.T(workday.Describe(24 * time.Hour)), "24 business hours"},
		{jp.T("recycled 2026-11-01T00:00:00Z: no MQL before 2026-11-08T00:00:00Z (recycle.cooldown)"), "2026-11-01T00:00:00Z にナーチャリングに戻したため、2026-11-08T00:00:00Z まで MQL になりません（recycle.cooldown）"},
		{jp.T("recycled 2026-11-01T00:00:00Z: 3.5 of 10 behaviour points earned since (recycle.min_new_behaviour)"), "2026-11-01T00:00:00Z にナーチャリングに戻したため、戻した後の新たな行動スコアが 10 点に達するまで MQL になりません（現在 3.5 点）（recycle.min_new_behaviour）"},
		{jp.T("recycled 2026-11-01T00:00:00Z: no MQL before 2026-11-08T00:00:00Z and until 10 new behaviour points since (3.5 so far)"), "2026-11-01T00:00:00Z にナーチャリングに戻したため、2026-11-08T00:00:00Z まで、かつ戻した後の新たな行動スコアが 10 点に達するまで MQL になりません（現在 3.5 点）"},
	} {
		if c.got != c.want {
			t.Errorf("%q, want %q", c.got, c.want)
		}
	}
	root := repo.Root(t)
	// Every channel qualify.TouchOf gives and every offline one has a name.
	chans := map[string]bool{}
	for _, c := range event.OfflineChannels {
		chans[c] = true
	}
	walkGo(t, filepath.Join(root, "internal", "qualify", "touch.go"), func(fn string, n ast.Node) {
		as, ok := n.(*ast.AssignStmt)
		if ok {
			for i, l := range as.Lhs {
				if sel, ok := l.(*ast.SelectorExpr); ok && sel.Sel.Name == "Channel" && i < len(as.Rhs) {
					if lit, ok := as.Rhs[i].(*ast.BasicLit); ok {
						chans[literal(t, lit)] = true
					}
				}
			}
		}
		if ret, ok := n.(*ast.ReturnStmt); ok && strings.HasPrefix(fn, "channelOf") {
			if lit, ok := ret.Results[0].(*ast.BasicLit); ok {
				chans[literal(t, lit)] = true
			}
		}
	})
	if len(chans) < 10 {
		t.Errorf("found channels %v: is the walk right?", chans)
	}
	for c := range chans {
		if jp.Channel(c) == c {
			t.Errorf("channel %q has no Japanese (add channel:%s to ja)", c, c)
		}
		if eng.Channel(c) == c {
			t.Errorf("channel %q has no English (add channel:%s to enNames)", c, c)
		}
	}
	// Every code enrichment gives a scanner's event has a name.
	codes := 0
	for _, f := range goFiles(t, filepath.Join(root, "internal", "enrichment")) {
		walkGo(t, f, func(fn string, n ast.Node) {
			ret, ok := n.(*ast.ReturnStmt)
			if !ok || (fn != "scannerReason" && !strings.HasSuffix(fn, "Signals")) || len(ret.Results) == 0 {
				return
			}
			if lit, ok := ret.Results[len(ret.Results)-1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if code := literal(t, lit); code != "" {
					codes++
					if _, ok := ja["flag:"+code]; !ok {
						t.Errorf("scanner reason %q has no Japanese (add flag:%s to ja)", code, code)
					}
				}
			}
		})
	}
	if codes < 7 {
		t.Errorf("found %d scanner reasons: is the walk right?", codes)
	}
	// Why a person cannot or not yet qualify, as the rules engine words it.
	waits := 0
	walkGo(t, filepath.Join(root, "internal", "rulebook", "engine.go"), func(fn string, n ast.Node) {
		if ret, ok := n.(*ast.ReturnStmt); ok && fn == "waiting" { // Engine.waiting's texts
			call, ok := ret.Results[0].(*ast.CallExpr)
			if !ok {
				return
			}
			waits++
			format := literal(t, call.Args[0])
			en := strings.NewReplacer("%s", "2026-11-01T00:00:00Z", "%g", "3.5").Replace(format)
			if j := jp.T(en); j == en || asciiWord.MatchString(strings.NewReplacer("2026-11-01T00:00:00Z", "", "recycle.cooldown", "", "recycle.min_new_behaviour", "", "MQL", "").Replace(j)) {
				t.Errorf("no Japanese for %q: %q", en, j)
			}
			return
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 {
			return
		}
		switch {
		case isIdent(as.Lhs[0], "excluded"):
			bin := as.Rhs[0].(*ast.BinaryExpr)
			waits++
			en := literal(t, bin.X) + "rival.example"
			if j := jp.T(en); j == en || asciiWord.MatchString(strings.ReplaceAll(j, "rival.example", "")) {
				t.Errorf("no Japanese for %q: %q", en, j)
			}
		}
	})
	if waits < 4 {
		t.Errorf("found %d exclusions and waits: is the walk right?", waits)
	}
}

// TestJapaneseCoversAdminMessages walks this package's own messages that
// reach a page (a view's Error or Note, pageError's, deny's and the account
// forms' messages, sign-in problems, the report filters' errors) and finds
// each in Japanese.
func TestJapaneseCoversAdminMessages(t *testing.T) {
	p := page{L: "ja"}
	found := 0
	check := func(en string) {
		t.Helper()
		found++
		if j := p.T(en); j == en || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) }) {
			t.Errorf("no Japanese for %q", en)
		}
	}
	// A message built from a literal and a value: the value's sample.
	msg := func(e ast.Expr) (string, bool) {
		switch e := e.(type) {
		case *ast.BasicLit:
			return literal(t, e), e.Kind == token.STRING
		case *ast.BinaryExpr:
			if lit, ok := e.X.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				return literal(t, lit) + "the CSV is empty", true
			}
		}
		return "", false
	}
	for _, f := range goFiles(t, ".") {
		walkGo(t, f, func(fn string, n ast.Node) {
			switch n := n.(type) {
			case *ast.AssignStmt: // v.Error = "...", v.Note = "..."
				for i, l := range n.Lhs {
					if sel, ok := l.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Error" || sel.Sel.Name == "Note") && i < len(n.Rhs) {
						if en, ok := msg(n.Rhs[i]); ok {
							check(en)
						}
					}
				}
			case *ast.CompositeLit: // loginView{Error: "..."}; not the API's httpx.ErrorBody
				if isSel(n.Type, "ErrorBody") || isIdent(n.Type, "parseErrorBody") {
					return
				}
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok && isIdent(kv.Key, "Error") {
						if en, ok := msg(kv.Value); ok {
							check(en)
						}
					}
				}
			case *ast.ReturnStmt: // authenticate's problem, which deny shows
				if fn == "authenticate" && len(n.Results) == 3 {
					if en, ok := msg(n.Results[1]); ok && en != "" {
						check(en)
					}
				}
			case *ast.ValueSpec: // var errBadMonth = errors.New("..."), shown by the dashboard
				if len(n.Values) == 1 && strings.HasPrefix(n.Names[0].Name, "errBad") {
					if en, ok := msg(n.Values[0].(*ast.CallExpr).Args[0]); ok {
						check(en)
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				switch {
				case ok && sel.Sel.Name == "pageError" && len(n.Args) == 5:
					if en, ok := msg(n.Args[4]); ok {
						check(en)
					}
				case ok && sel.Sel.Name == "accountFormError" && len(n.Args) == 6:
					if en, ok := msg(n.Args[4]); ok {
						check(en)
					}
				case ok && sel.Sel.Name == "deny" && len(n.Args) == 4:
					if en, ok := msg(n.Args[3]); ok {
						check(strings.TrimSuffix(en, "the CSV is empty"))
					}
				case ok && sel.Sel.Name == "New" && fn == "sameOrigin":
					if en, ok := msg(n.Args[0]); ok {
						check(en)
					}
				case ok && sel.Sel.Name == "Errorf" && fn == "parseFilter":
					if en, ok := msg(n.Args[0]); ok {
						check(strings.ReplaceAll(en, "%s", "from"))
					}
				}
			}
		})
	}
	if found < 20 {
		t.Errorf("found %d messages: is the walk right?", found)
	}
}

// TestJapaneseCoversCSVEncodingMessages: the Japanese campaign page said
// csvin's refusals of a list's encoding in English ("neither UTF-8 nor
// Shift_JIS (CP932)...", "this line is Shift_JIS but line 2 is
// UTF-8..."). Each csvin error, made by a file that causes it, reads in
// Japanese as the page's upload says it, no English word left but the
// encodings' and Excel's names; a new csvin message fails here until it
// has a sample and its Japanese.
func TestJapaneseCoversCSVEncodingMessages(t *testing.T) {
	sjis := func(s string) string {
		b, err := japanese.ShiftJIS.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	files := map[string]string{ // what each file is refused for
		"a BOM, then not UTF-8":   "\xef\xbb\xbfemail,name\r\na@b.example,\xff\xfe\r\n",
		"neither UTF-8 nor CP932": "email,name\r\na@b.example,\x80\xa0\xfd\r\n",
		"mixed encodings":         "email,name\r\na@b.example,山田\r\nb@b.example," + sjis("佐藤") + "\r\n",
	}
	var msgs []string
	for name, f := range files {
		_, _, err := csvin.Decode([]byte(f))
		var ce *csvin.Error
		if !errors.As(err, &ce) {
			t.Fatalf("%s: %v, want a csvin.Error", name, err)
		}
		msgs = append(msgs, err.Error())
	}
	_, _, err := csvin.Read(strings.NewReader(strings.Repeat("x", 3<<20)), 2<<20)
	var tl *csvin.TooLarge
	if !errors.As(err, &tl) {
		t.Fatalf("a file too large: %v", err)
	}
	msgs = append(msgs, err.Error())
	// As many samples as csvin has messages: its Error literals and the
	// TooLarge error.
	errs := 0
	for _, f := range goFiles(t, filepath.Join(repo.Root(t), "internal", "csvin")) {
		walkGo(t, f, func(_ string, n ast.Node) {
			if cl, ok := n.(*ast.CompositeLit); ok && (isIdent(cl.Type, "Error") || isIdent(cl.Type, "TooLarge")) {
				errs++
			}
		})
	}
	if errs != len(files)+1 {
		t.Errorf("csvin makes %d errors, %d are sampled here: give the new one a file and its Japanese", errs, len(files)+1)
	}

	kept := map[string]bool{} // ASCII words the Japanese keeps on purpose
	for _, j := range jaTemplates(jaPatterns) {
		for _, w := range asciiWord.FindAllString(j, -1) {
			kept[w] = true
		}
	}
	p := page{L: "ja"}
	for _, m := range msgs {
		shown := "The list could not be read: " + m // the page's upload
		j := p.T(shown)
		var left []string
		for _, w := range asciiWord.FindAllString(j, -1) {
			if !kept[w] {
				left = append(left, w)
			}
		}
		if j == shown || len(left) > 0 || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) {
			t.Errorf("no Japanese for %q: %q (English left: %q)", shown, j, left)
			continue
		}
		t.Logf("%s\n\t-> %s", shown, j)
	}
}
