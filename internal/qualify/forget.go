package qualify

import (
	"context"
	"encoding/json"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Forget implements privacy.Forgetter for what scoring keeps of a person:
// the MQL index entries of their MQLs (first, so that a retry still finds
// them from the MQL items), the MQL items, the score record, the ledger,
// the stage history, sales feedback marks, deals and the
// entry in the index of scored people. The report counters are aggregates
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
		n, err := privacy.DeleteQuery(ctx, q.T, table.Query{PK: mqlIndex, Prefix: mqlIndexPrefix(m)}, nil)
		r.Merge(n)
		if err != nil {
			return r, err
		}
	}
	n, err := q.forgetIndexed(ctx, s.Person)
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
