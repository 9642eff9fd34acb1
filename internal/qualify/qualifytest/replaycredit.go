package qualifytest

import (
	"context"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table/tabletest"
)

// replayCreditsTheLiveCondition: a person browses anonymously to 32
// points (warm), then sends a form (35 points more) whose title makes them
// grade A. Live scoring judged them once the form linked them, the form
// applied: 67, hot-and-fit. The lab's replay of the same rules judged them
// at their identification before the form, 32 warm with the form's grade
// A, and credited cross-scoring: the definition lab's replay of the rules
// in force disagreed with the MQL stored, and a candidate dropping
// cross-scoring looked as if it lost every such MQL.
func replayCreditsTheLiveCondition(t *testing.T, f tabletest.Factory) {
	ctx := context.Background()
	rules, err := rulebook.Parse("rules.yaml", []byte(`name: credit
decay:
  half_life: 30d
behaviour:
  - name: pricing-page
    type: page_view
    points: 8
  - name: contact-form
    type: form_submit
    points: 35
fit:
  rules:
    - name: decision-maker-title
      attribute: title
      match: "re:部長"
      points: 50
grades:
  A: 50
  B: 30
  C: 10
bands:
  - { name: hot,  min: 60 }
  - { name: warm, min: 30 }
  - { name: cold, min: 0 }
mql:
  - name: hot-and-fit
    min_behaviour: 40
    grades: [A, B]
  - name: cross-scoring
    matrix:
      hot:  [A, B, C]
      warm: [A]
`))
	if err != nil {
		t.Fatal(err)
	}
	x := newFx(t, f)
	engine := &rulebook.Engine{R: rules}
	x.q.Engine = engine
	var anon []event.Event
	for i := range 4 {
		anon = append(anon, ev("vc", "pv"+string(rune('a'+i)), event.PageView, t0.Add(time.Duration(i)*time.Minute)))
	}
	x.store(t, anon...)
	x.process(t, anon...) // anonymous: nobody to score yet
	form := ev("vc", "form", event.FormSubmit, t0.Add(10*time.Minute))
	form.Properties = map[string]any{"fields": map[string]any{"email": "bucho@maker.example", "title": "営業部長"}}
	x.clk.Set(form.Timestamp)
	// As the collector does: the form stored, then the person made with
	// its fields and the browser linked, then the form scored.
	x.store(t, form)
	p, _, err := x.st.Identify(ctx, identity.Identification{Visitor: "vc", Email: "bucho@maker.example",
		Fields: map[string]string{"title": "営業部長"}, At: form.Timestamp, Strength: identity.Strong})
	if err != nil {
		t.Fatal(err)
	}
	x.process(t, form)
	ms, err := x.q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 || ms[0].Condition != "hot-and-fit" {
		t.Fatalf("live MQLs %+v %v; want one, hot-and-fit", ms, err)
	}
	x.clk.Set(form.Timestamp.Add(time.Hour))
	_, sims, err := x.q.Simulate(ctx, p.ID, engine)
	if err != nil {
		t.Fatal(err)
	}
	got := sims[0].MQLs
	if len(got) != 1 || got[0].Condition != ms[0].Condition || !got[0].At.Equal(ms[0].At) {
		t.Fatalf("the replay of the rules in force credits %+v; live scoring raised %s at %v", got, ms[0].Condition, ms[0].At)
	}
}
