package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestStandInsGiveWayToTheValue: a first MQL without a company or a name
// makes a Lead of Company "[not provided]" and LastName the email's local
// part (Salesforce requires both), a kintone record of "[not provided]" in
// a required text field. The person's next MQL gave them, and the record
// kept the stand-ins as if sales had typed them, the values beside them in
// the Task ("kept as sales have it, [not provided]"). The stand-ins are
// Baton's own: the values replace them.
//
// A Japanese team's sales read "[not provided]" on their Leads and kintone
// records, the one English left in what Baton writes for them. It is
// （未入力） there, a stand-in all the same: the person's next MQL replaces
// it, and a record written before in the other language gives way too.
func TestStandInsGiveWayToTheValue(t *testing.T) {
	for _, tc := range []struct {
		lang, other string // the team's language, and the other one
		standIn     string // what Baton writes for a value not given
		notInTask   []string
	}{
		{lang: "", other: "ja", standIn: "[not provided]", notInTask: []string{"not provided", "kept as sales have it"}},
		{lang: "ja", other: "", standIn: "（未入力）", notInTask: []string{"未入力"}},
	} {
		name := tc.lang
		if name == "" {
			name = "en"
		}
		t.Run(name, func(t *testing.T) {
			ctx := push.WithProgress(context.Background(), push.MemProgress{})
			first := lead
			first.Attributes, first.Lang = map[string]string{}, tc.lang
			second := requalified(2)
			second.Lang = tc.lang
			second.Attributes = map[string]string{"last_name": "山田", "company": "サンプル株式会社"}
			second.Last = push.SentHashes(first.Attributes)

			t.Run("salesforce", func(t *testing.T) {
				f := crmfake.NewSalesforce()
				defer f.Close()
				c := sf(f)
				if _, err := c.Push(ctx, first); err != nil {
					t.Fatal(err)
				}
				if l := f.Lead(first.PersonID); l["Company"] != tc.standIn || l["LastName"] != "hanako" {
					t.Fatalf("first Lead %v, want Company %s and LastName hanako", l, tc.standIn)
				}
				if _, err := c.Push(ctx, second); err != nil {
					t.Fatal(err)
				}
				if l := f.Lead(first.PersonID); l["Company"] != "サンプル株式会社" || l["LastName"] != "山田" {
					t.Errorf("Lead %v: want the company and name the person gave over %s", l, tc.standIn)
				}
				d, _ := f.Task(second.MQLID)["Description"].(string)
				for _, s := range tc.notInTask {
					if strings.Contains(d, s) {
						t.Errorf("the Task gives the stand-in as sales' value (%q):\n%s", s, d)
					}
				}
			})
			t.Run("salesforce, a stand-in written before in the other language", func(t *testing.T) {
				f := crmfake.NewSalesforce()
				defer f.Close()
				c := sf(f)
				before := first
				before.Lang = tc.other
				if _, err := c.Push(ctx, before); err != nil {
					t.Fatal(err)
				}
				if _, err := c.Push(ctx, second); err != nil {
					t.Fatal(err)
				}
				if l := f.Lead(first.PersonID); l["Company"] != "サンプル株式会社" {
					t.Errorf("Lead %v: the other language's stand-in kept as sales' value", l)
				}
			})
			t.Run("kintone", func(t *testing.T) {
				f := crmfake.NewKintone()
				defer f.Close()
				c := kt(f)
				c.Fields = map[string]string{"company": "company", "department": "department"}
				f.Lock()
				f.Fields["department"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "department", "label": "部署", "required": true}
				f.Unlock()
				if _, err := c.Push(ctx, first); err != nil {
					t.Fatal(err)
				}
				if r := f.Record(first.Email); r["department"] != tc.standIn {
					t.Fatalf("first record %v, want 部署 %s", r, tc.standIn)
				}
				s := second
				s.Attributes = map[string]string{"department": "情報システム部"}
				if _, err := c.Push(ctx, s); err != nil {
					t.Fatal(err)
				}
				if r := f.Record(first.Email); r["department"] != "情報システム部" {
					t.Errorf("record %v: want the department the person gave over %s", r, tc.standIn)
				}
			})
		})
	}
}
