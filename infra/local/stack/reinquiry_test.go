package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/table"
)

// reinquiryStack is a stack delivering to the fake Salesforce and a signed
// webhook, in Japanese and Japan's time.
func reinquiryStack(t *testing.T, clk *clock.Manual) (*stack.Stack, *crmfake.Salesforce, *hookRecorder, *atomic.Bool) {
	t.Helper()
	const secret = "whsec_c2VjcmV0LWZvci1yZWlucXVpcnktdGVzdA=="
	hook, rec := newHookRecorder(t, secret)
	down := new(atomic.Bool) // the webhook's receiver answers 503
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			w.WriteHeader(503)
			return
		}
		rec.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	f := crmfake.NewSalesforce()
	t.Cleanup(f.Close)
	f.Now = clk.Now
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: ja\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret,
		"BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret, "BATON_SITE_ORIGINS": "https://www.example.com"}, clk.Now)
	return s, f, hook, down
}

// outage makes both SFAs fail (true) or take deliveries again.
func outage(f *crmfake.Salesforce, down *atomic.Bool, on bool) {
	down.Store(on)
	if on {
		f.Fail(10000, crmfake.Fault{Status: 503, Body: `[{"message":"unavailable","errorCode":"SERVER_UNAVAILABLE"}]`})
	} else {
		f.Heal()
	}
}

// sendForm posts a contact form of the visitor's.
func sendForm(t *testing.T, s *stack.Stack, vid, msgID, email, title, message string) {
	t.Helper()
	fields, _ := json.Marshal(map[string]string{"email": email, "title": title, "message": message})
	body := `{"type":"form_submit","messageId":"` + msgID + `","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact?utm_source=mail","title":"お問い合わせ","form":{"id":"contact"},"fields":` + string(fields) + `}}`
	resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("form: %v %v", err, resp)
	}
	resp.Body.Close()
	settle(t, s)
}

// activityTasks are the fake org's Tasks of the MQL's re-inquiries.
func activityTasks(f *crmfake.Salesforce, mql string) map[string]map[string]any {
	f.Lock()
	defer f.Unlock()
	out := map[string]map[string]any{}
	for k, v := range f.Tasks {
		if strings.HasPrefix(k, mql+"-f") {
			out[k] = v
		}
	}
	return out
}

// activityStatus is the statuses of the person's re-inquiry deliveries
// ("" for none), in the order of their keys.
func activityStatus(t *testing.T, s *stack.Stack, person string) string {
	t.Helper()
	var st []string
	err := s.App.Table.Scan(context.Background(), "", func(it table.Item) error {
		if it.PK == "P#"+person && strings.HasPrefix(it.SK, "DLV#"+person+"-c1-f") {
			var d struct{ Status string }
			json.Unmarshal(it.Data, &d)
			st = append(st, d.Status)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(st, " ")
}

// drain runs the push worker until its queue is empty.
// quiesce settles the feed and the push queue before a test closes the
// stack to open its data again: the pusher running in the background
// acknowledges a message just after its delivery record, and one not yet
// acknowledged when the stack closes is delivered again by the next one
// (at least once), to a connector configured since (CI saw an MQL reach
// HubSpot so, before the send a test meant to press).
func quiesce(t *testing.T, s *stack.Stack) {
	t.Helper()
	settle(t, s)
	drain(t, s)
	acked(t, s)
}

// acked waits until the push queue is empty: the background pusher
// acknowledges a message just after the delivery record a test reads.
func acked(t *testing.T, s *stack.Stack) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		n, err := s.App.Push.Pending(context.Background())
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("push queue still has %d (%v)", n, err)
		}
	}
}

func drain(t *testing.T, s *stack.Stack) {
	t.Helper()
	for range 50 {
		n, err := s.App.Pusher.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// TestReinquiryReachesSales: a person already an MQL (delivered) sends the
// contact form again, urgently and with a new title. One MQL per cycle
// raises nothing, but sales must hear of it: the webhook gets a signed
// mql.activity with the form, the typed message (a URL on no site of the
// team's marked) and its time in the configured zone; Salesforce an open
// Task on the Lead the MQL went on. A retried stream batch notifies no
// one twice, and once sales converted the Lead, the next one goes on its
// Contact and Opportunity (Salesforce refuses a converted Lead as WhoId).
func TestReinquiryReachesSales(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s, f, hook, _ := reinquiryStack(t, clk)
	const vid, email = "reinq-1", "reinq@maker.example"
	id := qualifyOne(t, s, vid, email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	drain(t, s)
	if n := hook.count("mql.activity"); n != 0 {
		t.Fatalf("%d activities before any re-inquiry (the qualifying form is the MQL's)", n)
	}
	if n := len(activityTasks(f, id+"-c1")); n != 0 {
		t.Fatalf("%d activity Tasks before any re-inquiry", n)
	}

	clk.Advance(3 * time.Hour)
	// (Stored as forms' values are: full-width ASCII as half-width.)
	const msg = "二回目の問い合わせ:至急見積もり。資料 https://evil.example/x"
	sendForm(t, s, vid, vid+"-again", email, "事業部長", msg)
	deliver(t, s, func() bool { return hook.count("mql.activity") == 1 && len(activityTasks(f, id+"-c1")) == 1 })
	if ms, _ := s.App.Qualifier.MQLs(ctx, id); len(ms) != 1 {
		t.Fatalf("%d MQLs: one per cycle", len(ms))
	}

	hook.mu.Lock()
	var a struct {
		ActivityID, MQLID, PersonID, Email, Type, Title, URL, Message, At, Subject, Summary string
		Attributes                                                                          map[string]string
	}
	json.Unmarshal(hook.got["mql.activity"][0], &a)
	hook.mu.Unlock()
	if a.MQLID != id+"-c1" || a.PersonID != id || a.Email != email || a.Type != "form_submit" || a.Title != "お問い合わせ" || a.Message != msg || a.Attributes["title"] != "事業部長" {
		t.Errorf("webhook activity: %+v", a)
	}
	if !strings.HasSuffix(a.At, "+09:00") || !strings.HasPrefix(a.At, clk.Now().In(time.FixedZone("JST", 9*3600)).Format("2006-01-02T15:04")) {
		t.Errorf("activity at %s: want the form's time in Asia/Tokyo", a.At)
	}
	if !strings.Contains(a.Summary, "二回目の問い合わせ:至急見積もり") || strings.Contains(a.Summary, "https://evil.example") || !strings.Contains(a.Summary, "evil[.]example/x") ||
		!strings.Contains(a.Summary, "時刻は JST") || !strings.Contains(a.Summary, "役職：事業部長") || !strings.Contains(a.Summary, " https://www.example.com/contact\n") {
		t.Errorf("webhook summary:\n%s", a.Summary)
	}
	if !strings.Contains(a.Subject, "再度の問い合わせ") {
		t.Errorf("subject %q", a.Subject)
	}
	lead := f.Lead(id)
	var task map[string]any
	var key string
	for k, v := range activityTasks(f, id+"-c1") {
		key, task = k, v
	}
	if key != a.ActivityID {
		t.Errorf("Task key %q, webhook's activity id %q: one id for the re-inquiry", key, a.ActivityID)
	}
	if task["WhoId"] != lead["Id"] || task["Status"] == "Completed" || !strings.Contains(task["Description"].(string), "二回目の問い合わせ:至急見積もり") || task["ActivityDate"] != clk.Now().In(time.FixedZone("JST", 9*3600)).Format("2006-01-02") {
		t.Errorf("activity Task %v on Lead %v", task, lead["Id"])
	}

	// The stream batch holding the form is handed to scoring again: no
	// second message anywhere.
	var cs []table.Change
	s.App.Table.Scan(ctx, "", func(it table.Item) error {
		if it.Kind == eventlog.KindEvent && strings.Contains(string(it.Data), vid+"-again") {
			cs = append(cs, table.Change{Op: table.OpInsert, Item: it})
		}
		return nil
	})
	if len(cs) != 1 {
		t.Fatalf("%d stored events of the form", len(cs))
	}
	if n, err := s.App.Changes(s.App.RelayToQueue)(ctx, cs); err != nil || n != 1 {
		t.Fatal(n, err)
	}
	drain(t, s)
	if n := hook.count("mql.activity"); n != 1 {
		t.Errorf("%d activities after the batch came again, want 1", n)
	}
	hook.mu.Lock()
	if n := hook.ids[a.ActivityID]; n != 1 {
		t.Errorf("activity posted %d times", n)
	}
	hook.mu.Unlock()
	if f.Calls["PATCH Task"] != 2 {
		t.Errorf("%d Task writes, want the MQL's and the activity's", f.Calls["PATCH Task"])
	}

	// Sales convert the Lead; the person writes again.
	contact, opp := f.Convert(id, true)
	clk.Advance(time.Hour)
	sendForm(t, s, vid, vid+"-third", email, "事業部長", "三回目：発注したい")
	deliver(t, s, func() bool { return hook.count("mql.activity") == 2 && len(activityTasks(f, id+"-c1")) == 2 })
	for k, v := range activityTasks(f, id+"-c1") {
		if k == key {
			continue
		}
		if v["WhoId"] != contact || v["WhatId"] != opp {
			t.Errorf("the Task after the conversion: WhoId %v WhatId %v, want the Contact %s and Opportunity %s", v["WhoId"], v["WhatId"], contact, opp)
		}
	}
}

// TestReinquiryBeforeDeliveryRidesWithTheMQL: the person writes again
// before the MQL reached the SFAs (both down, the MQL retrying). The lead
// is built at each attempt, so once they are back it carries the latest
// form's values, and nothing more is sent.
func TestReinquiryBeforeDeliveryRidesWithTheMQL(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s, f, hook, down := reinquiryStack(t, clk)
	outage(f, down, true)
	const vid, email = "reinq-2", "reinq2@maker.example"
	id := qualifyOne(t, s, vid, email)
	deliver(t, s, func() bool {
		ds, _ := s.App.Pusher.Status(ctx, id+"-c1")
		return len(ds) == 2 && ds[0].Status == "retrying" && ds[1].Status == "retrying"
	})
	// The form comes before the MQL's retry is due (its backoff is a
	// second at least, on this clock): no attempt of the MQL is under way
	// with a lead built before it.
	clk.Advance(100 * time.Millisecond)
	sendForm(t, s, vid, vid+"-again", email, "事業部長", "二回目の問い合わせ:至急見積もり")
	deliver(t, s, func() bool { return activityStatus(t, s, id) == "retrying retrying" }) // waiting for the MQL
	outage(f, down, false)
	clk.Advance(time.Hour)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	clk.Advance(time.Hour)
	drain(t, s)
	if n := hook.count("mql.activity"); n != 0 {
		t.Errorf("%d activities: the MQL's lead already had the form", n)
	}
	if n := len(activityTasks(f, id+"-c1")); n != 0 {
		t.Errorf("%d activity Tasks: the MQL's Task already had the form", n)
	}
	hook.mu.Lock()
	var l struct{ Attributes map[string]string }
	if len(hook.got["mql.created"]) == 1 {
		json.Unmarshal(hook.got["mql.created"][0], &l)
	}
	hook.mu.Unlock()
	if l.Attributes["message"] != "二回目の問い合わせ:至急見積もり" || l.Attributes["title"] != "事業部長" {
		t.Errorf("the MQL delivered after the second form carried %v", l.Attributes)
	}
	if st := f.Lead(id)["Title"]; st != "事業部長" {
		t.Errorf("Lead Title %v", st)
	}
}

// TestReinquiryOfWithdrawnPersonIsNotSent: a re-inquiry queued while the
// SFAs are down, then the person withdraws consent: nothing of it reaches
// any SFA once they are back.
func TestReinquiryOfWithdrawnPersonIsNotSent(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	s, f, hook, down := reinquiryStack(t, clk)
	const vid, email = "reinq-3", "reinq3@maker.example"
	id := qualifyOne(t, s, vid, email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	outage(f, down, true)
	clk.Advance(time.Hour)
	sendForm(t, s, vid, vid+"-again", email, "事業部長", "至急")
	deliver(t, s, func() bool { return activityStatus(t, s, id) == "retrying retrying" }) // both refused it
	if err := s.App.Stitcher.WithdrawPerson(ctx, id, clk.Now()); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	outage(f, down, false)
	clk.Advance(time.Hour)
	drain(t, s)
	if n := hook.count("mql.activity"); n != 0 {
		t.Errorf("%d activities of a person who withdrew consent", n)
	}
	if n := len(activityTasks(f, id+"-c1")); n != 0 {
		t.Errorf("%d activity Tasks of a person who withdrew consent", n)
	}
}

// TestReinquiryReachesHubSpot: the re-inquiry is a note associated with
// the contact the MQL went on, created once though the form's change is
// handled twice.
func TestReinquiryReachesHubSpot(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	f := crmfake.NewHubSpot()
	defer f.Close()
	f.Now = clk.Now
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: ja\n  hubspot:\n    base_url: "+f.URL+"\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_HUBSPOT_TOKEN": f.Token, "BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123"}, clk.Now)
	const vid, email = "reinq-hs", "reinq.hs@maker.example"
	id := qualifyOne(t, s, vid, email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	notes := func() []map[string]any {
		f.Lock()
		defer f.Unlock()
		return append([]map[string]any(nil), f.Notes...)
	}
	if n := len(notes()); n != 1 {
		t.Fatalf("%d notes after the MQL", n)
	}
	clk.Advance(2 * time.Hour)
	sendForm(t, s, vid, vid+"-again", email, "事業部長", "二回目の問い合わせ:至急見積もり")
	deliver(t, s, func() bool { return len(notes()) == 2 })
	var cs []table.Change
	s.App.Table.Scan(ctx, "", func(it table.Item) error {
		if it.Kind == eventlog.KindEvent && strings.Contains(string(it.Data), vid+"-again") {
			cs = append(cs, table.Change{Op: table.OpInsert, Item: it})
		}
		return nil
	})
	if n, err := s.App.Changes(s.App.RelayToQueue)(ctx, cs); err != nil || n != len(cs) || n == 0 {
		t.Fatal(n, err)
	}
	clk.Advance(time.Hour)
	drain(t, s)
	ns := notes()
	if len(ns) != 2 {
		t.Fatalf("%d notes, want the MQL's and the re-inquiry's", len(ns))
	}
	body, _ := ns[1]["properties"].(map[string]any)["hs_note_body"].(string)
	assoc, _ := json.Marshal(ns[1]["associations"])
	contact := f.Contact(email)["hs_object_id"]
	if !strings.Contains(body, "二回目の問い合わせ:至急見積もり") || !strings.Contains(body, "再度の問い合わせ") || contact == "" || !strings.Contains(string(assoc), `"id":"`+contact+`"`) {
		t.Errorf("the re-inquiry's note (contact %s): %s\n%s", contact, assoc, body)
	}
}

// TestReinquiryReachesKintone: the re-inquiry is a comment on the record
// the MQL went on, addressed as the MQL's is, posted once though the
// form's change is handled twice.
func TestReinquiryReachesKintone(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	f := crmfake.NewKintone()
	defer f.Close()
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: ja\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n    comment: true\n    comment_mentions: [{code: sato, type: USER}]\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_KINTONE_API_TOKEN": f.APIToken}, clk.Now)
	const vid, email = "reinq-kt", "reinq.kt@maker.example"
	id := qualifyOne(t, s, vid, email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	if n := len(f.RecordComments(email)); n != 1 {
		t.Fatalf("%d comments after the MQL", n)
	}
	clk.Advance(2 * time.Hour)
	sendForm(t, s, vid, vid+"-again", email, "事業部長", "二回目の問い合わせ:至急見積もり")
	deliver(t, s, func() bool { return len(f.RecordComments(email)) == 2 })
	var cs []table.Change
	s.App.Table.Scan(ctx, "", func(it table.Item) error {
		if it.Kind == eventlog.KindEvent && strings.Contains(string(it.Data), vid+"-again") {
			cs = append(cs, table.Change{Op: table.OpInsert, Item: it})
		}
		return nil
	})
	if n, err := s.App.Changes(s.App.RelayToQueue)(ctx, cs); err != nil || n != len(cs) || n == 0 {
		t.Fatal(n, err)
	}
	clk.Advance(time.Hour)
	drain(t, s)
	c := f.RecordComments(email)
	if len(c) != 2 {
		t.Fatalf("%d comments, want the MQL's and the re-inquiry's", len(c))
	}
	// Only the record's id names the person: a comment's id (a small
	// number) may be another person's record's.
	var ext []string
	s.App.Table.Scan(ctx, "", func(it table.Item) error {
		if strings.HasPrefix(it.PK, "EXT#kintone#") {
			ext = append(ext, it.PK)
		}
		return nil
	})
	if len(ext) != 1 {
		t.Errorf("kintone ids naming the person: %v, want the record's alone", ext)
	}
	if txt := c[1].Text; !strings.HasPrefix(txt, "@sato") || !strings.Contains(txt, "二回目の問い合わせ:至急見積もり") || !strings.Contains(txt, "再度の問い合わせ") || !strings.HasSuffix(txt, ")") || !strings.Contains(txt, "(Baton activity "+id+"-c1-f") {
		t.Errorf("the re-inquiry's comment:\n%s", txt)
	}
}

// TestReinquiryFromAnotherBrowser: the person writes again from their
// phone, a browser not yet theirs. The form is stored before its
// identification links the browser, so the form's own change finds nobody;
// the link's change finds it: sales hear of it once.
func TestReinquiryFromAnotherBrowser(t *testing.T) {
	clk := clock.NewManual(t0)
	s, f, hook, _ := reinquiryStack(t, clk)
	const email = "reinq-phone@maker.example"
	id := qualifyOne(t, s, "reinq-laptop", email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	drain(t, s)
	clk.Advance(2 * time.Hour)
	sendForm(t, s, "reinq-phone", "reinq-phone-1", email, "部長", "スマホから再度のお問い合わせ")
	deliver(t, s, func() bool { return hook.count("mql.activity") == 1 && len(activityTasks(f, id+"-c1")) == 1 })
	hook.mu.Lock()
	var a struct{ PersonID, Message string }
	json.Unmarshal(hook.got["mql.activity"][0], &a)
	hook.mu.Unlock()
	if a.PersonID != id || a.Message != "スマホから再度のお問い合わせ" {
		t.Errorf("activity %+v", a)
	}
	drain(t, s)
	if n := hook.count("mql.activity"); n != 1 {
		t.Errorf("%d activities, want 1", n)
	}
}
