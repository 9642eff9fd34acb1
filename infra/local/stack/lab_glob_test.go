package stack_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestRulesLabURLGlobs, through POST /admin/rules/simulate: a -100 rule on
// "/app/pricing*" takes the MQL of the person who opened the app's pricing
// (at its #/features route) before qualifying; written "app/pricing*" (no
// leading "/") it matched nothing and the lab answered "no change", now the
// file is refused with the line and what to write. A glob names a hash
// route ("/app/pricing#/features"), where only re:#/features matched one.
// The answer counts the events each rule matched, and the page (English
// and Japanese) marks the candidate's rule that matched none.
func TestRulesLabURLGlobs(t *testing.T) {
	clk := clock.NewManual(time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, nil, clk.Now)
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"page_view","messageId":"lab-spa-browser-0","anonymousId":"lab-spa-browser","properties":{"url":"https://www.example.com/app/pricing#/features"}}`))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("POST /e: %v %v", err, resp)
	}
	resp.Body.Close()
	clk.Advance(time.Minute)
	qualifyOne(t, s, "lab-spa-browser", "spa@maker.example") // an MQL under the rules in force
	clk.Advance(time.Minute)
	qualifyOne(t, s, "lab-plain-browser", "plain@maker.example")
	clk.Advance(time.Hour)

	b, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inForce := string(b)
	withRule := func(rule string) string {
		t.Helper()
		out := strings.Replace(inForce, "  - name: careers-page", rule+"  - name: careers-page", 1)
		if out == inForce {
			t.Fatal("rules.yaml has no careers-page rule")
		}
		return out
	}
	simulate := func(rules string) labReportMatched {
		t.Helper()
		code, b := postRules(t, s, "/admin/rules/simulate", "application/yaml", rules)
		var rep labReportMatched
		if code != 200 || json.Unmarshal(b, &rep) != nil {
			t.Fatalf("simulate: %d %s", code, b)
		}
		return rep
	}

	for _, c := range []struct {
		name, url string
		matched   int
	}{
		{"app-pricing", `"/app/pricing*"`, 1},
		{"features-route", `"/app/pricing#/features"`, 1},
		{"features-route", `"*#/features*"`, 1},
		{"features-route", `"re:#/features"`, 1},
	} {
		rep := simulate(withRule("  - name: " + c.name + "\n    type: page_view\n    url: " + c.url + "\n    points: -100\n"))
		if rep.Current.MQLs != 2 || rep.Candidate.MQLs != 1 || rep.Change != -0.5 || rep.Candidate.Matched[c.name] != c.matched || rep.Candidate.Matched["careers-page"] != 0 || rep.Current.Matched["page-view"] != 3 {
			t.Errorf("url %s: MQLs %d -> %d (change %v), matched %v (in force %v); want 2 -> 1, %s matched %d", c.url, rep.Current.MQLs, rep.Candidate.MQLs, rep.Change, rep.Candidate.Matched, rep.Current.Matched, c.name, c.matched)
		}
	}

	// The glob without its leading "/": refused, line and field named.
	bad := withRule("  - name: app-pricing\n    type: page_view\n    url: \"app/pricing*\"\n    points: -100\n")
	line := strings.Count(bad[:strings.Index(bad, `url: "app/pricing*"`)], "\n") + 1
	code, body := postRules(t, s, "/admin/rules/simulate", "application/yaml", bad)
	var perr struct {
		Error, Field string
		Line         int
	}
	if code != 400 || json.Unmarshal(body, &perr) != nil || perr.Field != "behaviour[2].url[0]" || perr.Line != line || !strings.HasSuffix(perr.Error, `can never match: a URL glob is matched against the path, which starts with "/", or the whole URL, which starts with http:// or https://; write "/app/pricing*"`) {
		t.Fatalf("app/pricing*: %d %s (line %d)", code, body, line)
	}

	// A rule that matched no event stands out, in the JSON and the page.
	none := withRule("  - name: features-route\n    type: page_view\n    url: \"/features*\"\n    points: -100\n")
	if rep := simulate(none); rep.Change != 0 || rep.Candidate.Matched["features-route"] != 0 || len(rep.Candidate.Matched) != 11 {
		t.Fatalf("/features*: change %v, matched %v", rep.Change, rep.Candidate.Matched)
	}
	for lang, want := range map[string][]string{
		"en": {"Behaviour rules: events matched", `<tr class="refused"><td data-l="Behaviour rule">features-route</td>`, "<b>matched no event</b>"},
		"ja": {"行動ルールごとの一致したイベント数", `<tr class="refused"><td data-l="行動ルール">features-route</td>`, "<b>一致したイベントなし</b>"},
	} {
		code, page := labFormIn(t, s, lang, none)
		for _, w := range want {
			if code != 200 || !strings.Contains(page, w) {
				t.Errorf("%s page: %d, lacks %q", lang, code, w)
			}
		}
	}
	code, page := labFormIn(t, s, "ja", bad)
	if want := `&#34;app/pricing*&#34; はどの URL にも一致しません。`; code != 400 || !strings.Contains(page, want) || !strings.Contains(page, `&#34;/app/pricing*&#34; と書いてください`) {
		t.Errorf("the refused glob in Japanese: %d, lacks %q", code, want)
	}
}

type labReportMatched struct {
	Current, Candidate struct {
		MQLs    int
		Matched map[string]int
	}
	Change float64
}

// labFormIn is labForm in a language.
func labFormIn(t *testing.T, s *stack.Stack, lang, rules string) (int, string) {
	t.Helper()
	send, cookie := formSession(t, s)
	code, page, _ := send("GET", "/admin/rules", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", lang)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("rules page: %d %s", code, page)
	}
	code, page, _ = send("POST", "/admin/rules/simulate", url.Values{"csrf": {m[1]}, "rules": {rules}}.Encode(),
		"Cookie", cookie, "Accept", "text/html", "Accept-Language", lang, "Content-Type", "application/x-www-form-urlencoded")
	return code, page
}
