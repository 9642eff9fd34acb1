// Package recipientcsv adds a baton_token column to a marketer's recipient
// list: the CSV goes in as exported from any email service or Excel, and
// comes out the same with one more column to use as a merge field.
package recipientcsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/baton-hq/baton/internal/csvin"
	"github.com/baton-hq/baton/internal/csvout"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/textcut"
)

// Limits. MaxRows is what one request can mint and still answer: a row
// costs about 3 store requests (4 for a known person with attributes), 16
// rows at a time, so 5,000 rows are some 6 s on DynamoDB, well inside API
// Gateway's 30 s, and inside the local stack's 60 s WriteTimeout (bbolt
// writes one at a time); 100,000 were neither.
const (
	MaxBytes = 20 << 20
	MaxRows  = 5_000
)

// TokenColumn is the column added (or refilled when present).
const TokenColumn = "baton_token"

// Row is one recipient.
type Row struct {
	Line   int
	Email  string            // normalised
	Fields map[string]string // the other columns, by header
}

// RowError says why a row got no token: a row has at most one, so
// Result.Minted and len(Result.Errors) add up to the list's rows.
type RowError struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Result summarises a run.
type Result struct {
	// Minted counts the recipients given a token: distinct addresses, as
	// normalised. An address on several rows (dup@, DUP@, " dup@ ") is
	// one person with one token: counted by its rows, one person was 3
	// recipients in the campaign's report.
	Minted int `json:"minted"`
	// Duplicates counts the rows given a token whose address an earlier
	// row has (their token is that row's): Minted, Duplicates and
	// len(Errors) add up to the list's rows.
	Duplicates int        `json:"duplicates"`
	Errors     []RowError `json:"errors"`
	// Addresses are the Minted addresses, in the list's order: what the
	// list is, whatever its bytes (the campaign counts a list by them).
	Addresses []string `json:"-"`
	// HeaderRow is the header's row in the list uploaded, as a
	// spreadsheet numbers it: 1 unless rows were above it.
	HeaderRow int `json:"headerRow"`
	// Dropped are the non-blank rows above the header (a list's title, the
	// date it was exported), left out of the file that goes back: an
	// email tool reads that file's first row as its header.
	Dropped []csvin.Record `json:"-"`
	// RepeatedHeaders are the rows below the header that were the header
	// again (two exports pasted together), left out of the file that goes
	// back; the rows below one in another column order are read, and
	// written back, in the header's.
	RepeatedHeaders []csvin.Repeat `json:"repeatedHeaders"`
	// PastedTitles are the rows of the title lines just above a repeated
	// header (a second export's 配信リスト 12月号: one cell filled, no
	// address), left out with it.
	PastedTitles []int `json:"pastedTitles"`
	// Restored are the cells whose leading zero Excel had dropped, given
	// back in what is stored of the person (Options.Japan): the file that
	// goes back keeps them as uploaded.
	Restored []identity.Restored `json:"restored"`
}

// Options shape the list that goes back to a person.
type Options struct {
	// ReasonColumn, when set, names a column added after the others to the
	// file of a list that had row problems, each problem said in its row
	// (by Say): a marketer who downloads the file from the page sees why a
	// row has no token where the row is. A list without problems keeps
	// its columns.
	ReasonColumn string
	// ReasonNames are the reason column's names in every language: a
	// list downloaded with reasons, fixed and uploaded again, has that
	// column refilled in place (emptied without problems), never taken as
	// the people's attributes. This holds with ReasonColumn empty too (a
	// client that reads the reasons elsewhere): no column is added, but
	// the one the list has is still the reasons'.
	ReasonNames []string
	Say         func(RowError) string // nil: "line N: reason"
	// CRLF writes Excel's line ends whatever the upload's were.
	CRLF bool
	// Parallel is how many rows are minted at once (0 or 1: one after
	// another); mint must then be safe to call concurrently. On DynamoDB
	// a row is several requests: one after another, a list of a few
	// thousand rows outlasted API Gateway's 30 s.
	Parallel int
	// Japan: the team is Japanese, and its list's numbers Japanese ones:
	// the leading zero Excel dropped from a phone number or a postal code
	// (312345678, 600001) is given back in the row's fields where it can
	// only be one (identity.RestoreZeros), and said in Result.Restored.
	Japan bool
}

// Mint reads a CSV with a header row, calls mint for each row with a valid
// email, and writes the same CSV with the token column. Rows without a
// valid email (or with more fields than the header: its columns may be
// shifted) keep their place with an empty token and are reported, so the
// marketer sees every recipient and what went wrong. The list may be UTF-8
// (with or without a BOM), Shift_JIS or EUC-JP (see csvin); the answer is UTF-8 with
// a BOM, CRLF line ends are kept. The answer starts with the header: rows
// above it are left out (Result.Dropped), rows' errors name their rows in
// the list uploaded.
func Mint(r io.Reader, w io.Writer, mint func(Row) (string, error)) (Result, error) {
	return MintWith(r, w, mint, Options{})
}

// MintWith is Mint with Options.
func MintWith(r io.Reader, w io.Writer, mint func(Row) (string, error), opts Options) (Result, error) {
	data, _, err := csvin.Read(r, MaxBytes)
	if err != nil {
		return Result{}, err
	}
	crlf := opts.CRLF || bytes.Contains(data, []byte("\r\n"))
	cr := csvin.NewReader(data)
	var sheet csvin.Rows
	// The header is the first row naming an email column, as an offline
	// touch list's: a list exported with its title and date above it was
	// refused ("no email column: the header has "11月号 配信リスト"").
	tab, err := csvin.FindHeader(cr, &sheet, csvin.EmailHeader)
	if err == io.EOF {
		return Result{}, errors.New("the CSV is empty")
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Result{}, fmt.Errorf("header: %w", err)
	}
	if err != nil {
		return Result{}, err // two email columns: which is the recipient's is not ours to guess
	}
	header := tab.Header
	// A repeated header naming a column another way (会社 under 会社名)
	// is the header again.
	tab.Key = func(h string) string { a, _ := identity.FieldAttribute(h); return a }
	res := Result{Errors: []RowError{}, HeaderRow: tab.Row, Restored: []identity.Restored{}}
	if !tab.Found {
		if _, title := csvin.Title(header); title && tab.Skipped > 1 {
			return Result{}, fmt.Errorf("no email column: no row names one (email, メールアドレス ...); the first row is %s", csvin.Names(header))
		}
		return Result{}, fmt.Errorf("no email column: the header has %s; name one of them email or メールアドレス", csvin.Names(header))
	}
	emailCols, _ := csvin.EmailColumns(header) // FindHeader's check: one at least
	tokenCol, reasonCol := -1, -1
	reasonNames := map[string]bool{}
	for _, n := range append([]string{opts.ReasonColumn}, opts.ReasonNames...) {
		if n != "" {
			reasonNames[csvin.Header(n)] = true
		}
	}
	for i, h := range header {
		n := csvin.Header(h)
		if reasonCol < 0 && reasonNames[n] {
			reasonCol = i
		}
		if n == TokenColumn {
			tokenCol = i
		}
	}
	out := header
	if tokenCol < 0 {
		tokenCol = len(header)
		out = append(append([]string{}, header...), TokenColumn)
	}
	// The rows are kept until the end: whether the reason column is added
	// is known only then, and their tokens are minted together.
	type outRow struct {
		cells, extra []string // extra: fields beyond the header's
		reason       *RowError
		mint         int // its index in mints; -1: refused before
	}
	var rows []outRow
	var mints []Row
	for n := 0; ; {
		rec, line, err := tab.Read(cr, &sheet) // the row in Excel, where the marketer fixes it
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return res, fmt.Errorf("line %d: %v", pe.Line, pe.Err)
			}
			return res, err
		}
		if csvin.Blank(rec) {
			continue // a blank line, or Excel's empty row (",,,"): no recipient
		}
		if n++; n > MaxRows {
			return res, fmt.Errorf("more than %d recipients: split the list, and upload the parts after the first as further parts of the send (add=1)", MaxRows)
		}
		rec = csvin.TrimExtra(rec, len(header)) // Excel's empty cells past the header's: no fields more
		// Numbered (e-mail(1), e-mail(2)): the first filled, the one
		// numbered 1 when it is.
		emailCol := emailCols[0]
		for _, c := range emailCols {
			if c < len(rec) && strings.TrimSpace(rec[c]) != "" {
				emailCol = c
				break
			}
		}
		row := outRow{cells: make([]string, len(out)), mint: -1}
		copy(row.cells, rec[:min(len(rec), len(header))])
		reason := ""
		switch {
		case len(rec) > len(header):
			// Refused, not minted: a field more than the header has is
			// likely an unquoted comma, and the columns after it (the email's
			// among them) may be shifted. Its fields are kept after the
			// token, to be fixed in place.
			row.extra = rec[len(header):]
			reason = fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))
		case emailCol >= len(rec) || strings.TrimSpace(rec[emailCol]) == "":
			reason = "no email field"
		default:
			email, err := event.NormalizeEmail(rec[emailCol])
			if err != nil {
				reason = fmt.Sprintf("%q is not an email address", textcut.Excerpt(rec[emailCol], 200)) // bounded: a cell of megabytes came back whole
				break
			}
			// The address the token was made for, which a mail service
			// can send to (hanako＠example.co.jp, typed full-width, or
			// " hanako@example.co.jp" with spaces, it may refuse: the
			// token counted someone who never got the newsletter). Only
			// its case is kept as typed: compared after TrimSpace, a cell
			// with spaces (a full-width one too) came back as uploaded.
			if t := strings.TrimSpace(rec[emailCol]); strings.EqualFold(t, email) {
				row.cells[emailCol] = t
			} else {
				row.cells[emailCol] = email
			}
			fields := map[string]string{}
			for i, h := range header {
				if i < len(rec) && i != emailCol && i != tokenCol && i != reasonCol && rec[i] != "" {
					fields[h] = rec[i]
				}
			}
			if opts.Japan {
				for _, r := range identity.RestoreZeros(fields) {
					r.Line = line
					res.Restored = append(res.Restored, r)
				}
			}
			row.mint = len(mints)
			mints = append(mints, Row{Line: line, Email: email, Fields: fields})
		}
		if reason != "" {
			row.reason = &RowError{Line: line, Reason: reason}
		}
		if reasonCol >= 0 {
			row.cells[reasonCol] = "" // the previous download's, refilled below
		}
		rows = append(rows, row)
	}
	// A header repeated below the first (two lists pasted one under the
	// other) is no recipient: left out of the file that goes back, and
	// said (its rows below are in the header's order there).
	res.RepeatedHeaders = tab.Repeated
	for _, r := range tab.Titles {
		res.PastedTitles = append(res.PastedTitles, r.Row)
	}
	if len(rows) == 0 {
		// A header and nothing under it (the wrong sheet, an export of an
		// empty segment) is no list: taken, it replaced the campaign's
		// recipients with none, and the report said 0.
		return res, errors.New("no recipients: the list has its header and no row under it")
	}
	tokens, errs, err := mintAll(mints, mint, opts.Parallel)
	if err != nil {
		return res, err
	}
	seen := map[string]bool{}
	for i := range rows {
		row := &rows[i]
		row.cells[tokenCol] = "" // a token the upload had (a list uploaded again) is refilled
		if row.mint >= 0 {
			if err := errs[row.mint]; err != nil {
				row.reason = &RowError{Line: mints[row.mint].Line, Reason: err.Error()}
			} else {
				row.cells[tokenCol] = tokens[row.mint]
			}
		}
		switch {
		case row.reason != nil: // one reason a row: with Minted and Duplicates, len(Errors) counts the rows
			res.Errors = append(res.Errors, *row.reason)
		case seen[mints[row.mint].Email]:
			res.Duplicates++
		default:
			email := mints[row.mint].Email
			seen[email] = true
			res.Minted++
			res.Addresses = append(res.Addresses, email)
		}
	}
	if len(res.Restored) > 0 && len(res.Errors) > 0 {
		refused := map[int]bool{} // a row given no token (its person erased) restored nothing
		for _, e := range res.Errors {
			refused[e.Line] = true
		}
		res.Restored = slices.DeleteFunc(res.Restored, func(r identity.Restored) bool { return refused[r.Line] })
	}
	say := opts.Say
	if say == nil {
		say = func(e RowError) string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }
	}
	// The reason column the list has is refilled; one is added only when
	// asked for (ReasonColumn).
	reasons := len(res.Errors) > 0 && (opts.ReasonColumn != "" || reasonCol >= 0)
	if reasons && reasonCol < 0 {
		out = append(out[:len(out):len(out)], opts.ReasonColumn)
	}
	bw := bufio.NewWriter(w)
	cw := csvout.NewWriter(bw, crlf) // always a BOM, formula cells neutralised
	// The rows above the header are not written back: an email tool
	// takes the file's first row for its header, and a title there (once
	// kept so that each row stayed on its row) mapped every column wrong.
	for _, r := range tab.Above {
		if !csvin.Blank(r.Fields) {
			res.Dropped = append(res.Dropped, r)
		}
	}
	if err := cw.Write(out); err != nil {
		return res, err
	}
	for _, row := range rows {
		cells := row.cells
		if reasons {
			said := ""
			if row.reason != nil {
				said = say(*row.reason)
			}
			if reasonCol >= 0 {
				cells[reasonCol] = said
			} else {
				cells = append(cells, said)
			}
		}
		if err := cw.Write(append(cells, row.extra...)); err != nil {
			return res, err
		}
	}
	if err := cw.Flush(); err != nil {
		return res, err
	}
	return res, bw.Flush()
}

// mintAll calls mint for each row, parallel at once (one person's rows in
// the list's order, so their last row's columns win, as one after another),
// and returns each row's token and error by index; a mint that panicked
// fails the whole list (its stack is no row's reason).
func mintAll(rows []Row, mint func(Row) (string, error), parallel int) ([]string, []error, error) {
	tokens, errs := make([]string, len(rows)), make([]error, len(rows))
	err := fanout.Grouped(len(rows), parallel, func(i int) string { return rows[i].Email }, func(i int) { tokens[i], errs[i] = mint(rows[i]) })
	if p, ok := err.(*fanout.PanicError); ok {
		return nil, nil, fmt.Errorf("line %d: %w", rows[p.Index].Line, err)
	}
	return tokens, errs, err
}
