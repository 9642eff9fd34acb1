package admin_test

import (
	"context"
	"html"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/lab"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/rulebook"
	"github.com/baton-hq/baton/internal/testutil/repo"

	"github.com/baton-hq/baton/internal/admin"
)

// TestPagesNameConditionsByLabel: the inbox card and the MQL list named
// an MQL's condition by its machine name (hot-and-fit) where sales read
// its label in the SFA; they now say the rules file's label in the page's
// language, the machine name for a condition without one, and the MQL
// list's condition filter keeps the name as its value.
func TestPagesNameConditionsByLabel(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	q, _, log, st := scoring(t, f)
	inbox := &push.Inbox{T: f.tb}
	f.h.Deliveries = &admin.DeliveryAdmin{Queue: noDead{}, Inbox: inbox}
	at := f.clk.Now()
	evs := []event.Event{
		{ID: "lbl-a", Type: event.Download, VisitorID: "lbl-v", URL: "https://www.example.com/a.pdf", Timestamp: at, ReceivedAt: at},
		{ID: "lbl-b", Type: event.FormSubmit, VisitorID: "lbl-v", Timestamp: at, ReceivedAt: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	fields := map[string]string{"last_name": "佐藤", "first_name": "花子", "title": "部長", "employees": "500"}
	p, _, err := st.Identify(ctx, identity.Identification{Visitor: "lbl-v", Email: "h.sato@maker.example", At: at, Strength: identity.Strong, Fields: fields})
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
	serveScoring(t, f)

	file := filepath.Join(repo.Root(t), "infra", "rules.yaml")
	load := func(unlabel bool) *rulebook.Rules {
		rules, err := rulebook.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range rules.MQL {
			if c.Name == m.Condition && unlabel {
				c.Label = rulebook.Label{}
			}
		}
		return rules
	}
	labelled := load(false)
	ja := labelled.ConditionLabel(m.Condition, "ja")
	if ja == m.Condition {
		t.Fatalf("infra/rules.yaml gives %s no ja label", m.Condition)
	}
	for _, c := range []struct {
		rules *rulebook.Rules
		want  string
	}{{labelled, ja}, {load(true), m.Condition}} {
		f.h.Lab = lab.New(f.tb, c.rules, nil, "rules.yaml", nil, f.clk.Now)
		a := f.req("GET", "/admin/inbox?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if want := `<div class="why"><span class="chip at-mql">MQL 時点</span> ` + html.EscapeString(c.want) + "："; a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("inbox: %d, no %s in\n%s", a.code, want, a.body)
		}
		a = f.req("GET", "/admin/mqls?lang=ja", "", "Authorization", "Bearer "+fullToken, "Accept", "text/html")
		if want := `class="why label">` + html.EscapeString(c.want) + `</td>`; a.code != 200 || !strings.Contains(a.body, want) {
			t.Errorf("MQL list: %d, no %s in\n%s", a.code, want, a.body)
		}
		if want := `<option value="` + m.Condition + `">` + html.EscapeString(c.want) + `</option>`; !strings.Contains(a.body, want) {
			t.Errorf("MQL list: the filter has no %s in\n%s", want, a.body)
		}
	}
}
