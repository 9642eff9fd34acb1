package admin_test

import (
	"testing"
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
