package audit_test

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/table"
)

// putCount counts a table's writes.
type putCount struct {
	table.Table
	n int
}

func (p *putCount) Put(ctx context.Context, it table.Item, c table.Cond) error {
	p.n++
	return p.Table.Put(ctx, it, c)
}

func (p *putCount) Add(ctx context.Context, pk, sk, kind string, d map[string]int64) (map[string]int64, error) {
	p.n++
	return p.Table.Add(ctx, pk, sk, kind, d)
}

// BenchmarkRefusals: a flood of wrong tokens from one address, one every
// millisecond of the injected clock, on the embedded store (durable
// writes): counted (Log.Refuse) against an entry each (Log.Record, what
// the trail would cost without the bound), with the writes each costs.
func BenchmarkRefusals(b *testing.B) {
	ctx := context.Background()
	addr := netip.MustParseAddr("192.0.2.77")
	for _, mode := range []string{"counted", "entry-each"} {
		b.Run(mode, func(b *testing.B) {
			clk := clock.NewManual(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
			tb := &putCount{Table: open(b, clk.Now)}
			l := &audit.Log{T: tb, Now: clk.Now}
			b.ResetTimer()
			for range b.N {
				var err error
				if mode == "counted" {
					err = l.Refuse(ctx, audit.Refusal{Via: "session", Route: "POST /admin/login", Method: "POST", Status: 401, Reason: audit.ReasonUnknownToken, Addr: addr})
				} else {
					err = l.Record(ctx, audit.Entry{Via: "session", Route: "POST /admin/login", Method: "POST", Status: 401, Reason: audit.ReasonUnknownToken, Addr: "192.0.2.0"})
				}
				if err != nil {
					b.Fatal(err)
				}
				clk.Advance(time.Millisecond)
			}
			b.ReportMetric(float64(tb.n)/float64(b.N), "writes/op")
		})
	}
}
