package admin_test

import (
	"html"
	"strings"
	"testing"
	"time"
)

// TestRecipientNameCellLineBreak: a recipient list's name cell with a line
// break ("新井\r\n 一郎", Excel's Alt+Enter) was stored as "新井\n 一郎",
// the person's name in the SFA and on the pages; it is one line now.
func TestRecipientNameCellLineBreak(t *testing.T) {
	f, dir := recipientsFixture(t)
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,name,company\r\narai@zebra.example,\"新井\r\n 一郎\",\"株式会社ゼブラ\r\n東京支店\"\r\n",
		"Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Minted") != "1" {
		t.Fatalf("%d %s", a.code, a.body)
	}
	p, err := dir.ByEmail(t.Context(), "arai@zebra.example")
	if err != nil {
		t.Fatal(err)
	}
	if p.Attributes["name"] != "新井 一郎" || p.Attributes["company"] != "株式会社ゼブラ 東京支店" {
		t.Errorf("attributes %q", p.Attributes)
	}
}

// TestRecipientListZerosRestored: a Japanese team's recipient list saved
// by Excel (0312345678 as 312345678): the person is stored with the 0,
// the API says which cells were given back (X-Baton-Restored), and the
// file that goes back to the email tool keeps them as uploaded.
func TestRecipientListZerosRestored(t *testing.T) {
	f, dir := recipientsFixture(t)
	f.h.Recipients.Japan = true
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,name,電話番号\r\nyamada@acme.example,山田,312345678\r\n",
		"Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 || a.hdr.Get("X-Baton-Restored-Count") != "1" ||
		a.hdr.Get("X-Baton-Restored") != `[{"line":2,"column":"\u96fb\u8a71\u756a\u53f7","from":"312345678","to":"0312345678"}]` {
		t.Fatalf("%d %q %s", a.code, a.hdr, a.body)
	}
	if !strings.Contains(a.body, "yamada@acme.example,山田,312345678,") {
		t.Errorf("file changed: %s", a.body)
	}
	p, err := dir.ByEmail(t.Context(), "yamada@acme.example")
	if err != nil || p.Attributes["phone"] != "0312345678" {
		t.Errorf("%q %v", p.Attributes, err)
	}
}

// TestCampaignPageSaysZerosRestored: the campaign page's upload of a
// Japanese team's list saved by Excel says, in the page's language, which
// numbers were stored with their leading 0 given back.
func TestCampaignPageSaysZerosRestored(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "dec-news")
	f.h.Recipients.Japan = true
	f.clk.Advance(time.Hour)
	cookie, csrf := f.login(fullToken)
	for lang, says := range map[string]string{
		"en": "line 2: 電話番号 312345678 → 0312345678",
		"ja": "2 行目：電話番号 312345678 → 0312345678",
	} {
		a := f.uploadList(cookie, csrf, "/admin/campaigns/dec-news/recipients?lang="+lang, "メールアドレス,電話番号\r\ntaro@example.co.jp,312345678\r\n", "Accept", "text/html")
		if a.code != 200 || !strings.Contains(html.UnescapeString(a.body), says) {
			t.Errorf("%s: the page does not say %q: %d %s", lang, says, a.code, uploadNote(a.body))
		}
	}
}
