package push_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	bclock "github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
)

// takesAccounts records the MQAs handed to it.
type takesAccounts struct{ got []account.MQA }

func (c *takesAccounts) Name() string                                    { return "rec" }
func (c *takesAccounts) Push(context.Context, push.Lead) (string, error) { return "", nil }
func (c *takesAccounts) PushAccount(_ context.Context, m account.MQA) (string, error) {
	c.got = append(c.got, m)
	return m.ID, nil
}

// TestMQATimesInConfiguredZone: an MQA reaches the SFA with its times in
// the configured zone, as an MQL's are: the stored MQA is in UTC, and a
// Japanese sales team read "最終活動 2026-11-24 22:00" for a visit at 07:00
// JST the next morning, and Salesforce's Task was dated the day before.
func TestMQATimesInConfiguredZone(t *testing.T) {
	ctx := context.Background()
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	raised := time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC) // 2026-11-25 08:30 JST
	clk := bclock.NewManual(raised)
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	rec := &takesAccounts{}
	w := &push.Worker{T: tb, Dir: &identity.Directory{T: tb, Now: clk.Now}, Now: clk.Now, Loc: tokyo, Lang: "ja", Connectors: []push.Connector{rec}}
	m := account.MQA{ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", N: 1, At: raised, Condition: "mqa",
		People: []account.Member{{Name: "山田 太郎", Email: "yamada@maker.example", LastActive: time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)}}}
	it, err := m.Item()
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, it, table.Always); err != nil {
		t.Fatal(err)
	}
	if res := w.DeliverAccount(ctx, m); !res.Done {
		t.Fatalf("%+v", res)
	}
	if len(rec.got) != 1 {
		t.Fatalf("delivered %d MQAs", len(rec.got))
	}
	got := rec.got[0]
	if day := got.At.Format(time.DateOnly); day != "2026-11-25" {
		t.Errorf("the MQA is of %s to the SFA (its Task's date), raised on 2026-11-25 in Tokyo", day)
	}
	if s := got.Summary(); !strings.Contains(s, "最終活動 2026-11-25 07:00") {
		t.Errorf("summary's times not in JST:\n%s", s)
	}
	if !got.At.Equal(raised) {
		t.Errorf("the MQA's instant changed: %v", got.At)
	}
}

// TestMQADeliveredWithSites: delivery hands a connector the MQA with the
// team's sites (Worker.Sites), by which its summary marks a member's
// off-site URL (a form's name field holding https://evil.example/x), as
// it hands an MQL's lead.
func TestMQADeliveredWithSites(t *testing.T) {
	ctx := context.Background()
	clk := bclock.NewManual(time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC))
	tb, err := bolttable.Open(filepath.Join(t.TempDir(), "b.db"), bolttable.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	defer tb.Close()
	rec := &takesAccounts{}
	w := &push.Worker{T: tb, Dir: &identity.Directory{T: tb, Now: clk.Now}, Now: clk.Now, Loc: time.UTC, Sites: []string{"www.example.com"}, Connectors: []push.Connector{rec}}
	m := account.MQA{ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", N: 1, At: clk.Now(), Condition: "mqa",
		People: []account.Member{{Name: "https://evil.example/x", Email: "a@maker.example", LastActive: clk.Now()}}}
	it, err := m.Item()
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, it, table.Always); err != nil {
		t.Fatal(err)
	}
	if res := w.DeliverAccount(ctx, m); !res.Done || len(rec.got) != 1 {
		t.Fatalf("%+v, %d delivered", res, len(rec.got))
	}
	if s := rec.got[0].Summary(); strings.Contains(s, "evil.example") || !strings.Contains(s, "[other site, unverified] evil[.]example/x") {
		t.Errorf("the delivered MQA's summary does not mark the off-site URL:\n%s", s)
	}
}
