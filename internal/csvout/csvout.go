// Package csvout writes every CSV Baton hands to people: UTF-8 with a BOM
// (so Excel, Japanese Excel included, reads it as UTF-8 instead of
// Shift_JIS mojibake) and with formula-like cells neutralised, so a value
// such as =HYPERLINK(...) that came in through a UTM parameter or a form
// cannot run as a formula in the spreadsheet that opens the file.
package csvout

import (
	"encoding/csv"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// BOM is the UTF-8 byte order mark.
const BOM = "\ufeff"

// Writer is a csv.Writer that writes the BOM first and neutralises cells.
type Writer struct {
	cw      *csv.Writer
	w       io.Writer
	started bool
	err     error
}

// NewWriter returns a Writer on w; crlf chooses Excel's line ends.
func NewWriter(w io.Writer, crlf bool) *Writer {
	cw := csv.NewWriter(w)
	cw.UseCRLF = crlf
	return &Writer{cw: cw, w: w}
}

// Write writes one record.
func (w *Writer) Write(rec []string) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.w, BOM); err != nil {
			w.err = err
			return err
		}
	}
	safe := make([]string, len(rec))
	for i, c := range rec {
		safe[i] = Cell(c)
	}
	w.err = w.cw.Write(safe)
	return w.err
}

// WriteAll writes the records and flushes.
func (w *Writer) WriteAll(recs [][]string) error {
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	return w.Flush()
}

// Flush writes buffered data (and the BOM of an empty file).
func (w *Writer) Flush() error {
	if w.err == nil && !w.started {
		w.started = true
		_, w.err = io.WriteString(w.w, BOM)
	}
	w.cw.Flush()
	if w.err != nil {
		return w.err
	}
	return w.cw.Error()
}

// Cell neutralises a value a spreadsheet would take for a formula (leading
// =, +, -, @, tab or carriage return) by prefixing an apostrophe, as OWASP
// advises; plain numbers (-5, +3.2) stay numbers, and so does what holds no
// name a formula could call (+81-90-1234-5678, "-" for none): a recipient
// list goes back to the email service, whose phone fields then began with
// an apostrophe.
//
// Full-width ＝, ＋, －, ＠ count as their ASCII forms: Japanese Excel reads
// a cell typed in full width as the half-width one (＝ＳＵＭ(Ａ１) is a
// formula there), and forms collect what Japanese IMEs type.
//
// A carriage return inside a cell becomes a line feed (Excel's line break
// in a cell): encoding/csv drops a lone CR from a field when it writes
// Excel's CRLF line ends, which joined the lines it parted ("\rト" came
// back "ト").
func Cell(s string) string {
	if s == "" {
		return s
	}
	if formulaStart(s) {
		s = "'" + s
	}
	if strings.ContainsRune(s, '\r') {
		s = cellBreaks.Replace(s)
	}
	return s
}

// formulaStart is whether s, read as a spreadsheet reads what is typed,
// begins a formula that names something to call.
func formulaStart(s string) bool {
	if s[0] >= 0x80 {
		if r, _ := utf8.DecodeRuneInString(s); !strings.ContainsRune("＝＋－＠", r) {
			return false
		}
		s = width.Fold.String(s)
	}
	return strings.ContainsRune("=+-@\t\r", rune(s[0])) && !number.MatchString(s) && !callsNothing.MatchString(s)
}

// crlf writes a cell's line breaks as line feeds: CRLF, and a lone CR.
var cellBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n")

// callsNothing is a + or - and then digits, spaces and arithmetic only: no
// letter, so no function, name or DDE command (cmd|...) to run.
var callsNothing = regexp.MustCompile(`^[+-][0-9 ()./+-]*$`)

// number is a plain decimal number (ParseFloat would also take Inf, NaN and
// hex floats, which a spreadsheet reads as names).
var number = regexp.MustCompile(`^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$`)
