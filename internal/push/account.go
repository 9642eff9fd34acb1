package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
)

// ErrNotTaken is what PushAccount answers when its connector is not set up
// for accounts (Salesforce without an account key, say): it is left out of
// the MQA's delivery, as a connector without PushAccount is.
var ErrNotTaken = errors.New("push: this connector is not set up for accounts")

// AccountConnector is a connector that also takes account qualifications
// (MQAs): the account with the people behind it and why, as its SFA keeps
// companies. Connectors that do not implement it are left out of an MQA's
// delivery.
type AccountConnector interface {
	PushAccount(ctx context.Context, m account.MQA) (externalID string, err error)
}

// AccountRewriter is an AccountConnector that can rewrite, in place, what
// it made of an MQA it took (sfa.erase: an erasure cut a person from the
// MQA, and the SFA's copy must stop naming them). What it made is in the
// delivery's Progress. Something gone from the SFA is no error.
type AccountRewriter interface {
	RewriteAccount(ctx context.Context, m account.MQA) error
}

// RewriteAccount hands m, as it now is, to each connector that can rewrite
// it and has taken it, or tried to (a failed attempt may have made part of
// it), with that delivery's Progress.
func (w *Worker) RewriteAccount(ctx context.Context, m account.MQA) error {
	m.Lang, m.Sites, m.Label = w.Lang, w.Sites, w.Rules.MQALabel(m.Condition, w.Lang)
	m = w.inZone(m)
	t := target{pk: account.PK(m.Account), id: m.ID}
	for _, c := range w.Connectors {
		rw, ok := c.(AccountRewriter)
		if !ok {
			continue
		}
		d, err := w.state(ctx, t, c.Name())
		if err != nil {
			return err
		}
		if d.Status != StatusDelivered && d.Attempts == 0 {
			continue // nothing made yet: its delivery sends m as it is stored
		}
		if err := rw.RewriteAccount(WithProgress(ctx, &recordProgress{w: w, t: t, d: &d}), m); err != nil {
			return fmt.Errorf("%s: %w", c.Name(), err)
		}
	}
	return nil
}

// FactsSink takes what an SFA knows of an account's company, by Baton's
// attribute names (company, industry, employees, revenue, country,
// website): its values take precedence over what the people gave.
type FactsSink func(ctx context.Context, attrs map[string]string) error

type factsKey struct{}

// WithFacts hands a FactsSink to a connector's PushAccount (the worker
// does, with AccountFacts; tests with their own).
func WithFacts(ctx context.Context, f FactsSink) context.Context {
	return context.WithValue(ctx, factsKey{}, f)
}

// ReportFacts hands what the SFA knows of the account being delivered back
// to Baton (a connector calls it from PushAccount; without a sink in ctx it
// does nothing).
func ReportFacts(ctx context.Context, attrs map[string]string) error {
	if f, ok := ctx.Value(factsKey{}).(FactsSink); ok && f != nil && len(attrs) > 0 {
		return f(ctx, attrs)
	}
	return nil
}

// DeliverBody delivers one message of the push queue (SQS on AWS): an MQL
// (a bare qualify.MQL), an MQA (account.MQA.Message), a re-inquiry
// (ReinquiryMessage), an attendance change (AttendanceMessage), or an MQL
// to one connector alone (SendTo). It returns the
// MQL's or MQA's id; an error only for a body that is neither.
func (w *Worker) DeliverBody(ctx context.Context, body []byte) (string, Result, error) {
	return w.deliverBody(ctx, body, 0)
}

func (w *Worker) deliverBody(ctx context.Context, body []byte, maxAttempts int) (string, Result, error) {
	var msg struct {
		qualify.MQL
		MQA        *account.MQA        `json:"mqa"`
		Reinquiry  *qualify.Reinquiry  `json:"reinquiry"`
		Attendance *qualify.Attendance `json:"attendance"`
		SendTo     string              `json:"sendTo"` // to this connector alone (SendTo)
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return "", Result{}, err
	}
	if msg.MQA != nil {
		return msg.MQA.ID, w.deliverAccount(ctx, *msg.MQA, maxAttempts), nil
	}
	if r := msg.Reinquiry; r != nil {
		if r.ID == "" || r.MQL == "" || r.Person == "" || r.Visitor == "" || r.Event == "" {
			return "", Result{}, errors.New("a re-inquiry without its id, MQL, person, browser or form")
		}
		return r.ID, w.deliverReinquiry(ctx, *r, maxAttempts), nil
	}
	if a := msg.Attendance; a != nil {
		if a.ID == "" || a.MQL == "" || a.Person == "" || a.Visitor == "" || a.Event == "" {
			return "", Result{}, errors.New("an attendance change without its id, MQL, person, visitor or touch")
		}
		return a.ID, w.deliverAttendance(ctx, *a, maxAttempts), nil
	}
	if msg.SendTo != "" {
		return msg.ID, w.deliverTo(ctx, msg.MQL, msg.SendTo, maxAttempts), nil
	}
	return msg.ID, w.deliverOwn(ctx, msg.MQL, maxAttempts), nil
}

// DeliverAccount pushes an MQA to each connector that takes accounts and
// does not have it yet, each on its own as Deliver does for MQLs; the
// delivery records are kept in the account's partition.
func (w *Worker) DeliverAccount(ctx context.Context, m account.MQA) Result {
	return w.deliverAccount(ctx, m, 0)
}

func (w *Worker) deliverAccount(ctx context.Context, m account.MQA, maxAttempts int) Result {
	// The MQA as it is stored now: on AWS its message (SQS) cannot be
	// changed by an erasure, which rewrote the stored one (or removed it
	// with the account).
	stored, ok, err := account.Stored(ctx, w.T, m.ID)
	if err != nil {
		return Result{Reason: "MQA check: " + err.Error()}
	}
	if !ok {
		w.log().Info("push: dropped an MQA whose account was erased")
		return Result{Done: true}
	}
	m = stored
	// People erased since, or who withdrew consent, are left out,
	// whatever the stored copy says: the SFA is not told their names.
	kept := m.People[:0:0]
	for _, p := range m.People {
		gone, err := privacy.Erased(ctx, w.T, p.Email)
		if err != nil {
			return Result{Reason: "tombstone check: " + err.Error()}
		}
		if !gone && p.Person != "" {
			if gone, err = w.withdrawn(ctx, p.Person); err != nil {
				return Result{Reason: "consent check: " + err.Error()}
			}
		}
		if !gone {
			kept = append(kept, p)
		}
	}
	m.People = kept
	m.Lang, m.Sites, m.Label = w.Lang, w.Sites, w.Rules.MQALabel(m.Condition, w.Lang)
	m = w.inZone(m)
	return w.run(ctx, target{pk: account.PK(m.Account), id: m.ID}, maxAttempts,
		func(ctx context.Context, c Connector) (string, bool, error) {
			ac, ok := c.(AccountConnector)
			if !ok {
				return "", false, nil
			}
			if w.AccountFacts != nil {
				ctx = WithFacts(ctx, func(ctx context.Context, attrs map[string]string) error {
					return w.AccountFacts(ctx, m.Account, attrs)
				})
			}
			ext, err := ac.PushAccount(ctx, m)
			if errors.Is(err, ErrNotTaken) {
				return "", false, nil
			}
			return ext, true, err
		})
}

// inZone returns m with its times in Loc, as a lead's are (Lead.QualifiedAt,
// Activity): the stored MQA is in UTC, and its summary's "last active"
// times and Salesforce's Task date (ActivityDate) were UTC's, nine hours
// and often a day off for a team in Japan.
func (w *Worker) inZone(m account.MQA) account.MQA {
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	m.At = m.At.In(loc)
	m.People = slices.Clone(m.People) // the caller's MQA stays as it was
	for i := range m.People {
		m.People[i].LastActive = m.People[i].LastActive.In(loc)
	}
	return m
}

// AccountDeliveries lists an MQA's delivery to each connector that takes
// accounts.
func (w *Worker) AccountDeliveries(ctx context.Context, m account.MQA) ([]Delivery, error) {
	out := []Delivery{}
	for _, c := range w.Connectors {
		if _, ok := c.(AccountConnector); !ok {
			continue // (one not set up for accounts shows as pending)
		}
		d, err := w.state(ctx, target{pk: account.PK(m.Account), id: m.ID}, c.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// withdrawn reports whether a person withdrew consent (one unknown is
// the tombstone's to judge).
func (w *Worker) withdrawn(ctx context.Context, person string) (bool, error) {
	if w.Dir == nil {
		return false, nil
	}
	p, err := w.Dir.Get(ctx, person)
	if errors.Is(err, identity.ErrNotFound) {
		return false, nil
	}
	return err == nil && !p.ConsentWithdrawn.IsZero(), err
}

// ReinquiryMessage is a re-inquiry as the push queue carries it.
func ReinquiryMessage(r qualify.Reinquiry) any {
	return map[string]any{"reinquiry": r}
}
