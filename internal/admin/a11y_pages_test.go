package admin_test

import (
	"net/url"
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

// TestFormErrorsNameTheirField: a form's error was announced (role=alert)
// but the field it is about only marked invalid: a screen reader on the
// field said "invalid" without why. The field is described by the error
// too (aria-describedby), on the sign-in page (a wrong token; its title
// says Error first), the new-campaign form and the rules lab.
func TestFormErrorsNameTheirField(t *testing.T) {
	f := labFixture(t)
	for lang, title := range map[string]string{"en": "<title>Error: Baton — sign in</title>", "ja": "<title>エラー：Baton — サインイン</title>"} {
		a := f.req("POST", "/admin/login?lang="+lang, url.Values{"token": {"not-the-token"}}.Encode(), "Content-Type", "application/x-www-form-urlencoded")
		if a.code != 401 || !strings.Contains(a.body, title) || !strings.Contains(a.body, `<p class="error" role="alert" id="login-error">`) ||
			!strings.Contains(a.body, `aria-describedby="login-error token-help" aria-invalid="true"`) {
			t.Errorf("wrong token, %s: %d %s", lang, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/login", ""); a.code != 200 || strings.Contains(a.body, `aria-invalid="true"`) || !strings.Contains(a.body, `aria-describedby="token-help"`) || !strings.Contains(a.body, "<title>Baton — sign in</title>") {
		t.Errorf("sign-in page: %d %s", a.code, a.body)
	}

	cookie, csrf := f.login(fullToken)
	form := func(path string, v url.Values) answer {
		v.Set("csrf", csrf)
		return f.req("POST", path, v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	}
	a := form("/admin/campaigns", url.Values{"id": {"Bad Id!"}, "urls": {"https://www.example.com/"}})
	if a.code != 400 || !strings.Contains(a.body, `<p class="error" role="alert" id="c-error" tabindex="-1" autofocus>`) || !strings.Contains(a.body, `aria-describedby="c-error c-id-help" aria-invalid="true"`) {
		t.Errorf("campaign id: %d %s", a.code, a.body)
	}
	a = form("/admin/campaigns", url.Values{"id": {"news"}})
	if a.code != 400 || !strings.Contains(a.body, `name="urls" required spellcheck="false" aria-invalid="true" aria-describedby="c-error"`) {
		t.Errorf("campaign URLs: %d %s", a.code, a.body)
	}
	a = form("/admin/rules/simulate", url.Values{"rules": {"conditions: ["}})
	if a.code != 400 || !strings.Contains(a.body, `<span id="rules-error">`) || !strings.Contains(a.body, `class="code" aria-invalid="true" aria-describedby="rules-error"`) {
		t.Errorf("rules lab: %d %s", a.code, a.body)
	}
}

// TestFilterErrorsNameTheirField: a filter a page cannot use (a date
// that is none, a stage that is none, to before from) was said above the
// form, and the field it is about said nothing: the field is marked
// invalid and described by the error.
func TestFilterErrorsNameTheirField(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct{ path, field string }{
		{"/admin/?from=2026-11-30&to=2026-11-01", `id="d-to" name="to"`},
		{"/admin/people?stage=nosuch", `id="stage" name="stage"`},
		{"/admin/audit?from=2026-13-01", `id="f-from" name="from"`},
	} {
		for _, lang := range []string{"en", "ja"} {
			a := f.req("GET", c.path+"&lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
			if a.code != 400 || !strings.Contains(a.body, `<p class="error" role="alert" id="filter-error">`) || !strings.Contains(a.body, c.field+` aria-invalid="true" aria-describedby="filter-error"`) || strings.Count(a.body, `aria-invalid="true"`) != 1 {
				t.Errorf("%s %s: %d %s", c.path, lang, a.code, a.body)
			}
		}
	}
	// A page with no error marks nothing.
	if a := f.req("GET", "/admin/audit?from=2026-11-01", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html"); a.code != 200 || strings.Contains(a.body, `aria-invalid="true"`) {
		t.Errorf("a good filter: %d %s", a.code, a.body)
	}
}
