package stack_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
)

// TestWorkspaceAccessibleInChromium: every page of the workspace (the
// sign-in page, with and without its error, and each page of the
// navigation, a person's, a campaign's and an account's, a form answering
// its error, the rules lab's result and error, a filter each page cannot
// use), in English and in Japanese, meets WCAG 2.1 AA as axe-core
// checks it (no violation of serious or critical impact) and as
// tag/browser/a11y.mjs checks what axe leaves to people: the page's
// language, one h1, a unique title, a skip link to main, keyboard focus
// that shows, labels, errors announced and tied to their field, table
// headers scoped, charts with their figures in text, notes announced
// (JIS X 8341-3 asks the same of Japanese customers' tools).
func TestWorkspaceAccessibleInChromium(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	s, _ := opsStack(t, time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC))
	id := qualifyDelivered(t, s, "a11y-lead", "buyer@maker.example")
	code, b := do(t, "GET", s.URL+"/admin/accounts", token, "")
	var listed struct{ Accounts []account.Account }
	if code != 200 || json.Unmarshal(b, &listed) != nil || len(listed.Accounts) == 0 {
		t.Fatalf("accounts: %d %s", code, b)
	}
	paths := []string{"", "people", "people/" + id, "inbox", "mqls", "campaigns", "campaigns/ops-news", "accounts", "accounts/" + listed.Accounts[0].ID, "rules", "touches", "audit"}
	// Filters a page cannot use (400, the error above the form): the
	// field each is about.
	badFilters := map[string]string{"?from=2026-11-30&to=2026-11-01": "d-to", "people?stage=nosuch": "stage", "mqls?grade=Z": "f-grade", "audit?from=2026-13-01": "f-from"}
	for p := range badFilters {
		paths = append(paths, p)
	}

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
			Passed  []string // the axe rules that checked something and found it right
			Invalid []string // the ids of the fields marked invalid
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if want := 2 * (len(paths) + 5); len(res.Pages) != want {
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
		// A form answering its error marks the field it is about (and
		// the field says why: Own above); no other page marks any.
		want, ok := map[string]string{"login-wrong": "token", "campaigns-bad": "c-id", "rules-lab-bad": "rules"}[path]
		if got := strings.Join(p.Invalid, " "); got != want && (ok || !strings.Contains(path, "?")) {
			t.Errorf("%s: fields marked invalid %q, want %q", name, got, want)
		}
		// Two pages of one language never share a title (a tab, a
		// screen reader's first words, say which page it is).
		if strings.Contains(name, "-wrong-") || strings.Contains(name, "-bad-") || strings.HasPrefix(name, "rules-lab-") || strings.Contains(name, "?") {
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
