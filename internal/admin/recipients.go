package admin

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/recipientcsv"
	"github.com/baton-hq/baton/internal/token"
)

// Recipients mints recipient tokens for a campaign's list.
type Recipients struct {
	Dir     *identity.Directory
	Keyring *token.Keyring // nil: BATON_LINK_KEYS not configured
	Now     func() time.Time
	// FieldNames maps list columns to attributes as forms' fields are.
	FieldNames identity.FieldNames
	// Japan: the team is Japanese (config.File.Japanese): the leading
	// zero Excel dropped from a phone number or postal code is given back
	// (recipientcsv.Options.Japan).
	Japan bool
}

func (h *Handler) recipientRoutes(mux *http.ServeMux) {
	mux.Handle("POST /admin/recipients", h.require(ScopeWrite, csvBody, h.recipients))
}

// recipients takes a CSV (email plus any columns) and answers the same CSV
// with a baton_token column; the people are created as leads from the list.
// Row problems are reported in the X-Baton-Row-Errors header (JSON); the
// page's upload (uploadRecipients) says them in the file too.
func (h *Handler) recipients(w http.ResponseWriter, r *http.Request) {
	rc := h.Recipients
	if rc.Keyring == nil {
		httpx.Error(w, http.StatusServiceUnavailable, "recipient tokens need BATON_LINK_KEYS")
		return
	}
	q := r.URL.Query()
	campaign := q.Get("campaign")
	if !links.ValidCampaign(campaign) {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "query parameter campaign must be 1-64 of a-z 0-9 _ -", Field: "campaign"})
		return
	}
	auditID(w, campaign)
	// Only a registered campaign: tokens of a mistyped id match none of
	// the campaign's links, so the whole send's clicks and opens would
	// record nothing (and the typo would become a campaign of no links).
	if h.Links == nil {
		httpx.JSON(w, http.StatusNotFound, httpx.ErrorBody{Error: "no such campaign: " + campaign + " (no campaigns here: links are not configured)", Field: "campaign"})
		return
	}
	if _, err := h.Links.Campaign(r.Context(), campaign); errors.Is(err, links.ErrNotFound) {
		httpx.JSON(w, http.StatusNotFound, httpx.ErrorBody{Error: "no such campaign: " + campaign + " (register its links first: POST /admin/links)", Field: "campaign"})
		return
	} else if err != nil {
		h.fail(w, r, err)
		return
	}
	now := clock.Now()
	if rc.Now != nil {
		now = rc.Now()
	}
	body := http.MaxBytesReader(w, r.Body, h.maxUpload())
	add, ok := flag(q, "add")
	if !ok {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: "add must be 1 or 0", Field: "add"})
		return
	}
	out, res, count, err := h.mintList(r, campaign, body, add, now, recipientcsv.Options{})
	if err != nil {
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			auditResult(w, audit.ResultRefused, auditWhy["upload:large"])
			httpx.Error(w, http.StatusRequestEntityTooLarge, "the CSV is larger than "+megabytes(h.maxUpload())+" MB: split it and upload each part")
		case errors.As(err, new(listError)):
			auditResult(w, audit.ResultRefused, auditWhy["upload:unreadable"])
			httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: err.Error()})
		default:
			h.fail(w, r, err)
		}
		return
	}
	sendList(w, campaign, out, res, count)
}

// flag reads a yes-or-no query parameter: 1 or true, 0, false or absent;
// ok false for anything else.
func flag(q url.Values, name string) (on, ok bool) {
	switch q.Get(name) {
	case "1", "true":
		return true, true
	case "", "0", "false":
		return false, true
	}
	return false, false
}

// reasonColumnNames are the names, in every language, of the column the
// campaign page adds to a list with row problems (baton_error).
var reasonColumnNames = []string{"baton_error", ja["baton_error"]}

// mintParallel is how many rows of a list are minted at once: each is a
// few store requests (on DynamoDB, milliseconds each), and a list of
// thousands minted one row after another outlasted API Gateway's 30 s.
const mintParallel = 16

// listError is a list's own problem (unreadable, no email column...): a
// 400; any other error of mintList is the store's or the keyring's.
type listError struct{ error }

// mintList mints the list's tokens and counts them in the campaign's
// report. A row's own problem (a person erased, or who withdrew consent)
// is said in its row; a failure of the store or the keyring fails the
// upload, retried whole (minting is idempotent): never a list with rows
// missing their tokens.
//
// add: the list is a part of the send the campaign's earlier lists are
// (its count is added to theirs); else it replaces them. The count is what
// the list did to the send's (nil: no registry counts lists).
func (h *Handler) mintList(r *http.Request, campaign string, list io.Reader, add bool, now time.Time, opts recipientcsv.Options) ([]byte, recipientcsv.Result, *links.ListCount, error) {
	rc := h.Recipients
	var out bytes.Buffer
	var count *links.ListCount
	ctx, cancel := context.WithCancelCause(r.Context())
	defer cancel(nil)
	opts.Parallel = mintParallel
	opts.Japan = rc.Japan
	// Whichever way the list comes (the page, the API), the reason column
	// of a list downloaded from the page and uploaded again is the
	// reasons', refilled, never the people's attributes.
	opts.ReasonNames = reasonColumnNames
	res, err := recipientcsv.MintWith(list, &out, func(row recipientcsv.Row) (string, error) {
		if ctx.Err() != nil {
			return "", context.Cause(ctx)
		}
		tok, err := rc.mint(ctx, campaign, row, now)
		if err != nil && !errors.Is(err, errForgotten) && !errors.Is(err, errWithdrawn) {
			cancel(err) // the first failure stops the rest: the upload fails whole
		}
		return tok, err
	}, opts)
	if ctx.Err() != nil {
		return nil, res, nil, context.Cause(ctx)
	}
	if err != nil {
		var mbe *http.MaxBytesError
		var pe *fanout.PanicError
		if errors.As(err, &mbe) || errors.As(err, &pe) { // a panic minting a row is ours, not the list's: a 500, logged with its stack
			return nil, res, nil, err
		}
		return nil, res, nil, listError{err}
	}
	if l, ok := h.lister(); ok { // the campaign's report counts the list
		lc, err := l.ListMinted(r.Context(), campaign, listHash(res.Addresses), res.Addresses, add)
		if errors.Is(err, links.ErrInvalid) {
			return nil, res, nil, listError{err}
		}
		if err != nil {
			return nil, res, nil, err
		}
		count = &lc
	}
	return out.Bytes(), res, count, nil
}

// listHash is a list's identity as a part of a send: 64 bits of the
// SHA-256 of the addresses it gave a token, sorted. The same people
// uploaded again count once whatever the file's bytes: the list
// downloaded with its tokens, saved again by Excel, sorted otherwise or
// with an address repeated (hashed by its bytes, each was a new part and
// the send's recipients were doubled).
func listHash(addresses []string) string {
	sorted := slices.Sorted(slices.Values(addresses))
	sum := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return hex.EncodeToString(sum[:8])
}

// asciiJSON is v as JSON in ASCII alone, every other character escaped
// (\u5c71, a surrogate pair past U+FFFF): what a header can carry, since
// clients read header bytes as Latin-1 (fetch, Python's requests) and a
// Japanese reason came out as mojibake.
func asciiJSON(v any) string {
	b, _ := json.Marshal(v)
	var out strings.Builder
	for _, r := range string(b) { // non-ASCII is only ever inside a string
		switch {
		case r < utf8.RuneSelf:
			out.WriteRune(r)
		case r > 0xFFFF:
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, "\\u%04x\\u%04x", r1, r2)
		default:
			fmt.Fprintf(&out, "\\u%04x", r)
		}
	}
	return out.String()
}

// sendList answers the tokenised list as a download; the rows' problems
// are in X-Baton-Row-Errors (JSON) for API clients too.
func sendList(w http.ResponseWriter, campaign string, out []byte, res recipientcsv.Result, count *links.ListCount) {
	errs := asciiJSON(res.Errors)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	attachment(w, campaign+"-recipients.csv") // a list, of no period
	// Recipients (distinct addresses), and the rows whose address a row
	// above has: the same token, counted once.
	w.Header().Set("X-Baton-Minted", itoa(res.Minted))
	w.Header().Set("X-Baton-Duplicate-Rows", itoa(res.Duplicates))
	// The file starts with the header: the rows above it in the list (a
	// title, the date of the export) are left out, an email tool taking
	// the first row for the header. A row's line (X-Baton-Row-Errors) is
	// its row in the list uploaded.
	w.Header().Set("X-Baton-Header-Row", itoa(res.HeaderRow))
	w.Header().Set("X-Baton-Dropped-Rows", itoa(len(res.Dropped)))
	// The rows that were the header again (two lists pasted together),
	// left out too: their rows in the list uploaded, comma-separated.
	if len(res.RepeatedHeaders) > 0 {
		var rows []string
		for _, r := range res.RepeatedHeaders {
			rows = append(rows, itoa(r.Row))
		}
		w.Header().Set("X-Baton-Repeated-Header-Rows", strings.Join(rows, ","))
	}
	// The title lines just above such a header (the second list's), left
	// out with it.
	if len(res.PastedTitles) > 0 {
		var rows []string
		for _, r := range res.PastedTitles {
			rows = append(rows, itoa(r))
		}
		w.Header().Set("X-Baton-Pasted-Title-Rows", strings.Join(rows, ","))
	}
	// The count always: the list itself is left out of a header past what
	// proxies pass, and a client must still know rows were refused.
	w.Header().Set("X-Baton-Row-Error-Count", itoa(len(res.Errors)))
	if len(errs) < 8000 {
		w.Header().Set("X-Baton-Row-Errors", errs)
	}
	// The cells whose leading zero Excel dropped, given back in the
	// people stored (a Japanese team's list); the file keeps them as
	// uploaded.
	w.Header().Set("X-Baton-Restored-Count", itoa(len(res.Restored)))
	if restored := asciiJSON(res.Restored); len(res.Restored) > 0 && len(restored) < 8000 {
		w.Header().Set("X-Baton-Restored", restored)
	}
	// What the list did to the send's count (X-Baton-Minted alone read as
	// the send's growth: a part sharing people with another adds fewer).
	if count != nil {
		w.Header().Set("X-Baton-Send", asciiJSON(count))
	}
	w.WriteHeader(http.StatusOK)
	w.Write(out)
}

// Row errors: the person's own wish, said in their row (the wording of
// the offline touches' import).
var (
	errForgotten = errors.New("this person asked to be forgotten")
	errWithdrawn = errors.New("this person withdrew consent")
)

func (rc *Recipients) mint(ctx context.Context, campaign string, row recipientcsv.Row, now time.Time) (string, error) {
	// A person new to Baton is made with the row's attributes, in one
	// write; one who was there gets only those they have none of (Fill).
	known, custom := identity.SplitAttributes(row.Fields, rc.FieldNames)
	p, created, err := rc.Dir.EnsureWith(ctx, row.Email, "list:"+campaign, known, custom)
	if errors.Is(err, identity.ErrErased) {
		return "", errForgotten
	}
	if err != nil {
		return "", err
	}
	// A person who withdrew consent gets no token (their clicks would
	// record nobody) and keeps their attributes: the list writes nothing
	// of theirs.
	if !p.ConsentWithdrawn.IsZero() {
		return "", errWithdrawn
	}
	if !created && len(known)+len(custom) > 0 {
		if _, _, err := rc.Dir.Fill(ctx, p.ID, known, custom); err != nil {
			return "", err
		}
	}
	return rc.Keyring.Sign(token.Claims{PersonID: p.ID, Campaign: campaign, IssuedAt: now})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
