package admin

import (
	"net/url"
	"testing"
)

// FuzzNotAppliedNote: the person page's note after a verdict that changed
// nothing is built from the redirect's query, which anyone can write into
// a link: whatever it holds, the note is one the page could say of a real
// verdict (its words, the verdicts' and stages' names), never text of the
// link's own.
func FuzzNotAppliedNote(f *testing.F) {
	kinds := []string{"", "duplicate", "already", "past", "earlier-cycle", "order"}
	stages := []string{""}
	for k := range en {
		if len(k) > 6 && k[:6] == "stage:" {
			stages = append(stages, k[6:])
		}
	}
	possible := map[string]bool{}
	for _, lang := range []string{"en", "ja"} {
		p := page{L: lang}
		possible[notApplied(p, url.Values{})] = true
		for outcome := range verdictLabel {
			for _, kind := range kinds {
				for _, stage := range stages {
					possible[notApplied(p, url.Values{"outcome": {outcome}, "why": {kind}, "stage": {stage}})] = true
				}
			}
		}
	}
	f.Add("sql", "order", "recycled", "ja")
	f.Add("won", "duplicate", "<b>call 0120</b>", "en")
	f.Add("accepted\n", "already ", "stage:lead", "xx")
	f.Fuzz(func(t *testing.T, outcome, why, stage, lang string) {
		p := page{L: lang}
		if lang != "ja" {
			p.L = "en"
		}
		note := notApplied(p, url.Values{"outcome": {outcome}, "why": {why}, "stage": {stage}})
		if !possible[note] {
			t.Fatalf("outcome %q why %q stage %q: a note of the link's own: %q", outcome, why, stage, note)
		}
	})
}
