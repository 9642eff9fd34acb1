package crm_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/push"
)

// TestWebhookPayloadsCarryNoZeroTime: every webhook payload (mql.created,
// mql.activity, mqa.created, mqa.updated) sent with its times unknown
// (a lead without touches, an activity or member without a time) leaves
// them out: the README promises RFC 3339 times in the configured zone,
// and 0001-01-01T00:00:00Z is none a receiver can use. A lead without
// touches has no firstTouch or lastTouch at all.
func TestWebhookPayloadsCarryNoZeroTime(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	wh := &crm.Webhook{URL: srv.URL, Secret: webhookSecret, Now: func() time.Time { return now }, Loc: time.FixedZone("JST", 9*3600)}
	ctx := context.Background()

	// Zero values, with one zero element in each list and pointer so that
	// their times are marshalled too; a touch known by its channel alone.
	lead := push.Lead{MQLID: "m-zero", PersonID: "p_zero", Activity: []push.Activity{{Type: "page_view"}},
		Reinquiries: []push.FormActivity{{}}, Recycled: &push.Recycled{Outcome: "rejected"}, LastTouch: push.Touch{Channel: "search"}}
	mqa := account.MQA{ID: "acct-q1", People: []account.Member{{}}}
	sends := map[string]func() error{
		"mql.created (empty)": func() error { _, err := wh.Push(ctx, push.Lead{MQLID: "m-empty"}); return err },
		"mql.created":         func() error { _, err := wh.Push(ctx, lead); return err },
		"mql.activity":        func() error { _, err := wh.PushActivity(ctx, push.FormActivity{ID: "f-zero"}); return err },
		"mqa.created":         func() error { _, err := wh.PushAccount(ctx, mqa); return err },
		"mqa.updated":         func() error { return wh.RewriteAccount(ctx, mqa) },
	}
	for name, send := range sends {
		mu.Lock()
		bodies = nil
		mu.Unlock()
		if err := send(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mu.Lock()
		got := strings.Join(bodies, "\n")
		mu.Unlock()
		if got == "" {
			t.Fatalf("%s: nothing sent", name)
		}
		if strings.Contains(got, "0001-01-01") {
			t.Errorf("%s carries a zero time:\n%s", name, got)
		}
		if name == "mql.created (empty)" {
			var p struct {
				Data map[string]json.RawMessage `json:"data"`
			}
			if err := json.Unmarshal([]byte(got), &p); err != nil {
				t.Fatal(err)
			}
			if _, ok := p.Data["firstTouch"]; ok {
				t.Errorf("a lead without touches has a firstTouch:\n%s", got)
			}
			if _, ok := p.Data["lastTouch"]; ok {
				t.Errorf("a lead without touches has a lastTouch:\n%s", got)
			}
		}
	}
}

// TestWebhookPayloadTimesAreOmittedWhenZero: every time.Time the payload
// types hold, however deep, is tagged omitzero (or not marshalled), so a
// time added later cannot go out as 0001-01-01 either.
func TestWebhookPayloadTimesAreOmittedWhenZero(t *testing.T) {
	timeType := reflect.TypeFor[time.Time]()
	seen := map[reflect.Type]bool{}
	var walk func(typ reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ == timeType || seen[typ] {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			tag := f.Tag.Get("json")
			if !f.IsExported() || tag == "-" {
				continue
			}
			if f.Type == timeType && !strings.Contains(tag, ",omitzero") {
				t.Errorf("%s.%s (json %q) is a time.Time marshalled when zero", path, f.Name, tag)
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[push.Lead](), "Lead")
	walk(reflect.TypeFor[push.FormActivity](), "FormActivity")
	walk(reflect.TypeFor[account.MQA](), "MQA")
}
