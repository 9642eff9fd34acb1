package admin_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// TestJapanesePagesSayValuesInJapanese: English values inside Japanese
// text. A read-only session's refusal said "このトークンには write の権限が
// ありません"; a score contribution of an event with no page said
// "(form_submit)"; the inbox said "初回接点: ダイレクト" with an English
// colon. The scope is named in Japanese (with the name admin_tokens gives
// it), the event type as the timeline names it, and the punctuation is
// Japanese.
func TestJapanesePagesSayValuesInJapanese(t *testing.T) {
	f := newFixture(t)
	q, dir, log := salesHistory(t, f) // contact-form submits without a URL
	ctx := context.Background()
	f.h.Scores, f.h.People, f.h.Timelines = q, dir, &identity.Stitcher{Dir: dir, Log: log}
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Inbox: inbox}
	p, err := dir.ByEmail(ctx, "waiting@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := inbox.Push(ctx, push.Lead{MQLID: p.ID + "-c1", PersonID: p.ID, Email: p.Email, Condition: "hot-and-fit", Cycle: 1, QualifiedAt: f.clk.Now(), FirstTouch: push.Touch{Channel: "direct"}}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	get := func(path string) string {
		t.Helper()
		a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a.body
	}
	if b := get("/admin/people/" + p.ID + "?lang=ja"); !strings.Contains(b, "（フォーム送信）") || strings.Contains(b, "form_submit") {
		t.Errorf("the ledger names the event type in English:\n%s", b)
	}
	if b := get("/admin/inbox?lang=ja"); !strings.Contains(b, "初回接点：ダイレクト") || !strings.Contains(b, "hot-and-fit：") {
		t.Errorf("the inbox's punctuation is English:\n%s", b)
	}
	ro, csrf := f.login(readToken)
	a := f.req("POST", "/admin/campaigns?lang=ja", "csrf="+csrf+"&id=x", "Cookie", ro, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 403 || !strings.Contains(a.body, "このトークンには書き込み（write）の権限がありません") {
		t.Errorf("a read-only session's refusal: %d %s", a.code, a.body)
	}
}
