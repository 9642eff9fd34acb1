// Package csvin reads every CSV Baton is handed (recipient lists, offline
// touches): UTF-8 with or without a BOM, Shift_JIS/CP932, what Japanese
// Excel writes by default ("CSV (コンマ区切り)"), or EUC-JP, what older Unix
// systems export. The encoding is detected: valid UTF-8 is UTF-8; anything
// else is decoded as CP932 and as EUC-JP, each accepted only when every
// byte decodes to a character (see Decode for a file both read: a few
// EUC-JP characters alone can be CP932's half-width katakana too, and are
// read as CP932). A file that is none of them (or that mixes UTF-8 with
// one, which decodes without error but into mojibake) is refused naming
// its first bad line. What Baton writes back is always UTF-8 with a BOM
// (package csvout).
package csvin

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/textcut"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// Encodings reported by Decode.
const (
	UTF8     = "UTF-8"
	ShiftJIS = "Shift_JIS"
	EUCJP    = "EUC-JP"
)

const bom = "\xef\xbb\xbf"

// Error says why a file could not be decoded, and where.
type Error struct {
	Line int // 1-based line of the file
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// TooLarge is returned by Read for a file over the limit.
type TooLarge struct{ Max int }

func (e *TooLarge) Error() string { return fmt.Sprintf("the CSV is larger than %d MB", e.Max>>20) }

// Read reads at most max bytes of r and decodes them (see Decode).
func Read(r io.Reader, max int) (text []byte, enc string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > max {
		return nil, "", &TooLarge{Max: max}
	}
	return Decode(data)
}

const hint = `save it from Excel as "CSV UTF-8" or "CSV (コンマ区切り)"`

// Decode returns the file as UTF-8 without a BOM, and the encoding it was
// in. A BOM promises UTF-8: such a file is never read as CP932.
func Decode(data []byte) (text []byte, enc string, err error) {
	if rest, ok := bytes.CutPrefix(data, []byte(bom)); ok {
		if line := firstInvalidUTF8(rest); line > 0 {
			return nil, "", &Error{Line: line, Msg: "the file starts with a UTF-8 BOM but this line is not UTF-8; " + hint}
		}
		return macLines(rest), UTF8, nil
	}
	if utf8.Valid(data) {
		return macLines(data), UTF8, nil
	}
	sj := legacy(data, ShiftJIS)
	euc := legacy(data, EUCJP)
	got := sj
	switch {
	case sj.bad > 0 && euc.bad > 0:
		// Named at the line the likelier encoding (the one that read
		// further) stopped at.
		return nil, "", &Error{Line: max(sj.bad, euc.bad), Msg: "neither UTF-8, Shift_JIS (CP932) nor EUC-JP; " + hint}
	case sj.bad > 0:
		got = euc
	case euc.bad == 0 && halfKana(sj.text) && eucOnly(data):
		// Both read. CP932's kana and most of its kanji are not EUC-JP at
		// all, so the file is CP932's half-width katakana (bytes A1-DF) or
		// EUC-JP, whose pairs CP932 reads as half-width katakana (山田 is
		// ｻｳﾅﾄ). Only EUC-JP has bytes past DF (a third of its characters
		// end in one) or 8E (its own half-width katakana): a file without
		// either stays CP932, as Excel writes it.
		got = euc
	}
	if got.utf8Line > 0 {
		bad := firstInvalidUTF8(data)
		return nil, "", &Error{Line: bad, Msg: fmt.Sprintf("this line is %s but line %d is UTF-8: the file mixes encodings; %s", got.enc, got.utf8Line, hint)}
	}
	return macLines(got.text), got.enc, nil
}

// reading is a file read in one legacy encoding.
type reading struct {
	enc      string
	text     []byte // UTF-8
	bad      int    // the first line that is not this encoding (0: none)
	utf8Line int    // the first line of Japanese UTF-8 (0: none)
}

// legacy reads data, which is not UTF-8, line by line in enc (ShiftJIS or
// EUCJP), skipping the lines of Japanese UTF-8 (a file that mixes them).
func legacy(data []byte, enc string) reading {
	r := reading{enc: enc}
	dec := japanese.ShiftJIS.NewDecoder()
	if enc == EUCJP {
		dec = japanese.EUCJP.NewDecoder()
	}
	var out bytes.Buffer
	out.Grow(len(data) * 3 / 2)
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		n := i + 1
		if utf8.Valid(line) && hasWide(line) {
			// Japanese text in UTF-8 also "decodes" as CP932, into mojibake.
			if r.utf8Line == 0 {
				r.utf8Line = n
			}
			continue
		}
		s, err := dec.Bytes(line)
		if err != nil || !clean(s) {
			r.bad = n
			return r
		}
		out.Write(s)
	}
	r.text = out.Bytes()
	return r
}

// eucOnly reports a byte CP932's half-width katakana never has, in a file
// both CP932 and EUC-JP read: one from E0 (an EUC-JP pair's second byte, or
// its first for the later kanji rows) or 8E (EUC-JP's half-width katakana).
func eucOnly(data []byte) bool {
	for _, b := range data {
		if b >= 0xe0 || b == 0x8e {
			return true
		}
	}
	return false
}

// halfKana reports a half-width katakana character.
func halfKana(text []byte) bool {
	for _, r := range string(text) {
		if r >= 0xff61 && r <= 0xff9f {
			return true
		}
	}
	return false
}

// macLines turns the line ends of a file that has only CRs (Excel for
// Mac's "CSV (Macintosh)") into LFs: read as it is, the whole file was one
// header line, and the import said columns were missing.
func macLines(text []byte) []byte {
	if bytes.IndexByte(text, '\n') >= 0 || bytes.IndexByte(text, '\r') < 0 {
		return text
	}
	return bytes.ReplaceAll(text, []byte("\r"), []byte("\n"))
}

// Header is a column's name as imports compare it: width-folded (ＥＭＡＩＬ
// is EMAIL), trimmed and lower-cased, without the marks of a required
// column that templates add, after the name (メールアドレス（必須）,
// メールアドレス【必須】, メールアドレス[必須], メールアドレス ※必須,
// email*) or before it (【必須】メールアドレス, ※メールアドレス, *email).
//
// A line break in the cell (Excel's Alt+Enter, a long name wrapped:
// メール⏎アドレス, E-mail⏎Address) and runs of spaces are one space between
// Latin words and none between Japanese ones (メール アドレス is
// メールアドレス).
//
// Invisible characters (a zero-width space or joiner, a BOM: a template's
// names copied from a web page, or a second file's BOM pasted under the
// first) are no part of the name: メール\u200bアドレス refused the list as
// having no email column, and 氏\u200b名 was a custom attribute, not the
// name.
func Header(h string) string {
	if strings.ContainsFunc(h, event.IsInvisible) {
		h = strings.Map(func(r rune) rune {
			if event.IsInvisible(r) {
				return -1
			}
			return r
		}, h)
	}
	h = strings.ToLower(joinWords(strings.Fields(norm.NFKC.String(h))))
	for {
		was := h
		for _, mark := range requiredMarks {
			if s := strings.TrimSpace(strings.TrimSuffix(h, mark)); s != "" {
				h = s
			}
			if s := strings.TrimSpace(strings.TrimPrefix(h, mark)); s != "" {
				h = s
			}
		}
		if h == was {
			return h
		}
	}
}

// Names lists a header's cells for a message, each quoted as the file has
// it: "氏名", "会社名" (Go's %q of the slice printed ["氏名" "会社名"], which
// reads as code on a page).
//
// At most namesShown cells, each cut to nameBytes ("…" after a cut), and
// "… (+N)" for the cells left out: a header of 19,000 long cells made the
// message (and its page) several times the file's size.
func Names(header []string) string {
	n := min(len(header), namesShown)
	q := make([]string, n, n+1)
	for i, h := range header[:n] {
		q[i] = strconv.Quote(textcut.Excerpt(h, nameBytes))
	}
	if more := len(header) - n; more > 0 {
		q = append(q, fmt.Sprintf("… (+%d)", more))
	}
	return strings.Join(q, ", ")
}

// How much of a header Names lists.
const (
	namesShown = 50
	nameBytes  = 100
)

// joinWords joins a header's words: a space between two Latin ones, none
// where either side is another script's (Japanese writes no spaces).
func joinWords(ws []string) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			last, _ := utf8.DecodeLastRuneInString(ws[i-1])
			first, _ := utf8.DecodeRuneInString(w)
			if last < utf8.RuneSelf && first < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// EmailColumn is the column of a list's header that holds the person's
// own email: the one named plainly (email, メールアドレス, e_mail,
// mail_address ...), else the one naming an email some other way
// (会社メールアドレス, work_email); -1 when none does. A lead list's
// 担当者メールアドレス (the exhibitor's own rep) before its メールアドレス
// is not the person's. Two of the best rank are an error naming both:
// which one is the person's is not an import's to guess, unless they are
// one name numbered (メールアドレス1 and メールアドレス2; Sansan's e-mail(1)
// and e-mail(2)): the person's first is theirs, numbered 1 (the others
// are no attribute, as any address in a list's other columns).
//
// A header of one cell holding tabs or semicolons is a file whose columns
// are not separated by commas (Excel's "Text (Tab delimited)", a European
// Excel's CSV): its one column named メールアドレス\t氏名 was taken for the
// email column, and each row for an address that is none.
func EmailColumn(header []string) (int, error) {
	cols, err := EmailColumns(header)
	if len(cols) == 0 {
		return -1, err
	}
	return cols[0], err
}

// EmailColumns are the columns of a list's header that hold the person's
// own email, the one to read first first: EmailColumn's, or the columns
// of one name numbered by their number (e-mail(1), e-mail(2)). A row
// whose first is empty is read from the next (a business card with only
// its second address): the one numbered 1 is the person's when it is
// filled.
func EmailColumns(header []string) ([]int, error) {
	if len(header) == 1 {
		for _, sep := range []struct{ c, name string }{{"\t", "tabs"}, {";", "semicolons"}} {
			if strings.Contains(header[0], sep.c) {
				return nil, fmt.Errorf("the columns are separated by %s, not commas: save the file as CSV (comma-separated)", sep.name)
			}
		}
	}
	var best []int // the columns of the best rank
	rank := 0
	for i, h := range header {
		r := emailRank(h)
		if r == 0 {
			continue
		}
		switch r = max(r, 2); { // email and メールアドレス alike
		case len(best) == 0 || r < rank:
			best, rank = []int{i}, r
		case r == rank:
			best = append(best, i)
		}
	}
	switch {
	case len(best) == 0:
		return nil, nil
	case len(best) == 1:
		return best, nil
	}
	if numbered, ok := byNumber(header, best); ok {
		return numbered, nil
	}
	return nil, fmt.Errorf("two email columns, %q and %q: keep one", header[best[0]], header[best[1]])
}

// emailRank is event.EmailKeyRank of a column's name as Header reads it,
// and of a plain email name numbered (Email 1, email_1, E-mail 2,
// Eメール1, メールアドレス１: numbered as Sansan's e-mail(1)) the rank of
// any name that holds an email's (3), as メールアドレス1's always was: a
// numbered column is the person's when it is the list's only email
// column or the one numbered 1 of one name numbered, and a plain name
// beside it (email) is the person's before it.
func emailRank(h string) int {
	k := Header(h)
	if r := event.EmailKeyRank(k); r > 0 {
		return r
	}
	if base, _, ok := numberedName(h); ok && base != "" && event.EmailKeyRank(base) > 0 {
		return 3
	}
	return 0
}

// IsEmailColumn reports whether a column's name names an email, the
// person's or another's (担当者メールアドレス, Email 2): such a column is no
// attribute of the person.
func IsEmailColumn(h string) bool { return emailRank(h) > 0 }

// numberedName is a column's name (as Header reads it) without a number
// at its end, bracketed or not (メールアドレス1, e-mail(2), Email 1), and
// the number; ok false for a name without one.
func numberedName(h string) (base string, n int, ok bool) {
	k := Header(h)
	inner := k
	if t, found := strings.CutSuffix(k, ")"); found {
		if i := strings.LastIndexByte(t, '('); i > 0 {
			inner = t[i+1:]
			k = t[:i]
		}
	}
	digits := len(inner)
	for digits > 0 && inner[digits-1] >= '0' && inner[digits-1] <= '9' {
		digits--
	}
	if digits == len(inner) || len(inner)-digits > 2 || inner != k && digits != 0 {
		return "", 0, false
	}
	n, _ = strconv.Atoi(inner[digits:])
	if inner == k {
		k = k[:digits]
	}
	return strings.TrimRight(k, " _-"), n, true
}

// byNumber is cols in the order of their numbers when they are one name
// numbered (メールアドレス1, メールアドレス2), each number once, one of
// them 1.
func byNumber(header []string, cols []int) ([]int, bool) {
	base, number, one := "", map[int]int{}, false
	for _, c := range cols {
		b, n, ok := numberedName(header[c])
		if !ok || b == "" || base != "" && b != base || slices.Contains(slices.Collect(maps.Values(number)), n) {
			return nil, false
		}
		base, number[c], one = b, n, one || n == 1
	}
	if !one {
		return nil, false
	}
	sorted := slices.Clone(cols)
	slices.SortFunc(sorted, func(a, b int) int { return number[a] - number[b] })
	return sorted, true
}

// requiredMarks are the marks of a required column, NFKC and lower-cased
// (（必須） is (必須), ［必須］ is [必須], ＊ is *): the longer first, so
// ※必須 goes whole.
var requiredMarks = []string{"(必須)", "【必須】", "[必須]", "<必須>", "※必須", "(required)", "[required]", "*", "※"}

// NewReader returns a CSV reader on decoded text, as every import reads:
// rows may have any number of fields (each import says what a short or
// long row means), quotes must be well-formed.
func NewReader(text []byte) *csv.Reader {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	return cr
}

// ReadHeader reads a list's header: its first record that is not Blank.
// A sheet whose table starts below an empty first row is saved by Excel
// with ",,,," lines above the header, which are skipped as the empty rows
// below it are; io.EOF when the file has no other record. Rows (nil: none)
// counts the records read, for the rows after them.
func ReadHeader(cr *csv.Reader, rows *Rows) ([]string, error) {
	for {
		rec, err := cr.Read()
		if err != nil {
			return rec, err
		}
		if rows != nil {
			line, _ := cr.FieldPos(0)
			rows.Row(line, rec)
		}
		if !Blank(rec) {
			return rec, nil
		}
	}
}

// Rows numbers a list's records as a spreadsheet numbers its rows, which is
// where a marketer looks for the row an error names: a record's first line
// in the file, less the line breaks inside the cells above it (a header
// wrapped as メール⏎アドレス, an address typed with Alt+Enter), each of which
// is one more line of the file but no row of the sheet.
type Rows struct{ wrapped int }

// Row returns the row of rec, read starting at line of the file (the
// reader's FieldPos(0)), and counts its line breaks for the rows after it.
// Call it for every record in order, the header and blank ones included.
func (n *Rows) Row(line int, rec []string) int {
	row := line - n.wrapped
	for _, f := range rec {
		n.wrapped += strings.Count(f, "\n")
	}
	return row
}

// TrimExtra returns rec without its empty cells past the header's n: a
// row Excel (or another tool) padded with empty cells further right than
// the header goes ("taro@example.jp,山田,," under "email,氏名") has no
// more fields than the header, and was refused as if a comma had shifted
// its columns. A row with a value past the header's keeps its cells.
func TrimExtra(rec []string, n int) []string {
	for len(rec) > n && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

// Blank reports a row without a value in any field: an empty line, or
// what Excel writes for an empty row inside a sheet's used range (",,,,").
// Imports skip it as a blank line: no row to report or count.
func Blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// firstInvalidUTF8 is the 1-based line of the first byte that is not
// UTF-8, or 0.
func firstInvalidUTF8(b []byte) int {
	for i, line := range bytes.SplitAfter(b, []byte("\n")) {
		if !utf8.Valid(line) {
			return i + 1
		}
	}
	return 0
}

// hasWide reports a character of three or more UTF-8 bytes (kana, kanji,
// full-width forms): a line of CP932 text is practically never valid UTF-8
// with one, a UTF-8 Japanese line always has one.
func hasWide(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r >= 0x800 {
			return true
		}
		b = b[size:]
	}
	return false
}

// clean reports text without replacement characters or control characters
// other than tab and line ends (0x80 decodes as U+0080: not text either).
func clean(s []byte) bool {
	for _, r := range string(s) {
		if r == utf8.RuneError || r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r >= 0x7f && r < 0xa0 {
			return false
		}
	}
	return true
}

// Table is where a list's table was found in its file (see FindHeader).
type Table struct {
	Header []string
	Row    int // the header's row, as a spreadsheet numbers it
	// Skipped counts the non-blank rows above the header that are no
	// part of the table: a report's title lines, its summary, the
	// sections before the one listed (Zoom's hosts and panelists).
	Skipped int
	// Sections are the titles of the sections skipped whole, as the file
	// has them (ホストの詳細, Panelist Details).
	Sections []string
	// Found is false when no row was a header: Header and Row are then
	// the first non-blank row's, for the import to say how the file
	// starts, and Skipped counts every non-blank row.
	Found bool
	// Above are the records read before the header (all of them when
	// none is found), blank ones (",,,,") too, each with its row: a
	// report's summary is read from them (Zoom's topic and start time),
	// and a list written back keeps them above its table.
	Above []Record
	// Below are the records FindHeader read below the header deciding
	// it was one (a one-column list's first rows); Read returns them
	// first.
	Below []Record
	err   error // met reading Below's last, returned by Read after it
	// Repeated are the rows below the header that were the header again
	// (two exports pasted one under the other), which Read skips.
	Repeated []Repeat
	// order is the header's columns' places in the rows Read returns
	// since a repeated header in another order (nil: as read).
	order []int
	width int // the repeated header's cells, past which a row's are extra
	// Titles are the title lines of a second export pasted below the
	// first (来場者リスト 2026/11/20 出力: one cell filled, no address)
	// just above its repeated header, which Read skips with it.
	Titles []Record
	// Key, when set, names a column's meaning (the import's known
	// columns: 氏名 and name are "name", イベント名 and event "event"; ""
	// for a name it does not know): a repeated header naming a column
	// another way than the header (会社名 for company) is the header
	// again. The person's email column is matched by its place among
	// the email columns whatever its name (メールアドレス, then E-mail).
	Key func(string) string
}

// Repeat is a repeated header Read skipped: its row, and whether its
// columns were in another order than the header's (the rows below it are
// then read by its order).
type Repeat struct {
	Row       int  `json:"row"`
	Reordered bool `json:"reordered"`
}

// Record is a record of a file and its row, as a spreadsheet numbers it.
type Record struct {
	Row    int
	Fields []string
}

// FindHeader reads a list's header: the first row isHeader accepts (it
// names the columns the import needs, an email column), with everything
// above it skipped. A webinar report (Zoom's 出席者レポート / Attendee
// Report) has title lines, a summary table and one table per role above
// its attendees, each under a title row (ホストの詳細, パネリストの詳細,
// 出席者の詳細): the hosts' and panelists' tables name an email column
// too, but list no attendee, and are skipped whole. Rows that hold one
// cell are titles (one may read メールアドレス一覧), unless the cell names
// a column ending in the email's name (email, メールアドレス, PCメールアドレス,
// E-mail(会社)): a one-column list's header, or a subtitle that happens to
// end so (出席者のメールアドレス, Attendee email, Send the follow-up
// email). Such a row is held and the rows below decide: a row of several
// cells isHeader accepts is the header (the one-cell row was a subtitle);
// a row holding an address, or a one-cell row with an @ (an address
// mistyped, reported by the import), confirms it; another such one-cell
// row is held instead; a section listing no attendee (ホストの詳細) drops
// it. Other rows (（未記入）, "-", a date line) decide nothing: they are
// the list's first rows, reported by the import, unless a header follows.
// A held row at the end of the file is the header. isHeader's error (two
// email columns) is the file's.
//
// Deciding reads the row below a one-cell header: it is in Below, and the
// import reads the rows with Table.Read, which returns it first.
//
// Rows (nil: none) counts the records read, as ReadHeader's does; io.EOF
// when the file has no non-blank record.
func FindHeader(cr *csv.Reader, rows *Rows, isHeader func([]string) (bool, error)) (Table, error) {
	if rows == nil {
		rows = &Rows{}
	}
	var t Table
	var first []string
	firstRow, nonBlank := 0, 0
	section := "" // the title of the section being read (Header form)
	// held is the table as it stands if the held one-cell row is the
	// header, with the blank rows read below it; nil when none is held.
	var held *Table
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			if held != nil {
				return *held, nil
			}
			if first == nil {
				return t, io.EOF
			}
			return Table{Header: first, Row: firstRow, Skipped: nonBlank, Above: t.Above}, nil
		}
		if err != nil {
			if held != nil {
				// A quoting error in the first row of a one-column list:
				// the import reports it where it reads that row.
				held.err = err
				return *held, nil
			}
			return t, err
		}
		line, _ := cr.FieldPos(0)
		row := rows.Row(line, rec)
		if Blank(rec) {
			t.Above = append(t.Above, Record{row, rec})
			if held != nil {
				held.Below = append(held.Below, Record{row, rec})
			}
			continue
		}
		nonBlank++
		if first == nil {
			first, firstRow = rec, row
		}
		title, oneCell := Title(rec)
		if held != nil && (holdsAddress(rec) || oneCell && strings.Contains(title, "@")) {
			held.Below = append(held.Below, Record{row, rec})
			return *held, nil
		}
		if oneCell && endsInEmail(title) && listsAttendees(section) {
			ok, err := isHeader(rec)
			if err != nil {
				return t, err
			}
			if ok {
				// Hold it; should it be a subtitle after all, it is
				// a title as any other (t goes on as if it were).
				held = &Table{Header: rec, Row: row, Found: true, Skipped: t.Skipped,
					Sections: slices.Clone(t.Sections), Above: slices.Clone(t.Above)}
				section = Header(title)
				t.Above = append(t.Above, Record{row, rec})
				t.Skipped++
				continue
			}
		}
		// Any other one-cell row stays below a held header (a list's
		// first row may be （未記入） or "-", reported by the import),
		// where a header of several cells further down overrides it. A
		// row of several cells holding no address is no row of a
		// one-column list: the held row was a subtitle (a report's
		// summary table follows it).
		if held != nil && oneCell {
			held.Below = append(held.Below, Record{row, rec})
		} else if held != nil {
			held = nil
		}
		if oneCell && nonBlank > 1 && !endsInEmail(title) {
			section = Header(title)
			if !listsAttendees(section) {
				// A report's hosts' table: the held row was the
				// report's subtitle, and that table's addresses
				// confirm nothing.
				held = nil
				t.Sections = append(t.Sections, strings.TrimSpace(title))
			}
			t.Above = append(t.Above, Record{row, rec})
			t.Skipped++
			continue
		}
		// A first row of one cell not ending in the email's name
		// (メールアドレス一覧) is a title too: it is checked here only
		// for isHeader's error (tab-separated columns are one cell).
		if listsAttendees(section) {
			ok, err := isHeader(rec)
			if err != nil {
				return t, err
			}
			if ok && !oneCell {
				t.Header, t.Row, t.Found = rec, row, true
				return t, nil
			}
		}
		t.Above = append(t.Above, Record{row, rec})
		t.Skipped++
	}
}

// Read returns the next record below the header and its row, as a
// spreadsheet numbers it: first those FindHeader read past the header
// (Below), then cr's, counted by rows (nil: the line is the row).
//
// A row that is the header again (the same names, width-folded and
// lower-cased as Header reads them, a BOM or an invisible character
// aside, in any order, its empty cells and any of the header's columns
// it leaves out aside) is skipped and counted in Repeated: two exports
// pasted one under the other repeat theirs, and its row was refused as
// an address that is none. When its names are in another order, the
// rows below it are read by that order: Read returns them in the
// header's order (a row's cells past the repeated header's stay after
// the header's, as extra cells).
//
// Title lines of the second export (one cell filled, no address: 来場者リスト
// 2026/11/20 出力) just above its repeated header, blank lines aside, are
// skipped with it and counted in Titles; such a line not followed by a
// header is a row, the import's to report.
func (t *Table) Read(cr *csv.Reader, rows *Rows) ([]string, int, error) {
	for {
		rec, row, err := t.read(cr, rows)
		if err != nil || !t.Found {
			return rec, row, err
		}
		order, ok := t.repeatedHeader(rec)
		if !ok && titleLine(rec) {
			if titles, ok := t.titlesAbove(cr, rows, Record{row, rec}); ok {
				t.Titles = append(t.Titles, titles...)
				continue // the repeated header is next, in Below
			}
		}
		if !ok {
			return t.reorder(rec), row, nil
		}
		reordered := false
		for i, j := range order {
			// A column the header leaves unnamed (Excel's trailing ",,")
			// is where it was.
			reordered = reordered || j != i && Header(t.Header[i]) != ""
		}
		t.Repeated = append(t.Repeated, Repeat{Row: row, Reordered: reordered})
		if t.order, t.width = nil, 0; reordered {
			t.order, t.width = order, len(rec)
		}
	}
}

// titleLine reports a line that may be the title of a pasted export: one
// cell filled, holding no address, and not a report's section that ends
// its table (EndsTable: Zoom's Other Attended, whose rows are no
// attendees whatever header follows it).
func titleLine(rec []string) bool {
	if EndsTable(rec) {
		return false
	}
	filled := 0
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			filled++
		}
	}
	return filled == 1 && !holdsAddress(rec)
}

// titlesAbove reads on from a title line (first) past further title lines
// and blank ones: when a repeated header follows, they are the pasted
// export's titles (returned, the header left in Below for Read); otherwise
// every record read goes back to Below, to be read as rows, and ok is
// false. A one-column list's rows are one cell each: its title lines are
// its rows unless a header follows them.
func (t *Table) titlesAbove(cr *csv.Reader, rows *Rows, first Record) ([]Record, bool) {
	read := []Record{}
	for {
		rec, row, err := t.read(cr, rows)
		if err != nil {
			if err != io.EOF {
				t.err = err // after the rows read, as Read met it
			}
			t.Below = append(read, t.Below...)
			return nil, false
		}
		read = append(read, Record{row, rec})
		_, header := t.repeatedHeader(rec)
		if !header && (Blank(rec) || titleLine(rec)) {
			continue
		}
		t.Below = append(read, t.Below...)
		if !header {
			return nil, false
		}
		titles := []Record{first}
		for _, r := range read[:len(read)-1] {
			if !Blank(r.Fields) {
				titles = append(titles, r)
			}
		}
		t.Below = t.Below[len(read)-1:] // the header, then what was below it
		return titles, true
	}
}

// repeatedHeader reports whether rec is the header again, and where each
// of the header's columns is in it (-1: not in it). Its names are the
// header's as Header reads them, or of one meaning (Key); its email
// columns are the header's in their order whatever their names (a second
// export's E-mail under the first's メールアドレス).
func (t *Table) repeatedHeader(rec []string) ([]int, bool) {
	if Blank(rec) || len(t.Header) == 0 {
		return nil, false
	}
	recEmails, err := EmailColumns(rec)
	if len(recEmails) == 0 || err != nil || holdsAddress(rec) {
		return nil, false
	}
	order := make([]int, len(t.Header))
	for i := range order {
		order[i] = -1
	}
	// The email columns by their place, when each of rec's is a column's
	// name (E-mail, Eメール, PCメールアドレス), not a title going on after
	// it (配信先メールアドレス一覧).
	named := 0
	if emails, _ := EmailColumns(t.Header); len(emails) == len(recEmails) && !slices.ContainsFunc(recEmails, func(j int) bool { return !endsInEmail(rec[j]) }) {
		for n, j := range recEmails {
			order[emails[n]] = j
			named++
		}
	}
	key := func(h string) string {
		if t.Key == nil {
			return ""
		}
		return t.Key(h)
	}
	for j, f := range rec {
		k := Header(f)
		if k == "" || slices.Contains(order, j) {
			continue
		}
		i := -1
		for _, same := range []func(h string) bool{
			func(h string) bool { return Header(h) == k },
			func(h string) bool { m := key(f); return m != "" && key(h) == m },
		} {
			// The header's first such column not placed yet (a name
			// the header has twice: its next).
			for c, h := range t.Header {
				if order[c] < 0 && same(h) {
					i = c
					break
				}
			}
			if i >= 0 {
				break
			}
		}
		if i < 0 {
			return nil, false // a name the header has not: another list's
		}
		order[i] = j
		named++
	}
	return order, named > 0
}

// reorder returns rec in the header's order, as the last repeated header
// read places its columns.
func (t *Table) reorder(rec []string) []string {
	if t.order == nil {
		return rec
	}
	out := make([]string, len(t.Header), len(t.Header)+max(len(rec)-t.width, 0))
	for i, j := range t.order {
		if j >= 0 && j < len(rec) {
			out[i] = rec[j]
		}
	}
	if len(rec) > t.width {
		out = append(out, rec[t.width:]...)
	}
	return out
}

func (t *Table) read(cr *csv.Reader, rows *Rows) ([]string, int, error) {
	if len(t.Below) > 0 {
		r := t.Below[0]
		t.Below = t.Below[1:]
		return r.Fields, r.Row, nil
	}
	if err := t.err; err != nil {
		t.err = nil
		return nil, 0, err
	}
	rec, err := cr.Read()
	if err != nil {
		return rec, 0, err
	}
	line, _ := cr.FieldPos(0)
	if rows == nil {
		return rec, line, nil
	}
	return rec, rows.Row(line, rec), nil
}

// holdsAddress reports a cell holding an email address (without the
// apostrophe that keeps a cell text in Excel, the one Baton's own files
// put before "@0.0" or "=x").
func holdsAddress(rec []string) bool {
	for _, f := range rec {
		f = strings.TrimPrefix(f, "'")
		if strings.Contains(f, "@") {
			if _, err := event.NormalizeEmail(f); err == nil {
				return true
			}
		}
	}
	return false
}

// plainEmail reports whether a cell names the email column plainly (email,
// メールアドレス; not 配信先メールアドレス一覧): the one cell of a
// one-column list's header, never a title's.
func plainEmail(cell string) bool {
	r := event.EmailKeyRank(Header(cell))
	return r == 1 || r == 2
}

// endsInEmail reports whether a cell is a column's name that ends in the
// email's (PCメールアドレス, work_email, E-mail(会社)), not a title that
// goes on after it (メールアドレス一覧, 配信先メールアドレスリスト).
func endsInEmail(cell string) bool {
	k := Header(cell)
	if i := strings.IndexAny(k, "(（"); i > 0 {
		k = strings.TrimSpace(k[:i]) // a qualifier in brackets: メール（勤務先）
	}
	if plainEmail(k) {
		return true
	}
	if base, _, ok := numberedName(k); ok && base != "" && plainEmail(base) {
		return true // Email 1
	}
	for _, end := range []string{"email", "_mail", "メールアドレス", "電子メール"} {
		if strings.HasSuffix(k, end) {
			return true
		}
	}
	return false
}

// EmailHeader is FindHeader's isHeader for a list of people: a row naming
// an email column (EmailColumn: its error, two email columns, is the
// file's) and holding no address. A row holding one is a person's,
// whatever another cell says (連絡方法: メール): a header names columns.
func EmailHeader(rec []string) (bool, error) {
	col, err := EmailColumn(rec)
	if col < 0 || err != nil {
		return false, err
	}
	// Without the apostrophe that keeps a cell text in Excel: "'@0.0"
	// would read as an address, and a list Baton wrote had no header.
	return !holdsAddress(rec), nil
}

// Title returns the text of a title row: one cell filled, the first (a
// report's 出席者の詳細, which Excel pads with commas: "Host Details,,,,").
func Title(rec []string) (string, bool) {
	if len(rec) == 0 || strings.TrimSpace(rec[0]) == "" {
		return "", false
	}
	for _, f := range rec[1:] {
		if strings.TrimSpace(f) != "" {
			return "", false
		}
	}
	return rec[0], true
}

// otherSections are the titles (Header form) of a webinar report's
// sections that list no attendee: Zoom's, in English and Japanese.
// その他の出席者 is taken for Other Attended's Japanese (people who joined
// without registering, with no email).
var otherSections = []string{
	"host details", "panelist details", "other attended",
	"ホストの詳細", "パネリストの詳細", "その他の出席者",
}

// listsAttendees reports whether a section with this title (Header form;
// "" before any) is one whose rows may be the list.
func listsAttendees(section string) bool {
	for _, s := range otherSections {
		if section == s {
			return false
		}
	}
	return true
}

// EndsTable reports a row that ends a report's table: the title of a
// section that lists no attendee (Zoom's Other Attended after its
// attendees). Its rows are no attendees and are not read.
func EndsTable(rec []string) bool {
	title, ok := Title(rec)
	return ok && !listsAttendees(Header(title))
}
