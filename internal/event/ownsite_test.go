package event_test

import (
	"strings"
	"testing"

	"github.com/baton-hq/baton/internal/event"
)

// TestOwnSiteRefusesHiddenSecondURL: url.Parse takes a space in a path or a
// fragment, and the collector stores a URL as sent, so a URL on the team's
// host could carry another after a space, a Unicode one (U+3000), a line
// break or an invisible character: it passed as the site's, and the SFA's
// text and the workspace showed the whole as the site's link. A URL with
// any of them is no own-site URL; the same URL without them still is.
func TestOwnSiteRefusesHiddenSecondURL(t *testing.T) {
	sites := []string{"www.example.com"}
	if !event.OwnSite("https://www.example.com/pricing#plans", sites) {
		t.Fatal("the site's own URL is not its own")
	}
	for _, u := range []string{
		"https://www.example.com/ www.evil.example/login",
		"https://www.example.com/#x https://evil.example",
		"https://www.example.com/?q=a b",
		"https://www.example.com/\u3000https://evil.example",
		"https://www.example.com/\u00a0evil.example",
		"https://www.example.com/\u2028https://evil.example",
		"https://www.example.com/\thttps://evil.example",
		"https://www.example.com/\u200bhttps://evil.example",
		"https://www.example.com/\u202egpj.exe",
		"https://www.example.com/\u3164evil.example",
		"https://www.example.com/ ",
		"https://www.example.com/\xff",
	} {
		if event.OwnSite(u, sites) {
			t.Errorf("OwnSite(%q) = true, want false", u)
		}
	}
}

// TestMarkedTextLinksNothingElse: Unlinked, which the MQL's, the MQA's and
// the kept values' text go through, leaves the site's URLs and marks any
// other, and OffsiteURL marks what follows a quote or a non-ASCII letter
// in an own-site URL (where a renderer ends the link and may begin
// another).
func TestMarkedTextLinksNothingElse(t *testing.T) {
	sites, mark := []string{"www.example.com"}, event.OffsiteMark("")
	for in, want := range map[string]string{
		"https://evil.example/x":                             mark + "evil[.]example/x",
		"see https://www.example.com/a and www.evil.example": "see https://www.example.com/a and " + mark + "www[.]evil[.]example",
		"Taro Yamada": "Taro Yamada",
	} {
		if got := event.Unlinked(in, sites, mark); got != want {
			t.Errorf("Unlinked(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		`https://www.example.com/"https://evil.example/q`: `https://www.example.com/"` + mark + "evil[.]example/q",
		"https://www.example.com/料金":                      "https://www.example.com/料金",
		"https://www.example.com/ evil.example/x":         mark + "www[.]example[.]com/ evil[.]example/x",
		"https://www.example.com/\r\nx":                   mark + "www[.]example[.]com/%0D%0Ax",
	} {
		if got := event.OffsiteURL(in, sites, mark); got != want {
			t.Errorf("OffsiteURL(%q) = %q, want %q", in, got, want)
		}
		if got := event.OffsiteURL(in, sites, mark); strings.Contains(got, "evil.example") {
			t.Errorf("OffsiteURL(%q) = %q: a host a renderer links", in, got)
		}
	}
}

// TestMarkedTextKeepsWordsAndAddresses: Unlinked marked "www." wherever it
// stood and took a sentence's full stop into the host, so an address sales
// must copy (a refused email quoted in the Salesforce note), a company's
// name and the site's own URL ending a sentence came out marked. A bare
// "www." inside a word or an address is no link and stays as it is; the
// punctuation that ends a sentence is no part of a URL's host and stays
// unmarked after it; a URL with a scheme is marked even glued to Japanese
// text, as SFAs link it there.
func TestMarkedTextKeepsWordsAndAddresses(t *testing.T) {
	sites := []string{"www.example.com"}
	for _, lang := range []string{"ja", ""} {
		mark := event.OffsiteMark(lang)
		for _, c := range []struct{ in, want string }{
			{"taro@www.acme.co.jp", "taro@www.acme.co.jp"},
			{"株式会社Www.Labo", "株式会社Www.Labo"},
			{"see https://www.example.com.", "see https://www.example.com."},
			{"info@mail.www.acme.co.jp", "info@mail.www.acme.co.jp"},
			{"taro@www.www.acme.co.jp", "taro@www.www.acme.co.jp"},
			{"see www.example.com/a, then (https://www.example.com/b).", "see www.example.com/a, then (https://www.example.com/b)."},
			{"https://www.example.com/wiki/A_(b)", "https://www.example.com/wiki/A_(b)"},
			{"詳細はhttps://evil.example/x", "詳細は" + mark + "evil[.]example/x"},
			{"詳細はhttps://evil.example/x。", "詳細は" + mark + "evil[.]example/x。"},
			{"see https://evil.example.", "see " + mark + "evil[.]example."},
			{"see www.evil.example, now", "see " + mark + "www[.]evil[.]example, now"},
			{"株式会社Www.Labo www.evil.example", "株式会社Www.Labo " + mark + "www[.]evil[.]example"},
			{"1https://evil.example", "1" + mark + "evil[.]example"},
			{"taro@https://evil.example", "taro@" + mark + "evil[.]example"},
			{"end.www.evil.example", "end." + mark + "www[.]evil[.]example"},
		} {
			if got := event.Unlinked(c.in, sites, mark); got != c.want {
				t.Errorf("Unlinked(%q) = %q, want %q", c.in, got, c.want)
			}
		}
		for _, c := range []struct{ in, want string }{
			{"https://www.example.com.", "https://www.example.com."},
			{"https://evil.example/x).", mark + "evil[.]example/x)."},
		} {
			if got := event.OffsiteURL(c.in, sites, mark); got != c.want {
				t.Errorf("OffsiteURL(%q) = %q, want %q", c.in, got, c.want)
			}
		}
	}
}
