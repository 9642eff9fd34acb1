package admin

import (
	"strings"
	"testing"
)

// TestSearchKeyIgnoresInvisibleCharacters: a person stored before emails
// lost their invisible characters keeps the key they were made with
// (alice<U+200B>@...): the people search, which compares by searchKey,
// finds them by the plain address, as typed in full width too, and by
// their name as it shows; another address stays another.
func TestSearchKeyIgnoresInvisibleCharacters(t *testing.T) {
	stored := searchKey("alice\u200b@acme-corp.example") + "\x00" + searchKey("\ufeffAlice\u00ad Smith")
	for _, q := range []string{"alice@acme-corp.example", "ａｌｉｃｅ＠ａｃｍｅ－ｃｏｒｐ．ｅｘａｍｐｌｅ", "AliceSmith", "alice smith", "alice@"} {
		if k := searchKey(q); k == "" || !strings.Contains(stored, k) {
			t.Errorf("search %q (%q) does not find %q", q, k, stored)
		}
	}
	for _, q := range []string{"alicia@acme-corp.example", "bob"} {
		if strings.Contains(stored, searchKey(q)) {
			t.Errorf("search %q finds %q", q, stored)
		}
	}
}
