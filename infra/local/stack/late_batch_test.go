package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
)

// TestLateBatchMQLIsDatedByItsEvents: a backend sends, on Friday, a
// /v1/batch of what a visitor did on Tuesday (a pricing page, the
// whitepaper, the contact form). The person qualifies on Tuesday's form:
// the MQL is Tuesday's in the funnel (its counters too), the quality
// report and the MQL list, and the lead sales get says Tuesday. Sales'
// SLA runs from Friday, when the lead reached them: two hours later it is
// no breach, in the sweep or the SLA report, and 25 hours later it is.
// Scoring dated the MQL, its stage change and counters when it ran.
func TestLateBatchMQLIsDatedByItsEvents(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC) // Friday
	clk := clock.NewManual(now)
	cfg := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(cfg, []byte("timezone: UTC\nsla: {accept_within: 24h}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": cfg}, clk.Now)
	tuesday := now.Add(-72 * time.Hour)
	at := func(d time.Duration) string { return tuesday.Add(d).Format(time.RFC3339) }
	batch := `{"sentAt":"` + now.Format(time.RFC3339) + `","batch":[` +
		`{"type":"page","messageId":"late-1","anonymousId":"late-visitor","timestamp":"` + at(0) + `","properties":{"url":"https://www.example.com/pricing"}},` +
		`{"type":"track","event":"download","messageId":"late-2","anonymousId":"late-visitor","timestamp":"` + at(time.Minute) + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}},` +
		`{"type":"track","event":"form_submit","messageId":"late-3","anonymousId":"late-visitor","timestamp":"` + at(2*time.Minute) + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"kayoubi@maker.example","company":"Maker","title":"購買部長","employees":"250-999"}}}]}`
	req, _ := http.NewRequest("POST", s.URL+"/v1/batch", strings.NewReader(batch))
	req.SetBasicAuth("test-write-key-0123456789", "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /v1/batch: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	ctx := context.Background()
	p, err := s.App.People.ByEmail(ctx, "kayoubi@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := s.App.Qualifier.Record(ctx, p.ID)
	if err != nil || rec.Stage != "mql" {
		t.Fatalf("not an MQL: %+v %v", rec, err)
	}
	form := tuesday.Add(2 * time.Minute)
	ms, err := s.App.Qualifier.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || !ms[0].At.Equal(form) || !ms[0].RaisedAt.Equal(now) || !rec.MQLAt.Equal(form) {
		t.Fatalf("MQLs %+v (%v), record's MQL at %v: want qualified at the form's %v, raised %v", ms, err, rec.MQLAt, form, now)
	}

	for _, c := range []struct {
		day  string
		mqls int
	}{{"2026-12-01", 1}, {"2026-12-04", 0}} {
		q := "?from=" + c.day + "&to=" + c.day
		code, b := do(t, "GET", s.URL+"/admin/reports/funnel"+q, token, "")
		var funnel struct {
			Rows []struct {
				Counts map[string]int
			}
			Counters map[string]map[string]int
		}
		if code != 200 || json.Unmarshal(b, &funnel) != nil {
			t.Fatalf("funnel %s: %d %s", q, code, b)
		}
		got := 0
		if len(funnel.Rows) > 0 {
			got = funnel.Rows[0].Counts["mql"] // (all)
		}
		if got != c.mqls || funnel.Counters["(all)"]["mql"] != c.mqls {
			t.Errorf("funnel %s: %d MQLs, counters %v; want %d", q, got, funnel.Counters, c.mqls)
		}
		if ms, _ := mqlsJSON(t, s, q, 200); len(ms) != c.mqls {
			t.Errorf("GET /admin/mqls%s: %v, want %d", q, ms, c.mqls)
		}
	}

	// The lead sales get says Tuesday.
	deliver(t, s, func() bool {
		leads, _ := s.App.Inbox.List(ctx, 10)
		return len(leads) == 1
	})
	leads, err := s.App.Inbox.List(ctx, 10)
	if err != nil || len(leads) != 1 || !leads[0].QualifiedAt.Equal(form) {
		t.Fatalf("inbox %+v %v: want qualified at %v", leads, err, form)
	}

	// Sales got it on Friday: their 24 hours run from then.
	clk.Set(now.Add(2 * time.Hour))
	if bs, err := s.App.Sweep(ctx); err != nil || len(bs) != 0 {
		t.Fatalf("breached two hours after it reached sales: %v %v", bs, err)
	}
	code, b := do(t, "GET", s.URL+"/admin/reports/sla?from=2026-12-01&to=2026-12-01", token, "")
	if code != 200 || !strings.Contains(string(b), `"mqls":1`) || strings.Contains(string(b), `"openBreaches":1`) {
		t.Fatalf("sla report two hours after: %d %s", code, b)
	}
	clk.Set(now.Add(25 * time.Hour))
	if bs, err := s.App.Sweep(ctx); err != nil || len(bs) != 1 || bs[0].Age.Round(time.Minute) != 25*time.Hour {
		t.Fatalf("25 hours after it reached sales: breaches %+v %v, want one of 25h", bs, err)
	}
	code, b = do(t, "GET", s.URL+"/admin/reports/sla?from=2026-12-01&to=2026-12-01", token, "")
	if code != 200 || !strings.Contains(string(b), `"openBreaches":1`) {
		t.Fatalf("sla report 25 hours after: %d %s", code, b)
	}
}
