// Package textcut shortens text to a byte budget without cutting a
// character in two: half of a Japanese character (three bytes in UTF-8)
// is invalid UTF-8, which a store, a page or an SFA shows as U+FFFD.
package textcut

import "unicode/utf8"

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
