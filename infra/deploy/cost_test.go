package deploy

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/changefeed"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/scorefeed"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// meter records the DynamoDB write request units of what Baton writes: one
// unit per started KB of each item written, twice inside a transaction.
type meter struct {
	table.Table
	mu  sync.Mutex
	wru float64
}

// itemSize follows DynamoDB's item size rules for the attributes dynamotable
// writes (PK, SK, kind, doc, ver, exp, ttl, c_<counter>).
func itemSize(it table.Item) int {
	n := len("PK") + len(it.PK) + len("SK") + len(it.SK) + len("ver") + 21
	if it.Kind != "" {
		n += len("kind") + len(it.Kind)
	}
	if len(it.Data) > 0 {
		n += len("doc") + len(it.Data)
	}
	if !it.Expires.IsZero() {
		n += len("exp") + 21 + len("ttl") + 21
	}
	for k := range it.Counters {
		n += len("c_"+k) + 21
	}
	return n
}

func units(it table.Item) float64 { return math.Ceil(float64(itemSize(it)) / 1024) }

func (m *meter) add(ws []table.Write, factor float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, w := range ws {
		m.wru += units(w.Item) * factor
	}
}

func (m *meter) Put(ctx context.Context, it table.Item, c table.Cond) error {
	m.add([]table.Write{table.Put(it, c)}, 1)
	return m.Table.Put(ctx, it, c)
}
func (m *meter) PutMany(ctx context.Context, ws []table.Write) []error {
	m.add(ws, 1)
	return m.Table.PutMany(ctx, ws)
}
func (m *meter) Transact(ctx context.Context, ws []table.Write) error {
	m.add(ws, 2) // transactional writes cost twice
	return m.Table.Transact(ctx, ws)
}
func (m *meter) Add(ctx context.Context, pk, sk, kind string, d map[string]int64) (map[string]int64, error) {
	m.add([]table.Write{table.AddTo(pk, sk, kind, d)}, 1)
	return m.Table.Add(ctx, pk, sk, kind, d)
}

func (m *meter) take() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	v := m.wru
	m.wru = 0
	return v
}

// TestWriteUnitsPerEvent measures, on the DynamoDB store (moto), the
// write request units each kind of request costs, for the README's cost
// estimate: an anonymous page view must stay one write of one unit, a known
// person's page view three (the event and the score record, pending ledger
// entries riding on it), a repeat one (nothing scored twice, nothing written).
func TestWriteUnitsPerEvent(t *testing.T) {
	env := map[string]string{"BATON_STORE": "dynamodb", "BATON_TABLE": "cost", "BATON_ADMIN_TOKEN": "cost-admin-token-0123456789",
		"BATON_RULES": filepath.Join(root, "infra", "rules.yaml"), "BATON_DATA": t.TempDir()}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
	if err != nil {
		t.Fatal(err)
	}
	dyn := moto.NewTable(t)
	m := &meter{Table: dyn}
	a, err := app.New(context.Background(), cfg, m, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	// Count scoring too: the table's stream read back from moto, handled as
	// the score function handles it. On AWS the MQL relay is an SQS send,
	// which costs no write unit.
	sqsSend := func(context.Context, qualify.MQL) error { return nil }
	score := &changefeed.Consumer{Feed: dyn.Stream(scorefeed.Kinds...), Handle: a.Changes(sqsSend)}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	send := func(body string) float64 {
		m.take()
		req, _ := http.NewRequest("POST", srv.URL+"/e", strings.NewReader(body))
		req.Header.Set("User-Agent", ua)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("%v %v", err, resp)
		}
		if err := score.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		return m.take()
	}
	pv := func(id, vid string) string {
		return `{"type":"page_view","messageId":"` + id + `","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing?utm_source=google&utm_medium=cpc","title":"Pricing","referrer":"https://www.google.com/"}}`
	}
	anon := send(pv("c1", "cost-visitor-1"))
	form := send(`{"type":"form_submit","messageId":"c2","anonymousId":"cost-visitor-1","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"cost@example.com","company":"Cost Co","title":"部長","employees":"500"}}}`)
	known := send(pv("c3", "cost-visitor-1"))
	repeat := send(pv("c3", "cost-visitor-1"))
	t.Logf("WRU per request on DynamoDB: anonymous page view %.0f, form submit that identifies and qualifies %.0f, page view of a known person %.0f, repeated event %.0f", anon, form, known, repeat)
	fmt.Printf("cost: WRU per anonymous page view %.0f, per known person's page view %.0f, per identifying form submit %.0f\n", anon, known, form)
	if anon != 1 {
		t.Fatalf("an anonymous page view costs %.0f write units, want 1 (one item under 1 KB)", anon)
	}
	if known <= anon || form <= known {
		t.Fatalf("scoring must cost more than storing: %v %v %v", anon, known, form)
	}
	if known > 3 {
		t.Fatalf("a known person's page view costs %.0f write units, want at most 3 (the event, the score record written once)", known)
	}
	if repeat != 1 {
		t.Fatalf("a repeated event costs %.0f write units, want 1 (a failed conditional put, nothing scored)", repeat)
	}
	// The README's cost estimate states what is measured here.
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, costs, _ := strings.Cut(string(readme), "### Costs (estimate)")
	costs, _, _ = strings.Cut(costs, "\n### ")
	for _, want := range []string{
		fmt.Sprintf("an anonymous page view is **%.0f WRU**", anon),
		fmt.Sprintf("a page view of a known person **%.0f WRU**", known),
		fmt.Sprintf("a form submit that identifies and qualifies a person **%.0f WRU**", form),
		fmt.Sprintf("known people's page views (%.0fM WRU)", known),
		fmt.Sprintf("a repeated event costs %.0f WRU", repeat),
	} {
		if !strings.Contains(strings.Join(strings.Fields(costs), " "), want) {
			t.Errorf("README, Costs (estimate): no %q, what this test measures", want)
		}
	}
}
