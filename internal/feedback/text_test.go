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
