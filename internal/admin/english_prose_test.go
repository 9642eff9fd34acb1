package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/push"
)

// TestEnglishPagesSayProse: the English inbox card and person page showed
// what Baton stores as machine text where the Japanese ones read as prose:
// the MQL's facts as "behaviour 50 >= 40" (行動スコア 50 ≥ 40), the first
// touch's channel as its code "exhibition" (展示会), attribute keys
// "employees", "first_name" (従業員数, 名), sales' verdict in the stage
// history as "sales: rejected: 予算なし" and the recycle after it as
// "recycled after rejected". The English pages now say them in words; the
// Japanese stay as they were, and the inbox's JSON keeps the stored text.
func TestEnglishPagesSayProse(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	at := f.clk.Now()
	fields := map[string]string{"company": "アクメ", "last_name": "佐々木", "first_name": "三郎", "title": "部長", "employees": "500"}
	il := qualifyToInbox(t, f, "prose-v", "s.sasaki@maker.example", fields, func(l *push.Lead) {
		l.BehaviourScore, l.FitScore, l.Grade = 0, 0, ""
		l.FirstTouch = push.Touch{Channel: "exhibition"}
	})
	q, p := il.Q, il.P
	if res, err := q.OutcomeWhy(ctx, p.ID, "rejected", "v1", "rep-a", "予算なし", at.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("rejected: %+v %v", res, err)
	}
	f.clk.Set(at.Add(2 * time.Hour))
	serveScoring(t, f)
	get := func(path string) string {
		t.Helper()
		a := f.req("GET", path, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s: %d %s", path, a.code, a.body)
		}
		return a.body
	}
	for _, c := range []struct {
		path        string
		want, never []string
	}{
		{"/admin/inbox?lang=en", []string{"behaviour score 50 ≥ 40", "First touch: Exhibition<"}, []string{"&gt;=", "behaviour 50", ": exhibition"}},
		{"/admin/people/" + p.ID + "?lang=en", []string{
			"<li>behaviour score 50 ≥ 40</li>",
			`<td data-l="Why">Sales rejected it: 予算なし</td>`,
			`<td data-l="Why">Recycled after sales rejected it</td>`,
			`<th scope="row">Company</th><td>アクメ</td>`, `<th scope="row">Employees</th><td>500</td>`,
			`<th scope="row">First name</th><td>三郎</td>`, `<th scope="row">Title</th><td>部長</td>`,
			`<th scope="row">Source</th>`, `<th scope="row">Created</th>`,
		}, []string{"&gt;=", "sales: rejected", "recycled after", `<th scope="row">employees</th>`, `<th scope="row">first_name</th>`}},
		{"/admin/mqls?lang=en", []string{"Hand-offs that failed for good, with the reason."}, []string{"gave up on"}},
		// The Japanese as it was.
		{"/admin/inbox?lang=ja", []string{"行動スコア 50 ≥ 40", "初回接点：展示会"}, nil},
		{"/admin/people/" + p.ID + "?lang=ja", []string{"<li>行動スコア 50 ≥ 40</li>", "営業：差し戻し：予算なし", "差し戻しのためナーチャリングに戻す",
			`<th scope="row">従業員数</th><td>500</td>`, `<th scope="row">流入元</th>`, `<th scope="row">作成日時</th>`}, nil},
		{"/admin/mqls?lang=ja", []string{"配信を断念した連携と理由です。"}, nil},
	} {
		body := get(c.path)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: no %q in\n%s", c.path, w, body)
			}
		}
		for _, n := range c.never {
			if strings.Contains(body, n) {
				t.Errorf("%s: %q is machine text:\n%s", c.path, n, body)
			}
		}
	}
	// The API keeps the stored texts: scripts and SFAs read them.
	a := f.req("GET", "/admin/inbox", "", "Authorization", "Bearer "+fullToken)
	if a.code != 200 || !strings.Contains(a.body, `"behaviour 50 \u003e= 40"`) && !strings.Contains(a.body, `"behaviour 50 >= 40"`) || !strings.Contains(a.body, `"channel":"exhibition"`) {
		t.Errorf("the inbox's JSON: %d %s", a.code, a.body)
	}
}
