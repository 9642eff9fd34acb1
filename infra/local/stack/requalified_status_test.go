package stack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestRequalifiedLeadIsOpenAgain: sales send a lead back in their SFA (a
// lead status the feedback maps to rejected), Baton recycles it, and new
// evidence qualifies it again. The second MQL's push must set the SFA's
// lead status back to the one a fresh MQL has (Salesforce: the org's
// default Lead Status; HubSpot: NEW; kintone: the status field's default
// value), or sales, filtering on open leads, never see that it is back;
// and what sales read with it (Task, note, record) says it is a lead that
// qualified again. On kintone the record's own webhook, echoing Baton's
// write, must not send the new MQL back: it carries the status as it now
// is.
func TestRequalifiedLeadIsOpenAgain(t *testing.T) {
	ctx := context.Background()
	t.Run("salesforce", func(t *testing.T) {
		clk := clock.NewManual(t0)
		f := crmfake.NewSalesforce()
		defer f.Close()
		f.Now = clk.Now
		const secret = "feedback-secret-0123456789"
		p := writeConfig(t, "sfa:\n  salesforce:\n    login_url: "+f.URL+"\n    client_id: "+f.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n")
		s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_SALESFORCE_CLIENT_SECRET": f.ClientSecret, "BATON_FEEDBACK_SECRET": secret}, clk.Now)
		const email = "requal.sf@maker.example"
		id := qualifyOne(t, s, "requal-sf", email)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
		if st := f.Lead(id)["Status"]; st != f.DefaultLeadStatus {
			t.Fatalf("a new Lead's status %v, want the org's default %q", st, f.DefaultLeadStatus)
		}

		// Sales close the Lead as not converted; their Flow tells Baton.
		clk.Advance(2 * time.Hour)
		sfSendBack(t, s, f, id, "Closed - Not Converted", secret, clk.Now())
		sentBack(t, s, id)

		qualifyAgain(t, s, clk, "requal-sf", email, id)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c2") })
		if st := f.Lead(id)["Status"]; st != f.DefaultLeadStatus {
			t.Errorf("the requalified Lead's status is %v: sales still read it as closed (want %q, a new Lead's)", st, f.DefaultLeadStatus)
		}
		task := f.Task(id + "-c2")
		if d, _ := task["Description"].(string); !strings.Contains(d, "Qualified again (MQL 2): sales marked the previous MQL rejected") || !strings.Contains(d, "(no budget)") {
			t.Errorf("the second MQL's Task does not say the lead is back:\n%v", task["Description"])
		}
		// Sales' Task lists show subjects: the returning lead says so there.
		if sub, _ := task["Subject"].(string); !strings.HasPrefix(sub, "MQL again (MQL 2): ") {
			t.Errorf("the second MQL's Task subject %q does not say the lead is back", sub)
		}
		if sub, _ := f.Task(id + "-c1")["Subject"].(string); !strings.HasPrefix(sub, "MQL: ") {
			t.Errorf("the first MQL's Task subject %q", sub)
		}
		if len(f.Leads) != 1 {
			t.Errorf("%d Leads, want the one", len(f.Leads))
		}
	})

	t.Run("hubspot", func(t *testing.T) {
		clk := clock.NewManual(t0)
		f := crmfake.NewHubSpot()
		defer f.Close()
		f.Now = clk.Now
		p := writeConfig(t, "sfa:\n  hubspot:\n    base_url: "+f.URL+"\n")
		s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_HUBSPOT_TOKEN": f.Token, "BATON_HUBSPOT_CLIENT_SECRET": "hubspot-app-secret-0123"}, clk.Now)
		const email = "requal.hs@maker.example"
		id := qualifyOne(t, s, "requal-hs", email)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
		if st := f.Contact(email)["hs_lead_status"]; st != "" {
			t.Fatalf("a first MQL set hs_lead_status %q", st)
		}

		clk.Advance(2 * time.Hour)
		hsSendBack(t, s, f, email, "UNQUALIFIED", clk.Now())
		sentBack(t, s, id)

		qualifyAgain(t, s, clk, "requal-hs", email, id)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c2") })
		if st := f.Contact(email)["hs_lead_status"]; st != "NEW" {
			t.Errorf("the requalified contact's hs_lead_status is %q: sales still read it as unqualified (want NEW)", st)
		}
		f.Lock()
		n := len(f.Notes)
		last := ""
		if n > 0 {
			last, _ = f.Notes[n-1]["properties"].(map[string]any)["hs_note_body"].(string)
		}
		f.Unlock()
		if n != 2 || !strings.Contains(last, "Qualified again (MQL 2)") {
			t.Errorf("%d notes; the second does not say the lead is back:\n%s", n, last)
		}
		// Sales' reason is the lead status as HubSpot shows it to them (its
		// option's label), not the internal value the webhook carried.
		if !strings.Contains(last, "(Unqualified)") || strings.Contains(last, "UNQUALIFIED") {
			t.Errorf("the second note does not give sales' reason as HubSpot labels it (Unqualified):\n%s", last)
		}
	})

	t.Run("kintone", func(t *testing.T) {
		clk := clock.NewManual(t0)
		f := crmfake.NewKintone()
		defer f.Close()
		ktStatusField(f)
		const tok = "kintone-webhook-token-requalified"
		p := writeConfig(t, "sfa:\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n    fields: {mql_summary: mql_reason}\n    comment: true\n    comment_mentions: [{code: sato, type: USER}]\nfeedback:\n  kintone_status_field: 対応状況\n")
		s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_KINTONE_API_TOKEN": f.APIToken, "BATON_KINTONE_WEBHOOK_TOKEN": tok}, clk.Now)
		const email = "requal.kt@maker.example"
		id := qualifyOne(t, s, "requal-kt", email)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
		if st := f.Record(email)["対応状況"]; st != "未対応" {
			t.Fatalf("a new record's status %q, want the field's default 未対応", st)
		}
		clk.Advance(2 * time.Hour)
		f.Lock()
		f.Records[email]["対応状況"] = "見送り"
		f.Unlock()
		ktHook(t, s, f, email, tok, "kt-requal-1", clk.Now())
		sentBack(t, s, id)

		qualifyAgain(t, s, clk, "requal-kt", email, id)
		deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c2") })
		if st := f.Record(email)["対応状況"]; st != "未対応" {
			t.Errorf("the requalified record's 対応状況 is %q: sales still read it as 見送り (want 未対応, a new record's)", st)
		}
		if sum := f.Record(email)["mql_reason"]; !strings.Contains(sum, "Qualified again (MQL 2)") {
			t.Errorf("the record's summary does not say the lead is back:\n%s", sum)
		}
		// The summary field keeps the second MQL's; the record's comments,
		// addressed to sato, both.
		if cs := f.RecordComments(email); len(cs) != 2 || !strings.HasPrefix(cs[0].Text, "@sato") || strings.Contains(cs[0].Text, "Qualified again") ||
			!strings.HasSuffix(cs[0].Text, id+"-c1)") || !strings.Contains(cs[1].Text, "Qualified again (MQL 2)") || !strings.HasSuffix(cs[1].Text, id+"-c2)") {
			t.Errorf("the record's comments after two MQLs: %+v", cs)
		}
		// kintone tells Baton of its write: the new MQL stays an MQL.
		clk.Advance(time.Minute)
		ktHook(t, s, f, email, tok, "kt-requal-2", clk.Now())
		if rec, _ := s.App.Qualifier.Record(ctx, id); rec.Stage != "mql" {
			t.Errorf("stage %s after kintone echoed Baton's own write of the second MQL, want mql", rec.Stage)
		}
	})
}

// qualifyAgain brings a recycled lead new evidence past the recycle's
// cooldown and waits for its second MQL.
func qualifyAgain(t *testing.T, s *stack.Stack, clk *clock.Manual, vid, email, id string) {
	t.Helper()
	clk.Advance(25 * time.Hour)
	for i, ev := range []string{
		`{"type":"download","messageId":"` + vid + `-10","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/casestudy.pdf"}}`,
		`{"type":"form_submit","messageId":"` + vid + `-11","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","form":{"id":"contact"},"fields":{"email":"` + email + `"}}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(ev))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
		clk.Advance(time.Minute)
	}
	settle(t, s)
	if ms, err := s.App.Qualifier.MQLs(context.Background(), id); err != nil || len(ms) != 2 {
		t.Fatalf("MQLs %d (%v): the recycled lead did not qualify again", len(ms), err)
	}
}

// sentBack wants the person recycled.
func sentBack(t *testing.T, s *stack.Stack, id string) {
	t.Helper()
	if rec, _ := s.App.Qualifier.Record(context.Background(), id); rec.Stage != "recycled" {
		t.Fatalf("stage %s after sales sent the lead back, want recycled", rec.Stage)
	}
}

// sfSendBack sets the person's Lead to status at the fake org, as sales
// do, and sends Baton the Flow's callout saying so.
func sfSendBack(t *testing.T, s *stack.Stack, f *crmfake.Salesforce, id, status, secret string, at time.Time) {
	t.Helper()
	f.Lock()
	f.Leads[id]["Status"] = status
	f.Unlock()
	// eventId as the README says a Flow should send it: the record's id and its SystemModstamp.
	body := `{"eventId":"flow-` + id + `-` + fmt.Sprint(at.UnixMilli()) + `","externalId":"` + id + `","status":"` + status + `","owner":"rep","reason":"no budget","changedAt":"` + at.UTC().Format(time.RFC3339) + `"}`
	req, _ := http.NewRequest("POST", s.URL+"/feedback/salesforce", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Baton-Secret", secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("feedback: %v %v", err, resp)
	}
	resp.Body.Close()
}

// hsSendBack sets the contact's hs_lead_status at the fake account, as
// sales do, and sends Baton HubSpot's webhook saying so (signed with the
// app secret hubspot-app-secret-0123).
func hsSendBack(t *testing.T, s *stack.Stack, f *crmfake.HubSpot, email, status string, at time.Time) {
	t.Helper()
	f.Lock()
	f.Contacts[email]["hs_lead_status"] = status
	contact := f.Contacts[email]["hs_object_id"]
	f.Unlock()
	body := `[{"eventId":91` + contact + `,"subscriptionId":1,"portalId":1,"occurredAt":` + fmt.Sprint(at.UnixMilli()) +
		`,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":` + contact + `,"propertyName":"hs_lead_status","propertyValue":"` + status + `","changeSource":"CRM"}]`
	hubspotPost(t, s, body, at)
}

// ktHook sends Baton the kintone webhook of a change to the record of
// email (UPDATE_RECORD, the record as the fake now has it, 更新日時 at),
// with the token in its URL.
func ktHook(t *testing.T, s *stack.Stack, f *crmfake.Kintone, email, token, id string, at time.Time) {
	t.Helper()
	rec := map[string]any{"$id": map[string]string{"type": "__ID__", "value": "1"}, "更新日時": map[string]string{"type": "UPDATED_TIME", "value": at.UTC().Format("2006-01-02T15:04:05Z")}}
	for code, v := range f.Record(email) {
		rec[code] = map[string]string{"type": "SINGLE_LINE_TEXT", "value": v}
	}
	b, _ := json.Marshal(map[string]any{"id": id, "type": "UPDATE_RECORD", "app": map[string]string{"id": "42"}, "record": rec})
	resp, err := http.Post(s.URL+"/feedback/kintone/"+token, "application/json", strings.NewReader(string(b)))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("feedback: %v %v", err, resp)
	}
	resp.Body.Close()
}

// ktStatusField is a 対応状況 drop-down on the fake app's form, whose
// default value is 未対応.
func ktStatusField(f *crmfake.Kintone, options ...string) {
	opts := map[string]any{}
	for i, o := range append([]string{"未対応", "対応中", "見送り"}, options...) {
		opts[o] = map[string]any{"label": o, "index": fmt.Sprint(i)}
	}
	f.Fields["対応状況"] = map[string]any{"type": "DROP_DOWN", "code": "対応状況", "label": "対応状況", "noLabel": false, "required": false, "defaultValue": "未対応", "options": opts}
}

// TestKintoneStatusFromBeforeTheMQL: a record sales marked 見送り long ago
// (an earlier enquiry) takes the person's first MQL, Baton's write leaving
// the status as sales set it. kintone's webhook for that write, and for a
// rep's later edit of another field, carries 見送り dated after the MQL:
// read as sales' verdict, the new MQL was sent back at once, before anyone
// looked at it. The status Baton's write left is kept with the delivery,
// and a webhook still carrying it is no verdict; a change is.
func TestKintoneStatusFromBeforeTheMQL(t *testing.T) {
	ctx := context.Background()
	clk := clock.NewManual(t0)
	f := crmfake.NewKintone()
	defer f.Close()
	ktStatusField(f)
	const tok, email = "kintone-webhook-token-old-status", "old-status.kt@maker.example"
	f.AddRecord(email, map[string]string{"name": "山田 太郎", "対応状況": "見送り"})
	p := writeConfig(t, "sfa:\n  kintone:\n    base_url: "+f.URL+"\n    app: 42\n    email_field: email\n    fields: {mql_summary: mql_reason}\nfeedback:\n  kintone_status_field: 対応状況\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_KINTONE_API_TOKEN": f.APIToken, "BATON_KINTONE_WEBHOOK_TOKEN": tok}, clk.Now)
	id := qualifyOne(t, s, "old-status-kt", email)
	deliver(t, s, func() bool { return mqlDelivered(t, s, id+"-c1") })
	if r := f.Record(email); r["対応状況"] != "見送り" || !strings.Contains(r["mql_reason"], "MQL") {
		t.Fatalf("the record after the first MQL: %v (want sales' 見送り kept, the MQL written)", r)
	}
	clk.Advance(time.Minute)
	ktHook(t, s, f, email, tok, "kt-old-echo", clk.Now()) // Baton's own write
	// edit is sales changing a field of the record an hour on, and
	// kintone's webhook saying so; want is the person's stage after it.
	edit := func(field, value, hook, want, why string) {
		t.Helper()
		clk.Advance(time.Hour)
		f.Lock()
		f.Records[email][field] = value
		f.Unlock()
		ktHook(t, s, f, email, tok, hook, clk.Now())
		if rec, _ := s.App.Qualifier.Record(ctx, id); rec.Stage != want {
			t.Fatalf("stage %s after %s, want %s", rec.Stage, why, want)
		}
	}
	edit("name", "山田 太郎（営業部）", "kt-old-edit", "mql", "webhooks carrying the status sales set before the MQL (Baton's write, a rep's edit of another field)")
	edit("対応状況", "対応中", "kt-old-accept", "sal", "sales set 対応中")
	edit("対応状況", "見送り", "kt-old-reject", "recycled", "sales set 見送り again, now a change")
}
