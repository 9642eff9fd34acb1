package push

import (
	"context"
	"errors"
	"fmt"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
)

// ErrNoConnector is a send to a connector that is not configured.
var ErrNoConnector = errors.New("no such connector is configured")

// SendRefused is a send (SendTo) that would not be honest to make: the
// connector has the MQL or is being handed it, or the person may not be
// handed to an SFA (erased, withdrew consent). Why says which, for the
// caller to show as it is.
type SendRefused struct {
	Why  string
	Code string // "has": the connector has it or it is under way; "gone": erased or withdrawn
}

func (e *SendRefused) Error() string { return e.Why }

// sendTo is the push queue's message that delivers an MQL to one
// connector alone (deliverTo): the MQL as stored, and the connector.
type sendTo struct {
	qualify.MQL
	SendTo string `json:"sendTo"`
}

// SendTo checks that the MQL mqlID may be sent to connector now, on
// purpose: a connector connected after the MQL was raised has no record
// of it and nothing sends it there (StatusNotSent). It returns the push
// queue's message that does it (its id, and body), which the worker
// handles as any delivery (records, retries, dead letters). No such MQL
// (or its person erased): identity.ErrNotFound; a connector not
// configured: ErrNoConnector; any other state: a *SendRefused.
func (w *Worker) SendTo(ctx context.Context, mqlID, connector string) (id string, body any, err error) {
	var c Connector
	for _, k := range w.Connectors {
		if k.Name() == connector {
			c = k
		}
	}
	if c == nil {
		return "", nil, ErrNoConnector
	}
	person := PersonOfMQL(mqlID)
	if person == "" {
		return "", nil, identity.ErrNotFound
	}
	p, err := w.Dir.Get(ctx, person)
	if err != nil {
		return "", nil, err
	}
	if gone, err := privacy.Erased(ctx, w.T, p.Email); err != nil {
		return "", nil, err
	} else if gone {
		return "", nil, &SendRefused{Code: "gone", Why: "the person was erased: nothing of them goes to an SFA"}
	}
	if !p.ConsentWithdrawn.IsZero() {
		return "", nil, &SendRefused{Code: "gone", Why: "the person withdrew consent (opt-out): not handed to an SFA"}
	}
	m, err := w.storedMQL(ctx, person, mqlID)
	if err != nil {
		return "", nil, err
	}
	if m.ID == "" {
		return "", nil, identity.ErrNotFound
	}
	t := target{pk: identity.PersonPK(person), id: mqlID, person: person}
	d, ver, err := w.stateAt(ctx, t, c.Name())
	if err != nil {
		return "", nil, err
	}
	if ver != 0 {
		why := fmt.Sprintf("%s has this MQL already (%s)", c.Name(), d.Status)
		switch d.Status {
		case StatusRetrying, StatusPending:
			why = fmt.Sprintf("this MQL is being delivered to %s (%s)", c.Name(), d.Status)
		case StatusDead:
			why = fmt.Sprintf("this MQL's delivery to %s is dead: replay its dead letter", c.Name())
		}
		return "", nil, &SendRefused{Code: "has", Why: why}
	}
	if after, err := w.connectedAfter(ctx, t); err != nil {
		return "", nil, err
	} else if !after {
		return "", nil, &SendRefused{Code: "has", Why: fmt.Sprintf("this MQL's delivery to %s is under way (pending)", c.Name())}
	}
	return SendToID(mqlID, c.Name()), sendTo{MQL: m, SendTo: c.Name()}, nil
}

// SendToID is the push queue's id of a send of the MQL to connector alone
// (SendTo): the MQL's id first, as an erasure finds a person's messages.
func SendToID(mqlID, connector string) string { return mqlID + "-to-" + connector }

// deliverTo delivers m to the connector named alone, as the MQL's own
// message does to each (its lead, record, retries); a connector no longer
// configured is dead, saying so (a replay once it is configured again
// sends it).
func (w *Worker) deliverTo(ctx context.Context, m qualify.MQL, connector string, maxAttempts int) Result {
	for _, c := range w.Connectors {
		if c.Name() == connector {
			return w.only(c).deliver(ctx, m, maxAttempts)
		}
	}
	return Result{Permanent: true, Reason: connector + ": not configured now: the MQL sent to it on purpose was not delivered; replay it once it is"}
}
