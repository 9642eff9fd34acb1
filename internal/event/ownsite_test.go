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
