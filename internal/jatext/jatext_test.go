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

// TestWaitSaysEveryPart: a recycled lead's wait, as the rules engine
// words it (rulebook.Engine.waiting), reads in Japanese and in English
// with each part still unmet: the cooldown's end and the new behaviour
// points needed, with those earned so far. The cooldown's alone read as
// the day the person qualifies again (…まで MQL になりません). A wait
// stored before reads as it was, the points' one as the engine says it
// now; the rules file's keys read after it, or are cut off by the page.
func TestWaitSaysEveryPart(t *testing.T) {
	const at, until = "2026-12-06T02:22:00Z", "2026-12-07T02:22:00Z"
	for _, c := range []struct{ en, ja, eng string }{
		{"recycled " + at + ": no MQL before " + until + " and until 20 new behaviour points since (8 so far)",
			at + " にナーチャリングに戻したため、" + until + " まで、かつ戻した後の新たな行動スコアが 20 点に達するまで MQL になりません（現在 8 点）",
			"recycled " + at + ": cannot qualify again before " + until + ", and until 20 new behaviour points after the recycle (8 so far)"},
		{"recycled " + at + ": no MQL before " + until + " and until 20 new behaviour points since (8 so far) (recycle.cooldown, recycle.min_new_behaviour)",
			at + " にナーチャリングに戻したため、" + until + " まで、かつ戻した後の新たな行動スコアが 20 点に達するまで MQL になりません（現在 8 点）（recycle.cooldown, recycle.min_new_behaviour）",
			"recycled " + at + ": cannot qualify again before " + until + ", and until 20 new behaviour points after the recycle (8 so far) (recycle.cooldown, recycle.min_new_behaviour)"},
		{"recycled " + at + ": no MQL before " + until + " and until 20 new behaviour points since",
			at + " にナーチャリングに戻したため、" + until + " まで、かつ戻した後の新たな行動スコアが 20 点に達するまで MQL になりません",
			"recycled " + at + ": cannot qualify again before " + until + ", and until 20 new behaviour points after the recycle"},
		{"recycled " + at + ": no MQL until 20 new behaviour points since (8.5 so far) (recycle.min_new_behaviour)",
			at + " にナーチャリングに戻したため、戻した後の新たな行動スコアが 20 点に達するまで MQL になりません（現在 8.5 点）（recycle.min_new_behaviour）",
			"recycled " + at + ": cannot qualify again until 20 new behaviour points after the recycle (8.5 so far) (recycle.min_new_behaviour)"},
		{"recycled " + at + ": no MQL before " + until + " (23 of 20 new behaviour points since)",
			at + " にナーチャリングに戻したため、" + until + " まで MQL になりません（戻した後の新たな行動スコアは 23 点で、必要な 20 点に達しています）",
			"recycled " + at + ": cannot qualify again before " + until + " (23 new behaviour points after the recycle: the 20 needed are reached)"},
		// Stored before the wait said every part.
		{"recycled " + at + ": no MQL before " + until,
			at + " にナーチャリングに戻したため、" + until + " まで MQL になりません",
			"recycled " + at + ": cannot qualify again before " + until},
		{"recycled " + at + ": 8 of 20 behaviour points earned since (recycle.min_new_behaviour)",
			at + " にナーチャリングに戻したため、戻した後の新たな行動スコアが 20 点に達するまで MQL になりません（現在 8 点）（recycle.min_new_behaviour）",
			"recycled " + at + ": cannot qualify again until 20 new behaviour points after the recycle (8 so far) (recycle.min_new_behaviour)"},
	} {
		if got := jatext.Phrase(c.en); got != c.ja {
			t.Errorf("%q in Japanese:\n got %q\nwant %q", c.en, got, c.ja)
		}
		if got := jatext.EnglishPhrase(c.en); got != c.eng {
			t.Errorf("%q in English:\n got %q\nwant %q", c.en, got, c.eng)
		}
	}
}
