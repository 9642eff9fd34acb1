package crm_test

import (
	"context"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// jaLead is a lead whose summary is written in Japanese (sfa.language: ja)
// with a title longer than Salesforce's Title and a company longer than
// the kintone app's 会社名.
func jaLead() push.Lead {
	l := lead
	l.Lang = "ja"
	l.Attributes = map[string]string{"name": "山田 太郎", "company": strings.Repeat("株式会社アクメ", 10), "title": strings.TrimSpace(strings.Repeat("情報システム部 部長 ", 13))}
	return l
}

// TestNotesInTheSummarysLanguage: what a connector says it cut or left out
// of the lead is worded in the language of the summary it follows: a
// Japanese Task, note or record read 行動スコア … then "Not on the Lead as
// Baton has it: Title (cut to 128 characters)". A field is named by its
// attribute's Japanese name, the field's own after it (役職［Title］), as
// kintone's by its label: "Title（128 文字に切り詰め）" named it by its API
// name alone; a field of no such name (a custom one's) keeps its own.
func TestNotesInTheSummarysLanguage(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewSalesforce()
	defer f.Close()
	l := jaLead()
	if _, err := sf(f).Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	desc := f.Task(l.MQLID)["Description"].(string)
	for _, want := range []string{"行動スコア", "リードに入りきらなかった値（Baton が受け取ったまま）：\n役職［Title］（128 文字に切り詰め）：" + l.Attributes["title"]} {
		if !strings.Contains(desc, want) {
			t.Errorf("Salesforce Task lacks %q:\n%s", want, desc)
		}
	}

	h := crmfake.NewHubSpot()
	defer h.Close()
	hl := l
	hl.Attributes = map[string]string{"notes": strings.Repeat("あ", crmfake.HSMaxValue+1)}
	c := hs(h)
	c.Fields = map[string]string{"notes": "baton_notes"}
	if _, err := c.Push(push.WithProgress(ctx, push.MemProgress{}), hl); err != nil {
		t.Fatal(err)
	}
	body := h.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	if want := "コンタクトに入りきらなかった値（Baton が受け取ったまま）：\nbaton_notes（65536 文字に切り詰め、以降は入れていません）"; !strings.Contains(body, want) {
		t.Errorf("HubSpot note lacks %q:\n%.600s", want, body)
	}

	k := crmfake.NewKintone()
	defer k.Close()
	kc := kt(k)
	kc.Fields = map[string]string{"company": "company", "mql_summary": "mql_reason"}
	if _, err := kc.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	sum := k.Record(l.Email)["mql_reason"]
	if want := "レコードに入りきらなかった値（Baton が受け取ったまま）：\n会社名（64 文字に切り詰め）：" + l.Attributes["company"]; !strings.Contains(sum, want) {
		t.Errorf("kintone summary lacks %q:\n%s", want, sum)
	}
	for _, text := range []string{desc, body, sum} {
		if strings.Contains(text, "as Baton has it") || strings.Contains(text, "cut to") {
			t.Errorf("English among the Japanese:\n%.800s", text)
		}
	}
}

// TestNotesLinkOnlyOwnSites: what a connector says it cut or left out
// quotes the person's value whole, a form's (anyone can submit one), into
// the Task's description and kintone's summary field, which show a URL as
// a link; an off-site URL in it was written as it came. It is marked and
// no link, as the summary's are; one on the team's sites stays.
func TestNotesLinkOnlyOwnSites(t *testing.T) {
	ctx := context.Background()
	l := lead
	l.Sites = []string{"www.example.com"}
	long := "see https://evil.example/login " + strings.Repeat("x", 130) + " https://www.example.com/team"
	l.Attributes = map[string]string{"title": long, "company": long}
	check := func(what, text string) {
		t.Helper()
		if strings.Contains(text, "evil.example") || !strings.Contains(text, "see [other site, unverified] evil[.]example/login x") || !strings.Contains(text, " https://www.example.com/team") {
			t.Errorf("%s does not mark the off-site URL of the value it quotes:\n%s", what, text)
		}
	}
	f := crmfake.NewSalesforce()
	defer f.Close()
	if _, err := sf(f).Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	check("the Salesforce Task", f.Task(l.MQLID)["Description"].(string))

	k := crmfake.NewKintone()
	defer k.Close()
	kc := kt(k)
	kc.Fields = map[string]string{"company": "company", "mql_summary": "mql_reason"}
	if _, err := kc.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	check("the kintone summary field", k.Record(l.Email)["mql_reason"])
}
