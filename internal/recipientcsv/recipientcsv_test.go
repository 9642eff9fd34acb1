package recipientcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"

	"github.com/baton-hq/baton/internal/csvin"
)

func tokens(r Row) (string, error) {
	if strings.HasSuffix(r.Email, "@erased.example") {
		return "", errors.New("erased on request")
	}
	return "tok-" + strings.SplitN(r.Email, "@", 2)[0], nil
}

func run(t *testing.T, in string) (string, Result) {
	t.Helper()
	var out bytes.Buffer
	res, err := Mint(strings.NewReader(in), &out, tokens)
	if err != nil {
		t.Fatal(err)
	}
	return out.String(), res
}

func TestJapaneseNamesOddQuotingBOMAndCRLF(t *testing.T) {
	in := "\xef\xbb\xbf氏名,会社名,メールアドレス,メモ\r\n" +
		"山田 太郎,\"株式会社サンプル, 東京\",Taro.Yamada@Example.co.jp,\"改行を\r\n含む\"\r\n" +
		"\"O'Brien, \"\"Pat\"\"\",Acme,pat@acme.example,\r\n" +
		"鈴木,,not-an-email,\r\n" +
		"\r\n" +
		"佐藤,Gone,sato@erased.example,\r\n"
	out, res := run(t, in)
	if !strings.HasPrefix(out, "\xef\xbb\xbf") || !strings.Contains(out, "\r\n") {
		t.Fatal("BOM or CRLF not kept")
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\xef\xbb\xbf"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], "|") != "氏名|会社名|メールアドレス|メモ|baton_token" {
		t.Fatalf("header %q", rows[0])
	}
	if rows[1][1] != "株式会社サンプル, 東京" || rows[1][3] != "改行を\r\n含む" && rows[1][3] != "改行を\n含む" || rows[1][4] != "tok-taro.yamada" {
		t.Fatalf("row 1 %q", rows[1])
	}
	if rows[2][0] != `O'Brien, "Pat"` || rows[2][4] != "tok-pat" {
		t.Fatalf("row 2 %q", rows[2])
	}
	if rows[3][4] != "" || rows[4][4] != "" || len(rows) != 5 {
		t.Fatalf("rows %q", rows)
	}
	// 鈴木 is row 4 of the sheet (line 5 of the file: the memo above it has a line break).
	if res.Minted != 2 || len(res.Errors) != 2 || res.Errors[0].Line != 4 || !strings.Contains(res.Errors[1].Reason, "erased") {
		t.Fatalf("result %+v", res)
	}
}

// TestShiftJISList: a list saved by Japanese Excel (Shift_JIS/CP932) is
// read as such, and comes back as UTF-8 with a BOM.
func TestShiftJISList(t *testing.T) {
	in, err := japanese.ShiftJIS.NewEncoder().String("氏名,会社名,メールアドレス\r\n髙橋 一郎,株式会社サンプル,ichiro@example.co.jp\r\n")
	if err != nil {
		t.Fatal(err)
	}
	out, res := run(t, in)
	if res.Minted != 1 || out != "\ufeff氏名,会社名,メールアドレス,baton_token\r\n髙橋 一郎,株式会社サンプル,ichiro@example.co.jp,tok-ichiro\r\n" {
		t.Fatalf("%q %+v", out, res)
	}
	var buf bytes.Buffer
	if _, err := Mint(strings.NewReader("email,name\r\na@b.example,\x82\r\n"), &buf, tokens); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("undecodable list: %v", err)
	}
}

func TestExistingTokenColumnIsRefilled(t *testing.T) {
	out, _ := run(t, "email,baton_token\na@b.example,old\n")
	if out != "\ufeffemail,baton_token\na@b.example,tok-a\n" {
		t.Fatalf("%q", out)
	}
}

// TestOutputIsSpreadsheetSafe: the file that goes back to Excel starts with
// a BOM even when the upload had none, and a cell that would run as a
// formula is neutralised.
func TestOutputIsSpreadsheetSafe(t *testing.T) {
	out, _ := run(t, "email,name\na@b.example,\"=HYPERLINK(\"\"http://evil.example\"\")\"\n")
	if out != "\ufeffemail,name,baton_token\na@b.example,\"'=HYPERLINK(\"\"http://evil.example\"\")\",tok-a\n" {
		t.Fatalf("%q", out)
	}
}

func TestRefusals(t *testing.T) {
	for _, in := range []string{"", "name,company\nx,y\n", "email\n\"unterminated\n", "email\n\xff\xfe@b.example\n", "email\n", "配信リスト\r\nメールアドレス,氏名\r\n\r\n"} {
		var out bytes.Buffer
		if _, err := Mint(strings.NewReader(in), &out, tokens); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	var out bytes.Buffer
	_, err := Mint(strings.NewReader("name,company\nx,y\n"), &out, tokens)
	if err == nil || !strings.Contains(err.Error(), `"name", "company"`) {
		t.Errorf("missing email column error does not name the headers: %v", err)
	}
}

// TestTemplateHeaders: the email column as Japanese templates and
// full-width keyboards write it was "no email column"; a list from old
// Excel for Mac (CR line ends) was one header line; two email columns
// made one silently the list's.
func TestTemplateHeaders(t *testing.T) {
	for _, in := range []string{
		"ＥＭＡＩＬ,氏名\na@b.example,山田\n",
		"メールアドレス（必須）,氏名\na@b.example,山田\n",
		"Email *,Name\na@b.example,Yamada\n",
		"email,name\ra@b.example,Yamada\r",
		"mail_address,name\na@b.example,Yamada\n",
		"e_mail,name\na@b.example,Yamada\n",
		"\"メール\nアドレス\",氏名\na@b.example,山田\n", // a header cell wrapped in Excel
		"担当者メールアドレス,メールアドレス\nrep@our.example,a@b.example\n",
	} {
		out, res := run(t, in)
		if res.Minted != 1 || len(res.Errors) != 0 || !strings.Contains(out, "a@b.example") || !strings.Contains(out, "tok-a") {
			t.Errorf("%q: %+v %q", in, res, out)
		}
	}
	var out bytes.Buffer
	if _, err := Mint(strings.NewReader("email,メールアドレス\na@b.example,c@d.example\n"), &out, tokens); err == nil || !strings.Contains(err.Error(), "two email columns") {
		t.Errorf("two email columns: %v", err)
	}
}

// TestExcelEmptyRowsAreBlankLines: Excel saves the empty rows inside a
// sheet's used range as ",,,": they are blank lines (skipped, as an empty
// line is), not recipients without an email; reported, they inflate
// X-Baton-Row-Error-Count and add baton_error lines the marketer must
// check one by one, and they counted toward MaxRows.
func TestExcelEmptyRowsAreBlankLines(t *testing.T) {
	out, res := run(t, "メールアドレス,氏名,会社名\r\ntaro@example.co.jp,山田 太郎,サンプル\r\n,,\r\n,,\r\n")
	if res.Minted != 1 || len(res.Errors) != 0 {
		t.Errorf("empty Excel rows reported as recipients: %+v\n%s", res, out)
	}
	out, res = run(t, "email\n"+strings.Repeat("r@example.com\n", MaxRows)+strings.Repeat(",\n", 10))
	if res.Minted+res.Duplicates != MaxRows || len(res.Errors) != 0 || strings.Count(out, "\n") != MaxRows+1 { // one address: Minted 1
		t.Errorf("%d recipients and 10 empty rows: %+v", MaxRows, res)
	}
}

// TestRaggedRows: a short row is minted (its missing fields empty); a row
// with more fields than the header is refused, its line said, and not
// minted: it was both given a token and counted as refused (the page said
// "1 rows got none" of a list whose every row had a token). Its columns
// may be shifted (an unquoted comma), the email's among them.
func TestRaggedRows(t *testing.T) {
	var minted []Row
	var out bytes.Buffer
	res, err := Mint(strings.NewReader("email,name,company\na@b.example\nc@d.example,Yamada, Taro,Acme\n"), &out, func(r Row) (string, error) {
		minted = append(minted, r)
		return tokens(r)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []RowError{{Line: 3, Reason: "4 fields, the header has 3"}}
	if res.Minted != 1 || !slices.Equal(res.Errors, want) || len(minted) != 1 || minted[0].Email != "a@b.example" ||
		out.String() != "\ufeffemail,name,company,baton_token\na@b.example,,,tok-a\nc@d.example,Yamada,\" Taro\",,Acme\n" {
		t.Fatalf("%q %+v minted %+v", out.String(), res, minted)
	}
}

func FuzzMint(f *testing.F) {
	f.Add([]byte("email,name\na@b.example,x\n"))
	f.Add([]byte("\xef\xbb\xbfメールアドレス\r\n\"a@b.example\"\r\n"))
	f.Add([]byte(",,\r\n配信リスト,,\r\n\"=出力\n日\",x\r\n\r\n,,\r\n氏名,メールアドレス\r\n山田,a@b.example\r\n,bad\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		res, err := Mint(bytes.NewReader(in), &out, tokens)
		if err != nil {
			return
		}
		if res.Minted < 0 || !strings.Contains(out.String(), TokenColumn) {
			t.Fatalf("output without the token column: %q", out.String())
		}
		// The file starts with its header: the non-blank rows above it
		// in the list are left out and said (Dropped).
		text, _, _ := csvin.Decode(in)
		tab, _ := csvin.FindHeader(csvin.NewReader(text), nil, csvin.EmailHeader)
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(out.String(), "\ufeff")))
		cr.FieldsPerRecord = -1
		back, err := csvin.FindHeader(cr, nil, csvin.EmailHeader)
		if err != nil || !back.Found || back.Row != 1 || len(back.Above) != 0 {
			t.Fatalf("output's header not its first row: %+v %v %q", back, err, out.String())
		}
		var was, gave []string
		for _, r := range tab.Above {
			if !csvin.Blank(r.Fields) {
				was = append(was, fmt.Sprintf("%d:%q", r.Row, r.Fields))
			}
		}
		for _, r := range res.Dropped {
			gave = append(gave, fmt.Sprintf("%d:%q", r.Row, r.Fields))
		}
		if !slices.Equal(was, gave) || res.HeaderRow != tab.Row {
			t.Fatalf("rows above the header: %q at %d, said %q at %d", was, tab.Row, gave, res.HeaderRow)
		}
		// Each row is minted or refused, never both: the rows with a token
		// are Minted, those without one each have one error.
		var rest [][]string // the rows FindHeader read deciding the header first
		for {
			rec, _, err := back.Read(cr, nil)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("output unreadable: %v %q", err, out.String())
			}
			rest = append(rest, rec)
		}
		recs := append([][]string{back.Header}, rest...)
		tokenCol := -1 // the last column of that name is the one filled
		for i, h := range recs[0] {
			if strings.ToLower(strings.TrimSpace(h)) == TokenColumn {
				tokenCol = i
			}
		}
		withToken := 0
		for _, r := range recs[1:] {
			if tokenCol < len(r) && r[tokenCol] != "" {
				withToken++
			}
		}
		// An address on several rows is one recipient (Minted), its
		// other rows Duplicates, each with the first row's token.
		if withToken != res.Minted+res.Duplicates || len(recs)-1 != res.Minted+res.Duplicates+len(res.Errors) {
			t.Fatalf("%d rows, %d with a token; minted %d, %d duplicates, %d errors: %q", len(recs)-1, withToken, res.Minted, res.Duplicates, len(res.Errors), out.String())
		}
		// With a reason column: as many rows, the column there exactly when
		// a row had a problem.
		var said bytes.Buffer
		res2, err := MintWith(bytes.NewReader(in), &said, tokens, Options{ReasonColumn: "problem", CRLF: true})
		if err != nil || res2.Minted != res.Minted || len(res2.Errors) != len(res.Errors) {
			t.Fatalf("with reasons: %+v %v, without: %+v", res2, err, res)
		}
		plain := back.Header
		withTab, err := csvin.FindHeader(csvin.NewReader([]byte(strings.TrimPrefix(said.String(), "\ufeff"))), nil, csvin.EmailHeader)
		with := withTab.Header
		added := 0
		if len(res.Errors) > 0 && !slices.ContainsFunc(plain, func(h string) bool { return strings.ToLower(strings.TrimSpace(h)) == "problem" }) {
			added = 1 // a column of that name is refilled instead
		}
		if err != nil || !withTab.Found || withTab.Row != back.Row || len(with) != len(plain)+added {
			t.Fatalf("header %q with reasons, %q without, %d errors (%v)", with, plain, len(res.Errors), err)
		}
	})
}

// TestReasonColumn: with a reason column asked for, a list with refused
// rows comes back with each row's problems in that row (a marketer who
// only has the downloaded file sees why a token is missing), line ends
// Excel's even for an LF upload; a list without problems keeps its columns.
func TestReasonColumn(t *testing.T) {
	opts := Options{ReasonColumn: "problem", CRLF: true}
	var out bytes.Buffer
	res, err := MintWith(strings.NewReader("email,name\na@b.example,A\nnot-an-email,B\nc@erased.example,C\nd@b.example,D,extra\n"), &out, tokens, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffemail,name,baton_token,problem\r\n" +
		"a@b.example,A,tok-a,\r\n" +
		"not-an-email,B,,\"line 3: \"\"not-an-email\"\" is not an email address\"\r\n" +
		"c@erased.example,C,,line 4: erased on request\r\n" +
		"d@b.example,D,,\"line 5: 3 fields, the header has 2\",extra\r\n"
	if out.String() != want || res.Minted != 1 || len(res.Errors) != 3 {
		t.Fatalf("%q\n%+v", out.String(), res)
	}
	out.Reset()
	if _, err := MintWith(strings.NewReader("email,name\na@b.example,A\n"), &out, tokens, opts); err != nil || out.String() != "\ufeffemail,name,baton_token\r\na@b.example,A,tok-a\r\n" {
		t.Fatalf("%q %v", out.String(), err)
	}
}

// TestExtraFieldKept: a row longer than the header keeps all its fields
// after the (empty: refused) token (the first extra one was overwritten
// by the token).
func TestExtraFieldKept(t *testing.T) {
	out, _ := run(t, "email,name\nc@d.example,C,extra1,extra2\n")
	if out != "\ufeffemail,name,baton_token\nc@d.example,C,,extra1,extra2\n" {
		t.Fatalf("%q", out)
	}
}

// TestReasonColumnRefilled: the downloaded list, fixed and uploaded
// again, has its reason column (in either language) refilled in place:
// emptied where the row is now fine, never a second column, and never
// passed on as an attribute of the people.
func TestReasonColumnRefilled(t *testing.T) {
	opts := Options{ReasonColumn: "problem", ReasonNames: []string{"problem", "エラー内容"}, CRLF: true}
	var fields []map[string]string
	mint := func(r Row) (string, error) {
		fields = append(fields, r.Fields)
		return tokens(r)
	}
	var out bytes.Buffer
	in := "email,name,baton_token,エラー内容\r\nnow-fixed@b.example,B,,\"line 3: \"\"x\"\" is not an email address\"\r\nstill-bad,C,,line 4: x\r\n"
	res, err := MintWith(strings.NewReader(in), &out, mint, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffemail,name,baton_token,エラー内容\r\nnow-fixed@b.example,B,tok-now-fixed,\r\nstill-bad,C,,\"line 3: \"\"still-bad\"\" is not an email address\"\r\n"
	if out.String() != want || res.Minted != 1 || len(fields) != 1 || len(fields[0]) != 1 || fields[0]["name"] != "B" {
		t.Fatalf("%q\n%+v %v", out.String(), res, fields)
	}
}

// TestReasonColumnKnownWithoutAddingOne: a client that reads the reasons
// elsewhere (the API's X-Baton-Row-Errors) asks for no reason column, but
// names it (ReasonNames): the column of a list downloaded from the page
// and uploaded again is still the reasons', refilled in place, never an
// attribute; a list without one gets none.
func TestReasonColumnKnownWithoutAddingOne(t *testing.T) {
	opts := Options{ReasonNames: []string{"baton_error", "エラー内容"}}
	for _, col := range []string{"baton_error", "エラー内容", "error"} {
		var fields []map[string]string
		mint := func(r Row) (string, error) {
			fields = append(fields, r.Fields)
			return tokens(r)
		}
		var out bytes.Buffer
		in := "email,name," + col + ",baton_token\nnow-fixed@b.example,B,\"line 2: \"\"x\"\" is not an email address\",\nstill-bad,C,line 3: x,\n"
		res, err := MintWith(strings.NewReader(in), &out, mint, opts)
		if err != nil {
			t.Fatal(err)
		}
		want := "\ufeffemail,name," + col + ",baton_token\nnow-fixed@b.example,B,,tok-now-fixed\nstill-bad,C,\"line 3: \"\"still-bad\"\" is not an email address\",\n"
		if col == "error" { // not the reasons' column: an attribute, as any other
			want = "\ufeffemail,name," + col + ",baton_token\nnow-fixed@b.example,B,\"line 2: \"\"x\"\" is not an email address\",tok-now-fixed\nstill-bad,C,line 3: x,\n"
			if out.String() != want || len(fields) != 1 || len(fields[0]) != 2 {
				t.Fatalf("%s: %q\n%v", col, out.String(), fields)
			}
			continue
		}
		if out.String() != want || res.Minted != 1 || len(fields) != 1 || len(fields[0]) != 1 || fields[0]["name"] != "B" {
			t.Fatalf("%s: %q\n%+v %v", col, out.String(), res, fields)
		}
	}
	var out bytes.Buffer
	if _, err := MintWith(strings.NewReader("email,name\nbad,A\n"), &out, tokens, opts); err != nil || out.String() != "\ufeffemail,name,baton_token\nbad,A,\n" {
		t.Fatalf("a reason column was added unasked: %q %v", out.String(), err)
	}
}

// TestInvisibleCharactersInEmailCells: a BOM left at the start of a cell
// (a list pasted together from several files) and a zero-width space
// pasted from a chat made rows of addresses of their own, and so tokens of
// another person, past an erased person's tombstone. Each row is minted
// for the plain address; a cell with a space inside is refused, saying so.
func TestInvisibleCharactersInEmailCells(t *testing.T) {
	var got []string
	mint := func(r Row) (string, error) { got = append(got, r.Email); return tokens(r) }
	var out bytes.Buffer
	in := "email,name\n\xef\xbb\xbfalice@acme.example,A\nalice@acme.example\xe2\x80\x8b,B\nALICE\xc2\xad@acme.example,C\nsato\xe2\x80\x8b@erased.example,D\na\xe3\x80\x80lice@acme.example,E\n"
	res, err := MintWith(strings.NewReader(in), &out, mint, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, []string{"alice@acme.example", "alice@acme.example", "alice@acme.example", "sato@erased.example"}) {
		t.Fatalf("minted for %q", got)
	}
	if res.Minted != 1 || res.Duplicates != 2 || len(res.Errors) != 2 || !strings.Contains(res.Errors[0].Reason, "erased") || res.Errors[1].Line != 6 || !strings.Contains(res.Errors[1].Reason, "not an email address") {
		t.Fatalf("result %+v", res)
	}
}

// TestExcelEmptyRowsAboveTheHeader: Excel saves a sheet whose table
// starts on row 2 with ",,," first; the README says such empty rows are
// skipped, but the list was refused as having "no email column: the
// header has [\"\" \"\" \"\"]". The rows above the header are left out of
// the answer, as the empty rows below it are.
func TestExcelEmptyRowsAboveTheHeader(t *testing.T) {
	var out bytes.Buffer
	res, err := Mint(strings.NewReader(",,\r\nメールアドレス,氏名,会社名\r\ntaro@example.co.jp,山田 太郎,サンプル\r\n"), &out, tokens)
	if err != nil {
		t.Fatalf("a list below an empty first row refused: %v", err)
	}
	if res.Minted != 1 || len(res.Errors) != 0 || out.String() != "\ufeffメールアドレス,氏名,会社名,baton_token\r\ntaro@example.co.jp,山田 太郎,サンプル,tok-taro\r\n" {
		t.Errorf("%+v %q", res, out.String())
	}
}

// TestRowErrorsNameTheSpreadsheetRow: a row's problem is said by its row
// in Excel, where the marketer fixes it, not by the line of the file it
// starts on: a memo typed with Alt+Enter above it put the page's "9 行目"
// on a list of 8 rows.
func TestRowErrorsNameTheSpreadsheetRow(t *testing.T) {
	_, res := run(t, "メールアドレス,氏名,メモ\r\n"+
		"taro@example.co.jp,山田 太郎,\"一行目\r\n二行目\r\n三行目\"\r\n"+
		"not-an-email,佐藤,\r\n")
	if res.Minted != 1 || len(res.Errors) != 1 || res.Errors[0].Line != 3 {
		t.Errorf("want row 3 refused: %+v", res)
	}
}

// TestNoEmailColumnNamesTheHeader: the refusal of a list without an email
// column, which the campaign page shows, printed its header as Go's %q of
// a slice (["氏名" "会社名"]); it lists the cells as the file has them.
func TestNoEmailColumnNamesTheHeader(t *testing.T) {
	_, err := Mint(strings.NewReader("氏名,会社名,\r\n山田 太郎,サンプル,\r\n"), &bytes.Buffer{}, tokens)
	want := `no email column: the header has "氏名", "会社名", ""; name one of them email or メールアドレス`
	if err == nil || err.Error() != want {
		t.Errorf("%v, want %s", err, want)
	}
}

// TestEmailComesBackAsTheTokenHasIt: an address typed full-width (or with
// spaces around it) comes back as the address its token was made for, one
// a mail service sends to; it came back as uploaded, so the service could
// refuse a recipient Baton counted. An address already so, its case
// included, comes back as it was.
func TestEmailComesBackAsTheTokenHasIt(t *testing.T) {
	out, res := run(t, "氏名,メールアドレス\r\n佐藤 花子,ｈａｎａｋｏ．ｓａｔｏ＠ｙａｍａｄａ－ｓｈｏｊｉ．ｃｏ．ｊｐ\r\n山田,Taro.Yamada@Example.co.jp\r\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\xef\xbb\xbf"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if res.Minted != 2 || rows[1][1] != "hanako.sato@yamada-shoji.co.jp" || rows[1][2] != "tok-hanako.sato" || rows[2][1] != "Taro.Yamada@Example.co.jp" {
		t.Fatalf("rows %q, result %+v", rows, res)
	}
}

// TestOneColumnListWhoseFirstRowIsNoAddress: a one-column list whose first
// row is no address (（退会）) was refused ("no email column"); the
// addresses get tokens and that row is reported.
func TestOneColumnListWhoseFirstRowIsNoAddress(t *testing.T) {
	_, res := run(t, "メールアドレス\r\n（退会）\r\nhanako@example.com\r\njiro@example.com\r\n")
	if res.Minted != 2 || len(res.Errors) != 1 || res.Errors[0].Line != 2 {
		t.Errorf("%+v", res)
	}
}

// TestEmailWithSpacesComesBackWithout: an address with spaces around it
// (half-width, or a trailing full-width one) comes back without them, the
// address its token was made for; compared after TrimSpace, the cell came
// back as uploaded and an email service could refuse the row. An address
// with spaces keeps the case it was typed in.
func TestEmailWithSpacesComesBackWithout(t *testing.T) {
	out, res := run(t, "email,name\n\"  sp1@example.co.jp\",a\nsp2@example.co.jp\u3000,b\n\tSp3@Example.co.jp ,c\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\xef\xbb\xbf"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"sp1@example.co.jp", "sp2@example.co.jp", "Sp3@Example.co.jp"}
	for i, w := range want {
		if rows[i+1][0] != w {
			t.Errorf("row %d: email %q, want %q", i+1, rows[i+1][0], w)
		}
	}
	if res.Minted != 3 {
		t.Errorf("%+v", res)
	}
}

// TestAnAddressListedTwiceIsOneRecipient: one address on three rows
// (dup@, DUP@, " dup@ ") keeps its three rows, each with the one token,
// and is one recipient (Minted), the two other rows counted as
// Duplicates; it was Minted 3, the campaign's recipients 3 for one person.
func TestAnAddressListedTwiceIsOneRecipient(t *testing.T) {
	out, res := run(t, "email,name\ndup@example.com,a\nDUP@example.com,b\n\" dup@example.com \",c\nother@example.com,d\nbad,e\n")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\xef\xbb\xbf"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[1][2] != "tok-dup" || rows[2][2] != "tok-dup" || rows[3][2] != "tok-dup" || rows[4][2] != "tok-other" {
		t.Fatalf("rows %q", rows)
	}
	if res.Minted != 2 || res.Duplicates != 2 || len(res.Errors) != 1 || !slices.Equal(res.Addresses, []string{"dup@example.com", "other@example.com"}) {
		t.Fatalf("%+v", res)
	}
}

// TestRefusedEmailQuotedBounded: a refused email cell is quoted at most
// 200 bytes in its reason (the answer's errors and the list's reason
// column): a list of megabyte cells came back several times its size.
func TestRefusedEmailQuotedBounded(t *testing.T) {
	long := strings.Repeat("<", 100000)
	_, res := run(t, "email,name\n"+long+",A\n")
	if len(res.Errors) != 1 || len(fmt.Sprint(res.Errors[0])) > 400 || !strings.Contains(fmt.Sprint(res.Errors[0]), "…") {
		t.Fatalf("%d errors, the first %d bytes", len(res.Errors), len(fmt.Sprint(res.Errors)))
	}
}
