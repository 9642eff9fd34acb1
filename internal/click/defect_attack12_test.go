package click_test

import (
	"net/http"
	"strings"
	"testing"
)

// A recipient added to the ESP's list after the tokenised CSV was made has
// no baton_token value: Mailchimp's *|BATON_TOKEN|* and SendGrid's
// {{baton_token}} then render empty, and the email's link is
// /c/<link id>/ (and some clients/ESPs add a slash after the token). The
// reader must still land on the destination ("a bad token still redirects
// but records nothing personal"); today both are a JSON 404 from the
// router, so the reader sees {"error":"no such route"}.
func TestDefectEmptyTokenClickIsNotRedirected(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{
		"/c/" + e.link.ID + "/",                              // empty merge field
		"/c/" + e.link.ID + "/ok-" + e.ann.ID + "-nov-news/", // a slash after the token
	} {
		w := e.get("GET", path, "")
		if w.Code != http.StatusFound || !strings.HasPrefix(w.Header().Get("Location"), "https://www.example.com/webinar") {
			t.Errorf("GET %s: %d %q %s, want 302 to the link's destination", path, w.Code, w.Header().Get("Location"), w.Body.String())
		}
	}
}
