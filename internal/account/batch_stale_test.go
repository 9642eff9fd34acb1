package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/scorefeed"
)

// TestRetryPlansOnFreshRead: a lane reads p and q (company Alpha); before
// it writes, p's company becomes Beta and another lane's Refresh moves p
// there, so the lane's write fails. Its retry reads p again: it left p in
// Beta (it planned p on the batch's read and moved them back to Alpha).
func TestRetryPlansOnFreshRead(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.handle(w.person("pv", "p@gmail.com", map[string]string{"company": "Alpha"}))
	w.handle(w.person("qv", "q@gmail.com", map[string]string{"company": "Alpha"}))
	w.clk.Advance(26 * time.Hour)
	cs := w.person("pv2", "p@gmail.com", map[string]string{"company": "Alpha"})
	cs = append(cs, w.person("qv2", "q@gmail.com", map[string]string{"company": "Alpha"})...)
	if _, err := scorefeed.HandleChanges(ctx, w.q, cs, nil); err != nil {
		t.Fatal(err)
	}
	p, err := w.dir.ByEmail(ctx, "p@gmail.com")
	if err != nil {
		t.Fatal(err)
	}
	h := movedMeanwhile(t, w, p.ID, "Beta")
	if n, err := bookOn(w, h).HandleChanges(ctx, cs); err != nil || n != len(cs) {
		t.Fatalf("handled %d of %d: %v", n, len(cs), err)
	}
	in := accountOf(w)
	if in["p@gmail.com"] != "Beta" || in["q@gmail.com"] != "Alpha" {
		t.Fatalf("members in %v: want p in Beta (their company now), q in Alpha", in)
	}
}
