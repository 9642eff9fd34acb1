package crm_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/crm"
	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestKintoneCheckUpdateKey: at start-up the form says whether the email
// field can be the update key; kintone refuses one that cannot (a LINK
// field) with CB_VA01, which the check names before any MQL is lost.
func TestKintoneCheckUpdateKey(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	if err := kt(f).Check(ctx); err != nil {
		t.Fatalf("a unique text field: %v", err)
	}
	cases := []struct {
		field string
		setup func()
		want  []string
	}{
		{"e_mail", func() {}, []string{`"e_mail"`, "no field", "email"}},
		{"mail_link", func() {}, []string{`"mail_link"`, "LINK", "SINGLE_LINE_TEXT"}},
		{"company", func() {}, []string{`"company"`, "duplicate", "unique"}},
	}
	for _, tc := range cases {
		c := kt(f)
		c.EmailField = tc.field
		err := c.Check(ctx)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want it to say %q", tc.field, err, w)
			}
		}
	}
	// What kintone does without the check: the push is refused.
	f.EmailField = "mail_link"
	c := kt(f)
	c.EmailField = "mail_link"
	if pe := perr(t, func() error { _, err := c.Push(ctx, lead); return err }()); pe.Code != "CB_VA01" || !pe.Permanent || !strings.Contains(pe.Message, "updateKey") {
		t.Fatalf("updateKey on a LINK field: %+v", pe)
	}
	// A wrong token is a definite answer; an outage is not.
	bad := kt(f)
	bad.APIToken = "wrong"
	var pe *push.Error
	if err := bad.Check(ctx); err == nil || !strings.Contains(err.Error(), "GAIA_IA02") {
		t.Fatalf("bad token: %v", err)
	}
	f.Fail(1, crmfake.Fault{Status: 503, Body: `{"code":"GAIA_UN03","id":"x","message":"メンテナンス中です。"}`})
	if err := kt(f).Check(ctx); err == nil || !func() bool { pe = perr(t, err); return !pe.Permanent }() {
		t.Fatalf("outage: %v", err)
	}
}

// TestKintoneTryAgainLater: GAIA_RE18 and GAIA_DA02 ask to try again later.
func TestKintoneTryAgainLater(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	for _, fault := range []crmfake.Fault{{Status: 400, Body: crmfake.KintoneRetryLater}, {Status: 409, Body: crmfake.KintoneDBLocked}} {
		f.Fail(1, fault)
		if pe := perr(t, func() error { _, err := kt(f).Push(context.Background(), lead); return err }()); pe.Permanent {
			t.Fatalf("%s: permanent", pe.Code)
		}
	}
	if _, err := kt(f).Push(context.Background(), lead); err != nil {
		t.Fatal(err)
	}
}

// TestKintone520ByCode: kintone answers 520 for errors it has no HTTP
// status for, with its usual {code, id, message}. The code decides: a
// refused value, no permission, an app that is gone fail for good with the
// code and message (no endless retry); too many requests, "try again
// later", a database lock are retried; a 520 that is not kintone's (no
// code: a proxy's unknown error) is retried too; a code Baton does not
// know is retried a bounded number of times (at 400 too).
func TestKintone520ByCode(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	for _, tc := range []struct {
		status           int
		body, code, says string
		permanent        bool
		bounded          bool
	}{
		{520, crmfake.KintoneNoPermission, "CB_NO02", "権限がありません", true, false},
		{520, crmfake.KintoneAppNotFound, "GAIA_AP01", "見つかりません", true, false},
		{520, crmfake.KintoneValidation, "CB_VA01", "必須です", true, false},
		{520, crmfake.KintoneTooMany, "GAIA_TM12", "", false, false},
		{520, crmfake.KintoneRetryLater, "GAIA_RE18", "", false, false},
		{520, crmfake.KintoneDBLocked, "GAIA_DA02", "", false, false},
		{520, "<html>520: Web server is returning an unknown error</html>", "", "", false, false},
		{520, crmfake.KintoneNewCode, "GAIA_ZZ99", "一時的に処理できません", false, true},
		{400, crmfake.KintoneNewCode, "GAIA_ZZ99", "一時的に処理できません", false, true},
		{403, crmfake.KintoneNewCode, "GAIA_ZZ99", "一時的に処理できません", true, false},  // the status says: not allowed
		{503, crmfake.KintoneNewCode, "GAIA_ZZ99", "一時的に処理できません", false, false}, // the status says: unavailable
	} {
		f.Fail(1, crmfake.Fault{Status: tc.status, Body: tc.body})
		pe := perr(t, func() error { _, err := kt(f).Push(ctx, lead); return err }())
		if pe.Permanent != tc.permanent || pe.Code != tc.code || pe.Status != tc.status || !strings.Contains(pe.Error(), tc.says) || (pe.MaxAttempts > 0) != tc.bounded {
			t.Errorf("%d %s: %+v, want permanent %v, bounded %v", tc.status, tc.code, pe, tc.permanent, tc.bounded)
		}
		if !tc.permanent && pe.RetryAfter != 0 {
			t.Errorf("520 %s: Retry-After %v without the header", tc.code, pe.RetryAfter)
		}
	}
	// Reading the form (the start-up check) classifies the same way.
	f.Fail(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneNoPermission})
	if pe := perr(t, kt(f).Check(ctx)); !pe.Permanent || pe.Code != "CB_NO02" {
		t.Fatalf("form read: %+v", pe)
	}
	f.Fail(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneTooMany})
	if pe := perr(t, kt(f).Check(ctx)); pe.Permanent {
		t.Fatalf("form read: %+v", pe)
	}
	f.Fail(1, crmfake.Fault{Status: crmfake.KintoneUnknownStatus, Body: crmfake.KintoneNewCode})
	if pe := perr(t, kt(f).Check(ctx)); pe.Permanent || pe.MaxAttempts == 0 {
		t.Fatalf("form read: %+v", pe)
	}
	if _, err := kt(f).Push(ctx, lead); err != nil || f.Record(lead.Email) == nil {
		t.Fatalf("after the faults: %v", err)
	}
}

// TestKintoneRedirectIsNotDelivered: a 3xx is a transient failure.
func TestKintoneRedirectIsNotDelivered(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fail(1, crmfake.Fault{Status: 307, Headers: map[string]string{"Location": f.URL + "/k/v1/records.json"}})
	_, err := kt(f).Push(context.Background(), lead)
	if pe := perr(t, err); pe.Permanent || pe.Status != 307 || len(f.Records) != 0 {
		t.Fatalf("%+v", pe)
	}
}

// TestKintoneFitsTheAppsForm: kintone refuses a whole record (CB_VA01) for
// one value its form does not take: text over the field's 文字数 limit, a
// number field given "約1,200名", a drop-down given a value not among its
// options, a required field a new lead has no value for. The lead is
// still delivered: the text cut on a character, what does not fit left
// out (a required text field marked [not provided]), and the MQL reason
// field lists what was not kept as Baton has it.
func TestKintoneFitsTheAppsForm(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	f.Lock()
	f.Fields["department"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "department", "label": "部署", "required": true}
	f.Unlock()
	c := kt(f)
	c.Fields = map[string]string{"company": "company", "last_name": "name", "employees": "employees", "industry": "industry", "department": "department", "mql_summary": "mql_reason"}
	l := lead
	l.Attributes = map[string]string{"last_name": "山田", "company": strings.Repeat("株式会社サンプル", 9) + "𠮷", "employees": "約1,200名", "industry": "製造"}
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	r := f.Record(l.Email)
	if r["company"] != string([]rune(l.Attributes["company"])[:64]) || r["name"] != "山田" || r["department"] != "[not provided]" {
		t.Fatalf("record %v", r)
	}
	if _, ok := r["employees"]; ok {
		t.Errorf("employees %q kept", r["employees"])
	}
	if _, ok := r["industry"]; ok {
		t.Errorf("industry %q kept", r["industry"])
	}
	for _, want := range []string{"MQL (hot-and-fit)", l.Attributes["company"], "約1,200名", "製造"} {
		if !strings.Contains(r["mql_reason"], want) {
			t.Errorf("MQL reason lacks %q: %q", want, r["mql_reason"])
		}
	}
	// The next MQL of the same lead updates the record: a required field
	// it already has is not overwritten.
	f.Lock()
	f.Records[l.Email]["department"] = "営業部"
	f.Unlock()
	l.MQLID = l.PersonID + "-c2"
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	if r := f.Record(l.Email); r["department"] != "営業部" {
		t.Fatalf("department %q", r["department"])
	}
}

// TestKintoneMQAFitsTheForm: an MQA of a company whose name is over the
// MQA app's 会社名 limit is recorded with the name cut on a character, the
// summary field giving it whole.
func TestKintoneMQAFitsTheForm(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Lock()
	f.AccountFields["company"]["maxLength"] = "32"
	f.Unlock()
	c := kt(f)
	c.AccountApp, c.AccountKeyField = f.AccountApp, f.AccountKeyField
	c.AccountFields = map[string]string{"mqa_summary": "reason", "company": "company"}
	m := mqa
	m.Name = strings.Repeat("長い名前の株式会社", 5)
	if _, err := c.PushAccount(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := f.AccountRecord(m.ID)
	if r["company"] != string([]rune(m.Name)[:32]) || !strings.Contains(r["reason"], m.Name) || !strings.Contains(r["reason"], "MQA (buying-group-active)") {
		t.Fatalf("record %v", r)
	}
}

// TestKintoneKeyIsNeverFitted: kintone refusing the update key's value
// (an email over the field's limit) is a dead letter naming it; the key is
// never cut nor replaced with a stand-in.
func TestKintoneKeyIsNeverFitted(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Lock()
	f.Fields["email"]["maxLength"] = "15"
	f.Unlock()
	pe := perr(t, func() error { _, err := kt(f).Push(context.Background(), lead); return err }())
	if !pe.Permanent || pe.Code != "CB_VA01" || !strings.Contains(pe.Message, "record.email.value") || len(f.Records) != 0 {
		t.Fatalf("%+v, records %v", pe, f.Records)
	}
}

// TestKintoneForgetSaysWhy: an erasure kintone refuses is reported with
// kintone's code and message, judged as a write's refusal (a lost
// permission is not retried for ever); a redirect is named; a record
// whose email needs escaping in kintone's query is still found.
func TestKintoneForgetSaysWhy(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	c := kt(f)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	f.Fail(1, crmfake.Fault{Status: 403, Body: crmfake.KintoneNoPermission})
	pe := perr(t, c.Forget(ctx, lead.PersonID, lead.Email))
	if pe.Code != "CB_NO02" || !pe.Permanent || !strings.Contains(pe.Message, "権限がありません") || !strings.Contains(pe.Message, "finding the person's record") {
		t.Fatalf("refused lookup: %+v", pe)
	}
	f.Fail(1, crmfake.Fault{Status: 307, Headers: map[string]string{"Location": f.URL + "/k/v1/records.json"}})
	if pe := perr(t, c.Forget(ctx, lead.PersonID, lead.Email)); pe.Code != "REDIRECT" {
		t.Fatalf("redirected lookup: %+v", pe)
	}
	if f.Record(lead.Email) == nil {
		t.Fatal("the record is gone though kintone refused")
	}
	if err := c.Forget(ctx, lead.PersonID, lead.Email); err != nil || f.Record(lead.Email) != nil {
		t.Fatalf("forgetting once kintone answers: %v, record %v", err, f.Record(lead.Email))
	}
	odd := `o"hara\x@example.com`
	f.AddRecord(odd, map[string]string{"name": "オハラ"})
	if err := c.Forget(ctx, "p-odd", odd); err != nil {
		t.Fatal(err)
	}
	if f.Record(odd) != nil {
		t.Fatalf("the record of %s is still in kintone", odd)
	}
}

// TestKintoneSummaryFitsItsField: a summary mapped to a 文字列（1行） with
// a 文字数 limit it is over is cut to it, saying so, with what was cut
// from the other fields: it was sent again whole, with that list, and
// kintone refused it again, the lead dead for a field's length.
func TestKintoneSummaryFitsItsField(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Lock()
	f.Fields["mql_reason"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "mql_reason", "label": "MQL理由", "maxLength": "100"}
	f.Unlock()
	c := kt(f)
	c.Fields = map[string]string{"company": "company", "mql_summary": "mql_reason"}
	for i, company := range []string{"株式会社アクメ", strings.Repeat("株式会社アクメ", 10)} {
		l := lead
		l.Email, l.MQLID = fmt.Sprintf("taro%d@example.co.jp", i), fmt.Sprintf("p_taro%d-c1", i)
		l.Attributes = map[string]string{"company": company}
		l.Activity = []push.Activity{{Type: "download", Title: strings.Repeat("導入事例集😀", 20), URL: "https://www.example.com/a.pdf", At: l.QualifiedAt}}
		if _, err := c.Push(context.Background(), l); err != nil {
			t.Fatalf("%s: %v", company, err)
		}
		sum := f.Record(l.Email)["mql_reason"]
		if n := utf16Len(sum); n > 100 || !utf8.ValidString(sum) || !strings.HasPrefix(sum, "MQL (hot-and-fit)") || !strings.Contains(sum, "[cut to fit the field]") {
			t.Errorf("%s: summary (%d units) %q", company, n, sum)
		}
		if cut := strings.Contains(sum, "会社名 (cut to 64"); cut != (i == 1) {
			t.Errorf("%s: summary %q", company, sum)
		}
	}
}

// TestKintoneQualifiedAtByFieldKind: qualified_at goes to a field as its
// kind takes it: a DATETIME field in UTC (kintone shows it in each user's
// zone), a DATE field the day in the configured zone, a TIME field the
// time, a text field both with the zone's name. It was the UTC datetime
// everywhere: 9 hours off in a text field read in Japan, and a DATE
// field refused it with the whole record (the lead lost).
func TestKintoneQualifiedAtByFieldKind(t *testing.T) {
	ctx := context.Background()
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fields["q_datetime"] = map[string]any{"type": "DATETIME", "code": "q_datetime", "label": "MQL日時", "required": false}
	f.Fields["q_date"] = map[string]any{"type": "DATE", "code": "q_date", "label": "MQL日", "required": false}
	f.Fields["q_time"] = map[string]any{"type": "TIME", "code": "q_time", "label": "MQL時刻", "required": false}
	f.Fields["q_text"] = map[string]any{"type": "SINGLE_LINE_TEXT", "code": "q_text", "label": "MQL日時（文字）", "required": false}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	l := lead
	l.QualifiedAt = time.Date(2026, 12, 4, 23, 30, 0, 0, time.UTC) // 12/5 08:30 in Japan
	for code, want := range map[string]string{"q_datetime": "2026-12-04T23:30:00Z", "q_date": "2026-12-05", "q_time": "08:30", "q_text": "2026-12-05 08:30 JST"} {
		c := kt(f)
		c.Loc = tokyo
		c.Fields["qualified_at"] = code
		l.Email = code + "@example.co.jp"
		if _, err := c.Push(ctx, l); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		if got := f.Record(l.Email)[code]; got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	// A field of a kind no time fits (a number) is left out, said in the
	// summary; the lead is in.
	c := kt(f)
	delete(c.Fields, "mql_condition")
	c.Fields["mql_summary"] = "mql_reason"
	c.Fields["qualified_at"] = "employees"
	l.Email = "number@example.co.jp"
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	if rec := f.Record(l.Email); rec["employees"] != "" || !strings.Contains(rec["mql_reason"], "従業員数") {
		t.Errorf("qualified_at to a number field: %q, summary %q", rec["employees"], rec["mql_reason"])
	}
}

// TestKintoneRefusedDateIsLeftOut: a value a DATE field does not take (an
// attribute sent as the person wrote it) is left out, said in the summary,
// rather than the whole record refused and the lead lost.
func TestKintoneRefusedDateIsLeftOut(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fields["founded"] = map[string]any{"type": "DATE", "code": "founded", "label": "設立日", "required": false}
	c := kt(f)
	delete(c.Fields, "mql_condition")
	c.Fields["mql_summary"] = "mql_reason"
	c.Fields["founded"] = "founded"
	l := lead
	l.Attributes = map[string]string{"company": "サンプル株式会社", "founded": "昭和50年"}
	if _, err := c.Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	rec := f.Record(l.Email)
	if rec == nil || rec["founded"] != "" || !strings.Contains(rec["mql_reason"], "設立日") || !strings.Contains(rec["mql_reason"], "昭和50年") {
		t.Fatalf("record %v", rec)
	}
}

// TestKintoneCommentPerMQL: with comment set, each MQL's summary is a
// comment on the lead's record, addressed to the mentioned users: the
// record's mql_summary keeps only the latest MQL's, its comments every
// one. A delivery retried posts its comment once, also when kintone's
// answer to it was lost.
func TestKintoneCommentPerMQL(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	c := kt(f)
	c.Comment = true
	c.CommentMentions = []crm.KintoneMention{{Code: "sato", Type: "USER"}}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	l := lead
	l.Lang = "ja"
	first := push.MemProgress{}
	ctx := push.WithProgress(context.Background(), first)
	if _, err := c.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Push(ctx, l); err != nil { // the same delivery again
		t.Fatal(err)
	}
	cs := f.RecordComments(l.Email)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Text, "@sato ") || !strings.Contains(cs[0].Text, l.Summary()) ||
		!strings.HasSuffix(cs[0].Text, "(Baton MQL "+l.MQLID+")") || len(cs[0].Mentions) != 1 || cs[0].Mentions[0]["code"] != "sato" {
		t.Fatalf("comments after one MQL delivered twice: %+v", cs)
	}
	// The next MQL: its own comment; the first stays.
	again := l
	again.MQLID, again.Cycle, again.Condition = l.PersonID+"-c2", 2, "pricing-visits"
	f.LoseAnswer("POST /k/v1/record/comment.json", 1)
	second := push.MemProgress{}
	ctx2 := push.WithProgress(context.Background(), second)
	if _, err := c.Push(ctx2, again); err == nil {
		t.Fatal("an answer lost: no error")
	}
	if _, err := c.Push(ctx2, again); err != nil {
		t.Fatal(err)
	}
	cs = f.RecordComments(l.Email)
	if len(cs) != 2 || !strings.HasSuffix(cs[1].Text, "(Baton MQL "+again.MQLID+")") || !strings.Contains(cs[1].Text, "pricing-visits") {
		t.Fatalf("comments after a second MQL whose answer was lost: %+v", cs)
	}
	if second["kintone-comment"] != cs[1].ID {
		t.Errorf("the comment found is kept as %q, want %q", second["kintone-comment"], cs[1].ID)
	}
	// Without comment set, none.
	l.Email = "nocomment@example.co.jp"
	if _, err := kt(f).Push(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	if cs := f.RecordComments(l.Email); len(cs) != 0 {
		t.Fatalf("comments without comment set: %+v", cs)
	}
}

// TestKintoneCommentFoundPastTen: a comment whose answer was lost is
// looked for before it is posted again, but only among the record's latest
// ten (kintone's most a read): with more than ten comments from sales
// after Baton's, it was not found and the MQL was commented twice. The
// comments are read ten at a time, newest first, until it is found or
// there are no older ones.
func TestKintoneCommentFoundPastTen(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	c := kt(f)
	c.Comment = true
	prog := push.MemProgress{}
	ctx := push.WithProgress(context.Background(), prog)
	f.LoseAnswer("POST /k/v1/record/comment.json", 1)
	if _, err := c.Push(ctx, lead); err == nil {
		t.Fatal("an answer lost: no error")
	}
	if cs := f.RecordComments(lead.Email); len(cs) != 1 {
		t.Fatalf("comments %+v", cs)
	}
	baton := f.RecordComments(lead.Email)[0].ID
	// Sales answer on the record 12 times before the delivery is retried.
	for i := range 12 {
		if f.AddComment(lead.Email, fmt.Sprintf("フォロー %d 回目", i+1)) == "" {
			t.Fatal("no record")
		}
	}
	reads := commentReads(f)
	if _, err := c.Push(ctx, lead); err != nil {
		t.Fatal(err)
	}
	if cs := f.RecordComments(lead.Email); len(cs) != 13 {
		t.Fatalf("%d comments after the retry, want Baton's and sales' 12 (no second of Baton's)", len(cs))
	}
	if prog["kintone-comment"] != baton {
		t.Errorf("the comment found is kept as %q, want %q", prog["kintone-comment"], baton)
	}
	if n := commentReads(f) - reads; n != 2 {
		t.Errorf("%d reads of the comments, want 2 (ten and three)", n)
	}
	// Not there at all (deleted by sales): every page is read, then posted.
	again := lead
	again.MQLID = lead.PersonID + "-c2"
	prog2 := push.MemProgress{"kintone-comment-sent": "1"}
	reads = commentReads(f)
	if _, err := c.Push(push.WithProgress(context.Background(), prog2), again); err != nil {
		t.Fatal(err)
	}
	if cs := f.RecordComments(lead.Email); len(cs) != 14 || !strings.HasSuffix(cs[13].Text, "(Baton MQL "+again.MQLID+")") {
		t.Fatalf("comments %+v", cs)
	}
	if n := commentReads(f) - reads; n != 2 {
		t.Errorf("%d reads of the comments, want 2 (ten and three)", n)
	}
}

func commentReads(f *crmfake.Kintone) int {
	f.Lock()
	defer f.Unlock()
	return f.Calls["GET /k/v1/record/comments.json"]
}

// TestKintoneCommentRefused: an app with its comments turned off refuses
// the comment (with a code kintone does not document): the delivery fails
// saying so, retried a bounded number of times, as any new code.
func TestKintoneCommentRefused(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.CommentsOff = true
	c := kt(f)
	c.Comment = true
	pe := perr(t, func() error { _, err := c.Push(context.Background(), lead); return err }())
	if pe.Permanent || pe.MaxAttempts == 0 || !strings.Contains(pe.Message, "commenting on record") || !strings.Contains(pe.Message, "コメント機能") {
		t.Fatalf("comments off: %+v", pe)
	}
}

// TestKintoneCommentMentionsChecked: mentions kintone would refuse stop
// start-up naming them.
func TestKintoneCommentMentionsChecked(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	for _, tc := range []struct {
		ms   []crm.KintoneMention
		want string
	}{
		{[]crm.KintoneMention{{Code: "sato", Type: "user"}}, `type must be USER, GROUP or ORGANIZATION, not "user"`},
		{[]crm.KintoneMention{{Type: "USER"}}, "code is required"},
		{make([]crm.KintoneMention, 11), "at most 10"},
	} {
		c := kt(f)
		c.CommentMentions = tc.ms
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.ms, err, tc.want)
		}
	}
}

// TestKintoneCommentSaysWhatSalesKept: a record sales made keeps their
// company name; without a summary field mapped, the comment is where the
// person's new value shows.
func TestKintoneCommentSaysWhatSalesKept(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.AddRecord(lead.Email, map[string]string{"company": "サンプル（株）東京支店"})
	c := kt(f)
	delete(c.Fields, "mql_condition")
	c.Comment = true
	l := lead
	l.Lang = "ja"
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	cs := f.RecordComments(l.Email)
	if got := f.Record(l.Email)["company"]; got != "サンプル（株）東京支店" || len(cs) != 1 ||
		!strings.Contains(cs[0].Text, "会社名（営業が入力した「サンプル（株）東京支店」のまま。本人が新たに入力した値）：サンプル株式会社") {
		t.Fatalf("company %q, comments %+v", got, cs)
	}
}

// TestKintoneKeptValuesLinkOnlyOwnSites: a value sales kept is said with
// the person's new one beside it, in the summary field and the comment;
// the person's is what they typed in a form (anyone can submit one), and
// kintone shows a URL in that text as a link: one not on the team's sites
// is written marked and no link, as the summary's are.
func TestKintoneKeptValuesLinkOnlyOwnSites(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.AddRecord(lead.Email, map[string]string{"company": "サンプル（株）東京支店"})
	c := kt(f)
	c.Fields = map[string]string{"company": "company", "mql_summary": "mql_reason"}
	c.Comment = true
	l := lead
	l.Sites = []string{"www.example.com"}
	l.Attributes = map[string]string{"company": "https://evil.example/x"}
	if _, err := c.Push(push.WithProgress(context.Background(), push.MemProgress{}), l); err != nil {
		t.Fatal(err)
	}
	cs := f.RecordComments(l.Email)
	if len(cs) != 1 {
		t.Fatalf("%d comments", len(cs))
	}
	for what, text := range map[string]string{"summary field": f.Record(l.Email)["mql_reason"], "comment": cs[0].Text} {
		if strings.Contains(text, "evil.example") || !strings.Contains(text, "the person now gives): [other site, unverified] evil[.]example/x") {
			t.Errorf("the %s does not mark the person's off-site value: %q", what, text)
		}
	}
}
