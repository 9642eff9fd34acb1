package admin

import (
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPageIsUTF8WhateverItShows: a page showed what it was given byte for
// byte, so a value that is not UTF-8 (what a request gives is refused
// before, but a stored value or a path's segment may be) made a page that
// says it is UTF-8 and is not. Any page has such bytes as U+FFFD.
func TestPageIsUTF8WhateverItShows(t *testing.T) {
	h := &Handler{}
	for _, lang := range []string{"en", "ja"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/admin/campaigns/x?lang="+lang, nil)
		h.pageError(w, r, 404, "../", "No such campaign: nov-\xff\xfe")
		b := w.Body.String()
		if w.Code != 404 || !utf8.ValidString(b) || !strings.Contains(b, "nov-\uFFFD") || !strings.Contains(b, "<html") {
			t.Errorf("%s: %d valid %v %.400q", lang, w.Code, utf8.ValidString(b), b)
		}
	}
}
