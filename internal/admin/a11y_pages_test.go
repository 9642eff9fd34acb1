package admin_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/lab"
)

// labFixture is a fixture whose handler has the rules lab (its routes
// are chosen when the handler's routes are made, the lab on the
// fixture's table once it is there).
func labFixture(t *testing.T) *fixture {
	f := newFixture(t, func(h *admin.Handler) { h.Lab = &lab.Lab{} })
	f.h.Lab = lab.New(f.tb, labelledRules(t, ""), nil, "rules.yaml", nil, f.clk.Now)
	return f
}

// TestPagesStartWithASkipLink: a keyboard or screen-reader user had to
// tab through the ten links of the navigation and the language switch on
// every page to reach its content (WCAG 2.4.1). Each page starts with a
// link to main, in the page's language.
func TestPagesStartWithASkipLink(t *testing.T) {
	f := labFixture(t)
	for lang, text := range map[string]string{"en": "Skip to main content", "ja": "本文へスキップ"} {
		for _, path := range []string{"/admin/", "/admin/people", "/admin/campaigns", "/admin/rules", "/admin/audit"} {
			body := f.page(t, path, lang)
			_, after, ok := strings.Cut(body, "<body>")
			if !ok || !strings.HasPrefix(strings.TrimSpace(after), `<a class="skip" href="#main">`+text+`</a>`) || !strings.Contains(body, `<main id="main" tabindex="-1">`) {
				t.Errorf("%s %s: no skip link first:\n%.600s", path, lang, after)
			}
		}
	}
}

// TestChartsSayTheirFigures: the dashboard's bar charts were an image
// named by its title alone ("Funnel"): a screen reader said no figure. The
// picture is hidden from it and a table, visually hidden, gives each bar's
// label and figure.
func TestChartsSayTheirFigures(t *testing.T) {
	f := newFixture(t)
	for lang, funnel := range map[string]string{"en": "Funnel", "ja": "ファネル"} {
		body := f.page(t, "/admin/", lang)
		if strings.Contains(body, `<svg role="img"`) || !strings.Contains(body, `<svg aria-hidden="true"`) {
			t.Errorf("%s: a chart a screen reader reads as a picture: %s", lang, body)
		}
		table := regexp.MustCompile(`</svg>\n<table class="vh chart-figures"><caption>` + funnel + `</caption><tbody>(.*?)</tbody></table>`).FindStringSubmatch(body)
		if table == nil || strings.Count(table[1], `<tr><th scope="row">`) != 6 || !strings.Contains(table[1], "</th><td>0</td></tr>") {
			t.Errorf("%s: the funnel's figures as text: %v\n%s", lang, table, body)
		}
	}
}
