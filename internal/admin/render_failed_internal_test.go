package admin

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPageWhoseTemplateFailsIsA500: render wrote the status before the
// template ran, and then the page's part up to where it failed (a 200 for
// half a page); since it renders into a buffer, nothing is sent yet when
// the template fails, and the answer is the error page, a 500, in the
// page's language.
func TestPageWhoseTemplateFailsIsA500(t *testing.T) {
	h := &Handler{}
	for lang, want := range map[string]string{"en": "internal error: try again in a moment", "ja": "内部エラーが発生しました"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/admin/people?lang="+lang, nil)
		h.render(w, r, 200, "people", "People", "", "people", struct{ NoSuchField int }{}) // the people template reads fields it lacks
		if b := w.Body.String(); w.Code != 500 || !strings.Contains(b, want) || !strings.Contains(b, "</html>") {
			t.Errorf("%s: %d %.600q", lang, w.Code, b)
		}
	}
}
