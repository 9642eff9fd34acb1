package push

import (
	"context"
	"errors"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// OwnerReader is a connector that reads who owns, at its SFA now, the
// record a delivery of it went on (Delivery.ExternalID): the rep the org's
// assignment (Salesforce's assignment rules, a HubSpot workflow) gave the
// lead, whom an SLA breach names before sales have answered anything (the
// verdicts name the rep only once they do). A zero Owner: the record has
// none (a queue's lead has one, the queue), or the SFA does not have it.
type OwnerReader interface {
	RecordOwner(ctx context.Context, externalID string) (qualify.Owner, error)
}

// RecordOwner is the owner the SFAs have of the record the MQL mqlID went
// on: of its connectors that took it (a delivered Delivery) and read
// owners (OwnerReader), the first in cs's order that names one. A
// connector whose read fails is passed over, its error returned with the
// owner the next one named (a breach goes out without an owner, never
// later); one that read the owner's id but not its name answers it.
func RecordOwner(ctx context.Context, t table.Table, mqlID string, cs []Connector) (qualify.Owner, error) {
	person := PersonOfMQL(mqlID)
	if person == "" {
		return qualify.Owner{}, nil
	}
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#" + mqlID + "#"})
	if err != nil {
		return qualify.Owner{}, err
	}
	took := map[string]string{} // connector -> the record its delivery went on
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return qualify.Owner{}, err
		}
		if d.Status == StatusDelivered && d.ExternalID != "" {
			took[d.Connector] = d.ExternalID
		}
	}
	var errs []error
	for _, c := range cs {
		r, ok := c.(OwnerReader)
		if !ok || took[c.Name()] == "" {
			continue
		}
		o, err := r.RecordOwner(ctx, took[c.Name()])
		errs = append(errs, err) // an owner read in part (its id, not its name) is the owner all the same
		if o.ID != "" || o.Name != "" {
			return o, errors.Join(errs...)
		}
	}
	return qualify.Owner{}, errors.Join(errs...)
}
