package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/qualify"
)

// TestOlderOutcomeOfAnEarlierCycle: sales rejected the lead (recycled),
// it qualified again, and then a delivery held up since before the
// rejection arrived (an SFA's retry): "Working" at 10:40 was applied to the
// new MQL, accepted before it existed, and an amount of the old deal was
// written as the new cycle's. A verdict dated (beyond a minute's clock
// skew) before the MQL of the person's cycle is stale: ignored, said in
// the results. A later verdict of the new cycle applies.
func TestOlderOutcomeOfAnEarlierCycle(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	sf := map[string]string{"X-Baton-Secret": shared}
	flow := func(id, status string, at time.Time, extra string) string {
		return fmt.Sprintf(`{"eventId":%q,"leadId":"00Q000000000001AAA","status":%q,"changedAt":%q%s}`, id, status, at.Format(time.RFC3339), extra)
	}
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := f.post(t, "/feedback/salesforce", flow("o1", "Unqualified", f.now.Add(50*time.Minute), ""), sf); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("rejected: %d %s stage %s", code, resp, f.stage(t))
	}
	at := f.requalify(t)
	late := flow("o0", "Working - Contacted", f.now.Add(40*time.Minute), `,"amount":5000,"currencyIsoCode":"JPY"`)
	code, resp := f.post(t, "/feedback/salesforce", late, sf)
	if code != 200 || f.stage(t) != qualify.StageMQL || !strings.Contains(resp, "stale") {
		t.Fatalf("the first cycle's late outcome: %d %s stage %s", code, resp, f.stage(t))
	}
	if ds, _ := f.q.Deals(ctx, f.p.ID); len(ds) != 0 {
		t.Fatalf("the first cycle's amount made the second's deal: %+v", ds)
	}
	if code, resp := f.post(t, "/feedback/salesforce", flow("o2", "Working - Contacted", at.Add(5*time.Minute), ""), sf); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("the new cycle's outcome: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneOlderRecordDeliveredLate: kintone sends no time of its own
// with a webhook, so each was dated when received; a record's older
// version delivered late (対応中 with the amount of then, after 受注 with the
// final amount) overwrote the deal with the older amount. A delivery is
// dated by the record's 更新日時 (its UPDATED_TIME field), so the older one
// is older; a record without that field is still dated when received.
func TestKintoneOlderRecordDeliveredLate(t *testing.T) {
	f := setup(t)
	kt := func(id, status string, amount int, updated time.Time) string {
		return fmt.Sprintf(`{"id":%q,"type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":%q},"受注金額":{"type":"NUMBER","value":"%d"},"更新日時":{"type":"UPDATED_TIME","value":%q}}}`,
			id, status, amount, updated.UTC().Format("2006-01-02T15:04:05Z"))
	}
	won := f.now.Add(3 * time.Minute).Truncate(time.Minute) // after the MQL
	f.clk.Set(won.Add(time.Minute))                         // received after it
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-o2", "受注", 3000000, won), nil); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("won: %d %s", code, resp)
	}
	if c := f.salesChange(t, qualify.StageCustomer); !c.At.Equal(won) {
		t.Fatalf("won at %s, want the record's 更新日時 %s", c.At, won)
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-o1", "対応中", 2000000, won.Add(-time.Minute)), nil); code != 200 {
		t.Fatalf("late: %d %s", code, resp)
	}
	if d := f.deal(t); d.Amount != 3000000 || d.Outcome != "won" || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("the older version overwrote the deal: %+v stage %s", d, f.stage(t))
	}
}

// requalify brings the recycled person back as an MQL of cycle 2 with new
// evidence a day later (after the rules' 24h cooldown), and returns when.
func (f *fx) requalify(t *testing.T) time.Time {
	t.Helper()
	ctx := context.Background()
	f.clk.Set(f.now.Add(26 * time.Hour))
	at := f.clk.Now()
	evs := []event.Event{
		{ID: "c", Type: event.Download, VisitorID: "fb-v", URL: "https://www.example.com/b.pdf", Timestamp: at},
		{ID: "d", Type: event.FormSubmit, VisitorID: "fb-v", Timestamp: at, Properties: map[string]any{"form": map[string]any{"id": "contact"}}},
	}
	if _, err := f.log.Append(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if err := f.q.Process(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if rec, _ := f.q.Record(ctx, f.p.ID); rec.Stage != qualify.StageMQL || rec.Cycle != 2 {
		t.Fatalf("not qualified again: stage %s cycle %d", rec.Stage, rec.Cycle)
	}
	return at
}

// TestSalesforceCDCRelayedAgain: Salesforce's Event Relay delivers at
// least once, and after an error it can relay the retained events again
// (ReplayRecovery EARLIEST), each a new EventBridge event: another id,
// and the time it was relayed. The change was remembered by the
// EventBridge id and dated by its time, so a rejection relayed again a day
// later, after the lead had qualified anew, rejected the new MQL. A change
// is dated by ChangeEventHeader.commitTimestamp, when it was made in
// Salesforce: relayed again, it is older than the new MQL, stale.
func TestSalesforceCDCRelayedAgain(t *testing.T) {
	f := setup(t)
	sf := map[string]string{"X-Baton-Secret": shared}
	changed := f.now.Add(50 * time.Minute)
	relay := func(ebID string, relayed time.Time) string {
		return fmt.Sprintf(`{"version":"0","id":%q,"detail-type":"LeadChangeEvent","source":"aws.partner/salesforce.com/00D/0YL","time":%q,`+
			`"detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"],"changeType":"UPDATE","changedFields":["Status"],`+
			`"transactionKey":"0002343d-9d90-e395-ed20-cf416ba652ad","sequenceNumber":1,"commitTimestamp":%d},"Status":"Unqualified"}}}`, ebID, relayed.Format(time.RFC3339), changed.UnixMilli())
	}
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := f.post(t, "/feedback/salesforce", relay("eb-1", changed.Add(2*time.Second)), sf); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("rejected: %d %s stage %s", code, resp, f.stage(t))
	}
	if c := f.salesChange(t, qualify.StageRejected); !c.At.Equal(changed) {
		t.Fatalf("rejected at %s, want the commit time %s", c.At, changed)
	}
	at := f.requalify(t)
	code, resp := f.post(t, "/feedback/salesforce", relay("eb-2", at.Add(5*time.Minute)), sf)
	if code != 200 || f.stage(t) != qualify.StageMQL || strings.Contains(resp, `"applied":true`) {
		t.Fatalf("relayed again: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestAnswerDatedBeforeItsMQL: an SFA's clock a few seconds behind
// Baton's, or kintone's 更新日時 (to the minute), dates sales' answer before
// the MQL it answers. The stage history kept that time, and the reports,
// which count an MQL's answers from the MQL on, showed it unanswered (and
// its time to answer negative). An answer is dated no earlier than the MQL
// of its cycle.
func TestAnswerDatedBeforeItsMQL(t *testing.T) {
	f := setup(t)
	rec, _ := f.q.Record(context.Background(), f.p.ID)
	flow := fmt.Sprintf(`{"eventId":"skew-1","leadId":"00Q000000000001AAA","status":"Working - Contacted","changedAt":%q}`, rec.MQLAt.Add(-20*time.Second).Format(time.RFC3339))
	if code, resp := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": shared}); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("%d %s", code, resp)
	}
	if c := f.salesChange(t, qualify.StageSAL); c.At.Before(rec.MQLAt) {
		t.Fatalf("accepted at %s, before the MQL at %s", c.At, rec.MQLAt)
	}
	if rec, _ := f.q.Record(context.Background(), f.p.ID); rec.AcceptedAt.Before(rec.MQLAt) {
		t.Fatalf("time to accept %s", rec.AcceptedAt.Sub(rec.MQLAt))
	}
}

// TestKintoneEditCarriesTheOldProcessStatus: the process management's
// status moves only by its actions (UPDATE_STATUS); every edit of the
// record (UPDATE_RECORD) carries it as it was. After sales rejected the
// lead (見送り) and it qualified again, Baton's own write of the new MQL,
// or a rep's edit of the phone number, was read as 見送り dated after the
// new MQL: recycled at once. An edit's process status is not a verdict
// (its deal fields still count); a status action still is.
func TestKintoneEditCarriesTheOldProcessStatus(t *testing.T) {
	f := setup(t)
	kt := func(id, typ, status string, updated time.Time) string {
		return fmt.Sprintf(`{"id":%q,"type":%q,"record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":%q},"受注金額":{"type":"NUMBER","value":"1200000"},"更新日時":{"type":"UPDATED_TIME","value":%q}}}`,
			id, typ, status, updated.UTC().Format("2006-01-02T15:04:05Z"))
	}
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-e1", "UPDATE_STATUS", "見送り", f.now.Add(50*time.Minute)), nil); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("rejected by a status action: %d %s stage %s", code, resp, f.stage(t))
	}
	at := f.requalify(t)
	edit := at.Add(2 * time.Minute).Truncate(time.Minute)
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-e2", "UPDATE_RECORD", "見送り", edit), nil)
	if code != 200 || f.stage(t) != qualify.StageMQL {
		t.Fatalf("an edit carrying the old status changed the new MQL: %d %s stage %s", code, resp, f.stage(t))
	}
	if !strings.Contains(resp, "not a status action") || !strings.Contains(resp, `"deal":true`) {
		t.Errorf("the edit's answer says neither why its status is not read nor that its deal was: %s", resp)
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-e3", "UPDATE_STATUS", "対応中", edit.Add(time.Minute)), nil); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("a status action on the new MQL: %d %s stage %s", code, resp, f.stage(t))
	}
}
