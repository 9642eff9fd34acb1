package admin_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/push"
)

// TestInboxCardDecaysTheScoreNow: the inbox card's score now, and its
// 現在は MQL 条件を満たしていません / No longer meets line, were the
// person's last scoring's: a lead that did nothing since kept its MQL's
// score however long ago, undecayed, beside the MQL's figures, and sales
// read a cold lead as hot. The person page's header gave that stale figure
// too. Now both judge the person at the workspace's clock from their
// record: a week on, the card gives the decayed score and still meets the
// condition; a half-life (the example rules' 30d) on, the score is half
// the MQL's, under the condition's 40, and the card says they no longer
// meet it; the person page and its JSON say the same figure.
func TestInboxCardDecaysTheScoreNow(t *testing.T) {
	f := newFixture(t)
	// 15 + 30 + 5 behaviour points, and a 部長 of 500 people (grade A):
	// hot-and-fit (behaviour 40, grade A or B) and the matrix (warm x A).
	il := qualifyToInbox(t, f, "decay-v", "cold@maker.example", map[string]string{"name": "冷川 一郎", "title": "部長", "employees": "500"}, func(l *push.Lead) { l.Reasons = nil })
	if il.M.Verdict.Behaviour != 50 {
		t.Fatalf("MQL %+v", il.M)
	}
	p, at := il.P, f.clk.Now()
	serveScoring(t, f)
	get := func(path, lang string) string {
		t.Helper()
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		a := f.req("GET", path+sep+"lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if a.code != 200 {
			t.Fatalf("%s %s: %d %s", path, lang, a.code, a.body)
		}
		return a.body
	}
	type words struct{ now, noLonger, header string }
	lang := map[string]words{
		"en": {`<strong class="score-now down">Behaviour score now %s ↓</strong>`, "<strong>No longer meets the MQL condition</strong> (Behaviour score now %s)", "Behaviour score<b>%s</b>"},
		"ja": {`<strong class="score-now down">現在の行動スコア %s ↓</strong>`, "<strong>現在は MQL 条件を満たしていません</strong>（現在の行動スコア %s）", "行動スコア<b>%s</b>"},
	}
	say := func(format, score string) string { return strings.Replace(format, "%s", score, 1) }

	for _, step := range []struct {
		after    time.Duration
		score    string // the score now, as the pages say it
		noLonger bool
	}{
		{0, "", false},                      // the MQL's own figures: no score now beside them
		{7 * 24 * time.Hour, "42.5", false}, // 50 x 0.5^(7/30): still 40 or more
		{30 * 24 * time.Hour, "25", true},   // a half-life: under 40, and a cold band
	} {
		f.clk.Set(at.Add(step.after))
		for l, w := range lang {
			page := get("/admin/inbox", l)
			// The awaiting filter's page judges its cards alike.
			if awaiting := get("/admin/inbox?show=awaiting", l); step.noLonger && !strings.Contains(awaiting, say(w.noLonger, step.score)) {
				t.Errorf("%s, %v on: the awaiting filter's card does not say %q:\n%s", l, step.after, say(w.noLonger, step.score), awaiting)
			}
			if step.score == "" {
				if strings.Contains(page, `class="score-now`) || strings.Contains(page, `class="no-longer"`) {
					t.Errorf("%s at the MQL: the card gives a score now:\n%s", l, page)
				}
			} else if want := say(w.now, step.score); !strings.Contains(page, want) {
				t.Errorf("%s, %v on: the card does not say %q:\n%s", l, step.after, want, page)
			}
			if want := say(w.noLonger, step.score); step.noLonger != strings.Contains(page, want) {
				t.Errorf("%s, %v on: the card saying %q is %v, want %v:\n%s", l, step.after, want, !step.noLonger, step.noLonger, page)
			}
			person := get("/admin/people/"+p.ID, l)
			header := step.score
			if header == "" {
				header = "50"
			}
			if want := say(w.header, header); !strings.Contains(person, want) {
				t.Errorf("%s, %v on: the person page does not say %q:\n%s", l, step.after, want, person)
			}
		}
		a := f.req("GET", "/admin/inbox", "", "Authorization", "Bearer "+fullToken)
		var inboxJSON struct {
			Leads []struct {
				Now struct {
					BehaviourScore float64 `json:"behaviourScore"`
					Condition      string  `json:"condition"`
				} `json:"now"`
			} `json:"leads"`
		}
		if err := json.Unmarshal([]byte(a.body), &inboxJSON); err != nil || len(inboxJSON.Leads) != 1 {
			t.Fatalf("inbox JSON: %v %s", err, a.body)
		}
		a = f.req("GET", "/admin/people/"+p.ID+"/explain", "", "Authorization", "Bearer "+fullToken)
		var ex struct{ Behaviour float64 }
		if err := json.Unmarshal([]byte(a.body), &ex); err != nil {
			t.Fatalf("explain: %v %s", err, a.body)
		}
		if now := inboxJSON.Leads[0].Now; now.BehaviourScore != ex.Behaviour || (now.Condition == "") != step.noLonger {
			t.Errorf("%v on: the inbox JSON's now %+v, the explanation's behaviour %v", step.after, now, ex.Behaviour)
		}
	}
}

// TestInboxCardRiseIsNoWarning: the card's score now was bold dark red,
// the warning's colour, for a lead whose score rose since the MQL (more
// interest: good news for sales). A rise is plain, marked ↑; a fall stays
// the warning, marked ↓.
func TestInboxCardRiseIsNoWarning(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	at := f.clk.Now()
	il := qualifyToInbox(t, f, "rise-v", "warm@maker.example", map[string]string{"name": "熱川 二郎", "title": "部長", "employees": "500"}, nil)
	q, log := il.Q, il.Log
	later := at.Add(time.Minute)
	more := []event.Event{{ID: "rise-c", Type: event.PageView, VisitorID: "rise-v", URL: "https://www.example.com/pricing", Timestamp: later, ReceivedAt: later}}
	if _, err := log.Append(ctx, more); err != nil {
		t.Fatal(err)
	}
	f.clk.Set(later)
	if err := q.Process(ctx, more); err != nil {
		t.Fatal(err)
	}
	serveScoring(t, f)
	a := f.req("GET", "/admin/inbox?lang=en", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
	if a.code != 200 || !strings.Contains(a.body, `<span class="score-now up">Behaviour score now `) || !strings.Contains(a.body, " ↑</span>") || strings.Contains(a.body, "score-now down") {
		t.Errorf("%d:\n%s", a.code, a.body)
	}
}
