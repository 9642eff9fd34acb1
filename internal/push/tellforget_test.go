package push_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/privacy"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
	"github.com/baton-hq/baton/internal/table/dynamotable"
	"github.com/baton-hq/baton/internal/testutil/moto"
)

// erasedDuring is an SFA that takes the lead while the person is being
// erased: the tombstone is written during its call.
type erasedDuring struct {
	f      fx
	pushes int
}

func (c *erasedDuring) Name() string { return "sfa" }

func (c *erasedDuring) Push(ctx context.Context, l push.Lead) (string, error) {
	c.pushes++
	if err := privacy.Tombstone(ctx, c.f.w.T, l.Email, c.f.clk.now()); err != nil {
		return "", err
	}
	return "00Q1", nil
}

// TestSFAToldToForgetUntilItHears: a person erased while their lead was on
// its way to the SFA (the erasure told the SFAs before the lead arrived)
// is forgotten by the SFA through TellForget. When that call failed (the
// SFA down a moment), the message was retried, but the retry stopped at the
// tombstone check, done: the SFA was never told again and kept the erased
// person's lead. The retry tells it until it hears.
func TestSFAToldToForgetUntilItHears(t *testing.T) {
	t.Run("bolt", func(t *testing.T) { toldUntilHeard(t, setup(t, &receiver{ids: map[string]int{}})) })
	t.Run("dynamodb", func(t *testing.T) {
		clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
		toldUntilHeard(t, setupOn(t, &receiver{ids: map[string]int{}}, moto.NewTable(t, dynamotable.WithClock(clk.now)), clk))
	})
}

func toldUntilHeard(t *testing.T, f fx) {
	ctx := context.Background()
	c := &erasedDuring{f: f}
	var tells []string
	fail := true
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
		TellForget: func(ctx context.Context, c push.Connector, person, email string, _ []push.Delivery) error {
			tells = append(tells, c.Name()+" "+person+" "+email)
			if fail {
				return errors.New("503 Service Unavailable")
			}
			return nil
		}}
	if res := w.Deliver(ctx, f.mql); res.Done || res.Permanent {
		t.Fatalf("the SFA not told: %+v (must be retried)", res)
	}
	fail = false
	if res := w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("retried: %+v", res)
	}
	if len(tells) != 2 || tells[1] != "sfa "+f.mql.Person+" "+f.mql.Email {
		t.Fatalf("told %q: the retry must tell the SFA again", tells)
	}
	if res := w.Deliver(ctx, f.mql); !res.Done || len(tells) != 2 || c.pushes != 1 {
		t.Fatalf("once heard: %+v, told %d times, %d pushes", res, len(tells), c.pushes)
	}
}

// madeThenErased is an SFA that makes a record (its id kept as a step, as
// HubSpot keeps a contact made without an email) and then sees its person
// erased: the tombstone written during its call. fail writes it before the
// record's id is kept, which fails the call, as HubSpot's fails when the
// contact it made cannot be recorded any more.
type madeThenErased struct {
	f    fx
	id   string
	fail bool
}

func (c *madeThenErased) Name() string { return "hubspot" }

func (c *madeThenErased) Push(ctx context.Context, l push.Lead) (string, error) {
	prog := push.ProgressFrom(ctx)
	if c.fail { // erased before the contact's id could be kept
		if err := privacy.Tombstone(ctx, c.f.w.T, l.Email, c.f.clk.now()); err != nil {
			return "", err
		}
	}
	if err := prog.SaveStep(ctx, "contact", c.id); err != nil {
		return "", &push.Error{Connector: "hubspot", Message: "contact " + c.id + " created but not recorded: " + err.Error()}
	}
	if c.fail {
		return "", &push.Error{Connector: "hubspot", Message: "unreachable: the step was refused", Permanent: true}
	}
	// Erased while the note was being added.
	if err := privacy.Tombstone(ctx, c.f.w.T, l.Email, c.f.clk.now()); err != nil {
		return "", err
	}
	return c.id, nil
}

// TestSFAToldTheRecordsMadeWhileErased: a person erased during a delivery
// is forgotten by the SFA through TellForget, which now hands it the
// records the delivery made (its ExternalID, its steps): the erasure told
// the SFA before the record existed, and an email cannot find a contact
// made without one. The marker that makes the retry tell it again keeps
// them; and a call that failed after making the record (its next step
// refused by the tombstone) tells it too, where it told nothing.
func TestSFAToldTheRecordsMadeWhileErased(t *testing.T) {
	t.Run("delivered", func(t *testing.T) {
		f := setup(t, &receiver{ids: map[string]int{}})
		ctx := context.Background()
		c := &madeThenErased{f: f, id: "501"}
		var got [][]push.Delivery
		fail := true
		w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
			TellForget: func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
				got = append(got, ds)
				if fail {
					return errors.New("503 Service Unavailable")
				}
				return nil
			}}
		if res := w.Deliver(ctx, f.mql); res.Done || res.Permanent {
			t.Fatalf("the SFA not told: %+v (must be retried)", res)
		}
		fail = false
		if res := w.Deliver(ctx, f.mql); !res.Done {
			t.Fatalf("retried: %+v", res)
		}
		if len(got) != 2 {
			t.Fatalf("told %d times", len(got))
		}
		for i, ds := range got {
			if len(ds) != 1 || ds[0].ExternalID != "501" || ds[0].Steps["contact"] != "501" || ds[0].MQLID != f.mql.ID {
				t.Errorf("tell %d handed %+v: want the record the delivery made, 501", i+1, ds)
			}
		}
	})
	t.Run("failed after making it", func(t *testing.T) {
		f := setup(t, &receiver{ids: map[string]int{}})
		ctx := context.Background()
		c := &madeThenErased{f: f, id: "502", fail: true}
		var got [][]push.Delivery
		w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
			TellForget: func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
				got = append(got, ds)
				return nil
			}}
		if res := w.Deliver(ctx, f.mql); !res.Done {
			t.Fatalf("delivery of an erased person: %+v", res)
		}
		if len(got) != 1 || len(got[0]) != 1 || got[0][0].Steps["contact"] != "502" {
			t.Fatalf("told %+v: want the record made before the call failed, 502", got)
		}
	})
}

// formDuringErasure is an SFA that took the person's MQL and then sees
// them erased while it adds a form they sent after it (a re-inquiry): the
// activity is made (its id kept as a step, as HubSpot keeps a note's) and
// the tombstone written during the call. early writes the tombstone
// before the id is kept, which fails the call after making the activity.
type formDuringErasure struct {
	f     fx
	early bool
	acts  int
}

func (c *formDuringErasure) Name() string { return "sfa" }

func (c *formDuringErasure) Push(ctx context.Context, l push.Lead) (string, error) {
	return "00Q1", nil
}

func (c *formDuringErasure) PushActivity(ctx context.Context, a push.FormActivity) (string, error) {
	c.acts++
	erase := func() error { return privacy.Tombstone(ctx, c.f.w.T, a.Email, c.f.clk.now()) }
	if c.early {
		if err := erase(); err != nil {
			return "", err
		}
	}
	if err := push.ProgressFrom(ctx).SaveStep(ctx, "note", "701"); err != nil {
		return "", &push.Error{Connector: "sfa", Message: "note 701 created but not recorded: " + err.Error()}
	}
	if err := erase(); err != nil {
		return "", err
	}
	return "", nil
}

// TestSFAToldToForgetAFormDeliveredWhileErased: a person erased while a
// form they sent after their MQL (a re-inquiry) was being added at the SFA
// is forgotten there through TellForget, handed what that delivery made.
// When that call failed, the marker that makes the retry tell it again was
// written under the re-inquiry's id (<mql>-f...), but only an MQL's
// message looked for markers, by the MQL's id: the re-inquiry's retry
// stopped at the tombstone, done, and the SFA kept what the delivery made
// after the erasure had told it. The retry tells it, with the records the
// delivery made, and ends the marker.
func TestSFAToldToForgetAFormDeliveredWhileErased(t *testing.T) {
	for _, early := range []bool{false, true} {
		name := map[bool]string{false: "delivered", true: "failed after making it"}[early]
		t.Run(name+"/bolt", func(t *testing.T) { formToldUntilHeard(t, setup(t, &receiver{ids: map[string]int{}}), early) })
		t.Run(name+"/dynamodb", func(t *testing.T) {
			clk := &clock{t: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
			formToldUntilHeard(t, setupOn(t, &receiver{ids: map[string]int{}}, moto.NewTable(t, dynamotable.WithClock(clk.now)), clk), early)
		})
	}
}

func formToldUntilHeard(t *testing.T, f fx, early bool) {
	ctx := context.Background()
	c := &formDuringErasure{f: f, early: early}
	var got [][]push.Delivery
	fail := true
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
		TellForget: func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
			if person != f.mql.Person || email != f.mql.Email {
				t.Errorf("told to forget %q %q", person, email)
			}
			got = append(got, ds)
			if fail {
				return errors.New("503 Service Unavailable")
			}
			return nil
		}}
	// The MQL, stored as qualify keeps it, delivered before the form.
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	if res := w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("the MQL: %+v", res)
	}
	f.clk.t = f.clk.t.Add(time.Hour)
	form := event.Event{ID: "e9", Type: event.FormSubmit, VisitorID: "pv1", URL: "https://www.example.com/contact", Title: "お問い合わせ", Timestamp: f.clk.t}
	if _, err := f.w.Stitcher.Log.Append(ctx, []event.Event{form}); err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(time.Minute)
	r := qualify.Reinquiry{ID: f.mql.ID + "-f0123456789abcdef", MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email, Visitor: "pv1", Event: "e9", At: form.Timestamp}
	body, _ := json.Marshal(push.ReinquiryMessage(r))
	if _, res, err := w.DeliverBody(ctx, body); err != nil || res.Done || res.Permanent {
		t.Fatalf("the SFA not told: %+v %v (must be retried)", res, err)
	}
	if c.acts != 1 || len(got) != 1 {
		t.Fatalf("%d activities, told %d times", c.acts, len(got))
	}
	fail = false
	f.clk.t = f.clk.t.Add(time.Minute)
	if _, res, err := w.DeliverBody(ctx, body); err != nil || !res.Done {
		t.Fatalf("retried: %+v %v", res, err)
	}
	if len(got) != 2 {
		t.Fatalf("told %d times: the retry must tell the SFA again", len(got))
	}
	for i, ds := range got {
		if len(ds) != 1 || ds[0].MQLID != r.ID || ds[0].Connector != "sfa" || ds[0].Steps["note"] != "701" {
			t.Errorf("tell %d handed %+v: want the record the form's delivery made, 701", i+1, ds)
		}
	}
	if _, err := f.w.T.Get(ctx, push.ForgetPK(r.ID), "sfa"); !errors.Is(err, table.ErrNotFound) {
		t.Errorf("the marker once heard: %v, want gone", err)
	}
	if _, res, err := w.DeliverBody(ctx, body); err != nil || !res.Done || len(got) != 2 || c.acts != 1 {
		t.Fatalf("once heard: %+v %v, told %d times, %d activities", res, err, len(got), c.acts)
	}
}

// TestSFAToldToForgetANoShowDeliveredWhileErased: as a form's
// (TestSFAToldToForgetAFormDeliveredWhileErased), an attendance change
// told to the SFA while the person was being erased, TellForget failing
// then, is told again by its retry past the tombstone (tellPending, the
// marker under the change's id), with what that delivery made, once.
func TestSFAToldToForgetANoShowDeliveredWhileErased(t *testing.T) {
	ctx := context.Background()
	f := setup(t, &receiver{ids: map[string]int{}})
	c := &formDuringErasure{f: f}
	var got [][]push.Delivery
	fail := true
	w := &push.Worker{T: f.w.T, Dir: f.w.Dir, Stitcher: f.w.Stitcher, Now: f.clk.now, Connectors: []push.Connector{c},
		TellForget: func(ctx context.Context, c push.Connector, person, email string, ds []push.Delivery) error {
			got = append(got, ds)
			if fail {
				return errors.New("503 Service Unavailable")
			}
			return nil
		}}
	data, _ := json.Marshal(f.mql)
	if err := f.w.T.Put(ctx, table.Item{PK: identity.PersonPK(f.mql.Person), SK: "MQL#0001", Kind: qualify.KindMQL, Data: data}, table.NotExists); err != nil {
		t.Fatal(err)
	}
	if res := w.Deliver(ctx, f.mql); !res.Done {
		t.Fatalf("the MQL: %+v", res)
	}
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	touch := event.Event{ID: "w1", Type: event.Offline, VisitorID: "pv1", Properties: map[string]any{"event": "DX webinar", "channel": "webinar", "absent": true}, Timestamp: day}
	if _, err := f.w.Stitcher.Log.Append(ctx, []event.Event{touch}); err != nil {
		t.Fatal(err)
	}
	f.clk.t = f.clk.t.Add(time.Hour)
	at := qualify.Attendance{ID: f.mql.ID + "-a0123456789abcdef-1", MQL: f.mql.ID, Person: f.mql.Person, Email: f.mql.Email, Visitor: "pv1", Event: "w1", Absent: true, At: day}
	body, _ := json.Marshal(push.AttendanceMessage(at))
	if _, res, err := w.DeliverBody(ctx, body); err != nil || res.Done || c.acts != 1 || len(got) != 1 {
		t.Fatalf("the SFA not told: %+v %v, %d activities, told %d times (must be retried)", res, err, c.acts, len(got))
	}
	fail = false
	f.clk.t = f.clk.t.Add(time.Minute)
	if _, res, err := w.DeliverBody(ctx, body); err != nil || !res.Done || len(got) != 2 {
		t.Fatalf("retried: %+v %v, told %d times", res, err, len(got))
	}
	if ds := got[1]; len(ds) != 1 || ds[0].MQLID != at.ID || ds[0].Steps["note"] != "701" {
		t.Errorf("the retry handed %+v: want the record the change's delivery made, 701", ds)
	}
	if _, res, err := w.DeliverBody(ctx, body); err != nil || !res.Done || len(got) != 2 || c.acts != 1 {
		t.Fatalf("once heard: %+v %v, told %d times, %d activities", res, err, len(got), c.acts)
	}
}
