package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// MQA is an account qualification: what sales receive about the account,
// with the people behind it and why.
type MQA struct {
	ID         string            `json:"id"` // <account>-q<n>: the idempotency key downstream
	Account    string            `json:"account"`
	Name       string            `json:"name"` // the company
	N          int               `json:"n"`
	At         time.Time         `json:"at,omitzero"`
	Condition  string            `json:"condition"` // the rules file's mqa.name
	Reasons    []string          `json:"reasons"`
	Keys       []string          `json:"keys"`
	Attributes map[string]string `json:"attributes"`
	Score      float64           `json:"score"`
	Behaviour  float64           `json:"behaviour"`
	Fit        float64           `json:"fit"`
	Roles      map[string]int    `json:"roles"`
	People     []Member          `json:"people"` // the active people, most recently active first
	Sent       bool              `json:"sent,omitempty"`
	// Lang is the language Summary writes for sales ("ja": Japanese; else
	// English): the configured sfa.language, set by delivery.
	Lang string `json:"-"`
	// Label is Condition as sales read it in Lang (the rules file's
	// mqa.label, rulebook.Rules.MQALabel), set by delivery; "": Condition.
	Label string `json:"-"`
	// Sites are the team's own sites' hosts (config.SiteHosts), set by
	// delivery: Summary writes a URL on another as no link
	// (event.Unlinked), as an MQL's summary does.
	Sites []string `json:"-"`
}

// Message is the push queue's message of an MQA (local queue and SQS
// alike): its id, and under "mqa" only its id again, beside MQL messages
// (a bare qualify.MQL); push.Worker tells them apart and reads the MQA as
// stored (Stored). The members are left out: an account's can pass SQS's
// message size, and a queued message would keep their emails past an
// erasure (RedactMessage gives old messages this shape).
func (m MQA) Message() any { return map[string]any{"id": m.ID, "mqa": map[string]string{"id": m.ID}} }

// Domain is the account's first email domain ("" for none): what an SFA
// matches companies by.
func (m MQA) Domain() string {
	for _, k := range m.Keys {
		if d, ok := strings.CutPrefix(k, "d:"); ok {
			return d
		}
	}
	return ""
}

// Summary is the text sales read: why this account, now, and who; in
// Japanese when Lang is "ja", its reasons and roles as the workspace's
// Japanese pages word them (jatext); a person's role reads by name in
// either language ("decision maker", as the accounts page says it). A
// member's name and title are what they typed in a form, and a reason may
// quote an event's value: any URL in them not on Sites is written marked
// and no link (event.Unlinked), as in an MQL's summary, for the SFA shows
// this text with its URLs as links.
func (m MQA) Summary() string {
	w := english
	if m.Lang == "ja" {
		w = japanese
	}
	mark := event.OffsiteMark(m.Lang)
	text := func(s string) string { return event.Unlinked(s, m.Sites, mark) }
	var b strings.Builder
	reasons := make([]string, len(m.Reasons))
	for i, r := range m.Reasons {
		reasons[i] = text(w.phrase(qualify.FactText(r))) // one stored before one decimal reads as the score line below
	}
	fmt.Fprintf(&b, w.mqa, m.condition(), strings.Join(reasons, w.sep))
	fmt.Fprintf(&b, w.score, qualify.ScoreText(m.Score), qualify.ScoreText(m.Behaviour), qualify.ScoreText(m.Fit))
	// The members' times are in the configured zone; which one is said
	// once, as an MQL's summary does ("09:00" read as UTC otherwise).
	// Both names when the members' times are either side of a clock change
	// (EDT/EST).
	heading := w.people
	active := make([]time.Time, len(m.People))
	for i, p := range m.People {
		active[i] = p.LastActive
	}
	if zones := calendar.AbbreviationsOf(active...); zones != "" {
		heading = fmt.Sprintf(w.peopleIn, zones)
	}
	b.WriteString(heading)
	for _, p := range m.People {
		who := w.role(p.Role)
		if p.Title != "" {
			who = text(p.Title) + w.comma + who
		}
		// In the hour the clocks show twice, the time says its zone.
		last := calendar.FormatMarked(p.LastActive, "2006-01-02 15:04")
		if p.LastActive.IsZero() { // unknown, not 0001-01-01
			last = w.unknown
		}
		// A member without a name is their address alone (it left two
		// spaces after the dash).
		b.WriteString(strings.TrimSpace("- " + text(p.Name) + " "))
		fmt.Fprintf(&b, w.person, p.Email, who, qualify.ScoreText(p.Behaviour), last)
	}
	return b.String()
}

// Subject is the MQA's one line, for an SFA's activity list (a Task's
// subject, a note's heading): the rule by its label, else its name.
func (m MQA) Subject() string { return "MQA: " + m.condition() }

func (m MQA) condition() string {
	if m.Label != "" {
		return m.Label
	}
	return m.Condition
}

// summaryWords are a language's words for Summary.
type summaryWords struct {
	mqa, sep, score, people, peopleIn, person, comma, unknown string
	phrase, role                                              func(string) string
}

var (
	english = summaryWords{
		mqa: "MQA (%s): %s\n", sep: "; ", score: "Account score %s (behaviour %s, fit %s)\n", people: "People:\n",
		peopleIn: "People (times in %s):\n", person: " %s (%s) behaviour %s, last active %s\n", comma: ", ", unknown: "unknown",
		phrase: jatext.EnglishOr,
		role: func(r string) string {
			if r == "" {
				return "role unknown"
			}
			return jatext.Name("en", "role:"+r)
		},
	}
	japanese = summaryWords{
		mqa: "MQA（%s）：%s\n", sep: "／", score: "アカウントスコア %s（行動 %s、適合度 %s）\n", people: "人物：\n",
		peopleIn: "人物（時刻は %s）：\n", person: " %s（%s）行動スコア %s、最終活動 %s\n", comma: "、", unknown: "不明",
		phrase: jatext.Or,
		role: func(r string) string {
			if r == "" {
				return "役割不明"
			}
			return jatext.Name("ja", "role:"+r)
		},
	}
)

// judge decides whether the account qualifies now (the rules file's mqa):
// enough people active within the window, the required roles among them,
// the score; and no MQA of the account within the last window: one per
// account per qualification window.
func (b *Book) judge(a *Account, now time.Time) (MQA, bool) {
	r := b.MQA
	if r == nil || a.MergedInto != "" {
		return MQA{}, false
	}
	// The window's days are the team's calendar days: 14 days back from
	// 10:00 is 10:00 on the wall clock, a night the clocks change between.
	loc := b.Loc
	if loc == nil {
		loc = time.UTC
	}
	if !a.LastMQA.IsZero() && now.Before(r.Within.After(a.LastMQA, loc)) {
		return MQA{}, false
	}
	since := r.Within.Before(now, loc)
	var people []Member
	roles := map[string]int{}
	for _, m := range a.Members {
		if !m.LastActive.IsZero() && !m.LastActive.Before(since) && !m.LastActive.After(now.Add(time.Minute)) {
			people = append(people, m)
			if m.Role != "" {
				roles[m.Role]++
			}
		}
	}
	if len(people) < r.MinPeople || a.Score < r.MinScore {
		return MQA{}, false
	}
	for _, role := range r.RequireRoles {
		if roles[role] == 0 {
			return MQA{}, false
		}
	}
	days := r.Within.Nominal().Hours() / 24
	reasons := []string{fmt.Sprintf("%d people active within %g days (at least %d)", len(people), days, r.MinPeople)}
	if len(r.RequireRoles) > 0 {
		reasons = append(reasons, "roles present: "+strings.Join(r.RequireRoles, ", "))
	}
	var have []string
	for _, role := range Roles {
		if roles[role] > 0 {
			have = append(have, fmt.Sprintf("%s %d", role, roles[role]))
		}
	}
	if len(have) > 0 {
		reasons = append(reasons, "buying group: "+strings.Join(have, ", "))
	}
	reasons = append(reasons, fmt.Sprintf("account score %g", qualify.ScoreRound(a.Score))) // qualify.ScoreText's
	n := len(a.MQAs) + 1
	return MQA{
		// The raise time makes the id unique for good: an account erased
		// with its last member and founded again from the same domain
		// starts at q1 again, and delivery is idempotent by this id.
		ID: fmt.Sprintf("%s-q%d-%s", a.ID, n, now.UTC().Format("20060102150405")), Account: a.ID, Name: a.Name, N: n, At: now, Condition: r.Name, Reasons: reasons,
		Keys: slices.Clone(a.Keys), Attributes: a.Attributes, Score: a.Score, Behaviour: a.Behaviour, Fit: a.Fit, Roles: roles, People: people,
	}, true
}

// Stored reads an MQA as it is stored now (false: gone, with its account or
// its people's erasure). Delivery sends this copy, not the one a queue
// message carried when it was raised: an erasure since then has rewritten
// or removed it.
func Stored(ctx context.Context, t table.Table, mqaID string) (MQA, bool, error) {
	m, _, ok, err := stored(ctx, t, mqaID)
	return m, ok, err
}

func stored(ctx context.Context, t table.Table, mqaID string) (MQA, table.Item, bool, error) {
	parts := mqaIDPattern.FindStringSubmatch(mqaID)
	if parts == nil {
		return MQA{}, table.Item{}, false, fmt.Errorf("account: bad MQA id %q", mqaID)
	}
	n, _ := strconv.Atoi(parts[2])
	it, err := t.Get(ctx, PK(parts[1]), mqaSK(n))
	if errors.Is(err, table.ErrNotFound) {
		return MQA{}, it, false, nil
	}
	if err != nil {
		return MQA{}, it, false, err
	}
	var m MQA
	if err := json.Unmarshal(it.Data, &m); err != nil {
		return MQA{}, it, false, err
	}
	return m, it, true, nil
}

// RedactMessage cuts a queued MQA message (Message's shape) down to its
// id, which names nobody: delivery reads the stored MQA by it (Stored),
// which erasure rewrites. False for a message that is not an MQA's.
func RedactMessage(body json.RawMessage) (json.RawMessage, bool) {
	var msg struct {
		MQA *struct {
			ID string `json:"id"`
		} `json:"mqa"`
	}
	if json.Unmarshal(body, &msg) != nil || msg.MQA == nil || msg.MQA.ID == "" {
		return nil, false
	}
	out, _ := json.Marshal(map[string]any{"id": msg.MQA.ID, "mqa": map[string]string{"id": msg.MQA.ID}})
	return out, true
}

// mqaIDPattern reads an MQA id: <account>-q<n>-<raised, UTC seconds>.
var mqaIDPattern = regexp.MustCompile(`^(.+)-q([0-9]{1,6})(?:-[0-9]{14})?$`)

func mqaSK(n int) string { return fmt.Sprintf(mqaPfx+"%04d", n) }

func (m MQA) write() (table.Write, error) {
	it, err := m.Item()
	return table.Put(it, table.NotExists), err
}

// Item is the MQA as the account's partition keeps it.
func (m MQA) Item() (table.Item, error) {
	data, err := json.Marshal(m)
	return table.Item{PK: PK(m.Account), SK: mqaSK(m.N), Kind: KindMQA, Data: data}, err
}

// MQAs lists an account's MQAs, first first.
func (b *Book) MQAs(ctx context.Context, id string) ([]MQA, error) {
	items, err := b.T.Query(ctx, table.Query{PK: PK(id), Prefix: mqaPfx, Consistent: true})
	if err != nil {
		return nil, err
	}
	out := make([]MQA, 0, len(items))
	for _, it := range items {
		var m MQA
		if err := json.Unmarshal(it.Data, &m); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ShownMQAs lists the MQAs an account's page shows, first first: its own
// and those the accounts merged into it raised (Account.MergedFrom), whose
// window holds back its next MQA as its own would. MQAs reads one
// account's partition, as erasure needs; this one is for reading.
func (b *Book) ShownMQAs(ctx context.Context, a Account) ([]MQA, error) {
	out, err := b.MQAs(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, id := range a.MergedFrom {
		ms, err := b.MQAs(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	slices.SortStableFunc(out, func(x, y MQA) int { return x.At.Compare(y.At) })
	return out, nil
}

// flush hands the account's MQAs not yet handed over to delivery (Send),
// then marks them sent. A failure leaves them unsent: the next refresh of
// the account (the feed retries the batch) sends them again, and delivery
// is idempotent by MQA id.
func (b *Book) flush(ctx context.Context, mqaID string) error {
	if b.Send == nil {
		return nil
	}
	m, it, ok, err := stored(ctx, b.T, mqaID)
	if err != nil || !ok {
		return err // gone: forgotten meanwhile
	}
	if m.Sent {
		return nil
	}
	if err := b.Send(ctx, m); err != nil {
		return err
	}
	// Another lane refreshing a member of the same account may hand the
	// same MQA over at the same time (delivery is idempotent by id): its
	// mark is as good as this one.
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		m.Sent = true
		data, _ := json.Marshal(m)
		err = b.T.Put(ctx, table.Item{PK: it.PK, SK: it.SK, Kind: KindMQA, Data: data}, table.VersionIs(it.Version))
		if !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
		if m, it, ok, err = stored(ctx, b.T, mqaID); err != nil || !ok || m.Sent {
			return err
		}
	}
	return err
}
