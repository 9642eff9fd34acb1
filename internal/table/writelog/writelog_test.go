package writelog_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/writelog"
)

// full is an error as the embedded store returns it with the disk full.
type full struct{}

func (full) Error() string   { return "write baton.db: no space left on device" }
func (full) Unwrap() []error { return []error{table.ErrWriteFailed} }

// TestFailedWritesAreSummed: with the disk full every request logged its
// failure, a line each: a busy site's log filled with them. The first is
// logged at once, the rest as one line a minute with their count, and the
// store writing again once; other lines pass as they were.
func TestFailedWritesAreSummed(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC))
	var buf bytes.Buffer
	h := writelog.New(slog.NewTextHandler(&buf, nil), clk.Now)
	log := slog.New(h).With("fn", "collect")
	storeErr := fmt.Errorf("store events: %w", full{})
	lines := func() []string {
		t.Helper()
		s := strings.TrimSpace(buf.String())
		buf.Reset()
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}

	for range 500 { // 500 requests in 30 s
		log.Error("store events", "err", storeErr, "count", 1)
		clk.Advance(60 * time.Millisecond)
	}
	log.Error("read link", "err", errors.New("some other failure"))
	got := lines()
	if len(got) != 2 || !strings.Contains(got[0], `msg="store events"`) || !strings.Contains(got[0], "no space left on device") || !strings.Contains(got[1], "some other failure") {
		t.Fatalf("500 failed writes in 30 s logged:\n%s", strings.Join(got, "\n"))
	}

	for range 1000 { // 1,000 more in the next 60 s: one line when a minute has passed since the first, counting 1,000 (499 + 501)
		log.Error("store events", "err", storeErr, "count", 1)
		clk.Advance(60 * time.Millisecond)
	}
	got = lines()
	if len(got) != 1 || !strings.Contains(got[0], "level=ERROR") || !strings.Contains(got[0], "1000 more writes failed in the last minute") || !strings.Contains(got[0], "fn=collect") {
		t.Fatalf("then, logged:\n%s", strings.Join(got, "\n"))
	}

	log.Error("store events", "err", storeErr, "count", 1) // not a minute since the summary
	h.Recovered()
	h.Recovered()
	got = lines()
	if len(got) != 1 || !strings.Contains(got[0], "level=INFO") || !strings.Contains(got[0], "the store writes again: 1501 writes failed in 1m30s (500 of them not logged above)") {
		t.Fatalf("the store writing again logged:\n%s", strings.Join(got, "\n"))
	}

	// A new failure later is logged at once again.
	clk.Advance(time.Second)
	log.Error("store events", "err", storeErr, "count", 1)
	if got := lines(); len(got) != 1 || !strings.Contains(got[0], `msg="store events"`) {
		t.Fatalf("a failure after the store wrote again logged:\n%s", strings.Join(got, "\n"))
	}
}
