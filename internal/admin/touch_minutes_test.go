package admin_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
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
		{"zoom_attendee_report_en.csv", "ken.ito@client.example", "en", `<span class="chip">Webinar</span> <span class="chip">95 min</span>`},
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

// webinarEvent is the offline touch behind oneMQL's MQL (its event e1):
// a webinar report's row, attended 90 minutes.
type webinarEvent struct{}

func (webinarEvent) Timeline(context.Context, string, int) ([]event.Event, error) {
	return []event.Event{{ID: "e1", Type: event.Offline, Timestamp: time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC),
		Properties: map[string]any{"event": "製造業DXウェビナー 第3回", "channel": "webinar", "minutes": 90}}}, nil
}

// TestWhatLedToItNamesTheWebinar: an MQL's "What led to it" names an
// offline touch as the timeline does (its event, channel and minutes): it
// said "オフライン" alone, so sales could not tell which seminar it was.
func TestWhatLedToItNamesTheWebinar(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines, f.h.Scores = rtlPerson{}, webinarEvent{}, oneMQL{}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people/p_1?lang=ja", "", "Cookie", cookie, "Accept", "text/html")
	led, _, _ := strings.Cut(a.body, `<table`) // the MQL cards come before the timeline's table
	_, led, ok := strings.Cut(led, "MQL に至った行動")
	if want := ` <bdi>製造業DXウェビナー 第3回</bdi> <span class="chip">ウェビナー</span> <span class="chip">90 分</span>`; a.code != 200 || !ok || !strings.Contains(led, want) {
		t.Fatalf("person page: %d, want %q after 'MQL に至った行動' in:\n%s", a.code, want, a.body)
	}
}

// absentWebinar is a registrant's webinar touch its report said did not
// happen (eventlog.SetAbsent).
type absentWebinar struct{}

func (absentWebinar) Timeline(context.Context, string, int) ([]event.Event, error) {
	return []event.Event{{ID: "e1", Type: event.Offline, Timestamp: time.Date(2026, 11, 24, 7, 0, 0, 0, time.UTC),
		Properties: map[string]any{"event": "製造業DXウェビナー 第3回", "channel": "webinar", "absent": true}}}, nil
}

// TestTimelineMarksANoShow: a registrant the webinar's report says did not
// come keeps the touch on their timeline (what Baton was told), marked
// 欠席: it read as attended, though it no longer scores.
func TestTimelineMarksANoShow(t *testing.T) {
	f := newFixture(t)
	f.h.People, f.h.Timelines = rtlPerson{}, absentWebinar{}
	cookie, _ := f.login(fullToken)
	for lang, want := range map[string]string{"ja": `<bdi>製造業DXウェビナー 第3回</bdi> <span class="chip scanner">欠席</span>`, "en": `<span class="chip scanner">absent</span>`} {
		a := f.req("GET", "/admin/people/p_1?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s: %d, want %q in:\n%s", lang, a.code, want, a.body)
		}
	}
	f.h.Timelines = webinarEvent{}
	if a := f.req("GET", "/admin/people/p_1", "", "Cookie", cookie, "Accept", "text/html"); strings.Contains(a.body, "absent") || strings.Contains(a.body, "欠席") {
		t.Errorf("an attendee's touch is marked absent")
	}
}
