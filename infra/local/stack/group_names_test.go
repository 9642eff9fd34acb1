package stack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/clock"
)

// TestGroupCallsNamedByCompany: a backend's /v1/batch whose group calls
// name the company by its name ("Acme Inc", "Team #2", "株式会社　アクメ"),
// as Segment takes, then identifies and tracks the user. Every group call
// was refused (no space or '#' in a groupId). They are stored with the
// groupId as sent, spacing kept (not folded into one), and the user's
// identify and track join the account of their company as they do without.
func TestGroupCallsNamedByCompany(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	s := stack.ForTestClock(t, nil, clock.NewManual(now).Now)
	at := now.Add(-time.Minute).Format(time.RFC3339)
	groups := []string{"Acme Inc", "Acme  Inc", "Team #2", "株式会社\u3000アクメ", "100% #1"}
	var calls []string
	for i, g := range groups {
		b, _ := json.Marshal(map[string]any{"type": "group", "messageId": "grp-" + string(rune('a'+i)), "userId": "crm-0042", "groupId": g,
			"timestamp": at, "traits": map[string]any{"name": g}})
		calls = append(calls, string(b))
	}
	calls = append(calls,
		`{"type":"identify","messageId":"grp-id","userId":"crm-0042","timestamp":"`+at+`","traits":{"email":"yamada@acme-inc.example","company":"Acme Inc","name":"山田 太郎"}}`,
		`{"type":"track","messageId":"grp-tr","userId":"crm-0042","event":"Webinar Registered","timestamp":"`+at+`"}`,
		// A tab is no part of a company's id: that call alone is refused.
		`{"type":"group","messageId":"grp-tab","userId":"crm-0042","groupId":"Acme\tInc","timestamp":"`+at+`"}`)
	body := `{"sentAt":"` + now.Format(time.RFC3339) + `","batch":[` + strings.Join(calls, ",") + `]}`
	req, _ := http.NewRequest("POST", s.URL+"/v1/batch", strings.NewReader(body))
	req.SetBasicAuth("test-write-key-0123456789", "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var out struct {
		Refused []struct {
			Index int    `json:"index"`
			Field string `json:"field"`
		} `json:"refused"`
	}
	if resp.StatusCode != 200 || json.Unmarshal(answer, &out) != nil || len(out.Refused) != 1 || out.Refused[0].Index != len(calls)-1 || out.Refused[0].Field != "groupId" {
		t.Fatalf("POST /v1/batch: %d %s; want the tab's group call alone refused, naming groupId", resp.StatusCode, answer)
	}
	settle(t, s)
	ctx := context.Background()

	evs, err := s.App.Events.Visitor(ctx, "u:crm-0042")
	if err != nil {
		t.Fatal(err)
	}
	kept := map[string]string{} // messageId -> groupId
	for _, ev := range evs {
		if ev.Name == "$group" {
			kept[ev.ID], _ = ev.Properties["groupId"].(string)
		}
	}
	for i, g := range groups {
		if id := "grp-" + string(rune('a'+i)); kept[id] != g {
			t.Errorf("group call %s: groupId stored %q, want %q as sent (all: %q)", id, kept[id], g, kept)
		}
	}
	if len(kept) != len(groups) {
		t.Errorf("%d group calls stored, want %d: %q", len(kept), len(groups), kept)
	}

	// The user: identified, and in the account of their company.
	p, err := s.App.People.ByEmail(ctx, "yamada@acme-inc.example")
	if err != nil {
		t.Fatalf("the identified user: %v", err)
	}
	as, err := s.App.Accounts.List(ctx, account.ByActivity, 0)
	if err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, a := range as {
		for _, m := range a.Members {
			if m.Person == p.ID {
				in = append(in, a.Name)
			}
		}
	}
	if len(in) != 1 {
		t.Fatalf("the user is in accounts %q, want one (all: %+v)", in, as)
	}

	// The person's disclosure shows each groupId as sent.
	code, b := do(t, "GET", s.URL+"/admin/people/"+p.ID+"/disclosure", token, "")
	if code != 200 {
		t.Fatalf("disclosure: %d %s", code, b)
	}
	var flat bytes.Buffer
	if err := json.Compact(&flat, b); err != nil {
		t.Fatal(err)
	}
	for _, g := range groups {
		q, _ := json.Marshal(g)
		if !strings.Contains(flat.String(), `"groupId":`+string(q)) {
			t.Errorf("disclosure lacks groupId %s as sent: %s", q, b)
		}
	}
}
