package crm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestJapaneseTaskReadsAsJapanese: what a Japanese rep reads in the
// Salesforce Task and the HubSpot note for a ja team: the subject of a
// first MQL said "MQL: 行動…" with a code's colon where a second MQL's said
// "再度の MQL（2 回目）：…", and the text never said when the lead
// qualified (only the activity's times): the rep could not tell which line
// made the MQL. Now the subject is "MQL：…", and the text says the
// reason, the MQL's time in JST and the scores, with no ": " left.
func TestJapaneseTaskReadsAsJapanese(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	l := lead
	l.Lang, l.Label, l.Sites = "ja", "行動・適合度ともに高い", []string{"www.example.com"}
	l.QualifiedAt = l.QualifiedAt.In(jst)
	l.Activity = []push.Activity{{Type: "download", URL: "https://www.example.com/a.pdf", At: l.QualifiedAt.Add(-time.Hour)}}
	check := func(where, subject, text string) {
		t.Helper()
		if subject != "MQL：行動・適合度ともに高い" {
			t.Errorf("%s: subject %q", where, subject)
		}
		for _, want := range []string{"MQL（行動・適合度ともに高い）：行動スコア 63 ≥ 40／グレード A\n", "MQL になった日時：2026-11-24 19:00 JST\n", "行動スコア 63、適合度 50（グレード A）\n", "- 2026-11-24 18:00 ダウンロード https://www.example.com/a.pdf\n"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: text lacks %q:\n%s", where, want, text)
			}
		}
		if strings.Contains(strings.ReplaceAll(text, "https://", ""), ": ") {
			t.Errorf("%s: English punctuation left in the Japanese text:\n%s", where, text)
		}
	}

	sfFake := crmfake.NewSalesforce()
	defer sfFake.Close()
	if _, err := sf(sfFake).Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	task := sfFake.Tasks[l.MQLID]
	check("Salesforce", task["Subject"].(string), task["Description"].(string))

	hsFake := crmfake.NewHubSpot()
	defer hsFake.Close()
	if _, err := hs(hsFake).Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	body := hsFake.Notes[0]["properties"].(map[string]any)["hs_note_body"].(string)
	head, text, _ := strings.Cut(strings.TrimPrefix(body, "<p><b>"), "</b></p><pre>")
	check("HubSpot", head, text)

	// A form after the MQL, as the rep reads it on the record.
	a := push.FormActivity{Type: "form_submit", Title: "お見積もり", At: l.QualifiedAt.Add(24 * time.Hour), Lang: "ja", MQLAt: l.QualifiedAt,
		Attributes: map[string]string{"department": "営業部"}}
	if s := a.Summary(); !strings.Contains(s, "部署：営業部\n") || strings.Contains(s, ": ") {
		t.Errorf("the form after the MQL, in Japanese:\n%s", s)
	}
}
