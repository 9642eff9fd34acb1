package qualify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/table"
)

// Attendance is an offline touch among the reasons of a person's MQL (its
// events, its journey's first or last touch) whose attendance a later
// import changed: a webinar's report saying the registrant did not come
// (Absent), or, corrected, that they did after all. The MQL stays (what a
// touch led to is never undone), but the lead sales have says the person
// came, so delivery tells each connector that took the MQL (push). Like a
// Reinquiry it names the touch; its name and channel are read from it.
type Attendance struct {
	// ID is <mql id>-a<16 hex digits of the touch's visitor and id>-<n>,
	// n counting the changes told of this touch on this MQL: the
	// idempotency key downstream (a Salesforce Task's external id among
	// them), the same however often the change is read again.
	ID      string    `json:"id"`
	MQL     string    `json:"mql"`
	Person  string    `json:"person"`
	Email   string    `json:"email"`
	Visitor string    `json:"visitor"`
	Event   string    `json:"event"`
	Absent  bool      `json:"absent"`
	At      time.Time `json:"at"` // the touch's time
	// Verdict is the person's score once rescored without (or with) the
	// touch: what sales read as "the score now".
	Verdict Verdict `json:"verdict"`
}

// attendancePfx keys, per MQL and touch, the attendance last told
// (attendanceTold), in the person's partition (an erasure removes it).
const attendancePfx = "ATT#" // ATT#<mql id>#<16 hex>

// KindAttendanceTold is the kind of that item: no change of it is scored.
const KindAttendanceTold = "attendancetold"

type attendanceTold struct {
	Absent bool `json:"absent"`
	N      int  `json:"n"` // changes told
}

// TellAttendance hands AttendanceChanged the change of an offline touch's
// attendance (eventlog.Log.SetAbsent, SetMinutes) for each MQL of the
// person's that the touch is among the reasons of, when it differs from
// the attendance last told of it there: a touch never told is taken as
// attended, as the lead was built. It reads the touch as stored now, so a
// change read again (a retried batch, an older change after a newer one)
// tells nothing twice. Call it once the person is rescored.
func (q *Qualifier) TellAttendance(ctx context.Context, person, visitor, id string) error {
	if q.AttendanceChanged == nil || q.Log == nil {
		return nil
	}
	ev, err := q.Log.Get(ctx, visitor, id)
	if errors.Is(err, eventlog.ErrNotFound) {
		return nil // erased meanwhile
	}
	if err != nil || ev.Type != event.Offline {
		return err
	}
	ms, err := q.MQLs(ctx, person)
	if err != nil {
		return err
	}
	var rec *Record
	touch := TouchKey(visitor, id)
	for _, m := range ms {
		if !m.ledBy(id) {
			continue
		}
		sk := attendancePfx + m.ID + "#" + touch
		it, err := q.T.Get(ctx, identity.PersonPK(person), sk)
		var told attendanceTold
		switch {
		case errors.Is(err, table.ErrNotFound):
		case err != nil:
			return err
		default:
			if err := json.Unmarshal(it.Data, &told); err != nil {
				return err
			}
		}
		if told.Absent == ev.Absent() {
			continue
		}
		if rec == nil {
			r, err := q.Record(ctx, person)
			if err != nil {
				return err
			}
			rec = &r
		}
		if gone, err := q.Dir.Erased(ctx, m.Email); err != nil || gone {
			return err // a change read after the erasure hands nothing on
		}
		told = attendanceTold{Absent: ev.Absent(), N: told.N + 1}
		a := Attendance{ID: fmt.Sprintf("%s-a%s-%d", m.ID, touch, told.N), MQL: m.ID, Person: person, Email: m.Email,
			Visitor: visitor, Event: id, Absent: told.Absent, At: ev.Timestamp, Verdict: rec.Verdict}
		// Handed on before it is recorded told: a failure between the two
		// hands on the same id again, which delivery takes once.
		if err := q.AttendanceChanged(ctx, a); err != nil {
			return err
		}
		data, err := json.Marshal(told)
		if err != nil {
			return err
		}
		if err := q.T.Put(ctx, table.Item{PK: identity.PersonPK(person), SK: sk, Kind: KindAttendanceTold, Data: data}, table.Always); err != nil {
			return err
		}
	}
	return nil
}

// AttendanceHanded is how many changes of the touch's attendance (its
// TouchKey) TellAttendance has handed on for the MQL: the n of the
// latest Attendance's ID (0: none).
func AttendanceHanded(ctx context.Context, t table.Table, person, mql, touch string) (int, error) {
	it, err := t.Get(ctx, identity.PersonPK(person), attendancePfx+mql+"#"+touch)
	if errors.Is(err, table.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var told attendanceTold
	err = json.Unmarshal(it.Data, &told)
	return told.N, err
}

// TouchKey is the 16 hex digits that name an offline touch (its visitor
// and id) in an Attendance's ID and the keys of what was told of it.
func TouchKey(visitor, id string) string {
	sum := sha256.Sum256([]byte(visitor + "\x00" + id))
	return hex.EncodeToString(sum[:8])
}

// ledBy reports whether the event is among what led to the MQL: the scored
// events behind it, or its journey's first or last touch.
func (m MQL) ledBy(id string) bool {
	if slices.Contains(m.Events, id) {
		return true
	}
	j := m.Journey
	return j != nil && (j.First != nil && j.First.EventID == id || j.Last != nil && j.Last.EventID == id)
}
