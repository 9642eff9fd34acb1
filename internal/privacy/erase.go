// Package privacy implements the right to erasure: forgetting a person on
// request, everywhere Baton keeps something of them.
//
// Erasure is complete by construction: every package that writes data about
// a person implements Forgetter for its own items (it alone knows its keys),
// and the composition root (internal/app) registers each of them with
// the Eraser. This package knows no other package's keys; it owns only the
// tombstone, the hash of an erased email that keeps the person erased.
package privacy

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/table"
)

// Subject is the person being forgotten, as each package needs it to find
// its items.
type Subject struct {
	Person string // the person id
	Email  string // the normalised email
	// FormerEmails are the person's earlier emails (a server user id's
	// email changed, identity.Directory.ChangeEmail): they still named
	// the person, and are erased with them.
	FormerEmails []string
	Visitors     []string // every visitor id ever linked to the person (browsers, their other ids, pseudo-visitors)
}

// emails are the person's email and their former ones.
func (s Subject) emails() []string {
	var out []string
	for _, e := range append([]string{s.Email}, s.FormerEmails...) {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

// Removed counts what was deleted, by item kind (table.Item.Kind, or a
// name for things outside the table such as SQS messages).
type Removed map[string]int

// Add counts n more of kind.
func (r Removed) Add(kind string, n int) {
	if n > 0 {
		if kind == "" {
			kind = "other"
		}
		r[kind] += n
	}
}

// Merge adds o's counts.
func (r Removed) Merge(o Removed) {
	for k, n := range o {
		r.Add(k, n)
	}
}

// Total is the number of things removed.
func (r Removed) Total() int {
	n := 0
	for _, c := range r {
		n += c
	}
	return n
}

// Forgetter deletes one package's data about a person. It must be
// idempotent (an erasure that failed half way is retried) and must not
// depend on what other Forgetters delete.
type Forgetter interface {
	Forget(ctx context.Context, s Subject) (Removed, error)
}

// ForgetterFunc adapts a function to Forgetter.
type ForgetterFunc func(ctx context.Context, s Subject) (Removed, error)

// Forget implements Forgetter.
func (f ForgetterFunc) Forget(ctx context.Context, s Subject) (Removed, error) { return f(ctx, s) }

// People is the people directory (identity): who a person id is, and the
// Forgetter of the person's own records. It runs after every other
// Forgetter, because the person's record and visitor links are what an
// erasure that failed half way is retried from.
type People interface {
	Subject(ctx context.Context, personID string) (Subject, error)
	Keeper
}

// Compactor rewrites a store so freed pages keep no old bytes (bbolt).
type Compactor interface {
	Compact(ctx context.Context) error
}

// purger removes items past their expiry that a store keeps until its next
// purge (bbolt; DynamoDB's TTL does it on its own).
type purger interface {
	PurgeExpired(ctx context.Context) (int, error)
}

// Eraser forgets people.
type Eraser struct {
	T      table.Table // the tombstones; compacted afterwards when it is a Compactor
	People People
	// Keepers are every other package that keeps data about people; the
	// composition root registers them (Register).
	Keepers []Keeper
	// Tell, when set, asks the sales systems to forget the person too
	// (configurable: some companies must keep sales records). It runs
	// after the tombstone, which stops deliveries of the person's MQLs (one
	// running while the SFAs are told would hand them the lead again), and
	// before anything is deleted: if it fails, the erasure can be retried
	// (the person is still there to be found).
	// What each system answered is in the erasure's Report (Told).
	Tell func(ctx context.Context, personID, email string) (Told, error)
	Now  func() time.Time
}

// Told is what each sales system told of an erasure answered (Tell), by
// its connector's name.
type Told map[string]Answer

// NotTold is an erasure stopped because a sales system was not told of it
// (Tell failed): past the tombstone, nothing is deleted yet, and the
// erasure is to be retried (the person is still there to be found).
type NotTold struct{ Err error }

func (e *NotTold) Error() string { return "tell the SFA: " + e.Err.Error() }
func (e *NotTold) Unwrap() error { return e.Err }

// Answer is one system's answer to an erasure: Acknowledged when it did
// what it was asked (an SFA deleted the person, or had none; a webhook
// receiver answered 2xx), else the refusal, with its HTTP status.
type Answer struct {
	Acknowledged bool   `json:"acknowledged"`
	Status       int    `json:"status,omitempty"`
	Error        string `json:"error,omitempty"`
	// Skipped says why it was not told (a webhook's receiver never sent
	// the person).
	Skipped string `json:"skipped,omitempty"`
}

// Register adds Keepers.
func (e *Eraser) Register(ks ...Keeper) { e.Keepers = append(e.Keepers, ks...) }

// Report says what an erasure removed.
type Report struct {
	Person   string  `json:"-"`
	Visitors int     `json:"visitors"`       // visitor ids the person had
	Events   int     `json:"events"`         // raw events removed
	Items    int     `json:"items"`          // everything removed
	Removed  Removed `json:"removed"`        // by kind
	Told     Told    `json:"told,omitempty"` // the sales systems' answers (sfa.erase)
}

// TombstonePK is where the hash of an erased email is kept: list imports,
// replayed forms and old tokens must not bring the person back. Only a
// hash is kept.
func TombstonePK(email string) string {
	sum := sha256.Sum256([]byte("baton-erased:" + email))
	return "TOMB#" + hex.EncodeToString(sum[:])
}

// Bury keeps an identifier other than an email erased (a visitor id that
// was the erased person's alone): only its hash is kept, in a namespace of
// its own, so it never equals an email's tombstone.
func Bury(ctx context.Context, t table.Table, name string, at time.Time) error {
	data, _ := json.Marshal(map[string]any{"erasedAt": at.UTC()})
	return t.Put(ctx, table.Item{PK: buriedPK(name), SK: "TOMB", Kind: KindTombstone, Data: data}, table.Always)
}

// Hold keeps name refused, as Bury does, until Release (a visitor id
// whose person withdrew consent): one read (Buried) answers for both. A
// burial stays one.
func Hold(ctx context.Context, t table.Table, name string, at time.Time) error {
	data, _ := json.Marshal(map[string]any{"withdrawnAt": at.UTC()})
	err := t.Put(ctx, table.Item{PK: buriedPK(name), SK: "TOMB", Kind: KindTombstone, Data: data}, table.NotExists)
	if errors.Is(err, table.ErrConditionFailed) {
		return nil // buried, or held already
	}
	return err
}

// Release lifts a Hold; a burial stays.
func Release(ctx context.Context, t table.Table, name string) error {
	it, err := t.Get(ctx, buriedPK(name), "TOMB")
	if errors.Is(err, table.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var held struct {
		WithdrawnAt time.Time `json:"withdrawnAt"`
	}
	if json.Unmarshal(it.Data, &held) != nil || held.WithdrawnAt.IsZero() {
		return nil // a burial
	}
	err = t.Delete(ctx, it.PK, it.SK, table.VersionIs(it.Version))
	if errors.Is(err, table.ErrConditionFailed) {
		return nil // buried since: it stays
	}
	return err
}

// Buried reports whether Bury kept name erased, or Hold refused.
func Buried(ctx context.Context, t table.Table, name string) (bool, error) {
	_, err := t.Get(ctx, buriedPK(name), "TOMB")
	if errors.Is(err, table.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func buriedPK(name string) string {
	sum := sha256.Sum256([]byte("baton-erased-id:" + name))
	return "TOMB#" + hex.EncodeToString(sum[:])
}

// KindTombstone is the kind of a tombstone item.
const KindTombstone = "tombstone"

// NotErased is a write that fails its transaction (table.ErrConditionFailed)
// once the email has a tombstone: a check that the tombstone does not
// exist, which writes nothing. A writer that
// keeps data about a person outside the person's partition adds it, so an
// erasure that runs between its reads and its write cannot be undone by it
// (the Eraser writes the tombstone before any Forgetter runs).
func NotErased(email string) table.Write {
	return table.CheckOf(TombstonePK(email), "TOMB", table.NotExists)
}

// Erased reports whether an email was erased: a tombstone of any of its
// forms (event.EmailForms: an erasure before IDNA A-labels hashed the
// domain as typed).
func Erased(ctx context.Context, t table.Table, email string) (bool, error) {
	if email == "" {
		return false, nil
	}
	for _, f := range event.EmailForms(email) {
		_, err := t.Get(ctx, TombstonePK(f), "TOMB")
		if !errors.Is(err, table.ErrNotFound) {
			return err == nil, err
		}
	}
	return false, nil
}

// Tombstone writes the tombstones of an email, one for each of its forms
// (event.EmailForms), so that NotErased of either holds it erased.
func Tombstone(ctx context.Context, t table.Table, email string, at time.Time) error {
	tomb, _ := json.Marshal(map[string]any{"erasedAt": at})
	for _, f := range event.EmailForms(email) {
		if err := t.Put(ctx, table.Item{PK: TombstonePK(f), SK: "TOMB", Kind: KindTombstone, Data: tomb}, table.Always); err != nil {
			return err
		}
	}
	return nil
}

// Erase forgets a person: the tombstone first (from then on nothing
// re-creates, records or delivers them), then the SFAs told (Tell), then
// every registered Forgetter,
// then the person's own records, and on the embedded store a compaction
// of the file. An unknown person is the People directory's not-found error.
func (e *Eraser) Erase(ctx context.Context, personID string) (Report, error) {
	s, err := e.People.Subject(ctx, personID)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Person: s.Person, Visitors: len(s.Visitors), Removed: Removed{}}
	for _, email := range s.emails() {
		if err := Tombstone(ctx, e.T, email, clock.Or(e.Now)().UTC()); err != nil {
			return rep, err
		}
	}
	if e.Tell != nil {
		told, err := e.Tell(ctx, s.Person, s.Email)
		if err != nil {
			return rep, &NotTold{Err: err}
		}
		rep.Told = told
	}
	for _, f := range e.keepers() {
		r, err := f.Forget(ctx, s)
		rep.Removed.Merge(r)
		if err != nil {
			return rep.total(), fmt.Errorf("erase (%T): %w", f, err)
		}
	}
	if p, ok := e.T.(purger); ok {
		if _, err := p.PurgeExpired(ctx); err != nil {
			return rep.total(), fmt.Errorf("purge after erasure: %w", err)
		}
	}
	if c, ok := e.T.(Compactor); ok {
		if err := c.Compact(ctx); err != nil {
			return rep.total(), fmt.Errorf("compact after erasure: %w", err)
		}
	}
	return rep.total(), nil
}

// keepers are the registered Keepers, and People last.
func (e *Eraser) keepers() []Keeper {
	return append(append([]Keeper(nil), e.Keepers...), e.People)
}

// Disclose gathers what Baton keeps of a person, from every Keeper: what
// Erase would remove, kind for kind (the erasure suite compares the two).
// An item two Keepers show (a click's event is also its browser's) is
// shown once: an entry of a kind with the same content as one an earlier
// Keeper showed is that item. (One Keeper's entries are distinct items,
// however alike: two references to one campaign, each to another event.)
// An unknown person is the People directory's not-found error.
func (e *Eraser) Disclose(ctx context.Context, personID string) (Subject, Disclosure, error) {
	s, err := e.People.Subject(ctx, personID)
	if err != nil {
		return s, nil, err
	}
	d := Disclosure{}
	seen := map[[sha256.Size]byte]bool{} // a hash, not a second copy of every item
	for _, k := range e.keepers() {
		n, err := k.Disclose(ctx, s)
		if err != nil {
			return s, d, fmt.Errorf("disclose (%T): %w", k, err)
		}
		var shown [][sha256.Size]byte
		for kind, docs := range n {
			for _, doc := range docs {
				if key := sha256.Sum256(append([]byte(kind+"\x00"), doc...)); !seen[key] {
					shown = append(shown, key)
					d.Add(kind, doc)
				}
			}
		}
		for _, key := range shown {
			seen[key] = true
		}
	}
	// An erasure writes the tombstone first: one that began before or
	// while this read took some of the items away.
	for _, email := range s.emails() {
		if gone, err := Erased(ctx, e.T, email); err != nil || gone {
			return s, nil, cmp.Or(err, ErrErasing)
		}
	}
	return s, d, nil
}

// ErrErasing is a disclosure of a person being erased: what it read may
// lack what the erasure took meanwhile.
var ErrErasing = errors.New("the person is being erased")

// EmailForgetter is a Keeper that also keeps what names an email no
// person holds: the People directory's events that identified nobody
// (identity.Stitcher.ForgetEmail), the SFA reps' names
// (repnames.Keeper: a rep is no person Baton tracks).
type EmailForgetter interface {
	ForgetEmail(ctx context.Context, email string) (Removed, error)
}

// EraseEmail forgets an email nobody was made of: its tombstone (it stays
// erased: a later form makes nobody of it), what every Keeper that can
// (EmailForgetter) keeps under it (the events that named it without
// identifying anyone, a rep's name), and on the embedded store a
// compaction. The SFAs were never handed anyone of it, so none is told.
func (e *Eraser) EraseEmail(ctx context.Context, email string) (Report, error) {
	rep := Report{Removed: Removed{}}
	if err := Tombstone(ctx, e.T, email, clock.Or(e.Now)().UTC()); err != nil {
		return rep, err
	}
	for _, k := range e.keepers() {
		f, ok := k.(EmailForgetter)
		if !ok {
			continue
		}
		r, err := f.ForgetEmail(ctx, email)
		rep.Removed.Merge(r)
		if err != nil {
			return rep.total(), fmt.Errorf("erase an email (%T): %w", k, err)
		}
	}
	if c, ok := e.T.(Compactor); ok {
		if err := c.Compact(ctx); err != nil {
			return rep.total(), fmt.Errorf("compact after erasure: %w", err)
		}
	}
	return rep.total(), nil
}

// EmailShower is an EmailForgetter that shows what its ForgetEmail
// removes (identity.Stitcher.ShowEmail, repnames.Keeper.ShowEmail).
type EmailShower interface {
	ShowEmail(ctx context.Context, email string) (Disclosure, error)
}

// DiscloseEmail shows what EraseEmail removes of an email nobody was made
// of: the events that named it without identifying anyone (a flagged
// form's name and phone among them), and where they are; a rep's name.
// Empty: Baton keeps nothing of it.
func (e *Eraser) DiscloseEmail(ctx context.Context, email string) (Disclosure, error) {
	d := Disclosure{}
	for _, k := range e.keepers() {
		f, ok := k.(EmailShower)
		if !ok {
			continue
		}
		n, err := f.ShowEmail(ctx, email)
		d.Merge(n)
		if err != nil {
			return d, fmt.Errorf("disclose an email (%T): %w", k, err)
		}
	}
	return d, nil
}

func (r Report) total() Report {
	r.Items, r.Events = r.Removed.Total(), r.Removed["event"]
	return r
}

// DeleteItems deletes items as a query returned them, counting each by its
// kind. Items already gone count nothing and are no error.
func DeleteItems(ctx context.Context, t table.Table, items []table.Item) (Removed, error) {
	return ForgetItems(ctx, t, items, nil)
}

// Marker names what an erased item leaves at its key, if anything (ok
// false: nothing, the item is deleted): its owner's tombstone, which keeps
// a conditional put at that key failing, with none of the item's content.
type Marker func(it table.Item) (marker table.Item, ok bool)

// ForgetItems is DeleteItems, but an item for which leave gives a marker
// is overwritten by it (if it still exists) instead of deleted. Each counts
// as removed by the item's kind.
func ForgetItems(ctx context.Context, t table.Table, items []table.Item, leave Marker) (Removed, error) {
	r := Removed{}
	for start := 0; start < len(items); start += 100 {
		page := items[start:min(start+100, len(items))]
		ws := make([]table.Write, len(page))
		for i, it := range page {
			ws[i] = table.Del(it.PK, it.SK, table.Exists)
			if leave == nil {
				continue
			}
			if m, ok := leave(it); ok {
				m.PK, m.SK = it.PK, it.SK
				ws[i] = table.Put(m, table.Exists)
			}
		}
		var msgs []string
		for i, err := range t.PutMany(ctx, ws) {
			switch {
			case err == nil:
				r.Add(page[i].Kind, 1)
			case errors.Is(err, table.ErrConditionFailed): // gone meanwhile
			default:
				msgs = append(msgs, err.Error())
			}
		}
		if len(msgs) > 0 {
			return r, errors.New(strings.Join(msgs, "; "))
		}
	}
	return r, nil
}

// DeleteQuery deletes the items of one partition a query selects (all of
// the prefix, in pages) for which match returns true (nil: every one).
func DeleteQuery(ctx context.Context, t table.Table, q table.Query, match func(table.Item) bool) (Removed, error) {
	return ForgetQuery(ctx, t, q, match, nil)
}

// ForgetQuery is DeleteQuery leaving markers as ForgetItems does.
func ForgetQuery(ctx context.Context, t table.Table, q table.Query, match func(table.Item) bool, leave Marker) (Removed, error) {
	r := Removed{}
	q.Limit, q.Consistent, q.Reverse = 200, true, false
	for {
		items, err := t.Query(ctx, q)
		if err != nil {
			return r, err
		}
		if len(items) == 0 {
			return r, nil
		}
		var del []table.Item
		for _, it := range items {
			if match == nil || match(it) {
				del = append(del, it)
			}
		}
		n, err := ForgetItems(ctx, t, del, leave)
		r.Merge(n)
		if err != nil {
			return r, err
		}
		q.After = items[len(items)-1].SK
	}
}

// Mentions reports whether a JSON document names the person: a string
// anywhere in it (see Strings) contains their person id or email (a
// former one too; a whole address, see containsAddress), the
// email as typed too (folded as NormalizeEmail reads it: a zero-width
// space or full-width letters inside are still theirs), its domain in
// either form (event.EmailForms: 例え.jp or xn--r8jz45g.jp), and
// percent-encoded in a URL (email=ann%40acme.example, or beside an
// encoded neighbour, %2C, that read as the letters of a longer address).
func Mentions(doc []byte, s Subject) bool {
	var forms []string
	for _, e := range s.emails() {
		forms = append(forms, event.EmailForms(e)...)
	}
	for _, str := range Strings(doc) {
		if s.Person != "" && strings.Contains(str, s.Person) {
			return true
		}
		if len(forms) == 0 {
			continue
		}
		texts := []string{str}
		if d := event.DecodePercent(str, nil); d != str {
			texts = append(texts, d)
		}
		for _, text := range texts {
			folded := event.EmailFold(text)
			for _, f := range forms {
				if containsAddress(folded, f) {
					return true
				}
			}
		}
	}
	return false
}

// containsAddress reports whether text holds addr as a whole address: not
// inside a longer one (ann@acme.example is in joann@acme.example and in
// ann@acme.example.org, which are other people's). An address may touch
// other text (連絡先ann@acme.exampleまで, email=ann@...&, <ann@...>, a
// sentence's full stop, a JSON escape as written: afterEscape): only what
// could continue its local part (ASCII letters, digits, . _ + -) or its
// domain (ASCII letters, digits, -, a dot and more of them) makes it
// another.
func containsAddress(text, addr string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], addr)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(addr)
		before := i == 0 || !localChar(text[i-1]) || afterEscape(text[:i])
		after := end == len(text) || !domainChar(text[end]) && !(text[end] == '.' && end+1 < len(text) && domainChar(text[end+1]))
		if before && after {
			return true
		}
		from = i + 1
	}
}

// afterEscape reports whether text ends in a JSON escape as written (\n,
// \r, \t, \u003c): JSON kept as text inside a string (a receiver's error
// body quoted) holds them so, and their last letter is no part of an
// address that follows.
func afterEscape(text string) bool {
	n := len(text)
	if n >= 2 && text[n-2] == '\\' && strings.IndexByte("nrt", text[n-1]) >= 0 {
		return true
	}
	if n < 6 || text[n-6] != '\\' || text[n-5] != 'u' {
		return false
	}
	_, err := strconv.ParseUint(text[n-4:], 16, 16) // four hex digits
	return err == nil
}

func localChar(c byte) bool { return domainChar(c) || c == '.' || c == '_' || c == '+' }

func domainChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-'
}

// Strings returns every string a JSON document holds, keys included, with
// strings that are themselves JSON or base64 (a []byte field) decoded too,
// recursively. A document that is not JSON is returned as one string.
func Strings(doc []byte) []string {
	var out []string
	collect(doc, &out, 0)
	sort.Strings(out)
	return out
}

func collect(doc []byte, out *[]string, depth int) {
	var v any
	if depth > 6 || json.Unmarshal(doc, &v) != nil {
		*out = append(*out, string(doc))
		return
	}
	walk(v, out, depth)
}

func walk(v any, out *[]string, depth int) {
	switch x := v.(type) {
	case string:
		str(x, out, depth)
	case map[string]any:
		for k, e := range x {
			str(k, out, depth)
			walk(e, out, depth)
		}
	case []any:
		for _, e := range x {
			walk(e, out, depth)
		}
	}
}

func str(s string, out *[]string, depth int) {
	*out = append(*out, s)
	if depth > 6 {
		return
	}
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") || strings.HasPrefix(t, `"`) {
		var v any
		if json.Unmarshal([]byte(t), &v) == nil {
			walk(v, out, depth+1)
		}
	}
	if b, ok := decodeBase64(t); ok {
		collect(b, out, depth+1)
	}
}
