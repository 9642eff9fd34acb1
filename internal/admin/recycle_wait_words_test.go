package admin_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// matrixMQL makes an MQL of infra/rules.yaml's cross-scoring condition: a
// contact form (35 behaviour points, band warm) of a 部長 at a company of
// 500 (grade A), handed to the inbox; the workspace reads those rules
// (band labels: warm is 中, medium). It returns the person's id.
func matrixMQL(t *testing.T, f *fixture) (*qualify.Qualifier, *eventlog.Log, string) {
	t.Helper()
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	at := f.clk.Now()
	evs := []event.Event{{ID: "mx-a", Type: event.FormSubmit, VisitorID: "mx-v", Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}}}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"last_name": "佐藤", "first_name": "花子", "title": "部長", "employees": "500"}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "mx-v", Email: "h.sato@maker.example", At: at, Strength: identity.Strong, Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ms, err := q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || ms[0].Condition != "cross-scoring" || len(ms[0].Facts) != 1 || ms[0].Facts[0] != "matrix cell warm x A" {
		t.Fatalf("setup: want one cross-scoring MQL on matrix cell warm x A: %+v %v", ms, err)
	}
	m := ms[0]
	if _, err := inbox.Push(ctx, push.Lead{MQLID: m.ID, PersonID: p.ID, Email: m.Email, Attributes: fields, Condition: m.Condition, Reasons: m.Facts, QualifiedAt: m.At, Cycle: m.Cycle}); err != nil {
		t.Fatal(err)
	}
	serveScoring(t, f)
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	return q, log, p.ID
}

// page gets a workspace page in lang.
func (f *fixture) page(t *testing.T, path, lang string) string {
	t.Helper()
	a := f.req("GET", path+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("%s %s: %d %s", path, lang, a.code, a.body)
	}
	return a.body
}

// TestWaitSaysCooldownAndPoints: a recycled person's page said
// "2026年11月25日 10:00 まで MQL になりません" ("no MQL before …") while the
// cooldown ran, and people expected them back as an MQL then, when
// recycle.min_new_behaviour's 20 new behaviour points are needed too. The
// page says both, with the points earned since the recycle; past the
// cooldown, the points alone.
func TestWaitSaysCooldownAndPoints(t *testing.T) {
	f := newFixture(t)
	q, log, id := matrixMQL(t, f)
	ctx := context.Background()
	t0 := f.clk.Now() // 2026-11-24 09:00 UTC; the workspace's zone is UTC
	if res, err := q.OutcomeWhy(ctx, id, "rejected", "not now", "rep-a", "", t0.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("reject: %+v %v", res, err)
	}
	touch := func(ev event.Event) {
		t.Helper()
		f.clk.Set(ev.Timestamp)
		ev.VisitorID, ev.ReceivedAt = "mx-v", ev.Timestamp
		if _, err := log.Append(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
		if err := q.Process(ctx, []event.Event{ev}); err != nil {
			t.Fatal(err)
		}
	}
	touch(event.Event{ID: "mx-d", Type: event.Download, URL: "https://www.example.com/b.pdf", Timestamp: t0.Add(2 * time.Hour)}) // 15 points
	for _, c := range []struct{ lang, want string }{
		{"ja", "新しい行動待ち：2026年11月24日 10:00 にナーチャリングに戻したため、2026年11月25日 10:00 まで、かつ戻した後の新たな行動スコアが 20 点に達するまで MQL になりません（現在 15 点） <span class=\"small muted rule-key\">ルールファイルの設定：<code>recycle.cooldown</code>、<code>recycle.min_new_behaviour</code></span>"},
		{"en", "Waiting for new evidence: recycled 24 Nov 2026 10:00: cannot qualify again before 25 Nov 2026 10:00, and until 20 new behaviour points after the recycle (15 so far) <span class=\"small muted rule-key\">set in the rules file: <code>recycle.cooldown</code>, <code>recycle.min_new_behaviour</code></span>"},
	} {
		if body := f.page(t, "/admin/people/"+id, c.lang); !strings.Contains(body, c.want) {
			t.Errorf("in the cooldown, %s: no %q in\n%s", c.lang, c.want, body)
		}
	}
	touch(event.Event{ID: "mx-p", Type: event.PageView, URL: "https://www.example.com/about", Timestamp: t0.Add(26 * time.Hour)}) // a point, past the cooldown
	for _, c := range []struct{ lang, want string }{
		{"ja", "新しい行動待ち：2026年11月24日 10:00 にナーチャリングに戻したため、戻した後の新たな行動スコアが 20 点に達するまで MQL になりません（現在 16 点） <span class=\"small muted rule-key\">ルールファイルの設定：<code>recycle.min_new_behaviour</code></span>"},
		{"en", "Waiting for new evidence: recycled 24 Nov 2026 10:00: cannot qualify again until 20 new behaviour points after the recycle (16 so far) <span class=\"small muted rule-key\">set in the rules file: <code>recycle.min_new_behaviour</code></span>"},
	} {
		if body := f.page(t, "/admin/people/"+id, c.lang); !strings.Contains(body, c.want) {
			t.Errorf("past the cooldown, %s: no %q in\n%s", c.lang, c.want, body)
		}
	}
}
