package account

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/baton-hq/baton/internal/table"
)

// An account claims the grouping keys its people bring (applyChunk), at
// most this many of each kind. Each distinct company name written at one of
// its domains added a key, without bound: a form spammer or a messy import
// grew the account item with keys alone (up to 2,000 bytes each), and as
// fit() makes room by dropping members, the account lost its people first,
// then passed DynamoDB's 400 KB. Domains have their own, larger allowance,
// so that names never crowd them out; an operator's merge brings the other
// account's keys whatever the count (at most maxMove of them).
const (
	MaxNameKeys   = 20
	MaxDomainKeys = 50
)

// roomFor reports whether the account may claim key k: it has fewer keys
// of k's kind than allowed, or k is the name an operator gave it (split)
// or the company name its SFA reports, which are always kept.
func (a *Account) roomFor(k string) bool {
	kind, _, _ := strings.Cut(k, ":")
	n, limit := 0, MaxNameKeys
	if kind == "d" {
		limit = MaxDomainKeys
	}
	for _, x := range a.Keys {
		if strings.HasPrefix(x, kind+":") {
			n++
		}
	}
	if n < limit {
		return true
	}
	if kind != "n" {
		return false
	}
	for _, name := range []string{a.SFA["company"], a.operatorName()} {
		if c := CompanyKey(name); c != "" && k == "n:"+c {
			return true
		}
	}
	return false
}

func (a *Account) operatorName() string {
	if a.Named {
		return a.Name
	}
	return ""
}

// named reports whether k is the key of the name an operator gave the
// account (split): the operator's, not a member's, so no member's erasure
// takes it (leave) while the account lasts.
func (a *Account) named(k string) bool {
	c := CompanyKey(a.operatorName())
	return c != "" && k == "n:"+c && len(a.Members) > 0
}

// refuse marks the account full of keys from now on; true the first time
// (to say so in the log).
func (a *Account) refuse(now time.Time) bool {
	if !a.KeysFull.IsZero() {
		return false
	}
	a.KeysFull = now
	return true
}

// SameName is the other live account that owns the company-name key of a's
// name, "" for none: a person whose domain no account had founds their own
// account even when their company name is another's (resolveWith), so a
// group company writing from a second domain is a second account of the same
// name, which an operator may merge. Not for an account an operator split
// off, named (Named) or not (no keys: a split's stay with the account it
// left, which an unnamed split is named after): they parted it on purpose;
// nor for one merged away (its keys are the other's now, which SameName
// named). Bounded: one key read, and the owner's account (merges followed)
// when it is not a itself.
func (b *Book) SameName(ctx context.Context, a Account) (string, error) {
	if a.Named || a.MergedInto != "" || len(a.Keys) == 0 {
		return "", nil
	}
	name := a.Attributes["company"]
	if name == "" {
		name = a.Name
	}
	k := CompanyKey(name)
	if k == "" || slices.Contains(a.Keys, "n:"+k) {
		return "", nil
	}
	owner, err := b.keyOwner(ctx, "n:"+k)
	if err != nil || owner == "" || owner == a.ID {
		return "", err
	}
	o, err := b.live(ctx, owner)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil || o.ID == a.ID {
		return "", err
	}
	return o.ID, nil
}

// alsoPfx marks, in a company name's ACCTKEY# partition, an account founded
// by a person of a corporate domain who gave that name while its owner was
// an account of names alone (resolveWith turned them away): the owner has no
// other way to find it (SameNameDomains). The item holds the account's id,
// as the key item does.
const (
	alsoPfx  = "ALSO#"
	kindAlso = "accountalso"
)

func sameNameWrite(key, id string) table.Write {
	return table.Put(table.Item{PK: keyPfx + key, SK: alsoPfx + id, Kind: kindAlso, Data: []byte(id)}, table.Always)
}

// maxSameName bounds the accounts SameNameDomains names (and the marks it
// reads a name): an impostor may found many.
const maxSameName = 10

// SameNameDomains are the live accounts with domains of their own founded
// by people of a corporate domain who gave a company name of a, an account
// of names alone (its people free mail): such a person founds their
// domain's account rather than taking a's name (anyone can type it), so
// when the company's real domain comes, a's page names its account, to merge
// a into by hand; an impostor's domain comes the same way, which is why the
// operator chooses. None once a has a domain (merged with one: the others'
// pages name it, SameName), nor for an account split off or merged away.
// Bounded: one query a name key of a, at most maxSameName marks each, and
// one read of each account named.
func (b *Book) SameNameDomains(ctx context.Context, a Account) ([]Account, error) {
	if a.Named || a.MergedInto != "" || slices.ContainsFunc(a.Keys, func(k string) bool { return strings.HasPrefix(k, "d:") }) {
		return nil, nil
	}
	var out []Account
	for _, k := range a.Keys {
		if !strings.HasPrefix(k, "n:") {
			continue
		}
		its, err := b.T.Query(ctx, table.Query{PK: keyPfx + k, Prefix: alsoPfx, Limit: maxSameName})
		if err != nil {
			return nil, err
		}
		for _, it := range its {
			o, err := b.live(ctx, string(it.Data))
			if errors.Is(err, ErrNotFound) {
				continue // its last person erased
			}
			if err != nil {
				return nil, err
			}
			if o.ID == a.ID || slices.ContainsFunc(out, func(x Account) bool { return x.ID == o.ID }) ||
				!slices.ContainsFunc(o.Keys, func(k string) bool { return strings.HasPrefix(k, "d:") }) {
				continue
			}
			if out = append(out, o); len(out) == maxSameName {
				return out, nil
			}
		}
	}
	return out, nil
}

// A company name a person gives is claimed as a grouping key of the account
// they join only when it is the account's own (ownsName): one person's
// company at a company's domain (a shared info@ address, a reseller typing
// its client's name) gave the domain's account another firm's name key, and
// through it free-mail people of that firm joined, voted, and renamed the
// account. A name the account claimed that is no longer its own, given by
// one person of a company domain, is released (releasable) when the account
// is next written.

// nameGroup is the company a company name votes for (vote): its key, or the
// spelling of a name that has none (株式会社サンプル, なし), and whether the
// name also names a branch or department (companyKey). "" for no name.
func nameGroup(v string) (string, bool) {
	if v = strings.TrimSpace(v); v == "" {
		return "", false
	}
	if k, unit := companyKey(v, true); k != "" {
		return "n:" + k, unit
	}
	return "v:" + v, false
}

// kept reports whether the name key k stays the account's whatever its
// people give: the name an operator gave it (split), the company name its
// SFA reports, a name a merge brought (the operator joined it).
func (a *Account) kept(k string) bool {
	for _, name := range []string{a.SFA["company"], a.operatorName()} {
		if c := CompanyKey(name); c != "" && k == "n:"+c {
			return true
		}
	}
	return slices.Contains(a.MergedNames, k)
}

// nameTally is the account's company-name vote (tallyNames), with the
// members writing from a company domain counted. person (if any) votes for
// k, and is counted when not a member yet (joining now) as writing from a
// company domain when corporate.
func (a *Account) nameTally(b *Book, k, person string, corporate bool) (votes, corp map[string]int) {
	t := tallyNames(a.Members, func(m Member) bool { return Domain(m.Email, b.FreeMail) != "" }, person, k)
	if person != "" && !slices.ContainsFunc(a.Members, func(m Member) bool { return m.Person == person }) && k != "" {
		t.votes[k]++
		if corporate {
			t.corp[k]++
		}
	}
	return t.votes, t.corp
}

// outvoted reports whether another company has more votes than k.
func outvoted(votes map[string]int, k string) bool {
	for g, n := range votes {
		if g != k && n > votes[k] {
			return true
		}
	}
	return false
}

// ownsName reports whether the company-name key k, given by person (who
// writes from a company domain when corporate), is the account's own with
// them in it: no other company has more of its people's votes (the name the
// account vote picks, or one tied with it), or two people or more of
// company domains gave it (a company written two ways by its own people,
// アクメ and ACME), or it is kept. One person's name against the votes of
// the others is not the account's.
func (a *Account) ownsName(b *Book, k, person string, corporate bool) bool {
	if a.kept(k) {
		return true
	}
	if a.otherScript(k) && !slices.ContainsFunc(a.Keys, func(x string) bool { return x != k && latinKey(x) }) {
		return true // its one name in Latin letters
	}
	votes, corp := a.nameTally(b, k, person, corporate)
	return corp[k] >= 2 || !outvoted(votes, k)
}

// otherScript reports whether the name key k is in Latin letters while the
// account's name has none (ACME Co., Ltd. at an account named
// 株式会社アクメ): its name written the other way, as networks (GeoIP ASN
// organisations: its anonymous visits) and foreign SFAs write it, which no
// key can tell from its Japanese name (no transliteration). A Japanese
// company's one English name is kept (ownsName: one, the first claimed), as
// another firm's Japanese name is not.
func (a *Account) otherScript(k string) bool {
	return latinKey(k) && !strings.ContainsFunc(a.Attributes["company"], func(r rune) bool {
		return r < 0x80 && unicode.IsLetter(r) || r >= 0xff21 && r <= 0xff5a // ＡＣＭＥ too
	}) && a.Attributes["company"] != ""
}

// latinKey reports whether k is a company-name key of ASCII letters and
// digits alone, a letter among them.
func latinKey(k string) bool {
	n, ok := strings.CutPrefix(k, "n:")
	return ok && n != "" && strings.ContainsFunc(n, func(r rune) bool { return r >= 'a' && r <= 'z' }) &&
		!strings.ContainsFunc(n, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
}

// releasable are the account's name keys that are no longer its own (an
// earlier claim by one person's name, the vote having moved on): given by
// exactly one of its people writing from a company domain, outvoted, not
// kept. Names given by nobody there (free-mail people who joined by them,
// names longer than a member entry keeps) stay. No work unless a name key
// is not the voted company's.
func (a *Account) releasable(b *Book) []string {
	voted, _ := nameGroup(a.Attributes["company"])
	var votes, corp map[string]int
	var out []string
	for _, k := range a.Keys {
		if !strings.HasPrefix(k, "n:") || k == voted || a.kept(k) || a.otherScript(k) {
			continue
		}
		if votes == nil {
			votes, corp = a.nameTally(b, "", "", false)
		}
		if corp[k] == 1 && outvoted(votes, k) {
			out = append(out, k)
		}
	}
	return out
}
