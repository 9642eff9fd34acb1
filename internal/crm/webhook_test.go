package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
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

// TestWebhookSaysWhyInWords: the webhook carried the lead's fields only,
// so a receiver showing it to sales (a chat channel, a no-code flow) had
// to compose why now and what they did itself. It gets the subject and the
// summary the Salesforce Task and the HubSpot note get, in sfa.language.
func TestWebhookSaysWhyInWords(t *testing.T) {
	var got struct {
		Type string
		Data struct {
			MQLID, Email, Subject, Summary string
		}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Error(err)
		}
		w.WriteHeader(204)
	}))
	defer srv.Close()
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2026, 11, 24, 10, 5, 0, 0, jst)
	l := push.Lead{MQLID: "p_1-c1", Email: "hanako@example.co.jp", Condition: "hot-and-fit", Reasons: []string{"behaviour>=100"}, Grade: "A",
		QualifiedAt: at, Lang: "ja", Activity: []push.Activity{{Type: "form_submit", Name: "資料請求", URL: "https://www.example.com/contact", At: at}}}
	wh := &crm.Webhook{URL: srv.URL, Secret: webhookSecret}
	if _, err := wh.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if got.Type != "mql.created" || got.Data.MQLID != "p_1-c1" || got.Data.Email != "hanako@example.co.jp" {
		t.Fatalf("payload %+v", got)
	}
	if got.Data.Subject != l.NamedSubject() || got.Data.Summary != l.NamedSummary() || !strings.Contains(got.Data.Summary, "最近の行動（時刻は JST）") || !strings.Contains(got.Data.Summary, "資料請求") {
		t.Errorf("subject %q, summary %q", got.Data.Subject, got.Data.Summary)
	}
	m := account.MQA{ID: "a1-q1", Name: "請求商事", Condition: "buying-group", Lang: "ja", At: at,
		People: []account.Member{{Person: "p_1", Name: "開示 花子", Email: "hanako@example.co.jp", Role: "decision_maker", LastActive: at}}}
	if _, err := wh.PushAccount(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got.Type != "mqa.created" || got.Data.Summary != m.Summary() || !strings.Contains(got.Data.Summary, "開示 花子") {
		t.Errorf("MQA: %+v", got)
	}
}
