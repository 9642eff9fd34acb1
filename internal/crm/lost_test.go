package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestLostAnswerIsNotDuplicated: the SFA did the write but its answer was
// lost (a timeout); the retry finds what was written instead of writing it
// twice. Salesforce and kintone upsert by a key of their own; HubSpot's
// note has none, so the retry looks for it, waiting out search's lag.
func TestLostAnswerIsNotDuplicated(t *testing.T) {
	ctx := context.Background()
	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		for _, call := range []string{"PATCH /services/data/v62.0/sobjects/Lead/Baton_Person_Id__c/" + lead.PersonID, "PATCH /services/data/v62.0/sobjects/Task/Baton_MQL_Id__c/" + lead.MQLID} {
			f.LoseAnswer(call, 1)
			if _, err := c.Push(ctx, lead); err == nil || perr(t, err).Permanent {
				t.Fatalf("%s: answer lost: %v", call, err)
			}
		}
		if _, err := c.Push(ctx, lead); err != nil {
			t.Fatal(err)
		}
		if len(f.Leads) != 1 || len(f.Tasks) != 1 {
			t.Fatalf("%d leads, %d tasks", len(f.Leads), len(f.Tasks))
		}
	})
	t.Run("kintone", func(t *testing.T) {
		f := crmfake.NewKintone()
		defer f.Close()
		f.LoseAnswer("PUT /k/v1/records.json", 1)
		if _, err := kt(f).Push(ctx, lead); err == nil || perr(t, err).Permanent {
			t.Fatalf("answer lost: %v", err)
		}
		if _, err := kt(f).Push(ctx, lead); err != nil || len(f.Records) != 1 {
			t.Fatalf("%d records, %v", len(f.Records), err)
		}
	})
	t.Run("hubspot", func(t *testing.T) {
		f := crmfake.NewHubSpot()
		defer f.Close()
		now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
		f.Now = func() time.Time { return now }
		c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: func() time.Time { return now }}
		pctx := push.WithProgress(ctx, push.MemProgress{})
		f.LoseAnswer("POST /crm/v3/objects/notes", 1)
		if _, err := c.Push(pctx, lead); err == nil || perr(t, err).Permanent {
			t.Fatalf("answer lost: %v", err)
		}
		// At once: search does not see the note yet; nothing is sent again.
		_, err := c.Push(pctx, lead)
		if pe := perr(t, err); pe.Permanent || pe.RetryAfter <= 0 || len(f.Notes) != 1 {
			t.Fatalf("retry before search sees the note: %+v, %d notes", pe, len(f.Notes))
		}
		now = now.Add(f.SearchLag + time.Second)
		if _, err := c.Push(pctx, lead); err != nil {
			t.Fatal(err)
		}
		if len(f.Notes) != 1 || push.ProgressFrom(pctx).Step("note") != f.Notes[0]["id"] {
			t.Fatalf("%d notes, step %q", len(f.Notes), push.ProgressFrom(pctx).Step("note"))
		}
	})
}

// TestHubSpotLostCompanyAnswer: HubSpot created the MQA's company but the
// answer was lost; search does not see it for a while. The retry waits for
// search instead of creating a second company, then notes the one there is.
func TestHubSpotLostCompanyAnswer(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	clk := clock.NewManual(mqa.At)
	f.Now = clk.Now
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: clk.Now}
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f.LoseAnswer("POST /crm/v3/objects/companies", 1)
	if _, err := c.PushAccount(ctx, mqa); err == nil || perr(t, err).Permanent {
		t.Fatalf("answer lost: %v", err)
	}
	_, err := c.PushAccount(ctx, mqa)
	if pe := perr(t, err); pe.Permanent || pe.RetryAfter <= 0 || len(f.Companies) != 1 {
		t.Fatalf("retry before search sees the company: %+v, %d companies", pe, len(f.Companies))
	}
	clk.Advance(f.SearchLag + time.Second)
	id, err := c.PushAccount(ctx, mqa)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Companies[id]; !ok || len(f.Companies) != 1 || len(f.Notes) != 1 {
		t.Fatalf("id %s, %d companies, %d notes", id, len(f.Companies), len(f.Notes))
	}
	// The next MQA's note: its answer lost, it is found, not sent again.
	next := mqa
	next.ID, next.N = "a0123456789abcdef-q2", 2
	ctx = push.WithProgress(context.Background(), push.MemProgress{})
	f.LoseAnswer("POST /crm/v3/objects/notes", 1)
	if _, err := c.PushAccount(ctx, next); err == nil {
		t.Fatal("answer lost, no error")
	}
	clk.Advance(f.SearchLag + time.Second)
	if _, err := c.PushAccount(ctx, next); err != nil || len(f.Notes) != 2 {
		t.Fatalf("%v, %d notes", err, len(f.Notes))
	}
}

// TestHubSpotLostNoteNotMistaken: the first cycle's note was sent but
// never made (the connection dropped first); the contact has the tenth
// cycle's note, whose marker begins like it. The retry, once search could
// have seen the first, sends it: -c1 is not -c10.
func TestHubSpotLostNoteNotMistaken(t *testing.T) {
	f := crmfake.NewHubSpot()
	defer f.Close()
	clk := clock.NewManual(lead.QualifiedAt)
	f.Now = clk.Now
	c := &crm.HubSpot{BaseURL: f.URL, Token: f.Token, Now: clk.Now}
	tenth := lead
	tenth.MQLID = lead.PersonID + "-c10"
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), tenth); err != nil {
		t.Fatal(err)
	}
	clk.Advance(time.Hour)
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	f.LoseAnswer("POST /crm/v3/objects/notes", 1)
	if _, err := c.Push(ctx, lead); err == nil {
		t.Fatal("answer lost, no error")
	}
	f.Lock()
	f.Notes = f.Notes[:1] // it was never made
	f.Unlock()
	clk.Advance(3 * time.Minute)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	if len(f.Notes) != 2 || push.ProgressFrom(ctx).Step("note") != f.Notes[1]["id"] {
		t.Fatalf("%d notes, step %q", len(f.Notes), push.ProgressFrom(ctx).Step("note"))
	}
}
