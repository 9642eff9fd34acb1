package push

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
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

// Attendance values of a FormActivity.
const (
	Absent   = "absent"
	Attended = "attended"
)

// ActivityScore is the person's score an attendance activity reports.
type ActivityScore struct {
	Behaviour float64 `json:"behaviour"`
	Fit       float64 `json:"fit"`
	Grade     string  `json:"grade"`
}

// AttendanceMessage is an attendance change (qualify.Attendance) as the
// push queue carries it.
func AttendanceMessage(a qualify.Attendance) any {
	return map[string]any{"attendance": a}
}

// attendanceWords are a language's words for an attendance activity.
type attendanceWords struct {
	absent, attended         string // subjects
	absentHead, attendedHead string
	absentLine, attendedLine string // after the touch's line
	absentMark               string
}

var (
	attendanceEN = attendanceWords{
		absent: "Did not attend: %s", attended: "Attended after all: %s",
		absentHead:   "The attendance report imported after MQL (%s) says the person did not attend:\n",
		attendedHead: "Corrected: the attendance report imported after MQL (%s) says the person attended after all:\n",
		absentLine:   "This touch, a reason of the MQL, no longer scores; the MQL stays. Score now: ",
		attendedLine: "This touch scores again. Score now: ",
		absentMark:   " (absent)",
	}
	attendanceJA = attendanceWords{
		absent: "欠席：%s", attended: "出席（訂正）：%s",
		absentHead:   "MQL（%s）の後に取り込んだ出席レポートでは、本人は欠席でした：\n",
		attendedHead: "訂正：MQL（%s）の後に取り込んだ出席レポートでは、本人は出席していました：\n",
		absentLine:   "MQL の理由だったこの接点はスコアから外れました（MQL はそのままです）。現在のスコア：",
		attendedLine: "この接点は再びスコアに入ります。現在のスコア：",
		absentMark:   "（欠席）",
	}
)

func (a FormActivity) attendanceWords() (attendanceWords, summaryWords) {
	if a.Lang == "ja" {
		return attendanceJA, japanese
	}
	return attendanceEN, english
}

// touchName is the touch as the text names it: its channel by name and
// its event, one line.
func (a FormActivity) touchName(sw summaryWords) string {
	parts := []string{}
	if a.Channel != "" {
		parts = append(parts, sw.name("channel:"+a.Channel))
	}
	if t := strings.TrimSpace(textcut.Controls(strings.NewReplacer("\r", " ", "\n", " ").Replace(a.Title))); t != "" {
		parts = append(parts, event.Unlinked(textcut.Bytes(t, maxCampaignText), a.Sites, sw.offsite))
	}
	return strings.Join(parts, " ")
}

func (a FormActivity) attendanceSubject() string {
	w, sw := a.attendanceWords()
	if a.Attendance == Absent {
		return fmt.Sprintf(w.absent, a.touchName(sw))
	}
	return fmt.Sprintf(w.attended, a.touchName(sw))
}

// attendanceSummary is the text sales read: which touch of the MQL's
// reasons the person did not attend (or, corrected, did), on which day,
// and their score now.
func (a FormActivity) attendanceSummary() string {
	w, sw := a.attendanceWords()
	var b strings.Builder
	head, line, mark := w.attendedHead, w.attendedLine, ""
	if a.Attendance == Absent {
		head, line, mark = w.absentHead, w.absentLine, w.absentMark
	}
	fmt.Fprintf(&b, head, a.MQLID)
	fmt.Fprintf(&b, "- %s %s%s\n", a.At.Format("2006-01-02"), a.touchName(sw), mark)
	b.WriteString(line)
	if s := a.Score; s != nil {
		fmt.Fprintf(&b, sw.scores, qualify.ScoreText(s.Behaviour), qualify.ScoreText(s.Fit), s.Grade)
	} else {
		b.WriteString("\n")
	}
	return b.String()
}

// DeliverAttendance tells each connector that takes activity
// (ActivityConnector) and took the MQL that a touch among its reasons was
// marked absent, or attended again (qualify.Attendance): the lead sales
// have says the person came. As a re-inquiry's form (DeliverReinquiry):
// once the MQL is delivered there, on the record it went on, once per
// change (its ID); a connector whose MQL is still pending or retrying
// waits for it, one whose MQL is dead is left out, and so is one with no
// delivery record of the MQL once its message is over (configured since;
// unlike a form, no record of the person found is told, and the webhook is
// not given the MQL). Nothing goes out for a person erased (but a
// connector that took the change while they were being erased is told to
// forget them, tellPending) or who withdrew consent, a touch no longer
// stored, or a change the touch no longer says (a later one tells what it
// says now).
func (w *Worker) DeliverAttendance(ctx context.Context, at qualify.Attendance) Result {
	return w.deliverAttendance(ctx, at, 0)
}

func (w *Worker) deliverAttendance(ctx context.Context, at qualify.Attendance, maxAttempts int) Result {
	if gone, err := privacy.Erased(ctx, w.T, at.Email); err != nil {
		return Result{Reason: "tombstone check: " + err.Error()}
	} else if gone {
		return w.tellPending(ctx, target{id: at.ID, person: at.Person, email: at.Email})
	}
	p, err := w.Dir.Get(ctx, at.Person)
	if errors.Is(err, identity.ErrNotFound) {
		return Result{Done: true}
	}
	if err != nil {
		return Result{Reason: "consent check: " + err.Error()}
	}
	if !p.ConsentWithdrawn.IsZero() {
		w.log().Info("push: dropped the attendance change of a person who withdrew consent")
		return Result{Done: true}
	}
	ev, err := w.Stitcher.Log.Get(ctx, at.Visitor, at.Event)
	if errors.Is(err, eventlog.ErrNotFound) {
		return Result{Done: true}
	}
	if err != nil {
		return Result{Reason: "read the touch: " + err.Error()}
	}
	if ev.Type != event.Offline {
		return Result{Done: true}
	}
	if ev.Absent() != at.Absent {
		return w.staleAttendance(ctx, at)
	}
	m, err := w.reinquiryMQL(ctx, qualify.Reinquiry{Person: at.Person, MQL: at.MQL})
	if err != nil {
		return Result{Reason: "read the MQL: " + err.Error()}
	}
	if m.ID == "" {
		return Result{Done: true}
	}
	name, _ := ev.Properties["event"].(string)
	channel, _ := ev.Properties["channel"].(string)
	a := FormActivity{ID: at.ID, MQLID: at.MQL, PersonID: at.Person, Email: at.Email, Type: event.Offline, Title: name,
		At: InZone(ev.Timestamp, w.Loc), Lang: w.Lang, Sites: w.Sites, Attendance: Attended, Channel: channel,
		Score: &ActivityScore{Behaviour: at.Verdict.Behaviour, Fit: at.Verdict.Fit, Grade: at.Verdict.Grade}}
	if at.Absent {
		a.Attendance = Absent
	}
	raised := m.Raised()
	a.mqlRaised, a.mqlQualified, a.toldAt = raised, m.At, w.now()
	mqlT := target{pk: identity.PersonPK(at.Person), id: at.MQL, person: at.Person}
	return w.run(ctx, target{pk: identity.PersonPK(at.Person), id: at.ID, person: at.Person, email: at.Email}, maxAttempts,
		// Only to a connector with a delivery record of the MQL: one that
		// never took it (configured since; the webhook, which cannot
		// look for the person) has no lead naming the touch to correct,
		// and an activity there would be of an MQL it never took. No
		// tellFound, and no drivesMQL either: an attendance change does
		// not deliver the MQL itself (a later form of the person's does).
		w.activityTo(mqlT, raised, a, activityKind{inLead: func(Delivery) bool { return false },
			tell: w.tellAttendanceOnce(at, a.Attendance)}))
}

// staleWait is how long a change the touch no longer says waits before
// it is read again (staleAttendance): scoring reads the touch's next
// change within seconds.
const staleWait = 30 * time.Second

// staleAttendance is a change the touch no longer says: changed again
// since it was handed on. Dropped when scoring has handed on a later
// change of the touch (that one tells what it says); else scoring has yet
// to read the change that undid it, and may find the touch back as this
// one says (two reports imported in quick succession, or in one stream
// batch, read once the last landed): it hands nothing then, and this
// change, waiting meanwhile, is the one to tell it. Dropped as before,
// the connectors would never hear the touch's last state.
func (w *Worker) staleAttendance(ctx context.Context, at qualify.Attendance) Result {
	i := strings.LastIndex(at.ID, "-")
	n, err := strconv.Atoi(at.ID[i+1:])
	if i < 0 || err != nil {
		return Result{Done: true} // not an id TellAttendance makes
	}
	handed, err := qualify.AttendanceHanded(ctx, w.T, at.Person, at.MQL, qualify.TouchKey(at.Visitor, at.Event))
	if err != nil {
		return Result{Reason: "read the attendance handed on: " + err.Error()}
	}
	if handed > n {
		return Result{Done: true}
	}
	return Result{Reason: "the touch changed again since: waiting for scoring to read it", RetryAfter: staleWait}
}

// attendanceStepPfx begins the step of an MQL's delivery record
// (Delivery.Steps) that keeps, per touch among its reasons
// (qualify.TouchKey), the attendance that connector was last told and by
// which change: "<absent|attended> <activity id>".
const attendanceStepPfx = "attendance:"

// maxTellTries bounds the re-reads of an MQL's delivery record when
// another change of the same touch wrote it meanwhile.
const maxTellTries = 4

// tellAttendanceOnce is DeliverAttendance's tell: a connector is told a
// change only when what it says (state) differs from what that connector
// was told last of the touch (none: attended, as the lead was built),
// recorded in the connector's delivery record of the MQL before the push
// and on the version read. The changes of one touch are messages of their
// own, each reading the touch as it is when it runs: a quick absent,
// attended, absent (two reports in one stream batch, or changes queued
// while the MQL's delivery was pending, handled in any order, or at once
// by two workers) would otherwise tell absent twice, or a correction of a
// no-show never told. The change that recorded it (a retry of its message,
// its dead letter replayed) tells it again, under the same id, which the
// connector takes once; a push that failed for good leaves it recorded as
// told (the dead letter tells it).
func (w *Worker) tellAttendanceOnce(at qualify.Attendance, state string) func(ctx context.Context, c Connector, md Delivery, ver int64) (bool, error) {
	key := attendanceStepPfx + qualify.TouchKey(at.Visitor, at.Event)
	mqlT := target{pk: identity.PersonPK(at.Person), id: at.MQL, person: at.Person, email: at.Email}
	return func(ctx context.Context, c Connector, md Delivery, ver int64) (bool, error) {
		for try := 1; ; try++ {
			last, by, _ := strings.Cut(md.Steps[key], " ")
			switch {
			case by == at.ID:
				return true, nil
			case last == "" && state == Attended, last == state:
				return false, nil // told already (or never told otherwise)
			}
			steps := maps.Clone(md.Steps)
			if steps == nil {
				steps = map[string]string{}
			}
			steps[key] = state + " " + at.ID
			d := md
			d.Steps = steps
			err := w.recordIf(ctx, mqlT, d, table.VersionIs(ver))
			if !errors.Is(err, table.ErrConditionFailed) || try == maxTellTries {
				return err == nil, err
			}
			// Another change of the touch (or of the person's) wrote it
			// meanwhile: decide again on what it says now.
			if md, ver, err = w.stateAt(ctx, mqlT, c.Name()); err != nil {
				return false, err
			}
			if md.Status != StatusDelivered { // replayed meanwhile: wait for it again
				return false, &errAwaitMQL{until: w.now().Add(staleWait)}
			}
		}
	}
}
