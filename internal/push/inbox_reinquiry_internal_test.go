package push

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// TestInboxReinquiryMovesTheLead: on either store, a form after the MQL
// is added to the lead once (a retry adds nothing), newest first, and
// moves it up to the form's time, never down; a lead stored under an older
// key (RFC 3339's) is found; paging lists each lead once and offers no
// empty page past the pointer; an erasure removes the pointer with the
// lead, and a disclosure shows both, each under its kind, as the erasure
// counts them; the pointer names the person by id alone.
func TestInboxReinquiryMovesTheLead(t *testing.T) {
	s := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	now := clock.Fixed(s.Add(24 * time.Hour))
	for name, open := range inboxStores(now) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			tb := open(t)
			in := &Inbox{T: tb}
			lead := func(n string, off time.Duration) Lead {
				return Lead{MQLID: "p_" + n + "-c1", PersonID: "p_" + n, Email: n + "@maker.example", QualifiedAt: s.Add(off)}
			}
			// a: stored under RFC 3339's key, before sortkey.
			a := lead("a", 0)
			data, _ := json.Marshal(a)
			if err := tb.Put(ctx, table.Item{PK: inboxPK, SK: a.QualifiedAt.Format(time.RFC3339Nano) + "#" + a.MQLID, Kind: KindInbox, Data: data}, table.Always); err != nil {
				t.Fatal(err)
			}
			for _, l := range []Lead{lead("b", time.Hour), lead("c", 2*time.Hour)} {
				if _, err := in.Push(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
			order := func() string {
				t.Helper()
				var got []string
				cursor := ""
				for range 10 {
					ls, next, err := in.Page(ctx, cursor, 1)
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range ls {
						got = append(got, fmt.Sprintf("%s%d", l.Email[:1], len(l.Reinquiries)))
					}
					if next == "" {
						break
					}
					cursor = next
				}
				return fmt.Sprint(got)
			}
			act := func(id string, at time.Time) FormActivity {
				return FormActivity{ID: a.MQLID + "-f" + id, MQLID: a.MQLID, PersonID: a.PersonID, Email: a.Email, Type: "form_submit", Title: "お問い合わせ",
					Message: "至急 " + id, At: at, Lang: "ja", Sites: []string{"www.example.com"}, MQLExternalID: "x", mqlRaised: a.QualifiedAt, mqlQualified: a.QualifiedAt}
			}
			for i, c := range []struct {
				a    FormActivity
				want string
			}{
				{act("1", s.Add(3*time.Hour)), "[a1 c0 b0]"},
				{act("1", s.Add(3*time.Hour)), "[a1 c0 b0]"},    // again: nothing added
				{act("0", s.Add(90*time.Minute)), "[a2 c0 b0]"}, // an earlier form: added, not moved down
				{act("2", s.Add(4*time.Hour)), "[a3 c0 b0]"},
			} {
				if _, err := in.PushActivity(ctx, c.a); err != nil {
					t.Fatal(i, err)
				}
				if got := order(); got != c.want {
					t.Fatalf("after form %d: %s, want %s", i, got, c.want)
				}
			}
			ls, _ := in.List(ctx, 10)
			var msgs []string
			for _, r := range ls[0].Reinquiries {
				msgs = append(msgs, r.Message)
				if r.Lang != "" || r.Sites != nil || r.MQLExternalID != "" {
					t.Errorf("kept what only the text needs: %+v", r)
				}
			}
			if fmt.Sprint(msgs) != "[至急 2 至急 1 至急 0]" {
				t.Errorf("re-inquiries %v, want newest first", msgs)
			}
			if _, found, err := in.FindPerson(ctx, act("3", s)); !found || err != nil {
				t.Errorf("the moved lead not found: %v", err)
			}
			other := act("9", s)
			other.MQLID = "p_z-c1"
			if _, found, err := in.FindPerson(ctx, other); found || err != nil {
				t.Errorf("an MQL the inbox never took found: %v", err)
			}
			if _, err := in.PushActivity(ctx, other); err != ErrNotTaken {
				t.Errorf("a form of an MQL the inbox never took: %v", err)
			}
			ptr, err := tb.Get(ctx, inboxPK, inboxMovedSK(a.MQLID))
			if err != nil || ptr.Kind != KindInboxMoved || strings.Contains(string(ptr.Data), a.Email) {
				t.Errorf("the pointer %s %s (%v): want kind %s, without the email", ptr.Kind, ptr.Data, err, KindInboxMoved)
			}
			sub := privacy.Subject{Person: a.PersonID, Email: a.Email}
			d, err := in.Disclose(ctx, sub)
			if err != nil || fmt.Sprint(d.Counts()) != "map[inbox:1 inboxmoved:1]" {
				t.Errorf("disclosed %v (%v), want the lead and its pointer", d.Counts(), err)
			}
			removed, err := in.Forget(ctx, sub)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(removed) != fmt.Sprint(d.Counts()) {
				t.Errorf("the erasure removed %v, the disclosure showed %v", removed, d.Counts())
			}
			items, err := tb.Query(ctx, table.Query{PK: inboxPK, Consistent: true})
			if err != nil || len(items) != 2 {
				t.Errorf("after the erasure %d items, want b's and c's leads: %v", len(items), err)
			}
			if got := order(); got != "[c0 b0]" {
				t.Errorf("after the erasure: %s", got)
			}
		})
	}
}

// inboxStores opens an empty table on either store, its clock now.
func inboxStores(now func() time.Time) map[string]func(t *testing.T) table.Table {
	return map[string]func(t *testing.T) table.Table{
		"bbolt": func(t *testing.T) table.Table {
			tb, err := bolttable.Open(filepath.Join(t.TempDir(), "i.db"), bolttable.WithClock(now))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { tb.Close() })
			return tb
		},
		"dynamodb": func(t *testing.T) table.Table { return moto.NewTable(t, dynamotable.WithClock(now)) },
	}
}

// TestInboxPushAfterMoveKeepsOneCard: on either store, a form moved an
// MQL's lead up, then the MQL is pushed again (its delivery retried, or
// replayed without the inbox's delivery record). The raise's key was free
// and the lead was stored again: two cards for one MQL, and later forms
// went to one of them. Now the push takes it as delivered: one card, with
// every form.
func TestInboxPushAfterMoveKeepsOneCard(t *testing.T) {
	s := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	for name, open := range inboxStores(clock.Fixed(s.Add(24 * time.Hour))) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			in := &Inbox{T: open(t)}
			l := Lead{MQLID: "p_a-c1", PersonID: "p_a", Email: "a@maker.example", QualifiedAt: s}
			form := func(n int) FormActivity {
				return FormActivity{ID: fmt.Sprintf("p_a-c1-f%d", n), MQLID: l.MQLID, PersonID: l.PersonID, Email: l.Email, Type: "form_submit",
					At: s.Add(time.Duration(n) * time.Hour), mqlRaised: s, mqlQualified: s}
			}
			if id, err := in.Push(ctx, l); err != nil || id != l.MQLID {
				t.Fatal(id, err)
			}
			if _, err := in.PushActivity(ctx, form(1)); err != nil {
				t.Fatal(err)
			}
			if id, err := in.Push(ctx, l); err != nil || id != l.MQLID {
				t.Fatalf("pushed again after the move: %q %v, want taken as delivered", id, err)
			}
			if _, err := in.PushActivity(ctx, form(2)); err != nil {
				t.Fatal(err)
			}
			ls, err := in.List(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			var cards []string
			for _, l := range ls {
				cards = append(cards, fmt.Sprintf("%s:%d", l.inboxKey, len(l.Reinquiries)))
			}
			if len(ls) != 1 || len(ls[0].Reinquiries) != 2 {
				t.Errorf("cards %v, want one with both forms", cards)
			}
		})
	}
}
