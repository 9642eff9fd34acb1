package admin_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// labelledRules is the shipped rules file, whose MQL conditions, bands
// and MQA carry labels in Japanese and English, or, drop given, without
// the condition named drop (an MQL's condition since removed).
func labelledRules(t *testing.T, drop string) *rulebook.Rules {
	t.Helper()
	rules, err := rulebook.Load(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var kept []*rulebook.Condition
	for _, c := range rules.MQL {
		if c.Name != drop {
			kept = append(kept, c)
		}
	}
	rules.MQL = kept
	return rules
}

// japanese says a label is one a Japanese reader reads, not the name.
func japanese(label, name string) bool {
	return label != name && strings.ContainsFunc(label, func(r rune) bool { return r > unicode.MaxASCII })
}

// readCSV reads a CSV answer back as Excel would (after its BOM) into
// rows keyed by column name.
func readCSV(t *testing.T, a answer) []map[string]string {
	t.Helper()
	if a.code != 200 || !strings.HasPrefix(a.body, "\ufeff") {
		t.Fatalf("CSV: %d, no BOM: %q", a.code, a.body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("CSV: %v %q", err, a.body)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = rec[i]
		}
		out = append(out, row)
	}
	return out
}

// TestMQLQualityExportsLabels: the MQL quality report's CSV and JSON named
// a condition and a band only by its machine name (hot-and-fit, hot), so a
// Japanese marketing manager opening the file in Excel read internal ids.
// The CSV has a label column beside the value (表示名 with lang=ja), the
// label in the file's language; the JSON rows a label beside the value. A
// grade, and a condition no longer in the rules, repeat the name.
func TestMQLQualityExportsLabels(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f)
	bearer := []string{"Authorization", "Bearer " + readToken}
	rules := labelledRules(t, "")
	for _, c := range []struct {
		lang, label, col, dimension, cond, band string
	}{
		{"ja", "表示名", "値", "集計軸", "条件", "行動帯"},
		{"en", "label", "value", "dimension", "condition", "band"},
	} {
		f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
		rows := readCSV(t, f.req("GET", "/admin/reports/mql-quality?format=csv&lang="+c.lang, "", bearer...))
		seen := map[string]bool{}
		for _, row := range rows {
			name := row[c.col]
			got, ok := row[c.label]
			if !ok {
				t.Fatalf("%s: no %s column in %v", c.lang, c.label, row)
			}
			want := name // a grade
			switch row[c.dimension] {
			case c.cond:
				want = rules.ConditionLabel(name, c.lang)
			case c.band:
				want = rules.BandLabels(c.lang)[name]
			}
			if row[c.dimension] != "grade" && row[c.dimension] != "グレード" && (want == name || c.lang == "ja" && !japanese(want, name)) {
				t.Fatalf("infra/rules.yaml gives %s %s no %s label: %q", row[c.dimension], name, c.lang, want)
			}
			seen[row[c.dimension]] = true
			if got != want {
				t.Errorf("%s: %s %s labelled %q, want %q", c.lang, row[c.dimension], name, got, want)
			}
		}
		if len(seen) != 3 {
			t.Errorf("%s: dimensions %v, want condition, grade and band", c.lang, seen)
		}
		a := f.req("GET", "/admin/reports/mql-quality?lang="+c.lang, "", bearer...)
		var body struct {
			Rows []struct{ Dimension, Value, Label string }
		}
		if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil || len(body.Rows) != len(rows) {
			t.Fatalf("JSON: %d %s", a.code, a.body)
		}
		for _, x := range body.Rows {
			if x.Dimension == "condition" && x.Label != rules.ConditionLabel(x.Value, c.lang) {
				t.Errorf("JSON %s: %s labelled %q", c.lang, x.Value, x.Label)
			}
		}
	}

	// A condition since removed from the rules, and rules without labels:
	// the label column repeats the name, never empty.
	for _, rules := range []*rulebook.Rules{labelledRules(t, "hot-and-fit"), nil} {
		f.h.Lab = nil
		if rules != nil {
			f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
		}
		for _, row := range readCSV(t, f.req("GET", "/admin/reports/mql-quality?format=csv&lang=ja", "", bearer...)) {
			if row["集計軸"] == "条件" && (rules == nil || row["値"] == "hot-and-fit") && row["表示名"] != row["値"] {
				t.Errorf("condition %s not in the rules labelled %q", row["値"], row["表示名"])
			}
			if row["表示名"] == "" {
				t.Errorf("an empty label: %v", row)
			}
		}
	}

	// A label is text the rules file's authors typed: one a spreadsheet
	// would take for a formula is neutralised, as every cell of csvout.
	rules = labelledRules(t, "")
	for _, c := range rules.MQL {
		c.Label = rulebook.Label{Ja: `=HYPERLINK("http://evil.example","高")`}
	}
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	for _, row := range readCSV(t, f.req("GET", "/admin/reports/mql-quality?format=csv&lang=ja", "", bearer...)) {
		if row["集計軸"] == "条件" && row["表示名"] != `'=HYPERLINK("http://evil.example","高")` { // every condition's, with MQLs or none
			t.Errorf("a formula label: %q", row["表示名"])
		}
	}
}

// TestMQLListAndSuggestionsLabelConditions: GET /admin/mqls's and GET
// /admin/inbox's JSON and the rule suggestions' evidence named an MQL's
// condition only by its machine name. Each MQL and inbox lead now has
// conditionLabel beside its condition and each condition's evidence a
// label beside its name, in ?lang='s language; a condition no longer in
// the rules the name.
func TestMQLListAndSuggestionsLabelConditions(t *testing.T) {
	f := newFixture(t)
	q, _, _ := salesHistory(t, f)
	rules := labelledRules(t, "")
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	ctx := context.Background()
	ms, _, err := q.MQLPage(ctx, "", time.Time{}, time.Time{}, 10)
	if err != nil || len(ms) != 2 {
		t.Fatalf("MQLs %v %v", ms, err)
	}
	for _, m := range ms {
		if _, err := inbox.Push(ctx, push.Lead{MQLID: m.ID, PersonID: m.Person, Email: m.Email, Condition: m.Condition, QualifiedAt: m.At, Cycle: m.Cycle}); err != nil {
			t.Fatal(err)
		}
	}
	serveScoring(t, f) // the scoring, lab and inbox routes, Lab set
	bearer := []string{"Authorization", "Bearer " + fullToken}
	for _, lang := range []string{"ja", "en"} {
		for _, path := range []string{"/admin/inbox?lang=" + lang, "/admin/inbox?show=awaiting&lang=" + lang} {
			a := f.req("GET", path, "", bearer...)
			var body struct {
				Leads []struct{ Condition, ConditionLabel string }
			}
			if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil || len(body.Leads) == 0 {
				t.Fatalf("%s: %d %s", path, a.code, a.body)
			}
			for _, l := range body.Leads {
				if want := rules.ConditionLabel(l.Condition, lang); l.ConditionLabel != want || want == l.Condition {
					t.Errorf("%s: %s labelled %q, want %q", path, l.Condition, l.ConditionLabel, want)
				}
			}
		}
		for _, path := range []string{"/admin/mqls?lang=" + lang, "/admin/mqls?grade=A&lang=" + lang, "/admin/mqls?condition=hot-and-fit&lang=" + lang} {
			a := f.req("GET", path, "", bearer...)
			var body struct {
				MQLs []struct{ Condition, ConditionLabel string }
			}
			if a.code != 200 || json.Unmarshal([]byte(a.body), &body) != nil {
				t.Fatalf("%s: %d %s", path, a.code, a.body)
			}
			if path != "/admin/mqls?grade=A&lang="+lang && len(body.MQLs) != 2 {
				t.Fatalf("%s: %s", path, a.body)
			}
			for _, m := range body.MQLs {
				if want := rules.ConditionLabel(m.Condition, lang); m.ConditionLabel != want || want == m.Condition || lang == "ja" && !japanese(want, m.Condition) {
					t.Errorf("%s: %s labelled %q, want %q", path, m.Condition, m.ConditionLabel, want)
				}
			}
		}
		a := f.req("GET", "/admin/rules/suggestions?format=json&min_outcomes=1&lang="+lang, "", bearer...)
		var s struct {
			Items []struct{ Kind, Name, Label string }
		}
		if a.code != 200 || json.Unmarshal([]byte(a.body), &s) != nil {
			t.Fatalf("suggestions: %d %s", a.code, a.body)
		}
		n := 0
		for _, e := range s.Items {
			if e.Kind == "condition" {
				n++
				if want := rules.ConditionLabel(e.Name, lang); e.Label != want {
					t.Errorf("suggestions %s: %s labelled %q, want %q", lang, e.Name, e.Label, want)
				}
			}
		}
		if n == 0 {
			t.Errorf("suggestions: no condition's evidence in %s", a.body)
		}
	}
	f.h.Lab.Rules = labelledRules(t, "hot-and-fit")
	a := f.req("GET", "/admin/mqls?lang=ja", "", bearer...)
	if a.code != 200 || !strings.Contains(a.body, `"condition":"hot-and-fit"`) || !strings.Contains(a.body, `"conditionLabel":"hot-and-fit"`) {
		t.Errorf("a condition no longer in the rules: %d %s", a.code, a.body)
	}
}

// TestAccountMQAsLabelled: an account's JSON named its MQAs' rule only by
// the rules file's mqa.name; each now has conditionLabel, the rule's label
// in ?lang='s language (the name without one).
func TestAccountMQAsLabelled(t *testing.T) {
	f := newFixture(t)
	const id = "a0000000000000001"
	ctx := context.Background()
	data := `{"id":"` + id + `","name":"株式会社アクメ","keys":["d:acme.co.jp"],"attributes":{"company":"株式会社アクメ"},` +
		`"members":[{"person":"p_1","email":"a@acme.co.jp","lastActive":"2026-11-20T09:00:00Z"}]}`
	rules := labelledRules(t, "")
	if rules.MQA == nil || !japanese(rules.MQALabel(rules.MQA.Name, "ja"), rules.MQA.Name) {
		t.Fatal("infra/rules.yaml has no mqa with a Japanese label")
	}
	it, err := account.MQA{ID: id + "-q1", Account: id, Name: "株式会社アクメ", N: 1, Condition: rules.MQA.Name}.Item()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.tb.Transact(ctx, []table.Write{
		table.Put(table.Item{PK: "ACCTS", SK: id, Kind: "account", Data: []byte(data)}, table.Always),
		table.Put(table.Item{PK: "ACCTKEY#d:acme.co.jp", SK: "KEY", Kind: "accountkey", Data: []byte(id)}, table.Always),
		table.Put(it, table.Always),
	}); err != nil {
		t.Fatal(err)
	}
	f.h.Accounts = &account.Book{T: f.tb}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.SecurityHeaders(httpx.Routes(mux)))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	for _, c := range []struct {
		rules *rulebook.Rules
		lang  string
		want  string
	}{
		{rules, "ja", rules.MQALabel(rules.MQA.Name, "ja")},
		{rules, "en", rules.MQALabel(rules.MQA.Name, "en")},
		{nil, "ja", rules.MQA.Name},
	} {
		f.h.Lab = nil
		if c.rules != nil {
			f.h.Lab = lab.New(f.tb, c.rules, nil, "rules.yaml", nil, f.clk.Now)
		}
		a := f.req("GET", "/admin/accounts/"+id+"?lang="+c.lang, "", "Authorization", "Bearer "+fullToken)
		var v struct {
			MQAList []struct{ Condition, ConditionLabel string }
		}
		if a.code != 200 || json.Unmarshal([]byte(a.body), &v) != nil || len(v.MQAList) != 1 {
			t.Fatalf("%s: %d %s", c.lang, a.code, a.body)
		}
		if m := v.MQAList[0]; m.Condition != rules.MQA.Name || m.ConditionLabel != c.want {
			t.Errorf("%s: %+v, want label %q", c.lang, m, c.want)
		}
	}
}

// TestDashboardChartNamesConditionsByLabel: the dashboard's MQL→SQL rate
// by condition drew its bars under the rule's name (hot-and-fit) while the
// table below it named the same condition by its label.
func TestDashboardChartNamesConditionsByLabel(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f)
	serveScoring(t, f)
	rules := labelledRules(t, "")
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	bar := regexp.MustCompile(`<text x="0" y="\d+" dy="15">(?:<tspan class="wide">)?([^<]*)<`)
	for _, lang := range []string{"ja", "en"} {
		a := f.req("GET", "/admin/?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", lang, a.code, a.body)
		}
		var bars []string
		for _, m := range bar.FindAllStringSubmatch(a.body, -1) {
			bars = append(bars, html.UnescapeString(m[1]))
		}
		want := rules.ConditionLabel("hot-and-fit", lang)
		labelled := slices.ContainsFunc(bars, func(b string) bool { // a long label is cut to fit, ending in …
			return b == want || strings.HasSuffix(b, "…") && strings.HasPrefix(want, strings.TrimSuffix(b, "…"))
		})
		if want == "hot-and-fit" || !labelled || slices.Contains(bars, "hot-and-fit") {
			t.Errorf("%s: the chart's bars %q, want %q for hot-and-fit", lang, bars, want)
		}
	}
}

// TestMQLQualityListsEveryRule: the MQL quality report listed only the
// conditions and bands that produced an MQL in the period, so a rule that
// qualified nobody, what tuning the definition looks for, was missing; and
// its rows came band, condition, grade (the English names' order). Every
// condition and band of the rules is a row (zeros when it produced none),
// conditions first, then bands, each in the rules file's order, then
// grades.
func TestMQLQualityListsEveryRule(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f)
	rules := labelledRules(t, "")
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	rows := readCSV(t, f.req("GET", "/admin/reports/mql-quality?format=csv", "", "Authorization", "Bearer "+readToken))
	var got, want []string
	for _, row := range rows {
		got = append(got, row["dimension"]+":"+row["value"])
	}
	for _, c := range rules.MQL {
		want = append(want, "condition:"+c.Name)
	}
	for _, b := range rules.Bands {
		want = append(want, "band:"+b.Name)
	}
	if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Fatalf("rows %v, want %v first, then grades", got, want)
	}
	for _, g := range got[len(want):] {
		if !strings.HasPrefix(g, "grade:") {
			t.Errorf("after the rules' conditions and bands: %s", g)
		}
	}
	zero := 0
	for _, row := range rows {
		if row["dimension"] == "condition" && row["mqls"] == "0" {
			zero++
		}
	}
	if zero == 0 || zero == len(rules.MQL) {
		t.Errorf("%d conditions with no MQL, want some but not all (the fixture qualifies by one)", zero)
	}
}

// TestDashboardQualityListsEveryCondition: the dashboard's MQL quality
// table listed only the conditions that produced MQLs in the period, while
// the report (and its CSV one link below) lists every condition of the
// rules: a condition that qualified nobody, what tuning looks for, was
// missing from the page. It lists each, in the rules file's order, zero
// where it qualified nobody (no link to an empty list).
func TestDashboardQualityListsEveryCondition(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f)
	serveScoring(t, f)
	rules := labelledRules(t, "")
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	a := f.req("GET", "/admin/?lang=en", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	cell := regexp.MustCompile(`<tr><td data-l="Condition">([^<]*)</td><td data-l="MQL" class="n">(<a href="mqls\?condition=[^"]*">\d+</a>|0)</td>`)
	var got, want []string
	zero := 0
	for _, m := range cell.FindAllStringSubmatch(a.body, -1) {
		got = append(got, html.UnescapeString(m[1]))
		if m[2] == "0" {
			zero++
		}
	}
	for _, c := range rules.MQL {
		want = append(want, rules.ConditionLabel(c.Name, "en"))
	}
	if !slices.Equal(got, want) || zero == 0 || zero == len(want) {
		t.Errorf("the table's conditions %q (%d with no MQL), want %q, some with none", got, zero, want)
	}
}

// TestMQLListFilterInRulesOrder: the MQL list's condition filter listed
// the conditions sorted by name (bant-confirmed, cross-scoring,
// hot-and-fit) while the dashboard and reports list them in the rules
// file's order; the filter does too.
func TestMQLListFilterInRulesOrder(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f)
	serveScoring(t, f)
	rules := labelledRules(t, "")
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	a := f.req("GET", "/admin/mqls?lang=en", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	sel := regexp.MustCompile(`(?s)<select id="f-cond" name="condition">(.*?)</select>`).FindStringSubmatch(a.body)
	if a.code != 200 || sel == nil {
		t.Fatalf("%d %s", a.code, a.body)
	}
	var got, want []string
	for _, m := range regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(sel[1], -1) {
		got = append(got, m[1])
	}
	for _, c := range rules.MQL {
		want = append(want, c.Name)
	}
	if !slices.Equal(got, want) || slices.IsSorted(want) {
		t.Errorf("the filter's conditions %q, want the rules' order %q (not sorted by name)", got, want)
	}
}

// TestSuggestionsPageLabelsConditions: the suggestions page's rows named
// an MQL condition by its machine name (MQL 条件 hot-and-fit) while the
// rules page beside it names it by label; it says the label.
func TestSuggestionsPageLabelsConditions(t *testing.T) {
	f := newFixture(t)
	salesHistory(t, f)
	rules := labelledRules(t, "")
	f.h.Lab = lab.New(f.tb, rules, nil, "rules.yaml", nil, f.clk.Now)
	serveScoring(t, f)
	for _, lang := range []string{"ja", "en"} {
		a := f.req("GET", "/admin/rules/suggestions?min_outcomes=1&lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		want := `<span class="why">` + html.EscapeString(rules.ConditionLabel("hot-and-fit", lang)) + `</span>`
		if a.code != 200 || !strings.Contains(a.body, want) || strings.Contains(a.body, `<span class="why">hot-and-fit</span>`) {
			t.Errorf("%s: want %s: %d\n%s", lang, want, a.code, a.body)
		}
	}
}
