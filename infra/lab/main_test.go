package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/testutil/repo"
)

// TestLabCLI builds a history on the local stack (two strong MQLs, two
// middling ones, one of them rejected), stops it, and runs the CI check on
// its data directory: raising hot-and-fit's threshold from 40 to 60 halves
// the MQLs, beyond a 10% bound (exit 1), within a 60% one (exit 0).
func TestLabCLI(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewManual(time.Date(2026, 10, 20, 1, 0, 0, 0, time.UTC))
	s := stack.ForTestClock(t, map[string]string{"BATON_DATA": dir}, clk.Now)
	send := func(body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		// A browser: Go's own user agent is rightly a bot, and bots never score.
		req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	for i, strong := range []bool{true, true, false, false} {
		vid := "cli-lab-test-browser-" + string(rune('a'+i))
		email := "cli-" + string(rune('a'+i)) + "@maker.example"
		send(`{"type":"page_view","messageId":"` + vid + `-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing"}}`)
		fields := `"email":"` + email + `","title":"部長"`
		if strong {
			send(`{"type":"download","messageId":"` + vid + `-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
			fields += `,"employees":"500"`
		}
		send(`{"type":"form_submit","messageId":"` + vid + `-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{` + fields + `}}}`)
		clk.Advance(24 * time.Hour)
	}
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := s.App.People.ByEmail(context.Background(), "cli-c@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Qualifier.OutcomeWhy(context.Background(), p.ID, "rejected", "", "rep", "no budget", clk.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	root := repo.Root(t)
	shipped, err := os.ReadFile(filepath.Join(root, "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cand := filepath.Join(t.TempDir(), "candidate.yaml")
	os.WriteFile(cand, []byte(strings.Replace(string(shipped), "    min_behaviour: 40\n", "    min_behaviour: 60\n", 1)), 0o600)
	env := func(k string) string {
		if k == "BATON_RULES" {
			return filepath.Join(root, "infra", "rules.yaml")
		}
		return ""
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-rules", cand, "-data", dir, "-max-change", "10%"}, env, clk.Now, &out, &errs); code != 1 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	t.Logf("%s%s", out.String(), errs.String())
	for _, want := range []string{"MQLs: 4 -> 2 (-50.0%)", "would stop being MQLs: 2 (accepted 0, SQL 0, won 0, rejected 1, lost 0)", p.ID + " hot-and-fit recycled", "rejected: no budget", "beyond the 10.0% allowed"} {
		if !strings.Contains(out.String()+errs.String(), want) {
			t.Fatalf("missing %q:\n%s\n%s", want, out.String(), errs.String())
		}
	}
	if strings.Contains(out.String()+errs.String(), "@maker.example") { // CI logs outlive any erasure
		t.Fatalf("the text names people by email:\n%s", out.String())
	}
	// A loose candidate moves thousands, each a line of the CI log: the
	// lists are bounded (-limit, default 50), the counts are of them all.
	out.Reset()
	errs.Reset()
	if code := run(context.Background(), []string{"-rules", cand, "-data", dir, "-max-change", "60%", "-limit", "1"}, env, clk.Now, &out, &errs); code != 0 {
		t.Fatalf("-limit 1: exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	stop := out.String()[strings.Index(out.String(), "would stop being MQLs: 2"):]
	if lines := strings.Count(stop, " hot-and-fit "); lines != 1 || !strings.Contains(stop, "  … and 1 more (the earliest 1 listed; -limit 0 lists them all)\n") {
		t.Fatalf("-limit 1: %d people listed of 2, want 1 and \"… and 1 more\":\n%s", lines, out.String())
	}
	if strings.Contains(out.String(), "WARNING") {
		t.Fatalf("a window within event_retention (400 days) warns:\n%s", out.String())
	}
	// event_retention of 2 days: the window (from 20 October) reaches past
	// it, and the text says from which day data is complete.
	out.Reset()
	errs.Reset()
	short := func(k string) string {
		if k == "BATON_EVENT_RETENTION" {
			return "2d"
		}
		return env(k)
	}
	if code := run(context.Background(), []string{"-rules", cand, "-data", dir, "-max-change", "60%"}, short, clk.Now, &out, &errs); code != 0 || !strings.Contains(out.String(), "WARNING: the history window starts 2026-10-20, but events are kept for event_retention only: data is complete from 2026-10-23;") {
		t.Fatalf("retention 2d: exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	errs.Reset()
	if code := run(context.Background(), []string{"-rules", cand, "-data", dir, "-limit", "-1"}, env, clk.Now, &out, &errs); code != 2 || !strings.Contains(errs.String(), "-limit -1: want 0 (list all) or more") {
		t.Fatalf("-limit -1: exit %d %s", code, errs.String())
	}
	out.Reset()
	errs.Reset()
	if code := run(context.Background(), []string{"-rules", cand, "-data", dir, "-max-change", "60%", "-json"}, env, clk.Now, &out, &errs); code != 0 || !strings.Contains(out.String(), `"change": -0.5`) {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	// A typo in a rule's URL moves no MQL here, yet its points are never
	// given: refused unless -allow-unmatched (a page not yet published).
	typo := filepath.Join(t.TempDir(), "typo.yaml")
	os.WriteFile(typo, []byte(strings.Replace(string(shipped), `url: ["/pricing*", "/demo/pricing*"]`, `url: ["/pricng*", "/demo/pricng*"]`, 1)), 0o600)
	for _, allow := range []bool{false, true} {
		out.Reset()
		errs.Reset()
		args := []string{"-rules", typo, "-data", dir, "-max-change", "100%"}
		if allow {
			args = append(args, "-allow-unmatched")
		}
		code := run(context.Background(), args, env, clk.Now, &out, &errs)
		refused := strings.Contains(errs.String(), "lab: pricing-page matched no event")
		if want := map[bool]int{false: 1, true: 0}[allow]; code != want || refused == allow || strings.Contains(errs.String(), "careers-page") {
			t.Fatalf("-allow-unmatched=%v: exit %d, want %d (careers-page matches nothing in force either: not refused)\n%s", allow, code, want, errs.String())
		}
	}
	// A fit rule put on an attribute no one has (the form's label, or a
	// custom field's name) moves no MQL here either, yet scores nobody:
	// printed with the attribute Baton stores, refused unless
	// -allow-unmatched.
	unfed := filepath.Join(t.TempDir(), "unfed.yaml")
	os.WriteFile(unfed, []byte(strings.Replace(string(shipped), "      attribute: employees\n      min: 250\n", "      attribute: 会社規模\n      min: 250\n", 1)), 0o600)
	for _, allow := range []bool{false, true} {
		out.Reset()
		errs.Reset()
		args := []string{"-rules", unfed, "-data", dir, "-max-change", "100%"}
		if allow {
			args = append(args, "-allow-unmatched")
		}
		code := run(context.Background(), args, env, clk.Now, &out, &errs)
		refused := strings.Contains(errs.String(), "lab: fit rule mid-size-company matched nobody")
		if want := map[bool]int{false: 1, true: 0}[allow]; code != want || refused == allow {
			t.Fatalf("fit, -allow-unmatched=%v: exit %d, want %d\n%s\n%s", allow, code, want, out.String(), errs.String())
		}
		if want := `  mid-size-company                |     2 ->     0  <- matched nobody (attribute "会社規模" is none Baton names: a custom form field's name, or "employees"?)`; !strings.Contains(out.String(), want) {
			t.Fatalf("text lacks %q:\n%s", want, out.String())
		}
	}
	// A bad candidate names the line and field; a missing store is explained.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: x\nmql:\n  - name: a\n    min_behaviour: lots\n"), 0o600)
	errs.Reset()
	if code := run(context.Background(), []string{"-rules", bad, "-data", dir}, env, clk.Now, &out, &errs); code != 2 || !strings.Contains(errs.String(), "bad.yaml:4: mql[0].min_behaviour: must be a number") {
		t.Fatalf("bad rules: %d %s", code, errs.String())
	}
	errs.Reset()
	if code := run(context.Background(), []string{"-rules", cand, "-data", t.TempDir()}, env, clk.Now, &out, &errs); code != 2 || !strings.Contains(errs.String(), "no store at") {
		t.Fatalf("no store: %d %s", code, errs.String())
	}
}

// TestLabCLIDaysInConfiguredZone: the rules in force count daily caps and
// months in the configured timezone (BATON_CONFIG's), as live scoring and
// the workspace's lab do. Without -timezone the check read them in UTC: a
// Japanese team's MQL at 00:30 on 1 December (JST) was November's, and a
// cap_per_day counted UTC days that start at 09:00 in Tokyo.
func TestLabCLIDaysInConfiguredZone(t *testing.T) {
	dir := t.TempDir()
	clk := clock.NewManual(time.Date(2026, 11, 30, 15, 30, 0, 0, time.UTC)) // 1 Dec 00:30 JST
	conf := filepath.Join(t.TempDir(), "baton.yaml")
	os.WriteFile(conf, []byte("timezone: Asia/Tokyo\n"), 0o600)
	s := stack.ForTestClock(t, map[string]string{"BATON_DATA": dir, "BATON_CONFIG": conf}, clk.Now)
	send := func(body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("POST /e: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	vid := "cli-lab-zone-browser"
	send(`{"type":"page_view","messageId":"` + vid + `-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing"}}`)
	send(`{"type":"download","messageId":"` + vid + `-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`)
	send(`{"type":"form_submit","messageId":"` + vid + `-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"zone@maker.example","title":"部長","employees":"500"}}}`)
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	root := repo.Root(t)
	rules := filepath.Join(root, "infra", "rules.yaml")
	env := func(k string) string {
		switch k {
		case "BATON_RULES":
			return rules
		case "BATON_CONFIG":
			return conf
		}
		return ""
	}
	var out, errs bytes.Buffer
	if code := run(context.Background(), []string{"-rules", rules, "-data", dir, "-json"}, env, clk.Now, &out, &errs); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), `"2026-12": 1`) || strings.Contains(out.String(), `"2026-11"`) {
		t.Fatalf("the MQL of 1 Dec 00:30 JST is not December's:\n%s", out.String())
	}
}

// TestLabCLIWarnsOfTheCandidate: a candidate whose fit rule names an
// attribute a typo away from one Baton names (employes) is simulated, as
// a custom form field's name may be anything, and the CLI says so on its
// line with the attribute meant: CI printed nothing until the rule had
// matched nobody, and not even then for an attribute no one has yet.
func TestLabCLIWarnsOfTheCandidate(t *testing.T) {
	shipped, err := os.ReadFile(filepath.Join(repo.Root(t), "infra", "rules.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(shipped), "attribute: employees", "attribute: employes", 1)
	line := 1 + strings.Count(text[:strings.Index(text, "attribute: employes")], "\n")
	cand := filepath.Join(t.TempDir(), "candidate.yaml")
	if err := os.WriteFile(cand, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "BATON_RULES" {
			return filepath.Join(repo.Root(t), "infra", "rules.yaml")
		}
		return ""
	}
	clk := clock.NewManual(time.Date(2026, 10, 20, 1, 0, 0, 0, time.UTC))
	var out, errs bytes.Buffer
	// No store: the run stops there, after reading both files.
	run(context.Background(), []string{"-rules", cand, "-data", t.TempDir()}, env, clk.Now, &out, &errs)
	want := fmt.Sprintf(`lab: warning: candidate.yaml:%d: fit.rules[5].attribute: "employes" is none of Baton's attributes: did you mean employees?`, line)
	if !strings.Contains(errs.String(), want) {
		t.Errorf("%s\nwant %s", errs.String(), want)
	}
}
