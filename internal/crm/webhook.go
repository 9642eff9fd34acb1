package crm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/account"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/stdwebhook"

	"github.com/baton-hq/baton/internal/clock"
)

// Webhook posts the lead as JSON, signed per the Standard Webhooks spec
// (webhook-id, webhook-timestamp, webhook-signature "v1,<base64 HMAC-SHA256>").
type Webhook struct {
	URL    string
	Secret string // "whsec_" + base64 key
	Client *http.Client
	Now    func() time.Time
	// Loc is the zone of every time a payload carries (the configured
	// timezone), so that a receiver never reads Z beside +09:00 in one
	// message; nil: the zone the lead's or MQA's own time is in.
	Loc *time.Location
	// Sleep waits between the tries of an erasure notice (Forget); nil: a
	// timer. Tests inject theirs (no wall clock).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Name implements push.Connector.
func (w *Webhook) Name() string { return "webhook" }

// Push implements push.Connector: the lead's fields, and a subject and
// summary naming the person (name, company, title: push.Lead.Who) before
// the Task's subject and text (in sfa.language), for a receiver that
// shows the lead to people (a chat workflow, a no-code automation)
// without composing them again. An SFA's Task hangs on the person's
// record; a chat message has nothing else to say whom it is about.
func (w *Webhook) Push(ctx context.Context, l push.Lead) (string, error) {
	l = w.leadInZone(l)
	return w.post(ctx, l.MQLID, "mql.created", l.QualifiedAt, webhookLead{Lead: l, Subject: l.NamedSubject(), Summary: l.NamedSummary()})
}

// leadInZone is l with every time in the webhook's zone (the worker gives
// most of them in it; the touches came in UTC before it did too).
func (w *Webhook) leadInZone(l push.Lead) push.Lead {
	loc := w.Loc
	if loc == nil {
		loc = l.QualifiedAt.Location()
	}
	l.QualifiedAt, l.RaisedAt = push.InZone(l.QualifiedAt, loc), push.InZone(l.RaisedAt, loc)
	l.FirstTouch.At, l.LastTouch.At = push.InZone(l.FirstTouch.At, loc), push.InZone(l.LastTouch.At, loc)
	l.Activity = slices.Clone(l.Activity) // the caller's lead stays as it was
	for i := range l.Activity {
		l.Activity[i].At = push.InZone(l.Activity[i].At, loc)
	}
	l.AfterMQL = slices.Clone(l.AfterMQL)
	for i := range l.AfterMQL {
		l.AfterMQL[i].At = push.InZone(l.AfterMQL[i].At, loc)
	}
	if l.Recycled != nil {
		r := *l.Recycled
		r.At = push.InZone(r.At, loc)
		l.Recycled = &r
	}
	return l
}

type webhookLead struct {
	push.Lead
	Subject string `json:"subject"`
	Summary string `json:"summary"`
}

// post sends one signed message; id is its webhook-id (and the id
// returned). The payload is Standard Webhooks': type, timestamp (when it
// happened, at, so the same on every retry; in at's zone) and data.
func (w *Webhook) post(ctx context.Context, id, typ string, at time.Time, data any) (string, error) {
	key, err := stdwebhook.Key(w.Secret)
	if err != nil {
		return "", &push.Error{Connector: "webhook", Message: err.Error(), Permanent: true}
	}
	// at is in the zone of the data's times (leadInZone, mqaInZone).
	payload := map[string]any{"type": typ, "data": data}
	if !at.IsZero() { // unknown: absent, never 0001-01-01 (see payloadTimes' test)
		payload["timestamp"] = at.Format(time.RFC3339Nano)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	now := w.now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return "", &push.Error{Connector: "webhook", Message: err.Error(), Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("webhook-id", id) // stable across retries: receivers deduplicate on it
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", stdwebhook.Sign(key, id, now.Unix(), body))
	resp, err := noRedirects(w.Client, 15*time.Second).Do(req)
	if err != nil {
		return "", &push.Error{Connector: "webhook", Message: err.Error()}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+utf8.UTFMax))
	msg := answerText(answer)
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return id, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return "", redirected("webhook", resp)
	case resp.StatusCode == 408 || resp.StatusCode == 429 || resp.StatusCode >= 500:
		return "", &push.Error{Connector: "webhook", Status: resp.StatusCode, Message: msg, RetryAfter: retryAfter(resp.Header, now)}
	default:
		return "", &push.Error{Connector: "webhook", Status: resp.StatusCode, Message: msg, Permanent: true}
	}
}

// PushAccount implements push.AccountConnector: the MQA as JSON, type
// "mqa.created", signed like an MQL.
func (w *Webhook) PushAccount(ctx context.Context, m account.MQA) (string, error) {
	m = w.mqaInZone(m)
	return w.post(ctx, m.ID, "mqa.created", m.At, webhookMQA{MQA: m, Summary: m.Summary()})
}

// webhookMQA is an MQA with its summary, as the HubSpot note has it.
type webhookMQA struct {
	account.MQA
	Summary string `json:"summary"`
}

// RewriteAccount implements push.AccountRewriter: the MQA as it now is,
// type "mqa.updated", for the receiver to replace its copy. Each erasure
// takes one person from it, so its count of people tells the versions
// apart in the webhook-id (stable across retries).
func (w *Webhook) RewriteAccount(ctx context.Context, m account.MQA) error {
	m = w.mqaInZone(m)
	_, err := w.post(ctx, m.ID+"-people-"+strconv.Itoa(len(m.People)), "mqa.updated", m.At, webhookMQA{MQA: m, Summary: m.Summary()})
	return err
}

// mqaInZone is m with its times in the webhook's zone.
func (w *Webhook) mqaInZone(m account.MQA) account.MQA {
	loc := w.Loc
	if loc == nil {
		loc = m.At.Location()
	}
	m.At = push.InZone(m.At, loc)
	m.People = slices.Clone(m.People) // the caller's MQA stays as it was
	for i := range m.People {
		m.People[i].LastActive = push.InZone(m.People[i].LastActive, loc)
	}
	return m
}

func (w *Webhook) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return clock.Now()
}

// forgetTries bounds the tries of an erasure notice within one erasure
// (a 408, 429, 5xx or no answer), and forgetWait each wait between them
// (the receiver's Retry-After, else a second more each try): the erasure
// request waits for them.
const (
	forgetTries = 3
	forgetWait  = 10 * time.Second
)

// erased is the data of a person.erased notice: what the receiver's copy
// is found by, as mql.created carried it (personId; email, which the
// receiver holds already), and nothing else.
type erased struct {
	PersonID string `json:"personId"`
	Email    string `json:"email"`
}

// Forget implements sfa.erase for the receiver: a signed "person.erased"
// (webhook-id "erase-<person>-<unix time>", the same on each try, another
// for a later notice: the push worker tells again of a lead it delivered
// while the person was being erased, and the receiver must not take that
// one for a repeat). A 408, 429 or 5xx is tried again, up to forgetTries
// (Retry-After honoured, up to forgetWait); an answer still none fails
// the erasure, which is retried. A refusal (another 4xx) is the
// receiver's, a *push.Error with Permanent set: the erasure reports it
// and goes on (see ErasureNotice).
func (w *Webhook) Forget(ctx context.Context, personID, email string) error {
	now := w.now()
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	id := "erase-" + personID + "-" + strconv.FormatInt(now.Unix(), 10)
	for try := 1; ; try++ {
		_, err := w.post(ctx, id, "person.erased", now.In(loc), erased{PersonID: personID, Email: email})
		var pe *push.Error
		if err == nil || !errors.As(err, &pe) || pe.Permanent || try == forgetTries {
			return err
		}
		wait := pe.RetryAfter
		if wait <= 0 {
			wait = time.Duration(try) * time.Second
		}
		if err := w.sleep(ctx, min(wait, forgetWait)); err != nil {
			return errors.Join(pe, err)
		}
	}
}

// ErasureNotice marks the webhook's Forget as a notice to a receiver that
// keeps its own copy, not a deletion Baton does: a receiver refusing it
// (4xx) is reported in the erasure's answer, and does not stop the
// erasure (a receiver that knows no person.erased would stop every one).
func (w *Webhook) ErasureNotice() {}

func (w *Webhook) sleep(ctx context.Context, d time.Duration) error {
	if w.Sleep != nil {
		return w.Sleep(ctx, d)
	}
	return clock.Sleep(ctx, d)
}

// PushActivity implements push.ActivityConnector: a form the person sent
// after the MQL the receiver took (a re-inquiry), type "mql.activity",
// signed like an MQL, its webhook-id the activity's id (stable across
// retries), with the subject and summary the SFAs' Task gets. The webhook
// is no push.ActivityFinder: Baton cannot know what its receiver holds, so
// a receiver configured after the MQL gets the MQL itself (mql.created,
// carrying the form) rather than an activity of an MQL it never took.
func (w *Webhook) PushActivity(ctx context.Context, a push.FormActivity) (string, error) {
	return w.post(ctx, a.ID, "mql.activity", a.At, webhookActivity{FormActivity: a, Subject: a.Subject(), Summary: a.Summary()})
}

type webhookActivity struct {
	push.FormActivity
	Subject string `json:"subject"`
	Summary string `json:"summary"`
}
