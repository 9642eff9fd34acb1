package push

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/table"
)

// Item kinds push writes.
const (
	KindDelivery = "delivery"
	KindExternal = "external"
	KindInbox    = "inbox"
	// KindInboxMoved is the pointer to where a form moved an inbox lead
	// (inboxMovedSK): apart from the lead's kind, so that a disclosure and
	// an erasure count leads as the inbox shows them.
	KindInboxMoved = "inboxmoved"
)

// Forget implements privacy.Forgetter for what delivery keeps of a person:
// the SFAs' record ids pointing back to them (EXT#...) and their MQLs'
// entries in the index of first deliveries, then their delivery records. Messages still waiting for delivery are the queue's
// (queue.Queue.Forget); on AWS, SQS cannot delete them selectively, so
// Deliver drops every MQL of an erased person instead.
func (w *Worker) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	ext, err := w.externalIDs(ctx, s)
	if err != nil {
		return nil, err
	}
	items := make([]table.Item, len(ext))
	for i, e := range ext {
		items[i] = e.Item
	}
	// The index of first deliveries names the person's MQLs: its keys
	// are known from the delivery records, so it goes before them.
	dlv, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(s.Person), Prefix: "DLV#", Consistent: true})
	if err != nil {
		return nil, err
	}
	items = append(items, deliveredIndexItems(dlv)...)
	r, err := privacy.DeleteItems(ctx, w.T, items)
	if err != nil {
		return r, err
	}
	n, err := privacy.DeleteQuery(ctx, w.T, deliveries(s), nil)
	r.Merge(n)
	return r, err
}

// Disclose implements privacy.Discloser: the SFAs' record ids that point
// back to the person (which SFA holds them, under which id), their MQLs'
// entries in the index of first deliveries, and their delivery records (where each MQL went, when, and what became of it).
func (w *Worker) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	ext, err := w.externalIDs(ctx, s)
	if err != nil {
		return nil, err
	}
	d := privacy.Disclosure{}
	for _, it := range ext {
		connector, id := it.connector, it.id
		got, err := w.T.Get(ctx, it.PK, it.SK)
		if errors.Is(err, table.ErrNotFound) {
			continue // DeleteItems counts only what is there
		}
		if err != nil {
			return d, err
		}
		// The record's key says which SFA holds it under which id; its
		// data only names the person back.
		n, err := privacy.ShowItems([]table.Item{got}, func(it table.Item) (any, error) {
			var ref map[string]any
			if err := json.Unmarshal(it.Data, &ref); err != nil {
				return nil, err
			}
			ref["connector"], ref["externalId"] = connector, id
			return ref, nil
		})
		d.Merge(n)
		if err != nil {
			return d, err
		}
	}
	// The index entries of the person's MQLs' first deliveries, as Forget
	// finds them.
	dlv, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(s.Person), Prefix: "DLV#", Consistent: true})
	if err != nil {
		return d, err
	}
	var index []table.Item
	for _, it := range deliveredIndexItems(dlv) {
		got, err := w.T.Get(ctx, it.PK, it.SK)
		if errors.Is(err, table.ErrNotFound) {
			continue
		} else if err != nil {
			return d, err
		}
		index = append(index, got)
	}
	n, err := privacy.ShowItems(index, nil)
	d.Merge(n)
	if err != nil {
		return d, err
	}
	n, err = privacy.ShowQuery(ctx, w.T, deliveries(s), nil, nil)
	d.Merge(n)
	return d, err
}

// deliveries selects the person's delivery records.
func deliveries(s privacy.Subject) table.Query {
	return table.Query{PK: identity.PersonPK(s.Person), Prefix: "DLV#"}
}

// externalRef is the key of an SFA's record id, and the SFA and id it is.
type externalRef struct {
	table.Item
	connector, id string
}

// externalIDs are the keys of the SFAs' record ids the person's deliveries
// name, each once: the SFA upserts a lead by email, so MQLs of several
// cycles are delivered to one record (one item, removed once).
func (w *Worker) externalIDs(ctx context.Context, s privacy.Subject) ([]externalRef, error) {
	dlv, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(s.Person), Prefix: "DLV#", Consistent: true})
	if err != nil {
		return nil, err
	}
	var ext []externalRef
	seen := map[string]bool{}
	for _, it := range dlv {
		var d Delivery
		if json.Unmarshal(it.Data, &d) == nil && d.ExternalID != "" {
			pk := ExternalPK(d.Connector, d.ExternalID)
			if seen[pk] {
				continue
			}
			seen[pk] = true
			ext = append(ext, externalRef{table.Item{PK: pk, SK: "EXT", Kind: KindExternal}, d.Connector, d.ExternalID})
		}
	}
	return ext, nil
}

// Forget implements privacy.Forgetter for the built-in inbox: every lead
// that names the person, and the pointers to those a form moved.
func (i *Inbox) Forget(ctx context.Context, s privacy.Subject) (privacy.Removed, error) {
	return privacy.DeleteQuery(ctx, i.T, table.Query{PK: inboxPK}, naming(s))
}

// Disclose implements privacy.Discloser: the inbox's leads that name the
// person, and the pointers to those a form moved (their own kind: they
// name the person by id, and Forget removes them).
func (i *Inbox) Disclose(ctx context.Context, s privacy.Subject) (privacy.Disclosure, error) {
	return privacy.ShowQuery(ctx, i.T, table.Query{PK: inboxPK}, naming(s), nil)
}

func naming(s privacy.Subject) func(table.Item) bool {
	return func(it table.Item) bool { return privacy.Mentions(it.Data, s) }
}

// TookAccount reports whether connector took the MQA m, or may have
// (delivered, tried, or being tried now), as Reached does for an MQL.
func (w *Worker) TookAccount(ctx context.Context, m account.MQA, connector string) (bool, error) {
	d, err := w.state(ctx, target{pk: account.PK(m.Account), id: m.ID}, connector)
	if err != nil {
		return false, err
	}
	return d.Status == StatusDelivered || d.Attempts > 0 || !d.Claimed.IsZero(), nil
}

// Reached reports whether an MQL of the person was, or may have been,
// handed to connector: delivered, or tried (a receiver may hold a lead
// whose answer was lost), or being tried now. An erasure tells a receiver
// of a notice (the webhook) only then: telling one that never had the
// person would hand it their email.
func (w *Worker) Reached(ctx context.Context, personID, connector string) (bool, error) {
	dlv, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(personID), Prefix: "DLV#", Consistent: true})
	if err != nil {
		return false, err
	}
	for _, it := range dlv {
		d, err := decodeDelivery(it.Data)
		if err == nil && d.Connector == connector && (d.Status == StatusDelivered || d.Attempts > 0 || !d.Claimed.IsZero()) {
			return true, nil
		}
	}
	return false, nil
}

// Deliveries are the person's delivery records to connector, every MQL's
// (all cycles) and every later form's: what the connector made of them
// (ExternalID, Steps), for an erasure to find the records an email cannot
// (HubSpot's contact without one). Read before Forget deletes them.
func (w *Worker) Deliveries(ctx context.Context, personID, connector string) ([]Delivery, error) {
	dlv, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(personID), Prefix: "DLV#", Consistent: true})
	if err != nil {
		return nil, err
	}
	var out []Delivery
	for _, it := range dlv {
		d, err := decodeDelivery(it.Data)
		if err == nil && d.Connector == connector { // one unreadable is left out, as Reached does
			out = append(out, d)
		}
	}
	return out, nil
}
