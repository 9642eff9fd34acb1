package admin

import (
	"encoding/json"
	"testing"
)

// TestASCIIJSON: the header form of JSON reads back as the value, past
// U+FFFF too (a surrogate pair), in ASCII alone.
func TestASCIIJSON(t *testing.T) {
	in := []string{"山田太郎", "𠮷野家 🍣", `"q" <a> & \`, ""}
	got := asciiJSON(in)
	for i := 0; i < len(got); i++ {
		if got[i] >= 0x80 {
			t.Fatalf("not ASCII: %q", got)
		}
	}
	var back []string
	if err := json.Unmarshal([]byte(got), &back); err != nil || len(back) != len(in) {
		t.Fatalf("%q: %v %q", got, err, back)
	}
	for i := range in {
		if back[i] != in[i] {
			t.Errorf("%q read back as %q", in[i], back[i])
		}
	}
}
