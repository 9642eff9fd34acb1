package admin_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// TestRecipientWhoNeverClickedIsNoLead: a recipient list made 髙橋 﨑子 a
// person; she never clicked, so nothing of hers was scored and the funnel,
// which counts stage changes, left her out of its leads, while her page
// said ステージ リード (the default of a missing score record). Her page
// and the list's row say what she is, 受信者 / recipient, and why she is
// not a lead yet. The people search by name, which looks through the
// scored people, says that it cannot find such a recipient (her whole
// email does), and it finds a scored 髙橋 typed as 高橋 (itaiji).
func TestRecipientWhoNeverClickedIsNoLead(t *testing.T) {
	f := newFixture(t)
	f.h.Workspace = &admin.Workspace{T: f.tb, Now: f.clk.Now}
	q, log, st := serveScoring(t, f)
	dir, _ := serveRecipients(t, f, f.tb, "dec-news")
	ctx := t.Context()

	// The list's recipient alone: the empty list does not say that a
	// recipient list brings people here; it says how to find her.
	if a := f.req("POST", "/admin/recipients?campaign=dec-news", "email\nfirst@delta.example.jp\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv"); a.code != 200 {
		t.Fatalf("upload: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/people?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html"); !strings.Contains(a.body, "まだクリックしていない受信者はここに並びません") || strings.Contains(a.body, "first@delta.example.jp") {
		t.Errorf("the people list with a recipient who never clicked: %d %s", a.code, a.body)
	}

	// A scored person of the same family name, written with はしご高.
	t0 := f.clk.Now()
	evs := []event.Event{{ID: "v1-a", Type: event.PageView, VisitorID: "v1", URL: "https://www.example.com/pricing", Timestamp: t0, ReceivedAt: t0}}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Identify(ctx, identity.Identification{Visitor: "v1", Email: "ichiro@delta.example.jp", At: t0, Strength: identity.Strong, Fields: map[string]string{"姓": "髙橋", "名": "一郎"}}); err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}

	list := "姓,名,会社名,メールアドレス\n髙橋,﨑子,デルタ,saki@delta.example.jp\n"
	if a := f.req("POST", "/admin/recipients?campaign=dec-news", list, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv"); a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" {
		t.Fatalf("upload: %d %v %s", a.code, a.hdr, a.body)
	}
	saki, err := dir.ByEmail(ctx, "saki@delta.example.jp")
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, hdr ...string) string {
		t.Helper()
		a := f.req("GET", path, "", append([]string{"Authorization", "Bearer " + fullToken, "Accept", "text/html"}, hdr...)...)
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a.body
	}

	// The funnel counts the scored person alone as a lead.
	a := f.req("GET", "/admin/reports/funnel", "", "Authorization", "Bearer "+fullToken)
	var funnel struct {
		Counters map[string]map[string]float64 `json:"counters"`
		Rows     []struct {
			Group  string             `json:"group"`
			Counts map[string]float64 `json:"counts"`
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(a.body), &funnel); err != nil || funnel.Counters["(all)"]["lead"] != 1 || len(funnel.Rows) == 0 || funnel.Rows[0].Counts["lead"] != 1 {
		t.Fatalf("funnel: %v %s", err, a.body)
	}

	// Her page: not リード, 受信者, and why.
	page := get("/admin/people/"+url.PathEscape(saki.ID)+"?lang=ja", "Accept-Language", "ja")
	_, stats, _ := strings.Cut(page, `<div class="stats">`)
	stats, _, _ = strings.Cut(stats, "</div>")
	if !strings.Contains(stats, "<b>受信者</b>") || strings.Contains(stats, "リード") {
		t.Errorf("her page's stage: %q, want 受信者", stats)
	}
	if !strings.Contains(page, "まだリードではありません") {
		t.Errorf("her page does not say she is no lead yet:\n%s", page)
	}
	if en := get("/admin/people/"+url.PathEscape(saki.ID)+"?lang=en", "Accept-Language", "en"); !strings.Contains(en, "<b>recipient</b>") || !strings.Contains(en, "Not a lead yet") {
		t.Errorf("her page in English:\n%s", en)
	}
	// Her row, found by her whole email, says the same.
	row := get("/admin/people?q=saki%40delta.example.jp&lang=ja")
	if !strings.Contains(row, `class="nw">受信者</td>`) || !strings.Contains(row, "髙橋 﨑子") {
		t.Errorf("her row:\n%s", row)
	}
	// Stage リード lists her nowhere: she is not one.
	if body := get("/admin/people?q=saki%40delta.example.jp&stage=lead&lang=ja"); strings.Contains(body, saki.ID) {
		t.Errorf("the leads' list holds the recipient:\n%s", body)
	}

	// By name: the scored 髙橋 is found as typed 高橋 or 髙橋, and the
	// page says why the recipient is not among the results.
	for _, q := range []string{"髙橋", "高橋", "高橋一郎"} {
		body := get("/admin/people?lang=ja&q=" + url.QueryEscape(q))
		if !strings.Contains(body, "ichiro@delta.example.jp") {
			t.Errorf("q=%s does not find 髙橋 一郎:\n%s", q, body)
		}
		if !strings.Contains(body, `id="by-name"`) || !strings.Contains(body, "メールアドレス全体で検索してください") {
			t.Errorf("q=%s does not say a recipient who never clicked is found by email:\n%s", q, body)
		}
	}
}
