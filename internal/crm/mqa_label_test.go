package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestMQASubjectIsItsLabel: a Japanese rep's ToDo read "MQA:
// buying-group-active", the rules file's machine name. With a label
// (the rules file's mqa.label, set by delivery) Salesforce's Task subject
// and HubSpot's note and the summary name the MQA by it.
func TestMQASubjectIsItsLabel(t *testing.T) {
	m := mqa
	m.Lang, m.Label = "ja", "購買グループが活動中"

	s := crmfake.NewSalesforce()
	defer s.Close()
	c := sf(s)
	c.AccountKey = "Baton_Account_Id__c"
	if _, err := c.PushAccount(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	task := s.Task(m.ID)
	if task["Subject"] != "MQA: 購買グループが活動中" || !strings.Contains(task["Description"].(string), "MQA（購買グループが活動中）：") {
		t.Errorf("Salesforce Task subject %q, description:\n%v", task["Subject"], task["Description"])
	}

	h := crmfake.NewHubSpot()
	defer h.Close()
	if _, err := hs(h).PushAccount(push.WithProgress(context.Background(), push.MemProgress{}), m); err != nil {
		t.Fatal(err)
	}
	body := h.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	if !strings.Contains(body, "MQA: 購買グループが活動中") || strings.Contains(body, "buying-group-active") {
		t.Errorf("HubSpot note:\n%s", body)
	}
}
