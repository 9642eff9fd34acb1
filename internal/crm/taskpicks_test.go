package crm_test

import (
	"context"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestSalesforceTaskPicklistsOfTheOrg: Task Status and Priority are the
// org's picklists. An org that replaced "Completed" and "High" (a Japanese
// org's 完了 and 高) refused every MQL's Task after its Lead was written,
// so every MQL went to the dead letters; now the Task is sent again with
// the org's first closed status and first high priority, read once, and
// an activity (an open Task) takes the org's default status. An org with
// no high priority leaves Priority to its default.
func TestSalesforceTaskPicklistsOfTheOrg(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	f.TaskStatuses, f.ClosedTaskStatuses = []string{"未着手", "対応中", "完了", "見送り"}, []string{"完了", "見送り"}
	f.TaskPriorities, f.HighTaskPriorities, f.DefaultTaskPriority = []string{"低", "中", "高", "最優先"}, []string{"高", "最優先"}, "中"
	c := sf(f)
	c.AccountKey = "Baton_Account_Id__c"
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatalf("the org's own Task picklists: %v", err)
	}
	if task := f.Task(lead.MQLID); task["Status"] != "完了" || task["Priority"] != "高" {
		t.Fatalf("MQL Task %v %v, want the first closed status 完了 and the first high priority 高", task["Status"], task["Priority"])
	}
	if _, err := c.PushAccount(ctx, mqa); err != nil {
		t.Fatalf("MQA: %v", err)
	}
	if task := f.Task(mqa.ID); task["Status"] != "完了" || task["Priority"] != "高" {
		t.Fatalf("MQA Task %v %v", task["Status"], task["Priority"])
	}
	a := push.FormActivity{ID: lead.MQLID + "-f1", MQLID: lead.MQLID, PersonID: lead.PersonID, Email: lead.Email, Type: "form_submit", Title: "お問い合わせ", At: lead.QualifiedAt.AddDate(0, 0, 3)}
	if _, err := c.PushActivity(ctx, a); err != nil {
		t.Fatalf("activity: %v", err)
	}
	if task := f.Task(a.ID); task["Status"] != "未着手" || task["Priority"] != "高" {
		t.Fatalf("activity Task %v %v, want the org's default status (a to-do) and its high priority", task["Status"], task["Priority"])
	}
	if n := f.Calls["GET query"]; n != 2 {
		t.Errorf("the org's Task picklists read with %d queries, want 2 (status and priority, once)", n)
	}

	g := crmfake.NewSalesforce()
	defer g.Close()
	g.TaskPriorities, g.HighTaskPriorities, g.DefaultTaskPriority = []string{"Normal", "Low"}, nil, "Normal"
	if _, err := sf(g).Push(ctx, lead); err != nil {
		t.Fatalf("no high priority: %v", err)
	}
	if task := g.Task(lead.MQLID); task["Status"] != "Completed" || task["Priority"] != "Normal" {
		t.Fatalf("no high priority: Task %v %v, want Completed and the default Normal", task["Status"], task["Priority"])
	}
}
