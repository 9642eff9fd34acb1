package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// Error is an operator's request that cannot be done as asked (the admin
// API answers it 4xx with the message).
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// maxMove bounds the people one split moves: their records and the two
// accounts are written in one transaction (DynamoDB takes 100 writes).
const maxMove = 90

// Merge joins account from into account into: from's people and grouping
// keys go to into (people found by those keys land there from now on), and
// from is kept as a pointer to into. Its MQAs stay where they were raised;
// the window of the latest of either holds for into, which raises its MQA
// at once when it qualifies now (judge), handed over as a refresh's.
func (b *Book) Merge(ctx context.Context, into, from string) (Account, error) {
	if into == from {
		return Account{}, &Error{"an account cannot be merged into itself"}
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		dst, err := b.Get(ctx, into)
		if err != nil {
			return Account{}, err
		}
		src, err := b.Get(ctx, from)
		if err != nil {
			return Account{}, err
		}
		if dst.MergedInto != "" {
			return Account{}, &Error{fmt.Sprintf("account %s was merged into %s: merge into that one", into, dst.MergedInto)}
		}
		if src.MergedInto != "" {
			return Account{}, &Error{fmt.Sprintf("account %s was already merged into %s", from, src.MergedInto)}
		}
		if len(src.Keys) > maxMove {
			return Account{}, &Error{"too many grouping keys to merge at once"}
		}
		now := b.now()
		var ws []table.Write
		for _, k := range src.Keys {
			ws = append(ws, keyWrite(k, dst.ID, table.Always))
			if !slices.Contains(dst.Keys, k) {
				dst.Keys = append(dst.Keys, k)
				if strings.HasPrefix(k, "n:") {
					dst.MergedNames = append(dst.MergedNames, k)
				}
			}
		}
		for _, m := range src.Members {
			dst.upsert(m)
		}
		if src.LastMQA.After(dst.LastMQA) {
			dst.LastMQA = src.LastMQA // one MQA per window across the merge
		}
		for _, id := range append([]string{src.ID}, src.MergedFrom...) {
			if !slices.Contains(dst.MergedFrom, id) {
				dst.MergedFrom = append(dst.MergedFrom, id)
			}
		}
		dst.Visits.Count += src.Visits.Count
		if src.Visits.Last.After(dst.Visits.Last) {
			dst.Visits.Last = src.Visits.Last
		}
		src.Members, src.Keys, src.MergedInto, src.Visits = nil, nil, dst.ID, Visits{}
		b.recompute(&dst, now)
		b.recompute(&src, now)
		// The merge may be what completes the buying group (a second
		// domain's people, the names-only account's 部長): the account is
		// judged now, as a refresh judges it. It waited for a member's next
		// activity, and none within the window meant no MQA at all.
		raised := ""
		if q, ok := b.judge(&dst, now); ok {
			w, err := q.write()
			if err != nil {
				return Account{}, err
			}
			ws = append(ws, w)
			dst.MQAs, dst.LastMQA, raised = append(dst.MQAs, q.ID), now, q.ID
		}
		ws = append(ws, dst.put(), src.put())
		err = b.T.Transact(ctx, ws)
		if err == nil {
			// Members' own records still name from: live() follows the
			// pointer until their next refresh rewrites them.
			if raised != "" {
				// Handed over as a refresh hands it (Sent once done); a
				// failure leaves it to the account's next refresh.
				if err := b.flush(ctx, raised); err != nil {
					b.logger().Warn("account: MQA raised by a merge not handed over yet (the account's next refresh sends it)", "account", dst.ID, "mqa", raised, "error", err)
				}
			}
			return dst, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return Account{}, err
		}
	}
	return Account{}, errors.New("account: too much contention merging")
}

// Split moves people out of an account into a new one (named name, or
// after the account): an operator's correction of the grouping, so the
// moved people stay there whatever their keys say (Placed). The grouping
// keys stay with the old account. A person named twice (a script's list,
// a form sent twice) moves once; a name of spaces alone (a full-width
// one from an IME too) is no name, as the account page's form has it.
func (b *Book) Split(ctx context.Context, id string, people []string, name string) (Account, error) {
	people = distinct(people)
	// The name as typed, on one line, without control characters nor
	// bidirectional overrides, isolates and marks (textcut.Controls): a
	// name with U+202E showed reversed in the accounts' cells.
	name = textcut.Line(textcut.Controls(name))
	if len(people) == 0 {
		return Account{}, &Error{"people: give the ids of the people to move"}
	}
	if len(people) > maxMove {
		return Account{}, &Error{fmt.Sprintf("people: at most %d at once", maxMove)}
	}
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		src, err := b.Get(ctx, id)
		if err != nil {
			return Account{}, err
		}
		if src.MergedInto != "" {
			return Account{}, &Error{fmt.Sprintf("account %s was merged into %s", id, src.MergedInto)}
		}
		// Who is not there is the first thing to say (one member's account
		// answered a stranger's id with "leaves at least one person behind").
		for _, p := range people {
			if !slices.ContainsFunc(src.Members, func(m Member) bool { return m.Person == p }) {
				return Account{}, &Error{fmt.Sprintf("people: %s is not in account %s", p, id)}
			}
		}
		if len(people) >= len(src.Members) {
			return Account{}, &Error{"people: a split leaves at least one person behind"}
		}
		sum := sha256.Sum256([]byte(id + "\x00" + strings.Join(people, ",") + "\x00" + fmt.Sprint(len(src.MQAs), src.UpdatedAt.UnixNano())))
		dst := Account{ID: "a" + hex.EncodeToString(sum[:8]), Name: name, Named: name != ""}
		var ws []table.Write
		for _, p := range people {
			i := slices.IndexFunc(src.Members, func(m Member) bool { return m.Person == p })
			if i < 0 {
				return Account{}, &Error{fmt.Sprintf("people: %s is not in account %s", p, id)}
			}
			m := src.Members[i]
			m.Placed = true
			dst.upsert(m)
			src.remove(p)
			ws = append(ws, memberWrite(p, membership{Account: dst.ID, Placed: true}))
		}
		now := b.now()
		b.recompute(&src, now)
		b.recompute(&dst, now)
		if dst.Name == "" {
			// Not Named: the name is its people's, and goes when the
			// member who gave it is erased (an operator's name stays).
			dst.Name = src.Name
		}
		// The operator's name is the company's from now on: its key, when
		// free, groups the people who give it here (free-mail people of the
		// company split off founded an account of their own beside it,
		// named alike, with no note on either page). Taken from the
		// account left only when that one is another company now.
		if w, ok, err := b.splitName(ctx, &src, &dst); err != nil {
			return Account{}, err
		} else if ok {
			ws = append(ws, w)
		}
		ws = append(ws, src.put(), dst.put())
		err = b.T.Transact(ctx, ws)
		if err == nil {
			return dst, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return Account{}, err
		}
	}
	return Account{}, errors.New("account: too much contention splitting")
}

// splitName is the write giving a named split account dst its name's key
// (ok false: none): a key nobody owns (claimed on condition it still is
// not), or one of src's that src, as it is after the split, neither votes
// for nor keeps (kept). Not for a name naming a branch or department.
func (b *Book) splitName(ctx context.Context, src, dst *Account) (table.Write, bool, error) {
	key, unit := nameGroup(dst.operatorName())
	if !strings.HasPrefix(key, "n:") || unit {
		// No company's name, or a branch's or department's (アクメ 開発本部:
		// the company's key, アクメ): the company's people are not its.
		return table.Write{}, false, nil
	}
	owner, err := b.keyOwner(ctx, key)
	if err != nil {
		return table.Write{}, false, err
	}
	switch voted, _ := nameGroup(src.Attributes["company"]); {
	case owner == "":
		dst.Keys = append(dst.Keys, key)
		return keyWrite(key, dst.ID, table.NotExists), true, nil
	case owner == src.ID && slices.Contains(src.Keys, key) && voted != key && !src.kept(key):
		src.Keys = slices.DeleteFunc(src.Keys, func(x string) bool { return x == key })
		dst.Keys = append(dst.Keys, key)
		return keyWrite(key, dst.ID, table.Always), true, nil
	}
	return table.Write{}, false, nil
}

// distinct is ids in their first order, each once.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// Forget removes a person from their account, the MQAs that name them,
// their account record, and their browsers from every account's anonymous
// visits, leaving the marker that keeps late changes of their events from
// being counted (forgetVisits) (privacy.Forgetter).
func (b *Book) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	removed := privacy.Removed{}
	if err := b.markErased(ctx, s); err != nil {
		return removed, err
	}
	// The accounts' list is read once, after the markers: its one
	// partition is every account (15,000 items and more), and the visits
	// and both searches for MQAs naming the person read it each (three
	// reads of the whole list an erasure). What changes in the list since
	// matters only in the person's own account, read again below.
	accts, err := b.T.Query(ctx, table.Query{PK: listPK, Consistent: true})
	if err != nil {
		return removed, err
	}
	if err := b.forgetVisits(ctx, s, accts, removed); err != nil {
		return removed, err
	}
	// Without a membership (they left their account: no grouping key
	// since) the MQAs that named them while they were in it still do.
	mem, had, err := b.membership(ctx, s.Person)
	if err != nil {
		return removed, err
	}
	if b.Rewrite != nil {
		// Before anything changes here: the account and its MQAs may go
		// with their last person, and then nothing would say what to tell.
		ms, err := b.naming(ctx, s, "", accts)
		if err != nil {
			return removed, err
		}
		for _, m := range ms {
			if err := b.Rewrite(ctx, m.MQA); err != nil {
				return removed, fmt.Errorf("MQA %s at the SFA: %w", m.ID, err)
			}
		}
	}
	var own []string // the person's account, as read now
	for attempt := 0; had && table.Again(ctx, attempt); attempt++ {
		a, err := b.live(ctx, mem.Account)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			return removed, err
		}
		own = []string{a.ID}
		me, gone, ok := b.leave(&a, s.Person)
		if !ok {
			break
		}
		b.recompute(&a, b.now())
		ws := []table.Write{a.put()}
		for _, k := range gone {
			ws = append(ws, table.Del(keyPfx+k, keySK, table.Always))
		}
		if len(a.Members) == 0 {
			// Its last person: the account (its name and keys came from
			// them) goes with them.
			ws = []table.Write{table.Del(listPK, a.ID, table.VersionIs(a.version))}
			for _, k := range gone {
				ws = append(ws, table.Del(keyPfx+k, keySK, table.Always))
			}
			if k := CompanyKey(me.Company["company"]); k != "" && !slices.Contains(gone, "n:"+k) {
				// The mark its founding left beside a names-only account's
				// key, if any (sameNameWrite): it would name an account
				// that is no more.
				ws = append(ws, table.Del(keyPfx+"n:"+k, alsoPfx+a.ID, table.Always))
			}
		}
		err = b.T.Transact(ctx, ws)
		if err == nil {
			removed.Add(kindAcct, 1)
			removed.Add(kindKey, len(gone))
			if len(a.Members) == 0 {
				if err := b.forgetMQAs(ctx, a.ID, removed); err != nil {
					return removed, err
				}
			}
			break
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return removed, err
		}
	}
	// MQAs keep who was active then: drop the person from each. Those
	// found in accts, and any their account raised since the list was read
	// (only an account listing them can name them in a new MQA, and the
	// tombstone keeps them from moving).
	ms, err := b.naming(ctx, s, "", accts, own...)
	if err != nil {
		return removed, err
	}
	for _, m := range ms {
		w, _ := m.write()
		w.Cond = table.Always
		if err := b.T.Transact(ctx, []table.Write{w}); err != nil {
			return removed, err
		}
		removed.Add(KindMQA, 1)
	}
	if !had {
		return removed, nil
	}
	if err := b.T.Delete(ctx, identity.PersonPK(s.Person), memberSK, table.Always); err != nil {
		return removed, err
	}
	removed.Add(kindMember, 1)
	return removed, nil
}

// leave takes the person out of a, and the grouping keys only they gave
// (their company's name as they wrote it, their domain: they go with
// them); it returns the person's entry and those keys, false when a does
// not list them. Forget writes what it leaves; Disclose shows it.
func (b *Book) leave(a *Account, person string) (Member, []string, bool) {
	me, ok := a.member(person)
	if !ok {
		return Member{}, nil, false
	}
	a.remove(person)
	var gone []string
	a.Keys = slices.DeleteFunc(a.Keys, func(k string) bool {
		if a.givenByMember(b, k) || a.named(k) {
			return false
		}
		gone = append(gone, k)
		return true
	})
	return me, gone, true
}

// names reports whether an MQA's entry is the person's.
func names(s privacy.Subject, p Member) bool {
	return p.Person == s.Person || (s.Email != "" && p.Email == s.Email)
}

// MQAsNaming is the MQAs that name the person s (by id or email), in any
// account, as they are stored: what an SFA that took one of them was sent
// of them (an erasure tells a receiver only what it had). It reads the
// accounts' list and the MQAs of each account that raised one.
func (b *Book) MQAsNaming(ctx context.Context, s privacy.Subject) ([]MQA, error) {
	accts, err := b.T.Query(ctx, table.Query{PK: listPK, Consistent: true})
	if err != nil {
		return nil, err
	}
	cut, err := b.naming(ctx, s, "", accts)
	if err != nil {
		return nil, err
	}
	out := make([]MQA, len(cut))
	for i, m := range cut {
		out[i] = m.MQA
	}
	return out, nil
}

// cutMQA is an MQA as an erasure leaves it, and the entries of the person
// it cut (what a disclosure shows).
type cutMQA struct {
	MQA
	Cut []Member
}

// Disclose shows what Forget removes or rewrites, kind for kind and
// count for count, reading only (privacy.Discloser): the person's open
// visits and events among every account's anonymous visits, their entry
// in their account (the whole account when they are its last person), the
// grouping keys only they gave, the MQAs that name them (their entries in
// each; every MQA of an account that goes with them) and their membership.
func (b *Book) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	d := privacy.Disclosure{}
	accts, err := b.T.Query(ctx, table.Query{PK: listPK, Consistent: true}) // once, as Forget
	if err != nil {
		return d, err
	}
	if err := b.discloseVisits(ctx, s, accts, d); err != nil {
		return d, err
	}
	mem, had, err := b.membership(ctx, s.Person)
	if err != nil {
		return d, err
	}
	deleted := "" // the account that goes with its last person
	if had {
		a, err := b.live(ctx, mem.Account)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return d, err
		}
		// Not found: a zero account, which lists nobody.
		if me, gone, ok := b.leave(&a, s.Person); ok {
			shown := accountShown{Account: a.ID, Name: a.Name, Member: me}
			if len(a.Members) == 0 {
				deleted, shown.Deleted, shown.Attributes = a.ID, true, a.Attributes
			}
			if err := d.AddValue(kindAcct, shown); err != nil {
				return d, err
			}
			for _, k := range gone {
				if err := d.AddValue(kindKey, keyShown{Key: k, Account: a.ID}); err != nil {
					return d, err
				}
			}
		}
	}
	if deleted != "" {
		ms, err := b.MQAs(ctx, deleted)
		if err != nil {
			return d, err
		}
		for _, m := range ms {
			// All of it goes, but other people's entries are theirs.
			shown := mqaShown{ID: m.ID, Account: m.Account, At: m.At, Condition: m.Condition, Deleted: true,
				People: slices.DeleteFunc(m.People, func(p Member) bool { return !names(s, p) }),
				Name:   m.Name, Reasons: m.Reasons, Keys: m.Keys, Attributes: m.Attributes}
			if err := d.AddValue(KindMQA, shown); err != nil {
				return d, err
			}
		}
	}
	ms, err := b.naming(ctx, s, deleted, accts)
	if err != nil {
		return d, err
	}
	for _, m := range ms {
		shown := mqaShown{ID: m.ID, Account: m.Account, At: m.At, Condition: m.Condition, People: m.Cut}
		if err := d.AddValue(KindMQA, shown); err != nil {
			return d, err
		}
	}
	if had {
		if err := d.AddValue(kindMember, mem); err != nil {
			return d, err
		}
	}
	return d, nil
}

// accountShown is a person's part of their account as Disclose shows it.
type accountShown struct {
	Account string `json:"account"`
	Name    string `json:"name"`
	Member  Member `json:"member"` // the person as the account lists them
	// Deleted: they are its last person, and it goes with them; its
	// company attributes came from them (its keys are shown as keys).
	Deleted    bool              `json:"deleted,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// keyShown is a grouping key only the person gave.
type keyShown struct {
	Key     string `json:"key"`
	Account string `json:"account"` // the account it groups people into
}

// mqaShown is an MQA as Disclose shows it: the person's entries, which
// the erasure cuts out; what it says of the company too when it goes with
// its account (Deleted).
type mqaShown struct {
	ID         string            `json:"id"`
	Account    string            `json:"account"`
	At         time.Time         `json:"at"`
	Condition  string            `json:"condition"`
	People     []Member          `json:"people"` // the person's entries
	Deleted    bool              `json:"deleted,omitempty"`
	Name       string            `json:"name,omitempty"`
	Reasons    []string          `json:"reasons,omitempty"`
	Keys       []string          `json:"keys,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// naming returns the MQAs that name the person, without them: in every
// account of accts (the accounts' list as read) but skip (a merge, a split
// or new grouping keys may have moved them since an MQA named them). Only
// an account that raised MQAs is asked for them: its item lists them,
// written in the MQA's transaction (batch), and most accounts never raise
// one; asking each of 15,000 accounts, one query apiece, took an erasure
// past the admin function's time on DynamoDB. The accounts of also are
// asked whatever their item in accts says (or without one).
func (b *Book) naming(ctx context.Context, s privacy.Subject, skip string, accts []table.Item, also ...string) ([]cutMQA, error) {
	ask := []string{}
	for _, it := range accts {
		if it.SK == skip || slices.Contains(also, it.SK) {
			continue
		}
		if a, err := decode(it); err == nil && len(a.MQAs) == 0 {
			continue // never raised one (an unreadable item is asked)
		}
		ask = append(ask, it.SK)
	}
	for _, id := range also {
		if id != skip {
			ask = append(ask, id)
		}
	}
	var out []cutMQA
	for _, id := range ask {
		ms, err := b.MQAs(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			var cut []Member
			m.People = slices.DeleteFunc(m.People, func(p Member) bool {
				if names(s, p) {
					cut = append(cut, p)
					return true
				}
				return false
			})
			if len(cut) == 0 {
				continue
			}
			// What the MQA says of the company came from its people: from
			// those left.
			m.Attributes = vote(m.People)
			m.Keys = slices.DeleteFunc(m.Keys, func(k string) bool { return !(&Account{Members: m.People}).givenByMember(b, k) })
			m.Name = m.Attributes["company"]
			if m.Name == "" {
				m.Name = m.Domain()
			}
			out = append(out, cutMQA{m, cut})
		}
	}
	return out, nil
}

// givenByMember reports whether one of the account's members has the key.
func (a *Account) givenByMember(b *Book, key string) bool {
	for _, m := range a.Members {
		if slices.Contains(b.Keys(identity.Person{Email: m.Email, Attributes: map[string]string{"company": m.Company["company"]}}), key) {
			return true
		}
	}
	return false
}

// forgetMQAs deletes every MQA of an account erased with its last person.
func (b *Book) forgetMQAs(ctx context.Context, id string, removed privacy.Removed) error {
	ms, err := b.MQAs(ctx, id)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := b.T.Delete(ctx, PK(id), mqaSK(m.N), table.Always); err != nil {
			return err
		}
		removed.Add(KindMQA, 1)
	}
	return nil
}
