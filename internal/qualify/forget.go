package qualify

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Forget implements privacy.Forgetter for what scoring keeps of a person:
// the MQL index entries of their MQLs (first, so that a retry still finds
// them from the MQL items), the MQL items, the score record, the ledger,
// the stage history, sales feedback marks, deals, the entry in the index
// of scored people and their place in the lists of running rescore jobs. The report counters are aggregates
// without the person and stay. It needs only T.
func (q *Qualifier) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	r := privacy.Removed{}
	n, err := q.forgetInJobs(ctx, s.Person)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	if err := forgetInRanking(ctx, q.T, s.Person); err != nil {
		return r, err
	}
	// The MQL index entries first: a retry still finds them from the MQL
	// items (personItems lists the index before the partition).
	err = q.personItems(ctx, s, func(query table.Query, match func(table.Item) bool) error {
		n, err := privacy.DeleteQuery(ctx, q.T, query, match)
		r.Merge(n)
		return err
	})
	return r, err
}

// Disclose implements privacy.Discloser: what Forget removes, decoded (a
// score record without the engine's state: hashes of matched events, which
// the ledger explains), and the rescore jobs whose lists name the person.
func (q *Qualifier) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	d := privacy.Disclosure{}
	err := q.personItems(ctx, s, func(query table.Query, match func(table.Item) bool) error {
		n, err := privacy.ShowQuery(ctx, q.T, query, match, decodeItem)
		d.Merge(n)
		return err
	})
	if err != nil {
		return d, err
	}
	jobs, err := q.ActiveRescores(ctx)
	if err != nil {
		return d, err
	}
	for _, j := range jobs {
		chunks, err := q.T.Query(ctx, table.Query{PK: jobPK + "#" + j.ID, Consistent: true})
		if err != nil {
			return d, err
		}
		for _, c := range chunks {
			var ids []string
			if json.Unmarshal(c.Data, &ids) == nil && slices.Contains(ids, s.Person) {
				if err := d.AddValue("jobentry", map[string]string{"rescoreJob": j.ID, "person": s.Person}); err != nil {
					return d, err
				}
			}
		}
	}
	return d, nil
}

// personItems calls each with every query (and match) Forget deletes by:
// the MQL index entries of the person's MQLs, their entry in the index of
// scored people, and their partition's scoring items. Forget and Disclose
// share it so that they cannot drift apart.
func (q *Qualifier) personItems(ctx context.Context, s privacy.Subject, each func(table.Query, func(table.Item) bool) error) error {
	pk := identity.PersonPK(s.Person)
	mqls, err := q.T.Query(ctx, table.Query{PK: pk, Prefix: mqlPfx, Consistent: true})
	if err != nil {
		return err
	}
	for _, it := range mqls {
		var m MQL
		if err := json.Unmarshal(it.Data, &m); err != nil {
			continue // unreadable: the item itself still goes below
		}
		for _, prefix := range []string{mqlIndexPrefix(m), legacyMQLIndexPrefix(m)} {
			if err := each(table.Query{PK: mqlIndex, Prefix: prefix}, nil); err != nil {
				return err
			}
		}
	}
	if err := each(indexed(s.Person)); err != nil {
		return err
	}
	for _, prefix := range []string{mqlPfx, scoreSK, ledgerPfx, historyPfx, fbPfx, dealPfx, attendancePfx} {
		if err := each(table.Query{PK: pk, Prefix: prefix}, nil); err != nil {
			return err
		}
	}
	return nil
}

// decodeItem is a scoring item as a person can read it.
func decodeItem(it table.Item) (any, error) {
	switch it.Kind {
	case "score":
		r, err := decodeRecord(it.Data)
		r.State = nil
		return r, err
	case "ledger":
		return decodeContribution(it.Data)
	case "scored":
		return map[string]string{"person": it.SK}, nil
	}
	return json.RawMessage(it.Data), nil
}

// forgetInJobs blanks the person's id in the lists of people of running
// rescore jobs (a finished job's list is gone). Blanked, not removed: a
// job's progress is a position in its list, and AdvanceRescore passes a
// blank.
func (q *Qualifier) forgetInJobs(ctx context.Context, person string) (privacy.Removed, error) {
	jobs, err := q.ActiveRescores(ctx)
	if err != nil {
		return nil, err
	}
	r := privacy.Removed{}
	for _, j := range jobs {
		chunks, err := q.T.Query(ctx, table.Query{PK: jobPK + "#" + j.ID, Consistent: true})
		if err != nil {
			return r, err
		}
		for _, c := range chunks {
			for tries := 0; ; tries++ {
				var ids []string
				if json.Unmarshal(c.Data, &ids) != nil {
					break
				}
				i := slices.Index(ids, person)
				if i < 0 {
					break
				}
				ids[i] = ""
				data, _ := json.Marshal(ids)
				err := q.T.Put(ctx, table.Item{PK: c.PK, SK: c.SK, Kind: c.Kind, Data: data}, table.VersionIs(c.Version))
				if err == nil {
					r.Add("jobentry", 1)
					break
				}
				if !errors.Is(err, table.ErrConditionFailed) || tries == 4 {
					return r, err
				}
				// The job's listing added people to the chunk meanwhile,
				// or the job finished and its list is gone: read it again.
				if c, err = q.T.Get(ctx, c.PK, c.SK); errors.Is(err, table.ErrNotFound) {
					break
				} else if err != nil {
					return r, err
				}
			}
		}
	}
	return r, nil
}
