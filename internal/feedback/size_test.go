package feedback_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/qualify"
)

// TestLargeKintoneRecordIsRead: a kintone webhook carries the whole record,
// and a multi-line text or rich text field holds up to 65,535 characters:
// two such fields in Japanese (3 bytes a character) are some 390 KB, and
// the 256 KB limit of every route answered 413, and the outcome was lost.
// kintone's route, authenticated by its token before the body is read,
// reads up to 4 MiB; beyond it is a JSON 413 saying the limit.
func TestLargeKintoneRecordIsRead(t *testing.T) {
	f := setup(t)
	notes := strings.Repeat("議", 65535)
	rec := map[string]any{
		"$id":   map[string]any{"type": "__ID__", "value": "7"},
		"ステータス": map[string]any{"type": "STATUS", "value": "受注"},
		"商談メモ":  map[string]any{"type": "MULTI_LINE_TEXT", "value": notes},
		"議事録":   map[string]any{"type": "RICH_TEXT", "value": "<div>" + notes + "</div>"},
	}
	body, _ := json.Marshal(map[string]any{"id": "kt-big-1", "type": "UPDATE_STATUS", "record": rec})
	if len(body) < 256<<10 {
		t.Fatalf("the record is only %d bytes", len(body))
	}
	if code, resp := f.post(t, "/feedback/kintone/"+ktToken, string(body), nil); code != 200 || f.stage(t) != qualify.StageCustomer {
		t.Fatalf("a %d-byte record: %d %.200s stage %s", len(body), code, resp, f.stage(t))
	}
	rec["添付"] = map[string]any{"type": "MULTI_LINE_TEXT", "value": strings.Repeat("x", 4<<20)}
	huge, _ := json.Marshal(map[string]any{"id": "kt-big-2", "type": "UPDATE_STATUS", "record": rec})
	code, resp := f.post(t, "/feedback/kintone/"+ktToken, string(huge), nil)
	var e struct{ Error string }
	if code != 413 || json.Unmarshal([]byte(resp), &e) != nil || !strings.Contains(e.Error, "larger than") {
		t.Fatalf("beyond the limit: %d %.200s, want a JSON 413", code, resp)
	}
}
