package collect_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/internaltraffic"
)

// TestInternalTraffic: the tag's requests from the company's networks
// (httptest's client is 192.0.2.1) are answered as stored, saying why, and
// store nothing; an event naming a staff email is left out wherever it
// comes from, the rest of its request stored; others are stored as ever.
func TestInternalTraffic(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	var err error
	if e.h.Internal, err = internaltraffic.Parse([]string{"192.0.2.0/24"}, nil); err != nil {
		t.Fatal(err)
	}
	w := e.do("POST", "/e", "["+body("office-1")+"]", nil)
	if w.Code != 202 || !strings.Contains(w.Body.String(), "internal_traffic.ips") {
		t.Fatalf("from the office: %d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(ctx, "anon-fallback-1"); len(evs) != 0 {
		t.Fatalf("stored from the office: %+v", evs)
	}

	e = newEnv(t)
	if e.h.Internal, err = internaltraffic.Parse([]string{"198.51.100.0/24"}, []string{"baton.example"}); err != nil {
		t.Fatal(err)
	}
	form := func(id, email string) string {
		return `{"type":"form_submit","messageId":"` + id + `","anonymousId":"anon-fallback-1","properties":{"url":"https://www.example.com/contact","fields":{"email":"` + email + `"}}}`
	}
	// A member of staff testing the form from home: the page view is a
	// visitor's like any other, the form no lead.
	if w := e.do("POST", "/e", "["+body("home-1")+","+form("f-staff", "taro@tokyo.baton.example")+"]", nil); w.Code != 204 {
		t.Fatalf("page and staff form: %d %s", w.Code, w.Body)
	}
	evs, _ := e.log.Visitor(ctx, "anon-fallback-1")
	if len(evs) != 1 || evs[0].ID != "home-1" {
		t.Fatalf("stored %+v", evs)
	}
	if _, err := e.dir.ByEmail(ctx, "taro@tokyo.baton.example"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("a staff member became a person: %v", err)
	}
	if w := e.do("POST", "/e", "["+form("f-staff-2", "hanako@baton.example")+"]", nil); w.Code != 202 || !strings.Contains(w.Body.String(), "internal_traffic.email_domains") {
		t.Fatalf("staff form alone: %d %s", w.Code, w.Body)
	}
	if w := e.do("POST", "/e", "["+form("f-lead", "buyer@maker.example")+"]", nil); w.Code != 204 {
		t.Fatalf("a lead's form: %d %s", w.Code, w.Body)
	}
	if _, err := e.dir.ByEmail(ctx, "buyer@maker.example"); err != nil {
		t.Fatalf("a lead's form identified nobody: %v", err)
	}

	// The Segment API: a staff identify is left out, a success (the SDK
	// would send a refused batch again), the rest stored.
	seg := map[string]string{"Content-Type": "application/json", "Authorization": "Basic d3JpdGUta2V5LTAxMjM0NTY3ODk6"}
	b := `{"batch":[` +
		`{"type":"identify","anonymousId":"seg-i-1","messageId":"s-staff","traits":{"email":"jiro@baton.example"}},` +
		`{"type":"track","event":"Demo Requested","anonymousId":"seg-i-1","messageId":"s-ok"}]}`
	w = e.do("POST", "/v1/batch", b, seg)
	var got struct{ Success bool }
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != 200 || !got.Success {
		t.Fatalf("segment batch: %d %s", w.Code, w.Body)
	}
	if evs, _ := e.log.Visitor(ctx, "seg-i-1"); len(evs) != 1 || evs[0].ID != "s-ok" {
		t.Fatalf("segment batch stored %+v", evs)
	}
	if _, err := e.dir.ByEmail(ctx, "jiro@baton.example"); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("a staff identify made a person: %v", err)
	}
}
