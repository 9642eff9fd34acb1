package qualify

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// sameJudgement compares every field of a verdict but the behaviour score:
// a field added to Verdict and not compared fails here.
func TestSameJudgementComparesEveryField(t *testing.T) {
	base := Verdict{Behaviour: 1, Fit: 2, Grade: "B", Band: "warm", BANT: 1, Excluded: "", Condition: "hot", Waiting: "",
		Facts: []string{"a"}, FitRules: []Contribution{{Rule: "title", Kind: "fit", Delta: 30, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}}
	if !sameJudgement(base, base) {
		t.Fatal("a verdict judges unlike itself")
	}
	other := base
	other.Behaviour = 99
	other.FitRules = []Contribution{base.FitRules[0]}
	other.FitRules[0].At = other.FitRules[0].At.In(time.FixedZone("JST", 9*3600))
	if !sameJudgement(base, other) {
		t.Fatal("the behaviour score or a time's zone made verdicts differ")
	}
	v := reflect.TypeOf(base)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Name == "Behaviour" {
			continue
		}
		changed := base
		fv := reflect.ValueOf(&changed).Elem().Field(i)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(fv.String() + "x")
		case reflect.Float64:
			fv.SetFloat(fv.Float() + 1)
		case reflect.Int:
			fv.SetInt(fv.Int() + 1)
		case reflect.Slice:
			fv.Set(reflect.Append(fv, reflect.New(f.Type.Elem()).Elem()))
		default:
			t.Fatalf("field %s: kind %s not covered by this test", f.Name, fv.Kind())
		}
		if sameJudgement(base, changed) {
			t.Errorf("field %s changed, verdicts judged alike", f.Name)
		}
	}
}

// A fit rule holds at no one time: the JSON (explain, MQLs, webhooks) said
// "at": "0001-01-01T00:00:00Z" for it.
func TestFitContributionHasNoTime(t *testing.T) {
	b, err := json.Marshal([]Contribution{{Rule: "title", Kind: "fit", Delta: 30}, {Rule: "pricing", Kind: "behaviour", Delta: 5, At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}})
	if err != nil || string(b) != `[{"rule":"title","kind":"fit","delta":30},{"rule":"pricing","kind":"behaviour","delta":5,"at":"2026-01-02T03:04:05Z"}]` {
		t.Fatalf("%v %s", err, b)
	}
}
