package admin_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRepeatedParameterRefused: no admin route reads a parameter twice;
// given twice (?limit=1&limit=500) the route took the first while a proxy
// or client log read the last. Every route now refuses it, naming it: a
// JSON 400 to the API, the page's error (in Japanese too) to a browser.
func TestRepeatedParameterRefused(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{
		"/admin/people?q=a&q=b",
		"/admin/mqls?limit=1&limit=2",
		"/admin/audit?cursor=a&limit=5&cursor=b",
		"/admin/reports/funnel?from=2026-11-01&from=2026-11-02",
	} {
		a := f.req("GET", path, "", "Authorization", "Bearer "+readToken)
		if a.code != 400 || !strings.Contains(a.body, "is given 2 times: give it once") || !strings.Contains(a.body, `"field":"`) {
			t.Errorf("%s: %d %s", path, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/audit?limit=5", "", "Authorization", "Bearer "+readToken); a.code != 200 {
		t.Errorf("a parameter given once: %d %s", a.code, a.body)
	}
}

// TestRepeatedParameterPage: a browser is shown the error in its language
// with the page at each value, given once, to go on from.
func TestRepeatedParameterPage(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	a := f.req("GET", "/admin/people?q=a&stage=mql&q=b", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	if a.code != 400 || !strings.Contains(a.body, "q が 2 回指定されています") || !strings.Contains(a.body, "1 回だけ指定したページを表示") {
		t.Fatalf("%d %.600s", a.code, a.body)
	}
	for _, want := range []string{`href="./people?q=a&amp;stage=mql"`, `href="./people?q=b&amp;stage=mql"`} {
		if !strings.Contains(a.body, want) {
			t.Errorf("no link %s in %.2000s", want, a.body)
		}
	}
	if b := f.req("GET", "/admin/people?q=b&stage=mql", "", "Cookie", cookie, "Accept", "text/html"); b.code != 200 {
		t.Errorf("the link's page: %d %.300s", b.code, b.body)
	}
}

// TestRepeatedParameterLinksStayOnBaton: the page's links to each value
// are relative to the page, whatever its last segment: a link to Baton
// whose path ends in "http:evil.example" (a person's id as anyone can
// write it in a link sent to a marketer) made the links start with that
// segment, a scheme, which a browser on an https Baton follows to
// http://evil.example/?q=a.
func TestRepeatedParameterLinksStayOnBaton(t *testing.T) {
	f := newFixture(t)
	cookie, _ := f.login(fullToken)
	for _, path := range []string{
		"/admin/people/http:evil.example?q=a&q=b",
		"/admin/people/https:evil.example?q=a&q=b",
		"/admin/accounts/http:evil.example?x=1&x=2",
		"/admin/http:evil.example?x=1&x=2", // no route: the not-found page, behind the same check
	} {
		a := f.req("GET", path, "", "Cookie", cookie, "Accept", "text/html")
		hrefs := regexp.MustCompile(`<li><a href="([^"]*)"><code>`).FindAllStringSubmatch(a.body, -1)
		if a.code != 400 || len(hrefs) != 2 {
			t.Fatalf("%s: %d, want 400 with a link for each value: %.2000s", path, a.code, a.body)
		}
		for _, h := range hrefs {
			u, err := url.Parse(html.UnescapeString(h[1]))
			if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "./") {
				t.Errorf("%s: link %q leaves the page's directory (scheme %q)", path, h[1], u.Scheme)
			}
		}
	}
}
