package admin_test

import (
	"encoding/csv"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/audit"
	"github.com/baton-hq/baton/internal/table"
)

// TestAuditSaysWhatARefusedFormDid: the inbox's 差し戻し without its
// reason said on the page 「…は記録していません。理由を入力してください」,
// and the audit trail recorded 「営業の判定 POST /admin/people/{id}/outcome
// 完了 303」, as a verdict recorded: a form's refusal answers 303 back to
// its page, as its success does. The trail says what the handler did:
// refused (with why), not applied (with why) or failed, on the JSON, the
// page and the CSV, in English and Japanese; a verdict recorded is done.
func TestAuditSaysWhatARefusedFormDid(t *testing.T) {
	f := newFixture(t)
	il := qualifyToInbox(t, f, "audit-v", "audit@maker.example", map[string]string{"title": "部長", "employees": "500"}, nil)
	serveScoring(t, f)
	dl := &deadLetters{}
	f.h.Deliveries.Queue = dl
	cookie, csrf := f.login(fullToken)
	form := func(path string, v url.Values) {
		t.Helper()
		v.Set("csrf", csrf)
		if a := f.req("POST", path, v.Encode(), "Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded"); a.code != 303 {
			t.Fatalf("%s %v: %d %s", path, v, a.code, a.body)
		}
	}
	verdict := "/admin/people/" + il.P.ID + "/outcome"
	form(verdict, url.Values{"outcome": {"rejected"}, "why": {" "}, "mql": {il.M.ID}, "back": {"inbox"}}) // refused: no reason
	form(verdict, url.Values{"outcome": {"accepted"}, "mql": {il.M.ID}, "back": {"inbox"}})               // recorded
	form(verdict, url.Values{"outcome": {"accepted"}, "mql": {il.M.ID}, "back": {"inbox"}})               // the same again: not applied
	dl.err = fmt.Errorf("deadletter: d-1: %w", table.ErrNotFound)
	form("/admin/deadletters/d-1/replay", url.Values{}) // refused: no such dead letter
	dl.err = errors.New("SQS: ReceiveMessage: 500")
	form("/admin/deadletters/d-2/replay", url.Values{}) // failed

	type row struct{ route, result, reason string }
	want := []row{ // newest first
		{"POST /admin/deadletters/{id}/replay", audit.ResultFailed, ""},
		{"POST /admin/deadletters/{id}/replay", audit.ResultRefused, "no such dead letter"},
		{"POST /admin/people/{id}/outcome", audit.ResultNotApplied, "recorded already"},
		{"POST /admin/people/{id}/outcome", "", ""},
		{"POST /admin/people/{id}/outcome", audit.ResultRefused, "no reason given"},
		{"POST /admin/login", "", ""},
	}
	p := f.auditPage("")
	if len(p.Entries) != len(want) {
		t.Fatalf("entries %+v", p.Entries)
	}
	for i, e := range p.Entries {
		if got := (row{e.Route, e.Result, e.Reason}); got != want[i] || e.Status != 303 {
			t.Errorf("entry %d: %+v %d, want %+v 303", i, got, e.Status, want[i])
		}
	}

	// The page: each row's result in its language, and "done" only for
	// the verdict recorded (and the sign-in).
	for lang, words := range map[string][]string{
		"en": {"Failed", "Refused: no such dead letter", "Not applied: recorded already", "Done", "Refused: no reason given", "Done"},
		"ja": {"失敗", "拒否：該当するデッドレターなし", "未反映：同じ判定を記録済み", "完了", "拒否：理由の入力なし", "完了"},
	} {
		a := f.req("GET", "/admin/audit?lang="+lang, "", "Cookie", cookie, "Accept", "text/html")
		var got []string
		for _, part := range strings.Split(a.body, `data-l="`)[1:] {
			if cell, ok := strings.CutPrefix(part, map[string]string{"en": "Result", "ja": "結果"}[lang]+`"><span class="chip `); ok {
				_, text, _ := strings.Cut(cell, `">`)
				text, _, _ = strings.Cut(text, "</span>")
				got = append(got, text)
			}
		}
		if strings.Join(got, "|") != strings.Join(words, "|") {
			t.Errorf("%s: the page's results %q, want %q", lang, got, words)
		}
	}
	// "Refused requests" keeps the refusals and the failure, not the
	// verdict that changed nothing.
	if r := f.auditPage("?action=refused"); len(r.Entries) != 3 || r.Entries[2].Reason != "no reason given" {
		t.Errorf("action=refused: %+v", r.Entries)
	}

	// The CSV: a result column, last (the others stay where they were).
	for lang, words := range map[string][]string{
		"en": {"result", "Failed", "Refused", "Not applied", "Done", "Refused", "Done"},
		"ja": {"結果", "失敗", "拒否", "未反映", "完了", "拒否", "完了"},
	} {
		a := f.req("GET", "/admin/audit?format=csv&lang="+lang, "", "Authorization", "Bearer "+readToken)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
		if err != nil || len(recs) != len(words) {
			t.Fatalf("%s CSV: %v %q", lang, err, a.body)
		}
		for i, rec := range recs {
			if len(rec) != 12 || rec[11] != words[i] {
				t.Errorf("%s CSV row %d: %q, want result %q", lang, i, rec, words[i])
			}
		}
		if recs[5][7] != map[string]string{"en": "no reason given", "ja": "理由の入力なし"}[lang] {
			t.Errorf("%s CSV: the refusal's reason %q", lang, recs[5][7])
		}
	}
}
