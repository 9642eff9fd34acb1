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

// TestSearchKeyFoldsNameVariants: 髙橋 﨑子 from a list or a business card
// is found as the searcher types her, 高橋 崎子, and the other way round;
// NFKC leaves these variant kanji as they are.
func TestSearchKeyFoldsNameVariants(t *testing.T) {
	for stored, q := range map[string]string{"髙橋 﨑子": "高橋崎子", "高橋 崎子": "髙橋", "渡邉": "渡辺", "齋藤": "斎藤", "𠮷田": "吉田", "山﨑": "山嵜"} {
		if !searchMatch(q)(stored) {
			t.Errorf("search %q does not find %q", q, stored)
		}
	}
	if searchMatch("高橋")("髙木") {
		t.Errorf("高橋 finds 髙木")
	}
}
