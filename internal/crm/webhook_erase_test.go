package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/stdwebhook"
)

// signedReceiver is a webhook receiver that checks each message's
// signature against secret, as a receiver must: a bad one is refused
// (401) and not recorded. answer gives the status of each verified try
// (1-based; nil: 204).
type signedReceiver struct {
	mu      sync.Mutex
	secret  string
	at      time.Time // the receiver's clock: the test's
	answer  func(try int) (int, http.Header)
	bodies  []string
	ids     []string
	refused int
}

func newSignedReceiver(t *testing.T, secret string, at time.Time, answer func(int) (int, http.Header)) (*signedReceiver, *httptest.Server) {
	rc := &signedReceiver{secret: secret, at: at, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if err := stdwebhook.Verify(rc.secret, r.Header, body, rc.at, 5*time.Minute); err != nil {
			rc.refused++
			http.Error(w, "bad signature: "+err.Error(), http.StatusUnauthorized)
			return
		}
		rc.bodies = append(rc.bodies, string(body))
		rc.ids = append(rc.ids, r.Header.Get("webhook-id"))
		status, h := 204, http.Header(nil)
		if rc.answer != nil {
			status, h = rc.answer(len(rc.bodies))
		}
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(srv.Close)
	return rc, srv
}

// TestWebhookTellsTheReceiverOfAnErasure: with sfa.erase, Salesforce,
// HubSpot and kintone were told to delete the person, but the webhook
// had no Forget: its receiver kept the email, name, company and message
// it was sent. It now gets a signed person.erased naming the person as
// mql.created did (personId, email) and nothing else, tried again on a
// 429 or 5xx (Retry-After honoured) under one webhook-id; a receiver's
// refusal is a permanent failure with its status, and a wrong secret is
// refused by a receiver that verifies.
func TestWebhookTellsTheReceiverOfAnErasure(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 12, 5, 1, 0, 0, 0, time.UTC)
	clockNow := func() time.Time { return now }
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }

	flaky := func(try int) (int, http.Header) {
		switch try {
		case 1:
			return 503, nil
		case 2:
			return 429, http.Header{"Retry-After": {"7"}}
		}
		return 204, nil
	}
	rc, srv := newSignedReceiver(t, webhookSecret, now, flaky)
	var wh any = &crm.Webhook{URL: srv.URL, Secret: webhookSecret, Now: clockNow, Loc: jst, Sleep: sleep}
	f, ok := wh.(interface {
		Forget(ctx context.Context, personID, email string) error
	})
	if !ok {
		t.Fatal("the webhook cannot be told of an erasure (no Forget)")
	}
	if err := f.Forget(context.Background(), "p_42", "hanako@example.co.jp"); err != nil {
		t.Fatalf("forget: %v", err)
	}
	if len(rc.bodies) != 3 || rc.ids[0] != rc.ids[1] || rc.ids[1] != rc.ids[2] || !strings.HasPrefix(rc.ids[0], "erase-p_42-") {
		t.Fatalf("tries %d, webhook-ids %v: want 3 under one id", len(rc.bodies), rc.ids)
	}
	if len(waits) != 2 || waits[0] != time.Second || waits[1] != 7*time.Second {
		t.Errorf("waits %v, want [1s 7s] (the second the receiver's Retry-After)", waits)
	}
	var msg struct {
		Type      string
		Timestamp string
		Data      map[string]any
	}
	if err := json.Unmarshal([]byte(rc.bodies[2]), &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Type != "person.erased" || msg.Timestamp != "2026-12-05T10:00:00+09:00" || len(msg.Data) != 2 ||
		msg.Data["personId"] != "p_42" || msg.Data["email"] != "hanako@example.co.jp" {
		t.Fatalf("notice %s", rc.bodies[2])
	}

	// A receiver that refuses it (it knows no such type): permanent, with
	// its status, tried once.
	refusing, srv2 := newSignedReceiver(t, webhookSecret, now, func(int) (int, http.Header) { return 422, nil })
	err := (&crm.Webhook{URL: srv2.URL, Secret: webhookSecret, Now: clockNow, Sleep: sleep}).Forget(context.Background(), "p_42", "hanako@example.co.jp")
	var pe *push.Error
	if !errors.As(err, &pe) || !pe.Permanent || pe.Status != 422 || len(refusing.bodies) != 1 {
		t.Fatalf("refused: %v after %d tries", err, len(refusing.bodies))
	}
	// Signed with another secret: the receiver refuses it, records nothing.
	err = (&crm.Webhook{URL: srv.URL, Secret: "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==", Now: clockNow, Sleep: sleep}).Forget(context.Background(), "p_43", "x@example.com")
	if !errors.As(err, &pe) || !pe.Permanent || pe.Status != 401 || rc.refused != 1 || len(rc.bodies) != 3 {
		t.Fatalf("bad signature: %v (refused %d, recorded %d)", err, rc.refused, len(rc.bodies))
	}
	// Down on every try: a transient failure after the last, which fails
	// the erasure (retried).
	waits = nil
	down, srv3 := newSignedReceiver(t, webhookSecret, now, func(int) (int, http.Header) { return 502, nil })
	err = (&crm.Webhook{URL: srv3.URL, Secret: webhookSecret, Now: clockNow, Sleep: sleep}).Forget(context.Background(), "p_42", "hanako@example.co.jp")
	if !errors.As(err, &pe) || pe.Permanent || pe.Status != 502 || len(down.bodies) != 3 || len(waits) != 2 {
		t.Fatalf("down: %v after %d tries, waits %v", err, len(down.bodies), waits)
	}
}

// TestWebhookNamesTheLead: the webhook's subject was "MQL: hot-and-fit"
// and its summary named nobody, so a receiver posting them to Slack or
// Teams showed an anonymous lead. Both name the person, their company and
// title, in sfa.language, with a URL typed into a form marked as the
// summary marks one.
func TestWebhookNamesTheLead(t *testing.T) {
	var got struct {
		Data struct{ Subject, Summary string }
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.Data.Subject, got.Data.Summary = "", ""
		if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
			t.Error(err)
		}
		w.WriteHeader(204)
	}))
	defer srv.Close()
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2026, 11, 24, 10, 5, 0, 0, jst)
	wh := &crm.Webhook{URL: srv.URL, Secret: webhookSecret}
	for _, c := range []struct {
		lang          string
		attrs         map[string]string
		subject, line string
	}{
		{"ja", map[string]string{"last_name": "山田", "first_name": "太郎", "company": "アクメ株式会社"},
			"MQL：山田 太郎（アクメ株式会社）— hot-and-fit", "リード：山田 太郎（アクメ株式会社）\n"},
		{"ja", map[string]string{"name": "山田 太郎", "company": "アクメ株式会社", "title": "部長"},
			"MQL：山田 太郎（アクメ株式会社・部長）— hot-and-fit", "リード：山田 太郎（アクメ株式会社・部長）\n"},
		{"en", map[string]string{"name": "Taro\nYamada", "company": "Acme evil.com/login", "title": "CTO"},
			"MQL: Taro Yamada (Acme [other site, unverified] evil[.]com/login, CTO) — hot-and-fit", "Lead: Taro Yamada (Acme [other site, unverified] evil[.]com/login, CTO)\n"},
		{"en", map[string]string{}, "MQL: hanako@example.co.jp — hot-and-fit", "Lead: hanako@example.co.jp\n"},
	} {
		l := push.Lead{MQLID: "p_1-c1", PersonID: "p_1", Email: "hanako@example.co.jp", Attributes: c.attrs, Condition: "hot-and-fit", Grade: "A", QualifiedAt: at, Lang: c.lang}
		if _, err := wh.Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		if got.Data.Subject != c.subject || !strings.HasPrefix(got.Data.Summary, c.line) || !strings.Contains(got.Data.Summary, l.Summary()) {
			t.Errorf("%v: subject %q, summary %q", c.attrs, got.Data.Subject, got.Data.Summary)
		}
	}
}

// TestWebhookTimesInOneZone: mql.created carried timestamp, the touches'
// at and raisedAt in UTC (Z) beside qualifiedAt and activity[].at in the
// configured zone (+09:00): every time is now in one zone, the
// configured one (Loc), else the lead's own.
func TestWebhookTimesInOneZone(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.WriteHeader(204)
	}))
	defer srv.Close()
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2026, 11, 24, 10, 5, 0, 0, jst)
	utc := at.UTC()
	l := push.Lead{MQLID: "p_1-c2", PersonID: "p_1", Email: "hanako@example.co.jp", Condition: "hot-and-fit", QualifiedAt: at, RaisedAt: utc.Add(time.Minute), Cycle: 2,
		FirstTouch: push.Touch{Channel: "search", At: utc.Add(-48 * time.Hour)}, LastTouch: push.Touch{Channel: "email", At: utc.Add(-time.Hour)},
		Activity: []push.Activity{{Type: "page", At: at}, {Type: "page", At: utc.Add(-2 * time.Hour)}},
		Recycled: &push.Recycled{Outcome: "rejected", At: utc.Add(-240 * time.Hour)}}
	stamp := regexp.MustCompile(`"\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)"`)
	for _, c := range []struct {
		loc  *time.Location
		want string
	}{{nil, "+09:00"}, {time.FixedZone("ICT", 7*3600), "+07:00"}} {
		bodies = nil
		if _, err := (&crm.Webhook{URL: srv.URL, Secret: webhookSecret, Loc: c.loc}).Push(context.Background(), l); err != nil {
			t.Fatal(err)
		}
		times := stamp.FindAllStringSubmatch(bodies[0], -1)
		if len(times) != 8 { // timestamp, qualifiedAt, raisedAt, 2 touches, 2 activities, recycled
			t.Fatalf("%d times in %s", len(times), bodies[0])
		}
		for _, m := range times {
			if m[1] != c.want {
				t.Errorf("zone %v: %s, want every time in %s: %s", c.loc, m[0], c.want, bodies[0])
			}
		}
	}
	if l.FirstTouch.At.Location() != time.UTC || l.Activity[1].At.Location() != time.UTC {
		t.Error("the caller's lead was changed")
	}
}
