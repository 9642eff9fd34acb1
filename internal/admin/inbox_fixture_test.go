package admin_test

import (
	"context"
	"testing"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
)

// inboxLead is a person qualified and handed to the built-in inbox.
type inboxLead struct {
	Q     *qualify.Qualifier
	Log   *eventlog.Log
	Inbox *push.Inbox
	P     identity.Person
	M     qualify.MQL
}

// qualifyToInbox scores a download and a contact form (50 behaviour
// points; a 部長 of 500 people is grade A: hot-and-fit) of visitor vis at
// the fixture's now, identified as email with fields, and hands the MQL to
// a built-in inbox the fixture's handler reads, as push would: its figures
// the MQL's. lead, when not nil, changes the lead before it is handed.
func qualifyToInbox(t *testing.T, f *fixture, vis, email string, fields map[string]string, lead func(*push.Lead)) inboxLead {
	t.Helper()
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	at := f.clk.Now()
	evs := []event.Event{
		{ID: vis + "-a", Type: event.Download, VisitorID: vis, URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: at},
		{ID: vis + "-b", Type: event.FormSubmit, VisitorID: vis, Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: vis, Email: email, At: at, Strength: identity.Strong, Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ms, err := q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %+v %v", ms, err)
	}
	m := ms[0]
	l := push.Lead{MQLID: m.ID, PersonID: p.ID, Email: m.Email, Attributes: fields, Condition: m.Condition, Reasons: m.Facts, QualifiedAt: m.At, Cycle: m.Cycle,
		BehaviourScore: m.Verdict.Behaviour, FitScore: m.Verdict.Fit, Grade: m.Verdict.Grade}
	if lead != nil {
		lead(&l)
	}
	if _, err := inbox.Push(ctx, l); err != nil {
		t.Fatal(err)
	}
	return inboxLead{Q: q, Log: log, Inbox: inbox, P: p, M: m}
}
