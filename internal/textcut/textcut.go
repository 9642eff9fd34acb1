// Package textcut makes text fit to keep: shortened to a byte budget without
// cutting a character in two (half of a Japanese character, three bytes in
// UTF-8, is invalid UTF-8, which a store, a page or an SFA shows as U+FFFD),
// and without control characters.
package textcut

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bytes returns s cut to at most n bytes, before the character that would
// not fit; s as it is when it fits.
func Bytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Controls returns s without control characters but tab, CR and LF (a
// textarea's lines): JSON lets a client send NUL and the like (\u0000),
// which pages show as U+FFFD, Excel cuts a cell at, and an SFA's name
// field should never hold. Nor bidirectional embeddings, overrides and
// isolates (U+202A-U+202E, U+2066-U+2069): a form's name "悪意\u202e郎太田山"
// showed as 悪意山田太郎 in the workspace, another person's name to the eye.
// Nor the direction marks (U+200E, U+200F, U+061C), which reorder the
// digits and punctuation around them: an owner typed "\u200f2025-01 田中"
// showed as another text in a cell. s as it is when it has none.
func Controls(s string) string {
	i := strings.IndexFunc(s, control)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if !control(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func control(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r >= 0x7f && r < 0xa0 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f || r == 0x061c
}

// Line returns s on one line: each run of spaces, line breaks and tabs
// (CR, LF, U+2028, U+2029, the ideographic space, any Unicode space) one
// space; the ends trimmed. A CSV cell or a pasted name holds them
// ("新井\r\n 一郎" is 新井 一郎), which an SFA's LastName or a page's title
// should never show, nor a name typed with two spaces (山田　　太郎), which
// the SFA's duplicate rules read as another name than 山田 太郎. Controls
// keeps them, as an inquiry's lines are the person's.
//
// A value with nothing visible (only fillers, zero-width and format
// characters: ㅤ, U+200B) is "": shown as a name, it made a link with no
// text where the pages fall back to the email.
func Line(s string) string {
	if !strings.ContainsFunc(s, lineBreak) && !strings.Contains(s, "  ") && isASCII(s) {
		return visibleOr(strings.TrimSpace(s))
	}
	return visibleOr(strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " "))
}

// ZeroWidth returns s without zero-width characters: the zero-width space,
// non-joiner and joiner (U+200B-U+200D), the word joiner (U+2060) and the
// BOM (U+FEFF, a zero-width no-break space). Pasted from a web page, a
// chat or a business card app into a name, they are invisible, and make
// 山田\u200b太郎 or 株式会社\u200bアクメ another name than the one it shows to
// every match: an SFA's duplicate rules, a company's account. s as it is
// when it has none. Variation selectors stay: a name's kanji variant
// (葛󠄀) is written with one.
func ZeroWidth(s string) string {
	if !strings.ContainsFunc(s, zeroWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if zeroWidth(r) {
			return -1
		}
		return r
	}, s)
}

// FoldWaveDash returns s with its wave dashes as one: 〜 (U+301C: Excel on
// a Mac, a Shift_JIS file) and ～ (U+FF5E: Excel on Windows) as the ~ NFKC
// makes of ～. "東京〜大阪" and "東京～大阪" are one name to a reader, and
// were two events.
func FoldWaveDash(s string) string {
	if !strings.ContainsAny(s, "\u301c\uff5e") {
		return s
	}
	return waveDashes.Replace(s)
}

var waveDashes = strings.NewReplacer("\u301c", "~", "\uff5e", "~")

func zeroWidth(r rune) bool {
	return r >= 0x200b && r <= 0x200d || r == 0x2060 || r == 0xfeff
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func visibleOr(s string) string {
	if !Visible(s) {
		return ""
	}
	return s
}

// Visible reports whether s shows anything: a character that is neither
// space, a format character (zero-width, bidi marks, soft hyphen), a
// control nor a blank filler (Hangul fillers, the Braille blank).
func Visible(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		switch r {
		case '\u115f', '\u1160', '\u3164', '\uffa0', '\u2800':
			return false
		}
		return unicode.IsGraphic(r) && !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r)
	})
}

func lineBreak(r rune) bool {
	return r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029'
}

// Excerpt is s as a message quotes it: at most n bytes, "…" after a cut.
// A refused cell quoted whole made a list of long cells an answer several
// times its size (%q, then JSON's \u003c for each '<').
func Excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Bytes(s, n) + "…"
}

// Runes returns s cut to at most n characters, the last of them an
// ellipsis (…) when it was cut, so a reader sees that more was said; s as
// it is when it fits.
func Runes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i, count := 0, 0
	for j := range s {
		if count == n-1 {
			i = j // where the ellipsis goes, if more than one character follows
		}
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}
