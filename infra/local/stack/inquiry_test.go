package stack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestFirstMQLCarriesTheInquiry: a first MQL from a Japanese contact form
// (姓, 名, 会社名, 部署, 役職, 電話番号 and a 1,400-character inquiry)
// reached Salesforce's Task, HubSpot's note and kintone's summary field
// and comment as the summary alone: the inquiry and the 部署 no SFA field
// takes were lost, and nothing linked back to the person's page in Baton.
// Each SFA, through the fakes, and the webhook now get the inquiry to its
// last words, 部署：営業部, and the person's page (the local stack's own
// address: BATON_PUBLIC_URL unset), a link in HubSpot's note and in
// kintone's リンク field, personUrl in the webhook's payload.
func TestFirstMQLCarriesTheInquiry(t *testing.T) {
	clk := clock.NewManual(t0)
	sf := crmfake.NewSalesforce()
	t.Cleanup(sf.Close)
	sf.Now = clk.Now
	hs := crmfake.NewHubSpot()
	t.Cleanup(hs.Close)
	kt := crmfake.NewKintone()
	t.Cleanup(kt.Close)
	kt.Fields["baton_link"] = map[string]any{"type": "LINK", "code": "baton_link", "label": "Baton", "noLabel": false, "required": false, "unique": false, "protocol": "WEB"}
	const secret = "whsec_Zmlyc3QtbXFsLWlucXVpcnktd2ViaG9vaw=="
	hook, srv := newHookRecorder(t, secret)
	p := writeConfig(t, "timezone: Asia/Tokyo\nsfa:\n  language: ja\n"+
		"  salesforce:\n    login_url: "+sf.URL+"\n    client_id: "+sf.ClientID+"\n    lead_key: Baton_Person_Id__c\n    task_key: Baton_MQL_Id__c\n"+
		"  hubspot:\n    base_url: "+hs.URL+"\n"+
		"  kintone:\n    base_url: "+kt.URL+"\n    app: 42\n    email_field: email\n    comment: true\n    fields: {company: company, mql_summary: mql_reason, person_url: baton_link}\n")
	s := stack.ForTestClock(t, map[string]string{"BATON_CONFIG": p, "BATON_SALESFORCE_CLIENT_SECRET": sf.ClientSecret, "BATON_HUBSPOT_TOKEN": hs.Token,
		"BATON_KINTONE_API_TOKEN": kt.APIToken, "BATON_WEBHOOK_URL": srv.URL, "BATON_WEBHOOK_SECRET": secret, "BATON_SITE_ORIGINS": "https://www.example.com"}, clk.Now)

	const vid, email = "inquiry-ja", "yamada@acme-maker.example"
	const end = "予算は年間300万円、導入は来年4月を希望します。"
	msg := "はじめまして。" + strings.Repeat("弊社では営業部門のリード管理を改善したいと考えております。", 49) + end
	fields, _ := json.Marshal(map[string]string{"your-email": email, "sei": "山田", "mei": "太郎", "kaisha": "アクメ株式会社", "text-812": "営業部",
		"yakushoku": "購買部長", "tel": "03-1234-5678", "emp": "250-999", "textarea-1": msg})
	labels, _ := json.Marshal(map[string]string{"your-email": "メールアドレス", "sei": "姓", "mei": "名", "kaisha": "会社名", "text-812": "部署",
		"yakushoku": "役職", "tel": "電話番号", "emp": "従業員数", "textarea-1": "お問い合わせ内容"})
	for i, body := range []string{
		`{"type":"page_view","messageId":"` + vid + `-1","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/pricing"}}`,
		`{"type":"download","messageId":"` + vid + `-2","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/files/whitepaper.pdf"}}`,
		`{"type":"form_submit","messageId":"` + vid + `-3","anonymousId":"` + vid + `","properties":{"url":"https://www.example.com/contact","title":"お問い合わせ","form":{"id":"contact"},"fields":` + string(fields) + `,"labels":` + string(labels) + `}}`,
	} {
		resp, err := http.Post(s.URL+"/e", "text/plain", strings.NewReader(body))
		if err != nil || resp.StatusCode != 204 {
			t.Fatalf("event %d: %v %v", i, err, resp)
		}
		resp.Body.Close()
	}
	ctx := context.Background()
	if err := s.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	person, err := s.App.People.ByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	if rec, _ := s.App.Qualifier.Record(ctx, person.ID); rec.Stage != "mql" {
		t.Fatalf("not an MQL: %+v", rec.Verdict)
	}
	mql := person.ID + "-c1"
	deliver(t, s, func() bool { return mqlDelivered(t, s, mql) && hook.count("mql.created") == 1 })
	personURL := s.URL + "/admin/people/" + person.ID

	texts := map[string]string{}
	if task := sf.Task(mql); task != nil {
		texts["Salesforce Task"], _ = task["Description"].(string)
	}
	hs.Lock()
	for _, n := range hs.Notes {
		props, _ := n["properties"].(map[string]any)
		if body, _ := props["hs_note_body"].(string); strings.Contains(body, "baton-mql-"+mql) {
			texts["HubSpot note"] = body
		}
	}
	hs.Unlock()
	rec := kt.Record(email)
	texts["kintone mql_reason"] = rec["mql_reason"]
	if cs := kt.RecordComments(email); len(cs) == 1 {
		texts["kintone comment"] = cs[0].Text
	}
	hook.mu.Lock()
	var lead struct {
		PersonURL string `json:"personUrl"`
		Summary   string `json:"summary"`
	}
	json.Unmarshal(hook.got["mql.created"][0], &lead)
	hook.mu.Unlock()
	texts["webhook summary"] = lead.Summary
	for _, where := range []string{"Salesforce Task", "HubSpot note", "kintone mql_reason", "kintone comment", "webhook summary"} {
		got := texts[where]
		for _, want := range []string{"お問い合わせ内容", end, "部署：営業部", personURL} {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q:\n%s", where, want, got)
			}
		}
	}
	if !strings.Contains(texts["HubSpot note"], `<a href="`+personURL+`">`) {
		t.Errorf("HubSpot note has no link to the person's page:\n%s", texts["HubSpot note"])
	}
	if rec["baton_link"] != personURL {
		t.Errorf("kintone baton_link %q, want %q", rec["baton_link"], personURL)
	}
	if lead.PersonURL != personURL {
		t.Errorf("webhook personUrl %q, want %q", lead.PersonURL, personURL)
	}
}
