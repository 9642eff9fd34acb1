package push_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// inquiryEnd are the last words of the test's inquiry: what sales read
// last, and a cut at 2,000 bytes lost.
const inquiryEnd = "予算は年間300万円、導入は来年4月を希望します。"

// japaneseForm sends the test's Japanese contact form for the setup's
// visitor: a builder's field names (text-812) labelled as the visitor
// read them, a 1,400-character inquiry, a department and a question of
// the site's own that no SFA field takes. It returns the inquiry.
func japaneseForm(t *testing.T, f fx) string {
	t.Helper()
	ctx := context.Background()
	msg := "はじめまして。" + strings.Repeat("弊社では営業部門のリード管理を改善したいと考えております。", 49) + "参考：https://evil.example/login " + inquiryEnd
	fields := map[string]string{"email": "lead@example.com", "sei": "山田", "mei": "太郎", "kaisha": "アクメ株式会社", "text-812": "営業部",
		"yakushoku": "部長", "tel": "03-1234-5678", "textarea-1": msg, "select-3": "MA連携オプション", "_wpcf7": "12"}
	labels := map[string]string{"sei": "姓", "mei": "名", "kaisha": "会社名", "text-812": "部署", "yakushoku": "役職", "tel": "電話番号",
		"textarea-1": "お問い合わせ内容", "select-3": "ご検討中の製品"}
	props := map[string]any{"fields": map[string]any{}, "labels": map[string]any{}}
	for k, v := range fields {
		props["fields"].(map[string]any)[k] = v
	}
	for k, v := range labels {
		props["labels"].(map[string]any)[k] = v
	}
	at := f.clk.t.Add(-30 * time.Minute)
	if _, err := f.w.Stitcher.Log.Append(ctx, []event.Event{{ID: "e4", Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "お問い合わせ", Properties: props, Timestamp: at}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.w.Stitcher.Identify(ctx, identity.Identification{Visitor: "pv1", Email: "lead@example.com", Strength: identity.Strong, At: at, Fields: fields, Labels: labels}); err != nil {
		t.Fatal(err)
	}
	return msg
}

// TestLeadQuotesTheInquiry: a first MQL from a Japanese form reached the
// SFAs with the summary alone: the inquiry (sales' first words) and the
// values no SFA field takes (部署) were only in the webhook's attributes,
// and nothing linked to the person's page in Baton. The lead's text now
// gives the link (the public URL, base path and the admin's person
// path), the whole inquiry and those values labelled as the visitor read
// them, in the summary's language; a URL the visitor typed is no link.
func TestLeadQuotesTheInquiry(t *testing.T) {
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	msg := japaneseForm(t, f)
	f.w.PublicURL = func() string { return "https://track.example.co.jp/_bt" }
	personURL := "https://track.example.co.jp/_bt/admin/people/" + f.mql.Person
	ctx := context.Background()
	for _, c := range []struct{ lang, page, message, values, dept, product string }{
		{"ja", "Baton の人物ページ（行動の履歴とスコアの内訳）：" + personURL + "\n", "お問い合わせ内容：\nはじめまして。", "フォームのその他の入力：\n", "部署：営業部\n", "ご検討中の製品：MA連携オプション\n"},
		{"", "Person in Baton (journey, score explained): " + personURL + "\n", "Message:\nはじめまして。", "Other values of the form:\n", "部署: 営業部\n", "ご検討中の製品: MA連携オプション\n"},
	} {
		f.w.Lang = c.lang
		l, err := f.w.Build(ctx, f.mql)
		if err != nil {
			t.Fatal(err)
		}
		if l.PersonURL != personURL {
			t.Errorf("%q: PersonURL %q, want %q", c.lang, l.PersonURL, personURL)
		}
		got := l.Summary()
		for _, want := range []string{c.page, c.message, inquiryEnd + "\n", c.values, c.dept, c.product, "evil[.]example/login"} {
			if !strings.Contains(got, want) {
				t.Errorf("%q summary lacks %q:\n%s", c.lang, want, got)
			}
		}
		// The inquiry whole, before the activity (a field too short cuts
		// the activity first); the values an SFA field takes, the
		// builder's hidden field and the visitor's link not among them.
		if i, j := strings.Index(got, inquiryEnd), strings.Index(got, "https://www.example.com/a.pdf"); i < 0 || j < i {
			t.Errorf("%q: the inquiry is not before the activity:\n%s", c.lang, got)
		}
		if strings.Count(got, "弊社では営業部門のリード管理を改善したいと考えております。") != 49 {
			t.Errorf("%q: the inquiry is not whole:\n%s", c.lang, got)
		}
		for _, not := range []string{"電話番号", "03-1234-5678", "会社名", "役職", "_wpcf7", "https://evil.example"} {
			if strings.Contains(got, not) {
				t.Errorf("%q summary has %q:\n%s", c.lang, not, got)
			}
		}
	}
	if len([]rune(msg)) < 1400 {
		t.Fatalf("the inquiry has %d characters", len([]rune(msg)))
	}

	// The webhook's payload: personUrl, and the summary with the inquiry.
	f.w.Lang = "ja"
	f.drain(t, 1, time.Second)
	if len(rc.bodies) != 1 {
		t.Fatalf("%d webhook bodies", len(rc.bodies))
	}
	data := rc.bodies[0]["data"].(map[string]any)
	if sum, _ := data["summary"].(string); data["personUrl"] != personURL || !strings.Contains(sum, inquiryEnd) || !strings.Contains(sum, "部署：営業部") || !strings.Contains(sum, personURL) {
		t.Errorf("webhook personUrl %v, summary:\n%s", data["personUrl"], sum)
	}

	// No public URL: no link, and nothing else changes.
	f.w.PublicURL = func() string { return "" }
	l, err := f.w.Build(ctx, f.mql)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Summary(); l.PersonURL != "" || strings.Contains(got, "/admin/people/") || strings.Contains(got, "Baton の人物ページ") || !strings.Contains(got, inquiryEnd) {
		t.Errorf("without a public URL: %q\n%s", l.PersonURL, got)
	}
}

// TestPersonURL: the admin's person path under the public URL, the id
// escaped as a path segment; none without a public URL.
func TestPersonURL(t *testing.T) {
	for _, c := range []struct{ base, id, want string }{
		{"https://track.example.com", "p_1", "https://track.example.com/admin/people/p_1"},
		{"https://www.example.com/_bt/", "p 1/x", "https://www.example.com/_bt/admin/people/p%201%2Fx"},
		{"", "p_1", ""},
	} {
		if got := push.PersonURL(c.base, c.id); got != c.want {
			t.Errorf("PersonURL(%q, %q) = %q, want %q", c.base, c.id, got, c.want)
		}
	}
}
