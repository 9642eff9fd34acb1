package stack_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/baton-hq/baton/infra/local/stack"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestSalesVerdictFromTheInbox: without an SFA, sales' verdict used to
// have no way back but the signed feedback webhook. The inbox now has a
// form per lead: in Chromium, in Japanese, a 差し戻し with a long Japanese
// reason recycles the person (the reason kept whole characters), the same
// form sent again counts once, a read-only user sees no form, and the API
// (POST /admin/people/{id}/outcome) refuses what it must. The inbox's
// filter of the leads awaiting a verdict lists the other lead alone.
// A verdict given from the inbox came back to the person's page, away from
// the queue sales works through: it comes back to the inbox, at its
// filter, saying the verdict was recorded (or not applied); the recycled
// lead's card gives its score now beside the MQL's.
func TestSalesVerdictFromTheInbox(t *testing.T) {
	needChromium(t, "the workspace must be tested in a browser in CI")
	ctx := context.Background()
	dir := t.TempDir()
	shots := screenshotDir(dir)
	const reader = "inbox-reader-token-0123456789"
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": withToken(t, "timezone: Asia/Tokyo\n", "analyst", reader, "read")})
	waiting := qualifyOne(t, s, "vd-0", "waiting@maker.example") // older: the form used is the newest lead's
	p := qualifyOne(t, s, "vd-1", "verdict@maker.example")
	deliver(t, s, func() bool {
		_, b := do(t, "GET", s.URL+"/admin/inbox", token, "")
		return strings.Contains(string(b), p) && strings.Contains(string(b), waiting)
	})

	for _, c := range []struct {
		path, tok, body string
		code            int
		says            string
	}{
		{"/admin/people/" + p + "/outcome", token, `{"outcome":"maybe"}`, 400, `"field":"outcome"`},
		{"/admin/people/" + p + "/outcome", token, `{"outcome":"accepted","owner":"a\nb"}`, 400, `"field":"owner"`},
		{"/admin/people/p_0123456789abcdef01234567/outcome", token, `{"outcome":"accepted"}`, 404, "no such person"},
		{"/admin/people/" + p + "/outcome", reader, `{"outcome":"accepted"}`, 403, "scope"},
	} {
		if code, b := do(t, "POST", s.URL+c.path, c.tok, c.body); code != c.code || !strings.Contains(string(b), c.says) {
			t.Errorf("%s %s: %d %s, want %d %s", c.path, c.body, code, b, c.code, c.says)
		}
	}
	if rec, _ := s.App.Qualifier.Record(ctx, p); rec.Stage != qualify.StageMQL {
		t.Fatalf("refused verdicts changed the stage: %s", rec.Stage)
	}

	// 120 characters (360 bytes), well within the form's 500: kept whole
	// (it was cut at 200 bytes, two thirds of it silently lost).
	why := strings.Repeat("今期は予算がなく見送り。", 10)
	cmd := exec.Command("node", "../../../tag/browser/verdict.mjs")
	cmd.Env = append(os.Environ(), "URL="+s.URL+"/admin/", "TOKEN="+token, "READER="+reader, "SHOTS="+shots, "WHY="+why)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("verdict.mjs: %v %s", err, out)
	}
	var res struct {
		Errors                 []string
		Overflow               map[string][]any
		Options                []string
		URL, Note, Card        string
		FilterURL              string `json:"filterUrl"`
		FilterNote, FilterLink string
		AgainURL               string `json:"againUrl"`
		AgainNote              string
		ReaderForms            int
		ReaderInbox            string
		// The filter's link before the verdict; the filter after it.
		AwaitingBefore string
		Awaiting       struct {
			Link, Current string
			Leads         []string
		}
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// No verdict chosen for sales: the first option was 受入, one careless
	// click from an acceptance.
	if strings.Join(res.Options, ",") != "選んでください…,受入（SAL）,差し戻し（ナーチャリングに戻す）,SQL,商談化,受注,失注" {
		t.Errorf("the form's verdicts: %q", res.Options)
	}
	if !regexp.MustCompile(`/admin/inbox\?lead=p_[0-9a-f]+-c1&m=outcome#verdict-note$`).MatchString(res.URL) || res.Note != "営業の判定を記録しました。" || !strings.Contains(res.Card, "差し戻し") {
		t.Errorf("after the verdict: %s %q\n%s", res.URL, res.Note, res.Card)
	}
	// Recycled, the person's score was reset: the card says the MQL's
	// figures are the MQL's, and what they are now.
	for _, w := range []string{"MQL 時点", "MQL 時点：行動スコア", "現在の行動スコア 0", "現在は MQL 条件を満たしていません"} {
		if !strings.Contains(res.Card, w) {
			t.Errorf("the recycled lead's card does not say %q:\n%s", w, res.Card)
		}
	}
	// From the filter, back to the filter, the accepted lead gone from it.
	if !regexp.MustCompile(`/admin/inbox\?show=awaiting&lead=p_[0-9a-f]+-c1&m=outcome#verdict-note$`).MatchString(res.FilterURL) || res.FilterNote != "営業の判定を記録しました。" || res.FilterLink != "未回答（0）" {
		t.Errorf("a verdict from the filter: %s %q %q", res.FilterURL, res.FilterNote, res.FilterLink)
	}
	// The form sent again changed nothing: the page says so, not "recorded".
	if !strings.Contains(res.AgainURL, "m=not-applied") || res.AgainNote != "営業の判定「差し戻し（ナーチャリングに戻す）」は反映されませんでした。この MQL にはすでに記録されています。" {
		t.Errorf("after the same verdict again: %s\n%s", res.AgainURL, res.AgainNote)
	}
	// Before the verdict both leads awaited one; after it, the filter
	// lists the other alone, its link current.
	if res.AwaitingBefore != "未回答（2）" || res.Awaiting.Link != "未回答（1）" || res.Awaiting.Current != "true" || strings.Join(res.Awaiting.Leads, ",") != "waiting@maker.example" {
		t.Errorf("the awaiting filter: before %q, after %+v", res.AwaitingBefore, res.Awaiting)
	}
	if res.ReaderForms != 0 || !strings.Contains(res.ReaderInbox, "verdict@maker.example") {
		t.Errorf("a read-only user's inbox: %d forms\n%s", res.ReaderForms, res.ReaderInbox)
	}
	for name, over := range res.Overflow {
		if len(over) > 0 {
			t.Errorf("%s does not fit: %v", name, over)
		}
	}
	if len(res.Overflow) != 3 || len(res.Errors) > 0 {
		t.Errorf("pages measured %v, console errors %v", res.Overflow, res.Errors)
	}

	settle(t, s)
	hist, err := s.App.Qualifier.History(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	var rejected []qualify.StageChange
	for _, h := range hist {
		if h.To == qualify.StageRejected {
			rejected = append(rejected, h)
		}
	}
	if len(rejected) != 1 {
		t.Fatalf("%d rejections in the history (the form sent twice must count once): %+v", len(rejected), hist)
	}
	if r := rejected[0]; !utf8.ValidString(r.Why) || r.Why != why || r.Owner != "BATON_ADMIN_TOKEN" {
		t.Errorf("the rejection: why %q (valid UTF-8 %v), owner %q", r.Why, utf8.ValidString(r.Why), r.Owner)
	}
}
