package stack_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/baton-hq/baton/infra/local/stack"
)

// TestInboxSetsAnsweredLeadsApart: a lead sales had answered looked like
// a new one in the inbox, so sales could not see what was left. An
// answered lead's card is marked (answered, with the verdict and when,
// muted by its class); a lead nobody answered says it awaits a verdict.
func TestInboxSetsAnsweredLeadsApart(t *testing.T) {
	s := stack.ForTest(t, map[string]string{"BATON_CONFIG": withToken(t, "timezone: Asia/Tokyo\n", "analyst", "inbox-reader-token-0123456789", "read")})
	done := qualifyOne(t, s, "ia-1", "done@maker.example")
	open := qualifyOne(t, s, "ia-2", "open@maker.example")
	deliver(t, s, func() bool {
		_, b := do(t, "GET", s.URL+"/admin/inbox", token, "")
		return strings.Contains(string(b), done) && strings.Contains(string(b), open)
	})
	if code, b := do(t, "POST", s.URL+"/admin/people/"+done+"/outcome", token, `{"outcome":"accepted"}`); code != 200 {
		t.Fatalf("verdict: %d %s", code, b)
	}
	card := regexp.MustCompile(`(?s)<div class="card lead( answered)?" id="lead-[^"]+"><h2><a href="people/([^"]+)">.*?</h2>`)
	for lang, want := range map[string][2]string{"en": {"Answered: Accepted (SAL)", "Awaiting verdict"}, "ja": {"回答済み：受入（SAL）", "未回答"}} {
		code, b := page(t, s, "/admin/inbox?lang="+lang, token)
		if code != 200 {
			t.Fatalf("inbox: %d %s", code, b)
		}
		cards := map[string][]string{}
		for _, m := range card.FindAllStringSubmatch(string(b), -1) {
			cards[m[2]] = m
		}
		// The time it was answered on one line, not a heading's weight.
		if c := cards[done]; c == nil || c[1] != " answered" || !strings.Contains(c[0], want[0]) || !strings.Contains(c[0], `<span class="small muted nw answered-at">`) {
			t.Errorf("%s: the answered lead's card: %q", lang, c)
		}
		if c := cards[open]; c == nil || c[1] != "" || !strings.Contains(c[0], want[1]) {
			t.Errorf("%s: the open lead's card: %q", lang, c)
		}
	}
}
