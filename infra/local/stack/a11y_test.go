package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/event"
)

// TestWorkspaceAccessibleInChromium: every page of the workspace (the
// sign-in page, with and without its error, and each page of the
// navigation, a person's, a campaign's and an account's, a form answering
// its error, the signed-out page (its note focused), the rules lab's result and error, a filter each page cannot
// use), in English and in Japanese, at 1280 px and again at 320 px and
// 640 px (a phone, a window zoomed 400% and 200%: the page never scrolls
// sideways as a whole, WCAG 1.4.10, and targets are large enough, 2.5.8),
// meets WCAG 2.2 AA as axe-core
// checks it (no violation of serious or critical impact) and as
// tag/browser/a11y.mjs checks what axe leaves to people: the page's
// language, one h1, a unique title, a skip link to main, keyboard focus
// that shows, labels, errors announced and tied to their field, table
// headers scoped, charts with their figures in text, notes announced
// (JIS X 8341-3 asks the same of Japanese customers' tools).
func TestWorkspaceAccessibleInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	s, clk := opsStack(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	id := qualifyDelivered(t, s, "a11y-lead", "buyer@maker.example")
	long := longHistory(t, s, clk.Now())
	code, b := do(t, "GET", s.URL+"/admin/accounts", token, "")
	var listed struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(b, &listed) != nil || len(listed.Accounts) == 0 {
		t.Fatalf("accounts: %d %s", code, b)
	}
	paths := []string{"", "people", "people/" + id, "people/" + long + "/disclosure/parts", "inbox", "mqls", "campaigns", "campaigns/ops-news", "accounts", "accounts/" + listed.Accounts[0].ID, "rules", "touches", "audit"}
	// Filters a page cannot use (400, the error above the form): the
	// field each is about.
	badFilters := map[string]string{"?from=2026-11-30&to=2026-11-01": "d-to", "people?stage=nosuch": "stage", "mqls?grade=Z": "f-grade", "audit?from=2026-13-01": "f-from"}
	for p := range badFilters {
		paths = append(paths, p)
	}

	// The pages a form answered: the role of what says what it did.
	afterForm := map[string]string{"login-out": "status", "campaigns-bad": "alert", "rules-lab": "h2", "rules-lab-bad": "alert", "campaign-created": "status",
		"inbox-refused": "status", "inbox-recorded": "status", "touches-imported": "status", "touches-bad": "alert"}

	shots := screenshotDir(t.TempDir())
	cmd := exec.Command("node", "../../../tag/browser/a11y.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "SHOTS="+shots, "PATHS="+strings.Join(paths, ","))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("a11y.mjs: %v %s", err, out)
	}
	var res struct {
		Errors []string
		Pages  map[string]struct {
			URL, Title string
			Status     int
			Axe        []struct {
				ID, Impact, Help string
				Nodes            []string
			}
			Own     []string
			Passed  []string  // the axe rules that checked something and found it right
			Invalid []string  // the ids of the fields marked invalid
			Widths  []int     // the narrow widths it was audited at too
			Focus   *struct { // what had the focus as the page loaded
				ID, Role, Text string
				InCard         bool // in a lead's card
			}
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if want := 2 * (len(paths) + 12); len(res.Pages) != want {
		t.Errorf("%d pages audited, want %d", len(res.Pages), want)
	}
	titles := map[string]string{}
	for name, p := range res.Pages {
		path := name[:strings.LastIndex(name, "-")]
		if field, ok := badFilters[strings.TrimPrefix(path, "dashboard")]; ok {
			if p.Status != 400 || strings.Join(p.Invalid, " ") != field {
				t.Errorf("%s: status %d, fields marked invalid %q, want 400 and %q", name, p.Status, p.Invalid, field)
			}
		} else if p.Status != 0 && p.Status != 200 {
			t.Errorf("%s: status %d", name, p.Status)
		}
		// axe ran, on text it measured (the pages' style sheet is
		// theirs: no CSP kept it from the page).
		if !slices.Contains(p.Passed, "color-contrast") || !slices.Contains(p.Passed, "html-has-lang") {
			t.Errorf("%s: axe checked %v", name, p.Passed)
		}
		// and at 320 px (reflow, 1.4.10) and 640 (200% zoom) too.
		if !slices.Equal(p.Widths, []int{320, 640}) {
			t.Errorf("%s: audited at %v px besides 1280", name, p.Widths)
		}
		for _, v := range p.Axe {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s: %s (%s): %s\n\t%s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
			} else {
				t.Logf("%s: %s (%s): %s", name, v.ID, v.Impact, v.Help)
			}
		}
		for _, o := range p.Own {
			t.Errorf("%s: %s", name, o)
		}
		// A page a form answered (after its redirect, or itself) puts
		// the focus on what the form did, its note or its error: a
		// screen reader says it (a note there as the page loads is no
		// change a live region announces); any other page leaves the
		// focus where a page starts.
		// (The sign-in page's token field has it; a page the skip link
		// test reloaded at #main, main.)
		if want := afterForm[path]; want == "" && p.Focus != nil && p.Focus.ID != "main" && !(strings.HasPrefix(path, "login") && p.Focus.ID == "token") {
			t.Errorf("%s: focus on %+v as the page loads", name, *p.Focus)
		} else if want != "" && (p.Focus == nil || p.Focus.Role != want || p.Focus.Text == "") {
			t.Errorf("%s: focus on %+v as the page loads, want the %s", name, p.Focus, want)
		} else if strings.HasPrefix(path, "inbox-") && !p.Focus.InCard {
			t.Errorf("%s: the verdict's note is not on the lead's card", name)
		}
		// A form answering its error marks the field it is about (and
		// the field says why: Own above); no other page marks any.
		want, ok := map[string]string{"login-wrong": "token", "campaigns-bad": "c-id", "rules-lab-bad": "rules", "touches-bad": "file"}[path]
		if got := strings.Join(p.Invalid, " "); got != want && (ok || !strings.Contains(path, "?")) {
			t.Errorf("%s: fields marked invalid %q, want %q", name, got, want)
		}
		// Two pages of one language never share a title (a tab, a
		// screen reader's first words, say which page it is).
		if strings.Contains(name, "-wrong-") || strings.Contains(name, "-bad-") || strings.HasPrefix(name, "rules-lab-") || strings.Contains(name, "?") || afterForm[path] != "" {
			continue // a page as a form answered it
		}
		key := name[strings.LastIndex(name, "-")+1:] + " " + p.Title
		if other, ok := titles[key]; ok {
			t.Errorf("%s and %s share the title %q", name, other, key)
		}
		titles[key] = name
	}
	if len(res.Errors) > 0 {
		t.Errorf("console errors: %v", res.Errors)
	}
	fmt.Fprintln(os.Stderr, "a11y screenshots in", shots)
}

// longHistory is a person whose data (a year of pages of long properties,
// about 2.5 MB) Baton discloses in two parts: the list of parts is a page.
func longHistory(t *testing.T, s *stack.Stack, now time.Time) string {
	t.Helper()
	body := `{"type":"form_submit","messageId":"a11y-long-1","anonymousId":"a11y-long","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"long.history@maker.example","company":"Maker"}}}`
	if resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body)); err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	if err := s.Settle(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := s.App.People.ByEmail(context.Background(), "long.history@maker.example")
	if err != nil {
		t.Fatal(err)
	}
	var evs []event.Event
	for i := range 280 {
		evs = append(evs, event.Event{ID: fmt.Sprintf("a11y-long-page-%03d", i), Type: "page", VisitorID: "a11y-long", URL: fmt.Sprintf("https://www.example.com/docs/%d", i),
			Timestamp: now.Add(-time.Duration(300-i) * 24 * time.Hour), ReceivedAt: now, Properties: map[string]any{"note": strings.Repeat("a long page property ", 450)}})
		if len(evs) == 25 || i == 279 {
			if _, err := s.App.Events.Append(context.Background(), evs); err != nil {
				t.Fatal(err)
			}
			evs = nil
		}
	}
	return p.ID
}
