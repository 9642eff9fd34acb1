package push_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
)

// sendForm logs a form of the setup's visitor at at, its fields labelled
// as the visitor read them, and identifies the person by it.
func sendForm(t *testing.T, f fx, id string, at time.Time, fields, labels map[string]string) {
	t.Helper()
	ctx := context.Background()
	fs, ls := map[string]any{}, map[string]any{}
	for k, v := range fields {
		fs[k] = v
	}
	for k, v := range labels {
		ls[k] = v
	}
	ev := event.Event{ID: id, Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "お問い合わせ",
		Properties: map[string]any{"fields": fs, "labels": ls}, Timestamp: at}
	if _, err := f.w.Stitcher.Log.Append(ctx, []event.Event{ev}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.w.Stitcher.Identify(ctx, identity.Identification{Visitor: "pv1", Email: "lead@example.com", Strength: identity.Strong, At: at, Fields: fields, Labels: labels}); err != nil {
		t.Fatal(err)
	}
}

// TestLeadFormValuesAreTheQualifyingForms: a person qualified on a form
// (部署 営業部, a request for the brochure) and sent another form twenty
// minutes later, before the lead was built (部署 経営企画部, an urgent
// quote). The summary's inquiry and "other values of the form" were the
// later form's, read by sales as what the person said when they
// qualified. They are now the qualifying form's, and the later form's
// message and the values it changed follow under their own heading, with
// its time, saying they are no part of why the person qualified; a value
// the same in both is not said twice.
func TestLeadFormValuesAreTheQualifyingForms(t *testing.T) {
	f := setup(t, &receiver{ids: map[string]int{}})
	labels := map[string]string{"text-812": "部署", "textarea-1": "お問い合わせ内容", "select-3": "ご検討中の製品"}
	sendForm(t, f, "e4", f.mql.At.Add(-30*time.Minute), map[string]string{"email": "lead@example.com", "text-812": "営業部",
		"textarea-1": "資料を拝見しました。", "select-3": "MA連携オプション"}, labels)
	sendForm(t, f, "e5", f.mql.At.Add(20*time.Minute), map[string]string{"email": "lead@example.com", "text-812": "経営企画部",
		"textarea-1": "至急見積もりをお願いします。", "select-3": "MA連携オプション"}, labels)
	f.w.Lang = "ja"
	f.w.Loc = time.FixedZone("JST", 9*3600)
	l, err := f.w.Build(context.Background(), f.mql)
	if err != nil {
		t.Fatal(err)
	}
	got := l.Summary()
	later := "MQL の後に送られたフォーム（2026-11-24 19:20 JST、MQL の理由には含みません。変わった入力）：\n"
	want := "お問い合わせ内容：\n資料を拝見しました。\nフォームのその他の入力：\nご検討中の製品：MA連携オプション\n部署：営業部\n" +
		later + "お問い合わせ内容：\n至急見積もりをお願いします。\n部署：経営企画部\n"
	if !strings.Contains(got, want) {
		t.Errorf("summary lacks\n%s\nin:\n%s", want, got)
	}

	// In English too; and a later form that changed nothing is not said.
	f.w.Lang = ""
	l, _ = f.w.Build(context.Background(), f.mql)
	if got := l.Summary(); !strings.Contains(got, "Message:\n資料を拝見しました。\n") || !strings.Contains(got, "A form sent after the MQL, 2026-11-24 19:20 JST (not part of why it qualified; what it changed):\nMessage:\n至急見積もりをお願いします。\n部署: 経営企画部\n") {
		t.Errorf("English summary:\n%s", got)
	}
	sendForm(t, f, "e6", f.mql.At.Add(40*time.Minute), map[string]string{"email": "lead@example.com", "text-812": "営業部",
		"textarea-1": "資料を拝見しました。", "select-3": "MA連携オプション"}, labels)
	l, _ = f.w.Build(context.Background(), f.mql)
	if got := l.Summary(); strings.Contains(got, "A form sent after the MQL") || strings.Count(got, "資料を拝見しました。") != 1 {
		t.Errorf("a later form the same as the qualifying one:\n%s", got)
	}
}
