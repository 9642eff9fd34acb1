package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
)

// TestImportMakesAPersonAsOfTheirEarliestTouch: a list naming a person
// Baton did not know twice, the seminar of 28 Nov above the exhibition of
// 20 Nov: he was created on the seminar's day with the seminar as his
// source, while the exhibition scored and was the funnel's first touch
// (the lead's date and source hung on the rows' order). Either order, his
// record and his page say he is known since the exhibition, through it.
func TestImportMakesAPersonAsOfTheirEarliestTouch(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	const (
		header     = "氏名,メールアドレス,イベント名,日付,チャネル\r\n"
		seminar    = "伊藤 健,%s,製造業DXセミナー,2026/11/28,セミナー\r\n"
		exhibition = "伊藤 健,%s,Japan IT Week 秋,2026/11/20,展示会\r\n"
	)
	for name, rows := range map[string][]string{"reversed": {seminar, exhibition}, "in date order": {exhibition, seminar}} {
		t.Run(name, func(t *testing.T) {
			im := &offline.Importer{}
			f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
			f.clk.Set(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)) // both days past
			dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
			log := &eventlog.Log{T: f.tb}
			st := &identity.Stitcher{Dir: dir, Log: log}
			*im = offline.Importer{Dir: dir, Link: st, Events: log, Loc: tokyo, Now: f.clk.Now}
			f.h.People, f.h.Timelines = dir, st
			f.h.Workspace = &admin.Workspace{T: f.tb, Loc: tokyo, Now: f.clk.Now}
			mux := http.NewServeMux()
			f.h.Routes(mux)
			srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
			defer srv.Close()
			f.url = srv.URL
			email := "ken.ito@client.example"
			csv := header
			for _, r := range rows {
				csv += strings.ReplaceAll(r, "%s", email)
			}
			a := f.req("POST", "/admin/touches", csv, "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
			var res struct{ Imported, NewPeople int }
			if a.code != 200 || json.Unmarshal([]byte(a.body), &res) != nil || res.Imported != 2 || res.NewPeople != 1 {
				t.Fatalf("%d %s", a.code, a.body)
			}
			p, err := dir.ByEmail(context.Background(), email)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2026, 11, 20, 0, 0, 0, 0, tokyo); !p.CreatedAt.Equal(want) || p.Source != "offline:exhibition" {
				t.Errorf("created %v from %q, want %v from offline:exhibition", p.CreatedAt, p.Source, want)
			}
			for lang, want := range map[string]string{
				"ja": `<th scope="row">流入元</th><td>オフライン接点の取込（展示会）</td></tr><tr><th scope="row">作成日時</th><td>2026年11月20日</td>`,
				"en": `<th scope="row">Source</th><td>offline touch import (Exhibition)</td></tr><tr><th scope="row">Created</th><td>20 Nov 2026</td>`,
			} {
				a = f.req("GET", "/admin/people/"+p.ID+"?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
				if a.code != 200 || !strings.Contains(a.body, want) {
					t.Errorf("%s: %d, want %s in:\n%s", lang, a.code, want, a.body)
				}
			}
		})
	}
}
