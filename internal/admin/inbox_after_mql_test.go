package admin_test

import (
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
)

// TestInboxCardSetsTheActivityAfterTheMQLApart: the card listed what the
// person did after the MQL (newest first, at the top) among the activity
// it qualified on, as if it were part of why. The card lists the activity
// up to the MQL, and the later apart, labelled: MQL の後 / After the MQL,
// for a lead stored with the later lines in its activity too.
func TestInboxCardSetsTheActivityAfterTheMQLApart(t *testing.T) {
	f := newFixture(t)
	fields := map[string]string{"last_name": "田中", "first_name": "一郎", "title": "部長", "employees": "500"}
	at := f.clk.Now()
	qualifyToInbox(t, f, "after-v", "tanaka@maker.example", fields, func(l *push.Lead) {
		l.Activity = []push.Activity{
			{Type: "page_view", URL: "https://www.example.com/careers", At: l.QualifiedAt.Add(2 * time.Hour)}, // stored before AfterMQL was kept
			{Type: "download", URL: "https://www.example.com/a.pdf", At: l.QualifiedAt},
		}
		l.AfterMQL = []push.Activity{{Type: "page_view", URL: "https://www.example.com/recruit", At: l.QualifiedAt.Add(time.Hour)}}
	})
	f.clk.Set(at.Add(3 * time.Hour))
	serveScoring(t, f)
	for lang, label := range map[string]string{"ja": "MQL の後", "en": "After the MQL"} {
		a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", lang, a.code, a.body)
		}
		_, why, _ := strings.Cut(a.body, `class="plain small activity-why"`)
		why, after, found := strings.Cut(why, `<div class="after-mql"`)
		if !found || !strings.Contains(after, `<span class="chip after-handoff">`+label+`</span>`) {
			t.Fatalf("%s: no labelled block of the activity after the MQL:\n%s", lang, a.body)
		}
		if !strings.Contains(why, "a.pdf") || strings.Contains(why, "careers") || strings.Contains(why, "recruit") {
			t.Errorf("%s: the activity up to the MQL holds later lines or lacks its own:\n%s", lang, why)
		}
		after, _, _ = strings.Cut(after, "</div>")
		if i, j := strings.Index(after, "careers"), strings.Index(after, "recruit"); i < 0 || j < 0 || i > j {
			t.Errorf("%s: the later activity, newest first, is not apart:\n%s", lang, after)
		}
	}
}
