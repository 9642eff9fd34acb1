package feedback_test

import (
	"strings"
	"testing"
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
