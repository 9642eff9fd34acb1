package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/lambdafn"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/app"
	"github.com/baton-hq/baton/internal/config"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/bolttable"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// flaky fails reads of one visitor, as a throttled or failing table would.
type flaky struct {
	table.Table
	visitor string
}

func (f flaky) Get(ctx context.Context, pk, sk string) (table.Item, error) {
	if pk == "V#"+f.visitor {
		return table.Item{}, errors.New("ProvisionedThroughputExceededException")
	}
	return f.Table.Get(ctx, pk, sk)
}

// now is the tests' clock: the sample stream batches' hour (their
// ApproximateCreationDateTime), handed to the store and the app alike.
func now() time.Time { return time.Date(2026, 11, 24, 14, 0, 30, 0, time.UTC) }

// stores are the backends the stream handler is tested on.
var stores = map[string]func(t *testing.T, dir string) table.Table{
	"bolt": func(t *testing.T, dir string) table.Table {
		bt, err := bolttable.Open(filepath.Join(dir, "baton.db"), bolttable.WithClock(now))
		if err != nil {
			t.Fatal(err)
		}
		return bt
	},
	"dynamodb": func(t *testing.T, dir string) table.Table { return moto.NewTable(t, dynamotable.WithClock(now)) },
}

func newApp(t *testing.T, store, failVisitor string) *app.App {
	env := map[string]string{
		"BATON_DATA": t.TempDir(), "BATON_ADMIN_TOKEN": "REPLACE_WITH_ADMIN_TOKEN", "BATON_RULES": "../../infra/rules.yaml",
	}
	cfg, err := config.FromEnv(func(k string) string { return env[k] }, config.Deployed)
	if err != nil {
		t.Fatal(err)
	}
	bt := stores[store](t, cfg.DataDir)
	tbl := bt
	if failVisitor != "" {
		tbl = flaky{Table: bt, visitor: failVisitor}
	}
	a, err := app.New(context.Background(), cfg, tbl, slog.New(slog.NewTextHandler(io.Discard, nil)), app.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func sample(t *testing.T, name string, replace ...string) events.DynamoDBEvent {
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "score", name))
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(replace...)
	var ev events.DynamoDBEvent
	if err := json.Unmarshal([]byte(r.Replace(string(b))), &ev); err != nil {
		t.Fatal(err)
	}
	// Documents are binary (base64 in the JSON): replace inside them too.
	for i := range ev.Records {
		img := ev.Records[i].Change.NewImage
		if d, ok := img["doc"]; ok && d.DataType() == events.DataTypeBinary {
			img["doc"] = events.NewBinaryAttribute([]byte(r.Replace(string(d.Binary()))))
		}
	}
	return ev
}

func TestStreamBatch(t *testing.T) {
	for store := range stores {
		t.Run(store, func(t *testing.T) { testStreamBatch(t, store) })
	}
}

func testStreamBatch(t *testing.T, store string) {
	a := newApp(t, store, "")
	ctx := context.Background()
	p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "stream-visitor-1", Email: "stream@example.com", Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	var relayed []qualify.MQL
	h := lambdafn.Score(a.Core, func(_ context.Context, m qualify.MQL) error { relayed = append(relayed, m); return nil })
	resp, err := h(ctx, sample(t, "stream_batch.json", "PERSON_ID", p.ID))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	led, _ := a.Qualifier.Ledger(ctx, p.ID)
	got := map[string]bool{}
	for _, c := range led {
		got[c.EventID+"/"+c.Rule] = true
	}
	if !got["s1/pricing-page"] || !got["s2/whitepaper-download"] || got["old/page-view"] {
		t.Fatalf("ledger %v", got)
	}
	if len(relayed) != 1 || relayed[0].ID != p.ID+"-c1" {
		t.Fatalf("relayed %+v", relayed)
	}
	// The same batch again (Lambda retries): nothing changes.
	before := len(led)
	if resp, _ := h(ctx, sample(t, "stream_batch.json", "PERSON_ID", p.ID)); len(resp.BatchItemFailures) != 0 {
		t.Fatal(resp)
	}
	led, _ = a.Qualifier.Ledger(ctx, p.ID)
	if len(led) != before {
		t.Fatalf("replay added ledger entries: %d -> %d", before, len(led))
	}
}

func TestPartialBatchFailure(t *testing.T) {
	for store := range stores {
		t.Run(store, func(t *testing.T) { testPartialBatchFailure(t, store) })
	}
}

func testPartialBatchFailure(t *testing.T, store string) {
	a := newApp(t, store, "fail-visitor")
	ctx := context.Background()
	p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "stream-visitor-1", Email: "partial@example.com", Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := lambdafn.Score(a.Core, nil)(ctx, sample(t, "stream_partial_failure.json"))
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "800" {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	led, _ := a.Qualifier.Ledger(ctx, p.ID)
	ids := map[string]bool{}
	for _, c := range led {
		ids[c.EventID] = true
	}
	if !ids["s4"] || ids["s3"] {
		t.Fatalf("before the failure must be done, after it left for the retry: %v", ids)
	}
}

// TestStopsBeforeTheDeadline: the handler started record after record
// whatever the time left, so a slow batch (a throttled table) ran into the
// function's timeout: Lambda killed it without an answer, the whole batch
// was retried, records done included, and the Errors alarm fired. Now,
// with less than ScoreStartMargin left (the deadline is the context's, the
// time the app's clock), it starts nothing after the first piece of work
// and reports every record not started as a batch item failure; the next
// invocation, with time enough, takes them from there.
func TestStopsBeforeTheDeadline(t *testing.T) {
	for store := range stores {
		t.Run(store, func(t *testing.T) { testStopsBeforeTheDeadline(t, store) })
	}
}

func testStopsBeforeTheDeadline(t *testing.T, store string) {
	a := newApp(t, store, "")
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour) // Lambda's deadline
	defer cancel()
	deadline, _ := ctx.Deadline()
	p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "stream-visitor-1", Email: "stream@example.com", Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	left := lambdafn.ScoreStartMargin / 2
	a.Core.Now = func() time.Time { return deadline.Add(-left) }
	var relayed []qualify.MQL
	h := lambdafn.Score(a.Core, func(_ context.Context, m qualify.MQL) error { relayed = append(relayed, m); return nil })
	batch := sample(t, "stream_batch.json", "PERSON_ID", p.ID)
	resp, err := h(ctx, batch)
	var failed []string
	for _, f := range resp.BatchItemFailures {
		failed = append(failed, f.ItemIdentifier)
	}
	// The first piece of work, the run of events s1 and s2, is scored; the
	// visitor link, the MQL, the removal and the undecodable record are
	// handed back.
	if err != nil || strings.Join(failed, ",") != "300,400,500,600" {
		t.Fatalf("failures %v %v, want 300 to 600 handed back", failed, err)
	}
	led, _ := a.Qualifier.Ledger(ctx, p.ID)
	got := map[string]bool{}
	for _, c := range led {
		got[c.EventID+"/"+c.Rule] = true
	}
	if !got["s1/pricing-page"] || !got["s2/whitepaper-download"] || len(relayed) != 0 {
		t.Fatalf("ledger %v, relayed %+v: want the run scored, the MQL not yet relayed", got, relayed)
	}
	// Lambda retries from the first failure, with time enough.
	left = 2 * lambdafn.ScoreStartMargin
	batch.Records = batch.Records[2:]
	if resp, err := h(ctx, batch); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	if len(relayed) != 1 || relayed[0].ID != p.ID+"-c1" {
		t.Fatalf("relayed %+v", relayed)
	}
}

// TestUndecodableRecordLogged: the record the score function cannot decode
// (the sample's 600) is skipped with one log line lambdafn.RecordSkipped,
// the line the template's metric filter counts for ScoreRecordsSkippedAlarm
// (infra/deploy TestScoreSkipsAlarmed); the records it can decode write none.
func TestUndecodableRecordLogged(t *testing.T) {
	a := newApp(t, "bolt", "")
	ctx := context.Background()
	p, _, err := a.Stitcher.Identify(ctx, identity.Identification{Visitor: "stream-visitor-1", Email: "stream@example.com", Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	a.Core.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	batch := sample(t, "stream_batch.json", "PERSON_ID", p.ID)
	if len(batch.Records) != 6 {
		t.Fatalf("the sample has %d records: this test expects its 6th (600) undecodable", len(batch.Records))
	}
	for _, n := range []int{len(batch.Records), len(batch.Records) - 1} { // with the undecodable record, then without
		logs.Reset()
		batch.Records = batch.Records[:n]
		if resp, err := lambdafn.Score(a.Core, nil)(ctx, batch); err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
		}
		var skipped []string
		for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
			var rec struct{ Msg, Seq string }
			if json.Unmarshal([]byte(l), &rec) == nil && rec.Msg == lambdafn.RecordSkipped {
				skipped = append(skipped, rec.Seq)
			}
		}
		if want := map[bool]string{true: "600", false: ""}[n == 6]; strings.Join(skipped, ",") != want {
			t.Fatalf("%d records: %q lines for %v, want %q:\n%s", n, lambdafn.RecordSkipped, skipped, want, logs.String())
		}
	}
}
