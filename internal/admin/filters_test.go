package admin

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/rulebook"
)

// TestFilterRefusalsInJapanese: each refusal of a list's filter reads in
// Japanese on a Japanese page, naming the parameter as the English does.
func TestFilterRefusalsInJapanese(t *testing.T) {
	h := &Handler{}
	var bads []*badParam
	for _, q := range []string{"stage=x", "grade=Z", "from=x", "to=x", "from=2026-12-02&to=2026-12-01", "after=%ff"} {
		vs, _ := url.ParseQuery(q)
		_, _, bad := h.mqlQuery(vs)
		bads = append(bads, bad)
	}
	for _, q := range []string{"reached=nope", "after=nope"} {
		vs, _ := url.ParseQuery(q)
		bads = append(bads, (&Handler{Reports: &Reports{}, Workspace: &Workspace{}}).peopleQuery(vs))
	}
	vs, _ := url.ParseQuery("reached=mql")
	bads = append(bads, h.peopleQuery(vs))
	for _, c := range []struct{ q, name string }{{"page=-1", "page"}, {"limit=x", "limit"}} {
		vs, _ := url.ParseQuery(c.q)
		_, bad := whole(vs, c.name, 0, 0, 10)
		bads = append(bads, bad)
	}
	for _, c := range []struct {
		q, name string
		allowed []string
	}{{"model=x", "model", []string{"first"}}, {"action=x", "action", auditActions}, {"sort=x", "sort", []string{"score"}}, {"format=x", "format", []string{"csv"}}, {"lang=x", "lang", []string{"ja"}}} {
		vs, _ := url.ParseQuery(c.q)
		bads = append(bads, oneOf(vs, c.name, c.allowed))
	}
	bads = append(bads, &badParam{"month", errMonthAndPeriod.Error()})
	vs, _ = url.ParseQuery("stage=mql&stage=sal") // refused by every route (require)
	bads = append(bads, once(vs, "stage"))
	p := page{L: "ja"}
	for _, bad := range bads {
		if bad == nil {
			t.Fatal("a bad filter was taken")
		}
		if !strings.HasPrefix(bad.Msg, bad.Field+" ") {
			t.Errorf("%q does not start with its parameter %s", bad.Msg, bad.Field)
		}
		j := p.T(bad.Msg)
		if j == bad.Msg || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Hiragana, unicode.Katakana) }) || !strings.Contains(j, bad.Field) {
			t.Errorf("%q in Japanese: %q", bad.Msg, j)
		}
	}
}

// FuzzDayRange: any from and to is a range (from before to, each the
// start of a day in the zone) or a refusal naming one of them.
func FuzzDayRange(f *testing.F) {
	for _, s := range [][2]string{{"2026-11-01", "2026-11-30"}, {"", "2026-11-30"}, {"2026-12-02", "2026-12-01"}, {"24/11/2026", ""}, {"9999-12-31", "0000-01-01"}} {
		f.Add(s[0], s[1])
	}
	loc := time.FixedZone("JST", 9*3600)
	f.Fuzz(func(t *testing.T, from, to string) {
		from1, to1, bad := dayRange(url.Values{"from": {from}, "to": {to}}, loc)
		if bad != nil {
			if bad.Field != "from" && bad.Field != "to" || !strings.HasPrefix(bad.Msg, bad.Field+" ") {
				t.Fatalf("%q %q: %+v", from, to, bad)
			}
			return
		}
		if from != "" && (from1.In(loc).Format("2006-01-02") != from) || to != "" && !to1.After(from1) {
			t.Fatalf("%q %q: %v %v", from, to, from1, to1)
		}
	})
}

// TestGradeChoicesOfferD: the grade filters (people, MQLs) offer the
// rules' grades and D, the grade below them all, which no rules file
// names: people graded D were listed and could not be chosen.
func TestGradeChoicesOfferD(t *testing.T) {
	h := &Handler{Lab: &lab.Lab{Rules: &rulebook.Rules{Grades: []rulebook.GradeThreshold{{Grade: "A", Min: 80}, {Grade: "B", Min: 50}, {Grade: "C", Min: 20}}}}}
	if got := strings.Join(h.gradeChoices(), ","); got != "A,B,C,D" {
		t.Errorf("choices %s", got)
	}
	if got := strings.Join(h.gradeChoices("", "S"), ","); got != "A,B,C,D,S" {
		t.Errorf("with a grade seen: %s", got)
	}
	if got := strings.Join((&Handler{}).gradeChoices(), ","); got != "D" {
		t.Errorf("without rules: %s", got)
	}
}
