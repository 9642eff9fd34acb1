package httpx

import (
	"net/http/httptest"
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
