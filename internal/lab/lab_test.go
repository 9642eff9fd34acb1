package lab

import (
	"math"
	"os"
	"strings"
	"testing"
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
