package admin_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// TestFullWidthDigitsInForms: a Japanese IME types digits full width, and
// the new-campaign form refused scanner_window=３０ with "0〜3600 秒", a
// range ３０ is in. Numbers typed into the workspace's forms and lists'
// parameters are read whatever their width (an ideographic space around
// them ignored); a full-width minus is still out of range, and what is not
// a number still refused.
func TestFullWidthDigitsInForms(t *testing.T) {
	f := newFixture(t)
	cookie, csrf := f.login(fullToken)
	post := func(id, window, query string) answer {
		v := url.Values{"id": {id}, "urls": {"https://www.example.com/a"}, "scanner_window": {window}, "csrf": {csrf}}
		return f.req("POST", "/admin/campaigns"+query, v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded", "Accept", "text/html")
	}
	for id, window := range map[string]string{"camp-w30": "３０", "camp-w45": "\u3000４５ ", "camp-w3600": "３６００"} {
		if a := post(id, window, "?lang=ja"); a.code != 303 || a.hdr.Get("Location") != "campaigns/"+id+"?m=created" {
			t.Errorf("scanner_window %q: %d %v %s", window, a.code, a.hdr, a.body)
			continue
		}
		var c struct{ Campaign struct{ ScannerWindow int } }
		a := f.req("GET", "/admin/campaigns/"+id, "", "Authorization", "Bearer "+fullToken)
		want := map[string]int{"camp-w30": 30, "camp-w45": 45, "camp-w3600": 3600}[id]
		if a.code != 200 || json.Unmarshal([]byte(a.body), &c) != nil || c.Campaign.ScannerWindow != want {
			t.Errorf("scanner_window %q stored: %d %s, want %d", window, a.code, a.body, want)
		}
	}
	for _, window := range []string{"－５", "３６０１", "３０秒", "三十"} {
		if a := post("camp-bad", window, "?lang=ja"); a.code != 400 || !strings.Contains(a.body, "スキャナ判定時間：0〜3600 秒。") {
			t.Errorf("scanner_window %q: %d %s", window, a.code, a.body)
		}
	}
	// A list's parameter typed into the address bar, as the forms' are.
	if a := f.req("GET", "/admin/audit?limit=２", "", "Authorization", "Bearer "+fullToken); a.code != 200 {
		t.Errorf("audit limit=２: %d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/audit?limit=０", "", "Authorization", "Bearer "+fullToken); a.code != 400 || !strings.Contains(a.body, `"field":"limit"`) {
		t.Errorf("audit limit=０: %d %s", a.code, a.body)
	}
}
