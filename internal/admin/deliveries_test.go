package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// deadLetters answers Replay with err, and records the ids it was asked.
type deadLetters struct {
	err   error
	asked []string
}

func (d *deadLetters) Dead(context.Context) ([]queue.Message, error) { return nil, nil }
func (d *deadLetters) Replay(_ context.Context, id string) error {
	d.asked = append(d.asked, id)
	return d.err
}

// TestReplayAnswersWithoutInternals: a replay that failed on the store or
// SQS was answered 409 with the error's text (a key's NUL, an AWS request
// id and queue URL); a conflict is a 409, a failure a 500 "internal
// error", an id no key can hold a 404 that reaches no store.
func TestReplayAnswersWithoutInternals(t *testing.T) {
	f := newFixture(t)
	dl := &deadLetters{}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: dl}
	mux := http.NewServeMux()
	f.h.Routes(mux)
	srv := httptest.NewServer(httpx.Routes(mux))
	defer srv.Close()
	f.url = srv.URL
	bearer := []string{"Authorization", "Bearer " + fullToken}
	for _, c := range []struct {
		name, id string
		err      error
		code     int
		body     string
	}{
		{"SQS failing", "m-1", errors.New("operation error SQS: ReceiveMessage, https response error StatusCode: 500, RequestID: 9f1c, queue https://sqs.us-east-1.amazonaws.com/123456789012/baton-push-dlq"), 500, `{"error":"internal error"}`},
		{"not a dead letter", "m-2", fmt.Errorf("queue: m-2 is %w", queue.ErrNotDead), 409, "not a dead letter"},
		{"unknown", "m-3", fmt.Errorf("deadletter: m-3: %w", table.ErrNotFound), 404, "no such dead letter"},
		{"NUL", "%00", nil, 404, "no such dead letter"},
		{"too long", strings.Repeat("m", 3000), nil, 404, "no such dead letter"},
	} {
		dl.err, dl.asked = c.err, nil
		a := f.req("POST", "/admin/deadletters/"+c.id+"/replay", "", bearer...)
		if a.code != c.code || !strings.Contains(a.body, c.body) || strings.Contains(a.body, "RequestID") {
			t.Errorf("%s: %d %.200s, want %d %s", c.name, a.code, a.body, c.code, c.body)
		}
		if c.err == nil && len(dl.asked) != 0 {
			t.Errorf("%s: the queue was asked for %.40q", c.name, dl.asked)
		}
	}
}

// TestRefusedLinksChangeNoCampaign: POST /admin/links wrote the campaign
// (new, or its name, send time and UTM changed) before its destinations
// were checked: a 400 left it written.
func TestRefusedLinksChangeNoCampaign(t *testing.T) {
	f := newFixture(t)
	bearer := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "application/json"}
	if a := f.req("POST", "/admin/links", `{"campaign":"spring","name":"Spring","urls":["https://www.example.com/a"]}`, bearer...); a.code != 201 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	for _, body := range []string{
		`{"campaign":"refused","name":"New","urls":["javascript:alert(1)"]}`,
		`{"campaign":"refused","name":"New","urls":[]}`,
		`{"campaign":"spring","name":"Changed","urls":["https://www.example.com/b","ftp://www.example.com/c"]}`,
	} {
		if a := f.req("POST", "/admin/links", body, bearer...); a.code != 400 {
			t.Fatalf("%s: %d %s", body, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/campaigns/refused", "", bearer[:2]...); a.code != 404 {
		t.Errorf("a refused request made its campaign: %d %s", a.code, a.body)
	}
	a := f.req("GET", "/admin/campaigns/spring", "", bearer[:2]...)
	if a.code != 200 || !strings.Contains(a.body, `"name":"Spring"`) || strings.Contains(a.body, "www.example.com/b") {
		t.Errorf("a refused request changed its campaign: %d %s", a.code, a.body)
	}
}

// TestBadLinksBodyNamesTheField: a wrongly typed field was answered in
// encoding/json's terms ("Go struct field linksRequest.honeypot of type
// bool"), without the field; a time without its zone in Go's layout.
func TestBadLinksBodyNamesTheField(t *testing.T) {
	f := newFixture(t)
	bearer := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "application/json"}
	for _, c := range []struct{ body, field, says string }{
		{`{"campaign":"spring","urls":["https://www.example.com/a"],"honeypot":"yes"}`, "honeypot", "honeypot must be true or false, not a string"},
		{`{"campaign":"spring","urls":"https://www.example.com/a"}`, "urls", "urls must be a list of strings"},
		{`{"campaign":"spring","urls":["https://www.example.com/a"],"sentAt":"2026-11-24T10:00"}`, "sentAt", "is not a time: give one with its zone"},
		{`{"campaign":"spring","urls":["https://www.example.com/a"],"sentAt":1764000000}`, "sentAt", "sentAt must be a time with its zone"},
	} {
		a := f.req("POST", "/admin/links", c.body, bearer...)
		var got struct{ Error, Field string }
		json.Unmarshal([]byte(a.body), &got)
		if a.code != 400 || got.Field != c.field || !strings.Contains(got.Error, c.says) || strings.Contains(got.Error, "Go struct") {
			t.Errorf("%s: %d %s", c.body, a.code, a.body)
		}
	}
}

// TestLinksRefuseUnknownFields: a misspelled key (sent_at,
// scanner_window, utm.utm_medium) was ignored, 201, the campaign made
// without its send time, scanner window or medium. It is a 400 naming the
// field (utm's with "utm."), and nothing is made.
func TestLinksRefuseUnknownFields(t *testing.T) {
	f := newFixture(t)
	bearer := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "application/json"}
	for _, c := range []struct{ body, field string }{
		{`{"campaign":"x5","urls":["https://www.example.com/a"],"sent_at":"2026-11-24T10:00:00+09:00"}`, "sent_at"},
		{`{"campaign":"x5","urls":["https://www.example.com/a"],"scanner_window":120}`, "scanner_window"},
		{`{"campaign":"x5","urls":["https://www.example.com/a"],"utm":{"source":"nl","utm_medium":"email"}}`, "utm.utm_medium"},
	} {
		a := f.req("POST", "/admin/links", c.body, bearer...)
		var got struct{ Error, Field string }
		json.Unmarshal([]byte(a.body), &got)
		if a.code != 400 || got.Field != c.field || !strings.Contains(got.Error, `unknown field "`+c.field+`"`) {
			t.Errorf("%s: %d %s", c.body, a.code, a.body)
		}
	}
	if a := f.req("GET", "/admin/campaigns/x5", "", bearer[:2]...); a.code != 404 {
		t.Errorf("a refused request made its campaign: %d %s", a.code, a.body)
	}
	a := f.req("POST", "/admin/links", `{"campaign":"x5","urls":["https://www.example.com/a"],"sentAt":null,"utm":{"source":"nl","medium":"email"},"scannerWindow":120}`, bearer...)
	if a.code != 201 || !strings.Contains(a.body, `"medium":"email"`) || !strings.Contains(a.body, `"scannerWindow":120`) {
		t.Errorf("the right keys: %d %s", a.code, a.body)
	}
}

// TestBackupOnDynamoDB: without an embedded store there is no file to
// copy: the answer names DynamoDB's own backup, and a read token may not
// ask at all.
func TestBackupOnDynamoDB(t *testing.T) {
	f := newFixture(t)
	if a := f.req("GET", "/admin/backup", "", "Authorization", "Bearer "+fullToken); a.code != 409 || !strings.Contains(a.body, "point-in-time recovery") {
		t.Fatalf("%d %s", a.code, a.body)
	}
	if a := f.req("GET", "/admin/backup", "", "Authorization", "Bearer "+readToken); a.code != 403 {
		t.Fatalf("read token: %d %s", a.code, a.body)
	}
}

// purgeable is a dead-letter store of n messages that can be purged.
type purgeable struct {
	deadLetters
	n, purges int
	err       error
}

func (p *purgeable) Count(context.Context) (int, error) { return p.n, nil }
func (p *purgeable) Purge(context.Context) error {
	if p.err != nil {
		return p.err
	}
	p.purges++
	p.n = 0
	return nil
}

// busyErr is what deadletter.Busy says to the admin API.
type busyErr struct{}

func (busyErr) Error() string {
	return "deadletter: the dead-letter queues are being read by an erasure"
}
func (busyErr) RetryAfter() time.Duration { return 90 * time.Second }

// TestPurgeDeadLettersNeedsTheCount: POST /admin/deadletters/purge
// empties the dead-letter queue only when confirm is the count GET shows
// (a DLQ past deadletter's ForgetMax blocked every erasure, and nothing
// emptied it); anything else is a JSON 4xx and nothing purged; it is
// audited; a store whose readers are busy is a 503 saying so. The table's
// queue (no Purge) has no such route.
func TestPurgeDeadLettersNeedsTheCount(t *testing.T) {
	dl := &purgeable{n: 10234}
	f := newFixture(t, func(h *admin.Handler) { h.Deliveries = &admin.DeliveryAdmin{Queue: dl} })
	bearer := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "application/json"}
	if a := f.req("GET", "/admin/deadletters/purge", "", bearer...); a.code != 200 || !strings.Contains(a.body, `"count":10234`) {
		t.Fatalf("GET: %d %s", a.code, a.body)
	}
	for _, c := range []struct {
		body string
		code int
		want string
	}{
		{``, 400, "confirm"},
		{`{}`, 400, `"field":"confirm"`},
		{`{"confirm": "all"}`, 400, "confirm"},
		{`{"confirm": 10000}`, 409, `"count":10234`},
		{`{"confirm": 10234, "force": true}`, 400, "force"},
	} {
		if a := f.req("POST", "/admin/deadletters/purge", c.body, bearer...); a.code != c.code || !strings.Contains(a.body, c.want) || !strings.HasPrefix(a.hdr.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s, want %d %s", c.body, a.code, a.body, c.code, c.want)
		}
	}
	if a := f.req("POST", "/admin/deadletters/purge", `{"confirm": 10234}`, "Authorization", "Bearer "+readToken, "Content-Type", "application/json"); a.code != 403 {
		t.Errorf("with the read scope: %d %s", a.code, a.body)
	}
	if dl.purges != 0 {
		t.Fatalf("purged %d times before a confirmed request", dl.purges)
	}
	dl.err = fmt.Errorf("deadletter: %w", busyErr{})
	if a := f.req("POST", "/admin/deadletters/purge", `{"confirm": 10234}`, bearer...); a.code != 503 || a.hdr.Get("Retry-After") != "90" || !strings.Contains(a.body, "being read by an erasure") {
		t.Errorf("busy: %d %q %s", a.code, a.hdr.Get("Retry-After"), a.body)
	}
	dl.err = nil
	if a := f.req("POST", "/admin/deadletters/purge", `{"confirm": 10234}`, bearer...); a.code != 200 || a.body != `{"purged":10234}`+"\n" || dl.purges != 1 {
		t.Fatalf("confirmed: %d %q, %d purges", a.code, a.body, dl.purges)
	}
	var purges []int
	for _, e := range f.auditPage("").Entries {
		if e.Route == "POST /admin/deadletters/purge" {
			purges = append(purges, e.Status)
		}
	}
	if !slices.Equal(purges, []int{200, 503, 403, 400, 409, 400, 400, 400}) {
		t.Errorf("audited purges (newest first) %v", purges)
	}

	g := newFixture(t, func(h *admin.Handler) { h.Deliveries = &admin.DeliveryAdmin{Queue: &deadLetters{}} })
	if a := g.req("POST", "/admin/deadletters/purge", `{"confirm": 0}`, bearer...); a.code != 404 && a.code != 405 {
		t.Errorf("a store without Purge: %d %s", a.code, a.body)
	}
}
