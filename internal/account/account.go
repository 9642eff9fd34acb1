// Package account groups people into accounts (the companies they work
// for) and judges accounts: who of a company is active, which roles of its
// buying group are present, the account score, the anonymous visits from
// its network, and the account-level qualification (MQA) of the rules file.
//
// Layout (docs/accounts.md explains the 名寄せ rule and the score):
//
//	PK=ACCTS            SK=<account>        the account: members, attributes, score, visits (versioned)
//	PK=ACCTKEY#<key>    SK=KEY              which account a grouping key (d:<domain>, n:<company>) belongs to
//	PK=ACCTKEY#n:<name> SK=ALSO#<account>   a domain's account founded with a names-only account's name (keys.go)
//	PK=P#<person>       SK=ACCTOF           the person's account, and whether an operator placed them there
//	PK=ACCT#<account>   SK=MQA#<window>     an MQA raised (conditional put: once per account and window)
//	PK=ACCTGONE#<hash>  SK=GONE             an erased browser's visits are not counted (expires; visits_erasure.go)
package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/table"
)

// Key layout; see the package comment.
const (
	listPK     = "ACCTS"
	keyPfx     = "ACCTKEY#"
	keySK      = "KEY"
	memberSK   = "ACCTOF"
	acctPfx    = "ACCT#"
	mqaPfx     = "MQA#"
	kindAcct   = "account"
	kindKey    = "accountkey"
	kindMember = "accountmember"
	// KindMQA is the kind of an MQA item.
	KindMQA = "mqa"
)

// PK is the partition of an account's own records (its MQAs; push keeps
// their deliveries there).
func PK(id string) string { return acctPfx + id }

// ErrNotFound: no such account.
var ErrNotFound = errors.New("account: not found")

// Account is a company and the people Baton knows there.
type Account struct {
	ID         string            `json:"id"`
	Name       string            `json:"name"`          // the company most of its people gave, as they wrote it in full (vote), or the domain
	Keys       []string          `json:"keys"`          // grouping keys: d:<domain>, n:<normalised company name>
	Attributes map[string]string `json:"attributes"`    // company attributes: the SFA's value, else the value most of its people gave
	SFA        map[string]string `json:"sfa,omitempty"` // what the SFAs reported of the company (SetSFA)
	Members    []Member          `json:"members"`       // people, most recently active first
	Roles      map[string]int    `json:"roles"`         // buying-group coverage: role -> people
	Behaviour  float64           `json:"behaviour"`     // sum of the members' behaviour scores
	Fit        float64           `json:"fit"`           // the rules' fit of the company's attributes
	Score      float64           `json:"score"`         // Behaviour + Fit
	LastActive time.Time         `json:"lastActive,omitzero"`
	Visits     Visits            `json:"visits"`               // anonymous visits from the company's network
	MergedInto string            `json:"mergedInto,omitempty"` // merged away: the account that took its people
	MQAs       []string          `json:"mqas,omitempty"`       // MQAs raised, oldest first
	// MergedFrom: the accounts merged into it (Merge), theirs too; their
	// MQAs stay in their own partitions, and the latest's window holds here
	// (ShownMQAs lists them with its own).
	MergedFrom []string  `json:"mergedFrom,omitempty"`
	LastMQA    time.Time `json:"lastMqa,omitzero"` // when the latest was raised: its window runs from there
	UpdatedAt  time.Time `json:"updatedAt"`
	Named      bool      `json:"named,omitempty"` // an operator named it (split): the name stays
	Cut        int       `json:"cut,omitempty"`   // bytes each member text keeps, when fewer than maxMemberText (fit)
	// KeysFull: since when the account has refused grouping keys its people
	// brought, having MaxNameKeys names or MaxDomainKeys domains (roomFor).
	KeysFull time.Time `json:"keysFull,omitzero"`
	// MergedNames are the company-name keys a merge brought (Merge): the
	// operator joined them, so they stay whatever its people vote (kept).
	MergedNames []string `json:"mergedNames,omitempty"`
	version     int64
}

// Member is one person of an account as the account sees them.
type Member struct {
	Person     string    `json:"person"`
	Email      string    `json:"email"`
	Name       string    `json:"name,omitempty"`
	Title      string    `json:"title,omitempty"`
	Role       string    `json:"role,omitempty"`
	Behaviour  float64   `json:"behaviour"`
	Fit        float64   `json:"fit"`
	Grade      string    `json:"grade,omitempty"`
	Band       string    `json:"band,omitempty"` // their behaviour band (rules file bands): crossing one rewrites the account
	Stage      string    `json:"stage,omitempty"`
	LastActive time.Time `json:"lastActive,omitzero"` // their latest event that counts
	Placed     bool      `json:"placed,omitempty"`    // an operator put them here (merge, split): grouping keys no longer move them
	// Company are the company attributes the person gave (company,
	// industry, employees ...): the account's attributes are voted from
	// them without reading every member.
	Company map[string]string `json:"company,omitempty"`
}

// companyAttributes are the person attributes that describe the company;
// the account takes the value most of its people gave.
var companyAttributes = []string{"company", "industry", "employees", "revenue", "country", "website"}

// membership is the ACCTOF record.
type membership struct {
	Account string `json:"account"`
	Placed  bool   `json:"placed,omitempty"`
}

// Scores reads a person's score record (qualify.Qualifier).
type Scores interface {
	Record(ctx context.Context, person string) (qualify.Record, error)
}

// Book keeps the accounts.
type Book struct {
	T      table.Table
	Dir    *identity.Directory
	Log    *eventlog.Log // a newly linked browser's events are its person's activity
	Scores Scores
	// Engine judges the company's fit (its attributes under the rules'
	// fit rules); nil: fit 0.
	Engine qualify.Engine
	// MQA is the rules file's account qualification; nil: none.
	MQA *rulebook.MQA
	// FreeMail are the domains that never group people, nor their
	// subdomains (rulebook.DefaultFreeMail and the rules file's; see NewBook).
	FreeMail map[string]bool
	// Send hands a raised MQA to delivery (the push queue); it must be
	// idempotent by MQA id. Nil: MQAs are recorded, not delivered.
	Send func(ctx context.Context, m MQA) error
	// Rewrite hands delivery an MQA an erasure is about to cut a person
	// from, as it will be stored (sfa.erase: the SFAs' copies must stop
	// naming them too). It runs before the stored MQA changes, so an
	// erasure retried after it failed calls it again. Nil: not told.
	Rewrite func(ctx context.Context, m MQA) error
	Now     func() time.Time
	// Loc is the configured time zone (the config file's timezone): a
	// member's activity days are its days. Nil: UTC.
	Loc *time.Location

	// Logger says when an account first refuses a grouping key (nil:
	// slog's default).
	Logger *slog.Logger

	// writers queue the feed lanes' people by account (refreshBatch), one
	// lane writing each account at a time.
	writers [stripes]combiner
}

// NewBook is a Book on the rules (nil: no rules file: grouping only).
func NewBook(t table.Table, dir *identity.Directory, log *eventlog.Log, scores Scores, rules *rulebook.Rules, engine qualify.Engine, now func() time.Time) *Book {
	b := &Book{T: t, Dir: dir, Log: log, Scores: scores, Engine: engine, Now: now, FreeMail: map[string]bool{}}
	for _, d := range rulebook.DefaultFreeMail {
		b.FreeMail[d] = true
	}
	if rules != nil {
		for d := range rules.FreeMail {
			b.FreeMail[d] = true
		}
		b.MQA = rules.MQA
	}
	return b
}

func (b *Book) now() time.Time { return clock.Or(b.Now)().UTC() }

// Keys are the grouping keys of a person: their corporate email domain
// (d:) and their normalised company name (n:), either may be missing.
func (b *Book) Keys(p identity.Person) []string {
	var ks []string
	if d := Domain(p.Email, b.FreeMail); d != "" {
		ks = append(ks, "d:"+d)
	}
	if n := CompanyKey(p.Attributes["company"]); n != "" {
		ks = append(ks, "n:"+n)
	}
	return ks
}

// idOf is the id of an account founded on a key: the same key always
// founds the same id, so two racing founders write the same account.
func idOf(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "a" + hex.EncodeToString(sum[:8])
}

// Get reads an account.
func (b *Book) Get(ctx context.Context, id string) (Account, error) {
	it, err := b.T.Get(ctx, listPK, id)
	if errors.Is(err, table.ErrNotFound) {
		return Account{}, ErrNotFound
	}
	if err != nil {
		return Account{}, err
	}
	return decode(it)
}

func decode(it table.Item) (Account, error) {
	var a Account
	if err := json.Unmarshal(it.Data, &a); err != nil {
		return a, err
	}
	a.version = it.Version
	return a, nil
}

func (a *Account) put() table.Write {
	data, _ := json.Marshal(a)
	return table.Put(table.Item{PK: listPK, SK: a.ID, Kind: kindAcct, Data: data}, table.VersionIs(a.version))
}

// Sort orders of List.
const (
	ByScore    = "score"
	ByActivity = "activity"
)

// List returns the live accounts (merged ones left out), best score or most
// recent activity first. It reads the accounts' one partition.
func (b *Book) List(ctx context.Context, by string, limit int) ([]Account, error) {
	out, _, err := b.ListPage(ctx, by, "", limit)
	return out, err
}

// cursorID is an account id as a cursor names it (admin checks the same).
var cursorID = regexp.MustCompile(`^a[0-9a-f]{16}$`)

// ErrBadCursor is an after= ListPage never gave.
var ErrBadCursor = errors.New("account: not a cursor of this list")

// ListPage is List from after (a cursor an earlier page gave, "" from the
// start) and the cursor of the page that follows ("" when no more). The
// cursor is the last account's place in the order (score, latest activity,
// id), not a position: an account that moves between two reads is not
// read twice because the others moved up.
func (b *Book) ListPage(ctx context.Context, by, after string, limit int) ([]Account, string, error) {
	var from *Account
	if after != "" {
		parts := strings.Split(after, "_")
		if len(parts) != 3 || !cursorID.MatchString(parts[2]) {
			return nil, "", ErrBadCursor
		}
		score, err1 := strconv.ParseFloat(parts[0], 64)
		active, err2 := time.Parse(time.RFC3339Nano, parts[1])
		if err1 != nil || err2 != nil {
			return nil, "", ErrBadCursor
		}
		from = &Account{ID: parts[2], Score: score, LastActive: active}
	}
	items, err := b.T.Query(ctx, table.Query{PK: listPK})
	if err != nil {
		return nil, "", err
	}
	before := func(x, y *Account) bool {
		if by == ByActivity && !x.LastActive.Equal(y.LastActive) {
			return x.LastActive.After(y.LastActive)
		}
		if x.Score != y.Score {
			return x.Score > y.Score
		}
		return x.ID < y.ID
	}
	out := []Account{}
	for _, it := range items {
		a, err := decode(it)
		if err != nil {
			return nil, "", err
		}
		if a.MergedInto == "" && len(a.Members)+a.Visits.Count > 0 && (from == nil || before(from, &a)) {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return before(&out[i], &out[j]) })
	next := ""
	if limit > 0 && len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = strconv.FormatFloat(last.Score, 'g', -1, 64) + "_" + last.LastActive.UTC().Format(time.RFC3339Nano) + "_" + last.ID
	}
	return out, next, nil
}

// recompute derives the account's attributes, roles and score from its
// members.
func (b *Book) recompute(a *Account, now time.Time) {
	sort.SliceStable(a.Members, func(i, j int) bool {
		if !a.Members[i].LastActive.Equal(a.Members[j].LastActive) {
			return a.Members[i].LastActive.After(a.Members[j].LastActive)
		}
		return a.Members[i].Person < a.Members[j].Person
	})
	a.fit()
	a.Roles = map[string]int{}
	a.Behaviour, a.LastActive = 0, a.Visits.Last
	for _, m := range a.Members {
		if m.Role != "" {
			a.Roles[m.Role]++
		}
		a.Behaviour += m.Behaviour
		if m.LastActive.After(a.LastActive) {
			a.LastActive = m.LastActive
		}
	}
	a.Attributes = vote(a.Members)
	for k, v := range a.SFA {
		if v != "" && slices.Contains(companyAttributes, k) {
			a.Attributes[k] = v // the SFA's record of the company wins
		}
	}
	switch c := a.Attributes["company"]; {
	case a.Named && a.Name != "": // an operator's name (split) stays
	case c != "":
		a.Name = c
	default:
		a.Name = "" // never a name only a former member gave
		for _, k := range a.Keys {
			if d, ok := strings.CutPrefix(k, "d:"); ok {
				a.Name = d
				break
			}
		}
	}
	a.Fit = 0
	if b.Engine != nil {
		if v, err := b.Engine.Evaluate(nil, a.Attributes, "", now); err == nil {
			a.Fit = v.Fit
		}
	}
	a.Score = round(a.Behaviour + a.Fit)
	a.Behaviour = round(a.Behaviour)
	a.UpdatedAt = now
}

func round(f float64) float64 {
	if f < 0 {
		return -float64(int64(-f*10+0.5)) / 10
	}
	return float64(int64(f*10+0.5)) / 10
}

// vote returns the company attributes most of the members gave. On a tie,
// the value of the most senior person among those who gave it (a decision
// maker's before a manager's, a practitioner's, then one whose title names
// no role: 従業員数 as the CEO gave it, not a dropdown's default a
// practitioner left), then the value of the most recently active (members
// come most recently active first).
//
// The company name votes by company, not by spelling: the names with one
// CompanyKey (株式会社アクメ, (株)アクメ, 株式会社アクメ 東京支店) are one
// company's votes, so a branch's spelling never wins a tie against its own
// company's. The winning company is written as its people most often wrote
// it in full (a branch or department that the key drops left out, unless
// each of them wrote one); on a tie the name written out, 株式会社アクメ商事,
// before one abbreviated, (株)アクメ商事, then as above. A name with no key
// (なし, -) votes by its spelling, as it did.
func vote(members []Member) map[string]string {
	out := map[string]string{}
	vals := make([]given, 0, len(members)) // one attribute's at a time
	for _, k := range companyAttributes {
		if k == "company" {
			if vals := tallyNames(members, nil, "", "").given; len(vals) > 0 {
				won := winner(vals, func(g given) string { return g.company }, nil).company
				vals = slices.DeleteFunc(vals, func(g given) bool { return g.company != won })
				if slices.ContainsFunc(vals, func(g given) bool { return !g.unit }) {
					vals = slices.DeleteFunc(vals, func(g given) bool { return g.unit })
				}
				out[k] = winner(vals, spelling, func(v string) bool { return !abbreviated(v) }).value
			}
			continue
		}
		vals = vals[:0]
		for i, m := range members {
			if v := strings.TrimSpace(m.Company[k]); v != "" {
				vals = append(vals, given{value: v, member: i, rank: seniority(m.Role)})
			}
		}
		if len(vals) > 0 {
			out[k] = winner(vals, spelling, nil).value
		}
	}
	return out
}

// nameVotes is the members' company-name vote, counted once for the account's
// name (vote) and for which name keys are its own (ownsName, releasable).
type nameVotes struct {
	given []given        // each name given, in the members' order, with its company
	votes map[string]int // members voting for each company
	corp  map[string]int // of them, those writing from a company domain
}

// tallyNames groups the members' company names by company (nameGroup) and
// counts them; corporate (nil: corp stays empty) tells a member writing
// from a company domain. person (if any) votes for k whatever their entry
// says (an entry keeps 200 bytes of the name).
func tallyNames(members []Member, corporate func(Member) bool, person, k string) nameVotes {
	t := nameVotes{votes: map[string]int{}, corp: map[string]int{}}
	groups := map[string]given{} // by spelling: most members share a few
	for i, m := range members {
		g := given{value: strings.TrimSpace(m.Company["company"]), member: i, rank: seniority(m.Role)}
		if person != "" && m.Person == person {
			g.company = k
		} else if kg, ok := groups[g.value]; ok {
			g.company, g.unit = kg.company, kg.unit
		} else {
			g.company, g.unit = nameGroup(g.value)
			groups[g.value] = g
		}
		if g.company == "" {
			continue
		}
		t.given = append(t.given, g)
		t.votes[g.company]++
		if corporate != nil && corporate(m) {
			t.corp[g.company]++
		}
	}
	return t
}

// given is one member's value of an attribute, as vote counts it.
type given struct {
	value  string
	member int // the member's place: lower is more recently active
	rank   int // seniority of the member's role
	// company names: the company voted for (its CompanyKey), and whether
	// the name also names a branch or department (companyKey)
	company string
	unit    bool
}

func spelling(g given) string { return g.value }

// seniority ranks a role for vote's ties: Roles' order, lower is more
// senior; no role after them all.
func seniority(role string) int {
	if i := slices.Index(Roles, role); i >= 0 {
		return i
	}
	return len(Roles)
}

// winner groups the values by group and returns the group most members
// gave, as its most recently active member gave it: on a tie the group
// prefer likes (nil: none), then the one with the most senior member, then
// the one given first (gs is in the members' order: the most recently
// active member's).
func winner(gs []given, group func(given) string, prefer func(string) bool) given {
	type tally struct {
		first     given // the most recently active member's value
		n, rank   int
		preferred bool
	}
	var order []string
	tallies := map[string]*tally{}
	for _, g := range gs {
		key := group(g)
		t := tallies[key]
		if t == nil {
			t = &tally{first: g, rank: g.rank, preferred: prefer != nil && prefer(g.value)}
			tallies[key] = t
			order = append(order, key)
		}
		t.n++
		t.rank = min(t.rank, g.rank)
	}
	best := tallies[order[0]]
	for _, g := range order[1:] {
		t := tallies[g]
		switch {
		case t.n != best.n:
			if t.n > best.n {
				best = t
			}
		case t.preferred != best.preferred:
			if t.preferred {
				best = t
			}
		case t.rank < best.rank:
			best = t
		}
	}
	return best.first
}

// SetSFA keeps what an SFA reported of the account's company (company,
// industry, employees, revenue, country, website); those values take
// precedence over the people's in its attributes (and so its fit).
func (b *Book) SetSFA(ctx context.Context, id string, attrs map[string]string) error {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		a, err := b.live(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil // erased or gone meanwhile
		}
		if err != nil {
			return err
		}
		changed := false
		for k, v := range attrs {
			if v = strings.TrimSpace(v); v != "" && slices.Contains(companyAttributes, k) && a.SFA[k] != v {
				if a.SFA == nil {
					a.SFA = map[string]string{}
				}
				a.SFA[k], changed = v, true
			}
		}
		if !changed {
			return nil
		}
		b.recompute(&a, b.now())
		err = b.T.Transact(ctx, []table.Write{a.put()})
		if !errors.Is(err, table.ErrConditionFailed) {
			return err
		}
	}
	return errors.New("account: too much contention keeping SFA values")
}
