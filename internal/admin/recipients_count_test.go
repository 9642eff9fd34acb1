package admin_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/links"
)

// TestUploadSaysWhatTheListAdded: list B (10 names, 3 of them in list A)
// added to a send said 「10 人にトークンを付けました」 beside a count of 17
// 「分割リスト 2 件の合計」, which read as a wrong sum, and an unticked box
// replaced a send of two parts (17 → 3) saying only 「3 人に…」. The page
// says what was new and what the send had, that the count is without
// duplicates, that the same list again added nothing and what a list not
// added replaced; the box is ticked once the send has a list; the API's
// X-Baton-Send says the same as JSON.
func TestUploadSaysWhatTheListAdded(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "nov-news")
	cookie, csrf := f.login(fullToken)
	list := func(from, to int) string {
		var b strings.Builder
		b.WriteString("email,氏名\n")
		for i := from; i < to; i++ {
			fmt.Fprintf(&b, "r%02d@corp.example.com,山田\n", i)
		}
		return b.String()
	}
	send := func(a answer) links.ListCount {
		t.Helper()
		var lc links.ListCount
		if err := json.Unmarshal([]byte(a.hdr.Get("X-Baton-Send")), &lc); err != nil {
			t.Fatalf("X-Baton-Send %q: %v", a.hdr.Get("X-Baton-Send"), err)
		}
		return lc
	}
	csvHdr := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	a := f.req("POST", "/admin/recipients?campaign=nov-news", list(0, 10), csvHdr...)
	if got := send(a); a.code != 200 || got != (links.ListCount{New: 10, Recipients: 10, Parts: 1}) {
		t.Fatalf("list A: %d %+v", a.code, got)
	}
	page := f.req("GET", "/admin/campaigns/nov-news", "", "Cookie", cookie, "Accept", "text/html", "Accept-Language", "ja")
	if !strings.Contains(page.body, `<input type="checkbox" name="add" value="1" checked>`) {
		t.Errorf("a send with a list: the further part's box is not ticked: %.300s", page.body[strings.Index(page.body, `name="add"`)-60:])
	}
	upload := func(l string, add bool) answer {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", csrf)
		if add {
			mw.WriteField("add", "1")
		}
		fw, _ := mw.CreateFormFile("list", "list.csv")
		fw.Write([]byte(l))
		mw.Close()
		return f.req("POST", "/admin/campaigns/nov-news/recipients", b.String(), "Cookie", cookie, "Content-Type", mw.FormDataContentType(), "Accept", "text/html", "Accept-Language", "ja")
	}
	steps := []struct {
		name  string
		list  string
		add   bool
		wants []string
	}{
		{"list B added", list(7, 17), true, []string{"分割リストを追加しました：10 人にトークンを付けました（新規 7 人・既に配信リストにいた 3 人）。", "<b>17</b>", "この配信の分割リスト 2 件の重複を除いた人数"}},
		{"list B again", list(7, 17), true, []string{"このリストはこの配信で既に数えています（追加した人はいません）。", "<b>17</b>"}},
		{"list C not added", list(0, 3), false, []string{"リストをアップロードしました：3 人にトークンを付けました。", "これまでの 2 リスト（17 人）を置き換えました。", "<b>3</b>"}},
	}
	for _, s := range steps {
		a := upload(s.list, s.add)
		for _, want := range s.wants {
			if a.code != 200 || !strings.Contains(a.body, want) {
				t.Errorf("%s: %d, lacks %q: %.600s", s.name, a.code, want, a.body[max(strings.Index(a.body, `class="note uploaded"`), 0):])
			}
		}
	}
	// The API says the same.
	a = f.req("POST", "/admin/recipients?campaign=nov-news&add=1", list(0, 10), csvHdr...)
	if got := send(a); got != (links.ListCount{New: 7, AlreadyInSend: 3, Recipients: 10, Parts: 2}) {
		t.Errorf("API, A added to C: %+v", got)
	}
	a = f.req("POST", "/admin/recipients?campaign=nov-news&add=1", list(0, 10), csvHdr...)
	if got := send(a); got != (links.ListCount{AlreadyInSend: 10, AlreadyCounted: true, Recipients: 10, Parts: 2}) {
		t.Errorf("API, A again: %+v", got)
	}
	a = f.req("POST", "/admin/recipients?campaign=nov-news", list(20, 25), csvHdr...)
	if got := send(a); got != (links.ListCount{New: 5, ReplacedParts: 2, ReplacedRecipients: 10, Recipients: 5, Parts: 1}) {
		t.Errorf("API, a list replacing two: %+v", got)
	}
}
