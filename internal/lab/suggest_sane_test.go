package lab

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
)

// suggestLab scores people live under rules (each identified by a form,
// demo or newsletter, then viewing views pages) and records sales'
// outcome of each one's MQL: the lab that suggests from them.
func suggestLab(t *testing.T, rules string, people []suggestPerson) *Lab {
	t.Helper()
	return suggestLabFields(t, rules, people, nil)
}

// suggestLabFields is suggestLab whose person i's form also gives
// fields(i) (employees, industry: what fit rules read).
func suggestLabFields(t *testing.T, rules string, people []suggestPerson, fields func(i int) map[string]string) *Lab {
	t.Helper()
	ctx := context.Background()
	cur, err := rulebook.Parse("rules.yaml", []byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)
	now := start.Add(60 * 24 * time.Hour)
	hist := map[string][]deployedEvent{}
	for i, p := range people {
		email := fmt.Sprintf("s%02d@maker.example", i)
		vis := fmt.Sprintf("sv%02d", i)
		at := start.Add(time.Duration(i) * time.Hour)
		given, ff := map[string]any{"email": email}, map[string]string{"email": email}
		if fields != nil {
			for k, v := range fields(i) {
				given[k], ff[k] = v, v
			}
		}
		form := event.Event{ID: vis + "-form", Type: event.FormSubmit, VisitorID: vis, URL: "https://www.example.com/" + p.form, Timestamp: at, ReceivedAt: at,
			Properties: map[string]any{"form": map[string]any{"id": p.form}, "fields": given}}
		evs := []deployedEvent{{ev: form, ident: true, fields: ff}}
		for j := 0; j < p.views; j++ {
			at := at.Add(time.Duration(j+1) * time.Minute)
			evs = append(evs, deployedEvent{ev: event.Event{ID: fmt.Sprintf("%s-%02d", vis, j), Type: event.PageView, VisitorID: vis, URL: "https://www.example.com/", Timestamp: at, ReceivedAt: at}})
		}
		hist[email] = evs
	}
	live := scoreLive(t, cur, hist, now)
	for i, p := range people {
		who, err := live.dir.ByEmail(ctx, fmt.Sprintf("s%02d@maker.example", i))
		if err != nil {
			t.Fatal(err)
		}
		if rec, _ := live.q.Record(ctx, who.ID); rec.Stage != qualify.StageMQL {
			t.Fatalf("person %d (%+v) is no MQL: %+v", i, p, rec.Verdict)
		}
		if res, err := live.q.OutcomeWhy(ctx, who.ID, p.outcome, "", "rep@acme.example", "", now); err != nil || !res.Applied {
			t.Fatalf("person %d %s: %+v %v", i, p.outcome, res, err)
		}
	}
	return &Lab{T: live.tb, Q: live.q, Rules: cur, Text: []byte(rules), File: "rules.yaml", Now: live.clk.Now}
}

type suggestPerson struct {
	form    string // demo or newsletter
	views   int
	outcome string // accepted or rejected
}

func suggestPeople(n int, p suggestPerson) []suggestPerson {
	out := make([]suggestPerson, n)
	for i := range out {
		out[i] = p
	}
	return out
}

// hotRules: page views 10 points, a demo form 100, and one condition,
// hot, at behaviour 40: the threshold proposals' fixture.
const hotRules = `name: cur
behaviour:
  - {name: pv, type: page_view, points: 10}
  - {name: demo, type: form_submit, form: "re:demo", points: 100}
mql:
  - name: hot
    min_behaviour: 40
`

// conditionEvidence is the suggestions' evidence on the MQL condition
// name (zero when there is none).
func conditionEvidence(s Suggestions, name string) Evidence {
	for _, e := range s.Items {
		if e.Kind == "condition" && e.Name == name {
			return e
		}
	}
	return Evidence{}
}

// simulateProposal replays the rules file p makes of rules on l's people.
func simulateProposal(t *testing.T, l *Lab, rules string, p *Proposal) Report {
	t.Helper()
	cand, err := rulebook.Parse("rules.yaml", patched([]byte(rules), []*Proposal{p}))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := l.Simulate(context.Background(), cand, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// appliedParses applies the suggestions' diff to the rules file with git
// apply (applyUnified without git) and parses what it makes: a reviewer
// applies the diff and opens a pull request with it.
func appliedParses(t *testing.T, rules string, s Suggestions) {
	t.Helper()
	if s.Diff == "" {
		return
	}
	got := applyUnified(t, rules, s.Diff)
	if b, ok := gitApply(t, rules, s.Diff); ok && b != got {
		t.Fatalf("git applied:\n%s\napplyUnified:\n%s", b, got)
	}
	if _, err := rulebook.Parse("rules.yaml", []byte(got)); err != nil {
		t.Errorf("the rules file the suggestions' diff makes does not parse: %v\n%s", err, s.Diff)
	}
}

// TestSuggestionsNoThresholdWithoutAClearDifference: every answered MQL
// rejected, those at behaviour 40 and those at 100 alike. It proposed
// raising min_behaviour 40 -> 100 (the highest score seen: every MQL below
// it was rejected) although those at 100 were rejected just as often and
// its verdict said no clear difference. A higher min_behaviour is
// proposed only when the MQLs below it were clearly less often accepted
// than those it keeps; here nothing is proposed, and the verdict says so.
func TestSuggestionsNoThresholdWithoutAClearDifference(t *testing.T) {
	rules := hotRules
	people := append(suggestPeople(4, suggestPerson{"newsletter", 4, "rejected"}), suggestPeople(4, suggestPerson{"demo", 0, "rejected"})...)
	s, err := suggestLab(t, rules, people).Suggest(context.Background(), 5)
	if err != nil {
		t.Fatal(err)
	}
	if s.Baseline.Answered != 8 || s.Baseline.Rejected != 8 {
		t.Fatalf("baseline: %+v", s.Baseline)
	}
	for _, e := range s.Items {
		if e.Proposal != nil {
			t.Errorf("%s %s: proposed %s %g -> %g; verdict %q", e.Kind, e.Name, e.Proposal.Field, e.Proposal.From, e.Proposal.To, e.Verdict)
		}
		if e.Kind == "condition" && !strings.Contains(e.Verdict, "no higher min_behaviour drops MQLs clearly less often accepted than those it keeps") {
			t.Errorf("condition %s: verdict %q", e.Name, e.Verdict)
		}
	}
	if s.Diff != "" {
		t.Errorf("diff:\n%s", s.Diff)
	}
	appliedParses(t, rules, s)
}
