package admin

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestReadURL: a URL shown as text reads as people wrote it (a tracked
// click's utm_campaign in Japanese was seven lines of escapes), without
// changing what it says: an escaped delimiter, space, control or bidi
// character, and bytes that are not UTF-8, stay escaped.
func TestReadURL(t *testing.T) {
	var p page
	for in, want := range map[string]string{
		"https://www.example.com/seminar?utm_campaign=2026-12_%E3%83%8B%E3%83%A5%E3%83%BC%E3%82%B9": "https://www.example.com/seminar?utm_campaign=2026-12_ニュース",
		"https://www.example.com/%E8%B3%87%E6%96%99/a%2Fb?q=a%26b%3Dc%23d%25e%2Bf":                  "https://www.example.com/資料/a%2Fb?q=a%26b%3Dc%23d%25e%2Bf",
		"https://www.example.com/?q=a%20b%0Ac%7F":                                                   "https://www.example.com/?q=a%20b%0Ac%7F",
		"https://www.example.com/?q=%41%42":                                                         "https://www.example.com/?q=AB",
		"https://www.example.com/?q=%E2%80%AEfdp.exe":                                               "https://www.example.com/?q=%E2%80%AEfdp.exe", // U+202E
		"https://www.example.com/?q=a%E3%80%80b":                                                    "https://www.example.com/?q=a%E3%80%80b",      // ideographic space
		"https://www.example.com/?q=a%C2%A0b":                                                       "https://www.example.com/?q=a%C2%A0b",
		"https://www.example.com/?q=a%E2%80%A8b":                                                    "https://www.example.com/?q=a%E2%80%A8b",
		"https://www.example.com/?q=a%E3%85%A4b":                                                    "https://www.example.com/?q=a%E3%85%A4b", // Hangul filler
		"https://www.example.com/?q=%FF%FE":                                                         "https://www.example.com/?q=%FF%FE",
		"https://www.example.com/?q=%E3%83":                                                         "https://www.example.com/?q=%E3%83",
		"https://www.example.com/?q=100%":                                                           "https://www.example.com/?q=100%",
		"https://www.example.com/?q=%zz%4":                                                          "https://www.example.com/?q=%zz%4",
		// Sent as they are, not escaped (the collector keeps a URL as sent):
		// escaped for the page, as an escaped one stays.
		"https://www.example.com/\u202egpj.exe":              "https://www.example.com/%E2%80%AEgpj.exe",
		"https://www.example.com/%E8%B3%87\u2066?q=a\u3000b": "https://www.example.com/%E8%B3%87%E2%81%A6?q=a%E3%80%80b",
		"https://www.example.com/\xff\u200b":                 "https://www.example.com/\xff%E2%80%8B",
		"":                                                   "",
	} {
		if got := p.ReadURL(in); got != want {
			t.Errorf("ReadURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzReadURL: what ReadURL shows says what the URL says: decoded, it is
// the URL decoded, and it holds no hidden character as it is; it is longer
// only by the escapes of the hidden characters the URL held unescaped.
func FuzzReadURL(f *testing.F) {
	for _, s := range []string{"a%E3%83%8Bb", "%2F%41", "%", "%4", "%ZZ", "%E2%80%AE", "%%34%31", "%2541"} {
		f.Add(s)
	}
	var p page
	f.Fuzz(func(t *testing.T, s string) {
		out := p.ReadURL(s)
		grow := 0
		for _, r := range s {
			if hidden(r) {
				grow += 2 * utf8.RuneLen(r)
			}
		}
		if len(out) > len(s)+grow {
			t.Fatalf("ReadURL(%q) = %q: longer", s, out)
		}
		if strings.ContainsFunc(out, hidden) {
			t.Fatalf("ReadURL(%q) = %q: a hidden character shown", s, out)
		}
		if u, err := url.PathUnescape(s); err == nil {
			if v, err := url.PathUnescape(out); err != nil || v != u {
				t.Fatalf("ReadURL(%q) = %q, which decodes to %q (%v), not %q", s, out, v, err, u)
			}
		}
	})
}

// TestPathOfReadsAsReadURL: the ledger's page ("+1 page-view (/pricing)")
// is the path read as ReadURL reads a URL. It was the decoded path, so a
// page address any visitor can open, escaped as browsers send it
// (/%E2%80%AEfdp.exe), put a raw U+202E in the line and turned the rest
// of it around, and an escaped slash read as a slash.
func TestPathOfReadsAsReadURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://www.example.com/pricing?x=1":        "/pricing",
		"https://www.example.com/%E8%B3%87%E6%96%99": "/資料",
		"https://www.example.com/%E2%80%AEfdp.exe":   "/%E2%80%AEfdp.exe",
		"https://www.example.com/\u202egpj.exe":      "/%E2%80%AEgpj.exe",
		"https://www.example.com/a%2Fb":              "/a%2Fb",
		"https://www.example.com":                    "https://www.example.com",
		"https://www.example.com/%zz\u2066":          "https://www.example.com/%zz%E2%81%A6", // no URL url.Parse reads
	} {
		if got := pathOf(in); got != want {
			t.Errorf("pathOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestShortURL: a link's text without a title is the host and path as
// ReadURL reads them; a query or fragment is said to be there (?…, #…),
// never shown; what is not a web address is said whole.
func TestShortURL(t *testing.T) {
	var p page
	for in, want := range map[string]string{
		"https://example.co.jp/lp?utm_source=newsletter&utm_campaign=nov": "example.co.jp/lp?…",
		"HTTP://example.co.jp/%E8%B3%87%E6%96%99#form":                    "example.co.jp/資料#…",
		"https://example.co.jp/a#x?y=1":                                   "example.co.jp/a#…",
		"https://example.co.jp/":                                          "example.co.jp/",
		"https://example.co.jp/\u202egpj.exe?q=1":                         "example.co.jp/%E2%80%AEgpj.exe?…",
		"mailto:a@example.co.jp?subject=x":                                "mailto:a@example.co.jp?subject=x",
		"":                                                                "",
	} {
		if got := p.ShortURL(in); got != want {
			t.Errorf("ShortURL(%q) = %q, want %q", in, got, want)
		}
	}
}
