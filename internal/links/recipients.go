package links

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/fanout"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// A send's recipients are counted once each across its lists: two lists
// (customers.csv, seminar-2026.csv) that share people counted them twice,
// and every rate per recipient was off. Each address the send's lists gave
// a token is one item in the campaign's partition, never the address
// itself: an HMAC of it under the campaign's own random key (so a
// campaign's items cannot be matched with another's), holding the parts
// (ListPart.Hash) it is in. An address counts for the first part that
// claimed it: a part's Distinct is its addresses it was first in, the same
// when the part is uploaded again (a retry after a failure half way, the
// same file again), and the campaign's Recipients are the parts' sum.
//
//	PK=CAMP#<id>  SK=RCPT#<hmac>  {"g": list generation, "p": [parts]}
//	PK=CAMP#<id>  SK=RCPTKEY      the campaign's HMAC key
//
// A list that replaces the earlier ones starts a new generation
// (Campaign.ListGen): an item of an earlier one counts as no part's, and is
// taken over by the next list that has the address. The person's items are
// theirs to see and erase (Forget, Disclose).
const (
	recipientPrefix = "RCPT#"
	recipientKeySK  = "RCPTKEY"
	// KindRecipient is the kind of a send's recipient item.
	KindRecipient    = "recipient"
	kindRecipientKey = "recipientkey"
)

// recipientParallel is how many addresses a send had already are claimed
// at once (a read and a write each; 5,000 one after another outlast a
// request).
const recipientParallel = 16

// recipient is a recipient item's data.
type recipient struct {
	Gen   string   `json:"g,omitempty"`
	Parts []string `json:"p"`
}

func newGen() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// recipientKey reads the campaign's HMAC key, made on its first list.
func (r *Registry) recipientKey(ctx context.Context, campaign string, create bool) ([]byte, error) {
	pk := "CAMP#" + campaign
	for range 2 {
		it, err := r.T.Get(ctx, pk, recipientKeySK)
		if err == nil {
			return base64.StdEncoding.DecodeString(string(it.Data))
		}
		if !errors.Is(err, table.ErrNotFound) || !create {
			return nil, err
		}
		var k [32]byte
		_, _ = rand.Read(k[:])
		err = r.T.Put(ctx, table.Item{PK: pk, SK: recipientKeySK, Kind: kindRecipientKey, Data: []byte(base64.StdEncoding.EncodeToString(k[:]))}, table.NotExists)
		if err != nil && !errors.Is(err, table.ErrConditionFailed) { // lost to another list's: read theirs
			return nil, err
		}
	}
	return nil, errors.New("links: the campaign's recipient key could not be read")
}

// addressSK is where an address's item is, under the campaign's key.
func addressSK(key []byte, email string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(email))
	return recipientPrefix + hex.EncodeToString(m.Sum(nil)[:16])
}

// claim records that the part has the address (its item at sk) in the
// generation, and reports whether the address counts for the part: the
// part was the first to claim it.
func (r *Registry) claim(ctx context.Context, pk, sk, gen, part string) (bool, error) {
	for attempt := 0; table.Again(ctx, attempt); attempt++ {
		var st recipient
		var ver int64
		it, err := r.T.Get(ctx, pk, sk)
		switch {
		case errors.Is(err, table.ErrNotFound):
		case err != nil:
			return false, err
		default:
			ver = it.Version
			if err := json.Unmarshal(it.Data, &st); err != nil {
				return false, err
			}
		}
		if st.Gen != gen || len(st.Parts) == 0 { // an earlier list's: no part of this one has it
			st = recipient{Gen: gen}
		}
		if slices.Contains(st.Parts, part) {
			return st.Parts[0] == part, nil // the same part again
		}
		st.Parts = append(st.Parts, part)
		data, _ := json.Marshal(st)
		err = r.T.Put(ctx, table.Item{PK: pk, SK: sk, Kind: KindRecipient, Data: data}, table.VersionIs(ver))
		if err == nil {
			return st.Parts[0] == part, nil
		}
		if !errors.Is(err, table.ErrConditionFailed) {
			return false, err
		}
	}
	return false, errors.New("links: too much contention recording a recipient")
}

// ListCount is what an upload of a list did to its send's count, as the
// page and the API say it: "10 got a token" beside a count of 17 for two
// lists of 10 read as a wrong sum, and a list replacing a send of several
// parts said nothing of what it replaced.
type ListCount struct {
	// New are the list's addresses the send had not counted (a replacing
	// list's are all new); AlreadyInSend the others (in an earlier part,
	// or this same part uploaded before).
	New           int `json:"new"`
	AlreadyInSend int `json:"alreadyInSend"`
	// AlreadyCounted: the same part (the same addresses) was a part of
	// the send already; it adds none unless its upload before failed half
	// way.
	AlreadyCounted bool `json:"alreadyCounted"`
	// ReplacedParts and ReplacedRecipients are the lists and count the
	// send had before a list not added replaced them (0: nothing replaced).
	ReplacedParts      int `json:"replacedParts"`
	ReplacedRecipients int `json:"replacedRecipients"`
	// Recipients and Parts are the send's count and lists now.
	Recipients int `json:"recipients"`
	Parts      int `json:"parts"`
}

// ListMinted records that a recipient list (file: its hash, ListPart)
// gave tokens to these addresses (normalised, each once) for the campaign
// now: the campaign's recipients are the list's, or, with add, the earlier
// parts' and this one's, an address in several parts counted once (the
// same file again changes nothing). ErrNotFound for an id no campaign has
// (a list never makes a campaign: tokens for an id of no links record no
// click), ErrInvalid past MaxParts.
//
// The part is listed first (the count of parts checked and the list's
// generation chosen in the one write), its addresses recorded, then its
// count: an upload that fails half way leaves its part counting fewer, and
// uploaded again it counts what it should.
func (r *Registry) ListMinted(ctx context.Context, campaign, file string, addresses []string, add bool) (ListCount, error) {
	if !ValidCampaign(campaign) {
		return ListCount{}, ErrNotFound
	}
	var tooMany bool
	var gen string
	var lc ListCount
	before := 0 // what the part counted before this upload (the same part again)
	part := ListPart{Hash: file, Minted: len(addresses), Keyed: true}
	_, _, err := r.updateCampaign(ctx, campaign, false, func(old *Campaign) Campaign {
		c := *old
		tooMany, lc, before = false, ListCount{}, 0
		switch i := slices.IndexFunc(c.Parts, func(p ListPart) bool { return p.Hash == file }); {
		case !add:
			c.ListGen = newGen() // the earlier lists' addresses count no more
			lc.ReplacedParts, lc.ReplacedRecipients = len(c.Parts), c.Recipients
			if len(c.Parts) == 0 && c.Recipients > 0 { // a list counted before parts were kept
				lc.ReplacedParts = 1
			}
			c.Replaced += lc.ReplacedParts
			c.Parts = []ListPart{part}
		case i >= 0:
			lc.AlreadyCounted = true
			c.Parts = slices.Clone(c.Parts)
			p := part
			if c.Parts[i].Keyed {
				p.Distinct = c.Parts[i].Distinct // until recounted below
				before = p.Distinct
			} else {
				before = c.Parts[i].Minted
			}
			c.Parts[i] = p
		case len(c.Parts) == 0 && c.Recipients > 0: // a list counted before parts were kept
			c.Parts = []ListPart{{Hash: "", Minted: c.Recipients}, part}
		case len(c.Parts) >= MaxParts:
			tooMany = true
			return c
		default:
			c.Parts = append(slices.Clone(c.Parts), part)
		}
		gen = c.ListGen
		c.ListAt = r.now()
		c.Recipients = countParts(c.Parts)
		return c
	})
	if err != nil {
		return ListCount{}, err
	}
	if tooMany {
		return ListCount{}, fmt.Errorf("%w: campaign %s counts %d lists already: upload the whole send again as fewer, larger parts", ErrInvalid, campaign, MaxParts)
	}
	key, err := r.recipientKey(ctx, campaign, true)
	if err != nil {
		return ListCount{}, err
	}
	distinct, err := r.claimAll(ctx, "CAMP#"+campaign, key, gen, file, addresses)
	if err != nil {
		return ListCount{}, err
	}
	c, _, err := r.updateCampaign(ctx, campaign, false, func(old *Campaign) Campaign {
		c := *old
		i := slices.IndexFunc(c.Parts, func(p ListPart) bool { return p.Hash == file })
		if c.ListGen != gen || i < 0 {
			return c // a list that replaced this one came meanwhile
		}
		c.Parts = slices.Clone(c.Parts)
		c.Parts[i].Distinct = distinct
		c.Recipients = countParts(c.Parts)
		return c
	})
	if err != nil {
		return ListCount{}, err
	}
	lc.New = max(distinct-before, 0)
	lc.AlreadyInSend = len(addresses) - lc.New
	lc.Recipients, lc.Parts = c.Recipients, len(c.Parts)
	return lc, nil
}

// claimAll claims the part's addresses and counts those it was the first
// to claim. An address new to the send is one conditional put, a hundred
// a batch (bbolt commits a batch at once); one already there (another
// part's, an earlier list's, this part's uploaded before) is read and
// written again (claim), recipientParallel at once.
func (r *Registry) claimAll(ctx context.Context, pk string, key []byte, gen, part string, addresses []string) (int, error) {
	data, _ := json.Marshal(recipient{Gen: gen, Parts: []string{part}})
	var distinct int
	var there []string
	for start := 0; start < len(addresses); start += 100 {
		page := addresses[start:min(start+100, len(addresses))]
		ws := make([]table.Write, len(page))
		for i, a := range page {
			ws[i] = table.Put(table.Item{PK: pk, SK: addressSK(key, a), Kind: KindRecipient, Data: data}, table.NotExists)
		}
		for i, err := range r.T.PutMany(ctx, ws) {
			switch {
			case err == nil:
				distinct++
			case errors.Is(err, table.ErrConditionFailed):
				there = append(there, ws[i].Item.SK)
			default:
				return 0, err
			}
		}
	}
	var claimed atomic.Int64
	var mu sync.Mutex
	var first error
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err := fanout.Each(len(there), recipientParallel, func(i int) {
		if ctx.Err() != nil {
			return
		}
		counts, err := r.claim(ctx, pk, there[i], gen, part)
		if err != nil {
			mu.Lock()
			if first == nil {
				first = err
			}
			mu.Unlock()
			cancel() // the first failure stops the rest: the upload fails whole
			return
		}
		if counts {
			claimed.Add(1)
		}
	})
	if err := errors.Join(err, first); err != nil {
		return 0, err
	}
	return distinct + int(claimed.Load()), nil
}

// countParts is a send's recipients: each keyed part's addresses no
// earlier part had, and a part counted before addresses were kept as
// counted then.
func countParts(parts []ListPart) int {
	n := 0
	for _, p := range parts {
		if p.Keyed {
			n += p.Distinct
		} else {
			n += p.Minted
		}
	}
	return n
}

// AddressHash is where the campaign keeps an address it counted (the
// recipient item's sort key's hash), and whether it does: for tests
// that look for it in the store.
func (r *Registry) AddressHash(ctx context.Context, campaign, email string) (string, bool, error) {
	key, err := r.recipientKey(ctx, campaign, false)
	if errors.Is(err, table.ErrNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, err
	}
	sk := addressSK(key, email)
	_, err = r.T.Get(ctx, "CAMP#"+campaign, sk)
	if errors.Is(err, table.ErrNotFound) {
		return strings.TrimPrefix(sk, recipientPrefix), false, nil
	}
	return strings.TrimPrefix(sk, recipientPrefix), err == nil, err
}

// campaignIDs are the ids of every campaign: the list, and while the sweep
// has not finished copying the campaigns stored before it into it, a scan
// of the campaigns' partitions (an erasure must miss none).
func (r *Registry) campaignIDs(ctx context.Context) ([]string, error) {
	cs, err := r.Campaigns(ctx)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, c := range cs {
		ids[c.ID] = true
	}
	done, err := r.ListComplete(ctx)
	if err != nil {
		return nil, err
	}
	if !done {
		err := r.T.Scan(ctx, "CAMP#", func(it table.Item) error {
			if it.SK == "CAMP" {
				ids[strings.TrimPrefix(it.PK, "CAMP#")] = true
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for id := range ids {
			if !yield(id) {
				return
			}
		}
	}), nil
}

// recipientItems are the person's recipient items: in every campaign with
// a key, the item of each of their addresses (former ones too), in each
// of its spellings (event.EmailForms).
func (r *Registry) recipientItems(ctx context.Context, s privacy.Subject) ([]table.Item, error) {
	var emails []string
	for _, e := range append([]string{s.Email}, s.FormerEmails...) {
		if e != "" {
			emails = append(emails, event.EmailForms(e)...)
		}
	}
	if len(emails) == 0 {
		return nil, nil
	}
	ids, err := r.campaignIDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []table.Item
	for _, id := range ids {
		key, err := r.recipientKey(ctx, id, false)
		if errors.Is(err, table.ErrNotFound) {
			continue // no list was ever counted by address
		}
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, e := range emails {
			sk := addressSK(key, e)
			if seen[sk] {
				continue
			}
			seen[sk] = true
			it, err := r.T.Get(ctx, "CAMP#"+id, sk)
			if errors.Is(err, table.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, it)
		}
	}
	return out, nil
}

// Forget deletes the person's recipient items (privacy.Forgetter). The
// campaigns' counts stay as they were: the send did reach them, a count is
// no one's, and a list uploaded again gives them no token (erased), so
// they are never counted again.
func (r *Registry) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	items, err := r.recipientItems(ctx, s)
	if err != nil {
		return privacy.Removed{}, err
	}
	return privacy.DeleteItems(ctx, r.T, items)
}

// Disclose shows the person's recipient items, as Forget deletes them: the
// campaign whose send they were on, and the hash that stands for their
// address there.
func (r *Registry) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	items, err := r.recipientItems(ctx, s)
	if err != nil {
		return privacy.Disclosure{}, err
	}
	return privacy.ShowItems(items, func(it table.Item) (any, error) {
		var st recipient
		if err := json.Unmarshal(it.Data, &st); err != nil {
			return nil, err
		}
		return map[string]any{
			"campaign": strings.TrimPrefix(it.PK, "CAMP#"),
			"hash":     strings.TrimPrefix(it.SK, recipientPrefix),
			"lists":    len(st.Parts),
		}, nil
	})
}
