package feedback

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// KindKintoneChange is the kind of the time kintone first showed another
// status for an MQL (kintoneChangeSaw).
const KindKintoneChange = "kintone-change"

// KintoneChanges is what feedback keeps of a person: when kintone first
// showed another status for each of their MQLs (KTCHG#<mql>, in their
// partition). identity's Forget swept them with the partition, but its
// Disclose shows only its own items: the disclosure left them out.
type KintoneChanges struct{ T table.Table }

func kintoneChanges(s privacy.Subject) table.Query {
	return table.Query{PK: identity.PersonPK(s.Person), Prefix: kintoneChangePfx}
}

// Forget implements privacy.Forgetter.
func (k *KintoneChanges) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	return privacy.DeleteQuery(ctx, k.T, kintoneChanges(s), nil)
}

// Disclose implements privacy.Discloser: each with the MQL it is about
// (its key).
func (k *KintoneChanges) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	return privacy.ShowQuery(ctx, k.T, kintoneChanges(s), nil, func(it table.Item) (any, error) {
		var c struct {
			At any `json:"at"`
		}
		if err := json.Unmarshal(it.Data, &c); err != nil {
			// Still theirs, and erased: shown, saying so, not a failed file.
			return map[string]any{"mql": strings.TrimPrefix(it.SK, kintoneChangePfx), "unreadable": err.Error()}, nil
		}
		return map[string]any{"mql": strings.TrimPrefix(it.SK, kintoneChangePfx), "at": c.At}, nil
	})
}
