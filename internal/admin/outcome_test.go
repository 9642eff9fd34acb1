package admin_test

import (
	"context"
	"html"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestInboxVerdictSaysWhenNotApplied: the inbox's verdict form said
// "Sales' verdict recorded." whatever the verdict did; the JSON API said
// {"applied": false, "ignored": "not allowed: recycled -> lost"}. The page the
// form goes back to says the verdict was not applied and why (a verdict
// that cannot follow the person's stage, the same form sent twice, a
// stage the person is at already), in English and Japanese; an applied
// one still says recorded. The note is built from words the page knows:
// a crafted link puts none of its own on the page.
func TestInboxVerdictSaysWhenNotApplied(t *testing.T) {
	f := newFixture(t)
	q, dir := servedSalesHistory(t, f) // answered@: accepted, sql, lost (recycled); waiting@: an MQL nobody answered
	ctx := context.Background()
	person := func(email string) string {
		p, err := dir.ByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	recycled, waiting := person("answered@maker.example"), person("waiting@maker.example")
	ms, err := q.MQLs(ctx, waiting)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs: %v %v", ms, err)
	}
	cookie, csrf := f.login(fullToken)
	// verdict posts the inbox's form and reads the page it goes back to.
	verdict := func(id string, form url.Values, lang string) (loc, note string) {
		t.Helper()
		form.Set("csrf", csrf)
		a := f.req("POST", "/admin/people/"+id+"/outcome", form.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
		loc = a.hdr.Get("Location")
		rest, ok := strings.CutPrefix(loc, "../"+id+"?")
		if a.code != 303 || !ok {
			t.Fatalf("%v: %d %s %s", form, a.code, loc, a.body)
		}
		return loc, page(t, f, "/admin/people/"+id+"?"+rest+"&lang="+lang, cookie)
	}

	// recycled -> lost: sales closed the lead already; the page says so
	// and how to take it back.
	if rec, _ := q.Record(ctx, recycled); rec.Stage != qualify.StageRecycled {
		t.Fatalf("stage %s", rec.Stage)
	}
	loc, note := verdict(recycled, url.Values{"outcome": {"lost"}, "why": {"予算なし"}}, "en")
	if strings.Contains(note, "recorded") || !strings.Contains(loc, "m=not-applied") ||
		note != "Sales' verdict Lost was not applied: sales closed this lead already, and it went back to nurturing. To take it back, record it accepted (or its deal's stage)." {
		t.Errorf("recycled -> lost: %s: %q", loc, note)
	}
	if _, note := verdict(recycled, url.Values{"outcome": {"lost"}, "why": {"予算なし"}}, "ja"); note != "営業の判定「失注」は反映されませんでした。このリードは営業がすでにクローズし、ナーチャリングに戻っています。引き戻すときは「受入」（または商談のステージ）を記録してください。" {
		t.Errorf("recycled -> lost in Japanese: %q", note)
	}
	if rec, _ := q.Record(ctx, recycled); rec.Stage != qualify.StageRecycled {
		t.Errorf("a refused verdict moved the person to %s", rec.Stage)
	}
	// recycled -> sql: sales take the lead back (it said "not applied"
	// and the rep's verdict was lost), minutes after they closed it.
	f.clk.Set(f.clk.Now().Add(5 * time.Minute))
	if _, note := verdict(recycled, url.Values{"outcome": {"sql"}}, "en"); note != "Sales' verdict recorded." {
		t.Errorf("recycled -> sql: %q", note)
	}
	if rec, _ := q.Record(ctx, recycled); rec.Stage != qualify.StageSQL {
		t.Errorf("taken back: stage %s", rec.Stage)
	}

	// An applied verdict says recorded; the same form again says it was
	// recorded already; accepted again without the MQL: at that stage already.
	accept := url.Values{"outcome": {"accepted"}, "mql": {ms[0].ID}}
	if _, note := verdict(waiting, accept, "en"); note != "Sales' verdict recorded." {
		t.Errorf("an applied verdict: %q", note)
	}
	if _, note := verdict(waiting, accept, "en"); note != "Sales' verdict Accepted (SAL) was not applied: it was recorded for this MQL already." {
		t.Errorf("the same form again: %q", note)
	}
	if _, note := verdict(waiting, accept, "ja"); note != "営業の判定「受入（SAL）」は反映されませんでした。この MQL にはすでに記録されています。" {
		t.Errorf("the same form again in Japanese: %q", note)
	}
	if _, note := verdict(waiting, url.Values{"outcome": {"accepted"}}, "en"); note != "Sales' verdict Accepted (SAL) was not applied: the person is at that stage already." {
		t.Errorf("at that stage already: %q", note)
	}
	if _, note := verdict(waiting, url.Values{"outcome": {"accepted"}}, "ja"); note != "営業の判定「受入（SAL）」は反映されませんでした。この人はすでにそのステージにいます。" {
		t.Errorf("at that stage already in Japanese: %q", note)
	}
	// Accepted for an SQL was "stale" (an invalid transition): the person
	// is past it.
	if _, note := verdict(waiting, url.Values{"outcome": {"sql"}}, "en"); note != "Sales' verdict recorded." {
		t.Errorf("sql: %q", note)
	}
	if _, note := verdict(waiting, url.Values{"outcome": {"accepted"}}, "en"); note != "Sales' verdict Accepted (SAL) was not applied: the person is past it already, at stage SQL." {
		t.Errorf("past it: %q", note)
	}
	if _, note := verdict(waiting, url.Values{"outcome": {"accepted"}}, "ja"); note != "営業の判定「受入（SAL）」は反映されませんでした。この人はすでにその先のステージ「SQL」にいます。" {
		t.Errorf("past it in Japanese: %q", note)
	}

	// The inbox's form names where it goes back to (back): the inbox, at
	// its filter, with what the verdict did (the stack's tests read the
	// page); anything else there is no address, and the person's page it
	// stays.
	for _, c := range []struct{ back, outcome, loc string }{
		{"awaiting", "opportunity", "../../inbox?show=awaiting&m=outcome"},
		{"inbox", "opportunity", "../../inbox?m=not-applied&outcome=opportunity&stage=opportunity&why=already"},
		{"https://evil.example/", "won", "../" + waiting + "?m=outcome"},
	} {
		form := url.Values{"outcome": {c.outcome}, "back": {c.back}, "csrf": {csrf}}
		a := f.req("POST", "/admin/people/"+waiting+"/outcome", form.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded")
		if loc := a.hdr.Get("Location"); a.code != 303 || loc != c.loc {
			t.Errorf("back=%s: %d %q, want %q", c.back, a.code, loc, c.loc)
		}
	}

	// A crafted link: only the page's own words.
	for query, want := range map[string]string{
		"m=not-applied&outcome=sql&why=order&stage=%3Cb%3Eyou+were+hacked": "Sales' verdict SQL was not applied.",
		"m=not-applied&outcome=please-call-0120&why=duplicate":             "Sales' verdict was not applied.",
		"m=not-applied&outcome=won&why=anything":                           "Sales' verdict Won was not applied.",
	} {
		if note := page(t, f, "/admin/people/"+waiting+"?"+query, cookie); note != want {
			t.Errorf("%s: %q, want %q", query, note, want)
		}
	}
}

// page GETs a workspace page and returns its note (what a form sent back
// did), unescaped.
func page(t *testing.T, f *fixture, path, cookie string) string {
	t.Helper()
	a := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html")
	if a.code != 200 {
		t.Fatalf("%s: %d %s", path, a.code, a.body)
	}
	_, rest, ok := strings.Cut(a.body, `<p class="note`)
	if !ok {
		return ""
	}
	class, rest, _ := strings.Cut(rest, `" role="status"`)
	_, rest, _ = strings.Cut(rest, ">")
	note, _, _ := strings.Cut(rest, "</p>")
	note = html.UnescapeString(note)
	// A verdict that changed nothing is not said in success's colour.
	if warn := class == " warn"; warn != (strings.Contains(note, "not applied") || strings.Contains(note, "反映されませんでした")) {
		t.Errorf("%s: note %q in class %q", path, note, "note"+class)
	}
	return note
}
