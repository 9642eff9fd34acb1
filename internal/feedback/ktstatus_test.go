package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/push"
	"github.com/baton-hq/baton/internal/qualify"
	"github.com/baton-hq/baton/internal/table"
)

// keptKintoneStatus makes the fixture's first MQL one whose kintone
// delivery kept status (push.KintoneStatusStep), as the connector does
// before its write, with feedback reading 対応状況.
func (f *fx) keptKintoneStatus(t *testing.T, status string) { f.keptKintoneStatusOf(t, 1, status) }

// keptKintoneStatusOf is keptKintoneStatus for the MQL of cycle.
func (f *fx) keptKintoneStatusOf(t *testing.T, cycle int, status string) {
	t.Helper()
	f.h.KintoneField = "対応状況"
	mql := fmt.Sprintf("%s-c%d", f.p.ID, cycle)
	d, _ := json.Marshal(push.Delivery{MQLID: mql, Connector: "kintone", Status: push.StatusDelivered, ExternalID: "7",
		Steps: map[string]string{push.KintoneStatusStep: status}, At: f.now})
	if err := f.tb.Put(context.Background(), table.Item{PK: identity.PersonPK(f.p.ID), SK: "DLV#" + mql + "#kintone", Kind: push.KindDelivery, Data: d}, table.Always); err != nil {
		t.Fatal(err)
	}
}

func ktStatusHook(id, status string, updated time.Time) string {
	return fmt.Sprintf(`{"id":%q,"type":"UPDATE_RECORD","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"7"},"対応状況":{"type":"DROP_DOWN","value":%q},"更新日時":{"type":"UPDATED_TIME","value":%q}}}`,
		id, status, updated.UTC().Format("2006-01-02T15:04:05Z"))
}

// TestKintoneOwnWriteEchoDeliveredLate: the record carried 見送り from an
// earlier enquiry when Baton wrote the MQL. kintone's webhook of that
// write (見送り, 更新日時 the write's minute) can reach Baton after the one
// of sales' 対応中 a little later: kintone sends them on their own, in no
// promised order. The echo was no verdict only while the person was still
// an MQL, so arriving second it was read as sales rejecting the lead they
// had just accepted: recycled. Dated at or before the acceptance, the
// status it carries is the one Baton's write left, unchanged then.
func TestKintoneOwnWriteEchoDeliveredLate(t *testing.T) {
	f := setup(t)
	f.keptKintoneStatus(t, "見送り")
	write := f.now.Truncate(time.Minute)
	f.clk.Set(f.now.Add(5 * time.Minute))
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-accept", "対応中", write.Add(2*time.Minute)), nil); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("sales accepted: %d %s stage %s", code, resp, f.stage(t))
	}
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-echo", "見送り", write), nil)
	if code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("the late echo of Baton's own write sent the accepted lead back: %d %s stage %s", code, resp, f.stage(t))
	}
	if !strings.Contains(resp, "as Baton wrote MQL") {
		t.Errorf("the echo's answer does not say why it is no verdict: %s", resp)
	}
	// Sales setting 見送り after their 対応中 is a change, and a verdict.
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-reject", "見送り", write.Add(3*time.Minute)), nil); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("見送り set after 対応中: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneOldStatusAfterAnotherSFAAccepted: the MQL goes to Salesforce
// and kintone. Sales accept it in Salesforce; kintone's record still
// carries 見送り from before the MQL, untouched, and the next edit of any
// other field there sends it: read as a rejection (the person no longer an
// MQL), the accepted lead was recycled.
func TestKintoneOldStatusAfterAnotherSFAAccepted(t *testing.T) {

	f := setup(t)
	f.keptKintoneStatus(t, "見送り")
	f.clk.Set(f.now.Add(2 * time.Hour))
	flow := `{"eventId":"e-acc","leadId":"00Q000000000001AAA","status":"Working - Contacted","owner":"rep@acme.example","changedAt":"` + f.now.Add(time.Hour).Format(time.RFC3339) + `"}`
	if code, resp := f.post(t, "/feedback/salesforce", flow, map[string]string{"X-Baton-Secret": shared}); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("accepted in Salesforce: %d %s stage %s", code, resp, f.stage(t))
	}
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-edit", "見送り", f.now.Add(90*time.Minute)), nil)
	if code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("an edit in kintone still carrying the status from before the MQL sent it back: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneEditBeforeBatonWroteTheNewMQL: sales sent the lead back
// (見送り) and it qualified again; before the connector has written the
// new MQL to kintone (its push queued, or retrying while kintone is down),
// a rep edits another field of the record, which still carries 見送り. No
// status was kept for the new MQL yet, so the edit is read as sales
// rejecting an MQL kintone does not show yet: recycled at once. Until
// Baton's write of it, the record's status is no answer to it.
func TestKintoneEditBeforeBatonWroteTheNewMQL(t *testing.T) {
	f := setup(t)
	f.keptKintoneStatus(t, "未対応")
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-w1", "見送り", f.now.Add(50*time.Minute)), nil); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("sent back: %d %s stage %s", code, resp, f.stage(t))
	}
	at := f.requalify(t)
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-w2", "見送り", at.Add(2*time.Minute).Truncate(time.Minute)), nil)
	if code != 200 || f.stage(t) != qualify.StageMQL {
		t.Fatalf("an edit before Baton wrote the new MQL sent it back: %d %s stage %s", code, resp, f.stage(t))
	}
	if !strings.Contains(resp, "not in kintone yet") {
		t.Errorf("the answer does not say why: %s", resp)
	}
	// Written (the status set back to 未対応): sales' answers count again.
	f.keptKintoneStatusOf(t, 2, "未対応")
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-w3", "対応中", at.Add(10*time.Minute).Truncate(time.Minute)), nil); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("sales' answer once the new MQL is in kintone: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneChangeOfAnEarlierTimeIsNoneOfThisMQL: a webhook dated before
// the MQL (the record's version of then, 保留, delivered late) shows no
// change of the status Baton's write left: an edit after it, still
// carrying that status, is no verdict.
func TestKintoneChangeOfAnEarlierTimeIsNoneOfThisMQL(t *testing.T) {
	f := setup(t)
	f.keptKintoneStatus(t, "見送り")
	f.clk.Set(f.now.Add(time.Hour))
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-old", "保留", f.now.Add(-48*time.Hour)), nil); code != 200 {
		t.Fatalf("late: %d %s", code, resp)
	}
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktStatusHook("kt-edit", "見送り", f.now.Add(30*time.Minute)), nil)
	if code != 200 || f.stage(t) != qualify.StageMQL {
		t.Fatalf("an edit carrying the status Baton's write left, after a change dated before the MQL: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneKeptStatusIsNoDealOutcome: an existing customer's record
// (受注, with the amount of their last purchase) takes a new MQL. The
// webhook of Baton's write carries 受注: no verdict on the new MQL, but the
// deal it reports took the status' outcome all the same, a won deal of the
// new cycle, which the revenue report counts as won by the new MQL's
// touches while the lead is still an MQL.
func TestKintoneKeptStatusIsNoDealOutcome(t *testing.T) {
	f := setup(t)
	f.keptKintoneStatus(t, "受注")
	f.clk.Set(f.now.Add(time.Hour))
	body := fmt.Sprintf(`{"id":"kt-won-echo","type":"UPDATE_RECORD","app":{"id":"42"},"record":{"$id":{"type":"__ID__","value":"7"},"対応状況":{"type":"DROP_DOWN","value":"受注"},"受注金額":{"type":"NUMBER","value":"1200000"},"更新日時":{"type":"UPDATED_TIME","value":%q}}}`,
		f.now.Add(time.Minute).UTC().Format("2006-01-02T15:04:05Z"))
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil)
	if code != 200 || f.stage(t) != qualify.StageMQL {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	if d := f.deal(t); d.Outcome != "" {
		t.Fatalf("the deal took the outcome of a status that is no verdict: %+v", d)
	}
}
