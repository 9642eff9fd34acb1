package admin_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
)

// TestCampaignSendTimeOnAClockChange: the new-campaign form reads its
// send time in the configured zone. On a day the clocks change it took
// New York's 02:30 on 2026-03-08, a time that does not exist, as 01:30 EST
// (an hour before what was typed), and 01:30 on 2026-11-01, which exists
// twice, as the first (London's as the second), without a word: a
// scanner's click at the real send, an hour from the time kept, counted
// as a person's. Both are refused by the field, saying why, in English
// and Japanese, with what was typed kept and no campaign made; a time of
// that day the clocks show once is kept as typed.
func TestCampaignSendTimeOnAClockChange(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(h *admin.Handler) { h.Workspace.Loc = ny })
	f.clk.Set(time.Date(2026, 3, 1, 15, 0, 0, 0, time.UTC))
	cookie, csrf := f.login(fullToken)
	post := func(id, sent, query string) answer {
		v := url.Values{"id": {id}, "urls": {"https://www.example.com/a"}, "sent_at": {sent}, "csrf": {csrf}}
		return f.req("POST", "/admin/campaigns"+query, v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	}
	exists := func(id string) bool {
		return f.req("GET", "/admin/campaigns/"+id, "", "Authorization", "Bearer "+fullToken).code == 200
	}
	for _, c := range []struct{ sent, en, ja string }{
		{"2026-03-08T02:30", "Send time: 2026-03-08T02:30 does not exist in America/New_York (the clocks skip that time): pick another time.",
			"配信日時：2026-03-08T02:30 は America/New_York では存在しない時刻です（時計がその時刻を飛ばします）。別の時刻を入力してください。"},
		{"2026-11-01T01:30", "Send time: 2026-11-01T01:30 occurs twice in America/New_York (01:30 EDT, then 01:30 EST): pick a time outside it, or give the time with its offset as sentAt to POST /admin/links.",
			"配信日時：2026-11-01T01:30 は America/New_York では 2 回あります（01:30 EDT、続いて 01:30 EST）。その時間帯を避けるか、POST /admin/links の sentAt にオフセット付きの日時で指定してください。"},
	} {
		a := post("dst-news", c.sent, "")
		if a.code != 400 || !strings.Contains(a.body, `<p class="error" role="alert" id="c-error" tabindex="-1" autofocus>`+c.en+`</p>`) || !strings.Contains(a.body, `value="`+c.sent+`"`) || !strings.Contains(a.body, `aria-invalid="true"`) {
			t.Errorf("%s: %d %s", c.sent, a.code, a.body)
		}
		if a := post("dst-news", c.sent, "?lang=ja"); a.code != 400 || !strings.Contains(a.body, c.ja) {
			t.Errorf("%s in Japanese: %d %s", c.sent, a.code, a.body)
		}
		if exists("dst-news") {
			t.Fatalf("%s: a refused send time made the campaign", c.sent)
		}
	}
	for id, c := range map[string]struct{ sent, want string }{
		"spring-news": {"2026-03-08T03:00", "2026-03-08T07:00:00Z"},
		"fall-news":   {"2026-11-01T02:00", "2026-11-01T07:00:00Z"},
		"summer-news": {"2026-07-14T10:00", "2026-07-14T14:00:00Z"},
	} {
		if a := post(id, c.sent, ""); a.code != 303 {
			t.Fatalf("%s: %d %s", c.sent, a.code, a.body)
		}
		a := f.req("GET", "/admin/campaigns/"+id, "", "Authorization", "Bearer "+fullToken)
		var got struct{ Campaign struct{ SentAt time.Time } }
		if a.code != 200 || json.Unmarshal([]byte(a.body), &got) != nil || got.Campaign.SentAt.UTC().Format(time.RFC3339) != c.want {
			t.Errorf("%s: kept %v (%d), want %s", c.sent, got.Campaign.SentAt, a.code, c.want)
		}
	}
}
