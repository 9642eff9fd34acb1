package feedback_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/feedback"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/repnames"
	"github.com/baton-hq/baton/internal/reports"
)

// ownerFake is the fake HubSpot with the setup's contact (501) owned by
// owner 41629779, 田中's, and a deal 7001 on it owned by 52000001, 鈴木's;
// the handler reads HubSpot through it.
func ownerFake(t *testing.T, f *fx) *crmfake.HubSpot {
	t.Helper()
	hs := crmfake.NewHubSpot()
	t.Cleanup(hs.Close)
	hs.Now = f.clk.Now
	hs.Contacts["sales-ready@example.com"] = map[string]string{"hs_object_id": "501", "email": "sales-ready@example.com", "hubspot_owner_id": "41629779"}
	hs.Owners = map[string]*crmfake.HubSpotOwner{
		"41629779": {ID: "41629779", Email: "tanaka@maker.example", FirstName: "太郎", LastName: "田中", UserID: 9586504},
		"52000001": {ID: "52000001", Email: "suzuki@maker.example", FirstName: "一郎", LastName: "鈴木", UserID: 9586505},
	}
	hs.Deals = map[string]*crmfake.HubSpotDeal{
		"7001": {Properties: map[string]string{"dealstage": "closedwon", "amount": "900000", "deal_currency_code": "JPY", "hubspot_owner_id": "52000001"}, Contacts: []string{"501"}},
	}
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	f.h.HubSpotDeals, f.h.HubSpotOwners = api, api
	return hs
}

// logs captures the handler's log.
type logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logs) Write(p []byte) (int, error) { l.mu.Lock(); defer l.mu.Unlock(); return l.b.Write(p) }
func (l *logs) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), s)
}

func captureLog(f *fx) *logs {
	l := &logs{}
	f.h.Log = slog.New(slog.NewTextHandler(l, nil))
	return l
}

// hsEvents posts a signed batch of contact property changes, each
// "objectId:property:value", at the fixture's clock.
func hsEvents(t *testing.T, f *fx, firstID int, changes ...string) (int, string) {
	t.Helper()
	ms := f.clk.Now().UnixMilli()
	var evs []string
	for i, c := range changes {
		p := strings.SplitN(c, ":", 3)
		evs = append(evs, fmt.Sprintf(`{"eventId":%d,"subscriptionId":9,"portalId":62515,"occurredAt":%d,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":%s,"propertyName":%q,"propertyValue":%q,"changeSource":"CRM"}`,
			firstID+i, ms, p[0], p[1], p[2]))
	}
	body := "[" + strings.Join(evs, ",") + "]"
	return f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, ms))
}

// lastOwner is the owner of the person's last stage change, as the
// reports and pages name it (repnames).
func lastOwner(t *testing.T, f *fx) string {
	t.Helper()
	hist, err := f.q.History(context.Background(), f.p.ID)
	if err != nil || len(hist) == 0 {
		t.Fatalf("history %+v %v", hist, err)
	}
	names, err := repnames.Load(context.Background(), f.tb)
	if err != nil {
		t.Fatal(err)
	}
	c := hist[len(hist)-1]
	return names.Of(c.OwnerID, c.Owner)
}

// slaOwners is the owners the SLA and reps reports name (but "(all)").
func slaOwners(t *testing.T, f *fx) (sla, reps []string) {
	t.Helper()
	people, err := reports.Load(context.Background(), f.tb)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports.SLA(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}, f.clk.Now()) {
		if r.Owner != "(all)" && r.Responded > 0 {
			sla = append(sla, r.Owner)
		}
	}
	for _, r := range reports.Reps(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}) {
		if r.Owner != "(all)" && r.Dimension == "all" {
			reps = append(reps, r.Owner)
		}
	}
	return sla, reps
}

const (
	contactsRead = "POST /crm/v3/objects/contacts/batch/read"
	ownersList   = "GET /crm/v3/owners" // the list of owners, a page a call
)

// lastRead is the contact ids the fake's last batch read asked for.
func lastRead(hs *crmfake.HubSpot) string {
	hs.Lock()
	defer hs.Unlock()
	if len(hs.BatchReads) == 0 {
		return ""
	}
	return strings.Join(hs.BatchReads[len(hs.BatchReads)-1], ",")
}

func calls(hs *crmfake.HubSpot, call string) int {
	hs.Lock()
	defer hs.Unlock()
	return hs.Calls[call]
}

// TestHubSpotContactOwner: HubSpot's webhooks name no rep, so every
// HubSpot answer fell under "(unassigned)" in the SLA and reps reports.
// The contact's hubspot_owner_id is read, and the owner named by email:
// one contact read and one read of the owners' list for a batch of its
// events, none for a contact Baton does not know, and the owners
// remembered for the batches of the next hour.
func TestHubSpotContactOwner(t *testing.T) {
	f := setup(t)
	hs := ownerFake(t, f)
	code, resp := hsEvents(t, f, 3001, "501:hs_lead_status:IN_PROGRESS", "501:lifecyclestage:salesqualifiedlead", "999:lifecyclestage:salesqualifiedlead")
	if code != 200 || f.stage(t) != qualify.StageSQL {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	if got := lastOwner(t, f); got != "tanaka@maker.example" {
		t.Errorf("owner %q, want the contact's owner's email", got)
	}
	if sla, reps := slaOwners(t, f); fmt.Sprint(sla) != "[tanaka@maker.example]" || fmt.Sprint(reps) != "[tanaka@maker.example]" {
		t.Errorf("SLA owners %v, reps %v", sla, reps)
	}
	if c, o, one := calls(hs, contactsRead), calls(hs, ownersList), calls(hs, "GET /crm/v3/owners/41629779"); c != 1 || o != 1 || one != 0 {
		t.Errorf("one batch read contacts %d times, the owners %d times, the owner alone %d times", c, o, one)
	}
	if got := lastRead(hs); got != "501" {
		t.Errorf("contacts read: %s, want 501 alone (999 is nobody Baton knows)", got)
	}
	f.clk.Advance(30 * time.Minute)
	if code, resp := hsEvents(t, f, 3004, "501:lifecyclestage:opportunity"); code != 200 || lastOwner(t, f) != "tanaka@maker.example" {
		t.Fatalf("%d %s owner %q", code, resp, lastOwner(t, f))
	}
	if o := calls(hs, ownersList); o != 1 {
		t.Errorf("the owners were read again within the hour: %d reads", o)
	}
	f.clk.Advance(time.Hour)
	hs.Lock()
	hs.Owners["41629779"].Email = "tanaka.taro@maker.example"
	hs.Unlock()
	if code, resp := hsEvents(t, f, 3005, "501:lifecyclestage:customer"); code != 200 || lastOwner(t, f) != "tanaka.taro@maker.example" {
		t.Fatalf("after the hour: %d %s owner %q", code, resp, lastOwner(t, f))
	}
}

// TestHubSpotDealOwner: a deal's verdicts are the deal owner's (its
// hubspot_owner_id, read with the deal), not the contact's.
func TestHubSpotDealOwner(t *testing.T) {
	f := setup(t)
	hs := ownerFake(t, f)
	body := fmt.Sprintf(`[{"eventId":4001,"occurredAt":%d,"subscriptionType":"deal.propertyChange","objectId":7001,"propertyName":"dealstage","propertyValue":"closedwon"}]`, f.now.UnixMilli())
	code, resp := f.post(t, "/feedback/hubspot", body, hubspotSign(publicURL+"/feedback/hubspot", body, f.now.UnixMilli()))
	if code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	if got := lastOwner(t, f); got != "suzuki@maker.example" {
		t.Errorf("owner %q, want the deal's owner's email", got)
	}
	if sla, reps := slaOwners(t, f); fmt.Sprint(sla) != "[suzuki@maker.example]" || fmt.Sprint(reps) != "[suzuki@maker.example]" {
		t.Errorf("SLA owners %v, reps %v", sla, reps)
	}
	if c := calls(hs, contactsRead); c != 0 {
		t.Errorf("the contact was read %d times: the deal names its owner", c)
	}
}

// TestHubSpotOwnerRefused: the owner never holds an outcome back. A token
// without crm.objects.owners.read records the outcome under the owner id,
// warned once (the refusal remembered, not asked again for every event);
// so does an owner HubSpot does not know; HubSpot failing (502) records
// the outcome without its owner, answered 200, not retried.
func TestHubSpotOwnerRefused(t *testing.T) {
	t.Run("missing scope", func(t *testing.T) {
		f := setup(t)
		hs := ownerFake(t, f)
		l := captureLog(f)
		hs.MissingScopes = []string{"crm.objects.owners.read"}
		if code, resp := hsEvents(t, f, 5001, "501:hs_lead_status:IN_PROGRESS"); code != 200 || f.stage(t) != qualify.StageSAL || lastOwner(t, f) != "41629779" {
			t.Fatalf("%d %s stage %s owner %q", code, resp, f.stage(t), lastOwner(t, f))
		}
		f.clk.Advance(time.Minute)
		if code, resp := hsEvents(t, f, 5002, "501:lifecyclestage:salesqualifiedlead"); code != 200 || f.stage(t) != qualify.StageSQL {
			t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
		}
		if n, o := l.count("lacks the scope crm.objects.owners.read"), calls(hs, ownersList); n != 1 || o != 1 {
			t.Errorf("warned %d times, owners asked %d times; log:\n%s", n, o, l.b.String())
		}
	})
	t.Run("unknown owner", func(t *testing.T) {
		f := setup(t)
		hs := ownerFake(t, f)
		l := captureLog(f)
		hs.Contacts["sales-ready@example.com"]["hubspot_owner_id"] = "77777777"
		if code, resp := hsEvents(t, f, 5101, "501:hs_lead_status:IN_PROGRESS"); code != 200 || f.stage(t) != qualify.StageSAL || lastOwner(t, f) != "77777777" {
			t.Fatalf("%d %s stage %s owner %q", code, resp, f.stage(t), lastOwner(t, f))
		}
		if n := l.count("HubSpot has no owner of this id"); n != 1 {
			t.Errorf("warned %d times", n)
		}
	})
	t.Run("HubSpot failing", func(t *testing.T) {
		f := setup(t)
		hs := ownerFake(t, f)
		l := captureLog(f)
		hs.Fail(1, crmfake.Fault{Status: 502, Body: `{"status":"error","message":"bad gateway"}`})
		if code, resp := hsEvents(t, f, 5201, "501:hs_lead_status:IN_PROGRESS"); code != 200 || f.stage(t) != qualify.StageSAL || lastOwner(t, f) != "" {
			t.Fatalf("%d %s stage %s owner %q", code, resp, f.stage(t), lastOwner(t, f))
		}
		if n := l.count("reading the owner failed"); n != 1 {
			t.Errorf("logged %d times", n)
		}
	})
}

// TestHubSpotOwnersRead: the reader against the fake, which refuses what
// HubSpot refuses: no bearer (401), a token without the owners scope (403
// MISSING_SCOPES), an unknown id (404); an archived owner (a rep who left)
// is found among the archived.
func TestHubSpotOwnersRead(t *testing.T) {
	f := setup(t)
	hs := ownerFake(t, f)
	hs.Owners["60000001"] = &crmfake.HubSpotOwner{ID: "60000001", FirstName: "花子", LastName: "佐藤", Archived: true}
	ctx := context.Background()
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	if o, err := api.Owner(ctx, "41629779"); err != nil || o.Name() != "tanaka@maker.example" || o.UserID != 9586504 {
		t.Errorf("owner %+v %v", o, err)
	}
	if o, err := api.Owner(ctx, "60000001"); err != nil || !o.Archived || o.Name() != "佐藤 花子" { // family name first, as a Japanese rep writes it
		t.Errorf("archived owner %+v %v", o, err)
	}
	if n := (feedback.HubSpotOwner{ID: "7", FirstName: "Jane", LastName: "Doe"}).Name(); n != "Jane Doe" {
		t.Errorf("a name in Latin letters: %q, want first name first", n)
	}
	if _, err := api.Owner(ctx, "1"); !errors.Is(err, feedback.ErrHubSpotNotFound) {
		t.Errorf("unknown owner: %v", err)
	}
	if got, err := api.ContactOwners(ctx, []string{"501", "999"}); err != nil || fmt.Sprint(got) != "map[501:41629779]" {
		t.Errorf("contacts' owners %v %v (999: none HubSpot has)", got, err)
	}
	var he *feedback.HubSpotError
	if _, err := (&feedback.HubSpotDeals{BaseURL: hs.URL}).Owner(ctx, "41629779"); !errors.As(err, &he) || he.Status != 401 || he.Transient() {
		t.Errorf("no token: %v", err)
	}
	hs.MissingScopes = []string{"crm.objects.owners.read"}
	if _, err := api.Owner(ctx, "41629779"); !errors.As(err, &he) || !he.MissingScope() || he.Category != "MISSING_SCOPES" {
		t.Errorf("missing scope: %v", err)
	}
	if got, err := api.ContactOwners(ctx, []string{"501"}); err != nil || got["501"] != "41629779" {
		t.Errorf("contacts need no owners scope: %v %v", got, err)
	}
	hs.MissingScopes = []string{"crm.objects.contacts.read"}
	if _, err := api.ContactOwners(ctx, []string{"501"}); !errors.As(err, &he) || !he.MissingScope() {
		t.Errorf("contacts without their scope: %v", err)
	}
	hs.MissingScopes = nil
	hs.Fail(1, crmfake.Fault{Status: 429, Body: crmfake.HSSecondlyLimit})
	if _, err := api.ContactOwners(ctx, []string{"501"}); !errors.As(err, &he) || !he.Transient() || he.Category != "RATE_LIMIT" {
		t.Errorf("rate limit: %v", err)
	}
	// A batch of more than HubSpot's 100 is read 100 at a time.
	var many []string
	for i := range 150 {
		many = append(many, fmt.Sprint(10000+i))
	}
	before := calls(hs, contactsRead)
	if got, err := api.ContactOwners(ctx, append(many, "501")); err != nil || len(got) != 1 || calls(hs, contactsRead)-before != 2 {
		t.Errorf("150 contacts: %v %v, %d reads", got, err, calls(hs, contactsRead)-before)
	}
}

// TestHubSpotOwnersListRead: the list reader against the fake, which pages as
// HubSpot does (paging.next.after, 100 a page at most: a larger limit or
// an after it never gave is a 400) and lists the active owners, or the
// archived ones alone.
func TestHubSpotOwnersListRead(t *testing.T) {
	f := setup(t)
	hs := ownerFake(t, f)
	hs.Owners["60000001"] = &crmfake.HubSpotOwner{ID: "60000001", FirstName: "花子", LastName: "佐藤", Archived: true}
	for i := range 230 {
		id := fmt.Sprint(70000000 + i)
		hs.Owners[id] = &crmfake.HubSpotOwner{ID: id, Email: fmt.Sprintf("rep%d@maker.example", i)}
	}
	ctx := context.Background()
	api := &feedback.HubSpotDeals{BaseURL: hs.URL, Token: hs.Token}
	active, err := api.Owners(ctx, false, "", 10)
	seen := map[string]bool{}
	for _, o := range active.Owners {
		if o.Archived || seen[o.ID] {
			t.Errorf("owner %+v: archived or twice", o)
		}
		seen[o.ID] = true
	}
	if err != nil || len(seen) != 232 || !seen["41629779"] || !seen["70000229"] || calls(hs, ownersList) != 3 || active.Pages != 3 || active.Next != "" {
		t.Fatalf("active owners: %d, %v, %d calls, %d pages, next %q", len(seen), err, calls(hs, ownersList), active.Pages, active.Next)
	}
	if archived, err := api.Owners(ctx, true, "", 10); err != nil || len(archived.Owners) != 1 || archived.Owners[0].Name() != "佐藤 花子" {
		t.Errorf("archived owners %+v %v", archived, err)
	}
	// Read in parts: two pages, then the rest from where they stopped.
	first, err := api.Owners(ctx, false, "", 2)
	if err != nil || len(first.Owners) != 200 || first.Pages != 2 || first.Next == "" {
		t.Fatalf("two pages: %d owners, %d pages, next %q, %v", len(first.Owners), first.Pages, first.Next, err)
	}
	if rest, err := api.Owners(ctx, false, first.Next, 10); err != nil || len(rest.Owners) != 32 || rest.Pages != 1 || rest.Next != "" {
		t.Errorf("the rest: %d owners, %d pages, next %q, %v", len(rest.Owners), rest.Pages, rest.Next, err)
	}
	get := func(q string) int {
		req, _ := http.NewRequest("GET", hs.URL+"/crm/v3/owners?"+q, nil)
		req.Header.Set("Authorization", "Bearer "+hs.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for q, want := range map[string]int{"limit=100": 200, "limit=101": 400, "limit=0": 400, "limit=x": 400, "after=70000100": 400, "after=ow100": 200} {
		if got := get(q); got != want {
			t.Errorf("%s: %d, want %d", q, got, want)
		}
	}
	var he *feedback.HubSpotError
	hs.MissingScopes = []string{"crm.objects.owners.read"}
	if _, err := api.Owners(ctx, false, "", 10); !errors.As(err, &he) || !he.MissingScope() {
		t.Errorf("missing scope: %v", err)
	}
}
