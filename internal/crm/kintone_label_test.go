package crm_test

import (
	"context"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
)

// TestKintoneConditionIsItsLabel: a Japanese rep's kintone record said
// "hot-and-fit" in its mql_condition field, the rules file's machine name,
// where Salesforce's Task and HubSpot's note say the condition's label.
// The field (and the MQA app's mqa_condition) now holds the label in the
// team's language, the name only for a condition without one.
func TestKintoneConditionIsItsLabel(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	c := kt(f)
	l := lead
	l.Lang, l.Label = "ja", "高関心かつ条件合致"
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if got := f.Record(l.Email)["mql_reason"]; got != "高関心かつ条件合致" {
		t.Errorf("mql_condition field %q, want the label", got)
	}

	m := mqa
	m.Lang, m.Label = "ja", "購買グループが活動中"
	c.AccountApp, c.AccountKeyField = f.AccountApp, f.AccountKeyField
	c.AccountFields = map[string]string{"mqa_condition": "reason"}
	if _, err := c.PushAccount(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := f.AccountRecord(m.ID)["reason"]; got != "購買グループが活動中" {
		t.Errorf("mqa_condition field %q, want the label", got)
	}

	// Without a label: the name, as before.
	m.ID, m.Label = m.ID+"x", ""
	if _, err := c.PushAccount(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := f.AccountRecord(m.ID)["reason"]; got != "buying-group-active" {
		t.Errorf("mqa_condition field without a label %q, want the name", got)
	}
}
