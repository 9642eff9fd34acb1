package lab

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

func TestWilson(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{{0, 0, 0, 1}, {5, 10, 0.2366, 0.7634}, {4, 5, 0.3755, 0.9638}, {0, 10, 0, 0.2775}, {10, 10, 0.7225, 1}} {
		lo, hi := Wilson(c.k, c.n)
		if math.Abs(lo-c.lo) > 1e-3 || math.Abs(hi-c.hi) > 1e-3 {
			t.Errorf("Wilson(%d, %d) = %.4f, %.4f; want %.4f, %.4f", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
}

func TestParseShare(t *testing.T) {
	for in, want := range map[string]float64{"10%": 0.1, "0.1": 0.1, "0": 0, "2.5%": 0.025} {
		if got, err := ParseShare(in); err != nil || math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "ten", "-5%", "%"} {
		if _, err := ParseShare(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestLocateKeepsComments: a proposal changes the value only, on the line
// the shipped rules file has it, with its comment.
func TestLocateKeepsComments(t *testing.T) {
	text, err := os.ReadFile("../../infra/rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spots := locate(text)
	pd := spots["behaviour[0].points"]
	if pd.value != "1" || !strings.Contains(pd.text, "points: 1") {
		t.Fatalf("behaviour[0].points: %+v", pd)
	}
	fm := spots["fit.free_mail.points"]
	p := fm.propose("fit.free_mail.points", -20, -10, "why")
	if p.Old != "    points: -20               # default list of consumer mail domains (gmail.com, yahoo.co.jp, ...)" ||
		p.New != "    points: -10               # default list of consumer mail domains (gmail.com, yahoo.co.jp, ...)" {
		t.Fatalf("free mail: %+v", p)
	}
	if mb := spots["mql[0].min_behaviour"]; mb.value != "40" || mb.line != strings.Count(string(text[:strings.Index(string(text), "min_behaviour: 40")]), "\n")+1 {
		t.Fatalf("min_behaviour: %+v", mb)
	}
	if _, ok := spots["mql[1].min_behaviour"]; ok {
		t.Fatal("bant-confirmed has no min_behaviour")
	}
}

// TestMovesAreAgainstStored: who would become or stop being an MQL is the
// candidate's replay against who is an MQL as stored, not against the
// replay under the rules in force; the stored counts are the MQLs as
// raised, by the condition stored with each, beside the two replays.
func TestMovesAreAgainstStored(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 10, d, 9, 0, 0, 0, time.UTC) }
	sim := func(cond string, at time.Time) qualify.Simulation {
		s := qualify.Simulation{MQLs: []qualify.SimMQL{}}
		if cond != "" {
			s.MQLs = append(s.MQLs, qualify.SimMQL{Condition: cond, At: at, Cycle: 1})
		}
		return s
	}
	person := func(id, stage, cond string, at time.Time) *reports.Person {
		p := &reports.Person{ID: id, Rec: qualify.Record{Person: id, Stage: stage}}
		if cond != "" {
			p.MQLs = []qualify.MQL{{ID: id + "-c1", Person: id, Cycle: 1, At: at, Condition: cond}}
		}
		return p
	}
	l := &Lab{}
	rep := Report{Current: newSide("in force"), Candidate: newSide("candidate"), Stored: newSide("stored"), WouldBecome: []Person{}, WouldStop: []Person{}}
	for _, c := range []struct {
		p        *reports.Person
		cur, can qualify.Simulation
	}{
		// An MQL raised under a condition since removed (or on attributes
		// since changed): the replay under the rules in force does not
		// qualify them, the candidate does. Already an MQL: not new.
		{person("already", "mql", "former-condition", day(1)), sim("", time.Time{}), sim("wide", day(2))},
		// Qualified by neither the store nor the rules in force.
		{person("newcomer", "lead", "", time.Time{}), sim("", time.Time{}), sim("wide", day(3))},
		// An MQL as stored, and by the replay, not under the candidate.
		{person("dropped", "sal", "hot-and-fit", day(4)), sim("hot-and-fit", day(4)), sim("", time.Time{})},
		// An MQL as stored whom neither replay qualifies: under the
		// candidate they would not be one.
		{person("stale", "rejected", "former-condition", day(5)), sim("", time.Time{}), sim("", time.Time{})},
		// Past MQL by stage without an MQL item in the store: not new.
		{person("accepted", "sql", "", time.Time{}), sim("", time.Time{}), sim("wide", day(6))},
	} {
		l.tally(&rep, c.p, identity.Person{ID: c.p.ID, Email: c.p.ID + "@maker.example"}, c.cur, c.can)
	}
	var become, stop []string
	for _, p := range rep.WouldBecome {
		become = append(become, p.ID+" "+p.Condition+" "+p.At.Format("01-02"))
	}
	for _, p := range rep.WouldStop {
		stop = append(stop, p.ID+" "+p.Condition+" "+p.At.Format("01-02"))
	}
	if fmt.Sprint(become) != "[newcomer wide 10-03]" {
		t.Errorf("would become: %v", become)
	}
	if fmt.Sprint(stop) != "[dropped hot-and-fit 10-04 stale former-condition 10-05]" {
		t.Errorf("would stop: %v", stop)
	}
	if s := rep.Stored; s.MQLs != 3 || s.People != 3 || s.ByCondition["former-condition"] != 2 || s.ByCondition["hot-and-fit"] != 1 || s.ByMonth["2026-10"] != 3 {
		t.Errorf("stored: %+v", s)
	}
	if c, d := rep.Current, rep.Candidate; c.MQLs != 1 || c.ByCondition["hot-and-fit"] != 1 || d.MQLs != 3 || d.ByCondition["wide"] != 3 {
		t.Errorf("replays: %+v %+v", c, d)
	}
}

// TestAcceptRateNullUntilAnswered: a rule none of whose MQLs sales answered
// has no accept rate (null in the JSON, as the page shows none), not 0%;
// one answered and rejected is a measured 0.
func TestAcceptRateNullUntilAnswered(t *testing.T) {
	waiting := fate{rules: map[string]bool{"r": true}}
	rejected := fate{rules: map[string]bool{"r": true}, answered: true, o: Outcome{Rejected: true}}
	for _, c := range []struct {
		fates []fate
		want  string
	}{
		{[]fate{waiting}, `"answered":0,"accepted":0,"sql":0,"won":0,"rejected":0,"lost":0,"acceptRate":null,"acceptCI":[0,1]`},
		{[]fate{waiting, rejected}, `"answered":1,"accepted":0,"sql":0,"won":0,"rejected":1,"lost":0,"acceptRate":0,"acceptCI":[0,0.793]`},
	} {
		e := evidence("behaviour", "r", 5, c.fates, func(f fate) bool { return f.rules["r"] })
		b, err := json.Marshal(e)
		if err != nil || !strings.Contains(string(b), c.want) {
			t.Errorf("%d fates: %s %v, want %s", len(c.fates), b, err, c.want)
		}
	}
}

// TestWithdrawnPeopleWouldNotBecomeMQLs: a person who withdrew consent
// (POST /optout) gets no MQL while the withdrawal stands (live scoring and
// a rescore raise none, one queued is dead-lettered): a candidate that
// qualifies their earlier history would not make them one, and the lab
// must not name them among the people it would hand to sales.
func TestWithdrawnPeopleWouldNotBecomeMQLs(t *testing.T) {
	at := time.Date(2026, 12, 3, 21, 8, 14, 0, time.UTC)
	can := qualify.Simulation{MQLs: []qualify.SimMQL{{Condition: "hot-and-fit", At: at, Cycle: 1}}}
	cur := qualify.Simulation{MQLs: []qualify.SimMQL{}}
	l := &Lab{}
	rep := Report{Current: newSide("in force"), Candidate: newSide("candidate"), Stored: newSide("stored"), WouldBecome: []Person{}, WouldStop: []Person{}}
	rp := &reports.Person{ID: "p_optout", Rec: qualify.Record{Person: "p_optout", Stage: "lead"}}
	p := identity.Person{ID: "p_optout", Email: "optout@maker.example", ConsentWithdrawn: at.Add(10 * time.Second)}
	l.tally(&rep, rp, p, cur, can)
	if len(rep.WouldBecome) != 0 || rep.Become.People != 0 {
		t.Errorf("would become: %+v (%d people); a person whose withdrawal stands becomes no MQL", rep.WouldBecome, rep.Become.People)
	}
}

// TestWindowIsTheStores: a paged simulation (?limit=, ?after=) worked out
// its history window from its own people, so a page of people who came
// late showed a shorter window and a higher weekly load than the whole.
// The window starts at the earliest first touch of everyone stored.
func TestWindowIsTheStores(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 9, d, 9, 0, 0, 0, time.UTC) }
	people := []*reports.Person{
		{ID: "p_early", Rec: qualify.Record{Touches: []qualify.Touch{{At: day(1)}, {At: day(20)}}}},
		{ID: "p_late", Rec: qualify.Record{Touches: []qualify.Touch{{At: day(28)}}}},
		{ID: "p_none"},
	}
	if got := firstTouch(people); !got.Equal(day(1)) {
		t.Fatalf("first touch %v, want %v", got, day(1))
	}
	if got := firstTouch(people[1:]); !got.Equal(day(28)) {
		t.Fatalf("first touch of the late ones %v", got)
	}
	if got := firstTouch(people[2:]); !got.IsZero() {
		t.Fatalf("no touch: %v", got)
	}
}

// TestCheckSaysWhyTheReplayDiffers: the replay under the rules in force is
// held against the MQLs raised, and where they differ the report says how
// many and why, so that ops do not read a gap of the replay (today's
// attributes, events gone) as what the rules did.
func TestCheckSaysWhyTheReplayDiffers(t *testing.T) {
	at := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	a := qualify.Verdict{Grade: "A"}
	person := func(id, cond, rules string, v qualify.Verdict) *reports.Person {
		p := &reports.Person{ID: id, Rec: qualify.Record{Person: id, Stage: "mql", Rules: rules, Verdict: v}}
		if cond != "" {
			p.MQLs = []qualify.MQL{{ID: id + "-c1", Person: id, Cycle: 1, At: at, Condition: cond, Rules: rules, Verdict: v}}
		}
		return p
	}
	sim := func(cond string, first time.Time, v qualify.Verdict) qualify.Simulation {
		s := qualify.Simulation{Rules: "acme@1", Verdict: v, First: first, MQLs: []qualify.SimMQL{}}
		if cond != "" {
			s.MQLs = append(s.MQLs, qualify.SimMQL{Condition: cond, At: at, Cycle: 1})
		}
		return s
	}
	early := at.Add(-time.Hour)
	var c Check
	for _, x := range []struct {
		p   *reports.Person
		cur qualify.Simulation
	}{
		{person("same", "hot-and-fit", "acme@1", a), sim("hot-and-fit", early, a)},
		{person("rules", "hot-and-fit", "acme@0", a), sim("cross-scoring", early, a)},
		{person("title", "hot-and-fit", "acme@1", a), sim("", early, qualify.Verdict{Grade: "C"})},
		{person("retention", "hot-and-fit", "acme@1", a), sim("", at.Add(time.Hour), a)},
		{person("batch", "hot-and-fit", "acme@1", a), sim("cross-scoring", early, a)},
		{person("extra", "", "acme@1", qualify.Verdict{Grade: "D"}), sim("cross-scoring", early, a)},
	} {
		c.add(x.p, x.cur)
	}
	want := "stored 5 same 1 differ 4 extra 1 why map[attributes:2 events:1 other:1 rules:1]"
	if got := fmt.Sprintf("stored %d same %d differ %d extra %d why %v", c.Stored, c.Same, c.Differ, c.Extra, c.Why); got != want {
		t.Errorf("check: %s; want %s", got, want)
	}
	rep := Report{Check: c, Current: newSide("acme@1"), Candidate: newSide("cand"), Stored: newSide("stored")}
	if txt := rep.Text(); !strings.Contains(txt, "1 of 5 credited alike; 4 credited otherwise or not raised, 1 raised by the replay alone (why: rules changed since 1, attributes changed since 2, events past retention 1, other 1)") {
		t.Errorf("text:\n%s", txt)
	}
}

// TestReopenedMQLIsWhatSalesSaidLast: an MQL rejected, then taken back
// by sales and won, is a won MQL in the evidence, not a rejected one.
func TestReopenedMQLIsWhatSalesSaidLast(t *testing.T) {
	at := time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC)
	hist := []qualify.StageChange{
		{From: qualify.StageLead, To: qualify.StageMQL, At: at},
		{From: qualify.StageMQL, To: qualify.StageRejected, At: at.Add(time.Hour), Why: "時期尚早"},
		{From: qualify.StageRejected, To: qualify.StageRecycled, At: at.Add(time.Hour)},
		{From: qualify.StageRecycled, To: qualify.StageCustomer, At: at.Add(48 * time.Hour)},
	}
	o, lines := OutcomeOf(hist, nil)
	if !o.Won || o.Rejected || !good(o) || len(lines) != 2 {
		t.Fatalf("%+v %q", o, lines)
	}
	if o, _ := OutcomeOf(hist[:3], nil); !o.Rejected || good(o) {
		t.Fatalf("rejected: %+v", o)
	}
}
