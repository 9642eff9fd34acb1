package stack_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/privacy/privacytest"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/sla"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/testutil/moto"
	linktoken "github.com/baton-hq/baton/internal/token"
)

// The promises that span packages, attacked on the assembled stack: after
// an erasure nothing naming the person survives or comes back by any path,
// and a visitor who withdrew consent is tracked by none.

// t0 is a fixed start for these tests' manual clocks (they never read the
// wall clock; the shifted runs move only the wall clock).
var t0 = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

// personItems are the items of the person's partition and of their
// browsers' partitions, as the change feed carried them: what a stream
// consumer lagging behind (DynamoDB Streams keep records a day; a failed
// batch comes again) still has to hand scoring after the erasure.
func personItems(t *testing.T, s *stack.Stack, person string, visitors []string) []table.Change {
	t.Helper()
	pks := map[string]bool{identity.PersonPK(person): true}
	for _, v := range visitors {
		pks[eventlog.VisitorPK(v)] = true
	}
	var cs []table.Change
	err := s.App.Table.Scan(context.Background(), "", func(it table.Item) error {
		switch {
		case !pks[it.PK]:
		case it.Kind == eventlog.KindEvent, it.Kind == identity.KindLink, it.Kind == qualify.KindMQL:
			cs = append(cs, table.Change{Op: table.OpInsert, Item: it})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestChangesInFlightAfterErasure: the person's changes (their events,
// their browser's link, their MQL) reach scoring after the erasure, as a
// lagging stream hands them over. Nothing of them may be written again,
// and their MQL (email and facts) must not be handed to delivery: on AWS
// that is an SQS message no erasure can reach.
func TestChangesInFlightAfterErasure(t *testing.T) {
	t.Run("bolt", func(t *testing.T) {
		clk := clock.NewManual(t0)
		changesInFlightAfterErasure(t, stack.ForTestClock(t, nil, clk.Now))
	})
	t.Run("dynamodb", func(t *testing.T) {
		clk := clock.NewManual(t0)
		changesInFlightAfterErasure(t, stack.ForTestClock(t, map[string]string{
			"BATON_STORE": "dynamodb", "BATON_TABLE": moto.TableName(), "BATON_DYNAMODB_ENDPOINT": moto.Shared(t),
			"BATON_LINK_KEYS": "k1:" + linktoken.NewSecret(),
		}, clk.Now))
	})
}

func changesInFlightAfterErasure(t *testing.T, s *stack.Stack) {
	ctx := context.Background()
	const email = "inflight.buyer@maker.example"
	id := qualifyOne(t, s, "inflight-browser", email)
	sub, err := s.App.Stitcher.Subject(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	changes := personItems(t, s, id, sub.Visitors)
	kinds := map[string]int{}
	for _, c := range changes {
		kinds[c.Item.Kind]++
	}
	if kinds[eventlog.KindEvent] != 3 || kinds[identity.KindLink] != 1 || kinds[qualify.KindMQL] != 1 {
		t.Fatalf("the person's changes %v: want their 3 events, their browser's link, their MQL", kinds)
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	var relayed []qualify.MQL
	relay := func(_ context.Context, m qualify.MQL) error {
		relayed = append(relayed, m)
		return nil
	}
	if n, err := s.App.Changes(relay)(ctx, changes); err != nil || n != len(changes) {
		t.Fatalf("handled %d of %d changes: %v", n, len(changes), err)
	}
	for _, m := range relayed {
		t.Errorf("the erased person's MQL %s (%s) was handed to delivery after the erasure", m.ID, m.Email)
	}
	secrets := []string{email, id, "inflight-browser"}
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, secrets) {
		t.Errorf("after the late changes the store holds %q in %v", sec, where)
	}
}

// TestOptedOutBrowserClicksANewsletterLink: a browser that opted out
// (POST /optout: "nothing is collected from this browser afterwards")
// clicks its tracked newsletter link. The reader lands, and nothing is
// collected: no visitor cookie set again, no click stored, the browser
// never linked to the recipient.
func TestOptedOutBrowserClicksANewsletterLink(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "optout.reader@maker.example"
	id := qualifyOne(t, s, "optout-browser", email)
	click := trackedLink(t, s, "optout-news", email)

	browser, jar := browserWithCookies(t)
	send := func(method, url, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "text/plain")
		}
		resp, err := browser.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// The browser visits, then opts out.
	if resp := send("POST", s.URL+"/e", `{"type":"page_view","messageId":"oo-1","properties":{"url":"https://www.example.com/"}}`); resp.StatusCode != 204 {
		t.Fatalf("page view: %d", resp.StatusCode)
	}
	if resp := send("POST", s.URL+"/optout", ""); resp.StatusCode != 204 {
		t.Fatalf("opt-out: %d", resp.StatusCode)
	}
	if vid := cookieValue(jar, s.URL, "bt_vid"); vid != "" {
		t.Fatalf("the opt-out left the visitor cookie %q", vid)
	}
	before := eventsOfType(t, s, "email_click")

	resp := send("GET", click, "")
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://www.example.com/webinar" {
		t.Fatalf("click: %d %q, want the redirect all the same", resp.StatusCode, resp.Header.Get("Location"))
	}
	if vid := cookieValue(jar, s.URL, "bt_vid"); vid != "" {
		t.Errorf("the click gave the opted-out browser a visitor cookie again: %q", vid)
	}
	clk.Advance(time.Hour) // the click's visit is over: the sweep would judge and link it
	if _, err := s.App.Click.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	if after := eventsOfType(t, s, "email_click"); after != before {
		t.Errorf("%d clicks stored from the opted-out browser", after-before)
	}
	if vs, err := s.App.People.Visitors(ctx, id); err != nil || len(vs) != 1 {
		t.Errorf("the recipient's browsers %v (%v): the opted-out browser was linked to them", vs, err)
	}
}

// eventsOfType counts the stored events of a type (the whole store read).
func eventsOfType(t *testing.T, s *stack.Stack, typ string) int {
	t.Helper()
	n := 0
	err := s.App.Table.Scan(context.Background(), "", func(it table.Item) error {
		if it.Kind != eventlog.KindEvent {
			return nil
		}
		ev, err := eventlog.Decode(it)
		if err == nil && ev.Type == typ {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// trackedLink makes a campaign with one tracked link and returns the link
// as the email to the recipient carries it.
func trackedLink(t *testing.T, s *stack.Stack, campaign, email string) string {
	t.Helper()
	code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"`+campaign+`","urls":["https://www.example.com/webinar"]}`)
	var lr struct{ Links []admin.LinkView }
	if code != 201 || json.Unmarshal(b, &lr) != nil || len(lr.Links) != 1 {
		t.Fatalf("links: %d %s", code, b)
	}
	rows, _, err := recipientRows(t, s, campaign, "email\r\n"+email+"\r\n")
	if err != nil || len(rows) != 2 || rows[1][1] == "" {
		t.Fatalf("recipients: %q %v", rows, err)
	}
	return strings.Replace(lr.Links[0].Tracked, "{{baton_token}}", rows[1][1], 1)
}

// recipientRows uploads a recipient list (CSV text) for the campaign and
// returns the list sent back, as rows, and the answer's headers.
func recipientRows(t *testing.T, s *stack.Stack, campaign, list string) ([][]string, http.Header, error) {
	t.Helper()
	_, hdr, body := postCSV(t, s, "/admin/recipients?campaign="+campaign, list)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff"))).ReadAll()
	return rows, hdr, err
}

// postCSV posts a CSV text to the path with the admin token and returns
// the answer's status, headers and body.
func postCSV(t *testing.T, s *stack.Stack, path, list string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(list))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

// browserWithCookies is a browser: it keeps cookies and does not follow
// redirects (the test reads them).
func browserWithCookies(t *testing.T) (*http.Client, *cookiejar.Jar) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, jar
}

// cookieValue is the value of the browser's cookie for the URL ("" none).
func cookieValue(jar *cookiejar.Jar, raw, name string) string {
	u, _ := url.Parse(raw)
	for _, c := range jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// serverCall posts body to the Segment API's path with the test write key
// and returns the status.
func serverCall(t *testing.T, s *stack.Stack, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
	req.SetBasicAuth("test-write-key-0123456789", "")
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestServerAPIHonoursConsentDenied: the customer's backend forwards what
// a visitor did through the Segment API with the page's consent,
// context.consent "denied" (the visitor withdrew it). As on POST /e,
// nothing of it is stored and nobody is identified by it; the answer is a
// success (the SDK must not retry).
func TestServerAPIHonoursConsentDenied(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	call := func(path, body string) int { t.Helper(); return serverCall(t, s, path, body) }
	const email = "withdrawn.backend@maker.example"
	for _, c := range []struct{ path, body string }{
		{"/v1/track", `{"anonymousId":"withdrawn-anon-01","event":"Viewed Pricing","context":{"consent":"denied"}}`},
		{"/v1/identify", `{"anonymousId":"withdrawn-anon-01","userId":"crm-withdrawn","traits":{"email":"` + email + `","company":"Maker"},"context":{"consent":"denied"}}`},
		{"/v1/batch", `{"batch":[{"type":"page","anonymousId":"withdrawn-anon-01","properties":{"url":"https://www.example.com/pricing"},"context":{"consent":"denied"}}]}`},
	} {
		if code := call(c.path, c.body); code != 200 {
			t.Errorf("%s: %d, want 200", c.path, code)
		}
	}
	settle(t, s)
	if _, err := s.App.People.ByEmail(ctx, email); err != identity.ErrNotFound {
		t.Errorf("an identify with consent denied identified the visitor: %v", err)
	}
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{"withdrawn-anon-01", "crm-withdrawn", email}) {
		t.Errorf("stored despite consent denied: %q in %v", sec, where)
	}
	// Consent granted (or not said) is collected as before.
	if code := call("/v1/track", `{"anonymousId":"granted-anon-01","event":"Viewed Pricing","context":{"consent":"granted"}}`); code != 200 {
		t.Fatalf("granted: %d", code)
	}
	if found := privacytest.Leftovers(t, s.App.Table, []string{"granted-anon-01"}); len(found) == 0 {
		t.Error("an event with consent granted was not stored")
	}
}

// TestRecycledLeadIsPushedAgainWithWhy: sales send a HubSpot lead back
// (a lead status the config maps to rejected): Baton recycles them. After
// the cooldown, new evidence qualifies them again, and HubSpot gets the
// second MQL as a note of its own, which tells sales why the lead they
// sent back is back: that it was rejected, when, and that this is a
// second MQL on evidence since.
func TestRecycledLeadIsPushedAgainWithWhy(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Now = clk.Now
	p := writeConfig(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\nfeedback:\n  hubspot: {NURTURE_LATER: rejected}\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_HUBSPOT_TOKEN": f.Token, "BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123"}, clk.Now)
	const email = "recycled.buyer@maker.example"
	id := qualifyOne(t, s, "recycled-browser", email)
	notes := func() []string {
		f.Lock()
		defer f.Unlock()
		var out []string
		for _, n := range f.Notes {
			props, _ := n["properties"].(map[string]any)
			body, _ := props["hs_note_body"].(string)
			out = append(out, body)
		}
		return out
	}
	deliver(t, s, func() bool { return len(notes()) == 1 && mqlDelivered(t, s, id+"-c1") })
	contact := f.Contact(email)

	// Sales send the lead back from HubSpot.
	clk.Advance(2 * time.Hour)
	rejectedAt := clk.Now()
	body := `[{"eventId":78,"subscriptionId":1,"portalId":1,"occurredAt":` + fmt.Sprint(rejectedAt.UnixMilli()) +
		`,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":` + contact["hs_object_id"] + `,"propertyName":"hs_lead_status","propertyValue":"NURTURE_LATER","changeSource":"CRM"}]`
	hubspotPost(t, s, body, rejectedAt)
	if rec, _ := s.App.Qualifier.Record(ctx, id); rec.Stage != "recycled" {
		t.Fatalf("stage %s after sales sent the lead back, want recycled", rec.Stage)
	}

	// Past the cooldown, new evidence from the same browser.
	qualifyAgain(t, s, clk, "recycled-browser", email, id)
	deliver(t, s, func() bool { return len(notes()) == 2 && mqlDelivered(t, s, id+"-c2") })
	second := notes()[1]
	for _, want := range []string{"rejected", rejectedAt.Format("2006-01-02"), "recycled", "MQL 2"} {
		if !strings.Contains(second, want) {
			t.Errorf("the second MQL's note does not tell sales why the lead is back (%q missing):\n%s", want, second)
		}
	}
	if strings.Contains(notes()[0], "recycled") {
		t.Errorf("the first MQL's note speaks of a recycle:\n%s", notes()[0])
	}
}

// mqlDelivered reports whether every connector has the MQL.
func mqlDelivered(t *testing.T, s *stack.Stack, mql string) bool {
	t.Helper()
	code, b := do(t, "GET", s.URL+"/admin/mqls/"+mql+"/deliveries", token, "")
	var v struct{ Deliveries []struct{ Status string } }
	if code != 200 || json.Unmarshal(b, &v) != nil {
		return false
	}
	for _, d := range v.Deliveries {
		if d.Status != "delivered" {
			return false
		}
	}
	return len(v.Deliveries) > 0
}

// TestServerAPIAfterErasure: the customer's backend knows the person by
// its own user id (Segment's userId) and keeps sending what they do after
// Baton erased them. Their email is refused by the tombstone; their user
// id must be too, or the backend's calls bring the erased person's
// activity back under it (V#u:<userId>), ready to join whoever the next
// identify names.
func TestServerAPIAfterErasure(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	call := func(path, body string) int { t.Helper(); return serverCall(t, s, path, body) }
	const email = "backend.erased@maker.example"
	if code := call("/v1/identify", `{"anonymousId":"backend-anon-0001","userId":"crm-erased-77","traits":{"email":"`+email+`","company":"Maker"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	call("/v1/track", `{"userId":"crm-erased-77","event":"Viewed Pricing"}`)
	settle(t, s)
	p, err := s.App.People.ByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	if found := privacytest.Leftovers(t, s.App.Table, []string{"crm-erased-77"}); len(found) == 0 {
		t.Fatal("the user id is not in the store before the erasure: the check below would prove nothing")
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+p.ID, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	clk.Advance(time.Minute)
	for _, c := range []struct{ path, body string }{
		{"/v1/track", `{"userId":"crm-erased-77","event":"Viewed Pricing"}`},
		{"/v1/page", `{"userId":"crm-erased-77","properties":{"url":"https://www.example.com/pricing"}}`},
		{"/v1/identify", `{"userId":"crm-erased-77","traits":{"company":"Maker"}}`},
		{"/v1/track", `{"anonymousId":"backend-anon-0001","userId":"crm-erased-77","event":"Signed In"}`},
	} {
		if code := call(c.path, c.body); code != 200 {
			t.Errorf("%s after the erasure: %d, want 200 (the SDK must not retry)", c.path, code)
		}
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{"crm-erased-77", email, p.ID}) {
		t.Errorf("after the erasure the backend's calls stored %q again in %v", sec, where)
	}
	// Another user of the backend is collected as before.
	call("/v1/track", `{"userId":"crm-other-78","event":"Viewed Pricing"}`)
	if found := privacytest.Leftovers(t, s.App.Table, []string{"crm-other-78"}); len(found) == 0 {
		t.Error("another user's event was not stored")
	}
}

// TestSalesVerdictRacingErasure: a sales verdict and deal for the person
// (a feedback webhook) found them just before the erasure and is applied
// just after it, as a webhook handler that resolved the person and then
// lost the race does. Nothing may be written back into their partition.
func TestSalesVerdictRacingErasure(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "racing.verdict@maker.example"
	id := qualifyOne(t, s, "racing-verdict-browser", email)
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	clk.Advance(time.Minute)
	amount := 1200000.0
	if _, err := s.App.Qualifier.RecordDeal(ctx, id, qualify.DealReport{Amount: &amount, Currency: "JPY", CloseDate: "2026-06-30", Outcome: "opportunity", Source: "salesforce"}); err != nil && err != identity.ErrNotFound {
		t.Errorf("deal after the erasure: %v", err)
	}
	if _, err := s.App.Qualifier.OutcomeWhy(ctx, id, "rejected", "sf-late-1", "rep@seller.example", "no budget", clk.Now()); err != nil && err != identity.ErrNotFound {
		t.Errorf("outcome after the erasure: %v", err)
	}
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{id, email, "racing-verdict-browser"}) {
		t.Errorf("the late verdict wrote %q back in %v", sec, where)
	}
}

// TestSLABreachRacingErasure: the SLA sweep announces breaches one by one
// (a webhook call each, which can take seconds). An erasure that comes
// while it announces the first must be obeyed: the erased person's breach
// mark is not written back, and a later breach of a person erased
// meanwhile is not announced (it would send their MQL, email and all).
func TestSLABreachRacingErasure(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	first := qualifyOne(t, s, "sla-race-first", "sla.first@maker.example")
	clk.Advance(time.Minute)
	second := qualifyOne(t, s, "sla-race-second", "sla.second@maker.example")
	clk.Advance(10 * 24 * time.Hour)
	var announced []string
	announce := func(_ context.Context, b sla.Breach) error {
		announced = append(announced, b.MQL.Email)
		if len(announced) == 1 { // both erased while the first is announced
			for _, id := range []string{first, second} {
				if code, body := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 200 {
					t.Fatalf("erase: %d %s", code, body)
				}
			}
		}
		return nil
	}
	sweeper := &sla.Sweeper{Q: s.App.Qualifier, Now: clk.Now}
	if _, err := sweeper.Sweep(ctx, 0, 90*24*time.Hour, announce); err != nil {
		t.Fatal(err)
	}
	if len(announced) != 1 {
		t.Errorf("announced %v: a person erased meanwhile was announced", announced)
	}
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{first, second, "sla.first@maker.example", "sla.second@maker.example"}) {
		t.Errorf("the sweep wrote %q back in %v", sec, where)
	}
}

// erasingSFA is an SFA during whose call the person is erased (the call
// takes seconds; the erasure comes over the admin API meanwhile).
type erasingSFA struct {
	erase func()
}

func (erasingSFA) Name() string { return "slow-sfa" }

func (e erasingSFA) Push(_ context.Context, l push.Lead) (string, error) {
	e.erase()
	return "00Q000000000042", nil
}

// TestDeliveryRacingErasure: the person is erased while their MQL is
// being pushed to an SFA. What delivery records afterwards (the delivery
// record, the SFA's id pointing back at them) and the next connector's
// copy (the built-in inbox: their email, attributes and activity) must not
// outlive the erasure.
func TestDeliveryRacingErasure(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "racing.delivery@maker.example"
	id := qualifyOne(t, s, "racing-delivery-browser", email)
	ms, err := s.App.Qualifier.MQLs(ctx, id)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %v %v", ms, err)
	}
	erased := false
	w := &push.Worker{Queue: s.App.Push, T: s.App.Table, Dir: s.App.People, Stitcher: s.App.Stitcher, Now: clk.Now,
		Connectors: []push.Connector{erasingSFA{erase: func() {
			if code, b := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 200 {
				t.Fatalf("erase: %d %s", code, b)
			}
			erased = true
		}}, &push.Inbox{T: s.App.Table}}}
	w.Deliver(ctx, ms[0])
	if !erased {
		t.Fatal("the SFA was never called: the test proves nothing")
	}
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{id, email, "00Q000000000042"}) {
		t.Errorf("delivery wrote %q back in %v", sec, where)
	}
}

// writeConfig writes a config file and returns its path.
func writeConfig(t *testing.T, yaml string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "baton.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// keepingSFA is an SFA that keeps the leads it took, by email, and
// forgets one when told (sfa.erase).
type keepingSFA struct {
	mu    sync.Mutex
	leads map[string]bool
}

func (*keepingSFA) Name() string { return "keeping-sfa" }

func (k *keepingSFA) Push(_ context.Context, l push.Lead) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.leads[l.Email] = true
	return "00Q000000000077", nil
}

func (k *keepingSFA) forget(email string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.leads, email)
}

func (k *keepingSFA) has(email string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.leads[email]
}

// TestDeliveryWhileTheSFAIsToldToForget: with sfa.erase, the erasure
// first tells the SFAs to forget the person. A delivery of their MQL that
// runs meanwhile (a retry come due, the push function on its own) must
// not hand the lead to the SFA again once it was told: the SFA would keep
// an erased person's lead that nothing tells it to delete again.
func TestDeliveryWhileTheSFAIsToldToForget(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "told.sfa@maker.example"
	id := qualifyOne(t, s, "told-sfa-browser", email)
	ms, err := s.App.Qualifier.MQLs(ctx, id)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %v %v", ms, err)
	}
	sfa := &keepingSFA{leads: map[string]bool{}}
	w := &push.Worker{Queue: s.App.Push, T: s.App.Table, Dir: s.App.People, Stitcher: s.App.Stitcher, Now: clk.Now, Connectors: []push.Connector{sfa}}
	s.App.Eraser.Tell = func(ctx context.Context, _, email string) (privacy.Told, error) {
		sfa.forget(email)
		w.Deliver(ctx, ms[0]) // a delivery that runs while the erasure goes on
		return nil, nil
	}
	if code, b := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	if sfa.has(email) {
		t.Error("the SFA holds the erased person's lead again: delivered after it was told to forget them")
	}
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{id, email}) {
		t.Errorf("the store holds %q in %v", sec, where)
	}
}

// Forget implements what sfa.erase asks of a connector.
func (k *keepingSFA) Forget(_ context.Context, _, email string) error {
	k.forget(email)
	return nil
}

// slowKeepingSFA takes the lead only once its call is over, and the
// erasure (telling it to forget) comes during the call.
type slowKeepingSFA struct {
	*keepingSFA
	during func()
}

func (s slowKeepingSFA) Push(ctx context.Context, l push.Lead) (string, error) {
	s.during()
	return s.keepingSFA.Push(ctx, l)
}

// TestDeliveryInFlightWhenTheSFAIsTold: with sfa.erase, an SFA call that
// began before the erasure's tombstone ends after the SFA was told to
// forget the person: the SFA now holds the lead of someone erased. The
// delivery learns it when its record is refused, and tells that SFA again.
func TestDeliveryInFlightWhenTheSFAIsTold(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": writeConfig(t, "sfa:\n  erase: true\n")}, clk.Now)
	const email = "inflight.told@maker.example"
	id := qualifyOne(t, s, "inflight-told-browser", email)
	ms, err := s.App.Qualifier.MQLs(ctx, id)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %v %v", ms, err)
	}
	sfa := &keepingSFA{leads: map[string]bool{}}
	slow := slowKeepingSFA{keepingSFA: sfa, during: func() {
		if code, b := do(t, "DELETE", s.URL+"/admin/people/"+id, token, ""); code != 200 {
			t.Fatalf("erase: %d %s", code, b)
		}
	}}
	s.App.Eraser.Tell = func(ctx context.Context, pid, email string) (privacy.Told, error) {
		return nil, sfa.Forget(ctx, pid, email)
	}
	// The assembled worker's settings, delivering to this SFA.
	w := &push.Worker{Queue: s.App.Push, T: s.App.Table, Dir: s.App.People, Stitcher: s.App.Stitcher, Now: clk.Now,
		Connectors: []push.Connector{slow}, TellForget: s.App.Pusher.TellForget}
	if res := w.Deliver(ctx, ms[0]); !res.Done {
		t.Errorf("delivery of an MQL whose person was erased during it: %+v, want done", res)
	}
	if sfa.has(email) {
		t.Error("the SFA holds the lead of the person erased during its call")
	}
}

// TestGPCBrowserClicksANewsletterLink: a browser sending Global Privacy
// Control (Sec-GPC: 1) "is not collected from" (consent.ignore_gpc
// unset): its tracked link click redirects and collects nothing, as its
// page views are refused.
func TestGPCBrowserClicksANewsletterLink(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "gpc.reader@maker.example"
	qualifyOne(t, s, "gpc-browser", email)
	click := trackedLink(t, s, "gpc-news", email)
	browser, jar := browserWithCookies(t)
	before := eventsOfType(t, s, "email_click")
	req, _ := http.NewRequest("GET", click, nil)
	req.Header.Set("Sec-GPC", "1")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 302 || resp.Header.Get("Location") != "https://www.example.com/webinar" {
		t.Fatalf("click: %d %q, want the redirect all the same", resp.StatusCode, resp.Header.Get("Location"))
	}
	if vid := cookieValue(jar, s.URL, "bt_vid"); vid != "" {
		t.Errorf("the click gave a GPC browser a visitor cookie: %q", vid)
	}
	settle(t, s)
	if after := eventsOfType(t, s, "email_click"); after != before {
		t.Errorf("%d clicks stored from a GPC browser", after-before)
	}
	// Its mail client's open pixel (webmail in that browser) likewise.
	opens := eventsOfType(t, s, "email_open")
	req, _ = http.NewRequest("GET", s.URL+"/o/gpc-news/"+click[strings.LastIndex(click, "/")+1:]+".gif", nil)
	req.Header.Set("Sec-GPC", "1")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, resp)
	}
	settle(t, s)
	if after := eventsOfType(t, s, "email_open"); after != opens {
		t.Errorf("%d opens stored from a GPC browser", after-opens)
	}
	// The tag's events from that browser are refused (the same promise).
	req, _ = http.NewRequest("POST", s.URL+"/e", strings.NewReader(`{"type":"page_view","messageId":"gpc-1","anonymousId":"gpc-browser-2","properties":{"url":"https://www.example.com/"}}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("Sec-GPC", "1")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 202 {
		t.Fatalf("a GPC page view: %v %v, want 202 (refused)", err, resp)
	}
}

// TestErasureOfAnEmailOnlyAFlaggedFormNamed: a form sent from a browser
// flagged as automated (a headless browser's user agent; a real person's
// address typed into it by a tool, or their own automation) is stored but
// identifies nobody, as the Segment API's identify from a crawler. The
// person then asks to be forgotten by email: Baton holds their email,
// name and phone in those events, and the erasure must reach them
// although no person was ever made of them.
func TestErasureOfAnEmailOnlyAFlaggedFormNamed(t *testing.T) {
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "flagged.form@maker.example"
	req, _ := http.NewRequest("POST", s.URL+"/e", strings.NewReader(`{"type":"form_submit","messageId":"ff-1","anonymousId":"flagged-form-browser","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"`+email+`","name":"Fumiko Flagged","phone":"+81-3-5555-0142"}}}`))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode/100 != 2 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
	secrets := []string{email, "Fumiko", "5555-0142"}
	if found := privacytest.Leftovers(t, s.App.Table, secrets); len(found) != len(secrets) {
		t.Fatalf("before the erasure the store holds only %v: the check below would prove nothing", found)
	}
	if _, err := s.App.People.ByEmail(context.Background(), email); err != identity.ErrNotFound {
		t.Fatalf("a flagged form made a person (%v): not the case this test is about", err)
	}
	code, b := do(t, "DELETE", s.URL+"/admin/people?email="+email, token, "")
	t.Logf("erasure by email: %d %s", code, b)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, secrets) {
		t.Errorf("after the erasure request the store holds %q in %v", sec, where)
	}
	// And it stays erased: the same form again stores nothing.
	clk.Advance(time.Minute)
	resp, err = http.Post(s.URL+"/e", "text/plain", strings.NewReader(`{"type":"form_submit","messageId":"ff-2","anonymousId":"other-browser-9","properties":{"url":"https://www.example.com/contact","fields":{"email":"`+email+`"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if found := privacytest.AfterErasure(t, s.App.Table, []string{email}); len(found) != 0 {
		t.Errorf("the email came back: %v", found)
	}
}

// TestWithdrawnConsentHoldsOnEveryPath: a known person withdraws consent
// on their browser (baton('consent', false) sends POST /optout with their
// visitor cookie). Baton then records nothing more of them by any path
// that names them without that browser: their newsletter click from
// another device and their open pixel record nobody, an exhibition list
// naming them is refused for them. A form they send later from a browser
// of theirs is their newer choice and lifts it; their email typed on a
// browser not theirs is not, whatever consent its event says.
func TestWithdrawnConsentHoldsOnEveryPath(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "withdrawn.person@maker.example"
	laptop, jar := browserWithCookies(t)
	post := func(c *http.Client, path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "text/plain")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	form := func(id string) string {
		return `{"type":"form_submit","messageId":"` + id + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `","company":"Maker"}}}`
	}
	if resp := post(laptop, "/e", form("wc-1")); resp.StatusCode != 204 {
		t.Fatalf("form: %d", resp.StatusCode)
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(ctx, email)
	laptopVisitor := cookieValue(jar, s.URL, "bt_vid")
	if err != nil || laptopVisitor == "" {
		t.Fatalf("person %v, cookie %q", err, laptopVisitor)
	}
	click := trackedLink(t, s, "wc-news", email)
	token := click[strings.LastIndex(click, "/")+1:]
	// The company's backend knows them by its own user id.
	segment := func(path, body string) {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL+path, strings.NewReader(body))
		req.SetBasicAuth("test-write-key-0123456789", "")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", path, err, resp)
		}
		resp.Body.Close()
	}
	segment("/v1/identify", `{"userId":"crm-withdrawn-5","traits":{"email":"`+email+`"}}`)
	backend := func() int {
		t.Helper()
		n := 0
		err := s.App.Table.Scan(ctx, "", func(it table.Item) error {
			if ev, err := eventlog.Decode(it); it.Kind == eventlog.KindEvent && err == nil && ev.Name == "Viewed Pricing" && ev.VisitorID == "u:crm-withdrawn-5" {
				n++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	mine := func() (clicks, opens int) {
		t.Helper()
		err := s.App.Table.Scan(ctx, "", func(it table.Item) error {
			if it.Kind != eventlog.KindEvent {
				return nil
			}
			if ev, err := eventlog.Decode(it); err == nil && ev.UserID == p.ID {
				switch ev.Type {
				case "email_click":
					clicks++
				case "email_open":
					opens++
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return clicks, opens
	}
	touches := func(list string) string {
		t.Helper()
		status, _, b := postCSV(t, s, "/admin/touches", list)
		if status != 200 {
			t.Fatalf("touches: %d %s", status, b)
		}
		return string(b)
	}

	// They withdraw consent on their laptop.
	if resp := post(laptop, "/optout", ""); resp.StatusCode != 204 {
		t.Fatalf("opt-out: %d", resp.StatusCode)
	}
	clk.Advance(time.Hour)
	phone, _ := browserWithCookies(t)
	if resp, err := phone.Get(click); err != nil || resp.StatusCode != 302 {
		t.Fatalf("click from the phone: %v %v", err, resp)
	}
	if resp, err := http.Get(s.URL + "/o/wc-news/" + token + ".gif"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, resp)
	}
	settle(t, s)
	if c, o := mine(); c != 0 || o != 0 {
		t.Errorf("after the withdrawal %d clicks and %d opens were recorded as theirs", c, o)
	}
	segment("/v1/track", `{"userId":"crm-withdrawn-5","event":"Viewed Pricing","messageId":"wc-s1"}`)
	if n := backend(); n != 0 {
		t.Errorf("the backend's call under their user id was stored after the withdrawal (%d)", n)
	}
	out := touches("email,event,date,channel\r\n" + email + ",Tokyo Expo," + clk.Now().AddDate(0, 0, -1).Format("2006-01-02") + ",exhibition\r\n")
	if strings.Contains(out, `"imported":1`) {
		t.Errorf("an exhibition list was imported for a person who withdrew consent: %s", out)
	}

	// Their email typed into a form on a browser not theirs, without the
	// site's consent given: anyone could have typed it. It lifts nothing,
	// links nothing and overwrites nothing of theirs.
	clk.Advance(time.Hour)
	theirs, err := s.App.People.Visitors(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	stranger, _ := browserWithCookies(t)
	strangerForm := strings.Replace(form("wc-x"), `"company":"Maker"`, `"company":"Someone Else"`, 1)
	if resp := post(stranger, "/e", strangerForm); resp.StatusCode != 204 {
		t.Fatalf("a stranger's form: %d", resp.StatusCode)
	}
	settle(t, s)
	if again, err := s.App.People.ByEmail(ctx, email); err != nil || again.ConsentWithdrawn.IsZero() || again.Attributes["company"] != "Maker" {
		t.Errorf("a form from a browser not theirs, no consent given, changed them: %v %+v", err, again)
	}
	if vs, err := s.App.People.Visitors(ctx, p.ID); err != nil || len(vs) != len(theirs) {
		t.Errorf("a stranger's browser was linked to them: %v %v", err, vs)
	}
	if _, o := mine(); o != 0 {
		t.Errorf("%d opens recorded after a stranger's form", o)
	}

	// Nor with consent given: context.consent is whatever its sender
	// says, and it lifted the withdrawal from any browser.
	clk.Advance(time.Hour)
	granted := func(f string) string {
		return strings.Replace(f, `"type":"form_submit",`, `"type":"form_submit","context":{"consent":"granted"},`, 1)
	}
	tablet, _ := browserWithCookies(t)
	if resp := post(tablet, "/e", granted(form("wc-2"))); resp.StatusCode != 204 {
		t.Fatalf("form again: %d", resp.StatusCode)
	}
	settle(t, s)
	if again, err := s.App.People.ByEmail(ctx, email); err != nil || again.ConsentWithdrawn.IsZero() {
		t.Errorf("a stranger's form saying consent is granted lifted the withdrawal: %v %+v", err, again)
	}
	if resp, err := http.Get(s.URL + "/o/wc-news/" + token + ".gif"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, resp)
	}
	if _, o := mine(); o != 0 {
		t.Errorf("%d opens recorded after a stranger's form with consent granted", o)
	}

	// Their own browser, the one that opted out (the tag's id, kept in
	// the page's storage, names it), with consent given: their newer
	// choice.
	clk.Advance(time.Hour)
	if resp := post(laptop, "/e", strings.Replace(granted(form("wc-3")), `"messageId"`, `"anonymousId":"`+laptopVisitor+`","messageId"`, 1)); resp.StatusCode != 204 {
		t.Fatalf("form from the laptop: %d", resp.StatusCode)
	}
	settle(t, s)
	if resp, err := http.Get(s.URL + "/o/wc-news/" + token + ".gif"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("open: %v %v", err, resp)
	}
	if _, o := mine(); o != 1 {
		t.Errorf("%d opens after consent given again by a form, want 1", o)
	}
	segment("/v1/track", `{"userId":"crm-withdrawn-5","event":"Viewed Pricing","messageId":"wc-s2"}`)
	if n := backend(); n != 1 {
		t.Errorf("%d of the backend's calls stored after consent given again, want 1", n)
	}
}

// TestInvisibleCharacterIsTheSameEmail: an email with an invisible
// character (a zero-width space pasted from a chat, a BOM left in a CSV
// cell) made a second person, identical to the eye, and came back past the
// erased person's tombstone by the Segment API, the recipient list and the
// touches import. Every variant is the person of the plain address:
// found by it, erased with it, and refused once it is erased.
func TestInvisibleCharacterIsTheSameEmail(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s := stack.ForTestClock(t, nil, clk.Now)
	const email = "alice@acme-corp.example"
	variants := []string{"alice\u200b@acme-corp.example", "\ufeffalice@acme-corp.example", "alice@acme-corp.example\u200b", "Alice\u00ad@Acme-Corp.example"}
	// She is first known by a variant: an identify whose email was pasted.
	if code := serverCall(t, s, "/v1/identify", `{"anonymousId":"alice-anon-0001","userId":"crm-alice-77","traits":{"email":"alice\u200b@acme-corp.example","company":"Acme"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	if code := serverCall(t, s, "/v1/identify", `{"anonymousId":"alice-anon-0002","userId":"crm-alice-78","traits":{"email":"`+email+`"}}`); code != 200 {
		t.Fatalf("identify: %d", code)
	}
	settle(t, s)
	p, err := s.App.People.ByEmail(ctx, email)
	if err != nil || p.Email != email {
		t.Fatalf("the plain address finds %+v, %v", p, err)
	}
	for _, v := range variants {
		code, b := admin_(t, s, "/admin/people?email="+url.QueryEscape(v), token)
		var pv admin.PersonView
		if code != 200 || json.Unmarshal(b, &pv) != nil || pv.Person.ID != p.ID || pv.Person.Email != email || len(pv.Timeline) != 2 {
			t.Errorf("GET /admin/people?email=%q: %d %s, want %s with both identifies", v, code, b, p.ID)
		}
	}
	if found := privacytest.Leftovers(t, s.App.Table, []string{"crm-alice-77", email}); len(found) != 2 {
		t.Fatalf("before the erasure the store holds %v: the check below would prove nothing", found)
	}
	// Erased by the plain address, the variant's identify (its event, its
	// user id) goes with her.
	if code, b := do(t, "DELETE", s.URL+"/admin/people?email="+email, token, ""); code != 200 {
		t.Fatalf("erase: %d %s", code, b)
	}
	clk.Advance(time.Minute)
	settle(t, s)
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{email, "crm-alice-77", p.ID}) {
		t.Errorf("after the erasure %q is still in %v", sec, where)
	}
	// No path brings her back by a variant.
	for i, v := range variants {
		body, _ := json.Marshal(map[string]any{"userId": fmt.Sprintf("crm-alice-9%d", i), "traits": map[string]string{"email": v}})
		if code := serverCall(t, s, "/v1/identify", string(body)); code != 200 {
			t.Errorf("identify %q after the erasure: %d, want 200 (the SDK must not retry)", v, code)
		}
	}
	code, b := do(t, "POST", s.URL+"/admin/links", token, `{"campaign":"zw-news","urls":["https://www.example.com/webinar"]}`)
	if code != 201 {
		t.Fatalf("links: %d %s", code, b)
	}
	rows, hdr, err := recipientRows(t, s, "zw-news", "email\r\n\ufeffalice@acme-corp.example\r\nalice@acme-corp.example\u200b\r\n")
	rowErrs := hdr.Get("X-Baton-Row-Errors")
	if err != nil || len(rows) != 3 || rows[1][1] != "" || rows[2][1] != "" || hdr.Get("X-Baton-Minted") != "0" || strings.Count(rowErrs, "asked to be forgotten") != 2 {
		t.Errorf("recipients after the erasure: %q %v, row errors %s", rows, err, rowErrs)
	}
	status, _, body := postCSV(t, s, "/admin/touches", "氏名,メールアドレス,イベント名,日付,チャネル\r\nAlice,alice\u200b@acme-corp.example,Expo,2026/05/20,展示会\r\n")
	var imp struct {
		Imported, NewPeople int
		Errors              []struct{ Reason string }
	}
	if status != 200 || json.Unmarshal(body, &imp) != nil || imp.Imported != 0 || imp.NewPeople != 0 || len(imp.Errors) != 1 || !strings.Contains(imp.Errors[0].Reason, "forgotten") {
		t.Errorf("touches after the erasure: %d %s", status, body)
	}
	settle(t, s)
	if _, err := s.App.People.ByEmail(ctx, email); !errors.Is(err, identity.ErrNotFound) {
		t.Errorf("she came back: %v", err)
	}
	for sec, where := range privacytest.AfterErasure(t, s.App.Table, []string{email, p.ID}) {
		t.Errorf("a variant stored %q again in %v", sec, where)
	}
}
