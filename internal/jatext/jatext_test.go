package jatext_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestNamesEveryTypeAndChannel: every event type has a Japanese name, and
// an English one unless its code is plain English already (the English
// summary sales read said "form_submit"); every channel a touch may have
// has a Japanese name, and says itself in English.
func TestNamesEveryTypeAndChannel(t *testing.T) {
	types := []string{event.PageView, event.Download, event.Outbound, event.FormSubmit, event.EmailClick, event.EmailOpen, event.Custom, event.Identify, event.Offline}
	for _, ty := range types {
		if _, ok := jatext.Names[ty]; !ok {
			t.Errorf("no Japanese name for event type %s", ty)
		}
		en := jatext.Name("en", ty)
		if strings.ContainsAny(en, "_-") || (en == ty && ty != event.Download && ty != event.Custom) {
			t.Errorf("event type %s reads %q in English", ty, en)
		}
	}
	for _, ch := range qualify.Channels() {
		if _, ok := jatext.Names["channel:"+ch]; !ok {
			t.Errorf("no Japanese name for channel %s", ch)
		}
		if en := jatext.Name("en", "channel:"+ch); en != ch {
			t.Errorf("channel %s reads %q in English, not as the English pages and CSV say it", ch, en)
		}
	}
}

// TestNameFallsBackToCode: a key a language has no name for reads as its
// code without its kind; Japanese and English keep the same keys.
func TestNameFallsBackToCode(t *testing.T) {
	for _, c := range []struct{ lang, key, want string }{
		{"en", "form_submit", "form submit"}, {"ja", "form_submit", "フォーム送信"},
		{"en", "stage:sal", "SAL (accepted)"}, {"ja", "stage:lost", "失注"}, {"en", "stage:lost", "lost"},
		{"en", "role:decision_maker", "decision maker"}, {"ja", "role:decision_maker", "決裁者"},
		{"en", "role:champion", "champion"}, {"ja", "channel:partner", "partner"}, {"en", "channel:search", "search"},
		{"ja", "channel:search", "自然検索"}, {"en", "attr:budget", "budget"}, {"en", "webinar_signup", "webinar_signup"},
	} {
		if got := jatext.Name(c.lang, c.key); got != c.want {
			t.Errorf("Name(%q, %q) = %q, want %q", c.lang, c.key, got, c.want)
		}
	}
	for k := range jatext.English {
		if _, ok := jatext.Names[k]; !ok {
			t.Errorf("English names %q, Japanese does not", k)
		}
	}
}

// TestEnglishPhrase: an MQA's reasons name buying-group roles by code;
// English readers see their names, counts kept, an unknown role as it is.
func TestEnglishPhrase(t *testing.T) {
	for in, want := range map[string]string{
		"roles present: decision_maker, manager":         "roles present: decision maker, manager",
		"buying group: decision_maker 1, practitioner 2": "buying group: decision maker 1, practitioner 2",
		"roles present: champion":                        "roles present: champion",
		"account score 120":                              "",
		"BANT 3 of 4 (budget, authority, need) >= 3":     "",
	} {
		if got := jatext.EnglishPhrase(in); got != want {
			t.Errorf("EnglishPhrase(%q) = %q, want %q", in, got, want)
		}
	}
	if got := jatext.EnglishOr("account score 120"); got != "account score 120" {
		t.Errorf("EnglishOr kept nothing: %q", got)
	}
}
