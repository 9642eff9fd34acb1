package textcut

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBytes(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 5, "abc"},
		{"abcdef", 3, "abc"},
		{"予算なし", 7, "予算"}, // 3 bytes each: the third does not fit
		{"予算なし", 9, "予算な"},
		{"予", 2, ""},
		{"a🎉b", 4, "a"}, // a 4-byte character
	} {
		if got := Bytes(c.s, c.n); got != c.want {
			t.Errorf("Bytes(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

// FuzzBytes: the cut is valid UTF-8 when the text was, within the budget,
// and a prefix of the text losing less than a character.
func FuzzBytes(f *testing.F) {
	f.Add(strings.Repeat("今期は予算がなく見送り。", 10), 200)
	f.Add("a🎉b", 3)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || !utf8.ValidString(s) {
			return
		}
		got := Bytes(s, n)
		if !utf8.ValidString(got) || len(got) > n && len(s) > n || !strings.HasPrefix(s, got) || len(got) < min(n, len(s))-utf8.UTFMax+1 {
			t.Fatalf("Bytes(%q, %d) = %q", s, n, got)
		}
	})
}

func TestControls(t *testing.T) {
	for in, want := range map[string]string{
		"山田\x00太郎":               "山田太郎",
		"Acme\u0085\x7f\x1b[31m": "Acme[31m",
		"line 1\r\n\tline 2":     "line 1\r\n\tline 2",
		"plain":                  "plain",
		"\x00":                   "",
		// bidirectional overrides, embeddings and isolates: shown reordered
		"悪意\u202e郎太田山":                                        "悪意郎太田山",
		"\u202aA\u202b\u202c\u202dB\u2066C\u2067\u2068\u2069": "ABC",
		// and the marks, which reorder what is around them
		"\u200f田中\u200e (\u061c2025)": "田中 (2025)",
	} {
		if got := Controls(in); got != want {
			t.Errorf("Controls(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRunes(t *testing.T) {
	for _, c := range []struct {
		s    string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"予算なし", 4, "予算なし"},
		{"予算なしで見送り", 4, "予算な…"},
		{"a🎉bc", 3, "a🎉…"},
		{"abc", 1, "…"},
		{"", 2, ""},
		{"abc", 0, ""},
	} {
		if got := Runes(c.s, c.n); got != c.want {
			t.Errorf("Runes(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
		if got := utf8.RuneCountInString(Runes(c.s, c.n)); got > max(c.n, 0) {
			t.Errorf("Runes(%q, %d) has %d characters", c.s, c.n, got)
		}
	}
}

// TestLine: a value's line breaks and tabs, with the spaces beside them,
// are one space; the rest as it is.
func TestLine(t *testing.T) {
	for _, c := range []struct{ s, want string }{
		{"新井\r\n 一郎", "新井 一郎"},
		{"新井\r\n一郎", "新井 一郎"},
		{"株式会社ゼブラ\r\n東京支店", "株式会社ゼブラ 東京支店"},
		{" a \t\r\n \n\n b\rc\u2028d\u2029e ", "a b c d e"},
		{"\r\n山田  太郎\n", "山田 太郎"}, // a run of spaces is one
		{"山田\u3000\u3000太郎", "山田 太郎"}, {"Taro \u00a0 Yamada", "Taro Yamada"}, {"a  b", "a b"}, {" a b ", "a b"},
		{"\n\r\t ", ""},
		{"山田 太郎", "山田 太郎"},
		// Nothing visible: no value (a name of fillers was a link with no
		// text on the MQL list and the inbox, in place of the email).
		{"\u3164\u3164", ""}, {"\u115f", ""}, {"\u200b\u200b", ""}, {"\u200f\u00ad\u3000", ""}, {"\u2800", ""},
		{"\u200b山田", "\u200b山田"}, {"👩\u200d💻", "👩\u200d💻"}, {"-", "-"},
	} {
		if got := Line(c.s); got != c.want {
			t.Errorf("Line(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}
