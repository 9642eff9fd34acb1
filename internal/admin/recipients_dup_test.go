package admin_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"
)

// TestOneAddressListedThriceIsOneRecipient: dup@, DUP@ and " dup@ " on
// three rows answered X-Baton-Minted: 3 (one token, three times) and the
// campaign counted 3 recipients for one person; and the same people
// uploaded again as a further part (the list downloaded with its tokens,
// other bytes) were counted a second time. The rows are kept, each with
// the one token; the person counts once, the repeated rows are said
// (X-Baton-Duplicate-Rows), and the spaces are gone from the address.
func TestOneAddressListedThriceIsOneRecipient(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "nov-news")
	csvHdr := []string{"Authorization", "Bearer " + fullToken, "Content-Type", "text/csv"}
	list := "email,name\ndup@example.com,a\nDUP@example.com,b\n\" dup@example.com \",c\n\"  sp1@example.co.jp\",d\nsp2@example.co.jp\u3000,e\n"
	a := f.req("POST", "/admin/recipients?campaign=nov-news", list, csvHdr...)
	if a.code != 200 || a.hdr.Get("X-Baton-Minted") != "3" || a.hdr.Get("X-Baton-Duplicate-Rows") != "2" || a.hdr.Get("X-Baton-Row-Error-Count") != "0" {
		t.Fatalf("%d %v %s", a.code, a.hdr, a.body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(a.body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || rows[1][2] == "" || rows[2][2] != rows[1][2] || rows[3][2] != rows[1][2] {
		t.Fatalf("rows %q", rows)
	}
	if rows[3][0] != "dup@example.com" || rows[4][0] != "sp1@example.co.jp" || rows[5][0] != "sp2@example.co.jp" {
		t.Errorf("addresses not as their tokens have them: %q", rows)
	}
	recipients := func() int {
		t.Helper()
		c, err := f.h.Links.Campaign(context.Background(), "nov-news")
		if err != nil {
			t.Fatal(err)
		}
		return c.Recipients
	}
	if n := recipients(); n != 3 {
		t.Fatalf("recipients %d, want 3", n)
	}
	// The file that came back, uploaded again as a part of the same send:
	// the same people, counted once.
	if a := f.req("POST", "/admin/recipients?campaign=nov-news&add=1", a.body, csvHdr...); a.code != 200 || a.hdr.Get("X-Baton-Minted") != "3" {
		t.Fatalf("again: %d %v %s", a.code, a.hdr, a.body)
	}
	if n := recipients(); n != 3 {
		t.Fatalf("the same list uploaded again: recipients %d, want 3", n)
	}
	// The page says the repeated rows too, and counts the person once.
	cookie, csrf := f.login(fullToken)
	p := f.uploadList(cookie, csrf, "/admin/campaigns/nov-news/recipients", list, "Accept", "text/html")
	if p.code != 200 || !strings.Contains(p.body, "3 recipients got a token.") || !strings.Contains(p.body, "2 rows repeat an address of a row above") {
		t.Fatalf("page: %d %.3000s", p.code, p.body)
	}
	if n := recipients(); n != 3 {
		t.Fatalf("after the page's upload: recipients %d, want 3", n)
	}
}
