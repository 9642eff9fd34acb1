package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/calendar"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/reports"
)

// TestTwoOpportunitiesOfOneCycle: sales open a second Opportunity for the
// same MQL (a second product). The cycle held one deal: B's change event
// took over A's deal (its id, its amount), B's Closed Lost recycled the
// person, A's Closed Won came after was refused (recycled -> customer) and
// the reports counted no win, or the lost B's amount as the win. Each
// Opportunity is a deal of its own: B's loss is B's while A is open, A's
// win makes the person a customer, and the reports count A's amount won,
// once.
func TestTwoOpportunitiesOfOneCycle(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	opp := func(id, record string, commit time.Time, fields string) (int, string) {
		t.Helper()
		f.clk.Set(commit.Add(time.Minute))
		return f.post(t, "/feedback/salesforce", fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"OpportunityChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":%q,"detail":{"payload":{"ChangeEventHeader":{"entityName":"Opportunity","recordIds":[%q],"changeType":"UPDATE","commitTimestamp":%d},"Baton_Person_Id__c":%q%s}}}`,
			id, commit.Format(time.RFC3339), record, commit.UnixMilli(), f.p.ID, fields), sf)
	}
	const a, b = "0065g00000AAAAAAAA", "0065g00000BBBBBBBB"
	if code, resp := opp("a-open", a, f.now.Add(time.Hour), `,"StageName":"Prospecting","IsClosed":false,"Amount":1000000,"CurrencyIsoCode":"JPY","CloseDate":"2026-12-20"`); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("A opened: %d %s", code, resp)
	}
	if code, resp := opp("b-open", b, f.now.Add(2*time.Hour), `,"StageName":"Prospecting","IsClosed":false,"Amount":400000,"CurrencyIsoCode":"JPY","CloseDate":"2026-12-25"`); code != 200 || !strings.Contains(resp, `"deal":true`) {
		t.Fatalf("B opened: %d %s", code, resp)
	}
	if code, resp := opp("b-lost", b, f.now.Add(3*time.Hour), `,"StageName":"Closed Lost"`); code != 200 || !strings.Contains(resp, "not of the current MQL: 1 other deal(s) of cycle 1 open") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("B lost: %d %s, stage %s (want the MQL kept: A is open)", code, resp, f.stage(t))
	}
	if code, resp := opp("a-won", a, f.now.Add(4*time.Hour), `,"StageName":"Closed Won","Amount":1100000`); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("A won: %d %s, stage %s", code, resp, f.stage(t))
	}
	ds, err := f.q.Deals(context.Background(), f.p.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("deals %+v %v, want A's and B's", ds, err)
	}
	if d := ds[0]; d.Ref != "salesforce-opportunity-"+a || d.Amount != 1100000 || d.Outcome != "won" || d.CloseDate != "2026-12-20" {
		t.Errorf("A %+v, want won, 1100000", d)
	}
	if d := ds[1]; d.Ref != "salesforce-opportunity-"+b || d.Amount != 400000 || d.Outcome != "lost" || d.CloseDate != "2026-12-25" {
		t.Errorf("B %+v, want lost, 400000", d)
	}
	people, err := reports.Load(context.Background(), f.tb)
	if err != nil {
		t.Fatal(err)
	}
	if _, totals := reports.Revenue(people, reports.Filter{}, []string{"channel"}); len(totals) != 1 || totals[0].Kind != reports.Won || totals[0].Amount != 1100000 || totals[0].Deals != 1 {
		t.Errorf("revenue totals %+v, want A's 1100000 JPY won, one deal", totals)
	}
	if rows := reports.Reps(people, reports.Filter{}, 24*time.Hour, calendar.Calendar{}); len(rows) == 0 || rows[0].Won != 1 || len(rows[0].WonAmount) != 1 || rows[0].WonAmount["JPY"] != 1100000 {
		t.Errorf("reps %+v, want the MQL won, 1100000 JPY", rows)
	}
	// B's loss sent again (a replay) is still B's alone.
	if code, resp := opp("b-lost-2", b, f.now.Add(5*time.Hour), `,"StageName":"Closed Lost","Amount":400000`); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("B lost again: %d %s, stage %s", code, resp, f.stage(t))
	}
}
