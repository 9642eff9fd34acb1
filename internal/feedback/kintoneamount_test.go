package feedback_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baton-hq/baton/internal/qualify"
)

// ktWon is a kintone status action 受注 on record 7 with the deal fields
// given (field code: value), dated a few minutes after the fixture's MQL.
func ktWon(f *fx, id string, fields map[string]string) string {
	won := f.now.Add(3 * time.Minute).Truncate(time.Minute)
	f.clk.Set(won.Add(time.Minute))
	rec := map[string]any{
		"$id":   map[string]string{"type": "__ID__", "value": "7"},
		"ステータス": map[string]string{"type": "STATUS", "value": "受注"},
		"更新日時":  map[string]string{"type": "UPDATED_TIME", "value": won.UTC().Format("2006-01-02T15:04:05Z")},
	}
	for code, v := range fields {
		rec[code] = map[string]string{"type": "SINGLE_LINE_TEXT", "value": v}
	}
	b, _ := json.Marshal(map[string]any{"id": id, "type": "UPDATE_STATUS", "app": map[string]string{"id": "1", "name": "leads"}, "record": rec})
	return string(b)
}

type ktResult struct {
	DeliveryID, Stage, Ignored, DealRefused string
	Applied, Deal                           bool
}

func ktResults(t *testing.T, resp string) []ktResult {
	t.Helper()
	var out struct{ Results []ktResult }
	if err := json.Unmarshal([]byte(resp), &out); err != nil || len(out.Results) != 1 {
		t.Fatalf("answer %s: %v", resp, err)
	}
	return out.Results
}

// TestKintoneUnreadableDealKeepsTheVerdict: a deal field Baton could not
// read (an amount typed 百二十万円) answered the whole delivery 400, its
// status with it: sales' 受注 was lost for good, kintone sending no
// webhook again, and the person stayed an MQL. The status applies; the
// deal alone is refused, said in the results (naming the field and the
// value) and in the log.
func TestKintoneUnreadableDealKeepsTheVerdict(t *testing.T) {
	for _, c := range []struct{ amount, currency, names string }{
		{"百二十万円", "", "受注金額"},     // kanji numerals
		{"約120万", "", "受注金額"},     // an estimate
		{"1,200,000", "ドル", "通貨"}, // a currency that is no code
		{"1,200,000円", "USD", "通貨"},
	} {
		t.Run(c.amount+c.currency, func(t *testing.T) {
			f := setup(t)
			logged := captureLog(f)
			fields := map[string]string{"受注金額": c.amount}
			if c.currency != "" {
				fields["通貨"] = c.currency
			}
			code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktWon(f, "kt-unread", fields), nil)
			if code != 200 || f.stage(t) != qualify.StageCustomer {
				t.Fatalf("the win was lost with the deal: %d %s stage %s", code, resp, f.stage(t))
			}
			r := ktResults(t, resp)[0]
			if !r.Applied || !strings.Contains(r.DealRefused, "record."+c.names) || r.Deal {
				t.Fatalf("result %+v: want the outcome applied and the deal refused naming record.%s", r, c.names)
			}
			if ds, _ := f.q.Deals(context.Background(), f.p.ID); len(ds) != 0 {
				t.Fatalf("a refused deal was recorded: %+v", ds)
			}
			if logged.count("the deal's fields are refused") != 1 {
				t.Errorf("the refusal is not logged: %s", logged.b.String())
			}
		})
	}
}

// TestKintoneJapaneseAmounts: what a Japanese app's deal fields commonly
// hold is the deal, its 円 or ¥ the currency when no currency field says
// one; a currency dropdown's 円 is JPY.
func TestKintoneJapaneseAmounts(t *testing.T) {
	for i, c := range []struct {
		fields   map[string]string
		amount   float64
		currency string
	}{
		{map[string]string{"受注金額": "1,200,000円"}, 1200000, "JPY"},
		{map[string]string{"受注金額": "￥1,200,000"}, 1200000, "JPY"},
		{map[string]string{"受注金額": "¥1,200,000", "通貨": "JPY"}, 1200000, "JPY"},
		{map[string]string{"受注金額": "1200000 円"}, 1200000, "JPY"},
		{map[string]string{"受注金額": "120万"}, 1200000, ""}, // no currency said,
		{map[string]string{"受注金額": "1億2000万円"}, 120000000, "JPY"},
		{map[string]string{"受注金額": "1200000", "通貨": "円"}, 1200000, "JPY"},
		{map[string]string{"受注金額": "1200000", "通貨": "￥"}, 1200000, "JPY"},
	} {
		f := setup(t)
		code, resp := f.post(t, "/feedback/kintone/"+ktToken, ktWon(f, fmt.Sprintf("kt-ja-%d", i), c.fields), nil)
		if code != 200 || f.stage(t) != qualify.StageCustomer || !ktResults(t, resp)[0].Deal {
			t.Fatalf("%v: %d %s stage %s", c.fields, code, resp, f.stage(t))
		}
		if d := f.deal(t); d.Amount != c.amount || d.Currency != c.currency || d.Outcome != "won" {
			t.Errorf("%v: deal %+v", c.fields, d)
		}
	}
}

// TestKintoneUnreadableDealAlone: with no outcome to apply (a status that
// maps to none), an unreadable deal leaves nothing: the delivery is
// refused, 400, naming the field, the value and the status.
func TestKintoneUnreadableDealAlone(t *testing.T) {
	f := setup(t)
	body := `{"id":"kt-alone","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"提案中"},"受注金額":{"type":"SINGLE_LINE_TEXT","value":"三百万"}}}`
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil)
	if code != 400 || !strings.Contains(resp, "受注金額") || !strings.Contains(resp, "三百万") || !strings.Contains(resp, "提案中") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
}
