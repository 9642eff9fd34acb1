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
func TestStandInsGiveWayToTheValue(t *testing.T) {
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	first := lead
	first.Attributes = map[string]string{}
	second := requalified(2)
	second.Attributes = map[string]string{"last_name": "山田", "company": "サンプル株式会社"}
	second.Last = push.SentHashes(first.Attributes)

	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		if _, err := c.Push(ctx, first); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(first.PersonID); l["Company"] != "[not provided]" || l["LastName"] != "hanako" {
			t.Fatalf("first Lead %v", l)
		}
		if _, err := c.Push(ctx, second); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(first.PersonID); l["Company"] != "サンプル株式会社" || l["LastName"] != "山田" {
			t.Errorf("Lead %v: want the company and name the person gave over Baton's stand-ins", l)
		}
		if d, _ := f.Task(second.MQLID)["Description"].(string); strings.Contains(d, "not provided") || strings.Contains(d, "kept as sales have it") {
			t.Errorf("the Task gives the stand-ins as sales' values:\n%s", d)
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
		if r := f.Record(first.Email); r["department"] != "[not provided]" {
			t.Fatalf("first record %v", r)
		}
		s := second
		s.Attributes = map[string]string{"department": "情報システム部"}
		if _, err := c.Push(ctx, s); err != nil {
			t.Fatal(err)
		}
		if r := f.Record(first.Email); r["department"] != "情報システム部" {
			t.Errorf("record %v: want the department the person gave over Baton's stand-in", r)
		}
	})
}

// TestStandInsInTheTeamsLanguage: a Japanese team's sales read
// "[not provided]" on their Leads and kintone records, the one English
// left in what Baton writes for them. It is （未入力） there, a stand-in all
// the same: the person's next MQL replaces it, and a record written before
// in the other language gives way too.
func TestStandInsInTheTeamsLanguage(t *testing.T) {
	ctx := push.WithProgress(context.Background(), push.MemProgress{})
	first := lead
	first.Attributes, first.Lang = map[string]string{}, "ja"
	second := requalified(2)
	second.Lang = "ja"
	second.Attributes = map[string]string{"last_name": "山田", "company": "サンプル株式会社"}
	second.Last = push.SentHashes(first.Attributes)

	t.Run("salesforce", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		if _, err := c.Push(ctx, first); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(first.PersonID); l["Company"] != "（未入力）" {
			t.Fatalf("a Japanese team's first Lead %v, want Company （未入力）", l)
		}
		if _, err := c.Push(ctx, second); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(first.PersonID); l["Company"] != "サンプル株式会社" || l["LastName"] != "山田" {
			t.Errorf("Lead %v: want the company and name the person gave over （未入力）", l)
		}
		if d, _ := f.Task(second.MQLID)["Description"].(string); strings.Contains(d, "未入力") {
			t.Errorf("the Task gives the stand-in as sales' value:\n%s", d)
		}
	})
	t.Run("salesforce, an English stand-in written before", func(t *testing.T) {
		f := crmfake.NewSalesforce()
		defer f.Close()
		c := sf(f)
		en := first
		en.Lang = ""
		if _, err := c.Push(ctx, en); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Push(ctx, second); err != nil {
			t.Fatal(err)
		}
		if l := f.Lead(first.PersonID); l["Company"] != "サンプル株式会社" {
			t.Errorf("Lead %v: an English stand-in kept as sales' value on a Japanese team", l)
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
		if r := f.Record(first.Email); r["department"] != "（未入力）" {
			t.Fatalf("a Japanese team's first record %v, want 部署 （未入力）", r)
		}
		s := second
		s.Attributes = map[string]string{"department": "情報システム部"}
		if _, err := c.Push(ctx, s); err != nil {
			t.Fatal(err)
		}
		if r := f.Record(first.Email); r["department"] != "情報システム部" {
			t.Errorf("record %v: want the department the person gave over （未入力）", r)
		}
	})
}
