package admin

import (
	"strings"
	"testing"
	"unicode"
)

// TestReadingAndMobileLabelled: the workspace names the attributes a
// form's furigana and mobile number are stored as (identity: name_kana,
// last_name_kana, first_name_kana, mobile) in Japanese and English, as it
// names the others; they read as their codes.
func TestReadingAndMobileLabelled(t *testing.T) {
	en, jp := page{L: "en"}, page{L: "ja"}
	for _, k := range []string{"name_kana", "last_name_kana", "first_name_kana", "mobile"} {
		e, j := en.Attr(k), jp.Attr(k)
		if e == k || strings.Contains(e, "_") || j == k || !strings.ContainsFunc(j, func(r rune) bool { return unicode.In(r, unicode.Han, unicode.Katakana) }) {
			t.Errorf("%s: %q in English, %q in Japanese", k, e, j)
		}
	}
	if en.Attr("last_name_kana") == en.Attr("last_name") || jp.Attr("last_name_kana") == jp.Attr("last_name") || jp.Attr("mobile") == jp.Attr("phone") {
		t.Error("a reading or mobile named as the name or phone it is beside")
	}
}
