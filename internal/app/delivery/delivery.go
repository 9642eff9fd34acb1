// Package delivery assembles MQL delivery on the core: the push queue, the
// worker with the configured SFA connectors (internal/crm) or the built-in
// inbox. The push function serves it; admin uses it for the deliveries'
// status and to tell the SFAs of an erasure.
package delivery

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/app/core"
	"github.com/baton-hq/baton/internal/links"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/rulebook"
)

// PushQueue is the queue MQLs wait in for delivery to the SFA.
const PushQueue = "push"

// Delivery is the MQL delivery part of Baton.
type Delivery struct {
	Push   *queue.Queue
	Pusher *push.Worker
	Inbox  *push.Inbox
	// Connectors are the configured SFA connectors (none: the Pusher
	// delivers to the Inbox).
	Connectors []push.Connector

	queued   chan struct{} // wakes the Pusher when RelayToQueue queued an MQL
	accounts *account.Book // the MQAs an erased person is named in (reached)
}

// New assembles delivery on the core, refusing a half configured connector
// with the setting it lacks, and asking each that can whether its SFA is
// set up for it.
func New(ctx context.Context, c *core.Core) (*Delivery, error) {
	d := &Delivery{
		Push: &queue.Queue{T: c.Table, Name: PushQueue, Now: c.Now,
			// An MQA names colleagues too: erasing one keeps it queued,
			// cut down to its id (delivery sends the stored, erased copy).
			Redact: func(m queue.Message) (json.RawMessage, bool) { return account.RedactMessage(m.Body) }},
		Inbox:  &push.Inbox{T: c.Table},
		queued: make(chan struct{}, 1),
	}
	d.Pusher = &push.Worker{Queue: d.Push, T: c.Table, Dir: c.People, Stitcher: c.Stitcher, Log: c.Log, Now: c.Now, Loc: c.Cal.Location(), Lang: c.Config.File.SFA.Language, Wake: d.queued, Referrals: c.Config.Referrals(), Sites: c.Config.SiteHosts()}
	// A lead links to the person's page: the public URL as the local
	// stack may set it after assembly (its port), so read per lead.
	cfg := c.Config
	d.Pusher.PublicURL = func() string {
		if cfg.PublicURL == "" {
			return ""
		}
		return cfg.PublicURL + cfg.BasePath
	}
	// The summary names a campaign as the workspace does (read only: no
	// link is made here).
	d.Pusher.CampaignNames = (&links.Registry{T: c.Table, Now: c.Now}).Names
	if c.Qualifier != nil {
		d.Pusher.Touches = c.Qualifier.Touches // one touch definition for sales and the reports
		d.Pusher.History = c.Qualifier.History // a requalified lead says why it is back
		if e, ok := c.Qualifier.Engine.(*rulebook.Engine); ok {
			d.Pusher.Rules = e.R // sales read conditions, bands and the MQA by their labels
		}
		c.Qualifier.Reinquired = d.RelayReinquiry         // a form after the MQL reaches sales too
		c.Qualifier.AttendanceChanged = d.RelayAttendance // and a no-show among its reasons
	}
	var err error
	if d.Connectors, err = connectors(c.Config, c.Now, c.Cal.Location()); err != nil {
		return nil, err
	}
	if err := checkConnectors(ctx, d.Connectors, c.Log); err != nil {
		return nil, err
	}
	d.Pusher.Connectors = d.Connectors
	if c.Config.File.SFA.Erase {
		d.Pusher.TellForget = forgetAt // a lead that reached an SFA after it was told to forget
	}
	if c.Accounts != nil {
		d.accounts = c.Accounts
		c.Accounts.Send = d.RelayAccount          // MQAs wait in the same queue as MQLs
		d.Pusher.AccountFacts = c.Accounts.SetSFA // what the SFAs know of the company
	}
	if len(d.Connectors) == 0 {
		d.Pusher.Connectors = []push.Connector{d.Inbox} // no SFA configured: the built-in inbox
	}
	// When each connector was first configured (the sweep notes them too):
	// an MQL raised after it that it never had was lost on its way
	// (push.StatusLost), not connected after.
	names := make([]string, len(d.Pusher.Connectors))
	for i, k := range d.Pusher.Connectors {
		names[i] = k.Name()
	}
	if _, err := push.NoteConnectors(ctx, c.Table, names, c.Now()); err != nil {
		c.Log.Warn("push: when the connectors were configured not recorded (the sweep records it)", "err", err)
	}
	c.Requeue = d.RelayToQueue // the sweep's, for MQLs whose relay was lost (the table's queue)
	c.BreachOwner = breachOwner(c, d.Connectors)
	return d, nil
}

// BreachOwners lets the sweep's SLA breaches name the rep who owns the
// lead's record at the configured SFAs (core.Core.BreachOwner), in a
// function that sweeps without delivering (AWS's sweep function); New
// does it for the process that does both.
func BreachOwners(c *core.Core) error {
	cs, err := connectors(c.Config, c.Now, c.Cal.Location())
	if err != nil {
		return err
	}
	c.BreachOwner = breachOwner(c, cs)
	return nil
}

func breachOwner(c *core.Core, cs []push.Connector) func(ctx context.Context, m qualify.MQL) (qualify.Owner, error) {
	return func(ctx context.Context, m qualify.MQL) (qualify.Owner, error) {
		return push.RecordOwner(ctx, c.Table, m.ID, cs)
	}
}

// RelayToQueue hands an MQL from the change feed to the table's durable
// push queue (the local stack's SQS); a repeat is already queued.
func (d *Delivery) RelayToQueue(ctx context.Context, m qualify.MQL) error {
	err := d.Push.Enqueue(ctx, m.ID, m)
	if errors.Is(err, queue.ErrDuplicate) {
		return nil
	}
	if err == nil {
		select { // the worker delivers it now, not at its next poll
		case d.queued <- struct{}{}:
		default:
		}
	}
	return err
}

// Enqueue puts a message on the table's push queue (an MQL sent to one
// connector on purpose: push.Worker.SendTo) and wakes the Pusher; a
// repeat is queue.ErrDuplicate, the caller's to say.
func (d *Delivery) Enqueue(ctx context.Context, id string, body any) error {
	err := d.Push.Enqueue(ctx, id, body)
	if err == nil {
		select {
		case d.queued <- struct{}{}:
		default:
		}
	}
	return err
}

// RelayAccount hands an MQA to the table's durable push queue; a repeat is
// already queued.
func (d *Delivery) RelayAccount(ctx context.Context, m account.MQA) error {
	err := d.Push.Enqueue(ctx, m.ID, m.Message())
	if errors.Is(err, queue.ErrDuplicate) {
		return nil
	}
	return err
}

// RelayReinquiry hands a form sent after the person's MQL (qualify.Reinquiry)
// to the push queue; a repeat is already queued.
func (d *Delivery) RelayReinquiry(ctx context.Context, r qualify.Reinquiry) error {
	err := d.Push.Enqueue(ctx, r.ID, push.ReinquiryMessage(r))
	if errors.Is(err, queue.ErrDuplicate) {
		return nil
	}
	if err == nil {
		select {
		case d.queued <- struct{}{}:
		default:
		}
	}
	return err
}

// RelayAttendance hands an MQL's touch marked absent, or attended again
// (qualify.Attendance), to the push queue; a repeat is already queued.
func (d *Delivery) RelayAttendance(ctx context.Context, a qualify.Attendance) error {
	err := d.Push.Enqueue(ctx, a.ID, push.AttendanceMessage(a))
	if errors.Is(err, queue.ErrDuplicate) {
		return nil
	}
	if err == nil {
		select {
		case d.queued <- struct{}{}:
		default:
		}
	}
	return err
}

// TellConnectors passes an erasure on to every configured connector that
// can forget (sfa.erase).
func (d *Delivery) TellConnectors() func(ctx context.Context, personID, email string) (privacy.Told, error) {
	return tellConnectors(d.Connectors, d.reached, d.Pusher.Deliveries)
}

// reached reports whether connector was handed the person: an MQL of
// theirs, or an MQA naming them (its people carry their email and name).
func (d *Delivery) reached(ctx context.Context, personID, email, connector string) (bool, error) {
	if ok, err := d.Pusher.Reached(ctx, personID, connector); ok || err != nil {
		return ok, err
	}
	if d.accounts == nil {
		return false, nil
	}
	ms, err := d.accounts.MQAsNaming(ctx, privacy.Subject{Person: personID, Email: email})
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		if ok, err := d.Pusher.TookAccount(ctx, m, connector); ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}
