package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/admin"
	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
)

// TestInboxCardNamesAndSaysWhy: a lead from a form that asks 姓 and 名
// apart (last_name, first_name) is titled by the name on its inbox card,
// 姓 first, as the People and MQL lists call them; the card said the
// email. And the reason sales gave with a rejection in the inbox (shown
// on the dashboard and the person page) is on the answered card too.
func TestInboxCardNamesAndSaysWhy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	at := f.clk.Now()
	evs := []event.Event{
		{ID: "sei-a", Type: event.Download, VisitorID: "sei-v", URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: at},
		{ID: "sei-b", Type: event.FormSubmit, VisitorID: "sei-v", Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"last_name": "佐々木", "first_name": "三郎", "title": "部長", "employees": "500"}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "sei-v", Email: "s.sasaki@maker.example", At: at, Strength: identity.Strong, Fields: fields})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	ms, err := q.MQLs(ctx, p.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("MQLs %v %v", ms, err)
	}
	m := ms[0]
	if _, err := inbox.Push(ctx, push.Lead{MQLID: m.ID, PersonID: p.ID, Email: m.Email, Attributes: fields, Condition: m.Condition, QualifiedAt: m.At, Cycle: m.Cycle}); err != nil {
		t.Fatal(err)
	}
	if res, err := q.OutcomeWhy(ctx, p.ID, "rejected", "v1", "rep-a", "予算時期が来期のため", at.Add(time.Hour)); err != nil || !res.Applied {
		t.Fatalf("rejected: %+v %v", res, err)
	}
	f.clk.Set(at.Add(2 * time.Hour))
	serveScoring(t, f)
	for lang, why := range map[string]string{"en": "why, as sales said: ", "ja": "営業のコメント："} {
		a := f.req("GET", "/admin/inbox?lang="+lang, "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if want := `<a href="people/` + p.ID + `">佐々木 三郎</a>`; a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("%s: %d, no %s in\n%s", lang, a.code, want, a.body)
		}
		if want := why + `<bdi>予算時期が来期のため</bdi>`; !strings.Contains(a.body, want) {
			t.Errorf("%s: the answered card does not say %q:\n%s", lang, want, a.body)
		}
	}
}
