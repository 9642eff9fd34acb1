// Package repnames keeps the names Baton learned for the SFAs' owner ids
// (a Salesforce User's email or a queue's name, a HubSpot owner's email),
// one tiny item per id in one partition, so that the reports name a rep
// by the id stored on each outcome as they read it.
//
// Why at read time: the SLA and reps reports are not aggregated at write
// time by owner; they read every person's stage history (qualify.AllFacts)
// and group by each answer's owner as they go. An outcome recorded while
// the SFA did not answer the lookup (down, its API allocation spent, a
// missing scope) keeps the raw id as its owner; the same rep's later
// outcomes, named, were a second row. Each outcome now keeps the id and
// its key (qualify.StageChange.OwnerID), never the name (an email, which
// is kept here once per rep rather than in every person's history), and
// the reports name it by the latest name learned: one query of this
// partition per report (a few hundred items at most: one per rep or
// queue), no scan, no rewrite of the history when a name is learned.
package repnames

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// pk is the partition of every name learned; the sort key is the id's key.
const pk = "REPNAME"

// Salesforce is the key of a Salesforce owner id (a SalesforceID): its 15
// case-sensitive characters, which its 18-character form begins with.
func Salesforce(id string) string { return "sf:" + id[:15] }

// HubSpot is the key of a HubSpot owner id.
func HubSpot(id string) string { return "hs:" + id }

// SalesforceID reports whether an owner is a Salesforce User's or queue's
// record id (15 case-sensitive letters and digits, or 18: the 15 and a
// checksum of their case) rather than a name.
func SalesforceID(s string) bool {
	if !strings.HasPrefix(s, "005") && !strings.HasPrefix(s, "00G") || len(s) != 15 && len(s) != 18 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

type entry struct {
	Name string `json:"name"`
}

// Remember stores the names learned (key -> name), the last learned of a
// key replacing the one before (a rep's new email). A name that is an
// erased email (Keeper: the rep asked) is not stored again: its write
// goes with privacy.NotErased, so an erasure between the SFA's answer and
// the write holds too, and the id's outcomes read as the id.
func Remember(ctx context.Context, t table.Table, names map[string]string) error {
	var ws []table.Write
	var errs []error
	for key, name := range names {
		data, _ := json.Marshal(entry{Name: name})
		put := table.Put(table.Item{PK: pk, SK: key, Kind: Kind, Data: data}, table.Always)
		email, err := event.NormalizeEmail(name)
		if err != nil { // a queue's or a user's name: no one's email
			ws = append(ws, put)
			continue
		}
		tx := []table.Write{put}
		for _, f := range event.EmailForms(email) {
			tx = append(tx, privacy.NotErased(f))
		}
		if err := t.Transact(ctx, tx); err != nil && !errors.Is(err, table.ErrConditionFailed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(append(errs, t.PutMany(ctx, ws)...)...)
}

// Kind is the kind of a name's item.
const Kind = "repname"

// Keeper erases and discloses the names that are a person's email: a
// rep's, asked by email (DELETE /admin/people?email=, GET
// /admin/disclosure?email=: the rep is no person Baton tracks), or a
// person's with the same email. The item is deleted: the outcomes keep the
// owner id (and its key), by which the reports still group them, then
// named by the id.
type Keeper struct{ T table.Table }

// Forget deletes the names that are s's email or a former one.
func (k Keeper) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	return privacy.DeleteQuery(ctx, k.T, table.Query{PK: pk}, named(s.Email, s.FormerEmails...))
}

// Disclose shows what Forget deletes.
func (k Keeper) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	return privacy.ShowQuery(ctx, k.T, table.Query{PK: pk}, named(s.Email, s.FormerEmails...), show)
}

// ForgetEmail deletes the names that are email (privacy.Eraser.EraseEmail).
func (k Keeper) ForgetEmail(ctx context.Context, email string) (privacy.Removed, error) {
	return privacy.DeleteQuery(ctx, k.T, table.Query{PK: pk}, named(email))
}

// ShowEmail shows what ForgetEmail deletes (privacy.Eraser.DiscloseEmail).
func (k Keeper) ShowEmail(ctx context.Context, email string) (privacy.Disclosure, error) {
	return privacy.ShowQuery(ctx, k.T, table.Query{PK: pk}, named(email), show)
}

// named matches the items whose name is one of emails, as Baton reads an
// email (case, an internationalised domain's two spellings).
func named(email string, more ...string) func(table.Item) bool {
	var forms []string
	for _, e := range append([]string{email}, more...) {
		if e != "" {
			forms = append(forms, event.EmailForms(e)...)
		}
	}
	return func(it table.Item) bool {
		var e entry
		if json.Unmarshal(it.Data, &e) != nil {
			return false
		}
		n, err := event.NormalizeEmail(e.Name)
		if err != nil {
			return false
		}
		for _, f := range event.EmailForms(n) {
			if slices.Contains(forms, f) {
				return true
			}
		}
		return false
	}
}

// show is a name's item as the disclosure reads it: the SFA's owner (the
// id's key) it names.
func show(it table.Item) (any, error) {
	var e entry
	if err := json.Unmarshal(it.Data, &e); err != nil {
		return nil, err
	}
	return map[string]string{"owner": it.SK, "name": e.Name}, nil
}

// Names are the names learned, by key.
type Names map[string]string

// Load reads every name learned (one query of one partition).
func Load(ctx context.Context, t table.Table) (Names, error) {
	items, err := t.Query(ctx, table.Query{PK: pk})
	if err != nil {
		return nil, err
	}
	n := Names{}
	for _, it := range items {
		var e entry
		if json.Unmarshal(it.Data, &e) == nil && e.Name != "" {
			n[it.SK] = e.Name
		}
	}
	return n, nil
}

// Of is how reports name the owner of an outcome recorded as owner, with
// the id's key (""): the name learned for the key, else owner. An outcome
// recorded before keys were kept has none; its owner, when it is an id
// (a Salesforce record id, or digits: a HubSpot owner id, as no rep's
// email or name is), gives its key.
func (n Names) Of(key, owner string) string {
	if key == "" {
		switch {
		case SalesforceID(owner):
			key = Salesforce(owner)
		case owner != "" && strings.Trim(owner, "0123456789") == "":
			key = HubSpot(owner)
		}
	}
	if name, ok := n[key]; ok && key != "" {
		return name
	}
	return owner
}
