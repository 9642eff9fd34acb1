package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/table"
)

// slowOwners is HubSpot (the fake) behind a proxy that answers its owner
// reads late, as a large, slow account does (real time: the reads are
// bounded by a context deadline), and counts the owner calls HubSpot got.
type slowOwners struct {
	list, one time.Duration // a page of the list's delay, an owner's alone

	mu                      sync.Mutex
	lists, firstPages, gets int
}

func (s *slowOwners) serve(t *testing.T, hs *crmfake.HubSpot) *httptest.Server {
	target, _ := url.Parse(hs.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var wait time.Duration
		s.mu.Lock()
		switch {
		case r.URL.Path == "/crm/v3/owners":
			s.lists++
			if !r.URL.Query().Has("after") {
				s.firstPages++
			}
			wait = s.list
		case strings.HasPrefix(r.URL.Path, "/crm/v3/owners/"):
			s.gets++
			wait = s.one
		}
		s.mu.Unlock()
		select {
		case <-time.After(wait):
		case <-r.Context().Done():
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func (s *slowOwners) counts() (lists, firstPages, gets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lists, s.firstPages, s.gets
}

// TestHubSpotOwnersSlowList: for an account of 1,000 owners whose API
// answers in 220 ms a call, the list (10 pages) does not fit in a
// delivery's ownerWait (2 s): it was cut short, HubSpot taken for down,
// the owner not read alone, and each batch read the list anew: three
// batches, the rep named in none, 28 calls. The list has part of the time
// and the owner read alone the rest: each rep is named; the list's pages
// read are kept and the next batch continues it (its first page is read
// once), so HubSpot's calls are bounded across batches. A list whose page
// does not even fit its part is paused: the owners are read alone.
func TestHubSpotOwnersSlowList(t *testing.T) {
	batch := func(t *testing.T, f *fx, hs *crmfake.HubSpot, n int, owner, change string) {
		t.Helper()
		hs.Lock()
		hs.Contacts["sales-ready@example.com"]["hubspot_owner_id"] = owner
		hs.Unlock()
		f.clk.Advance(time.Minute)
		if code, resp := hsEvents(t, f, 6000+n, change); code != 200 || !strings.Contains(resp, `"applied":true`) {
			t.Fatalf("batch %d: %d %s", n, code, resp)
		}
	}
	changes := []string{"501:hs_lead_status:IN_PROGRESS", "501:lifecyclestage:salesqualifiedlead", "501:lifecyclestage:opportunity"}
	setupSlow := func(t *testing.T, s *slowOwners) (*fx, *crmfake.HubSpot) {
		f := setup(t)
		hs := ownerFake(t, f)
		for i := range 1000 {
			id := fmt.Sprint(70000000 + i)
			hs.Owners[id] = &crmfake.HubSpotOwner{ID: id, Email: fmt.Sprintf("rep%d@maker.example", i)}
		}
		api := &feedback.HubSpotDeals{BaseURL: s.serve(t, hs).URL, Token: hs.Token}
		f.h.HubSpotDeals, f.h.HubSpotOwners = api, api
		return f, hs
	}
	t.Run("continued", func(t *testing.T) {
		s := &slowOwners{list: 220 * time.Millisecond, one: 220 * time.Millisecond}
		f, hs := setupSlow(t, s)
		for n, i := range []int{990, 991, 992} { // on the list's 10th page
			batch(t, f, hs, n, fmt.Sprint(70000000+i), changes[n])
			if got, want := lastOwner(t, f), fmt.Sprintf("rep%d@maker.example", i); got != want {
				t.Errorf("batch %d: owner %q, want %q", n, got, want)
			}
		}
		lists, first, gets := s.counts()
		if first != 1 || lists > 10+3 || gets > 3 {
			t.Errorf("3 batches: %d calls of the list (%d of its first page), %d of an owner alone; want its first page once, at most 13 and 3", lists, first, gets)
		}
	})
	t.Run("paused", func(t *testing.T) {
		s := &slowOwners{list: 5 * time.Second, one: 100 * time.Millisecond}
		f, hs := setupSlow(t, s)
		for n, i := range []int{5, 6} {
			batch(t, f, hs, n, fmt.Sprint(70000000+i), changes[n])
			if got, want := lastOwner(t, f), fmt.Sprintf("rep%d@maker.example", i); got != want {
				t.Errorf("batch %d: owner %q, want %q", n, got, want)
			}
		}
		if lists, _, gets := s.counts(); lists != 1 || gets != 2 {
			t.Errorf("2 batches: %d calls of the list, %d of an owner alone; want 1 and 2", lists, gets)
		}
	})
}

// failingNames is a store whose writes of names learned (repnames) fail,
// fails times: a name that is an email is written in a transaction (with
// the check that the address was not erased), any other by PutMany.
type failingNames struct {
	table.Table
	mu    sync.Mutex
	fails int
}

func (s *failingNames) Transact(ctx context.Context, ws []table.Write) error {
	s.mu.Lock()
	fail := s.fails > 0 && len(ws) > 0 && ws[0].Item.Kind == "repname"
	if fail {
		s.fails--
	}
	s.mu.Unlock()
	if fail {
		return errors.New("the store is unavailable")
	}
	return s.Table.Transact(ctx, ws)
}

func (s *failingNames) PutMany(ctx context.Context, ws []table.Write) []error {
	s.mu.Lock()
	fail := s.fails > 0 && len(ws) > 0 && ws[0].Item.Kind == "repname"
	if fail {
		s.fails--
	}
	s.mu.Unlock()
	if !fail {
		return s.Table.PutMany(ctx, ws)
	}
	errs := make([]error, len(ws))
	for i := range errs {
		errs[i] = errors.New("the store is unavailable")
	}
	return errs
}

// TestOwnerNameWriteFails: an outcome keeps the owner id alone, and the
// name learned for it is kept in the store (repnames), the only place it
// lives. A failed write of it was only logged: remembered for the hour,
// the name was not read nor written again, and the reports named the
// rep's outcomes by the id for good. The name is written again with the
// next delivery: the rep's next outcome is named, and so is the first.
func TestOwnerNameWriteFails(t *testing.T) {
	failing := func(t *testing.T, clk func() time.Time) table.Table {
		return &failingNames{Table: openBolt(t, clk), fails: 1}
	}
	t.Run("HubSpot", func(t *testing.T) {
		f := setupOn(t, failing)
		hs := ownerFake(t, f)
		l := captureLog(f)
		if code, resp := hsEvents(t, f, 7001, "501:hs_lead_status:IN_PROGRESS"); code != 200 || !strings.Contains(resp, `"applied":true`) {
			t.Fatalf("%d %s", code, resp)
		}
		if n := l.count("keeping the owners' names failed"); n != 1 {
			t.Fatalf("the failed write logged %d times", n)
		}
		f.clk.Advance(time.Minute)
		if code, resp := hsEvents(t, f, 7002, "501:lifecyclestage:salesqualifiedlead"); code != 200 || lastOwner(t, f) != "tanaka@maker.example" {
			t.Fatalf("%d %s owner %q", code, resp, lastOwner(t, f))
		}
		if sla, reps := slaOwners(t, f); fmt.Sprint(sla) != "[tanaka@maker.example]" || fmt.Sprint(reps) != "[tanaka@maker.example]" {
			t.Errorf("SLA owners %v, reps %v", sla, reps)
		}
		if o := calls(hs, ownersList); o != 1 {
			t.Errorf("the owners were read %d times", o)
		}
	})
	t.Run("Salesforce", func(t *testing.T) {
		f := setupOn(t, failing)
		l := captureLog(f)
		org := crmfake.NewSalesforce()
		t.Cleanup(org.Close)
		org.Now = f.clk.Now
		org.Users = map[string]map[string]any{"0055g00000AbCdEAAZ": {"Id": "0055g00000AbCdEAAZ", "Name": "田中 太郎", "Email": "tanaka@acme.example"}}
		f.h.SalesforceOwners = &crm.Salesforce{LoginURL: org.URL, ClientID: org.ClientID, ClientSecret: org.ClientSecret, LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c", Now: f.clk.Now}
		hdr := map[string]string{"X-Baton-Secret": shared}
		f.clk.Advance(time.Minute)
		flow := func(id, status string) {
			t.Helper()
			body := `{"eventId":"` + id + `","leadId":"00Q000000000001AAA","status":"` + status + `","owner":"0055g00000AbCdEAAZ","changedAt":"` + f.clk.Now().Format(time.RFC3339) + `"}`
			if code, resp := f.post(t, "/feedback/salesforce", body, hdr); code != 200 || !strings.Contains(resp, `"applied":true`) {
				t.Fatalf("%s: %d %s", id, code, resp)
			}
		}
		flow("sf-flow-1", "Working - Contacted")
		if n := l.count("keeping the owners' names failed"); n != 1 {
			t.Fatalf("the failed write logged %d times", n)
		}
		f.clk.Advance(time.Minute)
		flow("sf-flow-2", "Qualified")
		if got := lastOwner(t, f); got != "tanaka@acme.example" {
			t.Errorf("owner %q", got)
		}
		if sla, reps := slaOwners(t, f); fmt.Sprint(sla) != "[tanaka@acme.example]" || fmt.Sprint(reps) != "[tanaka@acme.example]" {
			t.Errorf("SLA owners %v, reps %v", sla, reps)
		}
	})
}
