package admin

import (
	"net/url"
	"testing"
)

// TestWholeReadsFullWidthDigits: whole, which the lists' limit and page
// parameters go through, refused the full-width digits a Japanese IME
// types (page=２).
func TestWholeReadsFullWidthDigits(t *testing.T) {
	for v, want := range map[string]int{"２": 2, "１０": 10, "\u3000７\u3000": 7, "+３": 3, "12": 12} {
		if n, bad := whole(url.Values{"page": {v}}, "page", 0, 0, 1000); bad != nil || n != want {
			t.Errorf("page=%q: %d %v, want %d", v, n, bad, want)
		}
	}
	for _, v := range []string{"－１", "１０００１", "２ページ", "Ⅱ", "٣"} {
		if _, bad := whole(url.Values{"page": {v}}, "page", 0, 0, 1000); bad == nil || bad.Field != "page" {
			t.Errorf("page=%q: %v, want refused", v, bad)
		}
	}
}
