// Package push delivers MQLs to the sales team's systems: it builds what
// sales needs (who, why now, what they did), hands it to each configured
// connector, and decides per failure whether to retry (with exponential
// backoff and jitter, honouring Retry-After) or to dead-letter it with the
// reason. Deliveries are recorded per connector, so a retry after a partial
// success never pushes twice to the connector that already took it.
package push

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/clock"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/queue"
	"github.com/baton-hq/baton/internal/table"
)

// Touch is a marketing touch: where a person came from.
type Touch struct {
	Source   string    `json:"source,omitempty"`
	Medium   string    `json:"medium,omitempty"`
	Campaign string    `json:"campaign,omitempty"`
	Referrer string    `json:"referrer,omitempty"`
	URL      string    `json:"url,omitempty"`
	At       time.Time `json:"at"`
}

// Activity is one thing the person did.
type Activity struct {
	Type  string    `json:"type"`
	Name  string    `json:"name,omitempty"`
	URL   string    `json:"url,omitempty"`
	Title string    `json:"title,omitempty"`
	At    time.Time `json:"at"`
}

// Lead is what an SFA receives for an MQL.
type Lead struct {
	MQLID          string            `json:"mqlId"` // idempotency key at the SFA
	PersonID       string            `json:"personId"`
	Email          string            `json:"email"`
	Attributes     map[string]string `json:"attributes"`
	BehaviourScore float64           `json:"behaviourScore"`
	FitScore       float64           `json:"fitScore"`
	Grade          string            `json:"grade"`
	Condition      string            `json:"condition"`
	Reasons        []string          `json:"reasons"`
	QualifiedAt    time.Time         `json:"qualifiedAt"`
	FirstTouch     Touch             `json:"firstTouch"`
	LastTouch      Touch             `json:"lastTouch"`
	Activity       []Activity        `json:"activity"` // newest first
}

// Summary is the text sales reads: why now, and what they did.
func (l Lead) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MQL (%s): %s\n", l.Condition, strings.Join(l.Reasons, "; "))
	fmt.Fprintf(&b, "Behaviour %.0f, fit %.0f (grade %s)\n", l.BehaviourScore, l.FitScore, l.Grade)
	if l.FirstTouch.Source != "" || l.FirstTouch.Referrer != "" {
		fmt.Fprintf(&b, "First touch: %s\n", l.FirstTouch.describe())
	}
	if l.LastTouch.Source != "" || l.LastTouch.Referrer != "" {
		fmt.Fprintf(&b, "Last touch: %s\n", l.LastTouch.describe())
	}
	b.WriteString("Recent activity:\n")
	for i, a := range l.Activity {
		if i == 15 {
			break
		}
		what := a.Title
		if what == "" {
			what = a.Name
		}
		fmt.Fprintf(&b, "- %s %s %s %s\n", a.At.Format("2006-01-02 15:04"), a.Type, what, a.URL)
	}
	return b.String()
}

func (t Touch) describe() string {
	parts := []string{}
	for _, p := range []string{t.Source, t.Medium, t.Campaign} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) == 0 && t.Referrer != "" {
		parts = append(parts, "referrer "+t.Referrer)
	}
	return strings.Join(parts, " / ") + " (" + t.URL + ")"
}

// Error classifies a connector failure.
type Error struct {
	Connector  string
	Status     int
	Code       string
	Message    string
	Permanent  bool          // will never succeed as is: dead-letter it with the reason
	RetryAfter time.Duration // the SFA said when to come back
}

func (e *Error) Error() string {
	s := fmt.Sprintf("%s: %d", e.Connector, e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s
}

// Connector delivers a lead to one system.
type Connector interface {
	Name() string
	// Push upserts the lead idempotently (by MQL id / email at the SFA) and
	// returns the SFA's id for it.
	Push(ctx context.Context, l Lead) (externalID string, err error)
}

// Delivery records one connector's delivery of one MQL.
type Delivery struct {
	MQLID      string    `json:"mqlId"`
	Connector  string    `json:"connector"`
	ExternalID string    `json:"externalId,omitempty"`
	At         time.Time `json:"at"`
}

// Worker drains the push queue.
type Worker struct {
	Queue       *queue.Queue
	T           table.Table
	Dir         *identity.Directory
	Stitcher    *identity.Stitcher
	Connectors  []Connector
	MaxAttempts int           // then dead-letter (default 12)
	BaseDelay   time.Duration // first retry delay (default 2s), doubled each attempt
	MaxDelay    time.Duration // cap (default 15m)
	Lease       time.Duration // how long a message is ours (default 2m)
	Now         func() time.Time
	Log         *slog.Logger
}

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now().UTC()
	}
	return clock.Now().UTC()
}

// RunOnce receives due messages and delivers them; it returns how many it handled.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	lease := w.Lease
	if lease == 0 {
		lease = 2 * time.Minute
	}
	msgs, err := w.Queue.Receive(ctx, 10, lease)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		if err := w.handle(ctx, m); err != nil {
			return 0, err
		}
	}
	return len(msgs), nil
}

// Run drains the queue until ctx ends, polling every interval when idle.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	for ctx.Err() == nil {
		n, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("push", "err", err)
		}
		if n == 0 || err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(interval):
			}
		}
	}
}

func (w *Worker) log() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) handle(ctx context.Context, m queue.Message) error {
	var mql qualify.MQL
	if err := json.Unmarshal(m.Body, &mql); err != nil {
		return w.Queue.DeadLetter(ctx, m, "undecodable message: "+err.Error())
	}
	res := w.Deliver(ctx, mql)
	switch {
	case res.Done:
		return w.Queue.Ack(ctx, m)
	case res.Permanent:
		return w.Queue.DeadLetter(ctx, m, res.Reason)
	}
	max := w.MaxAttempts
	if max == 0 {
		max = 12
	}
	if m.Attempts >= max {
		return w.Queue.DeadLetter(ctx, m, fmt.Sprintf("gave up after %d attempts: %s", m.Attempts, res.Reason))
	}
	return w.Queue.Retry(ctx, m, w.delay(m.Attempts, res.RetryAfter), res.Reason)
}

// Result is the outcome of one delivery attempt of an MQL to every connector.
type Result struct {
	Done       bool          // every connector has it
	Permanent  bool          // will not succeed as is: dead-letter it
	Reason     string        // why not done
	RetryAfter time.Duration // the longest wait an SFA asked for
}

// Deliver pushes an MQL to each connector that does not have it yet. It is
// what both the local queue worker and the push function (SQS) call.
//
// An MQL of a person who asked to be forgotten (their email has a
// tombstone) is dropped, reported done: on AWS the push queue is SQS, whose
// messages cannot be deleted selectively, so an erasure leaves them to this
// check. The same holds for a dead letter replayed after the erasure.
func (w *Worker) Deliver(ctx context.Context, mql qualify.MQL) Result {
	if gone, err := privacy.Erased(ctx, w.T, mql.Email); err != nil {
		return Result{Reason: "tombstone check: " + err.Error()}
	} else if gone {
		w.log().Info("push: dropped the MQL of an erased person") // no personal data in logs
		return Result{Done: true}
	}
	lead, err := w.Build(ctx, mql)
	if errors.Is(err, identity.ErrNotFound) {
		return Result{Done: true} // the person was erased meanwhile: nothing to deliver
	}
	if err != nil {
		return Result{Reason: "build lead: " + err.Error()}
	}
	var res Result
	var transient []string
	for _, c := range w.Connectors {
		if done, err := w.delivered(ctx, mql, c.Name()); err != nil {
			return Result{Reason: err.Error()}
		} else if done {
			continue
		}
		ext, err := c.Push(ctx, lead)
		if err == nil {
			if err := w.record(ctx, mql, Delivery{MQLID: mql.ID, Connector: c.Name(), ExternalID: ext, At: w.now()}); err != nil {
				return Result{Reason: err.Error()}
			}
			continue
		}
		var pe *Error
		if errors.As(err, &pe) && pe.Permanent {
			w.log().Warn("push: permanent failure", "connector", c.Name(), "mql", mql.ID, "err", err)
			return Result{Permanent: true, Reason: err.Error()}
		}
		if errors.As(err, &pe) && pe.RetryAfter > res.RetryAfter {
			res.RetryAfter = pe.RetryAfter
		}
		transient = append(transient, err.Error())
	}
	res.Done = len(transient) == 0
	res.Reason = strings.Join(transient, "; ")
	return res
}

// delay is exponential backoff with equal jitter (between half and all of
// the doubled delay), but never sooner than the SFA asked.
func (w *Worker) delay(attempt int, retryAfter time.Duration) time.Duration {
	lo, hi := w.BackoffBounds(attempt)
	d := lo + time.Duration(rand.Int64N(int64(hi-lo)+1))
	if retryAfter > d {
		d = retryAfter
	}
	return d
}

// Backoff is how long to wait before delivering again after the given
// number of failed attempts (0 for the first failure): exponential backoff
// with jitter, never sooner than the SFA's Retry-After. The push function
// on SQS uses it for the message's visibility timeout.
func (w *Worker) Backoff(attempt int, retryAfter time.Duration) time.Duration {
	return w.delay(max(attempt, 0), retryAfter)
}

// BackoffBounds is the range the jittered delay after attempt lies in:
// BaseDelay doubled per attempt, capped at MaxDelay, of which at least half.
// The template's redrive policy is sized from it (infra/deploy tests).
func (w *Worker) BackoffBounds(attempt int) (lo, hi time.Duration) {
	base, cap := w.BaseDelay, w.MaxDelay
	if base == 0 {
		base = 2 * time.Second
	}
	if cap == 0 {
		cap = 15 * time.Minute
	}
	d := base << min(max(attempt, 0), 20)
	if d > cap || d <= 0 {
		d = cap
	}
	return d / 2, d
}

func deliverySK(mqlID, connector string) string { return "DLV#" + mqlID + "#" + connector }

func (w *Worker) delivered(ctx context.Context, m qualify.MQL, connector string) (bool, error) {
	_, err := w.T.Get(ctx, identity.PersonPK(m.Person), deliverySK(m.ID, connector))
	if errors.Is(err, table.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func (w *Worker) record(ctx context.Context, m qualify.MQL, d Delivery) error {
	data, _ := json.Marshal(d)
	ws := []table.Write{table.Put(table.Item{PK: identity.PersonPK(m.Person), SK: deliverySK(m.ID, d.Connector), Kind: KindDelivery, Data: data}, table.Always)}
	if d.ExternalID != "" {
		// The SFA's id for the person, so its webhooks can name them.
		ref, _ := json.Marshal(map[string]string{"person": m.Person})
		ws = append(ws, table.Put(table.Item{PK: ExternalPK(d.Connector, d.ExternalID), SK: "EXT", Kind: KindExternal, Data: ref}, table.Always))
	}
	return w.T.Transact(ctx, ws)
}

// ExternalPK is where an SFA's record id points back to the person.
func ExternalPK(connector, id string) string { return "EXT#" + connector + "#" + id }

// PersonByExternalID resolves an SFA record id to the person it was pushed for.
func PersonByExternalID(ctx context.Context, t table.Table, connector, id string) (string, error) {
	it, err := t.Get(ctx, ExternalPK(connector, id), "EXT")
	if err != nil {
		return "", err
	}
	var ref struct {
		Person string `json:"person"`
	}
	err = json.Unmarshal(it.Data, &ref)
	return ref.Person, err
}

// Deliveries lists a person's deliveries.
func Deliveries(ctx context.Context, t table.Table, person string) ([]Delivery, error) {
	items, err := t.Query(ctx, table.Query{PK: identity.PersonPK(person), Prefix: "DLV#"})
	if err != nil {
		return nil, err
	}
	out := []Delivery{}
	for _, it := range items {
		var d Delivery
		if err := json.Unmarshal(it.Data, &d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Build assembles the lead for an MQL from the person and their timeline.
func (w *Worker) Build(ctx context.Context, m qualify.MQL) (Lead, error) {
	p, err := w.Dir.Get(ctx, m.Person)
	if err != nil {
		return Lead{}, err
	}
	tl, err := w.Stitcher.Timeline(ctx, m.Person, 500)
	if err != nil {
		return Lead{}, err
	}
	l := Lead{
		MQLID: m.ID, PersonID: p.ID, Email: p.Email, Attributes: p.Attributes,
		BehaviourScore: m.Verdict.Behaviour, FitScore: m.Verdict.Fit, Grade: m.Verdict.Grade,
		Condition: m.Condition, Reasons: m.Facts, QualifiedAt: m.At, Activity: []Activity{},
	}
	if l.Attributes == nil {
		l.Attributes = map[string]string{}
	}
	for _, ev := range tl { // newest first
		if ev.Flagged() || ev.Type == event.Identify {
			continue
		}
		if len(l.Activity) < 50 {
			l.Activity = append(l.Activity, Activity{Type: ev.Type, Name: ev.Name, URL: ev.URL, Title: ev.Title, At: ev.Timestamp})
		}
		if t, ok := touch(ev); ok {
			if l.LastTouch.At.IsZero() {
				l.LastTouch = t
			}
			l.FirstTouch = t
		}
	}
	return l, nil
}

// touch reports whether an event is a marketing touch: it carries UTM
// parameters or an external referrer, or is a newsletter click.
func touch(ev event.Event) (Touch, bool) {
	t := Touch{Source: ev.UTM.Source, Medium: ev.UTM.Medium, Campaign: ev.UTM.Campaign, URL: ev.URL, At: ev.Timestamp}
	if ev.Type == event.EmailClick {
		if t.Medium == "" {
			t.Medium = "email"
		}
		if c, _ := ev.Properties["campaign"].(string); c != "" && t.Campaign == "" {
			t.Campaign = c
		}
		return t, true
	}
	if !ev.UTM.Empty() {
		return t, true
	}
	if ev.Referrer != "" {
		ru, err1 := url.Parse(ev.Referrer)
		pu, err2 := url.Parse(ev.URL)
		if err1 == nil && err2 == nil && !strings.EqualFold(ru.Hostname(), pu.Hostname()) {
			t.Referrer = ev.Referrer
			return t, true
		}
	}
	return t, false
}
