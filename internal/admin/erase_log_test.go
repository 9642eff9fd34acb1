package admin_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
)

// notTold is an erasure stopped by an SFA that refused to forget the
// person with an answer quoting them.
type notTold struct{}

func (notTold) Erase(context.Context, string) (privacy.Report, error) {
	return privacy.Report{}, &privacy.NotTold{Err: &push.Error{Connector: "hubspot", Status: 400, Code: "VALIDATION_ERROR",
		Message: "Property values were not valid: hanako@example.jp (Yamada Hanako)"}}
}

// TestErasureStoppedLogsNoPerson: an SFA that did not acknowledge an
// erasure stops it (503, to be asked again), and its answer's text was
// logged whole, "it may quote the person": the email of the person being
// erased, in a log the erasure never reaches. The log now says the
// connector, the HTTP status and the SFA's error code; the 503 says which
// system and its status, as before.
func TestErasureStoppedLogsNoPerson(t *testing.T) {
	var logs bytes.Buffer
	h := &admin.Handler{Credentials: []admin.Credential{admin.FullAccess(fullToken)}, People: noPeople{}, Eraser: notTold{},
		Log: slog.New(slog.NewTextHandler(&logs, nil))}
	mux := http.NewServeMux()
	h.Routes(mux)
	r := httptest.NewRequest("DELETE", "/admin/people/p_0123456789abcdef", nil)
	r.Header.Set("Authorization", "Bearer "+fullToken)
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, r)
	if w.Code != 503 || !strings.Contains(w.Body.String(), "hubspot") || strings.Contains(w.Body.String(), "hanako") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	out := logs.String()
	if strings.Contains(out, "hanako") || strings.Contains(out, "Yamada") {
		t.Errorf("the log quotes the person being erased:\n%s", out)
	}
	if !strings.Contains(out, "erasure stopped") || !strings.Contains(out, "hubspot") || !strings.Contains(out, "400 VALIDATION_ERROR") {
		t.Errorf("the log no longer says which system stopped the erasure and how:\n%s", out)
	}
}
