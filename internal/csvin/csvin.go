// Package csvin reads every CSV Baton is handed (recipient lists, offline
// touches): UTF-8 with or without a BOM, or Shift_JIS/CP932, what Japanese
// Excel writes by default ("CSV (コンマ区切り)"). The encoding is detected:
// valid UTF-8 is UTF-8; anything else is decoded as CP932 and accepted only
// when every byte decodes to a character. A file that is neither (or that
// mixes both, which decodes as CP932 without error but into mojibake) is
// refused naming its first bad line. What Baton writes back is always UTF-8
// with a BOM (package csvout).
package csvin

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/unicode/norm"
)

// Encodings reported by Decode.
const (
	UTF8     = "UTF-8"
	ShiftJIS = "Shift_JIS"
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
		return rest, UTF8, nil
	}
	if utf8.Valid(data) {
		return macLines(data), UTF8, nil
	}
	dec := japanese.ShiftJIS.NewDecoder()
	var out bytes.Buffer
	out.Grow(len(data) * 3 / 2)
	utf8Line := 0
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		n := i + 1
		if utf8.Valid(line) && hasWide(line) {
			// Japanese text in UTF-8 also "decodes" as CP932, into mojibake.
			if utf8Line == 0 {
				utf8Line = n
			}
			continue
		}
		s, err := dec.Bytes(line)
		if err != nil || !clean(s) {
			return nil, "", &Error{Line: n, Msg: "neither UTF-8 nor Shift_JIS (CP932); " + hint}
		}
		out.Write(s)
	}
	if utf8Line > 0 {
		bad := firstInvalidUTF8(data)
		return nil, "", &Error{Line: bad, Msg: fmt.Sprintf("this line is Shift_JIS but line %d is UTF-8: the file mixes encodings; %s", utf8Line, hint)}
	}
	return macLines(out.Bytes()), ShiftJIS, nil
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
// is EMAIL), trimmed and lower-cased, without the mark of a required
// column that Japanese templates add (メールアドレス（必須）, email*).
func Header(h string) string {
	h = strings.ToLower(strings.TrimSpace(norm.NFKC.String(h)))
	for _, mark := range []string{"(必須)", "(required)", "*", "※"} {
		h = strings.TrimSpace(strings.TrimSuffix(h, mark))
	}
	return h
}

// NewReader returns a CSV reader on decoded text, as every import reads:
// rows may have any number of fields (each import says what a short or
// long row means), quotes must be well-formed.
func NewReader(text []byte) *csv.Reader {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	return cr
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
