package push

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/sortkey"
	"github.com/baton-hq/baton/internal/table"
)

// Inbox is the built-in connector the local stack uses when no SFA is
// configured: leads land in the table, shown at /admin/mqls and /admin/inbox,
// so a newcomer sees the whole flow.
type Inbox struct {
	T table.Table
}

const inboxPK = "INBOX"

// Name implements Connector.
func (i *Inbox) Name() string { return "inbox" }

// Push stores the lead once per MQL.
func (i *Inbox) Push(ctx context.Context, l Lead) (string, error) {
	data, err := json.Marshal(l)
	if err != nil {
		return "", err
	}
	// Keyed by when it reached sales (sortkey's: leads of one second in
	// the order raised), then its MQL: a late batch's lead, dated days
	// back, is the newest handed over.
	sk := sortkey.Time(l.Raised()) + "#" + l.MQLID
	// On condition that the person was not erased since delivery began:
	// the lead names them. A failed condition is that, or the lead there
	// already (under its key of before sortkey, RFC 3339's, too: a
	// delivery retried across the change stores it once).
	ws := []table.Write{
		table.Put(table.Item{PK: inboxPK, SK: sk, Kind: KindInbox, Data: data}, table.NotExists),
		table.CheckOf(inboxPK, l.Raised().UTC().Format(time.RFC3339Nano)+"#"+l.MQLID, table.NotExists),
		privacy.NotErased(l.Email),
	}
	if !l.Raised().Equal(l.QualifiedAt) {
		// Stored under its qualifying time before the key was the raise's.
		ws = append(ws, table.CheckOf(inboxPK, sortkey.Time(l.QualifiedAt)+"#"+l.MQLID, table.NotExists))
	}
	err = i.T.Transact(ctx, ws)
	if err != nil && !errors.Is(err, table.ErrConditionFailed) {
		return "", err
	}
	return l.MQLID, nil
}

// List returns the inbox, newest first.
func (i *Inbox) List(ctx context.Context, limit int) ([]Lead, error) {
	leads, _, err := i.Page(ctx, "", limit)
	return leads, err
}

// Page returns up to limit leads handed over before the cursor (""
// : the newest), newest first, and the cursor of the next page ("" when
// there is none).
func (i *Inbox) Page(ctx context.Context, cursor string, limit int) ([]Lead, string, error) {
	// One more than the page, so that a next page is offered only when a
	// lead is left for it (an inbox of exactly a page linked to an empty
	// one, and the awaiting filter's count said "or more").
	n := limit
	if limit > 0 {
		n = limit + 1
	}
	items, err := i.T.Query(ctx, table.Query{PK: inboxPK, After: cursor, Reverse: true, Limit: n})
	if err != nil {
		return nil, "", err
	}
	next := ""
	if limit > 0 && len(items) > limit {
		items = items[:limit]
		next = items[limit-1].SK
	}
	out := []Lead{}
	for _, it := range items {
		var l Lead
		if err := json.Unmarshal(it.Data, &l); err != nil {
			return nil, "", err
		}
		l.inboxKey = it.SK
		out = append(out, l)
	}
	return out, next, nil
}

// InboxCursor is the cursor of the Page that follows l, a lead Page read
// (its entry's key, as stored: one stored before sortkey has its own).
func InboxCursor(l Lead) string { return l.inboxKey }

// ValidInboxCursor reports whether cursor is one Page gives: a lead's
// time (either spelling) and MQL id (anything else would start a page
// somewhere).
func ValidInboxCursor(cursor string) bool {
	at, id, ok := strings.Cut(cursor, "#")
	if _, err := sortkey.Parse(at); err != nil || !ok || id == "" {
		return false
	}
	return utf8.ValidString(id) && !strings.ContainsFunc(id, unicode.IsControl)
}
