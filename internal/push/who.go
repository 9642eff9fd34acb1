package push

import (
	"fmt"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/textcut"
)

// whoWords word a lead's person for a reader who sees no record: the
// webhook's subject and summary, which a receiver posts to a chat channel
// (the SFAs' Task and note hang on the person's record, which names them).
type whoWords struct {
	withCompany, sep, line string
}

var (
	whoEnglish  = whoWords{withCompany: "%s (%s)", sep: ", ", line: "Lead: %s\n"}
	whoJapanese = whoWords{withCompany: "%s（%s）", sep: "・", line: "リード：%s\n"}
)

// whoPartBytes bounds each typed value Who quotes: a subject is one line.
const whoPartBytes = 100

// Who names the person: their name (identity.DisplayName; the email when
// they gave none), then their company and title when known, as
// "山田 太郎（アクメ株式会社・部長）" or "Taro Yamada (Acme, CTO)". The
// values are what the person typed: each on one line, bounded, and with
// any URL not on the team's sites marked as Summary marks typed text
// (event.Unlinked), so a chat tool shows no link a visitor planted.
func (l Lead) Who() string {
	w, mark := whoEnglish, english.offsite
	if l.Lang == "ja" {
		w, mark = whoJapanese, japanese.offsite
	}
	text := func(s string) string {
		s = strings.Join(strings.Fields(textcut.Controls(s)), " ") // one line
		return event.Unlinked(textcut.Bytes(s, whoPartBytes), l.Sites, mark)
	}
	name := text(identity.DisplayName(l.Attributes, l.Email))
	var about []string
	for _, k := range []string{"company", "title"} {
		if v := text(l.Attributes[k]); v != "" {
			about = append(about, v)
		}
	}
	if len(about) == 0 {
		return name
	}
	return fmt.Sprintf(w.withCompany, name, strings.Join(about, w.sep))
}

// NamedSubject is Subject with the person (Who) before the condition:
// "MQL：山田 太郎（アクメ株式会社）— 行動・適合ともに高い" (the condition's
// label, else its name).
func (l Lead) NamedSubject() string {
	c, who := l, l.Who()
	dash := " — "
	if strings.HasSuffix(who, "）") {
		dash = "— " // a full-width bracket has its space (Japanese typesetting)
	}
	c.Condition, c.Label = who+dash+l.condition(), ""
	return c.Subject()
}

// NamedSummary is Summary after a line naming the person (Who).
func (l Lead) NamedSummary() string {
	w := whoEnglish
	if l.Lang == "ja" {
		w = whoJapanese
	}
	return fmt.Sprintf(w.line, l.Who()) + l.Summary()
}
