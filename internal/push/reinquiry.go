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
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/textcut"
)

// FormActivity is a form sent by a person whose current cycle's MQL sales
// already have (qualify.Reinquiry): a re-inquiry ("至急見積もり") that one
// MQL per cycle would leave unsaid. A connector that took the MQL is told
// of it (ActivityConnector); one whose MQL's lead was built after the form
// has it already, in the lead's activity after the MQL and its LaterForm.
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
	At         time.Time         `json:"at,omitzero"` // in the configured time zone
	// Attendance is set on an offline touch among the MQL's reasons whose
	// attendance an import changed after it (DeliverAttendance): "absent"
	// (the webinar's report says the person did not come) or "attended"
	// (a corrected report says they did after all). Type is then offline,
	// Title the touch's event, Channel its channel, At its day, and Score
	// the person's score since.
	Attendance string         `json:"attendance,omitempty"`
	Channel    string         `json:"channel,omitempty"`
	Score      *ActivityScore `json:"score,omitempty"`
	// Lang and Sites are the lead's (Lead.Lang, Lead.Sites), for Summary.
	Lang  string   `json:"-"`
	Sites []string `json:"-"`
	// MQLAt and MQLCycle are when the MQL reached sales and its cycle
	// (qualify.MQL's Raised and Cycle): the text names the MQL by them,
	// as a rep knows it, never by its id. MQLAt zero: "the MQL".
	MQLAt    time.Time `json:"-"`
	MQLCycle int       `json:"-"`
	// MQLExternalID is the SFA's id its delivery of the MQL recorded
	// (Delivery.ExternalID): the record the MQL went on.
	MQLExternalID string `json:"-"`
	// mqlRaised and mqlQualified are the MQL's times (qualify.MQL's
	// Raised and At): the keys the inbox stored its lead under.
	mqlRaised, mqlQualified time.Time
	// toldAt is when an attendance change was handed to the connector
	// (the worker's clock): the inbox lists the changes by it.
	toldAt time.Time
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
	value                                 string // one value given: its name, the value
	mql, mqlOn, cycle                     string // the MQL the form came after: unknown, of a date, its cycle after it
	day, dayYear                          func(time.Time) string
}

var (
	activityEN = activityWords{subject: "Inquiry again after the MQL: %s", heading: "A form sent after %s; times in %s:\n",
		message: "Message:\n", values: "Values given:\n", value: "%s: %s\n", of: "the form",
		mql: "the MQL", mqlOn: "the MQL of %s", cycle: " (MQL %d)",
		day:     func(t time.Time) string { return t.Format("Jan 2") },
		dayYear: func(t time.Time) string { return t.Format("Jan 2, 2006") }}
	activityJA = activityWords{subject: "MQL 後の再度の問い合わせ：%s", heading: "%sの後に送信されたフォーム（時刻は %s）：\n",
		message: "お問い合わせ内容：\n", values: "入力された値：\n", value: "%s：%s\n", of: "フォーム",
		mql: "MQL ", mqlOn: "%sの MQL ", cycle: "（%d 回目）",
		day:     func(t time.Time) string { return fmt.Sprintf("%d月%d日", t.Month(), t.Day()) },
		dayYear: func(t time.Time) string { return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day()) }}
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

// mql names the MQL the form came after as a rep knows it: by the day it
// reached them in the configured zone (the form's: At is in it), the
// year too when it is not the form's, and its cycle when it is not the
// first ("12月3日の MQL（2 回目）"); "the MQL" when its time is unknown.
func (a FormActivity) mql(w activityWords) string {
	s := w.mql
	if !a.MQLAt.IsZero() {
		at := a.MQLAt.In(a.At.Location())
		day := w.day(at)
		if at.Year() != a.At.Year() {
			day = w.dayYear(at)
		}
		s = fmt.Sprintf(w.mqlOn, day)
	}
	if a.MQLCycle > 1 {
		s = strings.TrimSuffix(s, " ") + fmt.Sprintf(w.cycle, a.MQLCycle)
	}
	return s
}

// Subject is the activity's one line, for an SFA's activity list.
func (a FormActivity) Subject() string {
	if a.Attendance != "" {
		return a.attendanceSubject()
	}
	w, sw := a.words()
	return fmt.Sprintf(w.subject, a.what(w, sw))
}

// Summary is the text sales read: the form, where and when (in the
// configured zone, named), what the person typed and the values they gave,
// each URL on no site of the team's marked and no link, as the lead's
// summary writes them (event.Unlinked).
func (a FormActivity) Summary() string {
	if a.Attendance != "" {
		return a.attendanceSummary()
	}
	w, sw := a.words()
	var b strings.Builder
	fmt.Fprintf(&b, w.heading, a.mql(w), a.At.Format("MST"))
	line := []string{"-", when(a.Type, a.At), sw.name(a.Type), a.what(w, sw)}
	if a.At.IsZero() { // unknown: no time, not 0001-01-01
		line = slices.Delete(line, 1, 2)
	}
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
			fmt.Fprintf(&b, w.value, sw.name("attr:"+k), event.Unlinked(a.Attributes[k], a.Sites, sw.offsite))
		}
	}
	return b.String()
}

// errAwaitMQL is an activity's connector waiting for its MQL's delivery
// (until: when to look again): the lead it builds carries the form, or the
// activity follows it. No attempt of the activity's.
type errAwaitMQL struct{ until time.Time }

func (e *errAwaitMQL) Error() string { return "waiting for the MQL's delivery" }

// ActivityFinder is an ActivityConnector that can find the person's record
// without a delivery record of the MQL (the connector was configured after
// the MQL was raised, or the MQL predates delivery records): by Baton's id
// or the person's email. found false: it has no record of them.
type ActivityFinder interface {
	FindPerson(ctx context.Context, a FormActivity) (externalID string, found bool, err error)
}

// NotToldNoRecord is the reason a connector without a delivery record of
// the MQL, nor a record of the person, was not told of a form sent after
// the MQL (its delivery is dead, the message dead-lettered: a replay once
// the person is there tells it).
const NotToldNoRecord = "no delivery record of the MQL here (configured after it was raised, or the MQL predates delivery records) and no record of the person found by their id or email: the form sent after the MQL was not told; replay it once the person is there"

// foundStep is the activity's delivery step (Delivery.Steps) that says
// the record a connector without the MQL's delivery record was told on,
// found by the person (ActivityFinder).
const foundStep = "found"

// awaitNone is how long after an MQL was raised a connector without any
// delivery record of it is taken never to get it from the MQL's message
// (configured since, or the MQL predates delivery records): the activity
// goes to the person's record it finds (ActivityFinder) rather than
// waiting on it.
const awaitNone = 24 * time.Hour

// settledFor is how long every delivery record of an MQL has been settled
// (delivered or dead, none in flight) when a connector without one is
// taken to have been configured since: its message is over (a worker that
// died between two connectors' claims had its message back within
// minutes), so the activity need not wait out awaitNone.
const settledFor = time.Hour

// DeliverReinquiry delivers a re-inquiry (qualify.Reinquiry) to each
// connector that takes activity (ActivityConnector): once its MQL's
// delivery to that connector is delivered, on the record it went on,
// unless the lead delivered was built after the form (Delivery.Forms: it
// carried the form already). A connector whose MQL is still pending or
// retrying waits for it; one whose MQL is dead is left out (a replay
// builds the lead anew, with the form). A connector with no delivery
// record of the MQL, whose message is over (configuredSince), is told on
// the person's record it finds (ActivityFinder), else its delivery is
// dead saying why (NotToldNoRecord); one that cannot look for the person
// (the webhook) gets the MQL itself, its lead carrying the form, once
// (drivesMQL), and the later forms as activity. Nothing goes out for a
// person erased or who withdrew consent, or for a form no longer stored.
func (w *Worker) DeliverReinquiry(ctx context.Context, r qualify.Reinquiry) Result {
	return w.deliverReinquiry(ctx, r, 0)
}

func (w *Worker) deliverReinquiry(ctx context.Context, r qualify.Reinquiry, maxAttempts int) Result {
	if gone, err := privacy.Erased(ctx, w.T, r.Email); err != nil {
		return Result{Reason: "tombstone check: " + err.Error()}
	} else if gone {
		// A connector that took the form while the person was being
		// erased and did not hear TellForget then is told now (its
		// marker is under the re-inquiry's id, not the MQL's).
		return w.tellPending(ctx, target{id: r.ID, person: r.Person, email: r.Email})
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
	m, err := w.reinquiryMQL(ctx, r)
	if err != nil {
		return Result{Reason: "read the MQL: " + err.Error()}
	}
	if m.ID == "" {
		return Result{Done: true} // no such MQL (erased with its person): nothing to add to
	}
	raised := m.Raised()
	a.mqlRaised, a.mqlQualified = raised, m.At
	a.MQLAt, a.MQLCycle = InZone(raised, w.Loc), m.Cycle
	mqlT := target{pk: identity.PersonPK(r.Person), id: r.MQL, person: r.Person}
	inLead := func(md Delivery) bool { return slices.Contains(md.Forms, r.Event) }
	return w.run(ctx, target{pk: identity.PersonPK(r.Person), id: r.ID, person: r.Person, email: r.Email}, maxAttempts,
		w.activityTo(mqlT, raised, a, activityKind{
			inLead:     inLead,
			findPerson: true,
			drive: func(ctx context.Context, c Connector, md Delivery, ver int64, now time.Time) (Delivery, bool, bool, error) {
				drive, err := w.drivesMQL(ctx, c, md, ver, mqlT, raised, r.ID, now)
				if err != nil || !drive {
					return md, false, false, err
				}
				// The MQL itself first; once delivered, the form is in its
				// lead (Forms), or, built before it, told as below.
				if err := w.deliverMQLTo(ctx, c, m, r.ID, maxAttempts); err != nil {
					return md, true, true, err
				}
				if md, _, err = w.stateAt(ctx, mqlT, c.Name()); err != nil {
					return md, true, true, err
				}
				if md.Status != StatusDelivered {
					return md, true, false, nil // the person erased meanwhile: nothing was sent
				}
				if inLead(md) {
					return md, true, true, ProgressFrom(ctx).SaveStep(ctx, withMQLStep, m.ID)
				}
				return md, false, false, nil
			},
		}))
}

// activityKind is what differs between the activities activityTo
// delivers: a re-inquiry's form and an attendance change.
type activityKind struct {
	// inLead reports whether the lead delivered (its record md) was built
	// with the activity already.
	inLead func(md Delivery) bool
	// findPerson: a connector with no delivery record of the MQL, whose
	// message is over (configuredSince), is told on the person's record it
	// finds (tellFound). Without it such a connector is left out.
	findPerson bool
	// tell, if set, runs where the MQL is delivered, before the activity
	// is pushed: false leaves the connector out (an attendance change:
	// the state it would tell is the one the connector was told last).
	tell func(ctx context.Context, c Connector, md Delivery, ver int64) (bool, error)
	// drive, if set, runs first (a re-inquiry: drivesMQL, deliverMQLTo):
	// the MQL's record md as it is after it, or stop with sent and err as
	// the push function's result.
	drive func(ctx context.Context, c Connector, md Delivery, ver int64, now time.Time) (_ Delivery, stop, sent bool, err error)
}

// activityTo is the delivery of an activity after the MQL (a re-inquiry's
// form, an attendance change) to a connector that takes activity: on the
// record the MQL went on once it is delivered there, unless the lead
// delivered already had it (inLead); nothing where the MQL is dead (a
// replay builds the lead anew); waiting while it is pending or retrying,
// or while there is no delivery record of it and its message may still
// make one. Where there is none and its message is over
// (configuredSince), as the kind says (findPerson, drive).
func (w *Worker) activityTo(mqlT target, raised time.Time, a FormActivity, k activityKind) func(ctx context.Context, c Connector) (string, bool, error) {
	return func(ctx context.Context, c Connector) (string, bool, error) {
		ac, ok := c.(ActivityConnector)
		if !ok {
			return "", false, nil
		}
		md, ver, err := w.stateAt(ctx, mqlT, c.Name())
		if err != nil {
			return "", true, err
		}
		now := w.now()
		if k.drive != nil {
			var stop, sent bool
			if md, stop, sent, err = k.drive(ctx, c, md, ver, now); stop || err != nil {
				return "", sent || err != nil, err
			}
		}
		switch {
		case md.Status == StatusDelivered && k.inLead(md):
			return "", false, nil // its lead was built with it
		case md.Status == StatusDelivered:
			if k.tell != nil {
				if ok, err := k.tell(ctx, c, md, ver); err != nil || !ok {
					return "", err != nil, err
				}
			}
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
		case ver == 0:
			f, finds := c.(ActivityFinder)
			if k.drive != nil && !finds {
				break // drivesMQL: the MQL's message may still deliver it
			}
			since, err := w.configuredSince(ctx, mqlT, raised, now)
			if err != nil {
				return "", true, err
			}
			switch {
			case !since: // its message may still deliver it: wait
			case k.findPerson && finds:
				return w.tellFound(ctx, c, f, ac, a)
			default:
				return "", false, nil // left out (an attendance change)
			}
		}
		until := md.NextAttempt
		if md.Claimed.After(until) {
			until = md.Claimed
		}
		if !until.After(now) {
			until = now.Add(30 * time.Second) // its message is due: soon delivered
		}
		return "", true, &errAwaitMQL{until: until}
	}
}

// configuredSince reports whether a connector with no delivery record of
// the MQL will get none from the MQL's message: raised more than
// awaitNone ago, or every other connector's record of it settled for
// settledFor (its message is over; one still in flight would deliver it
// to every connector configured now, the form in the lead).
func (w *Worker) configuredSince(ctx context.Context, mql target, raised, now time.Time) (bool, error) {
	if now.Sub(raised) > awaitNone {
		return true, nil
	}
	items, err := w.T.Query(ctx, table.Query{PK: mql.pk, Prefix: deliverySK(mql.id, ""), Consistent: true})
	if err != nil {
		return false, err
	}
	settled := false
	for _, it := range items {
		d, err := decodeDelivery(it.Data)
		if err != nil {
			return false, err
		}
		if (d.Status != StatusDelivered && d.Status != StatusDead) || now.Sub(d.At) < settledFor {
			return false, nil
		}
		settled = true
	}
	return settled, nil
}

// drivesMQL reports whether this re-inquiry delivers the MQL itself to c
// (deliverMQLTo): c has no delivery record of it, will get none from the
// MQL's message (configuredSince) and cannot find the person's record to
// tell the form on (no ActivityFinder: the webhook, whose receiver knows
// nothing of a person whose MQL it never took, and would get an activity
// of an MQL it has no record of); or a re-inquiry began that delivery
// (reinquiryStep) and it is still due, or dead and this is that
// re-inquiry again (its dead letter replayed).
func (w *Worker) drivesMQL(ctx context.Context, c Connector, md Delivery, ver int64, mqlT target, raised time.Time, id string, now time.Time) (bool, error) {
	if by := md.Steps[reinquiryStep]; by != "" {
		return md.Status == StatusPending || md.Status == StatusRetrying || (md.Status == StatusDead && by == id), nil
	}
	if _, finds := c.(ActivityFinder); finds || ver != 0 {
		return false, nil
	}
	return w.configuredSince(ctx, mqlT, raised, now)
}

// reinquiryStep is the step of an MQL's delivery record made by a
// re-inquiry (drivesMQL): that re-inquiry's id. withMQLStep is the step of
// a re-inquiry's delivery record whose form went with the MQL it delivered:
// the MQL's id.
const (
	reinquiryStep = "reinquiry"
	withMQLStep   = "mql"
)

// errMQLDead is a re-inquiry dead because the MQL it delivered to a
// connector that never had it is dead there: its reason, as the MQL's
// delivery record says it. A replay of the re-inquiry delivers it again.
type errMQLDead struct{ reason string }

func (e *errMQLDead) Error() string { return e.reason }

// deliverMQLTo delivers the MQL m to connector c alone, as its own message
// does (its lead built now, from the person as they are, carrying the
// form; its delivery record, retries, steps and hashes), the record
// marked as the re-inquiry's (by). nil: delivered (or the person gone);
// an errAwaitMQL while it is retrying; an errMQLDead once it is dead.
func (w *Worker) deliverMQLTo(ctx context.Context, c Connector, m qualify.MQL, by string, maxAttempts int) error {
	res := w.only(c).deliverMarked(ctx, m, maxAttempts, by)
	switch {
	case res.Done:
		return nil
	case res.Permanent:
		return &errMQLDead{reason: res.Reason}
	}
	return &errAwaitMQL{until: w.now().Add(max(res.RetryAfter, time.Second))}
}

// only is the worker delivering to connector c alone: an MQL sent to one
// connector on purpose (deliverTo), or to one a re-inquiry found without
// it (deliverMQLTo), takes the MQL's own path, records and all.
func (w *Worker) only(c Connector) *Worker {
	one := *w
	one.Connectors = []Connector{c}
	return &one
}

// tellFound tells a connector that never had the MQL's delivery of the
// form on the person's record it finds, recording which (foundStep); one
// that finds none is told nothing, its delivery dead saying why.
func (w *Worker) tellFound(ctx context.Context, c Connector, f ActivityFinder, ac ActivityConnector, a FormActivity) (string, bool, error) {
	ext, found, err := f.FindPerson(ctx, a)
	if errors.Is(err, ErrNotTaken) {
		return "", false, nil
	}
	if err != nil {
		return "", true, err
	}
	if !found {
		return "", true, &Error{Connector: c.Name(), Message: NotToldNoRecord, Permanent: true}
	}
	by := ext
	if by == "" {
		by = "person" // the receiver finds them by the activity's person id and email
	}
	if err := ProgressFrom(ctx).SaveStep(ctx, foundStep, by); err != nil {
		return "", true, err
	}
	a.MQLExternalID = ext
	_, err = ac.PushActivity(ctx, a)
	if errors.Is(err, ErrNotTaken) {
		return "", false, nil
	}
	return "", true, err
}

// reinquiryMQL is the re-inquiry's MQL as stored (storedMQL).
func (w *Worker) reinquiryMQL(ctx context.Context, r qualify.Reinquiry) (qualify.MQL, error) {
	return w.storedMQL(ctx, r.Person, r.MQL)
}

// storedMQL is a person's MQL as stored (no ID: not stored; one stored
// before RaisedAt was kept is raised at its At, never zero).
func (w *Worker) storedMQL(ctx context.Context, person, id string) (qualify.MQL, error) {
	q := qualify.Qualifier{T: w.T}
	ms, err := q.MQLs(ctx, person)
	if err != nil {
		return qualify.MQL{}, err
	}
	for _, m := range ms {
		if m.ID == id {
			return m, nil
		}
	}
	return qualify.MQL{}, nil
}

// connectedAfter reports whether a connector with no delivery record of
// the MQL was connected after it (configuredSince, now): its message is
// over, and nothing sends it there unless asked (SendTo). An MQL not
// stored is judged by its other records alone.
func (w *Worker) connectedAfter(ctx context.Context, mql target) (bool, error) {
	now := w.now()
	m, err := w.storedMQL(ctx, mql.person, mql.id)
	if err != nil {
		return false, err
	}
	raised := now
	if m.ID != "" {
		raised = m.Raised()
	}
	return w.configuredSince(ctx, mql, raised, now)
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
