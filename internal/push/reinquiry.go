package push

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/textcut"
)

// FormActivity is a form sent by a person whose current cycle's MQL sales
// already have (qualify.Reinquiry): a re-inquiry ("至急見積もり") that one
// MQL per cycle would leave unsaid. A connector that took the MQL is told
// of it (ActivityConnector); one whose MQL's lead was built after the form
// has it already, in the lead's values and activity.
type FormActivity struct {
	ID       string `json:"activityId"` // idempotency key at the SFA: the webhook-id, the Task's key
	MQLID    string `json:"mqlId"`
	PersonID string `json:"personId"`
	Email    string `json:"email"`
	Type     string `json:"type"` // form_submit
	Title    string `json:"title,omitempty"`
	URL      string `json:"url,omitempty"`
	// Message is what the person typed (the form's message field, its
	// attribute "message"), as they typed it; Attributes the form's other
	// values by Baton's attribute names (a new job title).
	Message    string            `json:"message,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	At         time.Time         `json:"at"` // in the configured time zone
	// Lang and Sites are the lead's (Lead.Lang, Lead.Sites), for Summary.
	Lang  string   `json:"-"`
	Sites []string `json:"-"`
	// MQLExternalID is the SFA's id its delivery of the MQL recorded
	// (Delivery.ExternalID): the record the MQL went on.
	MQLExternalID string `json:"-"`
}

// ActivityConnector is a connector that also takes a form sent after the
// MQL it took (FormActivity): on the record the MQL went on, idempotently
// by the activity's ID. Connectors that do not implement it, or answer
// ErrNotTaken (not set up for it), are left out.
type ActivityConnector interface {
	PushActivity(ctx context.Context, a FormActivity) (externalID string, err error)
}

// maxFormsKept bounds the form ids a delivery keeps (Delivery.Forms).
const maxFormsKept = 50

// activityWords are a language's words for a FormActivity's text.
type activityWords struct {
	subject, heading, message, values, of string
}

var (
	activityEN = activityWords{subject: "Inquiry again after the MQL: %s", heading: "A form sent after the MQL (%s; times in %s):\n",
		message: "Message:\n", values: "Values given:\n", of: "the form"}
	activityJA = activityWords{subject: "MQL 後の再度の問い合わせ：%s", heading: "MQL（%s）の後に送信されたフォーム（時刻は %s）：\n",
		message: "お問い合わせ内容：\n", values: "入力された値：\n", of: "フォーム"}
)

func (a FormActivity) words() (activityWords, summaryWords) {
	if a.Lang == "ja" {
		return activityJA, japanese
	}
	return activityEN, english
}

// what is the form as the text names it: its page's title, else its URL's
// page, one line.
func (a FormActivity) what(w activityWords, sw summaryWords) string {
	t := strings.TrimSpace(textcut.Controls(strings.NewReplacer("\r", " ", "\n", " ").Replace(a.Title)))
	if t == "" {
		return w.of
	}
	return event.Unlinked(textcut.Bytes(t, maxCampaignText), a.Sites, sw.offsite)
}

// Subject is the activity's one line, for an SFA's activity list.
func (a FormActivity) Subject() string {
	w, sw := a.words()
	return fmt.Sprintf(w.subject, a.what(w, sw))
}

// Summary is the text sales read: the form, where and when (in the
// configured zone, named), what the person typed and the values they gave,
// each URL on no site of the team's marked and no link, as the lead's
// summary writes them (event.Unlinked).
func (a FormActivity) Summary() string {
	w, sw := a.words()
	var b strings.Builder
	fmt.Fprintf(&b, w.heading, a.MQLID, a.At.Format("MST"))
	line := []string{"-", a.At.Format("2006-01-02 15:04"), sw.name(a.Type), a.what(w, sw)}
	if a.URL != "" {
		line = append(line, Lead{Sites: a.Sites}.pageURL(a.URL, sw))
	}
	b.WriteString(strings.Join(line, " ") + "\n")
	if a.Message != "" {
		b.WriteString(w.message + event.Unlinked(a.Message, a.Sites, sw.offsite) + "\n")
	}
	if len(a.Attributes) > 0 {
		b.WriteString(w.values)
		keys := make([]string, 0, len(a.Attributes))
		for k := range a.Attributes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s: %s\n", sw.name("attr:"+k), event.Unlinked(a.Attributes[k], a.Sites, sw.offsite))
		}
	}
	return b.String()
}

// errAwaitMQL is an activity's connector waiting for its MQL's delivery
// (until: when to look again): the lead it builds carries the form, or the
// activity follows it. No attempt of the activity's.
type errAwaitMQL struct{ until time.Time }

func (e *errAwaitMQL) Error() string { return "waiting for the MQL's delivery" }

// awaitNone is how long after an MQL was raised a connector without any
// delivery record of it is taken never to get it (configured since): its
// activity is left out rather than waiting on it.
const awaitNone = 24 * time.Hour

// DeliverReinquiry delivers a re-inquiry (qualify.Reinquiry) to each
// connector that takes activity (ActivityConnector): once its MQL's
// delivery to that connector is delivered, on the record it went on,
// unless the lead delivered was built after the form (Delivery.Forms: it
// carried the form already). A connector whose MQL is still pending or
// retrying waits for it; one whose MQL is dead is left out (a replay
// builds the lead anew, with the form). Nothing goes out for a person
// erased or who withdrew consent, or for a form no longer stored.
func (w *Worker) DeliverReinquiry(ctx context.Context, r qualify.Reinquiry) Result {
	return w.deliverReinquiry(ctx, r, 0)
}

func (w *Worker) deliverReinquiry(ctx context.Context, r qualify.Reinquiry, maxAttempts int) Result {
	if gone, err := privacy.Erased(ctx, w.T, r.Email); err != nil {
		return Result{Reason: "tombstone check: " + err.Error()}
	} else if gone {
		return Result{Done: true}
	}
	p, err := w.Dir.Get(ctx, r.Person)
	if errors.Is(err, identity.ErrNotFound) {
		return Result{Done: true}
	}
	if err != nil {
		return Result{Reason: "consent check: " + err.Error()}
	}
	if !p.ConsentWithdrawn.IsZero() {
		w.log().Info("push: dropped the re-inquiry of a person who withdrew consent")
		return Result{Done: true}
	}
	a, ok, err := w.formActivity(ctx, r)
	if err != nil {
		return Result{Reason: "read the form: " + err.Error()}
	}
	if !ok {
		return Result{Done: true} // erased, expired, or judged automated since
	}
	raised, err := w.mqlRaised(ctx, r)
	if err != nil {
		return Result{Reason: "read the MQL: " + err.Error()}
	}
	if raised.IsZero() {
		return Result{Done: true} // no such MQL (erased with its person): nothing to add to
	}
	mqlT := target{pk: identity.PersonPK(r.Person), id: r.MQL, person: r.Person}
	return w.run(ctx, target{pk: identity.PersonPK(r.Person), id: r.ID, person: r.Person, email: r.Email}, maxAttempts,
		func(ctx context.Context, c Connector) (string, bool, error) {
			ac, ok := c.(ActivityConnector)
			if !ok {
				return "", false, nil
			}
			md, ver, err := w.stateAt(ctx, mqlT, c.Name())
			if err != nil {
				return "", true, err
			}
			now := w.now()
			switch {
			case md.Status == StatusDelivered && slices.Contains(md.Forms, r.Event):
				return "", false, nil // its lead was built with the form
			case md.Status == StatusDelivered:
				a := a
				a.MQLExternalID = md.ExternalID
				// Its id at the SFA (a Task's, a note's, a comment's) is
				// not kept: an external id names the person's record
				// (PersonByExternalID), and a kintone comment's id is a
				// small number another person's record may have.
				_, err := ac.PushActivity(ctx, a)
				if errors.Is(err, ErrNotTaken) {
					return "", false, nil
				}
				return "", true, err
			case md.Status == StatusDead:
				return "", false, nil
			case ver == 0 && now.Sub(raised) > awaitNone:
				return "", false, nil // never handed this MQL: configured since
			}
			until := md.NextAttempt
			if md.Claimed.After(until) {
				until = md.Claimed
			}
			if !until.After(now) {
				until = now.Add(30 * time.Second) // its message is due: soon delivered
			}
			return "", true, &errAwaitMQL{until: until}
		})
}

// mqlRaised is when the re-inquiry's MQL was raised (zero: not stored;
// one stored before RaisedAt was kept is raised at its At, never zero).
func (w *Worker) mqlRaised(ctx context.Context, r qualify.Reinquiry) (time.Time, error) {
	q := qualify.Qualifier{T: w.T}
	ms, err := q.MQLs(ctx, r.Person)
	if err != nil {
		return time.Time{}, err
	}
	for _, m := range ms {
		if m.ID == r.MQL {
			return m.Raised(), nil
		}
	}
	return time.Time{}, nil
}

// formActivity reads the re-inquiry's form as stored: false when it is no
// longer there (erased, expired), was judged automated, or its browser is
// no longer the person's at its time.
func (w *Worker) formActivity(ctx context.Context, r qualify.Reinquiry) (FormActivity, bool, error) {
	ev, err := w.Stitcher.Log.Get(ctx, r.Visitor, r.Event)
	if errors.Is(err, eventlog.ErrNotFound) {
		return FormActivity{}, false, nil
	}
	if err != nil {
		return FormActivity{}, false, err
	}
	if ev.Flagged() || ev.Type != event.FormSubmit {
		return FormActivity{}, false, nil
	}
	link, err := w.Dir.GetLink(ctx, r.Visitor)
	if err != nil {
		return FormActivity{}, false, err
	}
	if link.PersonAt(ev.Timestamp) != r.Person {
		return FormActivity{}, false, nil
	}
	loc := w.Loc
	if loc == nil {
		loc = time.UTC
	}
	known, _ := identity.SplitLabelled(ev.Attributes(), ev.Labels(), w.Stitcher.FieldNames)
	msg := known["message"]
	delete(known, "message")
	if len(known) == 0 {
		known = nil
	}
	title := ev.Title
	if title == "" {
		title = ev.Name
	}
	return FormActivity{ID: r.ID, MQLID: r.MQL, PersonID: r.Person, Email: r.Email, Type: ev.Type, Title: title, URL: ev.URL,
		Message: msg, Attributes: known, At: ev.Timestamp.In(loc), Lang: w.Lang, Sites: w.Sites}, true, nil
}

// formIDs are the ids of the forms in a timeline (newest first) a lead is
// built from, at most maxFormsKept: a re-inquiry among them is in the lead.
func formIDs(tl []event.Event) []string {
	var out []string
	for _, ev := range tl {
		if ev.Type == event.FormSubmit && len(out) < maxFormsKept {
			out = append(out, ev.ID)
		}
	}
	return out
}
