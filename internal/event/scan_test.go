package event

import "testing"

// TestPlain: plain stops where a byte-by-byte look would, for every byte
// value at every place of a word and across words.
func TestPlain(t *testing.T) {
	naive := func(d []byte, i int) int {
		for ; i < len(d); i++ {
			if c := d[i]; c == '"' || c == '\\' || c < ' ' {
				break
			}
		}
		return i
	}
	for c := range 256 {
		for at := range 20 {
			d := []byte("abcdefghijklmnopqrstuvwx\xc3\xa9")
			d[at] = byte(c)
			for from := range 10 {
				if got, want := plain(d, from), naive(d, from); got != want {
					t.Fatalf("plain(%q, %d) = %d, want %d", d, from, got, want)
				}
			}
			for _, n := range []int{at, at + 1, 8, 16} { // ending in the word
				if got, want := plain(d[:n], 0), naive(d[:n], 0); got != want {
					t.Fatalf("plain(%q, 0) = %d, want %d", d[:n], got, want)
				}
			}
		}
	}
}
