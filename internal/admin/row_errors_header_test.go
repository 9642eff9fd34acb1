package admin_test

import (
	"encoding/json"
	"strings"
	"testing"
)

// X-Baton-Row-Errors carries the rows' reasons as JSON with the refused
// cell quoted as it was: a Japanese name in the email column gives raw
// UTF-8 bytes in an HTTP header. Header values are read as bytes (Latin-1:
// fetch's Headers.get, Python's requests), so a script reading the header
// gets mojibake ("å±±ç\u0094°..."), not 山田太郎. JSON can say the same in
// ASCII (\u5c71...), which every client reads alike.
func TestRowErrorsHeaderASCII(t *testing.T) {
	f := newFixture(t)
	serveRecipients(t, f, f.tb, "nov-news")
	a := f.req("POST", "/admin/recipients?campaign=nov-news", "email,company\n山田太郎,アクメ\nlead@example.com,Acme\n", "Authorization", "Bearer "+fullToken, "Content-Type", "text/csv")
	if a.code != 200 {
		t.Fatalf("%d %s", a.code, a.body)
	}
	h := a.hdr.Get("X-Baton-Row-Errors")
	var errs []struct {
		Line   int    `json:"line"`
		Reason string `json:"reason"`
	}
	if err := json.Unmarshal([]byte(h), &errs); err != nil || len(errs) != 1 || !strings.Contains(errs[0].Reason, "山田太郎") {
		t.Fatalf("X-Baton-Row-Errors %q: %v", h, err)
	}
	for i := 0; i < len(h); i++ {
		if h[i] >= 0x80 {
			t.Fatalf("X-Baton-Row-Errors has non-ASCII bytes (raw UTF-8 in a header, read as Latin-1 by clients): %q", h)
		}
	}
}
