package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// A connector taken out of the configuration keeps its delivery records,
// but nothing delivers to it any more: the worker hands an MQL to the
// configured connectors only. Its record of an MQL it did not take
// (pending, retrying, dead) says so (StatusRemoved) rather than "retrying"
// forever, and the MQL's message stays a dead letter, which a replay
// cannot revive until the connector is configured again (deliverOwn,
// ReplayRefusal): acked, a lead retrying at HubSpot when HubSpot was
// taken out could never reach it once HubSpot was back (a send to it is
// refused while it has a record).

// StatusRemoved is a delivery record, not delivered, of a connector no
// longer configured: nothing will deliver it there (Status says it,
// Delivery.Was holds the record's status, its LastError kept).
const StatusRemoved = "connector_removed"

// deliverOwn is the MQL's own message (not a send to one connector): it
// delivers to the configured connectors (deliver), and then a connector
// no longer configured that does not have it (its delivery dead, retrying
// or pending) keeps the message a dead letter, saying so. Acked, a replay of the MQL's dead letter vanished
// once the configured connectors had it, the removed one's record still
// dead with no letter left to replay once it is configured again.
func (w *Worker) deliverOwn(ctx context.Context, mql qualify.MQL, maxAttempts int) Result {
	res := w.deliver(ctx, mql, maxAttempts)
	if !res.Done && !res.Permanent {
		return res // in flight: its message is alive
	}
	// An erased person's message is dropped, never kept as a letter
	// holding their email.
	if erased, err := privacy.Erased(ctx, w.T, mql.Email); err != nil {
		return Result{Reason: "tombstone check: " + err.Error()}
	} else if erased {
		return res
	}
	// Nor of one who withdrew consent: the configured connectors had the
	// MQL before, and a connector configured again must not get them
	// (a letter would keep their email, asking for a replay that the
	// consent check refuses).
	if p, err := w.Dir.Get(ctx, mql.Person); errors.Is(err, identity.ErrNotFound) {
		return res
	} else if err != nil {
		return Result{Reason: "consent check: " + err.Error()}
	} else if !p.ConsentWithdrawn.IsZero() {
		return res
	}
	gone, err := w.removedUndelivered(ctx, mql)
	if err != nil {
		return Result{Reason: "earlier deliveries: " + err.Error()}
	}
	if len(gone) == 0 {
		return res
	}
	var why, brief []string
	if res.Permanent {
		why = append(why, res.Reason)
		brief = append(brief, res.Logged())
	}
	for _, c := range gone {
		why = append(why, notConfigured(c).Reason)
		brief = append(brief, notConfigured(c).Reason) // Baton's own words
	}
	return Result{Permanent: true, Reason: strings.Join(why, "; "), Brief: strings.Join(brief, "; ")}
}

// notConfigured is the dead letter of an MQL whose delivery to connector,
// no longer configured, did not happen.
func notConfigured(connector string) Result {
	return Result{Permanent: true, Reason: connector + ": not configured now: the MQL was not delivered to it; replay it once it is"}
}

// removedUndelivered names the connectors not configured now that have
// a record of the MQL but not the MQL (dead, retrying, pending), in the
// records' order.
func (w *Worker) removedUndelivered(ctx context.Context, mql qualify.MQL) ([]string, error) {
	ds, err := w.records(ctx, mql)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range ds {
		if d.Status != StatusDelivered && !w.configured(d.Connector) {
			out = append(out, d.Connector)
		}
	}
	return out, nil
}

// records are the MQL's delivery records, every connector's.
func (w *Worker) records(ctx context.Context, mql qualify.MQL) ([]Delivery, error) {
	if mql.ID == "" || mql.Person == "" {
		return nil, nil
	}
	items, err := w.T.Query(ctx, table.Query{PK: identity.PersonPK(mql.Person), Prefix: deliverySK(mql.ID, ""), Consistent: true})
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(items))
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

func (w *Worker) configured(connector string) bool {
	for _, c := range w.Connectors {
		if c.Name() == connector {
			return true
		}
	}
	return false
}

// ReplayRefused is a dead letter whose replay would deliver nothing: the
// connectors it failed for are not configured now (Connectors), and the
// configured ones have the MQL. Replayed, it would be acked (or dead
// again) with nothing done; refused, it stays listed.
type ReplayRefused struct {
	Why        string
	Connectors []string
}

func (e *ReplayRefused) Error() string { return e.Why }

// ReplayRefusal says whether the push queue's message body (a dead
// letter) is worth replaying now: a *ReplayRefused when what it failed
// for is a connector not configured now (an MQL's own message whose dead
// deliveries are all such and whose configured connectors have it; a send
// to such a connector), nil otherwise (other messages: the worker says
// what is wrong with them). An error reading the records is returned.
func (w *Worker) ReplayRefusal(ctx context.Context, body []byte) error {
	var msg struct {
		qualify.MQL
		MQA        json.RawMessage `json:"mqa"`
		Reinquiry  json.RawMessage `json:"reinquiry"`
		Attendance json.RawMessage `json:"attendance"`
		SendTo     string          `json:"sendTo"`
	}
	if json.Unmarshal(body, &msg) != nil || msg.MQA != nil || msg.Reinquiry != nil || msg.Attendance != nil {
		return nil
	}
	if msg.SendTo != "" {
		if w.configured(msg.SendTo) {
			return nil
		}
		return &ReplayRefused{Connectors: []string{msg.SendTo}, Why: fmt.Sprintf("%s is not configured now: this dead letter sends MQL %s to it alone; configure it again, then replay it", msg.SendTo, msg.ID)}
	}
	ds, err := w.records(ctx, msg.MQL)
	if err != nil {
		return err
	}
	has := map[string]bool{}
	var gone []string
	for _, d := range ds {
		switch {
		case d.Status != StatusDelivered && !w.configured(d.Connector):
			gone = append(gone, d.Connector)
		case d.Status == StatusDelivered:
			has[d.Connector] = true
		}
	}
	if len(gone) == 0 {
		return nil
	}
	for _, c := range w.Connectors {
		if !has[c.Name()] {
			return nil // the replay delivers it there
		}
	}
	is := "is"
	if len(gone) > 1 {
		is = "are"
	}
	return &ReplayRefused{Connectors: gone, Why: fmt.Sprintf("%s %s not configured now: MQL %s was not delivered to it, and the configured connectors have the MQL; configure it again, then replay this dead letter", strings.Join(gone, ", "), is, msg.ID)}
}
