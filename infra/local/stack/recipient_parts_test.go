package stack_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRecipientPartsSayWhatTheyCount: on the Japanese campaign page, list
// B (10 names, 3 of them in list A) added to the send said
// 「10 人にトークンを付けました」 beside 「この配信の分割リスト 2 件の合計」
// 17, a sum that reads wrong; the same list again said nothing of being
// counted already; and the add box, unticked by default, replaced the
// two parts (17 → 3) with no word of them. The box is ticked for a send
// with a list, the banner says what was new and what the send had, the
// count says it is without duplicates, and a replacing list says what it
// replaced.
func TestRecipientPartsSayWhatTheyCount(t *testing.T) {
	s, _ := opsStack(t, time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	dir := t.TempDir()
	write := func(name string, from, to int) string {
		var b strings.Builder
		b.WriteString("メールアドレス,氏名\n")
		for i := from; i < to; i++ {
			fmt.Fprintf(&b, "user%02d@maker.example,山田 %d\n", i, i)
		}
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(b.String()), 0o600)
		return p
	}
	a, b, c := write("a.csv", 0, 10), write("b.csv", 7, 17), write("c.csv", 0, 3)
	upload := func(list, shot string, env ...string) uploadShown {
		t.Helper()
		res := opsBrowser(t, s, "upload", append([]string{"START=campaigns/ops-news", "LIST=" + list, "SHOT=-" + shot}, env...)...)
		var shown uploadShown
		json.Unmarshal(res["upload"], &shown)
		t.Logf("%s: %+v", shot, shown)
		if shown.Alert != "" || len(shown.Over) > 0 {
			t.Errorf("%s: alert %q, scrolls sideways %s", shot, shown.Alert, shown.Over)
		}
		return shown
	}
	steps := []struct {
		shot, list string
		env        []string
		box        string
		status     []string
		recipients string
	}{
		{"parts-a", a, nil, "", []string{"リストをアップロードしました：10 人にトークンを付けました。"}, "受信者\n10\n"},
		{"parts-b", b, nil, "checked", []string{"分割リストを追加しました：10 人にトークンを付けました（新規 7 人・既に配信リストにいた 3 人）。"}, "受信者\n17\nこの配信の分割リスト 2 件の重複を除いた人数"},
		{"parts-b-again", b, nil, "checked", []string{"このリストはこの配信で既に数えています（追加した人はいません）。"}, "受信者\n17\n"},
		{"parts-replaced", c, []string{"REPLACE=1"}, "checked", []string{"リストをアップロードしました：3 人にトークンを付けました。", "これまでの 2 リスト（17 人）を置き換えました。"}, "受信者\n3\n最後にアップロードしたリスト"},
	}
	for _, st := range steps {
		shown := upload(st.list, st.shot, st.env...)
		if shown.AddBox != st.box {
			t.Errorf("%s: the further part's box was %q, want %q", st.shot, shown.AddBox, st.box)
		}
		for _, want := range st.status {
			if !strings.Contains(shown.Status, want) {
				t.Errorf("%s: the banner lacks %q: %q", st.shot, want, shown.Status)
			}
		}
		if strings.Contains(shown.Recipients, "合計") || !strings.HasPrefix(shown.Recipients, st.recipients) {
			t.Errorf("%s: the count %q, want it to begin %q", st.shot, shown.Recipients, st.recipients)
		}
	}
}
