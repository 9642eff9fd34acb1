package admin

import (
	"strings"
	"testing"
)

// TestAboutSaysWhatHashesAre: a disclosed field kept as a hash (what a
// delivery sent, the client of a click) is a string of hex digits to the
// person reading the file; what each kind is says which field it is, and
// that it is a hash, in both languages.
func TestAboutSaysWhatHashesAre(t *testing.T) {
	for kind, field := range map[string]string{"delivery": "sent", "click": "client", "campaignevent": "client", "recipient": "hash"} {
		for _, c := range []struct{ lang, hash string }{{"en", "hash"}, {"ja", "ハッシュ"}} {
			if a := aboutKind(kind, c.lang); !strings.Contains(a, field) || !strings.Contains(a, c.hash) {
				t.Errorf("%s (%s): %q does not say %s is a hash", kind, c.lang, a, field)
			}
		}
	}
}
