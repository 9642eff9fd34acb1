package push_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
)

const labelledRules = `
name: labelled
behaviour:
  - { name: page-view, type: page_view, points: 1 }
fit:
  rules:
    - { name: exec, attribute: title, match: "*部長*", points: 50 }
grades: { A: 50 }
bands:
  - { name: hot,  label: { en: high, ja: 高 }, min: 60 }
  - { name: warm, label: 中, min: 30 }
  - { name: cold, min: 0 }
mql:
  - name: hot-and-fit
    label: { en: Active and a good fit, ja: 行動・適合度ともに高い }
    min_behaviour: 40
  - name: cross-scoring
    matrix: { warm: [A] }
`

// TestSFATextsUseRuleLabels: a Japanese rep's ToDo list read "MQL:
// hot-and-fit", "再度の MQL（2 回目）：cross-scoring" and "マトリクス：行動帯
// warm × グレード A": the rules file's machine names. The subject and
// summary (Salesforce's Task, HubSpot's note, kintone's comment, the
// webhook's subject and summary) name a condition and a band by its label
// in the lead's language; one without a label by its name.
func TestSFATextsUseRuleLabels(t *testing.T) {
	ctx := context.Background()
	rules, err := rulebook.Parse("rules.yaml", []byte(labelledRules))
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	f.w.Rules, f.w.Lang = rules, "ja"
	m := f.mql
	m.Facts = []string{"behaviour 45 >= 40", "matrix cell warm x A"}
	l, err := f.w.Build(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Subject(), "MQL：行動・適合度ともに高い"; got != want {
		t.Errorf("subject %q, want %q", got, want)
	}
	sum := l.Summary()
	for _, want := range []string{"MQL（行動・適合度ともに高い）：", "マトリクス：行動帯 中 × グレード A"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if got := l.NamedSubject(); !strings.HasSuffix(got, "— 行動・適合度ともに高い") {
		t.Errorf("named subject %q, want the label after the person", got)
	}
	l.Recycled, l.Cycle = &push.Recycled{Outcome: "rejected", At: l.QualifiedAt}, 2
	if got, want := l.Subject(), "再度の MQL（2 回目）：行動・適合度ともに高い"; got != want {
		t.Errorf("subject of a requalified lead %q, want %q", got, want)
	}
	for _, s := range []string{l.Subject(), l.NamedSubject(), l.Summary()} {
		if strings.Contains(s, "hot-and-fit") || strings.Contains(s, "warm") {
			t.Errorf("a machine name reaches sales: %q", s)
		}
	}

	// In English, the English label; a condition without one by its name.
	f.w.Lang = ""
	if l, err = f.w.Build(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got, want := l.Subject(), "MQL: Active and a good fit"; got != want {
		t.Errorf("English subject %q, want %q", got, want)
	}
	if sum := l.Summary(); !strings.Contains(sum, "MQL (Active and a good fit): behaviour 45 >= 40; matrix cell 中 x A") {
		t.Errorf("English summary:\n%s", sum)
	}
	m.Condition = "cross-scoring"
	if l, err = f.w.Build(ctx, m); err != nil {
		t.Fatal(err)
	}
	if got, want := l.Subject(), "MQL: cross-scoring"; got != want {
		t.Errorf("subject without a label %q, want %q", got, want)
	}

	// The webhook's subject, as delivered.
	f.w.Lang = "ja"
	f.drain(t, 1, time.Second)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bodies) != 1 {
		t.Fatalf("webhook got %d bodies", len(rc.bodies))
	}
	d, _ := rc.bodies[0]["data"].(map[string]any)
	if s, _ := d["subject"].(string); !strings.HasSuffix(s, "行動・適合度ともに高い") || d["condition"] != "hot-and-fit" {
		t.Errorf("webhook subject %q, condition %v: want the label read, the name kept as the condition", s, d["condition"])
	}
}

// TestTouchLinesSayNoMedium: the touch lines read "メール / nl / email /
// dec-nl" and "名刺交換 / offline / 商談会": the medium repeated the channel
// in English (an offline touch's is "offline"), and a campaign Baton knows
// went by its id. A touch says its channel in the lead's language (an
// offline touch its kind), its source, and its campaign by name.
func TestTouchLinesSayNoMedium(t *testing.T) {
	for _, c := range []struct{ lang, first, last string }{
		{"ja", "最初の接点：ウェビナー / 製造業DXウェビナー\n", "直近の接点：メール / nl / 12月ニュースレター\n"},
		{"", "First touch: webinar / 製造業DXウェビナー\n", "Last touch: email / nl / December newsletter\n"},
	} {
		name := "12月ニュースレター"
		if c.lang == "" {
			name = "December newsletter"
		}
		l := push.Lead{Lang: c.lang, Condition: "hot", Grade: "A",
			Campaigns:  map[string]string{"dec-nl": name},
			FirstTouch: push.Touch{Channel: "webinar", Medium: "offline", Campaign: "製造業DXウェビナー"},
			LastTouch:  push.Touch{Channel: "email", Source: "nl", Medium: "email", Campaign: "dec-nl"},
		}
		got := l.Summary()
		for _, want := range []string{c.first, c.last} {
			if !strings.Contains(got, want) {
				t.Errorf("%q summary lacks %q:\n%s", c.lang, want, got)
			}
		}
		for _, raw := range []string{"offline", "/ email", "dec-nl"} {
			if strings.Contains(got, raw) {
				t.Errorf("%q summary says %q:\n%s", c.lang, raw, got)
			}
		}
	}
}

// TestReinquiryNamesTheMQLByItsDay: the text of a form sent after the MQL
// began "MQL（p_b9110c5dbb014521d63425c3-c1）の後に送信されたフォーム": an id
// no rep knows. It names the MQL by the day it reached sales in the
// configured zone (JST: 05:00 on the 24th is the 23rd in UTC), and its
// cycle when it is not the first.
func TestReinquiryNamesTheMQLByItsDay(t *testing.T) {
	ctx := context.Background()
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	f.w.Loc, f.w.Lang = time.FixedZone("JST", 9*3600), "ja"
	stored := f.mql
	stored.Cycle, stored.RaisedAt = 2, time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC)
	data, _ := json.Marshal(stored)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0002", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	f.drain(t, 2, time.Second)
	f.clk.t = f.clk.t.Add(2 * time.Hour)
	ev := event.Event{ID: "e9", Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "お見積もり",
		Properties: map[string]any{"message": "至急"}, Timestamp: f.clk.t, ReceivedAt: f.clk.t}
	if _, err := (&eventlog.Log{T: f.w.T}).Append(ctx, []event.Event{ev}); err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256([]byte("pv1\x00e9"))
	r := qualify.Reinquiry{ID: f.mql.ID + "-f" + hex.EncodeToString(h[:8]), MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email, Visitor: "pv1", Event: "e9", At: f.clk.t}
	body, _ := json.Marshal(push.ReinquiryMessage(r))
	if _, res, err := f.w.DeliverBody(ctx, body); err != nil || !res.Done {
		t.Fatalf("re-inquiry: %+v %v", res, err)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var summary string
	for _, b := range rc.bodies {
		if b["type"] == "mql.activity" {
			d, _ := b["data"].(map[string]any)
			summary, _ = d["summary"].(string)
		}
	}
	if want := "11月24日の MQL（2 回目）の後に送信されたフォーム（時刻は JST）：\n"; !strings.HasPrefix(summary, want) {
		t.Errorf("the activity's summary begins %q, want %q", summary, want)
	}
	if strings.Contains(summary, f.mql.ID) {
		t.Errorf("the summary names the MQL by its id:\n%s", summary)
	}
}

// TestReinquiryHeadingWords: the English heading, a first cycle's, one of
// another year, and one whose MQL's time is not known (never its id).
func TestReinquiryHeadingWords(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	at := time.Date(2027, 1, 5, 10, 0, 0, 0, jst)
	for _, c := range []struct {
		lang  string
		mqlAt time.Time
		cycle int
		want  string
	}{
		{"", time.Date(2026, 12, 3, 9, 0, 0, 0, jst), 1, "A form sent after the MQL of Dec 3, 2026; times in JST:\n"},
		{"", time.Date(2027, 1, 3, 9, 0, 0, 0, jst), 3, "A form sent after the MQL of Jan 3 (MQL 3); times in JST:\n"},
		{"ja", time.Date(2027, 1, 3, 9, 0, 0, 0, jst), 1, "1月3日の MQL の後に送信されたフォーム（時刻は JST）：\n"},
		{"ja", time.Date(2026, 12, 3, 9, 0, 0, 0, jst), 1, "2026年12月3日の MQL の後に送信されたフォーム（時刻は JST）：\n"},
		{"ja", time.Time{}, 1, "MQL の後に送信されたフォーム（時刻は JST）：\n"},
		{"", time.Time{}, 2, "A form sent after the MQL (MQL 2); times in JST:\n"},
	} {
		a := push.FormActivity{MQLID: "p_b9110c5dbb014521d63425c3-c1", Type: event.FormSubmit, At: at, Lang: c.lang, MQLAt: c.mqlAt, MQLCycle: c.cycle}
		if got := a.Summary(); !strings.HasPrefix(got, c.want) {
			t.Errorf("%q %v cycle %d: %q, want it to begin %q", c.lang, c.mqlAt, c.cycle, got, c.want)
		}
	}
}

// TestMQAReachesSalesByItsLabel: the worker gives an MQA its label from
// the rules in force, in the SFA's language: the summary a webhook gets
// says "MQA（購買グループが活動中）", not the rules file's machine name.
func TestMQAReachesSalesByItsLabel(t *testing.T) {
	ctx := context.Background()
	rules, err := rulebook.Parse("rules.yaml", []byte(labelledRules+"mqa: { name: buying-group-active, label: { en: Buying group active, ja: 購買グループが活動中 } }\n"))
	if err != nil {
		t.Fatal(err)
	}
	rc := &receiver{ids: map[string]int{}}
	f := setup(t, rc)
	f.w.Rules, f.w.Lang = rules, "ja"
	m := account.MQA{ID: "a0123456789abcdef-q1", Account: "a0123456789abcdef", N: 1, At: f.clk.t, Condition: "buying-group-active",
		People: []account.Member{{Person: f.mql.Person, Email: f.mql.Email}}}
	it, err := m.Item()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.w.T.Put(ctx, it, table.Always); err != nil {
		t.Fatal(err)
	}
	if res := f.w.DeliverAccount(ctx, m); !res.Done {
		t.Fatalf("%+v", res)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.bodies) != 1 {
		t.Fatalf("webhook got %d bodies", len(rc.bodies))
	}
	d, _ := rc.bodies[0]["data"].(map[string]any)
	if s, _ := d["summary"].(string); !strings.HasPrefix(s, "MQA（購買グループが活動中）：") || d["condition"] != "buying-group-active" {
		t.Errorf("summary %q, condition %v", s, d["condition"])
	}
}
