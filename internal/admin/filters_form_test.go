package admin_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// TestKPIPeriodFromYearOne: a period whose from is 0001-01-01 in a UTC
// zone (the local stack's default) is a period from that day: the last
// reports.MaxKPIMonths months and a note that it was cut. Midnight of that
// day is Go's zero time, and it was read as no from at all (the single
// month of to, "spanned": 1, "cut": false, no note).
func TestKPIPeriodFromYearOne(t *testing.T) {
	f := newFixture(t)
	f.h.Reports.Targets = map[string]int{"mql": 4}
	for _, q := range []string{"from=0001-01-01&to=2026-12-31", "from=0001-01-01T00:00:00Z&to=2026-12-31"} {
		a := f.req("GET", "/admin/reports/kpi?"+q, "", "Authorization", "Bearer "+readToken)
		var b struct {
			Months  []reports.KPIReport
			Spanned int
			Cut     bool
			Note    string
		}
		if a.code != 200 || json.Unmarshal([]byte(a.body), &b) != nil {
			t.Fatalf("%s: %d %s", q, a.code, a.body)
		}
		if !b.Cut || b.Note == "" || len(b.Months) != reports.MaxKPIMonths || b.Spanned < 24000 || b.Months[len(b.Months)-1].Month != "2026-12" {
			t.Errorf("%s: spanned %d, cut %v, %d months; want the last %d months to 2026-12, cut, with a note: %.300s", q, b.Spanned, b.Cut, len(b.Months), reports.MaxKPIMonths, a.body)
		}
	}
	// The month of to alone, as before.
	a := f.req("GET", "/admin/reports/kpi?to=2026-12-31", "", "Authorization", "Bearer "+readToken)
	if a.code != 200 || !strings.Contains(a.body, `"spanned":1`) {
		t.Errorf("to alone: %d %.300s", a.code, a.body)
	}
}

// TestAuditFormatChecked: the audit trail refuses a bad format or lang, or
// one given twice, with a 400 naming it, as the reports do: it took
// format=xml (or format=CSV) for JSON, lang=fr for English and
// format=csv&format=json for a CSV, with status 200. The page says it in
// its language.
func TestAuditFormatChecked(t *testing.T) {
	f := newFixture(t)
	for q, field := range map[string]string{"format=xml": "format", "format=CSV": "format", "format=csv&lang=fr": "lang", "format=csv&format=json": "format", "lang=ja&lang=en": "lang"} {
		a := f.req("GET", "/admin/audit?"+q, "", "Authorization", "Bearer "+readToken)
		var b struct{ Error, Field string }
		if a.code != 400 || json.Unmarshal([]byte(a.body), &b) != nil || b.Field != field || !strings.HasPrefix(b.Error, field+" ") {
			t.Errorf("/admin/audit?%s: %d %.200s, want 400 naming %s", q, a.code, a.body, field)
		}
		if r := f.req("GET", "/admin/reports/funnel?"+q, "", "Authorization", "Bearer "+readToken); r.code != 400 || !strings.Contains(r.body, `"field":"`+field+`"`) {
			t.Errorf("/admin/reports/funnel?%s: %d %.200s (the audit trail is refused as the reports are)", q, r.code, r.body)
		}
	}
	for _, q := range []string{"", "format=json", "format=csv", "format=csv&lang=ja", "format=csv&lang=en", "lang=en"} {
		if a := f.req("GET", "/admin/audit?"+q, "", "Authorization", "Bearer "+readToken); a.code != 200 {
			t.Errorf("/admin/audit?%s: %d %.200s", q, a.code, a.body)
		}
	}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/audit?format=xml", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 400 || !strings.Contains(a.body, "形式（format）は次のいずれかにしてください") || !strings.Contains(a.body, `role="alert"`) {
		t.Errorf("the Japanese page, format=xml: %d %.300s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/audit?format=html", "", "Authorization", "Bearer "+readToken); a.code != 200 || !strings.Contains(a.body, "<html") {
		t.Errorf("format=html: %d %.200s", a.code, a.body)
	}
}

// TestReportChannelChecked: every report refuses a bad by, period, format
// or lang with a 400 naming it; channel, whose values are a fixed set
// (qualify.Channels: search, social, email, paid, referral, direct and the
// offline ones), took anything: channel=メール (the name the Japanese CSV
// and dashboard give email), Email or a typo answered 200 with every
// figure 0, and the dashboard showed an empty funnel without a word. Each
// known channel is taken.
func TestReportChannelChecked(t *testing.T) {
	f := newFixture(t)
	for _, c := range []string{"bogus", "メール", "Email", " email"} {
		for _, path := range []string{"/admin/reports/funnel", "/admin/reports/attribution", "/admin/reports/sla", "/admin/reports/mql-quality", "/admin/reports/reps", "/admin/"} {
			a := f.req("GET", path+"?channel="+url.QueryEscape(c), "", "Authorization", "Bearer "+readToken)
			var b struct{ Error, Field string }
			if a.code != 400 || json.Unmarshal([]byte(a.body), &b) != nil || b.Field != "channel" || !strings.HasPrefix(b.Error, "channel must be one of search, ") {
				t.Errorf("%s?channel=%s: %d %.200s, want 400 naming channel", path, c, a.code, a.body)
			}
		}
	}
	for _, c := range qualify.Channels() {
		if a := f.req("GET", "/admin/reports/funnel?channel="+c, "", "Authorization", "Bearer "+readToken); a.code != 200 {
			t.Errorf("channel=%s: %d %.200s", c, a.code, a.body)
		}
	}
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/?channel="+url.QueryEscape("メール"), "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 400 || !strings.Contains(a.body, "初回接点チャネル（channel）は次のいずれかにしてください") {
		t.Errorf("the Japanese dashboard, channel=メール: %d %.300s", a.code, a.body)
	}
}
