package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/offline"
)

// TestPersonPageSaysWebinarMinutes: Zoom's attendee reports imported with
// no query (POST /admin/touches): the touches are webinars' (the answer
// says the channel came from the report), and the person's timeline says
// how long they attended, their rejoins summed (山田 42 + 48 minutes, Ken
// 92 + 3). The minutes were stored on the touch and shown nowhere.
func TestPersonPageSaysWebinarMinutes(t *testing.T) {
	im := &offline.Importer{}
	f := newFixture(t, func(h *admin.Handler) { h.Touches = im })
	dir := &identity.Directory{T: f.tb, Now: f.clk.Now}
	log := &eventlog.Log{T: f.tb}
	st := &identity.Stitcher{Dir: dir, Log: log}
	*im = offline.Importer{Dir: dir, Link: st, Events: log, Now: f.clk.Now}
	f.h.People, f.h.Timelines = dir, st
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	defer srv.Close()
	f.url = srv.URL
	auth := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	for _, c := range []struct{ file, email, lang, want string }{
		{"zoom_attendee_report_ja.csv", "taro.yamada@client.example", "ja", `<span class="chip">ウェビナー</span> <span class="chip">90 分</span>`},
		{"zoom_attendee_report_en.csv", "ken.ito@client.example", "en", `<span class="chip">webinar</span> <span class="chip">95 min</span>`},
	} {
		report, err := os.ReadFile("../offline/testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		a := f.req("POST", "/admin/touches", string(report), auth...)
		var res struct {
			Imported             int
			Channel, ChannelFrom string
		}
		if a.code != 200 || json.Unmarshal([]byte(a.body), &res) != nil || res.Imported != 2 || res.Channel != "webinar" || res.ChannelFrom != "report" {
			t.Errorf("%s: %d %s", c.file, a.code, a.body)
		}
		p, err := dir.ByEmail(context.Background(), c.email)
		if err != nil {
			t.Fatal(err)
		}
		a = f.req("GET", "/admin/people/"+p.ID+"?lang="+c.lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, c.want) {
			t.Errorf("%s: %d, no %s in\n%s", c.file, a.code, c.want, a.body)
		}
	}
}
