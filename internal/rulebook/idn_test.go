package rulebook

import (
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestIDNDomainsInRules: a rules file names an internationalised domain
// as typed (ライバル.jp), a person's email has it in its ASCII form
// (event.NormalizeEmail), or as typed when stored by an earlier version:
// each matches.
func TestIDNDomainsInRules(t *testing.T) {
	r, err := Parse("rules.yaml", []byte("fit:\n  rules:\n    - {name: ours, attribute: email_domain, in: [例え.jp], points: 10}\n  competitors: [ライバル.jp]\ngrades: {A: 10}\nmql:\n  - {name: x, grades: [A]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := &Engine{R: r}
	for _, raw := range []string{"taro@例え.jp", "taro@xn--r8jz45g.jp"} {
		email, err := event.NormalizeEmail(raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, em := range []string{email, raw} {
			if s, _, _, _ := e.Fit(nil, em); s != 10 {
				t.Errorf("%s: fit %v, want 10", em, s)
			}
		}
	}
	for _, raw := range []string{"spy@ライバル.jp", "spy@" + event.ASCIIDomain("ライバル.jp")} {
		email, _ := event.NormalizeEmail(raw)
		for _, em := range []string{email, raw} {
			if _, _, _, ex := e.Fit(nil, em); ex == "" {
				t.Errorf("%s: competitor not excluded", em)
			}
		}
	}
}
