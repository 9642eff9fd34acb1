package crm_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/push"
)

// TestKintoneStatusReadRedirected: with a status field, the connector's
// first request is now the read of the record's status. A base_url that
// answers with a redirect (http:// for https://, a moved subdomain) was
// said by the write as such (REDIRECT, "check the configured URL"); the
// read said only "reading the record's 対応状況: ", nothing to act on.
func TestKintoneStatusReadRedirected(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.cybozu.com"+r.URL.RequestURI(), http.StatusMovedPermanently)
	}))
	defer srv.Close()
	c := &crm.Kintone{BaseURL: srv.URL, App: 42, APIToken: "tok", EmailField: "email", StatusField: "対応状況"}
	_, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), lead)
	if pe := perr(t, err); pe.Code != "REDIRECT" || pe.Status != 301 {
		t.Fatalf("a redirect answering the status read: %+v", pe)
	}
}
