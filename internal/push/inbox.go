package push

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
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
	// delivery retried across the change stores it once), or moved up by a
	// form since (its pointer: the raise's key is free then, and a retry
	// or replay would show a second card, which later forms would miss).
	ws := []table.Write{
		table.Put(table.Item{PK: inboxPK, SK: sk, Kind: KindInbox, Data: data}, table.NotExists),
		table.CheckOf(inboxPK, l.Raised().UTC().Format(time.RFC3339Nano)+"#"+l.MQLID, table.NotExists),
		table.CheckOf(inboxPK, inboxMovedSK(l.MQLID), table.NotExists),
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
	// A moved lead's pointer (inboxMovedSK) sorts below every lead: once
	// one is read, the leads have ended.
	if k := slices.IndexFunc(items, func(it table.Item) bool { return strings.HasPrefix(it.SK, inboxMovedPrefix) }); k >= 0 {
		items = items[:k]
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

// maxInboxReinquiries bounds the forms after the MQL an inbox lead keeps
// (Lead.Reinquiries): the latest are what a rep acts on, and the item
// stays far below DynamoDB's 400 KB.
const maxInboxReinquiries = 20

// inboxMovedPrefix begins the sort key of a moved lead's pointer
// (inboxMovedSK): "#" sorts below the digits every lead's key begins with,
// so the pointers sit after the oldest lead in Page's order.
const inboxMovedPrefix = "#MOVED#"

// inboxMovedSK is the key of the pointer to where an MQL's lead is now,
// once a form after the MQL moved it up (PushActivity), of kind
// KindInboxMoved: its data names the person by id alone (Forget finds it
// by that, and removes it with the lead; a disclosure shows it) and the
// lead's key.
func inboxMovedSK(mqlID string) string { return inboxMovedPrefix + mqlID }

type inboxMoved struct {
	MQLID    string `json:"mqlId"`
	PersonID string `json:"personId"`
	Key      string `json:"key"`
}

// errNoInboxLead is a re-inquiry whose MQL's lead the inbox does not hold
// (never handed to it, or removed).
var errNoInboxLead = errors.New("push: the inbox holds no lead of this MQL")

// PushActivity implements ActivityConnector for the inbox, which is sales'
// queue when no SFA is configured: the form is added to the MQL's lead
// (Lead.Reinquiries, once per activity id), and the lead moves up to the
// form's time, so that the card of a person who came back is seen among
// the newest (a lead never moves down); an attendance change is added to
// it (Lead.AttendanceChanges, addAttendance), where it is. Without the
// MQL's lead it is not taken (ErrNotTaken).
func (i *Inbox) PushActivity(ctx context.Context, a FormActivity) (string, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		err := i.addActivity(ctx, a)
		if errors.Is(err, errNoInboxLead) {
			return "", ErrNotTaken
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return "", err
		}
		// The lead changed meanwhile (another form, the person erased):
		// read it again; an erasure leaves nothing to add to.
		if gone, err := privacy.Erased(ctx, i.T, a.Email); err != nil || gone {
			return "", err
		}
	}
	return "", errors.New("inbox: too much contention on the lead")
}

// FindPerson implements ActivityFinder: the inbox holds the MQL's lead,
// whether or not its delivery was recorded (an MQL delivered before
// delivery records were kept).
func (i *Inbox) FindPerson(ctx context.Context, a FormActivity) (string, bool, error) {
	_, _, _, err := i.inboxLead(ctx, a)
	if errors.Is(err, errNoInboxLead) {
		return "", false, nil
	}
	return a.MQLID, err == nil, err
}

// inboxLead reads the MQL's lead where it is now: where its pointer says,
// else under the keys Push stores it at (the raise's, and the older
// spellings).
func (i *Inbox) inboxLead(ctx context.Context, a FormActivity) (lead table.Item, moved table.Item, hasMoved bool, err error) {
	moved, err = i.T.Get(ctx, inboxPK, inboxMovedSK(a.MQLID))
	var keys []string
	switch {
	case err == nil:
		var m inboxMoved
		if err := json.Unmarshal(moved.Data, &m); err != nil {
			return lead, moved, true, err
		}
		hasMoved, keys = true, []string{m.Key}
	case errors.Is(err, table.ErrNotFound):
		for _, t := range []time.Time{a.mqlRaised, a.mqlQualified} {
			if !t.IsZero() {
				keys = append(keys, sortkey.Time(t)+"#"+a.MQLID, t.UTC().Format(time.RFC3339Nano)+"#"+a.MQLID)
			}
		}
	default:
		return lead, moved, false, err
	}
	for _, k := range keys {
		lead, err = i.T.Get(ctx, inboxPK, k)
		if !errors.Is(err, table.ErrNotFound) {
			return lead, moved, hasMoved, err
		}
	}
	return lead, moved, hasMoved, errNoInboxLead
}

// addActivity is one attempt of PushActivity: ErrConditionFailed when the
// lead or its pointer changed since read, or its person was erased.
func (i *Inbox) addActivity(ctx context.Context, a FormActivity) error {
	it, moved, hasMoved, err := i.inboxLead(ctx, a)
	if err != nil {
		return err
	}
	var l Lead
	if err := json.Unmarshal(it.Data, &l); err != nil {
		return err
	}
	if a.Attendance != "" {
		return i.addAttendance(ctx, it, l, a)
	}
	if slices.ContainsFunc(l.Reinquiries, func(r FormActivity) bool { return r.ID == a.ID }) {
		return nil // added already: a retry, or the message handled twice
	}
	keep := a
	keep.Lang, keep.Sites, keep.MQLExternalID = "", nil, ""
	l.Reinquiries = append(l.Reinquiries, keep)
	slices.SortStableFunc(l.Reinquiries, func(x, y FormActivity) int { return y.At.Compare(x.At) })
	if len(l.Reinquiries) > maxInboxReinquiries {
		l.Reinquiries = l.Reinquiries[:maxInboxReinquiries]
	}
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	key := it.SK
	at, _, _ := strings.Cut(it.SK, "#")
	if cur, err := sortkey.Parse(at); err == nil && a.At.After(cur) {
		key = sortkey.Time(a.At) + "#" + a.MQLID
	}
	ws := []table.Write{privacy.NotErased(a.Email)}
	if key == it.SK {
		ws = append(ws, table.Put(table.Item{PK: inboxPK, SK: key, Kind: KindInbox, Data: data}, table.VersionIs(it.Version)))
		return i.T.Transact(ctx, ws)
	}
	ptr, _ := json.Marshal(inboxMoved{MQLID: a.MQLID, PersonID: a.PersonID, Key: key})
	var pv int64
	if hasMoved {
		pv = moved.Version
	}
	ws = append(ws,
		table.Del(inboxPK, it.SK, table.VersionIs(it.Version)),
		table.Put(table.Item{PK: inboxPK, SK: key, Kind: KindInbox, Data: data}, table.NotExists),
		table.Put(table.Item{PK: inboxPK, SK: inboxMovedSK(a.MQLID), Kind: KindInboxMoved, Data: ptr}, table.VersionIs(pv)))
	return i.T.Transact(ctx, ws)
}

// AttendanceChange is an attendance change (FormActivity.Attendance) as
// an inbox lead keeps it: the touch among the MQL's reasons, what its
// report says now, the score since, and the line an SFA's activity list
// shows (Subject, in sfa.language).
type AttendanceChange struct {
	ID         string         `json:"activityId"`
	Attendance string         `json:"attendance"` // absent, attended
	Type       string         `json:"type"`       // offline
	Title      string         `json:"title,omitempty"`
	Channel    string         `json:"channel,omitempty"`
	At         time.Time      `json:"at,omitzero"`     // the touch's time (its day)
	ToldAt     time.Time      `json:"toldAt,omitzero"` // when the inbox was told
	Score      *ActivityScore `json:"score,omitempty"`
	Subject    string         `json:"subject"`
}

// addAttendance adds an attendance change to the MQL's lead it (l, as
// read), once per activity id, newest first. The lead does not move: a
// no-show makes it no more urgent (moved up, a lead that lost its
// webinar's points would stand above fresher ones), and a correction
// gives back what it had when it reached sales; its card says it (the
// person's page marks the touch absent).
func (i *Inbox) addAttendance(ctx context.Context, it table.Item, l Lead, a FormActivity) error {
	if slices.ContainsFunc(l.AttendanceChanges, func(c AttendanceChange) bool { return c.ID == a.ID }) {
		return nil // added already: a retry, or the message handled twice
	}
	c := AttendanceChange{ID: a.ID, Attendance: a.Attendance, Type: a.Type, Title: a.Title, Channel: a.Channel, At: a.At,
		ToldAt: a.toldAt, Score: a.Score, Subject: a.Subject()}
	l.AttendanceChanges = append([]AttendanceChange{c}, l.AttendanceChanges...)
	slices.SortStableFunc(l.AttendanceChanges, func(x, y AttendanceChange) int { return y.ToldAt.Compare(x.ToldAt) })
	if len(l.AttendanceChanges) > maxInboxReinquiries {
		l.AttendanceChanges = l.AttendanceChanges[:maxInboxReinquiries]
	}
	data, err := json.Marshal(l)
	if err != nil {
		return err
	}
	return i.T.Transact(ctx, []table.Write{privacy.NotErased(a.Email),
		table.Put(table.Item{PK: inboxPK, SK: it.SK, Kind: KindInbox, Data: data}, table.VersionIs(it.Version))})
}
