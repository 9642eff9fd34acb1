package scorefeed_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
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
	tokyo := time.FixedZone("JST", 9*3600)
	clk := clock.Fixed(time.Date(2026, 11, 7, 9, 0, 0, 0, tokyo))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithFeed(scorefeed.Kinds...), bolttable.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tb.Close() })
	log := &eventlog.Log{T: tb, Now: clk}
	dir := &identity.Directory{T: tb, Now: clk}
	st := &identity.Stitcher{Dir: dir, Log: log}
	rules, err := rulebook.Parse("rules.yaml", []byte("behaviour:\n"+
		"  - {name: webinar, type: offline, channel: webinar, points: 5}\n"+
		"  - {name: webinar-90, type: offline, channel: webinar, min_minutes: 90, points: 15}\n"+
		"mql: [{name: x, min_behaviour: 1000}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	q := &qualify.Qualifier{T: tb, Dir: dir, Log: log, Engine: &rulebook.Engine{R: rules}, Now: clk}
	im := &offline.Importer{Dir: dir, Link: st, Events: log, Loc: tokyo, Now: clk}
	def := offline.Defaults{Channel: "webinar", Event: "製造業DXウェビナー 第3回", Date: "2026-11-06"}
	step := func(name, list string, imported, updated, repeated int, score float64) {
		t.Helper()
		res, err := im.Import(ctx, strings.NewReader(list), def)
		if err != nil || res.Imported != imported || res.Updated != updated || res.Repeated != repeated {
			t.Fatalf("%s: %+v %v", name, res, err)
		}
		for {
			cs, err := tb.Next(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) == 0 {
				break
			}
			if _, err := scorefeed.HandleChanges(ctx, q, cs, nil); err != nil {
				t.Fatal(err)
			}
			if err := tb.Ack(ctx, cs[len(cs)-1]); err != nil {
				t.Fatal(err)
			}
		}
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
