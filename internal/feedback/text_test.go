package feedback_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestLongJapaneseReasonIsCutOnACharacter: sales' reason is kept to 200
// bytes; cut at byte 200, a Japanese reason (3 bytes a character) lost half
// a character, stored as U+FFFD. It is cut before the character that
// would not fit.
func TestLongJapaneseReasonIsCutOnACharacter(t *testing.T) {
	f := setup(t)
	f.h.KintoneReason = "見送り理由"
	why := strings.Repeat("予算", 40) // 80 characters, 240 bytes
	body := `{"id":"kt-why-1","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"見送り"},"見送り理由":{"type":"MULTI_LINE_TEXT","value":"` + why + `"}}}`
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil); code != 200 || f.stage(t) != qualify.StageRecycled {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
	got := f.salesChange(t, qualify.StageRejected).Why
	if !utf8.ValidString(got) || strings.ContainsRune(got, utf8.RuneError) || !strings.HasPrefix(why, got) || len(got) < 198 {
		t.Fatalf("reason kept as %q (%d bytes)", got, len(got))
	}
}

// TestStatusNamesMatchWhateverTheirWidth: a status typed in kintone
// (or a Japanese Salesforce picklist value) and the same typed in the
// config file differ in width or trailing spaces (ﾌｫﾛｰ中 and フォロー中,
// "受注　" with an ideographic space): the status mapped to nothing and the
// outcome was dropped, 200. Names are matched after NFKC and trimming.
func TestStatusNamesMatchWhateverTheirWidth(t *testing.T) {
	f := setup(t)
	f.h.KintoneStatus = map[string]string{"フォロー中": "accepted", "受注": "won"}
	f.h.SalesforceStatus = map[string]string{"商談化": "sql"}
	kt := func(id, status string) string {
		return `{"id":"` + id + `","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"` + status + `"}}}`
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-w1", "ﾌｫﾛｰ中"), nil); code != 200 || f.stage(t) != qualify.StageSAL {
		t.Fatalf("half-width katakana: %d %s stage %s", code, resp, f.stage(t))
	}
	sf := `{"eventId":"w2","leadId":"00Q000000000001AAA","status":"商談化 "}`
	if code, resp := f.post(t, "/feedback/salesforce", sf, map[string]string{"X-Baton-Secret": shared}); code != 200 || f.stage(t) != qualify.StageSQL {
		t.Fatalf("a trailing space: %d %s stage %s", code, resp, f.stage(t))
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt("kt-w3", "受注\u3000"), nil); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("an ideographic space: %d %s stage %s", code, resp, f.stage(t))
	}
}

// TestUnmappedStatusIsSaid: a status that maps to no outcome (提案中, a
// lifecycle stage Baton does not read) is nothing for the lifecycle, but
// was answered {"results":[]}: nothing in the SFA's webhook log said which
// status went unread, and a kintone record's amount under such a status
// was dropped with it. The results name the status and the mapping to
// configure, and the record's deal is still recorded.
func TestUnmappedStatusIsSaid(t *testing.T) {
	f := setup(t)
	kt := `{"id":"kt-u1","type":"UPDATE_RECORD","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"提案中"},"受注金額":{"type":"NUMBER","value":"1500000"}}}`
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, kt, nil)
	if code != 200 || f.stage(t) != qualify.StageMQL || !strings.Contains(resp, `"deal":true`) || f.deal(t).Amount != 1500000 {
		t.Fatalf("an unmapped status with an amount: %d %s stage %s", code, resp, f.stage(t))
	}
	bare := `{"id":"kt-u2","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"提案中"}}}`
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, bare, nil); code != 200 || !strings.Contains(resp, `提案中`) || !strings.Contains(resp, "feedback.kintone_status") {
		t.Fatalf("an unmapped status: %d %s", code, resp)
	}
	ms := f.now.UnixMilli()
	hs := `[{"eventId":9101,"occurredAt":` + itoa(ms) + `,"subscriptionType":"contact.propertyChange","objectId":501,"propertyName":"lifecyclestage","propertyValue":"marketingqualifiedlead"}]`
	if code, resp := f.post(t, "/feedback/hubspot", hs, hubspotSign(publicURL+"/feedback/hubspot", hs, ms)); code != 200 || !strings.Contains(resp, `"deliveryId":"hs-9101"`) || !strings.Contains(resp, "marketingqualifiedlead") {
		t.Fatalf("an unmapped HubSpot value: %d %s", code, resp)
	}
	sf := `{"version":"0","id":"cdc-u3","detail-type":"LeadChangeEvent","time":"` + f.now.Format(time.RFC3339) + `","detail":{"payload":{"ChangeEventHeader":{"entityName":"Lead","recordIds":["00Q000000000001AAA"]},"Status":"Open - Not Contacted"}}}`
	if code, resp := f.post(t, "/feedback/salesforce", sf, map[string]string{"X-Baton-Secret": shared}); code != 200 || !strings.Contains(resp, "Open - Not Contacted") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("an unmapped Lead Status: %d %s", code, resp)
	}
}

// TestKintoneAmountInFullWidthDigits: the amount field may be a text field
// typed in Japanese input, full-width digits and separators (１，２００，０００);
// it was refused, 400, the outcome with it. It is read after NFKC, without
// its thousands separators; a kanji numeral (三百万) is still refused.
func TestKintoneAmountInFullWidthDigits(t *testing.T) {
	f := setup(t)
	body := `{"id":"kt-fw-1","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"受注"},"受注金額":{"type":"SINGLE_LINE_TEXT","value":"１，２００，０００"}}}`
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil); code != 200 || f.stage(t) != qualify.StageCustomer || f.deal(t).Amount != 1200000 {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneStatusFieldMissing: with feedback.kintone_status_field naming
// a field the record does not have (a typo, another app), every delivery
// was said to be 'status "" maps to no outcome': the results name the
// missing field instead.
func TestKintoneStatusFieldMissing(t *testing.T) {
	f := setup(t)
	f.h.KintoneField = "対応状況"
	body := `{"id":"kt-nf-1","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"受注"}}}`
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil); code != 200 || !strings.Contains(resp, "対応状況") || f.stage(t) != qualify.StageMQL {
		t.Fatalf("%d %s stage %s", code, resp, f.stage(t))
	}
}

// TestKintoneCurrencyInFullWidth: a currency typed in full-width letters
// (ＪＰＹ) was refused as no ISO 4217 code, the outcome with it.
func TestKintoneCurrencyInFullWidth(t *testing.T) {
	f := setup(t)
	body := `{"id":"kt-cur-1","type":"UPDATE_STATUS","record":{"$id":{"type":"__ID__","value":"7"},"ステータス":{"type":"STATUS","value":"受注"},"受注金額":{"type":"NUMBER","value":"500"},"通貨":{"type":"SINGLE_LINE_TEXT","value":"ＪＰＹ"}}}`
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, body, nil); code != 200 || f.deal(t).Currency != "JPY" {
		t.Fatalf("%d %s", code, resp)
	}
}
