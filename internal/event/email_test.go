package event

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
)

// TestEmailInvisibleCharacters: an address with an invisible character (a
// zero-width space pasted from a web page or chat, a BOM left in a CSV
// cell, a soft hyphen, a bidi control) was an address of its own: a second
// person beside the real one, identical to the eye, and, for an erased
// person, a way back past their tombstone. It is the plain address; what
// is still no plain address once they are gone (a space inside, full-width
// or not, a control character) is none.
func TestEmailInvisibleCharacters(t *testing.T) {
	for _, in := range []string{
		"alice\u200b@acme.example",         // zero-width space
		"alice@acme.example\u200b",         // trailing zero-width space (TrimSpace keeps it)
		"\ufeffalice@acme.example",         // BOM
		"alice\u00ad@acme.example",         // soft hyphen
		"alice@acme\u200b.example",         // in the domain
		"alice\u202e@acme.example",         // right-to-left override
		"al\u200cice\u200d@acme.example",   // zero-width non-joiner and joiner
		"alice\u2060@acme.example",         // word joiner
		"\u200ealice@acme.example\u200f",   // left-to-right and right-to-left marks
		"\u2066alice@acme.example\u2069",   // bidi isolate
		"alice\u202a@acme.e\u202cxample",   // bidi embedding and pop
		"alice\u180e@acme.example",         // Mongolian vowel separator
		"alice\ufe0f@acme.example",         // variation selector
		"alice\U000E0041@acme.example",     // tag character
		"alice\U000E01F0@acme.example",     // unassigned, but default-ignorable
		"alice\u3164@acme.example",         // Hangul filler
		"ａｌｉｃｅ\u200b＠ａｃｍｅ．ｅｘａｍｐｌｅ",         // full-width, and a zero-width space
		"\u200b ALICE@Acme.Example \ufeff", // around spaces and case
		"\u00a0alice@acme.example\u3000",   // spaces around, full-width too
	} {
		if got, err := NormalizeEmail(in); err != nil || got != "alice@acme.example" {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want alice@acme.example", in, got, err)
		}
	}
	for _, bad := range []string{
		"a\u3000lice@acme.example",     // full-width space inside
		"a\u00a0lice@acme.example",     // no-break space inside
		"alice\u2028@acme.example",     // line separator
		"alice\u1680@acme.example",     // Ogham space mark, a space NFKC keeps
		"alice\u0085@acme.example",     // C1 control (next line)
		"alice\x00@acme.example",       // NUL
		"alice\ue000@acme.example",     // private use
		"alice\ufffd@acme.example",     // a decoding gone wrong
		"alice\xff@acme.example",       // not UTF-8
		"alice\U0003FFFD@acme.example", // unassigned
		"alice\u200b",                  // nothing but invisible around no address
		"\u200b",                       //
		"alice＠b＠acme.example",         // two at signs once NFKC
		"a@b@acme.example",             //
		"alice@acme\u200b",             // no dot in the domain
		"ａ\u3000ｌｉｃｅ＠ａｃｍｅ．ｅｘａｍｐｌｅ", // full-width throughout, a space inside
	} {
		if got, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", bad, got)
		}
	}
	// Addresses in other scripts stay themselves; an internationalised domain
	// is in its ASCII form (IDNA A-labels), one person whichever was typed.
	for in, want := range map[string]string{"山田@example.jp": "山田@example.jp", "José@Example.com": "josé@example.com", "taro@例え.jp": "taro@xn--r8jz45g.jp",
		// The ideographic full stop (and its half-width form) is a "." as
		// IDNA reads a domain: what a Japanese input method types for one.
		"taro@例え。jp": "taro@xn--r8jz45g.jp", "taro@example｡co。jp": "taro@example.co.jp"} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// FuzzNormalizeEmail: whatever the text, an address NormalizeEmail gives is
// its own normal form, shows every character it holds (no invisible one, no
// space, no control), and is one the URL scrubber removes wherever Baton
// stores a URL (given a top-level domain of letters, as the scrubber asks).
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"alice@acme.example", "alice\u200b@acme.example", "\ufeffalice@acme.example", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
		"山田@example.jp", "a\u3000lice@acme.example", "Ｙａｍａｄａ@Kaisha-Acme.example", "a!#$%&'*+-/=?^_`{|}~@b.example", "x@y", "José@例え.jp", "taro@例え。jp", "taro..yamada.@docomo.ne.jp"} {
		f.Add(s)
	}
	var sc Scrubber
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail(s)
		if err != nil {
			return
		}
		if again, err := NormalizeEmail(got); err != nil || again != got {
			t.Fatalf("NormalizeEmail(%q) = %q, and of that %q, %v", s, got, again, err)
		}
		if len(got) > 254 || strings.Count(got, "@") != 1 {
			t.Fatalf("NormalizeEmail(%q) = %q", s, got)
		}
		for _, r := range got {
			if IsInvisible(r) || unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar {
				t.Fatalf("NormalizeEmail(%q) = %q holds %U", s, got, r)
			}
		}
		tld := got[strings.LastIndexByte(got, '.')+1:]
		if len([]rune(tld)) < 2 || strings.IndexFunc(tld, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			return // "a@b.c", "pkg@1.2": the scrubber leaves them
		}
		if !hasEmail(s) || !hasEmail(got) {
			t.Fatalf("the scrubber does not see the address in %q (%q)", s, got)
		}
		for _, u := range []string{"https://a.example/?e=" + url.QueryEscape(s), "https://a.example/#e=" + url.QueryEscape(s)} {
			if out := sc.URL(u); out != "https://a.example/" {
				t.Fatalf("URL(%q) = %q, the address %q kept", u, out, got)
			}
		}
		out := sc.URL("https://a.example/u/" + url.PathEscape(s))
		if u, err := url.Parse(out); err != nil || hasEmail(u.Path) || !strings.Contains(out, "redacted") {
			t.Fatalf("URL of a path with %q = %q, the address %q kept", s, out, got)
		}
	})
}

// TestDeliverable: an address net/mail reads but no mail can reach (an
// address literal, a host name with a bad label) is none to identify by;
// IDN domains in A-labels, digits and inner hyphens are fine.
func TestDeliverable(t *testing.T) {
	for s, want := range map[string]bool{
		"taro@example.co.jp": true, "taro@xn--r8jz45g.jp": true, "a@123-abc.example": true, "a@mail2.example": true, "a@b.xn--p1ai": true,
		"dave@[127.0.0.1]": false, "dave@-example.com": false, "dave@example-.com": false, "dave@exa_mple.com": false,
		"dave@1.2.3.4": false, "dave@example": false, "dave@" + strings.Repeat("a", 64) + ".example": false,
	} {
		n, err := NormalizeEmail(s)
		if err != nil {
			if want {
				t.Errorf("%q: %v", s, err)
			}
			continue
		}
		if got := Deliverable(n); got != want {
			t.Errorf("Deliverable(%q) = %v, want %v", n, got, want)
		}
	}
}

// TestEmailSentencePeriod: an address typed in a Japanese input method
// often ends in the sentence's period (taro@example.co.jp。, or the
// full-width ．), and a form or a list's cell holding one was refused:
// the form identified nobody, the list's row was not imported. The period
// (full-width, ideographic, half-width or ASCII) and the spaces around it
// are no part of the address; nothing else of an address changes.
func TestEmailSentencePeriod(t *testing.T) {
	for _, in := range []string{
		"taro@example.co.jp．",
		"taro@example.co.jp。",
		"taro@example.co.jp｡",
		"taro@example.co.jp.",
		"taro@example.co.jp. ",
		" taro@example.co.jp ．\u3000",
		"ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ．",
		"Taro@Example.co.jp。\u200b",
	} {
		if got, err := NormalizeEmail(in); err != nil || got != "taro@example.co.jp" {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want taro@example.co.jp", in, got, err)
		}
	}
	for _, bad := range []string{
		"taro@example.co.jp..", // two periods: no sentence's end
		"taro@example.co.jp。。",
		"taro@.",
		"taro@example.",
		"taro.@",
		"。",
		"taro。",
	} {
		if got, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q; want an error", bad, got)
		}
	}
	// Real addresses, periods inside and all, are as they were.
	for _, in := range []string{"taro.yamada@example.co.jp", "t.a.r.o@sub.example.jp", "taro+x.y@example.jp"} {
		if got, err := NormalizeEmail(in); err != nil || got != in {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want it unchanged", in, got, err)
		}
	}
}

// TestCarrierAddressesOfTheOldRules: docomo, au and SoftBank handed out
// addresses with a dot before the "@" or two in a row until 2009, and
// still deliver to them; a visitor giving theirs to a form identified
// nobody (net/mail refuses them), and the inquiry reached no one. They are
// read as typed at those carriers' domains; elsewhere such a dot is a
// typo, and the text no address.
func TestCarrierAddressesOfTheOldRules(t *testing.T) {
	for in, want := range map[string]string{
		"taro.@docomo.ne.jp":       "taro.@docomo.ne.jp",
		"Taro..Yamada@EZweb.ne.jp": "taro..yamada@ezweb.ne.jp",
		"taro.@au.com":             "taro.@au.com",
		"hanako...@i.softbank.jp":  "hanako...@i.softbank.jp",
		"ｔａｒｏ．＠ｄｏｃｏｍｏ．ｎｅ．ｊｐ":              "taro.@docomo.ne.jp", // typed full-width
		"taro.@docomo.ne.jp。":             "taro.@docomo.ne.jp", // a sentence's period after it
		"yamada-.._taro@d.vodafone.ne.jp": "yamada-.._taro@d.vodafone.ne.jp",
	} {
		if got, err := NormalizeEmail(in); err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{
		"taro.@example.co.jp",             // not a carrier's: a typo
		"taro..yamada@gmail.com",          //
		".@docomo.ne.jp",                  // dots alone
		"ta ro.@docomo.ne.jp",             // a space inside
		"\"ta ro\".@docomo.ne.jp",         // quoted
		"taro.@docomo.ne.jp.evil.example", // not the carrier's domain
		"taro.@xdocomo.ne.jp",             //
	} {
		if got, err := NormalizeEmail(bad); err == nil {
			t.Errorf("NormalizeEmail(%q) = %q, want an error", bad, got)
		}
	}
}
