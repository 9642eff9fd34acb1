package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/lambdafn"

	"github.com/aws/aws-lambda-go/events"

	"github.com/baton-hq/baton/internal/testutil/lambdatest"
)

func TestSQSBatch(t *testing.T) {
	var mu sync.Mutex
	got := map[string]int{}
	fail := true
	sfa := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		b, _ := io.ReadAll(r.Body)
		if strings.Contains(string(b), "p2@example.com") && fail {
			w.WriteHeader(503) // the second MQL meets an outage: retried by SQS
			return
		}
		got[r.Header.Get("webhook-id")]++
		w.WriteHeader(200)
	}))
	defer sfa.Close()
	app := lambdatest.NewApp(t, "BATON_WEBHOOK_URL", sfa.URL, "BATON_WEBHOOK_SECRET", "whsec_c2VjcmV0LWZvci1mZWVkYmFjay10ZXN0cw==")
	ctx := context.Background()
	var repl []string
	for i, email := range []string{"p1@example.com", "p2@example.com"} {
		p, _, err := app.People.Ensure(ctx, email, "form")
		if err != nil {
			t.Fatal(err)
		}
		repl = append(repl, "PERSON_"+string(rune('1'+i)), p.ID)
	}
	b, _ := os.ReadFile(filepath.Join("..", "..", "events", "push", "sqs_batch.json"))
	var batch events.SQSEvent
	if err := json.Unmarshal([]byte(strings.NewReplacer(repl...).Replace(string(b))), &batch); err != nil {
		t.Fatal(err)
	}
	var dead []string
	h := lambdafn.Push(app.Pusher, func(_ context.Context, body, reason string) error { dead = append(dead, reason); return nil })
	resp, err := h(ctx, batch)
	if err != nil || len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "m-2" {
		t.Fatalf("failures %+v %v", resp.BatchItemFailures, err)
	}
	if len(dead) != 1 || !strings.Contains(dead[0], "undecodable") {
		t.Fatalf("dead letters %v", dead)
	}
	// SQS delivers the whole batch again: the first is not pushed twice.
	fail = false
	if resp, _ := h(ctx, batch); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("retry failures %+v", resp.BatchItemFailures)
	}
	if len(got) != 2 {
		t.Fatalf("deliveries %v", got)
	}
	for id, n := range got {
		if n != 1 {
			t.Fatalf("%s delivered %d times", id, n)
		}
	}
}
