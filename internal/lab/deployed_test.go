package lab

import (
	"context"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/rulebook"
)

// deployedRules are the rules in force of TestSimulatedCandidateIsWhatDeployingItRaises.
const deployedRules = `name: cur
decay: {half_life: 30d}
behaviour:
  - {name: pv, type: page_view, points: 2, cap_per_day: 6}
  - {name: pricing, type: page_view, url: "/pricing*", points: 10, cap_per_day: 10}
  - {name: careers, type: page_view, url: "/careers*", points: -10}
  - {name: wp, type: download, file: "*.pdf", points: 15, cap_per_person: 30}
  - {name: contact, type: form_submit, form: "re:contact", points: 30}
  - {name: anyform, type: form_submit, points: 5, once: true}
fit:
  rules:
    - {name: boss, attribute: title, match: "re:部長|Director", points: 30}
    - {name: big, attribute: employees, min: 250, points: 20}
grades: {A: 50, B: 30, C: 10}
bands: [{name: hot, min: 60}, {name: warm, min: 30}, {name: cold, min: 0}]
mql:
  - {name: hot-and-fit, min_behaviour: 40, grades: [A, B]}
  - {name: cross, matrix: {hot: [A, B, C], warm: [A]}}
`

// deployedEvent is one event of a person's history, and for a form the
// fields it identifies them with.
type deployedEvent struct {
	ev     event.Event
	ident  bool
	fields map[string]string
}

// deployedHistory is n people's histories from seed: page views (pricing,
// careers, the blog), downloads and forms (a contact form or a newsletter's,
// each person's title and size the same on every form: the lab judges with
// today's attributes) over three months.
func deployedHistory(seed int64, n int, start time.Time) map[string][]deployedEvent {
	r := rand.New(rand.NewSource(seed))
	out := map[string][]deployedEvent{}
	urls := []string{"/", "/pricing", "/pricing/plans", "/careers", "/blog/x", "/docs/a.pdf"}
	for i := 0; i < n; i++ {
		email := fmt.Sprintf("p%03d@maker.example", i)
		vis := fmt.Sprintf("v%03d", i)
		at := start.Add(time.Duration(r.Intn(60*24)) * time.Hour)
		k := 3 + r.Intn(14)
		identAt := r.Intn(k)
		title := []string{"営業部長", "担当", ""}[r.Intn(3)]
		emp := []string{"300名", "10〜49名", ""}[r.Intn(3)]
		var evs []deployedEvent
		for j := 0; j < k; j++ {
			at = at.Add(time.Duration(r.Intn(72)+1) * time.Hour)
			id := fmt.Sprintf("%s-%02d", vis, j)
			if j == identAt || r.Intn(8) == 0 && j > identAt {
				form := []string{"contact", "newsletter"}[r.Intn(2)]
				f := map[string]string{"email": email}
				if t := title; t != "" {
					f["title"] = t
				}
				if e := emp; e != "" {
					f["employees"] = e
				}
				fields := map[string]any{}
				for k, v := range f {
					fields[k] = v
				}
				ev := event.Event{ID: id, Type: event.FormSubmit, VisitorID: vis, URL: "https://www.example.com/" + form, Timestamp: at, ReceivedAt: at,
					Properties: map[string]any{"form": map[string]any{"id": form}, "fields": fields}}
				evs = append(evs, deployedEvent{ev: ev, ident: true, fields: f})
				continue
			}
			u := urls[r.Intn(len(urls))]
			typ := event.PageView
			if strings.HasSuffix(u, ".pdf") {
				typ = event.Download
			}
			evs = append(evs, deployedEvent{ev: event.Event{ID: id, Type: typ, VisitorID: vis, URL: "https://www.example.com" + u, Timestamp: at, ReceivedAt: at}})
		}
		out[email] = evs
	}
	return out
}

// scoreLive stores and scores the histories under rules as live scoring
// does, event by event in time order (the form stored, its person made and
// linked, then the form scored), each when it happened.
func scoreLive(t *testing.T, rules *rulebook.Rules, hist map[string][]deployedEvent, now time.Time) *replayFixture {
	return scoreLiveKept(t, rules, hist, now, 0)
}

// scoreLiveKept is scoreLive with raw events kept for retention after
// their receipt (event_retention; 0: kept).
func scoreLiveKept(t *testing.T, rules *rulebook.Rules, hist map[string][]deployedEvent, now time.Time, retention time.Duration) *replayFixture {
	ctx := context.Background()
	f := newReplayFixture(t, now, rules)
	f.log.Retention = retention
	emails := make([]string, 0, len(hist))
	for e := range hist {
		emails = append(emails, e)
	}
	sort.Strings(emails)
	type step struct {
		email string
		e     deployedEvent
	}
	var all []step
	for _, e := range emails {
		for _, x := range hist[e] {
			all = append(all, step{e, x})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].e.ev.Timestamp.Before(all[j].e.ev.Timestamp) })
	for _, s := range all {
		f.clk.Set(s.e.ev.Timestamp)
		if _, err := f.log.Append(ctx, []event.Event{s.e.ev}); err != nil {
			t.Fatal(err)
		}
		if s.e.ident {
			fields := map[string]string{}
			for k, v := range s.e.fields {
				if k != "email" {
					fields[k] = v
				}
			}
			if _, _, err := f.st.Identify(ctx, identity.Identification{Visitor: s.e.ev.VisitorID, Email: s.email, Fields: fields, At: s.e.ev.Timestamp, Strength: identity.Strong}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.q.Process(ctx, []event.Event{s.e.ev}); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.Set(now)
	return f
}

// TestSimulatedCandidateIsWhatDeployingItRaises: the lab's replay of a
// candidate is what live scoring raises once the candidate is deployed.
// One history is scored live under the rules in force (the store the lab
// reads) and again under each candidate (the store after deploying it):
// the lab's replay of the rules in force credits every MQL raised to the
// same condition and time, and its replay of each candidate raises, person
// by person, the MQLs live scoring under it raised (condition and time),
// so its counts by condition and month are the deployed ones. Candidates:
// a rule that fires less, a condition removed, one without decay whose
// threshold scores meet exactly, one without grades.
func TestSimulatedCandidateIsWhatDeployingItRaises(t *testing.T) {
	ctx := context.Background()
	cur, err := rulebook.Parse("rules.yaml", []byte(deployedRules))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 8, 1, 9, 0, 0, 0, time.UTC)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	hist := deployedHistory(7, 60, start)
	cands := map[string]string{
		"pricing fires less": strings.Replace(deployedRules, "points: 10, cap_per_day: 10", "points: 5, cap_per_day: 10", 1),
		"cross removed":      strings.Replace(deployedRules, "  - {name: cross, matrix: {hot: [A, B, C], warm: [A]}}\n", "", 1),
		"no decay, 30 exact": strings.Replace(strings.Replace(deployedRules, "decay: {half_life: 30d}\n", "", 1), "min_behaviour: 40", "min_behaviour: 30", 1),
		"any grade":          strings.Replace(deployedRules, "min_behaviour: 40, grades: [A, B]", "min_behaviour: 40", 1),
	}
	live := scoreLive(t, cur, hist, now)
	l := &Lab{T: live.tb, Q: live.q, Rules: cur, Now: live.clk.Now}
	for name, src := range cands {
		cand, err := rulebook.Parse("candidate.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		if src == deployedRules {
			t.Fatalf("%s: the candidate is the rules in force", name)
		}
		deployed := scoreLive(t, cand, hist, now)
		rep, err := l.Simulate(ctx, cand, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Check.Stored == 0 || rep.Check.Same != rep.Check.Stored || rep.Check.Extra != 0 {
			t.Errorf("%s: the replay of the rules in force against the MQLs raised: %+v", name, rep.Check)
		}
		raised := 0
		for e := range hist {
			p, err := live.dir.ByEmail(ctx, e)
			if err != nil {
				continue // never identified
			}
			pd, err := deployed.dir.ByEmail(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			_, sims, err := live.q.Simulate(ctx, p.ID, &rulebook.Engine{R: cand})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := deployed.q.MQLs(ctx, pd.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got, want []string
			for _, m := range sims[0].MQLs {
				got = append(got, m.Condition+" "+m.At.Format(time.RFC3339))
			}
			for _, m := range ms {
				want = append(want, m.Condition+" "+m.At.Format(time.RFC3339))
			}
			raised += len(ms)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s, %s: the lab raises %v; deployed, live scoring raised %v", name, e, got, want)
			}
		}
		if raised == 0 || rep.Candidate.MQLs != raised {
			t.Errorf("%s: the lab counts %d MQLs; deployed, %d were raised", name, rep.Candidate.MQLs, raised)
		}
	}
}
