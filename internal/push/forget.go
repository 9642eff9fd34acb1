package push

import (
	"context"
	"encoding/json"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Item kinds push writes.
const (
	KindDelivery = "delivery"
	KindExternal = "external"
	KindInbox    = "inbox"
)

// Forget implements privacy.Forgetter for what delivery keeps of a person:
// the SFAs' record ids pointing back to them (EXT#...), then their
// delivery records. Messages still waiting for delivery are the queue's
// (queue.Queue.Forget); on AWS, SQS cannot delete them selectively, so
// Deliver drops every MQL of an erased person instead.
func (w *Worker) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	pk := identity.PersonPK(s.Person)
	dlv, err := w.T.Query(ctx, table.Query{PK: pk, Prefix: "DLV#", Consistent: true})
	if err != nil {
		return nil, err
	}
	var ext []table.Item
	for _, it := range dlv {
		var d Delivery
		if json.Unmarshal(it.Data, &d) == nil && d.ExternalID != "" {
			ext = append(ext, table.Item{PK: ExternalPK(d.Connector, d.ExternalID), SK: "EXT", Kind: KindExternal})
		}
	}
	r, err := privacy.DeleteItems(ctx, w.T, ext)
	if err != nil {
		return r, err
	}
	n, err := privacy.DeleteQuery(ctx, w.T, table.Query{PK: pk, Prefix: "DLV#"}, nil)
	r.Merge(n)
	return r, err
}

// Forget implements privacy.Forgetter for the built-in inbox: every lead
// that names the person.
func (i *Inbox) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	return privacy.DeleteQuery(ctx, i.T, table.Query{PK: inboxPK}, func(it table.Item) bool { return privacy.Mentions(it.Data, s) })
}
