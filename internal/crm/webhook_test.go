package crm_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/push"
)

const webhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// TestWebhookNeverFollowsRedirects: a 3xx is a transient failure with its
// reason, never a delivery to wherever it points.
func TestWebhookNeverFollowsRedirects(t *testing.T) {
	var mu sync.Mutex
	moved := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			mu.Lock()
			moved++
			mu.Unlock()
			w.WriteHeader(200)
			return
		}
		http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	wh := &crm.Webhook{URL: srv.URL + "/hook", Secret: webhookSecret}
	_, err := wh.Push(context.Background(), push.Lead{MQLID: "p_1-c1", Email: "a@example.com"})
	var pe *push.Error
	if !errors.As(err, &pe) || pe.Permanent || pe.Status != 307 || !strings.Contains(pe.Message, "/moved") || moved != 0 {
		t.Fatalf("redirect: %v (followed %d times)", err, moved)
	}
}
