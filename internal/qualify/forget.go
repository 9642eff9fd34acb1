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
	pk := identity.PersonPK(s.Person)
	mqls, err := q.T.Query(ctx, table.Query{PK: pk, Prefix: mqlPfx, Consistent: true})
	if err != nil {
		return nil, err
	}
	r := privacy.Removed{}
	for _, it := range mqls {
		var m MQL
		if err := json.Unmarshal(it.Data, &m); err != nil {
			continue // unreadable: the item itself still goes below
		}
		for _, prefix := range []string{mqlIndexPrefix(m), legacyMQLIndexPrefix(m)} {
			n, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: mqlIndex, Prefix: prefix}, nil)
			r.Merge(n)
			if err != nil {
				return r, err
			}
		}
	}
	n, err := q.forgetInJobs(ctx, s.Person)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	n, err = q.forgetIndexed(ctx, s.Person)
	r.Merge(n)
	if err != nil {
		return r, err
	}
	for _, prefix := range []string{mqlPfx, scoreSK, ledgerPfx, historyPfx, fbPfx, dealPfx} {
		n, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: pk, Prefix: prefix}, nil)
		r.Merge(n)
		if err != nil {
			return r, err
		}
	}
	return r, nil
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
