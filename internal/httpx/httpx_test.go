package httpx

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBaseURL(t *testing.T) {
	r := httptest.NewRequest("GET", "/admin/links", nil)
	r.Host = "abc123.execute-api.eu-west-1.amazonaws.com"
	if got := BaseURL("https://track.example.com/", r); got != "https://track.example.com" {
		t.Errorf("configured: %q", got)
	}
	if got := BaseURL("", r); got != "http://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("plain request: %q", got)
	}
	r.Header.Set("X-Forwarded-Proto", "https")
	if got := BaseURL("", r); got != "https://abc123.execute-api.eu-west-1.amazonaws.com" {
		t.Errorf("behind API Gateway: %q", got)
	}
}

func TestRoutesAnswerJSONForUnknownRoutes(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /e", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	mux.HandleFunc("GET /p/{id}", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.PathValue("id")) })
	h := Routes(mux)
	for _, c := range []struct {
		method, path string
		code         int
		allow, body  string
	}{
		{"GET", "/e", 405, "POST", `"error":"GET is not allowed here"`},
		{"GET", "/nowhere", 404, "", `"error":"no such route"`},
		{"POST", "/e", 204, "", ""},
		{"GET", "/p/42", 200, "", "42"},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
		if w.Code != c.code || w.Header().Get("Allow") != c.allow || !strings.Contains(w.Body.String(), c.body) {
			t.Errorf("%s %s: %d allow %q body %q", c.method, c.path, w.Code, w.Header().Get("Allow"), w.Body.String())
		}
		if c.code >= 400 && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: content type %q", c.method, c.path, w.Header().Get("Content-Type"))
		}
	}
}
