package scorefeed_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// TestWebinarMinutesImportedLaterScore: a webinar's registrants imported
// first (no minutes), then its Zoom report, then the report corrected. The
// touch's id is its email, event and day, so the report's rows were
// repeats: no minutes were ever stored, or the first report's stayed, and
// a min_minutes rule never matched (or kept matching). The report's
// minutes now replace the stored ones, and the change feed rescores the
// person: the rule's points come, and go again when the correction says
// fewer minutes.
func TestWebinarMinutesImportedLaterScore(t *testing.T) {
	ctx := context.Background()
	w := newWebinar(t, 90)
	dir, q, im, def := w.dir, w.q, w.im, w.def
	step := func(name, list string, imported, updated, repeated int, score float64) {
		t.Helper()
		res, err := im.Import(ctx, strings.NewReader(list), def)
		if err != nil || res.Imported != imported || res.Updated != updated || res.Repeated != repeated {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
		w.drain(t)
		p, err := dir.ByEmail(ctx, "taro@client.example")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := q.Record(ctx, p.ID)
		if err != nil || rec.Verdict.Behaviour != score {
			t.Errorf("%s: behaviour %v, want %v (%v)", name, rec.Verdict.Behaviour, score, err)
		}
	}
	step("registrants", "メールアドレス,氏名\ntaro@client.example,山田\n", 1, 0, 0, 5)
	step("report", "メール,セッション時間（分）\ntaro@client.example,42\ntaro@client.example,53\n", 0, 1, 1, 20)
	step("report again", "メール,セッション時間（分）\ntaro@client.example,42\ntaro@client.example,53\n", 0, 0, 2, 20)
	step("report corrected", "メール,セッション時間（分）\ntaro@client.example,42\n", 0, 1, 0, 5)
	step("registrants again", "メールアドレス,氏名\ntaro@client.example,山田\n", 0, 0, 1, 5)
}

// TestNoShowsRegistrantsTouchIsWithdrawn: a webinar's registrants imported
// first, then its Zoom report. A registrant the report says did not come
// (出席しましたか: いいえ) was only counted in notAttended: the touch the
// registrants' list stored (same id: email, event, day) kept scoring under
// the webinar rules and counting as a touch. It is marked absent and the
// person rescored; those who came keep theirs, with their minutes; a
// corrected report saying they came gives it back.
func TestNoShowsRegistrantsTouchIsWithdrawn(t *testing.T) {
	ctx := context.Background()
	w := newWebinar(t, 30)
	log, dir, q, im, def := w.log, w.dir, w.q, w.im, w.def
	step := func(name, list string, want offline.Result, scores map[string]float64) {
		t.Helper()
		res, err := im.Import(ctx, strings.NewReader(list), def)
		if err != nil || res.Imported != want.Imported || res.Updated != want.Updated || res.NotAttended != want.NotAttended || res.Withdrawn != want.Withdrawn || len(res.Errors) != 0 {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
		w.drain(t)
		for email, score := range scores {
			p, err := dir.ByEmail(ctx, email)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := q.Record(ctx, p.ID)
			if err != nil || rec.Verdict.Behaviour != score {
				t.Errorf("%s: %s's behaviour %v, want %v (%v)", name, email, rec.Verdict.Behaviour, score, err)
			}
			// Attribution credits the record's touches: the webinar is
			// one exactly when it scores.
			if webinar := len(rec.Touches) == 1 && rec.Touches[0].Channel == "webinar"; webinar != (score > 0) {
				t.Errorf("%s: %s's touches %+v", name, email, rec.Touches)
			}
		}
	}
	touch := func(email string) event.Event {
		t.Helper()
		p, err := dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := log.Visitor(ctx, offline.Visitor(p.ID))
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: %v %v", email, evs, err)
		}
		return evs[0]
	}
	step("registrants", "メールアドレス,氏名\ntaro@client.example,山田\nhanako@client.example,佐藤\n",
		offline.Result{Imported: 2}, map[string]float64{"taro@client.example": 5, "hanako@client.example": 5})
	report := "出席しましたか,メール,セッション時間（分）\nはい,taro@client.example,45\nいいえ,hanako@client.example,\nいいえ,nobody@client.example,\n"
	step("report", report, offline.Result{Updated: 1, NotAttended: 2, Withdrawn: 1},
		map[string]float64{"taro@client.example": 20, "hanako@client.example": 0})
	if ev := touch("hanako@client.example"); !ev.Absent() || !ev.Flagged() {
		t.Errorf("the no-show's touch: %+v", ev)
	}
	if ev := touch("taro@client.example"); ev.Absent() {
		t.Errorf("the attendee's touch: %+v", ev)
	} else if m, ok := ev.Minutes(); !ok || m != 45 {
		t.Errorf("the attendee's minutes: %v %v", m, ok)
	}
	if _, err := dir.ByEmail(ctx, "nobody@client.example"); err == nil {
		t.Error("a no-show never registered was made a person")
	}
	step("report again", report, offline.Result{NotAttended: 2}, map[string]float64{"hanako@client.example": 0})
	step("registrants again", "メールアドレス,氏名\ntaro@client.example,山田\nhanako@client.example,佐藤\n",
		offline.Result{}, map[string]float64{"taro@client.example": 20, "hanako@client.example": 0})
	// Given back: hanako's touch counts in updated (it was in repeated).
	step("report corrected", "出席しましたか,メール,セッション時間（分）\nはい,taro@client.example,45\nはい,hanako@client.example,\n",
		offline.Result{Updated: 1}, map[string]float64{"taro@client.example": 20, "hanako@client.example": 5})
	if ev := touch("hanako@client.example"); ev.Absent() {
		t.Errorf("corrected, the touch: %+v", ev)
	}
}

// webinar is a store with the change feed, scoring by two webinar rules
// (5 points for the touch, 15 more from minMinutes on), and an importer
// of the webinar's lists.
type webinar struct {
	tb  *bolttable.Table
	log *eventlog.Log
	dir *identity.Directory
	q   *qualify.Qualifier
	im  *offline.Importer
	def offline.Defaults
}

func newWebinar(t *testing.T, minMinutes int) *webinar {
	t.Helper()
	tokyo := time.FixedZone("JST", 9*3600)
	clk := clock.Fixed(time.Date(2026, 11, 7, 9, 0, 0, 0, tokyo))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithFeed(scorefeed.Kinds...), bolttable.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Now: clk}
	dir := &identity.Directory{T: tb, Now: clk}
	rules, err := rulebook.Parse("rules.yaml", []byte(fmt.Sprintf("behaviour:\n"+
		"  - {name: webinar, type: offline, channel: webinar, points: 5}\n"+
		"  - {name: webinar-long, type: offline, channel: webinar, min_minutes: %d, points: 15}\n"+
		"mql: [{name: x, min_behaviour: 1000}]\n", minMinutes)))
	if err != nil {
		t.Fatal(err)
	}
	return &webinar{tb: tb, log: log, dir: dir,
		q:   &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk},
		im:  &offline.Importer{Dir: dir, Link: &identity.Stitcher{Dir: dir, Log: log}, Events: log, Loc: tokyo, Now: clk},
		def: offline.Defaults{Channel: "webinar", Event: "製造業DXウェビナー 第3回", Date: "2026-11-06"}}
}

// drain scores what the imports wrote, as the change feed's consumer does.
func (w *webinar) drain(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for {
		cs, err := w.tb.Next(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			return
		}
		if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
			t.Fatal(err)
		}
		if err := w.tb.Ack(ctx, cs[len(cs)-1]); err != nil {
			t.Fatal(err)
		}
	}
}
