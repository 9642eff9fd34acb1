package admin_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestParameterNotUTF8Refused: GET /admin/people?q=%ff put the byte 0xFF
// into the search box's value, and the page, said to be UTF-8, was not.
// A parameter (or a form's field) that is not UTF-8 is a 400 naming it, to
// every route: JSON to the API, the error page to a browser, in Japanese on
// the Japanese page; a page is UTF-8 whatever it shows.
func TestParameterNotUTF8Refused(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	for _, c := range []struct{ path, field string }{
		{"/admin/people?q=%ff", "q"},
		{"/admin/people?q=%82%a0%82%a2&stage=mql", "q"}, // あい in Shift_JIS
		{"/admin/people?stage=mql&grade=%c3", "grade"},
		{"/admin/audit?who=%e3%81", "who"},
		{"/admin/campaigns?x=%ff", "x"},
		{"/admin/people?q=%ff&q=a", "q"}, // given twice as well: the links would show it
	} {
		a := f.req("GET", c.path, "", "Cookie", cookie, "Accept", "text/html")
		if a.code != 400 || !utf8.ValidString(a.body) || !strings.Contains(a.body, c.field+" is not UTF-8 text: give it in UTF-8") {
			t.Errorf("%s, page: %d valid %v %.300q", c.path, a.code, utf8.ValidString(a.body), a.body)
		}
		a = f.req("GET", c.path, "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
		if a.code != 400 || !utf8.ValidString(a.body) || !strings.Contains(a.body, c.field+" が UTF-8 の文字列ではありません。UTF-8 で指定してください") {
			t.Errorf("%s, Japanese page: %d %.300q", c.path, a.code, a.body)
		}
		a = f.req("GET", c.path, "", "Authorization", "Bearer "+readToken)
		if a.code != 400 || !strings.Contains(a.body, `"field":"`+c.field+`"`) || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") {
			t.Errorf("%s, JSON: %d %s", c.path, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/people?%ff=1", "", "Cookie", cookie, "Accept", "text/html"); a.code != 400 || !utf8.ValidString(a.body) || !strings.Contains(a.body, "a parameter&#39;s name is not UTF-8 text") {
		t.Errorf("a name not UTF-8: %d %.300q", a.code, a.body)
	}
	// A form's field, shown again when the form is refused.
	form := "id=Bad+Id&urls=https%3A%2F%2Fwww.example.com%2Fa&name=%ff&csrf=" + url.QueryEscape(csrf)
	if a := f.req("POST", "/admin/campaigns", form, "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html"); a.code != 400 || !utf8.ValidString(a.body) || !strings.Contains(a.body, "name is not UTF-8 text") {
		t.Errorf("a form's field: %d %.300q", a.code, a.body)
	}
	// UTF-8 as a browser sends it is read as before.
	if a := f.req("GET", "/admin/audit?who="+url.QueryEscape("山田"), "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja"); a.code != 200 || !utf8.ValidString(a.body) {
		t.Errorf("UTF-8: %d %.300q", a.code, a.body)
	}
}
