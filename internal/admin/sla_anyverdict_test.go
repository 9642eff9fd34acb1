package admin_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSLACountsAnyVerdictFromTheInbox: a lead still awaiting an answer at
// its MQL, closed lost from the inbox's verdict form, was counted awaiting
// in the SLA report and the dashboard's Follow-up table, under
// "(unassigned)" (（担当者なし）, responded 0), though the inbox said it
// answered and the reps report named the signed-in user who closed it.
// Every verdict given as the MQL's first answer (lost, or SQL straight
// away) is its answer: responded, by whoever gave it, with its time to
// answer, in the JSON, the CSV and the dashboard in both languages.
func TestSLACountsAnyVerdictFromTheInbox(t *testing.T) {
	for _, c := range []struct {
		outcome, why string
		accepted     int // a lost lead was answered, not accepted
	}{{"lost", "予算なし", 0}, {"sql", "", 1}} {
		t.Run(c.outcome, func(t *testing.T) {
			f := newFixture(t)
			f.h.Reports.SLA = time.Hour
			// answered@: rep-a accepted it 3 hours after the MQL;
			// waiting@: nobody answered it. The clock is 48 hours on.
			q, dir := servedSalesHistory(t, f)
			ctx := context.Background()
			p, err := dir.ByEmail(ctx, "waiting@maker.example")
			if err != nil {
				t.Fatal(err)
			}
			ms, err := q.MQLs(ctx, p.ID)
			if err != nil || len(ms) != 1 {
				t.Fatalf("MQLs: %v %v", ms, err)
			}
			// The inbox card's verdict form, signed in with the admin token.
			cookie, csrf := f.login(fullToken)
			form := url.Values{"outcome": {c.outcome}, "why": {c.why}, "mql": {ms[0].ID}, "back": {"inbox"}, "csrf": {csrf}}
			a := f.req("POST", "/admin/people/"+p.ID+"/outcome", form.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
			if loc := a.hdr.Get("Location"); a.code != 303 || loc != "../../inbox?lead="+ms[0].ID+"&m=outcome#verdict-note" {
				t.Fatalf("verdict: %d %q %s", a.code, loc, a.body)
			}

			// JSON and CSV: the answering user's row, answered 48 hours
			// after the MQL (past the 1-hour SLA); nobody's row none.
			bearer := []string{"Authorization", "Bearer " + readToken}
			j := f.req("GET", "/admin/reports/sla", "", bearer...)
			var body struct{ Rows []map[string]any }
			if j.code != 200 || json.Unmarshal([]byte(j.body), &body) != nil {
				t.Fatalf("JSON: %d %s", j.code, j.body)
			}
			s := f.req("GET", "/admin/reports/sla?format=csv", "", bearer...)
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(s.body, "\ufeff"))).ReadAll()
			if s.code != 200 || err != nil || len(recs) != 1+len(body.Rows) {
				t.Fatalf("CSV: %d %v %q", s.code, err, s.body)
			}
			for _, r := range body.Rows {
				if r["owner"] == "(unassigned)" {
					t.Errorf("an (unassigned) row: %v", r)
				}
			}
			acc := float64(c.accepted)
			rows := map[string]want{
				"(all)":             {"mqls": 2.0, "responded": 2.0, "accepted": 1 + acc, "rejected": 0.0, "withinSla": 0.0, "shareWithin": 0.0, "medianHoursToRespond": 25.5, "openBreaches": 0.0},
				"rep-a":             {"mqls": 1.0, "responded": 1.0, "accepted": 1.0, "medianHoursToRespond": 3.0},
				"BATON_ADMIN_TOKEN": {"mqls": 1.0, "responded": 1.0, "accepted": acc, "rejected": 0.0, "withinSla": 0.0, "shareWithin": 0.0, "medianHoursToRespond": 48.0, "openBreaches": 0.0},
			}
			cols := map[string]string{"mqls": "mqls", "responded": "responded", "accepted": "accepted", "rejected": "rejected", "withinSla": "within_sla",
				"shareWithin": "share_within", "medianHoursToRespond": "median_hours_to_respond", "openBreaches": "open_breaches"}
			checkRows(t, "sla", body.Rows, recs, func(r map[string]any) string { return r["owner"].(string) }, rows, cols)
			if len(body.Rows) != len(rows) {
				t.Errorf("rows %v, want %d", body.Rows, len(rows))
			}

			// The dashboard's Follow-up table, in both languages.
			for lang, w := range map[string]struct{ nobody, all, admin string }{
				"en": {"(unassigned)", "(all)|2|2|" + strconv.Itoa(1+c.accepted) + "|0|0%|25.5|0|0", "Administrator|1|1|" + strconv.Itoa(c.accepted) + "|0|0%|48.0|0|0"},
				"ja": {"（担当者なし）", "（全体）|2|2|" + strconv.Itoa(1+c.accepted) + "|0|0%|25.5|0|0", "管理者|1|1|" + strconv.Itoa(c.accepted) + "|0|0%|48.0|0|0"},
			} {
				d := f.req("GET", "/admin/?lang="+lang, "", append(bearer, "Accept", "text/html")...)
				if d.code != 200 {
					t.Fatalf("dashboard %s: %d", lang, d.code)
				}
				got := slaTable(d.body)
				if len(got) != 3 || got[0] != w.all || !slices.Contains(got, w.admin) || containsPrefix(got, w.nobody) {
					t.Errorf("dashboard %s: SLA rows %q, want %q and %q, no %s", lang, got, w.all, w.admin, w.nobody)
				}
			}
		})
	}
}

// slaTable reads the dashboard's Follow-up (SLA) rows, each its cells'
// text joined by |: the rows whose last cell is its "not delivered".
func slaTable(body string) []string {
	var out []string
	tags := regexp.MustCompile(`<[^>]+>`)
	for _, tr := range regexp.MustCompile(`<tr>(.*?)</tr>`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(tr[1], `<td data-l="not delivered"`) && !strings.Contains(tr[1], `<td data-l="未配信"`) {
			continue
		}
		var cells []string
		for _, td := range regexp.MustCompile(`<td[^>]*>(.*?)</td>`).FindAllStringSubmatch(tr[1], -1) {
			cells = append(cells, tags.ReplaceAllString(td[1], ""))
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

func containsPrefix(rows []string, prefix string) bool {
	for _, r := range rows {
		if strings.HasPrefix(r, prefix+"|") {
			return true
		}
	}
	return false
}
