package crm_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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

// TestKintoneEveryRequestAnsweredAlike: the form read (Check, and a
// write's refused fields) and the erasure's requests are judged as the
// write is: a redirect is named (the form read said only "reading the
// form fields of app 42: " and was retried), kintone's Retry-After is kept
// (the form read and the erasure dropped it), and the field errors kintone
// lists are said (the form read and the erasure dropped them).
func TestKintoneEveryRequestAnsweredAlike(t *testing.T) {
	for _, c := range []struct {
		name string
		do   func(*crm.Kintone) error
	}{
		{"check", func(k *crm.Kintone) error { return k.Check(context.Background()) }},
		{"forget", func(k *crm.Kintone) error { return k.Forget(context.Background(), "p-1", "taro@example.co.jp") }},
		{"push", func(k *crm.Kintone) error {
			_, err := k.Push(push.WithProgress(context.Background(), push.MemProgress{}), lead)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://example.cybozu.com"+r.URL.RequestURI(), http.StatusFound)
			}))
			defer redirect.Close()
			k := &crm.Kintone{BaseURL: redirect.URL, App: 42, APIToken: "tok", EmailField: "email"}
			if pe := perr(t, c.do(k)); pe.Code != "REDIRECT" || pe.Status != 302 || pe.Permanent {
				t.Errorf("redirected: %+v", pe)
			}
			busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", "7")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`{"code":"GAIA_TM12","id":"x1","message":"同時リクエスト数の上限を超えています。","errors":{"app":{"messages":["混雑"]}}}`))
			}))
			defer busy.Close()
			k.BaseURL = busy.URL
			pe := perr(t, c.do(k))
			if pe.Code != "GAIA_TM12" || pe.Status != 503 || pe.Permanent || pe.RetryAfter != 7*time.Second ||
				!strings.Contains(pe.Message, "同時リクエスト数") || !strings.Contains(pe.Message, "混雑") {
				t.Errorf("busy: %+v", pe)
			}
		})
	}
}
