package crm_test

import (
	"context"
	"maps"
	"testing"

	"github.com/baton-hq/baton/internal/crm/crmfake"
	"github.com/baton-hq/baton/internal/push"
)

// TestKintoneReadsOnceADelivery: kintone counts every request against the
// app's daily allocation. A delivery with a status field read the record
// twice (its person fields, then its status, nothing written between), and
// for a record it had just found absent read it again to learn it was
// absent; it read the app's form once a step (the qualified_at field's
// kind, the reopened status, the labels of values sales kept, a new
// record's default status). The record is read once, the form once; the
// status kept and the sales-owned values are what they were.
func TestKintoneReadsOnceADelivery(t *testing.T) {
	f := crmfake.NewKintone()
	defer f.Close()
	f.Fields["対応状況"] = map[string]any{"type": "DROP_DOWN", "code": "対応状況", "label": "対応状況", "required": false, "defaultValue": "未対応",
		"options": map[string]any{"未対応": map[string]any{"label": "未対応", "index": "0"}, "対応中": map[string]any{"label": "対応中", "index": "1"}, "見送り": map[string]any{"label": "見送り", "index": "2"}}}
	f.Fields["mql_at"] = map[string]any{"type": "DATETIME", "code": "mql_at", "label": "MQL日時", "required": false}
	c := kt(f)
	c.StatusField = "対応状況"
	c.Fields["qualified_at"] = "mql_at"
	c.Fields["mql_summary"] = "mql_reason"
	delete(c.Fields, "mql_condition")
	reads := func() (records, forms int) {
		f.Lock()
		defer f.Unlock()
		records, forms = f.Calls["GET /k/v1/records.json"], f.Calls["GET /k/v1/app/form/fields.json"]
		f.Calls["GET /k/v1/records.json"], f.Calls["GET /k/v1/app/form/fields.json"] = 0, 0
		return records, forms
	}
	push1 := func(name string, l push.Lead, status string) {
		t.Helper()
		prog := push.MemProgress{}
		if _, err := c.Push(push.WithProgress(context.Background(), prog), l); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if records, forms := reads(); records != 1 || forms > 1 {
			t.Errorf("%s: the record read %d times, the form %d; want once each at most", name, records, forms)
		}
		if got := prog.Step(push.KintoneStatusStep); got != status {
			t.Errorf("%s: kept status %q, want %q", name, got, status)
		}
	}
	push1("a new record", lead, "未対応")

	f.Lock()
	f.Records[lead.Email]["対応状況"] = "対応中"
	f.Unlock()
	push1("the record again", lead, "対応中")

	// Back after sales sent it back; sales corrected the company since,
	// and the person gives another one: sales' stays, said in the summary.
	f.Lock()
	f.Records[lead.Email]["対応状況"] = "見送り"
	f.Records[lead.Email]["company"] = "サンプル（株）"
	f.Unlock()
	l := requalified(2)
	l.Last = push.SentHashes(lead.Attributes)
	l.Attributes = maps.Clone(lead.Attributes)
	l.Attributes["company"] = "サンプルホールディングス株式会社"
	push1("qualified again", l, "未対応")
	if r := f.Record(lead.Email); r["company"] != "サンプル（株）" || r["対応状況"] != "未対応" {
		t.Errorf("record %v: sales' company and the reopened status wanted", r)
	}
}
