package offline

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
)

// TestZeroWidthInEventName: an event's name copied from a web page or a
// mail carries a zero-width space, joiner or BOM (展示会\u200bA): it was
// another event than 展示会A, to the rules' event:, the reports and
// attribution, and a person on both lists had two touches of one event.
// The characters are dropped where the name is read (the column, the
// form's or query's event); one person's two rows are one touch.
func TestZeroWidthInEventName(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := "email,event\r\n" +
		"a@example.co.jp,展示会\u200bA\r\n" +
		"b@example.co.jp,\ufeff展示会A\u2060\r\n" +
		"a@example.co.jp,展示会A\r\n" +
		"c@example.co.jp,展\u200c示\u200d会A\r\n"
	res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "展示会", Date: "2026-11-06"})
	if err != nil || res.Imported != 3 || res.Repeated != 1 || len(res.Errors) != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	for _, email := range []string{"a@example.co.jp", "b@example.co.jp", "c@example.co.jp"} {
		p, err := f.dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		ev, err := f.log.Get(ctx, Visitor(p.ID), EventID(email, "展示会A", "2026-11-06"))
		if err != nil || ev.Properties["event"] != "展示会A" {
			t.Errorf("%s: %v %v", email, ev.Properties, err)
		}
	}
	res, err = f.im.Import(ctx, strings.NewReader("email\r\nd@example.co.jp\r\n"), Defaults{Channel: "展示会", Date: "2026-11-06", Event: "展示会\u200bA"})
	if err != nil || res.Event != "展示会A" || res.Imported != 1 {
		t.Errorf("the form's event: %+v %v", res, err)
	}
}

// TestEventIDsOfPlainNamesKept: a name without zero-width characters has
// the id it had (a touch id is a hash of its name): importing a list
// stored before is repeated, not added again. The ids below are those the
// import gave before zero-width characters were dropped.
func TestEventIDsOfPlainNamesKept(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	ids := map[string]string{
		"Japan IT Week 秋": "off_a144cf761938d181e16b951b46c4ad9f",
		"製造業ＤＸセミナー":       "off_53191f8748ad5730349475a0aba524df",
		"Love ❤️ Expo":    "off_b712e4834097e9d8a7780def141b7c6c", // a variation selector is no zero-width character
		"ｾﾐﾅｰ  2026":      "off_05ee1f35f1929ee09925ac11f9b5e34c",
	}
	for name, id := range ids {
		in := "email,event\r\ntaro@example.co.jp," + name + "\r\n"
		if res, err := f.im.Import(ctx, strings.NewReader(in), Defaults{Channel: "展示会", Date: "2026-11-06"}); err != nil || res.Imported != 1 {
			t.Fatalf("%q: %+v %v", name, res, err)
		}
		p, _ := f.dir.ByEmail(ctx, "taro@example.co.jp")
		if _, err := f.log.Get(ctx, Visitor(p.ID), id); err != nil {
			t.Errorf("%q: no touch %s: %v", name, id, err)
		}
	}
}

// TestZeroWidthNameStoredBefore: a touch an earlier import stored under
// the name with its zero-width character keeps its id and name; importing
// that list again finds it (repeated), where it added a second touch
// under the name without the character.
func TestZeroWidthNameStoredBefore(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const email, day = "a@example.co.jp", "2026-11-06"
	list := "email,event\r\n" + email + ",展示会\u200bA\r\n"
	vid, old := storedBefore(t, f, email, day, "展示会\u200bA")
	res, err := f.im.Import(ctx, strings.NewReader(list), Defaults{Channel: "展示会", Date: day})
	if err != nil || res.Imported != 0 || res.Repeated != 1 {
		t.Errorf("imported again: %+v %v", res, err)
	}
	if _, err := f.log.Get(ctx, vid, EventID(email, "展示会A", day)); !errors.Is(err, eventlog.ErrNotFound) {
		t.Errorf("a second touch under the name without the character: %v", err)
	}
	if ev, err := f.log.Get(ctx, vid, old); err != nil || ev.Properties["event"] != "展示会\u200bA" {
		t.Errorf("the stored touch: %v %v", ev.Properties, err)
	}
}

// TestZeroWidthInOtherCells: a date, channel or attendance cell copied
// from a web page with a zero-width character (2026/11/6\u200b, 展示会\u200b,
// \u200bはい) refused its row ("write はい or いいえ", "write YYYY-MM-DD",
// "one of exhibition ..."), though the cell reads as the value it is.
func TestZeroWidthInOtherCells(t *testing.T) {
	f := newFixture(t)
	in := "email,event,date,channel,出欠\r\na@example.co.jp,X,2026/11/6\u200b,展示会\u200b,\u200bはい\r\n"
	res, err := f.im.Import(context.Background(), strings.NewReader(in), Defaults{})
	if err != nil || res.Imported != 1 || len(res.Errors) != 0 {
		t.Errorf("%+v %v", res, err)
	}
	if _, err := ParseDate("\ufeff2026-11-06", tokyo); err != nil {
		t.Error(err)
	}
}

// storedBefore is what an import before a change of how names are read
// stored: the person, and their touch of the day under name as it was
// read then (EventID hashes the name it is given). It returns the
// person's visitor and the touch's id.
func storedBefore(t *testing.T, f fixture, email, day, name string) (vid, id string) {
	t.Helper()
	ctx := context.Background()
	if _, err := f.im.Import(ctx, strings.NewReader("email\r\n"+email+"\r\n"), Defaults{Channel: "展示会", Date: day, Event: "other"}); err != nil {
		t.Fatal(err)
	}
	p, _ := f.dir.ByEmail(ctx, email)
	vid, id = Visitor(p.ID), EventID(email, name, day)
	at := time.Date(2026, 11, 5, 15, 0, 0, 0, time.UTC)
	if _, err := f.log.Append(ctx, []event.Event{{ID: id, Type: event.Offline, VisitorID: vid, UserID: p.ID, ReceivedAt: now, Timestamp: at,
		Properties: map[string]any{"event": name, "channel": event.ChannelExhibition}}}); err != nil {
		t.Fatal(err)
	}
	return vid, id
}
